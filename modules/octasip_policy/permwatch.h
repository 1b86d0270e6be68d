/**
 * @file permwatch.h  Has the permissions file changed?  (inotify gate)
 *
 * The policy re-reads the permissions file when its identity (inode,
 * size, modification time) changed since it was read.  Looking that up
 * is a stat() of the file at every call start, before the call is
 * answered: 8-10 us on a busy callee (cold path lookup in the kernel).
 *
 * A permwatch is an inotify watch on the profile directory.  Each call
 * start reads its queue (non-blocking, one system call, about 2 us) and
 * only when an event names the file (written and closed, renamed to or
 * from, created, deleted, attributes changed) or the queue overflowed
 * does the policy stat the file.  The kernel queues the event when the
 * change is made, so a change finished before the INVITE arrived is
 * always seen by that call.
 *
 * Without a watch (inotify unavailable, the directory moved or removed)
 * permwatch_changed() always says "maybe": the stat at every call start
 * comes back.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_PERMWATCH_H
#define OCTASIP_PERMWATCH_H

#include <stdbool.h>

struct permwatch {
	int fd;              /* inotify instance, or -1: no watch */
	char name[64];       /* the file, in the watched directory */
};

/* Watch dir for changes to the file called name.  0 or errno; on error
 * the watch is off and permwatch_changed() always returns true. */
int  permwatch_open(struct permwatch *w, const char *dir,
		    const char *name);

/* true: the file may have changed since the last call (look at it);
 * false: it certainly has not.  Drains the queue. */
bool permwatch_changed(struct permwatch *w);

bool permwatch_active(const struct permwatch *w);
void permwatch_close(struct permwatch *w);

#endif
