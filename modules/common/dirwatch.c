/**
 * @file dirwatch.c  Which of a profile's files changed?  (inotify)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>
#include "dirwatch.h"


/* a name replaced (octasip's atomic writes, most editors), made, removed */
#define NAME_EVENTS (IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE)

/* written in place and closed, or touched */
#define IN_PLACE_EVENTS (IN_CLOSE_WRITE | IN_ATTRIB)

/* the directory itself went away: the watch is gone */
#define GONE_EVENTS (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | \
		     IN_UNMOUNT)

#define EVENT_MAX (sizeof(struct inotify_event) + NAME_MAX + 1)


static unsigned all_bits(const struct dirwatch *w)
{
	return (1u << w->n) - 1;
}


int dirwatch_open(struct dirwatch *w, const char *dir,
		  const char *const *names, size_t n, unsigned flags)
{
	uint32_t mask = NAME_EVENTS | IN_DELETE_SELF | IN_MOVE_SELF |
		IN_ONLYDIR;
	size_t i;
	int err;

	if (!w)
		return EINVAL;

	w->fd = -1;
	w->fhs = NULL;
	w->gone = false;
	w->n = 0;

	if (!dir || !names || !n || n > DIRWATCH_MAX)
		return EINVAL;

	for (i = 0; i < n; ++i) {
		if (!names[i])
			return EINVAL;
		w->names[i] = names[i];
	}
	w->n = n;

	if (flags & DIRWATCH_IN_PLACE)
		mask |= IN_PLACE_EVENTS;

	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return errno;

	if (inotify_add_watch(w->fd, dir, mask) < 0) {
		err = errno;
		dirwatch_close(w);
		return err;
	}

	return 0;
}


bool dirwatch_active(const struct dirwatch *w)
{
	return w && w->fd >= 0 && !w->gone;
}


void dirwatch_close(struct dirwatch *w)
{
	if (!w || w->fd < 0)
		return;

	(void)close(w->fd);
	w->fd = -1;
}


/* the events in buf[0..n): which names they name; all on the end of
 * the watch or a lost event */
static unsigned scan(struct dirwatch *w, const char *buf, size_t n)
{
	unsigned bits = 0;
	size_t off = 0, i;

	while (off + sizeof(struct inotify_event) <= n) {

		struct inotify_event ev;
		const char *evname = buf + off + sizeof(ev);

		memcpy(&ev, buf + off, sizeof(ev));
		off += sizeof(ev) + ev.len;
		if (off > n)
			break;

		if (ev.mask & (IN_Q_OVERFLOW | GONE_EVENTS)) {
			bits |= all_bits(w);
			if (ev.mask & GONE_EVENTS)
				w->gone = true;
			continue;
		}

		for (i = 0; ev.len && i < w->n; ++i) {
			if (!strncmp(evname, w->names[i], ev.len))
				bits |= 1u << i;
		}
	}

	return bits;
}


unsigned dirwatch_changed(struct dirwatch *w)
{
	char buf[4096]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	unsigned bits = 0;
	ssize_t n;

	if (!w)
		return 0;
	if (!dirwatch_active(w))
		return all_bits(w);

	for (;;) {
		n = read(w->fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;

			/* an unreadable queue tells nothing: look from now */
			w->gone = true;
			return all_bits(w);
		}

		bits |= scan(w, buf, (size_t)n);
		if (!dirwatch_active(w))
			return all_bits(w);

		/* room left for another event: the queue is empty */
		if ((size_t)n + EVENT_MAX <= sizeof(buf))
			break;
	}

	return bits;
}
