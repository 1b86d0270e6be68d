/**
 * @file sender.h  Delivery: Sentry envelopes over HTTPS (libcurl, loaded
 *                 on first use: curlapi.h)
 *
 * DSN: SCHEME://PUBLIC_KEY@HOST[:PORT][/PATH]/PROJECT_ID.  Reports go to
 * SCHEME://HOST[:PORT][/PATH]/api/PROJECT_ID/envelope/ with
 *   X-Sentry-Auth: Sentry sentry_version=7, sentry_client=octasip/VER,
 *                  sentry_key=PUBLIC_KEY
 *   Content-Type: application/x-sentry-envelope
 * and the body: an envelope header line {"event_id","dsn","sent_at"}, an
 * item header line {"type":"event","length":N,...} and the report.
 *
 * https is required, with certificate and host-name verification on;
 * plain http is accepted only for a loopback host (127.0.0.1, ::1,
 * localhost: tests and local relays).  No redirects are followed.
 *
 * sender_run() sends every pending report (oldest first), then the usage
 * statistics, only while consent is given for the current policy
 * version.  It never runs on baresip's main or audio thread (the module
 * gives it a worker thread; the octasip tool runs it directly).
 *   2xx         the report is deleted (statistics reset)
 *   429         nothing more until Retry-After (or X-Sentry-Rate-Limits;
 *               60 s if absent, at most 24 h) has passed
 *   5xx, error  retry later with exponential backoff (60 s doubling,
 *               at most 6 h)
 *   other 4xx   the report is renamed *.rejected: kept, never resent
 * A report that is not valid JSON is renamed *.bad and not sent.
 * The wait is kept in crash/send-state, so restarts honour it.  It does
 * not log (it may run on a worker thread): the caller reports res.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_SENDER_H
#define OCTASIP_SENDER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEND_STATE_FILE "send-state"
#define SEND_RETRY_AFTER_DEFAULT 60
#define SEND_RETRY_AFTER_MAX (24 * 3600)
#define SEND_BACKOFF_MAX (6 * 3600)

struct dsn {
	char scheme[8];
	char key[128];
	char host[256];          /* host[:port] as written */
	char path[256];          /* "" or "/prefix"        */
	char project[32];
};

int dsn_parse(const char *s, struct dsn *d);

/*
 * The URL the sender is about to use, parsed by libcurl's URL API (the
 * parse the transfer then uses, through CURLOPT_CURLU): *up on success.
 * EPROTONOSUPPORT if it is plain http to any host but this machine, as
 * libcurl sees the host; EINVAL if libcurl cannot parse it.
 */
struct curl_api;
int dsn_url_judge(const struct curl_api *api, const char *url,
		  void **up);
int dsn_envelope_url(const struct dsn *d, char *buf, size_t sz);
int dsn_auth_header(const struct dsn *d, char *buf, size_t sz);

/* the envelope of one event payload; *outp is malloc'd */
int envelope_build(const char *dsn, const char *event_id,
		   const char *payload, size_t plen, int64_t now,
		   char **outp, size_t *outlen);

/* the usage statistics as a Sentry event payload; *outp malloc'd */
struct stats;
int stats_event(const struct stats *st, const char *event_id, int64_t now,
		char **outp);

struct send_state {
	int64_t next_attempt;    /* Unix time; 0: now */
	unsigned failures;
};

int send_state_load(const char *crashdir, struct send_state *ss);
int send_state_save(const char *crashdir, const struct send_state *ss);

struct send_result {
	unsigned sent;           /* reports accepted     */
	unsigned rejected;       /* reports refused (4xx) */
	bool stats_sent;
	long http_status;        /* last status, 0: none */
	int64_t retry_at;        /* when deferred         */
};

/*
 * libcurl is not linked: the first transfer loads it (curlapi.h), on the
 * caller's thread.  sender_global_cleanup() undoes curl_global_init() if
 * it was done; call it when no sender_run() is running (module close).
 */
void sender_global_cleanup(void);

/*
 * Send what is pending.  Returns 0 (all sent or nothing to send),
 * EACCES (no consent: nothing sent), ENOENT (no DSN), EINVAL (bad DSN),
 * EAGAIN (deferred: 429, backoff, or a failure just now; see retry_at),
 * ENOSYS (libcurl cannot be loaded, curl_api_error() says why: nothing
 * sent, reports and the wait state unchanged).
 * stop (may be NULL) aborts a transfer in progress.
 */
int sender_run(const char *crashdir, const char *dsn, bool with_stats,
	       atomic_bool *stop, struct send_result *res);

#endif
