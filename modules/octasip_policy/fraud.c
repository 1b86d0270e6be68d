/**
 * @file fraud.c  Fraud and misuse guard: number rules and call caps
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fraud.h"
#include "numnorm.h"


/*
 * Premium-rate and high-cost ranges (E.164), used only when the config
 * lists "premium".  Sources: national numbering plans (US 900, UK 09/087,
 * DE 0900/0137, FR 089, IT 89, ES 80x/905, AT/CH 90x), ITU global ranges
 * (+870 Inmarsat, +881 GMSS, +882/+883 international networks, +979
 * international premium rate) and destinations commonly abused for
 * international revenue share fraud (IRSF).
 */
const char *const fraud_premium_prefixes[] = {
	"1900", "1976",
	"44871", "44872", "44873", "4490", "4491", "4498",
	"49900", "49137",
	"3389", "3989", "34803", "34806", "34807", "34905",
	"43900", "43930", "41900", "41901", "41906",
	"870", "881", "882", "883", "979",
	"239", "247", "252", "290", "674", "677", "682", "683", "688",
	"690", "691", "692",
	NULL,
};

static const char *const emergency_numbers[] = {
	"112", "911", "999", "000", "110", "118", "119", "100", "101",
	"102", "15", "17", "18",
	NULL,
};

struct ring {
	uint64_t *t;      /* timestamps of the last cap attempts */
	uint32_t cap;
	uint32_t head;    /* oldest entry                        */
	uint32_t n;
};

struct source {
	uint32_t hash;
	uint64_t start;   /* window start, ms                    */
	uint32_t count;
};

/* per-minute windows of the incoming callers seen most recently */
struct wintab {
	struct source src[FRAUD_SOURCES];
	uint32_t cap;
};

struct fraud {
	struct fraud_cfg cfg;
	struct ring minute;
	struct ring day;
	struct wintab src;     /* by peer URI (numnorm_key())  */
	struct wintab addr;    /* by network address           */
	struct fraud_stats st;
};


void fraud_cfg_defaults(struct fraud_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	(void)snprintf(cfg->intl, sizeof(cfg->intl), "00");
	(void)snprintf(cfg->trunk, sizeof(cfg->trunk), "0");
	(void)fraud_list_parse(&cfg->allow, "emergency", NULL, 0);
	cfg->max_per_minute = 10;
	cfg->max_per_day = 200;
	cfg->max_concurrent = 4;
	cfg->max_incoming_per_source = 10;
	cfg->max_incoming_per_address = 20;
}


static int list_add(struct fraud_list *l, const char *num, size_t len)
{
	size_t i, o = 0;

	if (!len || len >= FRAUD_NUM_MAX || l->n >= FRAUD_LIST_MAX)
		return EINVAL;

	for (i = 0; i < len; ++i) {
		if (i == 0 && num[i] == '+')
			continue;
		if (!isdigit((unsigned char)num[i]))
			return EINVAL;
		l->v[l->n][o++] = num[i];
	}
	if (!o)
		return EINVAL;
	l->v[l->n][o] = '\0';
	++l->n;

	return 0;
}


static int list_add_all(struct fraud_list *l, const char *const *v)
{
	int err = 0;

	for (; *v && !err; ++v)
		err = list_add(l, *v, strlen(*v));

	return err;
}


int fraud_list_parse(struct fraud_list *l, const char *csv, char *errbuf,
		     size_t errsz)
{
	const char *p = csv;

	l->n = 0;

	while (p && *p) {

		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int err;

		if (len == 7 && !strncmp(p, "premium", len))
			err = list_add_all(l, fraud_premium_prefixes);
		else if (len == 9 && !strncmp(p, "emergency", len))
			err = list_add_all(l, emergency_numbers);
		else if (len == 4 && !strncmp(p, "none", len))
			err = 0;
		else
			err = list_add(l, p, len);

		if (err) {
			if (errbuf && errsz)
				(void)snprintf(errbuf, errsz, "%.*s",
					       (int)(len < 40 ? len : 40), p);
			l->n = 0;
			return EINVAL;
		}

		p = end ? end + 1 : NULL;
	}

	return 0;
}


static int ring_init(struct ring *r, uint32_t cap)
{
	r->cap = cap > FRAUD_CAP_MAX ? FRAUD_CAP_MAX : cap;
	r->head = r->n = 0;
	r->t = NULL;
	if (!r->cap)
		return 0;

	r->t = calloc(r->cap, sizeof(*r->t));

	return r->t ? 0 : ENOMEM;
}


/* true if one more attempt inside window_ms would exceed the cap */
static bool ring_full(const struct ring *r, uint64_t now, uint64_t window)
{
	if (!r->cap || r->n < r->cap)
		return false;

	return now - r->t[r->head] < window;
}


static void ring_add(struct ring *r, uint64_t now)
{
	if (!r->cap)
		return;

	if (r->n < r->cap) {
		r->t[(r->head + r->n) % r->cap] = now;
		++r->n;
	}
	else {
		r->t[r->head] = now;
		r->head = (r->head + 1) % r->cap;
	}
}


int fraud_alloc(struct fraud **fp, const struct fraud_cfg *cfg)
{
	struct fraud *f;
	int err;

	if (!fp || !cfg)
		return EINVAL;

	f = calloc(1, sizeof(*f));
	if (!f)
		return ENOMEM;

	f->cfg = *cfg;
	f->src.cap = cfg->max_incoming_per_source;
	f->addr.cap = cfg->max_incoming_per_address;
	err  = ring_init(&f->minute, cfg->max_per_minute);
	err |= ring_init(&f->day, cfg->max_per_day);
	if (err) {
		fraud_free(f);
		return ENOMEM;
	}

	*fp = f;

	return 0;
}


void fraud_free(struct fraud *f)
{
	if (!f)
		return;

	free(f->minute.t);
	free(f->day.t);
	free(f);
}


static bool starts(const char *s, const char *prefix)
{
	return *prefix && !strncmp(s, prefix, strlen(prefix));
}


static bool list_exact(const struct fraud_list *l, const char *num)
{
	size_t i;

	for (i = 0; i < l->n; ++i) {
		if (!strcmp(l->v[i], num))
			return true;
	}

	return false;
}


static const char *list_prefix(const struct fraud_list *l, const char *num)
{
	size_t i;

	for (i = 0; i < l->n; ++i) {
		if (starts(num, l->v[i]))
			return l->v[i];
	}

	return NULL;
}


static void plan(const struct fraud *f, struct numplan *np)
{
	np->cc = f->cfg.cc;
	np->intl = f->cfg.intl;
	np->trunk = f->cfg.trunk;
}


/* P-FRAUD-1 */
enum fraud_verdict fraud_check_outgoing(struct fraud *f,
					const char *peer_uri,
					uint64_t now_ms, unsigned active,
					char *rule, size_t rsz)
{
	struct numplan np;
	struct numnorm n;
	const char *hit;
	int err;

	if (rule && rsz)
		rule[0] = '\0';
	if (!f)
		return FRAUD_ALLOW;

	/* P-FRAUD-2: every spelling of a number is judged as that number */
	plan(f, &np);
	err = numnorm_uri_number(&np, peer_uri, &n);
	if (err && err != EINVAL) {
		(void)snprintf(rule, rsz, "malformed destination");
		++f->st.out_number;
		return FRAUD_BLOCK;
	}

	if (!err) {
		if (list_exact(&f->cfg.allow, n.num) ||
		    (n.raw[0] && list_exact(&f->cfg.allow, n.raw))) {
			(void)snprintf(rule, rsz, "allow-list");
			return FRAUD_ALLOW_LISTED;
		}

		hit = list_prefix(&f->cfg.deny, n.num);
		if (hit) {
			(void)snprintf(rule, rsz, "deny-list prefix +%s",
				       hit);
			++f->st.out_number;
			return FRAUD_BLOCK;
		}
	}

	if (f->cfg.max_concurrent && active >= f->cfg.max_concurrent) {
		(void)snprintf(rule, rsz, "concurrent calls cap %u",
			       f->cfg.max_concurrent);
		++f->st.out_cap;
		return FRAUD_BLOCK;
	}

	if (ring_full(&f->minute, now_ms, 60000ull)) {
		(void)snprintf(rule, rsz, "outgoing calls per minute cap %u",
			       f->cfg.max_per_minute);
		++f->st.out_cap;
		return FRAUD_BLOCK;
	}

	if (ring_full(&f->day, now_ms, 86400000ull)) {
		(void)snprintf(rule, rsz, "outgoing calls per day cap %u",
			       f->cfg.max_per_day);
		++f->st.out_cap;
		return FRAUD_BLOCK;
	}

	ring_add(&f->minute, now_ms);
	ring_add(&f->day, now_ms);

	return FRAUD_ALLOW;
}


static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; s && *s; ++s) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}

	return h ? h : 1;
}


/* count one call from key; false if key has used up its minute */
static bool wintab_take(struct wintab *t, const char *key, uint64_t now_ms)
{
	struct source *s = NULL, *oldest = NULL;
	uint32_t h = hash_str(key);
	size_t i;

	for (i = 0; i < FRAUD_SOURCES; ++i) {

		struct source *c = &t->src[i];

		if (c->hash == h) {
			s = c;
			break;
		}
		if (!c->hash) {
			if (!oldest || oldest->hash)
				oldest = c;
		}
		else if (!oldest ||
			 (oldest->hash && c->start < oldest->start)) {
			oldest = c;
		}
	}

	if (!s) {
		s = oldest;
		s->hash = h;
		s->start = now_ms;
		s->count = 0;
	}
	else if (now_ms - s->start >= 60000ull) {
		s->start = now_ms;
		s->count = 0;
	}

	if (s->count >= t->cap)
		return false;

	++s->count;

	return true;
}


/* keys at their cap now; *until_ms: when the first window ends */
static unsigned wintab_capped(const struct wintab *t, uint64_t now_ms,
			      uint64_t *until_ms)
{
	unsigned n = 0;
	size_t i;

	if (!t->cap)
		return 0;

	for (i = 0; i < FRAUD_SOURCES; ++i) {

		const struct source *c = &t->src[i];

		if (!c->hash || c->count < t->cap ||
		    now_ms - c->start >= 60000ull)
			continue;

		++n;
		if (until_ms && c->start + 60000ull < *until_ms)
			*until_ms = c->start + 60000ull;
	}

	return n;
}


enum fraud_verdict fraud_check_incoming(struct fraud *f, const char *source,
					uint64_t now_ms, char *rule,
					size_t rsz)
{
	struct numplan np;
	char key[NUMNORM_USER_MAX + NUMNORM_HOST_MAX + 2];

	if (rule && rsz)
		rule[0] = '\0';
	if (!f || !f->src.cap)
		return FRAUD_ALLOW;

	/* P-FRAUD-2: one key for every spelling of the caller's URI */
	plan(f, &np);
	(void)numnorm_key(&np, source, key, sizeof(key));

	if (wintab_take(&f->src, key, now_ms))
		return FRAUD_ALLOW;

	(void)snprintf(rule, rsz, "incoming calls per source cap %u/min",
		       f->src.cap);
	++f->st.in_source;

	return FRAUD_BLOCK;
}


enum fraud_verdict fraud_check_incoming_addr(struct fraud *f,
					     const char *addr,
					     uint64_t now_ms, char *rule,
					     size_t rsz)
{
	if (rule && rsz)
		rule[0] = '\0';
	if (!f || !f->addr.cap || !addr || !addr[0])
		return FRAUD_ALLOW;

	/* P-FRAUD-3 */
	if (wintab_take(&f->addr, addr, now_ms))
		return FRAUD_ALLOW;

	(void)snprintf(rule, rsz, "incoming calls per address cap %u/min",
		       f->addr.cap);
	++f->st.in_address;

	return FRAUD_BLOCK;
}


bool fraud_incoming_capped(const struct fraud *f, uint64_t now_ms,
			   uint64_t *until_ms)
{
	uint64_t until = UINT64_MAX;
	unsigned n;

	if (!f)
		return false;

	n  = wintab_capped(&f->src, now_ms, &until);
	n += wintab_capped(&f->addr, now_ms, &until);
	if (!n)
		return false;

	if (until_ms)
		*until_ms = until;

	return true;
}


void fraud_stats_get(const struct fraud *f, uint64_t now_ms,
		     struct fraud_stats *st)
{
	if (!st)
		return;

	memset(st, 0, sizeof(*st));
	if (!f)
		return;

	*st = f->st;
	st->src_capped = wintab_capped(&f->src, now_ms, NULL);
	st->addr_capped = wintab_capped(&f->addr, now_ms, NULL);
}
