/**
 * @file curlapi.c  libcurl loaded with dlopen() on first use (curlapi.h)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "curlapi.h"


enum state {
	CA_UNTRIED = 0,
	CA_FAILED,
	CA_LOADED,
};

static struct {
	pthread_mutex_t mtx;
	enum state state;
	bool global;                 /* curl_global_init() done */
	void *handle;
	const char *soname;
	struct curl_api api;
	char error[256];
} ca = {
	.mtx = PTHREAD_MUTEX_INITIALIZER,
	.soname = CURL_API_SONAME,
};


/* a function pointer from dlsym() without an object-pointer cast */
static bool sym(void *fp, size_t sz, const char *name)
{
	void *p = dlsym(ca.handle, name);

	if (!p || sz != sizeof(p)) {
		(void)snprintf(ca.error, sizeof(ca.error), "%s: no %s",
			       ca.soname, name);
		return false;
	}

	memcpy(fp, &p, sz);

	return true;
}


#define SYM(field, name) sym(&ca.api.field, sizeof(ca.api.field), name)


static int open_lib(void)
{
	const char *e;

	ca.handle = dlopen(ca.soname, RTLD_NOW | RTLD_LOCAL);
	if (!ca.handle) {
		e = dlerror();
		(void)snprintf(ca.error, sizeof(ca.error), "%s",
			       e ? e : ca.soname);
		return ENOSYS;
	}

	if (!SYM(global_init, "curl_global_init") ||
	    !SYM(global_cleanup, "curl_global_cleanup") ||
	    !SYM(easy_init, "curl_easy_init") ||
	    !SYM(setopt, "curl_easy_setopt") ||
	    !SYM(perform, "curl_easy_perform") ||
	    !SYM(getinfo, "curl_easy_getinfo") ||
	    !SYM(easy_cleanup, "curl_easy_cleanup") ||
	    !SYM(slist_append, "curl_slist_append") ||
	    !SYM(slist_free_all, "curl_slist_free_all") ||
	    !SYM(url, "curl_url") ||
	    !SYM(url_set, "curl_url_set") ||
	    !SYM(url_get, "curl_url_get") ||
	    !SYM(url_cleanup, "curl_url_cleanup") ||
	    !SYM(free, "curl_free")) {
		/* not libcurl after all: nothing of it was called */
		(void)dlclose(ca.handle);
		ca.handle = NULL;
		memset(&ca.api, 0, sizeof(ca.api));
		return ENOSYS;
	}

	return 0;
}


int curl_api_load(const struct curl_api **apip)
{
	int err = 0;

	if (!apip)
		return EINVAL;

	pthread_mutex_lock(&ca.mtx);

	if (ca.state == CA_UNTRIED)
		ca.state = open_lib() ? CA_FAILED : CA_LOADED;

	if (ca.state != CA_LOADED) {
		err = ENOSYS;
	}
	else if (!ca.global &&
		 ca.api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		(void)snprintf(ca.error, sizeof(ca.error),
			       "curl_global_init failed");
		err = ENOSYS;
	}
	else {
		ca.global = true;
	}

	if (!err)
		*apip = &ca.api;

	pthread_mutex_unlock(&ca.mtx);

	return err;
}


void curl_api_cleanup(void)
{
	pthread_mutex_lock(&ca.mtx);

	if (ca.global) {
		ca.api.global_cleanup();
		ca.global = false;
	}

	pthread_mutex_unlock(&ca.mtx);
}


bool curl_api_loaded(void)
{
	bool loaded;

	pthread_mutex_lock(&ca.mtx);
	loaded = ca.state == CA_LOADED;
	pthread_mutex_unlock(&ca.mtx);

	return loaded;
}


const char *curl_api_error(void)
{
	return ca.error;
}


void curl_api_set_soname(const char *soname)
{
	pthread_mutex_lock(&ca.mtx);

	/* a loaded library stays; a failure may be retried by name */
	if (ca.state != CA_LOADED) {
		ca.soname = soname ? soname : CURL_API_SONAME;
		ca.state = CA_UNTRIED;
		ca.error[0] = '\0';
	}

	pthread_mutex_unlock(&ca.mtx);
}
