/*
 * flate.c - Flate compression with libdeflate (see flate.h).
 */
#include "flate.h"

#include <libdeflate.h>

int pdf_flate_put(pdf_flate *f, int level, const void *in, size_t n,
                  mc_buf *out)
{
	if (level < 1 || level > 12)
		level = PDF_FLATE_LEVEL;
	if (!f->c[level]) {
		f->c[level] = libdeflate_alloc_compressor(level);
		if (!f->c[level])
			return -1;
	}
	size_t cap = libdeflate_zlib_compress_bound(f->c[level], n);
	mc_buf_grow(out, cap);
	size_t got = libdeflate_zlib_compress(f->c[level], in, n,
	                                      out->data + out->len, cap);
	if (!got) /* (cannot happen with the bound's room) */
		return -1;
	out->len += got;
	out->data[out->len] = '\0';
	return 0;
}

int pdf_inflate_exact(const void *in, size_t n, void *out, size_t size)
{
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	if (!d)
		return -1;
	size_t used = 0;
	enum libdeflate_result r =
		libdeflate_zlib_decompress_ex(d, in, n, out, size, NULL, &used);
	libdeflate_free_decompressor(d);
	return r == LIBDEFLATE_SUCCESS && used == size ? 0 : -1;
}

void pdf_flate_free(pdf_flate *f)
{
	for (size_t i = 0; i < sizeof f->c / sizeof *f->c; i++) {
		libdeflate_free_compressor(f->c[i]);
		f->c[i] = NULL;
	}
}
