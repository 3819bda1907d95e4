/*
 * pdfmod.h - the PDF backend, loaded when a PDF is first made.
 *
 * The PDF backend needs HarfBuzz (and libstdc++, glib, graphite2 behind
 * it), FreeType, fontconfig, fribidi, libharu, libhyphen and
 * libunibreak; no other format does.  The release program is built
 * without it, and loads it (mentorconv-pdf.so, built from src/back/pdf/
 * with those libraries) with dlopen the first time a PDF is rendered,
 * so a DOCX, EPUB or JSON run does not load and relocate them at start.
 * A program that links src/back/pdf/ in (unit tests, the ASan build,
 * fuzzing) uses it directly.
 *
 * The module is looked for, in order: $MENTORCONV_PDF_MODULE (tests), beside
 * the program, and $(PREFIX)/lib/mentorconv (MC_PDF_MODULE_DIR, fixed at
 * build time).  It must come from the same build: the table carries an
 * ABI number, and the program refuses another.
 */
#ifndef MC_PDFMOD_H
#define MC_PDFMOD_H

#include "backend.h"

/* Changed whenever mc_pdf_module, the model or the theme changes shape
 * (the Makefile also rebuilds both together). */
#define MC_PDF_MODULE_ABI 2

typedef struct mc_pdf_module {
	int abi; /* MC_PDF_MODULE_ABI */
	mc_render_fn render;
	void *(*cache_new)(const mc_theme *theme);
	void (*cache_free)(void *cache);
} mc_pdf_module;

/* The module's table, under this name (src/back/pdf/module.c). */
extern const mc_pdf_module mc_pdf_module_v1;

/* What backends.c's PDF row calls: the module's functions, loaded on
 * first use.  When the module cannot be loaded, render reports why
 * through diag and fails, and cache_new returns NULL. */
int mc_pdfmod_render(const mc_doc *doc, const mc_theme *theme,
                     const mc_render_opts *opts, mc_buf *out, mc_diag *diag);
void *mc_pdfmod_cache_new(const mc_theme *theme);
void mc_pdfmod_cache_free(void *cache);

#endif
