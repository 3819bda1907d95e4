/*
 * module.c - the PDF backend's entry points, as one table: what
 * src/back/pdfmod.c takes from the module mentorconv-pdf.so (or from the
 * program itself, when the PDF backend is linked in: the unit tests, the
 * sanitizer and fuzzing builds).
 */
#include "../pdfmod.h"

/* the entry points are declared in backend.h (via pdfmod.h) */
const mc_pdf_module mc_pdf_module_v1 = {
	MC_PDF_MODULE_ABI, mc_render_pdf, mc_pdf_cache_new, mc_pdf_cache_free,
};
