/* unit_docx.c - checks of the DOCX backend through mc_render_docx():
 * the protect and legacy-field variants the command line cannot ask for
 * yet, determinism, dates and the package layout.
 *
 *   unit_docx                 run the checks (PASS:/FAIL: lines)
 *   unit_docx --write IN DIR  write IN as DIR/default.docx, protect.docx
 *                             and legacy.docx (for tests/group_docx.sh)
 *   unit_docx --sections DIR  write built documents of several sections
 *                             as DIR/module.docx, course.docx and
 *                             worksheets.docx (for tests/group_docx.sh)
 *   unit_docx --bench FILE... mean in-process milliseconds per file of
 *                             parse and DOCX render, and of render alone
 *                             (best of 5; for tests/bench_docx.sh) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "back/docx/docx.h"
#include "front/front.h"
#include "theme/theme.h"

#include "unit.h"

/* every line says it is about DOCX */
#undef CHECK
#define CHECK(cond, what) CHECK_IN("docx", cond, what)

static const char sample[] =
	"---\ntitle: Sample <sheet> & co\ntags: [a, b]\n---\n"
	"# Intro {#intro}\n\nSee [below](#intro) and "
	"[the web](<https://example.org/a b?x=1&y=2>).\n\n"
	"<div class=\"callout activity\" markdown=\"1\">\n"
	"### Worksheet #1: Try\n\n"
	"- When I was young...\n"
	"- What did you learn?\n"
	"- Something else entirely\n\n"
	"</div>\n\n"
	"- [ ] open task\n- [x] done task\n\n"
	"Fill in: my name is ____ and I like _____.\n\n"
	"| a | b |\n|---|---|\n| 1 | 2 |\n";

/* The bytes of one zip entry as a NUL-terminated string, or NULL. */
static char *entry(const mc_buf *docx, const char *name)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(docx->data, docx->len, 0,
	                                             &ze);
	if (!src)
		return NULL;
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!za) {
		zip_source_free(src);
		return NULL;
	}
	char *out = NULL;
	zip_stat_t st;
	if (zip_stat(za, name, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) {
		zip_file_t *f = zip_fopen(za, name, 0);
		if (f) {
			out = malloc(st.size + 1);
			if (out && zip_fread(f, out, st.size) ==
			                   (zip_int64_t)st.size)
				out[st.size] = '\0';
			else {
				free(out);
				out = NULL;
			}
			zip_fclose(f);
		}
	}
	zip_close(za);
	return out;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	if (!hay)
		return -1;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static int render(const mc_doc *doc, const mc_theme *th, bool protect,
                  bool legacy, mc_buf *out)
{
	mc_diag d;
	mc_diag_init(&d, stderr, "unit");
	const char *given[2];
	size_t n = 0;
	if (protect)
		given[n++] = "protect";
	if (legacy)
		given[n++] = "fields=legacy";
	mc_render_opts o = {given, n, NULL};
	return mc_render_docx(doc, th, &o, out, &d) == 0 &&
	               !mc_diag_failed(&d)
	               ? 0
	               : -1;
}

static int write_file(const char *path, const mc_buf *b)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int ok = fwrite(b->data, 1, b->len, f) == b->len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* ---- accessibility ---- */

static const char a11y_md[] =
	"---\nlang: fr\n---\n# Alone\n\n"
	"![A red square](img/pic.png \"Square\")\n\n"
	"<img src=\"img/pic.png\" alt=\"\"><br/>_Caption says it_\n\n"
	"<img src=\"img/pic.png\" alt=\"\">\n\n"
	"[![](img/pic.png)](https://example.org/linked)\n\n"
	"- item\n\n  ## Inside a list\n\n"
	"<div class=\"callout activity\" markdown=\"1\">\n\n"
	"- What did you learn?\n\n</div>\n\n"
	"A ____ blank, and - [ ] no.\n\n"
	"- [ ] a task\n";

/* Alt text, decorative pictures, the title's outline level, headings in
 * lists, core properties without a front-matter title, field names. */
static void check_a11y(const mc_theme *th)
{
	mc_diag d;
	mc_diag_init(&d, NULL, "a11y.md");
	mc_doc *doc = NULL;
	mc_front_opts fo = {"fixtures", th->answer.lines, false, false, NULL,
	                    NULL, NULL, NULL};
	if (mc_front_parse_buffer(a11y_md, sizeof a11y_md - 1, "dir/a11y.v2.md",
	                          "fixtures", &fo, &d, &doc) != 0) {
		CHECK(false, "a11y: the sample parses");
		return;
	}
	mc_buf a = MC_BUF_INIT, l = MC_BUF_INIT;
	CHECK(render(doc, th, false, false, &a) == 0 &&
	              render(doc, th, false, true, &l) == 0,
	      "a11y: the sample renders, with and without legacy fields");
	char *x = entry(&a, "word/document.xml");
	char *core = entry(&a, "docProps/core.xml");
	char *styles = entry(&a, "word/styles.xml");
	char *lx = entry(&l, "word/document.xml");
	CHECK(count(x, "<wp:docPr id=\"1\" name=\"Picture 1\" "
	               "descr=\"A red square\" title=\"Square\"/>") == 1 &&
	              count(x, "<pic:cNvPr id=\"1\" name=\"image1.png\" "
	                       "descr=\"A red square\" title=\"Square\"/>") == 1,
	      "a11y: a picture's alt text and title in wp:docPr and pic:cNvPr");
	CHECK(count(x, "descr=\"Caption says it\"") == 2,
	      "a11y: a figure without alt text is described by its caption");
	CHECK(count(x, "descr=\"https://example.org/linked\"") == 2,
	      "a11y: a linked picture without alt text by where it links");
	CHECK(count(x, "<adec:decorative xmlns:adec=\"http://schemas.microsoft"
	               ".com/office/drawing/2017/decorative\" val=\"1\"/>") ==
	              1 &&
	              count(x, "descr=\"\"") == 2,
	      "a11y: a picture with nothing to say is marked decorative");
	CHECK(count(x, "<w:pStyle w:val=\"Title\"/><w:outlineLvl w:val=\"0\"/>"
	               "</w:pPr>") == 0 &&
	              count(x, "<w:pStyle w:val=\"Heading1\"/>") == 1,
	      "a11y: no front-matter title, no Title paragraph");
	CHECK(count(x, "<w:outlineLvl w:val=\"1\"/>") == 1,
	      "a11y: a heading in a list keeps its outline level");
	CHECK(count(core, "<dc:title>Alone</dc:title>") == 1 &&
	              count(core, "<dc:language>fr</dc:language>") == 1 &&
	              count(styles, "<w:lang w:val=\"fr\"/>") == 1,
	      "a11y: dc:title from the first heading, dc:language and the "
	      "default language");
	CHECK(count(x, "<w:alias w:val=\"What did you learn?\"/>"
	               "<w:tag w:val=\"answer-1\"/>") == 1 &&
	              count(x, "<w:alias w:val=\"Blank 1\"/>"
	                       "<w:tag w:val=\"blank-1\"/>") == 1 &&
	              count(x, "<w:alias w:val=\"a task\"/>"
	                       "<w:tag w:val=\"task-1\"/>") == 1,
	      "a11y: answer, blank and task controls have a title and tag");
	CHECK(count(lx, "<w:name w:val=\"Answer1\"/><w:enabled/>"
	                "<w:calcOnExit w:val=\"0\"/><w:helpText w:type=\"text\" "
	                "w:val=\"What did you learn?\"/><w:statusText "
	                "w:type=\"text\" w:val=\"What did you learn?\"/>") == 1 &&
	              count(lx, "<w:helpText w:type=\"text\" w:val=\"Blank 1\"/>") ==
	                      1 &&
	              count(lx, "<w:helpText w:type=\"text\" w:val=\"a task\"/>") ==
	                      1,
	      "a11y: legacy fields have help and status text");
	free(x);
	free(core);
	free(styles);
	free(lx);
	mc_buf_free(&a);
	mc_buf_free(&l);

	/* a page with a title: the title heads the outline */
	doc->meta.title = "Titled";
	mc_buf t = MC_BUF_INIT;
	CHECK(render(doc, th, false, false, &t) == 0, "a11y: a titled page");
	x = entry(&t, "word/document.xml");
	core = entry(&t, "docProps/core.xml");
	CHECK(count(x, "<w:pStyle w:val=\"Title\"/><w:outlineLvl w:val=\"0\"/>"
	               "</w:pPr>") == 1 &&
	              count(core, "<dc:title>Titled</dc:title>") == 1,
	      "a11y: a page's Title is at outline level 1, and its dc:title");
	free(x);
	free(core);
	mc_buf_free(&t);

	mc_doc_free(doc);

	/* nothing to take a title from: the file's name */
	static const char plain_md[] = "Just text.\n";
	if (mc_front_parse_buffer(plain_md, sizeof plain_md - 1,
	                          "dir/a11y.v2.md", "fixtures", &fo, &d,
	                          &doc) != 0) {
		CHECK(false, "a11y: a page of text parses");
		return;
	}
	CHECK(render(doc, th, false, false, &t) == 0, "a11y: an untitled page");
	core = entry(&t, "docProps/core.xml");
	CHECK(count(core, "<dc:title>a11y.v2</dc:title>") == 1,
	      "a11y: with no title and no heading, dc:title is the file name");
	free(core);
	mc_buf_free(&t);
	mc_doc_free(doc);
}

/* ---- documents of several inputs, built by hand ---- */

static mc_node *add(mc_doc *doc, mc_node *parent, mc_node_type type)
{
	mc_node *n = mc_node_new(doc, type, 1, 0);
	mc_node_append(parent, n);
	return n;
}

static void add_text(mc_doc *doc, mc_node *parent, const char *text)
{
	add(doc, parent, MC_TEXT)->as.text.text = mc_strdup(doc, text);
}

static mc_node *add_heading(mc_doc *doc, mc_node *parent, int level,
                            const char *id, const char *text)
{
	mc_node *h = add(doc, parent, MC_HEADING);
	h->as.heading.level = level;
	h->id = mc_strdup(doc, id);
	add_text(doc, h, text);
	return h;
}

static mc_node *add_para(mc_doc *doc, mc_node *parent, const char *text)
{
	mc_node *p = add(doc, parent, MC_PARAGRAPH);
	add_text(doc, p, text);
	return p;
}

static mc_node *add_section(mc_doc *doc, mc_node *parent, mc_section_kind k,
                            int level, const char *id, const char *title)
{
	mc_node *s = add(doc, parent, MC_SECTION);
	s->as.section.kind = k;
	s->as.section.source = mc_strdup(doc, id);
	add_heading(doc, s, level, id, title);
	return s;
}

/* A chapter: its title, a paragraph (linking to `link` if not NULL) and
 * a level-`level + 1` heading. */
static void add_chapter(mc_doc *doc, mc_node *parent, int level,
                        const char *id, const char *title, const char *link)
{
	mc_node *s = add_section(doc, parent, MC_SECTION_CHAPTER, level, id,
	                         title);
	mc_node *p = add_para(doc, s, "Text of ");
	add_text(doc, p, title);
	if (link) {
		add_text(doc, p, ", see ");
		mc_node *l = add(doc, p, MC_LINK);
		l->as.link.url = mc_strdup(doc, link);
		add_text(doc, l, "the other chapter");
	}
	char sub[64];
	snprintf(sub, sizeof sub, "%s-more", id);
	add_heading(doc, s, level + 1, sub, "More");
	add_para(doc, s, "More words.");
}

static mc_doc *new_doc(mc_doc_kind kind, const char *title,
                       const char *description)
{
	mc_doc *doc = mc_doc_new();
	doc->meta.kind = kind;
	doc->meta.title = mc_strdup(doc, title);
	doc->meta.description = description ? mc_strdup(doc, description)
	                                    : NULL;
	doc->meta.lang = "en";
	doc->meta.source = "built";
	doc->meta.date = 1700000000;
	return doc;
}

/* A module: two chapters (level 1), the first linking to the second. */
static mc_doc *module_doc(void)
{
	mc_doc *doc = new_doc(MC_DOC_MODULE, "Module M", NULL);
	add_chapter(doc, doc->root, 1, "chapter-one", "Chapter One",
	            "#chapter-two");
	add_chapter(doc, doc->root, 1, "chapter-two", "Chapter Two",
	            "#chapter-one");
	return doc;
}

/* A course: part one with an introduction and two chapters, part two
 * with none and one chapter. */
static mc_doc *course_doc(void)
{
	mc_doc *doc = new_doc(MC_DOC_COURSE, "Course C",
	                      "A course about <things> & more");
	mc_node *p1 = add_section(doc, doc->root, MC_SECTION_PART, 1,
	                          "part-one", "Part One");
	add_para(doc, p1, "Introduction to part one.");
	add_chapter(doc, p1, 2, "c-one", "C One", "#c-three");
	add_chapter(doc, p1, 2, "c-two", "C Two", NULL);
	mc_node *p2 = add_section(doc, doc->root, MC_SECTION_PART, 1,
	                          "part-two", "Part Two");
	add_chapter(doc, p2, 2, "c-three", "C Three", "#part-one");
	return doc;
}

/* Three worksheets: heading, a name/date line of blanks, an activity with
 * one prompt and its answer. */
static mc_doc *worksheets_doc(void)
{
	mc_doc *doc = new_doc(MC_DOC_WORKSHEETS, "Worksheets W", NULL);
	for (int i = 1; i <= 3; i++) {
		char id[32], title[32];
		snprintf(id, sizeof id, "sheet-%d", i);
		snprintf(title, sizeof title, "Sheet %d", i);
		mc_node *s = add_section(doc, doc->root, MC_SECTION_WORKSHEET,
		                         1, id, title);
		mc_node *p = add_para(doc, s, "Name ");
		add(doc, p, MC_BLANK)->as.blank.width = 20;
		add_text(doc, p, " Date ");
		add(doc, p, MC_BLANK)->as.blank.width = 10;
		mc_node *c = add(doc, s, MC_CALLOUT);
		c->as.callout.kind = MC_CALLOUT_ACTIVITY;
		mc_node *l = add(doc, c, MC_LIST);
		mc_node *it = add(doc, l, MC_ITEM);
		it->as.item.prompt = true;
		add_para(doc, it, "What did you learn?");
		mc_node *a = add(doc, it, MC_ANSWER);
		a->as.answer.kind = MC_ANSWER_LINES;
		a->as.answer.lines = 3;
		a->as.answer.label = "What did you learn?";
		a->as.answer.number = i;
	}
	return doc;
}

static int write_sections(const char *dir)
{
	mc_diag d;
	mc_diag_init(&d, stderr, "sections");
	mc_theme *th = NULL;
	if (mc_theme_load(NULL, &th, &d) != 0)
		return 1;
	mc_doc *(*const make[])(void) = {module_doc, course_doc,
	                                  worksheets_doc};
	static const char *const names[] = {"module", "course", "worksheets"};
	int rc = 0;
	for (int i = 0; i < 3 && rc == 0; i++) {
		mc_doc *doc = make[i]();
		mc_buf b = MC_BUF_INIT;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.docx", dir, names[i]);
		if (render(doc, th, false, false, &b) != 0 ||
		    write_file(path, &b) != 0) {
			fprintf(stderr, "unit_docx: cannot write %s\n", path);
			rc = 1;
		}
		mc_buf_free(&b);
		mc_doc_free(doc);
	}
	mc_theme_free(th);
	return rc;
}

/* The anchors of the TOC's links, in order, joined by spaces. */
static void toc_anchors(const char *xml, char *out, size_t n)
{
	out[0] = '\0';
	const char *end = xml ? strstr(xml, "PAGEREF") : NULL;
	const char *p = xml ? strstr(xml, "TOC \\o") : NULL;
	const char *stop = p ? strstr(p, "w:fldCharType=\"end\"/></w:r></w:p>")
	                     : NULL;
	(void)end;
	while (p && stop && (p = strstr(p, "<w:hyperlink w:anchor=\"")) &&
	       p < stop) {
		p += strlen("<w:hyperlink w:anchor=\"");
		size_t k = strcspn(p, "\"");
		size_t used = strlen(out);
		snprintf(out + used, n - used, "%s%.*s", used ? " " : "",
		         (int)k, p);
	}
}

/* Every w:anchor of a link has its bookmark. */
static bool anchors_resolve(const char *xml)
{
	if (!xml)
		return false;
	for (const char *p = xml; (p = strstr(p, "w:anchor=\""));) {
		p += 10;
		size_t k = strcspn(p, "\"");
		char want[96];
		snprintf(want, sizeof want, "w:name=\"%.*s\"", (int)k, p);
		if (!strstr(xml, want))
			return false;
	}
	return true;
}

static void check_sections(const mc_theme *th)
{
	char err[256];
	mc_doc *m = module_doc(), *c = course_doc(), *w = worksheets_doc();
	CHECK(mc_doc_validate(m, err, sizeof err) == 0 &&
	              mc_doc_validate(c, err, sizeof err) == 0 &&
	              mc_doc_validate(w, err, sizeof err) == 0,
	      "built module, course and worksheet documents are valid");
	mc_buf mb = MC_BUF_INIT, mb2 = MC_BUF_INIT, cb = MC_BUF_INIT,
	       wb = MC_BUF_INIT;
	CHECK(render(m, th, false, false, &mb) == 0 &&
	              render(m, th, false, false, &mb2) == 0 &&
	              render(c, th, false, false, &cb) == 0 &&
	              render(w, th, false, false, &wb) == 0,
	      "module, course and worksheets render");
	CHECK(mb.len == mb2.len && memcmp(mb.data, mb2.data, mb.len) == 0,
	      "a module renders byte-identically twice");

	char *x = entry(&mb, "word/document.xml");
	char *set = entry(&mb, "word/settings.xml");
	char *sty = entry(&mb, "word/styles.xml");
	char toc[512];
	CHECK(count(x, "<w:instrText xml:space=\"preserve\"> TOC \\o "
	               "&quot;1-2&quot; \\h \\z \\u </w:instrText>") == 1 ||
	              count(x, "<w:instrText xml:space=\"preserve\"> TOC \\o "
	                       "\"1-2\" \\h \\z \\u </w:instrText>") == 1,
	      "module: one TOC \\o \"1-2\" \\h \\z \\u field");
	CHECK(count(x, "w:fldCharType=\"begin\"") == 5 &&
	              count(x, "w:fldCharType=\"separate\"") == 5 &&
	              count(x, "w:fldCharType=\"end\"") == 5,
	      "module: TOC and 4 PAGEREF fields, each begin/separate/end");
	toc_anchors(x, toc, sizeof toc);
	CHECK(strcmp(toc, "mchapter_one_0 mchapter_one_more_1 "
	                  "mchapter_two_2 mchapter_two_more_3") == 0,
	      "module: the TOC's cached result links chapters and their "
	      "level-2 headings in order");
	if (strcmp(toc, "mchapter_one_0 mchapter_one_more_1 mchapter_two_2 "
	                "mchapter_two_more_3") != 0)
		printf("  toc anchors: %s\n", toc);
	CHECK(count(x, "<w:pStyle w:val=\"TOC1\"/>") == 2 &&
	              count(x, "<w:pStyle w:val=\"TOC2\"/>") == 2,
	      "module: TOC lines in the toc 1 / toc 2 styles");
	CHECK(count(x, "Module M") == 1 && strstr(x, "Module M") <
	                                           strstr(x, " TOC "),
	      "module: the title comes before the TOC");
	CHECK(count(x, "<w:pageBreakBefore/>") == 1 &&
	              strstr(x, "<w:pageBreakBefore/>") <
	                      strstr(x, "w:name=\"mchapter_two_2\""),
	      "module: the second chapter, not the first, starts a page");
	CHECK(anchors_resolve(x) && count(x, "w:anchor=\"mchapter_two_2\"") ==
	                                 2,
	      "module: links between chapters and TOC lines reach bookmarks");
	CHECK(count(set, "<w:updateFields w:val=\"true\"/>") == 1 &&
	              strstr(set, "updateFields") < strstr(set, "w:compat>"),
	      "module: settings ask Word to update fields, before w:compat");
	CHECK(count(sty, "w:styleId=\"TOC1\"") == 1 &&
	              count(sty, "w:styleId=\"TOC2\"") == 1 &&
	              count(sty, "<w:outlineLvl w:val=\"0\"/>") == 1 &&
	              count(sty, "<w:outlineLvl w:val=\"1\"/>") == 1,
	      "module: TOC styles; Heading 1 and 2 carry outline levels");
	free(x);
	free(set);
	free(sty);

	x = entry(&cb, "word/document.xml");
	toc_anchors(x, toc, sizeof toc);
	CHECK(strcmp(toc, "mpart_one_0 mc_one_1 mc_two_3 mpart_two_5 "
	                  "mc_three_6") == 0,
	      "course: the TOC lists parts and chapters");
	if (strcmp(toc, "mpart_one_0 mc_one_1 mc_two_3 mpart_two_5 "
	                "mc_three_6") != 0)
		printf("  toc anchors: %s\n", toc);
	CHECK(count(x, "<w:pageBreakBefore/>") == 3,
	      "course: chapter one (after the part's intro), chapter two and "
	      "part two start pages; part two's first chapter does not");
	CHECK(count(x, "A course about &lt;things&gt; &amp; more") == 1 &&
	              count(x, "<w:pStyle w:val=\"Subtitle\"/>") == 1,
	      "course: the description under the title");
	CHECK(anchors_resolve(x), "course: every link reaches a bookmark");
	free(x);

	x = entry(&wb, "word/document.xml");
	set = entry(&wb, "word/settings.xml");
	CHECK(count(x, " TOC ") == 0 && count(set, "updateFields") == 0,
	      "worksheets: no TOC field, no field update");
	CHECK(count(x, "<w:pageBreakBefore/>") == 2,
	      "worksheets: each worksheet after the first starts a page");
	/* tags: "worksheet-slug/answer-N"; a worksheet's Name and Date
	 * blanks "worksheet-slug/name", ".../date" */
	CHECK(count(x, "/answer-") == 3 &&
	              count(x, "/blank-") + count(x, "/name\"/>") +
	                              count(x, "/date\"/>") ==
	                      6,
	      "worksheets: 3 answer and 6 blank content controls");
	free(x);
	free(set);

	mc_buf_free(&mb);
	mc_buf_free(&mb2);
	mc_buf_free(&cb);
	mc_buf_free(&wb);
	mc_doc_free(m);
	mc_doc_free(c);
	mc_doc_free(w);
}

static int write_variants(const char *in, const char *dir)
{
	mc_diag d;
	mc_diag_init(&d, stderr, in);
	mc_theme *th = NULL;
	mc_doc *doc = NULL;
	int rc = 1;
	if (mc_theme_load(NULL, &th, &d) != 0)
		return 1;
	mc_front_opts fo = {NULL, th->answer.lines};
	if (mc_front_parse_file(in, &fo, &d, &doc) != 0)
		goto done;
	static const char *const names[] = {"default", "protect", "legacy"};
	for (int i = 0; i < 3; i++) {
		mc_buf b = MC_BUF_INIT;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.docx", dir, names[i]);
		if (render(doc, th, i == 1, i == 2, &b) != 0 ||
		    write_file(path, &b) != 0) {
			fprintf(stderr, "unit_docx: cannot write %s\n", path);
			mc_buf_free(&b);
			goto done;
		}
		mc_buf_free(&b);
	}
	rc = 0;
done:
	mc_doc_free(doc);
	mc_theme_free(th);
	return rc;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int bench(int n, char **files)
{
	mc_diag d;
	mc_diag_init(&d, NULL, "bench");
	mc_theme *th = NULL;
	if (mc_theme_load(NULL, &th, &d) != 0)
		return 1;
	mc_front_opts fo = {NULL, th->answer.lines};
	double best_all = 1e300, best_render = 1e300;
	for (int rep = 0; rep < 5; rep++) {
		double all = 0, render_ms = 0;
		for (int i = 0; i < n; i++) {
			mc_doc *doc = NULL;
			mc_buf out = MC_BUF_INIT;
			mc_diag_init(&d, NULL, files[i]);
			double t0 = now_ms();
			if (mc_front_parse_file(files[i], &fo, &d, &doc) != 0) {
				fprintf(stderr, "unit_docx: cannot parse %s\n",
				        files[i]);
				mc_theme_free(th);
				return 1;
			}
			double t1 = now_ms();
			int rc = mc_render_docx(doc, th, NULL, &out, &d);
			double t2 = now_ms();
			mc_buf_free(&out);
			mc_doc_free(doc);
			if (rc != 0) {
				fprintf(stderr, "unit_docx: cannot render %s\n",
				        files[i]);
				mc_theme_free(th);
				return 1;
			}
			all += t2 - t0;
			render_ms += t2 - t1;
		}
		if (all < best_all)
			best_all = all;
		if (render_ms < best_render)
			best_render = render_ms;
	}
	printf("%.3f %.3f\n", best_all / n, best_render / n);
	mc_theme_free(th);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--write") == 0)
		return write_variants(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "--sections") == 0)
		return write_sections(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "--bench") == 0)
		return bench(argc - 2, argv + 2);

	mc_diag d;
	mc_diag_init(&d, stderr, "sample.md");
	mc_theme *th = NULL;
	mc_doc *doc = NULL;
	if (mc_theme_load(NULL, &th, &d) != 0) {
		printf("FAIL: docx: default theme loads\n");
		return 1;
	}
	mc_front_opts fo = {NULL, th->answer.lines};
	if (mc_front_parse_buffer(sample, sizeof sample - 1, "sample.md", NULL,
	                          &fo, &d, &doc) != 0) {
		printf("FAIL: docx: sample parses\n");
		mc_theme_free(th);
		return 1;
	}
	doc->meta.date = 1700000000; /* 2023-11-14T22:13:20Z */

	mc_buf a = MC_BUF_INIT, b = MC_BUF_INIT, p = MC_BUF_INIT,
	       l = MC_BUF_INIT;
	CHECK(render(doc, th, false, false, &a) == 0, "default render succeeds");
	CHECK(render(doc, th, false, false, &b) == 0, "second render succeeds");
	CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
	      "two renders in one process are byte-identical");
	CHECK(a.len > 30 && memcmp(a.data + 30, "[Content_Types].xml", 19) == 0,
	      "[Content_Types].xml is the first zip entry");

	char *docxml = entry(&a, "word/document.xml");
	char *settings = entry(&a, "word/settings.xml");
	char *core = entry(&a, "docProps/core.xml");
	char *rels = entry(&a, "word/_rels/document.xml.rels");
	CHECK(docxml && settings && core && rels, "the parts are in the zip");
	CHECK(count(docxml, "<w:text w:multiLine=\"1\"/>") == 2,
	      "two prompts give two multi-line text controls");
	CHECK(count(docxml, "/answer-") == 2,
	      "answer controls are tagged worksheet-slug/answer-N");
	CHECK(count(docxml, "<w14:checkbox>") == 2,
	      "two task items give two w14:checkbox controls");
	CHECK(count(docxml, "<w14:checked w14:val=\"1\"/>") == 1,
	      "the done task is ticked");
	CHECK(count(docxml, "<w:text/>") == 2,
	      "two inline blanks give two inline text controls");
	CHECK(count(docxml, "Type your answer here") == 2,
	      "the theme's placeholder is shown");
	CHECK(count(docxml, "<w:showingPlcHdr/>") == 4,
	      "text controls show their placeholder");
	CHECK(count(docxml, "w:anchor=\"m") == 1 &&
	              count(docxml, "<w:bookmarkStart") >= 1,
	      "an internal link points at a heading bookmark");
	CHECK(count(rels, "Target=\"https://example.org/a%20b?x=1&amp;y=2\" "
	                  "TargetMode=\"External\"") == 1,
	      "an external link is a relationship, its URL encoded");
	CHECK(count(docxml, "<w:tblHeader/>") == 1, "table header row repeats");
	CHECK(count(settings, "documentProtection") == 0,
	      "no protection by default");
	CHECK(count(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">"
	                  "2023-11-14T22:13:20Z</dcterms:created>") == 1,
	      "core.xml is dated with the document's date");
	CHECK(count(core, "<dc:title>Sample &lt;sheet&gt; &amp; co</dc:title>") ==
	              1 &&
	              count(core, "<cp:keywords>a, b</cp:keywords>") == 1,
	      "core.xml title (escaped) and keywords from tags");
	/* sdtPr children in schema order: alias, tag, id, showingPlcHdr, text */
	const char *s = docxml ? strstr(docxml, "<w:sdtPr><w:alias") : NULL;
	CHECK(s && strstr(s, "<w:tag") < strstr(s, "<w:id") &&
	              strstr(s, "<w:id") < strstr(s, "<w:showingPlcHdr"),
	      "sdtPr children in ECMA-376 order");
	free(docxml);
	free(settings);
	free(core);
	free(rels);

	CHECK(render(doc, th, true, false, &p) == 0, "protect render succeeds");
	settings = entry(&p, "word/settings.xml");
	CHECK(count(settings, "<w:documentProtection w:edit=\"forms\" "
	                      "w:enforcement=\"1\"/>") == 1,
	      "protect adds documentProtection edit=forms");
	free(settings);

	CHECK(render(doc, th, false, true, &l) == 0, "legacy render succeeds");
	docxml = entry(&l, "word/document.xml");
	CHECK(count(docxml, " FORMTEXT ") == 4,
	      "legacy: prompts and blanks are FORMTEXT fields");
	CHECK(count(docxml, " FORMCHECKBOX ") == 2,
	      "legacy: task items are FORMCHECKBOX fields");
	CHECK(count(docxml, "<w:sdt>") == 0, "legacy: no content controls");
	CHECK(count(docxml, "<w:default w:val=\"1\"/>") == 1,
	      "legacy: the done task's box is ticked");
	free(docxml);

	doc->meta.date = 0;
	mc_buf z = MC_BUF_INIT;
	CHECK(render(doc, th, false, false, &z) == 0,
	      "an undated document renders");
	core = entry(&z, "docProps/core.xml");
	CHECK(core && !strstr(core, "dcterms:created"),
	      "an undated document has no made-up date");
	free(core);

	/* an embed whose short URL is too long for any QR code: a warning,
	 * and the card keeps its printed link */
	{
		mc_node *e = mc_node_new(doc, MC_EMBED, 99, 1);
		e->as.embed.kind = MC_EMBED_VIDEO;
		e->as.embed.provider = "Example";
		char *u = malloc(4001);
		for (int i = 0; i < 4000; i++)
			u[i] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[
				(i * 7 + i / 3) % 52];
		memcpy(u, "https://e.org/", 14);
		u[4000] = '\0';
		e->as.embed.url = e->as.embed.watch_url = e->as.embed.short_url =
			mc_strdup(doc, u);
		free(u);
		mc_node_append(doc->root, e);
		mc_buf q = MC_BUF_INIT;
		mc_diag qd;
		mc_diag_init(&qd, NULL, "sample.md");
		int rc = mc_render_docx(doc, th, NULL, &q, &qd);
		CHECK(rc == 0 && qd.nerrors == 0 && qd.nwarnings == 1,
		      "a URL too long for a QR code: a warning, no failure");
		char *relx = entry(&q, "word/_rels/document.xml.rels");
		CHECK(relx && !strstr(relx, "media/"), "... and no QR image");
		free(relx);
		mc_buf_free(&q);
		mc_node_unlink(e);
	}

	check_sections(th);
	check_a11y(th);

	mc_buf_free(&a);
	mc_buf_free(&b);
	mc_buf_free(&p);
	mc_buf_free(&l);
	mc_buf_free(&z);
	mc_doc_free(doc);
	mc_theme_free(th);
	return unit_done(stdout, "unit_docx");
}
