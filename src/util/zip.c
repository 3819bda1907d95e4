/*
 * zip.c - in-memory ZIP writing with zlib; see zip.h.
 *
 * Only what EPUB and DOCX need: entries stored or deflated (zlib's
 * default level, raw deflate), no Zip64, no extra fields, no comment,
 * the central directory at the end.  The layout is the one libzip wrote
 * before (it was linked into every start for this alone, with libcrypto
 * behind it): version 1.0 needed for a stored entry and 2.0 for a
 * deflated one, made by Unix 6.3, mode 0644, the UTF-8 flag on names
 * that are not ASCII, and an entry that deflate would not shrink stored.
 * Each entry is compressed when it is added, so only the compressed
 * bytes are kept, with one deflate stream reset between entries.
 */
#include "zip.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "arena.h"

typedef struct entry {
	char *name;
	size_t namelen;
	unsigned char *data; /* as written: stored or deflated */
	uint32_t len;        /* of data */
	uint32_t size;       /* uncompressed */
	uint32_t crc;
	bool deflated;
} entry;

struct mc_zip {
	entry *v;
	size_t n, cap;
	/* one deflate stream for every entry (deflateReset between them):
	 * its window and hash tables, about 260 KiB, are set up once */
	z_stream zs;
	bool zs_ready;
};

mc_zip *mc_zip_new(char *err, size_t errsz)
{
	(void)err;
	(void)errsz;
	return mc_xcalloc(1, sizeof(mc_zip));
}

/* Raw deflate of data at zlib's default level into a new buffer; *outlen
 * is its length.  Returns NULL (out of zlib memory) on failure. */
static unsigned char *deflate_all(mc_zip *z, const void *data, size_t len,
                                  size_t *outlen)
{
	z_stream *s = &z->zs;
	if (!z->zs_ready) {
		memset(s, 0, sizeof *s);
		if (deflateInit2(s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS,
		                 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return NULL;
		z->zs_ready = true;
	} else if (deflateReset(s) != Z_OK) {
		return NULL;
	}
	uLong cap = deflateBound(s, (uLong)len);
	unsigned char *out = mc_xmalloc(cap ? cap : 1);
	s->next_in = (Bytef *)(uintptr_t)data;
	s->avail_in = (uInt)len;
	s->next_out = out;
	s->avail_out = (uInt)cap;
	int rc = deflate(s, Z_FINISH);
	*outlen = (size_t)s->total_out;
	if (rc != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

int mc_zip_add(mc_zip *z, const char *name, const void *data, size_t len,
               bool compress, char *err, size_t errsz)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < z->n; i++)
		if (strcmp(z->v[i].name, name) == 0) {
			snprintf(err, errsz, "zip entry %s added twice", name);
			return -1;
		}
	/* no Zip64: sizes, offsets and counts must fit the classic fields */
	if (len >= UINT32_MAX || nl > UINT16_MAX || z->n >= UINT16_MAX) {
		snprintf(err, errsz, "zip entry %s: too large for a ZIP archive",
		         name);
		return -1;
	}
	unsigned char *packed = NULL;
	size_t plen = 0;
	bool deflated = false;
	if (compress) {
		packed = deflate_all(z, data, len, &plen);
		if (!packed) {
			snprintf(err, errsz, "zip entry %s: cannot compress", name);
			return -1;
		}
		if (plen >= len) { /* deflate does not help: store it */
			free(packed);
			packed = NULL;
		} else {
			deflated = true;
		}
	}
	if (!packed) {
		packed = mc_xmalloc(len ? len : 1);
		if (len)
			memcpy(packed, data, len);
		plen = len;
	}
	if (z->n == z->cap) {
		z->cap = z->cap ? z->cap * 2 : 16;
		z->v = mc_xrealloc(z->v, z->cap * sizeof(entry));
	}
	entry *e = &z->v[z->n++];
	e->name = mc_xmalloc(nl + 1);
	memcpy(e->name, name, nl + 1);
	e->namelen = nl;
	e->data = packed;
	e->len = (uint32_t)plen;
	e->size = (uint32_t)len;
	e->crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), (const Bytef *)data,
	                         (uInt)len);
	e->deflated = deflated;
	return 0;
}

void mc_zip_free(mc_zip *z)
{
	if (!z)
		return;
	for (size_t i = 0; i < z->n; i++) {
		free(z->v[i].name);
		free(z->v[i].data);
	}
	free(z->v);
	if (z->zs_ready)
		deflateEnd(&z->zs);
	free(z);
}

static void put16(mc_buf *b, unsigned v)
{
	unsigned char c[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
	mc_buf_put(b, c, 2);
}

static void put32(mc_buf *b, uint32_t v)
{
	unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8),
	                      (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
	mc_buf_put(b, c, 4);
}

static bool ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* The fields a local header and its central directory entry share, from
 * "version needed" to the name's length. */
static void common(mc_buf *b, const entry *e, unsigned dtime, unsigned ddate)
{
	put16(b, e->deflated ? 20 : 10);                     /* needed */
	put16(b, ascii(e->name, e->namelen) ? 0 : 1u << 11); /* flags */
	put16(b, e->deflated ? 8 : 0);                       /* method */
	put16(b, dtime);
	put16(b, ddate);
	put32(b, e->crc);
	put32(b, e->len);
	put32(b, e->size);
	put16(b, (unsigned)e->namelen);
	put16(b, 0); /* extra field length */
}

int mc_zip_finish(mc_zip *z, time_t mtime, mc_buf *out, char *err,
                  size_t errsz)
{
	/* MS-DOS date and time of mtime in UTC (not local time: the bytes
	 * must not depend on the time zone) */
	struct tm tm;
	if (mtime < 315532800) /* DOS dates start in 1980 */
		mtime = 315532800;
	gmtime_r(&mtime, &tm);
	unsigned dtime = (unsigned)((tm.tm_hour << 11) | (tm.tm_min << 5) |
	                            (tm.tm_sec / 2));
	unsigned ddate = (unsigned)(((tm.tm_year - 80) << 9) |
	                            ((tm.tm_mon + 1) << 5) | tm.tm_mday);
	if (tm.tm_year - 80 > 127) { /* past 2107 */
		snprintf(err, errsz, "zip archive: date past 2107");
		mc_zip_free(z);
		return -1;
	}
	size_t base = out->len;
	uint64_t total = 0;
	for (size_t i = 0; i < z->n; i++)
		total += 30 + 46 + 2 * (uint64_t)z->v[i].namelen + z->v[i].len;
	if (total + 22 > UINT32_MAX) {
		snprintf(err, errsz, "zip archive larger than 4 GiB (no Zip64)");
		mc_zip_free(z);
		return -1;
	}
	mc_buf_grow(out, (size_t)total + 22);
	uint32_t *off = mc_xmalloc((z->n ? z->n : 1) * sizeof *off);
	for (size_t i = 0; i < z->n; i++) {
		const entry *e = &z->v[i];
		off[i] = (uint32_t)(out->len - base);
		put32(out, 0x04034b50);
		common(out, e, dtime, ddate);
		mc_buf_put(out, e->name, e->namelen);
		mc_buf_put(out, e->data, e->len);
	}
	uint32_t cd = (uint32_t)(out->len - base);
	for (size_t i = 0; i < z->n; i++) {
		const entry *e = &z->v[i];
		put32(out, 0x02014b50);
		put16(out, 3u << 8 | 63); /* made by Unix, ZIP 6.3 */
		common(out, e, dtime, ddate);
		put16(out, 0);                      /* comment length */
		put16(out, 0);                      /* disk */
		put16(out, 0);                      /* internal attributes */
		put32(out, (uint32_t)0100644 << 16); /* -rw-r--r-- */
		put32(out, off[i]);
		mc_buf_put(out, e->name, e->namelen);
	}
	uint32_t cdlen = (uint32_t)(out->len - base) - cd;
	put32(out, 0x06054b50);
	put16(out, 0);
	put16(out, 0);
	put16(out, (unsigned)z->n);
	put16(out, (unsigned)z->n);
	put32(out, cdlen);
	put32(out, cd);
	put16(out, 0); /* comment length */
	free(off);
	mc_zip_free(z);
	return 0;
}
