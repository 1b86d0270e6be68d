/**
 * @file cli_acctenc.c  Encryption by default for `octasip account add`
 *
 * A new account gets what octasip_policy_encryption asks for, unless the
 * user chose it (--transport, --mediaenc, a sips: or ;transport= AOR):
 *
 *  - media: `preferred` (the default) ;mediaenc=srtp, `required`
 *    ;mediaenc=srtp-mand, `off` nothing;
 *  - signalling, unless `off`: SIP over TLS (;transport=tls) when the
 *    AOR's domain offers it: an SRV record _sips._tcp.<domain>, a NAPTR
 *    SIPS+D2T record or an SRV record _sip._tls.<domain> (RFC 3263), or,
 *    with none of them, TLS on <domain>:5061; and a server there
 *    completes a TLS handshake with a certificate that verifies against
 *    the system CA store or the profile's sip_cafile (or is pinned in
 *    octasip_policy_tls_pins) and names the domain, as octasip_policy
 *    checks it at run time (P-TLS-1).  No SIP byte is sent.  A server
 *    that baresip would not find by itself for ;transport=tls (a NAPTR
 *    replacement or _sip._tls) becomes the outbound proxy
 *    (;outbound="sip:host:port;transport=tls").
 *
 * Anything else, a look-up or handshake that fails or takes too long
 * (DNS 2 s in all, TLS 3 s a server), falls back to baresip's default
 * transport (UDP), and one line says what was chosen and why.  DNS uses
 * libre's client with the config's dns_server lines, as baresip does,
 * else the system's resolvers.  An AOR with a port or an IP address
 * (no DNS) is probed on that host's port 5061 only when it has no port.
 *
 * The probe cannot stop an active attacker on the path from hiding the
 * TLS offer (DNS answers are not authenticated): it is a default, and a
 * certificate that does not verify is never taken as the offer.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <re.h>
#include "cli.h"
#include "cli_acctenc.h"
#include "cli_acctparam.h"
#include "common/cfgedit.h"
#include "common/fileio.h"


enum {
	DNS_MS = 2000,        /* all DNS look-ups together      */
	TLS_MS = 3000,        /* one TCP connect + TLS handshake */
	CAND_MAX = 8,
	DNSSRV_MAX = 8,
	PIN_MAX = 8,
	NAME_MAX_LEN = 256,
};

struct cand {
	char target[NAME_MAX_LEN];
	uint16_t port;
	uint16_t pri;
	const char *src;       /* the record that named it           */
	bool outbound;         /* baresip would not find it itself   */
};

struct probe {
	char host[NAME_MAX_LEN];   /* the AOR's host, no brackets     */
	bool is_ip;
	struct dnsc *dnsc;
	uint64_t dns_end;          /* deadline, tmr_jiffies() ms      */
	bool dns_timeout;
	struct cand cv[CAND_MAX];
	size_t cc;
	char naptr[2][NAME_MAX_LEN];   /* SIPS+D2T replacements       */
	size_t nc;
	uint32_t addr;             /* A record found by the last query */
	char cafile[1024];
	uint8_t pin[PIN_MAX][32];
	size_t npin;
	char why[512];             /* what the last failure was       */
	bool tty;
};


static bool add_prm(struct acct_prms *ps, const char *key, const char *v)
{
	if (ps->n == ACCTPRM_MAX)
		return false;

	(void)snprintf(ps->v[ps->n].key, ACCTPRM_KEY, "%s", key);
	(void)snprintf(ps->v[ps->n].val, ACCTPRM_VAL, "%s", v);
	++ps->n;

	return true;
}


static bool has_prm(const struct acct_prms *ps, const char *key)
{
	size_t i;

	for (i = 0; i < ps->n; ++i) {
		if (!strcmp(ps->v[i].key, key))
			return true;
	}

	return false;
}


/* The URI part of aor (up to '?'), as a pointer and a length */
static bool uri_has_transport(const char *aor, size_t n)
{
	const char *p;

	for (p = aor; p < aor + n; ++p) {
		if (*p == ';' && !strncasecmp(p + 1, "transport=", 10))
			return true;
	}

	return false;
}


/* host of aor; *port true if one is given */
static int aor_host(const char *aor, char *host, size_t sz, bool *port,
		    bool *is_ip)
{
	const char *p = strchr(aor, ':') + 1, *end, *at, *h;
	struct sa sa;
	size_t n;

	end = p + strcspn(p, ";?");
	at = memrchr(p, '@', (size_t)(end - p));
	h = at ? at + 1 : p;

	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));

		if (!rb)
			return EINVAL;
		n = (size_t)(rb - h - 1);
		++h;
		*port = rb + 1 < end && rb[1] == ':';
	}
	else {
		const char *c = memchr(h, ':', (size_t)(end - h));

		n = (size_t)((c ? c : end) - h);
		*port = c != NULL;
	}

	if (!n || n >= sz)
		return EINVAL;
	memcpy(host, h, n);
	host[n] = '\0';
	*is_ip = !sa_set_str(&sa, host, 0);

	return 0;
}


static void trim_dot(char *s)
{
	size_t n = strlen(s);

	if (n > 1 && s[n - 1] == '.')
		s[n - 1] = '\0';
}


static void why_add(struct probe *pr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));


/* Appends one reason ("; " between) to pr->why, as far as it fits */
static void why_add(struct probe *pr, const char *fmt, ...)
{
	size_t n = strlen(pr->why);
	va_list ap;

	if (n && n + 2 < sizeof(pr->why)) {
		memcpy(pr->why + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	(void)vsnprintf(pr->why + n, sizeof(pr->why) - n, fmt, ap);
	va_end(ap);
}


/*
 * DNS: one query at a time through re_main(), each bounded by what is
 * left of the DNS deadline.
 */
struct dwait {
	struct probe *pr;
	const char *src;           /* SRV: the record, for the line   */
	bool outbound;
	size_t found;
};


static void srv_add(struct dwait *w, const struct dnsrr *rr)
{
	struct probe *pr = w->pr;
	struct cand *c;
	size_t i;

	if (pr->cc == CAND_MAX || !rr->rdata.srv.target ||
	    !rr->rdata.srv.target[0] || !strcmp(rr->rdata.srv.target, "."))
		return;

	/* by priority within one record (RFC 2782); weights are ignored */
	for (i = pr->cc; i > 0 && pr->cv[i - 1].src == w->src &&
		     pr->cv[i - 1].pri > rr->rdata.srv.pri; --i)
		pr->cv[i] = pr->cv[i - 1];
	c = &pr->cv[i];
	memset(c, 0, sizeof(*c));
	(void)snprintf(c->target, sizeof(c->target), "%s",
		       rr->rdata.srv.target);
	trim_dot(c->target);
	c->port = rr->rdata.srv.port;
	c->pri = rr->rdata.srv.pri;
	c->src = w->src;
	c->outbound = w->outbound;
	++pr->cc;
	++w->found;
}


static void naptr_add(struct dwait *w, const struct dnsrr *rr)
{
	struct probe *pr = w->pr;
	const char *f = rr->rdata.naptr.flags, *s = rr->rdata.naptr.services;
	const char *r = rr->rdata.naptr.replace;

	if (!f || !s || !r || strcasecmp(f, "s") ||
	    strcasecmp(s, "SIPS+D2T") || pr->nc == 2 || !r[0] ||
	    !strcmp(r, "."))
		return;

	(void)snprintf(pr->naptr[pr->nc], NAME_MAX_LEN, "%s", r);
	trim_dot(pr->naptr[pr->nc++]);
	++w->found;
}


static void dns_h(int err, const struct dnshdr *hdr, struct list *ansl,
		  struct list *authl, struct list *addl, void *arg)
{
	struct dwait *w = arg;
	struct le *le;

	(void)hdr;
	(void)authl;
	(void)addl;

	if (!err) {
		LIST_FOREACH(ansl, le) {
			const struct dnsrr *rr = le->data;

			if (rr->type == DNS_TYPE_SRV)
				srv_add(w, rr);
			else if (rr->type == DNS_TYPE_NAPTR)
				naptr_add(w, rr);
			else if (rr->type == DNS_TYPE_A && !w->found++)
				w->pr->addr = rr->rdata.a.addr;
		}
	}

	w->src = NULL;             /* done */
	re_cancel();
}


static void dns_timeout_h(void *arg)
{
	struct dwait *w = arg;

	w->pr->dns_timeout = true;
	re_cancel();
}


/* Runs one query; returns how many useful records it gave */
static size_t query(struct probe *pr, const char *name, uint16_t type,
		    const char *src, bool outbound)
{
	struct dwait w = {pr, src ? src : "", outbound, 0};
	struct dns_query *q = NULL;
	struct tmr tmr;
	uint64_t now = tmr_jiffies();

	if (!pr->dnsc || pr->dns_timeout || now >= pr->dns_end) {
		pr->dns_timeout = pr->dnsc != NULL;
		return 0;
	}

	tmr_init(&tmr);
	if (dnsc_query(&q, pr->dnsc, name, type, DNS_CLASS_IN, true, dns_h,
		       &w))
		return 0;
	tmr_start(&tmr, pr->dns_end - now, dns_timeout_h, &w);
	if (w.src)
		(void)re_main(NULL);
	tmr_cancel(&tmr);
	mem_deref(q);

	return w.found;
}


/* The config's dns_server lines (as baresip reads them), else the
 * system's resolvers */
static int dns_servers(const char *config, struct sa *srvv, uint32_t *n)
{
	FILE *f = fopen(config, "re");
	char line[512], domain[128];
	uint32_t k = 0;

	while (f && k < *n && fgets(line, sizeof(line), f)) {
		char *v = line + 10;

		if (strncmp(line, "dns_server", 10) || (*v != ' ' &&
							 *v != '\t'))
			continue;
		v += strspn(v, " \t");
		v[strcspn(v, " \t\r\n#")] = '\0';
		if (!sa_decode(&srvv[k], v, strlen(v)) ||
		    !sa_set_str(&srvv[k], v, 53))
			++k;
	}
	if (f)
		(void)fclose(f);

	if (k) {
		*n = k;
		return 0;
	}

	return dns_srv_get(domain, sizeof(domain), srvv, n);
}


static void pins_read(struct probe *pr, const char *config)
{
	char v[1024], *p;
	size_t nib = 0;

	if (cfg_file_get(config, "octasip_policy_tls_pins", v, sizeof(v)))
		return;

	for (p = v; pr->npin < PIN_MAX; ++p) {
		int c = (unsigned char)*p;

		if (isxdigit(c) && nib < 64) {
			int x = isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;

			pr->pin[pr->npin][nib / 2] |=
				(uint8_t)(nib % 2 ? x : x << 4);
			++nib;
		}
		else if (c == ',' || !c) {
			if (nib == 64)
				++pr->npin;
			else if (pr->npin < PIN_MAX)
				memset(pr->pin[pr->npin], 0, 32);
			nib = 0;
			if (!c)
				break;
		}
	}
}


static bool pinned(const struct probe *pr, X509 *cert)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	size_t i;

	if (!X509_digest(cert, EVP_sha256(), md, &len) || len != 32)
		return false;

	for (i = 0; i < pr->npin; ++i) {
		if (!memcmp(pr->pin[i], md, 32))
			return true;
	}

	return false;
}


static bool wait_fd(int fd, short ev, uint64_t end)
{
	struct pollfd p = {fd, ev, 0};
	uint64_t now = tmr_jiffies();

	return now < end && poll(&p, 1, (int)(end - now)) > 0;
}


/*
 * A TCP connection and a TLS handshake with sa, nothing sent after it.
 * 0 if the certificate verifies (or is pinned) and names pr->host, else
 * an errno with the reason added to pr->why.
 */
static int tls_try(struct probe *pr, const struct sa *sa, const char *tgt)
{
	uint64_t end = tmr_jiffies() + TLS_MS;
	char subj[256] = "";
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	X509 *cert = NULL;
	int fd, err = 0, soerr = 0;
	socklen_t sl = sizeof(soerr);
	long vr;

	fd = socket(sa_af(sa), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		err = errno;
		why_add(pr, "%s: %s", tgt, strerror(err));
		return err;
	}

	if (connect(fd, &sa->u.sa, sa->len) && errno != EINPROGRESS)
		err = errno;
	else if (!wait_fd(fd, POLLOUT, end))
		err = ETIMEDOUT;
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) || soerr)
		err = soerr ? soerr : errno;
	if (err) {
		why_add(pr, "%s: %s", tgt, err == ETIMEDOUT ?
			"no answer within 3 s" : strerror(err));
		goto out;
	}

	ctx = SSL_CTX_new(TLS_client_method());
	ssl = ctx ? SSL_new(ctx) : NULL;
	if (!ssl) {
		err = ENOMEM;
		why_add(pr, "%s: out of memory", tgt);
		goto out;
	}
	(void)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	(void)SSL_CTX_set_default_verify_paths(ctx);
	if (pr->cafile[0] &&
	    !SSL_CTX_load_verify_locations(ctx, pr->cafile, NULL))
		why_add(pr, "sip_cafile %s unreadable", pr->cafile);
	(void)SSL_set_fd(ssl, fd);
	if (pr->is_ip) {
		(void)X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
						    pr->host);
	}
	else {
		(void)SSL_set_tlsext_host_name(ssl, pr->host);
		(void)SSL_set1_host(ssl, pr->host);
	}
	SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);

	for (;;) {
		int r = SSL_connect(ssl), e;

		if (r == 1)
			break;
		e = SSL_get_error(ssl, r);
		if (e == SSL_ERROR_WANT_READ && wait_fd(fd, POLLIN, end))
			continue;
		if (e == SSL_ERROR_WANT_WRITE && wait_fd(fd, POLLOUT, end))
			continue;
		err = e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ?
			ETIMEDOUT : EPROTO;
		why_add(pr, "%s: %s", tgt, err == ETIMEDOUT ?
			"no TLS handshake within 3 s" :
			"TLS handshake failed");
		goto out;
	}

	cert = SSL_get1_peer_certificate(ssl);
	vr = SSL_get_verify_result(ssl);
	if (cert)
		(void)X509_NAME_oneline(X509_get_subject_name(cert), subj,
					sizeof(subj));
	if (!cert) {
		err = EPROTO;
		why_add(pr, "%s: no certificate", tgt);
	}
	else if (vr == X509_V_OK) {
		err = 0;
	}
	else if (!pinned(pr, cert)) {
		err = EACCES;
		why_add(pr, "%s: certificate %s not accepted: %s", tgt, subj,
			X509_verify_cert_error_string(vr));
	}
	else if ((pr->is_ip ? X509_check_ip_asc(cert, pr->host, 0) :
		  X509_check_host(cert, pr->host, 0, 0, NULL)) != 1) {
		err = EACCES;
		why_add(pr, "%s: pinned certificate %s does not name %s", tgt,
			subj, pr->host);
	}

 out:
	if (ssl && !err)
		(void)SSL_shutdown(ssl);   /* close_notify; no SIP byte */
	X509_free(cert);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	(void)close(fd);

	return err;
}


/* Address of a candidate: its target is an IP address or has an A
 * record */
static int cand_addr(struct probe *pr, const struct cand *c, struct sa *sa)
{
	if (!sa_set_str(sa, c->target, c->port))
		return 0;

	pr->addr = 0;
	if (!query(pr, c->target, DNS_TYPE_A, NULL, false)) {
		why_add(pr, "%s: %s", c->target, pr->dns_timeout ?
			"no DNS answer within 2 s" : "no IPv4 address");
		return ENOENT;
	}
	sa_set_in(sa, pr->addr, c->port);

	return 0;
}


/* The TLS server of pr->host, if one verifies: its candidate */
static const struct cand *probe_run(struct probe *pr, const char *config)
{
	struct sa srvv[DNSSRV_MAX], sa;
	uint32_t srvc = DNSSRV_MAX;
	char name[NAME_MAX_LEN + 16];
	size_t i, n;

	if (!pr->is_ip) {
		if (dns_servers(config, srvv, &srvc) || !srvc ||
		    dnsc_alloc(&pr->dnsc, NULL, srvv, srvc)) {
			why_add(pr, "no DNS server");
			return NULL;
		}
		pr->dns_end = tmr_jiffies() + DNS_MS;

		(void)snprintf(name, sizeof(name), "_sips._tcp.%s",
			       pr->host);
		n = query(pr, name, DNS_TYPE_SRV, "SRV _sips._tcp", false);
		if (!n && query(pr, pr->host, DNS_TYPE_NAPTR, NULL, false)) {
			for (i = 0; i < pr->nc; ++i) {
				if (strcasecmp(pr->naptr[i], name))
					n += query(pr, pr->naptr[i],
						   DNS_TYPE_SRV,
						   "NAPTR SIPS+D2T", true);
				else
					n += query(pr, name, DNS_TYPE_SRV,
						   "SRV _sips._tcp", false);
			}
		}
		(void)snprintf(name, sizeof(name), "_sip._tls.%s", pr->host);
		if (!n)
			n = query(pr, name, DNS_TYPE_SRV, "SRV _sip._tls",
				  true);
		if (!n)
			why_add(pr, pr->dns_timeout ?
				"no DNS answer within 2 s" :
				"no SRV _sips._tcp, NAPTR SIPS+D2T or SRV"
				" _sip._tls record");
	}

	/* no record: TLS's own port on the host itself (RFC 3263 4.2) */
	if (!pr->cc && !pr->dns_timeout) {
		(void)snprintf(pr->cv[0].target, NAME_MAX_LEN, "%s",
			       pr->host);
		pr->cv[0].port = 5061;
		pr->cv[0].src = "port 5061";
		pr->cc = 1;
	}

	for (i = 0; i < pr->cc; ++i) {
		const struct cand *c = &pr->cv[i];
		char tgt[NAME_MAX_LEN + 8];

		(void)snprintf(tgt, sizeof(tgt), "%s:%u", c->target,
			       c->port);
		if (cand_addr(pr, c, &sa))
			continue;
		if (pr->tty)
			(void)fprintf(stderr, "\r\033[Koctasip: %s: TLS"
				      " handshake with %s ...", pr->host,
				      tgt);
		if (!tls_try(pr, &sa, tgt))
			return c;
	}

	return NULL;
}


static const char *media_line(const char *me, bool given, bool tls,
			      const char *mode)
{
	static char buf[256];

	if (given && !me[0])
		return "media not encrypted (--mediaenc none)";

	(void)snprintf(buf, sizeof(buf), "media %s (%s%s)%s", me,
		       given ? "--mediaenc" : "octasip_policy_encryption ",
		       given ? "" : mode,
		       tls || !strncmp(me, "dtls", 4) ? "" :
		       ", its keys in the SDP visible on the path as the"
		       " signalling is not TLS");

	return buf;
}


static const char *prm_get(const struct acct_prms *ps, const char *key)
{
	size_t i;

	for (i = 0; i < ps->n; ++i) {
		if (!strcmp(ps->v[i].key, key))
			return ps->v[i].val;
	}

	return "";
}


int acctenc_choose(const char *config, const char *aor,
		   struct acct_prms *ps)
{
	struct probe *pr;
	const struct cand *c = NULL;
	char mode[16] = "preferred", tline[768];
	const char *uri_end = aor + strcspn(aor, "?");
	bool port = false, sips = !strncasecmp(aor, "sips:", 5);
	bool me_given = has_prm(ps, "mediaenc"), tls;
	double ms;
	struct timespec t0, t1;
	int err = 0;

	(void)cfg_file_get(config, "octasip_policy_encryption", mode,
			   sizeof(mode));
	if (!strcmp(mode, "off")) {
		(void)printf("encryption: octasip_policy_encryption off: no"
			     " look-up, no defaults (the account uses"
			     " what you gave)\n");
		return 0;
	}

	/* P-ENC-2: SRTP unless the user said otherwise */
	if (!me_given && !add_prm(ps, "mediaenc", strcmp(mode, "required") ?
				  "srtp" : "srtp-mand"))
		return ENOMEM;

	pr = calloc(1, sizeof(*pr));
	if (!pr)
		return ENOMEM;
	if (aor_host(aor, pr->host, sizeof(pr->host), &port, &pr->is_ip)) {
		err = EINVAL;
		goto out;
	}

	if (ps->transport[0]) {
		tls = !strcmp(ps->transport, "tls");
		(void)snprintf(tline, sizeof(tline), "signalling %s"
			       " (--transport)", ps->transport);
	}
	else if (sips || uri_has_transport(aor, (size_t)(uri_end - aor))) {
		tls = sips || strcasestr(aor, ";transport=tls") != NULL;
		(void)snprintf(tline, sizeof(tline), "signalling as the"
			       " address says (%s)", tls ? "TLS" : "not TLS");
	}
	else if (has_prm(ps, "outbound")) {
		tls = !strncasecmp(prm_get(ps, "outbound"), "sips:", 5);
		(void)snprintf(tline, sizeof(tline), "signalling through"
			       " the outbound proxy (--outbound)");
	}
	else if (port) {
		tls = false;
		(void)snprintf(tline, sizeof(tline), "signalling UDP"
			       " (baresip's default): the address gives a"
			       " port, so there is nothing to look up");
	}
	else {
		/* P-ENC-2, P-TLS-2: TLS if the domain offers it and its
		 * certificate verifies */
		pr->tty = isatty(STDERR_FILENO);
		(void)cfg_file_get(config, "sip_cafile", pr->cafile,
				   sizeof(pr->cafile));
		pins_read(pr, config);
		if (pr->tty)
			(void)fprintf(stderr, "octasip: %s: looking for SIP"
				      " over TLS ...", pr->host);

		(void)clock_gettime(CLOCK_MONOTONIC, &t0);
		err = libre_init();
		if (!err) {
			c = probe_run(pr, config);
			pr->dnsc = mem_deref(pr->dnsc);
			libre_close();
		}
		(void)clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		if (pr->tty)
			(void)fprintf(stderr, "\r\033[K");
		if (err) {
			why_add(pr, "libre: %s", strerror(err));
			err = 0;
		}

		tls = c != NULL;
		if (c) {
			(void)snprintf(ps->transport, sizeof(ps->transport),
				       "tls");
			if (c->outbound) {
				char ob[ACCTPRM_VAL];

				/* baresip 1.0.0 fails a sips: outbound
				 * (ENOSYS): sip: with ;transport=tls */
				(void)snprintf(ob, sizeof(ob), "\"sip:%.200s"
					       ":%u;transport=tls\"",
					       c->target, c->port);
				if (!add_prm(ps, "outbound", ob)) {
					err = ENOMEM;
					goto out;
				}
			}
			(void)snprintf(tline, sizeof(tline), "signalling TLS:"
				       " %s offers it (%s %s:%u, certificate"
				       " verified, %.0f ms)%s", pr->host,
				       c->src, c->target, c->port, ms,
				       c->outbound ? "; that server is the"
				       " outbound proxy" : "");
		}
		else {
			(void)snprintf(tline, sizeof(tline), "signalling UDP"
				       " (baresip's default), not TLS: %s"
				       " (%.0f ms)", pr->why, ms);
		}
	}

	(void)printf("encryption: %s; %s; override with --transport or"
		     " --mediaenc\n", tline,
		     media_line(prm_get(ps, "mediaenc"), me_given, tls, mode));

 out:
	free(pr);
	return err;
}


/* The value of ;name= in [p, end), unquoted, into v */
/* A parameter's value as baresip reads it (libre), quotes dropped */
static bool param(const struct pl *params, const char *name, char *v,
		  size_t sz)
{
	struct pl pv;

	if (!pl_isset(params) || msg_param_decode(params, name, &pv))
		return false;

	if (pv.l >= 2 && pv.p[0] == '"' && pv.p[pv.l - 1] == '"') {
		++pv.p;
		pv.l -= 2;
	}
	(void)pl_strcpy(&pv, v, sz);

	return true;
}


/* What an accounts line uses, read as baresip reads it (libre) */
void acctenc_describe(const char *line, size_t len, char *tp, size_t tpsz,
		      char *me, size_t mesz)
{
	struct sip_addr addr;
	struct pl pl;
	char v[64];

	pl.p = line;
	pl.l = len;
	if (sip_addr_decode(&addr, &pl)) {
		(void)snprintf(tp, tpsz, "?");
		(void)snprintf(me, mesz, "?");
		return;
	}

	if (!pl_strcasecmp(&addr.uri.scheme, "sips"))
		(void)snprintf(tp, tpsz, "tls");
	else if (param(&addr.uri.params, "transport", v, sizeof(v)))
		(void)snprintf(tp, tpsz, "%s", v);
	else if (param(&addr.params, "outbound", v, sizeof(v)) &&
		 (!strncasecmp(v, "sips:", 5) ||
		  strcasestr(v, ";transport=tls")))
		(void)snprintf(tp, tpsz, "tls (outbound proxy)");
	else
		(void)snprintf(tp, tpsz, "udp (default)");

	if (!param(&addr.params, "mediaenc", me, mesz))
		(void)snprintf(me, mesz, "none");
}
