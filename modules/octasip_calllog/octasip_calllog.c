/**
 * @file octasip_calllog.c  OctaSIP call-log SQLite sink
 *
 * Loaded by baresip as: module_app
 *
 * Records every call baresip sees into <profile>/calllog.db, one row per
 * call, inserted when the call is first seen (in either direction) and
 * updated as it progresses (docs/calllog.md).  The event handler updates
 * a record in memory and appends it to <profile>/calllog.db.journal (a
 * shared mapping, cl_journal.c: survives a kill -9); a 0 ms timer after
 * the loop turn queues a copy of what changed, and a writer thread
 * (cl_writer.c) owns the database and commits in batches.  A received
 * BYE/CANCEL is seen through libre's SIP trace handler (not with -s).
 *
 * Configuration keys (in baresip's config file):
 *   octasip_calllog_peer            full|hash|none   (default full)
 *       full: peer URI and display name as received; hash: a keyed hash
 *       of the URI (key in calllog.db table meta) and no display name;
 *       none: neither.
 *   octasip_calllog_retention_days  days kept, 0 = forever (default 365)
 *   octasip_calllog_max_rows        history rows kept, 0 = no limit (default
 *                                   10000); refused calls: N/10 apart
 *   octasip_calllog_memory_only     yes|no: never write calllog.db
 *                                   (default no)
 *
 * Commands:
 *   /calllog [missed]   recent calls (this session and the newest stored
 *                       ones), or only missed ones
 *   /calllog_stats      writer state and time spent per event on the
 *                       main thread: thread CPU p50/p99 (one event in
 *                       8 sampled) and wall clock p50/p99/max,
 *                       microseconds
 *
 * Exported for other modules (modules/common/calllog_api.h):
 *   octasip_calllog_api_v1   blocked(), set_memory_only()
 *
 * The module's other files and their jobs: calllog.h.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "common/bsip.h"
#include "common/calllog_api.h"
#include "common/siptrace_api.h"
#include "common/dirwatch.h"
#include "common/fileio.h"
#include "common/perm.h"
#include "common/profile.h"
#include "cl_rec.h"
#include "cl_status.h"
#include "cl_db.h"
#include "cl_journal.h"
#include "cl_writer.h"
#include "generated/octasip_version.h"
#include "calllog.h"


/* the one state of the module's files (calllog.h) */
struct calllog_state d;


/*
 * The record's state into the journal, at once (a memcpy into a shared
 * mapping, no system call): from here on a kill -9 cannot lose it.
 * Peer fields go in as calllog.db stores them.
 */
void journal(struct callrec *cr)
{
	char peer[CL_CAP_URI + 1];
	const char *p = NULL, *name = NULL;
	int err;

	cr->rec.jend = 0;
	if (!d.j || d.memory_only)
		return;

	switch (d.peer) {

	case CL_PEER_FULL:
		p = cr->rec.peer_uri;
		name = cr->rec.peer_name;
		break;

	case CL_PEER_HASH:
		if (!d.hkey_ok)
			d.hkey_ok = clw_peer_key(d.w, d.hkey);
		/* not before the writer opened calllog.db (a few ms after
		 * start): such a record is only queued */
		if (!d.hkey_ok)
			return;
		if (cr->rec.peer_uri &&
		    !cl_peer_store(d.hkey, CL_PEER_HASH, cr->rec.peer_uri,
				   peer, sizeof(peer)))
			p = peer;
		break;

	default:
		break;
	}

	err = clj_append(d.j, &cr->rec, p, name, &cr->rec.jend);

	/* full once, when it starts; room again once, when it has drained
	 * to a quarter and nothing found it full for CL_JFULL_QUIET_MS: a
	 * flood that fills it again and again is two lines, not two per
	 * batch the writer commits */
	if (err == ENOSPC) {
		if (!d.jfull)
			warning("octasip_calllog: %s is full of records not"
				" yet written to calllog.db; further ones are"
				" kept in memory only until it drains\n",
				d.j_path);
		d.jfull = true;
		d.jfull_last = cl_now_ms();
		++d.jfull_missed;
	}
	else if (!err && d.jfull && clj_used(d.j) <= CLJ_SIZE / 4 &&
		 cl_now_ms() - d.jfull_last >= CL_JFULL_QUIET_MS) {
		info("octasip_calllog: %s has room again (%u record(s) were"
		     " kept in memory only meanwhile)\n", d.j_path,
		     d.jfull_missed);
		d.jfull = false;
		d.jfull_missed = 0;
	}
}


/* A copy of the record for the writer thread */
static void queue(struct callrec *cr)
{
	int err;

	err = clw_queue(d.w, &cr->rec);
	if (err)
		warning("octasip_calllog: cannot queue call record: %m\n",
			err);
}


static void flush_pending(void *arg)
{
	struct le *le;

	(void)arg;

	check_started();

	while ((le = list_head(&d.pending))) {
		list_unlink(le);
		queue(le->data);
	}

	clw_kick(d.w);
	if (d.j && clj_used(d.j) >= CLJ_SIZE / 2)
		clw_hurry(d.w);
	clj_prefault(d.j);
}


/*
 * A record changed.  The copy for the writer, the storage permission
 * check (a stat) and the writer's wakeup all wait for a 0 ms timer,
 * after this loop turn has sent its SIP replies (the 200 OK of an
 * answered call among them): an event handler only marks the record.
 */
static void flush_later(void)
{
	if (!tmr_isrunning(&d.tmr_wake))
		tmr_start(&d.tmr_wake, 0, flush_pending, NULL);
}


static void push(struct callrec *cr)
{
	cr->rec.updated_at = cl_now_ms();
	journal(cr);

	if (!cr->pe.list)
		list_append(&d.pending, &cr->pe, cr);

	flush_later();
}


static void callrec_destructor(void *arg)
{
	struct callrec *cr = arg;

	list_unlink(&cr->le);
	hash_unlink(&cr->he);
	hash_unlink(&cr->ie);
	list_unlink(&cr->pe);
	cl_rec_reset(&cr->rec);
}


/*
 * Every call event looks its record up: through a hash, so the cost does
 * not grow with the number of open calls (a walk would touch one cold
 * record per open call on each event, before the 200 OK among others).
 */
static struct callrec *callrec_find(const struct call *call)
{
	struct le *le;

	le = list_head(hash_list(d.bycall, bsip_call_key(call)));
	for (; le; le = le->next) {
		struct callrec *cr = le->data;

		if (cr->call == call)
			return cr;
	}

	return NULL;
}


/*
 * A received BYE or CANCEL (cl_trace.c) finds its record by the Call-ID:
 * through a second hash, for the same reason.  Of two open records with
 * one Call-ID, the one whose Call-ID became known first.
 */
struct callrec *callrec_find_id(const char *id)
{
	struct le *le;

	le = list_head(hash_list(d.byid, hash_joaat_str(id)));
	for (; le; le = le->next) {
		struct callrec *cr = le->data;

		if (!strcmp(cr->rec.call_id, id))
			return cr;
	}

	return NULL;
}


/* rec.call_id is set (once: it does not change): index it */
static void callrec_id(struct callrec *cr)
{
	if (!cr->rec.call_id || cr->ie.list)
		return;

	hash_append(d.byid, hash_joaat_str(cr->rec.call_id), &cr->ie, cr);
}


/*
 * The next refresh of in_progress rows: when the youngest answered
 * call's age has doubled (1 s, 2 s, 4 s, 8 s after its answer), then
 * every HEARTBEAT_MS.  A process killed during a call (no CALL_CLOSED)
 * leaves its row's updated_at, from which recovery takes the duration:
 * short of the true one by less than half of it (or 1 s), never by
 * HEARTBEAT_MS or more (docs/calllog.md).
 */
static uint64_t heartbeat_delay(void)
{
	uint64_t now = cl_now_ms(), delay = HEARTBEAT_MS;
	struct le *le;

	for (le = list_head(&d.calls); le; le = le->next) {
		const struct callrec *cr = le->data;
		uint64_t age;

		if (!cr->rec.answered_at)
			continue;
		age = now > (uint64_t)cr->rec.answered_at ?
			now - (uint64_t)cr->rec.answered_at : 0;
		if (age < HEARTBEAT_FIRST_MS)
			age = HEARTBEAT_FIRST_MS;
		if (age < delay)
			delay = age;
	}

	return delay;
}


static void heartbeat(void *arg)
{
	struct le *le;

	(void)arg;

	for (le = list_head(&d.calls); le; le = le->next)
		push(le->data);

	if (!list_isempty(&d.calls))
		tmr_start(&d.tmr_hb, heartbeat_delay(), heartbeat, NULL);
}


/*
 * The policy may record an incoming call as blocked (api_blocked()) before
 * this module has seen the call: the call is then already a row.  A call
 * whose Call-ID matches a blocked record of this session continues that
 * row (same ukey) and stays blocked, so it is logged exactly once.
 */
static void adopt_blocked(struct cl_rec *rec)
{
	uint32_t i;

	if (!rec->call_id || !d.nblocked)
		return;

	for (i = 0; i < d.nrecent; ++i) {

		const struct cl_rec *b = &d.recent[i];

		if (!cl_status_is(b, CL_ST_BLOCKED) || !b->call_id ||
		    strcmp(b->call_id, rec->call_id))
			continue;

		memcpy(rec->ukey, b->ukey, sizeof(rec->ukey));
		rec->status = CL_ST_BLOCKED;
		rec->started_at = b->started_at;
		rec->sip_code = b->sip_code;
		(void)cl_rec_set(&rec->reason, b->reason, CL_CAP_TEXT);
		return;
	}
}


/*
 * baresip 1.0.0 refuses some offers itself (call_accept(): 488 for no
 * common audio codec, which includes a plain offer to an account with
 * mandatory media encryption, or a wrong address family) before the
 * call has a Call-ID.  The INVITE's Call-ID still reaches the call
 * through each account's incoming-header filter (ua_add_xhdr_filter()),
 * which copies it into the call's custom headers; those are only sent
 * in an outgoing call's INVITE, never for an incoming call.
 */
static void callid_filters(void)
{
	struct le *le;

	for (le = list_head(uag_list()); le; le = le->next) {
		(void)ua_add_xhdr_filter(le->data, "Call-ID");
		(void)ua_add_xhdr_filter(le->data, "i");   /* compact */
	}
}


static int offer_callid(struct cl_rec *rec, const struct call *call)
{
	struct le *le;
	char id[256];

	for (le = list_head(call_get_custom_hdrs(call)); le; le = le->next) {

		const struct sip_hdr *h = le->data;

		if (pl_strcasecmp(&h->name, "Call-ID") &&
		    pl_strcasecmp(&h->name, "i"))
			continue;

		if (pl_strcpy(&h->val, id, sizeof(id)))
			return 0;

		return cl_rec_set(&rec->call_id, id, CL_CAP_TEXT);
	}

	return 0;
}


/* did the call's SDP offer carry media encryption (SDES or DTLS)? */
static bool offer_encrypted(const struct call *call)
{
	const struct sdp_media *m;

	m = stream_sdpmedia(audio_strm(call_audio(call)));
	if (!m)
		return false;

	return sdp_media_rattr(m, "crypto") != NULL ||
		sdp_media_rattr(m, "fingerprint") != NULL;
}


static struct callrec *callrec_new(struct ua *ua, const struct call *call)
{
	struct callrec *cr;
	int err = 0;

	cr = mem_zalloc(sizeof(*cr), callrec_destructor);
	if (!cr)
		return NULL;

	cr->call = call;
	cr->ua = ua;
	cr->rec.outgoing = call_is_outgoing(call);
	cr->rec.status = CL_ST_IN_PROGRESS;
	cr->rec.started_at = cl_now_ms();
	cl_rec_new_key(&cr->rec);

	err |= cl_rec_set(&cr->rec.account, bsip_ua_aor(ua), CL_CAP_URI);
	err |= cl_rec_set(&cr->rec.peer_uri, call_peeruri(call),
			  CL_CAP_URI);
	err |= cl_rec_set(&cr->rec.peer_name, call_peername(call),
			  CL_CAP_NAME);
	err |= cl_rec_set(&cr->rec.call_id, call_id(call), CL_CAP_TEXT);
	if (!err && !cr->rec.call_id && !cr->rec.outgoing)
		err = offer_callid(&cr->rec, call);
	if (err) {
		mem_deref(cr);
		return NULL;
	}

	adopt_blocked(&cr->rec);

	list_append(&d.calls, &cr->le, cr);
	hash_append(d.bycall, bsip_call_key(call), &cr->he, cr);
	callrec_id(cr);

	d.started = true;

	if (!tmr_isrunning(&d.tmr_hb))
		tmr_start(&d.tmr_hb, HEARTBEAT_MS, heartbeat, NULL);

	return cr;
}


/* Media encryption in use: the account's, once the stream is secure
 * where the method reports it (dtls_srtp) */
static void note_encryption(struct callrec *cr, struct ua *ua,
			    const struct call *call)
{
	const char *me = account_mediaenc(ua_account(ua));
	struct stream *strm = audio_strm(call_audio(call));

	if (!me || cr->rec.encryption)
		return;

	if (!strcmp(me, "dtls_srtp") && !(strm && stream_is_secure(strm)))
		return;

	(void)cl_rec_set(&cr->rec.encryption, me, CL_CAP_TEXT);
}


static bool note_rtcp(struct callrec *cr, const struct call *call)
{
	struct stream *strm = audio_strm(call_audio(call));
	const struct rtcp_stats *rs = strm ? stream_rtcp_stats(strm) : NULL;

	if (!rs || (!rs->rx.sent && !rs->tx.sent))
		return false;

	cr->rec.rtcp.valid = true;
	cr->rec.rtcp.rx_lost = rs->rx.lost;
	cr->rec.rtcp.rx_jitter_us = rs->rx.jit;
	cr->rec.rtcp.tx_lost = rs->tx.lost;
	cr->rec.rtcp.tx_jitter_us = rs->tx.jit;
	cr->rec.rtcp.rtt_us = rs->rtt;

	return true;
}


/* The record's last state, queued now: the record goes (its fields to
 * the recent list, not copied) */
static void callrec_done(struct callrec *cr)
{
	list_unlink(&cr->pe);
	cr->rec.updated_at = cl_now_ms();
	journal(cr);
	check_started();
	queue(cr);
	flush_later();
	recent_take(&cr->rec);
	mem_deref(cr);
}


static void call_closed(struct callrec *cr, struct ua *ua,
			const struct call *call, const char *prm)
{
	struct cl_close c;
	const char *st, *reason;

	memset(&c, 0, sizeof(c));
	c.outgoing = cr->rec.outgoing;
	c.answered = cr->rec.answered_at != 0;
	c.local = call_state(call) == CALL_STATE_TERMINATED &&
		strcmp(prm, "rtp stream error");
	c.scode = call_scode(call);
	c.prm = prm;
	c.peer_uri = call_peeruri(call);
	c.refused = !c.outgoing && call_state(call) == CALL_STATE_IDLE;
	c.plain_offer = c.refused &&
		account_mediaenc(ua_account(ua)) != NULL &&
		!offer_encrypted(call);

	st = cl_status_closed(&c, &reason);

	/* a row the policy marked blocked stays blocked */
	if (!cl_status_is(&cr->rec, CL_ST_BLOCKED)) {
		cr->rec.status = st;
		(void)cl_rec_set(&cr->rec.reason, reason, CL_CAP_TEXT);
	}

	cr->rec.ended_at = cl_now_ms();
	if (c.scode)
		cr->rec.sip_code = c.scode;
	if (c.refused)
		cr->rec.sip_code = 488;   /* what call_accept() sent */
	if (c.answered) {
		note_encryption(cr, ua, call);
		(void)note_rtcp(cr, call);
	}

	callrec_done(cr);
}


static void call_event(struct ua *ua, enum bsip_ev ev, struct call *call,
		       const char *prm)
{
	struct callrec *cr = callrec_find(call);
	bool dirty = false;

	if (!cr) {
		cr = callrec_new(ua, call);
		if (!cr) {
			warning("octasip_calllog: out of memory; call not"
				" logged\n");
			return;
		}
		dirty = true;
	}

	if (!cr->rec.call_id && call_id(call)) {
		(void)cl_rec_set(&cr->rec.call_id, call_id(call),
				 CL_CAP_TEXT);
		callrec_id(cr);
		dirty = true;
	}

	switch (ev) {

	case BSIP_EV_CALL_ESTABLISHED:
		if (!cr->rec.answered_at) {
			cr->rec.answered_at = cl_now_ms();
			note_encryption(cr, ua, call);
			dirty = true;
			/* its first refresh 1 s after the answer */
			if (tmr_get_expire(&d.tmr_hb) > HEARTBEAT_FIRST_MS)
				tmr_start(&d.tmr_hb, HEARTBEAT_FIRST_MS,
					  heartbeat, NULL);
		}
		break;

	case BSIP_EV_CALL_MENC:
		note_encryption(cr, ua, call);
		break;

	case BSIP_EV_CALL_RTCP:
		(void)note_rtcp(cr, call);
		break;

	case BSIP_EV_CALL_CLOSED:
		call_closed(cr, ua, call, prm);
		return;

	default:
		break;
	}

	if (dirty)
		push(cr);
}


/*
 * baresip destroys calls silently on shutdown (no CALL_CLOSED): close
 * them here.  Established calls end answered with reason "shutdown";
 * unanswered ones as if hung up here.
 */
static void finalise(const struct ua *ua)
{
	struct le *le = list_head(&d.calls);

	while (le) {
		struct callrec *cr = le->data;

		le = le->next;

		if (ua && cr->ua != ua)
			continue;

		if (!cl_status_is(&cr->rec, CL_ST_BLOCKED)) {
			if (cr->rec.answered_at)
				cr->rec.status = CL_ST_ANSWERED;
			else if (cr->rec.outgoing)
				cr->rec.status = CL_ST_CANCELLED;
			else
				cr->rec.status = CL_ST_MISSED;
			(void)cl_rec_set(&cr->rec.reason, "shutdown",
					 CL_CAP_TEXT);
		}
		cr->rec.ended_at = cl_now_ms();

		callrec_done(cr);
	}
}


static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	(void)clock_gettime(id, &ts);

	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}


/*
 * Every event's wall time is kept (CLOCK_MONOTONIC is read without a
 * system call); thread CPU time needs one, so it is read for one event in
 * CPU_SAMPLE.
 */
static void event_handler(const struct bsip_event *e, void *arg)
{
	struct ua *ua = e->ua;
	struct call *call = e->call;
	const char *prm = e->prm;
	enum bsip_ev ev = e->ev;
	bool cpu = (d.nevents % CPU_SAMPLE) == 0;
	uint64_t t0 = clock_ns(CLOCK_MONOTONIC), c0 = 0, dt, dc;

	(void)arg;

	if (cpu)
		c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);

	switch (ev) {

	case BSIP_EV_SHUTDOWN:
		finalise(ua);
		break;

	case BSIP_EV_VU_TX:
	case BSIP_EV_VU_RX:
		return;

	default:
		if (call)
			call_event(ua, ev, call, prm ? prm : "");
		else
			return;
		break;
	}

	dt = clock_ns(CLOCK_MONOTONIC) - t0;
	d.tsamp[d.ntsamp++ % TSAMPLES] = dt > UINT32_MAX ? UINT32_MAX :
		(uint32_t)dt;
	if (cpu) {
		dc = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
		d.csamp[d.ncsamp++ % TSAMPLES] = dc > UINT32_MAX ?
			UINT32_MAX : (uint32_t)dc;
	}
	++d.nevents;
}


/*
 * Cross-module API (calllog_api.h)
 */
static int api_blocked(const struct calllog_blocked *b)
{
	struct callrec *cr;
	struct cl_rec r;
	int err = 0;

	if (!b)
		return EINVAL;

	if (!d.w)
		return ENOENT;

	cr = b->call_id ? callrec_find_id(b->call_id) : NULL;
	if (cr) {
		cr->rec.status = CL_ST_BLOCKED;
		(void)cl_rec_set(&cr->rec.reason, b->rule, CL_CAP_TEXT);
		if (b->sip_code)
			cr->rec.sip_code = b->sip_code;
		push(cr);
		return 0;
	}

	memset(&r, 0, sizeof(r));
	cl_rec_new_key(&r);
	r.outgoing = b->direction && !strcmp(b->direction, "outgoing");
	r.status = CL_ST_BLOCKED;
	r.started_at = r.ended_at = r.updated_at = cl_now_ms();
	r.sip_code = b->sip_code;
	err |= cl_rec_set(&r.account, b->account ? b->account : "",
			  CL_CAP_URI);
	err |= cl_rec_set(&r.peer_uri, b->peer_uri, CL_CAP_URI);
	err |= cl_rec_set(&r.peer_name, b->peer_name, CL_CAP_NAME);
	err |= cl_rec_set(&r.call_id, b->call_id, CL_CAP_TEXT);
	err |= cl_rec_set(&r.reason, b->rule, CL_CAP_TEXT);

	update_mode();

	if (!err)
		err = clw_block(d.w, &r);
	if (!err)
		recent_take(&r);

	cl_rec_reset(&r);

	return err;
}


static int api_set_memory_only(bool on)
{
	if (!d.w)
		return ENOENT;

	d.api_memory_only = on;
	d.api_set = true;
	update_mode();

	return 0;
}


OCTASIP_EXPORT const struct calllog_api octasip_calllog_api_v1 = {
	CALLLOG_API_VERSION,
	api_blocked,
	api_set_memory_only,
};


/*
 * Writer reports arrive on the writer thread: hand them to the main
 * thread (baresip's log is not thread-safe), except while closing, when
 * the main thread is waiting for the writer.
 */
static void mq_handler(int id, void *data, void *arg)
{
	(void)arg;

	if (id == CLW_WARN)
		warning("octasip_calllog: %s\n", (char *)data);
	else
		info("octasip_calllog: %s\n", (char *)data);

	free(data);
}


static void writer_report(enum clw_level lvl, const char *msg, void *arg)
{
	char *m;

	(void)arg;

	if (atomic_load(&d.closing) || !d.mq) {
		mq_handler(lvl, strdup(msg), NULL);
		return;
	}

	m = strdup(msg);
	if (m && mqueue_push(d.mq, lvl, m))
		free(m);
}


static int read_config(void)
{
	char peer[16] = "full";
	struct conf *conf = conf_cur();

	d.peer = CL_PEER_FULL;
	d.retention_days = 365;
	d.max_rows = 10000;
	d.cfg_memory_only = false;

	(void)conf_get_str(conf, "octasip_calllog_peer", peer, sizeof(peer));
	if (cl_peer_mode_from_name(peer, &d.peer)) {
		warning("octasip_calllog: octasip_calllog_peer '%s' is not"
			" full, hash or none\n", peer);
		return EINVAL;
	}

	(void)conf_get_u32(conf, "octasip_calllog_retention_days",
			   &d.retention_days);
	(void)conf_get_u32(conf, "octasip_calllog_max_rows", &d.max_rows);
	(void)conf_get_bool(conf, "octasip_calllog_memory_only",
			    &d.cfg_memory_only);

	return 0;
}


static int module_init(void)
{
	struct clw_conf wc;
	char dir[PATH_SZ - 64];
	int err;

	d.watch.fd = -1;

	err = bsip_module_init("octasip_calllog");
	if (err)
		return err;

	if (sodium_init() < 0)
		return ENOSYS;

	err = read_config();
	if (err)
		return err;

	err = conf_path_get(dir, sizeof(dir));
	if (!err)
		err = fio_path(d.db_path, sizeof(d.db_path), dir,
			       PROFILE_CALLLOG);
	if (!err)
		err = fio_path(d.j_path, sizeof(d.j_path), dir,
			       PROFILE_CALLLOG CLJ_SUFFIX);
	if (!err)
		err = fio_path(d.perm_path, sizeof(d.perm_path), dir,
			       PROFILE_PERMISSIONS);
	if (err)
		return err;

	/* before the first read of the file: no change slips between */
	if (bsip_dirwatch_start(&d.watch, dir, (const char *const[]){
				PROFILE_PERMISSIONS}, 1, DIRWATCH_IN_PLACE,
				perm_changed, NULL))
		info("octasip_calllog: cannot watch %s: the storage"
		     " permission is looked up at every call start\n", dir);

	d.memory_only = d.cfg_memory_only || !calllog_storage_allowed();

	/* a second baresip on this profile (EBUSY) writes without one;
	 * with storage denied none is created (one left by an earlier
	 * process is opened so that the writer drops it) */
	err = clj_open(&d.j, d.j_path, !d.memory_only);
	if (err == ENOENT && d.memory_only)
		d.j = NULL;
	else if (err) {
		warning("octasip_calllog: no journal %s (%m): a kill -9"
			" can lose the last few milliseconds of calls\n",
			d.j_path, err);
		d.j = NULL;
	}

	err = hash_alloc(&d.bycall, CALL_BUCKETS);
	if (!err)
		err = hash_alloc(&d.byid, CALL_BUCKETS);
	if (err)
		return err;

	err = mqueue_alloc(&d.mq, mq_handler, NULL);
	if (err)
		return err;

	memset(&wc, 0, sizeof(wc));
	wc.path = d.db_path;
	wc.peer = d.peer;
	wc.retention_days = d.retention_days;
	wc.max_rows = d.max_rows;
	wc.memory_only = d.memory_only;
	wc.preload = RECENT_MAX;
	wc.reporth = writer_report;
	wc.journal = d.j;
	wc.batch_ms = d.j ? CLW_BATCH_JOURNAL_MS : CLW_BATCH_MS;

	err = clw_start(&d.w, &wc);
	if (err)
		return err;

	err = bsip_event_register(event_handler, NULL);
	if (err)
		return err;

	trace_start();

	/* module_app: account.so has made the accounts */
	callid_filters();

	err = cmd_register(baresip_commands(), calllog_cmdv,
			   calllog_cmdc);
	if (err)
		return err;

	info("octasip_calllog: OctaSIP %s loaded (baresip API %s); %s,"
	     " peer %s, retention %u days / %u rows\n", OCTASIP_VERSION,
	     BSIP_API_VERSION, d.memory_only ? "memory-only" : d.db_path,
	     cl_peer_mode_name(d.peer), d.retention_days, d.max_rows);

	return 0;
}


static int module_close(void)
{
	uint32_t i;

	cmd_unregister(baresip_commands(), calllog_cmdv);
	bsip_event_unregister(event_handler);
	trace_stop();
	tmr_cancel(&d.tmr_hb);
	tmr_cancel(&d.tmr_wake);

	/* a module unloaded with calls up (no SHUTDOWN seen) */
	if (d.w)
		finalise(NULL);

	atomic_store(&d.closing, true);
	clw_stop(d.w);
	d.w = NULL;
	clj_close(d.j);
	d.j = NULL;
	bsip_dirwatch_stop(&d.watch);
	sodium_memzero(d.hkey, sizeof(d.hkey));
	d.mq = mem_deref(d.mq);

	list_flush(&d.calls);
	d.bycall = mem_deref(d.bycall);
	d.byid = mem_deref(d.byid);
	for (i = 0; i < d.nrecent; ++i)
		cl_rec_reset(&d.recent[i]);

	memset(&d, 0, sizeof(d));

	debug("octasip_calllog: unloaded\n");

	return 0;
}


OCTASIP_EXPORT const struct mod_export exports = {
	"octasip_calllog",
	"application",
	module_init,
	module_close,
};
