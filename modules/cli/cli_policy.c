/**
 * @file cli_policy.c  octasip perm
 *
 *   octasip perm list                      states and last use
 *   octasip perm set PERMISSION STATE      takes effect from the next call
 *   octasip perm reset                     back to the product defaults
 *
 * The same code as the running module (permfile.c): a malformed file is
 * never overwritten by "set" (the error names the line; "reset" is the
 * explicit way out), writes are atomic (0600) and audited.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cli.h"
#include "common/auditpend.h"
#include "common/fileio.h"
#include "common/perm.h"
#include "octasip_policy/permfile.h"

const char cli_perm_help[] =
	"usage: octasip perm list\n"
	"       octasip perm set PERMISSION STATE\n"
	"       octasip perm reset\n"
	"\n"
	"PERMISSION: microphone, contacts, storage, phone_state or"
	" recording\n"
	"STATE: allow, deny, once or ask\n"
	"A running OctaSIP takes a change from its next call on.\n";

static const struct option opts_perm[] = {
	{NULL, 0, NULL, 0},
};


static void when(char *buf, size_t sz, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !localtime_r(&tt, &tm) ||
	    !strftime(buf, sz, "%Y-%m-%d %H:%M:%S", &tm))
		(void)snprintf(buf, sz, "never");
}


/*
 * Audit lines a killed baresip left in permissions.audit.pending go into
 * the audit log first (auditpend.h), so that list and export see them
 * and this tool's own lines come after them.  Only when no baresip holds
 * the file (EBUSY: the running one writes them itself).
 */
static void audit_settle(const char *audit_path)
{
	int e = auditpend_settle(audit_path);

	if (e && e != EBUSY)
		(void)fprintf(stderr, "octasip: note: audit lines in %s%s"
			      " could not be written to %s: %s\n",
			      audit_path, AUDITPEND_SUFFIX, audit_path,
			      strerror(e));
}


/* octasip data export: the pending audit lines into the log first */
void cli_policy_settle(const struct cli_ctx *ctx)
{
	struct permfile pf;

	if (!permfile_init(&pf, ctx->profile))
		audit_settle(pf.audit);
}


static int perm_list(const struct permfile *pf)
{
	long long use[PERM_COUNT], deny[PERM_COUNT];
	struct perm_set ps;
	char err[256] = "", u[32], dn[32];
	int i, e;

	e = perm_load(pf->path, &ps, err, sizeof(err));
	if (e == EBADMSG || e)
		return cli_err("%s: %s (fix it or run 'octasip perm reset')",
			       pf->path, err);

	e = perm_audit_last(pf->audit, use, deny);
	if (e)
		(void)fprintf(stderr, "octasip: warning: cannot read %s: %s\n",
			      pf->audit, strerror(e));

	(void)printf("%-12s %-6s %-20s %s\n", "PERMISSION", "STATE",
		     "LAST USE", "LAST DENIED");
	for (i = 0; i < PERM_COUNT; ++i) {
		when(u, sizeof(u), use[i]);
		when(dn, sizeof(dn), deny[i]);
		(void)printf("%-12s %-6s %-20s %s\n", perm_name(i),
			     perm_state_name(ps.state[i]), u, dn);
	}

	if (ps.state[PERM_CONTACTS] == PERM_ASK ||
	    ps.state[PERM_MICROPHONE] == PERM_ASK ||
	    ps.state[PERM_STORAGE] == PERM_ASK ||
	    ps.state[PERM_PHONE_STATE] == PERM_ASK ||
	    ps.state[PERM_RECORDING] == PERM_ASK)
		(void)printf("\"ask\" is treated as deny until you decide:"
			     " octasip perm set PERMISSION allow|deny|once\n");

	return 0;
}


int cli_perm(int argc, char **argv, struct cli_ctx *ctx)
{
	static const char *const actv[] = {"list", "set", "reset", NULL};
	struct permfile pf;
	char err[256] = "";
	enum perm p;
	enum perm_state st;
	char **args;
	int e, n;

	e = cli_action(argc, argv, actv);
	if (e < 0)
		return -e;
	if (cli_getopt(argc - 1, argv + 1, "perm", opts_perm) != -1)
		return CLI_EXIT_USAGE;

	/* the operands, after the options were taken out */
	n = argc - 1 - optind;
	args = argv + 1 + optind;
	if (n != (strcmp(argv[1], "set") ? 0 : 2))
		return n ? cli_usage("perm", "unexpected argument '%s'",
				     args[n - 1]) :
			cli_usage("perm", "perm set needs PERMISSION STATE");

	if (cli_profile_require(ctx))
		return 1;

	if (permfile_init(&pf, ctx->profile))
		return cli_err("profile path too long: %s", ctx->profile);

	audit_settle(pf.audit);

	if (!strcmp(argv[1], "list"))
		return perm_list(&pf);

	if (!strcmp(argv[1], "reset")) {
		e = permfile_reset(&pf, "cli", (long long)time(NULL), NULL);
		if (e)
			return cli_err("cannot write %s: %s", pf.path,
				       strerror(e));
		return perm_list(&pf);
	}

	if (perm_from_name(args[0], &p))
		return cli_err("unknown permission '%s' (microphone contacts"
			       " storage phone_state recording)", args[0]);
	if (perm_state_from_name(args[1], &st))
		return cli_err("unknown state '%s' (allow deny once ask)",
			       args[1]);

	e = permfile_set(&pf, p, st, "cli", (long long)time(NULL), NULL,
			 err, sizeof(err));
	if (e == EBADMSG)
		return cli_err("%s: %s; nothing changed (fix it or run"
			       " 'octasip perm reset')", pf.path, err);
	if (e)
		return cli_err("%s", err[0] ? err : strerror(e));

	(void)printf("%s %s (takes effect from the next call)\n", args[0],
		     args[1]);

	return 0;
}


/* "octasip init": write the defaults explicitly if there is no file */
int cli_policy_profile_init(const struct cli_ctx *ctx)
{
	struct permfile pf;
	struct perm_set ps;
	int e;

	if (permfile_init(&pf, ctx->profile))
		return cli_err("profile path too long: %s", ctx->profile);

	if (fio_exists(pf.path))
		return 0;

	perm_set_defaults(&ps);
	e = perm_save(pf.path, &ps);
	if (e)
		return cli_err("cannot write %s: %s", pf.path, strerror(e));

	return 0;
}
