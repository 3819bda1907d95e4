/*
 * cff.h - the little of a CFF table ('CFF ', Adobe TN #5176) the PDF
 * backend needs: whether the font is CID-keyed, its ROS, and the CID of
 * every glyph (the charset).  A PDF CIDFontType0 selects the glyphs of a
 * CID-keyed CFF by CID through that charset, so the CIDs written in page
 * content must be the charset's.
 */
#ifndef MC_PDF_CFF_H
#define MC_PDF_CFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pdf_cff {
	unsigned nglyphs;   /* CharStrings count */
	bool cid_keyed;     /* the Top DICT has ROS (12 30) */
	/* CID-keyed: the ROS (registry and ordering as strings, each at
	 * most 31 bytes of printable ASCII, "" if unreadable) */
	char registry[32], ordering[32];
	int supplement;
	/* CID-keyed: the CID of each glyph, nglyphs entries (glyph 0 has
	 * CID 0), all different; NULL otherwise.  Free with free(). */
	uint16_t *cid;
} pdf_cff;

/* Read a bare CFF table (len bytes).  Returns 0, or -1 (nothing to free)
 * if it is damaged, not CFF version 1, holds more than one font, or is
 * CID-keyed with a charset that gives two glyphs the same CID. */
int pdf_cff_read(const uint8_t *d, size_t len, pdf_cff *out);
void pdf_cff_free(pdf_cff *c);

#endif
