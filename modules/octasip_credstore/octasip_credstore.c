/**
 * @file octasip_credstore.c  OctaSIP secure credential store
 *
 * Loaded by baresip as: module (before module_tmp account.so)
 *
 * Opens the encrypted vault (<config dir>/vault) at init, before any
 * account exists, and hands each account its password:
 *  - on UA_EVENT_REGISTERING, which account.so fires for every account
 *    with regint != 0 before the first REGISTER and before its password
 *    prompt (so the prompt never appears);
 *  - in a 0 ms timer after init (inside re_main, after all modules are
 *    loaded, before any call) for the accounts that never register;
 *  - on an outgoing call's first SDP offer, for accounts created later
 *    (/uanew) that never register.  The digest is computed only when the
 *    401/407 arrives, so this is still in time.
 * An account without a secret in the vault gets one log line; it never
 * blocks or drops another account.
 *
 * The key is fetched once at init (keyring: synchronous D-Bus calls, so
 * never in an event handler) and kept in sodium_malloc'd memory, as are
 * the records.  Those pages are MADV_DONTDUMP (libsodium's sodium_malloc
 * does this on Linux; tests/unit/credstore checks /proc/self/smaps).  The
 * copy baresip keeps for the digest is ordinary heap, so by default the
 * module also sets RLIMIT_CORE to 0 while it runs.
 *
 * Configuration keys (in baresip's config file):
 *   octasip_credstore_key            auto|keyring|systemd|passphrase|
 *                                    keyfile: the source a new vault uses
 *                                    (octasip init, account add); the
 *                                    vault header says which one it uses.
 *                                    A mismatch is logged.  Default auto.
 *   octasip_credstore_credential     systemd credential name, default
 *                                    octasip-vault-key
 *   octasip_credstore_passphrase_fd  fd to read the passphrase from
 *                                    (passphrase source; also the
 *                                    OCTASIP_PASSPHRASE_FD variable)
 *   octasip_credstore_core_dumps     yes|no, default no: RLIMIT_CORE 0
 *
 * Commands:
 *   /credstore_reload   re-read the vault (same key), update and
 *                       re-register accounts whose secret changed
 *   /credstore_status   key source, records, accounts supplied/missing
 *                       (never a secret)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "bsip.h"
#include "fileio.h"
#include "keysrc.h"
#include "profile.h"
#include "vault.h"
#include "octasip_version.h"


struct warned {
	struct le le;
	char *aor;
};

static struct {
	struct vault *v;            /* open vault or NULL               */
	char profile[4096];
	char vault_path[4200];
	char cred_name[256];
	char cred_dir[4096];
	struct keysrc_opt ko;
	struct tmr tmr;
	struct list warned;         /* AORs already reported missing     */
	uint32_t supplied;
	uint32_t missing;
	bool core_dumps;
	uint64_t init_us;
} d;


static uint64_t now_us(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);

	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}


static void warned_destructor(void *arg)
{
	struct warned *w = arg;

	list_unlink(&w->le);
	mem_deref(w->aor);
}


/* true the first time aor is seen */
static bool warn_once(const char *aor)
{
	struct warned *w;
	struct le *le;

	for (le = list_head(&d.warned); le; le = le->next) {
		w = le->data;
		if (!str_casecmp(w->aor, aor))
			return false;
	}

	w = mem_zalloc(sizeof(*w), warned_destructor);
	if (!w)
		return true;

	if (str_dup(&w->aor, aor)) {
		mem_deref(w);
		return true;
	}

	list_append(&d.warned, &w->le, w);

	return true;
}


/* Gives the account its secret; returns true if something changed */
static bool apply(struct ua *ua)
{
	struct account *acc = ua_account(ua);
	const struct vault_rec *r;
	const char *aor, *cur;
	bool changed = false;

	if (!acc)
		return false;

	aor = account_aor(acc);
	r = d.v ? vault_find(d.v, aor) : NULL;

	if (!r) {
		if (account_auth_pass(acc) || !warn_once(aor))
			return false;

		++d.missing;
		warning("octasip_credstore: no secret for %s in the vault;"
			" it will not authenticate. Add one with: octasip"
			" account add %s\n", aor, aor);
		return false;
	}

	if (r->user[0]) {
		cur = account_auth_user(acc);
		if (!cur || strcmp(cur, r->user)) {
			(void)account_set_auth_user(acc, r->user);
			changed = true;
		}
	}

	cur = account_auth_pass(acc);
	if (!cur || strcmp(cur, r->secret)) {
		if (!account_set_auth_pass(acc, r->secret)) {
			if (!cur)
				++d.supplied;
			changed = true;
		}
	}

	return changed;
}


static void apply_all(void *arg)
{
	struct le *le;

	(void)arg;

	for (le = list_head(uag_list()); le; le = le->next)
		(void)apply(le->data);
}


static void ua_event_handler(struct ua *ua, enum ua_event ev,
			     struct call *call, const char *prm, void *arg)
{
	(void)arg;

	if (ev == UA_EVENT_REGISTERING) {
		(void)apply(ua);
	}
	else if (ev == UA_EVENT_CALL_LOCAL_SDP && call &&
		 call_is_outgoing(call) && !str_casecmp(prm, "offer")) {
		(void)apply(ua);
	}
}


static void log_open_error(int err, const char *msg)
{
	warning("octasip_credstore: %s\n", msg);
	warning("octasip_credstore: no passwords supplied (%m); the other"
		" modules and accounts keep running\n", err);
}


static int vault_load(struct vault **vp)
{
	char msg[1024] = "";
	int err;

	err = vault_open(vp, d.vault_path, keysrc_get, &d.ko, msg,
			 sizeof(msg));
	if (err)
		log_open_error(err, msg);

	return err;
}


/* Reads the vault again with the key we already hold (no D-Bus) */
static int cached_key(const struct vault_hdr *hdr, uint8_t *key,
		      char *errbuf, size_t errsz, void *arg)
{
	const struct vault *cur = arg;

	(void)hdr;

	if (!cur) {
		re_snprintf(errbuf, errsz, "no vault was open at start");
		return ENOENT;
	}

	memcpy(key, cur->key, VAULT_KEY_LEN);

	return 0;
}


static int cmd_reload(struct re_printf *pf, void *arg)
{
	struct vault *nv = NULL, *old = d.v;
	char msg[1024] = "";
	unsigned updated = 0;
	struct le *le;
	int err;

	(void)arg;

	err = vault_open(&nv, d.vault_path, cached_key, d.v, msg,
			 sizeof(msg));
	if (err == EKEYREJECTED) {
		(void)re_hprintf(pf, "credstore: the vault was re-keyed;"
				 " restart baresip to use the new key\n");
		return err;
	}
	if (err) {
		(void)re_hprintf(pf, "credstore: %s (kept the secrets"
				 " loaded before)\n", msg);
		return err;
	}

	d.v = nv;
	vault_free(old);
	list_flush(&d.warned);

	for (le = list_head(uag_list()); le; le = le->next) {

		struct ua *ua = le->data;

		if (!apply(ua))
			continue;

		++updated;
		if (account_regint(ua_account(ua)))
			(void)ua_register(ua);
	}

	info("octasip_credstore: vault reloaded, %zu records, %u accounts"
	     " updated\n", d.v->recc, updated);

	return re_hprintf(pf, "credstore: reloaded %zu records, %u accounts"
			  " updated\n", d.v->recc, updated);
}


static int cmd_status(struct re_printf *pf, void *arg)
{
	char where[512];
	struct le *le;
	int err;

	(void)arg;

	if (!d.v)
		return re_hprintf(pf, "credstore: no vault open (%s)\n",
				  d.vault_path);

	keysrc_describe(d.v->hdr.keysrc, &d.ko, where, sizeof(where));
	err = re_hprintf(pf, "credstore: vault %s\nkey source: %s\n"
			 "records: %zu\n", d.vault_path, where, d.v->recc);

	for (le = list_head(uag_list()); le; le = le->next) {
		struct account *acc = ua_account(le->data);

		err |= re_hprintf(pf, "  %s: %s\n", account_aor(acc),
				  vault_find(d.v, account_aor(acc)) ?
				  "secret from vault" : "no secret in vault");
	}

	return err;
}


static const struct cmd cmdv[] = {
	{"credstore_reload", 0, 0, "Re-read the credential vault",
	 cmd_reload},
	{"credstore_status", 0, 0, "Credential vault status", cmd_status},
};


static void read_config(void)
{
	char ks[32] = "auto";
	uint32_t fd;
	const char *env;

	d.core_dumps = false;
	(void)conf_get_bool(conf_cur(), "octasip_credstore_core_dumps",
			    &d.core_dumps);

	str_ncpy(d.cred_name, KEYSRC_CRED_DEFAULT, sizeof(d.cred_name));
	(void)conf_get_str(conf_cur(), "octasip_credstore_credential",
			   d.cred_name, sizeof(d.cred_name));

	env = getenv("CREDENTIALS_DIRECTORY");
	str_ncpy(d.cred_dir, env ? env : "", sizeof(d.cred_dir));

	d.ko.profile = d.profile;
	d.ko.cred_dir = d.cred_dir;
	d.ko.cred_name = d.cred_name;
	d.ko.pass_tty = false;    /* never prompt inside baresip */
	d.ko.pass_fd = -1;

	env = getenv("OCTASIP_PASSPHRASE_FD");
	if (env && *env)
		d.ko.pass_fd = atoi(env);
	if (0 == conf_get_u32(conf_cur(), "octasip_credstore_passphrase_fd",
			      &fd))
		d.ko.pass_fd = (int)fd;

	(void)conf_get_str(conf_cur(), "octasip_credstore_key", ks,
			   sizeof(ks));
	if (d.v && str_casecmp(ks, "auto") &&
	    str_casecmp(ks, keysrc_name(d.v->hdr.keysrc))) {
		warning("octasip_credstore: octasip_credstore_key is %s, but"
			" the vault's key is in %s; move it with: octasip"
			" vault rekey --to %s\n", ks,
			keysrc_name(d.v->hdr.keysrc), ks);
	}
}


static int module_init(void)
{
	uint64_t t0 = now_us();
	int err;

	err = bsip_module_init("octasip_credstore");
	if (err)
		return err;

	if (sodium_init() < 0)
		return ENOSYS;

	err = conf_path_get(d.profile, sizeof(d.profile));
	if (err)
		return err;
	err = fio_path(d.vault_path, sizeof(d.vault_path), d.profile,
		       PROFILE_VAULT);
	if (err)
		return err;

	list_init(&d.warned);
	tmr_init(&d.tmr);
	read_config();

	if (!fio_exists(d.vault_path)) {
		info("octasip_credstore: no vault at %s; accounts use"
		     " what the accounts file gives them\n", d.vault_path);
	}
	else if (vault_load(&d.v) == 0) {
		read_config();   /* the key source mismatch check */
		info("octasip_credstore: vault open (%s key, %zu records,"
		     " KDF %llu ms)\n", keysrc_name(d.v->hdr.keysrc),
		     d.v->recc, (unsigned long long)d.ko.kdf_ms);
	}

	/* the passphrase fd is spent: close it so no child inherits it */
	if (d.ko.pass_fd > 2)
		(void)close(d.ko.pass_fd);

	if (d.v && !d.core_dumps) {
		struct rlimit rl = {0, 0};

		if (setrlimit(RLIMIT_CORE, &rl) != 0)
			warning("octasip_credstore: cannot disable core"
				" dumps: %m\n", errno);
	}

	err = uag_event_register(ua_event_handler, NULL);
	if (err)
		return err;

	err = cmd_register(baresip_commands(), cmdv,
			   sizeof(cmdv) / sizeof(cmdv[0]));
	if (err)
		return err;

	tmr_start(&d.tmr, 0, apply_all, NULL);

	d.init_us = now_us() - t0;
	info("octasip_credstore: OctaSIP %s loaded (baresip API %s),"
	     " init %llu us\n", OCTASIP_VERSION, BSIP_API_VERSION,
	     (unsigned long long)d.init_us);

	return 0;
}


static int module_close(void)
{
	tmr_cancel(&d.tmr);
	cmd_unregister(baresip_commands(), cmdv);
	uag_event_unregister(ua_event_handler);
	list_flush(&d.warned);
	vault_free(d.v);
	d.v = NULL;

	debug("octasip_credstore: unloaded\n");

	return 0;
}


const struct mod_export exports = {
	"octasip_credstore",
	"application",
	module_init,
	module_close,
};
