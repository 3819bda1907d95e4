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
 * Worksheet fields are written by fields.c, tables by tables.c and the
 * table of contents by toc.c (docx_int.h holds what they share).
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
#include "docx_int.h"
#include "../../util/grow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const char *dx_mark_name(const dx *d, const char *id)
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
		long hp = mc_lround(r->size * 2);
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
void dx_run(dx *d, const char *s, const rp *r)
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
		room = mc_lround(mc_theme_text_width(d->theme) * 20);
		if (d->list_level >= 0)
			room -= dx_level_indent(d->list_level);
		if (d->callout)
			room -= 2 * 227;
		if (room < 720)
			room = 720;
	}
	double cx, cy;
	dx_image_extent(d, m, im, room, &cx, &cy);
	const mc_theme *t = d->theme;
	double text = t->sizes.body * EMU_PER_PT;
	if (n->type == MC_IMAGE && cx <= room * 635.0 / 3 &&
	    cy <= 2 * text * t->line_height && cy > text * 1.15) {
		cx *= text * 1.15 / cy;
		cy = text * 1.15;
	}
	drawing(d, m, mc_lround(cx), mc_lround(cy), image_descr(d, n),
	        im->title);
	return true;
}

/* The size in EMU an image is shown at, no wider than max_width twips
 * (0: the text width). */
void dx_image_extent(const dx *d, const dx_media *m, const mc_image *im,
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
		dx_inlines(d, n->first, r, depth + 1);
		return;
	}
	rp lr = *r;
	lr.link = true;
	if (is_internal(url)) {
		const char *name = dx_mark_name(d, url + 1);
		if (!name) {
			dx_inlines(d, n->first, r, depth + 1);
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
	dx_inlines(d, n->first, &lr, depth + 1);
	mc_xml_close(x);
}

void dx_inline_node(dx *d, const mc_node *n, const rp *r, int depth)
{
	rp c = *r;
	if (n->lang || n->dir != MC_DIR_NONE) /* <em lang=..>, a span, ... */
		lang_at(d, n, &c, NULL);
	switch (n->type) {
	case MC_TEXT:
		dx_run(d, n->as.text.text, r);
		break;
	case MC_CODE:
		c.code = true;
		c.lang = NULL; /* code reads left to right, in no language */
		c.rtl = false;
		dx_run(d, n->as.text.text, &c);
		break;
	case MC_SPAN:
		dx_inlines(d, n->first, &c, depth + 1);
		break;
	case MC_EMPH:
		c.i = true;
		dx_inlines(d, n->first, &c, depth + 1);
		break;
	case MC_STRONG:
		c.b = true;
		dx_inlines(d, n->first, &c, depth + 1);
		break;
	case MC_STRIKE:
		c.strike = true;
		dx_inlines(d, n->first, &c, depth + 1);
		break;
	case MC_SUP:
		c.vert = 1;
		dx_inlines(d, n->first, &c, depth + 1);
		break;
	case MC_SUB:
		c.vert = 2;
		dx_inlines(d, n->first, &c, depth + 1);
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
			dx_run(d, b.data, &c);
			mc_buf_free(&b);
		}
		break;
	case MC_LINEBREAK:
		mc_xml_open(&d->x, "w:r");
		mc_xml_empty(&d->x, "w:br", NULL);
		mc_xml_close(&d->x);
		break;
	case MC_SOFTBREAK:
		dx_run(d, " ", r);
		break;
	case MC_BLANK:
		dx_blank(d, n);
		break;
	case MC_CONTROL: {
		/* a form control as the page showed it: a framed run (a
		 * placeholder greyed), a checkbox or radio button its glyph */
		mc_control_kind k = n->as.control.kind;
		if (k == MC_CONTROL_CHECKBOX || k == MC_CONTROL_RADIO) {
			dx_run(d, mc_control_glyph(n), &c);
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
		dx_run(d, b.data, &c);
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
			dx_run(d, num, &c);
			mc_xml_close(&d->x);
		} else {
			dx_run(d, num, &c);
		}
		break;
	}
	default:
		/* an inline container or a block where inlines were expected:
		 * keep its words */
		if (n->first)
			dx_inlines(d, n->first, r, depth + 1);
		break;
	}
}

void dx_inlines(dx *d, const mc_node *first, const rp *r, int depth)
{
	if (depth > MAX_NEST) {
		for (const mc_node *n = first; n; n = n->next)
			dx_run(d, mc_node_plain_text((mc_doc *)d->doc, n), r);
		return;
	}
	for (const mc_node *n = first; n; n = n->next)
		dx_inline_node(d, n, r, depth);
}

/* ---- paragraphs ---- */

long dx_level_indent(int lvl)
{
	return 720L * (lvl + 1);
}

/* Open <w:p> with its properties, the list number or checkbox of a
 * pending item and a pending bookmark. */
void dx_p_open(dx *d, ctx *c, const para *p)
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
		ind_left = dx_level_indent(d->list_level);
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
		dx_checkbox_sdt(d, "task", c->item_task == MC_TASK_DONE,
		                c->item_label, ++d->ntasks, NULL);
}

void dx_p_close(dx *d)
{
	mc_xml_close(&d->x);
}

/* A paragraph of a node's inlines. */
void dx_paragraph(dx *d, ctx *c, const para *p, const mc_node *first,
                  const rp *r, int depth)
{
	para q = *p;
	rp s = *r;
	if (first && first->parent)
		lang_at(d, first->parent, &s, &q.dir);
	dx_p_open(d, c, &q);
	dx_inlines(d, first, &s, depth);
	dx_p_close(d);
}

static void text_para(dx *d, ctx *c, const char *style, const char *text,
                      const rp *r)
{
	para p = {style, false, -1, -1, NULL};
	dx_p_open(d, c, &p);
	dx_run(d, text, r);
	dx_p_close(d);
}

/* ---- blocks ---- */


static void figure(dx *d, ctx *c, const mc_node *n, int depth)
{
	const mc_image *im = &n->as.image;
	para p = {"Figure", true, -1, -1, NULL};
	if (im->path && dx_image(d, im->path, NULL)) {
		dx_p_open(d, c, &p);
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
		dx_p_close(d);
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
		dx_run(d, "Image: ", &r);
		r.i = false;
		dx_run(d, *im->alt ? im->alt : "(no description)", &r);
		const char *url = im->href && *im->href ? im->href : im->src;
		if (url && *url && strncmp(url, "data:", 5) != 0) {
			dx_run(d, " ", NULL);
			char rid[24];
			dx_link_rel(d, url, rid, sizeof rid);
			mc_xml_open(x, "w:hyperlink");
			mc_xml_attr(x, "r:id", rid);
			rp lr = {0};
			lr.link = true;
			mc_buf b = MC_BUF_INIT;
			mc_buf_printf(&b, "(%s)", url);
			dx_run(d, b.data, &lr);
			mc_buf_free(&b);
			mc_xml_close(x);
		}
		dx_p_close(d);
	}
	for (const mc_node *k = n->first; k; k = k->next)
		if (k->type == MC_CAPTION) {
			para cp = {"Caption", false, -1, -1, NULL};
			rp r = {0};
			dx_paragraph(d, c, &cp, k->first, &r, depth + 1);
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
	width -= dx_table_indent(d, c) * (d->list_level >= 0 ? 1 : 2);
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

	dx_keep_tables_apart(d, c);
	mc_xml_open(x, "w:tbl");
	mc_xml_open(x, "w:tblPr");
	dx_table_width(d, c, width);
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

	dx_tc_open(d, textw, 1, NULL, false);
	para p = {"EmbedCard", false, -1, -1, NULL};
	dx_p_open(d, &cc, &p);
	rp lab = {0};
	lab.b = true;
	lab.has_color = true;
	lab.color = cs->rule;
	dx_run(d, mc_theme_embed_label(t, n->as.embed.kind), &lab);
	if (n->as.embed.provider && *n->as.embed.provider) {
		dx_run(d, " \xc2\xb7 ", NULL);
		dx_run(d, n->as.embed.provider, NULL);
	}
	if (n->as.embed.duration && *n->as.embed.duration) {
		dx_run(d, " \xc2\xb7 ", NULL);
		dx_run(d, n->as.embed.duration, NULL);
	}
	dx_p_close(d);
	if (title && *title) {
		rp b = {0};
		b.b = true;
		text_para(d, &cc, "EmbedCard", title, &b);
	}
	for (const mc_node *k = n->first; k; k = k->next)
		if (k->type == MC_CAPTION) {
			rp r = {0};
			r.i = true;
			dx_paragraph(d, &cc, &p, k->first, &r, depth + 1);
		}
	if (watch && *watch) {
		dx_p_open(d, &cc, &p);
		char rid[24];
		dx_link_rel(d, watch, rid, sizeof rid);
		mc_xml_open(x, "w:hyperlink");
		mc_xml_attr(x, "r:id", rid);
		mc_xml_attr(x, "w:history", "1");
		rp lr = {0};
		lr.link = true;
		dx_run(d, watch, &lr);
		mc_xml_close(x);
		dx_p_close(d);
	}
	mc_xml_close(x); /* tc */

	dx_tc_open(d, qrw, 1, NULL, false);
	para qp = {"EmbedCard", false, -1, 0, "center"};
	dx_p_open(d, &cc, &qp);
	if (qr) {
		long emu = mc_lround(t->embed.qr_size * EMU_PER_PT);
		mc_buf alt = MC_BUF_INIT;
		mc_buf_printf(&alt, "QR code for %s", qr_text);
		drawing(d, qr, emu, emu, alt.data, NULL);
		mc_buf_free(&alt);
	}
	dx_p_close(d);
	mc_xml_close(x); /* tc */
	mc_xml_close(x); /* tr */
	mc_xml_close(x); /* tbl */
	d->list_level = saved_level;
	dx_spacer(d, c, n);
}

static void list(dx *d, ctx *c, const mc_node *n, int depth)
{
	int lvl = d->list_level + 1;
	if (lvl > 8)
		lvl = 8;
	MC_GROW(d->nums, d->nnums, d->capnums, 16);
	dx_num *num = &d->nums[d->nnums++];
	num->ordered = n->as.list.ordered;
	num->level = lvl;
	num->start = n->as.list.start;
	int num_id = (int)d->nnums;
	int saved = d->list_level;
	d->list_level = lvl;
	for (const mc_node *it = n->first; it; it = it->next) {
		if (it->type != MC_ITEM) {
			dx_blocks(d, c, it, depth + 1);
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
			dx_p_open(d, &ic, &p);
			dx_p_close(d);
		}
		ic.in_quote = false;
		dx_blocks(d, &ic, it->first, depth + 1);
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
		dx_p_open(d, &cc, &p);
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
		dx_p_close(d);
	}
	const mc_node *k = n->first;
	if (k && k->type == MC_CALLOUT_TITLE) {
		para p = {NULL, true, -1, -1, NULL};
		cc.mark = k->id;
		rp r = {0};
		r.b = true;
		r.size = mc_theme_heading_size(d->theme, 4);
		dx_paragraph(d, &cc, &p, k->first, &r, depth + 1);
		d->last_heading = mc_node_plain_text((mc_doc *)d->doc, k);
		k = k->next;
	}
	dx_blocks(d, &cc, k, depth + 1);
	d->list_level = saved_level;
	d->callout = saved;
	d->callout_style = saved_style;
}

static void code_block(dx *d, ctx *c, const mc_node *n)
{
	const char *s = n->as.code.text ? n->as.code.text : "";
	para p = {"Code", false, -1, -1, NULL};
	if (d->list_level >= 0)
		p.ind_left = dx_level_indent(d->list_level);
	if (!*s) {
		dx_p_open(d, c, &p);
		dx_p_close(d);
		return;
	}
	while (*s) {
		size_t len = strcspn(s, "\n");
		dx_p_open(d, c, &p);
		if (len) {
			mc_buf line = MC_BUF_INIT;
			mc_buf_put(&line, s, len);
			dx_run(d, line.data, NULL);
			mc_buf_free(&line);
		}
		dx_p_close(d);
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
	dx_p_open(d, c, &p);
	dx_p_close(d);
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
		dx_p_open(d, &hc, &p);
		/* its own bookmark too when a section's took the paragraph */
		bookmark(d, n->id);
		d->last_heading = mc_node_plain_text((mc_doc *)d->doc, n);
		if (p.style && lv <= DX_TOC_LEVELS)
			dx_toc_entry(d, lv, d->last_heading, n->id);
		dx_inlines(d, n->first, &none, depth + 1);
		dx_p_close(d);
		c->mark = hc.mark;
		c->item_pending = hc.item_pending;
		c->break_next = hc.break_next;
		break;
	}
	case MC_PARAGRAPH: {
		para p = {NULL, false, -1, -1, NULL};
		dx_paragraph(d, c, &p, n->first, &none, depth + 1);
		break;
	}
	case MC_LIST:
		list(d, c, n, depth);
		break;
	case MC_ITEM:
		dx_blocks(d, c, n->first, depth + 1);
		break;
	case MC_BLOCKQUOTE: {
		ctx qc = *c;
		qc.in_quote = true;
		const mc_node *k;
		for (k = n->first; k; k = k->next) {
			if (k->type == MC_ATTRIBUTION) {
				para p = {"Attribution", false, -1, -1, NULL};
				dx_p_open(d, &qc, &p);
				dx_run(d, "\xe2\x80\x94 ", NULL);
				dx_inlines(d, k->first, &none, depth + 1);
				dx_p_close(d);
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
		dx_p_open(d, c, &p);
		dx_p_close(d);
		break;
	}
	case MC_TABLE:
		marker_para(d, c);
		dx_table(d, c, n, depth);
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
			dx_p_open(d, c, &p);
			dx_inlines(d, k->first, &r, depth + 1);
			if (run_in) {
				dx_run(d, " \xe2\x80\x94 ", &r); /* em dash */
				dx_inlines(d, body->first, &none, depth + 1);
				body = body->next;
			}
			dx_p_close(d);
			k = body;
		}
		dx_blocks(d, c, k, depth + 1);
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
				dx_p_open(d, c, &p);
				dx_inlines(d, k->first, &r, depth + 1);
				dx_p_close(d);
			} else {
				d->list_level++;
				dx_blocks(d, c, k->first, depth + 1);
				d->list_level--;
			}
		}
		break;
	case MC_ANSWER:
		dx_answer(d, c, n);
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
		dx_blocks(d, c, n->first, depth + 1);
		c->break_next = false;
		break;
	}
	case MC_FOOTNOTE_DEF: {
		char num[32];
		snprintf(num, sizeof num, "%d", n->as.footnote.number);
		const mc_node *k = n->first;
		para p = {"FootnoteText", false, -1, -1, NULL};
		dx_p_open(d, c, &p);
		char fname[48];
		snprintf(fname, sizeof fname, "fn_%d", n->as.footnote.number);
		bookmark_named(d, fname);
		rp sup = {0};
		sup.vert = 1;
		dx_run(d, num, &sup);
		dx_run(d, " ", NULL);
		if (k && k->type == MC_PARAGRAPH) {
			dx_inlines(d, k->first, &none, depth + 1);
			k = k->next;
		}
		dx_p_close(d);
		for (; k; k = k->next) {
			if (k->type == MC_PARAGRAPH) {
				dx_paragraph(d, c, &p, k->first, &none,
				             depth + 1);
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
			dx_p_open(d, c, &p);
			if (mc_node_is_inline(n->type))
				dx_inline_node(d, n, &none, depth + 1);
			else
				dx_inlines(d, n->first, &none, depth + 1);
			dx_p_close(d);
		}
		break;
	}
	if (d->want_toc && n->type != MC_SECTION && n->parent &&
	    (n->parent->type == MC_DOCUMENT || n->parent->type == MC_SECTION))
		dx_est_add(d, n, depth);
	/* a block's own id is taken by its first paragraph, or lost: never
	 * left for the next block */
	if (n->id && c->mark == n->id)
		c->mark = NULL;
}

void dx_blocks(dx *d, ctx *c, const mc_node *first, int depth)
{
	bool notes = false;
	for (const mc_node *n = first; n && d->failed == 0; n = n->next) {
		if (n->type == MC_FOOTNOTE_DEF && !notes &&
		    n->parent == d->doc->root) {
			notes = true;
			para p = {"HorizontalRule", false, -1, -1, NULL};
			dx_p_open(d, c, &p);
			dx_p_close(d);
		}
		block(d, c, n, depth);
	}
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
		dx_p_open(d, &c, &tp);
		dx_run(d, m->title, NULL);
		dx_p_close(d);
		d->est_used += dx_text_height(d, strlen(m->title),
		                              t->sizes.title,
		                              mc_theme_text_width(t));
	}
	if (m->kind != MC_DOC_PAGE && m->description && *m->description) {
		mc_xml_nl(x);
		text_para(d, &c, "Subtitle", m->description, NULL);
		d->est_used += dx_text_height(d, strlen(m->description),
		                              mc_theme_heading_size(t, 3),
		                              mc_theme_text_width(t));
	}
	/* the table of contents goes here once the headings are known */
	size_t toc_at = d->doc_xml.len;
	if (d->want_toc)
		d->est_used += dx_est_toc_height(d);
	dx_blocks(d, &c, d->doc->root->first, 0);
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
	if (d->want_toc && dx_splice_toc(d, toc_at) != 0) {
		mc_error(d->diag, 0, 0, "internal error: unbalanced table of "
		                        "contents in word/document.xml");
		return -1;
	}
	return 0;
}
