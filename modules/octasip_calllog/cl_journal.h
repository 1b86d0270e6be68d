/**
 * @file cl_journal.h  calllog.db.journal: call records that survive a
 *                     process kill before the writer commits them
 *
 * A fixed-size file in the profile (0600, its blocks allocated by
 * writing zeros once, so that a write never needs disk space), mapped
 * shared.  The event loop appends each changed call record to the
 * mapping: a memcpy, no system call.  The pages belong to the kernel's
 * page cache, so what was appended survives a kill -9 of the process
 * (not a power loss: nothing is synced).  The writer thread commits
 * records to calllog.db in batches and then marks them committed and
 * zeroes them in the file.  The next start (or an octasip command that
 * opens calllog.db for writing while no baresip holds the journal)
 * replays what was not committed: every record is the call's whole
 * state, written as an upsert on its row key, so replaying twice does
 * no harm.
 *
 * Layout: a 4 KiB header (magic, size, committed position) and a ring
 * of records, each 8-byte aligned: magic, length, logical position
 * (monotonic, never reused) and an FNV-1a checksum, then the record.
 * A record that does not fit before the end of the ring is preceded by
 * a pad record.  Replay starts at the committed position and stops at
 * the first record whose magic, position or checksum is wrong.
 *
 * Peer fields are stored as calllog.db stores them (hash mode: the
 * hash; none: nothing), so the journal holds nothing calllog.db would
 * not.
 *
 * Threads: clj_append on one thread (the event loop); clj_commit on one
 * other (the writer); positions are atomics.  baresip holds an
 * exclusive flock() on the file while it runs, so an octasip command
 * replays the journal only when no baresip uses it.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CL_JOURNAL_H
#define OCTASIP_CL_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cl_rec.h"

#define CLJ_SUFFIX ".journal"            /* next to calllog.db     */
#define CLJ_SIZE   (2u * 1024 * 1024)    /* file size, header incl.*/

struct clj;

typedef int (clj_rec_h)(const struct cl_rec *r, void *arg);

int  clj_open(struct clj **jp, const char *path, bool create);
void clj_close(struct clj *j);
int  clj_append(struct clj *j, const struct cl_rec *r, const char *peer,
		const char *name, uint64_t *endp);
int  clj_replay(struct clj *j, clj_rec_h *h, void *arg);
void clj_prefault(struct clj *j);
uint64_t clj_replay_end(const struct clj *j);
uint64_t clj_head(const struct clj *j);
uint64_t clj_used(const struct clj *j);
void clj_commit(struct clj *j, uint64_t end);

#endif
