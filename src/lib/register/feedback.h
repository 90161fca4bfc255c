/*
 * feedback.h - writing what sf_scenario_apply_register() took from the
 * registers into a plan's outputs (internal; feedback.c). The plan's text,
 * markdown and JSON writers call these so that every plan names the inputs
 * that came from the register (docs/output.md, `register_inputs`).
 */
#ifndef STABFORCE_FEEDBACK_H
#define STABFORCE_FEEDBACK_H

#include <jansson.h>

#include "base/internal.h"

/* The `register_inputs` array (empty when none); NULL when out of memory. */
json_t *sf__register_inputs_json(const sf_scenario *sc);

/*
 * The section "Inputs from the register (STORE)" with one row per input,
 * text or markdown (md = 1); nothing when the scenario took none.
 */
sf_status sf__register_inputs_text(const sf_scenario *sc, sf_buf *out, int md);

#endif
