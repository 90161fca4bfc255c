/*
 * web.h - the dashboard's files, built into the binary.
 *
 * Everything under web/ (pages, styles, scripts, the vendored Leaflet and
 * uPlot with their licences) is turned into a table at build time by
 * scripts/embed-web, so `stabforce serve` answers `/` with no file on disk
 * and no network. The server looks a request's path up here and sends the
 * bytes with the asset's content type, its ETag, and sf_web_csp() as the
 * Content-Security-Policy. Nothing here allocates; the table is read-only
 * and lives as long as the program.
 */
#ifndef STABFORCE_WEB_H
#define STABFORCE_WEB_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_web_asset {
	const char *path;          /* URL path: "/index.html", "/vendor/uplot/LICENSE" */
	const char *content_type;  /* "text/html; charset=utf-8", "image/png", ... */
	const unsigned char *data; /* size bytes, followed by a NUL not counted */
	size_t size;               /* bytes */
	const char *etag;          /* strong ETag with its quotes: "\"1a2b...\"" */
} sf_web_asset;

/*
 * The asset for a request's URL path (no query string), or NULL.
 * "/" is "/index.html"; a path whose last segment has no dot also finds
 * the page of that name ("/plan" is "/plan.html"). Paths that do not start
 * with '/', that hold an empty, "." or ".." segment, a character outside
 * [A-Za-z0-9._-/], or more than 255 bytes find nothing.
 */
const sf_web_asset *sf_web_asset_find(const char *path);

/* The number of assets, and asset i (0 <= i < count) in path order. */
size_t sf_web_asset_count(void);
const sf_web_asset *sf_web_asset_get(size_t i);

/*
 * The Content-Security-Policy for every dashboard response: scripts,
 * styles, images and API calls from the same origin only; no inline
 * script or style element, no plugin, no frame, no base or form target
 * elsewhere.
 */
const char *sf_web_csp(void);

#ifdef __cplusplus
}
#endif
#endif
