/**
 * @file ctrlpath.h  Where a profile's private control socket lives
 *
 * One function computes the socket's place for both ends (octasip_ctrl in
 * baresip and the octasip tool), so they always agree:
 *
 *   $XDG_RUNTIME_DIR/octasip/<name>.sock   and <name>.lock beside it
 *
 * <name> is the profile directory's base name followed by a hash of its
 * real path, so two profiles of one user never share a socket, and the
 * tool finds the socket of the profile it is given.  Without a usable
 * $XDG_RUNTIME_DIR (unset, not absolute, not a directory of ours with
 * mode 0700) the directory is <profile>/run.  The config key
 * octasip_ctrl_socket names the socket file instead (lock: <file>.lock).
 *
 * The directory must be ours and 0700 (P-LOCAL-2): one that exists owned
 * by another uid, or open to group or others, is refused, never fixed,
 * since another user may have made it to watch or replace the socket.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CTRLPATH_H
#define OCTASIP_CTRLPATH_H

#include <stdbool.h>
#include <stddef.h>

enum {
	CTRLPATH_SUN_MAX = 108,   /* sizeof(sun_path) on Linux, with NUL */
	CTRLPATH_SZ      = 4200,
};

struct ctrlpath {
	char dir[CTRLPATH_SZ];
	char sock[CTRLPATH_SZ];
	char lock[CTRLPATH_SZ];
};

/* The config key that overrides the socket path */
#define CTRLPATH_CONFIG_KEY "octasip_ctrl_socket"

/*
 * Fill p for a profile.  override: the octasip_ctrl_socket value, or NULL
 * or "".  ENAMETOOLONG if the socket path does not fit a sockaddr_un.
 */
int ctrlpath_get(struct ctrlpath *p, const char *profile,
		 const char *override);

/*
 * Make p->dir (0700) if it is missing; 0 if it exists as a real directory
 * owned by us with no group or other bits, else EPERM (owner, mode) or
 * ENOTDIR.  Only the last component is created.
 */
int ctrlpath_dir_prepare(const struct ctrlpath *p);

/*
 * Take the profile's control lock without waiting: 0 and *fdp the open
 * lock (keep it open while serving), EADDRINUSE if another process holds
 * it, or errno.
 */
int ctrlpath_lock(const struct ctrlpath *p, int *fdp);

/* Does another process hold the profile's control lock right now? */
bool ctrlpath_locked(const struct ctrlpath *p);

#endif
