/**
 * @file evthread.c  Test module: core events emitted on a thread of its
 *                   own, as baresip 4.10's sndfile emits them from the
 *                   audio threads
 *
 * "/evthread N" joins the previous run's thread and starts one that
 * emits N events with module_event("evthread", "tick", NULL, NULL,
 * "<i>"), i = 0 .. N-1, then one "done".  Every handler the core knows
 * is called on that thread, while the main thread serves the control
 * channel (tests/e2e/ctrl/test_ctrl_threads.py).  baresip 1.0.0 has no
 * module_event(): the command then says so.
 *
 * Config keys: none.  Commands: /evthread N.  Tests only: never
 * installed.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <pthread.h>
#include <stdlib.h>
#include "common/bsip.h"

/* 1.1.0 and 4.x; not in 1.0.0 */
void module_event(const char *module, const char *event, struct ua *ua,
		  struct call *call, const char *fmt, ...)
	__attribute__((weak));

static struct {
	pthread_t th;
	bool running;
	unsigned n;
} t;


static void *worker(void *arg)
{
	unsigned i;

	(void)arg;

	for (i = 0; i < t.n; ++i)
		module_event("evthread", "tick", NULL, NULL, "%u", i);
	module_event("evthread", "done", NULL, NULL, "%u", t.n);

	return NULL;
}


static void join(void)
{
	if (t.running)
		(void)pthread_join(t.th, NULL);
	t.running = false;
}


static int cmd_evthread(struct re_printf *pf, void *arg)
{
	const struct cmd_arg *carg = arg;

	if (!module_event)
		return re_hprintf(pf, "evthread: no module_event() here\n");

	join();
	t.n = carg && carg->prm ? (unsigned)strtoul(carg->prm, NULL, 10) : 0;
	if (pthread_create(&t.th, NULL, worker, NULL))
		return re_hprintf(pf, "evthread: no thread\n");
	t.running = true;

	return re_hprintf(pf, "evthread: started %u\n", t.n);
}


static const struct cmd cmdv[] = {
	{"evthread", 0, CMD_PRM, "emit N events from a thread", cmd_evthread},
};


static int module_init(void)
{
	return cmd_register(baresip_commands(), cmdv,
			    sizeof(cmdv) / sizeof(cmdv[0]));
}


static int module_close(void)
{
	join();
	cmd_unregister(baresip_commands(), cmdv);

	return 0;
}


OCTASIP_EXPORT const struct mod_export exports = {
	"evthread",
	"application",
	module_init,
	module_close,
};
