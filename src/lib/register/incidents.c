/*
 * register.c - the incident register above the store: ACLED CSV import,
 * sector assignment, deletions, output of incidents, possible duplicates,
 * and the threat feedback into the plan.
 *
 * Import streams: the CSV reader holds one record, each record is parsed,
 * checked and normalized into an sf_incident whose strings point into the
 * reader's buffer and a few small scratch arrays, given a sector and handed
 * to the store's upsert; nothing grows with the file. The whole file is one
 * transaction, so a crash leaves the store as it was, and the batch row
 * that records the import commits or vanishes with the incidents.
 *
 * A bad row never stops the import: it is counted, written to the rejects
 * file (line number, reason, then the row as it came) and skipped; it never
 * goes in half-parsed. Only a store failure, an unreadable file or a header
 * without the required columns fails the import, and then nothing commits.
 *
 * Normalization (docs/register.md): event_date to YYYY-MM-DD from any of
 * the three ACLED forms; year filled from the date when empty; the old
 * numeric inter1/inter2/interaction codes to ACLED's current text;
 * civilian_targeting, any non-empty text, to "Civilian targeting";
 * fatalities empty = 0; timestamp as Unix seconds (or an ISO date/time).
 *
 * Duplicates: a sweep over incidents ordered by event type and date with a
 * window of the previous max_days days of the same type; each new incident
 * is compared with the window (great-circle distance, source system and
 * reporter). Possible duplicates are only listed, never merged.
 */
#include "base/internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "base/csv.h"
#include "scenario/geo.h"
#include "stabforce/register.h"

void sf_incident_filter_init(sf_incident_filter *f)
{
	memset(f, 0, sizeof *f);
	f->from_day = SF_DAY_NONE;
	f->to_day = SF_DAY_NONE;
	f->status = -1;
}

void sf_import_options_init(sf_import_options *o)
{
	memset(o, 0, sizeof *o);
	o->max_distance_km = 5;
}

void sf_dupe_options_init(sf_dupe_options *o)
{
	memset(o, 0, sizeof *o);
	o->max_days = 1;
	o->max_km = 2;
}

void sf_threat_options_init(sf_threat_options *o)
{
	memset(o, 0, sizeof *o);
	o->as_of = SF_DAY_NONE;
	o->window_days = 28;
	o->min = 0.5;
	o->max = 2.0;
	o->weight = 1;
	o->population_attr = "population";
}

static const char *default_who(const char *who)
{
	if (who && *who)
		return who;
	const char *u = getenv("USER");
	return u && *u ? u : "unknown";
}

/* ---------------------------------------------------------------- */
/* Sector map                                                         */

typedef struct override {
	char *location;
	size_t sector; /* index into the polygons, or into extra ids */
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

/* Grow the box by every [lon, lat] pair under j. */
static void bbox_walk(json_t *j, sf_sector_map *m, int depth)
{
	if (!json_is_array(j) || depth > 8)
		return;
	if (json_array_size(j) >= 2 && json_is_number(json_array_get(j, 0)) &&
	    json_is_number(json_array_get(j, 1))) {
		double x = json_number_value(json_array_get(j, 0));
		double y = json_number_value(json_array_get(j, 1));
		if (!m->has_bbox) {
			m->minlon = m->maxlon = x;
			m->minlat = m->maxlat = y;
			m->has_bbox = 1;
		}
		m->minlon = x < m->minlon ? x : m->minlon;
		m->maxlon = x > m->maxlon ? x : m->maxlon;
		m->minlat = y < m->minlat ? y : m->minlat;
		m->maxlat = y > m->maxlat ? y : m->maxlat;
		return;
	}
	for (size_t i = 0; i < json_array_size(j); i++)
		bbox_walk(json_array_get(j, i), m, depth + 1);
}

/*
 * The bounding box of all polygons (geo.c has already checked the file, so
 * anything odd here only leaves the pre-filter off).
 */
static void bbox_of(const char *path, sf_sector_map *m)
{
	json_t *root = json_load_file(path, 0, NULL);
	json_t *features = json_object_get(root, "features");
	for (size_t i = 0; i < json_array_size(features); i++) {
		json_t *g = json_object_get(json_array_get(features, i), "geometry");
		bbox_walk(json_object_get(g, "coordinates"), m, 0);
	}
	json_decref(root);
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
	bbox_of(geojson_path, m);
	*out = m;
	return SF_OK;
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

static char *dup_trim(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	char *r = malloc(n + 1);
	if (r) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

sf_status sf_sector_map_add_override(sf_sector_map *m, const char *location, const char *sector,
                                     sf_error *err)
{
	if (m->geo && sf__geo_find(m->geo, sector) < 0)
		return sf_error_set(err, SF_ERR_INPUT,
		                    "override for '%s': no sector '%s' in the sector map", location,
		                    sector);
	for (size_t i = 0; i < m->nov; i++) {
		if (strcasecmp(m->ov[i].location, location) == 0) {
			char *s = dup_trim(sector);
			if (!s)
				return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
			free(m->ov[i].sector_id);
			m->ov[i].sector_id = s;
			return SF_OK;
		}
	}
	if (m->nov == m->capov) {
		size_t ncap = m->capov ? m->capov * 2 : 16;
		override *n = sf__reallocarray(m->ov, ncap, sizeof *n);
		if (!n)
			return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		m->ov = n;
		m->capov = ncap;
	}
	override *o = &m->ov[m->nov];
	o->location = dup_trim(location);
	o->sector_id = dup_trim(sector);
	if (!o->location || !o->sector_id) {
		free(o->location);
		free(o->sector_id);
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
	m->nov++;
	m->sorted = 0;
	return SF_OK;
}

sf_status sf_sector_map_load_overrides(sf_sector_map *m, const char *csv_path, sf_error *err)
{
	FILE *f = fopen(csv_path, "rb");
	sf__csv c;
	sf_status rc = SF_OK;
	long loc_col = -1, sec_col = -1;
	int r;

	if (!f)
		return sf_error_set(err, SF_ERR_IO, "cannot open overrides '%s'", csv_path);
	if (sf__csv_init(&c, f) < 0) {
		fclose(f);
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
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
		rc = sf_error_set(err, SF_ERR_IO, "cannot read overrides '%s'", csv_path);
out:
	sf__csv_release(&c);
	fclose(f);
	return rc;
}

static int ov_cmp(const void *a, const void *b)
{
	return strcasecmp(((const override *)a)->location, ((const override *)b)->location);
}

const char *sf_sector_map_locate(sf_sector_map *m, const char *location, double lon, double lat,
                                 double max_km, sf_sector_method *method, double *dist_km)
{
	*method = SF_SECTOR_NONE;
	*dist_km = 0;
	if (!m)
		return NULL;
	if (m->nov && location && *location) {
		if (!m->sorted) {
			qsort(m->ov, m->nov, sizeof *m->ov, ov_cmp);
			m->sorted = 1;
		}
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
		double mlat = (max_km > 0 ? max_km : 0) / 110.5 + 1e-9;
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

/* ---------------------------------------------------------------- */
/* Import                                                             */

/* 1 when s is well-formed UTF-8. */
static int utf8_ok(const unsigned char *s)
{
	while (*s) {
		if (*s < 0x80) {
			s++;
			continue;
		}
		int n;
		unsigned cp;
		if ((*s & 0xE0) == 0xC0) {
			n = 1;
			cp = *s & 0x1F;
		} else if ((*s & 0xF0) == 0xE0) {
			n = 2;
			cp = *s & 0x0F;
		} else if ((*s & 0xF8) == 0xF0) {
			n = 3;
			cp = *s & 0x07;
		} else {
			return 0;
		}
		s++;
		for (int i = 0; i < n; i++, s++) {
			if ((*s & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (*s & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
	}
	return 1;
}

static const char *const inter_names[] = {
        "",        "State forces", "Rebel group", "Political militia",    "Identity militia",
        "Rioters", "Protesters",   "Civilians",   "External/Other forces"};

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* inter1/inter2: numeric code to text; NULL when the code is unknown. */
static const char *norm_inter(const char *s)
{
	if (!all_digits(s))
		return s;
	long v = strtol(s, NULL, 10);
	return v >= 0 && v <= 8 ? inter_names[v] : NULL;
}

/* interaction: "17" to "State forces-Civilians", "10" to "State forces only". */
static const char *norm_interaction(const char *s, char *buf, size_t n)
{
	if (!all_digits(s))
		return s;
	size_t len = strlen(s);
	long a, b;
	if (len == 1) {
		a = s[0] - '0';
		b = 0;
	} else if (len == 2) {
		a = s[0] - '0';
		b = s[1] - '0';
	} else {
		return NULL;
	}
	if (a < 1 || a > 8 || b > 8)
		return NULL;
	if (b == 0)
		sf_snprintf(buf, n, "%s only", inter_names[a]);
	else
		sf_snprintf(buf, n, "%s-%s", inter_names[a < b ? a : b],
		            inter_names[a < b ? b : a]);
	return buf;
}

typedef struct importer {
	sf__csv csv;
	int colmap[SF_ACLED_NCOLS]; /* file column of each ACLED column, -1 when absent */
	size_t nheader;
	char **header; /* the file's header, for the rejects file */
	sf_buf rej;
	/* scratch for normalized values */
	char date[16], year[8], interaction[64];
} importer;

static sf_status write_reject(importer *im, FILE *out, long line, const char *reason)
{
	if (!out)
		return SF_OK;
	sf_buf_reset(&im->rej);
	sf_buf_addf(&im->rej, "%ld,", line);
	sf__csv_quote(&im->rej, reason);
	for (size_t i = 0; i < im->csv.nfields; i++) {
		sf_buf_addc(&im->rej, ',');
		sf__csv_quote(&im->rej, sf__csv_field(&im->csv, i));
	}
	if (sf_buf_addc(&im->rej, '\n') != SF_OK)
		return SF_ERR_NOMEM;
	if (fwrite(im->rej.data, 1, im->rej.len, out) != im->rej.len)
		return SF_ERR_IO;
	return SF_OK;
}

/*
 * Parse the current record into inc; on a bad row returns 0 with reason
 * set, 1 when good.
 */
static int parse_row(importer *im, sf_incident *inc, char *reason, size_t rn)
{
	sf__csv *c = &im->csv;
	char *v[SF_ACLED_NCOLS];

	if (c->nfields != im->nheader) {
		sf_snprintf(reason, rn, "expected %zu fields, found %zu", im->nheader, c->nfields);
		return 0;
	}
	for (size_t i = 0; i < c->nfields; i++) {
		if (!utf8_ok((const unsigned char *)sf__csv_field(c, i))) {
			sf_snprintf(reason, rn, "invalid UTF-8 in column %zu", i + 1);
			return 0;
		}
	}
	memset(inc, 0, sizeof *inc);
	for (int i = 0; i < SF_ACLED_NCOLS; i++) {
		v[i] = im->colmap[i] >= 0
		               ? sf__trim((char *)sf__csv_field(c, (size_t)im->colmap[i]))
		               : (char *)"";
		inc->col[i] = v[i];
	}
	if (!*v[SF_COL_EVENT_ID_CNTY]) {
		sf_snprintf(reason, rn, "empty event_id_cnty");
		return 0;
	}
	if (sf__date_parse(v[SF_COL_EVENT_DATE], &inc->day) < 0) {
		sf_snprintf(reason, rn, "bad event_date '%.40s'", v[SF_COL_EVENT_DATE]);
		return 0;
	}
	sf__date_format(inc->day, im->date, sizeof im->date);
	inc->col[SF_COL_EVENT_DATE] = im->date;
	if (!*v[SF_COL_YEAR]) {
		memcpy(im->year, im->date, 4);
		im->year[4] = '\0';
		inc->col[SF_COL_YEAR] = im->year;
	}
	if (!*v[SF_COL_EVENT_TYPE]) {
		sf_snprintf(reason, rn, "empty event_type");
		return 0;
	}
	if (sf_parse_double(v[SF_COL_LATITUDE], &inc->latitude) != 0 ||
	    !(inc->latitude >= -90 && inc->latitude <= 90)) {
		sf_snprintf(reason, rn, "bad latitude '%.40s'", v[SF_COL_LATITUDE]);
		return 0;
	}
	if (sf_parse_double(v[SF_COL_LONGITUDE], &inc->longitude) != 0 ||
	    !(inc->longitude >= -180 && inc->longitude <= 180)) {
		sf_snprintf(reason, rn, "bad longitude '%.40s'", v[SF_COL_LONGITUDE]);
		return 0;
	}
	if (*v[SF_COL_FATALITIES]) {
		if (sf_parse_long(v[SF_COL_FATALITIES], &inc->fatalities) != 0 ||
		    inc->fatalities < 0 || inc->fatalities > 1000000) {
			sf_snprintf(reason, rn, "bad fatalities '%.40s'", v[SF_COL_FATALITIES]);
			return 0;
		}
	}
	if (*v[SF_COL_TIMESTAMP] && sf__timestamp_parse(v[SF_COL_TIMESTAMP], &inc->timestamp) < 0) {
		sf_snprintf(reason, rn, "bad timestamp '%.40s'", v[SF_COL_TIMESTAMP]);
		return 0;
	}
	for (int k = 0; k < 2; k++) {
		int col = k ? SF_COL_INTER2 : SF_COL_INTER1;
		const char *t = norm_inter(v[col]);
		if (!t) {
			sf_snprintf(reason, rn, "unknown %s code '%.20s'",
			            sf_acled_column_name(col), v[col]);
			return 0;
		}
		inc->col[col] = t;
	}
	const char *ia =
	        norm_interaction(v[SF_COL_INTERACTION], im->interaction, sizeof im->interaction);
	if (!ia) {
		sf_snprintf(reason, rn, "unknown interaction code '%.20s'", v[SF_COL_INTERACTION]);
		return 0;
	}
	inc->col[SF_COL_INTERACTION] = ia;
	inc->col[SF_COL_CIVILIAN_TARGETING] =
	        *v[SF_COL_CIVILIAN_TARGETING] ? "Civilian targeting" : "";
	return 1;
}

static void importer_release(importer *im)
{
	sf__csv_release(&im->csv);
	for (size_t i = 0; i < im->nheader; i++)
		free(im->header[i]);
	free(im->header);
	sf_buf_release(&im->rej);
}

/* Read the header record; SF_ERR_INPUT when a required column is missing. */
static sf_status read_header(importer *im, const char *name, FILE *rejects, sf_error *err)
{
	static const int required[] = {SF_COL_EVENT_ID_CNTY, SF_COL_EVENT_DATE, SF_COL_EVENT_TYPE,
	                               SF_COL_LATITUDE, SF_COL_LONGITUDE};
	int r;
	while ((r = sf__csv_next(&im->csv)) == 1 && sf__csv_blank(&im->csv))
		;
	if (r < 0)
		return sf_error_set(err, SF_ERR_IO, "cannot read '%s'", name);
	if (r == 0)
		return sf_error_set_at(err, SF_ERR_INPUT, name, 1, 0, NULL,
		                       "empty file: no header");
	for (int i = 0; i < SF_ACLED_NCOLS; i++)
		im->colmap[i] = -1;
	im->nheader = im->csv.nfields;
	im->header = calloc(im->nheader, sizeof *im->header);
	if (!im->header)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < im->nheader; i++) {
		char *h = sf__trim((char *)sf__csv_field(&im->csv, i));
		for (char *p = h; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		im->header[i] = dup_trim(h);
		if (!im->header[i])
			return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		int col = sf_acled_column_find(h);
		if (col >= 0 && im->colmap[col] < 0)
			im->colmap[col] = (int)i;
	}
	for (size_t k = 0; k < SF_ARRAY_LEN(required); k++) {
		if (im->colmap[required[k]] < 0)
			return sf_error_set_at(err, SF_ERR_INPUT, name, (int)im->csv.rec_line, 0,
			                       NULL, "missing column '%s' in the header",
			                       sf_acled_column_name(required[k]));
	}
	if (rejects) {
		sf_buf_reset(&im->rej);
		sf_buf_adds(&im->rej, "line,reason");
		for (size_t i = 0; i < im->nheader; i++) {
			sf_buf_addc(&im->rej, ',');
			sf__csv_quote(&im->rej, im->header[i]);
		}
		sf_buf_addc(&im->rej, '\n');
		if (fwrite(im->rej.data, 1, im->rej.len, rejects) != im->rej.len)
			return sf_error_set(err, SF_ERR_IO, "cannot write the rejects file");
	}
	return SF_OK;
}

sf_status sf_import_summary_write(const sf_import_summary *s, sf_buf *out, sf_error *err)
{
	sf_status rc = sf_buf_addf(
	        out,
	        "read %ld, inserted %ld, updated %ld, unchanged %ld, rejected %ld; sector: inside "
	        "%ld, nearest %ld, override %ld, none %ld",
	        s->read, s->inserted, s->updated, s->unchanged, s->rejected,
	        s->by_method[SF_SECTOR_INSIDE], s->by_method[SF_SECTOR_NEAREST],
	        s->by_method[SF_SECTOR_OVERRIDE], s->by_method[SF_SECTOR_NONE]);
	if (rc != SF_OK)
		return sf_error_set(err, rc, "out of memory");
	return SF_OK;
}

sf_status sf_incidents_import(sf_store *st, FILE *in, const sf_import_options *opts,
                              sf_import_summary *sum, sf_error *err)
{
	importer im;
	sf_import_options defaults;
	sf_status rc;
	int in_tx = 0, r;
	const char *name;
	uint64_t next_progress = 1 << 20;
	double t0 = sf__now();

	if (!opts) {
		sf_import_options_init(&defaults);
		opts = &defaults;
	}
	name = opts->file_name ? opts->file_name : "(input)";
	memset(sum, 0, sizeof *sum);
	memset(&im, 0, sizeof im);
	sf_buf_init(&im.rej, 0);
	if (sf__csv_init(&im.csv, in) < 0) {
		sf_buf_release(&im.rej);
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
	rc = read_header(&im, name, opts->rejects, err);
	if (rc != SF_OK)
		goto out;
	rc = sf_store_begin(st, err);
	if (rc != SF_OK)
		goto out;
	in_tx = 1;
	rc = sf_store_batch_begin(st, "incidents", name, default_who(opts->who), &sum->batch, err);
	if (rc != SF_OK)
		goto out;

	while ((r = sf__csv_next(&im.csv)) == 1) {
		sf_incident inc;
		char reason[160];
		sf_upsert_result res;

		if (opts->progress && im.csv.bytes >= next_progress) {
			opts->progress(opts->progress_ctx, im.csv.bytes);
			next_progress = im.csv.bytes + (1 << 20);
		}
		if (sf__csv_blank(&im.csv))
			continue;
		sum->read++;
		if (im.csv.error[0] || !parse_row(&im, &inc, reason, sizeof reason)) {
			if (im.csv.error[0])
				sf_strlcpy(reason, im.csv.error, sizeof reason);
			sum->rejected++;
			if (write_reject(&im, opts->rejects, im.csv.rec_line, reason) != SF_OK) {
				rc = sf_error_set(err, SF_ERR_IO, "cannot write the rejects file");
				goto out;
			}
			continue;
		}
		inc.sector = sf_sector_map_locate(
		        opts->sectors, inc.col[SF_COL_LOCATION], inc.longitude, inc.latitude,
		        opts->max_distance_km, &inc.sector_method, &inc.sector_km);
		if (!inc.sector)
			inc.sector = "";
		inc.status = SF_ISTATUS_REPORTED;
		inc.source_system = opts->source_system ? opts->source_system : "ACLED";
		inc.batch = sum->batch;
		rc = sf_store_incident_upsert(st, &inc, &res, err);
		if (rc != SF_OK) {
			if (err && !err->line) {
				sf_strlcpy(err->file, name, sizeof err->file);
				err->line = (int)im.csv.rec_line;
			}
			goto out;
		}
		sum->by_method[inc.sector_method]++;
		if (res == SF_UPSERT_INSERTED)
			sum->inserted++;
		else if (res == SF_UPSERT_UPDATED)
			sum->updated++;
		else
			sum->unchanged++;
	}
	if (r < 0) {
		rc = sf_error_set(err, SF_ERR_IO, "cannot read '%s'", name);
		goto out;
	}
	if (opts->progress)
		opts->progress(opts->progress_ctx, im.csv.bytes);
	{
		sf_buf line;
		sf_buf_init(&line, 0);
		rc = sf_import_summary_write(sum, &line, err);
		if (rc == SF_OK)
			rc = sf_store_batch_end(st, sum->batch, sf_buf_str(&line), err);
		sf_buf_release(&line);
		if (rc != SF_OK)
			goto out;
	}
	rc = sf_store_commit(st, err);
	if (rc == SF_OK)
		in_tx = 0;
out:
	if (in_tx)
		sf_store_rollback(st);
	importer_release(&im);
	sum->seconds = sf__now() - t0;
	return rc;
}

sf_status sf_incidents_delete_file(sf_store *st, FILE *in, const char *who, long *deleted,
                                   long *missing, sf_error *err)
{
	sf__csv c;
	sf_status rc;
	long col = -1;
	int r, first = 1, in_tx = 0;

	*deleted = *missing = 0;
	if (sf__csv_init(&c, in) < 0)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	rc = sf_store_begin(st, err);
	if (rc != SF_OK)
		goto out;
	in_tx = 1;
	while ((r = sf__csv_next(&c)) == 1) {
		if (sf__csv_blank(&c))
			continue;
		if (first) {
			first = 0;
			for (size_t i = 0; i < c.nfields; i++)
				if (strcasecmp(sf__trim((char *)sf__csv_field(&c, i)),
				               "event_id_cnty") == 0)
					col = (long)i;
			if (col >= 0)
				continue; /* a header */
			col = 0;          /* a bare list of ids */
		}
		if (c.error[0] || (size_t)col >= c.nfields) {
			rc = sf_error_set_at(err, SF_ERR_INPUT, NULL, (int)c.rec_line, 0, NULL,
			                     "bad deletions row%s%s", c.error[0] ? ": " : "",
			                     c.error);
			goto out;
		}
		const char *id = sf__trim((char *)sf__csv_field(&c, (size_t)col));
		if (!*id)
			continue;
		int found = 0;
		rc = sf_store_incident_delete(st, id, default_who(who), &found, err);
		if (rc != SF_OK)
			goto out;
		if (found)
			(*deleted)++;
		else
			(*missing)++;
	}
	if (r < 0) {
		rc = sf_error_set(err, SF_ERR_IO, "cannot read the deletions list");
		goto out;
	}
	rc = sf_store_commit(st, err);
	if (rc == SF_OK)
		in_tx = 0;
out:
	if (in_tx)
		sf_store_rollback(st);
	sf__csv_release(&c);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Output                                                             */

static const char *const own_cols[] = {"sector", "sector_method", "sector_km",
                                       "status", "source_system", "batch"};

sf_status sf_incident_csv_header(sf_buf *out, sf_error *err)
{
	sf_status rc = SF_OK;
	for (int i = 0; i < SF_ACLED_NCOLS && rc == SF_OK; i++)
		rc = sf_buf_addf(out, "%s,", sf_acled_column_name(i));
	for (size_t i = 0; i < SF_ARRAY_LEN(own_cols) && rc == SF_OK; i++)
		rc = sf_buf_addf(out, "%s%c", own_cols[i],
		                 i + 1 < SF_ARRAY_LEN(own_cols) ? ',' : '\n');
	return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "out of memory");
}

sf_status sf_incident_write_csv(const sf_incident *inc, sf_buf *out, sf_error *err)
{
	int bad = 0;
	for (int i = 0; i < SF_ACLED_NCOLS; i++) {
		bad |= sf__csv_quote(out, inc->col[i]);
		bad |= sf_buf_addc(out, ',') != SF_OK;
	}
	bad |= sf__csv_quote(out, inc->sector ? inc->sector : "");
	bad |= sf_buf_addf(out, ",%s,%.3f,%s,", sf_sector_method_str(inc->sector_method),
	                   inc->sector_km, sf_incident_status_str(inc->status)) != SF_OK;
	bad |= sf__csv_quote(out, inc->source_system ? inc->source_system : "");
	bad |= sf_buf_addf(out, ",%ld\n", inc->batch) != SF_OK;
	return bad ? sf_error_set(err, SF_ERR_NOMEM, "output too large") : SF_OK;
}

static json_t *incident_json(const sf_incident *inc)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	for (int i = 0; i < SF_ACLED_NCOLS; i++) {
		json_t *v;
		if (i == SF_COL_LATITUDE)
			v = json_real(inc->latitude);
		else if (i == SF_COL_LONGITUDE)
			v = json_real(inc->longitude);
		else if (i == SF_COL_FATALITIES)
			v = json_integer(inc->fatalities);
		else if (i == SF_COL_TIMESTAMP)
			v = json_integer(inc->timestamp);
		else
			v = json_string(inc->col[i]);
		if (!v)
			v = json_string("");
		json_object_set_new(o, sf_acled_column_name(i), v);
	}
	json_object_set_new(o, "sector", json_string(inc->sector ? inc->sector : ""));
	json_object_set_new(o, "sector_method",
	                    json_string(sf_sector_method_str(inc->sector_method)));
	json_object_set_new(o, "sector_km", json_real(inc->sector_km));
	json_object_set_new(o, "status", json_string(sf_incident_status_str(inc->status)));
	json_object_set_new(o, "source_system",
	                    json_string(inc->source_system ? inc->source_system : ""));
	json_object_set_new(o, "batch", json_integer(inc->batch));
	return o;
}

static sf_status dump_json(json_t *o, sf_buf *out, sf_error *err)
{
	if (!o)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(o);
	if (!s)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	sf_status rc = sf_buf_adds(out, s);
	free(s);
	return rc == SF_OK ? SF_OK : sf_error_set(err, rc, "output too large");
}

sf_status sf_incident_write_json(const sf_incident *inc, sf_buf *out, sf_error *err)
{
	return dump_json(incident_json(inc), out, err);
}

sf_status sf_incident_write_geojson(const sf_incident *inc, sf_buf *out, sf_error *err)
{
	json_t *props = incident_json(inc);
	json_t *f = json_object();
	json_t *g = json_object();
	json_t *c = json_array();
	if (!props || !f || !g || !c) {
		json_decref(props);
		json_decref(f);
		json_decref(g);
		json_decref(c);
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
	json_array_append_new(c, json_real(inc->longitude));
	json_array_append_new(c, json_real(inc->latitude));
	json_object_set_new(g, "type", json_string("Point"));
	json_object_set_new(g, "coordinates", c);
	json_object_set_new(f, "type", json_string("Feature"));
	json_object_set_new(f, "id", json_string(inc->col[SF_COL_EVENT_ID_CNTY]));
	json_object_set_new(f, "geometry", g);
	json_object_set_new(f, "properties", props);
	return dump_json(f, out, err);
}

/* ---------------------------------------------------------------- */
/* Duplicates                                                         */

/* What the sweep keeps of each incident in the window. */
typedef struct wrow {
	char *strs; /* all strings below, one allocation */
	const char *col[SF_ACLED_NCOLS];
	sf_incident inc;
} wrow;

typedef struct sweep {
	sf_store *st;
	const sf_dupe_options *o;
	sf_dupe_cb cb;
	void *ctx;
	wrow *win;
	size_t nwin, cap;
	char type[256];
	long pairs;
	int stop;
	sf_status rc;
	sf_error *err;
} sweep;

static void wrow_free(wrow *w)
{
	free(w->strs);
}

static int wrow_copy(wrow *w, const sf_incident *inc)
{
	static const int keep[] = {SF_COL_EVENT_ID_CNTY,  SF_COL_EVENT_DATE, SF_COL_EVENT_TYPE,
	                           SF_COL_SUB_EVENT_TYPE, SF_COL_ACTOR1,     SF_COL_LOCATION,
	                           SF_COL_SOURCE};
	size_t n = strlen(inc->sector) + strlen(inc->source_system) + 2;
	for (size_t k = 0; k < SF_ARRAY_LEN(keep); k++)
		n += strlen(inc->col[keep[k]]) + 1;
	memset(w, 0, sizeof *w);
	w->strs = malloc(n);
	if (!w->strs)
		return -1;
	char *p = w->strs;
	for (int i = 0; i < SF_ACLED_NCOLS; i++)
		w->col[i] = "";
	for (size_t k = 0; k < SF_ARRAY_LEN(keep); k++) {
		size_t l = strlen(inc->col[keep[k]]) + 1;
		memcpy(p, inc->col[keep[k]], l);
		w->col[keep[k]] = p;
		p += l;
	}
	w->inc = *inc;
	memcpy(w->inc.col, w->col, sizeof w->col);
	size_t l = strlen(inc->sector) + 1;
	memcpy(p, inc->sector, l);
	w->inc.sector = p;
	p += l;
	memcpy(p, inc->source_system, strlen(inc->source_system) + 1);
	w->inc.source_system = p;
	return 0;
}

static double haversine_km(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371.0088, rad = M_PI / 180;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) +
	           cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * r * asin(sqrt(a < 1 ? a : 1));
}

static int sweep_cb(void *ctx, const sf_incident *inc)
{
	sweep *s = ctx;
	size_t keep = 0;

	if (strcmp(s->type, inc->col[SF_COL_EVENT_TYPE]) != 0) {
		for (size_t i = 0; i < s->nwin; i++)
			wrow_free(&s->win[i]);
		s->nwin = 0;
		sf_strlcpy(s->type, inc->col[SF_COL_EVENT_TYPE], sizeof s->type);
	}
	/* Drop rows too old to pair with this one or any later one. */
	while (keep < s->nwin && inc->day - s->win[keep].inc.day > s->o->max_days)
		keep++;
	if (keep) {
		for (size_t i = 0; i < keep; i++)
			wrow_free(&s->win[i]);
		memmove(s->win, s->win + keep, (s->nwin - keep) * sizeof *s->win);
		s->nwin -= keep;
	}
	for (size_t i = 0; i < s->nwin; i++) {
		const sf_incident *a = &s->win[i].inc;
		int diff_system = strcmp(a->source_system, inc->source_system) != 0;
		int diff_source = strcmp(a->col[SF_COL_SOURCE], inc->col[SF_COL_SOURCE]) != 0;
		if (!diff_system && !diff_source)
			continue;
		double km = haversine_km(a->latitude, a->longitude, inc->latitude, inc->longitude);
		if (km > s->o->max_km)
			continue;
		sf_dupe_pair p;
		memset(&p, 0, sizeof p);
		p.a = a;
		p.b = inc;
		p.km = km;
		p.days = inc->day - a->day;
		s->rc = sf_store_dupe_decision(s->st, a->col[SF_COL_EVENT_ID_CNTY],
		                               inc->col[SF_COL_EVENT_ID_CNTY], p.decision,
		                               sizeof p.decision, s->err);
		if (s->rc != SF_OK)
			return 1;
		if (p.decision[0] && !s->o->include_decided)
			continue;
		sf_snprintf(p.reason, sizeof p.reason,
		            "same event type, %ld day%s apart, %.2f km, %s", p.days,
		            p.days == 1 ? "" : "s", km,
		            diff_system ? "different source system" : "different source");
		s->pairs++;
		if (s->cb(s->ctx, &p) || (s->o->limit > 0 && s->pairs >= s->o->limit)) {
			s->stop = 1;
			return 1;
		}
	}
	if (s->nwin == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		wrow *n = sf__reallocarray(s->win, ncap, sizeof *n);
		if (!n) {
			s->rc = sf_error_set(s->err, SF_ERR_NOMEM, "out of memory");
			return 1;
		}
		s->win = n;
		s->cap = ncap;
	}
	if (wrow_copy(&s->win[s->nwin], inc) < 0) {
		s->rc = sf_error_set(s->err, SF_ERR_NOMEM, "out of memory");
		return 1;
	}
	s->nwin++;
	return 0;
}

sf_status sf_incidents_dupes(sf_store *st, const sf_incident_filter *f, const sf_dupe_options *o,
                             sf_dupe_cb cb, void *ctx, sf_error *err)
{
	sf_incident_filter all;
	sf_incident_filter q;
	sf_dupe_options dflt;
	sweep s;

	if (!f) {
		sf_incident_filter_init(&all);
		f = &all;
	}
	if (!o) {
		sf_dupe_options_init(&dflt);
		o = &dflt;
	}
	q = *f;
	q.limit = 0;
	q.include_retracted = 0;
	memset(&s, 0, sizeof s);
	s.st = st;
	s.o = o;
	s.cb = cb;
	s.ctx = ctx;
	s.err = err;
	sf_status rc = sf_store_incident_query(st, &q, SF_ORDER_TYPE_DATE, sweep_cb, &s, err);
	for (size_t i = 0; i < s.nwin; i++)
		wrow_free(&s.win[i]);
	free(s.win);
	return rc != SF_OK ? rc : s.rc;
}

/* ---------------------------------------------------------------- */
/* Threat from the register                                           */

typedef struct threat_ctx {
	const sf_scenario *sc;
	sf_threat *out;
	long last_day;
} threat_ctx;

static int last_day_cb(void *ctx, const sf_agg_row *row)
{
	threat_ctx *t = ctx;
	if (row->day > t->last_day)
		t->last_day = row->day;
	return 0;
}

static int threat_cb(void *ctx, const sf_agg_row *row)
{
	threat_ctx *t = ctx;
	long i = sf_scenario_find_sector(t->sc, row->key);
	if (i >= 0)
		t->out[i].incidents += row->count;
	return 0;
}

sf_status sf_register_threat(sf_store *st, const sf_scenario *sc, const sf_threat_options *o,
                             sf_threat *out, double *all_rate, sf_error *err)
{
	sf_threat_options dflt;
	sf_incident_filter f;
	threat_ctx t = {sc, out, SF_DAY_NONE};
	sf_status rc;
	double tot_inc = 0, tot_pop = 0;

	if (!o) {
		sf_threat_options_init(&dflt);
		o = &dflt;
	}
	if (o->window_days < 1 || !(o->min > 0) || !(o->max >= o->min))
		return sf_error_set(err, SF_ERR_USAGE,
		                    "threat: window_days must be >= 1 and 0 < min <= max");
	memset(out, 0, sc->nsectors * sizeof *out);
	sf_incident_filter_init(&f);
	long as_of = o->as_of;
	if (as_of == SF_DAY_NONE) {
		rc = sf_store_incident_aggregate(st, &f, SF_DIM_NONE, last_day_cb, &t, err);
		if (rc != SF_OK)
			return rc;
		as_of = t.last_day;
	}
	if (as_of != SF_DAY_NONE) {
		f.from_day = as_of - o->window_days + 1;
		f.to_day = as_of;
		rc = sf_store_incident_aggregate(st, &f, SF_DIM_SECTOR, threat_cb, &t, err);
		if (rc != SF_OK)
			return rc;
	}
	for (size_t i = 0; i < sc->nsectors; i++) {
		double pop = 0;
		if (sf_sector_attr(&sc->sectors[i], o->population_attr, &pop) != 0 || !(pop > 0))
			pop = 0;
		out[i].population = pop;
		if (pop > 0) {
			out[i].rate = (double)out[i].incidents / pop * 1e5;
			tot_inc += (double)out[i].incidents;
			tot_pop += pop;
		}
	}
	*all_rate = tot_pop > 0 ? tot_inc / tot_pop * 1e5 : 0;
	for (size_t i = 0; i < sc->nsectors; i++) {
		double m = 1;
		if (*all_rate > 0 && out[i].population > 0) {
			m = out[i].rate > 0 ? pow(out[i].rate / *all_rate, o->weight) : 0;
			m = m < o->min ? o->min : m > o->max ? o->max : m;
		}
		out[i].multiplier = m;
	}
	return SF_OK;
}
