/**
 * @file secretlib.h  libsecret (and the glib/gio calls keyring.c makes),
 *                    loaded at run time
 *
 * octasip_credstore.so and the octasip tool do not link libsecret: a
 * keyfile, systemd or passphrase vault never maps libsecret, glib, gio
 * and gobject into baresip (about 2.8 MiB of RSS).  keyring.c asks for
 * this table only when the keyring source is used (a keyring vault, a
 * rekey to it, or the auto-detection at octasip init); the first call
 * dlopen()s libsecret-1.so.0 and resolves every entry through its
 * dependency tree, so glib/gio/gobject are the ones libsecret was built
 * against.  The library stays loaded (glib cannot be unloaded).
 *
 * The headers are used for the types only: each pointer has the type of
 * the function it replaces, so a changed prototype fails the build.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_SECRETLIB_H
#define OCTASIP_SECRETLIB_H

#include <stddef.h>
#include <libsecret/secret.h>

#define SECRETLIB_SONAME    "libsecret-1.so.0"
#define SECRETLIB_PACKAGE   "libsecret-1-0"

struct secretlib {
	/* libsecret */
	__typeof__(secret_password_store_sync) *password_store_sync;
	__typeof__(secret_password_lookup_sync) *password_lookup_sync;
	__typeof__(secret_password_clear_sync) *password_clear_sync;
	__typeof__(secret_password_free) *password_free;

	/* gio, glib, gobject (libsecret's dependencies) */
	__typeof__(g_dbus_connection_new_for_address_sync) *conn_new_sync;
	__typeof__(g_dbus_connection_call_sync) *conn_call_sync;
	__typeof__(g_dbus_connection_close_sync) *conn_close_sync;
	__typeof__(g_variant_new) *variant_new;
	__typeof__(g_variant_get) *variant_get;
	__typeof__(g_variant_unref) *variant_unref;
	__typeof__(g_clear_error) *clear_error;
	__typeof__(g_object_unref) *object_unref;
};

/*
 * The process-wide table, loading SECRETLIB_SONAME on the first call.
 * Returns 0, or ENOENT (cannot load) / ENOSYS (a symbol is missing) with
 * one line in errbuf naming the library and the package to install.
 */
int secretlib_get(const struct secretlib **slp, char *errbuf, size_t errsz);

/* Loads soname into *sl (no caching; for secretlib_get and the tests) */
int secretlib_load(const char *soname, struct secretlib *sl,
		   char *errbuf, size_t errsz);

#endif
