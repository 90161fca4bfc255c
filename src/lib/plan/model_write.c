#include "base/internal.h"

/*
 * model_write.c - a built model's column and row names, and the model as
 * CPLEX LP or free MPS text (`stabforce export`, docs/model.md "Export").
 *
 * Names are those of docs/model.md's tables: the kind, then the indices
 * of the tag (0-based in file order, months 1-based), so a name says what
 * a column or row stands for in any solver's log. Numbers are written in
 * the shortest form that reads back exactly, so another solver reads the
 * very model the planner solves.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/model.h"

/* ------------------------------------------------------------------ */
/* Names and export                                                    */

void sf__model_col_name(const sf__model *md, int j, char *buf, size_t n)
{
	const sf__tag *t = &md->col[j];

	switch (t->kind) {
	case SF__COL_X:
		sf_snprintf(buf, n, "x_%d_%d_%d_%d", t->a, t->b, t->c, t->month);
		break;
	case SF__COL_G:
		sf_snprintf(buf, n, "g_%d_%d_%d", t->c, t->b, t->month);
		break;
	case SF__COL_A:
		sf_snprintf(buf, n, "a_%d_%d_%d", t->a, t->b, t->month);
		break;
	case SF__COL_Z:
		sf_snprintf(buf, n, "z_%d_%d_%d_%d", t->a, t->b, t->c, t->month);
		break;
	case SF__COL_N:
		sf_snprintf(buf, n, "n_%d_%d", t->a, t->month);
		break;
	case SF__COL_ARR:
		sf_snprintf(buf, n, "arr_%d_%d", t->a, t->month);
		break;
	case SF__COL_INL:
		sf_snprintf(buf, n, "inl_%d_%d_%d", t->a, t->b, t->month);
		break;
	case SF__COL_INC:
		sf_snprintf(buf, n, "inc_%d_%d_%d_%d", t->a, t->b, t->c, t->month);
		break;
	case SF__COL_MOVE:
		sf_snprintf(buf, n, "mv_%d_%d", t->a, t->month);
		break;
	case SF__COL_CHG:
		sf_snprintf(buf, n, "chg_%d_%d", t->a, t->month);
		break;
	case SF__COL_DEV:
		sf_snprintf(buf, n, "dev_%d_%d_%d_%d", t->a, t->b, t->c, t->month);
		break;
	case SF__COL_LAMBDA:
		sf_snprintf(buf, n, "lambda_%d_%d_%d", t->a, t->b, t->month);
		break;
	default:
		sf_snprintf(buf, n, "y_%d", t->month);
		break;
	}
}

void sf__model_row_name(const sf__model *md, int i, char *buf, size_t n)
{
	const sf__tag *t = &md->row[i];

	switch (t->kind) {
	case SF__ROW_PLEDGE:
		sf_snprintf(buf, n, "pledge_%d_%d", t->a, t->month);
		break;
	case SF__ROW_COVER:
		sf_snprintf(buf, n, "cover_%d_%d_%d", t->c, t->b, t->month);
		break;
	case SF__ROW_INSEC:
		sf_snprintf(buf, n, "insec_%d", t->month);
		break;
	case SF__ROW_CEILING:
		sf_snprintf(buf, n, "ceiling_%d", t->month);
		break;
	case SF__ROW_CAP:
		sf_snprintf(buf, n, "cap_%d_%d", t->a, t->month);
		break;
	case SF__ROW_SHARE:
		sf_snprintf(buf, n, "share_%d_%d", t->a, t->month);
		break;
	case SF__ROW_ARRIVE:
		sf_snprintf(buf, n, "arrive_%d_%d_%d", t->a, t->b, t->month);
		break;
	case SF__ROW_Z1:
		sf_snprintf(buf, n, "z1");
		break;
	case SF__ROW_AGG:
		sf_snprintf(buf, n, "agg_%d_%d_%d_%d", t->a, t->b, t->c, t->month);
		break;
	case SF__ROW_CAPCVX:
		sf_snprintf(buf, n, "capcvx_%d_%d", t->a, t->month);
		break;
	case SF__ROW_CAPHULL:
		sf_snprintf(buf, n, "caphull_%d_%d_%d", t->a, t->b, t->month);
		break;
	case SF__ROW_ASSIGN:
		sf_snprintf(buf, n, "assign_%d_%d", t->a, t->month);
		break;
	case SF__ROW_PCAP:
		sf_snprintf(buf, n, "pcap_%d_%d", t->a, t->month);
		break;
	case SF__ROW_FLOW:
		sf_snprintf(buf, n, "flow_%d_%d", t->a, t->month);
		break;
	case SF__ROW_STAY:
		sf_snprintf(buf, n, "stay_%d_%d", t->a, t->month);
		break;
	case SF__ROW_TOUR:
		sf_snprintf(buf, n, "tour_%d_%d", t->a, t->month);
		break;
	case SF__ROW_TOURS:
		sf_snprintf(buf, n, "tours_%d", t->a);
		break;
	case SF__ROW_RECEPT:
		sf_snprintf(buf, n, "recept_%d", t->month);
		break;
	case SF__ROW_INL:
		sf_snprintf(buf, n, "incl_%d_%d_%d", t->a, t->b, t->month);
		break;
	case SF__ROW_INC:
		sf_snprintf(buf, n, "incc_%d_%d_%d_%d", t->a, t->b, t->c, t->month);
		break;
	case SF__ROW_MOVE:
		sf_snprintf(buf, n, "move_%d_%d", t->a, t->month);
		break;
	case SF__ROW_CHG:
		sf_snprintf(buf, n, "change_%d_%d", t->a, t->month);
		break;
	case SF__ROW_DEVP:
		sf_snprintf(buf, n, "devp_%d_%d_%d_%d", t->a, t->b, t->c, t->month);
		break;
	case SF__ROW_DEVN:
		sf_snprintf(buf, n, "devn_%d_%d_%d_%d", t->a, t->b, t->c, t->month);
		break;
	case SF__ROW_COSTM:
		sf_snprintf(buf, n, "costm_%d", t->month);
		break;
	case SF__ROW_ROUND:
		sf_snprintf(buf, n, "round_%d_%d_%d", t->c, t->b, t->month);
		break;
	default:
		sf_snprintf(buf, n, "z1m_%d", t->month);
		break;
	}
}

/* A number as LP/MPS text: shortest exact round trip. */
static void fmt_num(char *buf, size_t n, double v)
{
	sf_snprintf(buf, n, "%.17g", v);
	/* Prefer the short form when it reads back exactly. */
	char s[64];
	sf_snprintf(s, sizeof(s), "%.15g", v);
	if (strtod(s, NULL) == v)
		sf_strlcpy(buf, s, n);
}

static sf_status write_lp(const sf__model *md, FILE *f)
{
	char name[64], num[64];
	int k;

	fprintf(f, "\\ stabforce model, stage %d, months %d..%d\n", md->stage, md->m_first,
	        md->m_last);
	fprintf(f, "Minimize\n obj:");
	k = 0;
	for (int j = 0; j < md->ncols; j++) {
		if (md->obj[j] == 0)
			continue;
		sf__model_col_name(md, j, name, sizeof(name));
		fmt_num(num, sizeof(num), fabs(md->obj[j]));
		fprintf(f, " %s %s %s", md->obj[j] < 0 ? "-" : "+", num, name);
		if (++k % 4 == 0)
			fprintf(f, "\n  ");
	}
	if (k == 0 && md->ncols > 0) {
		sf__model_col_name(md, 0, name, sizeof(name));
		fprintf(f, " 0 %s", name);
	}
	fprintf(f, "\nSubject To\n");
	for (int i = 0; i < md->nrows; i++) {
		sf__model_row_name(md, i, name, sizeof(name));
		fprintf(f, " %s:", name);
		k = 0;
		for (int e = md->rstart[i]; e < md->rstart[i + 1]; e++) {
			char cn[64];
			sf__model_col_name(md, md->rind[e], cn, sizeof(cn));
			fmt_num(num, sizeof(num), fabs(md->rval[e]));
			fprintf(f, " %s %s %s", md->rval[e] < 0 ? "-" : "+", num, cn);
			if (++k % 4 == 0)
				fprintf(f, "\n  ");
		}
		fmt_num(num, sizeof(num), md->rhs[i]);
		fprintf(f, " %s %s\n",
		        md->sense[i] == 'L'   ? "<="
		        : md->sense[i] == 'G' ? ">="
		                              : "=",
		        num);
	}
	fprintf(f, "Bounds\n");
	for (int j = 0; j < md->ncols; j++) {
		sf__model_col_name(md, j, name, sizeof(name));
		fmt_num(num, sizeof(num), md->lb[j]);
		if (isfinite(md->ub[j])) {
			char ub[64];
			fmt_num(ub, sizeof(ub), md->ub[j]);
			fprintf(f, " %s <= %s <= %s\n", num, name, ub);
		} else {
			fprintf(f, " %s >= %s\n", name, num);
		}
	}
	k = 0;
	for (int j = 0; j < md->ncols; j++) {
		if (!md->is_int[j])
			continue;
		if (k == 0)
			fprintf(f, "General\n");
		sf__model_col_name(md, j, name, sizeof(name));
		fprintf(f, " %s", name);
		if (++k % 8 == 0)
			fprintf(f, "\n");
	}
	if (k > 0)
		fprintf(f, "\n");
	fprintf(f, "End\n");
	return SF_OK;
}

static sf_status write_mps(const sf__model *md, FILE *f, sf_error *err)
{
	char name[64], rn[64], num[64];
	int *cstart = NULL, *cfill = NULL, *crow = NULL;
	double *cval = NULL;
	sf_status rc = SF_OK;
	int inint = 0;

	/* Column-major copy of the matrix. */
	cstart = calloc((size_t)md->ncols + 1, sizeof(int));
	cfill = calloc((size_t)md->ncols + 1, sizeof(int));
	crow = sf__mallocarray((size_t)md->nnz + 1, sizeof(int));
	cval = sf__mallocarray((size_t)md->nnz + 1, sizeof(double));
	if (cstart == NULL || cfill == NULL || crow == NULL || cval == NULL) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory writing the model");
		goto out;
	}
	for (int e = 0; e < md->nnz; e++)
		cstart[md->rind[e] + 1]++;
	for (int j = 0; j < md->ncols; j++)
		cstart[j + 1] += cstart[j];
	for (int i = 0; i < md->nrows; i++)
		for (int e = md->rstart[i]; e < md->rstart[i + 1]; e++) {
			int j = md->rind[e], pos = cstart[j] + cfill[j]++;
			crow[pos] = i;
			cval[pos] = md->rval[e];
		}

	fprintf(f, "NAME          STABFORCE\nROWS\n N  obj\n");
	for (int i = 0; i < md->nrows; i++) {
		sf__model_row_name(md, i, name, sizeof(name));
		fprintf(f, " %c  %s\n", md->sense[i], name);
	}
	fprintf(f, "COLUMNS\n");
	for (int j = 0; j < md->ncols; j++) {
		if (md->is_int[j] && !inint) {
			fprintf(f,
			        "    MARKER                 'MARKER'                 'INTORG'\n");
			inint = 1;
		} else if (!md->is_int[j] && inint) {
			fprintf(f,
			        "    MARKER                 'MARKER'                 'INTEND'\n");
			inint = 0;
		}
		sf__model_col_name(md, j, name, sizeof(name));
		if (md->obj[j] != 0) {
			fmt_num(num, sizeof(num), md->obj[j]);
			fprintf(f, "    %-22s %-22s %s\n", name, "obj", num);
		} else if (cstart[j] == cstart[j + 1]) {
			fprintf(f, "    %-22s %-22s 0\n", name, "obj");
		}
		for (int e = cstart[j]; e < cstart[j + 1]; e++) {
			sf__model_row_name(md, crow[e], rn, sizeof(rn));
			fmt_num(num, sizeof(num), cval[e]);
			fprintf(f, "    %-22s %-22s %s\n", name, rn, num);
		}
	}
	if (inint)
		fprintf(f, "    MARKER                 'MARKER'                 'INTEND'\n");
	fprintf(f, "RHS\n");
	for (int i = 0; i < md->nrows; i++) {
		if (md->rhs[i] == 0)
			continue;
		sf__model_row_name(md, i, name, sizeof(name));
		fmt_num(num, sizeof(num), md->rhs[i]);
		fprintf(f, "    %-22s %-22s %s\n", "rhs", name, num);
	}
	fprintf(f, "BOUNDS\n");
	for (int j = 0; j < md->ncols; j++) {
		sf__model_col_name(md, j, name, sizeof(name));
		if (md->lb[j] != 0) {
			fmt_num(num, sizeof(num), md->lb[j]);
			fprintf(f, " LO bnd       %-22s %s\n", name, num);
		}
		if (isfinite(md->ub[j])) {
			fmt_num(num, sizeof(num), md->ub[j]);
			fprintf(f, " UP bnd       %-22s %s\n", name, num);
		} else if (md->is_int[j]) {
			/* MPS readers give integer columns without bounds an upper bound of 1. */
			fprintf(f, " PL bnd       %s\n", name);
		}
	}
	fprintf(f, "ENDATA\n");
out:
	free(cstart);
	free(cfill);
	free(crow);
	free(cval);
	return rc;
}

sf_status sf__model_write(const sf__model *md, int mps, const char *path, sf_error *err)
{
	sf_outfile *o;
	FILE *f;
	sf_status rc = sf_outfile_open(path, &o, err);

	if (rc != SF_OK)
		return rc;
	f = sf_outfile_stream(o);
	rc = mps ? write_mps(md, f, err) : write_lp(md, f);
	if (rc != SF_OK) {
		sf_outfile_abort(o);
		return rc;
	}
	return sf_outfile_commit(o, err); /* a short write is found here */
}
