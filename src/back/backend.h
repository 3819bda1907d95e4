/*
 * backend.h - the table of output formats.
 *
 * A backend turns a finished document (and the theme) into bytes in
 * memory; the CLI alone writes files.  Each backend lives in its own
 * folder under src/back/ and sees only the model, the theme and its own
 * library.  To add a format, write its render function and add one row to
 * the table in backends.c: nothing else changes.
 */
#ifndef MC_BACKEND_H
#define MC_BACKEND_H

#include <stdbool.h>

#include "../model/model.h"
#include "../theme/theme.h"
#include "../util/buf.h"
#include "../util/diag.h"

/* Render `doc` into `out`.  Returns 0 on success, -1 on failure (after
 * reporting through `diag`).  Must not touch any file or global state. */
typedef int (*mc_render_fn)(const mc_doc *doc, const mc_theme *theme,
                            mc_buf *out, mc_diag *diag);

/* Choices from the command line that only some formats take. */
typedef struct mc_render_opts {
	bool protect;       /* DOCX --protect: only the answer fields editable */
	bool legacy_fields; /* DOCX --fields=legacy: FORMTEXT/FORMCHECKBOX
	                       fields instead of content controls */
	bool no_fields;     /* PDF --no-fields: print-only, no form fields */
	bool no_tags;       /* PDF --no-tags: no structure tree (untagged) */
	bool duplex;        /* PDF --duplex: each worksheet starts on an odd
	                       page, a blank page before it if need be */
	void *cache;        /* the format's cache_new() result for this run,
	                       or NULL (the backend then loads what it needs
	                       for this document alone) */
} mc_render_opts;

/* Which of those a format takes (mc_backend.options). */
enum {
	MC_ROPT_PROTECT = 1 << 0,
	MC_ROPT_FIELDS = 1 << 1,
	MC_ROPT_NO_FIELDS = 1 << 2,
	MC_ROPT_NO_TAGS = 1 << 3,
	MC_ROPT_DUPLEX = 1 << 4
};

typedef int (*mc_render_opts_fn)(const mc_doc *doc, const mc_theme *theme,
                                 const mc_render_opts *opts, mc_buf *out,
                                 mc_diag *diag);

typedef struct mc_backend {
	const char *name;    /* "-t" name, e.g. "pdf" */
	const char *ext;     /* output file extension, without the dot */
	const char *summary; /* one line for --help */
	mc_render_fn render; /* NULL: not available in this build yet */
	mc_render_opts_fn render_opts; /* NULL: the format takes no options */
	unsigned options;    /* MC_ROPT_* it takes (others are refused) */
	/* Optional (NULL if unused): what a format keeps between the
	 * documents of one run, e.g. parsed fonts and hyphenation patterns.
	 * cache_new() is called once per run, before any thread starts; the
	 * cache is then shared by every thread, so it must be safe for
	 * concurrent use (immutable, or guarded inside).  It holds nothing
	 * that depends on one document, so output never depends on what was
	 * converted before.  Returns NULL if it cannot be made. */
	void *(*cache_new)(const mc_theme *theme);
	void (*cache_free)(void *cache);
	bool binary;         /* bytes, not text: never written to a terminal
	                        (standard output on a tty is refused) */
} mc_backend;

/* The formats' entry points, declared here once: the table in
 * backends.c points at them and each backend includes this header, so a
 * definition that drifts from its row's type does not compile.  Each
 * takes the same arguments; the _opts form adds the command line's
 * choices (mc_render_opts), the plain form renders with the defaults. */
int mc_render_json(const mc_doc *doc, const mc_theme *theme, mc_buf *out,
                   mc_diag *diag);
int mc_render_pdf(const mc_doc *doc, const mc_theme *theme, mc_buf *out,
                  mc_diag *diag);
int mc_render_pdf_opts(const mc_doc *doc, const mc_theme *theme,
                       const mc_render_opts *opts, mc_buf *out,
                       mc_diag *diag);
void *mc_pdf_cache_new(const mc_theme *theme);
void mc_pdf_cache_free(void *cache);
int mc_render_epub(const mc_doc *doc, const mc_theme *theme, mc_buf *out,
                   mc_diag *diag);
int mc_render_docx(const mc_doc *doc, const mc_theme *theme, mc_buf *out,
                   mc_diag *diag);
int mc_render_docx_opts(const mc_doc *doc, const mc_theme *theme,
                        const mc_render_opts *opts, mc_buf *out,
                        mc_diag *diag);

/* The table, ended by a row whose name is NULL. */
extern const mc_backend mc_backends[];

/* Look a backend up by name or by file extension; NULL if unknown. */
const mc_backend *mc_backend_by_name(const char *name);
const mc_backend *mc_backend_by_ext(const char *ext);

#endif
