/*
 * flate.h - Flate (zlib format, RFC 1950/1951) compression of the PDF's
 * streams with libdeflate (flate.c).
 *
 * libdeflate compresses a whole buffer at once, 2.5-3 times as fast as
 * zlib at the same level and a little smaller (measured on the corpus's
 * content streams and DejaVu Sans: level 6, 3,900 bytes against zlib's
 * 3,908 in 0.17 ms against 0.54 ms; 370 KB against 382 KB in 10 ms
 * against 25 ms).  Deterministic for a given libdeflate.  A pdf_flate
 * belongs to one conversion (no global state): its compressors are made
 * when first used and freed with it.
 */
#ifndef MC_PDF_FLATE_H
#define MC_PDF_FLATE_H

#include <stddef.h>

#include "../../util/buf.h"

/* The level of every stream but images'.  On the corpus's pages (one PDF
 * each, best of three): level 6 (zlib's default) 8.48 ms a page and
 * 4,917,541 bytes in all, 5 8.26 ms and 4,936,647 (+0.4%), 4 8.24 ms and
 * 5,001,906 (+1.7%). */
#define PDF_FLATE_LEVEL 5

typedef struct pdf_flate {
	struct libdeflate_compressor *c[13]; /* by level, made when used */
} pdf_flate;

/* Compress in[0, n) at `level` (1-12) onto the end of out.  0, or -1
 * (out as it was) if libdeflate could not (no memory). */
int pdf_flate_put(pdf_flate *f, int level, const void *in, size_t n,
                  mc_buf *out);

/* Inflate a zlib stream in[0, n) into exactly out[0, size): 0, or -1 if
 * it is damaged, inflates to more or fewer bytes, or libdeflate could
 * not.  Bytes after the stream's end are ignored. */
int pdf_inflate_exact(const void *in, size_t n, void *out, size_t size);

void pdf_flate_free(pdf_flate *f);

#endif
