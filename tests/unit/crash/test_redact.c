/**
 * @file test_redact.c  The redactor: one test per pattern, plus what it
 *                      must leave alone, truncation and idempotence
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <stdlib.h>
#include <string.h>
#include "octasip_crash/redact.h"
#include "utest.h"


static char out[4096];


static const char *r(const char *in)
{
	(void)redact(in, strlen(in), out, sizeof(out));
	return out;
}


#define RX(in, want) UT_EQ_STR(r(in), want)


static void test_sip_uris(void)
{
	RX("call from sip:alice@example.com;transport=udp ended",
	   "call from [uri] ended");
	RX("<sips:bob@10.0.0.1:5061>", "<[uri]>");
	RX("To: \"Bob\" <SIP:bob@host>", "To: \"[name]\" <[uri]>");
	RX("sip:alice@[2001:db8::1]:5060 x", "[uri] x");
	RX("tel:+15551234567", "[uri]");
	RX("a,sip:x@y,b", "a,[uri],b");
	/* not URIs: a word "sip:" alone, gossip: */
	RX("sip: nothing", "sip: nothing");
	RX("gossip:foo", "gossip:foo");
}


static void test_phone_numbers(void)
{
	RX("dialled +49 30 1234567 today", "dialled [number] today");
	RX("call 555-123-4567.", "call [number].");
	RX("(030) 123 4567", "([number]");
	RX("00441234567890", "[number]");
	RX("id 1234567", "id [number]");
	/* short numbers, dates, times, versions and hex ids stay */
	RX("port 5060 code 486 took 12 ms", "port 5060 code 486 took 12 ms");
	RX("on 2026-11-28 at 13:25:13", "on 2026-11-28 at 13:25:13");
	RX("baresip 1.0.0 libre 1.1.0", "baresip 1.0.0 libre 1.1.0");
	RX("build 3f2a91234567abcdef", "build 3f2a91234567abcdef");
	RX("0x7f1234567890", "0x7f1234567890");
}


static void test_ipv4(void)
{
	RX("from 192.168.1.20:5060 via", "from [ip] via");
	RX("10.0.0.1", "[ip]");
	RX("host=127.0.0.1;", "host=[ip];");
	/* not addresses */
	RX("300.1.1.1", "300.1.1.1");
	RX("1.2.3.4.5", "1.2.3.4.5");
	RX("v1.2.3", "v1.2.3");
}


static void test_ipv6(void)
{
	RX("from 2001:db8::1 x", "from [ip] x");
	RX("[fe80::1ff:fe23:4567:890a]:5060", "[[ip]]:5060");
	RX("::1", "[ip]");
	RX("2001:0db8:85a3:0000:0000:8a2e:0370:7334",
	   "[ip]");
	RX("::ffff:192.0.2.128", "[ip]");
	/* times, C++ scopes and MAC-less text stay */
	RX("at 12:30:45", "at 12:30:45");
	RX("std::string", "std::string");
	RX("Foo::bar()", "Foo::bar()");
}


static void test_email(void)
{
	RX("mail alice.smith+x@example.co.uk now", "mail [email] now");
	RX("user@localhost", "[email]");
	RX("bob@[::1]", "[email]");
	RX("contact: carol@host.", "contact: [email].");
	RX("@ noon", "@ noon");
}


static void test_url_userinfo(void)
{
	/* the user name went out before; now user, password and host go */
	RX("GET https://alice:hunter2@example.com/x",
	   "GET https://[email]/x");
	RX("https://u:p!x$y@h.example:8080/p", "https://[email]:8080/p");
	RX("https://user:p%40ss@host", "https://[email]");
	RX("https://:secretonly@host/path", "https://[email]/path");
	RX("ftp://bob@files.example.org", "ftp://[email]");
	/* no user information: the URL stays */
	RX("see https://example.com/a?b=c", "see https://[host]/a?b=c");
	RX("http:// nothing@", "http:// nothing@");
}


static void test_mac(void)
{
	RX("wlan0 link/ether 3c:22:fb:01:02:03 brd",
	   "wlan0 link/ether [mac] brd");
	RX("MAC=00-1A-2B-3C-4D-5E", "MAC=[mac]");
	RX("AA:BB:CC:DD:EE:FF", "[mac]");
	/* not MACs: times, dates, mixed separators, longer runs */
	RX("at 12:30:45 on 2026-11-28", "at 12:30:45 on 2026-11-28");
	RX("00:1a-2b:3c:4d:5e", "00:1a-2b:3c:4d:5e");
	RX("aa:bb:cc:dd:ee:ff:00:11", "[ip]");
	RX("aa:bb:cc:dd:ee:ff0", "aa:bb:cc:dd:ee:ff0");
}


static void test_secrets(void)
{
	RX("password=hunter2 next", "password=[secret] next");
	RX("auth_pass=s3cr3t;regint=0", "auth_pass=[secret];regint=0");
	RX("Passwd: letmein", "Passwd: [secret]");
	RX("{\"api_key\":\"abc123\"}", "{\"api_key\":\"[secret]\"}");
	RX("X-Api-Key: zzz", "X-Api-Key: [secret]");
	RX("token = 'q w e'", "token = '[secret]'");
	RX("client_secret=xyz&a=b", "client_secret=[secret]&a=b");
	RX("pw=abc", "pw=[secret]");
	RX("Authorization: Digest username=\"alice\", response=\"ab\"\r\nX",
	   "Authorization: [secret]\r\nX");
	RX("Proxy-Authorization: Digest u=1\nY",
	   "Proxy-Authorization: [secret]\nY");
	/* a key without a value, or a plain word, stays */
	RX("password is required", "password is required");
	RX("password=", "password=");
}


static void test_bearer(void)
{
	RX("Bearer eyJhbGciOi.x.y rest", "Bearer [token] rest");
	RX("bearer abc", "bearer [token]");
	RX("bearer", "bearer");
}


static void test_cards(void)
{
	RX("card 4111 1111 1111 1111 ok", "card [card] ok");
	RX("4111-1111-1111-1111", "[card]");
	RX("5500000000000004", "[card]");
	/* fails Luhn: still a long number */
	RX("4111111111111112", "[number]");
}


static void test_home(void)
{
	RX("/home/alice/.config/octasip/crash",
	   "/home/[user]/.config/octasip/crash");
	RX("/homework", "/homework");
}


/* issue 19: what the redactor used to keep */
static void test_display_names(void)
{
	RX("From: \"Alice Smith\" <sip:alice@example.org>;tag=1",
	   "From: \"[name]\" <[uri]>;tag=1");
	RX("From: Alice Smith <sip:alice@example.org>",
	   "From: [name] <[uri]>");
	RX("f: \"A \\\"Q\\\" B\" <sip:a@b>", "f: \"[name]\" <[uri]>");
	RX("Contact: <sip:a@b>", "Contact: <[uri]>");
	/* a quoted string that is no display name stays */
	RX("said \"hello\" then", "said \"hello\" then");
}


static void test_host_names(void)
{
	RX("registrar sip.alice-home.example.org down",
	   "registrar [host] down");
	RX("host alice-laptop.local:5060", "host [host]:5060");
	RX("https://sentry.example.io/api", "https://[host]/api");
	/* file names, libraries, keys, versions and paths stay */
	RX("loaded octasip_crash.so and opus.so", "loaded octasip_crash.so"
	   " and opus.so");
	RX("libre.so.0 libc.so.6", "libre.so.0 libc.so.6");
	RX("stats.json conf.level=1", "stats.json conf.level=1");
	RX("/etc/baresip/config.local", "/etc/baresip/config.local");
	RX("e.g. v1.2.3 foo()", "e.g. v1.2.3 foo()");
}


static void test_spaced_secrets(void)
{
	RX("auth_pass hunter2", "auth_pass [secret]");
	RX("password hunter2\nnext", "password [secret]\nnext");
	RX("stun_pass\tzz9", "stun_pass\t[secret]");
	RX("the password is wrong", "the password is wrong");
	RX("password [secret]", "password [secret]");
}


static void test_personal_keys(void)
{
	RX("user=alice;x", "user=[user];x");
	RX("username: alice", "username: [user]");
	RX("Digest realm=\"alice-home.example.org\", qop",
	   "Digest realm=\"[realm]\", qop");
	RX("HOME=/srv/users/alice", "HOME=[home]");
	RX("XDG_CONFIG_HOME=/srv/u/a/.config", "XDG_CONFIG_HOME=[home]");
	RX("User-Agent: baresip", "User-Agent: baresip");
}


static void test_other_homes(void)
{
	RX("/root/.config/octasip", "[home]/.config/octasip");
	RX("cwd /root", "cwd [home]");
	RX("/Users/alice/Library", "/Users/[user]/Library");
	RX("/rootfs/x", "/rootfs/x");
}


static void test_encoded_and_cisco(void)
{
	RX("to=sip%3Aalice%40example.org&x=1", "to=[uri]&x=1");
	RX("SIPS%3abob%40h", "[uri]");
	RX("a=sips%3Ab%40h&c=1", "a=[uri]&c=1");
	RX("mail alice%40example.org", "mail [email]");
	RX("mac 0011.2233.44ff up", "mac [mac] up");
	RX("AABB.CCDD.EEFF", "[mac]");
	RX("0011.2233.4455.6677", "0011.2233.4455.6677");
}


static void test_canaries_mixed(void)
{
	const char *in = "INVITE sip:canary-user-7731@198.51.100.7 from "
		"\"password=Canary-Pw-99\" <sip:x@y> at 203.0.113.9 mail "
		"canary@example.org tel +1 (202) 555-0143";
	const char *o = r(in);

	UT_CHECK(!strstr(o, "canary-user-7731"));
	UT_CHECK(!strstr(o, "198.51.100.7"));
	UT_CHECK(!strstr(o, "Canary-Pw-99"));
	UT_CHECK(!strstr(o, "203.0.113.9"));
	UT_CHECK(!strstr(o, "canary@"));
	UT_CHECK(!strstr(o, "555-0143"));
	UT_CHECK(strstr(o, "INVITE") != NULL);
}


static void test_truncation_and_edges(void)
{
	char small[8];
	size_t n;

	/* a short buffer truncates; no byte of the secret appears */
	n = redact("password=hunter2", 16, small, sizeof(small));
	UT_EQ_INT(n, 7);
	UT_EQ_STR(small, "passwor");

	n = redact("sip:alice@host", 14, small, sizeof(small));
	UT_EQ_STR(small, "[uri]");
	UT_EQ_INT(n, 5);

	UT_EQ_INT(redact("abc", 3, small, 1), 0);
	UT_EQ_STR(small, "");
	UT_EQ_INT(redact("abc", 3, NULL, 0), 0);
	UT_EQ_INT(redact(NULL, 5, small, sizeof(small)), 0);
	UT_EQ_STR(small, "");

	/* embedded NUL: processed as a byte, output stops there as string */
	n = redact("a\0b", 3, out, sizeof(out));
	UT_EQ_INT(n, 3);

	/* the largest growth fits REDACT_MAX_OUT */
	{
		char in[300], *big;
		size_t i, len;

		for (i = 0; i + 3 < sizeof(in); i += 4)
			memcpy(in + i, "a@b ", 4);
		len = i;
		big = malloc(REDACT_MAX_OUT(len));
		UT_CHECK(big != NULL);
		if (big) {
			n = redact(in, len, big, REDACT_MAX_OUT(len));
			UT_CHECK(n < REDACT_MAX_OUT(len));
			UT_CHECK(!strstr(big, "@"));
			free(big);
		}
	}
}


static void test_idempotent(void)
{
	static const char *const v[] = {
		"password=[secret] sip:a@b 1.2.3.4 x@y.z +1 555 123 4567",
		"Bearer abc /home/bob/x 4111 1111 1111 1111 ::1",
		"Authorization: Digest x\nrest 2001:db8::2",
		"https://a:b@c.d/e 00:11:22:33:44:55 f0-e1-d2-c3-b4-a5",
		"From: Al Smith <sip:a@b>\nTo: \"B\" <sip:c@d> auth_pass x",
		"sip.example.org user=al realm=r HOME=/srv/a /root /Users/x",
		"sip%3Aa%40b a%40b.c 0011.2233.4455 password hunter2",
	};
	char once[1024], twice[1024];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); ++i) {
		(void)redact(v[i], strlen(v[i]), once, sizeof(once));
		(void)redact(once, strlen(once), twice, sizeof(twice));
		UT_EQ_STR(twice, once);
	}
}


/* inputs the fuzzer found (tests/fuzz/corpus/redact/regress_*) */
static void test_fuzz_regressions(void)
{
	RX("::1g", "::1g");
	RX("fe80::1zz", "[ip]1zz");
	RX("frc", "frc");
	RX("01::999999999999.3", "[ip][number].3");
	RX("boam_@___________bob@exam_@ex", "boam_@[email][email]");
	RX("1151234-567  1111 111examob", "[number] 111examob");
}


static void test_dup(void)
{
	char *s = redact_dup("ip 10.1.2.3");

	UT_EQ_STR(s, "ip [ip]");
	free(s);
	s = redact_dup(NULL);
	UT_EQ_STR(s, "");
	free(s);
}


int main(void)
{
	UT_RUN(test_sip_uris);
	UT_RUN(test_phone_numbers);
	UT_RUN(test_ipv4);
	UT_RUN(test_ipv6);
	UT_RUN(test_email);
	UT_RUN(test_url_userinfo);
	UT_RUN(test_mac);
	UT_RUN(test_secrets);
	UT_RUN(test_bearer);
	UT_RUN(test_cards);
	UT_RUN(test_home);
	UT_RUN(test_display_names);
	UT_RUN(test_host_names);
	UT_RUN(test_spaced_secrets);
	UT_RUN(test_personal_keys);
	UT_RUN(test_other_homes);
	UT_RUN(test_encoded_and_cisco);
	UT_RUN(test_canaries_mixed);
	UT_RUN(test_truncation_and_edges);
	UT_RUN(test_idempotent);
	UT_RUN(test_fuzz_regressions);
	UT_RUN(test_dup);

	return ut_done();
}
