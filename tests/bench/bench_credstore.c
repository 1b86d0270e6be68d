/**
 * @file bench_credstore.c  Credential vault figures: open time per key
 *                          source (KDF share broken out), lookup cost
 *
 * Usage: bench_credstore [RECORDS]   (default 20 records)
 * The keyring source is measured when a Secret Service answers on the
 * session bus (run under dbus-run-session with gnome-keyring).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "common/fileio.h"
#include "octasip_credstore/keysrc.h"
#include "octasip_credstore/vault.h"


static char dir[] = "/tmp/octasip-bench-cs-XXXXXX";
static char vpath[512];


static double now_us(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);

	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}


static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}


static void report(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	(void)printf("%-34s n=%-5d p50 %10.1f us  p99 %10.1f us\n", what, n,
		     v[n / 2], v[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1]);
}


static int pipe_with(const char *s)
{
	int p[2];

	if (pipe(p))
		return -1;
	(void)!write(p[1], s, strlen(s));
	(void)close(p[1]);

	return p[0];
}


static int create(enum keysrc ks, struct keysrc_opt *o, int recs)
{
	struct vault_hdr hdr;
	struct vault *v = NULL;
	uint8_t key[VAULT_KEY_LEN];
	char msg[512];
	int i, err;

	if (ks == KEYSRC_PASSPHRASE)
		o->pass_fd = pipe_with("bench passphrase\n");
	err = keysrc_new(ks, o, &hdr, key, msg, sizeof(msg));
	if (o->pass_fd >= 0)
		(void)close(o->pass_fd);
	o->pass_fd = -1;
	if (!err)
		err = keysrc_commit(ks, o, msg, sizeof(msg));
	if (!err)
		err = vault_alloc(&v, &hdr, key);
	for (i = 0; !err && i < recs; ++i) {
		char aor[64];

		(void)snprintf(aor, sizeof(aor), "sip:user%d@example.com", i);
		err = vault_put(v, aor, NULL, NULL, "bench-secret");
	}
	if (!err)
		err = vault_save(v, vpath, false, msg, sizeof(msg));
	if (err)
		(void)fprintf(stderr, "%s: %s\n", keysrc_name(ks), msg);
	vault_free(v);
	sodium_memzero(key, sizeof(key));

	return err;
}


static void bench_open(enum keysrc ks, struct keysrc_opt *o, int recs,
		       int n)
{
	double *t = calloc((size_t)n, sizeof(double));
	double kdf = 0;
	char what[64], msg[512];
	int i;

	if (!t || create(ks, o, recs))
		goto out;

	for (i = 0; i < n; ++i) {
		struct vault *v = NULL;
		double t0;

		if (ks == KEYSRC_PASSPHRASE)
			o->pass_fd = pipe_with("bench passphrase\n");
		o->kdf_ms = 0;
		t0 = now_us();
		if (vault_open(&v, vpath, keysrc_get, o, msg, sizeof(msg)))
			(void)fprintf(stderr, "open: %s\n", msg);
		t[i] = now_us() - t0;
		kdf += (double)o->kdf_ms * 1000;
		if (o->pass_fd >= 0)
			(void)close(o->pass_fd);
		o->pass_fd = -1;
		vault_free(v);
	}

	(void)snprintf(what, sizeof(what), "open %s (%d records)",
		       keysrc_name(ks), recs);
	report(what, t, n);
	if (ks == KEYSRC_PASSPHRASE)
		(void)printf("%-34s mean %10.1f us (Argon2id, 256 MiB)\n",
			     "  of which KDF", kdf / n);
 out:
	free(t);
}


static void bench_lookup(struct keysrc_opt *o, int recs)
{
	enum { N = 20000 };
	static double t[N];
	struct vault *v = NULL;
	char msg[512], aor[64];
	int i;

	if (create(KEYSRC_KEYFILE, o, recs) ||
	    vault_open(&v, vpath, keysrc_get, o, msg, sizeof(msg)))
		return;

	for (i = 0; i < N; ++i) {
		double t0;

		(void)snprintf(aor, sizeof(aor),
			       "<sip:user%d@example.com;transport=tls>",
			       i % recs);
		t0 = now_us();
		if (!vault_find(v, aor))
			(void)fprintf(stderr, "lookup miss\n");
		t[i] = now_us() - t0;
	}

	(void)snprintf(msg, sizeof(msg), "lookup (%d records)", recs);
	report(msg, t, N);
	vault_free(v);
}


int main(int argc, char **argv)
{
	struct keysrc_opt o;
	char cdir[600], cred[700];
	uint8_t rnd[32];
	int recs = argc > 1 ? atoi(argv[1]) : 20;

	if (sodium_init() < 0 || !mkdtemp(dir) || recs < 1)
		return 1;

	(void)snprintf(vpath, sizeof(vpath), "%s/vault", dir);
	(void)snprintf(cdir, sizeof(cdir), "%s/creds", dir);
	(void)snprintf(cred, sizeof(cred), "%s/" KEYSRC_CRED_DEFAULT, cdir);
	(void)fio_mkdir_private(cdir);
	randombytes_buf(rnd, sizeof(rnd));
	(void)fio_write_atomic(cred, rnd, sizeof(rnd), 0600);

	memset(&o, 0, sizeof(o));
	o.profile = dir;
	o.cred_dir = cdir;
	o.pass_fd = -1;

	bench_open(KEYSRC_KEYFILE, &o, recs, 200);
	bench_open(KEYSRC_SYSTEMD, &o, recs, 200);
	if (keyring_answers())
		bench_open(KEYSRC_KEYRING, &o, recs, 50);
	else
		(void)printf("open keyring: skipped (no Secret Service on"
			     " the session bus)\n");
	bench_open(KEYSRC_PASSPHRASE, &o, recs, 3);
	bench_lookup(&o, recs);

	{
		char cmd[700];

		(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		(void)!system(cmd);
	}

	return 0;
}
