/**
 * @file audit.c  The policy's audit queue: lines for permissions.audit,
 *                written once per loop turn
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "policy.h"


void audit_close(void)
{
	if (d.audit_fd >= 0)
		(void)close(d.audit_fd);
	d.audit_fd = -1;
}


/*
 * t's ISO text; the last second's is kept: a call start audits two or
 * three lines in one second, and gmtime_r() takes glibc's time zone lock
 * each time.  Main thread only.
 */
static const char *iso_time(long long t)
{
	static struct {
		bool set;
		long long t;
		char iso[32];
	} c;

	if (!c.set || c.t != t) {
		perm_audit_time(t, c.iso, sizeof(c.iso));
		c.t = t;
		c.set = true;
	}

	return c.iso;
}


/* Append the queued audit lines, oldest first. */
void audit_flush(void)
{
	struct perm_audit_line v[AUDIT_QUEUE];
	bool fresh = false;
	unsigned i;
	int err;

	if (!d.naudq)
		return;

	for (i = 0; i < d.naudq; ++i) {
		v[i].t = d.audq[i].t;
		v[i].subject = d.audq[i].subject;
		v[i].decision = d.audq[i].decision;
		v[i].reason = d.audq[i].reason;
		v[i].iso = iso_time(v[i].t);
	}

	/* the file stays open: one write() for the turn's lines (and
	 * no IN_CLOSE_WRITE waking the profile's watches); it is opened
	 * again after the watch saw the name replaced or removed, and
	 * after a failure.  A failure is logged once, and so is the
	 * recovery. */
	err = 0;
	if (d.audit_fd < 0) {
		d.audit_fd = open(d.pf.audit, O_RDWR | O_APPEND | O_CREAT |
				  O_CLOEXEC, 0600);
		err = d.audit_fd < 0 ? errno : 0;
		fresh = true;
	}
	if (!err)
		err = perm_audit_write(d.audit_fd, v, d.naudq, fresh);
	if (err)
		audit_close();
	if (err) {
		if (!d.audit_lost)
			warning("octasip_policy: cannot append to %s: %m;"
				" audit lines are lost until it works\n",
				d.pf.audit, err);
		d.audit_lost += d.naudq;
	}
	else if (d.audit_lost) {
		info("octasip_policy: %s is writable again (%u audit"
		     " line(s) lost)\n", d.pf.audit, d.audit_lost);
		d.audit_lost = 0;
	}

	d.naudq = 0;
}


static void audit_timer(void *arg)
{
	(void)arg;
	audit_flush();
}


/*
 * The audit log.  With storage denied OctaSIP writes nothing but the
 * permissions file and the vault, so denials are then only logged.
 *
 * A call start audits two or three lines.  Written here they were ten
 * file system calls between the INVITE and its 200 OK, so they are
 * queued and written by a 0 ms timer: in the same loop turn, after the
 * SIP replies of that turn went out (measured: docs/performance.md).
 */
void audit(const char *subject, const char *decision,
	   const char *reason)
{
	unsigned i;

	if (!allowed(PERM_STORAGE))
		return;

	if (d.naudq == AUDIT_QUEUE)
		audit_flush();

	i = d.naudq++;
	d.audq[i].t = now_s();
	str_ncpy(d.audq[i].subject, subject, sizeof(d.audq[i].subject));
	str_ncpy(d.audq[i].decision, decision, sizeof(d.audq[i].decision));
	str_ncpy(d.audq[i].reason, reason ? reason : "",
		 sizeof(d.audq[i].reason));

	tmr_start(&d.tmr_audit, 0, audit_timer, NULL);
}
