/**
 * @file auditpend.h  permissions.audit.pending: audit lines that survive
 *                    a process kill before they are written
 *
 * The policy stores each audit line into a small file mapped shared
 * (mapfile.h: <permissions.audit>.pending, 0600, 64 KiB): a memcpy, no
 * system call on the call's path.  auditpend_flush() appends the lines
 * to permissions.audit with one write() and empties the area; the
 * policy flushes at most once a second.  What was stored survives a
 * kill -9 (the pages are the kernel's; not a power loss: nothing is
 * synced): the next start, or an octasip command while no baresip
 * holds the file (auditpend_settle()), writes it.
 *
 * Before each write() the file notes the audit log's size and how many
 * bytes it is about to append.  After a kill between that write() and
 * emptying the area, finding exactly those bytes at that offset tells a
 * written batch from one that was not, so a replay neither loses nor
 * repeats a line.  (It repeats a batch if another writer, the octasip
 * tool, appended in between and the kill came right after.)
 *
 * A short write (a full disk) keeps every line it did not complete: the
 * next write first ends the torn line (perm_audit_torn()) and
 * then writes the cut line whole.
 *
 * Without the file (no space, a read-only profile, another process
 * holding it, a symlink in its place) the area is plain memory: the same
 * batching, but lines a kill -9 takes; auditpend_error() says why.
 * One thread.  Functions return 0 or an errno value.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_AUDITPEND_H
#define OCTASIP_AUDITPEND_H

#include <stdbool.h>
#include <stddef.h>

#define AUDITPEND_SUFFIX ".pending"
#define AUDITPEND_SIZE   65536u   /* the file, header included */

struct auditpend;

int  auditpend_open(struct auditpend **app, const char *audit_path);
int  auditpend_error(const struct auditpend *ap);
int  auditpend_add(struct auditpend *ap, const char *line, size_t len);
size_t auditpend_pending(const struct auditpend *ap);
unsigned auditpend_lines(const struct auditpend *ap);
int  auditpend_flush(struct auditpend *ap, int fd, bool check_torn);
int  auditpend_settle(const char *audit_path);

#endif
