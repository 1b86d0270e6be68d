/**
 * @file jsonw_odict.c  JSON text decoded by libre, written by jsonw
 *
 * libre 1.x declares struct odict_entry; later versions hide it behind
 * accessor functions (HAVE_RE_ODICT_ENTRY_API, found by CMake).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <re.h>
#include "jsonw.h"


#ifdef HAVE_RE_ODICT_ENTRY_API
#define E_TYPE(e) odict_entry_type(e)
#define E_KEY(e)  odict_entry_key(e)
#define E_DICT(e) odict_entry_object(e)   /* object or array */
#define E_STR(e)  odict_entry_str(e)
#define E_INT(e)  odict_entry_int(e)
#define E_DBL(e)  odict_entry_dbl(e)
#define E_BOOL(e) odict_entry_boolean(e)
#else
#define E_TYPE(e) ((e)->type)
#define E_KEY(e)  ((e)->key)
#define E_DICT(e) ((e)->u.odict)
#define E_STR(e)  ((e)->u.str)
#define E_INT(e)  ((e)->u.integer)
#define E_DBL(e)  ((e)->u.dbl)
#define E_BOOL(e) ((e)->u.boolean)
#endif


static int container(struct jsonw *w, const struct odict *o, bool obj);

static int value(struct jsonw *w, const struct odict_entry *e)
{
	switch (E_TYPE(e)) {

	case ODICT_OBJECT: return container(w, E_DICT(e), true);
	case ODICT_ARRAY:  return container(w, E_DICT(e), false);
	case ODICT_STRING: return jsonw_str(w, E_STR(e));
	case ODICT_INT:    return jsonw_int(w, E_INT(e));
	case ODICT_DOUBLE: return jsonw_double(w, E_DBL(e));
	case ODICT_BOOL:   return jsonw_bool(w, E_BOOL(e));
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

		if (obj && jsonw_key(w, E_KEY(e)))
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
