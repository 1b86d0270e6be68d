/**
 * @file test_policy.c  Unit tests: fraud guard, microphone gate and
 *                      notice tone, permissions writer, audit, retention
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>
#include "utest.h"
#include "octasip_policy/encpolicy.h"
#include "common/fileio.h"
#include "octasip_policy/fraud.h"
#include "octasip_policy/micgate.h"
#include "common/perm.h"
#include "octasip_policy/permfile.h"
#include "octasip_policy/recstore.h"


static char tmpdir[256];


static void path_in(char *buf, size_t sz, const char *name)
{
	(void)snprintf(buf, sz, "%s/%s", tmpdir, name);
}


static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		(void)fputs(text, f);
		(void)fclose(f);
	}
}


static char *read_text(const char *path)
{
	uint8_t *buf = NULL;
	size_t len;

	if (fio_read_all(path, &buf, &len, 1 << 20))
		return NULL;

	return (char *)buf;
}


static void test_lists(void)
{
	struct fraud_list l;
	char bad[64];

	UT_EQ_INT(fraud_list_parse(&l, "+1900,44909", bad, sizeof(bad)), 0);
	UT_EQ_INT(l.n, 2);
	UT_EQ_STR(l.v[0], "1900");

	UT_EQ_INT(fraud_list_parse(&l, "premium", bad, sizeof(bad)), 0);
	UT_CHECK(l.n > 20);

	UT_EQ_INT(fraud_list_parse(&l, "+1900,19x0", bad, sizeof(bad)),
		  EINVAL);
	UT_EQ_STR(bad, "19x0");
	UT_EQ_INT(l.n, 0);

	UT_EQ_INT(fraud_list_parse(&l, "+1900,,1", bad, sizeof(bad)),
		  EINVAL);
	UT_EQ_INT(fraud_list_parse(&l, "none", bad, sizeof(bad)), 0);
	UT_EQ_INT(l.n, 0);
}


static void test_outgoing_rules(void)
{
	struct fraud_cfg c;
	struct fraud *f = NULL;
	char rule[128];

	fraud_cfg_defaults(&c);
	(void)snprintf(c.cc, sizeof(c.cc), "44");
	(void)fraud_list_parse(&c.deny, "premium,+1", NULL, 0);
	(void)fraud_list_parse(&c.allow, "emergency,+15550100", NULL, 0);
	c.max_per_minute = 0;
	c.max_per_day = 0;
	c.max_concurrent = 1;
	UT_EQ_INT(fraud_alloc(&f, &c), 0);

	UT_EQ_INT(fraud_check_outgoing(f, "sip:09012345@x", 0, 0, rule,
				       sizeof(rule)), FRAUD_BLOCK);
	UT_EQ_STR(rule, "deny-list prefix +4490");
	UT_EQ_INT(fraud_check_outgoing(f, "sip:00%201%20900%201@x", 0, 0, rule,
				       sizeof(rule)), FRAUD_BLOCK);
	UT_EQ_STR(rule, "deny-list prefix +1900");

	/* allow-list wins over deny-list and over caps */
	UT_EQ_INT(fraud_check_outgoing(f, "sip:+1-555-0100@x", 0, 0, rule,
				       sizeof(rule)), FRAUD_ALLOW_LISTED);
	UT_EQ_INT(fraud_check_outgoing(f, "sip:112@x", 0, 9, rule,
				       sizeof(rule)), FRAUD_ALLOW_LISTED);
	UT_EQ_INT(fraud_check_outgoing(f, "sip:999@x", 0, 9, rule,
				       sizeof(rule)), FRAUD_ALLOW_LISTED);

	/* not a number: only caps apply */
	UT_EQ_INT(fraud_check_outgoing(f, "sip:bob@x", 0, 0, rule,
				       sizeof(rule)), FRAUD_ALLOW);
	UT_EQ_INT(fraud_check_outgoing(f, "sip:bob@x", 0, 1, rule,
				       sizeof(rule)), FRAUD_BLOCK);
	UT_EQ_STR(rule, "concurrent calls cap 1");

	UT_EQ_INT(fraud_check_outgoing(f, "sip:+33123@x", 0, 0, rule,
				       sizeof(rule)), FRAUD_ALLOW);
	fraud_free(f);
}


static void test_rate_caps(void)
{
	struct fraud_cfg c;
	struct fraud *f = NULL;
	char rule[128];
	int i;

	fraud_cfg_defaults(&c);
	c.max_per_minute = 3;
	c.max_per_day = 5;
	c.max_concurrent = 0;
	UT_EQ_INT(fraud_alloc(&f, &c), 0);

	for (i = 0; i < 3; ++i)
		UT_EQ_INT(fraud_check_outgoing(f, "sip:a@x", 1000 + i, 0,
					       rule, sizeof(rule)),
			  FRAUD_ALLOW);
	UT_EQ_INT(fraud_check_outgoing(f, "sip:a@x", 1010, 0, rule,
				       sizeof(rule)), FRAUD_BLOCK);
	UT_EQ_STR(rule, "outgoing calls per minute cap 3");

	/* sliding window: the first attempt leaves it after 60 s */
	UT_EQ_INT(fraud_check_outgoing(f, "sip:a@x", 61000, 0, rule,
				       sizeof(rule)), FRAUD_ALLOW);
	UT_EQ_INT(fraud_check_outgoing(f, "sip:a@x", 61000, 0, rule,
				       sizeof(rule)), FRAUD_BLOCK);
	UT_EQ_INT(fraud_check_outgoing(f, "sip:a@x", 200000, 0, rule,
				       sizeof(rule)), FRAUD_ALLOW);
	UT_EQ_INT(fraud_check_outgoing(f, "sip:a@x", 300000, 0, rule,
				       sizeof(rule)), FRAUD_BLOCK);
	UT_EQ_STR(rule, "outgoing calls per day cap 5");
	UT_EQ_INT(fraud_check_outgoing(f, "sip:a@x", 1000 + 86400000ull, 0,
				       rule, sizeof(rule)), FRAUD_ALLOW);
	fraud_free(f);
}


static void test_incoming_flood(void)
{
	struct fraud_cfg c;
	struct fraud *f = NULL;
	char rule[128], src[32];
	uint64_t until = 0;
	int i;

	fraud_cfg_defaults(&c);
	c.max_incoming_per_source = 2;
	UT_EQ_INT(fraud_alloc(&f, &c), 0);

	UT_EQ_INT(fraud_check_incoming(f, "sip:a@x", 0, rule, sizeof(rule)),
		  FRAUD_ALLOW);
	UT_CHECK(!fraud_incoming_capped(f, 0, &until));
	UT_EQ_INT(fraud_check_incoming(f, "sip:a@x", 1, rule, sizeof(rule)),
		  FRAUD_ALLOW);
	/* a's next call would be refused until its minute ends */
	UT_CHECK(fraud_incoming_capped(f, 1, &until));
	UT_EQ_INT(until, 60000);
	UT_EQ_INT(fraud_check_incoming(f, "sip:a@x", 2, rule, sizeof(rule)),
		  FRAUD_BLOCK);
	UT_EQ_STR(rule, "incoming calls per source cap 2/min");
	UT_EQ_INT(fraud_check_incoming(f, "sip:b@x", 3, rule, sizeof(rule)),
		  FRAUD_ALLOW);
	UT_CHECK(fraud_incoming_capped(f, 59999, NULL));
	UT_CHECK(!fraud_incoming_capped(f, 60000, &until));
	UT_EQ_INT(fraud_check_incoming(f, "sip:a@x", 60001, rule,
				       sizeof(rule)), FRAUD_ALLOW);

	/* many sources: the table recycles, nothing overflows */
	for (i = 0; i < 1000; ++i) {
		(void)snprintf(src, sizeof(src), "sip:%d@x", i);
		UT_EQ_INT(fraud_check_incoming(f, src, 70000, rule,
					       sizeof(rule)), FRAUD_ALLOW);
	}
	fraud_free(f);
}


/* P-FRAUD-3: per network address, whatever the From user */
static void test_incoming_per_address(void)
{
	struct fraud_cfg c;
	struct fraud *f = NULL;
	struct fraud_stats st;
	char rule[128], src[32];
	uint64_t until = 0;
	int i;

	fraud_cfg_defaults(&c);
	c.max_incoming_per_address = 3;
	UT_EQ_INT(fraud_alloc(&f, &c), 0);

	for (i = 0; i < 5; ++i) {
		(void)snprintf(src, sizeof(src), "sip:flood%d@x", i);
		UT_EQ_INT(fraud_check_incoming(f, src, 10 + i, rule,
					       sizeof(rule)), FRAUD_ALLOW);
		UT_EQ_INT(fraud_check_incoming_addr(f, "192.0.2.7", 10 + i,
						    rule, sizeof(rule)),
			  i < 3 ? FRAUD_ALLOW : FRAUD_BLOCK);
	}
	UT_EQ_STR(rule, "incoming calls per address cap 3/min");
	UT_CHECK(fraud_incoming_capped(f, 20, &until));
	UT_EQ_INT(until, 60010);

	/* another address, and an unknown or exempt one ("") */
	UT_EQ_INT(fraud_check_incoming_addr(f, "192.0.2.8", 20, rule,
					    sizeof(rule)), FRAUD_ALLOW);
	for (i = 0; i < 10; ++i)
		UT_EQ_INT(fraud_check_incoming_addr(f, "", 20, rule,
						    sizeof(rule)),
			  FRAUD_ALLOW);

	fraud_stats_get(f, 20, &st);
	UT_EQ_INT(st.in_address, 2);
	UT_EQ_INT(st.addr_capped, 1);
	UT_EQ_INT(st.in_source, 0);

	/* the minute ends */
	UT_EQ_INT(fraud_check_incoming_addr(f, "192.0.2.7", 60010, rule,
					    sizeof(rule)), FRAUD_ALLOW);
	fraud_free(f);
}


static void test_encryption(void)
{
	enum enc_mode m;

	UT_EQ_INT(enc_mode_from_str("required", &m), 0);
	UT_EQ_INT(m, ENC_REQUIRED);
	UT_EQ_INT(enc_mode_from_str("maybe", &m), EINVAL);
	UT_CHECK(!enc_call_allowed(ENC_REQUIRED, NULL));
	UT_CHECK(!enc_call_allowed(ENC_REQUIRED, "srtp"));
	UT_CHECK(enc_call_allowed(ENC_REQUIRED, "srtp-mand"));
	UT_CHECK(enc_call_allowed(ENC_REQUIRED, "dtls_srtp"));
	UT_CHECK(enc_call_allowed(ENC_PREFERRED, NULL));
	UT_CHECK(enc_call_allowed(ENC_OFF, NULL));
}


static void test_micgate_zeroes(void)
{
	struct micgate g;
	struct micgate_stream s;
	int16_t v[320];
	float fv[160];
	size_t i;
	int nz = 0;

	micgate_init(&g, 0, 0);
	micgate_stream_init(&s, 8000, 1, MICGATE_S16LE);
	for (i = 0; i < 320; ++i)
		v[i] = 12000;
	UT_EQ_INT(micgate_process(&g, &s, v, 320), 0);
	for (i = 0; i < 320; ++i)
		nz += v[i] != 0;
	UT_EQ_INT(nz, 0);

	micgate_set_open(&g, 1);
	for (i = 0; i < 320; ++i)
		v[i] = 12000;
	UT_EQ_INT(micgate_process(&g, &s, v, 320), 0);
	UT_EQ_INT(v[7], 12000);

	micgate_set_open(&g, 0);
	micgate_stream_init(&s, 8000, 1, MICGATE_FLOAT);
	for (i = 0; i < 160; ++i)
		fv[i] = 0.5f;
	UT_EQ_INT(micgate_process(&g, &s, fv, 160), 0);
	UT_CHECK(fv[80] == 0.0f);

	micgate_stream_init(&s, 8000, 1, 1 /* PCMA: unknown here */);
	UT_EQ_INT(micgate_process(&g, &s, v, 320), EINVAL);
}


/* Goertzel power of freq in v[0..n) */
static double power(const int16_t *v, size_t n, double rate, double freq)
{
	double k = 2.0 * cos(2.0 * M_PI * freq / rate), s1 = 0, s2 = 0;
	size_t i;

	for (i = 0; i < n; ++i) {
		double s0 = v[i] / 32768.0 + k * s1 - s2;
		s2 = s1;
		s1 = s0;
	}

	return 4.0 * (s1 * s1 + s2 * s2 - k * s1 * s2) / ((double)n * n);
}


static void test_notice_tone(void)
{
	static int16_t buf[8000 * 16];
	struct micgate g;
	struct micgate_stream s;
	size_t i;

	/* mic denied, recording notice on: the tone alone, 0.5 s / 15 s */
	micgate_init(&g, 0, 1);
	micgate_stream_init(&s, 8000, 1, MICGATE_S16LE);
	for (i = 0; i < 8000 * 16; i += 160)
		UT_EQ_INT(micgate_process(&g, &s, buf + i, 160), 0);

	UT_CHECK(power(buf + 400, 3200, 8000, 1400) > 0.03);
	UT_CHECK(power(buf + 400, 3200, 8000, 1000) < 0.001);
	UT_CHECK(power(buf + 4200, 3200, 8000, 1400) < 1e-9);  /* 0.5-0.9 s */
	UT_CHECK(power(buf + 8000 * 15 + 400, 3200, 8000, 1400) > 0.03);
	UT_CHECK(power(buf + 8000 * 5, 8000, 8000, 1400) < 1e-9);
	UT_EQ_INT(buf[3999 + 1], 0);   /* burst ends at 0.5 s exactly */
}


static void test_perm_save_roundtrip(void)
{
	struct perm_set ps, back;
	char path[300], *text;

	path_in(path, sizeof(path), "permissions");
	perm_set_defaults(&ps);
	ps.state[PERM_MICROPHONE] = PERM_ONCE;
	UT_EQ_INT(perm_save(path, &ps), 0);
	UT_EQ_INT(fio_check_private(path), 0);
	UT_EQ_INT(perm_load(path, &back, NULL, 0), 0);
	UT_EQ_INT(back.state[PERM_MICROPHONE], PERM_ONCE);
	UT_EQ_INT(back.state[PERM_RECORDING], PERM_DENY);
	text = read_text(path);
	UT_CHECK(text && strstr(text, "\nmicrophone once\n"));
	free(text);
}


static void test_permfile_set_malformed(void)
{
	struct permfile pf;
	char err[256] = "", *text;
	const char *bad = "microphone allow\nstorage\n";

	UT_EQ_INT(permfile_init(&pf, tmpdir), 0);
	write_text(pf.path, bad);

	UT_EQ_INT(permfile_set(&pf, PERM_STORAGE, PERM_DENY, "t", 1, NULL,
			       err, sizeof(err)), EBADMSG);
	UT_CHECK(strstr(err, "line 2") != NULL);
	text = read_text(pf.path);
	UT_EQ_STR(text, bad);
	free(text);

	/* truncated mid-word: also malformed, also kept */
	write_text(pf.path, "microphone all");
	UT_EQ_INT(permfile_set(&pf, PERM_STORAGE, PERM_DENY, "t", 1, NULL,
			       err, sizeof(err)), EBADMSG);
	UT_CHECK(strstr(err, "line 1") != NULL);

	UT_EQ_INT(permfile_reset(&pf, "t", 1, NULL), 0);
	UT_EQ_INT(permfile_set(&pf, PERM_STORAGE, PERM_DENY, "t", 2, NULL,
			       err, sizeof(err)), 0);
}


static void test_consume_once(void)
{
	struct permfile pf;
	struct perm_set ps, back;
	unsigned bits = 0;

	UT_EQ_INT(permfile_init(&pf, tmpdir), 0);
	UT_EQ_INT(permfile_reset(&pf, "t", 1, &ps), 0);
	UT_EQ_INT(permfile_set(&pf, PERM_RECORDING, PERM_ONCE, "t", 2, &ps,
			       NULL, 0), 0);
	UT_CHECK(perm_permits(&ps, PERM_RECORDING));
	UT_CHECK(!perm_allows(&ps, PERM_RECORDING));   /* not outside it */
	UT_CHECK(perm_allows(&ps, PERM_MICROPHONE));
	UT_EQ_INT(perm_set_bits(&ps, PERM_ONCE), 1u << PERM_RECORDING);
	UT_EQ_INT(permfile_set(&pf, PERM_CONTACTS, PERM_ONCE, "t", 3, &ps,
			       NULL, 0), 0);

	UT_EQ_INT(permfile_consume_once(&pf, &ps, &bits), 0);
	UT_EQ_INT(bits, 1u << PERM_RECORDING | 1u << PERM_CONTACTS);
	UT_EQ_INT(perm_set_bits(&ps, PERM_ONCE), 0);
	UT_EQ_INT(perm_load(pf.path, &back, NULL, 0), 0);
	UT_EQ_INT(back.state[PERM_RECORDING], PERM_ASK);
	UT_EQ_INT(back.state[PERM_CONTACTS], PERM_ASK);
	UT_EQ_INT(back.state[PERM_MICROPHONE], PERM_ALLOW);
	UT_CHECK(!perm_permits(&back, PERM_RECORDING));

	UT_EQ_INT(permfile_consume_once(&pf, &ps, &bits), 0);
	UT_EQ_INT(bits, 0);
}


static void test_audit(void)
{
	long long use[PERM_COUNT], deny[PERM_COUNT];
	char path[300], *text;

	path_in(path, sizeof(path), "audit");
	(void)unlink(path);

	UT_EQ_INT(perm_audit_last(path, use, deny), 0);   /* missing file */
	UT_EQ_INT(use[0], 0);

	UT_EQ_INT(perm_audit_append(path, 100, "microphone", "use", "a"), 0);
	UT_EQ_INT(perm_audit_append(path, 200, "microphone", "deny",
				    "tab\there\nnewline"), 0);
	UT_EQ_INT(perm_audit_append(path, 300, "fraud_guard", "deny", "x"),
		  0);
	UT_EQ_INT(fio_check_private(path), 0);

	text = read_text(path);
	UT_CHECK(text &&
		 strstr(text, "\tmicrophone\tdeny\ttab here newline\n"));
	UT_CHECK(text && strstr(text, "1970-01-01T00:01:40Z"));
	/* each line's own time, also right after a line of another second
	 * (the last second's text is kept) */
	UT_CHECK(text && strstr(text, "200\t1970-01-01T00:03:20Z\t"));
	UT_CHECK(text && strstr(text, "300\t1970-01-01T00:05:00Z\t"));
	free(text);

	/* a torn last line does not swallow the next entry */
	{
		FILE *f = fopen(path, "a");
		if (f) {
			(void)fputs("400\ttorn", f);
			(void)fclose(f);
		}
	}
	UT_EQ_INT(perm_audit_append(path, 500, "recording", "use", "b"), 0);

	UT_EQ_INT(perm_audit_last(path, use, deny), 0);
	UT_EQ_INT(use[PERM_MICROPHONE], 100);
	UT_EQ_INT(deny[PERM_MICROPHONE], 200);
	UT_EQ_INT(use[PERM_RECORDING], 500);
	UT_EQ_INT(use[PERM_CONTACTS], 0);
}


/* a loop turn's lines: one write, a torn line first, the limits */
static void test_audit_lines(void)
{
	struct perm_audit_line v[PERM_AUDIT_MAX + 1];
	long long use[PERM_COUNT], deny[PERM_COUNT];
	char path[300], *text;
	size_t i;

	path_in(path, sizeof(path), "audit-lines");
	(void)unlink(path);
	{
		FILE *f = fopen(path, "w");
		if (f) {
			(void)fputs("100\ttorn", f);
			(void)fclose(f);
		}
	}

	for (i = 0; i < PERM_AUDIT_MAX + 1; ++i) {
		v[i].t = 1000 + (long long)i;
		v[i].subject = "microphone";
		v[i].decision = i % 2 ? "deny" : "use";
		v[i].reason = i == 1 ? "line\nbreak" : NULL;
		/* the caller's time text is used as given */
		v[i].iso = i == 2 ? "given-iso" : NULL;
	}

	UT_EQ_INT(perm_audit_append_lines(path, v, 0), EINVAL);
	UT_EQ_INT(perm_audit_append_lines(path, v, PERM_AUDIT_MAX + 1),
		  EINVAL);
	UT_EQ_INT(perm_audit_append_lines(path, v, PERM_AUDIT_MAX), 0);

	text = read_text(path);
	UT_CHECK(text && !strncmp(text, "100\ttorn\n1000\t", 14));
	UT_CHECK(text && strstr(text, "\tmicrophone\tdeny\tline break\n"));
	UT_CHECK(text && strstr(text, "\tmicrophone\tuse\t\n"));
	UT_CHECK(text && strstr(text, "1002\tgiven-iso\tmicrophone\tuse"));
	UT_CHECK(text && strstr(text, "1003\t1970-01-01T00:16:43Z\t"));
	{
		size_t lines = 0;
		const char *c;

		for (c = text; c && *c; ++c)
			lines += *c == '\n';
		UT_EQ_INT((int)lines, PERM_AUDIT_MAX + 1);
	}
	free(text);

	UT_EQ_INT(perm_audit_last(path, use, deny), 0);
	UT_EQ_INT(use[PERM_MICROPHONE], 1000 + PERM_AUDIT_MAX - 2);
	UT_EQ_INT(deny[PERM_MICROPHONE], 1000 + PERM_AUDIT_MAX - 1);

	if (access("/dev/full", W_OK) == 0)
		UT_EQ_INT(perm_audit_append_lines("/dev/full", v, 2), ENOSPC);
}


static void test_disk_full(void)
{
	struct perm_set ps;
	struct rlimit old, lim;
	char path[300], *before, *after;

	/* the audit log on a full device: a clear error, nothing else */
	if (access("/dev/full", W_OK) == 0)
		UT_EQ_INT(perm_audit_append("/dev/full", 1, "microphone",
					    "use", "x"), ENOSPC);

	/* the permissions file when no byte can be written: old kept */
	path_in(path, sizeof(path), "permissions");
	perm_set_defaults(&ps);
	UT_EQ_INT(perm_save(path, &ps), 0);
	before = read_text(path);

	(void)signal(SIGXFSZ, SIG_IGN);
	(void)getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 10;
	(void)setrlimit(RLIMIT_FSIZE, &lim);

	ps.state[PERM_MICROPHONE] = PERM_DENY;
	UT_CHECK(perm_save(path, &ps) != 0);

	(void)setrlimit(RLIMIT_FSIZE, &old);

	after = read_text(path);
	UT_CHECK(before && after && !strcmp(before, after));
	free(before);
	free(after);
}


static void test_retention(void)
{
	char dir[300], p[400];
	struct utimbuf ut;
	size_t n = 0;
	long long now = (long long)time(NULL);

	path_in(dir, sizeof(dir), "rec");
	(void)mkdir(dir, 0700);

	(void)snprintf(p, sizeof(p), "%s/dump-old-dec.wav", dir);
	write_text(p, "x");
	ut.actime = ut.modtime = (time_t)(now - 40 * 86400);
	(void)utime(p, &ut);
	(void)snprintf(p, sizeof(p), "%s/keep-old.wav", dir);
	write_text(p, "x");
	(void)utime(p, &ut);
	(void)snprintf(p, sizeof(p), "%s/dump-new-dec.wav", dir);
	write_text(p, "x");

	UT_EQ_INT(recstore_prune(dir, now, 30 * 86400, &n), 0);
	UT_EQ_INT(n, 1);
	UT_CHECK(fio_exists(p));
	(void)snprintf(p, sizeof(p), "%s/keep-old.wav", dir);
	UT_CHECK(fio_exists(p));
	(void)snprintf(p, sizeof(p), "%s/dump-old-dec.wav", dir);
	UT_CHECK(!fio_exists(p));

	UT_EQ_INT(recstore_prune("/nonexistent/x", now, 1, &n), ENOENT);
}


int main(void)
{
	char cmd[300];

	(void)snprintf(tmpdir, sizeof(tmpdir),
		       "/tmp/octasip-ut-policy-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;

	UT_RUN(test_audit_lines);
	UT_RUN(test_lists);
	UT_RUN(test_outgoing_rules);
	UT_RUN(test_rate_caps);
	UT_RUN(test_incoming_flood);
	UT_RUN(test_incoming_per_address);
	UT_RUN(test_encryption);
	UT_RUN(test_micgate_zeroes);
	UT_RUN(test_notice_tone);
	UT_RUN(test_perm_save_roundtrip);
	UT_RUN(test_permfile_set_malformed);
	UT_RUN(test_consume_once);
	UT_RUN(test_audit);
	UT_RUN(test_disk_full);
	UT_RUN(test_retention);

	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	(void)system(cmd);

	return ut_done();
}
