/**
 * @file main.c  octasip: the OctaSIP command-line tool
 *
 * Usage: octasip [-v] [-d DIR] SUBCOMMAND [ARGS]   (-d may also follow
 * the subcommand).  Secrets are never taken from argv.  Usage errors exit
 * 2 with one line and a hint on stderr; "octasip SUBCOMMAND --help" and
 * "octasip help SUBCOMMAND" print the subcommand's help on stdout.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "common/fileio.h"
#include "common/olog.h"
#include "common/profile.h"
#include "generated/octasip_version.h"


static const struct {
	const char *name;
	cli_cmd_h *h;
	const char *summary;
	const char *help;
} cmdv[] = {
	{"init",    cli_init,    "create the profile (never overwrites)",
	 cli_init_help},
	{"run",     cli_run,     "start the softphone [-- BARESIP-ARGS]",
	 cli_run_help},
	{"demo",    cli_demo,    "two local instances call each other",
	 cli_demo_help},
	{"account", cli_account, "add | set | list | remove | import",
	 cli_account_help},
	{"vault",   cli_vault,   "status | rekey", cli_vault_help},
	{"calllog", cli_calllog, "list | export | purge", cli_calllog_help},
	{"perm",    cli_perm,    "list | set PERMISSION STATE | reset",
	 cli_perm_help},
	{"crash",   cli_crash,   "list | show | delete | send | consent",
	 cli_crash_help},
	{"stats",   cli_stats,   "show", cli_stats_help},
	{"data",    cli_data,    "export [FILE] | wipe [--yes]",
	 cli_data_help},
	{"support", cli_support, "bundle [FILE]: a redacted report for"
				 " a support request", cli_support_help},
};


int cli_err(const char *fmt, ...)
{
	va_list ap;

	(void)fputs("octasip: ", stderr);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);

	return 1;
}


int cli_profile_require(const struct cli_ctx *ctx)
{
	char path[4200];

	if (fio_path(path, sizeof(path), ctx->profile, PROFILE_CONFIG))
		return cli_err("profile path too long: %s", ctx->profile);

	if (!fio_exists(ctx->profile))
		return cli_err("no profile at %s (run 'octasip init"
			       " -d %s' first)", ctx->profile, ctx->profile);

	if (!fio_exists(path))
		return cli_err("%s is not an OctaSIP profile (no config"
			       " file; run 'octasip init')", ctx->profile);

	return 0;
}


static void usage(FILE *f)
{
	size_t i;

	(void)fprintf(f, "usage: octasip [-v] [-d DIR] SUBCOMMAND [ARGS]\n"
		      "       octasip help [SUBCOMMAND] | --version\n\n");
	for (i = 0; i < sizeof(cmdv) / sizeof(cmdv[0]); ++i)
		(void)fprintf(f, "  %-8s %s\n", cmdv[i].name,
			      cmdv[i].summary);
	(void)fprintf(f, "\n-d DIR: profile directory (default $OCTASIP_HOME,"
		      " else ${XDG_CONFIG_HOME:-~/.config}/octasip)\n"
		      "-v: verbose log lines\n"
		      "'octasip SUBCOMMAND --help' shows a subcommand's"
		      " options.  See octasip(1) and README.md.\n");
}


/*
 * SIGTERM, SIGINT, SIGHUP: one line on stderr, then exit 128+signal.
 * fio_write_atomic() holds these signals back while it writes, so by the
 * time this runs every file is complete (old or new content) and no temp
 * file is left.  "octasip run" execs baresip, which resets the handlers.
 */
static void on_stop(int sig)
{
	static const char msg[] = "octasip: stopped by a signal; every file"
		" it wrote is complete (old or new content)\n";

	(void)write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(128 + sig);
}


static void stop_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
}


/* Where templates and OctaSIP modules come from: build tree or install */
static void locate(struct cli_ctx *ctx)
{
	char exe[PATH_MAX];
	ssize_t n;
	const char *env;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (!strncmp(exe, OCTASIP_BUILD_DIR "/",
			     strlen(OCTASIP_BUILD_DIR "/")))
			ctx->from_build_tree = true;
	}

	if (ctx->from_build_tree) {
		(void)snprintf(ctx->datadir, sizeof(ctx->datadir), "%s",
			       OCTASIP_SOURCE_DIR "/config");
		(void)snprintf(ctx->builddir_mods,
			       sizeof(ctx->builddir_mods), "%s",
			       OCTASIP_BUILD_DIR "/modules-out");
	}
	else {
		(void)snprintf(ctx->datadir, sizeof(ctx->datadir), "%s",
			       OCTASIP_DATA_DIR);
	}

	env = getenv("OCTASIP_DATADIR");
	if (env && *env)
		(void)snprintf(ctx->datadir, sizeof(ctx->datadir), "%s",
			       env);
}


static int cmd_find(const char *name)
{
	size_t k;

	for (k = 0; k < sizeof(cmdv) / sizeof(cmdv[0]); ++k) {
		if (!strcmp(cmdv[k].name, name))
			return (int)k;
	}

	return -1;
}


/* "octasip SUB ... --help" (before "--"), "octasip help [SUB]" */
static bool help_wanted(int n, char **args, int *k)
{
	int i;

	*k = -1;
	if (!strcmp(args[0], "help")) {
		if (n > 1)
			*k = cmd_find(args[1]);
		return n <= 2 && (n == 1 || *k >= 0);
	}

	for (i = 1; i < n && strcmp(args[i], "--"); ++i) {
		if (!strcmp(args[i], "--help") || !strcmp(args[i], "-h")) {
			*k = cmd_find(args[0]);
			return *k >= 0;
		}
	}

	return false;
}


int main(int argc, char **argv)
{
	struct cli_ctx ctx;
	const char *dir = NULL;
	char **args;
	int i, k, n = 0;

	memset(&ctx, 0, sizeof(ctx));

	/* nothing OctaSIP or baresip writes may be group or world readable */
	(void)umask(077);
	stop_handlers();

	args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args)
		return cli_err("out of memory");

	/* take -d DIR out of argv, wherever it stands before "--" */
	for (i = 1; i < argc; ++i) {

		if (!strcmp(argv[i], "--")) {
			for (; i < argc; ++i)
				args[n++] = argv[i];
			break;
		}
		if (!strcmp(argv[i], "-d")) {
			if (i + 1 >= argc) {
				k = cli_usage(n ? args[0] : NULL,
					      "option -d needs a value");
				free(args);
				return k;
			}
			dir = argv[++i];
			continue;
		}
		if ((!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
		    && n == 0) {
			olog_set_verbose(1);
			continue;
		}
		args[n++] = argv[i];
	}

	if (n == 0 || !strcmp(args[0], "-h") ||
	    !strcmp(args[0], "--help")) {
		usage(n == 0 ? stderr : stdout);
		free(args);
		return n == 0 ? CLI_EXIT_USAGE : 0;
	}

	if (!strcmp(args[0], "--version") || !strcmp(args[0], "version")) {
		(void)printf("octasip %s\n", OCTASIP_VERSION);
		free(args);
		return 0;
	}

	/* help needs no profile */
	if (help_wanted(n, args, &k)) {
		if (k < 0)
			usage(stdout);
		else
			(void)fputs(cmdv[k].help, stdout);
		free(args);
		return 0;
	}

	k = cmd_find(args[0]);
	if (k < 0) {
		if (!strcmp(args[0], "help"))
			i = cli_usage(NULL, "no subcommand '%s'", args[1]);
		else if (args[0][0] == '-')
			i = cli_usage(NULL, "unknown option %s", args[0]);
		else
			i = cli_usage(NULL, "unknown subcommand '%s'",
				      args[0]);
		free(args);
		return i;
	}

	if (profile_resolve(ctx.profile, sizeof(ctx.profile), dir)) {
		free(args);
		return cli_err("cannot find a profile directory: give -d DIR"
			       " or set OCTASIP_HOME or HOME");
	}
	ctx.profile_explicit = dir != NULL;

	locate(&ctx);

	i = cmdv[k].h(n, args, &ctx);
	free(args);

	return i ? (i > 255 ? 1 : i) : 0;
}
