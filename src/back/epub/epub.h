/*
 * epub.h - internals of the EPUB 3 backend (src/back/epub/), shared by its
 * files and by nothing else.
 *
 *   epub.c   the package: mimetype, container.xml, package.opf (metadata,
 *            accessibility properties, manifest, spine), nav.xhtml, zip
 *   xhtml.c  the pre-pass (files, ids, table of contents, images,
 *            footnotes) and the content documents: one XHTML5 file for a
 *            single page, one per part, chapter or worksheet for a
 *            document built from several inputs
 *   css.c    the stylesheet, generated from the theme
 *   util.c   maps, URL and id rules, SHA-1 name-based UUIDs
 *
 * All state of one rendering lives in an ep_ctx (no globals): two books may
 * be made at once on two threads.  Strings are allocated in the context's
 * own arena and freed with it; the document is only read.
 */
#ifndef MC_EPUB_H
#define MC_EPUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../backend.h"
#include "../../model/model.h"
#include "../../theme/theme.h"
#include "../../util/arena.h"
#include "../../util/buf.h"
#include "../../util/diag.h"
#include "../../util/hashset.h"
#include "../../util/image.h"
#include "../../util/utf8.h"
#include "../../util/xml.h"

/* Where the parts live inside the container (all under EPUB/). */
#define EP_DIR "EPUB/"
#define EP_CONTENT "content.xhtml" /* a single page's content document */
#define EP_NAV "nav.xhtml"
#define EP_CSS "style.css"

/* The backend's entry point, mc_render_epub(), is declared in
 * ../backend.h with the others (its row in src/back/backends.c). */

/* The maps are util/hashset.h's: string keys (compared by content) or
 * pointer keys (compared by address; only looked up, never iterated, so
 * addresses never decide any output order). */

/* ---- per-node facts found by the pre-pass (xhtml.c) ---- */
typedef struct ep_info {
	const char *id;     /* id to write on the node's element, or NULL */
	int level;          /* headings and callout titles: 1..6 */
	const char *title;  /* embeds: card title */
	bool thead;         /* table rows: part of the <thead> */
	int image;          /* images/figures: index into ctx->images + 1,
	                       0 if not packaged (remote, missing, unreadable) */
	int fn;             /* footnote refs: the def's number, 0 if none */
	int fn_seq;         /* footnote refs: 1 for the first ref of a note */
	size_t file;        /* footnote refs and defs: index of the content
	                       file that holds them */
} ep_info;

typedef struct ep_image {
	const char *path;  /* file in the site root */
	const char *name;  /* inside EPUB/: images/img-N.ext */
	const char *media; /* media type */
	char *data;        /* file bytes (malloc'd) */
	size_t len;
} ep_image;

typedef struct ep_toc {
	int level;        /* nesting level: a section's title is its depth
	                     in sections, what it holds is deeper */
	size_t file;      /* content file holding the entry */
	const char *id;   /* emitted id */
	const char *text; /* plain text, never empty */
} ep_toc;

typedef struct ep_note {
	const mc_node *def;
	const char *id;     /* id of the aside */
	const char *backid; /* id of its first reference, NULL if none */
} ep_note;

/* One content document of the spine.  A single page has one: all of the
 * document.  A document of sections has one per part (its heading and
 * intro), chapter or worksheet, and one per run of blocks outside any
 * section; each file ends with the notes first referenced in it. */
typedef struct ep_file {
	const char *name;  /* inside EPUB/: EP_CONTENT, or c001.xhtml ... */
	const char *idref; /* its manifest id: "content", or c001 ... */
	const char *title; /* its <title>: the section's, else the book's */
	const mc_node *part;  /* a part whose heading and intro this file
	                         holds (first .. last), or NULL */
	const mc_node *first, *last; /* the sibling blocks written, in order
	                                (NULL: none) */
} ep_file;

typedef struct ep_ctx {
	const mc_doc *doc;
	const mc_theme *theme;
	mc_diag *diag;
	mc_arena *arena;

	const char *title; /* never empty */
	const char *lang;  /* a well-formed language tag */
	const char *title_id; /* a single page's title heading, or NULL */
	bool sections;        /* the document holds MC_SECTION: one file per
	                         section */

	ep_file *files;       /* the spine's content documents, in order */
	size_t nfiles;
	size_t cur_file;      /* the file being prepared or written */

	mc_hashset used;    /* emitted ids (set) */
	mc_hashset anchors; /* model id -> emitted id, for "#x" links */
	mc_hashset info;    /* node -> ep_info */
	mc_hashset notes;   /* footnote label -> ep_note */
	mc_hashset imgpath; /* image path -> index + 1 (as uintptr_t) */
	mc_hashset idfile;  /* emitted id -> index + 1 of its file (uintptr_t) */

	ep_image *images;
	size_t nimages, capimages;
	ep_toc *toc;
	size_t ntoc, captoc;

	size_t nimg_nodes;  /* images and figures shown as pictures (packaged) */
	size_t nimg_noalt;  /* ... of which without alt text */
	size_t nembeds, nanswers, nnotes;
	bool failed;        /* an error was reported */
} ep_ctx;

/* ---- util.c ---- */

/* Escaped text / attribute through the XML writer.  No UTF-8 repair
 * here: every string in the model is valid UTF-8 already (model.h,
 * mc_strndup() repairs it once, as it enters the model). */
void ep_text(ep_ctx *c, mc_xml *x, const char *s);
/* Start an XHTML document in out: declaration, doctype, <html> with the
 * namespaces and language, and an open <head>. */
void ep_xhtml_start(ep_ctx *c, mc_xml *x, mc_buf *out);
/* After the head's title: the stylesheet link, </head>, and <body> open. */
void ep_xhtml_body(mc_xml *x);
void ep_attr(ep_ctx *c, mc_xml *x, const char *name, const char *value);
/* A valid XML name (NCName) made from s, unique in the book (registered in
 * ctx->used). */
const char *ep_unique_id(ep_ctx *c, const char *s);
/* Where a link may point in the book: an absolute http(s)/mailto/ftp/tel
 * URL (percent-encoded as needed), "#id" of an element in the file being
 * written or "c003.xhtml#id" of one in another, or NULL when it would not
 * resolve (relative links to other pages of the site, fragments that do
 * not exist, other schemes). */
const char *ep_href(ep_ctx *c, const char *url);
/* A reference to the element with emitted id `id` from the file being
 * written (ctx->cur_file): "#id", or "NAME#id" when another file holds
 * it. */
const char *ep_id_href(ep_ctx *c, const char *id);
/* Record which file (ctx->cur_file) holds the emitted id. */
void ep_id_in_file(ep_ctx *c, const char *id, size_t file);
/* Name-based (version 5, SHA-1) UUID of `name` in the URL namespace, as
 * 36 characters plus NUL in out. */
void ep_uuid5(const char *name, char out[37]);
/* "YYYY-MM-DDThh:mm:ssZ" for t (UTC). */
void ep_iso_date(int64_t t, char out[32]);
/* Plain text of a subtree (text, code, image alt), whitespace collapsed,
 * in the arena. */
const char *ep_plain(ep_ctx *c, const mc_node *n);
/* A well-formed BCP 47 language tag from s ("en" if s is not one). */
const char *ep_lang(ep_ctx *c, const char *s);
char *ep_strdup(ep_ctx *c, const char *s);
char *ep_printf(ep_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- xhtml.c ---- */

/* Pre-pass over the document: content files, ids, TOC, images (read and
 * packaged), footnotes.  Returns 0, or -1 after reporting through diag. */
int ep_prepare(ep_ctx *c);
/* Content document number `file` (< ctx->nfiles).  Returns 0 or -1. */
int ep_content(ep_ctx *c, size_t file, mc_buf *out);
ep_info *ep_info_of(ep_ctx *c, const mc_node *n);

/* ---- css.c ---- */
void ep_css(const mc_theme *t, mc_buf *out);
/* NULL when every text colour of the stylesheet stands out from each
 * background it is drawn on by at least 4.5:1 (WCAG 2.1 AA, 1.4.3); else
 * the worst pair, "#rrggbb on #rrggbb is R:1, ..." (in the arena). */
const char *ep_css_low_contrast(const mc_theme *t, mc_arena *a);

#endif
