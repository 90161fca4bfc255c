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
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

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

static int number_opt(const char *cmd, const char *opt, const char *s, long lo, long hi, long *v)
{
	if (sf_parse_long(s, v) != 0 || *v < lo || *v > hi) {
		fprintf(stderr, "stabforce %s: %s '%s' is not a number %ld..%ld\n", cmd, opt, s, lo,
		        hi);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* serve                                                              */

static void serve_usage(FILE *f)
{
	fprintf(f, "usage: stabforce serve [--listen 127.0.0.1:8080] [--db stabforce.db]\n"
	           "                       [--scenarios examples] [--jobs N] [OPTIONS]\n\n"
	           "Serve the JSON API (under /api/v1, described at /api/v1/openapi.json) and\n"
	           "the dashboard (at /) until Ctrl-C. Plans and analyses are jobs: --jobs\n"
	           "worker processes run them. Reads need a viewer token and writes an editor\n"
	           "token ('stabforce token create'), sent as 'Authorization: Bearer TOKEN'.\n\n"
	           "  -l, --listen HOST:PORT   address to listen on (default 127.0.0.1:8080;\n"
	           "                           port 0 picks a free one)\n"
	           "      --db PATH            the store (default stabforce.db; or a PostgreSQL\n"
	           "                           URI postgresql://...)\n"
	           "      --db-read URI        answer reads (GET) from this hot standby of --db;\n"
	           "                           they go on while the primary is down (writes\n"
	           "                           are then 503)\n"
	           "      --scenarios DIR      scenarios: DIR/NAME/scenario.yaml or DIR/NAME.yaml\n"
	           "                           (default examples)\n"
	           "  -j, --jobs N             jobs run at once, 0..64 (default 1; 0: none\n"
	           "                           here, `stabforce worker`s elsewhere run them)\n"
	           "      --threads N          HTTP threads, 1..64 (default 4)\n"
	           "      --queue N            most queued jobs before 503 (default 64)\n"
	           "      --public-read        reads need no token (writes still do)\n"
	           "      --cors ORIGIN        allow this one origin cross-origin (default none)\n"
	           "      --rate N             requests per minute per token or address\n"
	           "                           (default 6000; 0 = no limit)\n"
	           "      --max-body BYTES     largest request body (default 67108864)\n"
	           "      --timeout S          idle connection timeout (default 30)\n"
	           "      --max-connections N  (default 512), --max-per-ip N (default 128)\n"
	           "      --port-file PATH     write the port here once listening\n"
	           "  -q, --quiet              no start-up line\n"
	           "  -h, --help               this help\n");
}

enum {
	OPT_DB = 256,
	OPT_SCENARIOS,
	OPT_THREADS,
	OPT_QUEUE,
	OPT_PUBLIC,
	OPT_CORS,
	OPT_RATE,
	OPT_MAX_BODY,
	OPT_TIMEOUT,
	OPT_MAX_CONN,
	OPT_MAX_IP,
	OPT_PORT_FILE,
	OPT_ONCE,
	OPT_PARENT,
	OPT_ROLE,
	OPT_NAME,
	OPT_LEASE,
	OPT_DB_READ,
};

int sf_cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"listen", required_argument, NULL, 'l'},
	        {"db", required_argument, NULL, OPT_DB},
	        {"db-read", required_argument, NULL, OPT_DB_READ},
	        {"scenarios", required_argument, NULL, OPT_SCENARIOS},
	        {"jobs", required_argument, NULL, 'j'},
	        {"threads", required_argument, NULL, OPT_THREADS},
	        {"queue", required_argument, NULL, OPT_QUEUE},
	        {"public-read", no_argument, NULL, OPT_PUBLIC},
	        {"cors", required_argument, NULL, OPT_CORS},
	        {"rate", required_argument, NULL, OPT_RATE},
	        {"max-body", required_argument, NULL, OPT_MAX_BODY},
	        {"timeout", required_argument, NULL, OPT_TIMEOUT},
	        {"max-connections", required_argument, NULL, OPT_MAX_CONN},
	        {"max-per-ip", required_argument, NULL, OPT_MAX_IP},
	        {"port-file", required_argument, NULL, OPT_PORT_FILE},
	        {"quiet", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	sf_server_options o;
	sf_error err;
	char exe[PATH_MAX];
	struct sigaction sa;
	long v;
	int c;

	sf_server_options_init(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "l:j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o.listen = optarg;
			break;
		case OPT_DB:
			o.db = optarg;
			break;
		case OPT_DB_READ:
			o.db_read = optarg;
			break;
		case OPT_SCENARIOS:
			o.scenarios = optarg;
			break;
		case 'j':
			if (number_opt("serve", "--jobs", optarg, 0, 64, &v))
				return 2;
			o.jobs = (int)v;
			break;
		case OPT_THREADS:
			if (number_opt("serve", "--threads", optarg, 1, 64, &v))
				return 2;
			o.threads = (int)v;
			break;
		case OPT_QUEUE:
			if (number_opt("serve", "--queue", optarg, 1, 100000, &v))
				return 2;
			o.queue = v;
			break;
		case OPT_PUBLIC:
			o.public_read = 1;
			break;
		case OPT_CORS:
			o.cors = optarg;
			break;
		case OPT_RATE:
			if (number_opt("serve", "--rate", optarg, 0, 100000000, &v))
				return 2;
			o.rate_per_min = v;
			break;
		case OPT_MAX_BODY:
			if (number_opt("serve", "--max-body", optarg, 1024, 1L << 30, &v))
				return 2;
			o.max_body = (size_t)v;
			break;
		case OPT_TIMEOUT:
			if (number_opt("serve", "--timeout", optarg, 1, 3600, &v))
				return 2;
			o.timeout_s = (unsigned)v;
			break;
		case OPT_MAX_CONN:
			if (number_opt("serve", "--max-connections", optarg, 1, 100000, &v))
				return 2;
			o.max_connections = (unsigned)v;
			break;
		case OPT_MAX_IP:
			if (number_opt("serve", "--max-per-ip", optarg, 1, 100000, &v))
				return 2;
			o.max_per_ip = (unsigned)v;
			break;
		case OPT_PORT_FILE:
			o.port_file = optarg;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'h':
			serve_usage(stdout);
			return 0;
		default:
			serve_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "stabforce serve: unexpected argument '%s'\n", argv[optind]);
		serve_usage(stderr);
		return 2;
	}
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
	static const struct option longopts[] = {
	        {"db", required_argument, NULL, OPT_DB},
	        {"scenarios", required_argument, NULL, OPT_SCENARIOS},
	        {"once", no_argument, NULL, OPT_ONCE},
	        {"parent", required_argument, NULL, OPT_PARENT},
	        {"lease", required_argument, NULL, OPT_LEASE},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	sf_worker_options o;
	sf_error err;
	char exe[PATH_MAX];
	long v;
	int c;

	sf_worker_options_init(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB:
			o.db = optarg;
			break;
		case OPT_SCENARIOS:
			o.scenarios = optarg;
			break;
		case OPT_ONCE:
			o.once = 1;
			break;
		case OPT_PARENT:
			if (number_opt("worker", "--parent", optarg, 1, 1L << 30, &v))
				return 2;
			o.parent = v;
			break;
		case OPT_LEASE:
			if (number_opt("worker", "--lease", optarg, 2, 3600, &v))
				return 2;
			o.lease_s = v;
			break;
		case 'h':
			printf("usage: stabforce worker [--db stabforce.db] [--scenarios examples] "
			       "[--once]\n"
			       "                        [--lease SECONDS]\n\n"
			       "Claim queued jobs from the store and run them, one at a time, "
			       "until\n"
			       "stopped (--once: until none is queued). 'stabforce serve' starts "
			       "its\n"
			       "own; start more by hand, on any machine that reaches the store\n"
			       "(--db postgresql://...), to run the jobs of a shared store. The "
			       "worker\n"
			       "renews its hold on a job every second; a job whose worker stops\n"
			       "renewing for --lease seconds (default 30) is queued again for "
			       "another\n"
			       "worker (at most 3 times). The scenarios directory must hold the "
			       "same\n"
			       "files as the server's.\n");
			return 0;
		default:
			return 2;
		}
	}
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
	fprintf(f,
	        "usage: stabforce token create --role viewer|editor|admin --name NAME [--db PATH]\n"
	        "       stabforce token list [--db PATH]\n"
	        "       stabforce token revoke NAME [--db PATH]\n\n"
	        "Access tokens of 'stabforce serve'. create prints the new token alone on\n"
	        "one line, once: the store keeps only its SHA-256. viewers read, editors\n"
	        "also write (imports, reviews, jobs), admins too.\n");
}

static int print_token(void *ctx, const sf_token_info *t)
{
	(void)ctx;
	printf("%-24s %-7s %s%s\n", t->name, sf_role_str(t->role), t->created,
	       t->revoked ? "  revoked" : "");
	return 0;
}

int sf_cmd_token(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"db", required_argument, NULL, OPT_DB},
	        {"role", required_argument, NULL, OPT_ROLE},
	        {"name", required_argument, NULL, OPT_NAME},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *db = "stabforce.db", *name = NULL, *role_s = NULL, *verb;
	sf_store *st = NULL;
	sf_error err;
	int c, rc = 0, role = -1;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		token_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	verb = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB:
			db = optarg;
			break;
		case OPT_ROLE:
			role_s = optarg;
			break;
		case OPT_NAME:
			name = optarg;
			break;
		case 'h':
			token_usage(stdout);
			return 0;
		default:
			token_usage(stderr);
			return 2;
		}
	}
	if (!strcmp(verb, "revoke") && optind < argc)
		name = argv[optind++];
	if (optind != argc ||
	    (strcmp(verb, "create") && strcmp(verb, "list") && strcmp(verb, "revoke"))) {
		fprintf(stderr, "stabforce token: expected create, list or revoke\n");
		token_usage(stderr);
		return 2;
	}
	if (!strcmp(verb, "create")) {
		if (!role_s || (role = sf_role_parse(role_s)) < 0) {
			fprintf(stderr,
			        "stabforce token: --role must be viewer, editor or admin\n");
			return 2;
		}
		if (!name || !name[0] || strlen(name) > 60) {
			fprintf(stderr,
			        "stabforce token: --name NAME (1 to 60 characters) is needed: "
			        "it is what the edit log records\n");
			return 2;
		}
	}
	if (!strcmp(verb, "revoke") && !name) {
		fprintf(stderr, "stabforce token: revoke needs the token's name\n");
		return 2;
	}
	if ((rc = sf_cli_open_store(
	             "token", db, strcmp(verb, "list") ? SF_STORE_WRITE : SF_STORE_READ, &st)) != 0)
		return rc;
	sf_error_clear(&err);
	if (!strcmp(verb, "create")) {
		char secret[SF_SHA256_HEX], hash[SF_SHA256_HEX];
		if (sf_token_generate(secret, hash, &err) != SF_OK ||
		    sf_store_token_add(st, name, (sf_role)role, hash, &err) != SF_OK) {
			rc = sf_cli_error("token", &err);
		} else {
			printf("%s\n", secret);
			if (fflush(stdout) != 0)
				rc = 4;
		}
		memset(secret, 0, sizeof secret);
	} else if (!strcmp(verb, "list")) {
		if (sf_store_token_list(st, print_token, NULL, &err) != SF_OK)
			rc = sf_cli_error("token", &err);
	} else {
		int found = 0;
		if (sf_store_token_revoke(st, name, &found, &err) != SF_OK) {
			rc = sf_cli_error("token", &err);
		} else if (!found) {
			fprintf(stderr, "stabforce token: no token named '%s'\n", name);
			rc = 2;
		}
	}
	sf_store_close(st);
	return rc;
}
