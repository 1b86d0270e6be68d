/**
 * @file commands.c  The policy's console commands: /perm and /fraud
 *
 * (listed in the module's header comment, octasip_policy.c)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <stdio.h>
#include <string.h>
#include "policy.h"
#include "srcaddr.h"


static int perm_print(struct re_printf *pf)
{
	int i, err = 0;

	if (d.malformed)
		err |= re_hprintf(pf, "permissions file: %s (every permission"
				  " denied until fixed)\n", d.perm_err);

	for (i = 0; i < PERM_COUNT; ++i) {
		err |= re_hprintf(pf, "%-12s %-6s%s\n", perm_name(i),
				  perm_state_name(d.ps.state[i]),
				  (d.once_live & (1u << i)) ?
				  " (once: granted for the current call)" :
				  "");
	}

	return err;
}


static int cmd_perm(struct re_printf *pf, void *arg)
{
	const struct cmd_arg *carg = arg;
	char verb[16] = "", name[32] = "", state[16] = "", extra[2];
	char errbuf[256] = "";
	enum perm p;
	enum perm_state st;
	int n, err;

	n = carg && carg->prm ? sscanf(carg->prm, "%15s %31s %15s %1s", verb,
				       name, state, extra) : 0;

	if (n <= 0 || (n == 1 && !strcmp(verb, "list")))
		return perm_print(pf);

	if (n == 1 && !strcmp(verb, "reset")) {
		err = permfile_reset(&d.pf, "console", now_s(), NULL);
		if (err)
			return re_hprintf(pf, "perm reset: %m\n", err);
		perms_load();
		enforce_all();
		return perm_print(pf);
	}

	if (n != 3 || strcmp(verb, "set"))
		return re_hprintf(pf, "usage: /perm list | set PERMISSION"
				  " STATE | reset\n");

	if (perm_from_name(name, &p) || perm_state_from_name(state, &st))
		return re_hprintf(pf, "perm: unknown permission or state"
				  " (permissions: microphone contacts"
				  " storage phone_state recording; states:"
				  " allow deny once ask)\n");

	err = permfile_set(&d.pf, p, st, "console", now_s(), NULL, errbuf,
			   sizeof(errbuf));
	if (err)
		return re_hprintf(pf, "perm set: %s: %s\n", d.pf.path,
				  errbuf[0] ? errbuf : strerror(err));

	perms_load();
	enforce_all();
	info("octasip_policy: %s set to %s (from the next call)\n", name,
	     state);

	return perm_print(pf);
}


/* /fraud: what the fraud guard refused since start (P-FRAUD-3) */
static int cmd_fraud(struct re_printf *pf, void *arg)
{
	struct fraud_stats st;

	(void)arg;
	fraud_stats_get(d.fraud, now_ms(), &st);

	return re_hprintf(pf, "fraud guard: refused outgoing %llu (number"
			  " rules %llu, caps %llu), incoming %llu (per"
			  " address %llu, per source %llu); at their cap"
			  " now: %u addresses, %u sources; registrar"
			  " addresses exempt: %u\n",
			  (unsigned long long)(st.out_number + st.out_cap),
			  (unsigned long long)st.out_number,
			  (unsigned long long)st.out_cap,
			  (unsigned long long)(st.in_address + st.in_source),
			  (unsigned long long)st.in_address,
			  (unsigned long long)st.in_source,
			  st.addr_capped, st.src_capped,
			  srcaddr_trusted_count());
}


const struct cmd policy_cmdv[] = {
	{"perm", 0, CMD_PRM, "Permissions: perm list | set PERMISSION STATE"
	 " | reset", cmd_perm},
	{"fraud", 0, 0, "Fraud guard: calls refused since start", cmd_fraud},
};

const size_t policy_cmdc = ARRAY_SIZE(policy_cmdv);
