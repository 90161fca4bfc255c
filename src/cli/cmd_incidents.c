/*
 * cmd_incidents.c - `stabforce incidents SUBCOMMAND`: the incident register.
 *
 *   import FILE    ACLED CSV export into the store (one transaction)
 *   delete         remove the events of a deletions list
 *   list           incidents matching filters (text, csv, json, geojson, md)
 *   report         counts and fatalities per period and key, trend, before/after
 *   dupes          possible duplicates for review; --mark records a decision
 *   review ID      change an incident's review status, with a note
 *   log [ID]       the edit log
 *   threat         per-sector threat multipliers from the register
 *
 * Every subcommand takes --db PATH (default stabforce.db in the current
 * directory; created and migrated on first use) and --help. Lists stream to
 * stdout in 64 KiB chunks so a million incidents never sit in memory.
 */
#include <getopt.h>
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char *const CMD = "incidents";

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: stabforce incidents SUBCOMMAND [OPTIONS]\n"
	           "\n"
	           "The incident register (ACLED-compatible), kept in a SQLite file.\n"
	           "\n"
	           "subcommands:\n"
	           "  import FILE   import an ACLED CSV export (upsert by event_id_cnty)\n"
	           "  delete        delete the events listed in --ids FILE\n"
	           "  list          list incidents (text, csv, json, geojson, md)\n"
	           "  report        counts and fatalities by period and sector/type/actor\n"
	           "  dupes         possible duplicates, for review (--mark to decide)\n"
	           "  review ID     set an incident's review status, with a note\n"
	           "  log [ID]      the edit log\n"
	           "  threat        per-sector threat multipliers for the plan\n"
	           "\n"
	           "common options: --db PATH (default stabforce.db), --help\n"
	           "'stabforce incidents SUBCOMMAND --help' for the options of each.\n");
}

/* ---------------------------------------------------------------- */
/* Shared helpers                                                     */

static const char *who_or_user(const char *who)
{
	const char *u = getenv("USER");
	return who && *who ? who : u && *u ? u : "unknown";
}

static int count_cb(void *ctx, const sf_incident *inc)
{
	(void)inc;
	(*(long *)ctx)++;
	return 0;
}

/* 1 when the incident exists; 0 with a message (and *ex set on a store error). */
static int incident_exists(sf_store *st, const char *id, sf_error *err, int *ex)
{
	sf_incident_filter one;
	long n = 0;
	sf_incident_filter_init(&one);
	one.event_id = id;
	one.include_retracted = 1;
	if (sf_store_incident_query(st, &one, SF_ORDER_DATE, count_cb, &n, err) != SF_OK) {
		*ex = sf_cli_error(CMD, err);
		return 0;
	}
	if (!n)
		fprintf(stderr, "stabforce %s: no incident '%s'\n", CMD, id);
	return n > 0;
}

static int parse_num(const char *opt, const char *s, double *v)
{
	if (sf_parse_double(s, v) != 0) {
		fprintf(stderr, "stabforce %s: %s: bad number '%s'\n", CMD, opt, s);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* import                                                             */

typedef struct progress {
	uint64_t total;
	int shown;
} progress;

static void progress_cb(void *ctx, uint64_t bytes)
{
	progress *p = ctx;
	int pct = p->total ? (int)(bytes * 100 / p->total) : 0;
	if (pct > 100)
		pct = 100;
	char bar[41];
	int fill = pct * 40 / 100;
	for (int i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\rimporting [%s] %3d%% %6.1f MB", bar, pct, (double)bytes / 1e6);
	p->shown = 1;
}

static int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
	                                     {"scenario", required_argument, NULL, 's'},
	                                     {"sectors", required_argument, NULL, 'g'},
	                                     {"id-property", required_argument, NULL, 'i'},
	                                     {"overrides", required_argument, NULL, 'o'},
	                                     {"max-distance-km", required_argument, NULL, 'k'},
	                                     {"rejects", required_argument, NULL, 'r'},
	                                     {"source-system", required_argument, NULL, 'S'},
	                                     {"who", required_argument, NULL, 'w'},
	                                     {"no-progress", no_argument, NULL, 'P'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *db = "stabforce.db", *scen = NULL, *geo = NULL, *idprop = "id", *ovr = NULL,
	           *rejects = NULL;
	sf_import_options io;
	sf_import_options_init(&io);
	int c, noprog = 0, ex = 0;
	double km;

	while ((c = getopt_long(argc, argv, "d:s:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 's':
			scen = optarg;
			break;
		case 'g':
			geo = optarg;
			break;
		case 'i':
			idprop = optarg;
			break;
		case 'o':
			ovr = optarg;
			break;
		case 'k':
			if (parse_num("--max-distance-km", optarg, &km) < 0 || km < 0)
				return 2;
			io.max_distance_km = km;
			break;
		case 'r':
			rejects = optarg;
			break;
		case 'S':
			io.source_system = optarg;
			break;
		case 'w':
			io.who = optarg;
			break;
		case 'P':
			noprog = 1;
			break;
		case 'h':
			printf("usage: stabforce incidents import FILE.csv [--scenario S.yaml | "
			       "--sectors "
			       "G.geojson]\n"
			       "         [--overrides LOC.csv] [--max-distance-km 5] [--rejects "
			       "BAD.csv]\n"
			       "         [--source-system ACLED] [--db stabforce.db]\n"
			       "\n"
			       "Import an ACLED CSV export in one transaction: a newer timestamp\n"
			       "replaces the stored event, older or equal changes nothing. Bad "
			       "rows go\n"
			       "to --rejects with their line number and reason; the rest commit.\n"
			       "Sectors: the polygon containing the point, else the nearest "
			       "within\n"
			       "--max-distance-km, with location-name overrides (CSV "
			       "location,sector)\n"
			       "winning over both. FILE '-' reads standard input.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "stabforce %s import: expected one FILE (see --help)\n", CMD);
		return 2;
	}
	const char *path = argv[optind];
	sf_scenario *sc = NULL;
	sf_sector_map *map = NULL;
	sf_store *st = NULL;
	FILE *in = NULL;
	sf_outfile *rej = NULL;
	sf_error err;
	sf_import_summary sum;
	progress prog = {0, 0};
	sf_error_clear(&err);

	if (scen) {
		ex = sf_cli_load_scenario(scen, &sc);
		if (ex)
			goto out;
		if (sf_sector_map_from_scenario(sc, &map, &err) != SF_OK) {
			ex = sf_cli_error(CMD, &err);
			goto out;
		}
	} else if (geo) {
		if (sf_sector_map_open(geo, idprop, &map, &err) != SF_OK) {
			ex = sf_cli_error(CMD, &err);
			goto out;
		}
	}
	if (ovr) {
		if (!map) {
			fprintf(stderr, "stabforce %s: --overrides needs --scenario or --sectors\n",
			        CMD);
			ex = 2;
			goto out;
		}
		if (sf_sector_map_load_overrides(map, ovr, &err) != SF_OK) {
			ex = sf_cli_error(CMD, &err);
			goto out;
		}
	}
	in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!in) {
		fprintf(stderr, "stabforce %s: cannot open '%s': %s\n", CMD, path, strerror(errno));
		ex = 4;
		goto out;
	}
	/* The rejects file is kept only if the import is: all or nothing. */
	if (rejects && sf_outfile_open(rejects, &rej, &err) != SF_OK) {
		ex = sf_cli_error(CMD, &err);
		goto out;
	}
	if ((ex = sf_cli_open_store(CMD, db, SF_STORE_WRITE, &st)) != 0)
		goto out;
	struct stat sb;
	if (!noprog && isatty(2) && fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size > 8 * 1024 * 1024) {
		prog.total = (uint64_t)sb.st_size;
		io.progress = progress_cb;
		io.progress_ctx = &prog;
	}
	io.sectors = map;
	io.rejects = rej ? sf_outfile_stream(rej) : NULL;
	io.file_name = path;
	sf_status rc = sf_incidents_import(st, in, &io, &sum, &err);
	if (prog.shown)
		fprintf(stderr, "\n");
	if (rc != SF_OK) {
		ex = sf_cli_error(CMD, &err);
		fprintf(stderr, "stabforce %s: nothing imported from '%s'\n", CMD, path);
		goto out;
	}
	{
		sf_buf b;
		sf_buf_init(&b, 0);
		sf_import_summary_write(&sum, &b, NULL);
		printf("%s: %s (batch %ld, %.2f s)\n", path, sf_buf_str(&b), sum.batch,
		       sum.seconds);
		sf_buf_release(&b);
	}
	if (sum.rejected && !rejects)
		fprintf(stderr,
		        "stabforce %s: rejected %ld; --rejects FILE keeps the rows with the "
		        "reason\n",
		        CMD, sum.rejected);
	if (rej) {
		sf_status wr = sf_outfile_commit(rej, &err);
		rej = NULL;
		if (wr != SF_OK)
			ex = sf_cli_error(CMD, &err);
	}
out:
	sf_outfile_abort(rej);
	if (in && in != stdin)
		fclose(in);
	sf_store_close(st);
	sf_sector_map_free(map);
	sf_scenario_free(sc);
	return ex;
}

/* ---------------------------------------------------------------- */
/* delete                                                             */

static int cmd_delete(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
	                                     {"ids", required_argument, NULL, 'i'},
	                                     {"who", required_argument, NULL, 'w'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *db = "stabforce.db", *ids = NULL, *who = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "d:i:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'i':
			ids = optarg;
			break;
		case 'w':
			who = optarg;
			break;
		case 'h':
			printf("usage: stabforce incidents delete --ids DELETED.csv [--db "
			       "stabforce.db]\n"
			       "\n"
			       "Delete the events listed in a CSV file with an event_id_cnty "
			       "column\n"
			       "(ACLED's deletions export) or one id per line, in one "
			       "transaction.\n"
			       "Each deletion is written to the edit log.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (!ids || optind != argc) {
		fprintf(stderr, "stabforce %s delete: expected --ids FILE (see --help)\n", CMD);
		return 2;
	}
	FILE *in = fopen(ids, "rb");
	if (!in) {
		fprintf(stderr, "stabforce %s: cannot open '%s'\n", CMD, ids);
		return 4;
	}
	sf_store *st = NULL;
	int ex = sf_cli_open_store(CMD, db, SF_STORE_WRITE, &st);
	if (!ex) {
		sf_error err;
		long del, miss;
		sf_error_clear(&err);
		if (sf_incidents_delete_file(st, in, who, &del, &miss, &err) != SF_OK) {
			if (!err.file[0])
				sf_strlcpy(err.file, ids, sizeof err.file);
			ex = sf_cli_error(CMD, &err);
		} else {
			printf("%s: deleted %ld, not found %ld\n", ids, del, miss);
		}
	}
	fclose(in);
	sf_store_close(st);
	return ex;
}

/* ---------------------------------------------------------------- */
/* Filters shared by list, report, dupes                              */

enum {
	OPT_FROM = 1000,
	OPT_TO,
	OPT_SECTOR,
	OPT_TYPE,
	OPT_SUBTYPE,
	OPT_ACTOR,
	OPT_LOCATION,
	OPT_STATUS,
	OPT_ID,
	OPT_RETRACTED,
	OPT_LIMIT,
	OPT_BY,
	OPT_CEASEFIRE,
	OPT_ASOF,
	OPT_TABLE,
	OPT_MARK,
	OPT_AS,
	OPT_NOTE,
	OPT_WHO,
	OPT_ALL,
	OPT_MAXDAYS,
	OPT_MAXKM,
	OPT_WINDOW,
	OPT_MIN,
	OPT_MAX,
	OPT_WEIGHT,
	OPT_SCENARIO,
	OPT_POP,
	OPT_IF_VERSION,
	OPT_LOW_MEAN,
	OPT_LOW_WEEK,
	OPT_COVERED_FROM,
	OPT_COVERED_TO
};

#define FILTER_OPTIONS                                                                             \
	{"from", required_argument, NULL, OPT_FROM}, {"to", required_argument, NULL, OPT_TO},      \
	        {"sector", required_argument, NULL, OPT_SECTOR},                                   \
	        {"type", required_argument, NULL, OPT_TYPE},                                       \
	        {"sub-type", required_argument, NULL, OPT_SUBTYPE},                                \
	        {"actor", required_argument, NULL, OPT_ACTOR},                                     \
	        {"location", required_argument, NULL, OPT_LOCATION},                               \
	        {"status", required_argument, NULL, OPT_STATUS},                                   \
	        {"id", required_argument, NULL, OPT_ID},                                           \
	        {"include-retracted", no_argument, NULL, OPT_RETRACTED},                           \
	        {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'},            \
	{                                                                                          \
		"format", required_argument, NULL, 'f'                                             \
	}

#define FILTER_HELP                                                                                \
	"filters: --from DATE --to DATE (inclusive), --sector ID ('-' = no sector),\n"             \
	"  --type EVENT_TYPE, --sub-type SUB_EVENT_TYPE, --actor NAME (actor1 or actor2),\n"       \
	"  --location NAME, --status STATUS, --id EVENT_ID, --include-retracted\n"                 \
	"  (retracted incidents are left out unless asked for)\n"

/* 1 when handled, 0 when not a filter option, -1 on a bad value. */
static int filter_opt(int c, sf_incident_filter *f)
{
	switch (c) {
	case OPT_FROM:
		return sf_cli_parse_day(CMD, "--from", optarg, &f->from_day) < 0 ? -1 : 1;
	case OPT_TO:
		return sf_cli_parse_day(CMD, "--to", optarg, &f->to_day) < 0 ? -1 : 1;
	case OPT_SECTOR:
		f->sector = optarg;
		return 1;
	case OPT_TYPE:
		f->event_type = optarg;
		return 1;
	case OPT_SUBTYPE:
		f->sub_event_type = optarg;
		return 1;
	case OPT_ACTOR:
		f->actor = optarg;
		return 1;
	case OPT_LOCATION:
		f->location = optarg;
		return 1;
	case OPT_ID:
		f->event_id = optarg;
		return 1;
	case OPT_RETRACTED:
		f->include_retracted = 1;
		return 1;
	case OPT_STATUS:
		f->status = sf_incident_status_parse(optarg);
		if (f->status < 0) {
			fprintf(stderr,
			        "stabforce %s: unknown status '%s' (reported, corroborated, "
			        "verified, disputed, retracted)\n",
			        CMD, optarg);
			return -1;
		}
		return 1;
	default:
		return 0;
	}
}

/* ---------------------------------------------------------------- */
/* list                                                               */

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
	        FILTER_OPTIONS, {"limit", required_argument, NULL, OPT_LIMIT}, {NULL, 0, NULL, 0}};
	const char *db = "stabforce.db";
	sf_incident_filter f;
	int c, fmt = SF_FORMAT_TEXT, r;
	sf_incident_filter_init(&f);
	while ((c = getopt_long(argc, argv, "d:f:h", opts, NULL)) != -1) {
		if ((r = filter_opt(c, &f)) < 0)
			return 2;
		if (r)
			continue;
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			fmt = sf_cli_parse_format(CMD, optarg, 1);
			if (fmt < 0)
				return 2;
			break;
		case OPT_LIMIT:
			if (sf_parse_long(optarg, &f.limit) != 0 || f.limit < 0) {
				fprintf(stderr, "stabforce %s: --limit: bad number '%s'\n", CMD,
				        optarg);
				return 2;
			}
			break;
		case 'h':
			printf("usage: stabforce incidents list [FILTERS] [--limit N]\n"
			       "         [--format text|csv|json|geojson|md] [--db stabforce.db]\n"
			       "\n"
			       "Every matching incident, by date, unless --limit is given. csv "
			       "writes\n"
			       "ACLED's 31 columns in ACLED's order, then sector, sector_method,\n"
			       "sector_km, status, source_system, batch: it re-imports into ACLED "
			       "tools.\n"
			       "\n" FILTER_HELP);
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
	sf_status rc = sf_incidents_write_list(st, &f, (sf_format)fmt, &b, sf_cli_flush_stdout,
	                                       NULL, &err);
	ex = sf_cli_finish(CMD, rc, &b, &err);
	sf_buf_release(&b);
	sf_store_close(st);
	return ex;
}

/* ---------------------------------------------------------------- */
/* report                                                             */

static int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
	        FILTER_OPTIONS,
	        {"by", required_argument, NULL, OPT_BY},
	        {"ceasefire", required_argument, NULL, OPT_CEASEFIRE},
	        {"split", required_argument, NULL, OPT_CEASEFIRE},
	        {"as-of", required_argument, NULL, OPT_ASOF},
	        {"table", required_argument, NULL, OPT_TABLE},
	        {"low-mean", required_argument, NULL, OPT_LOW_MEAN},
	        {"low-week", required_argument, NULL, OPT_LOW_WEEK},
	        {"covered-from", required_argument, NULL, OPT_COVERED_FROM},
	        {"covered-to", required_argument, NULL, OPT_COVERED_TO},
	        {NULL, 0, NULL, 0}};
	const char *db = "stabforce.db", *table = NULL;
	sf_incident_filter f;
	sf_report_options ro;
	int c, fmt = SF_FORMAT_TEXT, r;
	sf_incident_filter_init(&f);
	sf_report_options_init(&ro);
	while ((c = getopt_long(argc, argv, "d:f:h", opts, NULL)) != -1) {
		if ((r = filter_opt(c, &f)) < 0)
			return 2;
		if (r)
			continue;
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			fmt = sf_cli_parse_format(CMD, optarg, 0);
			if (fmt < 0)
				return 2;
			break;
		case OPT_BY:
			if (strcmp(optarg, "day") == 0)
				ro.period = SF_PERIOD_DAY;
			else if (strcmp(optarg, "week") == 0)
				ro.period = SF_PERIOD_WEEK;
			else if (strcmp(optarg, "total") == 0)
				ro.period = SF_PERIOD_TOTAL;
			else if ((r = sf_dim_parse(optarg)) >= 0)
				ro.dim = (sf_dim)r;
			else {
				fprintf(stderr,
				        "stabforce %s: --by: unknown '%s' (day, week, total, "
				        "sector, "
				        "type, sub-type, actor)\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case OPT_CEASEFIRE:
			if (sf_cli_parse_day(CMD, "--ceasefire", optarg, &ro.split_day) < 0)
				return 2;
			break;
		case OPT_ASOF:
			if (sf_cli_parse_day(CMD, "--as-of", optarg, &ro.as_of) < 0)
				return 2;
			break;
		case OPT_TABLE:
			table = optarg;
			break;
		case OPT_LOW_MEAN:
			if (sf_parse_double(optarg, &ro.low_mean) != 0 || !(ro.low_mean >= 0)) {
				fprintf(stderr,
				        "stabforce %s: --low-mean: expected incidents per week >= "
				        "0, found '%s'\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case OPT_LOW_WEEK:
			if (sf_parse_long(optarg, &ro.low_week) != 0 || ro.low_week < 0) {
				fprintf(stderr,
				        "stabforce %s: --low-week: expected incidents >= 0, found "
				        "'%s'\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case OPT_COVERED_FROM:
			if (sf_cli_parse_day(CMD, "--covered-from", optarg, &ro.covered_from) < 0)
				return 2;
			break;
		case OPT_COVERED_TO:
			if (sf_cli_parse_day(CMD, "--covered-to", optarg, &ro.covered_to) < 0)
				return 2;
			break;
		case 'h':
			printf("usage: stabforce incidents report [--by day|week|total] "
			       "[--by sector|type|sub-type|actor]\n"
			       "         [--ceasefire DATE] [--as-of DATE] [--table "
			       "periods|trend|split|all]\n"
			       "         [--low-mean N] [--low-week N] [--covered-from DATE] "
			       "[--covered-to DATE]\n"
			       "         [FILTERS] [--format text|csv|json|md] [--db "
			       "stabforce.db]\n"
			       "\n"
			       "Three tables: incidents and fatalities per period (Monday weeks "
			       "by\n"
			       "default) and key, every key in every period (0 where none); "
			       "change\n"
			       "levels, this week (the 7 days to --as-of, default the latest\n"
			       "incident) against the mean incidents per week of the 4 and of the\n"
			       "52 weeks before, with ACLED's levels (large increase above +25%%,\n"
			       "moderate +10..+25%%, limited change -25..+10%%, large decrease\n"
			       "below -25%%) and no percentage for a low baseline (a mean of at\n"
			       "most --low-mean, default 2, and at most --low-week, default 5, "
			       "this\n"
			       "week); and, with --ceasefire, before and after that date with\n"
			       "incidents per day. An actor counts once as actor1 or actor2.\n"
			       "The register covers its first to its last incident unless\n"
			       "--covered-from/--covered-to say otherwise: outside, a period has "
			       "no\n"
			       "data (not 0). csv writes one table: --table periods (default),\n"
			       "trend or split.\n"
			       "\n" FILTER_HELP);
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
	if (!table)
		table = fmt == SF_FORMAT_CSV ? "periods" : "all";
	unsigned tables = !strcmp(table, "periods") ? SF_REPORT_PERIODS
	                  : !strcmp(table, "trend") ? SF_REPORT_TREND
	                  : !strcmp(table, "split") ? SF_REPORT_SPLIT
	                  : !strcmp(table, "all")   ? SF_REPORT_ALL
	                                            : 0;
	if (!tables) {
		fprintf(stderr,
		        "stabforce %s: --table: unknown '%s' (periods, trend, split, all)\n", CMD,
		        table);
		return 2;
	}
	if (tables == SF_REPORT_SPLIT && ro.split_day == SF_DAY_NONE) {
		fprintf(stderr, "stabforce %s: --table split needs --ceasefire DATE\n", CMD);
		return 2;
	}
	if (fmt == SF_FORMAT_CSV && tables == SF_REPORT_ALL) {
		fprintf(stderr,
		        "stabforce %s: csv holds one table: --table periods, trend or split\n",
		        CMD);
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
	sf_status rc = sf_incidents_write_report(st, &f, &ro, tables, (sf_format)fmt, &b, &err);
	ex = sf_cli_finish(CMD, rc, &b, &err);
	sf_buf_release(&b);
	sf_store_close(st);
	return ex;
}

/* ---------------------------------------------------------------- */
/* dupes                                                              */

static int cmd_dupes(int argc, char **argv)
{
	static const struct option opts[] = {FILTER_OPTIONS,
	                                     {"mark", required_argument, NULL, OPT_MARK},
	                                     {"as", required_argument, NULL, OPT_AS},
	                                     {"note", required_argument, NULL, OPT_NOTE},
	                                     {"who", required_argument, NULL, OPT_WHO},
	                                     {"all", no_argument, NULL, OPT_ALL},
	                                     {"limit", required_argument, NULL, OPT_LIMIT},
	                                     {"max-days", required_argument, NULL, OPT_MAXDAYS},
	                                     {"max-km", required_argument, NULL, OPT_MAXKM},
	                                     {NULL, 0, NULL, 0}};
	const char *db = "stabforce.db", *mark = NULL, *as = NULL, *note = "", *who = NULL;
	sf_incident_filter f;
	sf_dupe_options o;
	int c, fmt = SF_FORMAT_TEXT, r;
	double v;
	sf_incident_filter_init(&f);
	sf_dupe_options_init(&o);
	while ((c = getopt_long(argc, argv, "d:f:h", opts, NULL)) != -1) {
		if ((r = filter_opt(c, &f)) < 0)
			return 2;
		if (r)
			continue;
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			fmt = sf_cli_parse_format(CMD, optarg, 0);
			if (fmt < 0)
				return 2;
			break;
		case OPT_MARK:
			mark = optarg;
			break;
		case OPT_AS:
			as = optarg;
			break;
		case OPT_NOTE:
			note = optarg;
			break;
		case OPT_WHO:
			who = optarg;
			break;
		case OPT_ALL:
			o.include_decided = 1;
			break;
		case OPT_LIMIT:
			if (sf_parse_long(optarg, &o.limit) != 0 || o.limit < 0)
				return 2;
			break;
		case OPT_MAXDAYS:
			if (parse_num("--max-days", optarg, &v) < 0 || v < 0)
				return 2;
			o.max_days = (int)v;
			break;
		case OPT_MAXKM:
			if (parse_num("--max-km", optarg, &v) < 0 || v < 0)
				return 2;
			o.max_km = v;
			break;
		case 'h':
			printf("usage: stabforce incidents dupes [FILTERS] [--all] [--limit N]\n"
			       "         [--max-days 1] [--max-km 2] [--format text|csv|json|md]\n"
			       "       stabforce incidents dupes --mark ID --as duplicate|distinct "
			       "ID2 "
			       "[--note TEXT]\n"
			       "\n"
			       "Possible duplicates: same event type, dates at most --max-days "
			       "apart,\n"
			       "within --max-km, and a different source system or reporter "
			       "(source).\n"
			       "They are listed, never merged; pairs already decided are left out\n"
			       "unless --all. --mark A --as duplicate|distinct B records a "
			       "decision in\n"
			       "the edit log; to keep a duplicate out of the counts, retract it "
			       "with\n"
			       "'incidents review ID --status retracted'.\n"
			       "\n" FILTER_HELP);
			return 0;
		default:
			return 2;
		}
	}
	sf_store *st = NULL;
	sf_error err;
	sf_error_clear(&err);
	if (mark || as) {
		if (!mark || !as || optind + 1 != argc ||
		    (strcmp(as, "duplicate") != 0 && strcmp(as, "distinct") != 0)) {
			fprintf(stderr,
			        "stabforce %s dupes: expected --mark ID --as "
			        "duplicate|distinct OTHER_ID\n",
			        CMD);
			return 2;
		}
		int ex = sf_cli_open_store(CMD, db, SF_STORE_WRITE, &st);
		if (ex)
			return ex;
		const char *other = argv[optind];
		for (int k = 0; k < 2 && !ex; k++) {
			if (!incident_exists(st, k ? other : mark, &err, &ex))
				ex = ex ? ex : 2;
		}
		if (!ex && sf_store_dupe_decide(st, mark, other, as, note, who_or_user(who),
		                                &err) != SF_OK)
			ex = sf_cli_error(CMD, &err);
		if (!ex)
			printf("%s %s: marked %s\n", mark, other, as);
		sf_store_close(st);
		return ex;
	}
	if (optind != argc) {
		fprintf(stderr, "stabforce %s dupes: unexpected argument '%s'\n", CMD,
		        argv[optind]);
		return 2;
	}
	int ex = sf_cli_open_store(CMD, db, SF_STORE_READ, &st);
	if (ex)
		return ex;
	sf_buf b;
	sf_buf_init(&b, 0);
	sf_status rc = sf_incidents_write_dupes(st, &f, &o, (sf_format)fmt, &b, &err);
	ex = sf_cli_finish(CMD, rc, &b, &err);
	sf_buf_release(&b);
	sf_store_close(st);
	return ex;
}

/* ---------------------------------------------------------------- */
/* review, log                                                        */

static int cmd_review(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"db", required_argument, NULL, 'd'},
	        {"status", required_argument, NULL, OPT_STATUS},
	        {"note", required_argument, NULL, OPT_NOTE},
	        {"who", required_argument, NULL, OPT_WHO},
	        {"if-version", required_argument, NULL, OPT_IF_VERSION},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0}};
	const char *db = "stabforce.db", *note = NULL, *who = NULL;
	int c, status = -1;
	long if_version = 0, version = 0;
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case OPT_STATUS:
			status = sf_incident_status_parse(optarg);
			if (status < 0) {
				fprintf(stderr,
				        "stabforce %s: unknown status '%s' (reported, "
				        "corroborated, "
				        "verified, disputed, retracted)\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case OPT_NOTE:
			note = optarg;
			break;
		case OPT_WHO:
			who = optarg;
			break;
		case OPT_IF_VERSION:
			if (sf_parse_long(optarg, &if_version) != 0 || if_version < 1) {
				fprintf(stderr,
				        "stabforce %s: --if-version: expected a version (1, 2, "
				        "...), "
				        "got '%s'\n",
				        CMD, optarg);
				return 2;
			}
			break;
		case 'h':
			printf("usage: stabforce incidents review EVENT_ID --status STATUS --note "
			       "TEXT\n"
			       "         [--who NAME] [--if-version N] [--db stabforce.db]\n"
			       "\n"
			       "Set the review status (reported, corroborated, verified, "
			       "disputed,\n"
			       "retracted). The change is kept in the edit log with who, when, the "
			       "old\n"
			       "and the new status, and the note (required). Retracted incidents "
			       "are\n"
			       "left out of lists and reports unless asked for.\n"
			       "\n"
			       "--if-version N changes it only if the incident is still at version "
			       "N (the\n"
			       "\"version\" of `incidents list --id EVENT_ID --format json`): "
			       "when someone\n"
			       "changed it since, nothing is written and the exit status is 5.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc || status < 0 || !note || !*note) {
		fprintf(stderr,
		        "stabforce %s review: expected EVENT_ID --status STATUS --note TEXT\n",
		        CMD);
		return 2;
	}
	sf_store *st = NULL;
	int ex = sf_cli_open_store(CMD, db, SF_STORE_WRITE, &st);
	if (ex)
		return ex;
	sf_error err;
	int found = 0;
	sf_error_clear(&err);
	if (sf_store_incident_review(st, argv[optind], (sf_incident_status)status, note,
	                             who_or_user(who), if_version, &version, &found,
	                             &err) != SF_OK) {
		ex = sf_cli_error(CMD, &err);
	} else if (!found) {
		fprintf(stderr, "stabforce %s: no incident '%s'\n", CMD, argv[optind]);
		ex = 2;
	} else {
		printf("%s: %s (version %ld)\n", argv[optind],
		       sf_incident_status_str((sf_incident_status)status), version);
	}
	sf_store_close(st);
	return ex;
}

static int cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *db = "stabforce.db";
	int c, fmt = SF_FORMAT_TEXT;
	while ((c = getopt_long(argc, argv, "d:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			fmt = sf_cli_parse_format(CMD, optarg, 0);
			if (fmt < 0)
				return 2;
			break;
		case 'h':
			printf("usage: stabforce incidents log [EVENT_ID] [--format "
			       "text|csv|json|md] "
			       "[--db stabforce.db]\n"
			       "\n"
			       "The edit log, oldest first: status changes, duplicates decisions "
			       "and\n"
			       "deletions, with who, when, from and to, and the note.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "stabforce %s log: at most one EVENT_ID\n", CMD);
		return 2;
	}
	sf_store *st = NULL;
	int ex = sf_cli_open_store(CMD, db, SF_STORE_READ, &st);
	if (ex)
		return ex;
	sf_error err;
	sf_error_clear(&err);
	sf_buf b;
	sf_buf_init(&b, 0);
	sf_status rc = sf_incidents_write_log(st, optind < argc ? argv[optind] : NULL,
	                                      (sf_format)fmt, &b, &err);
	ex = sf_cli_finish(CMD, rc, &b, &err);
	sf_buf_release(&b);
	sf_store_close(st);
	return ex;
}

/* ---------------------------------------------------------------- */
/* threat                                                             */

static int cmd_threat(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
	                                     {"scenario", required_argument, NULL, OPT_SCENARIO},
	                                     {"window-days", required_argument, NULL, OPT_WINDOW},
	                                     {"min", required_argument, NULL, OPT_MIN},
	                                     {"max", required_argument, NULL, OPT_MAX},
	                                     {"weight", required_argument, NULL, OPT_WEIGHT},
	                                     {"as-of", required_argument, NULL, OPT_ASOF},
	                                     {"population-attr", required_argument, NULL, OPT_POP},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *db = "stabforce.db", *scen = NULL;
	sf_threat_options o;
	int c, fmt = SF_FORMAT_TEXT;
	double v;
	sf_threat_options_init(&o);
	while ((c = getopt_long(argc, argv, "d:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case OPT_SCENARIO:
			scen = optarg;
			break;
		case OPT_WINDOW:
			if (parse_num("--window-days", optarg, &v) < 0 || v < 1 || v > 3650)
				return 2;
			o.window_days = (int)v;
			break;
		case OPT_MIN:
			if (parse_num("--min", optarg, &o.min) < 0)
				return 2;
			break;
		case OPT_MAX:
			if (parse_num("--max", optarg, &o.max) < 0)
				return 2;
			break;
		case OPT_WEIGHT:
			if (parse_num("--weight", optarg, &o.weight) < 0)
				return 2;
			break;
		case OPT_ASOF:
			if (sf_cli_parse_day(CMD, "--as-of", optarg, &o.as_of) < 0)
				return 2;
			break;
		case OPT_POP:
			o.population_attr = optarg;
			break;
		case 'f':
			fmt = sf_cli_parse_format(CMD, optarg, 0);
			if (fmt < 0)
				return 2;
			break;
		case 'h':
			printf("usage: stabforce incidents threat --scenario S.yaml [--window-days "
			       "28]\n"
			       "         [--min 0.5] [--max 2.0] [--weight 1] [--as-of DATE]\n"
			       "         [--population-attr population] [--format "
			       "text|csv|json|md]\n"
			       "\n"
			       "Per-sector threat multipliers from the register: incidents per "
			       "100,000\n"
			       "people in the trailing window, against the all-sector rate:\n"
			       "  threat = clamp((rate_sector / rate_all) ^ weight, min, max)\n"
			       "(1 when there is no incident or no population). See\n"
			       "docs/scenario-format.md, \"threat from the register\".\n");
			return 0;
		default:
			return 2;
		}
	}
	if (!scen || optind != argc) {
		fprintf(stderr, "stabforce %s threat: expected --scenario FILE\n", CMD);
		return 2;
	}
	sf_scenario *sc = NULL;
	int ex = sf_cli_load_scenario(scen, &sc);
	if (ex)
		return ex;
	sf_store *st = NULL;
	if ((ex = sf_cli_open_store(CMD, db, SF_STORE_READ, &st)) != 0) {
		sf_scenario_free(sc);
		return ex;
	}
	sf_error err;
	sf_error_clear(&err);
	sf_buf b;
	sf_buf_init(&b, 0);
	sf_status rc = sf_register_write_threat(st, sc, &o, (sf_format)fmt, &b, &err);
	ex = sf_cli_finish(CMD, rc, &b, &err);
	sf_buf_release(&b);
	sf_store_close(st);
	sf_scenario_free(sc);
	return ex;
}

/* ---------------------------------------------------------------- */

int sf_cmd_incidents(int argc, char **argv)
{
	static const sf_cli_subcommand subs[] = {{"import", cmd_import}, {"delete", cmd_delete},
	                                         {"list", cmd_list},     {"report", cmd_report},
	                                         {"dupes", cmd_dupes},   {"review", cmd_review},
	                                         {"log", cmd_log},       {"threat", cmd_threat}};
	return sf_cli_dispatch(CMD, argc, argv, subs, N_ELEMS(subs), usage);
}
