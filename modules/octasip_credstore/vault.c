/**
 * @file vault.c  The encrypted credential vault: format, open, save
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "common/fileio.h"
#include "vault.h"
#include "common/olog.h"


static const uint8_t magic[8] = {'O', 'C', 'T', 'V', 'A', 'U', 'L', 'T'};
static const char body_magic[4] = {'O', 'V', 'R', '1'};

#define OFF_VERSION 8
#define OFF_KEYSRC  9
#define OFF_KDF     10
#define OFF_FLAGS   11
#define OFF_OPS     12
#define OFF_MEM     20
#define OFF_SALT    28
#define OFF_NONCE   44
#define OFF_CHECK   68
#define OFF_CTLEN   84
#define CHECK_LEN   VAULT_CHECK_LEN
#define NONCE_LEN   crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN     crypto_aead_xchacha20poly1305_ietf_ABYTES


static const char *const ksnames[] = {
	"none", "keyring", "systemd", "passphrase", "keyfile"
};


const char *keysrc_name(enum keysrc ks)
{
	if ((unsigned)ks < sizeof(ksnames) / sizeof(ksnames[0]))
		return ksnames[ks];

	return "unknown";
}


int keysrc_from_name(const char *name, enum keysrc *ks)
{
	size_t i;

	if (!name || !ks)
		return EINVAL;

	for (i = 1; i < sizeof(ksnames) / sizeof(ksnames[0]); ++i) {
		if (!strcmp(name, ksnames[i])) {
			*ks = (enum keysrc)i;
			return 0;
		}
	}

	return ENOENT;
}


static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; ++i)
		p[i] = (uint8_t)(v >> (8 * i));
}


static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; ++i)
		p[i] = (uint8_t)(v >> (8 * i));
}


static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; --i)
		v = (v << 8) | p[i];

	return v;
}


static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; --i)
		v = (v << 8) | p[i];

	return v;
}


void vault_key_check(uint8_t *out, const uint8_t *key)
{
	static const char ctx[] = "octasip vault key check v1";

	(void)crypto_generichash(out, CHECK_LEN, (const uint8_t *)ctx,
				 sizeof(ctx) - 1, key, VAULT_KEY_LEN);
}


int vault_check_mode(const char *path, const char *what, char *errbuf,
		     size_t errsz)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		int err = errno;

		olog_errf(errbuf, errsz, "cannot read %s %s: %s", what, path,
		     strerror(err));
		return err;
	}

	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		olog_errf(errbuf, errsz, "%s %s is accessible by other users"
		     " (mode %04o); refusing to use it. Fix with:"
		     " chmod 600 %s", what, path,
		     (unsigned)(st.st_mode & 07777), path);
		return EPERM;
	}

	return 0;
}


static int grow(struct vault *v, size_t want)
{
	struct vault_rec *nv;

	if (want <= v->recsz)
		return 0;

	want = want < 8 ? 8 : want * 2;

	nv = sodium_allocarray(want, sizeof(*nv));
	if (!nv)
		return ENOMEM;

	memset(nv, 0, want * sizeof(*nv));
	if (v->recv) {
		memcpy(nv, v->recv, v->recc * sizeof(*nv));
		sodium_free(v->recv);    /* wipes the old copy */
	}

	v->recv  = nv;
	v->recsz = want;

	return 0;
}


int vault_alloc(struct vault **vp, const struct vault_hdr *hdr,
		const uint8_t *key)
{
	struct vault *v;

	if (!vp || !hdr || !key)
		return EINVAL;

	if (sodium_init() < 0)
		return ENOSYS;

	v = calloc(1, sizeof(*v));
	if (!v)
		return ENOMEM;

	v->hdr = *hdr;
	v->key = sodium_malloc(VAULT_KEY_LEN);
	if (!v->key) {
		free(v);
		return ENOMEM;
	}
	memcpy(v->key, key, VAULT_KEY_LEN);

	*vp = v;

	return 0;
}


void vault_free(struct vault *v)
{
	if (!v)
		return;

	sodium_free(v->key);
	sodium_free(v->recv);
	free(v);
}


static void hdr_encode(uint8_t *p, const struct vault_hdr *h,
		       const uint8_t *nonce, const uint8_t *check,
		       uint32_t ctlen)
{
	memset(p, 0, VAULT_HDR_LEN);
	memcpy(p, magic, sizeof(magic));
	p[OFF_VERSION] = VAULT_VERSION;
	p[OFF_KEYSRC]  = (uint8_t)h->keysrc;
	p[OFF_KDF]     = (uint8_t)h->kdf;
	p[OFF_FLAGS]   = 0;
	put_u64(p + OFF_OPS, h->opslimit);
	put_u64(p + OFF_MEM, h->memlimit);
	memcpy(p + OFF_SALT, h->salt, VAULT_SALT_LEN);
	memcpy(p + OFF_NONCE, nonce, NONCE_LEN);
	memcpy(p + OFF_CHECK, check, CHECK_LEN);
	put_u32(p + OFF_CTLEN, ctlen);
}


static int hdr_decode(const uint8_t *buf, size_t len, const char *name,
		      struct vault_hdr *h, char *errbuf, size_t errsz)
{
	uint32_t ctlen;

	if (len < sizeof(magic) || memcmp(buf, magic, sizeof(magic))) {
		olog_errf(errbuf, errsz,
		     "%s is not an OctaSIP vault (bad magic);"
		     " it was left as it is", name);
		return EBADMSG;
	}

	if (len < VAULT_HDR_LEN) {
		olog_errf(errbuf, errsz,
		     "%s is truncated (%zu bytes, the header"
		     " alone is %d); restore it from %s.bak", name, len,
		     VAULT_HDR_LEN, name);
		return EBADMSG;
	}

	if (buf[OFF_VERSION] > VAULT_VERSION) {
		olog_errf(errbuf, errsz,
		     "%s has vault format version %u, newer"
		     " than this OctaSIP reads (%d); upgrade OctaSIP", name,
		     buf[OFF_VERSION], VAULT_VERSION);
		return ENOTSUP;
	}

	if (buf[OFF_VERSION] == 0 || buf[OFF_FLAGS] != 0 ||
	    buf[OFF_KEYSRC] < KEYSRC_KEYRING ||
	    buf[OFF_KEYSRC] > KEYSRC_KEYFILE ||
	    buf[OFF_KDF] > VAULT_KDF_ARGON2ID13) {
		olog_errf(errbuf, errsz, "%s has a corrupt header; restore it"
		     " from %s.bak", name, name);
		return EBADMSG;
	}

	memset(h, 0, sizeof(*h));
	h->version  = buf[OFF_VERSION];
	h->keysrc   = (enum keysrc)buf[OFF_KEYSRC];
	h->kdf      = (enum vault_kdf)buf[OFF_KDF];
	h->opslimit = get_u64(buf + OFF_OPS);
	h->memlimit = get_u64(buf + OFF_MEM);
	memcpy(h->salt, buf + OFF_SALT, VAULT_SALT_LEN);
	memcpy(h->check, buf + OFF_CHECK, CHECK_LEN);

	ctlen = get_u32(buf + OFF_CTLEN);
	if (ctlen < TAG_LEN || (size_t)ctlen != len - VAULT_HDR_LEN) {
		olog_errf(errbuf, errsz, "%s is truncated or has trailing data"
		     " (%zu bytes, expected %zu); restore it from %s.bak",
		     name, len, (size_t)VAULT_HDR_LEN + ctlen, name);
		return EBADMSG;
	}

	return 0;
}


int vault_read_header(const char *path, struct vault_hdr *hdr,
		      char *errbuf, size_t errsz)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err;

	err = fio_read_all(path, &buf, &len, VAULT_MAX_FILE);
	if (err) {
		olog_errf(errbuf, errsz, "cannot read vault %s: %s", path,
		     strerror(err));
		return err;
	}

	err = hdr_decode(buf, len, path, hdr, errbuf, errsz);
	free(buf);

	return err;
}


static int get_str(const uint8_t **pp, const uint8_t *end, char *out,
		   size_t sz)
{
	const uint8_t *p = *pp;
	size_t n;

	if (end - p < 2)
		return EBADMSG;

	n = (size_t)p[0] | ((size_t)p[1] << 8);
	p += 2;
	if (n >= sz || (size_t)(end - p) < n || memchr(p, '\0', n))
		return EBADMSG;

	memcpy(out, p, n);
	out[n] = '\0';
	*pp = p + n;

	return 0;
}


static int body_decode(struct vault *v, const uint8_t *p, size_t len)
{
	const uint8_t *end = p + len;
	char key[VREC_AOR_MAX];
	uint32_t n, i;
	int err;

	if (len < 8 || memcmp(p, body_magic, sizeof(body_magic)))
		return EBADMSG;

	n = get_u32(p + 4);
	p += 8;

	if (n > len / 8)
		return EBADMSG;

	err = grow(v, n);
	if (err)
		return err;

	for (i = 0; i < n; ++i) {

		struct vault_rec *r = &v->recv[i];

		err  = get_str(&p, end, r->aor, sizeof(r->aor));
		err |= get_str(&p, end, r->user, sizeof(r->user));
		err |= get_str(&p, end, r->realm, sizeof(r->realm));
		err |= get_str(&p, end, r->secret, sizeof(r->secret));
		if (err || !r->aor[0])
			return EBADMSG;

		/* vault_put() stores the aor_key() form: anything else
		 * could never be found or removed again (fuzz_vault) */
		if (aor_key(r->aor, key, sizeof(key)) || strcmp(key, r->aor))
			return EBADMSG;

		v->recc = i + 1;
	}

	return p == end ? 0 : EBADMSG;
}


int vault_decode(struct vault **vp, const uint8_t *buf, size_t len,
		 const char *name, vault_key_h *keyh, void *arg,
		 char *errbuf, size_t errsz)
{
	struct vault_hdr hdr;
	struct vault *v = NULL;
	uint8_t *key = NULL, *pt = NULL;
	uint8_t check[CHECK_LEN];
	unsigned long long ptlen = 0;
	size_t ctlen;
	int err;

	if (!vp || !buf || !keyh)
		return EINVAL;

	if (sodium_init() < 0)
		return ENOSYS;

	err = hdr_decode(buf, len, name, &hdr, errbuf, errsz);
	if (err)
		return err;

	ctlen = len - VAULT_HDR_LEN;

	key = sodium_malloc(VAULT_KEY_LEN);
	pt  = sodium_malloc(ctlen);
	if (!key || !pt) {
		err = ENOMEM;
		goto out;
	}

	err = keyh(&hdr, key, errbuf, errsz, arg);
	if (err)
		goto out;

	vault_key_check(check, key);
	if (sodium_memcmp(check, buf + OFF_CHECK, CHECK_LEN)) {
		olog_errf(errbuf, errsz,
		     "cannot open %s: wrong %s (the key does"
		     " not match this vault)", name,
		     hdr.keysrc == KEYSRC_PASSPHRASE ? "passphrase" : "key");
		err = EKEYREJECTED;
		goto out;
	}

	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    pt, &ptlen, NULL, buf + VAULT_HDR_LEN, ctlen,
		    buf, VAULT_HDR_LEN, buf + OFF_NONCE, key) != 0) {
		olog_errf(errbuf, errsz, "cannot open %s: it was modified or"
		     " damaged (authentication failed); it was left as it"
		     " is: restore it from %s.bak", name, name);
		err = EBADMSG;
		goto out;
	}

	err = vault_alloc(&v, &hdr, key);
	if (err)
		goto out;

	err = body_decode(v, pt, (size_t)ptlen);
	if (err) {
		olog_errf(errbuf, errsz, "cannot open %s: malformed records",
		     name);
		vault_free(v);
		v = NULL;
		goto out;
	}

	*vp = v;

 out:
	sodium_free(key);
	sodium_free(pt);

	return err;
}


int vault_open(struct vault **vp, const char *path, vault_key_h *keyh,
	       void *arg, char *errbuf, size_t errsz)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err;

	err = vault_check_mode(path, "vault", errbuf, errsz);
	if (err)
		return err;

	err = fio_read_all(path, &buf, &len, VAULT_MAX_FILE);
	if (err == EFBIG) {
		olog_errf(errbuf, errsz, "vault %s is larger than %u bytes;"
		     " not an OctaSIP vault", path, VAULT_MAX_FILE);
		return err;
	}
	if (err) {
		olog_errf(errbuf, errsz, "cannot read vault %s: %s", path,
		     strerror(err));
		return err;
	}

	err = vault_decode(vp, buf, len, path, keyh, arg, errbuf, errsz);
	free(buf);   /* ciphertext only: nothing secret to wipe */

	return err;
}


static size_t body_len(const struct vault *v)
{
	size_t n = 8, i;

	for (i = 0; i < v->recc; ++i) {
		const struct vault_rec *r = &v->recv[i];

		n += 8 + strlen(r->aor) + strlen(r->user) +
			strlen(r->realm) + strlen(r->secret);
	}

	return n;
}


static uint8_t *put_str(uint8_t *p, const char *s)
{
	size_t n = strlen(s);

	p[0] = (uint8_t)(n & 0xff);
	p[1] = (uint8_t)(n >> 8);
	memcpy(p + 2, s, n);

	return p + 2 + n;
}


int vault_encode(const struct vault *v, uint8_t **bufp, size_t *lenp)
{
	uint8_t nonce[NONCE_LEN], check[CHECK_LEN];
	size_t plen, i, total;
	uint8_t *pt, *p, *out;
	unsigned long long clen = 0;

	if (!v || !bufp || !lenp)
		return EINVAL;

	plen = body_len(v);
	pt = sodium_malloc(plen);
	if (!pt)
		return ENOMEM;

	memcpy(pt, body_magic, sizeof(body_magic));
	put_u32(pt + 4, (uint32_t)v->recc);
	p = pt + 8;
	for (i = 0; i < v->recc; ++i) {
		p = put_str(p, v->recv[i].aor);
		p = put_str(p, v->recv[i].user);
		p = put_str(p, v->recv[i].realm);
		p = put_str(p, v->recv[i].secret);
	}

	total = VAULT_HDR_LEN + plen + TAG_LEN;
	out = malloc(total);
	if (!out) {
		sodium_free(pt);
		return ENOMEM;
	}

	randombytes_buf(nonce, sizeof(nonce));
	vault_key_check(check, v->key);
	hdr_encode(out, &v->hdr, nonce, check, (uint32_t)(plen + TAG_LEN));

	(void)crypto_aead_xchacha20poly1305_ietf_encrypt(
		out + VAULT_HDR_LEN, &clen, pt, plen, out, VAULT_HDR_LEN,
		NULL, nonce, v->key);

	sodium_free(pt);

	*bufp = out;
	*lenp = VAULT_HDR_LEN + (size_t)clen;

	return 0;
}


int vault_save(const struct vault *v, const char *path, bool keep_bak,
	       char *errbuf, size_t errsz)
{
	char bak[4200];
	uint8_t *buf = NULL, *old = NULL;
	size_t len = 0, olen = 0;
	int err;

	if (!v || !path)
		return EINVAL;

	if (snprintf(bak, sizeof(bak), "%s.bak", path) >= (int)sizeof(bak))
		return ENAMETOOLONG;

	err = vault_encode(v, &buf, &len);
	if (err) {
		olog_errf(errbuf, errsz, "cannot encrypt the vault: %s",
		     strerror(err));
		return err;
	}

	/* the previous vault becomes vault.bak (it is encrypted too) */
	if (keep_bak &&
	    fio_read_all(path, &old, &olen, VAULT_MAX_FILE) == 0) {

		err = fio_write_atomic(bak, old, olen, 0600);
		free(old);
		if (err) {
			olog_errf(errbuf, errsz, "cannot write %s: %s", bak,
			     strerror(err));
			goto out;
		}
	}

	err = fio_write_atomic(path, buf, len, 0600);
	if (err) {
		olog_errf(errbuf, errsz,
		     "cannot write vault %s: %s (the previous"
		     " vault is unchanged)", path, strerror(err));
		goto out;
	}

	/* without a previous vault, the backup is this one */
	if (!keep_bak) {
		err = fio_write_atomic(bak, buf, len, 0600);
		if (err)
			olog_errf(errbuf, errsz, "cannot write %s: %s", bak,
			     strerror(err));
	}

 out:
	free(buf);
	return err;
}


/*
 * AORs
 */

int aor_key(const char *aor, char *key, size_t sz)
{
	const char *p = aor, *e;
	size_t n;

	if (!aor || !key || !sz)
		return EINVAL;

	e = strchr(p, '<');
	if (e) {
		p = e + 1;
		e = strchr(p, '>');
		if (!e)
			e = p + strlen(p);
	}
	else {
		while (*p == ' ' || *p == '\t')
			++p;
		e = p + strlen(p);
	}

	/* up to the first uri parameter or header */
	for (n = 0; p + n < e; ++n) {
		if (p[n] == ';' || p[n] == '?' || p[n] == ' ' ||
		    p[n] == '\t' || p[n] == '\r' || p[n] == '\n')
			break;
	}

	if (n >= sz)
		return ENAMETOOLONG;

	memcpy(key, p, n);
	key[n] = '\0';

	return 0;
}


bool aor_equal(const char *a, const char *b)
{
	char ka[VREC_AOR_MAX], kb[VREC_AOR_MAX];

	if (aor_key(a, ka, sizeof(ka)) || aor_key(b, kb, sizeof(kb)))
		return false;

	return ka[0] && !strcasecmp(ka, kb);
}


const struct vault_rec *vault_find(const struct vault *v, const char *aor)
{
	size_t i;

	if (!v || !aor)
		return NULL;

	for (i = 0; i < v->recc; ++i) {
		if (aor_equal(v->recv[i].aor, aor))
			return &v->recv[i];
	}

	return NULL;
}


static int copy_field(char *dst, size_t sz, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= sz)
		return ENAMETOOLONG;

	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';

	return 0;
}


int vault_put(struct vault *v, const char *aor, const char *user,
	      const char *realm, const char *secret)
{
	struct vault_rec *r = NULL, tmp;
	char key[VREC_AOR_MAX];
	size_t i;
	int err;

	if (!v || !aor || !secret)
		return EINVAL;

	err = aor_key(aor, key, sizeof(key));
	if (err)
		return err;
	if (!key[0])
		return EINVAL;

	memset(&tmp, 0, sizeof(tmp));
	err  = copy_field(tmp.aor, sizeof(tmp.aor), key);
	err |= copy_field(tmp.user, sizeof(tmp.user), user);
	err |= copy_field(tmp.realm, sizeof(tmp.realm), realm);
	err |= copy_field(tmp.secret, sizeof(tmp.secret), secret);
	if (err) {
		sodium_memzero(&tmp, sizeof(tmp));
		return ENAMETOOLONG;
	}

	for (i = 0; i < v->recc; ++i) {
		if (aor_equal(v->recv[i].aor, key)) {
			r = &v->recv[i];
			break;
		}
	}

	if (!r) {
		err = grow(v, v->recc + 1);
		if (err) {
			sodium_memzero(&tmp, sizeof(tmp));
			return err;
		}
		r = &v->recv[v->recc++];
	}

	*r = tmp;
	sodium_memzero(&tmp, sizeof(tmp));

	return 0;
}


int vault_remove(struct vault *v, const char *aor)
{
	size_t i;

	if (!v || !aor)
		return EINVAL;

	for (i = 0; i < v->recc; ++i) {

		if (!aor_equal(v->recv[i].aor, aor))
			continue;

		memmove(&v->recv[i], &v->recv[i + 1],
			(v->recc - i - 1) * sizeof(v->recv[0]));
		--v->recc;
		sodium_memzero(&v->recv[v->recc], sizeof(v->recv[0]));

		return 0;
	}

	return ENOENT;
}


int vault_lock(const char *path, bool wait, int *fdp)
{
	char lp[4200];
	int fd, err = 0;

	if (!path || !fdp)
		return EINVAL;
	if (snprintf(lp, sizeof(lp), "%s.lock", path) >= (int)sizeof(lp))
		return ENAMETOOLONG;

	fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return errno;

	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB))) {
		if (errno != EINTR) {
			err = errno;
			break;
		}
	}
	if (err) {
		(void)close(fd);
		return err;
	}

	*fdp = fd;

	return 0;
}


void vault_unlock(int fd)
{
	if (fd >= 0)
		(void)close(fd);
}
