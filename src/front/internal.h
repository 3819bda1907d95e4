/*
 * internal.h - state shared by the front-end's files (private to
 * src/front/).
 *
 * The pipeline, one parse at a time, all state in one mc_fe:
 *   1. source.c   decode the bytes (BOM, UTF-8 repair, line ends), split off
 *                 the front matter, and pre-pass the body: Liquid resolved
 *                 (liquid.c, with its own line map to the source),
 *                 kramdown HTML blocks (`markdown="1"` containers and raw
 *                 HTML blocks) cut out and replaced by marker comments,
 *                 kramdown IALs replaced by sentinels; kramdown's own
 *                 lines taken out (extensions {::comment} {::nomarkdown}
 *                 {::options}, ALDs {:name: ...}, abbreviations *[X]: ..,
 *                 the ^ marker), definition lists marked as containers,
 *                 guillemets << >> made « ».  A line map leads back from
 *                 the pre-passed text to the source.  Each stage's
 *                 input is freed once the next has its output (sized
 *                 exactly): cmark then sees the pre-passed text alone.
 *   2. meta.c     front matter, _config.yml and _data/course.yml (libyaml).
 *   3. markdown.c the pre-passed text through cmark-gfm, into the model;
 *                 markers become containers or raw HTML.
 *   4. html.c     raw HTML through gumbo, into the model.
 *   5. rules.c    the kramdown and course rules on the model: IALs (and the
 *                 ALDs they name), abbreviations, callout titles,
 *                 worksheet prompts, attributions, blanks, figures,
 *                 heading ids, image paths, numbering, unsafe URLs.
 */
#ifndef MC_FRONT_INTERNAL_H
#define MC_FRONT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../model/model.h"
#include "../util/buf.h"
#include "../util/diag.h"
#include "../util/hashset.h"
#include "front.h"

/* Sentinels: private-use code points of plane 16 (U+10FFF0..U+10FFF2),
 * which the decoder replaces wherever they occur in the input, so these
 * are unambiguous; unlike noncharacters, the HTML parser keeps them.
 *   MARK  (U+10FFF0) inside an HTML comment: a marker from the pre-pass:
 *         "<!--" MARK 'o' N "-->" opens container N, 'c' N closes it,
 *         'r' N stands for raw HTML chunk N.
 *   IAL_OPEN N IAL_CLOSE (U+10FFF1 digits U+10FFF2) in text: IAL N. */
#define MC_MARK "\xF4\x8F\xBF\xB0"
#define MC_IAL_OPEN "\xF4\x8F\xBF\xB1"
#define MC_IAL_CLOSE "\xF4\x8F\xBF\xB2"
#define MC_SENTINEL_LEN 4

/* Most kramdown abbreviations a page may define (each use is looked for
 * in all of its text). */
#define MC_MAX_ABBRS 256
/* Most attribute list definitions a page may make (each reference looks
 * through them). */
#define MC_MAX_ALDS 1024

/* Deepest nesting of containers/HTML elements followed; deeper content is
 * flattened into its parent with a warning. */
#define MC_MAX_DEPTH 200

typedef struct mc_attr {
	const char *name, *value; /* value "" for a bare attribute */
} mc_attr;

/* A parsed start tag (of the pre-pass's HTML or an IAL). */
typedef struct mc_attrs {
	mc_attr *v;
	size_t n;
} mc_attrs;

/* A `markdown="1"` HTML element whose content is Markdown, or a part of
 * a kramdown definition list (node set). */
typedef struct mc_container {
	const char *tag;   /* lower-case element name */
	mc_attrs attrs;    /* without the markdown attribute */
	uint32_t line, col;
	mc_node_type node; /* MC_DEFLIST, MC_DEFTERM or MC_DEFDESC for a
	                      definition list's part, else MC_DOCUMENT */
} mc_container;

/* A raw HTML block cut out by the pre-pass. */
typedef struct mc_chunk {
	const char *text;
	size_t len;
	uint32_t line, col; /* where it starts in the source */
} mc_chunk;

/* A kramdown inline attribute list, `{: ...}` or `{#id}`. */
typedef struct mc_ial {
	const char *text; /* as written, braces included (for code) */
	mc_attrs attrs;
	uint32_t line, col;
	bool used;
	bool margin; /* alone on its line at the margin: a block IAL that
	                ends a quote or list it follows (kramdown) */
	bool after_text, before_text; /* its line follows / precedes a
	                                 non-blank line directly */
} mc_ial;

/* Elements of one kind left out of the model (lost.c): told once per
 * kind and file, at the end of the parse, with how many there were and
 * how many words of visible text went with them. */
typedef enum mc_drop_kind {
	MC_DROP_ELEMENT = 0, /* an element (and its text) */
	MC_DROP_FALLBACK,    /* only an element's fallback text */
	MC_DROP_HANDLER      /* an event handler attribute (what: its name) */
} mc_drop_kind;

typedef struct mc_drop {
	char what[24];      /* element or attribute name, e.g. "style" */
	mc_drop_kind kind;
	uint32_t line, col; /* the first one */
	long count, words;
} mc_drop;

/* A kramdown attribute list definition, `{:name: attrs}`. */
typedef struct mc_ald {
	const char *name; /* lower-case */
	mc_attrs attrs;
	uint32_t line, col;
} mc_ald;

/* A kramdown abbreviation, `*[ABBR]: title`. */
typedef struct mc_abbr {
	const char *abbr;  /* as written, at least one character */
	const char *title; /* "" if none */
} mc_abbr;

typedef struct mc_fe {
	mc_doc *doc;
	mc_diag *diag;
	const mc_front_opts *opts;
	const char *dir;  /* directory of the input (absolute) */
	const char *root; /* site root (absolute), never NULL after setup */

	/* 1. decoded source */
	char *src;        /* whole decoded input (malloc'd; the bytes read
	                     themselves when decoding changed nothing);
	                     freed by mc_fe_liquid when it rendered, else
	                     by mc_fe_release_body */
	size_t srclen;
	char *liquid_body; /* body with Liquid resolved (malloc'd), or NULL */
	const char *body; /* after the front matter; NULL after
	                     mc_fe_release_body */
	size_t bodylen;
	uint32_t body_line; /* source line of body[0] */
	/* Liquid output line (0-based) -> source line and column of its
	 * first byte; NULL when Liquid changed nothing (the identity) */
	uint32_t *liq_line, *liq_col;
	size_t nliq;

	long body_words;  /* the body's words, counted before it is freed
	                     (mc_fe_release_body); body is then NULL */

	/* pre-pass output */
	mc_buf md;           /* the text cmark sees */
	uint32_t *map_line;  /* md line (0-based) -> source line */
	uint32_t *map_col;   /* md line -> source column of its first byte */
	size_t nmap, capmap;
	mc_container *conts;
	size_t nconts, capconts;
	mc_chunk *chunks;
	size_t nchunks, capchunks;
	char *chunk_text;    /* the chunks' text once the body is freed */
	mc_ial *ials;
	size_t nials, capials;
	mc_ald *alds;        /* kramdown ALDs, in source order */
	size_t nalds, capalds;
	mc_abbr *abbrs;      /* kramdown abbreviations, in source order */
	size_t nabbrs, capabbrs;
	bool abbrs_capped;   /* more than MC_MAX_ABBRS: warned */
	bool alds_capped;    /* more than MC_MAX_ALDS: warned */
	mc_node **tocs;      /* lists marked {:toc}: kramdown puts the
	                        page's table of contents in their place */
	size_t ntocs, captocs;
	/* where the Markdown may be cut into independently parsed pieces
	 * (top level, after a blank line, before a line that cannot continue
	 * a list or quote): byte offsets into md and their md line numbers */
	size_t *cut_off;
	uint32_t *cut_line;
	size_t ncuts, capcuts;
	bool has_refdefs; /* link or footnote definitions: never cut */

	/* rules */
	int answers, footnotes;
	mc_node **autodir; /* nodes with dir="auto", settled by mc_fe_lang */
	size_t nauto, capauto;

	/* lost.c: what was left out */
	mc_drop *drops;
	size_t ndrops, capdrops;
} mc_fe;

/* source.c */
/* Decode data[0..len) into fe->src.  own is NULL or data itself,
 * malloc'd with a NUL at data[len]: it is taken over (kept as fe->src
 * when decoding changes nothing, else freed). */
int mc_fe_decode(mc_fe *fe, const char *data, size_t len, char *own);
int mc_fe_split_front_matter(mc_fe *fe, const char **fm, size_t *fmlen,
                             uint32_t *fm_line);
int mc_fe_prepass(mc_fe *fe);
/* After the pre-pass: free the source and the Liquid output (the text
 * cmark sees is fe->md), the raw HTML chunks moved into a block of
 * their own and the body's words counted first. */
void mc_fe_release_body(mc_fe *fe);
/* Source position of a 1-based line/column of the pre-passed text. */
void mc_fe_map(const mc_fe *fe, int mdline, int mdcol, uint32_t *line,
               uint32_t *col);
/* Parse attributes of an HTML start tag or an IAL body into the doc's
 * arena.  Accepts straight and curly quotes around values. */
void mc_fe_parse_attrs(mc_fe *fe, const char *s, size_t n, mc_attrs *out);
const char *mc_attr_get(const mc_attrs *a, const char *name);
bool mc_has_class(const char *classes, const char *cls);

/* meta.c */
int mc_fe_front_matter(mc_fe *fe, const char *yaml, size_t len,
                       uint32_t line);
int mc_fe_site(mc_fe *fe);
/* Record a file the output depends on (--depfile), once. */
void mc_fe_dep(mc_fe *fe, const char *path);
/* A file looked for and not found: its appearance would change the
 * output, so record the nearest existing folder above it inside the
 * root (whose time changes when the file is added). */
void mc_fe_dep_absent(mc_fe *fe, const char *path);
/* A small file inside the site root (malloc'd, NUL-terminated, length
 * in *len); NULL if absent (recorded with mc_fe_dep_absent), or after an
 * error when it leads outside the root. */
char *mc_fe_read_site_file(mc_fe *fe, const char *rel, size_t *len);
/* Load YAML text into doc (libyaml's loader); -1 after a message at the
 * parser's file:line:col, an error or (warn_only) a warning. */
struct yaml_document_s;
int mc_fe_load_yaml(mc_fe *fe, const char *file, const char *text,
                    size_t len, uint32_t line0, bool warn_only,
                    struct yaml_document_s *doc);

/* liquid.c: render the body's Liquid as Jekyll does (fm: the front
 * matter's YAML, for page.*); sets body/bodylen and the line map
 * liq_line/liq_col.  0, or -1 after an error. */
int mc_fe_liquid(mc_fe *fe, const char *fm, size_t fmlen, uint32_t fmline);
/* The source line and column of a line/column of the Liquid output
 * (line counted from body_line, as the pre-pass counts). */
void mc_fe_liquid_pos(const mc_fe *fe, uint32_t line, uint32_t col,
                      uint32_t *sline, uint32_t *scol);

/* markdown.c */
int mc_fe_markdown(mc_fe *fe);

/* html.c: parse HTML and append what it holds to `parent` — as blocks
 * when parent holds blocks, else as inlines.  `line` is the source line of
 * the HTML's first byte.  `from_md` says the HTML was rendered from a
 * Markdown paragraph (newlines then mean soft breaks). */
int mc_fe_html(mc_fe *fe, const char *html, size_t len, uint32_t line,
               mc_node *parent, bool from_md);
/* Turn an <iframe> src (and title) into an MC_EMBED node. */
mc_node *mc_fe_embed(mc_fe *fe, const char *src, const char *title,
                     uint32_t line, uint32_t col);
/* Make a callout or other node for a container element; NULL if the
 * element is transparent (its content goes to the parent). */
mc_node *mc_fe_container_node(mc_fe *fe, const char *tag,
                              const mc_attrs *attrs, uint32_t line,
                              uint32_t col);

/* ids.c: a hash set of anchor ids (util/hashset.h); each id's value is
 * the next suffix to try for it, so n equal headings cost n probes, not
 * n*n.  All zero is an empty set. */
typedef struct mc_idset {
	mc_hashset set;
} mc_idset;

bool mc_idset_find(const mc_idset *s, const char *id);
/* Add id (not copied: it must outlive the set), if not there yet. */
void mc_idset_add(mc_idset *s, const char *id);
/* base if free, else base-N for the first free N; added to the set and
 * copied into doc's arena. */
const char *mc_idset_unique(mc_idset *s, mc_doc *doc, const char *base);
void mc_idset_free(mc_idset *s);
/* kramdown's automatic id for a heading's text, in doc's arena. */
const char *mc_id_slug(mc_doc *doc, const char *text);

/* rules.c */
int mc_fe_rules(mc_fe *fe);
/* Apply IAL attributes to a node (id, classes, target, ...). */
void mc_fe_apply_attrs(mc_fe *fe, mc_node *n, const mc_attrs *a);
/* Append text to parent, merging with a preceding MC_TEXT. */
mc_node *mc_fe_text(mc_fe *fe, mc_node *parent, const char *s, size_t n,
                    uint32_t line, uint32_t col);
/* lang.c: set a node's language and direction from `lang` and `dir`
 * attribute values (either may be NULL); a malformed tag or direction is
 * warned about and ignored. */
void mc_fe_set_lang(mc_fe *fe, mc_node *n, const char *lang,
                    const char *dir, uint32_t line);
/* The language rules, after all others (see lang.c).  0 on success. */
int mc_fe_lang(mc_fe *fe);

/* levels.c: renumber the headings of a finished document (a page, module,
 * course or pack) so that none skips a level below the one before it;
 * one warning through diag when any was renumbered. */
void mc_fe_heading_levels(mc_doc *doc, mc_diag *diag);

/* lost.c: nothing lost silently.  Record an element (or attribute) left
 * out, `words` words of visible text with it. */
void mc_fe_drop(mc_fe *fe, const char *what, mc_drop_kind kind,
                uint32_t line, uint32_t col, long words);
/* Words in text: runs of non-space bytes holding a letter or digit. */
long mc_count_words(const char *s, size_t n);
/* Words of the page's text in body text s[0..n) (as the check of
 * mc_fe_lost_report counts them). */
long mc_fe_source_words(const char *s, size_t n);
/* At the end of a parse: one warning per kind of element left out, and
 * one if the model kept almost none of the body's words (fe->body, or
 * fe->body_words once the body is freed). */
void mc_fe_lost_report(mc_fe *fe);

/* Whether a URL's scheme is unsafe (javascript:, vbscript:, data:...). */
bool mc_url_unsafe(const char *url, bool image);

#endif
