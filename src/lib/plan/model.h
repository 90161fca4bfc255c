/*
 * model.h - the planning model of docs/model.md in memory (internal).
 *
 * sf__model_build() turns a scenario into a solver-neutral mixed-integer
 * program: columns with bounds, objective and integrality, and rows in
 * compressed sparse row form with a sense and a right-hand side. Both
 * solver adapters (solver_cbc.c, solver_glpk.c) and the LP/MPS writers
 * read the same structure, so what is solved is what is exported.
 *
 * Each column and row remembers what it stands for (kind, pledge,
 * location, task, contributor, month), so solutions map back to
 * assignment rows and names can be generated for export
 * (x_<pledge>_<loc>_<task>_<month>, all indices 0-based except months).
 *
 * A model covers the months m_first..m_last: stage 1 is built one month
 * at a time (no stage-1 constraint links two months) or over all months
 * (the monolithic peer, and the export); stage 2 always covers all months.
 */
#ifndef STABFORCE_MODEL_H
#define STABFORCE_MODEL_H

#include <stddef.h>

#include "stabforce/error.h"
#include "stabforce/scenario.h"

typedef enum sf__col_kind {
	SF__COL_X = 0,      /* units of pledge a at location b on task c in month */
	SF__COL_G = 1,      /* shortfall of task c at location b in month */
	SF__COL_A = 2,      /* arrivals of pledge a at location b in month (stage 2) */
	SF__COL_Y = 3,      /* personnel inside sectors in month (the share rows' total) */
	SF__COL_Z = 4,      /* units of type a at location b on task c in month (all pledges) */
	SF__COL_LAMBDA = 5, /* weight of pattern b of contributor a's cap hull (stage 1) */
	/* Format 2 (docs/model.md, "Format 2"): */
	SF__COL_N = 6,     /* units of pledge a present in month */
	SF__COL_ARR = 7,   /* units of pledge a arriving in month */
	SF__COL_INL = 8,   /* stage 2: pledge a's increase at location b (nloc: reserve) */
	SF__COL_INC = 9,   /* stage 2: pledge a's increase at location b on task c */
	SF__COL_MOVE = 10, /* stage 2: units of pledge a changing location in month */
	SF__COL_CHG = 11,  /* stage 2: units of pledge a changing location or task in month */
	SF__COL_DEV = 12   /* stage 2: |x - baseline| of pledge a at (b, c); b = nloc: reserve,
	                    * b = nloc + 1: presence */
} sf__col_kind;

typedef enum sf__row_kind {
	SF__ROW_PLEDGE = 0,   /* pledge size: a = pledge */
	SF__ROW_COVER = 1,    /* coverage: c = task, b = location */
	SF__ROW_INSEC = 2,    /* y_m - sum P x (sectors) = 0 */
	SF__ROW_CEILING = 3,  /* y_m <= T_max */
	SF__ROW_CAP = 4,      /* national cap: a = contributor */
	SF__ROW_SHARE = 5,    /* share: a = contributor */
	SF__ROW_ARRIVE = 6,   /* arrivals: a = pledge, b = location */
	SF__ROW_Z1 = 7,       /* stage 2: Z1 <= Z1* + tolerance */
	SF__ROW_Z1M = 8,      /* stage 2: Z1_m >= Z1_m* - tolerance (valid inequality) */
	SF__ROW_AGG = 9,      /* z[u][l][t][m] = sum of x over the pledges of type u */
	SF__ROW_CAPCVX = 10,  /* cap hull: sum of contributor a's pattern weights <= 1 */
	SF__ROW_CAPHULL = 11, /* cap hull: units of pledge b <= its units in the patterns */
	SF__ROW_ROUND = 12,   /* coverage rounding: g >= phi (R' - coverage), task c, loc b */
	/* Format 2: */
	SF__ROW_ASSIGN = 13, /* sum_{l,t} x - n <= 0: pledge a */
	SF__ROW_PCAP = 14,   /* national cap on presence: contributor a */
	SF__ROW_FLOW = 15,   /* n[m] - n[m-1] - arrivals <= 0 (departures are the slack): a */
	SF__ROW_STAY = 16,   /* minimum stay: n - arrivals of the last k months >= 0: a */
	SF__ROW_TOUR = 17,   /* tour length: n - arrivals of the last K months <= 0: a */
	SF__ROW_TOURS = 18,  /* tours: sum arrivals <= tours N - recorded: a */
	SF__ROW_RECEPT = 19, /* reception: sum P arrivals <= capacity */
	SF__ROW_INL = 20,    /* stage 2: increase at location b of pledge a (b = nloc: reserve) */
	SF__ROW_INC = 21,    /* stage 2: increase at (b, c) of pledge a */
	SF__ROW_MOVE = 22,   /* stage 2: moves >= location increases - arrivals: a */
	SF__ROW_CHG = 23,    /* stage 2: changes >= cell increases - arrivals: a */
	SF__ROW_DEVP = 24,   /* stage 2: dev >= value - baseline: a, b, c as the DEV column */
	SF__ROW_DEVN = 25,   /* stage 2: dev >= baseline - value */
	SF__ROW_COSTM = 26   /* stage 2: month's unit and penalty cost >= its proven minimum */
} sf__row_kind;

typedef struct sf__tag {
	unsigned char kind; /* sf__col_kind or sf__row_kind */
	int month;          /* 1..M, 0 when not one month */
	int a, b, c;        /* indices as the kind says, -1 when unused */
} sf__tag;

typedef struct sf__model {
	int stage;           /* 1 or 2 */
	int m_first, m_last; /* months covered, 1-based inclusive */

	int ncols;
	double *obj;           /* [ncols] objective coefficients (minimised) */
	double *lb, *ub;       /* [ncols] bounds; ub may be HUGE_VAL */
	unsigned char *is_int; /* [ncols] 1 for integer columns */
	sf__tag *col;          /* [ncols] */

	int nrows;
	char *sense;  /* [nrows] 'L' (<=), 'G' (>=), 'E' (=) */
	double *rhs;  /* [nrows] */
	sf__tag *row; /* [nrows] */
	int *rstart;  /* [nrows+1] CSR starts */
	int *rind;    /* [nnz] column indices */
	double *rval; /* [nnz] coefficients */
	int nnz;

	/* x lookup: xcol[((p * nloc + l) * ntasks + t) * M + (m-1)], -1 when absent. */
	int *xcol;
	/* Format 2: presence and arrival columns, [p * M + (m-1)], -1 when absent
	 * (NULL in a format-1 model). */
	int *ncol, *acol;
	size_t npledges, nloc, ntasks;
	int months; /* M of the scenario */

	size_t col_cap, row_cap, nnz_cap; /* allocated lengths */
} sf__model;

typedef struct sf__model_spec {
	int stage;           /* 1 or 2 */
	int m_first, m_last; /* months to include; 0, 0 = all */
	double z1_star;      /* stage 2: the stage-1 optimum */
	const double
	        *z1_month; /* stage 2, optional [M]: per-month optima for the valid inequalities */
	int strengthen;    /* stage 1: add valid inequalities (caps' hulls, coverage rounding) */
	/*
	 * Format 2, stage 1 split by month (plan.c decides, sf__f2_months_linked):
	 * the month alone, without the rows that link months (flow, stays,
	 * tours, reception); presence bounded by what can be there that month.
	 */
	int month_alone;
	/*
	 * Format 2, stage 2: least change from a baseline plan (NULL: none):
	 * units [p][l][t][m] as in a units array, presence [p * M + (m-1)].
	 */
	const int *base_units;
	const int *base_presence;
} sf__model_spec;

sf_status sf__model_build(const sf_scenario *sc, const sf__model_spec *spec, sf__model **out,
                          sf_error *err);
void sf__model_free(sf__model *md);

/*
 * Append the row sum_k val[k] col[idx[k]] (sense) rhs, tagged kind and
 * month: rows the planner derives after the build (stage 2's month cost
 * bounds). A row with no coefficient is not added.
 */
sf_status sf__model_add_row(sf__model *md, sf__row_kind kind, int month, char sense, double rhs,
                            int n, const int *idx, const double *val, sf_error *err);

/* The x column of (p, l, t, m), or -1. */
int sf__model_xcol(const sf__model *md, size_t p, size_t l, size_t t, int m);

/* Column / row names for export and messages. */
void sf__model_col_name(const sf__model *md, int j, char *buf, size_t n);
void sf__model_row_name(const sf__model *md, int i, char *buf, size_t n);

/* Write the model as CPLEX LP or fixed-free MPS, atomically (file.h). */
sf_status sf__model_write(const sf__model *md, int mps, const char *path, sf_error *err);

/* ---- model data shared with plan.c (one definition of each rule) ---- */

/* Requirement R[t][l][m] in capability units (0 where the scope does not match). */
double sf__requirement(const sf_scenario *sc, size_t t, size_t l, int m);
/* ramp_t(m): 0 before the first step, 1 without a ramp. */
double sf__ramp(const sf_task *t, int m);
/* 1 when x[p][l][t][m] exists (see docs/model.md). */
int sf__x_exists(const sf_scenario *sc, size_t p, size_t l, size_t t, int m);
/* Sum of the penalties (per person-month) of active soft vetoes covering (c(p), l). */
double sf__soft_penalty(const sf_scenario *sc, size_t p, size_t l);
/* Z1 tolerance of stage 2: max(1e-6 |z|, 1e-6). */
double sf__z1_tolerance(double z1);

/* ---- format 2 (docs/model.md, "Format 2") ---- */

/*
 * What is recorded (`deployed:`), as the model and the plan read it:
 * units [((p * nloc + l) * ntasks + t) * M + (m-1)] for every month m <
 * a0 (the history), presence [p * M + (m-1)] (m < a0) and arrivals
 * [p * M + (m-1)] for m <= a0 (a deployment counts as arrived in its
 * `since`, a0 included). n0[p]: the units of p on the ground at a0.
 */
typedef struct sf__history {
	int *units, *presence, *arrivals, *n0;
} sf__history;

sf_status sf__history_build(const sf_scenario *sc, sf__history *h, sf_error *err);
void sf__history_release(sf__history *h);

/*
 * 1 when stage 1 links months (docs/model.md): some pledge has a tour
 * length or a number of tours, reception limits its arrivals, or a
 * minimum stay holds presence under a cap. Then stage 1 is solved over
 * all months at once; otherwise month by month (the same optimum).
 */
int sf__f2_months_linked(const sf_scenario *sc);

#endif
