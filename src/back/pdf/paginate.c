/*
 * paginate.c - slices onto pages.
 *
 * layout.c has turned the model into slices (see pdf_int.h), each with
 * its height, its frame and whether it keeps with the next, breaks the
 * page before it or is spacing to drop at a page's foot.  Here they are
 * placed top to bottom, page by page: a keep-with-next chain moves to the
 * next page whole, a forced break starts a page (an odd one for a
 * two-sided worksheet), a table's header row repeats at the top of a page
 * its rows continue on, a picture may shrink to fill the rest of a page,
 * and each page's frames are drawn around the slices they hold on it.
 * Then toc.c fills in the table of contents' page numbers.
 */
#include "pdf_int.h"

#include <string.h>

#define MAX_NEST PDF_MAX_NEST

/* ---- pages ---- */

static void place(pdf_ctx *c, size_t slice, double y)
{
	PDF_GROW(c->places, c->nplaces, c->capplaces);
	c->places[c->nplaces].slice = slice;
	c->places[c->nplaces].y = y;
	c->nplaces++;
}

static void deco(pdf_ctx *c, op_kind k, double x, double y, double w,
                 double h, uint32_t color, float lw)
{
	PDF_GROW(c->deco, c->ndeco, c->capdeco);
	pdf_op *o = &c->deco[c->ndeco++];
	memset(o, 0, sizeof *o);
	o->kind = (uint8_t)k;
	o->x = x;
	o->y = y;
	o->w = w;
	o->h = h;
	o->color = color;
	o->lw = lw;
	o->font = -1;
}

/* Close the page being built: draw its frames. */
static void finish_page(pdf_ctx *c)
{
	pdf_page *pg = &c->pages[c->npages - 1];
	pg->nplace = c->nplaces - pg->place0;
	pg->deco0 = c->ndeco;
	int pno = (int)c->npages - 1;
	pdf_frame *touched[MAX_NEST * 2 + 8];
	int nt = 0;
	for (size_t i = pg->place0; i < c->nplaces; i++) {
		const pdf_slice *s = pdf_slice_at(c, c->places[i].slice);
		double y = c->places[i].y;
		for (pdf_frame *f = s->frame; f; f = f->parent) {
			if (f->page != pno) {
				f->page = pno;
				f->top = y;
				f->bottom = y + s->h;
				if (nt < (int)(sizeof touched / sizeof *touched))
					touched[nt++] = f;
			} else {
				if (y < f->top)
					f->top = y;
				if (y + s->h > f->bottom)
					f->bottom = y + s->h;
			}
		}
	}
	/* outer frames first */
	for (int d = 0; d <= MAX_NEST * 2; d++) {
		for (int i = 0; i < nt; i++) {
			pdf_frame *f = touched[i];
			if (f->depth != d)
				continue;
			double h = f->bottom - f->top;
			if (h <= 0)
				continue;
			if (f->has_fill)
				deco(c, OP_FILL, f->x0, f->top, f->x1 - f->x0, h,
				     f->fill, 0);
			if (f->kind == FR_CALLOUT || f->kind == FR_QUOTE)
				deco(c, OP_FILL, f->x0, f->top,
				     f->kind == FR_CALLOUT ? 3.5 : 2.5, h,
				     f->rule, 0);
			if (f->kind == FR_CARD)
				deco(c, OP_STROKE, f->x0, f->top, f->x1 - f->x0,
				     h, f->rule, 0.6f);
		}
	}
	pg->ndeco = c->ndeco - pg->deco0;
}

static void new_page(pdf_ctx *c)
{
	PDF_GROW(c->pages, c->npages, c->cappages);
	pdf_page *pg = &c->pages[c->npages++];
	memset(pg, 0, sizeof *pg);
	pg->place0 = c->nplaces;
}

void pdf_shrink_slice(pdf_ctx *c, size_t i, double h)
{
	pdf_slice *s = pdf_slice_at(c, i);
	double k = h / s->h;
	if (c->pass == 1) {
		PDF_GROW(c->shrinks, c->nshrinks, c->capshrinks);
		c->shrinks[c->nshrinks++] = (pdf_shrink){i, h};
	}
	for (size_t q = s->op0; c->pass != 1 && q < s->op0 + s->nops; q++) {
		pdf_op *o = pdf_op_at(c, q);
		if (o->kind != OP_IMAGE && o->kind != OP_LINK)
			continue;
		double w = o->w * k;
		o->x += (o->w - w) / 2;
		o->w = w;
		o->h *= k;
		o->y *= k;
	}
	s->h = h;
	s->minh = 0;
}

int pdf_paginate(pdf_ctx *c)
{
	const double eps = 0.01;
	new_page(c);
	double y = c->top;
	size_t first = (size_t)-1; /* first real slice on this page */
	size_t i = 0;
	while (i < c->nslices) {
		const pdf_slice *s = pdf_slice_at(c, i);
		if (s->pagebreak_before) {
			if (first != (size_t)-1) {
				finish_page(c);
				new_page(c);
				y = c->top;
				first = (size_t)-1;
			}
			/* two-sided: an even page stays blank (its running
			 * header and footer alone, artifacts) */
			if (s->odd_page && c->npages % 2 == 0) {
				finish_page(c);
				new_page(c);
			}
			i++;
			continue;
		}
		if (first == (size_t)-1 && s->discard) {
			i++;
			continue;
		}
		/* spacing that does not fit at the foot of the last page (or
		 * of a section's) is dropped: it would start a page of
		 * nothing */
		if (s->discard && y + s->h > c->bottom + eps) {
			size_t k = i + 1;
			while (k < c->nslices && pdf_slice_at(c, k)->discard)
				k++;
			if (k == c->nslices ||
			    pdf_slice_at(c, k)->pagebreak_before) {
				i = k;
				continue;
			}
		}
		if (first == (size_t)-1 && s->header >= 0 &&
		    (size_t)s->header < i && c->npages > 1) {
			const pdf_slice *hs = pdf_slice_at(c, s->header);
			/* is the header on this page already?  It is not:
			 * this is the page's first slice. */
			place(c, (size_t)s->header, y);
			y += hs->h;
		}
		if (first == (size_t)-1 || y + s->h <= c->bottom + eps) {
			if (first == (size_t)-1)
				first = i;
			place(c, i, y);
			y += s->h;
			i++;
			continue;
		}
		/* an image may shrink to fill the page (its caption, kept with
		 * it, must still fit) rather than leave a hole */
		if (s->minh > 0 && first != (size_t)-1) {
			double chain = 0;
			for (size_t j = i + 1;
			     j < c->nslices && pdf_slice_at(c, j - 1)->keep_next;
			     j++)
				chain += pdf_slice_at(c, j)->h;
			double room = c->bottom - y - chain;
			if (room >= s->minh && room < s->h) {
				pdf_shrink_slice(c, i, room);
				continue; /* it fits now */
			}
		}
		/* a break before i: go back over keep-with-next links */
		size_t b = i;
		while (b > first && pdf_slice_at(c, b - 1)->keep_next)
			b--;
		if (b <= first)
			b = i; /* the whole page is one chain: break anyway */
		while (c->nplaces > c->pages[c->npages - 1].place0 &&
		       c->places[c->nplaces - 1].slice >= b &&
		       c->places[c->nplaces - 1].slice < i)
			c->nplaces--;
		finish_page(c);
		new_page(c);
		y = c->top;
		first = (size_t)-1;
		i = b;
	}
	finish_page(c);
	/* (pass 1 has no ops: pass 2 fills the entries in, pdf_toc_early) */
	return c->pass == 1 ? 0 : pdf_toc_pages(c);
}
