/**
 * @file cli_profile.c  octasip init and octasip run
 *
 * init seeds the profile from the templates and records what it wrote in
 * .octasip-seed (file name and a hash).  A later init updates a file only
 * if it still holds exactly what was seeded; a file the user changed is
 * never touched.  init is all or nothing (cli_rollback.c).  run (--init:
 * first what init does) checks the ports baresip will bind (cli_ports.c
 * for SIP), then rewrites only the "octasip managed" block of the
 * config (module_path, the terminal UI, the audio device and, unless
 * set elsewhere, snd_path = <profile>/recordings and sip_certificate =
 * <profile>/sip-tls.pem, made new at each run: cli_tls.c), then execs
 * baresip.  Headless (--headless, or stdin not a terminal, as under
 * systemd) leaves stdio.so out: on /dev/null it cannot even load.
 * run --log also keeps a redacted copy of baresip's output in the
 * profile (runlog.h), for "octasip support bundle".
 * Without a terminal on stdout or stderr the block also turns the menu's
 * call-status line off (statmode_default off) and baresip's output goes
 * through cli_logfilter.c, which removes its ANSI colour codes.  Falling
 * back to the tone (no PulseAudio server) is said in one line.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "cli.h"
#include "common/cfgedit.h"
#include "ctrl.h"
#include "common/ctrlpath.h"
#include "common/fileio.h"
#include "common/profile.h"
#include "runlog.h"
#include "generated/octasip_version.h"


#define SEED_FILE ".octasip-seed"
#define MANAGED_BEGIN "# >>> octasip managed"
#define MANAGED_END "# <<< octasip managed"


static const char *const seeded[] = {"config", "accounts", "contacts"};


static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--) {
		h ^= *p++;
		h *= 1099511628211ULL;
	}

	return h;
}


/* The hash init recorded for name, or 0 */
static uint64_t seed_hash(const char *profile, const char *name)
{
	char path[4200], line[512];
	uint64_t h = 0;
	FILE *f;

	if (fio_path(path, sizeof(path), profile, SEED_FILE))
		return 0;

	f = fopen(path, "r");
	if (!f)
		return 0;

	while (fgets(line, sizeof(line), f)) {
		char fname[128];
		uint64_t v;

		if (sscanf(line, "%127s %" SCNx64, fname, &v) == 2 &&
		    !strcmp(fname, name))
			h = v;
	}

	(void)fclose(f);

	return h;
}


static int template_read(const struct cli_ctx *ctx, const char *name,
			 uint8_t **bufp, size_t *lenp)
{
	char path[4200];
	int err;

	if (fio_path(path, sizeof(path), ctx->datadir,
		     strcmp(name, "config") ? name : "config.in"))
		return ENAMETOOLONG;

	err = fio_read_all(path, bufp, lenp, 1 << 20);
	if (!err && !strcmp(name, "config"))
		err = cli_config_for_abi(bufp, lenp);
	if (err)
		(void)cli_err("cannot read template %s: %s", path,
			      strerror(err));

	return err;
}


int cli_profile_seed(const struct cli_ctx *ctx, bool quiet)
{
	char path[4200], record[1024];
	size_t rlen = 0, i;
	int err;

	/* the default location may lack ~/.config; an explicit -d may not */
	if (!ctx->profile_explicit) {
		err = fio_mkdir_parents(ctx->profile);
		if (err)
			return cli_err("cannot create the parents of %s: %s",
				       ctx->profile, strerror(err));
	}

	err = fio_mkdir_private(ctx->profile);
	if (err == ENOENT) {
		return cli_err("cannot create profile %s: parent directory"
			       " does not exist", ctx->profile);
	}
	if (err) {
		return cli_err("cannot create profile %s: %s", ctx->profile,
			       strerror(err));
	}

	if (access(ctx->profile, W_OK) != 0) {
		return cli_err("profile %s is not writable: %s",
			       ctx->profile, strerror(errno));
	}

	for (i = 0; i < sizeof(seeded) / sizeof(seeded[0]); ++i) {

		uint8_t *tpl = NULL, *cur = NULL;
		size_t tlen, clen;
		uint64_t th, old;
		int n;

		err = template_read(ctx, seeded[i], &tpl, &tlen);
		if (err)
			return 1;

		th = fnv1a(tpl, tlen);
		(void)fio_path(path, sizeof(path), ctx->profile, seeded[i]);
		old = seed_hash(ctx->profile, seeded[i]);

		if (fio_read_all(path, &cur, &clen, 1 << 24) == 0) {

			uint64_t ch = fnv1a(cur, clen);

			free(cur);

			if (ch != th && ch != old) {
				if (!quiet)
					(void)printf("kept %s (changed by"
						     " you)\n", path);
				th = old;
				goto record;
			}
			if (ch == th)
				goto record;
		}

		err = fio_write_atomic(path, tpl, tlen, 0600);
		if (err) {
			free(tpl);
			return cli_err("cannot write %s: %s", path,
				       strerror(err));
		}
		if (!quiet)
			(void)printf("wrote %s\n", path);

	record:
		free(tpl);
		n = snprintf(record + rlen, sizeof(record) - rlen,
			     "%s %016" PRIx64 "\n", seeded[i], th);
		if (n > 0 && (size_t)n < sizeof(record) - rlen)
			rlen += (size_t)n;
	}

	(void)fio_path(path, sizeof(path), ctx->profile, SEED_FILE);
	err = fio_write_atomic(path, record, rlen, 0600);
	if (err)
		return cli_err("cannot write %s: %s", path, strerror(err));

	return 0;
}


/* The state of the areas that have one: permissions, call log, crash/ */
int cli_profile_areas_init(const struct cli_ctx *ctx)
{
	int err;

	err = cli_policy_profile_init(ctx);
	if (!err)
		err = cli_calllog_profile_init(ctx);
	if (!err)
		err = cli_crash_profile_init(ctx);

	return err;
}


const char cli_init_help[] =
	"usage: octasip [-d DIR] init\n"
	"\n"
	"Creates the profile directory (0700) and what it needs, each file\n"
	"only if it is missing: config, accounts, contacts, permissions,\n"
	"the vault's key source, an empty calllog.db, the crash directory.\n"
	"A file you changed is never touched; if a step fails, what init\n"
	"created is removed again.\n";

static const struct option opts_init[] = {
	{NULL, 0, NULL, 0},
};


/* All or nothing: a failed step removes what this init created */
int cli_init(int argc, char **argv, struct cli_ctx *ctx)
{
	struct cli_snap snap;
	int err;

	if (cli_getopt(argc, argv, "init", opts_init) != -1)
		return CLI_EXIT_USAGE;
	if (optind < argc)
		return cli_usage("init", "unexpected argument '%s'",
				 argv[optind]);

	err = cli_snap_take(&snap, ctx->profile);
	if (err) {
		return cli_err("cannot read profile %s: %s", ctx->profile,
			       strerror(err));
	}

	err = cli_profile_seed(ctx, false);
	if (!err)
		err = cli_credstore_profile_init(ctx);
	if (!err)
		err = cli_profile_areas_init(ctx);

	if (err) {
		cli_snap_rollback(&snap, ctx->profile);
		(void)printf("init undone: nothing it wrote is left in %s\n",
			     ctx->profile);
	}
	else {
		(void)printf("profile ready: %s\n", ctx->profile);
	}

	cli_snap_free(&snap);

	return err;
}


int cli_baresip_path(char *buf, size_t sz)
{
	const char *env = getenv("OCTASIP_BARESIP");
	const char *p = (env && *env) ? env : OCTASIP_BARESIP;

	if (access(p, X_OK) != 0) {
		return cli_err("baresip is not installed (%s not found);"
			       " install it with: apt-get install"
			       " baresip-core", p);
	}

	(void)snprintf(buf, sz, "%s", p);

	return 0;
}


static bool link_is(const char *link, const char *target)
{
	char buf[4200];
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);

	if (n < 0)
		return false;
	buf[n] = '\0';

	return !strcmp(buf, target);
}


/* Links every .so of dir into farm, except those that over (if not
 * NULL) also has: those are linked from over */
static int link_dir(const char *dir, const char *farm, const char *over)
{
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno;

	while ((de = readdir(d))) {

		char src[4200], dst[4200];
		size_t n = strlen(de->d_name);

		if (n < 4 || strcmp(de->d_name + n - 3, ".so"))
			continue;

		if (fio_path(src, sizeof(src), dir, de->d_name) ||
		    fio_path(dst, sizeof(dst), farm, de->d_name))
			continue;

		if (over) {
			char o[4200];

			if (!fio_path(o, sizeof(o), over, de->d_name) &&
			    fio_exists(o))
				continue;
		}

		/* already right: no write (a read-only profile runs) */
		if (link_is(dst, src))
			continue;

		(void)unlink(dst);
		if (symlink(src, dst) != 0) {
			int err = errno;
			(void)closedir(d);
			return err;
		}
	}

	(void)closedir(d);

	return 0;
}


/*
 * baresip has one module_path.  Installed OctaSIP modules sit in the
 * core's own directory; from a build tree we make a directory of links
 * to the stock modules and to the freshly built ones.
 */
int cli_modules_prepare(const struct cli_ctx *ctx, char *moddir, size_t sz)
{
	int err;

	if (!ctx->from_build_tree) {
		(void)snprintf(moddir, sz, "%s", OCTASIP_MODULE_DIR);
		return 0;
	}

	if (fio_path(moddir, sz, ctx->profile, ".modules"))
		return cli_err("profile path too long");

	err = fio_mkdir_private(moddir);
	if (!err)
		err = link_dir(OCTASIP_MODULE_DIR, moddir,
			       ctx->builddir_mods);
	if (!err)
		err = link_dir(ctx->builddir_mods, moddir, NULL);
	if (err) {
		return cli_err("cannot prepare module directory %s: %s",
			       moddir, strerror(err));
	}

	return 0;
}


/* A PulseAudio server answers if its native socket accepts a connection;
 * if not, why not in why */
static bool pulse_reachable(char *why, size_t sz)
{
	struct sockaddr_un sun;
	const char *rt = getenv("XDG_RUNTIME_DIR");
	const char *srv = getenv("PULSE_SERVER");
	bool ok;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;

	if (srv && !strncmp(srv, "unix:", 5))
		(void)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s",
			       srv + 5);
	else if (rt)
		(void)snprintf(sun.sun_path, sizeof(sun.sun_path),
			       "%s/pulse/native", rt);
	else {
		(void)snprintf(why, sz, "no PulseAudio socket to look for"
			       " (neither PULSE_SERVER=unix:PATH nor"
			       " XDG_RUNTIME_DIR is set)");
		return false;
	}

	if (access(OCTASIP_MODULE_DIR "/alsa.so", R_OK) != 0) {
		(void)snprintf(why, sz, "baresip's ALSA module %s is not"
			       " installed", OCTASIP_MODULE_DIR "/alsa.so");
		return false;
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		(void)snprintf(why, sz, "cannot make a socket: %s",
			       strerror(errno));
		return false;
	}

	ok = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	if (!ok)
		(void)snprintf(why, sz, "no PulseAudio or pipewire-pulse"
			       " server answers on %s (%s)", sun.sun_path,
			       strerror(errno));
	(void)close(fd);

	return ok;
}


/*
 * Is the block ours to fill for this key?  *mine false when there is no
 * managed block, or the user set the key elsewhere in the file.
 */
static int block_owns(const char *text, const char *key, bool *mine)
{
	char *rest = NULL, val[8];
	int err;

	*mine = false;

	err = cfg_replace_block(text, MANAGED_BEGIN, MANAGED_END, "", &rest);
	if (err == ENOENT)
		return 0;
	if (err)
		return err;

	*mine = cfg_get(rest, key, val, sizeof(val)) == ENOENT;
	free(rest);

	return 0;
}


/*
 * Recordings (sndfile.so, only with the recording permission) go to
 * baresip's snd_path, "." by default: wherever baresip was started.  Unless
 * the user set snd_path outside the managed block, the block points it at
 * the profile's private recordings/ directory, so that export and wipe
 * find them and nothing lands in the working directory.
 */
/* P-LOCAL-1: recordings go inside the profile unless you chose a path */
static int snd_line(const struct cli_ctx *ctx, const char *text,
		    char *line, size_t sz)
{
	char dir[4200];
	bool mine;
	int err;

	line[0] = '\0';

	err = block_owns(text, "snd_path", &mine);
	if (err || !mine)
		return err;

	err = fio_path(dir, sizeof(dir), ctx->profile, PROFILE_RECORDINGS);
	if (err)
		return err;

	/* a read-only profile still runs; a recording then fails to open
	 * rather than land in the working directory */
	err = fio_mkdir_private(dir);
	if (err)
		(void)fprintf(stderr, "octasip: note: cannot create %s (%s);"
			      " recordings, if allowed, cannot be saved\n",
			      dir, strerror(err));

	if (snprintf(line, sz, "snd_path\t\t%s\n", dir) >= (int)sz)
		return ENAMETOOLONG;

	return 0;
}


/*
 * The SIP/TLS listener's certificate (cli_tls.c): unless the user set
 * sip_certificate outside the managed block, a new one at each run.  If
 * it cannot be written (a read-only profile), the previous one serves;
 * with none, the line is left out and baresip runs as before.
 */
static int tls_line(const struct cli_ctx *ctx, const char *text,
		    char *line, size_t sz)
{
	char pem[4200];
	bool mine;
	int err;

	line[0] = '\0';

	err = block_owns(text, "sip_certificate", &mine);
	if (err || !mine)
		return err;

	err = fio_path(pem, sizeof(pem), ctx->profile, PROFILE_SIP_TLS);
	if (err)
		return err;

	/* a read-only profile keeps the previous run's certificate */
	err = cli_tls_listener_cert(pem);
	if (err && !fio_exists(pem)) {
		(void)fprintf(stderr, "octasip: note: cannot write %s (%s);"
			      " the SIP/TLS listener has no certificate\n",
			      pem, strerror(err));
		return 0;
	}

	if (snprintf(line, sz, "sip_certificate\t\t%s\n", pem) >= (int)sz)
		return ENAMETOOLONG;

	return 0;
}


int cli_config_managed(const struct cli_ctx *ctx, const char *moddir,
		       bool tone)
{
	char path[4200], block[12800], snd[4300], why[4400], tls[4300];
	uint8_t *buf = NULL;
	size_t len;
	char *out = NULL;
	const char *ui = ctx->headless ? "" : "module\t\t\tstdio.so\n";
	bool term = !ctx->headless && isatty(STDOUT_FILENO) &&
		isatty(STDERR_FILENO);
	const char *stat = term ? "" : "statmode_default\toff\n";
	bool same;
	int err;

	(void)fio_path(path, sizeof(path), ctx->profile, PROFILE_CONFIG);

	err = fio_read_all(path, &buf, &len, 1 << 20);
	if (err)
		return cli_err("cannot read %s: %s", path, strerror(err));

	err = snd_line(ctx, (const char *)buf, snd, sizeof(snd));
	if (err) {
		free(buf);
		return cli_err("cannot prepare the recordings directory in"
			       " %s: %s", ctx->profile, strerror(err));
	}

	err = tls_line(ctx, (const char *)buf, tls, sizeof(tls));
	if (err) {
		free(buf);
		return cli_err("cannot set up the SIP/TLS certificate in %s:"
			       " %s", ctx->profile, strerror(err));
	}

	if (!tone && !pulse_reachable(why, sizeof(why))) {
		/* the fallback changes what callers hear: say so, once */
		(void)fprintf(stderr, "octasip: no audio device: %s; callers"
			      " hear a 440 Hz tone and nothing is played"
			      " (start PulseAudio or pipewire-pulse, or pass"
			      " --tone to choose the tone)\n", why);
		tone = true;
	}

	if (tone) {
		(void)snprintf(block, sizeof(block),
			       "module_path\t\t%s\n"
			       "%s%s"
			       "module\t\t\tausine.so\n"
			       "audio_source\t\tausine,440\n"
			       "audio_alert\t\tausine,440\n"
			       "ausrc_srate\t\t48000\n"
			       "ausrc_channels\t\t2\n%s%s", moddir, ui, stat,
			       snd, tls);
	}
	else {
		(void)snprintf(block, sizeof(block),
			       "module_path\t\t%s\n"
			       "%s%s"
			       "module\t\t\talsa.so\n"
			       "audio_player\t\talsa,default\n"
			       "audio_source\t\talsa,default\n"
			       "audio_alert\t\talsa,default\n%s%s", moddir,
			       ui, stat, snd, tls);
	}

	err = cfg_replace_block((const char *)buf, MANAGED_BEGIN,
				MANAGED_END, block, &out);
	same = !err && strlen(out) == len && !memcmp(out, buf, len);
	free(buf);
	if (same) {
		/* unchanged: no write (a read-only profile runs) */
		free(out);
		return 0;
	}
	if (err == ENOENT) {
		(void)fprintf(stderr, "octasip: no managed block in %s;"
			      " using your module_path and audio lines as"
			      " they are\n", path);
		return 0;
	}
	if (err)
		return cli_err("cannot update %s: %s", path, strerror(err));

	err = fio_write_atomic(path, out, strlen(out), 0600);
	free(out);
	if (err)
		return cli_err("cannot write %s: %s", path, strerror(err));

	return 0;
}


/* One clear line if a loopback TCP port from the config is taken */
static int port_check(const struct cli_ctx *ctx, const char *key)
{
	char path[4200], val[256];
	struct sockaddr_in sin;
	char *colon;
	int fd, ok, one = 1;

	(void)fio_path(path, sizeof(path), ctx->profile, PROFILE_CONFIG);
	if (cfg_file_get(path, key, val, sizeof(val)))
		return 0;

	colon = strrchr(val, ':');
	if (!colon)
		return 0;
	*colon = '\0';

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, val, &sin.sin_addr) != 1)
		return 0;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;

	/* as baresip's own listener does: a TIME_WAIT leftover of a previous
	 * run is no conflict, a live listener still is */
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));

	ok = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	(void)close(fd);

	if (!ok) {
		return cli_err("port %s:%s (%s in %s) is already in use;"
			       " stop the other program or change %s",
			       val, colon + 1, key, path, key);
	}

	return 0;
}


/*
 * The control socket's place must be usable and the profile free: one
 * clear line instead of a baresip that stops at octasip_ctrl's init.
 * Another user's listener on any TCP port is no business of ours.
 */
static int ctrl_check(const struct cli_ctx *ctx)
{
	struct ctrlpath p;
	int err;

	err = ctrl_path(&p, ctx->profile);
	if (err == ENAMETOOLONG) {
		return cli_err("the control socket path for %s is longer than"
			       " a Unix socket allows (107 bytes): set"
			       " XDG_RUNTIME_DIR or " CTRLPATH_CONFIG_KEY
			       " in %s/config", ctx->profile, ctx->profile);
	}
	if (err) {
		return cli_err("bad control socket path for %s: %s",
			       ctx->profile, strerror(err));
	}

	if (ctrlpath_locked(&p)) {
		return cli_err("another OctaSIP is already running on %s"
			       " (%s is locked); quit it first",
			       ctx->profile, p.lock);
	}

	return 0;
}


const char cli_run_help[] =
	"usage: octasip [-d DIR] run [--tone] [--headless] [--init] [--log]"
	" [-- BARESIP-ARGS]\n"
	"\n"
	"Starts baresip on the profile with OctaSIP's modules.\n"
	"\n"
	"  --tone           a 440 Hz tone as microphone (no sound card)\n"
	"  --headless       no terminal UI (also when stdin is no terminal)\n"
	"  --init           create the profile first if there is none\n"
	"  --log            keep a redacted copy of baresip's output in the\n"
	"                   profile (for octasip support bundle)\n"
	"  -- ARGS          passed to baresip as they are\n";

enum { OPT_TONE = 256, OPT_HEADLESS, OPT_INIT, OPT_LOG };

static const struct option opts_run[] = {
	{"tone",     no_argument, NULL, OPT_TONE},
	{"headless", no_argument, NULL, OPT_HEADLESS},
	{"init",     no_argument, NULL, OPT_INIT},
	{"log",      no_argument, NULL, OPT_LOG},
	{NULL, 0, NULL, 0},
};


int cli_run(int argc, char **argv, struct cli_ctx *ctx)
{
	char baresip[4096], moddir[4200];
	char **bargv;
	bool tone = false, log = false, init = false, plain;
	int i, c, dd, n = 0, err;

	/* our options stand before "--", baresip's after it */
	for (dd = 1; dd < argc && strcmp(argv[dd], "--"); ++dd)
		;
	while ((c = cli_getopt(dd, argv, "run", opts_run)) != -1) {
		if (c == OPT_TONE)
			tone = true;
		else if (c == OPT_HEADLESS)
			ctx->headless = true;
		else if (c == OPT_LOG)
			log = true;
		else if (c == OPT_INIT)
			init = true;
		else
			return CLI_EXIT_USAGE;
	}
	if (optind < dd)
		return cli_usage("run", "unexpected argument '%s' (baresip's"
				 " own options go after --)", argv[optind]);
	i = dd;    /* the baresip arguments follow argv[i] */

	if (!isatty(STDIN_FILENO))
		ctx->headless = true;

	err = cli_baresip_path(baresip, sizeof(baresip));
	if (err)
		return err;

	/* --init: what `octasip init` does, in this process, so a failure
	 * is the unit's main process exit status (RestartPreventExitStatus
	 * does not see ExecStartPre=) */
	if (init || !fio_exists(ctx->profile)) {
		err = cli_init(1, argv, ctx);
		if (err)
			return err;
	}
	else {
		err = cli_profile_require(ctx);
		if (err)
			return err;
	}

	/* the control lock, then the ports: a clash is the one line, and
	 * nothing is written (a second OctaSIP on this profile is told so,
	 * not that its SIP port is taken) */
	err = ctrl_check(ctx);
	if (!err)
		err = port_check(ctx, "cons_listen");
	if (!err)
		err = cli_sip_ports_check(ctx);
	if (err)
		return err;

	err = cli_modules_prepare(ctx, moddir, sizeof(moddir));
	if (err)
		return err;

	err = cli_config_managed(ctx, moddir, tone);
	if (err)
		return err;

	/* off a terminal, escapes and status updates are removed: decided
	 * on the real stdout and stderr, before --log points them at its
	 * pipe; started after it, so what it keeps is filtered too */
	plain = !isatty(STDOUT_FILENO) || !isatty(STDERR_FILENO);

	/* opt-in: a redacted copy of the output for "octasip support" */
	if (log) {
		err = runlog_start(ctx->profile);
		if (err)
			return cli_err("cannot start the log in %s: %s",
				       ctx->profile, strerror(err));
	}

	if (plain) {
		(void)fflush(stdout);
		(void)fflush(stderr);
		(void)cli_logfilter_start();
	}

	bargv = calloc((size_t)argc + 4, sizeof(*bargv));
	if (!bargv)
		return cli_err("out of memory");

	bargv[n++] = baresip;
	bargv[n++] = "-f";
	bargv[n++] = ctx->profile;
	for (++i; i < argc; ++i)
		bargv[n++] = argv[i];
	bargv[n] = NULL;

	(void)fflush(stdout);
	execv(baresip, bargv);

	err = errno;
	free(bargv);

	return cli_err("cannot start %s: %s", baresip, strerror(err));
}
