/*
 * pdf_int.h - private interfaces of the PDF backend (src/back/pdf/).
 *
 * The backend works in three steps, all inside one `pdf_ctx`:
 *
 *   1. layout.c walks the model and turns every block into *slices*:
 *      unbreakable horizontal strips (a line of text, a table row, a video
 *      card) holding drawing *ops* placed relative to the slice's top
 *      (the display list, slices.c).  Paragraph lines come from
 *      linebreak.c (total-fit line breaking) over glyph runs from text.c
 *      (bidi levels, font fallback by coverage, HarfBuzz shaping); faces
 *      come from fonts.c (fontconfig, HarfBuzz, hb-subset); images, and
 *      their places in running text, from inlineimg.c.  The layers
 *      depend one way: layout.c -> toc.c -> linebreak.c -> inlineimg.c,
 *      linebreak.c -> text.c -> fonts.c, each of them and qr.c on
 *      slices.c only for the list.
 *   2. paginate.c then packs the slices onto pages, honouring keep-with-next
 *      links (headings, widows and orphans), dropping spacing at page tops,
 *      repeating table header rows and drawing the boxes of callouts,
 *      quotations and code blocks around the slices of each page.
 *   3. pdf.c writes the pages with libharu, now that the page count is
 *      known ("Page N of M"): text, rules, images, QR codes (qr.c), link
 *      annotations, the outline, document info, and the fillable fields
 *      (fields.c).  objstm.c then packs libharu's bytes: every object
 *      but the streams into compressed object streams, the
 *      cross-reference table into a cross-reference stream.
 *
 * Memory: the footer's "of M" and the table of contents need the page
 * count before the first page is written.  A document of ordinary length
 * is laid out and paginated whole, its whole display list kept until
 * pdf.c writes it and frees it page by page (ops in chunks, paragraph
 * text in blocks: pdf_text_alloc).  A long one (pdf.c's
 * PDF_TWO_PASS_BYTES) is laid out twice: pass 1 keeps no ops or text
 * (dropped at each pdf_layout_point) and paginates; pass 2 makes the
 * same slices again and writes each page as soon as its slices are
 * made, freeing the ops and text no later page draws, so the display
 * list held is a few pages' (the model, the slices' heights and places,
 * and the structure tree are the whole document's).  pdf.c
 * deflates each page's content stream
 * when the page is done, writes the plainest structure elements and URI
 * links from its own data at save (write_fns, tags.c and pdf.c), saves
 * straight into the output buffer, frees libharu's document, and objstm.c
 * packs the file in place.  libharu still holds every other object of
 * the document until the save.
 *
 * No global state: everything hangs off the pdf_ctx on the render call's
 * stack.  Coordinates in ops are PDF points, x from the page's left edge,
 * y downwards from the slice's top (flipped when written).
 */
#ifndef MC_PDF_INT_H
#define MC_PDF_INT_H

#include <fontconfig/fontconfig.h>
#include <hb.h>
#include <hpdf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../model/model.h"
#include "../../theme/theme.h"
#include "../../util/arena.h"
#include "../../util/buf.h"
#include "../../util/grow.h"
#include "../../util/diag.h"
#include "../../util/image.h"
#include "../../util/utf8.h"
#include "flate.h"
#include "fontcache.h"
#include "objstm.h"

/* ---- fonts (fonts.c) ---- */

/* The twelve styled faces the theme names, then fallbacks as found. */
enum {
	PF_BODY = 0, /* + PF_BOLD / PF_ITALIC */
	PF_HEAD = 4,
	PF_MONO = 8,
	PF_NBASE = 12
};
#define PF_BOLD 1
#define PF_ITALIC 2
#define PF_MAX 40
#define PF_WCACHE 0x3000 /* widths cached for code points below this */

struct pdf_face;
struct pdf_cache;

typedef struct pdf_font {
	char *path;        /* font file; NULL if the face was not found */
	int index;         /* face index in a collection */
	pdf_cover cover;   /* the face's coverage (the run cache's) */
	const struct pdf_face *face; /* the face read (the cache's, face.h),
	                       on first use; NULL until then */
	int emb;           /* its slot in pdf_fonts.emb, -1 until first use */
	bool failed;       /* the file could not be read */
	bool resolved;     /* a theme face (below PF_NBASE): asked of
	                      fontconfig, on first use (fonts.c) */
	float *wcache;     /* advance widths / 1000 em, -1 = unknown */
} pdf_font;

/* A font file embedded in this document (several styled faces may share
 * one).  Each glyph drawn gets a CID when it is first drawn: in a
 * TrueType face 1, 2, ... in that order (the /CIDToGIDMap gives the
 * subset's glyph of each); in a CFF face the CID the embedded CFF shows
 * that glyph at (face.h's pdf_face_cid: any number up to 65535).  Each
 * CID's text (for ToUnicode) is that of the first cluster drawn with
 * it.  CID 0 is .notdef. */
typedef struct pdf_emb {
	const struct pdf_face *face;
	HPDF_Dict font;     /* the Type0 font, filled in by pdf_fonts_finish */
	char name[16];      /* its page resource name */
	HPDF_Page page;     /* the page it was last registered with */
	/* the glyphs drawn, in the order first drawn (entry 0: .notdef) */
	uint16_t *gids;     /* entry -> glyph in the font file */
	uint16_t *cids;     /* entry -> its CID */
	uint32_t *toff;     /* entry -> its text in texts: toff, tlen bytes */
	uint16_t *tlen;     /* (0: none known) */
	mc_buf texts;
	size_t n, cap;
	uint32_t *hkey;     /* glyph -> entry: open addressing */
	uint16_t *hval;
	size_t hcap;
} pdf_emb;

typedef struct pdf_fonts {
	struct pdf_cache *cache; /* the run's, or own_cache */
	struct pdf_cache *own_cache; /* made for this conversion alone */
	pdf_font f[PF_MAX];
	int n;            /* faces in f[] (PF_NBASE + fallbacks) */
	int nfallback;    /* fallback faces resolved so far, from PF_NBASE */
	bool theme_fallbacks_done;
	/* a document in Chinese, Japanese or Korean: the face fontconfig
	 * ranks best for its CJK characters in its language (Han looks
	 * different in each), tried before the theme's fallbacks; -1 if
	 * none, valid once lang_face_done */
	int lang_face;
	bool lang_face_done;
	/* code points known to have no face at all, sorted; named in one
	 * warning by pdf_fonts_finish */
	uint32_t *nohave;
	size_t nnohave, capnohave;
	pdf_emb emb[PF_MAX];
	int nemb;
	bool show_failed; /* some text could not be written (reported by
	                     pdf_fonts_finish) */
} pdf_fonts;

/* ---- glyph runs (text.c shapes them, fonts.c draws them) ---- */

/* One glyph of a shaped run, in visual order (left to right on the
 * page); dy is upwards.  Shaped strings are at most PDF_SHAPE_MAX bytes
 * long, so a cluster's place in it fits 16 bits. */
#define PDF_SHAPE_MAX 65535
typedef struct pdf_glyph {
	uint16_t gid;      /* glyph in the face's font file */
	uint16_t cl, ncl;  /* the characters it draws: bytes [cl, cl + ncl)
	                      of the text (ncl 0: none, e.g. a cluster's
	                      glyphs beyond its characters) */
	int16_t adv;       /* advance, 1000ths of an em (the PDF's unit) */
	int16_t dx, dy;    /* offset from the pen position, 1000ths of an em
	                      (12 bytes a glyph: a long page holds millions) */
} pdf_glyph;

/* A glyph of an OP_TEXT kept packed (pdf_op.packed): one per character
 * of its text, in order (its cluster: that character's bytes), with no
 * offset; 4 bytes where a pdf_glyph takes 12.  Most running text is
 * that simple (text_op in linebreak.c packs what is); pdf_op_glyphs
 * gives the pdf_glyphs back. */
typedef struct pdf_gpack {
	uint16_t gid;
	int16_t adv;
} pdf_gpack;

/* ---- drawing ops ---- */

typedef enum op_kind {
	OP_TEXT,      /* a glyph run at (x, y = baseline): font, size,
	                 colour; text (len bytes) and glyphs (aux of them,
	                 visual order) from text.c */
	OP_FILL,      /* filled rectangle (x, y = top, w, h) */
	OP_STROKE,    /* stroked rectangle, line width lw */
	OP_LINE,      /* line from (x, y) to (x + w, y + h), width lw */
	OP_IMAGE,     /* image `ref` in (x, y = top, w, h) */
	OP_LINK,      /* link annotation over (x, y, w, h) to link `ref` */
	OP_ANCHOR,    /* destination named text (an id) at y */
	OP_OUTLINE,   /* outline entry: level `ref`, title text, at y */
	OP_FIELD,     /* fillable field over (x, y, w, h): answer `ref` */
	OP_CHECKBOX   /* fillable checkbox over (x, y, w, h): answer `ref` */
} op_kind;

/* One per word of running text (72 bytes). */
typedef struct pdf_op {
	uint8_t kind;
	uint8_t layer;   /* 0 fills, 1 strokes/images, 2 text: drawn in order */
	bool packed;     /* OP_TEXT: its glyphs are aux pdf_gpacks (gpack) */
	int16_t font;    /* OP_TEXT */
	int ref;         /* image, link, outline level, field number
	                    (OP_FIELD: -1 the worksheet's Name, -2 its Date);
	                    OP_TEXT: its language (pdf_lang_id), 0: the
	                    document's */
	float size;
	union {
		float lw;    /* OP_STROKE, OP_LINE (page furniture) */
		int32_t se;  /* the others: their structure element (tags.c),
		                0: none (an artifact) */
	};
	uint32_t color;
	uint32_t len;     /* OP_TEXT: the bytes of text; OP_FIELD,
	                     OP_CHECKBOX: its worksheet's title
	                     (pdf_field_group), 1 + its place in
	                     ctx->fgroups, or 0: none */
	uint32_t aux;     /* OP_FIELD: lines (size: its font size, the
	                     line spacing when more than one); OP_CHECKBOX: bit 0 checked,
	                     bit 1 a task-list item (ref counts those);
	                     OP_TEXT: glyphs; OP_FILL: PDF_FILL_* */
	double x, y, w;
	union {
		double h;
		const pdf_glyph *glyphs; /* OP_TEXT (which has no height) */
		const pdf_gpack *gpack;  /* OP_TEXT, packed */
	};
	const char *text; /* OP_TEXT (len bytes), OP_ANCHOR, OP_OUTLINE;
	                     OP_FIELD, OP_CHECKBOX: its tooltip */
} pdf_op;

/* OP_FILL.aux: rectangles drawn as one path with one fill (a QR code):
 * each but the first continues the path (the colour is the first's),
 * each but the last leaves it open for more. */
#define PDF_FILL_CONT 1u
#define PDF_FILL_MORE 2u

/* ---- frames: boxes drawn around runs of slices ---- */

typedef enum frame_kind {
	FR_CALLOUT, /* tinted box with a rule on its left */
	FR_QUOTE,   /* rule on the left only */
	FR_CODE,    /* tinted box */
	FR_CARD     /* tinted, outlined box (embeds) */
} frame_kind;

typedef struct pdf_frame {
	struct pdf_frame *parent;
	frame_kind kind;
	int depth;
	double x0, x1;      /* horizontal extent */
	uint32_t fill, rule;
	bool has_fill;
	/* packing state: extent on the page being built */
	int page;
	double top, bottom;
} pdf_frame;

/* (40 bytes: a long document has hundreds of thousands) */
typedef struct pdf_slice {
	double h;           /* height */
	pdf_frame *frame;   /* innermost frame, or NULL */
	double minh;        /* > 0: an image that may be scaled down to this
	                       height to fill the rest of a page */
	uint32_t op0, nops; /* ops[op0 .. op0 + nops) */
	int32_t header;     /* table rows: slice index of the header row to
	                       repeat on a new page, or -1 */
	bool keep_next;     /* no page break between this and the next */
	bool discard;       /* vertical space, dropped at the top of a page */
	bool pagebreak_before; /* a section starts: a new page unless this
	                          one is still empty (an empty slice) */
	bool odd_page;      /* with pagebreak_before: on an odd page (1, 3,
	                       ...), a blank page before it if need be */
} pdf_slice;

/* A slice placed on a page. */
typedef struct pdf_place {
	size_t slice;
	double y; /* top, from the top of the page */
} pdf_place;

typedef struct pdf_page {
	size_t place0, nplace; /* into ctx->places */
	size_t deco0, ndeco;   /* page-level ops (frame boxes) into ctx->deco */
} pdf_page;

typedef struct pdf_link {
	const char *url; /* external URL, or "#id" for an anchor */
} pdf_link;

typedef struct pdf_image {
	HPDF_Image img;   /* NULL: the file was refused (why) */
	const char *path; /* the file it came from: each file loaded once */
	const char *why;  /* why it was refused, or NULL */
	bool warned;      /* the refusal was reported */
} pdf_image;

/* An image in running text (inlineimg.c, linebreak.c). */
typedef struct pdf_inimg {
	int ref;         /* into ctx->images */
	bool block;      /* set on a line of its own (pdf_para_layout) */
	double w, h;     /* natural size, points */
	double dw, dh;   /* as drawn (pdf_inimg_fit) */
	const char *alt; /* "" if none */
} pdf_inimg;

/* The look of inline text. */
typedef struct pdf_style {
	int face;      /* PF_BODY, PF_HEAD or PF_MONO, plus PF_BOLD/PF_ITALIC */
	float size;
	uint32_t color;
	int link;      /* into ctx->links, or -1 */
	int8_t rise;   /* -1 subscript, 1 superscript */
	bool strike, underline;
	const char *lang; /* a span's own language (BCP 47), or NULL */
	int box;       /* > 0: framed text (a form control), its number in
	                  the paragraph; 0: none */
} pdf_style;

/* One line of the printed table of contents (toc.c): a part or a
 * chapter, and where its page number goes once the pages are known. */
typedef struct pdf_toc_entry {
	const mc_node *sec;   /* the MC_SECTION */
	size_t anchor_slice;  /* slice of its heading's anchor, or (size_t)-1
	                         until the body is laid out */
	size_t slice;         /* the entry's own slice */
	size_t leader_op;     /* its leader and number ops, filled in after */
	size_t num_op;        /* pagination */
	double text_end;      /* x where the entry's last line of text ends */
} pdf_toc_entry;

/* A block of the memory paragraph text's ops keep their glyphs and
 * text in (pdf_text_alloc): freed by pdf.c once the last page drawing
 * from it is written (pdf_text_release). */
typedef struct pdf_tblock {
	char *base;
	size_t used, cap;
	size_t last; /* the last page drawing from it + 1; 0: none */
} pdf_tblock;

/* A picture's slice shrunk by pagination to fill the rest of a page. */
typedef struct pdf_shrink {
	size_t slice;
	double h; /* its height then */
} pdf_shrink;

/* ---- the backend's state ---- */

typedef struct pdf_ctx {
	const mc_doc *doc;
	const mc_theme *th;
	/* the title (document info, XMP): meta.title, else the first
	 * heading's text, else the input file's name */
	const char *title;
	mc_diag *diag;
	mc_arena *arena;
	HPDF_Doc pdf;
	/* libharu errors, recorded by the error handler */
	HPDF_STATUS err, err_detail;
	int nerr;

	void *cache;   /* the run's pdf_cache (mc_render_opts.cache), or NULL */
	pdf_fonts fonts;
	/* the structure tree (tags.c), NULL with --no-tags; the element
	 * the ops made now belong to */
	struct pdf_tags *tags;
	int se_cur;
	/* the bookmarks (outline.c), NULL until the first */
	struct pdf_outline *outline;
	/* the finished pages' dictionaries as bytes, by object number
	 * (pages.c: freeze_page) */
	struct pdf_frozen *frozen;
	size_t nfrozen, capfrozen;
	mc_buf frozen_bytes;
	/* a long document's finished content streams, compressed, kept in
	 * an unnamed temporary file until the save (pages.c: spill);
	 * spill_fd -1: none, they stay in memory */
	int spill_fd;
	uint64_t spill_len;
	bool spill_full; /* a write failed: no more go there */
	/* languages of text other than the document's (pdf_lang_id) */
	const char **langs;
	size_t nlangs, caplangs;
	/* hyphenation patterns per language, asked of the cache the first
	 * time a paragraph in that language needs them (linebreak.c) */
	struct pdf_hyph_memo *hyph;
	size_t nhyph, caphyph;

	/* geometry of the text block */
	double pw, ph;          /* page */
	double left, right;     /* text block x range */
	double top, bottom;     /* body y range (from the page top), after
	                           header and footer bands */
	double band;            /* height of the header/footer band */

	/* the ops made and not yet freed: ops[0] is op number op_base (an
	 * op's number, its place in the whole document's order, is what
	 * slices, tags and the TOC keep; pdf_op_at finds it) */
	pdf_op *ops;
	size_t nops, capops; /* nops: ops made in all, from 0 */
	size_t op_base;
	const char **fgroups; /* worksheet titles of fields (pdf_op.len) */
	size_t nfgroups, capfgroups;
	pdf_tblock *tblocks; /* in the order made (so ascending addresses
	                        are not assumed) */
	size_t ntblocks, captblocks;
	pdf_glyph *gbuf;      /* draw_text's, for packed glyphs */
	size_t capgbuf;
	/* what the write_fns pdf.c gives some libharu objects read when
	 * the document is saved (URI links: pdf.c), freed after */
	mc_arena *keep;
	pdf_flate flate; /* the streams' compressors (flate.h) */
	pdf_slice *slices;
	size_t nslices, capslices; /* nslices: slices made in all, from 0 */
	/* slices[0] is slice number slice_base: the second pass gives back
	 * the slices of the pages written but the last PDF_SLICE_KEEP made
	 * (pdf_slice_at finds one; a slice given back reads as
	 * slice_void, whose changes nothing reads: pass 1's pagination is
	 * kept); slice_h_gone is their heights' sum */
	size_t slice_base;
	double slice_h_gone;
	pdf_slice slice_void;
	pdf_place *places;
	size_t nplaces, capplaces;
	size_t place_base; /* places[0] is place number place_base: the
	                      second pass gives back the written pages'
	                      (pdf_place_at finds one) */
	pdf_op *deco;
	size_t ndeco, capdeco;
	pdf_page *pages;
	size_t npages, cappages;
	pdf_link *links;
	size_t nlinks, caplinks;
	pdf_image *images;
	size_t nimages, capimages;

	/* layout state */
	pdf_frame *frame;        /* current innermost frame */
	const char *last_heading; /* plain text of the latest heading */
	long table_header;       /* see pdf_slice.header */
	bool in_cell;            /* laying out a table cell (no frames) */
	/* a list marker waiting for the item's first line */
	bool mk_pending, mk_box, mk_checked;
	const char *mk_tu; /* a task box's tooltip, or NULL */
	int mk_se;               /* its Lbl element, -1: none (a bullet) */
	const char *mk_text;
	pdf_style mk_style;
	double mk_x;
	int face_mod;            /* PF_BOLD inside table header cells */
	int heading_level;       /* of the latest heading, for outlines */
	bool fields;             /* make fillable fields */
	void *form;              /* fields.c's state, NULL until a field */
	int ntasks;              /* task-list checkboxes so far */
	int nfields;
	int depth_warned;
	/* documents built from several inputs (toc.c) */
	pdf_toc_entry *toc;      /* parts and chapters, in document order */
	size_t ntoc;
	size_t nsections;        /* MC_SECTION nodes laid out so far */
	/* a worksheet squeezed onto one page: answer lines at most this
	 * many (0: as written) and their spacing scaled (0 means 1) */
	int answer_max_lines;
	double answer_scale;
	double space_scale; /* and the space between blocks (0 means 1) */
	/* a worksheet given its page's free height: answer_bonus lines
	 * more, shared among its text answers (answer_nans of them; the
	 * last answer_bonus % answer_nans get one more), answer_seen
	 * counting them as they are laid out */
	int answer_bonus, answer_nans, answer_seen;
	bool duplex; /* --duplex: a worksheet starts on an odd page */
	/* two passes (pdf.c, for a long document): 0 one pass; 1 the
	 * first, measuring (ops and text dropped at each point where the
	 * layout so far is final, pdf_layout_point); 2 the second, writing
	 * each page as soon as its slices are made */
	int pass;
	int hold;              /* > 0: in a block that may lay itself out
	                          again (no layout point then) */
	struct pdf_stream *stream; /* pdf.c's state for passes 1 and 2 */
	bool lost_ops; /* a slice began before a layout point (a bug) */
	/* pass 1's results pass 2 lays out with: each TOC entry's anchor
	 * slice (ntoc), the pictures shrunk to fill a page (paginate.c) */
	size_t *toc_anchor1;
	size_t ntoc1;
	pdf_shrink *shrinks;
	size_t nshrinks, capshrinks;
} pdf_ctx;

/* Op number q (made, not yet freed). */
static inline pdf_op *pdf_op_at(pdf_ctx *c, size_t q)
{
	return &c->ops[q - c->op_base];
}

/* A point between blocks where the slices made so far are final (none
 * is laid out again or merged): pdf.c may drop their ops (pass 1) or
 * write the pages they complete (pass 2).  Returns 0, or -1 on error
 * (recorded, layout goes on; pdf.c fails the render). */
int pdf_layout_point(pdf_ctx *c);

/* ---- fonts.c ---- */
int pdf_fonts_init(pdf_ctx *c);
void pdf_fonts_free(pdf_ctx *c);
/* The face to draw code point cp in, starting from styled face `want`. */
int pdf_font_for(pdf_ctx *c, int want, uint32_t cp);
/* Advance width of cp in face f, in units of the font size. */
double pdf_glyph_width(pdf_ctx *c, int f, uint32_t cp);
/* The embedded font slot of face f (reading its file on first use), or
 * -1 if it cannot be read (it then draws nothing). */
int pdf_font_slot(pdf_ctx *c, int f);
/* Show a glyph run of face f at the current text position of page pg
 * (inside BT/ET): `/Fn size Tf` first when setfont, then the glyphs as
 * CIDs, placed as the shaper placed them; text is what g[].cl index
 * (for the ToUnicode map).  Returns 0, or -1 if the face cannot be read. */
int pdf_font_show(pdf_ctx *c, HPDF_Page pg, int f, float size, bool setfont,
                  const pdf_glyph *g, size_t ng, const char *text,
                  size_t len);
/* The face as HarfBuzz reads it (scale: font units), or NULL if its file
 * cannot be read; *upem its units per em. */
hb_font_t *pdf_font_hb(pdf_ctx *c, int f, unsigned *upem);
/* A stream object holding data, compressed now (flate.h); NULL on
 * failure.  _deflated: data compressed already (a zlib stream). */
HPDF_Dict pdf_stream_obj(pdf_ctx *c, const void *data, size_t len);
HPDF_Dict pdf_stream_obj_deflated(pdf_ctx *c, const void *z, size_t len);
/* The write_fn of a stream dictionary whose data is compressed already
 * and whose dict->filter is HPDF_STREAM_FILTER_FLATE_DECODE: libharu
 * writes its /Filter and then copies the data as it is (pages.c). */
HPDF_STATUS pdf_copy_deflated(HPDF_Dict d, HPDF_Stream st);
/* Stream dictionary d's data: len bytes at p, held in one block of
 * their size (a libharu memory stream grows by blocks of
 * HPDF_STREAM_BUF_SIZ, 4 KB: a form field's appearance of 30 bytes held
 * one whole).  deflated: p is a zlib stream, copied as it is at the save
 * (pdf_copy_deflated); else p is written uncompressed.  0, or -1 (d
 * unchanged). */
int pdf_stream_hold(HPDF_Dict d, const void *p, size_t len, bool deflated);
/* The start and end of a ToUnicode CMap (Identity, 2-byte codes). */
void pdf_cmap_begin(mc_buf *b);
void pdf_cmap_end(mc_buf *b);
/* Build the embedded fonts (subsets, widths, ToUnicode) once every page
 * is drawn.  Returns 0 or -1. */
int pdf_fonts_finish(pdf_ctx *c);
/* The hyphenation patterns for a language (a BCP 47 tag), from the
 * cache: 0 and out->h, or -1 (no hyphenation; out says why, see
 * cache.h's pdf_hyph_ref). */
struct pdf_hyph_ref;
int pdf_fonts_hyph(pdf_ctx *c, const char *lang, struct pdf_hyph_ref *out);
/* Bytes derived from face f's file by make, through the run cache
 * (cache.h's pdf_cache_derived: made once a run, kept between runs):
 * 0 with *data, *len (the cache's), or -1 with *why. */
int pdf_fonts_derived(pdf_ctx *c, int f, const char *kind,
                      int (*make)(const struct pdf_face *t, mc_buf *out,
                                  const char **why),
                      const unsigned char **data, size_t *len,
                      const char **why);
/* Decode one UTF-8 sequence; returns bytes used (>= 1). */
size_t pdf_utf8_next(const char *s, size_t n, uint32_t *cp);
/* Ascent and descent of the body faces, in font-size units. */
#define PF_ASCENT 0.80
#define PF_DESCENT 0.22

/* ---- text.c: the glyph-run text layer ---- */

/* A part of the string to shape and the styled face it asks for (-1:
 * not text, e.g. an inline blank's placeholder); lang overrides the
 * string's language there (NULL: the string's). */
typedef struct pdf_span {
	uint32_t off, len;
	int face;
	const char *lang;
} pdf_span;

/* Text of one span, one face, one bidi level and one script, shaped. */
typedef struct pdf_run {
	uint32_t off, len; /* its bytes of the string */
	int face;          /* the face drawn in (after fallback) */
	uint8_t level;     /* bidi embedding level: odd is right to left */
	pdf_glyph *g;      /* visual order; g[].cl index the whole string */
	size_t ng;
} pdf_run;

/* A shaped string: runs in logical order, and per byte of the string
 * the advance (em) of the cluster starting there (0 inside a cluster),
 * its face, its bidi level and whether a cluster starts there. */
typedef struct pdf_shaped {
	pdf_run *runs;
	size_t nruns;
	float *adv;
	int16_t *face;
	uint8_t *level;
	uint8_t *cstart;
	bool rtl;          /* the paragraph direction is right to left */
} pdf_shaped;

/* Shape n bytes of text, the spans (in order, covering it) giving each
 * part's face; lang is its language (BCP 47), dir its direction
 * (MC_DIR_NONE: from its first strong character).  Returns 0 or -1;
 * free *out with pdf_shaped_free either way. */
int pdf_shape(pdf_ctx *c, const char *text, size_t n, const pdf_span *spans,
              size_t nspans, const char *lang, mc_dir dir, pdf_shaped *out);
void pdf_shaped_free(pdf_shaped *s);
/* The visual order of n items of the given levels (UAX #9 rule L2):
 * order[k] is the item shown k-th from the left. */
void pdf_bidi_order(const uint8_t *levels, size_t n, size_t *order);
/* One line of text shaped in face `face`: its runs (sh.runs), where each
 * starts from the line's left (x[i], em), and its width (em). */
typedef struct pdf_textline {
	pdf_shaped sh;
	size_t *order;
	double *x;
	double w;
} pdf_textline;
int pdf_textline_make(pdf_ctx *c, int face, const char *s, size_t n,
                      const char *lang, pdf_textline *tl);
void pdf_textline_free(pdf_textline *tl);
/* The glyphs of run r drawing bytes [from, to) of its string (copied to
 * the text blocks, pdf_text_alloc: freed with the op they are for;
 * clusters made relative to from), their count and advance (em, may be
 * NULL). */
const pdf_glyph *pdf_run_glyphs(pdf_ctx *c, const pdf_run *r, uint32_t from,
                                uint32_t to, uint32_t *ng, double *w);
/* Where in run r's glyphs those drawing bytes [from, to) are (no copy:
 * their clusters still index the run's string), and how many. */
const pdf_glyph *pdf_run_range(const pdf_run *r, uint32_t from, uint32_t to,
                               uint32_t *ng);
/* An OP_TEXT of bytes [from, to) of run r of text at (x, y = baseline);
 * returns its width in points. */
double pdf_run_op(pdf_ctx *c, const char *text, const pdf_run *r,
                  uint32_t from, uint32_t to, float size, uint32_t color,
                  double x, double y, uint8_t layer);
/* Text in face (with fallback, shaped, in visual order) as OP_TEXTs from
 * x at baseline y; returns its width in points. */
double pdf_text_op(pdf_ctx *c, int face, float size, uint32_t color, double x,
                   double y, uint8_t layer, const char *s, size_t n);
/* The number of a language (BCP 47) for OP_TEXT.ref: 0 for the
 * document's own (or none), else 1 + its place in c->langs. */
int pdf_lang_id(pdf_ctx *c, const char *lang);
/* The width of an OP_TEXT, in points. */
double pdf_op_width(const pdf_op *o);
/* The glyphs of OP_TEXT o (o->aux of them): o->glyphs, or its packed
 * glyphs unpacked into *buf (grown as need be, *cap entries; the
 * caller frees it). */
const pdf_glyph *pdf_op_glyphs(const pdf_op *o, pdf_glyph **buf,
                               size_t *cap);
/* Make op o (an OP_TEXT with its font and size set) show text s, in
 * o->font or the one face fallback finds for its start; returns its
 * width in points. */
double pdf_op_set_text(pdf_ctx *c, pdf_op *o, const char *s, size_t n);
/* Width of text set in face (with fallback, shaped), in font-size units. */
double pdf_text_width(pdf_ctx *c, int face, const char *s, size_t n);

/* ---- tags.c: the structure tree ---- */
typedef struct pdf_tags pdf_tags;
/* Start the tree (on: tagged output), with its Document element. */
int pdf_tags_init(pdf_ctx *c, bool on);
void pdf_tags_free(pdf_ctx *c);
/* Open an element of a standard type under the current one; the ops
 * made until pdf_tag_close belong to it.  Returns its number (0 when
 * untagged). */
int pdf_tag_open(pdf_ctx *c, const char *type);
void pdf_tag_close(pdf_ctx *c, int se);
/* Open `type` for a paragraph of text unless the current element holds
 * text already (P, H1..., Caption, Code, Lbl, Link, TOCI): 0 then. */
int pdf_tag_text(pdf_ctx *c, const char *type);
/* An element's /Alt, /Lang and (TH) /Scope; NULL leaves one unset. */
void pdf_tag_set(pdf_ctx *c, int se, const char *alt, const char *lang,
                 const char *scope);
/* The Link element of link number `link` (made under the current
 * element the first time); pdf_tag_of_link finds it later (0: none). */
int pdf_tag_link(pdf_ctx *c, int link);
int pdf_tag_of_link(pdf_ctx *c, int link);
const char *pdf_tag_type(const pdf_ctx *c, int se);
/* Where the tree is, to take back what a block laid out again made. */
typedef struct pdf_tag_pos {
	size_t ne, nk, nx;
	int se_cur;
} pdf_tag_pos;
pdf_tag_pos pdf_tags_pos(const pdf_ctx *c);
void pdf_tags_rewind(pdf_ctx *c, const pdf_tag_pos *p);
/* Room for p's elements and kids, no more (the second layout pass
 * makes as many as the first). */
void pdf_tags_fit(pdf_ctx *c, const pdf_tag_pos *p);
/* Drawing: begin the marked content of element se (0: an artifact) on
 * page `page`, at reading-order key `key`; end it.  pdf_tag_artifact
 * with properties (e.g. "/Type /Pagination"). */
int pdf_tag_mark(pdf_ctx *c, HPDF_Stream st, size_t page, int se,
                 size_t key);
int pdf_tag_artifact(pdf_ctx *c, HPDF_Stream st, const char *props);
int pdf_tag_end(pdf_ctx *c, HPDF_Stream st);
/* Annotation annot (a link, a field's widget) belongs to element se. */
int pdf_tag_annot(pdf_ctx *c, HPDF_Dict annot, int se, size_t key);
/* Set annotation annot's /StructParent (pdf.c: a URI link written at
 * save keeps it for then).  Returns an HPDF status. */
HPDF_STATUS pdf_annot_struct_parent(HPDF_Dict annot, int key);
/* Write the tree, the ParentTree and the catalog's entries. */
int pdf_tags_finish(pdf_ctx *c, HPDF_Page *pages, size_t npages);
/* The structure elements, written when the document is saved (after
 * pdf_tags_finish): false when there are none (untagged). */
bool pdf_tags_extra(pdf_ctx *c, pdf_objstm_extra *x);

/* ---- pages.c: a finished page until the save ---- */
/* Page pg is drawn: its content stream compressed (held in a block of
 * its size, or in the spill file), its dictionary held as its bytes.
 * tmp and z are scratch.  0, or -1. */
int pdf_page_done(pdf_ctx *c, HPDF_Page pg, mc_buf *tmp, mc_buf *z);
/* From now on, finished content streams go to a temporary file of the
 * conversion's if one can be made (a long document: two passes). */
void pdf_pages_spill(pdf_ctx *c);
/* The held pages' bytes and the spill file, after the save or on
 * failure. */
void pdf_pages_free(pdf_ctx *c);

/* Slice number i (slice_base above). */
#define PDF_SLICE_KEEP 64
static inline pdf_slice *pdf_slice_at(const pdf_ctx *c, size_t i)
{
	/* (slice_void is the conversion's own scratch: not const) */
	return i >= c->slice_base ? &c->slices[i - c->slice_base]
	                          : (pdf_slice *)&c->slice_void;
}

/* Place number k (of a page not yet written, in the second pass). */
static inline pdf_place *pdf_place_at(const pdf_ctx *c, size_t k)
{
	return &c->places[k - c->place_base];
}

/* ---- outline.c: the bookmarks ---- */
typedef struct pdf_outline pdf_outline;
/* A bookmark at `level` (1 the top; deeper than the last one nests
 * under it) titled `title` (UTF-8), going to page at /FitH top.  0, or
 * -1 (reported). */
int pdf_outline_add(pdf_ctx *c, int level, const char *title,
                    HPDF_Page page, double top);
/* After the last page: the outline's root, in the catalog.  0 or -1. */
int pdf_outline_finish(pdf_ctx *c);
/* The entries, written when the document is saved (after
 * pdf_outline_finish): false when there are none. */
bool pdf_outline_extra(pdf_ctx *c, pdf_objstm_extra *x);
void pdf_outline_free(pdf_ctx *c);

/* A libharu object's number (it has one once in the cross-reference
 * table). */
static inline uint32_t pdf_obj_num(const void *o)
{
	return ((const HPDF_Obj_Header *)o)->obj_id & 0x00FFFFFF;
}

/* ---- the display list (slices.c): ops, slices, links ---- */
pdf_op *pdf_op_add(pdf_ctx *c, op_kind kind);
/* n bytes (8-aligned) for an OP_TEXT's glyphs or text, in the blocks
 * pdf.c frees page by page as it writes them (never fails). */
void *pdf_text_alloc(pdf_ctx *c, size_t n);
/* Free the blocks, all (pages written: each block's last page noted). */
void pdf_text_free(pdf_ctx *c);
size_t pdf_slice_begin(pdf_ctx *c); /* returns the first op index */
pdf_slice *pdf_slice_end(pdf_ctx *c, size_t op0, double h);
/* Vertical space (dropped at the top of a page). */
void pdf_space(pdf_ctx *c, double h);
int pdf_link_add(pdf_ctx *c, const char *url);
/* The look of body text. */
pdf_style pdf_body_style(pdf_ctx *c);
/* Slices [s0, nslices) merged into one (NULL if none). */
pdf_slice *pdf_collapse(pdf_ctx *c, size_t s0);
/* What comes next stays with the last block laid out. */
void pdf_keep_prev(pdf_ctx *c);
/* A rule across the text width, y below the top of a slice h high (under
 * a title); the slice. */
pdf_slice *pdf_title_rule(pdf_ctx *c, double y, double h);
/* A forced page break before what comes next (a section's start). */
void pdf_pagebreak(pdf_ctx *c);

/* ---- layout.c: the model into slices ---- */
/* How deep block containers recurse (deeper content is set flat); frames
 * nest at most twice that deep. */
#define PDF_MAX_NEST 24
int pdf_layout(pdf_ctx *c);
/* ---- paginate.c: slices onto pages ---- */
int pdf_paginate(pdf_ctx *c);
/* Scale the picture of slice i down to height h, keeping it centred
 * (pass 1 notes it in ctx->shrinks for pass 2, its ops gone). */
void pdf_shrink_slice(pdf_ctx *c, size_t i, double h);

/* ---- toc.c: title page and table of contents ---- */
/* Whether the document gets a title page and a table of contents (a
 * module or a course). */
bool pdf_has_toc(const pdf_ctx *c);
/* The title page and the table of contents, page numbers left blank;
 * each ends with a page break.  Returns 0, or -1 on error. */
int pdf_front_pages(pdf_ctx *c);
/* A section's heading has been laid out from slice s0 on: note where its
 * table-of-contents entry points to. */
void pdf_toc_note(pdf_ctx *c, const mc_node *sec, size_t s0);
/* After pagination: the page numbers and leaders of the entries.
 * Returns 0, or -1 on error. */
int pdf_toc_pages(pdf_ctx *c);
/* Pass 2: the page numbers filled in as soon as the entries are made
 * (pass 1 paginated).  Returns 0, or -1 on error; nothing other passes. */
int pdf_toc_early(pdf_ctx *c);

/* ---- linebreak.c ---- */

/* libunibreak's tables, filled once per process whatever the number of
 * threads or documents (pthread_once); call before any paragraph. */
void pdf_linebreak_init(void);

typedef enum pdf_align {
	PA_JUSTIFY,
	PA_LEFT,
	PA_RIGHT,
	PA_CENTER
} pdf_align;


/* A paragraph being built: text with style changes. */
typedef struct pdf_para pdf_para;

pdf_para *pdf_para_new(pdf_ctx *c);
void pdf_para_free(pdf_para *p);
void pdf_para_text(pdf_para *p, const pdf_style *st, const char *s,
                   size_t n);
/* A fixed-width gap (an inline blank), underlined when st->underline. */
void pdf_para_gap(pdf_para *p, const pdf_style *st, double w);
/* An image in the text (inlineimg.c decides where it goes). */
void pdf_para_image(pdf_para *p, const pdf_style *st, const pdf_inimg *im);
/* A gap that is also a form field: a worksheet's Name (role -1) or Date
 * (role -2) blank, with its tooltip and worksheet (pdf_field_group). */
void pdf_para_field_gap(pdf_para *p, const pdf_style *st, double w,
                        int role, const char *label, const char *group);
void pdf_para_newline(pdf_para *p);
bool pdf_para_empty(const pdf_para *p);

typedef struct pdf_para_opts {
	double x, width;       /* text block */
	double first_indent;   /* extra indent of the first line */
	pdf_align align;
	double leading;        /* line height as a multiple of the size */
	bool hyphenate;
	/* the language of the text (a BCP 47 tag): its hyphenation patterns
	 * and line breaking rules; NULL: the document's (meta.lang) */
	const char *lang;
	/* its direction: MC_DIR_NONE from its first strong character */
	mc_dir dir;
	/* drawn at the first line's baseline, at marker_x */
	const char *marker;
	pdf_style marker_style;
	double marker_x;
	bool marker_box; /* a checkbox instead of text */
	bool marker_checked;
	const char *marker_tu; /* a checkbox's tooltip (/TU): its item's text */
	int marker_se;    /* the marker's structure element (Lbl); -1: the
	                     marker is furniture (a bullet) */
	bool keep_lines;  /* all lines together (headings, short blocks) */
} pdf_para_opts;

/* Break the paragraph into lines and add one slice per line (widows and
 * orphans kept with keep_next).  Returns the number of lines, -1 on error. */
int pdf_para_layout(pdf_para *p, const pdf_para_opts *o);

/* A list item's marker (o->marker / marker_box) drawn at baseline base
 * of the slice being built. */
void pdf_para_marker(pdf_ctx *c, const pdf_para_opts *o, double base);

/* Knuth-Plass over abstract items, exposed for the unit test. */
typedef struct kp_item {
	uint8_t type; /* KP_BOX, KP_GLUE, KP_PENALTY */
	bool flagged;
	double w, stretch, shrink;
	double penalty;
} kp_item;
enum { KP_BOX, KP_GLUE, KP_PENALTY };
#define KP_INF 10000.0
/* Chosen break indices (ascending, last = n-1) into brk (room for n).
 * Returns the count, or -1 if no feasible breaking (callers then use a
 * greedy fallback). */
int pdf_kp_break(const kp_item *it, size_t n, double width, double first,
                 double tolerance, size_t *brk);

/* ---- qr.c ---- */
/* Draw `text` as a QR code with its top-left at (x, y) in a square of
 * side `size` (quiet zone included) as OP_FILL ops making one path (one
 * rectangle per run of dark modules in a row, PDF_FILL_*).  Returns 0 or
 * -1. */
int pdf_qr(pdf_ctx *c, const char *text, double x, double y, double size);


/* ---- fields.c ---- */
/* The title of the worksheet an answer is in (its box's, its section's,
 * else the document's), for its field's parent (fields.c). */
const char *pdf_field_group(pdf_ctx *c, const mc_node *n);
/* Give field op o the worksheet title `group` (NULL: none); its
 * group, or NULL. */
void pdf_op_set_group(pdf_ctx *c, pdf_op *o, const char *group);
const char *pdf_op_group(const pdf_ctx *c, const pdf_op *o);
/* The field of op o (key: its index, its place in reading order) on
 * page, its slice at y0.  Returns 0 or -1. */
int pdf_field_text(pdf_ctx *c, HPDF_Page page, const pdf_op *op, size_t key,
                   double y0);
int pdf_field_checkbox(pdf_ctx *c, HPDF_Page page, const pdf_op *op,
                       size_t key, double y0);
int pdf_fields_finish(pdf_ctx *c);

/* ---- misc ---- */
#define PDF_GROW(arr, n, cap) MC_GROW(arr, n, cap, 64) /* util/grow.h */
/* The most bytes a string may have (ISO 32000-1, Annex C). */
#define PDF_STRING_MAX 32767
/* A text string (ISO 32000-1, 7.9.2.2) of UTF-8 text s for a dictionary:
 * UTF-16BE after a byte order mark, written <FEFF...>, characters past
 * U+FFFF as surrogate pairs.  Cut at a character's end to PDF_STRING_MAX
 * bytes, with a warning naming `what` ("the title").  NULL when out of
 * memory (an HPDF_Dict_Add of it then reaches libharu's error handler). */
HPDF_Binary pdf_text_string(pdf_ctx *c, const char *s, const char *what);
/* The same string's bytes (byte order mark, UTF-16BE) appended to b. */
void pdf_text_utf16(pdf_ctx *c, const char *s, const char *what, mc_buf *b);

/* ---- images (png.c) ---- */

/* A PNG as an image XObject (see png.c), or NULL if the file is damaged,
 * truncated or not a PNG this reads.  libharu's own PNG loader is never
 * used: it aborts the process on a damaged file. */
HPDF_Image pdf_png_image(pdf_ctx *c, const unsigned char *buf, size_t len);
/* Whether a JPEG is whole and sane enough to embed as it is (jpeg.c). */
bool pdf_jpeg_ok(const unsigned char *buf, size_t len);

/* ---- inlineimg.c: images, and images in running text ---- */
/* Load an image file into the PDF, once per document: its index in
 * ctx->images, or -1 with the reason in why (a refusal is remembered,
 * the file not read again).  warn (may be NULL) says a refusal is not
 * reported yet: the caller reports it now. */
int pdf_load_image(pdf_ctx *c, const char *path, mc_image_why *why,
                   bool *warn);
/* The picture of an MC_IMAGE, loaded, at its natural size: 0 and *out,
 * or -1 when it is remote, missing or unusable (its alt text is printed
 * instead; a file refused is reported once). */
int pdf_inline_image(pdf_ctx *c, const mc_node *n, pdf_inimg *out);
/* Whether image im fits a line of paragraph o in style st: true, and
 * its size in the line; false, and its size on a line of its own. */
bool pdf_inimg_fit(const pdf_ctx *c, const pdf_inimg *im,
                   const pdf_style *st, const pdf_para_opts *o, double *w,
                   double *h);
/* The top of an image h high in a line of style st at baseline base. */
double pdf_inimg_y(const pdf_ctx *c, const pdf_style *st, double base,
                   double h);
/* Draw im (im->dw x im->dh) in a line at x, baseline base. */
void pdf_inimg_op(pdf_ctx *c, const pdf_inimg *im, const pdf_style *st,
                  double x, double base, double w, double h);
/* The slice begun at op0 ended with im alone in it (a screenshot in a
 * paragraph), placed in the measure of o, PDF_INIMG_GAP ems of space
 * above and below; marker: a list marker was drawn beside it (at
 * baseline (PDF_INIMG_GAP + PF_ASCENT) ems). */
#define PDF_INIMG_GAP 0.3
void pdf_inimg_block(pdf_ctx *c, const pdf_inimg *im, const pdf_style *st,
                     const pdf_para_opts *o, bool rtl, size_t op0,
                     bool marker);
/* Widen a table cell's minimum and maximum widths for its images. */
void pdf_cell_image_widths(pdf_ctx *c, const mc_node *cell, double *minw,
                           double *maxw);

/* ---- fieldfont.c: the font form fields type in ---- */
/* The theme's body face (c->fonts.f[PF_BODY]'s file) embedded whole as a
 * Type0 font (Identity-H, CIDs = glyph ids, the widths of all glyphs, a
 * ToUnicode map of its whole cmap), for the AcroForm's /DR: an indirect
 * font dictionary, or NULL (an error reported) if it cannot be made. */
HPDF_Dict pdf_fieldfont_make(pdf_ctx *c);

#endif
