/**
 * @file cl_export.c  Call-log rows as CSV (RFC 4180) and JSON
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <inttypes.h>
#include <string.h>
#include "cl_export.h"


static const char *const cols[] = {
	"id", "call_id", "account", "direction", "status", "peer_uri",
	"peer_name", "started_at", "answered_at", "ended_at",
	"duration_ms", "sip_code", "reason", "encryption", "rtcp_rx_lost",
	"rtcp_rx_jitter_us", "rtcp_tx_lost", "rtcp_tx_jitter_us",
	"rtcp_rtt_us",
};


/* Length of the valid UTF-8 sequence at s, or 0 */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	uint32_t cp;
	size_t n, i;

	if (c < 0x80)
		return 1;
	else if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;

	for (i = 1; i < n; ++i) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}

	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;

	return n;
}


void cl_csv_cell(FILE *f, const char *s)
{
	bool quote;

	if (!s)
		return;

	quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		(void)fputc('"', f);

	/* a spreadsheet would evaluate these: make the cell text */
	if (strchr("=+-@\t\r", *s) && *s)
		(void)fputc('\'', f);

	for (; *s; ++s) {
		if (*s == '"')
			(void)fputc('"', f);
		(void)fputc(*s, f);
	}

	if (quote)
		(void)fputc('"', f);
}


void cl_csv_header(FILE *f)
{
	size_t i;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); ++i)
		(void)fprintf(f, "%s%s", i ? "," : "", cols[i]);

	(void)fputs("\r\n", f);
}


static void csv_int(FILE *f, int64_t v, bool null)
{
	(void)fputc(',', f);
	if (!null)
		(void)fprintf(f, "%" PRId64, v);
}


static void csv_text(FILE *f, const char *s)
{
	(void)fputc(',', f);
	cl_csv_cell(f, s);
}


void cl_csv_row(FILE *f, const struct cl_rec *r)
{
	bool rt = !r->rtcp.valid;

	(void)fprintf(f, "%" PRId64, r->id);
	csv_text(f, r->call_id);
	csv_text(f, r->account);
	csv_text(f, cl_direction(r->outgoing));
	csv_text(f, r->status);
	csv_text(f, r->peer_uri);
	csv_text(f, r->peer_name);
	csv_int(f, r->started_at, false);
	csv_int(f, r->answered_at, !r->answered_at);
	csv_int(f, r->ended_at, !r->ended_at);
	csv_int(f, r->duration_ms, r->duration_ms < 0);
	csv_int(f, r->sip_code, !r->sip_code);
	csv_text(f, r->reason);
	csv_text(f, r->encryption);
	csv_int(f, r->rtcp.rx_lost, rt);
	csv_int(f, r->rtcp.rx_jitter_us, rt);
	csv_int(f, r->rtcp.tx_lost, rt);
	csv_int(f, r->rtcp.tx_jitter_us, rt);
	csv_int(f, r->rtcp.rtt_us, rt);
	(void)fputs("\r\n", f);
}


void cl_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		(void)fputs("null", f);
		return;
	}

	(void)fputc('"', f);

	while (*p) {
		size_t n;

		if (*p == '"' || *p == '\\') {
			(void)fputc('\\', f);
			(void)fputc(*p++, f);
			continue;
		}

		if (*p < 0x20 || *p == 0x7f) {
			(void)fprintf(f, "\\u%04x", *p++);
			continue;
		}

		n = utf8_len(p);
		if (!n) {
			(void)fputs("\\ufffd", f);
			++p;
			continue;
		}

		(void)fwrite(p, 1, n, f);
		p += n;
	}

	(void)fputc('"', f);
}


static void json_int(FILE *f, const char *k, int64_t v, bool null)
{
	if (null)
		(void)fprintf(f, ",\"%s\":null", k);
	else
		(void)fprintf(f, ",\"%s\":%" PRId64, k, v);
}


static void json_text(FILE *f, const char *k, const char *s)
{
	(void)fprintf(f, ",\"%s\":", k);
	cl_json_str(f, s);
}


void cl_json_row(FILE *f, const struct cl_rec *r)
{
	bool rt = !r->rtcp.valid;

	(void)fprintf(f, "{\"id\":%" PRId64, r->id);
	json_text(f, "call_id", r->call_id);
	json_text(f, "account", r->account);
	json_text(f, "direction", cl_direction(r->outgoing));
	json_text(f, "status", r->status);
	json_text(f, "peer_uri", r->peer_uri);
	json_text(f, "peer_name", r->peer_name);
	json_int(f, "started_at", r->started_at, false);
	json_int(f, "answered_at", r->answered_at, !r->answered_at);
	json_int(f, "ended_at", r->ended_at, !r->ended_at);
	json_int(f, "duration_ms", r->duration_ms, r->duration_ms < 0);
	json_int(f, "sip_code", r->sip_code, !r->sip_code);
	json_text(f, "reason", r->reason);
	json_text(f, "encryption", r->encryption);
	json_int(f, "rtcp_rx_lost", r->rtcp.rx_lost, rt);
	json_int(f, "rtcp_rx_jitter_us", r->rtcp.rx_jitter_us, rt);
	json_int(f, "rtcp_tx_lost", r->rtcp.tx_lost, rt);
	json_int(f, "rtcp_tx_jitter_us", r->rtcp.tx_jitter_us, rt);
	json_int(f, "rtcp_rtt_us", r->rtcp.rtt_us, rt);
	(void)fputc('}', f);
}


void cl_term_str(FILE *f, const char *s, size_t maxcols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t cols_out = 0;

	if (!s)
		s = "";

	while (*p && cols_out < maxcols) {
		size_t n = utf8_len(p);

		if (!n || *p < 0x20 || *p == 0x7f ||
		    (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			(void)fputc('?', f);
			p += n ? n : 1;
		}
		else {
			(void)fwrite(p, 1, n, f);
			p += n;
		}
		++cols_out;
	}

	if (*p)
		(void)fputs("...", f);
}
