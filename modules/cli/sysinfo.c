/**
 * @file sysinfo.c  Versions, the baresip on a profile, helper output
 *                  (see sysinfo.h)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sysinfo.h"
#include "generated/octasip_version.h"


/*
 * Runs argv (no shell) with stdin on /dev/null; its stdout and stderr,
 * at most max bytes, in *outp.  Gives up after timeout_ms.
 */
int sys_run_capture(char *const argv[], char **outp, size_t max,
		    int timeout_ms, int *status)
{
	struct timespec t0, t;
	size_t n = 0;
	char *buf;
	int pv[2];
	pid_t pid;

	buf = malloc(max + 1);
	if (!buf)
		return ENOMEM;
	if (pipe2(pv, O_CLOEXEC)) {
		free(buf);
		return errno;
	}

	pid = fork();
	if (pid < 0) {
		int err = errno;
		(void)close(pv[0]);
		(void)close(pv[1]);
		free(buf);
		return err;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		if (nul >= 0)
			(void)dup2(nul, STDIN_FILENO);
		(void)dup2(pv[1], STDOUT_FILENO);
		(void)dup2(pv[1], STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	(void)close(pv[1]);

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pfd = {pv[0], POLLIN, 0};
		long left;
		ssize_t r;

		(void)clock_gettime(CLOCK_MONOTONIC, &t);
		left = timeout_ms - ((t.tv_sec - t0.tv_sec) * 1000 +
				     (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
			(void)kill(pid, SIGKILL);
			break;
		}

		r = read(pv[0], buf + n, max - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == max) {
			(void)kill(pid, SIGKILL);
			break;
		}
	}
	(void)close(pv[0]);

	if (waitpid(pid, status, 0) < 0)
		*status = -1;
	buf[n] = '\0';
	*outp = buf;

	return 0;
}


void sys_os_release(char *buf, size_t sz)
{
	static const char *const files[] = {"/etc/os-release",
					    "/usr/lib/os-release"};
	char line[512];
	size_t i;

	(void)snprintf(buf, sz, "unknown");

	for (i = 0; i < sizeof(files) / sizeof(files[0]); ++i) {
		FILE *f = fopen(files[i], "r");

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char *v, *e;

			if (strncmp(line, "PRETTY_NAME=", 12))
				continue;
			v = line + 12;
			if (*v == '"')
				++v;
			e = v + strcspn(v, "\"\n");
			*e = '\0';
			if (snprintf(buf, sz, "%s", v) >= (int)sz)
				buf[sz - 1] = '\0';
		}
		(void)fclose(f);
		return;
	}
}


void sys_baresip_version(char *buf, size_t sz)
{
	const char *env = getenv("OCTASIP_BARESIP");
	char path[4096], *out = NULL, *v;
	char *argv[] = {path, "-h", NULL};
	int status = 0;

	(void)snprintf(path, sizeof(path), "%s",
		       env && *env ? env : OCTASIP_BARESIP);
	(void)snprintf(buf, sz, "not found");
	if (access(path, X_OK))
		return;

	if (sys_run_capture(argv, &out, 4096, 3000, &status))
		return;

	/* "baresip v1.0.0 Copyright ..." */
	v = strstr(out, "baresip v");
	if (v) {
		v += 9;
		v[strcspn(v, " \n")] = '\0';
		(void)snprintf(buf, sz, "%s", v);
	}
	else {
		(void)snprintf(buf, sz, "unknown (no version in -h)");
	}
	free(out);
}


/* The baresip running on this profile ("baresip -f PROFILE"), or 0 */
pid_t sys_find_baresip(const char *profile)
{
	char want[PATH_MAX], path[300], arg[PATH_MAX];
	struct dirent *de;
	pid_t found = 0;
	DIR *d;

	if (!realpath(profile, want))
		return 0;

	d = opendir("/proc");
	if (!d)
		return 0;

	while (!found && (de = readdir(d))) {
		char buf[8192];
		struct stat st;
		ssize_t n;
		size_t i;
		int fd;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%s/cmdline",
			       de->d_name);
		if (stat(path, &st) || st.st_uid != getuid())
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		(void)close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';

		/* argv[0] is baresip; some "-f" is followed by the profile */
		if (strcmp(basename(buf), "baresip"))
			continue;
		for (i = strlen(buf) + 1; i < (size_t)n;
		     i += strlen(buf + i) + 1) {
			if (strcmp(buf + i, "-f") || i + 3 >= (size_t)n)
				continue;
			if (realpath(buf + i + 3, arg) && !strcmp(arg, want))
				found = (pid_t)atoi(de->d_name);
		}
	}

	(void)closedir(d);

	return found;
}


/* Is a file named mod mapped into process pid? */
bool sys_mapped(pid_t pid, const char *mod)
{
	char path[64], line[4600];
	size_t ml = strlen(mod);
	bool yes = false;
	FILE *f;

	(void)snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;

	while (!yes && fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\n");

		line[n] = '\0';
		yes = n > ml && line[n - ml - 1] == '/' &&
			!strcmp(line + n - ml, mod);
	}
	(void)fclose(f);

	return yes;
}


