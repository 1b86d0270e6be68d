/**
 * @file cli_policy.c  octasip perm
 *
 * Not built yet: each subcommand fails with a clear message instead of
 * pretending, until the area's issue fills this file in.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include "cli.h"


int cli_perm(int argc, char **argv, struct cli_ctx *ctx)
{
	(void)argc; (void)argv; (void)ctx;
	return cli_err("'perm' is not available in this build yet");
}

int cli_policy_profile_init(const struct cli_ctx *ctx)
{
	(void)ctx;
	return 0;
}
