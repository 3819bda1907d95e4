/*
 * docx_int.h - what the files of word/document.xml share: the run,
 * paragraph and walk context types and the writers one file calls in
 * another.  Private to src/back/docx/.
 *   body.c    the block and inline walk, runs, paragraphs, drawings
 *   fields.c  worksheet fields: answers, checkboxes, blanks
 *   tables.c  tables
 *   toc.c     the TOC field and the page estimate
 */
#ifndef MC_DOCX_INT_H
#define MC_DOCX_INT_H

#include "docx.h"

/* Deeper than this, a subtree is printed as its plain text: Word cannot
 * show hundreds of nested boxes, and the walk stays bounded. */
#define MAX_NEST 300
#define EMU_PER_PX 9525L
#define EMU_PER_PT 12700L

/* Run properties inherited by inlines. */
typedef struct rp {
	bool b, i, strike, code, link, placeholder;
	bool box;      /* framed (a form control, w:bdr) */
	int vert;      /* 0, 1 superscript, 2 subscript */
	double size;   /* points, 0: the style's */
	uint32_t color;
	bool has_color;
	const char *lang; /* the text's language where it is not the
	                     document's, else NULL */
	bool rtl;         /* right-to-left text (w:rtl) */
} rp;

/* Paragraph properties of one paragraph. */
typedef struct para {
	const char *style; /* NULL: the context's default */
	bool keep_next;
	long ind_left;     /* < 0: the style's */
	long after;        /* < 0: the style's */
	const char *jc;    /* NULL: the style's */
	long before;       /* > 0: space before, else the style's */
	bool page_break;   /* starts a new page */
	mc_dir dir;        /* MC_DIR_NONE: the document's; RTL: w:bidi */
	int outline;       /* 1..6: a heading of that level (w:outlineLvl)
	                      where its style does not say so; 0: the
	                      style's */
	int rule;          /* > 0: an answer's writing line, a bottom border
	                      this many points below the text (answer()) */
} para;

typedef struct ctx {
	int item_num;      /* numId for the pending item paragraph, 0 none */
	int item_lvl;
	mc_task item_task;
	bool item_pending; /* the next paragraph starts a list item */
	bool item_prompt;
	const char *item_label; /* a task item's text, for its control */
	bool in_quote;
	bool in_table;
	const char *mark;  /* anchor id to bookmark in the next paragraph */
	bool break_next;   /* the next paragraph starts a new page */
} ctx;

/* body.c */
void dx_blocks(dx *d, ctx *c, const mc_node *first, int depth);
void dx_image_extent(const dx *d, const dx_media *m, const mc_image *im,
                     long max_width, double *out_cx, double *out_cy);
void dx_inlines(dx *d, const mc_node *first, const rp *r, int depth);
long dx_level_indent(int lvl);
const char *dx_mark_name(const dx *d, const char *id);
void dx_p_close(dx *d);
void dx_p_open(dx *d, ctx *c, const para *p);
void dx_run(dx *d, const char *s, const rp *r);
void dx_inline_node(dx *d, const mc_node *n, const rp *r, int depth);
void dx_paragraph(dx *d, ctx *c, const para *p, const mc_node *first,
                  const rp *r, int depth);

/* toc.c */
void dx_est_add(dx *d, const mc_node *n, int depth);
double dx_est_toc_height(const dx *d);
int dx_splice_toc(dx *d, size_t at);
double dx_text_height(const dx *d, size_t chars, double size,
                      double width);
void dx_toc_entry(dx *d, int level, const char *text, const char *id);

/* fields.c */
void dx_answer(dx *d, ctx *c, const mc_node *n);
void dx_blank(dx *d, const mc_node *n);
void dx_checkbox_sdt(dx *d, const char *tag, bool checked,
                     const char *label, int number, const mc_node *n);

/* tables.c */
void dx_keep_tables_apart(dx *d, ctx *c);
void dx_spacer(dx *d, ctx *c, const mc_node *n);
long dx_table_indent(const dx *d, const ctx *c);
void dx_table_width(dx *d, const ctx *c, long width);
void dx_table(dx *d, ctx *c, const mc_node *t, int depth);
void dx_tc_open(dx *d, long w, int span, const char *vmerge,
                bool header);

#endif
