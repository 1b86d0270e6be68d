/**
 * @file cli_ports.c  Start-up check of the SIP ports baresip will bind
 *
 * baresip 1.0.0 binds sip_listen's port for SIP over UDP and TCP and the
 * next port for SIP over TLS.  If another program holds one of them,
 * baresip only logs "tcp: sock_bind ... Address already in use" and
 * "ua: init failed"; `octasip run` says which port, what it is for and
 * which config key to change, before it starts baresip.  Without
 * sip_listen (or with port 0) baresip picks free ports: nothing to check.
 * cli_sip_free_port() finds such ports on loopback (octasip demo).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "cli.h"
#include "common/cfgedit.h"
#include "common/fileio.h"
#include "common/profile.h"


/*
 * Could we bind addr:port with this socket type now?  reuse: as
 * baresip's own TCP listener binds (SO_REUSEADDR), so that a TCP
 * TIME_WAIT leftover of a previous run is no conflict; UDP gets no such
 * allowance.
 */
static bool bindable(const struct sockaddr_storage *ss, socklen_t len,
		     int type, bool reuse)
{
	int fd, one = 1;
	bool ok;

	fd = socket(ss->ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return true;      /* no such family here: baresip's problem */

	if (reuse && type == SOCK_STREAM)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				 sizeof(one));

	ok = bind(fd, (const struct sockaddr *)ss, len) == 0 ||
		errno != EADDRINUSE;
	(void)close(fd);

	return ok;
}


/* "1.2.3.4:5060" or "[::1]:5060" into ss; the port into *port */
static int addr_parse(char *val, struct sockaddr_storage *ss,
		      socklen_t *len, unsigned *port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char *colon = strrchr(val, ':'), *host = val, *end;
	unsigned long p;

	if (!colon)
		return EINVAL;
	*colon = '\0';

	p = strtoul(colon + 1, &end, 10);
	if (*end || end == colon + 1 || p > 65535)
		return EINVAL;
	*port = (unsigned)p;

	memset(ss, 0, sizeof(*ss));

	if (host[0] == '[') {
		size_t n = strlen(host);

		if (n < 2 || host[n - 1] != ']')
			return EINVAL;
		host[n - 1] = '\0';
		++host;
		sin6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return EINVAL;
		*len = sizeof(*sin6);
		return 0;
	}

	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return EINVAL;
	*len = sizeof(*sin);

	return 0;
}


static void port_set(struct sockaddr_storage *ss, unsigned port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
}


int cli_sip_ports_check(const struct cli_ctx *ctx)
{
	static const struct {
		int type;
		unsigned off;
		const char *what;
	} binds[] = {
		{SOCK_DGRAM,  0, "SIP over UDP: the port of"},
		{SOCK_STREAM, 0, "SIP over TCP: the port of"},
		{SOCK_STREAM, 1, "SIP over TLS: 1 + the port of"},
	};
	char path[4200], val[256], shown[256];
	struct sockaddr_storage ss;
	socklen_t len = 0;
	unsigned port;
	size_t i;

	(void)fio_path(path, sizeof(path), ctx->profile, PROFILE_CONFIG);
	if (cfg_file_get(path, "sip_listen", val, sizeof(val)))
		return 0;

	(void)snprintf(shown, sizeof(shown), "%s", val);
	if (addr_parse(val, &ss, &len, &port)) {
		return cli_err("sip_listen in %s is '%s', not ADDRESS:PORT"
			       " (e.g. 0.0.0.0:5060)", path, shown);
	}
	if (port == 0)
		return 0;

	for (i = 0; i < sizeof(binds) / sizeof(binds[0]); ++i) {

		unsigned p = port + binds[i].off;

		if (p > 65535) {
			return cli_err("sip_listen port %u leaves no port for"
				       " SIP over TLS (port + 1); change"
				       " sip_listen in %s", port, path);
		}

		port_set(&ss, p);
		if (bindable(&ss, len, binds[i].type, true))
			continue;

		return cli_err("port %u (%s sip_listen %s in %s) is already"
			       " in use; stop the other program (another"
			       " baresip?) or change sip_listen", p,
			       binds[i].what, shown, path);
	}

	return 0;
}


/* Could 127.0.0.1:port be bound for UDP and for TCP, strictly (no
 * SO_REUSEADDR: a TIME_WAIT on it counts as taken)? */
static bool loopback_free(unsigned port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	port_set(&ss, port);

	return bindable(&ss, sizeof(*sin), SOCK_DGRAM, false) &&
		bindable(&ss, sizeof(*sin), SOCK_STREAM, false);
}


/* A port the kernel picks for bind(0) on loopback, or 0 */
static uint16_t kernel_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	uint16_t port = 0;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	(void)close(fd);

	return port;
}


/*
 * A loopback port P free for UDP and TCP, with P+1 free too: baresip
 * binds the ports cli_sip_ports_check() checks, and an outgoing
 * connection (or its TIME_WAIT) on P+1 makes it fail to start.  A port
 * this process handed out before is never handed out again.
 */
int cli_sip_free_port(uint16_t *portp)
{
	enum { GIVEN_MAX = 8 };
	static uint16_t given[GIVEN_MAX];
	static size_t ngiven, next;
	int tries;

	for (tries = 0; tries < 200; ++tries) {

		uint16_t port = kernel_port();
		bool taken = false;
		size_t i;

		if (port == 0 || port == 65535)
			continue;
		for (i = 0; i < ngiven; ++i) {
			if (given[i] == port || given[i] == port + 1 ||
			    given[i] + 1 == port)
				taken = true;
		}
		if (taken || !loopback_free(port) ||
		    !loopback_free(port + 1u))
			continue;

		given[next] = port;
		next = (next + 1) % GIVEN_MAX;
		if (ngiven < GIVEN_MAX)
			++ngiven;
		*portp = port;
		return 0;
	}

	return EADDRINUSE;
}
