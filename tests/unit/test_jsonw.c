/**
 * @file test_jsonw.c  Unit tests: OctaSIP's JSON writer (common/jsonw.h)
 *                     and JSON decoded by libre, written by it
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "common/jsonw.h"
#include "utest.h"


/*
 * Is p (n bytes) one JSON string (RFC 8259 7.): quotes around, no raw
 * control character, every quote and backslash escaped, valid UTF-8?
 */
static bool string_ok(const char *p, size_t n)
{
	const uint8_t *u = (const uint8_t *)p;
	size_t i;

	if (n < 2 || p[0] != '"' || p[n - 1] != '"')
		return false;

	for (i = 1; i < n - 1;) {
		size_t l = jsonw_utf8_len(u + i, n - 1 - i);

		if (!l || u[i] < 0x20 || u[i] == '"')
			return false;
		if (u[i] == '\\') {
			if (i + 1 >= n - 1 ||
			    !strchr("\"\\/bfnrtu", p[i + 1]))
				return false;
			l = p[i + 1] == 'u' ? 6 : 2;
			if (i + l > n - 1)
				return false;
		}
		i += l;
	}

	return true;
}


/* What jsonw_decoded() writes for json, NUL terminated (free() it) */
static char *decoded(const char *json, size_t n, int *errp)
{
	char *buf = NULL;
	size_t len = 0;
	struct jsonw w;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		abort();
	jsonw_init(&w, f);
	*errp = jsonw_decoded(&w, json, n, 8);
	(void)fclose(f);

	return buf;
}


/* Does libre read the writer's compact output back to the same bytes? */
static bool same_after_decode(const char *doc, size_t len)
{
	char *again;
	bool same;
	int err;

	while (len && doc[len - 1] == '\n')
		--len;
	again = decoded(doc, len, &err);
	same = !err && strlen(again) == len && !memcmp(again, doc, len);
	if (!same)
		(void)fprintf(stderr, "decoded: %s\n", again);
	free(again);

	return same;
}


static void test_escape(void)
{
	static const struct {
		const char *in;
		size_t n;
		const char *out;
	} v[] = {
		{"plain", 5, "plain"},
		{"q\"b\\s", 5, "q\\\"b\\\\s"},
		{"\n\r\t\b\f", 5, "\\n\\r\\t\\b\\f"},
		{"\x01\x1f\x7f", 3, "\\u0001\\u001f\\u007f"},
		{"a\0b", 3, "a\\u0000b"},
		{"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9,
		 "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"},
		/* stray continuation, overlong, surrogate, > U+10FFFF */
		{"\x80", 1, "\xef\xbf\xbd"},
		{"\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd"},
		{"\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
		{"\xf5\x80", 2, "\xef\xbf\xbd\xef\xbf\xbd"},
		{"\xf4\x90\x80\x80", 4, "\xef\xbf\xbd\xef\xbf\xbd"
		 "\xef\xbf\xbd\xef\xbf\xbd"},
		/* truncated at the end, then ASCII resumes */
		{"x\xe2\x82", 3, "x\xef\xbf\xbd\xef\xbf\xbd"},
		{"\xe2\x82y", 3, "\xef\xbf\xbd\xef\xbf\xbdy"},
	};
	char out[256];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); ++i) {
		UT_CHECK(jsonw_escape(out, sizeof(out), v[i].in, v[i].n) >=
			 0);
		UT_EQ_STR(out, v[i].out);
	}

	/* too small an output buffer is an error, not a truncation */
	UT_EQ_INT(jsonw_escape(out, 4, "abcdef", 6), -1);
}


/* Random bytes always give a valid JSON string, deterministically */
static void test_escape_random(void)
{
	char in[64], quoted[64 * 6 + 3], again[64 * 6 + 3];
	int k, bad = 0, differ = 0;

	for (k = 0; k < 20000; ++k) {
		size_t n = (size_t)rand() % sizeof(in), j;
		long l;

		for (j = 0; j < n; ++j)
			in[j] = (char)(rand() & 0xff);
		quoted[0] = '"';
		l = jsonw_escape(quoted + 1, sizeof(quoted) - 2, in, n);
		if (l < 0) {
			++bad;
			continue;
		}
		quoted[l + 1] = '"';
		if (!string_ok(quoted, (size_t)l + 2))
			++bad;
		(void)jsonw_escape(again, sizeof(again), in, n);
		if (strncmp(again, quoted + 1, (size_t)l))
			++differ;
	}

	UT_EQ_INT(bad, 0);
	UT_EQ_INT(differ, 0);
}


static void test_writer(void)
{
	char *buf = NULL;
	size_t len = 0;
	struct jsonw w;
	FILE *f;

	f = open_memstream(&buf, &len);
	jsonw_init(&w, f);
	UT_EQ_INT(jsonw_obj_open(&w), 0);
	UT_EQ_INT(jsonw_kstr(&w, "a", "x\"y"), 0);
	UT_EQ_INT(jsonw_kint(&w, "n", -5), 0);
	UT_EQ_INT(jsonw_key(&w, "l"), 0);
	UT_EQ_INT(jsonw_arr_open(&w), 0);
	UT_EQ_INT(jsonw_str(&w, NULL), 0);
	UT_EQ_INT(jsonw_bool(&w, true), 0);
	UT_EQ_INT(jsonw_double(&w, 0.0 / 0.0), 0);
	UT_EQ_INT(jsonw_uint(&w, 18446744073709551615ull), 0);
	UT_EQ_INT(jsonw_raw(&w, "{\"r\":1}", 7), 0);
	UT_EQ_INT(jsonw_arr_close(&w), 0);
	UT_EQ_INT(jsonw_obj_close(&w), 0);
	UT_EQ_INT(jsonw_end(&w), 0);
	(void)fclose(f);
	UT_EQ_STR(buf, "{\"a\":\"x\\\"y\",\"n\":-5,\"l\":[null,true,null,"
		  "18446744073709551615,{\"r\":1}]}\n");
	free(buf);

	/* misuse is sticky and reported */
	f = open_memstream(&buf, &len);
	jsonw_init(&w, f);
	(void)jsonw_obj_open(&w);
	UT_EQ_INT(jsonw_str(&w, "value where a key belongs"), EPROTO);
	UT_EQ_INT(jsonw_kstr(&w, "k", "v"), EPROTO);
	UT_EQ_INT(jsonw_end(&w), EPROTO);
	(void)fclose(f);
	free(buf);

	f = open_memstream(&buf, &len);
	jsonw_init(&w, f);
	(void)jsonw_arr_open(&w);
	UT_EQ_INT(jsonw_end(&w), EPROTO);     /* unclosed */
	(void)fclose(f);
	free(buf);
}


/* A full disk is an error from jsonw_end, never a silent short file */
static void test_writer_full_disk(void)
{
	struct jsonw w;
	FILE *f = fopen("/dev/full", "w");
	int i;

	UT_CHECK(f != NULL);
	if (!f)
		return;
	jsonw_init(&w, f);
	(void)jsonw_arr_open(&w);
	for (i = 0; i < 100000; ++i)
		(void)jsonw_str(&w, "some data to fill a stdio buffer");
	(void)jsonw_arr_close(&w);
	UT_EQ_INT(jsonw_end(&w), ENOSPC);
	(void)fclose(f);
}


/* JSON read by libre and written anew: always valid, never raw */
static void test_decoded(void)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{" {\"a\" : [1, -2, true, false, null, \"\\u00e9\\n\"]} ",
		 "{\"a\":[1,-2,true,false,null,\"\xc3\xa9\\n\"]}"},
		{"[]", "[]"},
		{"{}", "{}"},
		{"[2.5,{\"k\":{\"n\":[0]}}]", "[2.5,{\"k\":{\"n\":[0]}}]"},
		/* quotes, backslashes and control characters escaped again */
		{"{\"q\":\"a\\\"b\\\\c\\t\"}", "{\"q\":\"a\\\"b\\\\c\\t\"}"},
		/* a raw control character and bad UTF-8 are not passed on */
		{"[\"x\x01y\"]", "[\"x\\u0001y\"]"},
		{"[\"\xff\"]", "[\"\xef\xbf\xbd\"]"},
	};
	static const char *const bad[] = {
		"", "  ", "0", "\"s\"", "true", "{", "[1,", "{\"truncated\":",
		"{\"a\"}", "{'a':1}",
	};
	char deep[40];
	size_t i;
	int err;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); ++i) {
		char *out = decoded(good[i].in, strlen(good[i].in), &err);

		UT_EQ_INT(err, 0);
		UT_EQ_STR(out, good[i].out);
		UT_CHECK(out && same_after_decode(out, strlen(out)));
		free(out);
	}

	/* refused: nothing written, the caller embeds the text instead */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); ++i) {
		char *out = decoded(bad[i], strlen(bad[i]), &err);

		if (err != EBADMSG)
			(void)fprintf(stderr, "accepted: %s\n", bad[i]);
		UT_EQ_INT(err, EBADMSG);
		UT_EQ_STR(out, "");
		free(out);
	}

	/* nesting beyond the limit is refused (no stack exhaustion) */
	memset(deep, '[', 20);
	memset(deep + 20, ']', 20);
	free(decoded(deep, sizeof(deep), &err));
	UT_EQ_INT(err, EBADMSG);
}


/* Doubles: the shortest text that reads back as the same number */
static void test_double(void)
{
	char *buf = NULL;
	size_t len = 0;
	struct jsonw w;
	FILE *f;

	f = open_memstream(&buf, &len);
	jsonw_init(&w, f);
	(void)jsonw_arr_open(&w);
	(void)jsonw_double(&w, 0.1);
	(void)jsonw_double(&w, 2.5);
	(void)jsonw_double(&w, 1.0 / 3.0);
	(void)jsonw_double(&w, -1e300);
	(void)jsonw_arr_close(&w);
	UT_EQ_INT(jsonw_end(&w), 0);
	(void)fclose(f);
	UT_EQ_STR(buf, "[0.1,2.5,0.3333333333333333,-1e+300]\n");
	free(buf);
}


/* The UTF-8 rule the writer and the call log's terminal output share */
static void test_utf8_len(void)
{
	UT_EQ_INT(jsonw_utf8_len((const uint8_t *)"a", 1), 1);
	UT_EQ_INT(jsonw_utf8_len((const uint8_t *)"\xc3\xa9", 2), 2);
	UT_EQ_INT(jsonw_utf8_len((const uint8_t *)"\xc3\xa9", 1), 0);
	UT_EQ_INT(jsonw_utf8_len((const uint8_t *)"\xe2\x82\xac", 3), 3);
	UT_EQ_INT(jsonw_utf8_len((const uint8_t *)"\xf0\x9f\x98\x80", 4), 4);
	UT_EQ_INT(jsonw_utf8_len((const uint8_t *)"\xc0\xaf", 2), 0);
	UT_EQ_INT(jsonw_utf8_len((const uint8_t *)"\xed\xa0\x80", 3), 0);
	UT_EQ_INT(jsonw_utf8_len((const uint8_t *)"\x80", 1), 0);
	UT_EQ_INT(jsonw_utf8_len((const uint8_t *)"", 0), 0);
}


int main(void)
{
	srand(22);

	UT_RUN(test_escape);
	UT_RUN(test_escape_random);
	UT_RUN(test_writer);
	UT_RUN(test_writer_full_disk);
	UT_RUN(test_decoded);
	UT_RUN(test_double);
	UT_RUN(test_utf8_len);

	return ut_done();
}
