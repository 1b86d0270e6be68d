/**
 * @file cs_api.h  The credential store's API for other modules
 *                 (credstore_api.h): the realm of a vault record
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CS_API_H
#define OCTASIP_CS_API_H

struct vault;

/*
 * vp: where the module keeps its open vault (it may change, and be NULL);
 * path: the vault file.  Both must outlive cs_api_close().
 */
void cs_api_init(struct vault **vp, const char *path);

/* drops realms not yet written */
void cs_api_close(void);

#endif
