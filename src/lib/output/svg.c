/*
 * svg.c - the briefing's pictures as SVG (svg.h).
 *
 * Hand-drawn because they are few and fixed: a stacked bar chart, two
 * heat maps and a map of a handful of polygons. Drawing them here keeps
 * the briefing one self-contained file with no script, which is what
 * headless Chromium prints to PDF and what a reader opens offline.
 *
 * Geometry of every chart is in named constants below (pixels of the SVG's
 * own coordinate system; the page scales the SVG to its width). Text is
 * escaped for XML; numbers are written with a fixed number of decimals so
 * that the same plan gives the same bytes.
 *
 * The map projects lon/lat on an equirectangular grid scaled by the cosine
 * of the middle latitude: at the size of a sector map (tens of kilometres)
 * the distortion is invisible, and no projection library is needed.
 */
#include "base/internal.h"
#include "base/tolerance.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output/svg.h"

/* Build-up chart */
#define BU_W 760.0
#define BU_H 320.0
#define BU_LEFT 64.0
#define BU_RIGHT 150.0
#define BU_TOP 16.0
#define BU_BOTTOM 44.0
#define BU_BAR_FILL 0.78 /* share of a month's slot the bar takes */
#define BU_TICKS 5

/* Heat maps */
#define HEAT_LABEL_MIN_W 120.0
#define HEAT_CHAR_W 7.0 /* width of one character of a 12 px label, about */
#define HEAT_CELL_W 34.0
#define HEAT_CELL_H 22.0
#define HEAT_TOP 40.0
#define HEAT_LEGEND_H 34.0

/* Map */
#define MAP_W 420.0
#define MAP_H 460.0
#define MAP_PAD 16.0

/* Below this, a requirement counts as none (capability units). */
/* Above this share of dark fill, cell text is written in white. */
#define DARK_TEXT_AT 0.55

/* A categorical palette of distinguishable, muted colours that belong to no
 * flag in particular; assigned in the scenario's contributor order. */
static const char *const palette[] = {
        "#4e79a7", "#f28e2b", "#76b7b2", "#b07aa1", "#edc948", "#9c755f",
        "#bab0ac", "#59a14f", "#ff9da7", "#e15759", "#86bcb6", "#d4a6c8",
};

const char *sf__palette(size_t i)
{
	return palette[i % SF_ARRAY_LEN(palette)];
}

void sf__seq_colour(double t, char buf[8])
{
	/* From a light grey-violet to a deep violet, linear in sRGB. */
	static const double lo[3] = {0xf2, 0xf0, 0xf7}, hi[3] = {0x3f, 0x00, 0x7d};
	int c[3];
	if (!(t > 0))
		t = 0;
	if (t > 1)
		t = 1;
	for (int k = 0; k < 3; k++)
		c[k] = (int)lround(lo[k] + (hi[k] - lo[k]) * t);
	sf_snprintf(buf, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
}

static sf_status esc(sf_buf *b, const char *s)
{
	sf_status rc = SF_OK;
	for (; s != NULL && *s && rc == SF_OK; s++) {
		switch (*s) {
		case '&':
			rc = sf_buf_adds(b, "&amp;");
			break;
		case '<':
			rc = sf_buf_adds(b, "&lt;");
			break;
		case '>':
			rc = sf_buf_adds(b, "&gt;");
			break;
		case '"':
			rc = sf_buf_adds(b, "&quot;");
			break;
		default:
			rc = sf_buf_addc(b, *s);
			break;
		}
	}
	return rc;
}

static const char *month_label(const sf_scenario *sc, int m, char buf[16])
{
	int k = (sc->start_month - 1) + (m - 1);
	sf_snprintf(buf, 16, "%04d-%02d", sc->start_year + k / 12, k % 12 + 1);
	return buf;
}

static const char *loc_name(const sf_scenario *sc, size_t l)
{
	return l == SF_MISSION(sc) ? "Mission-wide" : sc->sectors[l].name;
}

double sf__short_share(const sf_plan *p, size_t t, size_t s, int m)
{
	const sf_scenario *sc = p->scenario;
	double req = 0, shortfall = 0;
	for (size_t ti = 0; ti < sc->ntasks; ti++) {
		double w = t == (size_t)-1 ? sc->tasks[ti].weight : 1.0;
		if (t != (size_t)-1 && ti != t)
			continue;
		for (size_t l = 0; l < SF_NLOC(sc); l++) {
			if (s != (size_t)-1 && l != s)
				continue;
			for (int mm = 1; mm <= sc->months; mm++) {
				size_t k;
				if (m != 0 && mm != m)
					continue;
				k = SF_COV(sc, ti, l, mm);
				req += w * p->required[k];
				shortfall += w * p->shortfall[k];
			}
		}
	}
	return req > SF_TOL_ROUNDING ? shortfall / req : -1;
}

sf_status sf__svg_esc(sf_buf *b, const char *s)
{
	return esc(b, s);
}

double sf__svg_nice_step(double max, int n)
{
	double raw = max / n, mag, f;
	if (!(raw > 0))
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
}

/* A round step for an axis from 0 to max with about n ticks. */
static double nice_step(double max, int n)
{
	return sf__svg_nice_step(max, n);
}

/* "12,345" */
static const char *thousands(double v, char buf[32])
{
	char tmp[32];
	long x = lround(v);
	size_t n, o = 0;
	int neg = x < 0;
	sf_snprintf(tmp, sizeof(tmp), "%ld", neg ? -x : x);
	n = strlen(tmp);
	if (neg)
		buf[o++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

sf_status sf__svg_buildup(const sf_plan *p, sf_buf *b, sf_error *err)
{
	const sf_scenario *sc = p->scenario;
	const int M = sc->months;
	double ymax = sc->troop_ceiling, step, pw = BU_W - BU_LEFT - BU_RIGHT,
	       ph = BU_H - BU_TOP - BU_BOTTOM, slot = pw / M;
	size_t shown = 0;
	char lab[16], num[32];
	sf_status rc = SF_OK;

	for (int m = 0; m < M; m++) {
		if (p->personnel_in_sectors[m] > ymax)
			ymax = p->personnel_in_sectors[m];
	}
	step = nice_step(ymax, BU_TICKS);
	ymax = ceil(ymax / step) * step;
	if (!(ymax > 0))
		ymax = 1;

	rc |= sf_buf_addf(b,
	                  "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	                  "aria-label=\"Personnel inside sectors by contributor, per month, with "
	                  "the troop ceiling\" xmlns=\"http://www.w3.org/2000/svg\">\n"
	                  "<title>Force build-up: personnel inside sectors by contributor, per "
	                  "month</title>\n",
	                  BU_W, BU_H);
	/* Grid and y axis */
	for (double v = 0; v <= ymax + step / 2; v += step) {
		double y = BU_TOP + ph - v / ymax * ph;
		rc |= sf_buf_addf(
		        b,
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		        "stroke=\"#d9d9e3\"/>"
		        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" "
		        "fill=\"#5b5e70\">%s</text>\n",
		        BU_LEFT, y, BU_LEFT + pw, y, BU_LEFT - 6, y + 4, thousands(v, num));
	}
	/* Bars: one stack per month, contributors in scenario order */
	for (int m = 1; m <= M; m++) {
		double x = BU_LEFT + (m - 1) * slot + slot * (1 - BU_BAR_FILL) / 2, y0 = 0;
		for (size_t c = 0; c < sc->ncontributors; c++) {
			double v = p->personnel_by_contributor[c * (size_t)M + (size_t)(m - 1)], h;
			if (!(v > 0))
				continue;
			h = v / ymax * ph;
			rc |= sf_buf_addf(
			        b,
			        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			        "fill=\"%s\"><title>",
			        x, BU_TOP + ph - (y0 + v) / ymax * ph, slot * BU_BAR_FILL, h,
			        sf__palette(c));
			rc |= esc(b, sc->contributors[c].name);
			rc |= sf_buf_addf(b, ", %s: %s</title></rect>\n", month_label(sc, m, lab),
			                  thousands(v, num));
			y0 += v;
		}
		if (m == 1 || m == M || (m - 1) % 3 == 0)
			rc |= sf_buf_addf(b,
			                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
			                  "text-anchor=\"middle\" fill=\"#5b5e70\">%s</text>\n",
			                  BU_LEFT + (m - 0.5) * slot, BU_TOP + ph + 16,
			                  month_label(sc, m, lab));
	}
	/* Ceiling */
	if (sc->troop_ceiling > 0) {
		double y = BU_TOP + ph - sc->troop_ceiling / ymax * ph;
		rc |= sf_buf_addf(
		        b,
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		        "stroke=\"#1d1f2b\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
		        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#1d1f2b\">"
		        "ceiling %s</text>\n",
		        BU_LEFT, y, BU_LEFT + pw, y, BU_LEFT + 4, y - 5,
		        thousands(sc->troop_ceiling, num));
	}
	rc |= sf_buf_addf(b,
	                  "<text x=\"14\" y=\"%.1f\" font-size=\"11\" fill=\"#5b5e70\" "
	                  "transform=\"rotate(-90 14 %.1f)\" text-anchor=\"middle\">personnel in "
	                  "sectors</text>\n",
	                  BU_TOP + ph / 2, BU_TOP + ph / 2);
	/* Legend: contributors with any personnel */
	for (size_t c = 0; c < sc->ncontributors; c++) {
		double any = 0, y;
		for (int m = 0; m < M; m++)
			any += p->personnel_by_contributor[c * (size_t)M + (size_t)m];
		if (!(any > 0))
			continue;
		y = BU_TOP + 4 + (double)shown * 17;
		rc |= sf_buf_addf(
		        b,
		        "<rect x=\"%.1f\" y=\"%.1f\" width=\"11\" height=\"11\" fill=\"%s\"/>"
		        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">",
		        BU_W - BU_RIGHT + 16, y, sf__palette(c), BU_W - BU_RIGHT + 32, y + 10);
		rc |= esc(b, sc->contributors[c].name);
		rc |= sf_buf_adds(b, "</text>\n");
		shown++;
	}
	rc |= sf_buf_adds(b, "</svg>\n");
	if (rc != SF_OK)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory drawing the build-up");
	return SF_OK;
}

/* The legend of a heat map under its grid at y. */
static sf_status heat_legend(sf_buf *b, double x, double y, int with_none)
{
	sf_status rc = SF_OK;
	char col[8];
	for (int k = 0; k <= 10; k++) {
		sf__seq_colour(k / 10.0, col);
		rc |= sf_buf_addf(
		        b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"10\" fill=\"%s\"/>",
		        x + 150 + k * 16, y, col);
	}
	rc |= sf_buf_addf(b,
	                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#5b5e70\">"
	                  "share not covered</text>"
	                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#5b5e70\">0%%</text>"
	                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#5b5e70\" "
	                  "text-anchor=\"end\">100%%</text>\n",
	                  x, y + 9, x + 150, y + 22, x + 150 + 11 * 16, y + 22);
	if (with_none)
		rc |= sf_buf_addf(
		        b,
		        "<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"10\" "
		        "fill=\"#ffffff\" stroke=\"#d9d9e3\"/><text x=\"%.1f\" y=\"%.1f\" "
		        "font-size=\"11\" fill=\"#5b5e70\">nothing required</text>\n",
		        x + 350, y, x + 372, y + 9);
	return rc;
}

/* One heat map: rows given by count and a callback for the label and the
 * share of row r in month m. */
typedef struct heat_rows {
	size_t n;
	const char *(*label)(const sf_plan *p, size_t r);
	double (*share)(const sf_plan *p, size_t r, int m);
} heat_rows;

static sf_status heat(const sf_plan *p, const heat_rows *rows, const char *title, const char *aria,
                      sf_buf *b, sf_error *err)
{
	const sf_scenario *sc = p->scenario;
	const int M = sc->months;
	double label_w = HEAT_LABEL_MIN_W, w,
	       h = HEAT_TOP + (double)rows->n * HEAT_CELL_H + HEAT_LEGEND_H;
	char lab[16], col[8];
	sf_status rc = SF_OK;

	for (size_t r = 0; r < rows->n; r++) {
		double lw = (double)strlen(rows->label(p, r)) * HEAT_CHAR_W + 12;
		if (lw > label_w)
			label_w = lw;
	}
	w = label_w + M * HEAT_CELL_W + 8;

	rc |= sf_buf_addf(
	        b,
	        "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	        "aria-label=\"%s\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>%s</title>\n",
	        w, h, aria, title);
	for (int m = 1; m <= M; m++) {
		double x = label_w + (m - 0.5) * HEAT_CELL_W;
		rc |= sf_buf_addf(
		        b,
		        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"start\" "
		        "fill=\"#5b5e70\" transform=\"rotate(-45 %.1f %.1f)\">%s</text>\n",
		        x - 4, HEAT_TOP - 6, x - 4, HEAT_TOP - 6, month_label(sc, m, lab));
	}
	for (size_t r = 0; r < rows->n; r++) {
		double y = HEAT_TOP + (double)r * HEAT_CELL_H;
		rc |= sf_buf_addf(
		        b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">",
		        label_w - 8, y + HEAT_CELL_H * 0.68);
		rc |= esc(b, rows->label(p, r));
		rc |= sf_buf_adds(b, "</text>\n");
		for (int m = 1; m <= M; m++) {
			double s = rows->share(p, r, m), x = label_w + (m - 1) * HEAT_CELL_W;
			if (s < 0) {
				rc |= sf_buf_addf(b,
				                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				                  "height=\"%.1f\" "
				                  "fill=\"#ffffff\" stroke=\"#d9d9e3\"><title>",
				                  x, y, HEAT_CELL_W, HEAT_CELL_H);
				rc |= esc(b, rows->label(p, r));
				rc |= sf_buf_addf(b, ", %s: nothing required</title></rect>\n",
				                  month_label(sc, m, lab));
				continue;
			}
			sf__seq_colour(s, col);
			rc |= sf_buf_addf(
			        b,
			        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			        "fill=\"%s\" stroke=\"#ffffff\"><title>",
			        x, y, HEAT_CELL_W, HEAT_CELL_H, col);
			rc |= esc(b, rows->label(p, r));
			rc |= sf_buf_addf(b,
			                  ", %s: %.0f%% covered</title></rect>"
			                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
			                  "text-anchor=\"middle\" fill=\"%s\">%.0f</text>\n",
			                  month_label(sc, m, lab), 100 * (1 - s),
			                  x + HEAT_CELL_W / 2, y + HEAT_CELL_H * 0.68,
			                  s > DARK_TEXT_AT ? "#ffffff" : "#1d1f2b", 100 * (1 - s));
		}
	}
	rc |= heat_legend(b, 8, HEAT_TOP + (double)rows->n * HEAT_CELL_H + 14, 1);
	rc |= sf_buf_adds(b, "</svg>\n");
	if (rc != SF_OK)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory drawing a heat map");
	return SF_OK;
}

static const char *task_label(const sf_plan *p, size_t r)
{
	return p->scenario->tasks[r].name;
}

static double task_share(const sf_plan *p, size_t r, int m)
{
	return sf__short_share(p, r, (size_t)-1, m);
}

sf_status sf__svg_heat_tasks(const sf_plan *p, sf_buf *out, sf_error *err)
{
	heat_rows rows = {p->scenario->ntasks, task_label, task_share};
	return heat(p, &rows, "Coverage by task and month (percentage of the requirement covered)",
	            "Heat map of the percentage of each task's requirement covered, by month", out,
	            err);
}

static const char *sector_label(const sf_plan *p, size_t r)
{
	return loc_name(p->scenario, r);
}

static double sector_share(const sf_plan *p, size_t r, int m)
{
	return sf__short_share(p, (size_t)-1, r, m);
}

sf_status sf__svg_heat_sectors(const sf_plan *p, sf_buf *out, sf_error *err)
{
	const sf_scenario *sc = p->scenario;
	/* The mission-wide row only when something is required there. */
	heat_rows rows = {sc->nsectors, sector_label, sector_share};
	if (sf__short_share(p, (size_t)-1, SF_MISSION(sc), 0) >= 0)
		rows.n++;
	return heat(p, &rows,
	            "Coverage by sector and month, every task weighted by its priority "
	            "(percentage covered)",
	            "Heat map of the percentage of each sector's weighted requirement covered, by "
	            "month",
	            out, err);
}

/* ---- the map ---- */

typedef struct map_ctx {
	double minlon, maxlat, kx, ky, scale, ox, oy;
	sf_buf *b;
	sf_status rc;
} map_ctx;

static void project(const map_ctx *mc, double lon, double lat, double *x, double *y)
{
	*x = mc->ox + (lon - mc->minlon) * mc->kx * mc->scale;
	*y = mc->oy + (mc->maxlat - lat) * mc->ky * mc->scale;
}

static int ring_path(void *ctx, const double *xy, size_t n)
{
	map_ctx *mc = ctx;
	for (size_t k = 0; k < n; k++) {
		double x, y;
		project(mc, xy[2 * k], xy[2 * k + 1], &x, &y);
		mc->rc |= sf_buf_addf(mc->b, "%s%.1f,%.1f", k == 0 ? "M" : "L", x, y);
	}
	mc->rc |= sf_buf_adds(mc->b, "Z");
	return mc->rc == SF_OK ? 0 : -1;
}

sf_status sf__svg_map(const sf_plan *p, const sf__geo *g, sf_buf *b, sf_error *err)
{
	const sf_scenario *sc = p->scenario;
	double minlon, minlat, maxlon, maxlat, w, h;
	map_ctx mc;
	char col[8];

	if (!sf__geo_bbox(g, &minlon, &minlat, &maxlon, &maxlat))
		return sf_error_set(err, SF_ERR_SCENARIO, "the sector map has no polygon to draw");
	memset(&mc, 0, sizeof(mc));
	mc.b = b;
	mc.minlon = minlon;
	mc.maxlat = maxlat;
	mc.kx = cos((minlat + maxlat) / 2 * 3.14159265358979323846 / 180.0);
	mc.ky = 1;
	w = (maxlon - minlon) * mc.kx;
	h = maxlat - minlat;
	mc.scale = fmin((MAP_W - 2 * MAP_PAD) / (w > 0 ? w : 1),
	                (MAP_H - 2 * MAP_PAD) / (h > 0 ? h : 1));
	mc.ox = (MAP_W - w * mc.scale) / 2;
	mc.oy = (MAP_H - h * mc.scale) / 2;

	mc.rc |= sf_buf_addf(b,
	                     "<svg class=\"map\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	                     "aria-label=\"Map of the sectors, each shaded by the share of its "
	                     "weighted requirement not covered over the mandate\" "
	                     "xmlns=\"http://www.w3.org/2000/svg\">\n"
	                     "<title>Sectors by share of the requirement not covered over the "
	                     "mandate</title>\n",
	                     MAP_W, MAP_H);
	for (size_t i = 0; i < sf__geo_count(g); i++) {
		long s = -1;
		double share;
		for (size_t k = 0; k < sc->nsectors; k++) {
			if (strcmp(sc->sectors[k].id, sf__geo_id(g, i)) == 0)
				s = (long)k;
		}
		share = s >= 0 ? sf__short_share(p, (size_t)-1, (size_t)s, 0) : -1;
		if (share >= 0)
			sf__seq_colour(share, col);
		else
			sf_strlcpy(col, "#ffffff", sizeof(col));
		mc.rc |= sf_buf_addf(b,
		                     "<path fill=\"%s\" stroke=\"#1d1f2b\" stroke-width=\"1\" "
		                     "fill-rule=\"evenodd\" d=\"",
		                     col);
		if (sf__geo_rings(g, i, ring_path, &mc) != 0)
			return sf_error_set(err, mc.rc != SF_OK ? SF_ERR_NOMEM : SF_ERR_SCENARIO,
			                    "cannot draw sector '%s'", sf__geo_id(g, i));
		mc.rc |= sf_buf_adds(b, "\"><title>");
		mc.rc |= esc(b, s >= 0 ? sc->sectors[s].name : sf__geo_id(g, i));
		if (share >= 0)
			mc.rc |= sf_buf_addf(b, ": %.0f%% not covered", 100 * share);
		mc.rc |= sf_buf_adds(b, "</title></path>\n");
	}
	for (size_t i = 0; i < sf__geo_count(g); i++) {
		double lon, lat, x, y, share = -1;
		long s = -1;
		for (size_t k = 0; k < sc->nsectors; k++) {
			if (strcmp(sc->sectors[k].id, sf__geo_id(g, i)) == 0)
				s = (long)k;
		}
		if (sf__geo_label_point(g, i, &lon, &lat) != 0)
			continue;
		if (s >= 0)
			share = sf__short_share(p, (size_t)-1, (size_t)s, 0);
		project(&mc, lon, lat, &x, &y);
		mc.rc |= sf_buf_addf(
		        b,
		        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" font-weight=\"bold\" "
		        "text-anchor=\"middle\" fill=\"%s\" stroke=\"%s\" "
		        "stroke-width=\"3\" paint-order=\"stroke\">",
		        x, y, "#1d1f2b", "#ffffff");
		mc.rc |= esc(b, s >= 0 ? sc->sectors[s].name : sf__geo_id(g, i));
		if (share >= 0)
			mc.rc |= sf_buf_addf(b,
			                     "<tspan x=\"%.1f\" dy=\"14\" font-weight=\"normal\">"
			                     "%.0f%% short</tspan>",
			                     x, 100 * share);
		mc.rc |= sf_buf_adds(b, "</text>\n");
	}
	mc.rc |= heat_legend(b, 8, MAP_H - 24, 0);
	mc.rc |= sf_buf_adds(b, "</svg>\n");
	if (mc.rc != SF_OK)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory drawing the map");
	return SF_OK;
}
