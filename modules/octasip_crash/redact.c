/**
 * @file redact.c  The redactor (see redact.h for what it removes)
 *
 * One left-to-right pass over the input, no allocation, no regex: each
 * matcher looks at the input from a position and returns how many bytes
 * it would replace (0: no match).  Plain text is copied byte by byte;
 * because copies are 1:1 since the last replacement, the '@' rule can
 * take back the local part of an address it already copied.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "redact.h"
#include "redact_match.h"


struct outbuf {
	char *p;
	size_t sz;     /* capacity including the NUL */
	size_t n;      /* bytes written */
};


static void put(struct outbuf *o, char c)
{
	if (o->n + 1 < o->sz)
		o->p[o->n++] = c;
}


static void puts_n(struct outbuf *o, const char *s, size_t n)
{
	size_t room = o->sz ? o->sz - 1 - o->n : 0;

	if (n > room)
		n = room;

	memcpy(o->p + o->n, s, n);
	o->n += n;
}


#define PUTS(o, lit) puts_n((o), (lit), sizeof(lit) - 1)


/*
 * One pass over a string: the input position, and where the last
 * replacement ended in the input (mark) and in the output (out_mark),
 * so that an address found at its '@' can take back its local part.
 */
struct scan {
	const char *in;
	size_t len;
	size_t i;
	size_t mark;
	size_t out_mark;
	struct outbuf o;
};


/* the input up to newi was replaced */
static void replaced(struct scan *s, size_t newi)
{
	s->i = newi;
	s->mark = newi;
	s->out_mark = s->o.n;
}


/* m input bytes replaced by the token lit */
#define REPLACE(s, m, lit) do {				\
		PUTS(&(s)->o, lit);				\
		replaced((s), (s)->i + (m));			\
	} while (0)


/* A word that is a URI, a bearer token, a MAC or IPv6 address or a
 * host name as a whole */
static bool word_pattern(struct scan *s, unsigned char lc)
{
	const char *in = s->in;
	size_t len = s->len, i = s->i, m, t;
	unsigned char c = (unsigned char)in[i];

	if ((lc == 's' || lc == 't') && (m = match_uri(in, len, i))) {
		REPLACE(s, m, "[uri]");
		return true;
	}
	if (lc == 'b' && (m = match_bearer(in, len, i, &t))) {
		puts_n(&s->o, in + i, t);
		REPLACE(s, m, "[token]");
		return true;
	}
	if (is_hex(c) && (m = match_mac(in, len, i))) {
		REPLACE(s, m, "[mac]");
		return true;
	}
	if (is_hex(c) && (m = match_ipv6(in, len, i))) {
		REPLACE(s, m, "[ip]");
		return true;
	}
	if ((m = match_host(in, len, i))) {
		REPLACE(s, m, "[host]");
		return true;
	}

	return false;
}


/* A key word (ending at w) and its value: a secret, a personal value,
 * an address header's display name, "auth_pass hunter2" */
static bool word_keyed(struct scan *s, unsigned char lc, size_t w)
{
	const char *in = s->in, *tok;
	size_t len = s->len, i = s->i, vs, ve, m;
	bool eol, sep;

	eol = (w - i == 13 && prefix_ci(in, len, i, "authorization")) ||
		(w - i == 19 && prefix_ci(in, len, i,
					  "proxy-authorization"));

	/* the key rules only for a word before '=' or ':' */
	sep = followed_by_sep(in, len, w);

	if (sep && secret_key(in + i, w - i) &&
	    key_value(in, len, w, &vs, &ve, &eol) && ve > vs) {
		puts_n(&s->o, in + i, vs - i);
		PUTS(&s->o, "[secret]");
		replaced(s, ve);
		return true;
	}

	eol = false;
	tok = sep ? personal_key(in + i, w - i) : NULL;
	if (tok && key_value(in, len, w, &vs, &ve, &eol) && ve > vs) {
		puts_n(&s->o, in + i, vs - i);
		puts_n(&s->o, tok, strlen(tok));
		replaced(s, ve);
		return true;
	}

	if (sep && addr_header(in + i, w - i) &&
	    match_dname(in, len, w, &vs, &ve)) {
		puts_n(&s->o, in + i, vs - i);
		PUTS(&s->o, "[name] ");
		replaced(s, ve);
		return true;
	}

	/* "auth_pass hunter2", as baresip's config has it; cheap gate
	 * first: spaces after, p/s/t or a '_' */
	if (w < len && (in[w] == ' ' || in[w] == '\t') &&
	    (lc == 'p' || lc == 's' || lc == 't' ||
	     memchr(in + i, '_', w - i)) &&
	    spaced_secret_key(in + i, w - i) &&
	    (m = spaced_value(in, len, w, &vs))) {
		puts_n(&s->o, in + i, vs - i);
		PUTS(&s->o, "[secret]");
		replaced(s, m);
		return true;
	}

	return false;
}


/* At the start of a word (a letter after a word boundary) */
static void scan_word(struct scan *s)
{
	const char *in = s->in;
	size_t len = s->len, w = s->i;
	unsigned char lc = lower((unsigned char)in[s->i]);

	if (word_pattern(s, lc))
		return;

	/* keys may hold '-' (api-key), plain words do not */
	while (w < len && (is_word((unsigned char)in[w]) || in[w] == '-'))
		++w;

	if (word_keyed(s, lc, w))
		return;

	/* a plain word: copied; '@' may take it back */
	w = s->i;
	while (w < len && is_word((unsigned char)in[w]))
		++w;
	puts_n(&s->o, in + s->i, w - s->i);
	s->i = w;
}


/* At a digit, '+' or ':' after a word boundary: addresses, numbers */
static bool scan_digits(struct scan *s, unsigned char c)
{
	const char *in = s->in;
	size_t len = s->len, i = s->i, m;
	bool card;

	if (is_digit(c) || c == ':') {

		if (c != ':' && (m = match_mac(in, len, i))) {
			REPLACE(s, m, "[mac]");
			return true;
		}
		if (c != ':' && (m = match_ipv4(in, len, i))) {
			REPLACE(s, m, "[ip]");
			return true;
		}
		if ((m = match_ipv6(in, len, i))) {
			REPLACE(s, m, "[ip]");
			return true;
		}
	}

	if ((is_digit(c) || (c == '+' && i + 1 < len &&
			     is_digit((unsigned char)in[i + 1]))) &&
	    (m = match_number(in, len, i, &card))) {
		if (card)
			REPLACE(s, m, "[card]");
		else
			REPLACE(s, m, "[number]");
		return true;
	}

	if (is_digit(c)) {
		/* a short number or a version: copy it whole */
		size_t w = i;

		while (w < len && (is_word((unsigned char)in[w]) ||
				   (in[w] == '.' && w + 1 < len &&
				    is_digit((unsigned char)in[w + 1]))))
			++w;
		puts_n(&s->o, in + i, w - i);
		s->i = w;
		return true;
	}

	return false;
}


/* User information, a quoted display name, an e-mail address */
static bool scan_address(struct scan *s, unsigned char c)
{
	const char *in = s->in;
	size_t len = s->len, i = s->i, m, t;

	/* scheme://user:password@host: the user information and the
	 * host go, as an address would */
	if (c == ':' && prefix_ci(in, len, i, "://") &&
	    (m = match_userinfo(in, len, i + 3)) &&
	    (t = domain_len(in, len, i + 3 + m))) {
		REPLACE(s, 3 + m + t, "://[email]");
		return true;
	}

	if (c == '"' && (m = match_quoted_name(in, len, i))) {
		REPLACE(s, m, "\"[name]\"");
		return true;
	}

	/* '@', or "%40" in an encoded address */
	if (c == '@' || (c == '%' && prefix_ci(in, len, i, "%40"))) {

		size_t at = c == '@' ? 1 : 3;
		size_t ls = i, dl = domain_len(in, len, i + at);

		while (ls > s->mark && local_char((unsigned char)in[ls - 1]))
			--ls;

		if (dl && (ls < i || s->mark == i)) {
			size_t keep = s->out_mark + (ls - s->mark);

			if (keep < s->o.n)
				s->o.n = keep;
			REPLACE(s, at + dl, "[email]");
			return true;
		}
	}

	return false;
}


/* The end of the path component (a user's name) that starts at w */
static size_t path_name_end(const char *in, size_t len, size_t w)
{
	while (w < len && in[w] != '/' && !is_space((unsigned char)in[w]) &&
	       in[w] != '"' && in[w] != '\'')
		++w;

	return w;
}


/* A user's name in a home directory's path */
static bool scan_home(struct scan *s, unsigned char c)
{
	const char *in = s->in;
	size_t len = s->len, i = s->i, w;

	if (c != '/')
		return false;

	/* root's home and macOS homes, as /home/ below */
	if (prefix_ci(in, len, i, "/root") &&
	    (i + 5 >= len || in[i + 5] == '/' || in[i + 5] == '"' ||
	     in[i + 5] == '\'' || in[i + 5] == ':' ||
	     is_space((unsigned char)in[i + 5]))) {
		REPLACE(s, 5, "[home]");
		return true;
	}

	if (prefix_ci(in, len, i, "/users/")) {
		w = path_name_end(in, len, i + 7);
		if (w > i + 7) {
			puts_n(&s->o, in + i, 7);
			PUTS(&s->o, "[user]");
			replaced(s, w);
			return true;
		}
	}

	if (prefix_ci(in, len, i, "/home/")) {
		w = path_name_end(in, len, i + 6);
		if (w > i + 6) {
			PUTS(&s->o, "/home/[user]");
			replaced(s, w);
			return true;
		}
	}

	return false;
}


/* P-IDENT-1: every string of a report, a statistic or a log line the
 * project writes passes here */
size_t redact(const char *in, size_t len, char *out, size_t outsz)
{
	struct scan s = {.in = in, .o = {out, outsz, 0}};

	if (!out || !outsz)
		return 0;

	s.len = in ? len : 0;

	while (s.i < s.len) {

		unsigned char c = (unsigned char)in[s.i];
		/* right after a replacement counts as a word boundary too,
		 * as it will in the output (tokens end in ']') */
		bool bnd = (s.i == s.mark ||
			    !is_word((unsigned char)in[s.i - 1]));

		if (bnd && is_alpha(c)) {
			scan_word(&s);
			continue;
		}

		if ((bnd && scan_digits(&s, c)) || scan_address(&s, c) ||
		    scan_home(&s, c))
			continue;

		put(&s.o, (char)c);
		++s.i;
	}

	s.o.p[s.o.n] = '\0';

	return s.o.n;
}


char *redact_dup(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	size_t sz = REDACT_MAX_OUT(len);
	char *out = malloc(sz);

	if (!out)
		return NULL;

	(void)redact(s, len, out, sz);

	return out;
}
