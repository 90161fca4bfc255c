/*
 * cmd_aid.c - `stabforce aid SUBCOMMAND`: the aid-flow register.
 *
 *   import FILE   daily crossing figures (date, crossing, trucks, tonnes,
 *                 category, stage, source; only date and trucks required)
 *   list          the rows as imported (csv: the columns import reads)
 *   report        daily totals per stage against the commitment, 7-day
 *                 rolling mean, days below commitment, per crossing
 *   escorts       escorts a convoy task needs from the trucks per day
 *
 * --db STORE as for incidents (default stabforce.db).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"

static const char *const CMD = "aid";

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* --stage: an sf_aid_stage into an int. */
static int opt_stage(const sf_opt *o, const char *arg, const char *cmd)
{
	int st = sf_aid_stage_parse(arg);
	if (st < 0) {
		fprintf(stderr,
		        "stabforce %s: --stage: unknown '%s' (entered, offloaded, collected, "
		        "intercepted)\n",
		        cmd, arg);
		return 2;
	}
	*(int *)o->target = st;
	return 0;
}

/* The crossings file of --crossings into *t (NULL path: none). Returns an exit status. */
static int load_crossings(const char *path, sf_aid_crossings **t)
{
	sf_error err;

	*t = NULL;
	sf_error_clear(&err);
	if (path && sf_aid_crossings_load(path, t, &err) != SF_OK)
		return sf_cli_error(CMD, &err);
	return 0;
}

/*
 * The filter's --crossing as the id the crossings file gives it (into buf),
 * or, without the file, as the name lowercased with blanks as
 * underscores. Returns an exit status.
 */
static int resolve_crossing(const char *path, sf_aid_filter *f, char *buf, size_t n)
{
	sf_aid_crossings *t = NULL;
	int ex;

	if (!f->crossing)
		return 0;
	if ((ex = load_crossings(path, &t)) != 0)
		return ex;
	const char *id = sf_aid_crossing_id(t, f->crossing, buf, n);
	if (!id) {
		fprintf(stderr,
		        "stabforce %s: --crossing: '%s' is not a name in the crossings file '%s'\n",
		        CMD, f->crossing, path);
		ex = 2;
	} else {
		sf_strlcpy(buf, id, n);
		f->crossing = buf;
		ex = 0;
	}
	sf_aid_crossings_free(t);
	return ex;
}

/* The filters of list and report, on f; the names of crossings from *c. */
#define AID_FILTERS(f, c)                                                                          \
	SF_OPT_TEXT(0, "source", "NAME", &(f)->source, "this source's figures only"),              \
	        SF_OPT_TEXT(0, "crossing", "NAME", &(f)->crossing,                                 \
	                    "this crossing only (any of its names with\n"                          \
	                    "--crossings)"),                                                       \
	        SF_OPT_CROSSINGS(c),                                                               \
	        SF_OPT_DATE(0, "from", &(f)->from_day, "from this date (inclusive)"),              \
	        SF_OPT_DATE(0, "to", &(f)->to_day, "to this date (inclusive)")

static void usage(FILE *f)
{
	fprintf(f, "usage: stabforce aid SUBCOMMAND [OPTIONS]\n"
	           "\n"
	           "The aid-flow register: trucks per crossing per day.\n"
	           "\n"
	           "subcommands:\n"
	           "  import FILE   import daily crossing figures\n"
	           "  list          the rows, as imported (text, csv, json, md)\n"
	           "  report        daily totals against the commitment, rolling mean, crossings\n"
	           "  escorts       convoy escorts needed for the trucks per day\n"
	           "\n"
	           "common options: --db STORE (default " SF_CLI_DEFAULT_DB "), --help\n");
}

static int cmd_import(int argc, char **argv)
{
	const char *db = SF_CLI_DEFAULT_DB, *rejects = NULL, *crossings = NULL;
	sf_aid_crossings *table = NULL;
	sf_aid_import_options o;
	int first = 0, r;
	sf_aid_import_options_init(&o);
	const sf_opt opts[] = {
	        SF_OPT_TEXT(0, "source", "NAME", &o.source, "the source of rows without one"),
	        SF_OPT_TEXT(0, "crossing", "NAME", &o.default_crossing,
	                    "the crossing of rows without one"),
	        SF_OPT_CROSSINGS(&crossings),
	        SF_OPT_FILE_OUT(0, "rejects", "BAD.csv", &rejects,
	                        "the bad rows, with line number and reason\n"
	                        "(kept only if the import is)"),
	        SF_OPT_DB_DEFAULT(&db),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "aid import", "[OPTIONS] FILE.csv",
	        "Columns by header name: date, crossing, trucks (or trucks_entered),\n"
	        "tonnes, category, stage, source. Only date and trucks are required;\n"
	        "the defaults are crossing --crossing (else \"all\"), stage \"entered\",\n"
	        "category \"unspecified\", source --source (else \"unspecified\").\n"
	        "With --crossings, a crossing is named by any of its names (Karem Abu\n"
	        "Salem = kerem_shalom in examples/gaza/crossings.csv) and a name not in\n"
	        "the file fails the import; without it a name is its own id (lowercase,\n"
	        "blanks as underscores). A row replaces the figure with the same day,\n"
	        "crossing, category, stage and source, so importing a file twice\n"
	        "changes nothing.",
	        opts, NULL};
	if ((r = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return r;
	if (first + 1 != argc) {
		fprintf(stderr, "stabforce %s import: expected one FILE\n", CMD);
		return 2;
	}
	const char *path = argv[first];
	if ((r = load_crossings(crossings, &table)) != 0)
		return r;
	o.crossings = table;
	FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!in) {
		fprintf(stderr, "stabforce %s: cannot open '%s': %s\n", CMD, path, strerror(errno));
		sf_aid_crossings_free(table);
		return 4;
	}
	/* The rejects file is kept only if the import is: all or nothing. */
	sf_outfile *rej = NULL;
	sf_error err;
	sf_error_clear(&err);
	if (rejects && sf_outfile_open(rejects, &rej, &err) != SF_OK) {
		if (in != stdin)
			fclose(in);
		sf_aid_crossings_free(table);
		return sf_cli_error(CMD, &err);
	}
	sf_store *st = NULL;
	int ex = sf_cli_open_store(CMD, db, SF_STORE_WRITE, &st);
	if (!ex) {
		sf_import_summary sum;
		o.rejects = rej ? sf_outfile_stream(rej) : NULL;
		o.file_name = path;
		o.who = sf_cli_who(NULL);
		if (sf_aid_import(st, in, &o, &sum, &err) != SF_OK) {
			ex = sf_cli_error(CMD, &err);
		} else {
			printf("%s: read %ld, inserted %ld, updated %ld, unchanged %ld, rejected "
			       "%ld "
			       "(batch %ld)\n",
			       path, sum.read, sum.inserted, sum.updated, sum.unchanged,
			       sum.rejected, sum.batch);
			if (sum.rejected && !rejects)
				fprintf(stderr,
				        "stabforce %s: rejected %ld; --rejects FILE keeps "
				        "them\n",
				        CMD, sum.rejected);
			if (rej) {
				sf_status wr = sf_outfile_commit(rej, &err);
				rej = NULL;
				if (wr != SF_OK)
					ex = sf_cli_error(CMD, &err);
			}
		}
	}
	sf_outfile_abort(rej);
	if (in != stdin)
		fclose(in);
	sf_store_close(st);
	sf_aid_crossings_free(table);
	return ex;
}

static int cmd_report(int argc, char **argv)
{
	const char *db = SF_CLI_DEFAULT_DB, *crossings = NULL;
	char id[128];
	sf_aid_commitment commitment = {600, SF_DAY_NONE, SF_DAY_NONE};
	int stage = SF_AID_ENTERED, fmt = SF_FORMAT_TEXT, daily = 0, first = 0, r;
	int side = 0;
	sf_aid_reference ref = {NAN, NULL};
	sf_aid_filter f;
	sf_aid_filter_init(&f);
	const sf_opt opts[] = {
	        SF_OPT_BOOL(0, "side-by-side", &side,
	                    "every source and stage next to each other per\n"
	                    "day and crossing, never added together"),
	        SF_OPT_NONNEG(0, "reference", "TRUCKS", &ref.trucks_per_day,
	                      "a reference level in trucks per day (the pre-war\n"
	                      "daily average) shown next to the series\n"
	                      "(--side-by-side; needs --reference-what)"),
	        SF_OPT_STR(0, "reference-what", "TEXT", &ref.what,
	                   "what the reference is and its source"),
	        SF_OPT_NONNEG(0, "commitment", "TRUCKS", &commitment.trucks_per_day,
	                      "trucks per day committed (default 600)"),
	        SF_OPT_DATE(0, "commitment-from", &commitment.from_day,
	                    "the first day the commitment was made for\n"
	                    "(default: every day)"),
	        SF_OPT_DATE(0, "commitment-to", &commitment.to_day,
	                    "the last day the commitment was made for"),
	        SF_OPT_CB(0, "stage", "STAGE", &stage,
	                  "the stage held to it: entered (default),\n"
	                  "offloaded, collected or intercepted",
	                  opt_stage, NULL, 0),
	        SF_OPT_BOOL(0, "daily", &daily, "the daily table too (csv: only it)"),
	        AID_FILTERS(&f, &crossings),
	        SF_OPT_FORMAT_TABLE(&fmt),
	        SF_OPT_DB_DEFAULT(&db),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "aid report", "[OPTIONS]",
	        "Summary: days with figures, trucks, mean per day, days below the\n"
	        "commitment (trucks per day at --stage), and per crossing; --daily adds\n"
	        "(csv: gives only) the daily table: trucks per stage, the 7-day rolling\n"
	        "mean of the days with figures, and whether the day was below. Sources\n"
	        "count differently and are never added: with several, choose --source.\n"
	        "A commitment applies only to the days it was made for\n"
	        "(--commitment-from, --commitment-to): other days are not compared\n"
	        "with it (n/a), and with none compared the counts are no data, not 0.\n"
	        "A stage with no figure on a day is no data ('-', csv empty, json null).\n"
	        "--side-by-side puts every source and stage next to each other\n"
	        "(one column each, per day and crossing, with their totals and the\n"
	        "--reference line), the commitment held to the series at --stage.",
	        opts, NULL};
	if ((r = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return r;
	if (first != argc) {
		fprintf(stderr, "stabforce %s report: unexpected argument '%s'\n", CMD,
		        argv[first]);
		return 2;
	}
	if (commitment.from_day != SF_DAY_NONE && commitment.to_day != SF_DAY_NONE &&
	    commitment.to_day < commitment.from_day) {
		fprintf(stderr,
		        "stabforce %s report: --commitment-to comes before --commitment-from\n",
		        CMD);
		return 2;
	}
	if (!isnan(ref.trucks_per_day) && !ref.what) {
		fprintf(stderr,
		        "stabforce %s report: --reference needs --reference-what saying what the "
		        "level is and its source\n",
		        CMD);
		return 2;
	}
	if ((!isnan(ref.trucks_per_day) || ref.what) && !side) {
		fprintf(stderr, "stabforce %s report: --reference is shown by --side-by-side\n",
		        CMD);
		return 2;
	}
	if ((r = resolve_crossing(crossings, &f, id, sizeof id)) != 0)
		return r;
	sf_store *st = NULL;
	int ex = sf_cli_open_store(CMD, db, SF_STORE_READ, &st);
	if (ex)
		return ex;
	sf_error err;
	sf_buf b;
	sf_error_clear(&err);
	sf_buf_init(&b, 0);
	sf_status rc = side ? sf_aid_write_sources(st, &f, &commitment, (sf_aid_stage)stage, &ref,
	                                           daily, (sf_format)fmt, &b, &err)
	                    : sf_aid_write_report(st, &f, &commitment, (sf_aid_stage)stage, daily,
	                                          (sf_format)fmt, &b, &err);
	ex = sf_cli_finish(CMD, rc, &b, &err);
	sf_buf_release(&b);
	sf_store_close(st);
	return ex;
}

static int cmd_list(int argc, char **argv)
{
	const char *db = SF_CLI_DEFAULT_DB, *crossings = NULL;
	char id[128];
	int fmt = SF_FORMAT_TEXT, first = 0, r;
	sf_aid_filter f;
	sf_aid_filter_init(&f);
	const sf_opt opts[] = {
	        SF_OPT_CB(0, "stage", "STAGE", &f.stage,
	                  "this stage only: entered, offloaded, collected\n"
	                  "or intercepted",
	                  opt_stage, NULL, 0),
	        AID_FILTERS(&f, &crossings),
	        SF_OPT_FORMAT_TABLE(&fmt),
	        SF_OPT_DB_DEFAULT(&db),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "aid list", "[OPTIONS]",
	        "The rows of the aid register, by date and crossing, as imported (each\n"
	        "crossing by its id). csv has the columns 'aid import' reads.",
	        opts, NULL};
	if ((r = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return r;
	if (first != argc) {
		fprintf(stderr, "stabforce %s list: unexpected argument '%s'\n", CMD, argv[first]);
		return 2;
	}
	if ((r = resolve_crossing(crossings, &f, id, sizeof id)) != 0)
		return r;
	sf_store *st = NULL;
	int ex = sf_cli_open_store(CMD, db, SF_STORE_READ, &st);
	if (ex)
		return ex;
	sf_error err;
	sf_buf b;
	sf_error_clear(&err);
	sf_buf_init(&b, 0);
	sf_status rc =
	        sf_aid_write_list(st, &f, (sf_format)fmt, &b, sf_cli_flush_stdout, NULL, &err);
	ex = sf_cli_finish(CMD, rc, &b, &err);
	sf_buf_release(&b);
	sf_store_close(st);
	return ex;
}

static int cmd_escorts(int argc, char **argv)
{
	const char *db = SF_CLI_DEFAULT_DB, *source = NULL;
	double per = 50;
	int w = 7, fmt = SF_FORMAT_TEXT, first = 0, r;
	long as_of = SF_DAY_NONE;
	const sf_opt opts[] = {
	        SF_OPT_DBL(0, "trucks-per-escort", "N", &per,
	                   "trucks one escort covers (default 50)", SF_OPT_MIN_OPEN, 0, 1e300, NULL,
	                   "is not a number > 0"),
	        SF_OPT_NUM(0, "window-days", "N", &w, "the trailing window (default 7)", 1, 3650,
	                   "--window-days"),
	        SF_OPT_TEXT(0, "source", "NAME", &source, "this source's figures only"),
	        SF_OPT_DATE(0, "as-of", &as_of,
	                    "the window's last day (default: the last\n"
	                    "figure)"),
	        SF_OPT_FORMAT(&fmt, "text (default) or json", SF_OPT_FMT_TEXT_JSON),
	        SF_OPT_DB_DEFAULT(&db),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "aid escorts", "[OPTIONS]",
	        "Escorts = mean trucks entered per day (days with figures in the window\n"
	        "ending --as-of, default the last figure) / --trucks-per-escort. This is\n"
	        "the value a convoy-escort task takes from the register\n"
	        "(docs/scenario-format.md, \"requirement from aid volume\").",
	        opts, NULL};
	if ((r = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return r;
	sf_store *st = NULL;
	int ex = sf_cli_open_store(CMD, db, SF_STORE_READ, &st);
	if (ex)
		return ex;
	sf_error err;
	sf_buf b;
	sf_error_clear(&err);
	sf_buf_init(&b, 0);
	sf_status rc = sf_aid_write_escorts(st, source, as_of, w, per, (sf_format)fmt, &b, &err);
	ex = sf_cli_finish(CMD, rc, &b, &err);
	sf_buf_release(&b);
	sf_store_close(st);
	return ex;
}

int sf_cmd_aid(int argc, char **argv)
{
	static const sf_cli_subcommand subs[] = {{"import", cmd_import},
	                                         {"list", cmd_list},
	                                         {"report", cmd_report},
	                                         {"escorts", cmd_escorts}};
	return sf_cli_dispatch(CMD, argc, argv, subs, N_ELEMS(subs), usage);
}
