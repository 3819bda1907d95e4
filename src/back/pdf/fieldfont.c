/*
 * fieldfont.c - the font that form fields type in.
 *
 * A form filler (a viewer, pypdf, poppler) writes the text a user types
 * into a field with the font its /DA names, found in the AcroForm's /DR:
 * it can only show what that font has, and it must encode the text
 * itself.  So the fields get the theme's body face whole (the user may
 * type anything, so no subset): the font file as it is (one face rebuilt
 * from a collection), a Type0 font with Encoding Identity-H over a
 * CIDFontType2 whose CIDs are the glyph ids (CIDToGIDMap Identity), the
 * widths of all its glyphs, and a ToUnicode map of its whole cmap, every
 * glyph back to the (lowest) code point that maps to it.  A filler
 * encodes typed text by reading that map backwards (poppler does).
 *
 * The face is the one fonts.c matched with fontconfig for the theme's
 * body family (c->fonts.f[PF_BODY]); its file is read here with HarfBuzz
 * alone.  Made only for a document with a text field (fields.c asks for
 * it at the first one).
 */
#include "pdf_int.h"

#include <hb-ot.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG(a, b, c, d) HB_TAG(a, b, c, d)

/* Big-endian fields of a table, 0 past its end. */
static int u16(const char *p, unsigned len, unsigned off)
{
	if (off + 2 > len)
		return 0;
	return ((unsigned char)p[off] << 8) | (unsigned char)p[off + 1];
}

static int s16(const char *p, unsigned len, unsigned off)
{
	int v = u16(p, len, off);
	return v >= 0x8000 ? v - 0x10000 : v;
}

/* A compressed stream object holding data; NULL on failure. */
static HPDF_Dict stream_obj(pdf_ctx *c, const void *data, size_t len)
{
	HPDF_Dict d = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
	if (!d)
		return NULL;
	d->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	if (len && HPDF_Stream_Write(d->stream, (const HPDF_BYTE *)data,
	                             (HPDF_UINT)len) != HPDF_OK)
		return NULL;
	return d;
}

/* The face's file as one TrueType font: the file itself, or for a face
 * of a collection (or at an index > 0) the face's tables rebuilt into a
 * font of its own.  NULL on failure; release with hb_blob_destroy. */
static hb_blob_t *face_file(hb_blob_t *file, hb_face_t *face, int index)
{
	unsigned len = 0;
	const char *d = hb_blob_get_data(file, &len);
	if (index == 0 && len >= 4 && memcmp(d, "ttcf", 4) != 0)
		return hb_blob_reference(file);
	hb_tag_t tags[256];
	unsigned n = sizeof tags / sizeof *tags;
	unsigned total = hb_face_get_table_tags(face, 0, &n, tags);
	if (total == 0 || total > n)
		return NULL;
	hb_face_t *b = hb_face_builder_create();
	bool ok = b != hb_face_get_empty();
	for (unsigned i = 0; ok && i < n; i++) {
		hb_blob_t *t = hb_face_reference_table(face, tags[i]);
		ok = hb_face_builder_add_table(b, tags[i], t);
		hb_blob_destroy(t);
	}
	hb_blob_t *out = ok ? hb_face_reference_blob(b) : NULL;
	hb_face_destroy(b);
	if (out && hb_blob_get_length(out) == 0) {
		hb_blob_destroy(out);
		out = NULL;
	}
	return out;
}

/* The face's PostScript name, reduced to the characters a PDF name can
 * hold as they are; "FieldFont" if it has none. */
static void ps_name(hb_face_t *face, char *out, size_t size)
{
	char raw[64];
	unsigned n = sizeof raw;
	hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME,
	                    HB_LANGUAGE_INVALID, &n, raw);
	size_t k = 0;
	for (unsigned i = 0; i < n && raw[i] && k + 1 < size; i++) {
		char ch = raw[i];
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '.')
			out[k++] = ch;
	}
	out[k] = 0;
	if (!k)
		snprintf(out, size, "FieldFont");
}

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

/* Scaled from font units to 1/1000 em, rounded. */
static int em(int v, unsigned upem)
{
	long t = (long)v * 1000;
	return (int)(t >= 0 ? (t + upem / 2) / upem : -((-t + upem / 2) / upem));
}

HPDF_Dict pdf_fieldfont_make(pdf_ctx *c)
{
	const pdf_font *bf = &c->fonts.f[PF_BODY];
	if (!bf->path) {
		mc_error(c->diag, 0, 0, "no font for the form fields");
		return NULL;
	}
	HPDF_MMgr mm = c->pdf->mmgr;
	HPDF_Dict font = NULL;
	hb_blob_t *file = hb_blob_create_from_file_or_fail(bf->path);
	hb_face_t *face = NULL;
	hb_font_t *hf = NULL;
	hb_blob_t *ff = NULL, *head = NULL, *hhea = NULL, *os2 = NULL,
	          *post = NULL, *glyf = NULL;
	hb_set_t *set = hb_set_create();
	int *wd = NULL;
	uint32_t *uni = NULL;
	mc_buf tu = MC_BUF_INIT;
	if (!file || !hb_set_allocation_successful(set))
		goto bad;
	face = hb_face_create(file, (unsigned)bf->index);
	unsigned ng = hb_face_get_glyph_count(face);
	unsigned upem = hb_face_get_upem(face);
	glyf = hb_face_reference_table(face, TAG('g', 'l', 'y', 'f'));
	head = hb_face_reference_table(face, TAG('h', 'e', 'a', 'd'));
	hhea = hb_face_reference_table(face, TAG('h', 'h', 'e', 'a'));
	os2 = hb_face_reference_table(face, TAG('O', 'S', '/', '2'));
	post = hb_face_reference_table(face, TAG('p', 'o', 's', 't'));
	unsigned lhead, lhhea, los2, lpost;
	const char *phead = hb_blob_get_data(head, &lhead);
	const char *phhea = hb_blob_get_data(hhea, &lhhea);
	const char *pos2 = hb_blob_get_data(os2, &los2);
	const char *ppost = hb_blob_get_data(post, &lpost);
	/* TrueType outlines (FontFile2), and at most 65536 glyphs (CIDs) */
	if (ng == 0 || ng > 65536 || upem == 0 ||
	    hb_blob_get_length(glyf) == 0 || lhead < 54 || lhhea < 36)
		goto bad;
	ff = face_file(file, face, bf->index);
	hf = hb_font_create(face);
	if (!ff || hf == hb_font_get_empty())
		goto bad;

	/* the widths of all glyphs; the lowest code point of each glyph */
	wd = mc_xmalloc(ng * sizeof *wd);
	uni = mc_xcalloc(ng, sizeof *uni);
	for (unsigned g = 0; g < ng; g++)
		wd[g] = em(hb_font_get_glyph_h_advance(hf, g), upem);
	hb_face_collect_unicodes(face, set);
	if (!hb_set_allocation_successful(set))
		goto bad;
	hb_codepoint_t cp = HB_SET_VALUE_INVALID, gid;
	while (hb_set_next(set, &cp))
		if (cp && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF) &&
		    hb_font_get_nominal_glyph(hf, cp, &gid) && gid && gid < ng &&
		    !uni[gid])
			uni[gid] = cp;
	tounicode(uni, ng, &tu);

	char base[64];
	ps_name(face, base, sizeof base);
	/* the descriptor's metrics, from head, hhea, OS/2 and post */
	int bbox[4] = {em(s16(phead, lhead, 36), upem),
	               em(s16(phead, lhead, 38), upem),
	               em(s16(phead, lhead, 40), upem),
	               em(s16(phead, lhead, 42), upem)};
	int ascent = em(s16(phhea, lhhea, 4), upem);
	int descent = em(s16(phhea, lhhea, 6), upem);
	int cap = u16(pos2, los2, 0) >= 2 && los2 >= 90
	                  ? em(s16(pos2, los2, 88), upem)
	                  : ascent;
	double italic = s16(ppost, lpost, 4) + u16(ppost, lpost, 6) / 65536.0;
	int weight = u16(pos2, los2, 4);
	bool fixed = lpost >= 16 && (u16(ppost, lpost, 12) ||
	                             u16(ppost, lpost, 14));
	int flags = 32 | (fixed ? 1 : 0) | (italic != 0 ? 64 : 0);
	int stemv = weight >= 600 ? 120 : 80;

	HPDF_STATUS ret = HPDF_OK;
	unsigned flen = 0;
	const char *fdata = hb_blob_get_data(ff, &flen);
	HPDF_Dict fs = stream_obj(c, fdata, flen);
	HPDF_Dict tus = stream_obj(c, tu.data, tu.len);
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
	         "the font %s cannot be embedded for the form fields",
	         bf->path);
out:
	mc_buf_free(&tu);
	free(wd);
	free(uni);
	hb_set_destroy(set);
	hb_blob_destroy(glyf);
	hb_blob_destroy(head);
	hb_blob_destroy(hhea);
	hb_blob_destroy(os2);
	hb_blob_destroy(post);
	hb_blob_destroy(ff);
	hb_font_destroy(hf);
	hb_face_destroy(face);
	hb_blob_destroy(file);
	return font;
}
