/**
 * @file sysinfo.h  What the support bundle learns about this system:
 *                  versions, the baresip running on a profile, and the
 *                  output of a helper program (no CLI, no baresip)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_SYSINFO_H
#define OCTASIP_SYSINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Runs argv (no shell, PATH searched) with stdin on /dev/null; its
 * stdout and stderr, at most max bytes, NUL-terminated in *outp
 * (malloc'd).  Killed after timeout_ms.  0 or an errno.
 */
int sys_run_capture(char *const argv[], char **outp, size_t max,
		    int timeout_ms, int *status);

/* PRETTY_NAME of /etc/os-release (or /usr/lib/os-release) */
void sys_os_release(char *buf, size_t sz);

/* The version baresip -h prints ($OCTASIP_BARESIP, else the built-in) */
void sys_baresip_version(char *buf, size_t sz);

/* This user's baresip started with "-f PROFILE", or 0 */
pid_t sys_find_baresip(const char *profile);

/* Is a file named mod (a basename, e.g. "opus.so") mapped in pid? */
bool sys_mapped(pid_t pid, const char *mod);

#endif
