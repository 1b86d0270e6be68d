/**
 * @file cli_credstore.c  octasip account and octasip vault
 *
 * Not built yet: each subcommand fails with a clear message instead of
 * pretending, until the area's issue fills this file in.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include "cli.h"


int cli_account(int argc, char **argv, struct cli_ctx *ctx)
{
	(void)argc; (void)argv; (void)ctx;
	return cli_err("'account' is not available in this build yet");
}

int cli_vault(int argc, char **argv, struct cli_ctx *ctx)
{
	(void)argc; (void)argv; (void)ctx;
	return cli_err("'vault' is not available in this build yet");
}

int cli_credstore_profile_init(const struct cli_ctx *ctx)
{
	(void)ctx;
	return 0;
}
