/**
 * @file acctfile.h  baresip "accounts" lines: finding and removing the
 *                   ;auth_pass= and ;auth_user= parameters
 *
 * An account line is  ["Name"] <sip:user@host[;uri-params]>[;params]
 * or  sip:user@host[;params], read as baresip reads it: by libre's
 * sip_addr_decode() and msg_param_decode() (acctfile.c lists what that
 * means).  Empty lines and lines starting with '#' (in the first column)
 * are not accounts and are kept as they are.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_ACCTFILE_H
#define OCTASIP_ACCTFILE_H

#include <stdbool.h>
#include <stddef.h>

/* The longest line (in bytes, newline excluded) acct_parse() reads; baresip
 * itself reads at most 511 (1.0.0) or 1023 (4.x) bytes of a line */
#define ACCT_LINE_MAX 4096

struct acct_parsed {
	bool is_account;     /* false: comment or blank line            */
	bool has_pass;       /* ;auth_pass= was present                  */
	bool has_user;       /* ;auth_user= was present                  */
	char aor[256];       /* aor_key() of the URI                     */
	char user[128];      /* ;auth_user= value                        */
	char *pass;          /* caller's buffer (sodium memory) or NULL  */
	size_t passsz;
};

/*
 * Parses one line (without its newline) of len bytes.  Writes the line
 * without ;auth_pass= and ;auth_user= to out.  Returns 0, or EBADMSG (or
 * ENAMETOOLONG) with the reason in errbuf (nothing is changed).
 */
int acct_parse(const char *line, size_t len, char *out, size_t outsz,
	       struct acct_parsed *ap, char *errbuf, size_t errsz);

/*
 * Calls h for each account line of text (NUL-terminated): the line as it
 * is written (len bytes, no newline) and its AOR key.  Comments and blank
 * lines are skipped; so are malformed lines, counted in *bad if bad.
 */
typedef void (acct_line_h)(const char *line, size_t len, const char *aor,
			   void *arg);
void acct_each(const char *text, acct_line_h *h, void *arg, size_t *bad);

/*
 * Reads an accounts file (at most 1 MiB; a missing file reads as empty)
 * into *textp, NUL-terminated, in sodium_malloc'd memory (it may hold
 * plaintext passwords): free it with sodium_free().  0 or errno.
 */
int acct_file_read(const char *path, char **textp);

/* The accounts line "octasip account add" writes for aor: "<aor>" */
int acct_line_new(const char *aor, char *out, size_t sz);

/* A bounded, NUL-terminated output buffer: a write that does not fit
 * sets over and writes nothing more */
struct acct_wbuf {
	char *p;
	size_t sz;
	size_t n;
	bool over;
};
void acct_wput(struct acct_wbuf *w, const char *s, size_t n);

/* The first ;name=value that libre's msg_param_decode() (as baresip)
 * finds in [p, end), from its ';' to the end of its value (a quoted
 * value's closing quote included): 0, ENOENT or EBADMSG */
int acct_param_next(const char *p, const char *end, const char *name,
		    const char **sp, const char **ep);

/* Is aor a plausible SIP URI for an account (no spaces, <, >, ")? */
bool acct_aor_valid(const char *aor);

#endif
