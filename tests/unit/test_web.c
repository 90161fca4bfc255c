/*
 * test_web.c - the dashboard's built-in files (src/lib/output/web.c and
 * the table scripts/embed-web generates from web/): lookups, clean URLs,
 * hostile paths that must find nothing, the table's order and ETags, and
 * the pages themselves: every same-origin link and script they name is in
 * the table, and none holds what the Content-Security-Policy would block
 * (inline scripts, event-handler attributes, style attributes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "stabforce/stabforce.h"

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void test_index(void **state)
{
	const sf_web_asset *a = sf_web_asset_find("/");
	(void)state;
	assert_non_null(a);
	assert_string_equal(a->path, "/index.html");
	assert_string_equal(a->content_type, "text/html; charset=utf-8");
	assert_true(a->size > 100);
	assert_int_equal(a->data[a->size], '\0');
	assert_int_equal(strlen((const char *)a->data), a->size);
	assert_memory_equal(a->data, "<!doctype html>", 15);
	assert_ptr_equal(sf_web_asset_find("/index.html"), a);
	assert_ptr_equal(sf_web_asset_find("/index"), a);
}

static void test_types(void **state)
{
	const sf_web_asset *a;
	(void)state;
	a = sf_web_asset_find("/vendor/leaflet/leaflet.js");
	assert_non_null(a);
	assert_string_equal(a->content_type, "text/javascript; charset=utf-8");
	a = sf_web_asset_find("/vendor/uplot/uPlot.min.css");
	assert_non_null(a);
	assert_string_equal(a->content_type, "text/css; charset=utf-8");
	a = sf_web_asset_find("/vendor/leaflet/images/layers.png");
	assert_non_null(a);
	assert_string_equal(a->content_type, "image/png");
	assert_memory_equal(a->data, "\x89PNG", 4);
	a = sf_web_asset_find("/vendor/uplot/LICENSE");
	assert_non_null(a);
	assert_string_equal(a->content_type, "text/plain; charset=utf-8");
	a = sf_web_asset_find("/favicon.svg");
	assert_non_null(a);
	assert_string_equal(a->content_type, "image/svg+xml");
}

static void test_not_found(void **state)
{
	static const char *const bad[] = {
	        "",
	        "index.html",
	        "//index.html",
	        "/index.html/",
	        "/./index.html",
	        "/../index.html",
	        "/vendor/../index.html",
	        "/vendor/leaflet/../../index.html",
	        "/..",
	        "/.",
	        "/%2e%2e/index.html",
	        "/index.html?x=1",
	        "/index.html#top",
	        "/index.html\\",
	        "/in dex.html",
	        "/index.html\n",
	        "/\xc3\xa9.html",
	        "/vendor",
	        "/vendor/",
	        "/MANIFEST",
	        "/vendor/MANIFEST",
	        "/README.md",
	        "/index.htm",
	        "/nothing",
	        "/api/v1/health",
	};
	char longpath[600];
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sf_web_asset_find(bad[i]) != NULL)
			fail_msg("'%s' found an asset", bad[i]);
	}
	assert_null(sf_web_asset_find(NULL));
	/* A long path of valid characters: refused before any lookup. */
	longpath[0] = '/';
	memset(longpath + 1, 'a', sizeof(longpath) - 2);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_null(sf_web_asset_find(longpath));
	/* The clean URL of a page is found; of a vendored file, not. */
	assert_null(sf_web_asset_find("/vendor/leaflet/leaflet"));
}

static void test_table(void **state)
{
	size_t n = sf_web_asset_count();
	(void)state;
	assert_true(n >= 10);
	assert_null(sf_web_asset_get(n));
	for (size_t i = 0; i < n; i++) {
		const sf_web_asset *a = sf_web_asset_get(i);
		size_t k;
		assert_non_null(a);
		if (i > 0 && strcmp(sf_web_asset_get(i - 1)->path, a->path) >= 0)
			fail_msg("table out of order at '%s'", a->path);
		/* Every entry is found by its own path. */
		if (sf_web_asset_find(a->path) != a)
			fail_msg("'%s' is not found by its path", a->path);
		assert_int_equal(strlen(a->etag), 18);
		assert_int_equal(a->etag[0], '"');
		assert_int_equal(a->etag[17], '"');
		for (k = 1; k < 17; k++)
			assert_true(isxdigit((unsigned char)a->etag[k]));
		assert_int_equal(a->data[a->size], '\0');
	}
}

/* Every attribute value of name in page that starts with '/' and is not
 * under /api/: an asset of the table. */
static void check_refs(const sf_web_asset *page, const char *attr)
{
	const char *p = (const char *)page->data;
	size_t alen = strlen(attr);
	while ((p = strstr(p, attr)) != NULL) {
		char url[300];
		const char *end;
		size_t n;
		p += alen;
		if (*p != '/')
			continue;
		end = strchr(p, '"');
		assert_non_null(end);
		n = (size_t)(end - p);
		assert_true(n < sizeof(url));
		memcpy(url, p, n);
		url[n] = '\0';
		if (strncmp(url, "/api/", 5) == 0)
			continue;
		{
			char *q = strpbrk(url, "?#");
			if (q != NULL)
				*q = '\0';
		}
		if (sf_web_asset_find(url) == NULL)
			fail_msg("%s names %s, which is not built in", page->path, url);
	}
}

/* 1 when text holds an attribute named like an event handler (" onclick="). */
static int has_handler_attr(const char *text)
{
	for (const char *p = text; (p = strstr(p, " on")) != NULL; p++) {
		const char *q = p + 3;
		while (islower((unsigned char)*q))
			q++;
		if (q > p + 3 && *q == '=')
			return 1;
	}
	return 0;
}

static void test_pages(void **state)
{
	size_t n = sf_web_asset_count(), pages = 0;
	(void)state;
	for (size_t i = 0; i < n; i++) {
		const sf_web_asset *a = sf_web_asset_get(i);
		const char *text = (const char *)a->data;
		const char *s;
		if (!ends_with(a->path, ".html"))
			continue;
		pages++;
		check_refs(a, "href=\"");
		check_refs(a, "src=\"");
		/* No inline script: every <script has a src. */
		for (s = text; (s = strstr(s, "<script")) != NULL; s++) {
			const char *close = strchr(s, '>');
			char tag[300];
			assert_non_null(close);
			assert_true((size_t)(close - s) < sizeof(tag));
			memcpy(tag, s, (size_t)(close - s));
			tag[close - s] = '\0';
			if (strstr(tag, " src=\"/") == NULL)
				fail_msg("%s has an inline <script>", a->path);
		}
		if (strstr(text, " style=\"") != NULL || strstr(text, "<style") != NULL)
			fail_msg("%s has inline style, which the CSP blocks", a->path);
		if (has_handler_attr(text))
			fail_msg("%s has an event-handler attribute", a->path);
		if (strstr(text, "http://") != NULL || strstr(text, "https://") != NULL)
			fail_msg("%s names another origin", a->path);
		/* The shared parts (web/parts/) are in, once each, never their
		 * include line: the head's lines, the pages' links, the footer. */
		if (strstr(text, "<!--#include") != NULL)
			fail_msg("%s still has an include line", a->path);
		if (strstr(text, "<meta charset=\"utf-8\">") == NULL ||
		    strstr(text, "href=\"/css/app.css\"") == NULL ||
		    strstr(text, "<li><a href=\"/review\">Review</a></li>") == NULL ||
		    strstr(text, "<footer class=\"foot\">") == NULL)
			fail_msg("%s lacks a shared part (head, links or footer)", a->path);
	}
	assert_true(pages >= 1);
	/* The parts are pieces of pages, not pages. */
	assert_null(sf_web_asset_find("/parts/nav.html"));
	assert_null(sf_web_asset_find("/parts/head.html"));
}

static void test_csp(void **state)
{
	const char *csp = sf_web_csp();
	(void)state;
	assert_non_null(strstr(csp, "default-src 'none'"));
	assert_non_null(strstr(csp, "script-src 'self'"));
	assert_non_null(strstr(csp, "connect-src 'self'"));
	assert_non_null(strstr(csp, "frame-ancestors 'none'"));
	assert_null(strstr(csp, "unsafe"));
	assert_null(strstr(csp, "*"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_index),     cmocka_unit_test(test_types),
	        cmocka_unit_test(test_not_found), cmocka_unit_test(test_table),
	        cmocka_unit_test(test_pages),     cmocka_unit_test(test_csp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
