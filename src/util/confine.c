/*
 * confine.c - paths resolved and kept inside the site root (confine.h).
 */
#include "confine.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *mc_path_absolute(const char *path)
{
	char *cwd = NULL;
	if (path[0] != '/') {
		cwd = getcwd(NULL, 0);
		if (!cwd)
			return NULL;
	}
	size_t n = (cwd ? strlen(cwd) + 1 : 0) + strlen(path) + 2;
	char *in = malloc(n);
	char *out = malloc(n);
	if (!in || !out) {
		free(in);
		free(out);
		free(cwd);
		return NULL;
	}
	snprintf(in, n, "%s%s%s", cwd ? cwd : "", cwd ? "/" : "", path);
	free(cwd);
	/* fold the components of `in` into `out`, a stack of components */
	size_t len = 0;
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t k = (size_t)(p - s);
		if (k == 0 || (k == 1 && s[0] == '.'))
			continue;
		if (k == 2 && s[0] == '.' && s[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the slash before the dropped component */
			continue;
		}
		out[len++] = '/';
		memcpy(out + len, s, k);
		len += k;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	free(in);
	return out;
}

bool mc_path_inside(const char *root, const char *real)
{
	size_t rl = strlen(root);
	if (rl == 1 && root[0] == '/')
		return real[0] == '/';
	return strncmp(real, root, rl) == 0 &&
	       (real[rl] == '/' || real[rl] == '\0');
}

/* Whether path is a symbolic link; its target (as written) into t. */
static bool link_target(const char *path, char *t, size_t n)
{
	struct stat st;
	ssize_t tl = -1;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		tl = readlink(path, t, n - 1);
	if (tl < 0)
		return false;
	t[tl] = '\0';
	return true;
}

/* Why path, resolved to real, is refused: it leads outside root. */
static void outside(const char *root, const char *path, const char *real,
                    char *why, size_t whylen)
{
	char target[PATH_MAX];
	if (link_target(path, target, sizeof target)) {
		if (strcmp(target, real) != 0)
			snprintf(why, whylen, "is a symbolic link to %s (that is "
			         "%s), outside the site root %s; not read",
			         target, real, root);
		else
			snprintf(why, whylen, "is a symbolic link to %s, outside "
			         "the site root %s; not read", real, root);
		return;
	}
	char *abs = mc_path_absolute(path);
	if (abs && mc_path_inside(root, abs))
		snprintf(why, whylen, "leads through a symbolic link to %s, "
		         "outside the site root %s; not read", real, root);
	else
		snprintf(why, whylen, "is outside the site root %s; not read",
		         root);
	free(abs);
}

int mc_confine(const char *root, const char *path, char **real, char *why,
               size_t whylen)
{
	*real = realpath(path, NULL);
	if (!*real) {
		int e = errno;
		char target[PATH_MAX];
		if (link_target(path, target, sizeof target))
			snprintf(why, whylen, "is a symbolic link to %s, which "
			         "cannot be opened: %s", target, strerror(e));
		else
			snprintf(why, whylen, "cannot open: %s", strerror(e));
		return -1;
	}
	if (!mc_path_inside(root, *real)) {
		outside(root, path, *real, why, whylen);
		free(*real);
		*real = NULL;
		return -1;
	}
	return 0;
}

int mc_confine_open(const char *root, const char *path, char **real,
                    char *why, size_t whylen)
{
	char *r;
	if (real)
		*real = NULL;
	if (mc_confine(root, path, &r, why, whylen) != 0)
		return -1;
	/* O_NONBLOCK: opening a pipe must not wait for a writer */
	int fd = open(r, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "cannot open: %s", strerror(errno));
		free(r);
		return -1;
	}
	struct stat st;
	int fl;
	if (fstat(fd, &st) != 0) {
		snprintf(why, whylen, "cannot open: %s", strerror(errno));
		close(fd);
		free(r);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s",
		         S_ISDIR(st.st_mode)
		                 ? "is a directory, not a file"
		                 : "is not a regular file (a device, pipe or "
		                   "socket); not read");
		close(fd);
		free(r);
		return -1;
	}
	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		snprintf(why, whylen, "cannot open: %s", strerror(errno));
		close(fd);
		free(r);
		return -1;
	}
	if (real)
		*real = r;
	else
		free(r);
	return fd;
}
