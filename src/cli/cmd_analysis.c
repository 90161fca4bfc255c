/*
 * cmd_analysis.c - the analysis commands: vetoes, caveats, critical,
 * shopping, risk, whatif, compare.
 *
 * All of them share one option set (format, output, solver, time limit,
 * gap, -j workers, quiet) parsed by parse_common(), run a library analysis
 * (include/stabforce/analysis.h: the work, the parallel solves and the
 * writers are there, so the dashboard gets the same thing), and write the
 * result to stdout or atomically to --output. --json/--csv/--md FILE write
 * that format of the same result to FILE as well (emit(): the result is
 * computed once, each format is written from it). While the workers run, a
 * progress bar is drawn on stderr when stderr is a terminal (and not -q).
 *
 * Exit status: 0 done, 2 invalid scenario or usage, 3 a solve failed, 4
 * I/O or a worker died.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct common {
	const char *cmd;
	int fmt;
	const char *output;
	const char *also[3]; /* --json, --csv, --md FILE: extra outputs, NULL when not asked */
	int quiet;
	sf_analysis_options ao;
	int gap_set;
	const char *db; /* --db: the register for the scenario's inputs */
} common;

enum {
	OPT_SAMPLES = 300,
	OPT_SEED,
	OPT_LIFT_VETO,
	OPT_ADD_VETO,
	OPT_DROP,
	OPT_ADD,
	OPT_SET,
	OPT_CEILING,
	OPT_LIFT_CAVEAT,
	OPT_DB,
	OPT_JSON_OUT,
	OPT_CSV_OUT,
	OPT_MD_OUT,
	OPT_ONLY,
	OPT_NOTICE
};

/* The extra outputs, in the order of common.also. */
static const struct {
	const char *opt;
	int fmt;
} ALSO[3] = {{"json", SF_FORMAT_JSON}, {"csv", SF_FORMAT_CSV}, {"md", SF_FORMAT_MD}};

static const char COMMON_HELP[] =
        "common options:\n"
        "  -f, --format FMT      text (default), json, csv or md (docs/output.md)\n"
        "  -o, --output FILE     write there (atomically) instead of stdout\n"
        "      --json FILE       also write the JSON to FILE (atomically)\n"
        "      --csv FILE        also write the CSV to FILE (atomically)\n"
        "      --md FILE         also write the Markdown to FILE (atomically); each\n"
        "                        is in addition to what --format prints, written from\n"
        "                        the same run (nothing is solved twice)\n"
        "  -j, --jobs N          worker processes solving in parallel (default: the\n"
        "                        number of cores); results do not depend on N\n"
        "  -s, --solver NAME     cbc (default) or glpk\n"
        "  -t, --time-limit SEC  wall-clock limit for each plan solved (default none)\n"
        "  -g, --gap REL         stage-2 relative gap of each plan (default 0.01)\n"
        "  -q, --quiet           no progress bar on stderr\n"
        "      --db STORE        the register the scenario's inputs come from\n"
        "                        (threat: from_register, from_aid), as for plan\n"
        "  -h, --help            this help\n"
        "\n"
        "exit status: 0 done, 2 invalid scenario or usage, 3 a solve failed,\n"
        "4 I/O error or a worker process died\n";

static void progress_bar(void *ctx, size_t done, size_t total)
{
	const char *cmd = ctx;
	enum { W = 30 };
	size_t fill = total ? done * W / total : W;
	char bar[W + 1];
	for (size_t i = 0; i < W; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[W] = 0;
	fprintf(stderr, "\rstabforce %s: [%s] %zu/%zu", cmd, bar, done, total);
	if (done == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* The same for a worker that runs this command as a job (SF_PROGRESS_ENV). */
static void progress_lines(void *ctx, size_t done, size_t total)
{
	sf_buf b;
	(void)ctx;
	sf_buf_init(&b, 256);
	if (sf_progress_line(done, total, &b) == SF_OK) {
		fputs(sf_buf_str(&b), stderr);
		fflush(stderr);
	}
	sf_buf_release(&b);
}

/*
 * Parse the common options and the command's own (extra, handled by
 * `own`, which returns 0, or 2 for a bad value). Returns -1 to go on, or
 * an exit status (0 after --help).
 */
static int parse_common(common *c, int argc, char **argv, const struct option *extra,
                        int (*own)(common *c, int opt, const char *arg, void *ctx), void *ctx,
                        void (*usage)(FILE *f))
{
	struct option longopts[32];
	static const struct option base[] = {
	        {"format", required_argument, NULL, 'f'},
	        {"output", required_argument, NULL, 'o'},
	        {"jobs", required_argument, NULL, 'j'},
	        {"solver", required_argument, NULL, 's'},
	        {"time-limit", required_argument, NULL, 't'},
	        {"gap", required_argument, NULL, 'g'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        {"db", required_argument, NULL, OPT_DB},
	        {"json", required_argument, NULL, OPT_JSON_OUT},
	        {"csv", required_argument, NULL, OPT_CSV_OUT},
	        {"md", required_argument, NULL, OPT_MD_OUT},
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
		longopts[n++] = base[i];
	for (size_t i = 0; extra && extra[i].name && n < 31; i++)
		longopts[n++] = extra[i];
	memset(&longopts[n], 0, sizeof longopts[n]);

	c->fmt = SF_FORMAT_TEXT;
	sf_analysis_options_init(&c->ao);
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "f:o:j:s:t:g:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			c->fmt = sf_cli_parse_format(c->cmd, optarg, 0);
			if (c->fmt < 0)
				return 2;
			if (c->fmt == SF_FORMAT_GEOJSON) {
				fprintf(stderr,
				        "stabforce %s: format 'geojson' is not available here\n",
				        c->cmd);
				return 2;
			}
			break;
		case 'o':
			c->output = optarg;
			break;
		case 'j': {
			long v;
			if (sf_parse_long(optarg, &v) != 0 || v < 1 || v > 256) {
				fprintf(stderr, "stabforce %s: jobs '%s' is not a number 1..256\n",
				        c->cmd, optarg);
				return 2;
			}
			c->ao.jobs = (int)v;
			break;
		}
		case 's':
			if (!strcmp(optarg, "cbc")) {
				c->ao.plan.solver = SF_SOLVER_CBC;
			} else if (!strcmp(optarg, "glpk")) {
				c->ao.plan.solver = SF_SOLVER_GLPK;
			} else {
				fprintf(stderr, "stabforce %s: unknown solver '%s' (cbc or glpk)\n",
				        c->cmd, optarg);
				return 2;
			}
			break;
		case 't':
			if (sf_parse_double(optarg, &c->ao.plan.time_limit_s) != 0 ||
			    !(c->ao.plan.time_limit_s > 0)) {
				fprintf(stderr,
				        "stabforce %s: time limit '%s' is not a positive number of "
				        "seconds\n",
				        c->cmd, optarg);
				return 2;
			}
			break;
		case 'g':
			if (sf_parse_double(optarg, &c->ao.plan.gap) != 0 ||
			    !(c->ao.plan.gap >= 0) || c->ao.plan.gap >= 1) {
				fprintf(stderr,
				        "stabforce %s: gap '%s' is not a number in [0, 1)\n",
				        c->cmd, optarg);
				return 2;
			}
			c->gap_set = 1;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case OPT_DB:
			c->db = optarg;
			break;
		case OPT_JSON_OUT:
		case OPT_CSV_OUT:
		case OPT_MD_OUT:
			if (!optarg[0] || !strcmp(optarg, "-")) {
				fprintf(stderr,
				        "stabforce %s: --%s needs a file name (stdout is for "
				        "--format)\n",
				        c->cmd, ALSO[ch - OPT_JSON_OUT].opt);
				return 2;
			}
			c->also[ch - OPT_JSON_OUT] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case '?':
			usage(stderr);
			return 2;
		default:
			if (own && own(c, ch, optarg, ctx) == 0)
				break;
			if (!own)
				usage(stderr);
			return 2;
		}
	}
	for (size_t i = 0; i < 3; i++)
		for (size_t k = 0; c->also[i] && k <= 3; k++) {
			const char *o = k < 3 ? c->also[k] : c->output;
			if (k != i && o && !strcmp(o, c->also[i])) {
				fprintf(stderr, "stabforce %s: '%s' is given as two outputs\n",
				        c->cmd, o);
				return 2;
			}
		}
	const char *lines = getenv(SF_PROGRESS_ENV);
	if (lines && strcmp(lines, "lines") == 0) {
		c->ao.progress = progress_lines;
	} else if (!c->quiet && isatty(STDERR_FILENO)) {
		c->ao.progress = progress_bar;
		c->ao.progress_ctx = (void *)c->cmd;
	}
	return -1;
}

static sf_format report_format(int fmt)
{
	switch (fmt) {
	case SF_FORMAT_JSON:
		return SF_FORMAT_JSON;
	case SF_FORMAT_CSV:
		return SF_FORMAT_CSV;
	case SF_FORMAT_MD:
		return SF_FORMAT_MD;
	default:
		return SF_FORMAT_TEXT;
	}
}

/* Writes one format of a computed result (an analysis's _write function). */
typedef sf_status (*writer_fn)(const void *res, sf_format rf, sf_buf *out, sf_error *err);

/*
 * Write the result in --format to stdout or --output, and each extra
 * output (--json, --csv, --md) to its file, all from the same result: all
 * are rendered first, then written all or none (sf_cli_write_outputs).
 * Returns the exit status (the first failure's).
 */
static int emit(const common *c, writer_fn write, const void *res)
{
	sf_buf bufs[4];
	const char *paths[4];
	size_t n = 0, i;
	sf_error err;
	int rc = 0;

	sf_error_clear(&err);
	for (i = 0; i < 4; i++) {
		int fmt = i == 0 ? c->fmt : ALSO[i - 1].fmt;
		const char *path = i == 0 ? c->output : c->also[i - 1];
		if (i > 0 && !path)
			continue;
		sf_buf_init(&bufs[n], 0);
		paths[n] = path;
		if (write(res, report_format(fmt), &bufs[n++], &err) != SF_OK) {
			rc = sf_cli_error(c->cmd, &err);
			break;
		}
	}
	if (rc == 0)
		rc = sf_cli_write_outputs(c->cmd, paths, bufs, n);
	for (i = 0; i < n; i++)
		sf_buf_release(&bufs[i]);
	return rc;
}

static sf_status write_pricing(const void *res, sf_format rf, sf_buf *out, sf_error *err)
{
	return sf_pricing_write(res, rf, out, err);
}

static sf_status write_shopping(const void *res, sf_format rf, sf_buf *out, sf_error *err)
{
	return sf_shopping_write(res, rf, out, err);
}

static sf_status write_risk(const void *res, sf_format rf, sf_buf *out, sf_error *err)
{
	return sf_risk_write(res, rf, out, err);
}

/* ------------------------------------------------------------------ */
/* vetoes, caveats, critical                                            */

static void usage_pricing(FILE *f, const char *cmd, const char *what)
{
	fprintf(f, "usage: stabforce %s [OPTIONS] SCENARIO.yaml\n\n%s\n\n%s", cmd, what,
	        COMMON_HELP);
}

static void usage_vetoes(FILE *f)
{
	usage_pricing(f, "vetoes",
	              "The price of every veto. Each hard veto is lifted alone and the plan\n"
	              "solved again: the change in weighted shortfall, in shortfall per task\n"
	              "(capability-unit-months), in FOC month, in in-sector personnel\n"
	              "(person-months) and in cost, sorted by impact. Each soft veto: the\n"
	              "person-months the plan places under it, and the price of making it hard.");
}

static void usage_caveats(FILE *f)
{
	usage_pricing(f, "caveats",
	              "The price of every caveat: each task restriction and each location\n"
	              "restriction of each pledge lifted alone, the same figures as 'vetoes'.");
}

static void usage_critical(FILE *f)
{
	usage_pricing(f, "critical",
	              "Criticality: each contributor removed (with all its pledges) in turn,\n"
	              "the same figures as 'vetoes'; the critical contributors come first.");
}

static int run_pricing(int argc, char **argv, const char *cmd, sf_pricing_kind kind,
                       void (*usage)(FILE *f))
{
	common c;
	memset(&c, 0, sizeof c);
	c.cmd = cmd;
	int rc = parse_common(&c, argc, argv, NULL, NULL, NULL, usage);
	if (rc >= 0)
		return rc;
	if (optind + 1 != argc) {
		fprintf(stderr, "stabforce %s: expected one scenario file\n", cmd);
		usage(stderr);
		return 2;
	}
	sf_scenario *sc = NULL;
	sf_pricing *p = NULL;
	sf_error err;
	sf_error_clear(&err);
	rc = sf_cli_load_scenario_for_planning(c.cmd, argv[optind], c.db, &sc);
	if (rc)
		goto out;
	if (sf_pricing_run(sc, kind, &c.ao, &p, &err) != SF_OK) {
		rc = sf_cli_error(cmd, &err);
		goto out;
	}
	rc = emit(&c, write_pricing, p);
out:
	sf_pricing_free(p);
	sf_scenario_free(sc);
	return rc;
}

int sf_cmd_vetoes(int argc, char **argv)
{
	return run_pricing(argc, argv, "vetoes", SF_PRICING_VETOES, usage_vetoes);
}

int sf_cmd_caveats(int argc, char **argv)
{
	return run_pricing(argc, argv, "caveats", SF_PRICING_CAVEATS, usage_caveats);
}

int sf_cmd_critical(int argc, char **argv)
{
	return run_pricing(argc, argv, "critical", SF_PRICING_CONTRIBUTORS, usage_critical);
}

/* ------------------------------------------------------------------ */
/* price: vetoes, caveats and critical in one run                       */

static void usage_price(FILE *f)
{
	fprintf(f,
	        "usage: stabforce price [OPTIONS] SCENARIO.yaml\n\n"
	        "'vetoes', 'caveats' and 'critical' in one run: the baseline is solved\n"
	        "once, and every case of the three goes to one pool of workers, the\n"
	        "largest models first, so that the workers stay busy to the end. Each\n"
	        "table is exactly what its own command prints. json: an object with one\n"
	        "member per analysis, each that command's document; csv: one table, the\n"
	        "baseline row once, then every case (the kind column tells them apart).\n\n"
	        "      --only LIST       some of vetoes,caveats,critical (comma-separated,\n"
	        "                        always printed in that order; default all three)\n\n%s",
	        COMMON_HELP);
}

typedef struct price_args {
	sf_pricing_kind kinds[3];
	size_t nkinds;
} price_args;

static int price_own(common *c, int opt, const char *arg, void *ctx)
{
	static const char *const name[3] = {"vetoes", "caveats", "critical"};
	price_args *pa = ctx;
	if (opt != OPT_ONLY) {
		usage_price(stderr);
		return 2;
	}
	int want[3] = {0, 0, 0};
	const char *p = arg;
	while (*p) {
		size_t len = strcspn(p, ",");
		int k = 0;
		while (k < 3 && !(strlen(name[k]) == len && strncmp(p, name[k], len) == 0))
			k++;
		if (k == 3) {
			fprintf(stderr,
			        "stabforce %s: --only: '%.*s' is not one of vetoes, caveats, "
			        "critical\n",
			        c->cmd, (int)len, p);
			return 2;
		}
		want[k] = 1;
		p += len + (p[len] == ',');
	}
	pa->nkinds = 0;
	for (int k = 0; k < 3; k++)
		if (want[k])
			pa->kinds[pa->nkinds++] = (sf_pricing_kind)k;
	if (pa->nkinds == 0) {
		fprintf(stderr, "stabforce %s: --only needs at least one analysis\n", c->cmd);
		return 2;
	}
	return 0;
}

typedef struct price_result {
	sf_pricing *p[3];
	size_t n;
} price_result;

static sf_status write_price(const void *res, sf_format rf, sf_buf *out, sf_error *err)
{
	const price_result *pr = res;
	return sf_pricing_write_many((const sf_pricing *const *)pr->p, pr->n, rf, out, err);
}

int sf_cmd_price(int argc, char **argv)
{
	static const struct option extra[] = {{"only", required_argument, NULL, OPT_ONLY},
	                                      {NULL, 0, NULL, 0}};
	common c;
	price_args pa = {{SF_PRICING_VETOES, SF_PRICING_CAVEATS, SF_PRICING_CONTRIBUTORS}, 3};
	price_result res;
	memset(&c, 0, sizeof c);
	memset(&res, 0, sizeof res);
	c.cmd = "price";
	int rc = parse_common(&c, argc, argv, extra, price_own, &pa, usage_price);
	if (rc >= 0)
		return rc;
	if (optind + 1 != argc) {
		fprintf(stderr, "stabforce %s: expected one scenario file\n", c.cmd);
		usage_price(stderr);
		return 2;
	}
	sf_scenario *sc = NULL;
	sf_error err;
	sf_error_clear(&err);
	rc = sf_cli_load_scenario_for_planning(c.cmd, argv[optind], c.db, &sc);
	if (rc)
		goto out;
	if (sf_pricing_run_many(sc, pa.kinds, pa.nkinds, &c.ao, res.p, &err) != SF_OK) {
		rc = sf_cli_error(c.cmd, &err);
		goto out;
	}
	res.n = pa.nkinds;
	rc = emit(&c, write_price, &res);
out:
	for (size_t k = 0; k < 3; k++)
		sf_pricing_free(res.p[k]);
	sf_scenario_free(sc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* shopping                                                             */

static void usage_shopping(FILE *f)
{
	usage_pricing(f, "shopping",
	              "What to ask contributors for. Every unit type gets an unlimited virtual\n"
	              "pledge (no caveats, no vetoes, exempt from the share cap, under the\n"
	              "ceiling) whose units cost more than the real ones, so real units are\n"
	              "used first; the virtual units the plan still uses are the list: unit\n"
	              "type, how many, from and to which month, in which sectors and tasks,\n"
	              "and how much weighted shortfall each line removes (docs/shopping.md\n"
	              "says how to read it). Format 2: requests come with notice, stay their\n"
	              "minimum, pass through reception, and larger units are asked for\n"
	              "before many small ones.\n"
	              "  --notice DAYS     format 2: days of notice of a requested unit (default:\n"
	              "                    the scenario's readiness rdl, 60 unless it says)");
}

static int shopping_own(common *c, int opt, const char *arg, void *ctx)
{
	long v;
	(void)ctx;
	if (opt != OPT_NOTICE)
		return -1;
	if (sf_parse_long(arg, &v) != 0 || v < 0 || v > 3650) {
		fprintf(stderr, "stabforce %s: notice '%s' is not a number of days 0..3650\n",
		        c->cmd, arg);
		return 2;
	}
	c->ao.request_notice_days = (int)v;
	return 0;
}

int sf_cmd_shopping(int argc, char **argv)
{
	common c;
	memset(&c, 0, sizeof c);
	c.cmd = "shopping";
	static const struct option extra[] = {{"notice", required_argument, NULL, OPT_NOTICE},
	                                      {NULL, 0, NULL, 0}};
	int rc = parse_common(&c, argc, argv, extra, shopping_own, NULL, usage_shopping);
	if (rc >= 0)
		return rc;
	if (optind + 1 != argc) {
		fprintf(stderr, "stabforce %s: expected one scenario file\n", c.cmd);
		usage_shopping(stderr);
		return 2;
	}
	sf_scenario *sc = NULL;
	sf_shopping *s = NULL;
	sf_error err;
	sf_error_clear(&err);
	rc = sf_cli_load_scenario_for_planning(c.cmd, argv[optind], c.db, &sc);
	if (rc)
		goto out;
	if (sf_shopping_run(sc, &c.ao, &s, &err) != SF_OK) {
		rc = sf_cli_error(c.cmd, &err);
		goto out;
	}
	rc = emit(&c, write_shopping, s);
out:
	sf_shopping_free(s);
	sf_scenario_free(sc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* risk                                                                 */

typedef struct risk_args {
	long samples;
	unsigned long long seed;
} risk_args;

static void usage_risk(FILE *f)
{
	fprintf(f,
	        "usage: stabforce risk [OPTIONS] SCENARIO.yaml\n\n"
	        "Monte Carlo over pledge confidence and delay: in each sample every pledge\n"
	        "materialises with its confidence and starts 0..delay_months late\n"
	        "(uniformly); stage 1 is solved. Reports the distribution of the weighted\n"
	        "shortfall (mean, p10, p50, p90), the probability of FOC by each month, the\n"
	        "probability each task is short in each month, and the contributors whose\n"
	        "absence (none of their pledges materialising; a late pledge is present)\n"
	        "costs the most shortfall. Sample i draws from its own stream seeded from\n"
	        "(seed, i): the same seed gives the same numbers whatever -j is.\n\n"
	        "      --samples N       number of samples (default 1000)\n"
	        "      --seed S          random seed, an integer >= 0 (default 1)\n\n%s",
	        COMMON_HELP);
}

static int risk_own(common *c, int opt, const char *arg, void *ctx)
{
	risk_args *ra = ctx;
	if (opt == OPT_SAMPLES) {
		long v;
		if (sf_parse_long(arg, &v) != 0 || v < 1 || v > 10000000) {
			fprintf(stderr, "stabforce %s: samples '%s' is not a number 1..10000000\n",
			        c->cmd, arg);
			return 2;
		}
		ra->samples = v;
		return 0;
	}
	if (opt == OPT_SEED) {
		char *end = NULL;
		if (!arg[0] || arg[0] == '-') {
			fprintf(stderr, "stabforce %s: seed '%s' is not an integer >= 0\n", c->cmd,
			        arg);
			return 2;
		}
		ra->seed = strtoull(arg, &end, 10);
		if (!end || *end) {
			fprintf(stderr, "stabforce %s: seed '%s' is not an integer >= 0\n", c->cmd,
			        arg);
			return 2;
		}
		return 0;
	}
	usage_risk(stderr);
	return 2;
}

int sf_cmd_risk(int argc, char **argv)
{
	static const struct option extra[] = {
	        {"samples", required_argument, NULL, OPT_SAMPLES},
	        {"seed", required_argument, NULL, OPT_SEED},
	        {NULL, 0, NULL, 0},
	};
	common c;
	risk_args ra = {1000, 1};
	memset(&c, 0, sizeof c);
	c.cmd = "risk";
	int rc = parse_common(&c, argc, argv, extra, risk_own, &ra, usage_risk);
	if (rc >= 0)
		return rc;
	if (optind + 1 != argc) {
		fprintf(stderr, "stabforce %s: expected one scenario file\n", c.cmd);
		usage_risk(stderr);
		return 2;
	}
	sf_scenario *sc = NULL;
	sf_risk *r = NULL;
	sf_error err;
	sf_error_clear(&err);
	rc = sf_cli_load_scenario_for_planning(c.cmd, argv[optind], c.db, &sc);
	if (rc)
		goto out;
	if (sf_risk_run(sc, (size_t)ra.samples, (uint64_t)ra.seed, &c.ao, &r, &err) != SF_OK) {
		rc = sf_cli_error(c.cmd, &err);
		goto out;
	}
	rc = emit(&c, write_risk, r);
out:
	sf_risk_free(r);
	sf_scenario_free(sc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* whatif, compare                                                      */

/* What whatif and compare write. */
typedef struct plan_cmp {
	const sf_comparison *cmp;
	const char *na, *nb;  /* compare: the names of a and b in the output */
	const sf_edit *edits; /* whatif: its edits (compare: NULL) */
	size_t nedits;
} plan_cmp;

static sf_status write_whatif(const void *res, sf_format rf, sf_buf *out, sf_error *err)
{
	const plan_cmp *pc = res;
	return sf_whatif_write(pc->cmp, pc->edits, pc->nedits, rf, out, err);
}

static sf_status write_comparison(const void *res, sf_format rf, sf_buf *out, sf_error *err)
{
	const plan_cmp *pc = res;
	return sf_comparison_write(pc->cmp, pc->na, pc->nb, rf, out, err);
}

typedef struct whatif_args {
	sf_edit edits[64];
	size_t n;
} whatif_args;

static void usage_whatif(FILE *f)
{
	fprintf(f,
	        "usage: stabforce whatif [OPTIONS] EDIT... SCENARIO.yaml\n\n"
	        "Apply edits to the scenario in memory, plan it, and compare with the plan of\n"
	        "the scenario as it is (both solved in parallel). Edits, applied in order,\n"
	        "each may be repeated:\n"
	        "  --lift-veto STAKEHOLDER:CONTRIBUTOR    lift every such veto\n"
	        "  --add-veto STAKEHOLDER:CONTRIBUTOR[:hard|soft[:PENALTY]]  a veto in all "
	        "sectors\n"
	        "  --drop CONTRIBUTOR                     remove a contributor and its pledges\n"
	        "  --add CONTRIBUTOR:UNIT:COUNT:FROM[:TO] add a pledge (months 1..M or YYYY-MM)\n"
	        "  --set PLEDGE:count=N,from=M,to=M       change a pledge (any of the three)\n"
	        "  --ceiling PERSONNEL                    change the troop ceiling\n"
	        "  --lift-caveat PLEDGE[:tasks|locations] lift a pledge's caveats\n\n"
	        "text and md print the edited plan (as 'plan' does) then the comparison;\n"
	        "json gives {\"edits\", \"plan\", \"comparison\"}; csv the comparison.\n\n%s",
	        COMMON_HELP);
}

static int whatif_own(common *c, int opt, const char *arg, void *ctx)
{
	whatif_args *w = ctx;
	sf_edit_kind k;
	switch (opt) {
	case OPT_LIFT_VETO:
		k = SF_EDIT_LIFT_VETO;
		break;
	case OPT_ADD_VETO:
		k = SF_EDIT_ADD_VETO;
		break;
	case OPT_DROP:
		k = SF_EDIT_DROP;
		break;
	case OPT_ADD:
		k = SF_EDIT_ADD_PLEDGE;
		break;
	case OPT_SET:
		k = SF_EDIT_SET_PLEDGE;
		break;
	case OPT_CEILING:
		k = SF_EDIT_CEILING;
		break;
	case OPT_LIFT_CAVEAT:
		k = SF_EDIT_LIFT_CAVEAT;
		break;
	default:
		usage_whatif(stderr);
		return 2;
	}
	if (w->n == sizeof w->edits / sizeof w->edits[0]) {
		fprintf(stderr, "stabforce %s: too many edits (at most 64)\n", c->cmd);
		return 2;
	}
	w->edits[w->n].kind = k;
	w->edits[w->n].arg = arg;
	w->n++;
	return 0;
}

int sf_cmd_whatif(int argc, char **argv)
{
	static const struct option extra[] = {
	        {"lift-veto", required_argument, NULL, OPT_LIFT_VETO},
	        {"add-veto", required_argument, NULL, OPT_ADD_VETO},
	        {"drop", required_argument, NULL, OPT_DROP},
	        {"add", required_argument, NULL, OPT_ADD},
	        {"set", required_argument, NULL, OPT_SET},
	        {"ceiling", required_argument, NULL, OPT_CEILING},
	        {"lift-caveat", required_argument, NULL, OPT_LIFT_CAVEAT},
	        {NULL, 0, NULL, 0},
	};
	common c;
	whatif_args w;
	memset(&c, 0, sizeof c);
	memset(&w, 0, sizeof w);
	c.cmd = "whatif";
	int rc = parse_common(&c, argc, argv, extra, whatif_own, &w, usage_whatif);
	if (rc >= 0)
		return rc;
	if (optind + 1 != argc) {
		fprintf(stderr, "stabforce %s: expected one scenario file\n", c.cmd);
		usage_whatif(stderr);
		return 2;
	}
	if (w.n == 0)
		fprintf(stderr,
		        "stabforce %s: no edits given: comparing the scenario with itself\n",
		        c.cmd);
	sf_scenario *sc = NULL, *ed = NULL;
	sf_plan *pa = NULL, *pb = NULL;
	sf_comparison *cmp = NULL;
	sf_error err;
	sf_error_clear(&err);
	rc = sf_cli_load_scenario_for_planning(c.cmd, argv[optind], c.db, &sc);
	if (rc)
		goto out;
	if (sf_whatif_scenario(sc, w.edits, w.n, &ed, &err) != SF_OK ||
	    sf_plan_pair(sc, ed, &c.ao, &pa, &pb, &err) != SF_OK ||
	    sf_plan_compare(pa, pb, &cmp, &err) != SF_OK ||
	    sf_whatif_explain(cmp, sc, w.edits, w.n, &c.ao, &err) != SF_OK) {
		rc = sf_cli_error(c.cmd, &err);
		goto out;
	}
	plan_cmp pc = {cmp, NULL, NULL, w.edits, w.n};
	rc = emit(&c, write_whatif, &pc);
out:
	sf_comparison_free(cmp);
	sf_plan_free(pa);
	sf_plan_free(pb);
	sf_scenario_free(ed);
	sf_scenario_free(sc);
	return rc;
}

static void usage_compare(FILE *f)
{
	fprintf(f,
	        "usage: stabforce compare [OPTIONS] A.yaml B.yaml\n\n"
	        "Plan two scenarios (in parallel) and put the plans side by side: weighted\n"
	        "shortfall, FOC, cost, in-sector personnel, then what changed: shortfall\n"
	        "per task and location, person-months per contributor, and assignments\n"
	        "(unit-months per pledge, location and task). Everything is matched by id.\n\n%s",
	        COMMON_HELP);
}

int sf_cmd_compare(int argc, char **argv)
{
	common c;
	memset(&c, 0, sizeof c);
	c.cmd = "compare";
	int rc = parse_common(&c, argc, argv, NULL, NULL, NULL, usage_compare);
	if (rc >= 0)
		return rc;
	if (optind + 2 != argc) {
		fprintf(stderr, "stabforce %s: expected two scenario files\n", c.cmd);
		usage_compare(stderr);
		return 2;
	}
	sf_scenario *a = NULL, *b = NULL;
	sf_plan *pa = NULL, *pb = NULL;
	sf_comparison *cmp = NULL;
	sf_error err;
	sf_error_clear(&err);
	rc = sf_cli_load_scenario_for_planning(c.cmd, argv[optind], c.db, &a);
	if (!rc)
		rc = sf_cli_load_scenario_for_planning(c.cmd, argv[optind + 1], c.db, &b);
	if (rc)
		goto out;
	if (sf_plan_pair(a, b, &c.ao, &pa, &pb, &err) != SF_OK ||
	    sf_plan_compare(pa, pb, &cmp, &err) != SF_OK) {
		rc = sf_cli_error(c.cmd, &err);
		goto out;
	}
	plan_cmp pc = {cmp, argv[optind], argv[optind + 1], NULL, 0};
	rc = emit(&c, write_comparison, &pc);
out:
	sf_comparison_free(cmp);
	sf_plan_free(pa);
	sf_plan_free(pb);
	sf_scenario_free(a);
	sf_scenario_free(b);
	return rc;
}
