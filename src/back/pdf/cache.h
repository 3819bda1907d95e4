/*
 * cache.h - what the PDF backend keeps between the documents of one run:
 * the fontconfig set-up and its answers, font faces and the
 * hyphenation patterns.  Nothing in it depends on a document, and every
 * call is safe from several threads at once (one mutex inside; what it
 * hands out is never changed afterwards), so output never depends on
 * what was converted before.  A conversion without a run cache makes a
 * private one and frees it at the end.
 */
#ifndef MC_PDF_CACHE_H
#define MC_PDF_CACHE_H

#include <fontconfig/fontconfig.h>
#include <stdbool.h>
#include <stdint.h>

#include "face.h"
#include "fontcache.h"

typedef struct pdf_cache pdf_cache;

/* A face fontconfig found: owned by the cache, valid while it lives. */
typedef struct pdf_face_ref {
	const char *path;
	int index;
	pdf_cover cover;
} pdf_face_ref;

/* Returns NULL if it cannot be made.  fontconfig is initialised only when
 * a question has no answer yet: answers of earlier runs come from a file
 * per user while it is valid (fontcache.h), which pdf_cache_destroy
 * rewrites when fontconfig answered something new. */
pdf_cache *pdf_cache_create(void);
void pdf_cache_destroy(pdf_cache *k);
/* Whether fontconfig was needed and could not be initialised (then every
 * question it would answer has no face). */
bool pdf_cache_failed(pdf_cache *k);
/* The usable face (OpenType with TrueType or CFF outlines, not colour)
 * fontconfig matches for family with that weight and slant.  Returns 0 and fills *out (*exact: it is
 * the family asked for, not a substitute), or -1 if there is none. */
int pdf_cache_match(pdf_cache *k, const char *family, bool bold,
                    bool italic, pdf_face_ref *out, bool *exact);
/* The best ranked usable face that has code point cp, for text in
 * language lang (a BCP 47 tag, or NULL): fontconfig prefers faces made
 * for the language (Noto Sans CJK JP for Japanese Han, SC for Chinese).
 * Returns 0 or -1. */
int pdf_cache_search(pdf_cache *k, uint32_t cp, const char *lang,
                     pdf_face_ref *out);
/* The face read from its file (face.h), or NULL if it cannot be read. */
const pdf_face *pdf_cache_face(pdf_cache *k, const char *path, int index);
/* What text in a language (a BCP 47 tag) is hyphenated with: owned by
 * the cache, valid while it lives. */
typedef struct pdf_hyph_ref {
	const struct pdf_hyph *h; /* the patterns (hyph.h), or NULL: none */
	const char *path;    /* their file; NULL: the language has none */
	const char *package; /* none: the Debian package that has it, if known */
	const char *why;     /* a file that could not be loaded: why */
} pdf_hyph_ref;

/* The hyphenation patterns for lang, each file loaded once per cache,
 * the first time a language needs it (hyph.c's pdf_hyph_find picks the
 * file).  Returns 0 with out->h set, or -1 when text in lang is not to
 * be hyphenated (out says why). */
int pdf_cache_hyph(pdf_cache *k, const char *lang, pdf_hyph_ref *out);
/* Bytes derived from face `index` of the file at path (which
 * pdf_cache_face has read) by make (kind names what they are: one kind a
 * face), made once a run: kept in memory while the cache lives, and in
 * a file between runs (keyed on the face file and this program, and
 * made again when either changes).  make appends them to out, or
 * returns -1 with *why.  Returns 0 with *data (the cache's), *len; or
 * -1 with *why (kept: the same answer each time). */
typedef int (*pdf_derive_fn)(const struct pdf_face *t, mc_buf *out,
                             const char **why);
int pdf_cache_derived(pdf_cache *k, const char *path, int index,
                      const char *kind, pdf_derive_fn make,
                      const unsigned char **data, size_t *len,
                      const char **why);

#endif
