#include "base/internal.h"

/*
 * geo.c - sector polygons: the one adapter over GEOS (reentrant _r API).
 *
 * The GeoJSON is parsed with Jansson (GEOS's own GeoJSON reader drops the
 * feature properties, and we need the sector id from them). Each feature
 * becomes two GEOS geometries:
 *
 *   - `geom`, in lon/lat degrees, with a prepared geometry for the
 *     point-in-polygon test (covers: a point on the boundary counts as
 *     inside, so an incident on a sector line is never "nowhere");
 *   - `proj`, the same polygon on a local equirectangular projection in
 *     kilometres around the polygon's centroid (x = R*dlon*cos(lat0),
 *     y = R*dlat). Areas and distances are measured on it. At the size of a
 *     sector (tens of km) the error is far below 1%.
 *
 * A point is projected with the projection of the polygon it is measured
 * against, so every distance is computed in that polygon's own frame.
 *
 * Where polygons overlap or share an edge, the first feature in file order
 * wins, and among equally near polygons the first one wins: results are
 * deterministic.
 *
 * Jansson keeps no positions for parsed nodes, so after a successful parse
 * a small scanner walks the text once to find the line and column where
 * each element of `features` starts; diagnostics about feature i carry that
 * position.
 */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <geos_c.h>

#include "scenario/geo.h"

#define EARTH_RADIUS_KM 6371.0088
#define DEG2RAD (3.14159265358979323846 / 180.0)

typedef struct geo_feature {
	char *id;
	GEOSGeometry *geom;               /* lon/lat */
	const GEOSPreparedGeometry *prep; /* prepared geom */
	GEOSGeometry *proj;               /* local projection, km */
	double lon0, lat0;                /* projection centre, degrees */
	double coslat0;                   /* cos(lat0) */
	double area_km2;                  /* area of proj */
	size_t index;                     /* position in the file's features[] */
	int line, column;                 /* where the feature starts in the text */
} geo_feature;

struct sf__geo {
	GEOSContextHandle_t ctx;
	geo_feature *features;
	size_t count;
	char errmsg[256]; /* the last GEOS error message */
};

typedef struct textpos {
	int line, column;
} textpos;

/* ------------------------------------------------------------------ */
/* GEOS context                                                         */

static void geos_error_handler(const char *message, void *userdata)
{
	sf__geo *g = userdata;
	sf_strlcpy(g->errmsg, message, sizeof(g->errmsg));
}

static void geos_notice_handler(const char *message, void *userdata)
{
	(void)message;
	(void)userdata;
}

/* ------------------------------------------------------------------ */
/* Positions of the elements of "features", found by scanning the text. */

typedef struct scanner {
	const char *p, *end;
	int line, column;
} scanner;

static void scan_advance(scanner *s)
{
	if (s->p >= s->end)
		return;
	if (*s->p == '\n') {
		s->line++;
		s->column = 1;
	} else if (((unsigned char)*s->p & 0xC0) != 0x80) {
		s->column++; /* count characters, not UTF-8 continuation bytes */
	}
	s->p++;
}

static void scan_ws(scanner *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		scan_advance(s);
}

/* Skip a string starting at '"'; copy up to n-1 raw bytes of it to key. */
static void scan_string(scanner *s, char *key, size_t n)
{
	size_t k = 0;
	scan_advance(s); /* opening quote */
	while (s->p < s->end && *s->p != '"') {
		if (*s->p == '\\') {
			scan_advance(s);
			if (key && k + 1 < n)
				key[k++] = '\\';
		}
		if (key && k + 1 < n && s->p < s->end)
			key[k++] = *s->p;
		scan_advance(s);
	}
	scan_advance(s);
	if (key && n)
		key[k] = '\0';
}

static void scan_value(scanner *s, int depth)
{
	scan_ws(s);
	if (s->p >= s->end || depth > 4096)
		return;
	if (*s->p == '"') {
		scan_string(s, NULL, 0);
	} else if (*s->p == '{' || *s->p == '[') {
		char close = *s->p == '{' ? '}' : ']';
		scan_advance(s);
		for (;;) {
			scan_ws(s);
			if (s->p >= s->end)
				return;
			if (*s->p == close) {
				scan_advance(s);
				return;
			}
			if (*s->p == ',' || *s->p == ':') {
				scan_advance(s);
				continue;
			}
			scan_value(s, depth + 1);
		}
	} else {
		/* a scalar: at least one byte, so that a byte the JSON parser let
		 * through and this scanner does not know cannot stop it */
		do
			scan_advance(s);
		while (s->p < s->end && !memchr(",]}: \t\r\n", *s->p, 8));
	}
}

/*
 * Fill pos[0..n-1] with the start of each element of the top-level
 * "features" array; entries not found keep line 0. The text is already
 * known to be valid JSON.
 */
static void scan_feature_positions(const char *text, size_t len, textpos *pos, size_t n)
{
	scanner s = {text, text + len, 1, 1};
	char key[32];

	scan_ws(&s);
	if (s.p >= s.end || *s.p != '{')
		return;
	scan_advance(&s);
	for (;;) {
		scan_ws(&s);
		if (s.p >= s.end || *s.p == '}')
			return;
		if (*s.p == ',') {
			scan_advance(&s);
			continue;
		}
		if (*s.p != '"')
			return;
		scan_string(&s, key, sizeof(key));
		scan_ws(&s);
		if (s.p < s.end && *s.p == ':')
			scan_advance(&s);
		scan_ws(&s);
		if (strcmp(key, "features") == 0 && s.p < s.end && *s.p == '[') {
			size_t i = 0;
			scan_advance(&s);
			for (;;) {
				scan_ws(&s);
				if (s.p >= s.end || *s.p == ']')
					return;
				if (*s.p == ',') {
					scan_advance(&s);
					continue;
				}
				if (i < n) {
					pos[i].line = s.line;
					pos[i].column = s.column;
				}
				i++;
				scan_value(&s, 0);
			}
		}
		scan_value(&s, 0);
	}
}

/* ------------------------------------------------------------------ */
/* Reading geometry                                                     */

typedef struct load_ctx {
	sf__geo *g;
	const char *path;
	sf_diags *diags;
	int nerrors;
	int nomem;
} load_ctx;

static void load_error(load_ctx *lc, textpos at, const char *keypath, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void load_error(load_ctx *lc, textpos at, const char *keypath, const char *fmt, ...)
{
	char msg[SF_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lc->nerrors++;
	if (sf_diags_add(lc->diags, SF_DIAG_ERROR, lc->path, at.line, at.column, keypath, "%s",
	                 msg) == SF_ERR_NOMEM)
		lc->nomem = 1;
}

/*
 * A linear ring from a JSON array of positions; NULL (with a diagnostic)
 * when malformed.
 */
static GEOSGeometry *read_ring(load_ctx *lc, textpos at, const char *keypath, const sf_json *ring)
{
	GEOSContextHandle_t ctx = lc->g->ctx;
	GEOSCoordSequence *seq;
	GEOSGeometry *lr;
	size_t n, i;

	if (!sf_json_is_array(ring)) {
		load_error(lc, at, keypath, "expected a ring (an array of [lon, lat] positions)");
		return NULL;
	}
	n = sf_json_size(ring);
	if (n < 4) {
		load_error(lc, at, keypath, "a ring needs at least 4 positions, found %zu", n);
		return NULL;
	}
	if (n > 10000000) {
		load_error(lc, at, keypath, "a ring with %zu positions is too large", n);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		const sf_json *pt = sf_json_at(ring, i);
		double lon, lat;
		if (!sf_json_is_array(pt) || sf_json_size(pt) < 2 ||
		    !sf_json_is_number(sf_json_at(pt, 0)) ||
		    !sf_json_is_number(sf_json_at(pt, 1))) {
			load_error(lc, at, keypath,
			           "position %zu: expected [lon, lat] with two numbers", i);
			return NULL;
		}
		lon = sf_json_number(sf_json_at(pt, 0));
		lat = sf_json_number(sf_json_at(pt, 1));
		if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
			load_error(lc, at, keypath,
			           "position %zu: [%g, %g] is not a WGS 84 longitude, latitude", i,
			           lon, lat);
			return NULL;
		}
	}
	{
		const sf_json *a = sf_json_at(ring, 0), *b = sf_json_at(ring, n - 1);
		if (sf_json_number(sf_json_at(a, 0)) != sf_json_number(sf_json_at(b, 0)) ||
		    sf_json_number(sf_json_at(a, 1)) != sf_json_number(sf_json_at(b, 1))) {
			load_error(lc, at, keypath,
			           "ring is not closed: the last position must repeat the first");
			return NULL;
		}
	}
	seq = GEOSCoordSeq_create_r(ctx, (unsigned)n, 2);
	if (!seq) {
		lc->nomem = 1;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		const sf_json *pt = sf_json_at(ring, i);
		GEOSCoordSeq_setXY_r(ctx, seq, (unsigned)i, sf_json_number(sf_json_at(pt, 0)),
		                     sf_json_number(sf_json_at(pt, 1)));
	}
	lr = GEOSGeom_createLinearRing_r(ctx, seq); /* takes seq */
	if (!lr)
		load_error(lc, at, keypath, "invalid ring: %s", lc->g->errmsg);
	return lr;
}

/* A polygon from GeoJSON Polygon coordinates (an array of rings). */
static GEOSGeometry *read_polygon(load_ctx *lc, textpos at, const char *keypath,
                                  const sf_json *coords)
{
	GEOSContextHandle_t ctx = lc->g->ctx;
	GEOSGeometry *shell = NULL, **holes = NULL, *poly = NULL;
	size_t nrings, nholes = 0, i;
	char sub[SF_ERROR_PATH_MAX];

	if (!sf_json_is_array(coords)) {
		load_error(lc, at, keypath, "expected an array of rings");
		return NULL;
	}
	nrings = sf_json_size(coords);
	if (nrings == 0)
		return GEOSGeom_createEmptyPolygon_r(ctx);
	sf_snprintf(sub, sizeof(sub), "%s[0]", keypath);
	shell = read_ring(lc, at, sub, sf_json_at(coords, 0));
	if (!shell)
		goto out;
	if (nrings > 1) {
		holes = calloc(nrings - 1, sizeof(*holes));
		if (!holes) {
			lc->nomem = 1;
			goto out;
		}
	}
	for (i = 1; i < nrings; i++) {
		sf_snprintf(sub, sizeof(sub), "%s[%zu]", keypath, i);
		holes[nholes] = read_ring(lc, at, sub, sf_json_at(coords, i));
		if (!holes[nholes])
			goto out;
		nholes++;
	}
	poly = GEOSGeom_createPolygon_r(ctx, shell, holes, (unsigned)nholes); /* takes rings */
	if (poly) {
		shell = NULL;
		nholes = 0;
	} else {
		load_error(lc, at, keypath, "invalid polygon: %s", lc->g->errmsg);
	}
out:
	if (shell)
		GEOSGeom_destroy_r(ctx, shell);
	for (i = 0; i < nholes; i++)
		GEOSGeom_destroy_r(ctx, holes[i]);
	free(holes);
	return poly;
}

/* A Polygon or MultiPolygon from a GeoJSON geometry object. */
static GEOSGeometry *read_geometry(load_ctx *lc, textpos at, const char *keypath,
                                   const sf_json *geom)
{
	GEOSContextHandle_t ctx = lc->g->ctx;
	const char *type;
	const sf_json *coords;
	char sub[SF_ERROR_PATH_MAX];

	if (!sf_json_is_object(geom)) {
		load_error(lc, at, keypath, "expected a geometry object");
		return NULL;
	}
	type = sf_json_string(sf_json_get(geom, "type"));
	coords = sf_json_get(geom, "coordinates");
	sf_snprintf(sub, sizeof(sub), "%s.coordinates", keypath);
	if (type && strcmp(type, "Polygon") == 0)
		return read_polygon(lc, at, sub, coords);
	if (type && strcmp(type, "MultiPolygon") == 0) {
		GEOSGeometry **parts, *multi = NULL;
		size_t n, i, made = 0;
		if (!sf_json_is_array(coords)) {
			load_error(lc, at, sub, "expected an array of polygons");
			return NULL;
		}
		n = sf_json_size(coords);
		if (n == 0)
			return GEOSGeom_createEmptyCollection_r(ctx, GEOS_MULTIPOLYGON);
		parts = calloc(n, sizeof(*parts));
		if (!parts) {
			lc->nomem = 1;
			return NULL;
		}
		for (i = 0; i < n; i++) {
			char psub[SF_ERROR_PATH_MAX];
			sf_snprintf(psub, sizeof(psub), "%s[%zu]", sub, i);
			parts[i] = read_polygon(lc, at, psub, sf_json_at(coords, i));
			if (!parts[i])
				break;
			made++;
		}
		if (made == n) {
			multi = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, parts,
			                                    (unsigned)n);
			if (multi)
				made = 0; /* the collection owns them */
			else
				load_error(lc, at, keypath, "invalid multipolygon: %s",
				           lc->g->errmsg);
		}
		for (i = 0; i < made; i++)
			GEOSGeom_destroy_r(ctx, parts[i]);
		free(parts);
		return multi;
	}
	load_error(lc, at, keypath, "expected a Polygon or MultiPolygon geometry, found %s%s%s",
	           type ? "'" : "", type ? type : "no type", type ? "'" : "");
	return NULL;
}

typedef struct proj_params {
	double lon0, lat0, coslat0;
} proj_params;

static int project_xy(double *x, double *y, void *userdata)
{
	const proj_params *pp = userdata;
	*x = EARTH_RADIUS_KM * (*x - pp->lon0) * DEG2RAD * pp->coslat0;
	*y = EARTH_RADIUS_KM * (*y - pp->lat0) * DEG2RAD;
	return 1;
}

/* Centroid, projection, prepared geometry and area for a valid feature. */
static int finish_feature(sf__geo *g, geo_feature *f)
{
	GEOSContextHandle_t ctx = g->ctx;
	GEOSGeometry *c;
	proj_params pp;
	double x = 0, y = 0;

	c = GEOSGetCentroid_r(ctx, f->geom);
	if (!c)
		return -1;
	if (GEOSGeomGetX_r(ctx, c, &x) != 1 || GEOSGeomGetY_r(ctx, c, &y) != 1) {
		GEOSGeom_destroy_r(ctx, c);
		return -1;
	}
	GEOSGeom_destroy_r(ctx, c);
	f->lon0 = x;
	f->lat0 = y;
	f->coslat0 = cos(y * DEG2RAD);
	pp.lon0 = f->lon0;
	pp.lat0 = f->lat0;
	pp.coslat0 = f->coslat0;
	f->proj = GEOSGeom_transformXY_r(ctx, f->geom, project_xy, &pp);
	if (!f->proj)
		return -1;
	if (GEOSArea_r(ctx, f->proj, &f->area_km2) != 1)
		return -1;
	f->prep = GEOSPrepare_r(ctx, f->geom);
	if (!f->prep)
		return -1;
	return 0;
}

static void free_feature(sf__geo *g, geo_feature *f)
{
	if (f->prep)
		GEOSPreparedGeom_destroy_r(g->ctx, f->prep);
	if (f->geom)
		GEOSGeom_destroy_r(g->ctx, f->geom);
	if (f->proj)
		GEOSGeom_destroy_r(g->ctx, f->proj);
	free(f->id);
	memset(f, 0, sizeof(*f));
}

/* The whole file in a malloc'ed buffer; NULL with errno set on failure. */
sf_status sf__geo_load(const char *path, const char *id_property, sf__geo **out, sf_diags *diags)
{
	char *text;
	size_t len;
	sf_error err;
	sf_status rc;

	*out = NULL;
	sf_error_clear(&err);
	rc = sf_file_read(path, SF_MAX_GEOJSON_BYTES, "a sector map", &text, &len, &err);
	if (rc != SF_OK) {
		sf_diags_add(diags, SF_DIAG_ERROR, path, 0, 0, NULL, "%s", err.message);
		return rc;
	}
	rc = sf__geo_load_mem(text, len, path, id_property, out, diags);
	free(text);
	return rc;
}

sf_status sf__geo_load_mem(const char *text, size_t len, const char *path, const char *id_property,
                           sf__geo **out, sf_diags *diags)
{
	sf__geo *g = NULL;
	size_t n = 0, i, j;
	sf_json *root = NULL;
	const sf_json *features;
	sf_json_parse_error jerr;
	textpos *pos = NULL;
	load_ctx lc;
	sf_status rc = SF_OK;
	const char *type;

	*out = NULL;
	memset(&lc, 0, sizeof(lc));
	lc.path = path;
	lc.diags = diags;

	if (sf__blank_text(text, len)) {
		sf_diags_add(diags, SF_DIAG_ERROR, path, 1, 1, NULL,
		             "the sector map is empty: expected a GeoJSON FeatureCollection");
		rc = SF_ERR_SCENARIO;
		goto out;
	}
	rc = sf_json_parse(text, len, SF_JSON_REJECT_DUPLICATES, &root, &jerr);
	if (rc == SF_ERR_NOMEM)
		goto out;
	if (rc != SF_OK) {
		sf_diags_add(diags, SF_DIAG_ERROR, path, jerr.line, jerr.column, NULL,
		             "invalid JSON: %s", jerr.text);
		rc = SF_ERR_SCENARIO;
		goto out;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		rc = SF_ERR_NOMEM;
		goto out;
	}
	g->ctx = GEOS_init_r();
	if (!g->ctx) {
		rc = SF_ERR_NOMEM;
		goto out;
	}
	GEOSContext_setErrorMessageHandler_r(g->ctx, geos_error_handler, g);
	GEOSContext_setNoticeMessageHandler_r(g->ctx, geos_notice_handler, g);
	lc.g = g;

	type = sf_json_string(sf_json_get(root, "type"));
	features = sf_json_get(root, "features");
	if (!sf_json_is_object(root) || !type || strcmp(type, "FeatureCollection") != 0 ||
	    !sf_json_is_array(features)) {
		load_error(&lc, (textpos){1, 1}, NULL,
		           "expected a GeoJSON FeatureCollection with a 'features' array");
		goto out;
	}
	n = sf_json_size(features);
	if (n == 0) {
		load_error(&lc, (textpos){1, 1}, "features", "expected at least one feature");
		goto out;
	}
	pos = calloc(n, sizeof(*pos));
	g->features = calloc(n, sizeof(*g->features));
	if (!pos || !g->features) {
		rc = SF_ERR_NOMEM;
		goto out;
	}
	scan_feature_positions(text, len, pos, n);

	for (i = 0; i < n && !lc.nomem; i++) {
		const sf_json *feat = sf_json_at(features, i), *props, *idv;
		geo_feature *f = &g->features[g->count];
		char kp[SF_ERROR_PATH_MAX], idbuf[64];
		const char *id = NULL;
		int before = lc.nerrors;

		sf_snprintf(kp, sizeof(kp), "features[%zu]", i);
		if (!sf_json_is_object(feat)) {
			load_error(&lc, pos[i], kp, "expected a Feature object");
			continue;
		}
		props = sf_json_get(feat, "properties");
		idv = sf_json_is_object(props) ? sf_json_get(props, id_property) : NULL;
		if (sf_json_is_string(idv) && sf_json_string_length(idv) > 0) {
			id = sf_json_string(idv);
		} else if (sf_json_is_integer(idv)) {
			sf_snprintf(idbuf, sizeof(idbuf), "%lld", sf_json_integer(idv));
			id = idbuf;
		} else {
			sf_snprintf(kp, sizeof(kp), "features[%zu].properties.%s", i, id_property);
			load_error(&lc, pos[i], kp,
			           "expected the sector id (a non-empty string) in property '%s'",
			           id_property);
		}
		if (id) {
			for (j = 0; j < g->count; j++) {
				if (strcmp(g->features[j].id, id) == 0)
					break;
			}
			if (j < g->count) {
				sf_snprintf(kp, sizeof(kp), "features[%zu].properties.%s", i,
				            id_property);
				load_error(&lc, pos[i], kp,
				           "duplicate sector id '%s' (first at features[%zu], line "
				           "%d)",
				           id, g->features[j].index,
				           pos[g->features[j].index].line);
				id = NULL;
			}
		}
		sf_snprintf(kp, sizeof(kp), "features[%zu].geometry", i);
		f->geom = read_geometry(&lc, pos[i], kp, sf_json_get(feat, "geometry"));
		if (f->geom) {
			char *reason;
			if (GEOSisEmpty_r(g->ctx, f->geom) == 1) {
				load_error(&lc, pos[i], kp, "polygon of sector '%s' is empty",
				           id ? id : "?");
			} else if (GEOSisValid_r(g->ctx, f->geom) != 1) {
				reason = GEOSisValidReason_r(g->ctx, f->geom);
				load_error(&lc, pos[i], kp, "polygon of sector '%s' is invalid: %s",
				           id ? id : "?", reason ? reason : "unknown reason");
				if (reason)
					GEOSFree_r(g->ctx, reason);
			}
		}
		if (lc.nerrors != before || !id || !f->geom) {
			free_feature(g, f);
			continue;
		}
		f->index = i;
		f->line = pos[i].line;
		f->column = pos[i].column;
		f->id = strdup(id);
		if (!f->id || finish_feature(g, f) != 0) {
			free_feature(g, f);
			rc = SF_ERR_NOMEM;
			goto out;
		}
		g->count++;
	}
out:
	if (rc == SF_OK && lc.nomem)
		rc = SF_ERR_NOMEM;
	if (rc == SF_OK && lc.nerrors)
		rc = SF_ERR_SCENARIO;
	if (rc == SF_OK)
		*out = g;
	else
		sf__geo_free(g);
	free(pos);
	sf_json_free(root);
	return rc;
}

void sf__geo_free(sf__geo *g)
{
	size_t i;

	if (!g)
		return;
	if (g->features) {
		for (i = 0; i < g->count; i++)
			free_feature(g, &g->features[i]);
		free(g->features);
	}
	if (g->ctx)
		GEOS_finish_r(g->ctx);
	free(g);
}

int sf__geo_bbox(const sf__geo *g, double *minlon, double *minlat, double *maxlon, double *maxlat)
{
	double box[4] = {0, 0, 0, 0};

	if (g == NULL || g->count == 0)
		return 0;
	for (size_t i = 0; i < g->count; i++) {
		const GEOSGeometry *geom = g->features[i].geom;
		double x0, y0, x1, y1;
		if (!GEOSGeom_getXMin_r(g->ctx, geom, &x0) ||
		    !GEOSGeom_getYMin_r(g->ctx, geom, &y0) ||
		    !GEOSGeom_getXMax_r(g->ctx, geom, &x1) ||
		    !GEOSGeom_getYMax_r(g->ctx, geom, &y1))
			return 0;
		if (i == 0 || x0 < box[0])
			box[0] = x0;
		if (i == 0 || y0 < box[1])
			box[1] = y0;
		if (i == 0 || x1 > box[2])
			box[2] = x1;
		if (i == 0 || y1 > box[3])
			box[3] = y1;
	}
	*minlon = box[0];
	*minlat = box[1];
	*maxlon = box[2];
	*maxlat = box[3];
	return 1;
}

/* One ring's points to fn as lon/lat pairs. */
static int ring_points(const sf__geo *g, const GEOSGeometry *ring, sf__geo_ring_fn fn, void *ctx)
{
	const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(g->ctx, ring);
	unsigned int n = 0;
	double *xy;
	int rc = -1;

	if (seq == NULL || GEOSCoordSeq_getSize_r(g->ctx, seq, &n) == 0 || n == 0)
		return -1;
	xy = sf__mallocarray((size_t)n * 2, sizeof(double));
	if (xy == NULL)
		return -1;
	for (unsigned int k = 0; k < n; k++) {
		if (GEOSCoordSeq_getXY_r(g->ctx, seq, k, &xy[2 * k], &xy[2 * k + 1]) == 0)
			goto out;
	}
	rc = fn(ctx, xy, n) == 0 ? 0 : -1;
out:
	free(xy);
	return rc;
}

static int polygon_rings(const sf__geo *g, const GEOSGeometry *poly, sf__geo_ring_fn fn, void *ctx)
{
	const GEOSGeometry *shell = GEOSGetExteriorRing_r(g->ctx, poly);
	int holes = GEOSGetNumInteriorRings_r(g->ctx, poly);

	if (shell == NULL || holes < 0 || ring_points(g, shell, fn, ctx) != 0)
		return -1;
	for (int h = 0; h < holes; h++) {
		const GEOSGeometry *r = GEOSGetInteriorRingN_r(g->ctx, poly, h);
		if (r == NULL || ring_points(g, r, fn, ctx) != 0)
			return -1;
	}
	return 0;
}

int sf__geo_rings(const sf__geo *g, size_t i, sf__geo_ring_fn fn, void *ctx)
{
	const GEOSGeometry *geom;
	int parts;

	if (g == NULL || i >= g->count)
		return -1;
	geom = g->features[i].geom;
	if (GEOSGeomTypeId_r(g->ctx, geom) == GEOS_POLYGON)
		return polygon_rings(g, geom, fn, ctx);
	parts = GEOSGetNumGeometries_r(g->ctx, geom);
	if (parts < 0)
		return -1;
	for (int k = 0; k < parts; k++) {
		const GEOSGeometry *part = GEOSGetGeometryN_r(g->ctx, geom, k);
		if (part == NULL || polygon_rings(g, part, fn, ctx) != 0)
			return -1;
	}
	return 0;
}

int sf__geo_label_point(const sf__geo *g, size_t i, double *lon, double *lat)
{
	GEOSGeometry *pt;
	int ok;

	if (g == NULL || i >= g->count)
		return -1;
	pt = GEOSPointOnSurface_r(g->ctx, g->features[i].geom);
	if (pt == NULL)
		return -1;
	ok = GEOSGeomGetX_r(g->ctx, pt, lon) == 1 && GEOSGeomGetY_r(g->ctx, pt, lat) == 1;
	GEOSGeom_destroy_r(g->ctx, pt);
	return ok ? 0 : -1;
}

size_t sf__geo_count(const sf__geo *g)
{
	return g ? g->count : 0;
}

const char *sf__geo_id(const sf__geo *g, size_t i)
{
	return g && i < g->count ? g->features[i].id : NULL;
}

double sf__geo_area_km2(const sf__geo *g, size_t i)
{
	return g && i < g->count ? g->features[i].area_km2 : 0.0;
}

long sf__geo_find(const sf__geo *g, const char *id)
{
	size_t i;

	if (!g || !id)
		return -1;
	for (i = 0; i < g->count; i++) {
		if (strcmp(g->features[i].id, id) == 0)
			return (long)i;
	}
	return -1;
}

void sf__geo_pos(const sf__geo *g, size_t i, int *line, int *column)
{
	*line = g && i < g->count ? g->features[i].line : 0;
	*column = g && i < g->count ? g->features[i].column : 0;
}

long sf__geo_locate(sf__geo *g, double lon, double lat, double max_km, sf__geo_method *method,
                    double *dist_km)
{
	GEOSContextHandle_t ctx;
	GEOSGeometry *pt;
	long best = -1;
	double best_d = 0;
	size_t i;

	if (method)
		*method = SF__GEO_NONE;
	if (dist_km)
		*dist_km = 0;
	if (!g || g->count == 0 || !isfinite(lon) || !isfinite(lat))
		return -1;
	ctx = g->ctx;

	pt = GEOSGeom_createPointFromXY_r(ctx, lon, lat);
	if (!pt)
		return -1;
	for (i = 0; i < g->count; i++) {
		if (GEOSPreparedCovers_r(ctx, g->features[i].prep, pt) == 1) {
			GEOSGeom_destroy_r(ctx, pt);
			if (method)
				*method = SF__GEO_INSIDE;
			return (long)i;
		}
	}
	GEOSGeom_destroy_r(ctx, pt);
	if (!(max_km > 0))
		return -1;

	for (i = 0; i < g->count; i++) {
		const geo_feature *f = &g->features[i];
		double x = lon, y = lat, d;
		proj_params pp = {f->lon0, f->lat0, f->coslat0};
		GEOSGeometry *ppt;

		project_xy(&x, &y, &pp);
		ppt = GEOSGeom_createPointFromXY_r(ctx, x, y);
		if (!ppt)
			return -1;
		if (GEOSDistance_r(ctx, f->proj, ppt, &d) == 1 && d <= max_km &&
		    (best < 0 || d < best_d)) {
			best = (long)i;
			best_d = d;
		}
		GEOSGeom_destroy_r(ctx, ppt);
	}
	if (best >= 0) {
		if (method)
			*method = SF__GEO_NEAREST;
		if (dist_km)
			*dist_km = best_d;
	}
	return best;
}
