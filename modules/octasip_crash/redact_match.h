/**
 * @file redact_match.h  The redactor's matchers (private to the crash
 *                       reporter: redact.c and redact_match.c)
 *
 * Each matcher looks at the input from a position and returns how many
 * bytes it would replace (0: no match), or says whether a key word is
 * one whose value goes.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_REDACT_MATCH_H
#define OCTASIP_REDACT_MATCH_H

#include <stdbool.h>
#include <stddef.h>


static inline bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}


static inline bool is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}


static inline bool is_alnum(unsigned char c)
{
	return is_digit(c) || is_alpha(c);
}


static inline bool is_word(unsigned char c)
{
	return is_alnum(c) || c == '_';
}


static inline bool is_hex(unsigned char c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}


static inline bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
		c == '\v' || c == '\f';
}


static inline unsigned char lower(unsigned char c)
{
	return is_alpha(c) ? (unsigned char)(c | 0x20) : c;
}


static inline bool local_char(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
		c == '-';
}


/* cheap pre-check: [quote] [spaces] '=' or ':' after a word */
static inline bool followed_by_sep(const char *in, size_t len, size_t j)
{
	if (j < len && (in[j] == '"' || in[j] == '\''))
		++j;
	while (j < len && (in[j] == ' ' || in[j] == '\t'))
		++j;

	return j < len && (in[j] == '=' || in[j] == ':');
}


bool prefix_ci(const char *in, size_t len, size_t i, const char *lit);
size_t match_uri(const char *in, size_t len, size_t i);
size_t match_userinfo(const char *in, size_t len, size_t j);
size_t match_mac(const char *in, size_t len, size_t i);
size_t match_bearer(const char *in, size_t len, size_t i,
		    size_t *tok);
size_t match_ipv4(const char *in, size_t len, size_t i);
size_t match_ipv6(const char *in, size_t len, size_t i);
size_t match_number(const char *in, size_t len, size_t i,
		    bool *card);
bool secret_key(const char *k, size_t n);
bool spaced_secret_key(const char *k, size_t n);
size_t spaced_value(const char *in, size_t len, size_t w,
		    size_t *vs);
const char *personal_key(const char *k, size_t n);
bool addr_header(const char *k, size_t n);
bool match_dname(const char *in, size_t len, size_t w, size_t *vs,
		 size_t *ve);
size_t match_quoted_name(const char *in, size_t len, size_t i);
size_t match_host(const char *in, size_t len, size_t i);
bool key_value(const char *in, size_t len, size_t wend,
	       size_t *vstart, size_t *vend, bool *to_eol);
size_t domain_len(const char *in, size_t len, size_t j);

#endif
