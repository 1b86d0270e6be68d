/**
 * @file octasip_crash.c  OctaSIP privacy-aware crash reporter and opt-in
 *                        usage statistics
 *
 * Loaded by baresip as: module (the first line, so it catches crashes in
 * everything loaded after it).  Its type is "crash", not "application":
 * baresip then unloads it last, after every other module.
 *
 * What it does, in order, at init (main thread, before re_main):
 *   1. reads the storage permission (permissions file, perm_load()):
 *      denied or "ask" -> no crash record or report is written;
 *   2. turns crash/raw-*.raw records of earlier crashes into JSON reports
 *      crash/<id>.json (report.c; every string through redact()), counts
 *      them as crashes in the statistics when consent is given, and
 *      applies the retention caps (store.c);
 *   3. installs the fatal-signal handler (sighandler.c);
 *   4. with consent given and a DSN, starts a worker thread that uploads
 *      pending reports and the statistics (sender.c).  Never on the main
 *      or audio thread.  libcurl is not linked: the worker loads it
 *      (dlopen, curlapi.c) before its first transfer, so without a DSN
 *      and consent it is never mapped.  Missing libcurl: one warning,
 *      the reports stay, no upload is tried again until restart.
 * Then every 10 s (first right after all modules loaded): the module
 * table for backtraces is refreshed, the storage permission re-read, the
 * statistics flushed (only with consent), and pending reports uploaded.
 * The storage permission is also re-read as soon as the permissions file
 * changes (an inotify watch on the profile, read on the event loop): a
 * crash after "octasip perm set storage deny" writes nothing (P-PERM-2).
 *
 * Configuration keys (in baresip's config file):
 *   octasip_crash_enable       yes|no  catch fatal signals (default yes)
 *   octasip_crash_dsn          Sentry DSN; none: nothing is ever sent
 *                              (default none).  https only; http only to
 *                              a loopback host
 *   octasip_crash_max_reports  keep at most N reports (default 10)
 *   octasip_crash_max_age_days delete reports older than N days (30)
 *   octasip_crash_max_kbytes   keep at most N KiB of reports (1024)
 *   octasip_crash_watchdog     seconds the handler may take (default 3)
 *   octasip_crash_test_trigger yes|no  register /octasip_crash_test,
 *                              which crashes baresip on purpose; for
 *                              tests only (default no, never in the
 *                              shipped config)
 *
 * Commands:
 *   /octasip_crash             consent, pending reports, handler state
 *   /octasip_crash_test        crash now (only with the test trigger)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "common/bsip.h"
#include "common/calllog_api.h"
#include "common/dirwatch.h"
#include "common/fileio.h"
#include "common/perm.h"
#include "common/profile.h"
#include "consent.h"
#include "curlapi.h"
#include "report.h"
#include "sender.h"
#include "sighandler.h"
#include "stats.h"
#include "store.h"
#include "generated/octasip_version.h"


enum {
	TICK_MS = 10000,
	TRACKED_MIN = 32,
};

/*
 * Calls seen, to tell answered from the rest when they close.  Kept in
 * one array that grows (no limit on concurrent calls) and scanned in
 * place: a call event costs no walk over baresip's call lists, whose
 * nodes sit in every call object (cold in cache on a busy callee).
 */
struct tracked {
	const struct call *call;
	bool established;
};

static struct {
	char profile[4096];
	char crashdir[4200];
	char dsn[512];
	int dirfd;
	bool enable;
	bool test_trigger;
	bool storage;
	bool unwritable;               /* crash/ cannot be written to   */
	bool cmds;
	bool events;
	bool nocurl;                   /* libcurl could not be loaded  */
	uint32_t watchdog;
	struct store_limits lim;
	struct tmr tick;
	struct dirwatch watch;         /* the permissions file            */
	struct stats delta;            /* counted since the last flush */
	struct tracked *calls;
	size_t ncalls;                 /* slots in calls[]              */
	int active;                    /* slots in use: calls going on  */
	pthread_t worker;
	bool worker_started;
	atomic_bool worker_done;
	atomic_bool stop;
	bool worker_stats;
	struct send_result res;
	int worker_err;
} d = {.dirfd = -1, .watch = {.fd = -1}};


static bool storage_allowed(void)
{
	char path[4200], errbuf[256];
	struct perm_set ps;
	int err;

	if (fio_path(path, sizeof(path), d.profile, PROFILE_PERMISSIONS))
		return false;

	err = perm_load(path, &ps, errbuf, sizeof(errbuf));
	if (err && err != ENOENT)
		warning("octasip_crash: %s: %s; crash reports off\n", path,
			errbuf[0] ? errbuf : strerror(err));

	/* "once" is a grant for one call, which the policy applies; a crash
	 * reporter cannot tell that call: no record (P-PERM-1) */
	return perm_allows(&ps, PERM_STORAGE);
}


/*
 * Can crash/ take a record?  A read-only or foreign-owned directory would
 * make a crash lose its record silently: say so once, and again when it
 * is writable.
 */
static bool dir_writable(void)
{
	bool ok = access(d.crashdir, W_OK) == 0;
	int err = errno;

	if (!ok && !d.unwritable)
		warning("octasip_crash: %s is not writable (%m): crash"
			" reports off until it is\n", d.crashdir, err);
	else if (ok && d.unwritable)
		info("octasip_crash: %s is writable again: crash reports"
		     " on\n", d.crashdir);
	d.unwritable = !ok;

	return ok;
}


/* ---- upload worker ------------------------------------------------------ */

static void *worker_main(void *arg)
{
	(void)arg;

	d.worker_err = sender_run(d.crashdir, d.dsn, d.worker_stats, &d.stop,
				  &d.res);
	atomic_store(&d.worker_done, true);

	return NULL;
}


static void worker_reap(void)
{
	if (!d.worker_started || !atomic_load(&d.worker_done))
		return;

	(void)pthread_join(d.worker, NULL);
	d.worker_started = false;

	if (d.res.sent || d.res.stats_sent)
		info("octasip_crash: sent %u crash report(s)%s\n", d.res.sent,
		     d.res.stats_sent ? " and the usage statistics" : "");
	if (d.res.rejected)
		warning("octasip_crash: the server refused %u report(s);"
			" kept as *.rejected\n", d.res.rejected);
	if (d.worker_err == ENOSYS && !d.nocurl) {
		warning("octasip_crash: cannot load libcurl (%s): crash"
			" reports kept, not sent; install libcurl4\n",
			curl_api_error());
		d.nocurl = true;
	}
	if (d.worker_err == EAGAIN && d.res.http_status)
		info("octasip_crash: upload deferred (HTTP %ld)\n",
		     d.res.http_status);
}


static bool uploads_due(void)
{
	struct store_entry *v = NULL;
	struct send_state ss;
	size_t n = 0;

	if (!d.dsn[0] || d.nocurl || !consent_allows_upload(d.crashdir))
		return false;

	if (send_state_load(d.crashdir, &ss) ||
	    ss.next_attempt > (int64_t)time(NULL))
		return false;

	if (d.worker_stats) {
		struct stats st;

		if (!stats_load(d.crashdir, &st) && !stats_empty(&st))
			return true;
	}

	if (store_list(d.crashdir, &v, &n))
		return false;
	free(v);

	return n > 0;
}


static void worker_start(bool with_stats)
{
	worker_reap();

	if (d.worker_started)
		return;

	d.worker_stats = with_stats;
	if (!uploads_due())
		return;

	atomic_store(&d.worker_done, false);
	atomic_store(&d.stop, false);
	memset(&d.res, 0, sizeof(d.res));

	if (pthread_create(&d.worker, NULL, worker_main, NULL) == 0)
		d.worker_started = true;
}


/* ---- statistics --------------------------------------------------------- */

static void stats_flush(void)
{
	int err;

	if (stats_empty(&d.delta))
		return;

	/* without consent nothing is kept */
	if (d.storage && consent_allows_upload(d.crashdir)) {
		err = stats_add(d.crashdir, &d.delta);
		if (err)
			warning("octasip_crash: cannot save statistics: %m\n",
				err);
	}

	memset(&d.delta, 0, sizeof(d.delta));
}


static struct tracked *track(const struct call *call, bool add)
{
	struct tracked *free_slot = NULL, *v;
	size_t i, n;

	for (i = 0; i < d.ncalls; ++i) {
		if (d.calls[i].call == call)
			return &d.calls[i];
		if (!d.calls[i].call && !free_slot)
			free_slot = &d.calls[i];
	}

	if (!add)
		return NULL;

	if (!free_slot) {
		n = d.ncalls ? d.ncalls * 2 : TRACKED_MIN;
		v = realloc(d.calls, n * sizeof(*v));
		if (!v)
			return NULL;
		memset(v + d.ncalls, 0, (n - d.ncalls) * sizeof(*v));
		free_slot = v + d.ncalls;
		d.calls = v;
		d.ncalls = n;
	}

	free_slot->call = call;
	free_slot->established = false;
	crash_sig_set_calls(++d.active);

	return free_slot;
}


static void untrack(struct tracked *t)
{
	t->call = NULL;
	crash_sig_set_calls(--d.active);
}


static enum stats_status classify(const struct call *call, const char *prm,
				  bool established)
{
	uint16_t scode = call_scode(call);

	if (!strncmp(prm, CALLLOG_BLOCKED_PREFIX,
		     strlen(CALLLOG_BLOCKED_PREFIX)))
		return STATS_BLOCKED;

	if (established)
		return STATS_ANSWERED;

	if (!call_is_outgoing(call)) {
		if (strstr(prm, "reset by peer") || strstr(prm, "timeout"))
			return STATS_MISSED;
		return STATS_REJECTED;
	}

	if (scode == 486 || scode == 600)
		return STATS_BUSY;
	if (scode == 0 && strstr(prm, "reset by user"))
		return STATS_CANCELLED;

	return STATS_FAILED;
}


static void ua_event_handler(const struct bsip_event *e, void *arg)
{
	struct ua *ua = e->ua;
	struct call *call = e->call;
	const char *prm = e->prm;
	enum bsip_ev ev = e->ev;
	struct tracked *t;

	(void)arg;

	switch (ev) {

	case BSIP_EV_REGISTER_FAIL:
		/* prm: "401 Unauthorized", or an error text */
		stats_regfail(&d.delta, (uint16_t)atoi(prm));
		return;

	case BSIP_EV_CALL_INCOMING:
	case BSIP_EV_CALL_RINGING:
	case BSIP_EV_CALL_PROGRESS:
	case BSIP_EV_CALL_LOCAL_SDP:
	case BSIP_EV_CALL_REMOTE_SDP:
		if (call)
			(void)track(call, true);
		break;

	case BSIP_EV_CALL_ESTABLISHED:
		if (!call)
			break;
		t = track(call, true);
		if (t && !t->established) {
			const struct aucodec *ac;

			t->established = true;
			ac = audio_codec(call_audio(call), true);
			stats_codec(&d.delta, ac ? ac->name : NULL);
			stats_encryption(&d.delta, ua ?
					 account_mediaenc(ua_account(ua)) :
					 NULL);
		}
		break;

	case BSIP_EV_CALL_CLOSED:
		if (!call)
			break;
		t = track(call, false);
		stats_call(&d.delta, classify(call, prm, t && t->established),
			   call_duration(call));
		if (t)
			untrack(t);
		break;

	default:
		break;
	}
}


/* ---- periodic work ------------------------------------------------------ */

/* P-PERM-2: the handler writes a record only while storage is allowed */
static void storage_refresh(void)
{
	bool storage = storage_allowed();

	if (storage != d.storage)
		info("octasip_crash: storage permission %s: crash reports"
		     " %s\n", storage ? "allowed" : "denied",
		     storage ? "on" : "off");
	d.storage = storage;
	crash_sig_set_storage(storage && dir_writable());
}


static void perm_changed(int flags, void *arg)
{
	(void)flags;
	(void)arg;

	if (bsip_dirwatch_read(&d.watch))
		storage_refresh();
}


static void tick(void *arg)
{
	(void)arg;

	(void)crash_sig_modules_refresh();
	storage_refresh();
	stats_flush();
	worker_start(false);

	tmr_start(&d.tick, TICK_MS, tick, NULL);
}


/* ---- commands ----------------------------------------------------------- */

static int cmd_status(struct re_printf *pf, void *arg)
{
	struct consent_info ci;
	struct store_entry *v = NULL;
	size_t n = 0;
	int err;

	(void)arg;

	err = consent_load(d.crashdir, &ci);
	(void)store_list(d.crashdir, &v, &n);
	free(v);

	return re_hprintf(pf, "octasip_crash: handler %s, storage %s,"
			  " consent %s%s (policy %u), %zu report(s)"
			  " pending, %u modules mapped, upload %s, libcurl"
			  " %s\n",
			  crash_sig_installed() ? "on" : "off",
			  d.storage ? "allowed" : "denied",
			  consent_name(ci.state), err ? " (unreadable)" : "",
			  ci.version, n, crash_sig_module_count(),
			  d.dsn[0] ? "configured" : "off (no DSN)",
			  d.nocurl ? "missing" : curl_api_loaded() ?
			  "loaded" : "not loaded");
}


/* a real fault on purpose: in a sanitizer build UBSan would report the
 * NULL store and exit before the signal handler ever ran */
__attribute__((no_sanitize("undefined", "address")))
static int cmd_crash_test(struct re_printf *pf, void *arg)
{
	volatile int *volatile p = NULL;

	(void)pf;
	(void)arg;

	warning("octasip_crash: crashing on request (test trigger)\n");
	*p = 1;

	return 0;
}


static const struct cmd cmdv[] = {
	{"octasip_crash", 0, 0, "Crash reporter status", cmd_status},
};

static const struct cmd cmdv_test[] = {
	{"octasip_crash_test", 0, 0, "Crash baresip now (tests only)",
	 cmd_crash_test},
};


/* ---- init / close ------------------------------------------------------- */

static void read_config(void)
{
	uint32_t v;

	d.enable = true;
	d.test_trigger = false;
	d.dsn[0] = '\0';
	d.lim.max_count = 10;
	d.lim.max_age_days = 30;
	d.lim.max_bytes = 1024 * 1024;
	d.watchdog = 3;

	(void)conf_get_bool(conf_cur(), "octasip_crash_enable", &d.enable);
	(void)conf_get_bool(conf_cur(), "octasip_crash_test_trigger",
			    &d.test_trigger);
	(void)conf_get_str(conf_cur(), "octasip_crash_dsn", d.dsn,
			   sizeof(d.dsn));
	if (!strcmp(d.dsn, "none"))
		d.dsn[0] = '\0';

	if (!conf_get_u32(conf_cur(), "octasip_crash_max_reports", &v))
		d.lim.max_count = v;
	if (!conf_get_u32(conf_cur(), "octasip_crash_max_age_days", &v))
		d.lim.max_age_days = v;
	if (!conf_get_u32(conf_cur(), "octasip_crash_max_kbytes", &v))
		d.lim.max_bytes = (uint64_t)v * 1024;
	if (!conf_get_u32(conf_cur(), "octasip_crash_watchdog", &v) && v)
		d.watchdog = v;
}


static void process_earlier_crashes(void)
{
	unsigned converted = 0, bad = 0, deleted = 0;
	int err;

	err = report_convert_pending(d.crashdir, &converted, &bad);
	if (err)
		warning("octasip_crash: cannot convert crash records: %m\n",
			err);

	if (converted) {
		info("octasip_crash: %u crash report(s) from earlier runs in"
		     " %s (see: octasip crash list)\n", converted,
		     d.crashdir);
		if (consent_allows_upload(d.crashdir)) {
			struct stats one;

			memset(&one, 0, sizeof(one));
			one.crashes = converted;
			(void)stats_add(d.crashdir, &one);
		}
	}

	(void)store_retention(d.crashdir, &d.lim, (int64_t)time(NULL),
			      &deleted);
	if (deleted)
		info("octasip_crash: retention removed %u old report(s)\n",
		     deleted);
}


static int module_init(void)
{
	struct crash_sig_cfg cfg;
	int err;

	err = bsip_module_init("octasip_crash");
	if (err)
		return err;

	read_config();

	err = conf_path_get(d.profile, sizeof(d.profile));
	if (!err)
		err = store_crashdir(d.crashdir, sizeof(d.crashdir),
				     d.profile);
	if (err)
		return err;

	/* before the first read of the file: no change slips between */
	if (bsip_dirwatch_start(&d.watch, d.profile, (const char *const[]){
				PROFILE_PERMISSIONS}, 1, DIRWATCH_IN_PLACE,
				perm_changed, NULL))
		info("octasip_crash: cannot watch %s: a change of the storage"
		     " permission is seen within %u s\n", d.profile,
		     TICK_MS / 1000);

	d.storage = storage_allowed();

	if (d.storage) {
		err = fio_mkdir_private(d.crashdir);
		if (err) {
			warning("octasip_crash: cannot create %s: %m\n",
				d.crashdir, err);
			d.storage = false;
		}
	}

	if (d.storage)
		process_earlier_crashes();
	else
		info("octasip_crash: storage permission denied: no crash"
		     " reports are written\n");

	if (d.enable) {
		d.dirfd = open(d.crashdir, O_RDONLY | O_DIRECTORY |
			       O_CLOEXEC);

		memset(&cfg, 0, sizeof(cfg));
		cfg.dirfd = d.dirfd;
		cfg.watchdog_s = d.watchdog;
		cfg.octasip_version = OCTASIP_VERSION;
		cfg.baresip_version = BSIP_API_VERSION;

		err = d.dirfd >= 0 ? crash_sig_install(&cfg) : errno;
		if (err)
			warning("octasip_crash: crash handler not installed:"
				" %m\n", err);
		crash_sig_set_storage(d.storage && dir_writable());
	}

	err = bsip_event_register(ua_event_handler, NULL);
	if (err)
		return err;
	d.events = true;

	err = cmd_register(baresip_commands(), cmdv, ARRAY_SIZE(cmdv));
	if (!err && d.test_trigger)
		err = cmd_register(baresip_commands(), cmdv_test,
				   ARRAY_SIZE(cmdv_test));
	if (err)
		return err;
	d.cmds = true;

	if (d.dsn[0]) {
		struct dsn ds;

		if (dsn_parse(d.dsn, &ds)) {
			warning("octasip_crash: octasip_crash_dsn is not a"
				" usable DSN (https://KEY@HOST/PROJECT);"
				" uploads off\n");
			d.dsn[0] = '\0';
		}
		else if (d.storage) {
			worker_start(true);
		}
	}

	tmr_init(&d.tick);
	tmr_start(&d.tick, 0, tick, NULL);

	info("octasip_crash: OctaSIP %s loaded (baresip API %s)\n",
	     OCTASIP_VERSION, BSIP_API_VERSION);

	return 0;
}


static int module_close(void)
{
	tmr_cancel(&d.tick);
	bsip_dirwatch_stop(&d.watch);

	if (d.cmds) {
		cmd_unregister(baresip_commands(), cmdv);
		if (d.test_trigger)
			cmd_unregister(baresip_commands(), cmdv_test);
		d.cmds = false;
	}

	if (d.events) {
		bsip_event_unregister(ua_event_handler);
		d.events = false;
	}

	stats_flush();

	if (d.worker_started) {
		atomic_store(&d.stop, true);
		(void)pthread_join(d.worker, NULL);
		d.worker_started = false;
	}

	sender_global_cleanup();

	crash_sig_uninstall();

	free(d.calls);
	d.calls = NULL;
	d.ncalls = 0;
	d.active = 0;

	if (d.dirfd >= 0) {
		(void)close(d.dirfd);
		d.dirfd = -1;
	}

	debug("octasip_crash: unloaded\n");

	return 0;
}


OCTASIP_EXPORT const struct mod_export exports = {
	"octasip_crash",
	"crash",
	module_init,
	module_close,
};
