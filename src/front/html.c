/*
 * html.c - raw HTML into the model (step 4 of internal.h).
 *
 * The HTML parser is gumbo, not libxml2's HTML parser: gumbo implements
 * the HTML5 parsing algorithm (what the browsers that show these courses
 * do: `<br/>`, unclosed `<p>`, misnested `<b><i>`, `<details>` and
 * `<iframe>` all come out as a browser would build them), it parses a
 * fragment in a given context, it records the source line of every
 * element, and it keeps no global state (libxml2 has process-wide error
 * handlers and parser initialisation), so several documents can be parsed
 * on several threads.
 *
 * What is kept: text, structure (p, headings, lists, tables with spans,
 * blockquote, pre, details/summary), inline markup (a, b/strong, i/em,
 * s/del, sup, sub, code, br, img), course boxes (callouts, colour
 * highlights), iframes as embeds (never fetched), form controls as a
 * reader of the page sees them (MC_CONTROL: a field with its value or
 * placeholder, a drop-down with its chosen option, a checkbox, a button;
 * a <form>, <fieldset> or <label> is transparent, a <legend> a bold
 * line), the fallback content of an <object>, or of a <video>/<audio>
 * that has no source.  What is dropped, told once per kind at the end
 * (lost.c) with the words of text lost: script, style, meta, link,
 * title, noscript, svg, embed/applet/frames, the fallback text of an
 * embed; also event handler attributes (on*) and links to
 * javascript:/vbscript:/data: URLs (their text kept).  Unknown elements
 * are transparent: their content is kept.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "internal.h"

/* Length of the "<body>" put before the HTML (mc_fe_html). */
#define BODY_TAG 6

typedef struct hctx {
	mc_fe *fe;
	uint32_t line0;
	bool from_md;
	bool space;   /* the inline content so far ends in white space */
	mc_node *para; /* open implicit paragraph in block mode, or NULL */
} hctx;

static uint32_t line_of(hctx *h, const GumboNode *n)
{
	unsigned l = 0;
	if (n->type == GUMBO_NODE_ELEMENT)
		l = n->v.element.start_pos.line;
	else if (n->type != GUMBO_NODE_DOCUMENT)
		l = n->v.text.start_pos.line;
	return h->line0 + (l > 0 ? (uint32_t)l - 1 : 0);
}

/* Source column of an element: gumbo's, except in HTML rendered from a
 * Markdown paragraph (whose columns are not the source's). */
static uint32_t col_of(hctx *h, const GumboNode *n)
{
	if (h->from_md || n->type != GUMBO_NODE_ELEMENT)
		return 0;
	unsigned c = n->v.element.start_pos.column;
	if (n->v.element.start_pos.line <= 1)
		c = c > BODY_TAG ? c - BODY_TAG : 1;
	return (uint32_t)c;
}

static const char *tag_name(const GumboNode *n)
{
	if (n->v.element.tag != GUMBO_TAG_UNKNOWN)
		return gumbo_normalized_tagname(n->v.element.tag);
	/* unknown tags: the name as written */
	static const char unknown[] = "unknown";
	return unknown;
}

static const char *attr(const GumboNode *n, const char *name)
{
	const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes,
	                                              name);
	return a ? a->value : NULL;
}

/* Warn about and ignore on* attributes. */
static void check_attrs(hctx *h, const GumboNode *n)
{
	const GumboVector *v = &n->v.element.attributes;
	for (unsigned i = 0; i < v->length; i++) {
		const GumboAttribute *a = v->data[i];
		if (strncasecmp(a->name, "on", 2) == 0 && strlen(a->name) > 2)
			mc_fe_drop(h->fe, a->name, MC_DROP_HANDLER,
			           line_of(h, n), col_of(h, n), 0);
	}
}

bool mc_url_unsafe(const char *url, bool image)
{
	if (!url)
		return false;
	while (*url && (unsigned char)*url <= ' ')
		url++;
	/* scheme letters, ignoring embedded tabs/newlines as browsers do */
	char scheme[16];
	size_t k = 0;
	for (const char *p = url; *p && k < sizeof scheme - 1; p++) {
		if (*p == '\t' || *p == '\n' || *p == '\r')
			continue;
		if (*p == ':') {
			scheme[k] = '\0';
			return strcasecmp(scheme, "javascript") == 0 ||
			       strcasecmp(scheme, "vbscript") == 0 ||
			       (!image && strcasecmp(scheme, "data") == 0) ||
			       strcasecmp(scheme, "file") == 0;
		}
		if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' &&
		    *p != '.')
			return false;
		scheme[k++] = (char)*p;
	}
	return false;
}

/* ---------------------------------------------------------------- */
/* inline content                                                    */

/* The element's lang (or xml:lang) and dir attributes onto node c. */
static void lang_of(hctx *h, const GumboNode *g, mc_node *c)
{
	const char *l = attr(g, "lang");
	if (!l)
		l = attr(g, "xml:lang");
	const char *d = attr(g, "dir");
	if (c && (l || d))
		mc_fe_set_lang(h->fe, c, l, d, line_of(h, g));
}

/* Whether an element says its language or direction. */
static bool has_lang(const GumboNode *g)
{
	const char *l = attr(g, "lang"), *x = attr(g, "xml:lang");
	const char *d = attr(g, "dir");
	return (l && *l) || (x && *x) || (d && *d);
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Append text with HTML white-space collapsing.  From Markdown, a line
 * end inside a run of white space is a soft break. */
static void put_text(hctx *h, mc_node *parent, const char *s, uint32_t line)
{
	mc_buf b = MC_BUF_INIT;
	uint32_t start = line; /* line of the first word in b */
	const char *p = s;
	while (*p) {
		if (is_ws(*p)) {
			bool nl = false;
			while (*p && is_ws(*p)) {
				if (*p == '\n') {
					nl = true;
					line++;
				}
				p++;
			}
			if (nl && h->from_md && !h->space) {
				if (b.len)
					mc_fe_text(h->fe, parent, b.data, b.len,
					           start, 0);
				mc_buf_clear(&b);
				mc_node_append(parent, mc_node_new(h->fe->doc,
				                                   MC_SOFTBREAK,
				                                   line - 1, 0));
				h->space = true;
			} else if (!h->space) {
				if (!b.len)
					start = line;
				mc_buf_putc(&b, ' ');
				h->space = true;
			}
			continue;
		}
		const char *w = p;
		while (*p && !is_ws(*p))
			p++;
		if (!b.len)
			start = line;
		mc_buf_put(&b, w, (size_t)(p - w));
		h->space = false;
	}
	if (b.len)
		mc_fe_text(h->fe, parent, b.data, b.len, start, 0);
	mc_buf_free(&b);
}

/* Text content of a subtree, literally (for code and pre). */
static void text_content(const GumboNode *n, mc_buf *b)
{
	/* iterative: an explicit stack of (node, next child index) */
	struct {
		const GumboNode *n;
		unsigned i;
	} st[MC_MAX_DEPTH];
	size_t d = 0;
	st[d].n = n;
	st[d].i = 0;
	d++;
	while (d) {
		const GumboNode *c = st[d - 1].n;
		if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE ||
		    c->type == GUMBO_NODE_CDATA) {
			mc_buf_puts(b, c->v.text.text);
			d--;
			continue;
		}
		if (c->type != GUMBO_NODE_ELEMENT &&
		    c->type != GUMBO_NODE_TEMPLATE) {
			d--;
			continue;
		}
		if (c->v.element.tag == GUMBO_TAG_BR && st[d - 1].i == 0)
			mc_buf_putc(b, '\n');
		const GumboVector *v = &c->v.element.children;
		if (st[d - 1].i >= v->length || d == MC_MAX_DEPTH) {
			d--;
			continue;
		}
		st[d].n = v->data[st[d - 1].i++];
		st[d].i = 0;
		d++;
	}
}

static int parse_px(const char *s)
{
	if (!s)
		return 0;
	while (*s == ' ')
		s++;
	long v = strtol(s, NULL, 10);
	return v > 0 && v < 100000 ? (int)v : 0;
}

/* width: 550px in a style attribute */
static int style_px(const char *style, const char *prop)
{
	if (!style)
		return 0;
	size_t n = strlen(prop);
	for (const char *p = style; (p = strstr(p, prop)) != NULL; p += n) {
		if (p > style && (isalnum((unsigned char)p[-1]) || p[-1] == '-'))
			continue;
		const char *q = p + n;
		while (*q == ' ')
			q++;
		if (*q != ':')
			continue;
		q++;
		int v = parse_px(q);
		const char *u = q;
		while (*u == ' ' || isdigit((unsigned char)*u))
			u++;
		if (v && strncmp(u, "px", 2) == 0)
			return v;
		if (v && (*u == ';' || *u == '\0'))
			return v;
	}
	return 0;
}

static mc_node *image_node(hctx *h, const GumboNode *n)
{
	mc_doc *doc = h->fe->doc;
	const char *src = attr(n, "src");
	if (!src || !*src)
		return NULL;
	mc_node *img = mc_node_new(doc, MC_IMAGE, line_of(h, n), 0);
	img->as.image.src = mc_strdup(doc, src);
	const char *alt = attr(n, "alt");
	img->as.image.alt = mc_strdup(doc, alt ? alt : "");
	const char *title = attr(n, "title");
	img->as.image.title = title && *title ? mc_strdup(doc, title) : NULL;
	img->as.image.width = parse_px(attr(n, "width"));
	if (!img->as.image.width)
		img->as.image.width = style_px(attr(n, "style"), "width");
	img->as.image.height = parse_px(attr(n, "height"));
	if (!img->as.image.height)
		img->as.image.height = style_px(attr(n, "style"), "height");
	return img;
}

static void inlines(hctx *h, const GumboVector *kids, mc_node *parent,
                    int depth);
static bool is_block_tag(GumboTag t);

/* Words of visible text in a subtree. */
static long words_in(const GumboNode *n)
{
	mc_buf b = MC_BUF_INIT;
	text_content(n, &b);
	long w = b.data ? mc_count_words(b.data, b.len) : 0;
	mc_buf_free(&b);
	return w;
}

/* Record an element left out; `text`: it held visible text (counted). */
static void drop(hctx *h, const GumboNode *n, bool text)
{
	mc_fe_drop(h->fe, tag_name(n), MC_DROP_ELEMENT, line_of(h, n),
	           col_of(h, n), text ? words_in(n) : 0);
}

/* Whether an element is left out (recorded for the warning). */
static bool dropped_element(hctx *h, const GumboNode *n)
{
	switch (n->v.element.tag) {
	case GUMBO_TAG_HEAD: {
		/* what the parser put in <head>: each element by its kind */
		const GumboVector *v = &n->v.element.children;
		for (unsigned i = 0; i < v->length; i++) {
			const GumboNode *k = v->data[i];
			if (k->type == GUMBO_NODE_ELEMENT &&
			    !dropped_element(h, k))
				drop(h, k, true);
		}
		return true;
	}
	case GUMBO_TAG_SCRIPT:
	case GUMBO_TAG_STYLE:
	case GUMBO_TAG_LINK:
	case GUMBO_TAG_META:
	case GUMBO_TAG_BASE:
	case GUMBO_TAG_TEMPLATE:
	case GUMBO_TAG_TITLE:
		/* code and page data: no words a reader sees */
		drop(h, n, false);
		return true;
	case GUMBO_TAG_NOSCRIPT:
	case GUMBO_TAG_EMBED:
	case GUMBO_TAG_FRAME:
	case GUMBO_TAG_FRAMESET:
	case GUMBO_TAG_NOFRAMES:
	case GUMBO_TAG_SVG:
		drop(h, n, true);
		return true;
	case GUMBO_TAG_PARAM:
	case GUMBO_TAG_SOURCE:
	case GUMBO_TAG_TRACK:
	case GUMBO_TAG_WBR:
	case GUMBO_TAG_AREA:
	case GUMBO_TAG_COL:
	case GUMBO_TAG_COLGROUP:
	case GUMBO_TAG_DATALIST: /* suggestions a browser does not show */
		return true; /* nothing to show */
	default:
		return false;
	}
}

/* ---- form controls ---- */

/* White space collapsed and trimmed, into the arena. */
static const char *collapsed(mc_doc *doc, const char *s)
{
	mc_buf b = MC_BUF_INIT;
	bool sp = false;
	for (const char *p = s ? s : ""; *p; p++) {
		if (is_ws(*p)) {
			sp = b.len > 0;
			continue;
		}
		if (sp)
			mc_buf_putc(&b, ' ');
		sp = false;
		mc_buf_putc(&b, *p);
	}
	const char *r = mc_strndup(doc, b.data ? b.data : "", b.len);
	mc_buf_free(&b);
	return r;
}

/* An element's text, white space collapsed. */
static const char *text_of(mc_doc *doc, const GumboNode *n)
{
	mc_buf b = MC_BUF_INIT;
	text_content(n, &b);
	const char *r = collapsed(doc, b.data);
	mc_buf_free(&b);
	return r;
}

/* The options of a <select> (in optgroups too), in order, into v. */
static size_t options_of(const GumboNode *sel, const GumboNode **v,
                         size_t cap)
{
	size_t n = 0;
	const GumboVector *kids = &sel->v.element.children;
	for (unsigned i = 0; i < kids->length && n < cap; i++) {
		const GumboNode *k = kids->data[i];
		if (k->type != GUMBO_NODE_ELEMENT)
			continue;
		if (k->v.element.tag == GUMBO_TAG_OPTION) {
			v[n++] = k;
		} else if (k->v.element.tag == GUMBO_TAG_OPTGROUP) {
			const GumboVector *g = &k->v.element.children;
			for (unsigned j = 0; j < g->length && n < cap; j++) {
				const GumboNode *o = g->data[j];
				if (o->type == GUMBO_NODE_ELEMENT &&
				    o->v.element.tag == GUMBO_TAG_OPTION)
					v[n++] = o;
			}
		}
	}
	return n;
}

static const char *option_text(mc_doc *doc, const GumboNode *o)
{
	const char *label = attr(o, "label");
	if (label && *label)
		return collapsed(doc, label);
	return text_of(doc, o);
}

/* A form control as the page shows it, or NULL for one that shows
 * nothing (a hidden input). */
static mc_node *control_node(hctx *h, const GumboNode *n)
{
	mc_doc *doc = h->fe->doc;
	mc_node *c = mc_node_new(doc, MC_CONTROL, line_of(h, n), col_of(h, n));
	c->as.control.kind = MC_CONTROL_FIELD;
	const char *text = NULL;
	const char *ph = attr(n, "placeholder");
	switch (n->v.element.tag) {
	case GUMBO_TAG_SELECT: {
		const GumboNode *opts[1024];
		size_t k = options_of(n, opts, sizeof opts / sizeof *opts);
		c->as.control.kind = MC_CONTROL_SELECT;
		mc_buf b = MC_BUF_INIT;
		bool multiple = attr(n, "multiple") != NULL;
		for (size_t i = 0; i < k; i++) {
			if (!attr(opts[i], "selected"))
				continue;
			if (b.len)
				mc_buf_puts(&b, ", ");
			mc_buf_puts(&b, option_text(doc, opts[i]));
			if (!multiple)
				break;
		}
		if (!b.len && k)
			mc_buf_puts(&b, option_text(doc, opts[0]));
		text = mc_strndup(doc, b.data ? b.data : "", b.len);
		mc_buf_free(&b);
		break;
	}
	case GUMBO_TAG_TEXTAREA:
		text = text_of(doc, n);
		break;
	case GUMBO_TAG_BUTTON:
		c->as.control.kind = MC_CONTROL_BUTTON;
		text = text_of(doc, n);
		if (!*text)
			text = collapsed(doc, attr(n, "value"));
		ph = NULL;
		break;
	default: { /* input */
		const char *type = attr(n, "type");
		const char *value = attr(n, "value");
		if (!type)
			type = "text";
		if (strcasecmp(type, "hidden") == 0)
			return NULL;
		if (strcasecmp(type, "checkbox") == 0 ||
		    strcasecmp(type, "radio") == 0) {
			c->as.control.kind = tolower((unsigned char)*type) == 'c'
			                     ? MC_CONTROL_CHECKBOX
			                     : MC_CONTROL_RADIO;
			c->as.control.checked = attr(n, "checked") != NULL;
			c->as.control.text = "";
			return c;
		}
		if (strcasecmp(type, "submit") == 0 ||
		    strcasecmp(type, "reset") == 0 ||
		    strcasecmp(type, "button") == 0 ||
		    strcasecmp(type, "image") == 0 ||
		    strcasecmp(type, "file") == 0) {
			/* the labels browsers give buttons without a value */
			c->as.control.kind = MC_CONTROL_BUTTON;
			ph = NULL;
			text = value;
			if (strcasecmp(type, "image") == 0)
				text = attr(n, "alt");
			if (!text || !*text)
				text = strcasecmp(type, "reset") == 0 ? "Reset"
				       : strcasecmp(type, "file") == 0
				               ? "Choose file"
				       : strcasecmp(type, "button") == 0 ? ""
				                                         : "Submit";
			if (strcasecmp(type, "file") == 0)
				text = "Choose file";
			text = collapsed(doc, text);
			break;
		}
		if (strcasecmp(type, "password") == 0 && value && *value) {
			/* shown masked */
			mc_buf b = MC_BUF_INIT;
			for (size_t i = 0; value[i] && i < 32; i++)
				if (((unsigned char)value[i] & 0xC0) != 0x80)
					mc_buf_puts(&b, "\xE2\x80\xA2");
			text = mc_strndup(doc, b.data ? b.data : "", b.len);
			mc_buf_free(&b);
			break;
		}
		text = collapsed(doc, value);
		break;
	}
	}
	if ((!text || !*text) && ph && *ph) {
		text = collapsed(doc, ph);
		c->as.control.placeholder = *text != '\0';
	}
	c->as.control.text = text ? text : "";
	return c;
}

/* The source of an <iframe>, <video> or <audio>: its src, else its
 * first <source>'s. */
static const char *media_src(const GumboNode *n)
{
	const char *src = attr(n, "src");
	const GumboVector *kids = &n->v.element.children;
	for (unsigned i = 0; i < kids->length && !src; i++) {
		const GumboNode *k = kids->data[i];
		if (k->type == GUMBO_NODE_ELEMENT &&
		    k->v.element.tag == GUMBO_TAG_SOURCE)
			src = attr(k, "src");
	}
	return src;
}

/* An embed is shown; the text inside it, for browsers that cannot
 * play it, is not: recorded if it has words. */
static void fallback_lost(hctx *h, const GumboNode *n)
{
	if (n->v.element.tag == GUMBO_TAG_IFRAME)
		return; /* an iframe's content is never shown by browsers */
	long w = words_in(n);
	if (w)
		mc_fe_drop(h->fe, tag_name(n), MC_DROP_FALLBACK, line_of(h, n),
		           col_of(h, n), w);
}

static void inline_element(hctx *h, const GumboNode *n, mc_node *parent,
                           int depth)
{
	mc_doc *doc = h->fe->doc;
	const GumboVector *kids = &n->v.element.children;
	uint32_t line = line_of(h, n);
	mc_node *c = NULL;
	check_attrs(h, n);
	if (dropped_element(h, n))
		return;
	switch (n->v.element.tag) {
	case GUMBO_TAG_BR:
		mc_node_append(parent, mc_node_new(doc, MC_LINEBREAK, line, 0));
		h->space = true;
		return;
	case GUMBO_TAG_IMG:
		c = image_node(h, n);
		if (c) {
			mc_node_append(parent, c);
			h->space = false;
		} else if (attr(n, "alt") && *attr(n, "alt")) {
			/* no picture: a browser shows the alternative text */
			put_text(h, parent, attr(n, "alt"), line);
		}
		return;
	case GUMBO_TAG_CODE:
	case GUMBO_TAG_KBD:
	case GUMBO_TAG_SAMP:
	case GUMBO_TAG_TT: {
		mc_buf b = MC_BUF_INIT;
		text_content(n, &b);
		c = mc_node_new(doc, MC_CODE, line, 0);
		c->as.text.text = mc_strdup(doc, b.data ? b.data : "");
		mc_buf_free(&b);
		mc_node_append(parent, c);
		h->space = false;
		return;
	}
	case GUMBO_TAG_A: {
		const char *href = attr(n, "href");
		if (!href) {
			inlines(h, kids, parent, depth + 1);
			return;
		}
		if (mc_url_unsafe(href, false)) {
			mc_warn(h->fe->diag, line, 0,
			        "dropped link to an unsafe URL (%.20s...)", href);
			inlines(h, kids, parent, depth + 1);
			return;
		}
		c = mc_node_new(doc, MC_LINK, line, 0);
		c->as.link.url = mc_strdup(doc, href);
		const char *t = attr(n, "title");
		c->as.link.title = t && *t ? mc_strdup(doc, t) : NULL;
		t = attr(n, "target");
		c->as.link.target = t && *t ? mc_strdup(doc, t) : NULL;
		break;
	}
	case GUMBO_TAG_B:
	case GUMBO_TAG_STRONG:
		c = mc_node_new(doc, MC_STRONG, line, 0);
		break;
	case GUMBO_TAG_I:
	case GUMBO_TAG_EM:
	case GUMBO_TAG_CITE:
	case GUMBO_TAG_DFN:
	case GUMBO_TAG_VAR:
		c = mc_node_new(doc, MC_EMPH, line, 0);
		break;
	case GUMBO_TAG_S:
	case GUMBO_TAG_STRIKE:
	case GUMBO_TAG_DEL:
		c = mc_node_new(doc, MC_STRIKE, line, 0);
		break;
	case GUMBO_TAG_SUP:
		c = mc_node_new(doc, MC_SUP, line, 0);
		break;
	case GUMBO_TAG_SUB:
		c = mc_node_new(doc, MC_SUB, line, 0);
		break;
	case GUMBO_TAG_Q:
		mc_fe_text(h->fe, parent, "\xE2\x80\x9C", 3, line, 0);
		inlines(h, kids, parent, depth + 1);
		mc_fe_text(h->fe, parent, "\xE2\x80\x9D", 3, line, 0);
		h->space = false;
		return;
	case GUMBO_TAG_INPUT:
	case GUMBO_TAG_SELECT:
	case GUMBO_TAG_TEXTAREA:
	case GUMBO_TAG_BUTTON:
		c = control_node(h, n);
		if (c) {
			mc_node_append(parent, c);
			h->space = false;
		}
		return;
	case GUMBO_TAG_OBJECT:
	case GUMBO_TAG_APPLET:
		/* what a reader without the plug-in sees: its fallback */
		drop(h, n, false);
		inlines(h, kids, parent, depth + 1);
		return;
	case GUMBO_TAG_IFRAME:
	case GUMBO_TAG_VIDEO:
	case GUMBO_TAG_AUDIO: {
		/* an embed where only inlines may go: a link to it */
		const char *src = media_src(n);
		mc_node *e = src ? mc_fe_embed(h->fe, src, attr(n, "title"),
		                               line, 0)
		                 : NULL;
		if (!e) {
			if (n->v.element.tag == GUMBO_TAG_IFRAME) {
				long w = words_in(n);
				if (w)
					drop(h, n, true);
			} else {
				/* no source: its fallback is the content */
				inlines(h, kids, parent, depth + 1);
			}
			return;
		}
		fallback_lost(h, n);
		c = mc_node_new(doc, MC_LINK, line, 0);
		c->as.link.url = e->as.embed.watch_url;
		mc_node_append(parent, c);
		const char *label = e->as.embed.title ? e->as.embed.title
		                                      : e->as.embed.watch_url;
		mc_fe_text(h->fe, c, label, strlen(label), line, 0);
		h->space = false;
		return;
	}
	default:
		/* span, font, u, mark, small, abbr, label, time, unknown and
		 * block elements met in inline content: keep the content; a
		 * block element is set off by a space; one in another
		 * language or direction becomes a span */
		if (has_lang(n) && !is_block_tag(n->v.element.tag)) {
			c = mc_node_new(doc, MC_SPAN, line, 0);
			lang_of(h, n, c);
			if (!c->lang && c->dir == MC_DIR_NONE &&
			    !(attr(n, "dir") && strcasecmp(attr(n, "dir"),
			                                   "auto") == 0)) {
				inlines(h, kids, parent, depth + 1);
				return;
			}
			break;
		}
		{
			bool block = n->v.element.tag == GUMBO_TAG_P ||
			             n->v.element.tag == GUMBO_TAG_DIV ||
			             n->v.element.tag == GUMBO_TAG_LI ||
			             n->v.element.tag == GUMBO_TAG_TR ||
			             n->v.element.tag == GUMBO_TAG_TD ||
			             n->v.element.tag == GUMBO_TAG_TH ||
			             (n->v.element.tag >= GUMBO_TAG_H1 &&
			              n->v.element.tag <= GUMBO_TAG_H6);
			if (block && !h->space && parent->last) {
				mc_fe_text(h->fe, parent, " ", 1, line, 0);
				h->space = true;
			}
			inlines(h, kids, parent, depth + 1);
			if (block && !h->space) {
				mc_fe_text(h->fe, parent, " ", 1, line, 0);
				h->space = true;
			}
		}
		return;
	}
	if (c->type != MC_SPAN)
		lang_of(h, n, c);
	mc_node_append(parent, c);
	inlines(h, kids, c, depth + 1);
}

static void inlines(hctx *h, const GumboVector *kids, mc_node *parent,
                    int depth)
{
	for (unsigned i = 0; i < kids->length; i++) {
		const GumboNode *k = kids->data[i];
		switch (k->type) {
		case GUMBO_NODE_TEXT:
		case GUMBO_NODE_WHITESPACE:
		case GUMBO_NODE_CDATA:
			put_text(h, parent, k->v.text.text, line_of(h, k));
			break;
		case GUMBO_NODE_ELEMENT:
		case GUMBO_NODE_TEMPLATE:
			if (depth >= MC_MAX_DEPTH) {
				mc_buf b = MC_BUF_INIT;
				text_content(k, &b);
				if (b.data)
					put_text(h, parent, b.data, line_of(h, k));
				mc_buf_free(&b);
			} else {
				inline_element(h, k, parent, depth);
			}
			break;
		default:
			break; /* comments, document */
		}
	}
}

/* ---------------------------------------------------------------- */
/* blocks                                                            */

static void blocks(hctx *h, const GumboVector *kids, mc_node *parent,
                   int depth);

/* Trim white space at both ends of an inline container; drop it if it is
 * then empty.  Returns false if the node was dropped. */
static bool finish_inline(mc_node *n)
{
	for (;;) {
		mc_node *f = n->first;
		if (!f)
			break;
		if (f->type == MC_SOFTBREAK || f->type == MC_LINEBREAK) {
			mc_node_unlink(f);
			continue;
		}
		if (f->type == MC_TEXT) {
			const char *t = f->as.text.text;
			while (*t == ' ')
				t++;
			if (!*t) {
				mc_node_unlink(f);
				continue;
			}
			f->as.text.text = t;
		}
		break;
	}
	for (;;) {
		mc_node *l = n->last;
		if (!l)
			break;
		if (l->type == MC_SOFTBREAK ||
		    (l->type == MC_LINEBREAK && n->type != MC_PARAGRAPH)) {
			mc_node_unlink(l);
			continue;
		}
		if (l->type == MC_TEXT) {
			size_t len = strlen(l->as.text.text);
			while (len && l->as.text.text[len - 1] == ' ')
				len--;
			if (!len) {
				mc_node_unlink(l);
				continue;
			}
			((char *)l->as.text.text)[len] = '\0';
		}
		break;
	}
	if (!n->first && n->type == MC_PARAGRAPH) {
		mc_node_unlink(n);
		return false;
	}
	return true;
}

static void close_para(hctx *h)
{
	if (h->para)
		finish_inline(h->para);
	h->para = NULL;
	h->space = true;
}

static mc_node *para_for(hctx *h, mc_node *parent, uint32_t line)
{
	if (h->para && h->para->parent == parent)
		return h->para;
	h->para = mc_node_new(h->fe->doc, MC_PARAGRAPH, line, 0);
	mc_node_append(parent, h->para);
	h->space = true;
	return h->para;
}

static int clamp_span(const char *s)
{
	long v = s ? strtol(s, NULL, 10) : 1;
	return v < 1 ? 1 : v > 1000 ? 1000 : (int)v;
}

static mc_align align_of(const GumboNode *n)
{
	const char *a = attr(n, "align");
	const char *style = attr(n, "style");
	const char *ta = style ? strstr(style, "text-align") : NULL;
	if (ta) {
		ta = strchr(ta, ':');
		if (ta) {
			ta++;
			while (*ta == ' ')
				ta++;
			a = ta;
		}
	}
	if (!a)
		return MC_ALIGN_NONE;
	if (strncasecmp(a, "left", 4) == 0)
		return MC_ALIGN_LEFT;
	if (strncasecmp(a, "center", 6) == 0)
		return MC_ALIGN_CENTER;
	if (strncasecmp(a, "right", 5) == 0)
		return MC_ALIGN_RIGHT;
	return MC_ALIGN_NONE;
}

static void table_row(hctx *h, const GumboNode *tr, mc_node *table,
                      bool head, int depth)
{
	mc_doc *doc = h->fe->doc;
	mc_node *row = mc_node_new(doc, MC_TABLE_ROW, line_of(h, tr), 0);
	bool all_th = true, any = false;
	const GumboVector *cells = &tr->v.element.children;
	for (unsigned i = 0; i < cells->length; i++) {
		const GumboNode *td = cells->data[i];
		if (td->type != GUMBO_NODE_ELEMENT ||
		    (td->v.element.tag != GUMBO_TAG_TD &&
		     td->v.element.tag != GUMBO_TAG_TH))
			continue;
		check_attrs(h, td);
		mc_node *cell = mc_node_new(doc, MC_TABLE_CELL, line_of(h, td), 0);
		cell->as.cell.colspan = clamp_span(attr(td, "colspan"));
		cell->as.cell.rowspan = clamp_span(attr(td, "rowspan"));
		cell->as.cell.header = td->v.element.tag == GUMBO_TAG_TH || head;
		cell->as.cell.align = align_of(td);
		lang_of(h, td, cell);
		all_th &= td->v.element.tag == GUMBO_TAG_TH;
		any = true;
		mc_node_append(row, cell);
		hctx sub = *h;
		sub.para = NULL;
		sub.space = true;
		blocks(&sub, &td->v.element.children, cell, depth + 1);
		if (sub.para)
			finish_inline(sub.para);
	}
	if (!any)
		return;
	row->as.row.header = head || all_th;
	mc_node_append(table, row);
}

/* Grid width, counting colspans and cells carried down by rowspans. */
static int table_cols(mc_node *table)
{
	int ncols = 0;
	int cap = 64;
	int *carry = mc_xcalloc((size_t)cap, sizeof(int));
	for (mc_node *r = table->first; r; r = r->next) {
		int col = 0;
		for (mc_node *c = r->first; c; c = c->next) {
			while (col < cap && carry[col] > 0)
				col++;
			int span = c->as.cell.colspan;
			if (col + span > cap) {
				int ncap = (col + span) * 2;
				carry = mc_xrealloc(carry, (size_t)ncap * sizeof(int));
				memset(carry + cap, 0,
				       (size_t)(ncap - cap) * sizeof(int));
				cap = ncap;
			}
			for (int k = 0; k < span; k++)
				carry[col + k] = c->as.cell.rowspan;
			col += span;
		}
		int width = col;
		for (int k = 0; k < cap; k++) {
			if (carry[k] > 0 && k + 1 > width)
				width = k + 1;
			if (carry[k] > 0)
				carry[k]--;
		}
		if (width > ncols)
			ncols = width;
	}
	free(carry);
	return ncols;
}

static void table(hctx *h, const GumboNode *n, mc_node *parent, int depth)
{
	mc_doc *doc = h->fe->doc;
	mc_node *t = mc_node_new(doc, MC_TABLE, line_of(h, n), 0);
	lang_of(h, n, t);
	const GumboVector *kids = &n->v.element.children;
	for (unsigned i = 0; i < kids->length; i++) {
		const GumboNode *k = kids->data[i];
		if (k->type != GUMBO_NODE_ELEMENT)
			continue;
		GumboTag tg = k->v.element.tag;
		if (tg == GUMBO_TAG_TR) {
			table_row(h, k, t, false, depth);
		} else if (tg == GUMBO_TAG_THEAD || tg == GUMBO_TAG_TBODY ||
		           tg == GUMBO_TAG_TFOOT) {
			const GumboVector *rows = &k->v.element.children;
			for (unsigned j = 0; j < rows->length; j++) {
				const GumboNode *r = rows->data[j];
				if (r->type == GUMBO_NODE_ELEMENT &&
				    r->v.element.tag == GUMBO_TAG_TR)
					table_row(h, r, t, tg == GUMBO_TAG_THEAD,
					          depth);
			}
		} else if (tg == GUMBO_TAG_CAPTION) {
			mc_node *p = mc_node_new(doc, MC_PARAGRAPH, line_of(h, k), 0);
			mc_node_append(parent, p);
			hctx sub = *h;
			sub.space = true;
			inlines(&sub, &k->v.element.children, p, depth + 1);
			finish_inline(p);
		}
	}
	if (!t->first)
		return;
	t->as.table.ncols = table_cols(t);
	mc_node_append(parent, t);
}

static void list(hctx *h, const GumboNode *n, mc_node *parent, int depth)
{
	mc_doc *doc = h->fe->doc;
	mc_node *l = mc_node_new(doc, MC_LIST, line_of(h, n), 0);
	l->as.list.ordered = n->v.element.tag == GUMBO_TAG_OL;
	l->as.list.start = 1;
	const char *st = attr(n, "start");
	if (l->as.list.ordered && st)
		l->as.list.start = (int)strtol(st, NULL, 10);
	l->as.list.tight = true;
	lang_of(h, n, l);
	mc_node_append(parent, l);
	const GumboVector *kids = &n->v.element.children;
	for (unsigned i = 0; i < kids->length; i++) {
		const GumboNode *k = kids->data[i];
		if (k->type == GUMBO_NODE_WHITESPACE ||
		    k->type == GUMBO_NODE_COMMENT)
			continue;
		mc_node *item = mc_node_new(doc, MC_ITEM, line_of(h, k), 0);
		mc_node_append(l, item);
		hctx sub = *h;
		sub.para = NULL;
		sub.space = true;
		if (k->type == GUMBO_NODE_ELEMENT && k->v.element.tag == GUMBO_TAG_LI) {
			lang_of(h, k, item);
			blocks(&sub, &k->v.element.children, item, depth + 1);
		} else {
			GumboVector one = {(void **)&kids->data[i], 1, 1};
			blocks(&sub, &one, item, depth + 1);
		}
		if (sub.para)
			finish_inline(sub.para);
	}
	if (!l->first)
		mc_node_unlink(l);
}

static void block_element(hctx *h, const GumboNode *n, mc_node *parent,
                          int depth)
{
	mc_doc *doc = h->fe->doc;
	uint32_t line = line_of(h, n);
	const GumboVector *kids = &n->v.element.children;
	GumboTag tg = n->v.element.tag;
	check_attrs(h, n);
	if (dropped_element(h, n))
		return;
	close_para(h);
	mc_node *c;
	switch (tg) {
	case GUMBO_TAG_P:
		c = mc_node_new(doc, MC_PARAGRAPH, line, 0);
		lang_of(h, n, c);
		mc_node_append(parent, c);
		inlines(h, kids, c, depth + 1);
		finish_inline(c);
		break;
	case GUMBO_TAG_H1:
	case GUMBO_TAG_H2:
	case GUMBO_TAG_H3:
	case GUMBO_TAG_H4:
	case GUMBO_TAG_H5:
	case GUMBO_TAG_H6:
		c = mc_node_new(doc, MC_HEADING, line, 0);
		c->as.heading.level = (int)(tg - GUMBO_TAG_H1) + 1;
		{
			const char *id = attr(n, "id");
			if (id && *id)
				c->id = mc_strdup(doc, id);
		}
		lang_of(h, n, c);
		mc_node_append(parent, c);
		inlines(h, kids, c, depth + 1);
		finish_inline(c);
		break;
	case GUMBO_TAG_UL:
	case GUMBO_TAG_OL:
	case GUMBO_TAG_MENU:
	case GUMBO_TAG_DIR:
		list(h, n, parent, depth);
		break;
	case GUMBO_TAG_BLOCKQUOTE:
		c = mc_node_new(doc, MC_BLOCKQUOTE, line, 0);
		lang_of(h, n, c);
		mc_node_append(parent, c);
		blocks(h, kids, c, depth + 1);
		break;
	case GUMBO_TAG_PRE: {
		mc_buf b = MC_BUF_INIT;
		text_content(n, &b);
		c = mc_node_new(doc, MC_CODE_BLOCK, line, 0);
		const char *t = b.data ? b.data : "";
		if (*t == '\n')
			t++;
		size_t len = strlen(t);
		c->as.code.text = mc_strdup(doc, t);
		if (len && t[len - 1] != '\n') {
			char *s = mc_arena_alloc(doc->arena, len + 2);
			memcpy(s, t, len);
			s[len] = '\n';
			c->as.code.text = s;
		}
		c->as.code.info = "";
		for (unsigned i = 0; i < kids->length; i++) {
			const GumboNode *k = kids->data[i];
			const char *cls = k->type == GUMBO_NODE_ELEMENT
			                  ? attr(k, "class") : NULL;
			if (cls && strncmp(cls, "language-", 9) == 0)
				c->as.code.info = mc_strdup(doc, cls + 9);
		}
		mc_buf_free(&b);
		mc_node_append(parent, c);
		break;
	}
	case GUMBO_TAG_HR:
		mc_node_append(parent, mc_node_new(doc, MC_THEMATIC_BREAK, line,
		                                   0));
		break;
	case GUMBO_TAG_TABLE:
		table(h, n, parent, depth);
		break;
	case GUMBO_TAG_IFRAME:
	case GUMBO_TAG_VIDEO:
	case GUMBO_TAG_AUDIO: {
		const char *src = media_src(n);
		c = src ? mc_fe_embed(h->fe, src, attr(n, "title"), line, 0)
		        : NULL;
		if (c) {
			mc_node_append(parent, c);
			fallback_lost(h, n);
		} else if (tg != GUMBO_TAG_IFRAME) {
			/* no source: its fallback is the content */
			blocks(h, kids, parent, depth + 1);
		} else if (words_in(n)) {
			drop(h, n, true);
		}
		break;
	}
	case GUMBO_TAG_OBJECT:
	case GUMBO_TAG_APPLET:
		/* what a reader without the plug-in sees: its fallback */
		drop(h, n, false);
		blocks(h, kids, parent, depth + 1);
		break;
	case GUMBO_TAG_LEGEND:
		/* a fieldset's caption: a bold line */
		c = mc_node_new(doc, MC_PARAGRAPH, line, 0);
		lang_of(h, n, c);
		mc_node_append(parent, c);
		{
			mc_node *s = mc_node_new(doc, MC_STRONG, line, 0);
			mc_node_append(c, s);
			inlines(h, kids, s, depth + 1);
			finish_inline(s);
			if (!s->first)
				mc_node_unlink(s);
		}
		finish_inline(c);
		break;
	case GUMBO_TAG_DETAILS:
		c = mc_node_new(doc, MC_DETAILS, line, 0);
		lang_of(h, n, c);
		mc_node_append(parent, c);
		blocks(h, kids, c, depth + 1);
		break;
	case GUMBO_TAG_SUMMARY:
		if (parent->type == MC_DETAILS &&
		    !(parent->first && parent->first->type == MC_SUMMARY)) {
			c = mc_node_new(doc, MC_SUMMARY, line, 0);
			mc_node_prepend(parent, c);
		} else {
			c = mc_node_new(doc, MC_PARAGRAPH, line, 0);
			mc_node_append(parent, c);
		}
		lang_of(h, n, c);
		inlines(h, kids, c, depth + 1);
		finish_inline(c);
		break;
	case GUMBO_TAG_DT:
		c = mc_node_new(doc, MC_PARAGRAPH, line, 0);
		mc_node_append(parent, c);
		{
			mc_node *s = mc_node_new(doc, MC_STRONG, line, 0);
			mc_node_append(c, s);
			inlines(h, kids, s, depth + 1);
			finish_inline(s);
		}
		if (!finish_inline(c))
			break;
		break;
	default: {
		/* div and other containers: a callout, a videotime line, or
		 * transparent */
		mc_attrs as = {NULL, 0};
		const GumboVector *av = &n->v.element.attributes;
		if (av->length) {
			as.v = mc_arena_alloc(doc->arena,
			                      av->length * sizeof(mc_attr));
			for (unsigned i = 0; i < av->length; i++) {
				const GumboAttribute *a = av->data[i];
				as.v[as.n].name = mc_strdup(doc, a->name);
				as.v[as.n].value = mc_strdup(doc, a->value);
				as.n++;
			}
		}
		const char *name = tg == GUMBO_TAG_UNKNOWN ? "div" : tag_name(n);
		c = mc_fe_container_node(h->fe, name, &as, line, 0);
		if (c && c->type == MC_PARAGRAPH &&
		    mc_can_contain(parent->type, c->type)) {
			mc_node_append(parent, c);
			h->space = true;
			inlines(h, kids, c, depth + 1);
			finish_inline(c);
		} else if (c && mc_can_contain(parent->type, c->type)) {
			mc_node_append(parent, c);
			blocks(h, kids, c, depth + 1);
		} else {
			/* transparent: its language goes to what it holds */
			mc_node *before = parent->last;
			blocks(h, kids, parent, depth + 1);
			close_para(h);
			if (has_lang(n))
				for (mc_node *k = before ? before->next
				                         : parent->first;
				     k; k = k->next)
					if (!k->lang && k->dir == MC_DIR_NONE &&
					    mc_node_is_block(k->type))
						lang_of(h, n, k);
		}
		break;
	}
	}
	close_para(h);
}

static bool is_block_tag(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_P: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
	case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
	case GUMBO_TAG_H6: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
	case GUMBO_TAG_MENU: case GUMBO_TAG_DIR: case GUMBO_TAG_BLOCKQUOTE:
	case GUMBO_TAG_PRE: case GUMBO_TAG_HR: case GUMBO_TAG_TABLE:
	case GUMBO_TAG_IFRAME: case GUMBO_TAG_VIDEO: case GUMBO_TAG_AUDIO:
	case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_DIV:
	case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE:
	case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_NAV:
	case GUMBO_TAG_MAIN: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
	case GUMBO_TAG_CENTER: case GUMBO_TAG_DL: case GUMBO_TAG_DT:
	case GUMBO_TAG_DD: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_FIELDSET:
	case GUMBO_TAG_LEGEND: case GUMBO_TAG_HGROUP: case GUMBO_TAG_LI:
	case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH:
	case GUMBO_TAG_TBODY: case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT:
	case GUMBO_TAG_BODY: case GUMBO_TAG_HTML: /* no <dialog> tag in gumbo 0.10 */
	case GUMBO_TAG_FORM: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_SCRIPT:
	case GUMBO_TAG_STYLE: case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED:
	case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_HEAD: case GUMBO_TAG_TITLE:
		return true;
	default:
		return false;
	}
}

static void blocks(hctx *h, const GumboVector *kids, mc_node *parent,
                   int depth)
{
	for (unsigned i = 0; i < kids->length; i++) {
		const GumboNode *k = kids->data[i];
		switch (k->type) {
		case GUMBO_NODE_WHITESPACE:
			if (h->para && h->para->parent == parent)
				put_text(h, h->para, k->v.text.text,
				         line_of(h, k));
			break;
		case GUMBO_NODE_TEXT:
		case GUMBO_NODE_CDATA: {
			/* the paragraph starts where the words do */
			uint32_t l = line_of(h, k);
			for (const char *c = k->v.text.text; is_ws(*c); c++)
				l += (*c == '\n');
			put_text(h, para_for(h, parent, l), k->v.text.text,
			         line_of(h, k));
			break;
		}
		case GUMBO_NODE_ELEMENT:
		case GUMBO_NODE_TEMPLATE:
			if (depth >= MC_MAX_DEPTH) {
				mc_buf b = MC_BUF_INIT;
				text_content(k, &b);
				if (b.data)
					put_text(h, para_for(h, parent,
					                     line_of(h, k)),
					         b.data, line_of(h, k));
				mc_buf_free(&b);
			} else if (k->v.element.tag == GUMBO_TAG_FORM) {
				/* transparent; its paragraph left open, as
				 * gumbo puts the text before its end tag
				 * after the form */
				check_attrs(h, k);
				close_para(h);
				blocks(h, &k->v.element.children, parent,
				       depth + 1);
			} else if (is_block_tag(k->v.element.tag) ||
			           (k->v.element.tag == GUMBO_TAG_UNKNOWN &&
			            !h->para)) {
				block_element(h, k, parent, depth);
			} else {
				mc_node *p = para_for(h, parent, line_of(h, k));
				inline_element(h, k, p, depth);
			}
			break;
		default:
			break;
		}
	}
}

/* Deepest element nesting in html (an estimate: void elements are not
 * told apart).  gumbo's tree building costs time in proportion to the
 * depth for every tag, so absurd depths are refused before parsing. */
static size_t html_depth(const char *s, size_t n)
{
	size_t depth = 0, max = 0;
	const char *end = s + n;
	for (const char *p = s; (p = memchr(p, '<', (size_t)(end - p))) != NULL;
	     p++) {
		if (p + 1 >= end)
			break;
		if (p[1] == '/') {
			if (depth)
				depth--;
		} else if (isalpha((unsigned char)p[1])) {
			const char *q = p + 1;
			while (q < end && isalnum((unsigned char)*q))
				q++;
			static const char *const voids[] = {
				"br", "img", "hr", "input", "meta", "link",
				"wbr", "col", "area", "base", "source", NULL};
			bool v = false;
			for (size_t i = 0; voids[i]; i++)
				if (strlen(voids[i]) == (size_t)(q - p - 1) &&
				    strncasecmp(voids[i], p + 1,
				                (size_t)(q - p - 1)) == 0)
					v = true;
			if (!v && ++depth > max)
				max = depth;
		}
	}
	return max;
}

int mc_fe_html(mc_fe *fe, const char *html, size_t len, uint32_t line,
               mc_node *parent, bool from_md)
{
	if (html_depth(html, len) > MC_MAX_DEPTH) {
		/* keep the words, drop the markup */
		mc_warn(fe->diag, line, 0,
		        "HTML nested deeper than %d elements; kept as plain "
		        "text", MC_MAX_DEPTH);
		mc_buf b = MC_BUF_INIT;
		bool in_tag = false;
		for (size_t i = 0; i < len; i++) {
			if (html[i] == '<')
				in_tag = true;
			else if (html[i] == '>' && in_tag)
				in_tag = false;
			else if (!in_tag)
				mc_buf_putc(&b, html[i]);
		}
		mc_node *into = parent;
		if (mc_can_contain(parent->type, MC_PARAGRAPH)) {
			into = mc_node_new(fe->doc, MC_PARAGRAPH, line, 0);
			mc_node_append(parent, into);
		}
		if (b.len)
			mc_fe_text(fe, into, b.data, b.len, line, 0);
		else if (into != parent)
			mc_node_unlink(into);
		mc_buf_free(&b);
		return 0;
	}
	/* parsed as a whole document, the fragment in <body>: gumbo
	 * 0.10's fragment mode reads uninitialised memory on tables.  A
	 * <body> tag first keeps everything in the body, in order (else a
	 * leading <noscript> would open <head>, and its text be moved out
	 * of it); it adds BODY_TAG columns to the first line. */
	GumboOptions opts = kGumboDefaultOptions;
	opts.max_errors = 0;
	mc_buf in = MC_BUF_INIT;
	mc_buf_grow(&in, len + BODY_TAG + 1);
	mc_buf_puts(&in, "<body>");
	mc_buf_put(&in, html, len);
	GumboOutput *out = gumbo_parse_with_options(&opts, in.data, in.len);
	if (!out) {
		mc_buf_free(&in);
		mc_warn(fe->diag, line, 0, "HTML could not be parsed; left out "
		        "(%ld words)", mc_count_words(html, len));
		return -1;
	}
	hctx h = {fe, line, from_md, true, NULL};
	/* <head> gets what came before any content that belongs in a body
	 * (a leading <script>, <style>, <title>): through the same code, so
	 * it is dropped with the same warnings */
	const GumboVector *top = &out->root->v.element.children;
	bool blocky = mc_can_contain(parent->type, MC_PARAGRAPH);
	h.space = blocky || !parent->last;
	for (unsigned i = 0; i < top->length; i++) {
		const GumboNode *k = top->data[i];
		if (k->type != GUMBO_NODE_ELEMENT)
			continue;
		const GumboVector *kids = &k->v.element.children;
		if (blocky)
			blocks(&h, kids, parent, 0);
		else
			inlines(&h, kids, parent, 0);
	}
	if (blocky)
		close_para(&h);
	gumbo_destroy_output(&opts, out);
	mc_buf_free(&in);
	return 0;
}

/* ---------------------------------------------------------------- */
/* embeds and containers                                             */

/* Value of query parameter `key` in url, into the arena; NULL if none. */
static const char *query_param(mc_doc *doc, const char *url, const char *key)
{
	const char *q = strchr(url, '?');
	size_t kl = strlen(key);
	while (q) {
		q++;
		if (strncmp(q, key, kl) == 0 && q[kl] == '=') {
			const char *v = q + kl + 1;
			size_t n = strcspn(v, "&#");
			return mc_strndup(doc, v, n);
		}
		q = strpbrk(q, "&;");
	}
	return NULL;
}

static int seconds(const char *s)
{
	if (!s || !*s)
		return -1;
	/* 90, 90s, 1m30s, 1h2m3s */
	long total = 0, cur = 0;
	bool any = false;
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			cur = cur * 10 + (*p - '0');
			any = true;
			if (cur > 1000000)
				return -1;
		} else if (*p == 'h') {
			total += cur * 3600, cur = 0;
		} else if (*p == 'm') {
			total += cur * 60, cur = 0;
		} else if (*p == 's') {
			total += cur, cur = 0;
		} else {
			break;
		}
	}
	return any ? (int)(total + cur) : -1;
}

/* Host of a URL (between "//" and the next '/', ':' or '?'). */
static const char *url_host(mc_doc *doc, const char *url, const char **path)
{
	const char *p = strstr(url, "//");
	if (!p) {
		*path = url;
		return "";
	}
	p += 2;
	size_t n = strcspn(p, "/:?#");
	const char *h = mc_strndup(doc, p, n);
	*path = p + n;
	while (**path == ':' || isdigit((unsigned char)**path))
		(*path)++;
	return h;
}

static bool host_is(const char *host, const char *domain)
{
	size_t hl = strlen(host), dl = strlen(domain);
	if (hl < dl || strcasecmp(host + hl - dl, domain) != 0)
		return false;
	return hl == dl || host[hl - dl - 1] == '.';
}

/* The path segment after `prefix` (up to '/', '?' or '#'). */
static const char *segment_after(mc_doc *doc, const char *path,
                                 const char *prefix)
{
	const char *p = strstr(path, prefix);
	if (!p)
		return NULL;
	p += strlen(prefix);
	size_t n = strcspn(p, "/?#&");
	return n ? mc_strndup(doc, p, n) : NULL;
}

mc_node *mc_fe_embed(mc_fe *fe, const char *src, const char *title,
                     uint32_t line, uint32_t col)
{
	mc_doc *doc = fe->doc;
	if (mc_url_unsafe(src, false)) {
		mc_warn(fe->diag, line, col, "dropped embed of an unsafe URL");
		return NULL;
	}
	mc_node *e = mc_node_new(doc, MC_EMBED, line, col);
	e->as.embed.url = mc_strdup(doc, src);
	/* links for people are absolute: "//host/..." is https */
	const char *url = e->as.embed.url;
	if (strncmp(url, "//", 2) == 0) {
		char *u = mc_arena_alloc(doc->arena, strlen(url) + 7);
		sprintf(u, "https:%s", url);
		url = u;
	}
	e->as.embed.title = title && *title ? mc_strdup(doc, title) : NULL;
	e->as.embed.kind = MC_EMBED_VIDEO;
	const char *path;
	const char *host = url_host(doc, url, &path);
	char buf[512];
	const char *id;
	if (host_is(host, "youtube.com") || host_is(host, "youtube-nocookie.com") ||
	    host_is(host, "youtu.be")) {
		e->as.embed.provider = "YouTube";
		id = host_is(host, "youtu.be") ? segment_after(doc, path, "/")
		     : segment_after(doc, path, "/embed/");
		if (!id)
			id = query_param(doc, url, "v");
		e->as.embed.video_id = id;
		e->as.embed.start = seconds(query_param(doc, url, "start"));
		if (e->as.embed.start < 0)
			e->as.embed.start = seconds(query_param(doc, url, "t"));
		e->as.embed.end = seconds(query_param(doc, url, "end"));
		if (id) {
			if (e->as.embed.start > 0) {
				snprintf(buf, sizeof buf,
				         "https://www.youtube.com/watch?v=%s&t=%ds", id,
				         e->as.embed.start);
				e->as.embed.watch_url = mc_strdup(doc, buf);
				snprintf(buf, sizeof buf, "https://youtu.be/%s?t=%d",
				         id, e->as.embed.start);
			} else {
				snprintf(buf, sizeof buf,
				         "https://www.youtube.com/watch?v=%s", id);
				e->as.embed.watch_url = mc_strdup(doc, buf);
				snprintf(buf, sizeof buf, "https://youtu.be/%s", id);
			}
			e->as.embed.short_url = mc_strdup(doc, buf);
		}
	} else if (host_is(host, "vimeo.com")) {
		e->as.embed.provider = "Vimeo";
		id = segment_after(doc, path, "/video/");
		if (!id)
			id = segment_after(doc, path, "/");
		e->as.embed.video_id = id;
		const char *hash = query_param(doc, url, "h");
		if (id) {
			if (hash)
				snprintf(buf, sizeof buf, "https://vimeo.com/%s/%s",
				         id, hash);
			else
				snprintf(buf, sizeof buf, "https://vimeo.com/%s", id);
			e->as.embed.watch_url = mc_strdup(doc, buf);
		}
	} else if (host_is(host, "ted.com")) {
		e->as.embed.provider = "TED";
		const char *t = strstr(path, "/talks/");
		if (t) {
			t += 7;
			if (strncmp(t, "lang/", 5) == 0) {
				t = strchr(t + 5, '/');
				t = t ? t + 1 : NULL;
			}
		}
		if (t) {
			size_t n = strcspn(t, "?#/");
			e->as.embed.video_id = mc_strndup(doc, t, n);
			snprintf(buf, sizeof buf, "https://www.ted.com/talks/%s",
			         e->as.embed.video_id);
			e->as.embed.watch_url = mc_strdup(doc, buf);
		}
	} else if (host_is(host, "raindrop.io")) {
		e->as.embed.provider = "Raindrop.io";
		e->as.embed.kind = MC_EMBED_COLLECTION;
		const char *emb = strstr(path, "/embed");
		size_t n = emb ? (size_t)(emb - path) : strcspn(path, "?#");
		snprintf(buf, sizeof buf, "https://%s%.*s", host, (int)n, path);
		e->as.embed.watch_url = mc_strdup(doc, buf);
	} else if (strstr(url, "h5p_embed") || strstr(path, "/h5p/")) {
		e->as.embed.provider = "H5P";
		e->as.embed.kind = MC_EMBED_INTERACTIVE;
		e->as.embed.video_id = query_param(doc, url, "id");
	} else {
		e->as.embed.provider = *host ? host : "web page";
		e->as.embed.kind = MC_EMBED_INTERACTIVE;
		/* a video file (<video src=...>, <source src=...>) */
		size_t pl = strcspn(path, "?#");
		static const char *const vext[] = {".mp4", ".webm", ".ogv",
		                                   ".m4v", ".mov"};
		for (size_t k = 0; k < sizeof vext / sizeof *vext; k++) {
			size_t el = strlen(vext[k]);
			if (pl > el && strncasecmp(path + pl - el, vext[k],
			                           el) == 0) {
				e->as.embed.kind = MC_EMBED_VIDEO;
				if (!*host)
					e->as.embed.provider = "video file";
			}
		}
		/* the site's own page or file ("/img/x.webm", the baseurl
		 * already in it): a reader of the print needs the site's
		 * address before it */
		const char *su = doc->meta.site.url;
		if (url[0] == '/' && url[1] != '/' && su &&
		    strncmp(su, "http", 4) == 0) {
			size_t sl = strlen(su);
			while (sl && su[sl - 1] == '/')
				sl--;
			char *u = mc_arena_alloc(doc->arena,
			                         sl + strlen(url) + 1);
			memcpy(u, su, sl);
			strcpy(u + sl, url);
			e->as.embed.watch_url = u;
		}
	}
	if (!e->as.embed.watch_url)
		e->as.embed.watch_url = url;
	if (!e->as.embed.short_url)
		e->as.embed.short_url = e->as.embed.watch_url;
	return e;
}

static const struct {
	const char *cls;
	mc_callout_kind kind;
} callout_classes[] = {
	{"activity", MC_CALLOUT_ACTIVITY},   {"activities", MC_CALLOUT_ACTIVITY},
	{"worksheet", MC_CALLOUT_ACTIVITY},  {"videos", MC_CALLOUT_VIDEOS},
	{"video", MC_CALLOUT_VIDEOS},        {"case_study", MC_CALLOUT_CASE_STUDY},
	{"case-study", MC_CALLOUT_CASE_STUDY},
	{"casestudy", MC_CALLOUT_CASE_STUDY},
	{"objectives", MC_CALLOUT_OBJECTIVES},
	{"objective", MC_CALLOUT_OBJECTIVES}, {"info", MC_CALLOUT_INFO},
	{"note", MC_CALLOUT_INFO},           {"tip", MC_CALLOUT_INFO},
	{"warning", MC_CALLOUT_INFO},
};

mc_node *mc_fe_container_node(mc_fe *fe, const char *tag,
                              const mc_attrs *attrs, uint32_t line,
                              uint32_t col)
{
	mc_doc *doc = fe->doc;
	const char *cls = mc_attr_get(attrs, "class");
	const char *id = mc_attr_get(attrs, "id");
	mc_node *n = NULL;
	if (mc_has_class(cls, "videotime")) {
		/* "2:54 | note": rules.c hands it to the embed before it */
		n = mc_node_new(doc, MC_PARAGRAPH, line, col);
	} else if (strcmp(tag, "details") == 0) {
		n = mc_node_new(doc, MC_DETAILS, line, col);
	} else if (strcmp(tag, "blockquote") == 0) {
		n = mc_node_new(doc, MC_BLOCKQUOTE, line, col);
	} else if (mc_has_class(cls, "callout")) {
		n = mc_node_new(doc, MC_CALLOUT, line, col);
		n->as.callout.kind = MC_CALLOUT_INFO;
		for (size_t i = 0;
		     i < sizeof callout_classes / sizeof *callout_classes; i++)
			if (mc_has_class(cls, callout_classes[i].cls)) {
				n->as.callout.kind = callout_classes[i].kind;
				break;
			}
	} else if (mc_has_class(cls, "colorhighlight")) {
		n = mc_node_new(doc, MC_CALLOUT, line, col);
		n->as.callout.kind = MC_CALLOUT_HIGHLIGHT;
		n->as.callout.variant = 1;
		static const char *const colors[] = {"color1", "color2",
		                                     "color3"};
		for (int v = 0; v < 3; v++)
			if (mc_has_class(cls, colors[v]))
				n->as.callout.variant = v + 1;
	}
	if (!n)
		return NULL;
	if (cls && *cls)
		n->classes = mc_strdup(doc, cls);
	if (id && *id)
		n->id = mc_strdup(doc, id);
	const char *lang = mc_attr_get(attrs, "lang");
	mc_fe_set_lang(fe, n, lang ? lang : mc_attr_get(attrs, "xml:lang"),
	               mc_attr_get(attrs, "dir"), line);
	return n;
}
