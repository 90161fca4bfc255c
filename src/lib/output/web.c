/*
 * web.c - looking a request's path up in the dashboard's built-in files.
 *
 * The table (web_assets.h) is generated from web/ at build time and sorted
 * by path, so a lookup is a check of the path's shape followed by a binary
 * search. The shape check comes first and is strict: the table holds no
 * path with "..", an empty segment or an unusual character, so refusing
 * them up front costs nothing and means a hostile path never reaches a
 * comparison. Clean URLs ("/plan") find the page "/plan.html".
 */
#include "base/internal.h"

#include <stdlib.h>
#include <string.h>

#include "output/web_assets.h"
#include "stabforce/buf.h"

/* Longest path looked up, with the ".html" a clean URL gets. */
#define WEB_PATH_MAX 256

static const char web_csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
                              "img-src 'self'; connect-src 'self'; base-uri 'none'; "
                              "form-action 'self'; frame-ancestors 'none'";

/* 1 when path is '/' followed by segments of [A-Za-z0-9._-], none empty,
 * "." or "..". */
static int path_ok(const char *path)
{
	const char *seg;
	if (path[0] != '/')
		return 0;
	seg = path + 1;
	for (;;) {
		size_t n = strspn(seg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                       "0123456789._-");
		if (n == 0 || (n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		if (seg[n] == '\0')
			return 1;
		if (seg[n] != '/')
			return 0;
		seg += n + 1;
	}
}

static int cmp_path(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const sf_web_asset *)elem)->path);
}

static const sf_web_asset *exact(const char *path)
{
	return bsearch(path, sf__web_assets, sf__web_asset_count, sizeof(sf__web_assets[0]),
	               cmp_path);
}

const sf_web_asset *sf_web_asset_find(const char *path)
{
	char page[WEB_PATH_MAX + 8];
	const sf_web_asset *a;
	const char *last;
	if (path == NULL)
		return NULL;
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	if (strlen(path) >= WEB_PATH_MAX || !path_ok(path))
		return NULL;
	a = exact(path);
	if (a != NULL)
		return a;
	last = strrchr(path, '/');
	if (strchr(last, '.') != NULL)
		return NULL;
	if (sf_snprintf(page, sizeof(page), "%s.html", path) >= (int)sizeof(page))
		return NULL;
	return exact(page);
}

size_t sf_web_asset_count(void)
{
	return sf__web_asset_count;
}

const sf_web_asset *sf_web_asset_get(size_t i)
{
	return i < sf__web_asset_count ? &sf__web_assets[i] : NULL;
}

const char *sf_web_csp(void)
{
	return web_csp;
}
