/**
 * @file sender.c  Delivery of reports and statistics (see sender.h)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <re.h>
#include "curlapi.h"
#include "common/fileio.h"
#include "consent.h"
#include "report.h"
#include "stats.h"
#include "store.h"
#include "generated/octasip_version.h"
#include "sender.h"


void sender_global_cleanup(void)
{
	curl_api_cleanup();
}


static bool valid_json(const char *text, size_t len)
{
	struct odict *od = NULL;
	int err = json_decode_odict(&od, 8, text, len, 32);

	mem_deref(od);

	return err == 0;
}


/* host[:port] as written in the DSN (a first check, without libcurl) */
static bool loopback(const char *host)
{
	if (!strncmp(host, "127.0.0.1", 9) && (!host[9] || host[9] == ':'))
		return true;
	if (!strncmp(host, "localhost", 9) && (!host[9] || host[9] == ':'))
		return true;

	return !strncmp(host, "[::1]", 5) && (!host[5] || host[5] == ':');
}


/* a host exactly as libcurl's CURLUPART_HOST gives it */
static bool loopback_host(const char *host)
{
	return !strcmp(host, "127.0.0.1") || !strcasecmp(host, "localhost") ||
		!strcmp(host, "[::1]") || !strcmp(host, "::1");
}


int dsn_url_judge(const struct curl_api *api, const char *url, void **up)
{
	char *scheme = NULL, *host = NULL;
	CURLU *u;
	int err = 0;

	if (!api || !url || !up)
		return EINVAL;

	u = api->url();
	if (!u)
		return ENOMEM;

	if (api->url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    api->url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    api->url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		err = EINVAL;
	else if (strcasecmp(scheme, "https") &&
		 (strcasecmp(scheme, "http") || !loopback_host(host)))
		err = EPROTONOSUPPORT;   /* plain http only to this machine */

	api->free(scheme);
	api->free(host);

	if (err)
		api->url_cleanup(u);
	else
		*up = u;

	return err;
}


int dsn_parse(const char *s, struct dsn *d)
{
	const char *p, *at, *slash, *last;
	size_t n;

	if (!s || !d)
		return EINVAL;

	memset(d, 0, sizeof(*d));

	if (!strncmp(s, "https://", 8)) {
		strcpy(d->scheme, "https");
		p = s + 8;
	}
	else if (!strncmp(s, "http://", 7)) {
		strcpy(d->scheme, "http");
		p = s + 7;
	}
	else {
		return EINVAL;
	}

	at = strchr(p, '@');
	slash = strchr(p, '/');
	if (!at || !slash || at > slash || at == p)
		return EINVAL;

	/* PUBLIC_KEY[:SECRET]; the secret (legacy) is never used */
	n = strcspn(p, ":@");
	if (n == 0 || n >= sizeof(d->key))
		return EINVAL;
	memcpy(d->key, p, n);

	n = (size_t)(slash - (at + 1));
	if (n == 0 || n >= sizeof(d->host))
		return EINVAL;
	memcpy(d->host, at + 1, n);

	last = strrchr(slash, '/');
	n = strlen(last + 1);
	if (n == 0 || n >= sizeof(d->project) ||
	    strspn(last + 1, "0123456789") != n)
		return EINVAL;
	memcpy(d->project, last + 1, n);

	n = (size_t)(last - slash);
	if (n >= sizeof(d->path))
		return EINVAL;
	memcpy(d->path, slash, n);

	/* one '@' ends the user information: a host holding another one
	 * is a different host to libcurl ("k@127.0.0.1:@evil.example") */
	if (strpbrk(d->key, " \t\r\n\"") ||
	    strpbrk(d->host, " \t\r\n/?#@\\") ||
	    strpbrk(d->path, " \t\r\n?#"))
		return EINVAL;

	/* plain http only to this machine */
	if (!strcmp(d->scheme, "http") && !loopback(d->host))
		return EPROTONOSUPPORT;

	return 0;
}


int dsn_envelope_url(const struct dsn *d, char *buf, size_t sz)
{
	int n = snprintf(buf, sz, "%s://%s%s/api/%s/envelope/", d->scheme,
			 d->host, d->path, d->project);

	return (n < 0 || (size_t)n >= sz) ? ENAMETOOLONG : 0;
}


int dsn_auth_header(const struct dsn *d, char *buf, size_t sz)
{
	int n = snprintf(buf, sz, "X-Sentry-Auth: Sentry sentry_version=7,"
			 " sentry_client=octasip/%s, sentry_key=%s",
			 OCTASIP_VERSION, d->key);

	return (n < 0 || (size_t)n >= sz) ? ENAMETOOLONG : 0;
}


static void iso_time(int64_t t, char *buf, size_t sz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm))
		(void)snprintf(buf, sz, "1970-01-01T00:00:00Z");
}


int envelope_build(const char *dsn, const char *event_id,
		   const char *payload, size_t plen, int64_t now,
		   char **outp, size_t *outlen)
{
	char ts[32], *out;
	size_t sz;
	int n;

	if (!dsn || !event_id || !payload || !outp || !outlen ||
	    strpbrk(dsn, "\"\\\n") || !report_id_valid(event_id))
		return EINVAL;

	iso_time(now, ts, sizeof(ts));

	sz = plen + strlen(dsn) + 256;
	out = malloc(sz);
	if (!out)
		return ENOMEM;

	n = snprintf(out, sz, "{\"event_id\":\"%s\",\"dsn\":\"%s\","
		     "\"sent_at\":\"%s\"}\n{\"type\":\"event\","
		     "\"length\":%zu,\"content_type\":\"application/json\"}"
		     "\n", event_id, dsn, ts, plen);
	if (n < 0 || (size_t)n + plen + 2 > sz) {
		free(out);
		return ENOMEM;
	}

	memcpy(out + n, payload, plen);
	out[n + plen] = '\n';
	out[n + plen + 1] = '\0';

	*outp = out;
	*outlen = (size_t)n + plen + 1;

	return 0;
}


int stats_event(const struct stats *st, const char *event_id, int64_t now,
		char **outp)
{
	char *json = NULL, *out;
	size_t sz;
	int err, n;

	err = stats_to_json(st, &json);
	if (err)
		return err;

	sz = strlen(json) + 512;
	out = malloc(sz);
	if (!out) {
		free(json);
		return ENOMEM;
	}

	n = snprintf(out, sz, "{\"event_id\":\"%s\",\"timestamp\":%" PRId64
		     ",\"platform\":\"native\",\"level\":\"info\","
		     "\"logger\":\"octasip_stats\",\"release\":\"octasip@%s\","
		     "\"message\":{\"formatted\":\"octasip usage "
		     "statistics\"},\"extra\":{\"usage\":%s}}", event_id,
		     now, OCTASIP_VERSION, json);
	free(json);
	if (n < 0 || (size_t)n >= sz) {
		free(out);
		return ENOMEM;
	}

	*outp = out;

	return 0;
}


int send_state_load(const char *crashdir, struct send_state *ss)
{
	char path[4200];
	uint8_t *buf = NULL;
	size_t len;
	long long next;
	unsigned f;
	int err;

	memset(ss, 0, sizeof(*ss));

	if (fio_path(path, sizeof(path), crashdir, SEND_STATE_FILE))
		return ENAMETOOLONG;

	err = fio_read_all(path, &buf, &len, 256);
	if (err == ENOENT)
		return 0;
	if (err)
		return err;

	/* a broken state file means "no wait", never "wait forever" */
	if (sscanf((char *)buf, "%lld %u", &next, &f) == 2 && next >= 0) {
		ss->next_attempt = next;
		ss->failures = f;
	}
	free(buf);

	return 0;
}


int send_state_save(const char *crashdir, const struct send_state *ss)
{
	char path[4200], line[64];
	int n;

	if (fio_path(path, sizeof(path), crashdir, SEND_STATE_FILE))
		return ENAMETOOLONG;

	n = snprintf(line, sizeof(line), "%" PRId64 " %u\n",
		     ss->next_attempt, ss->failures);

	return fio_write_atomic(path, line, (size_t)n, 0600);
}


struct xfer {
	atomic_bool *stop;
	int64_t retry_after;     /* -1: none seen */
	int64_t rate_limit;      /* -1: none seen */
};


static size_t on_header(char *b, size_t size, size_t nitems, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nitems;
	char line[256];

	if (n >= sizeof(line))
		return n;
	memcpy(line, b, n);
	line[n] = '\0';

	if (!strncasecmp(line, "Retry-After:", 12)) {
		char *end;
		long long v = strtoll(line + 12, &end, 10);

		/* an HTTP date is not parsed: the default wait applies */
		if (end != line + 12 && v >= 0)
			x->retry_after = v;
	}
	else if (!strncasecmp(line, "X-Sentry-Rate-Limits:", 21)) {
		char *end;
		long long v = strtoll(line + 21, &end, 10);

		if (end != line + 21 && v >= 0)
			x->rate_limit = v;
	}

	return n;
}


static size_t on_body(char *b, size_t size, size_t nmemb, void *arg)
{
	(void)b;
	(void)arg;

	return size * nmemb;
}


static int on_progress(void *arg, curl_off_t a, curl_off_t b,
		       curl_off_t c, curl_off_t d)
{
	struct xfer *x = arg;

	(void)a; (void)b; (void)c; (void)d;

	return x->stop && atomic_load(x->stop) ? 1 : 0;
}


/*
 * POST one envelope; *status 0 on a transport error.  P-NET-1: the one
 * request OctaSIP itself makes to another host (the crash endpoint, with
 * consent: P-NET-2).
 */
static int post(const struct curl_api *api, const struct dsn *d,
		const char *body, size_t len, atomic_bool *stop, long *status,
		int64_t *retry_after)
{
	char url[1024], auth[512];
	struct curl_slist *hdr = NULL, *h2;
	struct xfer x = {stop, -1, -1};
	void *u = NULL;
	CURL *c;
	CURLcode rc;
	int err;

	*status = 0;
	*retry_after = -1;

	err = dsn_envelope_url(d, url, sizeof(url));
	if (!err)
		err = dsn_auth_header(d, auth, sizeof(auth));
	if (!err)
		err = dsn_url_judge(api, url, &u);
	if (err)
		return err;

	c = api->easy_init();
	if (!c) {
		api->url_cleanup(u);
		return ENOMEM;
	}

	hdr = api->slist_append(hdr, auth);
	h2 = hdr ? api->slist_append(hdr, "Content-Type: "
				    "application/x-sentry-envelope") : NULL;
	if (!h2) {
		api->slist_free_all(hdr);
		api->easy_cleanup(c);
		api->url_cleanup(u);
		return ENOMEM;
	}
	hdr = h2;

	/* the very parse dsn_url_judge() approved */
	(void)api->setopt(c, CURLOPT_CURLU, u);
	(void)api->setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	(void)api->setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	(void)api->setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	(void)api->setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	(void)api->setopt(c, CURLOPT_NOSIGNAL, 1L);
	(void)api->setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	(void)api->setopt(c, CURLOPT_TIMEOUT, 30L);
	(void)api->setopt(c, CURLOPT_USERAGENT, "octasip/" OCTASIP_VERSION);
	(void)api->setopt(c, CURLOPT_HTTPHEADER, hdr);
	(void)api->setopt(c, CURLOPT_POSTFIELDS, body);
	(void)api->setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	(void)api->setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	(void)api->setopt(c, CURLOPT_HEADERDATA, &x);
	(void)api->setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	(void)api->setopt(c, CURLOPT_NOPROGRESS, 0L);
	(void)api->setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	(void)api->setopt(c, CURLOPT_XFERINFODATA, &x);

	rc = api->perform(c);
	if (rc == CURLE_OK) {
		(void)api->getinfo(c, CURLINFO_RESPONSE_CODE, status);
	}
	else {
		err = rc == CURLE_ABORTED_BY_CALLBACK ? ECANCELED : EIO;
	}

	*retry_after = x.retry_after >= 0 ? x.retry_after : x.rate_limit;

	api->slist_free_all(hdr);
	api->easy_cleanup(c);
	api->url_cleanup(u);

	return err;
}


/*
 * 2xx: 0; 429 / 5xx / transport: EAGAIN (state updated); 4xx: EPERM;
 * ENOSYS: libcurl cannot be loaded (nothing sent, state unchanged)
 */
static int deliver(const char *crashdir, const struct dsn *d,
		   const char *dsn, const char *id, const char *payload,
		   size_t plen, atomic_bool *stop, struct send_state *ss,
		   struct send_result *res)
{
	int64_t now = (int64_t)time(NULL), ra;
	const struct curl_api *api = NULL;
	char *env = NULL;
	size_t elen = 0;
	long status;
	int err;

	/*
	 * libcurl is loaded here, before the first transfer only.  A
	 * missing library is no failure of the server: no backoff, the
	 * report stays for a later run.
	 */
	err = curl_api_load(&api);
	if (err)
		return err;

	err = envelope_build(dsn, id, payload, plen, now, &env, &elen);
	if (err)
		return err;

	err = post(api, d, env, elen, stop, &status, &ra);
	free(env);
	res->http_status = status;

	if (err == ECANCELED)
		return EAGAIN;

	/* refused before any connection (dsn_url_judge()): no backoff */
	if (err == EPROTONOSUPPORT || err == EINVAL)
		return err;

	if (!err && status >= 200 && status < 300) {
		ss->failures = 0;
		ss->next_attempt = 0;
		return 0;
	}

	if (!err && status == 429) {
		if (ra < 0)
			ra = SEND_RETRY_AFTER_DEFAULT;
		if (ra > SEND_RETRY_AFTER_MAX)
			ra = SEND_RETRY_AFTER_MAX;
		ss->next_attempt = now + ra;
		res->retry_at = ss->next_attempt;
		(void)send_state_save(crashdir, ss);
		return EAGAIN;
	}

	if (!err && status >= 400 && status < 500)
		return EPERM;

	/* 5xx, other codes, transport errors: back off */
	{
		int64_t delay = 60;
		unsigned i;

		for (i = 1; i < ss->failures + 1 && delay < SEND_BACKOFF_MAX;
		     ++i)
			delay *= 2;
		if (delay > SEND_BACKOFF_MAX)
			delay = SEND_BACKOFF_MAX;
		if (ss->failures < 64)
			++ss->failures;
		ss->next_attempt = now + delay;
		res->retry_at = ss->next_attempt;
		(void)send_state_save(crashdir, ss);
	}

	return EAGAIN;
}


static int send_reports(const char *crashdir, const struct dsn *d,
			const char *dsn, atomic_bool *stop,
			struct send_state *ss, struct send_result *res)
{
	struct store_entry *v = NULL;
	size_t n = 0, i;
	int err;

	err = store_list(crashdir, &v, &n);
	if (err)
		return err;

	for (i = 0; i < n && !err; ++i) {

		char path[4200], rej[4300];
		uint8_t *buf = NULL;
		size_t len;

		if (stop && atomic_load(stop)) {
			err = EAGAIN;
			break;
		}

		/* consent may be revoked while we send */
		if (!consent_allows_upload(crashdir)) {
			err = EACCES;
			break;
		}

		if (store_report_path(path, sizeof(path), crashdir, v[i].id))
			continue;
		if (fio_read_all(path, &buf, &len, 1 << 20))
			continue;

		if (!valid_json((char *)buf, len)) {
			free(buf);
			(void)snprintf(rej, sizeof(rej), "%.*s.bad",
				       (int)(strlen(path) - 5), path);
			(void)rename(path, rej);
			continue;
		}

		err = deliver(crashdir, d, dsn, v[i].id, (char *)buf, len,
			      stop, ss, res);
		free(buf);

		if (!err) {
			(void)unlink(path);
			++res->sent;
		}
		else if (err == EPERM) {
			(void)snprintf(rej, sizeof(rej), "%.*s.rejected",
				       (int)(strlen(path) - 5), path);
			(void)rename(path, rej);
			++res->rejected;
			err = 0;
		}
	}

	free(v);

	return err;
}


static int send_stats(const char *crashdir, const struct dsn *d,
		      const char *dsn, atomic_bool *stop,
		      struct send_state *ss, struct send_result *res)
{
	char id[REPORT_ID_LEN + 1], path[4200];
	struct stats st;
	char *payload = NULL;
	int err;

	if (stats_load(crashdir, &st) || stats_empty(&st))
		return 0;

	err = report_new_id(id);
	if (!err)
		err = stats_event(&st, id, (int64_t)time(NULL), &payload);
	if (err)
		return err;

	err = deliver(crashdir, d, dsn, id, payload, strlen(payload), stop,
		      ss, res);
	free(payload);

	if (!err || err == EPERM) {
		/* sent (or refused for good): start counting anew */
		if (!fio_path(path, sizeof(path), crashdir, STATS_FILE))
			(void)unlink(path);
		res->stats_sent = !err;
		err = 0;
	}

	return err;
}


int sender_run(const char *crashdir, const char *dsn, bool with_stats,
	       atomic_bool *stop, struct send_result *res)
{
	struct send_state ss;
	struct dsn d;
	int err;

	if (!crashdir || !res)
		return EINVAL;

	memset(res, 0, sizeof(*res));

	if (!consent_allows_upload(crashdir))
		return EACCES;

	if (!dsn || !dsn[0])
		return ENOENT;

	err = dsn_parse(dsn, &d);
	if (err)
		return err == EPROTONOSUPPORT ? err : EINVAL;

	(void)send_state_load(crashdir, &ss);
	if (ss.next_attempt > (int64_t)time(NULL)) {
		res->retry_at = ss.next_attempt;
		return EAGAIN;
	}

	err = send_reports(crashdir, &d, dsn, stop, &ss, res);
	if (!err && with_stats)
		err = send_stats(crashdir, &d, dsn, stop, &ss, res);

	if (!err && (ss.failures || ss.next_attempt)) {
		ss.failures = 0;
		ss.next_attempt = 0;
	}
	if (!err)
		(void)send_state_save(crashdir, &ss);

	return err;
}
