/**
 * @file cli_supsect.c  octasip support bundle: the sections on the
 *                      installation and the profile's state
 *
 * Versions, modules, the config without secrets, permissions and
 * consent, call-log figures, crash reports, the live state of a running
 * baresip and its recent output.  Every line goes through sup_put()
 * (P-SUPPORT-1, cli_support.c).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include "cli.h"
#include "cli_support.h"
#include "common/bsip.h"
#include "octasip_calllog/cl_db.h"
#include "octasip_crash/consent.h"
#include "common/fileio.h"
#include "common/perm.h"
#include "common/profile.h"
#include "runlog.h"
#include "scrub.h"
#include "octasip_crash/store.h"
#include "sysinfo.h"
#include "generated/octasip_version.h"

#define OUTPUT_LINES 200
#define CALLLOG_DAYS 30


/* ---- versions ----------------------------------------------------------- */

void sup_sec_versions(struct bundle *b)
{
	struct utsname u;
	char os[256], bv[64];

	sys_os_release(os, sizeof(os));
	sys_baresip_version(bv, sizeof(bv));

	sup_put(b, "## Versions\n\n");
	sup_put(b, "- OctaSIP: %s (%s)\n", OCTASIP_VERSION,
		b->ctx->from_build_tree ? "build tree" : "installed");
	sup_put(b, "- baresip: %s\n", bv);
	sup_put(b, "- libre: %s\n", sys_libre_version_get());
	sup_put(b, "- module ABI in use: baresip %s module API; baresip"
		" %s%s\n",
		BSIP_API_VERSION, bv, strcmp(bv, BSIP_API_VERSION) ?
		" (DIFFERENT: OctaSIP's modules may not load)" : " (matches)");
	sup_put(b, "- distribution: %s\n", os);
	if (!uname(&u))
		sup_put(b, "- kernel: %s %s %s\n", u.sysname, u.release,
			u.machine);
	sup_put(b, "- C library: glibc %s\n\n", gnu_get_libc_version());
}


/* ---- modules ------------------------------------------------------------ */

void sup_sec_modules(struct bundle *b, const char *cfg)
{
	const char *p;

	sup_put(b, "## Modules\n\n");
	if (b->pid)
		sup_put(b, "baresip runs on this profile: live state from its"
			" memory map (module_tmp modules are unloaded after"
			" start by design).\n\n");
	else
		sup_put(b, "baresip does not run on this profile: configured"
			" modules only.\n\n");

	sup_put(b, "| slot | module | %s\n|---|---|%s\n",
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
			sup_put(b, "| %s | %s | %s |\n", slot, mod,
				sys_mapped(b->pid, mod) ? "yes" : "no");
		else
			sup_put(b, "| %s | %s |\n", slot, mod);
	}
	sup_put(b, "\n");
}


/* ---- config ------------------------------------------------------------- */

void sup_sec_config(struct bundle *b, const char *cfg)
{
	const char *p;

	sup_put(b, "## Config\n\nEvery key of the profile's config file;"
		" a value is shown only if it is a plain setting (no secret,"
		" address, name, number or private path). Comments are left"
		" out.\n\n"
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

		shown = sup_scrubbed(b, v);
		if (!shown)
			return;
		if (!*v)
			sup_put(b, "%s\n", key);
		else if (scrub_cfg_keep(key, shown))
			sup_put(b, "%-36s %s\n", key, shown);
		else
			sup_put(b, "%-36s [removed]\n", key);
		free(shown);
	}
	sup_put(b, "```\n\n");
}


/* ---- permissions and consent ------------------------------------------- */


void sup_sec_perm(struct bundle *b)
{
	char path[4200], e[256] = "", crash[4200], d[16];
	struct consent_info ci;
	struct perm_set ps;
	int i, err;

	sup_put(b, "## Permissions and consent\n\n");

	if (!fio_path(path, sizeof(path), b->ctx->profile,
		      PROFILE_PERMISSIONS)) {
		err = perm_load(path, &ps, e, sizeof(e));
		if (err)
			sup_put(b, "- permissions file: %s (defaults apply:"
				" %s)\n",
				err == ENOENT ? "missing" : "malformed", e);
		for (i = 0; i < PERM_COUNT; ++i)
			sup_put(b, "- %s: %s\n", perm_name(i),
				perm_state_name(ps.state[i]));
	}

	if (!store_crashdir(crash, sizeof(crash), b->ctx->profile)) {
		err = consent_load(crash, &ci);
		sup_day(d, sizeof(d), ci.since);
		sup_put(b, "- crash reports and statistics consent: %s%s"
			" (policy version %u, current %u, since %s)\n",
			consent_name(ci.state), err && err != ENOENT ?
			" (file unreadable)" : "", ci.version,
			CRASH_POLICY_VERSION, d);
	}
	sup_put(b, "\n");
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


void sup_sec_calllog(struct bundle *b)
{
	struct cldb_query q;
	struct cldb *db = NULL;
	struct cl_fig *f;
	char path[4200];
	unsigned i;
	int err;

	sup_put(b, "## Call log (last %d days)\n\nCounts only: no parties, no"
		" times.\n\n", CALLLOG_DAYS);

	if (fio_path(path, sizeof(path), b->ctx->profile, PROFILE_CALLLOG) ||
	    !fio_exists(path)) {
		sup_put(b, "- no call log\n\n");
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
		sup_put(b, "- the call log cannot be read: %s\n\n",
			strerror(err));
		free(f);
		return;
	}

	sup_put(b, "- calls: %u\n", f->total);
	for (i = 0; i < f->nstatus; ++i)
		sup_put(b, "- status %s: %u\n", f->status[i], f->count[i]);
	if (f->code[0])
		sup_put(b, "- no SIP code: %u\n", f->code[0]);
	for (i = 1; i < 700; ++i) {
		if (f->code[i])
			sup_put(b, "- SIP code %u: %u\n", i, f->code[i]);
	}
	sup_put(b, "\n");
	free(f);
}


/* ---- crash reports ------------------------------------------------------ */

void sup_sec_crash(struct bundle *b)
{
	struct store_entry *v = NULL;
	char dir[4200], d[16], sig[32];
	size_t n = 0, i;

	sup_put(b, "## Crash reports\n\n");

	if (store_crashdir(dir, sizeof(dir), b->ctx->profile) ||
	    store_list(dir, &v, &n) || !n) {
		sup_put(b, "- none\n\n");
		free(v);
		return;
	}

	sup_put(b, "Ids and signals only; 'octasip crash show ID' prints a"
		" report.\n\n");
	for (i = 0; i < n; ++i) {
		sup_day(d, sizeof(d), v[i].mtime);
		if (cli_crash_signal(dir, v[i].id, sig, sizeof(sig)))
			(void)snprintf(sig, sizeof(sig), "damaged");
		sup_put(b, "- %s  %s  %s\n", v[i].id, d, sig);
	}
	sup_put(b, "\n");
	free(v);
}


/* ---- live state and output --------------------------------------------- */

void sup_sec_live(struct bundle *b)
{
	static const char *const cmds[] = {
		"octasip_crash", "credstore_status", "calllog_stats",
	};
	size_t i;

	sup_put(b, "## Live state\n\n");
	if (!b->pid && !b->reginfo) {
		sup_put(b, "baresip does not run on this profile.\n\n");
		return;
	}

	sup_put(b, "### /reginfo\n\n```\n%s\n```\n\n",
		b->reginfo ? b->reginfo : "(no answer)");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); ++i) {
		char *data = NULL;

		if (sup_live_query(b, cmds[i], &data))
			sup_put(b, "### /%s\n\n(no answer)\n\n", cmds[i]);
		else
			sup_put(b, "### /%s\n\n```\n%s\n```\n\n", cmds[i],
				data);
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
void sup_output_load(struct bundle *b)
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
		b->output = sup_scrubbed(b, tail_lines(raw, OUTPUT_LINES));
	free(raw);
}


void sup_sec_output(struct bundle *b)
{
	sup_put(b, "## Recent baresip output\n\n");

	if (!b->output) {
		sup_put(b, "None: no journal of the octasip user unit, and"
			" no log (start with 'octasip run --log' to keep"
			" one).\n");
		return;
	}

	sup_put(b, "The last %d lines of %s.\n\n```\n", OUTPUT_LINES,
		b->output_src);
	sup_append(b, b->output, strlen(b->output));
	sup_put(b, "\n```\n");
}
