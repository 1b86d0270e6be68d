/**
 * @file cl_export.h  Call-log rows as CSV (RFC 4180) and JSON
 *
 * CSV: a header line, CRLF line ends, a field quoted when it holds a
 * comma, quote, CR or LF (quotes doubled).  A text cell starting with
 * = + - @ TAB or CR is prefixed with a single quote so that a spreadsheet
 * shows it as text instead of evaluating it.  Bytes are written as
 * stored.
 *
 * JSON: one object per row, written as it is read (constant memory) by
 * OctaSIP's JSON writer (common/jsonw.h): strings are UTF-8, a byte that
 * is not part of a valid UTF-8 sequence is written as U+FFFD, control
 * characters escaped.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CL_EXPORT_H
#define OCTASIP_CL_EXPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "cl_rec.h"

void cl_csv_cell(FILE *f, const char *s);
void cl_csv_header(FILE *f);
void cl_csv_row(FILE *f, const struct cl_rec *r);

void cl_json_str(FILE *f, const char *s);
void cl_json_row(FILE *f, const struct cl_rec *r);

/* Text safe for a terminal: control characters and bad UTF-8 as '?' */
void cl_term_str(FILE *f, const char *s, size_t maxcols);

#endif
