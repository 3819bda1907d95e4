/* model.c - the document model: building, rules, walking; see model.h.
 *
 * Nothing here recurses over the tree: documents may nest 100,000 deep,
 * so every walk is the constant-stack iterator or an explicit loop. */
#include "model.h"
#include "../util/grow.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/buf.h"
#include "../util/utf8.h"

/* ---- building ---- */

mc_doc *mc_doc_new(void)
{
	mc_arena *a = mc_arena_new();
	if (!a)
		return NULL;
	mc_doc *doc = mc_arena_alloc(a, sizeof *doc);
	doc->arena = a;
	doc->meta.title = "";
	doc->meta.lang = "en";
	doc->meta.source = "";
	doc->root = mc_node_new(doc, MC_DOCUMENT, 1, 0);
	return doc;
}

void mc_doc_free(mc_doc *doc)
{
	if (doc)
		mc_arena_free(doc->arena); /* the doc itself lives in it */
}

#define AS_SIZE(member) (offsetof(mc_node, as) + sizeof(((mc_node *)0)->as.member))

/* Bytes of a node of type t: the common fields and its member of `as`
 * (model.h). */
static size_t node_size(mc_node_type t)
{
	switch (t) {
	case MC_HEADING:
	case MC_CALLOUT_TITLE:
		return AS_SIZE(heading);
	case MC_LIST:
		return AS_SIZE(list);
	case MC_ITEM:
		return AS_SIZE(item);
	case MC_CODE_BLOCK:
		return AS_SIZE(code);
	case MC_TABLE:
		return AS_SIZE(table);
	case MC_TABLE_ROW:
		return AS_SIZE(row);
	case MC_TABLE_CELL:
		return AS_SIZE(cell);
	case MC_IMAGE:
	case MC_FIGURE:
		return AS_SIZE(image);
	case MC_CALLOUT:
		return AS_SIZE(callout);
	case MC_EMBED:
		return AS_SIZE(embed);
	case MC_ANSWER:
		return AS_SIZE(answer);
	case MC_LINK:
		return AS_SIZE(link);
	case MC_TEXT:
	case MC_CODE:
		return AS_SIZE(text);
	case MC_BLANK:
		return AS_SIZE(blank);
	case MC_SECTION:
		return AS_SIZE(section);
	case MC_CONTROL:
		return AS_SIZE(control);
	case MC_SPAN:
		return AS_SIZE(span);
	case MC_FOOTNOTE_DEF:
	case MC_FOOTNOTE_REF:
		return AS_SIZE(footnote);
	default:
		return offsetof(mc_node, as);
	}
}

mc_node *mc_node_new(mc_doc *doc, mc_node_type type, uint32_t line,
                     uint32_t col)
{
	mc_node *n = mc_arena_alloc_align(doc->arena, node_size(type),
	                                  _Alignof(mc_node));
	n->type = type;
	n->line = line;
	n->col = col;
	switch (type) {
	case MC_LIST:
		n->as.list.start = 1;
		break;
	case MC_TABLE_CELL:
		n->as.cell.colspan = 1;
		n->as.cell.rowspan = 1;
		break;
	case MC_EMBED:
		n->as.embed.start = -1;
		n->as.embed.end = -1;
		break;
	default:
		break;
	}
	return n;
}

const char *mc_strdup(mc_doc *doc, const char *s)
{
	if (!s)
		return NULL;
	return mc_strndup(doc, s, strlen(s));
}

const char *mc_strndup(mc_doc *doc, const char *s, size_t n)
{
	if (!s)
		return NULL;
	if (mc_utf8_valid_prefix(s, n) == n && !mc_utf8_has_nonchar(s, n))
		return mc_arena_strndup(doc->arena, s, n);
	/* cmark-gfm can cut a character in two (a long footnote label
	 * spread over lines), and &#xFFFF; is a noncharacter that XML
	 * forbids and libunibreak takes for its end of text: the model holds
	 * valid UTF-8 without U+FFFE and U+FFFF only */
	mc_buf b = MC_BUF_INIT;
	mc_utf8_repair(&b, s, n);
	mc_utf8_replace_nonchars(b.data, b.len);
	const char *r = mc_arena_strndup(doc->arena, b.data, b.len);
	mc_buf_free(&b);
	return r;
}

void mc_node_unlink(mc_node *node)
{
	if (!node)
		return;
	if (node->prev)
		node->prev->next = node->next;
	else if (node->parent)
		node->parent->first = node->next;
	if (node->next)
		node->next->prev = node->prev;
	else if (node->parent)
		node->parent->last = node->prev;
	node->parent = node->prev = node->next = NULL;
}

void mc_node_append(mc_node *parent, mc_node *child)
{
	if (!parent || !child || parent == child)
		return;
	mc_node_unlink(child);
	child->parent = parent;
	child->prev = parent->last;
	if (parent->last)
		parent->last->next = child;
	else
		parent->first = child;
	parent->last = child;
}

void mc_node_prepend(mc_node *parent, mc_node *child)
{
	if (!parent || !child || parent == child)
		return;
	mc_node_unlink(child);
	child->parent = parent;
	child->next = parent->first;
	if (parent->first)
		parent->first->prev = child;
	else
		parent->last = child;
	parent->first = child;
}

void mc_node_insert_before(mc_node *sibling, mc_node *node)
{
	if (!sibling || !node || sibling == node)
		return;
	mc_node_unlink(node);
	node->parent = sibling->parent;
	node->prev = sibling->prev;
	node->next = sibling;
	if (sibling->prev)
		sibling->prev->next = node;
	else if (sibling->parent)
		sibling->parent->first = node;
	sibling->prev = node;
}

void mc_node_insert_after(mc_node *sibling, mc_node *node)
{
	if (!sibling || !node || sibling == node)
		return;
	mc_node_unlink(node);
	node->parent = sibling->parent;
	node->next = sibling->next;
	node->prev = sibling;
	if (sibling->next)
		sibling->next->prev = node;
	else if (sibling->parent)
		sibling->parent->last = node;
	sibling->next = node;
}

/* ---- rules ---- */

bool mc_node_is_block(mc_node_type t)
{
	return t >= MC_HEADING && t <= MC_FOOTNOTE_DEF;
}

bool mc_node_is_inline(mc_node_type t)
{
	return t >= MC_TEXT && t <= MC_CONTROL;
}

bool mc_node_holds_inlines(mc_node_type t)
{
	switch (t) {
	case MC_HEADING:
	case MC_PARAGRAPH:
	case MC_CALLOUT_TITLE:
	case MC_SUMMARY:
	case MC_ATTRIBUTION:
	case MC_CAPTION:
	case MC_DEFTERM:
		return true;
	default:
		return false;
	}
}

/* A block that may stand where model.h writes "blocks" (footnote bodies
 * only as children of the document, sections only in the document and in
 * parts). */
static bool is_flow_block(mc_node_type t)
{
	return mc_node_is_block(t) && t != MC_FOOTNOTE_DEF && t != MC_SECTION &&
	       t != MC_DEFDESC;
}

bool mc_can_contain(mc_node_type parent, mc_node_type child)
{
	if ((unsigned)parent >= MC_NODE_TYPE__MAX ||
	    (unsigned)child >= MC_NODE_TYPE__MAX)
		return false;
	if (mc_node_holds_inlines(parent))
		return mc_node_is_inline(child);
	switch (parent) {
	case MC_DOCUMENT:
		/* footnote defs included */
		return mc_node_is_block(child) && child != MC_DEFDESC;
	case MC_SECTION:
		return is_flow_block(child) || child == MC_SECTION;
	case MC_ITEM:
	case MC_TABLE_CELL:
	case MC_FOOTNOTE_DEF:
	case MC_DEFDESC:
		return is_flow_block(child);
	case MC_DEFLIST:
		return child == MC_DEFTERM || child == MC_DEFDESC;
	case MC_BLOCKQUOTE:
		return is_flow_block(child) || child == MC_ATTRIBUTION;
	case MC_CALLOUT:
		return is_flow_block(child) || child == MC_CALLOUT_TITLE;
	case MC_DETAILS:
		return is_flow_block(child) || child == MC_SUMMARY;
	case MC_LIST:
		return child == MC_ITEM;
	case MC_TABLE:
		return child == MC_TABLE_ROW;
	case MC_TABLE_ROW:
		return child == MC_TABLE_CELL;
	case MC_FIGURE:
	case MC_EMBED:
		return child == MC_CAPTION;
	case MC_EMPH:
	case MC_STRONG:
	case MC_STRIKE:
	case MC_SUP:
	case MC_SUB:
	case MC_SPAN:
	case MC_LINK:
		return mc_node_is_inline(child);
	default:
		/* code blocks, breaks, answers, text, code, images, blanks,
		 * footnote references: leaves */
		return false;
	}
}

/* Whether a node of this type may have children (gets an EXIT event). */
static bool is_container(mc_node_type t)
{
	switch (t) {
	case MC_CODE_BLOCK:
	case MC_THEMATIC_BREAK:
	case MC_ANSWER:
	case MC_TEXT:
	case MC_CODE:
	case MC_IMAGE:
	case MC_LINEBREAK:
	case MC_SOFTBREAK:
	case MC_BLANK:
	case MC_FOOTNOTE_REF:
	case MC_CONTROL:
		return false;
	default:
		return (unsigned)t < MC_NODE_TYPE__MAX;
	}
}

/* ---- names ---- */

static const char *const type_names[MC_NODE_TYPE__MAX] = {
	[MC_DOCUMENT] = "document",
	[MC_HEADING] = "heading",
	[MC_PARAGRAPH] = "paragraph",
	[MC_LIST] = "list",
	[MC_ITEM] = "item",
	[MC_BLOCKQUOTE] = "blockquote",
	[MC_CODE_BLOCK] = "code_block",
	[MC_THEMATIC_BREAK] = "thematic_break",
	[MC_TABLE] = "table",
	[MC_FIGURE] = "figure",
	[MC_CALLOUT] = "callout",
	[MC_EMBED] = "embed",
	[MC_DETAILS] = "details",
	[MC_ANSWER] = "answer",
	[MC_DEFLIST] = "deflist",
	[MC_DEFDESC] = "defdesc",
	[MC_SECTION] = "section",
	[MC_FOOTNOTE_DEF] = "footnote_def",
	[MC_TABLE_ROW] = "table_row",
	[MC_TABLE_CELL] = "table_cell",
	[MC_CALLOUT_TITLE] = "callout_title",
	[MC_SUMMARY] = "summary",
	[MC_ATTRIBUTION] = "attribution",
	[MC_CAPTION] = "caption",
	[MC_DEFTERM] = "defterm",
	[MC_TEXT] = "text",
	[MC_CODE] = "code",
	[MC_EMPH] = "emph",
	[MC_STRONG] = "strong",
	[MC_STRIKE] = "strike",
	[MC_SUP] = "sup",
	[MC_SUB] = "sub",
	[MC_SPAN] = "span",
	[MC_LINK] = "link",
	[MC_IMAGE] = "image",
	[MC_LINEBREAK] = "linebreak",
	[MC_SOFTBREAK] = "softbreak",
	[MC_BLANK] = "blank",
	[MC_FOOTNOTE_REF] = "footnote_ref",
	[MC_CONTROL] = "control",
};

const char *mc_node_type_name(mc_node_type t)
{
	if ((unsigned)t >= MC_NODE_TYPE__MAX || !type_names[t])
		return "invalid";
	return type_names[t];
}

const char *mc_callout_kind_name(mc_callout_kind k)
{
	static const char *const names[MC_CALLOUT_KIND__MAX] = {
		[MC_CALLOUT_ACTIVITY] = "activity",
		[MC_CALLOUT_VIDEOS] = "videos",
		[MC_CALLOUT_CASE_STUDY] = "case_study",
		[MC_CALLOUT_OBJECTIVES] = "objectives",
		[MC_CALLOUT_INFO] = "info",
		[MC_CALLOUT_HIGHLIGHT] = "highlight",
	};
	if ((unsigned)k >= MC_CALLOUT_KIND__MAX)
		return "invalid";
	return names[k];
}

const char *mc_embed_kind_name(mc_embed_kind k)
{
	static const char *const names[MC_EMBED_KIND__MAX] = {
		[MC_EMBED_VIDEO] = "video",
		[MC_EMBED_INTERACTIVE] = "interactive",
		[MC_EMBED_COLLECTION] = "collection",
		[MC_EMBED_DOCUMENT] = "document",
	};
	if ((unsigned)k >= MC_EMBED_KIND__MAX)
		return "invalid";
	return names[k];
}

const char *mc_answer_kind_name(mc_answer_kind k)
{
	static const char *const names[MC_ANSWER_KIND__MAX] = {
		[MC_ANSWER_LINE] = "line",
		[MC_ANSWER_LINES] = "lines",
		[MC_ANSWER_CHECKBOX] = "checkbox",
	};
	if ((unsigned)k >= MC_ANSWER_KIND__MAX)
		return "invalid";
	return names[k];
}

const char *mc_control_kind_name(mc_control_kind k)
{
	static const char *const names[MC_CONTROL_KIND__MAX] = {
		[MC_CONTROL_FIELD] = "field",
		[MC_CONTROL_SELECT] = "select",
		[MC_CONTROL_CHECKBOX] = "checkbox",
		[MC_CONTROL_RADIO] = "radio",
		[MC_CONTROL_BUTTON] = "button",
	};
	if ((unsigned)k >= MC_CONTROL_KIND__MAX)
		return "invalid";
	return names[k];
}

const char *mc_control_glyph(const mc_node *n)
{
	if (!n || n->type != MC_CONTROL)
		return "";
	switch (n->as.control.kind) {
	case MC_CONTROL_CHECKBOX:
		return n->as.control.checked ? "\xE2\x98\x91" : "\xE2\x98\x90";
	case MC_CONTROL_RADIO:
		return n->as.control.checked ? "\xE2\x97\x89" : "\xE2\x97\x8B";
	default:
		return "";
	}
}

const char *mc_section_kind_name(mc_section_kind k)
{
	static const char *const names[] = {
		[MC_SECTION_PART] = "part",
		[MC_SECTION_CHAPTER] = "chapter",
		[MC_SECTION_WORKSHEET] = "worksheet",
	};
	if ((unsigned)k >= sizeof names / sizeof *names)
		return "invalid";
	return names[k];
}

const char *mc_doc_kind_name(mc_doc_kind k)
{
	static const char *const names[] = {
		[MC_DOC_PAGE] = "page",
		[MC_DOC_MODULE] = "module",
		[MC_DOC_COURSE] = "course",
		[MC_DOC_WORKSHEETS] = "worksheets",
	};
	if ((unsigned)k >= sizeof names / sizeof *names)
		return "invalid";
	return names[k];
}

const char *mc_align_name(mc_align a)
{
	switch (a) {
	case MC_ALIGN_NONE:
		return "none";
	case MC_ALIGN_LEFT:
		return "left";
	case MC_ALIGN_CENTER:
		return "center";
	case MC_ALIGN_RIGHT:
		return "right";
	}
	return "invalid";
}

/* ---- walking ---- */

void mc_iter_init(mc_iter *it, mc_node *root)
{
	it->root = root;
	it->cur = NULL;
	it->ev = root ? MC_EVENT_NONE : MC_EVENT_DONE;
}

mc_event mc_iter_next(mc_iter *it)
{
	switch (it->ev) {
	case MC_EVENT_DONE:
		it->cur = NULL;
		return MC_EVENT_DONE;
	case MC_EVENT_NONE:
		it->cur = it->root;
		it->ev = MC_EVENT_ENTER;
		return it->ev;
	case MC_EVENT_ENTER:
		if (is_container(it->cur->type)) {
			if (it->cur->first) {
				it->cur = it->cur->first;
				it->ev = MC_EVENT_ENTER;
			} else {
				it->ev = MC_EVENT_EXIT;
			}
			return it->ev;
		}
		break; /* a leaf: move on as if it had been exited */
	case MC_EVENT_EXIT:
		break;
	}
	if (it->cur == it->root) {
		it->cur = NULL;
		it->ev = MC_EVENT_DONE;
	} else if (it->cur->next) {
		it->cur = it->cur->next;
		it->ev = MC_EVENT_ENTER;
	} else {
		it->cur = it->cur->parent;
		it->ev = MC_EVENT_EXIT;
	}
	return it->ev;
}

/* ---- plain text ---- */

/* ---- language and direction ---- */

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

bool mc_lang_valid(const char *s)
{
	if (!s)
		return false;
	size_t k = 0;
	while (is_alpha(s[k]))
		k++;
	if (k < 2 || k > 8)
		return false;
	while (s[k] == '-') {
		size_t j = ++k;
		while (is_alnum(s[k]))
			k++;
		if (k == j || k - j > 8)
			return false;
	}
	return s[k] == '\0';
}

/* Languages written right to left (primary subtags) and the scripts that
 * are (script subtags). */
static const char *const rtl_langs[] = {
	"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ji", "ks",
	"nqo", "pnb", "ps", "sd", "syr", "ug", "ur", "yi", NULL};
static const char *const rtl_scripts[] = {"Arab", "Hebr", "Syrc", "Thaa",
                                          "Nkoo", "Adlm", "Rohg", NULL};

bool mc_lang_same(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	size_t n = strlen(a);
	return n == strlen(b) && !strncasecmp(a, b, n);
}

bool mc_lang_rtl(const char *tag)
{
	if (!tag)
		return false;
	size_t k = strcspn(tag, "-_");
	for (size_t i = 0; rtl_langs[i]; i++)
		if (strlen(rtl_langs[i]) == k &&
		    !strncasecmp(rtl_langs[i], tag, k))
			return true;
	/* a script subtag: pa-Arab, az-Arab, ... (Latn/Cyrl: left to right) */
	for (const char *p = tag + k; *p;) {
		p++;
		size_t m = strcspn(p, "-_");
		for (size_t i = 0; m == 4 && rtl_scripts[i]; i++)
			if (!strncasecmp(rtl_scripts[i], p, 4))
				return true;
		p += m;
	}
	return false;
}

const char *mc_node_lang(const mc_doc *doc, const mc_node *n)
{
	for (; n; n = n->parent)
		if (n->lang)
			return n->lang;
	return doc->meta.lang ? doc->meta.lang : "en";
}

mc_dir mc_node_dir(const mc_doc *doc, const mc_node *n)
{
	for (; n; n = n->parent)
		if (n->dir != MC_DIR_NONE)
			return n->dir;
	return doc->meta.dir == MC_DIR_RTL ? MC_DIR_RTL : MC_DIR_LTR;
}

const char *mc_dir_name(mc_dir d)
{
	return d == MC_DIR_RTL ? "rtl" : d == MC_DIR_LTR ? "ltr" : "none";
}

const char *mc_node_plain_text(mc_doc *doc, const mc_node *node)
{
	if (!node)
		return mc_strdup(doc, "");
	mc_buf b = MC_BUF_INIT;
	mc_iter it;
	mc_iter_init(&it, (mc_node *)node);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		if (ev != MC_EVENT_ENTER)
			continue;
		const mc_node *n = it.cur;
		switch (n->type) {
		case MC_TEXT:
		case MC_CODE:
			if (n->as.text.text)
				mc_buf_puts(&b, n->as.text.text);
			break;
		case MC_SOFTBREAK:
			mc_buf_putc(&b, ' ');
			break;
		case MC_LINEBREAK:
			mc_buf_putc(&b, '\n');
			break;
		case MC_BLANK:
			mc_buf_puts(&b, "____");
			break;
		case MC_CONTROL:
			mc_buf_puts(&b, mc_control_glyph(n));
			mc_buf_puts(&b, n->as.control.text);
			break;
		default:
			/* keep the words of consecutive blocks apart */
			if (n != node && mc_node_is_block(n->type) && b.len &&
			    b.data[b.len - 1] != ' ' && b.data[b.len - 1] != '\n')
				mc_buf_putc(&b, ' ');
			break;
		}
	}
	const char *s = mc_strndup(doc, b.data ? b.data : "", b.len);
	mc_buf_free(&b);
	return s;
}

/* ---- worksheet field names ---- */

/* The text of an inline subtree, white space collapsed, into out. */
static void field_text(const mc_node *node, mc_buf *out)
{
	mc_iter it;
	mc_iter_init(&it, (mc_node *)node);
	mc_event ev;
	bool space = false;
	size_t start = out->len;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		if (ev != MC_EVENT_ENTER)
			continue;
		const mc_node *n = it.cur;
		const char *t = NULL;
		if (n->type == MC_TEXT || n->type == MC_CODE)
			t = n->as.text.text;
		else if (n->type == MC_SOFTBREAK || n->type == MC_LINEBREAK)
			space = true;
		for (; t && *t; t++) {
			if (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r') {
				space = true;
				continue;
			}
			if (space && out->len > start)
				mc_buf_putc(out, ' ');
			space = false;
			mc_buf_putc(out, *t);
		}
	}
}

bool mc_field_worksheet(const mc_node *n, mc_buf *out)
{
	for (const mc_node *p = n ? n->parent : NULL; p; p = p->parent) {
		const mc_node *k = p->first;
		if (p->type == MC_CALLOUT && k && k->type == MC_CALLOUT_TITLE) {
			size_t at = out->len;
			field_text(k, out);
			if (out->len > at)
				return true;
		} else if (p->type == MC_SECTION && k &&
		           k->type == MC_HEADING) {
			size_t at = out->len;
			field_text(k, out);
			if (out->len > at)
				return true;
		}
	}
	return false;
}

/* Whether text (n bytes) ends with word (case-insensitive ASCII), the
 * word starting the text or after a non-letter. */
static bool ends_with_word(const char *text, size_t n, const char *word)
{
	size_t w = strlen(word);
	if (!w || w > n || strncasecmp(text + n - w, word, w))
		return false;
	if (n == w)
		return true;
	unsigned char c = (unsigned char)text[n - w - 1];
	return !(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

const char *mc_blank_role(const mc_node *n, const char *name_label,
                          const char *date_label)
{
	if (!n || n->type != MC_BLANK || !n->prev || n->prev->type != MC_TEXT ||
	    !n->prev->as.text.text)
		return NULL;
	const char *t = n->prev->as.text.text;
	size_t len = strlen(t);
	while (len && (t[len - 1] == ' ' || t[len - 1] == '\t'))
		len--;
	if (len && t[len - 1] == ':')
		len--;
	while (len && (t[len - 1] == ' ' || t[len - 1] == '\t'))
		len--;
	if (name_label && ends_with_word(t, len, name_label))
		return "name";
	if (date_label && ends_with_word(t, len, date_label))
		return "date";
	return NULL;
}

/* ---- validation ---- */

static int bad(char *err, size_t errsz, const mc_node *n, const char *fmt,
               const char *a, const char *b)
{
	if (err && errsz) {
		char msg[256];
		snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
		snprintf(err, errsz, "%s node at line %u: %s",
		         mc_node_type_name(n->type), (unsigned)n->line, msg);
	}
	return -1;
}

/* Headings by id, then in document order. */
static int cmp_heading(const void *a, const void *b)
{
	const mc_node *x = *(const mc_node *const *)a;
	const mc_node *y = *(const mc_node *const *)b;
	int c = strcmp(x->id, y->id);
	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* The strings model.h promises are never NULL, for one node; the name of
 * the first missing one, or NULL. */
static const char *missing_string(const mc_node *n)
{
	switch (n->type) {
	case MC_HEADING:
		return n->id ? NULL : "id";
	case MC_CODE_BLOCK:
		if (!n->as.code.info)
			return "info";
		return n->as.code.text ? NULL : "text";
	case MC_FIGURE:
	case MC_IMAGE:
		if (!n->as.image.src)
			return "src";
		return n->as.image.alt ? NULL : "alt";
	case MC_EMBED:
		if (!n->as.embed.provider)
			return "provider";
		if (!n->as.embed.url)
			return "url";
		if (!n->as.embed.watch_url)
			return "watch_url";
		return n->as.embed.short_url ? NULL : "short_url";
	case MC_ANSWER:
		return n->as.answer.label ? NULL : "label";
	case MC_LINK:
		return n->as.link.url ? NULL : "url";
	case MC_TEXT:
	case MC_CODE:
		return n->as.text.text ? NULL : "text";
	case MC_FOOTNOTE_DEF:
	case MC_FOOTNOTE_REF:
		return n->as.footnote.label ? NULL : "label";
	case MC_CONTROL:
		return n->as.control.text ? NULL : "text";
	default:
		return NULL;
	}
}

/* One node's own fields and its place among its siblings (links already
 * checked).  0 if fine. */
static int check_node(const mc_node *n, char *err, size_t errsz)
{
	const mc_node *p = n->parent;
	const char *tn = mc_node_type_name(n->type);

	if ((unsigned)n->type >= MC_NODE_TYPE__MAX)
		return bad(err, errsz, n, "unknown node type", NULL, NULL);
	if (p && !mc_can_contain(p->type, n->type))
		return bad(err, errsz, n, "a %s may not hold a %s",
		           mc_node_type_name(p->type), tn);
	if (!p && n->type != MC_DOCUMENT)
		return bad(err, errsz, n, "the root is not a document", NULL,
		           NULL);
	const char *miss = missing_string(n);
	if (miss)
		return bad(err, errsz, n, "%s is NULL", miss, NULL);
	if (n->lang && !mc_lang_valid(n->lang))
		return bad(err, errsz, n, "lang is not a language tag", NULL,
		           NULL);
	if ((unsigned)n->dir > MC_DIR_RTL)
		return bad(err, errsz, n, "dir is not none, ltr or rtl", NULL,
		           NULL);
	if (n->type == MC_SPAN && !n->lang && n->dir == MC_DIR_NONE &&
	    !n->as.span.title)
		return bad(err, errsz, n,
		           "a span has neither lang, dir nor a title", NULL, NULL);

	switch (n->type) {
	case MC_HEADING:
		if (n->as.heading.level < 1 || n->as.heading.level > 6)
			return bad(err, errsz, n, "level is not 1..6", NULL,
			           NULL);
		break;
	case MC_TABLE_CELL:
		if (n->as.cell.colspan < 1 || n->as.cell.rowspan < 1)
			return bad(err, errsz, n, "span below 1", NULL, NULL);
		break;
	case MC_ATTRIBUTION:
		if (n->next)
			return bad(err, errsz, n, "not the last child of its %s",
			           mc_node_type_name(p->type), NULL);
		break;
	case MC_CALLOUT_TITLE:
	case MC_SUMMARY:
		if (n->prev)
			return bad(err, errsz, n, "not the first child of its %s",
			           mc_node_type_name(p->type), NULL);
		break;
	case MC_CAPTION:
		if (n->prev || n->next)
			return bad(err, errsz, n, "not the only child of its %s",
			           mc_node_type_name(p->type), NULL);
		break;
	case MC_FOOTNOTE_DEF:
		if (n->next && n->next->type != MC_FOOTNOTE_DEF)
			return bad(err, errsz, n,
			           "footnote bodies must end the document", NULL,
			           NULL);
		break;
	case MC_SECTION:
		if (!n->first || n->first->type != MC_HEADING)
			return bad(err, errsz, n, "does not start with a heading",
			           NULL, NULL);
		if (n->as.section.kind != MC_SECTION_PART &&
		    n->first->next && n->first->next->type == MC_SECTION)
			return bad(err, errsz, n, "only a part holds sections",
			           NULL, NULL);
		if (p->type == MC_SECTION &&
		    p->as.section.kind != MC_SECTION_PART)
			return bad(err, errsz, n, "only a part holds sections",
			           NULL, NULL);
		if (!n->as.section.source)
			return bad(err, errsz, n, "source is NULL", NULL, NULL);
		break;
	case MC_DEFLIST:
		if (!n->first || n->first->type != MC_DEFTERM)
			return bad(err, errsz, n, "does not start with a term",
			           NULL, NULL);
		break;
	case MC_DETAILS:
		if (!n->first || n->first->type != MC_SUMMARY)
			return bad(err, errsz, n, "does not start with a summary",
			           NULL, NULL);
		break;
	case MC_CONTROL:
		if ((unsigned)n->as.control.kind >= MC_CONTROL_KIND__MAX)
			return bad(err, errsz, n, "unknown control kind", NULL,
			           NULL);
		break;
	case MC_ITEM:
		if (n->as.item.prompt &&
		    (!n->last || n->last->type != MC_ANSWER))
			return bad(err, errsz, n,
			           "a prompt item does not end with an answer",
			           NULL, NULL);
		break;
	default:
		break;
	}
	return 0;
}

int mc_doc_validate(const mc_doc *doc, char *err, size_t errsz)
{
	if (err && errsz)
		err[0] = '\0';
	if (!doc || !doc->root) {
		if (err && errsz)
			snprintf(err, errsz, "document has no root");
		return -1;
	}
	const mc_node *root = doc->root;
	if (root->parent || root->prev || root->next)
		return bad(err, errsz, root, "the root has a parent or siblings",
		           NULL, NULL);

	/* Walk by hand rather than with mc_iter so that every link is checked
	 * before it is followed: a broken tree cannot send us in circles. */
	const mc_node **heads = NULL;
	size_t nheads = 0, capheads = 0;
	int rc = 0;
	const mc_node *n = root;
	for (;;) {
		/* entering n; its parent and prev links are verified */
		if ((rc = check_node(n, err, errsz)) != 0)
			goto out;
		if (n->type == MC_HEADING) {
			MC_GROW(heads, nheads, capheads, 64);
			heads[nheads++] = n;
		}
		if ((n->first == NULL) != (n->last == NULL)) {
			rc = bad(err, errsz, n, "first and last disagree", NULL,
			         NULL);
			goto out;
		}
		if (n->first) {
			const mc_node *c = n->first;
			if (c->parent != n || c->prev) {
				rc = bad(err, errsz, c,
				         "bad parent or prev link of a first child",
				         NULL, NULL);
				goto out;
			}
			n = c;
			continue;
		}
		/* n is done: climb to the next unvisited sibling */
		for (;;) {
			if (n == root)
				goto out;
			const mc_node *s = n->next;
			if (s) {
				if (s->prev != n || s->parent != n->parent) {
					rc = bad(err, errsz, s,
					         "bad prev or parent link", NULL,
					         NULL);
					goto out;
				}
				n = s;
				break;
			}
			if (n->parent->last != n) {
				rc = bad(err, errsz, n->parent,
				         "last does not name its last child",
				         NULL, NULL);
				goto out;
			}
			n = n->parent;
		}
	}
out:
	if (rc == 0 && nheads > 1) {
		/* report the later of the first duplicate pair found */
		qsort(heads, nheads, sizeof *heads, cmp_heading);
		for (size_t i = 1; i < nheads; i++) {
			if (strcmp(heads[i - 1]->id, heads[i]->id) == 0) {
				rc = bad(err, errsz, heads[i],
				         "id '%s' is not unique", heads[i]->id,
				         NULL);
				break;
			}
		}
	}
	free(heads);
	return rc;
}

mc_node *mc_node_next(mc_node *n, const mc_node *root)
{
	if (n->first)
		return n->first;
	while (n && n != root) {
		if (n->next)
			return n->next;
		n = n->parent;
	}
	return NULL;
}
