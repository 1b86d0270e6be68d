/**
 * @file cli_supacct.c  octasip support bundle: the accounts and vault
 *                      sections
 *
 * Per account its transport, media encryption, registration state and
 * last SIP status, and where its password is kept; the vault's key
 * source, mode and integrity.  The vault is opened only where that asks
 * nothing.  An account's address is shown only with --include-addresses
 * (P-SUPPORT-1).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <sodium.h>
#include "cli.h"
#include "cli_support.h"
#include "octasip_credstore/acctfile.h"
#include "common/cfgedit.h"
#include "common/fileio.h"
#include "octasip_credstore/keysrc.h"
#include "common/profile.h"
#include "scrub.h"
#include "octasip_credstore/vault.h"


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
		sup_put(b, "- address: (not shown: not a plain SIP"
			" address)\n");
		return;
	}

	sup_put(b, "- address (--include-addresses): ");
	sup_append(b, aor, strlen(aor));
	sup_append(b, "\n", 1);
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
		sup_put(b, "### %s\n\n- malformed line\n\n", tok);
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

	sup_put(b, "### %s\n\n", tok);
	if (b->addresses)
		put_address(b, aor);
	sup_put(b, "- transport: %s\n- media encryption: %s\n", tr, me);
	sup_put(b, "- registration interval: %s%s\n", ri,
		!strcmp(ri, "0") ? " (does not register)" : "");
	sup_put(b, "- outbound proxy: %s\n- auth user set: %s\n", ob,
		ap.has_user ? "yes" : "no");
	sup_put(b, "- password kept: %s\n", where);

	if (b->pid || b->reginfo) {
		sup_put(b, "- registration state: %s\n", b->reginfo ?
			reg_state(b->reginfo, tok) :
			"unknown (baresip did not answer)");
	}
	last_status(b->output ? b->output : "", tok, st, sizeof(st));
	sup_put(b, "- last SIP status: %s\n\n", st);
}


/* The vault, opened without asking anything (NULL if it cannot be) */
struct vault *sup_vault_quiet(const struct bundle *b,
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


void sup_sec_accounts(struct bundle *b, const struct vault *v)
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

	sup_put(b, "## Accounts\n\nNumbered in the order of the accounts file;"
		" the same numbers stand for them in the output below.%s\n\n",
		b->addresses ? "" : " No address is shown (add"
		" --include-addresses to show them).");

	if (fio_path(path, sizeof(path), b->ctx->profile,
		     PROFILE_ACCOUNTS) || acct_file_read(path, &text)) {
		sup_put(b, "- the accounts file cannot be read\n\n");
		return;
	}

	a.pass = sodium_malloc(VREC_SECRET_MAX);
	acct_each(text, acct_show, &a, &bad);
	sodium_free(a.pass);
	sodium_free(text);

	if (!a.n)
		sup_put(b, "- no accounts\n\n");
	if (bad)
		sup_put(b, "- %zu malformed line(s) in the accounts file\n\n",
			bad);
}


/* ---- vault -------------------------------------------------------------- */

void sup_sec_vault(struct bundle *b, const struct vault *v,
		   const struct keysrc_opt *ko, const char *msg)
{
	char path[4200], where[512], e[256] = "";
	struct vault_hdr hdr;

	sup_put(b, "## Vault\n\n");

	if (fio_path(path, sizeof(path), b->ctx->profile, PROFILE_VAULT) ||
	    !fio_exists(path)) {
		sup_put(b, "- no vault\n\n");
		return;
	}
	if (vault_read_header(path, &hdr, e, sizeof(e))) {
		sup_put(b, "- header unreadable: %s\n\n", e);
		return;
	}

	keysrc_describe(hdr.keysrc, ko, where, sizeof(where));
	sup_put(b, "- format: %u\n- key source: %s\n- key location: %s\n",
		hdr.version, keysrc_name(hdr.keysrc), where);
	sup_put(b, "- file mode: %s\n", vault_check_mode(path, "vault", e,
							 sizeof(e)) ?
		"TOO OPEN (group or others can read it)" : "private (0600)");
	(void)snprintf(path + strlen(path), sizeof(path) - strlen(path),
		       ".bak");
	sup_put(b, "- previous copy (vault.bak): %s\n",
		fio_exists(path) ? "present" : "none");
	if (v)
		sup_put(b, "- integrity: ok, %zu record(s)\n\n", v->recc);
	else
		sup_put(b, "- integrity: %s\n\n", msg);
}
