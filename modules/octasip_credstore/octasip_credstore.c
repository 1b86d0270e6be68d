/**
 * @file octasip_credstore.c  OctaSIP secure credential store
 *
 * Loaded by baresip as: module (before module_tmp account.so)
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

	err = bsip_events_verify("octasip_credstore");
	if (err)
		return err;

	info("octasip_credstore: OctaSIP %s loaded (baresip API %s)\n",
	     OCTASIP_VERSION, BSIP_API_VERSION);

	return 0;
}


static int module_close(void)
{
	debug("octasip_credstore: unloaded\n");

	return 0;
}


const struct mod_export exports = {
	"octasip_credstore",
	"application",
	module_init,
	module_close,
};
