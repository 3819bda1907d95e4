/* unit_front.c - tests of the front-end rules through its public API,
 * mc_front_parse_buffer(), on in-memory Markdown.
 *
 * One line per check, "PASS: ..." or "FAIL: ... (detail)"; exit status 1
 * if any check failed.  Every parsed document is also checked with
 * mc_doc_validate(), for a source line on every node and for IAL
 * sentinels left in text; those are reported as three summary checks at
 * the end.  A small site (_config.yml, _data/course.yml, img/pic.png) is
 * made in a temporary directory and removed at the end. */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front/front.h"
#include "model/model.h"
#include "util/buf.h"
#include "util/diag.h"

static int npass, nfail;

static void check(bool ok, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void check(bool ok, const char *what, const char *fmt, ...)
{
	if (ok) {
		printf("PASS: %s\n", what);
		npass++;
		return;
	}
	char detail[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	printf("FAIL: %s (%s)\n", what, detail);
	nfail++;
}

static const char *nz(const char *s)
{
	return s ? s : "(null)";
}

#define CHECK_STR(what, got, want)                                           \
	do {                                                                 \
		const char *g_ = (got), *w_ = (want);                        \
		check(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, what,       \
		      "got \"%s\", want \"%s\"", nz(g_), nz(w_));            \
	} while (0)

#define CHECK_INT(what, got, want)                                           \
	do {                                                                 \
		long g_ = (long)(got), w_ = (long)(want);                    \
		check(g_ == w_, what, "got %ld, want %ld", g_, w_);          \
	} while (0)

/* ---- the test site ---------------------------------------------------- */

static char site[256];     /* baseurl "/" */
static char site_sub[300]; /* site/sub: baseurl "/course", own root */

static void write_file(const char *dir, const char *rel, const void *data,
                       size_t len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(2);
	}
	fwrite(data, 1, len, f);
	fclose(f);
}

static void mkdir_in(const char *dir, const char *rel)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (mkdir(path, 0755) != 0) {
		perror(path);
		exit(2);
	}
}

static const unsigned char png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
	0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02,
	0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a, 0x73, 0x00, 0x00, 0x00,
	0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
	0x44, 0x0c, 0x10, 0x0a, 0x00, 0x1f, 0xee, 0x03, 0xfd, 0x8b, 0x5f, 0x14,
	0xd4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
	0x82};

static const char config_yml[] = "title: Test Site\nbaseurl: /\n";
static const char course_yml[] =
	"title: Test Course\nmodules:\n  - one\n  - two\n";
static const char config_sub_yml[] =
	"title: Sub Site\nbaseurl: /course\nurl: https://example.org/\n";

static void make_sites(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(site, sizeof site, "%s/unit_front.XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(site)) {
		perror("mkdtemp");
		exit(2);
	}
	write_file(site, "_config.yml", config_yml, strlen(config_yml));
	mkdir_in(site, "_data");
	write_file(site, "_data/course.yml", course_yml, strlen(course_yml));
	mkdir_in(site, "img");
	write_file(site, "img/pic.png", png, sizeof png);
	mkdir_in(site, "sub");
	snprintf(site_sub, sizeof site_sub, "%s/sub", site);
	write_file(site_sub, "_config.yml", config_sub_yml,
	           strlen(config_sub_yml));
	mkdir_in(site_sub, "img");
	write_file(site_sub, "img/pic.png", png, sizeof png);
}

static void rm_in(const char *dir, const char *rel, bool is_dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (is_dir)
		rmdir(path);
	else
		unlink(path);
}

static void remove_sites(void)
{
	rm_in(site_sub, "img/pic.png", false);
	rm_in(site_sub, "img", true);
	rm_in(site_sub, "_config.yml", false);
	rm_in(site, "sub", true);
	rm_in(site, "img/pic.png", false);
	rm_in(site, "img", true);
	rm_in(site, "_data/course.yml", false);
	rm_in(site, "_data", true);
	rm_in(site, "_config.yml", false);
	rmdir(site);
}

/* ---- parsing and walking ---------------------------------------------- */

typedef struct res {
	mc_doc *doc;
	mc_diag diag;
	int rc;
} res;

/* Whole-document invariants, summed over every parsed document. */
static int ndocs, nnodes;
static int bad_validate, bad_line, bad_sentinel;
static char bad_validate_msg[400], bad_line_msg[300], bad_sentinel_msg[300];

static void invariants(const char *input, mc_doc *doc)
{
	char err[256];
	ndocs++;
	if (mc_doc_validate(doc, err, sizeof err) != 0 && !bad_validate++)
		snprintf(bad_validate_msg, sizeof bad_validate_msg,
		         "input \"%.60s\": %s", input, err);
	mc_iter it;
	mc_iter_init(&it, doc->root);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		if (ev != MC_EVENT_ENTER)
			continue;
		const mc_node *n = it.cur;
		nnodes++;
		if (n->line == 0 && !bad_line++)
			snprintf(bad_line_msg, sizeof bad_line_msg,
			         "a %s node of input \"%.60s\" has line 0",
			         mc_node_type_name(n->type), input);
		if (n->type == MC_TEXT && n->as.text.text &&
		    strstr(n->as.text.text, "\xF4\x8F\xBF") && !bad_sentinel++)
			snprintf(bad_sentinel_msg, sizeof bad_sentinel_msg,
			         "text \"%.60s\" of input \"%.60s\"",
			         n->as.text.text, input);
	}
}

static res parse_in(const char *md, size_t len, const char *dir,
                    const mc_front_opts *opts)
{
	res r;
	mc_diag_init(&r.diag, NULL, "test.md");
	r.rc = mc_front_parse_buffer(md, len, "test.md", dir, opts, &r.diag,
	                             &r.doc);
	if (r.rc == 0 && r.doc)
		invariants(md, r.doc);
	return r;
}

static res parse(const char *md)
{
	mc_front_opts o = {NULL, 0};
	return parse_in(md, strlen(md), site, &o);
}

static void done(res *r)
{
	mc_doc_free(r->doc);
	r->doc = NULL;
}

/* The k-th (0-based) node of type t under root, in document order. */
static mc_node *nth(mc_node *root, mc_node_type t, int k)
{
	if (!root)
		return NULL;
	mc_iter it;
	mc_iter_init(&it, root);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE)
		if (ev == MC_EVENT_ENTER && it.cur->type == t && k-- == 0)
			return it.cur;
	return NULL;
}

static mc_node *first(res *r, mc_node_type t)
{
	return r->doc ? nth(r->doc->root, t, 0) : NULL;
}

static int count(mc_node *root, mc_node_type t)
{
	int n = 0;
	if (!root)
		return 0;
	mc_iter it;
	mc_iter_init(&it, root);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE)
		if (ev == MC_EVENT_ENTER && it.cur->type == t)
			n++;
	return n;
}

static int count_doc(res *r, mc_node_type t)
{
	return r->doc ? count(r->doc->root, t) : -1;
}

static const char *text_of(res *r, const mc_node *n)
{
	if (!r->doc || !n)
		return NULL;
	return mc_node_plain_text(r->doc, n);
}

static const char *type_of(const mc_node *n)
{
	return n ? mc_node_type_name(n->type) : "(none)";
}

static bool parsed(res *r, const char *what)
{
	if (r->rc == 0 && r->doc)
		return true;
	check(false, what, "parse failed: %s", r->diag.first_error);
	return false;
}

/* ---- IALs --------------------------------------------------------------- */

static void test_ials(void)
{
	res r = parse("Read [the guide](https://example.org/g)"
	              "{:target=\"_blank\"} now.\n");
	if (parsed(&r, "IAL {:target=\"_blank\"} on a link")) {
		mc_node *l = first(&r, MC_LINK);
		CHECK_STR("IAL {:target=\"_blank\"} sets the link target",
		          l ? l->as.link.target : NULL, "_blank");
		CHECK_STR("IAL after a link leaves no text behind",
		          text_of(&r, first(&r, MC_PARAGRAPH)),
		          "Read the guide now.");
	}
	done(&r);

	r = parse("Open [it](https://example.org/a){:target=\xE2\x80\x9D"
	          "_blank\xE2\x80\x9D} now.\n");
	if (parsed(&r, "IAL with right curly quotes")) {
		mc_node *l = first(&r, MC_LINK);
		CHECK_STR("IAL {:target=\xE2\x80\x9D_blank\xE2\x80\x9D} "
		          "(right curly quotes) sets the target",
		          l ? l->as.link.target : NULL, "_blank");
	}
	done(&r);

	r = parse("Open [it](https://example.org/a){:target=\xE2\x80\x9C"
	          "_blank\xE2\x80\x9C} now.\n");
	if (parsed(&r, "IAL with left curly quotes")) {
		mc_node *l = first(&r, MC_LINK);
		CHECK_STR("IAL {:target=\xE2\x80\x9C_blank\xE2\x80\x9C} "
		          "(left curly quotes) sets the target",
		          l ? l->as.link.target : NULL, "_blank");
		CHECK_STR("curly-quoted IAL leaves no text behind",
		          text_of(&r, first(&r, MC_PARAGRAPH)), "Open it now.");
	}
	done(&r);

	r = parse("A paragraph with attributes.\n{: .tip #first}\n\nAnother.\n");
	if (parsed(&r, "block IAL on the next line")) {
		mc_node *p = first(&r, MC_PARAGRAPH);
		CHECK_STR("block IAL on the line after a paragraph: class",
		          p ? p->classes : NULL, "tip");
		CHECK_STR("block IAL on the line after a paragraph: id",
		          p ? p->id : NULL, "first");
		CHECK_STR("block IAL removes its line and soft break",
		          text_of(&r, p), "A paragraph with attributes.");
		mc_node *q = nth(r.doc->root, MC_PARAGRAPH, 1);
		check(q && !q->classes && !q->id,
		      "block IAL does not touch the next paragraph",
		      "classes %s id %s", q ? nz(q->classes) : "-",
		      q ? nz(q->id) : "-");
	}
	done(&r);

	r = parse("- one\n- two\n\n{: .checklist}\n\nAfter.\n");
	if (parsed(&r, "block IAL in its own paragraph")) {
		mc_node *l = first(&r, MC_LIST);
		CHECK_STR("IAL alone after a blank line applies to the block "
		          "before it",
		          l ? l->classes : NULL, "checklist");
		CHECK_INT("IAL alone in its paragraph leaves no empty paragraph",
		          count(r.doc->root, MC_PARAGRAPH), 3);
	}
	done(&r);

	r = parse("## Soil Types {#soil}\n\nText.\n");
	if (parsed(&r, "heading {#id}")) {
		mc_node *h = first(&r, MC_HEADING);
		CHECK_STR("heading {#custom-id} sets the id", h ? h->id : NULL,
		          "soil");
		CHECK_STR("heading {#custom-id} is removed from the text",
		          text_of(&r, h), "Soil Types");
	}
	done(&r);

	r = parse("Write `{:target=\"_blank\"}` after a link.\n");
	if (parsed(&r, "IAL in a code span")) {
		mc_node *c = first(&r, MC_CODE);
		CHECK_STR("IAL inside a code span is kept literally",
		          c ? c->as.text.text : NULL, "{:target=\"_blank\"}");
		CHECK_INT("IAL inside a code span produces no warning",
		          r.diag.nwarnings, 0);
	}
	done(&r);

	r = parse("An *emphasised*{: .hl} word.\n");
	if (parsed(&r, "span IAL on emphasis")) {
		mc_node *e = first(&r, MC_EMPH);
		CHECK_STR("span IAL after emphasis sets its class",
		          e ? e->classes : NULL, "hl");
	}
	done(&r);

	r = parse("Some {: .stray} text.\n");
	if (parsed(&r, "stray IAL")) {
		check(r.diag.nwarnings >= 1,
		      "IAL in the middle of text is ignored with a warning",
		      "%d warnings", r.diag.nwarnings);
		const char *t = text_of(&r, first(&r, MC_PARAGRAPH));
		check(t && !strstr(t, "{:") && !strstr(t, "stray"),
		      "ignored IAL is not left in the text", "text \"%s\"",
		      nz(t));
	}
	done(&r);
}

/* ---- markdown="1" containers and callouts -------------------------------- */

static void test_containers(void)
{
	res r = parse("<div class=\"callout info\" markdown=\"1\">\n\nSome "
	              "**bold** text.\n\n</div>\n\nAfter.\n");
	if (parsed(&r, "markdown=1 with a blank line")) {
		mc_node *c = first(&r, MC_CALLOUT);
		mc_node *s = c ? nth(c, MC_STRONG, 0) : NULL;
		check(c && s, "markdown=\"1\" with a blank line: content is "
		              "Markdown inside the callout",
		      "callout %p strong %p", (void *)c, (void *)s);
		mc_node *after = c ? c->next : NULL;
		CHECK_STR("markdown=\"1\" with a blank line: text after </div> "
		          "is outside",
		          text_of(&r, after), "After.");
	}
	done(&r);

	r = parse("<div class=\"callout info\" markdown=\"1\">\nRight after "
	          "the *tag*.\n</div>\nAfter, no blank line.\n");
	if (parsed(&r, "markdown=1 without a blank line")) {
		mc_node *c = first(&r, MC_CALLOUT);
		CHECK_STR("markdown=\"1\" without a blank line: first paragraph "
		          "inside",
		          text_of(&r, c), "Right after the tag.");
		check(c && nth(c, MC_EMPH, 0),
		      "markdown=\"1\" without a blank line: Markdown parsed",
		      "no emphasis inside the callout");
		CHECK_STR("markdown=\"1\" without a blank line: next line is "
		          "outside",
		          text_of(&r, c ? c->next : NULL), "After, no blank line.");
	}
	done(&r);

	r = parse("<div class=\"callout objectives\" markdown=\"1\">\n## "
	          "Goals\n- learn\n- test</div>\n\nOutside.\n");
	if (parsed(&r, "</div> at the end of a content line")) {
		mc_node *c = first(&r, MC_CALLOUT);
		mc_node *l = c ? nth(c, MC_LIST, 0) : NULL;
		CHECK_INT("</div> at the end of a content line: list items "
		          "inside",
		          l ? count(l, MC_ITEM) : -1, 2);
		CHECK_STR("</div> at the end of a content line: last item "
		          "text",
		          text_of(&r, nth(r.doc->root, MC_ITEM, 1)), "test");
		CHECK_STR("</div> at the end of a content line: following "
		          "paragraph outside",
		          c && c->next ? type_of(c->next) : "(none)",
		          "paragraph");
	}
	done(&r);

	r = parse("<div class=\"callout activity\" markdown=\"1\">\n\nOuter."
	          "\n\n<div class=\"callout info\" markdown=\"1\">\nInner.\n"
	          "</div>\n\nMore outer.\n\n</div>\n");
	if (parsed(&r, "nested callouts")) {
		mc_node *outer = first(&r, MC_CALLOUT);
		mc_node *inner = nth(r.doc->root, MC_CALLOUT, 1);
		check(outer && inner && inner->parent == outer &&
		      outer->as.callout.kind == MC_CALLOUT_ACTIVITY &&
		      inner->as.callout.kind == MC_CALLOUT_INFO,
		      "nested callout is a child of the outer one",
		      "outer %p inner %p", (void *)outer, (void *)inner);
		CHECK_STR("text after the inner callout stays in the outer",
		          text_of(&r, outer ? outer->last : NULL), "More outer.");
	}
	done(&r);

	r = parse("<div class=\"callout info\" markdown=\"1\">\n\nNever "
	          "closed.\n\n- still inside\n");
	if (parsed(&r, "unclosed markdown=1 div")) {
		mc_node *c = first(&r, MC_CALLOUT);
		check(r.diag.nwarnings >= 1, "unclosed markdown=\"1\" div warns",
		      "%d warnings", r.diag.nwarnings);
		check(c && nth(c, MC_LIST, 0),
		      "unclosed markdown=\"1\" div runs to the end",
		      "no list inside the callout");
	}
	done(&r);

	static const struct {
		const char *cls;
		mc_callout_kind kind;
	} kinds[] = {
		{"callout activity", MC_CALLOUT_ACTIVITY},
		{"callout videos", MC_CALLOUT_VIDEOS},
		{"callout case_study", MC_CALLOUT_CASE_STUDY},
		{"callout objectives", MC_CALLOUT_OBJECTIVES},
		{"callout info", MC_CALLOUT_INFO},
		{"activity callout", MC_CALLOUT_ACTIVITY},
	};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		char md[200], what[120];
		snprintf(md, sizeof md,
		         "<div class=\"%s\" markdown=\"1\">\nBody.\n</div>\n",
		         kinds[i].cls);
		snprintf(what, sizeof what, "class=\"%s\" is a %s callout",
		         kinds[i].cls, mc_callout_kind_name(kinds[i].kind));
		r = parse(md);
		if (parsed(&r, what)) {
			mc_node *c = first(&r, MC_CALLOUT);
			CHECK_STR(what,
			          c ? mc_callout_kind_name(c->as.callout.kind)
			            : NULL,
			          mc_callout_kind_name(kinds[i].kind));
		}
		done(&r);
	}

	for (int v = 1; v <= 3; v++) {
		char md[200], what[120];
		snprintf(md, sizeof md,
		         "<div class=\"colorhighlight color%d\" markdown=\"1\">\n"
		         "Tinted.\n</div>\n", v);
		snprintf(what, sizeof what,
		         "colorhighlight color%d: highlight callout, variant %d",
		         v, v);
		r = parse(md);
		if (parsed(&r, what)) {
			mc_node *c = first(&r, MC_CALLOUT);
			check(c && c->as.callout.kind == MC_CALLOUT_HIGHLIGHT &&
			      c->as.callout.variant == v, what,
			      "kind %s variant %d",
			      c ? mc_callout_kind_name(c->as.callout.kind) : "-",
			      c ? c->as.callout.variant : -1);
		}
		done(&r);
	}

	r = parse("<div class=\"callout activity\" markdown=\"1\">\n### "
	          "[Worksheet #3: Soil](https://example.org/ws){:target=\"_"
	          "blank\"}\nBody.\n</div>\n");
	if (parsed(&r, "callout title")) {
		mc_node *c = first(&r, MC_CALLOUT);
		mc_node *t = c ? c->first : NULL;
		CHECK_STR("a heading opening a callout becomes its title",
		          type_of(t), "callout_title");
		CHECK_STR("callout title text", text_of(&r, t),
		          "Worksheet #3: Soil");
		mc_node *l = t ? nth(t, MC_LINK, 0) : NULL;
		CHECK_STR("callout title keeps its link and IAL target",
		          l ? l->as.link.target : NULL, "_blank");
		CHECK_INT("callout title: no heading left",
		          count_doc(&r, MC_HEADING), 0);
	}
	done(&r);

	r = parse("<details>\n<summary>Show the answer</summary>\n\n<p>"
	          "Compost.</p>\n</details>\n");
	if (parsed(&r, "details")) {
		mc_node *d = first(&r, MC_DETAILS);
		CHECK_STR("<details> holds <summary> first",
		          d ? type_of(d->first) : NULL, "summary");
		CHECK_STR("<summary> text", text_of(&r, d ? d->first : NULL),
		          "Show the answer");
		CHECK_STR("<details> body after a blank line stays inside",
		          text_of(&r, d ? d->last : NULL), "Compost.");
	}
	done(&r);
}

/* ---- embeds ------------------------------------------------------------- */

static void test_embeds(void)
{
	res r = parse("<iframe src=\"https://www.youtube.com/embed/AbC123?"
	              "start=75&end=200\" allowfullscreen></iframe>\n");
	if (parsed(&r, "YouTube embed")) {
		mc_node *e = first(&r, MC_EMBED);
		CHECK_STR("YouTube: provider", e ? e->as.embed.provider : NULL,
		          "YouTube");
		CHECK_STR("YouTube: video id", e ? e->as.embed.video_id : NULL,
		          "AbC123");
		CHECK_INT("YouTube: ?start= in seconds",
		          e ? e->as.embed.start : -9, 75);
		CHECK_INT("YouTube: ?end= in seconds", e ? e->as.embed.end : -9,
		          200);
		CHECK_STR("YouTube: watch URL with the start time",
		          e ? e->as.embed.watch_url : NULL,
		          "https://www.youtube.com/watch?v=AbC123&t=75s");
		CHECK_STR("YouTube: short URL with the start time",
		          e ? e->as.embed.short_url : NULL,
		          "https://youtu.be/AbC123?t=75");
		CHECK_STR("YouTube: kind video",
		          e ? mc_embed_kind_name(e->as.embed.kind) : NULL,
		          "video");
	}
	done(&r);

	r = parse("<iframe src=\"https://www.youtube-nocookie.com/embed/Xyz9\""
	          "></iframe>\n");
	if (parsed(&r, "YouTube without start")) {
		mc_node *e = first(&r, MC_EMBED);
		CHECK_STR("YouTube without a start: plain watch URL",
		          e ? e->as.embed.watch_url : NULL,
		          "https://www.youtube.com/watch?v=Xyz9");
		CHECK_STR("YouTube without a start: plain short URL",
		          e ? e->as.embed.short_url : NULL,
		          "https://youtu.be/Xyz9");
		CHECK_INT("YouTube without a start: start -1",
		          e ? e->as.embed.start : -9, -1);
	}
	done(&r);

	r = parse("<iframe src=\"https://youtu.be/Short1?t=1m30s\"></iframe>\n");
	if (parsed(&r, "youtu.be with t=1m30s")) {
		mc_node *e = first(&r, MC_EMBED);
		CHECK_STR("youtu.be src: video id",
		          e ? e->as.embed.video_id : NULL, "Short1");
		CHECK_INT("youtu.be src: t=1m30s is 90 seconds",
		          e ? e->as.embed.start : -9, 90);
	}
	done(&r);

	r = parse("<iframe src=\"https://www.youtube.com/watch?v=WatchId&t="
	          "42\"></iframe>\n");
	if (parsed(&r, "YouTube watch URL")) {
		mc_node *e = first(&r, MC_EMBED);
		CHECK_STR("YouTube watch?v= src: video id",
		          e ? e->as.embed.video_id : NULL, "WatchId");
		CHECK_STR("YouTube watch?v= src: short URL",
		          e ? e->as.embed.short_url : NULL,
		          "https://youtu.be/WatchId?t=42");
	}
	done(&r);

	r = parse("<iframe src=\"https://player.vimeo.com/video/123456?h="
	          "abcdef&title=0\"></iframe>\n");
	if (parsed(&r, "Vimeo")) {
		mc_node *e = first(&r, MC_EMBED);
		CHECK_STR("Vimeo: provider", e ? e->as.embed.provider : NULL,
		          "Vimeo");
		CHECK_STR("Vimeo ?h= hash: watch URL",
		          e ? e->as.embed.watch_url : NULL,
		          "https://vimeo.com/123456/abcdef");
	}
	done(&r);

	r = parse("<iframe src=\"https://embed.ted.com/talks/lang/en/"
	          "a_speaker_on_soil\"></iframe>\n");
	if (parsed(&r, "TED")) {
		mc_node *e = first(&r, MC_EMBED);
		CHECK_STR("TED: watch URL without the lang part",
		          e ? e->as.embed.watch_url : NULL,
		          "https://www.ted.com/talks/a_speaker_on_soil");
	}
	done(&r);

	r = parse("<iframe src=\"https://h.example.edu/wp-admin/admin-ajax.php"
	          "?action=h5p_embed&id=11\" title=\"Pick one\"></iframe>\n");
	if (parsed(&r, "H5P")) {
		mc_node *e = first(&r, MC_EMBED);
		check(e && e->as.embed.kind == MC_EMBED_INTERACTIVE &&
		      e->as.embed.provider &&
		      strcmp(e->as.embed.provider, "H5P") == 0,
		      "H5P: interactive embed", "kind %s provider %s",
		      e ? mc_embed_kind_name(e->as.embed.kind) : "-",
		      e ? nz(e->as.embed.provider) : "-");
		CHECK_STR("H5P: title attribute kept",
		          e ? e->as.embed.title : NULL, "Pick one");
		CHECK_STR("H5P: id", e ? e->as.embed.video_id : NULL, "11");
	}
	done(&r);

	r = parse("<iframe style=\"border: 0;\" src=\"https://raindrop.io/me/"
	          "links-123/embed/sort=title\"></iframe>\n");
	if (parsed(&r, "Raindrop.io")) {
		mc_node *e = first(&r, MC_EMBED);
		check(e && e->as.embed.kind == MC_EMBED_COLLECTION,
		      "Raindrop.io: collection embed", "kind %s",
		      e ? mc_embed_kind_name(e->as.embed.kind) : "-");
		CHECK_STR("Raindrop.io: watch URL without /embed",
		          e ? e->as.embed.watch_url : NULL,
		          "https://raindrop.io/me/links-123");
	}
	done(&r);

	r = parse("<div class=\"callout videos\" markdown=\"1\">\n<iframe src="
	          "\"https://www.youtube.com/embed/Vt1\"></iframe>\n<div class="
	          "\"videotime\">2:54 | <i>note with <a href=\"https://example"
	          ".org/m\">a link</a></i></div>\n</div>\n");
	if (parsed(&r, "videotime")) {
		mc_node *e = first(&r, MC_EMBED);
		CHECK_STR("videotime: duration on the embed before it",
		          e ? e->as.embed.duration : NULL, "2:54");
		mc_node *cap = e ? nth(e, MC_CAPTION, 0) : NULL;
		CHECK_STR("videotime: the note is the embed's caption",
		          text_of(&r, cap), "note with a link");
		check(cap && nth(cap, MC_LINK, 0),
		      "videotime: the note keeps its link", "no link");
		CHECK_INT("videotime: no paragraph left for the time line",
		          count_doc(&r, MC_PARAGRAPH), 0);
	}
	done(&r);

	/* seen in the corpus (evaluating-connected-learning.md) */
	r = parse("<div class=\"callout videos\" markdown=\"1\">\n<iframe src="
	          "\"https://www.youtube.com/embed/Vt2\"></iframe>\n<div class="
	          "\"videotime\" markdown=\"1\">7:51\n</div>\n</div>\n");
	if (parsed(&r, "videotime with markdown=1")) {
		mc_node *e = first(&r, MC_EMBED);
		CHECK_STR("videotime with markdown=\"1\": duration set "
		          "(known bug, see report)",
		          e ? e->as.embed.duration : NULL, "7:51");
	}
	done(&r);

	r = parse("Before.\n\n<!--\n<iframe src=\"https://www.youtube.com/"
	          "embed/Old1\"></iframe>\n-->\n\nAfter.\n");
	if (parsed(&r, "iframe in a multi-line comment")) {
		CHECK_INT("iframe inside a multi-line HTML comment is dropped "
		          "(known bug, see report)",
		          count_doc(&r, MC_EMBED), 0);
		CHECK_STR("multi-line HTML comment leaves no text "
		          "(known bug, see report)",
		          text_of(&r, r.doc->root), "Before. After.");
	}
	done(&r);
}

/* ---- attributions ------------------------------------------------------- */

static void test_attributions(void)
{
	res r = parse("> A garden is a teacher.<br/><br/>-- [Garden Society]"
	              "(https://example.org/s)\n");
	if (parsed(&r, "attribution <br/><br/>-- link")) {
		mc_node *q = first(&r, MC_BLOCKQUOTE);
		mc_node *a = q ? q->last : NULL;
		CHECK_STR("<br/><br/>-- [Source](url): attribution last in the "
		          "quote",
		          type_of(a), "attribution");
		check(a && nth(a, MC_LINK, 0),
		      "<br/><br/>-- [Source](url): attribution keeps the link",
		      "no link in %s", type_of(a));
		CHECK_STR("<br/><br/>-- [Source](url): attribution text",
		          text_of(&r, a), "Garden Society");
		CHECK_STR("<br/><br/>-- [Source](url): quote text without "
		          "dash or breaks",
		          text_of(&r, q ? q->first : NULL),
		          "A garden is a teacher.");
	}
	done(&r);

	r = parse("> Plant in spring.<br/>\xE2\x80\x94 Jo Grower\n");
	if (parsed(&r, "attribution <br/> em dash")) {
		CHECK_STR("<br/>\xE2\x80\x94 Name: attribution",
		          text_of(&r, first(&r, MC_ATTRIBUTION)), "Jo Grower");
	}
	done(&r);

	r = parse("> Soil is the skin of the earth.\n>\n> -- Sam Field, Soil "
	          "Scientist\n");
	if (parsed(&r, "attribution in its own paragraph")) {
		mc_node *q = first(&r, MC_BLOCKQUOTE);
		CHECK_STR("last paragraph \"-- Name, Role\": attribution",
		          text_of(&r, first(&r, MC_ATTRIBUTION)),
		          "Sam Field, Soil Scientist");
		CHECK_INT("last paragraph \"-- Name, Role\": its paragraph is "
		          "gone",
		          q ? count(q, MC_PARAGRAPH) : -1, 1);
	}
	done(&r);

	r = parse("> \xE2\x80\x9CWeeds are flowers too.\xE2\x80\x9D\xE2\x80"
	          "\x94 Pat Meadow\n");
	if (parsed(&r, "attribution after a closing quote")) {
		CHECK_STR("...\xE2\x80\x9D\xE2\x80\x94 Name: attribution",
		          text_of(&r, first(&r, MC_ATTRIBUTION)), "Pat Meadow");
		CHECK_STR("...\xE2\x80\x9D\xE2\x80\x94 Name: the quote keeps its "
		          "closing quote",
		          text_of(&r, first(&r, MC_PARAGRAPH)),
		          "\xE2\x80\x9CWeeds are flowers too.\xE2\x80\x9D");
	}
	done(&r);

	r = parse("> Water the roots \xE2\x80\x93 not the leaves \xE2\x80\x93 "
	          "in the morning.\n");
	if (parsed(&r, "en dash mid-sentence")) {
		CHECK_INT("en dash mid-sentence is not an attribution",
		          count_doc(&r, MC_ATTRIBUTION), 0);
	}
	done(&r);

	r = parse("> The sign said \xE2\x80\x9Ckeep off\xE2\x80\x9D \xE2\x80"
	          "\x93 so we walked around.\n");
	if (parsed(&r, "closing quote then en dash mid-sentence")) {
		CHECK_INT("closing quote then an en dash mid-sentence is not an "
		          "attribution (known bug, see report)",
		          count_doc(&r, MC_ATTRIBUTION), 0);
	}
	done(&r);
}

/* ---- worksheets, answers, blanks, tasks --------------------------------- */

static void test_worksheets(void)
{
	res r = parse("<div class=\"callout activity\" markdown=\"1\">\n\n"
	              "## Worksheet #1: Planning\n\n"
	              "* The first thing I will plant is...\n"
	              "* My nearest tap is\xE2\x80\xA6\n"
	              "* How much sun is there?\n"
	              "* Tools I own:\n"
	              "* Raised beds drain well.\n"
	              "* Compost options\n"
	              "  * leaves\n"
	              "  * scraps\n"
	              "* [ ] Measured the plot?\n\n"
	              "</div>\n");
	if (parsed(&r, "worksheet")) {
		int prompts = 0;
		for (mc_node *it = nth(r.doc->root, MC_ITEM, 0); it;
		     it = it->next)
			prompts += it->as.item.prompt;
		CHECK_INT("worksheet: items ending in ..., \xE2\x80\xA6, ?, : "
		          "are prompts (4 of 7)",
		          prompts, 4);
		CHECK_INT("worksheet: one answer field per prompt",
		          count_doc(&r, MC_ANSWER), 4);
		mc_node *i0 = nth(r.doc->root, MC_ITEM, 0);
		check(i0 && i0->as.item.prompt && i0->first &&
		      i0->first->type == MC_PARAGRAPH && i0->last &&
		      i0->last->type == MC_ANSWER && i0->first->next == i0->last,
		      "worksheet: a prompt item holds its paragraph then the "
		      "answer", "children %s .. %s",
		      type_of(i0 ? i0->first : NULL),
		      type_of(i0 ? i0->last : NULL));
		mc_node *a3 = nth(r.doc->root, MC_ANSWER, 3);
		CHECK_STR("worksheet: answer label is the prompt text",
		          a3 ? a3->as.answer.label : NULL, "Tools I own:");
		CHECK_INT("worksheet: answers numbered in order",
		          a3 ? a3->as.answer.number : -1, 4);
		CHECK_INT("worksheet: default answer is 3 lines",
		          a3 ? a3->as.answer.lines : -1, 3);
		mc_node *st = nth(r.doc->root, MC_ITEM, 4);
		check(st && !st->as.item.prompt,
		      "worksheet: a plain statement is not a prompt", "%s",
		      text_of(&r, st));
		mc_node *sub = nth(r.doc->root, MC_ITEM, 5);
		check(sub && !sub->as.item.prompt,
		      "worksheet: an item with a sublist is not a prompt", "%s",
		      text_of(&r, sub));
		mc_node *task = nth(r.doc->root, MC_ITEM, 8);
		check(task && task->as.item.task == MC_TASK_OPEN &&
		      !task->as.item.prompt,
		      "worksheet: a task item ending in ? stays a checkbox, "
		      "not a prompt", "task %d prompt %d",
		      task ? (int)task->as.item.task : -1,
		      task ? task->as.item.prompt : -1);
	}
	done(&r);

	r = parse("* Is this a prompt outside an activity?\n* More dots...\n");
	if (parsed(&r, "prompts outside activity")) {
		CHECK_INT("a prompt outside an activity callout gets no answer",
		          count_doc(&r, MC_ANSWER), 0);
	}
	done(&r);

	r = parse("<div class=\"callout info\" markdown=\"1\">\n* An info box "
	          "question?\n</div>\n");
	if (parsed(&r, "prompts in info callout")) {
		CHECK_INT("a prompt in an info callout gets no answer",
		          count_doc(&r, MC_ANSWER), 0);
	}
	done(&r);

	mc_front_opts six = {NULL, 6};
	const char *ws = "<div class=\"callout activity\" markdown=\"1\">\n"
	                 "* Why?\n</div>\n";
	r = parse_in(ws, strlen(ws), site, &six);
	if (parsed(&r, "answer_lines option")) {
		mc_node *a = first(&r, MC_ANSWER);
		CHECK_INT("opts.answer_lines sets a prompt's answer lines",
		          a ? a->as.answer.lines : -1, 6);
	}
	done(&r);

	r = parse("Describe your garden.\n{: .answer lines=\"5\"}\n");
	if (parsed(&r, "{: .answer lines=5}")) {
		mc_node *p = first(&r, MC_PARAGRAPH);
		mc_node *a = p ? p->next : NULL;
		check(a && a->type == MC_ANSWER &&
		      a->as.answer.kind == MC_ANSWER_LINES &&
		      a->as.answer.lines == 5,
		      "{: .answer lines=\"5\"}: a 5-line answer after the "
		      "paragraph", "next %s kind %s lines %d", type_of(a),
		      a && a->type == MC_ANSWER
		          ? mc_answer_kind_name(a->as.answer.kind) : "-",
		      a && a->type == MC_ANSWER ? a->as.answer.lines : -1);
	}
	done(&r);

	r = parse("One line.\n{: .answer type=\"line\"}\n");
	if (parsed(&r, "{: .answer type=line}")) {
		mc_node *a = first(&r, MC_ANSWER);
		CHECK_STR("{: .answer type=\"line\"}: a single-line field",
		          a ? mc_answer_kind_name(a->as.answer.kind) : NULL,
		          "line");
	}
	done(&r);

	r = parse("Name: ______ Date: ________\n\nrow __ is not a blank\n");
	if (parsed(&r, "blanks")) {
		mc_node *b0 = nth(r.doc->root, MC_BLANK, 0);
		mc_node *b1 = nth(r.doc->root, MC_BLANK, 1);
		CHECK_INT("\"Name: ______\": a blank 6 wide",
		          b0 ? b0->as.blank.width : -1, 6);
		CHECK_INT("second blank 8 wide", b1 ? b1->as.blank.width : -1,
		          8);
		CHECK_STR("text before a blank is kept",
		          b0 && b0->prev && b0->prev->type == MC_TEXT
		              ? b0->prev->as.text.text : NULL,
		          "Name: ");
		CHECK_INT("two underscores are not a blank",
		          count_doc(&r, MC_BLANK), 2);
	}
	done(&r);

	r = parse("- [ ] open\n- [x] done\n- plain\n");
	if (parsed(&r, "task list")) {
		mc_node *a = nth(r.doc->root, MC_ITEM, 0);
		mc_node *b = nth(r.doc->root, MC_ITEM, 1);
		mc_node *c = nth(r.doc->root, MC_ITEM, 2);
		check(a && b && c && a->as.item.task == MC_TASK_OPEN &&
		      b->as.item.task == MC_TASK_DONE &&
		      c->as.item.task == MC_TASK_NONE,
		      "task list: open, done, none", "%d %d %d",
		      a ? (int)a->as.item.task : -1,
		      b ? (int)b->as.item.task : -1,
		      c ? (int)c->as.item.task : -1);
		CHECK_STR("task list: the checkbox is not in the text",
		          text_of(&r, a), "open");
	}
	done(&r);
}

/* ---- figures and images ------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = s ? strlen(s) : 0, b = strlen(suffix);
	return s && a >= b && strcmp(s + a - b, suffix) == 0;
}

static void test_figures(void)
{
	res r = parse("![A red square](img/pic.png)\n\nText with ![icon]"
	              "(img/pic.png) inline.\n");
	if (parsed(&r, "figure")) {
		mc_node *f = first(&r, MC_FIGURE);
		CHECK_STR("a paragraph holding only an image becomes a figure",
		          type_of(r.doc->root->first), "figure");
		CHECK_STR("figure alt", f ? f->as.image.alt : NULL,
		          "A red square");
		check(f && ends_with(f->as.image.path, "/img/pic.png") &&
		      f->as.image.path[0] == '/',
		      "figure: local image resolved to an absolute path in the "
		      "root", "path %s", f ? nz(f->as.image.path) : "-");
		mc_node *im = first(&r, MC_IMAGE);
		check(im && im->parent->type == MC_PARAGRAPH,
		      "an image inside text stays inline", "parent %s",
		      im ? type_of(im->parent) : "-");
	}
	done(&r);

	r = parse("<img src=\"img/pic.png\" alt=\"Pic\" width=\"300\" style="
	          "\"height: 120px;\"><br/>_Source: [Photos](https://example"
	          ".org/p)_\n");
	if (parsed(&r, "figure with caption")) {
		mc_node *f = first(&r, MC_FIGURE);
		mc_node *cap = f ? nth(f, MC_CAPTION, 0) : NULL;
		CHECK_STR("<img><br/>_Source: [x](y)_: figure caption",
		          text_of(&r, cap), "Source: Photos");
		check(cap && nth(cap, MC_LINK, 0),
		      "figure caption keeps its link", "no link");
		CHECK_INT("<img width>: width", f ? f->as.image.width : -1, 300);
		CHECK_INT("<img style=\"height: 120px\">: height",
		          f ? f->as.image.height : -1, 120);
	}
	done(&r);

	r = parse("[![Linked](img/pic.png)](https://example.org/full)\n");
	if (parsed(&r, "linked image")) {
		mc_node *f = first(&r, MC_FIGURE);
		CHECK_STR("an image wrapped in a link: figure href",
		          f ? f->as.image.href : NULL, "https://example.org/full");
		CHECK_INT("an image wrapped in a link: no link node left",
		          count_doc(&r, MC_LINK), 0);
	}
	done(&r);

	r = parse("![Gone](img/missing.png)\n\n![Out](../../../../../../etc/"
	          "hostname)\n");
	if (parsed(&r, "missing image")) {
		mc_node *f = first(&r, MC_FIGURE);
		mc_node *g = nth(r.doc->root, MC_FIGURE, 1);
		check(f && !f->as.image.path && g && !g->as.image.path,
		      "missing or outside-root images have no path", "%s %s",
		      f ? nz(f->as.image.path) : "-",
		      g ? nz(g->as.image.path) : "-");
		CHECK_INT("missing and outside-root images warn",
		          r.diag.nwarnings, 2);
	}
	done(&r);
}

/* ---- heading ids -------------------------------------------------------- */

static void test_ids(void)
{
	res r = parse("## Soil Types\n\n## Soil Types\n\n## Soil Types\n\n"
	              "## Worksheet #1: Your Goals\n\n## 2024 Plans\n\n## 123\n");
	if (parsed(&r, "heading ids")) {
		CHECK_STR("heading id: kramdown slug",
		          nth(r.doc->root, MC_HEADING, 0)->id, "soil-types");
		CHECK_STR("heading id: second duplicate gets -1",
		          nth(r.doc->root, MC_HEADING, 1)->id, "soil-types-1");
		CHECK_STR("heading id: third duplicate gets -2",
		          nth(r.doc->root, MC_HEADING, 2)->id, "soil-types-2");
		CHECK_STR("heading id: punctuation dropped",
		          nth(r.doc->root, MC_HEADING, 3)->id,
		          "worksheet-1-your-goals");
		CHECK_STR("heading id: leading digits dropped",
		          nth(r.doc->root, MC_HEADING, 4)->id, "plans");
		CHECK_STR("heading id: nothing left gives \"section\"",
		          nth(r.doc->root, MC_HEADING, 5)->id, "section");
	}
	done(&r);

	r = parse("## First {#x}\n\n## X\n\n## Other {#x}\n");
	if (parsed(&r, "explicit ids")) {
		CHECK_STR("explicit id is kept", nth(r.doc->root, MC_HEADING, 0)->id,
		          "x");
		CHECK_STR("auto id does not take an explicit one",
		          nth(r.doc->root, MC_HEADING, 1)->id, "x-1");
		const char *third = nth(r.doc->root, MC_HEADING, 2)->id;
		check(third && strcmp(third, "x") && strcmp(third, "x-1"),
		      "a repeated explicit id is renamed", "got %s", nz(third));
		check(r.diag.nwarnings >= 1, "a repeated explicit id warns",
		      "%d warnings", r.diag.nwarnings);
	}
	done(&r);

	r = parse("## Pests & Diseases\n\n## Step_by_step\n");
	if (parsed(&r, "kramdown slug details")) {
		/* kramdown: tr('^a-zA-Z0-9 -', '') then ' ' -> '-' */
		CHECK_STR("heading id: \"Pests & Diseases\" is pests--diseases "
		          "as in kramdown (known bug, see report)",
		          nth(r.doc->root, MC_HEADING, 0)->id, "pests--diseases");
		CHECK_STR("heading id: underscores dropped as in kramdown "
		          "(known bug, see report)",
		          nth(r.doc->root, MC_HEADING, 1)->id, "stepbystep");
	}
	done(&r);
}

/* ---- unsafe content ----------------------------------------------------- */

static void test_unsafe(void)
{
	res r = parse("Click [here](javascript:alert(1)) please.\n");
	if (parsed(&r, "javascript: link")) {
		CHECK_INT("javascript: link loses its link",
		          count_doc(&r, MC_LINK), 0);
		CHECK_STR("javascript: link keeps its text",
		          text_of(&r, first(&r, MC_PARAGRAPH)),
		          "Click here please.");
		check(r.diag.nwarnings >= 1,
		      "javascript: link is counted as a warning",
		      "%d warnings", r.diag.nwarnings);
	}
	done(&r);

	r = parse("<a href=\"JaVaScRiPt:x()\">one</a>, <a href=\"java&#x09;"
	          "script:y()\">two</a>, [three](data:text/html,hi), "
	          "[four](vbscript:z) and [safe](https://example.org).\n");
	if (parsed(&r, "unsafe link variants")) {
		CHECK_INT("mixed-case, tab-split, data: and vbscript: links "
		          "dropped; https kept",
		          count_doc(&r, MC_LINK), 1);
		CHECK_INT("each dropped link warns", r.diag.nwarnings, 4);
	}
	done(&r);

	r = parse("Click <a href=\"javascript:x()\">this</a> now.\n");
	if (parsed(&r, "unsafe link text merge")) {
		mc_node *p = first(&r, MC_PARAGRAPH);
		CHECK_INT("a dropped link's text merges with the text around it "
		          "(known bug, see report)",
		          p ? count(p, MC_TEXT) : -1, 1);
	}
	done(&r);

	r = parse("Before.\n\n<script>alert(\"gone\");</script>\n\nAfter.\n");
	if (parsed(&r, "script")) {
		const char *t = text_of(&r, r.doc->root);
		check(t && !strstr(t, "alert") && !strstr(t, "gone"),
		      "<script> is dropped with its content", "text \"%s\"",
		      nz(t));
		check(r.diag.nwarnings >= 1, "<script> warns", "%d warnings",
		      r.diag.nwarnings);
	}
	done(&r);

	r = parse("<p onclick=\"steal()\">Handler.</p>\n\nText <!-- hidden --> "
	          "here.\n");
	if (parsed(&r, "on* and comments")) {
		CHECK_STR("on* attribute dropped, content kept",
		          text_of(&r, first(&r, MC_PARAGRAPH)), "Handler.");
		CHECK_INT("on* attribute warns", r.diag.nwarnings, 1);
		CHECK_STR("inline HTML comment dropped without doubling the "
		          "space (known bug, see report)",
		          text_of(&r, nth(r.doc->root, MC_PARAGRAPH, 1)),
		          "Text here.");
	}
	done(&r);
}

/* ---- front matter and Liquid -------------------------------------------- */

static void test_meta(void)
{
	res r = parse("---\ntitle: Planting\ntags: ['a', \"b\"]\npermalink: "
	              "/p/\norder: 3\n---\nBody.\n");
	if (parsed(&r, "front matter")) {
		const mc_meta *m = &r.doc->meta;
		CHECK_STR("front matter: title", m->title, "Planting");
		check(m->ntags == 2 && !strcmp(m->tags[0], "a") &&
		      !strcmp(m->tags[1], "b"),
		      "front matter: tags list", "%zu tags", m->ntags);
		CHECK_STR("front matter: permalink", m->permalink, "/p/");
		check(m->nextra == 1 && !strcmp(m->extra[0].key, "order") &&
		      !strcmp(m->extra[0].value, "3"),
		      "front matter: other keys kept as extra", "%zu extra",
		      m->nextra);
		CHECK_INT("line numbers count the front matter",
		          first(&r, MC_PARAGRAPH)->line, 7);
		CHECK_STR("site title from _config.yml", m->site.title,
		          "Test Site");
		check(m->course.nmodules == 2 &&
		      !strcmp(m->course.modules[1], "two"),
		      "course modules from _data/course.yml", "%zu modules",
		      m->course.nmodules);
	}
	done(&r);

	r = parse("---\nseason: spring\nseason: autumn\n---\nx\n");
	if (parsed(&r, "duplicate front matter key")) {
		const mc_meta *m = &r.doc->meta;
		check(m->nextra == 1 && !strcmp(m->extra[0].value, "autumn"),
		      "a repeated front matter key: the last one wins, once "
		      "(known bug, see report)",
		      "%zu extra entries", m->nextra);
		check(r.diag.nwarnings == 1, "a repeated front matter key warns",
		      "%d warnings", r.diag.nwarnings);
	}
	done(&r);

	r = parse("---\ntags: one, two  three\n---\nx\n");
	if (parsed(&r, "tags string")) {
		const mc_meta *m = &r.doc->meta;
		check(m->ntags == 3 && !strcmp(m->tags[2], "three"),
		      "front matter: tags as a string are split", "%zu tags",
		      m->ntags);
	}
	done(&r);

	r = parse("---\ntitle: Fine\ntags: first: second\n---\nBody.\n");
	check(r.rc == -1 && !r.doc, "malformed YAML fails with no document",
	      "rc %d", r.rc);
	check(strstr(r.diag.first_error, "test.md:3:12: error:") != NULL,
	      "malformed YAML: error at its line and column",
	      "first_error \"%s\"", r.diag.first_error);
	done(&r);

	r = parse("---\ntitle: Open\n\nNo closing fence.\n");
	check(r.rc == -1 && strstr(r.diag.first_error, "test.md:1:1: error:"),
	      "unclosed front matter is an error at 1:1",
	      "rc %d first_error \"%s\"", r.rc, r.diag.first_error);
	done(&r);

	r = parse("---\ntitle: Liquid\n---\n![Pic]({{ site.baseurl }}/img/pic"
	          ".png)\n\nOn {{ site.title }}: {{ page.title }}.\n");
	if (parsed(&r, "Liquid")) {
		mc_node *f = first(&r, MC_FIGURE);
		CHECK_STR("{{ site.baseurl }} with baseurl \"/\": no doubled "
		          "slash",
		          f ? f->as.image.src : NULL, "/img/pic.png");
		check(f && ends_with(f->as.image.path, "/img/pic.png"),
		      "{{ site.baseurl }} image found in the site root",
		      "path %s", f ? nz(f->as.image.path) : "-");
		CHECK_STR("{{ site.title }} and {{ page.title }}",
		          text_of(&r, first(&r, MC_PARAGRAPH)),
		          "On Test Site: Liquid.");
	}
	done(&r);

	mc_front_opts o = {NULL, 0};
	const char *sub = "![Pic]({{ site.baseurl }}/img/pic.png)\n";
	r = parse_in(sub, strlen(sub), site_sub, &o);
	if (parsed(&r, "Liquid baseurl /course")) {
		mc_node *f = first(&r, MC_FIGURE);
		CHECK_STR("{{ site.baseurl }} with baseurl \"/course\"",
		          f ? f->as.image.src : NULL, "/course/img/pic.png");
		check(f && ends_with(f->as.image.path, "/sub/img/pic.png"),
		      "image under baseurl \"/course\" found in the site root "
		      "(known bug, see report)",
		      "path %s", f ? nz(f->as.image.path) : "-");
	}
	done(&r);

	/* a video file of the site: its card's address is absolute, with
	 * the site's url before it; without a url it stays as written */
	const char *vid = "<video controls>\n<source src=\"{{ site.baseurl }}"
	                  "/media/a.webm\">\n</video>\n";
	r = parse_in(vid, strlen(vid), site_sub, &o);
	if (parsed(&r, "site video file")) {
		mc_node *e = first(&r, MC_EMBED);
		CHECK_STR("site video file: kind",
		          e ? mc_embed_kind_name(e->as.embed.kind) : NULL,
		          "video");
		CHECK_STR("site video file: address with the site's url",
		          e ? e->as.embed.watch_url : NULL,
		          "https://example.org/course/media/a.webm");
	}
	done(&r);
	r = parse("<video src=\"/media/b.mp4\"></video>\n");
	if (parsed(&r, "site video file, no url")) {
		mc_node *e = first(&r, MC_EMBED);
		CHECK_STR("site video file without a site url: as written",
		          e ? e->as.embed.watch_url : NULL, "/media/b.mp4");
	}
	done(&r);
}

/* ---- Markdown basics ---------------------------------------------------- */

static void test_markdown(void)
{
	res r = parse("\"Quoted\" and 'single', it's 10--20 --- wait... "
	              "`\"code\" -- ...`\n");
	if (parsed(&r, "smart typography")) {
		mc_node *p = first(&r, MC_PARAGRAPH);
		CHECK_STR("smart quotes, dashes and ellipsis",
		          p && p->first ? p->first->as.text.text : NULL,
		          "\xE2\x80\x9CQuoted\xE2\x80\x9D and \xE2\x80\x98single"
		          "\xE2\x80\x99, it\xE2\x80\x99s 10\xE2\x80\x93"
		          "20 \xE2\x80\x94 wait\xE2\x80\xA6 ");
		CHECK_STR("no smart typography inside code",
		          text_of(&r, first(&r, MC_CODE)), "\"code\" -- ...");
	}
	done(&r);

	r = parse("3. three\n4. four\n\n- a\n\n- b\n");
	if (parsed(&r, "lists")) {
		mc_node *o = nth(r.doc->root, MC_LIST, 0);
		mc_node *u = nth(r.doc->root, MC_LIST, 1);
		check(o && o->as.list.ordered && o->as.list.start == 3 &&
		      o->as.list.tight,
		      "ordered list starting at 3, tight", "start %d",
		      o ? o->as.list.start : -1);
		check(u && !u->as.list.ordered && !u->as.list.tight,
		      "bullet list with blank lines is loose", "tight %d",
		      u ? u->as.list.tight : -1);
	}
	done(&r);

	r = parse("| L | C | R |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n");
	if (parsed(&r, "GFM table")) {
		mc_node *t = first(&r, MC_TABLE);
		check(t && t->as.table.ncols == 3 && t->as.table.aligns &&
		      t->as.table.aligns[0] == MC_ALIGN_LEFT &&
		      t->as.table.aligns[1] == MC_ALIGN_CENTER &&
		      t->as.table.aligns[2] == MC_ALIGN_RIGHT,
		      "GFM table: 3 columns aligned left, center, right",
		      "ncols %d", t ? t->as.table.ncols : -1);
		mc_node *c = nth(r.doc->root, MC_TABLE_CELL, 5);
		CHECK_STR("GFM table: body cell alignment",
		          c ? mc_align_name(c->as.cell.align) : NULL, "right");
	}
	done(&r);

	r = parse("<table><tr><th>A</th><th colspan=\"2\">B</th></tr><tr><td "
	          "rowspan=\"2\">x</td><td>y</td><td>z</td></tr><tr><td>u</td>"
	          "<td>v</td></tr></table>\n");
	if (parsed(&r, "HTML table")) {
		mc_node *t = first(&r, MC_TABLE);
		CHECK_INT("HTML table: grid width counts spans",
		          t ? t->as.table.ncols : -1, 3);
		mc_node *b = nth(r.doc->root, MC_TABLE_CELL, 1);
		check(b && b->as.cell.colspan == 2 && b->as.cell.header,
		      "HTML table: <th colspan=2>", "colspan %d header %d",
		      b ? b->as.cell.colspan : -1, b ? b->as.cell.header : -1);
		mc_node *x = nth(r.doc->root, MC_TABLE_CELL, 2);
		CHECK_INT("HTML table: rowspan", x ? x->as.cell.rowspan : -1, 2);
	}
	done(&r);

	r = parse("Tomatoes need support[^stake].\n\n[^stake]: A cage.\n");
	if (parsed(&r, "footnotes")) {
		mc_node *ref = first(&r, MC_FOOTNOTE_REF);
		mc_node *def = first(&r, MC_FOOTNOTE_DEF);
		CHECK_STR("footnote definition sits at the end of the document",
		          type_of(r.doc->root->last), "footnote_def");
		CHECK_STR("footnote reference label as written "
		          "(known bug, see report)",
		          ref ? ref->as.footnote.label : NULL, "stake");
		CHECK_STR("footnote definition label as written "
		          "(known bug, see report)",
		          def ? def->as.footnote.label : NULL, "stake");
		CHECK_INT("footnote reference numbered 1 (known bug, see report)",
		          ref ? ref->as.footnote.number : -1, 1);
	}
	done(&r);

	r = parse("Line one  \nline two\\\nline three\nline four\n");
	if (parsed(&r, "break lines")) {
		mc_node *t = nth(r.doc->root, MC_TEXT, 2);
		CHECK_INT("text after a backslash hard break has its own line "
		          "(known bug, see report)",
		          t ? t->line : 0, 3);
		mc_node *sb = first(&r, MC_SOFTBREAK);
		CHECK_INT("a soft break has the line it ends "
		          "(known bug, see report)",
		          sb ? sb->line : 0, 3);
	}
	done(&r);
}

/* ---- robustness --------------------------------------------------------- */

static bool any_text_has(mc_node *root, const char *needle)
{
	mc_iter it;
	mc_iter_init(&it, root);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE)
		if (ev == MC_EVENT_ENTER && it.cur->type == MC_TEXT &&
		    strstr(it.cur->as.text.text, needle))
			return true;
	return false;
}

static void test_robust(void)
{
	mc_front_opts o = {NULL, 0};
	static const char crlf[] = "---\r\ntitle: CRLF\r\n---\r\nOne\r\ntwo\r\n";
	res r = parse_in(crlf, sizeof crlf - 1, site, &o);
	if (parsed(&r, "CRLF")) {
		check(!any_text_has(r.doc->root, "\r") &&
		      !strcmp(r.doc->meta.title, "CRLF") &&
		      count_doc(&r, MC_SOFTBREAK) == 1,
		      "CRLF line ends read as line ends", "title \"%s\"",
		      r.doc->meta.title);
	}
	done(&r);

	static const char bom[] = "\xEF\xBB\xBF---\ntitle: BOM\n---\nText.\n";
	r = parse_in(bom, sizeof bom - 1, site, &o);
	if (parsed(&r, "BOM")) {
		CHECK_STR("a UTF-8 BOM before the front matter is skipped",
		          r.doc->meta.title, "BOM");
	}
	done(&r);

	static const char bad[] = "Bad \xFF byte.\n";
	r = parse_in(bad, sizeof bad - 1, site, &o);
	if (parsed(&r, "invalid UTF-8")) {
		CHECK_STR("invalid UTF-8 becomes U+FFFD",
		          text_of(&r, first(&r, MC_PARAGRAPH)),
		          "Bad \xEF\xBF\xBD byte.");
		CHECK_INT("invalid UTF-8 warns once", r.diag.nwarnings, 1);
	}
	done(&r);

	static const char nul[] = "Be\0fore.\n";
	r = parse_in(nul, sizeof nul - 1, site, &o);
	if (parsed(&r, "NUL")) {
		CHECK_STR("a NUL byte becomes U+FFFD",
		          text_of(&r, first(&r, MC_PARAGRAPH)),
		          "Be\xEF\xBF\xBD" "fore.");
	}
	done(&r);

	static const char sent[] = "Fake \xF4\x8F\xBF\xB1" "0\xF4\x8F\xBF\xB2 "
	                           "sentinel.\n";
	r = parse_in(sent, sizeof sent - 1, site, &o);
	if (parsed(&r, "sentinel code points in input")) {
		CHECK_STR("sentinel code points in the input are replaced",
		          text_of(&r, first(&r, MC_PARAGRAPH)),
		          "Fake \xEF\xBF\xBD" "0\xEF\xBF\xBD sentinel.");
	}
	done(&r);

	r = parse_in("", 0, site, &o);
	if (parsed(&r, "empty input")) {
		check(!r.doc->root->first && !strcmp(r.doc->meta.title, ""),
		      "empty input gives an empty document", "first %s",
		      type_of(r.doc->root->first));
	}
	done(&r);

	/* 50 levels of nested bullets */
	{
		size_t cap = 50 * 120;
		char *md = malloc(cap), *p = md;
		for (int i = 0; i < 50; i++)
			p += sprintf(p, "%*s- level %d\n", 2 * i, "", i + 1);
		r = parse_in(md, strlen(md), site, &o);
		if (parsed(&r, "deep list")) {
			CHECK_INT("50 nested lists are all kept",
			          count_doc(&r, MC_LIST), 50);
			mc_node *last = nth(r.doc->root, MC_ITEM, 49);
			CHECK_INT("innermost item has its own line",
			          last ? last->line : 0, 50);
		}
		done(&r);
		free(md);
	}

	/* a document big enough to be parsed in pieces, with a long
	 * multi-line comment holding blank lines */
	{
		size_t cap = 12000 * 64 + 100, len = 0;
		char *md = malloc(cap);
		len += (size_t)sprintf(md + len, "Intro.\n\n<!--\n");
		for (int i = 0; i < 12000; i++)
			len += (size_t)sprintf(
				md + len, "hidden line %d of a long comment\n\n", i);
		len += (size_t)sprintf(md + len, "-->\n\nAfter.\n");
		r = parse_in(md, len, site, &o);
		if (parsed(&r, "big document with a comment")) {
			CHECK_INT("a >256 KiB document: a comment is not split "
			          "into paragraphs (known bug, see report)",
			          count_doc(&r, MC_PARAGRAPH), 2);
		}
		done(&r);
		free(md);
	}

	/* absurd nesting: flattened, not a crash */
	{
		size_t n = 5000;
		char *md = malloc(2 * n + 16);
		for (size_t i = 0; i < n; i++)
			md[2 * i] = '>', md[2 * i + 1] = ' ';
		strcpy(md + 2 * n, "deep\n");
		r = parse_in(md, strlen(md), site, &o);
		if (parsed(&r, "5000 nested quotes")) {
			CHECK_STR("5000 nested blockquotes keep their text",
			          text_of(&r, r.doc->root), "deep");
			check(r.diag.nwarnings >= 1,
			      "5000 nested blockquotes warn about flattening",
			      "%d warnings", r.diag.nwarnings);
		}
		done(&r);
		free(md);
	}
}

/* ---- threads ------------------------------------------------------------ */

static const char thread_md[] =
	"---\ntitle: Threads\n---\n<div class=\"callout activity\" "
	"markdown=\"1\">\n## Worksheet\n* Why...\n</div>\n\n> Quote.<br/><br/>"
	"-- Someone\n\n<iframe src=\"https://www.youtube.com/embed/T1?start=5\">"
	"</iframe>\n";

typedef struct job {
	const char *want;
	int bad;
} job;

static void *worker(void *arg)
{
	job *j = arg;
	for (int i = 0; i < 20; i++) {
		mc_diag d;
		mc_diag_init(&d, NULL, "t.md");
		mc_doc *doc = NULL;
		mc_front_opts o = {NULL, 0};
		if (mc_front_parse_buffer(thread_md, sizeof thread_md - 1, "t.md",
		                          site, &o, &d, &doc) != 0) {
			j->bad++;
			continue;
		}
		if (strcmp(mc_node_plain_text(doc, doc->root), j->want) != 0)
			j->bad++;
		mc_doc_free(doc);
	}
	return NULL;
}

static void test_threads(void)
{
	res r = parse(thread_md);
	if (!parsed(&r, "threads reference"))
		return;
	const char *want = text_of(&r, r.doc->root);
	job jobs[4];
	pthread_t th[4];
	int started = 0;
	for (int i = 0; i < 4; i++) {
		jobs[i].want = want;
		jobs[i].bad = 0;
		if (pthread_create(&th[i], NULL, worker, &jobs[i]) == 0)
			started++;
		else
			break;
	}
	int bad = 0;
	for (int i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		bad += jobs[i].bad;
	}
	check(started == 4 && bad == 0,
	      "4 threads parsing at once give the same document",
	      "%d threads, %d bad results", started, bad);
	done(&r);
}

/* ---- form controls, link text HTML, what is left out -------------------- */

/* diag sink: the messages, one per line, into a buffer */
static void keep_msg(void *ctx, bool error, const char *msg)
{
	(void)error;
	mc_buf_puts(ctx, msg);
	mc_buf_putc(ctx, '\n');
}

static res parse_msgs(const char *md, mc_buf *msgs)
{
	res r;
	mc_front_opts o = {NULL, 0};
	mc_diag_init(&r.diag, NULL, "test.md");
	r.diag.sink = keep_msg;
	r.diag.sink_ctx = msgs;
	r.rc = mc_front_parse_buffer(md, strlen(md), "test.md", site, &o,
	                             &r.diag, &r.doc);
	if (r.rc == 0 && r.doc)
		invariants(md, r.doc);
	return r;
}

static void test_forms(void)
{
	res r = parse("<form>\n<p>Pick a role.</p>\n<label>Name</label> "
	              "<input placeholder=\"Your name\">\n"
	              "<select><option>A</option><option selected>B</option>"
	              "</select>\n<input type=checkbox checked> Yes\n"
	              "<input type=hidden value=secret>\n"
	              "<button>Send</button>\n</form>\n");
	if (parsed(&r, "form")) {
		CHECK_INT("form: every visible control kept",
		          count_doc(&r, MC_CONTROL), 4);
		mc_node *f = first(&r, MC_CONTROL);
		check(f && f->as.control.kind == MC_CONTROL_FIELD &&
		              f->as.control.placeholder &&
		              !strcmp(f->as.control.text, "Your name"),
		      "form: an empty field shows its placeholder, flagged",
		      "%s", f ? f->as.control.text : "(none)");
		mc_node *sel = nth(r.doc->root, MC_CONTROL, 1);
		check(sel && sel->as.control.kind == MC_CONTROL_SELECT &&
		              !strcmp(sel->as.control.text, "B"),
		      "form: a drop-down shows its selected option", "%s",
		      sel ? sel->as.control.text : "(none)");
		mc_node *cb = nth(r.doc->root, MC_CONTROL, 2);
		check(cb && cb->as.control.kind == MC_CONTROL_CHECKBOX &&
		              cb->as.control.checked,
		      "form: a ticked checkbox", "%s", type_of(cb));
		const char *t = text_of(&r, r.doc->root);
		check(t && strstr(t, "Pick a role.") && strstr(t, "Name") &&
		              strstr(t, "Send") && !strstr(t, "secret"),
		      "form: prompt, label and button text kept; a hidden "
		      "input shows nothing",
		      "text \"%s\"", nz(t));
		CHECK_INT("form: no warning", r.diag.nwarnings, 0);
	}
	done(&r);

	r = parse("Claim.[<sup>\\[1]</sup>](https://example.org \"Src\")\n");
	if (parsed(&r, "sup link")) {
		mc_node *l = first(&r, MC_LINK);
		check(l && l->first && l->first->type == MC_SUP &&
		              l->as.link.title &&
		              !strcmp(l->as.link.title, "Src"),
		      "[<sup>\\[1]</sup>](url \"title\") is a link holding a "
		      "superscript", "%s", type_of(l));
		CHECK_STR("the link's text is [1]", text_of(&r, l), "[1]");
	}
	done(&r);

	mc_buf msgs = MC_BUF_INIT;
	r = parse_msgs("<style>a{}</style>\n\nText one two three.\n\n"
	               "<style>b{}</style>\n<meta name=x content=y>\n\n"
	               "<style>c{}</style>\n", &msgs);
	if (parsed(&r, "dropped kinds")) {
		CHECK_INT("three <style> and a <meta>: one warning per kind",
		          r.diag.nwarnings, 2);
		check(msgs.data && strstr(msgs.data, "test.md:1:1: warning: "
		                                     "left out 3 <style> "
		                                     "elements"),
		      "the <style> warning counts them and points at the first",
		      "%s", msgs.data ? msgs.data : "");
	}
	done(&r);
	mc_buf_free(&msgs);

	memset(&msgs, 0, sizeof msgs);
	r = parse_msgs("Intro.\n\n<svg><text>one two three four five six "
	               "seven eight nine ten eleven twelve thirteen fourteen "
	               "fifteen sixteen seventeen eighteen nineteen twenty "
	               "a b c d e f g h i j k l m n o p q r s t u v w x y "
	               "z</text></svg>\n", &msgs);
	if (parsed(&r, "lost words")) {
		check(msgs.data && strstr(msgs.data, "left out 1 <svg> element "
		                                     "and the 46 words"),
		      "a dropped <svg> warns with the words of its text", "%s",
		      msgs.data ? msgs.data : "");
		check(msgs.data && strstr(msgs.data, "keeps only 1 of the 47 "
		                                     "words"),
		      "a page that keeps under a fifth of its words says so",
		      "%s", msgs.data ? msgs.data : "");
	}
	done(&r);
	mc_buf_free(&msgs);
}

/* A line per node: type, line and the strings it holds. */
static void signature(const mc_doc *doc, mc_buf *out)
{
	mc_iter it;
	mc_iter_init(&it, doc->root);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		if (ev != MC_EVENT_ENTER)
			continue;
		const mc_node *n = it.cur;
		const char *s = n->type == MC_TEXT || n->type == MC_CODE
		                ? n->as.text.text
		                : n->type == MC_CODE_BLOCK ? n->as.code.text
		                : n->type == MC_LINK ? n->as.link.url : "";
		mc_buf_printf(out, "%s %u %s\n", mc_node_type_name(n->type),
		              (unsigned)n->line, s);
	}
}

/* The source buffers are sized exactly, the file's bytes kept as the
 * source when decoding changes nothing, and the body freed before cmark
 * runs: a file parses as the same bytes in memory do, whatever it needs
 * decoded. */
static void test_sources(void)
{
	static const struct {
		const char *what, *md;
		size_t len;
	} in[] = {
		{"clean UTF-8 with Liquid and a raw HTML block",
		 "---\ntitle: T\n---\nPlain *text*, `code` and [a](u).\n\n"
		 "<div>\nraw\n\nblock\n</div>\n\nAfter {{ page.title }}.\n",
		 0},
		{"clean, no Liquid", "# Head\n\nJust text.\n\n<p>html\n\nmore"
		                     "</p>\n", 0},
		{"a BOM and CRLF line ends",
		 "\xEF\xBB\xBF---\r\ntitle: T\r\n---\r\nLine one\r\nline two"
		 "\r\n\r\n<div>\r\nx\r\n\r\ny\r\n</div>\r\n", 0},
		{"invalid UTF-8 and a NUL", "Bad \xFF byte, a \0 NUL.\n", 22},
		{"a sentinel in the input", "x \xF4\x8F\xBF\xB0 y\n", 0},
		{"an empty file", "", 0},
	};
	for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
		size_t len = in[i].len ? in[i].len : strlen(in[i].md);
		mc_front_opts o = {NULL, 0};
		res a = parse_in(in[i].md, len, site, &o);
		write_file(site, "sources-test.md", in[i].md, len);
		char path[600];
		snprintf(path, sizeof path, "%s/sources-test.md", site);
		res b;
		mc_diag_init(&b.diag, NULL, "test.md");
		b.rc = mc_front_parse_file(path, &o, &b.diag, &b.doc);
		mc_buf sa = MC_BUF_INIT, sb = MC_BUF_INIT;
		if (a.rc == 0 && a.doc)
			signature(a.doc, &sa);
		if (b.rc == 0 && b.doc)
			signature(b.doc, &sb);
		char what[200];
		snprintf(what, sizeof what, "%s: the file parses as the buffer",
		         in[i].what);
		check(a.rc == 0 && b.rc == 0 && sa.len &&
		      strcmp(sa.data, sb.data) == 0 &&
		      a.diag.nwarnings == b.diag.nwarnings,
		      what, "rc %d/%d, warnings %d/%d:\n%s---\n%s", a.rc, b.rc,
		      a.diag.nwarnings, b.diag.nwarnings,
		      sa.data ? sa.data : "", sb.data ? sb.data : "");
		if (i == 0)
			check(sa.data && strstr(sa.data, "text 7 raw block") &&
			      strstr(sa.data, "text 12 After T."),
			      "a raw HTML block and Liquid output, the body freed",
			      "%s", sa.data ? sa.data : "");
		if (i == 2)
			check(sa.data && strstr(sa.data, "text 4 Line one"),
			      "CRLF decoded before the front matter is split",
			      "%s", sa.data ? sa.data : "");
		mc_buf_free(&sa);
		mc_buf_free(&sb);
		done(&a);
		done(&b);
		char rm[600];
		snprintf(rm, sizeof rm, "%s/sources-test.md", site);
		unlink(rm);
	}
}

int main(void)
{
	make_sites();
	test_sources();
	test_ials();
	test_containers();
	test_embeds();
	test_attributions();
	test_worksheets();
	test_figures();
	test_ids();
	test_unsafe();
	test_meta();
	test_markdown();
	test_robust();
	test_forms();
	test_threads();

	check(bad_validate == 0,
	      "every parsed document passes mc_doc_validate()",
	      "%d of %d documents fail; first: %s", bad_validate, ndocs,
	      bad_validate_msg);
	check(bad_line == 0, "every node has a source line > 0",
	      "%d of %d nodes; first: %s", bad_line, nnodes, bad_line_msg);
	check(bad_sentinel == 0, "no IAL sentinel is left in any text",
	      "%d; first: %s", bad_sentinel, bad_sentinel_msg);
	remove_sites();
	fprintf(stderr, "unit_front: %d passed, %d failed (%d documents, %d "
	                "nodes)\n",
	        npass, nfail, ndocs, nnodes);
	return nfail ? 1 : 0;
}
