/*
 * module.c - the PDF backend's entry points, as one table: what
 * src/back/pdfmod.c takes from the module mentorconv-pdf.so (or from the
 * program itself, when the PDF backend is linked in: the unit tests, the
 * sanitizer and fuzzing builds).
 */
#include "../pdfmod.h"

int mc_render_pdf(const mc_doc *doc, const mc_theme *theme, mc_buf *out,
                  mc_diag *diag);
int mc_render_pdf_opts(const mc_doc *doc, const mc_theme *theme,
                       const mc_render_opts *opts, mc_buf *out,
                       mc_diag *diag);
void *mc_pdf_cache_new(const mc_theme *theme);
void mc_pdf_cache_free(void *cache);

const mc_pdf_module mc_pdf_module_v1 = {
	MC_PDF_MODULE_ABI, mc_render_pdf, mc_render_pdf_opts, mc_pdf_cache_new,
	mc_pdf_cache_free,
};
