/**
 * @file auditpend.c  permissions.audit.pending: audit lines that survive
 *                    a process kill before they are written
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <re.h>
#include "auditpend.h"
#include "mapfile.h"
#include "perm.h"


enum {
	HDR_SZ = 64,
	CAP    = AUDITPEND_SIZE - HDR_SZ,
};

#define FILE_MAGIC 0x31504e4541534f4fULL   /* "OOSAENP1" */

/* At the start of the file.  Pending lines are area[head, used). */
struct hdr {
	uint64_t magic;
	uint32_t cap;
	_Atomic uint32_t used;       /* stored after the line's bytes     */
	_Atomic uint32_t head;       /* bytes already in the audit log    */
	uint32_t intent_len;         /* bytes of the write in progress    */
	_Atomic uint64_t intent_at;  /* the log's size before it, + 1;
				      * 0: no write in progress          */
	uint32_t intent_nl;          /* it began with a '\n'              */
};

struct auditpend {
	struct mapfile mf;
	struct hdr mem;              /* the header without the file       */
	struct hdr *h;
	uint8_t *area;
	int err;                     /* why there is no file, or 0        */
};


static void destructor(void *arg)
{
	struct auditpend *ap = arg;

	if (ap->mf.map)
		mapfile_close(&ap->mf);
	else
		mem_deref(ap->area);
}


static bool header_ok(int fd)
{
	struct hdr h;

	return pread(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) &&
		h.magic == FILE_MAGIC && h.cap == CAP &&
		atomic_load(&h.used) <= CAP && atomic_load(&h.head) <= CAP;
}


static size_t pending(const struct hdr *h)
{
	uint32_t used = atomic_load_explicit(&h->used, memory_order_acquire);
	uint32_t head = atomic_load_explicit(&h->head, memory_order_acquire);

	return used > head ? used - head : 0;
}


/*
 * n more bytes are in the audit log.  All of them: the area is empty,
 * and zeroed, so that no copy of a line outlives the log's own.
 */
static void drop(struct hdr *h, uint8_t *area, size_t n)
{
	uint32_t used;

	if (n < pending(h)) {
		atomic_fetch_add_explicit(&h->head, (uint32_t)n,
					  memory_order_release);
		return;
	}

	/* used first: a kill between the two leaves head > used, empty */
	used = atomic_exchange_explicit(&h->used, 0, memory_order_acq_rel);
	atomic_store_explicit(&h->head, 0, memory_order_release);
	memset(area, 0, used <= h->cap ? used : h->cap);
}


unsigned auditpend_lines(const struct auditpend *ap)
{
	size_t i, n = auditpend_pending(ap);
	const uint8_t *p;
	unsigned c = 0;

	if (!n)
		return 0;

	p = ap->area + atomic_load(&ap->h->head);
	for (i = 0; i < n; ++i)
		c += p[i] == '\n';

	return c;
}


/* Bytes of p[0, n) up to and with its last '\n' */
static size_t whole_lines(const uint8_t *p, size_t n)
{
	while (n && p[n - 1] != '\n')
		--n;

	return n;
}


/*
 * Killed during a flush: were its bytes appended?  Exactly those bytes
 * at the noted offset: yes, drop them.  A part of them ends the log (a
 * short write): drop the lines it completed.  Anything else (the log
 * ends where it ended, or another writer's bytes follow it): append them
 * all (never lost; repeated only if another writer appended in between
 * and the batch was written).
 */
static void resolve_intent(struct auditpend *ap, const char *audit_path)
{
	struct hdr *h = ap->h;
	uint64_t at = atomic_load(&h->intent_at);
	size_t len = h->intent_len, nl = h->intent_nl ? 1 : 0, k = 0;
	const uint8_t *want = ap->area + atomic_load(&h->head);
	uint8_t buf[4096];
	struct stat st;
	int fd;

	if (!at)
		return;

	fd = open(audit_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && !fstat(fd, &st) && len >= nl &&
	    len - nl <= pending(h) && (uint64_t)st.st_size >= at - 1) {

		uint64_t off = at - 1;

		/* how many of the batch's bytes the log holds from off */
		while (k < len) {
			size_t n = len - k < sizeof(buf) ? len - k :
				sizeof(buf);
			ssize_t r = pread(fd, buf, n, (off_t)(off + k));
			size_t i;

			if (r <= 0)
				break;
			for (i = 0; i < (size_t)r; ++i) {
				uint8_t c = k + i < nl ? '\n' :
					want[k + i - nl];

				if (buf[i] != c)
					break;
			}
			k += i;
			if (i < (size_t)r)
				break;
		}

		/* a prefix that is not the log's end is someone else's */
		if (k < len && (uint64_t)st.st_size != off + k)
			k = 0;
	}
	if (fd >= 0)
		(void)close(fd);

	/* whole lines only: a cut one is written again, whole, after
	 * the next flush ended the torn part with its '\n' */
	if (k > nl)
		drop(h, ap->area,
		     k == len ? len - nl : whole_lines(want, k - nl));

	atomic_store(&h->intent_at, 0);
}


/* the pending file's path: the log's with AUDITPEND_SUFFIX */
static int pend_path(char *buf, size_t sz, const char *audit_path)
{
	return re_snprintf(buf, sz, "%s%s", audit_path, AUDITPEND_SUFFIX)
		< 0 ? ENAMETOOLONG : 0;
}


int auditpend_open(struct auditpend **app, const char *audit_path)
{
	struct auditpend *ap;
	char path[4200];

	if (!app || !audit_path)
		return EINVAL;

	ap = mem_zalloc(sizeof(*ap), destructor);
	if (!ap)
		return ENOMEM;
	ap->mf.fd = -1;

	ap->err = pend_path(path, sizeof(path), audit_path);
	if (!ap->err)
		ap->err = mapfile_open(&ap->mf, path, AUDITPEND_SIZE, true,
				       header_ok);

	if (ap->err) {
		ap->area = mem_zalloc(CAP, NULL);
		if (!ap->area) {
			mem_deref(ap);
			return ENOMEM;
		}
		ap->h = &ap->mem;
		ap->h->cap = CAP;
	}
	else {
		ap->h = (struct hdr *)(void *)ap->mf.map;
		ap->area = ap->mf.map + HDR_SZ;
		if (ap->mf.fresh) {
			ap->h->cap = CAP;
			ap->h->magic = FILE_MAGIC;
		}
		resolve_intent(ap, audit_path);
	}

	*app = ap;

	return 0;
}


int auditpend_error(const struct auditpend *ap)
{
	return ap ? ap->err : EINVAL;
}


/* P-PERM-1: a line stored here is in the audit log after a kill -9 */
int auditpend_add(struct auditpend *ap, const char *line, size_t len)
{
	uint32_t used;

	if (!ap || !line || !len)
		return EINVAL;

	used = atomic_load_explicit(&ap->h->used, memory_order_relaxed);
	if (len > CAP - used)
		return ENOSPC;

	memcpy(ap->area + used, line, len);
	atomic_store_explicit(&ap->h->used, used + (uint32_t)len,
			      memory_order_release);

	return 0;
}


size_t auditpend_pending(const struct auditpend *ap)
{
	return ap ? pending(ap->h) : 0;
}


int auditpend_flush(struct auditpend *ap, int fd, bool check_torn)
{
	struct iovec iov[2];
	struct stat st;
	size_t n, done;
	ssize_t w;
	int err = 0, nl;

	if (!ap || fd < 0)
		return EINVAL;

	n = pending(ap->h);
	if (!n)
		return 0;

	if (fstat(fd, &st))
		return errno;

	nl = check_torn && perm_audit_torn(fd, st.st_size);

	iov[0].iov_base = "\n";
	iov[0].iov_len = 1;
	iov[1].iov_base = ap->area + atomic_load(&ap->h->head);
	iov[1].iov_len = n;

	if (ap->mf.map) {
		ap->h->intent_len = (uint32_t)(n + (size_t)nl);
		ap->h->intent_nl = (uint32_t)nl;
		atomic_store_explicit(&ap->h->intent_at,
				      (uint64_t)st.st_size + 1,
				      memory_order_release);
	}

	w = writev(fd, iov + !nl, 1 + nl);
	if (w < 0) {
		err = errno;
		w = 0;
	}

	done = (size_t)w > (size_t)nl ? (size_t)w - (size_t)nl : 0;
	if (done < n) {
		if (!err)
			err = ENOSPC;
		done = whole_lines(iov[1].iov_base, done);
	}
	if (done)
		drop(ap->h, ap->area, done);

	atomic_store_explicit(&ap->h->intent_at, 0, memory_order_release);

	return err;
}


/* A look that changes nothing: lines, or a write in progress, in it? */
static bool has_pending(const char *path)
{
	struct hdr h;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	bool any;

	if (fd < 0)
		return errno != ENOENT;

	any = pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
		h.magic != FILE_MAGIC || pending(&h) ||
		atomic_load(&h.intent_at);
	(void)close(fd);

	return any;
}


/*
 * What a killed baresip left, into the audit log: EBUSY while a baresip
 * holds the file (it writes them itself); 0 without a file.
 */
int auditpend_settle(const char *audit_path)
{
	struct auditpend *ap;
	char path[4200];
	int err, fd;

	if (!audit_path)
		return EINVAL;

	err = pend_path(path, sizeof(path), audit_path);
	if (err)
		return err;
	if (!has_pending(path))
		return 0;

	err = auditpend_open(&ap, audit_path);
	if (err)
		return err;

	err = auditpend_error(ap);
	if (!err && auditpend_pending(ap)) {
		fd = perm_audit_open(audit_path);
		if (fd < 0)
			err = errno;
		else {
			err = auditpend_flush(ap, fd, true);
			if (close(fd) && !err)
				err = errno;
		}
	}

	mem_deref(ap);

	return err;
}
