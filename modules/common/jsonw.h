/**
 * @file jsonw.h  OctaSIP's one JSON writer (no baresip)
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
 * Used for every JSON OctaSIP writes itself: the data export, the call
 * log's export and the octasip tool's control-channel requests.  JSON is
 * read with libre's decoder (json_decode_odict).
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

/* Bytes written as they are, as (the start of) a value: the caller
 * makes sure they are valid JSON */
int jsonw_raw(struct jsonw *w, const char *json, size_t n);

/*
 * JSON text (an object or an array at the top), decoded with libre's
 * json_decode_odict() (nesting at most maxdepth) and written as a value.
 * libre's decoder is lenient (it reads one top-level value and ignores
 * what follows it, a number is whatever its digits say): what is written
 * is the value libre decoded, always valid JSON.  0; EBADMSG if libre
 * refuses the text or the top is not an object or array (nothing is
 * written then); else the writer's error.
 */
int jsonw_decoded(struct jsonw *w, const char *json, size_t n,
		  unsigned maxdepth);

/* key + value shorthands */
int jsonw_kstr(struct jsonw *w, const char *key, const char *s);
int jsonw_kint(struct jsonw *w, const char *key, int64_t v);
int jsonw_kbool(struct jsonw *w, const char *key, bool v);

/* Escapes s (n bytes) as the body of a JSON string into out (NUL
 * terminated).  Returns the length, or -1 if out is too small. */
long jsonw_escape(char *out, size_t sz, const char *s, size_t n);

/* Length of the valid UTF-8 sequence (RFC 3629) at p (n bytes left), or
 * 0 if none starts there: no overlong forms, surrogates, or code points
 * above U+10FFFF */
size_t jsonw_utf8_len(const uint8_t *p, size_t n);

#endif
