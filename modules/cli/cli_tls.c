/**
 * @file cli_tls.c  A certificate for baresip's SIP/TLS listener
 *
 * baresip 1.0.0 listens for SIP over TLS (sip_listen port + 1) and puts
 * that listener in the Contact of every call made over TLS.  Without
 * sip_certificate the listener has no certificate, so every request the
 * far end sends inside such a call on a new connection (a re-INVITE to
 * hold, a BYE: RFC 3261 sends them to the Contact) fails its handshake
 * and is lost.  `octasip run` therefore gives the listener a self-signed
 * certificate (P-256, CN "octasip", nothing about the user), new at each
 * run so that its key identifies no one across runs.  Peers that verify
 * certificates need the user's own sip_certificate, which wins.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include "cli.h"
#include "common/fileio.h"


static int self_signed(EVP_PKEY *key, X509 **xp)
{
	unsigned char serial[16];
	X509_NAME *name;
	BIGNUM *bn = NULL;
	X509 *x = X509_new();
	int ok;

	ok = x && RAND_bytes(serial, sizeof(serial)) == 1;
	if (ok) {
		serial[0] &= 0x7f;       /* a positive serial number */
		bn = BN_bin2bn(serial, sizeof(serial), NULL);
	}

	ok = ok && bn && X509_set_version(x, 2) &&
		BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) &&
		X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
		X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400) &&
		X509_set_pubkey(x, key);

	name = ok ? X509_get_subject_name(x) : NULL;
	ok = ok && name &&
		X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					   (const unsigned char *)"octasip",
					   -1, -1, 0) &&
		X509_set_issuer_name(x, name) &&
		X509_sign(x, key, EVP_sha256()) > 0;

	BN_free(bn);
	if (!ok) {
		X509_free(x);
		return EIO;
	}

	*xp = x;

	return 0;
}


int cli_tls_listener_cert(const char *path)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	BIO *mem = BIO_new(BIO_s_mem());
	X509 *x = NULL;
	char *pem = NULL;
	long len;
	int err = key && mem ? self_signed(key, &x) : ENOMEM;

	if (!err && (!PEM_write_bio_PrivateKey(mem, key, NULL, NULL, 0, NULL,
					       NULL) ||
		     !PEM_write_bio_X509(mem, x)))
		err = EIO;

	len = err ? 0 : BIO_get_mem_data(mem, &pem);
	if (!err)
		err = len > 0 ? fio_write_atomic(path, pem, (size_t)len, 0600)
			: EIO;

	/* the private key's PEM text goes with the buffer */
	if (len > 0)
		OPENSSL_cleanse(pem, (size_t)len);
	BIO_free(mem);
	X509_free(x);
	EVP_PKEY_free(key);

	return err;
}
