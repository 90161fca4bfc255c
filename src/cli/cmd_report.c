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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char *const CMD = "report";

static void usage(FILE *f)
{
	fprintf(f, "usage: stabforce report [OPTIONS] SCENARIO.yaml\n"
	           "\n"
	           "Write the briefing on a scenario: how to read it, the key figures with the\n"
	           "plan's proven status, the force build-up, coverage and shortfall, the\n"
	           "price of each veto, caveat and contributor, the shopping list and risk\n"
	           "(docs/output.md, \"Briefing\"). The HTML and PDF add the build-up chart,\n"
	           "the coverage heat maps and the sector map.\n"
	           "\n"
	           "options:\n"
	           "      --md FILE         the markdown to FILE (default: to stdout when\n"
	           "                        neither --html nor --pdf is given)\n"
	           "      --html FILE       one self-contained HTML page to FILE\n"
	           "      --pdf FILE        that page printed to PDF (A4) by headless Chromium\n"
	           "      --plan-only       leave the analyses out (one solve, seconds)\n"
	           "      --risk-samples N  samples of the risk analysis (default 200; 0: none)\n"
	           "      --seed N          seed of the risk samples (default 1)\n"
	           "  -j, --jobs N          worker processes for the analyses (default: cores)\n"
	           "  -s, --solver NAME     cbc (default) or glpk\n"
	           "  -t, --time-limit SEC  wall-clock limit for each plan (default none)\n"
	           "      --db STORE        the register: its inputs to the plan (as plan --db)\n"
	           "                        and its sections: incidents per week by sector,\n"
	           "                        aid trucks per day against the commitment\n"
	           "      --commitment N    aid trucks per day committed (default 600)\n"
	           "      --weeks N         weeks the register's sections cover (default 12)\n"
	           "      --date YYYY-MM-DD the date printed as the run's (default today, UTC)\n"
	           "      --chromium PATH   the browser for --pdf (default: $STABFORCE_CHROMIUM,\n"
	           "                        then chromium, chromium-browser, google-chrome)\n"
	           "      --pdf-timeout SEC Chromium's time to print (default 120); then it is\n"
	           "                        stopped, with every process it started\n"
	           "  -q, --quiet           no progress lines on stderr\n"
	           "  -h, --help            this help\n"
	           "\n"
	           "exit status: 0 written, 2 invalid scenario or usage, 3 solver failure or no\n"
	           "plan, 4 I/O error (no Chromium for --pdf included)\n");
}

static void progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	fprintf(stderr, "\rstabforce report: analyses %zu/%zu", done, total);
	if (done == total)
		fputc('\n', stderr);
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

int sf_cmd_report(int argc, char **argv)
{
	enum {
		OPT_MD = 256,
		OPT_HTML,
		OPT_PDF,
		OPT_PLAN_ONLY,
		OPT_RISK,
		OPT_SEED,
		OPT_DB,
		OPT_DATE,
		OPT_CHROMIUM,
		OPT_PDF_TIMEOUT,
		OPT_COMMITMENT,
		OPT_WEEKS
	};
	static const struct option longopts[] = {
	        {"md", required_argument, NULL, OPT_MD},
	        {"html", required_argument, NULL, OPT_HTML},
	        {"pdf", required_argument, NULL, OPT_PDF},
	        {"plan-only", no_argument, NULL, OPT_PLAN_ONLY},
	        {"risk-samples", required_argument, NULL, OPT_RISK},
	        {"seed", required_argument, NULL, OPT_SEED},
	        {"jobs", required_argument, NULL, 'j'},
	        {"solver", required_argument, NULL, 's'},
	        {"time-limit", required_argument, NULL, 't'},
	        {"db", required_argument, NULL, OPT_DB},
	        {"date", required_argument, NULL, OPT_DATE},
	        {"chromium", required_argument, NULL, OPT_CHROMIUM},
	        {"pdf-timeout", required_argument, NULL, OPT_PDF_TIMEOUT},
	        {"commitment", required_argument, NULL, OPT_COMMITMENT},
	        {"weeks", required_argument, NULL, OPT_WEEKS},
	        {"quiet", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	sf_briefing_options o;
	const char *md = NULL, *html = NULL, *pdf = NULL, *db = NULL;
	int quiet = 0, c, rc = 0;
	long n;
	sf_scenario *sc = NULL;
	sf_briefing *b = NULL;
	sf_store *st = NULL;
	sf_error err;
	sf_buf bufs[2];
	const char *paths[2];
	size_t nout = 0;

	sf_briefing_options_init(&o);
	sf_error_clear(&err);
	sf_buf_init(&bufs[0], 0);
	sf_buf_init(&bufs[1], 0);
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:s:t:qh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_MD:
			md = optarg;
			break;
		case OPT_HTML:
			html = optarg;
			break;
		case OPT_PDF:
			pdf = optarg;
			break;
		case OPT_PLAN_ONLY:
			o.analyses = 0;
			break;
		case OPT_RISK:
			if (sf_parse_long(optarg, &n) != 0 || n < 0 || n > 1000000) {
				fprintf(stderr,
				        "stabforce %s: --risk-samples '%s' is not 0..1000000\n",
				        CMD, optarg);
				return 2;
			}
			o.risk_samples = (size_t)n;
			break;
		case OPT_SEED:
			if (sf_parse_long(optarg, &n) != 0 || n < 0) {
				fprintf(stderr, "stabforce %s: --seed '%s' is not a number >= 0\n",
				        CMD, optarg);
				return 2;
			}
			o.risk_seed = (uint64_t)n;
			break;
		case 'j':
			if (sf_parse_long(optarg, &n) != 0 || n < 1 || n > 256) {
				fprintf(stderr, "stabforce %s: jobs '%s' is not a number 1..256\n",
				        CMD, optarg);
				return 2;
			}
			o.analysis.jobs = (int)n;
			break;
		case 's':
			if (strcmp(optarg, "cbc") == 0) {
				o.analysis.plan.solver = SF_SOLVER_CBC;
			} else if (strcmp(optarg, "glpk") == 0) {
				o.analysis.plan.solver = SF_SOLVER_GLPK;
			} else {
				fprintf(stderr, "stabforce %s: unknown solver '%s' (cbc or glpk)\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case 't':
			if (sf_parse_double(optarg, &o.analysis.plan.time_limit_s) != 0 ||
			    !(o.analysis.plan.time_limit_s > 0)) {
				fprintf(stderr,
				        "stabforce %s: time limit '%s' is not a positive number of "
				        "seconds\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case OPT_DB:
			db = optarg;
			break;
		case OPT_DATE:
			if (!date_ok(optarg)) {
				fprintf(stderr, "stabforce %s: --date '%s' is not YYYY-MM-DD\n",
				        CMD, optarg);
				return 2;
			}
			o.run_date = optarg;
			break;
		case OPT_CHROMIUM:
			o.chromium = optarg;
			break;
		case OPT_PDF_TIMEOUT:
			if (sf_parse_double(optarg, &o.pdf_timeout_seconds) != 0 ||
			    !(o.pdf_timeout_seconds > 0)) {
				fprintf(stderr,
				        "stabforce %s: --pdf-timeout '%s' is not a positive number "
				        "of "
				        "seconds\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case OPT_COMMITMENT:
			if (sf_parse_double(optarg, &o.aid_commitment) != 0 ||
			    !(o.aid_commitment >= 0) || o.aid_commitment > 1e9) {
				fprintf(stderr,
				        "stabforce %s: --commitment '%s' is not a number of trucks "
				        "per day (0 or more)\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case OPT_WEEKS:
			if (sf_parse_long(optarg, &n) != 0 || n < 1 || n > 520) {
				fprintf(stderr,
				        "stabforce %s: --weeks '%s' is not a number 1..520\n", CMD,
				        optarg);
				return 2;
			}
			o.register_weeks = (int)n;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "stabforce %s: expected one scenario file\n", CMD);
		usage(stderr);
		return 2;
	}
	if ((html && strcmp(html, "-") == 0) || (pdf && strcmp(pdf, "-") == 0)) {
		fprintf(stderr, "stabforce %s: --html and --pdf take a file, not '-'\n", CMD);
		return 2;
	}
	if (!md && !html && !pdf)
		md = "-";
	if (!quiet && isatty(STDERR_FILENO)) {
		o.analysis.plan.progress = plan_progress;
		o.analysis.progress = progress;
	}

	rc = sf_cli_load_scenario_for_planning(CMD, argv[optind], db, &sc);
	if (rc != 0)
		goto out;
	if (db != NULL) {
		rc = sf_cli_open_store(CMD, db, SF_STORE_READ, &st);
		if (rc != 0)
			goto out;
		o.store = st;
	}
	if (!quiet)
		fprintf(stderr, "stabforce %s: planning %s%s\n", CMD, argv[optind],
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
