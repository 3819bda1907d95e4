/* docx.c - the DOCX package: parts, relationships, properties and the zip.
 *
 * Entry order and dates are fixed (every entry dated doc->meta.date, the
 * document's date, never the clock), so the same input gives the same
 * bytes.  Relationship ids rId1..rId6 are the fixed parts; hyperlinks and
 * media follow in the order the body meets them. */
#include "docx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../util/utc.h"
#include "../../util/zip.h"

#define REL_NS "http://schemas.openxmlformats.org/package/2006/relationships"
#define OFFDOC_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define CT_WML "application/vnd.openxmlformats-officedocument.wordprocessingml."

/* 1980-01-03: the earliest date a ZIP entry holds in any time zone. */
#define ZIP_EPOCH_MIN 315705600L

static void rel(mc_buf *b, const char *id, const char *type,
                const char *target)
{
	mc_buf_printf(b, "<Relationship Id=\"%s\" Type=\"%s%s\" Target=\"%s\"/>",
	              id, OFFDOC_REL, type, target);
}

static int content_types(const dx *d, mc_buf *b)
{
	(void)d;
	mc_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" "
	               "standalone=\"yes\"?>\n<Types xmlns=\"http://schemas."
	               "openxmlformats.org/package/2006/content-types\">");
	mc_buf_puts(b, "<Default Extension=\"rels\" ContentType=\"application/"
	               "vnd.openxmlformats-package.relationships+xml\"/>"
	               "<Default Extension=\"xml\" ContentType=\"application/"
	               "xml\"/><Default Extension=\"png\" ContentType=\"image/"
	               "png\"/><Default Extension=\"jpeg\" ContentType=\"image/"
	               "jpeg\"/><Default Extension=\"gif\" ContentType=\"image/"
	               "gif\"/>");
	static const char *const parts[][2] = {
		{"/word/document.xml", CT_WML "document.main+xml"},
		{"/word/styles.xml", CT_WML "styles+xml"},
		{"/word/numbering.xml", CT_WML "numbering+xml"},
		{"/word/settings.xml", CT_WML "settings+xml"},
		{"/word/fontTable.xml", CT_WML "fontTable+xml"},
		{"/word/header1.xml", CT_WML "header+xml"},
		{"/word/footer1.xml", CT_WML "footer+xml"},
		{"/docProps/core.xml",
		 "application/vnd.openxmlformats-package.core-properties+xml"},
		{"/docProps/app.xml", "application/vnd.openxmlformats-"
		                      "officedocument.extended-properties+xml"},
	};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		mc_buf_printf(b, "<Override PartName=\"%s\" ContentType=\"%s\"/>",
		              parts[i][0], parts[i][1]);
	mc_buf_puts(b, "</Types>");
	return 0;
}

static int package_rels(mc_buf *b)
{
	mc_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" "
	                 "standalone=\"yes\"?>\n<Relationships xmlns=\"%s\">",
	              REL_NS);
	rel(b, "rId1", "officeDocument", "word/document.xml");
	mc_buf_puts(b, "<Relationship Id=\"rId2\" Type=\"http://schemas."
	               "openxmlformats.org/package/2006/relationships/"
	               "metadata/core-properties\" Target=\"docProps/core.xml\"/>");
	rel(b, "rId3", "extended-properties", "docProps/app.xml");
	mc_buf_puts(b, "</Relationships>");
	return 0;
}

static int document_rels(const dx *d, mc_buf *b)
{
	mc_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" "
	                 "standalone=\"yes\"?>\n<Relationships xmlns=\"%s\">",
	              REL_NS);
	rel(b, "rId1", "styles", "styles.xml");
	rel(b, "rId2", "numbering", "numbering.xml");
	rel(b, "rId3", "settings", "settings.xml");
	rel(b, "rId4", "fontTable", "fontTable.xml");
	rel(b, "rId5", "header", "header1.xml");
	rel(b, "rId6", "footer", "footer1.xml");
	if (d->rels.len)
		mc_buf_put(b, d->rels.data, d->rels.len);
	mc_buf_puts(b, "</Relationships>");
	return 0;
}

/* W3CDTF date, e.g. 2024-05-01T12:00:00Z, into buf (size >= 32). */
static void w3cdtf(int64_t t, char *buf, size_t n)
{
	char d[21];
	mc_utc_iso8601(t, d);
	snprintf(buf, n, "%s", d);
}

/* The document's title for its properties, which screen readers and
 * Word's title bar show: the front matter's, else the first heading's
 * text, else the input file's name without folder and extension (into
 * buf), else "Untitled". */
static const char *doc_title(const dx *d, char *buf, size_t n)
{
	const mc_meta *m = &d->doc->meta;
	if (m->title && *m->title)
		return m->title;
	mc_iter it;
	mc_iter_init(&it, d->doc->root);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE)
		if (ev == MC_EVENT_ENTER && it.cur->type == MC_HEADING) {
			const char *t =
				mc_node_plain_text((mc_doc *)d->doc, it.cur);
			if (t && *t)
				return t;
		}
	const char *src = m->source;
	if (src && *src && strcmp(src, "-") != 0) {
		const char *base = strrchr(src, '/');
		base = base ? base + 1 : src;
		const char *dot = strrchr(base, '.');
		size_t len = dot ? (size_t)(dot - base) : strlen(base);
		if (len > 0) {
			snprintf(buf, n, "%.*s", (int)len, base);
			return buf;
		}
	}
	return "Untitled";
}

static int core(const dx *d, mc_buf *b)
{
	const mc_meta *m = &d->doc->meta;
	char name[256];
	mc_xml xw, *x = &xw;
	mc_xml_init(x, b);
	mc_xml_decl(x);
	mc_xml_open(x, "cp:coreProperties");
	mc_xml_attr(x, "xmlns:cp", "http://schemas.openxmlformats.org/package/2006/metadata/core-properties");
	mc_xml_attr(x, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
	mc_xml_attr(x, "xmlns:dcterms", "http://purl.org/dc/terms/");
	mc_xml_attr(x, "xmlns:dcmitype", "http://purl.org/dc/dcmitype/");
	mc_xml_attr(x, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
	mc_xml_leaf(x, "dc:title", doc_title(d, name, sizeof name));
	const char *subject = m->course.title   ? m->course.title
	                      : m->site.title   ? m->site.title
	                                        : "";
	mc_xml_leaf(x, "dc:subject", subject);
	mc_buf kw = MC_BUF_INIT;
	for (size_t i = 0; i < m->ntags; i++) {
		if (i)
			mc_buf_puts(&kw, ", ");
		mc_buf_puts(&kw, m->tags[i]);
	}
	mc_xml_leaf(x, "cp:keywords", kw.data ? kw.data : "");
	mc_buf_free(&kw);
	/* the language a screen reader reads in: styles.xml's default too */
	mc_xml_leaf(x, "dc:language", m->lang && *m->lang ? m->lang : "en");
	if (m->date > 0) {
		char when[40];
		w3cdtf(m->date, when, sizeof when);
		mc_xml_open(x, "dcterms:created");
		mc_xml_attr(x, "xsi:type", "dcterms:W3CDTF");
		mc_xml_text(x, when);
		mc_xml_close(x);
		mc_xml_open(x, "dcterms:modified");
		mc_xml_attr(x, "xsi:type", "dcterms:W3CDTF");
		mc_xml_text(x, when);
		mc_xml_close(x);
	}
	mc_xml_close(x);
	return mc_xml_finish(x);
}

static int app(mc_buf *b)
{
	mc_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" "
	               "standalone=\"yes\"?>\n<Properties xmlns=\"http://"
	               "schemas.openxmlformats.org/officeDocument/2006/"
	               "extended-properties\"><Application>mentorconv "
	               MC_VERSION "</Application></Properties>");
	return 0;
}

static int settings(const dx *d, mc_buf *b)
{
	mc_xml xw, *x = &xw;
	mc_xml_init(x, b);
	mc_xml_decl(x);
	mc_xml_open(x, "w:settings");
	mc_xml_attr(x, "xmlns:w", W_NS);
	/* legacy form fields only behave as fields in a document protected
	 * for forms: --fields=legacy protects whether or not --protect is
	 * given (--protect also protects content controls) */
	if (d->opts.protect || d->opts.legacy_fields) {
		mc_xml_empty(x, "w:documentProtection",
			     "w:edit", "forms",
			     "w:enforcement", "1",
			     NULL);
	}
	mc_xml_empty(x, "w:defaultTabStop", "w:val", "720", NULL);
	mc_xml_empty(x, "w:characterSpacingControl",
		     "w:val", "doNotCompress",
		     NULL);
	if (d->want_toc) {
		/* Word refreshes the table of contents (pages) on open */
		mc_xml_empty(x, "w:updateFields", "w:val", "true", NULL);
	}
	mc_xml_open(x, "w:compat");
	mc_xml_empty(x, "w:compatSetting",
		     "w:name", "compatibilityMode",
		     "w:uri", "http://schemas.microsoft.com/office/word",
		     "w:val", "15",
		     NULL);
	mc_xml_close(x);
	mc_xml_close(x);
	return mc_xml_finish(x);
}

static int font_table(const dx *d, mc_buf *b)
{
	const char *fams[3] = {d->theme->fonts.body, d->theme->fonts.heading,
	                       d->theme->fonts.mono};
	mc_xml xw, *x = &xw;
	mc_xml_init(x, b);
	mc_xml_decl(x);
	mc_xml_open(x, "w:fonts");
	mc_xml_attr(x, "xmlns:w", W_NS);
	for (int i = 0; i < 3; i++) {
		bool dup = false;
		for (int j = 0; j < i; j++)
			dup = dup || strcmp(fams[i], fams[j]) == 0;
		if (dup)
			continue;
		mc_xml_empty(x, "w:font", "w:name", fams[i], NULL);
	}
	mc_xml_close(x);
	return mc_xml_finish(x);
}

static void fld(mc_xml *x, const char *type)
{
	mc_xml_open(x, "w:r");
	mc_xml_empty(x, "w:fldChar", "w:fldCharType", type, NULL);
	mc_xml_close(x);
}

static void plain_run(mc_xml *x, const char *s, size_t n)
{
	if (!n)
		return;
	mc_xml_open(x, "w:r");
	mc_xml_open(x, "w:t");
	mc_xml_attr(x, "xml:space", "preserve");
	mc_xml_textn(x, s, n);
	mc_xml_close(x);
	mc_xml_close(x);
}

/* A header or footer part from a theme template: {title} is the document
 * title, {page} and {pages} become PAGE and NUMPAGES fields. */
static int running(const dx *d, const char *root, const char *style,
                    const char *tmpl, mc_buf *b)
{
	mc_xml xw, *x = &xw;
	mc_xml_init(x, b);
	mc_xml_decl(x);
	mc_xml_open(x, root);
	mc_xml_attr(x, "xmlns:w", W_NS);
	mc_xml_open(x, "w:p");
	mc_xml_open(x, "w:pPr");
	mc_xml_empty(x, "w:pStyle", "w:val", style, NULL);
	mc_xml_close(x);
	const char *p = tmpl ? tmpl : "";
	while (*p) {
		const char *brace = strchr(p, '{');
		if (!brace) {
			plain_run(x, p, strlen(p));
			break;
		}
		plain_run(x, p, (size_t)(brace - p));
		const char *field = NULL;
		size_t skip = 1;
		if (strncmp(brace, "{title}", 7) == 0) {
			const char *t = d->doc->meta.title ? d->doc->meta.title
			                                   : "";
			plain_run(x, t, strlen(t));
			skip = 7;
		} else if (strncmp(brace, "{pages}", 7) == 0) {
			field = " NUMPAGES ";
			skip = 7;
		} else if (strncmp(brace, "{page}", 6) == 0) {
			field = " PAGE ";
			skip = 6;
		} else {
			plain_run(x, "{", 1);
		}
		if (field) {
			fld(x, "begin");
			mc_xml_open(x, "w:r");
			mc_xml_open(x, "w:instrText");
			mc_xml_attr(x, "xml:space", "preserve");
			mc_xml_text(x, field);
			mc_xml_close(x);
			mc_xml_close(x);
			fld(x, "separate");
			plain_run(x, "1", 1);
			fld(x, "end");
		}
		p = brace + skip;
	}
	mc_xml_close(x);
	mc_xml_close(x);
	return mc_xml_finish(x);
}

static int add(mc_zip *z, const char *name, const mc_buf *b, dx *d)
{
	char err[256];
	if (mc_zip_add(z, name, b->data ? b->data : "", b->len, true, err,
	               sizeof err) != 0) {
		mc_error(d->diag, 0, 0, "cannot write DOCX part %s: %s", name,
		         err);
		return -1;
	}
	return 0;
}

int mc_render_docx(const mc_doc *doc, const mc_theme *theme,
                   const mc_render_opts *opts, mc_buf *out, mc_diag *diag)
{
	dx d;
	memset(&d, 0, sizeof d);
	d.doc = doc;
	d.theme = theme;
	d.diag = diag;
	const char *fields = mc_render_opt(opts, "fields");
	d.opts.protect = mc_render_opt(opts, "protect") != NULL;
	d.opts.legacy_fields = fields && strcmp(fields, "legacy") == 0;
	d.next_rid = 7;
	d.next_field = 1000;
	d.next_docpr = 1;
	d.next_bm = 0;
	d.list_level = -1;
	d.last_heading = doc->meta.title;

	int rc = -1;
	mc_zip *z = NULL;
	mc_buf part = MC_BUF_INIT;
	char err[256];

	if (dx_body(&d) != 0)
		goto done;
	z = mc_zip_new(err, sizeof err);
	if (!z) {
		mc_error(diag, 0, 0, "cannot start the DOCX archive: %s", err);
		goto done;
	}
/* Each part is made into `part`; a part writer that returns non-zero
 * left its XML unbalanced (a bug, reported as such). */
#define PART(name, expr)                                                     \
	do {                                                                 \
		mc_buf_clear(&part);                                         \
		if ((expr) != 0) {                                           \
			mc_error(diag, 0, 0, "internal error: unbalanced "   \
			                     "XML in DOCX part %s", name);   \
			goto done;                                           \
		}                                                            \
		if (add(z, name, &part, &d) != 0)                            \
			goto done;                                           \
	} while (0)
	PART("[Content_Types].xml", content_types(&d, &part));
	PART("_rels/.rels", package_rels(&part));
	PART("docProps/core.xml", core(&d, &part));
	PART("docProps/app.xml", app(&part));
	if (add(z, "word/document.xml", &d.doc_xml, &d) != 0)
		goto done;
	PART("word/_rels/document.xml.rels", document_rels(&d, &part));
	PART("word/styles.xml", dx_styles_xml(&d, &part));
	PART("word/numbering.xml", dx_numbering_xml(&d, &part));
	PART("word/settings.xml", settings(&d, &part));
	PART("word/fontTable.xml", font_table(&d, &part));
	PART("word/header1.xml",
	     running(&d, "w:hdr", "Header", theme->header, &part));
	PART("word/footer1.xml",
	     running(&d, "w:ftr", "Footer", theme->footer, &part));
#undef PART
	for (size_t i = 0; i < d.nmedia; i++) {
		char name[64];
		snprintf(name, sizeof name, "word/media/%s", d.media[i].name);
		char e2[256];
		/* PNG and JPEG are compressed already: store them */
		if (mc_zip_add(z, name, d.media[i].data.data,
		               d.media[i].data.len, false, e2,
		               sizeof e2) != 0) {
			mc_error(diag, 0, 0, "cannot write DOCX part %s: %s",
			         name, e2);
			goto done;
		}
	}
	int64_t when = doc->meta.date;
	if (when < ZIP_EPOCH_MIN)
		when = ZIP_EPOCH_MIN;
	/* zip.c dates the entries in UTC */
	mc_zip *zz = z;
	z = NULL; /* finish frees it either way */
	if (mc_zip_finish(zz, (time_t)when, out, err, sizeof err) != 0) {
		mc_error(diag, 0, 0, "cannot write the DOCX archive: %s", err);
		goto done;
	}
	rc = 0;
done:
	mc_zip_free(z);
	mc_buf_free(&part);
	mc_buf_free(&d.doc_xml);
	mc_buf_free(&d.rels);
	for (size_t i = 0; i < d.nmedia; i++) {
		free((void *)d.media[i].key);
		mc_buf_free(&d.media[i].data);
	}
	free(d.media);
	free(d.nums);
	free(d.marks);
	free(d.toc);
	if (d.x.stack) {
		free(d.x.stack);
		d.x.stack = NULL;
	}
	return rc;
}
