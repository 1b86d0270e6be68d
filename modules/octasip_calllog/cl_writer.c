/**
 * @file cl_writer.c  The call log's writer thread and its queue
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sodium.h>
#include "cl_journal.h"
#include "cl_writer.h"


enum op_kind {
	OP_PUT = 0,
	OP_BLOCK,
};

struct op {
	struct op *next;
	enum op_kind kind;
	struct cl_rec rec;
};

struct opq {
	struct op *head;
	struct op *tail;
	uint32_t n;
};

struct clw {
	pthread_t thread;
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	bool started;

	/* under mtx */
	struct opq queue;
	bool stop;
	bool memory_only;
	bool kick;
	bool gathering;         /* in the group-commit window       */
	bool hurry;             /* end the window now (clw_hurry)    */
	struct clw_stats st;
	struct cl_rec *preload;
	uint32_t npreload;
	uint8_t hkey[CLDB_HKEY_LEN];
	bool hkey_ok;

	/* writer thread only */
	struct clw_conf conf;
	char *path;
	struct cldb *db;
	struct opq held;
	bool failing;           /* the last attempt failed           */
	bool fail_reported;     /* "cannot write" is out, no recovery */
	int64_t fail_last;      /* time of the last failure          */
	uint32_t fail_written;  /* records written since the report  */
	bool replayed;          /* the journal's old records are in  */
	bool open_reported;
	bool started_up;        /* interrupted marking done once    */
	int64_t last_retention;
};


static void report(struct clw *w, enum clw_level lvl, const char *fmt,
		   ...)
{
	char msg[512];
	va_list ap;

	if (!w->conf.reporth)
		return;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	w->conf.reporth(lvl, msg, w->conf.arg);
}


static void op_free(struct op *op)
{
	cl_rec_reset(&op->rec);
	free(op);
}


static void opq_append(struct opq *q, struct op *op)
{
	op->next = NULL;
	if (q->tail)
		q->tail->next = op;
	else
		q->head = op;
	q->tail = op;
	++q->n;
}


static void opq_clear(struct opq *q)
{
	struct op *op = q->head, *next;

	for (; op; op = next) {
		next = op->next;
		op_free(op);
	}

	memset(q, 0, sizeof(*q));
}


/* The put of the same call as op held in q, or NULL */
static struct op *opq_find_put(const struct opq *q, const struct op *op)
{
	struct op *o;

	if (op->kind != OP_PUT)
		return NULL;

	for (o = q->head; o; o = o->next) {
		if (o->kind == OP_PUT && !strcmp(o->rec.ukey, op->rec.ukey))
			return o;
	}

	return NULL;
}


/* Keep the held list bounded: drop the oldest finished calls first */
static uint32_t opq_bound(struct opq *q, uint32_t max)
{
	struct op **pp = &q->head, *prev = NULL;
	uint32_t dropped = 0;

	while (q->n > max && *pp) {
		struct op *o = *pp;

		if (o->rec.ended_at || q->n > max + max / 10) {
			*pp = o->next;
			if (q->tail == o)
				q->tail = prev;
			--q->n;
			op_free(o);
			++dropped;
			continue;
		}

		prev = o;
		pp = &o->next;
	}

	return dropped;
}


static void db_close(struct clw *w)
{
	cldb_close(w->db);
	w->db = NULL;
	pthread_mutex_lock(&w->mtx);
	w->st.open = false;
	pthread_mutex_unlock(&w->mtx);
}


struct preload_ctx {
	struct cl_rec *v;
	uint32_t n, max;
};


static int preload_row(const struct cl_rec *r, void *arg)
{
	struct preload_ctx *pc = arg;

	if (pc->n >= pc->max)
		return 0;

	if (cl_rec_copy(&pc->v[pc->n], r))
		return ENOMEM;

	++pc->n;

	return 0;
}


static void preload(struct clw *w)
{
	struct cldb_query q = {.limit = w->conf.preload};
	struct preload_ctx pc = {NULL, 0, w->conf.preload};

	if (!pc.max)
		return;

	pc.v = calloc(pc.max, sizeof(*pc.v));
	if (!pc.v)
		return;

	(void)cldb_list(w->db, &q, preload_row, &pc);

	pthread_mutex_lock(&w->mtx);
	w->preload = pc.v;
	w->npreload = pc.n;
	pthread_mutex_unlock(&w->mtx);
}


static void retention(struct clw *w, int64_t now)
{
	int n = 0, err;

	if (!w->db)
		return;

	err = cldb_retention(w->db, now, w->conf.retention_days,
			     w->conf.max_rows, &n);
	if (err) {
		report(w, CLW_WARN, "retention failed: %s",
		       cldb_errmsg(w->db));
		return;
	}

	w->last_retention = now;
	if (n)
		report(w, CLW_INFO, "retention removed %d old call(s)", n);
}


static int replay_rec(const struct cl_rec *r, void *arg)
{
	struct clw *w = arg;

	return cldb_put(w->db, r, w->conf.peer);
}


/* Records of the last process still in the journal, in one transaction */
static int replay(struct clw *w)
{
	int err;

	if (!w->conf.journal || w->replayed)
		return 0;

	err = cldb_begin(w->db);
	if (!err)
		err = clj_replay(w->conf.journal, replay_rec, w);
	if (!err)
		err = cldb_commit(w->db);
	if (err) {
		cldb_rollback(w->db);
		return err;
	}

	clj_commit(w->conf.journal, clj_replay_end(w->conf.journal));
	w->replayed = true;

	return 0;
}


static int db_open(struct clw *w)
{
	char aside[4300];
	int err, n = 0;

	err = cldb_open(&w->db, w->path,
			CLDB_CREATE | CLDB_RECOVER | CLDB_CHECK,
			aside, sizeof(aside));
	if (err) {
		if (!w->open_reported)
			report(w, CLW_WARN, "cannot open %s (%s: %s); calls"
			       " are kept in memory and written when it"
			       " works", w->path, strerror(err), aside);
		w->open_reported = true;
		return err;
	}

	if (aside[0])
		report(w, CLW_WARN, "%s was not a valid database: moved"
		       " aside to %s (kept), started a new call log",
		       w->path, aside);
	else if (w->open_reported)
		report(w, CLW_INFO, "%s opened", w->path);

	w->open_reported = false;

	pthread_mutex_lock(&w->mtx);
	cldb_hkey(w->db, w->hkey);
	w->hkey_ok = true;
	pthread_mutex_unlock(&w->mtx);

	/* only the first open: later ones (after a failure) must not
	 * touch this process's own calls */
	if (!w->started_up) {

		/* what the last process left in the journal, first: its
		 * calls then have the status they reached, and only those
		 * still running become interrupted */
		err = replay(w);
		if (err) {
			if (!w->open_reported)
				report(w, CLW_WARN, "cannot write %s (%s);"
				       " calls are kept in memory and in"
				       " the journal and written when it"
				       " works", w->path, strerror(err));
			w->open_reported = true;
			db_close(w);
			return err;
		}

		w->started_up = true;

		if (!cldb_interrupt(w->db, &n) && n)
			report(w, CLW_INFO, "%d call(s) left open by a"
			       " process that ended marked interrupted", n);

		retention(w, cl_now_ms());

		if (w->conf.preload)
			preload(w);
	}

	/* "open" (clw_idle) only once the start-up work is done */
	pthread_mutex_lock(&w->mtx);
	w->st.open = true;
	pthread_mutex_unlock(&w->mtx);

	return 0;
}


/* Write the held list in one transaction; 0 when all of it is stored */
static int flush_held(struct clw *w)
{
	struct op *op;
	uint64_t jend = 0;
	int err;

	if (!w->held.n)
		return 0;

	err = cldb_begin(w->db);
	for (op = w->held.head; !err && op; op = op->next) {
		if (op->rec.jend > jend)
			jend = op->rec.jend;
		if (op->kind == OP_PUT)
			err = cldb_put(w->db, &op->rec, w->conf.peer);
		else
			err = cldb_block(w->db, &op->rec, w->conf.peer);
	}
	if (!err)
		err = cldb_commit(w->db);

	if (err) {
		cldb_rollback(w->db);
		return err;
	}

	pthread_mutex_lock(&w->mtx);
	w->st.written += w->held.n;
	pthread_mutex_unlock(&w->mtx);

	/* in calllog.db now: out of the journal */
	if (jend)
		clj_commit(w->conf.journal, jend);

	w->fail_written += w->held.n;
	opq_clear(&w->held);

	return 0;
}


/*
 * A full disk can let a write through now and then (the WAL finds a
 * free page): recovery is reported once writes have gone on working for
 * CLW_RECOVER_MS with nothing held, so the log says "cannot write" once
 * when the trouble starts and "writable again" once when it ends.
 */
static void recovered(struct clw *w, bool now)
{
	if (!w->fail_reported || w->held.n || w->failing ||
	    (!now && cl_now_ms() - w->fail_last < CLW_RECOVER_MS))
		return;

	report(w, CLW_INFO, "%s is writable again: %u held record(s)"
	       " written", w->path, w->fail_written);
	w->fail_reported = false;
}


static void write_cycle(struct clw *w)
{
	int err;

	if (!w->db && db_open(w))
		goto failed;

	err = flush_held(w);
	if (err == EBADMSG) {
		report(w, CLW_WARN, "%s is corrupt (%s)", w->path,
		       cldb_errmsg(w->db));
		db_close(w);
		/* reopen moves it aside (quick_check) and starts afresh */
		if (db_open(w))
			goto failed;
		err = flush_held(w);
	}

	if (!err) {
		w->failing = false;
		recovered(w, false);
		return;
	}

	if (!w->fail_reported)
		report(w, CLW_WARN, "cannot write %s (%s: %s); calls go on,"
		       " records are kept in memory%s and written when"
		       " possible", w->path, strerror(err),
		       cldb_errmsg(w->db), w->conf.journal ?
		       " and in the journal" : "");
	w->fail_reported = true;
	w->fail_written = 0;

	/* a handle that failed may hold a stale lock or WAL state */
	if (err != EBUSY)
		db_close(w);

 failed:
	w->failing = true;
	w->fail_last = cl_now_ms();
}


/*
 * The batch's records join the held list.  A call already held takes the
 * newer record in its place: rows are inserted in the order their calls
 * were first queued, which is the order they started in, so a row's id
 * follows its call's start (the history lists and trims by id).
 */
static void hold(struct clw *w, struct opq *batch)
{
	struct op *op, *next, *held;
	struct cl_rec older;

	for (op = batch->head; op; op = next) {
		next = op->next;
		held = opq_find_put(&w->held, op);
		if (!held) {
			opq_append(&w->held, op);
			continue;
		}

		older = held->rec;
		held->rec = op->rec;
		op->rec = older;
		op_free(op);
	}

	memset(batch, 0, sizeof(*batch));
}


static void timeout_at(struct timespec *ts, int ms)
{
	(void)clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_nsec -= 1000000000;
		++ts->tv_sec;
	}
}


static void *writer_main(void *arg)
{
	struct clw *w = arg;
	bool stop = false, monly;
	struct opq batch;

	(void)pthread_setname_np(pthread_self(), CLW_THREAD_NAME);
	/* a batch is a burst of work: it yields to the event loop (and to
	 * everything else on the machine); the journal holds the records
	 * meanwhile */
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid),
			  CLW_NICE);

	pthread_mutex_lock(&w->mtx);
	monly = w->memory_only;
	pthread_mutex_unlock(&w->mtx);

	if (!monly)
		(void)db_open(w);
	else
		clj_commit(w->conf.journal, clj_head(w->conf.journal));

	pthread_mutex_lock(&w->mtx);

	for (;;) {
		uint32_t dropped;
		int64_t now;

		while (!w->stop && !w->queue.n && !w->kick) {
			struct timespec ts;
			int wait_ms = w->held.n || w->fail_reported ||
				(w->conf.journal && !w->replayed &&
				 !w->memory_only) ?
				CLW_RETRY_MS : CLW_RETENTION_MS;

			timeout_at(&ts, wait_ms);
			if (pthread_cond_timedwait(&w->cond, &w->mtx, &ts)
			    == ETIMEDOUT)
				break;
		}

		/* group commit: let the events of this moment gather; only
		 * a stop wakes the writer meanwhile (clw_kick and the queue
		 * do not signal while it gathers) */
		if (w->queue.n && !w->stop) {
			struct timespec ts;

			w->gathering = true;
			timeout_at(&ts, (int)w->conf.batch_ms);
			while (!w->stop && !w->hurry &&
			       pthread_cond_timedwait(&w->cond, &w->mtx, &ts)
			       != ETIMEDOUT)
				;
			w->gathering = false;
		}
		w->hurry = false;

		stop = w->stop;
		monly = w->memory_only;
		w->kick = false;
		batch = w->queue;
		memset(&w->queue, 0, sizeof(w->queue));
		w->st.queued = 0;
		w->st.held = w->held.n + batch.n;
		pthread_mutex_unlock(&w->mtx);

		if (monly) {
			/* queued while storage was allowed (enqueue() drops
			 * what comes after): those calls are written, once;
			 * what a failing disk holds is dropped with the rest
			 * (P-PERM-2: nothing kept for later) */
			hold(w, &batch);
			if (w->held.n && (w->db || !db_open(w)))
				(void)flush_held(w);
			opq_clear(&w->held);
			/* dropped: nothing of them stays in the journal */
			clj_commit(w->conf.journal,
				   clj_head(w->conf.journal));
			if (w->db)
				db_close(w);
			w->failing = false;
		}
		else {
			hold(w, &batch);

			if (w->held.n || (w->conf.journal && !w->replayed))
				write_cycle(w);
			else
				recovered(w, false);

			now = cl_now_ms();
			if (w->db && now - w->last_retention >=
			    CLW_RETENTION_MS)
				retention(w, now);
		}

		dropped = opq_bound(&w->held, CLW_MAX_PENDING);
		if (dropped)
			report(w, CLW_WARN, "memory bound reached: %u held"
			       " record(s) dropped", dropped);

		pthread_mutex_lock(&w->mtx);
		w->st.held = w->held.n;
		w->st.dropped += dropped;
		w->st.failing = w->fail_reported;

		if (stop)
			break;
	}

	pthread_mutex_unlock(&w->mtx);

	/* everything written at the end: the failure is over */
	recovered(w, true);

	if (w->held.n)
		report(w, CLW_WARN, "exiting with %u record(s) not written"
		       " to %s%s", w->held.n, w->path, w->conf.journal ?
		       "; they stay in its journal and are written at the"
		       " next start" : "");

	opq_clear(&w->held);
	if (w->db)
		db_close(w);

	return NULL;
}


int clw_start(struct clw **wp, const struct clw_conf *conf)
{
	struct clw *w;
	int err;

	if (!wp || !conf || !conf->path)
		return EINVAL;

	w = calloc(1, sizeof(*w));
	if (!w)
		return ENOMEM;

	w->conf = *conf;
	if (!w->conf.batch_ms)
		w->conf.batch_ms = CLW_BATCH_MS;
	w->path = strdup(conf->path);
	w->memory_only = conf->memory_only;
	w->st.memory_only = conf->memory_only;
	if (!w->path) {
		free(w);
		return ENOMEM;
	}

	(void)pthread_mutex_init(&w->mtx, NULL);
	(void)pthread_cond_init(&w->cond, NULL);

	err = pthread_create(&w->thread, NULL, writer_main, w);
	if (err) {
		(void)pthread_cond_destroy(&w->cond);
		(void)pthread_mutex_destroy(&w->mtx);
		free(w->path);
		free(w);
		return err;
	}

	w->started = true;
	*wp = w;

	return 0;
}


/* Stop: one last write attempt of everything queued, then join */
void clw_stop(struct clw *w)
{
	uint32_t i;

	if (!w)
		return;

	pthread_mutex_lock(&w->mtx);
	w->stop = true;
	(void)pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mtx);

	if (w->started)
		(void)pthread_join(w->thread, NULL);

	opq_clear(&w->queue);
	for (i = 0; i < w->npreload; ++i)
		cl_rec_reset(&w->preload[i]);
	free(w->preload);

	sodium_memzero(w->hkey, sizeof(w->hkey));
	(void)pthread_cond_destroy(&w->cond);
	(void)pthread_mutex_destroy(&w->mtx);
	free(w->path);
	free(w);
}


static int enqueue(struct clw *w, const struct cl_rec *r, enum op_kind k,
		   bool wake)
{
	struct op *op;
	int err;

	if (!w || !r)
		return EINVAL;

	op = calloc(1, sizeof(*op));
	if (!op)
		return ENOMEM;

	err = cl_rec_copy(&op->rec, r);
	if (err) {
		free(op);
		return err;
	}
	op->kind = k;

	pthread_mutex_lock(&w->mtx);
	if (w->memory_only) {
		pthread_mutex_unlock(&w->mtx);
		op_free(op);
		return 0;
	}
	opq_append(&w->queue, op);
	w->st.queued = w->queue.n;
	/* wake the writer only when the queue was empty: it collects
	 * whatever follows for CLW_BATCH_MS before writing */
	if (wake && w->queue.n == 1 && !w->gathering)
		(void)pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mtx);

	return 0;
}


int clw_put(struct clw *w, const struct cl_rec *r)
{
	return enqueue(w, r, OP_PUT, true);
}


int clw_queue(struct clw *w, const struct cl_rec *r)
{
	return enqueue(w, r, OP_PUT, false);
}


int clw_block(struct clw *w, const struct cl_rec *r)
{
	return enqueue(w, r, OP_BLOCK, true);
}


void clw_set_memory_only(struct clw *w, bool on)
{
	if (!w)
		return;

	pthread_mutex_lock(&w->mtx);
	w->memory_only = on;
	w->st.memory_only = on;
	w->kick = true;
	w->hurry = w->gathering;     /* the mode applies now */
	(void)pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mtx);
}


void clw_kick(struct clw *w)
{
	if (!w)
		return;

	pthread_mutex_lock(&w->mtx);
	if (!w->kick && !w->gathering) {
		w->kick = true;
		(void)pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->mtx);
}


/* the journal fills: the window ends now, not when its time is up */
void clw_hurry(struct clw *w)
{
	if (!w)
		return;

	pthread_mutex_lock(&w->mtx);
	if (w->gathering && !w->hurry) {
		w->hurry = true;
		(void)pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->mtx);
}


void clw_stats(struct clw *w, struct clw_stats *st)
{
	if (!w || !st)
		return;

	pthread_mutex_lock(&w->mtx);
	*st = w->st;
	st->queued = w->queue.n;
	pthread_mutex_unlock(&w->mtx);
}


/* Wait until nothing is queued or held (tests, shutdown) */
bool clw_idle(struct clw *w, int timeout_ms)
{
	struct clw_stats st = {0};   /* clw_stats() leaves it for no w */
	int i;

	for (i = 0; i <= timeout_ms; i += 5) {
		clw_stats(w, &st);
		if (!st.queued && !st.held && (st.open || st.memory_only))
			return true;
		(void)nanosleep(&(struct timespec){0, 5000000}, NULL);
	}

	return false;
}


/* The peer-hash key, once the database is open (journal records) */
bool clw_peer_key(struct clw *w, uint8_t key[CLDB_HKEY_LEN])
{
	bool ok;

	if (!w)
		return false;

	pthread_mutex_lock(&w->mtx);
	ok = w->hkey_ok;
	if (ok)
		memcpy(key, w->hkey, CLDB_HKEY_LEN);
	pthread_mutex_unlock(&w->mtx);

	return ok;
}


int clw_take_preload(struct clw *w, struct cl_rec **recv, uint32_t *n)
{
	if (!w || !recv || !n)
		return EINVAL;

	pthread_mutex_lock(&w->mtx);
	*recv = w->preload;
	*n = w->npreload;
	w->preload = NULL;
	w->npreload = 0;
	pthread_mutex_unlock(&w->mtx);

	return *recv ? 0 : ENOENT;
}
