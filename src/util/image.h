/*
 * image.h - the image files a document refers to, as every backend reads
 * them: one place for the limits and for the reasons an image is refused.
 *
 * An image is read whole (a regular file of at most MC_IMAGE_MAX_BYTES)
 * and its kind and pixel size taken from its header: PNG (IHDR), JPEG
 * (the first SOFn frame header) or GIF (the logical screen).  Nothing is
 * decoded here; a backend that decodes (the PDF's PNG reader) does its
 * own checks on the data.  A header claiming more than MC_IMAGE_MAX_PIXELS
 * pixels is refused before anything is decoded (decompression bombs).
 *
 * The reasons are short phrases that fit "image X cannot be used (WHY)".
 * Paths come from the front-end, already confined to the site root.
 */
#ifndef MC_UTIL_IMAGE_H
#define MC_UTIL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define MC_IMAGE_MAX_BYTES (64u << 20)  /* 64 MiB of file */
#define MC_IMAGE_MAX_PIXELS (64u << 20) /* 64 megapixels (e.g. 8192 x 8192) */

typedef enum mc_image_kind {
	MC_IMAGE_PNG = 1,
	MC_IMAGE_JPEG,
	MC_IMAGE_GIF
} mc_image_kind;

typedef struct mc_image_info {
	mc_image_kind kind;
	const char *media; /* "image/png", "image/jpeg", "image/gif" */
	const char *ext;   /* "png", "jpg", "gif" */
	uint32_t w, h;     /* pixels, both > 0 */
} mc_image_info;

/* A reason for refusing an image: a short phrase, NUL-terminated. */
typedef struct mc_image_why {
	char text[160];
} mc_image_why;

/* Read the regular file at path (at most MC_IMAGE_MAX_BYTES, not empty)
 * into out (cleared first).  Returns 0, or -1 with why set and out
 * empty. */
int mc_image_read(const char *path, mc_buf *out, mc_image_why *why);

/* Kind and size of the image bytes p[0..n).  Returns 0, or -1 with why
 * set: not a PNG, JPEG or GIF (info->kind is then 0); a header cut short;
 * a zero size; or more pixels than MC_IMAGE_MAX_PIXELS (the message names
 * the size and the limit). */
int mc_image_probe(const unsigned char *p, size_t n, mc_image_info *info,
                   mc_image_why *why);

/* mc_image_read() then mc_image_probe(): 0 when path is a usable image
 * (bytes in out, kind and size in info), else -1 with why set.  When the
 * file was read but is not a usable image its bytes stay in out (the EPUB
 * backend then tries it as SVG); the caller frees out either way. */
int mc_image_load(const char *path, mc_buf *out, mc_image_info *info,
                  mc_image_why *why);

#endif
