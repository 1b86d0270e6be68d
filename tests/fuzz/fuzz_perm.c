/**
 * @file fuzz_perm.c  libFuzzer harness for the permissions file parser
 *
 * Input: the bytes of a "permissions" file.  Checks, for any input: no
 * memory error (ASan/UBSan); on failure every permission is deny (the
 * safe set) and the error names a line; on success the parsed set,
 * written back with perm_format(), parses to the same set.
 *
 * Build and run: scripts/fuzz [SECONDS] perm
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/perm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perm_set ps, again, safe;
	char err[256], buf[1024];
	char *text = malloc(size + 1);
	int r, n, i;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';

	err[0] = '\0';
	r = perm_parse(text, &ps, err, sizeof(err));
	if (r) {
		perm_set_safe(&safe);
		if (r != EBADMSG || memcmp(&ps, &safe, sizeof(ps)) ||
		    !err[0])
			abort();   /* not the documented failure */
		goto out;
	}

	n = perm_format(&ps, buf, sizeof(buf));
	if (n < 0 || (size_t)n >= sizeof(buf) || buf[n] != '\0')
		abort();
	if (perm_parse(buf, &again, err, sizeof(err)))
		abort();   /* our own output does not parse */
	for (i = 0; i < PERM_COUNT; i++) {
		if (ps.state[i] != again.state[i])
			abort();   /* the round trip changed a state */
	}

 out:
	free(text);

	return 0;
}
