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
 * The SIP trace hook (srcaddr.c) hands every received 401/407 here
 * before libre's auth handler reads it; a challenge naming another realm
 * (REGISTER or INVITE, 401 or 407) for an account with a realm gets a
 * throw-away random password in place of the real one
 * (account_set_auth_pass()), put back by a 0 ms timer after libre has
 * answered the challenge, so the digest that goes out is worthless and
 * the request fails.  A log line names the realm and the account.
 * Limits on baresip 1.0.0: the (Proxy-)Authorization header still goes
 * out with the user name (account_auth() cannot be made to fail), and
 * an account with no realm in its record that has not registered yet
 * has no realm to hold to (not checked).
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
#define RP_HELD      8

static struct {
	struct {
		const struct ua *ua;
		char realm[RP_REALM_MAX];    /* the account's, or ""    */
		char pending[RP_REALM_MAX];  /* challenged a REGISTER   */
	} a[RP_ACCOUNTS];
	size_t n;
	struct {
		struct account *acc;
		char *pass;                  /* the real one, to restore */
	} held[RP_HELD];
	size_t nheld;
	struct tmr tmr;
} r;


static void wipe_free(char *s)
{
	if (!s)
		return;
	memset(s, 0, strlen(s));
	mem_deref(s);
}


static void restore(void *arg)
{
	size_t i;

	(void)arg;

	for (i = 0; i < r.nheld; ++i) {
		(void)account_set_auth_pass(r.held[i].acc, r.held[i].pass);
		wipe_free(r.held[i].pass);
		r.held[i].pass = NULL;
	}
	r.nheld = 0;
}


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


static void withhold(struct ua *ua, const struct pl *realm, const char *own)
{
	struct account *acc = ua_account(ua);
	const char *pass = account_auth_pass(acc);
	char junk[33];

	if (!pass || r.nheld >= RP_HELD)
		return;
	if (str_dup(&r.held[r.nheld].pass, pass))
		return;

	/* P-CRED-3: libre's digest is made from a random throw-away */
	rand_str(junk, sizeof(junk));
	r.held[r.nheld].acc = acc;
	++r.nheld;
	(void)account_set_auth_pass(acc, junk);
	memset(junk, 0, sizeof(junk));
	tmr_start(&r.tmr, 0, restore, NULL);

	warning("octasip_policy: %s: credentials withheld from realm"
		" \"%r\" (the account's realm is \"%s\")\n",
		bsip_ua_aor(ua), realm, own);
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
	struct ua *ua = arg;
	int i = entry(ua);

	if (i < 0 || httpauth_digest_challenge_decode(&ch, &hdr->val))
		return false;

	vault_realm(i, ua);

	/* P-CRED-3: no real digest for another realm */
	if (r.a[i].realm[0]) {
		if (pl_strcmp(&ch.realm, r.a[i].realm)) {
			withhold(ua, &ch.realm, r.a[i].realm);
			return true;
		}
	}
	else if (!pl_strcmp(&msg->cseq.met, "REGISTER") &&
		 ch.realm.l < RP_REALM_MAX) {
		(void)re_snprintf(r.a[i].pending, RP_REALM_MAX, "%r",
				  &ch.realm);
	}

	return false;
}


void realmpin_challenge(const struct sip_msg *msg)
{
	struct ua *ua;

	if (!msg || (msg->scode != 401 && msg->scode != 407))
		return;

	ua = ua_of(msg);
	if (!ua)
		return;

	(void)sip_msg_hdr_apply(msg, true, msg->scode == 401 ?
				SIP_HDR_WWW_AUTHENTICATE :
				SIP_HDR_PROXY_AUTHENTICATE, challenge, ua);
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
	tmr_cancel(&r.tmr);
	restore(NULL);
	credstore_api_release();
	memset(&r, 0, sizeof(r));
}
