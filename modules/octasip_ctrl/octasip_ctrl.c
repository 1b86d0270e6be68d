/**
 * @file octasip_ctrl.c  OctaSIP's private control channel
 *
 * Loaded by baresip as: module (where a stock config has ctrl_tcp.so)
 *
 * Serves baresip's command interface over a Unix stream socket that only
 * the user running baresip can use (P-LOCAL-2), in ctrl_tcp's format so
 * that a script moves over by changing the address:
 *
 *   in:     netstring "<len>:<json>,", json {"command","params","token"}
 *   out:    {"response":true,"ok":..,"data":"..","token":..} per command
 *           and {"event":true,"type":..,...} for every UA event
 *
 * Who can connect:
 *  - The socket is $XDG_RUNTIME_DIR/octasip/<profile>-<hash>.sock, or
 *    <profile>/run/... without a usable runtime directory (ctrlpath.c).
 *    The directory is 0700 and must be ours, the socket is made 0600.
 *  - Each accepted connection's peer uid (SO_PEERCRED) is compared with
 *    ours before a byte is read; any other uid, root included, is closed
 *    and logged.  Root can read our memory anyway; refusing it keeps one
 *    rule and one log line for every stranger.
 *  - Up to CLIENTS_MAX clients at once (ctrl_tcp in 1.0.0 serves one and
 *    lets each new one take the connection over).  A frame above IN_MAX
 *    or a client that lets more than OUT_MAX of replies and events pile
 *    up is disconnected.
 *  - /insmod and /rmmod take only a plain module name that exists in
 *    module_path, /play only a plain file name: a '/' or ".." is refused
 *    and logged.  /rmmod octasip_ctrl is refused (it would unload the
 *    code that is running the command).
 *
 * Liveness: a lock (flock) on <name>.lock beside the socket is held while
 * baresip runs.  A socket file left by a killed baresip has no lock
 * holder and is replaced; if another process holds the lock, a second
 * OctaSIP on the same profile is running: this one logs why and exits
 * with status 1, since baresip 1.0.0 ignores a module's init error and
 * would otherwise run on without a control channel.  The same happens
 * when the socket's directory is refused (not ours or not 0700) or the
 * path is too long for a Unix socket.  The socket is removed on close.
 *
 * Configuration keys (in baresip's config file):
 *   octasip_ctrl_socket   absolute path of the socket (its directory must
 *                         be ours and 0700); default as above
 *
 * Commands: none of its own; it carries every baresip command.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "common/bsip.h"
#include "common/ctrlpath.h"
#include "common/profile.h"
#include "common/recompat.h"
#include "generated/octasip_version.h"


enum {
	CLIENTS_MAX = 8,
	IN_MAX      = 65536,       /* largest request frame, bytes       */
	OUT_MAX     = 1 << 20,     /* replies/events a client may owe us */
	LINE_MAX_SZ = 4096,        /* command line given to baresip      */
	REFUSED_LOG = 32,          /* refusals logged one by one         */
	OFF_MAX     = 16384,       /* events from other threads waiting  */
};

/* An event encoded on another thread, waiting for the main thread */
struct offev {
	struct le le;
	struct mbuf *json;
};

struct client {
	struct le le;
	int fd;
	void *fhs;                 /* libre's handle (common/recompat.h) */
	unsigned flags;            /* FD_ flags listened for             */
	bool dead;                 /* closed at the next reap            */
	struct mbuf *in;
	struct mbuf *out;
};

static struct {
	struct ctrlpath path;
	int lfd;                   /* listening socket                   */
	void *lfhs;                /* libre's handle for lfd             */
	int lockfd;                /* the profile's control lock         */
	bool bound;                /* path.sock is ours to remove        */
	struct list clients;
	unsigned nclients;
	uint64_t refused;          /* connections from another uid       */
	struct tmr reap;
	struct mqueue *mq;         /* wakes the main thread for them     */
	struct {                   /* events from other threads (bsip.h) */
		pthread_mutex_t lock;
		struct list q;
		unsigned n;
		unsigned dropped;
	} off;
} d = {
	.lfd = -1,
	.lockfd = -1,
	.off = {.lock = PTHREAD_MUTEX_INITIALIZER},
};


static int print_handler(const char *p, size_t size, void *arg)
{
	return mbuf_write_mem(arg, (const uint8_t *)p, size);
}


static void client_destructor(void *arg)
{
	struct client *cl = arg;

	list_unlink(&cl->le);
	if (cl->fd >= 0) {
		refd_close(&cl->fhs, cl->fd);
		(void)close(cl->fd);
		--d.nclients;
	}
	mem_deref(cl->in);
	mem_deref(cl->out);
}


static void reap_handler(void *arg)
{
	struct le *le = list_head(&d.clients);

	(void)arg;

	while (le) {
		struct client *cl = le->data;

		le = le->next;
		if (cl->dead)
			mem_deref(cl);
	}
}


/* Never freed on the spot: the client may be the one whose command is
 * running further up the stack */
static void client_kill(struct client *cl, const char *why)
{
	if (cl->dead)
		return;

	if (why)
		warning("octasip_ctrl: closing a client: %s\n", why);

	cl->dead = true;
	refd_close(&cl->fhs, cl->fd);
	tmr_start(&d.reap, 0, reap_handler, NULL);
}


static void client_handler(int flags, void *arg);


static void client_listen(struct client *cl, unsigned flags)
{
	if (cl->dead || cl->flags == flags)
		return;

	if (refd_listen(&cl->fhs, cl->fd, (int)flags, client_handler,
			cl) != 0) {
		client_kill(cl, "cannot watch the socket");
		return;
	}

	cl->flags = flags;
}


static void client_flush(struct client *cl)
{
	struct mbuf *mb = cl->out;

	while (mbuf_get_left(mb)) {
		ssize_t n = send(cl->fd, mbuf_buf(mb), mbuf_get_left(mb),
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			client_kill(cl, NULL);
			return;
		}
		mbuf_advance(mb, n);
	}

	if (!mbuf_get_left(mb)) {
		mbuf_rewind(mb);
		client_listen(cl, FD_READ);
	}
	else {
		client_listen(cl, FD_READ | FD_WRITE);
	}
}


/* Queue one netstring: "<len>:<json>," */
static void client_send(struct client *cl, const struct mbuf *json)
{
	size_t left;

	if (cl->dead)
		return;

	/* compact what was sent already before appending */
	left = mbuf_get_left(cl->out);
	if (cl->out->pos) {
		memmove(cl->out->buf, mbuf_buf(cl->out), left);
		cl->out->pos = 0;
		cl->out->end = left;
	}

	if (left + json->end + 16 > OUT_MAX) {
		client_kill(cl, "it reads too slowly");
		return;
	}

	cl->out->pos = cl->out->end;
	if (mbuf_printf(cl->out, "%zu:%b,", json->end, json->buf,
			json->end)) {
		client_kill(cl, "out of memory");
		return;
	}
	cl->out->pos = 0;

	client_flush(cl);
}


static bool plain_name(const char *s)
{
	size_t i;

	if (!s || !*s || !strcmp(s, ".") || strstr(s, ".."))
		return false;

	for (i = 0; s[i]; ++i) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}

	return true;
}


/* A plain module name whose file exists in module_path */
static bool module_exists(const char *name)
{
	char path[CTRLPATH_SZ];
	struct pl mp;
	struct stat st;
	size_t n = strlen(name);
	bool so = n > 3 && !strcmp(name + n - 3, ".so");

	if (conf_get(conf_cur(), "module_path", &mp))
		pl_set_str(&mp, ".");

	if (re_snprintf(path, sizeof(path), "%r/%s%s", &mp, name,
			so ? "" : ".so") < 0)
		return false;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}


/*
 * P-LOCAL-2: commands that load code or open a file by name take only a
 * plain name through this channel.  line is what baresip will parse: the
 * command name up to the first space, then its parameter.  Returns NULL
 * or why the command is refused.
 */
static const char *guard(const char *line)
{
	char name[32];
	const char *p = line, *prm;
	size_t n;
	bool mod;

	while (*p == ' ')
		++p;
	n = strcspn(p, " ");
	if (n >= sizeof(name))
		return NULL;
	memcpy(name, p, n);
	name[n] = '\0';

	prm = p + n;
	while (*prm == ' ' || *prm == '~')
		++prm;

	mod = !strcasecmp(name, "insmod") || !strcasecmp(name, "rmmod");

	if (mod) {
		if (!plain_name(prm))
			return "only a module name from module_path";
		if (!module_exists(prm))
			return "no such module in module_path";
		if (!strcasecmp(name, "rmmod") &&
		    !strncasecmp(prm, "octasip_ctrl", 12) &&
		    (!prm[12] || !strcasecmp(prm + 12, ".so")))
			return "the control channel cannot unload itself";
	}
	else if (!strcasecmp(name, "play") && *prm && !plain_name(prm)) {
		return "only a file name from audio_path";
	}

	return NULL;
}


static int encode_response(struct mbuf *json, int cmd_err,
			   const char *data, const char *token)
{
	struct re_printf pf = {print_handler, json};
	struct odict *od = NULL;
	char m[256];
	int err;

	err = odict_alloc(&od, 8);
	if (err)
		return err;

	err  = odict_entry_add(od, "response", ODICT_BOOL, true);
	err |= odict_entry_add(od, "ok", ODICT_BOOL, (bool)!cmd_err);
	if (cmd_err && !str_isset(data))
		data = str_error(cmd_err, m, sizeof(m));
	err |= odict_entry_add(od, "data", ODICT_STRING, data ? data : "");
	if (token)
		err |= odict_entry_add(od, "token", ODICT_STRING, token);
	if (!err)
		err = json_encode_odict(&pf, od);

	mem_deref(od);

	return err;
}


static void handle_frame(struct client *cl, const char *buf, size_t len)
{
	struct mbuf *resp = mbuf_alloc(1024), *json = mbuf_alloc(1024);
	struct re_printf pf = {print_handler, resp};
	struct odict *od = NULL;
	const char *cmd, *prm, *tok, *why;
	char line[LINE_MAX_SZ], *data = NULL;
	int err;

	if (!resp || !json)
		goto out;

	err = json_decode_odict(&od, 32, buf, len, 16);
	cmd = err ? NULL : odict_string(od, "command");
	if (!cmd) {
		warning("octasip_ctrl: a request without a command\n");
		client_kill(cl, "malformed request");
		goto out;
	}
	prm = odict_string(od, "params");
	tok = odict_string(od, "token");

	if (re_snprintf(line, sizeof(line), "%s%s%s", cmd,
			str_isset(prm) ? " " : "",
			str_isset(prm) ? prm : "") < 0) {
		err = EMSGSIZE;
		goto reply;
	}

	why = guard(line);
	if (why) {
		warning("octasip_ctrl: refused \"%s\": %s\n", line, why);
		(void)re_hprintf(&pf, "refused: %s", why);
		err = EPERM;
		goto reply;
	}

	err = cmd_process_long(baresip_commands(), line, strlen(line),
			       &pf, NULL);

 reply:
	resp->pos = 0;
	if (resp->end)
		(void)mbuf_strdup(resp, &data, resp->end);

	if (encode_response(json, err, data, tok) == 0)
		client_send(cl, json);

 out:
	mem_deref(data);
	mem_deref(od);
	mem_deref(json);
	mem_deref(resp);
}


/* Take the complete frames off cl->in; false if the client was killed */
static bool parse_frames(struct client *cl)
{
	struct mbuf *mb = cl->in;

	for (;;) {
		const char *p = (const char *)mb->buf;
		size_t left = mb->end, i = 0, n = 0;

		if (!left || cl->dead)
			break;

		while (i < left && i < 7 && p[i] >= '0' && p[i] <= '9')
			n = n * 10 + (size_t)(p[i++] - '0');

		if (i == left)
			break;                    /* length still arriving */
		if (i == 0 || p[i] != ':' || n > IN_MAX) {
			client_kill(cl, "bad frame");
			return false;
		}
		if (left < i + 1 + n + 1)
			break;                    /* body still arriving   */
		if (p[i + 1 + n] != ',') {
			client_kill(cl, "bad frame");
			return false;
		}

		handle_frame(cl, p + i + 1, n);

		/* the command wrote only to cl->out: drop this frame */
		memmove(mb->buf, mb->buf + i + n + 2, left - (i + n + 2));
		mb->end = left - (i + n + 2);
	}

	return !cl->dead;
}


static void client_handler(int flags, void *arg)
{
	struct client *cl = arg;

	if (cl->dead)
		return;

	if (flags & FD_WRITE)
		client_flush(cl);

	if (!(flags & FD_READ) || cl->dead)
		return;

	for (;;) {
		uint8_t buf[4096];
		ssize_t n = recv(cl->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			client_kill(cl, NULL);
			return;
		}

		if (cl->in->end + (size_t)n > IN_MAX + 16) {
			client_kill(cl, "request too large");
			return;
		}

		cl->in->pos = cl->in->end;
		if (mbuf_write_mem(cl->in, buf, (size_t)n)) {
			client_kill(cl, "out of memory");
			return;
		}

		if (!parse_frames(cl))
			return;
	}
}


/* P-LOCAL-2: the peer's uid, from the kernel, before a byte is read */
static bool peer_is_us(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0)
		return false;

	if (cr.uid == geteuid())
		return true;

	++d.refused;
	if (d.refused <= REFUSED_LOG || d.refused % 1000 == 0) {
		warning("octasip_ctrl: refused a connection from uid %u"
			" (pid %d; %llu refused so far)\n", (unsigned)cr.uid,
			(int)cr.pid, (unsigned long long)d.refused);
	}

	return false;
}


static void accept_handler(int flags, void *arg)
{
	(void)flags;
	(void)arg;

	for (;;) {
		struct client *cl;
		int fd = accept4(d.lfd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;

		if (!peer_is_us(fd)) {
			(void)close(fd);
			continue;
		}

		if (d.nclients >= CLIENTS_MAX) {
			warning("octasip_ctrl: %u clients already; refused"
				" one more\n", d.nclients);
			(void)close(fd);
			continue;
		}

		cl = mem_zalloc(sizeof(*cl), client_destructor);
		if (!cl) {
			(void)close(fd);
			continue;
		}
		cl->fd = fd;
		++d.nclients;
		list_append(&d.clients, &cl->le, cl);
		cl->in = mbuf_alloc(512);
		cl->out = mbuf_alloc(512);
		if (!cl->in || !cl->out) {
			mem_deref(cl);
			continue;
		}

		client_listen(cl, FD_READ);
		if (cl->dead)
			mem_deref(cl);
	}
}


static void send_all(struct mbuf *json)
{
	struct le *le;

	for (le = list_head(&d.clients); le; le = le->next)
		client_send(le->data, json);
}


static void offev_destructor(void *arg)
{
	struct offev *o = arg;

	mem_deref(o->json);
}


/* On another thread: queue json for the main thread (taken over) */
static void off_push(struct mbuf *json)
{
	struct offev *o = mem_zalloc(sizeof(*o), offev_destructor);
	bool wake;

	if (o)
		o->json = json;
	else
		mem_deref(json);

	pthread_mutex_lock(&d.off.lock);
	if (!o || d.off.n >= OFF_MAX) {
		++d.off.dropped;
		o = mem_deref(o);
	}
	wake = o && list_isempty(&d.off.q);
	if (o) {
		list_append(&d.off.q, &o->le, o);
		++d.off.n;
	}
	pthread_mutex_unlock(&d.off.lock);

	/* one wake-up per batch: the main thread takes the whole queue */
	if (wake)
		(void)mqueue_push(d.mq, 0, NULL);
}


/* On the main thread: the queued events, in order, to every client */
static void mq_handler(int id, void *data, void *arg)
{
	struct list q = LIST_INIT;
	unsigned dropped;
	struct le *le;

	(void)id;
	(void)data;
	(void)arg;

	/* moved one by one: each element knows its list (libre's le) */
	pthread_mutex_lock(&d.off.lock);
	while ((le = list_head(&d.off.q))) {
		list_unlink(le);
		list_append(&q, le, le->data);
	}
	d.off.n = 0;
	dropped = d.off.dropped;
	d.off.dropped = 0;
	pthread_mutex_unlock(&d.off.lock);

	while ((le = list_head(&q))) {
		struct offev *o = le->data;

		list_unlink(le);
		send_all(o->json);
		mem_deref(o);
	}

	if (dropped)
		warning("octasip_ctrl: %u event(s) from other threads not"
			" sent (more than %u waiting)\n", dropped, OFF_MAX);
}


/*
 * Every event goes to every client, also one the core emits on another
 * thread (4.10's sndfile reports the file it opens from an audio thread):
 * it is encoded there, while the core's event is valid, as ctrl_tcp
 * does, and sent by the main thread, which alone touches the clients.
 */
static void ua_event_handler(const struct bsip_event *e, void *arg)
{
	struct mbuf *json;
	struct re_printf pf;
	struct odict *od = NULL;
	int err;

	(void)arg;

	/* nobody listening: no JSON work at all */
	if (e->main_thread && !d.nclients)
		return;

	json = mbuf_alloc(1024);
	if (!json)
		return;
	pf.vph = print_handler;
	pf.arg = json;

	err = odict_alloc(&od, 8);
	if (!err)
		err = odict_entry_add(od, "event", ODICT_BOOL, true);
	if (!err)
		err = bsip_event_encode(od, e);
	if (!err)
		err = json_encode_odict(&pf, od);
	if (err) {
		if (e->main_thread)
			warning("octasip_ctrl: cannot encode an event: %m\n",
				err);
		goto out;
	}

	if (!e->main_thread) {
		off_push(json);
		json = NULL;
		goto out;
	}

	send_all(json);

 out:
	mem_deref(od);
	mem_deref(json);
}


static int listen_socket(void)
{
	struct sockaddr_un sun;
	mode_t old;
	int err = 0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, d.path.sock, strlen(d.path.sock) + 1);

	d.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       0);
	if (d.lfd < 0)
		return errno;

	/* we hold the lock: a socket file there is a dead one's */
	if (unlink(d.path.sock) == 0)
		info("octasip_ctrl: replaced a stale socket %s\n",
		     d.path.sock);

	/* P-LOCAL-2: the socket is 0600 from the moment it exists */
	old = umask(0177);
	if (bind(d.lfd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		err = errno;
	(void)umask(old);
	if (err)
		return err;
	d.bound = true;

	if (listen(d.lfd, CLIENTS_MAX) != 0)
		return errno;

	return refd_listen(&d.lfhs, d.lfd, FD_READ, accept_handler, NULL);
}


static int module_close(void)
{
	bsip_event_unregister(ua_event_handler);
	d.mq = mem_deref(d.mq);
	list_flush(&d.off.q);
	d.off.n = 0;
	tmr_cancel(&d.reap);
	list_flush(&d.clients);

	if (d.lfd >= 0) {
		refd_close(&d.lfhs, d.lfd);
		(void)close(d.lfd);
		d.lfd = -1;
	}
	if (d.bound) {
		(void)unlink(d.path.sock);
		d.bound = false;
	}
	if (d.lockfd >= 0) {
		(void)close(d.lockfd);
		d.lockfd = -1;
	}

	return 0;
}


/* Log why there is no control channel and end the process (see above) */
static int refuse(int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	(void)re_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	warning("octasip_ctrl: %s; not starting\n", msg);
	(void)module_close();
	exit(EXIT_FAILURE);

	return err;
}


static int module_init(void)
{
	char profile[CTRLPATH_SZ], over[CTRLPATH_SZ] = "";
	int err;

	err = bsip_module_init("octasip_ctrl");
	if (err)
		return err;

	list_init(&d.clients);
	tmr_init(&d.reap);

	if (conf_path_get(profile, sizeof(profile)))
		return refuse(ENOENT, "no config directory");
	(void)conf_get_str(conf_cur(), CTRLPATH_CONFIG_KEY, over,
			   sizeof(over));

	err = ctrlpath_get(&d.path, profile, over);
	if (err == ENAMETOOLONG) {
		return refuse(err, "the control socket path for %s is longer"
			      " than a Unix socket allows (107 bytes): set"
			      " XDG_RUNTIME_DIR or " CTRLPATH_CONFIG_KEY,
			      over[0] ? over : profile);
	}
	if (err) {
		return refuse(err, "bad control socket path %s (%m)",
			      over[0] ? over : profile, err);
	}

	err = ctrlpath_dir_prepare(&d.path);
	if (err == EPERM) {
		return refuse(err, "%s is not a private directory of this"
			      " user (it must be ours and 0700): the control"
			      " socket does not go there", d.path.dir);
	}
	if (err) {
		return refuse(err, "cannot use directory %s (%m)",
			      d.path.dir, err);
	}

	err = ctrlpath_lock(&d.path, &d.lockfd);
	if (err == EADDRINUSE) {
		return refuse(err, "another OctaSIP is already running on"
			      " this profile (%s is locked)", d.path.lock);
	}
	if (err)
		return refuse(err, "cannot lock %s (%m)", d.path.lock, err);

	err = listen_socket();
	if (err) {
		return refuse(err, "cannot listen on %s (%m)", d.path.sock,
			      err);
	}

	err = mqueue_alloc(&d.mq, mq_handler, NULL);
	if (!err)
		err = bsip_event_register_any_thread(ua_event_handler, NULL);
	if (err)
		return refuse(err, "cannot watch events (%m)", err);

	info("octasip_ctrl: OctaSIP %s loaded (baresip API %s); control"
	     " socket %s (this user only)\n", OCTASIP_VERSION,
	     BSIP_API_VERSION, d.path.sock);

	return 0;
}


OCTASIP_EXPORT const struct mod_export exports = {
	"octasip_ctrl",
	"application",
	module_init,
	module_close,
};
