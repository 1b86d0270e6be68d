/**
 * @file jsonw.h  Streaming JSON writer and a JSON validator (no baresip)
 *
 * The writer emits straight to a FILE as values are added: memory use
 * does not grow with the document.  It tracks nesting and commas itself.
 *
 * Strings are arbitrary bytes.  Valid UTF-8 is written as it is, except
 * '"', '\\' and the control characters U+0000..U+001F and U+007F, which
 * are escaped (\", \\, \n, \t, \r, \b, \f, else \u00XX).  Every byte
 * that is not part of a valid UTF-8 sequence (stray continuation bytes,
 * overlong forms, surrogates, code points above U+10FFFF, truncated
 * sequences) is replaced by U+FFFD, one per byte: the same input always
 * gives the same output, and the output is always valid JSON and UTF-8.
 *
 * Errors are sticky: after the first failed write (or a misuse such as a
 * value where a key is expected) every call returns it and writes
 * nothing; jsonw_end() reports it.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_JSONW_H
#define OCTASIP_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { JSONW_DEPTH = 32 };

struct jsonw {
	FILE *f;
	int err;
	int depth;
	bool first[JSONW_DEPTH];    /* no value yet at this level       */
	bool obj[JSONW_DEPTH];      /* level is an object                */
	bool want_value;            /* a key was written: value next     */
};

void jsonw_init(struct jsonw *w, FILE *f);
int  jsonw_end(struct jsonw *w);   /* flushes; 0 or the first error */

int jsonw_obj_open(struct jsonw *w);
int jsonw_obj_close(struct jsonw *w);
int jsonw_arr_open(struct jsonw *w);
int jsonw_arr_close(struct jsonw *w);
int jsonw_key(struct jsonw *w, const char *key);

int jsonw_str(struct jsonw *w, const char *s);            /* NULL: null */
int jsonw_strn(struct jsonw *w, const char *s, size_t n);
int jsonw_int(struct jsonw *w, int64_t v);
int jsonw_uint(struct jsonw *w, uint64_t v);
int jsonw_double(struct jsonw *w, double v);   /* NaN, inf: null */
int jsonw_bool(struct jsonw *w, bool v);
int jsonw_null(struct jsonw *w);

/* Bytes that are already one complete, valid JSON value (jsonv_check) */
int jsonw_raw(struct jsonw *w, const char *json, size_t n);

/* key + value shorthands */
int jsonw_kstr(struct jsonw *w, const char *key, const char *s);
int jsonw_kint(struct jsonw *w, const char *key, int64_t v);
int jsonw_kbool(struct jsonw *w, const char *key, bool v);

/* Escapes s (n bytes) as the body of a JSON string into out (NUL
 * terminated).  Returns the length, or -1 if out is too small. */
long jsonw_escape(char *out, size_t sz, const char *s, size_t n);

/*
 * Is buf (n bytes) exactly one JSON value (RFC 8259) with optional
 * surrounding whitespace, strings in valid UTF-8 without raw control
 * characters, nesting at most maxdepth?  0, or EBADMSG.
 */
int jsonv_check(const char *buf, size_t n, int maxdepth);

#endif
