/**
 * @file cli_cfgabi.c  The config template for the baresip OctaSIP is built for
 *
 * config/config.in is written for baresip 1.x.  4.x has no module_tmp
 * (modules loaded for the start only) any more: a module_tmp line would
 * be ignored and no account created.  For ABI family 4 (generated
 * octasip_version.h) uuid.so becomes a plain module and every other
 * module_tmp (account.so, type "application") a module_app, which 4.x
 * loads after the UAs, where 1.x ran module_tmp.  And 4.x's core no
 * longer converts sample formats and rates itself (ausine's 48 kHz
 * stereo to G.711's 8 kHz mono): auconv.so and auresamp.so are loaded
 * before the first of those lines.  4.x's menu.so also puts every other
 * established call on hold (a re-INVITE) when a call is established;
 * 1.x never did, and calls that overlap (auto-answer, a PBX's parallel
 * calls) kept their media: call_hold_other_calls no keeps that.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "common/cfgedit.h"
#include "generated/octasip_version.h"


static const char tmp_kw[] = "module_tmp";
static const char conv[] =
	"# baresip 4.x converts sample formats and rates in modules\n"
	"module\t\t\tauconv.so\n"
	"module\t\t\tauresamp.so\n"
	"# as 1.x: no automatic hold of the other calls (menu.so)\n"
	"call_hold_other_calls\tno\n";


static bool is_tmp_line(const uint8_t *p, size_t n)
{
	size_t k = sizeof(tmp_kw) - 1;

	return n > k && !memcmp(p, tmp_kw, k) &&
		(p[k] == ' ' || p[k] == '\t');
}


static bool names_uuid(const uint8_t *p, size_t n)
{
	size_t i = sizeof(tmp_kw) - 1;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		++i;

	return n - i >= 7 && !memcmp(p + i, "uuid.so", 7);
}


int cli_config_for_abi(uint8_t **bufp, size_t *lenp)
{
	const uint8_t *in = *bufp;
	size_t len = *lenp, i = 0, o = 0;
	uint8_t *out;
	bool first = true;

	if (strcmp(BSIP_ABI_FAMILY, "4"))
		return 0;

	/* "module\t" is no longer than "module_tmp" */
	out = malloc(len + sizeof(conv));
	if (!out)
		return ENOMEM;

	while (i < len) {
		const uint8_t *nl = memchr(in + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (in + i)) + 1 : len - i;
		size_t k = sizeof(tmp_kw) - 1;

		if (is_tmp_line(in + i, n)) {
			const char *kw = names_uuid(in + i, n) ?
				"module\t" : "module_app";

			if (first) {
				memcpy(out + o, conv, sizeof(conv) - 1);
				o += sizeof(conv) - 1;
				first = false;
			}

			memcpy(out + o, kw, strlen(kw));
			o += strlen(kw);
			memcpy(out + o, in + i + k, n - k);
			o += n - k;
		}
		else {
			memcpy(out + o, in + i, n);
			o += n;
		}

		i += n;
	}

	out[o] = '\0';
	free(*bufp);
	*bufp = out;
	*lenp = o;

	return 0;
}


/*
 * Calls over 127.0.0.1 (octasip demo): 4.x leaves loopback addresses
 * out of its local addresses unless net_interface names one ("ua: no
 * laddr for 127.0.0.1"); 1.x needs nothing.
 */
int cli_config_loopback(const char *in, char **outp)
{
	if (strcmp(BSIP_ABI_FAMILY, "4")) {
		*outp = strdup(in);
		return *outp ? 0 : ENOMEM;
	}

	return cfg_set(in, "net_interface", "127.0.0.1", outp);
}
