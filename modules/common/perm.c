/**
 * @file perm.c  The permissions file: reading it (shared by all modules)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
