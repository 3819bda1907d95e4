/* slug.c - names made from text; see slug.h for the three rules. */
#include "slug.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

void mc_slug_kramdown(mc_buf *out, const char *text, size_t n)
{
	size_t start = out->len;
	bool letter = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (!letter && !isalpha(c))
			continue;
		letter = true;
		/* kramdown reads the text as written: an en or em dash made
		 * of "--" or "---" is that many dashes */
		unsigned char c2 = i + 2 < n ? (unsigned char)text[i + 2] : 0;
		if (c == 0xE2 && c2 && (unsigned char)text[i + 1] == 0x80 &&
		    (c2 == 0x93 || c2 == 0x94)) {
			mc_buf_puts(out, c2 == 0x93 ? "--" : "---");
			i += 2;
			continue;
		}
		if (isalnum(c) || c == '-')
			mc_buf_putc(out, (char)tolower(c));
		else if (c == ' ')
			mc_buf_putc(out, '-');
	}
	if (out->len == start)
		mc_buf_puts(out, "section");
}

void mc_slug_jekyll(mc_buf *out, const char *s, size_t n, const char *mode)
{
	bool dash = false;
	size_t start = out->len;
	bool none = mode && !strcmp(mode, "none");
	bool raw = mode && !strcmp(mode, "raw");
	bool pretty = mode && !strcmp(mode, "pretty");
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		bool keep = none || isalnum(ch) || ch >= 0x80 ||
		            (pretty && strchr("._~!$&'()+,;=@", ch) && ch) ||
		            (raw && !isspace(ch));
		if (keep) {
			if (dash && out->len > start)
				mc_buf_putc(out, '-');
			dash = false;
			mc_buf_putc(out, (char)tolower(ch));
		} else {
			dash = true;
		}
	}
}

void mc_field_slug(const char *title, mc_buf *out, size_t max)
{
	size_t start = out->len;
	bool dash = false;
	for (const unsigned char *s = (const unsigned char *)(title ? title
	                                                            : "");
	     *s;) {
		size_t n = 1;
		if (*s >= 0x80) {
			while (s[n] && (s[n] & 0xC0) == 0x80 && n < 4)
				n++;
		} else if (!((*s >= 'a' && *s <= 'z') ||
		             (*s >= 'A' && *s <= 'Z') ||
		             (*s >= '0' && *s <= '9'))) {
			dash = true;
			s++;
			continue;
		}
		/* U+2026 (an ellipsis) and other punctuation of the
		 * General Punctuation block are separators too */
		if (n == 3 && s[0] == 0xE2 && s[1] >= 0x80 && s[1] <= 0x81) {
			dash = true;
			s += n;
			continue;
		}
		size_t need = n + (dash && out->len > start ? 1 : 0);
		if (out->len - start + need > max)
			break;
		if (dash && out->len > start)
			mc_buf_putc(out, '-');
		dash = false;
		if (n == 1 && *s >= 'A' && *s <= 'Z')
			mc_buf_putc(out, (char)(*s - 'A' + 'a'));
		else
			mc_buf_put(out, (const char *)s, n);
		s += n;
	}
	if (out->len == start)
		mc_buf_puts(out, "worksheet");
}
