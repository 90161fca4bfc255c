/*
 * briefing.h - the printable briefing: one document a planner sends to the
 * people who will not run stabforce themselves (`stabforce report`).
 *
 * A briefing is built once (sf_briefing_build: the plan and, unless turned
 * off, the analyses: the price of each veto, caveat and contributor, the
 * shopping list, risk) and written in any of three forms that say the same:
 *   - markdown: a header, how to read it, the plan's tables, the
 *     analyses' tables, each section with a paragraph saying what it is,
 *     then, with a register (o->store), incidents per week by sector and
 *     aid per day against the commitment;
 *   - HTML: one self-contained page (no script, no file or address outside
 *     it) with the key figures, the build-up chart, the coverage heat maps
 *     and the sector map drawn as SVG, then the markdown's sections (the
 *     register's each with its chart);
 *   - PDF: that page printed by headless Chromium (A4), for e-mail.
 * docs/output.md ("Briefing") says what each section holds.
 *
 * Memory: the briefing owns its plan, analyses and text, and points to the
 * scenario (not owned: keep it alive); sf_briefing_free() releases it.
 */
#ifndef STABFORCE_BRIEFING_H
#define STABFORCE_BRIEFING_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "buf.h"
#include "error.h"
#include "register.h"
#include "scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Risk samples of the briefing by default. Each sample plans every
 * contributor present and absent (about 1 + contributors solves), so 50
 * already gives intervals narrow enough to rank the contributors whose
 * effect is clear; the rest are listed as not distinguishable at that
 * number (docs/output.md, "Briefing").
 */
#define SF_BRIEFING_RISK_SAMPLES 50

typedef struct sf_briefing_options {
	sf_analysis_options analysis; /* solver options, workers, progress */
	int analyses;                 /* 1 (default): price, shopping and risk; 0: the plan only */
	size_t risk_samples;          /* default SF_BRIEFING_RISK_SAMPLES */
	uint64_t risk_seed;           /* default 1 */
	/* 1: risk samples only, no contributor planned present and absent on
	 * each draw (1 solve a sample instead of about 1 + contributors; no
	 * per-contributor figures). Default 0. */
	int risk_no_pairs;
	/* Called (when not NULL) as each part of the briefing starts and ends,
	 * with one line of text ("price of each veto, caveat and contributor:
	 * 31 plans", "... done in 12.3 s"): the progress of a run that takes
	 * minutes, for a log as well as a terminal. */
	void (*step)(void *ctx, const char *line);
	void *step_ctx;
	const char *run_date; /* "YYYY-MM-DD" printed as the run's date; NULL: today (UTC) */
	const char *version;  /* printed with the run's date; NULL: "stabforce VERSION" */
	/* The Chromium program for the PDF (a path, or a name looked up in
	 * PATH), and only that one; NULL looks for chromium, chromium-browser,
	 * google-chrome in PATH. (The CLI sets it from --chromium or
	 * STABFORCE_CHROMIUM: the library reads no environment variable.) */
	const char *chromium;
	double pdf_timeout_seconds; /* default 120 */
	/* Where the PDF is printed: a fresh directory (mkdtemp) is made in
	 * it for the page, the PDF and the browser's profile, and removed
	 * with everything in it on every return. NULL: "/tmp". (The CLI
	 * passes $TMPDIR, else /tmp: the library reads no environment.) */
	const char *temp_dir;
	/* The register (borrowed, NULL: none): the briefing then adds its
	 * sections, incidents per week by sector against the mean of the 4
	 * weeks before, and aid trucks per day against the commitment, one
	 * section per source of aid figures, each with its chart. */
	sf_store *store;
	int register_weeks; /* weeks those sections cover, default 12 */
	/* Trucks per day, default 600 (the October 2025 ceasefire's), and the
	 * days it was made for: from 2025-10-10 (the ceasefire took effect),
	 * open-ended, by default. Other days are not compared with it. */
	double aid_commitment;
	long aid_commitment_from, aid_commitment_to; /* SF_DAY_NONE: open */
	/* A reference level of aid trucks per day (the pre-war daily average),
	 * drawn dotted in "Aid sources side by side" with aid_reference_what
	 * (what it is and its source); NAN (the default): none. */
	double aid_reference;
	const char *aid_reference_what;
	/* A paragraph of plain text under the register's heading, before its
	 * sections: where its figures come from (a sample, a feed), NULL or
	 * "" = none. */
	const char *register_note;
} sf_briefing_options;

void sf_briefing_options_init(sf_briefing_options *o);

typedef struct sf_briefing sf_briefing;

/*
 * Plan sc and run the analyses o asks for. An analysis that fails is left
 * out with a line saying why (the briefing of a plan is still worth
 * sending); a plan that fails is an error.
 */
sf_status sf_briefing_build(const sf_scenario *sc, const sf_briefing_options *o, sf_briefing **out,
                            sf_error *err);
void sf_briefing_free(sf_briefing *b);

sf_status sf_briefing_write_markdown(const sf_briefing *b, sf_buf *out, sf_error *err);
sf_status sf_briefing_write_html(const sf_briefing *b, sf_buf *out, sf_error *err);
/*
 * Print the HTML to a PDF at path (atomically: the old file stays until
 * the new one is whole). SF_ERR_IO when Chromium cannot be found, fails,
 * or takes longer than the timeout (it is then killed with its children).
 */
sf_status sf_briefing_write_pdf(const sf_briefing *b, const char *path, sf_error *err);

#ifdef __cplusplus
}
#endif
#endif
