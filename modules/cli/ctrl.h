/**
 * @file ctrl.h  A client for baresip's ctrl_tcp socket (netstring JSON)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CTRL_H
#define OCTASIP_CTRL_H

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
int ctrl_free_port(uint16_t *portp);

#endif
