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

/* What one render is given besides the document and the theme.  The
 * format options from the command line are kept generic, as "name" or
 * "name=value" strings (e.g. "duplex", "fields=legacy"); each backend
 * owns its options: its row lists their names (mc_backend.options), and
 * it reads them into its own struct with mc_render_opt().  Nothing here
 * is specific to one format. */
typedef struct mc_render_opts {
	const char *const *given; /* the format options given, or NULL */
	size_t ngiven;
	void *cache;        /* the format's cache_new() result for this run,
	                       or NULL (the backend then loads what it needs
	                       for this document alone) */
	/* When set: called at most once, by a backend that no longer reads
	 * the document, before it finishes its output; the caller may free
	 * the document then (the PDF backend calls it before its save, whose
	 * peak it lowers by the model's size).  A backend may not call it. */
	void (*doc_done)(void *arg);
	void *doc_done_arg;
} mc_render_opts;

/* Option `name` in opts: NULL if not given (or opts is NULL), "" for a
 * switch, the value of name=value (the last one given). */
const char *mc_render_opt(const mc_render_opts *opts, const char *name);

/* Render `doc` into `out`, with the command line's choices `opts` (NULL:
 * the format's defaults, no cache).  Returns 0 on success, -1 on failure
 * (after reporting through `diag`).  Must not touch any file or global
 * state.  A format that takes no options ignores `opts`. */
typedef int (*mc_render_fn)(const mc_doc *doc, const mc_theme *theme,
                            const mc_render_opts *opts, mc_buf *out,
                            mc_diag *diag);

typedef struct mc_backend {
	const char *name;    /* "-t" name, e.g. "pdf" */
	const char *ext;     /* output file extension, without the dot */
	const char *summary; /* one line for --help */
	mc_render_fn render; /* NULL: not available in this build yet */
	/* The names of the options it takes (its "--name" flags), ended by
	 * NULL; others are refused.  NULL: none. */
	const char *const *options;
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
	bool module;         /* its code is a module loaded on first use
	                        (pdfmod.h): the light program, which cannot
	                        load one, hands the run to the full program
	                        (src/cli/handover.c) */
} mc_backend;

/* The formats' entry points, declared here once: the table in
 * backends.c points at them and each backend includes this header, so a
 * definition that drifts from its row's type (mc_render_fn) does not
 * compile.  One per format; opts may be NULL (the defaults). */
int mc_render_json(const mc_doc *doc, const mc_theme *theme,
                   const mc_render_opts *opts, mc_buf *out, mc_diag *diag);
int mc_render_pdf(const mc_doc *doc, const mc_theme *theme,
                  const mc_render_opts *opts, mc_buf *out, mc_diag *diag);
void *mc_pdf_cache_new(const mc_theme *theme);
void mc_pdf_cache_free(void *cache);
int mc_render_epub(const mc_doc *doc, const mc_theme *theme,
                   const mc_render_opts *opts, mc_buf *out, mc_diag *diag);
int mc_render_docx(const mc_doc *doc, const mc_theme *theme,
                   const mc_render_opts *opts, mc_buf *out, mc_diag *diag);

/* The table, ended by a row whose name is NULL. */
extern const mc_backend mc_backends[];

/* Look a backend up by name or by file extension; NULL if unknown. */
const mc_backend *mc_backend_by_name(const char *name);
const mc_backend *mc_backend_by_ext(const char *ext);

#endif
