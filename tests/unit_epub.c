/* unit_epub.c - checks of the EPUB backend's helpers and of rendering
 * trees the corpus does not have (deep nesting, bad UTF-8, odd ids, a
 * module, a course and a worksheet pack built here from sections),
 * `unit_epub --write DIR`: those three books into DIR (for epubcheck), and
 * `unit_epub --bench FILE...`: the in-process time to parse and render
 * each file as EPUB (used by tests/bench_epub.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zip.h>

#include "back/backend.h"
#include "back/epub/epub.h"
#include "front/front.h"

#include "unit.h"

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static void helper_tests(void)
{
	char u[37];
	ep_uuid5("mentorconv-test", u);
	CHECK(streq(u, "f1276b45-e33b-58fe-a673-138208487391"),
	      "uuid5: matches Python's uuid5(NAMESPACE_URL, name)");
	char long_name[201];
	memset(long_name, 'x', 200);
	long_name[200] = '\0';
	ep_uuid5(long_name, u);
	CHECK(streq(u, "cd3580b9-d244-586a-8077-74317319b48d"),
	      "uuid5: a name longer than one SHA-1 block");

	char d[32];
	ep_iso_date(1700000000, d);
	CHECK(streq(d, "2023-11-14T22:13:20Z"), "iso date: UTC, seconds, Z");
	ep_iso_date(0, d);
	CHECK(streq(d, "1970-01-01T00:00:00Z"), "iso date: zero is the epoch");

	mc_doc *doc = mc_doc_new();
	mc_diag dg;
	mc_diag_init(&dg, NULL, "t");
	ep_ctx c;
	memset(&c, 0, sizeof c);
	c.doc = doc;
	c.diag = &dg;
	c.arena = mc_arena_new();
	mc_hashset_init(&c.used, false);
	mc_hashset_init(&c.anchors, false);

	CHECK(streq(ep_unique_id(&c, "intro"), "intro"), "id: kept when valid");
	CHECK(streq(ep_unique_id(&c, "intro"), "intro-2"), "id: made unique");
	CHECK(streq(ep_unique_id(&c, "2nd part"), "id-2nd-part"),
	      "id: a digit first and a space fixed");
	CHECK(streq(ep_unique_id(&c, "caf\xC3\xA9 au lait!"), "caf-au-lait"),
	      "id: non-ASCII and punctuation");
	CHECK(streq(ep_unique_id(&c, "!!!"), "id"), "id: nothing usable");
	mc_hashset_put(&c.anchors, "here", "here");

	CHECK(streq(ep_href(&c, "#here"), "#here"), "href: existing fragment");
	CHECK(ep_href(&c, "#gone") == NULL, "href: missing fragment dropped");
	CHECK(ep_href(&c, "#") == NULL, "href: empty fragment dropped");
	CHECK(streq(ep_href(&c, "https://x.org/a b?q=\xC3\xA9#f#g"),
	            "https://x.org/a%20b?q=%C3%A9#f%23g"),
	      "href: spaces, non-ASCII and a second # encoded");
	CHECK(streq(ep_href(&c, "//cdn.org/v"), "https://cdn.org/v"),
	      "href: protocol-relative made https");
	CHECK(streq(ep_href(&c, "mailto:a@b.org"), "mailto:a@b.org"),
	      "href: mailto kept");
	CHECK(ep_href(&c, "/basics/intro/") == NULL,
	      "href: a page of the site without site.url dropped");
	CHECK(ep_href(&c, "javascript:alert(1)") == NULL,
	      "href: other schemes dropped");
	CHECK(ep_href(&c, "http://") == NULL && ep_href(&c, "https:x") == NULL,
	      "href: web URL without a host dropped");
	CHECK(streq(ep_href(&c, "http://a.org/%41%zz"), "http://a.org/%41%25zz"),
	      "href: good escapes kept, stray % escaped");
	CHECK(streq(ep_href(&c, "https://\xE4\xBE\x8B\xE3\x81\x88" ".jp:8080/\xE3\x83\x91"),
	            "https://xn--r8jz45g.jp:8080/%E3%83%91"),
	      "href: an internationalized host in punycode");
	CHECK(streq(ep_href(&c, "http://b\xC3\xBC" "cher.example.com/"),
	            "http://xn--bcher-kva.example.com/"),
	      "href: punycode with basic characters");
	CHECK(ep_href(&c, "http://b\xFF" "x.org/") == NULL,
	      "href: a host with bad UTF-8 dropped");
	doc->meta.site.url = "https://example.org/";
	CHECK(streq(ep_href(&c, "/basics/intro/"),
	            "https://example.org/basics/intro/"),
	      "href: site page made absolute with site.url");

	CHECK(streq(ep_lang(&c, "en"), "en") && streq(ep_lang(&c, "en-GB"), "en-GB"),
	      "lang: tags kept");
	CHECK(streq(ep_lang(&c, "pt_BR"), "pt-BR"), "lang: _ made -");
	CHECK(streq(ep_lang(&c, "e"), "en") && streq(ep_lang(&c, "en--x"), "en") &&
	          streq(ep_lang(&c, "12"), "en") && streq(ep_lang(&c, ""), "en") &&
	          streq(ep_lang(&c, "en GB"), "en"),
	      "lang: malformed tags become en");

	/* the EPUB writes model strings as they are: the model repaired
	 * them once, as they entered it (mc_strndup) */
	mc_doc *ud = mc_doc_new();
	CHECK(streq(mc_strdup(ud, "ok \xE2\x80\x94"), "ok \xE2\x80\x94"),
	      "utf8: valid text kept");
	CHECK(streq(mc_strdup(ud, "a\xFF" "b\xE2\x80"), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD"),
	      "utf8: bad bytes become U+FFFD");
	CHECK(streq(mc_strdup(ud, "\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"),
	      "utf8: surrogates refused");
	mc_doc_free(ud);

	mc_hashset_free(&c.used);
	mc_hashset_free(&c.anchors);
	mc_arena_free(c.arena);
	mc_doc_free(doc);
}

/* Render Markdown text; returns the EPUB's size (0 on failure). */
static size_t render(const char *md, mc_diag *dg, mc_buf *out)
{
	mc_theme *theme = NULL;
	mc_doc *doc = NULL;
	size_t n = 0;
	mc_front_opts fo = {NULL, 3};
	if (mc_theme_load(NULL, &theme, dg) == 0 &&
	    mc_front_parse_buffer(md, strlen(md), "t.md", NULL, &fo, dg, &doc) == 0 &&
	    mc_render_epub(doc, theme, NULL, out, dg) == 0)
		n = out->len;
	mc_doc_free(doc);
	if (theme)
		mc_theme_free(theme);
	return n;
}

static void render_tests(void)
{
	mc_diag dg;
	mc_diag_init(&dg, stderr, "t.md");
	mc_buf a = MC_BUF_INIT, b = MC_BUF_INIT;

	/* 20,000 nested quotes: the walk must not recurse */
	size_t depth = 20000;
	char *deep = malloc(depth * 2 + 16);
	for (size_t i = 0; i < depth; i++)
		memcpy(deep + 2 * i, "> ", 2);
	strcpy(deep + 2 * depth, "deep\n");
	CHECK(render(deep, &dg, &a) > 0, "render: very deep nesting");
	free(deep);
	mc_buf_clear(&a);

	const char *odd = "---\ntitle: \"\"\n---\n# 1 \xFF bad\n\n# 1 \xFF bad\n\n"
	                   "[x](#1-bad) [y](#zz)\n\n<h2 id=\"a b\">sp</h2>\n";
	CHECK(render(odd, &dg, &a) > 0 && render(odd, &dg, &b) > 0 &&
	          a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
	      "render: bad UTF-8, duplicate and odd ids, twice the same bytes");
	CHECK(a.len > 58 && memcmp(a.data, "PK\x03\x04", 4) == 0 &&
	          memcmp(a.data + 30, "mimetype", 8) == 0 &&
	          memcmp(a.data + 38, "application/epub+zip", 20) == 0 &&
	          a.data[8] == 0 && a.data[28] == 0 && a.data[29] == 0,
	      "render: mimetype first, stored, no extra field");
	mc_buf_clear(&a);
	CHECK(render("", &dg, &a) > 0, "render: an empty document");
	mc_buf_free(&a);
	mc_buf_free(&b);
}

/* ---- documents of sections ---- */

/* A page whose level-1 headings start parts (a course) or chapters /
 * worksheets (the others), and whose level-2 headings start a part's
 * chapters (a course), as the front-end builds documents from several
 * inputs. */
static const char course_md[] =
	"# Part One\n\nPart one intro with a note[^a].\n\n"
	"## Chapter One\n\nChapter one text, see [chapter two](#chapter-two) "
	"and [sub](#sub-one).\n\n### Sub One\n\nSub text[^b].\n\n"
	"## Chapter Two\n\nBack to [part one](#part-one), "
	"[chapter one](#chapter-one), note a again[^a].\n\n"
	"# Part Two\n\nPart two intro.\n\n"
	"## Chapter Three\n\nRefers to [sub one](#sub-one)[^c] and "
	"[nowhere](#nowhere).\n\n#### Deep first\n\n## Chapter Four\n\n"
	"Last words.\n\n"
	"[^a]: Note A.\n"
	"[^b]: Note B with [a link to chapter three](#chapter-three).\n"
	"[^c]: Note C.\n";

static mc_doc *sectioned(const char *md, mc_doc_kind kind, mc_diag *dg)
{
	mc_doc *doc = NULL;
	mc_front_opts fo = {NULL, 3};
	if (mc_front_parse_buffer(md, strlen(md), "t.md", NULL, &fo, dg, &doc) != 0)
		return NULL;
	size_t n = 0;
	for (mc_node *k = doc->root->first; k; k = k->next)
		n++;
	mc_node **kids = calloc(n + 1, sizeof *kids);
	n = 0;
	for (mc_node *k = doc->root->first; k; k = k->next)
		kids[n++] = k;
	mc_node *defs = NULL, *part = NULL, *cur = NULL;
	for (size_t i = 0; i < n && !defs; i++)
		if (kids[i]->type == MC_FOOTNOTE_DEF)
			defs = kids[i];
	for (size_t i = 0; i < n; i++) {
		mc_node *k = kids[i];
		if (k->type == MC_FOOTNOTE_DEF)
			continue;
		mc_node_unlink(k);
		if (k->type == MC_HEADING &&
		    (k->as.heading.level == 1 ||
		     (kind == MC_DOC_COURSE && k->as.heading.level == 2))) {
			bool is_part = kind == MC_DOC_COURSE && k->as.heading.level == 1;
			mc_node *s = mc_node_new(doc, MC_SECTION, k->line, 0);
			s->as.section.kind = is_part ? MC_SECTION_PART
			                     : kind == MC_DOC_WORKSHEETS ? MC_SECTION_WORKSHEET
			                                                 : MC_SECTION_CHAPTER;
			s->as.section.source = "t.md";
			mc_node *into = !is_part && part ? part : doc->root;
			if (into == doc->root && defs)
				mc_node_insert_before(defs, s);
			else
				mc_node_append(into, s);
			if (is_part)
				part = s;
			cur = s;
		}
		if (cur)
			mc_node_append(cur, k);
		else if (defs)
			mc_node_insert_before(defs, k);
		else
			mc_node_append(doc->root, k);
	}
	free(kids);
	doc->meta.kind = kind;
	doc->meta.title = "The Course";
	doc->meta.description = kind == MC_DOC_COURSE ? "A course about testing & <things>." : NULL;
	char err[256];
	if (mc_doc_validate(doc, err, sizeof err) != 0) {
		printf("# invalid test document: %s\n", err);
		mc_doc_free(doc);
		return NULL;
	}
	return doc;
}

/* The entries of an EPUB in memory (names and contents, malloc'd). */
typedef struct book {
	char **name, **data;
	size_t n;
} book;

static void book_free(book *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->name[i]);
		free(b->data[i]);
	}
	free(b->name);
	free(b->data);
	memset(b, 0, sizeof *b);
}

static int book_read(const mc_buf *epub, book *b)
{
	memset(b, 0, sizeof *b);
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(epub->data, epub->len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	if (!z) {
		if (src)
			zip_source_free(src);
		zip_error_fini(&ze);
		return -1;
	}
	zip_int64_t n = zip_get_num_entries(z, 0);
	b->name = calloc((size_t)n + 1, sizeof *b->name);
	b->data = calloc((size_t)n + 1, sizeof *b->data);
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		zip_file_t *f;
		if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0 ||
		    !(f = zip_fopen_index(z, (zip_uint64_t)i, 0)))
			break;
		char *d = malloc(st.size + 1);
		zip_int64_t got = zip_fread(f, d, st.size);
		zip_fclose(f);
		d[got > 0 ? got : 0] = '\0';
		b->name[b->n] = strdup(st.name);
		b->data[b->n++] = d;
	}
	zip_close(z);
	zip_error_fini(&ze);
	return b->n == (size_t)n ? 0 : -1;
}

static const char *book_get(const book *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->name[i], name) == 0)
			return b->data[i];
	return NULL;
}

static bool has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle);
}

/* Every href in the XHTML files that stays in the book names a file of
 * the book and, after '#', an id in that file.  Returns the number of
 * bad links (printing the first few). */
static int bad_links(const book *b)
{
	int bad = 0;
	for (size_t i = 0; i < b->n; i++) {
		const char *nm = b->name[i];
		size_t nl = strlen(nm);
		if (nl < 6 || strcmp(nm + nl - 6, ".xhtml") != 0)
			continue;
		for (const char *p = b->data[i]; (p = strstr(p, "href=\"")); ) {
			p += 6;
			const char *e = strchr(p, '"');
			if (!e)
				break;
			char *u = strndup(p, (size_t)(e - p));
			p = e;
			if (strchr(u, ':') && strchr(u, ':') < (strchr(u, '#') ? strchr(u, '#') : u + strlen(u))) {
				free(u);
				continue; /* http:, mailto: ... */
			}
			char *hash = strchr(u, '#');
			if (hash)
				*hash++ = '\0';
			char *target = *u ? NULL : strdup(nm);
			if (!target) {
				target = malloc(strlen(u) + 6);
				sprintf(target, "EPUB/%s", u);
			}
			const char *doc = book_get(b, target);
			char *idattr = NULL;
			if (hash) {
				idattr = malloc(strlen(hash) + 8);
				sprintf(idattr, "id=\"%s\"", hash);
			}
			if (!doc || (idattr && !strstr(doc, idattr))) {
				if (bad++ < 5)
					printf("# %s: href to %s#%s does not resolve\n", nm,
					       target, hash ? hash : "");
			}
			free(idattr);
			free(target);
			free(u);
		}
	}
	return bad;
}

static int render_doc(mc_doc *doc, mc_diag *dg, mc_buf *out)
{
	mc_theme *theme = NULL;
	int rc = -1;
	if (mc_theme_load(NULL, &theme, dg) == 0)
		rc = mc_render_epub(doc, theme, NULL, out, dg);
	if (theme)
		mc_theme_free(theme);
	return rc;
}

static void section_tests(void)
{
	mc_diag dg;
	mc_diag_init(&dg, stderr, "t.md");
	dg.quiet = true;
	mc_doc *doc = sectioned(course_md, MC_DOC_COURSE, &dg);
	CHECK(doc != NULL, "sections: a course document is built");
	if (!doc)
		return;
	mc_buf a = MC_BUF_INIT, b2 = MC_BUF_INIT;
	book b;
	CHECK(render_doc(doc, &dg, &a) == 0 && render_doc(doc, &dg, &b2) == 0 &&
	          a.len == b2.len && memcmp(a.data, b2.data, a.len) == 0,
	      "sections: a course renders, twice the same bytes");
	CHECK(book_read(&a, &b) == 0, "sections: the course EPUB reads back");
	const char *opf = book_get(&b, "EPUB/package.opf");
	const char *nav = book_get(&b, "EPUB/nav.xhtml");
	const char *c1 = book_get(&b, "EPUB/c001.xhtml"),
	           *c2 = book_get(&b, "EPUB/c002.xhtml"),
	           *c3 = book_get(&b, "EPUB/c003.xhtml"),
	           *c4 = book_get(&b, "EPUB/c004.xhtml"),
	           *c5 = book_get(&b, "EPUB/c005.xhtml"),
	           *c6 = book_get(&b, "EPUB/c006.xhtml");
	CHECK(c1 && c2 && c3 && c4 && c5 && c6 && !book_get(&b, "EPUB/c007.xhtml") &&
	          !book_get(&b, "EPUB/content.xhtml"),
	      "sections: one file per part and chapter (6), no content.xhtml");
	CHECK(has(opf, "<spine><itemref idref=\"c001\"/>\n<itemref idref=\"c002\"/>\n"
	               "<itemref idref=\"c003\"/>\n<itemref idref=\"c004\"/>\n"
	               "<itemref idref=\"c005\"/>\n<itemref idref=\"c006\"/>"
	               "<itemref idref=\"nav\" linear=\"no\"/></spine>") &&
	          has(opf, "<item id=\"c006\" href=\"c006.xhtml\" media-type=\"application/xhtml+xml\"/>"),
	      "sections: manifest and spine list the files in reading order");
	CHECK(has(c1, "<section epub:type=\"part\" role=\"doc-part\" class=\"part\"><h1 id=\"part-one\">Part One</h1>") &&
	          !has(c1, "Chapter One</h2>") &&
	          has(c2, "<section epub:type=\"chapter\" role=\"doc-chapter\" class=\"chapter\"><h2 id=\"chapter-one\">") &&
	          has(c2, "Sub One</h3>") && !has(c2, "Chapter Two"),
	      "sections: a part's file holds its heading and intro; a chapter's its own text");
	CHECK(has(c1, "<title>Part One</title>") && has(c3, "<title>Chapter Two</title>"),
	      "sections: each file titled by its section");
	CHECK(has(c2, "href=\"c003.xhtml#chapter-two\"") && has(c2, "href=\"#sub-one\"") &&
	          has(c3, "href=\"c001.xhtml#part-one\"") &&
	          has(c3, "href=\"c002.xhtml#chapter-one\"") &&
	          has(c5, "href=\"c002.xhtml#sub-one\"") &&
	          has(c5, "<span class=\"link\">nowhere</span>"),
	      "sections: internal links name the file that holds the id");
	CHECK(has(c1, "id=\"fnref-1\" href=\"#fn-1\"") &&
	          has(c1, "<section class=\"footnotes\"><aside epub:type=\"footnote\" role=\"doc-footnote\" class=\"footnote\" id=\"fn-1\"><p class=\"footnote-number\"><a href=\"#fnref-1\"") &&
	          has(c3, "href=\"c001.xhtml#fn-1\"") &&
	          has(c2, "id=\"fn-2\"") && has(c2, "href=\"c005.xhtml#chapter-three\"") &&
	          has(c5, "id=\"fn-3\"") && !has(c3, "class=\"footnotes\"") &&
	          !has(c4, "class=\"footnotes\""),
	      "sections: each note ends the file of its first reference; other references name it");
	CHECK(bad_links(&b) == 0, "sections: every link in the course resolves");
	CHECK(has(nav, "<ol><li><a href=\"c001.xhtml#part-one\">Part One</a>\n"
	               "<ol><li><a href=\"c002.xhtml#chapter-one\">Chapter One</a>\n"
	               "<ol><li><a href=\"c002.xhtml#sub-one\">Sub One</a></li></ol></li>\n"
	               "<li><a href=\"c003.xhtml#chapter-two\">Chapter Two</a></li></ol></li>\n"
	               "<li><a href=\"c004.xhtml#part-two\">Part Two</a>\n"
	               "<ol><li><a href=\"c005.xhtml#chapter-three\">Chapter Three</a>\n"
	               "<ol><li><a href=\"c005.xhtml#deep-first\">Deep first</a></li></ol></li>\n"
	               "<li><a href=\"c006.xhtml#chapter-four\">Chapter Four</a></li></ol></li></ol>") &&
	          !has(nav, "<ol/>") && !has(nav, "<ol></ol>"),
	      "sections: nav nests parts, chapters, headings; no empty list");
	CHECK(has(nav, "epub:type=\"bodymatter\" href=\"c001.xhtml\"") &&
	          has(nav, "<title>The Course</title>"),
	      "sections: landmarks start at the first file; nav titled by meta.title");
	CHECK(has(opf, "<dc:title>The Course</dc:title>") &&
	          has(opf, "<dc:description>A course about testing &amp; &lt;things&gt;.</dc:description>") &&
	          has(opf, "A course converted from Markdown"),
	      "sections: dc:title, dc:description from meta.description");
	book_free(&b);
	mc_doc_free(doc);

	/* a module (chapters) and a worksheet pack */
	static const char *const mod_md =
		"Loose intro[^x].\n\n# First\n\nOne [to second](#second).\n\n"
		"## Inside\n\n# Second\n\nTwo[^x] [to inside](#inside).\n\n"
		"[^x]: The note.\n";
	for (int k = 0; k < 2; k++) {
		mc_doc_kind kind = k ? MC_DOC_WORKSHEETS : MC_DOC_MODULE;
		const char *what = k ? "worksheets" : "module";
		char msg[160];
		mc_buf_clear(&a);
		doc = sectioned(mod_md, kind, &dg);
		bool ok = doc && render_doc(doc, &dg, &a) == 0 && book_read(&a, &b) == 0;
		snprintf(msg, sizeof msg, "sections: a %s renders", what);
		CHECK(ok, msg);
		if (!ok) {
			mc_doc_free(doc);
			continue;
		}
		c1 = book_get(&b, "EPUB/c001.xhtml");
		c2 = book_get(&b, "EPUB/c002.xhtml");
		c3 = book_get(&b, "EPUB/c003.xhtml");
		nav = book_get(&b, "EPUB/nav.xhtml");
		snprintf(msg, sizeof msg, "sections: %s: blocks before the first section, then one file each", what);
		CHECK(has(c1, "<section class=\"section\"><p>Loose intro") &&
		          has(c1, "id=\"fn-1\"") &&
		          has(c2, k ? "class=\"worksheet\"><h1 id=\"first\">" : "class=\"chapter\"><h1 id=\"first\">") &&
		          has(c3, "href=\"c001.xhtml#fn-1\"") && has(c3, "href=\"c002.xhtml#inside\"") &&
		          has(c2, "href=\"c003.xhtml#second\"") &&
		          !book_get(&b, "EPUB/c004.xhtml"),
		      msg);
		snprintf(msg, sizeof msg, "sections: %s: links resolve, toc flat with headings below", what);
		CHECK(bad_links(&b) == 0 &&
		          has(nav, "<ol><li><a href=\"c002.xhtml#first\">First</a>\n"
		                   "<ol><li><a href=\"c002.xhtml#inside\">Inside</a></li></ol></li>\n"
		                   "<li><a href=\"c003.xhtml#second\">Second</a></li></ol>"),
		      msg);
		book_free(&b);
		mc_doc_free(doc);
	}
	mc_buf_free(&a);
	mc_buf_free(&b2);
}

/* --write DIR: the three books of section_tests(), for epubcheck. */
static int write_books(const char *dir)
{
	mc_diag dg;
	mc_diag_init(&dg, stderr, "t.md");
	dg.quiet = true;
	static const struct {
		mc_doc_kind kind;
		const char *name;
	} books[] = {{MC_DOC_COURSE, "course"}, {MC_DOC_MODULE, "module"},
	             {MC_DOC_WORKSHEETS, "worksheets"}};
	for (size_t i = 0; i < 3; i++) {
		mc_doc *doc = sectioned(course_md, books[i].kind, &dg);
		mc_buf out = MC_BUF_INIT;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.epub", dir, books[i].name);
		FILE *f = NULL;
		int bad = !doc || render_doc(doc, &dg, &out) != 0 ||
		          !(f = fopen(path, "wb")) ||
		          fwrite(out.data, 1, out.len, f) != out.len;
		if (f && fclose(f) != 0)
			bad = 1;
		mc_buf_free(&out);
		mc_doc_free(doc);
		if (bad) {
			fprintf(stderr, "unit_epub: cannot write %s\n", path);
			return 1;
		}
	}
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Mean in-process milliseconds to parse + render each file (reps runs). */
static int bench(int argc, char **argv)
{
	int reps = 20;
	mc_theme *theme = NULL;
	mc_diag dg;
	mc_diag_init(&dg, NULL, "-");
	dg.quiet = true;
	if (mc_theme_load(NULL, &theme, &dg) != 0)
		return 1;
	double parse = 0, rend = 0;
	int n = 0;
	for (int r = 0; r < reps; r++)
		for (int i = 0; i < argc; i++) {
			mc_diag_init(&dg, NULL, argv[i]);
			dg.quiet = true;
			mc_front_opts fo = {NULL, theme->answer.lines};
			mc_doc *doc = NULL;
			double t0 = now_ms();
			if (mc_front_parse_file(argv[i], &fo, &dg, &doc) != 0)
				return 1;
			double t1 = now_ms();
			mc_buf out = MC_BUF_INIT;
			if (mc_render_epub(doc, theme, NULL, &out, &dg) != 0)
				return 1;
			double t2 = now_ms();
			parse += t1 - t0;
			rend += t2 - t1;
			n++;
			mc_buf_free(&out);
			mc_doc_free(doc);
		}
	mc_theme_free(theme);
	printf("%.3f %.3f %d\n", parse / n, rend / n, n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--bench") == 0)
		return bench(argc - 2, argv + 2);
	if (argc > 2 && strcmp(argv[1], "--write") == 0)
		return write_books(argv[2]);
	helper_tests();
	render_tests();
	section_tests();
	return unit_done(stderr, "unit_epub");
}
