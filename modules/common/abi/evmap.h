/**
 * @file evmap.h  The core's event numbers to enum bsip_ev, by name
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_ABI_EVMAP_H
#define OCTASIP_ABI_EVMAP_H

/* More than any family's event count (1.0: 24, 1.1: 29, 4.10: 38) */
#define EVMAP_NATIVE_MAX 64

struct evmap {
	enum bsip_ev map[EVMAP_NATIVE_MAX];
	const char *missing;   /* the first bsip_ev the core lacks */
	bool ok;
};

/* The core's name of its event number n, or NULL / "?" for none */
typedef const char *(evmap_name_h)(int n);

/* Map every core event number; EPROTO (m->missing set) if one is lacking */
int evmap_build(struct evmap *m, evmap_name_h *nameh);
/* evmap_build(), with one log line naming a missing event */
int evmap_require(struct evmap *m, evmap_name_h *nameh, const char *modname);
enum bsip_ev evmap_get(const struct evmap *m, int native);
enum bsip_ev evmap_from_name(const char *name);
const char *evmap_name(enum bsip_ev ev);

#endif
