/*
 * scenario.h - a stabilization-force scenario in memory (formats 1 and 2).
 *
 * sf_scenario_load() reads a scenario YAML file and the sector GeoJSON it
 * names, checks everything scenario-format.md and docs/scenario-format.md
 * say, and either returns a scenario that is fully resolved (every id
 * reference turned into an index, every month reference into 1..M, every
 * caveat into a mask) or returns SF_ERR_SCENARIO with every problem it found
 * listed in the sf_diags, each with file, line, column and key path.
 *
 * Indexing conventions used everywhere in libstabforce:
 *   - months are 1..M (month 1 = mandate.start);
 *   - locations are 0..nsectors-1 for the sectors, in file order, and
 *     SF_MISSION(sc) == nsectors for the one `mission` location;
 *   - tasks, unit types, contributors, pledges, stakeholders and vetoes are
 *     0-based indices into their arrays, in file order.
 *
 * Memory: a scenario owns all its memory (one arena); sf_scenario_free()
 * releases it. sf_scenario_clone() gives an independent deep copy that
 * what-if analyses may edit: the `active` flags, masks, counts and months
 * below are meant to be changed in a clone, and sf_scenario_add_pledge() /
 * sf_scenario_add_veto() append. The planner reads only these fields, so an
 * edited clone plans exactly like a file that says the same.
 */
#ifndef STABFORCE_SCENARIO_H
#define STABFORCE_SCENARIO_H

#include <stddef.h>

#include "buf.h"
#include "error.h"
#include "format.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sf_scope { SF_SCOPE_SECTOR = 0, SF_SCOPE_MISSION = 1 } sf_scope;

typedef enum sf_req_kind {
	SF_REQ_PER = 0,      /* attributes[per] / every */
	SF_REQ_VALUE = 1,    /* the same number in every open sector (or once, mission) */
	SF_REQ_BY_SECTOR = 2 /* a number per sector; unlisted sectors need 0 */
} sf_req_kind;

typedef enum sf_veto_kind { SF_VETO_HARD = 0, SF_VETO_SOFT = 1 } sf_veto_kind;

/*
 * Format 2: a pledge's readiness level in the UN Peacekeeping Capability
 * Readiness System, mapped to days of notice by the scenario's `readiness:`
 * table (sf_scenario.readiness_days; defaults in docs/scenario-format.md).
 */
typedef enum sf_readiness {
	SF_READINESS_NONE = 0, /* not given (lead_days, or no notice) */
	SF_READINESS_RDL = 1,  /* Rapid Deployment Level */
	SF_READINESS_LEVEL3 = 2,
	SF_READINESS_LEVEL2 = 3,
	SF_READINESS_LEVEL1 = 4
} sf_readiness;
#define SF_NREADINESS 5

/* "rdl", "level3", "level2", "level1" ("" for SF_READINESS_NONE). */
const char *sf_readiness_str(sf_readiness r);

/*
 * What a pledge rests on, from its `status` list in the file (the latest
 * report before as_of; docs/scenario-format.md): flags, 0 = a plain report.
 * Analyses mark the rows that rest on such pledges; the planner ignores it.
 */
enum {
	SF_PLEDGE_ASSUMED = 1u << 0,       /* "assumed": its count or existence is an assumption */
	SF_PLEDGE_SINGLE_SOURCE = 1u << 1, /* "single_source": one report, unconfirmed */
	SF_PLEDGE_CONTESTED = 1u << 2,     /* "contested": reports disagree or it is disputed */
	SF_PLEDGE_ON_HOLD = 1u << 3        /* "on_hold": reported suspended */
};
#define SF_PLEDGE_NSTATUS 4

/* The file's word for flag i (0 <= i < SF_PLEDGE_NSTATUS): "assumed", ... */
const char *sf_pledge_status_word(int i);
/* flags as text, "single source, on hold" ("" for 0), into buf of n bytes. */
const char *sf_pledge_status_str(unsigned flags, char *buf, size_t n);

/* Where a node was in the scenario file, for messages about it later. */
typedef struct sf_srcpos {
	int line;   /* 1-based, 0 when the object was made in memory */
	int column; /* 1-based */
} sf_srcpos;

typedef struct sf_attr {
	char *name;
	double value;
} sf_attr;

typedef struct sf_sector {
	char *id;
	char *name;     /* defaults to id */
	int opens;      /* first month the force may operate there, 1..M */
	sf_attr *attrs; /* attributes in file order */
	size_t nattrs;
	double threat;        /* attributes.threat, default 1 */
	double area_km2_geom; /* area of the GeoJSON polygon, km^2 (geodesic approx.) */
	sf_srcpos pos;
	/* `threat: from_register`: sf_scenario_apply_register() sets threat
	 * (1 until then); the attribute is not in attrs. */
	int threat_from_register;
} sf_sector;

/* How contingent-owned equipment is reimbursed (UN COE system). */
typedef enum sf_lease {
	SF_LEASE_NONE = 0, /* no rate given: no equipment reimbursement */
	SF_LEASE_WET = 1,  /* the contributor maintains the equipment */
	SF_LEASE_DRY = 2   /* the mission maintains it */
} sf_lease;

/* The categories of the UN Uniformed Gender Parity Strategy 2018-2028. */
typedef enum sf_category {
	SF_CATEGORY_CONTINGENT = 0, /* military contingents (troops) */
	SF_CATEGORY_STAFF = 1,      /* military observers and staff officers */
	SF_CATEGORY_FPU = 2,        /* formed police units */
	SF_CATEGORY_IPO = 3,        /* individual police officers */
	SF_NCATEGORIES = 4
} sf_category;

/* A share of women not given (women_share). */
#define SF_NO_SHARE (-1.0)

/* "military_contingent", "staff_officer", "formed_police", "individual_police". */
const char *sf_category_str(sf_category c);
/* "military contingents", ... (for tables). */
const char *sf_category_label(sf_category c);
/* "wet", "dry", or "none". */
const char *sf_lease_str(sf_lease l);

typedef struct sf_unit_type {
	char *id;
	char *name;
	int personnel;       /* persons per unit, > 0 */
	double monthly_cost; /* money per unit per month, >= 0 */
	double deploy_cost;  /* money per arrival of one unit; default monthly_cost */
	double *capability;  /* [ntasks]: capability units delivered per unit, >= 0 */
	sf_srcpos pos;
	/* Format 2 (docs/scenario-format.md gives the defaults; format 1
	 * leaves them at their defaults and the planner ignores them). */
	int min_stay_months; /* a unit that arrives stays at least this long, >= 1 */
	double move_cost;    /* money per unit moved between locations, > 0 */
	double retask_cost;  /* money per unit changing task in its location, <= move_cost */
	double change_cost;  /* money per unit-month differing from a baseline plan */
	/* Reimbursement and parity, both formats (docs/scenario-format.md,
	 * "Reimbursement and parity"). */
	sf_lease coe_lease;   /* SF_LEASE_NONE: no `coe` given */
	double coe_monthly;   /* contingent-owned equipment, money per unit per month */
	char *coe_source;     /* the rate's source, or "assumption: why" */
	sf_category category; /* the parity strategy's category (default: contingent) */
	double women_share;   /* 0..1; SF_NO_SHARE: not given */
	char *women_source;   /* the share's source, or "assumption: why" */
} sf_unit_type;

typedef struct sf_ramp_step {
	int from;     /* month 1..M */
	double level; /* multiplier from that month on */
} sf_ramp_step;

typedef struct sf_task {
	char *id;
	char *name;
	sf_scope scope;
	double weight; /* > 0: priority of one capability-unit-month missing */
	sf_req_kind req_kind;
	char *req_per;         /* SF_REQ_PER: attribute name */
	double req_every;      /* SF_REQ_PER: divisor, > 0 */
	double req_value;      /* SF_REQ_VALUE */
	double *req_by_sector; /* SF_REQ_BY_SECTOR: [nsectors], 0 where not listed */
	sf_ramp_step *ramp;    /* sorted by from; NULL/0 means level 1 throughout */
	size_t nramp;
	sf_srcpos pos;
	/* `requirement: {from_aid: {...}}`: req_kind is SF_REQ_VALUE and
	 * sf_scenario_apply_register() sets req_value (0 until then) to the
	 * mean trucks entered per day over the window / trucks_per_escort. */
	int req_from_aid;
	double aid_trucks_per_escort; /* > 0, default 50 */
	int aid_window_days;          /* >= 1, default 7 */
	char *aid_source;             /* the aid source counted; NULL = the only one there is */
	int aid_has_default;          /* 1: aid_default is used when there is no figure */
	double aid_default;           /* the requirement without figures, >= 0 */
} sf_task;

typedef struct sf_pledge {
	char *id;               /* "<contributor>-<n>" unless given */
	size_t contributor;     /* index */
	size_t unit;            /* index into unit_types */
	int count;              /* units offered, >= 1 */
	int from, to;           /* months, 1 <= from <= to <= M */
	double confidence;      /* probability it materialises, [0,1], default 1 */
	int delay_months;       /* risk analysis: from delayed by 0..delay_months */
	unsigned char *task_ok; /* [ntasks]: 1 where the caveats allow the task */
	unsigned char *loc_ok;  /* [nsectors+1]: 1 where allowed; [nsectors] = mission */
	int has_task_caveat;    /* the file restricted tasks (allow or deny) */
	int has_loc_caveat;     /* the file restricted locations */
	char *source;           /* free text, may be NULL */
	unsigned status;        /* SF_PLEDGE_* flags from `status`, 0 = a plain report */
	double women_share;     /* 0..1; SF_NO_SHARE: the unit type's */
	char *women_source;     /* the share's source, or "assumption: why" */
	int active;             /* 1; 0 = left out (what-if, risk samples) */
	sf_srcpos pos;
	/* Format 2 (0 everywhere in format 1). */
	int lead_days;          /* days of notice, >= 0 (from `readiness` when that is given) */
	sf_readiness readiness; /* the level written, SF_READINESS_NONE otherwise */
	int has_notice;         /* 1: the file gave lead_days or readiness */
	int min_stay_months;    /* 0 = the unit type's; else >= 1 */
	int tour_months; /* 0 = unlimited; else a unit leaves at most this long after arriving */
	int tours;       /* 0 = unlimited; else tours committed for each of the count units */
} sf_pledge;

typedef struct sf_contributor {
	char *id;
	char *name;
	int has_cap;
	double cap; /* personnel cap over all locations, when has_cap */
	int active; /* 1; 0 = dropped (what-if, criticality) */
	sf_srcpos pos;
} sf_contributor;

typedef struct sf_stakeholder {
	char *id;
	char *name;
	sf_srcpos pos;
} sf_stakeholder;

typedef struct sf_veto {
	size_t stakeholder; /* index */
	size_t contributor; /* index */
	sf_veto_kind kind;
	double penalty;             /* soft: cost per person-month in covered sectors */
	int all_sectors;            /* 1 = every sector */
	unsigned char *sector_mask; /* [nsectors]: covered sectors (all 1 when all_sectors) */
	char *source;
	int active; /* 1; 0 = lifted (what-if, price of a veto) */
	sf_srcpos pos;
} sf_veto;

/*
 * Format 2: a stakeholder's condition (docs/model.md, "Conditions"). It
 * covers the deployments that match all four filters (NULL = any) and
 * forbids them in the months it does not allow:
 * - consent: the stakeholder's consent is required in months from..to;
 *   unless it is recorded `given`, covered deployments are forbidden then;
 * - sequence: covered deployments only from month `not_before` on, or only
 *   from the first month whose indicator value (a dated fact, the latest
 *   dated on or before the month's first day counts) is below (or above)
 *   the threshold; never when no value qualifies.
 * sf_condition_forbids() is the one reading of these fields in the library;
 * check-plan reads them again on its own.
 */
typedef enum sf_condition_kind {
	SF_CONDITION_CONSENT = 0,
	SF_CONDITION_SEQUENCE = 1
} sf_condition_kind;

typedef enum sf_consent {
	SF_CONSENT_PENDING = 0, /* not (yet) given: forbids */
	SF_CONSENT_WITHHELD = 1,
	SF_CONSENT_GIVEN = 2 /* recorded; changes nothing */
} sf_consent;

/* One dated value of a sequencing indicator. */
typedef struct sf_indicator_value {
	char date[11]; /* YYYY-MM-DD */
	int month;     /* the first plan month whose first day is on or after date: 1..M + 1 */
	double value;
	char *source;
	sf_srcpos pos;
} sf_indicator_value;

typedef struct sf_condition {
	char *id; /* unique among the scenario's conditions */
	size_t stakeholder;
	sf_condition_kind kind;
	unsigned char *contributors; /* [ncontributors_named] covered, NULL = any */
	unsigned char *unit_types;   /* [nunit_types_named], NULL = any */
	/* The lengths of those two masks: the contributors and unit types of the
	 * file. One added later (whatif --add, shopping's requested units) is
	 * covered only by a filter that is 'all'. */
	size_t ncontributors_named, nunit_types_named;
	unsigned char *tasks;   /* [ntasks], NULL = any */
	unsigned char *sectors; /* [nsectors], NULL = any (never mission) */
	/* consent */
	sf_consent consent;
	int from, to; /* months the consent is required (1..M) */
	/* sequence: either not_before > 0, or an indicator */
	int not_before;
	char *indicator; /* the indicator's name, NULL without one */
	int below;       /* 1: the value must be below threshold; 0: above */
	double threshold;
	sf_indicator_value *values; /* in date order */
	size_t nvalues;
	/*
	 * `after.register` (docs/scenario-format.md): the indicator is the
	 * count of incidents the register places in sector reg_sector over
	 * the trailing reg_window_days days. With a store,
	 * sf_scenario_apply_register() adds that count as one more dated value
	 * (the window's last day); without one the stated values alone are
	 * used, and the plan says so.
	 */
	int from_register; /* 1 when after.register is given */
	size_t reg_sector;
	int reg_window_days;
	char *source;
	int active; /* 1; 0 = lifted (what-if, price of a condition) */
	sf_srcpos pos;
} sf_condition;

/* Format 2: most personnel arriving in the sectors per month, from `from` on. */
typedef struct sf_reception_step {
	int from;         /* month 1..M */
	double personnel; /* >= 0 */
} sf_reception_step;

/*
 * Format 2: units recorded on the ground (`deployed:`). In months since..a0-1
 * they are the history; from a0 on they are present without notice or
 * deployment cost, counted as arrived in `since`.
 */
typedef struct sf_deployment {
	size_t pledge;   /* index */
	size_t location; /* sector index or SF_MISSION */
	size_t task;     /* index */
	int units;       /* >= 1 */
	int since;       /* month 1..a0 */
	sf_srcpos pos;
} sf_deployment;

/* The `register:` block: where inputs from the registers come from. */
typedef struct sf_register_spec {
	int used;               /* 1: some sector or task takes an input from the register */
	int given;              /* 1: the file has a `register:` block */
	char *db;               /* register.db resolved against the scenario's directory
	                         * (NULL only when the file has no block); after
	                         * sf_scenario_apply_register(): the store read */
	char *as_of;            /* register.as_of, else the scenario's as_of; NULL = latest data */
	int threat_window_days; /* register.threat.window_days, default 28 */
	double threat_min;      /* register.threat.min, default 0.5 */
	double threat_max;      /* register.threat.max, default 2.0 */
	double threat_weight;   /* register.threat.weight (exponent), default 1 */
	char *population_attr;  /* register.threat.population, default "population" */
	int threat_has_default; /* 1: threat_default is used when the window has no incident */
	double threat_default;  /* register.threat.default, > 0 */
	sf_srcpos pos;          /* of the block */
} sf_register_spec;

/* sectors.location_overrides: an incident at `location` (case-insensitive) is in `sector`. */
typedef struct sf_location_override {
	char *location;
	size_t sector; /* index */
} sf_location_override;

typedef enum sf_register_input_kind {
	SF_INPUT_THREAT = 0,      /* a sector's threat from the incident register */
	SF_INPUT_AID_ESCORTS = 1, /* a task's requirement from the aid register */
	SF_INPUT_CONDITION = 2    /* a condition's indicator: incidents in a sector */
} sf_register_input_kind;

/* One value sf_scenario_apply_register() took from the register. */
typedef struct sf_register_input {
	sf_register_input_kind kind;
	size_t index;  /* the sector (threat), the task (aid escorts) or the condition */
	double value;  /* the threat multiplier, the requirement set, the indicator */
	int defaulted; /* 1: no data in the window; value is the scenario's default */
	/* condition: 1 when no store was given: the scenario's stated values
	 * are used (value, window_to: the latest stated value and its date,
	 * window_from ""; no stated value: value NAN, window_to "") */
	int stated;
	char window_from[11]; /* YYYY-MM-DD, first day of the trailing window ("" when none) */
	char window_to[11];   /* last day (as_of) */
	int window_days;
	/* threat */
	long incidents;         /* the sector's non-retracted incidents in the window */
	double population;      /* the sector's population attribute */
	double rate_per_100k;   /* incidents per 100,000 people */
	double all_sector_rate; /* the same over all sectors with a population */
	/* aid escorts */
	double trucks_per_day;    /* mean trucks entered per day with a figure */
	long days_with_data;      /* days with a figure in the window */
	double trucks_per_escort; /* the divisor */
	char source[64];          /* the aid source counted */
} sf_register_input;

typedef struct sf_scenario {
	int format; /* 1 or 2 */
	char *name;
	char *as_of;          /* YYYY-MM-DD as written, may be NULL */
	char *path;           /* the scenario file as given to load */
	char *authority;      /* mandate.authority, may be NULL */
	int start_year;       /* mandate.start */
	int start_month;      /* 1..12 */
	int months;           /* M >= 1 */
	double troop_ceiling; /* T_max: personnel inside sectors, every month */
	/* Reimbursement (docs/scenario-format.md): money per person-month of
	 * personnel present, and its source (the default's when not given). */
	double troop_rate;
	char *troop_rate_source;
	int troop_rate_given; /* 1: the file's `reimbursement`, 0: the default */
	int has_max_share;
	double max_share; /* sigma in (0,1], when has_max_share */

	char *geojson_path; /* resolved relative to the scenario file */
	char *id_property;  /* feature property holding the sector id */

	sf_sector *sectors;
	size_t nsectors;
	sf_unit_type *unit_types;
	size_t nunit_types;
	sf_task *tasks;
	size_t ntasks;
	sf_contributor *contributors;
	size_t ncontributors;
	sf_pledge *pledges;
	size_t npledges;
	sf_stakeholder *stakeholders;
	size_t nstakeholders;
	sf_veto *vetoes;
	size_t nvetoes;
	sf_condition *conditions; /* format 2; stakeholder order, then file order */
	size_t nconditions;

	/* ---- Format 2 (docs/model.md, "Format 2"); format 1: a0 = 1, none ---- */
	int a0; /* first decision month: the month of as_of (1 if before the plan) */
	int readiness_days[SF_NREADINESS]; /* notice per level, [SF_READINESS_NONE] = 0 */
	sf_reception_step *reception;      /* sorted by from; NULL/0 = no limit */
	size_t nreception;
	sf_deployment *deployed; /* file order */
	size_t ndeployed;

	struct sf_arena *arena; /* owns everything above */

	/* ---- Inputs from the registers (docs/scenario-format.md) ---- */
	sf_register_spec reg;                     /* the `register:` block */
	sf_location_override *location_overrides; /* sectors.location_overrides, file order */
	size_t nlocation_overrides;
	/* What sf_scenario_apply_register() took from the register, one entry
	 * per value set (threats in sector order, then aid requirements in task
	 * order); empty until it runs. */
	sf_register_input *register_inputs;
	size_t nregister_inputs;
} sf_scenario;

#define SF_MISSION(sc) ((sc)->nsectors)
#define SF_NLOC(sc) ((sc)->nsectors + 1)

typedef struct sf_load_options {
	int skip_geometry; /* 1: do not read the GeoJSON (fuzzing, tests) */
} sf_load_options;

/*
 * Read and check a scenario. On success *out is a new scenario and diags
 * may hold warnings. On any error *out is NULL, the return is
 * SF_ERR_SCENARIO (or SF_ERR_IO / SF_ERR_NOMEM) and diags lists every error
 * found, up to diags->limit. opts may be NULL.
 */
sf_status sf_scenario_load(const char *path, const sf_load_options *opts, sf_scenario **out,
                           sf_diags *diags);

/* The same from memory; `name` is used in messages and to resolve paths. */
sf_status sf_scenario_load_mem(const char *data, size_t len, const char *name,
                               const sf_load_options *opts, sf_scenario **out, sf_diags *diags);

void sf_scenario_free(sf_scenario *sc);

/*
 * The output of `validate` for the file at path, after sf_scenario_load()
 * gave sc (NULL when invalid) and the diagnostics d (docs/output.md).
 * text: each diagnostic as FILE:LINE:COL: error: PATH: MESSAGE (and how
 * many more were not shown) into diag, then one summary line into out
 * (invalid: into diag), so that a terminal gets the summary on stdout and
 * the diagnostics on stderr; diag may be out. json: one object into out.
 * Other formats are SF_ERR_USAGE.
 */
sf_status sf_validation_write(const char *path, const sf_scenario *sc, const sf_diags *d,
                              sf_format fmt, sf_buf *out, sf_buf *diag, sf_error *err);

/*
 * `stabforce upgrade`: the text of a valid format-1 scenario (data, len;
 * `name` for messages and relative paths) rewritten as the format-2 file
 * that says the same, appended to out: comments, key order and layout kept
 * (docs/scenario-format.md, "Upgrading a format-1 file"). Warnings (what
 * format 2 reads differently) go to diags, which may be NULL. Returns
 * SF_ERR_SCENARIO with the errors in diags when the input is not valid,
 * SF_ERR_USAGE when it is not format 1.
 */
sf_status sf_scenario_upgrade(const char *data, size_t len, const char *name, sf_buf *out,
                              sf_diags *diags, sf_error *err);

/* A deep copy, independent of sc. */
sf_status sf_scenario_clone(const sf_scenario *sc, sf_scenario **out, sf_error *err);

/* Lookups by id; return -1 when absent. */
long sf_scenario_find_sector(const sf_scenario *sc, const char *id);
long sf_scenario_find_task(const sf_scenario *sc, const char *id);
long sf_scenario_find_unit(const sf_scenario *sc, const char *id);
long sf_scenario_find_contributor(const sf_scenario *sc, const char *id);
long sf_scenario_find_pledge(const sf_scenario *sc, const char *id);
long sf_scenario_find_stakeholder(const sf_scenario *sc, const char *id);
/* A location id (sector id or "mission") to its index. */
long sf_scenario_find_location(const sf_scenario *sc, const char *id);
/* A location index to its id ("mission" for SF_MISSION). */
const char *sf_scenario_location_id(const sf_scenario *sc, size_t loc);

/* The SF_PLEDGE_* flags of every pledge of contributor c, or'ed. */
unsigned sf_contributor_status(const sf_scenario *sc, size_t c);

/* A sector attribute by name; returns 0 and sets *value, or -1 if absent. */
int sf_sector_attr(const sf_sector *s, const char *name, double *value);

/*
 * Month references: "YYYY-MM" or an integer 1..M, to a month index.
 * Returns 0 on success, -1 if malformed or outside the plan.
 */
int sf_scenario_parse_month(const sf_scenario *sc, const char *text, int *month);
/* Month index 1..M to "YYYY-MM" in buf (size >= 8). */
char *sf_scenario_month_label(const sf_scenario *sc, int month, char *buf, size_t n);

/*
 * Format 2, the months a pledge can serve in (docs/model.md): the earliest
 * month a unit not yet deployed can be present, e_p = max(from_p, a0,
 * month(as_of + lead_days)) (from_p without as_of), or M + 1 when that date
 * is after the plan. Format 1: from_p.
 */
int sf_pledge_earliest(const sf_scenario *sc, size_t p);
/* The pledge's minimum stay in months (its own, else its unit type's; 1 in format 1). */
int sf_pledge_min_stay(const sf_scenario *sc, size_t p);
/*
 * Most personnel that may arrive in the sectors in month m (the reception
 * step function: 0 before the first step); HUGE_VAL without `reception:`.
 */
double sf_scenario_reception(const sf_scenario *sc, int m);
/* 1 when pledge p may serve in some sector (its arrivals pass through reception). */
int sf_pledge_enters_sectors(const sf_scenario *sc, size_t p);
/* 1 when condition c (active or not) allows its deployments in month m. */
int sf_condition_allows_month(const sf_scenario *sc, const sf_condition *c, int m);
/* 1 when condition c covers pledge p at location l on task t (mission: never). */
int sf_condition_covers(const sf_scenario *sc, const sf_condition *c, size_t p, size_t l, size_t t);
/* 1 when an active condition forbids pledge p at l on task t in month m. */
int sf_condition_forbids(const sf_scenario *sc, size_t p, size_t l, size_t t, int m);
/* "consent" or "sequence". */
const char *sf_condition_kind_str(sf_condition_kind k);

/* ------------------------------------------------------------------ */
/* Bounds on the numbers of the format (docs/scenario-format.md, "Bounds") */

/*
 * Each real of the format is bounded so that whatever `validate` accepts,
 * the planner solves or reports cleanly: CLP asserts on an objective
 * coefficient of 1e25 or a bound of 1e100, and far below those CBC already
 * mistakes a feasible month for an infeasible one (a weight of 1e15) or
 * never finishes (a threat of 1e20). The bounds are far above any real
 * force and keep every coefficient of the model within the range the
 * solvers handle: requirements at most 1e6, capabilities and weights within
 * 1e-3..1e3 and 1e-3..1e6, objective coefficients at most 1e15.
 */
#define SF_MAX_UNITS 1000000 /* units in a pledge, personnel of a unit */
#define SF_MAX_AMOUNT 1e12   /* attributes, caps, ceiling, reception (persons, people) */
#define SF_MAX_MONEY 1e12    /* a cost per unit per month, per arrival, per move */

/*
 * The default troop reimbursement rate, money per person per month, and
 * its source (docs/scenario-format.md, "Reimbursement and parity"): the
 * latest General Assembly rate found in a citable source. The 2022 survey
 * (A/76/676) was before the Assembly for 1 July 2022; a rate decided on
 * it was not found, so the 2018 rate stands until a scenario gives one.
 */
#define SF_UN_TROOP_RATE 1428.0
#define SF_UN_TROOP_RATE_SOURCE                                                                    \
	"UN General Assembly resolution 72/285 of 5 July 2018: USD 1,428 per person per month "    \
	"from 1 July 2018 (casquebleu.org, 'Personnel reimbursement', revision of 23 April 2022, " \
	"https://casquebleu.org/index.php?diff=prev&oldid=891&title=Personnel_reimbursement); a "  \
	"rate decided after the 2022 survey (A/76/676): not found"
#define SF_MAX_PENALTY 1e9        /* a soft veto's cost per person-month */
#define SF_MIN_WEIGHT 1e-3        /* a task's weight is at least this ... */
#define SF_MAX_WEIGHT 1e6         /* ... and at most this */
#define SF_MIN_CAPABILITY 1e-3    /* a capability is 0 or at least this ... */
#define SF_MAX_CAPABILITY 1e3     /* ... and at most this, per unit */
#define SF_MAX_FACTOR 1e3         /* a multiplier: threat, a ramp level (1 = as is) */
#define SF_MAX_REQUIREMENT 1e6    /* capability units a task needs in one place and month */
#define SF_MAX_COST_PER_UNIT 1e15 /* a unit-month's cost with every soft-veto penalty */
#define SF_MIN_YEAR 1900          /* the years of a date or month (YYYY-MM, as_of) */
#define SF_MAX_YEAR 2999

/*
 * The checks across numbers that no single bound gives: every requirement
 * R[t][l][m] (attribute / every x threat x ramp, a value, a by_sector
 * figure, or what the registers gave) at most SF_MAX_REQUIREMENT, and the
 * cost of a unit-month at each location (monthly cost plus the penalties of
 * the soft vetoes covering it, per person) at most SF_MAX_COST_PER_UNIT.
 * `validate` reports these at their place in the file; the planner and
 * the what-if edits call this on the scenario they are about to solve, so
 * an edit or a register figure cannot slip past. Returns SF_OK, or
 * SF_ERR_SCENARIO with the first problem in err (file, line, column of the
 * object at fault, when known).
 */
sf_status sf_scenario_check_numbers(const sf_scenario *sc, sf_error *err);

/* The largest requirement of task t in location l (sector index, or nsectors for mission). */
double sf_scenario_requirement_peak(const sf_scenario *sc, size_t t, size_t l);
/*
 * The cost of one unit-month of pledge p in location l: its unit's monthly
 * cost plus, per person, every active soft veto covering its contributor
 * there (none at mission).
 */
double sf_scenario_unit_month_cost(const sf_scenario *sc, size_t p, size_t l);

/*
 * Append a pledge (what-if): no caveats, confidence 1, active; the id is
 * generated ("<contributor>-w<n>") when id is NULL. *index gets its index.
 */
sf_status sf_scenario_add_pledge(sf_scenario *sc, size_t contributor, size_t unit, int count,
                                 int from, int to, const char *id, size_t *index, sf_error *err);
/*
 * Append a contributor (what-if, offers): a nation not in the file, with
 * no pledge, no cap and no veto on it. SF_ERR_USAGE when id is taken.
 */
sf_status sf_scenario_add_contributor(sf_scenario *sc, const char *id, const char *name,
                                      size_t *index, sf_error *err);
/* Append a veto covering all sectors (what-if). */
sf_status sf_scenario_add_veto(sf_scenario *sc, size_t stakeholder, size_t contributor,
                               sf_veto_kind kind, double penalty, size_t *index, sf_error *err);

#ifdef __cplusplus
}
#endif
#endif
