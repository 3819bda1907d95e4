/*
 * meta.c - metadata (step 2 of internal.h): the YAML front matter, the
 * site's _config.yml and _data/course.yml (Liquid is liquid.c's).
 *
 * YAML is read with libyaml's document loader.  Aliases are never
 * followed (only scalars and sequences of scalars are read), so an alias
 * bomb costs nothing.  A file that is not valid YAML is an error with the
 * parser's file:line:col.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "../util/confine.h"
#include "internal.h"

/* Limit for site files read from the site root. */
#define MC_MAX_SITE_FILE (4u * 1024 * 1024)

int mc_fe_load_yaml(mc_fe *fe, const char *file, const char *text,
                    size_t len, uint32_t line0, bool warn_only,
                    yaml_document_t *doc)
{
	void (*report)(mc_diag *, const char *, uint32_t, uint32_t,
	               const char *, ...) = warn_only ? mc_warn_at
	                                              : mc_error_at;
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		report(fe->diag, file, 0, 0, "cannot start YAML parser");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, doc)) {
		const char *what = parser.problem ? parser.problem : "bad YAML";
		if (parser.context)
			report(fe->diag, file,
			       line0 + (uint32_t)parser.problem_mark.line,
			       (uint32_t)parser.problem_mark.column + 1,
			       "invalid YAML: %s %s (which starts at line %u, "
			       "column %u)",
			       what, parser.context,
			       line0 + (unsigned)parser.context_mark.line,
			       (unsigned)parser.context_mark.column + 1);
		else
			report(fe->diag, file,
			       line0 + (uint32_t)parser.problem_mark.line,
			       (uint32_t)parser.problem_mark.column + 1,
			       "invalid YAML: %s", what);
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_parser_delete(&parser);
	return 0;
}

static const char *scalar(mc_fe *fe, yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	return mc_strndup(fe->doc, (const char *)n->data.scalar.value,
	                  n->data.scalar.length);
}

/* Scalars of a sequence (or a space/comma separated scalar) as a list. */
static const char **string_list(mc_fe *fe, yaml_document_t *d,
                                yaml_node_t *n, size_t *count)
{
	*count = 0;
	if (!n)
		return NULL;
	if (n->type == YAML_SEQUENCE_NODE) {
		size_t k = (size_t)(n->data.sequence.items.top -
		                    n->data.sequence.items.start);
		const char **v = mc_arena_alloc(fe->doc->arena,
		                                 (k + 1) * sizeof(char *));
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			const char *s = scalar(fe, yaml_document_get_node(d, *it));
			if (s)
				v[(*count)++] = s;
		}
		return v;
	}
	if (n->type == YAML_SCALAR_NODE) {
		const char *s = scalar(fe, n);
		size_t k = 1;
		for (const char *c = s; *c; c++)
			k += (*c == ' ' || *c == ',');
		const char **v = mc_arena_alloc(fe->doc->arena,
		                                (k + 1) * sizeof(char *));
		const char *p = s;
		while (*p) {
			while (*p == ' ' || *p == ',')
				p++;
			const char *w = p;
			while (*p && *p != ' ' && *p != ',')
				p++;
			if (p > w)
				v[(*count)++] = mc_strndup(fe->doc, w,
				                           (size_t)(p - w));
		}
		return v;
	}
	return NULL;
}

typedef struct kv_iter {
	yaml_document_t *d;
	yaml_node_pair_t *p, *end;
	yaml_node_pair_t *start; /* the first pair */
} kv_iter;

static bool kv_next(kv_iter *it, yaml_node_t **k, yaml_node_t **v)
{
	if (!it->p || it->p >= it->end)
		return false;
	*k = yaml_document_get_node(it->d, it->p->key);
	*v = yaml_document_get_node(it->d, it->p->value);
	it->p++;
	return true;
}

static bool kv_start(kv_iter *it, yaml_document_t *d)
{
	yaml_node_t *root = yaml_document_get_root_node(d);
	it->d = d;
	it->p = it->end = it->start = NULL;
	if (!root || root->type != YAML_MAPPING_NODE)
		return false;
	it->p = it->start = root->data.mapping.pairs.start;
	it->end = root->data.mapping.pairs.top;
	return true;
}

static bool key_is(yaml_node_t *k, const char *s)
{
	return k && k->type == YAML_SCALAR_NODE &&
	       k->data.scalar.length == strlen(s) &&
	       memcmp(k->data.scalar.value, s, k->data.scalar.length) == 0;
}

/* One key of the front matter, for finding duplicates by sorting. */
typedef struct key_ref {
	const unsigned char *s;
	size_t len, i; /* i: the pair's position */
} key_ref;

static int cmp_key_ref(const void *a, const void *b)
{
	const key_ref *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->s, y->s, n);
	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* For each of the root mapping's n pairs, the position of the first pair
 * with the same (scalar) key: itself when no earlier pair has it.  n
 * entries (free them), or NULL when n is 0.  By sorting, so a front
 * matter of many keys costs n log n, not n^2. */
static size_t *first_keys(yaml_document_t *d, yaml_node_pair_t *p,
                          size_t n)
{
	if (n == 0)
		return NULL;
	size_t *first = mc_xcalloc(n, sizeof *first);
	key_ref *r = mc_xcalloc(n, sizeof *r);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		first[i] = i;
		yaml_node_t *k = yaml_document_get_node(d, p[i].key);
		if (k && k->type == YAML_SCALAR_NODE)
			r[m++] = (key_ref){k->data.scalar.value,
			                   k->data.scalar.length, i};
	}
	qsort(r, m, sizeof *r, cmp_key_ref); /* equal keys by position */
	for (size_t j = 1; j < m; j++)
		if (r[j].len == r[j - 1].len &&
		    memcmp(r[j].s, r[j - 1].s, r[j].len) == 0)
			first[r[j].i] = first[r[j - 1].i];
	free(r);
	return first;
}

int mc_fe_front_matter(mc_fe *fe, const char *yaml, size_t len,
                       uint32_t line)
{
	const char *file = fe->diag->file;
	yaml_document_t d;
	if (mc_fe_load_yaml(fe, file, yaml, len, line, false, &d) != 0)
		return -1;
	mc_meta *m = &fe->doc->meta;
	kv_iter it;
	yaml_node_t *root = yaml_document_get_root_node(&d);
	if (root && !kv_start(&it, &d)) {
		if (!(root->type == YAML_SCALAR_NODE &&
		      root->data.scalar.length == 0)) {
			mc_error(fe->diag, line + (uint32_t)root->start_mark.line,
			         (uint32_t)root->start_mark.column + 1,
			         "front matter must be a mapping of keys to "
			         "values");
			yaml_document_delete(&d);
			return -1;
		}
	}
	size_t cap = 0;
	yaml_node_t *k, *v;
	/* first[i]: the first pair with pair i's key; slot[f]: where the
	 * key of first pair f is in m->extra (SIZE_MAX: not there) */
	size_t np = root && it.p ? (size_t)(it.end - it.p) : 0;
	size_t *first = first_keys(&d, it.p, np);
	size_t *slot = np ? mc_xcalloc(np, sizeof *slot) : NULL;
	for (size_t i = 0; i < np; i++)
		slot[i] = SIZE_MAX;
	while (root && kv_next(&it, &k, &v)) {
		uint32_t kl = line + (uint32_t)k->start_mark.line;
		uint32_t kc = (uint32_t)k->start_mark.column + 1;
		const char *key = scalar(fe, k);
		if (!key) {
			mc_warn(fe->diag, kl, kc, "front matter key is not a "
			                          "string; ignored");
			continue;
		}
		/* duplicate keys: the last one wins, as in Jekyll */
		size_t pi = (size_t)(it.p - 1 - it.start);
		if (first[pi] != pi)
			mc_warn(fe->diag, kl, kc,
			        "duplicate front matter key '%s'", key);
		if (strcmp(key, "title") == 0) {
			const char *s = scalar(fe, v);
			if (s)
				m->title = s;
			else
				mc_warn(fe->diag, kl, kc, "title is not text");
		} else if (strcmp(key, "tags") == 0 ||
		           strcmp(key, "categories") == 0) {
			if (strcmp(key, "tags") == 0)
				m->tags = string_list(fe, &d, v, &m->ntags);
		} else if (strcmp(key, "permalink") == 0) {
			m->permalink = scalar(fe, v);
		} else if (strcmp(key, "lang") == 0 ||
		           strcmp(key, "language") == 0) {
			const char *s = scalar(fe, v);
			if (s && *s)
				m->lang = s;
		} else {
			const char *s = scalar(fe, v);
			if (!s)
				continue;
			size_t i = slot[first[pi]];
			if (i != SIZE_MAX) {
				m->extra[i].value = s; /* the last one wins */
				continue;
			}
			slot[first[pi]] = m->nextra;
			if (m->nextra == cap) {
				cap = cap ? cap * 2 : 8;
				mc_pair *nv = mc_arena_alloc(fe->doc->arena,
				                             cap * sizeof(mc_pair));
				if (m->nextra)
					memcpy(nv, m->extra,
					       m->nextra * sizeof(mc_pair));
				m->extra = nv;
			}
			m->extra[m->nextra].key = key;
			m->extra[m->nextra].value = s;
			m->nextra++;
		}
	}
	free(first);
	free(slot);
	yaml_document_delete(&d);
	return 0;
}

void mc_fe_dep(mc_fe *fe, const char *path)
{
	mc_meta *m = &fe->doc->meta;
	for (size_t i = 0; i < m->ndeps; i++)
		if (strcmp(m->deps[i], path) == 0)
			return;
	const char **deps = mc_arena_alloc(fe->doc->arena,
	                                   (m->ndeps + 1) * sizeof *deps);
	if (m->ndeps)
		memcpy(deps, m->deps, m->ndeps * sizeof *deps);
	deps[m->ndeps++] = mc_strdup(fe->doc, path);
	m->deps = deps;
}

void mc_fe_dep_absent(mc_fe *fe, const char *path)
{
	char *abs = mc_path_absolute(path);
	if (!abs)
		return;
	struct stat st;
	for (;;) {
		char *slash = strrchr(abs, '/');
		if (!slash)
			break;
		*(slash == abs ? slash + 1 : slash) = '\0';
		char *real = realpath(abs, NULL);
		if (real) { /* the nearest existing folder: watch it if it is
		               a folder inside the root */
			if (mc_path_inside(fe->root, real) &&
			    stat(real, &st) == 0 && S_ISDIR(st.st_mode))
				mc_fe_dep(fe, abs);
			free(real);
			break;
		}
		if (slash == abs)
			break;
	}
	free(abs);
}

char *mc_fe_read_site_file(mc_fe *fe, const char *rel, size_t *len)
{
	size_t n = strlen(fe->root) + strlen(rel) + 2;
	char *path = mc_xmalloc(n);
	snprintf(path, n, "%s/%s", fe->root, rel);
	struct stat st;
	if (lstat(path, &st) != 0) { /* absent: its appearance would count */
		mc_fe_dep_absent(fe, path);
		free(path);
		return NULL;
	}
	char why[PATH_MAX * 3];
	int fd = mc_confine_open(fe->root, path, NULL, why, sizeof why);
	FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		else /* nothing of a file outside the root is used */
			mc_error_at(fe->diag, path, 0, 0, "%s", why);
		free(path);
		return NULL;
	}
	free(path);
	if (fstat(fileno(f), &st) != 0 ||
	    st.st_size > (off_t)MC_MAX_SITE_FILE) {
		fclose(f);
		mc_warn(fe->diag, 0, 0, "%s is not a regular file of at most "
		                        "4 MiB; not read", rel);
		return NULL;
	}
	char *buf = mc_xmalloc((size_t)st.st_size + 1);
	size_t got = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	buf[got] = '\0';
	*len = got;
	return buf;
}

/* Load the site file `rel` (relative to the root) as YAML into d.
 * Returns 1 if loaded, 0 if there is no such file, -1 on an error. */
static int load_site_yaml(mc_fe *fe, const char *rel, yaml_document_t *d)
{
	size_t len;
	char *text = mc_fe_read_site_file(fe, rel, &len);
	if (!text)
		return 0;
	size_t n = strlen(fe->root) + strlen(rel) + 2;
	char *name = mc_xmalloc(n);
	snprintf(name, n, "%s/%s", fe->root, rel);
	int rc = mc_fe_load_yaml(fe, name, text, len, 1, false, d) == 0 ? 1 : -1;
	/* a dependency of every output (--depfile) */
	mc_fe_dep(fe, name);
	free(name);
	free(text);
	return rc;
}

int mc_fe_site(mc_fe *fe)
{
	mc_meta *m = &fe->doc->meta;
	yaml_document_t d;
	kv_iter it;
	yaml_node_t *k, *v;
	int rc1 = load_site_yaml(fe, "_config.yml", &d);
	if (rc1 > 0) {
		kv_start(&it, &d);
		while (kv_next(&it, &k, &v)) {
			if (key_is(k, "title"))
				m->site.title = scalar(fe, v);
			else if (key_is(k, "description"))
				m->site.description = scalar(fe, v);
			else if (key_is(k, "baseurl"))
				m->site.baseurl = scalar(fe, v);
			else if (key_is(k, "url"))
				m->site.url = scalar(fe, v);
			else if (key_is(k, "permalink"))
				m->site.permalink = scalar(fe, v);
			else if (key_is(k, "lang") && !m->lang)
				m->lang = scalar(fe, v);
		}
		yaml_document_delete(&d);
	}
	int rc2 = load_site_yaml(fe, "_data/course.yml", &d);
	if (rc2 > 0) {
		kv_start(&it, &d);
		while (kv_next(&it, &k, &v)) {
			if (key_is(k, "title"))
				m->course.title = scalar(fe, v);
			else if (key_is(k, "description"))
				m->course.description = scalar(fe, v);
			else if (key_is(k, "modules"))
				m->course.modules = string_list(fe, &d, v,
				                                &m->course.nmodules);
		}
		yaml_document_delete(&d);
	}
	return rc1 < 0 || rc2 < 0 ? -1 : 0;
}
