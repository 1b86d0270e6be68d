/**
 * @file runlog.c  The log "octasip run --log" keeps (see runlog.h)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sodium.h>
#include "common/fileio.h"
#include "runlog.h"
#include "scrub.h"


#define LINE_MAX_LEN 4096


struct logger {
	struct scrub sc;
	char path[4200];
	char old[4200];
	int fd;
	off_t size;
	int tee;
	char line[LINE_MAX_LEN + 1];
	size_t n;
};


static int log_open(struct logger *lg)
{
	struct stat st;

	lg->fd = open(lg->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
		      O_NOFOLLOW, 0600);
	if (lg->fd < 0)
		return errno;

	/* an older file made with a wider mode is narrowed */
	if (fstat(lg->fd, &st) || fchmod(lg->fd, 0600)) {
		int err = errno;
		(void)close(lg->fd);
		lg->fd = -1;
		return err;
	}
	lg->size = st.st_size;

	return 0;
}


static void log_line(struct logger *lg)
{
	char *text;
	size_t n;

	lg->line[lg->n] = '\0';
	lg->n = 0;

	text = scrub_text(&lg->sc, lg->line);
	if (!text || lg->fd < 0) {
		free(text);
		return;
	}
	n = strlen(text);

	if (lg->size + (off_t)n + 1 > RUNLOG_MAX) {
		(void)close(lg->fd);
		(void)rename(lg->path, lg->old);
		if (log_open(lg)) {
			free(text);
			return;
		}
	}

	text[n] = '\n';
	(void)fio_write_full(lg->fd, text, n + 1);
	lg->size += (off_t)n + 1;
	free(text);
}


static void logger_run(struct logger *lg, int rd)
{
	char buf[4096];

	for (;;) {
		ssize_t r = read(rd, buf, sizeof(buf));
		ssize_t i;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;

		/* the terminal or journal gets the output as it was */
		if (lg->tee >= 0)
			(void)fio_write_full(lg->tee, buf, (size_t)r);

		for (i = 0; i < r; ++i) {
			if (buf[i] == '\n' || lg->n == LINE_MAX_LEN) {
				log_line(lg);
				if (buf[i] == '\n')
					continue;
			}
			lg->line[lg->n++] = buf[i];
		}
	}

	if (lg->n)
		log_line(lg);
}


static void logger_main(const char *profile, int rd, int tee)
{
	static struct logger lg;

	(void)signal(SIGINT, SIG_IGN);
	(void)signal(SIGTERM, SIG_IGN);
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);

	lg.tee = tee;
	lg.fd = -1;
	if (sodium_init() >= 0 &&
	    !fio_path(lg.path, sizeof(lg.path), profile, RUNLOG_FILE) &&
	    !fio_path(lg.old, sizeof(lg.old), profile, RUNLOG_OLD) &&
	    !scrub_init(&lg.sc, profile, false))
		(void)log_open(&lg);

	logger_run(&lg, rd);

	if (lg.fd >= 0)
		(void)fsync(lg.fd);
	_exit(0);
}


int runlog_start(const char *profile)
{
	int pv[2], tee, status;
	pid_t pid;

	if (pipe2(pv, O_CLOEXEC))
		return errno;

	tee = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);

	(void)fflush(stdout);
	(void)fflush(stderr);

	pid = fork();
	if (pid < 0) {
		int err = errno;
		(void)close(pv[0]);
		(void)close(pv[1]);
		if (tee >= 0)
			(void)close(tee);
		return err;
	}

	if (pid == 0) {
		/* a grandchild, so that baresip is not its parent */
		(void)close(pv[1]);
		pid = fork();
		if (pid == 0)
			logger_main(profile, pv[0], tee);
		_exit(pid < 0 ? 1 : 0);
	}

	(void)close(pv[0]);
	if (tee >= 0)
		(void)close(tee);

	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		(void)close(pv[1]);
		return ECHILD;
	}

	if (dup2(pv[1], STDOUT_FILENO) < 0 ||
	    dup2(pv[1], STDERR_FILENO) < 0) {
		int err = errno;
		(void)close(pv[1]);
		return err;
	}
	(void)close(pv[1]);

	/* inherited through exec: were the logger ever gone, baresip gets
	 * EPIPE on its output instead of dying of SIGPIPE */
	(void)signal(SIGPIPE, SIG_IGN);

	return 0;
}
