/**
 * @file calllog.h  The call-log module's private interface: its one
 *                  state and what its files call of each other
 *
 * One job a file, all on the state d defined in octasip_calllog.c:
 *   octasip_calllog.c  the call records: events, journal, writer queue,
 *                      the API for other modules, module init and close
 *   cl_mode.c          memory-only or not: config, API, storage
 *                      permission
 *   cl_trace.c         a received BYE/CANCEL, seen on libre's SIP trace
 *   cl_cmd.c           the recent calls and /calllog, /calllog_stats
 * The parts without baresip (records, database, writer, journal, export)
 * are the core library: cl_*.h.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CALLLOG_H
#define OCTASIP_CALLLOG_H

#include <stdatomic.h>
#include <sys/stat.h>
#include "common/bsip.h"
#include "common/dirwatch.h"
#include "cl_db.h"
#include "cl_journal.h"
#include "cl_rec.h"
#include "cl_writer.h"


enum {
	RECENT_MAX   = 50,        /* calls kept in memory for /calllog  */
	HEARTBEAT_MS = 10000,     /* in_progress rows refreshed         */
	HEARTBEAT_FIRST_MS = 1000, /* ... first 1 s after an answer    */
	TSAMPLES     = 8192,      /* handler timings kept               */
	CPU_SAMPLE   = 64,        /* thread CPU read for 1 event in 64  */
	PATH_SZ      = 4200,
	CALL_BUCKETS = 64,        /* open calls found by their pointer,
				   * and by their Call-ID               */
	CL_JFULL_QUIET_MS = 10000, /* journal not full this long: room  */
};

/* One open call, tracked by the identity of baresip's call object */
struct callrec {
	struct le le;              /* d.calls, in start order           */
	struct le he;              /* d.bycall                          */
	struct le ie;              /* d.byid, once rec.call_id is known */
	struct le pe;              /* d.pending: changed in this turn   */
	const struct call *call;   /* never dereferenced after CLOSED  */
	const struct ua *ua;
	struct cl_rec rec;
};

struct calllog_state {
	struct list calls;         /* struct callrec                    */
	struct hash *bycall;       /* the same, keyed by call pointer   */
	struct hash *byid;         /* ... and by Call-ID (callrec_id()) */
	struct list pending;       /* records to queue after this turn  */
	bool started;              /* a call started: check storage     */
	struct clw *w;
	struct clj *j;             /* calllog.db.journal, or NULL       */
	bool jfull;                /* "journal full" reported           */
	int64_t jfull_last;        /* time of the last full append      */
	uint32_t jfull_missed;     /* records not journalled meanwhile  */
	uint8_t hkey[CLDB_HKEY_LEN];  /* hash mode: from the writer     */
	bool hkey_ok;
	struct dirwatch watch;     /* the permissions file changed?     */
	enum {
		TRACE_OFF = 0,
		TRACE_OWN,             /* our handler on libre's hook       */
		TRACE_CHAINED,         /* in the policy's chain (siptrace)  */
	} trace;
	struct mqueue *mq;
	struct tmr tmr_hb;
	struct tmr tmr_wake;
	char db_path[PATH_SZ];
	char j_path[PATH_SZ];
	char perm_path[PATH_SZ];

	/* configuration */
	enum cl_peer_mode peer;
	uint32_t retention_days;
	uint32_t max_rows;
	bool cfg_memory_only;

	/* memory-only: config, api (once the policy has set it, it decides:
	 * it applies "once" grants), or the storage permission */
	bool api_memory_only;
	bool api_set;
	bool memory_only;
	struct {
		bool valid;
		bool exists;
		dev_t dev;
		ino_t ino;
		off_t size;
		struct timespec mtime;
		bool allowed;
	} perm;

	/* recent calls, newest first */
	struct cl_rec recent[RECENT_MAX];
	uint32_t nrecent;
	/* blocked rows among them: a new call looks for a blocked row
	 * of its Call-ID only if there is one */
	uint32_t nblocked;
	bool preloaded;

	/* time spent in the event handler: wall clock and thread CPU */
	uint32_t tsamp[TSAMPLES];
	uint32_t csamp[TSAMPLES];
	uint32_t ntsamp;
	uint32_t ncsamp;
	uint64_t nevents;

	atomic_bool closing;
};

extern struct calllog_state d;


/* octasip_calllog.c */
void journal(struct callrec *cr);
struct callrec *callrec_find_id(const char *id);

/* cl_mode.c */
bool calllog_storage_allowed(void);
void update_mode(void);
void check_started(void);
void perm_changed(int flags, void *arg);

/* cl_trace.c */
void trace_start(void);
void trace_stop(void);

/* cl_cmd.c */
void recent_take(struct cl_rec *r);
void recent_merge_preload(void);
extern const struct cmd calllog_cmdv[];
extern const size_t calllog_cmdc;

#endif
