/**
 * @file keyring.c  The vault key in the desktop Secret Service (libsecret)
 *
 * The item's secret is the base64 of the 32-byte vault key.  Its lookup
 * attributes, which the Secret Service may keep unencrypted, are only the
 * profile path and the key id (hex of the vault's key check).  All calls
 * are synchronous D-Bus calls: the module makes them at init only.
 *
 * Before any libsecret call we ask the bus whether the well-known name
 * org.freedesktop.secrets has an owner, so a missing daemon is a clear
 * error instead of a D-Bus activation that may start a locked keyring.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libsecret/secret.h>
#include <sodium.h>
#include "keysrc.h"


static const SecretSchema schema = {
	"org.octasip.VaultKey", SECRET_SCHEMA_NONE,
	{
		{"profile", SECRET_SCHEMA_ATTRIBUTE_STRING},
		{"keyid", SECRET_SCHEMA_ATTRIBUTE_STRING},
		{NULL, 0},
	},
	0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

#define B64_LEN sodium_base64_ENCODED_LEN(VAULT_KEY_LEN, \
				      sodium_base64_VARIANT_ORIGINAL)


bool keyring_answers(void)
{
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
	GDBusConnection *bus;
	GVariant *ret;
	GError *gerr = NULL;
	gboolean owned = FALSE;

	/* without an address glib would try X11 autolaunch */
	if (!addr || !*addr)
		return false;

	bus = g_dbus_connection_new_for_address_sync(
		addr, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
		G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &gerr);
	if (!bus) {
		g_clear_error(&gerr);
		return false;
	}

	ret = g_dbus_connection_call_sync(
		bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		"org.freedesktop.DBus", "NameHasOwner",
		g_variant_new("(s)", "org.freedesktop.secrets"),
		G_VARIANT_TYPE("(b)"), G_DBUS_CALL_FLAGS_NONE, 3000, NULL,
		&gerr);
	if (ret) {
		g_variant_get(ret, "(b)", &owned);
		g_variant_unref(ret);
	}
	g_clear_error(&gerr);

	(void)g_dbus_connection_close_sync(bus, NULL, NULL);
	g_object_unref(bus);

	return owned;
}


static void keyid_hex(char *out, const uint8_t *check)
{
	(void)sodium_bin2hex(out, 2 * VAULT_CHECK_LEN + 1, check,
			     VAULT_CHECK_LEN);
}


static int absent(char *errbuf, size_t errsz)
{
	(void)snprintf(errbuf, errsz, "the vault key is in the desktop"
		       " keyring, but no Secret Service answers on the"
		       " session bus (start or unlock gnome-keyring,"
		       " KeePassXC or KWallet, or move the key with"
		       " 'octasip vault rekey')");
	return EHOSTDOWN;
}


int keyring_store(const char *profile, const uint8_t *key,
		  char *errbuf, size_t errsz)
{
	char keyid[2 * VAULT_CHECK_LEN + 1], label[512];
	uint8_t check[VAULT_CHECK_LEN];
	GError *gerr = NULL;
	char *b64;
	gboolean ok;

	if (!keyring_answers())
		return absent(errbuf, errsz);

	b64 = sodium_malloc(B64_LEN);
	if (!b64)
		return ENOMEM;

	(void)sodium_bin2base64(b64, B64_LEN, key, VAULT_KEY_LEN,
				sodium_base64_VARIANT_ORIGINAL);
	vault_key_check(check, key);
	keyid_hex(keyid, check);
	(void)snprintf(label, sizeof(label), "OctaSIP vault key (%s)",
		       profile);

	ok = secret_password_store_sync(&schema, SECRET_COLLECTION_DEFAULT,
					label, b64, NULL, &gerr,
					"profile", profile, "keyid", keyid,
					NULL);
	sodium_free(b64);

	if (!ok) {
		(void)snprintf(errbuf, errsz, "cannot store the vault key in"
			       " the keyring: %s",
			       gerr ? gerr->message : "unknown error");
		g_clear_error(&gerr);
		return EIO;
	}

	return 0;
}


int keyring_lookup(const char *profile, const uint8_t *check,
		   uint8_t *key, char *errbuf, size_t errsz)
{
	char keyid[2 * VAULT_CHECK_LEN + 1];
	GError *gerr = NULL;
	size_t n = 0;
	gchar *pw;
	int err = 0;

	if (!keyring_answers())
		return absent(errbuf, errsz);

	keyid_hex(keyid, check);

	pw = secret_password_lookup_sync(&schema, NULL, &gerr,
					 "profile", profile, "keyid", keyid,
					 NULL);
	if (gerr) {
		(void)snprintf(errbuf, errsz, "cannot read the vault key"
			       " from the keyring: %s", gerr->message);
		g_clear_error(&gerr);
		return EIO;
	}
	if (!pw) {
		(void)snprintf(errbuf, errsz, "the keyring has no OctaSIP"
			       " vault key for %s (key id %.16s); was the"
			       " item deleted?", profile, keyid);
		return ENOENT;
	}

	if (sodium_base642bin(key, VAULT_KEY_LEN, pw, strlen(pw), NULL, &n,
			      NULL, sodium_base64_VARIANT_ORIGINAL) ||
	    n != VAULT_KEY_LEN) {
		(void)snprintf(errbuf, errsz, "the keyring item for %s does"
			       " not hold an OctaSIP key", profile);
		err = EBADMSG;
	}

	secret_password_free(pw);    /* wipes it */

	return err;
}


void keyring_clear(const char *profile, const uint8_t *check)
{
	char keyid[2 * VAULT_CHECK_LEN + 1];

	if (!keyring_answers())
		return;

	keyid_hex(keyid, check);
	(void)secret_password_clear_sync(&schema, NULL, NULL,
					 "profile", profile, "keyid", keyid,
					 NULL);
}
