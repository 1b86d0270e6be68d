/**
 * @file recstore.h  Recordings on disk: the retention limit
 *
 * baresip's sndfile module writes calls as dump-<time>-enc.wav and
 * dump-<time>-dec.wav into snd_path.  recstore_prune() deletes those
 * older than the retention limit; the policy runs it at start and after
 * every call.  Only files named dump-*.wav are touched.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_RECSTORE_H
#define OCTASIP_RECSTORE_H

#include <stddef.h>

/* delete dump-*.wav in dir last modified before now - max_age_s;
 * *deleted gets the count.  0 or errno (opendir). */
int recstore_prune(const char *dir, long long now, long long max_age_s,
		   size_t *deleted);

#endif
