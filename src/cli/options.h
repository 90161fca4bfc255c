/*
 * options.h - the one option table of the stabforce command, in the spirit
 * of git's parse-options.
 *
 * A command describes its options as an array of sf_opt: short name, long
 * name, argument kind, target, help and checks. sf_opt_parse() builds
 * getopt_long's tables from it, stores every value in its target after the
 * checks its kind and flags ask for, refuses an output file named twice,
 * and answers --help with text written from the same array
 * (sf_opt_usage), so the parser and --help cannot disagree. The man page
 * is held to the table by tests/cli/options.py, through the hidden
 * --list-options every command answers (also usable for completion).
 *
 * Options that several commands take are defined once, below (SF_OPT_DB,
 * SF_OPT_SOLVER, SF_OPT_TIME_LIMIT, ...): the same option means, checks
 * and says the same thing everywhere. Tables hold the addresses of a
 * command's locals, so they are built in the command function, like git's.
 */
#ifndef STABFORCE_CLI_OPTIONS_H
#define STABFORCE_CLI_OPTIONS_H

#include <stdio.h>

#include "stabforce/stabforce.h"

/* The store every register command, serve, worker and token use by default. */
#define SF_CLI_DEFAULT_DB SF_STORE_DEFAULT

typedef struct sf_opt sf_opt;

/*
 * A callback option: handle arg (NULL for an option without argument).
 * Returns 0, or 2 after a message "stabforce CMD: ..." on stderr.
 */
typedef int (*sf_opt_fn)(const sf_opt *o, const char *arg, const char *cmd);

typedef enum sf_opt_kind {
	SF_OPTK_END = 0,  /* ends the table */
	SF_OPTK_GROUP,    /* a heading in --help (help is the heading); no option */
	SF_OPTK_FLAG,     /* no argument: *(int *)target = 1 */
	SF_OPTK_STRING,   /* *(const char **)target = arg */
	SF_OPTK_INT,      /* *(int *)target = a whole number in [min, max] */
	SF_OPTK_LONG,     /* *(long *)target = a whole number in [min, max] */
	SF_OPTK_DOUBLE,   /* *(double *)target = a finite number in [min, max] */
	SF_OPTK_CALLBACK, /* fn(o, arg, cmd) */
} sf_opt_kind;

enum {
	SF_OPT_HIDDEN = 1u << 0,    /* parsed, but neither in --help nor in the man page */
	SF_OPT_NONEMPTY = 1u << 1,  /* a string that must not be empty */
	SF_OPT_OUTPUT = 1u << 2,    /* a file written: non-empty, not the same as another output */
	SF_OPT_NO_STDOUT = 1u << 3, /* an output that may not be '-' (stdout is --format's) */
	SF_OPT_MIN_OPEN = 1u << 4,  /* a number must be > min, not >= */
	SF_OPT_MAX_OPEN = 1u << 5,  /* a number must be < max, not <= */
};

struct sf_opt {
	int short_name;        /* 0: long only */
	const char *long_name; /* NULL: short only */
	sf_opt_kind kind;
	const char *argname; /* the argument in --help ("FILE"); NULL: no argument */
	void *target;
	const char *help; /* lines separated by '\n' */
	unsigned flags;
	double min, max;    /* numbers: the accepted range */
	const char *what;   /* numbers: the error is "WHAT 'ARG' EXPECT" */
	const char *expect; /* ... e.g. "time limit", "is not a positive number of seconds" */
	sf_opt_fn fn;       /* SF_OPTK_CALLBACK */
	void *ctx;          /* a callback's own data */
	int value;          /* a callback's constant (the edit kind, formats allowed, ...) */
};

/* A command (or a register command's subcommand) and its options. */
typedef struct sf_cli_spec {
	const char *name;  /* "plan", "incidents import": messages say "stabforce NAME: ..." */
	const char *usage; /* after "usage: stabforce NAME ": "[OPTIONS] SCENARIO.yaml" */
	const char *about; /* what it does, before the options; may be NULL */
	const sf_opt *opts;
	const char *tail; /* after the options (exit status, notes); may be NULL */
} sf_cli_spec;

/*
 * Parse argv (argv[0] is the command or subcommand name) by spec.
 * Returns -1 to go on, with *first the index of the first operand, or an
 * exit status: 0 after --help (or --list-options), 2 after a usage error
 * (the message and the usage on stderr).
 */
int sf_opt_parse(const sf_cli_spec *spec, int argc, char **argv, int *first);

/* --help: usage line, about, every option not hidden, tail. */
void sf_opt_usage(const sf_cli_spec *spec, FILE *f);

/*
 * --list-options: one line per option not hidden, tab-separated: short
 * (or empty), long (or empty), argument (or empty), help with newlines as
 * spaces, "output" for a file written. What tests/cli/options.py compares
 * with --help and the man page.
 */
void sf_opt_list(const sf_cli_spec *spec, FILE *f);

/* Callbacks of the shared options. */
int sf_opt_format(const sf_opt *o, const char *arg, const char *cmd);
int sf_opt_solver(const sf_opt *o, const char *arg, const char *cmd);
int sf_opt_seed(const sf_opt *o, const char *arg, const char *cmd);
int sf_opt_day(const sf_opt *o, const char *arg, const char *cmd);

/* Building blocks of a table. */
#define SF_OPT_END()                                                                               \
	{                                                                                          \
		.kind = SF_OPTK_END                                                                \
	}
#define SF_OPT_GROUP(h)                                                                            \
	{                                                                                          \
		.kind = SF_OPTK_GROUP, .help = (h)                                                 \
	}
#define SF_OPT_BOOL(s, l, t, h)                                                                    \
	{                                                                                          \
		.short_name = (s), .long_name = (l), .kind = SF_OPTK_FLAG, .target = (t),          \
		.help = (h)                                                                        \
	}
#define SF_OPT_STR(s, l, a, t, h)                                                                  \
	{                                                                                          \
		.short_name = (s), .long_name = (l), .kind = SF_OPTK_STRING, .argname = (a),       \
		.target = (t), .help = (h), .flags = SF_OPT_NONEMPTY                               \
	}
/* Any string, the empty one too (a note, a filter value). */
#define SF_OPT_TEXT(s, l, a, t, h)                                                                 \
	{                                                                                          \
		.short_name = (s), .long_name = (l), .kind = SF_OPTK_STRING, .argname = (a),       \
		.target = (t), .help = (h)                                                         \
	}
/* A file the command writes (checked: not empty, not named twice). */
#define SF_OPT_FILE_OUT(s, l, a, t, h)                                                             \
	{                                                                                          \
		.short_name = (s), .long_name = (l), .kind = SF_OPTK_STRING, .argname = (a),       \
		.target = (t), .help = (h), .flags = SF_OPT_OUTPUT                                 \
	}
/* A whole number in [lo, hi] (literals), into an int (NUM) or a long (LNUM). */
#define SF_OPT_NUMK(k, s, l, a, t, h, lo, hi, w)                                                   \
	{                                                                                          \
		.short_name = (s), .long_name = (l), .kind = (k), .argname = (a), .target = (t),   \
		.help = (h), .min = (lo), .max = (hi), .what = (w),                                \
		.expect = "is not a number " #lo ".." #hi                                          \
	}
#define SF_OPT_NUM(s, l, a, t, h, lo, hi, w) SF_OPT_NUMK(SF_OPTK_INT, s, l, a, t, h, lo, hi, w)
#define SF_OPT_LNUM(s, l, a, t, h, lo, hi, w) SF_OPT_NUMK(SF_OPTK_LONG, s, l, a, t, h, lo, hi, w)
/* A whole number >= lo (a literal) into a long. */
#define SF_OPT_LMIN(s, l, a, t, h, lo)                                                             \
	{                                                                                          \
		.short_name = (s), .long_name = (l), .kind = SF_OPTK_LONG, .argname = (a),         \
		.target = (t), .help = (h), .min = (lo), .max = 9e18,                              \
		.expect = "is not a whole number >= " #lo                                          \
	}
/* A number >= 0 into a double. */
#define SF_OPT_NONNEG(s, l, a, t, h)                                                               \
	{                                                                                          \
		.short_name = (s), .long_name = (l), .kind = SF_OPTK_DOUBLE, .argname = (a),       \
		.target = (t), .help = (h), .min = 0, .max = 1e300,                                \
		.expect = "is not a number >= 0"                                                   \
	}
/* A number into a double, with its range, flags and message. */
#define SF_OPT_DBL(s, l, a, t, h, fl, lo, hi, w, e)                                                \
	{                                                                                          \
		.short_name = (s), .long_name = (l), .kind = SF_OPTK_DOUBLE, .argname = (a),       \
		.target = (t), .help = (h), .flags = (fl), .min = (lo), .max = (hi), .what = (w),  \
		.expect = (e)                                                                      \
	}
/* A callback with a target, its own data and a constant. */
#define SF_OPT_CB(s, l, a, t, h, f, c, v)                                                          \
	{                                                                                          \
		.short_name = (s), .long_name = (l), .kind = SF_OPTK_CALLBACK, .argname = (a),     \
		.target = (t), .help = (h), .fn = (f), .ctx = (c), .value = (v)                    \
	}
/* A date YYYY-MM-DD into a long day number (sf_date_parse). */
#define SF_OPT_DATE(s, l, t, h) SF_OPT_CB(s, l, "YYYY-MM-DD", t, h, sf_opt_day, NULL, 0)

/* The shared options: each defined here once. */

/* The formats a --format accepts (its value). */
enum {
	SF_OPT_FMT_TABLE = 0,
	SF_OPT_FMT_GEOJSON = 1,
	SF_OPT_FMT_TEXT_JSON = 2,
	SF_OPT_FMT_NO_CSV = 3
};
/* -f, --format: into an int SF_FORMAT_*; which: text, json, csv, md (SF_OPT_FMT_TABLE),
 * also geojson, text and json only, or text, md and json (SF_OPT_FMT_NO_CSV). */
#define SF_OPT_FORMAT(t, h, which) SF_OPT_CB('f', "format", "FMT", t, h, sf_opt_format, NULL, which)
/* -f, --format of a register table: text, csv, json or md. */
#define SF_OPT_FORMAT_TABLE(t) SF_OPT_FORMAT(t, "text (default), csv, json or md", SF_OPT_FMT_TABLE)
/* -o, --output: where --format's output goes instead of stdout ("-": stdout). */
#define SF_OPT_OUTPUT_FILE(t)                                                                      \
	SF_OPT_FILE_OUT('o', "output", "FILE", t, "write there (atomically) instead of stdout")
/* --json, --csv, --md FILE: that format of the same result, besides --format's. */
#define SF_OPT_ALSO(l, t, h)                                                                       \
	{                                                                                          \
		.long_name = (l), .kind = SF_OPTK_STRING, .argname = "FILE", .target = (t),        \
		.help = (h), .flags = SF_OPT_OUTPUT | SF_OPT_NO_STDOUT                             \
	}
/* -s, --solver cbc|glpk: into an sf_solver_kind. */
#define SF_OPT_SOLVER(t)                                                                           \
	SF_OPT_CB('s', "solver", "NAME", t, "cbc (default) or glpk", sf_opt_solver, NULL, 0)
/* -t, --time-limit SEC: a positive number of seconds, into a double. */
#define SF_OPT_TIME_LIMIT(t, h)                                                                    \
	SF_OPT_DBL('t', "time-limit", "SEC", t, h, SF_OPT_MIN_OPEN, 0, 1e300, "time limit",        \
	           "is not a positive number of seconds")
/* -g, --gap REL: a relative gap in [0, 1), into a double. */
#define SF_OPT_GAP(t, h)                                                                           \
	SF_OPT_DBL('g', "gap", "REL", t, h, SF_OPT_MAX_OPEN, 0, 1, "gap",                          \
	           "is not a number in [0, 1)")
/* -j, --jobs N: worker processes, into an int. */
#define SF_OPT_JOBS(t, h) SF_OPT_NUM('j', "jobs", "N", t, h, 1, 256, "jobs")
/* -q, --quiet: no progress on stderr. */
#define SF_OPT_QUIET(t, h) SF_OPT_BOOL('q', "quiet", t, h)
/* -d, --db STORE: the register (SQLite file or postgresql:// URI). */
#define SF_OPT_DB(t, h) SF_OPT_STR('d', "db", "STORE", t, h)
/* The --db of the register commands, serve, worker and token. */
#define SF_OPT_DB_DEFAULT(t)                                                                       \
	SF_OPT_DB(t, "the store: a SQLite file (default " SF_CLI_DEFAULT_DB ") or a\n"             \
	             "postgresql:// URI (docs/deploy.md)")
/* --crossings FILE: the crossings and their names (aid import, list, report; serve). */
#define SF_OPT_CROSSINGS(t)                                                                        \
	SF_OPT_STR(0, "crossings", "FILE", t,                                                      \
	           "the crossings and the names each goes by:\n"                                   \
	           "CSV with columns crossing,name, as\n"                                          \
	           "examples/gaza/crossings.csv")
/* --seed S: an integer >= 0, into a uint64_t. */
#define SF_OPT_SEED(t, h) SF_OPT_CB(0, "seed", "S", t, h, sf_opt_seed, NULL, 0)

#endif
