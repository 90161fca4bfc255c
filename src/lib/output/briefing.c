/*
 * briefing.c - the printable briefing (briefing.h): markdown, one HTML
 * page with the pictures, and that page printed to PDF.
 *
 * The briefing is three pieces of markdown kept apart: the head (title and
 * where the figures come from), how to read it, and the body (the plan's
 * tables from sf_plan_write_markdown, then each analysis's tables from its
 * own writer, each under its heading with a paragraph saying what it is).
 * The markdown form is the three one after the other. The HTML form
 * renders the same three through cmark-gfm (output/markdown.c) and puts
 * between the intro and the body what a reader looks at first: the key
 * figures (with the solver's proven status), the build-up chart, the
 * coverage heat maps and the sector map (output/svg.c). So the HTML can
 * never say something the markdown does not; the pictures draw the same
 * plan the tables list. With a register, its sections come last in both
 * forms (output/briefing_register.c), each chart above the tables that
 * hold its figures.
 *
 * The PDF is the HTML printed by headless Chromium (the one program the
 * library starts for it, through base/spawn.c): the page is written to a
 * private directory (mkdtemp) in the caller's temporary directory
 * (options.temp_dir: the CLI's $TMPDIR) with a throw-away browser profile,
 * printed there, and the PDF is then copied to its destination
 * atomically; the directory goes, whatever happened, before return. The
 * page has no script and names no other file or address, so the browser
 * has nothing to fetch; it is also started with every background service
 * off, as a browser on a machine with no network must be.
 */
#define _XOPEN_SOURCE 700 /* nftw() */
#include "base/internal.h"
#include "base/tolerance.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/dates.h"
#include "base/spawn.h"
#include "output/briefing_register.h"
#include "output/markdown.h"
#include "output/svg.h"
#include "scenario/geo.h"
#include "stabforce/briefing.h"
#include "stabforce/file.h"

#define DEFAULT_PDF_TIMEOUT_S 120.0
#define DEFAULT_REGISTER_WEEKS 12
/* Trucks a day: the commitment of the October 2025 ceasefire (design, register.md). */
#define DEFAULT_AID_COMMITMENT 600.0
/* The day that ceasefire took effect: the commitment is not applied before. */
#define DEFAULT_AID_COMMITMENT_FROM "2025-10-10"
/* A briefing PDF is a few hundred kilobytes; this is far above. */
#define PDF_MAX_BYTES ((size_t)256 << 20)
/* Below this a capability shortfall is rounding, not a shortfall. */

struct sf_briefing {
	const sf_scenario *sc;
	sf_briefing_options o;
	char run_date[16];
	char version[64];
	sf_plan *plan;
	sf__geo *geo;       /* NULL when the map cannot be read (then no map) */
	char map_note[256]; /* why there is no map */
	sf_buf head;        /* markdown */
	sf_buf intro;
	sf_buf body;
	sf__breg *reg; /* the register's sections, NULL without a register */
};

void sf_briefing_options_init(sf_briefing_options *o)
{
	memset(o, 0, sizeof(*o));
	sf_analysis_options_init(&o->analysis);
	o->analyses = 1;
	o->risk_samples = SF_BRIEFING_RISK_SAMPLES;
	o->risk_seed = 1;
	o->pdf_timeout_seconds = DEFAULT_PDF_TIMEOUT_S;
	o->register_weeks = DEFAULT_REGISTER_WEEKS;
	o->aid_commitment = DEFAULT_AID_COMMITMENT;
	if (sf_date_parse(DEFAULT_AID_COMMITMENT_FROM, &o->aid_commitment_from) != 0)
		o->aid_commitment_from = SF_DAY_NONE;
	o->aid_commitment_to = SF_DAY_NONE;
	o->aid_reference = NAN;
}

void sf_briefing_free(sf_briefing *b)
{
	if (b == NULL)
		return;
	sf_plan_free(b->plan);
	sf__geo_free(b->geo);
	sf_buf_release(&b->head);
	sf_buf_release(&b->intro);
	sf_buf_release(&b->body);
	sf__breg_free(b->reg);
	free(b);
}

/* ------------------------------------------------------------------ */
/* Markdown                                                             */

static const char intro_text[] =
        "## How to read this briefing\n\n"
        "The plan is the exact optimum of the model in stabforce's docs/model.md: first the "
        "least weighted shortfall of capability against the requirements, then, at that "
        "shortfall, the least cost. The key figures say whether the solver proved it optimal "
        "or stopped early, and with what gap. It assumes every pledge arrives in the month "
        "the scenario gives and stays to the end of its period, whatever its confidence (the "
        "risk section, when present, drops that assumption). Requirements are in capability "
        "units, from the planning norms the scenario states. A shortfall is capability the "
        "pledges cannot provide; full operational capability (FOC) is the first month from "
        "which no task is short anywhere to the end of the mandate (\"never\" is a finding, "
        "not an error). Costs are in the scenario's money per unit and month.\n";

static const char intro_vetoes[] =
        "Each hard veto lifted alone, each soft veto made hard and each stakeholder's "
        "condition (consent, sequencing) lifted alone, and the plan solved again: a negative "
        "change in shortfall is the capability the veto or condition keeps out of the force. "
        "A price is a capability effect, not a judgement: it says what the force could do "
        "without the veto or condition, not whether the party that holds it is right, and "
        "every party's vetoes and conditions are priced the same way.";
static const char intro_caveats[] =
        "Each condition a contributor puts on a pledge lifted alone: what it costs the force. "
        "A zero means the plan would not use the unit differently without it.";
static const char intro_critical[] =
        "Each contributor removed alone: how much capability the force would lose.";
static const char intro_shopping[] =
        "Requested units of each type, with no caveats and not under any veto, added where "
        "the pledges fall short; each line is a capability to request at a force-generation "
        "conference, with the shortfall it removes. In format 2 a requested unit arrives no "
        "earlier than the facts' date plus the notice stated below and stays at least its "
        "unit type's minimum stay, so a line may last longer than the shortfall it fills; "
        "larger units are asked for before many small ones. docs/shopping.md says how to "
        "read the list.";

/* Append md to out, moving its first "**Baseline**" line (when baseline
 * is set) to after every level-2 heading, and putting after the heading
 * whose text contains key[i] the paragraph intro[i]. */
static sf_status add_with_intros(sf_buf *out, const char *md, const char *const *key,
                                 const char *const *intro, size_t n, int baseline)
{
	const char *p = md, *base = NULL;
	size_t base_len = 0;
	sf_status rc = SF_OK;

	if (baseline) {
		base = strstr(md, "**Baseline**");
		if (base != NULL)
			base_len = strcspn(base, "\n");
	}
	while (*p && rc == SF_OK) {
		size_t len = strcspn(p, "\n");
		int nl = p[len] == '\n';
		if (base != NULL && p == base) {
			p += len + nl;
			while (*p == '\n')
				p++;
			continue;
		}
		rc |= sf_buf_add(out, p, len + nl);
		if (len > 3 && strncmp(p, "## ", 3) == 0) {
			for (size_t i = 0; i < n; i++) {
				char head[256];
				sf_snprintf(head, sizeof(head), "%.*s", (int)len, p);
				if (strstr(head, key[i]) != NULL) {
					rc |= sf_buf_addf(out, "\n%s\n", intro[i]);
					break;
				}
			}
			if (base != NULL)
				rc |= sf_buf_addf(out, "\n%.*s\n", (int)base_len, base);
		}
		p += len + nl;
	}
	return rc;
}

static sf_status add_failed(sf_buf *out, const char *title, const sf_error *e)
{
	char msg[SF_ERROR_MESSAGE_MAX + 64];
	sf_error_format(e, msg, sizeof(msg));
	return sf_buf_addf(out, "\n## %s\n\nNot computed: %s.\n", title, msg);
}

/* One progress line through the caller's step callback, if any. */
static void step(const sf_briefing *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void step(const sf_briefing *b, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	if (b->o.step == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	b->o.step(b->o.step_ctx, line);
}

static sf_status analyses_md(sf_briefing *b, sf_error *err)
{
	const sf_scenario *sc = b->sc;
	const sf_pricing_kind kinds[] = {SF_PRICING_VETOES, SF_PRICING_CAVEATS,
	                                 SF_PRICING_CONTRIBUTORS};
	sf_pricing *pr[3] = {NULL, NULL, NULL};
	sf_shopping *shop = NULL;
	sf_risk *risk = NULL;
	sf_buf md;
	sf_error e;
	sf_status rc = SF_OK;

	sf_risk_options ro;
	double t0 = sf__now();

	sf_buf_init(&md, 0);
	sf_error_clear(&e);
	step(b, "the price of each veto, caveat and contributor");
	if (sf_pricing_run_many(sc, kinds, 3, &b->o.analysis, pr, &e) == SF_OK &&
	    sf_pricing_write_many((const sf_pricing *const *)pr, 3, SF_FORMAT_MD, &md, &e) ==
	            SF_OK) {
		static const char *const keys[] = {"veto", "caveat", "contributor"};
		static const char *const intros[] = {intro_vetoes, intro_caveats, intro_critical};
		rc |= sf_buf_adds(&b->body, "\n");
		rc |= add_with_intros(&b->body, sf_buf_str(&md), keys, intros, 3, 1);
	} else {
		rc |= add_failed(&b->body, "Price of each veto, each caveat, each contributor", &e);
	}

	step(b, "the prices: done in %.1f s; the shopping list", sf__now() - t0);
	t0 = sf__now();
	sf_buf_reset(&md);
	sf_error_clear(&e);
	if (sf_shopping_run(sc, &b->o.analysis, &shop, &e) == SF_OK &&
	    sf_shopping_write(shop, SF_FORMAT_MD, &md, &e) == SF_OK) {
		static const char *const keys[] = {""};
		static const char *const intros[] = {intro_shopping};
		rc |= sf_buf_adds(&b->body, "\n");
		rc |= add_with_intros(&b->body, sf_buf_str(&md), keys, intros, 1, 0);
	} else {
		rc |= add_failed(&b->body, "What to ask contributors for", &e);
	}

	sf_buf_reset(&md);
	sf_error_clear(&e);
	step(b, "the shopping list: done in %.1f s", sf__now() - t0);
	if (b->o.risk_samples > 0) {
		sf_risk_options_init(&ro);
		ro.samples = b->o.risk_samples;
		ro.seed = b->o.risk_seed;
		ro.no_pairs = b->o.risk_no_pairs;
		t0 = sf__now();
		step(b, "risk: %zu samples%s", ro.samples,
		     ro.no_pairs ? " (no contributor pairs)"
		                 : ", each contributor planned present and absent");
		if (sf_risk_run_opts(sc, &ro, &b->o.analysis, &risk, &e) == SF_OK &&
		    sf_risk_write(risk, SF_FORMAT_MD, &md, &e) == SF_OK) {
			char intro[320];
			static const char *const keys[] = {""};
			const char *intros[1];
			sf_snprintf(
			        intro, sizeof(intro),
			        "%zu samples in which each pledge materialises with its confidence "
			        "and "
			        "may start late by up to its delay. The plan above assumes every "
			        "pledge comes on time.",
			        b->o.risk_samples);
			intros[0] = intro;
			rc |= sf_buf_adds(&b->body, "\n");
			rc |= add_with_intros(&b->body, sf_buf_str(&md), keys, intros, 1, 0);
		} else {
			rc |= add_failed(&b->body, "Risk: pledges that may not come", &e);
		}
		step(b, "risk: done in %.1f s", sf__now() - t0);
	}
	for (size_t i = 0; i < 3; i++)
		sf_pricing_free(pr[i]);
	sf_shopping_free(shop);
	sf_risk_free(risk);
	sf_buf_release(&md);
	if (rc != SF_OK)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the briefing");
	return SF_OK;
}

/*
 * What the facts' date means for this briefing: a warning when they are
 * older than the run (anything reported since is not in the plan), and
 * in format 2 which months are recorded and which planned.
 */
static sf_status freshness_md(sf_briefing *b)
{
	const sf_scenario *sc = b->sc;
	sf_status rc = SF_OK;
	long as_of, run;
	char l1[16], l2[16], l3[16], l4[16];

	if (sc->as_of && sf__date_parse(sc->as_of, &as_of) == 0 &&
	    sf__date_parse(b->run_date, &run) == 0 && run > as_of)
		rc |= sf_buf_addf(
		        &b->head,
		        "- **Warning: the facts are %ld day%s older than this run** (as of "
		        "%s, run %s): nothing reported since is in this plan; update the "
		        "scenario and its `as_of` before acting on it\n",
		        run - as_of, run - as_of == 1 ? "" : "s", sc->as_of, b->run_date);
	if (sc->format >= 2 && sc->a0 > 1)
		rc |= sf_buf_addf(
		        &b->head,
		        "- Months %s .. %s are recorded (what `deployed:` says was on the "
		        "ground); %s .. %s are planned\n",
		        sf_scenario_month_label(sc, 1, l1, sizeof(l1)),
		        sf_scenario_month_label(sc, sc->a0 - 1, l2, sizeof(l2)),
		        sf_scenario_month_label(sc, sc->a0, l3, sizeof(l3)),
		        sf_scenario_month_label(sc, sc->months, l4, sizeof(l4)));
	else if (sc->format >= 2)
		rc |= sf_buf_adds(&b->head, "- Every month is planned (nothing is recorded before "
		                            "the month of as_of)\n");
	return rc;
}

static sf_status head_md(sf_briefing *b)
{
	const sf_scenario *sc = b->sc;
	sf_status rc = SF_OK;
	char sources[4096];
	const char *slash = sc->path ? strrchr(sc->path, '/') : NULL;

	if (slash != NULL)
		sf_snprintf(sources, sizeof(sources), "%.*s/SOURCES.md", (int)(slash - sc->path),
		            sc->path);
	else
		sf_strlcpy(sources, "SOURCES.md", sizeof(sources));
	rc |= sf_buf_addf(&b->head, "# %s: force plan briefing\n\n",
	                  sc->name ? sc->name : "Scenario");
	rc |= sf_buf_addf(&b->head, "- Scenario: `%s`\n", sc->path ? sc->path : "(in memory)");
	rc |= sf_buf_addf(&b->head, "- Facts as of: %s (later reports are not included)\n",
	                  sc->as_of ? sc->as_of : "not stated");
	rc |= sf_buf_addf(&b->head, "- Plan run: %s, %s\n", b->run_date, b->version);
	rc |= freshness_md(b);
	if (access(sources, R_OK) == 0)
		rc |= sf_buf_addf(
		        &b->head,
		        "- Sources: every figure with its source and date, or the assumption "
		        "behind it, in `%s`\n",
		        sources);
	else
		rc |= sf_buf_adds(&b->head,
		                  "- Sources: the `source` fields of the scenario file\n");
	return rc;
}

sf_status sf_briefing_build(const sf_scenario *sc, const sf_briefing_options *o, sf_briefing **out,
                            sf_error *err)
{
	sf_briefing *b;
	sf_diags diags;
	sf_status rc;

	*out = NULL;
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	b->sc = sc;
	if (o != NULL)
		b->o = *o;
	else
		sf_briefing_options_init(&b->o);
	sf_buf_init(&b->head, 0);
	sf_buf_init(&b->intro, 0);
	sf_buf_init(&b->body, 0);
	if (b->o.run_date != NULL) {
		sf_strlcpy(b->run_date, b->o.run_date, sizeof(b->run_date));
	} else {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(b->run_date, sizeof(b->run_date), "%Y-%m-%d", &tm);
	}
	sf_snprintf(b->version, sizeof(b->version), "%s",
	            b->o.version ? b->o.version : "stabforce " STABFORCE_VERSION);

	rc = sf_plan_solve(sc, &b->o.analysis.plan, &b->plan, err);
	if (rc != SF_OK)
		goto fail;

	/* The map: its own read of the GeoJSON, with GEOS geometry kept. */
	sf_diags_init(&diags);
	if (sc->geojson_path == NULL) {
		sf_strlcpy(b->map_note, "the scenario has no sector map", sizeof(b->map_note));
	} else if (sf__geo_load(sc->geojson_path, sc->id_property ? sc->id_property : "id", &b->geo,
	                        &diags) != SF_OK) {
		b->geo = NULL;
		sf_snprintf(b->map_note, sizeof(b->map_note), "the sector map '%s' cannot be read",
		            sc->geojson_path);
	}
	sf_diags_release(&diags);

	rc = SF_ERR_NOMEM;
	if (head_md(b) != SF_OK || sf_buf_adds(&b->intro, intro_text) != SF_OK ||
	    sf_plan_write_markdown(b->plan, &b->body, err) != SF_OK) {
		sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the briefing");
		goto fail;
	}
	if (b->o.analyses) {
		rc = analyses_md(b, err);
		if (rc != SF_OK)
			goto fail;
	}
	if (b->o.store != NULL) {
		const sf_aid_commitment c = {b->o.aid_commitment, b->o.aid_commitment_from,
		                             b->o.aid_commitment_to};
		const sf_aid_reference ref = {b->o.aid_reference, b->o.aid_reference_what};
		rc = sf__breg_build(b->o.store, sc, b->o.register_weeks, &c, &ref,
		                    b->o.register_note, &b->reg, err);
		if (rc != SF_OK)
			goto fail;
	}
	*out = b;
	return SF_OK;
fail:
	sf_briefing_free(b);
	return rc;
}

sf_status sf_briefing_write_markdown(const sf_briefing *b, sf_buf *out, sf_error *err)
{
	if (sf_buf_add(out, b->head.data, b->head.len) != SF_OK ||
	    sf_buf_adds(out, "\n") != SF_OK ||
	    sf_buf_add(out, b->intro.data, b->intro.len) != SF_OK ||
	    sf_buf_adds(out, "\n") != SF_OK || sf_buf_add(out, b->body.data, b->body.len) != SF_OK)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the briefing");
	return b->reg != NULL ? sf__breg_markdown(b->reg, out, err) : SF_OK;
}

/* ------------------------------------------------------------------ */
/* HTML                                                                 */

static const char page_css[] =
        "@page{size:A4;margin:14mm 13mm}"
        "body{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;font-size:10pt;"
        "line-height:1.4;color:#1d1f2b;margin:0 auto;max-width:60rem;padding:0 1rem}"
        "h1{font-size:17pt;margin:0 0 .4rem}"
        "h2{font-size:13pt;margin:1.3rem 0 .4rem;border-bottom:1px solid #d9d9e3;"
        "padding-bottom:.15rem;break-after:avoid}"
        "h3{font-size:10.5pt;margin:.9rem 0 .3rem;break-after:avoid}"
        "h4{font-size:9.5pt;margin:.7rem 0 .2rem;break-after:avoid}"
        "header ul{list-style:none;padding:0;margin:0 0 .6rem;color:#5b5e70}"
        "code{font-size:9pt}"
        "table{border-collapse:collapse;font-size:8pt;margin:.3rem 0 .7rem;break-inside:auto}"
        "tr{break-inside:avoid}"
        "th,td{padding:.12rem .4rem;border-bottom:1px solid #d9d9e3;vertical-align:top}"
        "th{border-bottom:1.5px solid #1d1f2b;text-align:left}"
        "td[align=right],th[align=right]{font-variant-numeric:tabular-nums}"
        "dl.figures{display:grid;grid-template-columns:repeat(3,1fr);gap:.4rem;margin:.5rem 0}"
        "dl.figures div{border:1px solid #d9d9e3;border-radius:4px;padding:.3rem .5rem;"
        "background:#f6f6f9}"
        "dl.figures dt{font-size:8pt;color:#5b5e70}"
        "dl.figures dd{margin:0;font-size:13pt;font-weight:bold}"
        "dl.figures dd small{font-size:8pt;font-weight:normal;color:#5b5e70}"
        ".status{padding:.35rem .6rem;border-radius:4px;margin:.4rem 0;border:1px solid}"
        ".status.ok{background:#e6f2ea;border-color:#b9d8c3;color:#1d5a34}"
        ".status.warn{background:#fff4d6;border-color:#ecd08a;color:#6b4c00}"
        "figure{margin:.6rem 0 1rem;break-inside:avoid}"
        "figcaption{font-size:8.5pt;color:#5b5e70;margin-top:.2rem}"
        "svg{width:100%;height:auto;font-family:inherit}"
        ".two{display:grid;grid-template-columns:3fr 2fr;gap:1rem;align-items:center}";

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

static void month_label(const sf_scenario *sc, int m, char buf[16])
{
	int k = (sc->start_month - 1) + (m - 1);
	sf_snprintf(buf, 16, "%04d-%02d", sc->start_year + k / 12, k % 12 + 1);
}

/* "12,345,678" */
static sf_status key_figures(const sf_briefing *b, sf_buf *out)
{
	const sf_plan *p = b->plan;
	const sf_scenario *sc = b->sc;
	/* stage 1 proven (not merely within a stage-1 gap), stage 2 within its gap */
	int proven = sf_stage_proven(p->stage1.status, p->stage1.gap) &&
	             p->stage2.status == SF_SOLVE_OPTIMAL;
	double total_short = 0, peak = 0;
	int peak_m = 1, short_tasks = 0;
	char num[40], lab[16];
	sf_status rc = SF_OK;

	for (size_t t = 0; t < sc->ntasks; t++) {
		double s = 0;
		for (size_t l = 0; l < SF_NLOC(sc); l++)
			for (int m = 1; m <= sc->months; m++)
				s += p->shortfall[SF_COV(sc, t, l, m)];
		total_short += s;
		short_tasks += s > SF_TOL_SHORTFALL;
	}
	for (int m = 1; m <= sc->months; m++) {
		if (p->personnel_in_sectors[m - 1] > peak) {
			peak = p->personnel_in_sectors[m - 1];
			peak_m = m;
		}
	}
	if (proven && p->stage2.gap <= 0)
		rc |= sf_buf_adds(out, "<p class=\"status ok\"><strong>Proven optimal.</strong> "
		                       "Both stages were solved to proven optimality: no plan "
		                       "of these pledges has less shortfall, or the same "
		                       "shortfall for less.</p>\n");
	else if (proven)
		/* Stage 2 stopped at the gap asked for: the cost is proven within it,
		 * not optimal, and the box says so rather than "optimal". */
		rc |= sf_buf_addf(
		        out,
		        "<p class=\"status ok\"><strong>Proven optimal shortfall, cost within "
		        "%.2f%%.</strong> Stage 1 was solved to proven optimality, stage 2 to a "
		        "proven gap of %.2f%% (the gap asked for): no plan of these pledges has "
		        "less shortfall, and none with the same shortfall costs more than "
		        "%.2f%% less.</p>\n",
		        100 * p->stage2.gap, 100 * p->stage2.gap, 100 * p->stage2.gap);
	else
		rc |= sf_buf_addf(
		        out,
		        "<p class=\"status warn\"><strong>Not proven optimal.</strong> Stage 1: "
		        "%s, gap %.2f%%; stage 2: %s, gap %.2f%%. A better plan may exist.</p>\n",
		        sf_solve_status_str(p->stage1.status), 100 * p->stage1.gap,
		        sf_solve_status_str(p->stage2.status), 100 * p->stage2.gap);
	rc |= sf_buf_adds(out, "<dl class=\"figures\">\n");
	if (p->foc_month > 0) {
		month_label(sc, p->foc_month, lab);
		rc |= sf_buf_addf(
		        out, "<div><dt>Full operational capability</dt><dd>%s</dd></div>\n", lab);
	} else {
		rc |= sf_buf_adds(out, "<div><dt>Full operational capability</dt><dd>never "
		                       "<small>within the mandate</small></dd></div>\n");
	}
	rc |= sf_buf_addf(
	        out,
	        "<div><dt>Shortfall over the mandate</dt><dd>%s <small>capability-unit-months, "
	        "%d of %zu tasks short</small></dd></div>\n",
	        sf_money_str(total_short, num, sizeof num), short_tasks, sc->ntasks);
	month_label(sc, peak_m, lab);
	rc |= sf_buf_addf(out, "<div><dt>Peak personnel in sectors</dt><dd>%s ",
	                  sf_money_str(peak, num, sizeof num));
	rc |= sf_buf_addf(out, "<small>in %s, ceiling %s</small></dd></div>\n", lab,
	                  sf_money_str(sc->troop_ceiling, num, sizeof num));
	rc |= sf_buf_addf(out, "<div><dt>Cost of the plan</dt><dd>%s</dd></div>\n",
	                  sf_money_str(p->cost_total, num, sizeof num));
	rc |= sf_buf_addf(out, "<div><dt>Weighted shortfall (stage 1)</dt><dd>%.2f</dd></div>\n",
	                  p->z1);
	rc |= sf_buf_addf(
	        out, "<div><dt>Solve time</dt><dd>%.1f s <small>%s %s</small></dd></div>\n",
	        p->seconds, sf_solver_display_name(p->solver), sf_solver_version(p->solver));
	rc |= sf_buf_adds(out, "</dl>\n");
	return rc;
}

static sf_status pictures(const sf_briefing *b, sf_buf *out, sf_error *err)
{
	sf_status rc = SF_OK;
	rc |= sf_buf_adds(
	        out, "<section class=\"pictures\">\n<h2>The plan in pictures</h2>\n<figure>\n");
	if (rc != SF_OK || sf__svg_buildup(b->plan, out, err) != SF_OK)
		return err->code ? err->code : SF_ERR_NOMEM;
	rc |= sf_buf_adds(out,
	                  "<figcaption>Force build-up: personnel inside sectors per month, by "
	                  "contributor (colours stand for no party: they follow the scenario's "
	                  "order of contributors), against the troop ceiling. The table is under "
	                  "\"Force build-up\" below.</figcaption>\n</figure>\n<figure>\n");
	if (rc != SF_OK || sf__svg_heat_tasks(b->plan, out, err) != SF_OK)
		return err->code ? err->code : SF_ERR_NOMEM;
	rc |= sf_buf_adds(out,
	                  "<figcaption>Coverage by task: each cell is the percentage of the "
	                  "task's requirement covered that month, over every sector; the darker "
	                  "the cell, the more is missing.</figcaption>\n</figure>\n"
	                  "<figure class=\"two\">\n");
	if (b->geo != NULL) {
		if (sf__svg_map(b->plan, b->geo, out, err) != SF_OK)
			return err->code;
		rc |= sf_buf_adds(out,
		                  "<figcaption>Sector map: each sector shaded by the share of its "
		                  "requirement (every task, weighted by its priority) not covered "
		                  "over the whole mandate. The map is as schematic as the "
		                  "scenario's GeoJSON.</figcaption>\n");
	} else {
		rc |= sf_buf_addf(out, "<p>No map: %s.</p>\n", b->map_note);
	}
	rc |= sf_buf_adds(out, "</figure>\n<figure>\n");
	if (rc != SF_OK || sf__svg_heat_sectors(b->plan, out, err) != SF_OK)
		return err->code ? err->code : SF_ERR_NOMEM;
	rc |= sf_buf_adds(out, "<figcaption>Coverage by sector: the percentage of each sector's "
	                       "requirement covered, every task weighted by its priority as in the "
	                       "plan's first stage.</figcaption>\n</figure>\n</section>\n");
	return rc == SF_OK ? SF_OK : SF_ERR_NOMEM;
}

sf_status sf_briefing_write_html(const sf_briefing *b, sf_buf *out, sf_error *err)
{
	sf_status rc = SF_OK;
	rc |= sf_buf_adds(
	        out, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	             "<title>");
	rc |= esc(out, b->sc->name ? b->sc->name : "Scenario");
	rc |= sf_buf_addf(out,
	                  ": force plan briefing</title>\n<style>%s</style>\n</head>\n<body>\n"
	                  "<header>\n",
	                  page_css);
	if (rc != SF_OK)
		goto oom;
	if (sf__markdown_to_html(b->head.data, b->head.len, out, err) != SF_OK)
		return err->code;
	rc |= sf_buf_adds(out, "</header>\n");
	rc |= key_figures(b, out);
	if (rc != SF_OK)
		goto oom;
	if (sf__markdown_to_html(b->intro.data, b->intro.len, out, err) != SF_OK)
		return err->code;
	rc = pictures(b, out, err);
	if (rc != SF_OK)
		return err->code ? err->code
		                 : sf_error_set(err, rc, "out of memory writing the briefing");
	if (sf__markdown_to_html(b->body.data, b->body.len, out, err) != SF_OK)
		return err->code;
	if (b->reg != NULL && sf__breg_html(b->reg, out, err) != SF_OK)
		return err->code;
	if (sf_buf_adds(out, "</body>\n</html>\n") != SF_OK)
		goto oom;
	return SF_OK;
oom:
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the briefing");
}

/* ------------------------------------------------------------------ */
/* PDF                                                                  */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path); /* best effort: a left-over temporary file is no error */
	return 0;
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *find_chromium(const sf_briefing *b, char *buf, size_t n)
{
	const char *names[] = {b->o.chromium, "chromium", "chromium-browser", "google-chrome"};
	if (b->o.chromium != NULL)
		return sf__spawn_which(names, 1, buf, n);
	return sf__spawn_which(names + 1, SF_ARRAY_LEN(names) - 1, buf, n);
}

sf_status sf_briefing_write_pdf(const sf_briefing *b, const char *path, sf_error *err)
{
	const char *tmp = b->o.temp_dir && *b->o.temp_dir ? b->o.temp_dir : "/tmp";
	char dir[PATH_MAX], prog[4096], html_path[PATH_MAX + 32], pdf_path[PATH_MAX + 32],
	        profile[PATH_MAX + 64], url[PATH_MAX + 48], print_arg[PATH_MAX + 64];
	sf_buf html, output;
	sf__spawn_result res;
	char *pdf = NULL;
	size_t pdf_len = 0;
	int made_dir = 0;
	sf_status rc;

	sf_buf_init(&html, 0);
	sf_buf_init(&output, 0);
	if (find_chromium(b, prog, sizeof(prog)) == NULL) {
		if (b->o.chromium != NULL)
			rc = sf_error_set(err, SF_ERR_IO,
			                  "no Chromium to print the PDF with: '%s' is not an "
			                  "executable program",
			                  b->o.chromium);
		else
			rc = sf_error_set(
			        err, SF_ERR_IO,
			        "no Chromium to print the PDF with: install the chromium "
			        "package (scripts/bootstrap does) or set STABFORCE_CHROMIUM "
			        "to its path");
		goto out;
	}
	rc = sf_briefing_write_html(b, &html, err);
	if (rc != SF_OK)
		goto out;
	if ((size_t)sf_snprintf(dir, sizeof(dir), "%s/stabforce-pdf-XXXXXX", tmp) >= sizeof(dir)) {
		rc = sf_error_set(err, SF_ERR_USAGE,
		                  "the temporary directory '%.200s...' is too long a path", tmp);
		goto out;
	}
	if (mkdtemp(dir) == NULL) {
		rc = sf_error_set(err, SF_ERR_IO,
		                  "cannot make a directory to print the PDF in, in the temporary "
		                  "directory '%s': %s",
		                  tmp, strerror(errno));
		goto out;
	}
	made_dir = 1;
	sf_snprintf(html_path, sizeof(html_path), "%s/briefing.html", dir);
	sf_snprintf(pdf_path, sizeof(pdf_path), "%s/briefing.pdf", dir);
	sf_snprintf(profile, sizeof(profile), "--user-data-dir=%s/profile", dir);
	sf_snprintf(url, sizeof(url), "file://%s", html_path);
	sf_snprintf(print_arg, sizeof(print_arg), "--print-to-pdf=%s", pdf_path);
	rc = sf_file_write_atomic(html_path, html.data, html.len, err);
	if (rc != SF_OK)
		goto out;
	{
		/* Headless, no GPU, and every background service off: a browser
		 * on a machine without network must not try to reach one. The
		 * sandbox needs an unprivileged user; as root Chromium refuses to
		 * start with it, and the page it prints is our own. */
		const char *argv[] = {prog,
		                      "--headless",
		                      "--disable-gpu",
		                      "--disable-quic",
		                      "--no-first-run",
		                      "--no-default-browser-check",
		                      "--disable-background-networking",
		                      "--disable-component-update",
		                      "--disable-sync",
		                      "--disable-extensions",
		                      "--disable-features=MediaRouter,OptimizationHints",
		                      "--no-pdf-header-footer",
		                      profile,
		                      print_arg,
		                      geteuid() == 0 ? "--no-sandbox" : "--disable-dev-shm-usage",
		                      url,
		                      NULL};
		rc = sf__spawn_run(argv,
		                   b->o.pdf_timeout_seconds > 0 ? b->o.pdf_timeout_seconds
		                                                : DEFAULT_PDF_TIMEOUT_S,
		                   &output, &res, err);
		if (rc != SF_OK)
			goto out;
	}
	if (res.timed_out || !res.exited || res.exit_code != 0) {
		char how[64];
		const char *tail = output.len ? output.data : "";
		size_t tl = strlen(tail);
		if (res.timed_out)
			sf_snprintf(how, sizeof(how), "took longer than %.0f s and was stopped",
			            b->o.pdf_timeout_seconds);
		else if (res.exited)
			sf_snprintf(how, sizeof(how), "exited with status %d", res.exit_code);
		else
			sf_snprintf(how, sizeof(how), "was killed by signal %d", res.signal);
		rc = sf_error_set(err, SF_ERR_IO, "%s %s printing the briefing%s%s", prog, how,
		                  tl ? ": " : "", tl > 300 ? tail + tl - 300 : tail);
		goto out;
	}
	rc = sf_file_read(pdf_path, PDF_MAX_BYTES, "PDF", &pdf, &pdf_len, err);
	if (rc != SF_OK)
		goto out;
	if (pdf_len < 5 || memcmp(pdf, "%PDF-", 5) != 0) {
		rc = sf_error_set(err, SF_ERR_IO, "%s wrote no PDF", prog);
		goto out;
	}
	rc = sf_file_write_atomic(path, pdf, pdf_len, err);
out:
	free(pdf);
	if (made_dir)
		rm_tree(dir);
	sf_buf_release(&html);
	sf_buf_release(&output);
	return rc;
}
