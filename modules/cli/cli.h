/**
 * @file cli.h  The octasip command-line tool: shared declarations
 *
 * Each subcommand lives in its own cli_<area>.c and has the signature of
 * cli_cmd_h.  argv[0] is the subcommand name; the global -d DIR has been
 * removed from argv and resolved into ctx->profile.  A handler prints one
 * line on stderr (cli_err()) and returns non-zero on failure.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CLI_H
#define OCTASIP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cli_ctx {
	char profile[4096];        /* resolved profile directory        */
	bool profile_explicit;     /* given with -d                     */
	char datadir[4096];        /* config templates (config/)        */
	char builddir_mods[4096];  /* OctaSIP .so files, if build tree  */
	bool from_build_tree;      /* octasip runs from its build tree  */
	bool headless;             /* run: no terminal UI (stdio.so)    */
};

/* Exit status when the desktop keyring is locked (the systemd unit does
 * not restart on it: RestartPreventExitStatus) */
#define CLI_EXIT_LOCKED 77

/* Exit status of every usage error (octasip(1)) */
#define CLI_EXIT_USAGE 2

typedef int (cli_cmd_h)(int argc, char **argv, struct cli_ctx *ctx);

int cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_profile_require(const struct cli_ctx *ctx);

/*
 * cli_opt.c: one option parser for every subcommand.
 *
 * cli_usage() prints "octasip: MESSAGE" and "Try 'octasip CMD --help'."
 * on stderr and returns CLI_EXIT_USAGE.
 *
 * cli_getopt() is getopt_long() over argv (argv[0] is the word before
 * the options, e.g. "list" of "calllog list") with OctaSIP's messages:
 * options and operands in any order, "--opt value" or "--opt=value",
 * long names in full only (no prefixes), a short form where an option's
 * val is a letter.  Returns the val; -1 at the end, the operands then in
 * argv[optind..argc-1]; '?' after a usage error was printed (the caller
 * returns CLI_EXIT_USAGE).  Option tables are named opts_SUBCOMMAND or
 * opts_SUBCOMMAND_ACTION: tests/e2e/test_cli_docs.py reads them.
 */
struct option;
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_getopt(int argc, char **argv, const char *cmd,
	       const struct option *opts);
/* A decimal number 0..max as an option's value, else a usage error */
int cli_opt_num(const char *cmd, const char *opt, const char *val,
		unsigned long max, unsigned long *out);
int cli_fd_arg(const char *cmd, const char *opt, const char *s, int *fdp);

/* The index of argv[1] (the action) in names (NULL-terminated), or
 * -CLI_EXIT_USAGE after a usage error (no action, or an unknown one) */
int cli_action(int argc, char **argv, const char *const *names);

/* Each subcommand's help text (octasip SUBCOMMAND --help) */
extern const char cli_init_help[], cli_run_help[], cli_demo_help[],
	cli_account_help[], cli_vault_help[], cli_calllog_help[],
	cli_perm_help[], cli_crash_help[], cli_stats_help[],
	cli_data_help[], cli_support_help[];

/* cli_profile.c */
int cli_init(int argc, char **argv, struct cli_ctx *ctx);
int cli_run(int argc, char **argv, struct cli_ctx *ctx);
int cli_profile_seed(const struct cli_ctx *ctx, bool quiet);
int cli_profile_areas_init(const struct cli_ctx *ctx);
int cli_modules_prepare(const struct cli_ctx *ctx, char *moddir,
			size_t sz);
int cli_baresip_path(char *buf, size_t sz);
/* cli_cfgabi.c: config.in as the ABI family built for needs it */
int cli_config_for_abi(uint8_t **bufp, size_t *lenp);
/* cli_cfgabi.c: in, plus what calls over 127.0.0.1 need (*outp: free) */
int cli_config_loopback(const char *in, char **outp);
int cli_config_managed(const struct cli_ctx *ctx, const char *moddir,
		       bool tone);

/* cli_rollback.c: what init created is removed if init fails */
struct cli_snap {
	char **names;              /* entries the profile had before    */
	size_t n;
	bool dir_existed;
};
int cli_snap_take(struct cli_snap *s, const char *dir);
void cli_snap_rollback(const struct cli_snap *s, const char *dir);
void cli_snap_free(struct cli_snap *s);

/* cli_ports.c */
int cli_sip_ports_check(const struct cli_ctx *ctx);
/* A loopback port P free for UDP and TCP with P+1 free too (SIP/TLS),
 * never one this process handed out before */
int cli_sip_free_port(uint16_t *portp);

/* cli_logfilter.c */
int cli_logfilter_start(void);

/* cli_tls.c: a new self-signed key and certificate (PEM, 0600) */
int cli_tls_listener_cert(const char *path);

/* cli_demo.c */
int cli_demo(int argc, char **argv, struct cli_ctx *ctx);

/* Per-area subcommands, one file each */
int cli_account(int argc, char **argv, struct cli_ctx *ctx);
int cli_vault(int argc, char **argv, struct cli_ctx *ctx);
int cli_calllog(int argc, char **argv, struct cli_ctx *ctx);
int cli_perm(int argc, char **argv, struct cli_ctx *ctx);
int cli_crash(int argc, char **argv, struct cli_ctx *ctx);
int cli_stats(int argc, char **argv, struct cli_ctx *ctx);
int cli_data(int argc, char **argv, struct cli_ctx *ctx);
int cli_support(int argc, char **argv, struct cli_ctx *ctx);

/* cli_crash.c: the signal of a stored crash report (0 or an errno) */
int cli_crash_signal(const char *crashdir, const char *id, char *sig,
		     size_t sz);

/*
 * Called by "octasip init" after the profile files are seeded, so each
 * area can create its own state (vault key source, permissions file,
 * crash directory, ...).  Each prints at most a line or two.
 */
int cli_credstore_profile_init(const struct cli_ctx *ctx);
int cli_calllog_profile_init(const struct cli_ctx *ctx);
void cli_calllog_settle(const struct cli_ctx *ctx);
void cli_policy_settle(const struct cli_ctx *ctx);
int cli_policy_profile_init(const struct cli_ctx *ctx);
int cli_crash_profile_init(const struct cli_ctx *ctx);

#endif
