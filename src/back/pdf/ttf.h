/*
 * ttf.h - a TrueType font file for the PDF backend: read once, looked up
 * on demand (cmap, advances), and cut down to the glyphs a document uses.
 *
 * A pdf_ttf is immutable once pdf_ttf_open() has returned, so one parsed
 * file can serve several conversions (threads) at once.
 */
#ifndef MC_PDF_TTF_H
#define MC_PDF_TTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hb.h>

#include "../../util/buf.h"

enum {
	TT_HEAD, TT_HHEA, TT_MAXP, TT_HMTX, TT_LOCA, TT_GLYF, TT_CVT, TT_FPGM,
	TT_PREP, TT_CMAP, TT_POST, TT_OS2, TT_NAME, TT_NTAB
};

typedef struct pdf_ttf {
	const uint8_t *d;   /* the whole file */
	size_t n;
	void *map;          /* mmap()ed, or NULL */
	uint8_t *heap;      /* read into memory instead, or NULL */
	uint32_t off[TT_NTAB], len[TT_NTAB]; /* len 0: table absent */
	unsigned upem, nglyphs, nhm;
	bool loca32;
	const uint8_t *cmap4, *cmap12; /* subtables (bounds checked) */
	uint32_t cmap4len, cmap12len;
	/* for the PDF font descriptor, in 1000ths of an em */
	int ascent, descent, capheight, bbox[4], stemv, flags;
	double italic;
	char psname[64];
	/* the same face for HarfBuzz (immutable, so shared by threads) */
	hb_blob_t *hbblob;
	hb_face_t *hbface;
	hb_font_t *hb; /* scale: font units (upem) */
} pdf_ttf;

/* Read the face `index` of a .ttf/.ttc file.  Returns 0, or -1 (nothing
 * to free) if the file is unreadable or not TrueType outlines. */
int pdf_ttf_open(pdf_ttf *t, const char *path, int index);
void pdf_ttf_close(pdf_ttf *t);
/* Glyph of code point cp, 0 (.notdef) if the face lacks it. */
unsigned pdf_ttf_glyph(const pdf_ttf *t, uint32_t cp);
/* Advance width of glyph g in 1000ths of an em, truncated (as the PDF
 * /W array gives it). */
int pdf_ttf_width(const pdf_ttf *t, unsigned g);
/* A TrueType font of the glyphs gids[0..n) (gids[0] should be 0), glyph
 * i of the result being gids[i]; glyphs that composites use are added
 * after them.  Appends the font file to out.  Returns 0, or -1 if the
 * font data is damaged or there are too many glyphs. */
int pdf_ttf_subset(const pdf_ttf *t, const uint16_t *gids, size_t n,
                   mc_buf *out);

#endif
