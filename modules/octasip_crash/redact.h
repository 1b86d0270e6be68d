/**
 * @file redact.h  The redactor: every string bound for a crash report,
 *                 the usage statistics or an attached log passes here
 *
 * redact() copies text and replaces, left to right:
 *   sip:, sips:, tel: URIs            -> [uri]
 *   e-mail / user@host addresses      -> [email]
 *   user:password@host in a URL
 *   (after "://")                     -> ://[email]
 *   MAC addresses (aa:bb:.. or aa-bb-..) -> [mac]
 *   IPv4 (with :port) and IPv6        -> [ip]
 *   card numbers (13-19 digits, Luhn) -> [card]
 *   phone and other numbers of 7+
 *   digits (+, spaces, -, () allowed) -> [number]
 *   values of secret keys (password, passwd, pwd, pass, secret, auth,
 *   token, api_key, apikey, credential, cookie, session, ...) after
 *   '=' or ':'                        -> key=[secret]
 *   Authorization: header values      -> Authorization: [secret]
 *   Bearer tokens                     -> Bearer [token]
 *   /home/<name>                      -> /home/[user]
 *   "Display Name" < and unquoted names
 *   after From:/To:/Contact: etc.     -> [name]
 *   host names (2+ labels, last one
 *   letters and not a file type)      -> [host]
 *   spaced secrets: auth_pass x,
 *   password x, *_secret x ...        -> auth_pass [secret]
 *   user=, username=, login= values   -> user=[user]
 *   realm= values                     -> realm=[realm]
 *   HOME=, *_HOME= values             -> HOME=[home]
 *   /root                             -> [home]
 *   /Users/<name>                     -> /Users/[user]
 *   sip%3A... / tel%3A... URIs        -> [uri]
 *   local%40host                      -> [email]
 *   Cisco MACs (aabb.ccdd.eeff)       -> [mac]
 *
 * It errs on the side of removing: long decimal numbers go too.  The
 * output is always NUL-terminated (when outsz > 0) and never longer than
 * REDACT_MAX_OUT(len) - 1 bytes; a short buffer truncates it, and a
 * truncated output never holds part of a secret (secrets are detected in
 * the input, never copied).  Running redact() on its own output changes
 * nothing for ordinary text; on adversarial input a second pass may
 * remove more (never less).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_REDACT_H
#define OCTASIP_REDACT_H

#include <stddef.h>

/* Output buffer size that always holds the whole result of len bytes */
#define REDACT_MAX_OUT(len) (3 * (len) + 16)

size_t redact(const char *in, size_t len, char *out, size_t outsz);

/* redact() into a malloc'd string (NULL on ENOMEM); s NULL gives "" */
char *redact_dup(const char *s);

#endif
