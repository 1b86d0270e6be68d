/**
 * @file adapt_1_0.c  What only baresip 1.0.0 (libre 1.1.x) needs
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <stdint.h>
#include "common/bsip.h"


#define TRANSP_FIELDS 24
#define LE_FIELDS     (sizeof(struct le) / sizeof(uintptr_t))


/* 1.0.0 keeps one current UA, the one the menu's commands act on */
void bsip_ua_forget(struct ua *ua)
{
	struct le *le;

	if (!ua || !uag_current || uag_current() != ua)
		return;

	for (le = list_head(uag_list()); le; le = le->next) {
		if (le->data != ua)
			break;
	}

	uag_current_set(le ? le->data : NULL);
}


/*
 * baresip 1.0.0 exports no accessor for its SIP TLS context.  The
 * transport is an element of libre 1.1.x's transport list, the first
 * field of struct sip (a struct list); each element (libre's
 * src/sip/transp.c) holds its list element, its local address, then the
 * struct sip, its struct tls, its socket and its transport type.  The
 * field equal to uag_sip() (after the list element) marks the place; the
 * type must be SIP_TRANSP_TLS and the tls non-NULL, else NULL.
 */
static struct tls *sip_tls(void)
{
	struct sip *sip = uag_sip();
	const struct list *l = (const struct list *)(void *)sip;
	struct le *le;

	if (!sip)
		return NULL;

	for (le = list_head(l); le; le = le->next) {

		const uintptr_t *f = le->data;
		size_t k;

		if (!f || f[LE_FIELDS - 1] != (uintptr_t)f)
			continue;   /* struct le's data is the transport */

		for (k = LE_FIELDS; k + 3 < TRANSP_FIELDS; ++k) {

			if (f[k] != (uintptr_t)sip)
				continue;

			if ((uint32_t)f[k + 3] == SIP_TRANSP_TLS && f[k + 1])
				return (struct tls *)f[k + 1];
			break;
		}
	}

	return NULL;
}


/* 1.0.0 never verifies the server itself */
void *bsip_sip_tls_ctx(void)
{
	struct tls *tls = sip_tls();

	return tls ? tls_openssl_context(tls) : NULL;
}
