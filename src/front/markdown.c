/*
 * markdown.c - the pre-passed text through cmark-gfm into the model (step
 * 3 of internal.h).
 *
 * cmark-gfm's extension node types (table, strikethrough, tasklist) are
 * run-time values, so they are told apart by their type strings.  The
 * pre-pass's marker comments arrive as HTML blocks: an open marker starts a
 * model container that takes the following blocks until its close marker.
 * A paragraph, heading or table cell holding raw inline HTML is rendered
 * back to HTML by cmark and read by the HTML parser as a whole, so that
 * tags opened and closed around Markdown text (`<sup>1</sup>`, `<a ...>`,
 * an `<iframe>` inside a paragraph) nest as a browser would nest them.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "internal.h"
#include "../util/grow.h"

/* cmark-gfm keeps its extension registry in a process-wide table that
 * must be filled once before any parse; pthread_once makes that safe when
 * documents are converted on several threads. */
static pthread_once_t ext_once = PTHREAD_ONCE_INIT;
static void register_ext(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

typedef struct frame {
	mc_node *node;
	cmark_node *cm; /* cmark node that opened it; NULL for a container */
	long cont;      /* container index for marker frames, else -1 */
	bool closed;    /* close marker seen while inner frames were open */
	bool transparent; /* a container that made no node: its blocks go
	                     to node, from its child number `kids` on */
	size_t kids;
} frame;

typedef struct walker {
	mc_fe *fe;
	frame *st;
	size_t n, cap;
	cmark_llist *exts;
	bool warned_depth;
	int line_off; /* md line of the parsed piece's first line, minus 1 */
	int para_line; /* md line of the current paragraph/heading/cell */
	int para_k;    /* line breaks seen in it so far */
	mc_node *into; /* where the parsed document's blocks go */
} walker;

static int parse_text(mc_fe *fe, const char *text, size_t len, int line_off,
                      mc_node *into);

/* kramdown's span-level elements: a line that starts with one of them
 * starts a paragraph of Markdown, where CommonMark would see an HTML
 * block (`<img ...>` alone on a line, then `_Source: ..._`). */
static bool starts_with_span_tag(const char *s)
{
	static const char *const span[] = {
		"a", "abbr", "b", "big", "br", "cite", "code", "em", "i", "img",
		"kbd", "mark", "q", "s", "small", "span", "strike", "strong",
		"sub", "sup", "u", NULL};
	if (*s != '<')
		return false;
	const char *p = s + 1;
	const char *e = p;
	while (isalnum((unsigned char)*e))
		e++;
	if (e == p || !(*e == ' ' || *e == '>' || *e == '/' || *e == '\n'))
		return false;
	for (size_t i = 0; span[i]; i++)
		if (strlen(span[i]) == (size_t)(e - p) &&
		    strncasecmp(span[i], p, (size_t)(e - p)) == 0)
			return true;
	return false;
}

/* Remove the MARK put before a re-parsed span-level HTML line. */
static void strip_mark(mc_node *n)
{
	while (n && n->type != MC_TEXT)
		n = n->first;
	if (!n || strncmp(n->as.text.text, MC_MARK, MC_SENTINEL_LEN) != 0)
		return;
	n->as.text.text += MC_SENTINEL_LEN;
	if (!*n->as.text.text)
		mc_node_unlink(n);
}

static void push(walker *w, mc_node *node, cmark_node *cm, long cont)
{
	MC_GROW(w->st, w->n, w->cap, 64);
	w->st[w->n].node = node;
	w->st[w->n].cm = cm;
	w->st[w->n].cont = cont;
	w->st[w->n].closed = false;
	w->st[w->n].transparent = false;
	w->st[w->n].kids = 0;
	w->n++;
}

static mc_node *top(walker *w)
{
	return w->st[w->n - 1].node;
}

static void pop_closed(walker *w)
{
	while (w->n > 1 && w->st[w->n - 1].closed)
		w->n--;
}

static const char *type_str(cmark_node *n)
{
	const char *s = cmark_node_get_type_string(n);
	return s ? s : "";
}

static void pos(walker *w, cmark_node *n, uint32_t *line, uint32_t *col)
{
	int l = cmark_node_get_start_line(n);
	int c = cmark_node_get_start_column(n);
	if (w->para_line > 0 &&
	    (cmark_node_get_type(n) & CMARK_NODE_TYPE_MASK) ==
	            CMARK_NODE_TYPE_INLINE) {
		/* cmark's inline positions are missing or off after a hard
		 * break: count the line breaks instead */
		mc_fe_map(w->fe, w->para_line + w->para_k, 0, line, col);
		return;
	}
	cmark_node *p = n;
	while (l <= 0 && (p = cmark_node_parent(p)) != NULL) {
		l = cmark_node_get_start_line(p);
		c = 0;
	}
	mc_fe_map(w->fe, l + w->line_off, c, line, col);
}

/* Whether any inline below n is raw HTML. */
static bool has_raw_html(cmark_node *n)
{
	cmark_node *c = cmark_node_first_child(n);
	while (c) {
		cmark_node_type t = cmark_node_get_type(c);
		if (t == CMARK_NODE_HTML_INLINE)
			return true;
		cmark_node *d = cmark_node_first_child(c);
		if (d) {
			c = d;
			continue;
		}
		while (c && c != n && !cmark_node_next(c))
			c = cmark_node_parent(c);
		if (!c || c == n)
			break;
		c = cmark_node_next(c);
	}
	return false;
}

/* Inline HTML the walker handles itself, without the HTML parser: the
 * tags most Markdown authors mix into text, when every one is closed
 * among the same siblings it was opened in (so the nesting is plain). */
typedef enum itag { IT_NONE = 0, IT_BR, IT_B, IT_I, IT_SUP, IT_SUB, IT_S,
                    IT_SPAN, IT_A, IT_COMMENT } itag;

typedef struct itok {
	itag tag;
	bool closing;
	const char *attrs; /* after the name */
	size_t attrslen;
} itok;

static itag itag_of(const char *s, size_t n)
{
	static const struct {
		const char *name;
		itag tag;
	} tab[] = {{"br", IT_BR},     {"b", IT_B},       {"strong", IT_B},
	           {"i", IT_I},       {"em", IT_I},      {"cite", IT_I},
	           {"sup", IT_SUP},   {"sub", IT_SUB},   {"s", IT_S},
	           {"del", IT_S},     {"strike", IT_S},  {"span", IT_SPAN},
	           {"u", IT_SPAN},    {"small", IT_SPAN}, {"mark", IT_SPAN},
	           {"a", IT_A}};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (strlen(tab[i].name) == n && strncasecmp(tab[i].name, s, n) == 0)
			return tab[i].tag;
	return IT_NONE;
}

/* Read one html_inline literal; IT_NONE if it is not a plain tag. */
static itok read_tag(const char *lit)
{
	itok t = {IT_NONE, false, NULL, 0};
	if (strncmp(lit, "<!--", 4) == 0) {
		t.tag = IT_COMMENT;
		return t;
	}
	if (*lit != '<')
		return t;
	const char *p = lit + 1;
	if (*p == '/') {
		t.closing = true;
		p++;
	}
	const char *name = p;
	while (isalnum((unsigned char)*p))
		p++;
	t.tag = itag_of(name, (size_t)(p - name));
	t.attrs = p;
	t.attrslen = strlen(p);
	if (t.attrslen && p[t.attrslen - 1] == '>')
		t.attrslen--;
	if (t.attrslen && p[t.attrslen - 1] == '/')
		t.attrslen--;
	/* event handlers and other risky attributes: leave to html.c,
	 * which warns about them */
	for (const char *q = p; q < p + t.attrslen; q++)
		if ((*q == 'o' || *q == 'O') && (q[1] == 'n' || q[1] == 'N') &&
		    q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\n'))
			t.tag = IT_NONE;
	if (t.closing && t.attrslen && strspn(p, " \t\n>") != strlen(p))
		t.tag = IT_NONE;
	return t;
}

/* Whether all inline HTML under n is plain (see itag). */
static bool simple_inline_html(cmark_node *n)
{
	itag stack[32];
	size_t depth = 0;
	for (cmark_node *c = cmark_node_first_child(n); c;
	     c = cmark_node_next(c)) {
		cmark_node_type t = cmark_node_get_type(c);
		if (t == CMARK_NODE_HTML_INLINE) {
			itok k = read_tag(cmark_node_get_literal(c));
			if (k.tag == IT_NONE)
				return false;
			if (k.tag == IT_COMMENT || k.tag == IT_BR)
				continue;
			if (k.closing) {
				if (!depth || stack[depth - 1] != k.tag)
					return false;
				depth--;
			} else {
				if (depth == 32)
					return false;
				stack[depth++] = k.tag;
			}
		} else if (cmark_node_first_child(c) &&
		           !simple_inline_html(c)) {
			return false;
		}
	}
	return depth == 0;
}

/* Text of an IAL sentinel put back as written (inside code). */
static const char *restore_ials(mc_fe *fe, const char *s)
{
	if (!strstr(s, MC_IAL_OPEN))
		return mc_strdup(fe->doc, s);
	mc_buf b = MC_BUF_INIT;
	const char *p = s;
	const char *q;
	while ((q = strstr(p, MC_IAL_OPEN)) != NULL) {
		mc_buf_put(&b, p, (size_t)(q - p));
		char *e;
		unsigned long idx = strtoul(q + MC_SENTINEL_LEN, &e, 10);
		if (strncmp(e, MC_IAL_CLOSE, MC_SENTINEL_LEN) == 0 &&
		    idx < fe->nials) {
			mc_buf_puts(&b, fe->ials[idx].text);
			fe->ials[idx].used = true;
			p = e + MC_SENTINEL_LEN;
		} else {
			mc_buf_put(&b, q, MC_SENTINEL_LEN);
			p = q + MC_SENTINEL_LEN;
		}
	}
	mc_buf_puts(&b, p);
	const char *r = mc_strdup(fe->doc, b.data ? b.data : "");
	mc_buf_free(&b);
	return r;
}

/* The children of n rendered as HTML, into b. */
static void render_children(walker *w, cmark_node *n, mc_buf *b)
{
	for (cmark_node *c = cmark_node_first_child(n); c;
	     c = cmark_node_next(c)) {
		char *h = cmark_render_html(c, CMARK_OPT_UNSAFE, w->exts);
		if (h) {
			mc_buf_puts(b, h);
			free(h);
		}
	}
}

/* Text of the inlines under n (for image alt text). */
static void plain(cmark_node *n, mc_buf *b)
{
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node_type t = cmark_node_get_type(c);
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
			mc_buf_puts(b, cmark_node_get_literal(c));
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			mc_buf_putc(b, ' ');
	}
	cmark_iter_free(it);
}

/* A footnote's label, from what cmark-gfm renders for it (its API keeps
 * the label of neither definitions nor references): the text after
 * `key` up to the next quote, e.g. href="#fn-LABEL". */
static const char *footnote_label(walker *w, cmark_node *cm, const char *key)
{
	char *h = cmark_render_html(cm, CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES,
	                            w->exts);
	const char *label = "";
	if (h) {
		const char *p = strstr(h, key);
		if (p) {
			p += strlen(key);
			label = mc_strndup(w->fe->doc, p, strcspn(p, "\""));
		}
		free(h);
	}
	return label;
}

/* A transparent container's language and direction go to the blocks it
 * held (those without their own), as if it were their parent. */
static void pass_lang(mc_fe *fe, const mc_container *c, const frame *f)
{
	const char *l = mc_attr_get(&c->attrs, "lang");
	if (!l)
		l = mc_attr_get(&c->attrs, "xml:lang");
	const char *d = mc_attr_get(&c->attrs, "dir");
	if (!(l && *l) && !(d && *d))
		return;
	size_t k = 0;
	for (mc_node *ch = f->node->first; ch; ch = ch->next, k++)
		if (k >= f->kids && !ch->lang && ch->dir == MC_DIR_NONE &&
		    mc_node_is_block(ch->type))
			mc_fe_set_lang(fe, ch, l, d, c->line);
}

static mc_doc *doc_of(mc_fe *fe)
{
	return fe->doc;
}

static long find_cont(walker *w, long idx)
{
	for (size_t i = w->n; i-- > 1;)
		if (w->st[i].cont == idx)
			return (long)i;
	return -1;
}

/* An HTML block's literal: markers (which cmark may have run together
 * with other HTML lines) and raw HTML between them. */
static void html_block(walker *w, const char *lit, uint32_t line)
{
	mc_fe *fe = w->fe;
	const char *p = lit;
	const char *m;
	while (*p) {
		m = strstr(p, "<!--" MC_MARK);
		const char *seg_end = m ? m : p + strlen(p);
		/* raw HTML before the marker (comments alone are dropped) */
		const char *s = p;
		while (s < seg_end && (*s == ' ' || *s == '\t' || *s == '\n'))
			s++;
		if (s < seg_end)
			mc_fe_html(fe, s, (size_t)(seg_end - s), line, top(w),
			           false);
		if (!m)
			break;
		for (const char *c = p; c < m; c++)
			line += (*c == '\n');
		const char *k = m + 4 + MC_SENTINEL_LEN;
		char kind = *k;
		char *e;
		long idx = strtol(k + 1, &e, 10);
		const char *after = strstr(e, "-->");
		p = after ? after + 3 : e;
		if (kind == 'r' && idx >= 0 && (size_t)idx < fe->nchunks) {
			const mc_chunk *c = &fe->chunks[idx];
			mc_fe_html(fe, c->text, c->len, c->line, top(w), false);
		} else if (kind == 'o' && idx >= 0 && (size_t)idx < fe->nconts) {
			const mc_container *c = &fe->conts[idx];
			mc_node *parent = top(w);
			mc_node *n = NULL;
			if (c->node != MC_DOCUMENT) {
				/* a definition list's part (from the pre-pass) */
				if (mc_can_contain(parent->type, c->node))
					n = mc_node_new(doc_of(fe), c->node, c->line,
					                c->col);
			} else if (mc_node_is_block(parent->type) ||
			    parent->type == MC_DOCUMENT ||
			    parent->type == MC_ITEM ||
			    parent->type == MC_BLOCKQUOTE ||
			    parent->type == MC_TABLE_CELL ||
			    parent->type == MC_FOOTNOTE_DEF)
				n = mc_fe_container_node(fe, c->tag, &c->attrs,
				                         c->line, c->col);
			if (n) {
				mc_node_append(parent, n);
				push(w, n, NULL, idx);
			} else {
				push(w, parent, NULL, idx); /* transparent */
				size_t nk = 0;
				for (mc_node *ch = parent->first; ch; ch = ch->next)
					nk++;
				w->st[w->n - 1].transparent = true;
				w->st[w->n - 1].kids = nk;
			}
		} else if (kind == 'c') {
			long i = find_cont(w, idx);
			if (i > 0 && w->st[i].transparent &&
			    (size_t)idx < fe->nconts)
				pass_lang(fe, &fe->conts[idx], &w->st[i]);
			if (i == (long)w->n - 1) {
				w->n--;
				pop_closed(w);
			} else if (i > 0) {
				w->st[i].closed = true;
			}
		}
		while (*p == '\n')
			p++, line++;
	}
}

/* ENTER of a cmark node: returns true if its children must be skipped. */
static bool enter(walker *w, cmark_node *cm)
{
	mc_fe *fe = w->fe;
	mc_doc *doc = fe->doc;
	cmark_node_type t = cmark_node_get_type(cm);
	const char *ts = type_str(cm);
	uint32_t line, col;
	if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
	    strcmp(ts, "table_cell") == 0) {
		w->para_line = cmark_node_get_start_line(cm) + w->line_off;
		w->para_k = 0;
	} else if ((t & CMARK_NODE_TYPE_MASK) != CMARK_NODE_TYPE_INLINE) {
		w->para_line = 0;
	}
	pos(w, cm, &line, &col);
	if (t == CMARK_NODE_DOCUMENT || w->n == 0) {
		push(w, w->into, cm, -1);
		return false;
	}
	mc_node *parent = top(w);
	mc_node *n = NULL;

	if (w->n > 4 * MC_MAX_DEPTH + 64 &&
	    cmark_node_first_child(cm) != NULL) {
		/* absurd nesting: keep the text, flatten the structure */
		if (!w->warned_depth)
			mc_warn(fe->diag, line, col,
			        "nesting deeper than %d levels is flattened",
			        4 * MC_MAX_DEPTH + 64);
		w->warned_depth = true;
		if (mc_node_is_inline(parent->type) ||
		    parent->type == MC_PARAGRAPH || parent->type == MC_HEADING) {
			push(w, parent, cm, -1);
			return false;
		}
		if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING) {
			n = mc_node_new(doc, MC_PARAGRAPH, line, col);
			mc_node_append(parent, n);
			push(w, n, cm, -1);
			return false;
		}
		push(w, parent, cm, -1);
		return false;
	}

	switch (t) {
	case CMARK_NODE_BLOCK_QUOTE:
		n = mc_node_new(doc, MC_BLOCKQUOTE, line, col);
		break;
	case CMARK_NODE_LIST:
		n = mc_node_new(doc, MC_LIST, line, col);
		n->as.list.ordered = cmark_node_get_list_type(cm) ==
		                     CMARK_ORDERED_LIST;
		n->as.list.start = n->as.list.ordered ?
		                   cmark_node_get_list_start(cm) : 1;
		n->as.list.tight = cmark_node_get_list_tight(cm) != 0;
		break;
	case CMARK_NODE_ITEM:
		n = mc_node_new(doc, MC_ITEM, line, col);
		if (strcmp(ts, "tasklist") == 0)
			n->as.item.task =
				cmark_gfm_extensions_get_tasklist_item_checked(cm)
					? MC_TASK_DONE
					: MC_TASK_OPEN;
		break;
	case CMARK_NODE_FOOTNOTE_DEFINITION:
		n = mc_node_new(doc, MC_FOOTNOTE_DEF, line, col);
		n->as.footnote.label = footnote_label(w, cm, "id=\"fn-");
		/* definitions always go to the end of the document */
		mc_node_append(doc->root, n);
		push(w, n, cm, -1);
		return false;
	case CMARK_NODE_CODE_BLOCK: {
		n = mc_node_new(doc, MC_CODE_BLOCK, line, col);
		const char *info = cmark_node_get_fence_info(cm);
		n->as.code.info = mc_strdup(doc, info ? info : "");
		n->as.code.text = restore_ials(fe, cmark_node_get_literal(cm)
		                                   ? cmark_node_get_literal(cm)
		                                   : "");
		mc_node_append(parent, n);
		return true;
	}
	case CMARK_NODE_HTML_BLOCK: {
		uint32_t l, c;
		mc_fe_map(fe, cmark_node_get_start_line(cm) + w->line_off, 1, &l,
		          &c);
		const char *lit = cmark_node_get_literal(cm);
		if (lit && starts_with_span_tag(lit) &&
		    !strstr(lit, "<!--" MC_MARK)) {
			/* Markdown after all: parse it again as a paragraph,
			 * kept from being an HTML block by a leading MARK */
			mc_buf b = MC_BUF_INIT;
			mc_buf_puts(&b, MC_MARK);
			mc_buf_puts(&b, lit);
			mc_node *before = parent->last;
			parse_text(fe, b.data, b.len,
			           cmark_node_get_start_line(cm) + w->line_off - 1,
			           parent);
			mc_buf_free(&b);
			strip_mark(before ? before->next : parent->first);
			return true;
		}
		html_block(w, lit ? lit : "", l);
		return true;
	}
	case CMARK_NODE_THEMATIC_BREAK:
		mc_node_append(parent, mc_node_new(doc, MC_THEMATIC_BREAK, line,
		                                   col));
		return true;
	case CMARK_NODE_PARAGRAPH:
	case CMARK_NODE_HEADING:
		if (has_raw_html(cm) && !simple_inline_html(cm)) {
			mc_buf b = MC_BUF_INIT;
			render_children(w, cm, &b);
			mc_node *into = parent;
			if (t == CMARK_NODE_HEADING) {
				n = mc_node_new(doc, MC_HEADING, line, col);
				n->as.heading.level = cmark_node_get_heading_level(cm);
				mc_node_append(parent, n);
				into = n;
			} else if (!mc_can_contain(parent->type, MC_PARAGRAPH)) {
				into = parent; /* a cell's paragraph: inlines */
			}
			mc_fe_html(fe, b.data ? b.data : "", b.len, line, into,
			           true);
			mc_buf_free(&b);
			return true;
		}
		if (t == CMARK_NODE_HEADING) {
			n = mc_node_new(doc, MC_HEADING, line, col);
			n->as.heading.level = cmark_node_get_heading_level(cm);
		} else if (parent->type == MC_PARAGRAPH ||
		           parent->type == MC_DEFTERM) {
			/* a table cell's or a videotime line's paragraph, or a
			 * definition term's text */
			if (parent->last)
				mc_node_append(parent, mc_node_new(doc, MC_SOFTBREAK,
				                                   line, col));
			push(w, parent, cm, -1);
			return false;
		} else {
			n = mc_node_new(doc, MC_PARAGRAPH, line, col);
		}
		break;
	case CMARK_NODE_TEXT:
		mc_fe_text(fe, parent, cmark_node_get_literal(cm),
		           strlen(cmark_node_get_literal(cm)), line, col);
		return true;
	case CMARK_NODE_SOFTBREAK:
		mc_node_append(parent, mc_node_new(doc, MC_SOFTBREAK, line, col));
		w->para_k++;
		return true;
	case CMARK_NODE_LINEBREAK:
		mc_node_append(parent, mc_node_new(doc, MC_LINEBREAK, line, col));
		w->para_k++;
		return true;
	case CMARK_NODE_CODE:
		n = mc_node_new(doc, MC_CODE, line, col);
		n->as.text.text = restore_ials(fe, cmark_node_get_literal(cm));
		mc_node_append(parent, n);
		return true;
	case CMARK_NODE_HTML_INLINE: {
		/* plain inline tags (simple_inline_html said so) */
		itok k = read_tag(cmark_node_get_literal(cm));
		if (k.tag == IT_COMMENT || k.tag == IT_NONE)
			return true;
		if (k.tag == IT_BR) {
			mc_node_append(parent,
			               mc_node_new(doc, MC_LINEBREAK, line, col));
			return true;
		}
		if (k.closing) {
			if (w->n > 1 && w->st[w->n - 1].cont == -2)
				w->n--;
			return true;
		}
		mc_node_type nt = k.tag == IT_B ? MC_STRONG
		                  : k.tag == IT_I ? MC_EMPH
		                  : k.tag == IT_SUP ? MC_SUP
		                  : k.tag == IT_SUB ? MC_SUB
		                  : k.tag == IT_S ? MC_STRIKE
		                  : k.tag == IT_A ? MC_LINK : MC_TEXT;
		mc_attrs a;
		mc_fe_parse_attrs(fe, k.attrs, k.attrslen, &a);
		const char *lang = mc_attr_get(&a, "lang");
		if (!lang)
			lang = mc_attr_get(&a, "xml:lang");
		const char *dir = mc_attr_get(&a, "dir");
		if (nt == MC_TEXT) {
			/* a span: transparent, unless it gives a language or
			 * direction */
			if (lang || dir) {
				n = mc_node_new(doc, MC_SPAN, line, col);
				mc_fe_set_lang(fe, n, lang, dir, line);
				if (n->lang || n->dir != MC_DIR_NONE ||
				    (dir && strcasecmp(dir, "auto") == 0)) {
					mc_node_append(parent, n);
					push(w, n, NULL, -2);
					return true;
				}
			}
			push(w, parent, NULL, -2);
			return true;
		}
		n = mc_node_new(doc, nt, line, col);
		if (nt == MC_LINK) {
			const char *href = mc_attr_get(&a, "href");
			const char *title = mc_attr_get(&a, "title");
			const char *target = mc_attr_get(&a, "target");
			if (!href) {
				push(w, parent, NULL, -2); /* an anchor */
				return true;
			}
			if (mc_url_unsafe(href, false)) {
				mc_warn(fe->diag, line, col,
				        "dropped link to an unsafe URL (%.20s...)",
				        href);
				push(w, parent, NULL, -2); /* keep its text */
				return true;
			}
			n->as.link.url = href;
			n->as.link.title = title && *title ? title : NULL;
			n->as.link.target = target && *target ? target : NULL;
		}
		if (lang || dir)
			mc_fe_set_lang(fe, n, lang, dir, line);
		mc_node_append(parent, n);
		push(w, n, NULL, -2);
		return true;
	}
	case CMARK_NODE_EMPH:
		n = mc_node_new(doc, MC_EMPH, line, col);
		break;
	case CMARK_NODE_STRONG:
		n = mc_node_new(doc, MC_STRONG, line, col);
		break;
	case CMARK_NODE_LINK: {
		const char *u = cmark_node_get_url(cm);
		if (mc_url_unsafe(u, false)) {
			mc_warn(fe->diag, line, col,
			        "dropped link to an unsafe URL (%.20s...)", u);
			push(w, parent, cm, -1); /* keep its text */
			return false;
		}
		n = mc_node_new(doc, MC_LINK, line, col);
		const char *ti = cmark_node_get_title(cm);
		n->as.link.url = mc_strdup(doc, u ? u : "");
		n->as.link.title = ti && *ti ? mc_strdup(doc, ti) : NULL;
		break;
	}
	case CMARK_NODE_IMAGE: {
		const char *u = cmark_node_get_url(cm);
		const char *ti = cmark_node_get_title(cm);
		mc_buf b = MC_BUF_INIT;
		plain(cm, &b);
		if (mc_url_unsafe(u, true)) {
			mc_warn(fe->diag, line, col, "dropped image with an unsafe "
			                             "URL; its alt text is kept");
			if (b.len)
				mc_fe_text(fe, parent, b.data, b.len, line, col);
			mc_buf_free(&b);
			return true;
		}
		if (!u || !*u) {
			/* `![alt]()`: a browser shows a broken picture and the
			 * alt text; the text that follows (often the intended
			 * target, `![]()(path)`) is page text */
			mc_warn(fe->diag, line, col,
			        "image with an empty URL `![%s]()` left out%s",
			        b.len ? b.data : "",
			        b.len ? "; its alt text is kept" : "");
			if (b.len)
				mc_fe_text(fe, parent, b.data, b.len, line, col);
			mc_buf_free(&b);
			return true;
		}
		n = mc_node_new(doc, MC_IMAGE, line, col);
		n->as.image.src = mc_strdup(doc, u ? u : "");
		n->as.image.title = ti && *ti ? mc_strdup(doc, ti) : NULL;
		n->as.image.alt = mc_strdup(doc, b.data ? b.data : "");
		mc_buf_free(&b);
		mc_node_append(parent, n);
		return true;
	}
	case CMARK_NODE_FOOTNOTE_REFERENCE:
		n = mc_node_new(doc, MC_FOOTNOTE_REF, line, col);
		n->as.footnote.label = footnote_label(w, cm, "href=\"#fn-");
		mc_node_append(parent, n);
		return true;
	default:
		break;
	}
	if (!n) {
		/* extension nodes */
		if (strcmp(ts, "table") == 0) {
			n = mc_node_new(doc, MC_TABLE, line, col);
			int nc = cmark_gfm_extensions_get_table_columns(cm);
			uint8_t *al = cmark_gfm_extensions_get_table_alignments(cm);
			n->as.table.ncols = nc;
			n->as.table.aligns = mc_arena_alloc(
				doc->arena, (size_t)(nc > 0 ? nc : 1) *
				                    sizeof(mc_align));
			for (int i = 0; i < nc && al; i++)
				n->as.table.aligns[i] =
					al[i] == 'l' ? MC_ALIGN_LEFT
					: al[i] == 'c' ? MC_ALIGN_CENTER
					: al[i] == 'r' ? MC_ALIGN_RIGHT
					               : MC_ALIGN_NONE;
		} else if (strcmp(ts, "table_header") == 0 ||
		           strcmp(ts, "table_row") == 0) {
			n = mc_node_new(doc, MC_TABLE_ROW, line, col);
			n->as.row.header =
				cmark_gfm_extensions_get_table_row_is_header(cm) != 0;
		} else if (strcmp(ts, "table_cell") == 0) {
			n = mc_node_new(doc, MC_TABLE_CELL, line, col);
			mc_node *row = parent;
			n->as.cell.header = row->type == MC_TABLE_ROW &&
			                    row->as.row.header;
			int i = 0;
			for (mc_node *s = row->first; s; s = s->next)
				i++;
			mc_node *table = row->parent;
			if (table && table->type == MC_TABLE &&
			    table->as.table.aligns && i < table->as.table.ncols)
				n->as.cell.align = table->as.table.aligns[i];
			mc_node_append(parent, n);
			push(w, n, cm, -1);
			mc_node *para = mc_node_new(doc, MC_PARAGRAPH, line, col);
			mc_node_append(n, para);
			if (has_raw_html(cm) && !simple_inline_html(cm)) {
				mc_buf b = MC_BUF_INIT;
				render_children(w, cm, &b);
				mc_fe_html(fe, b.data ? b.data : "", b.len, line,
				           para, true);
				mc_buf_free(&b);
				w->n--;
				return true;
			}
			push(w, para, cm, -1);
			return false;
		} else if (strcmp(ts, "strikethrough") == 0) {
			n = mc_node_new(doc, MC_STRIKE, line, col);
		} else {
			/* unknown node: keep its content in the parent */
			push(w, parent, cm, -1);
			return false;
		}
	}
	if (!mc_can_contain(parent->type, n->type)) {
		/* e.g. a block inside an inline-only container: keep going
		 * with the content flattened into the parent */
		push(w, parent, cm, -1);
		return false;
	}
	mc_node_append(parent, n);
	push(w, n, cm, -1);
	return false;
}

static void leave(walker *w, cmark_node *cm)
{
	size_t i = w->n;
	while (i > 1 && w->st[i - 1].cm != cm)
		i--;
	if (i <= 1)
		return; /* a node whose content was handled on entry */
	/* containers opened inside cm and not closed there end with it */
	while (w->n > 1 && w->st[w->n - 1].cm != cm)
		w->n--;
	while (w->n > 1 && w->st[w->n - 1].cm == cm)
		w->n--;
	pop_closed(w);
}

/* Parse text (its first line is md line line_off + 1) into `into`. */
static int parse_text(mc_fe *fe, const char *text, size_t len, int line_off,
                      mc_node *into)
{
	cmark_parser *parser = cmark_parser_new(
		CMARK_OPT_SMART | CMARK_OPT_FOOTNOTES | CMARK_OPT_UNSAFE |
		CMARK_OPT_SOURCEPOS);
	static const char *const names[] = {"table", "strikethrough",
	                                    "autolink", "tasklist"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(names[i]);
		if (e)
			cmark_parser_attach_syntax_extension(parser, e);
	}
	cmark_parser_feed(parser, text, len);
	cmark_node *root = cmark_parser_finish(parser);
	if (!root) {
		cmark_parser_free(parser);
		mc_error(fe->diag, 0, 0, "Markdown parser failed");
		return -1;
	}
	walker w = {fe, NULL, 0, 0, cmark_parser_get_syntax_extensions(parser),
	            false, line_off, 0, 0, into};
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *cm = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER) {
			if (enter(&w, cm) && cmark_node_first_child(cm))
				cmark_iter_reset(it, cm, CMARK_EVENT_EXIT);
		} else if (ev == CMARK_EVENT_EXIT) {
			leave(&w, cm);
		}
	}
	cmark_iter_free(it);
	free(w.st);
	cmark_node_free(root);
	cmark_parser_free(parser);
	return 0;
}

/* ---- kramdown's link text with span-level HTML ---- */

#define LINK_WINDOW 1024
#define MAX_LINK_HTML 10000 /* "[<" looked at, at most, per piece */
#define MAX_TICKS 32        /* longer backtick runs are not looked into */

/* The length of an HTML tag name at s (letters and digits), 0 if none. */
static size_t name_len(const char *s, const char *end)
{
	size_t n = 0;
	while (s + n < end && isalnum((unsigned char)s[n]))
		n++;
	return n > 0 && isalpha((unsigned char)*s) ? n : 0;
}

/* Where the paragraph that holds p ends: at a blank line, or end. */
static const char *para_end(const char *p, const char *end)
{
	for (const char *q = p; q < end; q++) {
		if (*q != '\n')
			continue;
		const char *r = q + 1;
		while (r < end && (*r == ' ' || *r == '\t'))
			r++;
		if (r >= end || *r == '\n')
			return q;
	}
	return end;
}

/* At s (just after "[<"), a span-level element closed before a `]` that
 * ends the link text: `[<sup>\[1]</sup>](url)`.  kramdown reads the
 * element as a whole, so the brackets inside it do not count; CommonMark
 * counts them, and the unmatched `]` ends the link text early, leaving
 * the whole link as text.  Returns the element's content [*c0, *c1) when
 * it holds an unescaped bracket, false otherwise. */
static bool html_in_link(const char *s, const char *end, const char **c0,
                         const char **c1)
{
	size_t n = name_len(s, end);
	if (!n || !starts_with_span_tag(s - 1))
		return false;
	/* link text is short: looked for within LINK_WINDOW bytes, so a
	 * paragraph of unclosed "[<b>" costs time in proportion */
	const char *pe = para_end(s, end - s > LINK_WINDOW ? s + LINK_WINDOW
	                                                   : end);
	const char *gt = memchr(s, '>', (size_t)(pe - s));
	if (!gt || gt[-1] == '/')
		return false;
	for (const char *q = gt + 1; q + n + 3 < pe; q++) {
		if (q[0] != '<' || q[1] != '/' || strncasecmp(q + 2, s, n) != 0 ||
		    q[2 + n] != '>')
			continue;
		if (q[3 + n] != ']')
			return false;
		bool any = false;
		for (const char *b = gt + 1; b < q; b++)
			if ((*b == '[' || *b == ']') && b[-1] != '\\')
				any = true;
		*c0 = gt + 1;
		*c1 = q;
		return any;
	}
	return false;
}

/* The Markdown with the brackets inside span-level HTML in link text
 * escaped (see html_in_link), into out; false (out untouched) when
 * there are none.  Fenced code and code spans are left alone. */
static bool escape_link_html(const char *text, size_t len, mc_buf *out)
{
	const char *end = text + len;
	const char *hit = text;
	while ((hit = memchr(hit, '[', (size_t)(end - hit))) != NULL &&
	       (hit + 1 >= end || hit[1] != '<'))
		hit++;
	if (!hit)
		return false;
	const char *copied = text; /* text before this is in out */
	char fence = 0;            /* inside a fenced code block: its char */
	size_t fence_n = 0;
	bool changed = false;
	int tried = 0;
	/* the paragraph being scanned ends at pe; a backtick run of length
	 * k has no closing run in it when noclose[k] == pe (each length is
	 * looked for once per paragraph, so the scan stays linear) */
	const char *pe = NULL;
	const char *noclose[MAX_TICKS + 1] = {NULL};
	const char *p = text;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *t = p;
		while (t < eol && t - p < 4 && *t == ' ')
			t++;
		size_t run = 0;
		while (t + run < eol && (t[run] == '`' || t[run] == '~') &&
		       t[run] == *t)
			run++;
		if (run >= 3) {
			if (!fence) {
				fence = *t;
				fence_n = run;
			} else if (*t == fence && run >= fence_n) {
				fence = 0;
			}
			p = eol < end ? eol + 1 : end;
			continue;
		}
		if (fence) {
			p = eol < end ? eol + 1 : end;
			continue;
		}
		for (const char *q = p; q < eol; q++) {
			if (*q == '`') {
				/* a code span: to its closing run, which may
				 * be on a later line of the paragraph */
				size_t k = 1;
				while (q + k < eol && q[k] == '`')
					k++;
				if (!pe || q >= pe)
					pe = para_end(q, end);
				if (k > MAX_TICKS || noclose[k] == pe) {
					q += k - 1;
					continue;
				}
				const char *c = q + k;
				while (c < pe) {
					size_t m = 0;
					while (c + m < pe && c[m] == '`')
						m++;
					if (m == k)
						break;
					c += m ? m : 1;
				}
				if (c >= pe)
					noclose[k] = pe;
				q = c < pe ? c + k - 1 : q + k - 1;
				if (q >= eol) { /* went on to a later line */
					eol = memchr(q, '\n', (size_t)(end - q));
					if (!eol)
						eol = end;
				}
				continue;
			}
			if (*q != '[' || q + 1 >= eol || q[1] != '<' ||
			    (q > text && q[-1] == '\\'))
				continue;
			const char *c0, *c1;
			if (++tried > MAX_LINK_HTML)
				break;
			if (!html_in_link(q + 2, end, &c0, &c1))
				continue;
			if (!changed)
				mc_buf_grow(out, len + 16);
			for (const char *b = c0; b < c1; b++) {
				if ((*b == '[' || *b == ']') && b[-1] != '\\') {
					mc_buf_put(out, copied,
					           (size_t)(b - copied));
					mc_buf_putc(out, '\\');
					copied = b;
				}
			}
			changed = true;
			q = c1;
			if (q >= eol) { /* went on to a later line */
				eol = memchr(q, '\n', (size_t)(end - q));
				if (!eol)
					eol = end;
			}
		}
		p = eol < end ? eol + 1 : end;
	}
	if (changed)
		mc_buf_put(out, copied, (size_t)(end - copied));
	return changed;
}

/* Parse md[from, to) (its first line is md line line_off + 1). */
static int parse_piece(mc_fe *fe, size_t from, size_t to, int line_off)
{
	mc_buf esc = MC_BUF_INIT;
	int rc;
	if (escape_link_html(fe->md.data + from, to - from, &esc))
		rc = parse_text(fe, esc.data, esc.len, line_off, fe->doc->root);
	else
		rc = parse_text(fe, fe->md.data + from, to - from, line_off,
		                fe->doc->root);
	mc_buf_free(&esc);
	return rc;
}

int mc_fe_markdown(mc_fe *fe)
{
	pthread_once(&ext_once, register_ext);
	if (!fe->md.data)
		return 0;
	/* Big documents are parsed in pieces cut where no Markdown block
	 * can span the cut: the same tree, a fraction of the memory, and a
	 * tree still in cache while it is converted. */
	size_t from = 0;
	int line = 0;
	if (!fe->has_refdefs) {
		for (size_t i = 0; i < fe->ncuts; i++) {
			if (fe->cut_off[i] - from < 256 * 1024)
				continue;
			if (parse_piece(fe, from, fe->cut_off[i], line) != 0)
				return -1;
			from = fe->cut_off[i];
			line = (int)fe->cut_line[i] - 1;
		}
	}
	return parse_piece(fe, from, fe->md.len, line);
}
