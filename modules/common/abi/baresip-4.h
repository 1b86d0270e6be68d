/**
 * @file baresip-4.h  upstream baresip 4.x's module interface
 *
 * 4.x installs its public header, baresip.h (found through libbaresip's
 * pkg-config file, cmake/BaresipAbi.cmake); OctaSIP compiles against it
 * as it is.  This file adds only what OctaSIP's modules need and 4.x
 * does not have under the name 1.x gave it.  Modules include
 * common/bsip.h, never this file.
 *
 * 4.x facts relied on here:
 *  - info(), warning() and debug() are macros over _info(), _warning(),
 *    _debug() (baresip.h), not functions;
 *  - events: bevent_register(), enum bevent_ev (common/abi/adapt_4.c);
 *  - re took librem in (3.0): struct auframe, used by baresip.h's audio
 *    filters, is in <rem.h>;
 *  - re 4.x calls libre's ARRAY_SIZE() RE_ARRAY_SIZE();
 *  - libre exports tls_ssl_ctx() (src/tls/openssl/tls.c) but declares it
 *    in a private header; re 4.x has no tls_openssl_context().
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_ABI_BARESIP_4_H
#define OCTASIP_ABI_BARESIP_4_H

#include <re.h>
#include <rem.h>
#include <baresip.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) RE_ARRAY_SIZE(a)
#endif

struct ssl_ctx_st;
struct ssl_ctx_st *tls_ssl_ctx(const struct tls *tls);

#endif /* OCTASIP_ABI_BARESIP_4_H */
