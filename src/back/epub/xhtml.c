/* xhtml.c - the EPUB content documents: a pre-pass that settles the
 * files, ids, the table of contents, images and footnotes, then one walk
 * per file that writes XHTML5 through the shared XML writer.
 *
 * A single page is one file.  A document built from several inputs (it
 * holds MC_SECTION) is split: a part's heading and intro, each chapter
 * and each worksheet get a file of their own, named c001.xhtml, c002.xhtml
 * ... in reading order, and so does a run of blocks outside any section.
 * A footnote's body ends the file of its first reference (notes never
 * referenced end the last file); links and note references to another
 * file name it.
 *
 * The walk is driven by mc_iter's enter/exit events, never by recursion,
 * so a pathologically deep tree cannot exhaust the C stack; the XML writer
 * keeps the stack of open elements.  Every decision taken on ENTER that
 * EXIT must know again is a pure function of the node (or is read back
 * from the writer's stack), so the two always agree. */
#include "epub.h"
#include "../../util/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds on drawn answer lines and blank widths, whatever the input says. */
#define EP_MAX_LINES 40
#define EP_MAX_BLANK 40

static const ep_info no_info;

ep_info *ep_info_of(ep_ctx *c, const mc_node *n)
{
	ep_info *i = mc_hashset_get(&c->info, n);
	if (!i) {
		i = mc_arena_alloc(c->arena, sizeof *i);
		mc_hashset_put(&c->info, n, i);
	}
	return i;
}

static const ep_info *info(const ep_ctx *c, const mc_node *n)
{
	const ep_info *i = mc_hashset_get(&c->info, n);
	return i ? i : &no_info;
}

/* ---- images ---- */

/* A self-contained SVG image: XML text with an <svg root, refused when
 * it could run script or load something from the network (an EPUB may
 * not). */
static bool svg_ok(const unsigned char *p, size_t n)
{
	size_t k = n < 4096 ? n : 4096;
	bool svg = false;
	for (size_t i = 0; i + 4 <= k; i++)
		if (memcmp(p + i, "<svg", 4) == 0) {
			svg = true;
			break;
		}
	if (!svg || memchr(p, '\0', n))
		return false;
	size_t i = 0;
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
		i++;
	if (i >= n || p[i] != '<')
		return false;
	static const char *const bad[] = {"<script", "<foreignObject",
	                                  "href=\"http", "href='http",
	                                  "url(http", "<!ENTITY", NULL};
	for (size_t b = 0; bad[b]; b++) {
		size_t bl = strlen(bad[b]);
		for (size_t j = 0; j + bl <= n; j++)
			if (memcmp(p + j, bad[b], bl) == 0)
				return false;
	}
	return true;
}

/* Read an image into the book once per path.  Returns its index + 1, or 0
 * (after a warning) when it cannot be used. */
static int load_image(ep_ctx *c, const mc_node *n)
{
	const char *path = n->as.image.path;
	uintptr_t have = (uintptr_t)mc_hashset_get(&c->imgpath, path);
	if (have)
		return (int)have;
	mc_buf data = MC_BUF_INIT;
	mc_image_why why;
	mc_image_info inf;
	const char *ext = NULL, *media = NULL;
	if (mc_image_load(path, &data, &inf, &why) == 0) {
		ext = inf.ext;
		media = inf.media;
	} else if (data.len && !inf.kind &&
	           svg_ok((const unsigned char *)data.data, data.len)) {
		ext = "svg";
		media = "image/svg+xml";
	} else if (data.len && !inf.kind) {
		snprintf(why.text, sizeof why.text,
		         "not a PNG, JPEG, GIF or self-contained SVG image");
	}
	if (!media) {
		mc_buf_free(&data);
		mc_warn(c->diag, n->line, n->col,
		        "image \"%s\" cannot be used (%s); its alt text is "
		        "shown instead",
		        n->as.image.src, why.text);
		return 0;
	}
	MC_GROW(c->images, c->nimages, c->capimages, 8);
	ep_image *im = &c->images[c->nimages++];
	im->path = path;
	im->name = ep_printf(c, "images/img-%zu.%s", c->nimages, ext);
	im->media = media;
	im->len = data.len;
	im->data = mc_buf_detach(&data, NULL);
	mc_hashset_put(&c->imgpath, path, (void *)(uintptr_t)c->nimages);
	return (int)c->nimages;
}

/* ---- pre-pass ---- */

static void add_toc(ep_ctx *c, int level, const char *id, const char *text)
{
	MC_GROW(c->toc, c->ntoc, c->captoc, 16);
	c->toc[c->ntoc++] = (ep_toc){level, c->cur_file, id, text};
}

/* ---- files ---- */

static size_t add_file(ep_ctx *c, size_t *cap, const mc_node *part,
                       const mc_node *first, const mc_node *last,
                       const mc_node *titled)
{
	if (c->nfiles == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		c->files = mc_xrealloc(c->files, *cap * sizeof *c->files);
	}
	size_t k = c->nfiles++;
	ep_file *f = &c->files[k];
	f->idref = ep_printf(c, "c%03zu", k + 1);
	f->name = ep_printf(c, "%s.xhtml", f->idref);
	f->part = part;
	f->first = first;
	f->last = last;
	f->title = c->title;
	if (titled && titled->first && titled->first->type == MC_HEADING) {
		const char *t = ep_plain(c, titled->first);
		if (*t)
			f->title = t;
	}
	return k;
}

static bool loose(const mc_node *n)
{
	return n->type != MC_SECTION && n->type != MC_FOOTNOTE_DEF;
}

/* Files for the siblings from n on: a part (only where parts may be,
 * `top`) gives a file for its heading and intro, then files for what
 * follows them; any other section one file; a run of other blocks one
 * file.  Footnote bodies are placed later.  starts maps the node where
 * each file begins to its index + 1. */
static void plan_files(ep_ctx *c, size_t *cap, mc_hashset *starts,
                       const mc_node *n, bool top)
{
	while (n) {
		if (n->type == MC_FOOTNOTE_DEF) {
			n = n->next;
			continue;
		}
		if (n->type == MC_SECTION && top &&
		    n->as.section.kind == MC_SECTION_PART) {
			const mc_node *k = n->first, *last = NULL;
			for (; k && k->type != MC_SECTION; k = k->next)
				last = k;
			size_t f = add_file(c, cap, n, last ? n->first : NULL,
			                    last, n);
			mc_hashset_put(starts, n, (void *)(uintptr_t)(f + 1));
			plan_files(c, cap, starts, k, false);
			n = n->next;
			continue;
		}
		if (n->type == MC_SECTION) {
			size_t f = add_file(c, cap, NULL, n, n, n);
			mc_hashset_put(starts, n, (void *)(uintptr_t)(f + 1));
			n = n->next;
			continue;
		}
		const mc_node *last = n;
		while (last->next && loose(last->next))
			last = last->next;
		size_t f = add_file(c, cap, NULL, n, last, NULL);
		mc_hashset_put(starts, n, (void *)(uintptr_t)(f + 1));
		n = last->next;
	}
}

/* The content files: one for a single page, else one per section. */
static void make_files(ep_ctx *c, mc_hashset *starts)
{
	size_t cap = 0;
	for (const mc_node *n = c->doc->root->first; n; n = n->next)
		if (n->type == MC_SECTION)
			c->sections = true;
	if (c->sections) {
		plan_files(c, &cap, starts, c->doc->root->first, true);
		if (c->nfiles)
			return;
	}
	c->sections = false;
	c->files = mc_xmalloc(sizeof *c->files);
	c->nfiles = 1;
	c->files[0] = (ep_file){EP_CONTENT, "content", c->title, NULL,
	                        c->doc->root->first, c->doc->root->last};
}

/* Whether the node's id can be written on an element of its own. */
static bool takes_id(mc_node_type t)
{
	switch (t) {
	case MC_DOCUMENT:
	case MC_TEXT:
	case MC_SOFTBREAK:
	case MC_FOOTNOTE_DEF:
	case MC_FOOTNOTE_REF:
		return false;
	default:
		return true;
	}
}

int ep_prepare(ep_ctx *c)
{
	const mc_doc *doc = c->doc;
	/* footnote bodies, by label (the first of a label wins) */
	size_t nref = 0, capref = 0;
	const mc_node **refs = NULL;
	for (mc_node *n = doc->root->first; n; n = n->next) {
		if (n->type != MC_FOOTNOTE_DEF || !n->as.footnote.label ||
		    mc_hashset_get(&c->notes, n->as.footnote.label))
			continue;
		ep_note *note = mc_arena_alloc(c->arena, sizeof *note);
		note->def = n;
		mc_hashset_put(&c->notes, n->as.footnote.label, note);
	}

	mc_hashset starts, firstref;
	mc_hashset_init(&starts, true);   /* node starting a file -> index + 1 */
	mc_hashset_init(&firstref, false); /* note label -> file + 1 of its first
	                                  reference */
	make_files(c, &starts);

	int last_level = 1; /* the title is the h1 */
	int depth = 0;      /* sections around the node */
	const char *last_text = NULL;
	mc_iter it;
	mc_iter_init(&it, doc->root);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		const mc_node *n = it.cur;
		if (n->type == MC_SECTION)
			depth += ev == MC_EVENT_ENTER ? 1 : ev == MC_EVENT_EXIT ? -1 : 0;
		if (ev != MC_EVENT_ENTER)
			continue;
		if (c->sections) {
			uintptr_t f = (uintptr_t)mc_hashset_get(&starts, n);
			if (f)
				c->cur_file = f - 1;
			if (n->type == MC_FOOTNOTE_DEF && n->parent == doc->root) {
				/* the file of its first reference, else the last */
				uintptr_t r = n->as.footnote.label
				                      ? (uintptr_t)mc_hashset_get(
				                                &firstref,
				                                n->as.footnote.label)
				                      : 0;
				c->cur_file = r ? r - 1 : c->nfiles - 1;
				ep_info_of(c, n)->file = c->cur_file;
			}
		}
		if (n->id && *n->id && takes_id(n->type)) {
			ep_info *i = ep_info_of(c, n);
			i->id = ep_unique_id(c, n->id);
			ep_id_in_file(c, i->id, c->cur_file);
			if (!mc_hashset_get(&c->anchors, n->id))
				mc_hashset_put(&c->anchors, n->id, (void *)i->id);
		}
		switch (n->type) {
		case MC_HEADING:
		case MC_CALLOUT_TITLE: {
			ep_info *i = ep_info_of(c, n);
			/* a callout title keeps the level it was written
			 * with; a title made some other way nests under the
			 * last heading */
			int lv = n->as.heading.level;
			if (n->type == MC_CALLOUT_TITLE && lv < 1)
				lv = last_level < 6 ? last_level + 1 : 6;
			lv = lv < 1 ? 1 : lv > 6 ? 6 : lv;
			if (n->type == MC_HEADING)
				last_level = lv;
			i->level = lv;
			if (!i->id) {
				i->id = ep_unique_id(c, n->type == MC_HEADING ? "section"
				                                              : "box");
				ep_id_in_file(c, i->id, c->cur_file);
			}
			const char *t = ep_plain(c, n);
			if (*t)
				last_text = t;
			/* in the table of contents a section's title is at its
			 * depth, and what the section holds below it */
			int tl = lv;
			if (n->type == MC_HEADING && n->parent &&
			    n->parent->type == MC_SECTION && n->parent->first == n)
				tl = depth;
			else if (tl <= depth)
				tl = depth + 1;
			add_toc(c, tl, i->id, *t ? t : "(untitled)");
			break;
		}
		case MC_EMBED: {
			const char *t = n->as.embed.title;
			ep_info_of(c, n)->title =
				t && *t ? t : last_text ? last_text : c->title;
			c->nembeds++;
			break;
		}
		case MC_IMAGE:
		case MC_FIGURE:
		{
			bool noalt = !n->as.image.alt || !*n->as.image.alt;
			if (noalt)
				mc_warn(c->diag, n->line, n->col,
				        "image %s has no alt text (an accessibility "
				        "problem)", n->as.image.src);
			if (n->as.image.path &&
			    (ep_info_of(c, n)->image = load_image(c, n)) != 0) {
				/* only pictures in the book count for the
				 * accessibility metadata: the others are shown
				 * as text */
				c->nimg_nodes++;
				c->nimg_noalt += noalt;
			}
			break;
		}
		case MC_TABLE_ROW: {
			bool head = n->as.row.header &&
			            (!n->prev || info(c, n->prev)->thead);
			if (head)
				ep_info_of(c, n)->thead = true;
			break;
		}
		case MC_ANSWER:
			c->nanswers++;
			break;
		case MC_FOOTNOTE_REF:
			if (n->as.footnote.label &&
			    mc_hashset_get(&c->notes, n->as.footnote.label)) {
				MC_GROW(refs, nref, capref, 16);
				refs[nref++] = n;
				ep_info_of(c, n)->file = c->cur_file;
				if (!mc_hashset_get(&firstref, n->as.footnote.label))
					mc_hashset_put(&firstref, n->as.footnote.label,
					           (void *)(uintptr_t)(c->cur_file + 1));
			}
			break;
		default:
			break;
		}
	}

	mc_hashset_free(&starts);
	mc_hashset_free(&firstref);

	/* generated ids come after the document's own, which keep theirs; a
	 * document of sections has no title heading of its own (each file
	 * starts with its section's) */
	if (!c->sections) {
		c->title_id = ep_unique_id(c, "title");
		ep_id_in_file(c, c->title_id, 0);
	}
	int seq = 0;
	for (mc_node *n = doc->root->first; n; n = n->next) {
		if (n->type != MC_FOOTNOTE_DEF)
			continue;
		seq++;
		ep_note *note = mc_hashset_get(&c->notes, n->as.footnote.label
		                                          ? n->as.footnote.label
		                                          : "");
		ep_info *i = ep_info_of(c, n);
		i->fn = n->as.footnote.number > 0 ? n->as.footnote.number : seq;
		i->id = ep_unique_id(c, ep_printf(c, "fn-%d", i->fn));
		ep_id_in_file(c, i->id, i->file);
		if (note && note->def == n)
			note->id = i->id;
		c->nnotes++;
	}
	for (size_t k = 0; k < nref; k++) {
		const mc_node *n = refs[k];
		ep_note *note = mc_hashset_get(&c->notes, n->as.footnote.label);
		ep_info *ndef = ep_info_of(c, note->def);
		ep_info *i = ep_info_of(c, n);
		i->fn = ndef->fn;
		i->fn_seq = ++ndef->fn_seq;
		i->id = ep_unique_id(c, i->fn_seq == 1
		                            ? ep_printf(c, "fnref-%d", i->fn)
		                            : ep_printf(c, "fnref-%d-%d", i->fn,
		                                        i->fn_seq));
		ep_id_in_file(c, i->id, i->file);
		if (!note->backid)
			note->backid = i->id;
	}
	free(refs);
	return 0;
}

/* ---- the walk ---- */

typedef struct walk {
	ep_ctx *c;
	mc_xml *x;
	int in_link; /* open <a> elements */
	bool notes;  /* footnote bodies are written one file at a time: the
	                caller opens and closes their <section> */
} walk;

static const char *const hname[6] = {"h1", "h2", "h3", "h4", "h5", "h6"};

/* The element name of a heading or callout title (h1..h6). */
static const char *heading_name(const ep_ctx *c, const mc_node *n)
{
	int lv = info(c, n)->level;
	return hname[lv < 1 ? 1 : lv > 6 ? 5 : lv - 1];
}

/* Whether n's own language differs from its parent's. */
static bool own_lang(const ep_ctx *c, const mc_node *n)
{
	return n->lang &&
	       !mc_lang_same(n->lang, mc_node_lang(c->doc, n->parent));
}

/* Whether n's own direction differs from its parent's. */
static bool own_dir(const ep_ctx *c, const mc_node *n)
{
	return n->dir != MC_DIR_NONE &&
	       n->dir != mc_node_dir(c->doc, n->parent);
}

/* The element's id, and its lang and dir where they differ from the
 * parent's (every element of a node gets them through here). */
static void put_id(walk *w, const mc_node *n)
{
	const char *id = info(w->c, n)->id;
	if (id)
		mc_xml_attr(w->x, "id", id);
	if (own_lang(w->c, n)) {
		mc_xml_attr(w->x, "lang", n->lang);
		mc_xml_attr(w->x, "xml:lang", n->lang);
	}
	if (own_dir(w->c, n))
		mc_xml_attr(w->x, "dir", mc_dir_name(n->dir));
}

/* A paragraph written without <p>: the first one of an item of a tight
 * list, or the only one in a table cell, as HTML renderers do (unless it
 * needs an element for its id). */
static bool unwrapped(const ep_ctx *c, const mc_node *n)
{
	const mc_node *item = n->parent;
	if (own_lang(c, n) || own_dir(c, n))
		return false; /* its element says so */
	if (item && item->type == MC_TABLE_CELL && item->first == n && !n->next)
		return !info(c, n)->id; /* a cell's only paragraph */
	return item && item->type == MC_ITEM && item->first == n &&
	       !item->as.item.prompt && item->parent &&
	       item->parent->type == MC_LIST && item->parent->as.list.tight &&
	       !info(c, n)->id;
}

static void checkbox(walk *w, bool checked)
{
	mc_xml_open(w->x, "span");
	mc_xml_attr(w->x, "class", checked ? "checkbox checked" : "checkbox");
	mc_xml_text(w->x, checked ? "\xE2\x98\x91" : "\xE2\x98\x90"); /* ☑ ☐ */
	mc_xml_close(w->x);
	mc_xml_text(w->x, " ");
}

static void image(walk *w, const mc_node *n, bool block)
{
	ep_ctx *c = w->c;
	const mc_image *im = &n->as.image;
	int k = info(c, n)->image;
	if (!k) {
		/* remote, missing or unusable: the alt text in a frame */
		mc_xml_open(w->x, "span");
		mc_xml_attr(w->x, "class", block ? "image-missing block"
		                                 : "image-missing");
		ep_text(c, w->x, *im->alt ? im->alt : im->src);
		mc_xml_close(w->x);
		return;
	}
	mc_xml_open(w->x, "img");
	mc_xml_attr(w->x, "src", c->images[k - 1].name);
	ep_attr(c, w->x, "alt", im->alt);
	if (im->title && *im->title)
		ep_attr(c, w->x, "title", im->title);
	if (im->width > 0)
		mc_xml_attrf(w->x, "width", "%d", im->width);
	if (im->height > 0 && im->width <= 0)
		mc_xml_attrf(w->x, "height", "%d", im->height);
	mc_xml_close(w->x);
}

static void answer(walk *w, const mc_node *n)
{
	ep_ctx *c = w->c;
	mc_xml *x = w->x;
	mc_xml_open(x, "div");
	if (n->as.answer.kind == MC_ANSWER_CHECKBOX) {
		mc_xml_attr(x, "class", "answer answer-checkbox");
		put_id(w, n);
		checkbox(w, n->as.answer.checked);
		mc_xml_close(x);
		return;
	}
	int lines = 1;
	if (n->as.answer.kind == MC_ANSWER_LINES)
		lines = n->as.answer.lines > 0 ? n->as.answer.lines
		                               : c->theme->answer.lines;
	if (lines < 1)
		lines = 1;
	if (lines > EP_MAX_LINES)
		lines = EP_MAX_LINES;
	mc_xml_attr(x, "class", lines == 1 ? "answer answer-line"
	                                   : "answer answer-lines");
	put_id(w, n);
	mc_xml_attr(x, "title", "Answer space");
	for (int i = 0; i < lines; i++) {
		mc_xml_empty(x, "div", "class", "rule", NULL);
	}
	mc_xml_close(x);
}

/* Seconds as m:ss or h:mm:ss. */
static const char *clock_time(ep_ctx *c, int t)
{
	if (t >= 3600)
		return ep_printf(c, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
	return ep_printf(c, "%d:%02d", t / 60, t % 60);
}

static void embed(walk *w, const mc_node *n)
{
	ep_ctx *c = w->c;
	mc_xml *x = w->x;
	const char *label = mc_theme_embed_label(c->theme, n->as.embed.kind);
	mc_xml_open(x, "p");
	mc_xml_attr(x, "class", "embed-kind");
	ep_text(c, x, label);
	if (n->as.embed.duration && *n->as.embed.duration) {
		mc_xml_text(x, *label ? " \xC2\xB7 " : ""); /* middle dot */
		mc_xml_open(x, "span");
		mc_xml_attr(x, "class", "embed-duration");
		ep_text(c, x, n->as.embed.duration);
		mc_xml_close(x);
	}
	int st = n->as.embed.start, en = n->as.embed.end;
	if (st > 0 || en > 0) { /* the part to watch: "1:15–3:20" */
		mc_xml_text(x, " \xC2\xB7 ");
		mc_xml_open(x, "span");
		mc_xml_attr(x, "class", "embed-segment");
		mc_xml_text(x, clock_time(c, st < 0 ? 0 : st));
		mc_xml_text(x, "\xE2\x80\x93"); /* en dash */
		if (en > 0)
			mc_xml_text(x, clock_time(c, en));
		mc_xml_close(x);
	}
	mc_xml_close(x);
	mc_xml_open(x, "p");
	mc_xml_attr(x, "class", "embed-title");
	ep_text(c, x, info(c, n)->title);
	mc_xml_close(x);
	const char *url = n->as.embed.watch_url && *n->as.embed.watch_url
	                          ? n->as.embed.watch_url
	                          : n->as.embed.url;
	const char *href = ep_href(c, url);
	mc_xml_open(x, "p");
	mc_xml_attr(x, "class", "embed-link");
	if (n->as.embed.provider && *n->as.embed.provider) {
		mc_xml_open(x, "span");
		mc_xml_attr(x, "class", "embed-provider");
		ep_text(c, x, n->as.embed.provider);
		mc_xml_close(x);
		mc_xml_text(x, ": ");
	}
	if (href) {
		mc_xml_open(x, "a");
		mc_xml_attr(x, "href", href);
		ep_text(c, x, url);
		mc_xml_close(x);
	} else {
		ep_text(c, x, url);
	}
	mc_xml_close(x);
}

static void enter(walk *w, const mc_node *n)
{
	ep_ctx *c = w->c;
	mc_xml *x = w->x;
	const mc_node *p = n->parent;
	switch (n->type) {
	case MC_DOCUMENT:
		break;
	case MC_HEADING:
		mc_xml_open(x, heading_name(c, n));
		put_id(w, n);
		break;
	case MC_CALLOUT_TITLE:
		mc_xml_open(x, heading_name(c, n));
		mc_xml_attr(x, "class", "callout-title");
		put_id(w, n);
		break;
	case MC_PARAGRAPH:
		if (!unwrapped(c, n)) {
			mc_xml_open(x, "p");
			if (p && p->type == MC_ITEM && p->as.item.prompt && p->first == n)
				mc_xml_attr(x, "class", "prompt");
			put_id(w, n);
		}
		if (p && p->type == MC_ITEM && p->first == n &&
		    p->as.item.task != MC_TASK_NONE)
			checkbox(w, p->as.item.task == MC_TASK_DONE);
		break;
	case MC_LIST:
		mc_xml_open(x, n->as.list.ordered ? "ol" : "ul");
		put_id(w, n);
		if (n->as.list.ordered && n->as.list.start != 1)
			mc_xml_attrf(x, "start", "%d", n->as.list.start);
		break;
	case MC_ITEM:
		mc_xml_open(x, "li");
		if (n->as.item.task != MC_TASK_NONE)
			mc_xml_attr(x, "class", "task");
		else if (n->as.item.prompt)
			mc_xml_attr(x, "class", "prompt");
		put_id(w, n);
		if (n->as.item.task != MC_TASK_NONE &&
		    (!n->first || n->first->type != MC_PARAGRAPH))
			checkbox(w, n->as.item.task == MC_TASK_DONE);
		break;
	case MC_BLOCKQUOTE:
		if (n->last && n->last->type == MC_ATTRIBUTION) {
			mc_xml_open(x, "figure");
			mc_xml_attr(x, "class", "quote");
			put_id(w, n);
			mc_xml_open(x, "blockquote");
		} else {
			mc_xml_open(x, "blockquote");
			put_id(w, n);
		}
		break;
	case MC_ATTRIBUTION:
		mc_xml_close(x); /* the blockquote; the figure stays open */
		mc_xml_open(x, "figcaption");
		mc_xml_attr(x, "class", "attribution");
		put_id(w, n);
		mc_xml_text(x, "\xE2\x80\x94 "); /* em dash */
		break;
	case MC_CODE_BLOCK: {
		mc_xml_open(x, "pre");
		put_id(w, n);
		mc_xml_open(x, "code");
		const char *info_s = n->as.code.info;
		if (info_s && *info_s) {
			size_t k = 0;
			while (info_s[k] && info_s[k] != ' ' && info_s[k] != '\t' &&
			       info_s[k] != '{')
				k++;
			if (k)
				ep_attr(c, x, "class",
				        ep_printf(c, "language-%.*s", (int)k, info_s));
		}
		ep_text(c, x, n->as.code.text);
		mc_xml_close(x);
		mc_xml_close(x);
		break;
	}
	case MC_THEMATIC_BREAK:
		mc_xml_open(x, "hr");
		put_id(w, n);
		mc_xml_close(x);
		break;
	case MC_TABLE:
		mc_xml_open(x, "table");
		put_id(w, n);
		break;
	case MC_TABLE_ROW: {
		bool head = info(c, n)->thead;
		if (!n->prev || info(c, n->prev)->thead != head)
			mc_xml_open(x, head ? "thead" : "tbody");
		mc_xml_open(x, "tr");
		put_id(w, n);
		break;
	}
	case MC_TABLE_CELL: {
		bool head = p && info(c, p)->thead;
		mc_xml_open(x, n->as.cell.header || head ? "th" : "td");
		put_id(w, n);
		if (head)
			mc_xml_attr(x, "scope", "col");
		if (n->as.cell.colspan > 1)
			mc_xml_attrf(x, "colspan", "%d", n->as.cell.colspan);
		if (n->as.cell.rowspan > 1)
			mc_xml_attrf(x, "rowspan", "%d", n->as.cell.rowspan);
		if (n->as.cell.align != MC_ALIGN_NONE)
			mc_xml_attrf(x, "class", "align-%s",
			             mc_align_name(n->as.cell.align));
		break;
	}
	case MC_FIGURE: {
		mc_xml_open(x, "figure");
		mc_xml_attr(x, "class", "image");
		put_id(w, n);
		const char *href = w->in_link ? NULL : ep_href(c, n->as.image.href);
		if (href) {
			mc_xml_open(x, "a");
			mc_xml_attr(x, "href", href);
		}
		image(w, n, true);
		if (href)
			mc_xml_close(x);
		break;
	}
	case MC_CAPTION:
		if (p && p->type == MC_EMBED) {
			mc_xml_open(x, "p");
			mc_xml_attr(x, "class", "embed-note");
		} else {
			mc_xml_open(x, "figcaption");
		}
		put_id(w, n);
		break;
	case MC_CALLOUT: {
		mc_callout_kind k = n->as.callout.kind;
		const mc_callout_style *st =
			mc_theme_callout(c->theme, k, n->as.callout.variant);
		mc_xml_open(x, "aside");
		if (k == MC_CALLOUT_HIGHLIGHT) {
			int v = n->as.callout.variant;
			v = v < 1 || v > MC_THEME_HIGHLIGHTS ? 1 : v;
			mc_xml_attrf(x, "class", "callout highlight highlight%d", v);
		} else if ((unsigned)k < MC_CALLOUT_KIND__MAX) {
			mc_xml_attrf(x, "class", "callout %s", mc_callout_kind_name(k));
		} else {
			mc_xml_attr(x, "class", "callout info");
		}
		/* a note beside the text, not a landmark: in a part or a
		 * chapter (role doc-part/doc-chapter) an <aside> would be a
		 * complementary landmark, and a page's many of them would
		 * have no names that tell them apart */
		mc_xml_attr(x, "role", "note");
		put_id(w, n);
		if (st->label && *st->label) {
			mc_xml_open(x, "p");
			mc_xml_attr(x, "class", "callout-label");
			ep_text(c, x, st->label);
			mc_xml_close(x);
		}
		break;
	}
	case MC_EMBED:
		mc_xml_open(x, "div");
		mc_xml_attrf(x, "class", "embed embed-%s",
		             (unsigned)n->as.embed.kind < MC_EMBED_KIND__MAX
		                     ? mc_embed_kind_name(n->as.embed.kind)
		                     : "video");
		put_id(w, n);
		embed(w, n);
		break;
	case MC_SECTION:
		mc_xml_open(x, "section");
		/* the ARIA role that matches the epub:type, for assistive
		 * technology (Ace: epub-type-has-matching-role) */
		if (n->as.section.kind == MC_SECTION_PART) {
			mc_xml_attr(x, "epub:type", "part");
			mc_xml_attr(x, "role", "doc-part");
		} else {
			mc_xml_attr(x, "epub:type", "chapter");
			mc_xml_attr(x, "role", "doc-chapter");
		}
		mc_xml_attr(x, "class", mc_section_kind_name(n->as.section.kind));
		put_id(w, n);
		break;
	case MC_DEFLIST:
	case MC_DEFTERM:
	case MC_DEFDESC:
		mc_xml_open(x, n->type == MC_DEFLIST ? "dl"
		               : n->type == MC_DEFTERM ? "dt" : "dd");
		put_id(w, n);
		break;
	case MC_DETAILS:
		mc_xml_open(x, "details");
		mc_xml_attr(x, "open", "open"); /* a book shows it all */
		put_id(w, n);
		break;
	case MC_SUMMARY:
		mc_xml_open(x, "summary");
		put_id(w, n);
		break;
	case MC_ANSWER:
		answer(w, n);
		break;
	case MC_FOOTNOTE_DEF: {
		if (!w->notes && (!n->prev || n->prev->type != MC_FOOTNOTE_DEF)) {
			mc_xml_open(x, "section");
			mc_xml_attr(x, "class", "footnotes");
		}
		const ep_info *i = info(c, n);
		mc_xml_open(x, "aside");
		mc_xml_attr(x, "epub:type", "footnote");
		mc_xml_attr(x, "role", "doc-footnote");
		mc_xml_attr(x, "class", "footnote");
		mc_xml_attr(x, "id", i->id);
		ep_note *note = n->as.footnote.label
		                        ? mc_hashset_get(&c->notes, n->as.footnote.label)
		                        : NULL;
		mc_xml_open(x, "p");
		mc_xml_attr(x, "class", "footnote-number");
		if (note && note->def == n && note->backid) {
			mc_xml_open(x, "a");
			mc_xml_attr(x, "href", ep_id_href(c, note->backid));
			mc_xml_attrf(x, "title", "Back to the text");
			mc_xml_attrf(x, "role", "doc-backlink");
			mc_xml_text(x, ep_printf(c, "%d", i->fn));
			mc_xml_close(x);
		} else {
			mc_xml_text(x, ep_printf(c, "%d", i->fn));
		}
		mc_xml_close(x);
		break;
	}
	case MC_TEXT:
		ep_text(c, x, n->as.text.text);
		break;
	case MC_CODE:
		mc_xml_open(x, "code");
		put_id(w, n);
		ep_text(c, x, n->as.text.text);
		mc_xml_close(x);
		break;
	case MC_EMPH:
	case MC_STRONG:
	case MC_STRIKE:
	case MC_SUP:
	case MC_SUB:
		mc_xml_open(x, n->type == MC_EMPH     ? "em"
		               : n->type == MC_STRONG ? "strong"
		               : n->type == MC_STRIKE ? "s"
		               : n->type == MC_SUP    ? "sup"
		                                      : "sub");
		put_id(w, n);
		break;
	case MC_SPAN:
		if (n->as.span.title) { /* an abbreviation */
			mc_xml_open(x, "abbr");
			if (*n->as.span.title)
				ep_attr(c, x, "title", n->as.span.title);
		} else {
			mc_xml_open(x, "span");
		}
		put_id(w, n);
		break;
	case MC_LINK: {
		const char *href = w->in_link ? NULL : ep_href(c, n->as.link.url);
		if (href) {
			mc_xml_open(x, "a");
			mc_xml_attr(x, "href", href);
			if (n->as.link.title && *n->as.link.title)
				ep_attr(c, x, "title", n->as.link.title);
			w->in_link++;
		} else {
			/* a link that would not resolve in the book: its text */
			mc_xml_open(x, "span");
			mc_xml_attr(x, "class", "link");
		}
		put_id(w, n);
		break;
	}
	case MC_IMAGE:
		image(w, n, false);
		break;
	case MC_LINEBREAK:
		mc_xml_open(x, "br");
		mc_xml_close(x);
		break;
	case MC_SOFTBREAK:
		mc_xml_text(x, "\n");
		break;
	case MC_BLANK: {
		int wd = n->as.blank.width;
		wd = wd < 3 ? 3 : wd > EP_MAX_BLANK ? EP_MAX_BLANK : wd;
		mc_xml_open(x, "span");
		mc_xml_attr(x, "class", "blank");
		mc_xml_attr(x, "title", "blank");
		for (int i = 0; i < wd; i++)
			mc_xml_text(x, "\xC2\xA0"); /* no-break space */
		mc_xml_close(x);
		break;
	}
	case MC_FOOTNOTE_REF: {
		const ep_info *i = info(c, n);
		if (!i->fn) { /* no such note: the reference as written */
			mc_xml_text(x, "[");
			ep_text(c, x, n->as.footnote.label);
			mc_xml_text(x, "]");
			break;
		}
		ep_note *note = mc_hashset_get(&c->notes, n->as.footnote.label);
		mc_xml_open(x, "sup");
		if (w->in_link) {
			mc_xml_attr(x, "id", i->id);
			mc_xml_text(x, ep_printf(c, "%d", i->fn));
		} else {
			mc_xml_open(x, "a");
			mc_xml_attr(x, "epub:type", "noteref");
			mc_xml_attr(x, "role", "doc-noteref");
			mc_xml_attr(x, "id", i->id);
			mc_xml_attr(x, "href", ep_id_href(c, note->id));
			mc_xml_text(x, ep_printf(c, "%d", i->fn));
			mc_xml_close(x);
		}
		mc_xml_close(x);
		break;
	}
	case MC_CONTROL: {
		/* a form control as the page shows it: framed text, never a
		 * live control (see css.c) */
		mc_control_kind k = n->as.control.kind;
		mc_xml_open(x, "span");
		mc_xml_attr(x, "class",
		            ep_printf(c, "control %s%s", mc_control_kind_name(k),
		                      n->as.control.placeholder ? " placeholder"
		                                                : ""));
		put_id(w, n);
		if (k == MC_CONTROL_CHECKBOX || k == MC_CONTROL_RADIO)
			mc_xml_text(x, mc_control_glyph(n));
		else if (*n->as.control.text)
			ep_text(c, x, n->as.control.text);
		else
			for (int i = 0; i < 12; i++)
				mc_xml_text(x, "\xC2\xA0"); /* an empty field */
		mc_xml_close(x);
		break;
	}
	case MC_NODE_TYPE__MAX:
		break;
	}
}

static void leave(walk *w, const mc_node *n)
{
	ep_ctx *c = w->c;
	mc_xml *x = w->x;
	switch (n->type) {
	case MC_DOCUMENT:
		break;
	case MC_PARAGRAPH:
		if (!unwrapped(c, n))
			mc_xml_close(x);
		break;
	case MC_TABLE_ROW: {
		mc_xml_close(x);
		bool head = info(c, n)->thead;
		if (!n->next || info(c, n->next)->thead != head)
			mc_xml_close(x);
		break;
	}
	case MC_LINK:
		if (x->depth && strcmp(x->stack[x->depth - 1], "a") == 0)
			w->in_link--;
		mc_xml_close(x);
		break;
	case MC_FOOTNOTE_DEF:
		mc_xml_close(x);
		if (!w->notes && (!n->next || n->next->type != MC_FOOTNOTE_DEF))
			mc_xml_close(x);
		break;
	default:
		mc_xml_close(x);
		break;
	}
}

/* Write the subtree of n; a newline follows each block whose parent is
 * nl_parent (and n itself), which keeps the file readable. */
static void walk_tree(walk *w, mc_node *n, const mc_node *nl_parent)
{
	mc_iter it;
	mc_iter_init(&it, n);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		if (ev == MC_EVENT_ENTER)
			enter(w, it.cur);
		else if (ev == MC_EVENT_EXIT)
			leave(w, it.cur);
		mc_node_type ty = it.cur->type;
		if (it.cur->parent == nl_parent &&
		    (ev == MC_EVENT_EXIT || ty == MC_CODE_BLOCK ||
		     ty == MC_THEMATIC_BREAK || ty == MC_ANSWER))
			mc_xml_nl(w->x);
	}
}

int ep_content(ep_ctx *c, size_t fi, mc_buf *out)
{
	const ep_file *f = &c->files[fi];
	c->cur_file = fi;
	mc_xml x;
	ep_xhtml_start(c, &x, out);
	mc_xml_open(&x, "title");
	ep_text(c, &x, f->title);
	mc_xml_close(&x);
	ep_xhtml_body(&x);
	mc_xml_attr(&x, "epub:type", "bodymatter");
	mc_xml_nl(&x);

	walk w = {c, &x, 0, c->sections};
	bool wrapper = true; /* the file's blocks are in a <section> */
	if (f->part) {
		enter(&w, f->part);
	} else if (f->first && f->first == f->last &&
	           f->first->type == MC_SECTION) {
		wrapper = false; /* a chapter or worksheet: its own */
	} else {
		mc_xml_open(&x, "section");
		mc_xml_attr(&x, "class", "section");
	}
	if (c->title_id) { /* a single page: the title heads it */
		mc_xml_open(&x, "h1");
		mc_xml_attr(&x, "class", "title");
		mc_xml_attr(&x, "id", c->title_id);
		ep_text(c, &x, c->title);
		mc_xml_close(&x);
		mc_xml_nl(&x);
	}
	for (mc_node *n = (mc_node *)f->first; n; n = n->next) {
		bool sec = n->type == MC_SECTION;
		walk_tree(&w, n, sec ? n : n->parent);
		if (sec)
			mc_xml_nl(&x);
		if (n == f->last)
			break;
	}
	if (c->sections) {
		/* the notes first referenced in this file */
		bool any = false;
		for (mc_node *n = c->doc->root->first; n; n = n->next) {
			if (n->type != MC_FOOTNOTE_DEF || info(c, n)->file != fi)
				continue;
			if (!any) {
				mc_xml_open(&x, "section");
				mc_xml_attr(&x, "class", "footnotes");
				any = true;
			}
			walk_tree(&w, n, n->parent);
		}
		if (any) {
			mc_xml_close(&x);
			mc_xml_nl(&x);
		}
	}
	if (wrapper) {
		mc_xml_close(&x); /* section */
		mc_xml_nl(&x);
	}
	mc_xml_close(&x); /* body */
	mc_xml_nl(&x);
	mc_xml_close(&x); /* html */
	mc_xml_nl(&x);
	if (mc_xml_finish(&x) != 0) {
		mc_error(c->diag, 0, 0, "EPUB: the content document %s is not "
		                        "well-formed (an internal error)", f->name);
		return -1;
	}
	return 0;
}
