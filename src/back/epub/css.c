/* css.c - the book's stylesheet, made from the theme.
 *
 * Sizes are written in em relative to the body size, so that a reading
 * system's own font-size setting still scales everything; colours, fonts,
 * callout looks and the answer lines come from the theme (the one place
 * defaults live).  Only CSS 2.1 properties that EPUB reading systems
 * commonly support are used. */
#include "epub.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void color(mc_buf *b, uint32_t c)
{
	mc_buf_printf(b, "#%06x", (unsigned)(c & 0xffffff));
}

/* A font family name as a CSS string, followed by a generic family. */
static void family(mc_buf *b, const char *name, const char *generic)
{
	mc_buf_putc(b, '"');
	for (const char *p = name; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '"' || ch == '\\')
			mc_buf_putc(b, '\\');
		if (ch >= 0x20 && ch != 0x7f)
			mc_buf_putc(b, (char)ch);
	}
	mc_buf_printf(b, "\", %s", generic);
}

static double em(const mc_theme *t, double pt)
{
	double body = t->sizes.body > 0 ? t->sizes.body : 11;
	return pt / body;
}

void ep_css(const mc_theme *t, mc_buf *b)
{
	mc_buf_puts(b, "@charset \"UTF-8\";\n/* made by mentorconv from its "
	               "theme */\nbody {\n  font-family: ");
	family(b, t->fonts.body, "serif");
	mc_buf_printf(b, ";\n  line-height: %.2f;\n  color: ", t->line_height);
	color(b, t->colors.text);
	mc_buf_puts(b, ";\n}\nh1, h2, h3, h4, h5, h6 {\n  font-family: ");
	family(b, t->fonts.heading, "sans-serif");
	mc_buf_puts(b, ";\n  line-height: 1.2;\n  page-break-after: avoid;\n}\n");
	for (int i = 0; i < 6; i++)
		mc_buf_printf(b, "h%d { font-size: %.3fem; }\n", i + 1,
		              em(t, t->sizes.heading[i]));
	mc_buf_printf(b, "h1.title { font-size: %.3fem; margin-bottom: 1em; }\n",
	              em(t, t->sizes.title));
	mc_buf_puts(b, "a { color: ");
	color(b, t->colors.link);
	mc_buf_puts(b, "; }\ncode, pre {\n  font-family: ");
	family(b, t->fonts.mono, "monospace");
	mc_buf_printf(b, ";\n  font-size: %.3fem;\n}\npre {\n  background-color: ",
	              em(t, t->sizes.code));
	color(b, t->colors.code_background);
	mc_buf_puts(b, ";\n  padding: 0.5em;\n  white-space: pre-wrap;\n}\n"
	               "hr {\n  border: 0;\n  border-top: 1px solid ");
	color(b, t->colors.rule);
	mc_buf_puts(b, ";\n}\nblockquote {\n  margin: 1em 0 1em 0;\n"
	               "  padding-left: 1em;\n  border-left: 3px solid ");
	color(b, t->colors.quote_rule);
	mc_buf_puts(b, ";\n}\nfigure { margin: 1em 0; }\nfigure.quote blockquote "
	               "{ margin-bottom: 0.3em; }\n"
	               "figcaption, .attribution, .embed-note {\n  color: ");
	color(b, t->colors.muted);
	mc_buf_printf(b, ";\n  font-size: %.3fem;\n}\n", em(t, t->sizes.small));
	mc_buf_puts(b, "figure.image img { max-width: 100%; height: auto; }\n"
	               "img { max-width: 100%; }\n"
	               ".image-missing {\n  display: inline-block;\n"
	               "  padding: 0.3em 0.6em;\n  border: 1px dashed ");
	color(b, t->colors.muted);
	mc_buf_puts(b, ";\n  color: ");
	color(b, t->colors.muted);
	mc_buf_puts(b, ";\n}\n.image-missing.block { display: block; }\n"
	               "table {\n  border-collapse: collapse;\n  margin: 1em 0;\n}\n"
	               "th, td {\n  border: 1px solid ");
	color(b, t->colors.table_border);
	mc_buf_puts(b, ";\n  padding: 0.25em 0.5em;\n  vertical-align: top;\n}\n"
	               "th {\n  background-color: ");
	color(b, t->colors.table_header_background);
	mc_buf_puts(b, ";\n}\n.align-left { text-align: left; }\n"
	               ".align-center { text-align: center; }\n"
	               ".align-right { text-align: right; }\n"
	               ".callout {\n  margin: 1em 0;\n  padding: 0.5em 1em;\n"
	               "  border-left: 4px solid;\n}\n"
	               ".callout-label {\n  font-family: ");
	family(b, t->fonts.heading, "sans-serif");
	mc_buf_printf(b, ";\n  font-weight: bold;\n  font-size: %.3fem;\n"
	                 "  text-transform: uppercase;\n  margin: 0.2em 0;\n}\n"
	                 ".callout-title { margin-top: 0.2em; }\n",
	              em(t, t->sizes.small));
	for (int k = 0; k < MC_CALLOUT_HIGHLIGHT + MC_THEME_HIGHLIGHTS; k++) {
		const mc_callout_style *st;
		char sel[64];
		if (k < MC_CALLOUT_HIGHLIGHT) {
			st = mc_theme_callout(t, (mc_callout_kind)k, 0);
			snprintf(sel, sizeof sel, ".callout.%s",
			         mc_callout_kind_name((mc_callout_kind)k));
		} else {
			int v = k - MC_CALLOUT_HIGHLIGHT + 1;
			st = mc_theme_callout(t, MC_CALLOUT_HIGHLIGHT, v);
			snprintf(sel, sizeof sel, ".callout.highlight%d", v);
		}
		mc_buf_printf(b, "%s {\n  background-color: ", sel);
		color(b, st->background);
		mc_buf_puts(b, ";\n  border-left-color: ");
		color(b, st->rule);
		mc_buf_printf(b, ";\n}\n%s > .callout-label { color: ", sel);
		color(b, st->rule);
		mc_buf_puts(b, "; }\n");
	}
	/* a video/interactive/collection card */
	const mc_callout_style *vs = mc_theme_callout(t, MC_CALLOUT_VIDEOS, 0);
	mc_buf_puts(b, ".embed {\n  margin: 1em 0;\n  padding: 0.5em 1em;\n"
	               "  border: 1px solid ");
	color(b, vs->rule);
	mc_buf_puts(b, ";\n  background-color: #ffffff;\n}\n"
	               ".embed p { margin: 0.2em 0; }\n"
	               ".embed-kind {\n  font-family: ");
	family(b, t->fonts.heading, "sans-serif");
	mc_buf_printf(b, ";\n  font-weight: bold;\n  font-size: %.3fem;\n"
	                 "  color: ",
	              em(t, t->sizes.small));
	color(b, vs->rule);
	mc_buf_puts(b, ";\n}\n.embed-title { font-weight: bold; }\n"
	               ".embed-link { word-wrap: break-word; }\n");
	/* worksheets */
	mc_buf_puts(b, "p.prompt { margin-bottom: 0.2em; }\n"
	               ".answer { margin: 0.2em 0 1em 0; }\n"
	               ".answer .rule {\n  height: ");
	mc_buf_printf(b, "%.3fem", em(t, t->answer.line_spacing));
	mc_buf_puts(b, ";\n  border-bottom: 1px solid ");
	color(b, t->answer.rule);
	mc_buf_puts(b, ";\n}\n.checkbox { font-size: 1.2em; }\n"
	               "li.task { list-style-type: none; }\n"
	               ".blank {\n  display: inline-block;\n  min-width: 4em;\n"
	               "  border-bottom: 1px solid ");
	color(b, t->answer.rule);
	mc_buf_puts(b, ";\n}\n"
	               /* form controls as the page showed them: framed
	                  text, never live controls */
	               ".control {\n  border: 1px solid ");
	color(b, t->colors.rule);
	mc_buf_puts(b, ";\n  border-radius: 0.2em;\n  padding: 0 0.3em;\n}\n"
	               ".control.placeholder { color: ");
	color(b, t->colors.muted);
	mc_buf_puts(b, "; font-style: italic; }\n"
	               ".control.select::after { content: \" \\25BE\"; }\n"
	               ".control.checkbox, .control.radio {\n  border: none;\n"
	               "  padding: 0;\n}\n"
	               "details > summary { font-weight: bold; }\n"
	               "dt { font-weight: bold; }\n"
	               "dd { margin-left: 1.7em; }\n"
	               ".footnotes {\n  margin-top: 2em;\n  border-top: 1px solid ");
	color(b, t->colors.rule);
	mc_buf_printf(b, ";\n  font-size: %.3fem;\n}\n"
	                 ".footnote-number { font-weight: bold; margin-bottom: 0; }\n"
	                 "nav ol { list-style-type: none; }\n",
	              em(t, t->sizes.small));
}

/* ---- contrast (WCAG 2.1, 1.4.3: mc_contrast_ratio, the theme's) ---- */

/* The text colours ep_css sets, each on the backgrounds it can stand on:
 * body text, links and muted text on the page (white), in every callout
 * box and in table headers; code on its shading; each callout's label in
 * its box; the video card's label on the card.  Keep in step with
 * ep_css. */
const char *ep_css_low_contrast(const mc_theme *t, mc_arena *a)
{
	const uint32_t white = 0xffffff;
	uint32_t fgs[] = {t->colors.text, t->colors.link, t->colors.muted};
	uint32_t bgs[2 + MC_CALLOUT_HIGHLIGHT + MC_THEME_HIGHLIGHTS];
	const mc_callout_style *sts[MC_CALLOUT_HIGHLIGHT + MC_THEME_HIGHLIGHTS];
	size_t nbg = 0, nst = 0;
	bgs[nbg++] = white;
	bgs[nbg++] = t->colors.table_header_background;
	for (int k = 0; k < MC_CALLOUT_HIGHLIGHT + MC_THEME_HIGHLIGHTS; k++) {
		const mc_callout_style *st =
			k < MC_CALLOUT_HIGHLIGHT
				? mc_theme_callout(t, (mc_callout_kind)k, 0)
				: mc_theme_callout(t, MC_CALLOUT_HIGHLIGHT,
				                   k - MC_CALLOUT_HIGHLIGHT + 1);
		sts[nst++] = st;
		bgs[nbg++] = st->background;
	}
	struct {
		uint32_t fg, bg;
	} worst = {0, 0};
	double min = 21;
	for (size_t f = 0; f < sizeof fgs / sizeof *fgs; f++)
		for (size_t b = 0; b < nbg; b++) {
			double r = mc_contrast_ratio(fgs[f], bgs[b]);
			if (r < min) {
				min = r;
				worst.fg = fgs[f];
				worst.bg = bgs[b];
			}
		}
	uint32_t pairs[][2] = {
		{t->colors.text, t->colors.code_background},
		{mc_theme_callout(t, MC_CALLOUT_VIDEOS, 0)->rule, white},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		double r = mc_contrast_ratio(pairs[i][0], pairs[i][1]);
		if (r < min) {
			min = r;
			worst.fg = pairs[i][0];
			worst.bg = pairs[i][1];
		}
	}
	for (size_t i = 0; i < nst; i++) {
		if (!sts[i]->label || !*sts[i]->label)
			continue;
		double r = mc_contrast_ratio(sts[i]->rule, sts[i]->background);
		if (r < min) {
			min = r;
			worst.fg = sts[i]->rule;
			worst.bg = sts[i]->background;
		}
	}
	if (min >= 4.5)
		return NULL;
	size_t n = 96;
	char *why = mc_arena_alloc(a, n);
	snprintf(why, n, "#%06x on #%06x is %.2f:1, less than 4.5:1",
	         (unsigned)(worst.fg & 0xffffff), (unsigned)(worst.bg & 0xffffff),
	         min);
	return why;
}
