/* backends.c - the one table of output formats; see backend.h. */
#include "backend.h"
#include "pdfmod.h"

#include <string.h>
#include <strings.h>

static const char *const pdf_options[] = {"no-fields", "no-tags", "duplex",
                                          "passes", NULL};
static const char *const docx_options[] = {"protect", "fields", NULL};

const mc_backend mc_backends[] = {
	{"json", "json", "the document model as JSON (debugging, tests)",
	 mc_render_json, NULL, NULL, NULL, false},
	/* loaded on first use (pdfmod.h) */
	{"pdf", "pdf", "print-ready PDF handout (libharu)", mc_pdfmod_render,
	 pdf_options, mc_pdfmod_cache_new, mc_pdfmod_cache_free, true, true},
	{"epub", "epub", "EPUB 3 book", mc_render_epub, NULL, NULL, NULL,
	 true},
	{"docx", "docx", "fillable worksheet DOCX", mc_render_docx,
	 docx_options, NULL, NULL, true},
	{NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, false},
};

const mc_backend *mc_backend_by_name(const char *name)
{
	for (const mc_backend *b = mc_backends; b->name; b++)
		if (strcasecmp(b->name, name) == 0)
			return b;
	return NULL;
}

const mc_backend *mc_backend_by_ext(const char *ext)
{
	for (const mc_backend *b = mc_backends; b->name; b++)
		if (strcasecmp(b->ext, ext) == 0)
			return b;
	return NULL;
}
