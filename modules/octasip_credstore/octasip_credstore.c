/**
 * @file octasip_credstore.c  OctaSIP secure credential store
 *
 * Loaded by baresip as: module (before module_tmp account.so)
 *
 * Opens the encrypted vault (<config dir>/vault) at init, before any
 * account exists, and hands each account its password:
 *  - on BSIP_EV_REGISTERING, which account.so fires for every account
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
 * Changes made while baresip runs (octasip account add/remove/import,
 * octasip vault rekey, or an editor that replaces the file) are picked
 * up by watching the profile directory (inotify on the event loop;
 * watch_start(), sync_timer()): the vault is re-read with the key
 * already held, accounts whose secret changed re-register, accounts new
 * in the accounts file are created and accounts gone from it are
 * deleted (once their calls have ended).  The CLI does not connect to
 * ctrl_tcp for this, so it never takes a ctrl_tcp client's connection
 * over.
 *
 * The key is fetched once at init (keyring: synchronous D-Bus calls, so
 * never in an event handler) and kept in sodium_malloc'd memory, as are
 * the records.  Those pages are MADV_DONTDUMP (libsodium's sodium_malloc
 * does this on Linux; tests/unit/credstore checks /proc/self/smaps).  The
 * copy baresip keeps for the digest is ordinary heap, so by default the
 * module also sets RLIMIT_CORE to 0 while it runs, and makes the process
 * non-dumpable (prctl PR_SET_DUMPABLE 0): other processes of the same
 * user can then neither ptrace it nor read its /proc/PID/mem or environ.
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
 *                                    and non-dumpable; yes leaves both
 *                                    alone (debugging)
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
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "common/bsip.h"
#include "common/dirwatch.h"
#include "common/fileio.h"
#include "acctfile.h"
#include "cs_api.h"
#include "keysrc.h"
#include "common/profile.h"
#include "vault.h"
#include "generated/octasip_version.h"


enum {
	SYNC_DELAY_MS = 200,    /* after the last change event: the CLI
				 * replaces vault, vault.bak, accounts */
	SYNC_RETRY_MS = 1000,   /* an account to delete still has calls */
};

/* dirwatch bits: the names watched in the profile directory */
enum {
	WATCH_VAULT    = 1 << 0,
	WATCH_ACCOUNTS = 1 << 1,
};

/* an AOR in a list: warned about, or in the accounts file */
struct aor_ent {
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
	char accounts_path[4200];
	struct dirwatch watch;      /* vault and accounts replaced       */
	struct tmr tmr_sync;
	unsigned pending;           /* WATCH_* bits not applied yet      */
	struct list known;          /* AORs of the accounts file, as last
				     * applied                           */
	uint32_t supplied;
	uint32_t missing;
	bool core_dumps;
	int open_err;               /* why the vault did not open, or 0  */
	uint64_t init_us;
} d;


static uint64_t now_us(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);

	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}


static void aor_ent_destructor(void *arg)
{
	struct aor_ent *e = arg;

	list_unlink(&e->le);
	mem_deref(e->aor);
}


static bool aor_listed(const struct list *l, const char *aor)
{
	struct le *le;

	for (le = list_head(l); le; le = le->next) {
		const struct aor_ent *e = le->data;

		if (!str_casecmp(e->aor, aor))
			return true;
	}

	return false;
}


static int aor_list_add(struct list *l, const char *aor)
{
	struct aor_ent *e;

	if (aor_listed(l, aor))
		return 0;

	e = mem_zalloc(sizeof(*e), aor_ent_destructor);
	if (!e)
		return ENOMEM;

	if (str_dup(&e->aor, aor)) {
		mem_deref(e);
		return ENOMEM;
	}

	list_append(l, &e->le, e);

	return 0;
}


static void aor_list_move(struct list *dst, struct list *src)
{
	struct le *le;

	while ((le = list_head(src)) != NULL) {
		void *data = le->data;

		list_unlink(le);
		list_append(dst, le, data);
	}
}


/* true the first time aor is seen */
static bool warn_once(const char *aor)
{
	if (aor_listed(&d.warned, aor))
		return false;

	(void)aor_list_add(&d.warned, aor);

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
		if (d.open_err == KEYSRC_ELOCKED) {
			warning("octasip_credstore: no secret for %s: the"
				" vault is not open (the keyring is locked,"
				" see above); it will not authenticate\n",
				aor);
			return false;
		}
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

	/* P-CRED-1: the password reaches baresip from the vault only */
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


static void ua_event_handler(const struct bsip_event *e, void *arg)
{
	struct ua *ua = e->ua;
	struct call *call = e->call;
	const char *prm = e->prm;
	enum bsip_ev ev = e->ev;
	(void)arg;

	if (ev == BSIP_EV_REGISTERING) {
		(void)apply(ua);
	}
	else if (ev == BSIP_EV_CALL_LOCAL_SDP && call &&
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
	d.open_err = err;

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


/*
 * Re-reads the vault with the key already held and re-registers the
 * accounts whose secret changed.  0, or errno with the reason in msg
 * (the secrets loaded before are kept).
 */
static int vault_reload(unsigned *updated, char *msg, size_t msgsz)
{
	struct vault *nv = NULL, *old = d.v;
	struct le *le;
	int err;

	*updated = 0;

	err = vault_open(&nv, d.vault_path, cached_key, d.v, msg, msgsz);
	if (err == EKEYREJECTED) {
		(void)re_snprintf(msg, msgsz, "the vault was re-keyed;"
				  " restart baresip to use the new key");
		return err;
	}
	if (err)
		return err;

	d.v = nv;
	vault_free(old);
	list_flush(&d.warned);

	for (le = list_head(uag_list()); le; le = le->next) {

		struct ua *ua = le->data;

		if (!apply(ua))
			continue;

		++*updated;
		if (account_regint(ua_account(ua)))
			(void)ua_register(ua);
	}

	info("octasip_credstore: vault reloaded, %zu records, %u accounts"
	     " updated\n", d.v->recc, *updated);

	return 0;
}


static int cmd_reload(struct re_printf *pf, void *arg)
{
	char msg[1024] = "";
	unsigned updated;
	int err;

	(void)arg;

	err = vault_reload(&updated, msg, sizeof(msg));
	if (err == EKEYREJECTED) {
		(void)re_hprintf(pf, "credstore: %s\n", msg);
		return err;
	}
	if (err) {
		(void)re_hprintf(pf, "credstore: %s (kept the secrets"
				 " loaded before)\n", msg);
		return err;
	}

	return re_hprintf(pf, "credstore: reloaded %zu records, %u accounts"
			  " updated\n", d.v->recc, updated);
}


/* ---- the accounts file, changed while baresip runs ----------------- */

static struct ua *ua_by_aor(const char *aor)
{
	struct le *le;

	for (le = list_head(uag_list()); le; le = le->next) {

		const struct account *acc = ua_account(le->data);

		if (acc && aor_equal(account_aor(acc), aor))
			return le->data;
	}

	return NULL;
}


struct sync {
	struct list seen;           /* AORs of the file as it is now */
	bool create;                /* false at start: account.so does */
	int err;
};


static void sync_timer(void *arg);


/* A line of the accounts file: create the account if it is new */
static void sync_line(const char *line, size_t len, const char *aor,
		      void *arg)
{
	struct sync *sy = arg;
	char *buf;
	struct ua *ua = NULL;
	int err;

	sy->err |= aor_list_add(&sy->seen, aor);

	if (!sy->create || aor_listed(&d.known, aor) || ua_by_aor(aor))
		return;

	/* the line may hold a plaintext ;auth_pass=: wiped memory */
	buf = sodium_malloc(len + 1);
	if (!buf) {
		sy->err |= ENOMEM;
		return;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';

	err = ua_alloc(&ua, buf);
	sodium_free(buf);
	if (err) {
		warning("octasip_credstore: accounts file: cannot create the"
			" account %s: %m\n", aor, err);
		return;
	}

	(void)apply(ua);
	if (account_regint(ua_account(ua)))
		(void)ua_register(ua);

	info("octasip_credstore: account %s added (accounts file)\n", aor);
}


/* Gone from the file: delete the account, once its calls have ended
 * (baresip frees calls of a deleted account without CALL_CLOSED) */
static bool sync_gone(const char *aor)
{
	struct ua *ua = ua_by_aor(aor);

	if (!ua)
		return true;

	if (!list_isempty(ua_calls(ua))) {
		info("octasip_credstore: account %s left the accounts file;"
		     " it is deleted when its calls end\n", aor);
		return false;
	}

	bsip_ua_forget(ua);
	mem_deref(ua);
	info("octasip_credstore: account %s deleted (accounts file)\n", aor);

	return true;
}


/*
 * Makes baresip's accounts follow the file: new lines become accounts,
 * accounts whose line is gone are deleted.  At start (create false) it
 * only notes the file's AORs: account.so creates those accounts.
 */
static void accounts_sync(bool create)
{
	struct sync sy = {LIST_INIT, create, 0};
	char *text = NULL;
	bool retry = false;
	size_t bad = 0;
	struct le *le;
	int err;

	err = acct_file_read(d.accounts_path, &text);
	if (err) {
		warning("octasip_credstore: cannot read %s: %m; accounts"
			" unchanged\n", d.accounts_path, err);
		return;
	}

	acct_each(text, sync_line, &sy, &bad);
	sodium_free(text);

	if (sy.err) {
		warning("octasip_credstore: out of memory reading %s;"
			" accounts unchanged\n", d.accounts_path);
		list_flush(&sy.seen);
		return;
	}
	if (bad && create)
		warning("octasip_credstore: %s: %zu malformed line(s)"
			" skipped\n", d.accounts_path, bad);

	for (le = list_head(&d.known); create && le; le = le->next) {

		const struct aor_ent *e = le->data;

		if (aor_listed(&sy.seen, e->aor) || sync_gone(e->aor))
			continue;

		/* not deleted yet: keep it known, try again */
		(void)aor_list_add(&sy.seen, e->aor);
		retry = true;
	}

	list_flush(&d.known);
	aor_list_move(&d.known, &sy.seen);

	if (retry) {
		d.pending |= WATCH_ACCOUNTS;
		tmr_start(&d.tmr_sync, SYNC_RETRY_MS, sync_timer, NULL);
	}
}


/* A while after the last change event: vault first (a new account
 * then gets its secret at once), then the accounts */
static void sync_timer(void *arg)
{
	unsigned bits = d.pending, updated;
	char msg[1024] = "";
	int err;

	(void)arg;
	d.pending = 0;

	if ((bits & WATCH_VAULT) && !d.v && fio_exists(d.vault_path)) {
		info("octasip_credstore: a vault was created after baresip"
		     " started; restart baresip to use it\n");
	}
	else if (bits & WATCH_VAULT) {
		err = vault_reload(&updated, msg, sizeof(msg));
		if (err)
			warning("octasip_credstore: the vault changed: %s"
				" (kept the secrets loaded before)\n", msg);
	}

	if (bits & WATCH_ACCOUNTS)
		accounts_sync(true);
}


/* P-ACCT-1: a running baresip applies account changes by itself */
static void watch_readable(int flags, void *arg)
{
	unsigned bits;

	(void)flags;
	(void)arg;

	bits = dirwatch_changed(&d.watch);

	if (!dirwatch_active(&d.watch)) {
		warning("octasip_credstore: %s is no longer watched: vault and"
			" accounts changes apply after /credstore_reload or a"
			" restart\n", d.profile);
		bsip_dirwatch_stop(&d.watch);
	}

	if (!bits)
		return;

	d.pending |= bits;
	tmr_start(&d.tmr_sync, SYNC_DELAY_MS, sync_timer, NULL);
}


/* Watch the profile for replaced vault and accounts files; notes the
 * accounts the file has now */
static void watch_start(void)
{
	static const char *const names[] = {PROFILE_VAULT, PROFILE_ACCOUNTS};
	int err;

	err = fio_path(d.accounts_path, sizeof(d.accounts_path), d.profile,
		       PROFILE_ACCOUNTS);
	if (!err)
		err = bsip_dirwatch_start(&d.watch, d.profile, names, 2, 0,
					  watch_readable, NULL);
	if (err) {
		info("octasip_credstore: cannot watch %s (%m): vault and"
		     " accounts changes apply after /credstore_reload or a"
		     " restart\n", d.profile, err);
		return;
	}

	accounts_sync(false);
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

	/* module_close() runs after a failed init too: no fd 0 to close */
	d.watch.fd = -1;

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
	list_init(&d.known);
	tmr_init(&d.tmr);
	tmr_init(&d.tmr_sync);
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

		/* P-LOCAL-2: secrets are in memory now.  Non-dumpable, as
		 * ssh-agent and gpg-agent are: no other process of this
		 * user may ptrace us or read /proc/PID/mem or environ.  The
		 * crash handler runs in this process and is not affected. */
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
			warning("octasip_credstore: cannot make the process"
				" non-dumpable: %m\n", errno);
	}

	err = bsip_event_register(ua_event_handler, NULL);
	if (err)
		return err;

	err = cmd_register(baresip_commands(), cmdv,
			   sizeof(cmdv) / sizeof(cmdv[0]));
	if (err)
		return err;

	tmr_start(&d.tmr, 0, apply_all, NULL);
	watch_start();
	cs_api_init(&d.v, d.vault_path);   /* P-CRED-3: realms, cs_api.c */

	d.init_us = now_us() - t0;
	info("octasip_credstore: OctaSIP %s loaded (baresip API %s),"
	     " init %llu us\n", OCTASIP_VERSION, BSIP_API_VERSION,
	     (unsigned long long)d.init_us);

	return 0;
}


static int module_close(void)
{
	tmr_cancel(&d.tmr);
	tmr_cancel(&d.tmr_sync);
	cs_api_close();
	bsip_dirwatch_stop(&d.watch);
	list_flush(&d.known);
	cmd_unregister(baresip_commands(), cmdv);
	bsip_event_unregister(ua_event_handler);
	list_flush(&d.warned);
	vault_free(d.v);
	d.v = NULL;

	debug("octasip_credstore: unloaded\n");

	return 0;
}


OCTASIP_EXPORT const struct mod_export exports = {
	"octasip_credstore",
	"application",
	module_init,
	module_close,
};
