/* hyph.h - hyphenation points from a hyphen pattern file (see hyph.c). */
#ifndef MC_PDF_HYPH_H
#define MC_PDF_HYPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../util/buf.h"

#define PDF_HYPH_MAXWORD 128
/* where the Debian hyphen-* packages put their pattern files */
#define PDF_HYPH_DIR "/usr/share/hyphen"

typedef struct pdf_hyph pdf_hyph;

/* Read a pattern file (UTF-8 or ISO8859-1): 0 and *out, or -1 and a
 * reason in *why ("cannot be opened", "its charset is neither ..."). */
int pdf_hyph_open(const char *path, pdf_hyph **out, const char **why);
/* The same, NULL on failure. */
pdf_hyph *pdf_hyph_load(const char *path);
void pdf_hyph_free(pdf_hyph *h);
/* Loaded patterns as bytes, appended to out, for pdf_hyph_read to read
 * back in this same build (cache.c keeps them between runs: parsing
 * en_US costs 6M instructions, German's 50M, reading either back a
 * copy). */
void pdf_hyph_write(const pdf_hyph *h, mc_buf *out);
/* Patterns from what r holds (pdf_hyph_write's bytes), every offset and
 * table checked so that no lookup leaves them: 0 and *out, or -1. */
struct pcf_rd;
int pdf_hyph_read(struct pcf_rd *r, pdf_hyph **out);
/* For a word of len bytes of UTF-8 (as the patterns spell letters: lower
 * case, see pdf_hyph_lower), set out[k] (len + 1 bytes) to the digit
 * '0'..'9' between byte k and k + 1: odd allows a hyphen there (as
 * libhyphen's hyphens[]).  Returns 0, or -1 if the word is longer than
 * PDF_HYPH_MAXWORD - 2 bytes. */
int pdf_hyph_word(const pdf_hyph *h, const char *word, size_t len, char *out);
/* Whether the patterns have the (lower-case) letter cp. */
bool pdf_hyph_has(const pdf_hyph *h, uint32_t cp);
/* Whether cp is a letter (Latin, Greek or Cyrillic) that the patterns
 * have, in either case: what words are made of. */
bool pdf_hyph_letter(const pdf_hyph *h, uint32_t cp);
/* The lower case of cp for Latin, Greek and Cyrillic letters (as
 * Unicode's simple mapping); any other cp unchanged. */
uint32_t pdf_hyph_lower(uint32_t cp);
/* The pattern file for a BCP 47 language tag: PDF_HYPH_DIR/hyph_<ll>_
 * <Script>_<CC>.dic, hyph_<ll>_<CC>.dic, hyph_<ll>_<default region>.dic
 * (a small table: en-US, es-ES, de-DE, ...), then hyph_<ll>.dic, the
 * first that exists.  Returns 0 and its path (links resolved) in out
 * (cap bytes), or -1 if the language has none (no hyphenation; never
 * another language's); then *package, when package is not NULL, is the
 * Debian package that would have it, or NULL if none is known. */
int pdf_hyph_find(const char *lang, char *out, size_t cap,
                  const char **package);

#endif
