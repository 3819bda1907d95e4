/* output.c - writing outputs safely; see cli.h. */
#define _GNU_SOURCE /* fallocate */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"

/* ---- outputs that are inputs ---- */

typedef struct file_key {
	dev_t dev;
	ino_t ino;
	size_t i; /* index in the paths given */
} file_key;

struct mc_input_set {
	const char *const *paths; /* borrowed */
	file_key *keys;           /* sorted by (dev, ino) */
	size_t n;
};

static int cmp_key(const void *a, const void *b)
{
	const file_key *x = a, *y = b;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

mc_input_set *mc_input_set_new(const char *const *paths, size_t n)
{
	mc_input_set *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->paths = paths;
	s->keys = calloc(n ? n : 1, sizeof *s->keys);
	if (!s->keys) {
		free(s);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (paths[i] && strcmp(paths[i], "-") != 0 &&
		    stat(paths[i], &st) == 0)
			s->keys[s->n++] = (file_key){st.st_dev, st.st_ino, i};
	}
	qsort(s->keys, s->n, sizeof *s->keys, cmp_key);
	return s;
}

void mc_input_set_free(mc_input_set *s)
{
	if (!s)
		return;
	free(s->keys);
	free(s);
}

bool mc_output_is_input(const mc_input_set *s, const char *output,
                        const char *who, FILE *err)
{
	struct stat st;
	if (!s || !s->n || !output || strcmp(output, "-") == 0 ||
	    stat(output, &st) != 0)
		return false;
	file_key key = {st.st_dev, st.st_ino, 0};
	const file_key *in = bsearch(&key, s->keys, s->n, sizeof *s->keys,
	                             cmp_key);
	if (!in)
		return false;
	fprintf(err, "%s: the output %s is the input file %s; refusing to "
	             "overwrite it\n",
	        who, output, s->paths[in->i]);
	return true;
}

int mc_output_in(const char *output, const char *const *inputs, size_t n,
                 const char *who, FILE *err)
{
	mc_input_set *s = mc_input_set_new(inputs, n);
	if (!s) {
		fprintf(err, "%s: out of memory\n", who);
		return -1;
	}
	bool hit = mc_output_is_input(s, output, who, err);
	mc_input_set_free(s);
	return hit ? 1 : 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0) {
			errno = EIO;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int mc_write_stdout(const mc_buf *b)
{
	size_t n = b->len;
	if (n && fwrite(b->data, 1, n, stdout) != n)
		goto fail;
	if (fflush(stdout) != 0 || ferror(stdout))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "mentorconv: cannot write standard output: %s\n",
	        strerror(errno));
	return 1;
}

/* Write b to an existing output that is not a regular file (/dev/null,
 * a pipe, a terminal): in place, since renaming a file over it would
 * replace the device. */
static int write_special(const char *path, const mc_buf *b, FILE *err)
{
	int fd = open(path, O_WRONLY | O_APPEND);
	if (fd < 0 || write_all(fd, b->data ? b->data : "", b->len) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		fprintf(err, "mentorconv: cannot write %s: %s\n", path,
		        strerror(e));
		return 1;
	}
	if (close(fd) != 0) {
		fprintf(err, "mentorconv: cannot write %s: %s\n", path,
		        strerror(errno));
		return 1;
	}
	return 0;
}

/* Write b to path through a temporary file renamed into place. */
int mc_write_file(const char *path, const mc_buf *b, mode_t mask,
                  FILE *err, mc_tmpreg *tmps)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(err, "mentorconv: cannot write %s: it is a directory\n",
		        path);
		return 1;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return write_special(path, b, err);

	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dirlen;
	mc_buf tmp = MC_BUF_INIT;
	mc_buf_put(&tmp, path, dirlen);
	mc_buf_printf(&tmp, ".%s.XXXXXX", base);

	int e = 0;
	int fd = mc_tmpreg_mkstemp(tmps, tmp.data);
	if (fd < 0) {
		e = errno;
		goto out;
	}
	/* no fsync: the rename makes the output appear whole or not at all,
	 * and a sync per file would cost more than the conversion.  A
	 * failed write (disk full, EFBIG past `ulimit -f`: SIGXFSZ is
	 * ignored) removes the partial file. */
	/* the output's blocks allocated before it is written: on ext4, a
	 * rename over an existing file otherwise starts writing the new
	 * one's delayed blocks back at once (auto_da_alloc), a device
	 * request per output (3% of a one-line PDF's time).  Where the
	 * file system cannot (EOPNOTSUPP), the data goes as it is. */
	if (b->len)
		(void)fallocate(fd, 0, 0, (off_t)b->len);
	if (write_all(fd, b->data ? b->data : "", b->len) != 0 ||
	    fchmod(fd, 0666 & ~mask) != 0) {
		e = errno;
		close(fd);
		unlink(tmp.data);
	} else if (close(fd) != 0) {
		e = errno;
		unlink(tmp.data);
	} else if (rename(tmp.data, path) != 0) {
		e = errno;
		unlink(tmp.data);
	}
	mc_tmpreg_done(tmps, tmp.data);
out:
	mc_buf_free(&tmp);
	if (e) {
		fprintf(err, "mentorconv: cannot write %s: %s\n", path,
		        strerror(e));
		return 1;
	}
	return 0;
}


int mc_make_parent_dirs(const char *path, mode_t mask, FILE *err)
{
	char *d = malloc(strlen(path) + 1);
	if (!d) {
		fprintf(err, "mentorconv: out of memory\n");
		return 1;
	}
	strcpy(d, path);
	char *slash = strrchr(d, '/');
	int rc = 0;
	if (slash && slash != d) {
		*slash = '\0';
		for (char *p = d + 1;; p++) {
			if (*p != '/' && *p)
				continue;
			char c = *p;
			*p = '\0';
			struct stat st;
			if (stat(d, &st) != 0) {
				if (mkdir(d, 0777 & ~mask) != 0 && errno != EEXIST) {
					fprintf(err, "mentorconv: cannot create "
					             "folder %s: %s\n",
					        d, strerror(errno));
					rc = 1;
					break;
				}
			} else if (!S_ISDIR(st.st_mode)) {
				fprintf(err, "mentorconv: cannot create folder "
				             "%s: a file is in the way\n", d);
				rc = 1;
				break;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	free(d);
	return rc;
}
