/**
 * @file test_curlapi.c  libcurl loaded on first use (curlapi.c): a
 *                       missing library keeps every report and sets no
 *                       backoff; a library without the curl functions is
 *                       refused; the real one loads only when a transfer
 *                       is attempted
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "common/fileio.h"
#include "octasip_crash/consent.h"
#include "octasip_crash/curlapi.h"
#include "octasip_crash/sender.h"
#include "utest.h"


#define REPORT_ID "0123456789abcdef0123456789abcdef"
#define DSN "http://k@127.0.0.1:1/1"   /* nobody listens on port 1 */

static char base[] = "/tmp/octasip-curlapi-ut-XXXXXX";
static int dircount;


/* a fresh crash dir with consent and one pending (valid) report */
static void fresh_dir(char *buf, size_t sz)
{
	char path[512];

	(void)snprintf(buf, sz, "%s/d%d", base, ++dircount);
	(void)mkdir(buf, 0700);
	(void)snprintf(path, sizeof(path), "%s/%s.json", buf, REPORT_ID);
	(void)fio_write_atomic(path, "{\"a\":1}", 7, 0600);
	(void)consent_save(buf, CONSENT_GIVEN, (int64_t)time(NULL));
}


static bool exists(const char *dir, const char *name)
{
	char path[512];

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);

	return access(path, F_OK) == 0;
}


static void test_missing_library_keeps_reports(void)
{
	struct send_result res;
	char dir[256];

	fresh_dir(dir, sizeof(dir));
	curl_api_set_soname("libcurl-octasip-missing.so.9");

	UT_EQ_INT(sender_run(dir, DSN, true, NULL, &res), ENOSYS);
	UT_CHECK(strstr(curl_api_error(), "libcurl-octasip-missing.so.9"));
	UT_CHECK(!curl_api_loaded());
	UT_EQ_INT(res.sent, 0);
	UT_EQ_INT(res.http_status, 0);
	UT_CHECK(exists(dir, REPORT_ID ".json"));
	/* not the server's fault: no backoff was recorded */
	UT_CHECK(!exists(dir, SEND_STATE_FILE));

	/* and again: same answer, report still there */
	UT_EQ_INT(sender_run(dir, DSN, true, NULL, &res), ENOSYS);
	UT_CHECK(exists(dir, REPORT_ID ".json"));
}


static void test_not_libcurl_is_refused(void)
{
	const struct curl_api *api = NULL;
	struct send_result res;
	char dir[256];

	fresh_dir(dir, sizeof(dir));

	/* a real library without curl_global_init */
	curl_api_set_soname("libc.so.6");
	UT_EQ_INT(curl_api_load(&api), ENOSYS);
	UT_CHECK(api == NULL);
	UT_CHECK(strstr(curl_api_error(), "no curl_global_init"));
	UT_EQ_INT(sender_run(dir, DSN, true, NULL, &res), ENOSYS);
	UT_CHECK(exists(dir, REPORT_ID ".json"));
	UT_CHECK(!curl_api_loaded());
}


static void test_real_library_loads_on_first_transfer(void)
{
	struct send_result res;
	struct send_state ss;
	char dir[256], path[512];

	fresh_dir(dir, sizeof(dir));
	curl_api_set_soname(NULL);

	/* nothing to send (no consent): nothing loaded */
	(void)consent_save(dir, CONSENT_REVOKED, (int64_t)time(NULL));
	UT_EQ_INT(sender_run(dir, DSN, true, NULL, &res), EACCES);
	UT_CHECK(!curl_api_loaded());

	/* a transfer: libcurl loads, the connection is refused, backoff */
	(void)consent_save(dir, CONSENT_GIVEN, (int64_t)time(NULL));
	UT_EQ_INT(sender_run(dir, DSN, true, NULL, &res), EAGAIN);
	UT_CHECK(curl_api_loaded());
	UT_EQ_INT(send_state_load(dir, &ss), 0);
	UT_EQ_INT(ss.failures, 1);
	UT_CHECK(exists(dir, REPORT_ID ".json"));

	/* after the global cleanup the next transfer initialises again */
	sender_global_cleanup();
	(void)snprintf(path, sizeof(path), "%s/%s", dir, SEND_STATE_FILE);
	(void)unlink(path);
	UT_EQ_INT(sender_run(dir, DSN, true, NULL, &res), EAGAIN);
	UT_EQ_INT(send_state_load(dir, &ss), 0);
	UT_EQ_INT(ss.failures, 1);
	sender_global_cleanup();
}


/*
 * Plain http only to this machine, with the host judged as libcurl
 * parses the URL: a second '@' moves the host (issue 19).
 */
static void test_url_judge(void)
{
	static const struct {
		const char *url;
		int err;
	} v[] = {
		{"http://127.0.0.1:@evil.example.com/api/1/envelope/",
		 EPROTONOSUPPORT},
		{"http://[::1]@evil.example.com/api/1/envelope/",
		 EPROTONOSUPPORT},
		{"http://127.0.0.1.evil.example/api/1/envelope/",
		 EPROTONOSUPPORT},
		{"http://evil.example/api/1/envelope/", EPROTONOSUPPORT},
		{"ftp://127.0.0.1/x", EPROTONOSUPPORT},
		{"http://127.0.0.1:9000/api/1/envelope/", 0},
		{"http://[::1]:9/api/1/envelope/", 0},
		{"http://localhost/api/1/envelope/", 0},
		{"https://o1.ingest.example.io/api/1/envelope/", 0},
	};
	const struct curl_api *api = NULL;
	size_t i;

	curl_api_set_soname(NULL);
	UT_EQ_INT(curl_api_load(&api), 0);
	if (!api)
		return;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); ++i) {
		void *u = NULL;
		int err = dsn_url_judge(api, v[i].url, &u);

		if (err != v[i].err)
			(void)fprintf(stderr, "%s: %d\n", v[i].url, err);
		UT_EQ_INT(err, v[i].err);
		UT_CHECK((u != NULL) == (err == 0));
		if (u)
			api->url_cleanup(u);
	}
}


int main(void)
{
	char cmd[128];
	int rc;

	if (!mkdtemp(base))
		return 2;

	UT_RUN(test_missing_library_keeps_reports);
	UT_RUN(test_not_libcurl_is_refused);
	UT_RUN(test_real_library_loads_on_first_transfer);
	UT_RUN(test_url_judge);

	rc = ut_done();
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd) != 0)
		(void)fprintf(stderr, "cannot remove %s\n", base);

	return rc;
}
