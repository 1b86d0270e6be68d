/**
 * @file benchutil.h  Timing helpers shared by the benchmark programs
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_BENCHUTIL_H
#define OCTASIP_BENCHUTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* Monotonic clock in nanoseconds */
static inline uint64_t bench_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);

	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}


static inline int bench_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}


/* Sort n samples in place; afterwards t[n/2] is p50, t[n*99/100] p99 */
static inline void bench_sort(uint64_t *t, size_t n)
{
	qsort(t, n, sizeof(*t), bench_cmp_u64);
}

#endif
