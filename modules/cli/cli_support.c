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
 * every line goes through sup_put(), which runs scrub_text() (this
 * machine's identities, then the crash reporter's redactor); the only
 * exception is an account's address with --include-addresses.  The
 * sections are written by cli_supsect.c and cli_supacct.c
 * (cli_support.h); this file assembles, shows and writes the bundle.
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
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <re.h>
#include <sodium.h>
#include "cli.h"
#include "cli_support.h"
#include "ctrl.h"
#include "common/fileio.h"
#include "octasip_credstore/keysrc.h"
#include "common/profile.h"
#include "scrub.h"
#include "sysinfo.h"
#include "octasip_credstore/vault.h"


void sup_append(struct bundle *b, const char *s, size_t n)
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
char *sup_scrubbed(struct bundle *b, const char *text)
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


void sup_put(struct bundle *b, const char *fmt, ...)
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

	out = sup_scrubbed(b, raw);
	free(raw);
	if (out)
		sup_append(b, out, strlen(out));
	free(out);
}


/*
 * Live state of the baresip on this profile: the response to one
 * command, or an errno (ENOTCONN: none runs).  The only place that talks
 * to it (ctrl.h); nothing but read-only status commands is sent.
 */
int sup_live_query(struct bundle *b, const char *cmd, char **datap)
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


void sup_day(char *buf, size_t sz, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&tt, &tm) ||
	    !strftime(buf, sz, "%Y-%m-%d", &tm))
		(void)snprintf(buf, sz, "-");
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
	err = sup_live_query(b, "reginfo", &b->reginfo);
	if (!err) {
		char *s = sup_scrubbed(b, b->reginfo);

		free(b->reginfo);
		b->reginfo = s;
	}
	else {
		b->reginfo = NULL;
	}
	sup_output_load(b);

	sup_day(today, sizeof(today), (int64_t)time(NULL));
	sup_put(b, "# OctaSIP support bundle\n\n"
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

	sup_sec_versions(b);
	sup_sec_modules(b, (const char *)cfg);
	sup_sec_config(b, (const char *)cfg);
	free(cfg);

	v = sup_vault_quiet(b, &ko, cred, sizeof(cred), msg, sizeof(msg));
	sup_sec_accounts(b, v);
	sup_sec_vault(b, v, &ko, msg);
	vault_free(v);

	sup_sec_perm(b);
	sup_sec_calllog(b);
	sup_sec_crash(b);
	sup_sec_live(b);
	sup_sec_output(b);

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

	sup_day(today, sizeof(today), (int64_t)time(NULL));
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
