/**
 * @file baresip-1.0.h  baresip 1.0.0's module interface (Debian 12)
 *
 * Debian 12 ships baresip-core 1.0.0 without a public header, so every
 * function, struct and enum an OctaSIP module uses from the baresip
 * executable is declared here, for this ABI family only.  Modules include
 * common/bsip.h, never this file (cmake/BaresipAbi.cmake selects it).
 *
 * Rules for this file:
 *  - Declare only what a module really calls.  tests/e2e/test_abi.py
 *    checks that every function below is exported by the baresip the
 *    build is for and that the event numbers match the names the running
 *    core gives them.
 *  - Struct layouts must match baresip 1.0.0 exactly; they are read or
 *    written by the core (aufilt on the audio thread).
 *  - Facts of 1.0.0 this header relies on: the core exports info(),
 *    warning() and debug(); events reach handlers registered with
 *    uag_event_register() in registration order; ua_aor() exists but is
 *    gone from 1.1.0 on (use account_aor()).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_ABI_BARESIP_1_0_H
#define OCTASIP_ABI_BARESIP_1_0_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <re.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Opaque core objects
 */
struct account;
struct audio;
struct call;
struct commands;
struct config;
struct contacts;
struct contact;
struct network;
struct stream;
struct ua;


/*
 * Logging (the core's log sink: console, syslog module, ...)
 */
void debug(const char *fmt, ...);
void info(const char *fmt, ...);
void warning(const char *fmt, ...);


/*
 * Account
 */
enum answermode {
	ANSWERMODE_MANUAL = 0,
	ANSWERMODE_EARLY  = 1,
	ANSWERMODE_AUTO   = 2,
};

const char *account_aor(const struct account *acc);
const char *account_auth_user(const struct account *acc);
const char *account_auth_pass(const struct account *acc);
int  account_set_auth_pass(struct account *acc, const char *pass);
int  account_set_auth_user(struct account *acc, const char *user);
int  account_set_answermode(struct account *acc, enum answermode mode);
enum answermode account_answermode(const struct account *acc);
const char *account_mediaenc(const struct account *acc);
uint32_t account_regint(const struct account *acc);
struct sip_addr *account_laddr(const struct account *acc);
const char *account_outbound(const struct account *acc, unsigned ix);


/*
 * Call
 */
enum vidmode {
	VIDMODE_OFF = 0,
	VIDMODE_ON  = 1,
};

enum call_state {
	CALL_STATE_IDLE = 0,
	CALL_STATE_INCOMING,
	CALL_STATE_OUTGOING,
	CALL_STATE_RINGING,
	CALL_STATE_EARLY,
	CALL_STATE_ESTABLISHED,
	CALL_STATE_TERMINATED,
	CALL_STATE_UNKNOWN,
};

const char   *call_id(const struct call *call);
const char   *call_peeruri(const struct call *call);
const char   *call_peername(const struct call *call);
const char   *call_localuri(const struct call *call);
bool          call_is_outgoing(const struct call *call);
enum call_state call_state(const struct call *call);
uint16_t      call_scode(const struct call *call);
uint32_t      call_duration(const struct call *call);
struct audio *call_audio(const struct call *call);
struct ua    *call_get_ua(const struct call *call);
struct account *call_account(const struct call *call);
struct call  *call_find_id(const struct list *calls, const char *id);
/* the INVITE headers an account's xhdr filter copied (struct sip_hdr) */
const struct list *call_get_custom_hdrs(const struct call *call);
int           call_progress(struct call *call);


/*
 * Audio (core)
 */
void audio_mute(struct audio *a, bool muted);
bool audio_ismuted(const struct audio *a);
struct stream *audio_strm(const struct audio *au);
struct sdp_media *stream_sdpmedia(const struct stream *strm);


/*
 * Media stream (core): RTCP summary (struct rtcp_stats is libre's) and
 * whether the media encryption reported the stream secure
 */
const struct rtcp_stats *stream_rtcp_stats(const struct stream *strm);
bool stream_is_secure(const struct stream *strm);

/*
 * Audio codec in use (1.0.0).  Only the leading fields are declared: read
 * them through the pointer audio_codec() returns, never allocate or copy
 * the struct.  PORT: 3.x keeps le, pt, name first.
 */
struct aucodec {
	struct le le;
	const char *pt;
	const char *name;
};

const struct aucodec *audio_codec(const struct audio *au, bool tx);


/*
 * Modules loaded at run time (path = module_path; name "x" or "x.so").
 * mod_find() (libre) needs the ".so" suffix.
 */
int  module_load(const char *path, const char *name);
void module_unload(const char *name);


/*
 * User agents and their events
 *
 * PORT: numbering is that of 1.0.0.  3.x renumbers (CALL_INCOMING is 10
 * there) and 4.x replaces this API with bevent_register().  Every module
 * runs bsip_abi_check() at init: it compares each number with the
 * name uag_event_str() gives it and refuses to load on a mismatch, so a
 * wrong number shows up as a failed load, not as a wrong branch.
 */
enum ua_event {
	UA_EVENT_REGISTERING = 0,
	UA_EVENT_REGISTER_OK,
	UA_EVENT_REGISTER_FAIL,
	UA_EVENT_UNREGISTERING,
	UA_EVENT_MWI_NOTIFY,
	UA_EVENT_SHUTDOWN,
	UA_EVENT_EXIT,
	UA_EVENT_CALL_INCOMING,
	UA_EVENT_CALL_RINGING,
	UA_EVENT_CALL_PROGRESS,
	UA_EVENT_CALL_ESTABLISHED,
	UA_EVENT_CALL_CLOSED,
	UA_EVENT_CALL_TRANSFER,
	UA_EVENT_CALL_TRANSFER_FAILED,
	UA_EVENT_CALL_DTMF_START,
	UA_EVENT_CALL_DTMF_END,
	UA_EVENT_CALL_RTPESTAB,
	UA_EVENT_CALL_RTCP,
	UA_EVENT_CALL_MENC,
	UA_EVENT_VU_TX,
	UA_EVENT_VU_RX,
	UA_EVENT_AUDIO_ERROR,
	UA_EVENT_CALL_LOCAL_SDP,
	UA_EVENT_CALL_REMOTE_SDP,
	UA_EVENT_MAX,
};

typedef void (ua_event_h)(struct ua *ua, enum ua_event ev,
			  struct call *call, const char *prm, void *arg);

int  uag_event_register(ua_event_h *eh, void *arg);
void uag_event_unregister(ua_event_h *eh);
const char *uag_event_str(enum ua_event ev);
struct list *uag_list(void);
struct sip  *uag_sip(void);   /* libre's SIP stack of every UA */
const char  *ua_cuser(const struct ua *ua);  /* Contact user (heap) */
void         uag_enable_sip_trace(bool enable);  /* baresip -s */
struct ua *uag_find_aor(const char *aor);
struct ua *uag_current(void);
void uag_current_set(struct ua *ua);
int  ua_alloc(struct ua **uap, const char *aor);

struct account *ua_account(const struct ua *ua);
struct list *ua_calls(const struct ua *ua);
int  ua_register(struct ua *ua);
/* copy this INVITE header into every incoming call (custom headers) */
int  ua_add_xhdr_filter(struct ua *ua, const char *hdr_name);
void ua_hangup(struct ua *ua, struct call *call,
	       uint16_t scode, const char *reason);
int  ua_answer(struct ua *ua, struct call *call, enum vidmode vmode);


/*
 * Commands (console, -e, octasip_ctrl, ctrl_tcp)
 *
 * The cmd array is kept by pointer: it must be static.  Long commands
 * receive key '/' and prm = the rest of the line, or NULL.
 */
enum {
	CMD_PRM = (1<<0),
};

struct cmd_arg {
	char key;
	char *prm;
	void *data;
};

struct cmd {
	const char *name;
	char key;
	int flags;
	const char *desc;
	re_printf_h *h;
};

struct commands *baresip_commands(void);
int  cmd_register(struct commands *commands,
		  const struct cmd *cmdv, size_t cmdc);
void cmd_unregister(struct commands *commands, const struct cmd *cmdv);
int  cmd_process_long(struct commands *commands, const char *str,
		      size_t len, struct re_printf *pf_resp, void *data);

/*
 * Event as ctrl_tcp sends it: adds "type", "class", "accountaor",
 * "direction", "peeruri", "id", "param" to od (1.0.0; PORT: 4.x has
 * bevent_odict_encode() instead)
 */
int  event_encode_dict(struct odict *od, struct ua *ua, enum ua_event ev,
		       struct call *call, const char *prm);


/*
 * Configuration: the parsed "config" file and the config directory
 */
typedef int (confline_h)(const struct pl *addr, void *arg);

struct conf *conf_cur(void);
int  conf_path_get(char *path, size_t sz);
int  conf_parse(const char *filename, confline_h *ch, void *arg);


/*
 * Contacts (the "contacts" file, loaded by contact.so)
 */
struct contacts *baresip_contacts(void);
struct contact *contact_find(const struct contacts *contacts,
			     const char *uri);
struct sip_addr *contact_addr(const struct contact *c);
struct list *contact_list(const struct contacts *contacts);
void contact_remove(struct contacts *contacts, struct contact *contact);


/*
 * Network (DNS client for libre's HTTP client)
 */
struct network *baresip_network(void);
struct dnsc *net_dnsc(const struct network *net);


/*
 * Audio filters (1.0.0 layout; PORT: 3.15 inserts "bool enabled" after
 * name in struct aufilt, and struct auframe grows)
 *
 * The encode handler runs on the audio source thread: no timers, no
 * ua_ or mem_ref/deref of shared objects, no I/O there.
 */
enum aufmt {
	AUFMT_S16LE = 0,
	AUFMT_PCMA,
	AUFMT_PCMU,
	AUFMT_FLOAT,
	AUFMT_S24_3LE,
};

struct auframe {
	int fmt;
	void *sampv;
	size_t sampc;
	uint64_t timestamp;
};

struct aufilt;

struct aufilt_enc_st {
	const struct aufilt *af;
	struct le le;
};

struct aufilt_dec_st {
	const struct aufilt *af;
	struct le le;
};

struct aufilt_prm {
	uint32_t srate;
	uint8_t ch;
	int fmt;
};

typedef int (aufilt_encupd_h)(struct aufilt_enc_st **stp, void **ctx,
			      const struct aufilt *af,
			      struct aufilt_prm *prm,
			      const struct audio *au);
typedef int (aufilt_encode_h)(struct aufilt_enc_st *st,
			      struct auframe *af);
typedef int (aufilt_decupd_h)(struct aufilt_dec_st **stp, void **ctx,
			      const struct aufilt *af,
			      struct aufilt_prm *prm,
			      const struct audio *au);
typedef int (aufilt_decode_h)(struct aufilt_dec_st *st,
			      struct auframe *af);

struct aufilt {
	struct le le;
	const char *name;
	aufilt_encupd_h *encupdh;
	aufilt_encode_h *ench;
	aufilt_decupd_h *decupdh;
	aufilt_decode_h *dech;
};

struct list *baresip_aufiltl(void);
void aufilt_register(struct list *aufiltl, struct aufilt *af);
void aufilt_unregister(struct aufilt *af);

#ifdef __cplusplus
}
#endif

#endif /* OCTASIP_ABI_BARESIP_1_0_H */
