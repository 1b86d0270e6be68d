/**
 * @file olog.h  Logging shared by OctaSIP modules and the octasip tool
 *
 * Shared code logs through olog_*(); the host decides where it goes: a
 * module routes it to baresip's log (bsip_olog_attach(), which
 * bsip_module_init() runs), the command-line tool to stderr (the
 * default).  Messages never carry secrets: callers pass URIs and display
 * names through the redactor before logging them.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_OLOG_H
#define OCTASIP_OLOG_H

#include <stddef.h>

enum olog_level {
	OLOG_DEBUG = 0,
	OLOG_INFO,
	OLOG_WARN,
};

typedef void (olog_h)(enum olog_level lvl, const char *msg);

void olog_set_handler(olog_h *h);
void olog_set_verbose(int verbose);
void olog(enum olog_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Format an error message into a caller's buffer (no-op if buf is NULL) */
void olog_errf(char *buf, size_t sz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define olog_debug(...) olog(OLOG_DEBUG, __VA_ARGS__)
#define olog_info(...)  olog(OLOG_INFO, __VA_ARGS__)
#define olog_warn(...)  olog(OLOG_WARN, __VA_ARGS__)

#endif
