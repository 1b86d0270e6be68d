/**
 * @file ctrl.c  A client for OctaSIP's private control socket
 *
 * Messages are netstrings "<len>:<json>,".  Requests are written by
 * OctaSIP's JSON writer (common/jsonw.h), so a quote or backslash in the
 * parameters stays in them; replies and events are decoded with libre's
 * JSON decoder.  ctrl_wait() reads messages until one matches or the
 * deadline passes; messages read on the way are consumed.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <re.h>
#include "common/cfgedit.h"
#include "ctrl.h"
#include "common/ctrlpath.h"
#include "common/fileio.h"
#include "common/jsonw.h"
#include "common/profile.h"


static int64_t now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);

	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


int ctrl_path(struct ctrlpath *p, const char *profile)
{
	char cfg[4200], over[CTRLPATH_SZ] = "";

	if (!fio_path(cfg, sizeof(cfg), profile, PROFILE_CONFIG))
		(void)cfg_file_get(cfg, CTRLPATH_CONFIG_KEY, over,
				   sizeof(over));

	return ctrlpath_get(p, profile, over);
}


/* P-LOCAL-2: the server end is a process of this user */
static bool server_is_us(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 &&
		cr.uid == geteuid();
}


/* One attempt: 0, EPERM (another user's listener) or errno */
static int connect_once(int *fdp, const struct ctrlpath *p)
{
	struct sockaddr_un sun;
	int fd, err;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, p->sock, strlen(p->sock) + 1);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;

	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		err = errno;
		(void)close(fd);
		return err;
	}

	if (!server_is_us(fd)) {
		(void)close(fd);
		return EPERM;
	}

	*fdp = fd;

	return 0;
}


int ctrl_connect(struct ctrl *c, const char *profile, int timeout_ms)
{
	struct ctrlpath p;
	int64_t deadline = now_ms() + timeout_ms;
	int err;

	memset(c, 0, sizeof(*c));
	c->fd = -1;

	err = ctrl_path(&p, profile);
	if (err)
		return err;

	for (;;) {
		err = connect_once(&c->fd, &p);
		if (err != ENOENT && err != ECONNREFUSED)
			return err;

		if (now_ms() >= deadline)
			return ETIMEDOUT;

		/* a signal the caller handles ends the wait */
		if (poll(NULL, 0, 50) < 0 && errno == EINTR)
			return EINTR;
	}
}


/* The request's JSON (OctaSIP's one writer) into buf; its length */
static int request(char *buf, size_t sz, size_t *lenp, const char *command,
		   const char *params)
{
	struct jsonw w;
	FILE *f;
	long n;
	int err;

	f = fmemopen(buf, sz, "w");
	if (!f)
		return errno;

	jsonw_init(&w, f);
	(void)jsonw_obj_open(&w);
	(void)jsonw_kstr(&w, "command", command);
	(void)jsonw_kstr(&w, "params", params ? params : "");
	(void)jsonw_kstr(&w, "token", "octasip");
	(void)jsonw_obj_close(&w);

	n = ftell(f);
	err = w.err ? w.err : (fflush(f) || n < 0 ? EMSGSIZE : 0);
	if (fclose(f) && !err)
		err = EMSGSIZE;
	if (!err && (size_t)n >= sz - 1)
		err = EMSGSIZE;     /* fmemopen keeps room for a NUL */
	*lenp = err ? 0 : (size_t)n;

	return err == ENOSPC ? EMSGSIZE : err;
}


int ctrl_send(struct ctrl *c, const char *command, const char *params)
{
	char json[CTRL_REQ_MAX], hdr[16];
	struct iovec iov[3];
	struct msghdr mh;
	size_t n = 0;
	ssize_t want;
	int err;

	if (!c || !command)
		return EINVAL;

	err = request(json, sizeof(json), &n, command, params);
	if (err)
		return err;

	(void)snprintf(hdr, sizeof(hdr), "%zu:", n);
	iov[0].iov_base = hdr;
	iov[0].iov_len = strlen(hdr);
	iov[1].iov_base = json;
	iov[1].iov_len = n;
	iov[2].iov_base = ",";
	iov[2].iov_len = 1;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 3;
	want = (ssize_t)(iov[0].iov_len + n + 1);

	errno = 0;
	if (sendmsg(c->fd, &mh, MSG_NOSIGNAL) != want)
		return errno ? errno : EIO;

	return 0;
}


/* Take one complete netstring off the buffer, if there is one: its
 * payload into msg (sz bytes at least the size of c->buf), its length
 * into *np */
static int take(struct ctrl *c, char *msg, size_t sz, size_t *np)
{
	char *colon, *end;
	size_t n, hdr;

	colon = memchr(c->buf, ':', c->len);
	if (!colon)
		return EAGAIN;

	n = strtoul(c->buf, &end, 10);
	if (end != colon)
		return EBADMSG;
	hdr = (size_t)(colon - c->buf) + 1;
	if (hdr + n + 1 > sizeof(c->buf) || n > sz)
		return EBADMSG;
	if (c->len < hdr + n + 1)
		return EAGAIN;

	memcpy(msg, c->buf + hdr, n);
	*np = n;

	memmove(c->buf, c->buf + hdr + n + 1, c->len - (hdr + n + 1));
	c->len -= hdr + n + 1;

	return 0;
}


/* Is the message an object whose member key is value (NULL: true)? */
static bool matches(const struct odict *od, const char *key,
		    const char *value)
{
	const char *s;
	bool b;

	if (!value)
		return odict_get_boolean(od, &b, key) && b;

	s = odict_string(od, key);

	return s && !strcmp(s, value);
}


int ctrl_wait(struct ctrl *c, const char *key, const char *value,
	      int timeout_ms, struct odict **odp)
{
	int64_t deadline = now_ms() + timeout_ms;
	char *tmp;
	int err = 0;

	tmp = malloc(sizeof(c->buf));
	if (!tmp)
		return ENOMEM;

	for (;;) {
		struct pollfd pfd = {c->fd, POLLIN, 0};
		int64_t left;
		size_t n;
		ssize_t r;

		while (take(c, tmp, sizeof(c->buf), &n) == 0) {
			struct odict *od = NULL;

			if (json_decode_odict(&od, 16, tmp, n, 16))
				continue;
			if (matches(od, key, value)) {
				if (odp)
					*odp = od;
				else
					mem_deref(od);
				goto out;
			}
			mem_deref(od);
		}

		left = deadline - now_ms();
		if (left <= 0) {
			err = ETIMEDOUT;
			break;
		}

		/* a signal the caller handles ends the wait */
		if (poll(&pfd, 1, (int)left) < 0 && errno == EINTR) {
			err = EINTR;
			break;
		}
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;

		r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (r == 0) {
			err = ECONNRESET;
			break;
		}
		if (r < 0) {
			err = errno;
			break;
		}
		c->len += (size_t)r;
	}

 out:
	free(tmp);

	return err;
}


void ctrl_close(struct ctrl *c)
{
	if (c->fd >= 0)
		(void)close(c->fd);
	c->fd = -1;
}


bool ctrl_running(const char *profile)
{
	struct ctrlpath p;
	int fd;

	if (!profile || ctrl_path(&p, profile) || connect_once(&fd, &p))
		return false;

	(void)close(fd);

	return true;
}


bool ctrl_locked(const char *profile)
{
	struct ctrlpath p;

	return profile && !ctrl_path(&p, profile) && ctrlpath_locked(&p);
}
