/**
 * @file cl_writer.h  The call log's writer thread and its queue
 *
 * The event loop only copies a record and appends it to a queue
 * (clw_put: a malloc, a mutex, and a signal only when the queue was
 * empty; clw_queue leaves the signal to a later clw_kick, so an event
 * handler on the call-setup path wakes no thread before the SIP reply
 * of its loop turn is sent).  The writer gathers what arrives within
 * CLW_BATCH_MS and writes it in one transaction.  One thread owns
 * calllog.db:
 * it opens it (recovering a corrupt file), marks calls left in_progress
 * by a dead process as interrupted, applies retention at start and every
 * retention interval, and writes each batch in one transaction.
 *
 * With a journal (cl_journal.h) the event loop has already put each
 * record in it: the writer replays what the last process left there at
 * its first open, before marking that process's running calls
 * interrupted, and marks each batch committed in the journal once it is
 * in calllog.db; a batch then gathers for CLW_BATCH_JOURNAL_MS, or until
 * the event loop finds the journal half full (clw_hurry), so a flood
 * does not fill it while the writer waits.
 *
 * When a write fails (disk full, read-only, I/O error, database busy) the
 * batch stays in memory, coalesced per call (the newest record of a call
 * replaces older ones), and is retried every CLW_RETRY_MS; the failure is
 * reported once and the recovery once (after CLW_RECOVER_MS of writes
 * that worked).  Memory is bounded: beyond
 * CLW_MAX_PENDING held records the oldest finished ones are dropped, with
 * a report.  A corrupt database met while writing is moved aside and a
 * fresh one created; the held records go there.
 *
 * Memory-only: nothing is opened or written; queued and held records are
 * dropped (the module keeps its own in-memory list for /calllog).
 *
 * Reports (clw_report_h) are called on the writer thread.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CL_WRITER_H
#define OCTASIP_CL_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include "cl_db.h"
#include "cl_rec.h"

#define CLW_RETRY_MS       1000
#define CLW_BATCH_MS         2     /* without a journal            */
#define CLW_BATCH_JOURNAL_MS 2000  /* with one: a kill loses nothing;
				    * see docs/calllog.md           */
#define CLW_RECOVER_MS     3000    /* writes working this long: the
				    * failure is over               */
#define CLW_THREAD_NAME "oc-calllog"
#define CLW_NICE            10     /* the writer thread's nice value */
#define CLW_MAX_PENDING   50000
#define CLW_RETENTION_MS  (3600 * 1000)

enum clw_level {
	CLW_INFO = 0,
	CLW_WARN,
};

typedef void (clw_report_h)(enum clw_level lvl, const char *msg,
			    void *arg);

struct clw_conf {
	const char *path;          /* calllog.db                       */
	enum cl_peer_mode peer;
	uint32_t retention_days;   /* 0: keep forever                  */
	uint32_t max_rows;         /* 0: no limit                      */
	bool memory_only;
	uint32_t preload;          /* recent rows to read at open      */
	struct clj *journal;       /* NULL: none; replayed at the first
				    * open, committed after each batch */
	uint32_t batch_ms;         /* group commit window (0: default) */
	clw_report_h *reporth;
	void *arg;
};

struct clw_stats {
	uint32_t queued;           /* waiting for the thread           */
	uint32_t held;             /* failed, waiting for a retry      */
	uint64_t written;          /* records written                  */
	uint64_t dropped;          /* records given up (memory bound)  */
	bool failing;
	bool open;
	bool memory_only;
};

struct clw;

int  clw_start(struct clw **wp, const struct clw_conf *conf);
void clw_stop(struct clw *w);
int  clw_put(struct clw *w, const struct cl_rec *r);
int  clw_queue(struct clw *w, const struct cl_rec *r);
int  clw_block(struct clw *w, const struct cl_rec *r);
void clw_set_memory_only(struct clw *w, bool on);
void clw_kick(struct clw *w);
void clw_hurry(struct clw *w);
void clw_stats(struct clw *w, struct clw_stats *st);
bool clw_peer_key(struct clw *w, uint8_t key[CLDB_HKEY_LEN]);
bool clw_idle(struct clw *w, int timeout_ms);

/*
 * Rows read at open (newest first), handed over once; the caller owns
 * the array and each record (cl_rec_reset, free).
 */
int  clw_take_preload(struct clw *w, struct cl_rec **recv, uint32_t *n);

#endif
