/**
 * @file test_credstore.c  Unit tests for the credential vault core
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include <re.h>
#include "octasip_credstore/acctfile.h"
#include "common/fileio.h"
#include "octasip_credstore/keysrc.h"
#include "octasip_credstore/vault.h"
#include "../utest.h"


static char tmpdir[] = "/tmp/octasip-ut-cs-XXXXXX";
static char vpath[512], bpath[512];
static char msg[1024];


static struct keysrc_opt opt(void)
{
	struct keysrc_opt o;

	memset(&o, 0, sizeof(o));
	o.profile = tmpdir;
	o.pass_fd = -1;

	return o;
}


/* A keyfile vault with two records, saved at vpath */
static int make_vault(struct vault **vp)
{
	struct keysrc_opt o = opt();
	struct vault_hdr hdr;
	uint8_t key[VAULT_KEY_LEN];
	int err;

	err = keysrc_new(KEYSRC_KEYFILE, &o, &hdr, key, msg, sizeof(msg));
	if (!err)
		err = keysrc_commit(KEYSRC_KEYFILE, &o, msg, sizeof(msg));
	if (!err)
		err = vault_alloc(vp, &hdr, key);
	if (!err)
		err = vault_put(*vp, "sip:alice@example.com", "al", "",
				"pw-alice");
	if (!err)
		err = vault_put(*vp, "<sip:bob@example.com;transport=tls>",
				NULL, "example.com", "pw-bob");
	if (!err)
		err = vault_save(*vp, vpath, false, msg, sizeof(msg));

	return err;
}


static int open_vault(struct vault **vp)
{
	struct keysrc_opt o = opt();

	msg[0] = '\0';
	return vault_open(vp, vpath, keysrc_get, &o, msg, sizeof(msg));
}


static int read_file(const char *path, uint8_t **bp, size_t *lp)
{
	return fio_read_all(path, bp, lp, 1 << 20);
}


static void write_file(const char *path, const uint8_t *b, size_t n)
{
	(void)fio_write_atomic(path, b, n, 0600);
}


static bool file_is(const char *path, const uint8_t *b, size_t n)
{
	uint8_t *c = NULL;
	size_t m = 0;
	bool same;

	if (read_file(path, &c, &m))
		return false;
	same = m == n && !memcmp(b, c, n);
	free(c);

	return same;
}


static void test_roundtrip_and_lookup(void)
{
	struct vault *v = NULL, *w = NULL;
	const struct vault_rec *r;
	uint8_t *raw = NULL;
	size_t n = 0;

	UT_EQ_INT(make_vault(&v), 0);
	UT_EQ_INT(open_vault(&w), 0);
	UT_CHECK(w && w->recc == 2);
	if (!w)
		goto out;

	r = vault_find(w, "sip:alice@example.com");
	UT_CHECK(r && !strcmp(r->secret, "pw-alice"));
	UT_CHECK(r && !strcmp(r->user, "al"));
	/* baresip's account_aor() carries uri params: same account */
	r = vault_find(w, "sip:bob@example.com;transport=tls");
	UT_CHECK(r && !strcmp(r->secret, "pw-bob"));
	UT_CHECK(r && !strcmp(r->realm, "example.com"));
	UT_CHECK(vault_find(w, "sip:carol@example.com") == NULL);

	/* the file is 0600 and holds no plaintext */
	UT_EQ_INT(fio_check_private(vpath), 0);
	UT_EQ_INT(read_file(vpath, &raw, &n), 0);
	UT_CHECK(raw && !memmem(raw, n, "pw-alice", 8));
	UT_CHECK(raw && !memmem(raw, n, "alice", 5));
	free(raw);

	/* remove */
	UT_EQ_INT(vault_remove(w, "sip:alice@example.com"), 0);
	UT_EQ_INT(vault_remove(w, "sip:alice@example.com"), ENOENT);
	UT_EQ_INT(w->recc, 1);
 out:
	vault_free(v);
	vault_free(w);
}


static void test_backup_kept_on_write(void)
{
	struct vault *v = NULL, *b = NULL;
	struct keysrc_opt o = opt();
	uint8_t *before = NULL;
	size_t n = 0;

	UT_EQ_INT(make_vault(&v), 0);
	UT_EQ_INT(read_file(vpath, &before, &n), 0);
	UT_EQ_INT(vault_put(v, "sip:carol@example.com", NULL, NULL, "c"), 0);
	UT_EQ_INT(vault_save(v, vpath, true, msg, sizeof(msg)), 0);

	/* vault.bak is exactly the previous vault, and it opens */
	UT_CHECK(file_is(bpath, before, n));
	UT_EQ_INT(fio_check_private(bpath), 0);
	UT_EQ_INT(vault_open(&b, bpath, keysrc_get, &o, msg, sizeof(msg)),
		  0);
	UT_CHECK(b && b->recc == 2);
	free(before);
	vault_free(b);
	vault_free(v);
}


/* Every corruption: a clear error naming the file, the file untouched */
static void check_bad(const uint8_t *buf, size_t n, int want,
		      const char *needle)
{
	struct vault *w = NULL;

	write_file(vpath, buf, n);
	UT_EQ_INT(open_vault(&w), want);
	UT_CHECK(w == NULL);
	UT_CHECK(strstr(msg, vpath) != NULL);
	if (!strstr(msg, needle))
		(void)fprintf(stderr, "  message was: %s\n", msg);
	UT_CHECK(strstr(msg, needle) != NULL);
	UT_CHECK(file_is(vpath, buf, n));
}


static void test_tampered_truncated_newer(void)
{
	struct vault *v = NULL;
	uint8_t *good = NULL, *bad;
	size_t n = 0;

	UT_EQ_INT(make_vault(&v), 0);
	vault_free(v);
	UT_EQ_INT(read_file(vpath, &good, &n), 0);
	if (!good)
		return;
	bad = malloc(n);

	/* one flipped ciphertext bit */
	memcpy(bad, good, n);
	bad[n - 20] ^= 0x01;
	check_bad(bad, n, EBADMSG, "modified or damaged");

	/* a changed header byte (KDF memlimit) is authenticated too */
	memcpy(bad, good, n);
	bad[21] ^= 0x40;
	check_bad(bad, n, EBADMSG, "modified or damaged");

	/* truncated: in the body, and inside the header */
	check_bad(good, n - 7, EBADMSG, "truncated");
	check_bad(good, 40, EBADMSG, "truncated");
	check_bad(good, 0, EBADMSG, "not an OctaSIP vault");

	/* a newer format version */
	memcpy(bad, good, n);
	bad[8] = VAULT_VERSION + 1;
	check_bad(bad, n, ENOTSUP, "newer than this OctaSIP");

	/* not a vault at all */
	check_bad((const uint8_t *)"<sip:a@b>;auth_pass=x\n", 22, EBADMSG,
		  "not an OctaSIP vault");

	write_file(vpath, good, n);
	free(bad);
	free(good);
}


static void test_wrong_key_and_modes(void)
{
	struct vault *v = NULL, *w = NULL;
	char kpath[600];
	uint8_t other[VAULT_KEY_LEN];
	uint8_t *before = NULL;
	size_t n = 0;

	UT_EQ_INT(make_vault(&v), 0);
	vault_free(v);
	(void)snprintf(kpath, sizeof(kpath), "%s/" KEYFILE_NAME, tmpdir);
	UT_EQ_INT(read_file(vpath, &before, &n), 0);

	/* group-readable vault: refused, with the fix */
	UT_EQ_INT(chmod(vpath, 0640), 0);
	UT_EQ_INT(open_vault(&w), EPERM);
	UT_CHECK(strstr(msg, "chmod 600") != NULL);
	UT_EQ_INT(chmod(vpath, 0600), 0);

	/* world-readable key file: refused */
	UT_EQ_INT(chmod(kpath, 0644), 0);
	UT_EQ_INT(open_vault(&w), EPERM);
	UT_CHECK(strstr(msg, kpath) && strstr(msg, "chmod 600"));
	UT_EQ_INT(chmod(kpath, 0600), 0);

	/* unreadable (missing) key file */
	UT_EQ_INT(rename(kpath, "/tmp/octasip-ut-cs-key.moved"), 0);
	UT_EQ_INT(open_vault(&w), ENOENT);
	UT_CHECK(strstr(msg, "key file") != NULL);
	UT_EQ_INT(rename("/tmp/octasip-ut-cs-key.moved", kpath), 0);

	/* another key: "wrong key", not "tampered" */
	randombytes_buf(other, sizeof(other));
	write_file(kpath, other, sizeof(other));
	UT_EQ_INT(open_vault(&w), EKEYREJECTED);
	UT_CHECK(strstr(msg, "wrong key") != NULL);
	UT_CHECK(file_is(vpath, before, n));
	UT_CHECK(w == NULL);
	free(before);
}


/* A rekey interrupted after the vault was saved, before vault.key was
 * replaced: the open finds vault.key.new and finishes the job */
static void test_keyfile_rekey_interrupted(void)
{
	struct keysrc_opt o = opt();
	struct vault *v = NULL, *nv = NULL, *w = NULL;
	struct vault_hdr hdr;
	uint8_t key[VAULT_KEY_LEN];
	char next[600];

	UT_EQ_INT(make_vault(&v), 0);
	UT_EQ_INT(keysrc_new(KEYSRC_KEYFILE, &o, &hdr, key, msg,
			     sizeof(msg)), 0);
	UT_EQ_INT(vault_alloc(&nv, &hdr, key), 0);
	UT_EQ_INT(vault_put(nv, "sip:z@example.com", NULL, NULL, "zz"), 0);
	UT_EQ_INT(vault_save(nv, vpath, true, msg, sizeof(msg)), 0);
	/* ... no keysrc_commit: "crash" here */

	UT_EQ_INT(open_vault(&w), 0);
	UT_CHECK(w && vault_find(w, "sip:z@example.com"));
	(void)snprintf(next, sizeof(next), "%s/" KEYFILE_NAME ".new",
		       tmpdir);
	UT_CHECK(!fio_exists(next));
	vault_free(w);
	vault_free(nv);
	vault_free(v);
}


static void test_systemd_source(void)
{
	struct keysrc_opt o = opt();
	struct vault *v = NULL, *w = NULL;
	struct vault_hdr hdr;
	uint8_t key[VAULT_KEY_LEN];
	char cdir[600], cred[700];

	(void)snprintf(cdir, sizeof(cdir), "%s/creds", tmpdir);
	(void)snprintf(cred, sizeof(cred), "%s/" KEYSRC_CRED_DEFAULT, cdir);
	UT_EQ_INT(fio_mkdir_private(cdir), 0);
	o.cred_dir = cdir;

	/* no $CREDENTIALS_DIRECTORY */
	o.cred_dir = NULL;
	UT_EQ_INT(keysrc_new(KEYSRC_SYSTEMD, &o, &hdr, key, msg,
			     sizeof(msg)), ENOENT);
	UT_CHECK(strstr(msg, "CREDENTIALS_DIRECTORY") != NULL);
	o.cred_dir = cdir;

	/* too short a credential */
	write_file(cred, (const uint8_t *)"short", 5);
	UT_EQ_INT(keysrc_new(KEYSRC_SYSTEMD, &o, &hdr, key, msg,
			     sizeof(msg)), EBADMSG);

	write_file(cred, (const uint8_t *)
		   "0123456789abcdef0123456789abcdef-systemd\n", 41);
	UT_EQ_INT(keysrc_new(KEYSRC_SYSTEMD, &o, &hdr, key, msg,
			     sizeof(msg)), 0);
	UT_EQ_INT(vault_alloc(&v, &hdr, key), 0);
	UT_EQ_INT(vault_put(v, "sip:s@example.com", NULL, NULL, "sys"), 0);
	UT_EQ_INT(vault_save(v, vpath, false, msg, sizeof(msg)), 0);

	UT_EQ_INT(vault_open(&w, vpath, keysrc_get, &o, msg, sizeof(msg)),
		  0);
	UT_CHECK(w && vault_find(w, "sip:s@example.com"));
	vault_free(w);
	w = NULL;

	/* group-readable credential: refused */
	UT_EQ_INT(chmod(cred, 0640), 0);
	UT_EQ_INT(vault_open(&w, vpath, keysrc_get, &o, msg, sizeof(msg)),
		  EPERM);
	UT_EQ_INT(chmod(cred, 0600), 0);

	/* a different credential: wrong key */
	write_file(cred, (const uint8_t *)
		   "ANOTHER-456789abcdef0123456789abcdef\n", 37);
	UT_EQ_INT(vault_open(&w, vpath, keysrc_get, &o, msg, sizeof(msg)),
		  EKEYREJECTED);
	vault_free(v);
}


static int pipe_with(const char *s)
{
	int p[2];

	if (pipe(p))
		return -1;
	(void)!write(p[1], s, strlen(s));
	(void)close(p[1]);

	return p[0];
}


static void test_passphrase_source(void)
{
	struct keysrc_opt o = opt();
	struct vault *v = NULL, *w = NULL;
	struct vault_hdr hdr;
	uint8_t key[VAULT_KEY_LEN];

	/* no fd, no terminal allowed: a clear error */
	o.pass_tty = false;
	UT_EQ_INT(keysrc_new(KEYSRC_PASSPHRASE, &o, &hdr, key, msg,
			     sizeof(msg)), EACCES);
	UT_CHECK(strstr(msg, "--passphrase-fd") != NULL);

	o.pass_fd = pipe_with("correct horse\n");
	UT_EQ_INT(keysrc_new(KEYSRC_PASSPHRASE, &o, &hdr, key, msg,
			     sizeof(msg)), 0);
	(void)close(o.pass_fd);
	UT_EQ_INT(hdr.kdf, VAULT_KDF_ARGON2ID13);
	UT_CHECK(hdr.opslimit >= crypto_pwhash_argon2id_OPSLIMIT_MODERATE);
	UT_CHECK(hdr.memlimit >= crypto_pwhash_argon2id_MEMLIMIT_MODERATE);
	UT_EQ_INT(vault_alloc(&v, &hdr, key), 0);
	UT_EQ_INT(vault_put(v, "sip:p@example.com", NULL, NULL, "pp"), 0);
	UT_EQ_INT(vault_save(v, vpath, false, msg, sizeof(msg)), 0);

	o.pass_fd = pipe_with("wrong horse\n");
	UT_EQ_INT(vault_open(&w, vpath, keysrc_get, &o, msg, sizeof(msg)),
		  EKEYREJECTED);
	(void)close(o.pass_fd);
	UT_CHECK(strstr(msg, "wrong passphrase") != NULL);

	o.pass_fd = pipe_with("correct horse\n");
	o.kdf_ms = 0;
	UT_EQ_INT(vault_open(&w, vpath, keysrc_get, &o, msg, sizeof(msg)),
		  0);
	(void)close(o.pass_fd);
	UT_CHECK(w && vault_find(w, "sip:p@example.com"));
	UT_CHECK(o.kdf_ms > 0);
	vault_free(w);
	vault_free(v);
}


/* Disk full while saving: the old vault and its backup stay intact */
static void test_full_disk(void)
{
	struct vault *v = NULL, *w = NULL;
	struct rlimit old, lim;
	uint8_t *before = NULL;
	size_t n = 0, i;
	char big[VREC_SECRET_MAX];
	int err;

	UT_EQ_INT(make_vault(&v), 0);
	UT_EQ_INT(read_file(vpath, &before, &n), 0);

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (i = 0; i < 40; ++i) {
		char aor[64];

		(void)snprintf(aor, sizeof(aor), "sip:u%zu@example.com", i);
		(void)vault_put(v, aor, NULL, NULL, big);
	}

	/* files may not grow beyond 1 KiB: write() fails with EFBIG */
	(void)signal(SIGXFSZ, SIG_IGN);
	(void)getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 1024;
	(void)setrlimit(RLIMIT_FSIZE, &lim);
	err = vault_save(v, vpath, true, msg, sizeof(msg));
	(void)setrlimit(RLIMIT_FSIZE, &old);

	UT_EQ_INT(err, EFBIG);
	UT_CHECK(strstr(msg, "previous vault is unchanged") != NULL);
	UT_CHECK(file_is(vpath, before, n));
	UT_EQ_INT(open_vault(&w), 0);
	UT_CHECK(w && w->recc == 2);
	vault_free(w);
	vault_free(v);
	free(before);
}


/* sodium_malloc'd pages are MADV_DONTDUMP: "dd" in /proc/self/smaps */
static void test_secrets_excluded_from_core_dumps(void)
{
	struct vault *v = NULL;
	char line[512];
	unsigned long lo, hi, a;
	bool in = false, found = false, dd = false;
	FILE *f;

	UT_EQ_INT(make_vault(&v), 0);
	if (!v)
		return;
	a = (unsigned long)(uintptr_t)v->recv;

	f = fopen("/proc/self/smaps", "r");
	UT_CHECK(f != NULL);
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, ' ') > strchr(line, '-')) {
			in = a >= lo && a < hi;
			continue;
		}
		if (in && !strncmp(line, "VmFlags:", 8)) {
			found = true;
			dd = strstr(line, " dd") != NULL;
			in = false;
		}
	}
	if (f)
		(void)fclose(f);

	UT_CHECK(found);
	UT_CHECK(dd);
	vault_free(v);
}


static void test_accounts_lines(void)
{
	char out[1024], e[256], pass[VREC_SECRET_MAX];
	struct acct_parsed ap;
	const char *l;

	memset(&ap, 0, sizeof(ap));
	ap.pass = pass;
	ap.passsz = sizeof(pass);

	l = "\"Al\" <sip:al@ex.org;transport=tls>;auth_user=al1;"
		"auth_pass=\"p;w\\\"d\";regint=0";
	UT_EQ_INT(acct_parse(l, strlen(l), out, sizeof(out), &ap, e,
			     sizeof(e)), 0);
	UT_CHECK(ap.is_account && ap.has_pass && ap.has_user);
	/* as baresip: quotes off, backslashes kept */
	UT_EQ_STR(pass, "p;w\\\"d");
	UT_EQ_STR(ap.user, "al1");
	UT_EQ_STR(ap.aor, "sip:al@ex.org");
	UT_EQ_STR(out, "\"Al\" <sip:al@ex.org;transport=tls>;regint=0");

	l = "<sip:b@ex.org>;auth_pass=plain";
	UT_EQ_INT(acct_parse(l, strlen(l), out, sizeof(out), &ap, e,
			     sizeof(e)), 0);
	UT_EQ_STR(out, "<sip:b@ex.org>");
	UT_EQ_STR(pass, "plain");

	l = "# <sip:c@ex.org>;auth_pass=x";
	UT_EQ_INT(acct_parse(l, strlen(l), out, sizeof(out), &ap, e,
			     sizeof(e)), 0);
	UT_CHECK(!ap.is_account);
	UT_EQ_STR(out, l);

	/* malformed: each a clear reason */
	l = "<sip:x@y;auth_pass=1";
	UT_EQ_INT(acct_parse(l, strlen(l), out, sizeof(out), &ap, e,
			     sizeof(e)), EBADMSG);
	UT_CHECK(strstr(e, "closing") != NULL);
	l = "<http://x>;auth_pass=a";
	UT_EQ_INT(acct_parse(l, strlen(l), out, sizeof(out), &ap, e,
			     sizeof(e)), EBADMSG);
	UT_CHECK(!ap.has_pass && !pass[0]);

	UT_CHECK(acct_aor_valid("sip:a@b.c"));
	UT_CHECK(!acct_aor_valid("sip:a@b c"));
	UT_CHECK(!acct_aor_valid("sip:a@b>;auth_pass=x"));
	UT_CHECK(!acct_aor_valid("tel:123"));
	UT_CHECK(aor_equal("<sip:a@b;transport=tcp>;regint=0", "sip:A@b"));
	UT_CHECK(!aor_equal("sip:a@b", "sip:a@c"));
}


/* libre's reading of l, as baresip's account_alloc() does it: its URI
 * and the value of ;name= (NULL: none; "" if name is NULL) */
static const char *re_read(const char *l, const char *name, char *buf,
			   size_t sz)
{
	struct sip_addr a;
	struct pl pl, v;

	pl_set_str(&pl, l);
	if (sip_addr_decode(&a, &pl))
		return NULL;
	if (!name)
		v = a.auri;
	else if (msg_param_decode(&a.params, name, &v))
		return NULL;

	(void)pl_strcpy(&v, buf, sz);

	return buf;
}


/* acct_parse(l) is 0, and it and libre read the same URI, password and
 * user; the line is rewritten to want */
static void agree(const char *l, const char *want)
{
	char out[1024], e[256], pass[VREC_SECRET_MAX], v[256], key[256];
	struct acct_parsed ap;
	const char *rp, *ru;
	char rpb[256], rub[256];

	memset(&ap, 0, sizeof(ap));
	ap.pass = pass;
	ap.passsz = sizeof(pass);
	e[0] = '\0';

	UT_EQ_INT(acct_parse(l, strlen(l), out, sizeof(out), &ap, e,
			     sizeof(e)), 0);
	if (e[0])
		(void)fprintf(stderr, "  %s: %s\n", l, e);
	UT_CHECK(ap.is_account);
	UT_EQ_STR(out, want);

	UT_CHECK(re_read(l, NULL, v, sizeof(v)) != NULL);
	UT_EQ_INT(aor_key(v, key, sizeof(key)), 0);
	UT_EQ_STR(ap.aor, key);

	rp = re_read(l, "auth_pass", rpb, sizeof(rpb));
	ru = re_read(l, "auth_user", rub, sizeof(rub));
	UT_EQ_INT(ap.has_pass, rp != NULL);
	UT_EQ_INT(ap.has_user, ru != NULL);
	if (rp)
		UT_EQ_STR(pass, rp);
	if (ru)
		UT_EQ_STR(ap.user, ru);

	/* and baresip finds neither in the rewritten line */
	UT_CHECK(!re_read(out, "auth_pass", rpb, sizeof(rpb)));
	UT_CHECK(!re_read(out, "auth_user", rub, sizeof(rub)));
}


/* a line acct_parse() refuses, with reason */
static void refused(const char *l, const char *reason)
{
	char out[1024], e[256], pass[VREC_SECRET_MAX];
	struct acct_parsed ap;

	memset(&ap, 0, sizeof(ap));
	ap.pass = pass;
	ap.passsz = sizeof(pass);
	e[0] = '\0';

	UT_EQ_INT(acct_parse(l, strlen(l), out, sizeof(out), &ap, e,
			     sizeof(e)), EBADMSG);
	UT_CHECK(strstr(e, reason) != NULL);
	UT_CHECK(!ap.has_pass && !ap.has_user && !pass[0]);
}


/* Each way baresip 1.0.0 (libre) reads a line that OctaSIP's scanner
 * used to read otherwise: both now read it alike */
static void test_accounts_as_baresip(void)
{
	char v[256], out[64], e[128];
	struct acct_parsed ap;

	/* duplicated parameter: the first counts, none survives */
	agree("<sip:d@ex.org>;auth_pass=first;regint=0;auth_pass=second"
	      ";auth_user=u1;auth_user=u2",
	      "<sip:d@ex.org>;regint=0");
	UT_EQ_STR(re_read("<sip:d@ex.org>;auth_pass=first;auth_pass=2",
			  "auth_pass", v, sizeof(v)), "first");

	/* quoted value: quotes off, backslash kept; an unpaired quote is
	 * part of the value */
	agree("<sip:q@ex.org>;auth_pass=\"p;w\\\"d\";regint=0",
	      "<sip:q@ex.org>;regint=0");
	UT_EQ_STR(re_read("<sip:q@ex.org>;auth_pass=\"p;w\\\"d\"",
			  "auth_pass", v, sizeof(v)), "p;w\\\"d");
	agree("<sip:q@ex.org>;auth_pass=\"open", "<sip:q@ex.org>");

	/* display name, quoted, with '<' and '>' in it */
	agree("\"Al <x> Bob\" <sip:al@ex.org>;auth_pass=pw;regint=0",
	      "\"Al <x> Bob\" <sip:al@ex.org>;regint=0");
	agree("Al <sip:al@ex.org>;auth_user=al1", "Al <sip:al@ex.org>");

	/* a bare URI with parameters: the account's */
	agree("sip:b@ex.org;auth_user=bu;auth_pass=bp;regint=0",
	      "sip:b@ex.org;regint=0");
	agree("sip:b@ex.org", "sip:b@ex.org");

	/* sips: */
	agree("<sips:s@ex.org>;auth_pass=sp;regint=60",
	      "<sips:s@ex.org>;regint=60");

	/* ;transport=tls (or anything) inside <...> is the URI's */
	agree("<sip:t@ex.org;transport=tls>;auth_pass=tp;regint=0",
	      "<sip:t@ex.org;transport=tls>;regint=0");
	agree("<sip:t@ex.org;transport=tls;auth_pass=u>;regint=0",
	      "<sip:t@ex.org;transport=tls;auth_pass=u>;regint=0");

	/* names in any case, blanks around them */
	agree("<sip:c@ex.org>; AUTH_PASS = cp ;Auth_User=cu;regint=0",
	      "<sip:c@ex.org> ;regint=0");

	/* no value: no parameter; text after '>' is no parameter either */
	agree("<sip:x@ex.org>;auth_pass=", "<sip:x@ex.org>;auth_pass=");
	agree("<sip:x@ex.org> junk;auth_pass=;auth_pass=jp",
	      "<sip:x@ex.org> junk;auth_pass=");

	/* malformed: libre reads "<sip" as the scheme, or nothing */
	refused("<sip:x@ex.org;auth_pass=1", "closing");
	UT_EQ_STR(re_read("<sip:x@ex.org;auth_pass=1", NULL, v, sizeof(v)),
		  "<sip:x@ex.org");
	refused("   ", "not a SIP address");
	UT_CHECK(!re_read("   ", NULL, v, sizeof(v)));
	refused("  # indented", "not a SIP address");
	UT_CHECK(!re_read("  # indented", NULL, v, sizeof(v)));
	refused("<tel:+15551234>;auth_pass=t", "not a sip: or sips: URI");
	refused("sip:x@ex.org regint=0", "not a SIP URI");
	refused("<sip:x@ex.org>;auth_pass ;auth_user=u =v",
		"differently");

	/* an empty line and '#' in column 1 are not accounts */
	memset(&ap, 0, sizeof(ap));
	UT_EQ_INT(acct_parse("#x", 2, out, sizeof(out), &ap, e, sizeof(e)),
		  0);
	UT_CHECK(!ap.is_account);
	UT_EQ_INT(acct_parse("", 0, out, sizeof(out), &ap, e, sizeof(e)), 0);
	UT_CHECK(!ap.is_account);
}


static void each_count(const char *line, size_t len, const char *aor,
		       void *arg)
{
	(void)line;
	(void)len;
	(void)aor;
	++*(unsigned *)arg;
}


/* a line with a plaintext ;auth_pass= is an account, not a bad line */
static void test_accounts_each_plaintext(void)
{
	const char *text = "# comment\n<sip:a@example.org>;regint=0\n"
		"<sip:b@example.org>;auth_user=b;auth_pass=pw;regint=0\n"
		"<sip:c@example.org\n";
	unsigned n = 0;
	size_t bad = 9;

	acct_each(text, each_count, &n, &bad);
	UT_EQ_INT(n, 2);
	UT_EQ_INT(bad, 1);
}


int main(void)
{
	if (sodium_init() < 0 || !mkdtemp(tmpdir))
		return 1;

	(void)snprintf(vpath, sizeof(vpath), "%s/vault", tmpdir);
	(void)snprintf(bpath, sizeof(bpath), "%s/vault.bak", tmpdir);

	UT_RUN(test_roundtrip_and_lookup);
	UT_RUN(test_backup_kept_on_write);
	UT_RUN(test_tampered_truncated_newer);
	UT_RUN(test_wrong_key_and_modes);
	UT_RUN(test_keyfile_rekey_interrupted);
	UT_RUN(test_systemd_source);
	UT_RUN(test_passphrase_source);
	UT_RUN(test_full_disk);
	UT_RUN(test_secrets_excluded_from_core_dumps);
	UT_RUN(test_accounts_lines);
	UT_RUN(test_accounts_as_baresip);
	UT_RUN(test_accounts_each_plaintext);

	{
		char cmd[600];

		(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		(void)!system(cmd);
	}

	return ut_done();
}
