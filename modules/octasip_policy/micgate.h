/**
 * @file micgate.h  The microphone gate and the recording notice tone
 *
 * Runs on the audio source thread, inside the policy's encode filter,
 * which is first in the encode chain: nothing after it (other filters,
 * the recorder, the encoder, the network) sees a sample it did not pass.
 * The shared flags are C11 atomics written by the main thread; the
 * per-stream state belongs to one audio thread.  No allocation, no lock,
 * no I/O, no system call.
 *
 * Notice tone (Federal Standard 1037C recorder warning): 1400 Hz for
 * 0.5 s at the start of the stream and again every 15 s, mixed into the
 * outgoing audio at -12 dBFS, while the notice flag is set.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_MICGATE_H
#define OCTASIP_MICGATE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define MICGATE_NOTICE_HZ        1400u
#define MICGATE_NOTICE_MS        500u
#define MICGATE_NOTICE_PERIOD_MS 15000u

/* sample formats (enum aufmt values of librem 0.6) */
enum micgate_fmt {
	MICGATE_S16LE = 0,
	MICGATE_FLOAT = 3,
	MICGATE_S24_3LE = 4,
};

struct micgate {
	atomic_int open;     /* 1: microphone audio passes; 0: zeroed */
	atomic_int notice;   /* 1: mix the recording notice tone      */
};

struct micgate_stream {
	uint32_t srate;
	uint32_t ch;
	int fmt;
	uint64_t pos;        /* sample frames processed */
};

void micgate_init(struct micgate *g, int open, int notice);
void micgate_set_open(struct micgate *g, int open);
void micgate_set_notice(struct micgate *g, int notice);
int  micgate_is_open(const struct micgate *g);

void micgate_stream_init(struct micgate_stream *s, uint32_t srate,
			 uint32_t ch, int fmt);

/* Gate one frame in place; 0 or EINVAL (unknown format) */
int micgate_process(struct micgate *g, struct micgate_stream *s,
		    void *sampv, size_t sampc);

#endif
