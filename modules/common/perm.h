/**
 * @file perm.h  The permissions file: reading it (shared by all modules)
 *
 * Format (INTERFACE.md): one "name state" per line, '#' starts a comment.
 * Names: microphone contacts storage phone_state recording.
 * States: allow deny once ask; "ask" is treated as deny (and the user is
 * told how to decide).
 *
 * Product defaults, used for a missing file or a permission not listed:
 * microphone allow, storage allow, phone_state allow (a softphone's core
 * functions, each deniable), contacts ask, recording deny.  The policy
 * module (modules/octasip_policy) owns changes, "once" bookkeeping and
 * the audit log; every other module only reads.
 *
 * perm_load() parses a file strictly: on a malformed line it returns
 * EBADMSG, names the line in errbuf, and fills in safe defaults (deny for
 * every permission: perm_set_safe()) so a caller can go on safely.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_PERM_H
#define OCTASIP_PERM_H

#include <stdbool.h>
#include <stddef.h>

enum perm {
	PERM_MICROPHONE = 0,
	PERM_CONTACTS,
	PERM_STORAGE,
	PERM_PHONE_STATE,
	PERM_RECORDING,
	PERM_COUNT,
};

enum perm_state {
	PERM_ASK = 0,     /* not decided yet: treated as deny */
	PERM_ALLOW,
	PERM_DENY,
	PERM_ONCE,        /* allowed for the next call only */
};

struct perm_set {
	enum perm_state state[PERM_COUNT];
};

const char *perm_name(enum perm p);
const char *perm_state_name(enum perm_state s);
int perm_from_name(const char *name, enum perm *p);
int perm_state_from_name(const char *name, enum perm_state *s);

void perm_set_defaults(struct perm_set *ps);
void perm_set_safe(struct perm_set *ps);
int perm_parse(const char *text, struct perm_set *ps, char *errbuf,
	       size_t errsz);
int perm_load(const char *path, struct perm_set *ps, char *errbuf,
	      size_t errsz);

/* allow and once permit; deny and ask do not */
bool perm_permits(const struct perm_set *ps, enum perm p);
/* allow only: what may happen outside the one call a once grant is for
 * (a reader that cannot tell which call holds the grant) */
bool perm_allows(const struct perm_set *ps, enum perm p);
/* the permissions in state s, bit (1 << perm) each */
unsigned perm_set_bits(const struct perm_set *ps, enum perm_state s);


/*
 * Writing (the policy module and "octasip perm" only)
 *
 * perm_format() renders every permission, one "name state" line each,
 * after a short comment header; it returns the length or -1 if buf is too
 * small.  perm_save() writes that text with fio_write_atomic() (0600): a
 * crash leaves the old file or the new one, never a mix.
 */
int perm_format(const struct perm_set *ps, char *buf, size_t sz);
int perm_save(const char *path, const struct perm_set *ps);


/*
 * The audit log: PROFILE_PERMISSIONS_AUDIT next to the permissions file,
 * append-only text, 0600, one line per event:
 *
 *   UNIX-SECONDS TAB ISO-8601-UTC TAB SUBJECT TAB DECISION TAB REASON
 *
 * SUBJECT is a permission name, "fraud_guard" or "encryption"; DECISION
 * is "set-allow", "set-deny", "set-once", "set-ask" (changes), "use"
 * (a call used an allowed permission), "once-used" (a "once" grant was
 * consumed) or "deny" (something was refused).  Each line is written
 * with one write() on an O_APPEND descriptor, so the tool and the
 * running module can append at the same time without tearing lines.
 * Tabs and control characters in REASON are replaced by spaces.
 */
int perm_audit_append(const char *path, long long t, const char *subject,
		      const char *decision, const char *reason);

/*
 * Several lines (at most PERM_AUDIT_MAX) with one open and one write():
 * what a running module queued during a loop turn.
 */
enum {
	PERM_AUDIT_LINE = 512,   /* bytes of one line at most, with '\n' */
	PERM_AUDIT_MAX  = 16,
};

struct perm_audit_line {
	long long t;
	const char *subject;
	const char *decision;
	const char *reason;      /* may be NULL                          */
	const char *iso;         /* t as perm_audit_time() gives it, or
				  * NULL: formatted here                 */
};

/* t as the audit log's UTC ISO 8601 text ("2026-12-07T09:00:00Z") */
void perm_audit_time(long long t, char *iso, size_t sz);

/* One line as the log holds it, into buf (PERM_AUDIT_LINE bytes, not
 * NUL-terminated); its length with the '\n' */
size_t perm_audit_format(char *buf, const struct perm_audit_line *l);

/* The log opened for appending (O_RDWR: perm_audit_torn() reads its
 * last byte), created 0600; -1 with errno on failure */
int perm_audit_open(const char *path);

int perm_audit_append_lines(const char *path,
			    const struct perm_audit_line *v, size_t n);
int perm_audit_write(int fd, const struct perm_audit_line *v, size_t n,
		     bool check_torn);

/* Does the log open on fd, size bytes long, end in a torn line (a crash,
 * a full disk)?  The next write then first gives it its '\n', so that it
 * cannot swallow the next line. */
bool perm_audit_torn(int fd, long long size);

/*
 * The last time each permission was used ("use" or "once-used") and the
 * last time each was refused ("deny"), from the audit log; 0 = never.
 * Malformed lines are skipped (a torn or edited file never hides the
 * rest).  A missing file is not an error.
 */
int perm_audit_last(const char *path, long long last_use[PERM_COUNT],
		    long long last_deny[PERM_COUNT]);

#endif
