/*
 * incidents.c - the incident register above the store: ACLED CSV import
 * and deletions (their output is output/incidents.c). The sector map is
 * sectormap.c, possible duplicates dupes.c, the threat of each sector
 * threat.c.
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
 * fatalities empty = SF_FATALITIES_NONE (not reported: no data, never 0);
 * timestamp as Unix seconds (or an ISO date/time).
 */
#include "base/internal.h"

#include <errno.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csv.h"
#include "base/dates.h"
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

/* Who is recorded when the caller names nobody (the CLI passes $USER). */
static const char *default_who(const char *who)
{
	return who && *who ? who : "unknown";
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

/* Whether n bytes are all ASCII (then valid UTF-8), eight at a time. */
static int record_ascii(const char *s, size_t n)
{
	size_t i = 0;
	uint64_t acc = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= (unsigned char)s[i];
	return (acc & 0x8080808080808080ULL) == 0;
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
	/* Without printf: the import does this for every row. */
	const char *x = inter_names[b == 0 || a < b ? a : b];
	const char *y = b == 0 ? " only" : inter_names[a < b ? b : a];
	size_t lx = strlen(x), ly = strlen(y), sep = b != 0;
	if (lx + sep + ly >= n)
		return NULL;
	memcpy(buf, x, lx);
	buf[lx] = '-';
	memcpy(buf + lx + sep, y, ly + 1);
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

static sf_status write_reject(importer *im, FILE *out, const char *reason)
{
	if (!out)
		return SF_OK;
	return (sf_status)sf__csv_write_reject(&im->csv, &im->rej, out, reason);
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
	/* The whole record at once (its fields are NUL-terminated in one buffer,
	 * and a NUL ends no valid sequence); field by field to name a bad one. */
	int ascii = record_ascii(c->fbuf, c->flen);
	for (size_t i = 0; !ascii && i < c->nfields; i++) {
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
	inc->fatalities = SF_FATALITIES_NONE;
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
		return sf__csv_read_error(&im->csv, name, "an incident CSV", err);
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
		im->header[i] = sf__strdup_trim(h);
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
		int bad = sf_buf_adds(&im->rej, "line,reason") != SF_OK;
		for (size_t i = 0; i < im->nheader; i++)
			bad |= sf_buf_addc(&im->rej, ',') != SF_OK ||
			       sf__csv_quote(&im->rej, im->header[i]) != 0;
		bad |= sf_buf_addc(&im->rej, '\n') != SF_OK;
		if (bad)
			return sf_error_set(err, SF_ERR_NOMEM,
			                    "cannot write the rejects file: out of memory");
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
	sf_upsert_counts counts;
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
	im.csv.max_bytes = SF_MAX_INCIDENT_CSV_BYTES;
	im.csv.keep_raw = opts->rejects != NULL;
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
	rc = sf_store_bulk_begin(st, err);
	if (rc != SF_OK)
		goto out;

	while ((r = sf__csv_next(&im.csv)) == 1) {
		sf_incident inc;
		char reason[160];

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
			if (write_reject(&im, opts->rejects, reason) != SF_OK) {
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
		rc = sf_store_bulk_add(st, &inc, im.csv.rec_line, err);
		if (rc != SF_OK) {
			if (err && !err->line) {
				sf_strlcpy(err->file, name, sizeof err->file);
				err->line = (int)im.csv.rec_line;
			}
			goto out;
		}
		sum->by_method[inc.sector_method]++;
	}
	if (r < 0) {
		rc = sf__csv_read_error(&im.csv, name, "an incident CSV", err);
		goto out;
	}
	if (opts->progress)
		opts->progress(opts->progress_ctx, im.csv.bytes);
	rc = sf_store_bulk_end(st, &counts, err);
	if (rc != SF_OK)
		goto out;
	sum->inserted = counts.inserted;
	sum->updated = counts.updated;
	sum->unchanged = counts.unchanged;
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
	/* The rejects must be on disk before the rows are: all or nothing. */
	if (opts->rejects && (fflush(opts->rejects) != 0 || ferror(opts->rejects))) {
		rc = sf_error_set(err, SF_ERR_IO, "cannot write the rejects file: %s",
		                  strerror(errno ? errno : EIO));
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
	c.max_bytes = SF_MAX_LIST_BYTES;
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
		rc = sf__csv_read_error(&c, "the deletions list", "a list of ids", err);
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
