/**
 * @file stats.c  Opt-in usage statistics (see stats.h)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "common/fileio.h"
#include "common/recompat.h"
#include "stats.h"


static const char *const status_names[STATS_STATUS_COUNT] = {
	"answered", "missed", "rejected", "busy", "failed", "cancelled",
	"blocked",
};

static const char *const dur_names[STATS_DUR_COUNT] = {
	"under_10s", "under_1m", "under_5m", "under_30m", "30m_or_more",
};


const char *stats_status_name(enum stats_status s)
{
	return (unsigned)s < STATS_STATUS_COUNT ? status_names[s] : "?";
}


void stats_call(struct stats *st, enum stats_status s, uint32_t dur_s)
{
	if (!st || (unsigned)s >= STATS_STATUS_COUNT)
		return;

	++st->calls[s];

	if (s != STATS_ANSWERED)
		return;

	if (dur_s < 10)
		++st->duration[STATS_DUR_10S];
	else if (dur_s < 60)
		++st->duration[STATS_DUR_1M];
	else if (dur_s < 300)
		++st->duration[STATS_DUR_5M];
	else if (dur_s < 1800)
		++st->duration[STATS_DUR_30M];
	else
		++st->duration[STATS_DUR_LONG];
}


/* a short plain word (opus, PCMU, dtls_srtp), else "other" */
static const char *plain(const char *name)
{
	size_t i, n = name ? strlen(name) : 0;

	if (n == 0)
		return "none";
	if (n >= STATS_NAME_LEN)
		return "other";

	for (i = 0; i < n; ++i) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9' && i > 0) || c == '_' ||
		      c == '-' || c == '.'))
			return "other";
	}

	return name;
}


static void named_add(struct stats_named *v, const char *name, uint64_t n)
{
	size_t i;

	name = plain(name);

	for (i = 0; i < STATS_NAMES; ++i) {
		if (!v[i].name[0] || !strcmp(v[i].name, name))
			break;
	}

	/* full: the last slot collects the rest */
	if (i == STATS_NAMES) {
		i = STATS_NAMES - 1;
		(void)snprintf(v[i].name, sizeof(v[i].name), "other");
	}
	else if (!v[i].name[0]) {
		(void)snprintf(v[i].name, sizeof(v[i].name), "%s", name);
	}

	v[i].n += n;
}


void stats_codec(struct stats *st, const char *name)
{
	if (st)
		named_add(st->codec, name, 1);
}


void stats_encryption(struct stats *st, const char *name)
{
	if (st)
		named_add(st->enc, name, 1);
}


static void code_add(struct stats *st, uint16_t code, uint64_t n)
{
	size_t i;

	if (code > 699)
		code = 0;

	for (i = 0; i < STATS_CODES; ++i) {
		if (!st->regfail[i].n || st->regfail[i].code == code)
			break;
	}
	if (i == STATS_CODES)
		i = STATS_CODES - 1;

	st->regfail[i].code = code;
	st->regfail[i].n += n;
}


void stats_regfail(struct stats *st, uint16_t code)
{
	if (st)
		code_add(st, code, 1);
}


void stats_merge(struct stats *dst, const struct stats *src)
{
	size_t i;

	for (i = 0; i < STATS_STATUS_COUNT; ++i)
		dst->calls[i] += src->calls[i];
	for (i = 0; i < STATS_DUR_COUNT; ++i)
		dst->duration[i] += src->duration[i];
	for (i = 0; i < STATS_NAMES; ++i) {
		if (src->codec[i].n)
			named_add(dst->codec, src->codec[i].name,
				  src->codec[i].n);
		if (src->enc[i].n)
			named_add(dst->enc, src->enc[i].name, src->enc[i].n);
	}
	for (i = 0; i < STATS_CODES; ++i) {
		if (src->regfail[i].n)
			code_add(dst, src->regfail[i].code,
				 src->regfail[i].n);
	}
	dst->crashes += src->crashes;
}


bool stats_empty(const struct stats *st)
{
	static const struct stats zero;

	return !memcmp(st, &zero, sizeof(zero));
}


static int add_obj(struct odict *o, const char *key, struct odict **cp)
{
	int err = odict_alloc(cp, 8);

	if (err)
		return err;

	err = odict_entry_add(o, key, ODICT_OBJECT, *cp);
	mem_deref(*cp);

	return err;
}


static int add_u(struct odict *o, const char *key, uint64_t v)
{
	return odict_entry_add(o, key, ODICT_INT, (int64_t)v);
}


int stats_to_json(const struct stats *st, char **jsonp)
{
	struct odict *od, *calls, *dur, *codec, *enc, *reg;
	char *s = NULL;
	size_t i;
	int err;

	if (!st || !jsonp)
		return EINVAL;

	err = odict_alloc(&od, 8);
	if (err)
		return err;

	err  = add_obj(od, "calls", &calls);
	err |= add_obj(od, "duration", &dur);
	err |= add_obj(od, "codecs", &codec);
	err |= add_obj(od, "encryption", &enc);
	err |= add_obj(od, "register_failures", &reg);
	if (err)
		goto out;

	for (i = 0; i < STATS_STATUS_COUNT; ++i)
		err |= add_u(calls, status_names[i], st->calls[i]);
	for (i = 0; i < STATS_DUR_COUNT; ++i)
		err |= add_u(dur, dur_names[i], st->duration[i]);
	for (i = 0; i < STATS_NAMES; ++i) {
		if (st->codec[i].n)
			err |= add_u(codec, st->codec[i].name,
				     st->codec[i].n);
		if (st->enc[i].n)
			err |= add_u(enc, st->enc[i].name, st->enc[i].n);
	}
	for (i = 0; i < STATS_CODES; ++i) {
		char code[8];

		if (!st->regfail[i].n)
			continue;
		if (st->regfail[i].code)
			(void)snprintf(code, sizeof(code), "%u",
				       st->regfail[i].code);
		else
			(void)snprintf(code, sizeof(code), "none");
		err |= add_u(reg, code, st->regfail[i].n);
	}
	err |= add_u(od, "crashes", st->crashes);

	if (!err)
		err = re_sdprintf(&s, "%H", json_encode_odict, od);
	if (!err) {
		*jsonp = strdup(s);
		if (!*jsonp)
			err = ENOMEM;
	}

 out:
	mem_deref(s);
	mem_deref(od);

	return err;
}


static bool entry_u(const struct odict_entry *e, uint64_t *v)
{
	if (oent_type(e) != ODICT_INT || oent_int(e) < 0)
		return false;

	*v = (uint64_t)oent_int(e);

	return true;
}


static const struct odict *sub(const struct odict *o, const char *key)
{
	const struct odict_entry *e = odict_lookup(o, key);

	return e && oent_type(e) == ODICT_OBJECT ? oent_odict(e) : NULL;
}


int stats_from_json(const char *json, size_t len, struct stats *st)
{
	const struct odict *o;
	struct odict *od = NULL;
	struct le *le;
	uint64_t v;
	size_t i;
	int err;

	memset(st, 0, sizeof(*st));

	err = json_decode_odict(&od, 16, json, len, 4);
	if (err)
		return EBADMSG;

	o = sub(od, "calls");
	for (i = 0; o && i < STATS_STATUS_COUNT; ++i) {
		const struct odict_entry *e = odict_lookup(o,
							   status_names[i]);
		if (e && entry_u(e, &v))
			st->calls[i] = v;
	}

	o = sub(od, "duration");
	for (i = 0; o && i < STATS_DUR_COUNT; ++i) {
		const struct odict_entry *e = odict_lookup(o, dur_names[i]);
		if (e && entry_u(e, &v))
			st->duration[i] = v;
	}

	o = sub(od, "codecs");
	for (le = o ? o->lst.head : NULL; le; le = le->next) {
		const struct odict_entry *e = le->data;
		if (entry_u(e, &v))
			named_add(st->codec, oent_key(e), v);
	}

	o = sub(od, "encryption");
	for (le = o ? o->lst.head : NULL; le; le = le->next) {
		const struct odict_entry *e = le->data;
		if (entry_u(e, &v))
			named_add(st->enc, oent_key(e), v);
	}

	o = sub(od, "register_failures");
	for (le = o ? o->lst.head : NULL; le; le = le->next) {
		const struct odict_entry *e = le->data;
		if (entry_u(e, &v))
			code_add(st, (uint16_t)atoi(oent_key(e)), v);
	}

	{
		const struct odict_entry *e = odict_lookup(od, "crashes");
		if (e && entry_u(e, &v))
			st->crashes = v;
	}

	mem_deref(od);

	return 0;
}


int stats_load(const char *crashdir, struct stats *st)
{
	char path[4200];
	uint8_t *buf = NULL;
	size_t len;
	int err;

	memset(st, 0, sizeof(*st));

	if (fio_path(path, sizeof(path), crashdir, STATS_FILE))
		return ENAMETOOLONG;

	err = fio_read_all(path, &buf, &len, 64 * 1024);
	if (err == ENOENT)
		return 0;
	if (err)
		return err == EFBIG ? EBADMSG : err;

	err = stats_from_json((char *)buf, len, st);
	free(buf);

	return err;
}


int stats_save(const char *crashdir, const struct stats *st)
{
	char path[4200];
	char *json = NULL;
	int err;

	if (fio_path(path, sizeof(path), crashdir, STATS_FILE))
		return ENAMETOOLONG;

	err = stats_to_json(st, &json);
	if (err)
		return err;

	err = fio_write_atomic(path, json, strlen(json), 0600);
	free(json);

	return err;
}


int stats_add(const char *crashdir, const struct stats *delta)
{
	struct stats st;
	int err;

	if (stats_empty(delta))
		return 0;

	err = stats_load(crashdir, &st);

	/* a broken file is kept aside as stats.json.bad and started anew */
	if (err == EBADMSG) {
		char path[4200], bad[4300];

		if (!fio_path(path, sizeof(path), crashdir, STATS_FILE)) {
			(void)snprintf(bad, sizeof(bad), "%s.bad", path);
			(void)rename(path, bad);
		}
		memset(&st, 0, sizeof(st));
	}
	else if (err) {
		return err;
	}

	stats_merge(&st, delta);

	return stats_save(crashdir, &st);
}
