/**
 * @file keysrc.h  Where the vault key lives (no baresip needed)
 *
 *   keyring     a random key in the desktop Secret Service (libsecret);
 *               the secret is the key, the attributes are the profile
 *               path and a key id (not secret)
 *   systemd     BLAKE2b-256 of the credential file
 *               $CREDENTIALS_DIRECTORY/<name> (LoadCredentialEncrypted=)
 *   passphrase  Argon2id (libsodium MODERATE: 3 passes, 256 MiB) of a
 *               passphrase read from a file descriptor or a no-echo
 *               terminal prompt; never from argv or the environment
 *   keyfile     a random 32-byte key in <profile>/vault.key, mode 0600
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_KEYSRC_H
#define OCTASIP_KEYSRC_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vault.h"

#define KEYFILE_NAME         "vault.key"
#define KEYSRC_CRED_DEFAULT  "octasip-vault-key"
#define PASSPHRASE_MAX       1024

struct keysrc_opt {
	const char *profile;     /* profile directory (absolute)        */
	const char *cred_dir;    /* $CREDENTIALS_DIRECTORY or NULL       */
	const char *cred_name;   /* systemd credential name or NULL      */
	int pass_fd;             /* passphrase from this fd, or -1       */
	bool pass_tty;           /* may prompt on /dev/tty               */
	uint64_t kdf_ms;         /* out: time spent in the KDF (ms)      */
};

/* vault_key_h for vault_open(); arg is a struct keysrc_opt */
int keysrc_get(const struct vault_hdr *hdr, uint8_t *key, char *errbuf,
	       size_t errsz, void *arg);

/*
 * New key material for source ks: fills hdr (source, KDF, salt) and key,
 * and stores the key where the source keeps it (keyring item, vault.key.new
 * for keyfile; see keysrc_commit).  Passphrase: asked twice on a terminal.
 */
int keysrc_new(enum keysrc ks, const struct keysrc_opt *o,
	       struct vault_hdr *hdr, uint8_t *key, char *errbuf,
	       size_t errsz);

/* After the vault is saved with a new key: make it the current one */
int keysrc_commit(enum keysrc ks, const struct keysrc_opt *o,
		  char *errbuf, size_t errsz);

/* After a rekey away from old: delete the old key material */
void keysrc_forget(enum keysrc old, const struct keysrc_opt *o,
		   const uint8_t *old_check, const uint8_t *new_check);

/* keyring if a Secret Service answers on the session bus, else keyfile */
enum keysrc keysrc_default(void);

/* One-line description of where the key is, e.g. the key file path */
void keysrc_describe(enum keysrc ks, const struct keysrc_opt *o,
		     char *buf, size_t sz);

/* Reads one line (no newline) into buf (sodium memory, size sz) */
int passphrase_read(int fd, bool tty, const char *prompt, char *buf,
		    size_t sz, char *errbuf, size_t errsz);

/* keyring.c (libsecret) */

/* The keyring is locked (prompt dismissed or no prompter): the key may
 * well be there.  Callers say "locked", never "missing". */
#define KEYSRC_ELOCKED ENOKEY

bool keyring_answers(void);
int keyring_store(const char *profile, const uint8_t *key,
		  char *errbuf, size_t errsz);
int keyring_lookup(const char *profile, const uint8_t *check,
		   uint8_t *key, char *errbuf, size_t errsz);
void keyring_clear(const char *profile, const uint8_t *check);

#endif
