/*
 * fieldfont.c - the font that form fields type in.
 *
 * A form filler (a viewer, pypdf, poppler) writes the text a user types
 * into a field with the font its /DA names, found in the AcroForm's /DR:
 * it can only show what that font has, and it must encode the text
 * itself.  So the fields get a whole face (the user may type anything):
 * all its glyphs, without hinting or layout tables (hb-subset, face.c),
 * as a Type0 font with Encoding Identity-H over a CIDFontType2 whose
 * CIDs are the glyph ids (CIDToGIDMap Identity), the widths of all its
 * glyphs, and a ToUnicode map of its whole cmap, every glyph back to the
 * (lowest) code point that maps to it.  A filler encodes typed text by
 * reading that map backwards (poppler does).
 *
 * The face is the body face (fonts.c's, matched by fontconfig for the
 * theme's body family) if it has the document's script, else the face
 * fonts.c falls back to for that script, if it is a TrueType one (an
 * Arabic worksheet gets an Arabic font).  Made only for a document with
 * a text field (fields.c asks for it at the first one).
 */
#include "pdf_int.h"

#include "cachefile.h"
#include "face.h"

#include <hb-ot.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


/* The ToUnicode CMap of gid -> code point (0: none), in runs where the
 * glyphs and the code points both go up by one (bfrange), single glyphs
 * otherwise (bfchar); at most 100 entries a block. */
static void tounicode(const uint32_t *uni, unsigned ng, mc_buf *b)
{
	pdf_cmap_begin(b);
	mc_buf ranges = MC_BUF_INIT, chars = MC_BUF_INIT;
	size_t nr = 0, nc = 0;
	unsigned g = 0;
	while (g < ng) {
		uint32_t u = uni[g];
		if (!u) {
			g++;
			continue;
		}
		/* a run: same high byte of the CID, the code point's low byte
		 * not wrapping, within the BMP */
		unsigned k = 1;
		while (u <= 0xFFFF && g + k < ng && uni[g + k] == u + k &&
		       ((g + k) >> 8) == (g >> 8) &&
		       ((u + k) >> 8) == (u >> 8))
			k++;
		if (k > 1) {
			mc_buf_printf(&ranges, "<%04X> <%04X> <%04X>\n", g,
			              g + k - 1, (unsigned)u);
			if (++nr % 100 == 0) {
				mc_buf_printf(b, "100 beginbfrange\n");
				mc_buf_put(b, ranges.data, ranges.len);
				mc_buf_puts(b, "endbfrange\n");
				ranges.len = 0;
			}
		} else {
			if (u > 0xFFFF)
				mc_buf_printf(&chars, "<%04X> <%04X%04X>\n", g,
				              (unsigned)(0xD800 +
				                         ((u - 0x10000) >> 10)),
				              (unsigned)(0xDC00 +
				                         ((u - 0x10000) & 0x3FF)));
			else
				mc_buf_printf(&chars, "<%04X> <%04X>\n", g,
				              (unsigned)u);
			if (++nc % 100 == 0) {
				mc_buf_printf(b, "100 beginbfchar\n");
				mc_buf_put(b, chars.data, chars.len);
				mc_buf_puts(b, "endbfchar\n");
				chars.len = 0;
			}
		}
		g += k;
	}
	if (nr % 100) {
		mc_buf_printf(b, "%zu beginbfrange\n", nr % 100);
		mc_buf_put(b, ranges.data, ranges.len);
		mc_buf_puts(b, "endbfrange\n");
	}
	if (nc % 100) {
		mc_buf_printf(b, "%zu beginbfchar\n", nc % 100);
		mc_buf_put(b, chars.data, chars.len);
		mc_buf_puts(b, "endbfchar\n");
	}
	mc_buf_free(&ranges);
	mc_buf_free(&chars);
	pdf_cmap_end(b);
}

/* The /W array of all ng widths: runs of one width as `first last w`,
 * the rest as `first [w ...]` (at most 4096 a sub-array). */
static HPDF_STATUS widths(HPDF_MMgr mm, HPDF_Array w, const int *wd,
                          unsigned ng)
{
	HPDF_STATUS ret = HPDF_OK;
	unsigned g = 0;
	while (g < ng && ret == HPDF_OK) {
		unsigned k = 1;
		while (g + k < ng && wd[g + k] == wd[g])
			k++;
		if (k >= 4) {
			ret |= HPDF_Array_AddNumber(w, (HPDF_INT32)g);
			ret |= HPDF_Array_AddNumber(w, (HPDF_INT32)(g + k - 1));
			ret |= HPDF_Array_AddNumber(w, wd[g]);
			g += k;
			continue;
		}
		/* a list up to the next run of four, or 4096 widths */
		unsigned e = g;
		while (e < ng && e - g < 4096) {
			unsigned r = 1;
			while (e + r < ng && r < 4 && wd[e + r] == wd[e])
				r++;
			if (r >= 4)
				break;
			e++;
		}
		HPDF_Array a = HPDF_Array_New(mm);
		if (!a)
			return HPDF_FAILD_TO_ALLOC_MEM;
		ret |= HPDF_Array_AddNumber(w, (HPDF_INT32)g);
		ret |= HPDF_Array_Add(w, a);
		for (; g < e; g++)
			ret |= HPDF_Array_AddNumber(a, wd[g]);
	}
	return ret;
}

/* A character of the document's language's script, or 0 (Latin, or a
 * script the body faces have anyway). */
static uint32_t script_sample(const char *lang)
{
	static const struct {
		const char *lang;
		uint32_t cp;
	} s[] = {{"ar", 0x0627}, {"fa", 0x0627}, {"ur", 0x0627},
	         {"ps", 0x0627}, {"he", 0x05D0}, {"yi", 0x05D0},
	         {"hi", 0x0915}, {"mr", 0x0915}, {"ne", 0x0915},
	         {"bn", 0x0995}, {"ta", 0x0B95}, {"th", 0x0E01},
	         {"am", 0x1200}, {"ka", 0x10D0}, {"hy", 0x0561},
	         {"el", 0x03B1}, {"ru", 0x0430}, {"uk", 0x0430},
	         {"bg", 0x0430}, {"sr", 0x0430}};
	size_t n = 0;
	while (lang && lang[n] && lang[n] != '-' && lang[n] != '_')
		n++;
	for (size_t i = 0; i < sizeof s / sizeof *s; i++)
		if (strlen(s[i].lang) == n && !strncasecmp(lang, s[i].lang, n))
			return s[i].cp;
	return 0;
}

/* The parts of the face's embedding that take time (its subset, about
 * 10 ms for DejaVu Sans, and their compression), into out for the run
 * cache (pdf_cache_derived: made once a run and kept between runs):
 * the glyph count, the subset's length, the subset and the ToUnicode
 * CMap compressed (each a length and bytes), and every glyph's width.
 * Returns 0, or -1 with *why. */
static int make_parts(const pdf_face *t, mc_buf *out, const char **why)
{
	unsigned ng = t->nglyphs;
	hb_set_t *set = hb_set_create();
	uint32_t *uni = NULL;
	uint16_t *all = NULL;
	pdf_subset sub = {MC_BUF_INIT, NULL};
	mc_buf tu = MC_BUF_INIT, z = MC_BUF_INIT;
	pdf_flate fl = {0};
	int rc = -1;
	/* TrueType outlines (FontFile2), and at most 65536 glyphs (CIDs) */
	if (!hb_set_allocation_successful(set) || t->cff || ng == 0 ||
	    ng > 65536)
		goto out;
	/* every glyph: the subset keeps their numbers, so CID = glyph */
	all = mc_xmalloc(ng * sizeof *all);
	for (unsigned g = 0; g < ng; g++)
		all[g] = (uint16_t)g;
	if (pdf_face_subset(t, all, ng, &sub, why))
		goto out;
	for (unsigned g = 0; g < ng; g++)
		if (sub.newgid[g] != g) {
			*why = "the glyphs were renumbered";
			goto out;
		}
	/* the lowest code point of each glyph */
	uni = mc_xcalloc(ng, sizeof *uni);
	hb_face_collect_unicodes(t->face, set);
	if (!hb_set_allocation_successful(set))
		goto out;
	hb_codepoint_t cp = HB_SET_VALUE_INVALID;
	while (hb_set_next(set, &cp)) {
		unsigned gid = pdf_face_glyph(t, cp);
		if (cp && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF) &&
		    gid && gid < ng && !uni[gid])
			uni[gid] = cp;
	}
	tounicode(uni, ng, &tu);
	pcf_put_u32(out, ng);
	pcf_put_u32(out, (uint32_t)sub.data.len);
	if (pdf_flate_put(&fl, PDF_FLATE_LEVEL, sub.data.data, sub.data.len,
	                  &z))
		goto out;
	pcf_put_bytes(out, z.data, z.len);
	mc_buf_clear(&z);
	if (pdf_flate_put(&fl, PDF_FLATE_LEVEL, tu.data, tu.len, &z))
		goto out;
	pcf_put_bytes(out, z.data, z.len);
	for (unsigned g = 0; g < ng; g++)
		pcf_put_u32(out, (uint32_t)pdf_face_width(t, g));
	rc = 0;
out:
	pdf_flate_free(&fl);
	mc_buf_free(&tu);
	mc_buf_free(&z);
	pdf_subset_free(&sub);
	free(all);
	free(uni);
	hb_set_destroy(set);
	return rc;
}

HPDF_Dict pdf_fieldfont_make(pdf_ctx *c)
{
	int f = PF_BODY;
	uint32_t sample = script_sample(c->doc ? c->doc->meta.lang : NULL);
	if (sample) {
		int g = pdf_font_for(c, PF_BODY, sample);
		if (g != PF_BODY && pdf_font_slot(c, g) >= 0 &&
		    !c->fonts.f[g].face->cff)
			f = g;
	}
	if (pdf_font_slot(c, f) < 0) {
		mc_error(c->diag, 0, 0, "no font for the form fields");
		return NULL;
	}
	const pdf_face *t = c->fonts.f[f].face;
	const char *fname = t->psname;
	HPDF_MMgr mm = c->pdf->mmgr;
	HPDF_Dict font = NULL;
	int *wd = NULL;
	const char *why = NULL;
	unsigned ng = t->nglyphs;
	const unsigned char *parts = NULL;
	size_t nparts = 0;
	if (pdf_fonts_derived(c, f, "fieldfont", make_parts, &parts, &nparts,
	                      &why))
		goto bad;
	pcf_rd r = {parts, nparts, false};
	size_t fzlen = 0, tzlen = 0;
	uint32_t png = pcf_get_u32(&r);
	uint32_t flen = pcf_get_u32(&r);
	const unsigned char *fz = pcf_get_bytes(&r, &fzlen);
	const unsigned char *tz = pcf_get_bytes(&r, &tzlen);
	if (r.bad || png != ng || r.n != (size_t)ng * 4 || flen > INT32_MAX) {
		why = "its kept parts do not match it";
		goto bad;
	}
	wd = mc_xmalloc(ng * sizeof *wd);
	for (unsigned g = 0; g < ng; g++)
		wd[g] = (int)(int32_t)pcf_get_u32(&r);

	const char *base = t->psname;
	const int *bbox = t->bbox;
	int ascent = t->ascent, descent = t->descent, cap = t->capheight;
	double italic = t->italic;
	int flags = t->flags, stemv = t->stemv;

	HPDF_STATUS ret = HPDF_OK;
	HPDF_Dict fs = pdf_stream_obj_deflated(c, fz, fzlen);
	HPDF_Dict tus = pdf_stream_obj_deflated(c, tz, tzlen);
	HPDF_Dict desc = HPDF_Dict_New(mm);
	HPDF_Dict cid = HPDF_Dict_New(mm);
	HPDF_Dict si = HPDF_Dict_New(mm);
	HPDF_Array box = HPDF_Array_New(mm);
	HPDF_Array w = HPDF_Array_New(mm);
	HPDF_Array descendants = HPDF_Array_New(mm);
	font = HPDF_Dict_New(mm);
	if (!fs || !tus || !desc || !cid || !si || !box || !w ||
	    !descendants || !font ||
	    HPDF_Xref_Add(c->pdf->xref, desc) != HPDF_OK ||
	    HPDF_Xref_Add(c->pdf->xref, cid) != HPDF_OK ||
	    HPDF_Xref_Add(c->pdf->xref, font) != HPDF_OK) {
		font = NULL;
		goto bad;
	}
	ret |= HPDF_Dict_AddNumber(fs, "Length1", (HPDF_INT32)flen);

	ret |= HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
	ret |= HPDF_Dict_AddName(desc, "FontName", base);
	ret |= HPDF_Dict_AddNumber(desc, "Flags", flags);
	for (int i = 0; i < 4; i++)
		ret |= HPDF_Array_AddNumber(box, bbox[i]);
	ret |= HPDF_Dict_Add(desc, "FontBBox", box);
	ret |= HPDF_Dict_AddReal(desc, "ItalicAngle", (HPDF_REAL)italic);
	ret |= HPDF_Dict_AddNumber(desc, "Ascent", ascent);
	ret |= HPDF_Dict_AddNumber(desc, "Descent", descent);
	ret |= HPDF_Dict_AddNumber(desc, "CapHeight", cap);
	ret |= HPDF_Dict_AddNumber(desc, "StemV", stemv);
	ret |= HPDF_Dict_Add(desc, "FontFile2", fs);

	ret |= HPDF_Dict_AddName(cid, "Type", "Font");
	ret |= HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2");
	ret |= HPDF_Dict_AddName(cid, "BaseFont", base);
	ret |= HPDF_Dict_Add(si, "Registry", HPDF_String_New(mm, "Adobe", NULL));
	ret |= HPDF_Dict_Add(si, "Ordering",
	                     HPDF_String_New(mm, "Identity", NULL));
	ret |= HPDF_Dict_AddNumber(si, "Supplement", 0);
	ret |= HPDF_Dict_Add(cid, "CIDSystemInfo", si);
	ret |= HPDF_Dict_Add(cid, "FontDescriptor", desc);
	ret |= HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");
	ret |= widths(mm, w, wd, ng);
	ret |= HPDF_Dict_Add(cid, "W", w);

	ret |= HPDF_Dict_AddName(font, "Type", "Font");
	ret |= HPDF_Dict_AddName(font, "Subtype", "Type0");
	ret |= HPDF_Dict_AddName(font, "BaseFont", base);
	ret |= HPDF_Dict_AddName(font, "Encoding", "Identity-H");
	ret |= HPDF_Array_Add(descendants, cid);
	ret |= HPDF_Dict_Add(font, "DescendantFonts", descendants);
	ret |= HPDF_Dict_Add(font, "ToUnicode", tus);
	if (ret == HPDF_OK && !c->err)
		goto out;
	font = NULL;
bad:
	mc_error(c->diag, 0, 0,
	         "the font %s cannot be embedded for the form fields%s%s",
	         fname, why ? ": " : "", why ? why : "");
out:
	free(wd);
	return font;
}
