/*
 * csv.c - the streaming RFC 4180 reader (see csv.h).
 *
 * A small state machine over a 64 KiB read buffer. Fields of the current
 * record are appended to one growing byte array, each ended by a NUL, with
 * their start offsets in a second array; both are reused from record to
 * record, so after the longest record nothing more is allocated. Lines are
 * counted on every LF, including those inside quoted fields, so rec_line is
 * the physical line where the record began (what a user sees in an editor).
 *
 * Leniency, chosen to lose nothing a person typed: a quote inside an
 * unquoted field is kept as a character; a lone CR is kept; CRLF ends a
 * record like LF. Errors (the record is still consumed to its end): a field
 * over max_field bytes, more than max_fields fields, text after a closing
 * quote, a NUL byte, and a quote still open at end of file.
 */
#include "base/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "stabforce/file.h"

enum { RBUF_SIZE = 64 * 1024 };

int sf__csv_init(sf__csv *c, FILE *f)
{
	memset(c, 0, sizeof *c);
	c->f = f;
	c->line = 1;
	c->max_field = SF__CSV_MAX_FIELD;
	c->max_fields = SF__CSV_MAX_FIELDS;
	c->max_raw = SF__CSV_MAX_RAW;
	c->max_record = SF__CSV_MAX_RECORD;
	c->rbuf = malloc(RBUF_SIZE);
	c->fcap = 1024;
	c->fbuf = malloc(c->fcap);
	c->offcap = 64;
	c->offs = sf__mallocarray(c->offcap, sizeof *c->offs);
	if (!c->rbuf || !c->fbuf || !c->offs) {
		sf__csv_release(c);
		return -1;
	}
	return 0;
}

void sf__csv_release(sf__csv *c)
{
	free(c->rbuf);
	free(c->fbuf);
	free(c->offs);
	free(c->raw);
	c->raw = NULL;
	c->rbuf = c->fbuf = NULL;
	c->offs = NULL;
}

/* Keep n bytes of the record as read (up to max_raw); -1 when out of memory. */
static int raw_add(sf__csv *c, const char *p, size_t n)
{
	size_t room;

	c->rawseen += n;
	if (!c->keep_raw || c->rawlen >= c->max_raw)
		return 0;
	room = c->max_raw - c->rawlen;
	if (n > room)
		n = room;
	if (c->rawlen + n > c->rawcap) {
		size_t ncap = c->rawcap ? c->rawcap : 256;
		while (ncap < c->rawlen + n)
			ncap *= 2;
		char *nb = realloc(c->raw, ncap);
		if (!nb)
			return -1;
		c->raw = nb;
		c->rawcap = ncap;
	}
	memcpy(c->raw + c->rawlen, p, n);
	c->rawlen += n;
	return 0;
}

/* Next byte, or -1 at end of input, -2 on a read error (or past max_bytes). */
static int getbyte(sf__csv *c)
{
	if (c->rpos == c->rlen) {
		if (c->eof)
			return -1;
		c->rlen = fread(c->rbuf, 1, RBUF_SIZE, c->f);
		c->rpos = 0;
		if (c->rlen < RBUF_SIZE) {
			if (ferror(c->f))
				return -2;
			c->eof = 1;
		}
		if (c->rlen == 0)
			return -1;
	}
	if (c->max_bytes && c->bytes >= c->max_bytes) {
		c->too_big = 1;
		return -2;
	}
	if (c->max_record && c->rawseen >= c->max_record) {
		c->too_long = 1;
		return -2;
	}
	c->bytes++;
	if (raw_add(c, c->rbuf + c->rpos, 1) < 0)
		return -2;
	return (unsigned char)c->rbuf[c->rpos++];
}

static int peekbyte(sf__csv *c)
{
	int ch = getbyte(c);
	if (ch >= 0) {
		c->rpos--;
		c->bytes--;
		c->rawseen--;
		if (c->rawlen > c->rawseen)
			c->rawlen = (size_t)c->rawseen;
	}
	return ch;
}

static void set_error(sf__csv *c, const char *msg)
{
	if (!c->error[0])
		sf_strlcpy(c->error, msg, sizeof c->error);
}

/* Append one byte to the current field; 0, or -1 when out of memory. */
static int put(sf__csv *c, char ch, size_t *fieldlen)
{
	if (*fieldlen >= c->max_field) {
		set_error(c, "field longer than the limit");
		return 0;
	}
	if (c->flen + 2 > c->fcap) {
		size_t ncap = c->fcap * 2;
		char *nb = realloc(c->fbuf, ncap);
		if (!nb)
			return -1;
		c->fbuf = nb;
		c->fcap = ncap;
	}
	c->fbuf[c->flen++] = ch;
	(*fieldlen)++;
	return 0;
}

/* Close the current field and open the next; -1 when out of memory. */
static int end_field(sf__csv *c)
{
	if (c->flen + 1 > c->fcap) {
		char *nb = realloc(c->fbuf, c->fcap * 2);
		if (!nb)
			return -1;
		c->fbuf = nb;
		c->fcap *= 2;
	}
	c->fbuf[c->flen++] = '\0';
	return 0;
}

/* Append n bytes to the current field (up to the cap); -1 when out of memory. */
static int put_run(sf__csv *c, const char *p, size_t n, size_t *fieldlen)
{
	if (*fieldlen + n > c->max_field) {
		set_error(c, "field longer than the limit");
		n = c->max_field > *fieldlen ? c->max_field - *fieldlen : 0;
	}
	if (c->flen + n + 2 > c->fcap) {
		size_t ncap = c->fcap;
		while (c->flen + n + 2 > ncap)
			ncap *= 2;
		char *nb = realloc(c->fbuf, ncap);
		if (!nb)
			return -1;
		c->fbuf = nb;
		c->fcap = ncap;
	}
	memcpy(c->fbuf + c->flen, p, n);
	c->flen += n;
	*fieldlen += n;
	return 0;
}

/*
 * The run of ordinary bytes at the read position: bytes that end or start
 * nothing in the current state (unquoted: not , " CR LF NUL; quoted: not
 * " LF NUL). Consumed and appended in one go: the fast path of the reader.
 */
static int fast_run(sf__csv *c, int quoted, size_t *fieldlen)
{
	const unsigned char *b = (const unsigned char *)c->rbuf + c->rpos;
	const unsigned char *e = (const unsigned char *)c->rbuf + c->rlen;
	const unsigned char *q = b;
	/* The bytes that stop a run: bit 1 unquoted, bit 2 quoted (a table: one load a byte). */
	static const unsigned char stop[256] = {
	        [0] = 3, ['\n'] = 3, ['"'] = 3, [','] = 1, ['\r'] = 1};
	const unsigned char bit = quoted ? 2 : 1;
	while (q < e && !(stop[*q] & bit))
		q++;
	size_t n = (size_t)(q - b);
	if (n == 0)
		return 0;
	if (c->max_bytes && c->bytes + n > c->max_bytes)
		n = (size_t)(c->max_bytes - c->bytes); /* getbyte() stops at the cap */
	if (c->max_record && c->rawseen + n > c->max_record)
		n = c->rawseen < c->max_record ? (size_t)(c->max_record - c->rawseen) : 0;
	c->rpos += n;
	c->bytes += n;
	if (raw_add(c, (const char *)b, n) < 0)
		return -1;
	return put_run(c, (const char *)b, n, fieldlen);
}

static int begin_field(sf__csv *c)
{
	if (c->nfields >= c->max_fields) {
		set_error(c, "too many fields");
		/* Reuse the last slot: the record is rejected anyway. */
		c->flen = c->offs[c->nfields - 1];
		return 0;
	}
	if (c->nfields == c->offcap) {
		size_t *no = sf__reallocarray(c->offs, c->offcap * 2, sizeof *no);
		if (!no)
			return -1;
		c->offs = no;
		c->offcap *= 2;
	}
	c->offs[c->nfields++] = c->flen;
	return 0;
}

int sf__csv_next(sf__csv *c)
{
	int ch;
	size_t fieldlen = 0;
	int quoted = 0;      /* inside a quoted field */
	int after_quote = 0; /* a quoted field has closed */
	int any = 0;

	c->flen = 0;
	c->nfields = 0;
	c->error[0] = '\0';

	if (!c->started) {
		c->started = 1;
		/* An optional UTF-8 byte-order mark. */
		ch = peekbyte(c);
		if (ch == 0xEF && c->rlen - c->rpos >= 3 &&
		    (unsigned char)c->rbuf[c->rpos + 1] == 0xBB &&
		    (unsigned char)c->rbuf[c->rpos + 2] == 0xBF) {
			c->rpos += 3;
			c->bytes += 3;
		}
	}
	c->rawlen = 0;
	c->rawseen = 0;
	c->rec_line = c->line;
	if (begin_field(c) < 0)
		return -1;

	for (;;) {
		/* At a field's start too: a run stops before an opening quote. */
		if (!after_quote && fast_run(c, quoted, &fieldlen) < 0)
			return -1;
		ch = getbyte(c);
		if (ch == -2)
			return -1;
		if (ch == -1) {
			if (!any)
				return 0;
			if (quoted)
				set_error(c, "unterminated quoted field at end of file");
			break;
		}
		any = 1;
		if (ch == 0) {
			set_error(c, "NUL byte in record");
			continue;
		}
		if (quoted) {
			if (ch == '"') {
				if (peekbyte(c) == '"') {
					getbyte(c);
					if (put(c, '"', &fieldlen) < 0)
						return -1;
				} else {
					quoted = 0;
					after_quote = 1;
				}
				continue;
			}
			if (ch == '\n')
				c->line++;
			if (put(c, (char)ch, &fieldlen) < 0)
				return -1;
			continue;
		}
		if (ch == ',') {
			if (end_field(c) < 0 || begin_field(c) < 0)
				return -1;
			fieldlen = 0;
			after_quote = 0;
			continue;
		}
		if (ch == '\n') {
			c->line++;
			break;
		}
		if (ch == '\r' && peekbyte(c) == '\n') {
			getbyte(c);
			c->line++;
			break;
		}
		if (after_quote) {
			set_error(c, "text after a closing quote");
			continue;
		}
		if (ch == '"' && fieldlen == 0 && c->flen == c->offs[c->nfields - 1]) {
			quoted = 1;
			continue;
		}
		if (put(c, (char)ch, &fieldlen) < 0)
			return -1;
	}
	if (end_field(c) < 0)
		return -1;
	return 1;
}

size_t sf__csv_field_len(const sf__csv *c, size_t i)
{
	size_t end = i + 1 < c->nfields ? c->offs[i + 1] - 1 : c->flen - 1;
	return end - c->offs[i];
}

const char *sf__csv_raw(const sf__csv *c, size_t *len)
{
	size_t n = c->rawlen;

	if (!c->keep_raw) {
		*len = 0;
		return NULL;
	}
	if (c->rawseen == c->rawlen) { /* whole: drop the line end */
		if (n > 0 && c->raw[n - 1] == '\n')
			n--;
		if (n > 0 && c->raw[n - 1] == '\r' && n < c->rawlen)
			n--;
	}
	*len = n;
	return c->rawseen == c->rawlen ? (c->raw ? c->raw : "") : NULL;
}

int sf__csv_field_column(const sf__csv *c, size_t i, long *line)
{
	size_t n, k, col = 1, field = 0;
	const char *raw = sf__csv_raw(c, &n);
	int quoted = 0;

	*line = c->rec_line;
	if (!raw || i >= c->nfields)
		return 0;
	/* The record again, counting only what separates fields and lines. */
	for (k = 0; k < n && field < i; k++, col++) {
		if (raw[k] == '"')
			quoted = !quoted; /* "" inside a quoted field toggles twice */
		else if (raw[k] == ',' && !quoted)
			field++;
		else if (raw[k] == '\n') {
			(*line)++;
			col = 0;
		}
	}
	return field == i ? (int)col : 0;
}

int sf__csv_write_reject(const sf__csv *c, sf_buf *b, FILE *out, const char *reason)
{
	size_t n;
	const char *raw = sf__csv_raw(c, &n);
	int rc = SF_OK;

	sf_buf_reset(b);
	rc |= sf_buf_addf(b, "%ld,", c->rec_line);
	if (raw) {
		rc |= sf__csv_quote(b, reason);
		rc |= sf_buf_addc(b, ',');
		rc |= sf_buf_add(b, raw, n);
	} else {
		char why[256];
		sf_snprintf(why, sizeof why,
		            "%s (the row is longer than %zu bytes: its fields "
		            "are written as read, each cut at %zu bytes)",
		            reason, c->max_raw, c->max_field);
		rc |= sf__csv_quote(b, why);
		for (size_t i = 0; i < c->nfields; i++) {
			rc |= sf_buf_addc(b, ',');
			rc |= sf__csv_quote(b, sf__csv_field(c, i));
		}
	}
	rc |= sf_buf_addc(b, '\n');
	if (rc != SF_OK)
		return SF_ERR_NOMEM;
	if (fwrite(b->data, 1, b->len, out) != b->len)
		return SF_ERR_IO;
	return SF_OK;
}

int sf__csv_read_error(const sf__csv *c, const char *name, const char *what, sf_error *err)
{
	char cap[32];

	if (c->too_long)
		return sf_error_set_at(err, SF_ERR_INPUT, name, (int)c->rec_line, 1, NULL,
		                       "a record longer than %s starting at line %ld: is '%s' "
		                       "a CSV file?",
		                       sf_file_size_text((size_t)c->max_record, cap, sizeof cap),
		                       c->rec_line, name);
	if (c->too_big)
		return sf_error_set_at(err, SF_ERR_INPUT, name, (int)c->line, 0, NULL,
		                       "'%s' is too large: more than %s, the limit for %s", name,
		                       sf_file_size_text((size_t)c->max_bytes, cap, sizeof cap),
		                       what);
	if (ferror(c->f))
		return sf_error_set_at(err, SF_ERR_IO, name, 0, 0, NULL, "cannot read '%s': %s",
		                       name, strerror(errno ? errno : EIO));
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory reading '%s'", name);
}

int sf__csv_blank(const sf__csv *c)
{
	return c->nfields == 1 && c->fbuf[c->offs[0]] == '\0';
}

int sf__csv_quote(sf_buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && s[0] != '\0' && s[strlen(s) - 1] != ' ')
		return sf_buf_adds(b, s) == SF_OK ? 0 : -1;
	if (s[0] == '\0')
		return 0;
	if (sf_buf_addc(b, '"') != SF_OK)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p == '"' && sf_buf_addc(b, '"') != SF_OK)
			return -1;
		if (sf_buf_addc(b, *p) != SF_OK)
			return -1;
	}
	return sf_buf_addc(b, '"') == SF_OK ? 0 : -1;
}
