/**
 * @file test_ctrl.c  Unit tests: the octasip tool's control client
 *
 * The server end is a socketpair; what the client sends is read back
 * with libre's JSON decoder, as octasip_ctrl reads it.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <re.h>
#include "cli/ctrl.h"
#include "../utest.h"


static struct ctrl c;
static int srv = -1;


static void pair_open(void)
{
	int sv[2];

	memset(&c, 0, sizeof(c));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		abort();
	c.fd = sv[0];
	srv = sv[1];
}


static void pair_close(void)
{
	ctrl_close(&c);
	(void)close(srv);
	srv = -1;
}


/* One netstring from the client, decoded (mem_deref() it) */
static struct odict *server_read(void)
{
	static char buf[8192];
	struct odict *od = NULL;
	ssize_t n = recv(srv, buf, sizeof(buf) - 1, 0);
	char *colon, *end;
	unsigned long len;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	colon = strchr(buf, ':');
	if (!colon)
		return NULL;
	len = strtoul(buf, &end, 10);
	if (end != colon || (size_t)(colon - buf) + 1 + len + 1 !=
	    (size_t)n || buf[n - 1] != ',')
		return NULL;
	if (json_decode_odict(&od, 8, colon + 1, len, 8))
		return NULL;

	return od;
}


static void server_send(const char *json)
{
	char msg[1024];
	int n = snprintf(msg, sizeof(msg), "%zu:%s,", strlen(json), json);

	if (send(srv, msg, (size_t)n, 0) != n)
		abort();
}


/* A quote or backslash in params arrives intact, as JSON */
static void test_send_params_intact(void)
{
	static const char *const prm[] = {
		"sip:bob@127.0.0.1:5060",
		"with \"quotes\" inside",
		"back\\slash\\\\twice",
		"\",\"token\":\"forged",
		"tab\tnewline\ncontrol\x01",
		"M\xc3\xbcller \xe2\x82\xac",
		"",
	};
	struct odict *od;
	size_t i;

	pair_open();
	for (i = 0; i < sizeof(prm) / sizeof(prm[0]); ++i) {
		UT_EQ_INT(ctrl_send(&c, "dial", prm[i]), 0);
		od = server_read();
		UT_CHECK(od != NULL);
		if (!od)
			continue;
		UT_EQ_STR(odict_string(od, "command"), "dial");
		UT_EQ_STR(odict_string(od, "params"), prm[i]);
		UT_EQ_STR(odict_string(od, "token"), "octasip");
		UT_EQ_INT(odict_count(od, false), 3);
		mem_deref(od);
	}

	/* no params: an empty string */
	UT_EQ_INT(ctrl_send(&c, "quit", NULL), 0);
	od = server_read();
	UT_CHECK(od && !strcmp(odict_string(od, "params"), ""));
	mem_deref(od);
	pair_close();
}


static void test_send_too_long(void)
{
	char *big = malloc(CTRL_REQ_MAX);

	if (!big)
		abort();
	memset(big, 'x', CTRL_REQ_MAX - 1);
	big[CTRL_REQ_MAX - 1] = '\0';
	pair_open();
	UT_EQ_INT(ctrl_send(&c, "dial", big), EMSGSIZE);
	pair_close();
	free(big);
}


/* Replies are decoded: text inside a value does not match a member */
static void test_wait_decodes(void)
{
	struct odict *od = NULL;

	pair_open();
	server_send("{\"event\":true,\"type\":\"CALL_RINGING\","
		    "\"param\":\"\\\"type\\\":\\\"CALL_CLOSED\\\"\"}");
	server_send("not json at all");
	server_send("{\"response\":false,\"data\":\"response\"}");
	server_send("{\"event\":true,\"type\":\"CALL_CLOSED\"}");
	server_send("{\"response\":true,\"ok\":true,"
		    "\"data\":\"a \\\"quoted\\\" \\\\ reply\"}");

	UT_EQ_INT(ctrl_wait(&c, "type", "CALL_CLOSED", 2000, &od), 0);
	UT_CHECK(od && !odict_string(od, "param"));
	od = mem_deref(od);

	UT_EQ_INT(ctrl_wait(&c, "response", NULL, 2000, &od), 0);
	UT_EQ_STR(od ? odict_string(od, "data") : NULL,
		  "a \"quoted\" \\ reply");
	od = mem_deref(od);

	UT_EQ_INT(ctrl_wait(&c, "response", NULL, 100, NULL), ETIMEDOUT);
	(void)close(srv);
	srv = -1;
	UT_EQ_INT(ctrl_wait(&c, "response", NULL, 2000, NULL), ECONNRESET);
	ctrl_close(&c);
}


int main(void)
{
	UT_RUN(test_send_params_intact);
	UT_RUN(test_send_too_long);
	UT_RUN(test_wait_decodes);

	return ut_done();
}
