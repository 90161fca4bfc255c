/*
 * geo.h - sector polygons (internal). The one adapter over GEOS (geo.c);
 * the GeoJSON is read with Jansson because GEOS's GeoJSON reader drops
 * feature properties.
 *
 * Used by the scenario reader (areas, ids matching sectors.list) and by the
 * incident register (point in sector, nearest sector within a distance).
 * Coordinates are lon/lat (WGS 84) as GeoJSON has them. Areas and distances
 * are computed on a local equirectangular projection around each polygon's
 * centroid latitude (error well under 1% at the scale of a sector).
 */
#ifndef STABFORCE_GEO_H
#define STABFORCE_GEO_H

#include <stddef.h>

#include "stabforce/error.h"

typedef struct sf__geo sf__geo;

typedef enum sf__geo_method {
	SF__GEO_NONE = 0,   /* outside every polygon and farther than max_km */
	SF__GEO_INSIDE = 1, /* inside (or on the boundary of) a polygon */
	SF__GEO_NEAREST = 2 /* outside, nearest polygon within max_km */
} sf__geo_method;

/*
 * Read a GeoJSON FeatureCollection of Polygon/MultiPolygon features, each
 * carrying its id in properties[id_property]. Problems (bad JSON with
 * line:column, missing ids, duplicate ids, invalid or empty polygons) are
 * added to diags as errors against `path`, with key paths such as
 * features[2].geometry. Returns SF_OK, SF_ERR_IO, SF_ERR_SCENARIO or
 * SF_ERR_NOMEM; *out is NULL unless SF_OK.
 */
sf_status sf__geo_load(const char *path, const char *id_property, sf__geo **out, sf_diags *diags);
/* The same from text already read (len bytes; path names it in messages). */
sf_status sf__geo_load_mem(const char *text, size_t len, const char *path, const char *id_property,
                           sf__geo **out, sf_diags *diags);
void sf__geo_free(sf__geo *g);

size_t sf__geo_count(const sf__geo *g);
const char *sf__geo_id(const sf__geo *g, size_t i);
double sf__geo_area_km2(const sf__geo *g, size_t i);
/* Index of the feature with this id, or -1. */
long sf__geo_find(const sf__geo *g, const char *id);
/* Where feature i starts in the GeoJSON text (1-based; 0 when unknown). */
void sf__geo_pos(const sf__geo *g, size_t i, int *line, int *column);
/*
 * The box (degrees) around every feature's polygons: 1 with the box set,
 * 0 when there is no feature or GEOS cannot tell (the box is then unset).
 */
int sf__geo_bbox(const sf__geo *g, double *minlon, double *minlat, double *maxlon, double *maxlat);

/*
 * Feature i's outline, for drawing it: fn is called once per ring of each
 * polygon (the shell, then its holes), with the ring's n points as
 * lon/lat pairs (xy[2k], xy[2k+1]), the last equal to the first. Returns
 * 0, or -1 when i is out of range, GEOS fails or fn returns non-zero.
 */
typedef int (*sf__geo_ring_fn)(void *ctx, const double *xy, size_t n);
int sf__geo_rings(const sf__geo *g, size_t i, sf__geo_ring_fn fn, void *ctx);
/* Where to label feature i: a point on its surface (lon/lat). 0, or -1. */
int sf__geo_label_point(const sf__geo *g, size_t i, double *lon, double *lat);

/*
 * Locate a point: returns the feature index and sets *method (and
 * *dist_km, 0 when inside), or returns -1 with *method = SF__GEO_NONE.
 * Uses prepared geometries; not thread-safe on one sf__geo (the library
 * runs one per process).
 */
long sf__geo_locate(sf__geo *g, double lon, double lat, double max_km, sf__geo_method *method,
                    double *dist_km);

#endif
