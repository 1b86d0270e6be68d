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
 * libsecret and glib/gio are not linked: every call goes through the
 * table secretlib_get() fills on first use (secretlib.c), so a process
 * that never touches the keyring never maps them.  A missing libsecret
 * is one error naming the package; auto-detection then says "no keyring".
 *
 * A locked keyring: libsecret asks the Secret Service to unlock it, which
 * shows the desktop's unlock prompt where there is one (gcr-prompter);
 * when the prompt is dismissed or cannot be shown, the lookup returns
 * NULL without an error, exactly as for a deleted item, and storing fails
 * with "Cannot create an item in a locked collection".  So after either
 * failure we ask the service (Locked property of the default collection,
 * no prompt) and name a locked keyring as locked, with KEYSRC_ELOCKED.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "keysrc.h"
#include "secretlib.h"


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


static const char *bus_address(void)
{
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");

	/* without an address glib would try X11 autolaunch */
	return addr && *addr ? addr : NULL;
}


/* A private connection to the session bus at addr, or NULL */
static GDBusConnection *bus_open(const struct secretlib *sl,
				 const char *addr)
{
	GDBusConnection *bus;
	GError *gerr = NULL;

	if (!addr)
		return NULL;

	bus = sl->conn_new_sync(
		addr, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
		G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &gerr);
	sl->clear_error(&gerr);

	return bus;
}


static void bus_close(const struct secretlib *sl, GDBusConnection *bus)
{
	(void)sl->conn_close_sync(bus, NULL, NULL);
	sl->object_unref(bus);
}


static bool answers(const struct secretlib *sl, const char *addr)
{
	GDBusConnection *bus = bus_open(sl, addr);
	GVariant *ret;
	GError *gerr = NULL;
	gboolean owned = FALSE;

	if (!bus)
		return false;

	/* a GVariantType is its type string (G_VARIANT_TYPE without the
	 * check, which would be one more glib call) */
	ret = sl->conn_call_sync(
		bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		"org.freedesktop.DBus", "NameHasOwner",
		sl->variant_new("(s)", "org.freedesktop.secrets"),
		(const GVariantType *)"(b)", G_DBUS_CALL_FLAGS_NONE, 3000,
		NULL, &gerr);
	if (ret) {
		sl->variant_get(ret, "(b)", &owned);
		sl->variant_unref(ret);
	}
	sl->clear_error(&gerr);
	bus_close(sl, bus);

	return owned;
}


bool keyring_answers(void)
{
	const struct secretlib *sl;
	const char *addr = bus_address();

	/* no session bus: nothing to load */
	if (!addr)
		return false;

	if (secretlib_get(&sl, NULL, 0))
		return false;

	return answers(sl, addr);
}


/* Is the default collection locked?  Plain D-Bus calls: no prompt */
static bool default_locked(const struct secretlib *sl)
{
	GDBusConnection *bus = bus_open(sl, bus_address());
	const char *path = NULL;
	GVariant *ret, *val = NULL;
	GError *gerr = NULL;
	gboolean locked = FALSE;

	if (!bus)
		return false;

	ret = sl->conn_call_sync(
		bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
		"org.freedesktop.Secret.Service", "ReadAlias",
		sl->variant_new("(s)", "default"),
		(const GVariantType *)"(o)", G_DBUS_CALL_FLAGS_NONE, 3000,
		NULL, &gerr);
	sl->clear_error(&gerr);
	if (ret) {
		sl->variant_get(ret, "(&o)", &path);

		/* "/": no default collection */
		if (path && strcmp(path, "/")) {
			GVariant *prop = sl->conn_call_sync(
				bus, "org.freedesktop.secrets", path,
				"org.freedesktop.DBus.Properties", "Get",
				sl->variant_new("(ss)",
					"org.freedesktop.Secret.Collection",
					"Locked"),
				(const GVariantType *)"(v)",
				G_DBUS_CALL_FLAGS_NONE, 3000, NULL, &gerr);
			sl->clear_error(&gerr);
			if (prop) {
				sl->variant_get(prop, "(v)", &val);
				sl->variant_unref(prop);
			}
		}
		sl->variant_unref(ret);
	}

	if (val) {
		sl->variant_get(val, "b", &locked);
		sl->variant_unref(val);
	}

	bus_close(sl, bus);

	return locked;
}


static int locked_err(const char *what, char *errbuf, size_t errsz)
{
	(void)snprintf(errbuf, errsz, "the desktop keyring is locked (its"
		       " unlock prompt was dismissed or could not be shown),"
		       " so the vault key cannot be %s: unlock the keyring"
		       " (log in to the desktop, or unlock \"login\" in"
		       " Passwords and Keys) and try again, or, once it is"
		       " unlocked, stop depending on it with: octasip vault"
		       " rekey --to keyfile", what);

	return KEYSRC_ELOCKED;
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


/* libsecret loaded and a Secret Service answering, or an error line */
static int ready(const struct secretlib **slp, char *errbuf, size_t errsz)
{
	const char *addr = bus_address();
	int err;

	if (!addr)
		return absent(errbuf, errsz);

	err = secretlib_get(slp, errbuf, errsz);
	if (err)
		return err;

	if (!answers(*slp, addr))
		return absent(errbuf, errsz);

	return 0;
}


int keyring_store(const char *profile, const uint8_t *key,
		  char *errbuf, size_t errsz)
{
	char keyid[2 * VAULT_CHECK_LEN + 1], label[512];
	uint8_t check[VAULT_CHECK_LEN];
	const struct secretlib *sl;
	GError *gerr = NULL;
	char *b64;
	gboolean ok;
	int err;

	err = ready(&sl, errbuf, errsz);
	if (err)
		return err;

	b64 = sodium_malloc(B64_LEN);
	if (!b64)
		return ENOMEM;

	(void)sodium_bin2base64(b64, B64_LEN, key, VAULT_KEY_LEN,
				sodium_base64_VARIANT_ORIGINAL);
	vault_key_check(check, key);
	keyid_hex(keyid, check);
	(void)snprintf(label, sizeof(label), "OctaSIP vault key (%s)",
		       profile);

	ok = sl->password_store_sync(&schema, SECRET_COLLECTION_DEFAULT,
				     label, b64, NULL, &gerr,
				     "profile", profile, "keyid", keyid,
				     NULL);
	sodium_free(b64);

	if (!ok) {
		(void)snprintf(errbuf, errsz, "cannot store the vault key in"
			       " the keyring: %s",
			       gerr ? gerr->message : "unknown error");
		sl->clear_error(&gerr);
		return default_locked(sl) ? locked_err("stored", errbuf,
							errsz) : EIO;
	}

	return 0;
}


int keyring_lookup(const char *profile, const uint8_t *check,
		   uint8_t *key, char *errbuf, size_t errsz)
{
	char keyid[2 * VAULT_CHECK_LEN + 1];
	const struct secretlib *sl;
	GError *gerr = NULL;
	size_t n = 0;
	gchar *pw;
	int err;

	err = ready(&sl, errbuf, errsz);
	if (err)
		return err;

	keyid_hex(keyid, check);

	pw = sl->password_lookup_sync(&schema, NULL, &gerr,
				      "profile", profile, "keyid", keyid,
				      NULL);
	if (gerr) {
		(void)snprintf(errbuf, errsz, "cannot read the vault key"
			       " from the keyring: %s", gerr->message);
		sl->clear_error(&gerr);
		return EIO;
	}
	if (!pw && default_locked(sl))
		return locked_err("read", errbuf, errsz);
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

	sl->password_free(pw);    /* wipes it */

	return err;
}


void keyring_clear(const char *profile, const uint8_t *check)
{
	char keyid[2 * VAULT_CHECK_LEN + 1];
	const struct secretlib *sl;

	if (ready(&sl, NULL, 0))
		return;

	keyid_hex(keyid, check);
	(void)sl->password_clear_sync(&schema, NULL, NULL,
				      "profile", profile, "keyid", keyid,
				      NULL);
}
