/**
 * @file perm.c  The permissions file: reading it (shared by all modules)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "fileio.h"
#include "perm.h"


static const char *const names[PERM_COUNT] = {
	"microphone", "contacts", "storage", "phone_state", "recording",
};

static const char *const states[] = {"ask", "allow", "deny", "once"};


const char *perm_name(enum perm p)
{
	return (unsigned)p < PERM_COUNT ? names[p] : "?";
}


const char *perm_state_name(enum perm_state s)
{
	return (unsigned)s < sizeof(states) / sizeof(states[0]) ?
		states[s] : "?";
}


int perm_from_name(const char *name, enum perm *p)
{
	int i;

	for (i = 0; i < PERM_COUNT; ++i) {
		if (name && !strcmp(name, names[i])) {
			*p = (enum perm)i;
			return 0;
		}
	}

	return ENOENT;
}


int perm_state_from_name(const char *name, enum perm_state *s)
{
	size_t i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); ++i) {
		if (name && !strcmp(name, states[i])) {
			*s = (enum perm_state)i;
			return 0;
		}
	}

	return ENOENT;
}


void perm_set_defaults(struct perm_set *ps)
{
	ps->state[PERM_MICROPHONE]  = PERM_ALLOW;
	ps->state[PERM_CONTACTS]    = PERM_ASK;
	ps->state[PERM_STORAGE]     = PERM_ALLOW;
	ps->state[PERM_PHONE_STATE] = PERM_ALLOW;
	ps->state[PERM_RECORDING]   = PERM_DENY;
}


void perm_set_safe(struct perm_set *ps)
{
	int i;

	for (i = 0; i < PERM_COUNT; ++i)
		ps->state[i] = PERM_DENY;
}


int perm_parse(const char *text, struct perm_set *ps, char *errbuf,
	       size_t errsz)
{
	const char *p = text;
	unsigned lineno = 0;

	perm_set_defaults(ps);

	while (p && *p) {

		const char *eol = strchr(p, '\n');
		char line[256], name[64], state[64], extra[2];
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		enum perm pm;
		enum perm_state st;
		char *hash;
		int k;

		++lineno;

		if (n >= sizeof(line))
			goto bad;
		memcpy(line, p, n);
		line[n] = '\0';
		p = eol ? eol + 1 : NULL;

		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';

		k = sscanf(line, "%63s %63s %1s", name, state, extra);
		if (k <= 0)
			continue;
		if (k != 2 || perm_from_name(name, &pm) ||
		    perm_state_from_name(state, &st))
			goto bad;

		ps->state[pm] = st;
		continue;

	bad:
		perm_set_safe(ps);
		if (errbuf && errsz)
			(void)snprintf(errbuf, errsz, "line %u: expected"
				       " \"PERMISSION STATE\" (permissions:"
				       " microphone contacts storage"
				       " phone_state recording; states:"
				       " allow deny once ask)", lineno);
		return EBADMSG;
	}

	return 0;
}


int perm_load(const char *path, struct perm_set *ps, char *errbuf,
	      size_t errsz)
{
	uint8_t *buf;
	size_t len;
	int err;

	perm_set_defaults(ps);

	err = fio_read_all(path, &buf, &len, 1 << 16);
	if (err == ENOENT)
		return 0;
	if (err) {
		perm_set_safe(ps);
		if (errbuf && errsz)
			(void)snprintf(errbuf, errsz, "%s", strerror(err));
		return err;
	}

	if (memchr(buf, '\0', len)) {
		free(buf);
		perm_set_safe(ps);
		if (errbuf && errsz)
			(void)snprintf(errbuf, errsz, "binary data");
		return EBADMSG;
	}

	err = perm_parse((const char *)buf, ps, errbuf, errsz);
	free(buf);

	return err;
}


bool perm_permits(const struct perm_set *ps, enum perm p)
{
	if (!ps || (unsigned)p >= PERM_COUNT)
		return false;

	return ps->state[p] == PERM_ALLOW || ps->state[p] == PERM_ONCE;
}


bool perm_allows(const struct perm_set *ps, enum perm p)
{
	if (!ps || (unsigned)p >= PERM_COUNT)
		return false;

	return ps->state[p] == PERM_ALLOW;
}


unsigned perm_set_bits(const struct perm_set *ps, enum perm_state s)
{
	unsigned bits = 0;
	int i;

	for (i = 0; ps && i < PERM_COUNT; ++i) {
		if (ps->state[i] == s)
			bits |= 1u << i;
	}

	return bits;
}


int perm_format(const struct perm_set *ps, char *buf, size_t sz)
{
	size_t off = 0;
	int i, n;

	if (!ps || !buf)
		return -1;

	n = snprintf(buf, sz, "# OctaSIP permissions: one \"PERMISSION STATE\""
		     " per line (states: allow deny once ask).\n"
		     "# Change with: octasip perm set PERMISSION STATE\n");
	if (n < 0 || (size_t)n >= sz)
		return -1;
	off = (size_t)n;

	for (i = 0; i < PERM_COUNT; ++i) {

		n = snprintf(buf + off, sz - off, "%s %s\n", names[i],
			     perm_state_name(ps->state[i]));
		if (n < 0 || (size_t)n >= sz - off)
			return -1;
		off += (size_t)n;
	}

	return (int)off;
}


int perm_save(const char *path, const struct perm_set *ps)
{
	char buf[1024];
	int n;

	if (!path || !ps)
		return EINVAL;

	n = perm_format(ps, buf, sizeof(buf));
	if (n < 0)
		return ENOSPC;

	return fio_write_atomic(path, buf, (size_t)n, 0600);
}


static void clean_field(char *dst, size_t sz, const char *src)
{
	size_t i;

	for (i = 0; src && src[i] && i + 1 < sz; ++i) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}

	dst[i] = '\0';
}


void perm_audit_time(long long t, char *iso, size_t sz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(iso, sz, "%Y-%m-%dT%H:%M:%SZ", &tm))
		(void)snprintf(iso, sz, "?");
}


/* One audit line into buf (at most PERM_AUDIT_LINE bytes); its length */
size_t perm_audit_format(char *buf, const struct perm_audit_line *l)
{
	char subj[32], dec[32], why[256], own[32];
	const char *iso = l->iso;
	int n;

	clean_field(subj, sizeof(subj), l->subject);
	clean_field(dec, sizeof(dec), l->decision);
	clean_field(why, sizeof(why), l->reason ? l->reason : "");

	if (!iso) {
		perm_audit_time(l->t, own, sizeof(own));
		iso = own;
	}

	n = snprintf(buf, PERM_AUDIT_LINE, "%lld\t%s\t%s\t%s\t%s\n", l->t,
		     iso, subj, dec, why);
	if (n < 0)
		return 0;
	if ((size_t)n >= PERM_AUDIT_LINE) {
		n = PERM_AUDIT_LINE - 1;
		buf[n - 1] = '\n';
	}

	return (size_t)n;
}


bool perm_audit_torn(int fd, long long size)
{
	char last = '\n';

	return size > 0 && pread(fd, &last, 1, (off_t)size - 1) == 1 &&
		last != '\n';
}


/*
 * Lines to an audit file open for appending (O_RDWR | O_APPEND): one
 * write(); with check_torn (a freshly opened file) a torn last line
 * (crash, full disk) first gets its newline, so it cannot swallow them.
 */
int perm_audit_write(int fd, const struct perm_audit_line *v, size_t n,
		     bool check_torn)
{
	char buf[1 + PERM_AUDIT_MAX * PERM_AUDIT_LINE];
	const char *out = buf + 1;  /* buf[0]: '\n' after a torn line */
	size_t len = 0, i;
	struct stat st;
	ssize_t w;

	if (fd < 0 || !v || !n || n > PERM_AUDIT_MAX)
		return EINVAL;

	for (i = 0; i < n; ++i) {
		if (!v[i].subject || !v[i].decision)
			return EINVAL;
		len += perm_audit_format(buf + 1 + len, &v[i]);
	}

	if (check_torn && fstat(fd, &st) == 0 &&
	    perm_audit_torn(fd, st.st_size)) {
		buf[0] = '\n';
		out = buf;
		++len;
	}

	w = write(fd, out, len);
	if (w < 0)
		return errno;
	if ((size_t)w != len)
		return ENOSPC;

	return 0;
}


int perm_audit_open(const char *path)
{
	if (!path) {
		errno = EINVAL;
		return -1;
	}

	return open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}


int perm_audit_append_lines(const char *path,
			    const struct perm_audit_line *v, size_t n)
{
	int fd, err;

	if (!path || !v || !n || n > PERM_AUDIT_MAX)
		return EINVAL;

	fd = perm_audit_open(path);
	if (fd < 0)
		return errno;

	err = perm_audit_write(fd, v, n, true);

	if (close(fd) != 0 && !err)
		err = errno;

	return err;
}


int perm_audit_append(const char *path, long long t, const char *subject,
		      const char *decision, const char *reason)
{
	const struct perm_audit_line l = {t, subject, decision, reason, NULL};

	return perm_audit_append_lines(path, &l, 1);
}


int perm_audit_last(const char *path, long long last_use[PERM_COUNT],
		    long long last_deny[PERM_COUNT])
{
	uint8_t *buf;
	size_t len;
	char *p, *eol;
	int i, err;

	for (i = 0; i < PERM_COUNT; ++i) {
		last_use[i] = 0;
		last_deny[i] = 0;
	}

	err = fio_read_all(path, &buf, &len, 64u << 20);
	if (err == ENOENT)
		return 0;
	if (err)
		return err;

	/* fio_read_all() NUL-terminates; a NUL inside ends the scan */
	for (p = (char *)buf; p && *p; p = eol ? eol + 1 : NULL) {

		char subj[32], dec[32];
		long long t;
		enum perm pm;

		eol = strchr(p, '\n');
		if (eol)
			*eol = '\0';

		if (sscanf(p, "%lld\t%*[^\t]\t%31[^\t]\t%31[^\t\n]",
			   &t, subj, dec) != 3)
			continue;
		if (perm_from_name(subj, &pm))
			continue;

		if (!strcmp(dec, "use") || !strcmp(dec, "once-used")) {
			if (t > last_use[pm])
				last_use[pm] = t;
		}
		else if (!strcmp(dec, "deny")) {
			if (t > last_deny[pm])
				last_deny[pm] = t;
		}
	}

	free(buf);

	return 0;
}
