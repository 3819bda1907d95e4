/*
 * jpeg.c - a check of JPEG files before libharu embeds them.
 *
 * libharu copies a JPEG into the PDF as it is (DCTDecode) after reading
 * its frame header, so a truncated or nonsensical file would become a
 * stream no reader can decode.  This walks the markers: SOI first, every
 * segment's length inside the file, one frame header with a sane size
 * (at most 64 Mpixels, 1, 3 or 4 components, 8 bits),
 * a scan, and EOI at the end of the data.
 */
#include "pdf_int.h"
#include "../../util/bytes.h"

#include <stdint.h>


bool pdf_jpeg_ok(const unsigned char *b, size_t len)
{
	if (len < 4 || b[0] != 0xFF || b[1] != 0xD8)
		return false;
	size_t pos = 2;
	bool frame = false;
	while (pos + 4 <= len) {
		if (b[pos] != 0xFF)
			return false;
		unsigned m = b[pos + 1];
		if (m == 0xFF) { /* fill byte */
			pos++;
			continue;
		}
		if (m == 0xD9 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
			pos += 2;
			continue;
		}
		size_t n = mc_be16(b + pos + 2);
		if (n < 2 || n > len - pos - 2)
			return false; /* truncated */
		const unsigned char *s = b + pos + 4;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 &&
		    m != 0xCC) {
			if (n < 8 || frame)
				return false;
			frame = true;
			uint32_t h = mc_be16(s + 1);
			uint32_t w = mc_be16(s + 3);
			unsigned comps = s[5];
			if (s[0] != 8 || !w || !h ||
			    (uint64_t)w * h > MC_IMAGE_MAX_PIXELS ||
			    (comps != 1 && comps != 3 && comps != 4))
				return false;
		}
		if (m == 0xDA) {
			/* the scan: entropy-coded data up to the end; the file
			 * must end with EOI (trailing zero padding allowed) */
			if (!frame)
				return false;
			size_t e = len;
			while (e > pos && b[e - 1] == 0)
				e--;
			return e >= pos + 2 + n + 2 && b[e - 2] == 0xFF &&
			       b[e - 1] == 0xD9;
		}
		pos += 2 + n;
	}
	return false;
}
