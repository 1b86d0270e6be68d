/**
 * @file runlog.h  The log "octasip run --log" keeps of baresip's output
 *
 * A logger process reads what baresip writes to stdout and stderr through
 * a pipe, passes it on unchanged to where octasip's own stdout went (the
 * terminal, the journal) and appends each line, scrubbed and redacted
 * (scrub.h), to <profile>/baresip.log (0600).  When the file would grow
 * past RUNLOG_MAX bytes it becomes baresip.log.1 (replacing the previous
 * one) and a new file starts: at most 2 * RUNLOG_MAX bytes on disk.
 * The logger ignores SIGINT, SIGTERM and SIGHUP and ends when baresip
 * closes the pipe (exits).  It never sends anything anywhere.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_RUNLOG_H
#define OCTASIP_RUNLOG_H

#define RUNLOG_FILE "baresip.log"
#define RUNLOG_OLD  "baresip.log.1"
#define RUNLOG_MAX  (256 * 1024)

/*
 * Starts the logger for profile and points this process's stdout and
 * stderr at it (the process then execs baresip).  0 or an errno; on
 * failure stdout and stderr are unchanged.
 */
int runlog_start(const char *profile);

#endif
