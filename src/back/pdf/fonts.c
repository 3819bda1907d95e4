/*
 * fonts.c - OpenType faces for the PDF backend: found with fontconfig from
 * the theme's family names, a fallback face for every character the chosen
 * face lacks, and each font file used embedded as a subset (hb-subset) of
 * the glyphs drawn: a Type0 font, Identity-H, over a CIDFontType2
 * (TrueType outlines) or a CIDFontType0 (CFF outlines, e.g. Noto CJK).
 *
 * A face's file is read (through the cache, cache.c; by face.c) only
 * when a glyph of it is first measured, and embedded only if text is drawn
 * in it, so a document that never uses bold italic mono does not embed
 * it.  Coverage comes from fontconfig's charset of each face (no glyph is
 * ever drawn from a face that lacks it, so nothing prints as a blank box).
 * The fallback order: the regular face of the same family, the body and
 * heading faces, the theme's `fonts.fallback` families that are installed,
 * then whatever installed face fontconfig ranks best for the character
 * (in the document's language).  TrueType and CFF outlines are taken, no
 * colour fonts.
 *
 * Text is shown as 2-byte CIDs, one per glyph (see pdf_emb): a TrueType
 * font numbers the glyphs in the order first drawn and maps the numbers
 * to the subset's glyphs with a /CIDToGIDMap; a CFF font is shown by the
 * CIDs its own charset gives the glyphs (or by glyph number, kept by the
 * subset, when it is not CID-keyed).  The ToUnicode map gives each CID
 * the text of the first cluster drawn with it.
 */
#include "pdf_int.h"
#include "cache.h"
#include "face.h"
#include "../../util/utf8.h"

#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

size_t pdf_utf8_next(const char *s, size_t n, uint32_t *cp)
{
	if (n == 0) {
		*cp = 0;
		return 1;
	}
	size_t len = mc_utf8_decode((const unsigned char *)s, n, cp);
	if (!len) {
		*cp = 0xFFFD; /* the model is valid UTF-8; this is a guard */
		return 1;
	}
	return len;
}

/* Fill face f from a face fontconfig found. */
static void take(pdf_font *f, const pdf_face_ref *r)
{
	size_t l = strlen(r->path);
	f->path = mc_xmalloc(l + 1);
	memcpy(f->path, r->path, l + 1);
	f->index = r->index;
	f->cover = r->cover;
	f->emb = -1;
}

/* Resolve theme face f (below PF_NBASE) with fontconfig, the first time
 * it is used: a document asks only for the faces it draws with (a page
 * of body text, one face of twelve).  Returns 0, or -1 when the family
 * has no usable face at all (reported; the face then draws nothing). */
static int resolve(pdf_ctx *c, int f)
{
	pdf_fonts *F = &c->fonts;
	pdf_font *pf = &F->f[f];
	if (f >= PF_NBASE || pf->resolved)
		return pf->path ? 0 : -1;
	pf->resolved = true;
	const char *fam[3] = {c->th->fonts.body, c->th->fonts.heading,
	                      c->th->fonts.mono};
	int g = f / 4, s = f % 4;
	bool exact = false;
	pdf_face_ref r;
	if (pdf_cache_match(F->cache, fam[g], s & PF_BOLD, s & PF_ITALIC, &r,
	                    &exact)) {
		if (s == 0) {
			if (pdf_cache_failed(F->cache))
				mc_error(c->diag, 0, 0,
				         "fontconfig could not be initialised");
			else
				mc_error(c->diag, 0, 0,
				         "no usable font found for \"%s\" "
				         "(install fonts-dejavu-core)",
				         fam[g]);
			pf->failed = true;
			return -1;
		}
		/* use the regular face for this style */
		if (resolve(c, g * 4) < 0) {
			pf->failed = true;
			return -1;
		}
		pdf_font *rf = &F->f[g * 4];
		pdf_face_ref rr = {rf->path, rf->index, rf->cover};
		take(pf, &rr);
		return 0;
	}
	if (!exact && s == 0)
		mc_warn(c->diag, 0, 0,
		        "font family \"%s\" is not installed; using a substitute",
		        fam[g]);
	take(pf, &r);
	return 0;
}

int pdf_fonts_init(pdf_ctx *c)
{
	pdf_fonts *F = &c->fonts;
	memset(F, 0, sizeof *F);
	F->cache = c->cache;
	if (!F->cache) {
		/* no run cache: one for this conversion alone */
		F->own_cache = pdf_cache_create();
		F->cache = F->own_cache;
	}
	if (!F->cache) {
		mc_error(c->diag, 0, 0, "fontconfig could not be initialised");
		return -1;
	}
	for (int i = 0; i < PF_MAX; i++)
		F->f[i].emb = -1;
	F->n = PF_NBASE;
	/* the body face now (every page has some, and without it nothing
	 * can be made); the other theme faces when first used */
	return resolve(c, PF_BODY);
}

void pdf_fonts_free(pdf_ctx *c)
{
	pdf_fonts *F = &c->fonts;
	free(F->nohave);
	F->nohave = NULL;
	F->nnohave = F->capnohave = 0;
	for (int i = 0; i < F->n; i++) {
		free(F->f[i].path);
		free(F->f[i].wcache);
	}
	F->n = 0;
	for (int i = 0; i < F->nemb; i++) {
		free(F->emb[i].gids);
		free(F->emb[i].cids);
		free(F->emb[i].toff);
		free(F->emb[i].tlen);
		mc_buf_free(&F->emb[i].texts);
		free(F->emb[i].hkey);
		free(F->emb[i].hval);
	}
	F->nemb = 0;
	/* the hyphenation patterns belong to the cache */
	free(c->hyph);
	c->hyph = NULL;
	c->nhyph = c->caphyph = 0;
	pdf_cache_destroy(F->own_cache);
	F->own_cache = NULL;
	F->cache = NULL;
}

int pdf_fonts_derived(pdf_ctx *c, int f, const char *kind,
                      int (*make)(const struct pdf_face *t, mc_buf *out,
                                  const char **why),
                      const unsigned char **data, size_t *len,
                      const char **why)
{
	const pdf_font *pf = &c->fonts.f[f];
	*why = "the font was not read";
	if (!c->fonts.cache || !pf->path || !pf->face)
		return -1;
	return pdf_cache_derived(c->fonts.cache, pf->path, pf->index, kind,
	                         make, data, len, why);
}

int pdf_fonts_hyph(pdf_ctx *c, const char *lang, pdf_hyph_ref *out)
{
	if (!c->fonts.cache) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	return pdf_cache_hyph(c->fonts.cache, lang, out);
}

/* Add a fallback face unless its file is already there; returns its
 * index or -1. */
static int add_face(pdf_ctx *c, const pdf_face_ref *r)
{
	pdf_fonts *F = &c->fonts;
	for (int i = PF_NBASE; i < F->n; i++)
		if (!strcmp(F->f[i].path, r->path) && F->f[i].index == r->index)
			return i;
	if (F->n >= PF_MAX)
		return -1;
	take(&F->f[F->n], r);
	return F->n++;
}

static void theme_fallbacks(pdf_ctx *c)
{
	pdf_fonts *F = &c->fonts;
	F->theme_fallbacks_done = true;
	for (size_t i = 0; i < c->th->fonts.nfallback; i++) {
		bool exact = false;
		pdf_face_ref r;
		if (!pdf_cache_match(F->cache, c->th->fonts.fallback[i], false,
		                     false, &r, &exact) &&
		    exact)
			add_face(c, &r);
	}
}

/* Any installed usable face that has cp, best ranked first for the
 * document's language. */
static int search(pdf_ctx *c, uint32_t cp)
{
	pdf_face_ref r;
	const char *lang = c->doc ? c->doc->meta.lang : NULL;
	if (pdf_cache_search(c->fonts.cache, cp, lang, &r))
		return -1;
	return add_face(c, &r);
}

static bool has(pdf_ctx *c, int f, uint32_t cp)
{
	resolve(c, f);
	pdf_font *pf = &c->fonts.f[f];
	return !pf->failed && pdf_cover_has(&pf->cover, cp);
}

/* Where cp is, or would go, in the sorted v[0..n). */
static size_t cp_lower(const uint32_t *v, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool cp_find(const uint32_t *v, size_t n, uint32_t cp)
{
	size_t i = cp_lower(v, n, cp);
	return i < n && v[i] == cp;
}

/* Add cp to the sorted set *v (*n entries, *cap room), once. */
static void cp_add(uint32_t **v, size_t *n, size_t *cap, uint32_t cp)
{
	size_t lo = cp_lower(*v, *n, cp);
	if (lo < *n && (*v)[lo] == cp)
		return;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = mc_xrealloc(*v, *cap * sizeof **v);
	}
	memmove(*v + lo + 1, *v + lo, (*n - lo) * sizeof **v);
	(*v)[lo] = cp;
	(*n)++;
}

/* Is cp a CJK character (Han, kana, Hangul, CJK punctuation and
 * forms), which Chinese, Japanese and Korean fonts draw differently? */
static bool is_cjk(uint32_t cp)
{
	return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
	       (cp >= 0xFF00 && cp <= 0xFFEF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* Is the document in Chinese, Japanese or Korean? */
static bool cjk_doc(const pdf_ctx *c)
{
	const char *l = c->doc ? c->doc->meta.lang : NULL;
	if (!l)
		return false;
	size_t p = strcspn(l, "-_");
	return (p == 2 && (!strncasecmp(l, "zh", 2) || !strncasecmp(l, "ja", 2) ||
	                   !strncasecmp(l, "ko", 2))) ||
	       (p == 3 && !strncasecmp(l, "yue", 3));
}

int pdf_font_for(pdf_ctx *c, int want, uint32_t cp)
{
	pdf_fonts *F = &c->fonts;
	if (cp < 0x20 || has(c, want, cp))
		return want;
	int tries[3] = {want & ~(PF_BOLD | PF_ITALIC), PF_BODY, PF_HEAD};
	for (int i = 0; i < 3; i++)
		if (has(c, tries[i], cp))
			return tries[i];
	if (is_cjk(cp) && cjk_doc(c)) {
		if (!F->lang_face_done) {
			F->lang_face_done = true;
			F->lang_face = search(c, cp);
		}
		if (F->lang_face >= 0 && has(c, F->lang_face, cp))
			return F->lang_face;
	}
	if (cp_find(F->nohave, F->nnohave, cp))
		return want;
	if (!F->theme_fallbacks_done)
		theme_fallbacks(c);
	for (int i = PF_NBASE; i < F->n; i++)
		if (has(c, i, cp))
			return i;
	int f = search(c, cp);
	if (f >= 0 && has(c, f, cp))
		return f;
	cp_add(&F->nohave, &F->nnohave, &F->capnohave, cp);
	return want;
}

/* The embedding slot of a face, made on first use. */
static int emb_slot(pdf_ctx *c, const pdf_face *t)
{
	pdf_fonts *F = &c->fonts;
	for (int i = 0; i < F->nemb; i++)
		if (F->emb[i].face == t)
			return i;
	if (F->nemb >= PF_MAX)
		return -1;
	pdf_emb *e = &F->emb[F->nemb];
	memset(e, 0, sizeof *e);
	e->face = t;
	snprintf(e->name, sizeof e->name, "F%d", F->nemb + 1);
	return F->nemb++;
}

int pdf_font_slot(pdf_ctx *c, int f)
{
	pdf_font *pf = &c->fonts.f[f];
	if (pf->emb >= 0 || pf->failed)
		return pf->emb;
	if (resolve(c, f) < 0)
		return -1;
	const pdf_face *t = pdf_cache_face(c->fonts.cache, pf->path, pf->index);
	if (t) {
		pf->face = t;
		pf->emb = emb_slot(c, t);
		if (pf->emb >= 0)
			return pf->emb;
	}
	mc_warn(c->diag, 0, 0, "could not read the font %s (not an OpenType "
	        "font with TrueType or CFF outlines, or damaged)", pf->path);
	pf->failed = true;
	if (f < PF_NBASE && (f & 3)) {
		/* a styled face: use the family's regular one */
		int r = pdf_font_slot(c, f & ~3);
		if (r >= 0) {
			pf->failed = false;
			pf->emb = r;
			pf->face = c->fonts.f[f & ~3].face;
			pf->cover = c->fonts.f[f & ~3].cover;
		}
	}
	return pf->emb;
}

double pdf_glyph_width(pdf_ctx *c, int f, uint32_t cp)
{
	pdf_font *pf = &c->fonts.f[f];
	if (cp < PF_WCACHE && pf->wcache && pf->wcache[cp] >= 0)
		return pf->wcache[cp];
	double w = 0.5;
	if (pdf_font_slot(c, f) >= 0) {
		const pdf_face *t = pf->face;
		w = hb_font_get_glyph_h_advance(t->hb, pdf_face_glyph(t, cp)) /
		    (double)t->upem;
	}
	if (cp < PF_WCACHE) {
		if (!pf->wcache) {
			pf->wcache = mc_xmalloc(PF_WCACHE * sizeof(float));
			for (size_t i = 0; i < PF_WCACHE; i++)
				pf->wcache[i] = -1;
		}
		pf->wcache[cp] = (float)w;
	}
	return w;
}

/* The entry of glyph gid drawn for text (n bytes) in e's hash table:
 * where it is, or the empty slot where it would go.  In a TrueType font
 * a glyph drawn for different texts (an Indic vowel sign reordered in
 * front of different consonants, a glyph shared by two characters) gets
 * an entry, and a CID, per text, so the ToUnicode map gives each its
 * own; in a CFF font the charset fixes one CID per glyph, whose text is
 * that of its first use. */
static size_t emb_probe(const pdf_emb *e, uint32_t gid, const char *text,
                        size_t n)
{
	size_t h = (gid * 2654435761u) & (e->hcap - 1);
	while (e->hval[h]) {
		unsigned i = e->hval[h];
		if (e->hkey[h] == gid &&
		    (e->face->cff ||
		     (e->tlen[i] == n &&
		      (n == 0 || !memcmp(e->texts.data + e->toff[i], text, n)))))
			break;
		h = (h + 1) & (e->hcap - 1);
	}
	return h;
}

/* The CID of glyph gid drawn for text (n bytes, may be 0) in embedded
 * font e, assigned on first use (see pdf_emb and emb_probe). */
static unsigned cid_of(pdf_emb *e, uint32_t gid, const char *text, size_t n)
{
	if (!e->n) { /* entry 0 is .notdef, CID 0 */
		e->cap = 256;
		e->gids = mc_xmalloc(e->cap * sizeof *e->gids);
		e->cids = mc_xmalloc(e->cap * sizeof *e->cids);
		e->toff = mc_xmalloc(e->cap * sizeof *e->toff);
		e->tlen = mc_xmalloc(e->cap * sizeof *e->tlen);
		e->gids[0] = 0;
		e->cids[0] = 0;
		e->toff[0] = 0;
		e->tlen[0] = 0;
		e->n = 1;
	}
	if ((e->n + 1) * 2 >= e->hcap) {
		/* (re)build the hash table at twice the size */
		size_t cap = e->hcap ? e->hcap * 2 : 256;
		free(e->hkey);
		free(e->hval);
		e->hkey = mc_xmalloc(cap * sizeof *e->hkey);
		e->hval = mc_xcalloc(cap, sizeof *e->hval);
		e->hcap = cap;
		for (size_t i = 1; i < e->n; i++) {
			size_t h = (e->gids[i] * 2654435761u) & (cap - 1);
			while (e->hval[h])
				h = (h + 1) & (cap - 1);
			e->hkey[h] = e->gids[i];
			e->hval[h] = (uint16_t)i;
		}
	}
	if (n > 64)
		n = 0; /* no ligature is that long: a guard */
	if (!text)
		n = 0;
	if (gid >= e->face->nglyphs)
		gid = 0;
	if (gid == 0) {
		/* .notdef (a character no face has) is entry 0, CID 0 */
		if (!e->tlen[0] && n) {
			e->toff[0] = (uint32_t)e->texts.len;
			e->tlen[0] = (uint16_t)n;
			mc_buf_put(&e->texts, text, n);
		}
		return 0;
	}
	size_t h = emb_probe(e, gid, text, n);
	if (e->hval[h]) {
		unsigned i = e->hval[h];
		if (!e->tlen[i] && n) { /* CFF: the first text known */
			e->toff[i] = (uint32_t)e->texts.len;
			e->tlen[i] = (uint16_t)n;
			mc_buf_put(&e->texts, text, n);
		}
		return e->cids[i];
	}
	if (e->n >= 0xFFFF)
		return 0; /* no CID left: .notdef */
	if (e->n >= e->cap) {
		e->cap *= 2;
		e->gids = mc_xrealloc(e->gids, e->cap * sizeof *e->gids);
		e->cids = mc_xrealloc(e->cids, e->cap * sizeof *e->cids);
		e->toff = mc_xrealloc(e->toff, e->cap * sizeof *e->toff);
		e->tlen = mc_xrealloc(e->tlen, e->cap * sizeof *e->tlen);
	}
	size_t i = e->n++;
	unsigned cid = e->face->cff ? pdf_face_cid(e->face, gid) : (unsigned)i;
	e->gids[i] = (uint16_t)gid;
	e->cids[i] = (uint16_t)cid;
	e->toff[i] = (uint32_t)e->texts.len;
	e->tlen[i] = (uint16_t)n;
	mc_buf_put(&e->texts, text, n);
	e->hkey[h] = gid;
	e->hval[h] = (uint16_t)i;
	return cid;
}

/* Make e's Type0 font object (filled in later) and list it in the page's
 * resources. */
static int emb_register(pdf_ctx *c, pdf_emb *e, HPDF_Page pg)
{
	if (!e->font) {
		e->font = HPDF_Dict_New(c->pdf->mmgr);
		if (!e->font || HPDF_Xref_Add(c->pdf->xref, e->font) != HPDF_OK)
			return -1;
	}
	if (e->page == pg)
		return 0;
	HPDF_Dict res = HPDF_Dict_GetItem(pg, "Resources", HPDF_OCLASS_DICT);
	if (!res)
		return -1;
	HPDF_Dict fonts = HPDF_Dict_GetItem(res, "Font", HPDF_OCLASS_DICT);
	if (!fonts) {
		fonts = HPDF_Dict_New(c->pdf->mmgr);
		if (!fonts || HPDF_Dict_Add(res, "Font", fonts) != HPDF_OK)
			return -1;
	}
	if (!HPDF_Dict_GetItem(fonts, e->name, HPDF_OCLASS_DICT) &&
	    HPDF_Dict_Add(fonts, e->name, e->font) != HPDF_OK)
		return -1;
	e->page = pg;
	return 0;
}

hb_font_t *pdf_font_hb(pdf_ctx *c, int f, unsigned *upem)
{
	if (pdf_font_slot(c, f) < 0)
		return NULL;
	const pdf_face *t = c->fonts.f[f].face;
	*upem = t->upem;
	return t->hb;
}

/* A number for a content stream: at most 3 decimals, no trailing zeros
 * (deterministic, and short for the common integers). */
static void put_num(mc_buf *b, double v)
{
	long m = lround(v * 1000);
	if (m == 0) {
		mc_buf_putc(b, '0');
		return;
	}
	if (m < 0) {
		mc_buf_putc(b, '-');
		m = -m;
	}
	mc_buf_printf(b, "%ld", m / 1000);
	long f = m % 1000;
	if (f) {
		char d[8]; /* ".ddd" (f < 1000) */
		snprintf(d, sizeof d, ".%03ld", f);
		size_t k = 4;
		while (d[k - 1] == '0')
			k--;
		mc_buf_put(b, d, k);
	}
}

int pdf_font_show(pdf_ctx *c, HPDF_Page pg, int f, float size, bool setfont,
                  const pdf_glyph *g, size_t ng, const char *text,
                  size_t len)
{
	int slot = pdf_font_slot(c, f);
	if (slot < 0)
		return -1;
	pdf_emb *e = &c->fonts.emb[slot];
	if (emb_register(c, e, pg)) {
		c->fonts.show_failed = true;
		return -1;
	}
	HPDF_Stream st = ((HPDF_PageAttr)pg->attr)->stream;
	mc_buf b = MC_BUF_INIT;
	if (setfont) {
		mc_buf_printf(&b, "/%s ", e->name);
		put_num(&b, size);
		mc_buf_puts(&b, " Tf\012");
	}
	/* TJ shows each glyph and advances by its width in the font's /W;
	 * where the shaper placed it otherwise (kerning, marks), a number
	 * in the array moves the pen (in 1000ths of an em, leftwards); a
	 * glyph raised or lowered is shown with its own text rise */
	double rise = 0;
	bool open = false;
	double pend = 0; /* adjustment before the next glyph */
	static const char hd[] = "0123456789ABCDEF";
	for (size_t i = 0; i < ng; i++) {
		const pdf_glyph *q = &g[i];
		const char *t = NULL;
		size_t tn = 0;
		if (q->ncl && q->cl < len && q->ncl <= len - q->cl) {
			t = text + q->cl;
			tn = q->ncl;
		}
		unsigned cid = cid_of(e, q->gid, t, tn);
		double dy = q->dy / 1000.0 * size;
		if (fabs(dy - rise) > 1e-3) {
			if (open)
				mc_buf_puts(&b, "] TJ\012");
			open = false;
			put_num(&b, dy);
			mc_buf_puts(&b, " Ts\012");
			rise = dy;
		}
		if (!open) {
			mc_buf_putc(&b, '[');
			open = true;
		}
		double before = pend + q->dx;
		pend = 0;
		if (fabs(before) >= 0.5) {
			put_num(&b, -before);
			mc_buf_putc(&b, ' ');
		} else {
			pend = before; /* carried, not lost */
		}
		mc_buf_putc(&b, '<');
		mc_buf_putc(&b, hd[cid >> 12]);
		mc_buf_putc(&b, hd[(cid >> 8) & 15]);
		mc_buf_putc(&b, hd[(cid >> 4) & 15]);
		mc_buf_putc(&b, hd[cid & 15]);
		mc_buf_putc(&b, '>');
		/* the PDF advances by /W (pdf_face_width); the shaper by
		 * adv; an adjustment too small to write is carried on, so
		 * rounding errors do not add up along the run */
		double w = pdf_face_width(e->face, cid ? q->gid : 0);
		pend += q->adv - w - q->dx;
	}
	if (open)
		mc_buf_puts(&b, "] TJ\012");
	if (rise != 0)
		mc_buf_puts(&b, "0 Ts\012");
	int rc = 0;
	if (HPDF_Stream_Write(st, (const HPDF_BYTE *)b.data,
	                      (HPDF_UINT)b.len) != HPDF_OK)
		rc = -1;
	mc_buf_free(&b);
	if (rc)
		c->fonts.show_failed = true;
	return rc;
}

/* ---- the embedded fonts, once all pages are drawn ---- */

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
	return (x > y) - (x < y);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Six capital letters naming this subset, from the face and the set of
 * its glyphs (not the order they were drawn in). */
static void subset_tag(const pdf_emb *e, char tag[7])
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (const char *p = e->face->psname; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	uint16_t *g = mc_xmalloc((e->n ? e->n : 1) * sizeof *g);
	memcpy(g, e->gids, e->n * sizeof *g);
	qsort(g, e->n, sizeof *g, cmp_u16);
	for (size_t i = 0; i < e->n; i++) {
		h = (h ^ (g[i] & 0xFF)) * 1099511628211u;
		h = (h ^ (g[i] >> 8)) * 1099511628211u;
	}
	free(g);
	for (int i = 0; i < 6; i++) {
		tag[i] = (char)('A' + h % 26);
		h /= 26;
	}
	tag[6] = 0;
}

/* The UTF-16BE hex of UTF-8 text, for a ToUnicode map. */
static void utf16_hex(mc_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		uint16_t u[2];
		i += pdf_utf8_next(s + i, n - i, &cp);
		for (size_t k = 0, nu = mc_utf16_put(cp, u); k < nu; k++)
			mc_buf_printf(b, "%04X", (unsigned)u[k]);
	}
}

void pdf_cmap_begin(mc_buf *b)
{
	mc_buf_puts(b, "/CIDInit /ProcSet findresource begin\n"
	               "12 dict begin\nbegincmap\n"
	               "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
	               "/Supplement 0 >> def\n"
	               "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
	               "1 begincodespacerange\n<0000> <FFFF>\n"
	               "endcodespacerange\n");
}

void pdf_cmap_end(mc_buf *b)
{
	mc_buf_puts(b, "endcmap\nCMapName currentdict /CMap defineresource "
	               "pop\nend\nend\n");
}

/* Every CID whose text is known maps to it: a ligature's CID to all its
 * characters; a glyph that only ever came second in a cluster (a
 * conjunct's half, a mark) to nothing, so the text is not doubled.
 * ord: e's entries by ascending CID. */
static void tounicode(const pdf_emb *e, const uint32_t *ord, mc_buf *b)
{
	pdf_cmap_begin(b);
	size_t i = 0;
	while (i < e->n) {
		size_t k = 0, j = i;
		while (j < e->n && k < 100)
			if (e->tlen[ord[j++]])
				k++;
		if (k) {
			mc_buf_printf(b, "%zu beginbfchar\n", k);
			for (size_t m = i; m < j; m++) {
				uint32_t x = ord[m];
				if (!e->tlen[x])
					continue;
				mc_buf_printf(b, "<%04X> <", (unsigned)e->cids[x]);
				utf16_hex(b, e->texts.data + e->toff[x],
				          e->tlen[x]);
				mc_buf_puts(b, ">\n");
			}
			mc_buf_puts(b, "endbfchar\n");
		}
		i = j;
	}
	pdf_cmap_end(b);
}

/* A compressed stream object holding data; NULL on failure. */
HPDF_Dict pdf_stream_obj_deflated(pdf_ctx *c, const void *z, size_t len)
{
	HPDF_Dict d = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
	if (!d || pdf_stream_hold(d, z, len, true))
		return NULL;
	return d;
}

HPDF_Dict pdf_stream_obj(pdf_ctx *c, const void *data, size_t len)
{
	mc_buf z = MC_BUF_INIT;
	HPDF_Dict d =
		pdf_flate_put(&c->flate, PDF_FLATE_LEVEL, data, len, &z)
			? NULL
			: pdf_stream_obj_deflated(c, z.data, z.len);
	mc_buf_free(&z);
	return d;
}

/* The /W array: each run of consecutive CIDs as `first [w w ...]`, the
 * widths those pdf_font_show assumed. */
static int widths(pdf_ctx *c, const pdf_emb *e, const uint32_t *ord,
                  HPDF_Array w)
{
	HPDF_MMgr mm = c->pdf->mmgr;
	HPDF_STATUS ret = HPDF_OK;
	HPDF_Array run = NULL;
	for (size_t i = 0; i < e->n; i++) {
		uint32_t x = ord[i];
		if (!run || e->cids[x] != e->cids[ord[i - 1]] + 1) {
			run = HPDF_Array_New(mm);
			if (!run)
				return -1;
			ret |= HPDF_Array_AddNumber(w, e->cids[x]);
			ret |= HPDF_Array_Add(w, run);
		}
		ret |= HPDF_Array_AddNumber(run,
		                            pdf_face_width(e->face, e->gids[x]));
	}
	return ret == HPDF_OK ? 0 : -1;
}

/* The /CIDToGIDMap of a TrueType subset: for each CID, the subset's
 * glyph (2 bytes, big-endian). */
static HPDF_Dict cid_to_gid(pdf_ctx *c, const pdf_emb *e,
                            const uint32_t *newgid)
{
	size_t len = 2 * e->n;
	uint8_t *m = mc_xcalloc(len, 1);
	for (size_t i = 0; i < e->n; i++) {
		/* TrueType CIDs are the entries */
		m[2 * e->cids[i]] = (uint8_t)(newgid[i] >> 8);
		m[2 * e->cids[i] + 1] = (uint8_t)newgid[i];
	}
	HPDF_Dict d = pdf_stream_obj(c, m, len);
	free(m);
	return d;
}

static int emb_finish(pdf_ctx *c, pdf_emb *e)
{
	const pdf_face *t = e->face;
	HPDF_MMgr mm = c->pdf->mmgr;
	HPDF_STATUS ret = HPDF_OK;
	int rc = -1;
	mc_buf tu = MC_BUF_INIT;
	pdf_subset sub;
	const char *why = NULL;
	if (!e->n)
		cid_of(e, 0, NULL, 0); /* .notdef's entry at least */
	uint32_t *ord = mc_xmalloc(e->n * sizeof *ord);
	if (pdf_face_subset(t, e->gids, e->n, &sub, &why)) {
		mc_error(c->diag, 0, 0, "the font %s could not be embedded: %s",
		         t->psname, why);
		goto out;
	}
	/* the entries by CID (all different, and so are the keys) */
	for (size_t i = 0; i < e->n; i++)
		ord[i] = (uint32_t)e->cids[i] << 16 | (uint32_t)i;
	qsort(ord, e->n, sizeof *ord, cmp_u32);
	for (size_t i = 0; i < e->n; i++)
		ord[i] &= 0xFFFF;
	char tag[7], base[80];
	subset_tag(e, tag);
	snprintf(base, sizeof base, "%s+%s", tag, t->psname);

	HPDF_Dict file = pdf_stream_obj(c, sub.data.data, sub.data.len);
	if (!file)
		goto out;
	if (t->cff)
		ret |= HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C");
	else
		ret |= HPDF_Dict_AddNumber(file, "Length1",
		                           (HPDF_INT32)sub.data.len);

	HPDF_Dict desc = HPDF_Dict_New(mm);
	if (!desc || HPDF_Xref_Add(c->pdf->xref, desc) != HPDF_OK)
		goto out;
	ret |= HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
	ret |= HPDF_Dict_AddName(desc, "FontName", base);
	ret |= HPDF_Dict_AddNumber(desc, "Flags", t->flags);
	HPDF_Array bbox = HPDF_Array_New(mm);
	if (!bbox)
		goto out;
	for (int i = 0; i < 4; i++)
		ret |= HPDF_Array_AddNumber(bbox, t->bbox[i]);
	ret |= HPDF_Dict_Add(desc, "FontBBox", bbox);
	ret |= HPDF_Dict_AddReal(desc, "ItalicAngle", (HPDF_REAL)t->italic);
	ret |= HPDF_Dict_AddNumber(desc, "Ascent", t->ascent);
	ret |= HPDF_Dict_AddNumber(desc, "Descent", t->descent);
	ret |= HPDF_Dict_AddNumber(desc, "CapHeight", t->capheight);
	ret |= HPDF_Dict_AddNumber(desc, "StemV", t->stemv);
	ret |= HPDF_Dict_Add(desc, t->cff ? "FontFile3" : "FontFile2", file);

	HPDF_Dict cid = HPDF_Dict_New(mm);
	if (!cid || HPDF_Xref_Add(c->pdf->xref, cid) != HPDF_OK)
		goto out;
	ret |= HPDF_Dict_AddName(cid, "Type", "Font");
	ret |= HPDF_Dict_AddName(cid, "Subtype",
	                         t->cff ? "CIDFontType0" : "CIDFontType2");
	ret |= HPDF_Dict_AddName(cid, "BaseFont", base);
	HPDF_Dict si = HPDF_Dict_New(mm);
	if (!si)
		goto out;
	/* a CID-keyed CFF's own ROS (Identity-H goes with any) */
	const pdf_cff *cf = &t->cffinfo;
	bool ros = t->cff && cf->cid_keyed && cf->registry[0] &&
	           cf->ordering[0];
	ret |= HPDF_Dict_Add(cid, "CIDSystemInfo", si);
	ret |= HPDF_Dict_Add(si, "Registry",
	                     HPDF_String_New(mm, ros ? cf->registry : "Adobe",
	                                     NULL));
	ret |= HPDF_Dict_Add(si, "Ordering",
	                     HPDF_String_New(mm, ros ? cf->ordering : "Identity",
	                                     NULL));
	ret |= HPDF_Dict_AddNumber(si, "Supplement", ros ? cf->supplement : 0);
	ret |= HPDF_Dict_Add(cid, "FontDescriptor", desc);
	if (!t->cff) {
		HPDF_Dict map = cid_to_gid(c, e, sub.newgid);
		if (!map)
			goto out;
		ret |= HPDF_Dict_Add(cid, "CIDToGIDMap", map);
	}
	HPDF_Array w = HPDF_Array_New(mm);
	if (!w)
		goto out;
	ret |= HPDF_Dict_Add(cid, "W", w);
	if (widths(c, e, ord, w))
		goto out;

	tounicode(e, ord, &tu);
	HPDF_Dict tus = pdf_stream_obj(c, tu.data, tu.len);
	if (!tus)
		goto out;

	HPDF_Array desc_fonts = HPDF_Array_New(mm);
	if (!desc_fonts)
		goto out;
	ret |= HPDF_Dict_AddName(e->font, "Type", "Font");
	ret |= HPDF_Dict_AddName(e->font, "Subtype", "Type0");
	ret |= HPDF_Dict_AddName(e->font, "BaseFont", base);
	ret |= HPDF_Dict_AddName(e->font, "Encoding", "Identity-H");
	ret |= HPDF_Dict_Add(e->font, "DescendantFonts", desc_fonts);
	ret |= HPDF_Array_Add(desc_fonts, cid);
	ret |= HPDF_Dict_Add(e->font, "ToUnicode", tus);
	if (ret == HPDF_OK)
		rc = 0;
out:
	pdf_subset_free(&sub);
	mc_buf_free(&tu);
	free(ord);
	return rc;
}

/* "U+4E2D 中, U+6587 文 and 12 more": the first few of a set. */
static void name_cps(mc_buf *b, const uint32_t *v, size_t n)
{
	enum { SHOWN = 8 };
	for (size_t i = 0; i < n && i < SHOWN; i++) {
		char u[4];
		size_t k = mc_utf8_put(v[i], u);
		mc_buf_printf(b, "%sU+%04X ", i ? ", " : "", (unsigned)v[i]);
		mc_buf_put(b, u, k);
	}
	if (n > SHOWN)
		mc_buf_printf(b, " and %zu more", n - SHOWN);
}

/* One warning for the characters no installed font has, one for those
 * beyond the BMP: how many, and the first few by code point. */
static void warn_missing(pdf_ctx *c)
{
	const pdf_fonts *F = &c->fonts;
	mc_buf b = MC_BUF_INIT;
	if (F->nnohave) {
		name_cps(&b, F->nohave, F->nnohave);
		bool emoji = false;
		for (size_t i = 0; i < F->nnohave; i++)
			if ((F->nohave[i] >= 0x1F000 && F->nohave[i] <= 0x1FAFF) ||
			    (F->nohave[i] >= 0x2600 && F->nohave[i] <= 0x27BF))
				emoji = true;
		mc_warn(c->diag, 0, 0,
		        "no installed font has %s %s; %s as blank boxes%s",
		        F->nnohave == 1 ? "the character" : "these characters",
		        b.data, F->nnohave == 1 ? "it prints" : "they print",
		        emoji ? " (emoji need a font in one colour, such as "
		                "Debian's fonts-symbola: colour emoji fonts "
		                "cannot be printed)"
		              : "");
	}
	mc_buf_free(&b);
}

int pdf_fonts_finish(pdf_ctx *c)
{
	warn_missing(c);
	if (c->fonts.show_failed) {
		mc_error(c->diag, 0, 0, "text could not be written to a page");
		return -1;
	}
	for (int i = 0; i < c->fonts.nemb; i++)
		if (c->fonts.emb[i].font && emb_finish(c, &c->fonts.emb[i]))
			return -1;
	return 0;
}
