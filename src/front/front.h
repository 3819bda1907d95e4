/*
 * front.h - the front-end: Markdown (CommonMark + GFM + kramdown extras),
 * YAML front matter, raw HTML and Liquid -> the document model.
 *
 * This is the only code that sees cmark-gfm, libyaml (for front matter and
 * site files) or the HTML parser.  It reads the input, finds the site root
 * (the nearest directory upward holding _config.yml, or opts->root), reads
 * _config.yml and _data/course.yml there, and never reads a file outside
 * that root.
 */
#ifndef MC_FRONT_H
#define MC_FRONT_H

#include <stddef.h>

#include "../model/model.h"
#include "../util/diag.h"

typedef struct mc_front_opts {
	const char *root; /* site root (--root); NULL: search upward */
	int answer_lines; /* suggested lines of a prompt's answer field
	                     (from the theme); <= 0 means 3 */
} mc_front_opts;

/* Largest input accepted, in bytes (a clear error beyond it). */
#define MC_MAX_INPUT (256u * 1024 * 1024)

/* Parse the file at `path` ("-" reads standard input).  Returns 0 and sets
 * *out to a new document (free with mc_doc_free), or -1 after reporting
 * the reason through diag (*out is then NULL).  Warnings do not fail. */
int mc_front_parse_file(const char *path, const mc_front_opts *opts,
                        mc_diag *diag, mc_doc **out);

/* Same, from memory.  `name` is used in diagnostics and meta.source; `dir`
 * is the directory relative paths resolve against (NULL: the current
 * directory). */
int mc_front_parse_buffer(const char *data, size_t len, const char *name,
                          const char *dir, const mc_front_opts *opts,
                          mc_diag *diag, mc_doc **out);

#endif
