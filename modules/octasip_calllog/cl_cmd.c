/**
 * @file cl_cmd.c  The recent calls kept in memory, and the console
 *                 commands that show them: /calllog, /calllog_stats
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cl_status.h"
#include "calllog.h"


/* r's contents go to the front of the list; r is left empty */
void recent_take(struct cl_rec *r)
{
	if (d.nrecent == RECENT_MAX) {
		--d.nrecent;
		d.nblocked -= cl_status_is(&d.recent[d.nrecent],
					   CL_ST_BLOCKED);
		cl_rec_reset(&d.recent[d.nrecent]);
	}

	memmove(&d.recent[1], &d.recent[0],
		d.nrecent * sizeof(d.recent[0]));
	d.recent[0] = *r;
	++d.nrecent;
	d.nblocked += cl_status_is(r, CL_ST_BLOCKED);
	memset(r, 0, sizeof(*r));
}


/* Rows the writer read at open go after this session's calls */
void recent_merge_preload(void)
{
	struct cl_rec *v;
	uint32_t n, i;

	if (d.preloaded || clw_take_preload(d.w, &v, &n))
		return;

	d.preloaded = true;

	for (i = 0; i < n; ++i) {
		if (d.nrecent < RECENT_MAX) {
			d.nblocked += cl_status_is(&v[i], CL_ST_BLOCKED);
			d.recent[d.nrecent++] = v[i];
		}
		else
			cl_rec_reset(&v[i]);
	}

	free(v);
}


static int print_rec(struct re_printf *pf, const struct cl_rec *r)
{
	char when[32] = "?";
	time_t t = (time_t)(r->started_at / 1000);
	struct tm tm;
	int64_t dur = r->duration_ms > 0 ? r->duration_ms :
		(r->ended_at && r->answered_at ?
		 r->ended_at - r->answered_at : 0);

	if (localtime_r(&t, &tm))
		(void)strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);

	return re_hprintf(pf, "%s  %s  %-11s %4lld:%02lld  %s%s%s\n",
			  when, r->outgoing ? "out" : "in ", r->status,
			  (long long)(dur / 60000),
			  (long long)(dur / 1000 % 60),
			  r->peer_uri ? r->peer_uri : "(hidden)",
			  r->reason ? "  " : "",
			  r->reason ? r->reason : "");
}


static int cmd_calllog(struct re_printf *pf, void *arg)
{
	const struct cmd_arg *carg = arg;
	bool missed = carg && carg->prm && !strcmp(carg->prm, "missed");
	struct le *le;
	uint32_t i, n = 0;
	int err = 0;

	if (carg && carg->prm && *carg->prm && !missed)
		return re_hprintf(pf, "usage: /calllog [missed]\n");

	recent_merge_preload();

	err |= re_hprintf(pf, "%s calls%s:\n", missed ? "Missed" : "Recent",
			  d.memory_only ? " (memory-only)" : "");

	for (le = list_tail(&d.calls); le && !missed; le = le->prev) {
		const struct callrec *cr = le->data;

		err |= print_rec(pf, &cr->rec);
		++n;
	}

	for (i = 0; i < d.nrecent; ++i) {
		if (missed && !cl_status_is(&d.recent[i], CL_ST_MISSED))
			continue;
		err |= print_rec(pf, &d.recent[i]);
		++n;
	}

	if (!n)
		err |= re_hprintf(pf, "(none)\n");

	return err;
}


static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}


static int cmd_stats(struct re_printf *pf, void *arg)
{
	static uint32_t s[TSAMPLES], c[TSAMPLES];
	struct clw_stats st;
	uint32_t n = d.ntsamp < TSAMPLES ? d.ntsamp : TSAMPLES;
	uint32_t nc = d.ncsamp < TSAMPLES ? d.ncsamp : TSAMPLES;

	(void)arg;

	clw_stats(d.w, &st);
	memcpy(s, d.tsamp, n * sizeof(s[0]));
	qsort(s, n, sizeof(s[0]), cmp_u32);
	memcpy(c, d.csamp, nc * sizeof(c[0]));
	qsort(c, nc, sizeof(c[0]), cmp_u32);

	return re_hprintf(pf, "calllog: open_calls=%u events=%llu"
			  " cpu_p50_us=%.1f cpu_p99_us=%.1f"
			  " p50_us=%.1f p99_us=%.1f max_us=%.1f"
			  " written=%llu queued=%u held=%u dropped=%llu"
			  " failing=%d db_open=%d memory_only=%d\n",
			  list_count(&d.calls),
			  (unsigned long long)d.nevents,
			  nc ? c[nc / 2] / 1000.0 : 0.0,
			  nc ? c[(nc * 99) / 100] / 1000.0 : 0.0,
			  n ? s[n / 2] / 1000.0 : 0.0,
			  n ? s[(n * 99) / 100] / 1000.0 : 0.0,
			  n ? s[n - 1] / 1000.0 : 0.0,
			  (unsigned long long)st.written, st.queued,
			  st.held, (unsigned long long)st.dropped,
			  st.failing, st.open, d.memory_only);
}


const struct cmd calllog_cmdv[] = {
	{"calllog", 0, CMD_PRM, "Recent calls [missed]", cmd_calllog},
	{"calllog_stats", 0, 0, "Call-log writer state and timings",
	 cmd_stats},
};

const size_t calllog_cmdc = ARRAY_SIZE(calllog_cmdv);
