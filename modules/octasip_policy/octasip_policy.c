/**
 * @file octasip_policy.c  OctaSIP permission policy, encryption policy, fraud guard, microphone gate
 *
 * Loaded by baresip as: module (before audio filters and account.so)
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

	err = bsip_events_verify("octasip_policy");
	if (err)
		return err;

	info("octasip_policy: OctaSIP %s loaded (baresip API %s)\n",
	     OCTASIP_VERSION, BSIP_API_VERSION);

	return 0;
}


static int module_close(void)
{
	debug("octasip_policy: unloaded\n");

	return 0;
}


const struct mod_export exports = {
	"octasip_policy",
	"application",
	module_init,
	module_close,
};
