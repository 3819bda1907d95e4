/*
 * collect.c - documents built from several inputs.
 *
 *   module     a folder holding _posts/ (or the _posts folder itself): its
 *              *.md files in file-name (date) order, one MC_SECTION chapter
 *              each; the module's title is its first section's (the
 *              overview).
 *   course     a site root holding _data/course.yml: its modules in the
 *              listed order (--all-modules adds the others), one MC_SECTION
 *              part each: the overview's content is the part's intro, the
 *              other sections its chapters.
 *   worksheets (--worksheets, any input) only the activity callouts are
 *              kept, one MC_SECTION worksheet each, headed by the page's
 *              title and a "Name ____ Date ____" line.
 *
 * Every page is parsed on its own (mc_front_parse_file) and its tree moved
 * under a section of the new document, whose arena takes over the page's.
 * On the way: headings demoted under the section titles, ids made unique
 * (renamed ids remembered per page), footnote labels and numbers and
 * answer numbers made unique, and links between the pages - by site URL
 * (permalink or Jekyll's permalink pattern), relative or absolute - turned
 * into "#id" links to the target's heading.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "internal.h"
#include "../util/grow.h"

/* ---- one page of the document ---- */

typedef struct idpair {
	const char *from, *to;
} idpair;

typedef struct page {
	mc_doc *doc;        /* the parsed page (its arena absorbed) */
	const char *path;   /* the file, as opened */
	const char *stem;   /* file name without ".md" */
	const char *slug;   /* stem without a "YYYY-MM-DD-" date */
	const char *title;  /* front matter title, else the slug */
	const char *url;    /* normalised site URL, or NULL */
	int module;         /* index of its module (course), else 0 */
	mc_node *sec;       /* its MC_SECTION (a course's overview: the part) */
	const char *anchor; /* id of the heading links to it go to */
	idpair *ren;        /* ids renamed when merged, sorted by from */
	size_t nren;
	mc_node **links;    /* its MC_LINK nodes */
	size_t nlinks;
} page;

typedef struct coll {
	mc_diag *diag;
	const mc_front_opts *opts;
	mc_doc *doc; /* the document being built */
	page *pages;
	size_t npages;
	mc_idset ids;
	mc_node **notes; /* footnote bodies, moved to the end */
	size_t nnotes;
	int note_base, answer_base;
	const char *baseurl;
} coll;

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *s = mc_xmalloc(n);
	snprintf(s, n, "%s%s%s", a, (*a && a[strlen(a) - 1] == '/') ? "" : "/",
	         b);
	return s;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

mc_input_kind mc_front_input_kind(const char *path)
{
	if (strcmp(path, "-") == 0 || !is_dir(path))
		return MC_INPUT_PAGE;
	char *p = join(path, "_data/course.yml");
	bool course = is_file(p);
	free(p);
	if (course)
		return MC_INPUT_COURSE;
	p = join(path, "_posts");
	bool module = is_dir(p);
	free(p);
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (module || (n >= 6 && strncmp(path + n - 6, "_posts", 6) == 0 &&
	               (n == 6 || path[n - 7] == '/')))
		return MC_INPUT_MODULE;
	return MC_INPUT_BAD;
}

/* ---- listing ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir that pass keep(), sorted bytewise; *n entries. */
static char **list_dir(const char *dir, bool (*keep)(const char *dir,
                                                     const char *name),
                       size_t *n)
{
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char **v = NULL;
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !keep(dir, e->d_name))
			continue;
		MC_GROW(v, *n, cap, 32);
		v[(*n)++] = strcpy(mc_xmalloc(strlen(e->d_name) + 1), e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof *v, cmp_str);
	return v;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool is_markdown(const char *dir, const char *name)
{
	size_t n = strlen(name);
	bool md = (n > 3 && strcmp(name + n - 3, ".md") == 0) ||
	          (n > 9 && strcmp(name + n - 9, ".markdown") == 0);
	if (!md)
		return false;
	char *p = join(dir, name);
	bool ok = is_file(p);
	free(p);
	return ok;
}

static bool has_posts(const char *dir, const char *name)
{
	char *m = join(dir, name);
	char *p = join(m, "_posts");
	bool ok = is_dir(p);
	free(p);
	free(m);
	return ok;
}

/* ---- URLs ---- */

/* Normalise a site path: "." and ".." resolved, "//" folded, a final
 * "index.html" or ".html"/".md" dropped, always ending in '/'.  Into
 * doc's arena. */
static const char *norm_path(mc_doc *doc, const char *p, size_t len)
{
	mc_buf out = MC_BUF_INIT;
	mc_buf_putc(&out, '/');
	size_t i = 0;
	while (i < len) {
		while (i < len && p[i] == '/')
			i++;
		size_t s = i;
		while (i < len && p[i] != '/')
			i++;
		size_t n = i - s;
		if (n == 0 || (n == 1 && p[s] == '.'))
			continue;
		if (n == 2 && p[s] == '.' && p[s + 1] == '.') {
			/* up one: drop the last segment */
			if (out.len > 1) {
				out.len--;
				while (out.len > 1 && out.data[out.len - 1] != '/')
					out.len--;
				out.data[out.len] = '\0';
			}
			continue;
		}
		bool last = i >= len;
		if (last && n == 10 && strncmp(p + s, "index.html", 10) == 0)
			continue;
		if (last && n > 5 && strncmp(p + s + n - 5, ".html", 5) == 0)
			n -= 5;
		else if (last && n > 3 && strncmp(p + s + n - 3, ".md", 3) == 0)
			n -= 3;
		mc_buf_put(&out, p + s, n);
		mc_buf_putc(&out, '/');
	}
	const char *r = mc_strndup(doc, out.data, out.len);
	mc_buf_free(&out);
	return r;
}

/* Whether the slug starts with Jekyll's "YYYY-MM-DD-" post date. */
static bool dated(const char *s)
{
	for (int i = 0; i < 10; i++) {
		bool dash = i == 4 || i == 7;
		if (dash ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return false;
	}
	return s[10] == '-' && s[11];
}

/* The page's URL from its permalink, else the site's pattern (Jekyll's
 * built-in styles too) with the categories from its folder. */
static const char *page_url(coll *c, page *pg, const char *cats)
{
	const mc_meta *m = &pg->doc->meta;
	if (m->permalink && *m->permalink)
		return norm_path(c->doc, m->permalink, strlen(m->permalink));
	const char *pat = m->site.permalink;
	if (!pat || !*pat || strcmp(pat, "date") == 0)
		pat = "/:categories/:year/:month/:day/:title:output_ext";
	else if (strcmp(pat, "pretty") == 0)
		pat = "/:categories/:year/:month/:day/:title/";
	else if (strcmp(pat, "none") == 0)
		pat = "/:categories/:title:output_ext";
	else if (strcmp(pat, "ordinal") == 0)
		pat = "/:categories/:year/:y_day/:title:output_ext";
	bool d = dated(pg->stem);
	mc_buf b = MC_BUF_INIT;
	for (const char *p = pat; *p;) {
		if (*p != ':') {
			mc_buf_putc(&b, *p++);
			continue;
		}
		const char *s = ++p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		size_t n = (size_t)(p - s);
#define IS(w) (n == strlen(w) && strncmp(s, w, n) == 0)
		if (IS("categories"))
			mc_buf_puts(&b, cats);
		else if (IS("title") || IS("slug"))
			mc_buf_puts(&b, pg->slug);
		else if (IS("year") && d)
			mc_buf_put(&b, pg->stem, 4);
		else if (IS("month") && d)
			mc_buf_put(&b, pg->stem + 5, 2);
		else if (IS("day") && d)
			mc_buf_put(&b, pg->stem + 8, 2);
		else if (IS("output_ext"))
			mc_buf_puts(&b, ".html");
#undef IS
	}
	const char *r = norm_path(c->doc, b.data ? b.data : "", b.len);
	mc_buf_free(&b);
	return r;
}

/* ---- parsing the pages ---- */

/* Parse one page into pg, its messages under its own file name. */
static int parse_page(coll *c, const char *path, page *pg)
{
	memset(pg, 0, sizeof *pg);
	mc_diag *d = c->diag;
	mc_diag sub;
	mc_diag_init(&sub, d->out, path);
	sub.strict = d->strict;
	sub.quiet = d->quiet;
	mc_front_opts o = *c->opts;
	o.worksheets = false;
	int rc = mc_front_parse_file(path, &o, &sub, &pg->doc);
	d->nwarnings += sub.nwarnings;
	d->nerrors += sub.nerrors;
	if (!d->first_error[0] && sub.first_error[0])
		memcpy(d->first_error, sub.first_error, sizeof d->first_error);
	if (rc != 0 || !pg->doc) {
		if (!sub.nerrors) /* a warning failed it under --strict */
			d->nerrors++;
		return -1;
	}
	pg->path = pg->doc->meta.source;
	const char *base = base_name(path);
	size_t n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".md") == 0)
		n -= 3;
	else if (n > 9 && strcmp(base + n - 9, ".markdown") == 0)
		n -= 9;
	pg->stem = mc_strndup(pg->doc, base, n);
	pg->slug = dated(pg->stem) ? pg->stem + 11 : pg->stem;
	pg->title = *pg->doc->meta.title ? pg->doc->meta.title : pg->slug;
	return 0;
}

/* Whether front matter says `published: false` (YAML 1.1's false, as
 * Jekyll reads it). */
static bool unpublished(const mc_meta *m)
{
	for (size_t i = 0; i < m->nextra; i++) {
		const char *k = m->extra[i].key, *v = m->extra[i].value;
		if (k && v && strcmp(k, "published") == 0)
			return !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
			       !strcasecmp(v, "off");
	}
	return false;
}

/* Parse the *.md of a _posts folder into c->pages (appended), leaving
 * out, as Jekyll does, the files without a "YYYY-MM-DD-" date in their
 * name and the pages marked `published: false` (a note under -v).  The
 * categories of their URLs are the folders between the root and _posts.
 * Returns the number of pages added, or -1 if any failed. */
static int parse_posts(coll *c, const char *posts, int module)
{
	size_t n, added = 0;
	char **names = list_dir(posts, is_markdown, &n);
	int bad = 0;
	c->pages = mc_xrealloc(c->pages,
	                       (c->npages + n + 1) * sizeof *c->pages);
	for (size_t i = 0; i < n; i++) {
		char *p = join(posts, names[i]);
		page *pg = &c->pages[c->npages];
		if (!dated(names[i])) {
			mc_note_at(c->diag, p, "left out: its name does not "
			           "start with a YYYY-MM-DD- date (Jekyll "
			           "publishes only dated posts)");
		} else if (parse_page(c, p, pg) != 0) {
			bad = 1;
			if (pg->doc)
				mc_doc_free(pg->doc);
		} else if (unpublished(&pg->doc->meta)) {
			mc_note_at(c->diag, p, "left out: published: false");
			mc_doc_free(pg->doc);
		} else {
			pg->module = module;
			c->npages++;
			added++;
		}
		free(p);
	}
	free_list(names, n);
	return bad ? -1 : (int)added;
}

/* ---- merging ---- */

static int cmp_pair(const void *a, const void *b)
{
	return strcmp(((const idpair *)a)->from, ((const idpair *)b)->from);
}

/* A new section of kind k at heading level `level`, titled `title`,
 * appended to parent. */
static mc_node *new_section(coll *c, mc_node *parent, mc_section_kind k,
                            int level, const char *title, const char *src,
                            const char *url)
{
	mc_doc *doc = c->doc;
	mc_node *s = mc_node_new(doc, MC_SECTION, 1, 0);
	s->as.section.kind = k;
	s->as.section.source = mc_strdup(doc, src);
	s->as.section.url = url;
	mc_node_append(parent, s);
	mc_node *h = mc_node_new(doc, MC_HEADING, 1, 0);
	h->as.heading.level = level;
	mc_node_append(s, h);
	mc_node *t = mc_node_new(doc, MC_TEXT, 1, 0);
	t->as.text.text = mc_strdup(doc, title);
	mc_node_append(h, t);
	h->id = mc_idset_unique(&c->ids, doc, mc_id_slug(doc, title));
	return s;
}

/* Move page pg's blocks to the end of `into`, its headings demoted so
 * the shallowest is at `level`; ids, footnotes and answers renumbered. */
static void merge_page(coll *c, page *pg, mc_node *into, int level)
{
	mc_node *root = pg->doc->root;
	int minl = 7, maxnote = 0, maxans = 0;
	size_t nren = 0, capren = 0, caplinks = 0;
	for (mc_node *n = root; n; n = mc_node_next(n, root))
		if (n->type == MC_HEADING && n->as.heading.level < minl)
			minl = n->as.heading.level;
	int shift = minl <= 6 ? level - minl : 0;
	/* a page in another language than the book's: its section says so
	 * (the page's own rules marked only what differs from the page) */
	const char *pl = pg->doc->meta.lang;
	if (into->type == MC_SECTION && !into->lang && pl &&
	    mc_lang_valid(pl) && !mc_lang_same(pl, mc_node_lang(c->doc, into))) {
		into->lang = mc_strdup(c->doc, pl);
		mc_dir want = mc_lang_rtl(pl) ? MC_DIR_RTL : MC_DIR_LTR;
		if (want != mc_node_dir(c->doc, into))
			into->dir = want;
	}
	char prefix[32];
	snprintf(prefix, sizeof prefix, "p%zu-", (size_t)(pg - c->pages) + 1);
	for (mc_node *n = root; n; n = mc_node_next(n, root)) {
		if (n->type == MC_HEADING || n->type == MC_CALLOUT_TITLE) {
			int l = n->as.heading.level + shift;
			if (n->type == MC_HEADING && l < level)
				l = level;
			n->as.heading.level = l < 1 ? 1 : l > 6 ? 6 : l;
		}
		if (n->id) {
			const char *to = mc_idset_unique(&c->ids, c->doc, n->id);
			if (strcmp(to, n->id) != 0) {
				MC_GROW(pg->ren, nren, capren, 8);
				pg->ren[nren].from = n->id;
				pg->ren[nren++].to = to;
				n->id = to;
			}
		}
		switch (n->type) {
		case MC_FOOTNOTE_DEF:
		case MC_FOOTNOTE_REF: {
			size_t ln = strlen(prefix) + strlen(n->as.footnote.label);
			char *l = mc_arena_alloc(c->doc->arena, ln + 1);
			snprintf(l, ln + 1, "%s%s", prefix, n->as.footnote.label);
			n->as.footnote.label = l;
			if (n->as.footnote.number > maxnote)
				maxnote = n->as.footnote.number;
			if (n->as.footnote.number)
				n->as.footnote.number += c->note_base;
			break;
		}
		case MC_ANSWER:
			if (n->as.answer.number > maxans)
				maxans = n->as.answer.number;
			n->as.answer.number += c->answer_base;
			break;
		case MC_LINK:
			MC_GROW(pg->links, pg->nlinks, caplinks, 16);
			pg->links[pg->nlinks++] = n;
			break;
		default:
			break;
		}
	}
	c->note_base += maxnote;
	c->answer_base += maxans;
	pg->nren = nren;
	if (nren)
		qsort(pg->ren, nren, sizeof *pg->ren, cmp_pair);
	while (root->first) {
		mc_node *k = root->first;
		mc_node_unlink(k);
		if (k->type == MC_FOOTNOTE_DEF) {
			c->notes = mc_xrealloc(c->notes,
			                       (c->nnotes + 1) * sizeof *c->notes);
			c->notes[c->nnotes++] = k;
		} else {
			mc_node_append(into, k);
		}
	}
	mc_meta *m = &c->doc->meta;
	const mc_meta *pm = &pg->doc->meta;
	if (pm->date > m->date)
		m->date = pm->date;
	for (size_t i = 0; i < pm->ndeps; i++) {
		bool seen = false;
		for (size_t j = 0; j < m->ndeps && !seen; j++)
			seen = strcmp(m->deps[j], pm->deps[i]) == 0;
		if (seen)
			continue;
		const char **v = mc_arena_alloc(c->doc->arena,
		                                (m->ndeps + 1) * sizeof *v);
		if (m->ndeps)
			memcpy(v, m->deps, m->ndeps * sizeof *v);
		v[m->ndeps++] = pm->deps[i];
		m->deps = v;
	}
	mc_arena_absorb(c->doc->arena, pg->doc->arena);
	pg->doc->arena = NULL; /* now c->doc's; pg->doc lives in it */
}

/* The id an id of page pg now has ("" if it has none). */
static const char *renamed(const coll *c, const page *pg, const char *id)
{
	idpair key = {id, NULL};
	const idpair *hit = pg->nren ? bsearch(&key, pg->ren, pg->nren,
	                                       sizeof *pg->ren, cmp_pair)
	                             : NULL;
	if (hit)
		return hit->to;
	return mc_idset_find(&c->ids, id) ? id : "";
}

/* The page a site path leads to, or NULL. */
static page *page_at(coll *c, const char *path, const page *from)
{
	for (size_t i = 0; i < c->npages; i++)
		if (c->pages[i].url && strcmp(c->pages[i].url, path) == 0)
			return &c->pages[i];
	/* "analyzing-data", "2002-05-01-name": a page of the same module
	 * by its file name or slug */
	size_t n = strlen(path);
	if (n < 2)
		return NULL;
	const char *last = path + n - 2;
	while (last > path && *last != '/')
		last--;
	last++;
	size_t ln = (size_t)(path + n - 1 - last);
	for (size_t i = 0; i < c->npages; i++) {
		page *p = &c->pages[i];
		if (p->module != from->module)
			continue;
		if ((strlen(p->slug) == ln && !strncmp(p->slug, last, ln)) ||
		    (strlen(p->stem) == ln && !strncmp(p->stem, last, ln)))
			return p;
	}
	return NULL;
}

/* Turn the links of every page that lead into the document into "#id". */
static void link_pages(coll *c)
{
	mc_doc *doc = c->doc;
	size_t bl = 0;
	if (c->baseurl && strcmp(c->baseurl, "/") != 0) {
		bl = strlen(c->baseurl);
		while (bl && c->baseurl[bl - 1] == '/')
			bl--;
	}
	for (size_t i = 0; i < c->npages; i++) {
		page *pg = &c->pages[i];
		for (size_t k = 0; k < pg->nlinks; k++) {
			mc_node *ln = pg->links[k];
			const char *u = ln->as.link.url;
			const char *target = NULL;
			if (u[0] == '#') {
				target = renamed(c, pg, u + 1);
			} else {
				const char *s = u;
				while (isalnum((unsigned char)*s) || *s == '+' ||
				       *s == '-' || *s == '.')
					s++;
				if ((*s == ':' && s > u) || !strncmp(u, "//", 2) ||
				    !*u)
					continue; /* another site */
				size_t plen = strcspn(u, "?#");
				const char *frag = strchr(u, '#');
				const char *path;
				if (u[0] == '/') {
					const char *p = u;
					size_t pl = plen;
					if (bl && pl >= bl &&
					    !strncmp(p, c->baseurl, bl) &&
					    (pl == bl || p[bl] == '/')) {
						p += bl;
						pl -= bl;
					}
					path = norm_path(doc, p, pl);
				} else {
					if (!pg->url)
						continue;
					mc_buf b = MC_BUF_INIT;
					mc_buf_puts(&b, pg->url);
					mc_buf_put(&b, u, plen);
					path = norm_path(doc, b.data, b.len);
					mc_buf_free(&b);
				}
				page *t = page_at(c, path, pg);
				if (!t)
					continue;
				target = frag && frag[1] ? renamed(c, t, frag + 1)
				                         : "";
				if (!*target)
					target = t->anchor;
			}
			if (!target || !*target)
				continue;
			size_t n = strlen(target) + 2;
			char *nu = mc_arena_alloc(doc->arena, n);
			snprintf(nu, n, "#%s", target);
			ln->as.link.url = nu;
			ln->as.link.target = NULL; /* no new window inside a book */
		}
	}
}

/* ---- worksheets ---- */

static bool is_activity(const mc_node *n)
{
	return n->type == MC_CALLOUT &&
	       n->as.callout.kind == MC_CALLOUT_ACTIVITY;
}

static void add_text(mc_doc *doc, mc_node *parent, const char *s)
{
	mc_node *t = mc_node_new(doc, MC_TEXT, 1, 0);
	t->as.text.text = mc_strdup(doc, s);
	mc_node_append(parent, t);
}

/* The "Name ____ Date ____" line of a worksheet. */
static mc_node *name_line(mc_doc *doc, const mc_front_opts *o)
{
	mc_node *p = mc_node_new(doc, MC_PARAGRAPH, 1, 0);
	mc_buf b = MC_BUF_INIT;
	mc_buf_printf(&b, "%s: ", o->name_label ? o->name_label : "Name");
	add_text(doc, p, b.data);
	mc_node *bl = mc_node_new(doc, MC_BLANK, 1, 0);
	bl->as.blank.width = 30;
	mc_node_append(p, bl);
	mc_buf_clear(&b);
	mc_buf_printf(&b, "   %s: ", o->date_label ? o->date_label : "Date");
	add_text(doc, p, b.data);
	bl = mc_node_new(doc, MC_BLANK, 1, 0);
	bl->as.blank.width = 14;
	mc_node_append(p, bl);
	mc_buf_free(&b);
	return p;
}

/* The online-document services an activity may point to: the host (a
 * suffix after a dot counts too), an optional path prefix, the name
 * printed. */
static const struct {
	const char *host, *path, *provider;
} doc_hosts[] = {
	{"docs.google.com", "/document/", "Google Docs"},
	{"docs.google.com", "/spreadsheets/", "Google Sheets"},
	{"docs.google.com", "/presentation/", "Google Slides"},
	{"docs.google.com", "/forms/", "Google Forms"},
	{"docs.google.com", "", "Google Docs"},
	{"drive.google.com", "", "Google Drive"},
	{"onedrive.live.com", "", "OneDrive"},
	{"1drv.ms", "", "OneDrive"},
	{"sharepoint.com", "", "SharePoint"},
	{"office.com", "", "Microsoft Office"},
	{"paper.dropbox.com", "", "Dropbox Paper"},
	{"dropbox.com", "", "Dropbox"},
	{"box.com", "", "Box"},
	{"notion.so", "", "Notion"},
	{"padlet.com", "", "Padlet"},
	{"etherpad.org", "", "Etherpad"},
};

/* The service of an online-document URL (http or https), else NULL. */
static const char *doc_provider(const char *url)
{
	const char *h;
	if (!strncasecmp(url, "https://", 8))
		h = url + 8;
	else if (!strncasecmp(url, "http://", 7))
		h = url + 7;
	else
		return NULL;
	size_t hl = strcspn(h, "/?#:");
	const char *path = h + strcspn(h, "/?#");
	if (*path != '/')
		path = "/";
	for (size_t i = 0; i < sizeof doc_hosts / sizeof *doc_hosts; i++) {
		size_t dl = strlen(doc_hosts[i].host);
		bool host = hl == dl ? !strncasecmp(h, doc_hosts[i].host, dl)
		            : hl > dl && h[hl - dl - 1] == '.' &&
		                      !strncasecmp(h + hl - dl,
		                                   doc_hosts[i].host, dl);
		if (host && !strncmp(path, doc_hosts[i].path,
		                     strlen(doc_hosts[i].path)))
			return doc_hosts[i].provider;
	}
	return NULL;
}

/* Room for the answers of an activity of a pack: one that links an
 * online document gets its card (address and QR code, as a video's),
 * unless it has one already; one without prompts (no answer, no blank)
 * gets a notes area, a labelled MC_ANSWER.  *number is the last answer
 * number used in the document. */
static void worksheet_space(mc_doc *doc, const mc_front_opts *o,
                            mc_node *act, int *number)
{
	const mc_node *link = NULL;
	const char *provider = NULL;
	bool answers = false, card = false;
	for (mc_node *k = act; k; k = mc_node_next(k, act)) {
		if (k->type == MC_ANSWER || k->type == MC_BLANK)
			answers = true;
		if (k->type == MC_EMBED &&
		    k->as.embed.kind == MC_EMBED_DOCUMENT)
			card = true;
		if (k->type == MC_LINK && !link &&
		    (provider = doc_provider(k->as.link.url)) != NULL)
			link = k;
	}
	if (link && !card) {
		mc_node *e = mc_node_new(doc, MC_EMBED, link->line, link->col);
		e->as.embed.kind = MC_EMBED_DOCUMENT;
		e->as.embed.provider = provider;
		e->as.embed.url = link->as.link.url;
		e->as.embed.watch_url = link->as.link.url;
		e->as.embed.short_url = link->as.link.url;
		const char *t = mc_node_plain_text(doc, link);
		e->as.embed.title = *t ? t : NULL;
		mc_node_append(act, e);
	}
	if (answers)
		return;
	const char *label = o->notes_label && *o->notes_label ? o->notes_label
	                                                      : "Notes";
	mc_node *p = mc_node_new(doc, MC_PARAGRAPH, act->line, 0);
	mc_node *b = mc_node_new(doc, MC_STRONG, act->line, 0);
	mc_node_append(p, b);
	add_text(doc, b, label);
	mc_node_append(act, p);
	mc_node *a = mc_node_new(doc, MC_ANSWER, act->line, 0);
	a->as.answer.kind = MC_ANSWER_LINES;
	a->as.answer.lines = o->answer_lines > 0 ? o->answer_lines : 3;
	a->as.answer.label = mc_strdup(doc, label);
	a->as.answer.number = ++*number;
	mc_node_append(act, a);
}

/* Keep only the activity callouts of doc: each becomes a worksheet
 * section under the title of the page (or section) it came from.  The
 * document's old content is left behind, unreachable.  Returns the
 * number of worksheets. */
static size_t to_worksheets(mc_doc *doc, const mc_front_opts *o)
{
	mc_node *root = doc->root;
	mc_node **acts = NULL, **from = NULL, **notes = NULL;
	size_t n = 0, cap = 0, nn = 0;
	for (mc_node *k = root; k;) {
		if (k->type == MC_FOOTNOTE_DEF) {
			notes = mc_xrealloc(notes, (nn + 1) * sizeof *notes);
			notes[nn++] = k;
		}
		if (!is_activity(k)) {
			k = mc_node_next(k, root);
			continue;
		}
		/* the innermost section above it titles it */
		mc_node *s = k->parent;
		while (s && s->type != MC_SECTION)
			s = s->parent;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			acts = mc_xrealloc(acts, cap * sizeof *acts);
			from = mc_xrealloc(from, cap * sizeof *from);
		}
		acts[n] = k;
		from[n++] = s;
		/* skip its subtree */
		while (k && k != root && !k->next)
			k = k->parent;
		k = (k && k != root) ? k->next : NULL;
	}
	int number = 0; /* the last answer number */
	for (mc_node *k = root; k; k = mc_node_next(k, root))
		if (k->type == MC_ANSWER && k->as.answer.number > number)
			number = k->as.answer.number;
	while (root->first)
		mc_node_unlink(root->first);
	mc_idset ids = {0};
	for (size_t i = 0; i < n; i++) {
		mc_node_unlink(acts[i]);
		for (mc_node *k = acts[i]; k; k = mc_node_next(k, acts[i]))
			if (k->id)
				mc_idset_add(&ids, k->id);
	}
	for (size_t i = 0; i < n; i++) {
		const char *title =
			from[i] ? mc_node_plain_text(doc, from[i]->first)
			        : doc->meta.title;
		if (!*title)
			title = "Worksheet";
		mc_node *s = mc_node_new(doc, MC_SECTION, acts[i]->line, 0);
		s->as.section.kind = MC_SECTION_WORKSHEET;
		s->as.section.source = from[i] ? from[i]->as.section.source
		                               : doc->meta.source;
		s->as.section.url = from[i] ? from[i]->as.section.url : NULL;
		mc_node_append(root, s);
		mc_node *h = mc_node_new(doc, MC_HEADING, acts[i]->line, 0);
		h->as.heading.level = 1;
		add_text(doc, h, title);
		h->id = mc_idset_unique(&ids, doc, mc_id_slug(doc, title));
		mc_node_append(s, h);
		mc_node_append(s, name_line(doc, o));
		mc_node_append(s, acts[i]);
		worksheet_space(doc, o, acts[i], &number);
	}
	/* the footnotes the worksheets still refer to */
	for (size_t i = 0; i < nn; i++) {
		bool used = false;
		for (mc_node *k = root; k && !used; k = mc_node_next(k, root))
			used = k->type == MC_FOOTNOTE_REF &&
			       !strcmp(k->as.footnote.label,
			               notes[i]->as.footnote.label);
		if (used)
			mc_node_append(root, notes[i]);
	}
	mc_idset_free(&ids);
	free(acts);
	free(from);
	free(notes);
	doc->meta.kind = MC_DOC_WORKSHEETS;
	const char *label = o->worksheets_label ? o->worksheets_label
	                                        : "Worksheets";
	if (*label) {
		mc_buf t = MC_BUF_INIT;
		if (*doc->meta.title)
			mc_buf_printf(&t, "%s \xe2\x80\x93 %s", doc->meta.title,
			              label); /* en dash */
		else
			mc_buf_puts(&t, label);
		doc->meta.title = mc_strdup(doc, t.data);
		mc_buf_free(&t);
	}
	return n;
}

/* ---- entry point ---- */

static void coll_free(coll *c)
{
	for (size_t i = 0; i < c->npages; i++) {
		page *pg = &c->pages[i];
		if (pg->doc && pg->doc->arena)
			mc_doc_free(pg->doc);
		free(pg->ren);
		free(pg->links);
	}
	free(c->pages);
	free(c->notes);
	mc_idset_free(&c->ids);
}

/* The folder of a module input: dir, or the parent of a _posts dir. */
static char *module_dir(const char *path)
{
	char *p = join(path, "_posts");
	bool direct = is_dir(p);
	free(p);
	char *d = strcpy(mc_xmalloc(strlen(path) + 4), path);
	size_t n = strlen(d);
	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	if (!direct) {
		char *s = strrchr(d, '/');
		if (s && s > d)
			*s = '\0';
		else if (s)
			s[1] = '\0';
		else
			strcpy(d, ".");
	}
	return d;
}

/* The categories of a module's posts: its folder relative to the root. */
static const char *categories(mc_doc *doc, const char *mdir)
{
	char *real = realpath(mdir, NULL);
	const char *root = doc->meta.root;
	const char *cats = "";
	if (real && root) {
		size_t rl = strlen(root);
		if (!strncmp(real, root, rl) && real[rl] == '/')
			cats = mc_strdup(doc, real + rl + 1);
	}
	free(real);
	return cats;
}

static int collect_module(coll *c, const char *path)
{
	char *mdir = module_dir(path);
	/* the pages' root: found from the module folder as written, so
	 * that a linked _posts folder cannot take the root along */
	char *root = mc_front_find_root(mdir, c->opts, c->diag);
	if (!root) {
		free(mdir);
		return -1;
	}
	mc_front_opts o = *c->opts;
	o.root = root;
	const mc_front_opts *given = c->opts;
	c->opts = &o;
	char *posts = join(mdir, "_posts");
	int n = parse_posts(c, posts, 0);
	int rc = 0;
	if (n == 0) {
		mc_error(c->diag, 0, 0, "no Markdown sections in %s", posts);
		rc = -1;
	} else if (n < 0) {
		rc = -1;
	}
	if (rc == 0) {
		mc_doc *doc = c->doc;
		const mc_meta *first = &c->pages[0].doc->meta;
		doc->meta = *first;
		doc->meta.kind = MC_DOC_MODULE;
		doc->meta.title = c->pages[0].title;
		doc->meta.source = mc_strdup(doc, path);
		doc->meta.deps = NULL;
		doc->meta.ndeps = 0;
		doc->meta.date = 0;
		c->baseurl = first->site.baseurl;
		const char *cats = categories(doc, mdir);
		for (size_t i = 0; i < c->npages; i++) {
			page *pg = &c->pages[i];
			pg->url = page_url(c, pg, cats);
			pg->sec = new_section(c, doc->root, MC_SECTION_CHAPTER, 1,
			                      pg->title, pg->path, pg->url);
			pg->anchor = pg->sec->first->id;
			merge_page(c, pg, pg->sec, 2);
		}
	}
	c->opts = given;
	free(root);
	free(posts);
	free(mdir);
	return rc;
}

static int collect_course(coll *c, const char *path)
{
	/* the site's own files, read as for an empty page at the root; the
	 * pages' root is this folder too (unless --root says otherwise) */
	mc_doc *site = NULL;
	mc_front_opts o = *c->opts;
	o.root = o.root ? o.root : path;
	const mc_front_opts *given = c->opts;
	c->opts = &o;
	if (mc_front_parse_buffer("", 0, path, path, &o, c->diag, &site) != 0) {
		c->opts = given;
		return -1;
	}
	const mc_meta *sm = &site->meta;
	size_t nlisted = sm->course.nmodules, nmods = 0;
	char **names = NULL;
	char *mroot = join(path, "modules");
	if (nlisted) {
		names = mc_xmalloc(nlisted * sizeof *names);
		for (size_t i = 0; i < nlisted; i++)
			names[nmods++] = strcpy(
				mc_xmalloc(strlen(sm->course.modules[i]) + 1),
				sm->course.modules[i]);
	}
	/* the module folders course.yml leaves out: added with
	 * --all-modules (or when it lists none), else named once */
	size_t nall;
	char **all = list_dir(mroot, has_posts, &nall);
	bool add = c->opts->all_modules || !nlisted;
	mc_buf left = MC_BUF_INIT;
	size_t nleft = 0;
	for (size_t i = 0; i < nall; i++) {
		bool listed = false;
		for (size_t j = 0; j < nlisted && !listed; j++)
			listed = strcmp(names[j], all[i]) == 0;
		if (listed)
			continue;
		if (!add) {
			mc_buf_printf(&left, "%smodules/%s", nleft++ ? ", " : "",
			              all[i]);
			continue;
		}
		names = mc_xrealloc(names, (nmods + 1) * sizeof *names);
		names[nmods++] = all[i];
		all[i] = NULL;
	}
	free_list(all, nall);
	if (nleft) {
		char *cy = join(path, "_data/course.yml");
		mc_warn_at(c->diag, cy, 0, 0,
		           "the module %s %s %s not in this file's modules list, "
		           "so %s left out (list %s there, or convert with "
		           "--all-modules)",
		           nleft == 1 ? "folder" : "folders", left.data,
		           nleft == 1 ? "is" : "are",
		           nleft == 1 ? "it is" : "they are",
		           nleft == 1 ? "it" : "them");
		free(cy);
	}
	mc_buf_free(&left);
	int rc = 0;
	size_t *start = mc_xcalloc(nmods + 1, sizeof *start);
	for (size_t i = 0; i < nmods; i++) {
		start[i] = c->npages;
		char *mdir = join(mroot, names[i]);
		char *posts = join(mdir, "_posts");
		if (strchr(names[i], '/') || !strcmp(names[i], "..") ||
		    !is_dir(posts)) {
			char *cy = join(path, "_data/course.yml");
			if (strchr(names[i], '/') || !strcmp(names[i], ".."))
				mc_warn_at(c->diag, cy, 0, 0,
				           "module '%s' is not the name of a "
				           "folder under modules/; left out",
				           names[i]);
			else
				mc_warn_at(c->diag, cy, 0, 0,
				           "module '%s' has no folder "
				           "modules/%s/_posts; left out",
				           names[i], names[i]);
			free(cy);
		} else if (parse_posts(c, posts, (int)i) < 0) {
			rc = -1;
		}
		free(posts);
		free(mdir);
	}
	start[nmods] = c->npages;
	if (rc == 0 && c->npages == 0) {
		mc_error(c->diag, 0, 0, "the course has no module with "
		                        "sections");
		rc = -1;
	}
	if (rc == 0) {
		mc_doc *doc = c->doc;
		doc->meta = c->pages[0].doc->meta;
		doc->meta.kind = MC_DOC_COURSE;
		const char *t = sm->course.title ? sm->course.title
		                : sm->site.title ? sm->site.title
		                                 : base_name(path);
		doc->meta.title = mc_strdup(doc, t);
		doc->meta.description =
			sm->course.description
				? mc_strdup(doc, sm->course.description)
				: NULL;
		doc->meta.permalink = "/";
		doc->meta.source = mc_strdup(doc, path);
		doc->meta.deps = NULL;
		doc->meta.ndeps = 0;
		doc->meta.date = 0;
		doc->meta.tags = NULL;
		doc->meta.ntags = 0;
		c->baseurl = doc->meta.site.baseurl;
		for (size_t i = 0; i < nmods; i++) {
			if (start[i] == start[i + 1])
				continue;
			char *mdir = join(mroot, names[i]);
			const char *cats = categories(doc, mdir);
			free(mdir);
			page *ov = &c->pages[start[i]];
			for (size_t k = start[i]; k < start[i + 1]; k++)
				c->pages[k].url = page_url(c, &c->pages[k], cats);
			mc_node *part = new_section(c, doc->root,
			                            MC_SECTION_PART, 1, ov->title,
			                            ov->path, ov->url);
			ov->sec = part;
			ov->anchor = part->first->id;
			merge_page(c, ov, part, 2);
			for (size_t k = start[i] + 1; k < start[i + 1]; k++) {
				page *pg = &c->pages[k];
				pg->sec = new_section(c, part, MC_SECTION_CHAPTER,
				                      2, pg->title, pg->path,
				                      pg->url);
				pg->anchor = pg->sec->first->id;
				merge_page(c, pg, pg->sec, 3);
			}
		}
	}
	free(start);
	free_list(names, nmods);
	free(mroot);
	mc_doc_free(site);
	c->opts = given;
	return rc;
}

int mc_front_parse_path(const char *path, const mc_front_opts *opts,
                        mc_diag *diag, mc_doc **out)
{
	*out = NULL;
	mc_front_opts defaults = {0};
	defaults.answer_lines = 3;
	if (!opts)
		opts = &defaults;
	mc_input_kind k = mc_front_input_kind(path);
	mc_doc *doc = NULL;
	if (k == MC_INPUT_PAGE) {
		if (mc_front_parse_file(path, opts, diag, &doc) != 0)
			return -1;
	} else if (k == MC_INPUT_BAD) {
		mc_error(diag, 0, 0, "is a folder, but neither a module (no "
		                     "_posts/ in it) nor a site root (no "
		                     "_data/course.yml)");
		return -1;
	} else {
		coll c;
		memset(&c, 0, sizeof c);
		c.diag = diag;
		c.opts = opts;
		c.doc = mc_doc_new();
		int rc = k == MC_INPUT_MODULE ? collect_module(&c, path)
		                              : collect_course(&c, path);
		if (rc == 0) {
			link_pages(&c);
			for (size_t i = 0; i < c.nnotes; i++)
				mc_node_append(c.doc->root, c.notes[i]);
		}
		coll_free(&c);
		if (rc != 0 || mc_diag_failed(diag)) {
			mc_doc_free(c.doc);
			return -1;
		}
		doc = c.doc;
	}
	if (opts->worksheets && to_worksheets(doc, opts) == 0) {
		mc_error(diag, 0, 0, "no activity to make a worksheet of");
		mc_doc_free(doc);
		return -1;
	}
	mc_fe_heading_levels(doc, diag);
	if (mc_diag_failed(diag)) { /* --strict */
		mc_doc_free(doc);
		return -1;
	}
	char err[256];
	if (mc_doc_validate(doc, err, sizeof err) != 0) {
		mc_error(diag, 0, 0, "internal error, please report: %s", err);
		mc_doc_free(doc);
		return -1;
	}
	*out = doc;
	return 0;
}
