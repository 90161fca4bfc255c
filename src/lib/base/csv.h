/*
 * csv.h - a streaming RFC 4180 reader (internal).
 *
 * The reader holds one record at a time: memory is the read buffer plus the
 * longest record, never the file. It accepts what spreadsheets and ACLED
 * exports really produce: an optional UTF-8 byte-order mark, LF or CRLF line
 * ends, quoted fields holding commas, doubled quotes and newlines. Each
 * record knows the physical line it started on, so a rejected row can be
 * found in the file. A record that breaks the rules (a field longer than the
 * cap, an unterminated quote, text after a closing quote, a NUL byte) is
 * still read to its end, so the next record starts clean, and is returned
 * with an error message: the caller rejects it and goes on. With keep_raw
 * the record's bytes are also kept exactly as read, so that a rejected row
 * can be written out unchanged. An input longer than max_bytes stops the
 * reader (too_big).
 */
#ifndef STABFORCE_CSV_H
#define STABFORCE_CSV_H

#include <stdint.h>
#include <stdio.h>

typedef struct sf__csv {
	FILE *f;           /* not owned */
	char *rbuf;        /* read buffer */
	size_t rlen, rpos; /* bytes in rbuf, next byte to read */
	int eof;           /* fread hit end of file */
	int started;       /* the byte-order mark check is done */

	char *fbuf;        /* the current record's fields, each NUL-terminated */
	size_t flen, fcap; /* bytes used / allocated in fbuf */
	size_t *offs;      /* start of each field in fbuf */
	size_t nfields, offcap;

	long line;           /* physical line of the next byte, 1-based */
	long rec_line;       /* line the current record started on */
	uint64_t bytes;      /* bytes consumed so far */
	size_t max_field;    /* longest field accepted, bytes */
	size_t max_fields;   /* most fields in a record */
	uint64_t max_bytes;  /* most bytes read from the input, 0: no cap; past it
	                      * sf__csv_next() fails with too_big set */
	int too_big;         /* the input passed max_bytes */
	uint64_t max_record; /* longest record, bytes; past it (no line end in sight:
	                      * not a CSV file) sf__csv_next() fails with too_long set */
	int too_long;
	char error[128]; /* why the current record is malformed, "" if it is not */

	/* The current record's bytes exactly as read (keep_raw set before the
	 * first sf__csv_next()), for a rejects file: at most max_raw bytes. */
	int keep_raw;
	char *raw;
	size_t rawlen, rawcap; /* bytes kept / allocated */
	uint64_t rawseen;      /* bytes of the record seen (> rawlen when cut) */
	size_t max_raw;
} sf__csv;

enum {
	SF__CSV_MAX_FIELD = 1 << 20,
	SF__CSV_MAX_FIELDS = 4096,
	SF__CSV_MAX_RAW = 16 << 20,
	SF__CSV_MAX_RECORD = 64 << 20
};

/* Start reading f (caps at their defaults). Returns -1 when out of memory. */
int sf__csv_init(sf__csv *c, FILE *f);
void sf__csv_release(sf__csv *c);

/*
 * Read the next record. Returns 1 with the record in c (c->error set when it
 * is malformed), 0 at end of input, -1 on a read error or out of memory.
 * A blank line is a record of one empty field.
 */
int sf__csv_next(sf__csv *c);

static inline const char *sf__csv_field(const sf__csv *c, size_t i)
{
	return c->fbuf + c->offs[i];
}

/* The length of field i, bytes. */
size_t sf__csv_field_len(const sf__csv *c, size_t i);

/*
 * The current record as read, without its line end (keep_raw): *len bytes,
 * NUL bytes and all. Returns NULL when the record was longer than max_raw
 * (*len is then the kept part's length) or keep_raw is off.
 */
const char *sf__csv_raw(const sf__csv *c, size_t *len);

/*
 * Where field i of the current record starts, for a message: its physical
 * line (*line) and 1-based byte column on it. Needs keep_raw; returns 0
 * (and *line = rec_line) when the record was not kept.
 */
int sf__csv_field_column(const sf__csv *c, size_t i, long *line);

/* 1 when the record is a single empty field (a blank line). */
int sf__csv_blank(const sf__csv *c);

/* Append s to b as one CSV field, quoted when it needs to be. */
struct sf_buf;
int sf__csv_quote(struct sf_buf *b, const char *s);

/*
 * Write the current record to a rejects file as "LINE,REASON," followed by
 * the record exactly as read (keep_raw), NUL bytes and over-long fields
 * included, then a newline. A record longer than max_raw is written as its
 * parsed fields instead, and the reason says so. b is scratch space.
 * Returns SF_OK, SF_ERR_NOMEM or SF_ERR_IO.
 */
int sf__csv_write_reject(const sf__csv *c, struct sf_buf *b, FILE *out, const char *reason);

/*
 * The error for sf__csv_next() returning -1, set in err: the input passed
 * max_bytes ("'NAME' is too large: more than 1 GiB, the limit for WHAT"),
 * a record passed max_record, a read error, or out of memory. Returns the
 * status.
 */
int sf__csv_read_error(const sf__csv *c, const char *name, const char *what, struct sf_error *err);

#endif
