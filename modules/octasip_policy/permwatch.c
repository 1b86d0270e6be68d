/**
 * @file permwatch.c  Has the permissions file changed?  (inotify gate)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>
#include "permwatch.h"


/* what a writer of the file does: write and close it in place, rename a
 * new file over it (octasip perm, editors), create, delete or touch it */
#define FILE_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
		     IN_CREATE | IN_DELETE | IN_ATTRIB)

/* the directory itself went away: the watch is gone */
#define GONE_EVENTS (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | \
		     IN_UNMOUNT)

#define EVENT_MAX (sizeof(struct inotify_event) + NAME_MAX + 1)


int permwatch_open(struct permwatch *w, const char *dir, const char *name)
{
	int err;

	if (!w)
		return EINVAL;

	w->fd = -1;
	w->name[0] = '\0';

	if (!dir || !name || strlen(name) >= sizeof(w->name))
		return EINVAL;

	(void)snprintf(w->name, sizeof(w->name), "%s", name);

	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return errno;

	if (inotify_add_watch(w->fd, dir, FILE_EVENTS | IN_DELETE_SELF |
			      IN_MOVE_SELF | IN_ONLYDIR) < 0) {
		err = errno;
		permwatch_close(w);
		return err;
	}

	return 0;
}


bool permwatch_active(const struct permwatch *w)
{
	return w && w->fd >= 0;
}


void permwatch_close(struct permwatch *w)
{
	if (!w || w->fd < 0)
		return;

	(void)close(w->fd);
	w->fd = -1;
}


/* the events in buf[0..n): does one name the file, or end the watch? */
static bool scan(struct permwatch *w, const char *buf, size_t n)
{
	bool changed = false;
	size_t off = 0;

	while (off + sizeof(struct inotify_event) <= n) {

		struct inotify_event ev;
		const char *evname = buf + off + sizeof(ev);

		memcpy(&ev, buf + off, sizeof(ev));
		off += sizeof(ev) + ev.len;
		if (off > n)
			break;

		if (ev.mask & IN_Q_OVERFLOW)
			changed = true;
		else if (ev.mask & GONE_EVENTS)
			changed = true;
		else if (ev.len && !strncmp(evname, w->name, ev.len))
			changed = true;

		if (ev.mask & GONE_EVENTS)
			permwatch_close(w);
	}

	return changed;
}


bool permwatch_changed(struct permwatch *w)
{
	char buf[4096]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;
	ssize_t n;

	if (!permwatch_active(w))
		return true;

	for (;;) {
		n = read(w->fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;

			/* an unreadable queue tells nothing: stat from now */
			permwatch_close(w);
			return true;
		}

		changed |= scan(w, buf, (size_t)n);
		if (!permwatch_active(w))
			return true;

		/* room left for another event: the queue is empty */
		if ((size_t)n + EVENT_MAX <= sizeof(buf))
			break;
	}

	return changed;
}
