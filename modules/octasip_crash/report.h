/**
 * @file report.h  Raw crash records -> JSON crash reports (Sentry events)
 *
 * At the next start (module init, main thread) or from the octasip tool,
 * every crash/raw-*.raw record becomes crash/<event_id>.json (0600,
 * written atomically) and the raw record is removed.  The report is a
 * Sentry event payload: it is exactly what an upload sends, inside an
 * envelope.  Every string in it went through redact().
 *
 * A record without its "end" line (a second crash or the watchdog cut the
 * handler short) still becomes a report, marked "truncated".  A record
 * that is not one (no magic line, no signal) is renamed to *.bad and
 * reported as EBADMSG: kept for inspection, never sent.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_REPORT_H
#define OCTASIP_REPORT_H

#include <stddef.h>

#define REPORT_ID_LEN 32

/*
 * Build the JSON report of one raw record.  *jsonp is malloc'd; event_id
 * (REPORT_ID_LEN + 1 bytes) receives the new id.
 */
int report_from_raw(const char *raw, size_t len, char **jsonp,
		    char *event_id);

/* Convert every pending raw record in crashdir; counts what was done. */
int report_convert_pending(const char *crashdir, unsigned *converted,
			   unsigned *bad);

/* A random 32-hex-digit id */
int report_new_id(char *id);

/* true if s is REPORT_ID_LEN lowercase hex digits */
int report_id_valid(const char *s);

#endif
