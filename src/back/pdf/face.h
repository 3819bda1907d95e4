/*
 * face.h - an OpenType face for the PDF backend, read by HarfBuzz: glyph
 * lookups and advances, the values a PDF font descriptor needs, and
 * subsets (hb-subset) of the glyphs a document draws.
 *
 * TrueType outlines ('glyf') are embedded as a CIDFontType2 (FontFile2),
 * CFF outlines ('CFF ', e.g. Noto CJK) as a CIDFontType0 (FontFile3
 * /CIDFontType0C).  A pdf_face is immutable once pdf_face_open() has
 * returned, so one face can serve several conversions (threads) at once.
 */
#ifndef MC_PDF_FACE_H
#define MC_PDF_FACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hb.h>

#include "cff.h"
#include "../../util/buf.h"

typedef struct pdf_face {
	hb_blob_t *blob;    /* the file (mapped) */
	hb_face_t *face;
	hb_font_t *hb;      /* scale: font units (upem) */
	unsigned upem, nglyphs;
	bool cff;           /* CFF outlines, else TrueType */
	pdf_cff cffinfo;    /* cff: its Top DICT and charset (cff.h) */
	/* for the PDF font descriptor, in 1000ths of an em */
	int ascent, descent, capheight, bbox[4], stemv, flags;
	double italic;
	char psname[64];
} pdf_face;

/* Read face `index` of an OpenType file (.ttf, .otf, .ttc, .otc) with
 * TrueType or CFF (version 1) outlines.  Returns 0, or -1 (nothing to
 * free) if it is unreadable, damaged or of another kind. */
int pdf_face_open(pdf_face *t, const char *path, int index);
void pdf_face_close(pdf_face *t);
/* The nominal glyph of code point cp, 0 (.notdef) if the face lacks it. */
unsigned pdf_face_glyph(const pdf_face *t, uint32_t cp);
/* The advance of glyph g in 1000ths of an em, rounded: what the PDF /W
 * array gives it (and what pdf_font_show assumes). */
int pdf_face_width(const pdf_face *t, unsigned g);
/* CFF faces: the CID page content shows glyph g as, in the embedded
 * CIDFontType0: its charset CID when the CFF is CID-keyed, else g
 * itself (the subset keeps glyph numbers).  TrueType faces: 0 (their
 * CIDs are the embedder's choice). */
unsigned pdf_face_cid(const pdf_face *t, unsigned g);

/* A subset of a face. */
typedef struct pdf_subset {
	mc_buf data;       /* TrueType: the font file (FontFile2); CFF: the
	                      bare CFF table (FontFile3 /CIDFontType0C) */
	uint32_t *newgid;  /* for each glyph asked for, its number in the
	                      subset */
} pdf_subset;

/* The subset of glyphs gids[0..n) (and .notdef), without hinting or
 * layout tables.  For a CFF face it is also checked that the subset
 * shows each glyph at the CID pdf_face_cid() gave it.  Returns 0, or -1
 * with *why saying what failed; free *out with pdf_subset_free either
 * way. */
int pdf_face_subset(const pdf_face *t, const uint16_t *gids, size_t n,
                    pdf_subset *out, const char **why);
void pdf_subset_free(pdf_subset *s);

#endif
