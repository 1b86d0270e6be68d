/**
 * @file fuzz_crashraw.c  libFuzzer harness for crash raw records
 *
 * Input: a crash/raw-*.raw record (format in sighandler.h), as a crashed
 * process or anyone able to write to crash/ may have left it.  Checks,
 * for any input: no memory error (ASan/UBSan); a record that converts
 * gives a valid 32-hex-digit event id and a JSON report that libre
 * decodes back (nothing in it breaks the JSON); one that does not gives
 * EBADMSG and no report.
 *
 * Build and run: scripts/fuzz [SECONDS] crashraw
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "octasip_crash/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char id[REPORT_ID_LEN + 1];
	char *json = NULL;
	struct odict *od = NULL;
	int r;

	memset(id, 0, sizeof(id));
	r = report_from_raw((const char *)data, size, &json, id);
	if (r) {
		if (r != EBADMSG || json)
			abort();  /* not the documented refusal */
		return 0;
	}

	if (!report_id_valid(id))
		abort();
	if (json_decode_odict(&od, 32, json, strlen(json), 16))
		abort();      /* the report is not valid JSON */
	if (!odict_lookup(od, "event_id"))
		abort();

	mem_deref(od);
	free(json);

	return 0;
}
