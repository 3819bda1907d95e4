/* epub.c - the EPUB 3 backend: the package around the content documents.
 *
 * The container holds, in this order: `mimetype` (stored, first),
 * META-INF/container.xml, EPUB/package.opf, EPUB/nav.xhtml, the content
 * documents (EPUB/content.xhtml for a single page; EPUB/c001.xhtml ...,
 * one per section, for a module, a course or a worksheet pack),
 * EPUB/style.css and the images.  Everything is a
 * function of the document and the theme: the identifier is a name-based
 * UUID of the page's permalink or path, dates come from doc->meta.date
 * (SOURCE_DATE_EPOCH or the newest input), and the ZIP writer fixes order,
 * dates and attributes, so the same input gives the same bytes. */
#include "../backend.h"
#include "epub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../util/zip.h"

/* The title, never empty: front matter, else the first heading (a
 * section's title counts), else the file's name. */
static const char *book_title(ep_ctx *c)
{
	const char *t = c->doc->meta.title;
	if (t && *t)
		return t;
	for (mc_node *n = c->doc->root->first; n; n = n->next) {
		const mc_node *h = n->type == MC_HEADING ? n
		                   : n->type == MC_SECTION ? n->first
		                                           : NULL;
		if (h && h->type == MC_HEADING) {
			const char *p = ep_plain(c, h);
			if (*p)
				return p;
		}
	}
	const char *src = c->doc->meta.source;
	if (src && *src && strcmp(src, "-") != 0) {
		const char *b = strrchr(src, '/');
		b = b ? b + 1 : src;
		const char *dot = strrchr(b, '.');
		size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
		if (n)
			return ep_printf(c, "%.*s", (int)n, b);
	}
	return "Untitled";
}

/* What names the book for its identifier: the site, then the permalink,
 * else the path below the site root, else the file's name; never a path
 * that depends on the working directory. */
static const char *identity(ep_ctx *c)
{
	const mc_meta *m = &c->doc->meta;
	const char *where = m->permalink;
	if (!where || !*where) {
		const char *src = m->source ? m->source : "";
		size_t rl = m->root ? strlen(m->root) : 0;
		if (rl && strncmp(src, m->root, rl) == 0 && src[rl] == '/')
			where = src + rl;
		else {
			/* a folder's name (a module, a site) without the
			 * slashes it may end with */
			size_t n = strlen(src);
			while (n > 1 && src[n - 1] == '/')
				n--;
			const char *b = src + n;
			while (b > src && b[-1] != '/')
				b--;
			where = ep_printf(c, "%.*s", (int)(n - (size_t)(b - src)), b);
		}
	}
	return ep_printf(c, "mentorconv:%s|%s|%s",
	                 m->site.url ? m->site.url
	                             : m->site.title ? m->site.title : "",
	                 where, c->title);
}

static int container_xml(mc_buf *b)
{
	mc_xml x;
	mc_xml_init(&x, b);
	mc_xml_decl(&x);
	mc_xml_open(&x, "container");
	mc_xml_attr(&x, "version", "1.0");
	mc_xml_attr(&x, "xmlns", "urn:oasis:names:tc:opendocument:xmlns:container");
	mc_xml_open(&x, "rootfiles");
	mc_xml_empty(&x, "rootfile",
		     "full-path", EP_DIR "package.opf",
		     "media-type", "application/oebps-package+xml",
		     NULL);
	mc_xml_close(&x);
	mc_xml_close(&x);
	mc_xml_nl(&x);
	return mc_xml_finish(&x);
}

static void meta(mc_xml *x, const char *property, const char *value)
{
	mc_xml_nl(x);
	mc_xml_open(x, "meta");
	mc_xml_attr(x, "property", property);
	mc_xml_text(x, value);
	mc_xml_close(x);
}

static const char *summary(ep_ctx *c)
{
	mc_buf b = MC_BUF_INIT;
	static const char *const what[] = {
		[MC_DOC_PAGE] = "A course section",
		[MC_DOC_MODULE] = "A course module",
		[MC_DOC_COURSE] = "A course",
		[MC_DOC_WORKSHEETS] = "A pack of course worksheets",
	};
	mc_doc_kind k = c->doc->meta.kind;
	mc_buf_puts(&b, (unsigned)k < sizeof what / sizeof *what && c->sections
	                        ? what[k]
	                        : what[MC_DOC_PAGE]);
	mc_buf_puts(&b, " converted from Markdown. Headings "
	                "and a table of contents give structured navigation; "
	                "the reading order follows the source.");
	if (c->nimg_nodes) {
		size_t alt = c->nimg_nodes - c->nimg_noalt;
		if (!c->nimg_noalt)
			mc_buf_printf(&b, " All %zu images have text alternatives.",
			              c->nimg_nodes);
		else
			mc_buf_printf(&b, " %zu of %zu images have text "
			                  "alternatives.", alt, c->nimg_nodes);
	}
	if (c->nembeds)
		mc_buf_puts(&b, " Videos and interactive pages are not embedded: "
		                "each is a link with its title, provider and "
		                "running time.");
	if (c->nanswers)
		mc_buf_puts(&b, " Worksheet answer spaces are drawn as ruled "
		                "lines for print and are not fillable.");
	if (ep_css_low_contrast(c->theme, c->arena))
		mc_buf_puts(&b, " Some of the theme's text colours fall short "
		                "of the WCAG 2.1 AA contrast minimum.");
	char *r = ep_strdup(c, b.data);
	mc_buf_free(&b);
	return r;
}

static void item(mc_xml *x, const char *id, const char *href,
                 const char *media, const char *props)
{
	mc_xml_nl(x);
	mc_xml_open(x, "item");
	mc_xml_attr(x, "id", id);
	mc_xml_attr(x, "href", href);
	mc_xml_attr(x, "media-type", media);
	if (props)
		mc_xml_attr(x, "properties", props);
	mc_xml_close(x);
}

static int package_opf(ep_ctx *c, mc_buf *b)
{
	const mc_meta *m = &c->doc->meta;
	char uuid[37], date[32];
	ep_uuid5(identity(c), uuid);
	ep_iso_date(m->date, date);

	mc_xml x;
	mc_xml_init(&x, b);
	mc_xml_decl(&x);
	mc_xml_open(&x, "package");
	mc_xml_attr(&x, "xmlns", "http://www.idpf.org/2007/opf");
	mc_xml_attr(&x, "version", "3.0");
	mc_xml_attr(&x, "unique-identifier", "uid");
	mc_xml_attr(&x, "xml:lang", c->lang);
	mc_xml_nl(&x);
	mc_xml_open(&x, "metadata");
	mc_xml_attr(&x, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
	mc_xml_nl(&x);
	mc_xml_open(&x, "dc:identifier");
	mc_xml_attr(&x, "id", "uid");
	mc_xml_text(&x, "urn:uuid:");
	mc_xml_text(&x, uuid);
	mc_xml_close(&x);
	mc_xml_nl(&x);
	mc_xml_leaf(&x, "dc:title", c->title);
	mc_xml_nl(&x);
	mc_xml_leaf(&x, "dc:language", c->lang);
	const char *coll = m->course.title && *m->course.title ? m->course.title
	                                                       : m->site.title;
	if (coll && *coll) {
		mc_xml_nl(&x);
		mc_xml_leaf(&x, "dc:publisher", coll);
	}
	/* front matter the package has a place for */
	static const char *const keys[][2] = {{"author", "dc:creator"},
	                                      {"description", "dc:description"},
	                                      {"license", "dc:rights"}};
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		if (strcmp(keys[k][0], "description") == 0 && m->description &&
		    *m->description) {
			/* a course's own description */
			mc_xml_nl(&x);
			mc_xml_leaf(&x, keys[k][1], m->description);
			continue;
		}
		for (size_t i = 0; i < m->nextra; i++)
			if (strcmp(m->extra[i].key, keys[k][0]) == 0 &&
			    m->extra[i].value && *m->extra[i].value) {
				mc_xml_nl(&x);
				mc_xml_leaf(&x, keys[k][1], m->extra[i].value);
				break;
			}
	}
	meta(&x, "dcterms:modified", date);
	/* EPUB Accessibility 1.1 discovery metadata */
	meta(&x, "schema:accessMode", "textual");
	if (c->nimg_nodes)
		meta(&x, "schema:accessMode", "visual");
	if (!c->nimg_noalt)
		meta(&x, "schema:accessModeSufficient", "textual");
	if (c->nimg_nodes)
		meta(&x, "schema:accessModeSufficient", "textual,visual");
	meta(&x, "schema:accessibilityFeature", "structuralNavigation");
	meta(&x, "schema:accessibilityFeature", "tableOfContents");
	meta(&x, "schema:accessibilityFeature", "readingOrder");
	if (c->nimg_nodes && !c->nimg_noalt)
		meta(&x, "schema:accessibilityFeature", "alternativeText");
	meta(&x, "schema:accessibilityHazard", "none");
	meta(&x, "schema:accessibilitySummary", summary(c));
	/* The claim, only where it holds: the structure is sound by
	 * construction (headings that skip no level, languages marked,
	 * roles matching epub:type, no embedded media, a navigation
	 * document); what depends on the input is whether every picture has
	 * a text alternative and the theme's colours contrast enough.  The
	 * test suite runs Ace by DAISY on the corpus (tests/group_ace.sh). */
	if (!c->nimg_noalt && !ep_css_low_contrast(c->theme, c->arena)) {
		meta(&x, "dcterms:conformsTo",
		     "EPUB Accessibility 1.1 - WCAG 2.1 Level AA");
		meta(&x, "a11y:certifiedBy", "mentorconv");
	}
	mc_xml_nl(&x);
	mc_xml_close(&x); /* metadata */
	mc_xml_nl(&x);

	mc_xml_open(&x, "manifest");
	item(&x, "nav", EP_NAV, "application/xhtml+xml", "nav");
	for (size_t i = 0; i < c->nfiles; i++)
		item(&x, c->files[i].idref, c->files[i].name,
		     "application/xhtml+xml", NULL);
	item(&x, "css", EP_CSS, "text/css", NULL);
	for (size_t i = 0; i < c->nimages; i++) {
		mc_xml_nl(&x);
		mc_xml_open(&x, "item");
		mc_xml_attrf(&x, "id", "img-%zu", i + 1);
		mc_xml_attr(&x, "href", c->images[i].name);
		mc_xml_attr(&x, "media-type", c->images[i].media);
		mc_xml_close(&x);
	}
	mc_xml_nl(&x);
	mc_xml_close(&x);
	mc_xml_nl(&x);
	mc_xml_open(&x, "spine");
	if (c->doc->meta.dir == MC_DIR_RTL)
		mc_xml_attr(&x, "page-progression-direction", "rtl");
	for (size_t i = 0; i < c->nfiles; i++) {
		if (i)
			mc_xml_nl(&x);
		mc_xml_empty(&x, "itemref", "idref", c->files[i].idref, NULL);
	}
	/* in the spine so that the landmarks may point to it; outside the
	 * reading order */
	mc_xml_empty(&x, "itemref", "idref", "nav", "linear", "no", NULL);
	mc_xml_close(&x);
	mc_xml_nl(&x);
	mc_xml_close(&x); /* package */
	mc_xml_nl(&x);
	return mc_xml_finish(&x);
}

static void toc_link(ep_ctx *c, mc_xml *x, size_t file, const char *id,
                     const char *text)
{
	mc_xml_open(x, "a");
	if (id)
		mc_xml_attrf(x, "href", "%s#%s", c->files[file].name, id);
	else
		mc_xml_attr(x, "href", c->files[file].name);
	ep_text(c, x, text);
	mc_xml_close(x);
}

/* The nested table of contents.  A single page: its title, holding its
 * headings (and worksheet titles) nested by level.  A document of
 * sections: its parts, holding their chapters, holding their headings.
 * Levels may skip or go up past the first one; a list item never gets a
 * second <ol>, and no <ol> is empty. */
static void toc(ep_ctx *c, mc_xml *x)
{
	if (c->title_id) {
		mc_xml_open(x, "ol");
		mc_xml_open(x, "li");
		toc_link(c, x, 0, c->title_id, c->title);
	} else if (!c->ntoc) { /* sections always have titles; in case */
		mc_xml_open(x, "ol");
		mc_xml_open(x, "li");
		toc_link(c, x, 0, NULL, c->title);
		mc_xml_close(x);
		mc_xml_close(x);
		return;
	}
	int *lv = mc_xcalloc(c->ntoc + 1, sizeof *lv);
	size_t n = 0; /* open <ol><li> levels below the title */
	for (size_t i = 0; i < c->ntoc; i++) {
		int L = c->toc[i].level;
		bool placed = false;
		while (n > 0 && lv[n - 1] > L) {
			if (n == 1 || lv[n - 2] < L) {
				/* a sibling of the deeper entry, at level L */
				mc_xml_close(x); /* li */
				mc_xml_nl(x);
				mc_xml_open(x, "li");
				lv[n - 1] = L;
				placed = true;
				break;
			}
			mc_xml_close(x); /* li */
			mc_xml_close(x); /* ol */
			n--;
		}
		if (!placed) {
			if (n > 0 && lv[n - 1] == L) {
				mc_xml_close(x);
				mc_xml_nl(x);
				mc_xml_open(x, "li");
			} else {
				if (n > 0 || c->title_id)
					mc_xml_nl(x);
				mc_xml_open(x, "ol");
				mc_xml_open(x, "li");
				lv[n++] = L;
			}
		}
		toc_link(c, x, c->toc[i].file, c->toc[i].id, c->toc[i].text);
	}
	for (; n > 0; n--) {
		mc_xml_close(x);
		mc_xml_close(x);
	}
	free(lv);
	if (c->title_id) {
		mc_xml_close(x); /* li */
		mc_xml_close(x); /* ol */
	}
}

static int nav_xhtml(ep_ctx *c, mc_buf *b)
{
	mc_xml x;
	ep_xhtml_start(c, &x, b);
	mc_xml_leaf(&x, "title", c->title);
	ep_xhtml_body(&x);
	mc_xml_nl(&x);
	mc_xml_open(&x, "nav");
	mc_xml_attr(&x, "epub:type", "toc");
	mc_xml_attr(&x, "id", "toc");
	mc_xml_attr(&x, "role", "doc-toc");
	mc_xml_leaf(&x, "h1", "Contents");
	mc_xml_nl(&x);
	toc(c, &x);
	mc_xml_nl(&x);
	mc_xml_close(&x); /* nav */
	mc_xml_nl(&x);
	mc_xml_open(&x, "nav");
	mc_xml_attr(&x, "epub:type", "landmarks");
	mc_xml_attr(&x, "id", "landmarks");
	mc_xml_attr(&x, "hidden", "hidden");
	mc_xml_leaf(&x, "h2", "Landmarks");
	mc_xml_open(&x, "ol");
	mc_xml_open(&x, "li");
	mc_xml_open(&x, "a");
	mc_xml_attr(&x, "epub:type", "toc");
	mc_xml_attr(&x, "href", "#toc");
	mc_xml_text(&x, "Contents");
	mc_xml_close(&x);
	mc_xml_close(&x);
	mc_xml_open(&x, "li");
	mc_xml_open(&x, "a");
	mc_xml_attr(&x, "epub:type", "bodymatter");
	mc_xml_attr(&x, "href", c->files[0].name);
	ep_text(c, &x, c->title);
	mc_xml_close(&x);
	mc_xml_close(&x);
	mc_xml_close(&x); /* ol */
	mc_xml_close(&x); /* nav */
	mc_xml_nl(&x);
	mc_xml_close(&x); /* body */
	mc_xml_nl(&x);
	mc_xml_close(&x); /* html */
	mc_xml_nl(&x);
	return mc_xml_finish(&x);
}

/* ZIP (DOS) dates run from 1980 to 2107; keep a day clear of both ends
 * whatever the local time zone libzip converts with. */
static time_t zip_time(int64_t t)
{
	const int64_t lo = 315532800 + 86400, hi = 4354819200LL - 86400;
	return (time_t)(t < lo ? lo : t > hi ? hi : t);
}

int mc_render_epub(const mc_doc *doc, const mc_theme *theme,
                   const mc_render_opts *opts, mc_buf *out, mc_diag *diag)
{
	(void)opts; /* takes none */
	ep_ctx c;
	memset(&c, 0, sizeof c);
	c.doc = doc;
	c.theme = theme;
	c.diag = diag;
	c.arena = mc_arena_new();
	mc_hashset_init(&c.used, false);
	mc_hashset_init(&c.anchors, false);
	mc_hashset_init(&c.info, true);
	mc_hashset_init(&c.notes, false);
	mc_hashset_init(&c.imgpath, false);
	mc_hashset_init(&c.idfile, false);

	mc_buf nav = MC_BUF_INIT, opf = MC_BUF_INIT, cont = MC_BUF_INIT,
	       css = MC_BUF_INIT;
	mc_buf *content = NULL; /* one per content file */
	mc_zip *z = NULL;
	char err[256] = "";
	int rc = -1;

	c.title = book_title(&c);
	c.lang = ep_lang(&c, doc->meta.lang);
	if (doc->meta.lang && strcmp(c.lang, doc->meta.lang) != 0 &&
	    strchr(doc->meta.lang, '_') == NULL)
		mc_warn(diag, 1, 0, "language '%s' is not a language tag; the "
		                    "EPUB says 'en'", doc->meta.lang);

	if (ep_prepare(&c) != 0)
		goto done;
	content = mc_xcalloc(c.nfiles, sizeof *content);
	for (size_t i = 0; i < c.nfiles; i++)
		if (ep_content(&c, i, &content[i]) != 0)
			goto done;
	if (nav_xhtml(&c, &nav) != 0 || package_opf(&c, &opf) != 0 ||
	    container_xml(&cont) != 0) {
		mc_error(diag, 0, 0, "EPUB: a package document is not "
		                     "well-formed (an internal error)");
		goto done;
	}
	ep_css(theme, &css);

	static const char mimetype[] = "application/epub+zip";
	if (!(z = mc_zip_new(err, sizeof err)) ||
	    mc_zip_add(z, "mimetype", mimetype, sizeof mimetype - 1, false, err,
	               sizeof err) != 0 ||
	    mc_zip_add(z, "META-INF/container.xml", cont.data, cont.len, true,
	               err, sizeof err) != 0 ||
	    mc_zip_add(z, EP_DIR "package.opf", opf.data, opf.len, true, err,
	               sizeof err) != 0 ||
	    mc_zip_add(z, EP_DIR EP_NAV, nav.data, nav.len, true, err,
	               sizeof err) != 0)
		goto zip_failed;
	for (size_t i = 0; i < c.nfiles; i++)
		if (mc_zip_add(z, ep_printf(&c, EP_DIR "%s", c.files[i].name),
		               content[i].data, content[i].len, true, err,
		               sizeof err) != 0)
			goto zip_failed;
	if (mc_zip_add(z, EP_DIR EP_CSS, css.data, css.len, true, err,
	               sizeof err) != 0)
		goto zip_failed;
	for (size_t i = 0; i < c.nimages; i++) {
		ep_image *im = &c.images[i];
		char *name = ep_printf(&c, EP_DIR "%s", im->name);
		/* PNG, JPEG and GIF are compressed already */
		bool deflate = strcmp(im->media, "image/svg+xml") == 0;
		if (mc_zip_add(z, name, im->data, im->len, deflate, err,
		               sizeof err) != 0)
			goto zip_failed;
	}
	mc_zip *zz = z;
	z = NULL; /* mc_zip_finish frees it, success or not */
	if (mc_zip_finish(zz, zip_time(doc->meta.date), out, err, sizeof err) !=
	    0)
		goto zip_failed;
	rc = 0;
	goto done;
zip_failed:
	mc_error(diag, 0, 0, "EPUB: %s", *err ? err : "cannot make the archive");
done:
	mc_zip_free(z);
	for (size_t i = 0; i < c.nimages; i++)
		free(c.images[i].data);
	free(c.images);
	free(c.toc);
	mc_hashset_free(&c.used);
	mc_hashset_free(&c.anchors);
	mc_hashset_free(&c.info);
	mc_hashset_free(&c.notes);
	mc_hashset_free(&c.imgpath);
	mc_hashset_free(&c.idfile);
	if (content)
		for (size_t i = 0; i < c.nfiles; i++)
			mc_buf_free(&content[i]);
	free(content);
	free(c.files);
	mc_buf_free(&nav);
	mc_buf_free(&opf);
	mc_buf_free(&cont);
	mc_buf_free(&css);
	mc_arena_free(c.arena);
	return rc;
}
