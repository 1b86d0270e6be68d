/**
 * @file sighandler.h  The fatal-signal handler: a raw record, then the
 *                     original crash
 *
 * crash_sig_install() (main thread) catches SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE and SIGABRT on an alternate signal stack.  On a crash the
 * handler, using only async-signal-safe calls (signal-safety(7)):
 *   - takes ownership (one crashing thread reports, others wait);
 *   - arms a watchdog (alarm): a hung handler ends the process with the
 *     original signal after watchdog_s seconds;
 *   - writes a raw record with write(2) through the pre-opened directory
 *     descriptor (openat), from static buffers: signal, code, fault
 *     address, time, uptime, active calls, versions, OS, the module table
 *     (names and GNU build ids, collected earlier on the main thread by
 *     crash_sig_modules_refresh()) and the backtrace as module index +
 *     offset;
 *   - restores the previous dispositions and re-raises, so the exit
 *     status, systemd-coredump and gdb see the original crash.
 * A second crash inside the handler ends the process at once.
 *
 * Raw record format (one "key value" per line, read by report.c):
 *   OCTASIP-CRASH-RAW 1
 *   signal N / code N / addr 0xHEX (faults only) / sender user|fault
 *   time SECONDS / uptime_ms N / calls N
 *   octasip VERSION / baresip VERSION / os SYSNAME RELEASE MACHINE
 *   module IDX SIZE_HEX BUILDID|- NAME
 *   pc IDX|- 0xOFFSET
 *   frame IDX|- 0xOFFSET      (innermost first; "-": outside modules,
 *                             offset 0, no absolute address is kept)
 *   end
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_SIGHANDLER_H
#define OCTASIP_SIGHANDLER_H

#include <stdbool.h>

#define CRASH_RAW_MAGIC "OCTASIP-CRASH-RAW 1"
#define CRASH_RAW_SUFFIX ".raw"

struct crash_sig_cfg {
	int dirfd;                   /* crash/ directory (O_DIRECTORY)  */
	unsigned watchdog_s;         /* 0: 3 seconds                    */
	const char *octasip_version;
	const char *baresip_version;
};

int  crash_sig_install(const struct crash_sig_cfg *cfg);
void crash_sig_uninstall(void);
bool crash_sig_installed(void);

/* main thread, at init and after modules were loaded */
int  crash_sig_modules_refresh(void);
unsigned crash_sig_module_count(void);

/* cheap, any thread: what the next record says / whether it is written */
void crash_sig_set_calls(int n);
void crash_sig_set_storage(bool allowed);

/*
 * Tests only: called inside the handler after the record's header and
 * module table are written, before the stack (to crash again or hang
 * there).
 */
void crash_sig_set_test_hook(void (*hook)(int sig));

#endif
