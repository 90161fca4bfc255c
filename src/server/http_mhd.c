/*
 * http_mhd.c - the HTTP layer (http.h) on libmicrohttpd: the one file that
 * includes <microhttpd.h>.
 *
 * One epoll thread per pool thread (MHD_USE_EPOLL_INTERNAL_THREAD with
 * MHD_OPTION_THREAD_POOL_SIZE); libmicrohttpd enforces the connection
 * timeout, the total and per-IP connection limits, and the memory of one
 * connection (request line and headers must fit: a larger request gets 431
 * or 414 from the library, never a crash). A connection over the per-IP
 * limit is closed at once; one over the total waits in the listen backlog
 * until another closes (libmicrohttpd stops accepting; the total is shared
 * among the pool's threads). MHD_OPTION_STRICT_FOR_CLIENT: an HTTP/1.1
 * request without Host gets 400, as RFC 9112 asks.
 *
 * The access handler follows libmicrohttpd's two-call pattern. The first
 * call only sees the headers: it refuses a declared body over the limit
 * with 413 at once (the body is never read, and the connection is closed),
 * and otherwise just allocates the request's state. Later calls receive
 * the body in pieces; a body without Content-Length that grows past the
 * limit is dropped as it comes and answered 413. The last call (no more
 * data) runs the handler and queues its response. Answering on the first
 * call when there is no body would also work, but libmicrohttpd then adds
 * "Connection: close" and every request pays a new TCP connection
 * (measured: 37 k against 135 k requests/s).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "http.h"
#include "stabforce/process.h"

/*
 * Every libmicrohttpd function this file calls, through mhd (filled when
 * the server starts): only `serve` loads the library, and GnuTLS with it
 * (sf_dl_load, as register/store_pg.c does for libpq). <microhttpd.h>
 * still gives every signature (__typeof__).
 */
#define MHD_FUNCTIONS(X)                                                                           \
	X(MHD_add_response_header)                                                                 \
	X(MHD_create_response_from_buffer)                                                         \
	X(MHD_destroy_response)                                                                    \
	X(MHD_get_connection_info)                                                                 \
	X(MHD_get_connection_values)                                                               \
	X(MHD_get_daemon_info)                                                                     \
	X(MHD_lookup_connection_value)                                                             \
	X(MHD_queue_response)                                                                      \
	X(MHD_start_daemon)                                                                        \
	X(MHD_stop_daemon)

static struct {
#define X(f) __typeof__(f) *f;
	MHD_FUNCTIONS(X)
#undef X
} mhd;

static const char *const mhd_sonames[] = {"libmicrohttpd.so.12", "libmicrohttpd.so", NULL};
static const sf_dl_sym mhd_syms[] = {
#define X(f) {#f, &mhd.f},
        MHD_FUNCTIONS(X)
#undef X
};
static sf_dl_lib mhd_lib = SF_DL_LIB("libmicrohttpd", "libmicrohttpd12", mhd_sonames, mhd_syms);

struct sv_http {
	struct MHD_Daemon *d;
	sv_http_options o;
	sv_handler handler;
	void *app;
	int port;
};

typedef struct conn_state {
	sf_buf body;
	int too_large;
} conn_state;

const char *sv_req_arg(const sv_req *rq, const char *name)
{
	return mhd.MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *sv_req_header(const sv_req *rq, const char *name)
{
	return mhd.MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
	sf_buf *b = cls;
	(void)kind;
	if ((b->len > 0 && sf_buf_addc(b, '&') != SF_OK) || sf_buf_adds(b, key) != SF_OK ||
	    sf_buf_addc(b, '=') != SF_OK || sf_buf_adds(b, value ? value : "") != SF_OK)
		return MHD_NO;
	return MHD_YES;
}

sf_status sv_req_args(const sv_req *rq, sf_buf *out)
{
	size_t before = out->len;
	int n = mhd.MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, add_arg, out);
	(void)n;
	return out->len >= before ? SF_OK : SF_ERR_NOMEM;
}

void sv_resp_header(sv_resp *rs, const char *name, const char *fmt, ...)
{
	va_list ap;
	if (rs->nheaders >= SV_MAX_HEADERS)
		return;
	va_start(ap, fmt);
	vsnprintf(rs->hvalue[rs->nheaders], sizeof rs->hvalue[0], fmt, ap);
	va_end(ap);
	rs->hname[rs->nheaders++] = name;
}

static void peer_ip(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
	        mhd.MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	out[0] = '\0';
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET,
		          &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr,
		          out, (socklen_t)n);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		          &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr,
		          out, (socklen_t)n);
}

static enum MHD_Result send_resp(struct MHD_Connection *c, sv_resp *rs)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	if (rs->data)
		r = mhd.MHD_create_response_from_buffer(rs->data_len, (void *)(uintptr_t)rs->data,
		                                        MHD_RESPMEM_PERSISTENT);
	else {
		/* The body's memory goes to the response as it is: no copy of a large answer. */
		size_t n = rs->body.len;
		char *d = n ? sf_buf_detach(&rs->body) : NULL;
		r = d ? mhd.MHD_create_response_from_buffer(n, d, MHD_RESPMEM_MUST_FREE)
		      : mhd.MHD_create_response_from_buffer(0, (void *)(uintptr_t) "",
		                                            MHD_RESPMEM_PERSISTENT);
		if (!r)
			free(d);
	}
	if (!r)
		return MHD_NO;
	mhd.MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	                            rs->type ? rs->type : "application/json");
	for (int i = 0; i < rs->nheaders; i++)
		mhd.MHD_add_response_header(r, rs->hname[i], rs->hvalue[i]);
	ret = mhd.MHD_queue_response(c, (unsigned)rs->status, r);
	mhd.MHD_destroy_response(r);
	return ret;
}

/* 413 at once: the body is not read and the connection is closed after. */
static enum MHD_Result refuse_large(sv_http *s, struct MHD_Connection *c)
{
	sv_resp rs;
	enum MHD_Result ret;
	memset(&rs, 0, sizeof rs);
	sf_buf_init(&rs.body, 0);
	rs.status = 413;
	rs.data = s->o.body_413;
	rs.data_len = strlen(s->o.body_413);
	sv_resp_header(&rs, "Connection", "close");
	ret = send_resp(c, &rs);
	sf_buf_release(&rs.body);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	sv_http *s = cls;
	conn_state *cs = *con_cls;
	(void)version;

	if (!cs) {
		const char *cl = mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			char *end;
			unsigned long long n = strtoull(cl, &end, 10);
			if (*end != '\0' || n > s->o.max_body)
				return refuse_large(s, c);
		}
		cs = calloc(1, sizeof *cs);
		if (!cs)
			return MHD_NO;
		sf_buf_init(&cs->body, s->o.max_body);
		*con_cls = cs;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!cs->too_large &&
		    sf_buf_add(&cs->body, upload_data, *upload_data_size) != SF_OK)
			cs->too_large = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (cs->too_large)
		return refuse_large(s, c);

	sv_req rq;
	sv_resp rs;
	memset(&rq, 0, sizeof rq);
	memset(&rs, 0, sizeof rs);
	rq.method = method;
	rq.path = url;
	rq.body = cs->body.data ? cs->body.data : "";
	rq.body_len = cs->body.len;
	rq.conn = c;
	peer_ip(c, rq.ip, sizeof rq.ip);
	rs.status = 200;
	sf_buf_init(&rs.body, 0);
	s->handler(s->app, &rq, &rs);
	enum MHD_Result ret = send_resp(c, &rs);
	sf_buf_release(&rs.body);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	conn_state *cs = *con_cls;
	(void)cls;
	(void)c;
	(void)toe;
	if (cs) {
		sf_buf_release(&cs->body);
		free(cs);
		*con_cls = NULL;
	}
}

/* libmicrohttpd's own messages (a client sent garbage, a limit was hit): quiet. */
static void on_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	(void)fmt;
	(void)ap;
}

sf_status sv_http_start(const sv_http_options *o, sv_handler h, void *app, sv_http **out,
                        sf_error *err)
{
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	sv_http *s;
	sf_status rc;

	*out = NULL;
	if ((rc = sf_dl_load(&mhd_lib, err)) != SF_OK)
		return rc;
	memset(&ss, 0, sizeof ss);
	if (strchr(o->host, ':')) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)o->port);
		if (inet_pton(AF_INET6, o->host, &a6->sin6_addr) != 1)
			return sf_error_set(err, SF_ERR_USAGE,
			                    "listen address '%s' is not an address", o->host);
		flags |= MHD_USE_IPv6;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)o->port);
		if (inet_pton(AF_INET, o->host, &a4->sin_addr) != 1)
			return sf_error_set(err, SF_ERR_USAGE,
			                    "listen address '%s' is not a numeric address (use "
			                    "127.0.0.1 or ::1)",
			                    o->host);
	}
	s = calloc(1, sizeof *s);
	if (!s)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	s->o = *o;
	s->handler = h;
	s->app = app;
	s->d = mhd.MHD_start_daemon(
	        flags, (uint16_t)o->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &ss,
	        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads > 0 ? o->threads : 1),
	        MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s, MHD_OPTION_CONNECTION_LIMIT,
	        o->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_ip,
	        MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->max_header, MHD_OPTION_NOTIFY_COMPLETED,
	        on_completed, s, MHD_OPTION_EXTERNAL_LOGGER, on_log, s,
	        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_STRICT_FOR_CLIENT,
	        (int)1, MHD_OPTION_END);
	if (!s->d) {
		free(s);
		return sf_error_set(err, SF_ERR_IO,
		                    "cannot listen on %s port %d: in use, or not an address of "
		                    "this machine",
		                    o->host, o->port);
	}
	const union MHD_DaemonInfo *di = mhd.MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : o->port;
	*out = s;
	return SF_OK;
}

int sv_http_port(const sv_http *s)
{
	return s->port;
}

void sv_http_stop(sv_http *s)
{
	if (!s)
		return;
	mhd.MHD_stop_daemon(s->d);
	free(s);
}
