/*
 * objstm.c - the document saved with object streams and a
 * cross-reference stream (see objstm.h).
 *
 * The objects go in libharu's order (its cross-reference entries, by
 * number), each written by libharu's own writer (HPDF_Obj_WriteValue:
 * the bytes its save writes, write_fns and stream lengths included):
 *
 *   - the header, as libharu writes it;
 *   - each stream object (`N 0 obj`, its dictionary, its data, `endobj`)
 *     as libharu writes it, one after another, its data freed once
 *     written;
 *   - every other object's value into the object stream being filled
 *     (PDF_OBJSTM_MAX objects each), then the caller's own objects
 *     (pdf_objstm_extra: the structure elements, tags.c, and the
 *     bookmarks, outline.c), numbered from
 *     libharu's /Size up, then the object streams, each compressed when
 *     full: those filled among the stream objects held until these are
 *     all written, then appended, and the later ones (the caller's
 *     objects, most of a long document's) appended as they fill, so
 *     that they are never in memory twice;
 *   - the /Type /XRef stream (the last number; /W as narrow as the
 *     numbers allow, rows filtered with the PNG Up predictor, as qpdf
 *     writes them) with /Root and /Info.
 *
 * Compressed at PDF_FLATE_LEVEL (flate.h): zlib's level 9 made the
 * course's PDF 0.1% smaller and its packing 60% slower.
 */
#include "objstm.h"

#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../util/arena.h"

/* A row of the cross-reference stream: type 0 (free: f2 the next free
 * object, f3 its generation), 1 (at offset f2) or 2 (in object stream
 * f2, at index f3). */
typedef struct xrow {
	uint64_t f2;
	uint32_t f3; /* a generation (16 bits) or an index (< PDF_OBJSTM_MAX) */
	uint8_t type;
} xrow;

/* The object streams. */
typedef struct packer {
	mc_buf idx, body; /* the one being filled: `num off ` pairs, values */
	size_t n;         /* objects in it */
	size_t size;      /* libharu's /Size: the first one's number */
	mc_buf tail;      /* the ones made, compressed, one after another */
	mc_buf *out;      /* where they go once the stream objects are
	                     written (NULL: to tail till then) */
	size_t from;      /* out->len when the document began */
	size_t *off;      /* each one's offset: in tail, or from `from` */
	size_t noff, capoff;
	mc_buf z;         /* scratch: one compressed */
} packer;

HPDF_STATUS pdf_put_buf(HPDF_Stream st, const HPDF_BYTE *p, HPDF_UINT n)
{
	mc_buf_put(st->attr, p, n);
	return HPDF_OK;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' ||
	       c == '\0';
}

/* The object stream being filled compressed onto the tail, or the
 * output once it takes them.  0 or -1. */
static int flush(packer *pk, pdf_flate *z)
{
	if (!pk->n)
		return 0;
	pk->idx.data[pk->idx.len - 1] = '\n'; /* (the index's last space) */
	size_t first = pk->idx.len;
	mc_buf_put(&pk->idx, pk->body.data, pk->body.len);
	mc_buf_clear(&pk->z);
	if (pdf_flate_put(z, PDF_FLATE_LEVEL, pk->idx.data, pk->idx.len,
	                  &pk->z))
		return -1;
	if (pk->noff == pk->capoff) {
		pk->capoff = pk->capoff ? pk->capoff * 2 : 16;
		pk->off = mc_xreallocarray(pk->off, pk->capoff,
		                           sizeof *pk->off);
	}
	mc_buf *to = pk->out ? pk->out : &pk->tail;
	pk->off[pk->noff] = pk->out ? to->len - pk->from : to->len;
	mc_buf_printf(to,
	              "%zu 0 obj\n<< /Type /ObjStm /N %zu /First %zu "
	              "/Filter /FlateDecode /Length %zu >>\nstream\n",
	              pk->size + pk->noff, pk->n, first, pk->z.len);
	mc_buf_put(to, pk->z.data, pk->z.len);
	mc_buf_puts(to, "\nendstream\nendobj\n");
	pk->noff++;
	pk->n = 0;
	mc_buf_clear(&pk->idx);
	mc_buf_clear(&pk->body);
	return 0;
}

/* The number of bytes v needs (at least 1). */
static int width(size_t v)
{
	int w = 1;
	while (w < 8 && (v >> (8 * w)))
		w++;
	return w;
}

/* The cross-reference stream, object xnum at offset xpos, of rows
 * *x[0, n) (n = xnum + 1, its own last), then `startxref`.  The rows are
 * freed (*x NULL) once encoded: a long document's are megabytes, and
 * the output is at its largest now. */
static int put_xref(mc_buf *out, xrow **xp, size_t n, size_t xpos,
                    uint32_t root, uint32_t info, pdf_flate *z)
{
	xrow *x = *xp;
	size_t max2 = xpos > n ? xpos : n, max3 = 0;
	for (size_t i = 0; i < n; i++) {
		if (x[i].type == 0 && x[i].f2 > max2)
			max2 = x[i].f2;
		if (x[i].type != 1 && x[i].f3 > max3)
			max3 = x[i].f3;
	}
	int w2 = width(max2), w3 = width(max3), cols = 1 + w2 + w3;
	uint8_t prev[1 + 8 + 8] = {0}, row[1 + 8 + 8];
	mc_buf xs = MC_BUF_INIT, body = MC_BUF_INIT;
	mc_buf_grow(&xs, n * (size_t)(cols + 1));
	for (size_t i = 0; i < n; i++) {
		row[0] = x[i].type;
		for (int b = 0; b < w2; b++)
			row[1 + b] = (uint8_t)(x[i].f2 >> (8 * (w2 - 1 - b)));
		for (int b = 0; b < w3; b++)
			row[1 + w2 + b] =
				(uint8_t)(x[i].f3 >> (8 * (w3 - 1 - b)));
		/* PNG Up: each byte less the one above it */
		mc_buf_putc(&xs, 2);
		for (int b = 0; b < cols; b++) {
			mc_buf_putc(&xs, (char)(uint8_t)(row[b] - prev[b]));
			prev[b] = row[b];
		}
	}
	free(x);
	*xp = NULL;
	int rc = pdf_flate_put(z, PDF_FLATE_LEVEL, xs.data, xs.len, &body);
	if (rc == 0) {
		mc_buf_printf(out,
		              "%zu 0 obj\n<< /Type /XRef /Size %zu /Index [0 %zu] "
		              "/W [1 %d %d] /Root %u 0 R",
		              n - 1, n, n, w2, w3, (unsigned)root);
		if (info)
			mc_buf_printf(out, " /Info %u 0 R", (unsigned)info);
		mc_buf_printf(out,
		              " /Filter /FlateDecode /DecodeParms << /Columns %d "
		              "/Predictor 12 >> /Length %zu >>\nstream\n",
		              cols, body.len);
		mc_buf_put(out, body.data, body.len);
		mc_buf_printf(out,
		              "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n",
		              xpos);
	}
	mc_buf_free(&xs);
	mc_buf_free(&body);
	return rc;
}

static uint32_t num_of(const void *obj)
{
	return obj ? ((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFF : 0;
}

/* Pack the value in val (leading and trailing blanks left out) as object
 * num: its row in x. */
static int pack(packer *pk, size_t num, const mc_buf *val, xrow *x,
                pdf_flate *z)
{
	size_t a = 0, b = val->len;
	while (a < b && is_ws(val->data[a]))
		a++;
	while (b > a && is_ws(val->data[b - 1]))
		b--;
	x[num] = (xrow){.type = 2, .f2 = pk->size + pk->noff, .f3 = pk->n};
	mc_buf_printf(&pk->idx, "%zu %zu ", num, pk->body.len);
	mc_buf_put(&pk->body, val->data + a, b - a);
	mc_buf_putc(&pk->body, '\n');
	return ++pk->n == PDF_OBJSTM_MAX ? flush(pk, z) : 0;
}

int pdf_objstm_save(HPDF_Doc pdf, mc_buf *out, pdf_flate *z,
                    const pdf_objstm_extra *extra, size_t nextras)
{
	HPDF_Xref xref = pdf->xref;
	if (!xref || xref->prev || xref->start_offset || pdf->encrypt_on ||
	    !pdf->catalog || pdf->pdf_version > HPDF_VER_17)
		return -1;
	size_t from = out->len, size = xref->entries->count;
	size_t nextra = 0; /* the caller's objects, of all its sets */
	for (size_t j = 0; j < nextras; j++)
		nextra += extra[j].n;
	size_t all = size + nextra;
	xrow *x = mc_xcalloc(all ? all : 1, sizeof *x);
	packer pk;
	memset(&pk, 0, sizeof pk);
	pk.size = all;
	for (size_t j = 0, num = size; j < nextras; num += extra[j++].n)
		if (extra[j].first)
			extra[j].first(extra[j].arg, num);
	mc_buf val = MC_BUF_INIT;
	HPDF_Stream w = HPDF_CallbackWriter_New(pdf->mmgr, pdf_put_buf, out);
	HPDF_Stream vw = HPDF_CallbackWriter_New(pdf->mmgr, pdf_put_buf, &val);
	int rc = -1;
	if (!w || !vw)
		goto out;
	/* libharu's header (its HPDF_VERSION_STR) */
	mc_buf_printf(out, "%%PDF-1.%d\n%%\xB7\xBE\xAD\xAA\n",
	              2 + (int)pdf->pdf_version);
	for (size_t i = 0; i < size; i++) {
		HPDF_XrefEntry e = HPDF_List_ItemAt(xref->entries, (HPDF_UINT)i);
		if (!e)
			goto out;
		if (e->entry_typ != HPDF_IN_USE_ENTRY || !e->obj) {
			x[i] = (xrow){.type = 0, .f2 = e->byte_offset, .f3 = e->gen_no};
			continue;
		}
		HPDF_Obj_Header *h = e->obj;
		HPDF_Dict d = (h->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_DICT
		                      ? e->obj
		                      : NULL;
		if (d && d->stream) {
			/* as libharu's save writes it */
			x[i] = (xrow){.type = 1, .f2 = out->len - from, .f3 = 0};
			mc_buf_printf(out, "%zu %u obj\n", i, (unsigned)e->gen_no);
			if (HPDF_Obj_WriteValue(e->obj, w, NULL) != HPDF_OK)
				goto out;
			mc_buf_puts(out, "\nendobj\n");
			/* (the data written; the document is freed next) */
			HPDF_Stream_Free(d->stream);
			d->stream = NULL;
			continue;
		}
		mc_buf_clear(&val);
		if (HPDF_Obj_WriteValue(e->obj, vw, NULL) != HPDF_OK ||
		    pack(&pk, i, &val, x, z))
			goto out;
	}
	/* the object streams filled so far, after the stream objects; the
	 * rest go straight after them */
	size_t base = out->len - from;
	for (size_t s = 0; s < pk.noff; s++)
		pk.off[s] += base;
	mc_buf_put(out, pk.tail.data, pk.tail.len);
	mc_buf_free(&pk.tail);
	pk.out = out;
	pk.from = from;
	for (size_t j = 0, num = size; j < nextras; j++)
		for (size_t k = 0; k < extra[j].n; k++, num++) {
			mc_buf_clear(&val);
			if (extra[j].put(extra[j].arg, k, &val) ||
			    pack(&pk, num, &val, x, z))
				goto out;
		}
	if (flush(&pk, z))
		goto out;
	size_t n = all + pk.noff + 1;
	x = mc_xreallocarray(x, n, sizeof *x);
	for (size_t s = 0; s < pk.noff; s++)
		x[all + s] = (xrow){.type = 1, .f2 = pk.off[s], .f3 = 0};
	size_t xpos = out->len - from;
	x[n - 1] = (xrow){.type = 1, .f2 = xpos, .f3 = 0};
	rc = put_xref(out, &x, n, xpos, num_of(pdf->catalog), num_of(pdf->info),
	              z);
out:
	if (w)
		HPDF_Stream_Free(w);
	if (vw)
		HPDF_Stream_Free(vw);
	if (rc)
		mc_buf_cut(out, from);
	free(x);
	free(pk.off);
	mc_buf_free(&pk.idx);
	mc_buf_free(&pk.body);
	mc_buf_free(&pk.tail);
	mc_buf_free(&pk.z);
	mc_buf_free(&val);
	return rc;
}
