/* json.c - JSON string literals; see json.h. */
#include "json.h"

#include <stdbool.h>
#include <string.h>

#include "utf8.h"

void mc_json_str(mc_buf *b, const char *str, size_t n, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)str;
	const bool del = flags & MC_JSON_DEL, utf8 = flags & MC_JSON_UTF8;
	mc_buf_putc(b, '"');
	size_t i = 0;
	while (i < n) {
		/* copy the longest run that needs no escaping at once */
		size_t j = i;
		while (j < n && s[j] >= 0x20 && s[j] != '"' && s[j] != '\\' &&
		       !(s[j] == 0x7F && del) && !(s[j] >= 0x80 && utf8))
			j++;
		if (j > i) {
			mc_buf_put(b, s + i, j - i);
			i = j;
			continue;
		}
		unsigned char c = s[i];
		if (c >= 0x80) { /* utf8 */
			size_t len = mc_utf8_len(s + i, n - i);
			if (len == 0) {
				mc_buf_puts(b, "\\ufffd");
				i++;
			} else {
				mc_buf_put(b, s + i, len);
				i += len;
			}
			continue;
		}
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			mc_buf_put(b, e, 2);
		} else if (c == '\n') {
			mc_buf_puts(b, "\\n");
		} else if (c == '\t' && (flags & MC_JSON_SHORT_TR)) {
			mc_buf_puts(b, "\\t");
		} else if (c == '\r' && (flags & MC_JSON_SHORT_TR)) {
			mc_buf_puts(b, "\\r");
		} else { /* below 0x20, or DEL */
			mc_buf_printf(b, "\\u%04x", (unsigned)c);
		}
		i++;
	}
	mc_buf_putc(b, '"');
}

void mc_json_cstr(mc_buf *b, const char *s, unsigned flags)
{
	if (!s)
		mc_buf_puts(b, "null");
	else
		mc_json_str(b, s, strlen(s), flags);
}
