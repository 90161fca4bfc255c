/*
 * cmd_report.c - `stabforce report SCENARIO.yaml`: the printable briefing.
 *
 * A thin front end to sf_briefing (include/stabforce/briefing.h): plan the
 * scenario, run the analyses unless --plan-only, and write the briefing as
 * markdown (--md, or stdout when no file is named), a self-contained HTML
 * page with the charts and the sector map (--html) and that page printed
 * to PDF by headless Chromium (--pdf). With --db, the register's sections
 * (incidents per week by sector, aid per day against --commitment) close
 * the briefing. Every file is written atomically;
 * the PDF first, so that a Chromium failure leaves no file changed.
 *
 * Exit status: 0 written, 2 invalid scenario or usage, 3 the solver failed
 * or found no plan, 4 I/O (Chromium missing or failing included).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"

static const char *const CMD = "report";

static void progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	fprintf(stderr, "\rstabforce report: analyses %zu/%zu", done, total);
	if (done == total)
		fputc('\n', stderr);
}

/* The briefing's steps (each analysis starting and done), on stderr. */
static void step_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "stabforce %s: %s\n", CMD, line);
}

/* The planner's progress lines, on stderr. */
static void plan_progress(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

/* A --date value: YYYY-MM-DD with digits where they belong. */
static int date_ok(const char *s)
{
	static const char shape[] = "dddd-dd-dd";
	if (strlen(s) != sizeof(shape) - 1)
		return 0;
	for (size_t i = 0; shape[i]; i++) {
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return 0;
	}
	return 1;
}

/* --date: YYYY-MM-DD, kept as given. */
static int opt_date(const sf_opt *o, const char *arg, const char *cmd)
{
	if (!date_ok(arg)) {
		fprintf(stderr, "stabforce %s: --date '%s' is not YYYY-MM-DD\n", cmd, arg);
		return 2;
	}
	*(const char **)o->target = arg;
	return 0;
}

int sf_cmd_report(int argc, char **argv)
{
	sf_briefing_options o;
	const char *md = NULL, *html = NULL, *pdf = NULL, *db = NULL;
	int quiet = 0, plan_only = 0, first = 0, rc = 0;
	long samples;
	sf_scenario *sc = NULL;
	sf_briefing *b = NULL;
	sf_store *st = NULL;
	sf_error err;
	sf_buf bufs[2];
	const char *paths[2];
	size_t nout = 0;

	sf_briefing_options_init(&o);
	samples = (long)o.risk_samples;
	const sf_opt opts[] = {
	        SF_OPT_FILE_OUT(0, "md", "FILE", &md,
	                        "the markdown to FILE (default: to stdout when\n"
	                        "neither --html nor --pdf is given)"),
	        {.long_name = "html",
	         .kind = SF_OPTK_STRING,
	         .argname = "FILE",
	         .target = &html,
	         .help = "one self-contained HTML page to FILE",
	         .flags = SF_OPT_OUTPUT | SF_OPT_NO_STDOUT},
	        {.long_name = "pdf",
	         .kind = SF_OPTK_STRING,
	         .argname = "FILE",
	         .target = &pdf,
	         .help = "that page printed to PDF (A4) by headless Chromium",
	         .flags = SF_OPT_OUTPUT | SF_OPT_NO_STDOUT},
	        SF_OPT_BOOL(0, "plan-only", &plan_only,
	                    "leave the analyses out (one solve, seconds)"),
	        SF_OPT_LNUM(0, "risk-samples", "N", &samples,
	                    "samples of the risk analysis (default 50; 0: none)", 0, 1000000,
	                    "--risk-samples"),
	        SF_OPT_BOOL(0, "risk-no-pairs", &o.risk_no_pairs,
	                    "risk from the samples alone: no contributor planned\n"
	                    "present and absent on each draw (1 solve a sample\n"
	                    "instead of about 1 + contributors; no per-contributor\n"
	                    "figures)"),
	        SF_OPT_SEED(&o.risk_seed, "seed of the risk samples (default 1)"),
	        SF_OPT_JOBS(&o.analysis.jobs, "worker processes for the analyses (default: cores)"),
	        SF_OPT_SOLVER(&o.analysis.plan.solver),
	        SF_OPT_TIME_LIMIT(&o.analysis.plan.time_limit_s,
	                          "wall-clock limit for each plan (default none)"),
	        SF_OPT_DB(&db, "the register: its inputs to the plan (as plan --db)\n"
	                       "and its sections: incidents per week by sector,\n"
	                       "aid trucks per day against the commitment"),
	        SF_OPT_DBL(0, "commitment", "N", &o.aid_commitment,
	                   "aid trucks per day committed (default 600)", 0, 0, 1e9, "--commitment",
	                   "is not a number of trucks per day (0 or more)"),
	        SF_OPT_DATE(0, "commitment-from", &o.aid_commitment_from,
	                    "the first day the commitment was made for\n"
	                    "(default 2025-10-10, the ceasefire's)"),
	        SF_OPT_DATE(0, "commitment-to", &o.aid_commitment_to,
	                    "the last day it was made for (default: open)"),
	        SF_OPT_DBL(0, "aid-reference", "N", &o.aid_reference,
	                   "a reference level of aid trucks per day (the\n"
	                   "pre-war daily average), dotted next to the\n"
	                   "sources (needs --aid-reference-what)",
	                   0, 0, 1e9, "--aid-reference",
	                   "is not a number of trucks per day (0 or more)"),
	        SF_OPT_STR(0, "aid-reference-what", "TEXT", &o.aid_reference_what,
	                   "what the reference is and its source"),
	        SF_OPT_STR(0, "register-note", "TEXT", &o.register_note,
	                   "a paragraph under the register's heading: where\n"
	                   "its figures come from (a sample, a feed)"),
	        SF_OPT_NUM(0, "weeks", "N", &o.register_weeks,
	                   "weeks the register's sections cover (default 12)", 1, 520, "--weeks"),
	        SF_OPT_CB(0, "date", "YYYY-MM-DD", &o.run_date,
	                  "the date printed as the run's (default today, UTC)", opt_date, NULL, 0),
	        SF_OPT_STR(0, "chromium", "PATH", &o.chromium,
	                   "the browser for --pdf (default: $STABFORCE_CHROMIUM,\n"
	                   "then chromium, chromium-browser, google-chrome)"),
	        SF_OPT_DBL(0, "pdf-timeout", "SEC", &o.pdf_timeout_seconds,
	                   "Chromium's time to print (default 120); then it is\n"
	                   "stopped, with every process it started",
	                   SF_OPT_MIN_OPEN, 0, 1e300, "--pdf-timeout",
	                   "is not a positive number of seconds"),
	        SF_OPT_QUIET(&quiet, "no progress lines on stderr"),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        CMD, "[OPTIONS] SCENARIO.yaml",
	        "Write the briefing on a scenario: how to read it, the key figures with the\n"
	        "plan's proven status, the force build-up, coverage and shortfall, the\n"
	        "price of each veto, caveat and contributor, the shopping list and risk\n"
	        "(docs/output.md, \"Briefing\"). The HTML and PDF add the build-up chart,\n"
	        "the coverage heat maps and the sector map.",
	        opts,
	        "exit status: 0 written, 2 invalid scenario or usage, 3 solver failure or no\n"
	        "plan, 4 I/O error (no Chromium for --pdf included)"};

	sf_error_clear(&err);
	sf_buf_init(&bufs[0], 0);
	sf_buf_init(&bufs[1], 0);
	if ((rc = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		goto out;
	rc = 0;
	if (first + 1 != argc) {
		fprintf(stderr, "stabforce %s: expected one scenario file\n", CMD);
		sf_opt_usage(&spec, stderr);
		rc = 2;
		goto out;
	}
	if (!isnan(o.aid_reference) && !o.aid_reference_what) {
		fprintf(stderr,
		        "stabforce %s: --aid-reference needs --aid-reference-what saying what the "
		        "level is and its source\n",
		        CMD);
		rc = 2;
		goto out;
	}
	o.risk_samples = (size_t)samples;
	if (plan_only)
		o.analyses = 0;
	if (!md && !html && !pdf)
		md = "-";
	/* --chromium, else $STABFORCE_CHROMIUM, else the library looks in PATH. */
	if (o.chromium == NULL && getenv("STABFORCE_CHROMIUM") && *getenv("STABFORCE_CHROMIUM"))
		o.chromium = getenv("STABFORCE_CHROMIUM");
	/* Where the PDF is printed: $TMPDIR, else /tmp. */
	o.temp_dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	if (!quiet)
		o.step = step_line; /* a line a step: a log shows them too */
	if (!quiet && isatty(STDERR_FILENO)) {
		o.analysis.plan.progress = plan_progress;
		o.analysis.progress = progress;
	}

	rc = sf_cli_load_scenario_for_planning(CMD, argv[first], db, &sc);
	if (rc != 0)
		goto out;
	if (db != NULL) {
		rc = sf_cli_open_store(CMD, db, SF_STORE_READ, &st);
		if (rc != 0)
			goto out;
		o.store = st;
	}
	if (!quiet)
		fprintf(stderr, "stabforce %s: planning %s%s\n", CMD, argv[first],
		        o.analyses ? " and running the analyses" : "");
	if (sf_briefing_build(sc, &o, &b, &err) != SF_OK) {
		rc = sf_cli_error(CMD, &err);
		goto out;
	}
	if (md) {
		if (sf_briefing_write_markdown(b, &bufs[nout], &err) != SF_OK) {
			rc = sf_cli_error(CMD, &err);
			goto out;
		}
		paths[nout++] = md;
	}
	if (html) {
		if (sf_briefing_write_html(b, &bufs[nout], &err) != SF_OK) {
			rc = sf_cli_error(CMD, &err);
			goto out;
		}
		paths[nout++] = html;
	}
	if (pdf) {
		if (!quiet)
			fprintf(stderr, "stabforce %s: printing %s with headless Chromium\n", CMD,
			        pdf);
		if (sf_briefing_write_pdf(b, pdf, &err) != SF_OK) {
			rc = sf_cli_error(CMD, &err);
			goto out;
		}
	}
	rc = sf_cli_write_outputs(CMD, paths, bufs, nout);
out:
	sf_buf_release(&bufs[0]);
	sf_buf_release(&bufs[1]);
	sf_briefing_free(b);
	sf_store_close(st);
	sf_scenario_free(sc);
	return rc;
}
