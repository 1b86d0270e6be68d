/**
 * @file fraud.h  Fraud and misuse guard: number rules and call caps
 *
 * Pure C, no baresip: the module asks it about every call, the unit tests
 * and the benchmark drive it directly with their own clock.
 *
 * Outgoing calls, in this order (the first rule that decides wins):
 *  1. allow-list (exact match on the dialled digits or on their E.164
 *     form): always allowed, whatever the caps say (emergency numbers);
 *  2. deny-list by prefix, compared with the E.164 form;
 *  3. concurrent calls cap, attempts per minute, attempts per day.
 * Incoming calls: attempts per minute from one network address (the
 * transport peer, as Kamailio's pike counts; the caller passes none for
 * its own registrar or outbound proxy) and from one source (peer URI).
 *
 * Numbers and source keys come from numnorm.h (the one normaliser: any
 * spelling of a number is that number).  A destination numnorm finds
 * malformed (bad %XX escape, control character, a number too long to
 * judge) is refused.  A number with no E.164 form (short codes such as
 * 112, or no country code) is kept as dialled, without '+', and only
 * the allow-list and prefixes written without '+' can match it.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_FRAUD_H
#define OCTASIP_FRAUD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAUD_LIST_MAX   64
#define FRAUD_NUM_MAX    24
#define FRAUD_CAP_MAX    100000
#define FRAUD_SOURCES    64

struct fraud_list {
	char v[FRAUD_LIST_MAX][FRAUD_NUM_MAX];
	size_t n;
};

struct fraud_cfg {
	char cc[8];            /* country code digits; "" = unknown      */
	char intl[8];          /* international prefix (default "00")    */
	char trunk[8];         /* national trunk prefix (default "0")    */
	struct fraud_list deny;
	struct fraud_list allow;
	uint32_t max_per_minute;        /* outgoing attempts; 0 = no cap */
	uint32_t max_per_day;           /* outgoing attempts; 0 = no cap */
	uint32_t max_concurrent;        /* calls at once; 0 = no cap     */
	uint32_t max_incoming_per_source; /* per minute; 0 = no cap      */
	uint32_t max_incoming_per_address; /* per minute; 0 = no cap     */
};

/* refused calls since start, by rule (P-FRAUD-3: visible) */
struct fraud_stats {
	uint64_t out_number;     /* deny-list, malformed destination */
	uint64_t out_cap;        /* concurrent, per minute, per day  */
	uint64_t in_source;      /* per-source (peer URI) cap        */
	uint64_t in_address;     /* per-address cap                  */
	unsigned addr_capped;    /* addresses at their cap now       */
	unsigned src_capped;     /* sources at their cap now         */
};

enum fraud_verdict {
	FRAUD_ALLOW = 0,    /* no rule objected                          */
	FRAUD_ALLOW_LISTED, /* on the allow-list: allowed past all rules */
	FRAUD_BLOCK,        /* a rule matched: see the rule text         */
};

struct fraud;

/* The premium and high-cost ranges "premium" expands to (E.164). */
extern const char *const fraud_premium_prefixes[];

void fraud_cfg_defaults(struct fraud_cfg *cfg);

/*
 * Parse a comma-separated list ("+1900,+44909,premium").  The word
 * "premium" adds fraud_premium_prefixes; "emergency" adds the default
 * emergency numbers.  EINVAL names no entry: errbuf gets the bad token.
 */
int fraud_list_parse(struct fraud_list *l, const char *csv, char *errbuf,
		     size_t errsz);

int  fraud_alloc(struct fraud **fp, const struct fraud_cfg *cfg);
void fraud_free(struct fraud *f);

/*
 * Decide an outgoing call to peer_uri.  active = calls already running
 * (not counting this one).  An allowed call counts as an attempt.  rule
 * gets a short text naming the rule (no number in it).
 */
enum fraud_verdict fraud_check_outgoing(struct fraud *f,
					const char *peer_uri,
					uint64_t now_ms, unsigned active,
					char *rule, size_t rsz);

/*
 * Would the next incoming call from some source be refused (a source has
 * used up its calls of the current minute)?  *until_ms gets when the
 * first such window ends.  The policy then sends every incoming call
 * through its full check (docs/policy.md, "fast path").
 */
bool fraud_incoming_capped(const struct fraud *f, uint64_t now_ms,
			   uint64_t *until_ms);

/* Decide an incoming call from source (the peer URI). */
enum fraud_verdict fraud_check_incoming(struct fraud *f, const char *source,
					uint64_t now_ms, char *rule,
					size_t rsz);

/*
 * Decide an incoming call from a network address (any text naming it,
 * e.g. "192.0.2.1").  NULL or "" (unknown, or the account's own
 * registrar/outbound proxy): allowed, not counted.
 */
enum fraud_verdict fraud_check_incoming_addr(struct fraud *f,
					     const char *addr,
					     uint64_t now_ms, char *rule,
					     size_t rsz);

void fraud_stats_get(const struct fraud *f, uint64_t now_ms,
		     struct fraud_stats *st);

#endif
