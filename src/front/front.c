/*
 * front.c - the front-end's entry points: read the input, find the site
 * root, and run the steps of internal.h in order.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/confine.h"
#include "internal.h"

char *mc_front_find_root(const char *start, const mc_front_opts *opts,
                         mc_diag *diag)
{
	const char *given = opts ? opts->root : NULL;
	char *abs = mc_path_absolute(given ? given : start);
	if (!abs) {
		mc_error(diag, 0, 0, "cannot resolve folder %s: %s",
		         given ? given : start, strerror(errno));
		return NULL;
	}
	/* the nearest folder at or above `start`, as written, holding
	 * _config.yml; if none, `start` itself */
	size_t keep = strlen(abs);
	if (!given) {
		char *probe = mc_xmalloc(strlen(abs) + 16);
		for (size_t n = strlen(abs);;) {
			snprintf(probe, n + 16, "%.*s/_config.yml", (int)n,
			         n == 1 ? "" : abs);
			struct stat st;
			if (stat(probe, &st) == 0 && S_ISREG(st.st_mode)) {
				keep = n;
				break;
			}
			while (n > 1 && abs[n - 1] != '/')
				n--;
			if (n <= 1)
				break;
			n--; /* the slash */
		}
		free(probe);
	}
	abs[keep] = '\0';
	char *root = realpath(abs, NULL);
	if (!root)
		mc_error(diag, 0, 0, "%s %s: %s",
		         given ? "site root" : "cannot resolve folder", abs,
		         strerror(errno));
	free(abs);
	return root;
}

static void fe_free(mc_fe *fe)
{
	free(fe->src);
	free(fe->liquid_body);
	free(fe->chunk_text);
	free(fe->liq_line);
	free(fe->liq_col);
	mc_buf_free(&fe->md);
	free(fe->map_line);
	free(fe->map_col);
	free(fe->conts);
	free(fe->chunks);
	free(fe->ials);
	free(fe->alds);
	free(fe->abbrs);
	free(fe->tocs);
	free(fe->autodir);
	free(fe->cut_off);
	free(fe->cut_line);
	free(fe->drops);
}

/* Parse data; `root` is the resolved site root, or NULL to find it from
 * `dir` (mc_front_find_root).  own is NULL, or data itself (malloc'd,
 * NUL at data[len]) handed over: freed here, as soon as it is decoded. */
static int parse_mem(const char *data, size_t len, char *own,
                     const char *name, const char *dir,
                     const char *given_root, const mc_front_opts *opts,
                     mc_diag *diag, mc_doc **out)
{
	*out = NULL;
	mc_front_opts defaults = {NULL, 3};
	if (!opts)
		opts = &defaults;
	mc_fe fe;
	memset(&fe, 0, sizeof fe);
	fe.diag = diag;
	fe.opts = opts;
	fe.doc = mc_doc_new();
	mc_doc *doc = fe.doc;
	doc->meta.title = "";
	doc->meta.lang = NULL; /* front matter, then _config.yml, then
	                          --lang, then "en" */
	doc->meta.source = mc_strdup(doc, name ? name : "-");

	/* directories, absolute and real, so containment checks hold */
	char *rdir = realpath(dir ? dir : ".", NULL);
	if (!rdir) {
		mc_error(diag, 0, 0, "cannot resolve directory %s: %s",
		         dir ? dir : ".", strerror(errno));
		mc_doc_free(doc);
		free(own);
		return -1;
	}
	fe.dir = mc_strdup(doc, rdir);
	char *found = given_root ? NULL
	                         : mc_front_find_root(dir ? dir : ".", opts,
	                                              diag);
	free(rdir);
	if (!given_root && !found) {
		mc_doc_free(doc);
		free(own);
		return -1;
	}
	fe.root = mc_strdup(doc, given_root ? given_root : found);
	doc->meta.root = fe.root;
	free(found);

	const char *fm = NULL;
	size_t fmlen = 0;
	uint32_t fmline = 0;
	int rc = mc_fe_decode(&fe, data, len, own);
	if (rc == 0)
		rc = mc_fe_split_front_matter(&fe, &fm, &fmlen, &fmline);
	if (rc == 0 && fm)
		rc = mc_fe_front_matter(&fe, fm, fmlen, fmline);
	if (rc == 0)
		rc = mc_fe_site(&fe);
	if (rc == 0 && !doc->meta.lang)
		doc->meta.lang = opts->lang ? mc_strdup(doc, opts->lang) : "en";
	if (rc == 0 && mc_lang_rtl(doc->meta.lang))
		doc->meta.dir = MC_DIR_RTL;
	if (rc == 0)
		rc = mc_fe_liquid(&fe, fm, fmlen, fmline);
	if (rc == 0)
		rc = mc_fe_prepass(&fe);
	if (rc == 0)
		mc_fe_release_body(&fe);
	if (rc == 0)
		rc = mc_fe_markdown(&fe);
	/* the model holds copies of all it needs */
	free(fe.md.data);
	fe.md = (mc_buf)MC_BUF_INIT;
	if (rc == 0)
		rc = mc_fe_rules(&fe);
	if (rc == 0)
		mc_fe_lost_report(&fe);
	fe_free(&fe);
	if (rc == 0) {
		/* the contract every backend relies on (model.h) */
		char err[256];
		if (mc_doc_validate(doc, err, sizeof err) != 0) {
			mc_error(diag, 0, 0, "internal error, please report: %s",
			         err);
			rc = -1;
		}
	}
	if (rc != 0 || mc_diag_failed(diag)) {
		mc_doc_free(doc);
		return -1;
	}
	*out = doc;
	return 0;
}

int mc_front_parse_buffer(const char *data, size_t len, const char *name,
                          const char *dir, const mc_front_opts *opts,
                          mc_diag *diag, mc_doc **out)
{
	return parse_mem(data, len, NULL, name, dir, NULL, opts, diag, out);
}

/* The folder of a file path as written: "." for a bare name. */
static char *dir_of(const char *path)
{
	char *dir = mc_xmalloc(strlen(path) + 2);
	strcpy(dir, path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	return dir;
}

/* Read all of f (at most MC_MAX_INPUT bytes) into b, `size` bytes
 * expected (0 if unknown): the buffer is then exactly that large unless
 * the file has grown.  0, or -1 after a message. */
static int read_all(FILE *f, size_t size, mc_buf *b, mc_diag *diag)
{
	if (size && size <= MC_MAX_INPUT)
		mc_buf_reserve(b, size + 1); /* + 1: the end is seen without
		                                growing */
	for (;;) {
		if (b->cap - b->len < 2) /* room for one more byte and the NUL */
			mc_buf_grow(b, 65536);
		size_t room = b->cap - b->len - 1;
		if (b->len + room > MC_MAX_INPUT + 1)
			room = MC_MAX_INPUT + 1 - b->len;
		size_t n = fread(b->data + b->len, 1, room, f);
		b->len += n;
		b->data[b->len] = '\0';
		if (b->len > MC_MAX_INPUT) {
			mc_error(diag, 0, 0, "input is larger than the %u MiB "
			                     "limit", MC_MAX_INPUT / (1024 * 1024));
			return -1;
		}
		if (n < room)
			break;
	}
	if (ferror(f)) {
		mc_error(diag, 0, 0, "read error");
		return -1;
	}
	mc_buf_fit(b);
	return 0;
}

int mc_front_parse_file(const char *path, const mc_front_opts *opts,
                        mc_diag *diag, mc_doc **out)
{
	*out = NULL;
	mc_buf b = MC_BUF_INIT;
	if (strcmp(path, "-") == 0) {
		int rc = read_all(stdin, 0, &b, diag);
		if (rc != 0) {
			mc_buf_free(&b);
			return rc;
		}
		size_t len;
		char *data = mc_buf_detach(&b, &len);
		return parse_mem(data, len, data, "-", NULL, NULL, opts, diag,
		                 out);
	}
	/* the root from the path as written; the page must resolve inside */
	char *dir = dir_of(path);
	char *root = mc_front_find_root(dir, opts, diag);
	if (!root) {
		free(dir);
		return -1;
	}
	char why[PATH_MAX * 3];
	int fd = mc_confine_open(root, path, NULL, why, sizeof why);
	FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
	int rc = -1;
	struct stat st;
	if (fd < 0) {
		mc_error(diag, 0, 0, "%s", strcmp(why, "is a directory, not a "
		                                       "file")
		                               ? why
		                               : "is a directory, not a "
		                                 "Markdown file");
	} else if (!f) {
		mc_error(diag, 0, 0, "cannot open: %s", strerror(errno));
		close(fd);
	} else if (fstat(fd, &st) != 0) {
		mc_error(diag, 0, 0, "cannot read: %s", strerror(errno));
	} else if (read_all(f, S_ISREG(st.st_mode) && st.st_size > 0
	                           ? (size_t)st.st_size : 0,
	                    &b, diag) == 0) {
		fclose(f);
		f = NULL;
		/* the bytes go to the parse, which frees them once decoded */
		size_t len;
		char *data = mc_buf_detach(&b, &len);
		rc = parse_mem(data, len, data, path, dir, root, opts, diag,
		               out);
		if (rc == 0 && (int64_t)st.st_mtime > (*out)->meta.date)
			(*out)->meta.date = (int64_t)st.st_mtime;
	}
	if (f)
		fclose(f);
	free(root);
	free(dir);
	mc_buf_free(&b);
	return rc;
}
