/*
 * fonts.c - TrueType faces for the PDF backend: found with fontconfig from
 * the theme's family names, embedded by libharu with UTF-8 encoding, and a
 * fallback face for every character the chosen face lacks.
 *
 * A face is loaded into libharu only when a glyph of it is first measured,
 * so a document that never uses bold italic mono does not embed it.
 * Coverage comes from fontconfig's charset of each face (no glyph is ever
 * drawn from a face that lacks it, so nothing prints as a blank box).  The
 * fallback order: the regular face of the same family, the body and heading
 * faces, the theme's `fonts.fallback` families that are installed, then
 * whatever installed TrueType face fontconfig ranks best for the character.
 * libharu reads only TrueType outlines (no CFF, no colour bitmaps), so only
 * those are taken.
 */
#include "pdf_int.h"

#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

size_t pdf_utf8_next(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n == 0) {
		*cp = 0;
		return 1;
	}
	unsigned c0 = u[0];
	size_t len;
	uint32_t v;
	if (c0 < 0x80) {
		*cp = c0;
		return 1;
	} else if ((c0 & 0xE0) == 0xC0) {
		len = 2;
		v = c0 & 0x1F;
	} else if ((c0 & 0xF0) == 0xE0) {
		len = 3;
		v = c0 & 0x0F;
	} else if ((c0 & 0xF8) == 0xF0) {
		len = 4;
		v = c0 & 0x07;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if (len > n) {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (u[i] & 0x3F);
	}
	*cp = v;
	return len;
}

/* Is this face one libharu can embed?  TrueType outlines, not colour. */
static bool usable(FcPattern *p)
{
	FcChar8 *fmt = NULL, *file = NULL;
	FcBool color = FcFalse;
	if (FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch)
		return false;
	if (FcPatternGetString(p, FC_FONTFORMAT, 0, &fmt) == FcResultMatch &&
	    strcmp((const char *)fmt, "TrueType") != 0)
		return false;
	if (FcPatternGetBool(p, FC_COLOR, 0, &color) == FcResultMatch && color)
		return false;
	const char *dot = strrchr((const char *)file, '.');
	return dot && (!strcasecmp(dot, ".ttf") || !strcasecmp(dot, ".ttc"));
}

/* Fill face f from a matched pattern. */
static void take(pdf_font *f, FcPattern *p)
{
	FcChar8 *file = NULL;
	FcCharSet *cs = NULL;
	int index = 0;
	FcPatternGetString(p, FC_FILE, 0, &file);
	FcPatternGetInteger(p, FC_INDEX, 0, &index);
	f->path = mc_xmalloc(strlen((const char *)file) + 1);
	strcpy(f->path, (const char *)file);
	f->index = index;
	if (FcPatternGetCharSet(p, FC_CHARSET, 0, &cs) == FcResultMatch)
		f->cs = FcCharSetCopy(cs);
	else
		f->cs = FcCharSetCreate();
}

/* Match a family with a weight and slant.  Returns the matched pattern
 * (caller destroys) or NULL; *exact tells whether the family is the one
 * asked for (not a substitute). */
static FcPattern *match(FcConfig *cfg, const char *family, bool bold,
                        bool italic, bool *exact)
{
	FcPattern *pat = FcPatternCreate();
	if (!pat)
		return NULL;
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
	FcPatternAddInteger(pat, FC_WEIGHT,
	                    bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
	FcPatternAddInteger(pat, FC_SLANT,
	                    italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
	FcPatternAddBool(pat, FC_SCALABLE, FcTrue);
	FcConfigSubstitute(cfg, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	FcResult res;
	FcPattern *m = FcFontMatch(cfg, pat, &res);
	FcPatternDestroy(pat);
	if (!m)
		return NULL;
	FcChar8 *got = NULL;
	*exact = false;
	for (int i = 0; FcPatternGetString(m, FC_FAMILY, i, &got) ==
	                FcResultMatch; i++)
		if (!strcasecmp((const char *)got, family))
			*exact = true;
	if (!usable(m)) {
		FcPatternDestroy(m);
		return NULL;
	}
	return m;
}

int pdf_fonts_init(pdf_ctx *c)
{
	pdf_fonts *F = &c->fonts;
	memset(F, 0, sizeof *F);
	/* a configuration of our own, not fontconfig's global one: freed
	 * with the conversion, shared with nobody */
	F->cfg = FcInitLoadConfigAndFonts();
	if (!F->cfg) {
		mc_error(c->diag, 0, 0, "fontconfig could not be initialised");
		return -1;
	}
	const char *fam[3] = {c->th->fonts.body, c->th->fonts.heading,
	                      c->th->fonts.mono};
	for (int g = 0; g < 3; g++) {
		for (int s = 0; s < 4; s++) {
			bool exact = false;
			FcPattern *m = match(F->cfg, fam[g], s & PF_BOLD,
			                     s & PF_ITALIC, &exact);
			if (!m) {
				if (s == 0) {
					mc_error(c->diag, 0, 0,
					         "no TrueType font found for "
					         "\"%s\" (install fonts-dejavu-core)",
					         fam[g]);
					return -1;
				}
				/* use the regular face for this style */
				pdf_font *r = &F->f[g * 4];
				pdf_font *f = &F->f[g * 4 + s];
				f->path = mc_xmalloc(strlen(r->path) + 1);
				strcpy(f->path, r->path);
				f->index = r->index;
				f->cs = FcCharSetCopy(r->cs);
				continue;
			}
			if (!exact && s == 0)
				mc_warn(c->diag, 0, 0,
				        "font family \"%s\" is not installed; "
				        "using a substitute",
				        fam[g]);
			take(&F->f[g * 4 + s], m);
			FcPatternDestroy(m);
		}
	}
	F->n = PF_NBASE;
	return 0;
}

void pdf_fonts_free(pdf_ctx *c)
{
	pdf_fonts *F = &c->fonts;
	for (int i = 0; i < F->n; i++) {
		free(F->f[i].path);
		free(F->f[i].wcache);
		if (F->f[i].cs)
			FcCharSetDestroy(F->f[i].cs);
	}
	F->n = 0;
	if (F->cfg)
		FcConfigDestroy(F->cfg);
	F->cfg = NULL;
}

/* Add a fallback face unless its file is already there; returns its
 * index or -1. */
static int add_face(pdf_ctx *c, FcPattern *m)
{
	pdf_fonts *F = &c->fonts;
	FcChar8 *file = NULL;
	int index = 0;
	FcPatternGetString(m, FC_FILE, 0, &file);
	FcPatternGetInteger(m, FC_INDEX, 0, &index);
	for (int i = PF_NBASE; i < F->n; i++)
		if (!strcmp(F->f[i].path, (const char *)file) &&
		    F->f[i].index == index)
			return i;
	if (F->n >= PF_MAX)
		return -1;
	take(&F->f[F->n], m);
	return F->n++;
}

static void theme_fallbacks(pdf_ctx *c)
{
	pdf_fonts *F = &c->fonts;
	F->theme_fallbacks_done = true;
	for (size_t i = 0; i < c->th->fonts.nfallback; i++) {
		bool exact = false;
		FcPattern *m = match(F->cfg, c->th->fonts.fallback[i], false,
		                     false, &exact);
		if (!m)
			continue;
		if (exact)
			add_face(c, m);
		FcPatternDestroy(m);
	}
}

/* Any installed usable face that has cp, best ranked first. */
static int search(pdf_ctx *c, uint32_t cp)
{
	FcPattern *pat = FcPatternCreate();
	FcCharSet *cs = FcCharSetCreate();
	int found = -1;
	if (!pat || !cs)
		goto out;
	FcCharSetAddChar(cs, cp);
	FcPatternAddCharSet(pat, FC_CHARSET, cs);
	FcPatternAddBool(pat, FC_SCALABLE, FcTrue);
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"sans-serif");
	FcConfigSubstitute(c->fonts.cfg, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	FcResult res;
	FcFontSet *set = FcFontSort(c->fonts.cfg, pat, FcFalse, NULL, &res);
	if (set) {
		for (int i = 0; i < set->nfont && found < 0; i++) {
			FcPattern *m = set->fonts[i];
			FcCharSet *mcs = NULL;
			if (FcPatternGetCharSet(m, FC_CHARSET, 0, &mcs) !=
			            FcResultMatch ||
			    !FcCharSetHasChar(mcs, cp) || !usable(m))
				continue;
			found = add_face(c, m);
		}
		FcFontSetDestroy(set);
	}
out:
	if (pat)
		FcPatternDestroy(pat);
	if (cs)
		FcCharSetDestroy(cs);
	return found;
}

static bool has(pdf_ctx *c, int f, uint32_t cp)
{
	pdf_font *pf = &c->fonts.f[f];
	return !pf->failed && pf->cs && FcCharSetHasChar(pf->cs, cp);
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
	for (int i = 0; i < F->nnohave; i++)
		if (F->nohave[i] == cp)
			return want;
	if (!F->theme_fallbacks_done)
		theme_fallbacks(c);
	for (int i = PF_NBASE; i < F->n; i++)
		if (has(c, i, cp))
			return i;
	int f = search(c, cp);
	if (f >= 0 && has(c, f, cp))
		return f;
	if (F->nnohave < (int)(sizeof F->nohave / sizeof F->nohave[0])) {
		F->nohave[F->nnohave++] = cp;
		mc_warn(c->diag, 0, 0,
		        "no installed font has the character U+%04X; it will "
		        "print as a blank box",
		        (unsigned)cp);
	}
	return want;
}

/* libharu 2.3.0 gives UTF-8 fonts a ToUnicode CMap made of `cidrange`
 * operators, which are not allowed there (poppler warns and guesses).  Its
 * codes are the characters' UTF-16 values, so the right map is the
 * identity: write that instead, as bfranges within one high byte each. */
static void fix_tounicode(pdf_ctx *c, HPDF_Font font)
{
	HPDF_Dict tu = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
	if (!tu || !tu->stream) {
		HPDF_ResetError(c->pdf);
		c->err = 0;
		return;
	}
	mc_buf b = MC_BUF_INIT;
	mc_buf_puts(&b, "/CIDInit /ProcSet findresource begin\n"
	                "12 dict begin\nbegincmap\n"
	                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
	                "/Supplement 0 >> def\n"
	                "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
	                "1 begincodespacerange\n<0000> <FFFF>\n"
	                "endcodespacerange\n");
	int hi[256], n = 0;
	for (int h = 0; h < 256; h++)
		if (h < 0xD8 || h > 0xDF)
			hi[n++] = h;
	for (int i = 0; i < n; i += 100) {
		int k = n - i < 100 ? n - i : 100;
		mc_buf_printf(&b, "%d beginbfrange\n", k);
		for (int j = i; j < i + k; j++)
			mc_buf_printf(&b, "<%02X00> <%02XFF> <%02X00>\n", hi[j],
			              hi[j], hi[j]);
		mc_buf_puts(&b, "endbfrange\n");
	}
	mc_buf_puts(&b, "endcmap\nCMapName currentdict /CMap defineresource "
	                "pop\nend\nend\n");
	HPDF_MemStream_FreeData(tu->stream);
	if (HPDF_Stream_Write(tu->stream, (const HPDF_BYTE *)b.data,
	                      (HPDF_UINT)b.len) != HPDF_OK) {
		HPDF_ResetError(c->pdf);
		c->err = 0;
	}
	mc_buf_free(&b);
}

HPDF_Font pdf_font_handle(pdf_ctx *c, int f)
{
	pdf_font *pf = &c->fonts.f[f];
	if (pf->font || pf->failed)
		return pf->font;
	/* the same file may serve several styles: load it once */
	for (int i = 0; i < c->fonts.n; i++) {
		pdf_font *o = &c->fonts.f[i];
		if (i != f && o->font && !strcmp(o->path, pf->path) &&
		    o->index == pf->index) {
			pf->font = o->font;
			return pf->font;
		}
	}
	const char *name;
	const char *dot = strrchr(pf->path, '.');
	if (dot && !strcasecmp(dot, ".ttc"))
		name = HPDF_LoadTTFontFromFile2(c->pdf, pf->path,
		                                (HPDF_UINT)pf->index, HPDF_TRUE);
	else
		name = HPDF_LoadTTFontFromFile(c->pdf, pf->path, HPDF_TRUE);
	HPDF_Font font = name ? HPDF_GetFont(c->pdf, name, "UTF-8") : NULL;
	if (!font) {
		mc_warn(c->diag, 0, 0, "could not load the font %s (libharu "
		        "error 0x%04X)", pf->path, (unsigned)c->err);
		HPDF_ResetError(c->pdf);
		c->err = 0;
		pf->failed = true;
		if (f < PF_NBASE && (f & 3)) {
			/* a styled face: use the family's regular one */
			HPDF_Font r = pdf_font_handle(c, f & ~3);
			if (r) {
				pf->failed = false;
				pf->font = r;
				FcCharSetDestroy(pf->cs);
				pf->cs = FcCharSetCopy(c->fonts.f[f & ~3].cs);
			}
		}
		return pf->font;
	}
	fix_tounicode(c, font);
	pf->font = font;
	return font;
}

double pdf_glyph_width(pdf_ctx *c, int f, uint32_t cp)
{
	pdf_font *pf = &c->fonts.f[f];
	if (cp < PF_WCACHE && pf->wcache && pf->wcache[cp] >= 0)
		return pf->wcache[cp];
	HPDF_Font font = pdf_font_handle(c, f);
	double w = 0.5;
	if (font) {
		HPDF_INT u = HPDF_Font_GetUnicodeWidth(font, (HPDF_UNICODE)
		                                       (cp > 0xFFFF ? 0xFFFD : cp));
		w = u / 1000.0;
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

double pdf_text_width(pdf_ctx *c, int f, const char *s, size_t n)
{
	double w = 0;
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		i += pdf_utf8_next(s + i, n - i, &cp);
		w += pdf_glyph_width(c, f, cp);
	}
	return w;
}
