/*
 * docx.h - the DOCX backend: public entry points and its private state.
 *
 * A fillable worksheet in Office Open XML (ECMA-376, WordprocessingML).
 * The render is split by concern:
 *   docx.c    the package: parts, relationships, properties, zip
 *   styles.c  styles.xml and numbering.xml, generated from the theme
 *   body.c    word/document.xml: the model's blocks and inlines
 *   fields.c  its worksheet fields, tables.c its tables, toc.c its table
 *             of contents (docx_int.h: what these four share)
 *   media.c   image sizes (PNG, JPEG, GIF) and the QR code PNG
 * All state lives in one dx struct per render: no globals.
 */
#ifndef MC_DOCX_H
#define MC_DOCX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../backend.h"
#include "../../util/image.h"
#include "../../util/xml.h"
#include "../../util/fmath.h"

/* The backend's own options, read from the command line's --protect and
 * --fields (backends.c's docx_options) by mc_render_docx(). */
typedef struct mc_docx_opts {
	bool protect;       /* only the answer fields editable */
	bool legacy_fields; /* --fields=legacy: FORMTEXT/FORMCHECKBOX fields
	                       instead of content controls */
} mc_docx_opts;

/* The entry point, mc_render_docx() (opts NULL: the defaults, content
 * controls, no protection), is declared in ../backend.h.  It returns 0,
 * or -1 after mc_error. */

/* ---- private to src/back/docx/ ---- */

/* The WordprocessingML namespace. */
#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

/* <w:lang> for text in language tag `lang`: w:val, and w:eastAsia for
 * Chinese, Japanese and Korean, w:bidi for a right-to-left language
 * (styles.c). */
void dx_lang(mc_xml *x, const char *lang);

/* A w:top/w:left/... border and a w:shd fill (styles.c; body.c too). */
void dx_border(mc_xml *x, const char *side, const char *kind, int sz,
               int space, uint32_t color);
void dx_shade(mc_xml *x, uint32_t fill);
/* <el w:val="v"/>, the commonest WordprocessingML property. */
static inline void dx_val(mc_xml *x, const char *el, const char *v)
{
	mc_xml_empty(x, el, "w:val", v, NULL);
}

/* One file in word/media/. */
typedef struct dx_media {
	const char *key;  /* image path or "qr:URL" (dedup key, malloc'd) */
	char name[32];    /* "image3.png" */
	char rid[16];     /* "rId12" */
	mc_buf data;
	long px_w, px_h;  /* natural size in pixels */
} dx_media;

/* One w:num instance: each list gets its own, so numbers restart. */
typedef struct dx_num {
	bool ordered;
	int level; /* ilvl of the list */
	int start;
} dx_num;

/* A line of the table of contents: a heading the TOC field lists. */
typedef struct dx_toc {
	int level;        /* 1 or 2 */
	const char *text; /* the heading's plain text (document's arena) */
	const char *mark; /* its bookmark's name */
	int page;         /* estimated page (the field's cached result) */
} dx_toc;

/* A bookmark for an anchor id. */
typedef struct dx_mark {
	const char *id;
	char name[48];
	bool used;       /* its bookmark is written */
} dx_mark;

typedef struct dx {
	const mc_doc *doc;
	const mc_theme *theme;
	mc_diag *diag;
	mc_docx_opts opts;

	mc_xml x;      /* word/document.xml being written */
	mc_buf doc_xml;
	mc_buf rels;   /* extra <Relationship> rows (links, images) */
	int next_rid;

	dx_media *media;
	size_t nmedia, capmedia;
	dx_num *nums;
	size_t nnums, capnums;
	dx_mark *marks;
	size_t nmarks;
	dx_toc *toc;      /* headings for the TOC field's cached result */
	size_t ntoc, captoc;
	bool want_toc;    /* a module or course: title page with a TOC */
	int est_page;     /* page estimate: the current page, 1-based */
	double est_used;  /* points of it filled so far */

	int next_field;   /* w:id of content controls, field names */
	int ntasks;       /* task checkboxes so far */
	int nblanks;      /* blank fields so far (their numbers) */
	int next_docpr;   /* wp:docPr ids */
	int next_bm;      /* w:bookmarkStart ids */
	int failed;       /* -1 once an error was reported */

	/* rendering context */
	const mc_callout_style *callout; /* innermost callout, or NULL */
	const char *callout_style;       /* its style id */
	int list_level;                  /* -1 outside lists */
	long max_width;                  /* twips an image may take (a table
	                                    cell's), 0: the text width */
	const char *last_heading;        /* plain text of the last heading */
} dx;

/* Whether a document gets a table of contents (a module or a course). */
bool dx_wants_toc(const mc_doc *doc);
/* The deepest heading level the TOC field lists ("1-2"). */
#define DX_TOC_LEVELS 2

/* styles.c: 0, or -1 if the XML came out unbalanced (a bug) */
int dx_styles_xml(const dx *d, mc_buf *out);
int dx_numbering_xml(const dx *d, mc_buf *out);
/* The style id of a callout kind ("CalloutActivity", "Highlight2"). */
const char *dx_callout_style_id(mc_callout_kind kind, int variant);
/* Twentieths of a point from points. */
long dx_twips(double pt);

/* body.c (with fields.c, tables.c, toc.c) */
int dx_body(dx *d);

/* media.c */
/* Read the image at path: its natural size and bytes.  Returns the media
 * entry, or NULL (no error reported; the reason in *why unless why is
 * NULL) when it is not a PNG/JPEG/GIF or cannot be read. */
dx_media *dx_image(dx *d, const char *path, mc_image_why *why);
/* The image at path if dx_image() has read it already, else NULL. */
const dx_media *dx_image_known(const dx *d, const char *path);
/* A QR code PNG of text.  NULL after a warning when text cannot be a QR
 * code (too long), or after an error (*failed set) when the PNG cannot be
 * written. */
dx_media *dx_qr(dx *d, const char *text, uint32_t line, bool *failed);
/* A new relationship id for an external hyperlink to url. */
const char *dx_link_rel(dx *d, const char *url, char *rid, size_t n);

#endif
