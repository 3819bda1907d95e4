/* xml.c - the shared XML writer; see xml.h. */
#include "xml.h"
#include "grow.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "utf8.h"

void mc_xml_init(mc_xml *x, mc_buf *out)
{
	memset(x, 0, sizeof *x);
	x->out = out;
}

void mc_xml_decl(mc_xml *x)
{
	mc_buf_puts(x->out, "<?xml version=\"1.0\" encoding=\"UTF-8\" "
	                    "standalone=\"yes\"?>\n");
}

/* Bytes mc_xml_escape passes through as they are without looking
 * closer: 2 in text and attribute values, 1 in text only (tab, line feed,
 * carriage return, '"'), 0 for a byte that needs a look (markup, other
 * control characters, anything of UTF-8 beyond ASCII). */
static const unsigned char plain[256] = {
	['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
	[' '] = 2, ['!'] = 2, ['"'] = 1,
	['#'] = 2, ['$'] = 2, ['%'] = 2, ['\''] = 2, ['('] = 2, [')'] = 2,
	['*'] = 2, ['+'] = 2, [','] = 2, ['-'] = 2, ['.'] = 2, ['/'] = 2,
	['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2, ['5'] = 2,
	['6'] = 2, ['7'] = 2, ['8'] = 2, ['9'] = 2, [':'] = 2, [';'] = 2,
	['='] = 2, ['?'] = 2, ['@'] = 2,
	['A'] = 2, ['B'] = 2, ['C'] = 2, ['D'] = 2, ['E'] = 2, ['F'] = 2,
	['G'] = 2, ['H'] = 2, ['I'] = 2, ['J'] = 2, ['K'] = 2, ['L'] = 2,
	['M'] = 2, ['N'] = 2, ['O'] = 2, ['P'] = 2, ['Q'] = 2, ['R'] = 2,
	['S'] = 2, ['T'] = 2, ['U'] = 2, ['V'] = 2, ['W'] = 2, ['X'] = 2,
	['Y'] = 2, ['Z'] = 2, ['['] = 2, ['\\'] = 2, [']'] = 2, ['^'] = 2,
	['_'] = 2, ['`'] = 2,
	['a'] = 2, ['b'] = 2, ['c'] = 2, ['d'] = 2, ['e'] = 2, ['f'] = 2,
	['g'] = 2, ['h'] = 2, ['i'] = 2, ['j'] = 2, ['k'] = 2, ['l'] = 2,
	['m'] = 2, ['n'] = 2, ['o'] = 2, ['p'] = 2, ['q'] = 2, ['r'] = 2,
	['s'] = 2, ['t'] = 2, ['u'] = 2, ['v'] = 2, ['w'] = 2, ['x'] = 2,
	['y'] = 2, ['z'] = 2, ['{'] = 2, ['|'] = 2, ['}'] = 2, ['~'] = 2,
	[0x7F] = 2,
};

void mc_xml_escape(mc_buf *b, const char *s, size_t n, bool quot)
{
	const unsigned char *p = (const unsigned char *)s;
	/* plain[c] >= pass: as it is */
	const unsigned char pass = quot ? 2 : 1;
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (plain[p[i]] >= pass)
			continue;
		const char *rep = NULL;
		size_t skip = 1;
		unsigned char c = p[i];
		if (c == '&')
			rep = "&amp;";
		else if (c == '<')
			rep = "&lt;";
		else if (c == '>')
			rep = "&gt;";
		else if (c == '"' && quot)
			rep = "&quot;";
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			rep = ""; /* not allowed in XML 1.0 */
		else if (c >= 0x80) {
			size_t k = mc_utf8_len(p + i, n - i);
			if (!k)
				rep = "\xEF\xBF\xBD"; /* invalid: U+FFFD */
			else if (k == 3 && c == 0xEF && p[i + 1] == 0xBF &&
			         (p[i + 2] == 0xBE || p[i + 2] == 0xBF))
				rep = "", skip = 3; /* U+FFFE, U+FFFF */
			else {
				i += k - 1;
				continue;
			}
		} else if (quot && (c == '\n' || c == '\t' || c == '\r')) {
			rep = c == '\n' ? "&#10;" : c == '\t' ? "&#9;" : "&#13;";
		}
		if (!rep)
			continue;
		mc_buf_put(b, s + start, i - start);
		mc_buf_puts(b, rep);
		i += skip - 1;
		start = i + 1;
	}
	mc_buf_put(b, s + start, n - start);
}

static void end_start_tag(mc_xml *x)
{
	if (x->open_tag) {
		mc_buf_putc(x->out, '>');
		x->open_tag = false;
	}
}

void mc_xml_open(mc_xml *x, const char *name)
{
	end_start_tag(x);
	MC_GROW(x->stack, x->depth, x->cap, 32);
	x->stack[x->depth++] = name;
	mc_buf_putc(x->out, '<');
	mc_buf_puts(x->out, name);
	x->open_tag = true;
}

void mc_xml_attr(mc_xml *x, const char *name, const char *value)
{
	if (!x->open_tag) {
		x->failed = true;
		return;
	}
	mc_buf_putc(x->out, ' ');
	mc_buf_puts(x->out, name);
	mc_buf_puts(x->out, "=\"");
	if (value)
		mc_xml_escape(x->out, value, strlen(value), true);
	mc_buf_putc(x->out, '"');
}

void mc_xml_attrf(mc_xml *x, const char *name, const char *fmt, ...)
{
	/* most values are short: formatted on the stack; the commonest
	 * formats, a bare "%d" or "%ld", without printf's machinery */
	char tmp[128];
	va_list ap;
	va_start(ap, fmt);
	bool d = fmt[0] == '%' && fmt[1] == 'd' && !fmt[2];
	bool ld = fmt[0] == '%' && fmt[1] == 'l' && fmt[2] == 'd' && !fmt[3];
	if (d || ld) {
		long v = d ? (long)va_arg(ap, int) : va_arg(ap, long);
		va_end(ap);
		char *e = tmp + sizeof tmp, *q = e;
		*--q = '\0';
		unsigned long u = v < 0 ? 0UL - (unsigned long)v
		                        : (unsigned long)v;
		do {
			*--q = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		if (v < 0)
			*--q = '-';
		mc_xml_attr(x, name, q);
		return;
	}
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0) {
		mc_xml_attr(x, name, "");
		return;
	}
	if ((size_t)n < sizeof tmp) {
		mc_xml_attr(x, name, tmp);
		return;
	}
	mc_buf v = MC_BUF_INIT;
	va_start(ap, fmt);
	mc_buf_vprintf(&v, fmt, ap);
	va_end(ap);
	mc_xml_attr(x, name, v.data ? v.data : "");
	mc_buf_free(&v);
}

void mc_xml_textn(mc_xml *x, const char *s, size_t n)
{
	if (!s || !n)
		return;
	end_start_tag(x);
	mc_xml_escape(x->out, s, n, false);
}

void mc_xml_text(mc_xml *x, const char *s)
{
	if (s)
		mc_xml_textn(x, s, strlen(s));
}

void mc_xml_raw(mc_xml *x, const char *s)
{
	end_start_tag(x);
	mc_buf_puts(x->out, s);
}

void mc_xml_close(mc_xml *x)
{
	if (!x->depth) {
		x->failed = true;
		return;
	}
	const char *name = x->stack[--x->depth];
	if (x->open_tag) {
		mc_buf_puts(x->out, "/>");
		x->open_tag = false;
		return;
	}
	mc_buf_puts(x->out, "</");
	mc_buf_puts(x->out, name);
	mc_buf_putc(x->out, '>');
}

void mc_xml_nl(mc_xml *x)
{
	end_start_tag(x);
	mc_buf_putc(x->out, '\n');
}

void mc_xml_empty(mc_xml *x, const char *name, ...)
{
	mc_xml_open(x, name);
	va_list ap;
	va_start(ap, name);
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL)
		mc_xml_attr(x, a, va_arg(ap, const char *));
	va_end(ap);
	mc_xml_close(x);
}

void mc_xml_leaf(mc_xml *x, const char *name, const char *text)
{
	mc_xml_open(x, name);
	mc_xml_text(x, text);
	mc_xml_close(x);
}

int mc_xml_finish(mc_xml *x)
{
	int rc = (x->depth || x->failed) ? -1 : 0;
	free(x->stack);
	x->stack = NULL;
	x->depth = x->cap = 0;
	return rc;
}
