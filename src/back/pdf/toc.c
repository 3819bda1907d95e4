/*
 * toc.c - the title page and the printed table of contents of a document
 * built from several inputs (a module or a course).
 *
 * The table of contents is laid out before the body, one slice per entry
 * (a part in bold, its chapters indented; a module's chapters flush left),
 * with its page number and leader left empty: the number column has a
 * fixed width, so the entries' heights and hence the page on which the
 * body starts do not depend on the numbers.  While the body is laid out,
 * each section notes the slice of its heading's anchor (pdf_toc_note());
 * after pagination pdf_toc_pages() reads the pages those slices landed on
 * and fills in the numbers, right-aligned, and the leaders, their marks
 * on a common grid so they line up from entry to entry.  Each entry is a
 * link to its heading.
 */
#include "pdf_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool pdf_has_toc(const pdf_ctx *c)
{
	mc_doc_kind k = c->doc->meta.kind;
	return k == MC_DOC_MODULE || k == MC_DOC_COURSE;
}

static bool listed(const mc_node *n)
{
	return n->type == MC_SECTION &&
	       (n->as.section.kind == MC_SECTION_PART ||
	        n->as.section.kind == MC_SECTION_CHAPTER);
}

/* Parts and chapters in document order, into c->toc (arena). */
static void collect(pdf_ctx *c)
{
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		n = 0;
		for (const mc_node *s = c->doc->root->first; s; s = s->next) {
			if (!listed(s))
				continue;
			if (pass)
				c->toc[n].sec = s;
			n++;
			if (s->as.section.kind != MC_SECTION_PART)
				continue;
			for (const mc_node *k = s->first; k; k = k->next) {
				if (!listed(k))
					continue;
				if (pass)
					c->toc[n].sec = k;
				n++;
			}
		}
		if (!pass && n)
			c->toc = mc_arena_alloc(c->arena, n * sizeof *c->toc);
	}
	c->ntoc = n;
	for (size_t i = 0; i < n; i++) {
		c->toc[i].anchor_slice = (size_t)-1;
		c->toc[i].slice = (size_t)-1;
	}
}

static double em(const pdf_ctx *c)
{
	return c->th->sizes.body;
}

/* One paragraph of plain text, left-aligned and kept together. */
static int text_para(pdf_ctx *c, const char *text, const pdf_style *st,
                     double x0, double x1, double leading)
{
	if (!text || !*text)
		return 0;
	int se = pdf_tag_text(c, "P");
	pdf_para *p = pdf_para_new(c);
	pdf_para_text(p, st, text, strlen(text));
	pdf_para_opts o;
	memset(&o, 0, sizeof o);
	o.x = x0;
	o.width = x1 - x0;
	o.align = PA_LEFT;
	o.leading = leading;
	o.keep_lines = true;
	int n = pdf_para_layout(p, &o);
	pdf_para_free(p);
	pdf_tag_close(c, se);
	return n < 0 ? -1 : 0;
}

/* The title, a rule, and the description (a module's: the course it
 * belongs to), a third of the way down the page. */
static int title_page(pdf_ctx *c)
{
	const mc_meta *m = &c->doc->meta;
	pdf_slice_end(c, c->nops, (c->bottom - c->top) * 0.28);
	pdf_style st = pdf_body_style(c);
	st.face = PF_HEAD | PF_BOLD;
	st.size = (float)c->th->sizes.title;
	int h1 = pdf_tag_open(c, "H1");
	int rc = text_para(c, m->title, &st, c->left, c->right, 1.2);
	pdf_tag_close(c, h1);
	if (rc)
		return -1;
	pdf_keep_prev(c);
	pdf_title_rule(c, em(c) * 0.8, em(c) * 2.2)->keep_next = true;
	const char *sub = m->description;
	if (!sub || !*sub) {
		sub = m->course.title ? m->course.title : m->site.title;
		if (sub && m->title && !strcmp(sub, m->title))
			sub = NULL;
	}
	st = pdf_body_style(c);
	st.size = (float)mc_theme_heading_size(c->th, 4);
	st.color = c->th->colors.muted;
	if (text_para(c, sub, &st, c->left, c->right, 1.35))
		return -1;
	pdf_pagebreak(c);
	return 0;
}

/* The entry of c->toc[i]. */
static int entry(pdf_ctx *c, size_t i, double numw)
{
	pdf_toc_entry *e = &c->toc[i];
	const mc_node *sec = e->sec;
	bool part = sec->as.section.kind == MC_SECTION_PART;
	bool course = c->doc->meta.kind == MC_DOC_COURSE;
	double x0 = c->left + (course && !part ? c->th->toc.indent : 0);
	double gap = em(c) * 0.6;
	pdf_style st = pdf_body_style(c);
	if (part)
		st.face |= PF_BOLD;
	if (part && i > 0)
		pdf_space(c, em(c) * 0.7);
	int toci = pdf_tag_open(c, "TOCI");
	const char *title = sec->first ? mc_node_plain_text((mc_doc *)c->doc,
	                                                    sec->first)
	                               : "";
	if (!*title)
		title = "\xC2\xA0";
	size_t s0 = c->nslices;
	if (text_para(c, title, &st, x0, c->right - numw - gap, 1.3))
		return -1;
	if (c->nslices == s0)
		return 0;
	/* where the last line's text ends, and its baseline */
	const pdf_slice *last = pdf_slice_at(c, c->nslices - 1);
	double end = x0, base = 0;
	for (size_t q = last->op0; q < last->op0 + last->nops; q++) {
		const pdf_op *o = pdf_op_at(c, q);
		if (o->kind != OP_TEXT)
			continue;
		double x = o->x + pdf_op_width(o);
		if (x > end)
			end = x;
		base = o->y;
	}
	double above = 0;
	for (size_t k = s0; k + 1 < c->nslices; k++)
		above += pdf_slice_at(c, k)->h;
	size_t si = (size_t)(pdf_collapse(c, s0) - c->slices);
	e->slice = si;
	e->text_end = end;
	for (int k = 0; k < 2; k++) {
		pdf_op *o = pdf_op_add(c, OP_TEXT);
		o->font = (int16_t)(st.face);
		o->size = st.size;
		o->color = st.color;
		o->layer = 2;
		o->y = above + base;
		o->text = "";
		o->len = 0;
		if (k == 0) {
			e->leader_op = c->nops - 1;
			o->se = 0; /* the leader dots are furniture */
		} else {
			e->num_op = c->nops - 1;
		}
	}
	const char *id = sec->first && sec->first->id ? sec->first->id : NULL;
	if (id) {
		size_t n = strlen(id);
		char *url = mc_arena_alloc(c->arena, n + 2);
		url[0] = '#';
		memcpy(url + 1, id, n + 1);
		pdf_op *l = pdf_op_add(c, OP_LINK);
		l->ref = pdf_link_add(c, url);
		pdf_tag_link(c, l->ref);
		l->x = x0;
		l->y = 0;
		l->w = c->right - x0;
		l->h = pdf_slice_at(c, si)->h;
	}
	pdf_slice *s = pdf_slice_at(c, si);
	s->nops = c->nops - s->op0;
	s->keep_next = part; /* a part stays with its first chapter */
	pdf_tag_close(c, toci);
	pdf_space(c, em(c) * 0.25);
	return 0;
}

int pdf_front_pages(pdf_ctx *c)
{
	collect(c);
	if (title_page(c))
		return -1;
	const char *head = c->th->toc.title;
	if (head && *head) {
		/* not in the outline: its top level is the parts (or a
		 * module's chapters) alone */
		pdf_style st = pdf_body_style(c);
		st.face = PF_HEAD | PF_BOLD;
		st.size = (float)mc_theme_heading_size(c->th, 1);
		int h1 = pdf_tag_open(c, "H1");
		int rc = text_para(c, head, &st, c->left, c->right, 1.25);
		pdf_tag_close(c, h1);
		if (rc)
			return -1;
		pdf_keep_prev(c);
		pdf_space(c, st.size * 0.8);
	}
	/* the number column: room for four digits */
	pdf_style st = pdf_body_style(c);
	double numw = pdf_text_width(c, PF_BODY | PF_BOLD, "0000", 4) * st.size;
	int toc = pdf_tag_open(c, "TOC");
	for (size_t i = 0; i < c->ntoc; i++)
		if (entry(c, i, numw))
			return -1;
	pdf_tag_close(c, toc);
	pdf_pagebreak(c);
	return 0;
}

void pdf_toc_note(pdf_ctx *c, const mc_node *sec, size_t s0)
{
	pdf_toc_entry *e = NULL;
	for (size_t i = 0; i < c->ntoc && !e; i++)
		if (c->toc[i].sec == sec)
			e = &c->toc[i];
	if (!e)
		return;
	const char *id = sec->first ? sec->first->id : NULL;
	size_t any = (size_t)-1;
	for (size_t i = s0; i < c->nslices; i++) {
		const pdf_slice *s = pdf_slice_at(c, i);
		if (s->discard)
			continue;
		if (any == (size_t)-1)
			any = i;
		for (size_t q = s->op0; id && q < s->op0 + s->nops; q++) {
			const pdf_op *o = pdf_op_at(c, q);
			if (o->kind == OP_ANCHOR && !strcmp(o->text, id)) {
				e->anchor_slice = i;
				return;
			}
		}
	}
	e->anchor_slice = any;
}

/* Fill in entry e's page number (1-based) and leader. */
static void fill(pdf_ctx *c, const pdf_toc_entry *e, size_t page)
{
	char num[32];
	int len = snprintf(num, sizeof num, "%zu", page);
	if (len <= 0)
		return;
	pdf_op *no = pdf_op_at(c, e->num_op);
	/* a space before the number, so the entry's text reads "Title 3"
	 * (it is blank, at the number's left) */
	char sp[40];
	snprintf(sp, sizeof sp, " %s", num);
	double w = pdf_op_set_text(c, no, sp, (size_t)len + 1);
	no->x = c->right - w;

	const char *unit = c->th->toc.leader;
	size_t ul = strlen(unit);
	if (!ul)
		return;
	pdf_op *lo = pdf_op_at(c, e->leader_op);
	lo->font = (int16_t)(lo->font & ~PF_BOLD);
	double uw = pdf_text_width(c, lo->font, unit, ul) * lo->size;
	if (uw < 1)
		return;
	double gap = lo->size * 0.4;
	double start = c->left + ceil((e->text_end + gap - c->left) / uw) * uw;
	double n = floor((no->x - gap - start) / uw);
	if (n < 1)
		return;
	if (n > 4096)
		n = 4096;
	size_t reps = (size_t)n;
	char *t = mc_arena_alloc(c->arena, reps * ul + 1);
	for (size_t k = 0; k < reps; k++)
		memcpy(t + k * ul, unit, ul);
	t[reps * ul] = 0;
	lo->x = start;
	pdf_op_set_text(c, lo, t, reps * ul);
	lo->color = c->th->colors.muted;
}

int pdf_toc_pages(pdf_ctx *c)
{
	if (!c->ntoc)
		return 0;
	/* (pass 2: the places are pass 1's, the slices not all made) */
	size_t ns = c->nslices;
	for (size_t k = 0; k < c->nplaces; k++)
		if (pdf_place_at(c, k)->slice >= ns)
			ns = pdf_place_at(c, k)->slice + 1;
	size_t *page = mc_xcalloc(ns ? ns : 1, sizeof *page);
	for (size_t i = 0; i < ns; i++)
		page[i] = (size_t)-1;
	for (size_t p = c->npages; p-- > 0;) {
		const pdf_page *pg = &c->pages[p];
		for (size_t k = pg->place0; k < pg->place0 + pg->nplace; k++)
			page[pdf_place_at(c, k)->slice] = p;
	}
	for (size_t i = 0; i < c->ntoc; i++) {
		const pdf_toc_entry *e = &c->toc[i];
		if (e->slice == (size_t)-1 || e->anchor_slice == (size_t)-1 ||
		    e->anchor_slice >= ns ||
		    page[e->anchor_slice] == (size_t)-1)
			continue;
		fill(c, e, page[e->anchor_slice] + 1);
	}
	free(page);
	return 0;
}

int pdf_toc_early(pdf_ctx *c)
{
	if (c->pass != 2 || !c->ntoc)
		return 0;
	for (size_t i = 0; i < c->ntoc; i++)
		c->toc[i].anchor_slice = i < c->ntoc1 ? c->toc_anchor1[i]
		                                      : (size_t)-1;
	return pdf_toc_pages(c);
}
