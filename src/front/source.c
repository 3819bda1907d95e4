/*
 * source.c - bytes in, pre-passed Markdown out (step 1 of internal.h).
 *
 * Why a pre-pass: kramdown reads a `markdown="1"` HTML element's content
 * as Markdown and a raw HTML block up to its matching end tag, blank lines
 * included; CommonMark ends any HTML block at the first blank line.  So
 * before cmark sees the text, each such element is cut out here by
 * matching tags, and replaced by a one-line HTML comment marker (a type-2
 * HTML block, which needs no blank line around it and interrupts a
 * paragraph).  markdown.c turns the markers back into containers, and
 * raw chunks go to the HTML parser whole.  IALs become sentinels so that
 * cmark's emphasis and smart-quote rules cannot tear them apart.
 * kramdown's own block lines (extensions, ALDs, abbreviations, the ^
 * marker) are read and taken out here, and a definition list becomes
 * container markers around its terms and definitions.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "../util/grow.h"
#include "../util/utf8.h"

/* ---------------------------------------------------------------- */
/* decoding                                                          */

static void put_utf8(mc_buf *b, uint32_t c)
{
	char s[4];
	size_t n;
	if (c < 0x80) {
		s[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		s[0] = (char)(0xC0 | (c >> 6));
		s[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		s[0] = (char)(0xE0 | (c >> 12));
		s[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		s[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		s[0] = (char)(0xF0 | (c >> 18));
		s[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		s[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		s[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	mc_buf_put(b, s, n);
}

/* UTF-16 (with a BOM) to UTF-8; bad surrogates become U+FFFD. */
static void from_utf16(mc_buf *out, const unsigned char *p, size_t n, bool le)
{
	for (size_t i = 0; i + 1 < n; i += 2) {
		uint32_t u = le ? (uint32_t)(p[i] | p[i + 1] << 8)
		                : (uint32_t)(p[i] << 8 | p[i + 1]);
		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
			uint32_t l = le ? (uint32_t)(p[i + 2] | p[i + 3] << 8)
			                : (uint32_t)(p[i + 2] << 8 | p[i + 3]);
			if (l >= 0xDC00 && l <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00);
				i += 2;
			} else {
				u = 0xFFFD;
			}
		} else if (u >= 0xD800 && u <= 0xDFFF) {
			u = 0xFFFD;
		}
		put_utf8(out, u);
	}
}

/* Whether decoding would change nothing: no BOM, carriage return, NUL,
 * invalid UTF-8 or sentinel (the cases the loop of mc_fe_decode below
 * rewrites). */
static bool decoded_as_is(const unsigned char *p, size_t len)
{
	if (len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) ||
	                 (p[0] == 0xFE && p[1] == 0xFF)))
		return false;
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return false;
	size_t i = 0;
	while (i < len) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x80) {
			i++;
			continue;
		}
		if (c == '\r' || c == 0)
			return false;
		if (c == '\n') {
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = mc_utf8_decode(p + i, len - i, &cp);
		if (n == 0 || (cp >= 0x10FFF0 && cp <= 0x10FFF2))
			return false;
		i += n;
	}
	return true;
}

int mc_fe_decode(mc_fe *fe, const char *data, size_t len, char *own)
{
	const unsigned char *p = (const unsigned char *)data;
	mc_buf tmp = MC_BUF_INIT;
	if (len > MC_MAX_INPUT) {
		mc_error(fe->diag, 0, 0,
		         "input is %zu bytes; the limit is %u MiB", len,
		         MC_MAX_INPUT / (1024 * 1024));
		free(own);
		return -1;
	}
	if (own && decoded_as_is(p, len)) {
		/* the input is its own decoding: kept, not copied */
		fe->src = own;
		fe->srclen = len;
		return 0;
	}
	if (len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) ||
	                 (p[0] == 0xFE && p[1] == 0xFF))) {
		from_utf16(&tmp, p + 2, len - 2, p[0] == 0xFF);
		mc_warn(fe->diag, 1, 1, "input is UTF-16; read it as such "
		                        "(UTF-8 is preferred)");
		p = (const unsigned char *)(tmp.data ? tmp.data : "");
		len = tmp.len;
	}
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		p += 3, len -= 3;

	mc_buf out = MC_BUF_INIT;
	mc_buf_reserve(&out, len);
	uint32_t line = 1;
	size_t line_start = 0; /* offset in p of the current line */
	bool warned_utf8 = false, warned_nul = false;
	size_t i = 0;
	while (i < len) {
		/* fast path: a run of plain ASCII */
		size_t j = i;
		while (j < len && p[j] >= 0x20 && p[j] < 0x80)
			j++;
		if (j > i) {
			mc_buf_put(&out, p + i, j - i);
			i = j;
			continue;
		}
		unsigned char c = p[i];
		if (c == '\r') {
			mc_buf_putc(&out, '\n');
			line++;
			i += (i + 1 < len && p[i + 1] == '\n') ? 2 : 1;
			line_start = i;
			continue;
		}
		if (c == '\n') {
			mc_buf_putc(&out, '\n');
			line++;
			i++;
			line_start = i;
			continue;
		}
		if (c == 0) {
			if (!warned_nul)
				mc_warn(fe->diag, line,
				        (uint32_t)(i - line_start) + 1,
				        "NUL byte in input replaced by U+FFFD");
			warned_nul = true;
			put_utf8(&out, 0xFFFD);
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = mc_utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			if (!warned_utf8)
				mc_warn(fe->diag, line,
				        (uint32_t)(i - line_start) + 1,
				        "invalid UTF-8 replaced by U+FFFD");
			warned_utf8 = true;
			put_utf8(&out, 0xFFFD);
			i++;
			continue;
		}
		if (cp >= 0x10FFF0 && cp <= 0x10FFF2)
			put_utf8(&out, 0xFFFD); /* our sentinels: never input */
		else
			mc_buf_put(&out, p + i, n);
		i += n;
	}
	mc_buf_free(&tmp);
	free(own);
	mc_buf_fit(&out);
	fe->src = mc_buf_detach(&out, &fe->srclen);
	return 0;
}

/* ---------------------------------------------------------------- */
/* front matter                                                      */

/* Length of the line at s (without its newline). */
static size_t line_len(const char *s, const char *end)
{
	const char *nl = memchr(s, '\n', (size_t)(end - s));
	return nl ? (size_t)(nl - s) : (size_t)(end - s);
}

/* Whether s[0..n) contains the string t. */
static bool has_str(const char *s, size_t n, const char *t)
{
	size_t k = strlen(t);
	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == t[0] && memcmp(s + i, t, k) == 0)
			return true;
	return false;
}

static bool is_fence_line(const char *s, size_t n, const char *mark)
{
	if (n < 3 || memcmp(s, mark, 3) != 0)
		return false;
	for (size_t i = 3; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

int mc_fe_split_front_matter(mc_fe *fe, const char **fm, size_t *fmlen,
                             uint32_t *fm_line)
{
	const char *s = fe->src, *end = fe->src + fe->srclen;
	*fm = NULL;
	*fmlen = 0;
	*fm_line = 0;
	fe->body = s;
	fe->bodylen = fe->srclen;
	fe->body_line = 1;
	size_t n = line_len(s, end);
	if (!is_fence_line(s, n, "---"))
		return 0;
	const char *p = s + n + (s + n < end);
	uint32_t line = 2;
	while (p < end) {
		size_t m = line_len(p, end);
		if (is_fence_line(p, m, "---") || is_fence_line(p, m, "...")) {
			*fm = s + n + 1;
			*fmlen = (size_t)(p - *fm);
			*fm_line = 2;
			const char *b = p + m + (p + m < end);
			fe->body = b;
			fe->bodylen = (size_t)(end - b);
			fe->body_line = line + 1;
			return 0;
		}
		p += m + (p + m < end);
		line++;
	}
	mc_error(fe->diag, 1, 1,
	         "front matter opened with '---' is never closed (add a "
	         "'---' line after it)");
	return -1;
}

/* ---------------------------------------------------------------- */
/* attributes                                                        */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Curly quotes used by word processors around IAL values. */
static size_t curly_quote(const char *s, const char *end)
{
	if (end - s >= 3 && (unsigned char)s[0] == 0xE2 &&
	    (unsigned char)s[1] == 0x80 &&
	    ((unsigned char)s[2] >= 0x98 && (unsigned char)s[2] <= 0x9F))
		return 3;
	return 0;
}

/* A copy of s with the character references of HTML attribute values
 * that appear in URLs and text decoded (&amp; &quot; &lt; &gt; &#N;). */
static const char *decode_entities(mc_fe *fe, const char *s, size_t n)
{
	if (!memchr(s, '&', n))
		return mc_strndup(fe->doc, s, n);
	mc_buf b = MC_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		static const struct {
			const char *ent, *ch;
		} tab[] = {{"&amp;", "&"}, {"&quot;", "\""}, {"&lt;", "<"},
		           {"&gt;", ">"}, {"&apos;", "'"}};
		size_t k;
		for (k = 0; k < sizeof tab / sizeof *tab; k++) {
			size_t l = strlen(tab[k].ent);
			if (i + l <= n && strncmp(s + i, tab[k].ent, l) == 0) {
				mc_buf_puts(&b, tab[k].ch);
				i += l - 1;
				break;
			}
		}
		if (k < sizeof tab / sizeof *tab)
			continue;
		if (s[i] == '&' && i + 2 < n && s[i + 1] == '#') {
			char *e;
			bool hex = s[i + 2] == 'x' || s[i + 2] == 'X';
			unsigned long cp = strtoul(s + i + 2 + hex, &e, hex ? 16 : 10);
			if (e < s + n && *e == ';' && cp > 0 && cp < 0x110000 &&
			    !(cp >= 0xD800 && cp <= 0xDFFF) &&
			    !(cp >= 0x10FFF0 && cp <= 0x10FFF2)) {
				put_utf8(&b, (uint32_t)cp);
				i = (size_t)(e - s);
				continue;
			}
		}
		mc_buf_putc(&b, s[i]);
	}
	const char *r = mc_strndup(fe->doc, b.data ? b.data : "", b.len);
	mc_buf_free(&b);
	return r;
}

void mc_fe_parse_attrs(mc_fe *fe, const char *s, size_t n, mc_attrs *out)
{
	const char *p = s, *end = s + n;
	size_t cap = 0;
	out->v = NULL;
	out->n = 0;
	mc_attr tmp[64];
	size_t cnt = 0;
	while (p < end && cnt < 64) {
		while (p < end && (is_space(*p) || *p == '/'))
			p++;
		if (p >= end)
			break;
		const char *name = p, *name_end;
		const char *val = "", *val_end = NULL;
		if (*p == '.' || *p == '#') {
			/* IAL shorthand: .class / #id */
			char kind = *p++;
			const char *v = p;
			while (p < end && !is_space(*p))
				p++;
			tmp[cnt].name = kind == '.' ? "class" : "id";
			tmp[cnt].value = mc_strndup(fe->doc, v, (size_t)(p - v));
			cnt++;
			continue;
		}
		while (p < end && !is_space(*p) && *p != '=' && *p != '>')
			p++;
		name_end = p;
		while (p < end && is_space(*p))
			p++;
		if (p < end && *p == '=') {
			p++;
			while (p < end && is_space(*p))
				p++;
			size_t q;
			if (p < end && (*p == '"' || *p == '\'')) {
				char quote = *p++;
				val = p;
				while (p < end && *p != quote &&
				       !curly_quote(p, end))
					p++;
				val_end = p;
				if (p < end)
					p += (*p == quote) ? 1 : curly_quote(p, end);
			} else if ((q = curly_quote(p, end)) != 0) {
				p += q;
				val = p;
				while (p < end && !curly_quote(p, end) &&
				       *p != '"')
					p++;
				val_end = p;
				if (p < end)
					p += (*p == '"') ? 1 : curly_quote(p, end);
			} else {
				val = p;
				while (p < end && !is_space(*p) && *p != '>')
					p++;
				val_end = p;
			}
		} else if (p < end && *p == '>') {
			p++;
		}
		if (name_end == name)
			continue;
		char *nm = (char *)mc_strndup(fe->doc, name,
		                              (size_t)(name_end - name));
		for (char *c = nm; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		tmp[cnt].name = nm;
		tmp[cnt].value = val_end ? decode_entities(fe, val,
		                                           (size_t)(val_end - val))
		                         : "";
		cnt++;
	}
	(void)cap;
	if (!cnt)
		return;
	/* merge repeated class attributes (".a .b") into one */
	out->v = mc_arena_alloc(fe->doc->arena, cnt * sizeof(mc_attr));
	for (size_t i = 0; i < cnt; i++) {
		if (strcmp(tmp[i].name, "class") == 0) {
			size_t k;
			for (k = 0; k < out->n; k++)
				if (strcmp(out->v[k].name, "class") == 0)
					break;
			if (k < out->n) {
				size_t a = strlen(out->v[k].value);
				size_t b = strlen(tmp[i].value);
				char *m = mc_arena_alloc(fe->doc->arena, a + b + 2);
				memcpy(m, out->v[k].value, a);
				m[a] = ' ';
				memcpy(m + a + 1, tmp[i].value, b + 1);
				out->v[k].value = m;
				continue;
			}
		}
		out->v[out->n++] = tmp[i];
	}
}

const char *mc_attr_get(const mc_attrs *a, const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, name) == 0)
			return a->v[i].value;
	return NULL;
}

bool mc_has_class(const char *classes, const char *cls)
{
	if (!classes)
		return false;
	size_t n = strlen(cls);
	const char *p = classes;
	while (*p) {
		while (*p && is_space(*p))
			p++;
		const char *w = p;
		while (*p && !is_space(*p))
			p++;
		if ((size_t)(p - w) == n && strncasecmp(w, cls, n) == 0)
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------- */
/* pre-pass                                                          */

static void map_push(mc_fe *fe, uint32_t line, uint32_t col)
{
	mc_fe_liquid_pos(fe, line, col, &line, &col); /* to the source */
	if (fe->nmap == fe->capmap) {
		fe->capmap = fe->capmap ? fe->capmap * 2 : 256;
		fe->map_line = mc_xrealloc(fe->map_line,
		                           fe->capmap * sizeof(uint32_t));
		fe->map_col = mc_xrealloc(fe->map_col,
		                          fe->capmap * sizeof(uint32_t));
	}
	fe->map_line[fe->nmap] = line;
	fe->map_col[fe->nmap] = col;
	fe->nmap++;
}

void mc_fe_map(const mc_fe *fe, int mdline, int mdcol, uint32_t *line,
               uint32_t *col)
{
	if (mdline < 1 || fe->nmap == 0) {
		*line = fe->body_line;
		*col = 0;
		return;
	}
	size_t i = (size_t)mdline - 1;
	if (i >= fe->nmap)
		i = fe->nmap - 1;
	*line = fe->map_line[i];
	*col = mdcol > 0 ? fe->map_col[i] + (uint32_t)mdcol - 1 : 0;
}

/* Emit one line of pre-passed text. */
static void emit_line(mc_fe *fe, const char *s, size_t n, uint32_t line,
                      uint32_t col)
{
	mc_buf_put(&fe->md, s, n);
	mc_buf_putc(&fe->md, '\n');
	map_push(fe, line, col);
}

static void emit_marker(mc_fe *fe, char kind, size_t idx, uint32_t line,
                        uint32_t col)
{
	mc_buf_printf(&fe->md, "<!--" MC_MARK "%c%zu-->\n", kind, idx);
	map_push(fe, line, col);
}

/* HTML elements that start a block (kramdown's list, plus HTML5). */
static const char *const block_tags[] = {
	"address", "article", "aside", "audio", "blockquote", "body",
	"canvas", "center", "dd", "details", "dialog", "dir", "div", "dl",
	"dt", "embed", "fieldset", "figcaption", "figure", "footer", "form",
	"h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
	"iframe", "legend", "li", "main", "menu", "nav", "noscript", "object",
	"ol", "p", "pre", "script", "section", "style", "summary", "table",
	"tbody", "td", "template", "textarea", "tfoot", "th", "thead", "tr",
	"ul", "video", NULL};

static const char *const void_tags[] = {
	"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
	"meta", "param", "source", "track", "wbr", NULL};

/* Elements whose content is text up to the end tag, not markup. */
static const char *const rawtext_tags[] = {
	"script", "style", "textarea", "iframe", "xmp", "noscript", "title",
	NULL};

static bool in_list(const char *const *list, const char *s, size_t n)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && strncasecmp(list[i], s, n) == 0)
			return true;
	return false;
}

typedef struct tag {
	const char *name;  /* points into the text */
	size_t namelen;
	const char *attrs; /* between the name and '>' */
	size_t attrslen;
	const char *end;   /* just after '>' */
	bool closing, self_closing;
} tag;

/* Parse an HTML tag at p ('<').  Quoted values may hold '>' and may run
 * over lines (at most 64 KiB).  Returns false if it is not a tag. */
static bool parse_tag(const char *p, const char *end, tag *t)
{
	memset(t, 0, sizeof *t);
	if (p >= end || *p != '<')
		return false;
	const char *q = p + 1;
	if (q < end && *q == '/') {
		t->closing = true;
		q++;
	}
	if (q >= end || !isalpha((unsigned char)*q))
		return false;
	t->name = q;
	while (q < end && (isalnum((unsigned char)*q) || *q == '-'))
		q++;
	t->namelen = (size_t)(q - t->name);
	if (q < end && !is_space(*q) && *q != '>' && *q != '/')
		return false;
	t->attrs = q;
	const char *limit = end - q > 65536 ? q + 65536 : end;
	char quote = 0;
	for (; q < limit; q++) {
		if (quote) {
			if (*q == quote)
				quote = 0;
			continue;
		}
		if (*q == '"' || *q == '\'') {
			if (q > t->attrs && q[-1] == '=')
				quote = *q;
			continue;
		}
		if (*q == '>') {
			t->attrslen = (size_t)(q - t->attrs);
			t->self_closing = q > t->attrs && q[-1] == '/';
			t->end = q + 1;
			return true;
		}
		if (*q == '<')
			return false;
	}
	return false;
}

static bool name_is(const tag *t, const char *s, size_t n)
{
	return t->namelen == n && strncasecmp(t->name, s, n) == 0;
}

/* Find the end of the element whose start tag is t: just past its
 * matching end tag, counting nested elements of the same name and
 * skipping comments.  NULL if never closed. */
static const char *element_end(const tag *t, const char *end)
{
	if (t->self_closing || in_list(void_tags, t->name, t->namelen))
		return t->end;
	bool raw = in_list(rawtext_tags, t->name, t->namelen);
	int depth = 1;
	const char *p = t->end;
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		if (!lt)
			return NULL;
		if (!raw && end - lt >= 4 && memcmp(lt, "<!--", 4) == 0) {
			const char *c = lt + 4;
			const char *e = NULL;
			while (c + 3 <= end) {
				const char *m = memchr(c, '-', (size_t)(end - c));
				if (!m || m + 3 > end)
					break;
				if (memcmp(m, "-->", 3) == 0) {
					e = m + 3;
					break;
				}
				c = m + 1;
			}
			if (!e)
				return NULL;
			p = e;
			continue;
		}
		tag u;
		if (parse_tag(lt, end, &u) && name_is(&u, t->name, t->namelen)) {
			if (u.closing) {
				if (--depth == 0)
					return u.end;
			} else if (!raw && !u.self_closing) {
				depth++;
			}
			p = u.end;
			continue;
		}
		p = lt + 1;
	}
	return NULL;
}

static size_t add_ial(mc_fe *fe, const char *s, size_t n, uint32_t line,
                      uint32_t col)
{
	MC_GROW(fe->ials, fe->nials, fe->capials, 32);
	mc_ial *ial = &fe->ials[fe->nials];
	memset(ial, 0, sizeof *ial);
	ial->text = mc_strndup(fe->doc, s, n);
	mc_fe_liquid_pos(fe, line, col, &ial->line, &ial->col);
	/* body: after "{:" or "{", before "}" */
	const char *b = s + 1, *e = s + n - 1;
	if (b < e && *b == ':')
		b++;
	if (b < e && *b == ':') /* {::extension} - no attributes */
		b = e;
	else if (b < e) {
		/* an ALD "{:name: attrs}" defines, applies nothing */
		const char *c = b;
		while (c < e && (isalnum((unsigned char)*c) || *c == '_' ||
		                 *c == '-'))
			c++;
		if (c > b && c < e && *c == ':')
			b = e;
	}
	mc_fe_parse_attrs(fe, b, (size_t)(e - b), &ial->attrs);
	return fe->nials++;
}

/* End of an IAL starting at s ("{:" / "{#" / "{."), or NULL. */
static const char *ial_end(const char *s, const char *end)
{
	const char *p = s + 1;
	char quote = 0;
	for (; p < end && *p != '\n'; p++) {
		size_t q;
		if (quote) {
			if (*p == quote)
				quote = 0;
			continue;
		}
		if (*p == '"' || *p == '\'') {
			quote = *p;
			continue;
		}
		if ((q = curly_quote(p, end)) != 0) {
			p += q - 1;
			continue;
		}
		if (*p == '}')
			return p + 1;
		if (*p == '{')
			return NULL;
	}
	return NULL;
}

/* ---------------------------------------------------------------- */
/* kramdown extensions, ALDs, abbreviations (pre-pass)               */

static size_t add_chunk(mc_fe *fe, const char *s, size_t n, uint32_t line,
                        uint32_t col);
static uint32_t count_nl(const char *a, const char *b);

/* A kramdown extension tag at s ("{::name ...}" or "{:/name}"): its name
 * and whether it closes itself ("{::comment /}"); the end of the tag, or
 * NULL if s holds none. */
static const char *ext_tag(const char *s, const char *end, const char **name,
                           size_t *namelen, bool *self_closing)
{
	if (end - s < 4 || s[0] != '{' || s[1] != ':' ||
	    (s[2] != ':' && s[2] != '/'))
		return NULL;
	const char *e = ial_end(s, end);
	if (!e)
		return NULL;
	const char *n = s + 3, *q = n;
	while (q < e && (isalnum((unsigned char)*q) || *q == '_' || *q == '-'))
		q++;
	*name = n;
	*namelen = (size_t)(q - n);
	const char *b = e - 2; /* before '}' */
	while (b > q && is_space(*b))
		b--;
	*self_closing = s[2] == ':' && b >= q && *b == '/';
	return e;
}

static bool ext_is(const char *name, size_t n, const char *want)
{
	return n == strlen(want) && strncmp(name, want, n) == 0;
}

/* The closing tag of extension `name` ("{:/name}" or "{:/}") in [s, end),
 * or NULL; *after is set past it. */
static const char *ext_close(const char *s, const char *end, const char *name,
                             size_t namelen, const char **after)
{
	for (const char *p = s; p + 4 <= end; p++) {
		p = memchr(p, '{', (size_t)(end - p));
		if (!p || end - p < 4)
			return NULL;
		if (p[1] != ':' || p[2] != '/')
			continue;
		const char *q = p + 3;
		if (*q == '}' || ((size_t)(end - q) > namelen &&
		                  strncmp(q, name, namelen) == 0 &&
		                  q[namelen] == '}')) {
			*after = q + (*q == '}' ? 1 : namelen + 1);
			return p;
		}
	}
	return NULL;
}

/* Append s[0..n) to md with Markdown's punctuation escaped outside HTML
 * tags: the content of a span {::nomarkdown}, which kramdown passes on
 * as it is. */
static void put_nomarkdown(mc_buf *md, const char *s, size_t n)
{
	bool in_tag = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '<')
			in_tag = true;
		else if (c == '>')
			in_tag = false;
		else if (!in_tag && strchr("\\`*_[]!#~|{}", c) && c)
			mc_buf_putc(md, '\\');
		mc_buf_putc(md, c);
	}
}

/* A warning at a line and column of the text after Liquid, told at the
 * source's (included text: at its include tag). */
#define pre_warn(fe, l, c, ...)                                            \
	do {                                                               \
		uint32_t pw_l, pw_c;                                       \
		mc_fe_liquid_pos((fe), (l), (c), &pw_l, &pw_c);            \
		mc_warn((fe)->diag, pw_l, pw_c, __VA_ARGS__);              \
	} while (0)

/* A span-level extension at p (inside a line of text): what it stands for
 * is appended to md; returns the end of what it used, or NULL if p holds
 * none. */
static const char *span_extension(mc_fe *fe, const char *p, const char *end,
                                  uint32_t line, uint32_t col, bool *unclosed)
{
	const char *name;
	size_t nl;
	bool self;
	const char *e = ext_tag(p, end, &name, &nl, &self);
	if (!e)
		return NULL;
	if (p[2] == '/') {
		if (!unclosed[2]) /* once a line */
			pre_warn(fe, line, col,
			        "%.*s closes no kramdown extension; dropped",
			        (int)(e - p), p);
		unclosed[2] = true;
		return e;
	}
	if (self || ext_is(name, nl, "options"))
		return e; /* {::comment /}, {::options ... /}: nothing */
	if (ext_is(name, nl, "comment") || ext_is(name, nl, "nomarkdown")) {
		const char *after;
		/* unclosed[0], [1]: a search found no closing tag of a
		 * comment, a nomarkdown on the rest of the line (no need
		 * to look again); [2]: a bad tag warned about on the line */
		bool *none = &unclosed[name[0] == 'n'];
		const char *c = *none ? NULL : ext_close(e, end, name, nl, &after);
		if (!c && *none)
			return e; /* warned about on this line already */
		if (!c) {
			*none = true;
			pre_warn(fe, line, col,
			        "{::%.*s} is not closed on its line (by {:/%.*s}); "
			        "the tag is dropped",
			        (int)nl, name, (int)nl, name);
			return e;
		}
		if (name[0] == 'n')
			put_nomarkdown(&fe->md, e, (size_t)(c - e));
		return after;
	}
	if (!unclosed[2]) /* once a line */
		pre_warn(fe, line, col,
		        "unknown kramdown extension {::%.*s}; the tag is dropped",
		        (int)nl, name);
	unclosed[2] = true;
	return e;
}

static void add_ald(mc_fe *fe, const char *name, size_t n, const char *a,
                    size_t an, uint32_t line, uint32_t col)
{
	if (fe->nalds >= MC_MAX_ALDS) {
		if (!fe->alds_capped)
			pre_warn(fe, line, col,
			        "more than %d attribute list definitions; {:%.*s:} "
			        "and those after it are ignored",
			        MC_MAX_ALDS, (int)(n > 40 ? 40 : n), name);
		fe->alds_capped = true;
		return;
	}
	MC_GROW(fe->alds, fe->nalds, fe->capalds, 16);
	mc_ald *d = &fe->alds[fe->nalds++];
	char *nm = (char *)mc_strndup(fe->doc, name, n);
	for (char *c = nm; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	d->name = nm;
	mc_fe_parse_attrs(fe, a, an, &d->attrs);
	mc_fe_liquid_pos(fe, line, col, &d->line, &d->col);
}

static void add_abbr(mc_fe *fe, const char *abbr, size_t n, const char *t,
                     size_t tn, uint32_t line)
{
	MC_GROW(fe->abbrs, fe->nabbrs, fe->capabbrs, 16);
	if (fe->nabbrs >= MC_MAX_ABBRS) {
		if (!fe->abbrs_capped)
			pre_warn(fe, line, 1,
			        "more than %d abbreviations; *[%.*s] and those "
			        "after it are ignored",
			        MC_MAX_ABBRS, (int)(n > 40 ? 40 : n), abbr);
		fe->abbrs_capped = true;
		return;
	}
	while (tn && is_space(t[tn - 1]))
		tn--;
	while (tn && is_space(*t))
		t++, tn--;
	/* a later definition of the same abbreviation wins, as in kramdown */
	for (size_t i = 0; i < fe->nabbrs; i++)
		if (strlen(fe->abbrs[i].abbr) == n &&
		    strncmp(fe->abbrs[i].abbr, abbr, n) == 0) {
			fe->abbrs[i].title = mc_strndup(fe->doc, t, tn);
			return;
		}
	fe->abbrs[fe->nabbrs].abbr = mc_strndup(fe->doc, abbr, n);
	fe->abbrs[fe->nabbrs].title = mc_strndup(fe->doc, t, tn);
	fe->nabbrs++;
}

static bool blank_line(const char *s, const char *eol)
{
	while (s < eol && (*s == ' ' || *s == '\t'))
		s++;
	return s == eol;
}

/* kramdown's block-level lines that are no Markdown: a block extension
 * ({::comment} ... {:/comment}, {::nomarkdown} ... {:/nomarkdown},
 * {::options ... /}), an attribute list definition ({:name: .cls}), an
 * abbreviation definition (*[ABBR]: title) and an end-of-block marker
 * (^).  p starts a source line; returns where to go on (the start of a
 * line) with *line advanced, or NULL if the line is none of these. */
static const char *kd_block(mc_fe *fe, const char *p, const char *end,
                            uint32_t *line, const char *noclose[2])
{
	const char *eol = p + line_len(p, end);
	const char *next = eol < end ? eol + 1 : end;
	const char *q = p;
	while (q < eol && q - p < 4 && *q == ' ')
		q++;
	if (q - p >= 4 || q >= eol)
		return NULL;
	uint32_t col = 1 + (uint32_t)(q - p);
	if (*q == '^' && blank_line(q + 1, eol)) {
		/* end-of-block marker: ends the block before it */
		emit_line(fe, "", 0, *line, 1);
		(*line)++;
		return next;
	}
	if (*q == '*' && q + 1 < eol && q[1] == '[') {
		const char *c = memchr(q + 2, ']', (size_t)(eol - q - 2));
		if (!c || c == q + 2 || c + 1 >= eol || c[1] != ':')
			return NULL;
		add_abbr(fe, q + 2, (size_t)(c - q - 2), c + 2,
		         (size_t)(eol - c - 2), *line);
		(*line)++;
		return next;
	}
	if (*q != '{' || q + 1 >= eol || q[1] != ':')
		return NULL;
	const char *name;
	size_t nl;
	bool self;
	const char *e = ext_tag(q, eol, &name, &nl, &self);
	if (e) {
		if (!blank_line(e, eol))
			return NULL; /* text follows: a span extension */
		if (q[2] == '/') {
			pre_warn(fe, *line, col,
			        "%.*s closes no kramdown extension; dropped",
			        (int)(e - q), q);
			(*line)++;
			return next;
		}
		bool known = ext_is(name, nl, "comment") ||
		             ext_is(name, nl, "nomarkdown") ||
		             ext_is(name, nl, "options");
		if (!known)
			pre_warn(fe, *line, col,
			        "unknown kramdown extension {::%.*s}; the tag is "
			        "dropped",
			        (int)nl, name);
		if (self || !known || ext_is(name, nl, "options")) {
			(*line)++;
			return next;
		}
		/* noclose[k]: no closing tag of a comment (k 0) or a
		 * nomarkdown (1) after it: no need to look again */
		const char **nc = &noclose[name[0] == 'n'];
		const char *after;
		const char *c = *nc && next >= *nc
		                        ? NULL
		                        : ext_close(next, end, name, nl, &after);
		if (!c && !(*nc && next >= *nc))
			*nc = next;
		if (!c) {
			pre_warn(fe, *line, col,
			        "{::%.*s} is never closed (by {:/%.*s}); the tag is "
			        "dropped",
			        (int)nl, name, (int)nl, name);
			(*line)++;
			return next;
		}
		if (name[0] == 'n' && c > next) {
			size_t idx = add_chunk(fe, next, (size_t)(c - next),
			                       *line + 1, 1);
			emit_marker(fe, 'r', idx, *line + 1, 1);
		}
		/* on after the line holding the closing tag */
		const char *ce = after + line_len(after, end);
		if (!blank_line(after, ce))
			pre_warn(fe, *line + count_nl(p, after), 0,
			        "text after {:/%.*s} on its line is dropped",
			        (int)nl, name);
		*line += count_nl(p, ce) + (ce < end);
		return ce < end ? ce + 1 : end;
	}
	/* {:name: attrs} */
	const char *n0 = q + 2, *n1 = n0;
	while (n1 < eol && (isalnum((unsigned char)*n1) || *n1 == '_' ||
	                    *n1 == '-'))
		n1++;
	if (n1 == n0 || n1 >= eol || *n1 != ':' ||
	    !isalnum((unsigned char)*n0))
		return NULL;
	e = ial_end(q, eol);
	if (!e || !blank_line(e, eol))
		return NULL;
	add_ald(fe, n0, (size_t)(n1 - n0), n1 + 1, (size_t)(e - 1 - n1 - 1),
	        *line, col);
	(*line)++;
	return next;
}

/* Whether a block IAL's line (s .. eol) directly follows and precedes
 * text: kramdown gives it to the block before it, else to the block
 * after it. */
static void ial_neighbours(const mc_fe *fe, mc_ial *ial, const char *s,
                           const char *eol)
{
	const char *b0 = fe->body, *bend = fe->body + fe->bodylen;
	ial->after_text = false;
	ial->before_text = false;
	if (s < b0 || eol > bend)
		return;
	if (s > b0 && s[-1] == '\n') {
		const char *ps = s - 1;
		while (ps > b0 && ps[-1] != '\n')
			ps--;
		ial->after_text = !blank_line(ps, s - 1);
	}
	if (eol < bend && *eol == '\n') {
		const char *ns = eol + 1;
		ial->before_text = ns < bend && !blank_line(ns, ns +
		                                            line_len(ns, bend));
	}
}

/* Whether the source line after the one ending at eol underlines it as
 * a Setext heading ("===" or "---" alone, <= 3 spaces in). */
static bool setext_next(const mc_fe *fe, const char *eol)
{
	const char *bend = fe->body + fe->bodylen;
	if (eol < fe->body || eol >= bend || *eol != '\n')
		return false;
	const char *p = eol + 1, *e = p + line_len(p, bend);
	while (p < e && p - (eol + 1) < 3 && *p == ' ')
		p++;
	if (p >= e || (*p != '=' && *p != '-'))
		return false;
	char ch = *p;
	while (p < e && *p == ch)
		p++;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p == e;
}

/* kramdown's guillemets at p ("<<" or ">>"): the text since `copied`,
 * then « or » ("<< " and " >>" with a no-break space inside) into md;
 * returns how many bytes of p were used. */
static size_t guillemet(mc_buf *md, const char *copied, const char *p,
                        const char *end)
{
	bool open = *p == '<';
	size_t used = 2;
	const char *upto = p;
	if (!open && upto > copied && upto[-1] == ' ')
		upto--; /* " >>" */
	mc_buf_put(md, copied, (size_t)(upto - copied));
	if (open) {
		mc_buf_puts(md, "\xC2\xAB");
		if (p + 2 < end && p[2] == ' ') {
			mc_buf_puts(md, "\xC2\xA0");
			used = 3;
		}
	} else {
		if (upto < p)
			mc_buf_puts(md, "\xC2\xA0");
		mc_buf_puts(md, "\xC2\xBB");
	}
	return used;
}

/* Copy a line of Markdown text, replacing IALs by sentinels outside code
 * spans.  `heading` allows kramdown's "{#id}" header ids at the end. */
static void emit_text_line(mc_fe *fe, const char *s, size_t n, uint32_t line,
                           uint32_t col)
{
	const char *p = s, *end = s + n, *copied = s;
	bool heading = false;
	{
		const char *h = s;
		while (h < end && *h == ' ')
			h++;
		heading = (h < end && *h == '#') || setext_next(fe, end);
	}
	size_t start = fe->md.len;
	bool unclosed[3] = {false, false, false}; /* see span_extension */
	/* kramdown's guillemets, not in an indented code block (nor in the
	 * quote markers a line starts with) */
	const char *lead = s;
	while (lead < end && (*lead == ' ' || *lead == '>'))
		lead++;
	size_t sp = 0;
	while (sp < n && s[sp] == ' ')
		sp++;
	bool guill = sp < 4 && !(sp < n && s[sp] == '\t');
	while (p < end) {
		if (guill && p >= lead && (*p == '<' || *p == '>') &&
		    p + 1 < end && p[1] == *p) {
			size_t k = guillemet(&fe->md, copied, p, end);
			p = copied = p + k;
			continue;
		}
		if (*p == '`') {
			const char *r = p;
			while (r < end && *r == '`')
				r++;
			size_t k = (size_t)(r - p);
			/* find a closing run of exactly k backticks */
			const char *q = r;
			const char *close = NULL;
			while (q < end) {
				if (*q == '`') {
					const char *w = q;
					while (w < end && *w == '`')
						w++;
					if ((size_t)(w - q) == k) {
						close = w;
						break;
					}
					q = w;
				} else {
					q++;
				}
			}
			p = close ? close : r;
			continue;
		}
		if (*p == '\\' && p + 1 < end) {
			p += 2;
			continue;
		}
		if (*p == '{' && end - p >= 3 && p[1] == ':' &&
		    (p[2] == ':' || p[2] == '/')) {
			mc_buf_put(&fe->md, copied, (size_t)(p - copied));
			const char *e = span_extension(fe, p, end, line,
			                               col + (uint32_t)(p - s),
			                               unclosed);
			if (e) {
				/* a space on both sides of what went is one */
				if (fe->md.len && fe->md.data[fe->md.len - 1] == ' ' &&
				    e < end && *e == ' ')
					e++;
				p = copied = e;
				continue;
			}
			copied = p;
		}
		if (*p == '{' && p + 1 < end &&
		    (p[1] == ':' || (heading && (p[1] == '#' || p[1] == '.')))) {
			const char *e = ial_end(p, end);
			if (e) {
				size_t idx = add_ial(fe, p, (size_t)(e - p), line,
				                     col + (uint32_t)(p - s));
				fe->ials[idx].margin = p == s && col == 1 &&
				                       blank_line(e, end);
				if (fe->ials[idx].margin)
					ial_neighbours(fe, &fe->ials[idx], s, end);
				mc_buf_put(&fe->md, copied, (size_t)(p - copied));
				mc_buf_printf(&fe->md, MC_IAL_OPEN "%zu" MC_IAL_CLOSE,
				              idx);
				p = copied = e;
				continue;
			}
		}
		p++;
	}
	mc_buf_put(&fe->md, copied, (size_t)(end - copied));
	(void)start;
	mc_buf_putc(&fe->md, '\n');
	map_push(fe, line, col);
}

static size_t add_chunk(mc_fe *fe, const char *s, size_t n, uint32_t line,
                        uint32_t col)
{
	MC_GROW(fe->chunks, fe->nchunks, fe->capchunks, 32);
	mc_chunk *c = &fe->chunks[fe->nchunks];
	c->text = s;
	c->len = n;
	mc_fe_liquid_pos(fe, line, col, &c->line, &c->col);
	return fe->nchunks++;
}

/* A container for the element of tag t, its attributes a (parsed from
 * t's: markdown_attr). */
static size_t add_container(mc_fe *fe, const tag *t, const mc_attrs *a,
                            uint32_t line, uint32_t col)
{
	MC_GROW(fe->conts, fe->nconts, fe->capconts, 16);
	mc_container *c = &fe->conts[fe->nconts];
	char *name = (char *)mc_strndup(fe->doc, t->name, t->namelen);
	for (char *q = name; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	c->tag = name;
	c->attrs = *a;
	mc_fe_liquid_pos(fe, line, col, &c->line, &c->col);
	c->node = MC_DOCUMENT;
	return fe->nconts++;
}

/* Whether an element says markdown="span": kramdown reads its content
 * as text, no blocks in it. */
static bool span_mode(const mc_attrs *a)
{
	const char *v = mc_attr_get(a, "markdown");
	return v && strcasecmp(v, "span") == 0;
}

/* A line of a markdown="span" element's content: text of its one
 * paragraph, so blank lines are left out and what would start a block
 * (a heading's #, a list's marker, a quote's >, indentation...) is
 * escaped to stay text. */
static void emit_span_line(mc_fe *fe, const char *s, size_t n, uint32_t line,
                           uint32_t col)
{
	const char *p = s, *end = s + n;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end)
		return;
	col += (uint32_t)(p - s);
	const char *q = p;
	while (q < end && isdigit((unsigned char)*q))
		q++;
	if (q == p && strchr("#*-+>=|`~:_", *p)) {
		mc_buf_putc(&fe->md, '\\');
	} else if (q > p && q < end && (*q == '.' || *q == ')')) {
		mc_buf_put(&fe->md, p, (size_t)(q - p));
		mc_buf_putc(&fe->md, '\\');
		col += (uint32_t)(q - p);
		p = q;
	}
	emit_text_line(fe, p, (size_t)(end - p), line, col);
}

/* Whether tag t has a markdown="1" (block, span) attribute; its
 * attributes parsed into *a when it has one named markdown at all.  A
 * tag without the word cannot have it (names are taken as written, only
 * lower-cased), so most are not parsed: their attributes would be left
 * in the document's arena for nothing. */
static bool markdown_attr(mc_fe *fe, const tag *t, mc_attrs *a)
{
	a->v = NULL;
	a->n = 0;
	static const char word[] = "markdown";
	size_t k = sizeof word - 1, i = 0;
	for (; i + k <= t->attrslen; i++)
		if (strncasecmp(t->attrs + i, word, k) == 0)
			break;
	if (i + k > t->attrslen)
		return false;
	mc_fe_parse_attrs(fe, t->attrs, t->attrslen, a);
	const char *v = mc_attr_get(a, "markdown");
	return v && (strcmp(v, "1") == 0 || strcasecmp(v, "block") == 0 ||
	             strcasecmp(v, "span") == 0);
}

/* Count newlines in [a, b). */
static uint32_t count_nl(const char *a, const char *b)
{
	uint32_t n = 0;
	while (a < b) {
		const char *q = memchr(a, '\n', (size_t)(b - a));
		if (!q)
			break;
		n++;
		a = q + 1;
	}
	return n;
}

/* ---------------------------------------------------------------- */
/* kramdown definition lists (pre-pass)                              */

/* A definition line ": text" (<= 3 spaces in); the text's offset. */
static bool def_line(const char *p, const char *eol, size_t *text_off)
{
	const char *q = p;
	while (q < eol && q - p < 4 && *q == ' ')
		q++;
	if (q - p >= 4 || q >= eol || *q != ':' || q + 1 >= eol ||
	    (q[1] != ' ' && q[1] != '\t'))
		return false;
	const char *t = q + 1;
	while (t < eol && t - q <= 4 && (*t == ' ' || *t == '\t'))
		t++;
	*text_off = (size_t)(t - p);
	return true;
}

/* A line that can be a definition term: plain text, no other block. */
static bool term_line(const char *p, const char *eol)
{
	const char *q = p;
	size_t off;
	/* at the margin: an indented line may belong to a list item */
	if (q >= eol || *q == ' ' || *q == '\t' || def_line(p, eol, &off))
		return false;
	unsigned char c = (unsigned char)*q;
	if (strchr("#>|<`~{=^", c) || (c == '*' && q + 1 < eol && q[1] == '['))
		return false;
	if ((c == '-' || c == '*' || c == '+') &&
	    (q + 1 == eol || q[1] == ' ' || q[1] == '\t' || q[1] == c))
		return false;
	if (isdigit(c)) {
		const char *d = q;
		while (d < eol && isdigit((unsigned char)*d))
			d++;
		if (d < eol && (*d == '.' || *d == ')'))
			return false;
	}
	return true;
}

static const char *next_line(const char *p, const char *end)
{
	const char *e = p + line_len(p, end);
	return e < end ? e + 1 : end;
}

/* Whether the lines at p are the terms of a definition list: 1..64 term
 * lines, then (after blank lines, at most one) a definition line. */
static bool deflist_ahead(const char *p, const char *end)
{
	int n = 0;
	while (p < end && n < 64) {
		const char *eol = p + line_len(p, end);
		if (!term_line(p, eol))
			break;
		n++;
		p = next_line(p, end);
	}
	if (n == 0 || p >= end)
		return false;
	const char *eol = p + line_len(p, end);
	if (blank_line(p, eol)) {
		p = next_line(p, end);
		eol = p + line_len(p, end);
	}
	size_t off;
	return p < end && def_line(p, eol, &off);
}

static size_t add_kd_part(mc_fe *fe, mc_node_type type, uint32_t line)
{
	MC_GROW(fe->conts, fe->nconts, fe->capconts, 16);
	mc_container *c = &fe->conts[fe->nconts];
	memset(c, 0, sizeof *c);
	c->tag = type == MC_DEFLIST ? "dl" : type == MC_DEFTERM ? "dt" : "dd";
	mc_fe_liquid_pos(fe, line, 1, &c->line, &c->col);
	c->node = type;
	return fe->nconts++;
}

/* Leading whitespace of a line as columns (a tab to the next stop of 4). */
static size_t indent_of(const char *p, const char *eol, size_t *bytes)
{
	size_t w = 0;
	const char *q = p;
	while (q < eol && (*q == ' ' || *q == '\t')) {
		w = *q == '\t' ? (w / 4 + 1) * 4 : w + 1;
		q++;
	}
	*bytes = (size_t)(q - p);
	return w;
}

/* A kramdown definition list at p (deflist_ahead said so): terms, then
 * definitions (": text", their lines indented below them), again and
 * again while terms and definitions follow.  Emitted as container
 * markers around the terms' and definitions' text.  Returns where to go
 * on (a line start), *line advanced. */
static const char *deflist(mc_fe *fe, const char *p, const char *end,
                           uint32_t *line)
{
	size_t dl = add_kd_part(fe, MC_DEFLIST, *line);
	emit_marker(fe, 'o', dl, *line, 1);
	for (;;) {
		/* terms */
		while (p < end) {
			const char *eol = p + line_len(p, end);
			if (!term_line(p, eol))
				break;
			size_t dt = add_kd_part(fe, MC_DEFTERM, *line);
			emit_marker(fe, 'o', dt, *line, 1);
			emit_text_line(fe, p, (size_t)(eol - p), *line, 1);
			emit_marker(fe, 'c', dt, *line, 1);
			p = next_line(p, end);
			(*line)++;
		}
		if (p < end && blank_line(p, p + line_len(p, end))) {
			p = next_line(p, end);
			(*line)++;
		}
		/* definitions */
		size_t off;
		bool any = false;
		while (p < end && def_line(p, p + line_len(p, end), &off)) {
			any = true;
			const char *eol = p + line_len(p, end);
			size_t dd = add_kd_part(fe, MC_DEFDESC, *line);
			emit_marker(fe, 'o', dd, *line, 1);
			emit_text_line(fe, p + off, (size_t)(eol - p - off), *line,
			               1 + (uint32_t)off);
			size_t ind = off > 4 ? 4 : off;
			p = next_line(p, end);
			(*line)++;
			uint32_t blanks = 0;
			bool text = true; /* the last line emitted was text */
			while (p < end) {
				const char *e2 = p + line_len(p, end);
				size_t b;
				size_t w = indent_of(p, e2, &b);
				if (blank_line(p, e2)) {
					blanks++;
				} else if (w >= ind) {
					for (; blanks; blanks--)
						emit_line(fe, "", 0, *line - blanks, 1);
					/* strip ind columns of indentation */
					size_t k = 0, cols = 0;
					while (k < b && cols < ind) {
						cols = p[k] == '\t' ? (cols / 4 + 1) * 4
						                    : cols + 1;
						k++;
					}
					emit_text_line(fe, p + k, (size_t)(e2 - p - k),
					               *line, 1 + (uint32_t)k);
					text = true;
				} else if (!blanks && text && term_line(p, e2)) {
					/* a lazy continuation of the paragraph */
					emit_text_line(fe, p, (size_t)(e2 - p), *line, 1);
				} else {
					break;
				}
				p = next_line(p, end);
				(*line)++;
			}
			emit_marker(fe, 'c', dd, *line, 1);
			/* blank lines after it stay for what follows */
			for (; blanks; blanks--)
				emit_line(fe, "", 0, *line - blanks, 1);
		}
		if (!any || p >= end || !deflist_ahead(p, end))
			break;
	}
	emit_marker(fe, 'c', dl, *line, 1);
	return p;
}

/* Whether the pre-passed text so far ends where a paragraph may start:
 * at its start, after a blank line or after a marker. */
static bool at_block_start(const mc_fe *fe)
{
	const mc_buf *md = &fe->md;
	if (md->len == 0)
		return true;
	if (md->len >= 2 && md->data[md->len - 2] == '\n')
		return true;
	size_t i = md->len - 1; /* the last line's start */
	while (i > 0 && md->data[i - 1] != '\n')
		i--;
	return md->len - i > 4 + MC_SENTINEL_LEN &&
	       memcmp(md->data + i, "<!--" MC_MARK, 4 + MC_SENTINEL_LEN) == 0;
}

typedef struct open_cont {
	size_t idx;
	bool span;       /* markdown="span": its content is one paragraph */
	const char *tag; /* lower-case */
	size_t taglen;
} open_cont;

/* Fenced code state: the fence char and length, 0 when outside. */
typedef struct fence {
	char ch;
	size_t len;
} fence;

static bool fence_line(const char *s, size_t n, fence *f)
{
	size_t i = 0;
	while (i < n && i < 16 && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= n || (s[i] != '`' && s[i] != '~'))
		return false;
	char ch = s[i];
	size_t k = i;
	while (k < n && s[k] == ch)
		k++;
	if (k - i < 3)
		return false;
	if (f->ch == 0) {
		if (ch == '`' && memchr(s + k, '`', n - k))
			return false; /* "```a`" is not a fence */
		f->ch = ch;
		f->len = k - i;
		return true;
	}
	if (ch != f->ch || k - i < f->len)
		return false;
	while (k < n && (s[k] == ' ' || s[k] == '\t'))
		k++;
	if (k != n)
		return false;
	f->ch = 0;
	return true;
}

/* Record a place where the Markdown may be cut, if the line about to be
 * emitted (starting with c) is one; see internal.h. */
static void maybe_cut(mc_fe *fe, const char *line, size_t n)
{
	const mc_buf *md = &fe->md;
	if (md->len < 2 || md->data[md->len - 1] != '\n' ||
	    md->data[md->len - 2] != '\n' || n == 0)
		return;
	unsigned char c = (unsigned char)line[0];
	if (c == ' ' || c == '\t' || c == '>' || c == '*' || c == '-' ||
	    c == '+' || c == '=' || c == '|' || c == ':' || isdigit(c))
		return;
	if (fe->ncuts && md->len - fe->cut_off[fe->ncuts - 1] < 32768)
		return; /* pieces of at least 32 KiB */
	if (fe->ncuts == fe->capcuts) {
		fe->capcuts = fe->capcuts ? fe->capcuts * 2 : 64;
		fe->cut_off = mc_xrealloc(fe->cut_off,
		                          fe->capcuts * sizeof(size_t));
		fe->cut_line = mc_xrealloc(fe->cut_line,
		                           fe->capcuts * sizeof(uint32_t));
	}
	fe->cut_off[fe->ncuts] = md->len;
	fe->cut_line[fe->ncuts] = (uint32_t)fe->nmap + 1;
	fe->ncuts++;
}

/* "[label]: url" or "[^note]: text" at the start of a line. */
static bool ref_def(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && i < 3 && s[i] == ' ')
		i++;
	if (i >= n || s[i] != '[')
		return false;
	const char *close = memchr(s + i, ']', n - i);
	return close && close + 1 < s + n && close[1] == ':';
}

/* Go on after r on the current line: with the rest of the line if it
 * holds more than blanks (its column kept), else with the next line. */
static void rest_of_line(const char *r, const char *eol, const char *next,
                         const char **p, uint32_t *line, uint32_t *col)
{
	const char *q = r;
	while (q < eol && (*q == ' ' || *q == '\t'))
		q++;
	if (q < eol) {
		*col += (uint32_t)(q - *p);
		*p = q;
	} else {
		*p = next;
		(*line)++;
		*col = 1;
	}
}

void mc_fe_release_body(mc_fe *fe)
{
	if (!fe->body)
		return;
	size_t total = 0;
	for (size_t i = 0; i < fe->nchunks; i++)
		total += fe->chunks[i].len;
	if (fe->nchunks) {
		char *t = mc_xmalloc(total + 1);
		size_t off = 0;
		for (size_t i = 0; i < fe->nchunks; i++) {
			mc_chunk *c = &fe->chunks[i];
			memcpy(t + off, c->text, c->len);
			c->text = t + off;
			off += c->len;
		}
		t[off] = '\0';
		free(fe->chunk_text);
		fe->chunk_text = t;
	}
	fe->body_words = mc_fe_source_words(fe->body, fe->bodylen);
	free(fe->src);
	fe->src = NULL;
	fe->srclen = 0;
	free(fe->liquid_body);
	fe->liquid_body = NULL;
	fe->body = NULL;
	fe->bodylen = 0;
}

int mc_fe_prepass(mc_fe *fe)
{
	const char *s = fe->body, *end = fe->body + fe->bodylen;
	uint32_t line = fe->body_line;
	open_cont stack[MC_MAX_DEPTH];
	size_t depth = 0;
	fence f = {0, 0};
	bool warned_depth = false;
	bool comment = false; /* inside a multi-line <!-- --> HTML block */
	const char *noclose[2] = {NULL, NULL}; /* see kd_block */

	mc_buf_reserve(&fe->md, fe->bodylen + fe->bodylen / 8 + 64);
	const char *p = s;
	uint32_t col = 1; /* column of p in its source line */
	while (p < end) {
		size_t n = line_len(p, end);
		const char *eol = p + n;
		const char *next = eol < end ? eol + 1 : end;

		if (comment) {
			/* CommonMark ends the comment block at the line
			 * holding "-->"; nothing inside is looked at */
			if (has_str(p, n, "-->"))
				comment = false;
			emit_line(fe, p, n, line, col);
			p = next, line++, col = 1;
			continue;
		}
		if (f.ch) {
			fence_line(p, n, &f);
			emit_line(fe, p, n, line, col);
			p = next, line++, col = 1;
			continue;
		}
		if (depth == 0 && col == 1)
			maybe_cut(fe, p, n);
		{
			const char *c = p;
			while (c < eol && c - p < 4 && *c == ' ')
				c++;
			if (c - p < 4 && eol - c >= 4 && memcmp(c, "<!--", 4) == 0 &&
			    !has_str(c + 4, (size_t)(eol - c - 4), "-->")) {
				comment = true;
				emit_line(fe, p, n, line, col);
				p = next, line++, col = 1;
				continue;
			}
		}
		if (!fe->has_refdefs && ref_def(p, n))
			fe->has_refdefs = true;
		if (fence_line(p, n, &f)) {
			emit_line(fe, p, n, line, col);
			p = next, line++, col = 1;
			continue;
		}
		if (col == 1) {
			const char *k = kd_block(fe, p, end, &line, noclose);
			if (!k && at_block_start(fe) && deflist_ahead(p, end))
				k = deflist(fe, p, end, &line);
			if (k) {
				p = k;
				continue;
			}
		}
		/* an HTML tag at the start of the line (<= 3 spaces in) */
		const char *q = p;
		while (q < eol && q - p < 4 && *q == ' ')
			q++;
		tag t;
		if (q - p < 4 && q < eol && *q == '<' && parse_tag(q, end, &t)) {
			uint32_t tcol = col + (uint32_t)(q - p);
			if (t.closing && depth &&
			    name_is(&t, stack[depth - 1].tag,
			            stack[depth - 1].taglen)) {
				emit_marker(fe, 'c', stack[depth - 1].idx, line,
				            tcol);
				depth--;
				rest_of_line(t.end, eol, next, &p, &line, &col);
				continue;
			}
			if (!t.closing &&
			    in_list(block_tags, t.name, t.namelen)) {
				mc_attrs ta;
				if (markdown_attr(fe, &t, &ta) &&
				    !in_list(void_tags, t.name, t.namelen) &&
				    !in_list(rawtext_tags, t.name, t.namelen) &&
				    !t.self_closing) {
					if (depth == MC_MAX_DEPTH) {
						uint32_t wl, wc;
						mc_fe_liquid_pos(fe, line, tcol, &wl,
						                 &wc);
						if (!warned_depth)
							mc_warn(fe->diag, wl, wc,
							        "HTML nested deeper than %d "
							        "levels; inner elements are "
							        "flattened",
							        MC_MAX_DEPTH);
						warned_depth = true;
					} else {
						size_t idx = add_container(fe, &t, &ta, line,
						                           tcol);
						emit_marker(fe, 'o', idx, line, tcol);
						stack[depth].idx = idx;
						stack[depth].span = span_mode(&ta);
						stack[depth].tag = fe->conts[idx].tag;
						stack[depth].taglen =
							strlen(fe->conts[idx].tag);
						depth++;
					}
					line += count_nl(p, t.end);
					const char *tl = t.end;
					/* column of t.end within its line */
					const char *ls = tl;
					while (ls > s && ls[-1] != '\n')
						ls--;
					col = (ls == p ? col : 1) +
					      (uint32_t)(tl - (ls == p ? p : ls));
					p = tl;
					const char *e2 = p + line_len(p, end);
					const char *r = p;
					while (r < e2 && (*r == ' ' || *r == '\t'))
						r++;
					if (r == e2) {
						p = e2 < end ? e2 + 1 : end;
						line++, col = 1;
					}
					continue;
				}
				/* a raw HTML block: up to its matching end tag,
				 * then to the end of that line */
				const char *e = element_end(&t, end);
				if (!e) {
					uint32_t wl, wc;
					mc_fe_liquid_pos(fe, line, tcol, &wl, &wc);
					mc_warn(fe->diag, wl, wc,
					        "<%.*s> is never closed; it ends at "
					        "the next blank line",
					        (int)t.namelen, t.name);
					e = q;
					while (e < end) {
						size_t m = line_len(e, end);
						const char *w = e;
						while (w < e + m && (*w == ' ' || *w == '\t'))
							w++;
						if (w == e + m && e != q)
							break;
						e = e + m + (e + m < end);
					}
				}
				size_t idx = add_chunk(fe, q, (size_t)(e - q), line,
				                       tcol);
				emit_marker(fe, 'r', idx, line, tcol);
				/* the rest of the line (a closing tag of the
				 * container, another element) goes on as a line */
				line += count_nl(p, e);
				const char *ls = e;
				while (ls > s && ls[-1] != '\n')
					ls--;
				col = (ls == p ? col : 1) +
				      (uint32_t)(e - (ls == p ? p : ls));
				const char *le = e + line_len(e, end);
				const char *r = e;
				while (r < le && (*r == ' ' || *r == '\t'))
					r++;
				if (r < le) {
					col += (uint32_t)(r - e);
					p = r;
				} else {
					p = le < end ? le + 1 : end;
					line++, col = 1;
				}
				continue;
			}
		}
		/* a closing tag of the open container later in the line */
		if (depth) {
			const open_cont *oc = &stack[depth - 1];
			const char *h = p;
			const char *found = NULL;
			int opens = 0;
			while (h < eol) {
				const char *lt = memchr(h, '<', (size_t)(eol - h));
				if (!lt)
					break;
				tag u;
				if (parse_tag(lt, eol, &u) &&
				    name_is(&u, oc->tag, oc->taglen)) {
					if (!u.closing) {
						opens++;
					} else if (opens-- == 0) {
						found = lt;
						break;
					}
					h = u.end;
					continue;
				}
				h = lt + 1;
			}
			if (found) {
				tag u;
				parse_tag(found, eol, &u);
				if (found > p && oc->span)
					emit_span_line(fe, p, (size_t)(found - p),
					               line, col);
				else if (found > p)
					emit_text_line(fe, p, (size_t)(found - p),
					               line, col);
				emit_marker(fe, 'c', oc->idx, line,
				            col + (uint32_t)(found - p));
				depth--;
				rest_of_line(u.end, eol, next, &p, &line, &col);
				continue;
			}
		}
		if (depth && stack[depth - 1].span)
			emit_span_line(fe, p, n, line, col);
		else
			emit_text_line(fe, p, n, line, col);
		p = next, line++, col = 1;
	}
	while (depth) {
		const mc_container *c = &fe->conts[stack[depth - 1].idx];
		mc_warn(fe->diag, c->line, c->col,
		        "<%s markdown=\"1\"> is never closed", c->tag);
		emit_marker(fe, 'c', stack[depth - 1].idx, line, 1);
		depth--;
	}
	mc_buf_fit(&fe->md);
	return 0;
}
