/* media.c - images for word/media/: read, and their natural sizes taken
 * from their headers, by util/image.c, and the QR code of an embed's
 * short URL drawn as a PNG in memory (libqrencode, loaded when first
 * used: util/qrcode.h; the PNG written here with zlib).  Also the
 * relationship rows for media and external hyperlinks, which share one
 * id sequence. */
#include "docx.h"
#include "../../util/bytes.h"
#include "../../util/grow.h"
#include "../../util/qrcode.h"

#include <zlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dx_media *media_add(dx *d, const char *key)
{
	MC_GROW(d->media, d->nmedia, d->capmedia, 8);
	dx_media *m = &d->media[d->nmedia++];
	memset(m, 0, sizeof *m);
	size_t n = strlen(key);
	char *k = mc_xmalloc(n + 1);
	memcpy(k, key, n + 1);
	m->key = k;
	return m;
}

static dx_media *media_find(dx *d, const char *key)
{
	for (size_t i = 0; i < d->nmedia; i++)
		if (strcmp(d->media[i].key, key) == 0)
			return &d->media[i];
	return NULL;
}

static void media_rel(dx *d, dx_media *m, const char *ext)
{
	snprintf(m->name, sizeof m->name, "image%zu.%s", d->nmedia, ext);
	snprintf(m->rid, sizeof m->rid, "rId%d", d->next_rid++);
	mc_buf_printf(&d->rels,
	              "<Relationship Id=\"%s\" Type=\"http://schemas."
	              "openxmlformats.org/officeDocument/2006/relationships/"
	              "image\" Target=\"media/%s\"/>",
	              m->rid, m->name);
}

const dx_media *dx_image_known(const dx *d, const char *path)
{
	for (size_t i = 0; i < d->nmedia; i++)
		if (strcmp(d->media[i].key, path) == 0)
			return d->media[i].px_w > 0 ? &d->media[i] : NULL;
	return NULL;
}

dx_media *dx_image(dx *d, const char *path, mc_image_why *why)
{
	dx_media *m = media_find(d, path);
	if (m)
		return m->px_w > 0 ? m : NULL;
	mc_image_why spare;
	if (!why)
		why = &spare;
	mc_buf b = MC_BUF_INIT;
	mc_image_info info;
	if (mc_image_load(path, &b, &info, why) != 0) {
		mc_buf_free(&b);
		return NULL;
	}
	m = media_add(d, path);
	m->data = b;
	m->px_w = (long)info.w;
	m->px_h = (long)info.h;
	/* [Content_Types].xml names "jpeg", not "jpg" */
	media_rel(d, m, info.kind == MC_IMAGE_JPEG ? "jpeg" : info.ext);
	return m;
}

/* ---- QR code ---- */

/* A PNG chunk: length, type, data, CRC-32 of type and data. */
static void png_chunk(mc_buf *out, const char *type, const void *data,
                      size_t n)
{
	unsigned char b[4];
	mc_put_be32(b, (uint32_t)n);
	mc_buf_put(out, b, 4);
	size_t at = out->len;
	mc_buf_put(out, type, 4);
	mc_buf_put(out, data, n);
	mc_put_be32(b, (uint32_t)crc32(0L, (const Bytef *)out->data + at,
	                        (uInt)(n + 4)));
	mc_buf_put(out, b, 4);
}

/* 1-bit greyscale PNG of the QR modules, `scale` pixels each, with the
 * 4-module quiet zone the standard asks for, written here (zlib for the
 * image data, with a window and memory level to fit a few KB: a small
 * state to fault in).  Returns 0 or -1 (why set). */
static int qr_png(const QRcode *qr, int scale, mc_buf *out, char *why,
                  size_t whysz)
{
	const int quiet = 4;
	uint32_t side = (uint32_t)(qr->width + 2 * quiet) * (uint32_t)scale;
	size_t rowbytes = (side + 7) / 8;
	/* the raw image: each row a filter byte (0, none) and its bits */
	size_t rawlen = (1 + rowbytes) * side;
	unsigned char *raw = mc_xmalloc(rawlen);
	unsigned char *row = raw;
	/* a row of modules is drawn once and copied scale times */
	for (int my = -quiet; my < qr->width + quiet; my++) {
		row[0] = 0;
		memset(row + 1, 0xFF, rowbytes); /* white */
		for (int mx = 0; my >= 0 && my < qr->width && mx < qr->width;
		     mx++) {
			if (!(qr->data[my * qr->width + mx] & 1))
				continue;
			int x0 = (mx + quiet) * scale;
			for (int xx = x0; xx < x0 + scale; xx++)
				row[1 + xx / 8] &= (unsigned char)~(0x80 >> (xx % 8));
		}
		for (int k = 1; k < scale; k++)
			memcpy(row + k * (1 + rowbytes), row, 1 + rowbytes);
		row += (size_t)scale * (1 + rowbytes);
	}
	int wbits = 9;
	while (wbits < 15 && ((size_t)1 << wbits) < rawlen)
		wbits++;
	z_stream zs = {0};
	uLong cap = 0;
	unsigned char *z = NULL;
	/* level 4: on these rows of long runs, each repeated `scale` times,
	 * the smallest of levels 1-9 (597 bytes for a page's two codes, 626
	 * at 9); level 9's long hash chains cost 0.14 ms more a code */
	int zr = deflateInit2(&zs, 4, Z_DEFLATED, wbits, 4, Z_DEFAULT_STRATEGY);
	if (zr == Z_OK) {
		cap = deflateBound(&zs, (uLong)rawlen);
		z = mc_xmalloc(cap);
		zs.next_in = raw;
		zs.avail_in = (uInt)rawlen;
		zs.next_out = z;
		zs.avail_out = (uInt)cap;
		zr = deflate(&zs, Z_FINISH);
		deflateEnd(&zs);
	}
	free(raw);
	if (zr != Z_STREAM_END) {
		snprintf(why, whysz, "zlib error %d", zr);
		free(z);
		return -1;
	}
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G',
	                                     '\r', '\n', 0x1A, '\n'};
	unsigned char ihdr[13] = {
		[8] = 1, /* bit depth; then greyscale, deflate, adaptive
		            filters, no interlace: 0 */
	};
	mc_put_be32(ihdr, side);     /* width */
	mc_put_be32(ihdr + 4, side); /* height */
	mc_buf_put(out, sig, sizeof sig);
	png_chunk(out, "IHDR", ihdr, sizeof ihdr);
	png_chunk(out, "IDAT", z, (size_t)(cap - zs.avail_out));
	png_chunk(out, "IEND", NULL, 0);
	free(z);
	return 0;
}

dx_media *dx_qr(dx *d, const char *text, uint32_t line, bool *failed)
{
	*failed = false;
	mc_buf key = MC_BUF_INIT;
	mc_buf_printf(&key, "qr:%s", text);
	dx_media *m = media_find(d, key.data);
	if (m) {
		mc_buf_free(&key);
		return m;
	}
	char why[300];
	QRcode *qr = mc_qr_encode(text, why, sizeof why);
	if (!qr) {
		/* too long for a QR code, out of memory, or no libqrencode:
		 * the card keeps its printed link */
		mc_warn(d->diag, line, 0, "no QR code for %.80s%s: %s", text,
		        strlen(text) > 80 ? "..." : "", why);
		mc_buf_free(&key);
		return NULL;
	}
	mc_buf png = MC_BUF_INIT;
	/* 4 pixels a module: sharp when printed at the theme's qr_size */
	int rc = qr_png(qr, 4, &png, why, sizeof why);
	long side = (qr->width + 8) * 4L;
	mc_qr_free(qr);
	if (rc != 0) {
		mc_error(d->diag, line, 0, "cannot write the QR code PNG: %s",
		         why);
		*failed = true;
		mc_buf_free(&png);
		mc_buf_free(&key);
		return NULL;
	}
	m = media_add(d, key.data);
	mc_buf_free(&key);
	m->data = png;
	m->px_w = m->px_h = side;
	media_rel(d, m, "png");
	return m;
}

/* URL bytes a relationship target should not hold raw: controls, space,
 * non-ASCII and the characters RFC 3986 never allows. */
static int needs_pct(unsigned char c)
{
	return c <= 0x20 || c >= 0x7F || strchr("\"<>\\^`{|}", c) != NULL;
}

const char *dx_link_rel(dx *d, const char *url, char *rid, size_t n)
{
	snprintf(rid, n, "rId%d", d->next_rid++);
	mc_buf_printf(&d->rels, "<Relationship Id=\"%s\" Type=\"http://"
	                        "schemas.openxmlformats.org/officeDocument/"
	                        "2006/relationships/hyperlink\" Target=\"",
	              rid);
	/* A reader of a handout has no page to resolve a link against:
	 * protocol-relative links get https, site-absolute ones the site's
	 * url (from _config.yml) when it is known.  Others stay as written. */
	mc_buf full = MC_BUF_INIT;
	const char *site = d->doc->meta.site.url;
	if (url[0] == '/' && url[1] == '/') {
		mc_buf_puts(&full, "https:");
	} else if (url[0] == '/' && site && strncmp(site, "http", 4) == 0) {
		size_t len = strlen(site);
		while (len && site[len - 1] == '/')
			len--;
		mc_buf_put(&full, site, len);
	}
	mc_buf_puts(&full, url);
	mc_buf enc = MC_BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)full.data; *p;
	     p++) {
		if (needs_pct(*p))
			mc_buf_printf(&enc, "%%%02X", *p);
		else
			mc_buf_putc(&enc, (char)*p);
	}
	if (enc.len)
		mc_xml_escape(&d->rels, enc.data, enc.len, true);
	mc_buf_free(&enc);
	mc_buf_free(&full);
	mc_buf_puts(&d->rels, "\" TargetMode=\"External\"/>");
	return rid;
}
