/**
 * @file jsonw.c  Streaming JSON writer
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "jsonw.h"


/*
 * Length of the valid UTF-8 sequence at p (n bytes left), or 0 if the
 * byte at p does not start one (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF).
 */
size_t jsonw_utf8_len(const uint8_t *p, size_t n)
{
	uint8_t c;
	uint8_t lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (!n)
		return 0;
	c = p[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;

	if (n < len)
		return 0;

	/* the second byte's range excludes overlongs and surrogates */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;

	if (p[1] < lo || p[1] > hi)
		return 0;

	for (i = 2; i < len; ++i) {
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	}

	return len;
}


/* Calls put(chunk) for the escaped form of s; returns put's error */
typedef int (put_h)(const char *p, size_t n, void *arg);

static int escape(const char *s, size_t n, put_h *put, void *arg)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, run = 0;
	char esc[8];
	int err;

	while (i < n) {

		uint8_t c = p[i];
		size_t l = jsonw_utf8_len(p + i, n - i);
		const char *rep = NULL;
		size_t repn = 0;

		if (l == 0) {
			rep = "\xef\xbf\xbd";    /* U+FFFD */
			repn = 3;
			l = 1;
		}
		else if (l == 1 && (c < 0x20 || c == 0x7f || c == '"' ||
				    c == '\\')) {
			switch (c) {

			case '"':  rep = "\\\""; break;
			case '\\': rep = "\\\\"; break;
			case '\n': rep = "\\n";  break;
			case '\r': rep = "\\r";  break;
			case '\t': rep = "\\t";  break;
			case '\b': rep = "\\b";  break;
			case '\f': rep = "\\f";  break;
			default:
				(void)snprintf(esc, sizeof(esc), "\\u%04x",
					       c);
				rep = esc;
				break;
			}
			repn = strlen(rep);
		}

		if (!rep) {
			run += l;
			i += l;
			continue;
		}

		if (run) {
			err = put(s + i - run, run, arg);
			if (err)
				return err;
			run = 0;
		}
		err = put(rep, repn, arg);
		if (err)
			return err;
		i += l;
	}

	return run ? put(s + n - run, run, arg) : 0;
}


static int put_file(const char *p, size_t n, void *arg)
{
	FILE *f = arg;

	return fwrite(p, 1, n, f) == n ? 0 : (errno ? errno : EIO);
}


struct buf {
	char *p;
	size_t sz, len;
};

static int put_buf(const char *p, size_t n, void *arg)
{
	struct buf *b = arg;

	if (b->len + n >= b->sz)
		return ENOSPC;
	memcpy(b->p + b->len, p, n);
	b->len += n;

	return 0;
}


long jsonw_escape(char *out, size_t sz, const char *s, size_t n)
{
	struct buf b = {out, sz, 0};

	if (!out || !sz || escape(s, n, put_buf, &b))
		return -1;
	out[b.len] = '\0';

	return (long)b.len;
}


void jsonw_init(struct jsonw *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->first[0] = true;
}


static int wr(struct jsonw *w, const char *s, size_t n)
{
	if (w->err)
		return w->err;
	errno = 0;
	w->err = put_file(s, n, w->f);

	return w->err;
}


/* Separator before a value (or a key, inside an object) */
static int pre(struct jsonw *w, bool is_key)
{
	bool in_obj = w->depth > 0 && w->obj[w->depth];

	if (w->err)
		return w->err;

	if (is_key != (in_obj && !w->want_value)) {
		w->err = EPROTO;
		return w->err;
	}

	if (w->want_value) {
		w->want_value = false;
		return 0;
	}

	if (w->depth == 0 && !w->first[0]) {
		w->err = EPROTO;       /* one top-level value only */
		return w->err;
	}

	if (!w->first[w->depth] && wr(w, ",", 1))
		return w->err;
	w->first[w->depth] = false;

	return 0;
}


static int open_level(struct jsonw *w, bool obj)
{
	if (pre(w, false))
		return w->err;
	if (w->depth + 1 >= JSONW_DEPTH) {
		w->err = E2BIG;
		return w->err;
	}
	if (wr(w, obj ? "{" : "[", 1))
		return w->err;
	++w->depth;
	w->first[w->depth] = true;
	w->obj[w->depth] = obj;

	return 0;
}


static int close_level(struct jsonw *w, bool obj)
{
	if (w->err)
		return w->err;
	if (w->depth == 0 || w->obj[w->depth] != obj || w->want_value) {
		w->err = EPROTO;
		return w->err;
	}
	--w->depth;

	return wr(w, obj ? "}" : "]", 1);
}


int jsonw_obj_open(struct jsonw *w)  { return open_level(w, true);   }
int jsonw_obj_close(struct jsonw *w) { return close_level(w, true);  }
int jsonw_arr_open(struct jsonw *w)  { return open_level(w, false);  }
int jsonw_arr_close(struct jsonw *w) { return close_level(w, false); }


static int str_body(struct jsonw *w, const char *s, size_t n)
{
	if (wr(w, "\"", 1))
		return w->err;
	errno = 0;
	w->err = escape(s, n, put_file, w->f);
	if (w->err)
		return w->err;

	return wr(w, "\"", 1);
}


int jsonw_key(struct jsonw *w, const char *key)
{
	if (pre(w, true))
		return w->err;
	if (str_body(w, key, strlen(key)) || wr(w, ":", 1))
		return w->err;
	w->want_value = true;

	return 0;
}


int jsonw_strn(struct jsonw *w, const char *s, size_t n)
{
	if (pre(w, false))
		return w->err;

	return str_body(w, s, n);
}


int jsonw_str(struct jsonw *w, const char *s)
{
	return s ? jsonw_strn(w, s, strlen(s)) : jsonw_null(w);
}


static int scalar(struct jsonw *w, const char *text)
{
	if (pre(w, false))
		return w->err;

	return wr(w, text, strlen(text));
}


int jsonw_int(struct jsonw *w, int64_t v)
{
	char b[32];

	(void)snprintf(b, sizeof(b), "%" PRId64, v);

	return scalar(w, b);
}


int jsonw_uint(struct jsonw *w, uint64_t v)
{
	char b[32];

	(void)snprintf(b, sizeof(b), "%" PRIu64, v);

	return scalar(w, b);
}


int jsonw_double(struct jsonw *w, double v)
{
	char b[64];

	int prec;

	if (!isfinite(v))
		return scalar(w, "null");

	/* the shortest form that reads back as v */
	for (prec = 15; prec < 17; ++prec) {
		(void)snprintf(b, sizeof(b), "%.*g", prec, v);
		if (strtod(b, NULL) == v)
			return scalar(w, b);
	}
	(void)snprintf(b, sizeof(b), "%.17g", v);

	return scalar(w, b);
}


int jsonw_bool(struct jsonw *w, bool v)
{
	return scalar(w, v ? "true" : "false");
}


int jsonw_null(struct jsonw *w)
{
	return scalar(w, "null");
}


int jsonw_raw(struct jsonw *w, const char *json, size_t n)
{
	if (pre(w, false))
		return w->err;

	return wr(w, json, n);
}


int jsonw_kstr(struct jsonw *w, const char *key, const char *s)
{
	return jsonw_key(w, key) ? w->err : jsonw_str(w, s);
}


int jsonw_kint(struct jsonw *w, const char *key, int64_t v)
{
	return jsonw_key(w, key) ? w->err : jsonw_int(w, v);
}


int jsonw_kbool(struct jsonw *w, const char *key, bool v)
{
	return jsonw_key(w, key) ? w->err : jsonw_bool(w, v);
}


int jsonw_end(struct jsonw *w)
{
	if (!w->err && (w->depth != 0 || w->want_value))
		w->err = EPROTO;
	if (!w->err && wr(w, "\n", 1) == 0 && fflush(w->f) != 0)
		w->err = errno ? errno : EIO;

	return w->err;
}
