/*
 * png.c - PNG images for the PDF, read here rather than by libharu.
 *
 * libharu's PNG loader keeps every image's decoded pixels in memory until
 * the file is saved, stores soft masks uncompressed, and aborts the whole
 * process on a damaged file (libpng's error handler is left without a
 * jump target).  So PNGs are read here, never by libharu:
 *
 *   - Every chunk's CRC is checked and the image data must inflate to
 *     exactly the rows the header promises, each row with a valid filter
 *     type.  A truncated or damaged file is refused (the page prints the
 *     image's alternative text) instead of embedded or crashed on.
 *   - Opaque, non-interlaced images of 8 bits (or 1, 2, 4 bits of grey or
 *     palette) go in as they are: a PDF reader undoes PNG's row filters
 *     itself (FlateDecode with /Predictor 15).  No decoding, no
 *     re-compressing.
 *   - The rest (alpha channels, tRNS transparency, 16 bits, interlacing)
 *     are decoded a row at a time into 8-bit colour and alpha, and
 *     compressed again (interlaced images need the whole picture first);
 *     the alpha becomes a soft mask only if some pixel is not opaque.
 *   - The data is inflated whole and the rows compressed at once with
 *     libdeflate (flate.h), or, past PNG_WHOLE_MAX, inflated and
 *     compressed a row at a time with zlib.
 */
#include "pdf_int.h"
#include "../../util/bytes.h"

#include <hpdf_doc.h>
#include <hpdf_image.h>
#include <hpdf_objects.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>
#include <zlib.h>

/* The images' level (libdeflate's; flate.h): on the corpus's largest
 * screenshot (1444 x 1334, Up-filtered RGB) 1,158 KB in 46 ms, against
 * zlib's level 3 (used before) 1,288 KB in 91 ms and level 6 1,106 KB in
 * 277 ms. */
#define PNG_FLATE_LEVEL 4

typedef struct png_info {
	uint32_t w, h;
	int depth, ctype, interlace;
	int channels;              /* samples per pixel in the file */
	int colors;                /* colour channels out: 1 grey, 3 RGB */
	const unsigned char *plte; /* palette, or NULL */
	size_t nplte;              /* entries */
	const unsigned char *trns; /* tRNS data, or NULL */
	size_t ntrns;              /* bytes */
	unsigned char *idat;       /* the image data, concatenated */
	size_t nidat;
} png_info;

/* Bytes of one filtered row of `w` pixels (without the filter byte). */
static size_t row_bytes(const png_info *pi, uint32_t w)
{
	return ((size_t)w * (size_t)pi->channels * (size_t)pi->depth + 7) / 8;
}

/* Adam7: pass p's first column/row and steps. */
static const int a7[7][4] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8},
                             {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2},
                             {0, 1, 1, 2}};

static uint32_t pass_dim(uint32_t n, int start, int step)
{
	return n > (uint32_t)start ? (n - (uint32_t)start + (uint32_t)step - 1) /
	                                     (uint32_t)step
	                           : 0;
}

/* Read and check the chunks.  0 if the PNG is whole and of a kind this
 * file reads; -1 otherwise. */
static int parse(const unsigned char *b, size_t len, png_info *pi)
{
	memset(pi, 0, sizeof *pi);
	if (len < 8 + 25 || memcmp(b, "\x89PNG\r\n\x1a\n", 8) != 0)
		return -1;
	size_t pos = 8, cap = 0;
	bool ihdr = false, end = false;
	while (pos + 12 <= len && !end) {
		uint32_t n = mc_be32(b + pos);
		const unsigned char *type = b + pos + 4;
		const unsigned char *data = b + pos + 8;
		if (n > len - pos - 12)
			return -1; /* truncated */
		uint32_t crc = libdeflate_crc32(0, type, (size_t)n + 4);
		if (crc != mc_be32(data + n))
			return -1; /* damaged */
		if (!ihdr && memcmp(type, "IHDR", 4) != 0)
			return -1;
		if (!memcmp(type, "IHDR", 4)) {
			if (n != 13 || ihdr)
				return -1;
			ihdr = true;
			pi->w = mc_be32(data);
			pi->h = mc_be32(data + 4);
			pi->depth = data[8];
			pi->ctype = data[9];
			pi->interlace = data[12];
			if (data[10] != 0 || data[11] != 0 || data[12] > 1)
				return -1;
		} else if (!memcmp(type, "PLTE", 4)) {
			if (n == 0 || n % 3 || n > 768)
				return -1;
			pi->plte = data;
			pi->nplte = n / 3;
		} else if (!memcmp(type, "tRNS", 4)) {
			pi->trns = data;
			pi->ntrns = n;
		} else if (!memcmp(type, "IDAT", 4)) {
			if (pi->nidat + n > cap) {
				cap = (pi->nidat + n) * 2;
				unsigned char *g = realloc(pi->idat, cap);
				if (!g)
					return -1;
				pi->idat = g;
			}
			memcpy(pi->idat + pi->nidat, data, n);
			pi->nidat += n;
		} else if (!memcmp(type, "IEND", 4)) {
			end = true;
		}
		pos += 12 + (size_t)n;
	}
	if (!end || !pi->nidat || !pi->w || !pi->h ||
	    (uint64_t)pi->w * pi->h > MC_IMAGE_MAX_PIXELS)
		return -1;
	int d = pi->depth;
	bool low = d == 1 || d == 2 || d == 4 || d == 8;
	switch (pi->ctype) {
	case 0: /* grey */
		pi->channels = pi->colors = 1;
		if (!low && d != 16)
			return -1;
		if (pi->trns && pi->ntrns != 2)
			return -1;
		break;
	case 2: /* RGB */
		pi->channels = pi->colors = 3;
		if (d != 8 && d != 16)
			return -1;
		if (pi->trns && pi->ntrns != 6)
			return -1;
		break;
	case 3: /* palette */
		pi->channels = 1;
		pi->colors = 3;
		if (!pi->plte || !low)
			return -1;
		if (pi->trns && pi->ntrns > pi->nplte)
			return -1;
		break;
	case 4: /* grey + alpha */
		pi->channels = 2;
		pi->colors = 1;
		if (d != 8 && d != 16)
			return -1;
		break;
	case 6: /* RGBA */
		pi->channels = 4;
		pi->colors = 3;
		if (d != 8 && d != 16)
			return -1;
		break;
	default:
		return -1;
	}
	return 0;
}

/* Whether the image can go in as it is (FlateDecode + PNG predictors). */
static bool as_is(const png_info *pi)
{
	return !pi->interlace && !pi->trns && pi->depth <= 8 &&
	       (pi->ctype == 0 || pi->ctype == 2 || pi->ctype == 3);
}

/* ---- inflating ---- */

/* Images whose data inflates to more bytes than this are read a row at a
 * time with zlib, and their rows compressed as they come (memory: a few
 * rows); the others are inflated whole and compressed at once with
 * libdeflate, twice as fast (memory: their inflated size, 7.7 MB for the
 * corpus's largest screenshot).  Decoding the largest image allowed
 * (MC_IMAGE_MAX_PIXELS of 16-bit RGBA: 512 MiB inflated) whole would
 * hold all of it. */
#define PNG_WHOLE_MAX ((size_t)32 << 20)

/* Bytes the image data inflates to: every pass's rows, each with its
 * filter byte. */
static size_t raw_size(const png_info *pi)
{
	if (!pi->interlace)
		return (row_bytes(pi, pi->w) + 1) * (size_t)pi->h;
	size_t n = 0;
	for (int p = 0; p < 7; p++) {
		uint32_t pw = pass_dim(pi->w, a7[p][0], a7[p][2]);
		uint32_t ph = pass_dim(pi->h, a7[p][1], a7[p][3]);
		if (pw && ph)
			n += (row_bytes(pi, pw) + 1) * (size_t)ph;
	}
	return n;
}

/* Where the inflated rows come from: the data inflated whole (raw, n
 * bytes, at: read so far), or zlib a row at a time (z). */
typedef struct rows {
	unsigned char *raw;
	size_t n, at;
	z_stream z;
	bool open; /* z is set up */
} rows;

/* Set r up to read pi's data (whole when small enough); 0 or -1 (damaged,
 * or no memory). */
static int rows_open(rows *r, const png_info *pi)
{
	memset(r, 0, sizeof *r);
	size_t n = raw_size(pi);
	if (n <= PNG_WHOLE_MAX) {
		r->raw = malloc(n ? n : 1);
		r->n = n;
		return r->raw && !pdf_inflate_exact(pi->idat, pi->nidat,
		                                    r->raw, n)
		               ? 0
		               : -1;
	}
	if (inflateInit(&r->z) != Z_OK)
		return -1;
	r->open = true;
	r->z.next_in = pi->idat;
	r->z.avail_in = (uInt)pi->nidat;
	return 0;
}

static void rows_close(rows *r)
{
	free(r->raw);
	r->raw = NULL;
	if (r->open)
		inflateEnd(&r->z);
	r->open = false;
}

/* The next n bytes into out; 0, or -1 if the data ends early or is
 * damaged. */
static int take(rows *r, unsigned char *out, size_t n)
{
	if (r->raw) {
		if (n > r->n - r->at)
			return -1;
		memcpy(out, r->raw + r->at, n);
		r->at += n;
		return 0;
	}
	r->z.next_out = out;
	r->z.avail_out = (uInt)n;
	while (r->z.avail_out) {
		int rc = inflate(&r->z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END)
			return r->z.avail_out ? -1 : 0;
		if (rc != Z_OK)
			return -1;
	}
	return 0;
}

/* Whether the data is at its end with nothing left over. */
static bool at_end(rows *r)
{
	if (r->raw)
		return r->at == r->n;
	unsigned char x;
	r->z.next_out = &x;
	r->z.avail_out = 1;
	int rc = inflate(&r->z, Z_FINISH);
	return rc == Z_STREAM_END && r->z.avail_out == 1;
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c;
	int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
	if (pa <= pb && pa <= pc)
		return a;
	return pb <= pc ? b : c;
}

/* Bytewise sums and differences of 8 bytes at a time, no carry or
 * borrow crossing a byte (the compiler does not vectorise these loops
 * at -O2): x + y and x - y, each byte mod 256. */
#define HI8 0x8080808080808080ull
static uint64_t add8(uint64_t x, uint64_t y)
{
	return ((x & ~HI8) + (y & ~HI8)) ^ ((x ^ y) & HI8);
}

static uint64_t sub8(uint64_t x, uint64_t y)
{
	return ((x | HI8) - (y & ~HI8)) ^ ((x ^ ~y) & HI8);
}

/* out[i] = a[i] + b[i] (sub: a[i] - b[i]) mod 256, for i < n. */
static void bytewise(unsigned char *out, const unsigned char *a,
                     const unsigned char *b, size_t n, bool sub)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		x = sub ? sub8(x, y) : add8(x, y);
		memcpy(out + i, &x, 8);
	}
	for (; i < n; i++)
		out[i] = (unsigned char)(sub ? a[i] - b[i] : a[i] + b[i]);
}

/* Undo one row's filter in place (bpp bytes a pixel, at least 1; prev
 * the row above, all zero for the first). */
static int unfilter(int type, unsigned char *row, const unsigned char *prev,
                    size_t n, size_t bpp)
{
	switch (type) {
	case 0:
		return 0;
	case 1:
		for (size_t i = bpp; i < n; i++)
			row[i] = (unsigned char)(row[i] + row[i - bpp]);
		return 0;
	case 2:
		bytewise(row, row, prev, n, false);
		return 0;
	case 3:
		for (size_t i = 0; i < n; i++) {
			int a = i >= bpp ? row[i - bpp] : 0;
			row[i] = (unsigned char)(row[i] + ((a + prev[i]) >> 1));
		}
		return 0;
	case 4:
		for (size_t i = 0; i < n; i++) {
			int a = i >= bpp ? row[i - bpp] : 0;
			int c = i >= bpp ? prev[i - bpp] : 0;
			row[i] = (unsigned char)(row[i] + paeth(a, prev[i], c));
		}
		return 0;
	default:
		return -1;
	}
}

/* Check the image data of an as-is image: whole, and every row's filter
 * type valid. */
static bool rows_valid(const png_info *pi)
{
	rows r;
	size_t n = row_bytes(pi, pi->w) + 1;
	unsigned char *row = malloc(n);
	bool ok = rows_open(&r, pi) == 0 && row;
	for (uint32_t y = 0; ok && y < pi->h; y++)
		ok = take(&r, row, n) == 0 && row[0] <= 4;
	ok = ok && at_end(&r);
	free(row);
	rows_close(&r);
	return ok;
}

/* ---- decoding to 8-bit colour and alpha ---- */

/* Sample i (of row's samples) at the image's depth. */
static unsigned sample(const png_info *pi, const unsigned char *row,
                       size_t i)
{
	switch (pi->depth) {
	case 16:
		return (unsigned)row[2 * i] << 8 | row[2 * i + 1];
	case 8:
		return row[i];
	default: {
		size_t bit = i * (size_t)pi->depth;
		unsigned v = row[bit / 8] >> (8 - pi->depth - (int)(bit % 8));
		return v & ((1u << pi->depth) - 1);
	}
	}
}

/* Convert one unfiltered row of w pixels to 8-bit colour (colors a pixel)
 * and alpha; *opaque is cleared at the first transparent pixel. */
static void convert_row(const png_info *pi, const unsigned char *row,
                        uint32_t w, unsigned char *col, unsigned char *alpha,
                        bool *opaque)
{
	/* 8-bit grey or RGB, with an alpha channel or none and no tRNS (the
	 * screenshots and photos): the samples as they are, a pixel at a
	 * time without sample()'s switch (the same bytes as below) */
	if (pi->depth == 8 && pi->ctype != 3 && !pi->trns) {
		const int nc = pi->colors, has_a = pi->channels > nc;
		unsigned all = 255;
		if (!has_a) {
			memcpy(col, row, (size_t)w * (size_t)nc);
			memset(alpha, 255, w);
			return;
		}
		if (nc == 3) /* (RGBA: the common case, unrolled) */
			for (uint32_t x = 0; x < w; x++, col += 3, row += 4) {
				col[0] = row[0];
				col[1] = row[1];
				col[2] = row[2];
				all &= row[3];
				alpha[x] = row[3];
			}
		else
			for (uint32_t x = 0; x < w; x++, row += 2) {
				*col++ = row[0];
				all &= row[1];
				alpha[x] = row[1];
			}
		if (all != 255)
			*opaque = false;
		return;
	}
	unsigned maxv = (1u << pi->depth) - 1;
	for (uint32_t x = 0; x < w; x++) {
		size_t s = (size_t)x * (size_t)pi->channels;
		unsigned char *c = col + (size_t)x * (size_t)pi->colors;
		unsigned a = 255;
		if (pi->ctype == 3) {
			unsigned i = sample(pi, row, s);
			if (i >= pi->nplte)
				i = 0;
			memcpy(c, pi->plte + 3 * i, 3);
			if (pi->trns && i < pi->ntrns)
				a = pi->trns[i];
		} else {
			unsigned v[4];
			for (int k = 0; k < pi->channels; k++)
				v[k] = sample(pi, row, s + (size_t)k);
			for (int k = 0; k < pi->colors; k++)
				c[k] = (unsigned char)(pi->depth == 16
				                               ? v[k] >> 8
				                               : v[k] * 255 / maxv);
			if (pi->ctype == 4 || pi->ctype == 6) {
				unsigned av = v[pi->channels - 1];
				a = pi->depth == 16 ? av >> 8 : av;
			} else if (pi->trns) {
				bool same = true;
				for (int k = 0; k < pi->colors; k++)
					same = same &&
					       v[k] == ((unsigned)pi->trns[2 * k]
					                        << 8 |
					                pi->trns[2 * k + 1]);
				if (same)
					a = 0;
			}
		}
		alpha[x] = (unsigned char)a;
		if (a != 255)
			*opaque = false;
	}
}

/* Where rows of 8-bit samples go, Up-filtered: gathered whole and
 * compressed at once (p: in a buffer of their own, or over the inflated
 * data they come from, each row written there only once the data it
 * covers is read), or compressed as they come with zlib (z, into out;
 * the data was too big to inflate whole: see PNG_WHOLE_MAX). */
typedef struct plane {
	unsigned char *p;
	size_t len;
	bool own;       /* p is the plane's (freed with it) */
	z_stream z;
	bool open;      /* z is set up */
	unsigned char *tmp; /* a row being filtered, for z */
	mc_buf *out;
} plane;

/* The plane of rows of n bytes, h of them, for out: over `over` when it
 * is not NULL, else a buffer of its own, or zlib when big is set.  0 or
 * -1 (no memory). */
static int plane_open(plane *pl, size_t n, uint32_t h, unsigned char *over,
                      bool big, mc_buf *out)
{
	memset(pl, 0, sizeof *pl);
	pl->out = out;
	if (over) {
		pl->p = over;
		return 0;
	}
	if (!big) {
		pl->p = malloc((n + 1) * (size_t)h);
		pl->own = true;
		return pl->p ? 0 : -1;
	}
	pl->tmp = malloc(n + 1);
	/* level 3: most of level 6's size at twice its speed on images */
	if (!pl->tmp || deflateInit(&pl->z, 3) != Z_OK)
		return -1;
	pl->open = true;
	return 0;
}

static void plane_close(plane *pl)
{
	if (pl->own)
		free(pl->p);
	if (pl->open)
		deflateEnd(&pl->z);
	free(pl->tmp);
	memset(pl, 0, sizeof *pl);
}

/* Compress n bytes into pl->out (zlib). */
static int squeeze(plane *pl, const unsigned char *p, size_t n, int flush)
{
	unsigned char chunk[16384];
	z_stream *z = &pl->z;
	z->next_in = (unsigned char *)p;
	z->avail_in = (uInt)n;
	for (;;) {
		z->next_out = chunk;
		z->avail_out = sizeof chunk;
		int rc = deflate(z, flush);
		if (rc == Z_STREAM_ERROR)
			return -1;
		mc_buf_put(pl->out, (const char *)chunk,
		           sizeof chunk - z->avail_out);
		if (flush == Z_FINISH ? rc == Z_STREAM_END : z->avail_out != 0)
			return 0;
	}
}

/* Append one row of n bytes with PNG's Up filter (tag byte 2, then the
 * difference from the row above; prev all zero for the first row):
 * smoother data deflates faster and smaller.  0 or -1. */
static int put_up(plane *pl, const unsigned char *row,
                  const unsigned char *prev, size_t n)
{
	unsigned char *o = pl->open ? pl->tmp : pl->p + pl->len;
	o[0] = 2;
	bytewise(o + 1, row, prev, n, true);
	if (pl->open)
		return squeeze(pl, o, n + 1, Z_NO_FLUSH);
	pl->len += n + 1;
	return 0;
}

/* The plane's rows compressed onto pl->out: 0 or -1. */
static int plane_end(plane *pl, pdf_flate *fl)
{
	if (pl->open)
		return squeeze(pl, NULL, 0, Z_FINISH);
	return pdf_flate_put(fl, PNG_FLATE_LEVEL, pl->p, pl->len, pl->out);
}

/* Append n rows of w opaque alpha values (255), the first of the image
 * when first: the rows decode() held back while every pixel was opaque.
 * ones holds w bytes of 255, zeros w of 0. */
static int put_opaque(plane *pl, size_t n, bool first, uint32_t w,
                      const unsigned char *ones, const unsigned char *zeros)
{
	for (size_t i = 0; i < n; i++)
		if (put_up(pl, ones, first && i == 0 ? zeros : ones, w))
			return -1;
	return 0;
}

/* Decode the image into compressed colour (col) and alpha (alpha) data;
 * *opaque tells whether every pixel was opaque (alpha is then empty: the
 * alpha of rows all opaque so far is made only once a pixel that is not
 * comes, as the screenshots that have an alpha channel rarely use it).
 * Data small enough is inflated whole, and the rows, Up-filtered, are
 * compressed at once at PNG_FLATE_LEVEL (flate.h); the colour's rows
 * then take the inflated data's place when they are no longer than its
 * rows (8 and 16 bits: the screenshots and photos), so that an image
 * costs its inflated size and the alpha's, not twice that.  Bigger data
 * goes a row at a time (PNG_WHOLE_MAX). */
static int decode(pdf_flate *fl, const png_info *pi, mc_buf *col,
                  mc_buf *alpha, bool *opaque)
{
	size_t bpp = ((size_t)pi->channels * (size_t)pi->depth + 7) / 8;
	size_t maxrow = row_bytes(pi, pi->w) + 1;
	size_t cw = (size_t)pi->w * (size_t)pi->colors;
	unsigned char *cur = calloc(1, maxrow), *prev = calloc(1, maxrow);
	unsigned char *c_row = malloc(cw), *a_row = malloc(pi->w);
	/* the rows above (Up filter) */
	unsigned char *c_up = calloc(1, cw), *a_up = calloc(1, pi->w);
	/* the alpha of rows held back while every pixel is opaque */
	unsigned char *ones = malloc(pi->w), *zeros = calloc(1, pi->w);
	size_t held = 0;
	/* interlaced: the whole picture, put together pass by pass */
	unsigned char *c_all = NULL, *a_all = NULL;
	if (pi->interlace) {
		c_all = malloc(cw * pi->h);
		a_all = malloc((size_t)pi->w * pi->h);
	}
	rows r;
	plane cp, ap;
	int rc = -1;
	bool ro = rows_open(&r, pi) == 0, big = !r.raw;
	bool cpo = plane_open(&cp, cw, pi->h,
	                      r.raw && !pi->interlace && cw < maxrow ? r.raw
	                                                             : NULL,
	                      big, col) == 0;
	memset(&ap, 0, sizeof ap);
	bool apo = false;
	if (!ro || !cpo || !cur || !prev || !c_row || !a_row || !c_up ||
	    !a_up || !ones || !zeros || (pi->interlace && (!c_all || !a_all)))
		goto out;
	memset(ones, 255, pi->w);
	*opaque = true;
	for (int p = 0; p < (pi->interlace ? 7 : 1); p++) {
		uint32_t pw = pi->interlace ? pass_dim(pi->w, a7[p][0], a7[p][2])
		                            : pi->w;
		uint32_t ph = pi->interlace ? pass_dim(pi->h, a7[p][1], a7[p][3])
		                            : pi->h;
		if (!pw || !ph)
			continue;
		size_t n = row_bytes(pi, pw);
		memset(prev, 0, maxrow);
		for (uint32_t y = 0; y < ph; y++) {
			/* (read before the colour's row y, which ends where
			 * this one does or before, may take its place) */
			if (take(&r, cur, n + 1) != 0 ||
			    unfilter(cur[0], cur + 1, prev + 1, n, bpp) != 0)
				goto out;
			convert_row(pi, cur + 1, pw, c_row, a_row, opaque);
			if (!pi->interlace) {
				if (put_up(&cp, c_row, c_up, cw))
					goto out;
				if (*opaque) {
					held++;
				} else {
					if (!apo) {
						apo = plane_open(&ap, pi->w,
						                 pi->h, NULL,
						                 big, alpha) == 0;
						if (!apo)
							goto out;
					}
					if (put_opaque(&ap, held, true, pi->w,
					               ones, zeros) ||
					    put_up(&ap, a_row, a_up, pi->w))
						goto out;
					held = 0;
				}
				memcpy(c_up, c_row, cw);
				memcpy(a_up, a_row, pi->w);
			} else {
				size_t yy = (size_t)a7[p][1] +
				            (size_t)y * (size_t)a7[p][3];
				for (uint32_t x = 0; x < pw; x++) {
					size_t xx = (size_t)a7[p][0] +
					            (size_t)x * (size_t)a7[p][2];
					memcpy(c_all + yy * cw +
					               xx * (size_t)pi->colors,
					       c_row + (size_t)x * (size_t)pi->colors,
					       (size_t)pi->colors);
					a_all[yy * pi->w + xx] = a_row[x];
				}
			}
			unsigned char *t = prev;
			prev = cur;
			cur = t;
		}
	}
	if (!at_end(&r))
		goto out;
	if (cp.p != r.raw) /* (the colour's rows may be over it) */
		rows_close(&r);
	if (pi->interlace && !*opaque) {
		apo = plane_open(&ap, pi->w, pi->h, NULL, big, alpha) == 0;
		if (!apo)
			goto out;
	}
	for (uint32_t y = 0; pi->interlace && y < pi->h; y++) {
		const unsigned char *cr = c_all + (size_t)y * cw;
		const unsigned char *ar = a_all + (size_t)y * pi->w;
		if (put_up(&cp, cr, y ? cr - cw : c_up, cw) ||
		    (!*opaque && put_up(&ap, ar, y ? ar - pi->w : a_up, pi->w)))
			goto out;
	}
	free(c_all); /* (before the compressed copies are made) */
	free(a_all);
	c_all = a_all = NULL;
	if (plane_end(&cp, fl) == 0 && (*opaque || plane_end(&ap, fl) == 0))
		rc = 0;
out:
	plane_close(&cp);
	plane_close(&ap);
	rows_close(&r);
	free(cur);
	free(prev);
	free(c_row);
	free(a_row);
	free(c_all);
	free(a_all);
	free(c_up);
	free(a_up);
	free(ones);
	free(zeros);
	return rc;
}

/* ---- the PDF objects ---- */

/* libharu drops a stream's /Filter entry unless it compresses the stream
 * itself; data compressed here names its filter through the dictionary's
 * write hook, which libharu calls inside the dictionary. */
static HPDF_STATUS name_flate(HPDF_Dict d, HPDF_Stream out)
{
	(void)d;
	return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

/* A new image XObject holding `data` (already Flate-compressed), its
 * colour space `cs` (a name) unless NULL.  NULL on failure. */
static HPDF_Dict new_image(HPDF_Doc pdf, uint32_t w, uint32_t h, int bpc,
                           const char *cs, const void *data, size_t len)
{
	HPDF_Dict img = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
	HPDF_STATUS st = img ? HPDF_OK : HPDF_FAILD_TO_ALLOC_MEM;
	if (st == HPDF_OK) {
		img->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
		st = HPDF_Dict_AddName(img, "Type", "XObject");
	}
	if (st == HPDF_OK)
		st = HPDF_Dict_AddName(img, "Subtype", "Image");
	if (st == HPDF_OK)
		st = HPDF_Dict_AddNumber(img, "Width", (HPDF_INT32)w);
	if (st == HPDF_OK)
		st = HPDF_Dict_AddNumber(img, "Height", (HPDF_INT32)h);
	if (st == HPDF_OK)
		st = HPDF_Dict_AddNumber(img, "BitsPerComponent", bpc);
	if (st == HPDF_OK && cs)
		st = HPDF_Dict_AddName(img, "ColorSpace", cs);
	if (st == HPDF_OK)
		st = HPDF_Stream_Write(img->stream, (const HPDF_BYTE *)data,
		                       (HPDF_UINT)len);
	if (st != HPDF_OK)
		return NULL;
	img->filter = HPDF_STREAM_FILTER_NONE; /* already compressed */
	img->write_fn = name_flate;
	return img;
}

/* /DecodeParms for data whose rows carry PNG filter tags. */
static HPDF_STATUS predictor(HPDF_Doc pdf, HPDF_Dict img, int colors,
                             int bpc, uint32_t columns)
{
	HPDF_Dict parms = HPDF_Dict_New(pdf->mmgr);
	HPDF_STATUS st = parms ? HPDF_Dict_Add(img, "DecodeParms", parms)
	                       : HPDF_FAILD_TO_ALLOC_MEM;
	if (st == HPDF_OK)
		st = HPDF_Dict_AddNumber(parms, "Predictor", 15);
	if (st == HPDF_OK)
		st = HPDF_Dict_AddNumber(parms, "Colors", colors);
	if (st == HPDF_OK)
		st = HPDF_Dict_AddNumber(parms, "BitsPerComponent", bpc);
	if (st == HPDF_OK)
		st = HPDF_Dict_AddNumber(parms, "Columns", (HPDF_INT32)columns);
	return st;
}

/* The image as it is, with PNG predictors. */
static HPDF_Image as_is_image(HPDF_Doc pdf, const png_info *pi)
{
	HPDF_MMgr mm = pdf->mmgr;
	HPDF_Dict img = new_image(pdf, pi->w, pi->h, pi->depth,
	                          pi->ctype == 3   ? NULL
	                          : pi->ctype == 2 ? "DeviceRGB"
	                                           : "DeviceGray",
	                          pi->idat, pi->nidat);
	HPDF_STATUS st = img ? HPDF_OK : HPDF_FAILD_TO_ALLOC_MEM;
	if (st == HPDF_OK && pi->ctype == 3) {
		HPDF_Array cs = HPDF_Array_New(mm);
		st = cs ? HPDF_Dict_Add(img, "ColorSpace", cs)
		        : HPDF_FAILD_TO_ALLOC_MEM;
		if (st == HPDF_OK)
			st = HPDF_Array_AddName(cs, "Indexed");
		if (st == HPDF_OK)
			st = HPDF_Array_AddName(cs, "DeviceRGB");
		if (st == HPDF_OK)
			st = HPDF_Array_AddNumber(cs, (HPDF_INT32)pi->nplte - 1);
		if (st == HPDF_OK)
			st = HPDF_Array_Add(
				cs, HPDF_Binary_New(mm, (HPDF_BYTE *)pi->plte,
			                            (HPDF_UINT)(3 * pi->nplte)));
	}
	if (st == HPDF_OK)
		st = predictor(pdf, img, pi->channels, pi->depth, pi->w);
	return st == HPDF_OK ? img : NULL;
}

/* The image decoded: 8-bit colour, and a soft mask if not opaque. */
static HPDF_Image decoded_image(pdf_ctx *c, const png_info *pi)
{
	HPDF_Doc pdf = c->pdf;
	mc_buf col = MC_BUF_INIT, alpha = MC_BUF_INIT;
	bool opaque = true;
	HPDF_Dict img = NULL;
	if (decode(&c->flate, pi, &col, &alpha, &opaque) == 0) {
		img = new_image(pdf, pi->w, pi->h, 8,
		                pi->colors == 3 ? "DeviceRGB" : "DeviceGray",
		                col.data, col.len);
		if (img && predictor(pdf, img, pi->colors, 8, pi->w) != HPDF_OK)
			img = NULL;
		if (img && !opaque) {
			HPDF_Dict mask = new_image(pdf, pi->w, pi->h, 8,
			                           "DeviceGray", alpha.data,
			                           alpha.len);
			if (!mask || predictor(pdf, mask, 1, 8, pi->w) != HPDF_OK ||
			    HPDF_Dict_Add(img, "SMask", mask) != HPDF_OK)
				img = NULL;
		}
	}
	mc_buf_free(&col);
	mc_buf_free(&alpha);
	return img;
}

HPDF_Image pdf_png_image(pdf_ctx *c, const unsigned char *buf, size_t len)
{
	png_info pi;
	HPDF_Image img = NULL;
	if (parse(buf, len, &pi) == 0)
		img = as_is(&pi) ? (rows_valid(&pi) ? as_is_image(c->pdf, &pi)
		                                    : NULL)
		                 : decoded_image(c, &pi);
	free(pi.idat);
	if (!img)
		HPDF_ResetError(c->pdf);
	return img;
}
