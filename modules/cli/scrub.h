/**
 * @file scrub.h  What the support bundle and the run log do to text
 *                before it is written: this machine's identities, then
 *                the crash reporter's redactor
 *
 * The redactor (octasip_crash/redact.h) removes what has a shape: URIs,
 * addresses, numbers, secrets after a key.  A scrubber also knows this
 * profile's own identities, which have none: the profile and home paths,
 * the local user and host names, the accounts' addresses and the display
 * names in the accounts, the contacts and the call log.  scrub_text()
 * replaces those first (longest first), then runs redact() on the result:
 *
 *   account AOR (sip:u@h[:p], u@h[:p])  -> [account N]  (N: accounts line)
 *   display name                        -> [name]
 *   profile path                        -> <profile>
 *   home path                           -> ~
 *   user name, host name                -> [user], [host]
 *   NAME in "Incoming call from: NAME"  -> [name]   (baresip's menu)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_SCRUB_H
#define OCTASIP_SCRUB_H

#include <stdbool.h>
#include <stddef.h>

struct scrub_item {
	char *from;
	char *to;
	size_t len;     /* of from                              */
	bool word;      /* only as a whole word (short names)  */
};

/* items grouped by their first two characters, longest first */
#define SCRUB_BUCKETS 4096

struct scrub {
	struct scrub_item *v;
	size_t n, cap;
	size_t *start;  /* SCRUB_BUCKETS + 1 offsets into v     */
};

/*
 * Learns the identities of this machine and profile: paths, user and
 * host names, and the account AORs ([account N], in accounts-file order)
 * and display names of the profile's accounts, contacts and call log.
 * live_db: read the call log as "octasip calllog list" does (rows still
 * in a running baresip's WAL too); else as the file is on disk, never
 * writing next to it (the run log's logger starts with baresip).
 */
int  scrub_init(struct scrub *s, const char *profile, bool live_db);
void scrub_reset(struct scrub *s);


/* in with every identity replaced, then redact()ed; malloc'd or NULL */
char *scrub_text(const struct scrub *s, const char *in);

/*
 * May a config value be shown for this key?  Only short values of plain
 * characters, for keys that name no secret, address, path or number;
 * system paths (/usr, /lib, /etc) and the profile's own path are shown.
 * The value still goes through scrub_text().
 */
bool scrub_cfg_keep(const char *key, const char *val);

/*
 * Opens an existing calllog.db for reading, the rows a running baresip
 * still holds in the WAL included (never creates it).  0 or an errno.
 */
struct cldb;
int calllog_open(struct cldb **dbp, const char *path);

#endif
