/**
 * @file utest.h  A minimal unit-test helper for OctaSIP's C tests
 *
 * UT_CHECK(cond) records a failure (file:line and the condition) and goes
 * on; UT_RUN(fn) runs one test function; ut_done() prints the closing line
 * "N passed, N failed" and returns the exit status.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_UTEST_H
#define OCTASIP_UTEST_H

#include <stdio.h>
#include <string.h>

static int ut_failures_in_test;
static int ut_passed;
static int ut_failed;

#define UT_CHECK(cond) do {						\
		if (!(cond)) {						\
			(void)fprintf(stderr, "%s:%d: check failed: %s\n", \
				      __FILE__, __LINE__, #cond);	\
			++ut_failures_in_test;				\
		}							\
	} while (0)

#define UT_EQ_INT(a, b) do {						\
		long long ut_a = (long long)(a), ut_b = (long long)(b);	\
		if (ut_a != ut_b) {					\
			(void)fprintf(stderr, "%s:%d: %s == %lld, "	\
				      "expected %lld\n", __FILE__,	\
				      __LINE__, #a, ut_a, ut_b);	\
			++ut_failures_in_test;				\
		}							\
	} while (0)

#define UT_EQ_STR(a, b) do {						\
		const char *ut_a = (a), *ut_b = (b);			\
		if (!ut_a || !ut_b || strcmp(ut_a, ut_b)) {		\
			(void)fprintf(stderr, "%s:%d: %s == \"%s\", "	\
				      "expected \"%s\"\n", __FILE__,	\
				      __LINE__, #a,			\
				      ut_a ? ut_a : "(null)",		\
				      ut_b ? ut_b : "(null)");		\
			++ut_failures_in_test;				\
		}							\
	} while (0)

#define UT_RUN(fn) do {							\
		ut_failures_in_test = 0;				\
		fn();							\
		if (ut_failures_in_test) {				\
			++ut_failed;					\
			(void)printf("FAIL %s\n", #fn);			\
		}							\
		else {							\
			++ut_passed;					\
			(void)printf("ok   %s\n", #fn);			\
		}							\
	} while (0)

static inline int ut_done(void)
{
	(void)printf("%d passed, %d failed\n", ut_passed, ut_failed);

	return ut_failed ? 1 : 0;
}

#endif
