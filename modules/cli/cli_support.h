/**
 * @file cli_support.h  octasip support bundle: what its files share
 *                      (private to modules/cli)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CLI_SUPPORT_H
#define OCTASIP_CLI_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "scrub.h"

struct cli_ctx;
struct keysrc_opt;
struct vault;

struct bundle {
	const struct cli_ctx *ctx;
	struct scrub sc;
	char *text;              /* the bundle so far                  */
	size_t len, sz;
	int err;
	bool addresses;          /* --include-addresses                */
	char config[4200];
	char *output;            /* recent baresip output, scrubbed    */
	const char *output_src;
	char *reginfo;           /* live /reginfo, scrubbed            */
	pid_t pid;               /* the baresip on this profile, or 0  */
};

/* cli_support.c: text into the bundle (P-SUPPORT-1: sup_put() scrubs,
 * sup_append() does not) */
void sup_append(struct bundle *b, const char *s, size_t n);
char *sup_scrubbed(struct bundle *b, const char *text);
void sup_put(struct bundle *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* One read-only command to the baresip on the profile (ENOTCONN: none) */
int sup_live_query(struct bundle *b, const char *cmd, char **datap);
/* YYYY-MM-DD of t (UTC), or "-" */
void sup_day(char *buf, size_t sz, int64_t t);

/* cli_supsect.c */
void sup_sec_versions(struct bundle *b);
void sup_sec_modules(struct bundle *b, const char *cfg);
void sup_sec_config(struct bundle *b, const char *cfg);
void sup_sec_perm(struct bundle *b);
void sup_sec_calllog(struct bundle *b);
void sup_sec_crash(struct bundle *b);
void sup_sec_live(struct bundle *b);
void sup_output_load(struct bundle *b);
void sup_sec_output(struct bundle *b);

/* cli_supacct.c */
struct vault *sup_vault_quiet(const struct bundle *b,
			      struct keysrc_opt *ko, char *cred,
			      size_t csz, char *msg, size_t msz);
void sup_sec_accounts(struct bundle *b, const struct vault *v);
void sup_sec_vault(struct bundle *b, const struct vault *v,
		   const struct keysrc_opt *ko, const char *msg);

#endif
