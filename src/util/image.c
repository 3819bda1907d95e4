/* image.c - read an image file and learn its kind and size (image.h). */
#include "image.h"
#include "bytes.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void why_set(mc_image_why *why, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void why_set(mc_image_why *why, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why->text, sizeof why->text, fmt, ap);
	va_end(ap);
}

int mc_image_read(const char *path, mc_buf *out, mc_image_why *why)
{
	mc_buf_clear(out);
	FILE *f = fopen(path, "rb");
	if (!f) {
		why_set(why, "%s", strerror(errno));
		return -1;
	}
	struct stat st;
	int rc = -1;
	if (fstat(fileno(f), &st) != 0)
		why_set(why, "%s", strerror(errno));
	else if (!S_ISREG(st.st_mode))
		why_set(why, "not a regular file");
	else if (st.st_size == 0)
		why_set(why, "an empty file");
	else if ((unsigned long long)st.st_size > MC_IMAGE_MAX_BYTES)
		why_set(why, "a file of %lld bytes, more than the limit of "
		             "%u MiB", (long long)st.st_size,
		        MC_IMAGE_MAX_BYTES >> 20);
	else {
		size_t want = (size_t)st.st_size;
		mc_buf_grow(out, want);
		size_t got = fread(out->data, 1, want, f);
		out->len = got;
		out->data[got] = '\0';
		if (ferror(f) || got != want)
			why_set(why, "a read error");
		else
			rc = 0;
	}
	if (fclose(f) != 0 && rc == 0) {
		why_set(why, "%s", strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		mc_buf_clear(out);
	return rc;
}

/* The size from a JPEG's first frame header (SOF0..SOF15 except DHT,
 * JPG and DAC).  Returns 0, or -1 if none is found in p[0..n). */
static int jpeg_size(const unsigned char *p, size_t n, uint32_t *w,
                     uint32_t *h)
{
	size_t i = 2;
	while (i + 4 <= n) {
		if (p[i] != 0xFF)
			return -1;
		unsigned m = p[i + 1];
		if (m == 0xFF) { /* fill byte */
			i++;
			continue;
		}
		if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
			i += 2; /* markers without a length */
			continue;
		}
		if (m == 0xD9 || m == 0xDA)
			return -1; /* end or scan before any frame */
		uint32_t len = mc_be16(p + i + 2);
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 &&
		    m != 0xCC) {
			/* the size is all that is read: a frame header cut
			 * after it still tells it (the PDF checks the rest) */
			if (len < 7 || n - i < 9)
				return -1;
			*h = mc_be16(p + i + 5);
			*w = mc_be16(p + i + 7);
			return 0;
		}
		if (len < 2 || len > n - i - 2)
			return -1;
		i += 2 + len;
	}
	return -1;
}

int mc_image_probe(const unsigned char *p, size_t n, mc_image_info *info,
                   mc_image_why *why)
{
	memset(info, 0, sizeof *info);
	uint32_t w = 0, h = 0;
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) {
		*info = (mc_image_info){MC_IMAGE_PNG, "image/png", "png", 0, 0};
		if (n < 24 || memcmp(p + 12, "IHDR", 4) != 0) {
			why_set(why, "a PNG file without its header");
			return -1;
		}
		w = mc_be32(p + 16);
		h = mc_be32(p + 20);
	} else if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
		*info = (mc_image_info){MC_IMAGE_JPEG, "image/jpeg", "jpg", 0,
		                        0};
		if (jpeg_size(p, n, &w, &h) != 0) {
			why_set(why, "a JPEG file without a frame header");
			return -1;
		}
	} else if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 ||
	                      memcmp(p, "GIF89a", 6) == 0)) {
		*info = (mc_image_info){MC_IMAGE_GIF, "image/gif", "gif", 0, 0};
		if (n < 13) {
			why_set(why, "a GIF file cut short");
			return -1;
		}
		w = mc_le16(p + 6);
		h = mc_le16(p + 8);
	} else {
		why_set(why, "not a PNG, JPEG or GIF image");
		return -1;
	}
	if (w == 0 || h == 0 || w > 0x7fffffffu || h > 0x7fffffffu) {
		why_set(why, "an image of %lu x %lu pixels", (unsigned long)w,
		        (unsigned long)h);
		return -1;
	}
	if ((uint64_t)w * h > MC_IMAGE_MAX_PIXELS) {
		why_set(why, "an image of %lu x %lu pixels, more than the limit "
		             "of %u megapixels",
		        (unsigned long)w, (unsigned long)h,
		        MC_IMAGE_MAX_PIXELS >> 20);
		return -1;
	}
	info->w = w;
	info->h = h;
	return 0;
}

int mc_image_load(const char *path, mc_buf *out, mc_image_info *info,
                  mc_image_why *why)
{
	memset(info, 0, sizeof *info);
	if (mc_image_read(path, out, why) != 0)
		return -1;
	return mc_image_probe((const unsigned char *)out->data, out->len, info,
	                      why);
}
