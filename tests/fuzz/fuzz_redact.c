/**
 * @file fuzz_redact.c  libFuzzer harness for the redactor
 *
 * Checks, for any input: no memory error (ASan/UBSan), the output is
 * NUL-terminated within the buffer, REDACT_MAX_OUT() is enough, a short
 * buffer gives a prefix of the full output (truncation never reveals
 * more), and a second pass over the output stays in bounds too.
 *
 * Idempotence (a second pass changes nothing) holds for ordinary text
 * (test_redact.c) but not for every adversarial byte soup: a replacement
 * can change the context an earlier decision saw (found by this harness,
 * e.g. "16::5.01i@T").  A second pass only ever removes more.
 *
 * Build and run: scripts/fuzz [SECONDS]
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "octasip_crash/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t sz = REDACT_MAX_OUT(size), n, n2, small;
	char *out = malloc(sz), *again = malloc(REDACT_MAX_OUT(sz));
	char *part;

	if (!out || !again)
		abort();

	n = redact((const char *)data, size, out, sz);
	if (n >= sz - 1 || out[n] != '\0')
		abort();     /* REDACT_MAX_OUT was not enough, or no NUL */

	n2 = redact(out, n, again, REDACT_MAX_OUT(sz));
	if (n2 >= REDACT_MAX_OUT(sz) - 1 || again[n2] != '\0')
		abort();

	small = size ? (size_t)data[0] % (n + 2) + 1 : 1;
	part = malloc(small);
	if (!part)
		abort();
	n2 = redact((const char *)data, size, part, small);
	if (n2 >= small || part[n2] != '\0' || memcmp(part, out, n2))
		abort();     /* truncated output is not a prefix */

	free(part);
	free(again);
	free(out);

	return 0;
}
