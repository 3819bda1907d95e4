/*
 * rules.c - kramdown and course rules applied to the built model (step 5
 * of internal.h).  Each pass is a loop over the tree; none recurses.
 *
 *   merge_text      adjacent text nodes become one (cmark splits text at
 *                   smart punctuation; done once here, in linear time)
 *   ials            `{: ...}` sentinels: on the span before them, on the
 *                   heading or paragraph they end, or (alone in a
 *                   paragraph) on the block before them
 *   blanks          runs of 3+ underscores become inline blanks
 *   abbreviations   uses of a kramdown *[ABBR]: title become spans with
 *                   the title (EPUB <abbr>)
 *   figures         a paragraph holding only an image becomes a figure (an
 *                   image, a line break and text: a figure with a caption)
 *   attributions    "<br/><br/>-- Name" ending a blockquote
 *   callout titles  a heading opening a callout becomes its title
 *   worksheets      list items in activity callouts ending in "...", "…",
 *                   "?" or ":" (or an ellipsis, question mark or colon
 *                   of another script: "？", "؟", "：") become prompts
 *                   with answer fields
 *   ids             unique heading ids, kramdown style
 *   images          src resolved to a file inside the site root
 *   numbering       answer fields and footnotes numbered in order
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../util/confine.h"
#include "../util/grow.h"
#include "internal.h"

mc_node *mc_fe_text(mc_fe *fe, mc_node *parent, const char *s, size_t n,
                    uint32_t line, uint32_t col)
{
	if (n == 0)
		return NULL;
	mc_node *t = mc_node_new(fe->doc, MC_TEXT, line, col);
	t->as.text.text = mc_strndup(fe->doc, s, n);
	mc_node_append(parent, t);
	return t;
}

/* Successor skipping n's subtree. */
static mc_node *skip_node(mc_node *n, const mc_node *root)
{
	while (n && n != root) {
		if (n->next)
			return n->next;
		n = n->parent;
	}
	return NULL;
}

typedef struct nodes {
	mc_node **v;
	size_t n, cap;
} nodes;

static void nodes_push(nodes *a, mc_node *n)
{
	MC_GROW(a->v, a->n, a->cap, 64);
	a->v[a->n++] = n;
}


/* ---------------------------------------------------------------- */

/* Merge the text nodes following t into t. */
static void merge_after(mc_fe *fe, mc_node *t, mc_buf *b)
{
	if (!t->next || t->next->type != MC_TEXT)
		return;
	mc_buf_clear(b);
	mc_buf_puts(b, t->as.text.text);
	while (t->next && t->next->type == MC_TEXT) {
		const char *x = t->next->as.text.text;
		/* a space on both sides of something removed (a comment,
		 * an ignored tag) is one space */
		if (b->len && b->data[b->len - 1] == ' ' && *x == ' ')
			x++;
		mc_buf_puts(b, x);
		mc_node_unlink(t->next);
	}
	t->as.text.text = mc_strndup(fe->doc, b->data, b->len);
}

/* ---------------------------------------------------------------- */
/* IALs                                                              */

static void add_answer(mc_fe *fe, mc_node *after, const mc_attrs *a)
{
	mc_node *ans = mc_node_new(fe->doc, MC_ANSWER, after->line, 0);
	const char *type = a ? mc_attr_get(a, "type") : NULL;
	const char *lines = a ? mc_attr_get(a, "lines") : NULL;
	ans->as.answer.kind = MC_ANSWER_LINES;
	ans->as.answer.lines = fe->opts->answer_lines > 0
	                       ? fe->opts->answer_lines : 3;
	if (type && strcasecmp(type, "line") == 0)
		ans->as.answer.kind = MC_ANSWER_LINE, ans->as.answer.lines = 1;
	else if (type && strcasecmp(type, "checkbox") == 0)
		ans->as.answer.kind = MC_ANSWER_CHECKBOX,
		ans->as.answer.lines = 0;
	if (lines && ans->as.answer.kind == MC_ANSWER_LINES) {
		long v = strtol(lines, NULL, 10);
		if (v >= 1 && v <= 100)
			ans->as.answer.lines = (int)v;
		else
			mc_warn(fe->diag, after->line, 0,
			        "answer lines=\"%s\" is not a number from 1 to "
			        "100; using %d",
			        lines, ans->as.answer.lines);
		if (ans->as.answer.lines == 1)
			ans->as.answer.kind = MC_ANSWER_LINE;
	}
	const char *label = mc_node_plain_text(fe->doc, after);
	ans->as.answer.label = label ? label : "";
	mc_node_insert_after(after, ans);
}

void mc_fe_apply_attrs(mc_fe *fe, mc_node *n, const mc_attrs *a)
{
	mc_doc *doc = fe->doc;
	for (size_t i = 0; i < a->n; i++) {
		const char *k = a->v[i].name, *v = a->v[i].value;
		if (strcmp(k, "id") == 0 && *v) {
			n->id = v;
		} else if (strcmp(k, "class") == 0 && *v) {
			if (n->classes) {
				size_t x = strlen(n->classes), y = strlen(v);
				char *m = mc_arena_alloc(doc->arena, x + y + 2);
				memcpy(m, n->classes, x);
				m[x] = ' ';
				memcpy(m + x + 1, v, y + 1);
				n->classes = m;
			} else {
				n->classes = v;
			}
		} else if (strcmp(k, "lang") == 0 || strcmp(k, "xml:lang") == 0) {
			mc_fe_set_lang(fe, n, v, NULL, n->line);
		} else if (strcmp(k, "dir") == 0) {
			mc_fe_set_lang(fe, n, NULL, v, n->line);
		} else if (strcmp(k, "target") == 0 && n->type == MC_LINK) {
			n->as.link.target = v;
		} else if (strcmp(k, "title") == 0 && n->type == MC_LINK) {
			n->as.link.title = v;
		} else if ((strcmp(k, "width") == 0 || strcmp(k, "height") == 0) &&
		           (n->type == MC_IMAGE || n->type == MC_FIGURE)) {
			long px = strtol(v, NULL, 10);
			if (px > 0 && px < 100000) {
				if (k[0] == 'w')
					n->as.image.width = (int)px;
				else
					n->as.image.height = (int)px;
			}
		}
	}
	if (n->type == MC_PARAGRAPH && mc_has_class(n->classes, "answer"))
		add_answer(fe, n, a);
}

static bool blank_str(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
			return false;
	return true;
}

static bool is_span(const mc_node *n)
{
	return n && mc_node_is_inline(n->type) && n->type != MC_TEXT &&
	       n->type != MC_SOFTBREAK && n->type != MC_LINEBREAK;
}

/* The ALD named name (lower-case), or NULL. */
static const mc_ald *find_ald(const mc_fe *fe, const char *name)
{
	/* the last definition of a name wins */
	for (size_t i = fe->nalds; i-- > 0;)
		if (strcmp(fe->alds[i].name, name) == 0)
			return &fe->alds[i];
	return NULL;
}

/* Apply an IAL's (or ALD's) attributes to n: a bare name refers to an
 * attribute list definition ({:name: ...}), whose attributes come first
 * (kramdown: references, then the list's own). */
static void apply_ial(mc_fe *fe, mc_node *n, const mc_ial *ial,
                      const mc_attrs *a, int depth, int *budget)
{
	mc_attr own[64];
	mc_attrs rest = {own, 0};
	for (size_t i = 0; i < a->n; i++) {
		if (*a->v[i].value || strcmp(a->v[i].name, "class") == 0 ||
		    strcmp(a->v[i].name, "id") == 0) {
			if (rest.n < 64)
				own[rest.n++] = a->v[i];
			continue;
		}
		const mc_ald *d = find_ald(fe, a->v[i].name);
		if (!d && strcmp(a->v[i].name, "toc") == 0 &&
		    n->type == MC_LIST) {
			/* kramdown's table of contents, in the list's place */
			MC_GROW(fe->tocs, fe->ntocs, fe->captocs, 4);
			fe->tocs[fe->ntocs++] = n;
		} else if (!d && fe->alds_capped) {
			/* perhaps one of those left out: warned about */
		} else if (!d)
			mc_warn(fe->diag, ial->line, ial->col,
			        "attribute list %s names \"%s\", which no "
			        "{:%s: ...} defines; ignored",
			        ial->text, a->v[i].name, a->v[i].name);
		else if (depth >= 8 || --*budget < 0) {
			if (*budget > -1000) /* once */
				mc_warn(fe->diag, d->line, d->col,
				        "attribute list definitions refer to each "
				        "other too deeply or too often (at {:%s: "
				        "...}); ignored", d->name);
			*budget = -1000;
		} else {
			apply_ial(fe, n, ial, &d->attrs, depth + 1, budget);
		}
	}
	mc_fe_apply_attrs(fe, n, &rest);
}

/* Handle the first IAL sentinel in text node t.  Returns false when t
 * holds no (more) sentinels. */
static bool one_ial(mc_fe *fe, mc_node *t)
{
	const char *s = t->as.text.text;
	const char *o = strstr(s, MC_IAL_OPEN);
	if (!o)
		return false;
	char *e;
	unsigned long idx = strtoul(o + MC_SENTINEL_LEN, &e, 10);
	const char *after = e;
	if (strncmp(e, MC_IAL_CLOSE, MC_SENTINEL_LEN) == 0)
		after = e + MC_SENTINEL_LEN;
	mc_ial *ial = idx < fe->nials ? &fe->ials[idx] : NULL;
	size_t before_len = (size_t)(o - s);
	bool before_blank = blank_str(s, before_len);
	bool after_blank = blank_str(after, strlen(after));
	mc_node *parent = t->parent;
	mc_node *target = NULL;
	mc_node *drop_para = NULL;

	if (ial && ial->attrs.n == 0) {
		target = NULL; /* extensions, ALDs: nothing to apply */
	} else if (before_blank && !t->prev && t->next &&
	           t->next->type == MC_SOFTBREAK &&
	           blank_str(after, strlen(after)) &&
	           parent->type == MC_PARAGRAPH) {
		/* "{: .x}" on the line before a paragraph's text: kramdown
		 * gives it to the block it is directly before, unless it is
		 * directly after one too ("## Heading\n{: .x}\ntext") */
		target = ial && ial->margin && ial->after_text && parent->prev
		                 ? parent->prev
		                 : parent;
		mc_node_unlink(t->next);
	} else if (before_blank && !t->prev && !after_blank &&
	           parent->type == MC_PARAGRAPH && parent->parent &&
	           parent->parent->type == MC_ITEM &&
	           parent->parent->first == parent) {
		/* "* {:.cls} item": kramdown's IAL of a list item */
		target = parent->parent;
		while (*after == ' ' || *after == '\t')
			after++;
	} else if (before_len == 0 && is_span(t->prev)) {
		target = t->prev;
	} else if (after_blank && !t->next) {
		if (parent->type == MC_PARAGRAPH && before_blank && !t->prev) {
			/* a block IAL alone in its paragraph: on the block
			 * right before it, else right after it (kramdown);
			 * between blank lines, the one before, else after */
			if (ial && !ial->after_text && ial->before_text &&
			    parent->next)
				target = parent->next;
			else
				target = parent->prev ? parent->prev : parent->next;
			drop_para = parent;
		} else if (parent->type == MC_PARAGRAPH ||
		           parent->type == MC_HEADING ||
		           parent->type == MC_CALLOUT_TITLE) {
			target = parent;
		} else if (mc_node_is_inline(parent->type)) {
			target = parent; /* inside emphasis or a link */
		}
	} else if (ial) {
		mc_warn(fe->diag, ial->line, ial->col,
		        "attribute list %s is not after an element; ignored",
		        ial->text);
	}
	if (ial)
		ial->used = true;

	/* remove the sentinel from the text */
	mc_buf b = MC_BUF_INIT;
	mc_buf_put(&b, s, before_len);
	if (after_blank && !t->next)
		while (b.len && (b.data[b.len - 1] == ' ' ||
		                 b.data[b.len - 1] == '\t'))
			b.data[--b.len] = '\0';
	else if (b.len && b.data[b.len - 1] == ' ' && *after == ' ')
		mc_buf_puts(&b, after + 1);
	else
		mc_buf_puts(&b, after);
	t->as.text.text = mc_strndup(fe->doc, b.data ? b.data : "", b.len);
	mc_buf_free(&b);
	mc_node *prev = t->prev;
	if (!*t->as.text.text) {
		mc_node_unlink(t);
		/* "text\n{: .x}": the soft break before it goes too */
		if (prev && !prev->next && (prev->type == MC_SOFTBREAK ||
		                            prev->type == MC_LINEBREAK))
			mc_node_unlink(prev);
	}
	if (drop_para && !drop_para->first)
		mc_node_unlink(drop_para);
	/* "> quote\n{: .x}", "- item\n{: .x}": a block IAL at the margin
	 * ends the quote or list (kramdown), and is the whole one's */
	while (target && ial && ial->margin && target == parent &&
	       target->parent && !target->next &&
	       (target->parent->type == MC_BLOCKQUOTE ||
	        target->parent->type == MC_ITEM ||
	        target->parent->type == MC_LIST))
		target = parent = target->parent;
	if (target && ial && ial->margin && target->type == MC_ITEM &&
	    target->parent)
		target = target->parent; /* an item ends only in its list */
	if (target && ial) {
		int budget = 64; /* ALDs one IAL may bring in */
		apply_ial(fe, target, ial, &ial->attrs, 0, &budget);
	}
	return *t->as.text.text && t->parent;
}

static void ials(mc_fe *fe, nodes *texts)
{
	for (size_t i = 0; i < texts->n; i++)
		while (texts->v[i]->parent && one_ial(fe, texts->v[i]))
			;
	for (size_t i = 0; i < fe->nials; i++)
		if (!fe->ials[i].used && fe->ials[i].attrs.n)
			mc_warn(fe->diag, fe->ials[i].line, fe->ials[i].col,
			        "attribute list %s was not applied",
			        fe->ials[i].text);
}

/* ---------------------------------------------------------------- */

static void blanks(mc_fe *fe, nodes *all)
{
	for (size_t i = 0; i < all->n; i++) {
		mc_node *t = all->v[i];
		if (!t->parent)
			continue;
		const char *s = t->as.text.text;
		const char *u = strstr(s, "___");
		if (!u)
			continue;
		/* split: text, blank, text, blank, ... */
		const char *p = s;
		while ((u = strstr(p, "___")) != NULL) {
			const char *e = u;
			while (*e == '_')
				e++;
			if (u > p) {
				mc_node *x = mc_node_new(fe->doc, MC_TEXT, t->line, 0);
				x->as.text.text = mc_strndup(fe->doc, p,
				                             (size_t)(u - p));
				mc_node_insert_before(t, x);
			}
			mc_node *bl = mc_node_new(fe->doc, MC_BLANK, t->line, 0);
			bl->as.blank.width = (int)(e - u);
			mc_node_insert_before(t, bl);
			p = e;
		}
		if (*p)
			t->as.text.text = p;
		else
			mc_node_unlink(t);
	}
}

static bool ws_text(const mc_node *n)
{
	return n->type == MC_TEXT && blank_str(n->as.text.text,
	                                       strlen(n->as.text.text));
}

/* A `videotime` line ("2:54 | note") after an embed: its duration, and
 * the note as the embed's caption.  Returns false if p is not one. */
static bool videotime(mc_fe *fe, mc_node *p)
{
	if (!mc_has_class(p->classes, "videotime"))
		return false;
	mc_node *e = p->prev;
	mc_node *f = p->first;
	if (!e || e->type != MC_EMBED || e->as.embed.duration || !f ||
	    f->type != MC_TEXT)
		return false;
	const char *t = f->as.text.text;
	while (*t == ' ')
		t++;
	const char *q = t;
	while (isdigit((unsigned char)*q) || *q == ':')
		q++;
	if (q == t || !isdigit((unsigned char)q[-1]))
		return false;
	e->as.embed.duration = mc_strndup(fe->doc, t, (size_t)(q - t));
	while (*q == ' ' || *q == '|' || strncmp(q, "\xC2\xA0", 2) == 0)
		q += (*q == '\xC2') ? 2 : 1;
	if (*q)
		f->as.text.text = q;
	else
		mc_node_unlink(f);
	while (p->first && (p->first->type == MC_SOFTBREAK ||
	                    p->first->type == MC_LINEBREAK))
		mc_node_unlink(p->first);
	if (p->first) {
		mc_node *cap = mc_node_new(fe->doc, MC_CAPTION, p->line, 0);
		while (p->first) {
			mc_node *k = p->first;
			mc_node_unlink(k);
			mc_node_append(cap, k);
		}
		mc_node_append(e, cap);
	}
	mc_node_unlink(p);
	return true;
}

static void figures(mc_fe *fe, const nodes *paras)
{
	for (size_t i = 0; i < paras->n; i++) {
		mc_node *p = paras->v[i];
		if (videotime(fe, p))
			continue;
		mc_node *c = p->first;
		while (c && ws_text(c))
			c = c->next;
		if (!c)
			continue;
		mc_node *img = NULL, *link = NULL;
		if (c->type == MC_IMAGE) {
			img = c;
		} else if (c->type == MC_LINK && c->first &&
		           c->first == c->last && c->first->type == MC_IMAGE) {
			img = c->first;
			link = c;
		}
		if (!img)
			continue;
		mc_node *rest = c->next;
		while (rest && (ws_text(rest) || rest->type == MC_SOFTBREAK))
			rest = rest->next;
		mc_node *cap_start = NULL;
		if (rest) {
			if (rest->type != MC_LINEBREAK)
				continue;
			cap_start = rest->next;
			while (cap_start && (ws_text(cap_start) ||
			                     cap_start->type == MC_LINEBREAK ||
			                     cap_start->type == MC_SOFTBREAK))
				cap_start = cap_start->next;
		}
		mc_node *fig = mc_node_new(fe->doc, MC_FIGURE, p->line, p->col);
		fig->as.image = img->as.image;
		if (link)
			fig->as.image.href = link->as.link.url;
		fig->id = img->id;
		fig->classes = img->classes;
		if (cap_start) {
			mc_node *cap = mc_node_new(fe->doc, MC_CAPTION,
			                           cap_start->line, 0);
			while (cap_start) {
				mc_node *nx = cap_start->next;
				mc_node_unlink(cap_start);
				mc_node_append(cap, cap_start);
				cap_start = nx;
			}
			mc_node_append(fig, cap);
		}
		if (!mc_can_contain(p->parent->type, MC_FIGURE))
			continue;
		mc_node_insert_before(p, fig);
		mc_node_unlink(p);
	}
}

/* ---------------------------------------------------------------- */
/* abbreviations                                                     */

/* A letter, digit or '_' (any byte of a multi-byte character counts:
 * kramdown matches whole words of any script). */
static bool word_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/* The abbreviation (longest, then first defined) written at s, with no
 * word character right before (prev) or after it; NULL if none. */
static const mc_abbr *abbr_at(const mc_fe *fe, const char *s, bool after_word)
{
	if (after_word)
		return NULL;
	const mc_abbr *best = NULL;
	size_t bl = 0;
	for (size_t i = 0; i < fe->nabbrs; i++) {
		const mc_abbr *a = &fe->abbrs[i];
		size_t l = strlen(a->abbr);
		if (l > bl && strncmp(s, a->abbr, l) == 0 &&
		    !(word_byte((unsigned char)s[l]) &&
		      word_byte((unsigned char)s[l - 1]))) {
			best = a;
			bl = l;
		}
	}
	return best;
}

/* Every use of an abbreviation (*[ABBR]: title) in text becomes a span
 * with the title: text before, span, text after. */
static void abbreviations(mc_fe *fe)
{
	mc_node *root = fe->doc->root;
	bool first[256] = {false}; /* bytes an abbreviation starts with */
	for (size_t k = 0; k < fe->nabbrs; k++)
		first[(unsigned char)fe->abbrs[k].abbr[0]] = true;
	for (mc_node *n = root; n;) {
		if (n->type != MC_TEXT) {
			n = mc_node_next(n, root);
			continue;
		}
		const char *s = n->as.text.text;
		const mc_abbr *a = NULL;
		size_t i;
		for (i = 0; s[i]; i++)
			if (first[(unsigned char)s[i]] &&
			    (a = abbr_at(fe, s + i,
			                 i && word_byte((unsigned char)s[i - 1] )&&
			                 word_byte((unsigned char)s[i]))) != NULL)
				break;
		if (!a) {
			n = mc_node_next(n, root);
			continue;
		}
		size_t l = strlen(a->abbr);
		mc_node *sp = mc_node_new(fe->doc, MC_SPAN, n->line, n->col);
		sp->as.span.title = a->title;
		mc_node *t = mc_node_new(fe->doc, MC_TEXT, n->line, n->col);
		t->as.text.text = mc_strndup(fe->doc, s + i, l);
		mc_node_append(sp, t);
		if (i) {
			mc_node *b = mc_node_new(fe->doc, MC_TEXT, n->line, n->col);
			b->as.text.text = mc_strndup(fe->doc, s, i);
			mc_node_insert_before(n, b);
		}
		mc_node_insert_before(n, sp);
		if (s[i + l]) {
			n->as.text.text = s + i + l; /* go on with the rest */
		} else {
			mc_node *nx = mc_node_next(n, root);
			mc_node_unlink(n);
			n = nx;
		}
	}
}

/* ---------------------------------------------------------------- */
/* attributions                                                      */

/* Length of a dash that opens an attribution at s, or 0. */
static size_t dash_len(const char *s)
{
	if (strncmp(s, "\xE2\x80\x94", 3) == 0 || /* em dash */
	    strncmp(s, "\xE2\x80\x93", 3) == 0 || /* en dash */
	    strncmp(s, "\xE2\x80\x95", 3) == 0)   /* horizontal bar */
		return 3;
	if (strncmp(s, "--", 2) == 0)
		return s[2] == '-' ? 3 : 2;
	return 0;
}

static bool after_break(const mc_node *t)
{
	const mc_node *p = t->prev;
	while (p && ws_text(p))
		p = p->prev;
	return !p || p->type == MC_LINEBREAK || p->type == MC_SOFTBREAK;
}

static void attributions(mc_fe *fe, const nodes *qs)
{
	for (size_t i = 0; i < qs->n; i++) {
		mc_node *q = qs->v[i];
		mc_node *p = q->last;
		if (!p || p->type != MC_PARAGRAPH)
			continue;
		mc_node *best = NULL;
		size_t best_off = 0, best_dash = 0;
		bool quoted = false;
		if (p->first && p->first->type == MC_TEXT) {
			const char *f = p->first->as.text.text;
			while (*f == ' ')
				f++;
			quoted = strncmp(f, "\xE2\x80\x9C", 3) == 0 || *f == '"';
		}
		for (mc_node *c = p->first; c; c = c->next) {
			if (c->type != MC_TEXT)
				continue;
			const char *s = c->as.text.text;
			const char *t = s;
			while (*t == ' ' || *t == '\t')
				t++;
			size_t d;
			if (after_break(c) && (d = dash_len(t)) != 0 &&
			    (c->prev || q->first != p)) {
				best = c, best_off = (size_t)(t - s), best_dash = d;
			}
			/* a closing quote right before the dash, when the
			 * paragraph is a quotation ("...”— Name") */
			for (const char *u = quoted ? s : ""; *u; u++) {
				size_t ql = 0;
				if (strncmp(u, "\xE2\x80\x9D", 3) == 0)
					ql = 3;
				else if (*u == '"')
					ql = 1;
				if (!ql)
					continue;
				const char *v = u + ql;
				while (*v == ' ')
					v++;
				if ((d = dash_len(v)) != 0 && v[d] &&
				    strlen(v + d) < 300)
					best = c, best_off = (size_t)(v - s),
					best_dash = d;
			}
		}
		if (!best)
			continue;
		const char *s = best->as.text.text;
		const char *rest = s + best_off + best_dash;
		while (*rest == ' ' || strncmp(rest, "\xC2\xA0", 2) == 0)
			rest += (*rest == ' ') ? 1 : 2;
		mc_node *att = mc_node_new(fe->doc, MC_ATTRIBUTION, best->line, 0);
		if (*rest) {
			mc_node *t = mc_node_new(fe->doc, MC_TEXT, best->line, 0);
			t->as.text.text = rest;
			mc_node_append(att, t);
		}
		while (best->next) {
			mc_node *nx = best->next;
			mc_node_unlink(nx);
			mc_node_append(att, nx);
		}
		if (!att->first)
			continue;
		/* what stays: the text before the dash, without the breaks */
		size_t keep = best_off;
		while (keep && (s[keep - 1] == ' ' || s[keep - 1] == '\t'))
			keep--;
		if (keep)
			best->as.text.text = mc_strndup(fe->doc, s, keep);
		else
			mc_node_unlink(best);
		while (p->last && (p->last->type == MC_LINEBREAK ||
		                   p->last->type == MC_SOFTBREAK ||
		                   ws_text(p->last)))
			mc_node_unlink(p->last);
		if (!p->first)
			mc_node_unlink(p);
		mc_node_append(q, att);
	}
}

/* ---------------------------------------------------------------- */

static void callout_titles(mc_fe *fe, const nodes *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		mc_node *c = cs->v[i];
		mc_node *h = c->first;
		if (!h || h->type != MC_HEADING)
			continue;
		mc_node *t = mc_node_new(fe->doc, MC_CALLOUT_TITLE, h->line,
		                         h->col);
		t->id = h->id;
		t->classes = h->classes;
		t->as.heading.level = h->as.heading.level;
		while (h->first) {
			mc_node *k = h->first;
			mc_node_unlink(k);
			mc_node_append(t, k);
		}
		mc_node_insert_before(h, t);
		mc_node_unlink(h);
	}
}

/* Whether a list item's text asks for an answer: it ends in "...", or
 * in an ellipsis, question mark or colon of any script. */
static bool prompt_text(const char *s)
{
	static const char *const ends[] = {
		"...", "?", ":",
		"\xE2\x80\xA6", /* U+2026 horizontal ellipsis */
		"\xEF\xBC\x9F", /* U+FF1F fullwidth question mark (CJK) */
		"\xEF\xBC\x9A", /* U+FF1A fullwidth colon */
		"\xD8\x9F",     /* U+061F Arabic question mark */
		"\xCD\xBE",     /* U+037E Greek question mark */
		"\xD5\x9E",     /* U+055E Armenian question mark */
		"\xE1\x8D\xA7", /* U+1367 Ethiopic question mark */
		"\xEF\xB9\x96", /* U+FE56 small question mark */
		"\xE2\xB8\xAE", /* U+2E2E reversed question mark */
	};
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		n--;
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		size_t k = strlen(ends[i]);
		if (n >= k && memcmp(s + n - k, ends[i], k) == 0)
			return true;
	}
	return false;
}

static void worksheets(mc_fe *fe, const nodes *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		mc_node *c = cs->v[i];
		if (c->as.callout.kind != MC_CALLOUT_ACTIVITY)
			continue;
		for (mc_node *n = c->first; n;) {
			if (n->type == MC_CALLOUT) {
				n = skip_node(n, c); /* its own rules */
				continue;
			}
			if (n->type == MC_ITEM && n->as.item.task == MC_TASK_NONE &&
			    !n->as.item.prompt && n->first &&
			    n->first == n->last && n->first->type == MC_PARAGRAPH) {
				const char *text = mc_node_plain_text(fe->doc,
				                                      n->first);
				if (text && prompt_text(text)) {
					n->as.item.prompt = true;
					add_answer(fe, n->first, NULL);
					n = skip_node(n, c);
					continue;
				}
			}
			n = mc_node_next(n, c);
		}
	}
}

/* ---------------------------------------------------------------- */
/* ids                                                               */

static int by_label(const void *a, const void *b)
{
	const mc_node *x = *(mc_node *const *)a, *y = *(mc_node *const *)b;
	return strcmp(x->as.footnote.label, y->as.footnote.label);
}

/* Unique ids (explicit ones first, they win) and numbering of answer
 * fields and footnotes, in one walk plus work on what it found. */
static void ids_and_numbers(mc_fe *fe)
{
	mc_node *root = fe->doc->root;
	mc_idset set = {0};
	nodes named = {0}, defs = {0}, refs = {0};
	int answers = 0, notes = 0;
	for (mc_node *n = root; n; n = mc_node_next(n, root)) {
		if (n->id) {
			if (mc_idset_find(&set, n->id)) {
				mc_warn(fe->diag, n->line, n->col,
				        "id \"%s\" is used twice; the second is "
				        "renamed", n->id);
				n->id = NULL;
			} else {
				mc_idset_add(&set, n->id);
			}
		}
		if ((n->type == MC_HEADING || n->type == MC_CALLOUT_TITLE) &&
		    !n->id)
			nodes_push(&named, n);
		else if (n->type == MC_ANSWER)
			n->as.answer.number = ++answers;
		else if (n->type == MC_FOOTNOTE_DEF)
			nodes_push(&defs, n);
		else if (n->type == MC_FOOTNOTE_REF)
			nodes_push(&refs, n);
	}
	for (size_t i = 0; i < named.n; i++) {
		mc_node *n = named.v[i];
		n->id = mc_idset_unique(
			&set, fe->doc,
			mc_id_slug(fe->doc, mc_node_plain_text(fe->doc, n)));
	}
	/* footnotes: numbered in order of first reference; definitions
	 * found by label in a sorted copy (n log n, not refs x defs) */
	mc_node **sorted = mc_xmalloc((defs.n ? defs.n : 1) * sizeof(mc_node *));
	if (defs.n)
		memcpy(sorted, defs.v, defs.n * sizeof(mc_node *));
	qsort(sorted, defs.n, sizeof(mc_node *), by_label);
	for (size_t r = 0; r < refs.n; r++) {
		mc_node *n = refs.v[r];
		mc_node key;
		key.as.footnote.label = n->as.footnote.label;
		mc_node *kp = &key;
		mc_node **hit = defs.n ? bsearch(&kp, sorted, defs.n,
		                                 sizeof(mc_node *), by_label)
		                       : NULL;
		if (!hit)
			continue;
		/* the first definition of a label, as cmark keeps */
		while (hit > sorted && by_label(hit - 1, &kp) == 0)
			hit--;
		if (!(*hit)->as.footnote.number)
			(*hit)->as.footnote.number = ++notes;
		n->as.footnote.number = (*hit)->as.footnote.number;
	}
	free(sorted);
	for (size_t i = 0; i < defs.n; i++)
		if (!defs.v[i]->as.footnote.number)
			defs.v[i]->as.footnote.number = ++notes;
	mc_idset_free(&set);
	free(named.v);
	free(defs.v);
	free(refs.v);
}

/* ---------------------------------------------------------------- */
/* {:toc}                                                            */

/* An item linking to heading h, appended to list l. */
static void toc_item(mc_fe *fe, mc_node *l, const mc_node *h)
{
	mc_doc *doc = fe->doc;
	mc_node *it = mc_node_new(doc, MC_ITEM, l->line, 0);
	mc_node *p = mc_node_new(doc, MC_PARAGRAPH, l->line, 0);
	mc_node *a = mc_node_new(doc, MC_LINK, l->line, 0);
	size_t n = strlen(h->id);
	char *url = mc_arena_alloc(doc->arena, n + 2);
	url[0] = '#';
	memcpy(url + 1, h->id, n + 1);
	a->as.link.url = url;
	const char *t = mc_node_plain_text(doc, h);
	mc_fe_text(fe, a, t ? t : "", t ? strlen(t) : 0, l->line, 0);
	mc_node_append(p, a);
	mc_node_append(it, p);
	mc_node_append(l, it);
}

/* Each list marked {:toc} becomes the page's table of contents: its
 * headings (but those of class no_toc), nested by level, each a link to
 * the heading, as kramdown makes it. */
static void tocs(mc_fe *fe)
{
	mc_doc *doc = fe->doc;
	for (size_t i = 0; i < fe->ntocs; i++) {
		mc_node *old = fe->tocs[i];
		if (!old->parent)
			continue;
		mc_node *root = mc_node_new(doc, MC_LIST, old->line, old->col);
		root->as.list.ordered = old->as.list.ordered;
		root->as.list.tight = true;
		root->id = old->id;
		root->classes = old->classes;
		mc_node *st[7];
		int lv[7];
		int depth = 0;
		for (mc_node *h = doc->root; h; h = mc_node_next(h, doc->root)) {
			if (h->type != MC_HEADING || !h->id ||
			    mc_has_class(h->classes, "no_toc"))
				continue;
			int L = h->as.heading.level;
			if (depth == 0) {
				st[0] = root;
				lv[0] = L;
				depth = 1;
			}
			while (depth > 1 && lv[depth - 1] > L)
				depth--;
			if (lv[depth - 1] < L && depth < 7 &&
			    st[depth - 1]->last) {
				mc_node *sub = mc_node_new(doc, MC_LIST, old->line, 0);
				sub->as.list.ordered = old->as.list.ordered;
				sub->as.list.tight = true;
				mc_node_append(st[depth - 1]->last, sub);
				st[depth] = sub;
				lv[depth] = L;
				depth++;
			}
			toc_item(fe, st[depth - 1], h);
		}
		if (root->first)
			mc_node_insert_before(old, root);
		mc_node_unlink(old);
	}
}

/* ---------------------------------------------------------------- */
/* images                                                            */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A path inside the root for src, or NULL (with a warning if local). */
static const char *resolve_image(mc_fe *fe, const mc_node *n,
                                 const char *src)
{
	if (!*src)
		return NULL;
	/* remote: any scheme, or protocol-relative */
	const char *c = src;
	while (isalnum((unsigned char)*c) || *c == '+' || *c == '-' || *c == '.')
		c++;
	if ((*c == ':' && c > src) || strncmp(src, "//", 2) == 0)
		return NULL;
	/* a site-absolute path starts with the baseurl, which the file
	 * tree does not have */
	const char *bu = fe->doc->meta.site.baseurl;
	if (src[0] == '/' && bu && *bu && strcmp(bu, "/") != 0) {
		size_t bl = strlen(bu);
		while (bl && bu[bl - 1] == '/')
			bl--;
		if (strncmp(src, bu, bl) == 0 && src[bl] == '/')
			src += bl;
	}
	/* decode %XX, drop ?query and #fragment */
	size_t n0 = strcspn(src, "?#");
	char *rel = mc_xmalloc(n0 + 1);
	size_t k = 0;
	for (size_t i = 0; i < n0; i++) {
		if (src[i] == '%' && i + 2 < n0 + 1 && hexval(src[i + 1]) >= 0 &&
		    hexval(src[i + 2]) >= 0) {
			rel[k++] = (char)(hexval(src[i + 1]) * 16 +
			                  hexval(src[i + 2]));
			i += 2;
		} else {
			rel[k++] = src[i];
		}
	}
	rel[k] = '\0';
	const char *base = rel[0] == '/' ? fe->root : fe->dir;
	size_t len = strlen(base) + strlen(rel) + 2;
	char *path = mc_xmalloc(len);
	snprintf(path, len, "%s/%s", base, rel[0] == '/' ? rel + 1 : rel);
	char *real = NULL;
	char why[PATH_MAX * 3];
	int rc = mc_confine(fe->root, path, &real, why, sizeof why);
	struct stat st;
	bool absent = rc != 0 && lstat(path, &st) != 0;
	if (absent && rel[0] != '/') {
		/* Jekyll pages live at their permalink: try the root */
		mc_fe_dep_absent(fe, path);
		free(path);
		len = strlen(fe->root) + strlen(rel) + 2;
		path = mc_xmalloc(len);
		snprintf(path, len, "%s/%s", fe->root, rel);
		rc = mc_confine(fe->root, path, &real, why, sizeof why);
		absent = rc != 0 && lstat(path, &st) != 0;
	}
	if (absent) /* adding it later must rebuild (--depfile) */
		mc_fe_dep_absent(fe, path);
	const char *result = NULL;
	if (absent) {
		mc_warn(fe->diag, n->line, n->col,
		        "image not found: %s (its alt text is used)", src);
	} else if (rc != 0) {
		mc_warn(fe->diag, n->line, n->col, "image %s %s", src, why);
	} else if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
		mc_warn(fe->diag, n->line, n->col,
		        "image %s is not a regular file; not read", src);
	} else {
		result = mc_strdup(fe->doc, real);
		if ((int64_t)st.st_mtime > fe->doc->meta.date)
			fe->doc->meta.date = (int64_t)st.st_mtime;
	}
	free(real);
	free(path);
	free(rel);
	return result;
}

int mc_fe_rules(mc_fe *fe)
{
	mc_node *root = fe->doc->root;
	nodes ialt = {0}, blankt = {0}, imgs = {0};
	nodes paras = {0}, quotes = {0}, callouts = {0};
	mc_buf b = MC_BUF_INIT;

	/* walk 1: text merged; what the inline rules need */
	for (mc_node *n = root; n; n = mc_node_next(n, root)) {
		if (n->type == MC_TEXT) {
			merge_after(fe, n, &b);
			if (fe->nials && strstr(n->as.text.text, MC_IAL_OPEN))
				nodes_push(&ialt, n);
			if (strstr(n->as.text.text, "___"))
				nodes_push(&blankt, n);
		} else if (n->type == MC_IMAGE) {
			nodes_push(&imgs, n);
		}
	}
	ials(fe, &ialt);
	for (size_t i = 0; i < imgs.n; i++)
		imgs.v[i]->as.image.path = resolve_image(
			fe, imgs.v[i], imgs.v[i]->as.image.src);
	blanks(fe, &blankt);
	if (fe->nabbrs)
		abbreviations(fe);

	/* walk 2: the block rules */
	for (mc_node *n = root; n; n = mc_node_next(n, root)) {
		if (n->type == MC_PARAGRAPH)
			nodes_push(&paras, n);
		else if (n->type == MC_BLOCKQUOTE)
			nodes_push(&quotes, n);
		else if (n->type == MC_CALLOUT)
			nodes_push(&callouts, n);
		else if (n->type == MC_DETAILS &&
		         !(n->first && n->first->type == MC_SUMMARY)) {
			/* no <summary>: what a browser shows instead */
			mc_node *sum = mc_node_new(fe->doc, MC_SUMMARY, n->line, 0);
			mc_fe_text(fe, sum, "Details", 7, n->line, 0);
			mc_node_prepend(n, sum);
		}
	}
	figures(fe, &paras);
	attributions(fe, &quotes);
	callout_titles(fe, &callouts);
	worksheets(fe, &callouts);

	/* walk 3 */
	ids_and_numbers(fe);
	if (fe->ntocs)
		tocs(fe);
	int rc = mc_fe_lang(fe);

	mc_buf_free(&b);
	free(ialt.v);
	free(blankt.v);
	free(imgs.v);
	free(paras.v);
	free(quotes.v);
	free(callouts.v);
	return rc;
}
