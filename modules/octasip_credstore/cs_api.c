/**
 * @file cs_api.c  The credential store's API for other modules: the realm
 *                 of an account's vault record, and pinning one (P-CRED-3)
 *
 * The policy's realm pin (octasip_policy/realmpin.c) asks for the record's
 * realm, and hands over the realm of an account's first successful
 * registration when the record has none.  That realm is written to the
 * vault by a 0 ms timer, never inside the event or libre's auth handler:
 * the vault file is read again with the key already held (so a change the
 * octasip tool made since is kept), the record gets the realm if it still
 * has none, and the vault is saved with vault_save() (temp file, fsync,
 * rename, mode 0600; the previous vault becomes vault.bak).  The new
 * vault then replaces the one in memory.  A record that has a realm is
 * never changed.  Nothing here reads or logs a secret.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <string.h>
#include "common/bsip.h"
#include "common/credstore_api.h"
#include "vault.h"
#include "cs_api.h"


/* a realm to write: one per account that registered, so a few */
struct pin {
	struct le le;
	char aor[VREC_AOR_MAX];
	char realm[VREC_REALM_MAX];
};

#define PIN_RETRY_MS 100   /* the vault's lock was busy */

static struct {
	struct vault **vp;
	const char *path;
	struct list pins;
	struct tmr tmr;
} a;


static const struct vault_rec *record(const char *aor)
{
	if (!a.vp || !*a.vp || !aor)
		return NULL;

	return vault_find(*a.vp, aor);
}


static const char *realm_get(const char *aor)
{
	const struct vault_rec *r = record(aor);

	return r && r->realm[0] ? r->realm : NULL;
}


/* Reads the vault file again with the key we hold */
static int held_key(const struct vault_hdr *hdr, uint8_t *key,
		    char *errbuf, size_t errsz, void *arg)
{
	const struct vault *cur = arg;

	(void)hdr;
	(void)errbuf;
	(void)errsz;

	memcpy(key, cur->key, VAULT_KEY_LEN);

	return 0;
}


/* P-CRED-3: the realm of the first registration, kept in the vault */
static int write_pin(const struct pin *p)
{
	int lock_fd = -1;
	struct vault *nv = NULL;
	const struct vault_rec *r;
	char msg[1024] = "";
	int err;

	if (!*a.vp)
		return ENOENT;

	/* the octasip tool may be changing the vault: try again later */
	err = vault_lock(a.path, false, &lock_fd);
	if (err == EWOULDBLOCK)
		return EAGAIN;

	err = vault_open(&nv, a.path, held_key, *a.vp, msg, sizeof(msg));
	if (err) {
		vault_unlock(lock_fd);
		warning("octasip_credstore: %s: realm \"%s\" not pinned in"
			" the vault: %s\n", p->aor, p->realm, msg);
		return err;
	}

	r = vault_find(nv, p->aor);
	if (!r || r->realm[0]) {
		/* removed, or given a realm, since */
		vault_unlock(lock_fd);
		vault_free(nv);
		return r ? EEXIST : ENOENT;
	}

	err = vault_put(nv, r->aor, r->user, p->realm, r->secret);
	if (!err)
		err = vault_save(nv, a.path, true, msg, sizeof(msg));
	vault_unlock(lock_fd);
	if (err) {
		warning("octasip_credstore: %s: realm \"%s\" not pinned in"
			" the vault: %s\n", p->aor, p->realm,
			msg[0] ? msg : strerror(err));
		vault_free(nv);
		return err;
	}

	vault_free(*a.vp);
	*a.vp = nv;

	info("octasip_credstore: %s: realm \"%s\" pinned in the vault\n",
	     p->aor, p->realm);

	return 0;
}


static void pin_timer(void *arg)
{
	struct le *le;

	(void)arg;

	while ((le = list_head(&a.pins)) != NULL) {
		struct pin *p = le->data;

		if (write_pin(p) == EAGAIN) {
			/* the tool holds the vault's lock: not for long */
			tmr_start(&a.tmr, PIN_RETRY_MS, pin_timer, NULL);
			return;
		}
		list_unlink(le);
		mem_deref(p);
	}
}


static bool pin_queued(const char *aor)
{
	struct le *le;

	for (le = list_head(&a.pins); le; le = le->next) {
		const struct pin *p = le->data;

		if (aor_equal(p->aor, aor))
			return true;
	}

	return false;
}


static int realm_pin(const char *aor, const char *realm)
{
	const struct vault_rec *r = record(aor);
	struct pin *p;
	size_t i, n;

	if (!realm || !realm[0])
		return EINVAL;

	/* it came from the network: no control bytes, no quotes */
	n = strlen(realm);
	for (i = 0; i < n; ++i) {
		unsigned char c = (unsigned char)realm[i];

		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			return EINVAL;
	}
	if (n >= VREC_REALM_MAX)
		return ENAMETOOLONG;

	if (!r)
		return ENOENT;
	if (r->realm[0])
		return strcmp(r->realm, realm) ? EEXIST : 0;
	if (pin_queued(aor))
		return 0;

	p = mem_zalloc(sizeof(*p), NULL);
	if (!p)
		return ENOMEM;

	str_ncpy(p->aor, r->aor, sizeof(p->aor));
	str_ncpy(p->realm, realm, sizeof(p->realm));
	list_append(&a.pins, &p->le, p);
	tmr_start(&a.tmr, 0, pin_timer, NULL);

	return 0;
}


OCTASIP_EXPORT const struct credstore_api octasip_credstore_api_v1 = {
	CREDSTORE_API_VERSION,
	realm_get,
	realm_pin,
};


void cs_api_init(struct vault **vp, const char *path)
{
	a.vp = vp;
	a.path = path;
	list_init(&a.pins);
	tmr_init(&a.tmr);
}


void cs_api_close(void)
{
	tmr_cancel(&a.tmr);
	list_flush(&a.pins);
	a.vp = NULL;
	a.path = NULL;
}
