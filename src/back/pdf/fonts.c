/*
 * fonts.c - TrueType faces for the PDF backend: found with fontconfig from
 * the theme's family names, a fallback face for every character the chosen
 * face lacks, and each font file used embedded as a subset (Type0 font,
 * CIDFontType2, Identity-H) of the glyphs drawn.
 *
 * A face's file is read (through the cache, cache.c; parsed by ttf.c) only
 * when a glyph of it is first measured, and embedded only if text is drawn
 * in it, so a document that never uses bold italic mono does not embed
 * it.  Coverage comes from fontconfig's charset of each face (no glyph is
 * ever drawn from a face that lacks it, so nothing prints as a blank box).
 * The fallback order: the regular face of the same family, the body and
 * heading faces, the theme's `fonts.fallback` families that are installed,
 * then whatever installed TrueType face fontconfig ranks best for the
 * character.  Only TrueType outlines are taken (no CFF, no colour
 * bitmaps).
 *
 * Text is shown as 2-byte CIDs: each font numbers the code points drawn
 * in the order they are first drawn (CID 0 is .notdef), and the subset's
 * glyph i is the glyph of CID i, so the ToUnicode map gives every CID
 * back its own character even where two characters share a glyph.
 */
#include "pdf_int.h"
#include "cache.h"
#include "ttf.h"
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
	f->cs = FcCharSetCopy(r->cs);
	f->emb = -1;
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
	const char *fam[3] = {c->th->fonts.body, c->th->fonts.heading,
	                      c->th->fonts.mono};
	for (int g = 0; g < 3; g++) {
		for (int s = 0; s < 4; s++) {
			bool exact = false;
			pdf_face_ref r;
			if (pdf_cache_match(F->cache, fam[g], s & PF_BOLD,
			                    s & PF_ITALIC, &r, &exact)) {
				if (s == 0) {
					mc_error(c->diag, 0, 0,
					         "no TrueType font found for "
					         "\"%s\" (install fonts-dejavu-core)",
					         fam[g]);
					return -1;
				}
				/* use the regular face for this style */
				pdf_font *rf = &F->f[g * 4];
				pdf_face_ref rr = {rf->path, rf->index, rf->cs};
				take(&F->f[g * 4 + s], &rr);
				continue;
			}
			if (!exact && s == 0)
				mc_warn(c->diag, 0, 0,
				        "font family \"%s\" is not installed; "
				        "using a substitute",
				        fam[g]);
			take(&F->f[g * 4 + s], &r);
		}
	}
	F->n = PF_NBASE;
	return 0;
}

void pdf_fonts_free(pdf_ctx *c)
{
	pdf_fonts *F = &c->fonts;
	free(F->nohave);
	F->nohave = NULL;
	F->nnohave = F->capnohave = 0;
	free(F->astral);
	F->astral = NULL;
	F->nastral = F->capastral = 0;
	for (int i = 0; i < F->n; i++) {
		free(F->f[i].path);
		free(F->f[i].wcache);
		if (F->f[i].cs)
			FcCharSetDestroy(F->f[i].cs);
	}
	F->n = 0;
	for (int i = 0; i < F->nemb; i++) {
		free(F->emb[i].gids);
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

/* Any installed usable face that has cp, best ranked first. */
static int search(pdf_ctx *c, uint32_t cp)
{
	pdf_face_ref r;
	if (pdf_cache_search(c->fonts.cache, cp, &r))
		return -1;
	return add_face(c, &r);
}

static bool has(pdf_ctx *c, int f, uint32_t cp)
{
	pdf_font *pf = &c->fonts.f[f];
	return !pf->failed && pf->cs && FcCharSetHasChar(pf->cs, cp);
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

uint32_t pdf_font_bmp(pdf_ctx *c, uint32_t cp)
{
	if (cp <= 0xFFFF)
		return cp;
	pdf_fonts *F = &c->fonts;
	cp_add(&F->astral, &F->nastral, &F->capastral, cp);
	return 0xFFFD;
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

/* The embedding slot of a parsed file, made on first use. */
static int emb_slot(pdf_ctx *c, const pdf_ttf *t)
{
	pdf_fonts *F = &c->fonts;
	for (int i = 0; i < F->nemb; i++)
		if (F->emb[i].ttf == t)
			return i;
	if (F->nemb >= PF_MAX)
		return -1;
	pdf_emb *e = &F->emb[F->nemb];
	memset(e, 0, sizeof *e);
	e->ttf = t;
	snprintf(e->name, sizeof e->name, "F%d", F->nemb + 1);
	return F->nemb++;
}

int pdf_font_slot(pdf_ctx *c, int f)
{
	pdf_font *pf = &c->fonts.f[f];
	if (pf->emb >= 0 || pf->failed)
		return pf->emb;
	const pdf_ttf *t = pdf_cache_ttf(c->fonts.cache, pf->path, pf->index);
	if (t) {
		pf->ttf = t;
		pf->emb = emb_slot(c, t);
		if (pf->emb >= 0)
			return pf->emb;
	}
	mc_warn(c->diag, 0, 0, "could not read the font %s (not a TrueType "
	        "font, or damaged)", pf->path);
	pf->failed = true;
	if (f < PF_NBASE && (f & 3)) {
		/* a styled face: use the family's regular one */
		int r = pdf_font_slot(c, f & ~3);
		if (r >= 0) {
			pf->failed = false;
			pf->emb = r;
			pf->ttf = c->fonts.f[f & ~3].ttf;
			FcCharSetDestroy(pf->cs);
			pf->cs = FcCharSetCopy(c->fonts.f[f & ~3].cs);
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
	if (pdf_font_slot(c, f) >= 0)
		w = pdf_ttf_width(pf->ttf, pdf_ttf_glyph(pf->ttf, cp)) / 1000.0;
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

/* The CID of glyph gid in embedded font e, assigned on first use; text
 * (n bytes, may be 0) is what it stands for, kept from its first use
 * that has any. */
static unsigned cid_of(pdf_emb *e, uint32_t gid, const char *text, size_t n)
{
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
	size_t h = (gid * 2654435761u) & (e->hcap - 1);
	while (e->hval[h]) {
		if (e->hkey[h] == gid) {
			unsigned cid = e->hval[h];
			if (!e->tlen[cid] && n) {
				e->toff[cid] = (uint32_t)e->texts.len;
				e->tlen[cid] = (uint16_t)n;
				mc_buf_put(&e->texts, text, n);
			}
			return cid;
		}
		h = (h + 1) & (e->hcap - 1);
	}
	if (e->n >= 0xFFFF || gid > 0xFFFF)
		return 0; /* no CID left: .notdef */
	if (!e->n) { /* CID 0 is .notdef */
		e->cap = 256;
		e->gids = mc_xmalloc(e->cap * sizeof *e->gids);
		e->toff = mc_xmalloc(e->cap * sizeof *e->toff);
		e->tlen = mc_xmalloc(e->cap * sizeof *e->tlen);
		e->gids[0] = 0;
		e->toff[0] = 0;
		e->tlen[0] = 0;
		e->n = 1;
	}
	if (e->n >= e->cap) {
		e->cap *= 2;
		e->gids = mc_xrealloc(e->gids, e->cap * sizeof *e->gids);
		e->toff = mc_xrealloc(e->toff, e->cap * sizeof *e->toff);
		e->tlen = mc_xrealloc(e->tlen, e->cap * sizeof *e->tlen);
	}
	unsigned cid = (unsigned)e->n++;
	e->gids[cid] = (uint16_t)gid;
	e->toff[cid] = (uint32_t)e->texts.len;
	e->tlen[cid] = (uint16_t)n;
	mc_buf_put(&e->texts, text, n);
	e->hkey[h] = gid;
	e->hval[h] = (uint16_t)cid;
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
	const pdf_ttf *t = c->fonts.f[f].ttf;
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
		char d[5];
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
		double dy = q->dy * size;
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
		double before = pend + q->dx * 1000;
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
		/* the PDF advances by /W; the shaper by adv */
		double w = pdf_ttf_width(e->ttf, q->gid);
		pend += q->adv * 1000 - w - q->dx * 1000;
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

/* Six capital letters naming this subset, from its glyphs. */
static void subset_tag(const pdf_emb *e, char tag[7])
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (const char *p = e->ttf->psname; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	for (size_t i = 0; i < e->n; i++) {
		h = (h ^ (e->gids[i] & 0xFF)) * 1099511628211u;
		h = (h ^ (e->gids[i] >> 8)) * 1099511628211u;
	}
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
		i += pdf_utf8_next(s + i, n - i, &cp);
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			cp = 0xFFFD;
		if (cp > 0xFFFF)
			mc_buf_printf(b, "%04X%04X",
			              (unsigned)(0xD800 + ((cp - 0x10000) >> 10)),
			              (unsigned)(0xDC00 + ((cp - 0x10000) & 0x3FF)));
		else
			mc_buf_printf(b, "%04X", (unsigned)cp);
	}
}

/* Every CID whose text is known maps to it: a ligature's CID to all its
 * characters; a glyph that only ever came second in a cluster (a
 * conjunct's half, a mark) to nothing, so the text is not doubled. */
static void tounicode(const pdf_emb *e, mc_buf *b)
{
	mc_buf_puts(b, "/CIDInit /ProcSet findresource begin\n"
	               "12 dict begin\nbegincmap\n"
	               "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
	               "/Supplement 0 >> def\n"
	               "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
	               "1 begincodespacerange\n<0000> <FFFF>\n"
	               "endcodespacerange\n");
	size_t i = 1;
	while (i < e->n) {
		size_t k = 0, j = i;
		while (j < e->n && k < 100)
			if (e->tlen[j++])
				k++;
		if (k) {
			mc_buf_printf(b, "%zu beginbfchar\n", k);
			for (size_t m = i; m < j; m++) {
				if (!e->tlen[m])
					continue;
				mc_buf_printf(b, "<%04zX> <", m);
				utf16_hex(b, e->texts.data + e->toff[m],
				          e->tlen[m]);
				mc_buf_puts(b, ">\n");
			}
			mc_buf_puts(b, "endbfchar\n");
		}
		i = j;
	}
	mc_buf_puts(b, "endcmap\nCMapName currentdict /CMap defineresource "
	               "pop\nend\nend\n");
}

/* A compressed stream object holding data; NULL on failure. */
static HPDF_Dict stream_obj(pdf_ctx *c, const void *data, size_t len)
{
	HPDF_Dict d = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
	if (!d)
		return NULL;
	d->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	if (HPDF_Stream_Write(d->stream, (const HPDF_BYTE *)data,
	                      (HPDF_UINT)len) != HPDF_OK)
		return NULL;
	return d;
}

static int emb_finish(pdf_ctx *c, pdf_emb *e)
{
	const pdf_ttf *t = e->ttf;
	HPDF_MMgr mm = c->pdf->mmgr;
	HPDF_STATUS ret = HPDF_OK;
	int rc = -1;
	mc_buf ff = MC_BUF_INIT, tu = MC_BUF_INIT;
	static const uint16_t notdef = 0;
	if (pdf_ttf_subset(t, e->n ? e->gids : &notdef, e->n ? e->n : 1,
	                   &ff)) {
		mc_error(c->diag, 0, 0, "the font %s is damaged", t->psname);
		goto out;
	}
	char tag[7], base[80];
	subset_tag(e, tag);
	snprintf(base, sizeof base, "%s+%s", tag, t->psname);

	HPDF_Dict file = stream_obj(c, ff.data, ff.len);
	if (!file)
		goto out;
	ret |= HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)ff.len);

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
	ret |= HPDF_Dict_Add(desc, "FontFile2", file);

	HPDF_Dict cid = HPDF_Dict_New(mm);
	if (!cid || HPDF_Xref_Add(c->pdf->xref, cid) != HPDF_OK)
		goto out;
	ret |= HPDF_Dict_AddName(cid, "Type", "Font");
	ret |= HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2");
	ret |= HPDF_Dict_AddName(cid, "BaseFont", base);
	HPDF_Dict si = HPDF_Dict_New(mm);
	if (!si)
		goto out;
	ret |= HPDF_Dict_Add(cid, "CIDSystemInfo", si);
	ret |= HPDF_Dict_Add(si, "Registry", HPDF_String_New(mm, "Adobe", NULL));
	ret |= HPDF_Dict_Add(si, "Ordering",
	                     HPDF_String_New(mm, "Identity", NULL));
	ret |= HPDF_Dict_AddNumber(si, "Supplement", 0);
	ret |= HPDF_Dict_Add(cid, "FontDescriptor", desc);
	ret |= HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");
	HPDF_Array w = HPDF_Array_New(mm), ws = HPDF_Array_New(mm);
	if (!w || !ws)
		goto out;
	ret |= HPDF_Dict_Add(cid, "W", w);
	ret |= HPDF_Array_AddNumber(w, 0);
	ret |= HPDF_Array_Add(w, ws);
	ret |= HPDF_Array_AddNumber(ws, pdf_ttf_width(t, 0));
	for (size_t i = 1; i < e->n; i++)
		ret |= HPDF_Array_AddNumber(ws, pdf_ttf_width(t, e->gids[i]));

	tounicode(e, &tu);
	HPDF_Dict tus = stream_obj(c, tu.data, tu.len);
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
	mc_buf_free(&ff);
	mc_buf_free(&tu);
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
		mc_warn(c->diag, 0, 0,
		        "no installed font has %s %s; %s as blank boxes",
		        F->nnohave == 1 ? "the character" : "these characters",
		        b.data, F->nnohave == 1 ? "it prints" : "they print");
	}
	if (F->nastral) {
		b.len = 0;
		name_cps(&b, F->astral, F->nastral);
		mc_warn(c->diag, 0, 0,
		        "the PDF cannot print characters beyond Unicode's Basic "
		        "Multilingual Plane (emoji, rarer CJK) yet: %s %s as "
		        "U+FFFD \xEF\xBF\xBD (the EPUB and DOCX keep them)",
		        b.data, F->nastral == 1 ? "prints" : "print");
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
