/**
 * @file cli_demo.c  octasip demo: two local instances call each other
 *
 * Makes two throw-away profiles (alice, bob) under a temporary directory,
 * starts one baresip for each on loopback with free ports and a 440 Hz
 * tone as microphone, lets alice call bob, bob answer, waits until RTP
 * arrives, hangs up and prints what happened and alice's call log.
 *
 * Options: --keep (leave the profiles and logs for inspection),
 *          --seconds N (talk time, default 2).
 *
 * SIGINT, SIGTERM, SIGHUP or SIGPIPE end the demo early: both baresip
 * processes are stopped and the temporary profiles removed (unless
 * --keep), then octasip exits 128+signal.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "common/cfgedit.h"
#include "ctrl.h"
#include "common/fileio.h"
#include "common/perm.h"
#include "common/profile.h"


const char cli_demo_help[] =
	"usage: octasip demo [--keep] [--seconds N]\n"
	"\n"
	"Two throw-away profiles (alice, bob) under a temporary directory,\n"
	"one baresip each on loopback with a 440 Hz tone as microphone:\n"
	"alice calls bob, bob answers, RTP flows, alice hangs up.\n"
	"\n"
	"  --keep           keep the profiles and logs for inspection\n"
	"  --seconds N      talk time, 0 to 60 (default 2)\n";

enum { OPT_KEEP = 256, OPT_SECONDS };

static const struct option opts_demo[] = {
	{"keep",    no_argument,       NULL, OPT_KEEP},
	{"seconds", required_argument, NULL, OPT_SECONDS},
	{NULL, 0, NULL, 0},
};

enum {
	CTRL_WAIT_MS = 30000,  /* a start on a slow, loaded machine      */
	START_TRIES = 3,       /* starts when the SIP port gets taken     */
};

/* The signal that asked the demo to stop, or 0 */
static volatile sig_atomic_t stop_sig;


static void on_stop(int sig)
{
	if (!stop_sig)
		stop_sig = sig;
}


/* Until the demo ends, a stop signal ends the wait it is in */
static void signals_catch(bool on)
{
	static const int sigv[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
	static struct sigaction old[4];
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);

	for (i = 0; i < sizeof(sigv) / sizeof(sigv[0]); ++i) {
		if (on)
			(void)sigaction(sigv[i], &sa, &old[i]);
		else
			(void)sigaction(sigv[i], &old[i], NULL);
	}
}


struct peer {
	const char *name;
	struct cli_ctx ctx;
	uint16_t sip_port;
	pid_t pid;
	struct ctrl ctrl;
};


static int edit_file(const char *dir, const char *name,
		     int (*fn)(struct peer *, const char *, char **),
		     struct peer *p)
{
	char path[4200];
	uint8_t *buf;
	size_t len;
	char *out = NULL;
	int err;

	(void)fio_path(path, sizeof(path), dir, name);
	err = fio_read_all(path, &buf, &len, 1 << 20);
	if (err)
		return err;

	err = fn(p, (const char *)buf, &out);
	free(buf);
	if (err)
		return err;

	err = fio_write_atomic(path, out, strlen(out), 0600);
	free(out);

	return err;
}


static int edit_config(struct peer *p, const char *in, char **outp)
{
	char val[64], *a = NULL, *b = NULL;
	int err;

	err = cfg_remove(in, "module", "stdio.so", &a);
	if (err)
		return err;

	err = cli_config_loopback(a, &b);
	free(a);
	if (err)
		return err;

	(void)snprintf(val, sizeof(val), "127.0.0.1:%u", p->sip_port);
	err = cfg_set(b, "sip_listen", val, outp);
	free(b);

	return err;
}


static int edit_accounts(struct peer *p, const char *in, char **outp)
{
	char line[256];

	(void)in;
	(void)snprintf(line, sizeof(line),
		       "<sip:%s@127.0.0.1:%u>;regint=0\n", p->name,
		       p->sip_port);

	*outp = strdup(line);

	return *outp ? 0 : ENOMEM;
}


static int setup(struct peer *p, const char *root, const struct cli_ctx *c)
{
	char moddir[4200], perms[4200];
	struct perm_set ps;
	int err;

	p->ctx = *c;
	(void)snprintf(p->ctx.profile, sizeof(p->ctx.profile), "%s/%s",
		       root, p->name);
	p->ctx.profile_explicit = true;

	if (cli_sip_free_port(&p->sip_port))
		return cli_err("no free loopback port for the demo");

	err = cli_profile_seed(&p->ctx, true);
	if (err)
		return err;

	/* the demo speaks with a tone: allow the microphone here */
	(void)fio_path(perms, sizeof(perms), p->ctx.profile,
		       PROFILE_PERMISSIONS);
	perm_set_defaults(&ps);
	ps.state[PERM_MICROPHONE] = PERM_ALLOW;
	err = perm_save(perms, &ps);
	if (err)
		return cli_err("cannot write %s: %s", perms, strerror(err));

	err = cli_modules_prepare(&p->ctx, moddir, sizeof(moddir));
	if (!err)
		err = cli_config_managed(&p->ctx, moddir, true);
	if (err)
		return err;

	err = edit_file(p->ctx.profile, PROFILE_CONFIG, edit_config, p);
	if (!err)
		err = edit_file(p->ctx.profile, PROFILE_ACCOUNTS,
				edit_accounts, p);
	if (err)
		return cli_err("cannot prepare demo profile %s: %s",
			       p->ctx.profile, strerror(err));

	return 0;
}


/* The last lines of a baresip log on stderr: why a start failed */
static void log_tail(const char *log, int lines)
{
	uint8_t *buf;
	size_t len, i;

	if (fio_read_all(log, &buf, &len, 1 << 20))
		return;

	for (i = len; i > 0; --i) {
		if (buf[i - 1] == '\n' && i < len && --lines <= 0)
			break;
	}
	(void)fprintf(stderr, "--- the end of %s:\n%.*s", log,
		      (int)(len - i), (const char *)buf + i);
	if (len && buf[len - 1] != '\n')
		(void)fputc('\n', stderr);
	free(buf);
}


/* Whether the log says a listening address was taken */
static bool log_addr_in_use(const char *log)
{
	uint8_t *buf;
	size_t len;
	bool in_use;

	if (fio_read_all(log, &buf, &len, 1 << 20))
		return false;

	in_use = memmem(buf, len, "in use", 6) != NULL;
	free(buf);

	return in_use;
}


static int spawn(struct peer *p, const char *baresip, const char *log)
{
	int fd;

	p->pid = fork();
	if (p->pid < 0)
		return cli_err("fork: %s", strerror(errno));

	if (p->pid == 0) {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			(void)dup2(fd, 0);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			(void)dup2(fd, 1);
			(void)dup2(fd, 2);
		}
		execl(baresip, baresip, "-f", p->ctx.profile, "-t", "120",
		      (char *)NULL);
		_exit(127);
	}

	return 0;
}


/*
 * Until the control socket answers: 0, EINTR (stop signal), ECHILD
 * (baresip exited first; *statusp its status) or ETIMEDOUT
 */
static int await_ctrl(struct peer *p, int *statusp)
{
	int i, err;

	for (i = 0; i < CTRL_WAIT_MS / 200; ++i) {

		err = ctrl_connect(&p->ctrl, p->ctx.profile, 200);
		if (!err)
			return 0;
		if (stop_sig)
			return EINTR;
		if (err != ETIMEDOUT)
			return err;
		if (waitpid(p->pid, statusp, WNOHANG) == p->pid) {
			p->pid = 0;
			return ECHILD;
		}
	}

	return ETIMEDOUT;
}


/*
 * Start the peer's baresip.  When its SIP port was taken between our
 * check and its bind (another program got it), start again on a new
 * port, at most START_TRIES times.
 */
static int start(struct peer *p, const char *baresip)
{
	char log[4200];
	int tries, status = 0, err;

	(void)fio_path(log, sizeof(log), p->ctx.profile, "baresip.log");

	for (tries = 1; ; ++tries) {

		err = spawn(p, baresip, log);
		if (err)
			return err;

		err = await_ctrl(p, &status);
		if (!err || err == EINTR)
			return err;
		if (err != ECHILD || tries >= START_TRIES ||
		    !log_addr_in_use(log))
			break;

		if (cli_sip_free_port(&p->sip_port))
			break;
		err = edit_file(p->ctx.profile, PROFILE_CONFIG, edit_config,
				p);
		if (err)
			return cli_err("cannot rewrite %s's config: %s",
				       p->name, strerror(err));
		(void)printf("  %-5s port taken, starting again on %u\n",
			     p->name, p->sip_port);
	}

	if (err == ECHILD) {
		err = cli_err("%s's baresip exited (%s %d) before it opened"
			      " its control socket", p->name,
			      WIFEXITED(status) ? "status" : "signal",
			      WIFEXITED(status) ? WEXITSTATUS(status) :
			      WTERMSIG(status));
	}
	else if (err == ETIMEDOUT) {
		err = cli_err("%s's baresip did not open its control socket"
			      " within %d s", p->name, CTRL_WAIT_MS / 1000);
	}
	else {
		err = cli_err("cannot reach %s's control socket: %s",
			      p->name, strerror(err));
	}
	log_tail(log, 15);

	return err;
}


static int stop(struct peer *p)
{
	int status = 0, i;

	if (p->pid <= 0)
		return 0;

	if (p->ctrl.fd < 0 || ctrl_send(&p->ctrl, "quit", NULL))
		(void)kill(p->pid, SIGTERM);

	for (i = 0; i < 100; ++i) {
		if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
			p->pid = 0;
			ctrl_close(&p->ctrl);
			return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
		}
		(void)poll(NULL, 0, 50);
	}

	(void)kill(p->pid, SIGKILL);
	(void)waitpid(p->pid, &status, 0);
	p->pid = 0;
	ctrl_close(&p->ctrl);

	return 1;
}


static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;

	return remove(path);
}


static int step(struct peer *p, const char *event, int timeout_ms,
		const char *what)
{
	int err;

	if (stop_sig)
		return EINTR;
	err = ctrl_wait(&p->ctrl, "type", event, timeout_ms, NULL);
	if (err == EINTR && stop_sig)
		return EINTR;
	if (err) {
		return cli_err("demo: %s did not see %s within %d ms (%s)",
			       p->name, what, timeout_ms, strerror(err));
	}

	(void)printf("  %-5s %s\n", p->name, what);
	(void)fflush(stdout);

	return 0;
}


/* The talk time; a stop signal cuts it short */
static void talk(int secs)
{
	struct timespec t;
	int64_t end;

	(void)clock_gettime(CLOCK_MONOTONIC, &t);
	end = (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000 + secs * 1000;

	while (!stop_sig) {
		int64_t now;

		(void)clock_gettime(CLOCK_MONOTONIC, &t);
		now = (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
		if (now >= end)
			break;
		(void)poll(NULL, 0, (int)(end - now));
	}
}


/* After a stop signal: both baresips stopped, the profiles removed */
static void stop_both(struct peer *a, struct peer *b, const char *root,
		      bool keep)
{
	static const char msg[] = "octasip: demo stopped by a signal\n";

	(void)write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)stop(a);
	(void)stop(b);
	if (!keep)
		(void)nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	signals_catch(false);
}


int cli_demo(int argc, char **argv, struct cli_ctx *ctx)
{
	struct peer a, b;
	char baresip[4096], root[] = "/tmp/octasip-demo-XXXXXX";
	char uri[128], dbpath[4200];
	unsigned long v;
	bool keep = false;
	int secs = 2, c, err;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.name = "alice";
	b.name = "bob";
	a.ctrl.fd = b.ctrl.fd = -1;

	while ((c = cli_getopt(argc, argv, "demo", opts_demo)) != -1) {
		if (c == OPT_KEEP)
			keep = true;
		else if (c == OPT_SECONDS) {
			if (cli_opt_num("demo", "--seconds", optarg, 60, &v))
				return CLI_EXIT_USAGE;
			secs = (int)v;
		}
		else
			return CLI_EXIT_USAGE;
	}
	if (optind < argc)
		return cli_usage("demo", "unexpected argument '%s'",
				 argv[optind]);

	err = cli_baresip_path(baresip, sizeof(baresip));
	if (err)
		return err;

	stop_sig = 0;
	signals_catch(true);

	if (!mkdtemp(root))
		return cli_err("cannot create a temporary directory: %s",
			       strerror(errno));

	(void)printf("OctaSIP demo: alice calls bob on loopback (%s)\n",
		     root);

	err = setup(&a, root, ctx);
	if (!err)
		err = setup(&b, root, ctx);
	if (!err)
		err = start(&a, baresip);
	if (!err)
		err = start(&b, baresip);
	if (err)
		goto out;

	(void)snprintf(uri, sizeof(uri), "sip:bob@127.0.0.1:%u",
		       b.sip_port);
	(void)printf("  alice dials %s\n", uri);
	(void)fflush(stdout);

	err = ctrl_send(&a.ctrl, "dial", uri);
	if (!err)
		err = step(&b, "CALL_INCOMING", 10000, "rings");
	if (!err)
		err = ctrl_send(&b.ctrl, "accept", NULL);
	if (!err)
		err = step(&a, "CALL_ESTABLISHED", 10000,
			   "call answered");
	if (!err)
		err = step(&b, "CALL_RTPESTAB", 10000,
			   "hears alice (RTP audio flowing)");
	if (err)
		goto out;

	talk(secs);
	if (stop_sig)
		goto out;

	err = ctrl_send(&a.ctrl, "hangup", NULL);
	if (!err)
		err = step(&a, "CALL_CLOSED", 10000, "hung up");
	if (!err)
		err = step(&b, "CALL_CLOSED", 10000, "call closed");
	if (err)
		goto out;

	(void)printf("result: call answered and completed\n");

 out:
	if (stop_sig) {
		stop_both(&a, &b, root, keep);
		return 128 + stop_sig;
	}
	if (stop(&a) && !err)
		err = cli_err("alice's baresip did not exit cleanly");
	if (stop(&b) && !err)
		err = cli_err("bob's baresip did not exit cleanly");
	signals_catch(false);

	(void)fio_path(dbpath, sizeof(dbpath), a.ctx.profile,
		       PROFILE_CALLLOG);
	if (!err && fio_exists(dbpath)) {
		char *lv[] = {"calllog", "list", NULL};

		(void)printf("\nalice's call log:\n");
		(void)fflush(stdout);
		err = cli_calllog(2, lv, &a.ctx);
	}

	if (keep || err)
		(void)printf("demo profiles and logs kept in %s\n", root);
	else
		(void)nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

	return err;
}
