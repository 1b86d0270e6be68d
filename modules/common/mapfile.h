/**
 * @file mapfile.h  A fixed-size file in the profile, mapped shared and
 *                  held by one process
 *
 * What the call log's journal (calllog.db.journal) and the policy's
 * pending audit lines (permissions.audit.pending) are kept in: a file
 * whose pages belong to the kernel's page cache, so what a process
 * stored into the mapping survives a kill -9 of that process (not a
 * power loss: nothing is synced).
 *
 * mapfile_open() opens the file (O_NOFOLLOW: a symlink is refused),
 * makes it 0600, takes an exclusive flock() (EBUSY while another process
 * holds it: a second baresip, or the CLI while baresip runs) and, when
 * its size is not size or okh() does not accept what it holds, writes
 * it full of zeros once (fresh is then set): its blocks are allocated
 * and written, so a store into the mapping never needs disk space (no
 * SIGBUS on a full disk).  All functions return 0 or an errno value.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_MAPFILE_H
#define OCTASIP_MAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mapfile {
	int fd;
	uint8_t *map;
	size_t size;
	bool fresh;             /* zero-filled by this open             */
};

/* Does the file (size bytes, open on fd) hold what its user wrote? */
typedef bool (mapfile_ok_h)(int fd);

int  mapfile_open(struct mapfile *mf, const char *path, size_t size,
		  bool create, mapfile_ok_h *okh);
void mapfile_close(struct mapfile *mf);

#endif
