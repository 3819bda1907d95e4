/*
 * unit_pdf.c - tests of the PDF backend's line breaker and of whole
 * renders in memory (src/back/pdf/).
 *
 * Prints `PASS: ...` or `FAIL: ...` per check and exits 1 if any failed.
 */
#include "back/backend.h"
#include "back/pdf/cache.h"
#include "back/pdf/cachefile.h"
#include "back/pdf/hyph.h"
#include "back/pdf/pdf_int.h"
#include "back/pdf/cff.h"
#include "back/pdf/face.h"
#include "back/pdf/fontcache.h"
#include "back/pdf/objstm.h"
#include "front/front.h"
#include "model/model.h"
#include "theme/theme.h"
#include "util/buf.h"
#include "util/diag.h"

#include <hyphen.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

int mc_render_pdf(const mc_doc *doc, const mc_theme *theme,
                  const mc_render_opts *opts, mc_buf *out, mc_diag *diag);

static int npass, nfail;

static bool check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool check(bool ok, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	printf("%s: %s\n", ok ? "PASS" : "FAIL", line);
	if (ok)
		npass++;
	else
		nfail++;
	return ok;
}

/* ---- Knuth-Plass on abstract items ---- */

typedef struct para {
	kp_item it[512];
	size_t n;
} para;

static void box(para *p, double w)
{
	p->it[p->n++] = (kp_item){KP_BOX, false, w, 0, 0, 0};
}

static void glue(para *p)
{
	p->it[p->n++] = (kp_item){KP_GLUE, false, 3.5, 2, 1.2, 0};
}

static void pen(para *p, double w, double pn, bool flagged)
{
	p->it[p->n++] = (kp_item){KP_PENALTY, flagged, w, 0, 0, pn};
}

static void finish(para *p)
{
	pen(p, 0, KP_INF, false);
	p->it[p->n++] = (kp_item){KP_GLUE, false, 0, 1e6, 0, 0};
	pen(p, 0, -KP_INF, false);
}

/* Adjustment ratio of the line (start, b]; *fill says it had fill glue. */
static double ratio(const para *p, size_t start, size_t b, double width)
{
	double L = 0, Y = 0, Z = 0;
	while (start < b && p->it[start].type != KP_BOX)
		start++;
	for (size_t k = start; k < b; k++) {
		if (p->it[k].type == KP_PENALTY)
			continue;
		L += p->it[k].w;
		if (p->it[k].type == KP_GLUE) {
			Y += p->it[k].stretch;
			Z += p->it[k].shrink;
		}
	}
	if (p->it[b].type == KP_PENALTY)
		L += p->it[b].w;
	if (L < width)
		return Y > 0 ? (width - L) / Y : INFINITY;
	if (L > width)
		return Z > 0 ? (width - L) / Z : -INFINITY;
	return 0;
}

static void test_kp(void)
{
	para p = {0};
	/* words of varied widths */
	static const double w[] = {20, 35, 12, 28, 40, 9,  22, 31, 18, 26,
	                           14, 37, 25, 11, 30, 19, 27, 16, 33, 21};
	for (int rep = 0; rep < 3; rep++)
		for (size_t i = 0; i < sizeof w / sizeof *w; i++) {
			if (p.n)
				glue(&p);
			box(&p, w[i]);
		}
	finish(&p);
	size_t brk[512];
	double width = 300;
	int n = pdf_kp_break(p.it, p.n, width, 0, 2.0, brk);
	check(n > 1, "kp: a 60-word paragraph breaks into %d lines", n);
	bool ok = n > 0 && brk[n - 1] == p.n - 1;
	check(ok, "kp: the last break is the paragraph's end");
	size_t start = 0;
	double worst = 0;
	for (int i = 0; i + 1 < n; i++) {
		double r = ratio(&p, start, brk[i], width);
		if (fabs(r) > worst)
			worst = fabs(r);
		if (r < -1 || r > 2)
			ok = false;
		start = brk[i] + 1;
	}
	check(ok, "kp: every line but the last within ratio [-1, 2] "
	          "(worst %.2f)",
	      worst);

	/* a forced break is honoured */
	para q = {0};
	box(&q, 30);
	glue(&q);
	box(&q, 30);
	q.it[q.n++] = (kp_item){KP_GLUE, false, 0, 1e6, 0, 0};
	pen(&q, 0, -KP_INF, false);
	box(&q, 30);
	finish(&q);
	n = pdf_kp_break(q.it, q.n, 200, 0, 2.0, brk);
	check(n == 2 && brk[0] == 4, "kp: a forced break ends a line (%d "
	                              "lines, first break at %zu)",
	      n, n > 0 ? brk[0] : (size_t)0);

	/* nothing feasible: a box wider than the line */
	para r = {0};
	box(&r, 500);
	glue(&r);
	box(&r, 20);
	finish(&r);
	n = pdf_kp_break(r.it, r.n, 100, 0, 2.0, brk);
	check(n < 0, "kp: an overfull box gives no feasible breaking (%d)",
	      n);

	/* a lone short word is not left on a line of its own */
	para s = {0};
	box(&s, 40); /* "Examines" */
	static const double rest[] = {15, 22, 60, 40, 12, 30, 25, 18, 35, 14};
	for (size_t i = 0; i < sizeof rest / sizeof *rest; i++) {
		glue(&s);
		box(&s, rest[i]);
	}
	finish(&s);
	n = pdf_kp_break(s.it, s.n, 150, 0, 2.0, brk);
	check(n >= 1 && brk[0] != 1,
	      "kp: the first line is not one short word (first break at "
	      "item %zu)",
	      n >= 1 ? brk[0] : (size_t)0);

	/* a line of one short word has no glue to stretch: it is not a
	 * feasible line (the caller falls back to first fit) */
	para u = {0};
	box(&u, 40);
	glue(&u);
	box(&u, 100);
	finish(&u);
	n = pdf_kp_break(u.it, u.n, 120, 0, 2.0, brk);
	check(n < 0, "kp: a lone short word is not a feasible line (%d)", n);

	/* hyphenation: a flagged penalty is used when it fits better */
	para h = {0};
	for (int i = 0; i < 6; i++) {
		if (h.n)
			glue(&h);
		box(&h, 24);
	}
	glue(&h);
	box(&h, 20);
	pen(&h, 4, 50, true);
	box(&h, 40);
	finish(&h);
	n = pdf_kp_break(h.it, h.n, 182, 0, 2.0, brk);
	bool hy = false;
	for (int i = 0; i + 1 < n; i++)
		if (h.it[brk[i]].type == KP_PENALTY && h.it[brk[i]].flagged)
			hy = true;
	check(n >= 2 && hy, "kp: breaks at a hyphenation point when the line "
	                    "would otherwise be loose (%d lines)",
	      n);
}

/* ---- whole renders ---- */

static const char *SRC =
	"---\ntitle: Unit “test”\ntags: [a, b]\n---\n\n"
	"# Heading\n\nA paragraph with *emphasis*, **strong** text, `code`, "
	"a [link](https://example.org/) and an arrow → and café.\n\n"
	"> Quoted.<br/><br/>-- Someone\n\n"
	"| a | b |\n|---|---|\n| 1 | 2 |\n\n"
	"```\ncode block\n```\n\n- [ ] task\n- [x] done\n";

/* Fallback glyphs, another font, hyphenation: a different set of fonts
 * and glyphs from SRC's, to show that what one document loads into the
 * run cache changes nothing in the next. */
static const char *SRC2 =
	"---\ntitle: Other\n---\n\n"
	"Checks ✓ ★ ☆, arrows ⇒ ←, accents Łódź ñ, CJK 中文, and "
	"incomprehensibilities notwithstanding *uncharacteristically* long "
	"words that hyphenate in a narrow justified paragraph.\n\n"
	"**Bold** and ***bold italic*** and `mono ✓`.\n";

typedef struct job {
	const mc_theme *theme;
	const char *src;
	void *cache;
	mc_buf out;
	int rc;
} job;

static int render_src(const mc_theme *theme, const char *src, void *cache,
                      mc_buf *out)
{
	mc_diag d;
	mc_diag_init(&d, NULL, "unit.md");
	mc_doc *doc = NULL;
	mc_front_opts fo = {NULL, 3};
	if (mc_front_parse_buffer(src, strlen(src), "unit.md", NULL, &fo, &d,
	                          &doc))
		return -1;
	doc->meta.date = 1700000000;
	mc_render_opts ro = {0};
	ro.cache = cache;
	int rc = mc_render_pdf(doc, theme, &ro, out, &d);
	mc_doc_free(doc);
	return rc;
}

static int render(const mc_theme *theme, mc_buf *out)
{
	return render_src(theme, SRC, NULL, out);
}

static void *run_job(void *arg)
{
	job *j = arg;
	j->rc = render_src(j->theme, j->src, j->cache, &j->out);
	return NULL;
}

static bool same(const mc_buf *a, const mc_buf *b)
{
	return a->len == b->len && a->len && !memcmp(a->data, b->data, a->len);
}

static bool contains_raw(const char *d, size_t len, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; d && i + n <= len; i++)
		if (!memcmp(d + i, s, n))
			return true;
	return false;
}

/* The data of the Flate stream starting at d[0, len), inflated (up to
 * 64 MB) onto out; false if it is not one. */
static bool inflate_at(const char *d, size_t len, mc_buf *out)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		return false;
	z.next_in = (Bytef *)d;
	z.avail_in = (uInt)(len > 0x7FFFFFFF ? 0x7FFFFFFF : len);
	int r = Z_OK;
	while (r == Z_OK && out->len < (64u << 20)) {
		mc_buf_grow(out, 65536);
		z.next_out = (Bytef *)out->data + out->len;
		z.avail_out = 65536;
		r = inflate(&z, Z_NO_FLUSH);
		out->len += 65536 - z.avail_out;
	}
	inflateEnd(&z);
	return r == Z_STREAM_END;
}

/* A PDF's bytes and, after them, every Flate stream's data inflated:
 * the objects packed into object streams are seen as text. */
static void inflated_view(const mc_buf *b, mc_buf *v)
{
	mc_buf_put(v, b->data, b->len);
	for (size_t i = 0; b->data && i + 7 <= b->len; i++) {
		if (memcmp(b->data + i, "stream", 6))
			continue;
		size_t p = i + 6;
		if (p < b->len && b->data[p] == '\r')
			p++;
		if (p >= b->len || b->data[p] != '\n')
			continue;
		p++;
		mc_buf_putc(v, '\n');
		inflate_at(b->data + p, b->len - p, v);
	}
}

/* s among a PDF's bytes or in any of its streams, inflated */
static bool contains(const mc_buf *b, const char *s)
{
	if (contains_raw(b->data, b->len, s))
		return true;
	mc_buf v = MC_BUF_INIT;
	inflated_view(b, &v);
	bool r = contains_raw(v.data, v.len, s);
	mc_buf_free(&v);
	return r;
}

static void test_render(void)
{
	mc_diag d;
	mc_diag_init(&d, NULL, "theme");
	mc_theme *theme = NULL;
	if (!check(mc_theme_load(NULL, &theme, &d) == 0, "the default theme "
	                                                 "loads"))
		return;
	mc_buf a = MC_BUF_INIT, b = MC_BUF_INIT;
	int ra = render(theme, &a), rb = render(theme, &b);
	check(ra == 0 && rb == 0, "render: exit 0 (%d, %d)", ra, rb);
	check(a.len > 1000 && !memcmp(a.data, "%PDF-1.", 7),
	      "render: output starts with %%PDF-1. (%zu bytes)", a.len);
	check(a.len > 6 && contains(&a, "%%EOF"), "render: output ends with "
	                                          "%%%%EOF");
	check(a.len == b.len && !memcmp(a.data, b.data, a.len),
	      "render: two renders in one process are identical");
	check(contains(&a, "D:20231114221320Z"),
	      "render: dates come from meta.date");
	check(contains(&a, "/AcroForm"), "render: task items are form "
	                                 "checkboxes");
	check(contains_raw(a.data, a.len, "/Type /XRef") &&
	              contains_raw(a.data, a.len, "/Type /ObjStm") &&
	              !contains_raw(a.data, a.len, "/Type /Catalog") &&
	              contains(&a, "/Type /Catalog"),
	      "render: objects packed into object streams (seen inflated), "
	      "a cross-reference stream");

	/* two documents at once on two threads: no shared state */
	job j[2] = {{theme, SRC, NULL, MC_BUF_INIT, -1},
	            {theme, SRC, NULL, MC_BUF_INIT, -1}};
	pthread_t t[2];
	bool started = pthread_create(&t[0], NULL, run_job, &j[0]) == 0;
	started = pthread_create(&t[1], NULL, run_job, &j[1]) == 0 && started;
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	check(started && j[0].rc == 0 && j[1].rc == 0 &&
	              j[0].out.len == a.len &&
	              !memcmp(j[0].out.data, a.data, a.len) &&
	              j[1].out.len == a.len &&
	              !memcmp(j[1].out.data, a.data, a.len),
	      "render: two threads give the same bytes as one");
	mc_buf_free(&j[0].out);
	mc_buf_free(&j[1].out);

	/* the run cache: the same bytes as without it, whatever was
	 * converted before, and from two threads sharing it */
	const mc_backend *be = mc_backend_by_name("pdf");
	void *cache = be && be->cache_new ? be->cache_new(theme) : NULL;
	if (check(cache != NULL, "cache: the PDF backend makes a run cache")) {
		mc_buf a2 = MC_BUF_INIT, c1 = MC_BUF_INIT, c2 = MC_BUF_INIT,
		       c3 = MC_BUF_INIT;
		int r = render_src(theme, SRC2, NULL, &a2);
		r |= render_src(theme, SRC2, cache, &c1);
		r |= render_src(theme, SRC, cache, &c2);
		r |= render_src(theme, SRC2, cache, &c3);
		check(r == 0 && same(&a2, &c1) && same(&a, &c2) &&
		              same(&a2, &c3),
		      "cache: renders with the run cache are the bytes of "
		      "renders without it, in any order");
		job k[4] = {{theme, SRC, cache, MC_BUF_INIT, -1},
		            {theme, SRC2, cache, MC_BUF_INIT, -1},
		            {theme, SRC2, cache, MC_BUF_INIT, -1},
		            {theme, SRC, cache, MC_BUF_INIT, -1}};
		pthread_t tk[4];
		bool ok = true;
		for (int i = 0; i < 4; i++)
			ok = pthread_create(&tk[i], NULL, run_job, &k[i]) == 0 &&
			     ok;
		for (int i = 0; i < 4; i++)
			pthread_join(tk[i], NULL);
		for (int i = 0; i < 4; i++)
			ok = ok && k[i].rc == 0 &&
			     same(&k[i].out, k[i].src == SRC ? &a : &a2);
		check(ok, "cache: four threads sharing it give the same bytes");
		for (int i = 0; i < 4; i++)
			mc_buf_free(&k[i].out);
		mc_buf_free(&a2);
		mc_buf_free(&c1);
		mc_buf_free(&c2);
		mc_buf_free(&c3);
		be->cache_free(cache);
	}
	mc_buf_free(&a);
	mc_buf_free(&b);
	mc_theme_free(theme);
}

/* ---- documents built from several inputs ---- */

static mc_node *add_text(mc_doc *doc, mc_node *parent, mc_node_type type,
                         const char *text)
{
	mc_node *n = mc_node_new(doc, type, 1, 0);
	mc_node *t = mc_node_new(doc, MC_TEXT, 1, 0);
	t->as.text.text = mc_strdup(doc, text);
	mc_node_append(n, t);
	mc_node_append(parent, n);
	return n;
}

static void add_heading(mc_doc *doc, mc_node *parent, int level,
                        const char *text)
{
	char id[160];
	size_t k = 0;
	for (const char *p = text; *p && k + 1 < sizeof id; p++)
		id[k++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32)
		          : (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
		                  ? *p
		                  : '-';
	id[k] = 0;
	mc_node *h = add_text(doc, parent, MC_HEADING, text);
	h->as.heading.level = level;
	h->id = mc_strdup(doc, id);
}

static const char *LOREM =
	"Mentors listen first, ask open questions and let the mentee set the "
	"pace of the conversation; a good session ends with one small step "
	"the mentee chose and a time to talk about how it went. ";

static void add_paras(mc_doc *doc, mc_node *parent, int n)
{
	for (int i = 0; i < n; i++) {
		char buf[1024];
		snprintf(buf, sizeof buf, "Paragraph %d. %s%s", i + 1, LOREM,
		         i % 3 ? LOREM : "");
		add_text(doc, parent, MC_PARAGRAPH, buf);
	}
}

static mc_node *add_section(mc_doc *doc, mc_node *parent,
                            mc_section_kind kind, int level,
                            const char *title)
{
	mc_node *s = mc_node_new(doc, MC_SECTION, 1, 0);
	s->as.section.kind = kind;
	s->as.section.source = mc_strdup(doc, "unit.md");
	mc_node_append(parent, s);
	add_heading(doc, s, level, title);
	return s;
}

/* A module (nparts 0: chapters at the top), a course (parts holding
 * chapters), or a worksheet pack. */
static mc_doc *build_doc(mc_doc_kind kind, int nparts, int nchap)
{
	mc_doc *doc = mc_doc_new();
	if (!doc)
		return NULL;
	doc->meta.kind = kind;
	doc->meta.title = mc_strdup(doc, kind == MC_DOC_COURSE
	                                         ? "A Course on Mentoring"
	                                         : "What is Mentoring?");
	doc->meta.description =
		kind == MC_DOC_COURSE ? mc_strdup(doc, "Helping library staff "
		                                       "make connections")
		                      : NULL;
	doc->meta.course.title = mc_strdup(doc, "A Course on Mentoring");
	doc->meta.lang = mc_strdup(doc, "en");
	doc->meta.source = mc_strdup(doc, "unit");
	doc->meta.date = 1700000000;
	mc_node *root = doc->root;
	char t[256];
	if (kind == MC_DOC_WORKSHEETS) {
		for (int w = 1; w <= nchap; w++) {
			snprintf(t, sizeof t, "Worksheet %d", w);
			mc_node *s = add_section(doc, root, MC_SECTION_WORKSHEET,
			                         1, t);
			add_paras(doc, s, w == 2 ? 14 : 2);
		}
		return doc;
	}
	int clevel = nparts ? 2 : 1;
	for (int p = 1; p <= (nparts ? nparts : 1); p++) {
		mc_node *parent = root;
		if (nparts) {
			snprintf(t, sizeof t, "Part %d: Module number %d", p, p);
			parent = add_section(doc, root, MC_SECTION_PART, 1, t);
			add_paras(doc, parent, 1);
		}
		for (int k = 1; k <= nchap; k++) {
			snprintf(t, sizeof t, "Chapter %d.%d: %s", p, k,
			         k == 2 ? "A rather long chapter title that "
			                  "goes on and on so that it wraps onto a "
			                  "second line of the contents"
			                : "Listening");
			mc_node *s = add_section(doc, parent,
			                         MC_SECTION_CHAPTER, clevel, t);
			add_paras(doc, s, 2 + (k * 5 + p * 3) % 11);
			snprintf(t, sizeof t, "Heading in %d.%d", p, k);
			add_heading(doc, s, clevel + 1, t);
			add_paras(doc, s, 1 + k % 3);
		}
	}
	return doc;
}

static int render_doc(mc_doc *doc, const mc_theme *theme, mc_buf *out)
{
	mc_diag d;
	mc_diag_init(&d, NULL, "unit");
	char err[256];
	if (mc_doc_validate(doc, err, sizeof err)) {
		printf("invalid document: %s\n", err);
		return -1;
	}
	return mc_render_pdf(doc, theme, NULL, out, &d);
}

/* Renders of a module, a course and a worksheet pack; with
 * MC_UNIT_PDF_DIR set, written there to look at. */
static void test_sections(void)
{
	mc_diag d;
	mc_diag_init(&d, NULL, "theme");
	mc_theme *theme = NULL;
	if (mc_theme_load(NULL, &theme, &d))
		return;
	static const struct {
		const char *name;
		mc_doc_kind kind;
		int nparts, nchap;
	} cases[] = {
		{"module", MC_DOC_MODULE, 0, 6},
		{"course", MC_DOC_COURSE, 4, 5},
		{"bigcourse", MC_DOC_COURSE, 9, 7},
		{"worksheets", MC_DOC_WORKSHEETS, 0, 4},
	};
	const char *dir = getenv("MC_UNIT_PDF_DIR");
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		mc_doc *doc = build_doc(cases[i].kind, cases[i].nparts,
		                        cases[i].nchap);
		mc_buf a = MC_BUF_INIT, b = MC_BUF_INIT;
		int ra = doc ? render_doc(doc, theme, &a) : -1;
		int rb = doc ? render_doc(doc, theme, &b) : -1;
		check(ra == 0 && rb == 0 && a.len > 1000,
		      "sections: the %s renders (%zu bytes)", cases[i].name,
		      a.len);
		check(a.len == b.len && !memcmp(a.data, b.data, a.len),
		      "sections: two renders of the %s are identical",
		      cases[i].name);
		if (dir && ra == 0) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s.pdf", dir,
			         cases[i].name);
			FILE *f = fopen(path, "wb");
			bool ok = f && fwrite(a.data, 1, a.len, f) == a.len;
			if (f && fclose(f))
				ok = false;
			check(ok, "sections: wrote %s", path);
		}
		mc_buf_free(&a);
		mc_buf_free(&b);
		mc_doc_free(doc);
	}
	mc_theme_free(theme);
}

/* ---- hyphenation patterns (hyph.c) against libhyphen ---- */

#define HYPH_DIC "/usr/share/hyphen/hyph_en_US.dic"

static void test_hyph(void)
{
	pdf_hyph *h = pdf_hyph_load(HYPH_DIC);
	HyphenDict *d = hnj_hyphen_load(HYPH_DIC);
	if (!h || !d) {
		printf("SKIP: hyph: no %s\n", HYPH_DIC);
		pdf_hyph_free(h);
		if (d)
			hnj_hyphen_free(d);
		return;
	}
	static const char *words[] = {
		"hyphenation", "mentoring", "relationships", "opportunity",
		"community", "assessment", "incomprehensibilities", "academic",
		"abilities", "abrupt", "uncharacteristically", "evaluation",
		"accessibility", "development", "responsibilities", "library"};
	int bad = 0, n = 0;
	unsigned seed = 1;
	for (int i = 0; i < 20000; i++) {
		char w[48];
		size_t len;
		if (i < (int)(sizeof words / sizeof *words)) {
			len = strlen(words[i]);
			memcpy(w, words[i], len + 1);
		} else { /* pseudo-random letter strings */
			seed = seed * 1103515245u + 12345u;
			len = 2 + (seed >> 16) % 40;
			for (size_t k = 0; k < len; k++) {
				seed = seed * 1103515245u + 12345u;
				w[k] = "abcdefghijklmnopqrstuvwxyzaeiou"[(seed >> 16) %
				                                         31];
			}
			w[len] = 0;
		}
		char a[64] = {0}, b[64] = {0};
		char **rep = NULL;
		int *pos = NULL, *cut = NULL;
		if (hnj_hyphen_hyphenate2(d, w, (int)len, a, NULL, &rep, &pos,
		                          &cut) ||
		    pdf_hyph_word(h, w, len, b))
			bad++;
		for (size_t k = 0; k + 1 < len; k++)
			if ((a[k] & 1) != (b[k] & 1)) {
				bad++;
				break;
			}
		if (rep) {
			for (size_t k = 0; k < len; k++)
				free(rep[k]);
			free(rep);
		}
		free(pos);
		free(cut);
		n++;
	}
	check(bad == 0, "hyph: the same hyphenation points as libhyphen "
	                "(%d of %d words differ)", bad, n);
	char o[64];
	check(pdf_hyph_word(h, "hyphenation", 11, o) == 0 && (o[1] & 1) &&
	              !(o[0] & 1),
	      "hyph: hy-phen-ation (%s)", o);
	pdf_hyph_free(h);
	hnj_hyphen_free(d);
}

/* A NEXTLEVEL file (German: compound parts, then syllables) gives the
 * points libhyphen gives (the expected words are its output). */
static void test_hyph_compound(void)
{
	const char *dic = "/usr/share/hyphen/hyph_de_DE.dic";
	pdf_hyph *h = pdf_hyph_load(dic);
	if (!h) {
		printf("SKIP: hyph: no %s\n", dic);
		return;
	}
	static const char *const want[] = {
		"bi-blio-theks-mit-ar-bei-te-rin-nen", "zu-sam-men-ar-beit",
		"ju-gend-or-ga-ni-sa-ti-o-nen", "öf-fent-lich-keits-ar-beit",
		"le-se-för-de-rungs-pro-gram-me", "me-di-en-kom-pe-tenz"};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		char w[64], o[64], got[128];
		size_t n = 0, g = 0;
		for (const char *c = want[i]; *c; c++)
			if (*c != '-')
				w[n++] = *c;
		w[n] = 0;
		int rc = pdf_hyph_word(h, w, n, o);
		for (size_t k = 0; rc == 0 && k < n; k++) {
			got[g++] = w[k];
			if (k + 1 < n && (o[k] & 1))
				got[g++] = '-';
		}
		got[g] = 0;
		check(rc == 0 && strcmp(got, want[i]) == 0,
		      "hyph: German compounds as libhyphen splits them: %s (%s)",
		      want[i], got);
	}
	pdf_hyph_free(h);
}

/* Patterns written and read back (pdf_hyph_write/read, kept between runs
 * by cache.c) hyphenate as the file read; damaged bytes are refused or,
 * when they parse, never read outside what they hold (ASan run). */
static bool same_points(const pdf_hyph *a, const pdf_hyph *b,
                        const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x[PDF_HYPH_MAXWORD] = {0}, y[PDF_HYPH_MAXWORD] = {0};
		size_t l = strlen(words[i]);
		int r1 = pdf_hyph_word(a, words[i], l, x);
		int r2 = pdf_hyph_word(b, words[i], l, y);
		if (r1 != r2 || memcmp(x, y, l + 1))
			return false;
		for (uint32_t cp = 'a'; cp <= 0xFF; cp++)
			if (pdf_hyph_has(a, cp) != pdf_hyph_has(b, cp))
				return false;
	}
	return true;
}

static void test_hyph_bytes(void)
{
	static const char *const words[] = {
		"hyphenation", "mentoring", "relationships", "incomprehensibilities",
		"bibliotheksmitarbeiterinnen", "zusammenarbeit",
		"öffentlichkeitsarbeit", "a", "xyzzy", "uncharacteristically"};
	const size_t nw = sizeof words / sizeof *words;
	const char *dics[] = {"/usr/share/hyphen/hyph_en_US.dic",
	                      "/usr/share/hyphen/hyph_de_DE.dic"};
	for (size_t d = 0; d < 2; d++) {
		pdf_hyph *h = pdf_hyph_load(dics[d]), *g = NULL;
		if (!h) {
			printf("SKIP: hyph: no %s\n", dics[d]);
			continue;
		}
		mc_buf b = MC_BUF_INIT;
		pdf_hyph_write(h, &b);
		pcf_rd r = {(const unsigned char *)b.data, b.len, false};
		int rc = pdf_hyph_read(&r, &g);
		check(rc == 0 && r.n == 0 && same_points(h, g, words, nw),
		      "hyph: %s written and read back hyphenates as the file "
		      "(%zu bytes)", dics[d], b.len);
		pdf_hyph_free(g);
		mc_buf_free(&b);
		pdf_hyph_free(h);
	}
	/* a small file, plain and NEXTLEVEL, damaged a byte at a time and
	 * cut at every length */
	const char *tiny[] = {
		"UTF-8\nLEFTHYPHENMIN 1\n1ba\na1b\n2b1c\n.ab3\nc4a.\n",
		"UTF-8\n1ba\nab1\nNEXTLEVEL\n1b\nca1\nb2c\n"};
	char path[] = "/tmp/mc-unit-hyph-XXXXXX";
	int fd = mkstemp(path);
	size_t tried = 0, parsed = 0, failures = 0;
	for (size_t t = 0; fd >= 0 && t < 2; t++) {
		if (ftruncate(fd, 0) || pwrite(fd, tiny[t], strlen(tiny[t]), 0) !=
		                                (ssize_t)strlen(tiny[t])) {
			failures++;
			break;
		}
		pdf_hyph *h = pdf_hyph_load(path);
		if (!h) {
			failures++;
			continue;
		}
		mc_buf b = MC_BUF_INIT;
		pdf_hyph_write(h, &b);
		unsigned char *c = malloc(b.len);
		for (size_t i = 0; i <= b.len; i++)
			for (int flip = 0; flip < 4; flip++) {
				size_t len = b.len;
				memcpy(c, b.data, b.len);
				if (i == b.len) {
					if (flip)
						break;
				} else if (flip == 3)
					len = i; /* cut here */
				else
					c[i] ^= (unsigned char)(flip == 0 ? 1 : flip == 1 ? 0x80 : 0xFF);
				pcf_rd r = {c, len, false};
				pdf_hyph *g = NULL;
				tried++;
				if (pdf_hyph_read(&r, &g) == 0) {
					parsed++;
					char o[PDF_HYPH_MAXWORD];
					const char *w[] = {"abcabcab", "cacbcba", "b"};
					for (size_t k = 0; k < 3; k++)
						(void)pdf_hyph_word(g, w[k], strlen(w[k]), o);
					(void)pdf_hyph_has(g, 'c');
					pdf_hyph_free(g);
				}
			}
		free(c);
		mc_buf_free(&b);
		pdf_hyph_free(h);
	}
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	check(fd >= 0 && failures == 0 && tried > 1000 && parsed < tried,
	      "hyph: %zu damaged or cut copies of two small pattern files: "
	      "%zu refused, the rest (%zu) used without a fault", tried,
	      tried - parsed, parsed);
}

/* cachefile.c: a file keeps an entry per key (PCF_KEEP at most, newest
 * first); a damaged entry or table is refused, the others still read. */
static bool pcf_has(const char *path, const char *key, const char *want)
{
	mc_buf k = MC_BUF_INIT;
	mc_buf_puts(&k, key);
	unsigned char *buf = NULL;
	pcf_rd r;
	bool ok = pcf_load(path, "MCUNITC\n", 7, &k, &buf, &r) == 0 &&
	          r.n == strlen(want) && !memcmp(r.p, want, r.n);
	free(buf);
	mc_buf_free(&k);
	return ok;
}

static int pcf_put(const char *path, const char *key, const char *payload)
{
	mc_buf k = MC_BUF_INIT, p = MC_BUF_INIT;
	mc_buf_puts(&k, key);
	mc_buf_puts(&p, payload);
	int rc = pcf_save(path, "MCUNITC\n", 7, &k, &p);
	mc_buf_free(&k);
	mc_buf_free(&p);
	return rc;
}

static void test_cachefile(void)
{
	char dir[] = "/tmp/mc-unit-pcf-XXXXXX";
	if (!mkdtemp(dir)) {
		check(0, "cachefile: a temporary directory");
		return;
	}
	char path[128];
	snprintf(path, sizeof path, "%s/sub/t.cache", dir);
	bool ok = pcf_put(path, "prog-a", "payload of a") == 0 &&
	          pcf_put(path, "prog-b", "payload of b, longer") == 0 &&
	          pcf_has(path, "prog-a", "payload of a") &&
	          pcf_has(path, "prog-b", "payload of b, longer") &&
	          !pcf_has(path, "prog-c", "");
	check(ok, "cachefile: two keys keep an entry each (directory made)");
	ok = pcf_put(path, "prog-a", "a again") == 0 &&
	     pcf_has(path, "prog-a", "a again") &&
	     pcf_has(path, "prog-b", "payload of b, longer");
	check(ok, "cachefile: a key saved again replaces its entry only");
	char key[32];
	for (int i = 0; i < PCF_KEEP; i++) {
		snprintf(key, sizeof key, "prog-%d", i);
		ok &= pcf_put(path, key, key) == 0;
	}
	ok &= !pcf_has(path, "prog-a", "a again") &&
	      !pcf_has(path, "prog-b", "payload of b, longer");
	for (int i = 0; i < PCF_KEEP; i++) {
		snprintf(key, sizeof key, "prog-%d", i);
		ok &= pcf_has(path, key, key);
	}
	check(ok, "cachefile: %d keys kept, the oldest left out", PCF_KEEP);
	/* the newest entry's payload is the first after the table: damage
	 * its last byte */
	FILE *f = fopen(path, "r+b");
	long size = 0;
	if (f && !fseek(f, 0, SEEK_END) && (size = ftell(f)) > 0) {
		unsigned char h[28];
		snprintf(key, sizeof key, "prog-%d", PCF_KEEP - 1);
		ok = !fseek(f, 0, SEEK_SET) && fread(h, 1, 28, f) == 28;
		long at = 28 + (long)(h[16] | h[17] << 8) + (long)strlen(key) - 1;
		ok = ok && !fseek(f, at, SEEK_SET) && fputc('X', f) != EOF;
	} else
		ok = false;
	if (f)
		fclose(f);
	snprintf(key, sizeof key, "prog-%d", PCF_KEEP - 1);
	ok = ok && !pcf_has(path, key, key) && pcf_has(path, "prog-0", "prog-0");
	check(ok, "cachefile: a damaged entry is refused, the others read");
	ok = truncate(path, size / 2) == 0 && !pcf_has(path, "prog-0", "prog-0") &&
	     pcf_put(path, "prog-z", "z") == 0 && pcf_has(path, "prog-z", "z");
	check(ok, "cachefile: a cut file is refused, and written afresh");
	/* the table damaged (its checksum no longer holds) */
	f = fopen(path, "r+b");
	ok = f && !fseek(f, 30, SEEK_SET) && fputc('~', f) != EOF;
	if (f)
		fclose(f);
	check(ok && !pcf_has(path, "prog-z", "z"),
	      "cachefile: a damaged table is refused");
	unlink(path);
	snprintf(path, sizeof path, "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

/* ---- faces read and subset by HarfBuzz (face.c, cff.c) ---- */

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The number of glyphs in a TrueType font file (maxp), 0 if unreadable;
 * *sum the sum of its 32-bit words. */
static unsigned tt_glyphs(const mc_buf *f, uint32_t *sum)
{
	const unsigned char *u = (const unsigned char *)f->data;
	unsigned nglyphs = 0;
	*sum = 0;
	if (f->len < 12)
		return 0;
	for (size_t i = 0; i + 4 <= f->len; i += 4)
		*sum += rd32(u + i);
	unsigned nt = (unsigned)u[4] << 8 | u[5];
	for (unsigned i = 0; i < nt && 12 + 16 * (i + 1) <= f->len; i++)
		if (!memcmp(u + 12 + 16 * i, "maxp", 4)) {
			uint32_t o = rd32(u + 12 + 16 * i + 8);
			if (o + 6 <= f->len)
				nglyphs = (unsigned)u[o + 4] << 8 | u[o + 5];
		}
	return nglyphs;
}

static bool has_tag(const mc_buf *f, const char *tag)
{
	const unsigned char *u = (const unsigned char *)f->data;
	unsigned nt = f->len >= 12 ? ((unsigned)u[4] << 8 | u[5]) : 0;
	for (unsigned i = 0; i < nt && 12 + 16 * (i + 1) <= f->len; i++)
		if (!memcmp(u + 12 + 16 * i, tag, 4))
			return true;
	return false;
}

static void test_face_truetype(pdf_cache *k)
{
	pdf_face_ref r;
	bool exact = false;
	if (pdf_cache_match(k, "DejaVu Sans", false, false, &r, &exact) ||
	    !exact) {
		printf("SKIP: face: DejaVu Sans is not installed\n");
		return;
	}
	const pdf_face *t = pdf_cache_face(k, r.path, r.index);
	if (!check(t != NULL && !t->cff, "face: DejaVu Sans reads, TrueType"))
		return;
	check(pdf_cache_face(k, r.path, r.index) == t,
	      "face: the cache reads a file once");
	check(!strcmp(t->psname, "DejaVuSans") && t->upem == 2048,
	      "face: PostScript name and units per em from HarfBuzz (%s, %u)",
	      t->psname, t->upem);
	check(t->ascent > 700 && t->ascent < 1000 && t->descent < -150 &&
	              t->descent > -300 && t->capheight > 650 &&
	              t->capheight < 760 && t->bbox[2] > t->bbox[0] &&
	              t->bbox[3] > t->bbox[1] && (t->flags & 32) &&
	              t->italic == 0,
	      "face: descriptor values (ascent %d, descent %d, cap height "
	      "%d, bbox %d %d %d %d, flags %d)",
	      t->ascent, t->descent, t->capheight, t->bbox[0], t->bbox[1],
	      t->bbox[2], t->bbox[3], t->flags);
	unsigned ga = pdf_face_glyph(t, 'A'), gx = pdf_face_glyph(t, 0x2192);
	check(ga && gx && pdf_face_glyph(t, 0x10FFFD) == 0,
	      "face: cmap finds A and an arrow, not a private-use plane "
	      "character");
	check(pdf_face_width(t, ga) == 684, "face: A is 684/1000 em wide (%d)",
	      pdf_face_width(t, ga));
	/* a composite glyph (À is A + grave): its components come along */
	unsigned gc = pdf_face_glyph(t, 0x00C0);
	uint16_t gids[3] = {0, (uint16_t)gc, (uint16_t)ga};
	pdf_subset sub, sub2;
	const char *why = "";
	bool ok = pdf_face_subset(t, gids, 3, &sub, &why) == 0;
	check(ok, "face: TrueType subset (%s)", ok ? "ok" : why);
	uint32_t sum = 0;
	unsigned ng = ok ? tt_glyphs(&sub.data, &sum) : 0;
	check(ok && sum == 0xB1B0AFBAu,
	      "face: the subset's checksum adjustment is right (%zu bytes)",
	      sub.data.len);
	check(ng > 3 && ng < 10,
	      "face: the subset holds the glyphs asked for and the "
	      "components of composites (%u)", ng);
	check(ok && sub.newgid[0] == 0 && sub.newgid[1] != sub.newgid[2] &&
	              sub.newgid[1] > 0 && sub.newgid[1] < ng &&
	              sub.newgid[2] > 0 && sub.newgid[2] < ng,
	      "face: new glyph numbers for each glyph asked for");
	check(ok && !has_tag(&sub.data, "GSUB") && !has_tag(&sub.data, "GPOS") &&
	              !has_tag(&sub.data, "cmap") && !has_tag(&sub.data, "fpgm") &&
	              !has_tag(&sub.data, "prep") && has_tag(&sub.data, "glyf"),
	      "face: no layout tables, cmap nor hinting in the subset");
	bool ok2 = pdf_face_subset(t, gids, 3, &sub2, &why) == 0;
	check(ok && ok2 && same(&sub.data, &sub2.data),
	      "face: subsetting twice gives the same bytes");
	pdf_subset_free(&sub);
	pdf_subset_free(&sub2);
	uint16_t bad[2] = {0, 0xFFFF};
	int rbad = pdf_face_subset(t, bad, 2, &sub, &why);
	check(rbad == -1, "face: a glyph out of range fails the subset (%s)",
	      why);
	pdf_subset_free(&sub);
}

static void test_face_cff(pdf_cache *k)
{
	pdf_face_ref r;
	bool exact = false;
	if (pdf_cache_match(k, "Noto Sans CJK JP", false, false, &r, &exact) ||
	    !exact) {
		printf("SKIP: face: Noto Sans CJK JP is not installed\n");
		return;
	}
	const pdf_face *t = pdf_cache_face(k, r.path, r.index);
	if (!check(t != NULL && t->cff && t->cffinfo.cid_keyed,
	           "face: Noto Sans CJK JP reads, CID-keyed CFF"))
		return;
	check(!strcmp(t->cffinfo.registry, "Adobe") &&
	              !strcmp(t->cffinfo.ordering, "Identity"),
	      "face: its ROS (%s-%s-%d)", t->cffinfo.registry,
	      t->cffinfo.ordering, t->cffinfo.supplement);
	static const uint32_t cps[] = {0x4E2D, 0x6587, 0x3042, 0x8A9E, 'A'};
	enum { N = sizeof cps / sizeof *cps + 1 };
	uint16_t gids[N] = {0};
	bool all = true;
	for (size_t i = 1; i < N; i++) {
		gids[i] = (uint16_t)pdf_face_glyph(t, cps[i - 1]);
		all = all && gids[i] && pdf_face_cid(t, gids[i]);
	}
	check(all && pdf_face_width(t, gids[1]) == 1000,
	      "face: CJK glyphs, each with a CID, 1 em wide (%d)",
	      pdf_face_width(t, gids[1]));
	pdf_subset sub;
	const char *why = "";
	bool ok = pdf_face_subset(t, gids, N, &sub, &why) == 0;
	if (!check(ok, "face: CFF subset, checked against the CIDs (%s)",
	           ok ? "ok" : why)) {
		pdf_subset_free(&sub);
		return;
	}
	pdf_cff cf;
	bool rd = pdf_cff_read((const uint8_t *)sub.data.data, sub.data.len,
	                       &cf) == 0;
	bool cids = rd && cf.cid_keyed && cf.nglyphs >= N;
	for (size_t i = 0; cids && i < N; i++)
		cids = sub.newgid[i] < cf.nglyphs &&
		       cf.cid[sub.newgid[i]] == pdf_face_cid(t, gids[i]);
	check(cids, "face: the bare CFF subset holds the %zu glyphs at their "
	            "CIDs (%u glyphs, %zu bytes)", (size_t)N, cf.nglyphs,
	      sub.data.len);
	pdf_cff_free(&cf);
	/* damaged tables: every truncation fails cleanly or reads */
	int fails = 0;
	for (size_t len = 0; len < sub.data.len; len++) {
		uint8_t *cut = mc_xmalloc(len ? len : 1);
		memcpy(cut, sub.data.data, len);
		if (pdf_cff_read(cut, len, &cf))
			fails++;
		pdf_cff_free(&cf);
		free(cut);
	}
	check(fails > 0, "cff: truncated tables are refused (%d of %zu)",
	      fails, sub.data.len);
	pdf_subset_free(&sub);

	/* the document's language picks the face for Han */
	pdf_face_ref rj, rc, rt;
	const pdf_face *fj = NULL, *fc = NULL, *ft = NULL;
	if (!pdf_cache_search(k, 0x6587, "ja", &rj))
		fj = pdf_cache_face(k, rj.path, rj.index);
	if (!pdf_cache_search(k, 0x6587, "zh-Hans-CN", &rc))
		fc = pdf_cache_face(k, rc.path, rc.index);
	if (!pdf_cache_search(k, 0x6587, "zh-Hant", &rt))
		ft = pdf_cache_face(k, rt.path, rt.index);
	check(fj && fc && ft && strstr(fj->psname, "CJKjp") &&
	              strstr(fc->psname, "CJKsc") && strstr(ft->psname, "CJKtc"),
	      "cache: the fallback search for Han follows the language "
	      "(%s, %s, %s)",
	      fj ? fj->psname : "-", fc ? fc->psname : "-",
	      ft ? ft->psname : "-");
}

/* Arabic and CJK text drawn in the running header (pages after the
 * first): the fonts embedded as subsets of both kinds. */
static const char *SRC_CJK =
	"---\ntitle: \"标题 日本語の文章です。 مرحبا بالعالم\"\nlang: ja\n"
	"---\n\n"
	"One.\n\n<div style=\"page-break-after: always\"></div>\n\n"
	"Two.\n\n";

static void test_face_render(void)
{
	mc_diag d;
	mc_diag_init(&d, NULL, "theme");
	mc_theme *theme = NULL;
	if (mc_theme_load(NULL, &theme, &d))
		return;
	mc_buf src = MC_BUF_INIT;
	mc_buf_puts(&src, SRC_CJK);
	for (int i = 0; i < 120; i++)
		mc_buf_puts(&src, "A paragraph to fill the pages.\n\n");
	mc_buf_putc(&src, 0);
	mc_buf a = MC_BUF_INIT, b = MC_BUF_INIT;
	int ra = render_src(theme, src.data, NULL, &a);
	int rb = render_src(theme, src.data, NULL, &b);
	check(ra == 0 && rb == 0 && same(&a, &b),
	      "render: CJK and Arabic, two renders identical (%zu bytes)",
	      a.len);
	check(contains(&a, "/FontFile3") && contains(&a, "/CIDFontType0C") &&
	              contains(&a, "/CIDFontType0") &&
	              contains(&a, "NotoSansCJKjp"),
	      "render: a CFF face embedded as a CIDFontType0 (Noto Sans CJK "
	      "JP for a Japanese document)");
	check(contains(&a, "/FontFile2") && contains(&a, "/CIDToGIDMap ") &&
	              !contains(&a, "/CIDToGIDMap /Identity"),
	      "render: TrueType faces with a CIDToGIDMap stream");
	mc_buf_free(&a);
	mc_buf_free(&b);
	mc_buf_free(&src);
	mc_theme_free(theme);
}

/* Shape text (language lang) and show it with pdf_font_show on one
 * page of a PDF made here, the fonts finished: the PDF into out.
 * Returns 0 or -1. */
static int show_text(const mc_theme *theme, const char *text,
                     const char *lang, mc_buf *out)
{
	mc_diag d;
	mc_diag_init(&d, NULL, "show");
	mc_doc *doc = NULL;
	char src[64];
	snprintf(src, sizeof src, "---\nlang: %s\n---\n\nx\n", lang);
	mc_front_opts fo = {NULL, 3};
	if (mc_front_parse_buffer(src, strlen(src), "show.md", NULL, &fo, &d,
	                          &doc))
		return -1;
	pdf_ctx c;
	memset(&c, 0, sizeof c);
	c.doc = doc;
	c.th = theme;
	c.diag = &d;
	c.arena = mc_arena_new();
	int rc = -1;
	c.pdf = HPDF_New(NULL, NULL);
	if (!c.pdf || HPDF_SetCompressionMode(c.pdf, HPDF_COMP_ALL) != HPDF_OK ||
	    pdf_fonts_init(&c))
		goto out;
	HPDF_Page pg = HPDF_AddPage(c.pdf);
	if (!pg || HPDF_Page_BeginText(pg) != HPDF_OK)
		goto out;
	size_t n = strlen(text);
	pdf_span sp = {0, (uint32_t)n, PF_BODY, NULL};
	pdf_shaped sh;
	int bad = pdf_shape(&c, text, n, &sp, 1, lang, MC_DIR_NONE, &sh);
	/* lines of at most 40 glyphs each, runs in logical order */
	double y = 800;
	for (size_t r = 0; !bad && r < sh.nruns; r++) {
		const pdf_run *run = &sh.runs[r];
		for (size_t i = 0; i < run->ng && !bad; i += 40) {
			size_t k = run->ng - i < 40 ? run->ng - i : 40;
			HPDF_Page_SetTextMatrix(pg, 1, 0, 0, 1, 40, (HPDF_REAL)y);
			y -= 14;
			if (y < 40)
				y = 800;
			bad = pdf_font_show(&c, pg, run->face, 10, true,
			                    run->g + i, k, text, n);
		}
	}
	pdf_shaped_free(&sh);
	if (bad || HPDF_Page_EndText(pg) != HPDF_OK || pdf_fonts_finish(&c) ||
	    HPDF_SaveToStream(c.pdf) != HPDF_OK)
		goto out;
	HPDF_ResetStream(c.pdf);
	for (;;) {
		HPDF_BYTE buf[4096];
		HPDF_UINT32 got = sizeof buf;
		HPDF_STATUS st = HPDF_ReadFromStream(c.pdf, buf, &got);
		if (got > 0)
			mc_buf_put(out, buf, got);
		if (st == HPDF_STREAM_EOF)
			break;
		if (st != HPDF_OK)
			goto out;
	}
	rc = 0;
out:
	pdf_fonts_free(&c);
	if (c.pdf)
		HPDF_Free(c.pdf);
	pdf_flate_free(&c.flate);
	mc_arena_free(c.arena);
	mc_doc_free(doc);
	return rc;
}

/* Many CJK glyphs (their CIDs far from first-use order, more than one
 * hash table's worth), Arabic and Latin text shown glyph run by glyph
 * run, as page content and fonts. */
static void test_face_show(void)
{
	mc_diag d;
	mc_diag_init(&d, NULL, "theme");
	mc_theme *theme = NULL;
	if (mc_theme_load(NULL, &theme, &d))
		return;
	mc_buf text = MC_BUF_INIT;
	mc_buf_puts(&text, "Latin text, ");
	for (uint32_t cp = 0x4E00; cp < 0x4E00 + 3 * 700; cp += 3) {
		char u[4];
		mc_buf_put(&text, u, mc_utf8_put(cp, u));
	}
	mc_buf_puts(&text, "、ひらがなとカタカナ。 مرحبا بالعالم و السلام\n");
	mc_buf_putc(&text, 0);
	mc_buf a = MC_BUF_INIT, b = MC_BUF_INIT;
	int ra = show_text(theme, text.data, "ja", &a);
	int rb = show_text(theme, text.data, "ja", &b);
	check(ra == 0 && rb == 0 && same(&a, &b),
	      "show: 700 Han glyphs, kana, Arabic and Latin shown and "
	      "embedded, the same bytes twice (%zu bytes)", a.len);
	check(contains(&a, "/CIDFontType0C") && contains(&a, "NotoSansCJKjp") &&
	              contains(&a, "/CIDToGIDMap "),
	      "show: a CIDFontType0 (Noto Sans CJK JP) and CIDFontType2s");
	mc_buf_free(&a);
	mc_buf_free(&b);
	mc_buf_free(&text);
	mc_theme_free(theme);
}

static void test_face(void)
{
	pdf_cache *k = pdf_cache_create();
	if (!check(k != NULL, "cache: fontconfig initialises"))
		return;
	test_face_truetype(k);
	test_face_cff(k);
	pdf_cache_destroy(k);
	test_face_render();
	test_face_show();
}

/* ---- object streams (objstm.c) ---- */

/* Entry `num` of a packed PDF's cross-reference stream: type, fields. */
static bool xref_entry(const mc_buf *b, size_t num, unsigned *type,
                       size_t *f2, size_t *f3)
{
	const char *sx = NULL;
	for (size_t i = b->len - 9; i > 0 && !sx; i--)
		if (!memcmp(b->data + i, "startxref", 9))
			sx = b->data + i;
	if (!sx)
		return false;
	size_t at = strtoul(sx + 10, NULL, 10);
	const char *d = b->data + at;
	int w2 = 0, w3 = 0, cols = 0;
	const char *w = strstr(d, "/W [1 ");
	const char *c = strstr(d, "/Columns ");
	const char *st = strstr(d, "stream\n");
	if (!w || !c || !st || sscanf(w, "/W [1 %d %d]", &w2, &w3) != 2 ||
	    sscanf(c, "/Columns %d", &cols) != 1 || cols != 1 + w2 + w3)
		return false;
	mc_buf raw = MC_BUF_INIT;
	bool ok = inflate_at(st + 7, b->len - (size_t)(st + 7 - b->data), &raw);
	size_t rowlen = (size_t)cols + 1;
	ok = ok && raw.len % rowlen == 0 && num < raw.len / rowlen;
	uint8_t row[32] = {0};
	for (size_t r = 0; ok && r <= num; r++) {
		const uint8_t *q = (const uint8_t *)raw.data + r * rowlen;
		ok = q[0] == 2;
		for (int k = 0; k < cols; k++)
			row[k] = (uint8_t)(row[k] + q[1 + k]);
	}
	if (ok) {
		*type = row[0];
		*f2 = *f3 = 0;
		for (int k = 0; k < w2; k++)
			*f2 = *f2 << 8 | row[1 + k];
		for (int k = 0; k < w3; k++)
			*f3 = *f3 << 8 | row[1 + w2 + k];
	}
	mc_buf_free(&raw);
	return ok;
}

/* Object num of a packed PDF as text (its value; a stream object from
 * its offset), found through the cross-reference stream. */
static bool packed_obj(const mc_buf *b, size_t num, mc_buf *out)
{
	unsigned t;
	size_t f2, f3;
	if (!xref_entry(b, num, &t, &f2, &f3))
		return false;
	if (t == 1) {
		char want[32];
		int n = snprintf(want, sizeof want, "%zu 0 obj", num);
		if (f2 + (size_t)n > b->len || memcmp(b->data + f2, want, (size_t)n))
			return false;
		mc_buf_put(out, b->data + f2, b->len - f2);
		return true;
	}
	if (t != 2)
		return false;
	unsigned st;
	size_t soff, x3;
	if (!xref_entry(b, f2, &st, &soff, &x3) || st != 1)
		return false;
	const char *d = b->data + soff;
	const char *fi = strstr(d, "/First ");
	const char *nn = strstr(d, "/N ");
	const char *sd = strstr(d, "stream\n");
	size_t first, n;
	if (!fi || !nn || !sd || sscanf(fi, "/First %zu", &first) != 1 ||
	    sscanf(nn, "/N %zu", &n) != 1 || f3 >= n)
		return false;
	mc_buf raw = MC_BUF_INIT;
	bool ok = inflate_at(sd + 7, b->len - (size_t)(sd + 7 - b->data), &raw);
	const char *p = raw.data;
	size_t on = 0, oo = 0, next = raw.len - first;
	for (size_t i = 0; ok && i <= f3 + 1 && i < n; i++) {
		char *e;
		size_t a = strtoul(p, &e, 10);
		size_t o = strtoul(e, &e, 10);
		p = e;
		if (i == f3) {
			on = a;
			oo = o;
		} else if (i == f3 + 1) {
			next = o;
		}
	}
	ok = ok && on == num && first + next <= raw.len && oo <= next;
	if (ok)
		mc_buf_put(out, raw.data + first + oo, next - oo);
	mc_buf_free(&raw);
	return ok;
}

/* A document with pages of drawing (its content streams compressed by
 * libharu when saved), a stream object whose data reads like PDF syntax,
 * and 450 other objects (strings with parentheses and escapes, names,
 * arrays, an empty dictionary): three object streams. */
static HPDF_Doc objstm_doc(void)
{
	HPDF_Doc pdf = HPDF_New(NULL, NULL);
	if (!pdf)
		return NULL;
	HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
	HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, "packed (a) \\ test");
	for (int i = 0; i < 3; i++) {
		HPDF_Page pg = HPDF_AddPage(pdf);
		HPDF_Page_Rectangle(pg, 10 + i, 20, 30, 40);
		HPDF_Page_Fill(pg);
	}
	HPDF_Dict st = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
	const char *data = "1 0 obj << /Fake true >> endobj\nstream\n";
	HPDF_Stream_Write(st->stream, (const HPDF_BYTE *)data,
	                  (HPDF_UINT)strlen(data));
	HPDF_Dict_Add(pdf->catalog, "Extra", st);
	HPDF_Array all = HPDF_Array_New(pdf->mmgr);
	HPDF_Dict_Add(pdf->catalog, "Many", all);
	for (int i = 0; i < 450; i++) {
		HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
		HPDF_Xref_Add(pdf->xref, d);
		HPDF_Array_Add(all, d);
		if (i % 50 == 0)
			continue; /* (an empty one) */
		char t[64];
		snprintf(t, sizeof t, "obj %d (with) \\ endobj )(", i);
		HPDF_Dict_Add(d, "T", HPDF_String_New(pdf->mmgr, t, NULL));
		HPDF_Dict_AddName(d, "N", i % 2 ? "Odd" : "Even");
		HPDF_Array a = HPDF_Array_New(pdf->mmgr);
		HPDF_Array_AddNumber(a, i);
		HPDF_Array_AddReal(a, 0.5f * (float)i);
		HPDF_Dict_Add(d, "A", a);
	}
	return pdf;
}

/* libharu's classic save of pdf, whole. */
static bool classic_save(HPDF_Doc pdf, mc_buf *out)
{
	if (HPDF_SaveToStream(pdf) != HPDF_OK)
		return false;
	HPDF_UINT32 n = HPDF_GetStreamSize(pdf);
	mc_buf_grow(out, n);
	if (HPDF_ReadFromStream(pdf, (HPDF_BYTE *)out->data, &n) != HPDF_OK)
		return false;
	out->len = n;
	return true;
}

/* The value of object num in a classic file (between `num 0 obj` and
 * `endobj`, as libharu writes them), or NULL; *n its length. */
static const char *classic_obj(const mc_buf *b, size_t num, size_t *n)
{
	char want[40];
	int k = snprintf(want, sizeof want, "\n%zu 0 obj\n", num);
	const char *p = NULL;
	for (size_t i = 0; i + (size_t)k <= b->len && !p; i++)
		if (!memcmp(b->data + i, want, (size_t)k))
			p = b->data + i + k;
	const char *e = NULL;
	for (const char *q = p; q && !e && q + 8 <= b->data + b->len; q++)
		if (!memcmp(q, "\nendobj\n", 8))
			e = q;
	if (!e)
		return NULL;
	*n = (size_t)(e - p);
	return p;
}

/* (pdf_objstm_extra for test_objstm: arg is where the first number goes) */
static void extra_first(void *arg, size_t num)
{
	*(size_t *)arg = num;
}

static int extra_put(void *arg, size_t k, mc_buf *out)
{
	mc_buf_printf(out, "<< /Mine %zu /Ref %zu 0 R >>", k,
	              *(size_t *)arg + k);
	return 0;
}

static void test_objstm(void)
{
	HPDF_Doc pdf = objstm_doc(), again = objstm_doc();
	mc_buf cl = MC_BUF_INIT, b = MC_BUF_INIT, b2 = MC_BUF_INIT;
	pdf_flate z = {0};
	bool ok = pdf && again && classic_save(pdf, &cl);
	mc_buf_puts(&b, "head");
	int rc = ok ? pdf_objstm_save(pdf, &b, &z, NULL, 0) : -1;
	check(ok && rc == 0 && !memcmp(b.data, "head%PDF-1.", 11),
	      "objstm: a document saved packed (%d), bytes before it kept",
	      rc);
	mc_buf p = MC_BUF_INIT;
	mc_buf_put(&p, b.data + 4, b.len - 4);
	/* every object as libharu's own save writes it */
	size_t size = 0, nstream = 0, npacked = 0, bad = 0;
	for (size_t i = 1; ok && i < 2000; i++) {
		size_t n;
		const char *v = classic_obj(&cl, i, &n);
		if (!v) {
			size = i;
			break;
		}
		mc_buf o = MC_BUF_INIT, want = MC_BUF_INIT;
		unsigned t = 9;
		size_t f2, f3;
		bool got = xref_entry(&p, i, &t, &f2, &f3) &&
		           packed_obj(&p, i, &o);
		if (t == 1) {
			nstream++;
			mc_buf_printf(&want, "%zu 0 obj\n", i);
			mc_buf_put(&want, v, n);
			mc_buf_puts(&want, "\nendobj\n");
			got = got && o.len >= want.len &&
			      !memcmp(o.data, want.data, want.len);
		} else {
			npacked++;
			mc_buf_put(&want, v, n);
			mc_buf_putc(&want, '\n');
			got = got && t == 2 && same(&o, &want);
		}
		bad += !got;
		mc_buf_free(&o);
		mc_buf_free(&want);
	}
	check(ok && size > 450 && nstream == 4 && !bad,
	      "objstm: each of %zu objects found through the cross-reference "
	      "stream as libharu's save writes it (%zu stream objects whole, "
	      "%zu packed; %zu differ)",
	      size ? size - 1 : 0, nstream, npacked, bad);
	unsigned t = 9;
	size_t f2 = 0, f3 = 0, nstm = (npacked + PDF_OBJSTM_MAX - 1) /
	                             PDF_OBJSTM_MAX;
	bool free0 = xref_entry(&p, 0, &t, &f2, &f3) && t == 0 && f3 == 65535;
	bool stms = true;
	for (size_t s = 0; s < nstm; s++)
		stms = stms && xref_entry(&p, size + s, &t, &f2, &f3) && t == 1;
	stms = stms && xref_entry(&p, size + nstm, &t, &f2, &f3) && t == 1 &&
	       !xref_entry(&p, size + nstm + 1, &t, &f2, &f3);
	check(free0 && stms && nstm == 3,
	      "objstm: the free object 0; %zu object streams of at most %d "
	      "objects numbered from libharu's /Size up, then the "
	      "cross-reference stream", nstm, PDF_OBJSTM_MAX);
	check(contains_raw(p.data, p.len, "/Root 1 0 R /Info ") &&
	              !contains_raw(p.data, p.len, "(with)") &&
	              contains_raw(p.data, p.len, "/Fake true >> endobj"),
	      "objstm: /Root and /Info in the cross-reference stream; the "
	      "packed objects compressed, the stream's data as it is");
	rc = again ? pdf_objstm_save(again, &b2, &z, NULL, 0) : -1;
	check(rc == 0 && same(&b2, &p), "objstm: deterministic");

	/* objects of the caller's own, two sets (the structure elements
	 * and the bookmarks), numbered from /Size up one after the other */
	HPDF_Doc third = objstm_doc();
	size_t first = 0, second = 0;
	pdf_objstm_extra ex[2] = {{250, extra_first, extra_put, &first},
	                          {30, extra_first, extra_put, &second}};
	mc_buf b3 = MC_BUF_INIT;
	rc = third ? pdf_objstm_save(third, &b3, &z, ex, 2) : -1;
	bool exok = rc == 0 && first == size && second == size + 250;
	for (size_t k = 0; exok && k < 280; k++) {
		mc_buf o = MC_BUF_INIT, want = MC_BUF_INIT;
		if (k < 250)
			extra_put(&first, k, &want);
		else
			extra_put(&second, k - 250, &want);
		mc_buf_putc(&want, '\n');
		exok = packed_obj(&b3, size + k, &o) && same(&o, &want);
		mc_buf_free(&o);
		mc_buf_free(&want);
	}
	unsigned t3 = 9;
	size_t g2, g3;
	exok = exok && xref_entry(&b3, size + 280, &t3, &g2, &g3) && t3 == 1 &&
	       xref_entry(&b3, size - 1, &t3, &g2, &g3) && t3 != 0;
	check(exok, "objstm: two sets of the caller's objects (250, 30), "
	            "numbered from libharu's /Size (%zu) up one after the "
	            "other (the second from %zu), each packed as given, the "
	            "object streams after them", first, second);
	if (third)
		HPDF_Free(third);
	mc_buf_free(&b3);
	pdf_flate_free(&z);
	if (pdf)
		HPDF_Free(pdf);
	if (again)
		HPDF_Free(again);
	mc_buf_free(&cl);
	mc_buf_free(&b);
	mc_buf_free(&b2);
	mc_buf_free(&p);
}

/* The file of fontconfig's answers (fontcache.h): written when
 * fontconfig answered, read back with the same answers and coverage;
 * a damaged file is not read. */
static void test_fontcache(const char *path)
{
	unlink(path); /* cold (the renders above wrote it) */
	pdf_cache *k = pdf_cache_create();
	pdf_face_ref r1, s1;
	bool ex1 = false;
	int m1 = k ? pdf_cache_match(k, "DejaVu Sans", false, false, &r1, &ex1)
	           : -1;
	int q1 = k ? pdf_cache_search(k, 0x05D0, "he", &s1) : -1;
	char *p1 = m1 ? NULL : strdup(r1.path);
	char *sp1 = q1 ? NULL : strdup(s1.path);
	/* (the coverage's bytes: the cache owning them is destroyed) */
	size_t cl1 = m1 ? 0 : (size_t)r1.cover.npages * PFC_PAGE;
	unsigned char *cs1 = m1 ? NULL : malloc(cl1 ? cl1 : 1);
	if (cs1)
		memcpy(cs1, r1.cover.pages, cl1);
	pdf_cache_destroy(k);
	if (!check(m1 == 0, "fontcache: fontconfig finds DejaVu Sans")) {
		free(sp1);
		return;
	}
	pfc_data d;
	bool loaded = pdf_fontcache_load(path, &d) == 0;
	check(loaded && d.nmatches == 1 && d.nsearches == (q1 ? 0u : 1u) &&
	              d.nfaces >= 1,
	      "fontcache: the answers are written and read back");
	if (loaded)
		pdf_fontcache_free(&d);
	k = pdf_cache_create();
	pdf_face_ref r2, s2;
	bool ex2 = false;
	int m2 = k ? pdf_cache_match(k, "DejaVu Sans", false, false, &r2, &ex2)
	           : -1;
	int q2 = k ? pdf_cache_search(k, 0x05D0, "he", &s2) : -1;
	check(m2 == 0 && ex2 == ex1 && !strcmp(r2.path, p1) &&
	              r2.index == r1.index && cs1 &&
	              (size_t)r2.cover.npages * PFC_PAGE == cl1 &&
	              !memcmp(r2.cover.pages, cs1, cl1) &&
	              pdf_cover_has(&r2.cover, 'A') &&
	              !pdf_cover_has(&r2.cover, 0x10FFFD),
	      "fontcache: a warm cache gives the same face and coverage");
	check(q2 == q1 && (q1 || !strcmp(s2.path, sp1)),
	      "fontcache: a warm cache gives the same fallback face");
	pdf_cache_destroy(k);
	/* one byte changed: the checksum does not match */
	FILE *f = fopen(path, "r+b");
	bool flipped = f && !fseek(f, -2, SEEK_END) && fputc('#', f) != EOF;
	if (f)
		fclose(f);
	check(flipped && pdf_fontcache_load(path, &d) != 0,
	      "fontcache: a damaged file is not read");
	free(p1);
	free(sp1);
	free(cs1);
}

int main(void)
{
	/* a private font cache, not the user's */
	char dir[] = P_tmpdir "/unit_pdf.XXXXXX", path[sizeof dir + 16];
	bool have_dir = mkdtemp(dir) != NULL;
	snprintf(path, sizeof path, "%s/fonts.cache", dir);
	setenv("MC_FONT_CACHE", have_dir ? path : "0", 1);
	test_kp();
	test_render();
	test_sections();
	test_hyph();
	test_hyph_compound();
	test_hyph_bytes();
	test_cachefile();
	test_face();
	test_objstm();
	if (have_dir) {
		test_fontcache(path);
		unlink(path);
		rmdir(dir);
	}
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
