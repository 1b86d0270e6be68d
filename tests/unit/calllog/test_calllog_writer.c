/**
 * @file test_calllog_writer.c  The writer thread: every record written,
 *                              disk full survived, memory-only honoured
 *
 * Disk full is real: the process's RLIMIT_FSIZE is lowered so every write
 * to calllog.db and its WAL fails (EFBIG, SIGXFSZ ignored), then raised.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include "utest.h"
#include "octasip_calllog/cl_writer.h"

static char dir[256];
static char path[512];

static pthread_mutex_t rmtx = PTHREAD_MUTEX_INITIALIZER;
static char reports[32][512];
static int nreports;


static void on_report(enum clw_level lvl, const char *msg, void *arg)
{
	(void)arg;
	pthread_mutex_lock(&rmtx);
	if (nreports < 32)
		(void)snprintf(reports[nreports++], 512, "%s %s",
			       lvl == CLW_WARN ? "W" : "I", msg);
	pthread_mutex_unlock(&rmtx);
}


static int reports_matching(const char *needle)
{
	int i, n = 0;

	pthread_mutex_lock(&rmtx);
	for (i = 0; i < nreports; ++i)
		n += strstr(reports[i], needle) != NULL;
	pthread_mutex_unlock(&rmtx);

	return n;
}


static void fresh(void)
{
	char cmd[600];

	if (dir[0]) {
		(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		(void)system(cmd);
	}
	(void)snprintf(dir, sizeof(dir), "/tmp/clw-unit-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	(void)snprintf(path, sizeof(path), "%s/calllog.db", dir);
	nreports = 0;
}


static long long q_int(const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;

	if (access(path, F_OK))
		return -3;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL))
		return -2;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);

	return v;
}


static void rec_init(struct cl_rec *r, int i)
{
	char peer[64];

	memset(r, 0, sizeof(*r));
	cl_rec_new_key(r);
	r->outgoing = i % 2;
	r->status = CL_ST_IN_PROGRESS;
	r->started_at = cl_now_ms();
	(void)snprintf(peer, sizeof(peer), "sip:peer%d@example.org", i);
	(void)cl_rec_set(&r->account, "sip:alice@example.org", 1024);
	(void)cl_rec_set(&r->peer_uri, peer, 1024);
}


static struct clw *start_batch(bool memory_only, uint32_t batch_ms)
{
	struct clw_conf c;
	struct clw *w = NULL;

	memset(&c, 0, sizeof(c));
	c.path = path;
	c.memory_only = memory_only;
	c.batch_ms = batch_ms;
	c.preload = 10;
	c.reporth = on_report;

	UT_EQ_INT(clw_start(&w, &c), 0);

	return w;
}


static struct clw *start(bool memory_only)
{
	return start_batch(memory_only, 0);
}


static void sleep_ms(int ms)
{
	(void)nanosleep(&(struct timespec){ms / 1000,
				(ms % 1000) * 1000000L}, NULL);
}


static bool wait_stats(struct clw *w, bool failing, int timeout_ms)
{
	struct clw_stats st;
	int t;

	for (t = 0; t < timeout_ms; t += 10) {
		clw_stats(w, &st);
		if (st.failing == failing)
			return true;
		sleep_ms(10);
	}

	return false;
}


static void test_every_event_one_row(void)
{
	struct clw *w;
	struct cl_rec r[3];
	int i, k;

	fresh();
	w = start(false);

	/* three calls, five events each, interleaved */
	for (i = 0; i < 3; ++i) {
		rec_init(&r[i], i);
		UT_EQ_INT(clw_put(w, &r[i]), 0);
	}
	for (k = 0; k < 4; ++k) {
		for (i = 0; i < 3; ++i) {
			if (k == 1)
				(void)cl_rec_set(&r[i].call_id, "cid", 256);
			if (k == 3) {
				r[i].status = CL_ST_ANSWERED;
				r[i].answered_at = r[i].started_at;
				r[i].ended_at = r[i].started_at + 10;
			}
			UT_EQ_INT(clw_put(w, &r[i]), 0);
		}
	}

	UT_CHECK(clw_idle(w, 5000));
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 3);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls WHERE status ="
			" 'answered' AND call_id = 'cid'"), 3);
	clw_stop(w);

	for (i = 0; i < 3; ++i)
		cl_rec_reset(&r[i]);
}


/*
 * One window: A starts, B starts and ends, A ends.  A's row comes first
 * (ids follow the calls' starts: the history's order); a newer record
 * used to move its call behind every other in the batch.
 */
static void test_rows_in_start_order(void)
{
	struct clw *w;
	struct cl_rec a, b;

	fresh();
	w = start_batch(false, 10000);
	rec_init(&a, 1);
	rec_init(&b, 2);
	UT_EQ_INT(clw_put(w, &a), 0);
	b.status = CL_ST_BLOCKED;
	b.ended_at = b.started_at;
	UT_EQ_INT(clw_put(w, &b), 0);
	a.status = CL_ST_ANSWERED;
	a.answered_at = a.started_at;
	a.ended_at = a.started_at + 10;
	UT_EQ_INT(clw_put(w, &a), 0);
	clw_stop(w);

	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 2);
	UT_EQ_INT(q_int("SELECT status = 'answered' FROM calls"
			" ORDER BY id LIMIT 1"), 1);
	UT_EQ_INT(q_int("SELECT peer_uri = 'sip:peer2@example.org' FROM"
			" calls ORDER BY id DESC LIMIT 1"), 1);
	cl_rec_reset(&a);
	cl_rec_reset(&b);
}


static void test_disk_full(void)
{
	struct rlimit orig, lim;
	struct clw_stats st;
	struct clw *w;
	struct cl_rec r;
	int i;

	fresh();
	w = start(false);
	rec_init(&r, 0);
	UT_EQ_INT(clw_put(w, &r), 0);
	cl_rec_reset(&r);
	UT_CHECK(clw_idle(w, 5000));
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 1);

	/* the disk is full: no file may grow past 1 byte */
	(void)signal(SIGXFSZ, SIG_IGN);
	UT_EQ_INT(getrlimit(RLIMIT_FSIZE, &orig), 0);
	lim = orig;
	lim.rlim_cur = 1;
	UT_EQ_INT(setrlimit(RLIMIT_FSIZE, &lim), 0);

	for (i = 1; i <= 200; ++i) {
		rec_init(&r, i);
		UT_EQ_INT(clw_put(w, &r), 0);
		r.status = CL_ST_FAILED;
		r.ended_at = cl_now_ms();
		UT_EQ_INT(clw_put(w, &r), 0);
		cl_rec_reset(&r);
	}

	UT_CHECK(wait_stats(w, true, 5000));
	/* give it several retries: the failure is reported once */
	sleep_ms(2500);
	clw_stats(w, &st);
	UT_EQ_INT(st.held, 200);           /* coalesced per call */
	UT_EQ_INT(reports_matching("cannot write"), 1);

	/* space again: everything held is written, nothing lost */
	UT_EQ_INT(setrlimit(RLIMIT_FSIZE, &orig), 0);
	UT_CHECK(wait_stats(w, false, 5000));
	UT_CHECK(clw_idle(w, 5000));
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 201);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls WHERE status ="
			" 'failed'"), 200);
	UT_EQ_INT(reports_matching("writable again"), 1);

	clw_stop(w);
}


static void test_memory_only(void)
{
	struct clw *w;
	struct cl_rec r;

	fresh();
	w = start(true);
	rec_init(&r, 1);
	UT_EQ_INT(clw_put(w, &r), 0);
	UT_CHECK(clw_idle(w, 5000));
	sleep_ms(100);
	/* nothing was created, let alone written */
	UT_EQ_INT(access(path, F_OK), -1);

	clw_set_memory_only(w, false);
	UT_EQ_INT(clw_put(w, &r), 0);
	cl_rec_reset(&r);
	UT_CHECK(clw_idle(w, 5000));
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 1);

	clw_set_memory_only(w, true);
	rec_init(&r, 2);
	UT_EQ_INT(clw_put(w, &r), 0);
	cl_rec_reset(&r);
	UT_CHECK(clw_idle(w, 5000));
	clw_stop(w);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 1);
}


/*
 * Records queued while storage was allowed are written when it stops
 * being (a call's last change, queued in the group-commit window, then
 * the "once" grant that allowed it ends); records after are not.
 */
static void test_memory_only_writes_what_was_queued(void)
{
	struct clw *w;
	struct cl_rec r;

	fresh();
	w = start_batch(false, 10000);
	rec_init(&r, 1);
	UT_EQ_INT(clw_put(w, &r), 0);
	cl_rec_reset(&r);
	sleep_ms(100);              /* in the 10 s window: not written */
	UT_CHECK(q_int("SELECT count(*) FROM calls") < 1);

	clw_set_memory_only(w, true);
	rec_init(&r, 2);
	UT_EQ_INT(clw_put(w, &r), 0);
	cl_rec_reset(&r);
	UT_CHECK(clw_idle(w, 5000));
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 1);
	clw_stop(w);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 1);
}


static void test_stop_flushes(void)
{
	struct clw *w;
	struct cl_rec r;
	int i;

	fresh();
	w = start(false);
	for (i = 0; i < 100; ++i) {
		rec_init(&r, i);
		UT_EQ_INT(clw_put(w, &r), 0);
		cl_rec_reset(&r);
	}
	clw_stop(w);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 100);
}


/* a 10 s window: nothing written after 300 ms; clw_hurry ends it now */
static void test_hurry(void)
{
	struct clw *w;
	struct cl_rec r;
	int t;

	fresh();
	w = start_batch(false, 10000);
	rec_init(&r, 3);
	UT_EQ_INT(clw_put(w, &r), 0);
	cl_rec_reset(&r);

	sleep_ms(300);
	UT_CHECK(q_int("SELECT count(*) FROM calls") < 1);

	clw_hurry(w);
	for (t = 0; t < 2000; t += 10) {
		if (q_int("SELECT count(*) FROM calls") == 1)
			break;
		sleep_ms(10);
	}
	UT_CHECK(t < 2000);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 1);
	clw_stop(w);
}


static void test_preload_and_interrupt(void)
{
	struct clw *w;
	struct cl_rec r, *v = NULL;
	uint32_t n = 0, i;

	fresh();
	w = start(false);
	rec_init(&r, 7);
	UT_EQ_INT(clw_put(w, &r), 0);
	cl_rec_reset(&r);
	clw_stop(w);   /* left in_progress, like a killed process */

	w = start(false);
	UT_CHECK(clw_idle(w, 5000));
	UT_EQ_INT(q_int("SELECT count(*) FROM calls WHERE status ="
			" 'interrupted'"), 1);
	UT_EQ_INT(reports_matching("marked interrupted"), 1);
	UT_EQ_INT(clw_take_preload(w, &v, &n), 0);
	UT_EQ_INT(n, 1);
	if (n) {
		UT_EQ_STR(v[0].peer_uri, "sip:peer7@example.org");
		UT_EQ_STR(v[0].status, "interrupted");
	}
	for (i = 0; i < n; ++i)
		cl_rec_reset(&v[i]);
	free(v);
	clw_stop(w);
}


int main(void)
{
	char cmd[600];

	UT_RUN(test_every_event_one_row);
	UT_RUN(test_rows_in_start_order);
	UT_RUN(test_disk_full);
	UT_RUN(test_memory_only);
	UT_RUN(test_memory_only_writes_what_was_queued);
	UT_RUN(test_stop_flushes);
	UT_RUN(test_hurry);
	UT_RUN(test_preload_and_interrupt);

	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);

	return ut_done();
}
