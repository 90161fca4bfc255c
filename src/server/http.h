/*
 * http.h - the HTTP layer the server is written against; http_mhd.c is its
 * one implementation (the only file that includes <microhttpd.h>).
 *
 * The adapter owns the sockets, the threads and the limits: a request
 * reaches the handler only once its headers and whole body are in (bodies
 * over the limit are refused with 413 before they are read), and the
 * handler fills a response that the adapter sends and frees. The handler
 * runs on one of the adapter's threads and must be thread-safe.
 */
#ifndef STABFORCE_SERVER_HTTP_H
#define STABFORCE_SERVER_HTTP_H

#include <stddef.h>

#include "stabforce/buf.h"

enum { SV_MAX_HEADERS = 8 };

typedef struct sv_req {
	const char *method; /* "GET", ... */
	const char *path;   /* the decoded URL path, no query string */
	const char *body;   /* the request body (NUL-terminated), "" when none */
	size_t body_len;
	char ip[64]; /* the peer's address, text */
	void *conn;  /* the adapter's connection */
} sv_req;

/* A query-string argument or a header (case-insensitive name), NULL when absent. */
const char *sv_req_arg(const sv_req *rq, const char *name);
const char *sv_req_header(const sv_req *rq, const char *name);
/* Every query argument as "k=v&k=v" in the order received (a cache key). */
sf_status sv_req_args(const sv_req *rq, sf_buf *out);

typedef struct sv_resp {
	int status;       /* 200 unless set */
	const char *type; /* Content-Type; NULL = application/json */
	sf_buf body;      /* what is sent, unless data is set */
	const void *data; /* a body that outlives the response (static), or NULL */
	size_t data_len;
	const char *hname[SV_MAX_HEADERS]; /* extra headers: static names */
	char hvalue[SV_MAX_HEADERS][256];  /* and their values */
	int nheaders;
} sv_resp;

/* Add a header to the response (ignored past SV_MAX_HEADERS). */
void sv_resp_header(sv_resp *rs, const char *name, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

typedef void (*sv_handler)(void *app, const sv_req *rq, sv_resp *rs);

typedef struct sv_http_options {
	const char *host; /* numeric IPv4 or IPv6 address */
	int port;         /* 0: any free port (sv_http_port tells which) */
	int threads;      /* worker threads of the pool */
	unsigned timeout_s;
	unsigned max_connections;
	unsigned max_per_ip;
	size_t max_body;      /* bytes; larger bodies get 413 */
	const char *body_413; /* that answer's body (the caller's, kept while serving) */
	size_t max_header;    /* bytes of request line + headers per connection */
	const char *server;   /* the Server header */
} sv_http_options;

typedef struct sv_http sv_http;

/* Listen and serve on the adapter's threads; *out NULL unless SF_OK. */
sf_status sv_http_start(const sv_http_options *o, sv_handler h, void *app, sv_http **out,
                        sf_error *err);
int sv_http_port(const sv_http *s);
/* Stop accepting, finish the requests in flight, free everything. */
void sv_http_stop(sv_http *s);

#endif
