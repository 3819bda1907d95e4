/* backends.c - the one table of output formats; see backend.h. */
#include "backend.h"
#include "pdfmod.h"

#include <string.h>
#include <strings.h>

int mc_render_json(const mc_doc *doc, const mc_theme *theme, mc_buf *out,
                   mc_diag *diag);
int mc_render_epub(const mc_doc *doc, const mc_theme *theme, mc_buf *out,
                   mc_diag *diag);
int mc_render_docx(const mc_doc *doc, const mc_theme *theme, mc_buf *out,
                   mc_diag *diag);
int mc_render_docx_opts(const mc_doc *doc, const mc_theme *theme,
                        const mc_render_opts *opts, mc_buf *out,
                        mc_diag *diag);

const mc_backend mc_backends[] = {
	{"json", "json", "the document model as JSON (debugging, tests)",
	 mc_render_json, NULL, 0, NULL, NULL, false},
	/* loaded on first use (pdfmod.h) */
	{"pdf", "pdf", "print-ready PDF handout (libharu)", mc_pdfmod_render,
	 mc_pdfmod_render_opts,
	 MC_ROPT_NO_FIELDS | MC_ROPT_NO_TAGS | MC_ROPT_DUPLEX,
	 mc_pdfmod_cache_new, mc_pdfmod_cache_free, true},
	{"epub", "epub", "EPUB 3 book", mc_render_epub, NULL, 0, NULL,
	 NULL, true},
	{"docx", "docx", "fillable worksheet DOCX", mc_render_docx,
	 mc_render_docx_opts, MC_ROPT_PROTECT | MC_ROPT_FIELDS, NULL, NULL,
	 true},
	{NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, false},
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
