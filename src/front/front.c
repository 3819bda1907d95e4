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

#include "internal.h"

/* The nearest directory at or above dir holding _config.yml; if none,
 * dir itself (so nothing outside it is ever read). */
static char *find_root(const char *dir)
{
	char *d = mc_xmalloc(strlen(dir) + 16);
	strcpy(d, dir);
	for (;;) {
		size_t n = strlen(d);
		char *probe = mc_xmalloc(n + 16);
		snprintf(probe, n + 16, "%s/_config.yml", strcmp(d, "/") ? d : "");
		struct stat st;
		int found = stat(probe, &st) == 0 && S_ISREG(st.st_mode);
		free(probe);
		if (found)
			return d;
		char *slash = strrchr(d, '/');
		if (!slash || slash == d)
			break;
		*slash = '\0';
	}
	strcpy(d, dir);
	return d;
}

static void fe_free(mc_fe *fe)
{
	free(fe->src);
	free(fe->liquid_body);
	mc_buf_free(&fe->md);
	free(fe->map_line);
	free(fe->map_col);
	free(fe->conts);
	free(fe->chunks);
	free(fe->ials);
	free(fe->cut_off);
	free(fe->cut_line);
}

int mc_front_parse_buffer(const char *data, size_t len, const char *name,
                          const char *dir, const mc_front_opts *opts,
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
	doc->meta.source = mc_strdup(doc, name ? name : "-");

	/* directories, absolute and real, so containment checks hold */
	char *rdir = realpath(dir ? dir : ".", NULL);
	if (!rdir) {
		mc_error(diag, 0, 0, "cannot resolve directory %s: %s",
		         dir ? dir : ".", strerror(errno));
		mc_doc_free(doc);
		return -1;
	}
	fe.dir = mc_strdup(doc, rdir);
	char *root = NULL;
	if (opts->root) {
		root = realpath(opts->root, NULL);
		if (!root) {
			mc_error(diag, 0, 0, "site root %s: %s", opts->root,
			         strerror(errno));
			free(rdir);
			mc_doc_free(doc);
			return -1;
		}
	} else {
		root = find_root(rdir);
	}
	free(rdir);
	fe.root = mc_strdup(doc, root);
	doc->meta.root = fe.root;
	free(root);

	const char *fm;
	size_t fmlen;
	uint32_t fmline;
	int rc = mc_fe_decode(&fe, data, len);
	if (rc == 0)
		rc = mc_fe_split_front_matter(&fe, &fm, &fmlen, &fmline);
	if (rc == 0 && fm)
		rc = mc_fe_front_matter(&fe, fm, fmlen, fmline);
	if (rc == 0)
		rc = mc_fe_site(&fe);
	if (rc == 0 && !doc->meta.lang)
		doc->meta.lang = "en";
	if (rc == 0)
		rc = mc_fe_liquid(&fe);
	if (rc == 0)
		rc = mc_fe_prepass(&fe);
	if (rc == 0)
		rc = mc_fe_markdown(&fe);
	mc_buf_free(&fe.md); /* the model holds copies of all it needs */
	if (rc == 0)
		rc = mc_fe_rules(&fe);
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

int mc_front_parse_file(const char *path, const mc_front_opts *opts,
                        mc_diag *diag, mc_doc **out)
{
	*out = NULL;
	FILE *f;
	bool is_stdin = strcmp(path, "-") == 0;
	if (is_stdin) {
		f = stdin;
	} else {
		f = fopen(path, "rb");
		if (!f) {
			mc_error(diag, 0, 0, "cannot open: %s", strerror(errno));
			return -1;
		}
		struct stat st;
		if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
			fclose(f);
			mc_error(diag, 0, 0, "is a directory, not a Markdown file");
			return -1;
		}
	}
	mc_buf b = MC_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > MC_MAX_INPUT) {
			mc_error(diag, 0, 0, "input is larger than the %u MiB "
			                     "limit", MC_MAX_INPUT / (1024 * 1024));
			if (!is_stdin)
				fclose(f);
			mc_buf_free(&b);
			return -1;
		}
		mc_buf_put(&b, chunk, n);
	}
	bool err = ferror(f) != 0;
	if (!is_stdin)
		fclose(f);
	if (err) {
		mc_error(diag, 0, 0, "read error");
		mc_buf_free(&b);
		return -1;
	}
	char *dir = NULL;
	if (!is_stdin) {
		dir = mc_xmalloc(strlen(path) + 2);
		strcpy(dir, path);
		char *slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
		else
			strcpy(dir, ".");
	}
	int rc = mc_front_parse_buffer(b.data ? b.data : "", b.len,
	                               is_stdin ? "-" : path, dir, opts, diag,
	                               out);
	struct stat st;
	if (rc == 0 && !is_stdin && stat(path, &st) == 0 &&
	    (int64_t)st.st_mtime > (*out)->meta.date)
		(*out)->meta.date = (int64_t)st.st_mtime;
	free(dir);
	mc_buf_free(&b);
	return rc;
}
