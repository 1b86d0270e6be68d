/**
 * @file policy.h  The policy module's private interface: its one state
 *                 and what its files call of each other
 *
 * Every file of the module works on the one state below, d, defined in
 * octasip_policy.c (as baresip's menu module shares its state through
 * menu.h).  One job a file:
 *   octasip_policy.c  the baresip glue: event handlers, the encode
 *                     filter, module init and close; the only file that
 *                     registers anything with baresip
 *   config.c          the configuration keys
 *   commands.c        /perm and /fraud
 *   calls.c           call tracking and deferred call actions
 *   answer.c          answer-mode control (the fast path rule itself,
 *                     pure and unit-tested: fastpath.c)
 *   enforce.c         the enforcement points, one per permission
 *   permwatch.c       the permissions file: load, watch, "once" grants
 *   audit.c           the audit lines: pending (kill-proof), then
 *                     written at most once a second
 *   admit.c           admission: encryption policy and fraud guard
 *
 * Where each promise is kept (one enforcement point per permission):
 *   enforce_microphone()   mute at the source + the gate filter flag
 *   enforce_recording()    no recorder module while recording is denied;
 *                          the configured one loaded again when allowed
 *   enforce_contacts()     no contact module while contacts are denied
 *   enforce_storage()      call log in memory, no recorder, no audit file
 *   enforce_phone_state()  automatic answers after the full check
 *                          (answer_now(): in baresip's own loop turn)
 *   fast_path()            when baresip may answer an auto account's
 *                          calls itself (answered_by_baresip())
 *   audit()                audit lines, stored kill-proof at once and
 *                          written after the turn's SIP replies, at
 *                          most once a second (audit_flush())
 *   check_outgoing() / check_incoming()  encryption policy + fraud guard
 *                          + "once" grants held by another call
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_POLICY_H
#define OCTASIP_POLICY_H

#include <sys/stat.h>
#include <time.h>
#include "common/bsip.h"
#include "common/dirwatch.h"
#include "common/perm.h"
#include "encpolicy.h"
#include "fraud.h"
#include "micgate.h"
#include "permfile.h"


#define MAX_ACCOUNTS 32
#define RECORDER     "sndfile.so"
#define CONTACTS_MOD "contact.so"

enum op_kind {
	OP_HANGUP = 0,
	OP_ANSWER,
	OP_PROGRESS,
};

/* A deferred action on a call: never free a call inside its event. */
struct op {
	struct le le;
	struct tmr tmr;
	struct ua *ua;
	const struct call *call;   /* compared, never dereferenced */
	enum op_kind kind;
	uint16_t scode;
	char reason[160];
	bool lifted;               /* account shows its own answer mode
				    * until this op has run (answer_op()) */
};

/* An account the policy has taken over (take_over_answermodes()) */
struct acc_mode {
	char aor[160];
	enum answermode mode;    /* what the accounts file says */
};

struct policy_state {
	struct micgate gate;
	struct fraud *fraud;
	enum enc_mode enc;
	bool notice;
	bool busy_second;
	uint32_t retention_days;
	char snd_path[256];
	char module_path[256];
	char user_agent[128];        /* "" = no User-Agent/Server      */
	char tls_pins[600];          /* SHA-256 fingerprints, or ""    */

	struct permfile pf;
	struct perm_set ps;          /* the file's states               */
	unsigned once_live;          /* "once" grants held by live calls */
	bool malformed;
	char perm_err[256];
	struct stat perm_st;         /* to notice changes at call start */
	int dirfd;                   /* the profile directory, or -1    */
	struct dirwatch watch;       /* stat only after a change event  */
	bool perm_seen;

	bool contacts_unloaded;      /* we unloaded contact.so          */
	bool recorder_configured;    /* the config loads sndfile.so     */
	bool recorder_missing_told;  /* "allowed but none configured"   */
	struct auditpend *audit_pend; /* lines not yet written (audit.c) */
	unsigned audit_lost;         /* lines dropped: pending area full */
	bool audit_failing;          /* the last write failed           */
	uint64_t audit_last;         /* tmr_jiffies() of the last write */
	int audit_fd;                /* permissions.audit kept open, -1 */
	struct tmr tmr_audit;
	bool answer_last;            /* answer_now() is registered      */
	struct hash *checked;        /* calls that raised CALL_INCOMING */
	struct list answered;        /* baresip answered: work to do    */
	struct tmr tmr_answered;
	bool fraud_capped;           /* a source's next call is refused */
	struct tmr tmr_fraud;        /* ... until its minute ends       */
	struct list ops;
	struct tmr tmr_start;
	struct tmr tmr_idle;

	struct acc_mode acc[MAX_ACCOUNTS];
	size_t nacc;
};

extern struct policy_state d;


static inline long long now_s(void)
{
	return (long long)time(NULL);
}


static inline uint64_t now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);

	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}


/*
 * allowed now: by the file ("allow"), or by a "once" grant a live call
 * holds.  A "once" still in the file permits nothing: it is a grant
 * waiting for a call that starts alone (call_starts(), P-PERM-1).
 */
static inline bool allowed(enum perm p)
{
	return d.ps.state[p] == PERM_ALLOW || (d.once_live & (1u << p));
}


/* audit.c */
void audit(const char *subject, const char *decision, const char *reason);
void audit_flush(void);
void audit_close(void);
void audit_start(void);
void audit_stop(void);

/* calls.c */
unsigned calls_active(void);
bool calls_any(void);
bool call_alive(struct ua *ua, const struct call *call);
void checked_add(const struct call *call);
bool checked_is(const struct call *call);
void checked_forget(const struct call *call);
struct op *op_start(struct ua *ua, const struct call *call,
		    enum op_kind kind, uint16_t scode, const char *reason);
void op_exec(struct op *op);
void answer_op(struct ua *ua, const struct call *call, enum op_kind kind,
	       enum answermode mode);
void ops_forget_call(const struct call *call);
void answered_queue(struct ua *ua, const struct call *call);
void answered_forget(const struct call *call);

/* enforce.c */
bool recorder_loaded(void);
void enforce_microphone(struct call *call);
void enforce_phone_state(struct ua *ua, struct call *call);
void enforce_all(void);

/* permwatch.c */
void watch_open(const char *profile);
void perms_load(void);
void perms_refresh(void);
unsigned call_starts(bool *alone);
void once_take(void);
bool once_grants_end(void);

/* answer.c */
const struct acc_mode *acc_find(const char *aor);
enum answermode configured_answermode(const struct ua *ua);
void answermodes_update(void);
void take_over_answermodes(void);
void fraud_refresh(void);

/* admit.c */
bool admit_incoming(struct ua *ua, struct call *call);
void admit_outgoing(struct ua *ua, struct call *call,
		    const struct bsip_event *e);
void answered_by_baresip(struct ua *ua, struct call *call, bool early);
void idle_check(void *arg);
void report_accounts(void);

/* config.c */
int read_config(struct fraud_cfg *fc);

/* commands.c */
extern const struct cmd policy_cmdv[];
extern const size_t policy_cmdc;


#endif
