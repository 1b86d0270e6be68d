/**
 * @file cli_data.c  octasip data export and octasip data wipe
 *
 * Not built yet: each subcommand fails with a clear message instead of
 * pretending, until the area's issue fills this file in.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include "cli.h"


int cli_data(int argc, char **argv, struct cli_ctx *ctx)
{
	(void)argc; (void)argv; (void)ctx;
	return cli_err("'data' is not available in this build yet");
}
