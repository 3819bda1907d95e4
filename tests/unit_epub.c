/* unit_epub.c - checks of the EPUB backend's helpers and of rendering
 * trees the corpus does not have (deep nesting, bad UTF-8, odd ids), and
 * `unit_epub --bench FILE...`: the in-process time to parse and render
 * each file as EPUB (used by tests/bench_epub.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "back/backend.h"
#include "back/epub/epub.h"
#include "front/front.h"

static int failed, passed;

#define CHECK(cond, what)                                                  \
	do {                                                               \
		if (cond) {                                                \
			printf("PASS: %s\n", what);                        \
			passed++;                                          \
		} else {                                                   \
			printf("FAIL: %s\n", what);                        \
			failed++;                                          \
		}                                                          \
	} while (0)

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
	ep_map_init(&c.used, false);
	ep_map_init(&c.anchors, false);

	CHECK(streq(ep_unique_id(&c, "intro"), "intro"), "id: kept when valid");
	CHECK(streq(ep_unique_id(&c, "intro"), "intro-2"), "id: made unique");
	CHECK(streq(ep_unique_id(&c, "2nd part"), "id-2nd-part"),
	      "id: a digit first and a space fixed");
	CHECK(streq(ep_unique_id(&c, "caf\xC3\xA9 au lait!"), "caf-au-lait"),
	      "id: non-ASCII and punctuation");
	CHECK(streq(ep_unique_id(&c, "!!!"), "id"), "id: nothing usable");
	ep_map_put(&c.anchors, "here", "here");

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

	CHECK(streq(ep_utf8(&c, "ok \xE2\x80\x94"), "ok \xE2\x80\x94"),
	      "utf8: valid text kept");
	CHECK(streq(ep_utf8(&c, "a\xFF" "b\xE2\x80"), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD"),
	      "utf8: bad bytes become U+FFFD");
	CHECK(streq(ep_utf8(&c, "\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"),
	      "utf8: surrogates refused");

	ep_map_free(&c.used);
	ep_map_free(&c.anchors);
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
	    mc_render_epub(doc, theme, out, dg) == 0)
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
			if (mc_render_epub(doc, theme, &out, &dg) != 0)
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
	helper_tests();
	render_tests();
	fprintf(stderr, "unit_epub: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
