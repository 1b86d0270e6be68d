/**
 * @file cl_export.c  Call-log rows as CSV (RFC 4180) and JSON
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <inttypes.h>
#include <string.h>
#include "common/jsonw.h"
#include "cl_export.h"


static const char *const cols[] = {
	"id", "call_id", "account", "direction", "status", "peer_uri",
	"peer_name", "started_at", "answered_at", "ended_at",
	"duration_ms", "sip_code", "reason", "encryption", "rtcp_rx_lost",
	"rtcp_rx_jitter_us", "rtcp_tx_lost", "rtcp_tx_jitter_us",
	"rtcp_rtt_us",
};


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
	struct jsonw w;

	jsonw_init(&w, f);
	(void)jsonw_str(&w, s);
}


static void json_int(struct jsonw *w, const char *k, int64_t v, bool null)
{
	if (jsonw_key(w, k) == 0)
		(void)(null ? jsonw_null(w) : jsonw_int(w, v));
}


void cl_json_row(FILE *f, const struct cl_rec *r)
{
	struct jsonw w;
	bool rt = !r->rtcp.valid;

	/* one value per row: the caller writes the array around them */
	jsonw_init(&w, f);
	(void)jsonw_obj_open(&w);
	(void)jsonw_kint(&w, "id", r->id);
	(void)jsonw_kstr(&w, "call_id", r->call_id);
	(void)jsonw_kstr(&w, "account", r->account);
	(void)jsonw_kstr(&w, "direction", cl_direction(r->outgoing));
	(void)jsonw_kstr(&w, "status", r->status);
	(void)jsonw_kstr(&w, "peer_uri", r->peer_uri);
	(void)jsonw_kstr(&w, "peer_name", r->peer_name);
	json_int(&w, "started_at", r->started_at, false);
	json_int(&w, "answered_at", r->answered_at, !r->answered_at);
	json_int(&w, "ended_at", r->ended_at, !r->ended_at);
	json_int(&w, "duration_ms", r->duration_ms, r->duration_ms < 0);
	json_int(&w, "sip_code", r->sip_code, !r->sip_code);
	(void)jsonw_kstr(&w, "reason", r->reason);
	(void)jsonw_kstr(&w, "encryption", r->encryption);
	json_int(&w, "rtcp_rx_lost", r->rtcp.rx_lost, rt);
	json_int(&w, "rtcp_rx_jitter_us", r->rtcp.rx_jitter_us, rt);
	json_int(&w, "rtcp_tx_lost", r->rtcp.tx_lost, rt);
	json_int(&w, "rtcp_tx_jitter_us", r->rtcp.tx_jitter_us, rt);
	json_int(&w, "rtcp_rtt_us", r->rtcp.rtt_us, rt);
	(void)jsonw_obj_close(&w);
}


void cl_term_str(FILE *f, const char *s, size_t maxcols)
{
	const unsigned char *p, *end;
	size_t cols_out = 0;

	if (!s)
		s = "";
	p = (const unsigned char *)s;
	end = p + strlen(s);

	while (p < end && cols_out < maxcols) {
		size_t n = jsonw_utf8_len(p, (size_t)(end - p));

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

	if (p < end)
		(void)fputs("...", f);
}
