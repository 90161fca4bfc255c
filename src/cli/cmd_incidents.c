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
 *   alerts         what changed: sector change levels, watched types, fatalities
 *
 * Every subcommand takes --db STORE (default stabforce.db in the current
 * directory; created and migrated on first use) and --help. Lists stream to
 * stdout in 64 KiB chunks so a million incidents never sit in memory.
 */
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"

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
	           "  alerts        what changed: change levels, watched types, fatalities\n"
	           "\n"
	           "common options: --db STORE (default " SF_CLI_DEFAULT_DB "), --help\n"
	           "'stabforce incidents SUBCOMMAND --help' for the options of each.\n");
}

/* ---------------------------------------------------------------- */
/* Shared helpers                                                     */

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
	const char *db = SF_CLI_DEFAULT_DB, *scen = NULL, *geo = NULL, *idprop = "id", *ovr = NULL,
	           *rejects = NULL;
	int alerts = 0;
	sf_import_options io;
	sf_import_options_init(&io);
	int noprog = 0, ex = 0, first = 0;
	const sf_opt opts[] = {
	        SF_OPT_STR('s', "scenario", "S.yaml", &scen, "sectors from the scenario's map"),
	        SF_OPT_STR(0, "sectors", "G.geojson", &geo, "sectors from a GeoJSON file instead"),
	        SF_OPT_STR(0, "id-property", "NAME", &idprop,
	                   "the sector id's property in --sectors (default id)"),
	        SF_OPT_STR(0, "overrides", "LOC.csv", &ovr,
	                   "location,sector rows that win over the map"),
	        SF_OPT_NONNEG(0, "max-distance-km", "KM", &io.max_distance_km,
	                      "a point outside every sector goes to the nearest\n"
	                      "within KM (default 5)"),
	        SF_OPT_FILE_OUT('r', "rejects", "BAD.csv", &rejects,
	                        "the bad rows, with line number and reason\n"
	                        "(kept only if the import is)"),
	        SF_OPT_STR(0, "source-system", "NAME", &io.source_system,
	                   "the source system recorded (default ACLED)"),
	        SF_OPT_TEXT(0, "who", "NAME", &io.who, "who imports, for the edit log"),
	        SF_OPT_BOOL(0, "no-progress", &noprog, "no progress bar on stderr"),
	        SF_OPT_BOOL(0, "alerts", &alerts,
	                    "print the alerts of 'incidents alerts' (its\n"
	                    "default rules) after the import"),
	        SF_OPT_DB_DEFAULT(&db),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "incidents import", "[OPTIONS] FILE.csv",
	        "Import an ACLED CSV export in one transaction: a newer timestamp\n"
	        "replaces the stored event, older or equal changes nothing. Bad rows go\n"
	        "to --rejects with their line number and reason; the rest commit.\n"
	        "Sectors: the polygon containing the point, else the nearest within\n"
	        "--max-distance-km, with location-name overrides (CSV location,sector)\n"
	        "winning over both. FILE '-' reads standard input.",
	        opts, NULL};

	if ((ex = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return ex;
	ex = 0;
	if (first + 1 != argc) {
		fprintf(stderr, "stabforce %s import: expected one FILE (see --help)\n", CMD);
		return 2;
	}
	const char *path = argv[first];
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
	io.who = sf_cli_who(io.who);
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
	if (alerts && ex == 0) {
		/* the default rules on the register as it is now */
		sf_buf b;
		sf_buf_init(&b, 0);
		sf_status ar = sf_incidents_write_alerts(st, NULL, SF_FORMAT_TEXT, &b, &err);
		ex = sf_cli_finish(CMD, ar, &b, &err);
		sf_buf_release(&b);
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
	const char *db = SF_CLI_DEFAULT_DB, *ids = NULL, *who = NULL;
	int first = 0, rc;
	const sf_opt opts[] = {
	        SF_OPT_STR('i', "ids", "FILE", &ids, "the deletions list (required)"),
	        SF_OPT_TEXT(0, "who", "NAME", &who, "who deletes, for the edit log"),
	        SF_OPT_DB_DEFAULT(&db),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "incidents delete", "--ids DELETED.csv [OPTIONS]",
	        "Delete the events listed in a CSV file with an event_id_cnty column\n"
	        "(ACLED's deletions export) or one id per line, in one transaction.\n"
	        "Each deletion is written to the edit log.",
	        opts, NULL};
	if ((rc = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return rc;
	if (!ids || first != argc) {
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
		if (sf_incidents_delete_file(st, in, sf_cli_who(who), &del, &miss, &err) != SF_OK) {
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

/* --status: an sf_incident_status into an int. */
static int opt_status(const sf_opt *o, const char *arg, const char *cmd)
{
	int st = sf_incident_status_parse(arg);
	if (st < 0) {
		fprintf(stderr,
		        "stabforce %s: unknown status '%s' (reported, corroborated, verified, "
		        "disputed, retracted)\n",
		        cmd, arg);
		return 2;
	}
	*(int *)o->target = st;
	return 0;
}

#define STATUS_OPT(t, h) SF_OPT_CB(0, "status", "STATUS", t, h, opt_status, NULL, 0)

/* The filters of list, report and dupes, on f: one table for the three. */
#define FILTER_OPTIONS(f)                                                                          \
	SF_OPT_GROUP("filters (retracted incidents are left out unless asked for):"),              \
	        SF_OPT_DATE(0, "from", &(f)->from_day, "from this date (inclusive)"),              \
	        SF_OPT_DATE(0, "to", &(f)->to_day, "to this date (inclusive)"),                    \
	        SF_OPT_TEXT(0, "sector", "ID", &(f)->sector, "in this sector ('-': in none)"),     \
	        SF_OPT_TEXT(0, "type", "EVENT_TYPE", &(f)->event_type, "of this event type"),      \
	        SF_OPT_TEXT(0, "sub-type", "SUB_EVENT_TYPE", &(f)->sub_event_type,                 \
	                    "of this sub-event type"),                                             \
	        SF_OPT_TEXT(0, "actor", "NAME", &(f)->actor, "with this actor1 or actor2"),        \
	        SF_OPT_TEXT(0, "location", "NAME", &(f)->location, "at this location"),            \
	        STATUS_OPT(&(f)->status, "with this review status"),                               \
	        SF_OPT_TEXT(0, "id", "EVENT_ID", &(f)->event_id, "this incident only"),            \
	        SF_OPT_BOOL(0, "include-retracted", &(f)->include_retracted,                       \
	                    "retracted incidents too")

/* ---------------------------------------------------------------- */
/* list                                                               */

static int cmd_list(int argc, char **argv)
{
	const char *db = SF_CLI_DEFAULT_DB;
	sf_incident_filter f;
	int fmt = SF_FORMAT_TEXT, first = 0, r;
	sf_incident_filter_init(&f);
	const sf_opt opts[] = {
	        FILTER_OPTIONS(&f),
	        SF_OPT_GROUP("options:"),
	        SF_OPT_LMIN(0, "limit", "N", &f.limit, "at most N incidents (default 0: all)", 0),
	        SF_OPT_FORMAT(&fmt, "text (default), csv, json, geojson or md", SF_OPT_FMT_GEOJSON),
	        SF_OPT_DB_DEFAULT(&db),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "incidents list", "[FILTERS] [OPTIONS]",
	        "Every matching incident, by date, unless --limit is given. csv writes\n"
	        "ACLED's 31 columns in ACLED's order, then sector, sector_method,\n"
	        "sector_km, status, source_system, batch: it re-imports into ACLED tools.",
	        opts, NULL};
	if ((r = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return r;
	if (first != argc) {
		fprintf(stderr, "stabforce %s list: unexpected argument '%s'\n", CMD, argv[first]);
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

/* --by day|week|total (the period) or sector|type|sub-type|actor (the key). */
static int opt_by(const sf_opt *o, const char *arg, const char *cmd)
{
	sf_report_options *ro = o->target;
	int r;
	if (strcmp(arg, "day") == 0)
		ro->period = SF_PERIOD_DAY;
	else if (strcmp(arg, "week") == 0)
		ro->period = SF_PERIOD_WEEK;
	else if (strcmp(arg, "total") == 0)
		ro->period = SF_PERIOD_TOTAL;
	else if ((r = sf_dim_parse(arg)) >= 0)
		ro->dim = (sf_dim)r;
	else {
		fprintf(stderr,
		        "stabforce %s: --by: unknown '%s' (day, week, total, sector, type, "
		        "sub-type, actor)\n",
		        cmd, arg);
		return 2;
	}
	return 0;
}

static int cmd_report(int argc, char **argv)
{
	const char *db = SF_CLI_DEFAULT_DB, *table = NULL;
	sf_incident_filter f;
	sf_report_options ro;
	int fmt = SF_FORMAT_TEXT, first = 0, rc0;
	sf_incident_filter_init(&f);
	sf_report_options_init(&ro);
	const sf_opt opts[] = {
	        FILTER_OPTIONS(&f),
	        SF_OPT_GROUP("options:"),
	        SF_OPT_CB(0, "by", "KEY", &ro,
	                  "day, week (default) or total; and/or sector, type,\n"
	                  "sub-type or actor (may be given twice)",
	                  opt_by, NULL, 0),
	        SF_OPT_DATE(0, "ceasefire", &ro.split_day, "also before and after this date"),
	        {.long_name = "split",
	         .kind = SF_OPTK_CALLBACK,
	         .argname = "YYYY-MM-DD",
	         .target = &ro.split_day,
	         .fn = sf_opt_day,
	         .flags = SF_OPT_HIDDEN},
	        SF_OPT_DATE(0, "as-of", &ro.as_of,
	                    "the last day of \"this week\" (default: the latest\n"
	                    "incident)"),
	        SF_OPT_STR(0, "table", "NAME", &table,
	                   "periods, trend, split or all (default all; csv:\n"
	                   "periods)"),
	        SF_OPT_NONNEG(0, "low-mean", "N", &ro.low_mean,
	                      "a baseline of at most N incidents a week is low\n"
	                      "(default 2)"),
	        SF_OPT_LMIN(0, "low-week", "N", &ro.low_week,
	                    "... with at most N this week: no percentage\n"
	                    "(default 5)",
	                    0),
	        SF_OPT_DATE(0, "covered-from", &ro.covered_from,
	                    "the register covers from this day (default: its\n"
	                    "first incident)"),
	        SF_OPT_DATE(0, "covered-to", &ro.covered_to,
	                    "... to this day (default: its last incident)"),
	        SF_OPT_FORMAT_TABLE(&fmt),
	        SF_OPT_DB_DEFAULT(&db),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "incidents report", "[FILTERS] [OPTIONS]",
	        "Three tables: incidents and fatalities per period (Monday weeks by\n"
	        "default) and key, every key in every period (0 where none); change\n"
	        "levels, this week (the 7 days to --as-of, default the latest\n"
	        "incident) against the mean incidents per week of the 4 and of the\n"
	        "52 weeks before, with ACLED's levels (large increase above +25%,\n"
	        "moderate +10..+25%, limited change -25..+10%, large decrease\n"
	        "below -25%) and no percentage for a low baseline (a mean of at\n"
	        "most --low-mean, default 2, and at most --low-week, default 5, this\n"
	        "week); and, with --ceasefire, before and after that date with\n"
	        "incidents per day. An actor counts once as actor1 or actor2.\n"
	        "The register covers its first to its last incident unless\n"
	        "--covered-from/--covered-to say otherwise: outside, a period has no\n"
	        "data (not 0). csv writes one table: --table periods (default),\n"
	        "trend or split.",
	        opts, NULL};
	if ((rc0 = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return rc0;
	if (first != argc) {
		fprintf(stderr, "stabforce %s report: unexpected argument '%s'\n", CMD,
		        argv[first]);
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
	const char *db = SF_CLI_DEFAULT_DB, *mark = NULL, *as = NULL, *note = "", *who = NULL;
	sf_incident_filter f;
	sf_dupe_options o;
	int fmt = SF_FORMAT_TEXT, first = 0, rc0;
	sf_incident_filter_init(&f);
	sf_dupe_options_init(&o);
	const sf_opt opts[] = {
	        FILTER_OPTIONS(&f),
	        SF_OPT_GROUP("options:"),
	        SF_OPT_BOOL(0, "all", &o.include_decided, "pairs already decided too"),
	        SF_OPT_LMIN(0, "limit", "N", &o.limit, "at most N pairs (default 0: all)", 0),
	        SF_OPT_NUM(0, "max-days", "N", &o.max_days,
	                   "dates at most N days apart (default 1)", 0, 36500, "--max-days"),
	        SF_OPT_NONNEG(0, "max-km", "KM", &o.max_km, "at most KM apart (default 2)"),
	        SF_OPT_STR(0, "mark", "ID", &mark, "record a decision on the pair ID, OTHER_ID"),
	        SF_OPT_STR(0, "as", "DECISION", &as, "with --mark: duplicate or distinct"),
	        SF_OPT_TEXT(0, "note", "TEXT", &note, "with --mark: the note in the edit log"),
	        SF_OPT_TEXT(0, "who", "NAME", &who, "with --mark: who decides (default $USER)"),
	        SF_OPT_FORMAT_TABLE(&fmt),
	        SF_OPT_DB_DEFAULT(&db),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "incidents dupes",
	        "[FILTERS] [OPTIONS]\n"
	        "       stabforce incidents dupes --mark ID --as duplicate|distinct OTHER_ID",
	        "Possible duplicates: same event type, dates at most --max-days apart,\n"
	        "within --max-km, and a different source system or reporter (source).\n"
	        "They are listed, never merged; pairs already decided are left out\n"
	        "unless --all. --mark A --as duplicate|distinct B records a decision in\n"
	        "the edit log; to keep a duplicate out of the counts, retract it with\n"
	        "'incidents review ID --status retracted'.",
	        opts, NULL};
	if ((rc0 = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return rc0;
	sf_store *st = NULL;
	sf_error err;
	sf_error_clear(&err);
	if (mark || as) {
		if (!mark || !as || first + 1 != argc ||
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
		const char *other = argv[first];
		for (int k = 0; k < 2 && !ex; k++) {
			if (!incident_exists(st, k ? other : mark, &err, &ex))
				ex = ex ? ex : 2;
		}
		if (!ex &&
		    sf_store_dupe_decide(st, mark, other, as, note, sf_cli_who(who), &err) != SF_OK)
			ex = sf_cli_error(CMD, &err);
		if (!ex)
			printf("%s %s: marked %s\n", mark, other, as);
		sf_store_close(st);
		return ex;
	}
	if (first != argc) {
		fprintf(stderr, "stabforce %s dupes: unexpected argument '%s'\n", CMD, argv[first]);
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
	const char *db = SF_CLI_DEFAULT_DB, *note = NULL, *who = NULL;
	int status = -1, first = 0, rc;
	long if_version = 0, version = 0;
	const sf_opt opts[] = {
	        STATUS_OPT(&status, "reported, corroborated, verified, disputed or\n"
	                            "retracted (required)"),
	        SF_OPT_TEXT(0, "note", "TEXT", &note, "why (required)"),
	        SF_OPT_TEXT(0, "who", "NAME", &who, "who reviews (default $USER)"),
	        {.long_name = "if-version",
	         .kind = SF_OPTK_LONG,
	         .argname = "N",
	         .target = &if_version,
	         .help = "only if the incident is still at version N, else\n"
	                 "exit status 5",
	         .min = 1,
	         .max = 9e18,
	         .what = "--if-version",
	         .expect = "is not a version (1, 2, ...)"},
	        SF_OPT_DB_DEFAULT(&db),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "incidents review", "EVENT_ID --status STATUS --note TEXT [OPTIONS]",
	        "Set the review status (reported, corroborated, verified, disputed,\n"
	        "retracted). The change is kept in the edit log with who, when, the old\n"
	        "and the new status, and the note (required). Retracted incidents are\n"
	        "left out of lists and reports unless asked for.\n"
	        "\n"
	        "--if-version N changes it only if the incident is still at version N (the\n"
	        "\"version\" of `incidents list --id EVENT_ID --format json`): when someone\n"
	        "changed it since, nothing is written and the exit status is 5.",
	        opts, NULL};
	if ((rc = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return rc;
	if (first + 1 != argc || status < 0 || !note || !*note) {
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
	if (sf_store_incident_review(st, argv[first], (sf_incident_status)status, note,
	                             sf_cli_who(who), if_version, &version, &found,
	                             &err) != SF_OK) {
		ex = sf_cli_error(CMD, &err);
	} else if (!found) {
		fprintf(stderr, "stabforce %s: no incident '%s'\n", CMD, argv[first]);
		ex = 2;
	} else {
		printf("%s: %s (version %ld)\n", argv[first],
		       sf_incident_status_str((sf_incident_status)status), version);
	}
	sf_store_close(st);
	return ex;
}

static int cmd_log(int argc, char **argv)
{
	const char *db = SF_CLI_DEFAULT_DB;
	int fmt = SF_FORMAT_TEXT, first = 0, r;
	const sf_opt opts[] = {
	        SF_OPT_FORMAT_TABLE(&fmt),
	        SF_OPT_DB_DEFAULT(&db),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "incidents log", "[EVENT_ID] [OPTIONS]",
	        "The edit log, oldest first: status changes, duplicates decisions and\n"
	        "deletions, with who, when, from and to, and the note.",
	        opts, NULL};
	if ((r = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return r;
	if (first + 1 < argc) {
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
	sf_status rc = sf_incidents_write_log(st, first < argc ? argv[first] : NULL, (sf_format)fmt,
	                                      &b, &err);
	ex = sf_cli_finish(CMD, rc, &b, &err);
	sf_buf_release(&b);
	sf_store_close(st);
	return ex;
}

/* ---------------------------------------------------------------- */
/* threat                                                             */

/* The event weights of one `incidents threat` run: the defaults, then each --event-weight. */
#define MAX_EVENT_WEIGHTS 32
#define EVENT_TYPE_MAX 64
typedef struct event_weights {
	sf_threat_weight ev[MAX_EVENT_WEIGHTS];
	char type[MAX_EVENT_WEIGHTS][EVENT_TYPE_MAX];
	size_t n;
} event_weights;

static void event_weights_init(event_weights *w)
{
	size_t nd = 0;
	const sf_threat_weight *d = sf_threat_default_weights(&nd);
	w->n = 0;
	for (size_t i = 0; i < nd && i < MAX_EVENT_WEIGHTS; i++) {
		sf_strlcpy(w->type[i], d[i].event_type, EVENT_TYPE_MAX);
		w->ev[i].event_type = w->type[i];
		w->ev[i].weight = d[i].weight;
		w->n++;
	}
}

/* --event-weight "TYPE=W": TYPE's weight set (added when not listed); W = 0 leaves it out. */
static int opt_event_weight(const sf_opt *o, const char *arg, const char *cmd)
{
	event_weights *w = o->ctx;
	const char *eq = strrchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : 0, i;
	double v;
	if (!eq || len == 0 || sf_parse_double(eq + 1, &v) != 0 || !(v >= 0) || v > 1e6) {
		fprintf(stderr,
		        "stabforce %s: --event-weight '%s': expected TYPE=W, W a number in "
		        "0..1e6 (e.g. \"Protests=0.5\")\n",
		        cmd, arg);
		return 2;
	}
	if (len >= EVENT_TYPE_MAX) {
		fprintf(stderr, "stabforce %s: --event-weight: event type longer than %d\n", cmd,
		        EVENT_TYPE_MAX - 1);
		return 2;
	}
	for (i = 0; i < w->n; i++)
		if (strlen(w->type[i]) == len && strncmp(w->type[i], arg, len) == 0)
			break;
	if (i == w->n) {
		if (w->n == MAX_EVENT_WEIGHTS) {
			fprintf(stderr, "stabforce %s: at most %d event types\n", cmd,
			        MAX_EVENT_WEIGHTS);
			return 2;
		}
		memcpy(w->type[i], arg, len);
		w->type[i][len] = '\0';
		w->ev[i].event_type = w->type[i];
		w->n++;
	}
	w->ev[i].weight = v;
	return 0;
}

static int cmd_threat(int argc, char **argv)
{
	const char *db = SF_CLI_DEFAULT_DB, *scen = NULL;
	sf_threat_options o;
	event_weights ew;
	int fmt = SF_FORMAT_TEXT, first = 0, r;
	sf_threat_options_init(&o);
	event_weights_init(&ew);
	const sf_opt opts[] = {
	        SF_OPT_STR(0, "scenario", "S.yaml", &scen, "the scenario whose sectors (required)"),
	        SF_OPT_CB(0, "event-weight", "TYPE=W", NULL,
	                  "how much one incident of ACLED event type TYPE\n"
	                  "counts (repeatable; 0 leaves it out; defaults in\n"
	                  "docs/register.md: 1 for the violence types)",
	                  opt_event_weight, &ew, 0),
	        SF_OPT_NUM(0, "window-days", "N", &o.window_days,
	                   "the trailing window (default 28)", 1, 3650, "--window-days"),
	        SF_OPT_DBL(0, "min", "X", &o.min, "the lowest multiplier (default 0.5)", 0, -1e300,
	                   1e300, NULL, "is not a number"),
	        SF_OPT_DBL(0, "max", "X", &o.max, "the highest multiplier (default 2.0)", 0, -1e300,
	                   1e300, NULL, "is not a number"),
	        SF_OPT_DBL(0, "weight", "X", &o.weight, "the exponent (default 1)", 0, -1e300,
	                   1e300, NULL, "is not a number"),
	        SF_OPT_DATE(0, "as-of", &o.as_of,
	                    "the window's last day (default: the latest\n"
	                    "incident)"),
	        SF_OPT_STR(0, "population-attr", "NAME", &o.population_attr,
	                   "the sectors' population property (default\n"
	                   "population)"),
	        SF_OPT_FORMAT_TABLE(&fmt),
	        SF_OPT_DB_DEFAULT(&db),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "incidents threat", "--scenario S.yaml [OPTIONS]",
	        "Per-sector threat multipliers from the register: incidents per 100,000\n"
	        "people in the trailing window, against the all-sector rate:\n"
	        "  threat = clamp((rate_sector / rate_all) ^ weight, min, max)\n"
	        "(1 when there is no incident or no population). See\n"
	        "docs/scenario-format.md, \"threat from the register\".",
	        opts, NULL};
	if ((r = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return r;
	o.events = ew.ev;
	o.nevents = ew.n;
	if (!scen || first != argc) {
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
/* alerts                                                             */

#define MAX_ALERT_TYPES 16

/* --change large|moderate|off: the rule's least change level. */
static int opt_change(const sf_opt *o, const char *arg, const char *cmd)
{
	sf_change_level *lv = o->target;
	if (strcmp(arg, "off") == 0)
		*lv = SF_CHANGE_NO_DATA;
	else if (strcmp(arg, "large") == 0)
		*lv = SF_CHANGE_LARGE_INCREASE;
	else if (strcmp(arg, "moderate") == 0)
		*lv = SF_CHANGE_MODERATE_INCREASE;
	else {
		fprintf(stderr, "stabforce %s: --change is large, moderate or off, not '%s'\n", cmd,
		        arg);
		return 2;
	}
	return 0;
}

/* --type EVENT_TYPE, repeated: appended to ctx (MAX_ALERT_TYPES), counted in target. */
static int opt_type(const sf_opt *o, const char *arg, const char *cmd)
{
	size_t *n = o->target;
	const char **types = o->ctx;
	if (*n == MAX_ALERT_TYPES) {
		fprintf(stderr, "stabforce %s: at most %d --type\n", cmd, MAX_ALERT_TYPES);
		return 2;
	}
	types[(*n)++] = arg;
	return 0;
}

static int cmd_alerts(int argc, char **argv)
{
	const char *db = SF_CLI_DEFAULT_DB;
	const char *types[MAX_ALERT_TYPES];
	sf_alert_rules r;
	int fmt = SF_FORMAT_TEXT, first = 0, pr;
	sf_alert_rules_init(&r);
	const sf_opt opts[] = {
	        SF_OPT_DATE(0, "as-of", &r.as_of,
	                    "the last day looked at (default: the latest\nincident)"),
	        SF_OPT_NUM(0, "days", "N", &r.days,
	                   "the incident rules look at the N days to --as-of\n(default 1: since "
	                   "yesterday)",
	                   1, 3650, "--days"),
	        SF_OPT_CB(0, "change", "LEVEL", &r.change_level,
	                  "a sector's change level at least: large (default),\nmoderate or off",
	                  opt_change, NULL, 0),
	        SF_OPT_CB(0, "type", "EVENT_TYPE", &r.nevent_types,
	                  "every incident of this ACLED event type\n(repeatable, at most 16)",
	                  opt_type, types, 0),
	        SF_OPT_LNUM(
	                0, "fatalities", "N", &r.fatalities,
	                "every incident with at least N reported\nfatalities (default 10; 0: off)",
	                0, 1e9, "--fatalities"),
	        SF_OPT_FORMAT(&fmt, "text (default), md or json", SF_OPT_FMT_NO_CSV),
	        SF_OPT_DB_DEFAULT(&db),
	        SF_OPT_END(),
	};
	const sf_cli_spec spec = {
	        "incidents alerts", "[OPTIONS]",
	        "What changed, as rules a monitor sets: a sector whose ACLED change level\n"
	        "(this week against the 4 weeks before) is at least --change ('new' when\n"
	        "it was lower the day before); every incident of a --type in the last\n"
	        "--days days to --as-of; every incident in them with at least\n"
	        "--fatalities reported fatalities. 'incidents import --alerts' prints the\n"
	        "default alerts after importing. See docs/register.md, \"Alerts\".",
	        opts, NULL};
	if ((pr = sf_opt_parse(&spec, argc, argv, &first)) >= 0)
		return pr;
	r.event_types = types;
	if (first != argc) {
		fprintf(stderr, "stabforce %s alerts: unexpected argument '%s'\n", CMD,
		        argv[first]);
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
	sf_status rc = sf_incidents_write_alerts(st, &r, (sf_format)fmt, &b, &err);
	ex = sf_cli_finish(CMD, rc, &b, &err);
	sf_buf_release(&b);
	sf_store_close(st);
	return ex;
}

/* ---------------------------------------------------------------- */

int sf_cmd_incidents(int argc, char **argv)
{
	static const sf_cli_subcommand subs[] = {
	        {"import", cmd_import}, {"delete", cmd_delete}, {"list", cmd_list},
	        {"report", cmd_report}, {"dupes", cmd_dupes},   {"review", cmd_review},
	        {"log", cmd_log},       {"threat", cmd_threat}, {"alerts", cmd_alerts}};
	return sf_cli_dispatch(CMD, argc, argv, subs, N_ELEMS(subs), usage);
}
