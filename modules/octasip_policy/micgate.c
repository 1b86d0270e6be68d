/**
 * @file micgate.c  The microphone gate and the recording notice tone
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include "micgate.h"


#define NOTICE_AMPL 0.25f   /* -12 dBFS */


void micgate_init(struct micgate *g, int open, int notice)
{
	atomic_init(&g->open, open ? 1 : 0);
	atomic_init(&g->notice, notice ? 1 : 0);
}


void micgate_set_open(struct micgate *g, int open)
{
	atomic_store_explicit(&g->open, open ? 1 : 0, memory_order_release);
}


void micgate_set_notice(struct micgate *g, int notice)
{
	atomic_store_explicit(&g->notice, notice ? 1 : 0,
			      memory_order_release);
}


int micgate_is_open(const struct micgate *g)
{
	return atomic_load_explicit(&((struct micgate *)g)->open,
				    memory_order_acquire);
}


void micgate_stream_init(struct micgate_stream *s, uint32_t srate,
			 uint32_t ch, int fmt)
{
	memset(s, 0, sizeof(*s));
	s->srate = srate ? srate : 8000;
	s->ch = ch ? ch : 1;
	s->fmt = fmt;
}


static size_t sample_size(int fmt)
{
	switch (fmt) {

	case MICGATE_S16LE:   return 2;
	case MICGATE_FLOAT:   return 4;
	case MICGATE_S24_3LE: return 3;
	default:              return 0;
	}
}


/* the notice tone's value at sample frame t, or 0 outside a burst */
static float notice_at(const struct micgate_stream *s, uint64_t t)
{
	uint64_t period = (uint64_t)s->srate * MICGATE_NOTICE_PERIOD_MS / 1000;
	uint64_t burst  = (uint64_t)s->srate * MICGATE_NOTICE_MS / 1000;
	uint64_t k;

	if (t % period >= burst)
		return 0.0f;

	/* exact phase from integers: no drift, no state */
	k = (t * MICGATE_NOTICE_HZ) % s->srate;

	return NOTICE_AMPL * sinf(6.2831853f * (float)k / (float)s->srate);
}


static void add_notice(struct micgate_stream *s, void *sampv, size_t sampc)
{
	uint64_t period = (uint64_t)s->srate * MICGATE_NOTICE_PERIOD_MS / 1000;
	uint64_t burst  = (uint64_t)s->srate * MICGATE_NOTICE_MS / 1000;
	size_t frames = sampc / s->ch, i;
	uint32_t c;

	/* cheap exit for the 97 % of frames outside a burst */
	if (s->pos % period >= burst && s->pos % period + frames <= period)
		return;

	for (i = 0; i < frames; ++i) {

		float v = notice_at(s, s->pos + i);

		if (v == 0.0f)
			continue;

		for (c = 0; c < s->ch; ++c) {

			size_t j = i * s->ch + c;

			if (s->fmt == MICGATE_S16LE) {
				int16_t *p = sampv;
				int32_t x = p[j] + (int32_t)(v * 32767.0f);

				if (x > 32767)
					x = 32767;
				else if (x < -32768)
					x = -32768;
				p[j] = (int16_t)x;
			}
			else {
				float *p = sampv;

				p[j] += v;
			}
		}
	}
}


/* P-AUDIO-2: denied, every frame leaves the filter as silence */
int micgate_process(struct micgate *g, struct micgate_stream *s,
		    void *sampv, size_t sampc)
{
	size_t ssz = sample_size(s->fmt);

	if (!ssz || (!sampv && sampc))
		return EINVAL;

	if (!atomic_load_explicit(&g->open, memory_order_acquire))
		memset(sampv, 0, sampc * ssz);

	if (atomic_load_explicit(&g->notice, memory_order_acquire) &&
	    s->fmt != MICGATE_S24_3LE)
		add_notice(s, sampv, sampc);

	s->pos += sampc / s->ch;

	return 0;
}
