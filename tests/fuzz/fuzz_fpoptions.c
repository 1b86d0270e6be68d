/**
 * @file fuzz_fpoptions.c  libFuzzer harness for the OPTIONS-answer rewrite
 *
 * Input: the bytes of a SIP message about to be sent (any bytes).
 * fp_options_sent() rewrites them in place.  Checks, for any input: no
 * memory error (ASan/UBSan); a 200 to OPTIONS whose body has an a=tool
 * line with a value is changed; the length and everything before the body
 * but Content-Length's digits are unchanged; a rewritten message still
 * parses (libre) with the same Content-Length width, its body as long
 * as Content-Length says, with no a=tool value left in it, followed by
 * what followed the input's body, then CRLFs; a second pass changes
 * nothing.
 *
 * Build and run: scripts/fuzz [SECONDS] fpoptions
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "octasip_policy/fp_options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static struct sip_msg *parse(const uint8_t *p, size_t n)
{
	struct sip_msg *msg = NULL;
	struct mbuf *mb = mbuf_alloc(n ? n : 1);

	if (!mb)
		abort();
	if (mbuf_write_mem(mb, p, n))
		abort();
	mb->pos = 0;
	(void)sip_msg_decode(&msg, mb);
	mem_deref(mb);

	return msg;
}


/*
 * The rewritten message: it parses, its body is as long as its
 * Content-Length says, with no a=tool value left; what lay beyond the
 * input's body follows it unchanged, then CRLFs for the bytes the body
 * lost (in_clen: the input's Content-Length)
 */
static void check_rewritten(const uint8_t *in, const uint8_t *out, size_t n,
			    size_t head, size_t in_clen)
{
	struct sip_msg *msg = parse(out, n);
	const uint8_t *body, *t;
	size_t blen, cut, i;

	if (!msg)
		abort();
	body = out + msg->mb->pos;
	blen = pl_u32(&msg->clen);
	if (msg->mb->pos != head || blen > in_clen || in_clen > n - head)
		abort();
	for (t = body; (t = memmem(t, blen - (size_t)(t - body), "a=tool:",
				   7)); t += 7) {
		for (i = 7; t + i < body + blen && t[i] != '\r' &&
			     t[i] != '\n'; ++i) {
			if (t[i] != ' ' && (t == body || t[-1] == '\n'))
				abort();
		}
	}
	cut = in_clen - blen;
	if (memcmp(out + head + blen, in + head + in_clen,
		   n - head - in_clen))
		abort();
	for (i = n - cut; i < n; ++i) {
		if (out[i] != '\r' && out[i] != '\n')
			abort();
	}
	mem_deref(msg);
}


/* before the body only Content-Length's digits may have changed */
static void check_head(const uint8_t *in, const uint8_t *out,
		       const struct sip_msg *msg)
{
	size_t cl = (size_t)((const uint8_t *)msg->clen.p - msg->mb->buf);
	size_t i;

	for (i = 0; i < msg->mb->pos; ++i) {
		if (out[i] != in[i] && (i < cl || i >= cl + msg->clen.l))
			abort();
	}
}


/* whether in is a 200 to OPTIONS whose body has an a=tool value */
static bool has_tool(const uint8_t *in, size_t n, const struct sip_msg *msg)
{
	const uint8_t *body = in + msg->mb->pos, *t;
	size_t blen = pl_u32(&msg->clen), i;

	if (n < 12 || memcmp(in, "SIP/2.0 200 ", 12) ||
	    pl_strcmp(&msg->cseq.met, "OPTIONS") || !pl_isset(&msg->clen) ||
	    blen > n - msg->mb->pos)
		return false;

	for (t = body; t < body + blen; ++t) {
		if ((t != body && t[-1] != '\n') ||
		    (size_t)(body + blen - t) < 7 || memcmp(t, "a=tool:", 7))
			continue;
		for (i = 7; t + i < body + blen && t[i] != '\n'; ++i) {
			if (t[i] != ' ' && t[i] != '\r')
				return true;
		}
	}

	return false;
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1), *again;
	struct sip_msg *msg;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	msg = parse(data, size);

	fp_options_sent(buf, size);

	/* an a=tool value in the answer to OPTIONS is never left */
	if (msg && has_tool(data, size, msg) && !memcmp(buf, data, size))
		abort();

	if (memcmp(buf, data, size)) {
		/* only a message that parsed is changed */
		if (!msg)
			abort();
		check_head(data, buf, msg);
		check_rewritten(data, buf, size, msg->mb->pos,
				pl_u32(&msg->clen));

		/* a second pass changes nothing */
		again = malloc(size);
		if (!again)
			abort();
		memcpy(again, buf, size);
		fp_options_sent(again, size);
		if (memcmp(again, buf, size))
			abort();
		free(again);
	}

	mem_deref(msg);
	free(buf);

	return 0;
}
