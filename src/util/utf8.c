/* utf8.c - UTF-8 validity; see utf8.h. */
#include "utf8.h"

size_t mc_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF; /* bounds of the second byte */
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0; /* no overlongs */
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F; /* nothing past U+10FFFF */
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return len;
}

size_t mc_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = mc_utf8_len(s, n);
	if (len == 1)
		*cp = s[0];
	else if (len) {
		static const unsigned char lead_mask[5] = {0, 0, 0x1F, 0x0F,
		                                           0x07};
		uint32_t v = s[0] & lead_mask[len];
		for (size_t i = 1; i < len; i++)
			v = v << 6 | (s[i] & 0x3F);
		*cp = v;
	}
	return len;
}

size_t mc_utf8_valid_prefix(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = mc_utf8_len(p + i, n - i);
		if (!k)
			break;
		i += k;
	}
	return i;
}

void mc_utf8_repair(mc_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t ok = mc_utf8_valid_prefix(s + i, n - i);
		mc_buf_put(b, s + i, ok);
		i += ok;
		if (i < n) {
			mc_buf_puts(b, "\xEF\xBF\xBD");
			i++;
		}
	}
}

/* The offset of the next U+FFFE or U+FFFF in s[i..n), or n. */
static size_t next_nonchar(const char *s, size_t i, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (; i + 2 < n; i++)
		if (p[i] == 0xEF && p[i + 1] == 0xBF &&
		    (p[i + 2] == 0xBE || p[i + 2] == 0xBF))
			return i;
	return n;
}

bool mc_utf8_has_nonchar(const char *s, size_t n)
{
	return next_nonchar(s, 0, n) < n;
}

void mc_utf8_replace_nonchars(char *s, size_t n)
{
	for (size_t i = next_nonchar(s, 0, n); i < n;
	     i = next_nonchar(s, i + 3, n))
		s[i + 2] = (char)0xBD;
}

size_t mc_utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t mc_utf16_put(uint32_t cp, uint16_t out[2])
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x10000) {
		out[0] = (uint16_t)cp;
		return 1;
	}
	cp -= 0x10000;
	out[0] = (uint16_t)(0xD800 + (cp >> 10));
	out[1] = (uint16_t)(0xDC00 + (cp & 0x3FF));
	return 2;
}
