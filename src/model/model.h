/*
 * model.h - the mentorconv document model.
 *
 * One tree per converted document.  The front-end (src/front/) is the only
 * code that builds it from Markdown, kramdown extras and raw HTML; every
 * backend (src/back/<fmt>/) only reads it.  Once built, the tree does not
 * depend on cmark-gfm, libyaml or the HTML parser: every string is copied
 * into the document's arena, and the whole document is freed with one call
 * to mc_doc_free().
 *
 * Shape
 * -----
 *   MC_DOCUMENT
 *     holds blocks.
 *
 *   Blocks (may appear where "blocks" is written below):
 *     MC_HEADING        level 1..6, anchor id (node->id, always set and
 *                       unique in the document); holds inlines.
 *     MC_PARAGRAPH      holds inlines.
 *     MC_LIST           ordered/bullet, start number, tight; holds MC_ITEM.
 *     MC_ITEM           task state (GFM task items are checkboxes);
 *                       `prompt` is set when the item is a worksheet prompt:
 *                       its children are then the prompt paragraph followed
 *                       by an MC_ANSWER.  Holds blocks.
 *     MC_BLOCKQUOTE     holds blocks, then at most one MC_ATTRIBUTION last.
 *     MC_CODE_BLOCK     literal text and info string; no children.
 *     MC_THEMATIC_BREAK no children.
 *     MC_TABLE          holds MC_TABLE_ROW; `ncols` is the grid width.
 *     MC_FIGURE         a block image (as.image); may hold one MC_CAPTION.
 *     MC_CALLOUT        a boxed aside: kind (activity, videos, ...); holds an
 *                       optional MC_CALLOUT_TITLE first, then blocks.
 *     MC_EMBED          an embedded video / interactive / collection (from
 *                       an <iframe>), or an online document an activity
 *                       of a --worksheets pack links (kind document); may
 *                       hold one MC_CAPTION (the note of a `videotime`
 *                       line).  Never fetched.
 *     MC_DETAILS        MC_SUMMARY first, then blocks (printed expanded).
 *     MC_ANSWER         a worksheet answer field; no children.  In a
 *                       --worksheets pack, an activity without prompts
 *                       ends with a paragraph "Notes" (the theme's
 *                       worksheet.notes_label) and an MC_ANSWER of kind
 *                       lines labelled so: a notes area; an activity
 *                       linking an online document holds an MC_EMBED of
 *                       kind document (its address, printed with a QR
 *                       code) before it.
 *     MC_DEFLIST        a definition list (kramdown `term` / `: definition`,
 *                       HTML <dl>): MC_DEFTERM and MC_DEFDESC children,
 *                       a term first; each term is followed by its
 *                       descriptions (several terms may share them).
 *     MC_DEFDESC        one definition of the terms before it; holds
 *                       blocks.  Only in an MC_DEFLIST.
 *     MC_SECTION        one input file (or module) of a document built from
 *                       several: as.section.kind says part (a module of a
 *                       course), chapter (a section file) or worksheet (an
 *                       activity of a --worksheets pack).  Its first child
 *                       is always an MC_HEADING, its title; the blocks of
 *                       the input follow, headings demoted below it.  Only
 *                       MC_DOCUMENT and a part hold sections.  Backends
 *                       start each section on a new page (PDF, DOCX) or in
 *                       its own file (EPUB).  A single-page document has
 *                       none.
 *     MC_FOOTNOTE_DEF   a footnote body (label, number); holds blocks.  All
 *                       of them are children of MC_DOCUMENT, at its end.
 *
 *   Table parts:
 *     MC_TABLE_ROW      header flag; holds MC_TABLE_CELL.
 *     MC_TABLE_CELL     colspan, rowspan, header flag, alignment; holds
 *                       blocks (a Markdown table cell holds one paragraph).
 *
 *   Inline containers (hold inlines only, appear only where stated above):
 *     MC_CALLOUT_TITLE  the callout's heading (its links kept); its id and
 *                       as.heading.level are those it was written with.
 *     MC_SUMMARY        the <summary> of a details block.
 *     MC_ATTRIBUTION    who a blockquote is quoting ("Name, Role").
 *     MC_CAPTION        the caption of a figure or the note of an embed.
 *     MC_DEFTERM        a term of an MC_DEFLIST.
 *
 *   Inlines:
 *     MC_TEXT           literal text (already typographically processed).
 *     MC_CODE           inline code (literal).
 *     MC_EMPH, MC_STRONG, MC_STRIKE, MC_SUP, MC_SUB   hold inlines.
 *     MC_SPAN           text in another language or direction (an HTML
 *                       <span lang=.. dir=..>), or an abbreviation (a
 *                       kramdown `*[ABBR]: title`, as.span.title set);
 *                       holds inlines, its `lang` or `dir` (below) or
 *                       its title set.
 *     MC_LINK           URL, title, target; holds inlines.
 *     MC_IMAGE          an inline image (as.image); no children.
 *     MC_LINEBREAK      a hard line break.
 *     MC_SOFTBREAK      a line end inside a paragraph (a space in print).
 *     MC_BLANK          an inline fill-in blank ("____"); width in chars.
 *     MC_FOOTNOTE_REF   a reference to MC_FOOTNOTE_DEF with the same label.
 *     MC_CONTROL        an HTML form control as a reader of the web page
 *                       sees it (never a live field): as.control.kind says
 *                       text field, drop-down, checkbox, radio button or
 *                       button; as.control.text is what it shows (the
 *                       value, else the placeholder with `placeholder`
 *                       set; the selected option; the button's label).
 *                       Backends draw text fields, drop-downs and buttons
 *                       as framed text (a placeholder greyed), checkboxes
 *                       and radio buttons as the glyphs U+2610/U+2611 and
 *                       U+25CB/U+25C9.  No children.
 *
 * Language and direction
 * ----------------------
 * The document's language is meta.lang and its direction meta.dir.  Any
 * node may carry its own `lang` (a BCP 47 tag) and `dir`; NULL and
 * MC_DIR_NONE mean "the parent's".  The front-end sets them on blocks
 * (paragraph, heading, item, cell, blockquote, callout, details, ...) and
 * on MC_SPAN from raw HTML `lang=`/`dir=` attributes and kramdown IALs,
 * and on a paragraph (heading, item, cell, caption...) whose letters are
 * mostly of a script its inherited language does not use (Arabic -> "ar",
 * Hebrew -> "he", kana -> "ja", ...).  A node whose language is written
 * right to left (ar, he, fa, ur, ...) has dir MC_DIR_RTL unless its
 * parent is right to left already; dir="auto" is settled from the text.
 * mc_node_lang() and mc_node_dir() give the values in effect at a node.
 *
 * Every node carries the 1-based source line (and column, 0 when unknown)
 * of the text it came from in the input file, front matter included.
 * mc_can_contain() states the rules above; mc_doc_validate() checks a tree.
 *
 * Strings are UTF-8, NUL-terminated, never NULL unless a field says it may
 * be ("NULL if none").  No global state: documents are independent, so
 * several may be built and rendered on several threads at once.
 */
#ifndef MC_MODEL_H
#define MC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/slug.h"

typedef enum mc_node_type {
	MC_DOCUMENT = 0,
	/* blocks */
	MC_HEADING,
	MC_PARAGRAPH,
	MC_LIST,
	MC_ITEM,
	MC_BLOCKQUOTE,
	MC_CODE_BLOCK,
	MC_THEMATIC_BREAK,
	MC_TABLE,
	MC_FIGURE,
	MC_CALLOUT,
	MC_EMBED,
	MC_DETAILS,
	MC_ANSWER,
	MC_DEFLIST,
	MC_DEFDESC,
	MC_SECTION,
	MC_FOOTNOTE_DEF,
	/* table parts */
	MC_TABLE_ROW,
	MC_TABLE_CELL,
	/* inline containers */
	MC_CALLOUT_TITLE,
	MC_SUMMARY,
	MC_ATTRIBUTION,
	MC_CAPTION,
	MC_DEFTERM,
	/* inlines */
	MC_TEXT,
	MC_CODE,
	MC_EMPH,
	MC_STRONG,
	MC_STRIKE,
	MC_SUP,
	MC_SUB,
	MC_SPAN,
	MC_LINK,
	MC_IMAGE,
	MC_LINEBREAK,
	MC_SOFTBREAK,
	MC_BLANK,
	MC_FOOTNOTE_REF,
	MC_CONTROL,
	MC_NODE_TYPE__MAX
} mc_node_type;

typedef enum mc_align {
	MC_ALIGN_NONE = 0,
	MC_ALIGN_LEFT,
	MC_ALIGN_CENTER,
	MC_ALIGN_RIGHT
} mc_align;

typedef enum mc_task {
	MC_TASK_NONE = 0, /* not a task item */
	MC_TASK_OPEN,     /* "- [ ] ..." : an empty checkbox */
	MC_TASK_DONE      /* "- [x] ..." : a ticked checkbox */
} mc_task;

/* Callout kinds.  Themes give each a label and colours by its name
 * (mc_callout_kind_name()).  MC_CALLOUT_HIGHLIGHT is kramdown's
 * `colorhighlight colorN` box; its N is in as.callout.variant. */
typedef enum mc_callout_kind {
	MC_CALLOUT_ACTIVITY = 0,
	MC_CALLOUT_VIDEOS,
	MC_CALLOUT_CASE_STUDY,
	MC_CALLOUT_OBJECTIVES,
	MC_CALLOUT_INFO,
	MC_CALLOUT_HIGHLIGHT,
	MC_CALLOUT_KIND__MAX
} mc_callout_kind;

typedef enum mc_embed_kind {
	MC_EMBED_VIDEO = 0,   /* YouTube, Vimeo, TED, ... */
	MC_EMBED_INTERACTIVE, /* H5P and other interactive pages */
	MC_EMBED_COLLECTION,  /* raindrop.io link collections */
	MC_EMBED_DOCUMENT,    /* an online document an activity points to
	                         (Google Docs/Drive, OneDrive, ...): made by
	                         --worksheets packs, not from an iframe */
	MC_EMBED_KIND__MAX
} mc_embed_kind;

typedef enum mc_section_kind {
	MC_SECTION_PART = 0, /* a module of a course: intro, then chapters */
	MC_SECTION_CHAPTER,  /* one section file of a module */
	MC_SECTION_WORKSHEET /* one activity of a worksheet pack */
} mc_section_kind;

/* What a document was built from (mc_meta.kind). */
typedef enum mc_doc_kind {
	MC_DOC_PAGE = 0,  /* one Markdown file: no MC_SECTION nodes */
	MC_DOC_MODULE,    /* a module: chapters (sections in file order) */
	MC_DOC_COURSE,    /* a course: parts (modules) holding chapters */
	MC_DOC_WORKSHEETS /* --worksheets: one worksheet section per page */
} mc_doc_kind;

typedef enum mc_answer_kind {
	MC_ANSWER_LINE = 0, /* a single-line text field */
	MC_ANSWER_LINES,    /* a multi-line text field, `lines` suggested */
	MC_ANSWER_CHECKBOX, /* a box to tick */
	MC_ANSWER_KIND__MAX
} mc_answer_kind;

/* What an HTML form control is drawn as (MC_CONTROL). */
typedef enum mc_control_kind {
	MC_CONTROL_FIELD = 0, /* a text field: <input type=text|email|...>,
	                         <textarea> */
	MC_CONTROL_SELECT,    /* a drop-down list showing its chosen option */
	MC_CONTROL_CHECKBOX,
	MC_CONTROL_RADIO,
	MC_CONTROL_BUTTON,    /* <button>, <input type=submit|reset|button> */
	MC_CONTROL_KIND__MAX
} mc_control_kind;

/* Image data, shared by MC_IMAGE (inline) and MC_FIGURE (block). */
typedef struct mc_image {
	const char *src;   /* URL as written, Liquid resolved */
	const char *path;  /* local file inside the site root, NULL if the
	                      image is remote, missing or outside the root */
	const char *alt;   /* alternative text, "" if none */
	const char *title; /* NULL if none */
	const char *href;  /* MC_FIGURE only: URL the image links to, or NULL */
	int width;         /* requested width in CSS px, 0 if not given */
	int height;        /* requested height in CSS px, 0 if not given */
} mc_image;

/* Writing direction (mc_node.dir, mc_meta.dir). */
typedef enum mc_dir {
	MC_DIR_NONE = 0, /* a node: the parent's; the document: left to right */
	MC_DIR_LTR,
	MC_DIR_RTL
} mc_dir;

typedef struct mc_node mc_node;

/* A node holds the fields every node has and then, in `as`, only the
 * member of its type (mc_node_new allocates no more: a text node is
 * about half the size of the whole union).  So a node is never copied
 * by value, and as.X is read only on a node whose type owns X (as the
 * comments below say). */
struct mc_node {
	mc_node_type type;
	uint32_t line;  /* 1-based source line */
	uint32_t col;   /* 1-based source column, 0 if unknown */
	mc_dir dir;     /* MC_DIR_NONE: the parent's */
	mc_node *parent, *prev, *next, *first, *last;
	const char *id;      /* anchor id, NULL if none (headings: always) */
	const char *classes; /* space-separated classes from IALs/HTML, or NULL */
	const char *lang;    /* language tag, NULL: the parent's */
	union {
		struct {
			int level; /* 1..6 (MC_HEADING, MC_CALLOUT_TITLE) */
		} heading;
		struct {
			bool ordered;
			bool tight;  /* no blank lines between items */
			int start;   /* first number of an ordered list */
		} list;
		struct {
			mc_task task;
			bool prompt; /* worksheet prompt: paragraph + MC_ANSWER */
		} item;
		struct {
			const char *info; /* info string, "" if none */
			const char *text; /* literal, ends with a newline if
			                     non-empty */
		} code;
		struct {
			int ncols;        /* grid columns, spans counted */
			mc_align *aligns; /* ncols entries (Markdown tables), or
			                     NULL */
		} table;
		struct {
			bool header;
		} row;
		struct {
			int colspan, rowspan; /* >= 1 */
			bool header;          /* <th> or a header-row cell */
			mc_align align;
		} cell;
		mc_image image; /* MC_IMAGE, MC_FIGURE */
		struct {
			mc_callout_kind kind;
			int variant; /* MC_CALLOUT_HIGHLIGHT: 1..3; else 0 */
		} callout;
		struct {
			mc_embed_kind kind;
			const char *provider;  /* "YouTube", "Vimeo", "TED",
			                          "H5P", "Raindrop.io", or the host */
			const char *url;       /* the iframe's src, as written */
			const char *watch_url; /* canonical page for a person:
			                          https://www.youtube.com/watch?v=ID */
			const char *short_url; /* short form for print (youtu.be
			                          with ?t=), else = watch_url */
			const char *video_id;  /* provider's id, NULL if none */
			const char *title;     /* iframe title, NULL if none */
			const char *duration;  /* "2:54" from videotime, or NULL */
			int start, end;        /* seconds, -1 if not given */
		} embed;
		struct {
			mc_answer_kind kind;
			int lines;         /* MC_ANSWER_LINES: suggested lines */
			bool checked;      /* MC_ANSWER_CHECKBOX */
			const char *label; /* the prompt as plain text, for field
			                      names; "" if none */
			int number;        /* 1-based, unique in the document */
		} answer;
		struct {
			const char *url;
			const char *title;  /* NULL if none */
			const char *target; /* e.g. "_blank", NULL if none */
		} link;
		struct {
			const char *text; /* MC_TEXT, MC_CODE */
		} text;
		struct {
			int width; /* number of underscores written */
		} blank;
		struct {
			mc_section_kind kind;
			const char *source; /* the input file (a part: the
			                       module folder) */
			const char *url;    /* its site URL (permalink), NULL
			                       if unknown */
		} section;
		struct {
			mc_control_kind kind;
			const char *text; /* shown text, "" if none (a checkbox
			                     or radio button: its label is the
			                     text around it) */
			bool placeholder; /* text is the field's placeholder
			                     hint, not a value: shown greyed */
			bool checked;     /* a ticked checkbox or chosen radio */
		} control;
		struct {
			const char *title; /* MC_SPAN: an abbreviation's
			                      expansion ("" if none given), NULL
			                      if the span is no abbreviation */
		} span;
		struct {
			const char *label; /* as written in [^label] */
			int number;        /* 1-based order of first reference */
		} footnote;
	} as;
};

/* A key/value pair from front matter that has no field of its own. */
typedef struct mc_pair {
	const char *key, *value;
} mc_pair;

typedef struct mc_meta {
	mc_doc_kind kind;       /* one page, a module, a course, ... */
	const char *title;      /* front matter title (a module: its first
	                           section's; a course: course.yml's), else "" */
	const char *description; /* a course's description, else NULL */
	const char **tags;      /* ntags entries */
	size_t ntags;
	const char *permalink;  /* NULL if none */
	const char *lang;       /* front matter or site lang, else "en" */
	mc_dir dir;             /* MC_DIR_RTL when lang is written right to
	                           left, else MC_DIR_NONE */
	const char *source;     /* input path as given ("-" for stdin) */
	const char *root;       /* site root directory, NULL if none */
	int64_t date;           /* the document's date, seconds since the
	                           epoch: SOURCE_DATE_EPOCH when set (the CLI
	                           sets it), else the newest modification time
	                           of the input and the images it uses; 0 if
	                           unknown.  Backends date their output with
	                           this, never with the clock. */
	const char **deps;      /* ndeps files read besides the inputs and
	                           images (site files), for --depfile */
	size_t ndeps;
	mc_pair *extra;         /* other scalar front-matter keys, in order */
	size_t nextra;
	struct {
		const char *title, *description, *baseurl, *url; /* or NULL */
		const char *permalink; /* the permalink pattern, or NULL */
	} site;                 /* from _config.yml */
	struct {
		const char *title, *description; /* or NULL */
		const char **modules; /* module order, nmodules entries */
		size_t nmodules;
	} course;               /* from _data/course.yml */
} mc_meta;

typedef struct mc_doc {
	mc_arena *arena; /* owns every node and string below */
	mc_meta meta;
	mc_node *root;   /* MC_DOCUMENT */
} mc_doc;

/* ---- building (front-end) ---- */

/* A new empty document with its own arena, or NULL when out of memory. */
mc_doc *mc_doc_new(void);
/* Free a document and everything in it.  NULL is allowed. */
void mc_doc_free(mc_doc *doc);

/* A new detached node, zeroed but for type/line/col (and defaults: list
 * start 1, cell spans 1, embed start/end -1). */
mc_node *mc_node_new(mc_doc *doc, mc_node_type type, uint32_t line,
                     uint32_t col);
/* Copy a string (or n bytes of it) into the document's arena.  Invalid
 * UTF-8 bytes and the noncharacters U+FFFE and U+FFFF become U+FFFD:
 * every string in the model is valid UTF-8 without them. */
const char *mc_strdup(mc_doc *doc, const char *s);
const char *mc_strndup(mc_doc *doc, const char *s, size_t n);

void mc_node_append(mc_node *parent, mc_node *child);
void mc_node_prepend(mc_node *parent, mc_node *child);
void mc_node_insert_before(mc_node *sibling, mc_node *node);
void mc_node_insert_after(mc_node *sibling, mc_node *node);
/* Detach a node (and its subtree) from its parent and siblings. */
void mc_node_unlink(mc_node *node);

/* ---- reading ---- */

bool mc_node_is_block(mc_node_type t);
bool mc_node_is_inline(mc_node_type t);
/* A block whose children are inlines: a heading, paragraph, callout
 * title, summary, attribution, caption or definition term (a text
 * block). */
bool mc_node_holds_inlines(mc_node_type t);
/* Whether a node of type `parent` may hold a child of type `child`. */
bool mc_can_contain(mc_node_type parent, mc_node_type child);
/* Stable lower-case names, used by the JSON dump and by themes. */
const char *mc_node_type_name(mc_node_type t);
const char *mc_callout_kind_name(mc_callout_kind k); /* "activity", ... */
const char *mc_embed_kind_name(mc_embed_kind k);     /* "video", ... */
const char *mc_answer_kind_name(mc_answer_kind k);   /* "line", ... */
const char *mc_control_kind_name(mc_control_kind k); /* "field", ... */
/* The glyph a checkbox or radio control is printed as (U+2610 ballot box,
 * U+2611 ticked, U+25CB circle, U+25C9 chosen); "" for other nodes. */
const char *mc_control_glyph(const mc_node *n);
const char *mc_section_kind_name(mc_section_kind k); /* "part", ... */
const char *mc_doc_kind_name(mc_doc_kind k);         /* "page", ... */
const char *mc_align_name(mc_align a);               /* "none", ... */

/* Whether a language tag is well formed: a 2-8 letter language, then
 * subtags of 1-8 letters or digits joined by '-'. */
bool mc_lang_valid(const char *tag);
/* Whether a language tag names a language written right to left (ar, he,
 * fa, ur, yi, ps, dv, ckb, ..., or a tag with the Arab/Hebr script). */
bool mc_lang_rtl(const char *tag);
/* Whether two tags name the same language (case-insensitive). */
bool mc_lang_same(const char *a, const char *b);
/* The language in effect at n (its own, an ancestor's, or the
 * document's); n may be NULL. */
const char *mc_node_lang(const mc_doc *doc, const mc_node *n);
/* The direction in effect at n: MC_DIR_LTR or MC_DIR_RTL. */
mc_dir mc_node_dir(const mc_doc *doc, const mc_node *n);
const char *mc_dir_name(mc_dir d);                   /* "ltr", "rtl" */

/* The text of a subtree with markup removed, into the doc's arena. */
const char *mc_node_plain_text(mc_doc *doc, const mc_node *node);

struct mc_buf;

/* ---- worksheet field names (the writers name fields from these, and
 * `mentorconv collect` reads the names back) ---- */

/* The title of the worksheet a field node (an MC_ANSWER or MC_BLANK) is
 * in, as plain text with white space collapsed, appended to out: its
 * nearest enclosing box's title, else its section's heading; false (out
 * untouched) when it is in neither. */
bool mc_field_worksheet(const mc_node *n, struct mc_buf *out);
/* A field name part made from a title: mc_field_slug(), with the other
 * rules that make names from text, in ../util/slug.h. */
/* "name" or "date" when the blank n is a worksheet's Name or Date line:
 * the text just before it ends with name_label or date_label (as the
 * theme gives them, with an optional ':'), else NULL. */
const char *mc_blank_role(const mc_node *n, const char *name_label,
                          const char *date_label);

/* Check the whole tree against mc_can_contain() and its links.  Returns 0
 * if valid; otherwise -1 with a message naming the first bad node written
 * into err (size errsz). */
int mc_doc_validate(const mc_doc *doc, char *err, size_t errsz);

/* ---- walking ---- */

typedef enum mc_event {
	MC_EVENT_NONE = 0,
	MC_EVENT_ENTER,
	MC_EVENT_EXIT, /* only for nodes that may have children */
	MC_EVENT_DONE
} mc_event;

/* Depth-first iteration as enter/exit events, like cmark's iterator.  Leaf
 * nodes (text, code, breaks, images, answers, ...) get ENTER only. */
typedef struct mc_iter {
	mc_node *root, *cur;
	mc_event ev;
} mc_iter;

void mc_iter_init(mc_iter *it, mc_node *root);
/* The node after n in pre-order, within root's subtree (NULL after the
 * last): for loops that may change the tree behind them. */
mc_node *mc_node_next(mc_node *n, const mc_node *root);
/* Next event; it->cur is the node.  MC_EVENT_DONE after the root's exit. */
mc_event mc_iter_next(mc_iter *it);

#endif
