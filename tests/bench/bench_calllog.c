/**
 * @file bench_calllog.c  Call-log figures: event-loop cost, list, export
 *
 * Usage: bench_calllog [ROWS] [DIR]   (ROWS default 1000000)
 *
 *  1. Time the event loop spends per call event: clw_put() (copy and
 *     queue; the writer thread writes to a real calllog.db meanwhile),
 *     against writing the same upsert synchronously (what the loop would
 *     pay without the writer thread).  10,000 calls x 5 events.
 *  2. A ROWS-row database: `calllog list --limit 50` (open + query +
 *     print) and a CSV and JSON export of every row to /dev/null, with
 *     the peak RSS before and after (constant memory).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "octasip_calllog/cl_db.h"
#include "octasip_calllog/cl_export.h"
#include "octasip_calllog/cl_writer.h"

enum { CALLS = 10000, EVENTS = 5 };

static uint32_t samp[CALLS * EVENTS];


static uint64_t now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);

	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}


static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}


static void report(const char *what, uint32_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u32);
	(void)printf("%-44s p50 %8.1f us  p99 %8.1f us  max %9.1f us\n",
		     what, v[n / 2] / 1000.0, v[n * 99 / 100] / 1000.0,
		     v[n - 1] / 1000.0);
}


static long maxrss_kb(void)
{
	struct rusage ru;

	(void)getrusage(RUSAGE_SELF, &ru);

	return ru.ru_maxrss;
}


static void rec_make(struct cl_rec *r, int i)
{
	char peer[64], cid[64];

	memset(r, 0, sizeof(*r));
	cl_rec_new_key(r);
	r->outgoing = i & 1;
	r->status = CL_ST_IN_PROGRESS;
	r->started_at = cl_now_ms() - 86400000;
	(void)snprintf(peer, sizeof(peer), "sip:peer%d@example.org", i % 997);
	(void)snprintf(cid, sizeof(cid), "%08x-%d@host", i * 2654435761u, i);
	(void)cl_rec_set(&r->account, "sip:alice@example.org", 1024);
	(void)cl_rec_set(&r->peer_uri, peer, 1024);
	(void)cl_rec_set(&r->peer_name, "Peer Name", 1024);
	(void)cl_rec_set(&r->call_id, cid, 256);
}


/* event k of a call: created, ringing, answered, rtcp, closed */
static void rec_step(struct cl_rec *r, int k)
{
	r->updated_at = cl_now_ms();
	if (k == 2)
		r->answered_at = r->updated_at;
	if (k == EVENTS - 1) {
		r->status = CL_ST_ANSWERED;
		r->ended_at = r->updated_at + 1;
		(void)cl_rec_set(&r->reason, "Connection reset by peer",
				 256);
	}
}


static void bench_events(const char *dir)
{
	char path[512];
	struct clw_conf c;
	struct clw *w;
	struct cldb *db;
	struct cl_rec r;
	uint64_t t0;
	int i, k, n = 0;

	(void)snprintf(path, sizeof(path), "%s/events.db", dir);
	(void)remove(path);

	memset(&c, 0, sizeof(c));
	c.path = path;
	if (clw_start(&w, &c))
		exit(1);
	(void)clw_idle(w, 10000);

	for (i = 0; i < CALLS; ++i) {
		rec_make(&r, i);
		for (k = 0; k < EVENTS; ++k) {
			rec_step(&r, k);
			t0 = now_ns();
			(void)clw_put(w, &r);
			samp[n++] = (uint32_t)(now_ns() - t0);
		}
		cl_rec_reset(&r);
	}
	report("event loop, queued to writer thread", samp, (size_t)n);
	t0 = now_ns();
	(void)clw_idle(w, 600000);
	(void)printf("  writer drained the rest in %.1f ms\n",
		     (now_ns() - t0) / 1e6);
	clw_stop(w);

	(void)remove(path);
	if (cldb_open(&db, path, CLDB_CREATE, NULL, 0))
		exit(1);
	n = 0;
	for (i = 0; i < CALLS / 5; ++i) {
		rec_make(&r, i);
		for (k = 0; k < EVENTS; ++k) {
			rec_step(&r, k);
			t0 = now_ns();
			(void)cldb_put(db, &r, CL_PEER_FULL);
			samp[n++] = (uint32_t)(now_ns() - t0);
		}
		cl_rec_reset(&r);
	}
	report("event loop, synchronous SQLite upsert", samp, (size_t)n);
	cldb_close(db);
}


static int null_row(const struct cl_rec *r, void *arg)
{
	(void)fprintf(arg, "%lld %s %s\n", (long long)r->id, r->status,
		      r->peer_uri ? r->peer_uri : "");

	return 0;
}


static int csv_row(const struct cl_rec *r, void *arg)
{
	cl_csv_row(arg, r);

	return 0;
}


static int json_row(const struct cl_rec *r, void *arg)
{
	cl_json_row(arg, r);
	(void)fputs(",\n", arg);

	return 0;
}


static void bench_big(const char *dir, int rows)
{
	char path[512];
	struct cldb *db;
	struct cl_rec r;
	struct cldb_query q;
	FILE *nul = fopen("/dev/null", "w");
	uint64_t t0;
	int64_t have = 0;
	int i;

	(void)snprintf(path, sizeof(path), "%s/big.db", dir);
	if (cldb_open(&db, path, CLDB_CREATE, NULL, 0))
		exit(1);
	(void)cldb_count(db, &have);

	if (have < rows) {
		t0 = now_ns();
		(void)cldb_begin(db);
		for (i = (int)have; i < rows; ++i) {
			rec_make(&r, i);
			r.status = i % 4 ? CL_ST_ANSWERED : CL_ST_MISSED;
			r.answered_at = i % 4 ? r.started_at + 2000 : 0;
			r.ended_at = r.started_at + 60000;
			(void)cldb_put(db, &r, CL_PEER_FULL);
			cl_rec_reset(&r);
			if (i % 50000 == 49999) {
				(void)cldb_commit(db);
				(void)cldb_begin(db);
			}
		}
		(void)cldb_commit(db);
		(void)cldb_checkpoint(db);
		(void)printf("filled %d rows in %.1f s\n", rows - (int)have,
			     (now_ns() - t0) / 1e9);
	}
	cldb_close(db);

	for (i = 0; i < 5; ++i) {
		t0 = now_ns();
		if (cldb_open(&db, path, 0, NULL, 0))
			exit(1);
		memset(&q, 0, sizeof(q));
		q.limit = 50;
		q.missed = i == 4;
		(void)cldb_list(db, &q, null_row, nul);
		cldb_close(db);
		samp[i] = (uint32_t)(now_ns() - t0);
	}
	(void)printf("list --limit 50 on %d rows (open+query+print):"
		     " %.2f ms (best of 4), --missed %.2f ms\n", rows,
		     (samp[0] < samp[1] ? samp[0] : samp[1]) / 1e6,
		     samp[4] / 1e6);

	(void)printf("peak RSS before export: %ld kB\n", maxrss_kb());
	if (cldb_open(&db, path, 0, NULL, 0))
		exit(1);
	memset(&q, 0, sizeof(q));
	q.ascending = true;
	t0 = now_ns();
	(void)cldb_list(db, &q, csv_row, nul);
	(void)printf("export csv of %d rows: %.2f s; peak RSS %ld kB\n",
		     rows, (now_ns() - t0) / 1e9, maxrss_kb());
	t0 = now_ns();
	(void)cldb_list(db, &q, json_row, nul);
	(void)printf("export json of %d rows: %.2f s; peak RSS %ld kB\n",
		     rows, (now_ns() - t0) / 1e9, maxrss_kb());
	cldb_close(db);
	(void)fclose(nul);
}


int main(int argc, char **argv)
{
	int rows = argc > 1 ? atoi(argv[1]) : 1000000;
	const char *dir = argc > 2 ? argv[2] : "/tmp";

	bench_events(dir);
	bench_big(dir, rows);

	return 0;
}
