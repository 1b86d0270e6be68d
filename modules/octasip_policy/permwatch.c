/**
 * @file permwatch.c  The permissions file as the policy sees it: loaded,
 *                    watched for changes, and its "once" grants taken at
 *                    each call start
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include "common/profile.h"
#include "policy.h"


/*
 * The permissions file's identity, looked up from the profile directory:
 * each call start resolves one path component, not the whole path.
 */
static bool perm_stat(struct stat *st)
{
	if (d.dirfd >= 0)
		return fstatat(d.dirfd, PROFILE_PERMISSIONS, st, 0) == 0;

	return stat(d.pf.path, st) == 0;
}


/*
 * The watch is also read on the event loop: a changed file is applied
 * (answer modes included) before an INVITE that arrived after the
 * change is read (epoll reports descriptors in the order they became
 * readable), not only at the next call start.
 */
static void watch_readable(int flags, void *arg)
{
	(void)flags;
	(void)arg;

	perms_refresh();

	if (d.watch.fd >= 0 && !dirwatch_active(&d.watch)) {
		info("octasip_policy: the profile directory is no longer"
		     " watched: the permissions file is looked up at every"
		     " call start\n");
		bsip_dirwatch_stop(&d.watch);
	}
}


/* before the first read of the file: no change can slip between */
void watch_open(const char *profile)
{
	static const char *const names[] = {PROFILE_PERMISSIONS,
		PROFILE_PERMISSIONS_AUDIT};
	int err = bsip_dirwatch_start(&d.watch, profile, names, 2,
				      DIRWATCH_IN_PLACE, watch_readable,
				      NULL);

	if (err) {
		info("octasip_policy: cannot watch %s (%m): the permissions"
		     " file is looked up at every call start\n", profile,
		     err);
	}
}


void perms_load(void)
{
	int err;

	d.perm_err[0] = '\0';
	err = perm_load(d.pf.path, &d.ps, d.perm_err, sizeof(d.perm_err));
	d.malformed = err != 0;

	if (err) {
		warning("octasip_policy: %s: %s; using safe defaults (every"
			" permission denied); the file is left as it is: fix"
			" it or run 'octasip perm reset'\n", d.pf.path,
			d.perm_err);
	}

	d.perm_seen = perm_stat(&d.perm_st);
}


/*
 * Re-read the file if it changed: its identity is compared only after
 * the directory watch reported an event for it (dirwatch.h), so a call
 * start normally costs one read() of an inotify queue.
 */
void perms_refresh(void)
{
	struct stat st;
	unsigned bits = dirwatch_changed(&d.watch);
	bool seen;

	/* the audit file was replaced or removed: open it again */
	if (bits & 2)
		audit_close();
	if (!(bits & 1))
		return;

	seen = perm_stat(&st);
	if (seen == d.perm_seen && (!seen ||
	    (st.st_ino == d.perm_st.st_ino &&
	     st.st_size == d.perm_st.st_size &&
	     st.st_mtim.tv_sec == d.perm_st.st_mtim.tv_sec &&
	     st.st_mtim.tv_nsec == d.perm_st.st_mtim.tv_nsec)))
		return;

	info("octasip_policy: permissions file changed, re-read\n");
	perms_load();
	enforce_all();
}


/* The call that held the "once" grants has ended (false: none held) */
bool once_grants_end(void)
{
	if (!d.once_live)
		return false;

	d.once_live = 0;
	info("octasip_policy: \"once\" grants ended with the call\n");

	return true;
}


/*
 * A call starts: changed file, then whether "once" grants may become
 * this call's (once_take(), after the fraud and encryption checks have
 * let it through: a refused call takes nothing).  The permissions are
 * process-wide (a loaded recorder records every call, an open
 * microphone gate serves every call), so a grant is only ever live
 * while its call is the only one (P-PERM-1: "once" is for one call):
 *  - another call holds grants: they are returned, and this call must
 *    not run (the caller refuses it); nothing is consumed for it;
 *  - other calls run, none with a grant: grants in the file wait for a
 *    call that starts alone; this one runs under the file's states.
 * *alone: no other call runs and the file is sound (once_take() may).
 */
unsigned call_starts(bool *alone)
{
	unsigned others = 0;

	*alone = false;
	perms_refresh();

	/* the walk over every call only when a grant is live or waiting */
	if (d.once_live || perm_set_bits(&d.ps, PERM_ONCE)) {
		others = calls_active();
		others = others ? others - 1 : 0;   /* this call is listed */
	}

	/* the call that held them has ended; idle_check() has not run yet
	 * (it runs after CALL_CLOSED, from a timer) */
	if (!others && once_grants_end())
		enforce_all();

	if (d.once_live)
		return d.once_live;

	*alone = !d.malformed && !others;

	return 0;
}


/* The call call_starts() found alone, let through, takes the grants */
void once_take(void)
{
	unsigned bits = 0;
	int i, err;

	err = permfile_consume_once(&d.pf, &d.ps, &bits);
	if (err)
		warning("octasip_policy: cannot write %s: %m\n", d.pf.path,
			err);
	if (bits) {
		d.once_live |= bits;
		(void)perm_stat(&d.perm_st);
		enforce_all();

		/* P-PERM-2: audit() writes nothing with storage denied */
		for (i = 0; i < PERM_COUNT; ++i) {
			if (bits & (1u << i))
				audit(perm_name(i), "once-used",
				      "granted for this call only");
		}
	}
}
