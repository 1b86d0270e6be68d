/**
 * @file jsonw_odict.c  JSON text decoded by libre, written by jsonw
 *
 * Entries are read through recompat.h: libre 1.x declares struct
 * odict_entry, re 4.x hides it behind accessor functions.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <re.h>
#include "jsonw.h"
#include "recompat.h"




static int container(struct jsonw *w, const struct odict *o, bool obj);

static int value(struct jsonw *w, const struct odict_entry *e)
{
	switch (oent_type(e)) {

	case ODICT_OBJECT: return container(w, oent_odict(e), true);
	case ODICT_ARRAY:  return container(w, oent_odict(e), false);
	case ODICT_STRING: return jsonw_str(w, oent_str(e));
	case ODICT_INT:    return jsonw_int(w, oent_int(e));
	case ODICT_DOUBLE: return jsonw_double(w, oent_dbl(e));
	case ODICT_BOOL:   return jsonw_bool(w, oent_bool(e));
	default:           return jsonw_null(w);
	}
}


static int container(struct jsonw *w, const struct odict *o, bool obj)
{
	struct le *le;

	if (obj ? jsonw_obj_open(w) : jsonw_arr_open(w))
		return w->err;

	for (le = o ? o->lst.head : NULL; le && !w->err; le = le->next) {
		const struct odict_entry *e = le->data;

		if (obj && jsonw_key(w, oent_key(e)))
			break;
		(void)value(w, e);
	}

	if (w->err)
		return w->err;

	return obj ? jsonw_obj_close(w) : jsonw_arr_close(w);
}


int jsonw_decoded(struct jsonw *w, const char *json, size_t n,
		  unsigned maxdepth)
{
	struct odict *o = NULL;
	size_t i = 0;
	bool obj;
	int err;

	if (!w || !json)
		return EINVAL;

	while (i < n && (json[i] == ' ' || json[i] == '\t' ||
			 json[i] == '\n' || json[i] == '\r'))
		++i;
	if (i == n || (json[i] != '{' && json[i] != '['))
		return EBADMSG;
	obj = json[i] == '{';

	err = json_decode_odict(&o, 32, json, n, maxdepth);
	if (err)
		return EBADMSG;

	err = container(w, o, obj);
	mem_deref(o);

	return err;
}
