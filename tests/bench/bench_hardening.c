/**
 * @file bench_hardening.c  Benchmark: what hardening costs on hot paths
 *
 *   sigmask pair   the two pthread_sigmask() calls fio_write_atomic() now
 *                  makes to hold SIGTERM back while its temp file exists
 *   write_atomic   fio_write_atomic() of a 4 KiB file (tmp, write, fsync,
 *                  rename, fsync dir), in the current directory's file
 *                  system (run it where the profile lives)
 *   perm_parse     parsing a permissions file, per file
 *   acct_parse     one accounts line with ;auth_pass=, per line
 *
 * Prints p50/p99.  Run: build/tests/unit/hardening/bench_hardening [DIR]
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "octasip_credstore/acctfile.h"
#include "benchutil.h"
#include "common/fileio.h"
#include "common/perm.h"

enum { RUNS = 20000, WRITES = 300 };


static void report(const char *what, uint64_t *t, size_t n)
{
	bench_sort(t, n);
	(void)printf("%-14s p50 %8.2f us  p99 %8.2f us  (n=%zu)\n", what,
		     (double)t[n / 2] / 1000.0,
		     (double)t[n * 99 / 100] / 1000.0, n);
}


int main(int argc, char **argv)
{
	static uint64_t t[RUNS];
	const char *dir = argc > 1 ? argv[1] : ".";
	char path[4200], buf[4096], out[2048], pass[128], err[256];
	const char *line = "<sip:alice@example.com;transport=tls>"
		";auth_user=al;auth_pass=s3cr3t-pass;regint=600";
	const char *perms = "# permissions\nmicrophone allow\n"
		"contacts ask\nstorage allow\nphone_state once\n"
		"recording deny\n";
	struct acct_parsed ap;
	struct perm_set ps;
	sigset_t set, old;
	size_t i;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	for (i = 0; i < RUNS; i++) {
		uint64_t t0 = bench_ns();

		(void)pthread_sigmask(SIG_BLOCK, &set, &old);
		(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
		t[i] = bench_ns() - t0;
	}
	report("sigmask pair", t, RUNS);

	if (fio_path(path, sizeof(path), dir, "bench-hardening.tmp"))
		return 1;
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < WRITES; i++) {
		uint64_t t0 = bench_ns();

		if (fio_write_atomic(path, buf, sizeof(buf), 0600)) {
			perror(path);
			return 1;
		}
		t[i] = bench_ns() - t0;
	}
	(void)unlink(path);
	report("write_atomic", t, WRITES);

	for (i = 0; i < RUNS; i++) {
		uint64_t t0 = bench_ns();

		(void)perm_parse(perms, &ps, err, sizeof(err));
		t[i] = bench_ns() - t0;
	}
	report("perm_parse", t, RUNS);

	for (i = 0; i < RUNS; i++) {
		uint64_t t0 = bench_ns();

		memset(&ap, 0, sizeof(ap));
		ap.pass = pass;
		ap.passsz = sizeof(pass);
		(void)acct_parse(line, strlen(line), out, sizeof(out), &ap,
				 err, sizeof(err));
		t[i] = bench_ns() - t0;
	}
	report("acct_parse", t, RUNS);

	return 0;
}
