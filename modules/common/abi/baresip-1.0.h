/**
 * @file baresip-1.0.h  baresip 1.0.0's module interface (Debian 12)
 *
 * What only 1.0.0 has, around the declarations 1.0.0 and 1.1.0 share
 * (baresip-1.h, whose rules apply here too).  Modules include
 * common/bsip.h, never this file (cmake/BaresipAbi.cmake selects it).
 *
 * Facts of 1.0.0 this header relies on: enum ua_event numbered as below
 * (the fifth event is MWI_NOTIFY); the core keeps one current UA
 * (uag_current()), which the menu's commands act on and which must not
 * name a freed UA.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_ABI_BARESIP_1_0_H
#define OCTASIP_ABI_BARESIP_1_0_H

/*
 * User agent events, numbered as 1.0.0 numbers them.
 *
 * 1.1.0 inserts FALLBACK_OK/FAIL and CALL_ANSWERED and appends
 * MODULE and CUSTOM (baresip-1.1.h); 4.x replaces this API with
 * bevent_register().  Modules never see these numbers: the adapter maps
 * them to enum bsip_ev by the names uag_event_str() gives them, at
 * module init.
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

#include "common/abi/baresip-1.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The UA the menu's commands act on (gone from 1.1.0).  Weak: libre
 * loads modules with dlopen(RTLD_NOW), which would refuse a module built
 * for 1.0 in a 1.1.0 core with its own "undefined symbol" message before
 * the module's ABI stamp could say why; called only after the stamp.
 */
__attribute__((weak)) struct ua *uag_current(void);
__attribute__((weak)) void uag_current_set(struct ua *ua);

#ifdef __cplusplus
}
#endif

#endif /* OCTASIP_ABI_BARESIP_1_0_H */
