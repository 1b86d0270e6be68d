/**
 * @file bsip.h  OctaSIP's adapter to the baresip core
 *
 * Every OctaSIP module includes this file, and only this file, for the
 * baresip core.  It brings in the core's declarations for the ABI family
 * the build is for (generated/bsip_abi.h, chosen by
 * cmake/BaresipAbi.cmake):
 *
 *   1.0  common/abi/baresip-1.0.h  baresip 1.0.0, Debian 12
 *   1.1  common/abi/baresip-1.1.h  baresip 1.1.0, Debian 13
 *   4    common/abi/baresip-4.h    upstream 4.x, its installed baresip.h
 *
 * and declares what differs between them as one interface of our own
 * (events, below), implemented once per family in common/abi/adapt_*.c.
 * Modules use that interface and never test the family with #if.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_BSIP_H
#define OCTASIP_BSIP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <re.h>
#include "generated/octasip_version.h"
#include "generated/bsip_abi.h"

#ifdef __cplusplus
extern "C" {
#endif


/*
 * Modules are built with -fvisibility=hidden: a symbol of ours that a
 * future libre or baresip also defines must not take theirs over, or
 * theirs ours.  Only what the core or another module looks up by name is
 * exported: each module's `exports` and the call log's API table.
 */
#define OCTASIP_EXPORT __attribute__((visibility("default")))


/*
 * Events (adapter: common/abi/adapt_*.c)
 *
 * The events OctaSIP reacts to, under names of our own: 1.0 and 1.1
 * number baresip's enum ua_event differently, 4.x renames it enum
 * bevent_ev and passes a struct bevent.  The adapter maps the core's
 * events by name at module init; any other core event arrives as
 * BSIP_EV_OTHER (the control channel still forwards it whole).
 */
enum bsip_ev {
	BSIP_EV_OTHER = 0,
	BSIP_EV_REGISTERING,
	BSIP_EV_REGISTER_OK,
	BSIP_EV_REGISTER_FAIL,
	BSIP_EV_SHUTDOWN,
	BSIP_EV_CALL_INCOMING,
	BSIP_EV_CALL_RINGING,
	BSIP_EV_CALL_PROGRESS,
	BSIP_EV_CALL_ESTABLISHED,
	BSIP_EV_CALL_CLOSED,
	BSIP_EV_CALL_RTPESTAB,
	BSIP_EV_CALL_RTCP,
	BSIP_EV_CALL_MENC,
	BSIP_EV_VU_TX,
	BSIP_EV_VU_RX,
	BSIP_EV_CALL_LOCAL_SDP,
	BSIP_EV_CALL_REMOTE_SDP,
	BSIP_EV_MAX,
};

/* One core event, valid during the handler call only */
struct bsip_event {
	enum bsip_ev ev;
	struct ua *ua;          /* or NULL */
	struct call *call;      /* or NULL */
	const char *prm;        /* the event's text, never NULL */
	bool main_thread;       /* emitted on baresip's main thread */
	const void *native;     /* the core's own event (adapter only) */
};

typedef void (bsip_event_h)(const struct bsip_event *e, void *arg);

/*
 * Handlers run in registration order, across all modules, as the core's
 * own.  A module registers at most BSIP_EVENT_SLOTS handlers.
 *
 * The cores call handlers on the thread that emits the event.  That is
 * the main thread, except for module_event() called elsewhere: 4.10's
 * sndfile opens its files in the audio threads and reports each with
 * module_event() from there, into every handler, while the main thread
 * runs on.  A handler registered with bsip_event_register() sees main
 * thread events only (the others are not given to it); one registered
 * with bsip_event_register_any_thread() sees both and must tell them
 * apart (e->main_thread).
 */
#define BSIP_EVENT_SLOTS 4
int  bsip_event_register(bsip_event_h *h, void *arg);
int  bsip_event_register_any_thread(bsip_event_h *h, void *arg);
void bsip_event_unregister(bsip_event_h *h);

/* The core's name of the event ("CALL_INCOMING"), for logs */
const char *bsip_event_name(const struct bsip_event *e);

/*
 * The event as ctrl_tcp sends it: "type", "class", "accountaor",
 * "direction", "peeruri", "id", "param" added to od
 */
int  bsip_event_encode(struct odict *od, const struct bsip_event *e);

/*
 * The ABI stamp: is the running core the ABI family this module was
 * built for (BSIP_ABI_FAMILY), with every event OctaSIP needs under the
 * name it expects?  0, or EPROTO after one log line naming both, so a
 * module never loads into a core it would misread.
 */
int  bsip_abi_check(const char *modname);


/*
 * What else differs between the families (adapter: common/abi/adapt_*.c)
 */

/*
 * Before a module frees a UA it allocated: the core must keep no
 * pointer to it.  1.0.0 keeps one current UA (uag_current()), which is
 * moved to another UA; 1.1.0 and 4.x have none (adapt_1_0.c, adapt_1_1.c,
 * adapt_4.c).
 */
void bsip_ua_forget(struct ua *ua);

/*
 * P-TLS-1: the OpenSSL context (SSL_CTX *) of the core's SIP TLS
 * transport, or NULL if there is none, whose verify callback then
 * decides for every connection.
 *
 *   1.0       found in libre's transport list (no accessor); the core
 *             never verifies
 *   1.1       tls_openssl_context(uag_tls()), and libre 2.0.1's own
 *             per-connection check (sip_verify_server) is switched off,
 *             as on 4.x: it would replace the context's callback and
 *             require the connection's host name, refusing a certificate
 *             for the SIP domain on a connection to its SRV target
 *   4         tls_ssl_ctx(uag_tls()), and the core's own per-connection
 *             check (sip_verify_server) is switched off: it would replace
 *             the context's callback, and re 4.10 checks no host at all
 *             when the server is given by IP address (a CA-signed
 *             certificate for any other name passed, P-TLS-1's wrong-host
 *             test), nor does it know pinned certificates
 */
void *bsip_sip_tls_ctx(void);

/*
 * From the handler of an outgoing call's first local SDP offer
 * (BSIP_EV_CALL_LOCAL_SDP "offer", state OUTGOING) that is about to hang
 * the call up: keep the INVITE from going out before the hang-up.
 *
 *   1.0, 1.1  nothing (1.x sends the INVITE after the event, and a
 *             hang-up on the next loop turn CANCELs it once the first
 *             provisional response is in)
 *   4         the offer is made inside libre's send handler of the
 *             INVITE; an error there (bevent_set_error()) leaves the
 *             first transmission empty, and the hang-up on the next loop
 *             turn frees the transaction before its first retransmission
 *             (500 ms).  Without it the INVITE went out, and re 4.10
 *             drops an INVITE transaction hung up before any provisional
 *             response without a CANCEL: the far end rang and answered.
 */
void bsip_call_hold_invite(const struct bsip_event *e);


/*
 * OctaSIP helpers on top of the declarations (bsip.c)
 */

/* Route the shared code's olog() messages to baresip's log. */
void bsip_olog_attach(void);

/*
 * Was baresip started with -s (its own SIP trace, which takes libre's one
 * trace hook)?  Read from /proc/self/cmdline as baresip 1.0.0's getopt()
 * reads it.
 */
bool bsip_sip_trace_requested(void);

/*
 * What every OctaSIP module does first in its init: attach the shared
 * code's log to baresip's and check the ABI stamp (bsip_abi_check()).
 * Returns 0 or EPROTO.
 */
int bsip_module_init(const char *modname);

/* The account AOR of a UA, or "" */
const char *bsip_ua_aor(const struct ua *ua);

/* A hash key for a call pointer (libre hash tables keyed by call) */
uint32_t bsip_call_key(const struct call *call);

struct dirwatch;

/*
 * A dirwatch (dirwatch.h) read on baresip's event loop: h runs when its
 * descriptor is readable.  0, or errno with no watch left open.
 */
int  bsip_dirwatch_start(struct dirwatch *w, const char *dir,
			 const char *const *names, size_t n, unsigned flags,
			 fd_h *h, void *arg);

/* Stops listening and closes the watch (nothing if there is none) */
void bsip_dirwatch_stop(struct dirwatch *w);

/* In a watch's handler: true if a watched name changed or the watch
 * ended (then stopped: look the file up at each use from now on) */
bool bsip_dirwatch_read(struct dirwatch *w);


#ifdef __cplusplus
}
#endif

#endif /* OCTASIP_BSIP_H */
