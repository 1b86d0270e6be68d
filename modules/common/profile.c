/**
 * @file profile.c  Where the OctaSIP profile directory is
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "profile.h"


static int put(char *buf, size_t sz, const char *a, const char *b)
{
	int n = snprintf(buf, sz, "%s%s", a, b);

	if (n < 0 || (size_t)n >= sz)
		return ENAMETOOLONG;

	return 0;
}


int profile_resolve(char *buf, size_t sz, const char *explicit_dir)
{
	const char *env;

	if (!buf || !sz)
		return EINVAL;

	if (explicit_dir && *explicit_dir)
		return put(buf, sz, explicit_dir, "");

	env = getenv("OCTASIP_HOME");
	if (env && *env)
		return put(buf, sz, env, "");

	env = getenv("XDG_CONFIG_HOME");
	if (env && *env)
		return put(buf, sz, env, "/octasip");

	env = getenv("HOME");
	if (env && *env)
		return put(buf, sz, env, "/.config/octasip");

	return ENOENT;
}
