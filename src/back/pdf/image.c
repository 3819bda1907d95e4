/*
 * image.c - PNG images as PDF image XObjects without libharu's slow path
 * (it inflates every PNG and deflates the raw pixels again at zlib's
 * default level, the most expensive step of converting a page with
 * pictures).
 *
 *   - Grey, RGB and palette PNGs (8 bits or fewer, not interlaced, no
 *     tRNS) are embedded as they are: PDF's FlateDecode filter with the
 *     PNG predictors (/DecodeParms /Predictor 15) reads the PNG's IDAT
 *     data directly, so nothing is decoded or compressed.
 *   - 8-bit grey+alpha and RGBA PNGs (not interlaced) are decoded with
 *     libpng, split into the colour image and its alpha (/SMask; left
 *     out when every pixel is opaque), each filtered with the PNG Up
 *     predictor and compressed quickly.
 *   - Anything else (16 bits, interlaced, tRNS) goes to libharu's loader,
 *     as before, once libpng has decoded it without an error (libharu
 *     cannot recover from a libpng error: the process would abort).
 *
 * The pixels drawn are the same as libharu's in every case.
 */
#include "pdf_int.h"

#include <hpdf_objects.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* zlib level for the re-encoded images: fast; the row predictor does
 * most of the work on photographs and diagrams. */
#define IMG_ZLEVEL 1

typedef struct png_hdr {
	uint32_t w, h;
	int depth, ctype, interlace;
	const uint8_t *plte;
	uint32_t nplte; /* bytes */
	bool trns;
	size_t idat; /* total IDAT bytes */
} png_hdr;

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Walk the chunks.  Returns 0, or -1 if the file is not a sound PNG. */
static int png_scan(const uint8_t *b, size_t n, png_hdr *h)
{
	memset(h, 0, sizeof *h);
	if (n < 33 || memcmp(b, "\x89PNG\r\n\x1a\n", 8) || be32(b + 8) != 13 ||
	    memcmp(b + 12, "IHDR", 4))
		return -1;
	h->w = be32(b + 16);
	h->h = be32(b + 20);
	h->depth = b[24];
	h->ctype = b[25];
	h->interlace = b[28];
	if (!h->w || !h->h || h->w > 100000 || h->h > 100000 || b[26] ||
	    b[27] || h->interlace > 1)
		return -1;
	/* the bit depths each colour type allows */
	int d = h->depth;
	bool okd = d == 1 || d == 2 || d == 4 || d == 8 || d == 16;
	if (h->ctype == 2 || h->ctype == 4 || h->ctype == 6)
		okd = d == 8 || d == 16;
	else if (h->ctype == 3)
		okd = okd && d <= 8;
	else if (h->ctype != 0)
		okd = false;
	if (!okd)
		return -1;
	size_t at = 8;
	for (;;) {
		if (n - at < 12)
			return -1;
		uint32_t l = be32(b + at);
		if (l > n - at - 12)
			return -1;
		const uint8_t *t = b + at + 4;
		if (!memcmp(t, "IDAT", 4))
			h->idat += l;
		else if (!memcmp(t, "PLTE", 4)) {
			h->plte = t + 4;
			h->nplte = l;
		} else if (!memcmp(t, "tRNS", 4))
			h->trns = true;
		else if (!memcmp(t, "IEND", 4))
			break;
		at += 12 + (size_t)l;
	}
	return h->idat ? 0 : -1;
}

/* libharu drops a /Filter it did not apply itself; name ours here. */
static HPDF_STATUS write_filter(HPDF_Dict obj, HPDF_Stream st)
{
	(void)obj;
	return HPDF_Stream_WriteStr(st, "/Filter /FlateDecode\012");
}

/* An image XObject whose stream is `data` (already deflated, PNG
 * predictors per row with `colors` components of `bpc` bits). */
static HPDF_Dict image_obj(pdf_ctx *c, const png_hdr *h, int colors, int bpc,
                           const char *cs, const void *data, size_t len)
{
	HPDF_MMgr mm = c->pdf->mmgr;
	HPDF_Dict d = HPDF_DictStream_New(mm, c->pdf->xref);
	if (!d)
		return NULL;
	d->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
	d->filter = HPDF_STREAM_FILTER_NONE;
	d->write_fn = write_filter;
	HPDF_STATUS ret = HPDF_OK;
	ret |= HPDF_Dict_AddName(d, "Type", "XObject");
	ret |= HPDF_Dict_AddName(d, "Subtype", "Image");
	ret |= HPDF_Dict_AddNumber(d, "Width", (HPDF_INT32)h->w);
	ret |= HPDF_Dict_AddNumber(d, "Height", (HPDF_INT32)h->h);
	ret |= HPDF_Dict_AddNumber(d, "BitsPerComponent", bpc);
	if (cs) {
		ret |= HPDF_Dict_AddName(d, "ColorSpace", cs);
	} else { /* palette */
		HPDF_Array a = HPDF_Array_New(mm);
		if (!a)
			return NULL;
		ret |= HPDF_Dict_Add(d, "ColorSpace", a);
		ret |= HPDF_Array_AddName(a, "Indexed");
		ret |= HPDF_Array_AddName(a, "DeviceRGB");
		ret |= HPDF_Array_AddNumber(a, (HPDF_INT32)(h->nplte / 3) - 1);
		ret |= HPDF_Array_Add(a, HPDF_Binary_New(mm, (HPDF_BYTE *)h->plte,
		                                         h->nplte / 3 * 3));
	}
	HPDF_Dict dp = HPDF_Dict_New(mm);
	if (!dp)
		return NULL;
	ret |= HPDF_Dict_Add(d, "DecodeParms", dp);
	ret |= HPDF_Dict_AddNumber(dp, "Predictor", 15);
	ret |= HPDF_Dict_AddNumber(dp, "Colors", colors);
	ret |= HPDF_Dict_AddNumber(dp, "BitsPerComponent", bpc);
	ret |= HPDF_Dict_AddNumber(dp, "Columns", (HPDF_INT32)h->w);
	ret |= HPDF_Stream_Write(d->stream, (const HPDF_BYTE *)data,
	                         (HPDF_UINT)len);
	return ret == HPDF_OK ? d : NULL;
}

/* The PNG's own compressed scanlines. */
static HPDF_Image passthrough(pdf_ctx *c, const uint8_t *b, size_t n,
                              const png_hdr *h)
{
	uint8_t *idat = mc_xmalloc(h->idat);
	size_t k = 0, at = 8;
	for (;;) {
		uint32_t l = be32(b + at);
		const uint8_t *t = b + at + 4;
		if (!memcmp(t, "IDAT", 4)) {
			memcpy(idat + k, t + 4, l);
			k += l;
		} else if (!memcmp(t, "IEND", 4)) {
			break;
		}
		at += 12 + (size_t)l;
		if (at >= n)
			break;
	}
	int colors = h->ctype == 2 ? 3 : 1;
	const char *cs = h->ctype == 2 ? "DeviceRGB" :
	                 h->ctype == 0 ? "DeviceGray" : NULL;
	HPDF_Image img = image_obj(c, h, colors, h->depth, cs, idat, k);
	free(idat);
	return img;
}

typedef struct memrd {
	const uint8_t *p;
	size_t n, at;
} memrd;

static void png_rd(png_structp png, png_bytep out, size_t len)
{
	memrd *m = png_get_io_ptr(png);
	if (len > m->n - m->at)
		png_error(png, "truncated");
	memcpy(out, m->p + m->at, len);
	m->at += len;
}

static void png_err(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* Write row (len bytes) PNG-filtered against prev (NULL for the first
 * row) with its filter type byte: "Up", which costs a subtraction per
 * byte and compresses these images within a few percent of Paeth. */
static void up_row(uint8_t *out, const uint8_t *row, const uint8_t *prev,
                   size_t len)
{
	out[0] = 2;
	if (!prev) {
		memcpy(out + 1, row, len);
		return;
	}
	for (size_t i = 0; i < len; i++)
		out[1 + i] = (uint8_t)(row[i] - prev[i]);
}

static int deflate_buf(const uint8_t *in, size_t n, mc_buf *out)
{
	uLongf cap = compressBound((uLong)n);
	mc_buf_grow(out, cap);
	int rc = compress2((Bytef *)out->data, &cap, in, (uLong)n,
	                   IMG_ZLEVEL);
	if (rc != Z_OK)
		return -1;
	out->len = cap;
	return 0;
}

/* Decoded with libpng, split into colour and alpha. */
static HPDF_Image split_alpha(pdf_ctx *c, const uint8_t *b, size_t n,
                              const png_hdr *h)
{
	size_t cc = h->ctype == 6 ? 3 : 1; /* colour channels */
	size_t w = h->w, ht = h->h;
	if ((uint64_t)w * ht * (cc + 1) > (uint64_t)1 << 30)
		return NULL;
	uint8_t *rows = mc_xmalloc(2 * w * (cc + 1));      /* this, prev */
	uint8_t *col = mc_xmalloc(2 * w * cc), *alp = mc_xmalloc(2 * w);
	uint8_t *fcol = mc_xmalloc(ht * (1 + w * cc));
	uint8_t *falp = mc_xmalloc(ht * (1 + w));
	mc_buf zc = MC_BUF_INIT, za = MC_BUF_INIT;
	HPDF_Image img = NULL;
	bool opaque = true;
	memrd m = {b, n, 8};
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL,
	                                         png_err, png_warn);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!info)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_set_sig_bytes(png, 8);
	png_set_read_fn(png, &m, png_rd);
	png_read_info(png, info);
	if (png_get_rowbytes(png, info) != w * (cc + 1))
		goto out;
	for (size_t y = 0; y < ht; y++) {
		uint8_t *row = rows + (y & 1) * w * (cc + 1);
		uint8_t *cr = col + (y & 1) * w * cc, *ar = alp + (y & 1) * w;
		const uint8_t *cp = y ? col + ((y - 1) & 1) * w * cc : NULL;
		const uint8_t *ap = y ? alp + ((y - 1) & 1) * w : NULL;
		png_read_row(png, row, NULL);
		for (size_t x = 0; x < w; x++) {
			memcpy(cr + x * cc, row + x * (cc + 1), cc);
			ar[x] = row[x * (cc + 1) + cc];
			if (ar[x] != 255)
				opaque = false;
		}
		up_row(fcol + y * (1 + w * cc), cr, cp, w * cc);
		up_row(falp + y * (1 + w), ar, ap, w);
	}
	if (deflate_buf(fcol, ht * (1 + w * cc), &zc) ||
	    (!opaque && deflate_buf(falp, ht * (1 + w), &za)))
		goto out;
	img = image_obj(c, h, (int)cc, 8, cc == 3 ? "DeviceRGB" : "DeviceGray",
	                zc.data, zc.len);
	if (img && !opaque) {
		HPDF_Dict sm = image_obj(c, h, 1, 8, "DeviceGray", za.data,
		                         za.len);
		if (!sm || HPDF_Dict_Add(img, "SMask", sm) != HPDF_OK)
			img = NULL;
	}
out:
	png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
	free(rows);
	free(col);
	free(alp);
	free(fcol);
	free(falp);
	mc_buf_free(&zc);
	mc_buf_free(&za);
	return img;
}

/* Does libpng decode the whole file without an error?  libharu's own
 * PNG error handler returns to libpng, which then aborts the process, so
 * it only gets files that decode. */
static bool png_sound(const uint8_t *b, size_t n)
{
	memrd m = {b, n, 8};
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL,
	                                         png_err, png_warn);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	bool ok = false;
	if (info && !setjmp(png_jmpbuf(png))) {
		png_set_sig_bytes(png, 8);
		png_set_read_fn(png, &m, png_rd);
		png_read_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
		ok = true;
	}
	png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
	return ok;
}

HPDF_Image pdf_image_png(pdf_ctx *c, const void *buf, size_t len)
{
	png_hdr h;
	if (png_scan(buf, len, &h))
		return NULL; /* not a PNG we (or libpng) can read */
	if (!h.interlace) {
		if (h.depth <= 8 && !h.trns &&
		    (h.ctype == 0 || h.ctype == 2 ||
		     (h.ctype == 3 && h.nplte >= 3 && h.nplte <= 768 &&
		      h.nplte % 3 == 0)))
			return passthrough(c, buf, len, &h);
		if (h.depth == 8 && (h.ctype == 4 || h.ctype == 6))
			return split_alpha(c, buf, len, &h);
	}
	if (!png_sound(buf, len))
		return NULL;
	return HPDF_LoadPngImageFromMem(c->pdf, buf, (HPDF_UINT)len);
}
