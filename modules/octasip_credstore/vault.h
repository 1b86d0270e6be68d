/**
 * @file vault.h  The encrypted credential vault (no baresip needed)
 *
 * One file, "vault", mode 0600.  Layout (all integers little endian):
 *
 *   off len  field
 *     0   8  magic "OCTVAULT"
 *     8   1  format version (VAULT_VERSION)
 *     9   1  key source (enum keysrc)
 *    10   1  KDF algorithm (0 none, 1 Argon2id v1.3)
 *    11   1  flags (0)
 *    12   8  KDF opslimit
 *    20   8  KDF memlimit (bytes)
 *    28  16  KDF salt
 *    44  24  XChaCha20-Poly1305 nonce (fresh for every write)
 *    68  16  key check: BLAKE2b-128 of the key (tells a wrong key from a
 *            tampered file; reveals nothing the ciphertext does not)
 *    84   4  ciphertext length (with the 16-byte tag)
 *    88   .  ciphertext
 *
 * The 88 header bytes are the AEAD's associated data, so any change to
 * them (source, KDF parameters, salt) makes the file fail to open.
 *
 * Plaintext body: "OVR1", u32 record count, then per record four
 * u16-length-prefixed strings: AOR, auth user, realm, secret.
 *
 * Records and the key live in sodium_malloc'd memory (guard pages,
 * mlock, MADV_DONTDUMP) and are wiped when freed.  A failed open never
 * writes or deletes anything.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_VAULT_H
#define OCTASIP_VAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VAULT_VERSION    1
#define VAULT_HDR_LEN    88
#define VAULT_KEY_LEN    32
#define VAULT_SALT_LEN   16
#define VAULT_CHECK_LEN  16
#define VAULT_MAX_FILE   (1u << 20)

#define VREC_AOR_MAX     256
#define VREC_USER_MAX    128
#define VREC_REALM_MAX   128
#define VREC_SECRET_MAX  128

enum keysrc {
	KEYSRC_NONE = 0,
	KEYSRC_KEYRING = 1,
	KEYSRC_SYSTEMD = 2,
	KEYSRC_PASSPHRASE = 3,
	KEYSRC_KEYFILE = 4,
};

enum vault_kdf {
	VAULT_KDF_NONE = 0,
	VAULT_KDF_ARGON2ID13 = 1,
};

struct vault_hdr {
	uint8_t version;
	enum keysrc keysrc;
	enum vault_kdf kdf;
	uint64_t opslimit;
	uint64_t memlimit;
	uint8_t salt[VAULT_SALT_LEN];
	uint8_t check[VAULT_CHECK_LEN];  /* read from a file; else unset */
};

/* One account's credentials; NUL-terminated strings, "" if unset */
struct vault_rec {
	char aor[VREC_AOR_MAX];
	char user[VREC_USER_MAX];
	char realm[VREC_REALM_MAX];
	char secret[VREC_SECRET_MAX];
};

struct vault {
	struct vault_hdr hdr;
	uint8_t *key;              /* sodium_malloc'd, VAULT_KEY_LEN   */
	struct vault_rec *recv;    /* sodium_allocarray'd               */
	size_t recc;
	size_t recsz;              /* allocated slots                   */
};

/*
 * Gets the key for a vault whose header is hdr (passphrase sources derive
 * it with the header's salt and parameters).  Writes VAULT_KEY_LEN bytes
 * to key; on failure returns an errno and a one-line reason in errbuf.
 */
typedef int (vault_key_h)(const struct vault_hdr *hdr, uint8_t *key,
			  char *errbuf, size_t errsz, void *arg);

/* BLAKE2b-128 of the key: the header's key check */
void vault_key_check(uint8_t *out, const uint8_t *key);

const char *keysrc_name(enum keysrc ks);
int keysrc_from_name(const char *name, enum keysrc *ks);

int  vault_alloc(struct vault **vp, const struct vault_hdr *hdr,
		 const uint8_t *key);
void vault_free(struct vault *v);

int vault_read_header(const char *path, struct vault_hdr *hdr,
		      char *errbuf, size_t errsz);
int vault_open(struct vault **vp, const char *path, vault_key_h *keyh,
	       void *arg, char *errbuf, size_t errsz);
int vault_decode(struct vault **vp, const uint8_t *buf, size_t len,
		 const char *name, vault_key_h *keyh, void *arg,
		 char *errbuf, size_t errsz);
int vault_encode(const struct vault *v, uint8_t **bufp, size_t *lenp);
int vault_save(const struct vault *v, const char *path, bool keep_bak,
	       char *errbuf, size_t errsz);

/*
 * The vault's lock, <path>.lock (flock): taken before the vault is read
 * to be written back, by the octasip tool and by the credstore module
 * alike, so that neither loses a change the other made in between.
 * wait: block until it is free, else EWOULDBLOCK.  0 and *fdp, or errno
 * (ENOENT: no profile directory, nothing to lock).  Closing the
 * descriptor (vault_unlock(), or the process's end) releases it.
 */
int  vault_lock(const char *path, bool wait, int *fdp);
void vault_unlock(int fd);

const struct vault_rec *vault_find(const struct vault *v, const char *aor);
int vault_put(struct vault *v, const char *aor, const char *user,
	      const char *realm, const char *secret);
int vault_remove(struct vault *v, const char *aor);

/* The part of an AOR that identifies the account: scheme:user@host[:port]
 * without display name, brackets or parameters.  0 or ENAMETOOLONG. */
int aor_key(const char *aor, char *key, size_t sz);
bool aor_equal(const char *a, const char *b);

/* Refuse a group- or world-accessible file: EPERM and a fix in errbuf */
int vault_check_mode(const char *path, const char *what, char *errbuf,
		     size_t errsz);

#endif
