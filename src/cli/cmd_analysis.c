/*
 * cmd_analysis.c - the analysis commands: vetoes, caveats, critical,
 * shopping, offers, risk, whatif, compare.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"

typedef struct common {
	const char *cmd;
	int fmt;
	const char *output;
	const char *also[3]; /* --json, --csv, --md FILE: extra outputs, NULL when not asked */
	int quiet;
	sf_analysis_options ao;
	double total_limit; /* --total-time-limit: the whole analysis', 0 = none */
	const char *db;     /* --db: the register for the scenario's inputs */
	double gap;         /* --gap: both stages' gap; < 0 when not given */
	int first;          /* argv index of the first operand */
} common;

/* The formats of the extra outputs, in the order of common.also. */
static const int ALSO_FMT[3] = {SF_FORMAT_JSON, SF_FORMAT_CSV, SF_FORMAT_MD};

static const char TAIL[] = "exit status: 0 done, 2 invalid scenario or usage, 3 a solve failed,\n"
                           "4 I/O error or a worker process died";

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
 * Parse the command's own options (own, may be NULL) and the common ones,
 * then expect nargs operands (what: the message when not). Returns -1 to
 * go on (operands from c->first), or an exit status (0 after --help).
 */
static int parse_common(common *c, int argc, char **argv, const sf_opt *own, const char *usage,
                        const char *about, int nargs, const char *what)
{
	const sf_opt common_opts[] = {
	        SF_OPT_GROUP("common options:"),
	        SF_OPT_FORMAT(&c->fmt, "text (default), json, csv or md (docs/output.md)",
	                      SF_OPT_FMT_TABLE),
	        SF_OPT_OUTPUT_FILE(&c->output),
	        SF_OPT_ALSO("json", &c->also[0], "also write the JSON to FILE (atomically)"),
	        SF_OPT_ALSO("csv", &c->also[1], "also write the CSV to FILE (atomically)"),
	        SF_OPT_ALSO("md", &c->also[2],
	                    "also write the Markdown to FILE (atomically); each\n"
	                    "is in addition to what --format prints, written from\n"
	                    "the same run (nothing is solved twice)"),
	        SF_OPT_JOBS(&c->ao.jobs, "worker processes solving in parallel (default: the\n"
	                                 "number of cores); results do not depend on N"),
	        SF_OPT_SOLVER(&c->ao.plan.solver),
	        SF_OPT_TIME_LIMIT(&c->ao.plan.time_limit_s,
	                          "wall-clock limit for each plan solved (default none)"),
	        SF_OPT_DBL(0, "total-time-limit", "SEC", &c->total_limit,
	                   "wall-clock limit for the whole analysis: each plan\n"
	                   "gets its share of what remains (and at most\n"
	                   "--time-limit); default none",
	                   SF_OPT_MIN_OPEN, 0, 1e300, "--total-time-limit",
	                   "is not a number of seconds > 0"),
	        SF_OPT_GAP(&c->gap, "relative gap of each plan's two stages (default:\n"
	                            "stage 1 proven optimal, stage 2 0.01)"),
	        SF_OPT_QUIET(&c->quiet, "no progress bar on stderr"),
	        SF_OPT_DB(&c->db, "the register the scenario's inputs come from\n"
	                          "(threat: from_register, from_aid), as for plan"),
	};
	enum { NCOMMON = sizeof common_opts / sizeof common_opts[0] };
	sf_opt opts[NCOMMON + 16];
	size_t n = 0;
	int rc;

	for (size_t i = 0; own && own[i].kind != SF_OPTK_END && n < 16; i++)
		opts[n++] = own[i];
	for (size_t i = 0; i < NCOMMON; i++)
		opts[n++] = common_opts[i];
	opts[n] = (sf_opt)SF_OPT_END();
	const sf_cli_spec spec = {c->cmd, usage, about, opts, TAIL};

	c->fmt = SF_FORMAT_TEXT;
	sf_analysis_options_init(&c->ao);
	/* STABFORCE_SOLVER_LOG=1: the solver's own log on stdout, as for plan (benchmarking). */
	c->ao.plan.solver_log =
	        getenv("STABFORCE_SOLVER_LOG") && strcmp(getenv("STABFORCE_SOLVER_LOG"), "1") == 0;
	c->gap = -1;
	rc = sf_opt_parse(&spec, argc, argv, &c->first);
	if (rc >= 0)
		return rc;
	if (c->gap >= 0)
		c->ao.plan.gap = c->ao.plan.stage1_gap = c->gap;
	if (c->first + nargs != argc) {
		fprintf(stderr, "stabforce %s: expected %s\n", c->cmd, what);
		sf_opt_usage(&spec, stderr);
		return 2;
	}
	if (c->total_limit > 0)
		sf_analysis_time_limit(&c->ao, c->total_limit);
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
		int fmt = i == 0 ? c->fmt : ALSO_FMT[i - 1];
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

static const char SCENARIO[] = "[OPTIONS] SCENARIO.yaml";

static const char ABOUT_VETOES[] =
        "The price of every veto. Each hard veto is lifted alone and the plan\n"
        "solved again: the change in weighted shortfall, in shortfall per task\n"
        "(capability-unit-months), in FOC month, in in-sector personnel\n"
        "(person-months) and in cost, sorted by impact. Each soft veto: the\n"
        "person-months the plan places under it, and the price of making it hard.";

static const char ABOUT_CAVEATS[] =
        "The price of every caveat: each task restriction and each location\n"
        "restriction of each pledge lifted alone, the same figures as 'vetoes'.";

static const char ABOUT_CRITICAL[] =
        "Criticality: each contributor removed (with all its pledges) in turn,\n"
        "the same figures as 'vetoes'; the critical contributors come first.";

static int run_pricing(int argc, char **argv, const char *cmd, sf_pricing_kind kind,
                       const char *about)
{
	common c;
	memset(&c, 0, sizeof c);
	c.cmd = cmd;
	int rc = parse_common(&c, argc, argv, NULL, SCENARIO, about, 1, "one scenario file");
	if (rc >= 0)
		return rc;
	sf_scenario *sc = NULL;
	sf_pricing *p = NULL;
	sf_error err;
	sf_error_clear(&err);
	rc = sf_cli_load_scenario_for_planning(c.cmd, argv[c.first], c.db, &sc);
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
	return run_pricing(argc, argv, "vetoes", SF_PRICING_VETOES, ABOUT_VETOES);
}

int sf_cmd_caveats(int argc, char **argv)
{
	return run_pricing(argc, argv, "caveats", SF_PRICING_CAVEATS, ABOUT_CAVEATS);
}

int sf_cmd_critical(int argc, char **argv)
{
	return run_pricing(argc, argv, "critical", SF_PRICING_CONTRIBUTORS, ABOUT_CRITICAL);
}

/* ------------------------------------------------------------------ */
/* price: vetoes, caveats and critical in one run                       */

static const char ABOUT_PRICE[] =
        "'vetoes', 'caveats' and 'critical' in one run: the baseline is solved\n"
        "once, and every case of the three goes to one pool of workers, the\n"
        "largest models first, so that the workers stay busy to the end. Each\n"
        "table is exactly what its own command prints. json: an object with one\n"
        "member per analysis, each that command's document; csv: one table, the\n"
        "baseline row once, then every case (the kind column tells them apart).";

typedef struct price_args {
	sf_pricing_kind kinds[3];
	size_t nkinds;
} price_args;

/* --only LIST: some of vetoes,caveats,critical. */
static int price_only(const sf_opt *o, const char *arg, const char *cmd)
{
	static const char *const name[3] = {"vetoes", "caveats", "critical"};
	price_args *pa = o->ctx;
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
			        cmd, (int)len, p);
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
		fprintf(stderr, "stabforce %s: --only needs at least one analysis\n", cmd);
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
	common c;
	price_args pa = {{SF_PRICING_VETOES, SF_PRICING_CAVEATS, SF_PRICING_CONTRIBUTORS}, 3};
	price_result res;
	const sf_opt own[] = {
	        SF_OPT_CB(0, "only", "LIST", NULL,
	                  "some of vetoes,caveats,critical (comma-separated,\n"
	                  "always printed in that order; default all three)",
	                  price_only, &pa, 0),
	        SF_OPT_END(),
	};
	memset(&c, 0, sizeof c);
	memset(&res, 0, sizeof res);
	c.cmd = "price";
	int rc = parse_common(&c, argc, argv, own, SCENARIO, ABOUT_PRICE, 1, "one scenario file");
	if (rc >= 0)
		return rc;
	sf_scenario *sc = NULL;
	sf_error err;
	sf_error_clear(&err);
	rc = sf_cli_load_scenario_for_planning(c.cmd, argv[c.first], c.db, &sc);
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

static const char ABOUT_SHOPPING[] =
        "What to ask contributors for. Every unit type gets an unlimited virtual\n"
        "pledge (no caveats, no vetoes, exempt from the share cap, under the\n"
        "ceiling) whose units cost more than the real ones, so real units are\n"
        "used first; the virtual units the plan still uses are the list: unit\n"
        "type, how many, from and to which month, in which sectors and tasks,\n"
        "and how much weighted shortfall each line removes (docs/shopping.md\n"
        "says how to read it). Format 2: requests come with notice, stay their\n"
        "minimum, pass through reception, and larger units are asked for\n"
        "before many small ones.";

int sf_cmd_shopping(int argc, char **argv)
{
	common c;
	memset(&c, 0, sizeof c);
	c.cmd = "shopping";
	const sf_opt own[] = {
	        {.long_name = "notice",
	         .kind = SF_OPTK_INT,
	         .argname = "DAYS",
	         .target = &c.ao.request_notice_days,
	         .help = "format 2: days of notice of a requested unit (default:\n"
	                 "the scenario's readiness rdl, 60 unless it says)",
	         .min = 0,
	         .max = 3650,
	         .what = "notice",
	         .expect = "is not a number of days 0..3650"},
	        SF_OPT_END(),
	};
	int rc =
	        parse_common(&c, argc, argv, own, SCENARIO, ABOUT_SHOPPING, 1, "one scenario file");
	if (rc >= 0)
		return rc;
	sf_scenario *sc = NULL;
	sf_shopping *s = NULL;
	sf_error err;
	sf_error_clear(&err);
	rc = sf_cli_load_scenario_for_planning(c.cmd, argv[c.first], c.db, &sc);
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
/* offers                                                               */

static const char ABOUT_OFFERS[] =
        "What a contributing nation could offer. Every candidate offer (a unit\n"
        "type, a count, a start month, with or without the nation's caveats) is\n"
        "added to the scenario and planned exactly (stage 1, in the workers): the\n"
        "weighted shortfall it removes, per 1,000 personnel and per million of\n"
        "cost (the offer used in full), best first. --new plans for a nation not\n"
        "in the scenario (no cap, no veto on it). docs/model.md, \"Offers\", says\n"
        "which candidates are tried.";

static sf_status write_offers(const void *res, sf_format rf, sf_buf *out, sf_error *err)
{
	return sf_offers_write(res, rf, out, err);
}

/* --rank personnel|cost|plan-cost. */
static int opt_rank(const sf_opt *o, const char *arg, const char *cmd)
{
	sf_offer_rank *r = o->target;
	if (strcmp(arg, "personnel") == 0)
		*r = SF_OFFER_RANK_PERSONNEL;
	else if (strcmp(arg, "cost") == 0)
		*r = SF_OFFER_RANK_COST;
	else if (strcmp(arg, "plan-cost") == 0)
		*r = SF_OFFER_RANK_PLAN_COST;
	else {
		fprintf(stderr, "stabforce %s: --rank is personnel, cost or plan-cost, not '%s'\n",
		        cmd, arg);
		return 2;
	}
	return 0;
}

int sf_cmd_offers(int argc, char **argv)
{
	common c;
	sf_offers_options oo;
	memset(&c, 0, sizeof c);
	sf_offers_options_init(&oo);
	c.cmd = "offers";
	const sf_opt own[] = {
	        SF_OPT_STR(0, "contributor", "ID", &oo.contributor,
	                   "the nation offering (required): a contributor of\n"
	                   "the scenario, or a new one's id with --new"),
	        SF_OPT_STR(0, "new", "NAME", &oo.new_name,
	                   "the nation is not in the scenario: add it by this\n"
	                   "name (no pledge, no cap, no veto on it)"),
	        SF_OPT_DBL(0, "budget", "MONEY", &oo.budget,
	                   "leave out offers that cost more, used in full\n"
	                   "(the scenario's money; default: no limit)",
	                   SF_OPT_MIN_OPEN, 0, 1e15, "--budget", "is not an amount > 0"),
	        SF_OPT_NUM(0, "max-count", "N", &oo.max_count,
	                   "counts 1..N of each unit type (default 3)", 1, 1000, "--max-count"),
	        SF_OPT_NUM(0, "starts", "N", &oo.max_starts,
	                   "start months per unit type (default 3)", 1, 600, "--starts"),
	        SF_OPT_CB(0, "rank", "BY", &oo.rank,
	                  "personnel (default: shortfall removed per 1,000\n"
	                  "personnel), cost (per million of cost) or plan-cost\n"
	                  "(the change in the plan's cost per shortfall\n"
	                  "removed, least first; both stages per offer)",
	                  opt_rank, NULL, 0),
	        {.long_name = "notice",
	         .kind = SF_OPTK_INT,
	         .argname = "DAYS",
	         .target = &c.ao.request_notice_days,
	         .help = "format 2: days of notice of an offered unit (default:\n"
	                 "the scenario's readiness rdl)",
	         .min = 0,
	         .max = 3650,
	         .what = "notice",
	         .expect = "is not a number of days 0..3650"},
	        SF_OPT_END(),
	};
	int rc = parse_common(&c, argc, argv, own, "--contributor ID [OPTIONS] SCENARIO.yaml",
	                      ABOUT_OFFERS, 1, "one scenario file");
	if (rc >= 0)
		return rc;
	if (!oo.contributor || !*oo.contributor) {
		fprintf(stderr, "stabforce %s: which nation? --contributor ID\n", c.cmd);
		return 2;
	}
	if (oo.new_name && !*oo.new_name) {
		fprintf(stderr, "stabforce %s: --new needs the nation's name\n", c.cmd);
		return 2;
	}
	sf_scenario *sc = NULL;
	sf_offers *r = NULL;
	sf_error err;
	sf_error_clear(&err);
	rc = sf_cli_load_scenario_for_planning(c.cmd, argv[c.first], c.db, &sc);
	if (rc)
		goto out;
	if (sf_offers_run(sc, &oo, &c.ao, &r, &err) != SF_OK) {
		rc = sf_cli_error(c.cmd, &err);
		goto out;
	}
	rc = emit(&c, write_offers, r);
out:
	sf_offers_free(r);
	sf_scenario_free(sc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* risk                                                                 */

static const char ABOUT_RISK[] =
        "Monte Carlo over pledge confidence and delay: in each sample every pledge\n"
        "materialises with its confidence and starts 0..delay_months late\n"
        "(uniformly); stage 1 is solved, and on the same draw again for every\n"
        "contributor with all its pledges materialising and with none (common\n"
        "random numbers: the contributor is the only difference). Reports the\n"
        "expected weighted shortfall, P(complete) and P(short) (shortfall above the\n"
        "plan with every pledge as given), each with a 95 % confidence interval\n"
        "(t, Wilson), the probability of FOC by each month and of each task being\n"
        "short, and ranks the contributors whose absence adds shortfall, only\n"
        "where the paired interval excludes zero; the others are listed apart,\n"
        "with the reason. --precision samples in batches until every interval is\n"
        "narrower than asked. Sample i draws from its own stream seeded from\n"
        "(seed, i): the same seed gives the same numbers whatever -j is.";

int sf_cmd_risk(int argc, char **argv)
{
	common c;
	long samples = 0, max_samples = SF_RISK_MAX_SAMPLES;
	sf_risk_options ro;
	sf_risk_options_init(&ro);
	const sf_opt own[] = {
	        SF_OPT_LNUM(0, "samples", "N", &samples,
	                    "number of samples (default 200); with --precision,\n"
	                    "the first batch (default 100)",
	                    1, 10000000, "samples"),
	        SF_OPT_SEED(&ro.seed, "random seed, an integer >= 0 (default 1)"),
	        SF_OPT_DBL(0, "precision", "W", &ro.precision,
	                   "sample until every interval in shortfall units (the\n"
	                   "expected shortfall, each contributor's) is narrower\n"
	                   "than W (full width, 95 %)",
	                   SF_OPT_MIN_OPEN, 0, 1e300, "--precision", "is not a number > 0"),
	        SF_OPT_DBL(0, "precision-p", "P", &ro.precision_p,
	                   "... and every probability's interval narrower than P", SF_OPT_MIN_OPEN,
	                   0, 1, "--precision-p", "is not a number in (0, 1]"),
	        SF_OPT_DBL(0, "short-above", "Z", &ro.short_above,
	                   "\"short\" means a weighted shortfall above Z (default:\n"
	                   "the plan's with every pledge as given)",
	                   0, 0, 1e300, "--short-above", "is not a number >= 0"),
	        SF_OPT_BOOL(0, "no-pairs", &ro.no_pairs,
	                    "the samples only: no contributor planned with and\n"
	                    "without it, no ranking (1 solve a sample, not ~1 +\n"
	                    "contributors)"),
	        SF_OPT_LNUM(0, "max-samples", "N", &max_samples,
	                    "the cap with --precision (default 10000)", 1, 10000000, "max-samples"),
	        SF_OPT_END(),
	};
	memset(&c, 0, sizeof c);
	c.cmd = "risk";
	int rc = parse_common(&c, argc, argv, own, SCENARIO, ABOUT_RISK, 1, "one scenario file");
	if (rc >= 0)
		return rc;
	ro.samples = (size_t)samples;
	ro.max_samples = (size_t)max_samples;
	sf_scenario *sc = NULL;
	sf_risk *r = NULL;
	sf_error err;
	sf_error_clear(&err);
	rc = sf_cli_load_scenario_for_planning(c.cmd, argv[c.first], c.db, &sc);
	if (rc)
		goto out;
	if (sf_risk_run_opts(sc, &ro, &c.ao, &r, &err) != SF_OK) {
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

static const char ABOUT_WHATIF[] =
        "Apply edits to the scenario in memory, plan it, and compare with the plan of\n"
        "the scenario as it is (both solved in parallel). text and md print the\n"
        "edited plan (as 'plan' does) then the comparison; json gives {\"edits\",\n"
        "\"plan\", \"comparison\"}; csv the comparison.";

/* An edit option: appended to the whatif_args in ctx, in the order given. */
static int whatif_edit(const sf_opt *o, const char *arg, const char *cmd)
{
	whatif_args *w = o->ctx;
	if (w->n == sizeof w->edits / sizeof w->edits[0]) {
		fprintf(stderr, "stabforce %s: too many edits (at most 64)\n", cmd);
		return 2;
	}
	w->edits[w->n].kind = (sf_edit_kind)o->value;
	w->edits[w->n].arg = arg;
	w->n++;
	return 0;
}

#define EDIT(l, a, h, k) SF_OPT_CB(0, l, a, NULL, h, whatif_edit, &w, k)

int sf_cmd_whatif(int argc, char **argv)
{
	common c;
	whatif_args w;
	const sf_opt own[] = {
	        SF_OPT_GROUP("edits (applied in order; each may be repeated):"),
	        EDIT("lift-veto", "STAKEHOLDER:CONTRIBUTOR", "lift every such veto",
	             SF_EDIT_LIFT_VETO),
	        EDIT("add-veto", "STAKEHOLDER:CONTRIBUTOR[:hard|soft[:PENALTY]]",
	             "a veto in all sectors", SF_EDIT_ADD_VETO),
	        EDIT("drop", "CONTRIBUTOR", "remove a contributor and its pledges", SF_EDIT_DROP),
	        EDIT("add", "CONTRIBUTOR:UNIT:COUNT:FROM[:TO]",
	             "add a pledge (months 1..M or YYYY-MM)", SF_EDIT_ADD_PLEDGE),
	        EDIT("set", "PLEDGE:count=N,from=M,to=M", "change a pledge (any of the three)",
	             SF_EDIT_SET_PLEDGE),
	        EDIT("ceiling", "PERSONNEL", "change the troop ceiling", SF_EDIT_CEILING),
	        EDIT("lift-caveat", "PLEDGE[:tasks|locations]", "lift a pledge's caveats",
	             SF_EDIT_LIFT_CAVEAT),
	        EDIT("lift-condition", "CONDITION|STAKEHOLDER",
	             "lift a stakeholder's condition (format 2), or\n"
	             "every condition of that stakeholder",
	             SF_EDIT_LIFT_CONDITION),
	        EDIT("new-contributor", "ID[:NAME]",
	             "a nation not in the scenario, to --add pledges to\n"
	             "(no cap, no veto on it)",
	             SF_EDIT_NEW_CONTRIBUTOR),
	        SF_OPT_END(),
	};
	memset(&c, 0, sizeof c);
	memset(&w, 0, sizeof w);
	c.cmd = "whatif";
	int rc = parse_common(&c, argc, argv, own, "[OPTIONS] EDIT... SCENARIO.yaml", ABOUT_WHATIF,
	                      1, "one scenario file");
	if (rc >= 0)
		return rc;
	if (w.n == 0)
		fprintf(stderr,
		        "stabforce %s: no edits given: comparing the scenario with itself\n",
		        c.cmd);
	sf_scenario *sc = NULL, *ed = NULL;
	sf_plan *pa = NULL, *pb = NULL;
	sf_comparison *cmp = NULL;
	sf_error err;
	sf_error_clear(&err);
	rc = sf_cli_load_scenario_for_planning(c.cmd, argv[c.first], c.db, &sc);
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

static const char ABOUT_COMPARE[] =
        "Plan two scenarios (in parallel) and put the plans side by side: weighted\n"
        "shortfall, FOC, cost, in-sector personnel, then what changed: shortfall\n"
        "per task and location, person-months per contributor, and assignments\n"
        "(unit-months per pledge, location and task). Everything is matched by id.";

int sf_cmd_compare(int argc, char **argv)
{
	common c;
	memset(&c, 0, sizeof c);
	c.cmd = "compare";
	int rc = parse_common(&c, argc, argv, NULL, "[OPTIONS] A.yaml B.yaml", ABOUT_COMPARE, 2,
	                      "two scenario files");
	if (rc >= 0)
		return rc;
	sf_scenario *a = NULL, *b = NULL;
	sf_plan *pa = NULL, *pb = NULL;
	sf_comparison *cmp = NULL;
	sf_error err;
	sf_error_clear(&err);
	rc = sf_cli_load_scenario_for_planning(c.cmd, argv[c.first], c.db, &a);
	if (!rc)
		rc = sf_cli_load_scenario_for_planning(c.cmd, argv[c.first + 1], c.db, &b);
	if (rc)
		goto out;
	if (sf_plan_pair(a, b, &c.ao, &pa, &pb, &err) != SF_OK ||
	    sf_plan_compare(pa, pb, &cmp, &err) != SF_OK) {
		rc = sf_cli_error(c.cmd, &err);
		goto out;
	}
	plan_cmp pc = {cmp, argv[c.first], argv[c.first + 1], NULL, 0};
	rc = emit(&c, write_comparison, &pc);
out:
	sf_comparison_free(cmp);
	sf_plan_free(pa);
	sf_plan_free(pb);
	sf_scenario_free(a);
	sf_scenario_free(b);
	return rc;
}
