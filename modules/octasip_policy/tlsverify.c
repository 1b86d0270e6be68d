/**
 * @file tlsverify.c  SIP over TLS authenticates the server
 *
 * P-TLS-1.  libre 1.1.0's SIP TLS transport completes the handshake with
 * any certificate: baresip creates its struct tls without peer
 * verification (SSL_VERIFY_NONE).  The adapter finds the transport's
 * OpenSSL context (bsip_sip_tls_ctx(), common/bsip.h: on 1.0 by the
 * layout of libre's transport list, from 1.1.0 on through uag_tls()),
 * and it gets:
 *  - the system CA store (SSL_CTX_set_default_verify_paths()), next to
 *    baresip's sip_cafile (loaded by baresip with tls_add_ca());
 *  - SSL_VERIFY_PEER with a callback: a chain that does not verify is
 *    refused unless the server certificate's SHA-256 fingerprint is
 *    pinned (octasip_policy_tls_pins).  A refused handshake fails before
 *    any SIP byte is sent; a warning names the certificate's subject and
 *    the reason, and baresip's registration or call fails.
 *  - the server certificate (depth 0) must name one of the hosts the UA
 *    means to talk to (subjectAltName, then CN: X509_check_host() or
 *    X509_check_ip_asc()): an account's AOR host or outbound proxy, or
 *    the request-URI host of an outgoing call (tlsverify_peer(), before
 *    its INVITE is sent).  libre opens the connection inside its
 *    transport with no hook saying which of them it is for, so a
 *    certificate valid for any of them is accepted.
 *  - a certificate verify callback around OpenSSL's chain check
 *    (cert_verify_cb()), which libre 2.0.1's per-connection
 *    verification (baresip 1.1.0's sip_verify_server) does not replace:
 *    there libre checks the connection's own host name, stronger than
 *    the hosts above, when it is a name; pins and the hosts above apply
 *    as on 1.0.0 otherwise.
 *
 * On 4.x the core's own check (sip_verify_server) is turned off by the
 * adapter so that this callback decides there too: libre's would replace
 * it, and checks no host name when the server is an IP address.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>
#include "common/bsip.h"
#include "tlsverify.h"


#define PINS_MAX      8
#define PEERS_MAX     8

static struct {
	uint8_t pin[PINS_MAX][32];
	size_t npin;
	char peer[PEERS_MAX][128];  /* hosts of the latest outgoing calls */
	unsigned npeer;
	SSL_CTX *ctx;
	bool refused;               /* this chain's refusal is logged */
} t;


static int hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}


/* "AB:CD:..." or "abcd..." -> 32 bytes; EINVAL */
static int pin_parse(const char *s, size_t len, uint8_t *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; ++i) {

		if (s[i] == ':')
			continue;
		if (!isxdigit((unsigned char)s[i]) || i + 1 >= len ||
		    !isxdigit((unsigned char)s[i + 1]) || n >= 32)
			return EINVAL;
		out[n++] = (uint8_t)(hexval((unsigned char)s[i]) << 4 |
				     hexval((unsigned char)s[i + 1]));
		++i;
	}

	return n == 32 ? 0 : EINVAL;
}


static bool pinned(X509 *cert)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	size_t i;

	if (!cert || !X509_digest(cert, EVP_sha256(), md, &mdlen) ||
	    mdlen != 32)
		return false;

	for (i = 0; i < t.npin; ++i) {
		if (!memcmp(t.pin[i], md, 32))
			return true;
	}

	return false;
}


static bool host_match(X509 *cert, const struct pl *host)
{
	char h[256];

	if (!pl_isset(host) || pl_strcpy(host, h, sizeof(h)))
		return false;

	return X509_check_ip_asc(cert, h, 0) == 1 ||
		X509_check_host(cert, h, 0, 0, NULL) == 1;
}


static bool uri_host_match(X509 *cert, const char *uri)
{
	struct uri u;
	struct pl pl;

	pl_set_str(&pl, uri);

	return !uri_decode(&u, &pl) && host_match(cert, &u.host);
}


/* does the certificate name a host the UA means to talk to? */
static bool host_known(X509 *cert)
{
	struct le *le;
	unsigned i;

	for (le = list_head(uag_list()); le; le = le->next) {

		const struct account *acc = ua_account(le->data);
		const struct sip_addr *a = account_laddr(acc);

		if (a && host_match(cert, &a->uri.host))
			return true;

		for (i = 0; i < 2; ++i) {
			const char *ob = account_outbound(acc, i);

			if (ob && uri_host_match(cert, ob))
				return true;
		}
	}

	for (i = 0; i < t.npeer && i < PEERS_MAX; ++i) {
		struct pl pl;

		pl_set_str(&pl, t.peer[i]);
		if (host_match(cert, &pl))
			return true;
	}

	return false;
}


/* one warning per refused certificate, naming it and the reason */
static int refuse(X509 *cert, const char *why, int depth)
{
	char subject[256] = "?";

	/* libre's TLS runs over its own BIO: no socket to name the peer
	 * by; the certificate names it (baresip then logs the account) */
	if (cert)
		(void)X509_NAME_oneline(X509_get_subject_name(cert), subject,
					sizeof(subject));

	warning("octasip_policy: TLS server certificate %s refused: %s"
		" (depth %d)\n", subject, why, depth);
	t.refused = true;

	return 0;
}


static int verify_cb(int ok, X509_STORE_CTX *store)
{
	X509 *cert = X509_STORE_CTX_get0_cert(store);
	int depth = X509_STORE_CTX_get_error_depth(store);

	/* P-TLS-1: the server certificate names a host we mean to reach */
	if (ok && depth == 0 && !host_known(cert) && !pinned(cert))
		return refuse(cert, "no host name of the accounts or calls",
			      depth);
	if (ok)
		return 1;

	/* P-TLS-1: a pinned server certificate stands for its chain */
	if (pinned(cert))
		return 1;

	return refuse(cert, X509_verify_cert_error_string(
			      X509_STORE_CTX_get_error(store)), depth);
}


/*
 * The whole check of a server's chain, for every connection.  libre
 * 2.0.1 (baresip 1.1.0 with sip_verify_server on, its default once
 * sip_cafile is set) gives each connection its own verify callback
 * (tls_set_verify_server()), which replaces verify_cb there, and the
 * connection's host name only when that is not an IP address.  This
 * callback is the context's and stays: OpenSSL checks the chain as
 * usual (with libre's host name and callback, or with verify_cb), then
 *  - P-TLS-1: without a host name to check, the server certificate must
 *    name a host of the accounts or calls, as verify_cb requires;
 *  - P-TLS-1: a pinned server certificate stands for its chain;
 *  - a refusal verify_cb did not log is logged here.
 * With libre 1.1.x (baresip 1.0.0) verify_cb runs inside and has done
 * all of it.
 */
static int cert_verify_cb(X509_STORE_CTX *store, void *arg)
{
	X509 *cert = X509_STORE_CTX_get0_cert(store);
	X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(store);
	int ok;
	(void)arg;

	t.refused = false;
	ok = X509_verify_cert(store) == 1;

	if (ok && !X509_VERIFY_PARAM_get0_host(vp, 0) &&
	    !host_known(cert) && !pinned(cert)) {
		X509_STORE_CTX_set_error(store,
					 X509_V_ERR_HOSTNAME_MISMATCH);
		return t.refused ? 0 : refuse(cert, "no host name of the"
					      " accounts or calls", 0);
	}
	if (ok)
		return 1;

	if (pinned(cert)) {
		X509_STORE_CTX_set_error(store, X509_V_OK);
		return 1;
	}

	return t.refused ? 0 : refuse(cert, X509_verify_cert_error_string(
					      X509_STORE_CTX_get_error(store)),
				      X509_STORE_CTX_get_error_depth(store));
}


int tlsverify_init(const char *pins)
{
	const char *p = pins;

	memset(&t, 0, sizeof(t));

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (t.npin >= PINS_MAX || pin_parse(p, len, t.pin[t.npin])) {
			warning("octasip_policy: octasip_policy_tls_pins: bad"
				" entry \"%b\" (expected a SHA-256"
				" fingerprint, 64 hex digits)\n", p, len);
			return EINVAL;
		}
		++t.npin;
		p = end ? end + 1 : NULL;
	}

	t.ctx = bsip_sip_tls_ctx();
	if (!t.ctx) {
		warning("octasip_policy: SIP TLS transport not found: server"
			" certificates are not verified\n");
		return ENOENT;
	}

	/* P-TLS-1 */
	(void)SSL_CTX_set_default_verify_paths(t.ctx);
	SSL_CTX_set_verify(t.ctx, SSL_VERIFY_PEER, verify_cb);
	SSL_CTX_set_cert_verify_callback(t.ctx, cert_verify_cb, NULL);

	return 0;
}


void tlsverify_peer(const char *uri)
{
	struct uri u;
	struct pl pl;

	if (!uri)
		return;

	pl_set_str(&pl, uri);
	if (uri_decode(&u, &pl) || u.host.l >= sizeof(t.peer[0]))
		return;

	(void)pl_strcpy(&u.host, t.peer[t.npeer % PEERS_MAX],
			sizeof(t.peer[0]));
	++t.npeer;
}


void tlsverify_close(void)
{
	/*
	 * Unloaded at run time (/rmmod), the context must not keep a
	 * callback into unloaded code.  At exit baresip frees its SIP stack
	 * and the context (ua_close(): uag_sip() is NULL then) before it
	 * unloads the modules: nothing to give back, and nothing to touch.
	 */
	if (t.ctx && bsip_sip_tls_ctx() == t.ctx) {
		SSL_CTX_set_cert_verify_callback(t.ctx, NULL, NULL);
		SSL_CTX_set_verify(t.ctx, SSL_VERIFY_NONE, NULL);
	}
	memset(&t, 0, sizeof(t));
}
