/*
 * layout.c - the model into slices (paginate.c puts them onto pages).
 *
 * Every block becomes one or more slices (see pdf_int.h).  Containers
 * (callouts, quotations, code) open a *frame*; the slices made while it is
 * open belong to it, and when the slices are packed onto pages each frame
 * is drawn around its slices on each page, so a box split across pages is
 * closed at the foot of one page and reopened at the head of the next.
 *
 * Nesting: block containers recurse, but only MAX_NEST levels deep; below
 * that the rest of the subtree is walked with the model's iterator and its
 * paragraphs are set at the deepest indent, so no input can exhaust the
 * stack.  Inline nesting is walked with the iterator and a bounded stack of
 * styles.
 */
#include "pdf_int.h"
#include "../../util/utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_NEST PDF_MAX_NEST
#define MAX_STYLE 48
#define CSS_PX 0.75 /* points per CSS pixel */

/* ---- styles ---- */

static double em(pdf_ctx *c)
{
	return c->th->sizes.body;
}

/* An indent of `want`, or none when it would leave the text narrower
 * than a usable measure (deeply nested boxes stop moving inwards, so no
 * text is ever pushed out of the text block). */
static double room(pdf_ctx *c, double x0, double x1, double want)
{
	return x1 - x0 - want >= 14 * em(c) ? want : 0;
}

/* ---- inline content into a paragraph ---- */

static void add_plain(pdf_para *p, const pdf_style *st, const char *s)
{
	pdf_para_text(p, st, s, strlen(s));
}

static void inlines(pdf_ctx *c, pdf_para *p, const mc_node *container,
                    pdf_style base)
{
	pdf_style stack[MAX_STYLE];
	int depth = 0, over = 0, nbox = 0;
	stack[0] = base;
	mc_iter it;
	mc_iter_init(&it, (mc_node *)container);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		const mc_node *n = it.cur;
		if (n == container)
			continue;
		pdf_style *cur = &stack[depth];
		if (ev == MC_EVENT_EXIT) {
			if (over)
				over--;
			else if (depth > 0)
				depth--;
			continue;
		}
		pdf_style st = *cur;
		bool push = true;
		switch (n->type) {
		case MC_TEXT:
			push = false;
			add_plain(p, cur, n->as.text.text);
			break;
		case MC_CODE: {
			push = false;
			pdf_style cs = *cur;
			cs.face = PF_MONO | (cur->face & PF_BOLD);
			cs.size = (float)(cur->size * c->th->sizes.code /
			                  c->th->sizes.body);
			add_plain(p, &cs, n->as.text.text);
			break;
		}
		case MC_EMPH:
			st.face ^= PF_ITALIC;
			break;
		case MC_STRONG:
			st.face |= PF_BOLD;
			break;
		case MC_STRIKE:
			st.strike = true;
			break;
		case MC_SPAN:
			/* another language: its shaping (and, ready for
			 * tagging, its marked span) */
			if (n->lang)
				st.lang = n->lang;
			break;
		case MC_SUP:
			st.rise = 1;
			break;
		case MC_SUB:
			st.rise = -1;
			break;
		case MC_LINK: {
			const char *url = n->as.link.url;
			if (url && *url) {
				st.link = pdf_link_add(c, url);
				st.color = c->th->colors.link;
			}
			break;
		}
		case MC_IMAGE: {
			push = false;
			pdf_inimg g;
			if (pdf_inline_image(c, n, &g) == 0) {
				pdf_para_image(p, cur, &g);
				break;
			}
			pdf_style is = *cur; /* remote, missing or unusable */
			is.face |= PF_ITALIC;
			is.color = c->th->colors.muted;
			const char *alt = n->as.image.alt;
			add_plain(p, &is, "[");
			add_plain(p, &is, *alt ? alt : "image");
			add_plain(p, &is, "]");
			break;
		}
		case MC_LINEBREAK:
			push = false;
			pdf_para_newline(p);
			break;
		case MC_SOFTBREAK:
			push = false;
			add_plain(p, cur, " ");
			break;
		case MC_BLANK: {
			push = false;
			double w = n->as.blank.width * cur->size * 0.45;
			if (w < 3 * cur->size)
				w = 3 * cur->size;
			if (w > 20 * cur->size)
				w = 20 * cur->size;
			pdf_style bs = *cur;
			bs.underline = true;
			bs.color = c->th->colors.text;
			/* a worksheet's Name and Date blanks are form fields */
			const char *role = c->fields
			        ? mc_blank_role(n, c->th->worksheet.name_label,
			                        c->th->worksheet.date_label)
			        : NULL;
			if (role)
				pdf_para_field_gap(p, &bs, w, *role == 'n' ? -1 : -2,
				                   *role == 'n'
				                           ? c->th->worksheet.name_label
				                           : c->th->worksheet.date_label,
				                   pdf_field_group(c, n));
			else
				pdf_para_gap(p, &bs, w);
			break;
		}
		case MC_CONTROL: {
			/* a form control as the page showed it: framed text
			 * (a placeholder greyed), or a checkbox's glyph */
			push = false;
			const char *g = mc_control_glyph(n);
			if (*g) {
				add_plain(p, cur, g);
				break;
			}
			pdf_style cs = *cur;
			cs.box = ++nbox;
			if (n->as.control.placeholder) {
				cs.color = c->th->colors.muted;
				cs.face ^= PF_ITALIC;
			}
			add_plain(p, &cs, "\xC2\xA0"); /* padding */
			if (*n->as.control.text)
				add_plain(p, &cs, n->as.control.text);
			else
				pdf_para_gap(p, &cs, 6 * cur->size);
			if (n->as.control.kind == MC_CONTROL_SELECT)
				add_plain(p, &cs, "\xC2\xA0\xE2\x96\xBE");
			add_plain(p, &cs, "\xC2\xA0");
			break;
		}
		case MC_FOOTNOTE_REF: {
			push = false;
			char num[16];
			snprintf(num, sizeof num, "%d", n->as.footnote.number);
			pdf_style fs = *cur;
			fs.rise = 1;
			add_plain(p, &fs, num);
			break;
		}
		default:
			break;
		}
		if (push && mc_node_is_inline(n->type) && n->first) {
			/* containers get an EXIT event: push their style */
			if (depth + 1 < MAX_STYLE)
				stack[++depth] = st;
			else
				over++;
		}
	}
}

/* ---- paragraphs ---- */

static pdf_para_opts para_opts(pdf_ctx *c, double x0, double x1)
{
	pdf_para_opts o;
	memset(&o, 0, sizeof o);
	o.x = x0;
	o.width = x1 - x0;
	if (o.width < 2 * em(c))
		o.width = 2 * em(c);
	/* narrow measures (table cells) look better ragged */
	o.align = c->in_cell && o.width < 24 * em(c) ? PA_LEFT : PA_JUSTIFY;
	o.leading = c->th->line_height;
	o.hyphenate = true;
	return o;
}

/* The text of a list item's first block, white space collapsed, at most
 * about 200 bytes (cut at a character): a task box's tooltip. */
static void item_text_add(mc_buf *b, const mc_node *n, int depth)
{
	for (; n && b->len < 200 && depth < 32; n = n->next) {
		if (n->type == MC_TEXT || n->type == MC_CODE) {
			for (const char *s = n->as.text.text; *s && b->len < 200;
			     s++) {
				bool sp = *s == ' ' || *s == '\t' || *s == '\n';
				if (!sp)
					mc_buf_putc(b, *s);
				else if (b->len && b->data[b->len - 1] != ' ')
					mc_buf_putc(b, ' ');
			}
		} else if (n->type == MC_SOFTBREAK || n->type == MC_LINEBREAK) {
			if (b->len && b->data[b->len - 1] != ' ')
				mc_buf_putc(b, ' ');
		} else {
			item_text_add(b, n->first, depth + 1);
		}
	}
}

static const char *item_text(pdf_ctx *c, const mc_node *it)
{
	mc_buf b = MC_BUF_INIT;
	item_text_add(&b, it->first ? it->first->first : NULL, 0);
	b.len = mc_utf8_valid_prefix(b.data, b.len); /* none cut short */
	while (b.len && b.data[b.len - 1] == ' ')
		b.len--;
	const char *r = b.len ? mc_arena_strndup(c->arena, b.data, b.len)
	                      : NULL;
	mc_buf_free(&b);
	return r;
}

/* Lay out a paragraph, handing it any pending list marker. */
static int para_out(pdf_ctx *c, pdf_para *p, pdf_para_opts *o)
{
	if (c->mk_pending) {
		o->marker = c->mk_text;
		o->marker_style = c->mk_style;
		o->marker_x = c->mk_x;
		o->marker_box = c->mk_box;
		o->marker_checked = c->mk_checked;
		o->marker_tu = c->mk_tu;
		o->marker_se = c->mk_se;
		c->mk_pending = false;
		if (pdf_para_empty(p))
			add_plain(p, &c->mk_style, "\xC2\xA0");
	}
	if (pdf_para_empty(p))
		return 0;
	int se = pdf_tag_text(c, "P");
	int n = pdf_para_layout(p, o);
	pdf_tag_close(c, se);
	return n;
}

/* A pending marker before a block that is not text: its own line. */
static void flush_marker(pdf_ctx *c, double x0, double x1)
{
	if (!c->mk_pending)
		return;
	pdf_para *p = pdf_para_new(c);
	pdf_para_opts o = para_opts(c, x0, x1);
	para_out(c, p, &o);
	pdf_para_free(p);
}

static void anchor(pdf_ctx *c, const char *id, int level, const char *title)
{
	if ((!id || !*id) && !title)
		return;
	size_t op0 = pdf_slice_begin(c);
	if (id && *id) {
		pdf_op *a = pdf_op_add(c, OP_ANCHOR);
		a->text = id;
	}
	if (title) {
		pdf_op *o = pdf_op_add(c, OP_OUTLINE);
		o->text = title;
		o->ref = level;
	}
	pdf_slice *s = pdf_slice_end(c, op0, 0);
	s->keep_next = true;
}

static void paragraph(pdf_ctx *c, const mc_node *n, double x0, double x1,
                      pdf_style st, pdf_align align, double after)
{
	if (n->id)
		anchor(c, n->id, 0, NULL);
	pdf_para *p = pdf_para_new(c);
	inlines(c, p, n, st);
	pdf_para_opts o = para_opts(c, x0, x1);
	if (align != PA_JUSTIFY || o.align == PA_JUSTIFY)
		o.align = align;
	o.lang = mc_node_lang(c->doc, n);
	o.dir = mc_node_dir(c->doc, n);
	para_out(c, p, &o);
	pdf_para_free(p);
	pdf_space(c, after);
}

static const char *plain(pdf_ctx *c, const mc_node *n)
{
	return mc_node_plain_text((mc_doc *)c->doc, n);
}

/* A heading's (or a callout title's) lines: bold heading face, ragged
 * right, unhyphenated, kept together and with what follows. */
static void heading_para(pdf_ctx *c, const mc_node *n, double size,
                         double x0, double x1)
{
	pdf_style st = pdf_body_style(c);
	st.face = PF_HEAD | PF_BOLD;
	st.size = (float)size;
	pdf_para *p = pdf_para_new(c);
	inlines(c, p, n, st);
	pdf_para_opts o = para_opts(c, x0, x1);
	o.align = PA_LEFT;
	o.hyphenate = false;
	o.keep_lines = true;
	o.leading = 1.25;
	o.lang = mc_node_lang(c->doc, n);
	o.dir = mc_node_dir(c->doc, n);
	para_out(c, p, &o);
	pdf_para_free(p);
	pdf_keep_prev(c);
}

static void heading(pdf_ctx *c, const mc_node *n, double x0, double x1)
{
	int level = n->as.heading.level;
	double size = mc_theme_heading_size(c->th, level);
	pdf_space(c, size * 0.9);
	c->last_heading = plain(c, n);
	c->heading_level = level;
	anchor(c, n->id, level, c->last_heading);
	heading_para(c, n, size, x0, x1);
	pdf_space(c, size * 0.35);
}

/* ---- frames ---- */

static pdf_frame *frame_open(pdf_ctx *c, frame_kind kind, double x0,
                             double x1, uint32_t fill, bool has_fill,
                             uint32_t rule)
{
	if (c->in_cell)
		return NULL;
	pdf_frame *f = mc_arena_alloc(c->arena, sizeof *f);
	f->parent = c->frame;
	f->kind = kind;
	f->depth = c->frame ? c->frame->depth + 1 : 0;
	f->x0 = x0;
	f->x1 = x1;
	f->fill = fill;
	f->has_fill = has_fill;
	f->rule = rule;
	f->page = -1;
	c->frame = f;
	return f;
}

static void frame_close(pdf_ctx *c, pdf_frame *f)
{
	if (f)
		c->frame = f->parent;
}

/* A spacer that belongs to the current frame and is kept at page tops.
 * Callers make an opening pad keep with what follows. */
static pdf_slice *pad(pdf_ctx *c, double h)
{
	pdf_slice *s = pdf_slice_end(c, c->nops, h);
	s->discard = false;
	return s;
}

/* ---- blocks ---- */

static void blocks(pdf_ctx *c, const mc_node *parent, double x0, double x1,
                   int depth);
static void section(pdf_ctx *c, const mc_node *n, double x0, double x1,
                    int depth);
static void block(pdf_ctx *c, const mc_node *n, double x0, double x1,
                  int depth);

/* Below MAX_NEST: the text of every block of the subtree, flat. */
static void flat(pdf_ctx *c, const mc_node *root, double x0, double x1)
{
	if (!c->depth_warned) {
		c->depth_warned = 1;
		mc_warn(c->diag, root->line, root->col,
		        "blocks nested more than %d deep are printed without "
		        "further indentation",
		        MAX_NEST);
	}
	mc_iter it;
	mc_iter_init(&it, (mc_node *)root);
	mc_event ev;
	const mc_node *skip = NULL;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		const mc_node *n = it.cur;
		if (skip) {
			if (n == skip && ev == MC_EVENT_EXIT)
				skip = NULL;
			continue;
		}
		if (ev != MC_EVENT_ENTER)
			continue;
		switch (n->type) {
		case MC_PARAGRAPH:
		case MC_HEADING:
		case MC_CALLOUT_TITLE:
		case MC_SUMMARY:
		case MC_ATTRIBUTION:
		case MC_CAPTION:
			paragraph(c, n, x0, x1, pdf_body_style(c), PA_JUSTIFY,
			          em(c) * 0.4);
			if (n->first)
				skip = n;
			break;
		case MC_CODE_BLOCK:
		case MC_THEMATIC_BREAK:
		case MC_ANSWER:
		case MC_EMBED:
		case MC_FIGURE:
			block(c, n, x0, x1, MAX_NEST);
			if (n->first)
				skip = n;
			break;
		case MC_TABLE: {
			pdf_para *p = pdf_para_new(c);
			pdf_style st = pdf_body_style(c);
			add_plain(p, &st, plain(c, n));
			pdf_para_opts o = para_opts(c, x0, x1);
			para_out(c, p, &o);
			pdf_para_free(p);
			skip = n;
			break;
		}
		default:
			break;
		}
	}
}

/* A child block one level deeper; past MAX_NEST, its text flattened
 * (so deep input cannot exhaust the stack). */
static void nested(pdf_ctx *c, const mc_node *n, double x0, double x1,
                   int depth)
{
	if (depth >= MAX_NEST)
		flat(c, n, x0, x1);
	else
		block(c, n, x0, x1, depth + 1);
}

/* Drop the block spacing at the end of what was laid out (of frame f
 * only, unless f is NULL): a box's padding or a cell's edge closes it. */
static void drop_trailing_space(pdf_ctx *c, const pdf_frame *f)
{
	while (c->nslices && pdf_slice_at(c, c->nslices - 1)->discard &&
	       (!f || pdf_slice_at(c, c->nslices - 1)->frame == f))
		c->nslices--;
}

static void blocks(pdf_ctx *c, const mc_node *parent, double x0, double x1,
                   int depth)
{
	for (const mc_node *n = parent->first; n; n = n->next) {
		nested(c, n, x0, x1, depth);
	}
}

static const char *bullet(int level)
{
	static const char *const b[3] = {"\xE2\x80\xA2", "\xE2\x97\xA6",
	                                 "\xE2\x96\xAA"};
	return b[level % 3];
}

static void list(pdf_ctx *c, const mc_node *n, double x0, double x1,
                 int depth, int *list_level)
{
	double indent = room(c, x0, x1, em(c) * 1.7);
	if (indent <= 0)
		indent = em(c) * 0.9; /* narrow: markers just hang in front */
	if (x1 - x0 - indent < 4 * em(c))
		indent = 0;
	int num = n->as.list.start;
	bool ordered = n->as.list.ordered;
	bool rtl = mc_node_dir(c->doc, n) == MC_DIR_RTL;
	int lvl = *list_level;
	(*list_level)++;
	/* widest number, for right-aligned numbers */
	for (const mc_node *it = n->first; it; it = it->next, num++) {
		flush_marker(c, x0, x1);
		/* LI: its marker (Lbl), then its body (LBody) */
		int li = pdf_tag_open(c, "LI");
		if (ordered || it->as.item.task != MC_TASK_NONE) {
			c->mk_se = pdf_tag_open(c, "Lbl");
			pdf_tag_close(c, c->mk_se);
		} else {
			c->mk_se = -1; /* a bullet is furniture */
		}
		int lbody = pdf_tag_open(c, "LBody");
		char buf[24];
		pdf_style ms = pdf_body_style(c);
		if (ordered) {
			snprintf(buf, sizeof buf, "%d.", num);
		} else {
			snprintf(buf, sizeof buf, "%s", bullet(lvl));
			ms.color = c->th->colors.muted;
		}
		double mw = pdf_text_width(c, PF_BODY, buf, strlen(buf)) *
		            ms.size;
		c->mk_pending = true;
		c->mk_box = it->as.item.task != MC_TASK_NONE;
		c->mk_checked = it->as.item.task == MC_TASK_DONE;
		c->mk_tu = c->mk_box ? item_text(c, it) : NULL;
		c->mk_text = mc_arena_strndup(c->arena, buf, strlen(buf));
		c->mk_style = ms;
		/* a right-to-left list is indented from the right, its
		 * markers in the indent there */
		double bx0 = rtl ? x0 : x0 + indent, bx1 = rtl ? x1 - indent : x1;
		if (rtl) {
			c->mk_x = c->mk_box ? x1 - indent + ms.size * 0.45
			                    : x1 - indent + em(c) * 0.45;
			if (c->mk_x + mw > x1)
				c->mk_x = x1 - mw;
		} else {
			c->mk_x = c->mk_box ? x0 + indent - ms.size * 1.2
			                    : x0 + indent - mw - em(c) * 0.45;
			if (c->mk_x < x0)
				c->mk_x = x0;
		}
		if (depth >= MAX_NEST)
			flat(c, it, bx0, bx1);
		else
			blocks(c, it, bx0, bx1, depth + 1);
		flush_marker(c, bx0, bx1);
		pdf_tag_close(c, lbody);
		pdf_tag_close(c, li);
		if (!n->as.list.tight)
			pdf_space(c, em(c) * 0.3);
	}
	(*list_level)--;
	pdf_space(c, em(c) * 0.5);
}

/* One run of a code line in one font and colour, on a line lh high. */
static void code_run(pdf_ctx *c, int face, double size, double x, double lh,
                     uint32_t color, const char *text, size_t len)
{
	pdf_text_op(c, face, (float)size, color, x, lh * 0.75, 2, text, len);
}

static void code_block(pdf_ctx *c, const mc_node *n, double x0, double x1)
{
	double padx = em(c) * 0.6, pady = em(c) * 0.4;
	flush_marker(c, x0, x1);
	pdf_frame *f = frame_open(c, FR_CODE, x0, x1,
	                          c->th->colors.code_background, true, 0);
	pad(c, pady)->keep_next = true;
	double size = c->th->sizes.code;
	double lh = size * 1.35;
	double avail = x1 - x0 - 2 * padx;
	const char *mark = "\xE2\x86\xAA"; /* ↪ */
	int mark_face = pdf_font_for(c, PF_MONO, 0x21AA);
	double markw = pdf_glyph_width(c, mark_face, 0x21AA) * size +
	               size * 0.4;
	const char *t = n->as.code.text;
	size_t tl = strlen(t);
	if (tl && t[tl - 1] == '\n')
		tl--;
	size_t s0 = c->nslices;
	size_t i = 0;
	mc_buf line = MC_BUF_INIT;
	while (i <= tl) {
		/* one source line, tabs expanded */
		size_t j = i;
		while (j < tl && t[j] != '\n')
			j++;
		mc_buf_clear(&line);
		size_t colm = 0;
		for (size_t k = i; k < j; k++) {
			if (t[k] == '\t') {
				do {
					mc_buf_putc(&line, ' ');
					colm++;
				} while (colm % 4);
			} else {
				unsigned char ch = (unsigned char)t[k];
				mc_buf_putc(&line, ch < 0x20 ? ' ' : (char)ch);
				if ((ch & 0xC0) != 0x80)
					colm++;
			}
		}
		/* wrap it into visual lines */
		size_t k = 0, ln = line.len;
		bool cont = false;
		do {
			size_t op0 = pdf_slice_begin(c);
			double x = x0 + padx;
			double lim = avail;
			if (cont) {
				/* the mark is furniture (an artifact): the
				 * line's text reads on from the line above */
				size_t m0 = c->nops;
				code_run(c, mark_face, size, x, lh,
				         c->th->colors.muted, mark, 3);
				for (size_t q = m0; q < c->nops; q++)
					pdf_op_at(c, q)->se = 0;
				x += markw;
				lim -= markw;
			}
			double used = 0;
			size_t runstart = k;
			int runface = -1;
			double runx = x;
			while (k < ln) {
				uint32_t cp;
				size_t l = pdf_utf8_next(line.data + k, ln - k,
				                         &cp);
				int fc = pdf_font_for(c, PF_MONO, cp);
				double w = pdf_glyph_width(c, fc, cp) * size;
				if (used + w > lim && k > runstart + 0 &&
				    used > 0)
					break;
				if (fc != runface) {
					if (runface >= 0 && k > runstart)
						code_run(c, runface, size, runx,
						         lh, c->th->colors.text,
						         line.data + runstart,
						         k - runstart);
					runface = fc;
					runstart = k;
					runx = x + used;
				}
				used += w;
				k += l;
			}
			if (runface >= 0 && k > runstart)
				code_run(c, runface, size, runx, lh,
				         c->th->colors.text,
				         line.data + runstart, k - runstart);
			pdf_slice_end(c, op0, lh);
			cont = true;
		} while (k < ln);
		i = j + 1;
	}
	mc_buf_free(&line);
	size_t nl = c->nslices - s0;
	if (nl >= 2)
		pdf_slice_at(c, s0)->keep_next = true;
	if (nl >= 3)
		pdf_slice_at(c, c->nslices - 2)->keep_next = true;
	pad(c, pady);
	frame_close(c, f);
	pdf_space(c, em(c) * 0.7);
}

static void thematic_break(pdf_ctx *c, double x0, double x1)
{
	flush_marker(c, x0, x1);
	size_t op0 = pdf_slice_begin(c);
	pdf_op *l = pdf_op_add(c, OP_LINE);
	double w = (x1 - x0) * 0.4;
	l->x = x0 + (x1 - x0 - w) / 2;
	l->y = em(c) * 0.75;
	l->w = w;
	l->lw = 0.8f;
	l->color = c->th->colors.rule;
	l->layer = 1;
	pdf_slice_end(c, op0, em(c) * 1.5);
}

static void caption(pdf_ctx *c, const mc_node *cap, double x0, double x1)
{
	if (!cap)
		return;
	pdf_keep_prev(c);
	pdf_style st = pdf_body_style(c);
	st.size = (float)c->th->sizes.small;
	st.color = c->th->colors.muted;
	st.face |= PF_ITALIC;
	pdf_space(c, em(c) * 0.2);
	paragraph(c, cap, x0, x1, st, PA_CENTER, 0);
}

static void figure(pdf_ctx *c, const mc_node *n, double x0, double x1)
{
	flush_marker(c, x0, x1);
	if (n->id)
		anchor(c, n->id, 0, NULL);
	const mc_image *im = &n->as.image;
	const mc_node *cap = NULL;
	for (const mc_node *k = n->first; k; k = k->next)
		if (k->type == MC_CAPTION)
			cap = k;
	mc_image_why why = {"remote or missing"};
	int idx = im->path ? pdf_load_image(c, im->path, &why, NULL) : -1;
	double avail = x1 - x0;
	if (idx < 0) {
		mc_warn(c->diag, n->line, n->col,
		        "image \"%s\" cannot be used (%s); its alt text is "
		        "shown instead",
		        im->src, why.text);
		pdf_frame *f = frame_open(c, FR_CARD, x0, x1,
		                          c->th->colors.code_background, true,
		                          c->th->colors.table_border);
		pad(c, em(c) * 0.5)->keep_next = true;
		pdf_para *p = pdf_para_new(c);
		pdf_style st = pdf_body_style(c);
		st.face |= PF_ITALIC;
		st.color = c->th->colors.muted;
		add_plain(p, &st, "Image: ");
		add_plain(p, &st, *im->alt ? im->alt : im->src);
		pdf_para_opts o = para_opts(c, x0 + em(c), x1 - em(c));
		o.align = PA_CENTER;
		para_out(c, p, &o);
		pdf_para_free(p);
		pad(c, em(c) * 0.5);
		frame_close(c, f);
	} else {
		HPDF_Image img = c->images[idx].img;
		double iw = HPDF_Image_GetWidth(img);
		double ih = HPDF_Image_GetHeight(img);
		if (iw < 1)
			iw = 1;
		if (ih < 1)
			ih = 1;
		double w = im->width > 0 ? im->width * CSS_PX : avail;
		/* a small picture (an icon, a badge), or any in a table
		 * cell, at its natural size as a browser shows it, not
		 * blown up to the width */
		double line = em(c) * c->th->line_height;
		if (im->width <= 0 &&
		    (c->in_cell || (iw * CSS_PX <= avail / 3 &&
		                    ih * CSS_PX <= 2 * line)))
			w = iw * CSS_PX;
		if (w > avail)
			w = avail;
		double h = w * ih / iw;
		/* a worksheet's picture leaves room for its answers */
		double maxh = (c->bottom - c->top) *
		              (c->doc->meta.kind == MC_DOC_WORKSHEETS ? 0.3
		                                                     : 0.7);
		if (h > maxh) {
			h = maxh;
			w = h * iw / ih;
		}
		size_t op0 = pdf_slice_begin(c);
		pdf_op *o = pdf_op_add(c, OP_IMAGE);
		o->x = x0 + (avail - w) / 2;
		o->y = 0;
		o->w = w;
		o->h = h;
		o->ref = idx;
		o->layer = 1;
		if (im->href && *im->href) {
			pdf_op *l = pdf_op_add(c, OP_LINK);
			l->x = x0 + (avail - w) / 2;
			l->w = w;
			l->h = h;
			l->ref = pdf_link_add(c, im->href);
			pdf_tag_link(c, l->ref);
		}
		pdf_slice *s = pdf_slice_end(c, op0, h);
		s->minh = h * 0.45;
	}
	caption(c, cap, x0, x1);
	pdf_space(c, em(c) * 0.8);
}

static void answer(pdf_ctx *c, const mc_node *n, double x0, double x1)
{
	flush_marker(c, x0, x1);
	pdf_keep_prev(c);
	const mc_theme *th = c->th;
	size_t op0 = pdf_slice_begin(c);
	if (n->as.answer.kind == MC_ANSWER_CHECKBOX) {
		double s = em(c) * 0.9;
		pdf_op *b = pdf_op_add(c, OP_STROKE);
		b->x = x0;
		b->y = em(c) * 0.3;
		b->w = s;
		b->h = s;
		b->lw = 0.8f;
		b->color = th->colors.text;
		b->layer = 1;
		pdf_op *f = pdf_op_add(c, OP_CHECKBOX);
		f->x = x0;
		f->y = em(c) * 0.3;
		f->w = s;
		f->h = s;
		f->ref = n->as.answer.number;
		f->aux = n->as.answer.checked;
		f->text = n->as.answer.label;
		pdf_op_set_group(c, f, pdf_field_group(c, n));
		pdf_slice_end(c, op0, em(c) * 1.6);
	} else {
		int lines = n->as.answer.kind == MC_ANSWER_LINE ? 1
		            : n->as.answer.lines > 0 ? n->as.answer.lines
		                                     : th->answer.lines;
		if (lines > 40)
			lines = 40;
		if (c->answer_max_lines > 0 && lines > c->answer_max_lines)
			lines = c->answer_max_lines;
		if (c->answer_bonus > 0 && c->answer_nans > 0 &&
		    n->as.answer.kind != MC_ANSWER_LINE) {
			/* shared evenly, what is left to the last ones */
			int k = c->answer_seen++;
			int rem = c->answer_bonus % c->answer_nans;
			lines += c->answer_bonus / c->answer_nans +
			         (k >= c->answer_nans - rem);
		}
		double sp = th->answer.line_spacing *
		            (c->answer_scale > 0 ? c->answer_scale : 1);
		if (sp < th->answer.min_line_spacing)
			sp = th->answer.min_line_spacing;
		/* A multi-line field types in a font of the lines' spacing:
		 * viewers (poppler) set its lines fs apart, the first
		 * baseline fs + 3 below the field's top, so each typed line
		 * sits just above a writing line, never struck through by
		 * one.  A one-line field types in the body size, centred
		 * above its line. */
		bool multi = lines > 1;
		double gap = 1.5; /* baseline to writing line */
		double off = multi ? 3 + gap : 0;
		/* the field takes the last line's descenders too (below
		 * the slice, in the space after it) */
		double fh = multi ? 3 + lines * sp + sp * 0.25 : sp + 2;
		double sh = multi ? off + lines * sp + em(c) * 0.2
		                  : fh + em(c) * 0.2;
		for (int k = 1; k <= lines; k++) {
			pdf_op *l = pdf_op_add(c, OP_LINE);
			l->x = x0;
			l->y = off + k * sp;
			l->w = x1 - x0;
			l->lw = (float)th->answer.rule_width;
			l->color = th->answer.rule;
			l->layer = 1;
		}
		pdf_op *f = pdf_op_add(c, OP_FIELD);
		f->x = x0;
		f->y = 0;
		f->w = x1 - x0;
		f->h = fh;
		f->ref = n->as.answer.number;
		f->aux = (uint32_t)lines;
		f->size = (float)(multi ? sp : th->sizes.body);
		f->text = n->as.answer.label;
		pdf_op_set_group(c, f, pdf_field_group(c, n));
		pdf_slice_end(c, op0, sh);
	}
	pdf_space(c, em(c) * 0.4);
}

static void callout(pdf_ctx *c, const mc_node *n, double x0, double x1,
                    int depth)
{
	flush_marker(c, x0, x1);
	const mc_callout_style *cs =
		mc_theme_callout(c->th, n->as.callout.kind, n->as.callout.variant);
	pdf_space(c, em(c) * 0.3);
	pdf_frame *f = frame_open(c, FR_CALLOUT, x0, x1, cs->background, true,
	                          cs->rule);
	double in = room(c, x0, x1, em(c) * 2);
	double ix0 = x0 + in * 0.55, ix1 = x1 - in * 0.45;
	pad(c, em(c) * 0.6)->keep_next = true;
	if (n->id)
		anchor(c, n->id, 0, NULL);
	if (cs->label && *cs->label) {
		pdf_para *p = pdf_para_new(c);
		pdf_style st = pdf_body_style(c);
		st.face = PF_HEAD | PF_BOLD;
		st.size = (float)c->th->sizes.small;
		st.color = cs->rule;
		add_plain(p, &st, cs->label);
		pdf_para_opts o = para_opts(c, ix0, ix1);
		o.align = PA_LEFT;
		o.keep_lines = true;
		para_out(c, p, &o);
		pdf_para_free(p);
		pdf_keep_prev(c);
	}
	const mc_node *k = n->first;
	if (k && k->type == MC_CALLOUT_TITLE) {
		const char *t = plain(c, k);
		c->last_heading = t; /* the nearest heading, for embeds */
		int lvl = c->heading_level + 1;
		anchor(c, k->id, lvl > 6 ? 6 : lvl, t);
		heading_para(c, k, mc_theme_heading_size(c->th, 4), ix0, ix1);
		pdf_space(c, em(c) * 0.4);
		k = k->next;
	}
	for (; k; k = k->next) {
		nested(c, k, ix0, ix1, depth);
	}
	/* drop the trailing block spacing: the pad closes the box */
	drop_trailing_space(c, f);
	pad(c, em(c) * 0.6);
	frame_close(c, f);
	pdf_space(c, em(c) * 0.9);
}

static void blockquote(pdf_ctx *c, const mc_node *n, double x0, double x1,
                       int depth)
{
	flush_marker(c, x0, x1);
	pdf_frame *f = frame_open(c, FR_QUOTE, x0, x1, 0, false,
	                          c->th->colors.quote_rule);
	double in = room(c, x0, x1, em(c) * 2.4);
	double ix0 = x0 + in / 2, ix1 = x1 - in / 2;
	for (const mc_node *k = n->first; k; k = k->next) {
		if (k->type == MC_ATTRIBUTION) {
			pdf_keep_prev(c);
			pdf_style st = pdf_body_style(c);
			st.face |= PF_ITALIC;
			st.color = c->th->colors.muted;
			pdf_para *p = pdf_para_new(c);
			add_plain(p, &st, "\xE2\x80\x94\xC2\xA0"); /* — */
			inlines(c, p, k, st);
			pdf_para_opts o = para_opts(c, ix0, ix1);
			o.align = PA_RIGHT;
			o.hyphenate = false;
			para_out(c, p, &o);
			pdf_para_free(p);
			continue;
		}
		nested(c, k, ix0, ix1, depth);
	}
	drop_trailing_space(c, f);
	frame_close(c, f);
	pdf_space(c, em(c) * 0.9);
}

static void details(pdf_ctx *c, const mc_node *n, double x0, double x1,
                    int depth)
{
	flush_marker(c, x0, x1);
	for (const mc_node *k = n->first; k; k = k->next) {
		if (k->type == MC_SUMMARY) {
			pdf_style st = pdf_body_style(c);
			st.face = PF_HEAD | PF_BOLD;
			pdf_para *p = pdf_para_new(c);
			add_plain(p, &st, "\xE2\x96\xB8\xC2\xA0"); /* ▸ */
			inlines(c, p, k, st);
			pdf_para_opts o = para_opts(c, x0, x1);
			o.align = PA_LEFT;
			o.keep_lines = true;
			para_out(c, p, &o);
			pdf_para_free(p);
			pdf_keep_prev(c);
			pdf_space(c, em(c) * 0.3);
			continue;
		}
		nested(c, k, x0 + room(c, x0, x1, em(c)), x1, depth);
	}
	pdf_space(c, em(c) * 0.6);
}

/* A definition list, tagged as a list: each group of terms is an LI's
 * Lbl (in bold, kept with what follows), its descriptions the LBody,
 * indented. */
static void deflist(pdf_ctx *c, const mc_node *n, double x0, double x1,
                    int depth)
{
	flush_marker(c, x0, x1);
	double ind = room(c, x0, x1, em(c) * 1.7);
	for (const mc_node *k = n->first; k;) {
		int li = pdf_tag_open(c, "LI");
		int lbl = pdf_tag_open(c, "Lbl");
		for (; k && k->type == MC_DEFTERM; k = k->next) {
			if (k->id)
				anchor(c, k->id, 0, NULL);
			pdf_style st = pdf_body_style(c);
			st.face |= PF_BOLD;
			pdf_para *p = pdf_para_new(c);
			inlines(c, p, k, st);
			pdf_para_opts o = para_opts(c, x0, x1);
			o.align = PA_LEFT;
			o.keep_lines = true;
			o.lang = mc_node_lang(c->doc, k);
			o.dir = mc_node_dir(c->doc, k);
			para_out(c, p, &o);
			pdf_para_free(p);
			pdf_keep_prev(c);
			pdf_space(c, em(c) * 0.2);
		}
		pdf_tag_close(c, lbl);
		int body = pdf_tag_open(c, "LBody");
		for (; k && k->type != MC_DEFTERM; k = k->next)
			blocks(c, k, x0 + ind, x1, depth + 1);
		pdf_tag_close(c, body);
		pdf_tag_close(c, li);
	}
	pdf_space(c, em(c) * 0.3);
}

static void embed(pdf_ctx *c, const mc_node *n, double x0, double x1)
{
	flush_marker(c, x0, x1);
	const mc_theme *th = c->th;
	double padw = em(c) * 0.8;
	double qr = th->embed.qr_size;
	const char *url = n->as.embed.short_url && *n->as.embed.short_url
	                          ? n->as.embed.short_url
	                          : n->as.embed.url;
	/* no room beside the text (absurd nesting): no QR code */
	bool has_qr = url && *url && x1 - x0 - qr - 3 * padw >= 8 * em(c);
	double tx0 = x0 + padw;
	double tx1 = x1 - padw - (has_qr ? qr + padw : 0);
	const mc_callout_style *cs =
		mc_theme_callout(th, MC_CALLOUT_VIDEOS, 0);
	size_t s0 = c->nslices;
	bool save_cell = c->in_cell;
	c->in_cell = true; /* no frames inside the card */
	pdf_para_opts o = para_opts(c, tx0, tx1);
	o.align = PA_LEFT;
	o.hyphenate = false;

	/* kind · duration */
	pdf_para *p = pdf_para_new(c);
	pdf_style st = pdf_body_style(c);
	st.face = PF_HEAD | PF_BOLD;
	st.size = (float)th->sizes.small;
	st.color = cs->rule;
	add_plain(p, &st, mc_theme_embed_label(th, n->as.embed.kind));
	if (n->as.embed.duration && *n->as.embed.duration) {
		add_plain(p, &st, " \xC2\xB7 ");
		add_plain(p, &st, n->as.embed.duration);
	}
	para_out(c, p, &o);
	pdf_para_free(p);

	/* title */
	const char *title = n->as.embed.title && *n->as.embed.title
	                            ? n->as.embed.title
	                    : c->last_heading ? c->last_heading
	                                      : c->doc->meta.title;
	if (title && *title) {
		p = pdf_para_new(c);
		st = pdf_body_style(c);
		st.face = PF_HEAD | PF_BOLD;
		add_plain(p, &st, title);
		para_out(c, p, &o);
		pdf_para_free(p);
	}
	/* provider, URL */
	p = pdf_para_new(c);
	st = pdf_body_style(c);
	st.size = (float)th->sizes.small;
	st.color = th->colors.muted;
	add_plain(p, &st, n->as.embed.provider ? n->as.embed.provider : "");
	para_out(c, p, &o);
	pdf_para_free(p);
	if (url && *url) {
		p = pdf_para_new(c);
		st = pdf_body_style(c);
		st.face = PF_BODY;
		st.size = (float)th->sizes.small;
		st.color = th->colors.link;
		st.link = pdf_link_add(c, url);
		add_plain(p, &st, url);
		para_out(c, p, &o);
		pdf_para_free(p);
	}
	for (const mc_node *k = n->first; k; k = k->next)
		if (k->type == MC_CAPTION) {
			pdf_style cst = pdf_body_style(c);
			cst.size = (float)th->sizes.small;
			cst.face |= PF_ITALIC;
			paragraph(c, k, tx0, tx1, cst, PA_LEFT, 0);
		}
	c->in_cell = save_cell;
	/* pad top and bottom, and take the QR code's height */
	pdf_slice *m = pdf_collapse(c, s0);
	double th_ = m ? m->h : 0;
	double h = (has_qr && qr > th_ ? qr : th_) + 2 * padw;
	size_t op0 = m ? m->op0 : c->nops;
	if (m)
		for (size_t k = m->op0; k < c->nops; k++)
			pdf_op_at(c, k)->y += padw;
	c->nslices = s0;
	if (!c->frame || c->in_cell) {
		/* a card of its own (inside a callout the box is there) */
		pdf_op *bg = pdf_op_add(c, OP_FILL);
		bg->x = x0;
		bg->y = 0;
		bg->w = x1 - x0;
		bg->h = h;
		bg->color = cs->background;
		bg->layer = 0;
		pdf_op *bd = pdf_op_add(c, OP_FILL);
		bd->x = x0;
		bd->y = 0;
		bd->w = 3;
		bd->h = h;
		bd->color = cs->rule;
		bd->layer = 0;
	}
	if (has_qr) {
		double qx = x1 - padw - qr, qy = padw;
		pdf_op *wbg = pdf_op_add(c, OP_FILL);
		wbg->x = qx;
		wbg->y = qy;
		wbg->w = qr;
		wbg->h = qr;
		wbg->color = 0xFFFFFF;
		wbg->layer = 0;
		/* the code is a figure that names its link */
		int fse = pdf_tag_open(c, "Figure");
		mc_buf alt = MC_BUF_INIT;
		mc_buf_printf(&alt, "QR code of the link %s", url);
		pdf_tag_set(c, fse, mc_arena_strndup(c->arena, alt.data, alt.len),
		            NULL, NULL);
		mc_buf_free(&alt);
		if (pdf_qr(c, url, qx, qy, qr) == 0) {
			pdf_op *l = pdf_op_add(c, OP_LINK);
			l->x = qx;
			l->y = qy;
			l->w = qr;
			l->h = qr;
			l->ref = pdf_link_add(c, url);
			pdf_tag_link(c, l->ref);
		}
		pdf_tag_close(c, fse);
	}
	pdf_slice_end(c, op0, h);
	pdf_space(c, em(c) * 0.8);
}

/* ---- tables ---- */

typedef struct tcell {
	const mc_node *n;
	int row, col, cs, rs;
	double minw, maxw;
	double h;
} tcell;

/* Minimum (longest word) and maximum (one line) widths of a cell. */
static void measure_cell(pdf_ctx *c, tcell *t)
{
	const char *s = plain(c, t->n);
	int face = PF_BODY | (t->n->as.cell.header ? PF_BOLD : 0);
	double size = c->th->sizes.body, word = 0, line = 0, best = 0;
	size_t n = strlen(s), i = 0;
	while (i <= n) {
		uint32_t cp = 0;
		size_t l = i < n ? pdf_utf8_next(s + i, n - i, &cp) : 1;
		if (i == n || cp == ' ' || cp == '\n') {
			if (word > best)
				best = word;
			word = 0;
			if (cp == '\n') {
				if (line > t->maxw)
					t->maxw = line;
				line = 0;
			} else {
				line += size * 0.3;
			}
		} else {
			double w = pdf_glyph_width(c, pdf_font_for(c, face, cp),
			                           cp) *
			           size;
			word += w;
			line += w;
		}
		i += l;
	}
	if (line > t->maxw)
		t->maxw = line;
	/* long words (URLs) may break: do not let them claim the page */
	t->minw = best > size * 12 ? size * 12 : best;
	pdf_cell_image_widths(c, t->n, &t->minw, &t->maxw);
}

static void cell_content(pdf_ctx *c, const tcell *t, double x0, double x1,
                         int depth)
{
	c->face_mod = t->n->as.cell.header ? PF_BOLD : 0;
	bool save = c->in_cell;
	c->in_cell = true;
	for (const mc_node *k = t->n->first; k; k = k->next) {
		nested(c, k, x0, x1, depth);
	}
	drop_trailing_space(c, NULL); /* no trailing spacing */
	c->in_cell = save;
	c->face_mod = 0;
}

static void table(pdf_ctx *c, const mc_node *n, double x0, double x1,
                  int depth)
{
	flush_marker(c, x0, x1);
	int ncols = n->as.table.ncols;
	int nrows = 0;
	for (const mc_node *r = n->first; r; r = r->next)
		nrows++;
	if (ncols <= 0 || nrows == 0)
		return;
	if (ncols > 64) {
		mc_warn(c->diag, n->line, n->col,
		        "a table of %d columns: only the first 64 are printed",
		        ncols);
		ncols = 64;
	}
	/* place the cells on the grid */
	size_t ncells = 0, capcells = 0;
	tcell *cells = NULL;
	unsigned char *occ = mc_xcalloc((size_t)nrows * (size_t)ncols, 1);
	int ri = 0;
	for (const mc_node *r = n->first; r; r = r->next, ri++) {
		int col = 0;
		for (const mc_node *k = r->first; k; k = k->next) {
			while (col < ncols && occ[(size_t)ri * ncols + col])
				col++;
			if (col >= ncols)
				break;
			int cs = k->as.cell.colspan, rs = k->as.cell.rowspan;
			if (cs < 1)
				cs = 1;
			if (rs < 1)
				rs = 1;
			if (col + cs > ncols)
				cs = ncols - col;
			if (ri + rs > nrows)
				rs = nrows - ri;
			for (int y = ri; y < ri + rs; y++)
				for (int x = col; x < col + cs; x++)
					occ[(size_t)y * ncols + x] = 1;
			PDF_GROW(cells, ncells, capcells);
			tcell *t = &cells[ncells++];
			memset(t, 0, sizeof *t);
			t->n = k;
			t->row = ri;
			t->col = col;
			t->cs = cs;
			t->rs = rs;
			measure_cell(c, t);
			col += cs;
		}
	}
	free(occ);
	/* column widths from min/max content widths */
	double padc = em(c) * 0.45;
	double *minw = mc_xcalloc((size_t)ncols, sizeof *minw);
	double *maxw = mc_xcalloc((size_t)ncols, sizeof *maxw);
	double *wid = mc_xcalloc((size_t)ncols, sizeof *wid);
	for (size_t i = 0; i < ncells; i++) {
		tcell *t = &cells[i];
		if (t->cs != 1)
			continue;
		if (t->minw + 2 * padc > minw[t->col])
			minw[t->col] = t->minw + 2 * padc;
		if (t->maxw + 2 * padc > maxw[t->col])
			maxw[t->col] = t->maxw + 2 * padc;
	}
	for (size_t i = 0; i < ncells; i++) { /* spanning cells */
		tcell *t = &cells[i];
		if (t->cs == 1)
			continue;
		double smin = 0, smax = 0;
		for (int x = t->col; x < t->col + t->cs; x++) {
			smin += minw[x];
			smax += maxw[x];
		}
		if (t->minw + 2 * padc > smin)
			for (int x = t->col; x < t->col + t->cs; x++)
				minw[x] += (t->minw + 2 * padc - smin) / t->cs;
		if (t->maxw + 2 * padc > smax)
			for (int x = t->col; x < t->col + t->cs; x++)
				maxw[x] += (t->maxw + 2 * padc - smax) / t->cs;
	}
	double avail = x1 - x0, smin = 0, smax = 0;
	for (int x = 0; x < ncols; x++) {
		if (minw[x] < 2 * padc + em(c))
			minw[x] = 2 * padc + em(c);
		if (maxw[x] < minw[x])
			maxw[x] = minw[x];
		smin += minw[x];
		smax += maxw[x];
	}
	for (int x = 0; x < ncols; x++) {
		if (smax <= avail)
			wid[x] = maxw[x] * avail / smax; /* fill the width */
		else if (smin >= avail)
			wid[x] = minw[x] * avail / smin;
		else
			wid[x] = minw[x] + (maxw[x] - minw[x]) *
			                           (avail - smin) / (smax - smin);
	}
	double *colx = mc_xcalloc((size_t)ncols + 1, sizeof *colx);
	colx[0] = x0;
	for (int x = 0; x < ncols; x++)
		colx[x + 1] = colx[x] + wid[x];

	/* pass 1: cell heights */
	double *rowh = mc_xcalloc((size_t)nrows, sizeof *rowh);
	size_t save_ops = c->nops, save_slices = c->nslices;
	size_t save_links = c->nlinks;
	pdf_tag_pos save_tags = pdf_tags_pos(c);
	for (size_t i = 0; i < ncells; i++) {
		tcell *t = &cells[i];
		size_t s0 = c->nslices;
		cell_content(c, t, colx[t->col] + padc,
		             colx[t->col + t->cs] - padc, depth);
		double h = 0;
		for (size_t k = s0; k < c->nslices; k++)
			h += pdf_slice_at(c, k)->h;
		t->h = h + 2 * padc * 0.8;
		c->nslices = s0;
		if (t->rs == 1 && t->h > rowh[t->row])
			rowh[t->row] = t->h;
	}
	for (size_t i = 0; i < ncells; i++) {
		tcell *t = &cells[i];
		if (t->rs == 1)
			continue;
		double sum = 0;
		for (int y = t->row; y < t->row + t->rs; y++)
			sum += rowh[y];
		if (t->h > sum)
			rowh[t->row + t->rs - 1] += t->h - sum;
	}
	pdf_tags_rewind(c, &save_tags);
	c->nops = save_ops;
	c->nslices = save_slices;
	c->nlinks = save_links;

	/* a row taller than a page cannot be kept whole: print the table
	 * as a list of its cells instead, which breaks line by line */
	double maxrow = 0;
	for (int r = 0; r < nrows; r++)
		if (rowh[r] > maxrow)
			maxrow = rowh[r];
	if (maxrow > (c->bottom - c->top) * 0.9) {
		mc_warn(c->diag, n->line, n->col,
		        "a table row is taller than a page; the table is "
		        "printed cell by cell");
		for (size_t i = 0; i < ncells; i++) {
			if (i > 0 && cells[i].row != cells[i - 1].row)
				thematic_break(c, x0, x1);
			cell_content(c, &cells[i], x0, x1, depth);
			pdf_space(c, em(c) * 0.4);
		}
		goto done;
	}

	/* pass 2: one slice per row */
	long save_header = c->table_header;
	c->table_header = -1;
	size_t ci = 0;
	int span_end = -1; /* the last row reached by a cell placed so far */
	/* a long table's rows in TBody groups (a PDF array holds at most
	 * 32767 entries: the Table's kids stay far below) */
	enum { ROWS_PER_BODY = 4096 };
	int tbody = 0;
	for (int r = 0; r < nrows; r++) {
		size_t op0 = pdf_slice_begin(c);
		bool header_row = false;
		if (nrows > ROWS_PER_BODY && r % ROWS_PER_BODY == 0) {
			pdf_tag_close(c, tbody);
			tbody = pdf_tag_open(c, "TBody");
		}
		int tr = pdf_tag_open(c, "TR");
		for (; ci < ncells && cells[ci].row == r; ci++) {
			tcell *t = &cells[ci];
			if (t->row + t->rs - 1 > span_end)
				span_end = t->row + t->rs - 1;
			double h = 0;
			for (int y = r; y < r + t->rs; y++)
				h += rowh[y];
			double cx0 = colx[t->col], cx1 = colx[t->col + t->cs];
			if (t->n->as.cell.header) {
				pdf_op *bg = pdf_op_add(c, OP_FILL);
				bg->x = cx0;
				bg->y = 0;
				bg->w = cx1 - cx0;
				bg->h = h;
				bg->color = c->th->colors.table_header_background;
				bg->layer = 0;
			}
			if (t->n->parent && t->n->parent->as.row.header)
				header_row = true;
			pdf_op *bd = pdf_op_add(c, OP_STROKE);
			bd->x = cx0;
			bd->y = 0;
			bd->w = cx1 - cx0;
			bd->h = h;
			bd->lw = 0.6f;
			bd->color = c->th->colors.table_border;
			bd->layer = 1;
			size_t s0 = c->nslices;
			size_t cop0 = c->nops;
			bool th = t->n->as.cell.header;
			int cse = pdf_tag_open(c, th ? "TH" : "TD");
			if (th)
				pdf_tag_set(c, cse, NULL, NULL,
				            t->n->parent &&
				                    t->n->parent->as.row.header
				                    ? "Column"
				                    : "Row");
			cell_content(c, t, cx0 + padc, cx1 - padc, depth);
			pdf_tag_close(c, cse);
			double y = padc * 0.8;
			for (size_t k = s0; k < c->nslices; k++) {
				pdf_slice *s = pdf_slice_at(c, k);
				for (size_t q = s->op0; q < s->op0 + s->nops; q++)
					pdf_op_at(c, q)->y += y;
				y += s->h;
			}
			(void)cop0;
			c->nslices = s0;
		}
		pdf_tag_close(c, tr);
		pdf_slice *s = pdf_slice_end(c, op0, rowh[r]);
		/* rows spanned by a cell stay together: cells come in row
		 * order, so the last row any cell so far reaches says it
		 * (a scan of every cell here was quadratic in the rows) */
		if (span_end > r)
			s->keep_next = true;
		if (header_row && r == 0) {
			s->header = -1;
			s->keep_next = true;
			c->table_header = (long)(c->nslices - 1);
		}
	}
	pdf_tag_close(c, tbody);
	c->table_header = save_header;
done:
	free(rowh);
	free(colx);
	free(wid);
	free(minw);
	free(maxw);
	free(cells);
	pdf_space(c, em(c) * 0.8);
}

/* ---- sections ---- */

static double slices_height(const pdf_ctx *c, size_t s0, size_t s1)
{
	double h = 0;
	size_t i = s0;
	if (s0 == 0 && s1 >= c->slice_base) {
		/* (those given back, summed in the same order: the same
		 * double) */
		h = c->slice_h_gone;
		i = c->slice_base;
	}
	for (; i < s1; i++)
		h += pdf_slice_at(c, i)->h;
	return h;
}

/* A section's heading (noted for the contents) and blocks. */
static void section_body(pdf_ctx *c, const mc_node *n, double x0, double x1,
                         int depth)
{
	const mc_node *k = n->first;
	if (k) {
		size_t s0 = c->nslices;
		nested(c, k, x0, x1, depth);
		pdf_toc_note(c, n, s0);
		k = k->next;
	}
	for (; k; k = k->next) {
		(void)pdf_layout_point(c); /* (an error is recorded) */
		nested(c, k, x0, x1, depth);
	}
}

/* How far layout has gone, to lay a block out again. */
typedef struct layout_mark {
	size_t slices, ops, links, toc;
	int tasks, fields;
	pdf_tag_pos tags;
} layout_mark;

static layout_mark mark(const pdf_ctx *c)
{
	layout_mark m = {c->nslices, c->nops, c->nlinks, c->ntoc, c->ntasks,
	                 c->nfields, pdf_tags_pos(c)};
	return m;
}

static void undo(pdf_ctx *c, const layout_mark *m)
{
	pdf_tags_rewind(c, &m->tags);
	c->nslices = m->slices;
	c->nops = m->ops;
	c->nlinks = m->links;
	c->ntoc = m->toc;
	c->ntasks = m->tasks;
	c->nfields = m->fields;
}

/* The text answers (fields with lines) under n. */
static int text_answers(const mc_node *n)
{
	int k = 0;
	for (const mc_node *q = n; q; q = mc_node_next((mc_node *)q, n))
		if (q->type == MC_ANSWER &&
		    q->as.answer.kind == MC_ANSWER_LINES)
			k++;
	return k;
}

/* A worksheet is printed to fit one page where it can: when it is longer
 * than `room` it is laid out again with its writing lines closer (never
 * closer than the theme's answer.min_line_spacing), then fewer (two an
 * answer, at last one); the first of a pack tries the room left under the
 * title.  If nothing fits, it keeps its full lines and runs on.  When it
 * fits, the page's free height goes to its answers: more lines at the
 * same spacing, shared among them, so the pack fills each sheet.  The passes
 * after the first are silent (their warnings are the first pass's). */
static void worksheet_fit(pdf_ctx *c, const mc_node *n, double x0,
                          double x1, int depth, double first_room)
{
	static const struct {
		int lines;
		double scale, space;
	} tries[] = {{0, 1, 1},     {0, 0.85, 1},   {2, 0.85, 1},
	             {2, 0.75, 1},   {2, 0.75, 0.5}, {1, 0.75, 0.5}};
	enum { NTRIES = sizeof tries / sizeof *tries };
	layout_mark m = mark(c);
	size_t s0 = m.slices;
	double body = c->bottom - c->top;
	double room = first_room > 0 ? first_room : body;
	mc_diag *d = c->diag;
	FILE *out = d->out;
	int nw = 0, ne = 0; /* the counts after the first pass */
	bool done = false;
	int fit = -1;
	c->answer_bonus = c->answer_nans = c->answer_seen = 0;
	c->hold++; /* (laid out again and again: no layout point inside) */
	for (int i = 0; i < NTRIES && !done; i++) {
		if (i) { /* again: undo the last pass, silently */
			undo(c, &m);
			d->out = NULL;
		}
		c->answer_max_lines = tries[i].lines;
		c->answer_scale = tries[i].scale;
		c->space_scale = tries[i].space;
		section_body(c, n, x0, x1, depth);
		if (!i) {
			nw = d->nwarnings;
			ne = d->nerrors;
		}
		done = slices_height(c, s0, c->nslices) <= room;
		if (done)
			fit = i;
	}
	if (!done) { /* runs on: with its full lines */
		undo(c, &m);
		d->out = NULL;
		c->answer_max_lines = 0;
		c->answer_scale = 0;
		c->space_scale = 0;
		section_body(c, n, x0, x1, depth);
	}
	int nans = text_answers(n);
	double sp = fit >= 0 ? c->th->answer.line_spacing * tries[fit].scale
	                     : 0;
	if (sp < c->th->answer.min_line_spacing)
		sp = c->th->answer.min_line_spacing;
	double free_h = room - slices_height(c, s0, c->nslices);
	if (fit >= 0 && nans > 0 && sp > 0 && free_h >= sp) {
		/* the page's free height to the answers: as many lines as
		 * fit (a line more may move a keep-together block: then
		 * one fewer) */
		int bonus = (int)(free_h / sp);
		if (bonus > 40 * nans)
			bonus = 40 * nans;
		bool fits = false;
		for (int t = 0; t < 6 && bonus > 0 && !fits; t++, bonus--) {
			undo(c, &m);
			d->out = NULL;
			c->answer_bonus = bonus;
			c->answer_nans = nans;
			c->answer_seen = 0;
			section_body(c, n, x0, x1, depth);
			fits = slices_height(c, s0, c->nslices) <= room;
		}
		if (!fits) { /* as it was */
			undo(c, &m);
			c->answer_bonus = 0;
			section_body(c, n, x0, x1, depth);
		}
	}
	c->answer_bonus = c->answer_nans = c->answer_seen = 0;
	c->answer_max_lines = 0;
	c->answer_scale = 0;
	c->space_scale = 0;
	c->hold--;
	d->out = out;
	d->nwarnings = nw;
	d->nerrors = ne;
}

/* A part, chapter or worksheet: on a new page.  A part without intro
 * blocks keeps its first chapter on its page (no page holding a heading
 * alone); the first worksheet of a pack starts on the first page, under
 * the pack's title (no title-only sheet).  --duplex: a worksheet starts
 * on an odd page. */
static void section(pdf_ctx *c, const mc_node *n, double x0, double x1,
                    int depth)
{
	bool first_ws = c->doc->meta.kind == MC_DOC_WORKSHEETS &&
	                c->nsections == 0;
	c->nsections++;
	size_t brk = c->nslices;
	const mc_node *up = n->parent;
	bool follows_part = up && up->type == MC_SECTION && n->prev &&
	                    n->prev == up->first &&
	                    n->prev->type == MC_HEADING;
	if (follows_part) {
		first_ws = false;
	} else {
		pdf_pagebreak(c);
		pdf_slice_at(c, brk)->odd_page =
			c->duplex && n->as.section.kind == MC_SECTION_WORKSHEET;
	}
	if (n->as.section.kind == MC_SECTION_WORKSHEET)
		worksheet_fit(c, n, x0, x1, depth,
		              first_ws ? c->bottom - c->top -
		                                 slices_height(c, 0, brk)
		                       : 0);
	else
		section_body(c, n, x0, x1, depth);
	if (first_ws)
		pdf_slice_at(c, brk)->pagebreak_before = false;
}

/* ---- dispatch ---- */

static int list_level_of(const mc_node *n)
{
	int lvl = 0;
	for (const mc_node *p = n->parent; p && lvl < 100; p = p->parent)
		if (p->type == MC_LIST)
			lvl++;
	return lvl;
}

/* The structure element a block is tagged as (tags.c), NULL for none
 * (a thematic break is page furniture). */
static const char *tag_of(const mc_node *n)
{
	static const char *const h[6] = {"H1", "H2", "H3", "H4", "H5", "H6"};
	switch (n->type) {
	case MC_HEADING: {
		int l = n->as.heading.level;
		return h[l < 1 ? 0 : l > 6 ? 5 : l - 1];
	}
	case MC_PARAGRAPH:
	case MC_CALLOUT_TITLE:
	case MC_SUMMARY:
	case MC_ATTRIBUTION:
		return "P";
	case MC_CAPTION:
		return "Caption";
	case MC_LIST:
	case MC_DEFLIST:
		return "L";
	case MC_BLOCKQUOTE:
		return "BlockQuote";
	case MC_CODE_BLOCK:
		return "Code";
	case MC_TABLE:
		return "Table";
	case MC_FIGURE:
		return "Figure";
	case MC_CALLOUT:
	case MC_EMBED:
	case MC_DETAILS:
		return "Div";
	case MC_SECTION:
		return n->as.section.kind == MC_SECTION_PART ? "Part" : "Sect";
	case MC_ANSWER:
		return "Form";
	case MC_FOOTNOTE_DEF:
		return "Note";
	default:
		return NULL;
	}
}

static void block_of(pdf_ctx *c, const mc_node *n, double x0, double x1,
                     int depth);

static void block(pdf_ctx *c, const mc_node *n, double x0, double x1,
                  int depth)
{
	const char *tag = tag_of(n);
	if (!tag) {
		block_of(c, n, x0, x1, depth);
		return;
	}
	int se = pdf_tag_open(c, tag);
	const char *doc_lang = c->doc->meta.lang ? c->doc->meta.lang : "en";
	if (n->lang && strcasecmp(n->lang, doc_lang))
		pdf_tag_set(c, se, NULL, n->lang, NULL);
	if (n->type == MC_FIGURE)
		pdf_tag_set(c, se,
		            *n->as.image.alt ? n->as.image.alt
		                             : "An image without a description",
		            NULL, NULL);
	block_of(c, n, x0, x1, depth);
	pdf_tag_close(c, se);
}

static void block_of(pdf_ctx *c, const mc_node *n, double x0, double x1,
                     int depth)
{
	switch (n->type) {
	case MC_HEADING:
		flush_marker(c, x0, x1);
		heading(c, n, x0, x1);
		break;
	case MC_PARAGRAPH:
		paragraph(c, n, x0, x1, pdf_body_style(c), PA_JUSTIFY,
		          em(c) * 0.6);
		break;
	case MC_LIST: {
		int lvl = list_level_of(n);
		list(c, n, x0, x1, depth, &lvl);
		break;
	}
	case MC_ITEM: /* only inside lists */
		blocks(c, n, x0, x1, depth);
		break;
	case MC_BLOCKQUOTE:
		blockquote(c, n, x0, x1, depth);
		break;
	case MC_CODE_BLOCK:
		code_block(c, n, x0, x1);
		break;
	case MC_THEMATIC_BREAK:
		thematic_break(c, x0, x1);
		break;
	case MC_TABLE:
		if (c->in_cell && depth >= MAX_NEST / 2)
			flat(c, n, x0, x1);
		else
			table(c, n, x0, x1, depth);
		break;
	case MC_FIGURE:
		figure(c, n, x0, x1);
		break;
	case MC_CALLOUT:
		if (c->in_cell)
			blocks(c, n, x0, x1, depth);
		else
			callout(c, n, x0, x1, depth);
		break;
	case MC_EMBED:
		embed(c, n, x0, x1);
		break;
	case MC_DETAILS:
		details(c, n, x0, x1, depth);
		break;
	case MC_DEFLIST:
		deflist(c, n, x0, x1, depth);
		break;
	case MC_SECTION:
		section(c, n, x0, x1, depth);
		break;
	case MC_ANSWER:
		answer(c, n, x0, x1);
		break;
	case MC_FOOTNOTE_DEF: {
		char num[24];
		snprintf(num, sizeof num, "%d.", n->as.footnote.number);
		pdf_style ms = pdf_body_style(c);
		ms.size = (float)c->th->sizes.small;
		c->mk_pending = true;
		c->mk_box = false;
		c->mk_text = mc_arena_strndup(c->arena, num, strlen(num));
		c->mk_style = ms;
		c->mk_x = x0;
		/* the number: a P of the Note (PDF/UA-1 has Lbl in list
		 * items only) */
		c->mk_se = pdf_tag_open(c, "P");
		pdf_tag_close(c, c->mk_se);
		blocks(c, n, x0 + em(c) * 1.6, x1, depth);
		flush_marker(c, x0, x1);
		break;
	}
	case MC_CALLOUT_TITLE:
	case MC_SUMMARY:
	case MC_CAPTION:
	case MC_ATTRIBUTION:
		paragraph(c, n, x0, x1, pdf_body_style(c), PA_LEFT, em(c) * 0.4);
		break;
	default:
		break;
	}
}

static void title_block(pdf_ctx *c)
{
	const mc_meta *m = &c->doc->meta;
	const char *over = m->course.title ? m->course.title : m->site.title;
	if (over && *over) {
		pdf_para *p = pdf_para_new(c);
		pdf_style st = pdf_body_style(c);
		st.face = PF_BODY;
		st.size = (float)c->th->sizes.small;
		st.color = c->th->colors.muted;
		add_plain(p, &st, over);
		pdf_para_opts o = para_opts(c, c->left, c->right);
		o.align = PA_LEFT;
		o.keep_lines = true;
		para_out(c, p, &o);
		pdf_para_free(p);
		pdf_keep_prev(c);
	}
	if (m->title && *m->title) {
		anchor(c, NULL, 1, m->title);
		int h1 = pdf_tag_open(c, "H1");
		pdf_para *p = pdf_para_new(c);
		pdf_style st = pdf_body_style(c);
		st.face = PF_HEAD | PF_BOLD;
		st.size = (float)c->th->sizes.title;
		add_plain(p, &st, m->title);
		pdf_para_opts o = para_opts(c, c->left, c->right);
		o.align = PA_LEFT;
		o.hyphenate = false;
		o.keep_lines = true;
		o.leading = 1.2;
		para_out(c, p, &o);
		pdf_para_free(p);
		pdf_tag_close(c, h1);
		pdf_title_rule(c, em(c) * 0.6, em(c) * 1.6);
	}
}

int pdf_layout(pdf_ctx *c)
{
	c->table_header = -1;
	if (pdf_has_toc(c)) {
		if (pdf_front_pages(c) || pdf_toc_early(c))
			return -1;
	} else {
		title_block(c);
	}
	const mc_node *root = c->doc->root;
	bool notes = false;
	for (const mc_node *n = root->first; n; n = n->next) {
		if (pdf_layout_point(c))
			return -1;
		if (n->type == MC_FOOTNOTE_DEF && !notes) {
			notes = true;
			thematic_break(c, c->left, c->right);
		}
		block(c, n, c->left, c->right, 1);
	}
	flush_marker(c, c->left, c->right);
	return pdf_layout_point(c);
}
