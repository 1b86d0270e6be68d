/**
 * @file cl_rec.h  One call-log row in memory
 *
 * A record is the whole state of one call, as the module knows it.  Every
 * write of a call is a full upsert of its record keyed by ukey (a random
 * key made when the call is first seen), so the row is written exactly
 * once and later writes only refine it, whatever order events arrive in.
 *
 * Strings are owned (malloc) and capped at CL_CAP_* bytes: a longer value
 * is cut, byte for byte, at the cap.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CL_REC_H
#define OCTASIP_CL_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CL_CAP_URI     1024   /* peer_uri, account                    */
#define CL_CAP_NAME    1024   /* peer_name                            */
#define CL_CAP_TEXT     256   /* call_id, reason, encryption          */
#define CL_UKEY_LEN      32   /* hex chars of the row key             */

/* status vocabulary (INTERFACE.md) */
#define CL_ST_IN_PROGRESS "in_progress"
#define CL_ST_ANSWERED    "answered"
#define CL_ST_MISSED      "missed"
#define CL_ST_REJECTED    "rejected"
#define CL_ST_BUSY        "busy"
#define CL_ST_FAILED      "failed"
#define CL_ST_CANCELLED   "cancelled"
#define CL_ST_BLOCKED     "blocked"
#define CL_ST_INTERRUPTED "interrupted"

struct cl_rtcp {
	bool valid;
	int32_t rx_lost;        /* packets lost, received stream        */
	uint32_t rx_jitter_us;  /* jitter of the received stream        */
	int32_t tx_lost;        /* packets lost, as the far end reports */
	uint32_t tx_jitter_us;
	uint32_t rtt_us;
};

struct cl_rec {
	int64_t id;             /* row id when read back; 0 in memory   */
	char ukey[CL_UKEY_LEN + 1];
	char *call_id;
	char *account;
	bool outgoing;
	const char *status;     /* one of CL_ST_* (static)              */
	char *peer_uri;
	char *peer_name;
	int64_t started_at;     /* ms since the epoch                   */
	int64_t answered_at;    /* 0: never answered                    */
	int64_t ended_at;       /* 0: still in progress                 */
	int64_t updated_at;     /* last time the call was known to run  */
	int64_t duration_ms;    /* read back only; -1 for NULL          */
	uint16_t sip_code;      /* 0: none                              */
	char *reason;
	char *encryption;
	struct cl_rtcp rtcp;
	bool peer_stored;       /* peer_uri/peer_name already in their
				 * stored form (journal replay)          */
	uint64_t jend;          /* journal position after this state;
				 * 0: not in the journal                 */
};

const char *cl_direction(bool outgoing);
bool cl_status_is(const struct cl_rec *r, const char *st);
int  cl_status_from_name(const char *name, const char **st);
int  cl_rec_set(char **field, const char *val, size_t cap);
int  cl_rec_copy(struct cl_rec *dst, const struct cl_rec *src);
void cl_rec_reset(struct cl_rec *r);
void cl_rec_new_key(struct cl_rec *r);
int64_t cl_now_ms(void);
int64_t cl_duration_ms(const struct cl_rec *r);

#endif
