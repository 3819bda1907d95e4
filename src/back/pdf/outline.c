/* outline.c - the document outline (bookmarks), written at save from
 * records of its own; see pdf_int.h.
 *
 * An outline entry as libharu objects (HPDF_CreateOutline: a dictionary
 * with its name, title string, parent, sibling and child proxies, open
 * flag, and a destination array of its own with a real and a proxy)
 * costs about 2.5 kilobytes held until the save; a long course has tens
 * of thousands of headings (the corpus 64 times over: 21 MB).  So an
 * entry is a record of 36 bytes here, its title's UTF-16 in one buffer,
 * and the entries are no libharu objects: objstm.c numbers them after
 * libharu's (pdf_objstm_extra) and each is written as entry_put says,
 * with its /Dest a direct array.  The outline's root stays a libharu
 * dictionary (the catalog's /Outlines refers to it); write_root writes
 * its /First, /Last and /Count at the save.
 *
 * Every entry is open, as before: an entry's /Count is the number of its
 * descendants, the root's the number of entries (ISO 32000-1, 12.3.3).
 * No global state: the records are the conversion's (pdf_ctx). */
#include "pdf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_utils.h>

#include "../../util/grow.h"

/* nesting deeper than this joins the deepest level kept (as before) */
#define OUTLINE_DEPTH 8

typedef struct ol_entry {
	uint32_t title_at, title_len; /* in pdf_outline.strs (UTF-16BE) */
	int32_t parent;               /* -1: the root */
	int32_t first, last, prev, next; /* -1: none */
	uint32_t count;               /* descendants */
	uint32_t page;                /* the page's object number */
	float top;                    /* /FitH's top */
} ol_entry;

struct pdf_outline {
	ol_entry *e;
	size_t n, cap;
	mc_buf strs;
	int32_t first, last; /* the root's */
	int32_t stack[OUTLINE_DEPTH];
	int level[OUTLINE_DEPTH];
	int depth;
	size_t num0;      /* the first entry's object number (at save) */
	uint32_t root_num; /* the root's (pdf_outline_finish) */
};

static pdf_outline *outline_of(pdf_ctx *c)
{
	if (!c->outline) {
		c->outline = mc_xcalloc(1, sizeof *c->outline);
		c->outline->first = c->outline->last = -1;
		c->outline->strs = (mc_buf)MC_BUF_INIT;
	}
	return c->outline;
}

int pdf_outline_add(pdf_ctx *c, int level, const char *title,
                    HPDF_Page page, double top)
{
	pdf_outline *o = outline_of(c);
	if (o->n >= INT32_MAX - 1) {
		mc_error(c->diag, 0, 0,
		         "the PDF outline has more entries than it can hold");
		return -1;
	}
	if (level < 1)
		level = 1;
	while (o->depth > 0 && o->level[o->depth - 1] >= level)
		o->depth--;
	int32_t parent = o->depth ? o->stack[o->depth - 1] : -1;
	MC_GROW(o->e, o->n, o->cap, 64);
	int32_t k = (int32_t)o->n++;
	ol_entry *e = &o->e[k];
	memset(e, 0, sizeof *e);
	size_t at = o->strs.len;
	pdf_text_utf16(c, title ? title : "", "a bookmark's title", &o->strs);
	e->title_at = (uint32_t)at;
	e->title_len = (uint32_t)(o->strs.len - at);
	e->parent = parent;
	e->first = e->last = e->next = -1;
	e->page = pdf_obj_num(page);
	e->top = (float)top;
	int32_t *first = parent < 0 ? &o->first : &o->e[parent].first;
	int32_t *last = parent < 0 ? &o->last : &o->e[parent].last;
	e->prev = *last;
	if (*last >= 0)
		o->e[*last].next = k;
	else
		*first = k;
	*last = k;
	for (int32_t p = parent; p >= 0; p = o->e[p].parent)
		o->e[p].count++;
	if (o->depth < OUTLINE_DEPTH) {
		o->stack[o->depth] = k;
		o->level[o->depth] = level;
		o->depth++;
	}
	return 0;
}

/* The root's entries (its attr: the records). */
static HPDF_STATUS write_root(HPDF_Dict d, HPDF_Stream st)
{
	const pdf_outline *o = d->attr;
	char buf[96];
	snprintf(buf, sizeof buf,
	         "/First %zu 0 R\012/Last %zu 0 R\012/Count %zu\012",
	         o->num0 + (size_t)o->first, o->num0 + (size_t)o->last, o->n);
	return HPDF_Stream_WriteStr(st, buf);
}

int pdf_outline_finish(pdf_ctx *c)
{
	pdf_outline *o = c->outline;
	if (!o || !o->n)
		return 0;
	HPDF_Dict root = HPDF_Dict_New(c->pdf->mmgr);
	if (!root || HPDF_Xref_Add(c->pdf->xref, root) != HPDF_OK ||
	    HPDF_Dict_AddName(root, "Type", "Outlines") != HPDF_OK ||
	    HPDF_Dict_Add(c->pdf->catalog, "Outlines", root) != HPDF_OK)
		return -1;
	root->attr = o;
	root->write_fn = write_root;
	o->root_num = pdf_obj_num(root);
	if (o->n < o->cap) { /* (kept until the save) */
		o->e = mc_xreallocarray(o->e, o->n, sizeof *o->e);
		o->cap = o->n;
	}
	return 0;
}

/* (pdf_objstm_extra) */
static void entry_first(void *arg, size_t num)
{
	((pdf_outline *)arg)->num0 = num;
}

/* Entry k as libharu writes a dictionary, its /Dest [page /FitH top]. */
static int entry_put(void *arg, size_t k, mc_buf *b)
{
	const pdf_outline *o = arg;
	if (k >= o->n)
		return -1;
	const ol_entry *e = &o->e[k];
	mc_buf_puts(b, "<<\012/Title <");
	for (size_t i = 0; i < e->title_len; i++)
		mc_buf_printf(b, "%02X",
		              (unsigned char)o->strs.data[e->title_at + i]);
	mc_buf_printf(b, ">\012/Parent %zu 0 R\012",
	              e->parent < 0 ? o->root_num
	                            : o->num0 + (size_t)e->parent);
	size_t n0 = o->num0;
	if (e->prev >= 0)
		mc_buf_printf(b, "/Prev %zu 0 R\012", n0 + (size_t)e->prev);
	if (e->next >= 0)
		mc_buf_printf(b, "/Next %zu 0 R\012", n0 + (size_t)e->next);
	if (e->first >= 0)
		mc_buf_printf(b,
		              "/First %zu 0 R\012/Last %zu 0 R\012/Count %u\012",
		              n0 + (size_t)e->first, n0 + (size_t)e->last,
		              e->count);
	/* the real as libharu writes one (HPDF_Stream_WriteReal: its
	 * length is where HPDF_FToA ends, no NUL) */
	char top[HPDF_REAL_LEN + 1];
	char *end = HPDF_FToA(top, (HPDF_REAL)e->top, top + HPDF_REAL_LEN);
	mc_buf_printf(b, "/Dest [ %u 0 R /FitH ", e->page);
	mc_buf_put(b, top, (size_t)(end - top));
	mc_buf_puts(b, " ]\012>>");
	return 0;
}

bool pdf_outline_extra(pdf_ctx *c, pdf_objstm_extra *x)
{
	pdf_outline *o = c->outline;
	if (!o || !o->n || !o->root_num)
		return false;
	*x = (pdf_objstm_extra){o->n, entry_first, entry_put, o};
	return true;
}

void pdf_outline_free(pdf_ctx *c)
{
	pdf_outline *o = c->outline;
	if (!o)
		return;
	free(o->e);
	mc_buf_free(&o->strs);
	free(o);
	c->outline = NULL;
}
