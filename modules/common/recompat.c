/**
 * @file recompat.c  One interface over the libre releases (recompat.h)
 *
 * RECOMPAT_FHS: fd_listen() takes a struct re_fhs ** (re >= 3.0).
 * RECOMPAT_ODICT_OPAQUE: struct odict_entry is opaque and read through
 * odict_entry_*() (re 4.x).  Both are probed by CMake against the libre
 * the build uses.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include "common/recompat.h"


int refd_listen(void **fhsp, int fd, int flags, fd_h *fh, void *arg)
{
#if RECOMPAT_FHS
	struct re_fhs *fhs = *fhsp;
	int err;

	/* flags 0 stopped listening before re 3.0; now it is EINVAL */
	if (!flags) {
		refd_close(fhsp, fd);
		return 0;
	}

	err = fd_listen(&fhs, fd, flags, fh, arg);
	*fhsp = fhs;

	return err;
#else
	*fhsp = NULL;

	return fd_listen(fd, flags, fh, arg);
#endif
}


void refd_close(void **fhsp, int fd)
{
#if RECOMPAT_FHS
	(void)fd;
	*fhsp = fd_close(*fhsp);
#else
	*fhsp = NULL;
	fd_close(fd);
#endif
}


#if RECOMPAT_ODICT_OPAQUE

enum odict_type oent_type(const struct odict_entry *e)
{
	return odict_entry_type(e);
}


const char *oent_key(const struct odict_entry *e)
{
	return odict_entry_key(e);
}


int64_t oent_int(const struct odict_entry *e)
{
	return odict_entry_int(e);
}


struct odict *oent_odict(const struct odict_entry *e)
{
	enum odict_type t = odict_entry_type(e);

	return t == ODICT_OBJECT ? odict_entry_object(e) :
		t == ODICT_ARRAY ? odict_entry_array(e) : NULL;
}


const char *oent_str(const struct odict_entry *e)
{
	return odict_entry_type(e) == ODICT_STRING ? odict_entry_str(e) :
		NULL;
}


double oent_dbl(const struct odict_entry *e)
{
	return odict_entry_type(e) == ODICT_DOUBLE ? odict_entry_dbl(e) : 0;
}


bool oent_bool(const struct odict_entry *e)
{
	return odict_entry_type(e) == ODICT_BOOL && odict_entry_boolean(e);
}

#else

enum odict_type oent_type(const struct odict_entry *e)
{
	return e->type;
}


const char *oent_key(const struct odict_entry *e)
{
	return e->key;
}


int64_t oent_int(const struct odict_entry *e)
{
	return e->type == ODICT_INT ? e->u.integer : 0;
}


struct odict *oent_odict(const struct odict_entry *e)
{
	return e->type == ODICT_OBJECT || e->type == ODICT_ARRAY ?
		e->u.odict : NULL;
}


const char *oent_str(const struct odict_entry *e)
{
	return e->type == ODICT_STRING ? e->u.str : NULL;
}


double oent_dbl(const struct odict_entry *e)
{
	return e->type == ODICT_DOUBLE ? e->u.dbl : 0;
}


bool oent_bool(const struct odict_entry *e)
{
	return e->type == ODICT_BOOL && e->u.boolean;
}

#endif
