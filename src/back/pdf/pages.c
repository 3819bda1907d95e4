/* pages.c - what a finished page becomes until the save; see pdf_int.h.
 *
 * Once write_page (pdf.c) has drawn a page, nothing changes it again, but
 * libharu would hold all of it to the save: its content stream in 4 KB
 * blocks, uncompressed, and its dictionary as objects.  pdf_page_done
 * compresses the content stream (libdeflate, flate.h) into a block of
 * its size, or, in a long document, into a temporary file of the
 * conversion's (spill), and holds the dictionary as the bytes libharu's
 * save would write (freeze_page).  The PDF is the same, byte for byte;
 * only where its parts wait for the save changes.  No global state: all
 * of it is the conversion's (pdf_ctx), found from a libharu object
 * through its error handler's user data when the save writes it. */
#define _GNU_SOURCE /* O_TMPFILE */
#include "pdf_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hpdf_conf.h>

/* A stream compressed before the save (deflate_page, pdf_stream_obj):
 * libharu has written its /Filter [/FlateDecode] from dict->filter by the
 * time it calls this, just before the stream's data, which it then
 * copies as it is instead of deflating it again. */
HPDF_STATUS pdf_copy_deflated(HPDF_Dict d, HPDF_Stream st)
{
	(void)st;
	d->filter = HPDF_STREAM_FILTER_NONE;
	return HPDF_OK;
}

/* ---- content streams kept on disk until the save ----
 *
 * A long document (two passes) keeps its pages' compressed content
 * streams, which nothing reads again before the save, in a temporary
 * file of its own rather than in memory (the corpus 64 times over: 28
 * MB, held to the end of the second pass).  The file has no name
 * (O_TMPFILE in $TMPDIR, else /tmp; where that cannot be, a mkstemp()
 * file removed at once) and goes with the conversion.  Each stream's
 * bytes are read back just before libharu writes it at the save (its
 * before_write_fn; objstm.c frees them once written).  If the file
 * cannot be made or written, the streams stay in memory as before: the
 * same PDF either way. */

typedef struct spilled {
	uint64_t off;
	size_t len;
} spilled;

static int spill_open(void)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	int fd = -1;
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	mc_buf p = MC_BUF_INIT;
	mc_buf_printf(&p, "%s/.mentorconv-pdf.XXXXXX", dir);
	fd = mkstemp(p.data);
	if (fd >= 0) {
		unlink(p.data);
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	mc_buf_free(&p);
	return fd;
}

static void spill_close(pdf_ctx *c)
{
	if (c->spill_fd >= 0)
		close(c->spill_fd);
	c->spill_fd = -1;
	c->spill_len = 0;
	c->spill_full = false;
}

/* (before_write_fn of a spilled content stream: its bytes back in a
 * block of their size; the conversion is the error handler's user
 * data) */
static HPDF_STATUS spill_load(HPDF_Dict d)
{
	pdf_ctx *c = d->error ? d->error->user_data : NULL;
	const spilled *sp = d->attr;
	if (!c || !sp || c->spill_fd < 0)
		return HPDF_INVALID_OBJECT;
	unsigned char *buf = mc_xmalloc(sp->len ? sp->len : 1);
	size_t got = 0;
	while (got < sp->len) {
		ssize_t r = pread(c->spill_fd, buf + got, sp->len - got,
		                  (off_t)(sp->off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	int rc = got == sp->len ? pdf_stream_hold(d, buf, sp->len, true) : -1;
	free(buf);
	d->before_write_fn = NULL;
	return rc ? HPDF_FILE_IO_ERROR : HPDF_OK;
}

/* Content stream cs's compressed bytes z (n of them) to the file; 0 (cs
 * then holds none) or -1 (nothing changed: they stay in memory). */
static int spill(pdf_ctx *c, HPDF_Dict cs, const void *z, size_t n)
{
	if (c->spill_fd < 0 || c->spill_full || cs->before_write_fn || cs->attr)
		return -1;
	size_t put = 0;
	while (put < n) {
		ssize_t r = pwrite(c->spill_fd, (const char *)z + put, n - put,
		                   (off_t)(c->spill_len + put));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			/* (disk full, a file size limit: this stream and the
			 * rest in memory; those written stay to be read) */
			c->spill_full = true;
			return -1;
		}
		put += (size_t)r;
	}
	if (!c->keep)
		c->keep = mc_arena_new();
	spilled *sp = mc_arena_alloc(c->keep, sizeof *sp);
	*sp = (spilled){c->spill_len, n};
	c->spill_len += n;
	if (pdf_stream_hold(cs, NULL, 0, true))
		return -1;
	cs->attr = sp;
	cs->before_write_fn = spill_load;
	return 0;
}

/* Deflate page pg's content stream now that nothing more is drawn on it
 * (libdeflate, flate.h), so the page's drawing is held compressed (about
 * a fifth of its size) until the save.  A page libharu would still add
 * to when saving (an open path or text object, an unbalanced q) is left
 * as it is.  tmp and z are scratch.  Returns 0 or -1. */
static int deflate_page(pdf_ctx *c, HPDF_Page pg, mc_buf *tmp, mc_buf *z)
{
	HPDF_PageAttr attr = pg->attr;
	HPDF_Dict cs = attr->contents;
	if (attr->gmode != HPDF_GMODE_PAGE_DESCRIPTION ||
	    (attr->gstate && attr->gstate->prev) || !cs ||
	    cs->stream != attr->stream || !attr->stream ||
	    cs->filter != HPDF_STREAM_FILTER_FLATE_DECODE || cs->write_fn)
		return 0;
	/* the drawing (libharu's blocks) in one piece, compressed into z,
	 * then held in one block of its size (a memory stream grows by
	 * blocks of HPDF_STREAM_BUF_SIZ: half of one wasted a page on
	 * average) */
	mc_buf_clear(tmp);
	mc_buf_clear(z);
	HPDF_Stream w = HPDF_CallbackWriter_New(pg->mmgr, pdf_put_buf, tmp);
	if (!w)
		return -1;
	HPDF_STATUS r = HPDF_Stream_WriteToStream(
		attr->stream, w, HPDF_STREAM_FILTER_NONE, NULL);
	HPDF_Stream_Free(w);
	if (r != HPDF_OK ||
	    pdf_flate_put(&c->flate, PDF_FLATE_LEVEL, tmp->data, tmp->len, z))
		return -1;
	if (spill(c, cs, z->data, z->len) &&
	    pdf_stream_hold(cs, z->data, z->len, true))
		return -1;
	attr->stream = cs->stream;
	return 0;
}

int pdf_stream_hold(HPDF_Dict d, const void *p, size_t len, bool deflated)
{
	HPDF_Stream zs = HPDF_MemStream_New(
		d->mmgr, len ? (HPDF_UINT)len : HPDF_STREAM_BUF_SIZ);
	if (!zs)
		return -1;
	if (len && HPDF_Stream_Write(zs, (const HPDF_BYTE *)p,
	                             (HPDF_UINT)len) != HPDF_OK) {
		HPDF_Stream_Free(zs);
		return -1;
	}
	if (d->stream)
		HPDF_Stream_Free(d->stream);
	d->stream = zs;
	if (deflated) {
		d->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
		d->write_fn = pdf_copy_deflated;
	}
	return 0;
}

/* ---- finished pages held as their bytes ----
 *
 * A page's dictionary as libharu objects (its /Resources with a font,
 * graphics state and image dictionary, /MediaBox of four reals, /Annots,
 * the names and numbers, proxies for the references, and a 136-byte
 * entry for each key) stays until the save although nothing changes it
 * once the page is written.  So a finished page (its content stream
 * compressed: deflate_page) is written then, into its record in
 * c->frozen, as libharu's save would write its entries, and its entries
 * are freed; the dictionary itself stays (its number, in the page tree
 * and every reference to the page), and write_frozen writes the bytes
 * back at the save: the same file.  Nothing adds to a page after
 * write_page (its /StructParents and /Tabs are set there). */

typedef struct pdf_frozen {
	uint32_t num;  /* the page's object number */
	uint32_t len;  /* its entries' bytes */
	size_t at;     /* in pdf_ctx.frozen_bytes */
} pdf_frozen;

static int cmp_frozen(const void *a, const void *b)
{
	uint32_t x = ((const pdf_frozen *)a)->num;
	uint32_t y = ((const pdf_frozen *)b)->num;
	return x < y ? -1 : x > y;
}

/* (the page's write_fn: libharu has written "<<\n", and writes ">>"
 * after; the conversion is the error handler's user data) */
static HPDF_STATUS write_frozen(HPDF_Dict d, HPDF_Stream st)
{
	pdf_ctx *c = d->error ? d->error->user_data : NULL;
	pdf_frozen key = {pdf_obj_num(d), 0, 0};
	const pdf_frozen *f =
		c && c->nfrozen ? bsearch(&key, c->frozen, c->nfrozen,
		                          sizeof *c->frozen, cmp_frozen)
		                : NULL;
	if (!f)
		return HPDF_INVALID_OBJECT;
	const HPDF_BYTE *p =
		(const HPDF_BYTE *)c->frozen_bytes.data + f->at;
	return f->len ? HPDF_Stream_Write(st, p, f->len) : HPDF_OK;
}

/* Hold page pg (written, its content stream compressed) as its bytes;
 * tmp is scratch.  A page deflate_page left as it was stays as it is.
 * 0, or -1. */
static int freeze_page(pdf_ctx *c, HPDF_Page pg, mc_buf *tmp)
{
	HPDF_Dict cs = pg->attr ? ((HPDF_PageAttr)pg->attr)->contents : NULL;
	if (!cs || cs->write_fn != pdf_copy_deflated || pg->write_fn ||
	    pg->stream || !pg->error || pg->error->user_data != c)
		return 0;
	mc_buf_clear(tmp);
	HPDF_Stream w = HPDF_CallbackWriter_New(pg->mmgr, pdf_put_buf, tmp);
	if (!w)
		return -1;
	HPDF_STATUS r = HPDF_Obj_WriteValue(pg, w, NULL);
	HPDF_Stream_Free(w);
	/* "<<\n" entries ">>", as HPDF_Dict_Write has it */
	if (r != HPDF_OK || tmp->len < 5 || memcmp(tmp->data, "<<\012", 3) ||
	    memcmp(tmp->data + tmp->len - 2, ">>", 2) ||
	    tmp->len - 5 > UINT32_MAX)
		return -1;
	uint32_t num = pdf_obj_num(pg);
	if (c->nfrozen && c->frozen[c->nfrozen - 1].num >= num)
		return 0; /* (pages are numbered in order; were one not, it
		             stays as it is) */
	PDF_GROW(c->frozen, c->nfrozen, c->capfrozen);
	c->frozen[c->nfrozen++] = (pdf_frozen){
		num, (uint32_t)(tmp->len - 5), c->frozen_bytes.len};
	mc_buf_put(&c->frozen_bytes, tmp->data + 3, tmp->len - 5);
	while (pg->list->count) {
		HPDF_DictElement e = HPDF_List_ItemAt(pg->list, 0);
		if (!e || HPDF_Dict_RemoveElement(pg, e->key) != HPDF_OK)
			return -1;
	}
	/* the emptied list's room, and the graphics state nothing draws
	 * with again (libharu frees neither if NULL) */
	if (pg->list->obj) {
		HPDF_FreeMem(pg->list->mmgr, pg->list->obj);
		pg->list->obj = NULL;
		pg->list->block_siz = 0;
	}
	HPDF_PageAttr attr = pg->attr;
	if (attr->gstate && !attr->gstate->prev) {
		HPDF_GState_Free(pg->mmgr, attr->gstate);
		attr->gstate = NULL;
	}
	pg->write_fn = write_frozen;
	return 0;
}

static void frozen_free(pdf_ctx *c)
{
	free(c->frozen);
	c->frozen = NULL;
	c->nfrozen = c->capfrozen = 0;
	mc_buf_free(&c->frozen_bytes);
}

int pdf_page_done(pdf_ctx *c, HPDF_Page pg, mc_buf *tmp, mc_buf *z)
{
	if (deflate_page(c, pg, tmp, z) || freeze_page(c, pg, tmp))
		return -1;
	return 0;
}

void pdf_pages_spill(pdf_ctx *c)
{
	if (c->spill_fd < 0)
		c->spill_fd = spill_open();
}

void pdf_pages_free(pdf_ctx *c)
{
	frozen_free(c);
	spill_close(c);
}
