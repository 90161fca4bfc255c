/*
 * test_geo.c - the sector polygons (src/lib/geo.c): areas on the local
 * projection, point in polygon, nearest polygon within a distance, and
 * every error the GeoJSON reader reports, with its position.
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
#include "scenario/geo.h"

static char tmpdir[256];

static const char *gaza_path(void)
{
	static char path[1024];
	const char *src = getenv("SRCDIR");
	sf_snprintf(path, sizeof(path), "%s/examples/gaza/sectors.geojson", src ? src : "../..");
	return path;
}

/* Write text to a file in the temporary directory; returns its path. */
static const char *write_tmp(const char *name, const char *text)
{
	static char path[512];
	FILE *fp;
	sf_snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static int setup(void **state)
{
	(void)state;
	sf_snprintf(tmpdir, sizeof(tmpdir), "/tmp/sf-test-geo-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	sf_snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_gaza_areas(void **state)
{
	static const struct {
		const char *id;
		double km2;
	} want[] = {{"north_gaza", 61},
	            {"gaza", 74},
	            {"deir_al_balah", 56},
	            {"khan_younis", 108},
	            {"rafah", 64}};
	sf_diags d;
	sf__geo *g = NULL;
	(void)state;

	sf_diags_init(&d);
	assert_int_equal(sf__geo_load(gaza_path(), "id", &g, &d), SF_OK);
	assert_int_equal(d.count, 0);
	assert_int_equal(sf__geo_count(g), 5);
	for (size_t i = 0; i < SF_ARRAY_LEN(want); i++) {
		long k = sf__geo_find(g, want[i].id);
		assert_true(k >= 0);
		assert_string_equal(sf__geo_id(g, (size_t)k), want[i].id);
		double a = sf__geo_area_km2(g, (size_t)k);
		assert_true(fabs(a - want[i].km2) <= 0.03 * want[i].km2);
	}
	assert_int_equal(sf__geo_find(g, "nowhere"), -1);
	int line, col;
	sf__geo_pos(g, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_true(col > 1);
	sf__geo_free(g);
	sf_diags_release(&d);
}

/*
 * The id of feature k, or "(nowhere)" when sf__geo_locate found none: a
 * regressed inside test must fail the assertion, not crash the test on
 * feature -1.
 */
static const char *id_of(const sf__geo *g, long k)
{
	return k >= 0 && (size_t)k < sf__geo_count(g) ? sf__geo_id(g, (size_t)k) : "(nowhere)";
}

static void test_locate(void **state)
{
	sf_diags d;
	sf__geo *g = NULL;
	sf__geo_method m;
	double dist;
	long k;
	(void)state;

	sf_diags_init(&d);
	assert_int_equal(sf__geo_load(gaza_path(), "id", &g, &d), SF_OK);
	/* Gaza City */
	k = sf__geo_locate(g, 34.45, 31.52, 5, &m, &dist);
	assert_string_equal(id_of(g, k), "gaza");
	assert_int_equal(m, SF__GEO_INSIDE);
	assert_true(dist == 0);
	/* Khan Younis */
	k = sf__geo_locate(g, 34.30, 31.30, 5, &m, &dist);
	assert_string_equal(id_of(g, k), "khan_younis");
	/* A vertex of Rafah's polygon is on its boundary: inside. */
	k = sf__geo_locate(g, 34.2188, 31.3235, 0, &m, &dist);
	assert_string_equal(id_of(g, k), "rafah");
	assert_int_equal(m, SF__GEO_INSIDE);
	/* Just off the coast west of Rafah: about 2.8 km from it. */
	k = sf__geo_locate(g, 34.20, 31.30, 10, &m, &dist);
	assert_string_equal(id_of(g, k), "rafah");
	assert_int_equal(m, SF__GEO_NEAREST);
	assert_true(dist > 2.0 && dist < 3.5);
	/* The same point with a smaller radius: nowhere. */
	k = sf__geo_locate(g, 34.20, 31.30, 1, &m, &dist);
	assert_int_equal(k, -1);
	assert_int_equal(m, SF__GEO_NONE);
	/* Far away (Cairo): nowhere. */
	k = sf__geo_locate(g, 31.24, 30.04, 50, &m, &dist);
	assert_int_equal(k, -1);
	assert_int_equal(m, SF__GEO_NONE);
	/* Not a number. */
	assert_int_equal(sf__geo_locate(g, NAN, 31.5, 50, &m, &dist), -1);
	sf__geo_free(g);
	sf_diags_release(&d);
}

/* A rectangle 0.1 x 0.1 degrees at the equator: 11.12 km x 11.06 km. */
static void test_rectangle_and_multipolygon(void **state)
{
	const char *path = write_tmp(
	        "rect.geojson",
	        "{\"type\":\"FeatureCollection\",\"features\":[\n"
	        "{\"type\":\"Feature\",\"properties\":{\"sid\":\"a\"},\"geometry\":{\"type\":"
	        "\"Polygon\",\"coordinates\":[[[0,0],[0.1,0],[0.1,0.1],[0,0.1],[0,0]]]}},\n"
	        "{\"type\":\"Feature\",\"properties\":{\"sid\":7},\"geometry\":{\"type\":"
	        "\"MultiPolygon\",\"coordinates\":[[[[1,0],[1.1,0],[1.1,0.1],[1,0.1],[1,0]]],"
	        "[[[2,0],[2.1,0],[2.1,0.1],[2,0.1],[2,0]]]]}}]}\n");
	sf_diags d;
	sf__geo *g = NULL;
	sf__geo_method m;
	double dist;
	(void)state;

	sf_diags_init(&d);
	assert_int_equal(sf__geo_load(path, "sid", &g, &d), SF_OK);
	assert_int_equal(sf__geo_count(g), 2);
	assert_true(fabs(sf__geo_area_km2(g, 0) - 123.6) < 1.0);
	/* Integer ids are read as their decimal text. */
	assert_int_equal(sf__geo_find(g, "7"), 1);
	assert_true(fabs(sf__geo_area_km2(g, 1) - 2 * 123.6) < 2.0);
	assert_int_equal(sf__geo_locate(g, 2.05, 0.05, 0, &m, &dist), 1);
	int line, col;
	sf__geo_pos(g, 1, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 1);
	/* 0.05 degrees east of the first square's edge: 5.56 km. */
	assert_int_equal(sf__geo_locate(g, 0.15, 0.05, 6, &m, &dist), 0);
	assert_true(fabs(dist - 5.56) < 0.05);
	sf__geo_free(g);
	sf_diags_release(&d);
}

/* Load text expected to fail; the first diagnostic must contain `want`. */
static void expect_error(const char *text, const char *want, int line)
{
	const char *path = write_tmp("bad.geojson", text);
	sf_diags d;
	sf__geo *g = (sf__geo *)1;

	sf_diags_init(&d);
	assert_int_equal(sf__geo_load(path, "id", &g, &d), SF_ERR_SCENARIO);
	assert_null(g);
	assert_true(d.nerrors >= 1);
	if (!strstr(d.items[0].message, want) && !strstr(d.items[0].path, want)) {
		print_error("got '%s: %s', want '%s'\n", d.items[0].path, d.items[0].message, want);
		fail();
	}
	assert_string_equal(d.items[0].file, path);
	if (line)
		assert_int_equal(d.items[0].line, line);
	sf_diags_release(&d);
}

#define FC(features) "{\"type\":\"FeatureCollection\",\"features\":[\n" features "]}"
#define SQUARE "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]"

static void test_errors(void **state)
{
	(void)state;
	expect_error("{\"type\": \"FeatureCollection\",\n \"features\": [,]}", "invalid JSON", 2);
	expect_error("{\"type\": \"Feature\"}", "FeatureCollection", 1);
	expect_error(FC(""), "at least one feature", 0);
	expect_error(FC("{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
	                "\"Polygon\",\"coordinates\":" SQUARE "}}"),
	             "expected the sector id", 2);
	expect_error(FC("{\"type\":\"Feature\",\"properties\":{\"id\":\"a\"},\"geometry\":{"
	                "\"type\":\"Polygon\",\"coordinates\":" SQUARE "}},\n"
	                "{\"type\":\"Feature\",\"properties\":{\"id\":\"a\"},\"geometry\":{"
	                "\"type\":\"Polygon\",\"coordinates\":" SQUARE "}}"),
	             "duplicate sector id 'a' (first at features[0], line 2)", 3);
	/* A bow tie: self-intersecting. */
	expect_error(FC("{\"type\":\"Feature\",\"properties\":{\"id\":\"a\"},\"geometry\":{"
	                "\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}"),
	             "is invalid", 2);
	expect_error(
	        FC("{\"type\":\"Feature\",\"properties\":{\"id\":\"a\"},\"geometry\":{"
	           "\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0.5]]]}}"),
	        "not closed", 2);
	expect_error(FC("{\"type\":\"Feature\",\"properties\":{\"id\":\"a\"},\"geometry\":{"
	                "\"type\":\"Polygon\",\"coordinates\":[]}}"),
	             "is empty", 2);
	expect_error(FC("{\"type\":\"Feature\",\"properties\":{\"id\":\"a\"},\"geometry\":{"
	                "\"type\":\"Point\",\"coordinates\":[0,0]}}"),
	             "expected a Polygon or MultiPolygon", 2);
	expect_error(FC("{\"type\":\"Feature\",\"properties\":{\"id\":\"a\"},\"geometry\":{"
	                "\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}}"),
	             "at least 4 positions", 2);
	expect_error(FC("{\"type\":\"Feature\",\"properties\":{\"id\":\"a\"},\"geometry\":{"
	                "\"type\":\"Polygon\",\"coordinates\":[[[0,0],[200,0],[1,1],[0,0]]]}}"),
	             "not a WGS 84", 2);
	expect_error(FC("{\"type\":\"Feature\",\"properties\":{\"id\":\"a\"},\"geometry\":{"
	                "\"type\":\"Polygon\",\"coordinates\":[[[0,0],[\"x\",0],[1,1],[0,0]]]}}"),
	             "two numbers", 2);
}

static void test_missing_file(void **state)
{
	sf_diags d;
	sf__geo *g = NULL;
	(void)state;

	sf_diags_init(&d);
	assert_int_equal(sf__geo_load("/nonexistent/x.geojson", "id", &g, &d), SF_ERR_IO);
	assert_null(g);
	assert_int_equal(d.nerrors, 1);
	assert_non_null(strstr(d.items[0].message, "cannot read"));
	sf_diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_gaza_areas),
	        cmocka_unit_test(test_locate),
	        cmocka_unit_test(test_rectangle_and_multipolygon),
	        cmocka_unit_test(test_errors),
	        cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
