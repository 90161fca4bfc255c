/*
 * sectormap.c - which sector an incident happened in: the sector map of
 * the registers (docs/register.md).
 *
 * A location named in an override (--overrides CSV or the scenario's
 * sectors.location_overrides) takes the override's sector; otherwise the
 * point is located in the GeoJSON sectors by geo.c (inside a polygon, or
 * the nearest within max_km). Points farther than max_km from the box of
 * every polygon are rejected before GEOS is asked, which keeps an import
 * of incidents from far away cheap.
 */
#include "base/internal.h"
#include "base/tolerance.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csv.h"
#include "scenario/geo.h"
#include "stabforce/register.h"

typedef struct override {
	char *location;
	size_t sector; /* the order it was added in: the last for a location wins */
	char *sector_id;
} override;

struct sf_sector_map {
	sf__geo *geo;
	int has_bbox;
	double minlon, minlat, maxlon, maxlat; /* of every polygon: the pre-filter */
	override *ov;
	size_t nov, capov;
	int sorted;
};

static sf_status geo_diag_error(sf_diags *d, sf_status rc, const char *path, sf_error *err)
{
	if (d->count > 0) {
		const sf_diag *g = &d->items[0];
		return sf_error_set_at(err, rc, g->file, g->line, g->column, g->path, "%s",
		                       g->message);
	}
	return sf_error_set(err, rc, "cannot read sectors '%s'", path);
}

sf_status sf_sector_map_open(const char *geojson_path, const char *id_property, sf_sector_map **out,
                             sf_error *err)
{
	sf_diags d;
	sf_status rc;
	sf_sector_map *m = calloc(1, sizeof *m);

	*out = NULL;
	if (!m)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	sf_diags_init(&d);
	rc = sf__geo_load(geojson_path, id_property ? id_property : "id", &m->geo, &d);
	if (rc != SF_OK) {
		rc = geo_diag_error(&d, rc == SF_ERR_SCENARIO ? SF_ERR_INPUT : rc, geojson_path,
		                    err);
		sf_diags_release(&d);
		free(m);
		return rc;
	}
	sf_diags_release(&d);
	m->has_bbox = sf__geo_bbox(m->geo, &m->minlon, &m->minlat, &m->maxlon, &m->maxlat);
	*out = m;
	return SF_OK;
}

sf_status sf_sector_map_new(sf_sector_map **out, sf_error *err)
{
	*out = calloc(1, sizeof **out);
	return *out ? SF_OK : sf_error_set(err, SF_ERR_NOMEM, "out of memory");
}

sf_status sf_sector_map_from_scenario(const sf_scenario *sc, sf_sector_map **out, sf_error *err)
{
	if (!sc->geojson_path) {
		*out = NULL;
		return sf_error_set(err, SF_ERR_USAGE, "scenario '%s' names no sector GeoJSON",
		                    sc->path ? sc->path : "");
	}
	sf_status rc = sf_sector_map_open(sc->geojson_path, sc->id_property, out, err);
	/* sectors.location_overrides, the scenario form of --overrides */
	for (size_t i = 0; rc == SF_OK && i < sc->nlocation_overrides; i++)
		rc = sf_sector_map_add_override(*out, sc->location_overrides[i].location,
		                                sc->sectors[sc->location_overrides[i].sector].id,
		                                err);
	if (rc != SF_OK && *out) {
		sf_sector_map_free(*out);
		*out = NULL;
	}
	return rc;
}

void sf_sector_map_free(sf_sector_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nov; i++) {
		free(m->ov[i].location);
		free(m->ov[i].sector_id);
	}
	free(m->ov);
	sf__geo_free(m->geo);
	free(m);
}

size_t sf_sector_map_count(const sf_sector_map *m)
{
	return m && m->geo ? sf__geo_count(m->geo) : 0;
}

const char *sf_sector_map_id(const sf_sector_map *m, size_t i)
{
	return sf__geo_id(m->geo, i);
}

sf_status sf_sector_map_add_override(sf_sector_map *m, const char *location, const char *sector,
                                     sf_error *err)
{
	if (m->geo && sf__geo_find(m->geo, sector) < 0)
		return sf_error_set(err, SF_ERR_INPUT,
		                    "override for '%s': no sector '%s' in the sector map", location,
		                    sector);
	if (m->nov == m->capov) {
		size_t ncap = m->capov ? m->capov * 2 : 16;
		override *n = sf__reallocarray(m->ov, ncap, sizeof *n);
		if (!n)
			return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		m->ov = n;
		m->capov = ncap;
	}
	override *o = &m->ov[m->nov];
	o->location = sf__strdup_trim(location);
	o->sector_id = sf__strdup_trim(sector);
	if (!o->location || !o->sector_id) {
		free(o->location);
		free(o->sector_id);
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
	o->sector = m->nov; /* a repeated location is resolved when sorting */
	m->nov++;
	m->sorted = 0;
	return SF_OK;
}

sf_status sf_sector_map_load_overrides(sf_sector_map *m, const char *csv_path, sf_error *err)
{
	FILE *f = fopen(csv_path, "rb");
	sf_status rc;

	if (!f)
		return sf_error_set_at(err, SF_ERR_IO, csv_path, 0, 0, NULL,
		                       "cannot open overrides '%s': %s", csv_path, strerror(errno));
	rc = sf_sector_map_read_overrides(m, f, csv_path, err);
	fclose(f);
	return rc;
}

sf_status sf_sector_map_read_overrides(sf_sector_map *m, FILE *f, const char *csv_path,
                                       sf_error *err)
{
	sf__csv c;
	sf_status rc = SF_OK;
	long loc_col = -1, sec_col = -1;
	int r;

	if (sf__csv_init(&c, f) < 0)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	c.max_bytes = SF_MAX_OVERRIDES_BYTES;
	while ((r = sf__csv_next(&c)) == 1) {
		if (sf__csv_blank(&c))
			continue;
		if (loc_col < 0) {
			for (size_t i = 0; i < c.nfields; i++) {
				if (strcasecmp(sf__csv_field(&c, i), "location") == 0)
					loc_col = (long)i;
				if (strcasecmp(sf__csv_field(&c, i), "sector") == 0)
					sec_col = (long)i;
			}
			if (loc_col < 0 || sec_col < 0) {
				rc = sf_error_set_at(err, SF_ERR_INPUT, csv_path, (int)c.rec_line,
				                     0, NULL,
				                     "overrides need the columns 'location' and "
				                     "'sector'");
				goto out;
			}
			continue;
		}
		if (c.error[0] || (size_t)loc_col >= c.nfields || (size_t)sec_col >= c.nfields) {
			rc = sf_error_set_at(err, SF_ERR_INPUT, csv_path, (int)c.rec_line, 0, NULL,
			                     "bad override row%s%s", c.error[0] ? ": " : "",
			                     c.error);
			goto out;
		}
		rc = sf_sector_map_add_override(m, sf__csv_field(&c, (size_t)loc_col),
		                                sf__csv_field(&c, (size_t)sec_col), err);
		if (rc != SF_OK) {
			if (err) {
				sf_strlcpy(err->file, csv_path, sizeof err->file);
				err->line = (int)c.rec_line;
			}
			goto out;
		}
	}
	if (r < 0)
		rc = (sf_status)sf__csv_read_error(&c, csv_path, "an overrides CSV", err);
out:
	sf__csv_release(&c);
	return rc;
}

static int ov_cmp(const void *a, const void *b)
{
	return strcasecmp(((const override *)a)->location, ((const override *)b)->location);
}

/* By location, then the order added: so that the last one can be kept. */
static int ov_cmp_order(const void *pa, const void *pb)
{
	const override *a = pa, *b = pb;
	int c = strcasecmp(a->location, b->location);
	return c ? c : (a->sector > b->sector) - (a->sector < b->sector);
}

/* Sort the overrides and keep, of each location, the one added last. */
static void ov_sort(sf_sector_map *m)
{
	size_t i, k = 0;

	qsort(m->ov, m->nov, sizeof *m->ov, ov_cmp_order);
	for (i = 0; i < m->nov; i++) {
		if (i + 1 < m->nov && strcasecmp(m->ov[i].location, m->ov[i + 1].location) == 0) {
			free(m->ov[i].location);
			free(m->ov[i].sector_id);
			continue;
		}
		m->ov[k++] = m->ov[i];
	}
	m->nov = k;
	m->sorted = 1;
}

const char *sf_sector_map_locate(sf_sector_map *m, const char *location, double lon, double lat,
                                 double max_km, sf_sector_method *method, double *dist_km)
{
	*method = SF_SECTOR_NONE;
	*dist_km = 0;
	if (!m)
		return NULL;
	if (m->nov && location && *location) {
		if (!m->sorted)
			ov_sort(m);
		override key = {(char *)location, 0, NULL};
		const override *o = bsearch(&key, m->ov, m->nov, sizeof *m->ov, ov_cmp);
		if (o) {
			*method = SF_SECTOR_OVERRIDE;
			return o->sector_id;
		}
	}
	if (!m->geo)
		return NULL;
	if (m->has_bbox) {
		/* Farther than max_km from the box of every polygon: no sector, no GEOS. */
		double mlat = (max_km > 0 ? max_km : 0) / 110.5 + SF_TOL_ROUNDING;
		double c = cos(lat * M_PI / 180);
		double mlon = c > 0.01 ? mlat / c : 360;
		if (lon < m->minlon - mlon || lon > m->maxlon + mlon || lat < m->minlat - mlat ||
		    lat > m->maxlat + mlat)
			return NULL;
	}
	sf__geo_method gm;
	long i = sf__geo_locate(m->geo, lon, lat, max_km, &gm, dist_km);
	if (i < 0)
		return NULL;
	*method = gm == SF__GEO_INSIDE ? SF_SECTOR_INSIDE : SF_SECTOR_NEAREST;
	return sf__geo_id(m->geo, (size_t)i);
}
