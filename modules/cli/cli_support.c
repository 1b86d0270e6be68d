/**
 * @file cli_support.c  octasip support bundle
 *
 *   support bundle [FILE | -o FILE | -] [--include-addresses]
 *                  [--review] [--yes]
 *
 * Writes one plain-text (Markdown) report for a support request:
 * versions, modules (configured, and live when a baresip runs on the
 * profile), the config without secrets and addresses, per account its
 * transport, media encryption, registration state and last SIP status,
 * permissions and consent, vault status, call-log figures of the last 30
 * days, crash-report ids and signals, and recent baresip output (the
 * user unit's journal, else the log of "octasip run --log").  P-SUPPORT-1:
 * every line goes through put(), which runs scrub_text() (this machine's
 * identities, then the crash reporter's redactor); the only exception
 * is an account's address with --include-addresses.
 *
 * FILE defaults to ./octasip-support-YYYY-MM-DD.md (an existing file is
 * never replaced); "-" writes to stdout.  On a terminal (or --review) the
 * bundle is shown (pager: $PAGER, else less) and written only after a
 * "y"; --yes skips both.  The file is 0600, written atomically.  Nothing
 * is ever sent anywhere.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <gnu/libc-version.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <re.h>
#include <sodium.h>
#include "cli.h"
#include "octasip_credstore/acctfile.h"
#include "common/bsip.h"
#include "common/cfgedit.h"
#include "octasip_calllog/cl_db.h"
#include "octasip_crash/consent.h"
#include "ctrl.h"
#include "common/fileio.h"
#include "octasip_credstore/keysrc.h"
#include "common/perm.h"
#include "common/profile.h"
#include "runlog.h"
#include "scrub.h"
#include "octasip_crash/store.h"
#include "sysinfo.h"
#include "octasip_credstore/vault.h"
#include "generated/octasip_version.h"

#define OUTPUT_LINES 200
#define CALLLOG_DAYS 30


struct bundle {
	const struct cli_ctx *ctx;
	struct scrub sc;
	char *text;              /* the bundle so far                  */
	size_t len, sz;
	int err;
	bool addresses;          /* --include-addresses                */
	char config[4200];
	char *output;            /* recent baresip output, scrubbed    */
	const char *output_src;
	char *reginfo;           /* live /reginfo, scrubbed            */
	pid_t pid;               /* the baresip on this profile, or 0  */
};


static void append(struct bundle *b, const char *s, size_t n)
{
	if (b->err)
		return;

	if (b->len + n + 1 > b->sz) {
		size_t sz = b->sz ? b->sz : 8192;
		char *p;

		while (sz < b->len + n + 1)
			sz *= 2;
		p = realloc(b->text, sz);
		if (!p) {
			b->err = ENOMEM;
			return;
		}
		b->text = p;
		b->sz = sz;
	}

	memcpy(b->text + b->len, s, n);
	b->len += n;
	b->text[b->len] = '\0';
}


/* Terminal colours out: the bundle is plain text */
static void strip_ansi(char *s)
{
	char *w = s;

	while (*s) {
		if (s[0] == '\x1b' && s[1] == '[') {
			s += 2;
			while (*s && !isalpha((unsigned char)*s))
				++s;
			if (*s)
				++s;
			continue;
		}
		if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') {
			++s;
			continue;
		}
		*w++ = *s++;
	}
	*w = '\0';
}


/* P-SUPPORT-1: the one way text gets into the bundle */
static char *scrubbed(struct bundle *b, const char *text)
{
	char *copy = strdup(text ? text : ""), *out;

	if (!copy) {
		b->err = ENOMEM;
		return NULL;
	}
	strip_ansi(copy);
	out = scrub_text(&b->sc, copy);
	free(copy);
	if (!out)
		b->err = ENOMEM;

	return out;
}


static void put(struct bundle *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct bundle *b, const char *fmt, ...)
{
	char *raw = NULL, *out;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&raw, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = ENOMEM;
		return;
	}

	out = scrubbed(b, raw);
	free(raw);
	if (out)
		append(b, out, strlen(out));
	free(out);
}


/*
 * Live state of the baresip on this profile: the response to one
 * command, or an errno (ENOTCONN: none runs).  The only place that talks
 * to it (ctrl.h); nothing but read-only status commands is sent.
 */
static int live_query(struct bundle *b, const char *cmd, char **datap)
{
	struct odict *od = NULL;
	struct ctrl c;
	const char *data;
	int err;

	/* octasip_ctrl serves several clients: a connected front end
	 * keeps its connection */
	if (!ctrl_running(b->ctx->profile))
		return ENOTCONN;

	err = ctrl_connect(&c, b->ctx->profile, 3000);
	if (err)
		return err;
	err = ctrl_send(&c, cmd, NULL);
	if (!err)
		err = ctrl_wait(&c, "response", NULL, 5000, &od);
	ctrl_close(&c);
	if (err)
		return err;

	data = odict_string(od, "data");
	*datap = strdup(data ? data : "");
	mem_deref(od);

	return *datap ? 0 : ENOMEM;
}


/* ---- versions ----------------------------------------------------------- */

static void sec_versions(struct bundle *b)
{
	struct utsname u;
	char os[256], bv[64];

	sys_os_release(os, sizeof(os));
	sys_baresip_version(bv, sizeof(bv));

	put(b, "## Versions\n\n");
	put(b, "- OctaSIP: %s (%s)\n", OCTASIP_VERSION,
	    b->ctx->from_build_tree ? "build tree" : "installed");
	put(b, "- baresip: %s\n", bv);
	put(b, "- libre: %s\n", sys_libre_version_get());
	put(b, "- module ABI in use: baresip %s module API; baresip %s%s\n",
	    BSIP_API_VERSION, bv, strcmp(bv, BSIP_API_VERSION) ?
	    " (DIFFERENT: OctaSIP's modules may not load)" : " (matches)");
	put(b, "- distribution: %s\n", os);
	if (!uname(&u))
		put(b, "- kernel: %s %s %s\n", u.sysname, u.release,
		    u.machine);
	put(b, "- C library: glibc %s\n\n", gnu_get_libc_version());
}


/* ---- modules ------------------------------------------------------------ */

static void sec_modules(struct bundle *b, const char *cfg)
{
	const char *p;

	put(b, "## Modules\n\n");
	if (b->pid)
		put(b, "baresip runs on this profile: live state from its"
		    " memory map (module_tmp modules are unloaded after"
		    " start by design).\n\n");
	else
		put(b, "baresip does not run on this profile: configured"
		    " modules only.\n\n");

	put(b, "| slot | module | %s\n|---|---|%s\n",
	    b->pid ? "loaded now |" : "", b->pid ? "---|" : "");

	for (p = cfg; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char slot[32], mod[256], line[512];

		(void)snprintf(line, sizeof(line), "%.*s", (int)n, p);
		p += n + (eol ? 1 : 0);

		if (sscanf(line, "%31s %255s", slot, mod) != 2 ||
		    (strcmp(slot, "module") && strcmp(slot, "module_tmp") &&
		     strcmp(slot, "module_app")))
			continue;

		if (b->pid)
			put(b, "| %s | %s | %s |\n", slot, mod,
			    sys_mapped(b->pid, mod) ? "yes" : "no");
		else
			put(b, "| %s | %s |\n", slot, mod);
	}
	put(b, "\n");
}


/* ---- config ------------------------------------------------------------- */

static void sec_config(struct bundle *b, const char *cfg)
{
	const char *p;

	put(b, "## Config\n\nEvery key of the profile's config file; a value"
	    " is shown only if it is a plain setting (no secret, address,"
	    " name, number or private path). Comments are left out.\n\n"
	    "```\n");

	for (p = cfg; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char line[1024], key[128], *v, *e, *shown;

		(void)snprintf(line, sizeof(line), "%.*s", (int)n, p);
		p += n + (eol ? 1 : 0);

		v = line + strspn(line, " \t");
		if (!*v || *v == '#')
			continue;

		e = v + strcspn(v, " \t");
		(void)snprintf(key, sizeof(key), "%.*s", (int)(e - v), v);

		v = e + strspn(e, " \t");
		v[strcspn(v, "#")] = '\0';
		e = v + strlen(v);
		while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';

		shown = scrubbed(b, v);
		if (!shown)
			return;
		if (!*v)
			put(b, "%s\n", key);
		else if (scrub_cfg_keep(key, shown))
			put(b, "%-36s %s\n", key, shown);
		else
			put(b, "%-36s [removed]\n", key);
		free(shown);
	}
	put(b, "```\n\n");
}


/* ---- accounts ----------------------------------------------------------- */

/*
 * "[account N]" followed by a SIP status in the output: the last one
 * (baresip 1.1.0 writes "(prio N)" between them)
 */
static void last_status(const char *text, const char *tok, char *buf,
			size_t sz)
{
	const char *p = text;
	size_t tl = strlen(tok);

	(void)snprintf(buf, sz, "none in the recent output");

	while (p && (p = strstr(p, tok))) {
		const char *q = p + tl, *e;

		p = q;
		/* 1.1.0 and 4.x: "<aor> (prio 0): 501 ..." */
		if (!strncmp(q, " (prio ", 7) && strchr(q, ')'))
			q = strchr(q, ')') + 1;
		if (*q == ':')
			++q;
		while (*q == ' ')
			++q;
		if (q[0] < '1' || q[0] > '6' || !isdigit((unsigned char)q[1])
		    || !isdigit((unsigned char)q[2]) || q[3] != ' ')
			continue;
		e = q + strcspn(q, "(\n");
		while (e > q && e[-1] == ' ')
			--e;
		(void)snprintf(buf, sz, "%.*s", (int)(e - q), q);
	}
}


/*
 * The /reginfo state word after "[account N]".  baresip 1.1.0 writes
 * "FB-" before it when the account holds no registration but has a
 * status: an error, or a fallback proxy answering its OPTIONS
 */
static const char *reg_state(const char *reginfo, const char *tok)
{
	const char *p = reginfo ? strstr(reginfo, tok) : NULL;

	if (!p)
		return "not in baresip";

	p += strlen(tok);
	while (*p == ' ')
		++p;
	if (!strncmp(p, "FB-OK", 5))
		return "not registered, fallback proxy reachable (FB-OK)";
	if (!strncmp(p, "FB-", 3))
		p += 3;
	if (!strncmp(p, "OK", 2))
		return "registered (OK)";
	if (!strncmp(p, "ERR", 3))
		return "failed (ERR)";
	if (!strncmp(p, "zzz", 3))
		return "not registered (zzz)";
	if (!*p || *p == '\n')
		return "not registering";

	return "unknown";
}


static void param(const struct pl *params, const char *name, char *buf,
		  size_t sz, const char *dflt)
{
	struct pl v;

	if (!msg_param_decode(params, name, &v) && !pl_strcpy(&v, buf, sz))
		return;
	if (dflt != buf)
		(void)snprintf(buf, sz, "%s", dflt);
}


/*
 * --include-addresses: the account's AOR (scheme:user@host[:port]), the
 * one thing that bypasses the redactor; never a "user:password@" form
 * (P-SUPPORT-1).
 */
static void put_address(struct bundle *b, const char *aor)
{
	const char *at = strchr(aor, '@');
	const char *colon = strchr(aor, ':');

	if (!acct_aor_valid(aor) || !at || !colon ||
	    memchr(colon + 1, ':', (size_t)(at - colon - 1))) {
		put(b, "- address: (not shown: not a plain SIP address)\n");
		return;
	}

	put(b, "- address (--include-addresses): ");
	append(b, aor, strlen(aor));
	append(b, "\n", 1);
}


struct acct_sec {
	struct bundle *b;
	const struct vault *v;
	bool vault_known;
	char trans_def[32];
	char *pass;              /* sodium memory: a plaintext password  */
	unsigned n;
};


static void acct_show(const char *line, size_t len, const char *aor,
		      void *arg)
{
	struct acct_sec *a = arg;
	struct bundle *b = a->b;
	char tok[32], tr[32], me[32], ri[32], st[128], ob[8];
	char out[2048], e[256];
	struct acct_parsed ap;
	struct sip_addr addr;
	struct pl pl = {line, len};
	const char *where;

	(void)snprintf(tok, sizeof(tok), "[account %u]", ++a->n);

	memset(&ap, 0, sizeof(ap));
	ap.pass = a->pass;
	ap.passsz = a->pass ? VREC_SECRET_MAX : 0;
	if (acct_parse(line, len, out, sizeof(out), &ap, e, sizeof(e)) ||
	    sip_addr_decode(&addr, &pl)) {
		put(b, "### %s\n\n- malformed line\n\n", tok);
		return;
	}

	param(&addr.params, "transport", tr, sizeof(tr),
	      !pl_strcasecmp(&addr.uri.scheme, "sips") ? "tls" :
	      a->trans_def);
	param(&addr.uri.params, "transport", tr, sizeof(tr), tr);
	param(&addr.params, "mediaenc", me, sizeof(me), "none");
	param(&addr.params, "regint", ri, sizeof(ri), "3600");
	(void)snprintf(ob, sizeof(ob), "%s",
		       msg_param_exists(&addr.params, "outbound", &pl) ?
		       "no" : "yes");

	if (ap.has_pass)
		where = "PLAINTEXT in the accounts file (run 'octasip"
			" account import')";
	else if (!a->vault_known)
		where = "not checked (the vault could not be opened)";
	else if (vault_find(a->v, aor))
		where = "in the vault";
	else
		where = "none stored";

	put(b, "### %s\n\n", tok);
	if (b->addresses)
		put_address(b, aor);
	put(b, "- transport: %s\n- media encryption: %s\n", tr, me);
	put(b, "- registration interval: %s%s\n", ri,
	    !strcmp(ri, "0") ? " (does not register)" : "");
	put(b, "- outbound proxy: %s\n- auth user set: %s\n", ob,
	    ap.has_user ? "yes" : "no");
	put(b, "- password kept: %s\n", where);

	if (b->pid || b->reginfo) {
		put(b, "- registration state: %s\n", b->reginfo ?
		    reg_state(b->reginfo, tok) :
		    "unknown (baresip did not answer)");
	}
	last_status(b->output ? b->output : "", tok, st, sizeof(st));
	put(b, "- last SIP status: %s\n\n", st);
}


/* The vault, opened without asking anything (NULL if it cannot be) */
static struct vault *vault_quiet(const struct bundle *b,
				 struct keysrc_opt *ko, char *cred,
				 size_t csz, char *msg, size_t msz)
{
	char path[4200];
	struct vault_hdr hdr;
	struct vault *v = NULL;

	memset(ko, 0, sizeof(*ko));
	(void)snprintf(cred, csz, "%s", KEYSRC_CRED_DEFAULT);
	(void)cfg_file_get(b->config, "octasip_credstore_credential", cred,
			   csz);
	ko->profile = b->ctx->profile;
	ko->cred_dir = getenv("CREDENTIALS_DIRECTORY");
	ko->cred_name = cred;
	ko->pass_fd = -1;
	ko->pass_tty = false;

	if (fio_path(path, sizeof(path), b->ctx->profile, PROFILE_VAULT) ||
	    !fio_exists(path)) {
		(void)snprintf(msg, msz, "no vault");
		return NULL;
	}
	if (vault_read_header(path, &hdr, msg, msz))
		return NULL;
	if (hdr.keysrc == KEYSRC_PASSPHRASE) {
		(void)snprintf(msg, msz, "not checked: a passphrase vault"
			       " (run 'octasip vault status')");
		return NULL;
	}
	if (vault_open(&v, path, keysrc_get, ko, msg, msz))
		return NULL;

	return v;
}


static void sec_accounts(struct bundle *b, const struct vault *v)
{
	struct acct_sec a;
	char path[4200], *text = NULL;
	size_t bad = 0;

	memset(&a, 0, sizeof(a));
	a.b = b;
	a.v = v;
	a.vault_known = v != NULL;
	(void)snprintf(a.trans_def, sizeof(a.trans_def), "udp");
	(void)cfg_file_get(b->config, "sip_trans_def", a.trans_def,
			   sizeof(a.trans_def));

	put(b, "## Accounts\n\nNumbered in the order of the accounts file;"
	    " the same numbers stand for them in the output below.%s\n\n",
	    b->addresses ? "" : " No address is shown (add"
	    " --include-addresses to show them).");

	if (fio_path(path, sizeof(path), b->ctx->profile,
		     PROFILE_ACCOUNTS) || acct_file_read(path, &text)) {
		put(b, "- the accounts file cannot be read\n\n");
		return;
	}

	a.pass = sodium_malloc(VREC_SECRET_MAX);
	acct_each(text, acct_show, &a, &bad);
	sodium_free(a.pass);
	sodium_free(text);

	if (!a.n)
		put(b, "- no accounts\n\n");
	if (bad)
		put(b, "- %zu malformed line(s) in the accounts file\n\n",
		    bad);
}


/* ---- vault -------------------------------------------------------------- */

static void sec_vault(struct bundle *b, const struct vault *v,
		      const struct keysrc_opt *ko, const char *msg)
{
	char path[4200], where[512], e[256] = "";
	struct vault_hdr hdr;

	put(b, "## Vault\n\n");

	if (fio_path(path, sizeof(path), b->ctx->profile, PROFILE_VAULT) ||
	    !fio_exists(path)) {
		put(b, "- no vault\n\n");
		return;
	}
	if (vault_read_header(path, &hdr, e, sizeof(e))) {
		put(b, "- header unreadable: %s\n\n", e);
		return;
	}

	keysrc_describe(hdr.keysrc, ko, where, sizeof(where));
	put(b, "- format: %u\n- key source: %s\n- key location: %s\n",
	    hdr.version, keysrc_name(hdr.keysrc), where);
	put(b, "- file mode: %s\n", vault_check_mode(path, "vault", e,
						     sizeof(e)) ?
	    "TOO OPEN (group or others can read it)" : "private (0600)");
	(void)snprintf(path + strlen(path), sizeof(path) - strlen(path),
		       ".bak");
	put(b, "- previous copy (vault.bak): %s\n",
	    fio_exists(path) ? "present" : "none");
	if (v)
		put(b, "- integrity: ok, %zu record(s)\n\n", v->recc);
	else
		put(b, "- integrity: %s\n\n", msg);
}


/* ---- permissions and consent ------------------------------------------- */

static void day(char *buf, size_t sz, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&tt, &tm) ||
	    !strftime(buf, sz, "%Y-%m-%d", &tm))
		(void)snprintf(buf, sz, "-");
}


static void sec_perm(struct bundle *b)
{
	char path[4200], e[256] = "", crash[4200], d[16];
	struct consent_info ci;
	struct perm_set ps;
	int i, err;

	put(b, "## Permissions and consent\n\n");

	if (!fio_path(path, sizeof(path), b->ctx->profile,
		      PROFILE_PERMISSIONS)) {
		err = perm_load(path, &ps, e, sizeof(e));
		if (err)
			put(b, "- permissions file: %s (defaults apply: %s)\n",
			    err == ENOENT ? "missing" : "malformed", e);
		for (i = 0; i < PERM_COUNT; ++i)
			put(b, "- %s: %s\n", perm_name(i),
			    perm_state_name(ps.state[i]));
	}

	if (!store_crashdir(crash, sizeof(crash), b->ctx->profile)) {
		err = consent_load(crash, &ci);
		day(d, sizeof(d), ci.since);
		put(b, "- crash reports and statistics consent: %s%s (policy"
		    " version %u, current %u, since %s)\n",
		    consent_name(ci.state), err && err != ENOENT ?
		    " (file unreadable)" : "", ci.version,
		    CRASH_POLICY_VERSION, d);
	}
	put(b, "\n");
}


/* ---- call log ----------------------------------------------------------- */

struct cl_fig {
	const char *status[16];
	unsigned count[16];
	unsigned nstatus;
	unsigned code[700];
	unsigned total;
};


static int cl_row(const struct cl_rec *r, void *arg)
{
	struct cl_fig *f = arg;
	unsigned i;

	++f->total;
	for (i = 0; i < f->nstatus; ++i) {
		if (!strcmp(f->status[i], r->status))
			break;
	}
	if (i == f->nstatus && i < 16)
		f->status[f->nstatus++] = r->status;
	if (i < 16)
		++f->count[i];
	++f->code[r->sip_code < 700 ? r->sip_code : 0];

	return 0;
}


static void sec_calllog(struct bundle *b)
{
	struct cldb_query q;
	struct cldb *db = NULL;
	struct cl_fig *f;
	char path[4200];
	unsigned i;
	int err;

	put(b, "## Call log (last %d days)\n\nCounts only: no parties, no"
	    " times.\n\n", CALLLOG_DAYS);

	if (fio_path(path, sizeof(path), b->ctx->profile, PROFILE_CALLLOG) ||
	    !fio_exists(path)) {
		put(b, "- no call log\n\n");
		return;
	}

	f = calloc(1, sizeof(*f));
	if (!f) {
		b->err = ENOMEM;
		return;
	}

	memset(&q, 0, sizeof(q));
	q.since_ms = ((int64_t)time(NULL) - CALLLOG_DAYS * 86400LL) * 1000;

	err = calllog_open(&db, path);
	if (!err)
		err = cldb_list(db, &q, cl_row, f);
	cldb_close(db);
	if (err) {
		put(b, "- the call log cannot be read: %s\n\n", strerror(err));
		free(f);
		return;
	}

	put(b, "- calls: %u\n", f->total);
	for (i = 0; i < f->nstatus; ++i)
		put(b, "- status %s: %u\n", f->status[i], f->count[i]);
	if (f->code[0])
		put(b, "- no SIP code: %u\n", f->code[0]);
	for (i = 1; i < 700; ++i) {
		if (f->code[i])
			put(b, "- SIP code %u: %u\n", i, f->code[i]);
	}
	put(b, "\n");
	free(f);
}


/* ---- crash reports ------------------------------------------------------ */

static void sec_crash(struct bundle *b)
{
	struct store_entry *v = NULL;
	char dir[4200], d[16], sig[32];
	size_t n = 0, i;

	put(b, "## Crash reports\n\n");

	if (store_crashdir(dir, sizeof(dir), b->ctx->profile) ||
	    store_list(dir, &v, &n) || !n) {
		put(b, "- none\n\n");
		free(v);
		return;
	}

	put(b, "Ids and signals only; 'octasip crash show ID' prints a"
	    " report.\n\n");
	for (i = 0; i < n; ++i) {
		day(d, sizeof(d), v[i].mtime);
		if (cli_crash_signal(dir, v[i].id, sig, sizeof(sig)))
			(void)snprintf(sig, sizeof(sig), "damaged");
		put(b, "- %s  %s  %s\n", v[i].id, d, sig);
	}
	put(b, "\n");
	free(v);
}


/* ---- live state and output --------------------------------------------- */

static void sec_live(struct bundle *b)
{
	static const char *const cmds[] = {
		"octasip_crash", "credstore_status", "calllog_stats",
	};
	size_t i;

	put(b, "## Live state\n\n");
	if (!b->pid && !b->reginfo) {
		put(b, "baresip does not run on this profile.\n\n");
		return;
	}

	put(b, "### /reginfo\n\n```\n%s\n```\n\n",
	    b->reginfo ? b->reginfo : "(no answer)");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); ++i) {
		char *data = NULL;

		if (live_query(b, cmds[i], &data))
			put(b, "### /%s\n\n(no answer)\n\n", cmds[i]);
		else
			put(b, "### /%s\n\n```\n%s\n```\n\n", cmds[i], data);
		free(data);
	}
}


/* The last n lines of text (a pointer into it) */
static const char *tail_lines(const char *text, unsigned n)
{
	const char *p = text + strlen(text);

	while (p > text && p[-1] == '\n')
		--p;
	while (p > text) {
		if (p[-1] == '\n' && !n--)
			break;
		--p;
	}

	return p;
}


/* baresip.log.1 then baresip.log, or NULL */
static char *runlog_read(const char *profile)
{
	static const char *const names[] = {RUNLOG_OLD, RUNLOG_FILE};
	char path[4200], *all = NULL;
	size_t i, n = 0;

	for (i = 0; i < 2; ++i) {
		uint8_t *buf = NULL;
		size_t len = 0;
		char *p;

		if (fio_path(path, sizeof(path), profile, names[i]) ||
		    fio_read_all(path, &buf, &len, 2 * RUNLOG_MAX))
			continue;
		p = realloc(all, n + len + 1);
		if (!p) {
			free(buf);
			break;
		}
		all = p;
		memcpy(all + n, buf, len);
		n += len;
		all[n] = '\0';
		free(buf);
	}

	return all;
}


/* The journal of the user unit, else the log of "octasip run --log" */
static void output_load(struct bundle *b)
{
	char *argv[] = {"journalctl", "--user", "-u", "octasip.service",
			"-n", "200", "-o", "cat", "--no-pager", "-q", NULL};
	char *raw = NULL;
	int status = -1;

	if (!sys_run_capture(argv, &raw, 1 << 20, 5000, &status) &&
	    WIFEXITED(status) && !WEXITSTATUS(status) &&
	    raw[strspn(raw, " \t\n")]) {
		b->output_src = "the journal of the user unit octasip.service";
	}
	else {
		free(raw);
		raw = runlog_read(b->ctx->profile);
		b->output_src = "the log of 'octasip run --log'";
	}

	if (raw && raw[strspn(raw, " \t\n")])
		b->output = scrubbed(b, tail_lines(raw, OUTPUT_LINES));
	free(raw);
}


static void sec_output(struct bundle *b)
{
	put(b, "## Recent baresip output\n\n");

	if (!b->output) {
		put(b, "None: no journal of the octasip user unit, and no"
		    " log (start with 'octasip run --log' to keep one).\n");
		return;
	}

	put(b, "The last %d lines of %s.\n\n```\n", OUTPUT_LINES,
	    b->output_src);
	append(b, b->output, strlen(b->output));
	put(b, "\n```\n");
}


/* ---- the bundle --------------------------------------------------------- */

static int bundle_make(struct bundle *b)
{
	struct keysrc_opt ko;
	struct vault *v;
	char cred[256], msg[1024] = "", today[16];
	uint8_t *cfg = NULL;
	size_t len;
	int err;

	if (fio_path(b->config, sizeof(b->config), b->ctx->profile,
		     PROFILE_CONFIG) ||
	    fio_read_all(b->config, &cfg, &len, 1 << 20))
		return cli_err("cannot read the config of %s",
			       b->ctx->profile);

	(void)scrub_init(&b->sc, b->ctx->profile, true);

	b->pid = sys_find_baresip(b->ctx->profile);
	err = live_query(b, "reginfo", &b->reginfo);
	if (!err) {
		char *s = scrubbed(b, b->reginfo);

		free(b->reginfo);
		b->reginfo = s;
	}
	else {
		b->reginfo = NULL;
	}
	output_load(b);

	day(today, sizeof(today), (int64_t)time(NULL));
	put(b, "# OctaSIP support bundle\n\n"
	    "- made: %s (UTC; the day only)\n"
	    "- made by 'octasip support bundle'; nothing was sent"
	    " anywhere. Read it before you share it.\n"
	    "- redacted: addresses, numbers, URIs and secrets are replaced"
	    " by [ip], [number], [uri], [email], [secret]; the profile,"
	    " home, user and host by <profile>, ~, [user], [host]; the"
	    " accounts by [account N], display names by [name]\n"
	    "- opt-ins: %s\n\n", today, b->addresses ?
	    "--include-addresses (the accounts' addresses are shown)" :
	    "none");

	sec_versions(b);
	sec_modules(b, (const char *)cfg);
	sec_config(b, (const char *)cfg);
	free(cfg);

	v = vault_quiet(b, &ko, cred, sizeof(cred), msg, sizeof(msg));
	sec_accounts(b, v);
	sec_vault(b, v, &ko, msg);
	vault_free(v);

	sec_perm(b);
	sec_calllog(b);
	sec_crash(b);
	sec_live(b);
	sec_output(b);

	if (b->err)
		return cli_err("cannot make the bundle: %s",
			       strerror(b->err));

	return 0;
}


static void bundle_free(struct bundle *b)
{
	scrub_reset(&b->sc);
	free(b->text);
	free(b->output);
	free(b->reginfo);
}


/* ---- review, confirmation, writing -------------------------------------- */

/* Shows the bundle: the pager on a terminal, else stdout */
static void review(const struct bundle *b)
{
	const char *pager = getenv("PAGER");
	struct sigaction ign, old;
	int pv[2], status;
	FILE *f;
	pid_t pid;

	if (!isatty(STDOUT_FILENO) || pipe2(pv, O_CLOEXEC)) {
		(void)fwrite(b->text, 1, b->len, stdout);
		(void)fflush(stdout);
		return;
	}

	(void)fflush(stdout);
	pid = fork();
	if (pid == 0) {
		(void)dup2(pv[0], STDIN_FILENO);
		if (pager && *pager)
			execl("/bin/sh", "sh", "-c", pager, (char *)NULL);
		else
			execlp("less", "less", (char *)NULL);
		_exit(127);
	}
	(void)close(pv[0]);

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &ign, &old);
	f = pid > 0 ? fdopen(pv[1], "w") : NULL;
	if (f) {
		/* a pager that quits early is no error */
		(void)fwrite(b->text, 1, b->len, f);
		(void)fclose(f);
	}
	else {
		(void)close(pv[1]);
	}
	(void)sigaction(SIGPIPE, &old, NULL);

	if (pid < 0 || waitpid(pid, &status, 0) < 0 ||
	    (WIFEXITED(status) && WEXITSTATUS(status) == 127)) {
		(void)fwrite(b->text, 1, b->len, stdout);
		(void)fflush(stdout);
	}
}


static bool confirmed(const char *dest)
{
	char answer[16];

	(void)fprintf(stderr, "\nWrite this to %s? Nothing is sent anywhere."
		      " [y/N] ", dest);
	(void)fflush(stderr);

	if (!fgets(answer, sizeof(answer), stdin))
		return false;

	return answer[0] == 'y' || answer[0] == 'Y';
}


static int default_name(char *buf, size_t sz)
{
	char today[16];
	unsigned i;

	day(today, sizeof(today), (int64_t)time(NULL));
	for (i = 1; i < 100; ++i) {
		if (i == 1)
			(void)snprintf(buf, sz, "octasip-support-%s.md",
				       today);
		else
			(void)snprintf(buf, sz, "octasip-support-%s-%u.md",
				       today, i);
		if (!fio_exists(buf))
			return 0;
	}

	return EEXIST;
}


const char cli_support_help[] =
	"usage: octasip support bundle [FILE | -o FILE | -]"
	" [--include-addresses] [--review] [--yes]\n"
	"\n"
	"A redacted plain-text report for a support request: versions,\n"
	"modules, the config without secrets, accounts, permissions, vault\n"
	"status, call-log figures, crash ids, recent baresip output.  FILE\n"
	"defaults to ./octasip-support-YYYY-MM-DD.md; - writes to stdout.\n"
	"Nothing is sent anywhere.\n"
	"\n"
	"  -o, --output FILE  write to FILE\n"
	"  --include-addresses  keep each account's address\n"
	"  --review         show the bundle, write it only after a 'y'"
	" (the\n"
	"                   default on a terminal)\n"
	"  -y, --yes        write without showing or asking\n";

enum { OPT_ADDRESSES = 256, OPT_REVIEW };

static const struct option opts_support_bundle[] = {
	{"output",            required_argument, NULL, 'o'},
	{"include-addresses", no_argument,       NULL, OPT_ADDRESSES},
	{"review",            no_argument,       NULL, OPT_REVIEW},
	{"yes",               no_argument,       NULL, 'y'},
	{NULL, 0, NULL, 0},
};


static int support_bundle(int argc, char **argv, struct cli_ctx *ctx)
{
	struct bundle b;
	const char *file = NULL;
	char name[256], abs[PATH_MAX];
	bool rev = false, yes = false, to_stdout;
	int c, err;

	memset(&b, 0, sizeof(b));
	b.ctx = ctx;

	while ((c = cli_getopt(argc, argv, "support", opts_support_bundle))
	       != -1) {
		if (c == OPT_ADDRESSES)
			b.addresses = true;
		else if (c == OPT_REVIEW)
			rev = true;
		else if (c == 'y')
			yes = true;
		else if (c == 'o' && !file)
			file = optarg;
		else if (c == 'o')
			return cli_usage("support", "one output file only");
		else
			return CLI_EXIT_USAGE;
	}
	if (optind < argc && !file)
		file = argv[optind++];
	if (optind < argc)
		return cli_usage("support", "unexpected argument '%s'",
				 argv[optind]);

	if (rev && yes)
		return cli_err("--review and --yes contradict each other");

	if (cli_profile_require(ctx))
		return 1;

	to_stdout = file && !strcmp(file, "-");
	if (!file) {
		if (default_name(name, sizeof(name)))
			return cli_err("too many support bundles of today in"
				       " this directory");
		file = name;
	}
	else if (!to_stdout && fio_exists(file)) {
		return cli_err("%s exists: give another name (nothing was"
			       " written)", file);
	}

	if (sodium_init() < 0)
		return cli_err("libsodium failed to initialise");

	err = bundle_make(&b);
	if (err) {
		bundle_free(&b);
		return err;
	}

	if (to_stdout) {
		(void)fwrite(b.text, 1, b.len, stdout);
		(void)fflush(stdout);
		(void)fprintf(stderr, "octasip: the support bundle went to"
			      " stdout; nothing was sent anywhere\n");
		bundle_free(&b);
		return 0;
	}

	/* on a terminal the user sees it before it exists anywhere */
	if (!yes && (rev || isatty(STDOUT_FILENO))) {
		review(&b);
		if (!confirmed(file)) {
			bundle_free(&b);
			(void)printf("not written; nothing was sent"
				     " anywhere\n");
			return 1;
		}
	}

	err = fio_write_atomic(file, b.text, b.len, 0600);
	bundle_free(&b);
	if (err)
		return cli_err("cannot write %s: %s (nothing was sent"
			       " anywhere)", file, strerror(err));

	(void)printf("support bundle written to %s (mode 0600). Nothing was"
		     " sent anywhere: read it, then attach it to your request"
		     " yourself.\n", realpath(file, abs) ? abs : file);

	return 0;
}


int cli_support(int argc, char **argv, struct cli_ctx *ctx)
{
	static const char *const actv[] = {"bundle", NULL};
	int k = cli_action(argc, argv, actv);

	return k < 0 ? -k : support_bundle(argc - 1, argv + 1, ctx);
}
