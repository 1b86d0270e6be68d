/**
 * @file audit.c  The policy's audit lines: kept where a kill -9 cannot
 *                take them (auditpend.h), written at most once a second
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <unistd.h>
#include "common/auditpend.h"
#include "policy.h"


enum {
	FLUSH_MS = 1000,        /* one write() a second at most          */
	RETRY_MS = 5000,        /* after a failed write                  */
};


void audit_close(void)
{
	if (d.audit_fd >= 0)
		(void)close(d.audit_fd);
	d.audit_fd = -1;
}


/* The pending lines' file; what a killed baresip left goes out first */
static void pend_open(void)
{
	int err;

	if (d.audit_pend)
		return;

	err = auditpend_open(&d.audit_pend, d.pf.audit);
	if (err) {
		warning("octasip_policy: audit lines: %m\n", err);
		return;
	}

	err = auditpend_error(d.audit_pend);
	if (err)
		warning("octasip_policy: %s%s: %m; audit lines wait in"
			" memory until written (a kill -9 loses those)\n",
			d.pf.audit, AUDITPEND_SUFFIX, err);
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


static void audit_timer(void *arg)
{
	(void)arg;
	audit_flush();
}


/* Write the pending lines, oldest first; on failure they stay pending */
void audit_flush(void)
{
	bool fresh = false;
	int err = 0;

	if (!auditpend_pending(d.audit_pend))
		return;

	d.audit_last = tmr_jiffies();

	/* the file stays open (no IN_CLOSE_WRITE waking the profile's
	 * watches); it is opened again after the watch saw the name
	 * replaced or removed, and after a failure.  A failure is logged
	 * once, and so is the recovery. */
	if (d.audit_fd < 0) {
		d.audit_fd = perm_audit_open(d.pf.audit);
		err = d.audit_fd < 0 ? errno : 0;
		fresh = true;
	}
	if (!err)
		err = auditpend_flush(d.audit_pend, d.audit_fd, fresh);

	if (err) {
		audit_close();
		if (!d.audit_failing)
			warning("octasip_policy: cannot append to %s: %m;"
				" audit lines wait until it works\n",
				d.pf.audit, err);
		d.audit_failing = true;
		tmr_start(&d.tmr_audit, RETRY_MS, audit_timer, NULL);
	}
	else if (d.audit_failing) {
		info("octasip_policy: %s is writable again (%u audit"
		     " line(s) lost)\n", d.pf.audit, d.audit_lost);
		d.audit_failing = false;
		d.audit_lost = 0;
	}
}


/*
 * At start, with storage allowed: the pending lines' file is opened
 * here, not on a call's path, and what a killed baresip left in it is
 * written before anything new.  With storage denied it waits in its
 * file (data export, and the next start with storage allowed, write
 * it).
 */
void audit_start(void)
{
	if (!allowed(PERM_STORAGE))
		return;

	pend_open();
	audit_flush();
}


/* At close: what cannot be written now stays for the next start */
void audit_stop(void)
{
	unsigned n;

	tmr_cancel(&d.tmr_audit);
	audit_flush();
	tmr_cancel(&d.tmr_audit);      /* a failed flush set its retry */
	audit_close();

	n = auditpend_lines(d.audit_pend);
	if (n && !auditpend_error(d.audit_pend))
		warning("octasip_policy: exiting with %u audit line(s) not"
			" written to %s; they stay in %s%s and are written"
			" at the next start\n", n, d.pf.audit, d.pf.audit,
			AUDITPEND_SUFFIX);
	else if (n)
		warning("octasip_policy: exiting with %u audit line(s) not"
			" written to %s: lost\n", n, d.pf.audit);

	d.audit_pend = mem_deref(d.audit_pend);
}


/*
 * The audit log.  With storage denied OctaSIP writes nothing but the
 * permissions file and the vault, so denials are then only logged.
 *
 * A line is stored at once (a memcpy into the pending file) and written
 * by a timer: in the same loop turn, after the turn's SIP replies went
 * out, if nothing was written in the last second, else when that second
 * is over.  A burst of calls costs one write() a second, and what was
 * stored survives a kill -9 (measured: docs/performance.md).
 */
void audit(const char *subject, const char *decision,
	   const char *reason)
{
	struct perm_audit_line l;
	char line[PERM_AUDIT_LINE];
	uint64_t now, delay = 0;
	size_t n;
	int err;

	if (!allowed(PERM_STORAGE))
		return;

	pend_open();
	if (!d.audit_pend)
		return;

	l.t = now_s();
	l.subject = subject;
	l.decision = decision;
	l.reason = reason;
	l.iso = iso_time(l.t);
	n = perm_audit_format(line, &l);

	err = auditpend_add(d.audit_pend, line, n);
	if (err == ENOSPC && !d.audit_failing) {
		audit_flush();
		err = auditpend_add(d.audit_pend, line, n);
	}
	if (err) {
		if (!d.audit_lost)
			warning("octasip_policy: %u KiB of audit lines wait"
				" to be written: new lines are lost until %s"
				" is writable\n", AUDITPEND_SIZE / 1024,
				d.pf.audit);
		++d.audit_lost;
		return;
	}

	if (tmr_isrunning(&d.tmr_audit))
		return;

	now = tmr_jiffies();
	if (d.audit_last && now - d.audit_last < FLUSH_MS)
		delay = FLUSH_MS - (now - d.audit_last);

	tmr_start(&d.tmr_audit, delay, audit_timer, NULL);
}
