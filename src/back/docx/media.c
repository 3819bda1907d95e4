/* media.c - images for word/media/: read, and their natural sizes taken
 * from their headers, by util/image.c, and the QR code of an embed's short URL drawn as a PNG in
 * memory (libqrencode, loaded when first used: util/qrcode.h, + libpng).  Also the relationship rows for media
 * and external hyperlinks, which share one id sequence. */
#include "docx.h"
#include "../../util/grow.h"
#include "../../util/qrcode.h"

#include <png.h>
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

static void png_put(png_structp png, png_bytep data, size_t len)
{
	mc_buf_put((mc_buf *)png_get_io_ptr(png), data, len);
}

static void png_noflush(png_structp png)
{
	(void)png;
}

typedef struct png_err {
	char msg[200];
} png_err;

static void png_on_error(png_structp png, png_const_charp msg)
{
	png_err *e = png_get_error_ptr(png);
	snprintf(e->msg, sizeof e->msg, "%s", msg);
	png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* 1-bit greyscale PNG of the QR modules, `scale` pixels each, with the
 * 4-module quiet zone the standard asks for.  Returns 0 or -1 (msg set). */
static int qr_png(const QRcode *qr, int scale, mc_buf *out, png_err *e)
{
	const int quiet = 4;
	int side = (qr->width + 2 * quiet) * scale;
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, e,
	                                          png_on_error, png_on_warning);
	if (!png) {
		snprintf(e->msg, sizeof e->msg, "libpng: out of memory");
		return -1;
	}
	png_infop info = png_create_info_struct(png);
	/* volatile: read after a longjmp back into this frame */
	unsigned char *volatile row = NULL;
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		snprintf(e->msg, sizeof e->msg, "libpng: out of memory");
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(row);
		return -1;
	}
	png_set_write_fn(png, out, png_put, png_noflush);
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 1,
	             PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	             PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	/* 1-bit rows of long runs: no filter, and zlib's default level */
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
	png_set_compression_level(png, 6);
	png_write_info(png, info);
	size_t rowbytes = ((size_t)side + 7) / 8;
	row = mc_xmalloc(rowbytes);
	/* a row of modules is drawn once and written scale times */
	for (int my = -quiet; my < qr->width + quiet; my++) {
		memset(row, 0xFF, rowbytes); /* white */
		for (int mx = 0; my >= 0 && my < qr->width && mx < qr->width;
		     mx++) {
			if (!(qr->data[my * qr->width + mx] & 1))
				continue;
			int x0 = (mx + quiet) * scale;
			for (int xx = x0; xx < x0 + scale; xx++)
				row[xx / 8] &= (unsigned char)~(0x80 >> (xx % 8));
		}
		for (int k = 0; k < scale; k++)
			png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
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
	png_err e = {{0}};
	/* 4 pixels a module: sharp when printed at the theme's qr_size */
	int rc = qr_png(qr, 4, &png, &e);
	long side = (qr->width + 8) * 4L;
	mc_qr_free(qr);
	if (rc != 0) {
		mc_error(d->diag, line, 0, "cannot write the QR code PNG: %s",
		         e.msg);
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
