/**
 * @file profile.h  Where the OctaSIP profile directory is
 *
 * Order: an explicit directory (-d DIR), else $OCTASIP_HOME, else
 * ${XDG_CONFIG_HOME:-$HOME/.config}/octasip.  Inside baresip the profile is
 * baresip's config directory (conf_path_get()).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_PROFILE_H
#define OCTASIP_PROFILE_H

#include <stddef.h>

/* Names of the files in the profile (INTERFACE.md) */
#define PROFILE_CONFIG      "config"
#define PROFILE_ACCOUNTS    "accounts"
#define PROFILE_CONTACTS    "contacts"
#define PROFILE_CALLLOG     "calllog.db"
#define PROFILE_VAULT       "vault"
#define PROFILE_PERMISSIONS "permissions"
#define PROFILE_PERMISSIONS_AUDIT "permissions.audit"
#define PROFILE_CRASHDIR    "crash"
#define PROFILE_RECORDINGS  "recordings"

int profile_resolve(char *buf, size_t sz, const char *explicit_dir);

#endif
