/* hyph.h - hyphenation points from a hyphen pattern file (see hyph.c). */
#ifndef MC_PDF_HYPH_H
#define MC_PDF_HYPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../util/buf.h"

#define PDF_HYPH_MAXWORD 128

typedef struct pdf_hyph pdf_hyph;

/* Read a pattern file; NULL if it cannot be read. */
pdf_hyph *pdf_hyph_load(const char *path);
void pdf_hyph_free(pdf_hyph *h);
/* For a word of len bytes (as the patterns spell letters, e.g. lower
 * case), set out[k] (len + 1 bytes) to the digit '0'..'9' between byte k
 * and k + 1: odd allows a hyphen there (as libhyphen's hyphens[]).
 * Returns 0, or -1 if the word is longer than PDF_HYPH_MAXWORD - 2. */
int pdf_hyph_word(const pdf_hyph *h, const char *word, size_t len, char *out);

#endif
