/**
 * @file dirwatch.h  Which of a profile's files changed?  (inotify)
 *
 * A dirwatch is an inotify watch on one directory for a few file names
 * in it.  dirwatch_changed() reads its queue without blocking (one
 * system call when nothing happened) and tells which of the names an
 * event named since the last call.  The kernel queues an event when the
 * change is made, so a change finished before the call is always seen.
 *
 * Users:
 *  - the policy, at every call start, before the call is answered: it
 *    compares the permissions file's identity (a stat(), 8-10 us on a
 *    busy callee) only after an event named the file (the read of an
 *    empty queue: about 2 us);
 *  - the credential store, from the event loop (the descriptor is
 *    readable): the vault and the accounts file were replaced.
 *
 * What counts as a change: the name renamed to or from, created or
 * deleted; with DIRWATCH_IN_PLACE also written and closed in place and
 * attributes changed (touch).  Without a watch (inotify unavailable,
 * the directory moved or removed) and after the queue overflowed, every
 * name counts as changed: the caller looks at the files themselves.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_DIRWATCH_H
#define OCTASIP_DIRWATCH_H

#include <stdbool.h>
#include <stddef.h>

enum {
	DIRWATCH_MAX      = 8,
	DIRWATCH_IN_PLACE = 1 << 0,   /* also writes and touches in place */
};

struct dirwatch {
	int fd;                        /* inotify instance, or -1 */
	void *fhs;                     /* libre's handle (recompat.h) */
	bool gone;                     /* the directory went away    */
	const char *names[DIRWATCH_MAX];  /* not copied: static strings */
	size_t n;
};

/* Watch dir for changes to the n files called names[] (flags:
 * DIRWATCH_IN_PLACE).  0 or errno; on error there is no watch and
 * dirwatch_changed() reports every name. */
int  dirwatch_open(struct dirwatch *w, const char *dir,
		   const char *const *names, size_t n, unsigned flags);

/* Bit i set: names[i] may have changed since the last call (look at
 * it); 0: none has.  Drains the queue. */
unsigned dirwatch_changed(struct dirwatch *w);

/* false: no watch (any more); the descriptor stays open until
 * dirwatch_close(), so an event loop can stop listening to it first */
bool dirwatch_active(const struct dirwatch *w);
void dirwatch_close(struct dirwatch *w);

#endif
