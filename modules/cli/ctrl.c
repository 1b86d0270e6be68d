/**
 * @file ctrl.c  A client for OctaSIP's private control socket
 *
 * Messages are netstrings "<len>:<json>,".  ctrl_wait() reads messages
 * until one contains the needle or the deadline passes; messages read on
 * the way are consumed.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
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

		(void)poll(NULL, 0, 50);
	}
}


int ctrl_send(struct ctrl *c, const char *command, const char *params)
{
	char cmd[256], prm[1536], json[2048], msg[2100];
	int n, m;

	/* both are JSON strings: a quote in params stays in params */
	if (jsonw_escape(cmd, sizeof(cmd), command, strlen(command)) < 0 ||
	    jsonw_escape(prm, sizeof(prm), params ? params : "",
			 params ? strlen(params) : 0) < 0)
		return EMSGSIZE;

	n = snprintf(json, sizeof(json),
		     "{\"command\":\"%s\",\"params\":\"%s\","
		     "\"token\":\"octasip\"}", cmd, prm);
	if (n < 0 || (size_t)n >= sizeof(json))
		return EMSGSIZE;

	m = snprintf(msg, sizeof(msg), "%d:%s,", n, json);
	if (m < 0 || (size_t)m >= sizeof(msg))
		return EMSGSIZE;

	if (send(c->fd, msg, (size_t)m, MSG_NOSIGNAL) != m)
		return errno ? errno : EIO;

	return 0;
}


/* Take one complete netstring off the buffer, if there is one */
static int take(struct ctrl *c, char *msg, size_t sz)
{
	char *colon;
	size_t n, hdr;

	colon = memchr(c->buf, ':', c->len);
	if (!colon)
		return EAGAIN;

	n = strtoul(c->buf, NULL, 10);
	hdr = (size_t)(colon - c->buf) + 1;
	if (hdr + n + 1 > sizeof(c->buf))
		return EBADMSG;
	if (c->len < hdr + n + 1)
		return EAGAIN;

	if (sz) {
		size_t k = n < sz - 1 ? n : sz - 1;
		memcpy(msg, c->buf + hdr, k);
		msg[k] = '\0';
	}

	memmove(c->buf, c->buf + hdr + n + 1, c->len - (hdr + n + 1));
	c->len -= hdr + n + 1;

	return 0;
}


int ctrl_wait(struct ctrl *c, const char *needle, int timeout_ms,
	      char *msg, size_t sz)
{
	int64_t deadline = now_ms() + timeout_ms;
	char tmp[8192];

	for (;;) {
		struct pollfd pfd = {c->fd, POLLIN, 0};
		int64_t left;
		ssize_t r;

		while (take(c, tmp, sizeof(tmp)) == 0) {
			if (strstr(tmp, needle)) {
				if (msg && sz)
					(void)snprintf(msg, sz, "%s", tmp);
				return 0;
			}
		}

		left = deadline - now_ms();
		if (left <= 0)
			return ETIMEDOUT;

		if (poll(&pfd, 1, (int)left) <= 0)
			continue;

		r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (r == 0)
			return ECONNRESET;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		c->len += (size_t)r;
	}
}


void ctrl_close(struct ctrl *c)
{
	if (c->fd >= 0)
		(void)close(c->fd);
	c->fd = -1;
}


/* A loopback port that is free for both TCP and UDP right now */
int ctrl_free_port(uint16_t *portp)
{
	int tries;

	for (tries = 0; tries < 50; ++tries) {

		struct sockaddr_in sin;
		socklen_t len = sizeof(sin);
		int t, u, ok;

		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

		t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (t < 0)
			return errno;
		if (bind(t, (struct sockaddr *)&sin, sizeof(sin)) ||
		    getsockname(t, (struct sockaddr *)&sin, &len)) {
			(void)close(t);
			continue;
		}

		u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		ok = u >= 0 &&
			bind(u, (struct sockaddr *)&sin, sizeof(sin)) == 0;
		if (u >= 0)
			(void)close(u);
		(void)close(t);

		if (ok) {
			*portp = ntohs(sin.sin_port);
			return 0;
		}
	}

	return EADDRINUSE;
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
