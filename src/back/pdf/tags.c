/*
 * tags.c - the PDF's structure tree (tagged PDF, for PDF/UA-1).
 *
 * While layout.c walks the model it opens a structure element for each
 * block (pdf_tag_open: Document, Sect, H1-H6, P, L/LI/Lbl/LBody, Table/
 * TR/TH/TD, Figure, Code, BlockQuote, Note, Div, Form) and closes it
 * after; every op made meanwhile belongs to the innermost one (slices.c
 * stamps pdf_op.se).  Link text gets a Link element of its own
 * (pdf_tag_link).  An element's place in reading order is the number of
 * ops made before it opened; so is each piece of its content's.
 *
 * pdf.c then draws each page's content inside marked content: an
 * element's text and images in `/Tag <</MCID n>> BDC ... EMC`
 * (pdf_tag_mark), everything else (frames, rules, writing lines, running
 * header and footer, a repeated table header) as /Artifact.  Annotations
 * (links, form fields) are tied to their elements (pdf_tag_annot).  At
 * the end pdf_tags_finish() writes the element dictionaries with their
 * kids in reading order, the ParentTree, and the catalog's /MarkInfo,
 * /StructTreeRoot, /ViewerPreferences and XMP /Metadata, and each page's
 * /StructParents and /Tabs /S.
 *
 * With --no-tags (c->tags NULL) every call here does nothing.
 */
#include "pdf_int.h"
#include "../../util/sort.h"
#include "../../util/utc.h"

#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* (28 bytes: a long document has hundreds of thousands; the few with an
 * /Alt, /Lang or /Scope keep them in a tag_extra) */
typedef struct tag_elem {
	int parent;       /* 0 for the root element */
	int page;         /* first page with its content, -1: none */
	/* written (pdf_tags_finish): its place among the objects the tree
	 * adds (its number: pdf_tags.first + idx); its /K (put_kids): its
	 * kids are t->k[k0, k0 + nk) once sorted; haskids: it has one */
	uint32_t idx;
	uint32_t k0, nk;
	uint32_t extra; /* its tag_extra + 1 (if that is still its), or 0 */
	uint8_t type;   /* its standard structure type: pdf_tags.types */
	bool used, haskids;
} tag_elem;

/* The structure types used, as pdf_tag_open was given them (string
 * constants: told apart by address), at most this many. */
#define TAG_TYPES 256

/* An element's /Alt, /Lang and /Scope (pdf_tag_set), and at the finish
 * (the model, where alt and lang point, is freed before the save) its
 * /Alt's UTF-16 in pdf_tags.strs (alt_len bytes at alt_at) and its /Lang
 * (at lang_at). */
typedef struct tag_extra {
	int se; /* whose */
	uint32_t alt_at, alt_len, lang_at;
	const char *alt, *lang, *scope;
} tag_extra;

enum { KID_ELEM, KID_MCR, KID_OBJR };

/* (20 bytes: a long document records hundreds of thousands) */
typedef struct tag_kid {
	uint32_t key; /* reading order (an op's index) */
	uint32_t seq; /* order of recording: ties keep it */
	uint32_t owner : 30; /* element index (below TAG_MAX_ELEMS) */
	uint32_t kind : 2;
	int v;    /* KID_ELEM: the child; KID_MCR: the MCID; KID_OBJR: the
	             annotation's index in pdf_tags.annots */
	int page; /* KID_MCR */
} tag_kid;

/* A kid's owner has 30 bits: past this many elements, pdf_tag_open
 * makes none and returns 0 (untagged content; a document of a billion
 * elements does not fit in memory anyway). */
#define TAG_MAX_ELEMS (1u << 30)

/* One page's marked content: the element of each MCID. */
typedef struct tag_page {
	int *mcid_se;
	size_t n, cap;
} tag_page;

struct pdf_tags {
	const char *types[TAG_TYPES];
	size_t ntypes;
	tag_elem *e;   /* e[0] unused: element numbers start at 1 */
	size_t ne, cape;
	tag_extra *x;  /* in the order set */
	size_t nx, capx;
	tag_kid *k;
	size_t nk, capk;
	int *link_se;  /* link number -> its Link element, 0: none yet */
	size_t nlink;
	tag_page *pages;
	size_t npages;
	/* annotations' StructParent keys, after the pages' */
	int *annot_se;
	HPDF_Dict *annots;
	size_t nannot, capannot;
	/* for the elements and the ParentTree, written at the save: the
	 * object numbers of the pages and of the StructTreeRoot, the
	 * elements written (by number, from first), their strings */
	uint32_t *page_num;
	size_t npage_num;
	uint32_t root_num;
	int *order;   /* the element numbered first + k */
	size_t norder;
	size_t first;
	mc_buf strs;
};

/* A reading-order key as kept (an op index: below 2^32 in any document
 * that fits in memory; larger ones, were there any, sort last). */
static uint32_t kid_key(size_t key)
{
	return key > UINT32_MAX ? UINT32_MAX : (uint32_t)key;
}

/* The index of structure type `type` in the tree's table, added the
 * first time it is seen: told apart by address (the types are string
 * constants of the layout's), then by text; at most TAG_TYPES (there are
 * some forty standard types). */
static uint8_t type_id(pdf_tags *t, const char *type)
{
	for (size_t i = 0; i < t->ntypes; i++)
		if (t->types[i] == type)
			return (uint8_t)i;
	for (size_t i = 0; i < t->ntypes; i++)
		if (!strcmp(t->types[i], type))
			return (uint8_t)i;
	if (t->ntypes == TAG_TYPES)
		return 0; /* (not reached: far fewer types are used) */
	t->types[t->ntypes] = type;
	return (uint8_t)t->ntypes++;
}

/* Element se's extra, or NULL (none, or taken back by a rewind). */
static tag_extra *extra_of(const pdf_tags *t, int se)
{
	uint32_t k = t->e[se].extra;
	return k && k <= t->nx && t->x[k - 1].se == se ? &t->x[k - 1] : NULL;
}

static void add_kid(pdf_tags *t, tag_kid k)
{
	PDF_GROW(t->k, t->nk, t->capk);
	k.seq = (uint32_t)t->nk;
	t->k[t->nk++] = k;
}

int pdf_tags_init(pdf_ctx *c, bool on)
{
	c->tags = NULL;
	c->se_cur = 0;
	if (!on)
		return 0;
	pdf_tags *t = mc_xcalloc(1, sizeof *t);
	c->tags = t;
	PDF_GROW(t->e, t->ne, t->cape);
	memset(&t->e[0], 0, sizeof t->e[0]);
	t->ne = 1;
	/* the root element */
	c->se_cur = pdf_tag_open(c, "Document");
	return 0;
}

void pdf_tags_free(pdf_ctx *c)
{
	pdf_tags *t = c->tags;
	if (!t)
		return;
	free(t->e);
	free(t->x);
	free(t->k);
	free(t->link_se);
	for (size_t i = 0; i < t->npages; i++)
		free(t->pages[i].mcid_se);
	free(t->pages);
	free(t->annot_se);
	free(t->annots);
	free(t->page_num);
	free(t->order);
	mc_buf_free(&t->strs);
	free(t);
	c->tags = NULL;
}

int pdf_tag_open(pdf_ctx *c, const char *type)
{
	pdf_tags *t = c->tags;
	if (!t || t->ne >= TAG_MAX_ELEMS) /* (past it: untagged content) */
		return 0;
	PDF_GROW(t->e, t->ne, t->cape);
	int se = (int)t->ne++;
	tag_elem *e = &t->e[se];
	memset(e, 0, sizeof *e);
	e->type = type_id(t, type);
	e->parent = c->se_cur;
	e->page = -1;
	/* (its place in reading order: the ops made before it) */
	if (e->parent)
		add_kid(t, (tag_kid){.owner = (uint32_t)e->parent,
		                     .key = kid_key(c->nops), .kind = KID_ELEM,
		                     .v = se});
	c->se_cur = se;
	return se;
}

/* Types whose content is text already (no P inside them). */
static bool text_level(const char *t)
{
	static const char *const k[] = {"P", "H1", "H2", "H3", "H4", "H5",
	                                "H6", "H", "Caption", "Code", "Lbl",
	                                "Link", "TOCI", "Span"};
	for (size_t i = 0; i < sizeof k / sizeof *k; i++)
		if (!strcmp(t, k[i]))
			return true;
	return false;
}

int pdf_tag_text(pdf_ctx *c, const char *type)
{
	pdf_tags *t = c->tags;
	if (!t || (c->se_cur > 0 && text_level(t->types[t->e[c->se_cur].type])))
		return 0;
	return pdf_tag_open(c, type);
}

void pdf_tag_close(pdf_ctx *c, int se)
{
	pdf_tags *t = c->tags;
	if (!t || se <= 0 || (size_t)se >= t->ne)
		return;
	c->se_cur = t->e[se].parent;
}

void pdf_tag_set(pdf_ctx *c, int se, const char *alt, const char *lang,
                 const char *scope)
{
	pdf_tags *t = c->tags;
	if (!t || se <= 0 || (size_t)se >= t->ne)
		return;
	bool ok_lang = lang && mc_lang_valid(lang);
	if (!alt && !ok_lang && !scope)
		return;
	tag_extra *x = extra_of(t, se);
	if (!x) {
		if (t->nx >= UINT32_MAX)
			return;
		MC_GROW(t->x, t->nx, t->capx, 16);
		x = &t->x[t->nx++];
		memset(x, 0, sizeof *x);
		x->se = se;
		t->e[se].extra = (uint32_t)t->nx;
	}
	if (alt)
		x->alt = alt;
	if (ok_lang)
		x->lang = lang;
	if (scope)
		x->scope = scope;
}

int pdf_tag_link(pdf_ctx *c, int link)
{
	pdf_tags *t = c->tags;
	if (!t || link < 0)
		return c->se_cur;
	if ((size_t)link >= t->nlink) {
		size_t n = (size_t)link + 1 > t->nlink * 2 ? (size_t)link + 1
		                                            : t->nlink * 2;
		t->link_se = mc_xrealloc(t->link_se, n * sizeof *t->link_se);
		memset(t->link_se + t->nlink, 0,
		       (n - t->nlink) * sizeof *t->link_se);
		t->nlink = n;
	}
	if (!t->link_se[link]) {
		int cur = c->se_cur;
		t->link_se[link] = pdf_tag_open(c, "Link");
		c->se_cur = cur;
	}
	return t->link_se[link];
}

int pdf_tag_of_link(pdf_ctx *c, int link)
{
	pdf_tags *t = c->tags;
	if (!t || link < 0 || (size_t)link >= t->nlink)
		return 0;
	return t->link_se[link];
}

pdf_tag_pos pdf_tags_pos(const pdf_ctx *c)
{
	pdf_tag_pos p = {0, 0, 0, c->se_cur};
	if (c->tags) {
		p.ne = c->tags->ne;
		p.nk = c->tags->nk;
		p.nx = c->tags->nx;
	}
	return p;
}

void pdf_tags_rewind(pdf_ctx *c, const pdf_tag_pos *p)
{
	pdf_tags *t = c->tags;
	c->se_cur = p->se_cur;
	if (!t)
		return;
	t->ne = p->ne;
	t->nk = p->nk;
	/* (an element kept whose extra is taken back has none: extra_of) */
	t->nx = p->nx;
	for (size_t i = 0; i < t->nlink; i++)
		if ((size_t)t->link_se[i] >= t->ne)
			t->link_se[i] = 0;
}

void pdf_tags_fit(pdf_ctx *c, const pdf_tag_pos *p)
{
	pdf_tags *t = c->tags;
	if (!t)
		return;
	MC_FIT(t->e, t->ne, t->cape, p->ne);
	MC_FIT(t->k, t->nk, t->capk, p->nk);
	MC_FIT(t->x, t->nx, t->capx, p->nx);
}

const char *pdf_tag_type(const pdf_ctx *c, int se)
{
	const pdf_tags *t = c->tags;
	if (!t || se <= 0 || (size_t)se >= t->ne)
		return NULL;
	return t->types[t->e[se].type];
}

/* ---- marked content ---- */

int pdf_tag_mark(pdf_ctx *c, HPDF_Stream st, size_t page, int se, size_t key)
{
	pdf_tags *t = c->tags;
	if (!t)
		return 0;
	char buf[96];
	if (se <= 0 || (size_t)se >= t->ne) {
		snprintf(buf, sizeof buf, "/Artifact BMC\n");
	} else {
		if (page >= t->npages) {
			size_t n = page + 1;
			t->pages = mc_xrealloc(t->pages, n * sizeof *t->pages);
			memset(t->pages + t->npages, 0,
			       (n - t->npages) * sizeof *t->pages);
			t->npages = n;
		}
		tag_page *p = &t->pages[page];
		int mcid = (int)p->n;
		PDF_GROW(p->mcid_se, p->n, p->cap);
		p->mcid_se[p->n++] = se;
		add_kid(t, (tag_kid){.owner = (uint32_t)se, .key = kid_key(key),
		                     .kind = KID_MCR, .v = mcid,
		                     .page = (int)page});
		if (t->e[se].page < 0)
			t->e[se].page = (int)page;
		snprintf(buf, sizeof buf, "/%s <</MCID %d>> BDC\n",
		         t->types[t->e[se].type], mcid);
	}
	return HPDF_Stream_WriteStr(st, buf) == HPDF_OK ? 0 : -1;
}

int pdf_tag_artifact(pdf_ctx *c, HPDF_Stream st, const char *props)
{
	if (!c->tags)
		return 0;
	char buf[128];
	if (props)
		snprintf(buf, sizeof buf, "/Artifact <<%s>> BDC\n", props);
	else
		snprintf(buf, sizeof buf, "/Artifact BMC\n");
	return HPDF_Stream_WriteStr(st, buf) == HPDF_OK ? 0 : -1;
}

int pdf_tag_end(pdf_ctx *c, HPDF_Stream st)
{
	if (!c->tags)
		return 0;
	return HPDF_Stream_WriteStr(st, "EMC\n") == HPDF_OK ? 0 : -1;
}

int pdf_tag_annot(pdf_ctx *c, HPDF_Dict annot, int se, size_t key)
{
	pdf_tags *t = c->tags;
	if (!t || !annot || se <= 0 || (size_t)se >= t->ne)
		return 0;
	if (t->nannot == t->capannot) {
		t->capannot = t->capannot ? t->capannot * 2 : 16;
		t->annot_se = mc_xrealloc(t->annot_se,
		                          t->capannot * sizeof *t->annot_se);
		t->annots = mc_xrealloc(t->annots,
		                        t->capannot * sizeof *t->annots);
	}
	t->annot_se[t->nannot] = se;
	t->annots[t->nannot] = annot;
	add_kid(t, (tag_kid){.owner = (uint32_t)se, .key = kid_key(key),
	                     .kind = KID_OBJR, .v = (int)t->nannot});
	t->nannot++;
	/* its key in the ParentTree is given at the end, after the pages */
	return 0;
}

/* ---- the tree, once every page is drawn ---- */

static int cmp_kid(const void *a, const void *b)
{
	const tag_kid *x = a, *y = b;
	if (x->owner != y->owner)
		return x->owner < y->owner ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	/* an element before the content made with it, then as recorded
	 * (seq: every pair ordered, so the in-place sort's order is the
	 * only one) */
	if (x->kind != y->kind && (x->kind == KID_ELEM || y->kind == KID_ELEM))
		return x->kind == KID_ELEM ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Whether element se holds anything (content, annotations, or elements
 * that do): empty ones are left out of the tree. */
static void mark_used(const pdf_tags *t, bool *used)
{
	for (size_t i = 0; i < t->nk; i++)
		if (t->k[i].kind != KID_ELEM)
			for (int e = t->k[i].owner; e > 0 && !used[e];
			     e = t->e[e].parent)
				used[e] = true;
}

static void xmp_escape(mc_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			mc_buf_puts(b, "&lt;");
		else if (*s == '>')
			mc_buf_puts(b, "&gt;");
		else if (*s == '&')
			mc_buf_puts(b, "&amp;");
		else if (*s == '"')
			mc_buf_puts(b, "&quot;");
		else
			mc_buf_putc(b, *s);
	}
}

/* The XMP packet: title, language, PDF/UA part 1. */
static HPDF_Dict metadata(pdf_ctx *c)
{
	const mc_meta *m = &c->doc->meta;
	mc_buf x = MC_BUF_INIT;
	mc_buf_puts(&x,
	            "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
	            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
	            "<rdf:Description rdf:about=\"\"\n"
	            " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	            " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
	            " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
	            " xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
	            "<dc:format>application/pdf</dc:format>\n"
	            "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
	xmp_escape(&x, c->title ? c->title : "");
	mc_buf_puts(&x, "</rdf:li></rdf:Alt></dc:title>\n"
	                "<dc:language><rdf:Bag><rdf:li>");
	xmp_escape(&x, m->lang && *m->lang ? m->lang : "en");
	mc_buf_puts(&x, "</rdf:li></rdf:Bag></dc:language>\n"
	                "<pdf:Producer>mentorconv " MC_VERSION "</pdf:Producer>\n"
	                "<xmp:CreatorTool>mentorconv " MC_VERSION
	                "</xmp:CreatorTool>\n");
	if (m->date > 0) {
		char d[21];
		mc_utc_iso8601(m->date, d);
		mc_buf_printf(&x, "<xmp:CreateDate>%s</xmp:CreateDate>\n"
		                  "<xmp:ModifyDate>%s</xmp:ModifyDate>\n",
		              d, d);
	}
	mc_buf_puts(&x, "<pdfuaid:part>1</pdfuaid:part>\n"
	                "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
	                "<?xpacket end=\"w\"?>");
	HPDF_Dict d = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
	int bad = !d;
	if (d) {
		d->filter = HPDF_STREAM_FILTER_NONE; /* readable as it is */
		bad |= HPDF_Dict_AddName(d, "Type", "Metadata") != HPDF_OK;
		bad |= HPDF_Dict_AddName(d, "Subtype", "XML") != HPDF_OK;
		bad |= HPDF_Stream_Write(d->stream, (const HPDF_BYTE *)x.data,
		                         (HPDF_UINT)x.len) != HPDF_OK;
	}
	mc_buf_free(&x);
	return bad ? NULL : d;
}

/* ---- elements written from tag_elem, not as libharu objects ----
 *
 * A structure element as libharu objects (a dictionary, a name, an entry
 * for each key, a kids array with an entry for each kid, proxies for the
 * references, its cross-reference entry) costs over a kilobyte, and even
 * an empty libharu dictionary standing for one (its number) costs about
 * 200 bytes; a long document has hundreds of thousands (the corpus 64
 * times over: 220,000, 47 MB at the end of the layout).  So elements are
 * no libharu objects at all: objstm.c numbers them after libharu's
 * objects (pdf_objstm_extra: tree_first gives the first number) and packs
 * each as elem_put writes it, from the element itself, when the document
 * is saved; the StructTreeRoot's /K and the ParentTree (libharu
 * dictionaries, for the catalog to refer to) are written then too, by
 * write_fns.  No kids array is a libharu one, so an element holds any
 * number of kids (libharu's arrays stop at HPDF_LIMIT_MAX_ARRAY, 32767;
 * ISO 32000-1 sets no limit, its Annex C's 8191 is old readers', PDF/A-1's,
 * not PDF/UA's): a Document of 40,000 paragraphs stays tagged.  The tree
 * (pdf_tags) lives until then (pdf.c frees it after saving). */

/* Element se's object number (written elements only). */
static size_t elem_num(const pdf_tags *t, int se)
{
	return t->first + t->e[se].idx;
}

static HPDF_STATUS put(HPDF_Stream st, mc_buf *b)
{
	HPDF_STATUS r = b->len ? HPDF_Stream_Write(st, (const HPDF_BYTE *)b->data,
	                                           (HPDF_UINT)b->len)
	                       : HPDF_OK;
	mc_buf_free(b);
	return r;
}

/* Element e's /K line (if it has kids): `/K [ kid kid ]`, any number of
 * them. */
static void put_kids(mc_buf *b, const pdf_tags *t, const tag_elem *e)
{
	if (!e->haskids)
		return;
	mc_buf_puts(b, "/K [ ");
	for (size_t i = e->k0; i < (size_t)e->k0 + e->nk; i++) {
		const tag_kid *k = &t->k[i];
		if (k->kind == KID_ELEM) {
			if (t->e[k->v].used)
				mc_buf_printf(b, "%zu 0 R ", elem_num(t, k->v));
		} else if (k->kind == KID_MCR) {
			if (k->page == e->page)
				mc_buf_printf(b, "%d ", k->v);
			else
				mc_buf_printf(b,
				              "<<\012/Type /MCR\012/Pg %u 0 R"
				              "\012/MCID %d\012>> ",
				              t->page_num[k->page], k->v);
		} else {
			mc_buf_printf(b,
			              "<<\012/Type /OBJR\012/Obj %u 0 R"
			              "\012>> ",
			              pdf_obj_num(t->annots[k->v]));
		}
	}
	mc_buf_puts(b, "]\012");
}

/* (pdf_objstm_extra) */
static void tree_first(void *arg, size_t num)
{
	((pdf_tags *)arg)->first = num;
}

/* Element number k of those written (pdf_objstm_extra), as libharu
 * writes a dictionary: `/Key value` lines (/S, /Alt, /Lang, /A, /Pg, /P,
 * /K; /Type /StructElem is optional and left out, as there are many). */
static int elem_put(void *arg, size_t k, mc_buf *b)
{
	const pdf_tags *t = arg;
	if (k >= t->norder)
		return -1;
	const tag_elem *e = &t->e[t->order[k]];
	const tag_extra *x = extra_of(t, t->order[k]);
	mc_buf_printf(b, "<<\012/S /%s\012", t->types[e->type]);
	if (x && x->alt) {
		mc_buf_puts(b, "/Alt <");
		const unsigned char *a =
			(const unsigned char *)t->strs.data + x->alt_at;
		for (size_t i = 0; i < x->alt_len; i++)
			mc_buf_printf(b, "%02X", a[i]);
		mc_buf_puts(b, ">\012");
	}
	if (x && x->lang) {
		/* (a valid language tag: letters, digits and hyphens) */
		mc_buf_printf(b, "/Lang (%s)\012", t->strs.data + x->lang_at);
	}
	if (x && x->scope)
		mc_buf_printf(b, "/A <<\012/O /Table\012/Scope /%s\012>>\012",
		              x->scope);
	if (e->page >= 0 && (size_t)e->page < t->npage_num)
		mc_buf_printf(b, "/Pg %u 0 R\012", t->page_num[e->page]);
	if (e->parent > 0)
		mc_buf_printf(b, "/P %zu 0 R\012", elem_num(t, e->parent));
	else
		mc_buf_printf(b, "/P %u 0 R\012", t->root_num);
	put_kids(b, t, e);
	mc_buf_puts(b, ">>");
	return 0;
}

/* The StructTreeRoot's /K: the Document (its attr: the tree). */
static HPDF_STATUS write_root(HPDF_Dict d, HPDF_Stream st)
{
	const pdf_tags *t = d->attr;
	mc_buf b = MC_BUF_INIT;
	mc_buf_printf(&b, "/K [ %zu 0 R ]\012", elem_num(t, 1));
	return put(st, &b);
}

/* The ParentTree's /Nums: each page's MCIDs' elements, then each
 * annotation's (its attr: the tree). */
static HPDF_STATUS write_ptree(HPDF_Dict d, HPDF_Stream st)
{
	const pdf_tags *t = d->attr;
	mc_buf b = MC_BUF_INIT;
	mc_buf_puts(&b, "/Nums [ ");
	int key = 0;
	for (size_t p = 0; p < t->npage_num; p++, key++) {
		mc_buf_printf(&b, "%d [ ", key);
		if (p < t->npages)
			for (size_t m = 0; m < t->pages[p].n; m++)
				mc_buf_printf(&b, "%zu 0 R ",
				              elem_num(t, t->pages[p].mcid_se[m]));
		mc_buf_puts(&b, "] ");
		if (b.len > 65536) {
			HPDF_STATUS r = put(st, &b);
			if (r != HPDF_OK)
				return r;
		}
	}
	for (size_t a = 0; a < t->nannot; a++, key++)
		mc_buf_printf(&b, "%d %zu 0 R ", key,
		              elem_num(t, t->annot_se[a]));
	mc_buf_puts(&b, "]\012");
	return put(st, &b);
}

bool pdf_tags_extra(pdf_ctx *c, pdf_objstm_extra *x)
{
	pdf_tags *t = c->tags;
	if (!t || !t->norder)
		return false;
	*x = (pdf_objstm_extra){t->norder, tree_first, elem_put, t};
	return true;
}

int pdf_tags_finish(pdf_ctx *c, HPDF_Page *pages, size_t npages)
{
	pdf_tags *t = c->tags;
	if (!t)
		return 0;
	HPDF_MMgr mm = c->pdf->mmgr;
	HPDF_Xref xref = c->pdf->xref;
	HPDF_STATUS ret = HPDF_OK;
	int rc = -1;
	bool *used = mc_xcalloc(t->ne, sizeof *used);
	used[1] = true; /* the Document, even if empty */
	mark_used(t, used);
	/* (in place: qsort would copy the kids, 10 MB at 64 times the
	 * corpus, at the peak of the document's memory) */
	mc_sort(t->k, t->nk, sizeof *t->k, cmp_kid);
	/* no more elements or kids: their arrays (grown by doubling, and
	 * kept until the document is saved) cut to their size */
	if (t->nk && t->nk < t->capk) {
		t->k = mc_xreallocarray(t->k, t->nk, sizeof *t->k);
		t->capk = t->nk;
	}
	if (t->ne < t->cape) {
		t->e = mc_xreallocarray(t->e, t->ne, sizeof *t->e);
		t->cape = t->ne;
	}
	HPDF_Dict root = HPDF_Dict_New(mm);
	if (!root || HPDF_Xref_Add(xref, root) != HPDF_OK)
		goto out;
	ret |= HPDF_Dict_AddName(root, "Type", "StructTreeRoot");
	root->attr = t;
	root->write_fn = write_root; /* (its /K) */
	t->root_num = pdf_obj_num(root);
	free(t->page_num);
	t->page_num = mc_xcalloc(npages ? npages : 1, sizeof *t->page_num);
	t->npage_num = npages;
	for (size_t p = 0; p < npages; p++)
		t->page_num[p] = pdf_obj_num(pages[p]);
	/* the elements written, numbered in order (from the first number
	 * after libharu's objects, given at the save) */
	free(t->order);
	t->order = mc_xcalloc(t->ne, sizeof *t->order);
	t->norder = 0;
	mc_buf_clear(&t->strs);
	for (size_t i = 1; i < t->ne; i++) {
		tag_elem *e = &t->e[i];
		e->used = used[i];
		if (!used[i])
			continue;
		e->idx = (uint32_t)t->norder;
		t->order[t->norder++] = (int)i;
		/* (offsets in 32 bits: past 4 GiB of them, which no document
		 * that fits in memory has, an element loses its /Alt or
		 * /Lang) */
		tag_extra *x = extra_of(t, (int)i);
		if (!x)
			continue;
		if (x->alt && t->strs.len < UINT32_MAX - PDF_STRING_MAX - 2) {
			x->alt_at = (uint32_t)t->strs.len;
			pdf_text_utf16(c, x->alt, "an image's text", &t->strs);
			x->alt_len = (uint32_t)(t->strs.len - x->alt_at);
		} else {
			x->alt = NULL;
		}
		if (x->lang &&
		    t->strs.len + strlen(x->lang) + 1 < UINT32_MAX) {
			x->lang_at = (uint32_t)t->strs.len;
			mc_buf_put(&t->strs, x->lang, strlen(x->lang) + 1);
		} else {
			x->lang = NULL;
		}
	}
	/* kids, in reading order: written by put_kids, as many as there
	 * are */
	size_t i = 0;
	while (i < t->nk) {
		int owner = t->k[i].owner;
		size_t k0 = i;
		while (i < t->nk && t->k[i].owner == owner)
			i++;
		if (!used[owner])
			continue;
		tag_elem *e = &t->e[owner];
		e->haskids = true;
		e->k0 = (uint32_t)k0;
		e->nk = (uint32_t)(i - k0);
	}

	/* the ParentTree: each page's MCIDs, then each annotation
	 * (write_ptree) */
	HPDF_Dict ptree = HPDF_Dict_New(mm);
	if (!ptree || HPDF_Xref_Add(xref, ptree) != HPDF_OK)
		goto out;
	ptree->attr = t;
	ptree->write_fn = write_ptree;
	/* the pages' keys are their numbers (pdf.c's write_page sets
	 * each page's /StructParents and /Tabs as it finishes it) */
	int key = (int)npages;
	for (size_t a = 0; a < t->nannot; a++, key++)
		ret |= pdf_annot_struct_parent(t->annots[a], key);
	ret |= HPDF_Dict_Add(root, "ParentTree", ptree);
	ret |= HPDF_Dict_AddNumber(root, "ParentTreeNextKey", key);

	/* the catalog */
	HPDF_Dict cat = c->pdf->catalog;
	ret |= HPDF_Dict_Add(cat, "StructTreeRoot", root);
	HPDF_Dict mi = HPDF_Dict_New(mm);
	HPDF_Dict vp = HPDF_Dict_New(mm);
	HPDF_Dict md = metadata(c);
	if (!mi || !vp || !md)
		goto out;
	ret |= HPDF_Dict_Add(mi, "Marked", HPDF_Boolean_New(mm, HPDF_TRUE));
	ret |= HPDF_Dict_Add(cat, "MarkInfo", mi);
	ret |= HPDF_Dict_Add(vp, "DisplayDocTitle",
	                     HPDF_Boolean_New(mm, HPDF_TRUE));
	ret |= HPDF_Dict_Add(cat, "ViewerPreferences", vp);
	ret |= HPDF_Dict_Add(cat, "Metadata", md);
	c->pdf->pdf_version = HPDF_VER_17;
	if (ret == HPDF_OK && !c->err)
		rc = 0;
out:
	free(used);
	if (rc)
		mc_error(c->diag, 0, 0, "the PDF's structure tree could not be "
		                        "written");
	return rc;
}
