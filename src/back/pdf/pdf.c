/*
 * pdf.c - the PDF backend's entry point and its libharu output: pages,
 * running header and footer ("Page N of M", known after pagination),
 * text, rules, images, link annotations, the outline and document info.
 *
 * Output is deterministic: the info dates come from doc->meta.date (the
 * CLI's SOURCE_DATE_EPOCH, else the input's modification time), never from
 * the clock; libharu writes no /ID for an unencrypted file, and its font
 * subset tags are sequential.  Numbers are written by libharu itself, which
 * does not use the C locale.
 */
#include "pdf_int.h"
#include "../../util/utc.h"
#include "../backend.h"
#include "objstm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hpdf_conf.h>


static void on_error(HPDF_STATUS err, HPDF_STATUS detail, void *user)
{
	pdf_ctx *c = user;
	if (!c->err) {
		c->err = err;
		c->err_detail = detail;
	}
	c->nerr++;
}

/* (libharu's UTF-8 encoder wrote its strings <FEFF...> too, but each
 * character past U+FFFF as a space, and costs 1.4M instructions to set
 * up in every document: its tables are cleared a byte at a time) */
void pdf_text_utf16(pdf_ctx *c, const char *s, const char *what, mc_buf *b)
{
	size_t n = strlen(s), i = 0, chars = 0, start = b->len;
	mc_buf_put(b, "\xFE\xFF", 2);
	while (i < n) {
		uint32_t cp;
		uint16_t u[2];
		size_t l = pdf_utf8_next(s + i, n - i, &cp);
		size_t nu = mc_utf16_put(cp, u);
		if (b->len - start + 2 * nu > PDF_STRING_MAX) {
			mc_warn(c->diag, 0, 0,
			        "%s is longer than a PDF string may be (%d "
			        "bytes): cut after %zu characters",
			        what, PDF_STRING_MAX, chars);
			break;
		}
		for (size_t k = 0; k < nu; k++) {
			uint8_t be[2] = {(uint8_t)(u[k] >> 8), (uint8_t)u[k]};
			mc_buf_put(b, be, 2);
		}
		i += l;
		chars++;
	}
}

HPDF_Binary pdf_text_string(pdf_ctx *c, const char *s, const char *what)
{
	mc_buf b = MC_BUF_INIT;
	pdf_text_utf16(c, s, what, &b);
	HPDF_Binary r = HPDF_Binary_New(c->pdf->mmgr, (HPDF_BYTE *)b.data,
	                                (HPDF_UINT)b.len);
	mc_buf_free(&b);
	return r;
}

static void rgb(uint32_t col, double *r, double *g, double *b)
{
	*r = ((col >> 16) & 0xFF) / 255.0;
	*g = ((col >> 8) & 0xFF) / 255.0;
	*b = (col & 0xFF) / 255.0;
}

static void set_fill(HPDF_Page pg, uint32_t col)
{
	double r, g, b;
	rgb(col, &r, &g, &b);
	HPDF_Page_SetRGBFill(pg, (HPDF_REAL)r, (HPDF_REAL)g, (HPDF_REAL)b);
}

static void set_stroke(HPDF_Page pg, uint32_t col)
{
	double r, g, b;
	rgb(col, &r, &g, &b);
	HPDF_Page_SetRGBStroke(pg, (HPDF_REAL)r, (HPDF_REAL)g, (HPDF_REAL)b);
}

/* ---- anchors (in-document link targets) ---- */

typedef struct anchor_pos {
	const char *id;
	size_t page;
	double y;
} anchor_pos;

static int cmp_anchor(const void *a, const void *b)
{
	return strcmp(((const anchor_pos *)a)->id, ((const anchor_pos *)b)->id);
}

/* ---- drawing one op ---- */

static void draw_shape(pdf_ctx *c, HPDF_Page pg, const pdf_op *o, double y0)
{
	double ph = c->ph;
	switch (o->kind) {
	case OP_FILL: /* (one path of several: PDF_FILL_*) */
		if (!(o->aux & PDF_FILL_CONT))
			set_fill(pg, o->color);
		HPDF_Page_Rectangle(pg, (HPDF_REAL)o->x,
		                    (HPDF_REAL)(ph - (y0 + o->y + o->h)),
		                    (HPDF_REAL)o->w, (HPDF_REAL)o->h);
		if (!(o->aux & PDF_FILL_MORE))
			HPDF_Page_Fill(pg);
		break;
	case OP_STROKE:
		set_stroke(pg, o->color);
		HPDF_Page_SetLineWidth(pg, o->lw);
		HPDF_Page_Rectangle(pg, (HPDF_REAL)o->x,
		                    (HPDF_REAL)(ph - (y0 + o->y + o->h)),
		                    (HPDF_REAL)o->w, (HPDF_REAL)o->h);
		HPDF_Page_Stroke(pg);
		break;
	case OP_LINE:
		set_stroke(pg, o->color);
		HPDF_Page_SetLineWidth(pg, o->lw);
		HPDF_Page_MoveTo(pg, (HPDF_REAL)o->x,
		                 (HPDF_REAL)(ph - (y0 + o->y)));
		HPDF_Page_LineTo(pg, (HPDF_REAL)(o->x + o->w),
		                 (HPDF_REAL)(ph - (y0 + o->y + o->h)));
		HPDF_Page_Stroke(pg);
		break;
	case OP_IMAGE:
		if (o->ref >= 0 && (size_t)o->ref < c->nimages)
			HPDF_Page_DrawImage(pg, c->images[o->ref].img,
			                    (HPDF_REAL)o->x,
			                    (HPDF_REAL)(ph - (y0 + o->y + o->h)),
			                    (HPDF_REAL)o->w, (HPDF_REAL)o->h);
		break;
	default:
		break;
	}
}

typedef struct text_state {
	int font; /* embedded font slot, -1: none yet */
	float size;
	uint32_t color;
	bool color_set;
} text_state;

/* The marked content being drawn (tags.c): -1 none, 0 an artifact, else
 * the structure element. */
typedef struct mark_state {
	int open;
	size_t page;
} mark_state;

/* Draw what comes next as content of element se (0: an artifact),
 * ending what was open if it was something else. */
static void mark(pdf_ctx *c, HPDF_Page pg, mark_state *ms, int se, size_t key)
{
	if (!c->tags || ms->open == se)
		return;
	HPDF_Stream st = ((HPDF_PageAttr)pg->attr)->stream;
	if (ms->open >= 0 && pdf_tag_end(c, st))
		c->fonts.show_failed = true;
	if (pdf_tag_mark(c, st, ms->page, se, key))
		c->fonts.show_failed = true;
	ms->open = se;
}

static void unmark(pdf_ctx *c, HPDF_Page pg, mark_state *ms)
{
	if (!c->tags || ms->open < 0)
		return;
	if (pdf_tag_end(c, ((HPDF_PageAttr)pg->attr)->stream))
		c->fonts.show_failed = true;
	ms->open = -1;
}

/* The element an op's drawing belongs to: text and images their own; a
 * filled square their figure's (a QR code); the rest is furniture. */
static int content_of(const pdf_ctx *c, const pdf_op *o)
{
	if (!c->tags || o->se <= 0)
		return 0;
	if (o->kind == OP_TEXT || o->kind == OP_IMAGE)
		return o->se;
	if (o->kind == OP_FILL) {
		const char *t = pdf_tag_type(c, o->se);
		return t && !strcmp(t, "Figure") ? o->se : 0;
	}
	return 0;
}

static void draw_text(pdf_ctx *c, HPDF_Page pg, const pdf_op *o, double y0,
                      text_state *ts)
{
	int slot = pdf_font_slot(c, o->font);
	if (slot < 0 || !o->glyphs || !o->aux)
		return;
	bool setfont = slot != ts->font || o->size != ts->size;
	ts->font = slot;
	ts->size = o->size;
	if (!ts->color_set || ts->color != o->color) {
		set_fill(pg, o->color);
		ts->color = o->color;
		ts->color_set = true;
	}
	HPDF_TransMatrix m = HPDF_Page_GetTextMatrix(pg);
	HPDF_Page_MoveTextPos(pg, (HPDF_REAL)o->x - m.x,
	                      (HPDF_REAL)(c->ph - (y0 + o->y)) - m.y);
	/* text in another language is a marked span with its /Lang */
	HPDF_Stream st = ((HPDF_PageAttr)pg->attr)->stream;
	bool span = o->ref > 0 && (size_t)o->ref <= c->nlangs;
	if (span) {
		if (HPDF_Stream_WriteStr(st, "/Span <</Lang (") != HPDF_OK ||
		    HPDF_Stream_WriteStr(st, c->langs[o->ref - 1]) != HPDF_OK ||
		    HPDF_Stream_WriteStr(st, ")>> BDC\012") != HPDF_OK)
			c->fonts.show_failed = true;
	}
	/* a failure is recorded: pdf_fonts_finish() then fails the render */
	(void)pdf_font_show(c, pg, o->font, o->size, setfont,
	                    pdf_op_glyphs(o, &c->gbuf, &c->capgbuf), o->aux,
	                    o->text, o->len);
	if (span && HPDF_Stream_WriteStr(st, "EMC\012") != HPDF_OK)
		c->fonts.show_failed = true;
}

/* Text of a header/footer template with {title} {page} {pages}. */
static void expand(mc_buf *b, const char *tpl, const char *title, size_t page,
                   size_t pages)
{
	mc_buf_clear(b);
	for (const char *p = tpl; *p; p++) {
		if (*p == '{') {
			if (!strncmp(p, "{title}", 7)) {
				mc_buf_puts(b, title);
				p += 6;
				continue;
			}
			if (!strncmp(p, "{pages}", 7)) {
				mc_buf_printf(b, "%zu", pages);
				p += 6;
				continue;
			}
			if (!strncmp(p, "{page}", 6)) {
				mc_buf_printf(b, "%zu", page);
				p += 5;
				continue;
			}
		}
		mc_buf_putc(b, *p);
	}
}

/* A line of plain text in the body font (shaped, each character in a
 * face that has it); align: 0 left, 1 centre, 2 right within [x0, x1]. */
static void band_text(pdf_ctx *c, HPDF_Page pg, const char *s, double x0,
                      double x1, double base, int align, text_state *ts)
{
	float size = (float)c->th->sizes.small;
	size_t n = strlen(s);
	double room = x1 - x0 - size;
	/* fit: cut the text (with an ellipsis) if wider than the band */
	mc_buf fit = MC_BUF_INIT;
	double w = pdf_text_width(c, PF_BODY, s, n) * size;
	if (w > room) {
		pdf_shaped sh;
		pdf_span sp = {0, (uint32_t)n, PF_BODY, NULL};
		size_t cut = 0;
		double ell = pdf_text_width(c, PF_BODY, "\xE2\x80\xA6", 3) * size;
		if (!pdf_shape(c, s, n, &sp, 1, NULL, MC_DIR_NONE, &sh)) {
			double acc = 0;
			for (size_t i = 0; i < n; i++) {
				if (sh.cstart[i] && acc + ell > room)
					break;
				acc += sh.adv[i] * size;
				if (i + 1 == n || sh.cstart[i + 1])
					cut = i + 1;
			}
		}
		pdf_shaped_free(&sh);
		mc_buf_put(&fit, s, cut);
		mc_buf_puts(&fit, "\xE2\x80\xA6");
		s = fit.data;
		n = fit.len;
		w = pdf_text_width(c, PF_BODY, s, n) * size;
	}
	double x = align == 1 ? x0 + (x1 - x0 - w) / 2
	           : align == 2 ? x1 - w
	                        : x0;
	/* made as ops, drawn (page furniture), and taken back: in an array
	 * of their own, so that the display list's (sized to the document's
	 * ops) does not double for them */
	pdf_op *ops = c->ops;
	size_t nops = c->nops, capops = c->capops, op_base = c->op_base;
	c->ops = NULL;
	c->nops = c->capops = c->op_base = 0;
	pdf_text_op(c, PF_BODY, size, c->th->colors.muted, x, base, 2, s, n);
	HPDF_Stream st = ((HPDF_PageAttr)pg->attr)->stream;
	if (pdf_tag_artifact(c, st, "/Type /Pagination"))
		c->fonts.show_failed = true;
	for (size_t i = 0; i < c->nops; i++)
		draw_text(c, pg, &c->ops[i], 0, ts);
	if (pdf_tag_end(c, st))
		c->fonts.show_failed = true;
	free(c->ops);
	c->ops = ops;
	c->nops = nops;
	c->capops = capops;
	c->op_base = op_base;
	mc_buf_free(&fit);
}

/* ---- URI links written at save ----
 *
 * A link to a web address as libharu's objects (the annotation, its
 * /Rect array of reals, its action dictionary, names, strings, /Border)
 * costs about two kilobytes; a course has thousands.  Its dictionary is
 * still a libharu object (numbered when made, listed in the page's
 * /Annots), but with no entries: write_uri_link writes, when the
 * document is saved, the very bytes HPDF_Page_CreateURILinkAnnot,
 * HPDF_LinkAnnot_SetBorderStyle (0, 0, 0) and the entries added after
 * would have (libharu's own writers for the reals and the string). */

typedef struct uri_link {
	HPDF_REAL rect[4]; /* left, bottom, right, top */
	HPDF_Page page;
	const char *url;   /* (in c->keep) */
	int sp;            /* its /StructParent, -1: none */
	bool contents;     /* /Contents: the address again (tagged) */
} uri_link;

static HPDF_STATUS write_uri_link(HPDF_Dict d, HPDF_Stream st)
{
	const uri_link *l = d->attr;
	HPDF_UINT n = (HPDF_UINT)strlen(l->url);
	char buf[64];
	HPDF_STATUS r = HPDF_Stream_WriteStr(st, "/Rect [ ");
	for (int i = 0; i < 4 && r == HPDF_OK; i++)
		if ((r = HPDF_Stream_WriteReal(st, l->rect[i])) == HPDF_OK)
			r = HPDF_Stream_WriteChar(st, ' ');
	if (r == HPDF_OK)
		r = HPDF_Stream_WriteStr(st, "]\012/Type /Annot\012/Subtype /Link"
		                             "\012/A <<\012/Type /Action\012/S /URI"
		                             "\012/URI ");
	if (r == HPDF_OK)
		r = HPDF_Stream_WriteEscapeText2(st, l->url, n);
	snprintf(buf, sizeof buf, "\012>>\012/P %u 0 R\012/Border [ 0 0 0 ]\012",
	         (unsigned)(l->page->header.obj_id & 0x00FFFFFF));
	if (r == HPDF_OK)
		r = HPDF_Stream_WriteStr(st, buf);
	if (r == HPDF_OK && l->contents) {
		r = HPDF_Stream_WriteStr(st, "/Contents ");
		if (r == HPDF_OK)
			r = HPDF_Stream_WriteEscapeText2(st, l->url, n);
		if (r == HPDF_OK)
			r = HPDF_Stream_WriteStr(st, "\012");
	}
	if (r == HPDF_OK && l->sp >= 0) {
		snprintf(buf, sizeof buf, "/StructParent %d\012", l->sp);
		r = HPDF_Stream_WriteStr(st, buf);
	}
	return r;
}

HPDF_STATUS pdf_annot_struct_parent(HPDF_Dict annot, int key)
{
	if (annot->write_fn == write_uri_link) {
		((uri_link *)annot->attr)->sp = key;
		return HPDF_OK;
	}
	return HPDF_Dict_AddNumber(annot, "StructParent", key);
}

/* A link to url over r on page pg, as HPDF_Page_CreateURILinkAnnot and
 * HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0) then an optional /Contents
 * would make it; NULL on failure.  An address or a rectangle libharu
 * would refuse is left to libharu, to fail the same way. */
static HPDF_Annotation uri_link_annot(pdf_ctx *c, HPDF_Page pg, HPDF_Rect r,
                                      const char *url)
{
	size_t n = strlen(url);
	if (r.top < r.bottom) { /* (as HPDF_Annotation_New has it) */
		HPDF_REAL t = r.top;
		r.top = r.bottom;
		r.bottom = t;
	}
	HPDF_REAL v[4] = {r.left, r.bottom, r.right, r.top};
	bool plain = n > 0 && n <= HPDF_LIMIT_MAX_STRING_LEN;
	for (int i = 0; i < 4; i++)
		if (!(v[i] >= HPDF_LIMIT_MIN_REAL && v[i] <= HPDF_LIMIT_MAX_REAL))
			plain = false;
	if (!plain) {
		HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(pg, r, url);
		if (a) {
			HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
			if (c->tags)
				HPDF_Dict_Add(a, "Contents",
				              HPDF_String_New(c->pdf->mmgr, url,
				                              NULL));
		}
		return a;
	}
	HPDF_MMgr mm = c->pdf->mmgr;
	HPDF_Dict a = HPDF_Dict_New(mm);
	if (!a)
		return NULL;
	a->header.obj_class |= HPDF_OSUBCLASS_ANNOTATION;
	if (HPDF_Xref_Add(c->pdf->xref, a) != HPDF_OK)
		return NULL; /* (freed by libharu) */
	if (!c->keep)
		c->keep = mc_arena_new();
	uri_link *l = mc_arena_alloc(c->keep, sizeof *l);
	memcpy(l->rect, v, sizeof v);
	l->page = pg;
	l->url = mc_arena_strndup(c->keep, url, n);
	l->sp = -1;
	l->contents = c->tags != NULL;
	a->attr = l;
	a->write_fn = write_uri_link;
	/* in the page's /Annots (libharu's AddAnnotation; /P is written) */
	HPDF_Array annots = HPDF_Dict_GetItem(pg, "Annots", HPDF_OCLASS_ARRAY);
	if (!annots) {
		annots = HPDF_Array_New(mm);
		if (!annots || HPDF_Dict_Add(pg, "Annots", annots) != HPDF_OK)
			return NULL;
	}
	if (HPDF_Array_Add(annots, a) != HPDF_OK)
		return NULL;
	return a;
}

/* The /FitH top of a destination at y (from the page's top): a little
 * above, within the page. */
static double dest_top(const pdf_ctx *c, double y)
{
	double top = c->ph - y + 4;
	return top > c->ph ? c->ph : top;
}

static HPDF_Destination dest(pdf_ctx *c, HPDF_Page *pages, size_t page,
                             double y)
{
	HPDF_Destination d = HPDF_Page_CreateDestination(pages[page]);
	if (d)
		HPDF_Destination_SetFitH(d, (HPDF_REAL)dest_top(c, y));
	return d;
}

/* The text block holding p (pdf_text_alloc), or -1; by[] are the
 * blocks' indices in the order of their addresses. */
static long block_of(const pdf_ctx *c, const size_t *by, const void *p)
{
	const char *q = p;
	size_t lo = 0, hi = c->ntblocks;
	while (lo < hi) { /* the last block starting at or before q */
		size_t mid = lo + (hi - lo) / 2;
		if ((uintptr_t)c->tblocks[by[mid]].base <= (uintptr_t)q)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -1;
	const pdf_tblock *b = &c->tblocks[by[lo - 1]];
	return (uintptr_t)q < (uintptr_t)b->base + b->cap ? (long)by[lo - 1]
	                                                  : -1;
}

/* Note the last page drawing from each text block (pdf_tblock.last);
 * returns the blocks by that page, *n of them (the blocks there are now:
 * the running header and footer add more as the pages are written), for
 * text_release. */
static size_t *text_last_pages(pdf_ctx *c, size_t *nblocks)
{
	size_t n = c->ntblocks;
	*nblocks = n;
	size_t *by = mc_xcalloc(n ? n : 1, sizeof *by);
	/* by address: insertion sort over what is mostly ascending already */
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j > 0 && (uintptr_t)c->tblocks[by[j - 1]].base >
		                        (uintptr_t)c->tblocks[i].base) {
			by[j] = by[j - 1];
			j--;
		}
		by[j] = i;
	}
	for (size_t p = 0; p < c->npages; p++) {
		const pdf_page *pg = &c->pages[p];
		for (size_t k = pg->place0; k < pg->place0 + pg->nplace; k++) {
			const pdf_slice *s =
				pdf_slice_at(c, pdf_place_at(c, k)->slice);
			for (size_t q = s->op0; q < s->op0 + s->nops; q++) {
				const pdf_op *o = &c->ops[q];
				if (o->kind != OP_TEXT)
					continue;
				long b = o->glyphs ? block_of(c, by, o->glyphs)
				                   : -1;
				if (b >= 0)
					c->tblocks[b].last = p + 1;
				b = o->text ? block_of(c, by, o->text) : -1;
				if (b >= 0)
					c->tblocks[b].last = p + 1;
			}
		}
	}
	/* by last page now (a stable counting of at most n blocks) */
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!c->tblocks[i].last)
			by[m++] = i;
	size_t *rest = mc_xcalloc(n ? n : 1, sizeof *rest);
	size_t nr = 0;
	for (size_t i = 0; i < n; i++)
		if (c->tblocks[i].last)
			rest[nr++] = i;
	for (size_t i = 1; i < nr; i++) {
		size_t v = rest[i], j = i;
		while (j > 0 && c->tblocks[rest[j - 1]].last >
		                        c->tblocks[v].last) {
			rest[j] = rest[j - 1];
			j--;
		}
		rest[j] = v;
	}
	memcpy(by + m, rest, nr * sizeof *rest);
	free(rest);
	return by;
}

/* Free the text blocks no page after `written` pages draws from
 * (order from text_last_pages, n of them; *next: how many of it are
 * freed). */
static void text_release(pdf_ctx *c, const size_t *order, size_t n,
                         size_t *next, size_t written)
{
	while (*next < n &&
	       c->tblocks[order[*next]].last <= written) {
		pdf_tblock *b = &c->tblocks[order[*next]];
		free(b->base);
		b->base = NULL;
		b->cap = b->used = 0;
		(*next)++;
	}
}

/* ---- the display list's ops, freed as the pages are written ----
 *
 * Once paginated, the ops move from their one array into chunks of
 * PDF_OPCHUNK (the array cut down from its end as they do, so never two
 * copies), each freed once the last page drawing one of its ops is
 * written (a table header repeated later keeps its chunk till then). */

#define PDF_OPCHUNK 4096

typedef struct op_chunks {
	pdf_op **ch;
	size_t n;
	size_t *last; /* the last page drawing from chunk i + 1; 0: none */
	size_t *order; /* the chunks by last page */
	size_t next;   /* order[0, next) are freed */
} op_chunks;

static const pdf_op *op_at(const op_chunks *k, size_t q)
{
	return &k->ch[q / PDF_OPCHUNK][q % PDF_OPCHUNK];
}

static void chunk_ops(pdf_ctx *c, op_chunks *k)
{
	size_t n = c->nops;
	k->n = (n + PDF_OPCHUNK - 1) / PDF_OPCHUNK;
	k->ch = mc_xcalloc(k->n ? k->n : 1, sizeof *k->ch);
	k->last = mc_xcalloc(k->n ? k->n : 1, sizeof *k->last);
	k->order = mc_xcalloc(k->n ? k->n : 1, sizeof *k->order);
	k->next = 0;
	for (size_t i = k->n; i-- > 0;) {
		size_t from = i * PDF_OPCHUNK;
		k->ch[i] = mc_xreallocarray(NULL, n - from, sizeof **k->ch);
		memcpy(k->ch[i], c->ops + from, (n - from) * sizeof **k->ch);
		if (from) {
			c->ops = mc_xreallocarray(c->ops, from, sizeof *c->ops);
		} else {
			free(c->ops);
			c->ops = NULL;
		}
		n = from;
	}
	free(c->ops); /* (none: no ops) */
	c->ops = NULL;
	c->capops = 0; /* (nops stays: the ops' count) */
	for (size_t p = 0; p < c->npages; p++) {
		const pdf_page *pg = &c->pages[p];
		for (size_t j = pg->place0; j < pg->place0 + pg->nplace; j++) {
			const pdf_slice *s =
				pdf_slice_at(c, pdf_place_at(c, j)->slice);
			if (!s->nops)
				continue;
			size_t a = s->op0 / PDF_OPCHUNK;
			size_t b = (s->op0 + s->nops - 1) / PDF_OPCHUNK;
			for (size_t i = a; i <= b && i < k->n; i++)
				k->last[i] = p + 1;
		}
	}
	/* by last page (counting: pages and chunks are both many) */
	size_t m = 0;
	for (size_t v = 0; v <= c->npages; v++)
		for (size_t i = 0; i < k->n; i++)
			if (k->last[i] == v && m < k->n)
				k->order[m++] = i;
}

/* Free the chunks no page after `written` pages draws from. */
static void ops_release(op_chunks *k, size_t written)
{
	while (k->next < k->n && k->last[k->order[k->next]] <= written) {
		free(k->ch[k->order[k->next]]);
		k->ch[k->order[k->next]] = NULL;
		k->next++;
	}
}

static void ops_free(op_chunks *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->ch[i]);
	free(k->ch);
	free(k->last);
	free(k->order);
	memset(k, 0, sizeof *k);
}

/* ---- writing the pages ---- */

typedef struct writer {
	HPDF_Page *pages;
	size_t npages;
	anchor_pos *anchors; /* where every anchor landed, by id */
	size_t nanchors, capanchors;
	bool *drawn; /* slices drawn already: a table header repeated on a
	                later page is drawn again as furniture */
	op_chunks ops; /* one pass: the ops in chunks (else ctx->ops) */
	bool chunked;
	mc_buf band, zbuf, raw; /* (raw, zbuf: deflate_page's) */
	const char *title;
} writer;

static const pdf_op *wop(pdf_ctx *c, const writer *w, size_t q)
{
	return w->chunked ? op_at(&w->ops, q) : pdf_op_at(c, q);
}

/* The ops of one page's slices, in the order placed:
 *   page_walk it;
 *   for (page_walk_begin(&it, c, w, p); (o = page_walk_next(&it));)
 * with it.slice and it.y0 (its top on the page) the op's slice, it.q its
 * number.  w NULL: ops not yet handed to a writer. */
typedef struct page_walk {
	pdf_ctx *c;
	const writer *w;
	size_t k, kend;  /* places left */
	size_t next, end; /* ops left of the current place */
	size_t slice, q;
	double y0;
} page_walk;

static void page_walk_begin(page_walk *it, pdf_ctx *c, const writer *w,
                            size_t p)
{
	const pdf_page *P = &c->pages[p];
	*it = (page_walk){c, w, P->place0, P->place0 + P->nplace, 0, 0, 0, 0,
	                  0};
}

static const pdf_op *page_walk_next(page_walk *it)
{
	pdf_ctx *c = it->c;
	while (it->next == it->end) {
		if (it->k == it->kend)
			return NULL;
		it->slice = pdf_place_at(c, it->k)->slice;
		it->y0 = pdf_place_at(c, it->k)->y;
		it->next = pdf_slice_at(c, it->slice)->op0;
		it->end = it->next + pdf_slice_at(c, it->slice)->nops;
		it->k++;
	}
	it->q = it->next++;
	return it->w ? wop(c, it->w, it->q) : pdf_op_at(c, it->q);
}

/* The document's pages (npages, their count known), for nslices
 * slices.  Returns 0 or -1. */
enum { PDF_PAGES_NODE = 8191 };

static int writer_begin(pdf_ctx *c, writer *w, size_t nslices)
{
	memset(w, 0, sizeof *w);
	w->npages = c->npages;
	w->pages = mc_xcalloc(c->npages ? c->npages : 1, sizeof *w->pages);
	w->band = (mc_buf)MC_BUF_INIT;
	w->zbuf = (mc_buf)MC_BUF_INIT;
	w->raw = (mc_buf)MC_BUF_INIT;
	for (size_t p = 0; p < c->npages; p++) {
		/* the page tree's root holds the first PDF_PAGES_NODE pages,
		 * then one /Pages node for each PDF_PAGES_NODE more: no /Kids
		 * past that many (libharu's arrays stop at
		 * HPDF_LIMIT_MAX_ARRAY; old readers at 8191, ISO 32000-1's
		 * Annex C) */
		if (p > 0 && p % PDF_PAGES_NODE == 0) {
			HPDF_Pages n =
			    HPDF_Doc_AddPagesTo(c->pdf, c->pdf->root_pages);
			if (!n || HPDF_Doc_SetCurrentPages(c->pdf, n) != HPDF_OK)
				return -1;
		}
		w->pages[p] = HPDF_AddPage(c->pdf);
		if (!w->pages[p])
			return -1;
		/* libharu's /ProcSet (obsolete since PDF 1.4, ignored by
		 * readers): an array of five names, 1 KB a page held until
		 * the save (9 MB at 64 times the corpus) */
		HPDF_Dict res = HPDF_Dict_GetItem(w->pages[p], "Resources",
		                                  HPDF_OCLASS_DICT);
		if (res)
			HPDF_Dict_RemoveElement(res, "ProcSet");
		HPDF_Page_SetWidth(w->pages[p], (HPDF_REAL)c->pw);
		HPDF_Page_SetHeight(w->pages[p], (HPDF_REAL)c->ph);
	}
	w->drawn = mc_xcalloc(nslices ? nslices : 1, sizeof *w->drawn);
	w->title = c->doc->meta.title ? c->doc->meta.title : "";
	return 0;
}

static void writer_free(writer *w)
{
	ops_free(&w->ops);
	free(w->drawn);
	mc_buf_free(&w->band);
	mc_buf_free(&w->zbuf);
	mc_buf_free(&w->raw);
	free(w->anchors);
	free(w->pages);
	memset(w, 0, sizeof *w);
}

static void add_anchor(writer *w, const char *id, size_t page, double y)
{
	PDF_GROW(w->anchors, w->nanchors, w->capanchors);
	w->anchors[w->nanchors++] = (anchor_pos){id, page, y};
}

/* Draw page p: its slices' ops (placed by pagination), the running
 * header and footer, links, outline entries and fields; then deflate
 * its content stream.  Returns 0 or -1. */
static int write_page(pdf_ctx *c, writer *w, size_t p)
{
	const mc_theme *th = c->th;
	HPDF_Page pg = w->pages[p];
	const pdf_page *P = &c->pages[p];
	mark_state ms = {-1, p};
	/* frames, then each layer of the slices' ops */
	mark(c, pg, &ms, 0, 0);
	for (size_t k = P->deco0; k < P->deco0 + P->ndeco; k++)
		draw_shape(c, pg, &c->deco[k], 0);
	page_walk it;
	const pdf_op *o;
	for (int layer = 0; layer <= 2; layer++) {
		for (page_walk_begin(&it, c, w, p); (o = page_walk_next(&it));) {
			if (o->layer != layer || o->kind == OP_TEXT)
				continue;
			mark(c, pg, &ms,
			     w->drawn[it.slice] ? 0 : content_of(c, o), it.q);
			draw_shape(c, pg, o, it.y0);
		}
	}
	unmark(c, pg, &ms);
	text_state ts = {-1, 0, 0, false};
	HPDF_Page_BeginText(pg);
	for (page_walk_begin(&it, c, w, p); (o = page_walk_next(&it));) {
		if (o->kind != OP_TEXT)
			continue;
		mark(c, pg, &ms, w->drawn[it.slice] ? 0 : content_of(c, o),
		     it.q);
		draw_text(c, pg, o, it.y0, &ts);
	}
	unmark(c, pg, &ms);
	for (size_t k = P->place0; k < P->place0 + P->nplace; k++)
		w->drawn[pdf_place_at(c, k)->slice] = true;
	/* running header and footer, inside the text block */
	double bandsize = th->sizes.small;
	mc_buf *band = &w->band;
	if (*th->header) {
		expand(band, th->header, w->title, p + 1, c->npages);
		if (p > 0 || strcmp(band->data ? band->data : "", w->title))
			band_text(c, pg, band->data ? band->data : "", c->left,
			          c->right,
			          th->page.margins.top + bandsize * 0.95, 1,
			          &ts);
	}
	if (*th->footer) {
		expand(band, th->footer, w->title, p + 1, c->npages);
		band_text(c, pg, band->data ? band->data : "", c->left,
		          c->right,
		          c->ph - th->page.margins.bottom - bandsize * 0.3, 1,
		          &ts);
	}
	HPDF_Page_EndText(pg);
	/* rules of the header and footer bands */
	if (*th->header && p > 0) {
		mark(c, pg, &ms, 0, 0);
		pdf_op l = {0};
		l.kind = OP_LINE;
		l.x = c->left;
		l.y = th->page.margins.top + bandsize * 1.5;
		l.w = c->right - c->left;
		l.lw = 0.4f;
		l.color = th->colors.rule;
		draw_shape(c, pg, &l, 0);
		unmark(c, pg, &ms);
	}
	/* annotations, outline entries, fields */
	for (page_walk_begin(&it, c, w, p); (o = page_walk_next(&it));) {
		size_t q = it.q;
		double y0 = it.y0;
		if (o->kind == OP_LINK && o->ref >= 0 &&
		    (size_t)o->ref < c->nlinks) {
			const char *url = c->links[o->ref].url;
			HPDF_Rect r = {
				(HPDF_REAL)o->x,
				(HPDF_REAL)(c->ph - (y0 + o->y + o->h)),
				(HPDF_REAL)(o->x + o->w),
				(HPDF_REAL)(c->ph - (y0 + o->y))};
			HPDF_Annotation a = NULL;
			if (url[0] == '#') {
				anchor_pos key = {url + 1, 0, 0};
				anchor_pos *hit =
					w->nanchors
						? bsearch(&key, w->anchors,
						          w->nanchors,
						          sizeof *w->anchors,
						          cmp_anchor)
						: NULL;
				if (hit) {
					HPDF_Destination d =
						dest(c, w->pages, hit->page,
						     hit->y);
					if (d)
						a = HPDF_Page_CreateLinkAnnot(
							pg, r, d);
				}
				if (a) {
					HPDF_LinkAnnot_SetBorderStyle(a, 0, 0,
					                              0);
					/* its description (PDF/UA):
					 * where it goes */
					if (c->tags)
						HPDF_Dict_Add(
							a, "Contents",
							HPDF_String_New(
								c->pdf->mmgr,
								url, NULL));
				}
			} else if (strncmp(url, "javascript:", 11)) {
				/* (/Border and /Contents likewise) */
				a = uri_link_annot(c, pg, r, url);
			}
			if (a) {
				int lse = pdf_tag_of_link(c, o->ref);
				pdf_tag_annot(c, a, lse, q);
			}
		} else if (o->kind == OP_OUTLINE) {
			if (pdf_outline_add(c, o->ref, o->text, pg,
			                    dest_top(c, y0 + o->y)))
				return -1;
		} else if (o->kind == OP_FIELD && c->fields) {
			if (pdf_field_text(c, pg, o, q, y0))
				return -1;
		} else if (o->kind == OP_CHECKBOX && c->fields) {
			if (pdf_field_checkbox(c, pg, o, q, y0))
				return -1;
		}
	}
	/* the page's last entries: its key in the ParentTree (tags.c
	 * numbers the pages' first, in order) and the order of its fields,
	 * visited in the structure's order when tagged, else in rows (the
	 * order they are read in) */
	HPDF_STATUS e = HPDF_OK;
	if (c->tags) {
		e |= HPDF_Dict_AddNumber(pg, "StructParents", (HPDF_INT)p);
		e |= HPDF_Dict_AddName(pg, "Tabs", "S");
	} else {
		e |= HPDF_Dict_AddName(pg, "Tabs", "R");
	}
	if (e != HPDF_OK)
		return -1;
	if (c->err || pdf_page_done(c, pg, &w->raw, &w->zbuf))
		return -1;
	return 0;
}

/* Every page written: the structure tree. */
static int writer_end(pdf_ctx *c, writer *w)
{
	if (pdf_tags_finish(c, w->pages, c->npages))
		return -1;
	return c->err ? -1 : 0;
}

/* One pass: the whole display list laid out and paginated, written. */
static int write_pages(pdf_ctx *c)
{
	writer w;
	int rc = -1;
	/* paragraph text freed as the last page drawing it is written */
	size_t ntorder;
	size_t *torder = text_last_pages(c, &ntorder), tnext = 0;
	text_release(c, torder, ntorder, &tnext, 0);
	if (writer_begin(c, &w, c->nslices))
		goto out;
	/* where every anchor landed */
	for (size_t p = 0; p < c->npages; p++) {
		page_walk it;
		const pdf_op *o;
		for (page_walk_begin(&it, c, NULL, p);
		     (o = page_walk_next(&it));)
			if (o->kind == OP_ANCHOR)
				add_anchor(&w, o->text, p, it.y0 + o->y);
	}
	if (w.nanchors)
		qsort(w.anchors, w.nanchors, sizeof *w.anchors, cmp_anchor);
	chunk_ops(c, &w.ops);
	w.chunked = true;
	ops_release(&w.ops, 0);
	for (size_t p = 0; p < c->npages; p++) {
		if (write_page(c, &w, p))
			goto out;
		text_release(c, torder, ntorder, &tnext, p + 1);
		ops_release(&w.ops, p + 1);
	}
	rc = writer_end(c, &w);
out:
	writer_free(&w);
	free(torder);
	return rc;
}

/* A title for the document info and metadata (PDF/UA needs one): the
 * front matter's, else the first heading's text, else the file name. */
static const char *title_of(pdf_ctx *c)
{
	const mc_meta *m = &c->doc->meta;
	if (m->title && *m->title)
		return m->title;
	mc_iter it;
	mc_iter_init(&it, (mc_node *)c->doc->root);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE)
		if (ev == MC_EVENT_ENTER && it.cur->type == MC_HEADING) {
			const char *t = mc_node_plain_text((mc_doc *)c->doc,
			                                   it.cur);
			if (t && *t)
				return t;
		}
	const char *src = m->source && strcmp(m->source, "-") ? m->source
	                                                       : "Untitled";
	const char *slash = strrchr(src, '/');
	return slash ? slash + 1 : src;
}

/* One text entry of the document info: made by libharu where it puts
 * it, then given its value as a text string (pdf_text_string). */
static void info_text(pdf_ctx *c, HPDF_InfoType t, const char *key,
                      const char *v, const char *what)
{
	if (HPDF_SetInfoAttr(c->pdf, t, "") == HPDF_OK)
		HPDF_Dict_Add(c->pdf->info, key, pdf_text_string(c, v, what));
}

static void set_info(pdf_ctx *c)
{
	const mc_meta *m = &c->doc->meta;
	if (c->title && *c->title)
		info_text(c, HPDF_INFO_TITLE, "Title", c->title, "the title");
	const char *subj = m->course.title ? m->course.title : m->site.title;
	if (subj && *subj)
		info_text(c, HPDF_INFO_SUBJECT, "Subject", subj,
		          "the course's title");
	if (m->ntags) {
		mc_buf k = MC_BUF_INIT;
		for (size_t i = 0; i < m->ntags; i++) {
			if (i)
				mc_buf_puts(&k, ", ");
			mc_buf_puts(&k, m->tags[i]);
		}
		info_text(c, HPDF_INFO_KEYWORDS, "Keywords", k.data,
		          "the list of tags");
		mc_buf_free(&k);
	}
	info_text(c, HPDF_INFO_CREATOR, "Creator", "mentorconv " MC_VERSION,
	          "the creator");
	/* the document's language for screen readers and speech (the
	 * catalog's /Lang); paragraphs in another language are marked when
	 * the text is tagged */
	if (m->lang && *m->lang) {
		HPDF_String l = HPDF_String_New(c->pdf->mmgr, m->lang, NULL);
		if (!l) /* (a failed HPDF_Dict_Add reaches the error handler) */
			c->err = HPDF_FAILD_TO_ALLOC_MEM;
		else
			HPDF_Dict_Add(c->pdf->catalog, "Lang", l);
	}
	if (m->date > 0) {
		struct tm tm;
		if (mc_utc_tm(m->date, &tm) == 0) {
			HPDF_Date d;
			memset(&d, 0, sizeof d);
			d.year = tm.tm_year + 1900;
			d.month = tm.tm_mon + 1;
			d.day = tm.tm_mday;
			d.hour = tm.tm_hour;
			d.minutes = tm.tm_min;
			d.seconds = tm.tm_sec;
			d.ind = 'Z';
			HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_CREATION_DATE, d);
			HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_MOD_DATE, d);
		}
	}
}

/* Save the document into out, straight into object streams (objstm.c),
 * and free it (c->pdf NULL then) and the structure tree it wrote. */
static int save(pdf_ctx *c, mc_buf *out)
{
	/* PDF 1.7 (ISO 32000-1), tagged or not: object streams and
	 * cross-reference streams (objstm.c) need 1.5 at least */
	if (c->pdf->pdf_version < HPDF_VER_17)
		c->pdf->pdf_version = HPDF_VER_17;
	/* the structure elements and the bookmarks are no libharu objects
	 * (tags.c, outline.c) */
	pdf_objstm_extra extra[2];
	size_t nextra = 0;
	nextra += pdf_tags_extra(c, &extra[nextra]);
	nextra += pdf_outline_extra(c, &extra[nextra]);
	if (pdf_objstm_save(c->pdf, out, &c->flate, extra, nextra))
		return -1;
	HPDF_Free(c->pdf);
	c->pdf = NULL;
	pdf_tags_free(c); /* (written by the save: tags.c) */
	pdf_outline_free(c);
	pdf_pages_free(c);
	mc_arena_free(c->keep);
	c->keep = NULL;
	c->err = 0;
	return 0;
}

/* The display list complete (laid out and paginated): its arrays, grown
 * by doubling, cut to their size (up to half of each was room to grow),
 * now that only band_text adds ops, in an array of its own. */
static void fit_layout(pdf_ctx *c)
{
	if (c->nops && c->nops < c->capops) {
		c->ops = mc_xreallocarray(c->ops, c->nops, sizeof *c->ops);
		c->capops = c->nops;
	}
	if (c->nslices && c->nslices < c->capslices) {
		c->slices = mc_xreallocarray(c->slices, c->nslices,
		                             sizeof *c->slices);
		c->capslices = c->nslices;
	}
	if (c->nplaces && c->nplaces < c->capplaces) {
		c->places = mc_xreallocarray(c->places, c->nplaces,
		                             sizeof *c->places);
		c->capplaces = c->nplaces;
	}
}

/* The display list and the rest of the layout, once every page is
 * written into the document: freed before it is saved. */
static void free_layout(pdf_ctx *c)
{
	pdf_fonts_free(c);
	free(c->langs);
	c->langs = NULL;
	c->nlangs = c->caplangs = 0;
	pdf_text_free(c);
	free(c->gbuf);
	c->gbuf = NULL;
	c->capgbuf = 0;
	free(c->fgroups);
	c->fgroups = NULL;
	c->nfgroups = c->capfgroups = 0;
	free(c->ops);
	free(c->slices);
	free(c->places);
	free(c->deco);
	free(c->pages);
	free(c->links);
	free(c->images);
	c->ops = NULL;
	c->slices = NULL;
	c->places = NULL;
	c->place_base = 0;
	c->slice_base = 0;
	c->slice_h_gone = 0;
	c->deco = NULL;
	c->pages = NULL;
	c->links = NULL;
	c->images = NULL;
	c->nops = c->capops = c->nslices = c->capslices = 0;
	c->nplaces = c->capplaces = c->ndeco = c->capdeco = 0;
	c->npages = c->cappages = c->nlinks = c->caplinks = 0;
	c->nimages = c->capimages = 0;
	mc_arena_free(c->arena);
	c->arena = NULL;
}

/* ---- two passes: memory bounded by the page ----
 *
 * A long document is laid out twice.  Pass 1 keeps no ops: at each
 * layout point (pdf_layout_point: between blocks, where the slices
 * made are final) it notes the anchors of the slices made since and
 * drops their ops and text; then it paginates, so the page count, each
 * page's places and frames, every anchor's page and the TOC's numbers
 * are known.  Pass 2 lays the document out again, the same slices in
 * the same order (checked: the same heights, or an internal error), and
 * at each layout point writes the pages whose slices are all made and
 * frees the ops and text no page still to be written draws.  Its
 * warnings are pass 1's: pass 2's layout reports nothing (what is
 * reported while writing is, as in one pass). */

/* Documents with this many bytes of text and more get two passes
 * (--passes 1 or 2 forces either, tests/group_stream.sh).
 * The second pass costs half as much time again.  Measured on the
 * corpus's bodies repeated (229 KB of text once), peak RSS in one pass
 * against two, tagged: at 16x (3.7 MB of text) 94 MB against 80 MB (2.3
 * s against 3.5 s), at 64x (14.6 MB) 341 MB against 280 MB (the peak
 * then at the end of the second layout: libharu's pages and the model;
 * before the structure elements were written at the save, and the saved
 * file packed as it is written, objstm.c, the save made the peak at any
 * length, and two passes saved nothing). */
#define PDF_TWO_PASS_BYTES (12u << 20)

typedef struct anchor_rec {
	size_t slice;
	double y; /* in the slice */
	const char *id;
} anchor_rec;

typedef struct pdf_stream {
	/* pass 1 */
	anchor_rec *rec; /* by slice, in op order */
	size_t nrec, caprec;
	size_t recorded; /* slices whose anchors are noted */
	double *h1;      /* pass 1's slice heights, before pagination,
	                    from slice h1_base (those checked given back) */
	size_t h1_base;
	size_t nslices1;
	/* pass 2 */
	writer w;
	bool begun;
	size_t *need; /* page p is complete once need[p] slices are made */
	size_t *low;  /* the first slice drawn on page p or after, or -1 */
	size_t next;  /* pages written */
	size_t checked;  /* slices checked against h1 */
	size_t nshrunk;  /* ctx->shrinks applied */
	size_t tscanned; /* ops whose text blocks are noted */
	size_t tfirst;   /* text blocks before it freed */
	mc_diag *real;   /* the render's diagnostics */
	mc_diag quiet;   /* pass 2's layout's: counted, not shown */
	int failed;      /* 0; -1 libharu failed; -2 reported */
} pdf_stream;

/* Pass 1 at a point: note the anchors of the slices made since the
 * last one, and drop their ops and text (only the slices are kept). */
static void point1(pdf_ctx *c, pdf_stream *st)
{
	for (size_t i = st->recorded; i < c->nslices; i++) {
		const pdf_slice *s = pdf_slice_at(c, i);
		for (size_t q = s->op0; q < s->op0 + s->nops; q++) {
			const pdf_op *o = pdf_op_at(c, q);
			if (o->kind != OP_ANCHOR)
				continue;
			PDF_GROW(st->rec, st->nrec, st->caprec);
			st->rec[st->nrec++] = (anchor_rec){i, o->y, o->text};
		}
	}
	st->recorded = c->nslices;
	c->op_base = c->nops;
	pdf_text_free(c);
}

/* The text block holding p, from the newest back to st->tfirst, or -1. */
static long tblock_of(const pdf_ctx *c, const pdf_stream *st, const void *p)
{
	uintptr_t q = (uintptr_t)p;
	for (size_t b = c->ntblocks; b-- > st->tfirst;) {
		const pdf_tblock *t = &c->tblocks[b];
		if (t->base && q >= (uintptr_t)t->base &&
		    q < (uintptr_t)t->base + t->cap)
			return (long)b;
	}
	return -1;
}

/* Free the ops and text blocks no page still to write draws. */
static void release2(pdf_ctx *c, pdf_stream *st)
{
	/* each text block's last op (+ 1) */
	for (size_t q = st->tscanned; q < c->nops; q++) {
		const pdf_op *o = pdf_op_at(c, q);
		if (o->kind != OP_TEXT)
			continue;
		const void *ptr[2] = {o->glyphs, o->text};
		for (int i = 0; i < 2; i++) {
			long b = ptr[i] ? tblock_of(c, st, ptr[i]) : -1;
			if (b >= 0 && c->tblocks[b].last < q + 1)
				c->tblocks[b].last = q + 1;
		}
	}
	st->tscanned = c->nops;
	/* the first op a page still to write may draw */
	size_t low = st->next < c->npages ? st->low[st->next] : (size_t)-1;
	size_t lowop = c->nops;
	for (size_t i = low; i < c->nslices; i++)
		if (pdf_slice_at(c, i)->op0 < lowop)
			lowop = pdf_slice_at(c, i)->op0;
	if (lowop < c->op_base)
		lowop = c->op_base;
	/* (the newest block is still being filled) */
	while (st->tfirst + 1 < c->ntblocks &&
	       c->tblocks[st->tfirst].last <= lowop) {
		pdf_tblock *b = &c->tblocks[st->tfirst++];
		free(b->base);
		b->base = NULL;
		b->cap = b->used = 0;
	}
	if (lowop > c->op_base) {
		memmove(c->ops, c->ops + (lowop - c->op_base),
		        (c->nops - lowop) * sizeof *c->ops);
		c->op_base = lowop;
	}
}

/* Pass 2 made a slice pass 1 did not (or another one). */
static int differ(pdf_stream *st, size_t i)
{
	mc_error(st->real, 0, 0,
	         "internal error: the PDF's second layout pass differs from "
	         "its first (slice %zu of %zu)",
	         i, st->nslices1);
	st->failed = -2;
	return -1;
}

/* Give back the room of what pass 2 will not read again: the places of
 * the pages written and the heights checked (when that is at least
 * half of what is held, so each is moved at most a few times). */
#define PDF_GIVE_BACK 256

/* Whether to drop the first `gone` of the `held` elements of a window
 * now (enough of them, and at least half). */
static bool worth(size_t gone, size_t held)
{
	return gone >= PDF_GIVE_BACK && 2 * gone >= held;
}

/* The window arr of held elements of `size` bytes without its first
 * `gone`: the rest moved to the front, the room cut to them (into *cap
 * unless it is NULL). */
static void *drop_front(void *arr, size_t size, size_t held, size_t gone,
                        size_t *cap)
{
	size_t left = held - gone;
	memmove(arr, (char *)arr + gone * size, left * size);
	if (cap)
		*cap = left;
	return mc_xreallocarray(arr, left ? left : 1, size);
}

static void give_back(pdf_ctx *c, pdf_stream *st)
{
	size_t pb = st->next < c->npages ? c->pages[st->next].place0
	                                 : c->nplaces;
	size_t held = c->nplaces - c->place_base;
	size_t gone = pb > c->place_base ? pb - c->place_base : 0;
	if (worth(gone, held)) {
		c->places = drop_front(c->places, sizeof *c->places, held,
		                       gone, &c->capplaces);
		c->place_base = pb;
	}
	/* the slices before the first the pages still to write draw, but
	 * the last PDF_SLICE_KEEP made (the layout looks back at the slice
	 * before a block) */
	size_t sb = st->next < c->npages ? st->low[st->next] : c->nslices;
	if (sb > c->nslices)
		sb = c->nslices;
	if (sb + PDF_SLICE_KEEP > c->nslices)
		sb = c->nslices > PDF_SLICE_KEEP ? c->nslices - PDF_SLICE_KEEP
		                                 : 0;
	held = c->nslices - c->slice_base;
	gone = sb > c->slice_base ? sb - c->slice_base : 0;
	if (worth(gone, held)) {
		/* (summed in order: slices_height) */
		for (size_t i = 0; i < gone; i++)
			c->slice_h_gone += c->slices[i].h;
		c->slices = drop_front(c->slices, sizeof *c->slices, held,
		                       gone, &c->capslices);
		c->slice_base = sb;
	}
	held = st->nslices1 - st->h1_base;
	gone = st->checked - st->h1_base;
	if (worth(gone, held)) {
		st->h1 = drop_front(st->h1, sizeof *st->h1, held, gone, NULL);
		st->h1_base = st->checked;
	}
}

static int point2(pdf_ctx *c, pdf_stream *st)
{
	for (; st->checked < c->nslices; st->checked++)
		if (st->checked >= st->nslices1 ||
		    pdf_slice_at(c, st->checked)->h !=
		            st->h1[st->checked - st->h1_base])
			return differ(st, st->checked);
	while (st->nshrunk < c->nshrinks &&
	       c->shrinks[st->nshrunk].slice < c->nslices) {
		pdf_shrink_slice(c, c->shrinks[st->nshrunk].slice,
		                 c->shrinks[st->nshrunk].h);
		st->nshrunk++;
	}
	while (st->next < c->npages && c->nslices >= st->need[st->next]) {
		c->diag = st->real;
		int r = write_page(c, &st->w, st->next);
		c->diag = &st->quiet;
		if (r) {
			st->failed = -1;
			return -1;
		}
		st->next++;
	}
	release2(c, st);
	give_back(c, st);
	return 0;
}

int pdf_layout_point(pdf_ctx *c)
{
	pdf_stream *st = c->stream;
	if (!st || !c->pass)
		return 0;
	if (st->failed)
		return -1;
	if (c->hold || c->frame || c->in_cell)
		return 0;
	if (c->lost_ops) { /* (a slice of ops made before a point) */
		mc_error(st->real ? st->real : c->diag, 0, 0,
		         "internal error: PDF layout point inside a slice");
		st->failed = -2;
		return -1;
	}
	if (c->pass == 2)
		return point2(c, st);
	point1(c, st);
	return 0;
}

static int cmp_shrink(const void *a, const void *b)
{
	size_t x = ((const pdf_shrink *)a)->slice;
	size_t y = ((const pdf_shrink *)b)->slice;
	return x < y ? -1 : x > y;
}

static int cmp_rec(const void *a, const void *b)
{
	size_t x = ((const anchor_rec *)a)->slice;
	size_t y = ((const anchor_rec *)b)->slice;
	return x < y ? -1 : x > y;
}

static void stream_free(pdf_ctx *c)
{
	pdf_stream *st = c->stream;
	if (!st)
		return;
	if (st->real)
		c->diag = st->real;
	writer_free(&st->w);
	free(st->rec);
	free(st->h1);
	free(st->need);
	free(st->low);
	free(st);
	c->stream = NULL;
	free(c->toc_anchor1);
	c->toc_anchor1 = NULL;
	c->ntoc1 = 0;
	free(c->shrinks);
	c->shrinks = NULL;
	c->nshrinks = c->capshrinks = 0;
}

/* Lay out, paginate and write in two passes.  Returns 0, -1 (libharu
 * failed) or -2 (an error reported). */
static int two_passes(pdf_ctx *c)
{
	pdf_stream *st = mc_xcalloc(1, sizeof *st);
	c->stream = st;
	pdf_tag_pos tags0 = pdf_tags_pos(c);

	/* pass 1: measure and paginate */
	c->pass = 1;
	if (pdf_layout(c))
		return st->failed ? st->failed : -1;
	st->nslices1 = c->nslices;
	st->h1 = mc_xcalloc(c->nslices ? c->nslices : 1, sizeof *st->h1);
	for (size_t i = 0; i < c->nslices; i++)
		st->h1[i] = pdf_slice_at(c, i)->h;
	if (pdf_paginate(c) || c->err)
		return -1;
	/* pass 1's pagination stays as it is: its arrays to their size */
	MC_FIT(c->places, c->nplaces, c->capplaces, c->nplaces);
	MC_FIT(c->deco, c->ndeco, c->capdeco, c->ndeco);
	if (c->nshrinks)
		qsort(c->shrinks, c->nshrinks, sizeof *c->shrinks, cmp_shrink);
	if (c->ntoc) {
		c->toc_anchor1 = mc_xcalloc(c->ntoc, sizeof *c->toc_anchor1);
		c->ntoc1 = c->ntoc;
		for (size_t i = 0; i < c->ntoc; i++)
			c->toc_anchor1[i] = c->toc[i].anchor_slice;
	}
	/* where every anchor lands, as one pass finds them */
	anchor_pos *anchors = NULL;
	size_t nanchors = 0, capanchors = 0;
	for (size_t p = 0; p < c->npages; p++) {
		const pdf_page *pg = &c->pages[p];
		for (size_t k = pg->place0; k < pg->place0 + pg->nplace; k++) {
			anchor_rec key = {pdf_place_at(c, k)->slice, 0, NULL};
			anchor_rec *r = st->nrec ? bsearch(&key, st->rec,
			                                   st->nrec,
			                                   sizeof *st->rec,
			                                   cmp_rec)
			                         : NULL;
			if (!r)
				continue;
			while (r > st->rec && r[-1].slice == key.slice)
				r--;
			for (; r < st->rec + st->nrec && r->slice == key.slice;
			     r++) {
				PDF_GROW(anchors, nanchors, capanchors);
				anchors[nanchors++] = (anchor_pos){
					r->id, p, pdf_place_at(c, k)->y + r->y};
			}
		}
	}
	if (nanchors)
		qsort(anchors, nanchors, sizeof *anchors, cmp_anchor);
	free(st->rec);
	st->rec = NULL;
	st->nrec = st->caprec = 0;
	/* which slices each page waits for, and which it may draw */
	st->need = mc_xcalloc(c->npages ? c->npages : 1, sizeof *st->need);
	st->low = mc_xcalloc(c->npages ? c->npages : 1, sizeof *st->low);
	size_t need = 0, low = (size_t)-1;
	for (size_t p = 0; p < c->npages; p++) {
		const pdf_page *pg = &c->pages[p];
		for (size_t k = pg->place0; k < pg->place0 + pg->nplace; k++)
			if (pdf_place_at(c, k)->slice + 1 > need)
				need = pdf_place_at(c, k)->slice + 1;
		st->need[p] = need;
	}
	for (size_t p = c->npages; p-- > 0;) {
		const pdf_page *pg = &c->pages[p];
		for (size_t k = pg->place0; k < pg->place0 + pg->nplace; k++)
			if (pdf_place_at(c, k)->slice < low)
				low = pdf_place_at(c, k)->slice;
		st->low[p] = low;
	}

	/* back to the start of the layout (pass 1's pagination kept); the
	 * structure elements the second pass makes are the first's, so
	 * their arrays get room for so many, no more (the doubling's slack:
	 * at 64 times the corpus, some 10 MB) */
	pdf_tag_pos tags1 = pdf_tags_pos(c);
	c->nops = c->op_base = 0;
	c->nslices = 0;
	/* (pass 2 holds the slices of the pages not yet written: its
	 * array starts again and give_back keeps it short) */
	free(c->slices);
	c->slices = NULL;
	c->capslices = 0;
	pdf_text_free(c);
	c->nlinks = 0;
	pdf_tags_rewind(c, &tags0);
	pdf_tags_fit(c, &tags1);
	c->nfgroups = 0;
	c->ntasks = 0;
	c->nsections = 0;
	c->depth_warned = 0;
	c->frame = NULL;
	c->last_heading = NULL;
	c->table_header = -1;
	c->in_cell = false;
	c->mk_pending = c->mk_box = c->mk_checked = false;
	c->mk_tu = NULL;
	c->mk_se = 0;
	c->mk_text = NULL;
	memset(&c->mk_style, 0, sizeof c->mk_style);
	c->mk_x = 0;
	c->face_mod = 0;
	c->heading_level = 0;
	c->answer_max_lines = 0;
	c->answer_scale = c->space_scale = 0;
	c->answer_bonus = c->answer_nans = c->answer_seen = 0;

	/* pass 2: lay out again, writing pages as they are complete (their
	 * content streams to a file of their own, if one can be made) */
	pdf_pages_spill(c);
	set_info(c);
	int rc = writer_begin(c, &st->w, st->nslices1);
	st->w.anchors = anchors;
	st->w.nanchors = nanchors;
	st->w.capanchors = capanchors;
	if (rc)
		return -1;
	st->real = c->diag;
	st->quiet = *c->diag;
	st->quiet.out = NULL;
	st->quiet.sink = NULL;
	c->diag = &st->quiet;
	c->pass = 2;
	rc = pdf_layout(c);
	c->diag = st->real;
	if (rc || st->failed)
		return st->failed ? st->failed : -1;
	if (c->nslices != st->nslices1)
		return differ(st, c->nslices);
	for (; st->next < c->npages; st->next++)
		if (write_page(c, &st->w, st->next))
			return -1;
	return writer_end(c, &st->w);
}

/* One pass or two (see above)?  "passes" (--passes 1 or 2) forces
 * either. */
static int passes_for(const pdf_ctx *c, const mc_render_opts *opts)
{
	const char *e = mc_render_opt(opts, "passes");
	if (e && !strcmp(e, "1"))
		return 1;
	if (e && !strcmp(e, "2"))
		return 2;
	size_t bytes = 0;
	const mc_node *root = c->doc->root;
	for (const mc_node *n = root; n; n = mc_node_next((mc_node *)n, root))
		if ((n->type == MC_TEXT || n->type == MC_CODE) &&
		    n->as.text.text)
			bytes += strlen(n->as.text.text);
	return bytes >= PDF_TWO_PASS_BYTES ? 2 : 1;
}

/* The options (backends.c's pdf_options): "no-fields" (--no-fields) or
 * the theme's answer.fields: false give a print-only PDF (ruled lines, no
 * form fields); "no-tags" an untagged one; "duplex" starts each worksheet
 * on an odd page. */
int mc_render_pdf(const mc_doc *doc, const mc_theme *theme,
                  const mc_render_opts *opts, mc_buf *out, mc_diag *diag)
{
	pdf_ctx ctx;
	pdf_ctx *c = &ctx;
	memset(c, 0, sizeof *c);
	c->doc = doc;
	c->th = theme;
	c->diag = diag;
	c->fields = theme->answer.fields && !mc_render_opt(opts, "no-fields");
	c->duplex = mc_render_opt(opts, "duplex") != NULL;
	c->title = title_of(c);
	c->arena = mc_arena_new();
	c->cache = opts ? opts->cache : NULL;
	c->spill_fd = -1;
	int rc = -1;

	c->pdf = HPDF_New(on_error, c);
	if (!c->pdf) {
		mc_error(diag, 0, 0, "libharu could not start a PDF");
		goto out;
	}
	if (HPDF_SetCompressionMode(c->pdf, HPDF_COMP_ALL) != HPDF_OK)
		goto fail;
	HPDF_SetPageMode(c->pdf, HPDF_PAGE_MODE_USE_OUTLINE);
	if (pdf_fonts_init(c))
		goto out;
	if (pdf_tags_init(c, !mc_render_opt(opts, "no-tags")))
		goto out;
	pdf_linebreak_init();

	/* geometry: header and footer bands inside the text block */
	c->pw = theme->page.width;
	c->ph = theme->page.height;
	c->left = theme->page.margins.left;
	c->right = c->pw - theme->page.margins.right;
	c->band = theme->sizes.small * 2.6;
	c->top = theme->page.margins.top + (*theme->header ? c->band : 0);
	c->bottom = c->ph - theme->page.margins.bottom -
	            (*theme->footer ? c->band : 0);
	if (c->bottom - c->top < theme->sizes.body * 6 ||
	    c->right - c->left < theme->sizes.body * 6) {
		mc_error(diag, 0, 0, "the theme's margins leave no room for text");
		goto out;
	}

	if (passes_for(c, opts) == 2) {
		int r = two_passes(c);
		if (r == -2)
			goto out;
		if (r)
			goto fail;
	} else {
		if (pdf_layout(c) || pdf_paginate(c))
			goto fail;
		if (c->err)
			goto fail;
		fit_layout(c);
		set_info(c);
		if (write_pages(c))
			goto fail;
	}
	if (c->fields && pdf_fields_finish(c))
		goto fail;
	if (pdf_outline_finish(c))
		goto fail;
	if (pdf_fonts_finish(c))
		goto fail;
	if (c->err)
		goto fail;
	stream_free(c);
	free_layout(c);
	/* the model is no longer read: the caller may free it now, before
	 * the save (at 64 times the corpus, 55 MB of the peak) */
	if (opts && opts->doc_done) {
		c->doc = NULL;
		opts->doc_done(opts->doc_done_arg);
	}
	if (save(c, out))
		goto fail;
	rc = 0;
	goto out;
fail:
	mc_error(diag, 0, 0, "PDF output failed (libharu error 0x%04X, "
	         "detail %u)", (unsigned)c->err, (unsigned)c->err_detail);
	rc = -1;
out:
	stream_free(c);
	free_layout(c);
	if (c->pdf)
		HPDF_Free(c->pdf);
	pdf_tags_free(c);
	pdf_outline_free(c);
	pdf_pages_free(c);
	mc_arena_free(c->keep);
	pdf_flate_free(&c->flate);
	return rc;
}
