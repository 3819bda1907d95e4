/*
 * linebreak.c - paragraphs into lines: Knuth-Plass total-fit line breaking
 * over boxes, glue and penalties, with hyphenation points from the
 * patterns of the text's language (hyph.c; none for a language without
 * a hyphen-* dictionary, e.g. Chinese or Japanese, whose lines break
 * between characters where UAX #14 allows),
 * break opportunities from libunibreak (UAX #14: after dashes, slashes...)
 * and, for a word wider than the line (a long URL), a break allowed after
 * any character, so no glyph ever runs past the text block.
 *
 * A paragraph is text with style changes (pdf_para_text), fixed gaps
 * (inline blanks) and forced line ends.  pdf_para_layout() turns it into
 * one slice per line holding its text ops, link rectangles and rules.
 */
#include "pdf_int.h"
#include "cache.h"
#include "hyph.h"

#include <linebreak.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

static pthread_once_t linebreak_once = PTHREAD_ONCE_INIT;

void pdf_linebreak_init(void)
{
	pthread_once(&linebreak_once, init_linebreak);
}

enum { SEG_TEXT, SEG_GAP, SEG_NEWLINE, SEG_IMAGE };

typedef struct seg {
	uint32_t off, len; /* into text */
	uint8_t kind;
	double gapw;       /* SEG_GAP; SEG_IMAGE: its width inline */
	pdf_style st;
	pdf_inimg img;     /* SEG_IMAGE */
	int field_role;          /* SEG_GAP: a Name/Date field (-1, -2), or 0 */
	const char *field_label; /* its tooltip */
	const char *field_group; /* its worksheet */
} seg;

struct pdf_para {
	pdf_ctx *c;
	mc_buf text;
	seg *segs;
	size_t nsegs, capsegs;
};

pdf_para *pdf_para_new(pdf_ctx *c)
{
	pdf_para *p = mc_xcalloc(1, sizeof *p);
	p->c = c;
	return p;
}

void pdf_para_free(pdf_para *p)
{
	if (!p)
		return;
	mc_buf_free(&p->text);
	free(p->segs);
	free(p);
}

static seg *add_seg(pdf_para *p, uint8_t kind, const pdf_style *st)
{
	PDF_GROW(p->segs, p->nsegs, p->capsegs);
	seg *s = &p->segs[p->nsegs++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->st = *st;
	s->off = (uint32_t)p->text.len;
	return s;
}

/* Field by field: the struct's padding is not initialised. */
static bool same_style(const pdf_style *a, const pdf_style *b)
{
	return a->face == b->face && a->size == b->size &&
	       a->color == b->color && a->link == b->link &&
	       a->rise == b->rise && a->strike == b->strike &&
	       a->underline == b->underline && a->lang == b->lang &&
	       a->box == b->box;
}

void pdf_para_text(pdf_para *p, const pdf_style *st, const char *s, size_t n)
{
	if (n == 0)
		return;
	seg *last = p->nsegs ? &p->segs[p->nsegs - 1] : NULL;
	if (!last || last->kind != SEG_TEXT || !same_style(&last->st, st))
		last = add_seg(p, SEG_TEXT, st);
	/* tabs, line ends and other controls print as spaces */
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		mc_buf_putc(&p->text, ch < 0x20 || ch == 0x7F ? ' ' : (char)ch);
	}
	last->len = (uint32_t)(p->text.len - last->off);
}

void pdf_para_gap(pdf_para *p, const pdf_style *st, double w)
{
	seg *s = add_seg(p, SEG_GAP, st);
	s->gapw = w;
	mc_buf_puts(&p->text, "\xEF\xBF\xBC"); /* U+FFFC for libunibreak */
	s->len = 3;
}

void pdf_para_image(pdf_para *p, const pdf_style *st, const pdf_inimg *im)
{
	seg *s = add_seg(p, SEG_IMAGE, st);
	s->img = *im;
	mc_buf_puts(&p->text, "\xEF\xBF\xBC"); /* U+FFFC, as a gap */
	s->len = 3;
}

void pdf_para_field_gap(pdf_para *p, const pdf_style *st, double w,
                        int role, const char *label, const char *group)
{
	pdf_para_gap(p, st, w);
	seg *s = &p->segs[p->nsegs - 1];
	s->field_role = role;
	s->field_label = label;
	s->field_group = group;
}

void pdf_para_newline(pdf_para *p)
{
	pdf_style st = {0};
	if (p->nsegs)
		st = p->segs[p->nsegs - 1].st;
	seg *s = add_seg(p, SEG_NEWLINE, &st);
	mc_buf_putc(&p->text, '\n');
	s->len = 1;
}

bool pdf_para_empty(const pdf_para *p)
{
	for (size_t i = 0; i < p->nsegs; i++) {
		if (p->segs[i].kind == SEG_GAP || p->segs[i].kind == SEG_IMAGE)
			return false;
		if (p->segs[i].kind != SEG_TEXT)
			continue;
		for (uint32_t j = 0; j < p->segs[i].len; j++)
			if (p->text.data[p->segs[i].off + j] != ' ')
				return false;
	}
	return true;
}

/* ---- Knuth-Plass ---- */

typedef struct kp_node {
	size_t pos;
	int line, fit;
	double tw, ty, tz; /* sums at the start of the next line */
	double dem;
	long prev;
} kp_node;

static double line_width(double width, double first, int line)
{
	return line == 0 ? width - first : width;
}

/* Nodes no active node leads back to can never be on the chosen path:
 * drop them, keeping the others in order (so every choice below, and the
 * breaks, are what they would have been).  Run whenever the node count
 * has doubled since the last pass, this keeps the nodes in proportion to
 * the lines set (the paths back from the active nodes soon merge) rather
 * than to the break points seen, at linear cost. */
enum { KP_GC_MIN = 4096 };

static size_t kp_collect(kp_node *nodes, size_t nnodes, long *active,
                         size_t nactive)
{
	long *map = mc_xmalloc(nnodes * sizeof *map);
	for (size_t i = 0; i < nnodes; i++)
		map[i] = -1;
	map[0] = 0; /* the start, where every path begins */
	for (size_t ai = 0; ai < nactive; ai++)
		for (long k = active[ai]; k > 0 && map[k] < 0; k = nodes[k].prev)
			map[k] = 0;
	size_t m = 0;
	for (size_t i = 0; i < nnodes; i++) {
		if (map[i] < 0)
			continue;
		map[i] = (long)m;
		nodes[m] = nodes[i];
		if (nodes[m].prev >= 0)
			nodes[m].prev = map[nodes[m].prev];
		m++;
	}
	for (size_t ai = 0; ai < nactive; ai++)
		active[ai] = map[active[ai]];
	free(map);
	return m;
}

int pdf_kp_break(const kp_item *it, size_t n, double width, double first,
                 double tolerance, size_t *brk)
{
	kp_node *nodes = NULL;
	size_t nnodes = 0, capnodes = 0;
	long *active = NULL, *next_active = NULL;
	size_t nactive = 0, capactive = 0;
	double W = 0, Y = 0, Z = 0;
	int result = -1;
	size_t gc_at = KP_GC_MIN;

	PDF_GROW(nodes, nnodes, capnodes);
	nodes[nnodes++] = (kp_node){0, 0, 1, 0, 0, 0, 0, -1};
	capactive = 64;
	active = mc_xmalloc(capactive * sizeof *active);
	next_active = mc_xmalloc(capactive * sizeof *next_active);
	active[nactive++] = 0;

	for (size_t b = 0; b < n; b++) {
		const kp_item *x = &it[b];
		bool legal = false;
		if (x->type == KP_PENALTY)
			legal = x->penalty < KP_INF;
		else if (x->type == KP_GLUE)
			legal = b > 0 && it[b - 1].type == KP_BOX;
		if (legal && nnodes >= gc_at) {
			nnodes = kp_collect(nodes, nnodes, active, nactive);
			gc_at = nnodes * 2 > KP_GC_MIN ? nnodes * 2 : KP_GC_MIN;
		}
		if (legal) {
			double best[4] = {INFINITY, INFINITY, INFINITY,
			                  INFINITY};
			long bestfrom[4] = {-1, -1, -1, -1};
			size_t nn = 0;
			for (size_t ai = 0; ai < nactive; ai++) {
				kp_node *a = &nodes[active[ai]];
				double L = W - a->tw;
				if (x->type == KP_PENALTY)
					L += x->w;
				double lw = line_width(width, first, a->line);
				double r;
				if (L < lw) {
					double y = Y - a->ty;
					/* no glue: only a line (nearly) filled
					 * by pieces of one long word is fine */
					r = y > 0 ? (lw - L) / y
					    : L > lw * 0.85 ? tolerance
					                    : INFINITY;
				} else if (L > lw) {
					double z = Z - a->tz;
					r = z > 0 ? (lw - L) / z : -INFINITY;
				} else {
					r = 0;
				}
				bool forced = x->type == KP_PENALTY &&
				              x->penalty <= -KP_INF;
				bool keep = !(r < -1 || forced);
				if (keep) {
					PDF_GROW(next_active, nn, capactive);
					next_active[nn++] = active[ai];
				}
				if (r >= -1 && r <= tolerance) {
					double bad = 100 * pow(fabs(r), 3);
					double p = x->type == KP_PENALTY
					                   ? x->penalty
					                   : 0;
					double d;
					if (p >= 0)
						d = (1 + bad + p) * (1 + bad + p);
					else if (p > -KP_INF)
						d = (1 + bad) * (1 + bad) - p * p;
					else
						d = (1 + bad) * (1 + bad);
					if (x->type == KP_PENALTY && x->flagged &&
					    a->pos > 0 &&
					    it[a->pos].type == KP_PENALTY &&
					    it[a->pos].flagged)
						d += 3000;
					int fit = r < -0.5 ? 0
					          : r <= 0.5 ? 1
					          : r <= 1 ? 2
					                   : 3;
					if (abs(fit - a->fit) > 1)
						d += 3000;
					d += a->dem;
					if (d < best[fit]) {
						best[fit] = d;
						bestfrom[fit] = active[ai];
					}
				}
				/* capactive may have grown: keep both sized */
				if (nn >= capactive - 1) {
					capactive *= 2;
					next_active = mc_xrealloc(
						next_active,
						capactive * sizeof *next_active);
				}
			}
			active = mc_xrealloc(active,
			                     capactive * sizeof *active);
			memcpy(active, next_active, nn * sizeof *active);
			nactive = nn;
			/* sums after the break: skip glue up to the next box */
			double tw = W, ty = Y, tz = Z;
			for (size_t i = b; i < n; i++) {
				if (it[i].type == KP_BOX)
					break;
				if (it[i].type == KP_GLUE) {
					tw += it[i].w;
					ty += it[i].stretch;
					tz += it[i].shrink;
				} else if (it[i].penalty <= -KP_INF && i > b) {
					break;
				}
			}
			for (int f = 0; f < 4; f++) {
				if (bestfrom[f] < 0)
					continue;
				PDF_GROW(nodes, nnodes, capnodes);
				kp_node *from = &nodes[bestfrom[f]];
				nodes[nnodes] = (kp_node){b, from->line + 1, f,
				                          tw, ty, tz, best[f],
				                          bestfrom[f]};
				if (nactive + 1 >= capactive) {
					capactive *= 2;
					active = mc_xrealloc(
						active, capactive * sizeof *active);
					next_active = mc_xrealloc(
						next_active,
						capactive * sizeof *next_active);
				}
				active[nactive++] = (long)nnodes;
				nnodes++;
			}
			if (nactive == 0)
				goto out; /* nothing feasible */
		}
		if (x->type == KP_BOX) {
			W += x->w;
		} else if (x->type == KP_GLUE) {
			W += x->w;
			Y += x->stretch;
			Z += x->shrink;
		}
	}
	/* the best active node that ends at the last item */
	long best = -1;
	for (size_t ai = 0; ai < nactive; ai++) {
		kp_node *a = &nodes[active[ai]];
		if (a->pos == n - 1 && (best < 0 || a->dem < nodes[best].dem))
			best = active[ai];
	}
	if (best < 0)
		goto out;
	int nl = nodes[best].line;
	for (long k = best; k > 0; k = nodes[k].prev)
		brk[--nl] = nodes[k].pos;
	result = nodes[best].line;
out:
	free(nodes);
	free(active);
	free(next_active);
	return result;
}

/* First fit: used when no breaking is feasible within the tolerance. */
static int greedy_break(const kp_item *it, size_t n, double width,
                        double first, size_t *brk)
{
	int nb = 0;
	double L = 0;
	size_t last_legal = (size_t)-1;
	size_t start = 0;
	int line = 0;
	for (size_t i = 0; i < n; i++) {
		const kp_item *x = &it[i];
		bool legal = (x->type == KP_PENALTY && x->penalty < KP_INF) ||
		             (x->type == KP_GLUE && i > 0 &&
		              it[i - 1].type == KP_BOX);
		double lw = line_width(width, first, line);
		if (legal) {
			double extra = x->type == KP_PENALTY ? x->w : 0;
			if (L + extra > lw && last_legal != (size_t)-1 &&
			    last_legal >= start) {
				brk[nb++] = last_legal;
				line++;
				/* restart after last_legal */
				i = last_legal;
				L = 0;
				last_legal = (size_t)-1;
				while (i + 1 < n && it[i + 1].type != KP_BOX &&
				       !(it[i + 1].type == KP_PENALTY &&
				         it[i + 1].penalty <= -KP_INF))
					i++;
				start = i + 1;
				continue;
			}
			last_legal = i;
			if (x->type == KP_PENALTY && x->penalty <= -KP_INF) {
				brk[nb++] = i;
				line++;
				L = 0;
				last_legal = (size_t)-1;
				while (i + 1 < n && it[i + 1].type != KP_BOX &&
				       !(it[i + 1].type == KP_PENALTY &&
				         it[i + 1].penalty <= -KP_INF))
					i++;
				start = i + 1;
				continue;
			}
		}
		if (x->type != KP_PENALTY)
			L += x->w;
	}
	if (nb == 0 || brk[nb - 1] != n - 1)
		brk[nb++] = n - 1;
	return nb;
}

/* ---- from text to items ---- */

enum { IT_TEXT, IT_GAP, IT_SPACE, IT_HYPHEN, IT_OTHER, IT_IMAGE };

typedef struct pitem {
	uint8_t what;
	uint8_t level;  /* bidi embedding level */
	int face;
	const seg *s;   /* style */
	uint32_t off, len; /* widths are in the kp_item */
} pitem;

typedef struct items {
	kp_item *k;
	pitem *p;
	size_t n, cap;
} items;

static void push(items *I, kp_item k, pitem p)
{
	if (I->n >= I->cap) {
		I->cap = I->cap ? I->cap * 2 : 128;
		I->k = mc_xrealloc(I->k, I->cap * sizeof *I->k);
		I->p = mc_xrealloc(I->p, I->cap * sizeof *I->p);
	}
	I->k[I->n] = k;
	I->p[I->n] = p;
	I->n++;
}

static double eff_size(const pdf_style *st)
{
	return st->rise ? st->size * 0.7 : st->size;
}

/* One character of a word. */
typedef struct wch {
	uint32_t off, len;
	uint32_t cp;
	const seg *s;
	int face;
	double w;
	uint8_t brk; /* break allowed after: 0 no, 1 unibreak, 2 hyphen,
	                3 URL punctuation, 4 emergency */
	bool joined;  /* the next character is in the same cluster: never
	                 a break after this one */
	uint8_t level;
} wch;

/* The patterns a language asked for before in this document. */
struct pdf_hyph_memo {
	const char *lang;
	const pdf_hyph *h; /* NULL: no hyphenation */
};

/* The text's language: the paragraph's, else the document's. */
static const char *para_lang(const pdf_ctx *c, const pdf_para_opts *o)
{
	if (o->lang && *o->lang)
		return o->lang;
	if (c->doc && c->doc->meta.lang && *c->doc->meta.lang)
		return c->doc->meta.lang;
	return "en";
}

/* The patterns of a language, asked of the cache the first time a
 * paragraph in it needs them (loading takes longer than setting a short
 * page: most paragraphs set well without hyphenation, as in TeX's first
 * pass); NULL when the language has none: its text is not hyphenated,
 * never with another language's patterns.  A missing or unusable file
 * is reported once per document. */
static const pdf_hyph *hyph_dict(pdf_ctx *c, const char *lang)
{
	for (size_t i = 0; i < c->nhyph; i++)
		if (!strcmp(c->hyph[i].lang, lang))
			return c->hyph[i].h;
	pdf_hyph_ref r;
	int rc = pdf_fonts_hyph(c, lang, &r);
	if (rc != 0 && r.path)
		mc_warn(c->diag, 0, 0,
		        "hyphenation patterns %s cannot be used (%s); words "
		        "will not be hyphenated",
		        r.path, r.why ? r.why : "not loaded");
	else if (rc != 0 && r.package)
		mc_warn(c->diag, 0, 0,
		        "no hyphenation patterns for language %s (package %s); "
		        "words will not be hyphenated",
		        lang, r.package);
	PDF_GROW(c->hyph, c->nhyph, c->caphyph);
	c->hyph[c->nhyph].lang = mc_arena_strndup(c->arena, lang, strlen(lang));
	c->hyph[c->nhyph].h = rc == 0 ? r.h : NULL;
	return c->hyph[c->nhyph++].h;
}

/* Mark the hyphenation points of the words in w: runs of the letters
 * the patterns have, looked up in lower case; at least 2 characters
 * before a point and 3 after it, and none next to a style change. */
static void hyphenate(const pdf_hyph *hy, wch *w, size_t n)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && !pdf_hyph_letter(hy, w[i].cp))
			i++;
		size_t j = i;
		while (j < n && pdf_hyph_letter(hy, w[j].cp))
			j++;
		size_t len = j - i;
		if (len >= 6 && len < 64) {
			/* the word in lower case, and where each of its
			 * characters ends in it */
			char word[64 * 4 + 1], hp[64 * 4 + 2];
			size_t ends[64], nb = 0;
			for (size_t k = 0; k < len; k++) {
				nb += mc_utf8_put(pdf_hyph_lower(w[i + k].cp),
				                        word + nb);
				ends[k] = nb;
			}
			word[nb] = '\0';
			if (pdf_hyph_word(hy, word, nb, hp) == 0) {
				for (size_t k = 1; k + 3 < len; k++)
					if ((hp[ends[k] - 1] & 1) &&
					    w[i + k].s == w[i].s &&
					    w[i + k + 1].s == w[i].s)
						w[i + k].brk = 2;
			}
		}
		i = j;
	}
}

/* Emit the boxes and penalties of one word. */
static void emit_word(pdf_ctx *c, items *I, wch *w, size_t n, double width,
                      const pdf_hyph *hy)
{
	if (n == 0)
		return;
	double total = 0;
	for (size_t i = 0; i < n; i++)
		total += w[i].w;
	if (hy && !w[0].s->st.box) /* (a form control's text is whole) */
		hyphenate(hy, w, n);
	if (total > width * 0.5) {
		/* a long word, most likely a URL: allow breaks after its
		 * punctuation, and after any character when still too long */
		for (size_t i = 0; i + 1 < n; i++) {
			uint32_t ch = w[i].cp;
			if (ch == '/' || ch == '.' || ch == '-' || ch == '_' ||
			    ch == '?' || ch == '&' || ch == '=' || ch == '#' ||
			    ch == ',' || ch == ';' || ch == ':')
				w[i].brk = w[i].brk ? w[i].brk : 3;
		}
		if (total > width * 0.9)
			for (size_t i = 0; i + 1 < n; i++)
				if (!w[i].brk)
					w[i].brk = 4;
	}
	for (size_t i = 0; i < n; i++)
		if (w[i].joined)
			w[i].brk = 0;

	size_t i = 0;
	while (i < n) {
		size_t j = i;
		double bw = 0;
		while (j < n) {
			bw += w[j].w;
			j++;
			if (w[j - 1].brk || j == n || w[j].s != w[i].s ||
			    w[j].face != w[i].face ||
			    w[j].level != w[i].level ||
			    w[j].off != w[j - 1].off + w[j - 1].len)
				break;
		}
		uint32_t end = w[j - 1].off + w[j - 1].len;
		pitem p = {IT_TEXT, w[i].level, w[i].face, w[i].s, w[i].off,
		           end - w[i].off};
		push(I, (kp_item){KP_BOX, false, bw, 0, 0, 0}, p);
		if (j < n && w[j - 1].brk) {
			uint8_t b = w[j - 1].brk;
			const seg *s = w[j - 1].s;
			/* a line that ends here ends with the character's
			 * own advance, not the one kerned against the next
			 * character (the penalty's width adds the change) */
			double dk = w[j - 1].w > 0
			                    ? pdf_glyph_width(c, w[j - 1].face,
			                                      w[j - 1].cp) *
			                                      eff_size(&s->st) -
			                              w[j - 1].w
			                    : 0;
			if (b == 2) {
				double hw = pdf_glyph_width(c, w[j - 1].face,
				                            '-') *
				                    eff_size(&s->st) +
				            dk;
				pitem hp = {IT_HYPHEN, w[j - 1].level,
				            w[j - 1].face, s, w[j - 1].off, 0};
				push(I, (kp_item){KP_PENALTY, true, hw, 0, 0,
				                  50},
				     hp);
			} else {
				double pen = b == 1 ? 10 : b == 3 ? 40 : 900;
				pitem op = {IT_OTHER, w[j - 1].level, 0, s, 0,
				            0};
				push(I, (kp_item){KP_PENALTY, false, dk, 0, 0,
				                  pen},
				     op);
			}
		}
		i = j;
	}
}

/* The items of the text in [from, to) (character boundaries), ended as a
 * paragraph is; brks holds libunibreak's breaks for the whole text. */
static void build_items(pdf_para *P, const pdf_para_opts *o, const char *brks,
                        size_t from, size_t to, items *I, bool hyph,
                        const pdf_shaped *sh)
{
	pdf_ctx *c = P->c;
	size_t tl = P->text.len;
	wch *word = NULL;
	size_t nw = 0, capw = 0;
	double width = o->width;
	const pdf_hyph *hy = hyph ? hyph_dict(c, para_lang(c, o)) : NULL;

	for (size_t si = 0; si < P->nsegs; si++) {
		const seg *s = &P->segs[si];
		if (s->off >= to)
			break;
		if (s->off + s->len <= from)
			continue;
		double size = eff_size(&s->st);
		if (s->kind != SEG_TEXT) {
			emit_word(c, I, word, nw, width, hy);
			nw = 0;
			if (s->kind == SEG_GAP || s->kind == SEG_IMAGE) {
				pitem p = {s->kind == SEG_GAP ? IT_GAP
				                              : IT_IMAGE,
				           s->off >= from ? sh->level[s->off - from]
				                          : 0,
				           s->st.face, s, s->off, 0};
				push(I, (kp_item){KP_BOX, false, s->gapw, 0, 0,
				                  0},
				     p);
			} else {
				pitem z = {IT_OTHER, 0, 0, s, 0, 0};
				push(I, (kp_item){KP_GLUE, false, 0, 1e6, 0, 0},
				     z);
				push(I, (kp_item){KP_PENALTY, false, 0, 0, 0,
				                  -KP_INF},
				     z);
			}
			continue;
		}
		size_t i = s->off > from ? s->off : from;
		size_t end = s->off + s->len < to ? s->off + s->len : to;
		while (i < end) {
			uint32_t cp;
			size_t l = pdf_utf8_next(P->text.data + i, end - i, &cp);
			if (cp == ' ') {
				emit_word(c, I, word, nw, width, hy);
				nw = 0;
				/* one glue per run of spaces */
				if (!(I->n && I->k[I->n - 1].type == KP_GLUE)) {
					int f = sh->face[i - from];
					if (f < 0)
						f = s->st.face;
					/* the shaper's advance of the space */
					double sw = sh->adv[i - from] * size;
					if (sw <= 0)
						sw = pdf_glyph_width(c, f, ' ') * size;
					bool mono = (s->st.face & ~3) == PF_MONO;
					/* (a form control's text keeps its
					 * spaces when the line is justified) */
					double st = s->st.box ? 0
					            : mono ? sw * 0.2 : sw * 0.6;
					double sh_ = s->st.box || mono ? 0
					             : sw * 0.33;
					pitem p = {IT_SPACE, sh->level[i - from], f,
					           s, (uint32_t)i, 1};
					push(I,
					     (kp_item){KP_GLUE, false, sw, st, sh_,
					               0},
					     p);
				}
				i += l;
				continue;
			}
			PDF_GROW(word, nw, capw);
			int f = sh->face[i - from];
			if (f < 0)
				f = s->st.face;
			/* inside a cluster (a ligature, a conjunct, a base
			 * and its marks): no break before it */
			if (nw > 0 && !sh->cstart[i - from] &&
			    word[nw - 1].off + word[nw - 1].len == i)
				word[nw - 1].joined = true;
			wch *w = &word[nw++];
			w->off = (uint32_t)i;
			w->len = (uint32_t)l;
			w->cp = cp;
			w->s = s;
			w->face = f;
			w->joined = false;
			w->level = sh->level[i - from];
			/* the shaper's width: the cluster's glyphs go with
			 * its first character */
			w->w = sh->adv[i - from] * size;
			size_t last = i + l - 1;
			w->brk = 0;
			if (brks[last] == LINEBREAK_ALLOWBREAK && last + 1 < tl &&
			    P->text.data[last + 1] != ' ' &&
			    P->text.data[last + 1] != '\n')
				w->brk = 1;
			i += l;
		}
	}
	emit_word(c, I, word, nw, width, hy);
	free(word);
	/* remove trailing glue, then end the paragraph */
	while (I->n && I->k[I->n - 1].type == KP_GLUE)
		I->n--;
	pitem z = {IT_OTHER, 0, 0, P->nsegs ? &P->segs[0] : NULL, 0, 0};
	push(I, (kp_item){KP_PENALTY, false, 0, 0, 0, KP_INF}, z);
	push(I, (kp_item){KP_GLUE, false, 0, 1e6, 0, 0}, z);
	push(I, (kp_item){KP_PENALTY, false, 0, 0, 0, -KP_INF}, z);
}

/* ---- lines into slices ---- */

typedef struct frag {
	double x, w;
	const pitem *p;
} frag;

/* A piece of a line's glyph run: the glyphs of a word (or part), or a
 * space, at x. */
/* The space glyph of face f: false if it has none. */
static bool space_glyph(pdf_ctx *c, int f, uint16_t *gid)
{
	unsigned upem;
	hb_font_t *font = pdf_font_hb(c, f, &upem);
	hb_codepoint_t g;
	if (!font || !hb_font_get_nominal_glyph(font, ' ', &g) || g > 0xFFFF)
		return false;
	*gid = (uint16_t)g;
	return true;
}

typedef struct piece {
	double x;
	const pdf_glyph *g; /* NULL: a space */
	uint32_t n;
	double w;           /* a space: its width */
	uint32_t at;        /* a space: its byte in the text */
} piece;

static int cmp_piece(const void *a, const void *b)
{
	double x = ((const piece *)a)->x, y = ((const piece *)b)->x;
	return x < y ? -1 : x > y;
}

/* The words of fragment i and those after it of the same style, face
 * and direction, with the single spaces between them, as one OP_TEXT:
 * the spaces are real space glyphs (so the text reads with its spaces,
 * for copying and for screen readers), as wide as justification made
 * them.  *j: the fragment after the last one taken; *left: the op's x.
 * Returns its width. */
/* Whether glyphs g[0, n) of text t (len bytes) can be kept packed: one
 * glyph per character, in order, each drawing just that character, none
 * moved (pdf_op_glyphs gives them back as they are). */
static bool packable(const pdf_glyph *g, size_t n, const char *t, size_t len)
{
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		if (off >= len || g[i].dx || g[i].dy || g[i].cl != off)
			return false;
		uint32_t cp;
		size_t k = pdf_utf8_next(t + off, len - off, &cp);
		if (g[i].ncl != k)
			return false;
		off += k;
	}
	return off == len && len < 0xFFFF;
}

static double text_op(pdf_ctx *c, pdf_para *P, const pdf_para_opts *o,
                      const frag *fr, size_t nf, size_t i, size_t *j,
                      const pdf_shaped *sh, size_t from, double size,
                      double y, double *left)
{
	const pitem *p = fr[i].p;
	const pdf_style *st = &p->s->st;
	uint16_t space = 0;
	bool has_space = space_glyph(c, p->face, &space);
	uint32_t lo = p->off, hi = p->off + p->len;
	double trailing = 0; /* the width of a space ending the piece */
	size_t k = i + 1;
	while (k < nf) {
		const pitem *q = fr[k].p;
		if (q->what == IT_TEXT && q->s == p->s && q->face == p->face &&
		    q->level == p->level && q->off == hi) {
			hi = q->off + q->len;
			k++;
			continue;
		}
		if (has_space && q->what == IT_SPACE && q->off == hi &&
		    fr[k].w > 0) {
			/* the spaces up to the next word (a run of them is
			 * one space glyph) */
			uint32_t e = q->off;
			while (e < P->text.len && P->text.data[e] == ' ')
				e++;
			const pitem *r = k + 1 < nf ? fr[k + 1].p : NULL;
			if (r && q->s == p->s && r->what == IT_TEXT &&
			    r->s == p->s && r->face == p->face &&
			    r->level == p->level && r->off == e) {
				hi = r->off + r->len;
				k += 2;
				continue;
			}
			/* a word of another style follows: the space ends
			 * this piece (drawn, it is blank either way) */
			hi = e;
			trailing = fr[k].w;
			k++;
		}
		break;
	}
	*j = k;
	/* the pieces, each from the runs its text spans */
	/* at most a piece a space, and a piece a run each word spans */
	size_t cap = 2 * (k - i) + sh->nruns + 1;
	piece *pc = mc_xmalloc(cap * sizeof *pc);
	size_t np = 0, ng = 0;
	uint32_t origin = lo - (uint32_t)from;
	for (size_t f = i; f < k; f++) {
		const pitem *q = fr[f].p;
		if (q->what == IT_SPACE) {
			/* (g NULL: spaces, as wide as the fragment) */
			uint32_t e = q->off;
			while (e < hi && P->text.data[e] == ' ')
				e++;
			pc[np++] = (piece){fr[f].x, NULL, e - q->off, fr[f].w,
			                   q->off};
			ng++;
			continue;
		}
		uint32_t a = q->off - (uint32_t)from, b = a + q->len;
		/* the first run that ends after a (runs are in text order) */
		size_t bl = 0, bh = sh->nruns;
		while (bl < bh) {
			size_t mid = bl + (bh - bl) / 2;
			if (sh->runs[mid].off + sh->runs[mid].len <= a)
				bl = mid + 1;
			else
				bh = mid;
		}
		/* the word's runs (a script change inside it makes more
		 * than one), placed from its left: right to left, the last
		 * is leftmost */
		size_t r1 = bl;
		while (r1 < sh->nruns && sh->runs[r1].off < b)
			r1++;
		size_t w0 = np;
		for (size_t r = bl; r < r1; r++) {
			const pdf_run *run = &sh->runs[r];
			uint32_t ra = a > run->off ? a : run->off;
			uint32_t rb = b < run->off + run->len ? b
			                                      : run->off + run->len;
			uint32_t n;
			const pdf_glyph *g = pdf_run_range(run, ra, rb, &n);
			pc[np++] = (piece){0, g, n, 0, 0};
			ng += n;
		}
		double xs = fr[f].x;
		for (size_t t = 0; t < np - w0; t++) {
			piece *q2 = &pc[p->level & 1 ? np - 1 - t : w0 + t];
			q2->x = xs;
			for (uint32_t u = 0; u < q2->n; u++)
				xs += q2->g[u].adv / 1000.0 * size;
		}
	}
	qsort(pc, np, sizeof *pc, cmp_piece);
	/* one array, with room for a line-ending space (end_space): made
	 * here, kept packed if it can be (pdf_gpack) */
	pdf_glyph *all = mc_xmalloc((ng + 1) * sizeof *all);
	size_t m = 0;
	double x0 = np ? pc[0].x : fr[i].x, wsum = 0;
	for (size_t t = 0; t < np; t++) {
		if (!pc[t].g) {
			pdf_glyph *g = &all[m++];
			double adv = pc[t].w / size * 1000;
			*g = (pdf_glyph){space, (uint16_t)(pc[t].at - lo),
			                 (uint16_t)pc[t].n,
			                 (int16_t)(adv > 32767 ? 32767
			                                       : lround(adv)),
			                 0, 0};
			wsum += g->adv / 1000.0 * size;
			continue;
		}
		for (uint32_t u = 0; u < pc[t].n; u++) {
			pdf_glyph *g = &all[m++];
			*g = pc[t].g[u];
			g->cl = (uint16_t)(pc[t].g[u].cl - origin);
			if (g->ncl > hi - lo - g->cl)
				g->ncl = (uint16_t)(hi - lo - g->cl);
			wsum += g->adv / 1000.0 * size;
		}
	}
	free(pc);
	*left = x0;
	if (!m) {
		free(all);
		return 0;
	}
	pdf_op *op = pdf_op_add(c, OP_TEXT);
	op->font = (int16_t)p->face;
	op->size = (float)(st->rise ? st->size * 0.7 : st->size);
	op->x = x0;
	op->y = y;
	op->color = st->color;
	op->layer = 2;
	/* (room for a line-ending space, see end_space) */
	char *t = pdf_text_alloc(c, hi - lo + 2);
	memcpy(t, P->text.data + lo, hi - lo);
	t[hi - lo] = '\0';
	op->text = t;
	op->len = hi - lo;
	op->aux = (uint32_t)m;
	if (packable(all, m, t, hi - lo)) {
		pdf_gpack *pk = pdf_text_alloc(c, (m + 1) * sizeof *pk);
		for (size_t u = 0; u < m; u++)
			pk[u] = (pdf_gpack){all[u].gid, all[u].adv};
		op->gpack = pk;
		op->packed = true;
	} else {
		pdf_glyph *g = pdf_text_alloc(c, (m + 1) * sizeof *g);
		memcpy(g, all, m * sizeof *g);
		op->glyphs = g;
	}
	free(all);
	/* text in another language than the document's is marked as such
	 * in the page (/Span /Lang); link text is its Link element's */
	op->ref = pdf_lang_id(c, st->lang ? st->lang : para_lang(c, o));
	op->se = st->link >= 0 ? pdf_tag_link(c, st->link) : c->se_cur;
	/* (an underline stops before a trailing space) */
	return wsum - trailing;
}

/* The line ended at a space: its last word in text order (op q, made
 * by text_op with room for one more glyph and byte) carries it, as a
 * space glyph of no width, so the text of consecutive lines does not
 * run together for whoever reads it out. */
static void end_space(pdf_ctx *c, size_t q)
{
	pdf_op *o = pdf_op_at(c, q);
	uint16_t space;
	if (!space_glyph(c, o->font, &space) || o->len >= 0xFFFF)
		return;
	if (o->packed) { /* (left to right: in order) */
		((pdf_gpack *)o->gpack)[o->aux] = (pdf_gpack){space, 0};
		char *t = (char *)o->text;
		t[o->len] = ' ';
		t[o->len + 1] = '\0';
		o->len++;
		o->aux++;
		return;
	}
	pdf_glyph *g = (pdf_glyph *)o->glyphs; /* text_op's, in the arena */
	pdf_glyph sp = {space, (uint16_t)o->len, 1, 0, 0, 0};
	/* right to left, the end of the text is at the left */
	bool rtl = o->aux > 1 && g[0].cl > g[o->aux - 1].cl;
	if (rtl) {
		memmove(g + 1, g, o->aux * sizeof *g);
		g[0] = sp;
	} else {
		g[o->aux] = sp;
	}
	char *t = (char *)o->text;
	t[o->len] = ' ';
	t[o->len + 1] = '\0';
	o->len++;
	o->aux++;
}

/* A list item's marker, at baseline base of the slice being built. */
void pdf_para_marker(pdf_ctx *c, const pdf_para_opts *o, double base)
{
	if (!o->marker && !o->marker_box)
		return;
	const pdf_style *ms = &o->marker_style;
	/* the marker is its list item's label (Lbl) */
	int se_save = c->se_cur;
	if (o->marker_se > 0)
		c->se_cur = o->marker_se;
	else if (o->marker_se < 0)
		c->se_cur = 0; /* an artifact (a bullet) */
	if (o->marker_box) {
		double s = ms->size * 0.75;
		pdf_op *b = pdf_op_add(c, OP_STROKE);
		b->x = o->marker_x;
		b->y = base - s;
		b->w = s;
		b->h = s;
		b->lw = 0.8f;
		b->color = ms->color;
		b->layer = 1;
		/* the box is a form field of its own (Form) */
		int form = pdf_tag_open(c, "Form");
		pdf_op *fo = pdf_op_add(c, OP_CHECKBOX);
		pdf_tag_close(c, form);
		fo->x = o->marker_x;
		fo->y = base - s;
		fo->w = s;
		fo->h = s;
		fo->ref = ++c->ntasks;
		fo->text = o->marker_tu;
		fo->aux = (o->marker_checked ? 1u : 0u) | 2u;
		/* with form fields the tick is the field's own
		 * appearance (so it can be cleared on screen) */
		if (o->marker_checked && !c->fields)
			pdf_text_op(c, PF_BODY, (float)(s * 1.1),
			            ms->color, o->marker_x + s * 0.08,
			            base - s * 0.1, 2, "\xE2\x9C\x93", 3);
	} else {
		pdf_text_op(c, ms->face, ms->size, ms->color,
		            o->marker_x, base, 2, o->marker,
		            strlen(o->marker));
	}
	c->se_cur = se_save;
}

static void emit_line(pdf_ctx *c, pdf_para *P, const pdf_para_opts *o,
                      frag *fr, size_t nf, bool first, const pdf_shaped *sh,
                      size_t from, bool space_after)
{
	double maxsize = 0;
	for (size_t i = 0; i < nf; i++)
		if (fr[i].p->s && fr[i].p->s->st.size > maxsize)
			maxsize = fr[i].p->s->st.size;
	if (maxsize <= 0)
		maxsize = o->marker_style.size > 0 ? o->marker_style.size
		                                   : c->th->sizes.body;
	double H = maxsize * o->leading;
	double base = (H - maxsize) / 2 + 0.8 * maxsize;
	size_t op0 = pdf_slice_begin(c);

	if (first)
		pdf_para_marker(c, o, base);

	/* the line in visual order (UAX #9 L1, L2): spaces at its end at
	 * the paragraph's level, then runs of higher levels reversed; the
	 * fragments keep their widths and are placed again from its left */
	if (nf > 0) {
		uint8_t base_level = sh->rtl ? 1 : 0;
		uint8_t *lv = mc_xmalloc(nf);
		bool mixed = base_level != 0;
		for (size_t k = 0; k < nf; k++) {
			lv[k] = fr[k].p->level;
			if (lv[k])
				mixed = true;
		}
		for (size_t k = nf; k-- > 0;) {
			if (fr[k].p->what != IT_SPACE && fr[k].p->what != IT_OTHER)
				break;
			lv[k] = base_level;
		}
		if (mixed) {
			/* the fragments stay in text order (so are the ops,
			 * the order the text is read in), placed from the
			 * left in visual order */
			size_t *ord = mc_xmalloc(nf * sizeof *ord);
			pdf_bidi_order(lv, nf, ord);
			double x = fr[0].x;
			for (size_t k = 0; k < nf; k++) {
				fr[ord[k]].x = x;
				x += fr[ord[k]].w;
			}
			free(ord);
		}
		free(lv);
	}

	/* text: neighbouring fragments of one style, face and level that
	 * are neighbours in the text too make one glyph run */
	size_t last_text = (size_t)-1; /* the last made by text_op */
	size_t i = 0;
	while (i < nf) {
		const pitem *p = fr[i].p;
		if (p->what == IT_SPACE || p->what == IT_OTHER) {
			i++;
			continue;
		}
		const pdf_style *st = &p->s->st;
		double size = eff_size(st);
		double dy = st->rise > 0 ? -0.33 * st->size
		            : st->rise < 0 ? 0.15 * st->size
		                           : 0;
		if (p->what == IT_IMAGE) {
			pdf_inimg_op(c, &p->s->img, st, fr[i].x, base,
			             p->s->img.dw, p->s->img.dh);
			i++;
			continue;
		}
		if (p->what == IT_GAP) {
			if (st->underline) {
				pdf_op *l = pdf_op_add(c, OP_LINE);
				l->x = fr[i].x;
				l->y = base + 1.5;
				l->w = fr[i].w;
				l->lw = 0.6f;
				l->color = st->color;
				l->layer = 1;
			}
			if (p->s->field_role < 0 && c->fields) {
				/* the learner's Name or Date: a field of its own
				 * (fields.c names it "name" or "date") */
				int form = pdf_tag_open(c, "Form");
				pdf_op *f = pdf_op_add(c, OP_FIELD);
				pdf_tag_close(c, form);
				f->x = fr[i].x;
				f->y = base - size;
				f->w = fr[i].w;
				f->h = size * 1.25;
				f->ref = p->s->field_role;
				f->aux = 1;
				f->text = p->s->field_label;
				pdf_op_set_group(c, f, p->s->field_group);
			}
			i++;
			continue;
		}
		double w;
		size_t j = i + 1;
		double left = fr[i].x; /* of the merged fragments */
		if (p->what == IT_HYPHEN) {
			w = pdf_text_op(c, p->face, (float)size, st->color,
			                fr[i].x, base + dy, 2, "-", 1);
		} else {
			size_t before = c->nops;
			w = text_op(c, P, o, fr, nf, i, &j, sh, from, size,
			            base + dy, &left);
			if (c->nops > before)
				last_text = c->nops - 1;
		}
		if (st->strike) {
			pdf_op *l = pdf_op_add(c, OP_LINE);
			l->x = left;
			l->y = base + dy - size * 0.3;
			l->w = w;
			l->lw = (float)(size * 0.06);
			l->color = st->color;
			l->layer = 2;
		}
		if (st->underline) {
			pdf_op *l = pdf_op_add(c, OP_LINE);
			l->x = left;
			l->y = base + 1.5;
			l->w = w;
			l->lw = 0.6f;
			l->color = st->color;
			l->layer = 2;
		}
		i = j;
	}

	if (space_after && last_text != (size_t)-1)
		end_space(c, last_text);

	/* link rectangles, one per run of the same link */
	i = 0;
	while (i < nf) {
		const pitem *p = fr[i].p;
		int link = p->s && p->what != IT_OTHER ? p->s->st.link : -1;
		if (link < 0 || p->what == IT_SPACE) {
			i++;
			continue;
		}
		size_t j = i, endj = i;
		double lx = fr[i].x, rx = fr[i].x + fr[i].w;
		double top = base - maxsize * 0.85; /* a picture may be taller */
		while (j < nf) {
			const pitem *q = fr[j].p;
			int ql = q->s && q->what != IT_OTHER ? q->s->st.link : -1;
			if (ql != link && q->what != IT_SPACE &&
			    q->what != IT_OTHER)
				break;
			if (ql == link && q->what != IT_SPACE) {
				endj = j;
				if (fr[j].x < lx)
					lx = fr[j].x;
				if (fr[j].x + fr[j].w > rx)
					rx = fr[j].x + fr[j].w;
				double t = q->what == IT_IMAGE
				                   ? pdf_inimg_y(c, &q->s->st, base,
				                                 q->s->img.dh)
				                   : top;
				if (t < top)
					top = t;
			}
			j++;
		}
		/* (in text order: right to left, the rectangle spans from
		 * the leftmost fragment to the rightmost) */
		pdf_tag_link(c, link); /* its annotation's element */
		pdf_op *l = pdf_op_add(c, OP_LINK);
		l->x = lx;
		l->y = top;
		l->w = rx - lx;
		l->h = maxsize * 1.1 + (base - maxsize * 0.85 - top);
		l->ref = link;
		i = endj + 1;
	}

	/* frames of framed text (form controls), one per run of the same
	 * box on the line: furniture, drawn under the text */
	i = 0;
	while (i < nf) {
		const pitem *p = fr[i].p;
		int box = p->s && p->what != IT_OTHER ? p->s->st.box : 0;
		if (box <= 0) {
			i++;
			continue;
		}
		double size = p->s->st.size;
		double lx = fr[i].x, rx = fr[i].x + fr[i].w;
		size_t j = i + 1;
		while (j < nf) {
			const pitem *q = fr[j].p;
			int qb = q->s && q->what != IT_OTHER ? q->s->st.box : 0;
			if (qb != box)
				break;
			if (fr[j].x < lx)
				lx = fr[j].x;
			if (fr[j].x + fr[j].w > rx)
				rx = fr[j].x + fr[j].w;
			j++;
		}
		int se_save = c->se_cur;
		c->se_cur = 0; /* an artifact */
		pdf_op *b = pdf_op_add(c, OP_STROKE);
		c->se_cur = se_save;
		b->x = lx;
		b->y = base - size * 0.82;
		b->w = rx - lx;
		b->h = size * 1.08;
		b->lw = 0.6f;
		b->color = c->th->colors.rule;
		b->layer = 1;
		i = j;
	}

	pdf_slice *s = pdf_slice_end(c, op0, H);
	s->keep_next = o->keep_lines; /* see pdf_para_layout */
}

/* A paragraph longer than PARA_WINDOW bytes of text (a whole page on one
 * line, say) is set a window at a time, so its memory is bounded and its
 * time linear: each window is broken as a paragraph, its lines but the
 * last few (PARA_REDO) are kept, and the next window starts at the first
 * of those that begins a word.  Shorter paragraphs are one window, set as
 * a whole. */
#define PARA_WINDOW PDF_SHAPE_MAX
#define PARA_REDO 4

/* The lines set so far, and the slices of the first and last two. */
typedef struct para_lines {
	int n;
	size_t first, prev, last;
} para_lines;

/* Where the window that starts at from ends: the whole text if it is
 * short enough, else just after a space in the second half of the window,
 * else (no space: one enormous word) at a character boundary. */
static size_t window_end(const pdf_para *P, size_t from)
{
	size_t tl = P->text.len;
	if (tl - from <= PARA_WINDOW)
		return tl;
	const char *t = P->text.data;
	size_t e = from + PARA_WINDOW;
	for (size_t k = e; k > from + PARA_WINDOW / 2; k--)
		if (t[k - 1] == ' ')
			return k;
	while (e > from + 1 && ((unsigned char)t[e] & 0xC0) == 0x80)
		e--;
	return e;
}

/* Shape the window [from, to) of the paragraph's text: its segments are
 * the spans (gaps and line ends are not text). */
static void shape_window(pdf_para *P, const pdf_para_opts *o, size_t from,
                         size_t to, pdf_shaped *sh)
{
	pdf_span *sp = mc_xmalloc((P->nsegs ? P->nsegs : 1) * sizeof *sp);
	size_t n = 0;
	for (size_t i = 0; i < P->nsegs; i++) {
		const seg *s = &P->segs[i];
		size_t a = s->off > from ? s->off : from;
		size_t b = s->off + s->len < to ? s->off + s->len : to;
		if (a >= b)
			continue;
		sp[n].off = (uint32_t)(a - from);
		sp[n].len = (uint32_t)(b - a);
		sp[n].face = s->kind == SEG_TEXT ? s->st.face : -1;
		sp[n].lang = s->st.lang;
		n++;
	}
	if (pdf_shape(P->c, P->text.data + from, to - from, sp, n,
	              para_lang(P->c, o), o->dir, sh))
		mc_warn(P->c->diag, 0, 0, "text could not be shaped");
	free(sp);
}

/* Set the window [from, to) of the text; returns where the next starts
 * (the end of the text after the last window). */
static size_t layout_window(pdf_para *P, const pdf_para_opts *o,
                            const char *brks, size_t from, size_t to,
                            para_lines *pl)
{
	pdf_ctx *c = P->c;
	items I = {0};
	bool justify = o->align == PA_JUSTIFY;
	bool firstwin = from == 0, final = to >= P->text.len;
	double first = firstwin ? o->first_indent : 0;
	/* the window shaped: faces, levels and widths come from it */
	pdf_shaped sh;
	shape_window(P, o, from, to, &sh);
	/* first pass without hyphenation, with a tight tolerance */
	build_items(P, o, brks, from, to, &I, o->hyphenate && !justify, &sh);
	size_t *brk = mc_xmalloc((I.n + 1) * sizeof *brk);
	int nb = -1;
	if (justify) {
		nb = pdf_kp_break(I.k, I.n, o->width, first, 1.0, brk);
		if (nb < 0 && o->hyphenate) {
			/* second pass: with hyphenation points */
			I.n = 0;
			build_items(P, o, brks, from, to, &I, true, &sh);
			brk = mc_xrealloc(brk, (I.n + 1) * sizeof *brk);
		}
		if (nb < 0)
			nb = pdf_kp_break(I.k, I.n, o->width, first, 2.0, brk);
		if (nb < 0)
			nb = pdf_kp_break(I.k, I.n, o->width, first, 8.0, brk);
	}
	if (nb < 0)
		nb = greedy_break(I.k, I.n, o->width, first, brk);

	/* a paragraph ending in a hard line break has an empty last line */
	if (nb >= 2) {
		bool empty = true;
		for (size_t k = brk[nb - 2] + 1; k < brk[nb - 1]; k++)
			if (I.k[k].type == KP_BOX)
				empty = false;
		if (empty)
			nb--;
	}
	/* not the last window: set again, in the next, the last lines from
	 * one that starts a word (after a space or a hard line break) */
	size_t next = to;
	int keep = nb;
	for (int r = nb - PARA_REDO >= 1 ? nb - PARA_REDO : nb - 1;
	     !final && r >= 1; r--) {
		const kp_item *bi = &I.k[brk[r - 1]];
		if (bi->type != KP_GLUE &&
		    !(bi->type == KP_PENALTY && bi->penalty <= -KP_INF))
			continue;
		size_t k = brk[r - 1] + 1;
		while (k < brk[r] && I.k[k].type != KP_BOX)
			k++;
		if (k < brk[r] && (I.p[k].what == IT_TEXT ||
		                   I.p[k].what == IT_GAP ||
		                   I.p[k].what == IT_IMAGE) &&
		    I.p[k].off > from) {
			next = I.p[k].off;
			keep = r;
			break;
		}
	}
	frag *fr = mc_xmalloc((I.n + 1) * sizeof *fr);
	size_t start = 0;
	for (int li = 0; li < keep; li++) {
		size_t b = brk[li];
		/* skip glue and penalties at the start of a line */
		while (start < b && I.k[start].type != KP_BOX)
			start++;
		double lw = line_width(o->width, first, li);
		double x0 = o->x + (li == 0 ? first : 0);
		/* natural width, stretch and shrink */
		double L = 0, Y = 0, Z = 0;
		for (size_t k = start; k < b; k++) {
			if (I.k[k].type == KP_PENALTY)
				continue;
			L += I.k[k].w;
			if (I.k[k].type == KP_GLUE) {
				Y += I.k[k].stretch;
				Z += I.k[k].shrink;
			}
		}
		bool hy = I.k[b].type == KP_PENALTY && I.p[b].what == IT_HYPHEN;
		if (I.k[b].type == KP_PENALTY)
			L += I.k[b].w; /* a hyphen, or the last glyph's kerning */
		double r = 0;
		bool last_line = final && li == nb - 1;
		if (L > lw && Z > 0) {
			r = (lw - L) / Z; /* any line that is too full shrinks */
		} else if (o->align == PA_JUSTIFY && !last_line) {
			if (L < lw && Y > 0)
				r = (lw - L) / Y;
			if (r > 3)
				r = 3; /* very loose: leave it ragged */
			if (r < -1)
				r = -1;
		}
		double shift = 0;
		double natural = r < 0 ? L + r * Z : L;
		/* right to left: lines start at the right, the first
		 * line's indent too */
		if (sh.rtl)
			x0 = o->x;
		if (o->align == PA_RIGHT)
			shift = lw - natural;
		else if (o->align == PA_CENTER)
			shift = (lw - natural) / 2;
		else if (sh.rtl)
			shift = lw - (r > 0 ? L + r * Y : natural);
		if (shift < 0)
			shift = 0;
		size_t nf = 0;
		double x = x0 + shift;
		for (size_t k = start; k < b; k++) {
			const kp_item *it = &I.k[k];
			if (it->type == KP_PENALTY)
				continue;
			double w = it->w;
			if (it->type == KP_GLUE)
				w += r > 0 ? r * it->stretch : r * it->shrink;
			fr[nf++] = (frag){x, w, &I.p[k]};
			x += w;
		}
		if (hy)
			fr[nf++] = (frag){x, I.k[b].w, &I.p[b]};
		emit_line(c, P, o, fr, nf, firstwin && li == 0, &sh, from,
		          I.k[b].type == KP_GLUE);
		size_t si = c->nslices - 1; /* emit_line's slice */
		if (pl->n == 0)
			pl->first = si;
		pl->prev = pl->last;
		pl->last = si;
		pl->n++;
		start = b + 1;
	}
	free(fr);
	free(brk);
	free(I.k);
	free(I.p);
	pdf_shaped_free(&sh);
	return final ? P->text.len : next;
}

/* libunibreak 1.1 asserts on the Regional Indicators U+1F1E6..U+1F1FF
 * (the halves of a flag emoji, F0 9F 87 A6..BF): NULL when text has none,
 * else a copy for it with each one as U+1D400, a letter (class AL) of
 * the same UTF-8 length, so the breaks line up and a flag's two halves
 * stay together.  The text drawn is never changed. */
static char *unibreak_safe(const char *text, size_t n)
{
	char *copy = NULL;
	for (size_t i = 0; i + 3 < n; i++) {
		const unsigned char *u = (const unsigned char *)text + i;
		if (u[0] != 0xF0 || u[1] != 0x9F || u[2] != 0x87 ||
		    u[3] < 0xA6 || u[3] > 0xBF)
			continue;
		if (!copy)
			copy = memcpy(mc_xmalloc(n + 1), text, n);
		memcpy(copy + i, "\xF0\x9D\x90\x80", 4);
		i += 3;
	}
	return copy;
}

/* The lines of a paragraph without images on lines of their own. */
static int layout_text(pdf_para *P, const pdf_para_opts *o)
{
	pdf_ctx *c = P->c;
	size_t tl = P->text.len;
	char *brks = mc_xmalloc(tl + 1);
	/* libunibreak takes U+FFFF for the end of the text (and asserts):
	 * the model has none, a theme's labels might */
	mc_utf8_replace_nonchars(P->text.data, tl);
	char *ri = unibreak_safe(P->text.data, tl);
	/* the language tailors a few classes (quotation marks in zh, ja,
	 * de, fr, ...) */
	set_linebreaks_utf8((const utf8_t *)(ri ? ri : P->text.data), tl,
	                    para_lang(c, o), brks);
	free(ri);
	para_lines pl = {0};
	size_t from = 0;
	do
		from = layout_window(P, o, brks, from, window_end(P, from), &pl);
	while (from < tl);
	free(brks);
	/* widows and orphans: the first line with the second, the last two
	 * together */
	if (pl.n >= 2)
		pdf_slice_at(c, pl.first)->keep_next = true;
	if (pl.n >= 3)
		pdf_slice_at(c, pl.prev)->keep_next = true;
	if (pl.n >= 1)
		pdf_slice_at(c, pl.last)->keep_next = false;
	return pl.n;
}

/* Whether segment s is only spaces or a line end. */
static bool blank_seg(const pdf_para *P, const seg *s)
{
	if (s->kind == SEG_NEWLINE)
		return true;
	if (s->kind != SEG_TEXT)
		return false;
	for (uint32_t i = 0; i < s->len; i++)
		if (P->text.data[s->off + i] != ' ')
			return false;
	return true;
}

/* A paragraph of segments [a, b) of P (with their sizes and styles). */
static pdf_para *sub_para(pdf_para *P, size_t a, size_t b)
{
	pdf_para *q = pdf_para_new(P->c);
	for (size_t i = a; i < b; i++) {
		const seg *s = &P->segs[i];
		seg *t = add_seg(q, s->kind, &s->st);
		uint32_t off = t->off;
		*t = *s;
		t->off = off;
		mc_buf_put(&q->text, P->text.data + s->off, s->len);
	}
	return q;
}

int pdf_para_layout(pdf_para *P, const pdf_para_opts *o)
{
	pdf_ctx *c = P->c;
	/* its images: in a line, or on lines of their own */
	bool own = false;
	for (size_t i = 0; i < P->nsegs; i++) {
		seg *s = &P->segs[i];
		if (s->kind != SEG_IMAGE)
			continue;
		s->img.block = !pdf_inimg_fit(c, &s->img, &s->st, o, &s->img.dw,
		                              &s->img.dh);
		s->gapw = s->img.dw;
		own = own || s->img.block;
	}
	if (!own)
		return layout_text(P, o);
	/* cut at those: the text between is set as paragraphs of its own,
	 * the first with the first line's indent and the list marker (or,
	 * if there is no text before the image, the image with the
	 * marker) */
	bool rtl = o->dir == MC_DIR_RTL;
	pdf_para_opts po = *o;
	int lines = 0;
	size_t i = 0;
	while (i <= P->nsegs) {
		size_t j = i;
		while (j < P->nsegs && !(P->segs[j].kind == SEG_IMAGE &&
		                         P->segs[j].img.block))
			j++;
		/* no line ends or spaces next to the image */
		size_t a = i, b = j;
		if (i > 0)
			while (a < b && blank_seg(P, &P->segs[a]))
				a++;
		if (j < P->nsegs)
			while (b > a && blank_seg(P, &P->segs[b - 1]))
				b--;
		pdf_para *q = sub_para(P, a, b);
		if (!pdf_para_empty(q)) {
			int n = layout_text(q, &po);
			if (n < 0) {
				pdf_para_free(q);
				return -1;
			}
			if (n > 0) {
				lines += n;
				po.marker = NULL;
				po.marker_box = false;
				po.first_indent = 0;
				/* a line that leads to a picture stays
				 * with it */
				if (j < P->nsegs)
					pdf_slice_at(c, c->nslices - 1)
						->keep_next = true;
			}
		}
		pdf_para_free(q);
		if (j < P->nsegs) {
			const seg *s = &P->segs[j];
			bool mk = po.marker || po.marker_box;
			size_t op0 = pdf_slice_begin(c);
			double size = s->st.size > 0 ? s->st.size
			                             : c->th->sizes.body;
			if (mk) /* beside the picture's top */
				pdf_para_marker(c, &po,
				                size * (PDF_INIMG_GAP + PF_ASCENT));
			pdf_inimg_block(c, &s->img, &s->st, &po, rtl, op0, mk);
			po.marker = NULL;
			po.marker_box = false;
			po.first_indent = 0;
			lines++;
		}
		i = j + 1;
	}
	return lines;
}
