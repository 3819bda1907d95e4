/*
 * fields.c - fillable AcroForm fields over the ruled answer lines.
 *
 * libharu 2.3.0 has no form-field API, so this file builds the objects on
 * libharu's exported object layer (HPDF_Dict_*, HPDF_Array_*, the xref):
 * one merged field/widget dictionary per answer, in the page's /Annots and
 * in the catalog's /AcroForm /Fields, each with an appearance stream so
 * viewers that do not regenerate appearances still show it.
 *
 *   text fields  /FT /Tx, multi-line (Ff bit 13) when the answer has more
 *                than one line, named answer-N (N = the answer's number,
 *                unique in the document), the prompt as tooltip (/TU);
 *   checkboxes   /FT /Btn with /Yes and /Off appearances drawn as paths
 *                (no font needed), /V and /AS from the task state.
 *
 * Variable text needs a default appearance font, and a form filler can
 * only show what that font has: the fields' /DA name /MCF, the theme's
 * body face embedded whole as a Unicode (Type0, Identity-H) font in the
 * form's /DR (fieldfont.c), so an answer typed in any script the face
 * covers shows.  It is made at the first text field, so a document
 * without one does not carry it.  The empty fields' appearances name it
 * in their resources and draw no text.
 *
 * Names, for `mentorconv collect` and for anyone filling the form with a
 * script: the fields of one worksheet are the kids of a parent field
 * named from the worksheet's title (mc_field_slug: "worksheet-2-your-
 * experiences") that holds the title itself as /TU, so a field's full
 * name reads "worksheet-2-your-experiences.answer-3" and its worksheet
 * and prompt are both recoverable.  Two titles with the same slug get
 * "-2", "-3"... on the second and later.  Fields outside any worksheet
 * (task-list boxes of a page) stay at the top level.  A worksheet's
 * Name and Date blanks are text fields too, kids "name" and "date" of
 * their worksheet's parent.
 *
 * All of it is kept in this one file so that a libharu with a form API
 * can replace it.
 */
#include "pdf_int.h"

#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <stdio.h>
#include <string.h>

/* A worksheet's parent field. */
typedef struct group {
	const char *title; /* the op's group string (compared by content) */
	const char *name;  /* its partial name (/T) */
	int nrole[2];      /* Name and Date fields so far */
	HPDF_Dict dict;
	HPDF_Array kids;
} group;

typedef struct form {
	HPDF_Dict acro;
	HPDF_Array fields;
	HPDF_Dict font; /* the text fields' font, NULL until the first one */
	group *groups;  /* in the arena; a new array when it grows */
	int nrole[2];   /* Name and Date fields outside any worksheet */
	size_t ngroups, capgroups;
} form;

/* Its resource name, in /DR and in the appearances. */
#define FIELD_FONT "MCF"

static bool failed(pdf_ctx *c)
{
	return c->err != 0;
}

/* An indirect dictionary. */
static HPDF_Dict new_dict(pdf_ctx *c)
{
	HPDF_Doc pdf = c->pdf;
	HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
	if (!d)
		return NULL;
	if (HPDF_Xref_Add(pdf->xref, d) != HPDF_OK)
		return NULL;
	return d;
}

static form *get_form(pdf_ctx *c)
{
	if (c->form)
		return c->form;
	HPDF_Doc pdf = c->pdf;
	form *f = mc_arena_alloc(c->arena, sizeof *f);
	HPDF_Dict acro = new_dict(c);
	HPDF_Array fields = HPDF_Array_New(pdf->mmgr);
	if (!acro || !fields)
		return NULL;
	HPDF_Dict_Add(acro, "Fields", fields);
	HPDF_Dict_Add(pdf->catalog, "AcroForm", acro);
	/* viewers draw the fields from their values: an answer a
	 * server-side tool wrote as a value alone shows too */
	HPDF_Dict_Add(acro, "NeedAppearances",
	              HPDF_Boolean_New(pdf->mmgr, HPDF_TRUE));
	if (failed(c))
		return NULL;
	f->acro = acro;
	f->fields = fields;
	f->font = NULL;
	f->groups = NULL;
	f->ngroups = f->capgroups = 0;
	f->nrole[0] = f->nrole[1] = 0;
	c->form = f;
	return f;
}

/* The text fields' font, made (and put in the form's /DR, with the
 * form's /DA) the first time; NULL on failure. */
static HPDF_Dict field_font(pdf_ctx *c, form *f)
{
	if (f->font)
		return f->font;
	HPDF_Doc pdf = c->pdf;
	HPDF_Dict font = pdf_fieldfont_make(c);
	if (!font)
		return NULL;
	HPDF_Dict dr = HPDF_Dict_New(pdf->mmgr);
	HPDF_Dict fonts = HPDF_Dict_New(pdf->mmgr);
	if (!dr || !fonts)
		return NULL;
	HPDF_Dict_Add(fonts, FIELD_FONT, font);
	HPDF_Dict_Add(dr, "Font", fonts);
	HPDF_Dict_Add(f->acro, "DR", dr);
	HPDF_Dict_Add(f->acro, "DA",
	              HPDF_String_New(pdf->mmgr, "/" FIELD_FONT " 0 Tf 0 g",
	                              NULL));
	if (failed(c))
		return NULL;
	f->font = font;
	return font;
}

/* The page's /Annots array, made if missing. */
static HPDF_Array annots(pdf_ctx *c, HPDF_Page page)
{
	HPDF_STATUS before = c->err;
	HPDF_Array a = HPDF_Dict_GetItem(page, "Annots", HPDF_OCLASS_ARRAY);
	if (a)
		return a;
	if (!before && c->err) { /* a missing key may count as an error */
		HPDF_ResetError(c->pdf);
		c->err = 0;
	}
	a = HPDF_Array_New(c->pdf->mmgr);
	if (!a || HPDF_Dict_Add(page, "Annots", a) != HPDF_OK)
		return NULL;
	return a;
}

/* A form XObject of size w x h drawing `ops` (may be ""), with `font`
 * (if not NULL) as its font FIELD_FONT. */
static HPDF_Dict appearance(pdf_ctx *c, double w, double h, const char *ops,
                            HPDF_Dict font)
{
	HPDF_Doc pdf = c->pdf;
	/* (a few bytes: as they are, held in a block of their size) */
	HPDF_Dict s = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
	if (!s || pdf_stream_hold(s, ops, strlen(ops), false))
		return NULL;
	HPDF_Dict_AddName(s, "Type", "XObject");
	HPDF_Dict_AddName(s, "Subtype", "Form");
	HPDF_Box box = {0, 0, (HPDF_REAL)w, (HPDF_REAL)h};
	HPDF_Dict_Add(s, "BBox", HPDF_Box_Array_New(pdf->mmgr, box));
	HPDF_Dict res = HPDF_Dict_New(pdf->mmgr);
	if (!res)
		return NULL;
	if (font) {
		HPDF_Dict fonts = HPDF_Dict_New(pdf->mmgr);
		if (!fonts)
			return NULL;
		HPDF_Dict_Add(fonts, FIELD_FONT, font);
		HPDF_Dict_Add(res, "Font", fonts);
	}
	HPDF_Dict_Add(s, "Resources", res);
	return s;
}

const char *pdf_field_group(pdf_ctx *c, const mc_node *n)
{
	mc_buf b = MC_BUF_INIT;
	if (!mc_field_worksheet(n, &b) && c->title)
		mc_buf_puts(&b, c->title);
	const char *s = b.len ? mc_arena_strndup(c->arena, b.data, b.len)
	                      : NULL;
	mc_buf_free(&b);
	return s;
}

/* The parent field of the worksheet titled `title`, made the first time;
 * NULL on failure. */
static group *get_group(pdf_ctx *c, form *f, const char *title)
{
	for (size_t i = 0; i < f->ngroups; i++)
		if (!strcmp(f->groups[i].title, title))
			return &f->groups[i];
	HPDF_Doc pdf = c->pdf;
	mc_buf slug = MC_BUF_INIT;
	mc_field_slug(title, &slug, 60);
	size_t base = slug.len;
	/* a name another title has already: "-2", "-3"... */
	for (int k = 2;; k++) {
		bool taken = false;
		for (size_t i = 0; i < f->ngroups && !taken; i++)
			taken = strlen(f->groups[i].name) == slug.len &&
			        !memcmp(f->groups[i].name, slug.data, slug.len);
		if (!taken)
			break;
		slug.len = base;
		mc_buf_printf(&slug, "-%d", k);
	}
	if (f->ngroups == f->capgroups) {
		size_t cap = f->capgroups ? f->capgroups * 2 : 8;
		group *g = mc_arena_alloc(c->arena, cap * sizeof *g);
		if (f->ngroups)
			memcpy(g, f->groups, f->ngroups * sizeof *g);
		f->groups = g;
		f->capgroups = cap;
	}
	group *g = &f->groups[f->ngroups];
	g->title = title;
	g->name = mc_arena_strndup(c->arena, slug.data, slug.len);
	g->nrole[0] = g->nrole[1] = 0;
	g->dict = new_dict(c);
	g->kids = HPDF_Array_New(pdf->mmgr);
	if (!g->dict || !g->kids) {
		mc_buf_free(&slug);
		return NULL;
	}
	HPDF_Dict_Add(g->dict, "T",
	              pdf_text_string(c, slug.data, "a field's name"));
	HPDF_Dict_Add(g->dict, "TU",
	              pdf_text_string(c, title, "a field's description"));
	HPDF_Dict_Add(g->dict, "Kids", g->kids);
	HPDF_Array_Add(f->fields, g->dict);
	mc_buf_free(&slug);
	if (failed(c))
		return NULL;
	f->ngroups++;
	return g;
}

/* Common entries of a field widget; NULL on failure. */
static HPDF_Dict widget(pdf_ctx *c, HPDF_Page page, const pdf_op *op,
                        size_t key, double y0, const char *ft,
                        const char *prefix)
{
	HPDF_Doc pdf = c->pdf;
	form *f = get_form(c);
	if (!f)
		return NULL;
	HPDF_Dict w = new_dict(c);
	HPDF_Array an = annots(c, page);
	if (!w || !an)
		return NULL;
	HPDF_Box r = {(HPDF_REAL)op->x, (HPDF_REAL)(c->ph - (y0 + op->y + op->h)),
	              (HPDF_REAL)(op->x + op->w),
	              (HPDF_REAL)(c->ph - (y0 + op->y))};
	const char *title = pdf_op_group(c, op);
	group *g = title ? get_group(c, f, title) : NULL;
	if (title && !g)
		return NULL;
	char name[48];
	if (op->ref < 0) {
		/* a worksheet's Name or Date (layout.c): "name", and
		 * "name-2"... should a worksheet have more than one */
		int role = op->ref == -1 ? 0 : 1;
		int k = ++(g ? g->nrole : f->nrole)[role];
		if (k == 1)
			snprintf(name, sizeof name, "%s", role ? "date" : "name");
		else
			snprintf(name, sizeof name, "%s-%d", role ? "date" : "name",
			         k);
	} else
		snprintf(name, sizeof name, "%s-%d", prefix, op->ref);
	HPDF_Dict_AddName(w, "Type", "Annot");
	HPDF_Dict_AddName(w, "Subtype", "Widget");
	HPDF_Dict_AddName(w, "FT", ft);
	HPDF_Dict_Add(w, "T", HPDF_String_New(pdf->mmgr, name, NULL));
	if (op->text && *op->text)
		HPDF_Dict_Add(w, "TU", pdf_text_string(c, op->text,
		                                       "a field's description"));
	HPDF_Dict_Add(w, "Rect", HPDF_Box_Array_New(pdf->mmgr, r));
	HPDF_Dict_AddNumber(w, "F", 4); /* print */
	HPDF_Dict_Add(w, "P", page);
	HPDF_Array border = HPDF_Array_New(pdf->mmgr);
	if (!border)
		return NULL;
	HPDF_Array_AddNumber(border, 0);
	HPDF_Array_AddNumber(border, 0);
	HPDF_Array_AddNumber(border, 0);
	HPDF_Dict_Add(w, "Border", border);
	HPDF_Array_Add(an, w);
	if (g) {
		HPDF_Dict_Add(w, "Parent", g->dict);
		HPDF_Array_Add(g->kids, w);
	} else {
		HPDF_Array_Add(f->fields, w);
	}
	/* the widget is its Form element's (tags.c) */
	pdf_tag_annot(c, w, op->se, key);
	return failed(c) ? NULL : w;
}

/* A number for a content stream: at most two decimals, no locale. */
static const char *num(double v, char buf[24])
{
	long k = (long)(v * 100 + (v < 0 ? -0.5 : 0.5));
	const char *sign = k < 0 ? "-" : "";
	if (k < 0)
		k = -k;
	snprintf(buf, 24, "%s%ld.%02ld", sign, k / 100, k % 100);
	return buf;
}

/* "r g b" of a colour, for rg / RG. */
static const char *rgb_ops(uint32_t col, char buf[40])
{
	char a[24], b[24], d[24];
	snprintf(buf, 40, "%s %s %s", num(((col >> 16) & 255) / 255.0, a),
	         num(((col >> 8) & 255) / 255.0, b),
	         num((col & 255) / 255.0, d));
	return buf;
}

/* [r g b] of a colour, for /MK. */
static HPDF_Array rgb_array(pdf_ctx *c, uint32_t col)
{
	HPDF_Array a = HPDF_Array_New(c->pdf->mmgr);
	if (!a)
		return NULL;
	HPDF_Array_AddReal(a, (HPDF_REAL)(((col >> 16) & 255) / 255.0));
	HPDF_Array_AddReal(a, (HPDF_REAL)(((col >> 8) & 255) / 255.0));
	HPDF_Array_AddReal(a, (HPDF_REAL)((col & 255) / 255.0));
	return a;
}

int pdf_field_text(pdf_ctx *c, HPDF_Page page, const pdf_op *op, size_t key,
                   double y0)
{
	HPDF_Doc pdf = c->pdf;
	HPDF_Dict w = widget(c, page, op, key, y0, "Tx", "answer");
	if (!w)
		return -1;
	HPDF_Dict font = field_font(c, c->form);
	if (!font)
		return -1;
	bool multi = op->aux > 1;
	if (multi)
		HPDF_Dict_AddNumber(w, "Ff", 4096);
	/* the size layout.c chose: a multi-line field's is the spacing of
	 * its writing lines, so typed lines sit on them */
	double fs = op->size > 0 ? op->size : c->th->sizes.body;
	char da[64];
	snprintf(da, sizeof da, "/" FIELD_FONT " %d.%d Tf 0 g",
	         (int)(fs * 10 + 0.5) / 10, (int)(fs * 10 + 0.5) % 10);
	HPDF_Dict_Add(w, "DA", HPDF_String_New(pdf->mmgr, da, NULL));
	HPDF_Dict_Add(w, "V", HPDF_String_New(pdf->mmgr, "", NULL));
	/* seen on screen: the theme's border and background, in the
	 * widget's /MK (viewers redraw with them) and in its appearance */
	const mc_theme *th = c->th;
	uint32_t bc = th->fields.border, bg = th->fields.background;
	double bw = bc != MC_COLOR_NONE ? th->fields.border_width : 0;
	HPDF_Dict mk = HPDF_Dict_New(pdf->mmgr);
	HPDF_Dict bs = HPDF_Dict_New(pdf->mmgr);
	if (!mk || !bs)
		return -1;
	char ops[256];
	size_t n0 = 0;
	ops[0] = '\0';
	if (bg != MC_COLOR_NONE) {
		HPDF_Dict_Add(mk, "BG", rgb_array(c, bg));
		n0 += (size_t)snprintf(ops + n0, sizeof ops - n0,
		                       "%s rg 0 0 %s %s re f\n",
		                       rgb_ops(bg, (char[40]){0}),
		                       num(op->w, (char[24]){0}),
		                       num(op->h, (char[24]){0}));
	}
	if (bw > 0) {
		HPDF_Dict_Add(mk, "BC", rgb_array(c, bc));
		n0 += (size_t)snprintf(ops + n0, sizeof ops - n0,
		                       "%s RG %s w %s %s %s %s re s\n",
		                       rgb_ops(bc, (char[40]){0}),
		                       num(bw, (char[24]){0}),
		                       num(bw / 2, (char[24]){0}),
		                       num(bw / 2, (char[24]){0}),
		                       num(op->w - bw, (char[24]){0}),
		                       num(op->h - bw, (char[24]){0}));
	}
	snprintf(ops + n0, sizeof ops - n0, "/Tx BMC EMC\n");
	HPDF_Dict_Add(w, "MK", mk);
	HPDF_Dict_AddName(bs, "S", "S");
	HPDF_Dict_AddReal(bs, "W", (HPDF_REAL)bw);
	HPDF_Dict_Add(w, "BS", bs);
	HPDF_Dict ap = HPDF_Dict_New(pdf->mmgr);
	HPDF_Dict n = appearance(c, op->w, op->h, ops, font);
	if (!ap || !n)
		return -1;
	HPDF_Dict_Add(ap, "N", n);
	HPDF_Dict_Add(w, "AP", ap);
	c->nfields++;
	return failed(c) ? -1 : 0;
}

int pdf_field_checkbox(pdf_ctx *c, HPDF_Page page, const pdf_op *op,
                       size_t key, double y0)
{
	HPDF_Doc pdf = c->pdf;
	HPDF_Dict w = widget(c, page, op, key, y0, "Btn",
	                     (op->aux & 2) ? "task" : "check");
	if (!w)
		return -1;
	const char *state = (op->aux & 1) ? "Yes" : "Off";
	HPDF_Dict_AddName(w, "V", state);
	HPDF_Dict_AddName(w, "AS", state);
	/* a tick drawn as a path, in the box's coordinates */
	char tick[256];
	double s = op->w;
	/* the C locale is not consulted: whole hundredths, as integers */
	int a = (int)(s * 20), b = (int)(s * 45), d = (int)(s * 40),
	    e = (int)(s * 20), g = (int)(s * 82), h = (int)(s * 80),
	    lw = (int)(s * 12);
	snprintf(tick, sizeof tick,
	         "q 0 g 0 G %d.%02d w 1 J 1 j %d.%02d %d.%02d m %d.%02d "
	         "%d.%02d l %d.%02d %d.%02d l S Q\n",
	         lw / 100, lw % 100, a / 100, a % 100, b / 100, b % 100,
	         d / 100, d % 100, e / 100, e % 100, g / 100, g % 100, h / 100,
	         h % 100);
	HPDF_Dict ap = HPDF_Dict_New(pdf->mmgr);
	HPDF_Dict states = HPDF_Dict_New(pdf->mmgr);
	HPDF_Dict yes = appearance(c, op->w, op->h, tick, NULL);
	HPDF_Dict off = appearance(c, op->w, op->h, "", NULL);
	if (!ap || !states || !yes || !off)
		return -1;
	HPDF_Dict_Add(states, "Yes", yes);
	HPDF_Dict_Add(states, "Off", off);
	HPDF_Dict_Add(ap, "N", states);
	HPDF_Dict_Add(w, "AP", ap);
	c->nfields++;
	return failed(c) ? -1 : 0;
}

int pdf_fields_finish(pdf_ctx *c)
{
	return failed(c) ? -1 : 0;
}
