/**
 * @file cli_opt.c  One option parser for every subcommand (getopt_long)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"


int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	(void)fputs("octasip: ", stderr);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fprintf(stderr, "\nTry 'octasip %s%s--help'.\n",
		      cmd ? cmd : "", cmd ? " " : "");

	return CLI_EXIT_USAGE;
}


static const struct option *find(const struct option *opts, const char *a,
				 size_t n)
{
	for (; opts->name; ++opts) {
		if (strlen(opts->name) == n && !strncmp(opts->name, a, n))
			return opts;
	}

	return NULL;
}


/* Exact names only: getopt_long's prefixes would let "--pass" through */
static int names_check(int argc, char **argv, const char *cmd,
		       const struct option *opts)
{
	int i;

	for (i = 1; i < argc; ++i) {

		const char *a = argv[i];

		if (!strcmp(a, "--"))
			break;
		if (strncmp(a, "--", 2) || find(opts, a + 2, strcspn(a + 2,
								    "=")))
			continue;
		if (!strncmp(a, "--pass", 6))
			return cli_usage(cmd, "passwords are never taken from"
					 " the command line; use"
					 " --password-stdin or the prompt");

		return cli_usage(cmd, "unknown option %.*s",
				 (int)strcspn(a, "="), a);
	}

	return 0;
}


static const char *long_name(const struct option *opts, int val)
{
	for (; opts->name; ++opts) {
		if (opts->val == val)
			return opts->name;
	}

	return NULL;
}


static const char *prev_argv_0;
static const struct option *prev_opts;

int cli_getopt(int argc, char **argv, const char *cmd,
	       const struct option *opts)
{
	char shorts[64] = ":";
	const struct option *o;
	size_t n = 1;
	const char *name;
	int c;

	if (argv[0] != prev_argv_0 || opts != prev_opts) {
		prev_argv_0 = argv[0];
		prev_opts = opts;
		optind = 0;          /* glibc: start afresh */
		if (names_check(argc, argv, cmd, opts)) {
			prev_opts = NULL;
			return '?';
		}
	}

	for (o = opts; o->name && n + 3 < sizeof(shorts); ++o) {
		if (o->val > 0 && o->val < 128 && isalnum(o->val)) {
			shorts[n++] = (char)o->val;
			if (o->has_arg == required_argument)
				shorts[n++] = ':';
		}
	}
	shorts[n] = '\0';

	opterr = 0;
	c = getopt_long(argc, argv, shorts, opts, NULL);
	if (c == -1) {
		prev_opts = NULL;
		return -1;
	}
	if (c != '?' && c != ':')
		return c;

	prev_opts = NULL;
	name = long_name(opts, optopt);

	/* argv[optind - 1] is the option that failed, in either case */
	if (c == ':' && name && !strncmp(argv[optind - 1], "--", 2))
		(void)cli_usage(cmd, "option --%s needs a value", name);
	else if (c == ':')
		(void)cli_usage(cmd, "option -%c needs a value", optopt);
	else if (optopt && name && !strncmp(argv[optind - 1], "--", 2))
		(void)cli_usage(cmd, "option --%s takes no value", name);
	else if (optopt == 'p')
		(void)cli_usage(cmd, "passwords are never taken from the"
				" command line; use --password-stdin or the"
				" prompt");
	else if (optopt)
		(void)cli_usage(cmd, "unknown option -%c", optopt);
	else
		(void)cli_usage(cmd, "unknown option %s", argv[optind - 1]);

	return '?';
}


int cli_opt_num(const char *cmd, const char *opt, const char *val,
		unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(val, &end, 10);
	if (!isdigit((unsigned char)*val) || *end || errno || v > max)
		return cli_usage(cmd, "option %s needs a number from 0 to"
				 " %lu, not '%s'", opt, max, val);
	*out = v;

	return 0;
}


int cli_fd_arg(const char *cmd, const char *opt, const char *s, int *fdp)
{
	unsigned long v;

	if (cli_opt_num(cmd, opt, s, 65535, &v))
		return CLI_EXIT_USAGE;
	*fdp = (int)v;

	return 0;
}


int cli_action(int argc, char **argv, const char *const *names)
{
	char list[256] = "";
	size_t n = 0, i, len = 0;

	for (i = 0; argc >= 2 && names[i]; ++i) {
		if (!strcmp(argv[1], names[i]))
			return (int)i;
	}

	if (argc >= 2)
		return -cli_usage(argv[0], "unknown %s action '%s'", argv[0],
				  argv[1]);

	while (names[n])
		++n;
	for (i = 0; i < n && len < sizeof(list); ++i) {
		int r = snprintf(list + len, sizeof(list) - len, "%s%s",
				 !i ? "" : i + 1 < n ? ", " : " or ",
				 names[i]);
		if (r < 0)
			break;
		len += (size_t)r;
	}

	return -cli_usage(argv[0], "%s needs %s: %s", argv[0],
			  n > 1 ? "an action" : "the action", list);
}
