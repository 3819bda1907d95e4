/* json.c - the document model as JSON, for debugging and golden tests.
 *
 * Deterministic: keys in a fixed order, 2-space indentation, one key or
 * array element per line, no machine-dependent paths (image paths under
 * meta.root are printed as "<root>/...", and root itself is left out).
 * Invalid UTF-8 bytes become \ufffd, so the output is always valid JSON.
 *
 * The tree is walked with mc_iter (documents may nest 100,000 deep).
 * Indentation stops growing past MAX_INDENT levels so that the output of
 * a pathologically deep tree stays linear in its size. */
#include "../backend.h"
#include "../../util/json.h"
#include "../../util/utf8.h"

#include <stdio.h>
#include <string.h>

#define MAX_INDENT 64

typedef struct jw {
	mc_buf *out;
	const char *root; /* meta.root without trailing slashes, or NULL */
	size_t rootlen;
} jw;

static void indent(jw *w, size_t level)
{
	static const char spaces[] = "                                ";
	if (level > MAX_INDENT)
		level = MAX_INDENT;
	size_t n = level * 2;
	while (n) {
		size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		mc_buf_put(w->out, spaces, k);
		n -= k;
	}
}

static void put_str(jw *w, const char *str)
{
	mc_json_cstr(w->out, str, MC_JSON_MODEL);
}

/* A key at `level`, after a separator: `first` is whether it opens the
 * object.  Leaves the cursor after `"key": `. */
static void key(jw *w, size_t level, bool *first, const char *k)
{
	mc_buf_puts(w->out, *first ? "\n" : ",\n");
	*first = false;
	indent(w, level);
	mc_buf_printf(w->out, "\"%s\": ", k);
}

static void kv_str(jw *w, size_t level, bool *first, const char *k,
                   const char *v)
{
	key(w, level, first, k);
	put_str(w, v);
}

static void kv_int(jw *w, size_t level, bool *first, const char *k, long v)
{
	key(w, level, first, k);
	/* what "%ld" writes, without printf's machinery */
	char d[24];
	size_t i = sizeof d;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	do {
		d[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		d[--i] = '-';
	mc_buf_put(w->out, d + i, sizeof d - i);
}

static void kv_bool(jw *w, size_t level, bool *first, const char *k, bool v)
{
	key(w, level, first, k);
	mc_buf_puts(w->out, v ? "true" : "false");
}

/* An array of strings; elements one a line at level + 1. */
static void kv_strs(jw *w, size_t level, bool *first, const char *k,
                    const char *const *v, size_t n)
{
	key(w, level, first, k);
	if (!n) {
		mc_buf_puts(w->out, "[]");
		return;
	}
	mc_buf_putc(w->out, '[');
	for (size_t i = 0; i < n; i++) {
		mc_buf_puts(w->out, i ? ",\n" : "\n");
		indent(w, level + 1);
		put_str(w, v[i]);
	}
	mc_buf_putc(w->out, '\n');
	indent(w, level);
	mc_buf_putc(w->out, ']');
}

static void close_obj(jw *w, size_t level, bool first)
{
	if (first) {
		mc_buf_puts(w->out, "}");
		return;
	}
	mc_buf_putc(w->out, '\n');
	indent(w, level);
	mc_buf_putc(w->out, '}');
}

/* A file path (key k), relative to the site root when it lies under
 * it. */
static void kv_path(jw *w, size_t level, bool *first, const char *k,
                    const char *path)
{
	key(w, level, first, k);
	if (path && w->root && strncmp(path, w->root, w->rootlen) == 0 &&
	    (path[w->rootlen] == '/' || path[w->rootlen] == '\0')) {
		const char *rest = path + w->rootlen;
		while (rest[0] == '/' && rest[1] == '/')
			rest++;
		mc_buf b = MC_BUF_INIT;
		mc_buf_puts(&b, "<root>");
		mc_buf_puts(&b, rest);
		put_str(w, b.data);
		mc_buf_free(&b);
		return;
	}
	put_str(w, path);
}

static void put_meta(jw *w, const mc_meta *m)
{
	bool first = true;
	key(w, 1, &first, "meta");
	mc_buf_putc(w->out, '{');
	bool f = true;
	if (m->kind != MC_DOC_PAGE)
		kv_str(w, 2, &f, "kind", mc_doc_kind_name(m->kind));
	kv_str(w, 2, &f, "title", m->title);
	if (m->description)
		kv_str(w, 2, &f, "description", m->description);
	kv_strs(w, 2, &f, "tags", m->tags, m->ntags);
	kv_str(w, 2, &f, "permalink", m->permalink);
	kv_str(w, 2, &f, "lang", m->lang);
	if (m->dir == MC_DIR_RTL)
		kv_str(w, 2, &f, "dir", "rtl");
	kv_str(w, 2, &f, "source", m->source);

	key(w, 2, &f, "site");
	mc_buf_putc(w->out, '{');
	bool g = true;
	kv_str(w, 3, &g, "title", m->site.title);
	kv_str(w, 3, &g, "description", m->site.description);
	kv_str(w, 3, &g, "baseurl", m->site.baseurl);
	kv_str(w, 3, &g, "url", m->site.url);
	close_obj(w, 2, g);

	key(w, 2, &f, "course");
	mc_buf_putc(w->out, '{');
	g = true;
	kv_str(w, 3, &g, "title", m->course.title);
	kv_str(w, 3, &g, "description", m->course.description);
	kv_strs(w, 3, &g, "modules", m->course.modules, m->course.nmodules);
	close_obj(w, 2, g);

	key(w, 2, &f, "extra");
	mc_buf_putc(w->out, '{');
	g = true;
	for (size_t i = 0; i < m->nextra; i++) {
		mc_buf_puts(w->out, g ? "\n" : ",\n");
		g = false;
		indent(w, 3);
		put_str(w, m->extra[i].key ? m->extra[i].key : "");
		mc_buf_puts(w->out, ": ");
		put_str(w, m->extra[i].value);
	}
	close_obj(w, 2, g);
	close_obj(w, 1, f);
}

/* The fields of one node, keys at `level`; the object is open. */
static void put_fields(jw *w, size_t level, const mc_node *n)
{
	bool f = true;
	kv_str(w, level, &f, "type", mc_node_type_name(n->type));
	kv_int(w, level, &f, "line", (long)n->line);
	if (n->id)
		kv_str(w, level, &f, "id", n->id);
	if (n->classes)
		kv_str(w, level, &f, "classes", n->classes);
	if (n->lang)
		kv_str(w, level, &f, "lang", n->lang);
	if (n->dir != MC_DIR_NONE)
		kv_str(w, level, &f, "dir", mc_dir_name(n->dir));

	switch (n->type) {
	case MC_HEADING:
	case MC_CALLOUT_TITLE:
		kv_int(w, level, &f, "level", n->as.heading.level);
		break;
	case MC_LIST:
		kv_bool(w, level, &f, "ordered", n->as.list.ordered);
		kv_int(w, level, &f, "start", n->as.list.start);
		kv_bool(w, level, &f, "tight", n->as.list.tight);
		break;
	case MC_ITEM:
		if (n->as.item.task == MC_TASK_OPEN)
			kv_str(w, level, &f, "task", "open");
		else if (n->as.item.task == MC_TASK_DONE)
			kv_str(w, level, &f, "task", "done");
		if (n->as.item.prompt)
			kv_bool(w, level, &f, "prompt", true);
		break;
	case MC_CODE_BLOCK:
		kv_str(w, level, &f, "info", n->as.code.info);
		kv_str(w, level, &f, "text", n->as.code.text);
		break;
	case MC_TABLE:
		kv_int(w, level, &f, "ncols", n->as.table.ncols);
		if (n->as.table.aligns) {
			key(w, level, &f, "aligns");
			int nc = n->as.table.ncols;
			if (nc <= 0) {
				mc_buf_puts(w->out, "[]");
				break;
			}
			mc_buf_putc(w->out, '[');
			for (int i = 0; i < nc; i++) {
				mc_buf_puts(w->out, i ? ",\n" : "\n");
				indent(w, level + 1);
				put_str(w, mc_align_name(n->as.table.aligns[i]));
			}
			mc_buf_putc(w->out, '\n');
			indent(w, level);
			mc_buf_putc(w->out, ']');
		}
		break;
	case MC_TABLE_ROW:
		kv_bool(w, level, &f, "header", n->as.row.header);
		break;
	case MC_TABLE_CELL:
		kv_int(w, level, &f, "colspan", n->as.cell.colspan);
		kv_int(w, level, &f, "rowspan", n->as.cell.rowspan);
		kv_bool(w, level, &f, "header", n->as.cell.header);
		kv_str(w, level, &f, "align", mc_align_name(n->as.cell.align));
		break;
	case MC_FIGURE:
	case MC_IMAGE:
		kv_str(w, level, &f, "src", n->as.image.src);
		kv_path(w, level, &f, "path", n->as.image.path);
		kv_str(w, level, &f, "alt", n->as.image.alt);
		kv_str(w, level, &f, "title", n->as.image.title);
		if (n->type == MC_FIGURE)
			kv_str(w, level, &f, "href", n->as.image.href);
		if (n->as.image.width)
			kv_int(w, level, &f, "width", n->as.image.width);
		if (n->as.image.height)
			kv_int(w, level, &f, "height", n->as.image.height);
		break;
	case MC_CALLOUT:
		kv_str(w, level, &f, "kind",
		       mc_callout_kind_name(n->as.callout.kind));
		if (n->as.callout.variant)
			kv_int(w, level, &f, "variant", n->as.callout.variant);
		break;
	case MC_EMBED:
		kv_str(w, level, &f, "kind",
		       mc_embed_kind_name(n->as.embed.kind));
		kv_str(w, level, &f, "provider", n->as.embed.provider);
		kv_str(w, level, &f, "url", n->as.embed.url);
		kv_str(w, level, &f, "watch_url", n->as.embed.watch_url);
		kv_str(w, level, &f, "short_url", n->as.embed.short_url);
		kv_str(w, level, &f, "video_id", n->as.embed.video_id);
		kv_str(w, level, &f, "title", n->as.embed.title);
		kv_str(w, level, &f, "duration", n->as.embed.duration);
		if (n->as.embed.start != -1)
			kv_int(w, level, &f, "start", n->as.embed.start);
		if (n->as.embed.end != -1)
			kv_int(w, level, &f, "end", n->as.embed.end);
		break;
	case MC_ANSWER:
		kv_str(w, level, &f, "kind",
		       mc_answer_kind_name(n->as.answer.kind));
		kv_int(w, level, &f, "lines", n->as.answer.lines);
		kv_bool(w, level, &f, "checked", n->as.answer.checked);
		kv_str(w, level, &f, "label", n->as.answer.label);
		kv_int(w, level, &f, "number", n->as.answer.number);
		break;
	case MC_LINK:
		kv_str(w, level, &f, "url", n->as.link.url);
		kv_str(w, level, &f, "title", n->as.link.title);
		kv_str(w, level, &f, "target", n->as.link.target);
		break;
	case MC_TEXT:
	case MC_CODE:
		kv_str(w, level, &f, "text", n->as.text.text);
		break;
	case MC_BLANK:
		kv_int(w, level, &f, "width", n->as.blank.width);
		break;
	case MC_CONTROL:
		kv_str(w, level, &f, "kind",
		       mc_control_kind_name(n->as.control.kind));
		kv_str(w, level, &f, "text", n->as.control.text);
		kv_bool(w, level, &f, "placeholder", n->as.control.placeholder);
		kv_bool(w, level, &f, "checked", n->as.control.checked);
		break;
	case MC_SPAN:
		if (n->as.span.title)
			kv_str(w, level, &f, "title", n->as.span.title);
		break;
	case MC_SECTION:
		kv_str(w, level, &f, "kind",
		       mc_section_kind_name(n->as.section.kind));
		kv_path(w, level, &f, "source", n->as.section.source);
		kv_str(w, level, &f, "url", n->as.section.url);
		break;
	case MC_FOOTNOTE_DEF:
	case MC_FOOTNOTE_REF:
		kv_str(w, level, &f, "label", n->as.footnote.label);
		kv_int(w, level, &f, "number", n->as.footnote.number);
		break;
	default:
		break;
	}
}

int mc_render_json(const mc_doc *doc, const mc_theme *theme,
                   const mc_render_opts *opts, mc_buf *out, mc_diag *diag)
{
	(void)opts; /* takes none */
	(void)theme;
	(void)diag;
	jw w = {out, NULL, 0};
	const char *root = doc->meta.root;
	if (root && root[0]) {
		size_t len = strlen(root);
		while (len > 1 && root[len - 1] == '/')
			len--;
		if (!(len == 1 && root[0] == '/')) { /* "/" would match all */
			w.root = root;
			w.rootlen = len;
		}
	}

	mc_buf_putc(out, '{');
	put_meta(&w, &doc->meta);
	mc_buf_puts(out, ",\n");
	indent(&w, 1);
	mc_buf_puts(out, "\"body\": [");

	const mc_node *top = doc->root;
	if (!top || !top->first) {
		mc_buf_puts(out, "]\n}\n");
		return 0;
	}

	/* Whether mc_iter descends into a node type: it does for every type
	 * that may hold children (a broken tree's children under a leaf are
	 * skipped by both). */
	bool holds[MC_NODE_TYPE__MAX];
	for (int t = 0; t < MC_NODE_TYPE__MAX; t++) {
		holds[t] = false;
		for (int c = 0; c < MC_NODE_TYPE__MAX; c++)
			if (mc_can_contain((mc_node_type)t, (mc_node_type)c))
				holds[t] = true;
	}
	/* A node at depth d (the document's children are at depth 1) opens
	 * its object at level 2d, its keys at 2d + 1. */
	size_t depth = 0;
	mc_iter it;
	mc_iter_init(&it, doc->root);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		const mc_node *n = it.cur;
		if (n == top)
			continue;
		if (ev == MC_EVENT_ENTER) {
			depth++;
			mc_buf_puts(out, n->prev ? ",\n" : "\n");
			indent(&w, 2 * depth);
			mc_buf_putc(out, '{');
			put_fields(&w, 2 * depth + 1, n);
			if (n->first && (unsigned)n->type < MC_NODE_TYPE__MAX &&
			    holds[n->type]) {
				mc_buf_puts(out, ",\n");
				indent(&w, 2 * depth + 1);
				mc_buf_puts(out, "\"children\": [");
				continue; /* closed on EXIT */
			}
			/* childless: close now, and ignore a container's EXIT */
		} else {
			if (!n->first)
				continue;
			mc_buf_putc(out, '\n');
			indent(&w, 2 * depth + 1);
			mc_buf_putc(out, ']');
		}
		mc_buf_putc(out, '\n');
		indent(&w, 2 * depth);
		mc_buf_putc(out, '}');
		depth--;
	}
	mc_buf_puts(out, "\n");
	indent(&w, 1);
	mc_buf_puts(out, "]\n}\n");
	return 0;
}
