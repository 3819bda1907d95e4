/* toc.c - the table of contents field and the page estimate behind
 * its cached page numbers. */
#include "docx_int.h"
#include "../../util/grow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the table of contents ---- */

bool dx_wants_toc(const mc_doc *doc)
{
	return doc->meta.kind == MC_DOC_MODULE ||
	       doc->meta.kind == MC_DOC_COURSE;
}

/* A heading the TOC field lists, as Word would: a paragraph in a Heading
 * style of the levels the field asks for. */
void dx_toc_entry(dx *d, int level, const char *text, const char *id)
{
	const char *mark = dx_mark_name(d, id);
	if (!d->want_toc || !mark)
		return;
	MC_GROW(d->toc, d->ntoc, d->captoc, 32);
	double h = mc_theme_text_height(d->theme);
	int page = d->est_page + (h > 0 ? (int)(d->est_used / h) : 0);
	d->toc[d->ntoc++] = (dx_toc){level, text ? text : "", mark, page};
}

/* Bytes of text under a node. */
static size_t text_len(const mc_node *n, int depth)
{
	if (n->type == MC_TEXT || n->type == MC_CODE)
		return n->as.text.text ? strlen(n->as.text.text) : 0;
	size_t len = 0;
	if (depth < MAX_NEST)
		for (const mc_node *k = n->first; k; k = k->next)
			len += text_len(k, depth + 1);
	return len;
}

/* Points that `chars` bytes of text of `size` take on lines `width`
 * points wide (an average glyph is about half an em). */
double dx_text_height(const dx *d, size_t chars, double size,
                      double width)
{
	double per_line = width / (size * 0.55);
	if (per_line < 10)
		per_line = 10;
	double lines = mc_ceil((double)(chars ? chars : 1) / per_line);
	return lines * size * d->theme->line_height;
}

static double est_height(const dx *d, const mc_node *n, double width,
                         int depth);

static double est_children(const dx *d, const mc_node *n, double width,
                           int depth)
{
	double h = 0;
	for (const mc_node *k = n->first; k; k = k->next)
		h += est_height(d, k, width, depth + 1);
	return h;
}

/* A rough height in points of a block set `width` points wide, for the
 * page numbers of the TOC's cached result: the spacing of the styles
 * (styles.c), the size images are shown at, a row of a table as tall as
 * its tallest cell.  Word recomputes them when it updates the field. */
static double est_height(const dx *d, const mc_node *n, double width,
                         int depth)
{
	const mc_theme *t = d->theme;
	double body = t->sizes.body, after = 8; /* Normal: 160 twips */
	if (depth > MAX_NEST)
		return 0;
	switch (n->type) {
	case MC_HEADING: {
		int lv = n->as.heading.level;
		return dx_text_height(d, text_len(n, depth),
		                      mc_theme_heading_size(t, lv), width) +
		       (lv <= 2 ? 18 : 12) + 6;
	}
	case MC_PARAGRAPH:
	case MC_CALLOUT_TITLE:
	case MC_SUMMARY:
	case MC_ATTRIBUTION:
	case MC_CAPTION:
		return dx_text_height(d, text_len(n, depth), body, width) +
		       after;
	case MC_CODE_BLOCK: {
		int lines = 1;
		for (const char *p = n->as.code.text; p && *p; p++)
			lines += *p == '\n';
		return lines * t->sizes.code * 1.2 + after;
	}
	case MC_THEMATIC_BREAK:
		return 2 * after;
	case MC_FIGURE: {
		const dx_media *m = n->as.image.path
		                            ? dx_image_known(d, n->as.image.path)
		                            : NULL;
		double h = 2 * body * t->line_height; /* the framed alt text */
		if (m) {
			double cx, cy;
			dx_image_extent(d, m, &n->as.image, dx_twips(width),
			                &cx, &cy);
			h = cy / EMU_PER_PT;
		}
		return h + after + est_children(d, n, width, depth);
	}
	case MC_EMBED:
		return t->embed.qr_size + 2 * body * t->line_height + after;
	case MC_ANSWER:
		if (n->as.answer.kind == MC_ANSWER_CHECKBOX)
			return body * t->line_height + after;
		return (n->as.answer.kind == MC_ANSWER_LINES ? n->as.answer.lines
		                                             : 1) *
		               t->answer.line_spacing +
		       after;
	case MC_TABLE: {
		double h = after;
		int cols = n->as.table.ncols > 0 ? n->as.table.ncols : 1;
		for (const mc_node *r = n->first; r; r = r->next) {
			double row = 0;
			for (const mc_node *c = r->first; c; c = c->next) {
				int span = c->as.cell.colspan > 0
				                   ? c->as.cell.colspan
				                   : 1;
				double ch = est_children(d, c,
				                         width * span / cols - 11,
				                         depth + 1) -
				            after;
				if (ch > row)
					row = ch;
			}
			h += row + 6;
		}
		return h;
	}
	case MC_LIST:
		return est_children(d, n, width - 36, depth);
	case MC_BLOCKQUOTE:
		return est_children(d, n, width - 45, depth);
	case MC_CALLOUT: /* label, and 6pt of box above and below */
		return t->sizes.small * t->line_height + 18 +
		       est_children(d, n, width - 23, depth);
	default:
		return est_children(d, n, width, depth);
	}
}

/* A block's height added to the page estimate.  A block that cannot
 * break (an image, a card, a heading kept with two lines of what
 * follows) moves to the next page when the rest of this one is too
 * short, leaving that rest empty. */
void dx_est_add(dx *d, const mc_node *n, int depth)
{
	const mc_theme *t = d->theme;
	double page = mc_theme_text_height(t);
	double h = est_height(d, n, mc_theme_text_width(t), depth);
	double keep = n->type == MC_FIGURE || n->type == MC_EMBED ? h
	              : n->type == MC_HEADING
	                      ? h + 2 * t->sizes.body * t->line_height
	                      : 0;
	if (page > 0 && keep > 0 && keep <= page) {
		double on_page = mc_fmod(d->est_used, page);
		if (on_page + keep > page)
			d->est_used += page - on_page;
	}
	d->est_used += h;
}

static void fld_char(mc_xml *x, const char *type)
{
	mc_xml_open(x, "w:r");
	mc_xml_empty(x, "w:fldChar", "w:fldCharType", type, NULL);
	mc_xml_close(x);
}

static void instr(mc_xml *x, const char *code)
{
	mc_xml_open(x, "w:r");
	mc_xml_open(x, "w:instrText");
	mc_xml_attr(x, "xml:space", "preserve");
	mc_xml_text(x, code);
	mc_xml_close(x);
	mc_xml_close(x);
}

/* The TOC field: begin and instruction in the first entry's paragraph,
 * then one paragraph per entry (a link to the heading's bookmark, a tab
 * and a PAGEREF field whose cached page is an estimate), the end in a
 * paragraph of its own.  Word rebuilds it on open (w:updateFields);
 * LibreOffice shows it as it is.  Written with its own writer into out;
 * returns 0, or -1 if its XML came out unbalanced (a bug). */
static int toc_xml(dx *d, mc_buf *out)
{
	mc_xml xw, *x = &xw;
	mc_xml_init(x, out);
	for (size_t i = 0; i < d->ntoc || i == 0; i++) {
		const dx_toc *e = d->ntoc ? &d->toc[i] : NULL;
		mc_xml_nl(x);
		mc_xml_open(x, "w:p");
		mc_xml_open(x, "w:pPr");
		dx_val(x, "w:pStyle", e && e->level > 1 ? "TOC2" : "TOC1");
		mc_xml_close(x);
		if (i == 0) {
			fld_char(x, "begin");
			instr(x, " TOC \\o \"1-2\" \\h \\z \\u ");
			fld_char(x, "separate");
		}
		if (e) {
			mc_xml_open(x, "w:hyperlink");
			mc_xml_attr(x, "w:anchor", e->mark);
			mc_xml_attr(x, "w:history", "1");
			mc_xml_open(x, "w:r");
			mc_xml_open(x, "w:t");
			mc_xml_attr(x, "xml:space", "preserve");
			mc_xml_text(x, e->text);
			mc_xml_close(x);
			mc_xml_close(x);
			mc_xml_open(x, "w:r");
			mc_xml_empty(x, "w:tab", NULL);
			mc_xml_close(x);
			char code[80];
			snprintf(code, sizeof code, " PAGEREF %s \\h ", e->mark);
			fld_char(x, "begin");
			instr(x, code);
			fld_char(x, "separate");
			mc_xml_open(x, "w:r");
			mc_xml_open(x, "w:t");
			char num[24];
			snprintf(num, sizeof num, "%d", e->page);
			mc_xml_text(x, num);
			mc_xml_close(x);
			mc_xml_close(x);
			fld_char(x, "end");
			mc_xml_close(x); /* hyperlink */
		}
		mc_xml_close(x); /* p */
	}
	mc_xml_nl(x);
	mc_xml_open(x, "w:p");
	fld_char(x, "end");
	mc_xml_close(x);
	mc_xml_nl(x);
	return mc_xml_finish(x);
}


/* The height in points of the TOC field's lines, for the page estimate:
 * the level-1/2 headings outside lists and tables, counted before they
 * are written (toc 1 lines have 6pt before, both 3pt after). */
double dx_est_toc_height(const dx *d)
{
	const mc_theme *t = d->theme;
	double line = t->sizes.body * t->line_height + 3;
	double h = line; /* the field's end */
	mc_iter it;
	mc_iter_init(&it, d->doc->root);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		const mc_node *n = it.cur;
		if (ev != MC_EVENT_ENTER || n->type != MC_HEADING ||
		    n->as.heading.level > DX_TOC_LEVELS)
			continue;
		bool boxed = false;
		for (const mc_node *a = n->parent; a && !boxed; a = a->parent)
			boxed = a->type == MC_ITEM || a->type == MC_TABLE_CELL;
		if (!boxed)
			h += line + (n->as.heading.level == 1 ? 6 : 0);
	}
	return h;
}

/* The TOC field into word/document.xml at byte `at` (after the title).
 * Returns 0, or -1 if its XML came out unbalanced (a bug). */
int dx_splice_toc(dx *d, size_t at)
{
	mc_buf toc = MC_BUF_INIT;
	if (toc_xml(d, &toc) != 0) {
		mc_buf_free(&toc);
		return -1;
	}
	mc_buf all = MC_BUF_INIT;
	mc_buf_grow(&all, d->doc_xml.len + toc.len);
	mc_buf_put(&all, d->doc_xml.data, at);
	mc_buf_put(&all, toc.data, toc.len);
	mc_buf_put(&all, d->doc_xml.data + at, d->doc_xml.len - at);
	mc_buf_free(&toc);
	mc_buf_free(&d->doc_xml);
	d->doc_xml = all;
	return 0;
}

