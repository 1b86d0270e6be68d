/**
 * @file report.c  Raw crash records -> JSON crash reports (see report.h)
 *
 * The report follows Sentry's event payload: exception (signal, code,
 * fault address) with a stack trace whose frames are module-relative
 * ("addr_mode": "rel:N" points into debug_meta.images), debug_meta.images
 * (every loaded object: file name, GNU build id as code_id and debug_id),
 * contexts (os name, kernel version; app and runtime versions) and extra
 * (uptime, active calls).  Nothing else is collected, so there is no URI,
 * number, address, user or host name, environment or memory in it; the
 * redactor runs over every string anyway.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <re.h>
#include "common/fileio.h"
#include "common/olog.h"
#include "redact.h"
#include "sighandler.h"
#include "report.h"


enum {
	MAX_MODS = 256,
	MAX_FRAMES = 128,
	RAW_MAX = 1 << 20,
};

struct rmod {
	char bid[66];
	char name[64];
	uint64_t size;
};

struct rframe {
	int mod;          /* -1: outside every module */
	uint64_t off;
};

struct raw {
	bool magic, end, have_sig, have_addr, have_pc, user;
	int sig;
	long code;
	uint64_t addr, time, uptime_ms, calls;
	char octasip[32], baresip[32];
	char os_name[32], os_rel[96], os_mach[32];
	struct rmod mods[MAX_MODS];
	unsigned nmods;
	struct rframe pc;
	struct rframe frames[MAX_FRAMES];
	unsigned nframes;
};


static const char *sig_name(int sig)
{
	switch (sig) {

	case 4:  return "SIGILL";
	case 6:  return "SIGABRT";
	case 7:  return "SIGBUS";
	case 8:  return "SIGFPE";
	case 11: return "SIGSEGV";
	default: return "SIGNAL";
	}
}


static const char *code_name(int sig, long code)
{
	if (code <= 0) {
		switch (code) {

		case 0:  return "SI_USER";
		case -6: return "SI_TKILL";
		case -1: return "SI_QUEUE";
		default: return "SI_OTHER";
		}
	}

	switch (sig) {

	case 11: return code == 1 ? "SEGV_MAPERR" : code == 2 ?
			"SEGV_ACCERR" : "SEGV_OTHER";
	case 7:  return code == 1 ? "BUS_ADRALN" : code == 2 ?
			"BUS_ADRERR" : "BUS_OTHER";
	case 8:  return code == 1 ? "FPE_INTDIV" : code == 3 ?
			"FPE_FLTDIV" : "FPE_OTHER";
	case 4:  return code == 1 ? "ILL_ILLOPC" : "ILL_OTHER";
	default: return "OTHER";
	}
}


static int parse_frame(const char *s, struct rframe *f)
{
	unsigned idx;
	unsigned long long off;

	if (s[0] == '-') {
		f->mod = -1;
		f->off = 0;
		return 0;
	}

	if (sscanf(s, "%u 0x%llx", &idx, &off) != 2 || idx >= MAX_MODS)
		return EBADMSG;

	f->mod = (int)idx;
	f->off = off;

	return 0;
}


static int parse_raw(const char *text, size_t len, struct raw *r)
{
	const char *p = text, *end = text + len;

	memset(r, 0, sizeof(*r));

	while (p < end) {

		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char line[256];
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *sp, *val;

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl ? nl + 1 : end;

		/* an unterminated last line was cut short: ignore it */
		if (!nl)
			break;

		if (!r->magic) {
			if (strcmp(line, CRASH_RAW_MAGIC))
				return EBADMSG;
			r->magic = true;
			continue;
		}

		if (!strcmp(line, "end")) {
			r->end = true;
			break;
		}

		sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		val = sp + 1;

		if (!strcmp(line, "signal")) {
			r->sig = atoi(val);
			r->have_sig = r->sig > 0 && r->sig < 65;
		}
		else if (!strcmp(line, "code")) {
			r->code = (long)(int32_t)strtoull(val, NULL, 10);
		}
		else if (!strcmp(line, "addr")) {
			r->addr = strtoull(val, NULL, 16);
			r->have_addr = true;
		}
		else if (!strcmp(line, "sender")) {
			r->user = !strcmp(val, "user");
		}
		else if (!strcmp(line, "time")) {
			r->time = strtoull(val, NULL, 10);
		}
		else if (!strcmp(line, "uptime_ms")) {
			r->uptime_ms = strtoull(val, NULL, 10);
		}
		else if (!strcmp(line, "calls")) {
			r->calls = strtoull(val, NULL, 10);
		}
		else if (!strcmp(line, "octasip")) {
			(void)snprintf(r->octasip, sizeof(r->octasip), "%s",
				       val);
		}
		else if (!strcmp(line, "baresip")) {
			(void)snprintf(r->baresip, sizeof(r->baresip), "%s",
				       val);
		}
		else if (!strcmp(line, "os")) {
			if (sscanf(val, "%31s %95s %31s", r->os_name,
				   r->os_rel, r->os_mach) < 1)
				r->os_name[0] = '\0';
		}
		else if (!strcmp(line, "module")) {
			struct rmod m;
			unsigned idx;
			unsigned long long size;

			memset(&m, 0, sizeof(m));
			if (sscanf(val, "%u 0x%llx %65s %63[^\n]", &idx, &size,
				   m.bid, m.name) != 4 || idx != r->nmods ||
			    r->nmods >= MAX_MODS)
				continue;
			if (!strcmp(m.bid, "-"))
				m.bid[0] = '\0';
			m.size = size;
			r->mods[r->nmods++] = m;
		}
		else if (!strcmp(line, "pc")) {
			r->have_pc = !parse_frame(val, &r->pc);
		}
		else if (!strcmp(line, "frame")) {
			if (r->nframes < MAX_FRAMES &&
			    !parse_frame(val, &r->frames[r->nframes]))
				++r->nframes;
		}
	}

	if (!r->magic || !r->have_sig)
		return EBADMSG;

	return 0;
}


/* a version as the module writes it: 1.2.3, 0.1.0~rc1, 1.0+git.abc */
static bool version_ok(const char *v)
{
	size_t n = strlen(v);

	return n > 0 && n < 64 &&
		strspn(v, "0123456789abcdefghijklmnopqrstuvwxyz"
		       "ABCDEFGHIJKLMNOPQRSTUVWXYZ.+~-") == n;
}


/* every other string in a report goes through the redactor */
static int add_str(struct odict *o, const char *key, const char *val)
{
	char *s = redact_dup(val);
	int err;

	if (!s)
		return ENOMEM;

	err = odict_entry_add(o, key, ODICT_STRING, s);
	free(s);

	return err;
}


static int add_hex(struct odict *o, const char *key, uint64_t v)
{
	char buf[24];

	(void)snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);

	return odict_entry_add(o, key, ODICT_STRING, buf);
}


static int add_int(struct odict *o, const char *key, int64_t v)
{
	return odict_entry_add(o, key, ODICT_INT, v);
}


static int add_obj(struct odict *o, const char *key, int type,
		   struct odict **childp)
{
	struct odict *c;
	int err = odict_alloc(&c, 8);

	if (err)
		return err;

	err = odict_entry_add(o, key, type, c);
	*childp = c;
	mem_deref(c);      /* the parent holds it now */

	return err;
}


/* Sentry's debug_id of an ELF build id: the first 16 bytes as a GUID */
static void debug_id(const char *bid, char *out, size_t sz)
{
	static const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6,
				      8, 9, 10, 11, 12, 13, 14, 15};
	uint8_t b[16] = {0};
	size_t i, n = strlen(bid) / 2;
	char *q = out;

	for (i = 0; i < n && i < 16; ++i) {
		unsigned v;

		if (sscanf(bid + 2 * i, "%2x", &v) != 1)
			break;
		b[i] = (uint8_t)v;
	}

	if (sz < 37) {
		if (sz)
			out[0] = '\0';
		return;
	}

	for (i = 0; i < 16; ++i) {
		q += sprintf(q, "%02x", b[order[i]]);
		if (i == 3 || i == 5 || i == 7 || i == 9)
			*q++ = '-';
	}
	*q = '\0';
}


static int add_frame(struct odict *arr, unsigned k, const struct raw *r,
		     const struct rframe *f)
{
	struct odict *fo;
	char key[16], mode[24];
	int err;

	(void)snprintf(key, sizeof(key), "%u", k);
	err = add_obj(arr, key, ODICT_OBJECT, &fo);
	if (err)
		return err;

	if (f->mod < 0 || (unsigned)f->mod >= r->nmods) {
		err = odict_entry_add(fo, "instruction_addr", ODICT_STRING,
				      "0x0");
		err |= odict_entry_add(fo, "package", ODICT_STRING,
				       "(unknown)");
		return err;
	}

	(void)snprintf(mode, sizeof(mode), "rel:%d", f->mod);
	err  = add_hex(fo, "instruction_addr", f->off);
	err |= odict_entry_add(fo, "addr_mode", ODICT_STRING, mode);
	err |= add_str(fo, "package", r->mods[f->mod].name);

	return err;
}


/* Frames before the faulting pc are the handler's own: *fvp and *nfp
 * then start at the pc's frame.  Was the pc among the frames? */
static bool skip_handler_frames(const struct raw *r,
				const struct rframe **fvp, unsigned *nfp)
{
	unsigned i;

	if (!r->have_pc)
		return false;

	for (i = 0; i < *nfp; ++i) {
		if ((*fvp)[i].mod == r->pc.mod && (*fvp)[i].off == r->pc.off)
			break;
	}
	if (i == *nfp)
		return false;

	*fvp += i;
	*nfp -= i;

	return true;
}


/* exception.values[0]: the signal, its mechanism and the stack trace */
static int add_exception(struct odict *ev, const struct raw *r,
			 const struct rframe *fv, unsigned nf, bool pc_found)
{
	struct odict *exc, *vals, *v0, *mech, *meta, *sig, *st, *frames;
	char value[128];
	unsigned i, k = 0;
	int err;

	err = add_obj(ev, "exception", ODICT_OBJECT, &exc);
	if (err)
		return err;
	err |= add_obj(exc, "values", ODICT_ARRAY, &vals);
	if (err)
		return err;
	err |= add_obj(vals, "0", ODICT_OBJECT, &v0);
	if (err)
		return err;

	if (r->have_addr)
		(void)snprintf(value, sizeof(value), "%s (%s) at 0x%llx",
			       sig_name(r->sig), code_name(r->sig, r->code),
			       (unsigned long long)r->addr);
	else
		(void)snprintf(value, sizeof(value), "%s (%s)",
			       sig_name(r->sig), code_name(r->sig, r->code));
	err |= odict_entry_add(v0, "type", ODICT_STRING, sig_name(r->sig));
	err |= odict_entry_add(v0, "value", ODICT_STRING, value);

	err |= add_obj(v0, "mechanism", ODICT_OBJECT, &mech);
	if (err)
		return err;
	err |= odict_entry_add(mech, "type", ODICT_STRING, "signalhandler");
	err |= odict_entry_add(mech, "handled", ODICT_BOOL, false);
	err |= odict_entry_add(mech, "synthetic", ODICT_BOOL, true);
	err |= add_obj(mech, "meta", ODICT_OBJECT, &meta);
	if (err)
		return err;
	err |= add_obj(meta, "signal", ODICT_OBJECT, &sig);
	if (err)
		return err;
	err |= add_int(sig, "number", r->sig);
	err |= add_int(sig, "code", r->code);
	err |= odict_entry_add(sig, "name", ODICT_STRING, sig_name(r->sig));
	err |= odict_entry_add(sig, "code_name", ODICT_STRING,
			       code_name(r->sig, r->code));

	/* Sentry wants the outermost frame first */
	err |= add_obj(v0, "stacktrace", ODICT_OBJECT, &st);
	if (err)
		return err;
	err |= add_obj(st, "frames", ODICT_ARRAY, &frames);
	if (err)
		return err;
	for (i = nf; i > 0 && !err; --i)
		err |= add_frame(frames, k++, r, &fv[i - 1]);
	if (r->have_pc && !pc_found)
		err |= add_frame(frames, k++, r, &r->pc);

	return err;
}


/* debug_meta.images: every module mapped, with its build ID */
static int add_debug_meta(struct odict *ev, const struct raw *r)
{
	struct odict *dm, *imgs;
	char rel[16];
	unsigned i;
	int err;

	err = add_obj(ev, "debug_meta", ODICT_OBJECT, &dm);
	if (err)
		return err;
	err |= add_obj(dm, "images", ODICT_ARRAY, &imgs);
	for (i = 0; i < r->nmods && !err; ++i) {
		struct odict *img;
		char did[40];

		(void)snprintf(rel, sizeof(rel), "%u", i);
		err |= add_obj(imgs, rel, ODICT_OBJECT, &img);
		if (err)
			break;
		err |= odict_entry_add(img, "type", ODICT_STRING, "elf");
		err |= add_str(img, "code_file", r->mods[i].name);
		err |= odict_entry_add(img, "image_addr", ODICT_STRING, "0x0");
		err |= add_int(img, "image_size", (int64_t)r->mods[i].size);
		if (r->mods[i].bid[0]) {
			debug_id(r->mods[i].bid, did, sizeof(did));
			err |= add_str(img, "code_id", r->mods[i].bid);
			err |= odict_entry_add(img, "debug_id", ODICT_STRING,
					       did);
		}
	}

	return err;
}


/* contexts: the system, OctaSIP and baresip */
static int add_contexts(struct odict *ev, const struct raw *r)
{
	struct odict *ctx, *os = NULL, *app = NULL, *rt = NULL;
	int err;

	err = add_obj(ev, "contexts", ODICT_OBJECT, &ctx);
	if (err)
		return err;
	err |= add_obj(ctx, "os", ODICT_OBJECT, &os);
	err |= add_obj(ctx, "app", ODICT_OBJECT, &app);
	err |= add_obj(ctx, "runtime", ODICT_OBJECT, &rt);
	if (err)
		return err;
	err |= add_str(os, "name", r->os_name[0] ? r->os_name : "unknown");
	err |= add_str(os, "kernel_version", r->os_rel);
	err |= add_str(os, "machine", r->os_mach);
	err |= odict_entry_add(app, "app_name", ODICT_STRING, "octasip");
	err |= add_str(app, "app_version", r->octasip);
	err |= odict_entry_add(rt, "name", ODICT_STRING, "baresip");
	err |= add_str(rt, "version", r->baresip);

	return err;
}


/* extra: what the raw record says beyond Sentry's fields */
static int add_extra(struct odict *ev, const struct raw *r)
{
	struct odict *extra;
	int err;

	err = add_obj(ev, "extra", ODICT_OBJECT, &extra);
	if (err)
		return err;
	err |= add_int(extra, "uptime_ms", (int64_t)r->uptime_ms);
	err |= add_int(extra, "active_calls", (int64_t)r->calls);
	err |= odict_entry_add(extra, "sender", ODICT_STRING,
			       r->user ? "signal sent by a process" :
			       "fault");
	if (r->have_addr)
		err |= add_hex(extra, "fault_address", r->addr);
	err |= odict_entry_add(extra, "truncated", ODICT_BOOL, !r->end);

	return err;
}


static int build(const struct raw *r, const char *id, struct odict **odp)
{
	struct odict *ev, *tags;
	const struct rframe *fv = r->frames;
	unsigned nf = r->nframes;
	bool pc_found;
	char value[128];
	int err;

	err = odict_alloc(&ev, 32);
	if (err)
		return err;

	pc_found = skip_handler_frames(r, &fv, &nf);

	err |= odict_entry_add(ev, "event_id", ODICT_STRING, id);
	err |= add_int(ev, "timestamp", (int64_t)r->time);
	err |= odict_entry_add(ev, "platform", ODICT_STRING, "native");
	err |= odict_entry_add(ev, "level", ODICT_STRING, "fatal");
	err |= odict_entry_add(ev, "logger", ODICT_STRING, "octasip_crash");
	/* the reporter's own structured field: kept intact (the server
	 * groups releases by it), the version checked instead of redacted */
	(void)snprintf(value, sizeof(value), "octasip@%s",
		       version_ok(r->octasip) ? r->octasip : "unknown");
	err |= odict_entry_add(ev, "release", ODICT_STRING, value);

	err |= add_obj(ev, "tags", ODICT_OBJECT, &tags);
	if (!err)
		err |= odict_entry_add(tags, "signal", ODICT_STRING,
				       sig_name(r->sig));

	if (!err)
		err = add_exception(ev, r, fv, nf, pc_found);
	if (!err)
		err = add_debug_meta(ev, r);
	if (!err)
		err = add_contexts(ev, r);
	if (!err)
		err = add_extra(ev, r);

	if (err) {
		mem_deref(ev);
		return err;
	}

	*odp = ev;

	return 0;
}


int report_new_id(char *id)
{
	static const char digits[] = "0123456789abcdef";
	uint8_t b[REPORT_ID_LEN / 2];
	size_t i;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return errno ? errno : EIO;

	for (i = 0; i < sizeof(b); ++i) {
		id[2 * i] = digits[b[i] >> 4];
		id[2 * i + 1] = digits[b[i] & 0xf];
	}
	id[REPORT_ID_LEN] = '\0';

	return 0;
}


int report_id_valid(const char *s)
{
	size_t i;

	if (!s || strlen(s) != REPORT_ID_LEN)
		return 0;

	for (i = 0; i < REPORT_ID_LEN; ++i) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}

	return 1;
}


int report_from_raw(const char *raw, size_t len, char **jsonp,
		    char *event_id)
{
	struct raw *r;
	struct odict *od = NULL;
	char *s = NULL;
	int err;

	if (!raw || !jsonp || !event_id)
		return EINVAL;

	r = calloc(1, sizeof(*r));
	if (!r)
		return ENOMEM;

	err = parse_raw(raw, len, r);
	if (!err)
		err = report_new_id(event_id);
	if (!err)
		err = build(r, event_id, &od);
	if (!err)
		err = re_sdprintf(&s, "%H", json_encode_odict, od);
	if (!err) {
		*jsonp = strdup(s);
		if (!*jsonp)
			err = ENOMEM;
	}

	mem_deref(s);
	mem_deref(od);
	free(r);

	return err;
}


static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}


static int convert_one(const char *dir, const char *name)
{
	char path[4200], out[4200], bad[4200];
	char id[REPORT_ID_LEN + 1];
	uint8_t *buf = NULL;
	char *json = NULL;
	size_t len = 0;
	int err;

	if (fio_path(path, sizeof(path), dir, name))
		return ENAMETOOLONG;

	err = fio_read_all(path, &buf, &len, RAW_MAX);
	if (!err)
		err = report_from_raw((char *)buf, len, &json, id);
	free(buf);

	if (err == EBADMSG || err == EFBIG) {
		(void)snprintf(bad, sizeof(bad), "%.*s.bad",
			       (int)(strlen(path) - strlen(CRASH_RAW_SUFFIX)),
			       path);
		(void)rename(path, bad);
		olog_warn("octasip_crash: %s is not a crash record (%s);"
			  " kept as %s, not sent\n", name, strerror(err),
			  bad);
		return EBADMSG;
	}
	if (err)
		return err;

	(void)snprintf(out, sizeof(out), "%s/%s.json", dir, id);
	err = fio_write_atomic(out, json, strlen(json), 0600);
	free(json);
	if (err)
		return err;    /* the raw record stays for the next try */

	(void)unlink(path);

	return 0;
}


int report_convert_pending(const char *crashdir, unsigned *converted,
			   unsigned *bad)
{
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (converted)
		*converted = 0;
	if (bad)
		*bad = 0;

	d = opendir(crashdir);
	if (!d)
		return errno;

	while ((de = readdir(d))) {

		int e;

		if (strncmp(de->d_name, "raw-", 4) ||
		    !has_suffix(de->d_name, CRASH_RAW_SUFFIX))
			continue;

		e = convert_one(crashdir, de->d_name);
		if (!e && converted)
			++*converted;
		else if (e == EBADMSG && bad)
			++*bad;
		else if (e && e != EBADMSG && !err)
			err = e;
	}

	(void)closedir(d);

	return err;
}
