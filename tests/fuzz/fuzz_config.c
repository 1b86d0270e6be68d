/**
 * @file fuzz_config.c  libFuzzer harness for config files and values
 *
 * Input: KEY NUL VALUE NUL TEXT (missing parts are empty).  TEXT is a
 * baresip-style config file, read and edited with cfgedit
 * (cfg_get/cfg_set/cfg_remove/cfg_replace_block); the value of every
 * line's first token, and VALUE, go through each parser OctaSIP applies
 * to its config values (fraud guard lists and numbers, encryption
 * policy, vault key source).
 *
 * Checks, for any input: no memory error (ASan/UBSan); for a plain key
 * and value, cfg_set() then cfg_get() gives the value back and
 * cfg_remove() leaves no line for the key; values that parse land in
 * their documented range.
 *
 * Build and run: scripts/fuzz [SECONDS] config
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/cfgedit.h"
#include "octasip_policy/encpolicy.h"
#include "octasip_policy/fraud.h"
#include "octasip_policy/numnorm.h"
#include "octasip_credstore/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static bool plain(const char *s)
{
	if (!*s || *s == '#')
		return false;
	for (; *s; s++) {
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:/+-,",
			    *s))
			return false;
	}

	return true;
}


static void values(const char *v)
{
	static struct fraud_list l;
	struct fraud_cfg cfg;
	enum enc_mode m;
	enum keysrc ks;
	struct numplan np;
	struct numnorm n;
	char out[300], err[128];
	size_t i;

	if (0 == fraud_list_parse(&l, v, err, sizeof(err))) {
		if (l.n > FRAUD_LIST_MAX)
			abort();
		for (i = 0; i < l.n; i++) {
			if (!memchr(l.v[i], '\0', FRAUD_NUM_MAX))
				abort();
		}
	}

	fraud_cfg_defaults(&cfg);
	np.cc = cfg.cc;
	np.intl = cfg.intl;
	np.trunk = cfg.trunk;
	if (0 == numnorm_uri_number(&np, v, &n) &&
	    (!memchr(n.num, '\0', sizeof(n.num)) || !n.num[0]))
		abort();
	if (0 == numnorm_key(&np, v, out, sizeof(out)) &&
	    !memchr(out, '\0', sizeof(out)))
		abort();

	if (0 == enc_mode_from_str(v, &m) && m > ENC_REQUIRED)
		abort();
	(void)enc_call_allowed(ENC_REQUIRED, v);

	if (0 == keysrc_from_name(v, &ks) &&
	    (ks < KEYSRC_KEYRING || ks > KEYSRC_KEYFILE))
		abort();
}


static void edits(const char *text, const char *key, const char *value)
{
	char *out = NULL, *out2 = NULL, val[1024];

	if (0 == cfg_set(text, key, value, &out)) {
		if (plain(key) && plain(value)) {
			if (cfg_get(out, key, val, sizeof(val)) ||
			    strcmp(val, value))
				abort();   /* set, but reads back otherwise */
		}
		if (0 == cfg_remove(out, key, NULL, &out2)) {
			if (plain(key) &&
			    ENOENT != cfg_get(out2, key, val, sizeof(val)))
				abort();   /* removed, but still there */
			free(out2);
		}
		free(out);
	}

	if (0 == cfg_remove(text, key, value, &out))
		free(out);

	if (0 == cfg_replace_block(text, key, value, "# block\n", &out))
		free(out);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 3), *key, *value, *text, *p;
	char val[512];

	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = buf[size + 2] = '\0';

	key = buf;
	value = key + strlen(key) + 1;
	if (value > buf + size)
		value = buf + size + 1;
	text = value + strlen(value) + 1;
	if (text > buf + size + 1)
		text = buf + size + 2;

	values(value);
	if (0 == cfg_get(text, key, val, sizeof(val)))
		values(val);
	edits(text, key, value);

	/* every line's value, looked up by the line's first token */
	for (p = text; *p;) {
		char *eol = strchr(p, '\n'), k[64];
		size_t n = strcspn(p, " \t\r\n");

		if (n && n < sizeof(k)) {
			memcpy(k, p, n);
			k[n] = '\0';
			if (0 == cfg_get(text, k, val, sizeof(val)))
				values(val);
		}
		if (!eol)
			break;
		p = eol + 1;
	}

	free(buf);

	return 0;
}
