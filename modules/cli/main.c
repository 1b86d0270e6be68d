/**
 * @file main.c  octasip: the OctaSIP command-line tool
 *
 * Usage: octasip [-d DIR] SUBCOMMAND [ARGS]   (-d may also follow the
 * subcommand).  Secrets are never taken from argv.
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
	const char *help;
} cmdv[] = {
	{"init",    cli_init,    "create the profile (never overwrites)"},
	{"run",     cli_run,     "start the softphone [-- BARESIP-ARGS]"},
	{"demo",    cli_demo,    "two local instances call each other"},
	{"account", cli_account, "add | list | remove | import"},
	{"vault",   cli_vault,   "status | rekey"},
	{"calllog", cli_calllog, "list | export | purge"},
	{"perm",    cli_perm,    "list | set PERMISSION STATE | reset"},
	{"crash",   cli_crash,   "list | show | delete | send | consent"},
	{"stats",   cli_stats,   "show"},
	{"data",    cli_data,    "export [FILE] | wipe [--yes]"},
	{"support", cli_support, "bundle [FILE]: a redacted report for"
				 " a support request"},
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


int cli_usage_err(const char *cmd, const char *usage)
{
	return cli_err("usage: octasip %s %s", cmd, usage);
}


int cli_fd_arg(const char *s, int *fdp)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end || v < 0 || v > 65535)
		return cli_err("not a file descriptor: %s", s);

	*fdp = (int)v;

	return 0;
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

	(void)fprintf(f, "usage: octasip [-d DIR] SUBCOMMAND [ARGS]\n\n");
	for (i = 0; i < sizeof(cmdv) / sizeof(cmdv[0]); ++i)
		(void)fprintf(f, "  %-8s %s\n", cmdv[i].name, cmdv[i].help);
	(void)fprintf(f, "\n-d DIR: profile directory (default $OCTASIP_HOME,"
		      " else ${XDG_CONFIG_HOME:-~/.config}/octasip)\n"
		      "See octasip(1) and README.md.\n");
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


int main(int argc, char **argv)
{
	struct cli_ctx ctx;
	const char *dir = NULL;
	char **args;
	int i, n = 0;
	size_t k;

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
				free(args);
				return cli_err("-d needs a directory");
			}
			dir = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "-v") && n == 0) {
			olog_set_verbose(1);
			continue;
		}
		args[n++] = argv[i];
	}

	if (n == 0 || !strcmp(args[0], "-h") || !strcmp(args[0], "--help")
	    || !strcmp(args[0], "help")) {
		usage(n == 0 ? stderr : stdout);
		free(args);
		return n == 0 ? 2 : 0;
	}

	if (!strcmp(args[0], "--version") || !strcmp(args[0], "version")) {
		(void)printf("octasip %s\n", OCTASIP_VERSION);
		free(args);
		return 0;
	}

	if (profile_resolve(ctx.profile, sizeof(ctx.profile), dir)) {
		free(args);
		return cli_err("cannot find a profile directory: give -d DIR"
			       " or set OCTASIP_HOME or HOME");
	}
	ctx.profile_explicit = dir != NULL;

	locate(&ctx);

	for (k = 0; k < sizeof(cmdv) / sizeof(cmdv[0]); ++k) {

		if (strcmp(cmdv[k].name, args[0]))
			continue;

		i = cmdv[k].h(n, args, &ctx);
		free(args);
		return i ? (i > 255 ? 1 : i) : 0;
	}

	(void)cli_err("unknown subcommand '%s' (try 'octasip --help')",
		      args[0]);
	free(args);
	return 2;
}
