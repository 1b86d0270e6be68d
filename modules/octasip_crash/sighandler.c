/**
 * @file sighandler.c  The fatal-signal handler (see sighandler.h)
 *
 * Everything the handler touches is prepared outside it: the directory
 * descriptor, the version/OS line, the module table (double-buffered, the
 * handler reads the current one through an atomic index), backtrace()
 * (called once at install so libgcc is loaded and nothing allocates
 * later).  In the handler: atomics, write(2), openat(2), fsync(2),
 * clock_gettime(2), sigaction(2), alarm(2), raise(3), kill(2), _exit(2).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include "sighandler.h"


enum {
	MOD_MAX = 192,
	MOD_NAME = 64,
	BID_HEX = 65,
	FRAMES = 64,
	ALTSTACK = 64 * 1024,
};

struct modent {
	uintptr_t lo;
	uintptr_t hi;
	char name[MOD_NAME];
	char bid[BID_HEX];
};

struct modtab {
	unsigned n;
	struct modent v[MOD_MAX];
};

static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
#define NSIGS (sizeof(sigs) / sizeof(sigs[0]))

static struct {
	bool installed;
	int dirfd;
	unsigned watchdog_s;
	struct sigaction old[NSIGS];
	struct sigaction old_alrm;
	bool own_altstack;
	char header[512];          /* version and OS lines, pre-formatted */
	char exe[MOD_NAME];        /* basename of the main program      */
	struct timespec start;
	struct modtab tab[2];
	atomic_int cur;
	atomic_int calls;
	atomic_bool storage;
	atomic_long owner;         /* thread id reporting, 0 = nobody   */
	volatile sig_atomic_t sig;
	void (*hook)(int sig);
	void *frames[FRAMES];
	char buf[4096];            /* record output buffer               */
	size_t blen;
	int fd;
} h = {.dirfd = -1, .fd = -1};

static _Alignas(16) char altstack[ALTSTACK];


/* ---- async-signal-safe output ---------------------------------------- */

static void out_flush(void)
{
	size_t off = 0;

	while (h.fd >= 0 && off < h.blen) {
		ssize_t n = write(h.fd, h.buf + off, h.blen - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}

	h.blen = 0;
}


static void out_str(const char *s)
{
	while (*s) {
		if (h.blen == sizeof(h.buf))
			out_flush();
		h.buf[h.blen++] = *s++;
	}
}


static void out_u64(uint64_t v)
{
	char tmp[24];
	int i = (int)sizeof(tmp) - 1;

	tmp[i] = '\0';
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);

	out_str(tmp + i);
}


static void out_hex(uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[24];
	int i = (int)sizeof(tmp) - 1;

	tmp[i] = '\0';
	do {
		tmp[--i] = digits[v & 0xf];
		v >>= 4;
	} while (v && i > 2);

	tmp[--i] = 'x';
	tmp[--i] = '0';
	out_str(tmp + i);
}


static void out_kv(const char *k, uint64_t v)
{
	out_str(k);
	out_str(" ");
	out_u64(v);
	out_str("\n");
}


/* "IDX 0xOFFSET" of an address in the table, or "- 0x0" */
static void out_addr(const struct modtab *t, uintptr_t a)
{
	unsigned i;

	for (i = 0; i < t->n; ++i) {
		if (a >= t->v[i].lo && a < t->v[i].hi) {
			out_u64(i);
			out_str(" ");
			out_hex(a - t->v[i].lo);
			return;
		}
	}

	out_str("- 0x0");
}


static uintptr_t context_pc(const void *ucv)
{
	const ucontext_t *uc = ucv;

	if (!uc)
		return 0;
#if defined(__x86_64__)
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uintptr_t)uc->uc_mcontext.pc;
#elif defined(__i386__)
	return (uintptr_t)uc->uc_mcontext.gregs[REG_EIP];
#else
	return 0;
#endif
}


static void write_record(int sig, const siginfo_t *si, const void *uc)
{
	const struct modtab *t = &h.tab[atomic_load(&h.cur) & 1];
	char name[64] = "raw-";
	struct timespec now, mono;
	size_t k = 4;
	unsigned i;
	int n;

	(void)clock_gettime(CLOCK_REALTIME, &now);
	(void)clock_gettime(CLOCK_MONOTONIC, &mono);

	/* raw-SECONDS-PID.raw, formatted by hand */
	{
		char num[24];
		uint64_t parts[2] = {(uint64_t)now.tv_sec,
				     (uint64_t)getpid()};
		int p;

		for (p = 0; p < 2; ++p) {
			int j = (int)sizeof(num) - 1;
			uint64_t v = parts[p];

			num[j] = '\0';
			do {
				num[--j] = (char)('0' + v % 10);
				v /= 10;
			} while (v && j > 0);
			while (num[j] && k < sizeof(name) - 8)
				name[k++] = num[j++];
			name[k++] = p ? '.' : '-';
		}
		memcpy(name + k, "raw", 4);
	}

	h.fd = openat(h.dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		      0600);
	if (h.fd < 0)
		return;

	h.blen = 0;
	out_str(CRASH_RAW_MAGIC "\n");
	out_kv("signal", (uint64_t)sig);
	out_kv("code", (uint64_t)(int64_t)(si ? si->si_code : 0));
	if (si && si->si_code > 0) {
		out_str("addr ");
		out_hex((uintptr_t)si->si_addr);
		out_str("\nsender fault\n");
	}
	else {
		out_str("sender user\n");
	}
	out_kv("time", (uint64_t)now.tv_sec);
	out_kv("uptime_ms",
	       (uint64_t)((mono.tv_sec - h.start.tv_sec) * 1000 +
			  (mono.tv_nsec - h.start.tv_nsec) / 1000000));
	out_kv("calls", (uint64_t)atomic_load(&h.calls));
	out_str(h.header);

	for (i = 0; i < t->n; ++i) {
		out_str("module ");
		out_u64(i);
		out_str(" ");
		out_hex(t->v[i].hi - t->v[i].lo);
		out_str(" ");
		out_str(t->v[i].bid[0] ? t->v[i].bid : "-");
		out_str(" ");
		out_str(t->v[i].name);
		out_str("\n");
	}

	/* tests: crash again or hang with part of the record written */
	if (h.hook) {
		out_flush();
		h.hook(sig);
	}

	if (context_pc(uc)) {
		out_str("pc ");
		out_addr(t, context_pc(uc));
		out_str("\n");
	}

	n = backtrace(h.frames, FRAMES);
	for (i = 0; n > 0 && i < (unsigned)n; ++i) {
		out_str("frame ");
		out_addr(t, (uintptr_t)h.frames[i]);
		out_str("\n");
	}

	out_str("end\n");
	out_flush();
	(void)fsync(h.fd);
	(void)close(h.fd);
	h.fd = -1;
}


static void restore_all(void)
{
	size_t i;

	for (i = 0; i < NSIGS; ++i)
		(void)sigaction(sigs[i], &h.old[i], NULL);
}


static void set_default(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(sig, &sa, NULL);
}


/* The handler hung: end the process with the signal it was reporting */
static void on_watchdog(int s)
{
	int sig = h.sig ? h.sig : SIGABRT;
	sigset_t set;

	(void)s;
	set_default(sig);
	(void)sigemptyset(&set);
	(void)sigaddset(&set, sig);
	(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
	(void)kill(getpid(), sig);
	_exit(128 + sig);
}


static void on_crash(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;
	long tid = (long)syscall(SYS_gettid);
	long expected = 0;
	struct sigaction sa;

	if (!atomic_compare_exchange_strong(&h.owner, &expected, tid)) {

		if (expected == tid) {
			/* crashed inside the handler: end now, as sig */
			set_default(sig);
			(void)raise(sig);
			_exit(128 + sig);
		}

		/* another thread is reporting; it ends the process */
		for (;;)
			(void)pause();
	}

	h.sig = sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_watchdog;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGALRM, &sa, NULL);
	(void)alarm(h.watchdog_s);

	if (atomic_load(&h.storage) && h.dirfd >= 0)
		write_record(sig, si, uc);

	restore_all();
	(void)alarm(0);
	errno = saved;

	/* the previous disposition (normally the default: core dump) */
	(void)raise(sig);

	/* a fault returns to the faulting instruction and faults again */
	if (si && si->si_code > 0)
		return;

	/* still alive: the signal was sent and is ignored (PID 1) */
	_exit(128 + sig);
}


/* ---- module table (main thread) ----------------------------------------- */

static void base_name(char *dst, size_t sz, const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n >= sz)
		n = sz - 1;
	memcpy(dst, b, n);
	dst[n] = '\0';
}


static void note_build_id(struct modent *m, uintptr_t p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	uintptr_t end = p + len;

	while (p + sizeof(ElfW(Nhdr)) <= end) {

		const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
		uintptr_t name = p + sizeof(*nh);
		uintptr_t desc = name + ((nh->n_namesz + 3u) & ~3u);
		uintptr_t next = desc + ((nh->n_descsz + 3u) & ~3u);

		if (next > end || next <= p)
			return;

		if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
		    !memcmp((const void *)name, "GNU", 4)) {

			const uint8_t *d = (const uint8_t *)desc;
			size_t i, n = nh->n_descsz;

			if (n > (BID_HEX - 1) / 2)
				n = (BID_HEX - 1) / 2;
			for (i = 0; i < n; ++i) {
				m->bid[2 * i] = digits[d[i] >> 4];
				m->bid[2 * i + 1] = digits[d[i] & 0xf];
			}
			m->bid[2 * n] = '\0';
			return;
		}

		p = next;
	}
}


static int phdr_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct modtab *t = arg;
	struct modent *m;
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	int i;

	(void)size;

	if (t->n >= MOD_MAX)
		return 1;

	m = &t->v[t->n];
	memset(m, 0, sizeof(*m));

	for (i = 0; i < info->dlpi_phnum; ++i) {

		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD) {
			if (a < lo)
				lo = a;
			if (a + ph->p_memsz > hi)
				hi = a + ph->p_memsz;
		}
		else if (ph->p_type == PT_NOTE && !m->bid[0]) {
			note_build_id(m, a, ph->p_memsz);
		}
	}

	if (lo >= hi)
		return 0;

	m->lo = lo;
	m->hi = hi;

	if (info->dlpi_name && info->dlpi_name[0])
		base_name(m->name, sizeof(m->name), info->dlpi_name);
	else if (t->n == 0)
		(void)snprintf(m->name, sizeof(m->name), "%s", h.exe);
	else
		(void)snprintf(m->name, sizeof(m->name), "?");

	++t->n;

	return 0;
}


int crash_sig_modules_refresh(void)
{
	int next = (atomic_load(&h.cur) + 1) & 1;

	/* never rewrite a table while a crash is being reported */
	if (atomic_load(&h.owner))
		return EBUSY;

	h.tab[next].n = 0;
	(void)dl_iterate_phdr(phdr_cb, &h.tab[next]);
	atomic_store(&h.cur, next);

	return 0;
}


unsigned crash_sig_module_count(void)
{
	return h.tab[atomic_load(&h.cur) & 1].n;
}


void crash_sig_set_calls(int n)
{
	atomic_store(&h.calls, n);
}


void crash_sig_set_storage(bool allowed)
{
	atomic_store(&h.storage, allowed);
}


void crash_sig_set_test_hook(void (*hook)(int sig))
{
	h.hook = hook;
}


bool crash_sig_installed(void)
{
	return h.installed;
}


int crash_sig_install(const struct crash_sig_cfg *cfg)
{
	struct sigaction sa;
	struct utsname un;
	stack_t ss, old;
	char exe[4096];
	ssize_t n;
	size_t i;

	if (!cfg || cfg->dirfd < 0)
		return EINVAL;

	if (h.installed)
		return EALREADY;

	h.dirfd = cfg->dirfd;
	h.watchdog_s = cfg->watchdog_s ? cfg->watchdog_s : 3;
	(void)clock_gettime(CLOCK_MONOTONIC, &h.start);
	atomic_store(&h.storage, true);

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	base_name(h.exe, sizeof(h.exe), n > 0 ? exe : "?");

	/* only sysname, release and machine: never the host name */
	if (uname(&un) != 0)
		memset(&un, 0, sizeof(un));
	(void)snprintf(h.header, sizeof(h.header),
		       "octasip %s\nbaresip %s\nos %s %s %s\n",
		       cfg->octasip_version ? cfg->octasip_version : "?",
		       cfg->baresip_version ? cfg->baresip_version : "?",
		       un.sysname[0] ? un.sysname : "?",
		       un.release[0] ? un.release : "?",
		       un.machine[0] ? un.machine : "?");

	/* load libgcc's unwinder now, not inside the handler */
	(void)backtrace(h.frames, FRAMES);

	(void)crash_sig_modules_refresh();

	/* keep an alternate stack someone else set up (per thread) */
	if (sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE)) {
		memset(&ss, 0, sizeof(ss));
		ss.ss_sp = altstack;
		ss.ss_size = sizeof(altstack);
		if (sigaltstack(&ss, NULL) != 0)
			return errno;
		h.own_altstack = true;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_crash;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	(void)sigemptyset(&sa.sa_mask);

	for (i = 0; i < NSIGS; ++i) {
		if (sigaction(sigs[i], &sa, &h.old[i]) != 0) {
			int err = errno;

			while (i--)
				(void)sigaction(sigs[i], &h.old[i], NULL);
			return err;
		}
	}

	h.installed = true;

	return 0;
}


void crash_sig_uninstall(void)
{
	stack_t ss;

	if (!h.installed)
		return;

	restore_all();

	if (h.own_altstack) {
		memset(&ss, 0, sizeof(ss));
		ss.ss_flags = SS_DISABLE;
		(void)sigaltstack(&ss, NULL);
		h.own_altstack = false;
	}

	h.installed = false;
	h.dirfd = -1;
}
