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

#include <stdbool.h>
#include <stddef.h>

#include "../model/model.h"
#include "../util/diag.h"

typedef struct mc_front_opts {
	const char *root; /* site root (--root); NULL: search upward */
	int answer_lines; /* suggested lines of a prompt's answer field
	                     (from the theme); <= 0 means 3 */
	bool all_modules; /* a course: also the modules course.yml leaves
	                     out (after the listed ones, by name) */
	bool worksheets;  /* keep only the activity callouts, one worksheet
	                     section each (mc_meta.kind MC_DOC_WORKSHEETS) */
	const char *name_label, *date_label; /* the worksheet heading line
	                     ("Name", "Date" when NULL) */
	const char *notes_label; /* a pack: the notes area of an activity
	                     without prompts ("Notes" when NULL) */
	const char *worksheets_label; /* a pack's title is "<title> – <this>"
	                     ("Worksheets" when NULL) */
	const char *lang; /* --lang: the language when neither the front
	                     matter nor _config.yml says (NULL: "en") */
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

/* The site root for an input at or under folder `start`: opts->root
 * when given, else the nearest folder at or above `start` holding
 * _config.yml, else `start` itself; found from the path as written (a
 * symbolic link does not move it) and returned resolved (malloc'd).
 * NULL after reporting through diag.  Every file read for the input
 * must resolve inside it (util/confine.h). */
char *mc_front_find_root(const char *start, const mc_front_opts *opts,
                         mc_diag *diag);

/* What an input path is. */
typedef enum mc_input_kind {
	MC_INPUT_PAGE = 0, /* a Markdown file, or "-" */
	MC_INPUT_MODULE,   /* a folder holding _posts/, or a _posts folder */
	MC_INPUT_COURSE,   /* a site root: a folder holding _data/course.yml */
	MC_INPUT_BAD       /* a folder that is neither (or cannot be read) */
} mc_input_kind;

mc_input_kind mc_front_input_kind(const char *path);

/* Parse any input: a Markdown file, a module folder (the Markdown files of its _posts in
 * file-name order, one MC_SECTION chapter each, titled from the first
 * section) or a site root (the modules of _data/course.yml in order, one
 * part each).  Headings are demoted under the section titles, ids kept
 * unique, footnotes and answers numbered through the document, and links
 * between the sections made internal ("#id").  With opts->worksheets,
 * only the activity callouts are kept, one MC_SECTION worksheet each.
 * Errors in any section are all reported; the result is then -1. */
int mc_front_parse_path(const char *path, const mc_front_opts *opts,
                        mc_diag *diag, mc_doc **out);

#endif
