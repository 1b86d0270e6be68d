/**
 * @file ctrl.c  A client for baresip's ctrl_tcp socket (netstring JSON)
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
#include <time.h>
#include <unistd.h>
#include "cfgedit.h"
#include "ctrl.h"


static int64_t now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);

	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


int ctrl_connect(struct ctrl *c, uint16_t port, int timeout_ms)
{
	struct sockaddr_in sin;
	int64_t deadline = now_ms() + timeout_ms;

	memset(c, 0, sizeof(*c));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	for (;;) {
		c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c->fd < 0)
			return errno;

		if (connect(c->fd, (struct sockaddr *)&sin,
			    sizeof(sin)) == 0)
			return 0;

		(void)close(c->fd);
		c->fd = -1;

		if (now_ms() >= deadline)
			return ETIMEDOUT;

		(void)poll(NULL, 0, 50);
	}
}


int ctrl_send(struct ctrl *c, const char *command, const char *params)
{
	char json[2048], msg[2100];
	int n, m;

	n = snprintf(json, sizeof(json),
		     "{\"command\":\"%s\",\"params\":\"%s\","
		     "\"token\":\"octasip\"}", command,
		     params ? params : "");
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


/* a socket in state LISTEN (0A) on port, in one /proc/net/tcp file */
static bool listening_in(const char *file, unsigned port)
{
	char line[512];
	bool found = false;
	FILE *f = fopen(file, "r");

	if (!f)
		return false;

	while (!found && fgets(line, sizeof(line), f)) {
		unsigned lport, st;

		if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x",
			   &lport, &st) == 2)
			found = lport == port && st == 0x0A;
	}

	(void)fclose(f);

	return found;
}


bool ctrl_running(const char *config)
{
	char val[256];
	char *colon;
	long port;

	if (!config || cfg_file_get(config, "ctrl_tcp_listen", val,
				    sizeof(val)))
		return false;

	colon = strrchr(val, ':');
	port = colon ? strtol(colon + 1, NULL, 10) : 0;
	if (port <= 0 || port > 65535)
		return false;

	return listening_in("/proc/net/tcp", (unsigned)port) ||
		listening_in("/proc/net/tcp6", (unsigned)port);
}
