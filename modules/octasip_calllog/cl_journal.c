/**
 * @file cl_journal.c  calllog.db.journal: call records that survive a
 *                     process kill before the writer commits them
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/mapfile.h"
#include "cl_journal.h"


enum {
	HDR_SZ    = 4096,
	RESTART   = 32768,             /* all committed past this: back
					* to the ring's start (few pages
					* resident)                  */
	REC_MAGIC = 0x4c43524fu,       /* "ORCL"                    */
	PAD_MAGIC = 0x4c43504fu,       /* "OPCL"                    */
	NSTR      = 7,
	NULL_LEN  = 0xffff,
};

#define FILE_MAGIC 0x314a4c4353544f4fULL   /* "OOTSCLJ1"            */

struct fhdr {
	uint64_t magic;
	uint64_t cap;                  /* ring bytes                 */
	_Atomic uint64_t committed;    /* logical position           */
};

struct rhdr {
	_Atomic uint32_t magic;        /* stored last                */
	uint32_t len;                  /* whole record, 8-aligned    */
	uint64_t lpos;
	uint64_t sum;
};

struct rfix {
	int64_t started_at;
	int64_t answered_at;
	int64_t ended_at;
	int64_t updated_at;
	int32_t rx_lost;
	uint32_t rx_jitter_us;
	int32_t tx_lost;
	uint32_t tx_jitter_us;
	uint32_t rtt_us;
	uint16_t sip_code;
	uint8_t outgoing;
	uint8_t rtcp_valid;
	char ukey[CL_UKEY_LEN];
};

struct clj {
	struct mapfile mf;
	struct fhdr *hdr;
	uint8_t *ring;
	uint64_t cap;
	_Atomic uint64_t head;         /* next append position       */
	uint64_t replay_end;           /* head found at open         */
};


static uint64_t align8(uint64_t n)
{
	return (n + 7) & ~(uint64_t)7;
}


static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}

	return h;
}


static uint64_t rec_sum(uint32_t magic, uint32_t len, uint64_t lpos,
			const uint8_t *body, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ lpos;

	h = fnv(h, (const uint8_t *)&magic, sizeof(magic));
	h = fnv(h, (const uint8_t *)&len, sizeof(len));

	return fnv(h, body, n);
}


/* the file was (re)allocated zeroed: only the header is written */
static void header_init(struct clj *j)
{
	j->hdr->magic = FILE_MAGIC;
	j->hdr->cap = j->cap;
	atomic_store(&j->hdr->committed, 0);
}


/* The valid record at p, or NULL; *skip: bytes to the next one */
static const struct rhdr *rec_at(const struct clj *j, uint64_t p,
				 uint64_t *skip)
{
	uint64_t off = p % j->cap, room = j->cap - off;
	const struct rhdr *h;
	uint32_t magic;

	if (room < sizeof(*h)) {
		*skip = room;
		return NULL;
	}

	h = (const struct rhdr *)(const void *)(j->ring + off);
	magic = atomic_load_explicit(&h->magic, memory_order_acquire);
	*skip = 0;

	if ((magic != REC_MAGIC && magic != PAD_MAGIC) || h->lpos != p ||
	    h->len < sizeof(*h) || h->len % 8 || h->len > room)
		return NULL;

	/* a pad's body is not summed: it is never read */
	if (h->sum != rec_sum(magic, h->len, p, (const uint8_t *)(h + 1),
			      magic == PAD_MAGIC ? 0 : h->len - sizeof(*h)))
		return NULL;

	*skip = h->len;

	return h;
}


/* End of the valid records from the committed position on */
static uint64_t scan(const struct clj *j)
{
	uint64_t p = atomic_load(&j->hdr->committed), skip;

	for (;;) {
		const struct rhdr *h = rec_at(j, p, &skip);

		if (!h && !skip)
			return p;
		p += skip;
		if (p - atomic_load(&j->hdr->committed) > j->cap)
			return p - skip;
	}
}


static bool header_ok(int fd)
{
	struct fhdr h;

	return pread(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) &&
		h.magic == FILE_MAGIC && h.cap == CLJ_SIZE - HDR_SZ;
}


int clj_open(struct clj **jp, const char *path, bool create)
{
	struct clj *j;
	int err;

	if (!jp || !path)
		return EINVAL;

	j = calloc(1, sizeof(*j));
	if (!j)
		return ENOMEM;

	err = mapfile_open(&j->mf, path, CLJ_SIZE, create, header_ok);
	if (err) {
		free(j);
		return err;
	}

	j->hdr = (struct fhdr *)(void *)j->mf.map;
	j->ring = j->mf.map + HDR_SZ;
	j->cap = CLJ_SIZE - HDR_SZ;

	if (j->hdr->magic != FILE_MAGIC || j->hdr->cap != j->cap)
		header_init(j);

	j->replay_end = scan(j);
	atomic_store(&j->head, j->replay_end);

	*jp = j;

	return 0;
}


void clj_close(struct clj *j)
{
	if (!j)
		return;

	mapfile_close(&j->mf);
	free(j);
}


static size_t str_len(const char *s)
{
	return s ? strnlen(s, NULL_LEN - 1) : 0;
}


static uint8_t *put_str(uint8_t *p, const char *s)
{
	uint16_t n = s ? (uint16_t)str_len(s) : NULL_LEN;

	memcpy(p, &n, sizeof(n));
	p += sizeof(n);
	if (s) {
		memcpy(p, s, n);
		p += n;
	}

	return p;
}


/*
 * Append r (peer and name replaced by their stored forms); *endp: the
 * position after it.  ENOSPC: the ring holds only uncommitted records.
 */
int clj_append(struct clj *j, const struct cl_rec *r, const char *peer,
	       const char *name, uint64_t *endp)
{
	const char *strv[NSTR];
	uint64_t head, off, need, pad = 0;
	struct rfix fx;
	struct rhdr *h;
	uint8_t *p;
	size_t i, body = sizeof(fx);

	if (!j || !r || !r->status)
		return EINVAL;

	strv[0] = r->call_id;
	strv[1] = r->account;
	strv[2] = r->status;
	strv[3] = peer;
	strv[4] = name;
	strv[5] = r->reason;
	strv[6] = r->encryption;
	for (i = 0; i < NSTR; ++i)
		body += sizeof(uint16_t) + str_len(strv[i]);

	need = align8(sizeof(*h) + body);
	head = atomic_load_explicit(&j->head, memory_order_relaxed);
	off = head % j->cap;
	if (j->cap - off < need ||
	    (off > RESTART && head == atomic_load_explicit(
		    &j->hdr->committed, memory_order_acquire)))
		pad = j->cap - off;

	if (head + pad + need - atomic_load_explicit(&j->hdr->committed,
						      memory_order_acquire)
	    > j->cap)
		return ENOSPC;

	if (pad >= sizeof(*h)) {
		h = (struct rhdr *)(void *)(j->ring + off);
		h->len = (uint32_t)pad;
		h->lpos = head;
		h->sum = rec_sum(PAD_MAGIC, h->len, head, NULL, 0);
		atomic_store_explicit(&h->magic, PAD_MAGIC,
				      memory_order_release);
	}
	head += pad;

	memset(&fx, 0, sizeof(fx));
	fx.started_at = r->started_at;
	fx.answered_at = r->answered_at;
	fx.ended_at = r->ended_at;
	fx.updated_at = r->updated_at;
	fx.rx_lost = r->rtcp.rx_lost;
	fx.rx_jitter_us = r->rtcp.rx_jitter_us;
	fx.tx_lost = r->rtcp.tx_lost;
	fx.tx_jitter_us = r->rtcp.tx_jitter_us;
	fx.rtt_us = r->rtcp.rtt_us;
	fx.sip_code = r->sip_code;
	fx.outgoing = r->outgoing;
	fx.rtcp_valid = r->rtcp.valid;
	memcpy(fx.ukey, r->ukey, CL_UKEY_LEN);

	h = (struct rhdr *)(void *)(j->ring + head % j->cap);
	p = (uint8_t *)(h + 1);
	memcpy(p, &fx, sizeof(fx));
	p += sizeof(fx);
	for (i = 0; i < NSTR; ++i)
		p = put_str(p, strv[i]);
	memset(p, 0, need - sizeof(*h) - body);

	h->len = (uint32_t)need;
	h->lpos = head;
	h->sum = rec_sum(REC_MAGIC, h->len, head, (const uint8_t *)(h + 1),
			 need - sizeof(*h));
	atomic_store_explicit(&h->magic, REC_MAGIC, memory_order_release);

	head += need;
	atomic_store_explicit(&j->head, head, memory_order_release);
	if (endp)
		*endp = head;

	return 0;
}


static int get_str(const uint8_t **pp, const uint8_t *end, char **out)
{
	uint16_t n;

	if (end - *pp < (ptrdiff_t)sizeof(n))
		return EBADMSG;
	memcpy(&n, *pp, sizeof(n));
	*pp += sizeof(n);
	if (n == NULL_LEN)
		return 0;
	if (end - *pp < (ptrdiff_t)n)
		return EBADMSG;

	*out = malloc((size_t)n + 1);
	if (!*out)
		return ENOMEM;
	memcpy(*out, *pp, n);
	(*out)[n] = '\0';
	*pp += n;

	return 0;
}


static int decode(const struct rhdr *h, struct cl_rec *r)
{
	const uint8_t *p = (const uint8_t *)(h + 1);
	const uint8_t *end = (const uint8_t *)h + h->len;
	char *strv[NSTR] = {NULL};
	struct rfix fx;
	size_t i;
	int err = 0;

	if (end - p < (ptrdiff_t)sizeof(fx))
		return EBADMSG;
	memcpy(&fx, p, sizeof(fx));
	p += sizeof(fx);

	for (i = 0; i < NSTR && !err; ++i)
		err = get_str(&p, end, &strv[i]);

	memset(r, 0, sizeof(*r));
	if (!err && cl_status_from_name(strv[2], &r->status))
		err = EBADMSG;
	free(strv[2]);
	if (err) {
		for (i = 0; i < NSTR; ++i)
			if (i != 2)
				free(strv[i]);
		memset(r, 0, sizeof(*r));
		return err;
	}

	r->call_id = strv[0];
	r->account = strv[1];
	r->peer_uri = strv[3];
	r->peer_name = strv[4];
	r->reason = strv[5];
	r->encryption = strv[6];
	r->peer_stored = true;
	r->outgoing = fx.outgoing;
	r->started_at = fx.started_at;
	r->answered_at = fx.answered_at;
	r->ended_at = fx.ended_at;
	r->updated_at = fx.updated_at;
	r->sip_code = fx.sip_code;
	r->duration_ms = -1;
	r->rtcp.valid = fx.rtcp_valid;
	r->rtcp.rx_lost = fx.rx_lost;
	r->rtcp.rx_jitter_us = fx.rx_jitter_us;
	r->rtcp.tx_lost = fx.tx_lost;
	r->rtcp.tx_jitter_us = fx.tx_jitter_us;
	r->rtcp.rtt_us = fx.rtt_us;
	memcpy(r->ukey, fx.ukey, CL_UKEY_LEN);
	r->ukey[CL_UKEY_LEN] = '\0';

	return 0;
}


/* Hand every record left uncommitted at open to h, oldest first */
int clj_replay(struct clj *j, clj_rec_h *h, void *arg)
{
	uint64_t p, skip;
	int err = 0;

	if (!j || !h)
		return EINVAL;

	p = atomic_load(&j->hdr->committed);
	while (!err && p < j->replay_end) {

		const struct rhdr *rh = rec_at(j, p, &skip);
		struct cl_rec r;

		if (!skip)
			break;

		p += skip;
		if (!rh || atomic_load(&rh->magic) != REC_MAGIC)
			continue;

		if (decode(rh, &r))
			continue;

		err = h(&r, arg);
		cl_rec_reset(&r);
	}

	return err;
}


/*
 * Write-fault the page the next appends land on now (after the loop
 * turn's SIP replies), not in the next call's event handler before its
 * 200 OK: a page the kernel wrote back is write-protected again.
 */
void clj_prefault(struct clj *j)
{
	volatile uint8_t *p;
	uint64_t head, committed, off;

	if (!j)
		return;

	head = clj_head(j);
	committed = atomic_load_explicit(&j->hdr->committed,
					 memory_order_acquire);
	off = head % j->cap;

	/* only bytes of free space: the writer may be zeroing what is
	 * between committed and head, wherever that lies in the ring */
	if (j->cap - (head - committed) < 2048)
		return;

	p = j->ring + off;
	*p = *p;
	if (off / 4096 != (off + 1024) / 4096 && off + 1024 < j->cap) {
		p = j->ring + off + 1024;
		*p = *p;
	}

	/* where the ring starts over once everything is committed */
	if (off > RESTART && head == committed) {
		p = j->ring;
		*p = *p;
	}
}


uint64_t clj_replay_end(const struct clj *j)
{
	return j ? j->replay_end : 0;
}


uint64_t clj_head(const struct clj *j)
{
	return j ? atomic_load_explicit(&j->head, memory_order_acquire) : 0;
}


/* Bytes of the ring holding records not committed yet */
uint64_t clj_used(const struct clj *j)
{
	if (!j)
		return 0;

	return atomic_load_explicit(&j->head, memory_order_acquire) -
		atomic_load_explicit(&j->hdr->committed, memory_order_acquire);
}


/*
 * Records before end are in calllog.db: zero them (nothing stays behind
 * in the journal that a purge removed from the database) and move the
 * committed position on.
 */
void clj_commit(struct clj *j, uint64_t end)
{
	uint64_t p, head, skip;

	if (!j)
		return;

	head = clj_head(j);
	if (end > head)
		end = head;

	/* record by record: a pad's body is not touched (it may span
	 * most of the ring, whose pages need not become resident) */
	p = atomic_load(&j->hdr->committed);
	while (p < end) {

		const struct rhdr *h = rec_at(j, p, &skip);
		uint8_t *at = j->ring + p % j->cap;

		if (!skip)
			break;
		if (h)
			memset(at, 0, atomic_load(&h->magic) == PAD_MAGIC ?
			       sizeof(*h) : h->len);
		p += skip;
	}

	if (end > atomic_load(&j->hdr->committed))
		atomic_store_explicit(&j->hdr->committed, end,
				      memory_order_release);
}
