/**
 * @file cfgedit.c  Reading and editing baresip-style "key value" files
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cfgedit.h"
#include "fileio.h"


static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}


/* If the line [p, eol) is "key<ws>value...", point *vp at value */
static int line_match(const char *p, const char *eol, const char *key,
		      const char **vp)
{
	size_t klen = strlen(key);

	while (p < eol && is_ws(*p))
		++p;

	if ((size_t)(eol - p) <= klen || strncmp(p, key, klen) ||
	    !is_ws(p[klen]))
		return 0;

	p += klen;
	while (p < eol && is_ws(*p))
		++p;

	*vp = p;

	return 1;
}


int cfg_get(const char *text, const char *key, char *val, size_t sz)
{
	const char *p = text;

	if (!text || !key || !val || !sz)
		return EINVAL;

	while (*p) {

		const char *eol = strchr(p, '\n');
		const char *v, *e;

		if (!eol)
			eol = p + strlen(p);

		if (line_match(p, eol, key, &v)) {

			size_t n;

			for (e = v; e < eol && !is_ws(*e); ++e)
				;
			n = (size_t)(e - v);
			if (n >= sz)
				return ENAMETOOLONG;
			memcpy(val, v, n);
			val[n] = '\0';
			return 0;
		}

		p = *eol ? eol + 1 : eol;
	}

	return ENOENT;
}


int cfg_file_get(const char *path, const char *key, char *val, size_t sz)
{
	uint8_t *buf;
	size_t len;
	int err;

	err = fio_read_all(path, &buf, &len, 1 << 24);
	if (err)
		return err;

	err = cfg_get((const char *)buf, key, val, sz);
	free(buf);

	return err;
}


static int concat(char **outp, const char *a, size_t alen, const char *b,
		  const char *c)
{
	size_t blen = strlen(b), clen = strlen(c);
	char *out = malloc(alen + blen + clen + 1);

	if (!out)
		return ENOMEM;

	memcpy(out, a, alen);
	memcpy(out + alen, b, blen);
	memcpy(out + alen + blen, c, clen + 1);
	*outp = out;

	return 0;
}


int cfg_set(const char *text, const char *key, const char *value,
	    char **outp)
{
	const char *p = text;
	char line[1024];
	int n;

	if (!text || !key || !value || !outp)
		return EINVAL;

	n = snprintf(line, sizeof(line), "%s\t%s\n", key, value);
	if (n < 0 || (size_t)n >= sizeof(line))
		return ENAMETOOLONG;

	while (*p) {

		const char *eol = strchr(p, '\n');
		const char *v;

		if (!eol)
			eol = p + strlen(p);

		if (line_match(p, eol, key, &v))
			return concat(outp, text, (size_t)(p - text), line,
				      *eol ? eol + 1 : eol);

		p = *eol ? eol + 1 : eol;
	}

	if (p > text && p[-1] != '\n')
		return concat(outp, text, (size_t)(p - text), "\n", line);

	return concat(outp, text, (size_t)(p - text), line, "");
}


int cfg_remove(const char *text, const char *key, const char *value,
	       char **outp)
{
	const char *p = text;
	char *out, *o;

	if (!text || !key || !outp)
		return EINVAL;

	out = malloc(strlen(text) + 1);
	if (!out)
		return ENOMEM;
	o = out;

	while (*p) {

		const char *eol = strchr(p, '\n');
		const char *next, *v;

		if (!eol)
			eol = p + strlen(p);
		next = *eol ? eol + 1 : eol;

		if (line_match(p, eol, key, &v) &&
		    (!value || (!strncmp(v, value, strlen(value)) &&
				(v + strlen(value) == eol ||
				 is_ws(v[strlen(value)]))))) {
			p = next;
			continue;
		}

		memcpy(o, p, (size_t)(next - p));
		o += next - p;
		p = next;
	}

	*o = '\0';
	*outp = out;

	return 0;
}


int cfg_replace_block(const char *text, const char *begin,
		      const char *end, const char *block, char **outp)
{
	const char *b, *e, *after;
	size_t head;
	int err;
	char *tmp;

	if (!text || !begin || !end || !block || !outp)
		return EINVAL;

	b = strstr(text, begin);
	if (!b)
		return ENOENT;

	b = strchr(b, '\n');
	if (!b)
		return ENOENT;
	++b;

	e = strstr(b, end);
	if (!e)
		return ENOENT;

	head = (size_t)(b - text);
	after = e;

	err = concat(&tmp, text, head, block, "");
	if (err)
		return err;

	err = concat(outp, tmp, strlen(tmp), after, "");
	free(tmp);

	return err;
}
