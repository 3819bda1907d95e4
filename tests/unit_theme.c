/*
 * unit_theme.c - tests of the theme loader (src/theme/).
 *
 * Prints `PASS: ...` or `FAIL: ...` per check and exits 1 if any failed.
 * Runs from the source root (found from the working directory or from the
 * binary's place, build/<kind>/tests/unit_theme).
 */
#include "model/model.h"
#include "theme/theme.h"
#include "util/diag.h"

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern const char mc_default_theme_yaml[];
extern const unsigned long mc_default_theme_yaml_len;

static int npass, nfail;

static bool check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool check(bool ok, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* one line per check: captured messages end in newlines */
	for (char *p = line; *p; p++)
		if (*p == '\n')
			*p = p[1] && p[1] != ')' ? ' ' : '\a';
	size_t w = 0;
	for (size_t r = 0; line[r]; r++)
		if (line[r] != '\a')
			line[w++] = line[r];
	line[w] = '\0';
	printf("%s: %s\n", ok ? "PASS" : "FAIL", line);
	if (ok)
		npass++;
	else
		nfail++;
	return ok;
}

static bool near(double a, double b)
{
	return fabs(a - b) < 0.005;
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* ---- loading with captured messages ---- */

typedef struct result {
	int rc;
	mc_theme *t;
	char *msg; /* everything diag printed */
	int nerrors;
} result;

static result load_base(const char *base, size_t len, const char *arg)
{
	result r = {0};
	size_t n = 0;
	FILE *m = open_memstream(&r.msg, &n);
	if (!m) {
		perror("open_memstream");
		exit(2);
	}
	mc_diag d;
	mc_diag_init(&d, m, "input.md");
	r.t = (mc_theme *)&r; /* must be reset to NULL on failure */
	if (base)
		r.rc = mc_theme_load_with_base(base, len, "base.yaml", arg,
		                               &r.t, &d);
	else
		r.rc = mc_theme_load(arg, &r.t, &d);
	r.nerrors = d.nerrors;
	fclose(m);
	return r;
}

static result load(const char *arg)
{
	return load_base(NULL, 0, arg);
}

static void done(result *r)
{
	if (r->rc == 0)
		mc_theme_free(r->t);
	free(r->msg);
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Write text to a new temporary .yaml file; returns its malloc'd path. */
static char *temp_theme(const char *text, size_t len)
{
	char tmpl[] = "/tmp/mc_unit_theme_XXXXXX.yaml";
	int fd = mkstemps(tmpl, 5);
	if (fd < 0) {
		perror("mkstemps");
		exit(2);
	}
	FILE *f = fdopen(fd, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		perror(tmpl);
		exit(2);
	}
	return strdup(tmpl);
}

/* Load a theme given as text; the temporary file is removed. */
static result load_text(const char *text)
{
	char *path = temp_theme(text, strlen(text));
	result r = load(path);
	unlink(path);
	free(path);
	return r;
}

/* ---- the default theme ---- */

static void test_default(void)
{
	result r = load(NULL);
	if (!check(r.rc == 0 && r.t && r.nerrors == 0 && !*r.msg,
	           "default theme loads without messages (%s)", r.msg)) {
		done(&r);
		return;
	}
	const mc_theme *t = r.t;

	check(streq(t->page.size, "letter") && !t->page.landscape,
	      "default page.size is letter, portrait");
	check(near(t->page.width, 612) && near(t->page.height, 792),
	      "letter is 612x792pt (got %gx%g)", t->page.width,
	      t->page.height);
	check(near(t->page.margins.top, 72) && near(t->page.margins.right, 72) &&
	              near(t->page.margins.bottom, 72) &&
	              near(t->page.margins.left, 72),
	      "default margins are 1in = 72pt");
	check(near(mc_theme_text_width(t), 468) &&
	              near(mc_theme_text_height(t), 648),
	      "text area 468x648pt (got %gx%g)", mc_theme_text_width(t),
	      mc_theme_text_height(t));

	check(streq(t->fonts.body, "DejaVu Serif") &&
	              streq(t->fonts.heading, "DejaVu Sans") &&
	              streq(t->fonts.mono, "DejaVu Sans Mono"),
	      "fonts body/heading/mono are the DejaVu families");
	check(t->fonts.nfallback == 14 && t->fonts.fallback &&
	              streq(t->fonts.fallback[0], "Noto Sans") &&
	              streq(t->fonts.fallback[1], "Noto Sans Arabic") &&
	              streq(t->fonts.fallback[7], "Noto Sans CJK SC") &&
	              streq(t->fonts.fallback[11], "Symbola") &&
	              streq(t->fonts.fallback[13], "Noto Sans Symbols2"),
	      "fonts.fallback has the 14 families in order (got %zu)",
	      t->fonts.nfallback);

	static const double h[6] = {22, 17, 14, 12, 11, 10};
	bool hok = true;
	for (int i = 0; i < 6; i++)
		hok = hok && near(t->sizes.heading[i], h[i]) &&
		      near(mc_theme_heading_size(t, i + 1), h[i]);
	check(hok, "sizes.h1..h6 are 22 17 14 12 11 10");
	check(near(t->sizes.body, 11) && near(t->sizes.small, 9) &&
	              near(t->sizes.code, 9.5) && near(t->sizes.title, 26),
	      "sizes body 11, small 9, code 9.5, title 26");
	check(near(mc_theme_heading_size(t, 0), 22) &&
	              near(mc_theme_heading_size(t, 9), 10),
	      "mc_theme_heading_size clamps the level to 1..6");
	check(near(t->line_height, 1.4), "line_height 1.4 (got %g)",
	      t->line_height);

	check(t->colors.text == 0x1a1a1a && t->colors.muted == 0x5f6368 &&
	              t->colors.link == 0x1a5fb4 && t->colors.rule == 0xc0c4c8 &&
	              t->colors.code_background == 0xf4f5f7 &&
	              t->colors.table_border == 0xb8bec6 &&
	              t->colors.table_header_background == 0xe9edf2 &&
	              t->colors.quote_rule == 0x9aa5b1,
	      "all eight colors have the YAML's values");

	static const struct {
		mc_callout_kind kind;
		int variant;
		const char *label;
		uint32_t bg, rule;
	} co[] = {
		{MC_CALLOUT_ACTIVITY, 0, "Activity", 0xfff4e0, 0x9f6200},
		{MC_CALLOUT_VIDEOS, 0, "Watch", 0xfdecea, 0xc62828},
		{MC_CALLOUT_CASE_STUDY, 0, "Case study", 0xe8f1fb, 0x1f6fb2},
		{MC_CALLOUT_OBJECTIVES, 0, "Objectives", 0xe8f5e9, 0x2e7d32},
		{MC_CALLOUT_INFO, 0, "Note", 0xeef1f5, 0x5f6b7a},
		{MC_CALLOUT_HIGHLIGHT, 1, "", 0xfff9c4, 0x9f6404},
		{MC_CALLOUT_HIGHLIGHT, 2, "", 0xe3f2fd, 0x166ebc},
		{MC_CALLOUT_HIGHLIGHT, 3, "", 0xf3e5f5, 0x8e24aa},
	};
	for (size_t i = 0; i < sizeof co / sizeof co[0]; i++) {
		const mc_callout_style *s =
			mc_theme_callout(t, co[i].kind, co[i].variant);
		check(s && streq(s->label, co[i].label) &&
		              s->background == co[i].bg && s->rule == co[i].rule,
		      "callout %s%.0d: label \"%s\", #%06x on #%06x",
		      mc_callout_kind_name(co[i].kind), co[i].variant,
		      co[i].label, co[i].rule, co[i].bg);
	}
	check(mc_theme_callout(t, MC_CALLOUT_HIGHLIGHT, 0) == &t->highlights[0] &&
	              mc_theme_callout(t, MC_CALLOUT_HIGHLIGHT, 4) ==
	                      &t->highlights[0] &&
	              mc_theme_callout(t, MC_CALLOUT_HIGHLIGHT, 3) ==
	                      &t->highlights[2],
	      "highlight variant out of 1..3 means 1");
	check(mc_theme_callout(t, MC_CALLOUT_VIDEOS, 2) ==
	              &t->callouts[MC_CALLOUT_VIDEOS],
	      "variant is ignored for other kinds");

	check(t->answer.lines == 3 && near(t->answer.line_spacing, 8 * 72 / 25.4) &&
	              t->answer.rule == 0x9e9e9e &&
	              streq(t->answer.placeholder, "Type your answer here"),
	      "answer: 3 lines, 8mm apart, #9e9e9e, placeholder");
	check(near(t->embed.qr_size, 2.2 * 72 / 2.54),
	      "embed.qr_size 2.2cm = 62.36pt (got %g)", t->embed.qr_size);
	check(streq(mc_theme_embed_label(t, MC_EMBED_VIDEO), "Video") &&
	              streq(mc_theme_embed_label(t, MC_EMBED_INTERACTIVE),
	                    "Interactive") &&
	              streq(mc_theme_embed_label(t, MC_EMBED_COLLECTION),
	                    "Collection") &&
	              streq(mc_theme_embed_label(t, MC_EMBED_KIND__MAX), ""),
	      "embed labels Video/Interactive/Collection");
	check(streq(t->header, "{title}") &&
	              streq(t->footer, "Page {page} of {pages}"),
	      "header \"{title}\", footer \"Page {page} of {pages}\"");
	done(&r);
}

/* The values come from the YAML, not from C: change the base text and the
 * theme follows. */
static char *replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	if (!at)
		return NULL;
	size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);
	if (!out)
		exit(2);
	snprintf(out, n, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	return out;
}

static void test_base(void)
{
	char *b = replace(mc_default_theme_yaml, "body: DejaVu Serif",
	                  "body: Test Serif");
	check(b != NULL, "default.yaml has \"body: DejaVu Serif\"");
	if (b) {
		result r = load_base(b, strlen(b), NULL);
		check(r.rc == 0 && streq(r.t->fonts.body, "Test Serif"),
		      "fonts.body comes from the base YAML");
		done(&r);
		free(b);
	}

	b = replace(mc_default_theme_yaml, "  quote_rule:", "  # quote_rule:");
	if (b) {
		result r = load_base(b, strlen(b), NULL);
		check(r.rc == -1 && r.t == NULL &&
		              streq(r.msg, "base.yaml: error: missing key "
		                           "colors.quote_rule (the default theme "
		                           "must set every key)\n"),
		      "a base missing colors.quote_rule is an error (%s)",
		      r.msg);
		done(&r);
		free(b);
	}

	b = replace(mc_default_theme_yaml, "    label: Watch\n", "");
	if (b) {
		result r = load_base(b, strlen(b), NULL);
		check(r.rc == -1 &&
		              strstr(r.msg, "missing key callouts.videos.label"),
		      "a base missing callouts.videos.label is an error");
		done(&r);
		free(b);
	}

	const char *bad = "line_height: 1.4\nsizes:\n  body: 11px\n";
	result r = load_base(bad, strlen(bad), NULL);
	check(r.rc == -1 && strncmp(r.msg, "base.yaml:3:9: error: ", 22) == 0 &&
	              count_lines(r.msg) == 1,
	      "a bad base value is reported at base.yaml:3:9 (%s)", r.msg);
	done(&r);

	/* an empty base sets nothing: every key is reported missing */
	r = load_base("", 0, NULL);
	check(r.rc == -1 && r.nerrors == 20 &&
	              strstr(r.msg, "missing key page.size") &&
	              strstr(r.msg, "too many errors"),
	      "an empty base reports missing keys, stopping at 20 (%d errors)", r.nerrors);
	done(&r);

	/* the embedded text is styles/default.yaml */
	FILE *f = fopen("styles/default.yaml", "rb");
	bool same = false;
	if (f) {
		char *buf = malloc(mc_default_theme_yaml_len + 2);
		size_t n = buf ? fread(buf, 1, mc_default_theme_yaml_len + 1, f)
		               : 0;
		same = n == mc_default_theme_yaml_len &&
		       memcmp(buf, mc_default_theme_yaml, n) == 0;
		free(buf);
		fclose(f);
	}
	check(same, "embedded default is styles/default.yaml");

	r = load("styles/default.yaml");
	check(r.rc == 0 && streq(r.t->page.size, "letter"),
	      "styles/default.yaml loads as a user theme too");
	done(&r);
}

/* ---- overlays and units ---- */

/* styles/print.yaml, "none" colours, --paper */
static void test_print(void)
{
	result r = load("styles/print.yaml");
	if (!check(r.rc == 0 && !*r.msg, "styles/print.yaml loads (%s)",
	           r.msg)) {
		done(&r);
		return;
	}
	mc_theme *t = r.t;
	bool white = true;
	for (int k = 0; k < MC_CALLOUT_HIGHLIGHT; k++)
		white &= t->callouts[k].background == 0xffffff;
	for (int k = 0; k < MC_THEME_HIGHLIGHTS; k++)
		white &= t->highlights[k].background == 0xffffff;
	check(white && t->colors.code_background == 0xffffff,
	      "print: no box is filled");
	check(t->fields.background == MC_COLOR_NONE &&
	              t->fields.border == 0xc8c8c8,
	      "print: fields.background none, a light border");
	check(mc_theme_set_paper(t, "a4") == 0 && streq(t->page.size, "a4") &&
	              near(t->page.width, 595.28) &&
	              near(t->page.height, 841.89),
	      "--paper a4 over the theme");
	check(mc_theme_set_paper(t, "tabloid") == -1 &&
	              streq(t->page.size, "a4"),
	      "an unknown paper is refused, the page kept");
	done(&r);
	r = load_text("fields:\n  border: none\n  background: \"#ffffff\"\n");
	check(r.rc == 0 && r.t && r.t->fields.border == MC_COLOR_NONE &&
	              r.t->fields.background == 0xffffff,
	      "fields.border: none, fields.background a colour");
	done(&r);
	r = load_text("fields:\n  background: nothing\n");
	check(r.rc != 0 && strstr(r.msg, "fields.background: bad colour") &&
	              strstr(r.msg, "or \"none\""),
	      "fields.background: a bad colour is an error (%s)", r.msg);
	done(&r);
	r = load_text("page:\n  orientation: landscape\n");
	check(r.rc == 0 && r.t && mc_theme_set_paper(r.t, "a4") == 0 &&
	              near(r.t->page.width, 841.89),
	      "--paper keeps a landscape theme landscape");
	done(&r);
}

static void test_a4(void)
{
	result r = load("styles/a4.yaml");
	if (!check(r.rc == 0 && !*r.msg, "styles/a4.yaml loads (%s)", r.msg)) {
		done(&r);
		return;
	}
	const mc_theme *t = r.t;
	check(streq(t->page.size, "a4") && near(t->page.width, 595.28) &&
	              near(t->page.height, 841.89),
	      "a4 is 210x297mm = 595.28x841.89pt (got %gx%g)",
	      t->page.width, t->page.height);
	check(near(t->page.margins.top, 25 * 72 / 25.4) &&
	              near(t->page.margins.bottom, 25 * 72 / 25.4) &&
	              near(t->page.margins.left, 20 * 72 / 25.4) &&
	              near(t->page.margins.right, 20 * 72 / 25.4),
	      "a4 margins 25mm/20mm");
	check(streq(t->fonts.body, "DejaVu Serif") &&
	              t->colors.link == 0x1a5fb4 && t->answer.lines == 3 &&
	              streq(t->footer, "Page {page} of {pages}") &&
	              t->fonts.nfallback == 14,
	      "a4 keeps every other default");
	done(&r);
}

static void test_units(void)
{
	result r = load_text("page:\n"
	                     "  margins:\n"
	                     "    top: 25.4mm\n"
	                     "    right: 2.54cm\n"
	                     "    bottom: 1in\n"
	                     "    left: 72pt\n"
	                     "answer:\n"
	                     "  line_spacing: 0.5in\n"
	                     "embed:\n"
	                     "  qr_size: 30 mm\n"
	                     "sizes:\n"
	                     "  body: 12pt\n"
	                     "  small: 8\n"
	                     "  code: .5in\n");
	if (!check(r.rc == 0, "theme with mm/cm/in/pt loads (%s)", r.msg)) {
		done(&r);
		return;
	}
	const mc_theme *t = r.t;
	check(near(t->page.margins.top, 72), "25.4mm = 72pt (got %g)",
	      t->page.margins.top);
	check(near(t->page.margins.right, 72), "2.54cm = 72pt (got %g)",
	      t->page.margins.right);
	check(near(t->page.margins.bottom, 72), "1in = 72pt (got %g)",
	      t->page.margins.bottom);
	check(near(t->page.margins.left, 72), "72pt = 72pt (got %g)",
	      t->page.margins.left);
	check(near(t->answer.line_spacing, 36), "0.5in = 36pt (got %g)",
	      t->answer.line_spacing);
	check(near(t->embed.qr_size, 30 * 72 / 25.4),
	      "\"30 mm\" = 85.04pt (got %g)", t->embed.qr_size);
	check(near(t->sizes.body, 12) && near(t->sizes.small, 8) &&
	              near(t->sizes.code, 36),
	      "font sizes: 12pt, bare 8, .5in (got %g %g %g)", t->sizes.body,
	      t->sizes.small, t->sizes.code);
	done(&r);

	r = load_text("page:\n  margins: 2cm\n");
	check(r.rc == 0 && near(r.t->page.margins.top, 2 * 72 / 2.54) &&
	              near(r.t->page.margins.right, 2 * 72 / 2.54) &&
	              near(r.t->page.margins.bottom, 2 * 72 / 2.54) &&
	              near(r.t->page.margins.left, 2 * 72 / 2.54),
	      "margins: 2cm sets all four (%s)", r.msg);
	done(&r);

	r = load_text("page:\n  margins: 2\n");
	check(r.rc == -1 && count_lines(r.msg) == 1 &&
	              strstr(r.msg, ":2:12: error: page.margins.top: bad "
	                            "length \"2\": needs a unit"),
	      "a bad margins shorthand is reported once (%s)", r.msg);
	done(&r);

	r = load_text("page:\n  margins:\n    top: 0\n");
	check(r.rc == 0 && r.t->page.margins.top == 0,
	      "a bare 0 length needs no unit");
	done(&r);

	r = load_text("page:\n  size: A4\n  orientation: landscape\n");
	check(r.rc == 0 && streq(r.t->page.size, "a4") && r.t->page.landscape &&
	              near(r.t->page.width, 841.89) &&
	              near(r.t->page.height, 595.28),
	      "A4 landscape is 841.89x595.28pt");
	done(&r);

	r = load_text("page:\n  orientation: landscape\n");
	check(r.rc == 0 && streq(r.t->page.size, "letter") &&
	              near(r.t->page.width, 792) && near(r.t->page.height, 612),
	      "orientation alone turns the default letter");
	done(&r);

	r = load_text("page:\n  width: 6in\n  height: 9in\n");
	check(r.rc == 0 && streq(r.t->page.size, "custom") &&
	              !r.t->page.landscape && near(r.t->page.width, 432) &&
	              near(r.t->page.height, 648),
	      "width/height give a custom 432x648 portrait page");
	done(&r);

	r = load_text("page:\n  width: 11in\n  height: 8.5in\n");
	check(r.rc == 0 && r.t->page.landscape && near(r.t->page.width, 792) &&
	              near(r.t->page.height, 612),
	      "a custom wide page is landscape and kept as given");
	done(&r);

	r = load_text("page:\n  size: legal\n");
	check(r.rc == 0 && near(r.t->page.width, 612) &&
	              near(r.t->page.height, 1008),
	      "legal is 612x1008pt");
	done(&r);
}

static void test_overlay(void)
{
	result r = load_text("# only the link colour\ncolors:\n  link: "
	                     "\"#8A2BE2\"\n");
	check(r.rc == 0 && r.t->colors.link == 0x8a2be2 &&
	              r.t->colors.text == 0x1a1a1a,
	      "a partial overlay changes only what it names");
	done(&r);

	r = load_text("fonts:\n  fallback: []\n");
	check(r.rc == 0 && r.t->fonts.nfallback == 0 && r.t->fonts.fallback,
	      "fonts.fallback: [] empties the list");
	done(&r);

	r = load_text("fonts:\n  fallback: Noto Sans\n  body: Noto Serif\n");
	check(r.rc == 0 && r.t->fonts.nfallback == 1 &&
	              streq(r.t->fonts.fallback[0], "Noto Sans") &&
	              streq(r.t->fonts.body, "Noto Serif"),
	      "a single fallback family is a list of one");
	done(&r);

	r = load_text("callouts:\n  videos:\n    label: Video lessons\n"
	              "  highlight2:\n    label: Tip\n"
	              "header: \"\"\nfooter: \"{page}/{pages} {x\"\n");
	check(r.rc == 0 &&
	              streq(mc_theme_callout(r.t, MC_CALLOUT_VIDEOS, 0)->label,
	                    "Video lessons") &&
	              mc_theme_callout(r.t, MC_CALLOUT_VIDEOS, 0)->rule ==
	                      0xc62828 &&
	              streq(mc_theme_callout(r.t, MC_CALLOUT_HIGHLIGHT, 2)->label,
	                    "Tip") &&
	              streq(r.t->header, "") &&
	              streq(r.t->footer, "{page}/{pages} {x"),
	      "callout labels and templates override (%s)", r.msg);
	done(&r);

	r = load_text("");
	check(r.rc == 0 && streq(r.t->page.size, "letter") && !*r.msg,
	      "an empty theme file changes nothing");
	done(&r);

	r = load_text("# only comments\n---\npage:\n...\n");
	check(r.rc == 0 && streq(r.t->page.size, "letter"),
	      "empty sections change nothing (%s)", r.msg);
	done(&r);

	r = load_text("---\n---\npage:\n  size: a4\n");
	check(r.rc == -1 && strstr(r.msg, ":3:1: error: a theme file holds one "
	                                  "YAML document"),
	      "a second document after an empty one is an error (%s)", r.msg);
	done(&r);

	r = load_text("colors: &c\n  link: \"#000001\"\nanswer:\n  lines: 7\n");
	check(r.rc == 0 && r.t->colors.link == 1 && r.t->answer.lines == 7,
	      "answer.lines and anchors (%s)", r.msg);
	done(&r);
}

/* ---- bad themes ---- */

static const struct bad {
	const char *file;
	const char *where; /* "LINE:COL" */
	const char *text;  /* in the message */
} bad[] = {
	{"absurd_size.yaml", "2:7", "sizes.h1: 5000 is out of range"},
	{"bad_bool.yaml", "2:11",
	 "answer.fields: expected true or false, got \"maybe\""},
	{"bad_callout_kind.yaml", "2:3",
	 "unknown key \"warning\" in callouts (allowed: activity, videos, "
	 "case_study, objectives, info, highlight1, highlight2, highlight3)"},
	{"bad_color.yaml", "2:9", "colors.link: bad colour \"#12345g\""},
	{"bad_embed_kind.yaml", "4:5",
	 "unknown key \"podcast\" in embed.labels (allowed: video, "
	 "interactive, collection, document)"},
	{"bad_fallback.yaml", "3:5",
	 "fonts.fallback: expected a list of font family names, got a mapping"},
	{"bad_int.yaml", "2:10", "answer.lines: expected a whole number"},
	{"bad_number.yaml", "1:14", "line_height: expected a number"},
	{"bad_orientation.yaml", "2:16",
	 "page.orientation: expected portrait or landscape"},
	{"bad_page_size.yaml", "2:9", "unknown page size \"b52\""},
	{"bad_template.yaml", "1:9", "unknown placeholder \"{pgae}\""},
	{"bad_unit.yaml", "3:10", "bad length \"2furlongs\": unknown unit"},
	{"bad_utf8.yaml", "2:20", "invalid leading UTF-8 octet"},
	{"duplicate_key.yaml", "3:3", "duplicate key colors.link"},
	{"margins_too_wide.yaml", "4:12",
	 "the margins leave 36pt of the page width"},
	{"missing_unit.yaml", "3:11", "needs a unit"},
	{"negative_size.yaml", "2:9", "sizes.body: -3 must not be negative"},
	{"not_mapping.yaml", "1:1", "a theme is a mapping of sections"},
	{"section_not_mapping.yaml", "1:9", "colors: expected a mapping"},
	{"size_conflict.yaml", "3:10", "page.width conflicts with page.size"},
	{"syntax_error.yaml", "5:1",
	 "YAML syntax error: found unexpected end of stream (while scanning "
	 "a quoted scalar at line 3, column 9)"},
	{"two_documents.yaml", "4:1", "found a second one"},
	{"unknown_key.yaml", "2:1",
	 "unknown key \"colours\" (allowed: page, fonts, sizes, line_height, "
	 "colors, callouts, answer, fields, worksheet, embed, toc, header, "
	 "footer)"},
	{"unknown_nested_key.yaml", "3:3",
	 "unknown key \"margin\" in page (allowed: size, orientation, width, "
	 "height, margins)"},
	{"unquoted_color.yaml", "3:8", "colors.text: missing colour"},
	{"wrong_type.yaml", "2:9",
	 "fonts.body: expected a font family name, got a list"},
};
#define NBAD (sizeof bad / sizeof bad[0])

static void test_bad_file(const char *name)
{
	char path[300];
	snprintf(path, sizeof path, "tests/themes/%s", name);
	const struct bad *b = NULL;
	for (size_t i = 0; i < NBAD; i++)
		if (!strcmp(bad[i].file, name))
			b = &bad[i];
	result r = load(path);
	if (!b) {
		check(false, "%s: no expected message in unit_theme.c", path);
		done(&r);
		return;
	}
	char head[400];
	snprintf(head, sizeof head, "%s:%s: error: ", path, b->where);
	check(r.rc == -1 && r.t == NULL &&
	              strncmp(r.msg, head, strlen(head)) == 0 &&
	              strstr(r.msg, b->text) && count_lines(r.msg) == 1,
	      "%s fails at %s with \"%s\" (got: %.*s)", name, b->where,
	      b->text, (int)strcspn(r.msg, "\n"), r.msg);
	done(&r);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_bad_themes(void)
{
	DIR *dir = opendir("tests/themes");
	if (!check(dir != NULL, "tests/themes/ can be read"))
		return;
	char *names[256];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dir)) && n < 256) {
		size_t len = strlen(e->d_name);
		if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml"))
			names[n++] = strdup(e->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof names[0], cmp_str);
	check(n == NBAD, "tests/themes/ has the %zu expected bad themes "
	                 "(found %zu)",
	      NBAD, n);
	for (size_t i = 0; i < n; i++) {
		test_bad_file(names[i]);
		free(names[i]);
	}
}

static void test_files_and_names(void)
{
	result r = load("tests/themes/no_such_file.yaml");
	check(r.rc == -1 && r.t == NULL &&
	              strstr(r.msg, "tests/themes/no_such_file.yaml: error: "
	                            "cannot open theme: No such file"),
	      "a missing theme file fails (%s)", r.msg);
	done(&r);

	r = load("tests/themes/");
	check(r.rc == -1 && strstr(r.msg, "is a directory"),
	      "a directory is not a theme");
	done(&r);

	r = load("no-such-theme-xyz");
	check(r.rc == -1 && r.t == NULL &&
	              strstr(r.msg, "no-such-theme-xyz: error: unknown theme "
	                            "\"no-such-theme-xyz\" (looked for ") &&
	              strstr(r.msg, "/tests/styles/no-such-theme-xyz.yaml") &&
	              strstr(r.msg, MC_STYLEDIR "/no-such-theme-xyz.yaml"),
	      "an unknown theme name fails, naming where it looked (%s)",
	      r.msg);
	done(&r);

	r = load("");
	check(r.rc == -1 && strstr(r.msg, "empty theme name"),
	      "an empty theme name fails");
	done(&r);

	/* a theme name found in the styles folder next to the binary */
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 40);
	if (len > 0) {
		exe[len] = '\0';
		*strrchr(exe, '/') = '\0';
		char dir[PATH_MAX + 16], file[PATH_MAX + 96], name[64];
		snprintf(dir, sizeof dir, "%s/styles", exe);
		snprintf(name, sizeof name, "mc-unit-%ld", (long)getpid());
		snprintf(file, sizeof file, "%s/%s.yaml", dir, name);
		bool made = mkdir(dir, 0777) == 0;
		FILE *f = fopen(file, "w");
		if (f) {
			fputs("page:\n  size: a5\n", f);
			fclose(f);
		}
		r = load(name);
		check(r.rc == 0 && streq(r.t->page.size, "a5") &&
		              near(r.t->page.width, 148 * 72 / 25.4),
		      "theme name found in <binary dir>/styles (%s)", r.msg);
		done(&r);
		unlink(file);
		if (made)
			rmdir(dir);
	}

	/* the 1 MiB limit */
	size_t big = (size_t)MC_THEME_MAX_BYTES + 1;
	char *text = malloc(big);
	if (text) {
		memset(text, '#', big);
		for (size_t i = 79; i < big; i += 80)
			text[i] = '\n';
		char *path = temp_theme(text, big);
		r = load(path);
		check(r.rc == -1 && strstr(r.msg, "larger than 1024 KiB"),
		      "a theme file over 1 MiB is refused");
		done(&r);
		unlink(path);
		free(path);
		/* exactly 1 MiB of comments is fine */
		text[big - 2] = '\n';
		path = temp_theme(text, big - 1);
		r = load(path);
		check(r.rc == 0, "a theme file of exactly 1 MiB loads (%s)",
		      r.msg);
		done(&r);
		unlink(path);
		free(path);
		free(text);
	}
}

/* ---- contrast (WCAG 2.1) ---- */

static void test_contrast_ratio(void)
{
	check(fabs(mc_contrast_ratio(0x000000, 0xffffff) - 21) < 1e-9 &&
	              fabs(mc_contrast_ratio(0xffffff, 0x000000) - 21) < 1e-9,
	      "black on white is 21:1, either way round");
	check(fabs(mc_contrast_ratio(0x5f6368, 0x5f6368) - 1) < 1e-9,
	      "a colour on itself is 1:1");
	/* WCAG's own examples: #777777 just fails on white, #767676 passes */
	check(mc_contrast_ratio(0x777777, 0xffffff) < 4.5 &&
	              mc_contrast_ratio(0x767676, 0xffffff) >= 4.5,
	      "#777777 on white is under 4.5:1, #767676 over (%.4f, %.4f)",
	      mc_contrast_ratio(0x777777, 0xffffff),
	      mc_contrast_ratio(0x767676, 0xffffff));
	/* sRGB linearisation: a mid grey is not half as bright */
	check(fabs(mc_contrast_ratio(0x808080, 0xffffff) - 3.949) < 0.001,
	      "#808080 on white is 3.95:1 (got %.4f)",
	      mc_contrast_ratio(0x808080, 0xffffff));
	check(fabs(mc_contrast_ratio(0xe08a00, 0xfff4e0) - 2.4688) < 0.0001,
	      "the old Activity orange on its tint is 2.47:1 (got %.4f)",
	      mc_contrast_ratio(0xe08a00, 0xfff4e0));
}

/* Every pair of a loaded theme meets its threshold; the failures listed. */
static bool all_pairs_pass(const mc_theme *t, char *why, size_t size)
{
	mc_theme_contrast c[MC_THEME_CONTRASTS];
	size_t n = mc_theme_contrasts(t, c, MC_THEME_CONTRASTS);
	bool ok = n == MC_THEME_CONTRASTS;
	size_t used = 0;
	why[0] = '\0';
	for (size_t i = 0; i < n && i < MC_THEME_CONTRASTS; i++) {
		if (c[i].ratio >= c[i].min && c[i].min >= 3)
			continue;
		ok = false;
		if (used < size)
			used += (size_t)snprintf(why + used, size - used,
			                         " %s on %s %.2f < %g;",
			                         c[i].fg_key, c[i].bg_key,
			                         c[i].ratio, c[i].min);
	}
	return ok;
}

static void test_shipped_contrast(void)
{
	char why[2048];
	result r = load(NULL);
	check(r.rc == 0 && !*r.msg && all_pairs_pass(r.t, why, sizeof why),
	      "the built-in default's %d text/background pairs meet WCAG "
	      "(%s%s)", MC_THEME_CONTRASTS, r.msg, why);
	if (r.rc == 0) {
		mc_theme_contrast c[MC_THEME_CONTRASTS];
		size_t n = mc_theme_contrasts(r.t, c, MC_THEME_CONTRASTS);
		int found = 0;
		for (size_t i = 0; i < n; i++)
			if (streq(c[i].fg_key, "callouts.activity.rule") &&
			    streq(c[i].bg_key, "callouts.activity.background") &&
			    c[i].fg == r.t->callouts[MC_CALLOUT_ACTIVITY].rule &&
			    c[i].min == 4.5)
				found++;
			else if (streq(c[i].fg_key, "colors.muted") &&
			         streq(c[i].bg_key, "the page (#ffffff)") &&
			         c[i].bg == 0xffffff)
				found++;
			else if (streq(c[i].fg_key, "colors.link") &&
			         streq(c[i].bg_key, "callouts.highlight3.background"))
				found++;
		check(n == MC_THEME_CONTRASTS && found == 3,
		      "the pairs name their keys (%zu pairs, %d of 3 found)", n,
		      found);
	}
	done(&r);

	DIR *dir = opendir("styles");
	if (!check(dir != NULL, "styles/ can be read"))
		return;
	char *names[64];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dir)) && n < 64) {
		size_t len = strlen(e->d_name);
		if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml"))
			names[n++] = strdup(e->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof names[0], cmp_str);
	check(n >= 2, "styles/ ships %zu themes", n);
	for (size_t i = 0; i < n; i++) {
		char path[300];
		snprintf(path, sizeof path, "styles/%s", names[i]);
		r = load(path);
		check(r.rc == 0 && !*r.msg &&
		              all_pairs_pass(r.t, why, sizeof why),
		      "%s: every text colour meets WCAG contrast on its "
		      "background, no warning (%s%s)",
		      path, r.msg, why);
		done(&r);
		free(names[i]);
	}
}

static void test_contrast_warnings(void)
{
	/* the old Activity orange: one warning per failing pair, at the
	 * user's key, the ratio cut to two decimals; the theme still loads */
	char *path = temp_theme("callouts:\n  activity:\n"
	                        "    rule: \"#e08a00\"\n",
	                        strlen("callouts:\n  activity:\n"
	                               "    rule: \"#e08a00\"\n"));
	result r = load(path);
	char want[1024];
	snprintf(want, sizeof want,
	         "%s:3:11: warning: callouts.activity.rule on "
	         "callouts.activity.background is 2.46:1, less than 4.5:1 "
	         "for text\n"
	         "%s:3:11: warning: callouts.activity.rule on the page "
	         "(#ffffff) is 2.69:1, less than 4.5:1 for text\n",
	         path, path);
	check(r.rc == 0 && r.nerrors == 0 && streq(r.msg, want),
	      "a failing callout rule warns once per pair (%s)", r.msg);
	done(&r);

	/* --strict: the same warnings are errors */
	char *msg = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&msg, &len);
	if (m) {
		mc_diag d;
		mc_diag_init(&d, m, "input.md");
		d.strict = true;
		mc_theme *t = NULL;
		int rc = mc_theme_load(path, &t, &d);
		fclose(m);
		check(rc == 0 && d.nerrors == 2 && mc_diag_failed(&d) &&
		              strstr(msg, ": error: callouts.activity.rule on "),
		      "with strict, a contrast warning is an error (%s)", msg);
		mc_theme_free(t);
		free(msg);
	}
	unlink(path);
	free(path);

	/* a background the user darkened: every text colour on it, at the
	 * background's key */
	r = load_text("colors:\n  code_background: \"#808080\"\n");
	check(r.rc == 0 && count_lines(r.msg) == 3 &&
	              strstr(r.msg, ":2:20: warning: colors.text on "
	                            "colors.code_background is 4.40:1, less "
	                            "than 4.5:1 for text") &&
	              strstr(r.msg, ":2:20: warning: colors.muted on "
	                            "colors.code_background is 1.53:1") &&
	              strstr(r.msg, ":2:20: warning: colors.link on "
	                            "colors.code_background is 1.59:1"),
	      "a dark code background warns for text, muted and link (%s)",
	      r.msg);
	done(&r);

	/* large text: labels of 14pt bold need 3:1 only */
	r = load_text("sizes:\n  body: 14\n  small: 14\ncallouts:\n"
	              "  activity:\n    rule: \"#c07400\"\n");
	check(r.rc == 0 && !*r.msg,
	      "a 3.35:1 label is enough at 14pt bold (%s)", r.msg);
	done(&r);
	r = load_text("sizes:\n  body: 14\n  small: 14\ncallouts:\n"
	              "  activity:\n    rule: \"#e08a00\"\n");
	check(r.rc == 0 && count_lines(r.msg) == 2 &&
	              strstr(r.msg, "is 2.46:1, less than 3:1 for large text"),
	      "a 2.46:1 label is not, even at 14pt bold (%s)", r.msg);
	done(&r);

	/* a colour of its own that passes everywhere: nothing to say */
	r = load_text("colors:\n  link: \"#8A2BE2\"\n");
	check(r.rc == 0 && !*r.msg, "a dark enough link colour is quiet (%s)",
	      r.msg);
	done(&r);
}

/* ---- threads ---- */

static void *thread_main(void *arg)
{
	(void)arg;
	long ok = 1;
	for (int i = 0; i < 10; i++) {
		mc_diag d;
		mc_diag_init(&d, NULL, "x");
		mc_theme *t = NULL;
		if (mc_theme_load(i % 2 ? "styles/a4.yaml" : NULL, &t, &d) ||
		    !near(t->page.width, i % 2 ? 595.28 : 612))
			ok = 0;
		mc_theme_free(t);
	}
	return (void *)ok;
}

static void test_threads(void)
{
	pthread_t th[6];
	int started = 0;
	bool ok = true;
	for (int i = 0; i < 6; i++)
		if (pthread_create(&th[i], NULL, thread_main, NULL) == 0)
			started++;
	for (int i = 0; i < started; i++) {
		void *res;
		pthread_join(th[i], &res);
		ok = ok && res == (void *)1;
	}
	check(started == 6 && ok, "6 threads load themes at once");
}

/* Run from the source root: the working directory, or three levels up
 * from build/<kind>/tests/unit_theme. */
static void find_root(void)
{
	struct stat st;
	if (stat("tests/themes", &st) == 0 && stat("styles/default.yaml", &st) == 0)
		return;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 16);
	if (n <= 0)
		return;
	exe[n] = '\0';
	for (int i = 0; i < 4; i++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return;
		*slash = '\0';
	}
	if (chdir(exe) != 0)
		perror(exe);
}

/* ---- the prebuilt default (build/gen/default_theme.c) ---- */

static bool same_str(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static bool same_style(const mc_callout_style *a, const mc_callout_style *b)
{
	return same_str(a->label, b->label) && a->background == b->background &&
	       a->rule == b->rule;
}

/* Every member of two themes, exactly (doubles bit for bit). */
static bool same_theme(const mc_theme *a, const mc_theme *b)
{
	bool ok = same_str(a->page.size, b->page.size) &&
	          a->page.landscape == b->page.landscape &&
	          !memcmp(&a->page.width, &b->page.width, sizeof(double)) &&
	          !memcmp(&a->page.height, &b->page.height, sizeof(double)) &&
	          !memcmp(&a->page.margins, &b->page.margins,
	                  sizeof a->page.margins) &&
	          same_str(a->fonts.body, b->fonts.body) &&
	          same_str(a->fonts.heading, b->fonts.heading) &&
	          same_str(a->fonts.mono, b->fonts.mono) &&
	          a->fonts.nfallback == b->fonts.nfallback &&
	          !memcmp(&a->sizes, &b->sizes, sizeof a->sizes) &&
	          !memcmp(&a->line_height, &b->line_height, sizeof(double)) &&
	          !memcmp(&a->colors, &b->colors, sizeof a->colors) &&
	          a->answer.lines == b->answer.lines &&
	          !memcmp(&a->answer.line_spacing, &b->answer.line_spacing,
	                  sizeof(double)) &&
	          !memcmp(&a->answer.min_line_spacing,
	                  &b->answer.min_line_spacing, sizeof(double)) &&
	          a->answer.rule == b->answer.rule &&
	          !memcmp(&a->answer.rule_width, &b->answer.rule_width,
	                  sizeof(double)) &&
	          same_str(a->answer.placeholder, b->answer.placeholder) &&
	          a->answer.fields == b->answer.fields &&
	          a->fields.border == b->fields.border &&
	          !memcmp(&a->fields.border_width, &b->fields.border_width,
	                  sizeof(double)) &&
	          a->fields.background == b->fields.background &&
	          same_str(a->worksheet.name_label, b->worksheet.name_label) &&
	          same_str(a->worksheet.date_label, b->worksheet.date_label) &&
	          same_str(a->worksheet.notes_label, b->worksheet.notes_label) &&
	          same_str(a->worksheet.label, b->worksheet.label) &&
	          !memcmp(&a->embed.qr_size, &b->embed.qr_size,
	                  sizeof(double)) &&
	          same_str(a->toc.title, b->toc.title) &&
	          same_str(a->toc.leader, b->toc.leader) &&
	          !memcmp(&a->toc.indent, &b->toc.indent, sizeof(double)) &&
	          same_str(a->header, b->header) &&
	          same_str(a->footer, b->footer) &&
	          (a->file == b->file || same_str(a->file, b->file));
	for (size_t i = 0; ok && i < a->fonts.nfallback; i++)
		ok = same_str(a->fonts.fallback[i], b->fonts.fallback[i]);
	for (int i = 0; ok && i < MC_CALLOUT_HIGHLIGHT; i++)
		ok = same_style(&a->callouts[i], &b->callouts[i]);
	for (int i = 0; ok && i < MC_THEME_HIGHLIGHTS; i++)
		ok = same_style(&a->highlights[i], &b->highlights[i]);
	for (int i = 0; ok && i < MC_EMBED_KIND__MAX; i++)
		ok = same_str(a->embed.label[i], b->embed.label[i]);
	return ok;
}

/* The default read at build time gives the theme, and the messages, that
 * reading styles/default.yaml at run time gives: alone, and under every
 * shipped and every bad theme. */
static void test_prebuilt(void)
{
	const char *files[300] = {NULL, "styles/a4.yaml", "styles/print.yaml",
	                          "styles/default.yaml"};
	char *owned[256];
	size_t nfiles = 4, nowned = 0;
	DIR *dir = opendir("tests/themes");
	struct dirent *e;
	while (dir && (e = readdir(dir)) && nowned < 256) {
		size_t len = strlen(e->d_name);
		if (len <= 5 || strcmp(e->d_name + len - 5, ".yaml"))
			continue;
		char *p = malloc(len + 16);
		snprintf(p, len + 16, "tests/themes/%s", e->d_name);
		owned[nowned++] = p;
		files[nfiles++] = p;
	}
	if (dir)
		closedir(dir);
	size_t nsame = 0;
	for (size_t i = 0; i < nfiles; i++) {
		result a = load(files[i]);
		result b = {0};
		size_t n = 0;
		FILE *m = open_memstream(&b.msg, &n);
		mc_diag d;
		mc_diag_init(&d, m, "input.md");
		b.rc = mc_theme_load_with_base(mc_default_theme_yaml,
		                               mc_default_theme_yaml_len,
		                               "styles/default.yaml", files[i],
		                               &b.t, &d);
		fclose(m);
		bool same = a.rc == b.rc && !strcmp(a.msg, b.msg) &&
		            (a.rc || same_theme(a.t, b.t));
		if (same)
			nsame++;
		else
			check(false, "prebuilt default under %s: rc %d/%d, "
			             "messages \"%s\" / \"%s\"",
			      files[i] ? files[i] : "nothing", a.rc, b.rc, a.msg,
			      b.msg);
		done(&a);
		done(&b);
	}
	check(nsame == nfiles && nfiles > 10,
	      "the prebuilt default equals styles/default.yaml read at run "
	      "time, alone and under %zu themes",
	      nfiles - 1);
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
}

int main(void)
{
	find_root();
	test_default();
	test_base();
	test_a4();
	test_print();
	test_units();
	test_overlay();
	test_bad_themes();
	test_files_and_names();
	test_contrast_ratio();
	test_shipped_contrast();
	test_contrast_warnings();
	test_threads();
	test_prebuilt();
	printf("unit_theme: %d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
