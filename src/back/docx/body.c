/* body.c - word/document.xml: the model's blocks and inlines as
 * WordprocessingML.
 *
 * One recursive walk over the tree.  Paragraph properties are written in
 * the order ECMA-376 Part 1, 17.3.1.26 prescribes (pStyle, keepNext,
 * numPr, pBdr, shd, spacing, ind, jc), run properties in 17.3.2.28 order
 * (rStyle, rFonts, b, i, caps, strike, color, sz, vertAlign), content
 * control properties in 17.5.2.38 order (alias, tag, id, showingPlcHdr,
 * then the type), because Word refuses a part that breaks the sequence.
 *
 * Worksheet fields: a prompt's MC_ANSWER becomes a block-level plain-text
 * content control (w:sdt with w:text w:multiLine="1"), which LibreOffice
 * 7.4 imports as an input field and Word as a fillable control; a
 * checkbox becomes a w14:checkbox control; an inline blank an inline
 * plain-text control.  With opts.legacy_fields they are FORMTEXT and
 * FORMCHECKBOX fields instead, for readers older than Word 2010.  Each
 * field has a title a screen reader announces: a control's w:alias, a
 * legacy field's help and status text (its prompt, else "Answer 3").
 *
 * Accessibility: pictures carry their alt text (wp:docPr descr, or Word's
 * decorative mark when there is nothing to say), leading header rows
 * w:tblHeader, headings their outline levels (Heading N styles; a page's
 * Title and a heading in a list or table by w:outlineLvl).
 *
 * Documents of several inputs (MC_SECTION): each section's title paragraph
 * has w:pageBreakBefore, except the document's first block and a part's
 * first chapter when nothing comes between it and the part's title.  A
 * module or course opens with its title, description and a TOC field
 * (spliced in after the walk, once the headings are known) whose cached
 * result links every level-1/2 heading set in a Heading style, with page
 * numbers estimated from the model; settings.xml asks Word to update it. */
#include "docx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than this, a subtree is printed as its plain text: Word cannot
 * show hundreds of nested boxes, and the walk stays bounded. */
#define MAX_NEST 300
#define EMU_PER_PX 9525L
#define EMU_PER_PT 12700L

/* Run properties inherited by inlines. */
typedef struct rp {
	bool b, i, strike, code, link, placeholder;
	bool box;      /* framed (a form control, w:bdr) */
	int vert;      /* 0, 1 superscript, 2 subscript */
	double size;   /* points, 0: the style's */
	uint32_t color;
	bool has_color;
	const char *lang; /* the text's language where it is not the
	                     document's, else NULL */
	bool rtl;         /* right-to-left text (w:rtl) */
} rp;

/* Paragraph properties of one paragraph. */
typedef struct para {
	const char *style; /* NULL: the context's default */
	bool keep_next;
	long ind_left;     /* < 0: the style's */
	long after;        /* < 0: the style's */
	const char *jc;    /* NULL: the style's */
	long before;       /* > 0: space before, else the style's */
	bool page_break;   /* starts a new page */
	mc_dir dir;        /* MC_DIR_NONE: the document's; RTL: w:bidi */
	int outline;       /* 1..6: a heading of that level (w:outlineLvl)
	                      where its style does not say so; 0: the
	                      style's */
	int rule;          /* > 0: an answer's writing line, a bottom border
	                      this many points below the text (answer()) */
} para;

typedef struct ctx {
	int item_num;      /* numId for the pending item paragraph, 0 none */
	int item_lvl;
	mc_task item_task;
	bool item_pending; /* the next paragraph starts a list item */
	bool item_prompt;
	const char *item_label; /* a task item's text, for its control */
	bool in_quote;
	bool in_table;
	const char *mark;  /* anchor id to bookmark in the next paragraph */
	bool break_next;   /* the next paragraph starts a new page */
} ctx;

static void blocks(dx *d, ctx *c, const mc_node *first, int depth);
static void image_extent(const dx *d, const dx_media *m, const mc_image *im,
                         long max_width, double *out_cx, double *out_cy);
static long level_indent(int lvl);
static void inlines(dx *d, const mc_node *first, const rp *r, int depth);

/* ---- small writers ---- */


/* Bookmark names: Word wants at most 40 characters, letters, digits and
 * '_', starting with a letter.  Made unique with the mark's index. */
static int mark_cmp(const void *a, const void *b)
{
	return strcmp(((const dx_mark *)a)->id, ((const dx_mark *)b)->id);
}

static void collect_marks(dx *d)
{
	size_t n = 0;
	mc_iter it;
	mc_iter_init(&it, d->doc->root);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE)
		if (ev == MC_EVENT_ENTER && it.cur->id && *it.cur->id)
			n++;
	d->marks = n ? mc_xcalloc(n, sizeof *d->marks) : NULL;
	mc_iter_init(&it, d->doc->root);
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		if (ev != MC_EVENT_ENTER || !it.cur->id || !*it.cur->id)
			continue;
		dx_mark *m = &d->marks[d->nmarks];
		m->id = it.cur->id;
		size_t k = 0;
		m->name[k++] = 'm';
		for (const char *p = m->id; *p && k < 30; p++) {
			char ch = *p;
			bool ok = (ch >= 'a' && ch <= 'z') ||
			          (ch >= 'A' && ch <= 'Z') ||
			          (ch >= '0' && ch <= '9');
			m->name[k++] = ok ? ch : '_';
		}
		snprintf(m->name + k, sizeof m->name - k, "_%zu", d->nmarks);
		d->nmarks++;
	}
	if (d->nmarks > 1)
		qsort(d->marks, d->nmarks, sizeof *d->marks, mark_cmp);
}

static const char *mark_name(const dx *d, const char *id)
{
	if (!d->nmarks || !id)
		return NULL;
	dx_mark key;
	key.id = id;
	const dx_mark *m = bsearch(&key, d->marks, d->nmarks, sizeof *d->marks,
	                           mark_cmp);
	if (!m)
		return NULL;
	while (m > d->marks && strcmp(m[-1].id, id) == 0)
		m--;
	return m->name;
}

static void bookmark_named(dx *d, const char *name)
{
	int n = d->next_bm++;
	mc_xml_open(&d->x, "w:bookmarkStart");
	mc_xml_attrf(&d->x, "w:id", "%d", n);
	mc_xml_attr(&d->x, "w:name", name);
	mc_xml_close(&d->x);
	mc_xml_open(&d->x, "w:bookmarkEnd");
	mc_xml_attrf(&d->x, "w:id", "%d", n);
	mc_xml_close(&d->x);
}

/* The bookmark of an anchor id, once: Word refuses two bookmarks of one
 * name. */
static void bookmark(dx *d, const char *id)
{
	if (!d->nmarks || !id)
		return;
	dx_mark key;
	key.id = id;
	dx_mark *m = bsearch(&key, d->marks, d->nmarks, sizeof *d->marks,
	                     mark_cmp);
	if (!m)
		return;
	/* ids may repeat outside headings: mark every entry of this id */
	while (m > d->marks && strcmp(m[-1].id, id) == 0)
		m--;
	if (m->used)
		return;
	for (dx_mark *k = m; k < d->marks + d->nmarks && strcmp(k->id, id) == 0;
	     k++)
		k->used = true;
	bookmark_named(d, m->name);
}

/* ---- the table of contents ---- */

bool dx_wants_toc(const mc_doc *doc)
{
	return doc->meta.kind == MC_DOC_MODULE ||
	       doc->meta.kind == MC_DOC_COURSE;
}

/* A heading the TOC field lists, as Word would: a paragraph in a Heading
 * style of the levels the field asks for. */
static void toc_entry(dx *d, int level, const char *text, const char *id)
{
	const char *mark = mark_name(d, id);
	if (!d->want_toc || !mark)
		return;
	if (d->ntoc == d->captoc) {
		d->captoc = d->captoc ? d->captoc * 2 : 32;
		d->toc = mc_xrealloc(d->toc, d->captoc * sizeof *d->toc);
	}
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
static double text_height(const dx *d, size_t chars, double size,
                          double width)
{
	double per_line = width / (size * 0.55);
	if (per_line < 10)
		per_line = 10;
	double lines = ceil((double)(chars ? chars : 1) / per_line);
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
		return text_height(d, text_len(n, depth),
		                   mc_theme_heading_size(t, lv), width) +
		       (lv <= 2 ? 18 : 12) + 6;
	}
	case MC_PARAGRAPH:
	case MC_CALLOUT_TITLE:
	case MC_SUMMARY:
	case MC_ATTRIBUTION:
	case MC_CAPTION:
		return text_height(d, text_len(n, depth), body, width) + after;
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
			image_extent(d, m, &n->as.image, dx_twips(width), &cx,
			             &cy);
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
static void est_add(dx *d, const mc_node *n, int depth)
{
	const mc_theme *t = d->theme;
	double page = mc_theme_text_height(t);
	double h = est_height(d, n, mc_theme_text_width(t), depth);
	double keep = n->type == MC_FIGURE || n->type == MC_EMBED ? h
	              : n->type == MC_HEADING
	                      ? h + 2 * t->sizes.body * t->line_height
	                      : 0;
	if (page > 0 && keep > 0 && keep <= page) {
		double on_page = fmod(d->est_used, page);
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

/* ---- runs ---- */

static void rpr(dx *d, const rp *r)
{
	mc_xml *x = &d->x;
	if (!r || !(r->b || r->i || r->strike || r->code || r->link ||
	            r->placeholder || r->vert || r->size > 0 || r->has_color ||
	            r->lang || r->rtl || r->box))
		return;
	mc_xml_open(x, "w:rPr");
	if (r->placeholder)
		dx_val(x, "w:rStyle", "PlaceholderText");
	else if (r->link)
		dx_val(x, "w:rStyle", "Hyperlink");
	else if (r->code)
		dx_val(x, "w:rStyle", "VerbatimChar");
	if (r->code && (r->link || r->placeholder)) {
		mc_xml_empty(x, "w:rFonts",
			     "w:ascii", d->theme->fonts.mono,
			     "w:hAnsi", d->theme->fonts.mono,
			     NULL);
	}
	if (r->b) {
		mc_xml_empty(x, "w:b", NULL);
		mc_xml_empty(x, "w:bCs", NULL);
	}
	if (r->i) {
		mc_xml_empty(x, "w:i", NULL);
		mc_xml_empty(x, "w:iCs", NULL);
	}
	if (r->strike)
		mc_xml_empty(x, "w:strike", NULL);
	if (r->has_color) {
		mc_xml_open(x, "w:color");
		mc_xml_attrf(x, "w:val", "%06X",
		             (unsigned)(r->color & 0xFFFFFF));
		mc_xml_close(x);
	}
	if (r->size > 0) {
		long hp = lround(r->size * 2);
		mc_xml_open(x, "w:sz");
		mc_xml_attrf(x, "w:val", "%ld", hp);
		mc_xml_close(x);
		mc_xml_open(x, "w:szCs");
		mc_xml_attrf(x, "w:val", "%ld", hp);
		mc_xml_close(x);
	}
	if (r->box) /* CT_RPr order: ... sz, szCs, highlight, u, bdr */
		mc_xml_empty(x, "w:bdr", "w:val", "single", "w:sz", "4",
		             "w:space", "0", "w:color", "808080", NULL);
	if (r->vert)
		dx_val(x, "w:vertAlign", r->vert == 1 ? "superscript" : "subscript");
	/* CT_RPr order: ... vertAlign, rtl, cs, em, lang */
	if (r->rtl)
		mc_xml_empty(x, "w:rtl", NULL);
	if (r->lang)
		dx_lang(x, r->lang);
	mc_xml_close(x);
}

/* The language and direction of the text of node n (a block of inlines
 * or a span) into its run properties, and its paragraph's direction. */
static void lang_at(const dx *d, const mc_node *n, rp *r, mc_dir *dir)
{
	const char *l = mc_node_lang(d->doc, n);
	r->lang = mc_lang_same(l, d->doc->meta.lang) ? NULL : l;
	r->rtl = mc_node_dir(d->doc, n) == MC_DIR_RTL;
	if (dir)
		*dir = r->rtl ? MC_DIR_RTL : MC_DIR_LTR;
}

/* A run of text; tabs and newlines become w:tab and w:br. */
static void run(dx *d, const char *s, const rp *r)
{
	if (!s || !*s)
		return;
	mc_xml *x = &d->x;
	mc_xml_open(x, "w:r");
	rpr(d, r);
	const char *p = s;
	while (*p) {
		size_t n = strcspn(p, "\t\n");
		if (n) {
			mc_xml_open(x, "w:t");
			mc_xml_attr(x, "xml:space", "preserve");
			mc_xml_textn(x, p, n);
			mc_xml_close(x);
		}
		p += n;
		if (*p == '\t')
			mc_xml_empty(x, "w:tab", NULL);
		else if (*p == '\n')
			mc_xml_empty(x, "w:br", NULL);
		if (*p)
			p++;
	}
	mc_xml_close(x);
}

/* ---- drawings ---- */

/* The non-visual properties screen readers read: descr (the alternative
 * text), title, or, with no text at all, Word's "decorative" mark (so that
 * the picture is skipped rather than read out as its file name). */
static void nv_props(mc_xml *x, int id, const char *name, const char *descr,
                     const char *title, bool docpr)
{
	mc_xml_attrf(x, "id", "%d", id);
	mc_xml_attr(x, "name", name);
	mc_xml_attr(x, "descr", descr);
	if (title && *title)
		mc_xml_attr(x, "title", title);
	if (docpr && !*descr) {
		mc_xml_open(x, "a:extLst");
		mc_xml_open(x, "a:ext");
		mc_xml_attr(x, "uri", "{C183D7F6-B498-43B3-948B-1728B52AA6E4}");
		mc_xml_empty(x, "adec:decorative",
			     "xmlns:adec", "http://schemas.microsoft.com/office/"
			                   "drawing/2017/decorative",
			     "val", "1",
			     NULL);
		mc_xml_close(x);
		mc_xml_close(x);
	}
}

static void drawing(dx *d, const dx_media *m, long cx, long cy,
                    const char *descr, const char *title)
{
	if (!descr)
		descr = "";
	mc_xml *x = &d->x;
	int id = d->next_docpr++;
	mc_xml_open(x, "w:r");
	mc_xml_open(x, "w:drawing");
	mc_xml_open(x, "wp:inline");
	mc_xml_attr(x, "distT", "0");
	mc_xml_attr(x, "distB", "0");
	mc_xml_attr(x, "distL", "0");
	mc_xml_attr(x, "distR", "0");
	mc_xml_open(x, "wp:extent");
	mc_xml_attrf(x, "cx", "%ld", cx);
	mc_xml_attrf(x, "cy", "%ld", cy);
	mc_xml_close(x);
	mc_xml_empty(x, "wp:effectExtent",
		     "l", "0",
		     "t", "0",
		     "r", "0",
		     "b", "0",
		     NULL);
	char name[32];
	snprintf(name, sizeof name, "Picture %d", id);
	mc_xml_open(x, "wp:docPr");
	nv_props(x, id, name, descr, title, true);
	mc_xml_close(x);
	mc_xml_open(x, "wp:cNvGraphicFramePr");
	mc_xml_empty(x, "a:graphicFrameLocks", "noChangeAspect", "1", NULL);
	mc_xml_close(x);
	mc_xml_open(x, "a:graphic");
	mc_xml_open(x, "a:graphicData");
	mc_xml_attr(x, "uri",
	            "http://schemas.openxmlformats.org/drawingml/2006/picture");
	mc_xml_open(x, "pic:pic");
	mc_xml_open(x, "pic:nvPicPr");
	mc_xml_open(x, "pic:cNvPr");
	nv_props(x, id, m->name, descr, title, false);
	mc_xml_close(x);
	mc_xml_open(x, "pic:cNvPicPr");
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_open(x, "pic:blipFill");
	mc_xml_empty(x, "a:blip", "r:embed", m->rid, NULL);
	mc_xml_open(x, "a:stretch");
	mc_xml_empty(x, "a:fillRect", NULL);
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_open(x, "pic:spPr");
	mc_xml_open(x, "a:xfrm");
	mc_xml_empty(x, "a:off", "x", "0", "y", "0", NULL);
	mc_xml_open(x, "a:ext");
	mc_xml_attrf(x, "cx", "%ld", cx);
	mc_xml_attrf(x, "cy", "%ld", cy);
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_open(x, "a:prstGeom");
	mc_xml_attr(x, "prst", "rect");
	mc_xml_empty(x, "a:avLst", NULL);
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_close(x); /* pic:pic */
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_close(x); /* wp:inline */
	mc_xml_close(x);
	mc_xml_close(x);
}

/* What describes image or figure n to a screen reader: its alt text, else
 * its title, else its caption, else (an image that is a link) where the
 * link goes; "" when nothing does (the picture is then decorative).
 * Owned by the document's arena or the node. */
static const char *image_descr(const dx *d, const mc_node *n)
{
	const mc_image *im = &n->as.image;
	if (im->alt && *im->alt)
		return im->alt;
	if (im->title && *im->title)
		return im->title;
	for (const mc_node *k = n->first; k; k = k->next)
		if (k->type == MC_CAPTION) {
			const char *t = mc_node_plain_text((mc_doc *)d->doc, k);
			if (t && *t)
				return t;
		}
	if (im->href && *im->href)
		return im->href;
	for (const mc_node *a = n->parent; a; a = a->parent)
		if (a->type == MC_LINK && a->as.link.url && *a->as.link.url)
			return a->as.link.url;
	return "";
}

/* An image at its true aspect ratio: the requested CSS width (or height),
 * else its natural size at 96 dpi, no wider than the room it has (a table
 * cell's, or the text width less a list's or a callout's indent).  An
 * image in running text small enough for a line (a third of the width,
 * two lines high: an icon, a badge) is at most as high as the text, as
 * the PDF sets it. */
static bool image_run(dx *d, const mc_node *n)
{
	const mc_image *im = &n->as.image;
	if (!im->path)
		return false;
	dx_media *m = dx_image(d, im->path, NULL);
	if (!m)
		return false;
	long room = d->max_width;
	if (room <= 0) {
		room = lround(mc_theme_text_width(d->theme) * 20);
		if (d->list_level >= 0)
			room -= level_indent(d->list_level);
		if (d->callout)
			room -= 2 * 227;
		if (room < 720)
			room = 720;
	}
	double cx, cy;
	image_extent(d, m, im, room, &cx, &cy);
	const mc_theme *t = d->theme;
	double text = t->sizes.body * EMU_PER_PT;
	if (n->type == MC_IMAGE && cx <= room * 635.0 / 3 &&
	    cy <= 2 * text * t->line_height && cy > text * 1.15) {
		cx *= text * 1.15 / cy;
		cy = text * 1.15;
	}
	drawing(d, m, lround(cx), lround(cy), image_descr(d, n), im->title);
	return true;
}

/* The size in EMU an image is shown at, no wider than max_width twips
 * (0: the text width). */
static void image_extent(const dx *d, const dx_media *m, const mc_image *im,
                         long max_width, double *out_cx, double *out_cy)
{
	double w = (double)m->px_w, h = (double)m->px_h;
	double cx, cy;
	if (im->width > 0) {
		cx = im->width;
		cy = cx * h / w;
	} else if (im->height > 0) {
		cy = im->height;
		cx = cy * w / h;
	} else {
		cx = w;
		cy = h;
	}
	cx *= EMU_PER_PX;
	cy *= EMU_PER_PX;
	double maxw = max_width > 0 ? max_width * 635.0 /* EMU a twip */
	                            : mc_theme_text_width(d->theme) *
	                                      EMU_PER_PT;
	double maxh = mc_theme_text_height(d->theme) * 0.9 * EMU_PER_PT;
	if (maxw > 0 && cx > maxw) {
		cy *= maxw / cx;
		cx = maxw;
	}
	if (maxh > 0 && cy > maxh) {
		cx *= maxh / cy;
		cy = maxh;
	}
	if (cx < 1)
		cx = 1;
	if (cy < 1)
		cy = 1;
	*out_cx = cx;
	*out_cy = cy;
}

/* A local image that is not PNG, JPEG or GIF (or cannot be read): said
 * once where it is used; its description is printed instead. */
static void image_unusable(dx *d, const mc_node *n)
{
	mc_image_why why;
	if (n->as.image.path && !dx_image(d, n->as.image.path, &why))
		mc_warn(d->diag, n->line, n->col,
		        "image \"%s\" cannot be used (%s); its alt text is "
		        "shown instead",
		        n->as.image.src, why.text);
}

/* ---- worksheet fields ---- */

/* At most n bytes of s, cut at a UTF-8 character boundary. */
static size_t utf8_cut(const char *s, size_t n)
{
	size_t len = strlen(s);
	if (len <= n)
		return len;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* The title a screen reader announces for a field: its prompt or task
 * text, else "Answer 3", "Task 2", "Blank 5" (into buf). */
static const char *field_title(const char *tag, const char *label,
                               int number, char *buf, size_t n)
{
	if (label && *label)
		return label;
	const char *kind = !strcmp(tag, "task")    ? "Task"
	                   : !strcmp(tag, "blank") ? "Blank"
	                                           : "Answer";
	snprintf(buf, n, "%s %d", kind, number);
	return buf;
}

/* A content control's title (w:alias) and tag (w:tag) are ST_String in
 * ECMA-376, with no length limit, and MS-OI29500 notes none for them;
 * Word's Content Control Properties take at most 64 characters for
 * each, so the writer keeps to that (counted in UTF-16 units, as Word
 * counts). */
#define SDT_NAME_MAX 64

/* s cut to at most max UTF-16 units (not bytes), at a word boundary
 * when it is longer, with "…" after the cut; appended to out. */
static void cut_at_word(mc_buf *out, const char *s, size_t max)
{
	size_t units = 0, i = 0, len = strlen(s);
	while (i < len) {
		/* a 4-byte sequence is a surrogate pair: two units */
		size_t u = ((unsigned char)s[i] >= 0xF0) ? 2 : 1;
		if (units + u > max)
			break;
		units += u;
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
	}
	if (i >= len) {
		mc_buf_put(out, s, len);
		return;
	}
	/* room for the ellipsis: back one character, then to a space */
	size_t end = i;
	do
		end--;
	while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80);
	size_t sp = end;
	while (sp > 0 && s[sp] != ' ')
		sp--;
	if (sp > 0)
		end = sp;
	while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == ',' ||
	                   s[end - 1] == ';' || s[end - 1] == ':'))
		end--;
	mc_buf_put(out, s, end);
	mc_buf_puts(out, "\xe2\x80\xa6");
}

/* A field's tag: "worksheet-slug/KIND-N" (the worksheet's title as a
 * slug, mc_field_slug) when the field is in a worksheet, else "KIND-N";
 * a Name or Date blank of a worksheet: "worksheet-slug/name". */
static void field_tag(dx *d, const mc_node *n, const char *kind,
                      int number, mc_buf *tag)
{
	mc_buf g = MC_BUF_INIT;
	const char *role = n && n->type == MC_BLANK
	                   ? mc_blank_role(n, d->theme->worksheet.name_label,
	                                   d->theme->worksheet.date_label)
	                   : NULL;
	if (n && mc_field_worksheet(n, &g)) {
		mc_buf_putc(&g, '\0');
		mc_field_slug(g.data, tag, 40);
		mc_buf_putc(tag, '/');
	}
	mc_buf_free(&g);
	if (role)
		mc_buf_puts(tag, role);
	else
		mc_buf_printf(tag, "%s-%d", kind, number);
	mc_buf_putc(tag, '\0');
}

/* A content control's title (w:alias: what Word shows on the control
 * and screen readers announce: the prompt, cut at a word), tag
 * (field_tag, for `mentorconv collect` and other scripts reading the
 * answers back) and id.  n is the field's node (NULL: a task-list box). */
static void sdt_names(dx *d, const char *tag, const char *label,
                      int number, const mc_node *n)
{
	mc_xml *x = &d->x;
	char fallback[48];
	const char *role = n && n->type == MC_BLANK
	                   ? mc_blank_role(n, d->theme->worksheet.name_label,
	                                   d->theme->worksheet.date_label)
	                   : NULL;
	const char *a = role ? (!strcmp(role, "name")
	                                ? d->theme->worksheet.name_label
	                                : d->theme->worksheet.date_label)
	                     : field_title(tag, label, number, fallback,
	                                   sizeof fallback);
	mc_buf alias = MC_BUF_INIT;
	cut_at_word(&alias, a, SDT_NAME_MAX);
	mc_buf_putc(&alias, '\0');
	mc_xml_empty(x, "w:alias", "w:val", alias.data, NULL);
	mc_buf_free(&alias);
	mc_buf t = MC_BUF_INIT;
	field_tag(d, n, tag, number, &t);
	mc_xml_empty(x, "w:tag", "w:val", t.data, NULL);
	mc_buf_free(&t);
	mc_xml_open(x, "w:id");
	mc_xml_attrf(x, "w:val", "%d", d->next_field++);
	mc_xml_close(x);
}

/* A legacy form field's w:ffData up to its type: the bookmark name
 * (PREFIX + number), then the title as help text (F1, which screen
 * readers read for a legacy field) and status bar text. */
static void ff_names(dx *d, const char *prefix, const char *tag,
                     int number, const char *label)
{
	mc_xml *x = &d->x;
	mc_xml_open(x, "w:name");
	if (number < 0) /* the worksheet's Name and Date: no number */
		mc_xml_attr(x, "w:val", prefix);
	else
		mc_xml_attrf(x, "w:val", "%s%d", prefix, number);
	mc_xml_close(x);
	mc_xml_empty(x, "w:enabled", NULL);
	dx_val(x, "w:calcOnExit", "0");
	char fallback[48];
	const char *t = field_title(tag, label, number, fallback,
	                            sizeof fallback);
	mc_buf h = MC_BUF_INIT;
	/* ST_FFStatusTextVal: at most 140 characters (help text: 256) */
	mc_buf_put(&h, t, utf8_cut(t, 138));
	mc_xml_empty(x, "w:helpText", "w:type", "text", "w:val", h.data,
		     NULL);
	mc_xml_empty(x, "w:statusText", "w:type", "text", "w:val", h.data,
		     NULL);
	mc_buf_free(&h);
}

/* The runs of a content control's placeholder text. */
static void placeholder_run(dx *d, const char *text)
{
	rp r = {0};
	r.placeholder = true;
	run(d, text, &r);
}

/* An answer control's hint ("Type your answer here"), shown while
 * w:showingPlcHdr says the control holds no answer.  Word shows it in the
 * PlaceholderText style and drops it at the first keystroke; LibreOffice
 * (7.4) instead imports a plain-text control as an input field whose
 * content is whatever the control holds, so it would print the hint on
 * every answer and keep it as the answer.  The hint is therefore the
 * Choice of a markup-compatibility block that requires the Word 2013
 * namespace (w15), which Word 2013 and later take; a consumer that does
 * not know w15, LibreOffice among them, takes the empty Fallback and sees
 * an empty field.  (Word 2010 shows an empty control titled with the
 * prompt.) */
static void answer_hint(dx *d, const char *text)
{
	mc_xml *x = &d->x;
	mc_xml_open(x, "mc:AlternateContent");
	mc_xml_open(x, "mc:Choice");
	mc_xml_attr(x, "Requires", "w15");
	placeholder_run(d, text);
	mc_xml_close(x);
	mc_xml_empty(x, "mc:Fallback", NULL);
	mc_xml_close(x);
}

static void checkbox_sdt(dx *d, const char *tag, bool checked,
                         const char *label, int number, const mc_node *n)
{
	mc_xml *x = &d->x;
	if (d->opts.legacy_fields) {
		mc_xml_open(x, "w:r");
		mc_xml_open(x, "w:fldChar");
		mc_xml_attr(x, "w:fldCharType", "begin");
		mc_xml_open(x, "w:ffData");
		ff_names(d, "Check", tag, number, label);
		mc_xml_open(x, "w:checkBox");
		mc_xml_empty(x, "w:sizeAuto", NULL);
		dx_val(x, "w:default", checked ? "1" : "0");
		mc_xml_close(x);
		mc_xml_close(x);
		mc_xml_close(x);
		mc_xml_close(x);
		mc_xml_open(x, "w:r");
		mc_xml_open(x, "w:instrText");
		mc_xml_attr(x, "xml:space", "preserve");
		mc_xml_text(x, " FORMCHECKBOX ");
		mc_xml_close(x);
		mc_xml_close(x);
		mc_xml_open(x, "w:r");
		mc_xml_empty(x, "w:fldChar", "w:fldCharType", "end", NULL);
		mc_xml_close(x);
	} else {
		mc_xml_open(x, "w:sdt");
		mc_xml_open(x, "w:sdtPr");
		sdt_names(d, tag, label, number, n);
		mc_xml_open(x, "w14:checkbox");
		mc_xml_empty(x, "w14:checked",
			     "w14:val", checked ? "1" : "0",
			     NULL);
		mc_xml_empty(x, "w14:checkedState",
			     "w14:val", "2612",
			     "w14:font", "MS Gothic",
			     NULL);
		mc_xml_empty(x, "w14:uncheckedState",
			     "w14:val", "2610",
			     "w14:font", "MS Gothic",
			     NULL);
		mc_xml_close(x);
		mc_xml_close(x); /* sdtPr */
		mc_xml_open(x, "w:sdtContent");
		mc_xml_open(x, "w:r");
		mc_xml_open(x, "w:rPr");
		mc_xml_empty(x, "w:rFonts",
			     "w:ascii", "MS Gothic",
			     "w:eastAsia", "MS Gothic",
			     "w:hAnsi", "MS Gothic",
			     NULL);
		mc_xml_close(x);
		mc_xml_open(x, "w:t");
		mc_xml_text(x, checked ? "\xe2\x98\x92" : "\xe2\x98\x90");
		mc_xml_close(x);
		mc_xml_close(x);
		mc_xml_close(x);
		mc_xml_close(x);
	}
	run(d, " ", NULL);
}

/* A legacy FORMTEXT field; its result is Word's five en spaces. */
static void formtext(dx *d, const char *prefix, const char *tag, int number,
                     const char *label)
{
	mc_xml *x = &d->x;
	mc_xml_open(x, "w:r");
	mc_xml_open(x, "w:fldChar");
	mc_xml_attr(x, "w:fldCharType", "begin");
	mc_xml_open(x, "w:ffData");
	ff_names(d, prefix, tag, number, label);
	mc_xml_empty(x, "w:textInput", NULL);
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_open(x, "w:r");
	mc_xml_open(x, "w:instrText");
	mc_xml_attr(x, "xml:space", "preserve");
	mc_xml_text(x, " FORMTEXT ");
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_open(x, "w:r");
	mc_xml_empty(x, "w:fldChar", "w:fldCharType", "separate", NULL);
	mc_xml_close(x);
	mc_xml_open(x, "w:r");
	mc_xml_open(x, "w:rPr");
	mc_xml_empty(x, "w:noProof", NULL);
	mc_xml_close(x);
	mc_xml_open(x, "w:t");
	mc_xml_text(x, "\xe2\x80\x82\xe2\x80\x82\xe2\x80\x82\xe2\x80\x82"
	               "\xe2\x80\x82");
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_open(x, "w:r");
	mc_xml_empty(x, "w:fldChar", "w:fldCharType", "end", NULL);
	mc_xml_close(x);
}

/* An inline fill-in blank: a run-level plain-text control. */
static void blank(dx *d, const mc_node *n)
{
	if (d->opts.legacy_fields) {
		const char *role = mc_blank_role(n, d->theme->worksheet.name_label,
		                                 d->theme->worksheet.date_label);
		++d->nblanks;
		if (role)
			formtext(d, !strcmp(role, "name") ? "Name" : "Date", "blank",
			         -1, !strcmp(role, "name")
			                 ? d->theme->worksheet.name_label
			                 : d->theme->worksheet.date_label);
		else
			formtext(d, "Blank", "blank", d->nblanks, "");
		return;
	}
	mc_xml *x = &d->x;
	int w = n->as.blank.width;
	if (w < 5)
		w = 5;
	if (w > 40)
		w = 40;
	char under[48];
	memset(under, '_', (size_t)w);
	under[w] = '\0';
	mc_xml_open(x, "w:sdt");
	mc_xml_open(x, "w:sdtPr");
	sdt_names(d, "blank", NULL, ++d->nblanks, n);
	mc_xml_empty(x, "w:showingPlcHdr", NULL);
	mc_xml_empty(x, "w:text", NULL);
	mc_xml_close(x);
	mc_xml_open(x, "w:sdtContent");
	placeholder_run(d, under);
	mc_xml_close(x);
	mc_xml_close(x);
}

/* ---- inlines ---- */

static bool is_internal(const char *url)
{
	return url && url[0] == '#';
}

static void link(dx *d, const mc_node *n, const rp *r, int depth)
{
	mc_xml *x = &d->x;
	const char *url = n->as.link.url;
	if (r->link || !url || !*url) { /* Word links cannot nest */
		inlines(d, n->first, r, depth + 1);
		return;
	}
	rp lr = *r;
	lr.link = true;
	if (is_internal(url)) {
		const char *name = mark_name(d, url + 1);
		if (!name) {
			inlines(d, n->first, r, depth + 1);
			return;
		}
		mc_xml_open(x, "w:hyperlink");
		mc_xml_attr(x, "w:anchor", name);
	} else {
		char rid[24];
		dx_link_rel(d, url, rid, sizeof rid);
		mc_xml_open(x, "w:hyperlink");
		mc_xml_attr(x, "r:id", rid);
	}
	if (n->as.link.title && *n->as.link.title)
		mc_xml_attr(x, "w:tooltip", n->as.link.title);
	mc_xml_attr(x, "w:history", "1");
	inlines(d, n->first, &lr, depth + 1);
	mc_xml_close(x);
}

static void inline_node(dx *d, const mc_node *n, const rp *r, int depth)
{
	rp c = *r;
	if (n->lang || n->dir != MC_DIR_NONE) /* <em lang=..>, a span, ... */
		lang_at(d, n, &c, NULL);
	switch (n->type) {
	case MC_TEXT:
		run(d, n->as.text.text, r);
		break;
	case MC_CODE:
		c.code = true;
		c.lang = NULL; /* code reads left to right, in no language */
		c.rtl = false;
		run(d, n->as.text.text, &c);
		break;
	case MC_SPAN:
		inlines(d, n->first, &c, depth + 1);
		break;
	case MC_EMPH:
		c.i = true;
		inlines(d, n->first, &c, depth + 1);
		break;
	case MC_STRONG:
		c.b = true;
		inlines(d, n->first, &c, depth + 1);
		break;
	case MC_STRIKE:
		c.strike = true;
		inlines(d, n->first, &c, depth + 1);
		break;
	case MC_SUP:
		c.vert = 1;
		inlines(d, n->first, &c, depth + 1);
		break;
	case MC_SUB:
		c.vert = 2;
		inlines(d, n->first, &c, depth + 1);
		break;
	case MC_LINK:
		link(d, n, &c, depth);
		break;
	case MC_IMAGE:
		if (!image_run(d, n)) {
			image_unusable(d, n);
			mc_buf b = MC_BUF_INIT;
			mc_buf_printf(&b, "[%s]", *n->as.image.alt
			                              ? n->as.image.alt
			                              : "image");
			c.i = true;
			run(d, b.data, &c);
			mc_buf_free(&b);
		}
		break;
	case MC_LINEBREAK:
		mc_xml_open(&d->x, "w:r");
		mc_xml_empty(&d->x, "w:br", NULL);
		mc_xml_close(&d->x);
		break;
	case MC_SOFTBREAK:
		run(d, " ", r);
		break;
	case MC_BLANK:
		blank(d, n);
		break;
	case MC_CONTROL: {
		/* a form control as the page showed it: a framed run (a
		 * placeholder greyed), a checkbox or radio button its glyph */
		mc_control_kind k = n->as.control.kind;
		if (k == MC_CONTROL_CHECKBOX || k == MC_CONTROL_RADIO) {
			run(d, mc_control_glyph(n), &c);
			break;
		}
		mc_buf b = MC_BUF_INIT;
		mc_buf_puts(&b, "\xC2\xA0"); /* no-break spaces: padding */
		mc_buf_puts(&b, *n->as.control.text
		                        ? n->as.control.text
		                        : "\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0"
		                          "\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0");
		if (k == MC_CONTROL_SELECT)
			mc_buf_puts(&b, " \xE2\x96\xBE"); /* a drop-down's arrow */
		mc_buf_puts(&b, "\xC2\xA0");
		c.box = true;
		c.placeholder = n->as.control.placeholder;
		run(d, b.data, &c);
		mc_buf_free(&b);
		break;
	}
	case MC_FOOTNOTE_REF: {
		char num[32], name[48];
		snprintf(num, sizeof num, "%d", n->as.footnote.number);
		snprintf(name, sizeof name, "fn_%d", n->as.footnote.number);
		c.vert = 1;
		if (!r->link) {
			mc_xml_open(&d->x, "w:hyperlink");
			mc_xml_attr(&d->x, "w:anchor", name);
			run(d, num, &c);
			mc_xml_close(&d->x);
		} else {
			run(d, num, &c);
		}
		break;
	}
	default:
		/* an inline container or a block where inlines were expected:
		 * keep its words */
		if (n->first)
			inlines(d, n->first, r, depth + 1);
		break;
	}
}

static void inlines(dx *d, const mc_node *first, const rp *r, int depth)
{
	if (depth > MAX_NEST) {
		for (const mc_node *n = first; n; n = n->next)
			run(d, mc_node_plain_text((mc_doc *)d->doc, n), r);
		return;
	}
	for (const mc_node *n = first; n; n = n->next)
		inline_node(d, n, r, depth);
}

/* ---- paragraphs ---- */

static long level_indent(int lvl)
{
	return 720L * (lvl + 1);
}

/* Open <w:p> with its properties, the list number or checkbox of a
 * pending item and a pending bookmark. */
static void p_open(dx *d, ctx *c, const para *p)
{
	mc_xml *x = &d->x;
	const char *style = p->style;
	bool item = c->item_pending;
	bool in_list = d->list_level >= 0;
	long ind_left = p->ind_left;
	if (!style) {
		if (item && c->item_prompt)
			style = "Prompt";
		else if (in_list)
			style = "ListParagraph";
		else if (c->in_quote)
			style = "Quote";
		else if (d->callout && !c->in_table)
			style = d->callout_style;
		else
			style = "Normal";
	}
	if (in_list && ind_left < 0 && !(item && c->item_task == MC_TASK_NONE))
		ind_left = level_indent(d->list_level);
	mc_xml_open(x, "w:p");
	mc_xml_open(x, "w:pPr");
	dx_val(x, "w:pStyle", style);
	if (p->keep_next)
		mc_xml_empty(x, "w:keepNext", NULL);
	if (p->page_break || c->break_next)
		mc_xml_empty(x, "w:pageBreakBefore", NULL);
	c->break_next = false;
	if (item && c->item_task == MC_TASK_NONE && c->item_num > 0) {
		mc_xml_open(x, "w:numPr");
		mc_xml_open(x, "w:ilvl");
		mc_xml_attrf(x, "w:val", "%d", c->item_lvl);
		mc_xml_close(x);
		mc_xml_open(x, "w:numId");
		mc_xml_attrf(x, "w:val", "%d", c->item_num);
		mc_xml_close(x);
		mc_xml_close(x);
	}
	bool box = d->callout && !c->in_table &&
	           strcmp(style, d->callout_style) != 0;
	/* the box's bar only beside paragraphs at the box's own indent:
	 * beside list items and answers it would be broken up */
	bool bar = box && ind_left < 0 && strcmp(style, "Answer") != 0 &&
	           strcmp(style, "ListParagraph") != 0 &&
	           strcmp(style, "Prompt") != 0;
	if (bar || p->rule > 0) {
		mc_xml_open(x, "w:pBdr");
		if (bar)
			dx_border(x, "w:left", "single", 24, 8,
			          d->callout->rule);
		if (p->rule > 0)
			dx_border(x, "w:bottom", "single", 6, p->rule,
			          d->theme->answer.rule);
		mc_xml_close(x);
	}
	if (box)
		dx_shade(x, d->callout->background);
	/* CT_PPr order: ... pBdr, shd, ..., bidi, ..., spacing, ind, jc */
	if (p->dir == MC_DIR_RTL ||
	    (p->dir == MC_DIR_NONE && d->doc->meta.dir == MC_DIR_RTL))
		mc_xml_empty(x, "w:bidi", NULL);
	if (p->after >= 0 || p->before > 0) {
		mc_xml_open(x, "w:spacing");
		if (p->before > 0)
			mc_xml_attrf(x, "w:before", "%ld", p->before);
		if (p->after >= 0)
			mc_xml_attrf(x, "w:after", "%ld", p->after);
		mc_xml_close(x);
	}
	if (ind_left >= 0) {
		mc_xml_open(x, "w:ind");
		mc_xml_attrf(x, "w:left", "%ld", ind_left);
		if (item && c->item_num > 0 && c->item_task == MC_TASK_NONE)
			mc_xml_attr(x, "w:hanging", "360");
		mc_xml_close(x);
	}
	if (p->jc)
		dx_val(x, "w:jc", p->jc);
	if (p->outline > 0) {
		mc_xml_open(x, "w:outlineLvl");
		mc_xml_attrf(x, "w:val", "%d", p->outline - 1);
		mc_xml_close(x);
	}
	mc_xml_close(x); /* pPr */
	if (c->mark) {
		bookmark(d, c->mark);
		c->mark = NULL;
	}
	c->item_pending = false;
	if (item && c->item_task != MC_TASK_NONE)
		checkbox_sdt(d, "task", c->item_task == MC_TASK_DONE,
		             c->item_label, ++d->ntasks, NULL);
}

static void p_close(dx *d)
{
	mc_xml_close(&d->x);
}

/* A paragraph of a node's inlines. */
static void paragraph(dx *d, ctx *c, const para *p, const mc_node *first,
                      const rp *r, int depth)
{
	para q = *p;
	rp s = *r;
	if (first && first->parent)
		lang_at(d, first->parent, &s, &q.dir);
	p_open(d, c, &q);
	inlines(d, first, &s, depth);
	p_close(d);
}

static void text_para(dx *d, ctx *c, const char *style, const char *text,
                      const rp *r)
{
	para p = {style, false, -1, -1, NULL};
	p_open(d, c, &p);
	run(d, text, r);
	p_close(d);
}

/* ---- blocks ---- */

static void answer(dx *d, ctx *c, const mc_node *n)
{
	mc_xml *x = &d->x;
	const mc_theme *t = d->theme;
	long ind = d->list_level >= 0 ? level_indent(d->list_level) : -1;
	if (n->as.answer.kind == MC_ANSWER_CHECKBOX) {
		para p = {NULL, false, ind, -1, NULL};
		p_open(d, c, &p);
		checkbox_sdt(d, "answer", n->as.answer.checked,
		             n->as.answer.label,
		             n->as.answer.number, n);
		p_close(d);
		return;
	}
	int lines = n->as.answer.kind == MC_ANSWER_LINES
	            ? (n->as.answer.lines > 0 ? n->as.answer.lines
	                                      : t->answer.lines)
	            : 1;
	if (lines < 1)
		lines = 1;
	if (lines > 40)
		lines = 40;
	/* The answer's writing lines, as many as the source (or the theme's
	 * answer.lines) gives: the field's own paragraph, then an empty ruled
	 * paragraph for each further line, all `answer.line_spacing` apart.
	 * Typed text starts on the first line and pushes the empty ones down.
	 * Neighbouring paragraphs with identical borders are drawn as one box
	 * (one bottom rule) by Word and LibreOffice: the rules' distance from
	 * the text alternates between 1 and 2 points, and the indent by one
	 * twip (LibreOffice compares only indents), so that each line keeps
	 * its own. */
	para p = {"Answer", lines > 1, ind, lines > 1 ? 0 : -1, NULL, 0};
	p.rule = 1;
	if (d->opts.legacy_fields) {
		p_open(d, c, &p);
		formtext(d, "Answer", "answer", n->as.answer.number,
		         n->as.answer.label);
		p_close(d);
	} else {
		mc_xml_open(x, "w:sdt");
		mc_xml_open(x, "w:sdtPr");
		sdt_names(d, "answer", n->as.answer.label, n->as.answer.number,
		          n);
		mc_xml_empty(x, "w:showingPlcHdr", NULL);
		mc_xml_open(x, "w:text");
		if (lines > 1 || n->as.answer.kind == MC_ANSWER_LINES)
			mc_xml_attr(x, "w:multiLine", "1");
		mc_xml_close(x);
		mc_xml_close(x);
		mc_xml_open(x, "w:sdtContent");
		p_open(d, c, &p);
		answer_hint(d, *t->answer.placeholder ? t->answer.placeholder
		                                      : " ");
		p_close(d);
		mc_xml_close(x);
		mc_xml_close(x);
	}
	/* the Answer style's indent is 720 twips */
	long base = ind >= 0 ? ind : 720;
	for (int k = 2; k <= lines; k++) {
		para e = {"Answer", k < lines, base + (k % 2 ? 0 : 1),
		          k < lines ? 0 : -1, NULL, 0};
		e.rule = k % 2 ? 1 : 2;
		p_open(d, c, &e);
		p_close(d);
	}
}

/* Table layout, row by row, keeping only one carry per column for cells
 * that span down (memory in the number of columns, not rows x columns). */
#define MAX_COLS 63 /* Word's limit */

typedef struct carry {
	const mc_node *cell; /* the cell spanning down from above */
	int left;            /* rows it still covers below the current one */
	int span;            /* its gridSpan */
} carry;

typedef struct place {
	const mc_node *cell; /* NULL: an empty cell */
	int span;
	int vmerge;          /* 0 none, 1 restart, 2 continue */
} place;

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Lay one row out on `limit` columns: a continuation where a cell above
 * still spans down, else the row's next cell.  Updates the carries for
 * the next row.  Returns the number of places written to pl (room for
 * `limit`), the columns used in *used. */
static int lay_row(const mc_node *r, int ri, int nrows, carry *cy, int limit,
                   place *pl, int *used)
{
	int n = 0, col = 0;
	const mc_node *cl = r->first;
	while (col < limit) {
		if (cy[col].left > 0) {
			int span = cy[col].span;
			pl[n++] = (place){cy[col].cell, span, 2};
			cy[col].left--;
			col += span;
			continue;
		}
		if (!cl) {
			/* only empty cells left, unless a cell above spans
			 * down further right */
			int k = col + 1;
			while (k < limit && cy[k].left == 0)
				k++;
			if (k >= limit)
				break;
			pl[n++] = (place){NULL, 1, 0};
			col++;
			continue;
		}
		int cs = clampi(cl->as.cell.colspan, 1, limit - col);
		for (int k = 1; k < cs; k++)
			if (cy[col + k].left > 0) {
				cs = k;
				break;
			}
		int rs = clampi(cl->as.cell.rowspan, 1, nrows - ri);
		pl[n++] = (place){cl, cs, rs > 1 ? 1 : 0};
		if (rs > 1) {
			cy[col].cell = cl;
			cy[col].left = rs - 1;
			cy[col].span = cs;
		}
		col += cs;
		cl = cl->next;
	}
	*used = col;
	return n;
}

static void tc_open(dx *d, long w, int span, const char *vmerge,
                    bool header)
{
	mc_xml *x = &d->x;
	mc_xml_open(x, "w:tc");
	mc_xml_open(x, "w:tcPr");
	mc_xml_open(x, "w:tcW");
	mc_xml_attrf(x, "w:w", "%ld", w);
	mc_xml_attr(x, "w:type", "dxa");
	mc_xml_close(x);
	if (span > 1) {
		mc_xml_open(x, "w:gridSpan");
		mc_xml_attrf(x, "w:val", "%d", span);
		mc_xml_close(x);
	}
	if (vmerge) {
		mc_xml_open(x, "w:vMerge");
		if (*vmerge)
			mc_xml_attr(x, "w:val", vmerge);
		mc_xml_close(x);
	}
	if (header)
		dx_shade(x, d->theme->colors.table_header_background);
	mc_xml_close(x);
}

/* Left indent of a table or card: the list level's, or the callout
 * box's text indent; 0 at the margin. */
static long table_indent(const dx *d, const ctx *c)
{
	if (d->list_level >= 0)
		return level_indent(d->list_level);
	if (d->callout && !c->in_table)
		return 227;
	return 0;
}

/* Whether the last thing written was a table: Word merges two tables
 * with nothing between them, and wants a paragraph after a table that
 * ends a cell. */
static bool written_last(const dx *d, const char *tail)
{
	size_t n = strlen(tail);
	return d->doc_xml.len >= n &&
	       memcmp(d->doc_xml.data + d->doc_xml.len - n, tail, n) == 0;
}

static bool after_table(const dx *d)
{
	return written_last(d, "</w:tbl>");
}

/* A table's w:tblW (in twips) and, inside a list or box, its w:tblInd. */
static void table_width(dx *d, const ctx *c, long width)
{
	mc_xml *x = &d->x;
	mc_xml_open(x, "w:tblW");
	mc_xml_attrf(x, "w:w", "%ld", width);
	mc_xml_attr(x, "w:type", "dxa");
	mc_xml_close(x);
	if (table_indent(d, c) > 0) {
		mc_xml_open(x, "w:tblInd");
		mc_xml_attrf(x, "w:w", "%ld", table_indent(d, c));
		mc_xml_attr(x, "w:type", "dxa");
		mc_xml_close(x);
	}
}

static void keep_tables_apart(dx *d, ctx *c)
{
	if (!after_table(d))
		return;
	para p = {NULL, false, -1, 0, NULL};
	p_open(d, c, &p);
	p_close(d);
}

/* After a table or card: a paragraph of air, which also keeps two tables
 * apart (Word would merge them).  Not at the end of a box or a cell,
 * where it would only add an empty shaded line. */
static void spacer(dx *d, ctx *c, const mc_node *n)
{
	if (!n->next && n->parent && n->parent->type != MC_DOCUMENT)
		return;
	para p = {NULL, false, -1, 0, NULL};
	p_open(d, c, &p);
	p_close(d);
}

/* The blocks of a table cell. */
static void cell_content(dx *d, ctx *cc, const mc_node *cl, bool th,
                         int depth)
{
	rp hr = {0};
	hr.b = th;
	const char *jc = cl->as.cell.align == MC_ALIGN_CENTER ? "center"
	                 : cl->as.cell.align == MC_ALIGN_RIGHT ? "right"
	                                                       : NULL;
	for (const mc_node *k = cl->first; k; k = k->next) {
		if (mc_node_is_inline(k->type)) {
			/* inlines straight in a cell */
			const mc_node *e = k;
			while (e->next && mc_node_is_inline(e->next->type))
				e = e->next;
			para p = {"Normal", false, -1, -1, jc};
			p_open(d, cc, &p);
			for (const mc_node *q = k;; q = q->next) {
				inline_node(d, q, &hr, depth + 1);
				if (q == e)
					break;
			}
			p_close(d);
			k = e;
		} else if (k->type == MC_PARAGRAPH) {
			para p = {"Normal", false, -1, -1, jc};
			paragraph(d, cc, &p, k->first, &hr, depth + 1);
		} else {
			blocks(d, cc, k, depth + 1);
			break; /* blocks() walked the remaining siblings */
		}
	}
	/* a cell holds a paragraph, and Word wants it to end with one, not
	 * with a table or an answer's block-level control */
	if (!cl->first || after_table(d) || written_last(d, "</w:sdt>"))
		mc_xml_empty(&d->x, "w:p", NULL);
}

static void table(dx *d, ctx *c, const mc_node *t, int depth)
{
	mc_xml *x = &d->x;
	int nrows = 0;
	for (const mc_node *r = t->first; r; r = r->next)
		nrows++;
	if (!nrows)
		return;
	carry cy[MAX_COLS];
	place pl[MAX_COLS];
	/* columns: the model's width, or more if the spans need it */
	int ncols = clampi(t->as.table.ncols, 1, MAX_COLS);
	if (t->as.table.ncols > MAX_COLS)
		mc_warn(d->diag, t->line, t->col,
		        "a table of %d columns: only the first %d are kept "
		        "(Word's limit)", t->as.table.ncols, MAX_COLS);
	memset(cy, 0, sizeof cy);
	int ri = 0;
	for (const mc_node *r = t->first; r; r = r->next, ri++) {
		int used;
		lay_row(r, ri, nrows, cy, MAX_COLS, pl, &used);
		if (used > ncols)
			ncols = used;
	}
	long width = dx_twips(mc_theme_text_width(d->theme));
	width -= table_indent(d, c) * (d->list_level >= 0 ? 1 : 2);
	if (width < 1440)
		width = 1440;
	long colw = width / ncols;

	keep_tables_apart(d, c);
	mc_xml_open(x, "w:tbl");
	mc_xml_open(x, "w:tblPr");
	dx_val(x, "w:tblStyle", "TableGrid");
	table_width(d, c, colw * ncols);
	mc_xml_empty(x, "w:tblLook",
		     "w:val", "04A0",
		     "w:firstRow", "1",
		     "w:lastRow", "0",
		     "w:firstColumn", "0",
		     "w:lastColumn", "0",
		     "w:noHBand", "1",
		     "w:noVBand", "1",
		     NULL);
	mc_xml_close(x);
	mc_xml_open(x, "w:tblGrid");
	for (int i = 0; i < ncols; i++) {
		mc_xml_open(x, "w:gridCol");
		mc_xml_attrf(x, "w:w", "%ld", colw);
		mc_xml_close(x);
	}
	mc_xml_close(x);

	ctx cc = *c;
	cc.in_table = true;
	cc.in_quote = false;
	cc.item_pending = false;
	cc.mark = NULL;
	int saved_level = d->list_level;
	d->list_level = -1;
	bool leading_header = true;
	memset(cy, 0, sizeof cy);
	ri = 0;
	for (const mc_node *r = t->first; r; r = r->next, ri++) {
		mc_xml_nl(x);
		mc_xml_open(x, "w:tr");
		/* only a table's leading header rows repeat on each page */
		bool hdr = r->as.row.header && leading_header;
		if (!r->as.row.header)
			leading_header = false;
		if (hdr) {
			mc_xml_open(x, "w:trPr");
			mc_xml_empty(x, "w:tblHeader", NULL);
			mc_xml_close(x);
		}
		int used;
		int n = lay_row(r, ri, nrows, cy, ncols, pl, &used);
		for (int i = 0; i < n; i++) {
			const mc_node *cl = pl[i].cell;
			bool th = cl && (cl->as.cell.header || r->as.row.header);
			tc_open(d, colw * pl[i].span, pl[i].span,
			        pl[i].vmerge == 1   ? "restart"
			        : pl[i].vmerge == 2 ? ""
			                            : NULL,
			        th);
			long saved_max = d->max_width;
			d->max_width = colw * pl[i].span - 216; /* less margins */
			if (cl && pl[i].vmerge != 2)
				cell_content(d, &cc, cl, th, depth);
			else
				mc_xml_empty(x, "w:p", NULL);
			d->max_width = saved_max;
			mc_xml_close(x); /* tc */
		}
		for (; used < ncols; used++) {
			tc_open(d, colw, 1, NULL, false);
			mc_xml_empty(x, "w:p", NULL);
			mc_xml_close(x);
		}
		mc_xml_close(x); /* tr */
	}
	mc_xml_close(x); /* tbl */
	d->list_level = saved_level;
	spacer(d, c, t);
}

static void figure(dx *d, ctx *c, const mc_node *n, int depth)
{
	const mc_image *im = &n->as.image;
	para p = {"Figure", true, -1, -1, NULL};
	if (im->path && dx_image(d, im->path, NULL)) {
		p_open(d, c, &p);
		if (im->href && *im->href) {
			char rid[24];
			dx_link_rel(d, im->href, rid, sizeof rid);
			mc_xml_open(&d->x, "w:hyperlink");
			mc_xml_attr(&d->x, "r:id", rid);
			image_run(d, n);
			mc_xml_close(&d->x);
		} else {
			image_run(d, n);
		}
		p_close(d);
	} else {
		/* remote or missing: the alt text in a framed paragraph */
		mc_xml *x = &d->x;
		image_unusable(d, n);
		mc_xml_open(x, "w:p");
		mc_xml_open(x, "w:pPr");
		dx_val(x, "w:pStyle", "Figure");
		mc_xml_open(x, "w:pBdr");
		dx_border(x, "w:top", "single", 4, 4, d->theme->colors.rule);
		dx_border(x, "w:left", "single", 4, 4, d->theme->colors.rule);
		dx_border(x, "w:bottom", "single", 4, 4, d->theme->colors.rule);
		dx_border(x, "w:right", "single", 4, 4, d->theme->colors.rule);
		mc_xml_close(x);
		mc_xml_close(x);
		if (c->mark) {
			bookmark(d, c->mark);
			c->mark = NULL;
		}
		rp r = {0};
		r.i = true;
		run(d, "Image: ", &r);
		r.i = false;
		run(d, *im->alt ? im->alt : "(no description)", &r);
		const char *url = im->href && *im->href ? im->href : im->src;
		if (url && *url && strncmp(url, "data:", 5) != 0) {
			run(d, " ", NULL);
			char rid[24];
			dx_link_rel(d, url, rid, sizeof rid);
			mc_xml_open(x, "w:hyperlink");
			mc_xml_attr(x, "r:id", rid);
			rp lr = {0};
			lr.link = true;
			mc_buf b = MC_BUF_INIT;
			mc_buf_printf(&b, "(%s)", url);
			run(d, b.data, &lr);
			mc_buf_free(&b);
			mc_xml_close(x);
		}
		p_close(d);
	}
	for (const mc_node *k = n->first; k; k = k->next)
		if (k->type == MC_CAPTION) {
			para cp = {"Caption", false, -1, -1, NULL};
			rp r = {0};
			paragraph(d, c, &cp, k->first, &r, depth + 1);
		}
}

/* An embed as a card: kind, duration, title, watch URL, QR code. */
static void embed(dx *d, ctx *c, const mc_node *n, int depth)
{
	mc_xml *x = &d->x;
	const mc_theme *t = d->theme;
	const char *watch = n->as.embed.watch_url && *n->as.embed.watch_url
	                            ? n->as.embed.watch_url
	                            : n->as.embed.url;
	const char *qr_text = n->as.embed.short_url && *n->as.embed.short_url
	                              ? n->as.embed.short_url
	                              : watch;
	bool qr_failed = false;
	dx_media *qr = qr_text && *qr_text
	                       ? dx_qr(d, qr_text, n->line, &qr_failed)
	                       : NULL;
	if (qr_failed) {
		d->failed = -1;
		return;
	}
	const char *title = n->as.embed.title && *n->as.embed.title
	                            ? n->as.embed.title
	                            : d->last_heading;
	long width = dx_twips(mc_theme_text_width(t));
	width -= table_indent(d, c) * (d->list_level >= 0 ? 1 : 2);
	long qrw = dx_twips(t->embed.qr_size) + 300;
	if (qrw > width / 2)
		qrw = width / 2;
	long textw = width - qrw;
	/* the card takes the colours of its box; alone, a video those of
	 * a videos box, anything else those of an info box */
	const mc_callout_style *cs =
		d->callout ? d->callout
		: mc_theme_callout(t, n->as.embed.kind == MC_EMBED_VIDEO
		                              ? MC_CALLOUT_VIDEOS
		                              : MC_CALLOUT_INFO,
		                   0);

	keep_tables_apart(d, c);
	mc_xml_open(x, "w:tbl");
	mc_xml_open(x, "w:tblPr");
	table_width(d, c, width);
	mc_xml_open(x, "w:tblBorders");
	dx_border(x, "w:top", "single", 8, 0, cs->rule);
	dx_border(x, "w:left", "single", 8, 0, cs->rule);
	dx_border(x, "w:bottom", "single", 8, 0, cs->rule);
	dx_border(x, "w:right", "single", 8, 0, cs->rule);
	mc_xml_close(x);
	mc_xml_empty(x, "w:tblLayout", "w:type", "fixed", NULL);
	mc_xml_close(x);
	mc_xml_open(x, "w:tblGrid");
	mc_xml_open(x, "w:gridCol");
	mc_xml_attrf(x, "w:w", "%ld", textw);
	mc_xml_close(x);
	mc_xml_open(x, "w:gridCol");
	mc_xml_attrf(x, "w:w", "%ld", qrw);
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_open(x, "w:tr");
	mc_xml_open(x, "w:trPr");
	mc_xml_empty(x, "w:cantSplit", NULL);
	mc_xml_close(x);

	ctx cc = *c;
	cc.in_table = true;
	cc.in_quote = false;
	int saved_level = d->list_level;
	d->list_level = -1;

	tc_open(d, textw, 1, NULL, false);
	para p = {"EmbedCard", false, -1, -1, NULL};
	p_open(d, &cc, &p);
	rp lab = {0};
	lab.b = true;
	lab.has_color = true;
	lab.color = cs->rule;
	run(d, mc_theme_embed_label(t, n->as.embed.kind), &lab);
	if (n->as.embed.provider && *n->as.embed.provider) {
		run(d, " \xc2\xb7 ", NULL);
		run(d, n->as.embed.provider, NULL);
	}
	if (n->as.embed.duration && *n->as.embed.duration) {
		run(d, " \xc2\xb7 ", NULL);
		run(d, n->as.embed.duration, NULL);
	}
	p_close(d);
	if (title && *title) {
		rp b = {0};
		b.b = true;
		text_para(d, &cc, "EmbedCard", title, &b);
	}
	for (const mc_node *k = n->first; k; k = k->next)
		if (k->type == MC_CAPTION) {
			rp r = {0};
			r.i = true;
			paragraph(d, &cc, &p, k->first, &r, depth + 1);
		}
	if (watch && *watch) {
		p_open(d, &cc, &p);
		char rid[24];
		dx_link_rel(d, watch, rid, sizeof rid);
		mc_xml_open(x, "w:hyperlink");
		mc_xml_attr(x, "r:id", rid);
		mc_xml_attr(x, "w:history", "1");
		rp lr = {0};
		lr.link = true;
		run(d, watch, &lr);
		mc_xml_close(x);
		p_close(d);
	}
	mc_xml_close(x); /* tc */

	tc_open(d, qrw, 1, NULL, false);
	para qp = {"EmbedCard", false, -1, 0, "center"};
	p_open(d, &cc, &qp);
	if (qr) {
		long emu = lround(t->embed.qr_size * EMU_PER_PT);
		mc_buf alt = MC_BUF_INIT;
		mc_buf_printf(&alt, "QR code for %s", qr_text);
		drawing(d, qr, emu, emu, alt.data, NULL);
		mc_buf_free(&alt);
	}
	p_close(d);
	mc_xml_close(x); /* tc */
	mc_xml_close(x); /* tr */
	mc_xml_close(x); /* tbl */
	d->list_level = saved_level;
	spacer(d, c, n);
}

static void list(dx *d, ctx *c, const mc_node *n, int depth)
{
	int lvl = d->list_level + 1;
	if (lvl > 8)
		lvl = 8;
	if (d->nnums == d->capnums) {
		d->capnums = d->capnums ? d->capnums * 2 : 16;
		d->nums = mc_xrealloc(d->nums, d->capnums * sizeof *d->nums);
	}
	dx_num *num = &d->nums[d->nnums++];
	num->ordered = n->as.list.ordered;
	num->level = lvl;
	num->start = n->as.list.start;
	int num_id = (int)d->nnums;
	int saved = d->list_level;
	d->list_level = lvl;
	for (const mc_node *it = n->first; it; it = it->next) {
		if (it->type != MC_ITEM) {
			blocks(d, c, it, depth + 1);
			continue;
		}
		ctx ic = *c;
		ic.item_pending = true;
		ic.item_num = num_id;
		ic.item_lvl = lvl;
		ic.item_task = it->as.item.task;
		ic.item_prompt = it->as.item.prompt;
		ic.item_label = it->as.item.task != MC_TASK_NONE
		                        ? mc_node_plain_text((mc_doc *)d->doc,
		                                             it->first)
		                        : NULL;
		ic.mark = it->id;
		if (!it->first || it->first->type != MC_PARAGRAPH) {
			/* the number needs a paragraph of its own */
			para p = {NULL, false, -1, -1, NULL};
			p_open(d, &ic, &p);
			p_close(d);
		}
		ic.in_quote = false;
		blocks(d, &ic, it->first, depth + 1);
		c->mark = NULL;
	}
	d->list_level = saved;
}

static void callout(dx *d, ctx *c, const mc_node *n, int depth)
{
	const mc_callout_style *saved = d->callout;
	const char *saved_style = d->callout_style;
	const mc_callout_style *cs = mc_theme_callout(
		d->theme, n->as.callout.kind, n->as.callout.variant);
	d->callout = cs;
	d->callout_style =
		dx_callout_style_id(n->as.callout.kind, n->as.callout.variant);
	ctx cc = *c;
	cc.in_table = false;
	cc.in_quote = false;
	int saved_level = d->list_level;
	d->list_level = -1;
	if (cs->label && *cs->label) {
		para p = {NULL, true, -1, 0, NULL};
		p_open(d, &cc, &p);
		mc_xml_open(&d->x, "w:r");
		mc_xml_open(&d->x, "w:rPr");
		dx_val(&d->x, "w:rStyle", "CalloutLabel");
		mc_xml_open(&d->x, "w:color");
		mc_xml_attrf(&d->x, "w:val", "%06X",
		             (unsigned)(cs->rule & 0xFFFFFF));
		mc_xml_close(&d->x);
		mc_xml_close(&d->x);
		mc_xml_open(&d->x, "w:t");
		mc_xml_text(&d->x, cs->label);
		mc_xml_close(&d->x);
		mc_xml_close(&d->x);
		p_close(d);
	}
	const mc_node *k = n->first;
	if (k && k->type == MC_CALLOUT_TITLE) {
		para p = {NULL, true, -1, -1, NULL};
		cc.mark = k->id;
		rp r = {0};
		r.b = true;
		r.size = mc_theme_heading_size(d->theme, 4);
		paragraph(d, &cc, &p, k->first, &r, depth + 1);
		d->last_heading = mc_node_plain_text((mc_doc *)d->doc, k);
		k = k->next;
	}
	blocks(d, &cc, k, depth + 1);
	d->list_level = saved_level;
	d->callout = saved;
	d->callout_style = saved_style;
}

static void code_block(dx *d, ctx *c, const mc_node *n)
{
	const char *s = n->as.code.text ? n->as.code.text : "";
	para p = {"Code", false, -1, -1, NULL};
	if (d->list_level >= 0)
		p.ind_left = level_indent(d->list_level);
	if (!*s) {
		p_open(d, c, &p);
		p_close(d);
		return;
	}
	while (*s) {
		size_t len = strcspn(s, "\n");
		p_open(d, c, &p);
		if (len) {
			mc_buf line = MC_BUF_INIT;
			mc_buf_put(&line, s, len);
			run(d, line.data, NULL);
			mc_buf_free(&line);
		}
		p_close(d);
		s += len;
		if (*s == '\n')
			s++;
	}
}

/* A list item's marker (or a pending mark) needs a paragraph to stand in
 * before a block that cannot carry it (a table, an embed's card). */
static void marker_para(dx *d, ctx *c)
{
	if (!c->item_pending && !c->mark)
		return;
	para p = {NULL, false, -1, 0, NULL};
	p_open(d, c, &p);
	p_close(d);
}

static void block(dx *d, ctx *c, const mc_node *n, int depth)
{
	if (depth > MAX_NEST) {
		const char *s = mc_node_plain_text((mc_doc *)d->doc, n);
		text_para(d, c, NULL, s, NULL);
		return;
	}
	if (n->id && !c->mark && n->type != MC_LIST)
		c->mark = n->id;
	rp none = {0};
	switch (n->type) {
	case MC_HEADING: {
		int lv = n->as.heading.level;
		char style[32];
		snprintf(style, sizeof style, "Heading%d",
		         lv < 1 ? 1 : lv > 6 ? 6 : lv);
		ctx hc = *c;
		para p = {style, false, -1, -1, NULL};
		if (d->list_level >= 0 || c->in_table) {
			p.style = NULL; /* keep the box/list look */
			none.b = true;
			none.size = mc_theme_heading_size(d->theme, lv);
			/* still a heading to a screen reader */
			p.outline = lv < 1 ? 1 : lv > 6 ? 6 : lv;
		}
		lang_at(d, n, &none, &p.dir);
		p_open(d, &hc, &p);
		/* its own bookmark too when a section's took the paragraph */
		bookmark(d, n->id);
		d->last_heading = mc_node_plain_text((mc_doc *)d->doc, n);
		if (p.style && lv <= DX_TOC_LEVELS)
			toc_entry(d, lv, d->last_heading, n->id);
		inlines(d, n->first, &none, depth + 1);
		p_close(d);
		c->mark = hc.mark;
		c->item_pending = hc.item_pending;
		c->break_next = hc.break_next;
		break;
	}
	case MC_PARAGRAPH: {
		para p = {NULL, false, -1, -1, NULL};
		paragraph(d, c, &p, n->first, &none, depth + 1);
		break;
	}
	case MC_LIST:
		list(d, c, n, depth);
		break;
	case MC_ITEM:
		blocks(d, c, n->first, depth + 1);
		break;
	case MC_BLOCKQUOTE: {
		ctx qc = *c;
		qc.in_quote = true;
		const mc_node *k;
		for (k = n->first; k; k = k->next) {
			if (k->type == MC_ATTRIBUTION) {
				para p = {"Attribution", false, -1, -1, NULL};
				p_open(d, &qc, &p);
				run(d, "\xe2\x80\x94 ", NULL);
				inlines(d, k->first, &none, depth + 1);
				p_close(d);
			} else {
				block(d, &qc, k, depth + 1);
			}
		}
		c->mark = qc.mark;
		c->item_pending = qc.item_pending;
		break;
	}
	case MC_CODE_BLOCK:
		code_block(d, c, n);
		break;
	case MC_THEMATIC_BREAK: {
		para p = {"HorizontalRule", false, -1, -1, NULL};
		p_open(d, c, &p);
		p_close(d);
		break;
	}
	case MC_TABLE:
		marker_para(d, c);
		table(d, c, n, depth);
		break;
	case MC_FIGURE:
		figure(d, c, n, depth);
		break;
	case MC_CALLOUT:
		callout(d, c, n, depth);
		break;
	case MC_EMBED:
		marker_para(d, c);
		embed(d, c, n, depth);
		break;
	case MC_DETAILS: {
		/* printed open: the summary is a bold lead-in, run into the
		 * first paragraph of the body when there is one */
		const mc_node *k = n->first;
		if (k && k->type == MC_SUMMARY) {
			const mc_node *body = k->next;
			bool run_in = body && body->type == MC_PARAGRAPH;
			para p = {NULL, !run_in, -1, -1, NULL};
			rp r = {0};
			r.b = true;
			p_open(d, c, &p);
			inlines(d, k->first, &r, depth + 1);
			if (run_in) {
				run(d, " \xe2\x80\x94 ", &r); /* em dash */
				inlines(d, body->first, &none, depth + 1);
				body = body->next;
			}
			p_close(d);
			k = body;
		}
		blocks(d, c, k, depth + 1);
		break;
	}
	case MC_DEFLIST:
		/* each term a bold paragraph kept with what follows; the
		 * descriptions indented like a list's items */
		for (const mc_node *k = n->first; k; k = k->next) {
			if (k->type == MC_DEFTERM) {
				para p = {NULL, true, -1, -1, NULL};
				rp r = {0};
				r.b = true;
				p_open(d, c, &p);
				inlines(d, k->first, &r, depth + 1);
				p_close(d);
			} else {
				d->list_level++;
				blocks(d, c, k->first, depth + 1);
				d->list_level--;
			}
		}
		break;
	case MC_ANSWER:
		answer(d, c, n);
		break;
	case MC_SECTION: {
		/* a new page, but not for the document's first block (right
		 * after the title or table of contents), nor for a part's first
		 * chapter when the part has no introduction: never a page that
		 * holds a title alone or nothing */
		const mc_node *pv = n->prev;
		bool lone_title = pv && pv->type == MC_HEADING &&
		                  pv == n->parent->first &&
		                  n->parent->type == MC_SECTION;
		c->break_next = pv && !lone_title;
		if (c->break_next) {
			double h = mc_theme_text_height(d->theme);
			d->est_page += 1 + (h > 0 ? (int)(d->est_used / h) : 0);
			d->est_used = 0;
		}
		blocks(d, c, n->first, depth + 1);
		c->break_next = false;
		break;
	}
	case MC_FOOTNOTE_DEF: {
		char num[32];
		snprintf(num, sizeof num, "%d", n->as.footnote.number);
		const mc_node *k = n->first;
		para p = {"FootnoteText", false, -1, -1, NULL};
		p_open(d, c, &p);
		char fname[48];
		snprintf(fname, sizeof fname, "fn_%d", n->as.footnote.number);
		bookmark_named(d, fname);
		rp sup = {0};
		sup.vert = 1;
		run(d, num, &sup);
		run(d, " ", NULL);
		if (k && k->type == MC_PARAGRAPH) {
			inlines(d, k->first, &none, depth + 1);
			k = k->next;
		}
		p_close(d);
		for (; k; k = k->next) {
			if (k->type == MC_PARAGRAPH) {
				paragraph(d, c, &p, k->first, &none, depth + 1);
			} else {
				block(d, c, k, depth + 1);
			}
		}
		break;
	}
	default:
		/* inline containers or inlines where blocks were expected */
		if (mc_node_is_inline(n->type) || n->first) {
			para p = {NULL, false, -1, -1, NULL};
			p_open(d, c, &p);
			if (mc_node_is_inline(n->type))
				inline_node(d, n, &none, depth + 1);
			else
				inlines(d, n->first, &none, depth + 1);
			p_close(d);
		}
		break;
	}
	if (d->want_toc && n->type != MC_SECTION && n->parent &&
	    (n->parent->type == MC_DOCUMENT || n->parent->type == MC_SECTION))
		est_add(d, n, depth);
	/* a block's own id is taken by its first paragraph, or lost: never
	 * left for the next block */
	if (n->id && c->mark == n->id)
		c->mark = NULL;
}

static void blocks(dx *d, ctx *c, const mc_node *first, int depth)
{
	bool notes = false;
	for (const mc_node *n = first; n && d->failed == 0; n = n->next) {
		if (n->type == MC_FOOTNOTE_DEF && !notes &&
		    n->parent == d->doc->root) {
			notes = true;
			para p = {"HorizontalRule", false, -1, -1, NULL};
			p_open(d, c, &p);
			p_close(d);
		}
		block(d, c, n, depth);
	}
}

/* The height in points of the TOC field's lines, for the page estimate:
 * the level-1/2 headings outside lists and tables, counted before they
 * are written (toc 1 lines have 6pt before, both 3pt after). */
static double est_toc_height(const dx *d)
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
static int splice_toc(dx *d, size_t at)
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

int dx_body(dx *d)
{
	mc_xml *x = &d->x;
	const mc_theme *t = d->theme;
	collect_marks(d);
	mc_xml_init(x, &d->doc_xml);
	mc_xml_decl(x);
	mc_xml_open(x, "w:document");
	mc_xml_attr(x, "xmlns:wpc", "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas");
	mc_xml_attr(x, "xmlns:mc", "http://schemas.openxmlformats.org/markup-compatibility/2006");
	mc_xml_attr(x, "xmlns:r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships");
	mc_xml_attr(x, "xmlns:wp", "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing");
	mc_xml_attr(x, "xmlns:a", "http://schemas.openxmlformats.org/drawingml/2006/main");
	mc_xml_attr(x, "xmlns:pic", "http://schemas.openxmlformats.org/drawingml/2006/picture");
	mc_xml_attr(x, "xmlns:w", W_NS);
	mc_xml_attr(x, "xmlns:w14", "http://schemas.microsoft.com/office/word/2010/wordml");
	/* only named by answer_hint's mc:Choice Requires */
	mc_xml_attr(x, "xmlns:w15", "http://schemas.microsoft.com/office/word/2012/wordml");
	mc_xml_attr(x, "mc:Ignorable", "w14 wpc");
	mc_xml_open(x, "w:body");

	ctx c = {0};
	const mc_meta *m = &d->doc->meta;
	d->list_level = -1;
	d->want_toc = dx_wants_toc(d->doc);
	d->est_page = 1;
	if (m->title && *m->title) {
		mc_xml_nl(x);
		/* a page's title heads its ## headings: level 1 to a screen
		 * reader (a module's or course's sections are the level-1
		 * headings, and its TOC must not list the title) */
		para tp = {"Title", false, -1, -1, NULL};
		tp.outline = m->kind == MC_DOC_PAGE ? 1 : 0;
		p_open(d, &c, &tp);
		run(d, m->title, NULL);
		p_close(d);
		d->est_used += text_height(d, strlen(m->title), t->sizes.title,
		                           mc_theme_text_width(t));
	}
	if (m->kind != MC_DOC_PAGE && m->description && *m->description) {
		mc_xml_nl(x);
		text_para(d, &c, "Subtitle", m->description, NULL);
		d->est_used += text_height(d, strlen(m->description),
		                           mc_theme_heading_size(t, 3),
		                           mc_theme_text_width(t));
	}
	/* the table of contents goes here once the headings are known */
	size_t toc_at = d->doc_xml.len;
	if (d->want_toc)
		d->est_used += est_toc_height(d);
	blocks(d, &c, d->doc->root->first, 0);
	if (d->failed)
		return -1;

	mc_xml_nl(x);
	mc_xml_open(x, "w:sectPr");
	mc_xml_empty(x, "w:headerReference",
		     "w:type", "default",
		     "r:id", "rId5",
		     NULL);
	mc_xml_empty(x, "w:footerReference",
		     "w:type", "default",
		     "r:id", "rId6",
		     NULL);
	mc_xml_open(x, "w:pgSz");
	mc_xml_attrf(x, "w:w", "%ld", dx_twips(t->page.width));
	mc_xml_attrf(x, "w:h", "%ld", dx_twips(t->page.height));
	if (t->page.landscape)
		mc_xml_attr(x, "w:orient", "landscape");
	mc_xml_close(x);
	long top = dx_twips(t->page.margins.top);
	long bottom = dx_twips(t->page.margins.bottom);
	mc_xml_open(x, "w:pgMar");
	mc_xml_attrf(x, "w:top", "%ld", top);
	mc_xml_attrf(x, "w:right", "%ld", dx_twips(t->page.margins.right));
	mc_xml_attrf(x, "w:bottom", "%ld", bottom);
	mc_xml_attrf(x, "w:left", "%ld", dx_twips(t->page.margins.left));
	mc_xml_attrf(x, "w:header", "%ld", top / 2);
	mc_xml_attrf(x, "w:footer", "%ld", bottom / 2);
	mc_xml_attr(x, "w:gutter", "0");
	mc_xml_close(x);
	mc_xml_close(x); /* sectPr */
	mc_xml_close(x); /* body */
	mc_xml_close(x); /* document */
	if (mc_xml_finish(x) != 0) {
		mc_error(d->diag, 0, 0, "internal error: unbalanced "
		                        "word/document.xml");
		return -1;
	}
	if (d->want_toc && splice_toc(d, toc_at) != 0) {
		mc_error(d->diag, 0, 0, "internal error: unbalanced table of "
		                        "contents in word/document.xml");
		return -1;
	}
	return 0;
}
