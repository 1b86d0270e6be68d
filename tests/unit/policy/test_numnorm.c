/**
 * @file test_numnorm.c  Unit tests: the number normaliser (numnorm.c)
 *                       and the fraud guard's rules on every spelling
 *
 * Each bypass of issue 16 item 5 (and the ones found while writing the
 * normaliser) is a case here: the deny-list must see the number whatever
 * its spelling (P-FRAUD-2).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdlib.h>
#include "utest.h"
#include "octasip_policy/fraud.h"
#include "octasip_policy/numnorm.h"


static const struct numplan uk = {"44", "00", "0"};
static const struct numplan nocc = {"", "00", "0"};


static const char *num(const struct numplan *np, const char *uri)
{
	static struct numnorm n;
	int err = numnorm_uri_number(np, uri, &n);

	if (err)
		return err == EINVAL ? "(not a number)" : "(malformed)";

	return n.num;
}


static void test_digits(void)
{
	struct numnorm n;

	UT_EQ_INT(numnorm_number(&uk, "+1 (900) 555-0100", "", &n), 0);
	UT_EQ_STR(n.num, "19005550100");
	UT_CHECK(n.e164);

	UT_EQ_INT(numnorm_number(&uk, "0044909123", "", &n), 0);
	UT_EQ_STR(n.num, "44909123");

	UT_EQ_INT(numnorm_number(&uk, "0909 123", "", &n), 0);
	UT_EQ_STR(n.num, "44909123");
	UT_CHECK(n.e164);

	UT_EQ_INT(numnorm_number(&uk, "112", "", &n), 0);
	UT_EQ_STR(n.num, "112");
	UT_EQ_STR(n.raw, "112");
	UT_CHECK(!n.e164);

	UT_EQ_INT(numnorm_number(&uk, "alice", "", &n), EINVAL);
	UT_EQ_INT(numnorm_number(&uk, "+", "", &n), EINVAL);
	UT_EQ_INT(numnorm_number(&uk, "1+2", "", &n), EINVAL);
	UT_EQ_INT(numnorm_number(&uk, "00", "", &n), EINVAL);

	/* too long to judge is not "not a number" */
	UT_EQ_INT(numnorm_number(&uk, "+1900555010000000000000000000000000"
				 "000000000000", "", &n), E2BIG);

	/* without a country code a trunk-prefix number is not E.164 */
	UT_EQ_INT(numnorm_number(&nocc, "0909123", "", &n), 0);
	UT_CHECK(!n.e164);
}


static void test_uri_parts(void)
{
	struct numuri u;

	UT_EQ_INT(numnorm_uri("sip:+1900@Host.Example;x=y", &u), 0);
	UT_EQ_STR(u.user, "+1900");
	UT_EQ_STR(u.host, "host.example");
	UT_EQ_INT(numnorm_uri("sips:0044@h", &u), 0);
	UT_EQ_STR(u.user, "0044");
	UT_EQ_INT(numnorm_uri("tel:+4490;phone-context=x.example", &u), 0);
	UT_EQ_STR(u.user, "+4490");
	UT_EQ_STR(u.ctx, "");
	UT_EQ_INT(numnorm_uri("\"Bob\" <sip:bob@h>;tag=1", &u), 0);
	UT_EQ_STR(u.user, "bob");
	UT_EQ_INT(numnorm_uri("sip:host.example", &u), EINVAL);
	UT_EQ_INT(numnorm_uri("sip:@host", &u), EINVAL);
	UT_EQ_INT(numnorm_uri("sip:a%zz@h", &u), EBADMSG);
	UT_EQ_INT(numnorm_uri("sip:a%2@h", &u), EBADMSG);
	UT_EQ_INT(numnorm_uri("sip:%2B1900%00@h", &u), EBADMSG);
	UT_EQ_INT(numnorm_uri("sip:%2B1900%0A@h", &u), EBADMSG);
	UT_EQ_INT(numnorm_uri("tel:5550100;phone-context=+1x", &u),
		  EBADMSG);
}


/* issue 16 item 5: each spelling of +1 900 555 0100 is that number */
static void test_bypass_spellings(void)
{
	static const char *const v[] = {
		"sip:+19005550100@127.0.0.1",
		"SIP:+19005550100@127.0.0.1",
		"Sip:+19005550100@127.0.0.1:5060",
		"SIPS:+19005550100@h",
		"sip:%2B19005550100@127.0.0.1",
		"sip:%2b19005550100@127.0.0.1",
		"sip:%2B%31%39%30%30%35%35%35%30%31%30%30@h",
		"sip:+1-900-555-0100@h",
		"sip:+1.900.555.0100@h",
		"sip:+1(900)555-0100@h",
		"sip:+1%20900%20555%200100@h",
		"sip:+1%2D900%2D5550100@h",
		"tel:+1-900-555-0100",
		"TEL:+19005550100",
		"tel:%2B19005550100",
		"tel:5550100;phone-context=+1-900",
		"tel:5550100;PHONE-CONTEXT=+1900",
		"sip:5550100;phone-context=+1900@h;user=phone",
		"sip:5550100%3Bphone-context=%2B1900@h;user=phone",
		"sip:+19005550100;isub=1@h;user=phone",
		"sip:0019005550100@h",
		"<SIP:%2B19005550100@h>",
		"\"x\" <sip:+1-900-5550100@h>",
		"+19005550100@127.0.0.1:5060",
		NULL,
	};
	size_t i;

	for (i = 0; v[i]; ++i) {
		const char *got = num(&uk, v[i]);

		if (strcmp(got, "19005550100"))
			(void)fprintf(stderr, "  %s -> %s\n", v[i], got);
		UT_EQ_STR(got, "19005550100");
	}
}


static void test_trunk_and_short_codes(void)
{
	struct numnorm n;

	UT_EQ_STR(num(&uk, "sip:0909%20123@h"), "44909123");
	UT_EQ_STR(num(&uk, "tel:0909-123"), "44909123");
	UT_EQ_STR(num(&uk, "sip:alice@h"), "(not a number)");

	/* a short code under a global context is not that short code */
	UT_EQ_INT(numnorm_uri_number(&uk, "tel:112;phone-context=+1900",
				     &n), 0);
	UT_EQ_STR(n.num, "1900112");
	UT_EQ_STR(n.raw, "");
	UT_EQ_INT(numnorm_uri_number(&uk, "sip:1%312@h", &n), 0);
	UT_EQ_STR(n.raw, "112");
}


static void test_keys(void)
{
	static const char *const same[] = {
		"sip:flood@10.0.0.1",
		"SIP:flood@10.0.0.1",
		"sip:%66lood@10.0.0.1",
		"sip:FLOOD@10.0.0.1:5070;transport=udp",
		"\"a\" <sips:flood@10.0.0.1>;tag=x",
		NULL,
	};
	char k0[300], k[300];
	size_t i;

	UT_EQ_INT(numnorm_key(&uk, same[0], k0, sizeof(k0)), 0);
	UT_EQ_STR(k0, "flood@10.0.0.1");
	for (i = 1; same[i]; ++i) {
		UT_EQ_INT(numnorm_key(&uk, same[i], k, sizeof(k)), 0);
		UT_EQ_STR(k, k0);
	}

	UT_EQ_INT(numnorm_key(&uk, "sip:%2B44-20-7946@H", k, sizeof(k)), 0);
	UT_EQ_STR(k, "+44207946@h");
	UT_EQ_INT(numnorm_key(&uk, "sip:020(7946)@h", k, sizeof(k)), 0);
	UT_EQ_STR(k, "+44207946@h");
	/* a space must be escaped: libre refuses it raw */
	UT_EQ_INT(numnorm_key(&uk, "sip:020 7946@h", k, sizeof(k)), 0);
	UT_EQ_STR(k, "!malformed");
	UT_EQ_INT(numnorm_key(&uk, "sip:a%00@h", k, sizeof(k)), 0);
	UT_EQ_STR(k, "!malformed");
}


static void test_fraud_rules(void)
{
	struct fraud_cfg c;
	struct fraud *f = NULL;
	char rule[128];

	fraud_cfg_defaults(&c);
	(void)fraud_list_parse(&c.deny, "+1900", NULL, 0);
	c.max_per_minute = 0;
	c.max_per_day = 0;
	UT_EQ_INT(fraud_alloc(&f, &c), 0);

	UT_EQ_INT(fraud_check_outgoing(f, "SIP:+19005550100@h", 0, 0, rule,
				       sizeof(rule)), FRAUD_BLOCK);
	UT_EQ_STR(rule, "deny-list prefix +1900");
	UT_EQ_INT(fraud_check_outgoing(f, "sip:%2B19005550100@h", 0, 0,
				       rule, sizeof(rule)), FRAUD_BLOCK);
	UT_EQ_INT(fraud_check_outgoing(f, "tel:+1-900-555-0100", 0, 0,
				       rule, sizeof(rule)), FRAUD_BLOCK);
	UT_EQ_INT(fraud_check_outgoing(f, "sip:+1900%00@h", 0, 0, rule,
				       sizeof(rule)), FRAUD_BLOCK);
	UT_EQ_STR(rule, "malformed destination");

	/* emergency numbers stay allowed, spelt any way */
	UT_EQ_INT(fraud_check_outgoing(f, "SIP:%31%312@h", 0, 0, rule,
				       sizeof(rule)), FRAUD_ALLOW_LISTED);
	UT_EQ_INT(fraud_check_outgoing(f, "sip:+1555@h", 0, 0, rule,
				       sizeof(rule)), FRAUD_ALLOW);
	UT_EQ_INT(fraud_check_outgoing(f, "sip:bob@h", 0, 0, rule,
				       sizeof(rule)), FRAUD_ALLOW);
	fraud_free(f);

	/* the incoming cap counts every spelling of a source as one */
	fraud_cfg_defaults(&c);
	c.max_incoming_per_source = 2;
	UT_EQ_INT(fraud_alloc(&f, &c), 0);
	UT_EQ_INT(fraud_check_incoming(f, "sip:flood@h", 0, rule,
				       sizeof(rule)), FRAUD_ALLOW);
	UT_EQ_INT(fraud_check_incoming(f, "SIP:flood@h", 1, rule,
				       sizeof(rule)), FRAUD_ALLOW);
	UT_EQ_INT(fraud_check_incoming(f, "sip:%66lood@H", 2, rule,
				       sizeof(rule)), FRAUD_BLOCK);
	fraud_free(f);
}


int main(void)
{
	UT_RUN(test_digits);
	UT_RUN(test_uri_parts);
	UT_RUN(test_bypass_spellings);
	UT_RUN(test_trunk_and_short_codes);
	UT_RUN(test_keys);
	UT_RUN(test_fraud_rules);

	return ut_done();
}
