/**
 * @file secretlib.c  dlopen() of libsecret for keyring.c (see secretlib.h)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "secretlib.h"


static struct {
	struct secretlib sl;
	bool loaded;
} d;


/* dlsym() through the handle: the library, then its dependencies */
static bool resolve(void *h, const char *name, void *fpp)
{
	void *p;

	(void)dlerror();
	p = dlsym(h, name);
	if (!p)
		return false;

	/* POSIX: a function pointer and void * have the same size */
	memcpy(fpp, &p, sizeof(p));

	return true;
}


int secretlib_load(const char *soname, struct secretlib *sl,
		   char *errbuf, size_t errsz)
{
	static const struct {
		const char *name;
		size_t off;
	} syms[] = {
#define SYM(field, name) {name, offsetof(struct secretlib, field)}
		SYM(password_store_sync, "secret_password_store_sync"),
		SYM(password_lookup_sync, "secret_password_lookup_sync"),
		SYM(password_clear_sync, "secret_password_clear_sync"),
		SYM(password_free, "secret_password_free"),
		SYM(conn_new_sync, "g_dbus_connection_new_for_address_sync"),
		SYM(conn_call_sync, "g_dbus_connection_call_sync"),
		SYM(conn_close_sync, "g_dbus_connection_close_sync"),
		SYM(variant_new, "g_variant_new"),
		SYM(variant_get, "g_variant_get"),
		SYM(variant_unref, "g_variant_unref"),
		SYM(clear_error, "g_clear_error"),
		SYM(object_unref, "g_object_unref"),
#undef SYM
	};
	struct secretlib tmp;
	const char *why;
	void *h;
	size_t i;

	if (!soname || !sl)
		return EINVAL;

	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		why = dlerror();
		(void)snprintf(errbuf, errsz, "the desktop keyring needs %s,"
			       " which cannot be loaded (%s): install the"
			       " package %s", soname,
			       why ? why : "unknown error",
			       SECRETLIB_PACKAGE);
		return ENOENT;
	}

	memset(&tmp, 0, sizeof(tmp));
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {

		if (resolve(h, syms[i].name, (char *)&tmp + syms[i].off))
			continue;

		(void)snprintf(errbuf, errsz, "the desktop keyring needs %s,"
			       " but it has no %s (not libsecret, or too"
			       " old): install the package %s", soname,
			       syms[i].name, SECRETLIB_PACKAGE);
		(void)dlclose(h);
		return ENOSYS;
	}

	/* h stays open: the pointers in *sl point into it */
	*sl = tmp;

	return 0;
}


int secretlib_get(const struct secretlib **slp, char *errbuf, size_t errsz)
{
	int err;

	if (!slp)
		return EINVAL;

	if (!d.loaded) {
		err = secretlib_load(SECRETLIB_SONAME, &d.sl, errbuf, errsz);
		if (err)
			return err;
		d.loaded = true;
	}

	*slp = &d.sl;

	return 0;
}
