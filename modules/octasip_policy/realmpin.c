/**
 * @file realmpin.c  Digest credentials only for the account's own realm
 *
 * P-CRED-3.  libre 1.1.0 answers any 401/407 challenge with a digest of
 * the account's password (baresip's account_auth() ignores the realm),
 * so a hostile peer that challenges an INVITE with its own realm gets a
 * digest it can attack offline.  The account's realm is its vault
 * record's (`octasip account add --realm`, asked of the credential
 * store through credstore_api.h at REGISTERING and at every challenge,
 * so also before any registration and for accounts that never
 * register).  A record without one is pinned at the account's first
 * successful registration: the realm that challenged the REGISTER that
 * then succeeded (BSIP_EV_REGISTER_OK) is held in memory and handed to
 * the credential store, which writes it into the record (realm_pin(),
 * off this handler), so it holds after a restart.  A record's realm is
 * never replaced by a registration's.
 *
 * The SIP trace hook (srcaddr.c) hands every received 401/407 here,
 * parsed from a copy, together with libre's own receive buffer: libre
 * calls the hook after it has parsed the response and before any of
 * its handlers read it, and its parse points into that buffer (libre
 * 1.1.0, 2.0.1 and 4.x: sip_recv in src/sip/transp.c).  A challenge
 * naming another realm (REGISTER or INVITE, 401 or 407) for an account
 * with a realm has its header value blanked there, in place: libre's
 * auth handler then finds no Digest challenge to answer (EBADMSG), so
 * no (Proxy-)Authorization header goes out at all, not even the user
 * name, and the registration or call fails.  A log line names the
 * realm and the account.  Limit: an account with no realm in its record
 * that has not registered yet has no realm to hold to (not checked).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <string.h>
#include "common/bsip.h"
#include "common/credstore_api.h"
#include "realmpin.h"


#define RP_ACCOUNTS  32
#define RP_REALM_MAX 128

static struct {
	struct {
		const struct ua *ua;
		char realm[RP_REALM_MAX];    /* the account's, or ""    */
		char pending[RP_REALM_MAX];  /* challenged a REGISTER   */
	} a[RP_ACCOUNTS];
	size_t n;
} r;

/* one received challenge: its UA and libre's receive buffer */
struct chall {
	struct ua *ua;
	const struct sip_msg *copy;  /* parsed from a copy of wire     */
	uint8_t *wire;               /* libre's own bytes of it         */
	size_t len;
};


static int entry(const struct ua *ua)
{
	size_t i;

	for (i = 0; i < r.n; ++i) {
		if (r.a[i].ua == ua)
			return (int)i;
	}
	if (r.n >= RP_ACCOUNTS)
		return -1;

	memset(&r.a[r.n], 0, sizeof(r.a[r.n]));
	r.a[r.n].ua = ua;

	return (int)r.n++;
}


/* the UA whose request this response answers: From is its AOR */
static struct ua *ua_of(const struct sip_msg *msg)
{
	struct le *le;

	for (le = list_head(uag_list()); le; le = le->next) {

		struct ua *ua = le->data;

		if (!pl_strcasecmp(&msg->from.auri, bsip_ua_aor(ua)))
			return ua;
	}

	return NULL;
}


/*
 * P-CRED-3: the challenge's value blanked in libre's buffer, where
 * libre's auth handler reads it next: no Digest to answer there
 */
static void withhold(const struct chall *c, const struct sip_hdr *hdr,
		     const struct pl *realm, const char *own)
{
	const uint8_t *p = (const uint8_t *)hdr->val.p;
	size_t off;

	off = (size_t)(p - c->copy->mb->buf);
	if (p < c->copy->mb->buf || hdr->val.l > c->len ||
	    off > c->len - hdr->val.l) {
		/* not seen: the copy is libre's bytes, parsed alike */
		warning("octasip_policy: %s: cannot withhold credentials"
			" from realm \"%r\"\n", bsip_ua_aor(c->ua), realm);
		return;
	}

	memset(c->wire + off, ' ', hdr->val.l);

	warning("octasip_policy: %s: credentials withheld from realm"
		" \"%r\" (the account's realm is \"%s\")\n",
		bsip_ua_aor(c->ua), realm, own);
}


/* P-CRED-3: the vault record's realm is the account's realm */
static void vault_realm(int i, const struct ua *ua)
{
	const struct credstore_api *api = credstore_api_get();
	const char *realm = api ? api->realm_get(bsip_ua_aor(ua)) : NULL;

	if (!realm || !strcmp(realm, r.a[i].realm) ||
	    strlen(realm) >= RP_REALM_MAX)
		return;

	str_ncpy(r.a[i].realm, realm, RP_REALM_MAX);
	info("octasip_policy: %s: realm \"%s\" (the vault record's)\n",
	     bsip_ua_aor(ua), r.a[i].realm);
}


static bool challenge(const struct sip_hdr *hdr, const struct sip_msg *msg,
		      void *arg)
{
	struct httpauth_digest_chall ch;
	const struct chall *c = arg;
	int i = entry(c->ua);

	if (i < 0 || httpauth_digest_challenge_decode(&ch, &hdr->val))
		return false;

	vault_realm(i, c->ua);

	/* P-CRED-3: no digest at all for another realm */
	if (r.a[i].realm[0]) {
		if (pl_strcmp(&ch.realm, r.a[i].realm))
			withhold(c, hdr, &ch.realm, r.a[i].realm);
	}
	else if (!pl_strcmp(&msg->cseq.met, "REGISTER") &&
		 ch.realm.l < RP_REALM_MAX) {
		(void)re_snprintf(r.a[i].pending, RP_REALM_MAX, "%r",
				  &ch.realm);
	}

	return false;
}


void realmpin_challenge(const struct sip_msg *msg, uint8_t *wire,
			size_t len)
{
	struct chall c;

	if (!msg || !wire || (msg->scode != 401 && msg->scode != 407))
		return;

	c.ua = ua_of(msg);
	if (!c.ua)
		return;
	c.copy = msg;
	c.wire = wire;
	c.len = len;

	(void)sip_msg_hdr_apply(msg, true, msg->scode == 401 ?
				SIP_HDR_WWW_AUTHENTICATE :
				SIP_HDR_PROXY_AUTHENTICATE, challenge, &c);
}


void realmpin_registering(struct ua *ua)
{
	int i = entry(ua);

	if (i >= 0)
		vault_realm(i, ua);
}


void realmpin_registered(struct ua *ua)
{
	const struct credstore_api *api;
	int i = entry(ua);
	int err;

	if (i < 0)
		return;

	/* a record's realm is never replaced by a registration's */
	vault_realm(i, ua);
	if (r.a[i].realm[0] || !r.a[i].pending[0])
		return;

	memcpy(r.a[i].realm, r.a[i].pending, RP_REALM_MAX);
	info("octasip_policy: %s: realm \"%s\" pinned (its first"
	     " registration)\n", bsip_ua_aor(ua), r.a[i].realm);

	/* P-CRED-3: and in the vault record, for the next start */
	api = credstore_api_get();
	err = api ? api->realm_pin(bsip_ua_aor(ua), r.a[i].realm) : ENOENT;
	if (err)
		info("octasip_policy: %s: realm \"%s\" held until baresip"
		     " stops, not in the vault (%m)\n", bsip_ua_aor(ua),
		     r.a[i].realm, err);
}


void realmpin_close(void)
{
	credstore_api_release();
	memset(&r, 0, sizeof(r));
}
