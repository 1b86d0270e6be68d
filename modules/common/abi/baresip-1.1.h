/**
 * @file baresip-1.1.h  baresip 1.1.0's module interface (Debian 13)
 *
 * What only 1.1.0 has, around the declarations 1.0.0 and 1.1.0 share
 * (baresip-1.h, whose rules apply here too).  Modules include
 * common/bsip.h, never this file (cmake/BaresipAbi.cmake selects it).
 *
 * Facts of 1.1.0 (Debian 13's baresip-core 1.1.0 with libre 2.0.1) this
 * header relies on, against 1.0.0:
 *  - enum ua_event gains FALLBACK_OK and FALLBACK_FAIL after
 *    UNREGISTERING, CALL_ANSWERED after CALL_PROGRESS, and MODULE and
 *    CUSTOM before MAX: every number from MWI_NOTIFY on moves.
 *  - uag_current(), uag_current_set() and ua_aor() are gone: there is no
 *    core-wide current UA any more (the menu finds the UA per command).
 *  - uag_tls() is new: the struct tls of the SIP TLS transport (NULL
 *    without one).  libre 2.0.1 verifies a SIP TLS server per
 *    connection (tls_set_verify_server(): SSL_VERIFY_PEER and the
 *    connection's host name) when baresip's sip_verify_server is on,
 *    which it is by default as soon as sip_cafile or sip_capath is set.
 *  - auplay_write_h takes a struct auframe (OctaSIP has no player);
 *    struct aufilt, struct auframe and struct aufilt_prm are unchanged.
 *  - event_encode_dict() adds "remoteaudiodir" to a call's event.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_ABI_BARESIP_1_1_H
#define OCTASIP_ABI_BARESIP_1_1_H

/*
 * User agent events, numbered as 1.1.0 numbers them.  Modules never see
 * these numbers: the adapter maps them to enum bsip_ev by the names
 * uag_event_str() gives them, at module init.
 */
enum ua_event {
	UA_EVENT_REGISTERING = 0,
	UA_EVENT_REGISTER_OK,
	UA_EVENT_REGISTER_FAIL,
	UA_EVENT_UNREGISTERING,
	UA_EVENT_FALLBACK_OK,
	UA_EVENT_FALLBACK_FAIL,
	UA_EVENT_MWI_NOTIFY,
	UA_EVENT_SHUTDOWN,
	UA_EVENT_EXIT,
	UA_EVENT_CALL_INCOMING,
	UA_EVENT_CALL_RINGING,
	UA_EVENT_CALL_PROGRESS,
	UA_EVENT_CALL_ANSWERED,
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
	UA_EVENT_MODULE,
	UA_EVENT_CUSTOM,
	UA_EVENT_MAX,
};

#include "common/abi/baresip-1.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The SIP TLS transport's TLS context, or NULL (new in 1.1.0).  Weak,
 * as 1.0's uag_current(): a module built for 1.1 loaded into 1.0.0 gets
 * as far as its ABI stamp, which refuses it with one line.
 */
__attribute__((weak)) struct tls *uag_tls(void);

#ifdef __cplusplus
}
#endif

#endif /* OCTASIP_ABI_BARESIP_1_1_H */
