/*
 * text.c - the PDF's text layer: UTF-8 text into positioned glyph runs.
 *
 * A string (a paragraph, a window of a long one, a heading, a running
 * header) is
 *   1. given bidirectional embedding levels by FriBidi (the Unicode
 *      bidirectional algorithm, UAX #9), the paragraph direction given
 *      or, by default, that of its first strong character;
 *   2. given a script per character (HarfBuzz's Unicode data; common and
 *      inherited characters, such as spaces, digits and marks, take the
 *      script of the text around them);
 *   3. given a face per character by coverage (fonts.c's pdf_font_for:
 *      the style's face, the family's regular, the body and heading
 *      faces, the theme's fallbacks, fontconfig's best match), keeping a
 *      character that joins the one before it (a combining mark, a
 *      joiner, a variation selector, an emoji modifier) in that one's
 *      face, and neutral characters in the face of the text they sit in;
 *   4. cut into runs of one span (style), face, level and script, each
 *      shaped by HarfBuzz with the whole string as context (so Arabic
 *      joins across a style change) in its direction, script and
 *      language.
 *
 * The result gives, per byte of the string, the advance of the cluster
 * that starts there (line breaking measures words with the shaper's
 * widths, kerning and ligatures included) and whether a cluster starts
 * there (no line is broken inside one); and per run, its glyphs in
 * visual order for drawing.  Nothing here knows about pages or lines:
 * linebreak.c puts runs on lines, in visual order by pdf_bidi_order.
 */
#include "pdf_int.h"

#include <fribidi.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Characters that belong to the one before them: they stay in its face
 * (and its cluster, for the shaper). */
static bool joins_previous(hb_unicode_funcs_t *uf, uint32_t cp)
{
	if (cp == 0x200D || cp == 0x200C || (cp >= 0xFE00 && cp <= 0xFE0F) ||
	    (cp >= 0xE0100 && cp <= 0xE01EF) || (cp >= 0xE0020 && cp <= 0xE007F) ||
	    (cp >= 0x1F3FB && cp <= 0x1F3FF) || cp == 0x20E3)
		return true;
	hb_unicode_general_category_t gc = hb_unicode_general_category(uf, cp);
	return gc == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
	       gc == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
	       gc == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK;
}

/* Default ignorable characters that join clusters: HarfBuzz hides them
 * when the face lacks them. */
static bool ignorable(uint32_t cp)
{
	return cp == 0x200D || cp == 0x200C || (cp >= 0xFE00 && cp <= 0xFE0F) ||
	       (cp >= 0xE0100 && cp <= 0xE01EF) ||
	       (cp >= 0xE0020 && cp <= 0xE007F);
}

static bool neutral_script(hb_script_t s)
{
	return s == HB_SCRIPT_COMMON || s == HB_SCRIPT_INHERITED ||
	       s == HB_SCRIPT_UNKNOWN;
}

/* Whether any character might not be left to right: most text is Latin
 * only, and skips the bidirectional algorithm. */
static bool maybe_rtl(const uint32_t *cp, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t u = cp[i];
		if ((u >= 0x0590 && u <= 0x08FF) || (u >= 0x200E && u <= 0x200F) ||
		    (u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069) ||
		    (u >= 0xFB1D && u <= 0xFDFF) || (u >= 0xFE70 && u <= 0xFEFF) ||
		    (u >= 0x10800 && u <= 0x10FFF) ||
		    (u >= 0x1E800 && u <= 0x1EFFF))
			return true;
	}
	return false;
}

void pdf_shaped_free(pdf_shaped *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nruns; i++)
		free(s->runs[i].g);
	free(s->runs);
	free(s->adv);
	free(s->face);
	free(s->level);
	free(s->cstart);
	memset(s, 0, sizeof *s);
}

static int16_t clamp16(double v)
{
	return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : lround(v));
}

/* Shape run r of text (n bytes), with the whole text as context. */
static int shape_run(pdf_ctx *c, hb_buffer_t *buf, const char *text, size_t n,
                     pdf_run *r, hb_script_t script, hb_language_t lang,
                     pdf_shaped *out)
{
	unsigned upem = 1000;
	hb_font_t *font = pdf_font_hb(c, r->face, &upem);
	hb_buffer_clear_contents(buf);
	hb_buffer_add_utf8(buf, text, (int)n, r->off, (int)r->len);
	hb_buffer_set_direction(buf, r->level & 1 ? HB_DIRECTION_RTL
	                                          : HB_DIRECTION_LTR);
	hb_buffer_set_script(buf, script);
	hb_buffer_set_language(buf, lang);
	unsigned ng = 0;
	if (font) {
		/* code is set as written: no ligatures in monospace */
		static const hb_feature_t noliga[] = {
			{HB_TAG('l', 'i', 'g', 'a'), 0, 0, (unsigned)-1},
			{HB_TAG('c', 'a', 'l', 't'), 0, 0, (unsigned)-1}};
		bool mono = r->face < PF_NBASE && (r->face & ~3) == PF_MONO;
		hb_shape(font, buf, mono ? noliga : NULL, mono ? 2 : 0);
		ng = hb_buffer_get_length(buf);
	}
	hb_glyph_info_t *gi = hb_buffer_get_glyph_infos(buf, NULL);
	hb_glyph_position_t *gp = hb_buffer_get_glyph_positions(buf, NULL);
	r->g = mc_xmalloc((ng ? ng : 1) * sizeof *r->g);
	r->ng = ng;
	double k = 1.0 / upem;
	for (unsigned i = 0; i < ng; i++) {
		pdf_glyph *g = &r->g[i];
		g->gid = (uint16_t)(gi[i].codepoint <= 0xFFFF ? gi[i].codepoint
		                                               : 0);
		uint32_t cl = gi[i].cluster;
		g->cl = (uint16_t)cl; /* n <= PDF_SHAPE_MAX */
		g->ncl = 0;
		g->adv = clamp16(gp[i].x_advance * k * 1000);
		g->dx = clamp16(gp[i].x_offset * k * 1000);
		g->dy = clamp16(gp[i].y_offset * k * 1000);
		if (cl >= r->off && cl < r->off + r->len)
			out->adv[cl] += g->adv / 1000.0f;
		if (cl < n)
			out->cstart[cl] = 1;
	}
	/* a cluster's characters go to its glyphs one each, in the order
	 * the glyphs are drawn (the last glyph takes what is left; glyphs
	 * beyond the characters get none): text extraction reads glyphs by
	 * position, so a vowel sign drawn before its consonant, or a
	 * conjunct's halves, still give the cluster's text in order, and
	 * no glyph without text leaves a gap that reads as a space.
	 * Clusters are monotone (HarfBuzz's default cluster level): in
	 * visual order they increase (left to right) or decrease. */
	uint32_t end = r->off + r->len;
	bool rtl = r->level & 1;
	unsigned j = 0;
	while (j < ng) {
		uint32_t cl = r->g[j].cl;
		unsigned m = j + 1;
		while (m < ng && r->g[m].cl == cl)
			m++;
		/* the cluster's end: the next larger cluster start */
		uint32_t next = end;
		if (!rtl && m < ng && r->g[m].cl > cl)
			next = r->g[m].cl;
		else if (rtl && j > 0 && r->g[j - 1].cl > cl)
			next = r->g[j - 1].cl;
		uint32_t at = cl;
		for (unsigned k2 = j; k2 < m; k2++) {
			unsigned i = rtl ? m - 1 - (k2 - j) : k2;
			uint32_t len = 0;
			if (at < next) {
				if (k2 + 1 == m) {
					len = next - at;
				} else {
					uint32_t u;
					len = (uint32_t)pdf_utf8_next(
						text + at, next - at, &u);
				}
			}
			r->g[i].cl = (uint16_t)at;
			r->g[i].ncl = (uint16_t)len;
			at += len;
		}
		j = m;
	}
	return 0;
}

int pdf_shape(pdf_ctx *c, const char *text, size_t n, const pdf_span *spans,
              size_t nspans, const char *lang, mc_dir dir, pdf_shaped *out)
{
	memset(out, 0, sizeof *out);
	if (n > PDF_SHAPE_MAX) {
		/* callers shape lines and windows shorter than this; a
		 * longer string is cut at a character boundary */
		n = PDF_SHAPE_MAX;
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
	}
	out->adv = mc_xcalloc(n + 1, sizeof *out->adv);
	out->face = mc_xmalloc((n + 1) * sizeof *out->face);
	out->level = mc_xcalloc(n + 1, 1);
	out->cstart = mc_xcalloc(n + 1, 1);
	if (n == 0)
		return 0;
	/* code points and where each starts */
	uint32_t *cp = mc_xmalloc(n * sizeof *cp);
	uint32_t *at = mc_xmalloc((n + 1) * sizeof *at);
	size_t N = 0;
	for (size_t i = 0; i < n;) {
		at[N] = (uint32_t)i;
		i += pdf_utf8_next(text + i, n - i, &cp[N]);
		N++;
	}
	at[N] = (uint32_t)n;

	/* 1. levels */
	FriBidiLevel *lv = mc_xcalloc(N, sizeof *lv);
	bool rtl_base = dir == MC_DIR_RTL;
	if (rtl_base || maybe_rtl(cp, N)) {
		FriBidiCharType *ty = mc_xmalloc(N * sizeof *ty);
		FriBidiBracketType *br = mc_xmalloc(N * sizeof *br);
		fribidi_get_bidi_types(cp, (FriBidiStrIndex)N, ty);
		fribidi_get_bracket_types(cp, (FriBidiStrIndex)N, ty, br);
		FriBidiParType pt = dir == MC_DIR_RTL   ? FRIBIDI_PAR_RTL
		                    : dir == MC_DIR_LTR ? FRIBIDI_PAR_LTR
		                                        : FRIBIDI_PAR_ON;
		if (!fribidi_get_par_embedding_levels_ex(
			    ty, br, (FriBidiStrIndex)N, &pt, lv))
			memset(lv, rtl_base ? 1 : 0, N * sizeof *lv);
		out->rtl = pt == FRIBIDI_PAR_RTL;
		free(ty);
		free(br);
	}

	/* 2. scripts: neutral ones take the script before them (or, at the
	 * start, the first one after) */
	hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
	hb_script_t *sc = mc_xmalloc(N * sizeof *sc);
	hb_script_t last = HB_SCRIPT_INVALID;
	for (size_t i = 0; i < N; i++) {
		sc[i] = hb_unicode_script(uf, cp[i]);
		if (neutral_script(sc[i]))
			sc[i] = last;
		else
			last = sc[i];
	}
	last = HB_SCRIPT_COMMON;
	for (size_t i = N; i-- > 0;) {
		if (sc[i] == HB_SCRIPT_INVALID)
			sc[i] = last;
		else
			last = sc[i];
	}

	/* 3. faces */
	int16_t *fc = mc_xmalloc(N * sizeof *fc);
	size_t si = 0;
	for (size_t i = 0; i < N; i++) {
		while (si + 1 < nspans && at[i] >= spans[si].off + spans[si].len)
			si++;
		int want = nspans ? spans[si].face : PF_BODY;
		bool same_span = i > 0 && (si == 0 || at[i - 1] >= spans[si].off);
		if (want < 0) {
			fc[i] = -1;
			continue;
		}
		int prev = same_span ? fc[i - 1] : -1;
		if (prev >= 0 && joins_previous(uf, cp[i])) {
			fc[i] = (int16_t)prev;
			if (ignorable(cp[i]) || pdf_font_for(c, prev, cp[i]) == prev)
				continue;
			/* a mark the base's face lacks: the whole cluster in a
			 * face that has both, else the mark alone in its own */
			int f = pdf_font_for(c, want, cp[i]);
			size_t b = i;
			while (b > 0 && at[b - 1] >= (nspans ? spans[si].off : 0) &&
			       joins_previous(uf, cp[b]))
				b--;
			if (pdf_font_for(c, f, cp[b]) == f)
				for (size_t k = b; k < i; k++)
					fc[k] = (int16_t)f;
			fc[i] = (int16_t)f;
			continue;
		}
		int f = pdf_font_for(c, want, cp[i]);
		/* spaces and punctuation stay with the text around them */
		if (prev >= 0 && f != prev &&
		    neutral_script(hb_unicode_script(uf, cp[i])) &&
		    pdf_font_for(c, prev, cp[i]) == prev)
			f = prev;
		fc[i] = (int16_t)f;
	}
	for (size_t i = 0; i < N; i++)
		for (uint32_t b = at[i]; b < at[i + 1]; b++) {
			out->face[b] = fc[i];
			out->level[b] = (uint8_t)lv[i];
		}
	out->face[n] = -1;

	/* 4. runs, shaped */
	hb_buffer_t *buf = hb_buffer_create();
	hb_buffer_set_cluster_level(buf,
	                            HB_BUFFER_CLUSTER_LEVEL_MONOTONE_GRAPHEMES);
	size_t caprun = 0;
	si = 0;
	size_t i = 0;
	int rc = 0;
	while (i < N) {
		while (si + 1 < nspans && at[i] >= spans[si].off + spans[si].len)
			si++;
		size_t span_end = nspans ? spans[si].off + spans[si].len : n;
		size_t j = i + 1;
		while (j < N && at[j] < span_end && fc[j] == fc[i] &&
		       lv[j] == lv[i] && sc[j] == sc[i])
			j++;
		if (fc[i] >= 0) {
			PDF_GROW(out->runs, out->nruns, caprun);
			pdf_run *r = &out->runs[out->nruns++];
			memset(r, 0, sizeof *r);
			r->off = at[i];
			r->len = at[j] - at[i];
			r->face = fc[i];
			r->level = (uint8_t)lv[i];
			const char *lg = nspans && spans[si].lang ? spans[si].lang
			                                          : lang;
			hb_language_t hl = hb_language_from_string(
				lg ? lg : "en", -1);
			if (shape_run(c, buf, text, n, r, sc[i], hl, out))
				rc = -1;
		}
		i = j;
	}
	hb_buffer_destroy(buf);
	free(cp);
	free(at);
	free(lv);
	free(sc);
	free(fc);
	return rc;
}

/* ---- visual order ---- */

void pdf_bidi_order(const uint8_t *levels, size_t n, size_t *order)
{
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	uint8_t hi = 0, lo_odd = 255;
	for (size_t i = 0; i < n; i++) {
		if (levels[i] > hi)
			hi = levels[i];
		if ((levels[i] & 1) && levels[i] < lo_odd)
			lo_odd = levels[i];
	}
	if (lo_odd == 255)
		return; /* all left to right */
	/* UAX #9 L2: from the highest level down to the lowest odd one,
	 * reverse every run of items at that level or higher */
	for (int L = hi; L >= lo_odd; L--) {
		size_t i = 0;
		while (i < n) {
			if (levels[order[i]] < L) {
				i++;
				continue;
			}
			size_t j = i;
			while (j < n && levels[order[j]] >= L)
				j++;
			for (size_t a = i, b = j - 1; a < b; a++, b--) {
				size_t t = order[a];
				order[a] = order[b];
				order[b] = t;
			}
			i = j;
		}
	}
}

/* ---- one line of plain text ---- */

int pdf_textline_make(pdf_ctx *c, int face, const char *s, size_t n,
                      const char *lang, pdf_textline *tl)
{
	memset(tl, 0, sizeof *tl);
	pdf_span sp = {0, (uint32_t)n, face, NULL};
	if (pdf_shape(c, s, n, &sp, 1, lang, MC_DIR_NONE, &tl->sh))
		return -1;
	size_t nr = tl->sh.nruns;
	tl->order = mc_xmalloc((nr ? nr : 1) * sizeof *tl->order);
	tl->x = mc_xmalloc((nr ? nr : 1) * sizeof *tl->x);
	uint8_t *lv = mc_xmalloc(nr ? nr : 1);
	for (size_t i = 0; i < nr; i++)
		lv[i] = tl->sh.runs[i].level;
	pdf_bidi_order(lv, nr, tl->order);
	free(lv);
	double x = 0;
	for (size_t k = 0; k < nr; k++) {
		const pdf_run *r = &tl->sh.runs[tl->order[k]];
		tl->x[tl->order[k]] = x;
		for (size_t g = 0; g < r->ng; g++)
			x += r->g[g].adv / 1000.0;
	}
	tl->w = x;
	return 0;
}

void pdf_textline_free(pdf_textline *tl)
{
	pdf_shaped_free(&tl->sh);
	free(tl->order);
	free(tl->x);
	memset(tl, 0, sizeof *tl);
}

/* The glyphs of run r whose clusters lie in [from, to), in the arena,
 * their clusters made relative to from; their advance in *w (em). */
/* The first of run r's glyphs in logical order, from lo on, whose
 * cluster is at or after byte v (binary search). */
static size_t first_from(const pdf_run *r, size_t lo, uint32_t v)
{
	bool rtl = r->level & 1;
	size_t n = r->ng, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->g[rtl ? n - 1 - mid : mid].cl < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const pdf_glyph *pdf_run_range(const pdf_run *r, uint32_t from, uint32_t to,
                               uint32_t *ng)
{
	/* clusters are monotone along the glyphs (increasing left to
	 * right, decreasing right to left): the range is found by binary
	 * search, so a long line costs its own glyphs, not the run's */
	size_t a = first_from(r, 0, from);
	size_t b = first_from(r, a, to); /* logical [a, b) */
	*ng = (uint32_t)(b - a);
	return r->g + (r->level & 1 ? r->ng - b : a);
}

/* n bytes of s and a NUL in the text blocks (pdf_text_alloc). */
static const char *text_copy(pdf_ctx *c, const char *s, size_t n)
{
	char *d = pdf_text_alloc(c, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* The k glyphs at src, drawing bytes [from, to), into g: clusters made
 * relative to from, cut at to.  Returns their advance (em). */
static double glyphs_into(pdf_glyph *g, const pdf_glyph *src, uint32_t k,
                          uint32_t from, uint32_t to)
{
	double sum = 0;
	for (uint32_t m = 0; m < k; m++) {
		g[m] = src[m];
		uint32_t cl = g[m].cl;
		g[m].cl = (uint16_t)(cl - from);
		if (g[m].ncl > to - cl)
			g[m].ncl = (uint16_t)(to - cl);
		sum += g[m].adv / 1000.0;
	}
	return sum;
}

const pdf_glyph *pdf_run_glyphs(pdf_ctx *c, const pdf_run *r, uint32_t from,
                                uint32_t to, uint32_t *ng, double *w)
{
	uint32_t k;
	const pdf_glyph *src = pdf_run_range(r, from, to, &k);
	/* (with the text of the op it is for: freed as the pages drawing
	 * it are written, not kept to the end of the conversion) */
	pdf_glyph *g = pdf_text_alloc(c, (k ? k : 1) * sizeof *g);
	double sum = glyphs_into(g, src, k, from, to);
	*ng = k;
	if (w)
		*w = sum;
	return g;
}

/* An OP_TEXT for the part [from, to) of run r of text, at (x, y);
 * returns its width in points. */
double pdf_run_op(pdf_ctx *c, const char *text, const pdf_run *r,
                  uint32_t from, uint32_t to, float size, uint32_t color,
                  double x, double y, uint8_t layer)
{
	if (from < r->off)
		from = r->off;
	if (to > r->off + r->len)
		to = r->off + r->len;
	if (from >= to)
		return 0;
	uint32_t ng;
	double w;
	const pdf_glyph *g = pdf_run_glyphs(c, r, from, to, &ng, &w);
	if (!ng)
		return 0;
	pdf_op *o = pdf_op_add(c, OP_TEXT);
	o->font = (int16_t)r->face;
	o->size = size;
	o->x = x;
	o->y = y;
	o->color = color;
	o->layer = layer;
	o->text = text_copy(c, text + from, to - from);
	o->len = to - from;
	o->glyphs = g;
	o->aux = ng;
	return w * size;
}

double pdf_text_op(pdf_ctx *c, int face, float size, uint32_t color, double x,
                   double y, uint8_t layer, const char *s, size_t n)
{
	pdf_textline tl;
	if (pdf_textline_make(c, face, s, n, NULL, &tl)) {
		pdf_textline_free(&tl);
		return 0;
	}
	for (size_t i = 0; i < tl.sh.nruns; i++) {
		const pdf_run *r = &tl.sh.runs[i];
		pdf_run_op(c, s, r, r->off, r->off + r->len, size, color,
		           x + tl.x[i] * size, y, layer);
	}
	double w = tl.w * size;
	pdf_textline_free(&tl);
	return w;
}

double pdf_text_width(pdf_ctx *c, int face, const char *s, size_t n)
{
	pdf_textline tl;
	double w = 0;
	if (!pdf_textline_make(c, face, s, n, NULL, &tl))
		w = tl.w;
	pdf_textline_free(&tl);
	return w;
}

double pdf_op_width(const pdf_op *o)
{
	double w = 0;
	if (o->kind == OP_TEXT && o->packed && o->gpack)
		for (uint32_t i = 0; i < o->aux; i++)
			w += o->gpack[i].adv / 1000.0;
	else if (o->kind == OP_TEXT && o->glyphs)
		for (uint32_t i = 0; i < o->aux; i++)
			w += o->glyphs[i].adv / 1000.0;
	return w * o->size;
}

const pdf_glyph *pdf_op_glyphs(const pdf_op *o, pdf_glyph **buf,
                               size_t *cap)
{
	if (!o->packed || !o->gpack)
		return o->glyphs;
	if (*cap < o->aux) {
		*cap = o->aux;
		*buf = mc_xreallocarray(*buf, *cap, sizeof **buf);
	}
	pdf_glyph *g = *buf;
	size_t off = 0;
	for (uint32_t i = 0; i < o->aux; i++) {
		uint32_t cp;
		size_t n = off < o->len ? pdf_utf8_next(o->text + off,
		                                        o->len - off, &cp)
		                        : 0;
		g[i] = (pdf_glyph){o->gpack[i].gid, (uint16_t)off, (uint16_t)n,
		                   o->gpack[i].adv, 0, 0};
		off += n;
	}
	return g;
}

double pdf_op_set_text(pdf_ctx *c, pdf_op *o, const char *s, size_t n)
{
	pdf_textline tl;
	o->glyphs = NULL;
	o->packed = false;
	o->aux = 0;
	o->text = "";
	o->len = 0;
	if (pdf_textline_make(c, o->font, s, n, NULL, &tl) || !tl.sh.nruns) {
		pdf_textline_free(&tl);
		return 0;
	}
	/* one face: the first run's (digits and leaders have one) */
	const pdf_run *r = &tl.sh.runs[0];
	uint32_t to = r->off + r->len;
	for (size_t i = 1; i < tl.sh.nruns && tl.sh.runs[i].face == r->face &&
	                   tl.sh.runs[i].level == r->level;
	     i++)
		to = tl.sh.runs[i].off + tl.sh.runs[i].len;
	/* the runs' glyphs counted, then copied once into one array */
	uint32_t ng = 0, k;
	size_t nr = 0;
	while (nr < tl.sh.nruns && tl.sh.runs[nr].off < to) {
		pdf_run_range(&tl.sh.runs[nr++], 0, to, &k);
		ng += k;
	}
	pdf_glyph *g = ng ? pdf_text_alloc(c, ng * sizeof *g) : NULL;
	double w = 0;
	for (size_t i = 0, at = 0; i < nr; i++, at += k) {
		const pdf_glyph *src = pdf_run_range(&tl.sh.runs[i], 0, to, &k);
		w += glyphs_into(g + at, src, k, 0, to);
	}
	o->font = (int16_t)r->face;
	o->glyphs = g;
	o->aux = ng;
	o->text = text_copy(c, s, to);
	o->len = to;
	pdf_textline_free(&tl);
	return w * o->size;
}

int pdf_lang_id(pdf_ctx *c, const char *lang)
{
	const char *doc = c->doc && c->doc->meta.lang ? c->doc->meta.lang : "en";
	if (!lang || !*lang || !strcasecmp(lang, doc) || !mc_lang_valid(lang))
		return 0;
	for (size_t i = 0; i < c->nlangs; i++)
		if (!strcasecmp(c->langs[i], lang))
			return (int)i + 1;
	PDF_GROW(c->langs, c->nlangs, c->caplangs);
	c->langs[c->nlangs++] = lang;
	return (int)c->nlangs;
}
