/**
 * @file bench_crash.c  Redactor throughput (target: 50 MB/s or more)
 *
 * Usage: bench_crash [MEGABYTES]   (default 64)
 * Feeds log-like text (SIP lines with URIs, addresses, numbers, secrets,
 * and plain prose) through redact() in 4 KiB lines; prints MB/s overall
 * and p50/p99 of per-chunk throughput, plus a plain-text-only run.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "octasip_crash/redact.h"


static const char *const lines[] = {
	"INVITE sip:bob@192.168.1.20:5060 SIP/2.0\r\n",
	"Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK776asdhds\r\n",
	"From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n",
	"Authorization: Digest username=\"alice\", response=\"6629f\"\r\n",
	"call to +49 30 1234567 ended after 42 s (code 486)\n",
	"audio: opus 48000 Hz 2 ch, jitter 12 ms, loss 0.1%\n",
	"registered at 2001:db8::10 with auth_pass=hunter2 expires 3600\n",
	"The quick brown fox jumps over the lazy dog, again and again.\n",
	"mail alice@example.org; token=abc.def.ghi; card 4111 1111 1111"
	" 1111\n",
};


static double now_s(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);

	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}


static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}


static void run(const char *label, const char *buf, size_t len,
		size_t total_mb)
{
	size_t chunk = 4096, nchunks = len / chunk, reps, r, i, k = 0;
	char *out = malloc(REDACT_MAX_OUT(chunk));
	double *rates, t0, t, sum = 0;

	reps = (total_mb << 20) / len;
	if (!reps)
		reps = 1;
	rates = malloc(sizeof(double) * reps * nchunks);

	t0 = now_s();
	for (r = 0; r < reps; ++r) {
		for (i = 0; i < nchunks; ++i) {
			double c0 = now_s();

			(void)redact(buf + i * chunk, chunk, out,
				     REDACT_MAX_OUT(chunk));
			rates[k++] = (double)chunk / (now_s() - c0) / 1e6;
		}
	}
	t = now_s() - t0;
	sum = (double)reps * nchunks * chunk;

	qsort(rates, k, sizeof(double), cmp);
	printf("%-10s %6.0f MB in %.3f s: %7.1f MB/s overall;"
	       " per 4 KiB chunk p50 %.1f MB/s, p1 (slowest) %.1f MB/s\n",
	       label, sum / 1e6, t, sum / 1e6 / t, rates[k / 2],
	       rates[k / 100]);

	free(rates);
	free(out);
}


int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? (size_t)atoi(argv[1]) : 64;
	size_t len = 1 << 20, n = 0, i = 0;
	char *buf = malloc(len);
	const char *prose = "plain words only, nothing to remove here at "
		"all; just text of a normal log line. ";

	while (n < len) {
		const char *l = lines[i++ % (sizeof(lines) / sizeof(*lines))];
		size_t m = strlen(l);

		if (n + m > len)
			m = len - n;
		memcpy(buf + n, l, m);
		n += m;
	}
	run("sip-log", buf, len, mb);

	for (n = 0; n < len; ) {
		size_t m = strlen(prose);

		if (n + m > len)
			m = len - n;
		memcpy(buf + n, prose, m);
		n += m;
	}
	run("prose", buf, len, mb);

	free(buf);

	return 0;
}
