/**
 * @file fuzz_callid.c  libFuzzer harness for the Call-ID read from a
 *                      request's bytes (common/sipcallid.c)
 *
 * Input: any bytes, taken as a received SIP message.  Checks, for any
 * input: no memory error (ASan/UBSan); a Call-ID read lies inside the
 * input, is not empty and has no white space at either end; and whenever
 * libre's sip_msg_decode() accepts the same bytes as a request, its
 * Call-ID is byte for byte the one read.
 *
 * Build and run: scripts/fuzz [SECONDS] callid
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "common/sipcallid.h"
#include "common/sipcopy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static bool ws(char c)
{
	return c == ' ' || c == '\t';
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_msg *msg;
	struct pl id;

	if (sipcallid_read(data, size, &id))
		return 0;

	if (!id.l || id.p < (const char *)data ||
	    id.p + id.l > (const char *)data + size ||
	    ws(id.p[0]) || ws(id.p[id.l - 1]))
		abort();

	msg = sipcopy_decode(data, size);
	if (msg && msg->req) {
		/* msg->mb is the copy, from offset 0: same offsets */
		if (msg->callid.l != id.l ||
		    msg->callid.p - (const char *)msg->mb->buf !=
		    id.p - (const char *)data)
			abort();
	}
	mem_deref(msg);

	return 0;
}
