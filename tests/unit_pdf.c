/*
 * unit_pdf.c - tests of the PDF backend's line breaker and of whole
 * renders in memory (src/back/pdf/).
 *
 * Prints `PASS: ...` or `FAIL: ...` per check and exits 1 if any failed.
 */
#include "back/pdf/pdf_int.h"
#include "front/front.h"
#include "model/model.h"
#include "theme/theme.h"
#include "util/buf.h"
#include "util/diag.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mc_render_pdf(const mc_doc *doc, const mc_theme *theme, mc_buf *out,
                  mc_diag *diag);

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

typedef struct job {
	const mc_theme *theme;
	mc_buf out;
	int rc;
} job;

static int render(const mc_theme *theme, mc_buf *out)
{
	mc_diag d;
	mc_diag_init(&d, NULL, "unit.md");
	mc_doc *doc = NULL;
	mc_front_opts fo = {NULL, 3};
	if (mc_front_parse_buffer(SRC, strlen(SRC), "unit.md", NULL, &fo, &d,
	                          &doc))
		return -1;
	doc->meta.date = 1700000000;
	int rc = mc_render_pdf(doc, theme, out, &d);
	mc_doc_free(doc);
	return rc;
}

static void *run_job(void *arg)
{
	job *j = arg;
	j->rc = render(j->theme, &j->out);
	return NULL;
}

static bool contains(const mc_buf *b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; b->data && i + n <= b->len; i++)
		if (!memcmp(b->data + i, s, n))
			return true;
	return false;
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

	/* two documents at once on two threads: no shared state */
	job j[2] = {{theme, MC_BUF_INIT, -1}, {theme, MC_BUF_INIT, -1}};
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
	mc_buf_free(&a);
	mc_buf_free(&b);
	mc_theme_free(theme);
}

int main(void)
{
	test_kp();
	test_render();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
