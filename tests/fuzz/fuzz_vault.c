/**
 * @file fuzz_vault.c  libFuzzer harness for the vault format
 *
 * The first input byte picks what the rest is:
 *   even: a whole vault file, opened with vault_decode() and a fixed key
 *         (header, lengths, key check, authentication);
 *   odd:  a plaintext body, which the harness encrypts under a valid
 *         header with the fixed key, so the record parser behind the
 *         AEAD is reached too.
 * Checks, for any input: no memory error (ASan/UBSan); a failure leaves
 * no vault and gives a reason; a vault that opens, encoded again with
 * vault_encode(), opens to the same records.
 *
 * Build and run: scripts/fuzz [SECONDS] vault
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "octasip_credstore/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OFF_NONCE  44
#define OFF_CTLEN  84
#define TAG_LEN    crypto_aead_xchacha20poly1305_ietf_ABYTES

static const uint8_t fixed_key[VAULT_KEY_LEN] = {
	0x4f, 0x63, 0x74, 0x61, 0x53, 0x49, 0x50, 0x20,
	0x66, 0x75, 0x7a, 0x7a, 0x20, 0x6b, 0x65, 0x79,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};


static int key_h(const struct vault_hdr *hdr, uint8_t *key, char *errbuf,
		 size_t errsz, void *arg)
{
	(void)hdr;
	(void)errbuf;
	(void)errsz;
	(void)arg;
	memcpy(key, fixed_key, VAULT_KEY_LEN);

	return 0;
}


/* A valid file whose (authenticated) plaintext body is pt */
static uint8_t *seal(const uint8_t *pt, size_t ptlen, size_t *lenp)
{
	struct vault_hdr hdr;
	struct vault *v = NULL;
	uint8_t *empty = NULL, *out;
	size_t elen = 0;
	unsigned long long clen = 0;
	uint32_t ctlen = (uint32_t)(ptlen + TAG_LEN);

	memset(&hdr, 0, sizeof(hdr));
	hdr.version = VAULT_VERSION;
	hdr.keysrc = KEYSRC_KEYFILE;
	hdr.kdf = VAULT_KDF_NONE;
	if (vault_alloc(&v, &hdr, fixed_key) ||
	    vault_encode(v, &empty, &elen))
		abort();
	vault_free(v);

	out = malloc(VAULT_HDR_LEN + ptlen + TAG_LEN);
	if (!out)
		abort();
	memcpy(out, empty, VAULT_HDR_LEN);
	free(empty);
	out[OFF_CTLEN]     = (uint8_t)ctlen;
	out[OFF_CTLEN + 1] = (uint8_t)(ctlen >> 8);
	out[OFF_CTLEN + 2] = (uint8_t)(ctlen >> 16);
	out[OFF_CTLEN + 3] = (uint8_t)(ctlen >> 24);

	(void)crypto_aead_xchacha20poly1305_ietf_encrypt(
		out + VAULT_HDR_LEN, &clen, pt, ptlen, out, VAULT_HDR_LEN,
		NULL, out + OFF_NONCE, fixed_key);
	*lenp = VAULT_HDR_LEN + (size_t)clen;

	return out;
}


static void roundtrip(const struct vault *v)
{
	struct vault *w = NULL;
	uint8_t *buf = NULL;
	size_t len = 0, i;
	char err[512];

	if (vault_encode(v, &buf, &len))
		abort();
	if (vault_decode(&w, buf, len, "vault", key_h, NULL, err,
			 sizeof(err)))
		abort();      /* our own output does not open */
	if (w->recc != v->recc)
		abort();
	for (i = 0; i < v->recc; i++) {
		if (memcmp(&w->recv[i], &v->recv[i], sizeof(v->recv[i])))
			abort();  /* a record changed on the way */
	}
	vault_free(w);
	free(buf);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vault *v = NULL;
	uint8_t *file = NULL;
	const uint8_t *buf;
	size_t len;
	char err[512];
	int r;

	if (size < 1 || size > VAULT_MAX_FILE)
		return 0;

	if (data[0] & 1) {
		file = seal(data + 1, size - 1, &len);
		buf = file;
	}
	else {
		buf = data + 1;
		len = size - 1;
	}

	err[0] = '\0';
	r = vault_decode(&v, buf, len, "vault", key_h, NULL, err,
			 sizeof(err));
	if (r) {
		if (v || !err[0])
			abort();  /* a failure must name its reason */
	}
	else {
		size_t i;

		for (i = 0; i < v->recc; i++) {
			if (!vault_find(v, v->recv[i].aor))
				abort();
		}
		roundtrip(v);
		vault_free(v);
	}

	free(file);

	return 0;
}
