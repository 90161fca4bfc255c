/*
 * briefing_register.h - the register's sections of the briefing
 * (output/briefing_register.c): incidents per week by sector against the
 * mean of the 4 weeks before, and, for each source of aid figures, trucks
 * per day against the commitment.
 *
 * Built once from the store (the library's own reports: sf_incidents_report,
 * sf_incidents_write_report, sf_aid_build_report, sf_aid_write_report),
 * then written as markdown (headings, a paragraph each, the library's
 * tables) or as HTML (the same, with a chart between each paragraph and
 * its tables). The markdown and the HTML say the same.
 */
#ifndef STABFORCE_BRIEFING_REGISTER_H
#define STABFORCE_BRIEFING_REGISTER_H

#include "stabforce/buf.h"
#include "stabforce/error.h"
#include "stabforce/register.h"
#include "stabforce/scenario.h"

typedef struct sf__breg sf__breg;

/* The sections over the `weeks` weeks to each register's latest figure;
 * sector names from sc; note (NULL or "": none) a paragraph of plain text
 * under the register's heading. */
sf_status sf__breg_build(sf_store *st, const sf_scenario *sc, int weeks,
                         const sf_aid_commitment *commitment, const sf_aid_reference *reference,
                         const char *note, sf__breg **out, sf_error *err);
void sf__breg_free(sf__breg *r);
sf_status sf__breg_markdown(const sf__breg *r, sf_buf *out, sf_error *err);
sf_status sf__breg_html(const sf__breg *r, sf_buf *out, sf_error *err);

#endif
