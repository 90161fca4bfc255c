/*
 * file.c - whole-file reads with a size cap, and atomic writes (file.h).
 *
 * Reads: one loop for every input read whole (scenario, sector map, plan
 * JSON), so that each has a cap and its messages name the file. A regular
 * file larger than the cap is refused from its size before any byte is
 * read; anything else (a pipe, /dev/zero) is read up to the cap plus one
 * byte.
 *
 * Writes: an sf_outfile collects one output. For a regular destination
 * (or none yet, or a symbolic link) the bytes go to an unnamed temporary
 * file in the destination's directory (O_TMPFILE, so a process killed in
 * the middle leaves nothing behind; where the file system lacks it, a
 * named `PATH.tmp.XXXXXX` from mkstemp), which at the commit is flushed,
 * fsync'ed, given a name and renamed over the destination: rename(2)
 * replaces a symbolic link itself rather than writing through it, and is
 * atomic, so a reader never sees a part. A destination that is standard
 * output or an existing non-regular file (a terminal, a pipe, /dev/null,
 * /dev/full) cannot be replaced: its bytes are collected in memory and
 * written at the commit, after every file of the same commit is safe.
 *
 * Nothing here is process-global: the umask is read from /proc/self/status
 * when it can be (umask(2) can only read it by setting it).
 */
#include "base/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stabforce/file.h"

char *sf_file_size_text(size_t bytes, char *buf, size_t n)
{
	if (bytes >= ((size_t)1 << 30) && bytes % ((size_t)1 << 30) == 0)
		sf_snprintf(buf, n, "%zu GiB", bytes >> 30);
	else if (bytes >= ((size_t)1 << 20) && bytes % ((size_t)1 << 20) == 0)
		sf_snprintf(buf, n, "%zu MiB", bytes >> 20);
	else if (bytes >= 1024 && bytes % 1024 == 0)
		sf_snprintf(buf, n, "%zu KiB", bytes >> 10);
	else
		sf_snprintf(buf, n, "%zu bytes", bytes);
	return buf;
}

static sf_status too_big(const char *path, size_t max_bytes, const char *what, sf_error *err)
{
	char cap[32];

	return sf_error_set_at(err, SF_ERR_INPUT, path, 0, 0, NULL,
	                       "'%s' is too large: more than %s, the limit for %s", path,
	                       sf_file_size_text(max_bytes, cap, sizeof(cap)), what);
}

sf_status sf_file_read(const char *path, size_t max_bytes, const char *what, char **data,
                       size_t *len, sf_error *err)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *fp;
	struct stat st;
	char *buf = NULL, *grown;
	size_t cap = 0, used = 0, got;
	sf_status rc = SF_OK;

	*data = NULL;
	*len = 0;
	fp = is_stdin ? stdin : fopen(path, "rb");
	if (!fp)
		return sf_error_set_at(err, SF_ERR_IO, path, 0, 0, NULL, "cannot read '%s': %s",
		                       path, strerror(errno));
	if (fstat(fileno(fp), &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			rc = sf_error_set_at(err, SF_ERR_IO, path, 0, 0, NULL,
			                     "cannot read '%s': it is a directory", path);
			goto out;
		}
		if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > (uintmax_t)max_bytes) {
			rc = too_big(path, max_bytes, what, err);
			goto out;
		}
	}
	for (;;) {
		if (cap - used < 2) {
			size_t want = cap ? cap * 2 : 65536;
			if (want > max_bytes + 2)
				want = max_bytes + 2;
			if (want <= cap)
				break; /* cannot happen: used > max_bytes stops first */
			grown = realloc(buf, want);
			if (!grown) {
				rc = sf_error_set_at(err, SF_ERR_NOMEM, path, 0, 0, NULL,
				                     "out of memory reading '%s'", path);
				goto out;
			}
			buf = grown;
			cap = want;
		}
		got = fread(buf + used, 1, cap - used - 1, fp);
		used += got;
		if (used > max_bytes) {
			rc = too_big(path, max_bytes, what, err);
			goto out;
		}
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		rc = sf_error_set_at(err, SF_ERR_IO, path, 0, 0, NULL, "cannot read '%s': %s", path,
		                     strerror(errno ? errno : EIO));
		goto out;
	}
	if (!buf) {
		buf = malloc(1);
		if (!buf) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	buf[used] = '\0';
	*data = buf;
	*len = used;
	buf = NULL;
out:
	free(buf);
	if (!is_stdin)
		fclose(fp);
	else
		clearerr(stdin);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Atomic output                                                        */

struct sf_outfile {
	char *path;    /* destination, as given */
	FILE *fp;      /* the temporary file, or the memory stream */
	int fd;        /* the temporary file's descriptor, -1 for a memory stream */
	int unnamed;   /* fd is an O_TMPFILE: it gets a name at the commit */
	char *tmp;     /* the temporary file's name (named ones, or once linked) */
	char *mem;     /* memory stream contents (direct destinations) */
	size_t memlen; /* its length */
	int is_stdout; /* "-" */
	int failed;    /* a write failed: errno in saved_errno */
	int saved_errno;
};

/* The process's umask, without changing it (Linux: /proc/self/status). */
static mode_t current_umask(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	mode_t mask = 022;
	unsigned long v;

	if (!f)
		return mask;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Umask:", 6) == 0) {
			char *end;
			v = strtoul(line + 6, &end, 8);
			if (end != line + 6)
				mask = (mode_t)(v & 0777);
			break;
		}
	}
	fclose(f);
	return mask;
}

/* The directory part of path ("." when none), malloc'ed. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n;
	char *d;

	if (!slash)
		return strdup(".");
	n = slash == path ? 1 : (size_t)(slash - path);
	d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, path, n);
	d[n] = '\0';
	return d;
}

static void outfile_free(sf_outfile *o)
{
	if (!o)
		return;
	if (o->fp)
		fclose(o->fp);
	else if (o->fd >= 0)
		close(o->fd);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->mem);
	free(o->path);
	free(o);
}

static sf_status open_error(const char *path, int e, sf_error *err)
{
	return sf_error_set_at(err, SF_ERR_IO, path, 0, 0, NULL, "cannot write '%s': %s", path,
	                       strerror(e));
}

/* The temporary file for a replaceable destination. */
static sf_status open_temp(sf_outfile *o, mode_t mode, sf_error *err)
{
	char *dir = dir_of(o->path);
	sf_buf name;
	int e;

	if (!dir)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
#ifdef O_TMPFILE
	o->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
	if (o->fd >= 0)
		o->unnamed = 1;
#endif
	free(dir);
	if (o->fd < 0) {
		sf_buf_init(&name, 0);
		if (sf_buf_addf(&name, "%s.tmp.XXXXXX", o->path) != SF_OK)
			return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
		o->fd = mkstemp(name.data);
		if (o->fd < 0) {
			e = errno;
			sf_buf_release(&name);
			return open_error(o->path, e, err);
		}
		o->tmp = sf_buf_detach(&name);
	}
	/* mkstemp makes 0600, and O_TMPFILE's mode went through the umask. */
	if (fchmod(o->fd, mode) != 0 || !(o->fp = fdopen(o->fd, "wb")))
		return open_error(o->path, errno, err);
	return SF_OK;
}

sf_status sf_outfile_open(const char *path, sf_outfile **out, sf_error *err)
{
	sf_outfile *o;
	struct stat st;
	mode_t mode = 0666 & ~current_umask();
	sf_status rc;

	*out = NULL;
	o = calloc(1, sizeof(*o));
	if (!o)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	o->fd = -1;
	o->path = strdup(path);
	if (!o->path) {
		free(o);
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory");
	}
	o->is_stdout = strcmp(path, "-") == 0;
	if (o->is_stdout || (stat(path, &st) == 0 && !S_ISREG(st.st_mode))) {
		if (!o->is_stdout && S_ISDIR(st.st_mode)) {
			rc = sf_error_set_at(err, SF_ERR_IO, path, 0, 0, NULL,
			                     "cannot write '%s': it is a directory", path);
			goto fail;
		}
		o->fp = open_memstream(&o->mem, &o->memlen);
		if (!o->fp) {
			rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory");
			goto fail;
		}
		*out = o;
		return SF_OK;
	}
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
		mode = st.st_mode & 07777;
	rc = open_temp(o, mode, err);
	if (rc != SF_OK)
		goto fail;
	*out = o;
	return SF_OK;
fail:
	outfile_free(o);
	return rc;
}

FILE *sf_outfile_stream(sf_outfile *o)
{
	return o->fp;
}

const char *sf_outfile_path(const sf_outfile *o)
{
	return o->path;
}

sf_status sf_outfile_write(sf_outfile *o, const void *data, size_t n, sf_error *err)
{
	if (n && fwrite(data, 1, n, o->fp) != n && !o->failed) {
		o->failed = 1;
		o->saved_errno = errno ? errno : EIO;
	}
	if (o->failed)
		return open_error(o->path, o->saved_errno, err);
	return SF_OK;
}

static int write_fd(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Give an unnamed temporary file a name next to the destination. */
static int link_unnamed(sf_outfile *o)
{
	char proc[64];
	sf_buf name;
	int tries;

	sf_snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
	for (tries = 0; tries < 100; tries++) {
		sf_buf_init(&name, 0);
		/* a name unlikely to be taken; a taken one is tried again */
		unsigned long r = (unsigned long)getpid() * 2654435761UL ^
		                  (unsigned long)(uintptr_t)o ^ (unsigned long)tries * 40503UL ^
		                  (unsigned long)(sf__now() * 1e6);
		if (sf_buf_addf(&name, "%s.tmp.%06lu", o->path, r % 1000000UL) != SF_OK) {
			errno = ENOMEM;
			return -1;
		}
		if (linkat(AT_FDCWD, proc, AT_FDCWD, name.data, AT_SYMLINK_FOLLOW) == 0) {
			o->tmp = sf_buf_detach(&name);
			return 0;
		}
		sf_buf_release(&name);
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

/*
 * Phase 1 of a commit: everything but the rename. For a temporary file:
 * flush, fsync, name it, close. For a direct destination: close the memory
 * stream (the bytes are written in phase 2). Returns 0 or errno.
 */
static int prepare(sf_outfile *o)
{
	int e = 0;

	if (o->failed)
		return o->saved_errno;
	if (fflush(o->fp) != 0 || ferror(o->fp))
		return errno ? errno : EIO;
	if (o->mem || o->fd < 0) {
		/* memory stream: o->mem is valid after the fflush */
		return 0;
	}
	if (fsync(o->fd) != 0)
		return errno;
	if (o->unnamed && link_unnamed(o) != 0)
		return errno ? errno : EIO;
	if (fclose(o->fp) != 0)
		e = errno ? errno : EIO;
	o->fp = NULL;
	o->fd = -1;
	return e;
}

/* Phase 2: the rename, or the direct write. Returns 0 or errno. */
static int finish(sf_outfile *o)
{
	char *dir;
	int fd, e = 0;

	if (o->fd < 0 && o->tmp) {
		if (rename(o->tmp, o->path) != 0)
			return errno;
		free(o->tmp);
		o->tmp = NULL;
		/* make the rename itself durable; a failure here loses nothing */
		dir = dir_of(o->path);
		if (dir) {
			fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd >= 0) {
				(void)fsync(fd);
				close(fd);
			}
			free(dir);
		}
		return 0;
	}
	/* a direct destination: the memory stream's bytes */
	if (fclose(o->fp) != 0) {
		o->fp = NULL;
		return ENOMEM;
	}
	o->fp = NULL;
	if (o->is_stdout) {
		if ((o->memlen && fwrite(o->mem, 1, o->memlen, stdout) != o->memlen) ||
		    fflush(stdout) != 0)
			return errno ? errno : EIO;
		return 0;
	}
	fd = open(o->path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno;
	if (write_fd(fd, o->mem, o->memlen) != 0)
		e = errno;
	if (close(fd) != 0 && !e)
		e = errno;
	return e;
}

sf_status sf_outfile_commit_all(sf_outfile **v, size_t n, sf_error *err)
{
	sf_status rc = SF_OK;
	size_t i;
	int e;

	for (i = 0; i < n && rc == SF_OK; i++) {
		if (v[i] && (e = prepare(v[i])) != 0)
			rc = open_error(v[i]->path, e, err);
	}
	for (i = 0; i < n && rc == SF_OK; i++) {
		if (v[i] && (e = finish(v[i])) != 0)
			rc = open_error(v[i]->path, e, err);
	}
	for (i = 0; i < n; i++) {
		outfile_free(v[i]);
		v[i] = NULL;
	}
	return rc;
}

sf_status sf_outfile_commit(sf_outfile *o, sf_error *err)
{
	return sf_outfile_commit_all(&o, 1, err);
}

void sf_outfile_abort(sf_outfile *o)
{
	outfile_free(o);
}

sf_status sf_file_write_atomic(const char *path, const void *data, size_t n, sf_error *err)
{
	sf_outfile *o;
	sf_status rc = sf_outfile_open(path, &o, err);

	if (rc != SF_OK)
		return rc;
	rc = sf_outfile_write(o, data, n, err);
	if (rc != SF_OK) {
		sf_outfile_abort(o);
		return rc;
	}
	return sf_outfile_commit(o, err);
}
