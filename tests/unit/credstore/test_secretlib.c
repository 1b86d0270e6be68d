/**
 * @file test_secretlib.c  libsecret is loaded only when the keyring is
 *                         used (secretlib.c)
 *
 * The first test must run first: it proves that a keyfile vault and the
 * auto-detection without a session bus leave libsecret and gio unmapped
 * in this process (the core library used to link them).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "octasip_credstore/keysrc.h"
#include "octasip_credstore/secretlib.h"
#include "octasip_credstore/vault.h"
#include "../utest.h"


static char tmpdir[] = "/tmp/octasip-ut-sl-XXXXXX";
static char msg[1024];


static bool mapped(const char *needle)
{
	char line[1024];
	bool hit = false;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return true;   /* fails the "not mapped" checks loudly */

	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			hit = true;

	(void)fclose(f);

	return hit;
}


static void test_keyfile_vault_loads_nothing(void)
{
	struct keysrc_opt o;
	struct vault_hdr hdr;
	struct vault *v = NULL;
	uint8_t key[VAULT_KEY_LEN], key2[VAULT_KEY_LEN];
	char path[600];

	memset(&o, 0, sizeof(o));
	o.profile = tmpdir;
	o.pass_fd = -1;
	(void)snprintf(path, sizeof(path), "%s/vault", tmpdir);

	UT_EQ_INT(keysrc_new(KEYSRC_KEYFILE, &o, &hdr, key, msg,
			     sizeof(msg)), 0);
	UT_EQ_INT(keysrc_commit(KEYSRC_KEYFILE, &o, msg, sizeof(msg)), 0);
	UT_EQ_INT(vault_alloc(&v, &hdr, key), 0);
	UT_EQ_INT(vault_put(v, "sip:a@example.com", NULL, "", "pw"), 0);
	UT_EQ_INT(vault_save(v, path, false, msg, sizeof(msg)), 0);
	vault_free(v);
	v = NULL;

	UT_EQ_INT(vault_open(&v, path, keysrc_get, &o, msg, sizeof(msg)), 0);
	UT_CHECK(v != NULL);
	vault_free(v);

	/* auto-detection without a session bus: keyfile, nothing loaded */
	UT_EQ_INT(unsetenv("DBUS_SESSION_BUS_ADDRESS"), 0);
	UT_EQ_INT(keysrc_default(), KEYSRC_KEYFILE);

	/* a keyring lookup without a bus fails before loading anything */
	UT_EQ_INT(keyring_lookup(tmpdir, hdr.check, key2, msg, sizeof(msg)),
		  EHOSTDOWN);
	UT_CHECK(strstr(msg, "no Secret Service answers") != NULL);

	UT_CHECK(!mapped("libsecret-1"));
	UT_CHECK(!mapped("libgio-2.0"));
	UT_CHECK(!mapped("libglib-2.0"));

	sodium_memzero(key, sizeof(key));
}


static void test_missing_library(void)
{
	struct secretlib sl;

	memset(&sl, 0, sizeof(sl));
	msg[0] = '\0';
	UT_EQ_INT(secretlib_load("libsecret-1.so.999", &sl, msg, sizeof(msg)),
		  ENOENT);
	UT_CHECK(strstr(msg, "libsecret-1.so.999") != NULL);
	UT_CHECK(strstr(msg, "install the package libsecret-1-0") != NULL);
	UT_CHECK(strchr(msg, '\n') == NULL);
	UT_CHECK(sl.password_lookup_sync == NULL);
	UT_CHECK(!mapped("libsecret-1"));

	UT_EQ_INT(secretlib_load(NULL, &sl, msg, sizeof(msg)), EINVAL);
}


/* a library that loads but is not libsecret */
static void test_not_libsecret(void)
{
	struct secretlib sl;

	memset(&sl, 0, sizeof(sl));
	msg[0] = '\0';
	UT_EQ_INT(secretlib_load("libz.so.1", &sl, msg, sizeof(msg)),
		  ENOSYS);
	UT_CHECK(strstr(msg, "has no secret_password_store_sync") != NULL);
	UT_CHECK(strstr(msg, "install the package libsecret-1-0") != NULL);
	UT_CHECK(sl.password_store_sync == NULL);
}


/* the keyring's first use loads it, once, with every entry resolved */
static void test_loads_on_use(void)
{
	const struct secretlib *sl = NULL, *again = NULL;
	uint8_t key[VAULT_KEY_LEN], check[VAULT_CHECK_LEN];
	char addr[700];

	memset(check, 0, sizeof(check));

	/* a bus address nobody listens on: libsecret is loaded to ask */
	(void)snprintf(addr, sizeof(addr), "unix:path=%s/no-bus", tmpdir);
	UT_EQ_INT(setenv("DBUS_SESSION_BUS_ADDRESS", addr, 1), 0);
	UT_EQ_INT(keyring_lookup(tmpdir, check, key, msg, sizeof(msg)),
		  EHOSTDOWN);
	UT_CHECK(strstr(msg, "no Secret Service answers") != NULL);
	UT_CHECK(mapped("libsecret-1"));
	UT_CHECK(mapped("libgio-2.0"));
	UT_EQ_INT(keysrc_default(), KEYSRC_KEYFILE);
	(void)unsetenv("DBUS_SESSION_BUS_ADDRESS");

	UT_EQ_INT(secretlib_get(&sl, msg, sizeof(msg)), 0);
	UT_EQ_INT(secretlib_get(&again, msg, sizeof(msg)), 0);
	UT_CHECK(sl != NULL && sl == again);
	if (!sl)
		return;

	UT_CHECK(sl->password_store_sync && sl->password_lookup_sync &&
		 sl->password_clear_sync && sl->password_free);
	UT_CHECK(sl->conn_new_sync && sl->conn_call_sync &&
		 sl->conn_close_sync);
	UT_CHECK(sl->variant_new && sl->variant_get && sl->variant_unref);
	UT_CHECK(sl->clear_error && sl->object_unref);
}


int main(void)
{
	char cmd[600];
	int rc;

	if (sodium_init() < 0 || !mkdtemp(tmpdir))
		return 1;

	UT_RUN(test_keyfile_vault_loads_nothing);
	UT_RUN(test_missing_library);
	UT_RUN(test_not_libsecret);
	UT_RUN(test_loads_on_use);

	rc = ut_done();
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	(void)!system(cmd);

	return rc;
}
