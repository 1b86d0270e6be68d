/**
 * @file bsip.c  Checks and helpers on top of OctaSIP's baresip declarations
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common/bsip.h"
#include "dirwatch.h"
#include "olog.h"
#include "recompat.h"
#include "calllog_api.h"
#include "credstore_api.h"
#include "siptrace_api.h"


const char *bsip_ua_aor(const struct ua *ua)
{
	const char *aor;

	if (!ua)
		return "";

	aor = account_aor(ua_account(ua));

	return aor ? aor : "";
}


static void olog_to_baresip(enum olog_level lvl, const char *msg)
{
	switch (lvl) {

	case OLOG_DEBUG: debug("%s", msg);   break;
	case OLOG_INFO:  info("%s", msg);    break;
	default:         warning("%s", msg); break;
	}
}


void bsip_olog_attach(void)
{
	olog_set_handler(olog_to_baresip);
}


/*
 * Find the call log's API in the already loaded octasip_calllog.so.  The
 * module is loaded from <module_path>/octasip_calllog.so; RTLD_NOLOAD
 * returns it only if it is loaded, and never loads it.
 *
 * Asked once per call (policy), so the answer is kept: looking up
 * module_path scans the whole config text (about 0.6 M instructions
 * with OctaSIP's commented config), the lookup itself walks every loaded
 * object.  The path is built once; a found API is kept together with the
 * dlopen() reference, which keeps the module mapped until
 * calllog_api_release() (a closed call log answers ENOENT).
 */
static struct {
	char path[1024];
	void *h;
	const struct calllog_api *api;
} cl;


/* <module_path>/name: where baresip loaded the module from */
static int module_file(char *buf, size_t sz, const char *name)
{
	struct pl mp;

	if (conf_get(conf_cur(), "module_path", &mp))
		pl_set_str(&mp, ".");

	if (re_snprintf(buf, sz, "%r/%s", &mp, name) < 0) {
		buf[0] = '\0';
		return ENAMETOOLONG;
	}

	return 0;
}


const struct calllog_api *calllog_api_get(void)
{
	const struct calllog_api *api;
	void *h;

	if (cl.api)
		return cl.api;

	if (!cl.path[0] &&
	    module_file(cl.path, sizeof(cl.path), "octasip_calllog.so"))
		return NULL;

	h = dlopen(cl.path, RTLD_NOW | RTLD_NOLOAD);
	if (!h)
		return NULL;

	api = dlsym(h, CALLLOG_API_SYMBOL);
	if (!api || api->version != CALLLOG_API_VERSION) {
		(void)dlclose(h);
		return NULL;
	}

	cl.h = h;
	cl.api = api;

	return api;
}


void calllog_api_release(void)
{
	if (cl.h)
		(void)dlclose(cl.h);

	memset(&cl, 0, sizeof(cl));
}


/*
 * The API struct sym of the loaded module file (never loads it), if its
 * first member, the version, is version; *hp gets the dlopen() reference
 */
static const void *module_api(const char *file, const char *sym,
			      uint32_t version, void **hp)
{
	const uint32_t *api;
	char path[1024];
	void *h;

	*hp = NULL;
	if (module_file(path, sizeof(path), file))
		return NULL;

	h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	if (!h)
		return NULL;

	api = dlsym(h, sym);
	if (!api || *api != version) {
		(void)dlclose(h);
		return NULL;
	}

	*hp = h;

	return api;
}


const struct siptrace_api *siptrace_api_get(void **hp)
{
	return module_api("octasip_policy.so", SIPTRACE_API_SYMBOL,
			  SIPTRACE_API_VERSION, hp);
}


void siptrace_api_put(void *h)
{
	if (h)
		(void)dlclose(h);
}


/* the credential store's API (the realm of an account); kept once found */
static struct {
	void *h;
	const struct credstore_api *api;
} cs;


const struct credstore_api *credstore_api_get(void)
{
	if (!cs.api)
		cs.api = module_api("octasip_credstore.so",
				    CREDSTORE_API_SYMBOL,
				    CREDSTORE_API_VERSION, &cs.h);

	return cs.api;
}


void credstore_api_release(void)
{
	if (cs.h)
		(void)dlclose(cs.h);

	memset(&cs, 0, sizeof(cs));
}


int bsip_module_init(const char *modname)
{
	/*
	 * P-FILE-1: what baresip and its modules write into the profile
	 * after us (contact.so's current_contact, uuid.so's uuid, sndfile's
	 * recordings) is private also when baresip was started without
	 * `octasip run` (which sets umask 077 itself)
	 */
	(void)umask(umask(077) | 077);

	bsip_olog_attach();

	return bsip_abi_check(modname);
}


int bsip_dirwatch_start(struct dirwatch *w, const char *dir,
			const char *const *names, size_t n, unsigned flags,
			fd_h *h, void *arg)
{
	int err = dirwatch_open(w, dir, names, n, flags);

	if (!err)
		err = refd_listen(&w->fhs, w->fd, FD_READ, h, arg);
	if (err)
		dirwatch_close(w);

	return err;
}


void bsip_dirwatch_stop(struct dirwatch *w)
{
	if (!w || w->fd < 0)
		return;

	refd_close(&w->fhs, w->fd);
	dirwatch_close(w);
}


/*
 * Reads a watch its handler found readable.  True when a watched name
 * changed, or when the watch has ended: it is then stopped, and the
 * caller looks the file up itself from now on.
 */
bool bsip_dirwatch_read(struct dirwatch *w)
{
	bool changed = dirwatch_changed(w) != 0;

	if (dirwatch_active(w))
		return changed;

	bsip_dirwatch_stop(w);

	return true;
}


uint32_t bsip_call_key(const struct call *call)
{
	uintptr_t p = (uintptr_t)call;

	/* heap pointers: the low bits are alignment */
	return (uint32_t)(p >> 4) ^ (uint32_t)(p >> 20);
}


/*
 * baresip 1.0.0's options are getopt(argc, argv, "46de:f:p:hu:n:vst:m:"),
 * 4.10's "46a:de:f:p:hu:n:vst:m:Tc" (-a takes a value there, 1.0.0
 * refuses it): flags may be clustered ("-ds"), a value is not an option
 * ("-e -s"), "--" ends the options.
 */
bool bsip_sip_trace_requested(void)
{
	static const char with_value[] = "aefpunmt";
	char buf[4096];
	size_t n, i;
	ssize_t got;
	int fd;

	fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	got = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (got <= 0)
		return false;
	n = (size_t)got;
	buf[n] = '\0';

	/* NUL-separated arguments; the first is the program */
	for (i = strlen(buf) + 1; i < n; i += strlen(buf + i) + 1) {

		const char *a = buf + i;
		size_t j;

		if (!strcmp(a, "--"))
			break;
		if (a[0] != '-' || !a[1])
			continue;

		for (j = 1; a[j]; ++j) {
			if (a[j] == 's')
				return true;
			if (strchr(with_value, a[j])) {
				/* the rest, or the next argument, is the
				 * option's value */
				if (!a[j + 1] && i + strlen(a) + 1 < n)
					i += strlen(a) + 1;
				break;
			}
		}
	}

	return false;
}
