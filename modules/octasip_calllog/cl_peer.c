/**
 * @file cl_peer.c  How a peer URI is stored: as received, as a keyed
 *                  hash, or not at all (octasip_calllog_peer)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sodium.h>
#include "cl_db.h"


enum { HASH_LEN = 16 };


int cl_peer_mode_from_name(const char *name, enum cl_peer_mode *m)
{
	if (!name)
		return EINVAL;

	if (!strcmp(name, "full"))
		*m = CL_PEER_FULL;
	else if (!strcmp(name, "hash"))
		*m = CL_PEER_HASH;
	else if (!strcmp(name, "none"))
		*m = CL_PEER_NONE;
	else
		return EINVAL;

	return 0;
}


const char *cl_peer_mode_name(enum cl_peer_mode m)
{
	switch (m) {

	case CL_PEER_FULL: return "full";
	case CL_PEER_HASH: return "hash";
	case CL_PEER_NONE: return "none";
	default:           return "?";
	}
}


/*
 * The party a URI names, for hashing: without <>, URI parameters and
 * headers, host part in lower case.  "sip:Bob@Example.org;transport=tcp"
 * and "<sip:Bob@example.org>" hash alike.
 */
static size_t peer_canon(const char *uri, char *out, size_t sz)
{
	size_t n = 0;
	bool host = false;

	if (*uri == '<')
		++uri;

	for (; *uri && n + 1 < sz; ++uri) {

		char c = *uri;

		if (c == '>' || c == ';' || c == '?')
			break;
		if (c == '@')
			host = true;

		out[n++] = host ? (char)tolower((unsigned char)c) : c;
	}

	out[n] = '\0';

	return n;
}


int cl_peer_store(const uint8_t key[CLDB_HKEY_LEN], enum cl_peer_mode mode,
		  const char *uri, char *out, size_t sz)
{
	uint8_t h[HASH_LEN];
	char canon[CL_CAP_URI + 1];
	size_t n;

	if (!uri || mode == CL_PEER_NONE)
		return ENOENT;

	if (mode == CL_PEER_FULL) {
		if (strlen(uri) >= sz)
			return ENAMETOOLONG;
		memcpy(out, uri, strlen(uri) + 1);
		return 0;
	}

	if (sz < 2 + 2 * HASH_LEN + 1)
		return ENAMETOOLONG;

	n = peer_canon(uri, canon, sizeof(canon));
	(void)crypto_generichash(h, sizeof(h), (const uint8_t *)canon, n,
				 key, CLDB_HKEY_LEN);
	out[0] = 'h';
	out[1] = ':';
	(void)sodium_bin2hex(out + 2, sz - 2, h, sizeof(h));
	sodium_memzero(canon, sizeof(canon));

	return 0;
}
