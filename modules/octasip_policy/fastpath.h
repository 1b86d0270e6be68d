/**
 * @file fastpath.h  The fast path rule: may baresip answer an account's
 *                   next incoming call by itself?
 *
 * A pure function of what the policy knows (no state, no baresip), so
 * the rule is tested on its own (tests/unit/policy/test_fastpath.c);
 * answer.c gathers the inputs and applies the answer to each account.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_FASTPATH_H
#define OCTASIP_FASTPATH_H

#include <stdbool.h>
#include "common/perm.h"
#include "encpolicy.h"

struct fastpath_in {
	bool auto_answer;           /* taken over, and the accounts file
				     * says answermode auto             */
	const char *mediaenc;       /* the account's ;mediaenc=, or NULL */
	const struct perm_set *ps;  /* the permissions file's states   */
	bool malformed;             /* ... unreadable: safe defaults    */
	unsigned once_live;         /* "once" grants held by live calls */
	enum enc_mode enc;          /* octasip_policy_encryption        */
	bool busy_second;           /* octasip_policy_busy_second_call  */
	unsigned calls;             /* calls up, on every account       */
	bool fraud_capped;          /* a source is at its incoming cap  */
};

bool fast_path(const struct fastpath_in *in);

#endif
