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
 * --db PATH as for incidents (default stabforce.db).
 */
#include <getopt.h>
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const CMD = "aid";

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

enum {
	OPT_SOURCE = 1000,
	OPT_CROSSING,
	OPT_COMMIT,
	OPT_STAGE,
	OPT_FROM,
	OPT_TO,
	OPT_REJECTS,
	OPT_WINDOW,
	OPT_PER,
	OPT_ASOF,
	OPT_DAILY
};

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
	           "common options: --db PATH (default stabforce.db), --help\n");
}

static int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
	                                     {"source", required_argument, NULL, OPT_SOURCE},
	                                     {"crossing", required_argument, NULL, OPT_CROSSING},
	                                     {"rejects", required_argument, NULL, OPT_REJECTS},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *db = "stabforce.db", *rejects = NULL;
	sf_aid_import_options o;
	int c;
	sf_aid_import_options_init(&o);
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case OPT_SOURCE:
			o.source = optarg;
			break;
		case OPT_CROSSING:
			o.default_crossing = optarg;
			break;
		case OPT_REJECTS:
			rejects = optarg;
			break;
		case 'h':
			printf("usage: stabforce aid import FILE.csv [--source NAME] [--crossing "
			       "NAME]\n"
			       "         [--rejects BAD.csv] [--db stabforce.db]\n"
			       "\n"
			       "Columns by header name: date, crossing, trucks (or "
			       "trucks_entered),\n"
			       "tonnes, category, stage, source. Only date and trucks are "
			       "required;\n"
			       "the defaults are crossing --crossing (else \"all\"), stage "
			       "\"entered\",\n"
			       "category \"unspecified\", source --source (else \"unspecified\").\n"
			       "Crossing aliases are resolved (Karem Abu Salem = kerem_shalom). A "
			       "row\n"
			       "replaces the figure with the same day, crossing, category, stage "
			       "and\n"
			       "source, so importing a file twice changes nothing.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "stabforce %s import: expected one FILE\n", CMD);
		return 2;
	}
	const char *path = argv[optind];
	FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!in) {
		fprintf(stderr, "stabforce %s: cannot open '%s': %s\n", CMD, path, strerror(errno));
		return 4;
	}
	/* The rejects file is kept only if the import is: all or nothing. */
	sf_outfile *rej = NULL;
	sf_error err;
	sf_error_clear(&err);
	if (rejects && sf_outfile_open(rejects, &rej, &err) != SF_OK) {
		if (in != stdin)
			fclose(in);
		return sf_cli_error(CMD, &err);
	}
	sf_store *st = NULL;
	int ex = sf_cli_open_store(CMD, db, SF_STORE_WRITE, &st);
	if (!ex) {
		sf_import_summary sum;
		o.rejects = rej ? sf_outfile_stream(rej) : NULL;
		o.file_name = path;
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
	return ex;
}

static int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
	                                     {"commitment", required_argument, NULL, OPT_COMMIT},
	                                     {"stage", required_argument, NULL, OPT_STAGE},
	                                     {"source", required_argument, NULL, OPT_SOURCE},
	                                     {"crossing", required_argument, NULL, OPT_CROSSING},
	                                     {"from", required_argument, NULL, OPT_FROM},
	                                     {"to", required_argument, NULL, OPT_TO},
	                                     {"daily", no_argument, NULL, OPT_DAILY},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *db = "stabforce.db";
	double commitment = 600;
	int stage = SF_AID_ENTERED, c, fmt = SF_FORMAT_TEXT, daily = 0;
	sf_aid_filter f;
	sf_aid_filter_init(&f);
	while ((c = getopt_long(argc, argv, "d:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case OPT_COMMIT:
			if (sf_parse_double(optarg, &commitment) != 0 || commitment < 0) {
				fprintf(stderr, "stabforce %s: --commitment: bad number '%s'\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case OPT_STAGE:
			stage = sf_aid_stage_parse(optarg);
			if (stage < 0) {
				fprintf(stderr,
				        "stabforce %s: --stage: unknown '%s' (entered, offloaded, "
				        "collected, intercepted)\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case OPT_SOURCE:
			f.source = optarg;
			break;
		case OPT_CROSSING: {
			const char *cn = sf_aid_crossing_canonical(optarg);
			f.crossing = cn ? cn : optarg;
			break;
		}
		case OPT_FROM:
			if (sf_cli_parse_day(CMD, "--from", optarg, &f.from_day) < 0)
				return 2;
			break;
		case OPT_TO:
			if (sf_cli_parse_day(CMD, "--to", optarg, &f.to_day) < 0)
				return 2;
			break;
		case OPT_DAILY:
			daily = 1;
			break;
		case 'f':
			fmt = sf_cli_parse_format(CMD, optarg, 0);
			if (fmt < 0)
				return 2;
			break;
		case 'h':
			printf("usage: stabforce aid report [--commitment 600] [--stage entered]\n"
			       "         [--source NAME] [--crossing NAME] [--from DATE] [--to "
			       "DATE]\n"
			       "         [--daily] [--format text|csv|json|md] [--db "
			       "stabforce.db]\n"
			       "\n"
			       "Summary: days with figures, trucks, mean per day, days below the\n"
			       "commitment (trucks per day at --stage), and per crossing; --daily "
			       "adds\n"
			       "(csv: gives only) the daily table: trucks per stage, the 7-day "
			       "rolling\n"
			       "mean of the days with figures, and whether the day was below. "
			       "Sources\n"
			       "count differently and are never added: with several, choose "
			       "--source.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "stabforce %s report: unexpected argument '%s'\n", CMD,
		        argv[optind]);
		return 2;
	}
	sf_store *st = NULL;
	int ex = sf_cli_open_store(CMD, db, SF_STORE_READ, &st);
	if (ex)
		return ex;
	sf_error err;
	sf_buf b;
	sf_error_clear(&err);
	sf_buf_init(&b, 0);
	sf_status rc = sf_aid_write_report(st, &f, commitment, (sf_aid_stage)stage, daily,
	                                   (sf_format)fmt, &b, &err);
	ex = sf_cli_finish(CMD, rc, &b, &err);
	sf_buf_release(&b);
	sf_store_close(st);
	return ex;
}

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
	                                     {"stage", required_argument, NULL, OPT_STAGE},
	                                     {"source", required_argument, NULL, OPT_SOURCE},
	                                     {"crossing", required_argument, NULL, OPT_CROSSING},
	                                     {"from", required_argument, NULL, OPT_FROM},
	                                     {"to", required_argument, NULL, OPT_TO},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *db = "stabforce.db";
	int c, fmt = SF_FORMAT_TEXT;
	sf_aid_filter f;
	sf_aid_filter_init(&f);
	while ((c = getopt_long(argc, argv, "d:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case OPT_STAGE:
			f.stage = sf_aid_stage_parse(optarg);
			if (f.stage < 0) {
				fprintf(stderr,
				        "stabforce %s: --stage: unknown '%s' (entered, offloaded, "
				        "collected, intercepted)\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case OPT_SOURCE:
			f.source = optarg;
			break;
		case OPT_CROSSING: {
			const char *cn = sf_aid_crossing_canonical(optarg);
			f.crossing = cn ? cn : optarg;
			break;
		}
		case OPT_FROM:
			if (sf_cli_parse_day(CMD, "--from", optarg, &f.from_day) < 0)
				return 2;
			break;
		case OPT_TO:
			if (sf_cli_parse_day(CMD, "--to", optarg, &f.to_day) < 0)
				return 2;
			break;
		case 'f':
			fmt = sf_cli_parse_format(CMD, optarg, 0);
			if (fmt < 0)
				return 2;
			break;
		case 'h':
			printf("usage: stabforce aid list [--stage STAGE] [--source NAME] "
			       "[--crossing "
			       "NAME]\n"
			       "         [--from DATE] [--to DATE] [--format text|csv|json|md] "
			       "[--db stabforce.db]\n"
			       "\n"
			       "The rows of the aid register, by date and crossing, as imported "
			       "(crossing\n"
			       "aliases resolved). csv has the columns 'aid import' reads.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "stabforce %s list: unexpected argument '%s'\n", CMD, argv[optind]);
		return 2;
	}
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
	static const struct option opts[] = {
	        {"db", required_argument, NULL, 'd'},
	        {"source", required_argument, NULL, OPT_SOURCE},
	        {"window-days", required_argument, NULL, OPT_WINDOW},
	        {"trucks-per-escort", required_argument, NULL, OPT_PER},
	        {"as-of", required_argument, NULL, OPT_ASOF},
	        {"format", required_argument, NULL, 'f'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0}};
	const char *db = "stabforce.db", *source = NULL;
	double per = 50, w = 7;
	long as_of = SF_DAY_NONE;
	int c, fmt = SF_FORMAT_TEXT;
	while ((c = getopt_long(argc, argv, "d:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = sf_cli_parse_format(CMD, optarg, 0);
			if (fmt < 0)
				return 2;
			break;
		case 'd':
			db = optarg;
			break;
		case OPT_SOURCE:
			source = optarg;
			break;
		case OPT_WINDOW:
			if (sf_parse_double(optarg, &w) != 0 || w < 1)
				return 2;
			break;
		case OPT_PER:
			if (sf_parse_double(optarg, &per) != 0 || !(per > 0))
				return 2;
			break;
		case OPT_ASOF:
			if (sf_cli_parse_day(CMD, "--as-of", optarg, &as_of) < 0)
				return 2;
			break;
		case 'h':
			printf("usage: stabforce aid escorts [--trucks-per-escort 50] "
			       "[--window-days 7]\n"
			       "         [--source NAME] [--as-of DATE] [--format text|json] [--db "
			       "stabforce.db]\n"
			       "\n"
			       "Escorts = mean trucks entered per day (days with figures in the "
			       "window\n"
			       "ending --as-of, default the last figure) / --trucks-per-escort. "
			       "This is\n"
			       "the value a convoy-escort task takes from the register\n"
			       "(docs/scenario-format.md, \"requirement from aid volume\").\n");
			return 0;
		default:
			return 2;
		}
	}
	sf_store *st = NULL;
	int ex = sf_cli_open_store(CMD, db, SF_STORE_READ, &st);
	if (ex)
		return ex;
	sf_error err;
	sf_buf b;
	sf_error_clear(&err);
	sf_buf_init(&b, 0);
	sf_status rc =
	        sf_aid_write_escorts(st, source, as_of, (int)w, per, (sf_format)fmt, &b, &err);
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
