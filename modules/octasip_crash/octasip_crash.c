/**
 * @file octasip_crash.c  OctaSIP privacy-aware crash reporter and opt-in usage statistics
 *
 * Loaded by baresip as: module (first line)
 *
 * Configuration keys (in baresip's config file):
 *   (none yet)
 *
 * Commands:
 *   (none yet)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include "bsip.h"
#include "octasip_version.h"


static int module_init(void)
{
	int err;

	bsip_olog_attach();

	err = bsip_events_verify("octasip_crash");
	if (err)
		return err;

	info("octasip_crash: OctaSIP %s loaded (baresip API %s)\n",
	     OCTASIP_VERSION, BSIP_API_VERSION);

	return 0;
}


static int module_close(void)
{
	debug("octasip_crash: unloaded\n");

	return 0;
}


const struct mod_export exports = {
	"octasip_crash",
	"application",
	module_init,
	module_close,
};
