/**
 * @file ctrl.h  A client for OctaSIP's private control socket
 *
 * octasip_ctrl (in baresip) serves baresip's commands on a Unix socket of
 * the profile (modules/common/ctrlpath.h says where) in ctrl_tcp's
 * netstring JSON.  Every connection checks that the server end runs as
 * this user (SO_PEERCRED), so the tool never talks to, or trusts, a
 * listener of someone else.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CTRL_H
#define OCTASIP_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { CTRL_REQ_MAX = 4096 };   /* a request's JSON, bytes */

struct ctrl {
	int fd;
	size_t len;
	char buf[65536];
};

struct ctrlpath;
struct odict;

/* The socket of a profile (its config's octasip_ctrl_socket counts) */
int ctrl_path(struct ctrlpath *p, const char *profile);

/*
 * Connect to the profile's socket, retrying until timeout_ms; EPERM if
 * the server end is another user's process.
 */
int ctrl_connect(struct ctrl *c, const char *profile, int timeout_ms);

/* Sends {"command":..,"params":..,"token":"octasip"}: 0, EMSGSIZE if the
 * request is longer than CTRL_REQ_MAX, or errno */
int ctrl_send(struct ctrl *c, const char *command, const char *params);

/*
 * Reads messages until one is a JSON object whose member key is the
 * string value (value NULL: whose member key is true), for at most
 * timeout_ms; messages read on the way are consumed.  If odp, *odp gets
 * the decoded message (mem_deref() it).  0, ETIMEDOUT, EINTR (a signal
 * arrived whose handler returns), ECONNRESET or errno.
 */
int ctrl_wait(struct ctrl *c, const char *key, const char *value,
	      int timeout_ms, struct odict **odp);
void ctrl_close(struct ctrl *c);

/*
 * Does an OctaSIP of this user run on this profile?  true if its control
 * socket accepts a connection whose server end has our uid (octasip_ctrl
 * serves several clients: probing takes nobody's connection over).
 */
bool ctrl_running(const char *profile);

/* Does a process hold the profile's control lock (one is starting or
 * running, answering or not)? */
bool ctrl_locked(const char *profile);

#endif
