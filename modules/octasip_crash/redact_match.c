/**
 * @file redact_match.c  The redactor's matchers: what a URI, an address,
 *                       a number, a host name or a secret's key word
 *                       looks like (the pass itself: redact.c)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "redact_match.h"


/* case-insensitive prefix test of a lower-case literal */
bool prefix_ci(const char *in, size_t len, size_t i, const char *lit)
{
	size_t k;

	for (k = 0; lit[k]; ++k) {
		if (i + k >= len || lower((unsigned char)in[i + k]) !=
		    (unsigned char)lit[k])
			return false;
	}

	return true;
}


/* sip:, sips:, tel: followed by at least one URI character */
size_t match_uri(const char *in, size_t len, size_t i)
{
	size_t j, s;

	/* also percent-encoded in another URI: sip%3Aalice%40host */
	if (prefix_ci(in, len, i, "sips:"))
		j = i + 5;
	else if (prefix_ci(in, len, i, "sip:") || prefix_ci(in, len, i,
							      "tel:"))
		j = i + 4;
	else if (prefix_ci(in, len, i, "sips%3a"))
		j = i + 7;
	else if (prefix_ci(in, len, i, "sip%3a") || prefix_ci(in, len, i,
								"tel%3a"))
		j = i + 6;
	else
		return 0;

	s = j;

	for (; j < len; ++j) {
		unsigned char c = (unsigned char)in[j];

		if (is_space(c) || c < 0x20 || c == '<' || c == '>' ||
		    c == '"' || c == '\'' || c == ',' || c == '(' ||
		    c == ')' || c == '{' || c == '}')
			break;

		/* an encoded URI ends with its query parameter */
		if (c == '&' && in[s - 3] == '%')
			break;
	}

	/* "sip:" alone is a word followed by a colon, not a URI */
	return j > s ? j - i : 0;
}


/*
 * The user information of a URL, right after "://": RFC 3986 characters
 * up to an '@'.  Returns its length with the '@', 0 if there is none.
 */
size_t match_userinfo(const char *in, size_t len, size_t j)
{
	size_t k;

	for (k = j; k < len; ++k) {

		unsigned char c = (unsigned char)in[k];

		if (c == '@')
			return k > j ? k + 1 - j : 0;

		if (is_alnum(c))
			continue;

		switch (c) {

		case '-': case '.': case '_': case '~': case '%':
		case '!': case '$': case '&': case '\'': case '(':
		case ')': case '*': case '+': case ',': case ';':
		case '=': case ':':
			continue;

		default:
			return 0;
		}
	}

	return 0;
}


/* Cisco's notation: three groups of four hex digits split by '.' */
static size_t match_mac_dotted(const char *in, size_t len, size_t i)
{
	size_t k;

	if (len - i < 14 || in[i + 4] != '.' || in[i + 9] != '.')
		return 0;

	for (k = i; k < i + 14; ++k) {
		if (k == i + 4 || k == i + 9)
			continue;
		if (!is_hex((unsigned char)in[k]))
			return 0;
	}

	k = i + 14;
	if (k < len && (is_word((unsigned char)in[k]) ||
			(in[k] == '.' && k + 1 < len &&
			 is_hex((unsigned char)in[k + 1]))))
		return 0;

	return 14;
}


/*
 * A MAC address: six pairs of hex digits split by ':' or by '-', not
 * part of a longer run of them (an EUI-64 is left to the IPv6 rule), or
 * Cisco's aabb.ccdd.eeff.
 */
size_t match_mac(const char *in, size_t len, size_t i)
{
	char sep;
	size_t k;
	int g;

	k = match_mac_dotted(in, len, i);
	if (k)
		return k;

	if (len - i < 17)
		return 0;

	sep = in[i + 2];
	if (sep != ':' && sep != '-')
		return 0;

	for (g = 0, k = i; g < 6; ++g, k += 3) {
		if (!is_hex((unsigned char)in[k]) ||
		    !is_hex((unsigned char)in[k + 1]))
			return 0;
		if (g < 5 && in[k + 2] != sep)
			return 0;
	}

	k = i + 17;
	if (k < len && (is_word((unsigned char)in[k]) ||
			((in[k] == ':' || in[k] == '-') && k + 1 < len &&
			 is_hex((unsigned char)in[k + 1]))))
		return 0;

	return 17;
}


/* "Bearer" and spaces, then a token */
size_t match_bearer(const char *in, size_t len, size_t i,
		    size_t *tok)
{
	size_t j = i + 6, t;

	if (!prefix_ci(in, len, i, "bearer"))
		return 0;

	if (j >= len || (in[j] != ' ' && in[j] != '\t'))
		return 0;

	while (j < len && (in[j] == ' ' || in[j] == '\t'))
		++j;

	t = j;
	while (j < len && !is_space((unsigned char)in[j]) && in[j] != '"' &&
	       in[j] != '\'' && in[j] != ',')
		++j;

	if (j == t)
		return 0;

	*tok = t - i;

	return j - i;
}


/* dotted quad, each part 0..255, optionally ":port" */
size_t match_ipv4(const char *in, size_t len, size_t i)
{
	size_t j = i;
	int part;

	for (part = 0; part < 4; ++part) {

		unsigned v = 0, nd = 0;

		if (part) {
			if (j >= len || in[j] != '.')
				return 0;
			++j;
		}

		while (j < len && is_digit((unsigned char)in[j]) && nd < 4) {
			v = v * 10 + (unsigned)(in[j] - '0');
			++nd;
			++j;
		}

		if (nd == 0 || nd > 3 || v > 255)
			return 0;
	}

	/* 1.2.3.4.5 is a version, not an address */
	if (j + 1 < len && in[j] == '.' && is_digit((unsigned char)in[j + 1]))
		return 0;

	if (j < len && (is_word((unsigned char)in[j])))
		return 0;

	if (j + 1 < len && in[j] == ':' &&
	    is_digit((unsigned char)in[j + 1])) {
		++j;
		while (j < len && is_digit((unsigned char)in[j]))
			++j;
	}

	return j - i;
}


/*
 * IPv6: hex groups of at most 4 and colons, with "::" or all 8 groups,
 * optionally ending in a dotted quad.  The longest valid prefix counts,
 * so what follows never changes whether a match is made.
 */
size_t match_ipv6(const char *in, size_t len, size_t i)
{
	size_t j = i, colons = 0, grp = 0, hexd = 0;
	bool dbl = false, dots = false;

	for (; j < len; ++j) {

		unsigned char c = (unsigned char)in[j];

		if (c == ':') {
			if (dots)
				break;
			if (j > i && in[j - 1] == ':') {
				/* a second "::" ends the address before it */
				if (dbl)
					break;
				dbl = true;
			}
			++colons;
			grp = 0;
		}
		else if (is_hex(c)) {
			if (grp == 4 && !dots)
				break;
			++grp;
			++hexd;
		}
		else if (c == '.' && colons >= 2 && j + 1 < len &&
			 is_digit((unsigned char)in[j + 1])) {
			dots = true;
		}
		else {
			break;
		}
	}

	/* a trailing single colon belongs to the text ("::1:" is odd) */
	if (j > i && in[j - 1] == ':' && !(j - 1 > i && in[j - 2] == ':')) {
		--j;
		--colons;
	}

	/* a last group glued to a word is that word's: stop before it */
	if (j < len && is_word((unsigned char)in[j])) {
		size_t k;

		if (dots)
			return 0;
		while (j > i && in[j - 1] != ':')
			--j;
		if (j > i + 1 && in[j - 2] != ':') {
			--j;
			--colons;
		}
		for (hexd = 0, k = i; k < j; ++k)
			hexd += is_hex((unsigned char)in[k]);
	}

	if (colons < 2 || hexd == 0)
		return 0;

	if (!dbl && colons != 7 && !(dots && colons == 6))
		return 0;

	return j - i;
}


static bool luhn_ok(const char *in, size_t i, size_t end)
{
	unsigned sum = 0, k = 0;
	size_t j = end;

	while (j > i) {

		unsigned char c = (unsigned char)in[--j];
		unsigned d;

		if (!is_digit(c))
			continue;

		d = (unsigned)(c - '0');
		if (k++ & 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}

	return sum % 10 == 0;
}


/*
 * A phone or other long number: optional '+', digits with single
 * separators (space, '-', '(', ')') between them, 7 or more digits.
 * *card is set for 13-19 digits separated by nothing, ' ' or '-' that
 * pass the Luhn check.
 */
size_t match_number(const char *in, size_t len, size_t i,
		    bool *card)
{
	size_t j = i, last = i, digits = 0, seps = 0;
	size_t prev_last = i, prev_digits = 0;
	bool card_seps = true;

	if (j < len && in[j] == '+')
		++j;

	while (j < len) {

		unsigned char c = (unsigned char)in[j];

		if (is_digit(c)) {
			if (seps) {
				/* a new group starts: remember the old end */
				prev_last = last;
				prev_digits = digits;
			}
			++digits;
			seps = 0;
			last = j + 1;
			++j;
		}
		else if ((c == ' ' || c == '-' || c == '(' || c == ')') &&
			 seps < 2) {
			if (c != ' ' && c != '-')
				card_seps = false;
			++seps;
			++j;
		}
		else {
			break;
		}
	}

	/* a last group glued to a word belongs to that word */
	if (last < len && (is_alpha((unsigned char)in[last]) ||
			   in[last] == '_')) {
		last = prev_last;
		digits = prev_digits;
	}

	if (digits < 7)
		return 0;

	/* YYYY-MM-DD is a date */
	if (last - i == 10 && in[i + 4] == '-' && in[i + 7] == '-' &&
	    digits == 8)
		return 0;

	*card = card_seps && digits >= 13 && digits <= 19 &&
		in[i] != '+' && luhn_ok(in, i, last);

	return last - i;
}


static void lower_copy(char *low, const char *k, size_t n)
{
	size_t a;

	for (a = 0; a < n; ++a)
		low[a] = (char)lower((unsigned char)k[a]);
	low[n] = '\0';
}


static bool ends_with(const char *s, size_t n, const char *suf)
{
	size_t m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}


/* is the word, lower-cased, one of the list's? */
static bool word_in(const char *w, size_t n, const char *const *v,
		    size_t c)
{
	char low[64];
	size_t a;

	if (n == 0 || n >= sizeof(low))
		return false;

	lower_copy(low, w, n);

	for (a = 0; a < c; ++a) {
		if (!strcmp(low, v[a]))
			return true;
	}

	return false;
}


#define WORD_IN(w, n, list) \
	word_in((w), (n), (list), sizeof(list) / sizeof((list)[0]))


bool secret_key(const char *k, size_t n)
{
	static const char *const words[] = {
		"pass", "pwd", "secret", "auth", "token", "apikey",
		"api_key", "api-key", "credential", "private_key",
		"privatekey", "cookie", "session", "nonce", "cnonce",
		"response",
	};
	char low[64];
	size_t w;

	if (n == 0 || n >= sizeof(low))
		return false;

	lower_copy(low, k, n);

	/* exact short keys that are too generic as substrings */
	if (!strcmp(low, "pw") || !strcmp(low, "pin") || !strcmp(low, "key"))
		return true;

	for (w = 0; w < sizeof(words) / sizeof(words[0]); ++w) {
		if (strstr(low, words[w]))
			return true;
	}

	return false;
}


/*
 * Keys whose value is written after spaces, as baresip's config writes
 * it ("auth_pass hunter2"): the password words themselves, and *_pass,
 * *_password, *_secret, *_token, *_key.
 */
bool spaced_secret_key(const char *k, size_t n)
{
	static const char *const exact[] = {
		"password", "passwd", "passphrase", "pwd", "pass", "secret",
		"token", "pin",
	};
	static const char *const suffix[] = {
		"_pass", "_password", "_passwd", "_secret", "_token", "_key",
	};
	char low[64];
	size_t a;

	if (n == 0 || n >= sizeof(low))
		return false;
	if (WORD_IN(k, n, exact))
		return true;

	lower_copy(low, k, n);

	for (a = 0; a < sizeof(suffix) / sizeof(suffix[0]); ++a) {
		if (ends_with(low, n, suffix[a]))
			return true;
	}

	return false;
}


/* words that follow "password" in prose, not as its value */
static bool prose_word(const char *w, size_t n)
{
	static const char *const words[] = {
		"is", "was", "are", "were", "not", "for", "of", "and", "or",
		"the", "a", "an", "to", "in", "on", "from", "with", "required",
		"missing", "wrong", "invalid", "incorrect", "empty", "set",
		"unset", "changed", "prompt", "field", "must", "should",
		"will", "may", "can", "expired",
	};

	return WORD_IN(w, n, words);
}


/* spaces, then a value: its end, 0 if none (or a word of prose) */
size_t spaced_value(const char *in, size_t len, size_t w,
		    size_t *vs)
{
	size_t j = w;

	while (j < len && (in[j] == ' ' || in[j] == '\t'))
		++j;
	if (j == w)
		return 0;

	*vs = j;
	while (j < len && !is_space((unsigned char)in[j]) && in[j] != '"' &&
	       in[j] != '\'' && in[j] != ';' && in[j] != ',')
		++j;

	if (j == *vs || in[*vs] == '=' || in[*vs] == ':' ||
	    prose_word(in + *vs, j - *vs))
		return 0;

	return j;
}


/*
 * Keys whose value names a person or a place, not a secret: user names,
 * digest realms (the SIP domain), home directories.  The token to put
 * in place of the value, NULL for any other key.
 */
const char *personal_key(const char *k, size_t n)
{
	static const char *const users[] = {
		"user", "username", "user_name", "login", "uname",
	};
	char low[64];

	if (n == 0 || n >= sizeof(low))
		return NULL;
	if (WORD_IN(k, n, users))
		return "[user]";

	lower_copy(low, k, n);

	if (!strcmp(low, "realm"))
		return "[realm]";
	if (!strcmp(low, "home") || ends_with(low, n, "_home"))
		return "[home]";

	return NULL;
}


/* SIP headers that carry a name-addr: their display name goes */
bool addr_header(const char *k, size_t n)
{
	static const char *const hdrs[] = {
		"from", "to", "contact", "f", "t", "m", "reply-to",
		"referred-by", "p-asserted-identity", "p-preferred-identity",
		"remote-party-id",
	};

	return WORD_IN(k, n, hdrs);
}


/*
 * "From: Alice Smith <sip:...>": the unquoted display name after an
 * address header's colon, up to the '<' on the same line.  Its start
 * and end (the '<'); false if there is none (a quoted one is left to
 * match_quoted_name()).
 */
bool match_dname(const char *in, size_t len, size_t w, size_t *vs,
		 size_t *ve)
{
	size_t j = w;
	bool text = false;

	while (j < len && (in[j] == ' ' || in[j] == '\t'))
		++j;
	if (j >= len || in[j] != ':')
		return false;
	++j;
	while (j < len && (in[j] == ' ' || in[j] == '\t'))
		++j;

	*vs = j;
	for (; j < len; ++j) {
		unsigned char c = (unsigned char)in[j];

		if (c == '<')
			break;
		if (c == '"' || c == '\r' || c == '\n' || c == ',' ||
		    c == '>')
			return false;
		if (!is_space(c))
			text = true;
	}

	*ve = j;

	return j < len && text;
}


/* "quoted name" [spaces] '<': a display name; its length with quotes */
size_t match_quoted_name(const char *in, size_t len, size_t i)
{
	size_t j = i + 1, k;

	while (j < len && in[j] != '"' && in[j] != '\r' && in[j] != '\n') {
		if (in[j] == '\\' && j + 1 < len)
			++j;
		++j;
	}
	if (j >= len || in[j] != '"')
		return 0;

	for (k = j + 1; k < len && (in[k] == ' ' || in[k] == '\t'); ++k)
		;

	return k < len && in[k] == '<' ? j + 1 - i : 0;
}


/* last labels that are file types, not top-level domains */
static bool file_suffix(const char *s, size_t n)
{
	static const char *const ext[] = {
		"so", "cc", "cpp", "hpp", "py", "js", "ts", "json", "txt",
		"log", "wav", "mp3", "ogg", "db", "conf", "cfg", "ini", "md",
		"sh", "xml", "html", "htm", "yml", "yaml", "toml", "pem",
		"crt", "key", "gz", "xz", "zip", "tar", "bak", "tmp", "lock",
		"pid", "sock", "service", "desktop", "png", "jpg", "svg",
		"pdf", "csv", "sql", "in", "out", "rs", "go", "rb", "pl",
		"java", "jar", "deb", "rpm", "mk", "cmake", "bin", "img",
		"iso", "asc", "sig", "gpg", "wal", "shm", "exe", "dll",
	};

	return WORD_IN(s, n, ext);
}


/*
 * A host name: two or more labels of letters, digits and '-' split by
 * '.', the last one letters only (2 to 63) and no file type.  Not a key
 * (followed by '='), not a component of a path ("/etc/x.local").
 */
size_t match_host(const char *in, size_t len, size_t i)
{
	size_t j = i, lab = i, labels = 0, k;
	bool alpha = true;

	if (i > 0 && (in[i - 1] == '.' ||
		      (in[i - 1] == '/' && !(i > 1 && in[i - 2] == '/'))))
		return 0;

	for (;;) {
		lab = j;
		alpha = true;
		while (j < len && (is_alnum((unsigned char)in[j]) ||
				   in[j] == '-')) {
			if (!is_alpha((unsigned char)in[j]))
				alpha = false;
			++j;
		}
		if (j == lab || in[lab] == '-' || in[j - 1] == '-')
			return 0;
		++labels;
		if (j + 1 < len && in[j] == '.' &&
		    is_alnum((unsigned char)in[j + 1])) {
			++j;
			continue;
		}
		break;
	}

	if (labels < 2 || !alpha || j - lab < 2 || j - lab > 63 ||
	    file_suffix(in + lab, j - lab))
		return 0;

	if (j < len && (in[j] == '_' || in[j] == '('))
		return 0;

	for (k = j; k < len && (in[k] == ' ' || in[k] == '\t'); ++k)
		;
	if (k < len && in[k] == '=')
		return 0;

	/* the local part of an address: the '@' rule takes it */
	for (k = j; k < len && local_char((unsigned char)in[k]) &&
		     !prefix_ci(in, len, k, "%40"); ++k)
		;
	if (k < len && (in[k] == '@' || prefix_ci(in, len, k, "%40")))
		return 0;

	return j - i;
}


/*
 * key[quote] [=:] value: the value's start and end.  Returns false if
 * the word at i..wend is not followed by a separator.
 */
bool key_value(const char *in, size_t len, size_t wend,
	       size_t *vstart, size_t *vend, bool *to_eol)
{
	size_t j = wend;
	char sep;

	if (j < len && (in[j] == '"' || in[j] == '\''))
		++j;
	while (j < len && (in[j] == ' ' || in[j] == '\t'))
		++j;

	if (j >= len || (in[j] != '=' && in[j] != ':'))
		return false;

	sep = in[j++];
	while (j < len && (in[j] == ' ' || in[j] == '\t'))
		++j;

	*vstart = j;

	if (*to_eol && sep == ':') {
		while (j < len && in[j] != '\r' && in[j] != '\n')
			++j;
		*vend = j;
		return j > *vstart;
	}
	*to_eol = false;

	if (j < len && (in[j] == '"' || in[j] == '\'')) {
		char q = in[j++];

		*vstart = j;
		while (j < len && in[j] != q)
			++j;
		*vend = j;
		return true;
	}

	/* a bracketed value ([secret] itself) ends at its bracket */
	if (j < len && in[j] == '[') {
		while (j < len && in[j] != ']' &&
		       !is_space((unsigned char)in[j]))
			++j;
		*vend = (j < len && in[j] == ']') ? j + 1 : j;
		return true;
	}

	while (j < len) {
		unsigned char c = (unsigned char)in[j];

		if (is_space(c) || c == ';' || c == ',' || c == '&' ||
		    c == '"' || c == '\'' || c == '<' || c == '>' ||
		    c == ')' || c == '}' || c == ']')
			break;
		++j;
	}
	*vend = j;

	return true;
}


/* the host after '@': a name, or an address in brackets */
size_t domain_len(const char *in, size_t len, size_t j)
{
	size_t k = j;

	/* an address literal: [hex, ':' and '.'] only */
	if (k < len && in[k] == '[') {
		++k;
		while (k < len && (is_hex((unsigned char)in[k]) ||
				   in[k] == ':' || in[k] == '.'))
			++k;
		return (k < len && in[k] == ']' && k > j + 1) ? k + 1 - j : 0;
	}

	if (k >= len || !is_alnum((unsigned char)in[k]))
		return 0;

	while (k < len && (is_alnum((unsigned char)in[k]) || in[k] == '-' ||
			   in[k] == '.' || in[k] == '_'))
		++k;

	/* a trailing dot ends the sentence */
	while (k > j && in[k - 1] == '.')
		--k;

	return k - j;
}
