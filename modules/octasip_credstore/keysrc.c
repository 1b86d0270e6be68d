/**
 * @file keysrc.c  Where the vault key lives: key file, systemd
 *                 credential, passphrase (Argon2id); keyring.c: libsecret
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "common/fileio.h"
#include "keysrc.h"
#include "common/olog.h"


/* Argon2id bounds accepted from a header (a forged header must not make
 * us allocate without limit before the AEAD can reject it) */
#define OPS_MIN  crypto_pwhash_argon2id_OPSLIMIT_MODERATE
#define MEM_MIN  crypto_pwhash_argon2id_MEMLIMIT_MODERATE
#define OPS_MAX  64ULL
#define MEM_MAX  (4ULL << 30)


static uint64_t now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);

	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}


/*
 * Passphrase input
 */

static int read_line(int fd, char *buf, size_t sz, size_t *np)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno;
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= sz)
			return EMSGSIZE;
		buf[n++] = c;
	}

	if (n && buf[n - 1] == '\r')
		--n;
	buf[n] = '\0';
	*np = n;

	return 0;
}


int passphrase_read(int fd, bool tty, const char *prompt, char *buf,
		    size_t sz, char *errbuf, size_t errsz)
{
	struct termios old, noecho;
	size_t n = 0;
	int tfd, err;

	if (fd >= 0) {
		err = read_line(fd, buf, sz, &n);
		if (err) {
			olog_errf(errbuf, errsz,
			     "cannot read the passphrase from"
			     " fd %d: %s", fd, strerror(err));
			return err;
		}
		goto check;
	}

	if (!tty) {
		olog_errf(errbuf, errsz, "the vault needs its passphrase: give"
		     " it on a terminal or with --passphrase-fd N");
		return EACCES;
	}

	tfd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (tfd < 0) {
		olog_errf(errbuf, errsz, "the vault needs its passphrase, but"
		     " there is no terminal; use --passphrase-fd N");
		return EACCES;
	}

	if (tcgetattr(tfd, &old) != 0) {
		err = errno;
		(void)close(tfd);
		olog_errf(errbuf, errsz,
		     "cannot prompt for the passphrase: %s",
		     strerror(err));
		return err;
	}

	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	noecho.c_lflag |= ICANON;
	(void)tcsetattr(tfd, TCSAFLUSH, &noecho);

	(void)!write(tfd, prompt, strlen(prompt));
	err = read_line(tfd, buf, sz, &n);
	(void)!write(tfd, "\n", 1);

	(void)tcsetattr(tfd, TCSAFLUSH, &old);
	(void)close(tfd);

	if (err) {
		olog_errf(errbuf, errsz, "cannot read the passphrase: %s",
		     strerror(err));
		return err;
	}

 check:
	if (n == 0) {
		olog_errf(errbuf, errsz, "empty passphrase");
		return EINVAL;
	}

	return 0;
}


static int kdf(const struct vault_hdr *hdr, const char *pass,
	       uint8_t *key, struct keysrc_opt *o, char *errbuf,
	       size_t errsz)
{
	uint64_t t0 = now_ms();

	if (hdr->kdf != VAULT_KDF_ARGON2ID13 ||
	    hdr->opslimit < OPS_MIN || hdr->opslimit > OPS_MAX ||
	    hdr->memlimit < MEM_MIN || hdr->memlimit > MEM_MAX) {
		olog_errf(errbuf, errsz,
		     "the vault's KDF parameters are out of"
		     " range (corrupt header?)");
		return EBADMSG;
	}

	if (crypto_pwhash(key, VAULT_KEY_LEN, pass, strlen(pass),
			  hdr->salt, hdr->opslimit, (size_t)hdr->memlimit,
			  crypto_pwhash_ALG_ARGON2ID13) != 0) {
		olog_errf(errbuf, errsz, "Argon2id failed (out of memory? it"
		     " needs %llu MiB)",
		     (unsigned long long)(hdr->memlimit >> 20));
		return ENOMEM;
	}

	if (o)
		o->kdf_ms += now_ms() - t0;

	return 0;
}


/*
 * Key file and systemd credential
 */

static int keyfile_path(const struct keysrc_opt *o, const char *suffix,
			char *buf, size_t sz)
{
	int n = snprintf(buf, sz, "%s/%s%s", o->profile, KEYFILE_NAME,
			 suffix);

	return (n < 0 || (size_t)n >= sz) ? ENAMETOOLONG : 0;
}


/* Reads a private file of at least minlen bytes into sodium memory */
static int secret_file(const char *path, const char *what, size_t minlen,
		       uint8_t **bufp, size_t *lenp, char *errbuf,
		       size_t errsz)
{
	uint8_t *raw = NULL, *buf;
	size_t len = 0;
	int err;

	err = vault_check_mode(path, what, errbuf, errsz);
	if (err)
		return err;

	err = fio_read_all(path, &raw, &len, 65536);
	if (err) {
		olog_errf(errbuf, errsz, "cannot read %s %s: %s", what, path,
		     strerror(err));
		return err;
	}

	if (len < minlen) {
		sodium_memzero(raw, len);
		free(raw);
		olog_errf(errbuf, errsz, "%s %s is too short (%zu bytes, needs"
		     " %zu)", what, path, len, minlen);
		return EBADMSG;
	}

	buf = sodium_malloc(len ? len : 1);
	if (buf)
		memcpy(buf, raw, len);
	sodium_memzero(raw, len);
	free(raw);
	if (!buf)
		return ENOMEM;

	*bufp = buf;
	*lenp = len;

	return 0;
}


static int keyfile_read(const char *path, uint8_t *key, char *errbuf,
			size_t errsz)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err;

	err = secret_file(path, "key file", VAULT_KEY_LEN, &buf, &len,
			  errbuf, errsz);
	if (err)
		return err;

	if (len != VAULT_KEY_LEN) {
		olog_errf(errbuf, errsz, "key file %s has %zu bytes, expected"
		     " %d", path, len, VAULT_KEY_LEN);
		err = EBADMSG;
	}
	else {
		memcpy(key, buf, VAULT_KEY_LEN);
	}

	sodium_free(buf);

	return err;
}


static int keyfile_get(const struct vault_hdr *hdr, uint8_t *key,
		       const struct keysrc_opt *o, char *errbuf,
		       size_t errsz)
{
	char path[4200], next[4200];
	uint8_t check[VAULT_CHECK_LEN];
	int err;

	if (keyfile_path(o, "", path, sizeof(path)) ||
	    keyfile_path(o, ".new", next, sizeof(next)))
		return ENAMETOOLONG;

	err = keyfile_read(path, key, errbuf, errsz);
	if (!err) {
		vault_key_check(check, key);
		if (!sodium_memcmp(check, hdr->check, sizeof(check)))
			return 0;
	}

	/* a rekey that stopped between saving the vault and renaming
	 * vault.key.new: the new key is the right one; finish the job */
	if (fio_exists(next) &&
	    keyfile_read(next, key, NULL, 0) == 0) {

		vault_key_check(check, key);
		if (!sodium_memcmp(check, hdr->check, sizeof(check))) {
			(void)rename(next, path);
			(void)fio_fsync_dir(path);
			return 0;
		}
	}

	return err;
}


static int systemd_path(const struct keysrc_opt *o, char *buf, size_t sz,
			char *errbuf, size_t errsz)
{
	const char *name = o->cred_name && *o->cred_name ?
		o->cred_name : KEYSRC_CRED_DEFAULT;
	int n;

	if (!o->cred_dir || !*o->cred_dir) {
		olog_errf(errbuf, errsz,
		     "the vault key is a systemd credential,"
		     " but $CREDENTIALS_DIRECTORY is not set (run baresip"
		     " as a service with LoadCredentialEncrypted=%s:...)",
		     name);
		return ENOENT;
	}

	n = snprintf(buf, sz, "%s/%s", o->cred_dir, name);

	return (n < 0 || (size_t)n >= sz) ? ENAMETOOLONG : 0;
}


static int systemd_get(uint8_t *key, const struct keysrc_opt *o,
		       char *errbuf, size_t errsz)
{
	static const char ctx[] = "octasip vault systemd credential v1";
	char path[4200];
	uint8_t *buf = NULL;
	size_t len = 0;
	int err;

	err = systemd_path(o, path, sizeof(path), errbuf, errsz);
	if (err)
		return err;

	err = secret_file(path, "credential", VAULT_KEY_LEN, &buf, &len,
			  errbuf, errsz);
	if (err)
		return err;

	(void)crypto_generichash(key, VAULT_KEY_LEN, buf, len,
				 (const uint8_t *)ctx, sizeof(ctx) - 1);
	sodium_free(buf);

	return 0;
}


int keysrc_get(const struct vault_hdr *hdr, uint8_t *key, char *errbuf,
	       size_t errsz, void *arg)
{
	struct keysrc_opt *o = arg;
	char *pass;
	int err;

	if (!hdr || !key || !o)
		return EINVAL;

	switch (hdr->keysrc) {

	case KEYSRC_KEYFILE:
		return keyfile_get(hdr, key, o, errbuf, errsz);

	case KEYSRC_SYSTEMD:
		return systemd_get(key, o, errbuf, errsz);

	case KEYSRC_KEYRING:
		return keyring_lookup(o->profile, hdr->check, key, errbuf,
				      errsz);

	case KEYSRC_PASSPHRASE:
		pass = sodium_malloc(PASSPHRASE_MAX);
		if (!pass)
			return ENOMEM;
		err = passphrase_read(o->pass_fd, o->pass_tty,
				      "Vault passphrase: ", pass,
				      PASSPHRASE_MAX, errbuf, errsz);
		if (!err)
			err = kdf(hdr, pass, key, o, errbuf, errsz);
		sodium_free(pass);
		return err;

	default:
		olog_errf(errbuf, errsz, "unknown key source %d", hdr->keysrc);
		return ENOTSUP;
	}
}


static int new_passphrase(const struct keysrc_opt *o, char *pass,
			  char *errbuf, size_t errsz)
{
	char *again;
	int err;

	err = passphrase_read(o->pass_fd, o->pass_tty,
			      "New vault passphrase: ", pass,
			      PASSPHRASE_MAX, errbuf, errsz);
	if (err || o->pass_fd >= 0)
		return err;

	again = sodium_malloc(PASSPHRASE_MAX);
	if (!again)
		return ENOMEM;

	err = passphrase_read(-1, true, "Repeat the passphrase: ", again,
			      PASSPHRASE_MAX, errbuf, errsz);
	if (!err && strcmp(pass, again)) {
		olog_errf(errbuf, errsz, "the passphrases do not match");
		err = EINVAL;
	}

	sodium_free(again);

	return err;
}


int keysrc_new(enum keysrc ks, const struct keysrc_opt *o,
	       struct vault_hdr *hdr, uint8_t *key, char *errbuf,
	       size_t errsz)
{
	char path[4200];
	char *pass;
	int err;

	if (!o || !hdr || !key)
		return EINVAL;

	if (sodium_init() < 0)
		return ENOSYS;

	memset(hdr, 0, sizeof(*hdr));
	hdr->version = VAULT_VERSION;
	hdr->keysrc = ks;
	hdr->kdf = VAULT_KDF_NONE;

	switch (ks) {

	case KEYSRC_KEYFILE:
		randombytes_buf(key, VAULT_KEY_LEN);
		if (keyfile_path(o, ".new", path, sizeof(path)))
			return ENAMETOOLONG;
		err = fio_write_atomic(path, key, VAULT_KEY_LEN, 0600);
		if (err)
			olog_errf(errbuf, errsz,
			     "cannot write key file %s: %s",
			     path, strerror(err));
		return err;

	case KEYSRC_KEYRING:
		randombytes_buf(key, VAULT_KEY_LEN);
		return keyring_store(o->profile, key, errbuf, errsz);

	case KEYSRC_SYSTEMD:
		return systemd_get(key, o, errbuf, errsz);

	case KEYSRC_PASSPHRASE:
		hdr->kdf = VAULT_KDF_ARGON2ID13;
		hdr->opslimit = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
		hdr->memlimit = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
		randombytes_buf(hdr->salt, sizeof(hdr->salt));

		pass = sodium_malloc(PASSPHRASE_MAX);
		if (!pass)
			return ENOMEM;
		err = new_passphrase(o, pass, errbuf, errsz);
		if (!err)
			err = kdf(hdr, pass, key, NULL, errbuf, errsz);
		sodium_free(pass);
		return err;

	default:
		olog_errf(errbuf, errsz, "unknown key source");
		return ENOTSUP;
	}
}


int keysrc_commit(enum keysrc ks, const struct keysrc_opt *o,
		  char *errbuf, size_t errsz)
{
	char path[4200], next[4200];

	if (ks != KEYSRC_KEYFILE)
		return 0;

	if (keyfile_path(o, "", path, sizeof(path)) ||
	    keyfile_path(o, ".new", next, sizeof(next)))
		return ENAMETOOLONG;

	if (rename(next, path) != 0) {
		int err = errno;

		olog_errf(errbuf, errsz, "cannot rename %s to %s: %s", next,
		     path, strerror(err));
		return err;
	}

	return fio_fsync_dir(path);
}


void keysrc_forget(enum keysrc old, const struct keysrc_opt *o,
		   const uint8_t *old_check, const uint8_t *new_check)
{
	char path[4200];

	if (!sodium_memcmp(old_check, new_check, VAULT_CHECK_LEN))
		return;

	if (old == KEYSRC_KEYRING)
		keyring_clear(o->profile, old_check);

	/* a keyfile rekey replaced vault.key in keysrc_commit; moving
	 * away from keyfile deletes it */
	if (old == KEYSRC_KEYFILE &&
	    keyfile_path(o, "", path, sizeof(path)) == 0) {
		uint8_t key[VAULT_KEY_LEN], check[VAULT_CHECK_LEN];

		if (keyfile_read(path, key, NULL, 0) == 0) {
			vault_key_check(check, key);
			if (!sodium_memcmp(check, old_check, sizeof(check)))
				(void)unlink(path);
			sodium_memzero(key, sizeof(key));
		}
	}
}


enum keysrc keysrc_default(void)
{
	return keyring_answers() ? KEYSRC_KEYRING : KEYSRC_KEYFILE;
}


void keysrc_describe(enum keysrc ks, const struct keysrc_opt *o,
		     char *buf, size_t sz)
{
	char path[4200];

	switch (ks) {

	case KEYSRC_KEYFILE:
		(void)keyfile_path(o, "", path, sizeof(path));
		(void)snprintf(buf, sz, "keyfile (%s; protects copies of"
			       " the profile, not against your own user)",
			       path);
		break;

	case KEYSRC_KEYRING:
		(void)snprintf(buf, sz, "keyring (desktop Secret Service)");
		break;

	case KEYSRC_SYSTEMD:
		(void)snprintf(buf, sz, "systemd (credential %s)",
			       o->cred_name && *o->cred_name ?
			       o->cred_name : KEYSRC_CRED_DEFAULT);
		break;

	case KEYSRC_PASSPHRASE:
		(void)snprintf(buf, sz, "passphrase (Argon2id)");
		break;

	default:
		(void)snprintf(buf, sz, "%s", keysrc_name(ks));
		break;
	}
}
