/*
 * svg_register.c - the register's pictures in the briefing (svg.h):
 * incidents per week by sector against the mean of the 4 weeks before,
 * and aid trucks per day against the commitment.
 *
 * Drawn by hand for the reasons svg.c gives (one self-contained page, no
 * script, printed by headless Chromium). Both charts use greys and the
 * one neutral sequential scale (sf__seq_colour): a sector or a source is
 * never given a colour of its own, and darker means more missing (an aid
 * day below the commitment), as everywhere else in the briefing. Every
 * mark carries a <title> with its figure; the briefing prints the same
 * figures in the library's tables under each chart.
 *
 * Geometry is in the named constants below (SVG units; the page scales
 * the picture to its width). Numbers are written with fixed decimals so
 * that the same register gives the same bytes.
 */
#include "base/internal.h"

#include <math.h>
#include <string.h>

#include "base/dates.h"
#include "output/svg.h"

/* Incidents per week: one panel per sector */
#define IW_W 760.0
#define IW_LABEL_W 150.0
#define IW_RIGHT 16.0
#define IW_TOP 8.0
#define IW_PANEL_H 44.0
#define IW_PANEL_GAP 10.0
#define IW_AXIS_H 22.0
#define IW_LEGEND_H 24.0
#define IW_BAR_FILL 0.7

/* Aid per day */
#define AD_W 760.0
#define AD_H 300.0
#define AD_LEFT 64.0
#define AD_RIGHT 16.0
#define AD_TOP 16.0
#define AD_BOTTOM 62.0
#define AD_BAR_FILL 0.8
#define AD_TICKS 5
/* A date label every this many days (every week when the chart is short). */
#define AD_LABEL_EVERY_LONG 14
#define AD_LABEL_EVERY_SHORT 7
#define AD_SHORT_DAYS 42
/* The least height of a day's bar, so that a day of 0 trucks shows. */
#define AD_MIN_BAR_H 1.5

/* Shades on the neutral scale (0 light .. 1 dark) and the ink. */
#define SHADE_BAR 0.35
#define SHADE_BELOW 0.8
#define INK "#1d1f2b"
#define MUTED "#5b5e70"
#define GRID "#d9d9e3"
#define GAP "#ececf1" /* a day with no figure */

/* Mean of the SF__LEAD_WEEKS weeks before column k (k >= SF__LEAD_WEEKS). */
static double lead_mean(const long *row, int k)
{
	double s = 0;
	for (int j = k - SF__LEAD_WEEKS; j < k; j++)
		s += (double)row[j];
	return s / SF__LEAD_WEEKS;
}

static sf_status weeks_legend(sf_buf *b, double y)
{
	char bar[8];
	sf__seq_colour(SHADE_BAR, bar);
	return sf_buf_addf(
	        b,
	        "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"10\" fill=\"%s\"/>"
	        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"" MUTED "\">incidents in "
	        "the week (Monday to Sunday)</text>"
	        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" INK
	        "\" stroke-width=\"2\"/>"
	        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"" MUTED "\">mean of the 4 "
	        "weeks before</text>\n",
	        IW_LABEL_W, y, bar, IW_LABEL_W + 18, y + 9, IW_LABEL_W + 300, y + 5,
	        IW_LABEL_W + 316, y + 5, IW_LABEL_W + 322, y + 9);
}

sf_status sf__svg_incident_weeks(const sf__week_grid *g, sf_buf *b, sf_error *err)
{
	const int ncol = SF__LEAD_WEEKS + g->nweeks;
	double pw = IW_W - IW_LABEL_W - IW_RIGHT, slot = pw / g->nweeks, ymax = 1, step,
	       h = IW_TOP + (double)g->nrows * (IW_PANEL_H + IW_PANEL_GAP) + IW_AXIS_H +
	           IW_LEGEND_H;
	char bar[8], ds[16];
	sf_status rc = SF_OK;

	for (size_t r = 0; r < g->nrows; r++) {
		const long *row = g->counts + r * (size_t)ncol;
		for (int k = SF__LEAD_WEEKS; k < ncol; k++) {
			if ((double)row[k] > ymax)
				ymax = (double)row[k];
			if (lead_mean(row, k) > ymax)
				ymax = lead_mean(row, k);
		}
	}
	step = sf__svg_nice_step(ymax, 2);
	ymax = ceil(ymax / step) * step;
	sf__seq_colour(SHADE_BAR, bar);

	rc |= sf_buf_addf(b,
	                  "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	                  "aria-label=\"Incidents per week by sector, each week against the mean "
	                  "of the 4 weeks before\" xmlns=\"http://www.w3.org/2000/svg\">\n"
	                  "<title>Incidents per week by sector, against the mean of the 4 weeks "
	                  "before</title>\n",
	                  IW_W, h);
	for (size_t r = 0; r < g->nrows; r++) {
		const long *row = g->counts + r * (size_t)ncol;
		double top = IW_TOP + (double)r * (IW_PANEL_H + IW_PANEL_GAP),
		       base = top + IW_PANEL_H;
		rc |= sf_buf_addf(b, "<text x=\"0\" y=\"%.1f\" font-size=\"12\" fill=\"" INK "\">",
		                  top + IW_PANEL_H / 2 + 4);
		rc |= sf__svg_esc(b, g->labels[r]);
		rc |= sf_buf_addf(
		        b,
		        "</text><text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
		        "text-anchor=\"end\" fill=\"" MUTED "\">%.0f</text>"
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID
		        "\"/>"
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" MUTED
		        "\"/>\n",
		        IW_LABEL_W - 4, top + 8, ymax, IW_LABEL_W, top, IW_LABEL_W + pw, top,
		        IW_LABEL_W, base, IW_LABEL_W + pw, base);
		for (int w = 0; w < g->nweeks; w++) {
			int k = SF__LEAD_WEEKS + w;
			double x = IW_LABEL_W + w * slot, v = (double)row[k], m = lead_mean(row, k);
			double bh = v / ymax * IW_PANEL_H, my = base - m / ymax * IW_PANEL_H;
			sf__date_format(g->first_monday + 7L * w, ds, sizeof ds);
			rc |= sf_buf_addf(
			        b,
			        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			        "fill=\"%s\"><title>",
			        x + slot * (1 - IW_BAR_FILL) / 2, base - bh, slot * IW_BAR_FILL, bh,
			        bar);
			rc |= sf__svg_esc(b, g->labels[r]);
			rc |= sf_buf_addf(b,
			                  ", week of %s: %ld incidents; mean of the 4 weeks before "
			                  "%.2f</title></rect>"
			                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			                  "stroke=\"" INK "\" stroke-width=\"2\"/>\n",
			                  ds, row[k], m, x + slot * 0.08, my, x + slot * 0.92, my);
		}
	}
	{
		double y = IW_TOP + (double)g->nrows * (IW_PANEL_H + IW_PANEL_GAP) + 4;
		int every = g->nweeks > 16 ? 4 : g->nweeks > 8 ? 2 : 1;
		for (int w = 0; w < g->nweeks; w += every) {
			sf__date_format(g->first_monday + 7L * w, ds, sizeof ds);
			rc |= sf_buf_addf(b,
			                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
			                  "text-anchor=\"middle\" fill=\"" MUTED "\">%s</text>\n",
			                  IW_LABEL_W + (w + 0.5) * slot, y + 8, ds);
		}
		rc |= weeks_legend(b, y + IW_AXIS_H - 4);
	}
	rc |= sf_buf_adds(b, "</svg>\n");
	if (rc != SF_OK)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory drawing the incidents chart");
	return SF_OK;
}

static sf_status aid_legend(sf_buf *b, double y, const char *stage)
{
	char bar[8], below[8];
	sf__seq_colour(SHADE_BAR, bar);
	sf__seq_colour(SHADE_BELOW, below);
	return sf_buf_addf(
	        b,
	        "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"10\" fill=\"%s\"/>"
	        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"" MUTED "\">trucks %s, "
	        "at or above the commitment</text>"
	        "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"10\" fill=\"%s\"/>"
	        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"" MUTED "\">below it</text>"
	        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" INK
	        "\" stroke-width=\"1.5\"/>"
	        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"" MUTED "\">7-day mean</text>"
	        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" INK
	        "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
	        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"" MUTED
	        "\">commitment</text>\n",
	        AD_LEFT, y, bar, AD_LEFT + 18, y + 9, stage, AD_LEFT + 300, y, below, AD_LEFT + 318,
	        y + 9, AD_LEFT + 400, y + 5, AD_LEFT + 424, y + 5, AD_LEFT + 430, y + 9,
	        AD_LEFT + 520, y + 5, AD_LEFT + 548, y + 5, AD_LEFT + 554, y + 9);
}

/* The 7-day mean as polylines, broken where it is undefined. */
static sf_status aid_mean_line(const sf_aid_report *r, double slot, double ph, double ymax,
                               sf_buf *b)
{
	sf_status rc = SF_OK;
	int open = 0;
	for (size_t i = 0; i < r->ndays; i++) {
		double v = r->days[i].rolling7;
		if (isnan(v)) {
			if (open)
				rc |= sf_buf_adds(b, "\"/>\n");
			open = 0;
			continue;
		}
		rc |= sf_buf_addf(b, "%s%.1f,%.1f",
		                  open ? " "
		                       : "<polyline fill=\"none\" stroke=\"" INK
		                         "\" stroke-width=\"1.5\" points=\"",
		                  AD_LEFT + ((double)i + 0.5) * slot, AD_TOP + ph - v / ymax * ph);
		open = 1;
	}
	if (open)
		rc |= sf_buf_adds(b, "\"/>\n");
	return rc;
}

/*
 * The days of r the commitment was made for: [*i0, *i1). The line is drawn
 * over those days only (a 2025 commitment says nothing about 2023).
 */
static int commitment_span(const sf_aid_report *r, size_t *i0, size_t *i1)
{
	*i0 = 0;
	*i1 = r->ndays;
	while (*i0 < r->ndays && r->commitment_from != SF_DAY_NONE &&
	       r->days[*i0].day < r->commitment_from)
		(*i0)++;
	while (*i1 > *i0 && r->commitment_to != SF_DAY_NONE &&
	       r->days[*i1 - 1].day > r->commitment_to)
		(*i1)--;
	return r->commitment > 0 && *i1 > *i0;
}

sf_status sf__svg_aid_days(const sf_aid_report *r, sf_buf *b, sf_error *err)
{
	const char *stage = sf_aid_stage_str(r->stage);
	size_t c0, c1;
	int drawn = commitment_span(r, &c0, &c1);
	double pw = AD_W - AD_LEFT - AD_RIGHT, ph = AD_H - AD_TOP - AD_BOTTOM,
	       slot = r->ndays ? pw / (double)r->ndays : pw, ymax = drawn ? r->commitment : 0, step;
	int every = r->ndays > AD_SHORT_DAYS ? AD_LABEL_EVERY_LONG : AD_LABEL_EVERY_SHORT;
	char bar[8], below[8], ds[16];
	sf_status rc = SF_OK;

	for (size_t i = 0; i < r->ndays; i++) {
		if (r->days[i].has_data && (double)r->days[i].trucks[r->stage] > ymax)
			ymax = (double)r->days[i].trucks[r->stage];
	}
	step = sf__svg_nice_step(ymax, AD_TICKS);
	ymax = ceil(ymax / step) * step;
	if (!(ymax > 0))
		ymax = 1;
	sf__seq_colour(SHADE_BAR, bar);
	sf__seq_colour(SHADE_BELOW, below);

	rc |= sf_buf_addf(b,
	                  "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	                  "aria-label=\"Aid trucks %s per day as reported by ",
	                  AD_W, AD_H, stage);
	rc |= sf__svg_esc(b, r->source);
	rc |= sf_buf_addf(b,
	                  ", with the 7-day mean, against the commitment of %g trucks a day\" "
	                  "xmlns=\"http://www.w3.org/2000/svg\">\n<title>Aid trucks %s per day (",
	                  r->commitment, stage);
	rc |= sf__svg_esc(b, r->source);
	rc |= sf_buf_addf(b, ") against the commitment of %g a day</title>\n", r->commitment);
	for (double v = 0; v <= ymax + step / 2; v += step) {
		double y = AD_TOP + ph - v / ymax * ph;
		rc |= sf_buf_addf(b,
		                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		                  "stroke=\"" GRID
		                  "\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		                  "text-anchor=\"end\" fill=\"" MUTED "\">%.0f</text>\n",
		                  AD_LEFT, y, AD_LEFT + pw, y, AD_LEFT - 6, y + 4, v);
	}
	for (size_t i = 0; i < r->ndays; i++) {
		const sf_aid_day *d = &r->days[i];
		double x = AD_LEFT + (double)i * slot;
		sf__date_format(d->day, ds, sizeof ds);
		if (!d->has_data) {
			rc |= sf_buf_addf(
			        b,
			        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
			        "fill=\"" GAP "\"><title>%s: no figure</title></rect>\n",
			        x, AD_TOP, slot, ph, ds);
		} else {
			double v = (double)d->trucks[r->stage], bh = v / ymax * ph;
			if (bh < AD_MIN_BAR_H)
				bh = AD_MIN_BAR_H; /* a zero is a figure: seen, unlike a gap */
			rc |= sf_buf_addf(
			        b,
			        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
			        "fill=\"%s\"><title>%s: %ld trucks %s%s</title></rect>\n",
			        x + slot * (1 - AD_BAR_FILL) / 2, AD_TOP + ph - bh,
			        slot * AD_BAR_FILL, bh, d->below ? below : bar, ds,
			        d->trucks[r->stage], stage,
			        d->below ? ", below the commitment" : "");
		}
		if (i % (size_t)every == 0)
			rc |= sf_buf_addf(b,
			                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
			                  "text-anchor=\"middle\" fill=\"" MUTED "\">%s</text>\n",
			                  x + slot / 2, AD_TOP + ph + 15, ds);
	}
	rc |= aid_mean_line(r, slot, ph, ymax, b);
	if (drawn) {
		double y = AD_TOP + ph - r->commitment / ymax * ph;
		rc |= sf_buf_addf(b,
		                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		                  "stroke=\"" INK
		                  "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
		                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"" INK "\">"
		                  "commitment %g</text>\n",
		                  AD_LEFT + (double)c0 * slot, y, AD_LEFT + (double)c1 * slot, y,
		                  AD_LEFT + (double)c0 * slot + 4, y - 5, r->commitment);
	}
	rc |= sf_buf_addf(b,
	                  "<text x=\"14\" y=\"%.1f\" font-size=\"11\" fill=\"" MUTED "\" "
	                  "transform=\"rotate(-90 14 %.1f)\" text-anchor=\"middle\">trucks per "
	                  "day</text>\n",
	                  AD_TOP + ph / 2, AD_TOP + ph / 2);
	rc |= aid_legend(b, AD_H - 24, stage);
	rc |= sf_buf_adds(b, "</svg>\n");
	if (rc != SF_OK)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory drawing the aid chart");
	return SF_OK;
}

/* ---------------------------------------------------------------- */
/* Several aid sources side by side */

/* The n-th series' shade and dash: shades of the neutral scale and dash
 * patterns tell the lines apart, no source has a colour of its own. */
static const double SERIES_SHADE[] = {0.95, 0.55, 0.75, 0.35};
static const char *const SERIES_DASH[] = {"", "6 3", "8 3 2 3", "3 2"};
#define SERIES_STYLES 4
#define AS_LEGEND_ROW 16.0

/* The series' daily figures for all crossings as polylines, broken at a
 * day with no figure, with a dot per figure carrying its <title>. */
static sf_status series_line(const sf_aid_sources *r, size_t s, double slot, double ph, double ymax,
                             sf_buf *b)
{
	sf_status rc = SF_OK;
	char col[8], ds[16];
	const char *dash = SERIES_DASH[s % SERIES_STYLES];
	int open = 0;
	sf__seq_colour(SERIES_SHADE[s % SERIES_STYLES], col);
	for (size_t d = 0; d <= r->ndays; d++) {
		const sf_aid_cell *c =
		        d < r->ndays ? sf_aid_sources_cell(r, d, r->ncrossings, s) : NULL;
		if (c == NULL || !c->reported) {
			if (open)
				rc |= sf_buf_adds(b, "\"/>\n");
			open = 0;
			continue;
		}
		if (!open)
			rc |= sf_buf_addf(
			        b,
			        "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"%s%s%s "
			        "points=\"",
			        col, dash[0] ? " stroke-dasharray=\"" : "", dash,
			        dash[0] ? "\"" : "");
		rc |= sf_buf_addf(b, "%s%.1f,%.1f", open ? " " : "",
		                  AD_LEFT + ((double)d + 0.5) * slot,
		                  AD_TOP + ph - (double)c->trucks / ymax * ph);
		open = 1;
	}
	for (size_t d = 0; d < r->ndays; d++) {
		const sf_aid_cell *c = sf_aid_sources_cell(r, d, r->ncrossings, s);
		if (!c->reported)
			continue;
		sf__date_format(r->first_day + (long)d, ds, sizeof ds);
		rc |= sf_buf_addf(
		        b,
		        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\"><title>%s: %ld "
		        "trucks %s as ",
		        AD_LEFT + ((double)d + 0.5) * slot,
		        AD_TOP + ph - (double)c->trucks / ymax * ph, col, ds, c->trucks,
		        sf_aid_stage_str(r->series[s].stage));
		rc |= sf__svg_esc(b, r->series[s].source);
		rc |= sf_buf_adds(b, " reports them</title></circle>\n");
	}
	return rc;
}

/* A horizontal line over days [i0, i1) at v, dashed, with its label. */
static sf_status level_line(double v, size_t i0, size_t i1, double slot, double ph, double ymax,
                            const char *dash, const char *label, sf_buf *b)
{
	double y = AD_TOP + ph - v / ymax * ph;
	return sf_buf_addf(b,
	                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" INK
	                   "\" stroke-width=\"1.2\" stroke-dasharray=\"%s\"/>"
	                   "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"" INK
	                   "\">%s %g</text>\n",
	                   AD_LEFT + (double)i0 * slot, y, AD_LEFT + (double)i1 * slot, y, dash,
	                   AD_LEFT + (double)i0 * slot + 4, y - 5, label, v);
}

sf_status sf__svg_aid_sources(const sf_aid_sources *r, sf_buf *b, sf_error *err)
{
	double legend_h = AS_LEGEND_ROW * (double)(r->nseries + 1);
	double h = AD_H + legend_h - 24;
	double pw = AD_W - AD_LEFT - AD_RIGHT, ph = AD_H - AD_TOP - AD_BOTTOM;
	double slot = r->ndays ? pw / (double)r->ndays : pw, ymax = 0, step;
	int has_ref = isfinite(r->reference.trucks_per_day) && r->reference.trucks_per_day > 0;
	int every = r->ndays > AD_SHORT_DAYS ? AD_LABEL_EVERY_LONG : AD_LABEL_EVERY_SHORT;
	size_t c0 = 0, c1 = r->ndays;
	const sf_aid_commitment *cm = &r->commitment;
	char ds[16], col[8];
	sf_status rc = SF_OK;

	while (c0 < r->ndays && cm->from_day != SF_DAY_NONE &&
	       r->first_day + (long)c0 < cm->from_day)
		c0++;
	while (c1 > c0 && cm->to_day != SF_DAY_NONE && r->first_day + (long)c1 - 1 > cm->to_day)
		c1--;
	int drawn = cm->trucks_per_day > 0 && c1 > c0;
	if (drawn)
		ymax = cm->trucks_per_day;
	if (has_ref && r->reference.trucks_per_day > ymax)
		ymax = r->reference.trucks_per_day;
	for (size_t d = 0; d < r->ndays; d++)
		for (size_t s = 0; s < r->nseries; s++) {
			const sf_aid_cell *c = sf_aid_sources_cell(r, d, r->ncrossings, s);
			if (c->reported && (double)c->trucks > ymax)
				ymax = (double)c->trucks;
		}
	step = sf__svg_nice_step(ymax, AD_TICKS);
	ymax = ceil(ymax / step) * step;
	if (!(ymax > 0))
		ymax = 1;
	rc |= sf_buf_addf(
	        b,
	        "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	        "aria-label=\"Aid by source: trucks per day as each source reports them, one line "
	        "per source and stage, never added together\" "
	        "xmlns=\"http://www.w3.org/2000/svg\">\n<title>Aid trucks per day by "
	        "source and stage, side by side</title>\n",
	        AD_W, h);
	for (double v = 0; v <= ymax + step / 2; v += step) {
		double y = AD_TOP + ph - v / ymax * ph;
		rc |= sf_buf_addf(b,
		                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		                  "stroke=\"" GRID
		                  "\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		                  "text-anchor=\"end\" fill=\"" MUTED "\">%.0f</text>\n",
		                  AD_LEFT, y, AD_LEFT + pw, y, AD_LEFT - 6, y + 4, v);
	}
	for (size_t d = 0; d < r->ndays; d += (size_t)every) {
		sf__date_format(r->first_day + (long)d, ds, sizeof ds);
		rc |= sf_buf_addf(b,
		                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
		                  "text-anchor=\"middle\" fill=\"" MUTED "\">%s</text>\n",
		                  AD_LEFT + ((double)d + 0.5) * slot, AD_TOP + ph + 15, ds);
	}
	for (size_t s = 0; s < r->nseries; s++)
		rc |= series_line(r, s, slot, ph, ymax, b);
	if (has_ref)
		rc |= level_line(r->reference.trucks_per_day, 0, r->ndays, slot, ph, ymax, "1 4",
		                 "reference", b);
	if (drawn)
		rc |= level_line(cm->trucks_per_day, c0, c1, slot, ph, ymax, "6 4", "commitment",
		                 b);
	rc |= sf_buf_addf(b,
	                  "<text x=\"14\" y=\"%.1f\" font-size=\"11\" fill=\"" MUTED "\" "
	                  "transform=\"rotate(-90 14 %.1f)\" text-anchor=\"middle\">trucks per "
	                  "day</text>\n",
	                  AD_TOP + ph / 2, AD_TOP + ph / 2);
	/* the legend: one row per series, then the two levels */
	double y = AD_TOP + ph + 30;
	for (size_t s = 0; s < r->nseries; s++, y += AS_LEGEND_ROW) {
		const char *dash = SERIES_DASH[s % SERIES_STYLES];
		sf__seq_colour(SERIES_SHADE[s % SERIES_STYLES], col);
		rc |= sf_buf_addf(
		        b,
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		        "stroke-width=\"1.8\"%s%s%s/><text x=\"%.1f\" y=\"%.1f\" "
		        "font-size=\"11\" fill=\"" MUTED "\">",
		        AD_LEFT, y, AD_LEFT + 28, y, col, dash[0] ? " stroke-dasharray=\"" : "",
		        dash, dash[0] ? "\"" : "", AD_LEFT + 34, y + 4);
		rc |= sf__svg_esc(b, r->series[s].source);
		rc |= sf_buf_addf(b, ", trucks %s</text>\n", sf_aid_stage_str(r->series[s].stage));
	}
	rc |= sf_buf_addf(b,
	                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"" MUTED
	                  "\">dotted: the reference; dashed: the commitment, over the days it "
	                  "was made for; a break in a line: no figure that day</text>\n",
	                  AD_LEFT, y + 4);
	rc |= sf_buf_adds(b, "</svg>\n");
	if (rc != SF_OK)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory drawing the aid chart");
	return SF_OK;
}
