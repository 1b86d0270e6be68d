/**
 * @file scrub.c  This machine's identities out, then the redactor
 *                (see scrub.h)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <re.h>
#include <sodium.h>
#include "octasip_credstore/acctfile.h"
#include "octasip_calllog/cl_db.h"
#include "common/fileio.h"
#include "common/profile.h"
#include "octasip_crash/redact.h"
#include "scrub.h"
#include "octasip_credstore/vault.h"


/* shorter names only count as whole words ("al" in "also" is not one) */
#define WORD_BELOW 4
#define NAME_ROWS  2000
#define CALLER_LEAD "Incoming call from: "
#define CALLER_LEAD_LEN (sizeof(CALLER_LEAD) - 1)


void scrub_reset(struct scrub *s)
{
	size_t i;

	for (i = 0; i < s->n; ++i) {
		free(s->v[i].from);
		free(s->v[i].to);
	}
	free(s->v);
	free(s->start);
	s->v = NULL;
	s->start = NULL;
	s->n = s->cap = 0;
}


static size_t bucket(const char *p)
{
	unsigned a = (unsigned)tolower((unsigned char)p[0]);
	unsigned b = (unsigned)tolower((unsigned char)p[1]);

	return ((a * 31u) ^ b) & (SCRUB_BUCKETS - 1);
}


static int scrub_add(struct scrub *s, const char *from, const char *to)
{
	size_t i, len = from ? strlen(from) : 0;
	struct scrub_item *it;

	/* one character, "/" or nothing: not an identity */
	if (len < 2 || !strcmp(from, "/"))
		return 0;

	for (i = 0; i < s->n; ++i) {
		if (!strcmp(s->v[i].from, from))
			return 0;
	}

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct scrub_item *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return ENOMEM;
		s->v = v;
		s->cap = cap;
	}

	it = &s->v[s->n];
	it->from = strdup(from);
	it->to = strdup(to);
	if (!it->from || !it->to) {
		free(it->from);
		free(it->to);
		return ENOMEM;
	}
	it->len = len;
	it->word = len < WORD_BELOW;
	++s->n;

	return 0;
}


static void add_path(struct scrub *s, const char *path, const char *to)
{
	char real[PATH_MAX];
	size_t n;

	if (!path || !*path)
		return;

	(void)scrub_add(s, path, to);

	if (realpath(path, real)) {
		(void)scrub_add(s, real, to);
	}

	/* "/x/y/" as "/x/y" too */
	n = strlen(path);
	if (n > 1 && path[n - 1] == '/' && n < sizeof(real)) {
		memcpy(real, path, n - 1);
		real[n - 1] = '\0';
		(void)scrub_add(s, real, to);
	}
}


static void add_aor(struct scrub *s, const char *aor, unsigned n)
{
	char tok[32], bare[VREC_AOR_MAX], *colon;
	const char *p;

	(void)snprintf(tok, sizeof(tok), "[account %u]", n);
	(void)scrub_add(s, aor, tok);

	/* baresip also prints "user@host[:port]" and "user@host" */
	p = strchr(aor, ':');
	if (!p || !strchr(p, '@'))
		return;
	(void)snprintf(bare, sizeof(bare), "%s", p + 1);
	(void)scrub_add(s, bare, tok);

	colon = strchr(strchr(bare, '@'), ':');
	if (colon) {
		*colon = '\0';
		(void)scrub_add(s, bare, tok);
	}
}


/* The display name of a name-addr line ("Name" <sip:...>), if any */
static void add_dname(struct scrub *s, const char *line, size_t len)
{
	struct sip_addr addr;
	struct pl pl;
	char name[256];

	pl.p = line;
	pl.l = len;
	if (sip_addr_decode(&addr, &pl) || !pl_isset(&addr.dname))
		return;

	if (pl_strcpy(&addr.dname, name, sizeof(name)))
		return;

	(void)scrub_add(s, name, "[name]");
}


struct acct_walk {
	struct scrub *s;
	unsigned n;
};


static void acct_line(const char *line, size_t len, const char *aor,
		      void *arg)
{
	struct acct_walk *w = arg;

	add_aor(w->s, aor, ++w->n);
	add_dname(w->s, line, len);
}


static void add_accounts(struct scrub *s, const char *profile)
{
	struct acct_walk w = {s, 0};
	char path[4200], *text = NULL;

	if (fio_path(path, sizeof(path), profile, PROFILE_ACCOUNTS) ||
	    acct_file_read(path, &text))
		return;

	acct_each(text, acct_line, &w, NULL);
	sodium_free(text);
}


static void add_contacts(struct scrub *s, const char *profile)
{
	char path[4200];
	uint8_t *buf = NULL;
	const char *p;
	size_t len;

	if (fio_path(path, sizeof(path), profile, PROFILE_CONTACTS) ||
	    fio_read_all(path, &buf, &len, 1 << 20))
		return;

	for (p = (const char *)buf; *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		if (n && *p != '#')
			add_dname(s, p, n);
		p += n + (eol ? 1 : 0);
	}

	free(buf);
}


int calllog_open(struct cldb **dbp, const char *path)
{
	/* as "octasip calllog list": rows still in the WAL of a running
	 * baresip too; read only where the file cannot be written */
	if (!cldb_open(dbp, path, 0, NULL, 0))
		return 0;

	return cldb_open(dbp, path, CLDB_READONLY, NULL, 0);
}


static int name_row(const struct cl_rec *r, void *arg)
{
	if (r->peer_name && *r->peer_name)
		(void)scrub_add(arg, r->peer_name, "[name]");

	return 0;
}


static void add_calllog(struct scrub *s, const char *profile,
			bool live_db)
{
	struct cldb_query q;
	struct cldb *db = NULL;
	char path[4200];

	if (fio_path(path, sizeof(path), profile, PROFILE_CALLLOG) ||
	    !fio_exists(path))
		return;
	if (live_db ? calllog_open(&db, path) :
	    cldb_open(&db, path, CLDB_READONLY, NULL, 0))
		return;

	memset(&q, 0, sizeof(q));
	q.limit = NAME_ROWS;
	(void)cldb_list(db, &q, name_row, s);
	cldb_close(db);
}


/* by bucket, then longest first: the first match at a place wins */
static int by_bucket(const void *a, const void *b)
{
	const struct scrub_item *x = a, *y = b;
	size_t bx = bucket(x->from), by = bucket(y->from);

	if (bx != by)
		return bx < by ? -1 : 1;

	return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}


static int index_build(struct scrub *s)
{
	size_t i, k = 0;

	s->start = calloc(SCRUB_BUCKETS + 1, sizeof(*s->start));
	if (!s->start)
		return ENOMEM;

	if (s->n)
		qsort(s->v, s->n, sizeof(s->v[0]), by_bucket);

	for (i = 0; i <= SCRUB_BUCKETS; ++i) {
		while (k < s->n && bucket(s->v[k].from) < i)
			++k;
		s->start[i] = k;
	}

	return 0;
}


int scrub_init(struct scrub *s, const char *profile, bool live_db)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *home = getenv("HOME");
	char host[256];
	char *slash;

	memset(s, 0, sizeof(*s));

	/* accounts first: their numbers follow the accounts file */
	add_accounts(s, profile);
	add_contacts(s, profile);
	add_calllog(s, profile, live_db);

	add_path(s, profile, "<profile>");
	add_path(s, home, "~");
	if (pw)
		add_path(s, pw->pw_dir, "~");

	if (pw)
		(void)scrub_add(s, pw->pw_name, "[user]");
	(void)scrub_add(s, getenv("USER"), "[user]");
	(void)scrub_add(s, getenv("LOGNAME"), "[user]");

	/* the last part of the home path is usually the user name too */
	slash = home ? strrchr(home, '/') : NULL;
	if (slash && slash[1])
		(void)scrub_add(s, slash + 1, "[user]");

	if (!gethostname(host, sizeof(host))) {
		host[sizeof(host) - 1] = '\0';
		if (strcmp(host, "localhost")) {
			(void)scrub_add(s, host, "[host]");
			slash = strchr(host, '.');
			if (slash) {
				*slash = '\0';
				(void)scrub_add(s, host, "[host]");
			}
		}
	}

	return index_build(s);
}


static inline bool word_char(unsigned char c)
{
	return isalnum(c) || c == '_';
}


/* Does item it match in at i? */
static bool item_at(const struct scrub_item *it, const char *in,
		    size_t len, size_t i)
{
	size_t n = it->len;

	if (n > len - i || tolower((unsigned char)in[i]) !=
	    tolower((unsigned char)it->from[0]))
		return false;

	/* paths as they are; names in any case */
	if (it->from[0] == '/' ? strncmp(in + i, it->from, n) :
	    strncasecmp(in + i, it->from, n))
		return false;

	if (!it->word)
		return true;

	return (i == 0 || !word_char((unsigned char)in[i - 1])) &&
		(i + n == len || !word_char((unsigned char)in[i + n]));
}


struct sbuf {
	char *p;
	size_t n, sz;
};


static int sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->sz) {
		size_t sz = (b->sz ? b->sz : 256);
		char *p;

		while (sz < b->n + n + 1)
			sz *= 2;
		p = realloc(b->p, sz);
		if (!p)
			return ENOMEM;
		b->p = p;
		b->sz = sz;
	}

	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';

	return 0;
}


/*
 * baresip 1.0.0's menu prints "Incoming call from: NAME URI": a caller's
 * display name that no file of the profile knows (peer mode hash or
 * none).  Returns where NAME ends (the space before the URI), or 0.
 */
static size_t caller_name_end(const char *in, size_t len, size_t i)
{
	static const char *const schemes[] = {" sip:", " sips:", " tel:"};
	size_t j, k, n = CALLER_LEAD_LEN;

	if (len - i < n || memcmp(in + i, CALLER_LEAD, n))
		return 0;

	for (j = i + n; j < len && in[j] != '\n'; ++j) {
		for (k = 0; k < sizeof(schemes) / sizeof(schemes[0]); ++k) {
			size_t sl = strlen(schemes[k]);

			if (len - j >= sl && !strncasecmp(in + j, schemes[k],
							  sl))
				return j > i + n ? j : 0;
		}
	}

	return 0;
}


char *scrub_text(const struct scrub *s, const char *in)
{
	struct sbuf b = {NULL, 0, 0};
	size_t len = in ? strlen(in) : 0, i = 0, k, end;
	char *out;
	int err = s->start ? sb_put(&b, "", 0) : EINVAL;

	while (!err && i < len) {

		size_t e = caller_name_end(in, len, i);

		if (e) {
			err = sb_put(&b, in + i, CALLER_LEAD_LEN);
			if (!err)
				err = sb_put(&b, "[name]", 6);
			i = e;
			continue;
		}

		/* every item is 2 or more characters long */
		k = end = 0;
		if (i + 1 < len) {
			size_t bk = bucket(in + i);

			end = s->start[bk + 1];
			for (k = s->start[bk]; k < end; ++k) {
				if (item_at(&s->v[k], in, len, i))
					break;
			}
		}

		if (k < end) {
			err = sb_put(&b, s->v[k].to, strlen(s->v[k].to));
			i += s->v[k].len;
		}
		else {
			err = sb_put(&b, in + i, 1);
			++i;
		}
	}

	if (err) {
		free(b.p);
		return NULL;
	}

	out = malloc(REDACT_MAX_OUT(b.n));
	if (out)
		(void)redact(b.p, b.n, out, REDACT_MAX_OUT(b.n));
	free(b.p);

	return out;
}


static bool key_has(const char *key, const char *const *words, size_t n)
{
	char low[128];
	size_t i;

	for (i = 0; key[i] && i < sizeof(low) - 1; ++i)
		low[i] = (char)tolower((unsigned char)key[i]);
	low[i] = '\0';

	for (i = 0; i < n; ++i) {
		if (strstr(low, words[i]))
			return true;
	}

	return false;
}


bool scrub_cfg_keep(const char *key, const char *val)
{
	/* keys whose values are secrets, addresses, names or numbers */
	static const char *const deny[] = {
		"pass", "secret", "token", "dsn", "auth", "user", "cert",
		"cafile", "listen", "addr", "server", "uri", "dns",
		"interface", "net_", "prefix", "number", "country", "uuid",
		"private", "cookie", "stun", "turn", "host", "domain",
		"contact", "name", "mail", "realm", "proxy", "outbound",
	};
	static const char *const sysdirs[] = {
		"/usr/", "/lib/", "/lib64/", "/etc/", "<profile>",
	};
	size_t i, digits = 0;

	if (!key || !val || key_has(key, deny, sizeof(deny) /
				    sizeof(deny[0])))
		return false;

	if (strlen(val) > 64)
		return false;

	if (val[0] == '/' || val[0] == '<') {
		for (i = 0; i < sizeof(sysdirs) / sizeof(sysdirs[0]); ++i) {
			if (!strncmp(val, sysdirs[i], strlen(sysdirs[i])))
				return !strstr(val, "..");
		}
		return false;
	}

	for (i = 0; val[i]; ++i) {
		unsigned char c = (unsigned char)val[i];

		if (isdigit(c)) {
			/* a long digit run is a number, not a setting */
			if (++digits >= 7)
				return false;
			continue;
		}
		digits = 0;
		if (!isalnum(c) && c != '_' && c != '.' && c != ',' &&
		    c != '-' && c != '+')
			return false;
	}

	return true;
}
