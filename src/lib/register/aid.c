/*
 * aid.c - the aid-flow register: crossing names, import of daily figures,
 * the report against the commitment, and escorts from aid volume.
 *
 * A row is trucks through one crossing on one day for one category, stage
 * and source; its key is (day, crossing, category, stage, source), so a
 * re-import replaces a figure instead of adding it twice. Sources (COGAT,
 * the UN 2720 mechanism, ...) count differently and are kept apart: the
 * report refuses to add them up.
 *
 * Crossing names go through the caller's table, read from a data file (the
 * Gaza example's crossings.csv says "Karem Abu Salem" and "Kerem Shalom"
 * are kerem_shalom): the library knows no place's crossings. With a table
 * a name it does not know fails the import at its file:line:column (a new
 * spelling would otherwise split a crossing's figures in two); without
 * one a name is its own id, lowercased with blanks as underscores.
 *
 * The minimal file shape, date,trucks_entered (the 116-day series shipped
 * in examples/gaza), is accepted with defaults: crossing "all", stage
 * "entered", category "unspecified", source from the options.
 */
#include "base/internal.h"

#include <errno.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csv.h"
#include "base/dates.h"
#include "stabforce/register.h"

void sf_aid_filter_init(sf_aid_filter *f)
{
	memset(f, 0, sizeof *f);
	f->from_day = SF_DAY_NONE;
	f->to_day = SF_DAY_NONE;
	f->stage = -1;
}

void sf_aid_import_options_init(sf_aid_import_options *o)
{
	memset(o, 0, sizeof *o);
}

/* The longest crossing name compared (bytes; longer ones are cut). */
enum { CROSSING_NAME_MAX = 128 };

/* Lowercase, blanks/dashes/underscores squeezed to one space. */
static void fold(const char *s, char *buf, size_t n)
{
	size_t k = 0;
	int space = 0;
	for (; *s && k + 1 < n; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == ' ' || ch == '-' || ch == '_' || ch == '\t') {
			space = k > 0;
			continue;
		}
		if (space && k + 2 < n)
			buf[k++] = ' ';
		space = 0;
		buf[k++] = (char)tolower(ch);
	}
	buf[k] = '\0';
}

/* name folded, blanks as underscores: an id. */
static void slug(const char *name, char *buf, size_t n)
{
	fold(name, buf, n);
	for (char *p = buf; *p; p++)
		if (*p == ' ')
			*p = '_';
}

/* The names of every crossing together, whatever the place (folded). */
static const char *const all_names[] = {"all", "all crossings", "total"};

struct sf_aid_crossings {
	char *file; /* read from, for messages */
	struct crossing_name {
		char *name; /* folded */
		char *id;   /* slug */
	} * a;
	size_t n, cap;
};

void sf_aid_crossings_free(sf_aid_crossings *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->a[i].name);
		free(t->a[i].id);
	}
	free(t->a);
	free(t->file);
	free(t);
}

const char *sf_aid_crossings_file(const sf_aid_crossings *t)
{
	return t ? t->file : "";
}

/* One name of crossing id into t (the same name twice is kept once). */
static sf_status crossings_add(sf_aid_crossings *t, const char *id, const char *name)
{
	char f[CROSSING_NAME_MAX], g[CROSSING_NAME_MAX];

	fold(name, f, sizeof f);
	slug(id, g, sizeof g);
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->a[i].name, f) == 0)
			return strcmp(t->a[i].id, g) == 0 ? SF_OK : SF_ERR_INPUT;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct crossing_name *a = sf__reallocarray(t->a, cap, sizeof *a);
		if (!a)
			return SF_ERR_NOMEM;
		t->a = a;
		t->cap = cap;
	}
	t->a[t->n].name = strdup(f);
	t->a[t->n].id = strdup(g);
	if (!t->a[t->n].name || !t->a[t->n].id) {
		free(t->a[t->n].name);
		free(t->a[t->n].id);
		return SF_ERR_NOMEM;
	}
	t->n++;
	return SF_OK;
}

/* A located error on field i of the current record of a crossings file. */
static sf_status crossings_error(const sf__csv *c, size_t i, const char *path, sf_error *err,
                                 const char *what, const char *value)
{
	long line;
	int col = sf__csv_field_column(c, i, &line);
	return sf_error_set_at(err, SF_ERR_INPUT, path, (int)line, col, NULL, "%s%s%.60s%s", what,
	                       value ? " '" : "", value ? value : "", value ? "'" : "");
}

/* The rows of a crossings file (header: crossing, name, ...) into t. */
static sf_status crossings_read(sf_aid_crossings *t, FILE *f, const char *path, sf_error *err)
{
	sf__csv c;
	sf_status rc = SF_OK;
	long id_col = -1, name_col = -1;
	int r;

	if (sf__csv_init(&c, f) < 0)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	c.max_bytes = SF_MAX_CROSSINGS_BYTES;
	c.keep_raw = 1;
	while ((r = sf__csv_next(&c)) == 1) {
		if (sf__csv_blank(&c))
			continue;
		if (c.error[0]) {
			rc = crossings_error(&c, 0, path, err, c.error, NULL);
			goto out;
		}
		if (id_col < 0) {
			for (size_t i = 0; i < c.nfields; i++) {
				const char *h = sf__trim((char *)sf__csv_field(&c, i));
				if (strcasecmp(h, "crossing") == 0 && id_col < 0)
					id_col = (long)i;
				if (strcasecmp(h, "name") == 0 && name_col < 0)
					name_col = (long)i;
			}
			if (id_col < 0 || name_col < 0) {
				rc = crossings_error(&c, 0, path, err,
				                     "a crossings file needs the columns "
				                     "'crossing' and 'name' in its header",
				                     NULL);
				goto out;
			}
			continue;
		}
		size_t ic = (size_t)id_col, nc = (size_t)name_col;
		const char *id = ic < c.nfields ? sf__trim((char *)sf__csv_field(&c, ic)) : "";
		const char *nm = nc < c.nfields ? sf__trim((char *)sf__csv_field(&c, nc)) : "";
		if (!*id || !*nm) {
			rc = crossings_error(&c, !*id ? ic : nc, path, err,
			                     !*id ? "no crossing id" : "no name", NULL);
			goto out;
		}
		/* The id is a name of its crossing too. */
		rc = crossings_add(t, id, id);
		if (rc == SF_OK)
			rc = crossings_add(t, id, nm);
		if (rc == SF_ERR_NOMEM) {
			rc = sf_error_set(err, rc, "out of memory");
			goto out;
		}
		if (rc != SF_OK) {
			rc = crossings_error(&c, nc, path, err,
			                     "a name given to two crossings (names compare "
			                     "without case, blanks and dashes):",
			                     nm);
			goto out;
		}
	}
	if (r < 0)
		rc = (sf_status)sf__csv_read_error(&c, path, "a crossings CSV", err);
	else if (id_col < 0)
		rc = sf_error_set_at(err, SF_ERR_INPUT, path, 1, 0, NULL,
		                     "empty file: a crossings file needs a header");
out:
	sf__csv_release(&c);
	return rc;
}

sf_status sf_aid_crossings_read(FILE *f, const char *file_name, sf_aid_crossings **out,
                                sf_error *err)
{
	sf_aid_crossings *t = calloc(1, sizeof *t);
	sf_status rc;

	*out = NULL;
	if (!t || !(t->file = strdup(file_name))) {
		free(t);
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
	rc = crossings_read(t, f, file_name, err);
	if (rc != SF_OK)
		sf_aid_crossings_free(t);
	else
		*out = t;
	return rc;
}

sf_status sf_aid_crossings_load(const char *path, sf_aid_crossings **out, sf_error *err)
{
	sf_status rc;
	FILE *f = fopen(path, "rb");

	*out = NULL;
	if (!f)
		return sf_error_set_at(err, SF_ERR_IO, path, 0, 0, NULL,
		                       "cannot open the crossings file '%s': %s", path,
		                       strerror(errno));
	rc = sf_aid_crossings_read(f, path, out, err);
	fclose(f);
	return rc;
}

const char *sf_aid_crossing_id(const sf_aid_crossings *t, const char *name, char *buf, size_t n)
{
	char f[CROSSING_NAME_MAX];

	fold(name, f, sizeof f);
	for (size_t i = 0; i < SF_ARRAY_LEN(all_names); i++)
		if (strcmp(f, all_names[i]) == 0)
			return "all";
	if (t) {
		for (size_t i = 0; i < t->n; i++)
			if (strcmp(f, t->a[i].name) == 0)
				return t->a[i].id;
		return NULL;
	}
	slug(name, buf, n);
	return buf;
}

static const char *const categories[] = {"food", "medical",    "shelter", "fuel",
                                         "wash", "commercial", "other",   "unspecified"};

/*
 * The error for a crossing name the table does not know: field i of c's
 * record. named: what the caller calls the table (o->crossings_name), or
 * NULL for its path.
 */
static sf_status unknown_crossing(const sf__csv *c, size_t i, const char *file, const char *cr,
                                  const sf_aid_crossings *t, const char *named, sf_error *err)
{
	char id[CROSSING_NAME_MAX];
	long line;
	int col = sf__csv_field_column(c, i, &line);

	slug(cr, id, sizeof id);
	if (named != NULL)
		return sf_error_set_at(err, SF_ERR_INPUT, file, (int)line, col, NULL,
		                       "unknown crossing '%.60s': not a name in %s (a row "
		                       "'%.60s,%.60s' there would add it, if it is a crossing or a "
		                       "new name of one; nothing was imported)",
		                       cr, named, id, cr);
	return sf_error_set_at(err, SF_ERR_INPUT, file, (int)line, col, NULL,
	                       "unknown crossing '%.60s': not a name in the crossings file "
	                       "'%s' (add a row '%.60s,%.60s' there if it is a crossing or a "
	                       "new name of one; nothing was imported)",
	                       cr, sf_aid_crossings_file(t), id, cr);
}

enum { A_DATE, A_CROSSING, A_TRUCKS, A_TONNES, A_CATEGORY, A_STAGE, A_SOURCE, A_N };

sf_status sf_aid_import(sf_store *st, FILE *in, const sf_aid_import_options *o,
                        sf_import_summary *sum, sf_error *err)
{
	static const char *const names[A_N] = {"date",     "crossing", "trucks", "tonnes",
	                                       "category", "stage",    "source"};
	sf_aid_import_options dflt;
	sf__csv c;
	sf_buf rej;
	long map[A_N];
	size_t nheader = 0;
	int r, in_tx = 0;
	sf_status rc = SF_OK;
	const char *name, *dflt_crossing;
	char dflt_id[CROSSING_NAME_MAX];
	double t0 = sf__now();

	if (!o) {
		sf_aid_import_options_init(&dflt);
		o = &dflt;
	}
	name = o->file_name ? o->file_name : "(input)";
	memset(sum, 0, sizeof *sum);
	sf_buf_init(&rej, 0);
	if (sf__csv_init(&c, in) < 0)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	c.max_bytes = SF_MAX_AID_CSV_BYTES;
	c.keep_raw = o->rejects != NULL || o->crossings != NULL; /* columns in messages */
	while ((r = sf__csv_next(&c)) == 1 && sf__csv_blank(&c))
		;
	if (r <= 0) {
		rc = r < 0 ? (sf_status)sf__csv_read_error(&c, name, "an aid CSV", err)
		           : sf_error_set_at(err, SF_ERR_INPUT, name, 1, 0, NULL,
		                             "empty file: no header");
		goto out;
	}
	for (int k = 0; k < A_N; k++)
		map[k] = -1;
	nheader = c.nfields;
	for (size_t i = 0; i < c.nfields; i++) {
		char *h = sf__trim((char *)sf__csv_field(&c, i));
		for (char *p = h; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		for (int k = 0; k < A_N; k++)
			if (strcmp(h, names[k]) == 0 && map[k] < 0)
				map[k] = (long)i;
		if (strcmp(h, "trucks_entered") == 0 && map[A_TRUCKS] < 0)
			map[A_TRUCKS] = (long)i;
	}
	if (map[A_DATE] < 0 || map[A_TRUCKS] < 0) {
		rc = sf_error_set_at(err, SF_ERR_INPUT, name, (int)c.rec_line, 0, NULL,
		                     "missing column '%s' in the header",
		                     map[A_DATE] < 0 ? "date" : "trucks");
		goto out;
	}
	if (o->rejects) {
		int bad = sf_buf_adds(&rej, "line,reason") != SF_OK;
		for (size_t i = 0; i < c.nfields; i++)
			bad |= sf_buf_addc(&rej, ',') != SF_OK ||
			       sf__csv_quote(&rej, sf__csv_field(&c, i)) != 0;
		bad |= sf_buf_addc(&rej, '\n') != SF_OK;
		if (bad || fwrite(rej.data, 1, rej.len, o->rejects) != rej.len) {
			rc = sf_error_set(err, bad ? SF_ERR_NOMEM : SF_ERR_IO,
			                  "cannot write the rejects file%s",
			                  bad ? ": out of memory" : "");
			goto out;
		}
	}
	rc = sf_store_begin(st, err);
	if (rc != SF_OK)
		goto out;
	in_tx = 1;
	dflt_crossing =
	        sf_aid_crossing_id(o->crossings, o->default_crossing ? o->default_crossing : "all",
	                           dflt_id, sizeof dflt_id);
	if (!dflt_crossing) {
		rc = sf_error_set(
		        err, SF_ERR_USAGE,
		        "the crossing '%.60s' for rows without one is not in the crossings "
		        "file '%s'",
		        o->default_crossing, sf_aid_crossings_file(o->crossings));
		goto out;
	}
	rc = sf_store_batch_begin(st, "aid", name, o->who ? o->who : "unknown", &sum->batch, err);
	if (rc != SF_OK)
		goto out;
	while ((r = sf__csv_next(&c)) == 1) {
		char reason[160] = "";
		char id[CROSSING_NAME_MAX];
		sf_aid_row row;
		const char *v[A_N];

		if (sf__csv_blank(&c))
			continue;
		sum->read++;
		if (c.error[0]) {
			sf_strlcpy(reason, c.error, sizeof reason);
		} else if (c.nfields != nheader) {
			sf_snprintf(reason, sizeof reason, "expected %zu fields, found %zu",
			            nheader, c.nfields);
		} else {
			for (int k = 0; k < A_N; k++)
				v[k] = map[k] >= 0
				               ? sf__trim((char *)sf__csv_field(&c, (size_t)map[k]))
				               : "";
			row.tonnes = NAN;
			row.stage = SF_AID_ENTERED;
			if (sf__date_parse(v[A_DATE], &row.day) < 0) {
				sf_snprintf(reason, sizeof reason, "bad date '%.40s'", v[A_DATE]);
			} else if (sf_parse_long(v[A_TRUCKS], &row.trucks) != 0 || row.trucks < 0) {
				sf_snprintf(reason, sizeof reason, "bad trucks '%.40s'",
				            v[A_TRUCKS]);
			} else if (*v[A_TONNES] &&
			           (sf_parse_double(v[A_TONNES], &row.tonnes) != 0 ||
			            !(row.tonnes >= 0))) {
				sf_snprintf(reason, sizeof reason, "bad tonnes '%.40s'",
				            v[A_TONNES]);
			} else if (*v[A_STAGE] && sf_aid_stage_parse(v[A_STAGE]) < 0) {
				sf_snprintf(reason, sizeof reason,
				            "bad stage '%.40s' (entered, offloaded, collected, "
				            "intercepted)",
				            v[A_STAGE]);
			}
			if (!reason[0]) {
				if (*v[A_STAGE])
					row.stage = (sf_aid_stage)sf_aid_stage_parse(v[A_STAGE]);
				const char *cat = *v[A_CATEGORY] ? v[A_CATEGORY] : "unspecified";
				row.category = NULL;
				for (size_t k = 0; k < SF_ARRAY_LEN(categories); k++)
					if (strcasecmp(cat, categories[k]) == 0)
						row.category = categories[k];
				if (!row.category)
					sf_snprintf(reason, sizeof reason,
					            "bad category '%.40s' (food, medical, shelter, "
					            "fuel, wash, commercial, other)",
					            cat);
				row.crossing = *v[A_CROSSING] ? sf_aid_crossing_id(o->crossings,
				                                                   v[A_CROSSING],
				                                                   id, sizeof id)
				                              : dflt_crossing;
				if (!row.crossing) {
					rc = unknown_crossing(&c, (size_t)map[A_CROSSING], name,
					                      v[A_CROSSING], o->crossings,
					                      o->crossings_name, err);
					goto out;
				}
				row.source = *v[A_SOURCE] ? v[A_SOURCE]
				             : o->source  ? o->source
				                          : "unspecified";
			}
		}
		if (reason[0]) {
			sum->rejected++;
			if (o->rejects) {
				rc = (sf_status)sf__csv_write_reject(&c, &rej, o->rejects, reason);
				if (rc != SF_OK) {
					sf_error_set(err, rc, "cannot write the rejects file");
					goto out;
				}
			}
			continue;
		}
		sf_upsert_result res;
		rc = sf_store_aid_upsert(st, &row, &res, err);
		if (rc != SF_OK)
			goto out;
		if (res == SF_UPSERT_INSERTED)
			sum->inserted++;
		else if (res == SF_UPSERT_UPDATED)
			sum->updated++;
		else
			sum->unchanged++;
	}
	if (r < 0) {
		rc = sf__csv_read_error(&c, name, "an aid CSV", err);
		goto out;
	}
	{
		char line[160];
		sf_snprintf(line, sizeof line,
		            "read %ld, inserted %ld, updated %ld, unchanged %ld, rejected %ld",
		            sum->read, sum->inserted, sum->updated, sum->unchanged, sum->rejected);
		rc = sf_store_batch_end(st, sum->batch, line, err);
	}
	/* The rejects must be on disk before the rows are: all or nothing. */
	if (rc == SF_OK && o->rejects && (fflush(o->rejects) != 0 || ferror(o->rejects)))
		rc = sf_error_set(err, SF_ERR_IO, "cannot write the rejects file: %s",
		                  strerror(errno ? errno : EIO));
	if (rc == SF_OK)
		rc = sf_store_commit(st, err);
	if (rc == SF_OK)
		in_tx = 0;
out:
	if (in_tx)
		sf_store_rollback(st);
	sf__csv_release(&c);
	sf_buf_release(&rej);
	sum->seconds = sf__now() - t0;
	return rc;
}

/* ---------------------------------------------------------------- */
/* Report                                                             */

typedef struct aid_ctx {
	sf_aid_report *r;
	sf_aid_stage stage;
	long first, last;
	char sources[4][64];
	int nsources; /* distinct sources seen, up to 4 kept */
	int pass;     /* 0: range and sources, 1: fill */
	int failed;
} aid_ctx;

static int aid_cb(void *ctx, const sf_aid_row *row)
{
	aid_ctx *c = ctx;
	if (c->pass == 0) {
		if (c->first == SF_DAY_NONE || row->day < c->first)
			c->first = row->day;
		if (c->last == SF_DAY_NONE || row->day > c->last)
			c->last = row->day;
		int seen = 0;
		for (int i = 0; i < c->nsources && i < 4; i++)
			if (strcmp(c->sources[i], row->source) == 0)
				seen = 1;
		if (!seen) {
			if (c->nsources < 4)
				sf_strlcpy(c->sources[c->nsources], row->source,
				           sizeof c->sources[0]);
			c->nsources++;
		}
		return 0;
	}
	sf_aid_report *r = c->r;
	sf_aid_day *d = &r->days[row->day - c->first];
	d->trucks[row->stage] += row->trucks;
	d->reported[row->stage] = 1;
	r->stage_reported[row->stage] = 1;
	if (row->stage != c->stage)
		return 0;
	size_t i;
	for (i = 0; i < r->ncrossings; i++)
		if (strcmp(r->crossings[i].crossing, row->crossing) == 0)
			break;
	if (i == r->ncrossings) {
		sf_aid_crossing_total *n =
		        sf__reallocarray(r->crossings, r->ncrossings + 1, sizeof *n);
		if (!n) {
			c->failed = 1;
			return 1;
		}
		r->crossings = n;
		memset(&n[i], 0, sizeof n[i]);
		sf_strlcpy(n[i].crossing, row->crossing, sizeof n[i].crossing);
		r->ncrossings++;
	}
	r->crossings[i].trucks += row->trucks;
	if (r->crossings[i].days == 0 || r->crossings[i].last_day != row->day)
		r->crossings[i].days++;
	r->crossings[i].last_day = row->day;
	return 0;
}

void sf_aid_report_release(sf_aid_report *r)
{
	free(r->days);
	free(r->crossings);
	memset(r, 0, sizeof *r);
}

sf_status sf_aid_build_report(sf_store *st, const sf_aid_filter *f,
                              const sf_aid_commitment *commitment, sf_aid_stage stage,
                              sf_aid_report *out, sf_error *err)
{
	sf_aid_filter q;
	aid_ctx c;
	sf_status rc;

	memset(out, 0, sizeof *out);
	out->commitment = commitment ? commitment->trucks_per_day : 0;
	out->commitment_from = commitment ? commitment->from_day : SF_DAY_NONE;
	out->commitment_to = commitment ? commitment->to_day : SF_DAY_NONE;
	out->compared_mean = NAN;
	out->stage = stage;
	if (f)
		q = *f;
	else
		sf_aid_filter_init(&q);
	q.stage = -1;
	memset(&c, 0, sizeof c);
	c.r = out;
	c.stage = stage;
	c.first = c.last = SF_DAY_NONE;
	rc = sf_store_aid_query(st, &q, aid_cb, &c, err);
	if (rc != SF_OK)
		return rc;
	if (c.nsources > 1 && !q.source)
		return sf_error_set(
		        err, SF_ERR_USAGE,
		        "aid figures from %d sources (%s, %s%s): they count "
		        "differently, choose one with --source or put them side by side "
		        "with --side-by-side",
		        c.nsources, c.sources[0], c.sources[1], c.nsources > 2 ? ", ..." : "");
	if (c.first == SF_DAY_NONE)
		return SF_OK;
	sf_strlcpy(out->source, q.source ? q.source : c.sources[0], sizeof out->source);
	out->ndays = (size_t)(c.last - c.first + 1);
	out->days = calloc(out->ndays, sizeof *out->days);
	if (!out->days)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < out->ndays; i++)
		out->days[i].day = c.first + (long)i;
	c.pass = 1;
	rc = sf_store_aid_query(st, &q, aid_cb, &c, err);
	if (rc == SF_OK && c.failed)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	if (rc != SF_OK) {
		sf_aid_report_release(out);
		return rc;
	}
	double win = 0, compared_sum = 0;
	long nwin = 0;
	for (size_t i = 0; i < out->ndays; i++) {
		sf_aid_day *d = &out->days[i];
		/* A day without a figure at the report stage is a gap, not 0. */
		d->has_data = d->reported[stage];
		if (d->has_data) {
			win += (double)d->trucks[stage];
			nwin++;
			out->days_with_data++;
			out->total += d->trucks[stage];
			d->compared =
			        (out->commitment_from == SF_DAY_NONE ||
			         d->day >= out->commitment_from) &&
			        (out->commitment_to == SF_DAY_NONE || d->day <= out->commitment_to);
			if (d->compared) {
				d->below = (double)d->trucks[stage] < out->commitment;
				out->days_below += d->below;
				out->days_compared++;
				compared_sum += (double)d->trucks[stage];
			}
		}
		if (i >= 7 && out->days[i - 7].has_data) {
			win -= (double)out->days[i - 7].trucks[stage];
			nwin--;
		}
		d->rolling7 = nwin > 0 ? win / (double)nwin : NAN;
	}
	out->mean = out->days_with_data ? (double)out->total / (double)out->days_with_data : 0;
	if (out->days_compared)
		out->compared_mean = compared_sum / (double)out->days_compared;
	return SF_OK;
}

typedef struct esc_ctx {
	long last;
	double sum;
	long from;
	unsigned char *seen;
	long ndays;
} esc_ctx;

static int esc_last_cb(void *ctx, const sf_aid_row *row)
{
	esc_ctx *e = ctx;
	if (e->last == SF_DAY_NONE || row->day > e->last)
		e->last = row->day;
	return 0;
}

static int esc_sum_cb(void *ctx, const sf_aid_row *row)
{
	esc_ctx *e = ctx;
	e->sum += (double)row->trucks;
	long i = row->day - e->from;
	if (i >= 0 && i < e->ndays)
		e->seen[i] = 1;
	return 0;
}

sf_status sf_aid_escort_requirement(sf_store *st, const char *source, long as_of, int window_days,
                                    double trucks_per_escort, double *trucks_per_day,
                                    double *escorts, sf_error *err)
{
	sf_aid_filter q;
	esc_ctx e = {SF_DAY_NONE, 0, 0, NULL, 0};
	sf_status rc;

	*trucks_per_day = *escorts = 0;
	if (window_days < 1 || !(trucks_per_escort > 0))
		return sf_error_set(err, SF_ERR_USAGE,
		                    "escorts: window_days must be >= 1 and trucks_per_escort > 0");
	sf_aid_filter_init(&q);
	q.source = source;
	q.stage = SF_AID_ENTERED;
	if (as_of == SF_DAY_NONE) {
		rc = sf_store_aid_query(st, &q, esc_last_cb, &e, err);
		if (rc != SF_OK || e.last == SF_DAY_NONE)
			return rc;
		as_of = e.last;
	}
	q.from_day = e.from = as_of - window_days + 1;
	q.to_day = as_of;
	e.ndays = window_days;
	e.seen = calloc((size_t)window_days, 1);
	if (!e.seen)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	rc = sf_store_aid_query(st, &q, esc_sum_cb, &e, err);
	long days = 0;
	for (long i = 0; i < e.ndays; i++)
		days += e.seen[i];
	free(e.seen);
	if (rc != SF_OK)
		return rc;
	*trucks_per_day = days ? e.sum / (double)days : 0;
	*escorts = *trucks_per_day / trucks_per_escort;
	return SF_OK;
}
