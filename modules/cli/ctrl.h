/**
 * @file ctrl.h  A client for baresip's ctrl_tcp socket (netstring JSON)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CTRL_H
#define OCTASIP_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctrl {
	int fd;
	size_t len;
	char buf[65536];
};

int ctrl_connect(struct ctrl *c, uint16_t port, int timeout_ms);
int ctrl_send(struct ctrl *c, const char *command, const char *params);
int ctrl_wait(struct ctrl *c, const char *needle, int timeout_ms,
	      char *msg, size_t sz);
void ctrl_close(struct ctrl *c);

/*
 * Does a baresip run on this profile?  true if something listens on the
 * config file's ctrl_tcp_listen port.  Looked up in /proc/net/tcp{,6},
 * without connecting: ctrl_tcp in baresip 1.0.0 serves one client, and a
 * new connection takes the connection of the one before over.
 */
bool ctrl_running(const char *config);
int ctrl_free_port(uint16_t *portp);

#endif
