/*
 * cmd_aid.c - `stabforce aid SUBCOMMAND`: the aid-flow register.
 *
 *   import FILE   daily crossing figures (date, crossing, trucks, tonnes,
 *                 category, stage, source; only date and trucks required)
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
	int ex = sf_cli_open_store(CMD, db, &st);
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

static void fmt_num(char *buf, size_t n, double v)
{
	if (isnan(v))
		snprintf(buf, n, "%s", "");
	else
		snprintf(buf, n, "%.1f", v);
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
	int ex = sf_cli_open_store(CMD, db, &st);
	if (ex)
		return ex;
	sf_error err;
	sf_aid_report r;
	sf_error_clear(&err);
	if (sf_aid_build_report(st, &f, commitment, (sf_aid_stage)stage, &r, &err) != SF_OK) {
		ex = sf_cli_error(CMD, &err);
		sf_store_close(st);
		return ex;
	}
	char d1[16] = "", d2[16] = "", num[32];
	if (r.ndays) {
		sf_date_format(r.days[0].day, d1, sizeof d1);
		sf_date_format(r.days[r.ndays - 1].day, d2, sizeof d2);
	}
	if (fmt == SF_FORMAT_JSON) {
		sf_buf b;
		sf_buf_init(&b, 0);
		sf_buf_addf(
		        &b,
		        "{\n  \"source\": \"%s\",\n  \"stage\": \"%s\",\n  \"commitment\": %g,\n"
		        "  \"from\": \"%s\",\n  \"to\": \"%s\",\n  \"days_with_data\": %ld,\n"
		        "  \"trucks\": %ld,\n  \"mean_per_day\": %.2f,\n  \"days_below\": %ld,\n"
		        "  \"crossings\": [",
		        r.source, sf_aid_stage_str((sf_aid_stage)stage), commitment, d1, d2,
		        r.days_with_data, r.total, r.mean, r.days_below);
		for (size_t i = 0; i < r.ncrossings; i++)
			sf_buf_addf(
			        &b,
			        "%s\n    {\"crossing\": \"%s\", \"trucks\": %ld, \"days\": %ld}",
			        i ? "," : "", r.crossings[i].crossing, r.crossings[i].trucks,
			        r.crossings[i].days);
		sf_buf_adds(&b, "\n  ],\n  \"days\": [");
		for (size_t i = 0; i < r.ndays; i++) {
			const sf_aid_day *d = &r.days[i];
			char ds[16];
			sf_date_format(d->day, ds, sizeof ds);
			sf_buf_addf(&b, "%s\n    {\"date\": \"%s\"", i ? "," : "", ds);
			if (d->has_data) {
				for (int s = 0; s < 4; s++)
					sf_buf_addf(&b, ", \"%s\": %ld",
					            sf_aid_stage_str((sf_aid_stage)s),
					            d->trucks[s]);
				sf_buf_addf(&b, ", \"below\": %s", d->below ? "true" : "false");
			}
			if (isnan(d->rolling7))
				sf_buf_adds(&b, ", \"rolling7\": null}");
			else
				sf_buf_addf(&b, ", \"rolling7\": %.2f}", d->rolling7);
		}
		sf_buf_adds(&b, "\n  ]\n}\n");
		ex = sf_cli_write_output(CMD, NULL, &b);
		sf_buf_release(&b);
		goto out;
	}
	if (fmt != SF_FORMAT_CSV) {
		const char *h = fmt == SF_FORMAT_MD ? "## " : "";
		printf("%said flow, source %s, stage %s, %s to %s\n\n", h,
		       r.source[0] ? r.source : "-", sf_aid_stage_str((sf_aid_stage)stage),
		       d1[0] ? d1 : "-", d2[0] ? d2 : "-");
		sf_table *t = sf_table_new();
		sf_table_add_column(t, "measure", SF_ALIGN_LEFT);
		sf_table_add_column(t, "value", SF_ALIGN_RIGHT);
		sf_table_begin_row(t);
		sf_table_add_cell(t, "commitment (trucks/day)");
		sf_table_add_cellf(t, "%g", commitment);
		sf_table_begin_row(t);
		sf_table_add_cell(t, "days with figures");
		sf_table_add_cellf(t, "%ld", r.days_with_data);
		sf_table_begin_row(t);
		sf_table_add_cell(t, "trucks");
		sf_table_add_cellf(t, "%ld", r.total);
		sf_table_begin_row(t);
		sf_table_add_cell(t, "mean per day");
		sf_table_add_cellf(t, "%.1f", r.mean);
		sf_table_begin_row(t);
		sf_table_add_cell(t, "mean as % of commitment");
		sf_table_add_cellf(t, "%.1f", commitment > 0 ? r.mean / commitment * 100 : 0);
		sf_table_begin_row(t);
		sf_table_add_cell(t, "days below commitment");
		sf_table_add_cellf(t, "%ld", r.days_below);
		sf_table_begin_row(t);
		sf_table_add_cell(t, "last 7-day mean");
		fmt_num(num, sizeof num, r.ndays ? r.days[r.ndays - 1].rolling7 : NAN);
		sf_table_add_cell(t, num);
		fflush(stdout);
		ex = sf_cli_table_out(CMD, t, fmt);
		sf_table_free(t);
		t = sf_table_new();
		sf_table_add_column(t, "crossing", SF_ALIGN_LEFT);
		sf_table_add_column(t, "trucks", SF_ALIGN_RIGHT);
		sf_table_add_column(t, "days", SF_ALIGN_RIGHT);
		sf_table_add_column(t, "mean_per_day", SF_ALIGN_RIGHT);
		for (size_t i = 0; i < r.ncrossings; i++) {
			sf_table_begin_row(t);
			sf_table_add_cell(t, r.crossings[i].crossing);
			sf_table_add_cellf(t, "%ld", r.crossings[i].trucks);
			sf_table_add_cellf(t, "%ld", r.crossings[i].days);
			sf_table_add_cellf(t, "%.1f",
			                   r.crossings[i].days ? (double)r.crossings[i].trucks /
			                                                 (double)r.crossings[i].days
			                                       : 0);
		}
		printf("\n%sper crossing\n\n", h);
		fflush(stdout);
		if (!ex)
			ex = sf_cli_table_out(CMD, t, fmt);
		sf_table_free(t);
	}
	if ((daily || fmt == SF_FORMAT_CSV) && !ex) {
		sf_table *t = sf_table_new();
		sf_table_add_column(t, "date", SF_ALIGN_LEFT);
		for (int s = 0; s < 4; s++)
			sf_table_add_column(t, sf_aid_stage_str((sf_aid_stage)s), SF_ALIGN_RIGHT);
		sf_table_add_column(t, "rolling7", SF_ALIGN_RIGHT);
		sf_table_add_column(t, "below", SF_ALIGN_LEFT);
		for (size_t i = 0; i < r.ndays; i++) {
			const sf_aid_day *d = &r.days[i];
			char ds[16];
			sf_table_begin_row(t);
			sf_table_add_cell(t, sf_date_format(d->day, ds, sizeof ds));
			for (int s = 0; s < 4; s++) {
				if (d->has_data)
					sf_table_add_cellf(t, "%ld", d->trucks[s]);
				else
					sf_table_add_cell(t, "");
			}
			fmt_num(num, sizeof num, d->rolling7);
			sf_table_add_cell(t, num);
			sf_table_add_cell(t, !d->has_data ? "no data" : d->below ? "yes" : "no");
		}
		if (fmt != SF_FORMAT_CSV)
			printf("\n%sdaily\n\n", fmt == SF_FORMAT_MD ? "## " : "");
		fflush(stdout);
		ex = sf_cli_table_out(CMD, t, fmt);
		sf_table_free(t);
	}
out:
	sf_aid_report_release(&r);
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
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0}};
	const char *db = "stabforce.db", *source = NULL;
	double per = 50, w = 7;
	long as_of = SF_DAY_NONE;
	int c;
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
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
			       "         [--source NAME] [--as-of DATE] [--db stabforce.db]\n"
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
	int ex = sf_cli_open_store(CMD, db, &st);
	if (ex)
		return ex;
	sf_error err;
	double tpd, esc;
	sf_error_clear(&err);
	if (sf_aid_escort_requirement(st, source, as_of, (int)w, per, &tpd, &esc, &err) != SF_OK)
		ex = sf_cli_error(CMD, &err);
	else
		printf("trucks per day %.1f, trucks per escort %g: escorts %.2f\n", tpd, per, esc);
	sf_store_close(st);
	return ex;
}

int sf_cmd_aid(int argc, char **argv)
{
	static const sf_cli_subcommand subs[] = {
	        {"import", cmd_import}, {"report", cmd_report}, {"escorts", cmd_escorts}};
	return sf_cli_dispatch(CMD, argc, argv, subs, N_ELEMS(subs), usage);
}
