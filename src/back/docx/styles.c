/* styles.c - word/styles.xml and word/numbering.xml from the theme.
 *
 * Real named styles a Word user recognises and can restyle (Title,
 * Heading 1-6, Normal, Quote, List Paragraph, Hyperlink, Caption, Code,
 * one style per callout kind, Prompt, Answer...), so that changing the
 * look of a handout is a matter of editing styles, not every paragraph.
 * Element order inside w:style, w:pPr and w:rPr follows ECMA-376 Part 1
 * (17.7.4.17, 17.3.1.26, 17.3.2.28): Word rejects a part that breaks it. */
#include "docx.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>


long dx_twips(double pt)
{
	return mc_lround(pt * 20.0);
}

/* Font size in half-points, as w:sz wants it. */
static long half_pt(double pt)
{
	long v = mc_lround(pt * 2.0);
	return v < 2 ? 2 : v;
}

static void color_attr(mc_xml *x, const char *el, uint32_t c)
{
	mc_xml_open(x, el);
	mc_xml_attrf(x, "w:val", "%06X", (unsigned)(c & 0xFFFFFF));
	mc_xml_close(x);
}

static void vall(mc_xml *x, const char *el, long v)
{
	mc_xml_open(x, el);
	mc_xml_attrf(x, "w:val", "%ld", v);
	mc_xml_close(x);
}

static void fonts(mc_xml *x, const char *family)
{
	mc_xml_empty(x, "w:rFonts",
		     "w:ascii", family,
		     "w:hAnsi", family,
		     "w:eastAsia", family,
		     "w:cs", family,
		     NULL);
}

static void size(mc_xml *x, double pt)
{
	vall(x, "w:sz", half_pt(pt));
	vall(x, "w:szCs", half_pt(pt));
}

void dx_border(mc_xml *x, const char *side, const char *kind, int sz,
               int space, uint32_t color)
{
	mc_xml_open(x, side);
	mc_xml_attr(x, "w:val", kind);
	mc_xml_attrf(x, "w:sz", "%d", sz);
	mc_xml_attrf(x, "w:space", "%d", space);
	mc_xml_attrf(x, "w:color", "%06X", (unsigned)(color & 0xFFFFFF));
	mc_xml_close(x);
}

void dx_shade(mc_xml *x, uint32_t fill)
{
	mc_xml_open(x, "w:shd");
	mc_xml_attr(x, "w:val", "clear");
	mc_xml_attr(x, "w:color", "auto");
	mc_xml_attrf(x, "w:fill", "%06X", (unsigned)(fill & 0xFFFFFF));
	mc_xml_close(x);
}

static void spacing(mc_xml *x, long before, long after, long line,
                    const char *rule)
{
	mc_xml_open(x, "w:spacing");
	if (before >= 0)
		mc_xml_attrf(x, "w:before", "%ld", before);
	if (after >= 0)
		mc_xml_attrf(x, "w:after", "%ld", after);
	if (line > 0) {
		mc_xml_attrf(x, "w:line", "%ld", line);
		mc_xml_attr(x, "w:lineRule", rule);
	}
	mc_xml_close(x);
}

static void ind(mc_xml *x, long left, long right, long hanging)
{
	mc_xml_open(x, "w:ind");
	mc_xml_attrf(x, "w:left", "%ld", left);
	if (right)
		mc_xml_attrf(x, "w:right", "%ld", right);
	if (hanging)
		mc_xml_attrf(x, "w:hanging", "%ld", hanging);
	mc_xml_close(x);
}

/* <w:style> header: type, id, name, basedOn, next, uiPriority, qFormat. */
static void style_open(mc_xml *x, const char *type, const char *id,
                       const char *name, const char *based,
                       const char *next, bool dflt)
{
	mc_xml_nl(x);
	mc_xml_open(x, "w:style");
	mc_xml_attr(x, "w:type", type);
	if (dflt)
		mc_xml_attr(x, "w:default", "1");
	mc_xml_attr(x, "w:styleId", id);
	dx_val(x, "w:name", name);
	if (based)
		dx_val(x, "w:basedOn", based);
	if (next)
		dx_val(x, "w:next", next);
	mc_xml_empty(x, "w:qFormat", NULL);
}

const char *dx_callout_style_id(mc_callout_kind kind, int variant)
{
	switch (kind) {
	case MC_CALLOUT_ACTIVITY: return "CalloutActivity";
	case MC_CALLOUT_VIDEOS: return "CalloutVideos";
	case MC_CALLOUT_CASE_STUDY: return "CalloutCaseStudy";
	case MC_CALLOUT_OBJECTIVES: return "CalloutObjectives";
	case MC_CALLOUT_HIGHLIGHT:
		return variant == 2 ? "CalloutHighlight2"
		       : variant == 3 ? "CalloutHighlight3"
		                      : "CalloutHighlight1";
	default: return "CalloutInfo";
	}
}

static const char *callout_style_name(mc_callout_kind kind, int variant)
{
	switch (kind) {
	case MC_CALLOUT_ACTIVITY: return "Callout Activity";
	case MC_CALLOUT_VIDEOS: return "Callout Videos";
	case MC_CALLOUT_CASE_STUDY: return "Callout Case Study";
	case MC_CALLOUT_OBJECTIVES: return "Callout Objectives";
	case MC_CALLOUT_HIGHLIGHT:
		return variant == 2 ? "Callout Highlight 2"
		       : variant == 3 ? "Callout Highlight 3"
		                      : "Callout Highlight 1";
	default: return "Callout Info";
	}
}

static void callout_style(mc_xml *x, const mc_theme *t, mc_callout_kind k,
                          int variant)
{
	const mc_callout_style *cs = mc_theme_callout(t, k, variant);
	style_open(x, "paragraph", dx_callout_style_id(k, variant),
	           callout_style_name(k, variant), "Normal", NULL, false);
	mc_xml_open(x, "w:pPr");
	mc_xml_open(x, "w:pBdr");
	dx_border(x, "w:top", "single", 4, 6, cs->background);
	dx_border(x, "w:left", "single", 24, 8, cs->rule);
	dx_border(x, "w:bottom", "single", 4, 6, cs->background);
	dx_border(x, "w:right", "single", 4, 8, cs->background);
	mc_xml_close(x);
	dx_shade(x, cs->background);
	spacing(x, 0, 120, -1, NULL);
	ind(x, 227, 227, 0);
	mc_xml_close(x);
	mc_xml_close(x);
}

/* A document of several inputs: the description under its title
 * (Subtitle) and the table of contents' lines (toc 1, toc 2: a dotted
 * tab to the page number at the right margin). */
static void contents_styles(mc_xml *x, const mc_theme *t)
{
	style_open(x, "paragraph", "Subtitle", "Subtitle", "Normal", "Normal",
	           false);
	mc_xml_open(x, "w:pPr");
	spacing(x, 0, 360, -1, NULL);
	mc_xml_close(x);
	mc_xml_open(x, "w:rPr");
	fonts(x, t->fonts.heading);
	color_attr(x, "w:color", t->colors.muted);
	size(x, mc_theme_heading_size(t, 3));
	mc_xml_close(x);
	mc_xml_close(x);

	long right = dx_twips(mc_theme_text_width(t));
	for (int lv = 1; lv <= DX_TOC_LEVELS; lv++) {
		char id[16], name[16];
		snprintf(id, sizeof id, "TOC%d", lv);
		snprintf(name, sizeof name, "toc %d", lv);
		style_open(x, "paragraph", id, name, "Normal", "Normal", false);
		mc_xml_open(x, "w:pPr");
		mc_xml_open(x, "w:tabs");
		mc_xml_open(x, "w:tab");
		mc_xml_attr(x, "w:val", "right");
		mc_xml_attr(x, "w:leader", "dot");
		mc_xml_attrf(x, "w:pos", "%ld", right);
		mc_xml_close(x);
		mc_xml_close(x);
		spacing(x, lv == 1 ? 120 : 0, 60, -1, NULL);
		ind(x, 240L * (lv - 1), 0, 0);
		mc_xml_close(x);
		if (lv == 1) {
			mc_xml_open(x, "w:rPr");
			mc_xml_empty(x, "w:b", NULL);
			mc_xml_empty(x, "w:bCs", NULL);
			mc_xml_close(x);
		}
		mc_xml_close(x);
	}
}

void dx_lang(mc_xml *x, const char *lang)
{
	size_t k = strcspn(lang, "-_");
	bool cjk = k == 2 && (strncasecmp(lang, "zh", 2) == 0 ||
	                      strncasecmp(lang, "ja", 2) == 0 ||
	                      strncasecmp(lang, "ko", 2) == 0);
	mc_xml_open(x, "w:lang");
	mc_xml_attr(x, "w:val", lang);
	if (cjk)
		mc_xml_attr(x, "w:eastAsia", lang);
	if (mc_lang_rtl(lang))
		mc_xml_attr(x, "w:bidi", lang);
	mc_xml_close(x);
}

int dx_styles_xml(const dx *d, mc_buf *out)
{
	const mc_theme *t = d->theme;
	long line = mc_lround(t->line_height * 240.0);
	mc_xml xw, *x = &xw;
	mc_xml_init(x, out);
	mc_xml_decl(x);
	mc_xml_open(x, "w:styles");
	mc_xml_attr(x, "xmlns:w", W_NS);

	/* defaults */
	mc_xml_nl(x);
	mc_xml_open(x, "w:docDefaults");
	mc_xml_open(x, "w:rPrDefault");
	mc_xml_open(x, "w:rPr");
	fonts(x, t->fonts.body);
	size(x, t->sizes.body);
	dx_lang(x, d->doc->meta.lang && *d->doc->meta.lang ? d->doc->meta.lang
	                                                  : "en");
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_open(x, "w:pPrDefault");
	mc_xml_open(x, "w:pPr");
	spacing(x, 0, 160, line, "auto");
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "paragraph", "Normal", "Normal", NULL, NULL, true);
	mc_xml_open(x, "w:rPr");
	color_attr(x, "w:color", t->colors.text);
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "paragraph", "Title", "Title", "Normal", "Normal", false);
	mc_xml_open(x, "w:pPr");
	mc_xml_empty(x, "w:keepNext", NULL);
	spacing(x, 0, 240, 240, "auto");
	mc_xml_close(x);
	mc_xml_open(x, "w:rPr");
	fonts(x, t->fonts.heading);
	mc_xml_empty(x, "w:b", NULL);
	mc_xml_empty(x, "w:bCs", NULL);
	size(x, t->sizes.title);
	mc_xml_close(x);
	mc_xml_close(x);

	for (int lv = 1; lv <= 6; lv++) {
		char id[32], name[32];
		snprintf(id, sizeof id, "Heading%d", lv);
		snprintf(name, sizeof name, "heading %d", lv);
		style_open(x, "paragraph", id, name, "Normal", "Normal", false);
		mc_xml_open(x, "w:pPr");
		mc_xml_empty(x, "w:keepNext", NULL);
		mc_xml_empty(x, "w:keepLines", NULL);
		spacing(x, lv <= 2 ? 360 : 240, 120, 240, "auto");
		vall(x, "w:outlineLvl", lv - 1);
		mc_xml_close(x);
		mc_xml_open(x, "w:rPr");
		fonts(x, t->fonts.heading);
		mc_xml_empty(x, "w:b", NULL);
		mc_xml_empty(x, "w:bCs", NULL);
		size(x, mc_theme_heading_size(t, lv));
		mc_xml_close(x);
		mc_xml_close(x);
	}

	if (d->doc->meta.kind != MC_DOC_PAGE)
		contents_styles(x, t);

	style_open(x, "paragraph", "Quote", "Quote", "Normal", "Normal", false);
	mc_xml_open(x, "w:pPr");
	mc_xml_open(x, "w:pBdr");
	dx_border(x, "w:left", "single", 18, 10, t->colors.quote_rule);
	mc_xml_close(x);
	ind(x, 454, 454, 0);
	mc_xml_close(x);
	mc_xml_open(x, "w:rPr");
	mc_xml_empty(x, "w:i", NULL);
	mc_xml_empty(x, "w:iCs", NULL);
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "paragraph", "Attribution", "Attribution", "Quote",
	           "Normal", false);
	mc_xml_open(x, "w:pPr");
	dx_val(x, "w:jc", "right");
	mc_xml_close(x);
	mc_xml_open(x, "w:rPr");
	mc_xml_empty(x, "w:i", "w:val", "0", NULL);
	color_attr(x, "w:color", t->colors.muted);
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "paragraph", "ListParagraph", "List Paragraph", "Normal",
	           NULL, false);
	mc_xml_open(x, "w:pPr");
	spacing(x, -1, 60, -1, NULL);
	ind(x, 720, 0, 0);
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "paragraph", "Caption", "caption", "Normal", "Normal",
	           false);
	mc_xml_open(x, "w:pPr");
	dx_val(x, "w:jc", "center");
	mc_xml_close(x);
	mc_xml_open(x, "w:rPr");
	mc_xml_empty(x, "w:i", NULL);
	mc_xml_empty(x, "w:iCs", NULL);
	color_attr(x, "w:color", t->colors.muted);
	size(x, t->sizes.small);
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "paragraph", "Figure", "Figure", "Normal", "Caption",
	           false);
	mc_xml_open(x, "w:pPr");
	mc_xml_empty(x, "w:keepNext", NULL);
	dx_val(x, "w:jc", "center");
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "paragraph", "Code", "Code", "Normal", "Code", false);
	mc_xml_open(x, "w:pPr");
	dx_shade(x, t->colors.code_background);
	spacing(x, 0, 0, 240, "auto");
	ind(x, 113, 113, 0);
	mc_xml_close(x);
	mc_xml_open(x, "w:rPr");
	fonts(x, t->fonts.mono);
	mc_xml_empty(x, "w:noProof", NULL);
	size(x, t->sizes.code);
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "character", "VerbatimChar", "Verbatim Char", NULL, NULL,
	           false);
	mc_xml_open(x, "w:rPr");
	fonts(x, t->fonts.mono);
	mc_xml_empty(x, "w:noProof", NULL);
	size(x, t->sizes.code);
	dx_shade(x, t->colors.code_background);
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "character", "Hyperlink", "Hyperlink", NULL, NULL,
	           false);
	mc_xml_open(x, "w:rPr");
	color_attr(x, "w:color", t->colors.link);
	dx_val(x, "w:u", "single");
	mc_xml_close(x);
	mc_xml_close(x);

	/* the theme's muted grey, whose contrast the theme checks (Word's
	 * own #808080 is 3.95:1 on white) */
	style_open(x, "character", "PlaceholderText", "Placeholder Text", NULL,
	           NULL, false);
	mc_xml_open(x, "w:rPr");
	color_attr(x, "w:color", t->colors.muted);
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "character", "CalloutLabel", "Callout Label", NULL, NULL,
	           false);
	mc_xml_open(x, "w:rPr");
	fonts(x, t->fonts.heading);
	mc_xml_empty(x, "w:b", NULL);
	mc_xml_empty(x, "w:bCs", NULL);
	mc_xml_empty(x, "w:caps", NULL);
	size(x, t->sizes.small);
	mc_xml_close(x);
	mc_xml_close(x);

	for (int k = 0; k < MC_CALLOUT_HIGHLIGHT; k++)
		callout_style(x, t, (mc_callout_kind)k, 0);
	for (int v = 1; v <= MC_THEME_HIGHLIGHTS; v++)
		callout_style(x, t, MC_CALLOUT_HIGHLIGHT, v);

	style_open(x, "paragraph", "CalloutTitle", "Callout Title", "Normal",
	           "Normal", false);
	mc_xml_open(x, "w:pPr");
	mc_xml_empty(x, "w:keepNext", NULL);
	mc_xml_close(x);
	mc_xml_open(x, "w:rPr");
	fonts(x, t->fonts.heading);
	mc_xml_empty(x, "w:b", NULL);
	mc_xml_empty(x, "w:bCs", NULL);
	size(x, mc_theme_heading_size(t, 4));
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "paragraph", "Prompt", "Prompt", "ListParagraph",
	           "Answer", false);
	mc_xml_open(x, "w:pPr");
	mc_xml_empty(x, "w:keepNext", NULL);
	spacing(x, 120, 60, -1, NULL);
	mc_xml_close(x);
	mc_xml_close(x);

	long gap = dx_twips(t->answer.line_spacing);
	style_open(x, "paragraph", "Answer", "Answer", "Normal", "Normal",
	           false);
	mc_xml_open(x, "w:pPr");
	mc_xml_open(x, "w:pBdr");
	dx_border(x, "w:bottom", "single", 6, 1, t->answer.rule);
	mc_xml_close(x);
	spacing(x, 0, 160, gap > 0 ? gap : 454, "atLeast");
	ind(x, 720, 0, 0);
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "paragraph", "EmbedCard", "Embed Card", "Normal", NULL,
	           false);
	mc_xml_open(x, "w:pPr");
	spacing(x, 0, 60, -1, NULL);
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "paragraph", "FootnoteText", "footnote text", "Normal",
	           NULL, false);
	mc_xml_open(x, "w:pPr");
	spacing(x, 0, 60, 240, "auto");
	mc_xml_close(x);
	mc_xml_open(x, "w:rPr");
	size(x, t->sizes.small);
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "paragraph", "Header", "header", "Normal", NULL, false);
	mc_xml_open(x, "w:pPr");
	spacing(x, 0, 0, 240, "auto");
	mc_xml_close(x);
	mc_xml_open(x, "w:rPr");
	color_attr(x, "w:color", t->colors.muted);
	size(x, t->sizes.small);
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "paragraph", "Footer", "footer", "Header", NULL, false);
	mc_xml_open(x, "w:pPr");
	dx_val(x, "w:jc", "center");
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "paragraph", "HorizontalRule", "Horizontal Rule",
	           "Normal", "Normal", false);
	mc_xml_open(x, "w:pPr");
	mc_xml_open(x, "w:pBdr");
	dx_border(x, "w:bottom", "single", 6, 1, t->colors.rule);
	mc_xml_close(x);
	spacing(x, 0, 240, -1, NULL);
	mc_xml_close(x);
	mc_xml_close(x);

	style_open(x, "table", "TableGrid", "Table Grid", NULL, NULL, false);
	mc_xml_open(x, "w:pPr");
	spacing(x, 0, 0, -1, NULL);
	mc_xml_close(x);
	mc_xml_open(x, "w:tblPr");
	mc_xml_open(x, "w:tblBorders");
	dx_border(x, "w:top", "single", 4, 0, t->colors.table_border);
	dx_border(x, "w:left", "single", 4, 0, t->colors.table_border);
	dx_border(x, "w:bottom", "single", 4, 0, t->colors.table_border);
	dx_border(x, "w:right", "single", 4, 0, t->colors.table_border);
	dx_border(x, "w:insideH", "single", 4, 0, t->colors.table_border);
	dx_border(x, "w:insideV", "single", 4, 0, t->colors.table_border);
	mc_xml_close(x);
	mc_xml_open(x, "w:tblCellMar");
	mc_xml_empty(x, "w:top", "w:w", "57", "w:type", "dxa", NULL);
	mc_xml_empty(x, "w:left", "w:w", "108", "w:type", "dxa", NULL);
	mc_xml_empty(x, "w:bottom", "w:w", "57", "w:type", "dxa", NULL);
	mc_xml_empty(x, "w:right", "w:w", "108", "w:type", "dxa", NULL);
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_close(x);

	mc_xml_nl(x);
	mc_xml_close(x); /* w:styles */
	return mc_xml_finish(x);
}

/* Bullets by level, cycling: Unicode characters in the body font. */
static const char *const bullets[] = {"\xe2\x80\xa2", "\xe2\x97\xa6",
                                      "\xe2\x96\xaa"};
static const char *const numfmts[] = {"decimal", "lowerLetter",
                                      "lowerRoman"};

static void abstract_num(mc_xml *x, int id, bool ordered)
{
	mc_xml_nl(x);
	mc_xml_open(x, "w:abstractNum");
	mc_xml_attrf(x, "w:abstractNumId", "%d", id);
	dx_val(x, "w:multiLevelType", "hybridMultilevel");
	for (int lv = 0; lv < 9; lv++) {
		mc_xml_open(x, "w:lvl");
		mc_xml_attrf(x, "w:ilvl", "%d", lv);
		vall(x, "w:start", 1);
		if (ordered) {
			char txt[24];
			snprintf(txt, sizeof txt, "%%%d.", lv + 1);
			dx_val(x, "w:numFmt", numfmts[lv % 3]);
			dx_val(x, "w:lvlText", txt);
		} else {
			dx_val(x, "w:numFmt", "bullet");
			dx_val(x, "w:lvlText", bullets[lv % 3]);
		}
		dx_val(x, "w:lvlJc", "left");
		mc_xml_open(x, "w:pPr");
		ind(x, 720L * (lv + 1), 0, 360);
		mc_xml_close(x);
		mc_xml_close(x);
	}
	mc_xml_close(x);
}

int dx_numbering_xml(const dx *d, mc_buf *out)
{
	mc_xml xw, *x = &xw;
	mc_xml_init(x, out);
	mc_xml_decl(x);
	mc_xml_open(x, "w:numbering");
	mc_xml_attr(x, "xmlns:w", W_NS);
	abstract_num(x, 0, false);
	abstract_num(x, 1, true);
	for (size_t i = 0; i < d->nnums; i++) {
		const dx_num *n = &d->nums[i];
		mc_xml_nl(x);
		mc_xml_open(x, "w:num");
		mc_xml_attrf(x, "w:numId", "%zu", i + 1);
		vall(x, "w:abstractNumId", n->ordered ? 1 : 0);
		if (n->ordered) {
			mc_xml_open(x, "w:lvlOverride");
			mc_xml_attrf(x, "w:ilvl", "%d", n->level);
			vall(x, "w:startOverride", n->start);
			mc_xml_close(x);
		}
		mc_xml_close(x);
	}
	mc_xml_nl(x);
	mc_xml_close(x);
	return mc_xml_finish(x);
}
