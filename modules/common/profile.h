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

#include <stdbool.h>
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
#define PROFILE_CURRENT_CONTACT "current_contact"  /* contact.so */
#define PROFILE_SIP_TLS     "sip-tls.pem"  /* octasip run, each run */

/*
 * What each name at the top of the profile is (docs/privacy.md "Profile
 * files"): settings only (kept by data wipe, not in data export) or
 * personal data in one section of the export, which data wipe deletes.
 * A name nobody declared is personal data all the same: exported by
 * name and size (section "other_files") and wiped.  So a file a new
 * baresip module starts writing cannot be forgotten by both.
 */
struct profile_entry {
	const char *name;
	bool prefix;            /* name is a prefix (backups, temp files) */
	bool settings;          /* settings only                          */
	const char *section;    /* export section; NULL for settings      */
};

const struct profile_entry *profile_classify(const char *name);

int profile_resolve(char *buf, size_t sz, const char *explicit_dir);

#endif
