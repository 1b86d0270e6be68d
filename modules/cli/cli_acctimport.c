/**
 * @file cli_acctimport.c  octasip account import: the ;auth_pass= values
 *                         of an accounts file moved into the vault
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "cli.h"
#include "cli_credstore.h"
#include "octasip_credstore/acctfile.h"
#include "common/fileio.h"
#include "octasip_credstore/keysrc.h"
#include "privacy/shred.h"
#include "octasip_credstore/vault.h"


/*
 * account import
 */

/*
 * A symbolic link is followed: the passwords are in its target (a
 * dotfiles repository, typically), so that is the file rewritten, and
 * the link stays.  Replacing the link by a new file would leave the
 * target with every password while saying the file holds none; refusing
 * would leave them there too, for the user to remove by hand.
 */
static int import_path(const char *path, char **realp)
{
	struct stat st;

	*realp = realpath(path, NULL);
	if (!*realp)
		return errno;

	if (!lstat(path, &st) && S_ISLNK(st.st_mode))
		(void)fprintf(stderr, "octasip: note: %s is a symbolic link:"
			      " rewriting its target %s, where the passwords"
			      " are\n", path, *realp);

	return 0;
}


/*
 * The plaintext leaves the file's blocks, not only its name: the new
 * text is renamed into place first (a crash leaves the old file or the
 * new one, never neither), then the old inode, still open here, is
 * overwritten in place with random bytes and fsynced (shred_fd(), as
 * data wipe does).  A file with other hard links (a backup, a copy in
 * another directory) then gets the new text too, so no name keeps a
 * password or loses an account.
 */
static int import_rewrite(const char *path, const char *text, size_t len)
{
	struct stat st;
	int fd, err;

	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0 && fstat(fd, &st)) {
		(void)close(fd);
		fd = -1;
	}
	if (fd < 0)
		(void)fprintf(stderr, "octasip: warning: cannot open %s to"
			      " overwrite it in place: the old blocks are"
			      " freed, not overwritten\n", path);
	else if (st.st_nlink > 1)
		(void)fprintf(stderr, "octasip: warning: %s has %lu hard"
			      " links: every name of it is rewritten without"
			      " the passwords\n", path,
			      (unsigned long)st.st_nlink);

	err = fio_write_atomic(path, text, len, 0600);
	if (err || fd < 0)
		goto out;

	err = shred_fd(fd);
	if (!err && st.st_nlink > 1) {
		if (pwrite(fd, text, len, 0) != (ssize_t)len)
			err = errno ? errno : EIO;
		else if (ftruncate(fd, (off_t)len) || fsync(fd))
			err = errno;
	}
	if (err)
		(void)fprintf(stderr, "octasip: warning: %s: overwriting the"
			      " old text in place failed: %s\n", path,
			      strerror(err));
	err = 0;   /* the file itself was rewritten */

 out:
	if (fd >= 0)
		(void)close(fd);

	return err;
}


/*
 * Every line of text checked (all before anything is written), its
 * ;auth_pass= put into the vault, and the file's new text (without the
 * secrets and their ;auth_user=) into out, *op bytes.  0, or the error
 * already reported.
 */
static int import_lines(struct vault *v, const char *path, const char *text,
			char *out, size_t *op, char *pass, size_t *moved)
{
	size_t o = 0, lineno = 0;
	const char *p;
	int err;

	for (p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char line[2048], e[256];
		struct acct_parsed ap;

		++lineno;
		memset(&ap, 0, sizeof(ap));
		ap.pass = pass;
		ap.passsz = VREC_SECRET_MAX;

		err = acct_parse(p, n, line, sizeof(line), &ap, e,
				 sizeof(e));
		if (err)
			return cli_err("%s:%zu: %s; nothing was imported",
				       path, lineno, e);

		if (ap.has_pass) {
			err = vault_put(v, ap.aor, ap.user, NULL, pass);
			if (err)
				return cli_err("%s:%zu: cannot store: %s;"
					       " nothing was imported", path,
					       lineno, strerror(err));
			++*moved;
		}

		/* ;auth_user= goes too when its secret moved: a line with
		 * auth_user and no auth_pass makes baresip prompt */
		if (!ap.has_pass) {
			memcpy(line, p, n);
			line[n] = '\0';
		}

		n = strlen(line);
		memcpy(out + o, line, n);
		o += n;
		if (eol)
			out[o++] = '\n';

		p = eol ? eol + 1 : p + strlen(p);
	}
	out[o] = '\0';
	*op = o;

	return 0;
}


/* Accounts from another file join the profile's accounts file (its
 * text: prof), those it does not have yet */
static int import_merge(const struct cs *cs, const char *prof,
			const char *out, size_t o)
{
	char *merged = malloc(strlen(prof) + o + 2);
	size_t po;
	const char *q;
	int err;

	if (!merged)
		return cli_err("out of memory");

	po = strlen(prof);
	memcpy(merged, prof, po);
	if (po && merged[po - 1] != '\n')
		merged[po++] = '\n';
	for (q = out; *q;) {
		const char *eol = strchr(q, '\n');
		size_t n = eol ? (size_t)(eol - q) : strlen(q);
		char line[2048], e[256];
		struct acct_parsed ap;

		memset(&ap, 0, sizeof(ap));
		if (acct_parse(q, n, line, sizeof(line), &ap, e,
			       sizeof(e)) == 0 && ap.is_account &&
		    !cs_accounts_has(prof, ap.aor)) {
			memcpy(merged + po, q, n);
			po += n;
			merged[po++] = '\n';
		}
		q += n + (eol ? 1 : 0);
	}
	err = fio_write_atomic(cs->accounts, merged, po, 0600);
	free(merged);
	if (err)
		return cli_err("cannot write %s: %s", cs->accounts,
			       strerror(err));

	return 0;
}


int cs_account_import(struct cs *cs, const char *file)
{
	struct vault *v = NULL;
	char *text = NULL, *out = NULL, *pass = NULL, *prof = NULL;
	char *real = NULL, *preal = NULL;
	const char *path = file ? file : cs->accounts;
	bool other;
	size_t o = 0, moved = 0;
	int err;

	err = import_path(path, &real);
	if (err)
		return cli_err("cannot read %s: %s", path, strerror(err));
	path = real;
	other = file && (!(preal = realpath(cs->accounts, NULL)) ||
			 strcmp(real, preal));
	free(preal);

	err = acct_file_read(path, &text);
	if (err)
		return cli_err("cannot read %s: %s", path, strerror(err));

	if (other && acct_file_read(cs->accounts, &prof)) {
		sodium_free(text);
		return cli_err("cannot read %s", cs->accounts);
	}

	out  = malloc(strlen(text) + 2);
	pass = sodium_malloc(VREC_SECRET_MAX);
	if (!out || !pass) {
		err = cli_err("out of memory");
		goto done;
	}

	err = cs_open(cs, true, &v);
	if (!err)
		err = import_lines(v, path, text, out, &o, pass, &moved);
	sodium_memzero(pass, VREC_SECRET_MAX);
	if (err)
		goto done;

	if (!moved) {
		(void)printf("no ;auth_pass= in %s: nothing to import\n",
			     path);
		goto done;
	}

	/* the vault first, verified; only then the plaintext goes */
	err = cs_save(cs, v, true);
	if (err)
		goto done;

	err = import_rewrite(path, out, o);
	if (err) {
		err = cli_err("cannot rewrite %s: %s (the secrets are in"
			      " the vault; remove ;auth_pass= by hand)",
			      path, strerror(err));
		goto done;
	}

	if (other) {
		err = import_merge(cs, prof, out, o);
		if (err)
			goto done;
	}

	(void)printf("imported %zu password%s from %s into the vault (key"
		     " source %s); %s no longer holds any\n", moved,
		     moved == 1 ? "" : "s", path,
		     keysrc_name(v->hdr.keysrc), path);
	cs_note_running(cs);

 done:
	free(out);
	free(real);
	sodium_free(pass);
	sodium_free(text);
	sodium_free(prof);
	vault_free(v);
	return err;
}
