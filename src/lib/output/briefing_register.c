/*
 * briefing_register.c - the register's sections of the briefing
 * (briefing_register.h).
 *
 * What the sections hold (docs/output.md, "Briefing"):
 *   - "The register": one paragraph saying where the figures come from;
 *   - "Incidents per week by sector": the weeks (Monday to Sunday) up to
 *     the one holding the latest incident, one panel per sector of the
 *     scenario (then "no sector" and any sector the scenario does not
 *     name, when they have incidents), each week's count against the mean
 *     of the 4 weeks before it; under the chart the library's weekly
 *     table over the chart's weeks and its trend table
 *     (the 7 days to the latest incident against the weeks before, over
 *     the whole register) (sf_incidents_write_report);
 *   - "Aid per day against the commitment", once per source of aid
 *     figures (sources count differently and are never added, as in
 *     `aid report`): the trucks per day at the first stage the source
 *     reports (entered, offloaded, collected, then intercepted) over the
 *     weeks to its latest figure, the 7-day mean and the commitment; under
 *     the chart the library's summary and per-crossing tables
 *     (sf_aid_write_report);
 *   - "Aid sources side by side": every source and stage over the weeks
 *     to the latest figure, one line each, never added, the reference
 *     level dotted and the commitment dashed (sf_aid_write_sources).
 * Retracted incidents are left out, as in every incident report. The
 * library's tables keep their own headings, two levels down ("####").
 */
#include "base/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/dates.h"
#include "output/briefing_register.h"
#include "output/markdown.h"
#include "output/svg.h"

enum { CHART_NONE = 0, CHART_INCIDENTS = 1, CHART_AID = 2, CHART_SOURCES = 3 };

typedef struct reg_part {
	sf_buf intro;  /* markdown: heading and paragraph */
	sf_buf tables; /* markdown: the library's tables */
	int chart;
	size_t aid; /* CHART_AID: index into aid[] */
	char caption[400];
} reg_part;

struct sf__breg {
	reg_part *parts;
	size_t nparts;
	/* incidents per week: the chart's grid */
	sf__week_grid grid;
	char **labels;
	long *counts;
	/* aid: one report per source */
	sf_aid_report *aid;
	size_t naid;
	/* aid: every source and stage side by side */
	sf_aid_sources sources;
};

void sf__breg_free(sf__breg *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nparts; i++) {
		sf_buf_release(&r->parts[i].intro);
		sf_buf_release(&r->parts[i].tables);
	}
	free(r->parts);
	for (size_t i = 0; i < r->grid.nrows; i++)
		free(r->labels[i]);
	free(r->labels);
	free(r->counts);
	for (size_t i = 0; i < r->naid; i++)
		sf_aid_report_release(&r->aid[i]);
	free(r->aid);
	sf_aid_sources_release(&r->sources);
	free(r);
}

static reg_part *new_part(sf__breg *r)
{
	reg_part *n = sf__reallocarray(r->parts, r->nparts + 1, sizeof *n), *p;
	if (n == NULL)
		return NULL;
	r->parts = n;
	p = &r->parts[r->nparts++];
	memset(p, 0, sizeof *p);
	sf_buf_init(&p->intro, 0);
	sf_buf_init(&p->tables, 0);
	return p;
}

/* Text with markdown's punctuation escaped, for a name inside a paragraph. */
static sf_status md_text(sf_buf *b, const char *s)
{
	sf_status rc = SF_OK;
	for (; *s && rc == SF_OK; s++) {
		if (strchr("\\`*_[]<>#|!&~", *s) != NULL)
			rc = sf_buf_addc(b, '\\');
		if (rc == SF_OK)
			rc = sf_buf_addc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
	}
	return rc;
}

/* src's markdown with each heading two levels down ("## x" -> "#### x"),
 * under the register's "##" and the section's "###". */
static sf_status demoted(sf_buf *out, const sf_buf *src)
{
	sf_status rc = SF_OK;
	int bol = 1;
	for (size_t i = 0; i < src->len && rc == SF_OK; i++) {
		if (bol && src->data[i] == '#')
			rc = sf_buf_adds(out, "##");
		if (rc == SF_OK)
			rc = sf_buf_addc(out, src->data[i]);
		bol = src->data[i] == '\n';
	}
	return rc;
}

/* ---------------------------------------------------------------- */
/* Incidents                                                          */

static int max_day_cb(void *ctx, const sf_agg_row *row)
{
	long *last = ctx;
	if (*last == SF_DAY_NONE || row->day > *last)
		*last = row->day;
	return 0;
}

/* Row of key in the grid, adding it (label: the key itself, or "no
 * sector") when it is not there; (size_t)-1 when out of memory. */
static size_t grid_row(sf__breg *r, const sf_scenario *sc, const char *key)
{
	const int ncol = SF__LEAD_WEEKS + r->grid.nweeks;
	size_t i;
	char **nl;
	long *nc;
	for (i = 0; i < sc->nsectors; i++) {
		if (strcmp(sc->sectors[i].id, key) == 0)
			return i;
	}
	for (i = sc->nsectors; i < r->grid.nrows; i++) {
		if (strcmp(r->labels[i], key[0] ? key : "no sector") == 0)
			return i;
	}
	nl = sf__reallocarray(r->labels, r->grid.nrows + 1, sizeof *nl);
	if (nl == NULL)
		return (size_t)-1;
	r->labels = nl;
	nc = sf__reallocarray(r->counts, (r->grid.nrows + 1) * (size_t)ncol, sizeof *nc);
	if (nc == NULL)
		return (size_t)-1;
	r->counts = nc;
	memset(nc + r->grid.nrows * (size_t)ncol, 0, (size_t)ncol * sizeof *nc);
	r->labels[r->grid.nrows] = strdup(key[0] ? key : "no sector");
	if (r->labels[r->grid.nrows] == NULL)
		return (size_t)-1;
	return r->grid.nrows++;
}

/* The chart's grid: a row per scenario sector, counts per week from
 * lead weeks before first_monday to the week of as_of. */
static sf_status incident_grid(sf__breg *r, sf_store *st, const sf_scenario *sc, long as_of,
                               sf_error *err)
{
	const int ncol = SF__LEAD_WEEKS + r->grid.nweeks;
	long lead_from = r->grid.first_monday - 7L * SF__LEAD_WEEKS;
	sf_incident_filter f;
	sf_report_options o;
	sf_report rep;
	sf_status rc;

	r->labels = calloc(sc->nsectors ? sc->nsectors : 1, sizeof *r->labels);
	r->counts = calloc((sc->nsectors ? sc->nsectors : 1) * (size_t)ncol, sizeof *r->counts);
	if (r->labels == NULL || r->counts == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < sc->nsectors; i++) {
		r->labels[i] =
		        strdup(sc->sectors[i].name ? sc->sectors[i].name : sc->sectors[i].id);
		if (r->labels[i] == NULL)
			return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		r->grid.nrows++;
	}
	sf_incident_filter_init(&f);
	f.from_day = lead_from;
	f.to_day = as_of;
	sf_report_options_init(&o);
	o.period = SF_PERIOD_WEEK;
	o.dim = SF_DIM_SECTOR;
	rc = sf_incidents_report(st, &f, &o, &rep, err);
	if (rc != SF_OK)
		return rc;
	for (size_t i = 0; i < rep.nrows && rc == SF_OK; i++) {
		const sf_report_row *row = &rep.rows[i];
		long monday;
		size_t g;
		if (sf__date_parse(row->period, &monday) != 0 || row->count == 0)
			continue;
		g = grid_row(r, sc, row->key ? row->key : "");
		if (g == (size_t)-1) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
			break;
		}
		long k = (monday - lead_from) / 7;
		if (k >= 0 && k < ncol)
			r->counts[g * (size_t)ncol + (size_t)k] += row->count;
	}
	sf_report_release(&rep);
	r->grid.labels = (const char *const *)r->labels;
	r->grid.counts = r->counts;
	return rc;
}

static sf_status incidents_part(sf__breg *r, sf_store *st, const sf_scenario *sc, int weeks,
                                sf_error *err)
{
	sf_incident_filter f;
	sf_report_options o;
	long as_of = SF_DAY_NONE;
	char d1[16], d2[16];
	sf_status rc;
	reg_part *p;
	sf_buf tmp;

	sf_incident_filter_init(&f);
	rc = sf_store_incident_aggregate(st, &f, SF_DIM_NONE, max_day_cb, &as_of, err);
	if (rc != SF_OK)
		return rc;
	p = new_part(r);
	if (p == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	if (as_of == SF_DAY_NONE) {
		if (sf_buf_adds(&p->intro, "### Incidents per week by sector\n\n"
		                           "The register holds no incident (retracted ones left "
		                           "out).\n") != SF_OK)
			return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		return SF_OK;
	}
	r->grid.nweeks = weeks;
	r->grid.first_monday = as_of - sf__date_weekday(as_of) - 7L * (weeks - 1);
	rc = incident_grid(r, st, sc, as_of, err);
	if (rc != SF_OK)
		return rc;
	p->chart = CHART_INCIDENTS;
	sf__date_format(r->grid.first_monday, d1, sizeof d1);
	sf__date_format(as_of, d2, sizeof d2);
	rc = sf_buf_addf(&p->intro,
	                 "### Incidents per week by sector\n\n"
	                 "Incidents in each sector per week (Monday to Sunday), the %d weeks from "
	                 "%s to the latest incident, on %s, each week against the mean of the 4 "
	                 "weeks before it (the last week holds only the days to the latest "
	                 "incident). Every review status counts but retracted. The weekly "
	                 "table lists each week and sector; the trend table "
	                 "compares the 7 days to %s with the weeks before.\n",
	                 weeks, d1, d2, d2);
	sf_snprintf(p->caption, sizeof p->caption,
	            "Incidents per week by sector, %s to %s: the bars are each week's "
	            "incidents, the dash the mean of the 4 weeks before it; every sector on "
	            "the same scale. The tables follow.",
	            d1, d2);
	sf_report_options_init(&o);
	o.period = SF_PERIOD_WEEK;
	o.dim = SF_DIM_SECTOR;
	o.as_of = as_of;
	f.from_day = r->grid.first_monday;
	f.to_day = as_of;
	sf_buf_init(&tmp, 0);
	if (rc == SF_OK)
		rc = sf_incidents_write_report(st, &f, &o, SF_REPORT_PERIODS, SF_FORMAT_MD, &tmp,
		                               err);
	/* The trend looks back past the chart's weeks (4 and 52 weeks): no from. */
	f.from_day = SF_DAY_NONE;
	if (rc == SF_OK && (rc = sf_buf_adds(&tmp, "\n")) != SF_OK)
		sf_error_set(err, rc, "out of memory");
	if (rc == SF_OK)
		rc = sf_incidents_write_report(st, &f, &o, SF_REPORT_TREND, SF_FORMAT_MD, &tmp,
		                               err);
	if (rc == SF_OK && demoted(&p->tables, &tmp) != SF_OK)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	sf_buf_release(&tmp);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Aid                                                                */

typedef struct source_set {
	char **name;
	unsigned *stages; /* bit s: the source reports stage s */
	size_t n;
	int failed;
} source_set;

static int source_cb(void *ctx, const sf_aid_row *row)
{
	source_set *s = ctx;
	const char *src = row->source ? row->source : "";
	size_t i;
	for (i = 0; i < s->n; i++) {
		if (strcmp(s->name[i], src) == 0)
			break;
	}
	if (i == s->n) {
		char **nn = sf__reallocarray(s->name, s->n + 1, sizeof *nn);
		unsigned *ns;
		if (nn == NULL)
			goto oom;
		s->name = nn;
		ns = sf__reallocarray(s->stages, s->n + 1, sizeof *ns);
		if (ns == NULL)
			goto oom;
		s->stages = ns;
		s->name[i] = strdup(src);
		if (s->name[i] == NULL)
			goto oom;
		s->stages[i] = 0;
		s->n++;
	}
	s->stages[i] |= 1u << row->stage;
	return 0;
oom:
	s->failed = 1;
	return 1;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first stage the source reports, in the order of the flow. */
static sf_aid_stage first_stage(unsigned stages)
{
	for (int s = SF_AID_ENTERED; s <= SF_AID_INTERCEPTED; s++) {
		if (stages & (1u << s))
			return (sf_aid_stage)s;
	}
	return SF_AID_ENTERED;
}

static sf_status aid_source_part(sf__breg *r, sf_store *st, const char *source, unsigned stages,
                                 int weeks, const sf_aid_commitment *commitment, sf_error *err)
{
	sf_aid_stage stage = first_stage(stages);
	sf_aid_filter f;
	sf_aid_report *rep = &r->aid[r->naid];
	char d1[16], d2[16], span[48];
	sf_status rc;
	reg_part *p;
	sf_buf tmp;

	sf_aid_filter_init(&f);
	f.source = source;
	rc = sf_aid_build_report(st, &f, commitment, stage, rep, err);
	if (rc != SF_OK)
		return rc;
	if (rep->ndays == 0) {
		sf_aid_report_release(rep);
		return SF_OK;
	}
	f.from_day = rep->days[rep->ndays - 1].day - 7L * weeks + 1;
	sf_aid_report_release(rep);
	rc = sf_aid_build_report(st, &f, commitment, stage, rep, err);
	if (rc != SF_OK)
		return rc;
	r->naid++;
	p = new_part(r);
	if (p == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	p->chart = CHART_AID;
	p->aid = r->naid - 1;
	sf__date_format(rep->days[0].day, d1, sizeof d1);
	sf__date_format(rep->days[rep->ndays - 1].day, d2, sizeof d2);
	rc |= sf_buf_adds(&p->intro, "### Aid per day against the commitment: ");
	rc |= md_text(&p->intro, source);
	rc |= sf_buf_addf(&p->intro, "\n\nTrucks %s per day, all crossings and categories, as ",
	                  sf_aid_stage_str(stage));
	rc |= md_text(&p->intro, source);
	rc |= sf_buf_addf(&p->intro,
	                  " reports them, from %s to its latest figure on %s (at most %d "
	                  "weeks), against a commitment of %g trucks a day made for the days "
	                  "%s (other days are not compared with it: %ld of %ld days with a "
	                  "figure are). Each source counts "
	                  "in its own way: sources are shown apart, never added. A day with no "
	                  "figure is a gap, not a zero; the 7-day mean is over the days with a "
	                  "figure.\n",
	                  d1, d2, weeks, commitment->trucks_per_day,
	                  sf_aid_commitment_span(commitment, span, sizeof span), rep->days_compared,
	                  rep->days_with_data);
	sf_snprintf(p->caption, sizeof p->caption,
	            "Aid trucks %s per day, %s to %s: a bar per day with a figure (darker: below "
	            "the commitment; a day of 0 trucks is a thin line at the base), a grey "
	            "column for a day with no figure, the 7-day mean as a line and the "
	            "commitment of %g a day dashed over the days it was made for (%s). The "
	            "tables follow.",
	            sf_aid_stage_str(stage), d1, d2, commitment->trucks_per_day, span);
	if (rc != SF_OK)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	sf_buf_init(&tmp, 0);
	rc = sf_aid_write_report(st, &f, commitment, stage, 0, SF_FORMAT_MD, &tmp, err);
	if (rc == SF_OK && demoted(&p->tables, &tmp) != SF_OK)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	sf_buf_release(&tmp);
	return rc;
}

static sf_status aid_parts(sf__breg *r, sf_store *st, int weeks,
                           const sf_aid_commitment *commitment, sf_error *err)
{
	source_set s;
	sf_aid_filter f;
	sf_status rc;
	reg_part *p;

	memset(&s, 0, sizeof s);
	sf_aid_filter_init(&f);
	rc = sf_store_aid_query(st, &f, source_cb, &s, err);
	if (rc == SF_OK && s.failed)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	if (rc == SF_OK && s.n == 0) {
		p = new_part(r);
		if (p == NULL ||
		    sf_buf_adds(&p->intro, "### Aid per day against the commitment\n\n"
		                           "The register holds no aid figure.\n") != SF_OK)
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
	if (rc == SF_OK && s.n > 0) {
		/* sort the names and their stage sets together */
		for (size_t i = 0; i < s.n; i++) {
			for (size_t j = i + 1; j < s.n; j++) {
				if (name_cmp(&s.name[j], &s.name[i]) < 0) {
					char *t = s.name[i];
					unsigned u = s.stages[i];
					s.name[i] = s.name[j];
					s.stages[i] = s.stages[j];
					s.name[j] = t;
					s.stages[j] = u;
				}
			}
		}
		r->aid = calloc(s.n, sizeof *r->aid);
		if (r->aid == NULL)
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < s.n && rc == SF_OK; i++)
		rc = aid_source_part(r, st, s.name[i], s.stages[i], weeks, commitment, err);
	for (size_t i = 0; i < s.n; i++)
		free(s.name[i]);
	free(s.name);
	free(s.stages);
	return rc;
}

/*
 * "Aid sources side by side": every source and stage over the weeks to the
 * latest figure, one line each, never added, with the reference level.
 */
static sf_status aid_sources_part(sf__breg *r, sf_store *st, int weeks,
                                  const sf_aid_commitment *commitment,
                                  const sf_aid_reference *reference, sf_error *err)
{
	sf_aid_filter f;
	sf_aid_sources *a = &r->sources;
	char d1[16], d2[16];
	sf_status rc;
	reg_part *p;
	sf_buf tmp;

	sf_aid_filter_init(&f);
	rc = sf_aid_build_sources(st, &f, commitment, SF_AID_ENTERED, reference, a, err);
	if (rc != SF_OK || a->ndays == 0)
		return rc;
	f.from_day = a->first_day + (long)a->ndays - 7L * weeks;
	sf_aid_sources_release(a);
	rc = sf_aid_build_sources(st, &f, commitment, SF_AID_ENTERED, reference, a, err);
	if (rc != SF_OK)
		return rc;
	p = new_part(r);
	if (p == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	p->chart = CHART_SOURCES;
	sf__date_format(a->first_day, d1, sizeof d1);
	sf__date_format(a->first_day + (long)a->ndays - 1, d2, sizeof d2);
	rc |= sf_buf_addf(&p->intro,
	                  "### Aid sources side by side\n\nTrucks per day, all crossings, from %s "
	                  "to %s, one line per source and stage as each reports them (%zu "
	                  "series). The bodies that report aid count different things (trucks "
	                  "entering at a crossing, trucks collected inside, trucks intercepted) "
	                  "with different loads: the series are put next to each other and never "
	                  "added into one number. The commitment is held to trucks entered, on "
	                  "the days it was made for.",
	                  d1, d2, a->nseries);
	if (isfinite(a->reference.trucks_per_day) && a->reference.trucks_per_day > 0) {
		rc |= sf_buf_addf(&p->intro, " The dotted line is a reference, %g trucks a day: ",
		                  a->reference.trucks_per_day);
		rc |= md_text(&p->intro, a->reference.what ? a->reference.what : "");
		rc |= sf_buf_adds(&p->intro, "; no day is compared with it.");
	}
	rc |= sf_buf_adds(&p->intro, "\n");
	sf_snprintf(p->caption, sizeof p->caption,
	            "Aid trucks per day, %s to %s, one line per source and stage (shades and "
	            "dashes tell them apart; a break is a day with no figure), the reference "
	            "dotted and the commitment dashed over the days it was made for. The table "
	            "follows.",
	            d1, d2);
	if (rc != SF_OK)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	sf_buf_init(&tmp, 0);
	rc = sf_aid_write_sources(st, &f, commitment, SF_AID_ENTERED, reference, 0, SF_FORMAT_MD,
	                          &tmp, err);
	if (rc == SF_OK && demoted(&p->tables, &tmp) != SF_OK)
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	sf_buf_release(&tmp);
	return rc;
}

/* ---------------------------------------------------------------- */

static const char register_intro[] =
        "## The register\n\n"
        "What the incident and aid registers hold, as each source reported it: a figure "
        "says who reported what, never who is right. Incidents are placed in sectors by "
        "the scenario's map; aid figures are kept per source.\n";

sf_status sf__breg_build(sf_store *st, const sf_scenario *sc, int weeks,
                         const sf_aid_commitment *commitment, const sf_aid_reference *reference,
                         const char *note, sf__breg **out, sf_error *err)
{
	sf__breg *r;
	reg_part *p;
	sf_status rc;

	*out = NULL;
	if (weeks < 1)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "the register's sections need at least a week");
	r = calloc(1, sizeof *r);
	if (r == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	p = new_part(r);
	if (p == NULL || sf_buf_adds(&p->intro, register_intro) != SF_OK ||
	    (note && note[0] &&
	     (sf_buf_adds(&p->intro, "\n") != SF_OK || md_text(&p->intro, note) != SF_OK ||
	      sf_buf_adds(&p->intro, "\n") != SF_OK))) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		goto fail;
	}
	rc = incidents_part(r, st, sc, weeks, err);
	if (rc == SF_OK)
		rc = aid_parts(r, st, weeks, commitment, err);
	if (rc == SF_OK)
		rc = aid_sources_part(r, st, weeks, commitment, reference, err);
	if (rc != SF_OK)
		goto fail;
	*out = r;
	return SF_OK;
fail:
	sf__breg_free(r);
	return rc;
}

sf_status sf__breg_markdown(const sf__breg *r, sf_buf *out, sf_error *err)
{
	sf_status rc = SF_OK;
	for (size_t i = 0; i < r->nparts && rc == SF_OK; i++) {
		const reg_part *p = &r->parts[i];
		rc |= sf_buf_adds(out, "\n");
		rc |= sf_buf_add(out, p->intro.data, p->intro.len);
		if (p->tables.len) {
			rc |= sf_buf_adds(out, "\n");
			rc |= sf_buf_add(out, p->tables.data, p->tables.len);
		}
	}
	return rc == SF_OK ? SF_OK : sf_error_set(err, SF_ERR_NOMEM, "out of memory");
}

sf_status sf__breg_html(const sf__breg *r, sf_buf *out, sf_error *err)
{
	for (size_t i = 0; i < r->nparts; i++) {
		const reg_part *p = &r->parts[i];
		sf_status rc = SF_OK;
		if (sf__markdown_to_html(p->intro.data, p->intro.len, out, err) != SF_OK)
			return err->code;
		if (p->chart != CHART_NONE) {
			if (sf_buf_adds(out, "<figure>\n") != SF_OK)
				return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
			rc = p->chart == CHART_INCIDENTS
			             ? sf__svg_incident_weeks(&r->grid, out, err)
			     : p->chart == CHART_SOURCES
			             ? sf__svg_aid_sources(&r->sources, out, err)
			             : sf__svg_aid_days(&r->aid[p->aid], out, err);
			if (rc != SF_OK)
				return rc;
			if (sf_buf_addf(out, "<figcaption>%s</figcaption>\n</figure>\n",
			                p->caption) != SF_OK)
				return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		}
		if (p->tables.len &&
		    sf__markdown_to_html(p->tables.data, p->tables.len, out, err) != SF_OK)
			return err->code;
	}
	return SF_OK;
}
