/**
 * @file test_common.c  Unit tests for the shared code in modules/common
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>
#include "common/cfgedit.h"
#include "common/ctrlpath.h"
#include "common/dburi.h"
#include "common/dirwatch.h"
#include "common/fileio.h"
#include "common/profile.h"
#include "utest.h"


#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[] = "/tmp/octasip-ut-XXXXXX";


static void test_atomic_write_mode_and_content(void)
{
	char path[512];
	uint8_t *buf = NULL;
	size_t len = 0;
	struct stat st;

	UT_EQ_INT(fio_path(path, sizeof(path), tmpdir, "a"), 0);
	UT_EQ_INT(fio_write_atomic(path, "hello", 5, 0600), 0);
	UT_EQ_INT(stat(path, &st), 0);
	UT_EQ_INT(st.st_mode & 0777, 0600);
	UT_EQ_INT(fio_read_all(path, &buf, &len, 100), 0);
	UT_EQ_INT(len, 5);
	UT_CHECK(buf && !memcmp(buf, "hello", 5));
	free(buf);

	/* replacing keeps the mode and the new content only */
	UT_EQ_INT(fio_write_atomic(path, "x", 1, 0600), 0);
	UT_EQ_INT(fio_read_all(path, &buf, &len, 100), 0);
	UT_EQ_INT(len, 1);
	free(buf);

	/* no temp file left behind */
	UT_EQ_INT(fio_path(path, sizeof(path), tmpdir, "a.tmp.*"), 0);
	UT_CHECK(!fio_exists(path));
}


static void test_atomic_write_failure_keeps_old(void)
{
	char path[512];
	uint8_t *buf = NULL;
	size_t len = 0;

	UT_EQ_INT(fio_path(path, sizeof(path), tmpdir, "keep"), 0);
	UT_EQ_INT(fio_write_atomic(path, "old", 3, 0600), 0);

	/* a read-only directory makes the temp file impossible */
	UT_EQ_INT(chmod(tmpdir, 0500), 0);
	if (geteuid() != 0)
		UT_CHECK(fio_write_atomic(path, "new", 3, 0600) != 0);
	UT_EQ_INT(chmod(tmpdir, 0700), 0);

	UT_EQ_INT(fio_read_all(path, &buf, &len, 100), 0);
	UT_CHECK(len == 3 && buf && !memcmp(buf, "old", 3));
	free(buf);

	/* a path in a missing directory fails cleanly */
	UT_CHECK(fio_write_atomic("/nonexistent-octasip/x", "a", 1,
				  0600) == ENOENT);
}


static void test_read_all_limits(void)
{
	char path[512];
	uint8_t *buf = NULL;
	size_t len;

	UT_EQ_INT(fio_path(path, sizeof(path), tmpdir, "big"), 0);
	UT_EQ_INT(fio_write_atomic(path, "0123456789", 10, 0600), 0);
	UT_EQ_INT(fio_read_all(path, &buf, &len, 9), EFBIG);
	UT_EQ_INT(fio_read_all("/nonexistent-octasip", &buf, &len, 9),
		  ENOENT);
}


static void test_check_private(void)
{
	char path[512];

	UT_EQ_INT(fio_path(path, sizeof(path), tmpdir, "priv"), 0);
	UT_EQ_INT(fio_write_atomic(path, "s", 1, 0600), 0);
	UT_EQ_INT(fio_check_private(path), 0);
	UT_EQ_INT(chmod(path, 0640), 0);
	UT_EQ_INT(fio_check_private(path), EPERM);
	UT_EQ_INT(chmod(path, 0604), 0);
	UT_EQ_INT(fio_check_private(path), EPERM);
}


static void test_mkdir_private(void)
{
	char path[512];
	struct stat st;

	UT_EQ_INT(fio_path(path, sizeof(path), tmpdir, "d"), 0);
	UT_EQ_INT(mkdir(path, 0755), 0);
	UT_EQ_INT(fio_mkdir_private(path), 0);
	UT_EQ_INT(stat(path, &st), 0);
	UT_EQ_INT(st.st_mode & 0777, 0700);
	UT_EQ_INT(fio_mkdir_private("/nonexistent-octasip/d"), ENOENT);
}


static void test_path_too_long(void)
{
	char small[8];

	UT_EQ_INT(fio_path(small, sizeof(small), "/abc", "defgh"),
		  ENAMETOOLONG);
	UT_EQ_INT(fio_path(small, sizeof(small), "/a", "b"), 0);
	UT_EQ_STR(small, "/a/b");
}


static void test_profile_order(void)
{
	char buf[256];

	UT_EQ_INT(profile_resolve(buf, sizeof(buf), "/x/y"), 0);
	UT_EQ_STR(buf, "/x/y");

	setenv("OCTASIP_HOME", "/oh", 1);
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	setenv("HOME", "/home/u", 1);
	UT_EQ_INT(profile_resolve(buf, sizeof(buf), NULL), 0);
	UT_EQ_STR(buf, "/oh");

	unsetenv("OCTASIP_HOME");
	UT_EQ_INT(profile_resolve(buf, sizeof(buf), NULL), 0);
	UT_EQ_STR(buf, "/xdg/octasip");

	setenv("XDG_CONFIG_HOME", "", 1);
	UT_EQ_INT(profile_resolve(buf, sizeof(buf), ""), 0);
	UT_EQ_STR(buf, "/home/u/.config/octasip");

	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	UT_EQ_INT(profile_resolve(buf, sizeof(buf), NULL), ENOENT);
}


static void test_cfg_get_first_token(void)
{
	const char *t = "# c\n#key commented\nkey\tval1 trailing\n"
			"keylong x\n key  second\n";
	char v[32];

	UT_EQ_INT(cfg_get(t, "key", v, sizeof(v)), 0);
	UT_EQ_STR(v, "val1");
	UT_EQ_INT(cfg_get(t, "keylong", v, sizeof(v)), 0);
	UT_EQ_STR(v, "x");
	UT_EQ_INT(cfg_get(t, "ke", v, sizeof(v)), ENOENT);
	UT_EQ_INT(cfg_get(t, "key", v, 3), ENAMETOOLONG);
}


static void test_cfg_set_and_remove(void)
{
	char *out = NULL, *out2 = NULL;

	UT_EQ_INT(cfg_set("a 1\nb 2\n", "b", "3", &out), 0);
	UT_EQ_STR(out, "a 1\nb\t3\n");
	free(out);

	UT_EQ_INT(cfg_set("a 1", "c", "9", &out), 0);
	UT_EQ_STR(out, "a 1\nc\t9\n");
	free(out);

	UT_EQ_INT(cfg_remove("module a.so\nmodule b.so # x\nmodule bb.so\n",
			     "module", "b.so", &out), 0);
	UT_EQ_STR(out, "module a.so\nmodule bb.so\n");

	UT_EQ_INT(cfg_remove(out, "module", NULL, &out2), 0);
	UT_EQ_STR(out2, "");
	free(out);
	free(out2);
}


static void test_cfg_replace_block(void)
{
	char *out = NULL;

	UT_EQ_INT(cfg_replace_block("x\n# >> b\nold\n# << e\ny\n", "# >> b",
				    "# << e", "new\n", &out), 0);
	UT_EQ_STR(out, "x\n# >> b\nnew\n# << e\ny\n");
	free(out);

	UT_EQ_INT(cfg_replace_block("x\n", "# >> b", "# << e", "n", &out),
		  ENOENT);
	UT_EQ_INT(cfg_replace_block("# >> b\nno end\n", "# >> b", "# << e",
				    "n", &out), ENOENT);
}


static void test_dburi(void)
{
	char uri[64];

	UT_EQ_INT(dburi_immutable(uri, sizeof(uri), "/p/calllog.db"), 0);
	UT_EQ_STR(uri, "file:/p/calllog.db?mode=ro&immutable=1");
	UT_EQ_INT(dburi_immutable(uri, sizeof(uri), "/a?b#c%d/x"), 0);
	UT_EQ_STR(uri, "file:/a%3Fb%23c%25d/x?mode=ro&immutable=1");
	UT_EQ_INT(dburi_immutable(uri, 30, "/p/calllog.db"), ENAMETOOLONG);
	UT_EQ_INT(dburi_immutable(uri, sizeof(uri),
				  "/a/very/long/path/that/does/not/fit/here"),
		  ENAMETOOLONG);
}


static void put(const char *name, const char *text)
{
	char path[300];
	FILE *f;

	if (fio_path(path, sizeof(path), tmpdir, name))
		return;
	f = fopen(path, "w");
	if (f) {
		(void)fputs(text, f);
		(void)fclose(f);
	}
}


static int ren(const char *from, const char *to)
{
	char a[300], b[300];

	if (fio_path(a, sizeof(a), tmpdir, from) ||
	    fio_path(b, sizeof(b), tmpdir, to))
		return ENAMETOOLONG;

	return rename(a, b) ? errno : 0;
}


/* n close-write events alternating between two other files' names */
static void touch_others(int n)
{
	int i;

	for (i = 0; i < n; ++i)
		put(i % 2 ? "w/a" : "w/b", "x");
}


static void test_dirwatch(void)
{
	static const char *const names[] = {"permissions", "accounts"};
	static const char *const files[] = {"w/permissions", "w/accounts",
					    "w/a", "w/b"};
	struct dirwatch w, rn;
	char dir[300], file[300];
	size_t i;

	UT_EQ_INT(fio_path(dir, sizeof(dir), tmpdir, "w"), 0);
	UT_EQ_INT(fio_path(file, sizeof(file), tmpdir, "w/permissions"), 0);
	UT_EQ_INT(mkdir(dir, 0700), 0);
	put("w/permissions", "microphone allow\n");

	UT_EQ_INT(dirwatch_open(&w, dir, names, 2, DIRWATCH_IN_PLACE), 0);
	UT_EQ_INT(dirwatch_open(&rn, dir, names, 2, 0), 0);
	UT_CHECK(dirwatch_active(&w));
	UT_EQ_INT(dirwatch_changed(&w), 0);

	/* other files: not a change, however many (more than one read) */
	put("w/permissions.tmp", "x");
	touch_others(400);
	UT_EQ_INT(dirwatch_changed(&w), 0);
	UT_EQ_INT(dirwatch_changed(&rn), 0);

	/* written in place: only with DIRWATCH_IN_PLACE */
	put("w/permissions", "microphone deny\n");
	UT_EQ_INT(dirwatch_changed(&w), 1u << 0);
	UT_EQ_INT(dirwatch_changed(&w), 0);
	UT_EQ_INT(dirwatch_changed(&rn), 0);

	/* renamed over, touched, removed, created: each seen once */
	UT_EQ_INT(ren("w/permissions.tmp", "w/permissions"), 0);
	UT_EQ_INT(dirwatch_changed(&w), 1u << 0);
	UT_EQ_INT(dirwatch_changed(&w), 0);
	UT_EQ_INT(dirwatch_changed(&rn), 1u << 0);

	UT_EQ_INT(utime(file, NULL), 0);
	UT_EQ_INT(dirwatch_changed(&w), 1u << 0);
	UT_EQ_INT(dirwatch_changed(&rn), 0);

	UT_EQ_INT(unlink(file), 0);
	put("w/accounts", "<sip:a@b>\n");
	UT_EQ_INT(dirwatch_changed(&w), (1u << 0) | (1u << 1));
	UT_EQ_INT(dirwatch_changed(&rn), (1u << 0) | (1u << 1));

	/* a change behind many other events is still found */
	touch_others(300);
	put("w/permissions", "microphone allow\n");
	touch_others(300);
	UT_EQ_INT(dirwatch_changed(&w), 1u << 0);
	UT_EQ_INT(dirwatch_changed(&w), 0);

	/* an overflowed queue may have lost an event: every name */
	touch_others(20000);
	UT_EQ_INT(dirwatch_changed(&w), 3);
	UT_CHECK(dirwatch_active(&w));
	UT_EQ_INT(dirwatch_changed(&w), 0);
	dirwatch_close(&rn);

	/* the directory gone: no watch, every call reports every name */
	for (i = 0; i < ARRAY_LEN(files); ++i) {
		if (!fio_path(file, sizeof(file), tmpdir, files[i]))
			(void)unlink(file);
	}
	UT_EQ_INT(rmdir(dir), 0);
	UT_EQ_INT(dirwatch_changed(&w), 3);
	UT_CHECK(!dirwatch_active(&w));
	UT_EQ_INT(dirwatch_changed(&w), 3);
	dirwatch_close(&w);

	UT_EQ_INT(dirwatch_open(&w, dir, names, 2, 0), ENOENT);
	UT_CHECK(!dirwatch_active(&w));
	UT_EQ_INT(dirwatch_changed(&w), 3);
	UT_EQ_INT(dirwatch_open(&w, tmpdir, names, DIRWATCH_MAX + 1, 0),
		  EINVAL);
}


/* The control socket's place: runtime dir when private, the profile's
 * run/ otherwise; two profiles never share; a planted directory refused;
 * too long for sun_path is an error, not a truncation (P-LOCAL-2) */
static void test_ctrlpath(void)
{
	char rt[300], prof[300], prof2[300], longp[300], lnk[300];
	struct ctrlpath p, q;
	int fd = -1;

	(void)snprintf(rt, sizeof(rt), "%s/rt", tmpdir);
	(void)snprintf(prof, sizeof(prof), "%s/prof", tmpdir);
	(void)snprintf(prof2, sizeof(prof2), "%s/prof2", tmpdir);
	UT_EQ_INT(mkdir(rt, 0700), 0);
	UT_EQ_INT(mkdir(prof, 0700), 0);
	UT_EQ_INT(mkdir(prof2, 0700), 0);

	UT_EQ_INT(setenv("XDG_RUNTIME_DIR", rt, 1), 0);
	UT_EQ_INT(ctrlpath_get(&p, prof, NULL), 0);
	UT_CHECK(!strncmp(p.sock, rt, strlen(rt)));
	UT_CHECK(strstr(p.sock, "/octasip/prof-") != NULL);
	UT_CHECK(strstr(p.lock, ".lock") != NULL);
	UT_EQ_INT(ctrlpath_get(&q, prof2, NULL), 0);
	UT_CHECK(strcmp(p.sock, q.sock) != 0);

	/* the same profile through another spelling: the same socket */
	(void)snprintf(lnk, sizeof(lnk), "%s/../%s/prof", tmpdir,
		       strrchr(tmpdir, '/') + 1);
	UT_EQ_INT(ctrlpath_get(&q, lnk, NULL), 0);
	UT_EQ_STR(q.sock, p.sock);

	/* a runtime dir open to others is not used */
	UT_EQ_INT(chmod(rt, 0755), 0);
	UT_EQ_INT(ctrlpath_get(&q, prof, NULL), 0);
	UT_CHECK(!strncmp(q.sock, prof, strlen(prof)));
	UT_CHECK(strstr(q.dir, "/prof/run") != NULL);
	UT_EQ_INT(unsetenv("XDG_RUNTIME_DIR"), 0);
	UT_EQ_INT(ctrlpath_get(&q, prof, NULL), 0);
	UT_CHECK(strstr(q.dir, "/prof/run") != NULL);

	/* dir: made 0700; refused when open to others or a symlink */
	UT_EQ_INT(ctrlpath_dir_prepare(&q), 0);
	UT_EQ_INT(chmod(q.dir, 0750), 0);
	UT_EQ_INT(ctrlpath_dir_prepare(&q), EPERM);
	UT_EQ_INT(rmdir(q.dir), 0);
	UT_EQ_INT(symlink(rt, q.dir), 0);
	UT_EQ_INT(ctrlpath_dir_prepare(&q), ENOTDIR);
	UT_EQ_INT(unlink(q.dir), 0);
	UT_EQ_INT(ctrlpath_dir_prepare(&q), 0);

	/* the lock: one holder at a time */
	UT_CHECK(!ctrlpath_locked(&q));
	UT_EQ_INT(ctrlpath_lock(&q, &fd), 0);
	UT_CHECK(ctrlpath_locked(&q));
	{
		int fd2 = -1;
		UT_EQ_INT(ctrlpath_lock(&q, &fd2), EADDRINUSE);
	}
	(void)close(fd);
	UT_CHECK(!ctrlpath_locked(&q));

	/* override: absolute only; too long for a Unix socket */
	UT_EQ_INT(ctrlpath_get(&q, prof, "rel.sock"), EINVAL);
	UT_EQ_INT(ctrlpath_get(&q, prof, "/run/x/my.sock"), 0);
	UT_EQ_STR(q.dir, "/run/x");
	UT_EQ_STR(q.lock, "/run/x/my.sock.lock");
	(void)snprintf(longp, sizeof(longp), "%s/%0100d", tmpdir, 0);
	UT_EQ_INT(ctrlpath_get(&q, longp, NULL), ENAMETOOLONG);
}


int main(void)
{
	char cmd[600];

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}

	UT_RUN(test_atomic_write_mode_and_content);
	UT_RUN(test_atomic_write_failure_keeps_old);
	UT_RUN(test_read_all_limits);
	UT_RUN(test_check_private);
	UT_RUN(test_mkdir_private);
	UT_RUN(test_path_too_long);
	UT_RUN(test_profile_order);
	UT_RUN(test_cfg_get_first_token);
	UT_RUN(test_cfg_set_and_remove);
	UT_RUN(test_cfg_replace_block);
	UT_RUN(test_dburi);
	UT_RUN(test_dirwatch);
	UT_RUN(test_ctrlpath);

	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		(void)fprintf(stderr, "could not remove %s\n", tmpdir);

	return ut_done();
}
