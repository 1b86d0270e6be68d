/**
 * @file recompat.h  What differs between the libre releases OctaSIP
 *                   builds against (1.1, 2.0, 4.x)
 *
 * Plain C on libre, for the modules and the octasip tool alike.  Which
 * form libre has is probed by CMake (modules/common/CMakeLists.txt) and
 * used in recompat.c only:
 *
 *  - re 3.0 keys a watched descriptor by a handle (struct re_fhs) that
 *    fd_listen() returns and fd_close() takes, where earlier releases
 *    take the descriptor itself;
 *  - re 4.x makes struct odict_entry opaque and reads it through
 *    odict_entry_type(), _key(), ... which earlier releases lack.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_RECOMPAT_H
#define OCTASIP_RECOMPAT_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>

/*
 * A descriptor on libre's main loop.  *fhsp is libre's handle for it (re
 * >= 3), NULL when it is not listened to; start from NULL.  Listening
 * again changes the flags or handler.
 */
int  refd_listen(void **fhsp, int fd, int flags, fd_h *fh, void *arg);
void refd_close(void **fhsp, int fd);

/*
 * A dictionary entry's type, key and value (0, NULL or false when the
 * entry is of another type)
 */
enum odict_type oent_type(const struct odict_entry *e);
const char     *oent_key(const struct odict_entry *e);
int64_t         oent_int(const struct odict_entry *e);
struct odict   *oent_odict(const struct odict_entry *e);  /* obj/array */
const char     *oent_str(const struct odict_entry *e);
double          oent_dbl(const struct odict_entry *e);
bool            oent_bool(const struct odict_entry *e);

#endif
