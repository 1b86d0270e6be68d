/**
 * @file curlapi.h  libcurl, loaded at run time only when an upload is
 *                  attempted
 *
 * octasip_crash.so does not link libcurl: linked, it (and what it pulls
 * in) is mapped and initialised in every baresip, about 4.4 MiB of RSS,
 * although nothing is ever sent without a DSN and consent (the default).
 * curl_api_load() dlopen()s libcurl.so.4 (RTLD_NOW | RTLD_LOCAL), looks
 * up the few functions the sender uses and calls curl_global_init(),
 * once; the sender calls it right before its first transfer, on its
 * worker thread (module) or in the tool's process.  The result, good or
 * bad, is kept: a missing libcurl is looked for once per process.
 *
 * The library is never dlclose()d (libcurl and OpenSSL register exit
 * handlers; unloading them is not safe): curl_api_cleanup() only calls
 * curl_global_cleanup(), and a later curl_api_load() initialises again.
 * Thread-safe (one mutex); the API table stays valid until the process
 * ends.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CURLAPI_H
#define OCTASIP_CURLAPI_H

#include <stdbool.h>
#include <curl/curl.h>

#define CURL_API_SONAME "libcurl.so.4"

struct curl_api {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*perform)(CURL *c);
	CURLcode (*getinfo)(CURL *c, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *c);
	struct curl_slist *(*slist_append)(struct curl_slist *l,
					   const char *s);
	void (*slist_free_all)(struct curl_slist *l);
	/* the URL API: the sender judges a URL as libcurl parses it */
	CURLU *(*url)(void);
	CURLUcode (*url_set)(CURLU *u, CURLUPart what, const char *part,
			     unsigned int flags);
	CURLUcode (*url_get)(const CURLU *u, CURLUPart what, char **part,
			     unsigned int flags);
	void (*url_cleanup)(CURLU *u);
	void (*free)(void *p);
};

/*
 * The loaded API in *apip.  0, or ENOSYS: the library or a function is
 * missing, or curl_global_init() failed (curl_api_error() says which).
 */
int  curl_api_load(const struct curl_api **apip);
void curl_api_cleanup(void);
bool curl_api_loaded(void);
const char *curl_api_error(void);

/* tests only: load another file name (before the first curl_api_load) */
void curl_api_set_soname(const char *soname);

#endif
