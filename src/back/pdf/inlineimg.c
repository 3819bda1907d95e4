/*
 * inlineimg.c - images in the PDF: loading (each file once per
 * document), and the images of running text (MC_IMAGE) wherever kramdown
 * puts them: in a paragraph, a list item, a table cell, a link.
 *
 * An inline image is sized as a browser would size it: its width and
 * height attributes (CSS px) when it has them, else its pixels at 96 dpi.
 * One that fits a line (at most a third of the measure wide and about two
 * lines high: an icon, a badge) is a box in the line, never split, scaled
 * down to the text's height when taller; linebreak.c breaks, justifies
 * and orders (bidi) it with the words.  A larger one (a screenshot) is set
 * on a line of its own, scaled down to the measure: linebreak.c cuts the
 * paragraph around it, so the text before and after keeps its style and
 * indent.  (layout.c and linebreak.c call this file; it calls neither.)  Either way it is a Figure element with an /Alt inside its
 * paragraph (inside its Link when it is a link, whose annotation covers
 * it).  An image that is remote, missing or unusable prints its alt text,
 * as before.
 */
#include "pdf_int.h"

#include <stdio.h>
#include <string.h>

#define CSS_PX 0.75 /* points per CSS pixel (96 dpi) */
/* an inline image at most this many times the text's size high */
#define INLINE_MAX_H 1.15
/* what still fits a line: this part of the measure wide, lines high */
#define INLINE_MAX_W_PART (1.0 / 3.0)
#define INLINE_MAX_LINES 2.0

int pdf_load_image(pdf_ctx *c, const char *path, mc_image_why *why,
                   bool *warn)
{
	if (warn)
		*warn = false;
	for (size_t i = 0; i < c->nimages; i++) {
		pdf_image *e = &c->images[i];
		if (strcmp(e->path, path))
			continue;
		if (e->img)
			return (int)i;
		/* refused before: the same reason, no second decoding */
		snprintf(why->text, sizeof why->text, "%s",
		         e->why ? e->why : "unusable");
		if (warn && !e->warned)
			*warn = e->warned = true;
		return -1;
	}
	mc_buf b = MC_BUF_INIT;
	mc_image_info info;
	HPDF_Image img = NULL;
	if (mc_image_load(path, &b, &info, why) == 0) {
		const unsigned char *buf = (const unsigned char *)b.data;
		if (info.kind == MC_IMAGE_PNG) {
			/* never libharu's loader: png.c */
			img = pdf_png_image(c, buf, b.len);
			if (!img)
				snprintf(why->text, sizeof why->text,
				         "a damaged or unsupported PNG file");
		} else if (info.kind == MC_IMAGE_JPEG) {
			if (pdf_jpeg_ok(buf, b.len))
				img = HPDF_LoadJpegImageFromMem(
					c->pdf, buf, (HPDF_UINT)b.len);
			if (!img)
				snprintf(why->text, sizeof why->text,
				         "a damaged or unsupported JPEG file");
		} else {
			snprintf(why->text, sizeof why->text,
			         "a GIF, which a PDF cannot hold; only PNG and "
			         "JPEG");
		}
		if (!img) {
			HPDF_ResetError(c->pdf);
			c->err = 0;
		}
	}
	mc_buf_free(&b);
	PDF_GROW(c->images, c->nimages, c->capimages);
	pdf_image *e = &c->images[c->nimages];
	e->img = img;
	e->path = path;
	e->why = img ? NULL
	             : mc_arena_strndup(c->arena, why->text,
	                                strlen(why->text));
	e->warned = !img && warn;
	if (warn)
		*warn = e->warned;
	if (!img) {
		c->nimages++;
		return -1;
	}
	return (int)c->nimages++;
}

/* The natural size of image idx in points: the width and height asked
 * for (CSS px; one of them keeps the aspect ratio), else 96 dpi. */
static void natural_size(const pdf_ctx *c, int idx, int want_w, int want_h,
                         double *w, double *h)
{
	HPDF_Image img = c->images[idx].img;
	double iw = HPDF_Image_GetWidth(img), ih = HPDF_Image_GetHeight(img);
	if (iw < 1)
		iw = 1;
	if (ih < 1)
		ih = 1;
	if (want_w > 0 && want_h > 0) {
		*w = want_w * CSS_PX;
		*h = want_h * CSS_PX;
	} else if (want_w > 0) {
		*w = want_w * CSS_PX;
		*h = *w * ih / iw;
	} else if (want_h > 0) {
		*h = want_h * CSS_PX;
		*w = *h * iw / ih;
	} else {
		*w = iw * CSS_PX;
		*h = ih * CSS_PX;
	}
}

int pdf_inline_image(pdf_ctx *c, const mc_node *n, pdf_inimg *out)
{
	const mc_image *im = &n->as.image;
	if (!im->path)
		return -1;
	mc_image_why why = {"unusable"};
	bool warn = false;
	int idx = pdf_load_image(c, im->path, &why, &warn);
	if (idx < 0) {
		/* (a missing file was reported by the front end; a file
		 * refused here is reported once) */
		if (warn)
			mc_warn(c->diag, n->line, n->col,
			        "image \"%s\" cannot be used (%s); its alt "
			        "text is shown instead",
			        im->src, why.text);
		return -1;
	}
	memset(out, 0, sizeof *out);
	out->ref = idx;
	out->alt = im->alt;
	natural_size(c, idx, im->width, im->height, &out->w, &out->h);
	return 0;
}

bool pdf_inimg_fit(const pdf_ctx *c, const pdf_inimg *im,
                   const pdf_style *st, const pdf_para_opts *o, double *w,
                   double *h)
{
	double size = st->size > 0 ? st->size : c->th->sizes.body;
	double line = size * (o->leading > 0 ? o->leading : 1.2);
	double nw = im->w > 0.1 ? im->w : 0.1, nh = im->h > 0.1 ? im->h : 0.1;
	if (nw <= o->width * INLINE_MAX_W_PART &&
	    nh <= line * INLINE_MAX_LINES + 0.01) {
		/* in the line: at most as high as the text */
		double mh = size * INLINE_MAX_H;
		*w = nw;
		*h = nh;
		if (*h > mh) {
			*w = nw * mh / nh;
			*h = mh;
		}
		return true;
	}
	/* a line of its own: at most the measure wide, and at most most of
	 * a page high (as a block figure) */
	*w = nw < o->width ? nw : o->width;
	*h = *w * nh / nw;
	double maxh = (c->bottom - c->top) * 0.7;
	if (*h > maxh) {
		*h = maxh;
		*w = *h * nw / nh;
	}
	return false;
}

/* The Figure element an image's drawing belongs to: in the current
 * element (the paragraph), or in the Link when it is a link. */
static int figure_tag(pdf_ctx *c, const pdf_inimg *im, int link)
{
	int save = c->se_cur;
	if (link >= 0)
		c->se_cur = pdf_tag_link(c, link);
	int fse = pdf_tag_open(c, "Figure");
	pdf_tag_set(c, fse,
	            im->alt && *im->alt ? im->alt
	                                : "An image without a description",
	            NULL, NULL);
	c->se_cur = save;
	return fse;
}

double pdf_inimg_y(const pdf_ctx *c, const pdf_style *st, double base,
                   double h)
{
	double size = st->size > 0 ? st->size : c->th->sizes.body;
	/* a small image sits on the baseline, a taller one reaches down as
	 * far as the text's descenders */
	return h <= size * PF_ASCENT ? base - h : base + size * 0.2 - h;
}

void pdf_inimg_op(pdf_ctx *c, const pdf_inimg *im, const pdf_style *st,
                  double x, double base, double w, double h)
{
	int fse = figure_tag(c, im, st->link);
	pdf_op *o = pdf_op_add(c, OP_IMAGE);
	o->se = fse ? fse : c->se_cur;
	o->x = x;
	o->y = pdf_inimg_y(c, st, base, h);
	o->w = w;
	o->h = h;
	o->ref = im->ref;
	o->layer = 1;
}

void pdf_inimg_block(pdf_ctx *c, const pdf_inimg *im, const pdf_style *st,
                     const pdf_para_opts *o, bool rtl, size_t op0,
                     bool marker)
{
	double w = im->dw, h = im->dh;
	double size = st->size > 0 ? st->size : c->th->sizes.body;
	double gap = size * PDF_INIMG_GAP; /* above and below */
	double x = o->x;
	if (o->align == PA_CENTER)
		x += (o->width - w) / 2;
	else if (o->align == PA_RIGHT || rtl)
		x += o->width - w;
	int fse = figure_tag(c, im, st->link);
	pdf_op *io = pdf_op_add(c, OP_IMAGE);
	io->se = fse ? fse : c->se_cur;
	io->x = x;
	io->y = gap;
	io->w = w;
	io->h = h;
	io->ref = im->ref;
	io->layer = 1;
	if (st->link >= 0) {
		pdf_tag_link(c, st->link);
		pdf_op *l = pdf_op_add(c, OP_LINK);
		l->x = x;
		l->y = gap;
		l->w = w;
		l->h = h;
		l->ref = st->link;
	}
	pdf_slice *s = pdf_slice_end(c, op0, h + 2 * gap);
	/* (as a block figure: it may shrink to fill the rest of a page,
	 * unless a list marker beside it would not) */
	if (!marker)
		s->minh = (h + 2 * gap) * 0.45;
	s->keep_next = o->keep_lines;
}

/* The widest image of a table cell, for its column's width: a cell with
 * a screenshot asks for room for it, as a browser's table does. */
void pdf_cell_image_widths(pdf_ctx *c, const mc_node *cell, double *minw,
                           double *maxw)
{
	mc_iter it;
	mc_iter_init(&it, (mc_node *)cell);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		const mc_node *n = it.cur;
		if (ev != MC_EVENT_ENTER ||
		    (n->type != MC_IMAGE && n->type != MC_FIGURE) ||
		    !n->as.image.path)
			continue;
		mc_image_why why;
		int idx = pdf_load_image(c, n->as.image.path, &why, NULL);
		if (idx < 0)
			continue;
		double w, h;
		natural_size(c, idx, n->as.image.width, n->as.image.height,
		             &w, &h);
		if (w > *maxw)
			*maxw = w;
		/* an icon is never squeezed; a screenshot may shrink */
		double m = w < 4 * c->th->sizes.body ? w : 4 * c->th->sizes.body;
		if (m > *minw)
			*minw = m;
	}
}
