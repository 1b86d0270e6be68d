/**
 * @file bench_policy.c  Benchmark: microphone gate per 20 ms frame and
 *                       the policy decision per call
 *
 * Prints p50/p99 in nanoseconds.  Run: build/tests/unit/policy/bench_policy
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "octasip_policy/fraud.h"
#include "benchutil.h"
#include "octasip_policy/micgate.h"

#define RUNS 20000


static void report(const char *what, uint64_t *t, size_t n)
{
	bench_sort(t, n);
	(void)printf("%-44s p50 %6llu ns  p99 %6llu ns\n", what,
		     (unsigned long long)t[n / 2],
		     (unsigned long long)t[n * 99 / 100]);
}


static void bench_gate(const char *what, int open, int notice)
{
	static uint64_t t[RUNS];
	static int16_t frame[1920];      /* 20 ms, 48 kHz stereo */
	struct micgate g;
	struct micgate_stream s;
	size_t i;

	micgate_init(&g, open, notice);
	micgate_stream_init(&s, 48000, 2, MICGATE_S16LE);

	for (i = 0; i < RUNS; ++i) {
		uint64_t t0;

		memset(frame, 0x11, sizeof(frame));
		t0 = bench_ns();
		(void)micgate_process(&g, &s, frame, 1920);
		t[i] = bench_ns() - t0;
	}

	report(what, t, RUNS);
}


static void bench_decision(void)
{
	static uint64_t t[RUNS];
	struct fraud_cfg c;
	struct fraud *f = NULL;
	char rule[128], uri[64];
	size_t i;

	fraud_cfg_defaults(&c);
	(void)snprintf(c.cc, sizeof(c.cc), "44");
	(void)fraud_list_parse(&c.deny, "premium", NULL, 0);
	c.max_per_minute = 1000;
	c.max_per_day = 100000;
	if (fraud_alloc(&f, &c))
		return;

	for (i = 0; i < RUNS; ++i) {
		uint64_t t0;

		(void)snprintf(uri, sizeof(uri), "sip:+3312345%04zu@x",
			       i % 10000);
		t0 = bench_ns();
		(void)fraud_check_outgoing(f, uri, i * 100, 0, rule,
					   sizeof(rule));
		t[i] = bench_ns() - t0;
	}
	report("decision per outgoing call (premium list)", t, RUNS);

	for (i = 0; i < RUNS; ++i) {
		uint64_t t0;

		(void)snprintf(uri, sizeof(uri), "sip:%zu@x", i % 500);
		t0 = bench_ns();
		(void)fraud_check_incoming(f, uri, i * 100, rule,
					   sizeof(rule));
		t[i] = bench_ns() - t0;
	}
	report("decision per incoming call", t, RUNS);

	fraud_free(f);
}


int main(void)
{
	bench_gate("mic gate, allowed (20 ms, 48k stereo)", 1, 0);
	bench_gate("mic gate, denied (zeroing)", 0, 0);
	bench_gate("mic gate, allowed + recording notice", 1, 1);
	bench_decision();

	return 0;
}
