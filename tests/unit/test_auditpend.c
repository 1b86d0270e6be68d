/**
 * @file test_auditpend.c  permissions.audit.pending: every stored audit
 *                         line reaches the log exactly once, whenever
 *                         a kill -9 comes
 *
 * Real files in a temporary directory and real kills: a child process
 * stores lines and is killed (SIGKILL) before its flush, right after the
 * flush's write(), in the middle of it (half of it written), and before
 * it; the parent then settles the file as the next start or the octasip
 * tool does and reads the log.  writev() is this file's own, which lets
 * a child kill itself at exactly those points.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <re.h>
#include "common/auditpend.h"
#include "common/fileio.h"
#include "utest.h"


enum kill_at {
	KILL_NONE = 0,
	KILL_BEFORE_WRITE,
	KILL_AFTER_WRITE,
	KILL_HALF_WRITTEN,
};

static enum kill_at kill_at;
static char dir[] = "/tmp/octasip-ut-ap-XXXXXX";
static char log_path[512];
static char pend_path[600];

static const char *const lines[] = {
	"1765100000\t2025-12-07T09:33:20Z\tmicrophone\tuse\tcall audio\n",
	"1765100000\t2025-12-07T09:33:20Z\tphone_state\tuse\tautomatic"
	" answer\n",
	"1765100001\t2025-12-07T09:33:21Z\tcontacts\tdeny\tcontact module"
	" unloaded\n",
};


/* The flush's write: the child dies where kill_at says */
ssize_t writev(int fd, const struct iovec *iov, int n)
{
	struct iovec half[2];
	size_t total = 0;
	int i;

	if (kill_at == KILL_BEFORE_WRITE)
		(void)raise(SIGKILL);

	if (kill_at == KILL_HALF_WRITTEN) {
		for (i = 0; i < n; ++i)
			total += iov[i].iov_len;
		memcpy(half, iov, (size_t)n * sizeof(*iov));
		/* the last iovec is the lines: cut in the second one */
		half[n - 1].iov_len = strlen(lines[0]) + 10;
		(void)syscall(SYS_writev, fd, half, n);
		(void)raise(SIGKILL);
	}

	i = (int)syscall(SYS_writev, fd, iov, n);

	if (kill_at == KILL_AFTER_WRITE)
		(void)raise(SIGKILL);

	return i;
}


static char *log_text(void)
{
	uint8_t *buf = NULL;
	size_t len;

	if (fio_read_all(log_path, &buf, &len, 1u << 20))
		return strdup("");

	return (char *)buf;
}


/* UT_EQ_STR at the caller's line: a macro */
#define expect_log(want) do {						\
		char *t_ = log_text();					\
									\
		UT_EQ_STR(t_, (want));					\
		free(t_);						\
	} while (0)


static char *all_lines(void)
{
	static char s[1024];

	(void)snprintf(s, sizeof(s), "%s%s%s", lines[0], lines[1], lines[2]);

	return s;
}


static void reset(void)
{
	(void)unlink(log_path);
	(void)unlink(pend_path);
}


/* Store the three lines, flush with kill_at set; returns the signal */
static int child_run(enum kill_at at)
{
	pid_t pid = fork();
	int status, i;

	if (pid == 0) {
		struct auditpend *ap;
		int fd;

		if (auditpend_open(&ap, log_path) || auditpend_error(ap))
			_exit(3);
		for (i = 0; i < 3; ++i)
			if (auditpend_add(ap, lines[i], strlen(lines[i])))
				_exit(4);
		if (at == KILL_NONE)
			(void)raise(SIGKILL);  /* before any flush */
		fd = open(log_path, O_RDWR | O_APPEND | O_CREAT, 0600);
		kill_at = at;
		(void)auditpend_flush(ap, fd, true);
		_exit(5);
	}

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;

	return WIFSIGNALED(status) ? WTERMSIG(status) : -WEXITSTATUS(status);
}


static void test_flush_writes_and_empties(void)
{
	struct auditpend *ap;
	struct stat st;
	int fd, i;

	reset();
	UT_EQ_INT(auditpend_open(&ap, log_path), 0);
	UT_EQ_INT(auditpend_error(ap), 0);
	UT_EQ_INT(stat(pend_path, &st), 0);
	UT_EQ_INT(st.st_mode & 0777, 0600);
	UT_EQ_INT(st.st_size, AUDITPEND_SIZE);

	for (i = 0; i < 3; ++i)
		UT_EQ_INT(auditpend_add(ap, lines[i], strlen(lines[i])), 0);
	UT_EQ_INT(auditpend_pending(ap), strlen(all_lines()));

	fd = open(log_path, O_RDWR | O_APPEND | O_CREAT, 0600);
	UT_EQ_INT(auditpend_flush(ap, fd, true), 0);
	UT_EQ_INT(auditpend_pending(ap), 0);
	UT_EQ_INT(auditpend_flush(ap, fd, false), 0);
	(void)close(fd);
	mem_deref(ap);

	expect_log(all_lines());

	/* nothing left: settling writes nothing more */
	UT_EQ_INT(auditpend_settle(log_path), 0);
	expect_log(all_lines());
}


static void test_kill_before_flush(void)
{

	reset();
	UT_EQ_INT(child_run(KILL_NONE), SIGKILL);
	expect_log("");

	UT_EQ_INT(auditpend_settle(log_path), 0);
	UT_EQ_INT(auditpend_settle(log_path), 0);
	expect_log(all_lines());
}


/* written, then killed before the area was emptied: not written again */
static void test_kill_after_write(void)
{

	reset();
	UT_EQ_INT(child_run(KILL_AFTER_WRITE), SIGKILL);
	expect_log(all_lines());

	UT_EQ_INT(auditpend_settle(log_path), 0);
	expect_log(all_lines());
}


static void test_kill_before_write(void)
{

	reset();
	UT_EQ_INT(child_run(KILL_BEFORE_WRITE), SIGKILL);
	UT_EQ_INT(auditpend_settle(log_path), 0);
	expect_log(all_lines());
}


/* half a line written: it is ended, and the cut line comes whole */
static void test_kill_half_written(void)
{
	char want[1024], frag[128];
	size_t cut = strlen(lines[0]) + 10;

	reset();
	UT_EQ_INT(child_run(KILL_HALF_WRITTEN), SIGKILL);
	UT_EQ_INT(auditpend_settle(log_path), 0);

	memcpy(frag, lines[1], cut - strlen(lines[0]));
	frag[cut - strlen(lines[0])] = '\0';
	(void)snprintf(want, sizeof(want), "%s%s\n%s%s", lines[0], frag,
		       lines[1], lines[2]);
	expect_log(want);
}


/*
 * A batch written, and the tool appended a line of its own before the
 * kill: the batch's bytes are at the noted offset, nothing repeats.
 * The batch not written and the tool's line at that offset: it is
 * written after the tool's line.
 */
static void test_other_writer(void)
{
	static const char tool[] = "1765100002\t2025-12-07T09:33:22Z\t"
		"storage\tset-allow\tcli\n";
	char want[1024];
	int fd;

	reset();
	UT_EQ_INT(child_run(KILL_AFTER_WRITE), SIGKILL);
	fd = open(log_path, O_WRONLY | O_APPEND);
	UT_EQ_INT(write(fd, tool, strlen(tool)), (ssize_t)strlen(tool));
	(void)close(fd);
	UT_EQ_INT(auditpend_settle(log_path), 0);
	(void)snprintf(want, sizeof(want), "%s%s", all_lines(), tool);
	expect_log(want);

	reset();
	UT_EQ_INT(child_run(KILL_BEFORE_WRITE), SIGKILL);
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	UT_EQ_INT(write(fd, tool, strlen(tool)), (ssize_t)strlen(tool));
	(void)close(fd);
	UT_EQ_INT(auditpend_settle(log_path), 0);
	(void)snprintf(want, sizeof(want), "%s%s", tool, all_lines());
	expect_log(want);
}


/* held by a running process: a second opener and the tool keep off */
static void test_held(void)
{
	struct auditpend *ap, *ap2;

	reset();
	UT_EQ_INT(auditpend_open(&ap, log_path), 0);
	UT_EQ_INT(auditpend_add(ap, lines[0], strlen(lines[0])), 0);
	UT_EQ_INT(auditpend_open(&ap2, log_path), 0);
	UT_EQ_INT(auditpend_error(ap2), EBUSY);
	UT_EQ_INT(auditpend_settle(log_path), EBUSY);
	mem_deref(ap2);
	mem_deref(ap);
	UT_EQ_INT(auditpend_settle(log_path), 0);
	expect_log(lines[0]);
}


/* a symlink in its place is not followed; lines wait in memory */
static void test_symlink_refused(void)
{
	char victim[600];
	struct auditpend *ap;
	struct stat st;
	int fd;

	reset();
	(void)snprintf(victim, sizeof(victim), "%s/victim", dir);
	UT_EQ_INT(fio_write_atomic(victim, "keep", 4, 0600), 0);
	UT_EQ_INT(symlink(victim, pend_path), 0);

	UT_EQ_INT(auditpend_open(&ap, log_path), 0);
	UT_EQ_INT(auditpend_error(ap), ELOOP);
	UT_EQ_INT(auditpend_add(ap, lines[0], strlen(lines[0])), 0);
	fd = open(log_path, O_RDWR | O_APPEND | O_CREAT, 0600);
	UT_EQ_INT(auditpend_flush(ap, fd, true), 0);
	(void)close(fd);
	mem_deref(ap);

	UT_EQ_INT(stat(victim, &st), 0);
	UT_EQ_INT(st.st_size, 4);
	UT_EQ_INT(auditpend_settle(log_path), ELOOP);
	expect_log(lines[0]);
	(void)unlink(victim);
}


/* not ours (garbage, a truncated file): made new, nothing replayed */
static void test_damaged_file(void)
{
	static uint8_t junk[AUDITPEND_SIZE];
	struct auditpend *ap;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(junk); ++i)
		junk[i] = (uint8_t)(i * 131 + 7);

	reset();
	UT_EQ_INT(fio_write_atomic(pend_path, junk, sizeof(junk), 0600), 0);
	UT_EQ_INT(auditpend_settle(log_path), 0);
	UT_EQ_INT(fio_exists(log_path), 0);

	fd = open(pend_path, O_WRONLY | O_TRUNC);
	UT_EQ_INT(write(fd, junk, 100), 100);
	(void)close(fd);
	UT_EQ_INT(auditpend_open(&ap, log_path), 0);
	UT_EQ_INT(auditpend_error(ap), 0);
	UT_EQ_INT(auditpend_pending(ap), 0);
	mem_deref(ap);
}


/* a full area refuses a line; nothing stored is overwritten */
static void test_full(void)
{
	struct auditpend *ap;
	size_t n = 0, len = strlen(lines[0]);
	int err = 0;

	reset();
	UT_EQ_INT(auditpend_open(&ap, log_path), 0);
	while (!err) {
		err = auditpend_add(ap, lines[0], len);
		if (!err)
			n += len;
	}
	UT_EQ_INT(err, ENOSPC);
	UT_EQ_INT(auditpend_pending(ap), n);
	UT_CHECK(n > AUDITPEND_SIZE - 200);
	mem_deref(ap);
}


int main(void)
{
	int err = libre_init();

	if (err || !mkdtemp(dir))
		return 1;
	(void)snprintf(log_path, sizeof(log_path), "%s/permissions.audit",
		       dir);
	(void)snprintf(pend_path, sizeof(pend_path), "%s%s", log_path,
		       AUDITPEND_SUFFIX);

	UT_RUN(test_flush_writes_and_empties);
	UT_RUN(test_kill_before_flush);
	UT_RUN(test_kill_after_write);
	UT_RUN(test_kill_before_write);
	UT_RUN(test_kill_half_written);
	UT_RUN(test_other_writer);
	UT_RUN(test_held);
	UT_RUN(test_symlink_refused);
	UT_RUN(test_damaged_file);
	UT_RUN(test_full);

	reset();
	(void)rmdir(dir);
	libre_close();

	return ut_done();
}
