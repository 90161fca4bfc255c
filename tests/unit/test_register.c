/*
 * test_register.c - the incident and aid registers over a store: SQLite
 * files, or, run under tests/pg/with-pg.sh (SF_PG_HOST set), databases on
 * that throwaway PostgreSQL cluster (the same tests, the same numbers):
 * import (quirks, normalization, rejects, upsert by timestamp, the schema
 * migration, one transaction), sector assignment (inside, nearest,
 * override, none), deletions, review and the edit log, possible duplicates,
 * reports against numbers worked out by hand, aid import and report, and
 * the threat and escort feedback, row versions and stale review edits,
 * and the import against upserting its rows one by one (and, on
 * PostgreSQL, against the same files in SQLite).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/internal.h"
#include "base/dates.h"
#include "register/store.h"
#include "stabforce/json.h"
#include "store_fixture.h"

static char tmpdir[256];
static int dbn;

static sf_store *new_store(void)
{
	char name[32];
	sf_store *st = NULL;
	sf_error err;
	sf_error_clear(&err);
	sf_snprintf(name, sizeof name, "t%d", dbn++);
	const char *loc = fx_store_location(tmpdir, name);
	assert_non_null(loc);
	assert_int_equal(sf_store_open(loc, &st, &err), SF_OK);
	return st;
}

static const char *gaza_geojson(void)
{
	static char path[1024];
	const char *src = getenv("SRCDIR");
	sf_snprintf(path, sizeof path, "%s/examples/gaza/sectors.geojson", src ? src : "../..");
	return path;
}

static sf_status import_text(sf_store *st, const char *text, sf_sector_map *map,
                             sf_import_summary *sum, sf_buf *rejects, sf_error *err)
{
	FILE *in = fmemopen((void *)text, strlen(text), "rb");
	char *rbuf = NULL;
	size_t rlen = 0;
	FILE *rej = open_memstream(&rbuf, &rlen);
	sf_import_options o;
	assert_non_null(in);
	assert_non_null(rej);
	sf_import_options_init(&o);
	o.sectors = map;
	o.rejects = rej;
	o.file_name = "test.csv";
	o.who = "tester";
	sf_status rc = sf_incidents_import(st, in, &o, sum, err);
	fclose(in);
	fclose(rej);
	if (rejects)
		sf_buf_add(rejects, rbuf, rlen);
	free(rbuf);
	return rc;
}

/* Collect incidents as "id|date|sector|method|status|fatalities|inter1|interaction|ct;" */
static int dump_cb(void *ctx, const sf_incident *inc)
{
	sf_buf *b = ctx;
	sf_buf_addf(b, "%s|%s|%s|%s|%s|%ld|%s|%s|%s;", inc->col[SF_COL_EVENT_ID_CNTY],
	            inc->col[SF_COL_EVENT_DATE], inc->sector,
	            sf_sector_method_str(inc->sector_method), sf_incident_status_str(inc->status),
	            inc->fatalities, inc->col[SF_COL_INTER1], inc->col[SF_COL_INTERACTION],
	            inc->col[SF_COL_CIVILIAN_TARGETING]);
	return 0;
}

static void dump(sf_store *st, const sf_incident_filter *f, sf_buf *b)
{
	sf_incident_filter all;
	sf_error err;
	sf_error_clear(&err);
	if (!f) {
		sf_incident_filter_init(&all);
		all.include_retracted = 1;
		f = &all;
	}
	sf_buf_reset(b);
	assert_int_equal(sf_store_incident_query(st, f, SF_ORDER_DATE, dump_cb, b, &err), SF_OK);
}

static long count(sf_store *st)
{
	long n = -1;
	assert_int_equal(sf_store_incident_count(st, &n, NULL), SF_OK);
	return n;
}

/* A header in a shuffled order, with a BOM, CRLF, and the three date forms. */
static const char QUIRKY[] =
        "\xEF\xBB\xBF"
        "notes,event_id_cnty,event_date,event_type,sub_event_type,actor1,inter1,actor2,inter2,"
        "interaction,civilian_targeting,location,latitude,longitude,source,fatalities,timestamp\r\n"
        "\"SYNTHETIC: a note, with \"\"quotes\"\"\nand a newline\",PSE1,2025-10-12,"
        "Explosions/Remote violence,Air/drone strike,Synthetic State Forces A,1,"
        "Synthetic Civilians,7,17,Civilian targeting,Rafah,31.29,34.255,Outlet W,3,1760000000\r\n"
        "SYNTHETIC,PSE2,13 October 2025,Battles,Armed clash,Synthetic Political Militia "
        "D,Political militia,"
        "Synthetic Unidentified Armed Group,Political militia,Political militia-Political "
        "militia,,Gaza City,31.50,34.45,Outlet J,0,1760000100\n"
        "SYNTHETIC,PSE3,6-Oct-25,Protests,Peaceful protest,Synthetic Protesters,6,,0,60,yes,"
        "Coast of Rafah,31.333,34.2055,Outlet O,,1760000200\n"
        "\n"
        "SYNTHETIC,PSE4,2025-10-14,Riots,Mob violence,Synthetic Rioters,5,,,50,,El Arish,"
        "31.13,33.80,Outlet W,1,1760000300\n";

static int note_cb(void *ctx, const sf_incident *inc)
{
	sf_buf_addf(ctx, "%s|%s|%s", inc->col[SF_COL_NOTES], inc->col[SF_COL_YEAR],
	            inc->col[SF_COL_LOCATION]);
	return 0;
}

static void test_import_quirks(void **state)
{
	(void)state;
	sf_store *st = new_store();
	sf_sector_map *map = NULL;
	sf_import_summary s;
	sf_error err;
	sf_buf b;
	sf_buf_init(&b, 0);
	sf_error_clear(&err);
	assert_int_equal(sf_sector_map_open(gaza_geojson(), "id", &map, &err), SF_OK);

	assert_int_equal(import_text(st, QUIRKY, map, &s, NULL, &err), SF_OK);
	assert_int_equal(s.read, 4);
	assert_int_equal(s.inserted, 4);
	assert_int_equal(s.rejected, 0);
	assert_int_equal(s.by_method[SF_SECTOR_INSIDE], 2);
	assert_int_equal(s.by_method[SF_SECTOR_NEAREST], 1);
	assert_int_equal(s.by_method[SF_SECTOR_NONE], 1);
	dump(st, NULL, &b);
	/* PSE3's empty fatalities: not reported (-1, SF_FATALITIES_NONE), never 0. */
	assert_string_equal(
	        sf_buf_str(&b),
	        "PSE3|2025-10-06|rafah|nearest|reported|-1|Protesters|Protesters only|Civilian "
	        "targeting;"
	        "PSE1|2025-10-12|rafah|inside|reported|3|State forces|State "
	        "forces-Civilians|Civilian "
	        "targeting;"
	        "PSE2|2025-10-13|gaza|inside|reported|0|Political militia|Political "
	        "militia-Political "
	        "militia|;"
	        "PSE4|2025-10-14||none|reported|1|Rioters|Rioters only|;");

	/* The note came through whole, year filled from the date. */
	sf_incident_filter f;
	sf_incident_filter_init(&f);
	f.event_id = "PSE1";
	sf_buf_reset(&b);
	assert_int_equal(sf_store_incident_query(st, &f, SF_ORDER_DATE, note_cb, &b, &err), SF_OK);
	assert_string_equal(sf_buf_str(&b),
	                    "SYNTHETIC: a note, with \"quotes\"\nand a newline|2025|Rafah");

	/* Importing the same file again changes nothing. */
	assert_int_equal(import_text(st, QUIRKY, map, &s, NULL, &err), SF_OK);
	assert_int_equal(s.inserted, 0);
	assert_int_equal(s.updated, 0);
	assert_int_equal(s.unchanged, 4);
	assert_int_equal(count(st), 4);

	/* An override wins over the polygon. */
	assert_int_equal(sf_sector_map_add_override(map, "el arish", "rafah", &err), SF_OK);
	assert_int_not_equal(sf_sector_map_add_override(map, "x", "atlantis", NULL), SF_OK);
	sf_sector_method m;
	double km;
	const char *sec = sf_sector_map_locate(map, "El Arish", 33.80, 31.13, 5, &m, &km);
	assert_string_equal(sec, "rafah");
	assert_int_equal(m, SF_SECTOR_OVERRIDE);
	sec = sf_sector_map_locate(map, "Nowhere", 33.80, 31.13, 5, &m, &km);
	assert_null(sec);
	assert_int_equal(m, SF_SECTOR_NONE);
	sec = sf_sector_map_locate(map, "Coast of Rafah", 34.2055, 31.333, 5, &m, &km);
	assert_string_equal(sec, "rafah");
	assert_int_equal(m, SF_SECTOR_NEAREST);
	assert_true(km > 0.5 && km < 3);
	/* Outside the distance: none. */
	sec = sf_sector_map_locate(map, "Coast of Rafah", 34.2055, 31.333, 0.1, &m, &km);
	assert_null(sec);

	sf_buf_release(&b);
	sf_sector_map_free(map);
	sf_store_close(st);
}

static const char HDR[] = "event_id_cnty,event_date,event_type,latitude,longitude,fatalities,"
                          "timestamp,inter1,notes\n";

static void test_rejects(void **state)
{
	(void)state;
	sf_store *st = new_store();
	sf_import_summary s;
	sf_error err;
	sf_buf rej, text;
	sf_buf_init(&rej, 0);
	sf_buf_init(&text, 0);
	sf_error_clear(&err);
	sf_buf_adds(&text, HDR);
	sf_buf_adds(&text, "A1,2025-01-01,Battles,31.5,34.4,0,10,1,ok\n");        /* line 2 */
	sf_buf_adds(&text, "A2,2025-02-30,Battles,31.5,34.4,0,10,1,bad date\n");  /* 3 */
	sf_buf_adds(&text, "A3,2025-01-01,Battles,91,34.4,0,10,1,bad lat\n");     /* 4 */
	sf_buf_adds(&text, "A4,2025-01-01,Battles,31.5,34.4,-1,10,1,bad fat\n");  /* 5 */
	sf_buf_adds(&text, "A5,2025-01-01,Battles,31.5,34.4,0,10,9,bad inter\n"); /* 6 */
	sf_buf_adds(&text, ",2025-01-01,Battles,31.5,34.4,0,10,1,no id\n");       /* 7 */
	sf_buf_adds(&text, "A7,2025-01-01,Battles,31.5\n");                       /* 8 */
	sf_buf_adds(&text, "A8,2025-01-01,,31.5,34.4,0,10,1,no type\n");          /* 9 */
	sf_buf_adds(&text, "A9,2025-01-01,Battles,31.5,34.4,0,x,1,bad ts\n");     /* 10 */
	sf_buf_adds(&text, "A10,2025-01-01,Battles,31.5,34.4,0,10,1,\"multi\nline\"x\n"); /* 11 */
	sf_buf_adds(&text, "A11,2025-01-01,Battles,31.5,34.4,0,10,1,\xff\xfe\n");         /* 13 */
	sf_buf_adds(&text, "A12,2025-01-02,Battles,31.5,34.4,2,10,Civilians,ok\n");       /* 14 */
	assert_int_equal(import_text(st, sf_buf_str(&text), NULL, &s, &rej, &err), SF_OK);
	assert_int_equal(s.read, 12);
	assert_int_equal(s.inserted, 2);
	assert_int_equal(s.rejected, 10);
	assert_int_equal(s.by_method[SF_SECTOR_NONE], 2);
	assert_int_equal(count(st), 2);
	const char *r = sf_buf_str(&rej);
	assert_non_null(strstr(r, "line,reason,event_id_cnty,event_date"));
	assert_non_null(strstr(r, "\n3,bad event_date '2025-02-30',A2,"));
	assert_non_null(strstr(r, "\n4,bad latitude '91',A3"));
	assert_non_null(strstr(r, "\n5,bad fatalities '-1',A4"));
	assert_non_null(strstr(r, "\n6,unknown inter1 code '9',A5"));
	assert_non_null(strstr(r, "\n7,empty event_id_cnty,"));
	assert_non_null(strstr(r, "\n8,\"expected 9 fields, found 4\",A7"));
	assert_non_null(strstr(r, "\n9,empty event_type,A8"));
	assert_non_null(strstr(r, "\n10,bad timestamp 'x',A9"));
	assert_non_null(strstr(r, "\n11,text after a closing quote,A10,"));
	assert_non_null(strstr(r, "\n13,invalid UTF-8 in column 9,A11"));

	/* A header without a required column: nothing is imported. */
	long before = count(st);
	sf_error_clear(&err);
	assert_int_equal(import_text(st, "event_id_cnty,event_date,latitude\nZ,2025-01-01,1\n",
	                             NULL, &s, NULL, &err),
	                 SF_ERR_INPUT);
	assert_non_null(strstr(err.message, "missing column 'event_type'"));
	assert_int_equal(count(st), before);
	sf_error_clear(&err);
	assert_int_equal(import_text(st, "", NULL, &s, NULL, &err), SF_ERR_INPUT);

	sf_buf_release(&rej);
	sf_buf_release(&text);
	sf_store_close(st);
}

static void test_upsert(void **state)
{
	(void)state;
	sf_store *st = new_store();
	sf_import_summary s;
	sf_error err;
	sf_buf b, text;
	int found;
	sf_buf_init(&b, 0);
	sf_buf_init(&text, 0);
	sf_error_clear(&err);

	sf_buf_adds(&text, HDR);
	sf_buf_adds(&text, "U1,2025-01-01,Battles,31.5,34.4,1,100,1,v1\n");
	sf_buf_adds(&text, "U2,2025-01-01,Battles,31.5,34.4,1,100,1,v1\n");
	sf_buf_adds(&text, "U3,2025-01-01,Battles,31.5,34.4,1,100,1,v1\n");
	assert_int_equal(import_text(st, sf_buf_str(&text), NULL, &s, NULL, &err), SF_OK);
	assert_int_equal(s.inserted, 3);
	assert_int_equal(sf_store_incident_set_status(st, "U1", SF_ISTATUS_VERIFIED, "seen",
	                                              "tester", &found, &err),
	                 SF_OK);
	assert_int_equal(found, 1);

	/* newer (U1: 5 fatalities), equal (U2: changed but same timestamp), older (U3). */
	sf_buf_reset(&text);
	sf_buf_adds(&text, HDR);
	sf_buf_adds(&text, "U1,2025-01-02,Battles,31.5,34.4,5,101,1,v2\n");
	sf_buf_adds(&text, "U2,2025-01-02,Battles,31.5,34.4,6,100,1,v2\n");
	sf_buf_adds(&text, "U3,2025-01-02,Battles,31.5,34.4,7,99,1,v2\n");
	sf_buf_adds(&text, "U4,2025-01-02,Battles,31.5,34.4,0,1,1,new\n");
	/* The same id twice in one file: the later, newer row wins. */
	sf_buf_adds(&text, "U4,2025-01-03,Battles,31.5,34.4,9,2,1,newer\n");
	assert_int_equal(import_text(st, sf_buf_str(&text), NULL, &s, NULL, &err), SF_OK);
	assert_int_equal(s.read, 5);
	assert_int_equal(s.inserted, 1);
	assert_int_equal(s.updated, 2);
	assert_int_equal(s.unchanged, 2);
	dump(st, NULL, &b);
	assert_string_equal(sf_buf_str(&b), "U2|2025-01-01||none|reported|1|State forces||;"
	                                    "U3|2025-01-01||none|reported|1|State forces||;"
	                                    "U1|2025-01-02||none|verified|5|State forces||;"
	                                    "U4|2025-01-03||none|reported|9|State forces||;");

	/* Deletions, logged. */
	FILE *del = fmemopen((void *)"U2\nU9\n\nU3\n", 10, "rb");
	long nd, nm;
	assert_int_equal(sf_incidents_delete_file(st, del, "tester", &nd, &nm, &err), SF_OK);
	fclose(del);
	assert_int_equal(nd, 2);
	assert_int_equal(nm, 1);
	assert_int_equal(count(st), 2);

	sf_buf_release(&b);
	sf_buf_release(&text);
	sf_store_close(st);
}

static int edit_cb(void *ctx, const sf_edit_entry *e)
{
	sf_buf *b = ctx;
	sf_buf_addf(b, "%s:%s:%s:%s>%s:%s:%s;", e->event_id, e->other_id, e->what, e->from, e->to,
	            e->note, e->who);
	assert_true(strlen(e->at) == 20);
	return 0;
}

/* Put one incident straight into the store. */
static void put(sf_store *st, const char *id, const char *date, const char *sector,
                const char *type, const char *sub, const char *a1, const char *a2, long fat,
                double lat, double lon, const char *source, const char *system)
{
	sf_incident inc;
	sf_upsert_result res;
	memset(&inc, 0, sizeof inc);
	for (int i = 0; i < SF_ACLED_NCOLS; i++)
		inc.col[i] = "";
	inc.col[SF_COL_EVENT_ID_CNTY] = id;
	inc.col[SF_COL_EVENT_DATE] = date;
	inc.col[SF_COL_EVENT_TYPE] = type;
	inc.col[SF_COL_SUB_EVENT_TYPE] = sub;
	inc.col[SF_COL_ACTOR1] = a1;
	inc.col[SF_COL_ACTOR2] = a2;
	inc.col[SF_COL_SOURCE] = source;
	inc.col[SF_COL_LOCATION] = "somewhere";
	assert_int_equal(sf__date_parse(date, &inc.day), 0);
	inc.fatalities = fat;
	inc.latitude = lat;
	inc.longitude = lon;
	inc.timestamp = 1;
	inc.sector = sector;
	inc.sector_method = *sector ? SF_SECTOR_INSIDE : SF_SECTOR_NONE;
	inc.source_system = system;
	assert_int_equal(sf_store_incident_upsert(st, &inc, &res, NULL), SF_OK);
}

static void test_review_log(void **state)
{
	(void)state;
	sf_store *st = new_store();
	sf_error err;
	sf_buf b;
	int found;
	long first = 0, last = 0;
	sf_buf_init(&b, 0);
	sf_error_clear(&err);
	/* The days covered: none in an empty register. */
	assert_int_equal(sf_store_incident_days(st, &first, &last, &err), SF_OK);
	assert_true(first == SF_DAY_NONE && last == SF_DAY_NONE);
	put(st, "R1", "2025-01-01", "gaza", "Battles", "Armed clash", "A", "", 1, 31.5, 34.45, "s",
	    "ACLED");
	assert_int_equal(sf_store_incident_set_status(st, "R1", SF_ISTATUS_CORROBORATED,
	                                              "second source", "ana", &found, &err),
	                 SF_OK);
	assert_int_equal(sf_store_incident_set_status(st, "R1", SF_ISTATUS_RETRACTED, "wrong place",
	                                              "bo", &found, &err),
	                 SF_OK);
	assert_int_equal(sf_store_incident_set_status(st, "R9", SF_ISTATUS_VERIFIED, "x", "bo",
	                                              &found, &err),
	                 SF_OK);
	assert_int_equal(found, 0);
	assert_int_equal(sf_store_edits(st, "R1", edit_cb, &b, &err), SF_OK);
	assert_string_equal(sf_buf_str(&b), "R1::status:reported>corroborated:second source:ana;"
	                                    "R1::status:corroborated>retracted:wrong place:bo;");
	/* A retracted incident leaves lists and reports unless asked for. */
	sf_incident_filter f;
	sf_incident_filter_init(&f);
	dump(st, &f, &b);
	assert_string_equal(sf_buf_str(&b), "");
	f.include_retracted = 1;
	dump(st, &f, &b);
	assert_non_null(strstr(sf_buf_str(&b), "R1|"));
	assert_int_equal(sf_incident_status_parse("verified"), SF_ISTATUS_VERIFIED);
	assert_int_equal(sf_incident_status_parse("bogus"), -1);
	/* A retracted incident still marks a day covered; the span is 1 January to 5 March. */
	put(st, "R2", "2025-03-05", "gaza", "Battles", "Armed clash", "A", "", 0, 31.5, 34.45, "s",
	    "ACLED");
	put(st, "R3", "2025-02-01", "gaza", "Battles", "Armed clash", "A", "", 0, 31.5, 34.45, "s",
	    "ACLED");
	assert_int_equal(sf_store_incident_days(st, &first, &last, &err), SF_OK);
	assert_true(first != SF_DAY_NONE);
	assert_int_equal(last - first, 31 + 28 + 4);
	sf_buf_release(&b);
	sf_store_close(st);
}

static int pair_cb(void *ctx, const sf_dupe_pair *p)
{
	sf_buf *b = ctx;
	sf_buf_addf(b, "%s-%s:%ld:%s;", p->a->col[SF_COL_EVENT_ID_CNTY],
	            p->b->col[SF_COL_EVENT_ID_CNTY], p->days, p->decision);
	return 0;
}

static void test_dupes(void **state)
{
	(void)state;
	sf_store *st = new_store();
	sf_error err;
	sf_buf b;
	sf_dupe_options o;
	sf_buf_init(&b, 0);
	sf_error_clear(&err);
	sf_dupe_options_init(&o);
	/* 0.009 degrees of latitude is 1.0 km. */
	put(st, "D1", "2025-03-01", "gaza", "Battles", "Armed clash", "A", "B", 0, 31.500, 34.45,
	    "Outlet W", "ACLED");
	/* 1 day later, 1 km, another reporter: a possible duplicate of D1. */
	put(st, "D2", "2025-03-02", "gaza", "Battles", "Armed clash", "A", "B", 0, 31.509, 34.45,
	    "Outlet J", "ACLED");
	/* Same day and place, another system, same reporter: possible duplicate of D1. */
	put(st, "D3", "2025-03-01", "gaza", "Battles", "Armed clash", "A", "B", 0, 31.500, 34.45,
	    "Outlet W", "UNMON");
	/* Same date, place, type, actors and reporter: a distinct event, never a pair. */
	put(st, "D4", "2025-03-01", "gaza", "Battles", "Armed clash", "A", "B", 0, 31.500, 34.45,
	    "Outlet W", "ACLED");
	/* 3.3 km away: no pair. */
	put(st, "D5", "2025-03-01", "gaza", "Battles", "Armed clash", "A", "B", 0, 31.530, 34.45,
	    "Outlet O", "ACLED");
	/* 2 days after D1 (too late for it), 1 day after D2 and 1.95 km from it. */
	put(st, "D6", "2025-03-03", "gaza", "Battles", "Armed clash", "A", "B", 0, 31.5265, 34.45,
	    "Times", "ACLED");
	/* Another type: no pair. */
	put(st, "D7", "2025-03-01", "gaza", "Riots", "Mob violence", "A", "B", 0, 31.500, 34.45,
	    "Outlet O", "ACLED");
	assert_int_equal(count(st), 7);

	assert_int_equal(sf_incidents_dupes(st, NULL, &o, pair_cb, &b, &err), SF_OK);
	/* Sweep order: D1, D3, D4, D5 (day 0), D2 (day 1), D6 (day 2). D1-D4 share
	 * everything but the id and are never paired. */
	assert_string_equal(sf_buf_str(&b),
	                    "D1-D3:0:;D3-D4:0:;D1-D2:1:;D3-D2:1:;D4-D2:1:;D2-D6:1:;");

	/* Decisions: recorded in the edit log, and the pair leaves the list. */
	assert_int_equal(
	        sf_store_dupe_decide(st, "D2", "D1", "duplicate", "same clash", "ana", &err),
	        SF_OK);
	assert_int_equal(
	        sf_store_dupe_decide(st, "D3", "D4", "distinct", "two clashes", "ana", &err),
	        SF_OK);
	sf_buf_reset(&b);
	assert_int_equal(sf_incidents_dupes(st, NULL, &o, pair_cb, &b, &err), SF_OK);
	assert_string_equal(sf_buf_str(&b), "D1-D3:0:;D3-D2:1:;D4-D2:1:;D2-D6:1:;");
	o.include_decided = 1;
	sf_buf_reset(&b);
	assert_int_equal(sf_incidents_dupes(st, NULL, &o, pair_cb, &b, &err), SF_OK);
	assert_string_equal(sf_buf_str(&b), "D1-D3:0:;D3-D4:0:distinct;D1-D2:1:duplicate;"
	                                    "D3-D2:1:;D4-D2:1:;D2-D6:1:;");
	sf_buf_reset(&b);
	assert_int_equal(sf_store_edits(st, "D1", edit_cb, &b, &err), SF_OK);
	assert_string_equal(sf_buf_str(&b), "D1:D2:duplicate:>duplicate:same clash:ana;");
	/* Thresholds are options. */
	o.include_decided = 0;
	o.max_km = 0.5;
	sf_buf_reset(&b);
	assert_int_equal(sf_incidents_dupes(st, NULL, &o, pair_cb, &b, &err), SF_OK);
	assert_string_equal(sf_buf_str(&b), "D1-D3:0:;");
	o.limit = 1;
	o.max_km = 2;
	sf_buf_reset(&b);
	assert_int_equal(sf_incidents_dupes(st, NULL, &o, pair_cb, &b, &err), SF_OK);
	assert_string_equal(sf_buf_str(&b), "D1-D3:0:;");
	sf_buf_release(&b);
	sf_store_close(st);
}

static void fill_reports(sf_store *st)
{
	put(st, "R1", "2025-09-08", "rafah", "Battles", "Armed clash", "A", "B", 2, 31.3, 34.25,
	    "s", "ACLED");
	put(st, "R2", "2025-09-10", "rafah", "Explosions", "Air strike", "A", "", 5, 31.3, 34.25,
	    "s", "ACLED");
	put(st, "R3", "2025-09-16", "gaza", "Battles", "Armed clash", "A", "B", 0, 31.5, 34.45, "s",
	    "ACLED");
	put(st, "R4", "2025-09-23", "gaza", "Explosions", "Air strike", "C", "", 1, 31.5, 34.45,
	    "s", "ACLED");
	put(st, "R5", "2025-09-30", "khan_younis", "Battles", "Armed clash", "A", "C", 3, 31.34,
	    34.3, "s", "ACLED");
	put(st, "R6", "2025-10-07", "gaza", "Explosions", "Air strike", "A", "", 4, 31.5, 34.45,
	    "s", "ACLED");
	put(st, "R7", "2025-10-13", "rafah", "Battles", "Armed clash", "B", "", 0, 31.3, 34.25, "s",
	    "ACLED");
	put(st, "R8", "2025-10-14", "gaza", "Battles", "Armed clash", "A", "B", 1, 31.5, 34.45, "s",
	    "ACLED");
	put(st, "R9", "2025-10-14", "gaza", "Battles", "Armed clash", "A", "B", 2, 31.5, 34.45, "s",
	    "ACLED");
	int found;
	assert_int_equal(sf_store_incident_set_status(st, "R9", SF_ISTATUS_RETRACTED, "dup", "t",
	                                              &found, NULL),
	                 SF_OK);
}

static void change_str(const sf_change *c, sf_buf *b)
{
	if (isnan(c->mean))
		sf_buf_addf(b, " -/%d", c->weeks);
	else
		sf_buf_addf(b, " %.2f/%d", c->mean, c->weeks);
	if (isnan(c->pct))
		sf_buf_adds(b, " -");
	else
		sf_buf_addf(b, " %+.1f", c->pct);
	sf_buf_addf(b, " %s%s", sf_change_level_str(c->level), c->low_baseline ? " (low)" : "");
}

static void report_str(const sf_report *r, sf_buf *b)
{
	sf_buf_reset(b);
	for (size_t i = 0; i < r->nrows; i++) {
		const sf_report_row *w = &r->rows[i];
		if (w->no_data)
			sf_buf_addf(b, "%s %s %ld nodata", w->period, w->key, w->days);
		else if (r->kind == 2)
			sf_buf_addf(b, "%s %s %ld %ld", w->period, w->key, w->count, w->fatalities);
		else
			sf_buf_addf(b, "%s %s %ld %ld %ld", w->period, w->key, w->days, w->count,
			            w->fatalities);
		if (r->kind == 1) {
			change_str(&w->w4, b);
			sf_buf_adds(b, " |");
			change_str(&w->w52, b);
		}
		if (r->kind == 2)
			sf_buf_addf(b, " %.3f", w->per_day);
		sf_buf_adds(b, ";");
	}
}

/* Every number here is worked out by hand from fill_reports(). */
static void test_reports(void **state)
{
	(void)state;
	sf_store *st = new_store();
	sf_error err;
	sf_buf b;
	sf_report r;
	sf_report_options o;
	sf_incident_filter f;
	char d[16];
	sf_buf_init(&b, 0);
	sf_error_clear(&err);
	fill_reports(st);

	/* Weeks by sector, zero-filled over what the register covers
	 * (2025-09-08, R1, to 2025-10-14, R8 and the retracted R9): every
	 * sector in every week, the last week covered 2 days. */
	sf_report_options_init(&o);
	o.dim = SF_DIM_SECTOR;
	assert_int_equal(sf_incidents_report(st, NULL, &o, &r, &err), SF_OK);
	assert_string_equal(sf__date_format(r.covered_from, d, sizeof d), "2025-09-08");
	assert_string_equal(sf__date_format(r.covered_to, d, sizeof d), "2025-10-14");
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b), "2025-09-08 gaza 7 0 0;2025-09-08 khan_younis 7 0 0;"
	                                    "2025-09-08 rafah 7 2 7;"
	                                    "2025-09-15 gaza 7 1 0;2025-09-15 khan_younis 7 0 0;"
	                                    "2025-09-15 rafah 7 0 0;"
	                                    "2025-09-22 gaza 7 1 1;2025-09-22 khan_younis 7 0 0;"
	                                    "2025-09-22 rafah 7 0 0;"
	                                    "2025-09-29 gaza 7 0 0;2025-09-29 khan_younis 7 1 3;"
	                                    "2025-09-29 rafah 7 0 0;"
	                                    "2025-10-06 gaza 7 1 4;2025-10-06 khan_younis 7 0 0;"
	                                    "2025-10-06 rafah 7 0 0;"
	                                    "2025-10-13 gaza 2 1 1;2025-10-13 khan_younis 2 0 0;"
	                                    "2025-10-13 rafah 2 1 0;");
	sf_report_release(&r);

	/* Per day, gaza only, all types: days without an incident are 0 ... */
	sf_incident_filter_init(&f);
	f.sector = "gaza";
	assert_int_equal(sf__date_parse("2025-09-15", &f.from_day), 0);
	assert_int_equal(sf__date_parse("2025-09-24", &f.to_day), 0);
	o.dim = SF_DIM_NONE;
	o.period = SF_PERIOD_DAY;
	assert_int_equal(sf_incidents_report(st, &f, &o, &r, &err), SF_OK);
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b), "2025-09-15  1 0 0;2025-09-16  1 1 0;2025-09-17  1 0 0;"
	                                    "2025-09-18  1 0 0;2025-09-19  1 0 0;2025-09-20  1 0 0;"
	                                    "2025-09-21  1 0 0;2025-09-22  1 0 0;2025-09-23  1 1 1;"
	                                    "2025-09-24  1 0 0;");
	sf_report_release(&r);
	/* ... days after what the register covers have no data, not 0 ... */
	assert_int_equal(sf__date_parse("2025-10-13", &f.from_day), 0);
	assert_int_equal(sf__date_parse("2025-10-16", &f.to_day), 0);
	assert_int_equal(sf_incidents_report(st, &f, &o, &r, &err), SF_OK);
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b), "2025-10-13  1 0 0;2025-10-14  1 1 1;"
	                                    "2025-10-15  0 nodata;2025-10-16  0 nodata;");
	sf_report_release(&r);
	/* ... unless the register is said to cover them. */
	assert_int_equal(sf__date_parse("2025-10-16", &o.covered_to), 0);
	assert_int_equal(sf_incidents_report(st, &f, &o, &r, &err), SF_OK);
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b), "2025-10-13  1 0 0;2025-10-14  1 1 1;"
	                                    "2025-10-15  1 0 0;2025-10-16  1 0 0;");
	sf_report_release(&r);
	o.covered_to = SF_DAY_NONE;
	/* Weekly, a key with no incident at all in the range: one row per week, 0. */
	f.sector = "north_gaza";
	o.period = SF_PERIOD_WEEK;
	assert_int_equal(sf_incidents_report(st, &f, &o, &r, &err), SF_OK);
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b), "2025-10-13  2 0 0;");
	sf_report_release(&r);
	/* In total, the retracted one included. */
	sf_incident_filter_init(&f);
	f.sector = "gaza";
	f.include_retracted = 1;
	o.period = SF_PERIOD_TOTAL;
	assert_int_equal(sf_incidents_report(st, &f, &o, &r, &err), SF_OK);
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b), "total  37 5 8;");
	sf_report_release(&r);

	/* By actor (actor1 or actor2), in total; by sub-type from a date. */
	o.dim = SF_DIM_ACTOR;
	assert_int_equal(sf_incidents_report(st, NULL, &o, &r, &err), SF_OK);
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b), "total A 37 6 15;total B 37 4 3;total C 37 2 4;");
	sf_report_release(&r);
	sf_incident_filter_init(&f);
	assert_int_equal(sf__date_parse("2025-09-23", &f.from_day), 0);
	o.dim = SF_DIM_SUB_EVENT_TYPE;
	assert_int_equal(sf_incidents_report(st, &f, &o, &r, &err), SF_OK);
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b), "total Air strike 22 2 5;total Armed clash 22 3 4;");
	sf_report_release(&r);
	/* A filter the roll-ups cannot answer (actor) scans the incidents. */
	sf_incident_filter_init(&f);
	f.actor = "A";
	o.dim = SF_DIM_SECTOR;
	assert_int_equal(sf_incidents_report(st, &f, &o, &r, &err), SF_OK);
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b),
	                    "total gaza 37 3 5;total khan_younis 37 1 3;total rafah 37 2 7;");
	sf_report_release(&r);

	/* Change levels: this week 2025-10-08..14 against the windows before
	 * it that the register covers in full: 10-01..07, 09-24..30,
	 * 09-17..23, 09-10..16 (09-03..09 starts before 09-08). Every mean is
	 * at most 2 and every week at most 5: ACLED's low baseline, limited
	 * change, no percentage. */
	sf_report_options_init(&o);
	o.dim = SF_DIM_SECTOR;
	assert_int_equal(sf_incidents_trend(st, NULL, &o, &r, &err), SF_OK);
	assert_string_equal(sf__date_format(r.as_of, d, sizeof d), "2025-10-14");
	report_str(&r, &b);
	assert_string_equal(
	        sf_buf_str(&b),
	        "2025-10-08 gaza 7 1 1 0.75/4 - limited change (low) | 0.75/4 - limited change "
	        "(low);"
	        "2025-10-08 khan_younis 7 0 0 0.25/4 - limited change (low) | 0.25/4 - limited "
	        "change (low);"
	        "2025-10-08 rafah 7 1 0 0.25/4 - limited change (low) | 0.25/4 - limited change "
	        "(low);");
	sf_report_release(&r);
	/* Without the low-baseline rule: the percentages and their levels. */
	o.low_mean = -1;
	o.low_week = -1;
	assert_int_equal(sf_incidents_trend(st, NULL, &o, &r, &err), SF_OK);
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b),
	                    "2025-10-08 gaza 7 1 1 0.75/4 +33.3 large increase | 0.75/4 +33.3 "
	                    "large increase;"
	                    "2025-10-08 khan_younis 7 0 0 0.25/4 -100.0 large decrease | 0.25/4 "
	                    "-100.0 large decrease;"
	                    "2025-10-08 rafah 7 1 0 0.25/4 +300.0 large increase | 0.25/4 +300.0 "
	                    "large increase;");
	sf_report_release(&r);
	/* As of an earlier day: week 09-24..09-30 against 09-17..23 and
	 * 09-10..16, the only two windows covered in full. */
	assert_int_equal(sf__date_parse("2025-09-30", &o.as_of), 0);
	o.dim = SF_DIM_NONE;
	assert_int_equal(sf_incidents_trend(st, NULL, &o, &r, &err), SF_OK);
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b), "2025-09-24  7 1 3 1.50/2 -33.3 large decrease | "
	                                    "1.50/2 -33.3 large decrease;");
	sf_report_release(&r);
	/* This week before the register begins: no data. */
	sf_report_options_init(&o);
	assert_int_equal(sf__date_parse("2025-09-10", &o.as_of), 0);
	assert_int_equal(sf_incidents_trend(st, NULL, &o, &r, &err), SF_OK);
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b), "2025-09-04  7 nodata -/0 - no data | -/0 - no data;");
	sf_report_release(&r);

	/* Before/after the ceasefire of 2025-10-10, by event type. */
	sf_report_options_init(&o);
	o.dim = SF_DIM_EVENT_TYPE;
	assert_int_equal(sf__date_parse("2025-10-10", &o.split_day), 0);
	assert_int_equal(sf_incidents_split(st, NULL, &o, &r, &err), SF_OK);
	assert_int_equal(r.days_before, 32);
	assert_int_equal(r.days_after, 5);
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b), "before Battles 3 5 0.094;before Explosions 3 10 0.094;"
	                                    "after Battles 2 1 0.400;");
	sf_report_release(&r);

	/* An update moves the roll-ups: R8 to rafah with 10 fatalities. */
	sf_incident inc;
	sf_upsert_result res;
	memset(&inc, 0, sizeof inc);
	for (int i = 0; i < SF_ACLED_NCOLS; i++)
		inc.col[i] = "";
	inc.col[SF_COL_EVENT_ID_CNTY] = "R8";
	inc.col[SF_COL_EVENT_TYPE] = "Battles";
	inc.col[SF_COL_SUB_EVENT_TYPE] = "Armed clash";
	inc.col[SF_COL_ACTOR1] = "A";
	assert_int_equal(sf__date_parse("2025-10-14", &inc.day), 0);
	inc.fatalities = 10;
	inc.timestamp = 2;
	inc.sector = "rafah";
	inc.source_system = "ACLED";
	assert_int_equal(sf_store_incident_upsert(st, &inc, &res, NULL), SF_OK);
	assert_int_equal(res, SF_UPSERT_UPDATED);
	sf_report_options_init(&o);
	o.dim = SF_DIM_SECTOR;
	o.period = SF_PERIOD_TOTAL;
	assert_int_equal(sf_incidents_report(st, NULL, &o, &r, &err), SF_OK);
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b),
	                    "total gaza 37 3 5;total khan_younis 37 1 3;total rafah 37 4 17;");
	sf_report_release(&r);
	o.dim = SF_DIM_ACTOR;
	assert_int_equal(sf_incidents_report(st, NULL, &o, &r, &err), SF_OK);
	report_str(&r, &b);
	assert_string_equal(sf_buf_str(&b), "total A 37 6 24;total B 37 3 2;total C 37 2 4;");
	sf_report_release(&r);

	sf_buf_release(&b);
	sf_store_close(st);
}

/* ACLED's bands: a baseline of 5 incidents a week (not a low baseline). */
static void test_change_levels(void **state)
{
	(void)state;
	sf_store *st = new_store();
	sf_error err;
	sf_buf b;
	sf_report r;
	sf_report_options o;
	char id[16], day[16];
	long d0;
	sf_buf_init(&b, 0);
	sf_error_clear(&err);
	assert_int_equal(sf__date_parse("2024-12-26", &d0), 0);
	/* The 4 weeks before 2025-01-29 (as of), from 2024-12-26: 5 incidents
	 * each; this week (01-23..01-29) gets 3 to 7 as the cases below add
	 * them; the register is said to be complete to 01-29. */
	int n = 0;
	for (int w = 0; w < 4; w++)
		for (int k = 0; k < 5; k++) {
			sf_snprintf(id, sizeof id, "C%d", n++);
			sf__date_format(d0 + 7 * w + k, day, sizeof day);
			put(st, id, day, "gaza", "Battles", "Armed clash", "A", "B", 0, 31.5, 34.45,
			    "s", "ACLED");
		}
	sf_report_options_init(&o);
	assert_int_equal(sf__date_parse("2025-01-29", &o.as_of), 0);
	o.covered_to = o.as_of;
	static const char *const want[] = {
	        "2025-01-23  7 3 0 5.00/4 -40.0 large decrease",
	        "2025-01-23  7 4 0 5.00/4 -20.0 limited change",
	        "2025-01-23  7 5 0 5.00/4 +0.0 limited change",
	        "2025-01-23  7 6 0 5.00/4 +20.0 moderate increase",
	        "2025-01-23  7 7 0 5.00/4 +40.0 large increase",
	};
	for (int k = 0; k < 7; k++) {
		sf_snprintf(id, sizeof id, "T%d", k);
		sf__date_format(d0 + 28 + k, day, sizeof day);
		put(st, id, day, "gaza", "Battles", "Armed clash", "A", "B", 0, 31.5, 34.45, "s",
		    "ACLED");
		if (k < 2)
			continue;
		assert_int_equal(sf_incidents_trend(st, NULL, &o, &r, &err), SF_OK);
		report_str(&r, &b);
		assert_int_equal(strncmp(sf_buf_str(&b), want[k - 2], strlen(want[k - 2])), 0);
		sf_report_release(&r);
	}
	sf_buf_release(&b);
	sf_store_close(st);
}

/*
 * Alerts, worked by hand: gaza has 5 incidents a week for the 4 weeks from
 * 2024-12-26 and 7 in the week to 2025-01-29, a large increase (+40%) that
 * was a moderate one (6, +20%) the day before, so new; rafah has an
 * explosion with 12 fatalities on 01-29 and a riot with 20 on 01-27.
 */
static void test_alerts(void **state)
{
	(void)state;
	sf_store *st = new_store();
	sf_error err;
	sf_alerts a;
	sf_alert_rules r;
	char id[16], day[16];
	long d0;
	sf_error_clear(&err);
	assert_int_equal(sf__date_parse("2024-12-26", &d0), 0);
	/* an empty register: no alert, as_of none */
	assert_int_equal(sf_incidents_alerts(st, NULL, &a, &err), SF_OK);
	assert_int_equal(a.n, 0);
	assert_true(a.as_of == SF_DAY_NONE);
	sf_alerts_release(&a);
	int n = 0;
	for (int w = 0; w < 4; w++)
		for (int k = 0; k < 5; k++) {
			sf_snprintf(id, sizeof id, "C%d", n++);
			sf__date_format(d0 + 7 * w + k, day, sizeof day);
			put(st, id, day, "gaza", "Battles", "Armed clash", "A", "B", 0, 31.5, 34.45,
			    "s", "ACLED");
		}
	for (int k = 0; k < 7; k++) {
		sf_snprintf(id, sizeof id, "T%d", k);
		sf__date_format(d0 + 28 + k, day, sizeof day);
		put(st, id, day, "gaza", "Battles", "Armed clash", "A", "B", 0, 31.5, 34.45, "s",
		    "ACLED");
	}
	put(st, "X1", "2025-01-29", "rafah", "Explosions/Remote violence", "Air/drone strike", "A",
	    "", 12, 31.3, 34.25, "s", "ACLED");
	put(st, "R1", "2025-01-27", "rafah", "Riots", "Mob violence", "A", "", 20, 31.3, 34.25, "s",
	    "ACLED");

	/* the defaults: change large, no watched type, fatalities 10, 1 day */
	assert_int_equal(sf_incidents_alerts(st, NULL, &a, &err), SF_OK);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.items[0].kind, SF_ALERT_CHANGE);
	assert_string_equal(a.items[0].sector, "gaza");
	assert_int_equal(a.items[0].level, SF_CHANGE_LARGE_INCREASE);
	assert_int_equal(a.items[0].is_new, 1);
	assert_int_equal(a.items[0].count, 7);
	assert_true(fabs(a.items[0].mean - 5) < 1e-9);
	assert_true(fabs(a.items[0].pct - 40) < 1e-9);
	assert_int_equal(a.items[1].kind, SF_ALERT_FATALITIES);
	assert_string_equal(a.items[1].event_id, "X1");
	assert_int_equal(a.items[1].fatalities, 12);
	sf_alerts_release(&a);

	/* a watched type, three days, moderate increases too */
	static const char *const types[] = {"Explosions/Remote violence"};
	sf_alert_rules_init(&r);
	r.event_types = types;
	r.nevent_types = 1;
	r.days = 3;
	r.change_level = SF_CHANGE_MODERATE_INCREASE;
	assert_int_equal(sf_incidents_alerts(st, &r, &a, &err), SF_OK);
	assert_int_equal(a.n, 4);
	assert_int_equal(a.items[0].kind, SF_ALERT_CHANGE);
	assert_int_equal(a.items[0].is_new, 0); /* moderate the day before already */
	assert_int_equal(a.items[1].kind, SF_ALERT_FATALITIES);
	assert_string_equal(a.items[1].event_id, "R1");
	assert_int_equal(a.items[2].kind, SF_ALERT_EVENT_TYPE);
	assert_string_equal(a.items[2].event_id, "X1");
	assert_int_equal(a.items[3].kind, SF_ALERT_FATALITIES);
	sf_alerts_release(&a);

	/* every rule off: nothing; a threshold of 30: nothing */
	sf_alert_rules_init(&r);
	r.change_level = SF_CHANGE_NO_DATA;
	r.fatalities = 30;
	assert_int_equal(sf_incidents_alerts(st, &r, &a, &err), SF_OK);
	assert_int_equal(a.n, 0);
	sf_alerts_release(&a);
	/* "at least": X1's 12 fatalities meet a threshold of 12, not one of 13 */
	r.fatalities = 12;
	assert_int_equal(sf_incidents_alerts(st, &r, &a, &err), SF_OK);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.items[0].event_id, "X1");
	sf_alerts_release(&a);
	r.fatalities = 13;
	assert_int_equal(sf_incidents_alerts(st, &r, &a, &err), SF_OK);
	assert_int_equal(a.n, 0);
	sf_alerts_release(&a);
	r.days = 0;
	assert_int_equal(sf_incidents_alerts(st, &r, &a, &err), SF_ERR_USAGE);

	/* as of the day before: gaza moderate (6, +20%), not large: no change alert */
	sf_alert_rules_init(&r);
	r.as_of = d0 + 33;
	assert_int_equal(sf_incidents_alerts(st, &r, &a, &err), SF_OK);
	assert_int_equal(a.n, 0);
	sf_alerts_release(&a);

	/* the writer: text says the level and the units, json the same */
	sf_buf b;
	sf_buf_init(&b, 0);
	assert_int_equal(sf_incidents_write_alerts(st, NULL, SF_FORMAT_TEXT, &b, &err), SF_OK);
	assert_non_null(strstr(sf_buf_str(&b), "2 alerts as of 2025-01-29"));
	assert_non_null(strstr(sf_buf_str(&b), "gaza: large increase (new since the day before): "
	                                       "7 incidents in the 7 days to 2025-01-29 against "
	                                       "5.00 a week over the 4 weeks before (+40%)"));
	sf_buf_reset(&b);
	assert_int_equal(sf_incidents_write_alerts(st, NULL, SF_FORMAT_JSON, &b, &err), SF_OK);
	assert_non_null(strstr(sf_buf_str(&b), "\"kind\": \"fatalities\""));
	assert_int_equal(sf_incidents_write_alerts(st, NULL, SF_FORMAT_CSV, &b, &err),
	                 SF_ERR_USAGE);
	sf_buf_release(&b);
	sf_store_close(st);
}

static sf_status aid_text_with(sf_store *st, const char *text, const char *source,
                               const sf_aid_crossings *t, sf_import_summary *s, sf_error *err)
{
	FILE *in = fmemopen((void *)text, strlen(text), "rb");
	sf_aid_import_options o;
	sf_aid_import_options_init(&o);
	o.source = source;
	o.crossings = t;
	o.file_name = "aid.csv";
	sf_status rc = sf_aid_import(st, in, &o, s, err);
	fclose(in);
	return rc;
}

static sf_status aid_text(sf_store *st, const char *text, const char *source, sf_import_summary *s,
                          sf_error *err)
{
	return aid_text_with(st, text, source, NULL, s, err);
}

/* The Gaza example's crossings file. */
static sf_aid_crossings *gaza_crossings(void)
{
	char path[1024];
	const char *src = getenv("SRCDIR");
	sf_aid_crossings *t = NULL;
	sf_error err;
	sf_error_clear(&err);
	sf_snprintf(path, sizeof path, "%s/examples/gaza/crossings.csv", src ? src : "../..");
	assert_int_equal(sf_aid_crossings_load(path, &t, &err), SF_OK);
	return t;
}

/* A crossings file with text, loaded; the error in err. */
static sf_status crossings_text(const char *text, sf_aid_crossings **t, sf_error *err)
{
	char path[] = "/tmp/sf-test-crossings-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	sf_error_clear(err);
	sf_status rc = sf_aid_crossings_load(path, t, err);
	unlink(path);
	return rc;
}

static void test_aid_crossings(void **state)
{
	(void)state;
	sf_aid_crossings *t = gaza_crossings(), *u = NULL;
	sf_store *st = new_store();
	sf_import_summary s;
	sf_error err;
	char buf[64];

	/* Through the example's file: any name of a crossing is its id. */
	assert_string_equal(sf_aid_crossing_id(t, "Karem  Abu-Salem", buf, sizeof buf),
	                    "kerem_shalom");
	assert_string_equal(sf_aid_crossing_id(t, "kerem_shalom", buf, sizeof buf), "kerem_shalom");
	assert_string_equal(sf_aid_crossing_id(t, "Al Karara", buf, sizeof buf), "kissufim");
	assert_string_equal(sf_aid_crossing_id(t, "Total", buf, sizeof buf), "all");
	assert_null(sf_aid_crossing_id(t, "Atlantis", buf, sizeof buf));
	/* Without a table a name is its own id; no place's names are known. */
	assert_string_equal(sf_aid_crossing_id(NULL, "Karem Abu-Salem", buf, sizeof buf),
	                    "karem_abu_salem");
	assert_string_equal(sf_aid_crossing_id(NULL, "All crossings", buf, sizeof buf), "all");

	/* An unknown crossing fails the import at its file:line:column. */
	sf_error_clear(&err);
	assert_int_equal(aid_text_with(st,
	                               "date,crossing,trucks\n"
	                               "2025-10-10,Kerem Shalom,100\n"
	                               "2025-10-11,\"Atlantis\",5\n",
	                               "UN", t, &s, &err),
	                 SF_ERR_INPUT);
	assert_string_equal(err.file, "aid.csv");
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 12);
	assert_non_null(strstr(err.message, "unknown crossing 'Atlantis'"));
	assert_non_null(strstr(err.message, "crossings.csv"));
	/* ... and nothing of it was kept. */
	sf_aid_filter f;
	sf_aid_report r;
	sf_aid_commitment c600 = {600, SF_DAY_NONE, SF_DAY_NONE};
	sf_aid_filter_init(&f);
	sf_error_clear(&err);
	assert_int_equal(sf_aid_build_report(st, &f, &c600, SF_AID_ENTERED, &r, &err), SF_OK);
	assert_int_equal(r.days_with_data, 0);
	sf_aid_report_release(&r);

	/* The crossings file's own errors name its line and column. */
	assert_int_equal(crossings_text("crossing,name\nrafah,Rafah\nerez,\n", &u, &err),
	                 SF_ERR_INPUT);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 6);
	assert_non_null(strstr(err.message, "no name"));
	assert_int_equal(crossings_text("id,alias\nrafah,Rafah\n", &u, &err), SF_ERR_INPUT);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.message, "'crossing' and 'name'"));
	assert_int_equal(crossings_text("name,crossing\nRafah,rafah\nRAFAH,erez\n", &u, &err),
	                 SF_ERR_INPUT);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 1);
	assert_non_null(strstr(err.message, "two crossings"));
	assert_null(u);
	assert_int_equal(crossings_text("name,crossing\nRafah,rafah\n", &u, &err), SF_OK);
	assert_string_equal(sf_aid_crossing_id(u, "rafah", buf, sizeof buf), "rafah");
	sf_aid_crossings_free(u);
	sf_aid_crossings_free(t);
	sf_store_close(st);
}

static void test_aid(void **state)
{
	(void)state;
	sf_store *st = new_store();
	sf_error err;
	sf_import_summary s;
	sf_aid_report r;
	sf_aid_filter f;
	static const char AID[] = "date,crossing,trucks,tonnes,category,stage,source\n"
	                          "2025-10-10,Kerem Shalom,100,,food,entered,UN\n"
	                          "2025-10-10,Karem Abu Salem,50,12.5,medical,entered,UN\n"
	                          "2025-10-10,Zikim,30,,food,entered,UN\n"
	                          "2025-10-10,Kerem Shalom,80,,food,offloaded,UN\n"
	                          "11 October 2025,kerem-shalom,700,,food,Entered,UN\n"
	                          "2025-10-13,Rafah crossing,10,,food,entered,UN\n"
	                          "2025-10-13,Rafah,xx,,food,entered,UN\n"
	                          "2025-10-13,Rafah,1,,toys,entered,UN\n"
	                          "2025-10-13,Rafah,1,,food,parked,UN\n";
	sf_aid_crossings *t = gaza_crossings();
	sf_error_clear(&err);
	assert_int_equal(aid_text_with(st, AID, NULL, t, &s, &err), SF_OK);
	assert_int_equal(s.read, 9);
	assert_int_equal(s.inserted, 6);
	assert_int_equal(s.rejected, 3);
	assert_int_equal(aid_text_with(st, AID, NULL, t, &s, &err), SF_OK);
	sf_aid_crossings_free(t);
	assert_int_equal(s.unchanged, 6);
	assert_int_equal(s.inserted, 0);

	sf_aid_filter_init(&f);
	sf_aid_commitment c600 = {600, SF_DAY_NONE, SF_DAY_NONE};
	assert_int_equal(sf_aid_build_report(st, &f, &c600, SF_AID_ENTERED, &r, &err), SF_OK);
	assert_int_equal(r.ndays, 4);
	assert_int_equal(r.days_with_data, 3);
	assert_int_equal(r.days_below, 2);
	assert_int_equal(r.total, 890);
	assert_true(fabs(r.mean - 890.0 / 3) < 1e-9);
	assert_int_equal(r.days[0].trucks[SF_AID_ENTERED], 180);
	assert_int_equal(r.days[0].trucks[SF_AID_OFFLOADED], 80);
	assert_int_equal(r.days[0].below, 1);
	assert_int_equal(r.days[1].below, 0);
	assert_int_equal(r.days[2].has_data, 0);
	assert_true(fabs(r.days[1].rolling7 - 440) < 1e-9);
	assert_true(fabs(r.days[3].rolling7 - 890.0 / 3) < 1e-9);
	assert_int_equal(r.ncrossings, 3);
	assert_string_equal(r.crossings[0].crossing, "kerem_shalom");
	assert_int_equal(r.crossings[0].trucks, 850);
	assert_int_equal(r.crossings[0].days, 2);
	assert_string_equal(r.crossings[2].crossing, "rafah");
	/* a stage with no figure that day is no data, not 0 */
	assert_int_equal(r.days[0].reported[SF_AID_ENTERED], 1);
	assert_int_equal(r.days[0].reported[SF_AID_COLLECTED], 0);
	assert_int_equal(r.stage_reported[SF_AID_COLLECTED], 0);
	assert_int_equal(r.stage_reported[SF_AID_OFFLOADED], 1);
	assert_int_equal(r.days_compared, 3);
	long day0 = r.days[0].day;
	sf_aid_report_release(&r);

	/* A commitment made from the third day on: the two days before it are
	   not compared (days 0 and 1 had 180 and 700; day 3, below, is). */
	sf_aid_commitment later = {600, day0 + 2, SF_DAY_NONE};
	assert_int_equal(sf_aid_build_report(st, &f, &later, SF_AID_ENTERED, &r, &err), SF_OK);
	assert_int_equal(r.days_with_data, 3);
	assert_int_equal(r.days_compared, 1);
	assert_int_equal(r.days_below, 1);
	assert_int_equal(r.days[0].compared, 0);
	assert_int_equal(r.days[0].below, 0);
	assert_true(fabs(r.compared_mean - (890.0 - 180 - 700)) < 1e-9);
	sf_aid_report_release(&r);
	/* a commitment made after the data: nothing compared, no mean */
	later.from_day = 1000000; /* a day far after the data */
	assert_int_equal(sf_aid_build_report(st, &f, &later, SF_AID_ENTERED, &r, &err), SF_OK);
	assert_int_equal(r.days_compared, 0);
	assert_int_equal(r.days_below, 0);
	assert_true(isnan(r.compared_mean));
	sf_aid_report_release(&r);

	double tpd, esc;
	assert_int_equal(sf_aid_escort_requirement(st, NULL, SF_DAY_NONE, 7, 50, &tpd, &esc, &err),
	                 SF_OK);
	assert_true(fabs(tpd - 890.0 / 3) < 1e-9);
	assert_true(fabs(esc - 890.0 / 150) < 1e-9);

	/* The minimal shape of the shipped series, and a second source. */
	assert_int_equal(aid_text(st, "date,trucks_entered\n2025-10-10,20\n2025-10-12,40\n",
	                          "COGAT", &s, &err),
	                 SF_OK);
	assert_int_equal(s.inserted, 2);
	sf_error_clear(&err);
	assert_int_equal(sf_aid_build_report(st, &f, &c600, SF_AID_ENTERED, &r, &err),
	                 SF_ERR_USAGE);
	assert_non_null(strstr(err.message, "choose one with --source"));
	f.source = "COGAT";
	assert_int_equal(sf_aid_build_report(st, &f, &c600, SF_AID_ENTERED, &r, &err), SF_OK);
	assert_int_equal(r.total, 60);
	assert_string_equal(r.crossings[0].crossing, "all");
	assert_true(fabs(r.days[2].rolling7 - 30) < 1e-9);
	sf_aid_report_release(&r);
	sf_store_close(st);
}

/*
 * Several sources side by side: one column per (source, stage), per day
 * and crossing, never added together; the commitment held to the series
 * at its stage on the days it was made for only. Figures worked by hand.
 */
static void test_aid_sources(void **state)
{
	(void)state;
	sf_store *st = new_store();
	sf_error err;
	sf_import_summary s;
	sf_aid_sources r;
	sf_aid_filter f;
	sf_buf b;
	static const char AID[] = "date,crossing,trucks,stage,source,category\n"
	                          "2025-10-10,Kerem Shalom,100,entered,COGAT,food\n"
	                          "2025-10-10,Kerem Shalom,20,entered,COGAT,medical\n"
	                          "2025-10-10,Zikim,50,entered,COGAT,food\n"
	                          "2025-10-11,Kerem Shalom,90,entered,COGAT,food\n"
	                          "2025-10-10,Kerem Shalom,60,collected,UN2720,food\n"
	                          "2025-10-10,Kerem Shalom,5,intercepted,UN2720,food\n"
	                          "2025-10-12,all,40,collected,UN2720,unspecified\n"
	                          "2025-10-12,Zikim,10,collected,UN2720,unspecified\n"
	                          "2025-10-13,Zikim,0,collected,UN2720,unspecified\n";
	sf_aid_crossings *t = gaza_crossings();
	sf_error_clear(&err);
	assert_int_equal(aid_text_with(st, AID, NULL, t, &s, &err), SF_OK);
	sf_aid_crossings_free(t);
	assert_int_equal(s.inserted, 9);

	sf_aid_filter_init(&f);
	sf_aid_commitment cm = {100, SF_DAY_NONE, SF_DAY_NONE};
	sf_aid_reference ref = {500, "pre-war daily average (test)"};
	assert_int_equal(sf_aid_build_sources(st, &f, &cm, SF_AID_ENTERED, &ref, &r, &err), SF_OK);
	assert_int_equal(r.ndays, 4);
	assert_int_equal(r.nseries, 3);
	assert_string_equal(r.series[0].source, "COGAT");
	assert_int_equal(r.series[0].stage, SF_AID_ENTERED);
	assert_string_equal(r.series[1].source, "UN2720");
	assert_int_equal(r.series[1].stage, SF_AID_COLLECTED);
	assert_int_equal(r.series[2].stage, SF_AID_INTERCEPTED);
	assert_int_equal(r.ncrossings, 2);
	assert_string_equal(r.crossings[0], "kerem_shalom");
	assert_string_equal(r.crossings[1], "zikim");
	size_t all = r.ncrossings;
	/* day 0, all crossings: each series its own (170, 60, 5), never 235 */
	assert_int_equal(sf_aid_sources_cell(&r, 0, all, 0)->trucks, 170);
	assert_int_equal(sf_aid_sources_cell(&r, 0, all, 1)->trucks, 60);
	assert_int_equal(sf_aid_sources_cell(&r, 0, all, 2)->trucks, 5);
	/* categories of one series add up at a crossing */
	assert_int_equal(sf_aid_sources_cell(&r, 0, 0, 0)->trucks, 120);
	/* no figure is no data, not 0 */
	assert_int_equal(sf_aid_sources_cell(&r, 0, 1, 1)->reported, 0);
	assert_int_equal(sf_aid_sources_cell(&r, 1, all, 1)->reported, 0);
	/* a reported 0 is a figure */
	assert_int_equal(sf_aid_sources_cell(&r, 3, 1, 1)->reported, 1);
	assert_int_equal(sf_aid_sources_cell(&r, 3, all, 1)->reported, 1);
	assert_int_equal(sf_aid_sources_cell(&r, 3, all, 1)->trucks, 0);
	assert_int_equal(sf_aid_sources_cell(&r, 3, all, 0)->reported, 0);
	/* a series' own figure for all crossings wins over its crossings' sum */
	assert_int_equal(sf_aid_sources_cell(&r, 2, all, 1)->trucks, 40);
	assert_int_equal(sf_aid_sources_cell(&r, 2, 1, 1)->trucks, 10);
	/* the series: COGAT 170 + 90 over 2 days; UN2720 collected 60 + 40 + 0 */
	assert_int_equal(r.series[0].trucks, 260);
	assert_int_equal(r.series[0].days, 2);
	assert_true(fabs(r.series[0].mean - 130) < 1e-9);
	assert_int_equal(r.series[1].trucks, 100);
	assert_int_equal(r.series[1].days, 3);
	assert_int_equal(r.series[0].held, 1);
	assert_int_equal(r.series[1].held, 0);
	assert_int_equal(r.series[0].days_compared, 2);
	assert_int_equal(r.series[0].days_below, 1);
	assert_int_equal(r.series[1].days_compared, 0);
	assert_true(isnan(r.series[1].compared_mean));
	long day0 = r.first_day;
	sf_aid_sources_release(&r);

	/* The commitment applies only to the dates it was made for. */
	cm.from_day = day0 + 1;
	assert_int_equal(sf_aid_build_sources(st, &f, &cm, SF_AID_ENTERED, NULL, &r, &err), SF_OK);
	assert_int_equal(r.series[0].days_compared, 1);
	assert_int_equal(r.series[0].days_below, 1);
	assert_true(fabs(r.series[0].compared_mean - 90) < 1e-9);
	assert_true(isnan(r.reference.trucks_per_day));
	sf_aid_sources_release(&r);
	cm.from_day = SF_DAY_NONE;
	cm.to_day = day0 - 1; /* made for days before the data: none compared */
	assert_int_equal(sf_aid_build_sources(st, &f, &cm, SF_AID_ENTERED, NULL, &r, &err), SF_OK);
	assert_int_equal(r.series[0].days_compared, 0);
	assert_int_equal(r.series[0].days_below, 0);
	sf_aid_sources_release(&r);

	/* The outputs: empty csv fields and json nulls where no figure. */
	cm.to_day = SF_DAY_NONE;
	sf_buf_init(&b, 0);
	assert_int_equal(
	        sf_aid_write_sources(st, &f, &cm, SF_AID_ENTERED, &ref, 1, SF_FORMAT_CSV, &b, &err),
	        SF_OK);
	assert_non_null(strstr(b.data, "date,crossing,COGAT entered,UN2720 collected,"
	                               "UN2720 intercepted\n"));
	assert_non_null(strstr(b.data, "\n2025-10-10,all,170,60,5\n"));
	assert_non_null(strstr(b.data, "\n2025-10-10,zikim,50,,\n"));
	assert_non_null(strstr(b.data, "\n2025-10-13,all,,0,\n"));
	sf_buf_release(&b);
	sf_buf_init(&b, 0);
	assert_int_equal(sf_aid_write_sources(st, &f, &cm, SF_AID_ENTERED, &ref, 0, SF_FORMAT_JSON,
	                                      &b, &err),
	                 SF_OK);
	sf_json *j = NULL;
	sf_json_parse_error pe;
	assert_int_equal(sf_json_parse(b.data, b.len, 0, &j, &pe), SF_OK);
	sf_json_free(j);
	assert_non_null(strstr(b.data, "\"pct_of_reference\": 26"));
	assert_non_null(strstr(b.data, "\"days_below\": null"));
	sf_buf_release(&b);
	sf_buf_init(&b, 0);
	assert_int_equal(sf_aid_write_sources(st, &f, &cm, SF_AID_ENTERED, &ref, 0, SF_FORMAT_TEXT,
	                                      &b, &err),
	                 SF_OK);
	assert_non_null(strstr(b.data, "reference: 500 trucks/day, pre-war daily average (test)"));
	sf_buf_release(&b);
	sf_store_close(st);
}

static void test_threat(void **state)
{
	(void)state;
	char path[1024];
	const char *src = getenv("SRCDIR");
	sf_scenario *sc = NULL;
	sf_diags d;
	sf_snprintf(path, sizeof path, "%s/examples/gaza/scenario.yaml", src ? src : "../..");
	sf_diags_init(&d);
	assert_int_equal(sf_scenario_load(path, NULL, &sc, &d), SF_OK);
	sf_diags_release(&d);

	sf_store *st = new_store();
	char id[16], date[16];
	for (int i = 0; i < 10; i++) {
		sf_snprintf(id, sizeof id, "T%d", i);
		sf_snprintf(date, sizeof date, "2025-10-%02d", 1 + i);
		put(st, id, date, "rafah", "Battles", "x", "A", "", 0, 31.3, 34.25, "s", "ACLED");
		sf_snprintf(id, sizeof id, "G%d", i);
		put(st, id, date, "gaza", "Battles", "x", "A", "", 0, 31.5, 34.45, "s", "ACLED");
	}
	/* Outside the 28-day window ending 2025-10-10. */
	put(st, "OLD", "2025-08-01", "north_gaza", "Battles", "x", "A", "", 0, 31.55, 34.5, "s",
	    "ACLED");
	/* Inside it, but protests and strategic developments count 0 by default. */
	put(st, "P1", "2025-10-05", "north_gaza", "Protests", "x", "A", "", 0, 31.55, 34.5, "s",
	    "ACLED");
	put(st, "P2", "2025-10-06", "north_gaza", "Protests", "x", "A", "", 0, 31.55, 34.5, "s",
	    "ACLED");
	put(st, "S1", "2025-10-06", "north_gaza", "Strategic developments", "x", "A", "", 0, 31.55,
	    34.5, "s", "ACLED");
	sf_threat *t = calloc(sc->nsectors, sizeof *t);
	double all;
	sf_error err;
	sf_error_clear(&err);
	assert_int_equal(sf_register_threat(st, sc, NULL, t, &all, &err), SF_OK);
	/* populations: rafah 281755, khan 439729, deir 316144, gaza 847712, north 368721 */
	assert_true(fabs(all - 20.0 / 2254061 * 1e5) < 1e-9);
	long ra = sf_scenario_find_sector(sc, "rafah"), ga = sf_scenario_find_sector(sc, "gaza");
	long no = sf_scenario_find_sector(sc, "north_gaza");
	assert_int_equal(t[ra].incidents, 10);
	assert_int_equal(t[no].incidents, 0);
	assert_true(fabs(t[ra].multiplier - 2.0) < 1e-12); /* 4.0 clamped */
	assert_true(fabs(t[ga].multiplier - 10.0 * 2254061 / (20.0 * 847712)) < 1e-9);
	assert_true(fabs(t[no].multiplier - 0.5) < 1e-12); /* 0 clamped */
	assert_int_equal(t[no].no_data, 0);
	assert_true(fabs(t[ra].score - 10) < 1e-12);
	sf_threat_options o;
	sf_threat_options_init(&o);
	o.max = 5;
	o.weight = 0.5;
	assert_int_equal(sf_register_threat(st, sc, &o, t, &all, &err), SF_OK);
	assert_true(fabs(t[ra].multiplier - 2.0) < 1e-4); /* sqrt(4.00004) */

	/* Protests weighted 0.5, Battles 2: north_gaza scores 2 * 0.5 = 1, the
	   others 20 each; all = 41 / 2254061 per 100k. */
	static const sf_threat_weight w[] = {{"Battles", 2}, {"Protests", 0.5}};
	sf_threat_options_init(&o);
	o.events = w;
	o.nevents = SF_ARRAY_LEN(w);
	assert_int_equal(sf_register_threat(st, sc, &o, t, &all, &err), SF_OK);
	assert_int_equal(t[no].incidents, 2);
	assert_true(fabs(t[no].score - 1.0) < 1e-12);
	assert_true(fabs(t[ra].score - 20.0) < 1e-12);
	assert_true(fabs(all - 41.0 / 2254061 * 1e5) < 1e-9);
	assert_true(fabs(t[ga].multiplier - (20.0 / 847712) / (41.0 / 2254061)) < 1e-9);
	assert_true(fabs(t[no].multiplier - 0.5) < 1e-12); /* 0.149 clamped */
	/* Every weight 0: nothing counted, no data anywhere, multipliers 1. */
	static const sf_threat_weight none[] = {{"Battles", 0}};
	o.events = none;
	o.nevents = 1;
	assert_int_equal(sf_register_threat(st, sc, &o, t, &all, &err), SF_OK);
	assert_true(all == 0);
	assert_int_equal(t[ra].no_data, 1);
	assert_true(t[ra].multiplier == 1);
	/* A negative weight is refused. */
	static const sf_threat_weight bad[] = {{"Battles", -1}};
	o.events = bad;
	assert_int_equal(sf_register_threat(st, sc, &o, t, &all, &err), SF_ERR_USAGE);
	/* A population attribute a sector lacks: that sector has no data. */
	sf_threat_options_init(&o);
	o.population_attr = "displaced";
	assert_int_equal(sf_register_threat(st, sc, &o, t, &all, &err), SF_OK);
	assert_int_equal(t[ra].no_data, 1);
	assert_true(isnan(t[ra].rate));
	free(t);
	sf_store_close(st);
	sf_scenario_free(sc);
}

static void test_reopen_migrated(void **state)
{
	(void)state;
	char path[512];
	sf_store *st = NULL;
	sf_error err;
	sf_error_clear(&err);
	const char *loc = fx_store_location(tmpdir, "reopen");
	assert_non_null(loc);
	sf_strlcpy(path, loc, sizeof path);
	assert_int_equal(sf_store_open(path, &st, &err), SF_OK);
	put(st, "X1", "2025-01-01", "", "Battles", "x", "A", "", 0, 31.5, 34.4, "s", "ACLED");
	sf_store_close(st);
	assert_int_equal(sf_store_open(path, &st, &err), SF_OK);
	assert_int_equal(count(st), 1);
	sf_store_close(st);
	/* No server there: unavailable (the server answers 503), the password not shown. */
	assert_int_equal(sf_store_open("postgresql://u:secret@127.0.0.1:1/x", &st, &err),
	                 SF_ERR_UNAVAILABLE);
	assert_null(st);
	assert_non_null(strstr(err.message, "cannot be reached"));
	assert_non_null(strstr(err.message, "u:***@127.0.0.1"));
	assert_null(strstr(err.message, "secret"));
	sf_error_clear(&err);
	assert_int_equal(sf_store_open("/nonexistent-dir/x.db", &st, &err), SF_ERR_STORE);
}

static int version_cb(void *ctx, const sf_incident *inc)
{
	sf_buf_addf(ctx, "%s:v%ld:%s:%s;", inc->col[SF_COL_EVENT_ID_CNTY], inc->version,
	            inc->col[SF_COL_EVENT_DATE], sf_incident_status_str(inc->status));
	return 0;
}

static void versions(sf_store *st, sf_buf *b)
{
	sf_incident_filter f;
	sf_incident_filter_init(&f);
	f.include_retracted = 1;
	sf_buf_reset(b);
	assert_int_equal(sf_store_incident_query(st, &f, SF_ORDER_DATE, version_cb, b, NULL),
	                 SF_OK);
}

static int log_count_cb(void *ctx, const sf_edit_entry *e)
{
	(void)e;
	(*(int *)ctx)++;
	return 0;
}

/*
 * Row versions: 1 when stored, +1 per change (an update by a newer
 * timestamp, each one when a file repeats an event, a review); a review
 * that names a stale version changes nothing and is SF_ERR_CONFLICT. An
 * update that moves an event to another month keeps its review status
 * and its place in the reports.
 */
static void test_versions(void **state)
{
	(void)state;
	sf_store *st = new_store();
	sf_import_summary s;
	sf_error err;
	sf_buf b, text;
	int found = 0, nlog = 0;
	long v = 0;
	sf_buf_init(&b, 0);
	sf_buf_init(&text, 0);
	sf_error_clear(&err);

	sf_buf_adds(&text, HDR);
	sf_buf_adds(&text, "V1,2025-01-31,Battles,31.5,34.4,1,100,1,a\n");
	sf_buf_adds(&text, "V2,2025-01-10,Battles,31.5,34.4,1,100,1,a\n");
	/* V3, new, five times: 5 (insert), 5 (equal), 7 (update), 6 (older), 8 (update). */
	sf_buf_adds(&text, "V3,2025-01-10,Battles,31.5,34.4,1,5,1,a\n");
	sf_buf_adds(&text, "V3,2025-01-11,Battles,31.5,34.4,2,5,1,b\n");
	sf_buf_adds(&text, "V3,2025-01-12,Battles,31.5,34.4,3,7,1,c\n");
	sf_buf_adds(&text, "V3,2025-01-13,Battles,31.5,34.4,4,6,1,d\n");
	sf_buf_adds(&text, "V3,2025-01-14,Battles,31.5,34.4,5,8,1,e\n");
	assert_int_equal(import_text(st, sf_buf_str(&text), NULL, &s, NULL, &err), SF_OK);
	assert_int_equal(s.inserted, 3);
	assert_int_equal(s.updated, 2);
	assert_int_equal(s.unchanged, 2);
	versions(st, &b);
	assert_string_equal(sf_buf_str(&b), "V2:v1:2025-01-10:reported;V3:v3:2025-01-14:reported;"
	                                    "V1:v1:2025-01-31:reported;");

	/* Two reviewers read version 1; the first wins, the second is told. */
	assert_int_equal(sf_store_incident_review(st, "V1", SF_ISTATUS_VERIFIED, "first", "ana", 1,
	                                          &v, &found, &err),
	                 SF_OK);
	assert_int_equal(found, 1);
	assert_int_equal(v, 2);
	assert_int_equal(sf_store_incident_review(st, "V1", SF_ISTATUS_DISPUTED, "second", "bo", 1,
	                                          &v, &found, &err),
	                 SF_ERR_CONFLICT);
	assert_non_null(strstr(err.message, "is at version 2, not 1"));
	sf_error_clear(&err);
	assert_int_equal(sf_store_edits(st, "V1", log_count_cb, &nlog, &err), SF_OK);
	assert_int_equal(nlog, 1);
	/* Version 0: whatever the version. A missing incident is not found, not a conflict. */
	assert_int_equal(sf_store_incident_review(st, "V2", SF_ISTATUS_CORROBORATED, "x", "bo", 0,
	                                          &v, &found, &err),
	                 SF_OK);
	assert_int_equal(v, 2);
	assert_int_equal(sf_store_incident_review(st, "NOPE", SF_ISTATUS_CORROBORATED, "x", "bo", 3,
	                                          &v, &found, &err),
	                 SF_OK);
	assert_int_equal(found, 0);
	assert_int_equal(sf_store_incident_review(st, "V2", SF_ISTATUS_CORROBORATED, "x", "bo", -1,
	                                          &v, &found, &err),
	                 SF_ERR_USAGE);
	sf_error_clear(&err);

	/* A newer V1 moves to February, keeps "verified", and counts in February. */
	sf_buf_reset(&text);
	sf_buf_adds(&text, HDR);
	sf_buf_adds(&text, "V1,2025-02-01,Battles,31.5,34.4,4,200,1,moved\n");
	assert_int_equal(import_text(st, sf_buf_str(&text), NULL, &s, NULL, &err), SF_OK);
	assert_int_equal(s.updated, 1);
	versions(st, &b);
	assert_string_equal(sf_buf_str(&b), "V2:v2:2025-01-10:corroborated;"
	                                    "V3:v3:2025-01-14:reported;"
	                                    "V1:v3:2025-02-01:verified;");
	sf_report_options o;
	sf_report r;
	sf_report_options_init(&o);
	o.period = SF_PERIOD_TOTAL;
	sf_incident_filter f;
	sf_incident_filter_init(&f);
	sf_date_parse("2025-02-01", &f.from_day);
	assert_int_equal(sf_incidents_report(st, &f, &o, &r, &err), SF_OK);
	assert_int_equal(r.nrows, 1);
	assert_int_equal(r.rows[0].count, 1);
	assert_int_equal(r.rows[0].fatalities, 4);
	sf_report_release(&r);
	f.from_day = SF_DAY_NONE;
	sf_date_parse("2025-01-31", &f.to_day);
	assert_int_equal(sf_incidents_report(st, &f, &o, &r, &err), SF_OK);
	assert_int_equal(r.rows[0].count, 2);
	assert_int_equal(r.rows[0].fatalities, 1 + 5);
	sf_report_release(&r);
	assert_int_equal(count(st), 3);

	sf_buf_release(&b);
	sf_buf_release(&text);
	sf_store_close(st);
}

/*
 * The import's set-based path against upserting the rows one by one. A
 * model in this test upserts each row in file order (a new event is
 * stored at version 1; a row newer than the stored one replaces it,
 * keeping its review status, version + 1; an equal or older row changes
 * nothing); the store must report the model's counts and hold the
 * model's incidents and roll-ups. Under tests/pg/with-pg.sh the same files
 * also go into a SQLite store and the two must agree on everything,
 * sectors, notes and per-day aggregates included. The second file is over
 * 16 MiB (long notes; store_pg.c sends COPY chunks of 16 MiB), so events
 * repeat within a chunk and across chunks, and its notes hold the
 * characters COPY's text format escapes (backslash, tab, newline, return).
 */
enum { AG_IDS = 600, AG_BASE = 200, AG_BIG = 330, AG_NOTE = 56000 };

typedef struct ag_model {
	int exists;
	long day, version;
	long long ts;
	long fat;
	int type, actor1, actor2;
	const char *status;
} ag_model;

static const char *const ag_types[][2] = {{"Battles", "Armed clash"},
                                          {"Explosions/Remote violence", "Air/drone strike"},
                                          {"Protests", "Peaceful protest"}};
static const char *const ag_actors[] = {"Synthetic Force A", "Synthetic Militia B",
                                        "Synthetic Group C", ""};
static const double ag_points[][2] = {
        {31.50, 34.45}, {31.29, 34.255}, {31.35, 34.30}, {31.13, 33.80}};

static unsigned long ag_seed;
static unsigned long ag_rand(unsigned long n)
{
	ag_seed = ag_seed * 6364136223846793005UL + 1442695040888963407UL;
	return (ag_seed >> 33) % n;
}

/* One CSV row; the model upserts it; returns 0 inserted, 1 updated, 2 unchanged. */
static int ag_row(sf_buf *text, ag_model *m, int id, long day, long long ts, long fat, int type,
                  int a1, int a2, size_t note_len)
{
	char date[16];
	sf_date_format(day, date, sizeof date);
	const double *pt = ag_points[(unsigned)id % SF_ARRAY_LEN(ag_points)];
	sf_buf_addf(text, "E%03d,%s,%s,%s,%s,%s,%.3f,%.3f,%ld,%lld,\"", id, date, ag_types[type][0],
	            ag_types[type][1], ag_actors[a1], ag_actors[a2], pt[0], pt[1], fat, ts);
	sf_buf_addf(text, "SYNTHETIC E%03d at %lld: a\\b\tc\nd\re \"\"q\"\" ", id, ts);
	for (size_t k = 0; k < note_len; k++)
		sf_buf_addc(text, (char)('a' + (k + (size_t)id) % 26));
	sf_buf_adds(text, "\"\n");
	ag_model *e = &m[id];
	if (!e->exists) {
		*e = (ag_model){1, day, 1, ts, fat, type, a1, a2, "reported"};
		return 0;
	}
	if (ts <= e->ts)
		return 2;
	const char *status = e->status;
	long version = e->version + 1;
	*e = (ag_model){1, day, version, ts, fat, type, a1, a2, status};
	return 1;
}

/* Incidents by id: "E007|date|ts|fat|v|status|a1|a2|sector|method|notes hash;" */
typedef struct ag_dump {
	sf_buf rows[AG_IDS];
	int with_sector;
} ag_dump;

static int ag_dump_cb(void *ctx, const sf_incident *inc)
{
	ag_dump *d = ctx;
	char *end;
	long id = strtol(inc->col[SF_COL_EVENT_ID_CNTY] + 1, &end, 10);
	assert_true(*end == '\0' && id >= 0 && id < AG_IDS);
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *c = (const unsigned char *)inc->col[SF_COL_NOTES]; *c; c++)
		h = (h ^ *c) * 1099511628211ULL;
	sf_buf_reset(&d->rows[id]);
	sf_buf_addf(&d->rows[id], "E%03ld|%s|%lld|%ld|v%ld|%s|%s|%s", id,
	            inc->col[SF_COL_EVENT_DATE], inc->timestamp, inc->fatalities, inc->version,
	            sf_incident_status_str(inc->status), inc->col[SF_COL_ACTOR1],
	            inc->col[SF_COL_ACTOR2]);
	if (d->with_sector)
		sf_buf_addf(&d->rows[id], "|%s|%s|%016llx", inc->sector,
		            sf_sector_method_str(inc->sector_method), (unsigned long long)h);
	sf_buf_adds(&d->rows[id], ";");
	return 0;
}

static void ag_dump_store(sf_store *st, int with_sector, sf_buf *out)
{
	ag_dump d;
	sf_incident_filter f;
	sf_incident_filter_init(&f);
	f.include_retracted = 1;
	d.with_sector = with_sector;
	for (int i = 0; i < AG_IDS; i++)
		sf_buf_init(&d.rows[i], 0);
	assert_int_equal(sf_store_incident_query(st, &f, SF_ORDER_DATE, ag_dump_cb, &d, NULL),
	                 SF_OK);
	sf_buf_reset(out);
	for (int i = 0; i < AG_IDS; i++) {
		sf_buf_add(out, d.rows[i].data, d.rows[i].len);
		sf_buf_release(&d.rows[i]);
	}
}

static void ag_dump_model(const ag_model *m, sf_buf *out)
{
	sf_buf_reset(out);
	for (int i = 0; i < AG_IDS; i++) {
		char date[16];
		if (!m[i].exists)
			continue;
		sf_date_format(m[i].day, date, sizeof date);
		sf_buf_addf(out, "E%03d|%s|%lld|%ld|v%ld|%s|%s|%s;", i, date, m[i].ts, m[i].fat,
		            m[i].version, m[i].status, ag_actors[m[i].actor1],
		            ag_actors[m[i].actor2]);
	}
}

static int ag_agg_cb(void *ctx, const sf_agg_row *r)
{
	sf_buf_addf(ctx, "%ld|%s|%ld|%ld;", r->day, r->key, r->count, r->fatalities);
	return 0;
}

/* Per-day aggregates, from the roll-ups (a filter with no event id, place or actor). */
static void ag_aggs(sf_store *st, sf_buf *out)
{
	sf_incident_filter f;
	sf_incident_filter_init(&f);
	f.include_retracted = 1;
	sf_buf_reset(out);
	for (sf_dim d = SF_DIM_NONE; d <= SF_DIM_ACTOR; d++) {
		sf_buf_addf(out, "[%s]", sf_dim_str(d));
		assert_int_equal(sf_store_incident_aggregate(st, &f, d, ag_agg_cb, out, NULL),
		                 SF_OK);
	}
}

/* The model's aggregates by sub-event type and by actor (an actor counts once per incident). */
static void ag_model_aggs(const ag_model *m, long d0, long ndays, sf_buf *out)
{
	sf_buf_reset(out);
	for (int dim = 0; dim < 2; dim++) {
		sf_buf_addf(out, "[%s]", sf_dim_str(dim ? SF_DIM_ACTOR : SF_DIM_SUB_EVENT_TYPE));
		for (long day = d0; day < d0 + ndays; day++) {
			size_t nkeys = dim ? SF_ARRAY_LEN(ag_actors) - 1 : SF_ARRAY_LEN(ag_types);
			/* Keys in byte order, as the stores give them. */
			const char *keys[4];
			for (size_t k = 0; k < nkeys; k++)
				keys[k] = dim ? ag_actors[k] : ag_types[k][1];
			for (size_t a = 0; a < nkeys; a++)
				for (size_t b = a + 1; b < nkeys; b++)
					if (strcmp(keys[b], keys[a]) < 0) {
						const char *t = keys[a];
						keys[a] = keys[b];
						keys[b] = t;
					}
			for (size_t k = 0; k < nkeys; k++) {
				long n = 0, fat = 0;
				for (int i = 0; i < AG_IDS; i++) {
					const ag_model *e = &m[i];
					int hit =
					        !e->exists || e->day != day ? 0
					        : dim ? strcmp(ag_actors[e->actor1], keys[k]) ==
					                                0 ||
					                        strcmp(ag_actors[e->actor2],
					                               keys[k]) == 0
					              : strcmp(ag_types[e->type][1], keys[k]) == 0;
					n += hit;
					fat += hit ? e->fat : 0;
				}
				if (n)
					sf_buf_addf(out, "%ld|%s|%ld|%ld;", day, keys[k], n, fat);
			}
		}
	}
}

/* The [sub_event_type] and [actor] sections of ag_aggs' text. */
static void ag_pick(const char *all, sf_buf *out)
{
	char sub[32], act[32];
	sf_snprintf(sub, sizeof sub, "[%s]", sf_dim_str(SF_DIM_SUB_EVENT_TYPE));
	sf_snprintf(act, sizeof act, "[%s]", sf_dim_str(SF_DIM_ACTOR));
	const char *s = strstr(all, sub), *a = strstr(all, act);
	assert_non_null(s);
	assert_non_null(a);
	const char *e = strchr(s + 1, '[');
	sf_buf_reset(out);
	sf_buf_add(out, s, e ? (size_t)(e - s) : strlen(s));
	sf_buf_adds(out, a);
}

static void test_import_agrees(void **state)
{
	(void)state;
	static ag_model model[AG_IDS];
	sf_store *st = new_store(), *sq = NULL;
	sf_sector_map *map = NULL;
	sf_import_summary s;
	sf_error err;
	sf_buf text, got, want, other;
	long d0 = 0, expect[3] = {0, 0, 0};
	char loc[300];
	sf_buf_init(&text, 0);
	sf_buf_init(&got, 0);
	sf_buf_init(&want, 0);
	sf_buf_init(&other, 0);
	sf_error_clear(&err);
	memset(model, 0, sizeof model);
	ag_seed = 13;
	assert_int_equal(sf_sector_map_open(gaza_geojson(), "id", &map, &err), SF_OK);
	sf_snprintf(loc, sizeof loc, "%s/agree_%d.db", tmpdir, dbn++);
	assert_int_equal(sf_store_open(loc, &sq, &err), SF_OK);
	assert_int_equal(sf_date_parse("2024-12-01", &d0), 0);
	static const char hdr[] = "event_id_cnty,event_date,event_type,sub_event_type,actor1,"
	                          "actor2,latitude,longitude,fatalities,timestamp,notes\n";

	for (int pass = 0; pass < 5; pass++) {
		memset(expect, 0, sizeof expect);
		sf_buf_reset(&text);
		sf_buf_adds(&text, hdr);
		if (pass == 0) {
			/* E000-E199 once each (E000-E009 twice: an older and an equal repeat). */
			for (int i = 0; i < AG_BASE; i++)
				expect[ag_row(&text, model, i, d0 + 31 + (i * 7) % 120, 1000 + i,
				              i % 5, i % 3, i % 4, (i / 4) % 4, 8)]++;
			for (int i = 0; i < 10; i++)
				expect[ag_row(&text, model, i, d0 + 200, 1000 + i - i % 2, 9, 0, 0,
				              0, 8)]++;
		} else if (pass == 1) {
			/* E260-E599, new events once each, over 16 MB: chunks whose ids are all
			 * new take PostgreSQL's fast path (COPY straight into incidents and
			 * incident_keys, roll-ups summed by the client); then E000-E009
			 * again, newer and in a new month, in the last chunk, which holds no
			 * repeat but events the store has: its fast attempt meets them in
			 * incident_keys and the chunk takes the upsert instead. */
			for (int i = 260; i < AG_IDS; i++)
				expect[ag_row(&text, model, i, d0 + 31 + (i * 11) % 150, 2000 + i,
				              i % 6, i % 3, i % 4, (i / 3) % 4, AG_NOTE)]++;
			for (int i = 0; i < 10; i++)
				expect[ag_row(&text, model, i, d0 + 210 + i, 5000 + i, 3, 1, 1, 2,
				              8)]++;
			assert_true(text.len > (size_t)16 << 20);
			assert_int_equal(expect[0], AG_IDS - 260);
			assert_int_equal(expect[1], 10);
		} else if (pass == 2 || pass == 4) {
			/* E150-E259 at random: new events, newer, equal and older rows, events
			 * moving between months (new partitions), repeats near and far apart. */
			for (int r = 0; r < AG_BIG; r++) {
				int id = 150 + (int)ag_rand(110);
				long long ts = 1000 + id - 60 + (long long)ag_rand(140);
				expect[ag_row(&text, model, id, d0 + (long)ag_rand(200), ts,
				              (long)ag_rand(7), (int)ag_rand(3), (int)ag_rand(4),
				              (int)ag_rand(4), AG_NOTE)]++;
			}
			assert_true(text.len > (size_t)16 << 20);
		} else {
			/* The first big file again: nothing changes. */
			ag_seed = 13;
			for (int r = 0; r < AG_BIG; r++) {
				int id = 150 + (int)ag_rand(110);
				long long ts = 1000 + id - 60 + (long long)ag_rand(140);
				expect[ag_row(&text, model, id, d0 + (long)ag_rand(200), ts,
				              (long)ag_rand(7), (int)ag_rand(3), (int)ag_rand(4),
				              (int)ag_rand(4), AG_NOTE)]++;
			}
			assert_int_equal(expect[0] + expect[1], 0);
		}
		sf_store *stores[] = {st, sq};
		for (size_t k = 0; k < 2; k++) {
			assert_int_equal(
			        import_text(stores[k], sf_buf_str(&text), map, &s, NULL, &err),
			        SF_OK);
			assert_int_equal(s.rejected, 0);
			assert_int_equal(s.inserted, expect[0]);
			assert_int_equal(s.updated, expect[1]);
			assert_int_equal(s.unchanged, expect[2]);
		}
		if (pass == 0) {
			/* Reviews: the statuses and versions replacing rows must keep. */
			long v;
			int found;
			for (int i = 150; i < 200; i += 3) {
				char id[8];
				sf_snprintf(id, sizeof id, "E%03d", i);
				sf_incident_status stt =
				        i % 2 ? SF_ISTATUS_VERIFIED : SF_ISTATUS_RETRACTED;
				for (size_t k = 0; k < 2; k++)
					assert_int_equal(sf_store_incident_review(
					                         stores[k], id, stt, "r", "ana", 0,
					                         &v, &found, &err),
					                 SF_OK);
				model[i].status = sf_incident_status_str(stt);
				model[i].version++;
			}
		}
		ag_dump_model(model, &want);
		ag_dump_store(st, 0, &got);
		assert_string_equal(sf_buf_str(&got), sf_buf_str(&want));
		ag_dump_store(sq, 0, &got);
		assert_string_equal(sf_buf_str(&got), sf_buf_str(&want));
		/* Everything, sectors and notes too: the two stores agree. */
		ag_dump_store(st, 1, &got);
		ag_dump_store(sq, 1, &other);
		assert_string_equal(sf_buf_str(&got), sf_buf_str(&other));
		/* The roll-ups: by the model, and the two stores alike. */
		ag_aggs(st, &got);
		ag_aggs(sq, &other);
		assert_string_equal(sf_buf_str(&got), sf_buf_str(&other));
		ag_model_aggs(model, d0, 240, &want);
		ag_pick(sf_buf_str(&got), &other);
		assert_string_equal(sf_buf_str(&other), sf_buf_str(&want));
		assert_int_equal(count(st), count(sq));
	}

	sf_buf_release(&text);
	sf_buf_release(&got);
	sf_buf_release(&want);
	sf_buf_release(&other);
	sf_sector_map_free(map);
	sf_store_close(sq);
	sf_store_close(st);
}

/* One number from a query in database db, by psql (PostgreSQL only). */
static long psql_long(const char *db, const char *sql)
{
	char cmd[1024], line[64] = "";
	sf_snprintf(cmd, sizeof cmd, "psql -X -At -h '%s' -U postgres -d '%s' -c \"%s\"",
	            getenv("SF_PG_HOST"), db, sql);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	if (!fgets(line, sizeof line, f))
		line[0] = 0;
	assert_int_equal(pclose(f), 0);
	return atol(line);
}

/* The distinct xmin of incident_keys' rows. */
static long key_xmins(const char *db)
{
	return psql_long(db, "SELECT count(DISTINCT xmin::text) FROM incident_keys");
}

/* Rows M<from>..M<to - 1>, one a day from 2025-01-01, at timestamp ts. */
static void many_rows(sf_buf *text, int from, int to, long ts)
{
	for (int i = from; i < to; i++)
		sf_buf_addf(
		        text,
		        "M%05d,2025-%02d-%02d,Battles,Armed clash,Force %c,,31.5,34.45,%d,%ld,n\n",
		        i, 1 + i % 12, 1 + i % 28, 'A' + i % 3, i % 4, ts);
}

/*
 * An import of more than 64 chunks (sf__store_pg_set_chunk_bytes, a knob
 * for tests, makes them 2 KB) must not hold a subtransaction per chunk on PostgreSQL:
 * a backend caches 64 subtransaction ids, and past them every other
 * session's visibility checks read pg_subtrans until the import ends. A
 * row written in a subtransaction keeps its id as xmin: the keys of the
 * first import (118 chunks) carry at most 49 xmins (the first 48 chunks'
 * savepoints, then the transaction's own), not 118. The first import is
 * of new events only (every chunk on the fast path); the second mixes
 * stored (newer) and new events in every chunk (each fast attempt falls
 * back to the upsert, by a savepoint, then by deleting the keys it
 * inserted): counts, rows and roll-ups as SQLite's.
 */
static void test_import_many_chunks(void **state)
{
	(void)state;
	char loc[1024];
	sf_store *st = NULL, *sq = new_store();
	sf_sector_map *map = NULL;
	sf_import_summary s;
	sf_error err;
	sf_buf text, a, b;
	int pg = getenv("SF_PG_HOST") != NULL;
	static const char hdr[] = "event_id_cnty,event_date,event_type,sub_event_type,actor1,"
	                          "actor2,latitude,longitude,fatalities,timestamp,notes\n";
	sf_buf_init(&text, 0);
	sf_buf_init(&a, 0);
	sf_buf_init(&b, 0);
	sf_error_clear(&err);
	assert_int_equal(sf_sector_map_open(gaza_geojson(), "id", &map, &err), SF_OK);
	const char *l = fx_store_location(tmpdir, "many");
	assert_non_null(l);
	sf_strlcpy(loc, l, sizeof loc);
	assert_int_equal(sf_store_open(loc, &st, &err), SF_OK);
	sf__store_pg_set_chunk_bytes(st, 2048);
	sf__store_pg_set_sums_max(st, 16);
	sf_store *stores[] = {st, sq};

	sf_buf_adds(&text, hdr);
	many_rows(&text, 0, 2000, 100);
	for (size_t k = 0; k < 2; k++) {
		assert_int_equal(import_text(stores[k], sf_buf_str(&text), map, &s, NULL, &err),
		                 SF_OK);
		assert_int_equal(s.rejected, 0);
		assert_int_equal(s.inserted, 2000);
		assert_int_equal(s.updated, 0);
	}
	if (pg) {
		assert_in_range(key_xmins("many"), 2, 49);
		/* Sums sent many times into empty roll-ups: still the plain inserts (their
		 * savepoint's xmin), not the upsert in the transaction's own. */
		assert_int_equal(psql_long("many", "SELECT count(*) FROM incident_rollup r"
		                                   " WHERE r.xmin::text IN (SELECT xmin::text"
		                                   " FROM incidents)"),
		                 0);
		assert_true(psql_long("many", "SELECT count(*) FROM incident_rollup") > 0);
	}

	sf_buf_reset(&text);
	sf_buf_adds(&text, hdr);
	for (int i = 0; i < 2000; i += 10) {
		many_rows(&text, i, i + 5, 200);           /* stored, newer: updates */
		many_rows(&text, i + 2000, i + 2005, 200); /* new */
	}
	for (size_t k = 0; k < 2; k++) {
		assert_int_equal(import_text(stores[k], sf_buf_str(&text), map, &s, NULL, &err),
		                 SF_OK);
		assert_int_equal(s.rejected, 0);
		assert_int_equal(s.inserted, 1000);
		assert_int_equal(s.updated, 1000);
		assert_int_equal(s.unchanged, 0);
	}
	if (pg)
		assert_in_range(key_xmins("many"), 2, 50);
	assert_int_equal(count(st), 3000);
	assert_int_equal(count(sq), 3000);
	dump(st, NULL, &a);
	dump(sq, NULL, &b);
	assert_string_equal(sf_buf_str(&a), sf_buf_str(&b));
	ag_aggs(st, &a);
	ag_aggs(sq, &b);
	assert_string_equal(sf_buf_str(&a), sf_buf_str(&b));

	sf_buf_release(&text);
	sf_buf_release(&a);
	sf_buf_release(&b);
	sf_sector_map_free(map);
	sf_store_close(sq);
	sf_store_close(st);
}

/* One incident for the bulk API (as put() builds it). */
static void race_inc(sf_incident *inc, const char *id, const char *date, const char *a1)
{
	memset(inc, 0, sizeof *inc);
	for (int i = 0; i < SF_ACLED_NCOLS; i++)
		inc->col[i] = "";
	inc->col[SF_COL_EVENT_ID_CNTY] = id;
	inc->col[SF_COL_EVENT_DATE] = date;
	inc->col[SF_COL_EVENT_TYPE] = "Battles";
	inc->col[SF_COL_SUB_EVENT_TYPE] = "Armed clash";
	inc->col[SF_COL_ACTOR1] = a1;
	inc->col[SF_COL_SOURCE] = "src";
	inc->col[SF_COL_LOCATION] = "somewhere";
	assert_int_equal(sf__date_parse(date, &inc->day), 0);
	inc->fatalities = 2;
	inc->latitude = 31.5;
	inc->longitude = 34.45;
	inc->timestamp = 1;
	inc->sector_method = SF_SECTOR_NONE;
	inc->source_system = "ACLED";
}

/*
 * An import into empty roll-ups, whose commit meets roll-up rows another
 * writer added after the import began. On PostgreSQL the import's own
 * roll-up sums (its rows all new) go in as plain inserts in a savepoint;
 * the other writer's row fails that, and the general upsert adds to it.
 * The roll-ups count both writers' incidents, as the same writes one after
 * the other do in SQLite; and an import into a fresh store alone agrees.
 */
static void test_import_rollup_race(void **state)
{
	(void)state;
	char loc[1024];
	sf_store *a = NULL, *b = NULL, *sq = new_store(), *fresh = new_store();
	sf_error err;
	sf_upsert_counts c;
	sf_incident inc;
	sf_buf got, want;
	int found;
	static const char *const ids[] = {"R0", "R1", "R2"};
	static const char *const dates[] = {"2025-03-01", "2025-03-02", "2025-03-02"};
	static const char *const actors[] = {"Force A", "Force A", ""};
	int pg = getenv("SF_PG_HOST") != NULL;
	sf_buf_init(&got, 0);
	sf_buf_init(&want, 0);
	sf_error_clear(&err);
	const char *l = fx_store_location(tmpdir, "race");
	assert_non_null(l);
	sf_strlcpy(loc, l, sizeof loc);
	assert_int_equal(sf_store_open(loc, &a, &err), SF_OK);
	assert_int_equal(sf_store_open(loc, &b, &err), SF_OK);
	/* March's partition exists (a writer would otherwise wait for the import's
	 * new one), and the roll-ups are empty again. */
	sf_store *pre[] = {b, sq};
	for (size_t k = 0; k < 2; k++) {
		put(pre[k], "S0", "2025-03-20", "", "Battles", "Armed clash", "Force A", "", 1,
		    31.5, 34.45, "src", "ACLED");
		assert_int_equal(sf_store_incident_delete(pre[k], "S0", "t", &found, &err), SF_OK);
		assert_int_equal(found, 1);
	}
	sf_store *imp[] = {a, sq, fresh};
	for (size_t k = 0; k < 3; k++) {
		assert_int_equal(sf_store_begin(imp[k], &err), SF_OK);
		assert_int_equal(sf_store_bulk_begin(imp[k], &err), SF_OK);
		for (int i = 0; i < 3; i++) {
			race_inc(&inc, ids[i], dates[i], actors[i]);
			assert_int_equal(sf_store_bulk_add(imp[k], &inc, i + 2, &err), SF_OK);
		}
		assert_int_equal(sf_store_bulk_end(imp[k], &c, &err), SF_OK);
		assert_int_equal(c.inserted, 3);
		/* Another writer, on the import's first day, while the import is open
		 * (SQLite has one writer at a time: there, after its commit). */
		if (k == 0 && pg)
			put(b, "S1", "2025-03-01", "", "Battles", "Armed clash", "Force A", "", 2,
			    31.5, 34.45, "src", "ACLED");
		assert_int_equal(sf_store_commit(imp[k], &err), SF_OK);
		if (k == 0 && !pg)
			put(b, "S1", "2025-03-01", "", "Battles", "Armed clash", "Force A", "", 2,
			    31.5, 34.45, "src", "ACLED");
	}
	put(sq, "S1", "2025-03-01", "", "Battles", "Armed clash", "Force A", "", 2, 31.5, 34.45,
	    "src", "ACLED");
	ag_aggs(a, &got);
	ag_aggs(sq, &want);
	assert_string_equal(sf_buf_str(&got), sf_buf_str(&want));
	/* The first day: the import's R0 and the other writer's S1. */
	assert_non_null(strstr(sf_buf_str(&got), "|Armed clash|2|4;"));
	assert_non_null(strstr(sf_buf_str(&got), "|Force A|2|4;"));
	assert_int_equal(count(a), 4);
	/* The fresh store: the three rows alone. */
	ag_aggs(fresh, &got);
	assert_non_null(strstr(sf_buf_str(&got), "|Armed clash|1|2;"));
	assert_non_null(strstr(sf_buf_str(&got), "|Armed clash|2|4;"));
	sf_buf_release(&got);
	sf_buf_release(&want);
	sf_store_close(a);
	sf_store_close(b);
	sf_store_close(sq);
	sf_store_close(fresh);
}

int main(void)
{
	sf_snprintf(tmpdir, sizeof tmpdir, "/tmp/sf-test-register-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_import_quirks),
	        cmocka_unit_test(test_rejects),
	        cmocka_unit_test(test_upsert),
	        cmocka_unit_test(test_review_log),
	        cmocka_unit_test(test_dupes),
	        cmocka_unit_test(test_reports),
	        cmocka_unit_test(test_change_levels),
	        cmocka_unit_test(test_alerts),
	        cmocka_unit_test(test_aid),
	        cmocka_unit_test(test_aid_crossings),
	        cmocka_unit_test(test_aid_sources),
	        cmocka_unit_test(test_threat),
	        cmocka_unit_test(test_reopen_migrated),
	        cmocka_unit_test(test_versions),
	        cmocka_unit_test(test_import_agrees),
	        cmocka_unit_test(test_import_rollup_race),
	        cmocka_unit_test(test_import_many_chunks),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[600];
	sf_snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
