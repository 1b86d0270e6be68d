/**
 * @file olog.c  Logging shared by OctaSIP modules and the octasip tool
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <stdarg.h>
#include <stdio.h>
#include "olog.h"


static struct {
	olog_h *h;
	int verbose;
} d;


void olog_set_handler(olog_h *h)
{
	d.h = h;
}


void olog_set_verbose(int verbose)
{
	d.verbose = verbose;
}


void olog(enum olog_level lvl, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (lvl == OLOG_DEBUG && !d.verbose && !d.h)
		return;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);

	if (d.h) {
		d.h(lvl, buf);
		return;
	}

	if (lvl == OLOG_INFO && !d.verbose)
		return;

	(void)fprintf(stderr, "%s", buf);
}


void olog_errf(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !sz)
		return;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
}
