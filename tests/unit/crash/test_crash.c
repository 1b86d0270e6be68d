/**
 * @file test_crash.c  Crash handler (in forked children that really
 *                     crash), raw -> JSON reports and their bad input,
 *                     consent, retention, statistics, delivery basics
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common/fileio.h"
#include "octasip_crash/consent.h"
#include "octasip_crash/report.h"
#include "octasip_crash/sender.h"
#include "octasip_crash/sighandler.h"
#include "octasip_crash/stats.h"
#include "octasip_crash/store.h"
#include "utest.h"


static char base[] = "/tmp/octasip-crash-ut-XXXXXX";
static int dircount;


static void fresh_dir(char *buf, size_t sz)
{
	(void)snprintf(buf, sz, "%s/d%d", base, ++dircount);
	(void)mkdir(buf, 0700);
}


static int count_suffix(const char *dir, const char *suf, char *first,
			size_t fsz)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name), m = strlen(suf);

		if (l > m && !strcmp(de->d_name + l - m, suf)) {
			if (!n && first)
				(void)snprintf(first, fsz, "%s/%s", dir,
					       de->d_name);
			++n;
		}
	}
	(void)closedir(d);

	return n;
}


static char *slurp(const char *path)
{
	uint8_t *buf = NULL;
	size_t len;

	if (fio_read_all(path, &buf, &len, 1 << 22))
		return NULL;

	return (char *)buf;
}


/* ---- children that crash ------------------------------------------------ */

enum mode {
	M_SEGV, M_ABORT, M_USER, M_NESTED, M_HANG, M_NOSTORE, M_FPE,
};

/* real faults on purpose: UBSan must not turn them into an exit(1) */
#define REAL_FAULT __attribute__((noinline, no_sanitize("undefined")))

static REAL_FAULT void hook_crash(int sig)
{
	volatile int *volatile p = NULL;

	(void)sig;
	*p = 2;
}


static void hook_hang(int sig)
{
	(void)sig;
	for (;;)
		(void)pause();
}


static REAL_FAULT void do_segv(void)
{
	volatile int *volatile p = (int *)16;

	*p = 1;
}


static volatile int fpe_result;

static REAL_FAULT void do_fpe(volatile int z)
{
	fpe_result = 10 / z;
}


static void child(const char *dir, enum mode m)
{
	struct crash_sig_cfg cfg;
	struct rlimit rl = {0, 0};

	(void)setrlimit(RLIMIT_CORE, &rl);

	memset(&cfg, 0, sizeof(cfg));
	cfg.dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	cfg.watchdog_s = 1;
	cfg.octasip_version = "9.8.7";
	cfg.baresip_version = "1.0.0";

	if (crash_sig_install(&cfg))
		_exit(90);

	crash_sig_set_calls(2);

	switch (m) {

	case M_SEGV:    do_segv(); break;
	case M_ABORT:   abort();
	case M_USER:    (void)kill(getpid(), SIGSEGV); break;
	case M_NESTED:  crash_sig_set_test_hook(hook_crash); do_segv(); break;
	case M_HANG:    crash_sig_set_test_hook(hook_hang); do_segv(); break;
	case M_NOSTORE: crash_sig_set_storage(false); do_segv(); break;
	case M_FPE:     do_fpe(0); break;
	}

	_exit(91);
}


/* run a crashing child; its terminating signal (0: exited), and ms */
static int crash_child(const char *dir, enum mode m, long *ms)
{
	struct timespec t0, t1;
	pid_t pid;
	int st = 0;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);

	pid = fork();
	if (pid == 0)
		child(dir, m);
	if (pid < 0)
		return -1;

	/* the watchdog is 1 s: 10 s means the handler hung for good */
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		(void)clock_gettime(CLOCK_MONOTONIC, &t1);
		if (r == pid)
			break;
		if (t1.tv_sec - t0.tv_sec > 10) {
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, &st, 0);
			return -2;
		}
		(void)usleep(5000);
	}

	*ms = (t1.tv_sec - t0.tv_sec) * 1000 +
		(t1.tv_nsec - t0.tv_nsec) / 1000000;

	return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}


static void test_segv_record_and_report(void)
{
	char dir[256], raw[512], json[512], *text;
	unsigned conv = 0, bad = 0;
	struct stat st;
	long ms = 0;

	fresh_dir(dir, sizeof(dir));

	/* the exit status is the original crash */
	UT_EQ_INT(crash_child(dir, M_SEGV, &ms), SIGSEGV);

	UT_EQ_INT(count_suffix(dir, ".raw", raw, sizeof(raw)), 1);
	UT_EQ_INT(stat(raw, &st), 0);
	UT_EQ_INT(st.st_mode & 0777, 0600);
	text = slurp(raw);
	UT_CHECK(text != NULL);
	if (text) {
		UT_CHECK(!strncmp(text, CRASH_RAW_MAGIC "\n",
				  strlen(CRASH_RAW_MAGIC) + 1));
		UT_CHECK(strstr(text, "\nsignal 11\n") != NULL);
		UT_CHECK(strstr(text, "\ncode 1\n") != NULL);
		UT_CHECK(strstr(text, "\naddr 0x10\n") != NULL);
		UT_CHECK(strstr(text, "\ncalls 2\n") != NULL);
		UT_CHECK(strstr(text, "\nmodule 0 ") != NULL);
		UT_CHECK(strstr(text, " test_crash\n") != NULL);
		UT_CHECK(strstr(text, "\nframe 0 0x") != NULL);
		UT_CHECK(strstr(text, "\nend\n") != NULL);
		free(text);
	}

	UT_EQ_INT(report_convert_pending(dir, &conv, &bad), 0);
	UT_EQ_INT(conv, 1);
	UT_EQ_INT(bad, 0);
	UT_EQ_INT(count_suffix(dir, ".raw", NULL, 0), 0);
	UT_EQ_INT(count_suffix(dir, ".json", json, sizeof(json)), 1);
	UT_EQ_INT(stat(json, &st), 0);
	UT_EQ_INT(st.st_mode & 0777, 0600);

	text = slurp(json);
	UT_CHECK(text != NULL);
	if (!text)
		return;
	UT_CHECK(strstr(text, "\"type\":\"SIGSEGV\"") != NULL);
	UT_CHECK(strstr(text, "\"code_name\":\"SEGV_MAPERR\"") != NULL);
	UT_CHECK(strstr(text, "\"fault_address\":\"0x10\"") != NULL);
	UT_CHECK(strstr(text, "\"active_calls\":2") != NULL);
	UT_CHECK(strstr(text, "\"truncated\":false") != NULL);
	UT_CHECK(strstr(text, "\"code_file\":\"test_crash\"") != NULL);
	UT_CHECK(strstr(text, "\"code_file\":\"libc.so.6\"") != NULL);
	UT_CHECK(strstr(text, "\"addr_mode\":\"rel:0\"") != NULL);
	UT_CHECK(strstr(text, "\"code_id\":\"") != NULL);
	UT_CHECK(strstr(text, "\"debug_id\":\"") != NULL);
	UT_CHECK(strstr(text, "\"name\":\"Linux\"") != NULL);
	UT_CHECK(strstr(text, "\"app_version\":\"9.8.7\"") != NULL);
	/* the reporter's own field, not an address (Sentry groups by it) */
	UT_CHECK(strstr(text, "\"release\":\"octasip@9.8.7\"") != NULL);
	UT_CHECK(strstr(text, "\"kernel_version\":\"") != NULL);
	UT_CHECK(strstr(text, "\"uptime_ms\":") != NULL);
	/* no host name */
	{
		char host[256] = "";

		(void)gethostname(host, sizeof(host) - 1);
		if (strlen(host) > 3)
			UT_CHECK(strstr(text, host) == NULL);
	}
	free(text);
}


static void test_other_signals(void)
{
	char dir[256], json[512], *text;
	long ms;

	fresh_dir(dir, sizeof(dir));
	UT_EQ_INT(crash_child(dir, M_ABORT, &ms), SIGABRT);
	UT_EQ_INT(crash_child(dir, M_FPE, &ms), SIGFPE);
	UT_EQ_INT(count_suffix(dir, ".raw", NULL, 0), 2);

	/* a signal sent by another process: no fault address */
	fresh_dir(dir, sizeof(dir));
	UT_EQ_INT(crash_child(dir, M_USER, &ms), SIGSEGV);
	UT_EQ_INT(report_convert_pending(dir, NULL, NULL), 0);
	UT_EQ_INT(count_suffix(dir, ".json", json, sizeof(json)), 1);
	text = slurp(json);
	UT_CHECK(text && strstr(text, "\"code_name\":\"SI_USER\""));
	UT_CHECK(text && !strstr(text, "fault_address"));
	free(text);
}


static void test_nested_crash_ends_promptly(void)
{
	char dir[256], json[512], *text;
	long ms = 0;

	fresh_dir(dir, sizeof(dir));
	UT_EQ_INT(crash_child(dir, M_NESTED, &ms), SIGSEGV);
	UT_CHECK(ms < 900);    /* not the watchdog: at once */

	/* what was written before the second crash is a report */
	UT_EQ_INT(report_convert_pending(dir, NULL, NULL), 0);
	UT_EQ_INT(count_suffix(dir, ".json", json, sizeof(json)), 1);
	text = slurp(json);
	UT_CHECK(text && strstr(text, "\"truncated\":true"));
	UT_CHECK(text && strstr(text, "\"type\":\"SIGSEGV\""));
	free(text);
}


static void test_hung_handler_watchdog(void)
{
	char dir[256];
	long ms = 0;

	fresh_dir(dir, sizeof(dir));

	/* ends with the original signal after the 1 s watchdog */
	UT_EQ_INT(crash_child(dir, M_HANG, &ms), SIGSEGV);
	UT_CHECK(ms >= 900 && ms < 5000);
	UT_EQ_INT(count_suffix(dir, ".raw", NULL, 0), 1);
}


static void test_storage_denied_writes_nothing(void)
{
	char dir[256];
	long ms;

	fresh_dir(dir, sizeof(dir));
	UT_EQ_INT(crash_child(dir, M_NOSTORE, &ms), SIGSEGV);
	UT_EQ_INT(count_suffix(dir, ".raw", NULL, 0), 0);
}


static void put_file(const char *dir, const char *name, const char *text)
{
	char path[512];

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	(void)fio_write_atomic(path, text, strlen(text), 0600);
}


static void test_bad_raw_records(void)
{
	char dir[256], json[512], *text, *big;
	unsigned conv = 9, bad = 9;
	size_t i;

	fresh_dir(dir, sizeof(dir));
	put_file(dir, "raw-1-1.raw", "hello, not a record\n");
	put_file(dir, "raw-2-1.raw", "");
	put_file(dir, "raw-3-1.raw", CRASH_RAW_MAGIC "\ncalls 1\nend\n");
	/* cut short in the middle of a line: still a report */
	put_file(dir, "raw-4-1.raw", CRASH_RAW_MAGIC "\nsignal 7\ncode 2\n"
		 "module 0 0x1000 abcd libfoo.so\nframe 0 0x12\nfram");
	/* hostile content in a module name is redacted */
	put_file(dir, "raw-5-1.raw", CRASH_RAW_MAGIC "\nsignal 11\n"
		 "module 0 0x1000 - lib-10.1.2.3-alice@example.org.so\n"
		 "os Linux password=Secret-1 x86_64\n"
		 "frame 0 0x10\nframe 7 0x1\nframe x y\nend\n");

	big = malloc((1 << 20) + 64);
	UT_CHECK(big != NULL);
	if (big) {
		for (i = 0; i < (1 << 20) + 63; ++i)
			big[i] = 'x';
		big[i] = '\0';
		put_file(dir, "raw-6-1.raw", big);
		free(big);
	}

	UT_EQ_INT(report_convert_pending(dir, &conv, &bad), 0);
	UT_EQ_INT(conv, 2);
	UT_EQ_INT(bad, 4);
	UT_EQ_INT(count_suffix(dir, ".bad", NULL, 0), 4);
	UT_EQ_INT(count_suffix(dir, ".raw", NULL, 0), 0);
	UT_EQ_INT(count_suffix(dir, ".json", NULL, 0), 2);

	/* each report on its own */
	fresh_dir(dir, sizeof(dir));
	put_file(dir, "raw-5-1.raw", CRASH_RAW_MAGIC "\nsignal 11\n"
		 "module 0 0x1000 - lib-10.1.2.3-alice@example.org.so\n"
		 "os Linux password=Secret-1 x86_64\n"
		 "frame 0 0x10\nframe 7 0x1\nframe x y\nend\n");
	UT_EQ_INT(report_convert_pending(dir, NULL, NULL), 0);
	UT_EQ_INT(count_suffix(dir, ".json", json, sizeof(json)), 1);
	text = slurp(json);
	UT_CHECK(text != NULL);
	if (text) {
		UT_CHECK(!strstr(text, "10.1.2.3"));
		UT_CHECK(!strstr(text, "alice"));
		UT_CHECK(!strstr(text, "Secret-1"));
		UT_CHECK(strstr(text, "\"package\":\"(unknown)\"") != NULL);
		free(text);
	}
}


static void test_unwritable_dir_keeps_raw(void)
{
	char dir[256];
	unsigned conv = 0;

	if (geteuid() == 0) {
		/* root writes anyway: nothing to prove here */
		return;
	}

	fresh_dir(dir, sizeof(dir));
	put_file(dir, "raw-1-1.raw", CRASH_RAW_MAGIC "\nsignal 11\nend\n");
	UT_EQ_INT(chmod(dir, 0500), 0);
	UT_CHECK(report_convert_pending(dir, &conv, NULL) != 0);
	UT_EQ_INT(conv, 0);
	UT_EQ_INT(chmod(dir, 0700), 0);
	UT_EQ_INT(count_suffix(dir, ".raw", NULL, 0), 1);
}


/* ---- consent ------------------------------------------------------------ */

static void test_consent(void)
{
	char dir[256], path[512], *text;
	struct consent_info ci;

	fresh_dir(dir, sizeof(dir));

	UT_EQ_INT(consent_load(dir, &ci), 0);
	UT_EQ_INT(ci.state, CONSENT_UNKNOWN);
	UT_CHECK(!consent_allows_upload(dir));

	UT_EQ_INT(consent_save(dir, CONSENT_GIVEN, 1700000000), 0);
	UT_CHECK(consent_allows_upload(dir));
	(void)snprintf(path, sizeof(path), "%s/consent", dir);
	UT_EQ_INT(fio_check_private(path), 0);
	text = slurp(path);
	UT_EQ_STR(text, "given 1 1700000000\n");
	free(text);

	UT_EQ_INT(consent_save(dir, CONSENT_REVOKED, 1700000001), 0);
	UT_CHECK(!consent_allows_upload(dir));

	/* consent for an older policy version does not count */
	put_file(dir, "consent", "given 0 1600000000\n");
	UT_EQ_INT(consent_load(dir, &ci), 0);
	UT_EQ_INT(ci.state, CONSENT_GIVEN);
	UT_CHECK(!consent_allows_upload(dir));

	/* broken files: unknown, an error, nothing sent */
	put_file(dir, "consent", "yes please\n");
	UT_EQ_INT(consent_load(dir, &ci), EBADMSG);
	UT_EQ_INT(ci.state, CONSENT_UNKNOWN);
	UT_CHECK(!consent_allows_upload(dir));
	put_file(dir, "consent", "");
	UT_EQ_INT(consent_load(dir, &ci), EBADMSG);
	UT_CHECK(!consent_allows_upload(dir));
}


/* ---- store and retention ------------------------------------------------ */

static void make_report(const char *dir, int k, time_t mtime, size_t size)
{
	char name[64], path[512], *body;
	struct timespec ts[2];

	(void)snprintf(name, sizeof(name), "%032x.json", k);
	body = malloc(size + 1);
	memset(body, 'x', size);
	body[size] = '\0';
	put_file(dir, name, body);
	free(body);

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	ts[0].tv_sec = ts[1].tv_sec = mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	(void)utimensat(AT_FDCWD, path, ts, 0);
}


static void test_retention(void)
{
	struct store_limits lim = {0, 0, 0};
	struct store_entry *v = NULL;
	char dir[256];
	time_t now = 1800000000;
	unsigned del = 0;
	size_t n = 0;
	int k;

	fresh_dir(dir, sizeof(dir));
	for (k = 1; k <= 5; ++k)
		make_report(dir, k, now - 1000 + k, 100);
	put_file(dir, "notes.json", "{}");     /* not a report */

	UT_EQ_INT(store_list(dir, &v, &n), 0);
	UT_EQ_INT(n, 5);
	UT_CHECK(n == 5 && !strcmp(v[0].id,
				   "00000000000000000000000000000001"));
	free(v);

	lim.max_count = 3;
	UT_EQ_INT(store_retention(dir, &lim, now, &del), 0);
	UT_EQ_INT(del, 2);
	UT_EQ_INT(store_list(dir, &v, &n), 0);
	UT_CHECK(n == 3 && !strcmp(v[0].id,
				   "00000000000000000000000000000003"));
	free(v);

	/* age: 40 days old goes with a 30-day cap */
	make_report(dir, 9, now - 40 * 86400, 100);
	lim.max_count = 0;
	lim.max_age_days = 30;
	UT_EQ_INT(store_retention(dir, &lim, now, &del), 0);
	UT_EQ_INT(del, 1);

	/* size: 3 x 100 bytes under a 250-byte cap leaves 2 */
	lim.max_age_days = 0;
	lim.max_bytes = 250;
	UT_EQ_INT(store_retention(dir, &lim, now, &del), 0);
	UT_EQ_INT(del, 1);
	UT_EQ_INT(store_list(dir, &v, &n), 0);
	UT_EQ_INT(n, 2);
	free(v);

	/* ids are checked before a path is built */
	UT_EQ_INT(store_delete(dir, "../../etc/passwd"), EINVAL);
	UT_EQ_INT(store_delete(dir, "0000000000000000000000000000000G"),
		  EINVAL);
	UT_EQ_INT(store_delete(dir, "00000000000000000000000000000004"), 0);
	UT_EQ_INT(store_delete(dir, "00000000000000000000000000000004"),
		  ENOENT);

	put_file(dir, "raw-1-1.raw", "x");
	put_file(dir, "raw-1-2.bad", "x");
	put_file(dir, "stats.json", "{}");
	put_file(dir, "consent", "given 1 1\n");
	UT_EQ_INT(store_delete_all(dir, 1, &del), 0);
	UT_EQ_INT(del, 4);     /* 1 report, raw, bad, notes.json */
	UT_EQ_INT(count_suffix(dir, ".json", NULL, 0), 0);
	{
		char path[512];

		(void)snprintf(path, sizeof(path), "%s/consent", dir);
		UT_CHECK(fio_exists(path));    /* consent is not data */
	}
}


/* ---- statistics --------------------------------------------------------- */

static void test_stats(void)
{
	struct stats a, b;
	char dir[256], *json = NULL;

	memset(&a, 0, sizeof(a));
	stats_call(&a, STATS_ANSWERED, 5);
	stats_call(&a, STATS_ANSWERED, 61);
	stats_call(&a, STATS_ANSWERED, 4000);
	stats_call(&a, STATS_MISSED, 0);
	stats_call(&a, STATS_BUSY, 0);
	stats_codec(&a, "opus");
	stats_codec(&a, "opus");
	stats_codec(&a, "sip:alice@10.0.0.1");   /* not a plain name */
	stats_encryption(&a, NULL);
	stats_encryption(&a, "dtls_srtp");
	stats_regfail(&a, 401);
	stats_regfail(&a, 401);
	stats_regfail(&a, 0);
	a.crashes = 3;

	UT_EQ_INT(a.calls[STATS_ANSWERED], 3);
	UT_EQ_INT(a.duration[STATS_DUR_10S], 1);
	UT_EQ_INT(a.duration[STATS_DUR_5M], 1);
	UT_EQ_INT(a.duration[STATS_DUR_LONG], 1);

	UT_EQ_INT(stats_to_json(&a, &json), 0);
	UT_CHECK(json && strstr(json, "\"opus\":2"));
	UT_CHECK(json && strstr(json, "\"other\":1"));
	UT_CHECK(json && strstr(json, "\"none\":1"));
	UT_CHECK(json && strstr(json, "\"401\":2"));
	UT_CHECK(json && !strstr(json, "alice"));
	UT_CHECK(json && !strstr(json, "10.0.0.1"));

	UT_EQ_INT(stats_from_json(json, strlen(json), &b), 0);
	UT_CHECK(!memcmp(&a, &b, sizeof(a)));
	free(json);

	fresh_dir(dir, sizeof(dir));
	UT_EQ_INT(stats_add(dir, &a), 0);
	UT_EQ_INT(stats_add(dir, &a), 0);
	UT_EQ_INT(stats_load(dir, &b), 0);
	UT_EQ_INT(b.calls[STATS_ANSWERED], 6);
	UT_EQ_INT(b.crashes, 6);

	/* a broken file: an error, kept aside, counting starts anew */
	put_file(dir, "stats.json", "{\"calls\": [1,2");
	UT_EQ_INT(stats_load(dir, &b), EBADMSG);
	UT_EQ_INT(stats_add(dir, &a), 0);
	UT_EQ_INT(stats_load(dir, &b), 0);
	UT_EQ_INT(b.calls[STATS_ANSWERED], 3);
	UT_EQ_INT(count_suffix(dir, ".bad", NULL, 0), 1);
}


/* ---- delivery (no server needed) ---------------------------------------- */

static void test_dsn_and_envelope(void)
{
	struct dsn d;
	char buf[512], *env = NULL;
	size_t len = 0;
	const char *id = "0123456789abcdef0123456789abcdef";

	UT_EQ_INT(dsn_parse("https://pub@o1.ingest.example.io/42", &d), 0);
	UT_EQ_INT(dsn_envelope_url(&d, buf, sizeof(buf)), 0);
	UT_EQ_STR(buf, "https://o1.ingest.example.io/api/42/envelope/");
	UT_EQ_INT(dsn_auth_header(&d, buf, sizeof(buf)), 0);
	UT_CHECK(strstr(buf, "sentry_key=pub") && strstr(buf,
		 "sentry_version=7"));

	UT_EQ_INT(dsn_parse("http://k:legacy@127.0.0.1:9000/sub/7", &d), 0);
	UT_EQ_INT(dsn_envelope_url(&d, buf, sizeof(buf)), 0);
	UT_EQ_STR(buf, "http://127.0.0.1:9000/sub/api/7/envelope/");
	UT_EQ_STR(d.key, "k");

	/* plain http leaves the machine: refused */
	UT_EQ_INT(dsn_parse("http://k@example.com/1", &d), EPROTONOSUPPORT);
	/* a second '@': libcurl's host is the one after it (issue 19) */
	UT_EQ_INT(dsn_parse("http://k@127.0.0.1:@evil.example.com/1", &d),
		  EINVAL);
	UT_EQ_INT(dsn_parse("http://k@[::1]@evil.example.com/1", &d), EINVAL);
	UT_EQ_INT(dsn_parse("http://k@[::1]x.evil.example.com/1", &d),
		  EPROTONOSUPPORT);
	UT_EQ_INT(dsn_parse("ftp://k@example.com/1", &d), EINVAL);
	UT_EQ_INT(dsn_parse("https://example.com/1", &d), EINVAL);
	UT_EQ_INT(dsn_parse("https://k@example.com/", &d), EINVAL);
	UT_EQ_INT(dsn_parse("https://k@example.com/abc", &d), EINVAL);
	UT_EQ_INT(dsn_parse("", &d), EINVAL);

	UT_EQ_INT(envelope_build("https://pub@h/1", id, "{\"a\":1}", 7,
				 1764331200, &env, &len), 0);
	UT_EQ_STR(env, "{\"event_id\":\"0123456789abcdef0123456789abcdef\","
		  "\"dsn\":\"https://pub@h/1\",\"sent_at\":"
		  "\"2025-11-28T12:00:00Z\"}\n{\"type\":\"event\","
		  "\"length\":7,\"content_type\":\"application/json\"}\n"
		  "{\"a\":1}\n");
	UT_EQ_INT(len, strlen(env));
	free(env);
	UT_EQ_INT(envelope_build("https://pub@h/1", "../x", "{}", 2, 0, &env,
				 &len), EINVAL);
}


static void test_sender_consent_and_backoff(void)
{
	struct send_result res;
	struct send_state ss;
	char dir[256];
	time_t now = time(NULL);

	fresh_dir(dir, sizeof(dir));
	make_report(dir, 1, now, 10);

	/* no consent: nothing is attempted */
	UT_EQ_INT(sender_run(dir, "http://k@127.0.0.1:1/1", true, NULL,
			     &res), EACCES);
	UT_EQ_INT(res.http_status, 0);
	UT_EQ_INT(count_suffix(dir, "send-state", NULL, 0), 0);

	UT_EQ_INT(consent_save(dir, CONSENT_GIVEN, now), 0);
	UT_EQ_INT(sender_run(dir, "", true, NULL, &res), ENOENT);
	UT_EQ_INT(sender_run(dir, "http://k@10.0.0.1/1", true, NULL, &res),
		  EPROTONOSUPPORT);

	/* nobody listens on port 1: back off 60 s, report kept */
	UT_EQ_INT(sender_run(dir, "http://k@127.0.0.1:1/1", true, NULL,
			     &res), EAGAIN);
	UT_EQ_INT(send_state_load(dir, &ss), 0);
	UT_EQ_INT(ss.failures, 1);
	UT_CHECK(ss.next_attempt >= now + 60 && ss.next_attempt <= now + 62);
	UT_EQ_INT(count_suffix(dir, ".json", NULL, 0), 1);

	/* and the wait holds, without trying */
	UT_EQ_INT(sender_run(dir, "http://k@127.0.0.1:1/1", true, NULL,
			     &res), EAGAIN);
	UT_EQ_INT(res.retry_at, ss.next_attempt);

	/* the next failure doubles the wait */
	ss.next_attempt = 0;
	UT_EQ_INT(send_state_save(dir, &ss), 0);
	UT_EQ_INT(sender_run(dir, "http://k@127.0.0.1:1/1", true, NULL,
			     &res), EAGAIN);
	UT_EQ_INT(send_state_load(dir, &ss), 0);
	UT_EQ_INT(ss.failures, 2);
	UT_CHECK(ss.next_attempt >= now + 120);

	/* a broken state file means no wait, not a wait forever */
	put_file(dir, SEND_STATE_FILE, "garbage");
	UT_EQ_INT(send_state_load(dir, &ss), 0);
	UT_EQ_INT(ss.next_attempt, 0);
}


static void rmtree(const char *dir)
{
	char cmd[600];

	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		(void)fprintf(stderr, "cannot remove %s\n", dir);
}


int main(int argc, char **argv)
{
	int rc;

#ifdef __SANITIZE_ADDRESS__
	/* the crashes here are ours to catch, not ASan's */
	if (!getenv("OCTASIP_UT_REEXEC")) {
		(void)setenv("OCTASIP_UT_REEXEC", "1", 1);
		(void)setenv("ASAN_OPTIONS", "handle_segv=0:handle_abort=0:"
			     "handle_sigbus=0:handle_sigfpe=0:"
			     "handle_sigill=0:allow_user_segv_handler=1", 1);
		(void)execv("/proc/self/exe", argv);
	}
#endif
	(void)argc;
	(void)argv;

	if (!mkdtemp(base))
		return 2;

	UT_RUN(test_segv_record_and_report);
	UT_RUN(test_other_signals);
	UT_RUN(test_nested_crash_ends_promptly);
	UT_RUN(test_hung_handler_watchdog);
	UT_RUN(test_storage_denied_writes_nothing);
	UT_RUN(test_bad_raw_records);
	UT_RUN(test_unwritable_dir_keeps_raw);
	UT_RUN(test_consent);
	UT_RUN(test_retention);
	UT_RUN(test_stats);
	UT_RUN(test_dsn_and_envelope);
	UT_RUN(test_sender_consent_and_backoff);

	rc = ut_done();
	rmtree(base);

	return rc;
}
