/**
 * @file stats.h  Opt-in usage statistics: aggregate counters only
 *
 * Calls by final status, answered-call durations in buckets, audio codec
 * and media encryption in use, registration failures by SIP code and the
 * number of crashes.  Nothing else: no identifier of any kind, no time of
 * any single call.  Codec and encryption names are kept only if they are
 * short plain words (at most STATS_NAMES distinct ones; the rest count as
 * "other").  Stored as crash/stats.json (0600, atomic writes), counted
 * only while consent is given, deleted when it is revoked.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_STATS_H
#define OCTASIP_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATS_FILE "stats.json"

enum stats_status {
	STATS_ANSWERED = 0,
	STATS_MISSED,
	STATS_REJECTED,
	STATS_BUSY,
	STATS_FAILED,
	STATS_CANCELLED,
	STATS_BLOCKED,
	STATS_STATUS_COUNT,
};

enum stats_dur {
	STATS_DUR_10S = 0,      /* under 10 s  */
	STATS_DUR_1M,           /* under 1 min */
	STATS_DUR_5M,
	STATS_DUR_30M,
	STATS_DUR_LONG,         /* 30 min and more */
	STATS_DUR_COUNT,
};

enum { STATS_NAMES = 8, STATS_NAME_LEN = 16, STATS_CODES = 16 };

struct stats_named {
	char name[STATS_NAME_LEN];
	uint64_t n;
};

struct stats_code {
	uint16_t code;           /* 0: no response */
	uint64_t n;
};

struct stats {
	uint64_t calls[STATS_STATUS_COUNT];
	uint64_t duration[STATS_DUR_COUNT];
	struct stats_named codec[STATS_NAMES];
	struct stats_named enc[STATS_NAMES];
	struct stats_code regfail[STATS_CODES];
	uint64_t crashes;
};

const char *stats_status_name(enum stats_status s);
void stats_call(struct stats *st, enum stats_status s, uint32_t dur_s);
void stats_codec(struct stats *st, const char *name);
void stats_encryption(struct stats *st, const char *name);
void stats_regfail(struct stats *st, uint16_t code);
void stats_merge(struct stats *dst, const struct stats *src);
bool stats_empty(const struct stats *st);

int stats_to_json(const struct stats *st, char **jsonp);   /* malloc'd */
int stats_from_json(const char *json, size_t len, struct stats *st);

/* crash/stats.json; a missing file is all zeros, a bad one EBADMSG */
int stats_load(const char *crashdir, struct stats *st);
int stats_save(const char *crashdir, const struct stats *st);

/* load, add delta, save (the module's periodic flush, the crash count) */
int stats_add(const char *crashdir, const struct stats *delta);

#endif
