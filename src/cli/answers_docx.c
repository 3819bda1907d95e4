/*
 * answers_docx.c - the fields of a filled DOCX: word/document.xml read
 * from the ZIP (util/zip.h; at most MAX_XML bytes inflated, whatever the
 * archive claims) and parsed with expat (no DTD, no external entities:
 * an entity declaration is refused, so a "billion laughs" cannot grow).
 *
 *   content controls  w:sdt with a w:tag: the tag names the field
 *                     ("worksheet-slug/answer-3", "…/name", "…/date";
 *                     older documents "answer-3"), w:alias is its
 *                     prompt; the text of its content is the answer
 *                     (paragraphs joined by newlines), or "" while
 *                     w:showingPlcHdr says it shows its placeholder; a
 *                     w14:checkbox gives "true"/"false";
 *   legacy fields     FORMTEXT / FORMCHECKBOX: w:ffData's w:name (Name,
 *                     Date: the learner's) and help text (the prompt);
 *                     the result runs between `separate` and `end`; a
 *                     checkbox's w:checked, else w:default.
 *
 * The worksheet of a field is the last heading (a Heading or Title style
 * paragraph, or a box's title) before it; the slug in a tag says which
 * one when a tag has it.
 */
#include "answers.h"

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/model.h"
#include "../util/arena.h"
#include "../util/dl.h"
#include "../util/zip.h"

/* expat is loaded when a DOCX is read (util/dl.h), not at every start
 * (libzip too, by util/zip.c); the Makefile passes its soname */
#ifndef MC_EXPAT_SONAME
#define MC_EXPAT_SONAME "libexpat.so.1"
#endif
#define EXPAT_FUNCS(X) \
	X(XML_ErrorString) \
	X(XML_GetCurrentLineNumber) \
	X(XML_GetErrorCode) \
	X(XML_Parse) \
	X(XML_ParserCreate) \
	X(XML_ParserFree) \
	X(XML_SetCharacterDataHandler) \
	X(XML_SetElementHandler) \
	X(XML_SetEntityDeclHandler) \
	X(XML_SetUserData) \
	X(XML_StopParser)
MC_DL_TABLE(expat_api, EXPAT_FUNCS)
MC_DL_LIB(expat_lib, expat_api, EXPAT, "libexpat1", MC_EXPAT_SONAME,
          "libexpat.so");
#define MAX_XML (256u << 20) /* inflated document.xml */
#define MAX_DEPTH 256        /* nested content controls */
#define RING 64

typedef struct sdt {
	mc_buf alias, tag, text;
	bool plchdr, checkbox, checked, in_content, nested;
	bool gallery; /* a w:docPartObj (a table of contents...): no field */
	bool para_open; /* a paragraph of the content was started */
} sdt;

typedef struct dstate {
	XML_Parser p;
	mc_fields *out;
	sdt *stack;
	size_t depth, cap;
	int in_pr;         /* inside w:sdtPr of the innermost control */
	/* the running paragraph's style and text, for headings */
	mc_buf pstyle, ptext;
	mc_buf heading;    /* the last heading's text */
	mc_buf lastpara;   /* the last paragraph outside fields: a prompt */
	bool run_bold;     /* the running w:r is bold */
	bool p_plain;      /* the paragraph has text that is not bold */
	/* the last RING headings (box titles too), for tags' slugs */
	char *ring[RING];
	size_t nring;
	bool in_t;         /* inside w:t (or w:instrText: not text) */
	bool in_instr;
	/* a legacy field: 0 none, 1 after begin, 2 after separate */
	int fld;
	bool fld_form;     /* its ffData made it a form field */
	bool fld_check, fld_checked, fld_checked_set, fld_default;
	mc_buf fname, fhelp, fresult;
	int fld_nest;      /* fields nested inside the form field's result */
	bool failed;
	char why[128];
} dstate;

static bool is(const char *name, const char *want)
{
	/* expat is run without namespaces: names keep their prefixes; the
	 * prefix w: is assumed (Word and LibreOffice both write it) */
	return !strcmp(name, want);
}

static const char *attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (!strcmp(atts[i], name))
			return atts[i + 1];
	return NULL;
}

/* Whether an on/off attribute value means on (absent: on). */
static bool on(const char *v)
{
	return !v || (strcmp(v, "0") && strcmp(v, "false") &&
	              strcmp(v, "off"));
}

static void text_to(dstate *s, const char *t, size_t n)
{
	if (s->fld == 2 && s->fld_form && !s->fld_nest)
		mc_buf_put(&s->fresult, t, n);
	for (size_t i = 0; i < s->depth; i++)
		if (s->stack[i].in_content)
			mc_buf_put(&s->stack[i].text, t, n);
	mc_buf_put(&s->ptext, t, n);
}

/* The worksheet of a tag "slug/answer-3": the last heading (its slug
 * matching, else the slug itself). */
static void group_of(dstate *s, const char *tag, mc_buf *g)
{
	const char *slash = strrchr(tag, '/');
	mc_buf h = MC_BUF_INIT;
	mc_buf_put(&h, s->heading.data ? s->heading.data : "",
	           s->heading.len);
	mc_buf_putc(&h, '\0');
	if (!slash) {
		mc_buf_puts(g, h.data);
	} else {
		mc_buf slug = MC_BUF_INIT;
		mc_field_slug(h.data, &slug, 48);
		size_t n = (size_t)(slash - tag);
		const char *found = NULL;
		if (s->heading.len && slug.len == n &&
		    !memcmp(slug.data, tag, n))
			found = h.data;
		for (size_t i = s->nring; !found && i-- > 0;) {
			const char *r = s->ring[i % RING];
			slug.len = 0;
			mc_field_slug(r, &slug, 40);
			if (slug.len == n && !memcmp(slug.data, tag, n))
				found = r;
			if (s->nring - i >= RING)
				break;
		}
		if (found)
			mc_buf_puts(g, found);
		else
			mc_buf_put(g, tag, n);
		mc_buf_free(&slug);
	}
	mc_buf_free(&h);
}

static void str0(mc_buf *b)
{
	mc_buf_putc(b, '\0');
	b->len--;
}

/* The full prompt when the field's title is the start of the paragraph
 * before it (Word cuts titles at 64 characters, "…" after the cut). */
static const char *full_prompt(dstate *s, const char *title)
{
	size_t n = strlen(title);
	if (n >= 3 && !memcmp(title + n - 3, "\xe2\x80\xa6", 3))
		n -= 3;
	str0(&s->lastpara);
	if (n && s->lastpara.len > n && !memcmp(s->lastpara.data, title, n))
		return s->lastpara.data;
	return title;
}

static void end_sdt(dstate *s)
{
	sdt *x = &s->stack[--s->depth];
	str0(&x->tag);
	str0(&x->alias);
	str0(&x->text);
	/* a field: a control with a tag, or (LibreOffice drops tags when it
	 * saves) with a title */
	bool field = (x->tag.len || x->alias.len) && !x->gallery;
	if (field && !x->nested) {
		const char *tag = x->tag.data;
		const char *leaf = strrchr(tag, '/');
		leaf = leaf ? leaf + 1 : tag;
		const char *role = !strcmp(leaf, "name")   ? "name"
		                   : !strcmp(leaf, "date") ? "date"
		                                           : "";
		if (!x->tag.len)
			role = !strcasecmp(x->alias.data, "name")   ? "name"
			       : !strcasecmp(x->alias.data, "date") ? "date"
			                                           : "";
		mc_buf g = MC_BUF_INIT;
		group_of(s, tag, &g);
		str0(&g);
		/* only underscores: a blank's placeholder that lost its
		 * w:showingPlcHdr (LibreOffice drops it when it saves) */
		bool rule = x->text.len > 0;
		for (size_t i = 0; i < x->text.len && rule; i++)
			rule = x->text.data[i] == '_' || x->text.data[i] == ' ';
		const char *value = x->checkbox ? (x->checked ? "true" : "false")
		                    : x->plchdr || rule ? ""
		                                        : x->text.data;
		mc_fields_add(s->out, g.data, role,
		              x->alias.len ? full_prompt(s, x->alias.data) : leaf,
		              value);
		mc_buf_free(&g);
	}
	if (s->depth && field)
		s->stack[s->depth - 1].nested = true;
	mc_buf_free(&x->alias);
	mc_buf_free(&x->tag);
	mc_buf_free(&x->text);
}

static void end_legacy(dstate *s)
{
	if (s->fld_form) {
		str0(&s->fname);
		str0(&s->fhelp);
		str0(&s->fresult);
		const char *n = s->fname.data;
		const char *role = !strcasecmp(n, "name")   ? "name"
		                   : !strcasecmp(n, "date") ? "date"
		                                            : "";
		mc_buf g = MC_BUF_INIT;
		group_of(s, "", &g);
		str0(&g);
		bool checked = s->fld_checked_set ? s->fld_checked
		                                  : s->fld_default;
		mc_fields_add(s->out, g.data, role,
		              s->fhelp.len ? full_prompt(s, s->fhelp.data) : n,
		              s->fld_check ? (checked ? "true" : "false")
		                           : s->fresult.data);
		mc_buf_free(&g);
	}
	s->fld = 0;
	s->fld_form = s->fld_check = s->fld_checked = false;
	s->fld_checked_set = s->fld_default = false;
	s->fname.len = s->fhelp.len = s->fresult.len = 0;
}

static void XMLCALL on_start(void *ud, const char *name, const char **atts)
{
	dstate *s = ud;
	if (s->failed)
		return;
	sdt *top = s->depth ? &s->stack[s->depth - 1] : NULL;
	if (is(name, "w:sdt")) {
		if (s->depth >= MAX_DEPTH) {
			s->failed = true;
			snprintf(s->why, sizeof s->why, "content controls nested "
			                                "too deep");
			EXPAT.XML_StopParser(s->p, XML_FALSE);
			return;
		}
		if (s->depth == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 8;
			s->stack = mc_xrealloc(s->stack,
			                       s->cap * sizeof *s->stack);
		}
		memset(&s->stack[s->depth++], 0, sizeof *s->stack);
	} else if (top && is(name, "w:sdtPr")) {
		s->in_pr++;
	} else if (top && s->in_pr && is(name, "w:alias")) {
		const char *v = attr(atts, "w:val");
		top->alias.len = 0;
		if (v)
			mc_buf_puts(&top->alias, v);
	} else if (top && s->in_pr && is(name, "w:tag")) {
		const char *v = attr(atts, "w:val");
		top->tag.len = 0;
		if (v)
			mc_buf_puts(&top->tag, v);
	} else if (top && s->in_pr && is(name, "w:showingPlcHdr")) {
		top->plchdr = on(attr(atts, "w:val"));
	} else if (top && s->in_pr && is(name, "w:docPartObj")) {
		top->gallery = true;
	} else if (top && s->in_pr && is(name, "w14:checkbox")) {
		top->checkbox = true;
	} else if (top && s->in_pr && is(name, "w14:checked")) {
		top->checked = on(attr(atts, "w14:val"));
	} else if (top && is(name, "w:sdtContent")) {
		top->in_content = true;
	} else if (is(name, "w:p")) {
		s->pstyle.len = 0;
		s->ptext.len = 0;
		s->p_plain = false;
		for (size_t i = 0; i < s->depth; i++) {
			sdt *x = &s->stack[i];
			if (x->in_content && x->para_open)
				mc_buf_putc(&x->text, '\n');
			if (x->in_content)
				x->para_open = true;
		}
	} else if (is(name, "w:r")) {
		s->run_bold = false;
	} else if (is(name, "w:b")) {
		s->run_bold = on(attr(atts, "w:val"));
	} else if (is(name, "w:pStyle")) {
		const char *v = attr(atts, "w:val");
		s->pstyle.len = 0;
		if (v)
			mc_buf_puts(&s->pstyle, v);
	} else if (is(name, "w:t")) {
		s->in_t = true;
	} else if (is(name, "w:instrText")) {
		s->in_instr = true;
	} else if (is(name, "w:tab")) {
		if (!s->in_pr)
			text_to(s, "\t", 1);
	} else if (is(name, "w:br") || is(name, "w:cr")) {
		text_to(s, "\n", 1);
	} else if (is(name, "w:fldChar")) {
		const char *t = attr(atts, "w:fldCharType");
		if (!t)
			return;
		if (!strcmp(t, "begin")) {
			if (s->fld)
				s->fld_nest++;
			else
				s->fld = 1;
		} else if (!strcmp(t, "separate")) {
			if (s->fld == 1 && !s->fld_nest)
				s->fld = 2;
		} else if (!strcmp(t, "end")) {
			if (s->fld_nest)
				s->fld_nest--;
			else if (s->fld)
				end_legacy(s);
		}
	} else if (s->fld == 1 && !s->fld_nest) {
		if (is(name, "w:ffData")) {
			s->fld_form = true;
		} else if (is(name, "w:name")) {
			const char *v = attr(atts, "w:val");
			s->fname.len = 0;
			if (v)
				mc_buf_puts(&s->fname, v);
		} else if (is(name, "w:helpText")) {
			const char *v = attr(atts, "w:val");
			s->fhelp.len = 0;
			if (v)
				mc_buf_puts(&s->fhelp, v);
		} else if (is(name, "w:checkBox")) {
			s->fld_check = true;
		} else if (is(name, "w:default")) {
			s->fld_default = on(attr(atts, "w:val"));
		} else if (is(name, "w:checked")) {
			s->fld_checked_set = true;
			s->fld_checked = on(attr(atts, "w:val"));
		}
	}
}

static void XMLCALL on_end(void *ud, const char *name)
{
	dstate *s = ud;
	if (s->failed)
		return;
	if (is(name, "w:sdt") && s->depth) {
		end_sdt(s);
	} else if (is(name, "w:sdtPr") && s->in_pr) {
		s->in_pr--;
	} else if (is(name, "w:t")) {
		s->in_t = false;
	} else if (is(name, "w:instrText")) {
		s->in_instr = false;
	} else if (is(name, "w:p")) {
		/* a heading or a box's title: the worksheet of what follows */
		str0(&s->pstyle);
		const char *st = s->pstyle.data ? s->pstyle.data : "";
		bool callout = !strncmp(st, "Callout", 7);
		bool in_field = false;
		for (size_t i = 0; i < s->depth; i++)
			in_field = in_field || s->stack[i].in_content;
		if (s->ptext.len && !in_field && !s->fld &&
		    (!strncmp(st, "Heading", 7) || !strcmp(st, "Title") ||
		     (callout && !s->p_plain))) {
			s->heading.len = 0;
			mc_buf_put(&s->heading, s->ptext.data, s->ptext.len);
			if (s->ptext.len < 1000) {
				size_t k = s->nring % RING;
				free(s->ring[k]);
				str0(&s->ptext);
				s->ring[k] = strdup(s->ptext.data);
				if (!s->ring[k])
					s->ring[k] = strdup("");
				s->nring++;
			}
		}
		if (!in_field && s->ptext.len) {
			s->lastpara.len = 0;
			mc_buf_put(&s->lastpara, s->ptext.data, s->ptext.len);
		}

	}
}

static void XMLCALL on_text(void *ud, const char *t, int n)
{
	dstate *s = ud;
	if (!s->failed && s->in_t && !s->in_instr && n > 0) {
		if (!s->run_bold)
			s->p_plain = true;
		text_to(s, t, (size_t)n);
	}
}

/* No DTD: an entity declaration stops the parse (no entity expansion
 * bombs). */
static void XMLCALL on_entity(void *ud, const XML_Char *name, int pe,
                              const XML_Char *value, int len,
                              const XML_Char *base, const XML_Char *sys,
                              const XML_Char *pub, const XML_Char *notation)
{
	(void)name, (void)pe, (void)value, (void)len, (void)base, (void)sys;
	(void)pub, (void)notation;
	dstate *s = ud;
	s->failed = true;
	snprintf(s->why, sizeof s->why, "word/document.xml declares "
	                                "entities");
	EXPAT.XML_StopParser(s->p, XML_FALSE);
}

int mc_answers_docx(const char *path, mc_fields *out, char *err,
                    size_t errsz)
{
	if (!mc_dl_get(&expat_lib, err, errsz) || mc_unzip_load(err, errsz))
		return -1;
	char why[256];
	mc_unzip *z = mc_unzip_open(path, why, sizeof why);
	if (!z) {
		snprintf(err, errsz, "damaged DOCX: %s", why);
		return -1;
	}
	mc_unzip_file *zf = mc_unzip_fopen(z, "word/document.xml", why,
	                                   sizeof why);
	if (!zf) {
		snprintf(err, errsz, "not a DOCX: no word/document.xml (%s)",
		         why);
		mc_unzip_close(z);
		return -1;
	}
	dstate s = {0};
	s.out = out;
	s.p = EXPAT.XML_ParserCreate("UTF-8");
	if (!s.p) {
		mc_unzip_fclose(zf);
		mc_unzip_close(z);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	EXPAT.XML_SetUserData(s.p, &s);
	EXPAT.XML_SetElementHandler(s.p, on_start, on_end);
	EXPAT.XML_SetCharacterDataHandler(s.p, on_text);
	EXPAT.XML_SetEntityDeclHandler(s.p, on_entity);
	int rc = 0;
	size_t total = 0;
	char buf[65536];
	for (;;) {
		size_t n;
		if (mc_unzip_fread(zf, buf, sizeof buf, &n, why, sizeof why)) {
			snprintf(err, errsz, "damaged DOCX: %s", why);
			rc = -1;
			break;
		}
		total += n;
		if (total > MAX_XML) {
			snprintf(err, errsz, "word/document.xml is larger than "
			                     "%u MiB: refused", MAX_XML >> 20);
			rc = -1;
			break;
		}
		if (EXPAT.XML_Parse(s.p, buf, (int)n, n == 0) != XML_STATUS_OK) {
			if (s.failed)
				snprintf(err, errsz, "%s", s.why);
			else
				snprintf(err, errsz, "damaged DOCX: "
				         "word/document.xml line %lu: %s",
				         (unsigned long)EXPAT.XML_GetCurrentLineNumber(s.p),
				         EXPAT.XML_ErrorString(EXPAT.XML_GetErrorCode(s.p)));
			rc = -1;
			break;
		}
		if (n == 0)
			break;
	}
	while (s.depth)
		end_sdt(&s);
	free(s.stack);
	mc_buf_free(&s.pstyle);
	mc_buf_free(&s.ptext);
	mc_buf_free(&s.heading);
	mc_buf_free(&s.lastpara);
	for (size_t i = 0; i < RING; i++)
		free(s.ring[i]);
	mc_buf_free(&s.fname);
	mc_buf_free(&s.fhelp);
	mc_buf_free(&s.fresult);
	EXPAT.XML_ParserFree(s.p);
	mc_unzip_fclose(zf);
	mc_unzip_close(z);
	return rc;
}
