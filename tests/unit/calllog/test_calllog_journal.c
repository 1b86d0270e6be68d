/**
 * @file test_calllog_journal.c  calllog.db.journal: what was appended and
 *                               not committed comes back, in order, after
 *                               a reopen; nothing else does
 *
 * Real files in a temporary directory.  A reopen without close stands
 * for a process killed (the mapping's pages stay in the page cache).
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
#include "utest.h"
#include "octasip_calllog/cl_journal.h"

static char dir[256];
static char path[512];


static void rec_make(struct cl_rec *r, unsigned i, size_t pad)
{
	char buf[1100];

	memset(r, 0, sizeof(*r));
	(void)snprintf(r->ukey, sizeof(r->ukey), "%032x", i);
	r->status = i % 2 ? CL_ST_ANSWERED : CL_ST_IN_PROGRESS;
	r->started_at = 1000 + i;
	r->ended_at = i % 2 ? 2000 + i : 0;
	r->sip_code = (uint16_t)(i % 600);
	memset(buf, 'a' + (int)(i % 26), pad);
	buf[pad] = '\0';
	(void)cl_rec_set(&r->peer_name, buf, CL_CAP_NAME);
	(void)snprintf(buf, sizeof(buf), "call-%u", i);
	(void)cl_rec_set(&r->call_id, buf, CL_CAP_TEXT);
	(void)cl_rec_set(&r->account, "sip:me@example.org", CL_CAP_URI);
}


struct seen {
	unsigned first, n;
	bool ok;
	size_t pad;
};


static int on_rec(const struct cl_rec *r, void *arg)
{
	struct seen *s = arg;
	struct cl_rec want;
	unsigned i = s->first + s->n;

	rec_make(&want, i, s->pad ? s->pad : (i * 37) % 1000);
	if (strcmp(r->ukey, want.ukey) || strcmp(r->status, want.status) ||
	    r->started_at != want.started_at ||
	    r->ended_at != want.ended_at || r->sip_code != want.sip_code ||
	    !r->peer_name || strcmp(r->peer_name, want.peer_name) ||
	    strcmp(r->call_id, want.call_id) || r->peer_uri ||
	    !r->peer_stored)
		s->ok = false;
	cl_rec_reset(&want);
	++s->n;

	return 0;
}


static void append(struct clj *j, unsigned i, size_t pad, uint64_t *end)
{
	struct cl_rec r;

	rec_make(&r, i, pad);
	UT_EQ_INT(clj_append(j, &r, NULL, r.peer_name, end), 0);
	cl_rec_reset(&r);
}


/* killed with records in it: they all come back, once committed none */
static void test_replay_after_kill(void)
{
	struct clj *j, *j2;
	struct seen s = {0, 0, true, 0};
	struct stat st;
	uint64_t end = 0;
	unsigned i;

	UT_EQ_INT(clj_open(&j, path, true), 0);
	UT_EQ_INT(stat(path, &st), 0);
	UT_EQ_INT(st.st_mode & 0777, 0600);
	UT_EQ_INT(st.st_size, CLJ_SIZE);
	for (i = 0; i < 50; ++i)
		append(j, i, (i * 37) % 1000, &end);

	/* the "killed" process still holds its lock: a second opener is
	 * refused (a second baresip, or the CLI while baresip runs) */
	UT_EQ_INT(clj_open(&j2, path, true), EBUSY);
	clj_close(j);

	UT_EQ_INT(clj_open(&j, path, false), 0);
	UT_EQ_INT(clj_replay(j, on_rec, &s), 0);
	UT_EQ_INT(s.n, 50);
	UT_CHECK(s.ok);
	clj_commit(j, clj_replay_end(j));
	clj_close(j);

	UT_EQ_INT(clj_open(&j, path, false), 0);
	s.n = 0;
	UT_EQ_INT(clj_replay(j, on_rec, &s), 0);
	UT_EQ_INT(s.n, 0);
	clj_close(j);
}


/* many laps round the ring with a writer committing behind: at any
 * reopen exactly the uncommitted tail comes back */
static void test_ring_laps(void)
{
	struct clj *j;
	uint64_t end = 0, ends[64];
	unsigned i, k, next = 0;

	(void)unlink(path);
	UT_EQ_INT(clj_open(&j, path, true), 0);
	for (k = 0; k < 400; ++k) {
		for (i = 0; i < 64; ++i) {
			append(j, next + i, ((next + i) * 37) % 1000, &end);
			ends[i] = end;
		}
		/* all but the last 3 committed */
		clj_commit(j, ends[60]);
		next += 64;
		if (k % 97 == 0) {
			struct seen s = {next - 3, 0, true, 0};

			clj_close(j);
			UT_EQ_INT(clj_open(&j, path, true), 0);
			UT_EQ_INT(clj_replay(j, on_rec, &s), 0);
			UT_EQ_INT(s.n, 3);
			UT_CHECK(s.ok);
		}
	}
	clj_close(j);
}


/* Rss (KiB) of this process's mapping of the journal, from smaps */
static long mapped_rss_kib(void)
{
	char line[1024];
	bool in = false;
	long kib = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* a mapping's first line names its file */
		if (strchr(line, '-') && strchr(line, '/'))
			in = strstr(line, "calllog.db.journal") != NULL;
		if (in && !strncmp(line, "Rss:", 4)) {
			kib = atol(line + 4);
			break;
		}
	}
	(void)fclose(f);

	return kib;
}


/* the writer keeps up (everything committed): the ring starts over near
 * its beginning, so only a few of its pages become resident, not 2 MiB */
static void test_resident_small(void)
{
	struct clj *j;
	uint64_t end = 0;
	unsigned i;
	long kib;

	(void)unlink(path);
	UT_EQ_INT(clj_open(&j, path, true), 0);
	for (i = 0; i < 20000; ++i) {
		append(j, i, (i * 37) % 1000, &end);
		if (i % 8 == 7)
			clj_commit(j, end);
	}
	kib = mapped_rss_kib();
	UT_CHECK(kib >= 0);
	UT_CHECK(kib < 256);
	if (kib >= 256)
		(void)fprintf(stderr, "journal resident: %ld KiB\n", kib);
	clj_close(j);
}


/* a torn record (bytes lost or changed) ends the replay before it */
static void test_torn_record(void)
{
	struct clj *j;
	struct seen s = {0, 0, true, 0};
	uint64_t e1 = 0, e2 = 0, e3 = 0;
	char c = 'X';
	int fd;

	(void)unlink(path);
	UT_EQ_INT(clj_open(&j, path, true), 0);
	append(j, 0, 0, &e1);
	append(j, 1, 37, &e2);
	append(j, 2, 74, &e3);
	clj_close(j);

	/* a byte inside the second record's body */
	fd = open(path, O_WRONLY);
	UT_CHECK(fd >= 0);
	UT_EQ_INT(pwrite(fd, &c, 1, 4096 + (off_t)e1 + 60), 1);
	(void)close(fd);

	UT_EQ_INT(clj_open(&j, path, false), 0);
	UT_EQ_INT(clj_replay(j, on_rec, &s), 0);
	UT_EQ_INT(s.n, 1);
	UT_CHECK(s.ok);
	clj_close(j);
}


/* full of uncommitted records: ENOSPC, nothing overwritten */
static void test_full(void)
{
	struct clj *j;
	struct seen s = {0, 0, true, 1000};
	uint64_t end = 0;
	unsigned i;
	int err = 0;

	(void)unlink(path);
	UT_EQ_INT(clj_open(&j, path, true), 0);
	for (i = 0; i < 100000 && !err; ++i) {
		struct cl_rec r;

		rec_make(&r, i, 1000);
		err = clj_append(j, &r, NULL, r.peer_name, &end);
		cl_rec_reset(&r);
	}
	UT_EQ_INT(err, ENOSPC);
	UT_CHECK(i > 1500);
	clj_close(j);

	UT_EQ_INT(clj_open(&j, path, false), 0);
	UT_EQ_INT(clj_replay(j, on_rec, &s), 0);
	UT_EQ_INT(s.n, i - 1);
	UT_CHECK(s.ok);
	clj_close(j);
}


/* a file that is not a journal is started afresh, kept 0600 */
static void test_garbage_file(void)
{
	struct clj *j;
	struct seen s = {0, 0, true, 0};
	struct stat st;
	int fd;

	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	UT_CHECK(fd >= 0);
	UT_EQ_INT(write(fd, "garbage, not a journal\n", 23), 23);
	(void)close(fd);

	UT_EQ_INT(clj_open(&j, path, false), 0);
	UT_EQ_INT(clj_replay(j, on_rec, &s), 0);
	UT_EQ_INT(s.n, 0);
	clj_close(j);
	UT_EQ_INT(stat(path, &st), 0);
	UT_EQ_INT(st.st_mode & 0777, 0600);
	UT_EQ_INT(st.st_size, CLJ_SIZE);
}


int main(void)
{
	(void)snprintf(dir, sizeof(dir), "/tmp/cljtest.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	(void)snprintf(path, sizeof(path), "%s/calllog.db.journal", dir);

	UT_RUN(test_replay_after_kill);
	UT_RUN(test_ring_laps);
	UT_RUN(test_resident_small);
	UT_RUN(test_torn_record);
	UT_RUN(test_full);
	UT_RUN(test_garbage_file);

	(void)unlink(path);
	(void)rmdir(dir);

	return ut_done();
}
