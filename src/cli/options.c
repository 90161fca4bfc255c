/*
 * options.c - the parser and --help writer of the option tables
 * (options.h): one getopt_long loop for every command.
 *
 * From a table it builds getopt_long's long options (each long option
 * returns OPT_BASE + its index in the table) and its short-option string,
 * adds -h/--help and the hidden --list-options, then applies each option
 * to its target with its kind's checks. A long option must be spelled out
 * in full: getopt_long would take "--port" for "--port-file" (and write a
 * file named after the port), so an abbreviation is refused like an
 * unknown option. Every refusal says "stabforce CMD: ..." with the closest
 * option ("did you mean '--json'?"), then the usage on stderr, exit status
 * 2; a bad value gets the same. After the loop no output file may be
 * named twice (-o, --json, --csv, --md, --html, ...).
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"

/* getopt_long's value for table entry i is OPT_BASE + i; above every char. */
enum { OPT_BASE = 1000, OPT_LIST = 999, MAX_OPTS = 64, HELP_COL = 24 };

static size_t count(const sf_opt *opts)
{
	size_t n = 0;
	while (opts[n].kind != SF_OPTK_END)
		n++;
	return n;
}

/* "--long" or "-s": how a message names the option. */
static void opt_name(const sf_opt *o, char *buf, size_t size)
{
	if (o->long_name)
		sf_snprintf(buf, size, "--%s", o->long_name);
	else
		sf_snprintf(buf, size, "-%c", o->short_name);
}

static int bad_number(const char *cmd, const sf_opt *o, const char *arg)
{
	char name[64];
	opt_name(o, name, sizeof name);
	if (o->what)
		fprintf(stderr, "stabforce %s: %s '%s' %s\n", cmd, o->what, arg, o->expect);
	else
		fprintf(stderr, "stabforce %s: %s '%s' %s\n", cmd, name, arg, o->expect);
	return 2;
}

static int in_range(const sf_opt *o, double v)
{
	if ((o->flags & SF_OPT_MIN_OPEN) ? !(v > o->min) : !(v >= o->min))
		return 0;
	if ((o->flags & SF_OPT_MAX_OPEN) ? !(v < o->max) : !(v <= o->max))
		return 0;
	return 1;
}

static int apply_string(const char *cmd, const sf_opt *o, const char *arg)
{
	char name[64];
	opt_name(o, name, sizeof name);
	if ((o->flags & SF_OPT_NO_STDOUT) && !strcmp(arg, "-")) {
		fprintf(stderr, "stabforce %s: %s takes a file, not '-' (standard output)\n", cmd,
		        name);
		return 2;
	}
	if ((o->flags & SF_OPT_OUTPUT) && !arg[0]) {
		fprintf(stderr, "stabforce %s: %s needs a file name\n", cmd, name);
		return 2;
	}
	if ((o->flags & SF_OPT_NONEMPTY) && !arg[0]) {
		fprintf(stderr, "stabforce %s: %s needs a value\n", cmd, name);
		return 2;
	}
	*(const char **)o->target = arg;
	return 0;
}

/* Store arg (NULL for a flag) in o's target after o's checks; 0 or 2. */
static int apply(const char *cmd, const sf_opt *o, const char *arg)
{
	long l;
	double d;

	switch (o->kind) {
	case SF_OPTK_FLAG:
		*(int *)o->target = 1;
		return 0;
	case SF_OPTK_STRING:
		return apply_string(cmd, o, arg);
	case SF_OPTK_INT:
	case SF_OPTK_LONG:
		if (sf_parse_long(arg, &l) != 0 || !in_range(o, (double)l))
			return bad_number(cmd, o, arg);
		if (o->kind == SF_OPTK_INT)
			*(int *)o->target = (int)l;
		else
			*(long *)o->target = l;
		return 0;
	case SF_OPTK_DOUBLE:
		if (sf_parse_double(arg, &d) != 0 || !in_range(o, d))
			return bad_number(cmd, o, arg);
		*(double *)o->target = d;
		return 0;
	case SF_OPTK_CALLBACK:
		return o->fn(o, arg, cmd);
	default:
		return 2;
	}
}

/* No file may be two outputs at once ('-', stdout, is not a file). */
static int check_outputs(const char *cmd, const sf_opt *opts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *a;
		if (!(opts[i].flags & SF_OPT_OUTPUT))
			continue;
		a = *(const char *const *)opts[i].target;
		if (!a || !strcmp(a, "-"))
			continue;
		for (size_t k = i + 1; k < n; k++) {
			const char *b;
			if (!(opts[k].flags & SF_OPT_OUTPUT))
				continue;
			b = *(const char *const *)opts[k].target;
			if (b && !strcmp(a, b)) {
				fprintf(stderr, "stabforce %s: '%s' is given as two outputs\n", cmd,
				        a);
				return 2;
			}
		}
	}
	return 0;
}

/*
 * The argv element that named the long option getopt_long just returned:
 * "--name=value" or "--name" (then its value, if any, is the next element
 * and optind is past both).
 */
static const char *long_token(char **argv, const struct option *lo)
{
	const char *tok = argv[optind - 1];
	if (lo->has_arg == required_argument && optarg == tok && optind >= 2)
		tok = argv[optind - 2];
	return tok;
}

/* 1 if tok ("--name" or "--name=value") spells name in full. */
static int spelled_out(const char *tok, const char *name)
{
	size_t len;
	if (strncmp(tok, "--", 2) != 0)
		return 0;
	tok += 2;
	len = strcspn(tok, "=");
	return len == strlen(name) && !strncmp(tok, name, len);
}

/* "unknown option '--x'; did you mean '--y'?" for tok, then the usage. */
static int unknown_long(const sf_cli_spec *spec, const struct option *lo, size_t nl,
                        const char *tok)
{
	const char *names[MAX_OPTS + 3];
	char word[64];
	const char *best, *abbrev = NULL;
	sf_strlcpy(word, tok + 2, sizeof word);
	word[strcspn(word, "=")] = 0;
	for (size_t i = 0; i < nl; i++)
		names[i] = lo[i].name;
	for (size_t i = 0; word[0] && i < nl; i++)
		if (!strncmp(lo[i].name, word, strlen(word)) &&
		    (!abbrev || !strcmp(lo[i].name, "help")))
			abbrev = lo[i].name; /* the option it abbreviates (--help first) */
	best = abbrev ? abbrev : sf_closest(word, names, nl);
	if (best)
		fprintf(stderr, "stabforce %s: unknown option '--%s'; did you mean '--%s'?%s\n",
		        spec->name, word, best, abbrev ? " (options are spelled out in full)" : "");
	else
		fprintf(stderr, "stabforce %s: unknown option '--%s'\n", spec->name, word);
	sf_opt_usage(spec, stderr);
	return 2;
}

/* The long name of the option whose getopt value is val, or NULL. */
static const char *long_name_of(const struct option *lo, size_t nl, int val)
{
	for (size_t i = 0; i < nl; i++)
		if (lo[i].val == val)
			return lo[i].name;
	return NULL;
}

/* getopt_long returned '?' or ':' (opterr is 0): say what was wrong. */
static int refused(const sf_cli_spec *spec, const struct option *lo, size_t nl, int c, char **argv)
{
	const char *tok = argv[optind - 1];
	const char *ln = optopt ? long_name_of(lo, nl, optopt) : NULL;
	int is_long = tok && !strncmp(tok, "--", 2);

	if (c == ':' && is_long && ln)
		fprintf(stderr, "stabforce %s: option '--%s' needs a value\n", spec->name, ln);
	else if (c == ':')
		fprintf(stderr, "stabforce %s: option '-%c' needs a value\n", spec->name, optopt);
	else if (optopt && is_long && ln)
		fprintf(stderr, "stabforce %s: option '--%s' takes no value\n", spec->name, ln);
	else if (optopt)
		fprintf(stderr, "stabforce %s: unknown option '-%c'\n", spec->name, optopt);
	else
		return unknown_long(spec, lo, nl, tok);
	sf_opt_usage(spec, stderr);
	return 2;
}

int sf_opt_parse(const sf_cli_spec *spec, int argc, char **argv, int *first)
{
	struct option lo[MAX_OPTS + 3];
	char shorts[3 * MAX_OPTS + 4], shorts_with_colon[3 * MAX_OPTS + 5];
	size_t n = count(spec->opts), nl = 0, ns = 0;
	int c, li = -1;

	if (n > MAX_OPTS) {
		fprintf(stderr, "stabforce %s: more than %d options in its table\n", spec->name,
		        MAX_OPTS);
		return 2;
	}
	for (size_t i = 0; i < n; i++) {
		const sf_opt *o = &spec->opts[i];
		int has = o->argname ? required_argument : no_argument;
		if (o->kind == SF_OPTK_GROUP)
			continue;
		if (o->long_name)
			lo[nl++] = (struct option){o->long_name, has, NULL, OPT_BASE + (int)i};
		if (o->short_name) {
			shorts[ns++] = (char)o->short_name;
			if (has == required_argument)
				shorts[ns++] = ':';
		}
	}
	shorts[ns++] = 'h';
	shorts[ns] = 0;
	shorts_with_colon[0] = ':'; /* ':' for a missing value, '?' for the rest */
	memcpy(shorts_with_colon + 1, shorts, ns + 1);
	lo[nl++] = (struct option){"help", no_argument, NULL, 'h'};
	lo[nl++] = (struct option){"list-options", no_argument, NULL, OPT_LIST};
	lo[nl] = (struct option){NULL, 0, NULL, 0};

	optind = 0; /* GNU: start afresh (a register command parses twice) */
	opterr = 0; /* the messages are ours (refused) */
	for (; (c = getopt_long(argc, argv, shorts_with_colon, lo, &li)) != -1; li = -1) {
		const sf_opt *o = NULL;
		int rc;
		if (c == '?' || c == ':')
			return refused(spec, lo, nl, c, argv);
		if (li >= 0 && !spelled_out(long_token(argv, &lo[li]), lo[li].name))
			return unknown_long(spec, lo, nl, long_token(argv, &lo[li]));
		if (c == 'h') {
			sf_opt_usage(spec, stdout);
			return 0;
		}
		if (c == OPT_LIST) {
			sf_opt_list(spec, stdout);
			return 0;
		}
		if (c >= OPT_BASE && c < OPT_BASE + (int)n)
			o = &spec->opts[c - OPT_BASE];
		for (size_t i = 0; !o && i < n; i++)
			if (spec->opts[i].kind != SF_OPTK_GROUP && spec->opts[i].short_name == c)
				o = &spec->opts[i];
		if (!o) { /* not in the table: cannot happen, refuse rather than skip */
			sf_opt_usage(spec, stderr);
			return 2;
		}
		rc = apply(spec->name, o, optarg);
		if (rc != 0)
			return rc;
	}
	if (check_outputs(spec->name, spec->opts, n) != 0)
		return 2;
	*first = optind;
	return -1;
}

/* One option's line(s) in --help: "  -s, --long ARG" then the help at HELP_COL. */
static void usage_row(FILE *f, int sn, const char *ln, const char *arg, const char *help)
{
	char left[128];
	size_t len;
	if (sn && ln)
		sf_snprintf(left, sizeof left, "  -%c, --%s%s%s", sn, ln, arg ? " " : "",
		            arg ? arg : "");
	else if (ln)
		sf_snprintf(left, sizeof left, "      --%s%s%s", ln, arg ? " " : "",
		            arg ? arg : "");
	else
		sf_snprintf(left, sizeof left, "  -%c%s%s", sn, arg ? " " : "", arg ? arg : "");
	len = strlen(left);
	fputs(left, f);
	if (len + 2 > HELP_COL)
		fprintf(f, "\n%*s", HELP_COL, "");
	else
		fprintf(f, "%*s", (int)(HELP_COL - len), "");
	for (const char *p = help ? help : ""; *p;) {
		size_t k = strcspn(p, "\n");
		fprintf(f, "%.*s\n", (int)k, p);
		p += k;
		if (*p == '\n' && *++p)
			fprintf(f, "%*s", HELP_COL, "");
	}
	if (!help || !help[0] || help[strlen(help) - 1] == '\n')
		fputc('\n', f);
}

void sf_opt_usage(const sf_cli_spec *spec, FILE *f)
{
	fprintf(f, "usage: stabforce %s %s\n", spec->name, spec->usage);
	if (spec->about)
		fprintf(f, "\n%s\n", spec->about);
	if (spec->opts[0].kind != SF_OPTK_GROUP)
		fputs("\noptions:\n", f);
	for (const sf_opt *o = spec->opts; o->kind != SF_OPTK_END; o++) {
		if (o->kind == SF_OPTK_GROUP)
			fprintf(f, "\n%s\n", o->help);
		else if (!(o->flags & SF_OPT_HIDDEN))
			usage_row(f, o->short_name, o->long_name, o->argname, o->help);
	}
	usage_row(f, 'h', "help", NULL, "this help");
	if (spec->tail)
		fprintf(f, "\n%s\n", spec->tail);
}

static void list_row(FILE *f, int sn, const char *ln, const char *arg, const char *help,
                     unsigned flags)
{
	if (sn)
		fputc(sn, f);
	fprintf(f, "\t%s\t%s\t", ln ? ln : "", arg ? arg : "");
	for (const char *p = help ? help : ""; *p; p++)
		fputc(*p == '\n' || *p == '\t' ? ' ' : *p, f);
	fprintf(f, "\t%s\n", (flags & SF_OPT_OUTPUT) ? "output" : "");
}

void sf_opt_list(const sf_cli_spec *spec, FILE *f)
{
	for (const sf_opt *o = spec->opts; o->kind != SF_OPTK_END; o++)
		if (o->kind != SF_OPTK_GROUP && !(o->flags & SF_OPT_HIDDEN))
			list_row(f, o->short_name, o->long_name, o->argname, o->help, o->flags);
	list_row(f, 'h', "help", NULL, "this help", 0);
}

/* Callbacks of the shared options                                     */

int sf_opt_format(const sf_opt *o, const char *arg, const char *cmd)
{
	int fmt = sf_cli_parse_format(cmd, arg, o->value == SF_OPT_FMT_GEOJSON);
	if (fmt < 0)
		return 2;
	if (o->value == SF_OPT_FMT_TEXT_JSON && fmt != SF_FORMAT_TEXT && fmt != SF_FORMAT_JSON) {
		fprintf(stderr, "stabforce %s: --format must be text or json\n", cmd);
		return 2;
	}
	if (o->value == SF_OPT_FMT_NO_CSV && fmt == SF_FORMAT_CSV) {
		fprintf(stderr, "stabforce %s: --format must be text, md or json\n", cmd);
		return 2;
	}
	*(int *)o->target = fmt;
	return 0;
}

int sf_opt_solver(const sf_opt *o, const char *arg, const char *cmd)
{
	sf_solver_kind *s = o->target;
	if (!strcmp(arg, "cbc")) {
		*s = SF_SOLVER_CBC;
	} else if (!strcmp(arg, "glpk")) {
		*s = SF_SOLVER_GLPK;
	} else {
		fprintf(stderr, "stabforce %s: unknown solver '%s' (cbc or glpk)\n", cmd, arg);
		return 2;
	}
	return 0;
}

int sf_opt_seed(const sf_opt *o, const char *arg, const char *cmd)
{
	char *end = NULL;
	unsigned long long v;
	if (arg[0] < '0' || arg[0] > '9') {
		fprintf(stderr, "stabforce %s: seed '%s' is not an integer >= 0\n", cmd, arg);
		return 2;
	}
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (!end || *end || errno == ERANGE) {
		fprintf(stderr, "stabforce %s: seed '%s' is not an integer >= 0\n", cmd, arg);
		return 2;
	}
	*(uint64_t *)o->target = (uint64_t)v;
	return 0;
}

int sf_opt_day(const sf_opt *o, const char *arg, const char *cmd)
{
	char name[64];
	opt_name(o, name, sizeof name);
	return sf_cli_parse_day(cmd, name, arg, o->target) == 0 ? 0 : 2;
}
