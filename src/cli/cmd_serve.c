/*
 * cmd_serve.c - `stabforce serve`, `stabforce worker` and `stabforce token`.
 *
 *   serve    the JSON API and the dashboard (docs/api.md) until Ctrl-C
 *   worker   claim and run jobs from a store (the server starts these)
 *   token    create, list and revoke access tokens
 *
 * Front ends only: the work is in src/server (sf_server_run,
 * sf_worker_run) and the library (tokens in the store).
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"

static volatile int stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const char *self_exe(char *buf, size_t n, const char *argv0)
{
	ssize_t k = readlink("/proc/self/exe", buf, n - 1);
	if (k <= 0)
		return argv0;
	buf[k] = '\0';
	return buf;
}

/* ---------------------------------------------------------------- */
/* serve                                                              */

int sf_cmd_serve(int argc, char **argv)
{
	sf_server_options o;
	sf_error err;
	char exe[PATH_MAX];
	struct sigaction sa;
	long max_body, timeout, max_conn, max_ip;
	int first = 0, rc;

	sf_server_options_init(&o);
	max_body = (long)o.max_body;
	timeout = (long)o.timeout_s;
	max_conn = (long)o.max_connections;
	max_ip = (long)o.max_per_ip;
	const sf_opt opts[] = {
	        SF_OPT_STR('l', "listen", "HOST:PORT", &o.listen,
	                   "address to listen on (default 127.0.0.1:8080;\n"
	                   "port 0 picks a free one)"),
	        SF_OPT_DB_DEFAULT(&o.db),
	        SF_OPT_STR(0, "db-read", "URI", &o.db_read,
	                   "answer reads (GET) from this hot standby of --db;\n"
	                   "they go on while the primary is down (writes\n"
	                   "are then 503). Default: read-only handles on --db"),
	        SF_OPT_STR(0, "scenarios", "DIR", &o.scenarios,
	                   "scenarios: DIR/NAME/scenario.yaml or DIR/NAME.yaml\n"
	                   "(default examples)"),
	        SF_OPT_CROSSINGS(&o.crossings),
	        SF_OPT_NUM('j', "jobs", "N", &o.jobs,
	                   "jobs run at once, 0..64 (default 1; 0: none\n"
	                   "here, `stabforce worker`s elsewhere run them)",
	                   0, 64, "--jobs"),
	        SF_OPT_DBL(0, "job-time-limit", "SEC", &o.job_time_limit,
	                   "wall-clock limit of a whole job, when the request\n"
	                   "gives no time_limit, 1..86400 (default 300): its\n"
	                   "plans share it and end proven or with the gap they\n"
	                   "reached; a job still running after it and a grace\n"
	                   "(2 s + 10 %, at most 60 s) is killed and failed",
	                   0, 1, 86400, "--job-time-limit", "is not a number of seconds 1..86400"),
	        SF_OPT_NUM(0, "threads", "N", &o.threads, "HTTP threads, 1..64 (default 4)", 1, 64,
	                   "--threads"),
	        SF_OPT_LNUM(0, "queue", "N", &o.queue, "most queued jobs before 503 (default 64)",
	                    1, 100000, "--queue"),
	        SF_OPT_BOOL(0, "public-read", &o.public_read,
	                    "reads need no token (writes still do)"),
	        SF_OPT_STR(0, "cors", "ORIGIN", &o.cors,
	                   "allow this one origin cross-origin (default none)"),
	        SF_OPT_LNUM(0, "rate", "N", &o.rate_per_min,
	                    "requests per minute per token or address\n"
	                    "(default 6000; 0 = no limit)",
	                    0, 100000000, "--rate"),
	        SF_OPT_LNUM(0, "max-body", "BYTES", &max_body,
	                    "largest request body (default 67108864)", 1024, 1073741824,
	                    "--max-body"),
	        SF_OPT_LNUM(0, "timeout", "S", &timeout, "idle connection timeout (default 30)", 1,
	                    3600, "--timeout"),
	        SF_OPT_LNUM(0, "max-connections", "N", &max_conn, "most connections (default 512)",
	                    1, 100000, "--max-connections"),
	        SF_OPT_LNUM(0, "max-per-ip", "N", &max_ip,
	                    "most connections from one address (default 128)", 1, 100000,
	                    "--max-per-ip"),
	        SF_OPT_FILE_OUT(0, "port-file", "PATH", &o.port_file,
	                        "write the port here once listening"),
	        SF_OPT_QUIET(&o.quiet, "no start-up line"),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "serve", "[OPTIONS]",
	        "Serve the JSON API (under /api/v1, described at /api/v1/openapi.json) and\n"
	        "the dashboard (at /) until Ctrl-C. Plans and analyses are jobs: --jobs\n"
	        "worker processes run them. Reads need a viewer token and writes an editor\n"
	        "token ('stabforce token create'), sent as 'Authorization: Bearer TOKEN'.",
	        opts, NULL};

	if ((rc = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return rc;
	if (first != argc) {
		fprintf(stderr, "stabforce serve: unexpected argument '%s'\n", argv[first]);
		sf_opt_usage(&spec, stderr);
		return 2;
	}
	o.max_body = (size_t)max_body;
	o.timeout_s = (unsigned)timeout;
	o.max_connections = (unsigned)max_conn;
	o.max_per_ip = (unsigned)max_ip;
	o.exe = self_exe(exe, sizeof exe, argv[0]);
	o.stop = &stop_requested;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sf_error_clear(&err);
	if (sf_server_run(&o, &err) != SF_OK)
		return sf_cli_error("serve", &err);
	return 0;
}

/* ---------------------------------------------------------------- */
/* worker                                                             */

int sf_cmd_worker(int argc, char **argv)
{
	sf_worker_options o;
	sf_error err;
	char exe[PATH_MAX];
	long parent, lease;
	int first = 0, rc;

	sf_worker_options_init(&o);
	parent = (long)o.parent;
	lease = (long)o.lease_s;
	const sf_opt opts[] = {
	        SF_OPT_DB_DEFAULT(&o.db),
	        SF_OPT_STR(0, "scenarios", "DIR", &o.scenarios,
	                   "the scenarios, as the server's (default examples)"),
	        SF_OPT_BOOL(0, "once", &o.once, "stop when no job is queued"),
	        SF_OPT_LNUM(0, "lease", "SECONDS", &lease,
	                    "a job not renewed this long is queued again\n"
	                    "(default 30)",
	                    2, 3600, "--lease"),
	        SF_OPT_TIME_LIMIT(&o.time_limit,
	                          "wall-clock limit of a whole job, when its request\n"
	                          "gives no time_limit (default 300; serve passes its\n"
	                          "--job-time-limit); enforced as serve's"),
	        {.long_name = "parent",
	         .kind = SF_OPTK_LONG,
	         .argname = "PID",
	         .target = &parent,
	         .flags = SF_OPT_HIDDEN,
	         .min = 1,
	         .max = 1073741824,
	         .what = "--parent",
	         .expect = "is not a number 1..1073741824"},
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "worker", "[OPTIONS]",
	        "Claim queued jobs from the store and run them, one at a time, until\n"
	        "stopped (--once: until none is queued). 'stabforce serve' starts its\n"
	        "own; start more by hand, on any machine that reaches the store\n"
	        "(--db postgresql://...), to run the jobs of a shared store. The worker\n"
	        "renews its hold on a job every second; a job whose worker stops\n"
	        "renewing for --lease seconds (default 30) is queued again for another\n"
	        "worker (at most 3 times). The scenarios directory must hold the same\n"
	        "files as the server's.",
	        opts, NULL};

	if ((rc = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return rc;
	o.parent = parent;
	o.lease_s = lease;
	o.exe = self_exe(exe, sizeof exe, argv[0]);
	o.stop = &stop_requested;
	signal(SIGPIPE, SIG_IGN);
	sf_error_clear(&err);
	if (sf_worker_run(&o, &err) != SF_OK)
		return sf_cli_error("worker", &err);
	return 0;
}

/* ---------------------------------------------------------------- */
/* token                                                              */

static void token_usage(FILE *f)
{
	fprintf(f, "usage: stabforce token create --role viewer|editor|admin --name NAME [--db "
	           "STORE]\n"
	           "       stabforce token list [--db STORE]\n"
	           "       stabforce token revoke NAME [--db STORE]\n\n"
	           "Access tokens of 'stabforce serve'. create prints the new token alone on\n"
	           "one line, once: the store keeps only its SHA-256. viewers read, editors\n"
	           "also write (imports, reviews, jobs), admins too.\n"
	           "'stabforce token SUBCOMMAND --help' for the options of each.\n");
}

static int print_token(void *ctx, const sf_token_info *t)
{
	(void)ctx;
	printf("%-24s %-7s %s%s\n", t->name, sf_role_str(t->role), t->created,
	       t->revoked ? "  revoked" : "");
	return 0;
}

static int token_create(int argc, char **argv)
{
	const char *db = SF_CLI_DEFAULT_DB, *name = NULL, *role_s = NULL;
	char secret[SF_SHA256_HEX], hash[SF_SHA256_HEX];
	sf_store *st = NULL;
	sf_error err;
	int first = 0, rc, role;
	const sf_opt opts[] = {
	        SF_OPT_STR(0, "role", "ROLE", &role_s, "viewer, editor or admin (required)"),
	        SF_OPT_STR(0, "name", "NAME", &name,
	                   "1 to 60 characters, what the edit log records\n"
	                   "(required)"),
	        SF_OPT_DB_DEFAULT(&db),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {"token create", "--role ROLE --name NAME [OPTIONS]",
	                          "A new token, printed alone on one line, once: the store keeps\n"
	                          "only its SHA-256.",
	                          opts, NULL};

	if ((rc = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return rc;
	if (first != argc) {
		fprintf(stderr, "stabforce token create: unexpected argument '%s'\n", argv[first]);
		return 2;
	}
	if (!role_s || (role = sf_role_parse(role_s)) < 0) {
		fprintf(stderr, "stabforce token: --role must be viewer, editor or admin\n");
		return 2;
	}
	if (!name || strlen(name) > 60) {
		fprintf(stderr, "stabforce token: --name NAME (1 to 60 characters) is needed: "
		                "it is what the edit log records\n");
		return 2;
	}
	if ((rc = sf_cli_open_store("token", db, SF_STORE_WRITE, &st)) != 0)
		return rc;
	sf_error_clear(&err);
	if (sf_token_generate(secret, hash, &err) != SF_OK ||
	    sf_store_token_add(st, name, (sf_role)role, hash, &err) != SF_OK) {
		rc = sf_cli_error("token", &err);
	} else {
		printf("%s\n", secret);
		if (fflush(stdout) != 0)
			rc = 4;
	}
	memset(secret, 0, sizeof secret);
	sf_store_close(st);
	return rc;
}

static int token_list(int argc, char **argv)
{
	const char *db = SF_CLI_DEFAULT_DB;
	sf_store *st = NULL;
	sf_error err;
	int first = 0, rc;
	const sf_opt opts[] = {SF_OPT_DB_DEFAULT(&db), SF_OPT_END()};
	const sf_cli_spec spec = {"token list", "[OPTIONS]",
	                          "Every token: name, role, when created, and whether revoked.",
	                          opts, NULL};

	if ((rc = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return rc;
	if (first != argc) {
		fprintf(stderr, "stabforce token list: unexpected argument '%s'\n", argv[first]);
		return 2;
	}
	if ((rc = sf_cli_open_store("token", db, SF_STORE_READ, &st)) != 0)
		return rc;
	sf_error_clear(&err);
	if (sf_store_token_list(st, print_token, NULL, &err) != SF_OK)
		rc = sf_cli_error("token", &err);
	sf_store_close(st);
	return rc;
}

static int token_revoke(int argc, char **argv)
{
	const char *db = SF_CLI_DEFAULT_DB;
	sf_store *st = NULL;
	sf_error err;
	int first = 0, rc, found = 0;
	const sf_opt opts[] = {SF_OPT_DB_DEFAULT(&db), SF_OPT_END()};
	const sf_cli_spec spec = {
	        "token revoke", "NAME [OPTIONS]",
	        "Revoke the token named NAME: the server refuses it from then on.", opts, NULL};

	if ((rc = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return rc;
	if (first + 1 != argc) {
		fprintf(stderr, "stabforce token: revoke needs the token's name\n");
		return 2;
	}
	if ((rc = sf_cli_open_store("token", db, SF_STORE_WRITE, &st)) != 0)
		return rc;
	sf_error_clear(&err);
	if (sf_store_token_revoke(st, argv[first], &found, &err) != SF_OK) {
		rc = sf_cli_error("token", &err);
	} else if (!found) {
		fprintf(stderr, "stabforce token: no token named '%s'\n", argv[first]);
		rc = 2;
	}
	sf_store_close(st);
	return rc;
}

int sf_cmd_token(int argc, char **argv)
{
	static const sf_cli_subcommand subs[] = {
	        {"create", token_create}, {"list", token_list}, {"revoke", token_revoke}};
	return sf_cli_dispatch("token", argc, argv, subs, sizeof subs / sizeof subs[0],
	                       token_usage);
}
