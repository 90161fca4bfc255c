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
 * with an error message: the caller rejects it and goes on.
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

	long line;         /* physical line of the next byte, 1-based */
	long rec_line;     /* line the current record started on */
	uint64_t bytes;    /* bytes consumed so far */
	size_t max_field;  /* longest field accepted, bytes */
	size_t max_fields; /* most fields in a record */
	char error[128];   /* why the current record is malformed, "" if it is not */
} sf__csv;

enum { SF__CSV_MAX_FIELD = 1 << 20, SF__CSV_MAX_FIELDS = 4096 };

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

/* 1 when the record is a single empty field (a blank line). */
int sf__csv_blank(const sf__csv *c);

/* Append s to b as one CSV field, quoted when it needs to be. */
struct sf_buf;
int sf__csv_quote(struct sf_buf *b, const char *s);

#endif
