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


static const struct profile_entry entries[] = {
	{PROFILE_CONFIG,      true,  true,  NULL},
	{".octasip-seed",     false, true,  NULL},
	{".modules",          false, true,  NULL},
	{PROFILE_SIP_TLS,     false, true,  NULL},
	{"run",               false, true,  NULL},   /* control socket */
	{PROFILE_ACCOUNTS,    true,  false, "accounts"},
	{PROFILE_CONTACTS,    true,  false, "contacts"},
	{PROFILE_CURRENT_CONTACT, true, false, "current_contact"},
	{PROFILE_VAULT,       true,  false, "vault"},
	{PROFILE_CALLLOG,     true,  false, "call_log"},
	{PROFILE_PERMISSIONS, true,  false, "permissions"},
	{PROFILE_CRASHDIR,    false, false, "crash"},
	{PROFILE_RECORDINGS,  false, false, "recordings"},
	{"uuid",              true,  false, "device"},
};


const struct profile_entry *profile_classify(const char *name)
{
	static const struct profile_entry other = {
		NULL, false, false, "other_files"
	};
	size_t i;

	for (i = 0; name && i < sizeof(entries) / sizeof(entries[0]); ++i) {

		const struct profile_entry *e = &entries[i];
		size_t n = strlen(e->name);

		if (e->prefix ? !strncmp(name, e->name, n) :
		    !strcmp(name, e->name))
			return e;
	}

	return &other;
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
