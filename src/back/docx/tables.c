/* tables.c - tables: row layout with spans, cells, widths. */
#include "docx_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Table layout, row by row, keeping only one carry per column for cells
 * that span down (memory in the number of columns, not rows x columns). */
#define MAX_COLS 63 /* Word's limit */

typedef struct carry {
	const mc_node *cell; /* the cell spanning down from above */
	int left;            /* rows it still covers below the current one */
	int span;            /* its gridSpan */
} carry;

typedef struct place {
	const mc_node *cell; /* NULL: an empty cell */
	int span;
	int vmerge;          /* 0 none, 1 restart, 2 continue */
} place;

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Lay one row out on `limit` columns: a continuation where a cell above
 * still spans down, else the row's next cell.  Updates the carries for
 * the next row.  Returns the number of places written to pl (room for
 * `limit`), the columns used in *used. */
static int lay_row(const mc_node *r, int ri, int nrows, carry *cy, int limit,
                   place *pl, int *used)
{
	int n = 0, col = 0;
	const mc_node *cl = r->first;
	while (col < limit) {
		if (cy[col].left > 0) {
			int span = cy[col].span;
			pl[n++] = (place){cy[col].cell, span, 2};
			cy[col].left--;
			col += span;
			continue;
		}
		if (!cl) {
			/* only empty cells left, unless a cell above spans
			 * down further right */
			int k = col + 1;
			while (k < limit && cy[k].left == 0)
				k++;
			if (k >= limit)
				break;
			pl[n++] = (place){NULL, 1, 0};
			col++;
			continue;
		}
		int cs = clampi(cl->as.cell.colspan, 1, limit - col);
		for (int k = 1; k < cs; k++)
			if (cy[col + k].left > 0) {
				cs = k;
				break;
			}
		int rs = clampi(cl->as.cell.rowspan, 1, nrows - ri);
		pl[n++] = (place){cl, cs, rs > 1 ? 1 : 0};
		if (rs > 1) {
			cy[col].cell = cl;
			cy[col].left = rs - 1;
			cy[col].span = cs;
		}
		col += cs;
		cl = cl->next;
	}
	*used = col;
	return n;
}

void dx_tc_open(dx *d, long w, int span, const char *vmerge,
                bool header)
{
	mc_xml *x = &d->x;
	mc_xml_open(x, "w:tc");
	mc_xml_open(x, "w:tcPr");
	mc_xml_open(x, "w:tcW");
	mc_xml_attrf(x, "w:w", "%ld", w);
	mc_xml_attr(x, "w:type", "dxa");
	mc_xml_close(x);
	if (span > 1) {
		mc_xml_open(x, "w:gridSpan");
		mc_xml_attrf(x, "w:val", "%d", span);
		mc_xml_close(x);
	}
	if (vmerge) {
		mc_xml_open(x, "w:vMerge");
		if (*vmerge)
			mc_xml_attr(x, "w:val", vmerge);
		mc_xml_close(x);
	}
	if (header)
		dx_shade(x, d->theme->colors.table_header_background);
	mc_xml_close(x);
}

/* Left indent of a table or card: the list level's, or the callout
 * box's text indent; 0 at the margin. */
long dx_table_indent(const dx *d, const ctx *c)
{
	if (d->list_level >= 0)
		return dx_level_indent(d->list_level);
	if (d->callout && !c->in_table)
		return 227;
	return 0;
}

/* Whether the last thing written was a table: Word merges two tables
 * with nothing between them, and wants a paragraph after a table that
 * ends a cell. */
static bool written_last(const dx *d, const char *tail)
{
	size_t n = strlen(tail);
	return d->doc_xml.len >= n &&
	       memcmp(d->doc_xml.data + d->doc_xml.len - n, tail, n) == 0;
}

static bool after_table(const dx *d)
{
	return written_last(d, "</w:tbl>");
}

/* A table's w:tblW (in twips) and, inside a list or box, its w:tblInd. */
void dx_table_width(dx *d, const ctx *c, long width)
{
	mc_xml *x = &d->x;
	mc_xml_open(x, "w:tblW");
	mc_xml_attrf(x, "w:w", "%ld", width);
	mc_xml_attr(x, "w:type", "dxa");
	mc_xml_close(x);
	if (dx_table_indent(d, c) > 0) {
		mc_xml_open(x, "w:tblInd");
		mc_xml_attrf(x, "w:w", "%ld", dx_table_indent(d, c));
		mc_xml_attr(x, "w:type", "dxa");
		mc_xml_close(x);
	}
}

void dx_keep_tables_apart(dx *d, ctx *c)
{
	if (!after_table(d))
		return;
	para p = {NULL, false, -1, 0, NULL};
	dx_p_open(d, c, &p);
	dx_p_close(d);
}

/* After a table or card: a paragraph of air, which also keeps two tables
 * apart (Word would merge them).  Not at the end of a box or a cell,
 * where it would only add an empty shaded line. */
void dx_spacer(dx *d, ctx *c, const mc_node *n)
{
	if (!n->next && n->parent && n->parent->type != MC_DOCUMENT)
		return;
	para p = {NULL, false, -1, 0, NULL};
	dx_p_open(d, c, &p);
	dx_p_close(d);
}

/* The blocks of a table cell. */
static void cell_content(dx *d, ctx *cc, const mc_node *cl, bool th,
                         int depth)
{
	rp hr = {0};
	hr.b = th;
	const char *jc = cl->as.cell.align == MC_ALIGN_CENTER ? "center"
	                 : cl->as.cell.align == MC_ALIGN_RIGHT ? "right"
	                                                       : NULL;
	for (const mc_node *k = cl->first; k; k = k->next) {
		if (mc_node_is_inline(k->type)) {
			/* inlines straight in a cell */
			const mc_node *e = k;
			while (e->next && mc_node_is_inline(e->next->type))
				e = e->next;
			para p = {"Normal", false, -1, -1, jc};
			dx_p_open(d, cc, &p);
			for (const mc_node *q = k;; q = q->next) {
				dx_inline_node(d, q, &hr, depth + 1);
				if (q == e)
					break;
			}
			dx_p_close(d);
			k = e;
		} else if (k->type == MC_PARAGRAPH) {
			para p = {"Normal", false, -1, -1, jc};
			dx_paragraph(d, cc, &p, k->first, &hr, depth + 1);
		} else {
			dx_blocks(d, cc, k, depth + 1);
			break; /* dx_blocks() walked the remaining siblings */
		}
	}
	/* a cell holds a paragraph, and Word wants it to end with one, not
	 * with a table or an answer's block-level control */
	if (!cl->first || after_table(d) || written_last(d, "</w:sdt>"))
		mc_xml_empty(&d->x, "w:p", NULL);
}

void dx_table(dx *d, ctx *c, const mc_node *t, int depth)
{
	mc_xml *x = &d->x;
	int nrows = 0;
	for (const mc_node *r = t->first; r; r = r->next)
		nrows++;
	if (!nrows)
		return;
	carry cy[MAX_COLS];
	place pl[MAX_COLS];
	/* columns: the model's width, or more if the spans need it */
	int ncols = clampi(t->as.table.ncols, 1, MAX_COLS);
	if (t->as.table.ncols > MAX_COLS)
		mc_warn(d->diag, t->line, t->col,
		        "a table of %d columns: only the first %d are kept "
		        "(Word's limit)", t->as.table.ncols, MAX_COLS);
	memset(cy, 0, sizeof cy);
	int ri = 0;
	for (const mc_node *r = t->first; r; r = r->next, ri++) {
		int used;
		lay_row(r, ri, nrows, cy, MAX_COLS, pl, &used);
		if (used > ncols)
			ncols = used;
	}
	long width = dx_twips(mc_theme_text_width(d->theme));
	width -= dx_table_indent(d, c) * (d->list_level >= 0 ? 1 : 2);
	if (width < 1440)
		width = 1440;
	long colw = width / ncols;

	dx_keep_tables_apart(d, c);
	mc_xml_open(x, "w:tbl");
	mc_xml_open(x, "w:tblPr");
	dx_val(x, "w:tblStyle", "TableGrid");
	dx_table_width(d, c, colw * ncols);
	mc_xml_empty(x, "w:tblLook",
		     "w:val", "04A0",
		     "w:firstRow", "1",
		     "w:lastRow", "0",
		     "w:firstColumn", "0",
		     "w:lastColumn", "0",
		     "w:noHBand", "1",
		     "w:noVBand", "1",
		     NULL);
	mc_xml_close(x);
	mc_xml_open(x, "w:tblGrid");
	for (int i = 0; i < ncols; i++) {
		mc_xml_open(x, "w:gridCol");
		mc_xml_attrf(x, "w:w", "%ld", colw);
		mc_xml_close(x);
	}
	mc_xml_close(x);

	ctx cc = *c;
	cc.in_table = true;
	cc.in_quote = false;
	cc.item_pending = false;
	cc.mark = NULL;
	int saved_level = d->list_level;
	d->list_level = -1;
	bool leading_header = true;
	memset(cy, 0, sizeof cy);
	ri = 0;
	for (const mc_node *r = t->first; r; r = r->next, ri++) {
		mc_xml_nl(x);
		mc_xml_open(x, "w:tr");
		/* only a table's leading header rows repeat on each page */
		bool hdr = r->as.row.header && leading_header;
		if (!r->as.row.header)
			leading_header = false;
		if (hdr) {
			mc_xml_open(x, "w:trPr");
			mc_xml_empty(x, "w:tblHeader", NULL);
			mc_xml_close(x);
		}
		int used;
		int n = lay_row(r, ri, nrows, cy, ncols, pl, &used);
		for (int i = 0; i < n; i++) {
			const mc_node *cl = pl[i].cell;
			bool th = cl && (cl->as.cell.header || r->as.row.header);
			dx_tc_open(d, colw * pl[i].span, pl[i].span,
			           pl[i].vmerge == 1   ? "restart"
			           : pl[i].vmerge == 2 ? ""
			                               : NULL,
			           th);
			long saved_max = d->max_width;
			d->max_width = colw * pl[i].span - 216; /* less margins */
			if (cl && pl[i].vmerge != 2)
				cell_content(d, &cc, cl, th, depth);
			else
				mc_xml_empty(x, "w:p", NULL);
			d->max_width = saved_max;
			mc_xml_close(x); /* tc */
		}
		for (; used < ncols; used++) {
			dx_tc_open(d, colw, 1, NULL, false);
			mc_xml_empty(x, "w:p", NULL);
			mc_xml_close(x);
		}
		mc_xml_close(x); /* tr */
	}
	mc_xml_close(x); /* tbl */
	d->list_level = saved_level;
	dx_spacer(d, c, t);
}
