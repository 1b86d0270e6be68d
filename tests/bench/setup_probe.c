/**
 * @file setup_probe.c  LD_PRELOAD probe: INVITE -> 200 OK inside baresip
 *
 * Times, in the callee process itself, each incoming INVITE (recvfrom)
 * to the first "SIP/2.0 200" sent for the same Call-ID (sendto), so the
 * figure holds only what baresip and its modules do, none of sipp's or
 * the loopback's scheduling.  At exit it writes one line per call, in
 * nanoseconds, to $SETUP_PROBE_OUT.  Used by tests/bench/sipp_compare.py
 * --probe; it hooks nothing else and changes no data.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#define PENDING 64
#define SAMPLES 100000

typedef ssize_t (recvfrom_f)(int, void *, size_t, int, struct sockaddr *,
			     socklen_t *);
typedef ssize_t (sendto_f)(int, const void *, size_t, int,
			   const struct sockaddr *, socklen_t);

static struct {
	recvfrom_f *recvfrom;
	sendto_f *sendto;
	struct {
		char cid[128];
		uint64_t t;
	} pend[PENDING];
	unsigned next;
	uint64_t samp[SAMPLES];
	size_t n;
} p;


static uint64_t now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);

	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}


/* the Call-ID header's value, or false */
static int call_id(const char *b, size_t len, char *cid, size_t sz)
{
	size_t i, j;

	for (i = 0; i + 10 < len; ++i) {
		if (b[i] != '\n' || strncasecmp(b + i + 1, "Call-ID:", 8))
			continue;
		i += 9;
		while (i < len && b[i] == ' ')
			++i;
		for (j = 0; i < len && j + 1 < sz && b[i] != '\r' &&
			     b[i] != '\n'; ++i, ++j)
			cid[j] = b[i];
		cid[j] = '\0';
		return j > 0;
	}

	return 0;
}


ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *sa, socklen_t *salen)
{
	ssize_t n;
	char cid[128];

	if (!p.recvfrom)
		p.recvfrom = (recvfrom_f *)dlsym(RTLD_NEXT, "recvfrom");

	n = p.recvfrom(fd, buf, len, flags, sa, salen);
	if (n > 7 && !memcmp(buf, "INVITE ", 7) &&
	    call_id(buf, (size_t)n, cid, sizeof(cid))) {
		unsigned k = p.next++ % PENDING;

		memcpy(p.pend[k].cid, cid, sizeof(cid));
		p.pend[k].t = now_ns();
	}

	return n;
}


ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *sa, socklen_t salen)
{
	char cid[128];
	uint64_t t = 0;
	unsigned k;

	if (!p.sendto)
		p.sendto = (sendto_f *)dlsym(RTLD_NEXT, "sendto");

	if (len > 12 && !memcmp(buf, "SIP/2.0 200 ", 12) &&
	    call_id(buf, len, cid, sizeof(cid))) {
		for (k = 0; k < PENDING; ++k) {
			if (p.pend[k].t && !strcmp(p.pend[k].cid, cid)) {
				t = p.pend[k].t;
				p.pend[k].t = 0;
				break;
			}
		}
	}

	if (t) {
		ssize_t r = p.sendto(fd, buf, len, flags, sa, salen);

		if (p.n < SAMPLES)
			p.samp[p.n++] = now_ns() - t;
		return r;
	}

	return p.sendto(fd, buf, len, flags, sa, salen);
}


__attribute__((destructor)) static void probe_write(void)
{
	const char *out = getenv("SETUP_PROBE_OUT");
	FILE *f;
	size_t i;

	if (!out || !p.n)
		return;

	f = fopen(out, "a");
	if (!f)
		return;

	for (i = 0; i < p.n; ++i)
		fprintf(f, "%llu\n", (unsigned long long)p.samp[i]);

	(void)fclose(f);
}
