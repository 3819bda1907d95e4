/* unit_model.c - tests of the document model and the JSON dump.
 *
 * One line per check, "PASS: ..." or "FAIL: ..."; exit status 1 if any
 * check failed. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "back/backend.h"
#include "model/model.h"
#include "util/buf.h"
#include "util/diag.h"

int mc_render_json(const mc_doc *doc, const mc_theme *theme,
                   const mc_render_opts *opts, mc_buf *out, mc_diag *diag);

static int nfail, npass;

static void check(bool ok, const char *what)
{
	printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
	if (ok)
		npass++;
	else
		nfail++;
}

/* Print where two strings first differ (for failed golden checks). */
static void show_diff(const char *want, const char *got)
{
	size_t i = 0;
	while (want[i] && want[i] == got[i])
		i++;
	size_t from = i > 60 ? i - 60 : 0;
	fprintf(stderr, "  first difference at byte %zu\n  want: ...%.*s\n"
	        "  got:  ...%.*s\n",
	        i, 120, want + from, 120, got + from);
}

static mc_node *add(mc_doc *doc, mc_node *parent, mc_node_type t,
                    uint32_t line)
{
	mc_node *n = mc_node_new(doc, t, line, 1);
	mc_node_append(parent, n);
	return n;
}

static mc_node *add_text(mc_doc *doc, mc_node *parent, const char *s,
                         uint32_t line)
{
	mc_node *n = add(doc, parent, MC_TEXT, line);
	n->as.text.text = mc_strdup(doc, s);
	return n;
}

static char *render(const mc_doc *doc, size_t *len)
{
	mc_buf b = MC_BUF_INIT;
	mc_diag d;
	mc_diag_init(&d, NULL, "test");
	int rc = mc_render_json(doc, NULL, NULL, &b, &d);
	if (rc != 0) {
		mc_buf_free(&b);
		return NULL;
	}
	return mc_buf_detach(&b, len);
}

/* ---- a small JSON checker (iterative, so it copes with deep input) ---- */

typedef struct jp {
	const unsigned char *s, *end;
} jp;

static void ws(jp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\n' ||
	                         *p->s == '\t' || *p->s == '\r'))
		p->s++;
}

static bool lit(jp *p, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n) != 0)
		return false;
	p->s += n;
	return true;
}

static bool hex4(const unsigned char *s)
{
	for (int i = 0; i < 4; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return false;
	return true;
}

static bool jstring(jp *p)
{
	if (p->s >= p->end || *p->s != '"')
		return false;
	p->s++;
	while (p->s < p->end && *p->s != '"') {
		unsigned char c = *p->s;
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (p->end - p->s < 2)
				return false;
			c = p->s[1];
			if (c == 'u') {
				if (p->end - p->s < 6 || !hex4(p->s + 2))
					return false;
				p->s += 6;
			} else if (strchr("\"\\/bfnrt", c) && c) {
				p->s += 2;
			} else {
				return false;
			}
			continue;
		}
		if (c < 0x80) {
			p->s++;
			continue;
		}
		/* strict UTF-8 */
		int len = c >= 0xF0 && c <= 0xF4   ? 4
		          : c >= 0xE0 && c <= 0xEF ? 3
		          : c >= 0xC2 && c <= 0xDF ? 2
		                                   : 0;
		if (!len || p->end - p->s < len)
			return false;
		unsigned long cp = c & (0xFF >> (len + 1));
		for (int i = 1; i < len; i++) {
			if ((p->s[i] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (p->s[i] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p->s += len;
	}
	if (p->s >= p->end)
		return false;
	p->s++;
	return true;
}

static bool jnumber(jp *p)
{
	const unsigned char *start = p->s;
	if (p->s < p->end && *p->s == '-')
		p->s++;
	while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
		p->s++;
	return p->s > start && p->s[-1] != '-';
}

/* Whether s is exactly one valid JSON value (surrounding space allowed). */
static bool json_valid(const char *text, size_t len)
{
	jp p = {(const unsigned char *)text, (const unsigned char *)text + len};
	char *stack = NULL; /* '{' or '[' */
	size_t depth = 0, cap = 0;
	bool ok = false;
	/* states: expecting a value, or after a value */
	for (;;) {
		ws(&p);
		if (p.s >= p.end)
			goto out;
		/* a value */
		unsigned char c = *p.s;
		if (c == '{' || c == '[') {
			p.s++;
			ws(&p);
			if (p.s < p.end && *p.s == (c == '{' ? '}' : ']')) {
				p.s++;
				goto after;
			}
			if (depth == cap) {
				cap = cap ? cap * 2 : 64;
				stack = realloc(stack, cap);
				if (!stack)
					goto out;
			}
			stack[depth++] = (char)c;
			if (c == '{') {
				ws(&p);
				if (!jstring(&p))
					goto out;
				ws(&p);
				if (!lit(&p, ":"))
					goto out;
			}
			continue;
		} else if (c == '"') {
			if (!jstring(&p))
				goto out;
		} else if (!lit(&p, "true") && !lit(&p, "false") &&
		           !lit(&p, "null") && !jnumber(&p)) {
			goto out;
		}
	after:
		for (;;) {
			ws(&p);
			if (depth == 0) {
				ok = p.s == p.end;
				goto out;
			}
			if (p.s >= p.end)
				goto out;
			char top = stack[depth - 1];
			if (*p.s == ',') {
				p.s++;
				if (top == '{') {
					ws(&p);
					if (!jstring(&p))
						goto out;
					ws(&p);
					if (!lit(&p, ":"))
						goto out;
				}
				break; /* next value */
			}
			if (*p.s == (top == '{' ? '}' : ']')) {
				p.s++;
				depth--;
				continue;
			}
			goto out;
		}
	}
out:
	free(stack);
	return ok;
}

/* ---- tests ---- */

static void test_build(void)
{
	mc_doc *doc = mc_doc_new();
	check(doc && doc->root && doc->root->type == MC_DOCUMENT,
	      "a new document has a document root");
	check(doc && strcmp(doc->meta.lang, "en") == 0 &&
	              strcmp(doc->meta.title, "") == 0,
	      "meta defaults: lang \"en\", title \"\"");

	mc_node *l = mc_node_new(doc, MC_LIST, 3, 1);
	mc_node *c = mc_node_new(doc, MC_TABLE_CELL, 3, 1);
	mc_node *e = mc_node_new(doc, MC_EMBED, 3, 1);
	check(l->as.list.start == 1 && c->as.cell.colspan == 1 &&
	              c->as.cell.rowspan == 1 && e->as.embed.start == -1 &&
	              e->as.embed.end == -1 && l->line == 3 && l->col == 1 &&
	              !l->parent && !l->first,
	      "mc_node_new defaults (list start, spans, embed times)");

	mc_node *p = add(doc, doc->root, MC_PARAGRAPH, 1);
	mc_node *a = add_text(doc, p, "a", 1);
	mc_node *b = add_text(doc, p, "b", 1);
	mc_node *z = mc_node_new(doc, MC_TEXT, 1, 0);
	z->as.text.text = "z";
	mc_node_prepend(p, z);
	mc_node *m = mc_node_new(doc, MC_SOFTBREAK, 1, 0);
	mc_node_insert_after(a, m);
	mc_node *n = mc_node_new(doc, MC_LINEBREAK, 1, 0);
	mc_node_insert_before(b, n);
	/* z a soft hard b */
	check(p->first == z && z->next == a && a->next == m && m->next == n &&
	              n->next == b && !b->next && p->last == b &&
	              b->prev == n && n->prev == m && m->prev == a &&
	              a->prev == z && !z->prev && z->parent == p &&
	              n->parent == p,
	      "append/prepend/insert_before/insert_after link siblings");

	mc_node_unlink(z);
	mc_node_unlink(b);
	mc_node_unlink(m);
	check(p->first == a && a->next == n && !n->next && p->last == n &&
	              !a->prev && n->prev == a && !z->parent && !z->next &&
	              !b->prev && !b->parent,
	      "unlink first, last and middle children");

	mc_node_append(p, b); /* a hard b */
	mc_node *q = add(doc, doc->root, MC_PARAGRAPH, 2);
	mc_node_append(q, a); /* moving a node unlinks it first */
	check(p->first == n && n->prev == NULL && q->first == a &&
	              a->parent == q && !a->next,
	      "appending an attached node moves it");

	mc_node *em = add(doc, q, MC_EMPH, 2);
	add_text(doc, em, "x", 2);
	add(doc, q, MC_BLANK, 2);
	mc_node *code = add(doc, q, MC_CODE, 2);
	code->as.text.text = "c";
	const char *pt = mc_node_plain_text(doc, doc->root);
	check(strcmp(pt, "\nb ax____c") == 0,
	      "plain text: breaks, blanks, inline code, nesting");
	if (strcmp(pt, "\nb ax____c") != 0)
		fprintf(stderr, "  got '%s'\n", pt);
	check(strcmp(mc_node_plain_text(doc, em), "x") == 0,
	      "plain text of a subtree");
	char err[256];
	check(mc_doc_validate(doc, err, sizeof err) == 0,
	      "the built tree validates");
	if (err[0])
		fprintf(stderr, "  %s\n", err);
	mc_doc_free(doc);
	mc_doc_free(NULL);
	check(true, "mc_doc_free(NULL) is harmless");
}

static void test_rules(void)
{
	static const struct {
		mc_node_type p, c;
		bool ok;
	} cases[] = {
		{MC_DOCUMENT, MC_HEADING, true},
		{MC_DOCUMENT, MC_FOOTNOTE_DEF, true},
		{MC_DOCUMENT, MC_TEXT, false},
		{MC_DOCUMENT, MC_TABLE_ROW, false},
		{MC_DOCUMENT, MC_CAPTION, false},
		{MC_DOCUMENT, MC_DOCUMENT, false},
		{MC_HEADING, MC_TEXT, true},
		{MC_HEADING, MC_PARAGRAPH, false},
		{MC_PARAGRAPH, MC_LINK, true},
		{MC_PARAGRAPH, MC_FOOTNOTE_REF, true},
		{MC_PARAGRAPH, MC_PARAGRAPH, false},
		{MC_LIST, MC_ITEM, true},
		{MC_LIST, MC_PARAGRAPH, false},
		{MC_ITEM, MC_LIST, true},
		{MC_ITEM, MC_ANSWER, true},
		{MC_ITEM, MC_TEXT, false},
		{MC_ITEM, MC_FOOTNOTE_DEF, false},
		{MC_BLOCKQUOTE, MC_BLOCKQUOTE, true},
		{MC_BLOCKQUOTE, MC_ATTRIBUTION, true},
		{MC_CALLOUT, MC_ATTRIBUTION, false},
		{MC_CODE_BLOCK, MC_TEXT, false},
		{MC_THEMATIC_BREAK, MC_TEXT, false},
		{MC_TABLE, MC_TABLE_ROW, true},
		{MC_TABLE, MC_TABLE_CELL, false},
		{MC_TABLE_ROW, MC_TABLE_CELL, true},
		{MC_TABLE_ROW, MC_PARAGRAPH, false},
		{MC_TABLE_CELL, MC_PARAGRAPH, true},
		{MC_TABLE_CELL, MC_TEXT, false},
		{MC_FIGURE, MC_CAPTION, true},
		{MC_FIGURE, MC_PARAGRAPH, false},
		{MC_EMBED, MC_CAPTION, true},
		{MC_CALLOUT, MC_CALLOUT_TITLE, true},
		{MC_CALLOUT, MC_PARAGRAPH, true},
		{MC_DETAILS, MC_SUMMARY, true},
		{MC_DETAILS, MC_CALLOUT_TITLE, false},
		{MC_ANSWER, MC_TEXT, false},
		{MC_FOOTNOTE_DEF, MC_PARAGRAPH, true},
		{MC_FOOTNOTE_DEF, MC_FOOTNOTE_DEF, false},
		{MC_CAPTION, MC_EMPH, true},
		{MC_CAPTION, MC_PARAGRAPH, false},
		{MC_SUMMARY, MC_TEXT, true},
		{MC_ATTRIBUTION, MC_LINK, true},
		{MC_CALLOUT_TITLE, MC_LINK, true},
		{MC_EMPH, MC_STRONG, true},
		{MC_LINK, MC_IMAGE, true},
		{MC_LINK, MC_PARAGRAPH, false},
		{MC_TEXT, MC_TEXT, false},
		{MC_IMAGE, MC_TEXT, false},
		{MC_BLANK, MC_TEXT, false},
		{MC_FOOTNOTE_REF, MC_TEXT, false},
		{MC_PARAGRAPH, MC_CONTROL, true},
		{MC_CONTROL, MC_TEXT, false},
		{MC_DOCUMENT, MC_SECTION, true},
		{MC_SECTION, MC_SECTION, true},
		{MC_SECTION, MC_HEADING, true},
		{MC_SECTION, MC_FOOTNOTE_DEF, false},
		{MC_ITEM, MC_SECTION, false},
		{MC_CALLOUT, MC_SECTION, false},
		{MC_NODE_TYPE__MAX, MC_TEXT, false},
	};
	bool all = true;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bool got = mc_can_contain(cases[i].p, cases[i].c);
		if (got != cases[i].ok) {
			all = false;
			fprintf(stderr, "  can_contain(%s, %s) = %d\n",
			        mc_node_type_name(cases[i].p),
			        mc_node_type_name(cases[i].c), got);
		}
	}
	check(all, "mc_can_contain: allowed and forbidden pairs");

	check(mc_node_is_block(MC_HEADING) && mc_node_is_block(MC_ANSWER) &&
	              !mc_node_is_block(MC_TEXT) &&
	              !mc_node_is_block(MC_TABLE_ROW) &&
	              !mc_node_is_block(MC_CAPTION) &&
	              mc_node_is_inline(MC_TEXT) &&
	              mc_node_is_inline(MC_FOOTNOTE_REF) &&
	              !mc_node_is_inline(MC_CAPTION) &&
	              !mc_node_is_inline(MC_DOCUMENT),
	      "mc_node_is_block / mc_node_is_inline");

	bool named = true;
	for (int t = 0; t < MC_NODE_TYPE__MAX; t++) {
		const char *s = mc_node_type_name((mc_node_type)t);
		if (!s || !s[0] || strcmp(s, "invalid") == 0)
			named = false;
		for (int u = 0; u < t; u++)
			if (strcmp(s, mc_node_type_name((mc_node_type)u)) == 0)
				named = false;
	}
	check(named && strcmp(mc_node_type_name(MC_TABLE_CELL),
	                      "table_cell") == 0 &&
	              strcmp(mc_node_type_name(MC_CALLOUT_TITLE),
	                     "callout_title") == 0 &&
	              strcmp(mc_node_type_name(MC_FOOTNOTE_REF),
	                     "footnote_ref") == 0,
	      "node type names are set and distinct");
	check(strcmp(mc_callout_kind_name(MC_CALLOUT_CASE_STUDY),
	             "case_study") == 0 &&
	              strcmp(mc_callout_kind_name(MC_CALLOUT_HIGHLIGHT),
	                     "highlight") == 0 &&
	              strcmp(mc_embed_kind_name(MC_EMBED_COLLECTION),
	                     "collection") == 0 &&
	              strcmp(mc_answer_kind_name(MC_ANSWER_CHECKBOX),
	                     "checkbox") == 0 &&
	              strcmp(mc_align_name(MC_ALIGN_CENTER), "center") == 0 &&
	              strcmp(mc_align_name(MC_ALIGN_NONE), "none") == 0,
	      "kind and align names");
}

/* A fresh valid doc: heading, paragraph. */
static mc_doc *small_doc(mc_node **h, mc_node **p)
{
	mc_doc *doc = mc_doc_new();
	*h = add(doc, doc->root, MC_HEADING, 1);
	(*h)->as.heading.level = 1;
	(*h)->id = "intro";
	add_text(doc, *h, "Intro", 1);
	*p = add(doc, doc->root, MC_PARAGRAPH, 3);
	add_text(doc, *p, "Hello", 3);
	return doc;
}

static void test_validate(void)
{
	char err[256];
	mc_node *h, *p;
	mc_doc *doc = small_doc(&h, &p);
	check(mc_doc_validate(doc, err, sizeof err) == 0,
	      "validate accepts a good tree");

	/* a paragraph inside a paragraph */
	mc_node *bad = mc_node_new(doc, MC_PARAGRAPH, 7, 1);
	mc_node_append(p, bad);
	int rc = mc_doc_validate(doc, err, sizeof err);
	bool named = rc == -1 && strstr(err, "paragraph") &&
	             strstr(err, "line 7");
	check(named, "validate rejects a paragraph in a paragraph, naming it");
	if (!named)
		fprintf(stderr, "  message: %s\n", err);
	mc_node_unlink(bad);
	check(mc_doc_validate(doc, err, sizeof err) == 0,
	      "validate accepts the tree again after unlink");

	/* languages: a span needs one; a tag must be well formed */
	mc_node *sp = mc_node_new(doc, MC_SPAN, 7, 1);
	mc_node_append(p, sp);
	check(mc_doc_validate(doc, err, sizeof err) == -1,
	      "validate rejects a span with neither lang nor dir");
	sp->lang = "fr";
	check(mc_doc_validate(doc, err, sizeof err) == 0,
	      "validate accepts a span with a language");
	sp->lang = "not a tag";
	check(mc_doc_validate(doc, err, sizeof err) == -1,
	      "validate rejects a malformed language tag");
	sp->lang = NULL;
	sp->as.span.title = "Hyper Text Markup Language";
	check(mc_doc_validate(doc, err, sizeof err) == 0,
	      "validate accepts an abbreviation span (a title, no lang)");
	mc_node_unlink(sp);

	/* definition lists: a term first; descriptions only in them */
	mc_node *dl = mc_node_new(doc, MC_DEFLIST, 8, 1);
	mc_node_append(doc->root, dl);
	mc_node *dd = mc_node_new(doc, MC_DEFDESC, 8, 1);
	mc_node_append(dl, dd);
	check(mc_doc_validate(doc, err, sizeof err) == -1,
	      "validate rejects a definition list that starts with a "
	      "description");
	mc_node *dt = mc_node_new(doc, MC_DEFTERM, 8, 1);
	mc_node_prepend(dl, dt);
	mc_node_append(dd, mc_node_new(doc, MC_PARAGRAPH, 8, 1));
	check(mc_doc_validate(doc, err, sizeof err) == 0,
	      "validate accepts term, description (holding a paragraph)");
	check(!mc_can_contain(MC_DOCUMENT, MC_DEFDESC) &&
	          !mc_can_contain(MC_ITEM, MC_DEFDESC) &&
	          !mc_can_contain(MC_DEFLIST, MC_PARAGRAPH) &&
	          !mc_can_contain(MC_DEFTERM, MC_PARAGRAPH) &&
	          mc_can_contain(MC_DEFTERM, MC_EMPH) &&
	          mc_can_contain(MC_DEFDESC, MC_LIST),
	      "definition list parts hold what model.h says");
	mc_node_unlink(dl);
	sp->lang = "he";
	sp->dir = MC_DIR_RTL;
	check(strcmp(mc_node_lang(doc, sp), "he") == 0 &&
	      mc_node_dir(doc, sp) == MC_DIR_RTL &&
	      strcmp(mc_node_lang(doc, p), doc->meta.lang) == 0 &&
	      mc_node_dir(doc, p) == MC_DIR_LTR,
	      "mc_node_lang/mc_node_dir: own values, else inherited");
	check(mc_lang_rtl("ar") && mc_lang_rtl("he-IL") && mc_lang_rtl("pa-Arab") &&
	      !mc_lang_rtl("en") && !mc_lang_rtl("art") && !mc_lang_rtl("sr-Latn"),
	      "mc_lang_rtl knows right-to-left languages and scripts");
	mc_node_unlink(sp);

	/* broken links */
	mc_node *t = p->first;
	t->parent = h;
	check(mc_doc_validate(doc, err, sizeof err) == -1,
	      "validate catches a wrong parent link");
	t->parent = p;
	h->next = NULL;
	check(mc_doc_validate(doc, err, sizeof err) == -1,
	      "validate catches a broken next link (last mismatch)");
	h->next = p;
	p->prev = NULL;
	check(mc_doc_validate(doc, err, sizeof err) == -1,
	      "validate catches a broken prev link");
	p->prev = h;
	p->next = h; /* a cycle */
	check(mc_doc_validate(doc, err, sizeof err) == -1,
	      "validate catches a sibling cycle without looping");
	p->next = NULL;

	/* field rules */
	h->id = NULL;
	check(mc_doc_validate(doc, err, sizeof err) == -1 &&
	              strstr(err, "heading"),
	      "validate rejects a heading without an id");
	h->id = "intro";
	mc_node *h2 = add(doc, doc->root, MC_HEADING, 9);
	h2->as.heading.level = 2;
	h2->id = "intro";
	check(mc_doc_validate(doc, err, sizeof err) == -1 &&
	              strstr(err, "line 9") && strstr(err, "intro"),
	      "validate rejects duplicate heading ids");
	h2->id = "intro-1";
	h2->as.heading.level = 7;
	check(mc_doc_validate(doc, err, sizeof err) == -1,
	      "validate rejects heading level 7");
	h2->as.heading.level = 2;

	/* placement rules */
	mc_node *fn = add(doc, doc->root, MC_FOOTNOTE_DEF, 20);
	fn->as.footnote.label = "1";
	check(mc_doc_validate(doc, err, sizeof err) == 0,
	      "footnote definitions at the end are fine");
	add(doc, doc->root, MC_THEMATIC_BREAK, 21);
	check(mc_doc_validate(doc, err, sizeof err) == -1,
	      "validate rejects a block after the footnote definitions");
	mc_node_unlink(doc->root->last);

	mc_node *q = mc_node_new(doc, MC_BLOCKQUOTE, 10, 1);
	mc_node_insert_before(fn, q);
	mc_node *at = add(doc, q, MC_ATTRIBUTION, 11);
	add(doc, q, MC_PARAGRAPH, 12);
	check(mc_doc_validate(doc, err, sizeof err) == -1 &&
	              strstr(err, "attribution"),
	      "validate rejects an attribution that is not last");
	mc_node_append(q, at);
	check(mc_doc_validate(doc, err, sizeof err) == 0,
	      "an attribution last in a blockquote is fine");

	mc_node *list = mc_node_new(doc, MC_LIST, 13, 1);
	mc_node_insert_before(fn, list);
	mc_node *item = add(doc, list, MC_ITEM, 13);
	item->as.item.prompt = true;
	add(doc, item, MC_PARAGRAPH, 13);
	check(mc_doc_validate(doc, err, sizeof err) == -1,
	      "validate rejects a prompt item without an answer");
	mc_node *ans = add(doc, item, MC_ANSWER, 13);
	ans->as.answer.label = "";
	check(mc_doc_validate(doc, err, sizeof err) == 0,
	      "a prompt item ending with an answer is fine");

	mc_node *det = mc_node_new(doc, MC_DETAILS, 14, 1);
	mc_node_insert_before(fn, det);
	add(doc, det, MC_PARAGRAPH, 15);
	check(mc_doc_validate(doc, err, sizeof err) == -1,
	      "validate rejects details without a summary first");
	mc_node_prepend(det, mc_node_new(doc, MC_SUMMARY, 14, 1));
	check(mc_doc_validate(doc, err, sizeof err) == 0,
	      "details with a summary first is fine");
	if (err[0])
		fprintf(stderr, "  %s\n", err);

	mc_node *txt = add(doc, p, MC_TEXT, 3);
	check(mc_doc_validate(doc, err, sizeof err) == -1 &&
	              strstr(err, "text"),
	      "validate rejects a text node whose text is NULL");
	mc_node_unlink(txt);

	doc->root->type = MC_PARAGRAPH;
	check(mc_doc_validate(doc, err, sizeof err) == -1,
	      "validate rejects a root that is not a document");
	doc->root->type = MC_DOCUMENT;
	mc_doc_free(doc);
}

static void test_iter(void)
{
	mc_doc *doc = mc_doc_new();
	mc_node *p = add(doc, doc->root, MC_PARAGRAPH, 1);
	add_text(doc, p, "a", 1);
	mc_node *em = add(doc, p, MC_EMPH, 1);
	add_text(doc, em, "b", 1);
	add(doc, p, MC_SOFTBREAK, 1);
	add(doc, doc->root, MC_THEMATIC_BREAK, 2);
	add(doc, doc->root, MC_LIST, 3); /* an empty container */

	mc_buf b = MC_BUF_INIT;
	mc_iter it;
	mc_iter_init(&it, doc->root);
	mc_event ev;
	int guard = 0;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE && guard++ < 100)
		mc_buf_printf(&b, "%c:%s ", ev == MC_EVENT_ENTER ? 'E' : 'X',
		              mc_node_type_name(it.cur->type));
	const char *want =
		"E:document E:paragraph E:text E:emph E:text X:emph "
		"E:softbreak X:paragraph E:thematic_break E:list X:list "
		"X:document ";
	check(b.data && strcmp(b.data, want) == 0,
	      "iterator event order (leaves ENTER only, containers EXIT)");
	if (b.data && strcmp(b.data, want) != 0)
		fprintf(stderr, "  got %s\n", b.data);
	check(mc_iter_next(&it) == MC_EVENT_DONE,
	      "iterator stays DONE after the end");

	/* a subtree: stops at its root, not at the root's siblings */
	mc_buf_clear(&b);
	mc_iter_init(&it, em);
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE)
		mc_buf_printf(&b, "%c:%s ", ev == MC_EVENT_ENTER ? 'E' : 'X',
		              mc_node_type_name(it.cur->type));
	check(b.data && strcmp(b.data, "E:emph E:text X:emph ") == 0,
	      "iterator over a subtree stays inside it");

	mc_buf_clear(&b);
	mc_iter_init(&it, p->first);
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE)
		mc_buf_printf(&b, "%c:%s ", ev == MC_EVENT_ENTER ? 'E' : 'X',
		              mc_node_type_name(it.cur->type));
	check(b.data && strcmp(b.data, "E:text ") == 0,
	      "iterator over a leaf: ENTER then DONE");
	mc_buf_free(&b);
	mc_doc_free(doc);
}

#define DEEP 100000

static void test_deep(void)
{
	mc_doc *doc = mc_doc_new();
	mc_node *cur = doc->root;
	for (int i = 0; i < DEEP; i++)
		cur = add(doc, cur, MC_BLOCKQUOTE, (uint32_t)i + 1);
	mc_node *p = add(doc, cur, MC_PARAGRAPH, DEEP + 1);
	add_text(doc, p, "deep", DEEP + 1);

	mc_iter it;
	mc_iter_init(&it, doc->root);
	mc_event ev;
	long enters = 0, exits = 0, depth = 0, maxdepth = 0;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		if (ev == MC_EVENT_ENTER) {
			enters++;
			if (it.cur->type != MC_TEXT) /* a leaf */
				depth++;
			if (depth > maxdepth)
				maxdepth = depth;
		} else {
			exits++;
			depth--;
		}
	}
	check(enters == DEEP + 3 && exits == DEEP + 2 && maxdepth == DEEP + 2,
	      "a 100,000-deep blockquote chain iterates");
	char err[256];
	check(mc_doc_validate(doc, err, sizeof err) == 0,
	      "a 100,000-deep chain validates");
	check(strcmp(mc_node_plain_text(doc, doc->root), "deep") == 0,
	      "plain text of a 100,000-deep chain");
	size_t len = 0;
	char *json = render(doc, &len);
	check(json && json_valid(json, len) && strstr(json, "\"deep\""),
	      "JSON of a 100,000-deep chain is valid");
	free(json);

	/* a bad node at the bottom is still found */
	add(doc, p, MC_PARAGRAPH, DEEP + 2);
	check(mc_doc_validate(doc, err, sizeof err) == -1 &&
	              strstr(err, "line 100002"),
	      "validate finds a bad node 100,000 deep");
	mc_doc_free(doc);
}

static const char small_json[] =
	"{\n"
	"  \"meta\": {\n"
	"    \"title\": \"Week 1\",\n"
	"    \"tags\": [\n"
	"      \"a\",\n"
	"      \"b\"\n"
	"    ],\n"
	"    \"permalink\": null,\n"
	"    \"lang\": \"en\",\n"
	"    \"source\": \"w1.md\",\n"
	"    \"site\": {\n"
	"      \"title\": \"Site\",\n"
	"      \"description\": null,\n"
	"      \"baseurl\": null,\n"
	"      \"url\": null\n"
	"    },\n"
	"    \"course\": {\n"
	"      \"title\": null,\n"
	"      \"description\": null,\n"
	"      \"modules\": []\n"
	"    },\n"
	"    \"extra\": {\n"
	"      \"layout\": \"page\"\n"
	"    }\n"
	"  },\n"
	"  \"body\": [\n"
	"    {\n"
	"      \"type\": \"heading\",\n"
	"      \"line\": 5,\n"
	"      \"id\": \"week-1\",\n"
	"      \"level\": 1,\n"
	"      \"children\": [\n"
	"        {\n"
	"          \"type\": \"text\",\n"
	"          \"line\": 5,\n"
	"          \"text\": \"Week 1\"\n"
	"        }\n"
	"      ]\n"
	"    },\n"
	"    {\n"
	"      \"type\": \"figure\",\n"
	"      \"line\": 7,\n"
	"      \"classes\": \"wide\",\n"
	"      \"src\": \"img/a.png\",\n"
	"      \"path\": \"<root>/img/a.png\",\n"
	"      \"alt\": \"A\",\n"
	"      \"title\": null,\n"
	"      \"href\": null,\n"
	"      \"width\": 300\n"
	"    },\n"
	"    {\n"
	"      \"type\": \"list\",\n"
	"      \"line\": 9,\n"
	"      \"ordered\": true,\n"
	"      \"start\": 1,\n"
	"      \"tight\": false\n"
	"    },\n"
	"    {\n"
	"      \"type\": \"embed\",\n"
	"      \"line\": 11,\n"
	"      \"kind\": \"video\",\n"
	"      \"provider\": \"YouTube\",\n"
	"      \"url\": \"https://www.youtube.com/embed/X\",\n"
	"      \"watch_url\": \"https://www.youtube.com/watch?v=X\",\n"
	"      \"short_url\": \"https://youtu.be/X?t=5\",\n"
	"      \"video_id\": \"X\",\n"
	"      \"title\": null,\n"
	"      \"duration\": \"2:54\",\n"
	"      \"start\": 5,\n"
	"      \"children\": [\n"
	"        {\n"
	"          \"type\": \"caption\",\n"
	"          \"line\": 12\n"
	"        }\n"
	"      ]\n"
	"    }\n"
	"  ]\n"
	"}\n";

static mc_doc *golden_doc(void)
{
	mc_doc *doc = mc_doc_new();
	static const char *tags[] = {"a", "b"};
	static mc_pair extra[] = {{"layout", "page"}};
	doc->meta.title = "Week 1";
	doc->meta.tags = tags;
	doc->meta.ntags = 2;
	doc->meta.source = "w1.md";
	doc->meta.root = "/home/someone/site/";
	doc->meta.site.title = "Site";
	doc->meta.extra = extra;
	doc->meta.nextra = 1;

	mc_node *h = add(doc, doc->root, MC_HEADING, 5);
	h->as.heading.level = 1;
	h->id = "week-1";
	add_text(doc, h, "Week 1", 5);
	mc_node *f = add(doc, doc->root, MC_FIGURE, 7);
	f->classes = "wide";
	f->as.image.src = "img/a.png";
	f->as.image.path = "/home/someone/site/img/a.png";
	f->as.image.alt = "A";
	f->as.image.width = 300;
	mc_node *l = add(doc, doc->root, MC_LIST, 9);
	l->as.list.ordered = true;
	mc_node *e = add(doc, doc->root, MC_EMBED, 11);
	e->as.embed.provider = "YouTube";
	e->as.embed.url = "https://www.youtube.com/embed/X";
	e->as.embed.watch_url = "https://www.youtube.com/watch?v=X";
	e->as.embed.short_url = "https://youtu.be/X?t=5";
	e->as.embed.video_id = "X";
	e->as.embed.duration = "2:54";
	e->as.embed.start = 5;
	add(doc, e, MC_CAPTION, 12);
	return doc;
}

static void test_json(void)
{
	mc_doc *doc = golden_doc();
	char err[256];
	check(mc_doc_validate(doc, err, sizeof err) == 0,
	      "the golden document validates");
	size_t len = 0;
	char *got = render(doc, &len);
	bool same = got && strcmp(got, small_json) == 0 &&
	            len == strlen(small_json);
	check(same, "JSON of a small document matches the expected text");
	if (got && !same)
		show_diff(small_json, got);
	check(got && json_valid(got, len), "that JSON is valid JSON");

	/* not under the root: printed as is; "/home/someone/sitex" is not
	 * under "/home/someone/site" */
	doc->root->first->next->as.image.path = "/home/someone/sitex/a.png";
	char *got2 = render(doc, NULL);
	check(got2 && strstr(got2, "\"path\": \"/home/someone/sitex/a.png\""),
	      "an image path outside the root is printed unchanged");
	free(got2);
	free(got);

	/* an empty document */
	mc_doc *empty = mc_doc_new();
	got = render(empty, &len);
	check(got && strstr(got, "\"body\": []\n}\n") &&
	              strstr(got, "\"tags\": [],") && json_valid(got, len),
	      "JSON of an empty document");
	free(got);
	mc_doc_free(empty);
	mc_doc_free(doc);
}

static void test_escape(void)
{
	mc_doc *doc = mc_doc_new();
	mc_node *p = add(doc, doc->root, MC_PARAGRAPH, 1);
	add_text(doc, p, "q\"b\\s/\x01\x1f\n\t\x7f", 1);
	add_text(doc, p, "ok: \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 1);
	/* set directly: mc_strdup would repair it (checked below), and the
	 * JSON writer must not rely on that */
	add(doc, p, MC_TEXT, 1)->as.text.text =
		"bad: \xff|\xe2\x82|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\x80";
	doc->meta.title = "t\"\x02";
	size_t len = 0;
	char *got = render(doc, &len);
	check(got && strstr(got, "\"text\": \"q\\\"b\\\\s/\\u0001\\u001f\\n\\t"
	                         "\\u007f\""),
	      "JSON escapes quotes, backslashes and control characters");
	check(got && strstr(got, "\"text\": \"ok: \xc3\xa9\xe2\x82\xac"
	                         "\xf0\x9f\x98\x80\""),
	      "JSON keeps valid UTF-8 as is");
	const char *want_bad =
		"\"text\": \"bad: \\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd|"
		"\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd\\ufffd|\\ufffd\"";
	check(got && strstr(got, want_bad),
	      "JSON replaces each invalid UTF-8 byte with \\ufffd");
	const char *fixed = mc_strdup(doc, "a\xe2\x82|\xc0");
	check(fixed && strcmp(fixed, "a\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd") == 0,
	      "mc_strdup replaces each invalid UTF-8 byte with U+FFFD");
	fixed = mc_strdup(doc, "x\xef\xbf\xbf\xef\xbf\xbe");
	check(fixed && strcmp(fixed, "x\xef\xbf\xbd\xef\xbf\xbd") == 0,
	      "mc_strdup replaces U+FFFE and U+FFFF with U+FFFD");
	if (got && !strstr(got, want_bad))
		fprintf(stderr, "%s", got);
	check(got && strstr(got, "\"title\": \"t\\\"\\u0002\""),
	      "meta strings are escaped too");
	check(got && json_valid(got, len),
	      "JSON with hostile strings is valid JSON");
	check(!json_valid("{\"a\": \"\xff\"}", 10) &&
	              !json_valid("{\"a\": 1,}", 9) &&
	              !json_valid("[1] x", 5) && json_valid("[1, {}]", 7),
	      "the test's JSON checker itself rejects bad JSON");
	free(got);
	mc_doc_free(doc);
}

/* Every node type at least once, for the determinism check. */
static mc_doc *full_doc(void)
{
	mc_doc *doc = golden_doc();
	mc_node *r = doc->root;
	mc_node *bq = add(doc, r, MC_BLOCKQUOTE, 20);
	mc_node *cb = add(doc, bq, MC_CODE_BLOCK, 21);
	cb->as.code.info = "c";
	cb->as.code.text = "int x;\n";
	add(doc, add(doc, bq, MC_ATTRIBUTION, 23), MC_EMPH, 23);
	add(doc, r, MC_THEMATIC_BREAK, 24);
	mc_node *t = add(doc, r, MC_TABLE, 25);
	static mc_align al[2] = {MC_ALIGN_LEFT, MC_ALIGN_RIGHT};
	t->as.table.ncols = 2;
	t->as.table.aligns = al;
	mc_node *row = add(doc, t, MC_TABLE_ROW, 25);
	row->as.row.header = true;
	mc_node *cell = add(doc, row, MC_TABLE_CELL, 25);
	cell->as.cell.colspan = 2;
	cell->as.cell.header = true;
	cell->as.cell.align = MC_ALIGN_CENTER;
	add(doc, cell, MC_PARAGRAPH, 25);
	mc_node *co = add(doc, r, MC_CALLOUT, 27);
	co->as.callout.kind = MC_CALLOUT_HIGHLIGHT;
	co->as.callout.variant = 2;
	add(doc, co, MC_CALLOUT_TITLE, 27);
	mc_node *det = add(doc, r, MC_DETAILS, 30);
	add(doc, det, MC_SUMMARY, 30);
	mc_node *dl = add(doc, r, MC_DEFLIST, 30);
	add_text(doc, add(doc, dl, MC_DEFTERM, 30), "term", 30);
	add(doc, add(doc, dl, MC_DEFDESC, 30), MC_PARAGRAPH, 30);
	mc_node *l = add(doc, r, MC_LIST, 31);
	mc_node *it = add(doc, l, MC_ITEM, 31);
	it->as.item.task = MC_TASK_DONE;
	it->as.item.prompt = true;
	mc_node *para = add(doc, it, MC_PARAGRAPH, 31);
	mc_node *a = add(doc, it, MC_ANSWER, 32);
	a->as.answer.kind = MC_ANSWER_LINES;
	a->as.answer.lines = 3;
	a->as.answer.label = "Why?";
	a->as.answer.number = 1;
	mc_node *lk = add(doc, para, MC_LINK, 31);
	lk->as.link.url = "https://example.org/";
	lk->as.link.target = "_blank";
	add_text(doc, lk, "x", 31);
	mc_node *code = add(doc, para, MC_CODE, 31);
	code->as.text.text = "y";
	add(doc, para, MC_STRONG, 31);
	add(doc, para, MC_STRIKE, 31);
	add(doc, para, MC_SUP, 31);
	add(doc, para, MC_SUB, 31);
	mc_node *span = add(doc, para, MC_SPAN, 31);
	span->lang = "ar";
	span->dir = MC_DIR_RTL;
	add_text(doc, span, "z", 31);
	mc_node *img = add(doc, para, MC_IMAGE, 31);
	img->as.image.src = "i.png";
	img->as.image.alt = "";
	img->as.image.height = 10;
	add(doc, para, MC_LINEBREAK, 31);
	add(doc, para, MC_SOFTBREAK, 31);
	add(doc, para, MC_BLANK, 31)->as.blank.width = 8;
	add(doc, para, MC_FOOTNOTE_REF, 31)->as.footnote.label = "n";
	mc_node *ctl = add(doc, para, MC_CONTROL, 31);
	ctl->as.control.kind = MC_CONTROL_SELECT;
	ctl->as.control.text = "Mentor";
	mc_node *part = add(doc, r, MC_SECTION, 35);
	part->as.section.kind = MC_SECTION_PART;
	part->as.section.source = "modules/m";
	mc_node *ph = add(doc, part, MC_HEADING, 35);
	ph->id = "part";
	ph->as.heading.level = 1;
	mc_node *ch = add(doc, part, MC_SECTION, 36);
	ch->as.section.kind = MC_SECTION_CHAPTER;
	ch->as.section.source = "modules/m/_posts/2000-01-01-a.md";
	ch->as.section.url = "/modules/m/a/";
	mc_node *chh = add(doc, ch, MC_HEADING, 36);
	chh->id = "chapter";
	chh->as.heading.level = 2;
	mc_node *fd = add(doc, r, MC_FOOTNOTE_DEF, 40);
	fd->as.footnote.label = "n";
	fd->as.footnote.number = 1;
	add(doc, fd, MC_PARAGRAPH, 40);
	return doc;
}

static void test_determinism(void)
{
	mc_doc *doc = full_doc();
	char err[256];
	bool valid = mc_doc_validate(doc, err, sizeof err) == 0;
	check(valid, "a document with every node type validates");
	if (!valid)
		fprintf(stderr, "  %s\n", err);
	bool seen[MC_NODE_TYPE__MAX] = {false};
	mc_iter it;
	mc_iter_init(&it, doc->root);
	while (mc_iter_next(&it) != MC_EVENT_DONE)
		seen[it.cur->type] = true;
	bool all = true;
	for (int t = 0; t < MC_NODE_TYPE__MAX; t++)
		all = all && seen[t];
	check(all, "the full document has every node type");

	size_t l1 = 0, l2 = 0;
	char *a = render(doc, &l1);
	char *b = render(doc, &l2);
	check(a && b && l1 == l2 && memcmp(a, b, l1) == 0,
	      "two JSON renders are byte-identical");
	check(a && json_valid(a, l1), "JSON of every node type is valid");
	check(a && strstr(a, "\"task\": \"done\"") &&
	              strstr(a, "\"prompt\": true") &&
	              strstr(a, "\"variant\": 2") &&
	              strstr(a, "\"colspan\": 2") &&
	              strstr(a, "\"align\": \"center\"") &&
	              strstr(a, "\"label\": \"Why?\"") &&
	              strstr(a, "\"target\": \"_blank\"") &&
	              strstr(a, "\"kind\": \"lines\"") &&
	              strstr(a, "\"info\": \"c\"") &&
	              strstr(a, "\"text\": \"int x;\\n\"") &&
	              strstr(a, "\"aligns\": [\n") &&
	              strstr(a, "\"width\": 8") && !strstr(a, "\"col\"") &&
	              !strstr(a, "/home/someone"),
	      "JSON carries the per-type fields, no col, no machine path");
	free(a);
	free(b);
	mc_doc_free(doc);
}

/* Nodes hold only their type's member of the union; the arena packs
 * strings and aligns what asks for it; buffers sized exactly. */
static void test_memory(void)
{
	mc_doc *doc = mc_doc_new();
	/* every kind of node: its own fields usable, the common ones
	 * zeroed, defaults set */
	bool ok = true;
	for (int t = 0; t < MC_NODE_TYPE__MAX; t++) {
		mc_node *n = mc_node_new(doc, (mc_node_type)t, 7, 3);
		ok = ok && n->type == (mc_node_type)t && n->line == 7 &&
		     n->col == 3 && !n->parent && !n->first && !n->id &&
		     !n->classes && !n->lang && n->dir == MC_DIR_NONE &&
		     ((uintptr_t)n % _Alignof(mc_node)) == 0;
	}
	check(ok, "a node of every type is zeroed and aligned");
	mc_node *e = mc_node_new(doc, MC_EMBED, 1, 0);
	mc_node *c = mc_node_new(doc, MC_TABLE_CELL, 1, 0);
	mc_node *l = mc_node_new(doc, MC_LIST, 1, 0);
	check(e->as.embed.start == -1 && e->as.embed.end == -1 &&
	      !e->as.embed.duration && c->as.cell.colspan == 1 &&
	      c->as.cell.rowspan == 1 && l->as.list.start == 1,
	      "the defaults of embeds, cells and lists are set");
	/* a text node is no larger than its fields: the next one
	 * follows it closely */
	mc_node *t1 = mc_node_new(doc, MC_TEXT, 1, 0);
	mc_node *t2 = mc_node_new(doc, MC_TEXT, 1, 0);
	size_t gap = (size_t)((char *)t2 - (char *)t1);
	check(gap < sizeof(mc_node), "a text node takes less than the "
	                             "whole union");
	/* strings are packed, any other allocation aligned for anything */
	const char *a = mc_strdup(doc, "ab");
	const char *b = mc_strdup(doc, "cd");
	check(b == a + 3 && strcmp(a, "ab") == 0 && strcmp(b, "cd") == 0,
	      "strings are packed one after another");
	void *p = mc_arena_alloc(doc->arena, 3);
	check(((uintptr_t)p % 16) == 0, "mc_arena_alloc aligns for any "
	                                "object");
	void *q = mc_arena_alloc_align(doc->arena, 5, 8);
	check(((uintptr_t)q % 8) == 0 && (char *)q <= (char *)p + 16,
	      "mc_arena_alloc_align aligns as asked, no further");
	/* a string larger than a chunk */
	char *big = malloc(200000);
	memset(big, 'x', 199999);
	big[199999] = '\0';
	const char *bs = mc_strdup(doc, big);
	check(strlen(bs) == 199999 && strcmp(mc_strdup(doc, "z"), "z") == 0,
	      "a string larger than an arena chunk");
	free(big);
	/* the tree built from small nodes renders as before */
	mc_node *para = add(doc, doc->root, MC_PARAGRAPH, 1);
	add_text(doc, para, "hello", 1);
	mc_node *lk = add(doc, para, MC_LINK, 1);
	lk->as.link.url = mc_strdup(doc, "https://example.org/");
	add_text(doc, lk, "there", 1);
	char err[200];
	check(mc_doc_validate(doc, err, sizeof err) == 0,
	      "a tree of small nodes validates");
	size_t len;
	char *json = render(doc, &len);
	check(json && strstr(json, "https://example.org/") &&
	      strstr(json, "\"there\""), "a tree of small nodes renders");
	free(json);
	mc_doc_free(doc);

	/* buffers: reserved exactly, shrunk to fit, NUL-terminated */
	mc_buf w = MC_BUF_INIT;
	mc_buf_reserve(&w, 1000);
	check(w.cap == 1001 && w.data && w.data[0] == '\0',
	      "mc_buf_reserve reserves what is asked and the NUL");
	mc_buf_puts(&w, "abc");
	mc_buf_reserve(&w, 10);
	check(w.cap == 1001, "mc_buf_reserve keeps a buffer with room");
	mc_buf_fit(&w);
	check(w.cap == 4 && strcmp(w.data, "abc") == 0,
	      "mc_buf_fit gives back the room beyond the text");
	mc_buf_puts(&w, "defgh");
	check(strcmp(w.data, "abcdefgh") == 0, "a fitted buffer grows again");
	mc_buf_free(&w);
}

int main(void)
{
	test_memory();
	test_build();
	test_rules();
	test_validate();
	test_iter();
	test_deep();
	test_json();
	test_escape();
	test_determinism();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
