/**
 * @file cl_rec.c  One call-log row in memory
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "cl_rec.h"


static const char *const statusv[] = {
	CL_ST_IN_PROGRESS, CL_ST_ANSWERED, CL_ST_MISSED, CL_ST_REJECTED,
	CL_ST_BUSY, CL_ST_FAILED, CL_ST_CANCELLED, CL_ST_BLOCKED,
	CL_ST_INTERRUPTED,
};


const char *cl_direction(bool outgoing)
{
	return outgoing ? "outgoing" : "incoming";
}


bool cl_status_is(const struct cl_rec *r, const char *st)
{
	return r && r->status && st && !strcmp(r->status, st);
}


/* Map a status read from the database to the static string */
int cl_status_from_name(const char *name, const char **st)
{
	size_t i;

	for (i = 0; i < sizeof(statusv) / sizeof(statusv[0]); ++i) {
		if (name && !strcmp(name, statusv[i])) {
			*st = statusv[i];
			return 0;
		}
	}

	return ENOENT;
}


/* Replace *field by a copy of val cut at cap bytes (NULL clears it) */
int cl_rec_set(char **field, const char *val, size_t cap)
{
	char *s = NULL;
	size_t n;

	if (val) {
		n = strnlen(val, cap);
		s = malloc(n + 1);
		if (!s)
			return ENOMEM;
		memcpy(s, val, n);
		s[n] = '\0';
	}

	free(*field);
	*field = s;

	return 0;
}


void cl_rec_reset(struct cl_rec *r)
{
	if (!r)
		return;

	free(r->call_id);
	free(r->account);
	free(r->peer_uri);
	free(r->peer_name);
	free(r->reason);
	free(r->encryption);
	memset(r, 0, sizeof(*r));
}


int cl_rec_copy(struct cl_rec *dst, const struct cl_rec *src)
{
	int err = 0;

	memset(dst, 0, sizeof(*dst));
	*dst = *src;
	dst->call_id = dst->account = dst->peer_uri = NULL;
	dst->peer_name = dst->reason = dst->encryption = NULL;

	err |= cl_rec_set(&dst->call_id, src->call_id, CL_CAP_TEXT);
	err |= cl_rec_set(&dst->account, src->account, CL_CAP_URI);
	err |= cl_rec_set(&dst->peer_uri, src->peer_uri, CL_CAP_URI);
	err |= cl_rec_set(&dst->peer_name, src->peer_name, CL_CAP_NAME);
	err |= cl_rec_set(&dst->reason, src->reason, CL_CAP_TEXT);
	err |= cl_rec_set(&dst->encryption, src->encryption, CL_CAP_TEXT);
	if (err) {
		cl_rec_reset(dst);
		return ENOMEM;
	}

	return 0;
}


static uint8_t key_prefix[CL_UKEY_LEN / 4];
static atomic_uint_fast64_t key_count;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;


static void key_init(void)
{
	randombytes_buf(key_prefix, sizeof(key_prefix));
}


/*
 * A row key: 64 random bits drawn once per process, then a counter, so
 * that a call start costs no getrandom() system call.  Keys of one
 * process never repeat; two processes share a prefix with probability
 * 2^-64.
 */
void cl_rec_new_key(struct cl_rec *r)
{
	uint8_t b[CL_UKEY_LEN / 2];
	uint64_t n;
	size_t i;

	(void)pthread_once(&key_once, key_init);
	n = atomic_fetch_add(&key_count, 1) + 1;

	memcpy(b, key_prefix, sizeof(key_prefix));
	for (i = 0; i < sizeof(b) - sizeof(key_prefix); ++i)
		b[sizeof(b) - 1 - i] = (uint8_t)(n >> (8 * i));

	(void)sodium_bin2hex(r->ukey, sizeof(r->ukey), b, sizeof(b));
}


int64_t cl_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);

	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


/* answered to ended; 0 if never answered; -1 while in progress */
int64_t cl_duration_ms(const struct cl_rec *r)
{
	if (!r->ended_at)
		return -1;

	if (!r->answered_at || r->ended_at < r->answered_at)
		return 0;

	return r->ended_at - r->answered_at;
}
