/**
 * @file fingerprint.c  No product, version, OS or heap address on the wire
 *
 * P-NET-3.  baresip 1.0.0 / libre 1.1.0 put three fingerprints on the
 * wire and offer no setting for any of them:
 *  - libre's "software" string ("baresip v1.0.0 (x86_64/linux)") as
 *    User-Agent in every request and Server in every response.  It is a
 *    field of libre's opaque struct sip, with no setter in 1.1.0.  The
 *    policy's SIP trace handler (srcaddr.c) is another field of that
 *    struct, after it (libre's src/sip/sip.h): the field holding our
 *    handler bounds the search, and exactly one earlier field must point
 *    to a string starting "baresip"; it is replaced by the configured
 *    User-Agent or by NULL (libre then sends no User-Agent/Server).  If
 *    the layout is not the expected one nothing is changed and a warning
 *    says so.
 *  - the Contact user "<user>-0x<address of the struct ua>" (ua_alloc()):
 *    ua_cuser() returns the heap string itself; its address part is
 *    overwritten in place with random hex digits of the same length
 *    (unique per UA as before, no address) before the UA's first
 *    REGISTER (BSIP_EV_REGISTERING) and at start for the others.
 *  - "a=tool:baresip 1.0.0" in each call's SDP session (call_alloc()).
 *    The session is the field after the SIP session in baresip's struct
 *    call, which starts with the UA and the account pointers (both known
 *    through call_get_ua() and call_account()); "tool" is removed with
 *    libre's sdp_session_del_lattr() before the SDP is encoded.
 * PORT: baresip 3.x/4.x have none of these fingerprints configurable
 * either, but a=tool is gone from 4.x and the layouts differ: re-check.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <stdint.h>
#include <string.h>
#include "common/bsip.h"
#include "fingerprint.h"


#define SIP_FIELDS_MAX  32   /* struct sip is ~20 pointer-sized fields */
#define CALL_FIELDS_MAX 12


static bool starts_baresip(uintptr_t v)
{
	return v >= 4096 && !strncmp((const char *)v, "baresip", 7);
}


int fingerprint_init(const char *ua, void *traceh)
{
	struct sip *sip = uag_sip();
	uintptr_t *f = (uintptr_t *)(void *)sip;
	size_t i, t = SIP_FIELDS_MAX, hit = SIP_FIELDS_MAX, n = 0;
	char *nsw = NULL;

	if (!sip || !traceh)
		return ENOENT;

	for (i = 0; i < SIP_FIELDS_MAX; ++i) {
		if (f[i] == (uintptr_t)traceh) {
			t = i;
			break;
		}
	}

	for (i = 0; i < t && t < SIP_FIELDS_MAX; ++i) {
		if (starts_baresip(f[i])) {
			hit = i;
			++n;
		}
	}

	if (n != 1) {
		warning("octasip_policy: libre's SIP software string not"
			" found: the User-Agent/Server header is left as it"
			" is\n");
		return ENOENT;
	}

	if (ua && *ua && str_dup(&nsw, ua))
		return ENOMEM;

	/* P-NET-3 */
	mem_deref((void *)f[hit]);
	f[hit] = (uintptr_t)nsw;

	return 0;
}


void fingerprint_ua(struct ua *ua)
{
	char *cu = (char *)ua_cuser(ua);
	char *p;
	size_t i;

	if (!cu)
		return;

	/* "<user>-0x55c06b01e880": the address follows the last '-' */
	p = strrchr(cu, '-');
	if (!p || strncmp(p + 1, "0x", 2))
		return;

	/* P-NET-3: same length, random hex, no address */
	for (i = 1; p[i]; ++i)
		p[i] = "0123456789abcdef"[rand_u16() & 0xf];
}


void fingerprint_call(struct call *call)
{
	uintptr_t *f = (uintptr_t *)(void *)call;
	uintptr_t ua = (uintptr_t)call_get_ua(call);
	uintptr_t acc = (uintptr_t)call_account(call);
	size_t i;

	if (!call || !ua || !acc)
		return;

	/* { ..., ua, acc, sess, sdp, ... } */
	for (i = 0; i + 3 < CALL_FIELDS_MAX; ++i) {
		if (f[i] == ua && f[i + 1] == acc) {
			struct sdp_session *sdp = (void *)f[i + 3];

			/* P-NET-3 */
			if (sdp)
				sdp_session_del_lattr(sdp, "tool");
			return;
		}
	}
}
