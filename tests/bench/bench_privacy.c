/**
 * @file bench_privacy.c  Figures for docs/privacy.md: export throughput
 *                        and memory, shred and SQLite scrub times
 *
 * Usage: bench_privacy [ROWS]   (default 100000 call-log rows)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include <sqlite3.h>
#include "privacy/export.h"
#include "privacy/shred.h"


static double now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);

	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}


static int make_db(const char *path, int rows)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int i;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 1;
	(void)sqlite3_exec(db, "PRAGMA journal_mode = WAL;"
			   "CREATE TABLE calls (id INTEGER PRIMARY KEY,"
			   " call_id TEXT, account TEXT NOT NULL, direction"
			   " TEXT NOT NULL, status TEXT NOT NULL, peer_uri"
			   " TEXT, peer_name TEXT, started_at INTEGER NOT"
			   " NULL, answered_at INTEGER, ended_at INTEGER,"
			   " duration_ms INTEGER, sip_code INTEGER, reason"
			   " TEXT, encryption TEXT);", NULL, NULL, NULL);
	(void)sqlite3_prepare_v2(db, "INSERT INTO calls (call_id, account,"
				 " direction, status, peer_uri, peer_name,"
				 " started_at, answered_at, ended_at,"
				 " duration_ms, sip_code, reason, encryption)"
				 " VALUES (?1, 'sip:me@example.org',"
				 " 'incoming', 'answered',"
				 " 'sip:+441632960123@example.org',"
				 " 'A \"quoted\" name \xc3\xa9', ?2,"
				 " ?2 + 1000,"
				 " ?2 + 61000, 60000, 200,"
				 " 'Connection reset by peer', 'srtp')", -1,
				 &st, NULL);
	(void)sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (i = 0; i < rows; ++i) {
		char cid[48];

		(void)snprintf(cid, sizeof(cid), "%08x-call@example.org", i);
		(void)sqlite3_bind_text(st, 1, cid, -1, SQLITE_TRANSIENT);
		(void)sqlite3_bind_int64(st, 2, 1700000000000LL + i * 1000);
		(void)sqlite3_step(st);
		(void)sqlite3_reset(st);
	}
	(void)sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	(void)sqlite3_finalize(st);
	(void)sqlite3_close(db);

	return 0;
}


/* Exports in a child process; returns its peak RSS (KiB) */
static long export_child(const struct export_opt *o, const char *out,
			 unsigned *calls, double *ms)
{
	struct export_result r;
	struct rusage ru;
	int status, pfd[2];
	double t0;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		FILE *f = fopen(out, "w");

		if (!f || export_write(f, o, &r))
			_exit(1);
		(void)fclose(f);
		(void)write(pfd[1], &r.calls, sizeof(r.calls));
		_exit(0);
	}
	(void)close(pfd[1]);
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || status ||
	    read(pfd[0], calls, sizeof(*calls)) != sizeof(*calls)) {
		(void)close(pfd[0]);
		return -1;
	}
	*ms = now_ms() - t0;
	(void)close(pfd[0]);

	return ru.ru_maxrss;
}


int main(int argc, char **argv)
{
	int rows = argc > 1 ? atoi(argv[1]) : 100000;
	char dir[] = "/tmp/octasip-bench-privacy-XXXXXX";
	char db[256], out[256], big[256], cmd[300], msg[256];
	struct export_opt o;
	struct keysrc_opt ko;
	const int sizes[2] = {1000, rows};
	double t0, t1, ms;
	unsigned calls;
	long rss;
	int fd, k;

	if (sodium_init() < 0 || !mkdtemp(dir))
		return 1;
	(void)snprintf(db, sizeof(db), "%s/calllog.db", dir);
	(void)snprintf(out, sizeof(out), "%s/export.json", dir);

	memset(&ko, 0, sizeof(ko));
	ko.profile = dir;
	ko.pass_fd = -1;
	memset(&o, 0, sizeof(o));
	o.profile = dir;
	o.ko = &ko;

	for (k = 0; k < 2; ++k) {
		(void)unlink(db);
		if (make_db(db, sizes[k]))
			return 1;
		rss = export_child(&o, out, &calls, &ms);
		if (rss < 0)
			return 1;
		(void)printf("export: %u call-log rows in %.0f ms"
			     " (%.0f rows/s), peak RSS %ld KiB\n", calls, ms,
			     calls / (ms / 1e3), rss);
	}

	t0 = now_ms();
	if (shred_sqlite(db, msg, sizeof(msg)))
		return 1;
	t1 = now_ms();
	(void)printf("wipe: secure_delete + DELETE + VACUUM of %d rows:"
		     " %.0f ms\n", rows, t1 - t0);

	(void)snprintf(big, sizeof(big), "%s/big", dir);
	fd = open(big, O_WRONLY | O_CREAT, 0600);
	if (fd < 0 || ftruncate(fd, 16 << 20))
		return 1;
	(void)close(fd);
	t0 = now_ms();
	if (shred_file(big))
		return 1;
	t1 = now_ms();
	(void)printf("wipe: overwrite + fsync + unlink of 16 MiB: %.0f ms\n",
		     t1 - t0);

	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);

	return 0;
}
