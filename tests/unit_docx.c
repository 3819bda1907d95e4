/* unit_docx.c - checks of the DOCX backend through mc_render_docx_opts():
 * the protect and legacy-field variants the command line cannot ask for
 * yet, determinism, dates and the package layout.
 *
 *   unit_docx                 run the checks (PASS:/FAIL: lines)
 *   unit_docx --write IN DIR  write IN as DIR/default.docx, protect.docx
 *                             and legacy.docx (for tests/group_docx.sh)
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

static int failed, passed;

#define CHECK(cond, what)                                                  \
	do {                                                               \
		if (cond) {                                                \
			printf("PASS: docx: %s\n", what);                  \
			passed++;                                          \
		} else {                                                   \
			printf("FAIL: docx: %s\n", what);                  \
			failed++;                                          \
		}                                                          \
	} while (0)

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
	mc_docx_opts o = {protect, legacy};
	return mc_render_docx_opts(doc, th, &o, out, &d) == 0 &&
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
			int rc = mc_render_docx(doc, th, &out, &d);
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
	CHECK(count(docxml, "<w:tag w:val=\"answer-") == 2,
	      "answer controls are tagged answer-N");
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
		mc_docx_opts o = {false, false};
		int rc = mc_render_docx_opts(doc, th, &o, &q, &qd);
		CHECK(rc == 0 && qd.nerrors == 0 && qd.nwarnings == 1,
		      "a URL too long for a QR code: a warning, no failure");
		char *relx = entry(&q, "word/_rels/document.xml.rels");
		CHECK(relx && !strstr(relx, "media/"), "... and no QR image");
		free(relx);
		mc_buf_free(&q);
		mc_node_unlink(e);
	}

	mc_buf_free(&a);
	mc_buf_free(&b);
	mc_buf_free(&p);
	mc_buf_free(&l);
	mc_buf_free(&z);
	mc_doc_free(doc);
	mc_theme_free(th);
	return failed ? 1 : 0;
}
