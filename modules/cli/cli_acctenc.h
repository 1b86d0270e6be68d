/**
 * @file cli_acctenc.h  Encryption by default for `octasip account add`:
 *                      TLS signalling where the domain offers it, SRTP
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CLI_ACCTENC_H
#define OCTASIP_CLI_ACCTENC_H

#include <stddef.h>

struct acct_prms;

/*
 * For a new account aor: the transport and media encryption the user did
 * not choose (--transport, --mediaenc, a sips: or ;transport= AOR), as
 * octasip_policy_encryption in config asks: TLS if the AOR's domain
 * offers SIP over TLS with a certificate that verifies (DNS through the
 * config's dns_server, else the system's), SRTP media.  Recorded in ps;
 * one line on stdout says what was chosen and why.  0, or ENOMEM (a
 * failed look-up or handshake is a choice, not an error).
 */
int acctenc_choose(const char *config, const char *aor,
		   struct acct_prms *ps);

/* What an accounts line uses, for `account list`: tp "tls", "udp
 * (default)" ...; me "srtp-mand", "none" ... */
void acctenc_describe(const char *line, size_t len, char *tp, size_t tpsz,
		      char *me, size_t mesz);

#endif
