/**
 * @file test_sipcallid.c  The Call-ID read from a request's bytes
 *                         (common/sipcallid.c) against libre's parser
 *
 * Each case is a request a peer could send; for each, the Call-ID read
 * without libre's parse is either the one libre's sip_msg_decode() reads
 * or "ask libre" (EBADMSG), never another value.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <re.h>
#include "common/sipcallid.h"
#include "common/sipcopy.h"
#include "utest.h"


#define START "BYE sip:bob@127.0.0.1:5060 SIP/2.0\r\n"
#define VIA   "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1\r\n"
#define FROM  "From: <sip:a@127.0.0.1>;tag=a1\r\n"
#define TO    "To: <sip:bob@127.0.0.1>;tag=b1\r\n"
#define CSEQ  "CSeq: 2 BYE\r\n"
#define TAIL  "Content-Length: 0\r\n\r\n"

/* libre's Call-ID of msg ("" if it has none), or NULL if it refuses msg */
static char *libre_callid(const char *msg, char *buf, size_t sz)
{
	struct sip_msg *m = sipcopy_decode((const uint8_t *)msg,
					   strlen(msg));

	if (!m)
		return NULL;
	(void)pl_strcpy(&m->callid, buf, sz);
	if (!m->callid.l)
		buf[0] = '\0';
	mem_deref(m);

	return buf;
}


/* read msg: expect err, and with 0 the value want, which libre agrees on */
static void check(const char *msg, int err, const char *want)
{
	char got[256], lib[256];
	struct pl pl = PL_INIT;
	int e = sipcallid_read((const uint8_t *)msg, strlen(msg), &pl);

	UT_EQ_INT(e, err);
	if (e)
		return;

	(void)pl_strcpy(&pl, got, sizeof(got));
	UT_EQ_STR(got, want);
	UT_EQ_STR(libre_callid(msg, lib, sizeof(lib)), want);
}


static void test_plain_request(void)
{
	check(START VIA FROM TO "Call-ID: 1-2345@127.0.0.1\r\n" CSEQ TAIL, 0,
	      "1-2345@127.0.0.1");
	check("CANCEL sip:bob@h SIP/2.0\r\n" VIA "Call-ID: c\r\n" TAIL, 0,
	      "c");
}


/* names and spacing libre takes as the Call-ID */
static void test_spellings(void)
{
	check(START VIA "i: compact\r\n" TAIL, 0, "compact");
	check(START VIA "I:UPPER\r\n" TAIL, 0, "UPPER");
	check(START VIA "CALL-id  :  \t spaced \t \r\n" TAIL, 0, "spaced");
	check(START VIA "call-id: a b c\r\n" TAIL, 0, "a b c");
}


/*
 * A name libre files as the Call-ID though it is not "Call-ID": libre
 * keys headers by a 12-bit hash of the name.  Such a header is the
 * Call-ID here too; next to a real one it is ambiguous (libre takes the
 * last), and the caller asks libre.
 */
static void test_hash_collision(void)
{
	char name[16], msg[512], lib[256];
	unsigned i;

	for (i = 0; i < 1000000; ++i) {
		(void)snprintf(name, sizeof(name), "Zq%u", i);
		if ((hash_joaat_ci(name, strlen(name)) & 0xfff) ==
		    SIP_HDR_CALL_ID)
			break;
	}
	UT_CHECK(i < 1000000);

	(void)snprintf(msg, sizeof(msg), START VIA "%s: twin\r\n" TAIL,
		       name);
	check(msg, 0, "twin");

	(void)snprintf(msg, sizeof(msg), START VIA "Call-ID: real\r\n"
		       "%s: twin\r\n" TAIL, name);
	check(msg, EBADMSG, NULL);
	UT_EQ_STR(libre_callid(msg, lib, sizeof(lib)), "twin");
}


/* what an attacker would plant: none of it is the Call-ID */
static void test_decoys(void)
{
	check(START VIA "X-Call-ID: decoy\r\nCall-ID: real\r\n" TAIL, 0,
	      "real");
	check(START VIA "Subject: Call-ID: decoy\r\nCall-ID: real\r\n" TAIL,
	      0, "real");
	/* in the body only: no Call-ID header */
	check(START VIA "Content-Length: 17\r\n\r\nCall-ID: decoy\r\n",
	      EBADMSG, NULL);
}


/* not read here: libre's parse decides */
static void test_ask_libre(void)
{
	/* two of them */
	check(START VIA "Call-ID: one\r\nCall-ID: two\r\n" TAIL, EBADMSG,
	      NULL);
	/* a folded line anywhere */
	check(START VIA "Subject: a\r\n b\r\nCall-ID: x\r\n" TAIL, EBADMSG,
	      NULL);
	check(START VIA "Call-ID: x\r\n y\r\n" TAIL, EBADMSG, NULL);
	/* bare LF or CR */
	check(START VIA "Call-ID: x\n" TAIL, EBADMSG, NULL);
	check("BYE sip:b@h SIP/2.0\n" VIA "Call-ID: x\r\n" TAIL, EBADMSG,
	      NULL);
	check(START VIA "Call-ID: x\ry\r\n" TAIL, EBADMSG, NULL);
	/* empty value, no colon, empty name, no end of headers */
	check(START VIA "Call-ID:  \r\n" TAIL, EBADMSG, NULL);
	check(START VIA "Call-ID x\r\n" TAIL, EBADMSG, NULL);
	check(START VIA ": x\r\nCall-ID: y\r\n" TAIL, EBADMSG, NULL);
	check(START VIA "Call-ID: x\r\n", EBADMSG, NULL);
	/* a response, two spaces, another version: not read here */
	check("SIP/2.0 200 OK\r\n" VIA "Call-ID: x\r\n" TAIL, EBADMSG,
	      NULL);
	check("BYE  sip:b@h SIP/2.0\r\nCall-ID: x\r\n" TAIL, EBADMSG, NULL);
	check("BYE sip:b@h SIP/1.0\r\nCall-ID: x\r\n" TAIL, EBADMSG, NULL);
	check("", EBADMSG, NULL);
	UT_EQ_INT(sipcallid_read(NULL, 0, NULL), EINVAL);
}


int main(void)
{
	int err = libre_init();

	if (err)
		return 1;

	UT_RUN(test_plain_request);
	UT_RUN(test_spellings);
	UT_RUN(test_hash_collision);
	UT_RUN(test_decoys);
	UT_RUN(test_ask_libre);

	libre_close();

	return ut_done();
}
