/**
 * @file cli_logfilter.c  Plain output for a baresip that is not on a terminal
 *
 * baresip 1.0.0 colours every warning and error with ANSI escapes
 * unconditionally (its log code has no switch for it), the menu colours a
 * few lines of its own, and the call status is rewritten in place with
 * "\r" ten times a second.  On a terminal that is a UI; in the journal or
 * a log file it is "[N B blob data]" and one ever-growing line.
 *
 * When standard output or standard error is not a terminal, `octasip run`
 * calls cli_logfilter_start() just before it execs baresip: baresip keeps
 * the process (and its PID, signals and exit status), and a small process
 * of its own, detached from it, reads what baresip writes to those streams
 * through a pipe and passes it on with every escape sequence removed and
 * every line that ends in a bare "\r" (an in-place status update) dropped.
 * It ignores SIGINT, SIGTERM and SIGHUP so that it passes on baresip's
 * last lines; it exits when baresip has closed the pipe.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "common/fileio.h"


enum { LINE_MAX_LEN = 8192, FLUSH_MS = 200 };

enum esc_state {
	ST_TEXT = 0,
	ST_ESC,        /* after ESC                       */
	ST_CSI,        /* after ESC [ : until a final byte */
};

struct lstream {
	int in;                 /* read end of the pipe          */
	int out;                /* where baresip's output went   */
	enum esc_state st;
	bool cr;                /* a "\r" waits for its "\n"     */
	size_t n;
	char line[LINE_MAX_LEN];
};


static void flush_line(struct lstream *s)
{
	(void)fio_write_full(s->out, s->line, s->n);
	s->n = 0;
}


static void put(struct lstream *s, char c)
{
	if (s->n == sizeof(s->line))
		flush_line(s);
	s->line[s->n++] = c;
}


static void feed(struct lstream *s, const char *p, size_t len)
{
	for (; len; --len, ++p) {

		unsigned char c = (unsigned char)*p;

		switch (s->st) {

		case ST_ESC:
			s->st = c == '[' ? ST_CSI : ST_TEXT;
			continue;

		case ST_CSI:
			if (c >= 0x40 && c <= 0x7e)
				s->st = ST_TEXT;
			continue;

		default:
			break;
		}

		if (s->cr) {
			s->cr = false;
			if (c == '\n') {
				put(s, '\n');
				flush_line(s);
				continue;
			}
			/* overwritten in place on a terminal: not a line */
			s->n = 0;
		}

		if (c == 0x1b) {
			s->st = ST_ESC;
		}
		else if (c == '\r') {
			s->cr = true;
		}
		else {
			put(s, (char)c);
			if (c == '\n')
				flush_line(s);
		}
	}
}


static void filter_loop(struct lstream *sv, size_t cnt)
{
	char buf[4096];

	for (;;) {
		struct pollfd pfd[2];
		size_t i, open = 0;
		int r;

		for (i = 0; i < cnt; ++i) {
			pfd[i].fd = sv[i].in;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
			if (sv[i].in >= 0)
				++open;
		}
		if (!open)
			return;

		r = poll(pfd, (nfds_t)cnt, FLUSH_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return;

		for (i = 0; i < cnt; ++i) {

			ssize_t n;

			/* a prompt without a newline still shows */
			if (r == 0) {
				if (!sv[i].cr)
					flush_line(&sv[i]);
				continue;
			}
			if (sv[i].in < 0 || !pfd[i].revents)
				continue;

			n = read(sv[i].in, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n > 0) {
				feed(&sv[i], buf, (size_t)n);
				continue;
			}
			if (!sv[i].cr)
				flush_line(&sv[i]);
			(void)close(sv[i].in);
			sv[i].in = -1;
		}
	}
}


static bool same_file(int a, int b)
{
	struct stat sa, sb;

	if (fstat(a, &sa) || fstat(b, &sb))
		return false;

	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}


static void filter_child(struct lstream *sv, size_t cnt, int devnull)
{
	size_t i;

	(void)signal(SIGINT, SIG_IGN);
	(void)signal(SIGTERM, SIG_IGN);
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGQUIT, SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);

	/* hold nothing of baresip's: only the read ends and the targets */
	if (devnull >= 0)
		(void)dup2(devnull, STDIN_FILENO);

	for (i = 0; i < cnt; ++i)
		sv[i].out = fcntl(sv[i].out, F_DUPFD_CLOEXEC, 3);
	(void)dup2(devnull, STDOUT_FILENO);
	(void)dup2(devnull, STDERR_FILENO);

	filter_loop(sv, cnt);
	_exit(0);
}


/*
 * Route the streams among stdout and stderr that are not terminals
 * through a filter process.  Returns 0 also when nothing needs it.
 */
int cli_logfilter_start(void)
{
	static struct lstream sv[2];
	int fds[2][2] = {{-1, -1}, {-1, -1}};
	bool need[2], shared;
	size_t cnt = 0, i;
	int devnull, status;
	pid_t pid;

	need[0] = !isatty(STDOUT_FILENO);
	need[1] = !isatty(STDERR_FILENO);
	if (!need[0] && !need[1])
		return 0;

	/* one file for both (a log file, the journal): one pipe, in order */
	shared = need[0] && need[1] &&
		same_file(STDOUT_FILENO, STDERR_FILENO);

	for (i = 0; i < 2; ++i) {
		if (!need[i] || (i == 1 && shared))
			continue;
		if (pipe2(fds[cnt], O_CLOEXEC) != 0)
			goto fail;
		memset(&sv[cnt], 0, sizeof(sv[cnt]));
		sv[cnt].in = fds[cnt][0];
		sv[cnt].out = i == 0 ? STDOUT_FILENO : STDERR_FILENO;
		++cnt;
	}

	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	/* twice: the filter is nobody's child once baresip runs */
	pid = fork();
	if (pid < 0) {
		if (devnull >= 0)
			(void)close(devnull);
		goto fail;
	}
	if (pid == 0) {
		for (i = 0; i < cnt; ++i)
			(void)close(fds[i][1]);
		if (fork() == 0)
			filter_child(sv, cnt, devnull);
		_exit(0);
	}

	(void)waitpid(pid, &status, 0);
	if (devnull >= 0)
		(void)close(devnull);

	for (i = 0; i < cnt; ++i) {
		(void)close(fds[i][0]);
		(void)dup2(fds[i][1], sv[i].out);
		if (sv[i].out == STDOUT_FILENO && shared)
			(void)dup2(fds[i][1], STDERR_FILENO);
		(void)close(fds[i][1]);
	}

	return 0;

 fail:
	for (i = 0; i < 2; ++i) {
		if (fds[i][0] >= 0)
			(void)close(fds[i][0]);
		if (fds[i][1] >= 0)
			(void)close(fds[i][1]);
	}

	/* the output is merely less tidy: not a reason not to start */
	return 0;
}
