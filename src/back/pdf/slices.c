/*
 * slices.c - the PDF's display list: drawing ops, the slices that hold
 * them (see pdf_int.h), link targets, and the few slice operations that
 * layout.c, linebreak.c, toc.c and qr.c share.  It depends on nothing
 * but the context, so none of those files depends on another through it.
 */
#include "pdf_int.h"

#include <stdlib.h>
#include <string.h>

pdf_op *pdf_op_add(pdf_ctx *c, op_kind kind)
{
	size_t n = c->nops - c->op_base;
	PDF_GROW(c->ops, n, c->capops);
	pdf_op *o = &c->ops[n];
	c->nops++;
	memset(o, 0, sizeof *o);
	o->kind = (uint8_t)kind;
	o->font = -1;
	o->se = c->se_cur;
	return o;
}

#define PDF_TBLOCK 65536

void *pdf_text_alloc(pdf_ctx *c, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	pdf_tblock *b = c->ntblocks ? &c->tblocks[c->ntblocks - 1] : NULL;
	if (!b || b->cap - b->used < n) {
		PDF_GROW(c->tblocks, c->ntblocks, c->captblocks);
		b = &c->tblocks[c->ntblocks++];
		b->cap = n > PDF_TBLOCK ? n : PDF_TBLOCK;
		b->base = mc_xmalloc(b->cap);
		b->used = 0;
		b->last = 0;
	}
	void *p = b->base + b->used;
	b->used += n;
	return p;
}

void pdf_text_free(pdf_ctx *c)
{
	for (size_t i = 0; i < c->ntblocks; i++)
		free(c->tblocks[i].base);
	free(c->tblocks);
	c->tblocks = NULL;
	c->ntblocks = c->captblocks = 0;
}

void pdf_op_set_group(pdf_ctx *c, pdf_op *o, const char *group)
{
	o->len = 0;
	if (!group)
		return;
	if (!c->nfgroups || c->fgroups[c->nfgroups - 1] != group) {
		PDF_GROW(c->fgroups, c->nfgroups, c->capfgroups);
		c->fgroups[c->nfgroups++] = group;
	}
	o->len = (uint32_t)c->nfgroups;
}

const char *pdf_op_group(const pdf_ctx *c, const pdf_op *o)
{
	return o->len && o->len <= c->nfgroups ? c->fgroups[o->len - 1]
	                                       : NULL;
}

size_t pdf_slice_begin(pdf_ctx *c)
{
	return c->nops;
}

pdf_slice *pdf_slice_end(pdf_ctx *c, size_t op0, double h)
{
	if (op0 < c->op_base) { /* (its ops freed: pdf_layout_point) */
		c->lost_ops = true;
		op0 = c->op_base;
	}
	PDF_GROW(c->slices, c->nslices - c->slice_base, c->capslices);
	pdf_slice *s = pdf_slice_at(c, c->nslices++);
	memset(s, 0, sizeof *s);
	s->h = h;
	s->op0 = (uint32_t)op0;
	s->nops = (uint32_t)(c->nops - op0);
	s->frame = c->in_cell ? NULL : c->frame;
	s->header = (int32_t)c->table_header;
	return s;
}

void pdf_space(pdf_ctx *c, double h)
{
	if (c->nslices == 0 && !c->frame)
		return;
	bool keep = c->nslices && pdf_slice_at(c, c->nslices - 1)->keep_next;
	if (c->space_scale > 0)
		h *= c->space_scale;
	pdf_slice *s = pdf_slice_end(c, c->nops, h);
	s->discard = true;
	s->keep_next = keep;
}

int pdf_link_add(pdf_ctx *c, const char *url)
{
	PDF_GROW(c->links, c->nlinks, c->caplinks);
	c->links[c->nlinks].url = url;
	return (int)c->nlinks++;
}

/* Keep what comes next with the last block laid out (and the spacing
 * after it). */
void pdf_keep_prev(pdf_ctx *c)
{
	for (size_t i = c->nslices; i-- > 0;) {
		pdf_slice_at(c, i)->keep_next = true;
		if (!pdf_slice_at(c, i)->discard)
			break;
	}
}

/* Merge slices [s0, nslices) into one, their ops shifted down.  Returns
 * the merged slice (NULL if there were none). */
pdf_slice *pdf_collapse(pdf_ctx *c, size_t s0)
{
	if (c->nslices <= s0)
		return NULL;
	double y = 0;
	size_t op0 = pdf_slice_at(c, s0)->op0;
	for (size_t i = s0; i < c->nslices; i++) {
		pdf_slice *s = pdf_slice_at(c, i);
		for (size_t k = s->op0; k < s->op0 + s->nops; k++)
			pdf_op_at(c, k)->y += y;
		y += s->h;
	}
	pdf_slice keep = *pdf_slice_at(c, s0);
	c->nslices = s0;
	pdf_slice *m = pdf_slice_end(c, op0, y);
	m->frame = keep.frame;
	m->header = keep.header;
	return m;
}

pdf_style pdf_body_style(pdf_ctx *c)
{
	pdf_style st = {0};
	st.face = PF_BODY | c->face_mod;
	st.size = (float)c->th->sizes.body;
	st.color = c->th->colors.text;
	st.link = -1;
	return st;
}

/* A forced page break before what comes next (a section's start). */
void pdf_pagebreak(pdf_ctx *c)
{
	pdf_slice *s = pdf_slice_end(c, c->nops, 0);
	s->discard = true;
	s->pagebreak_before = true;
}

pdf_slice *pdf_title_rule(pdf_ctx *c, double y, double h)
{
	size_t op0 = pdf_slice_begin(c);
	pdf_op *l = pdf_op_add(c, OP_LINE);
	l->x = c->left;
	l->y = y;
	l->w = c->right - c->left;
	l->lw = 1.2f;
	l->color = c->th->colors.rule;
	l->layer = 1;
	return pdf_slice_end(c, op0, h);
}
