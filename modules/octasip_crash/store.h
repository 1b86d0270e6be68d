/**
 * @file store.h  The crash/ directory: reports on disk, deletion, retention
 *
 * crash/ (0700) holds <id>.json reports (0600), raw-*.raw records not yet
 * converted, *.bad records that were not crash records, *.rejected
 * reports the server refused, consent, stats.json and send-state.  Report
 * ids are checked (32 hex digits) before any path is built from them.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_STORE_H
#define OCTASIP_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "report.h"

struct store_entry {
	char id[REPORT_ID_LEN + 1];
	int64_t mtime;
	uint64_t size;
};

struct store_limits {
	unsigned max_count;      /* 0: no count cap    */
	unsigned max_age_days;   /* 0: no age cap      */
	uint64_t max_bytes;      /* 0: no size cap     */
};

int store_crashdir(char *buf, size_t sz, const char *profile);

/* reports, oldest first; *vp is malloc'd */
int store_list(const char *crashdir, struct store_entry **vp, size_t *np);

int store_report_path(char *buf, size_t sz, const char *crashdir,
		      const char *id);
int store_delete(const char *crashdir, const char *id);

/* every report, raw, bad and rejected record; with stats: stats too */
int store_delete_all(const char *crashdir, int with_stats,
		     unsigned *deleted);

/* delete reports beyond the caps, oldest first */
int store_retention(const char *crashdir, const struct store_limits *lim,
		    int64_t now, unsigned *deleted);

#endif
