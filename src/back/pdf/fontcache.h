/*
 * fontcache.h - the answers fontconfig gave, kept in a small file per user
 * between runs (cache.c's persistent layer), so that a document whose
 * text the theme's faces cover never initialises fontconfig (reading its
 * configuration and font caches is most of a short PDF's start-up).
 *
 * The file is $MC_FONT_CACHE if set (a path; "0" turns the cache off),
 * else $XDG_CACHE_HOME/mentorconv/fonts.cache, else
 * $HOME/.cache/mentorconv/fonts.cache (where fontconfig keeps its own).
 * It is keyed on everything that can change an answer: fontconfig's
 * version, the environment fontconfig reads (FONTCONFIG_FILE,
 * FONTCONFIG_PATH, FONTCONFIG_SYSROOT, HOME, XDG_CONFIG_HOME,
 * XDG_DATA_HOME, the locale variables) and the program name (an entry
 * of the file for each such key, cachefile.h), and the
 * status (mtime, ctime, size, inode) of every configuration file and font
 * directory fontconfig read, the user configuration files it would read if
 * they existed, and every font file answered.  Loading stat()s those: any
 * difference, or a file that is unreadable, truncated or corrupt (magic,
 * version, lengths and checksums), and the entry is ignored; the answers
 * are then asked of fontconfig and the entry rewritten (temp file +
 * rename).
 * Everything here is best-effort and silent: a missing or read-only
 * cache directory only costs time.
 */
#ifndef MC_PDF_FONTCACHE_H
#define MC_PDF_FONTCACHE_H

#include <fontconfig/fontconfig.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../util/buf.h"

/* A face's coverage: npages pages of PFC_PAGE bytes each (a
 * little-endian 32-bit base, a multiple of 256, then FC_CHARSET_MAP_SIZE
 * little-endian 32-bit words, bit b of word w for base + 32 w + b), bases
 * increasing.  Read from the file, or from fontconfig's charset
 * (pdf_fontcache_pages); no FcCharSet is kept. */
#define PFC_PAGE (4 * (FC_CHARSET_MAP_SIZE + 1))
typedef struct pdf_cover {
	const unsigned char *pages;
	uint32_t npages;
} pdf_cover;
/* Whether cover has code point cp (a binary search of its pages). */
bool pdf_cover_has(const pdf_cover *cover, uint32_t cp);

/* A face, as fontconfig answered it. */
typedef struct pfc_face {
	char *path;
	int index;
	unsigned char *pages; /* its coverage (pdf_cover's layout) */
	uint32_t npages;
} pfc_face;

/* fontconfig's match for a family in a style. */
typedef struct pfc_match {
	char *family;
	bool bold, italic, exact;
	int face; /* index into faces, -1: no usable face */
} pfc_match;

/* fontconfig's best ranked face with a code point, for a language. */
typedef struct pfc_search {
	uint32_t cp;
	char lang[16];
	int face; /* index into faces, -1: none */
} pfc_search;

/* Paths and their status when taken (the file's dependencies). */
typedef struct pfc_deps {
	mc_buf recs; /* n records */
	uint32_t n;
} pfc_deps;

typedef struct pfc_data {
	pfc_face *faces;
	size_t nfaces;
	pfc_match *matches;
	size_t nmatches;
	pfc_search *searches;
	size_t nsearches;
	pfc_deps deps; /* loaded: what the file was valid against */
} pfc_data;

/* The cache file's path into out (n bytes).  Returns 0, or -1 when there
 * is none (turned off, no home, too long). */
int pdf_fontcache_path(char *out, size_t n);
/* Read and validate the file at path into *d (owned by the caller, freed
 * with pdf_fontcache_free).  Returns 0, or -1 (d empty) when it is
 * missing, unreadable, corrupt or stale. */
int pdf_fontcache_load(const char *path, pfc_data *d);
/* The status now of cfg's configuration files and font directories and
 * of the user's configuration that would be read if it existed: taken
 * right after fontconfig read them. */
void pdf_fontcache_config_deps(FcConfig *cfg, pfc_deps *out);
/* Whether every path of deps has the status it had. */
bool pdf_fontcache_deps_valid(const pfc_deps *deps);
void pdf_fontcache_deps_free(pfc_deps *deps);
/* Write d as the file at path, keyed on cfgdeps (pdf_fontcache_config_deps
 * of the configuration that gave every answer in d) and the status now
 * of d's font files.  Returns 0, or -1 (silently: the cache is
 * best-effort). */
int pdf_fontcache_save(const char *path, const pfc_deps *cfgdeps,
                       const pfc_data *d);
/* fontconfig's charset cs as pages (pdf_cover's layout) into *pages
 * (malloc'ed) and *npages. */
void pdf_fontcache_pages(const FcCharSet *cs, unsigned char **pages,
                         uint32_t *npages);
/* Free what pdf_fontcache_load filled in (the faces' coverage too). */
void pdf_fontcache_free(pfc_data *d);

#endif
