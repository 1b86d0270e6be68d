/**
 * @file leakprobe.c  Positive control for the valgrind and ASan leak checks
 *
 * valgrind_call.py preloads this library (LD_PRELOAD) into a baresip run
 * under memcheck, and tests/soak/soak.py into every baresip run of an
 * ASan build (LeakSanitizer).  Its constructor loses one allocation and
 * branches on an uninitialised byte; each analysis must blame what its
 * tool sees on OctaSIP code.  If it did not, a real leak in the modules would pass as
 * well.  Built as octasip_leakprobe.so because the analysis recognises
 * OctaSIP objects by that prefix.  Test only: never installed.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <stdio.h>
#include <stdlib.h>

void *volatile leakprobe_sink;


__attribute__((constructor))
static void leakprobe(void)
{
	volatile unsigned char *u = malloc(1);
	char *lost = malloc(48);

	if (!u || !lost) {
		free((void *)u);
		free(lost);
		return;
	}

	/* definitely lost: the only pointer is overwritten */
	lost[0] = 'x';
	leakprobe_sink = lost;
	leakprobe_sink = NULL;

	/* a branch on a byte nobody wrote */
	if (u[0] == 42)
		(void)fputs("leakprobe\n", stderr);

	free((void *)u);
}
