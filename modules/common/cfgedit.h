/**
 * @file cfgedit.h  Reading and editing baresip-style "key value" files
 *
 * Lookups follow baresip's own rule: the first line whose first token is
 * the key wins, the value is the next whitespace-free token, and lines
 * starting with '#' are comments.  Editing functions return a new string
 * (malloc'd, *outp) and never modify the input.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CFGEDIT_H
#define OCTASIP_CFGEDIT_H

#include <stddef.h>

int cfg_get(const char *text, const char *key, char *val, size_t sz);
int cfg_file_get(const char *path, const char *key, char *val, size_t sz);
int cfg_set(const char *text, const char *key, const char *value,
	    char **outp);
int cfg_remove(const char *text, const char *key, const char *value,
	       char **outp);
int cfg_replace_block(const char *text, const char *begin,
		      const char *end, const char *block, char **outp);

#endif
