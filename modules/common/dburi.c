/**
 * @file dburi.c  SQLite URIs for reading a database as it is on disk
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "dburi.h"


int dburi_immutable(char *uri, size_t sz, const char *path)
{
	static const char tail[] = "?mode=ro&immutable=1";
	size_t n = 5;
	const char *p;

	if (!uri || !path || sz < n + sizeof(tail))
		return ENAMETOOLONG;

	memcpy(uri, "file:", n);

	/* '?', '#' and '%' would end or change the file name */
	for (p = path; *p; ++p) {

		if (n + 3 + sizeof(tail) > sz)
			return ENAMETOOLONG;

		if (*p == '?' || *p == '#' || *p == '%')
			n += (size_t)snprintf(uri + n, sz - n, "%%%02X",
					      (unsigned char)*p);
		else
			uri[n++] = *p;
	}

	memcpy(uri + n, tail, sizeof(tail));

	return 0;
}


bool dburi_wal_pending(const char *path)
{
	char wal[4300];
	struct stat st;

	if (snprintf(wal, sizeof(wal), "%s-wal", path) >= (int)sizeof(wal))
		return false;

	return !stat(wal, &st) && st.st_size > 0;
}
