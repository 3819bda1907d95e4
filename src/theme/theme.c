/*
 * theme.c - themes from YAML; see theme.h.
 *
 * There are no default values in this file: a theme starts zeroed, the
 * default styles/default.yaml is laid over it and must set every key, then
 * the user's theme is laid over that.  The default is read at build time
 * by this same code (tools/themegen.c includes this file with
 * MC_THEME_GEN defined) and laid over a run's theme from the values it
 * read (default.h, base_prebuilt()): no YAML is parsed for it at run time.
 *
 * The schema is a table of fields (built per load, so the callout and embed
 * keys come from mc_callout_kind_name() / mc_embed_kind_name()).  Each field
 * has a key path of one to three components, a type, its place in the
 * struct and a range.  YAML is read with libyaml's document API and walked
 * against the table: which keys a mapping allows, unknown-key messages and
 * the completeness check all come from the table.
 *
 * No global mutable state: everything lives in one `loader` on the stack.
 */
#include "theme.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "../util/fmath.h"

#ifndef MC_THEME_GEN
#include "default.h"
#endif

#ifndef MC_STYLEDIR
#error "MC_STYLEDIR (the installed styles folder) is set by the Makefile"
#endif

#define DEFAULT_FILE "styles/default.yaml"
#define MAX_FIELDS 96
#define MAX_DEPTH 3
#define MAX_FALLBACK 64
#define MAX_ERRORS 20

#define PT_PER_IN 72.0
#define PT_PER_MM (72.0 / 25.4)

typedef enum ftype {
	T_PAGE_SIZE,   /* a named paper size: sets page.size/width/height */
	T_ORIENTATION, /* portrait | landscape */
	T_LENGTH,      /* number + unit (bare 0 allowed), in points */
	T_FONT_SIZE,   /* bare points or a length */
	T_NUMBER,      /* a plain number */
	T_INT,         /* a whole number */
	T_COLOR,       /* "#rrggbb" */
	T_COLOR_OPT,   /* "#rrggbb", or "none" / "" (MC_COLOR_NONE) */
	T_FAMILY,      /* a non-empty font family name */
	T_FAMILIES,    /* a list of family names */
	T_TEXT,        /* any string, "" allowed */
	T_TEMPLATE,    /* a string with {title} {page} {pages} */
	T_BOOL         /* true or false (also yes / no) */
} ftype;

typedef struct field {
	const char *key[MAX_DEPTH]; /* path components, NULL after the last */
	int depth;                  /* number of components */
	ftype type;
	size_t off;                 /* offset in mc_theme */
	double min, max;            /* range (points for lengths) */
	bool shorthand;             /* the parent mapping may be a scalar that
	                               sets every shorthand sibling at once */
} field;

typedef struct fstate {
	bool set;          /* set by some layer */
	bool given;        /* written in the current layer */
	const char *file;  /* where it was last written */
	uint32_t line, col;
	unsigned long seq; /* order of writes */
} fstate;

typedef struct loader {
	mc_diag *diag;
	mc_theme *t;
	field fields[MAX_FIELDS];
	fstate st[MAX_FIELDS];
	int nfields;
	int i_size, i_orient, i_width, i_height; /* special page fields */
	unsigned long seq;
	/* the layer being read */
	const char *file;
	yaml_document_t *doc;
	int errors;
} loader;

static const struct paper {
	const char *name;
	double width, height; /* points, portrait */
} papers[] = {
	{"letter", 8.5 * PT_PER_IN, 11 * PT_PER_IN},
	{"legal", 8.5 * PT_PER_IN, 14 * PT_PER_IN},
	{"a3", 297 * PT_PER_MM, 420 * PT_PER_MM},
	{"a4", 210 * PT_PER_MM, 297 * PT_PER_MM},
	{"a5", 148 * PT_PER_MM, 210 * PT_PER_MM},
};
#define NPAPERS (sizeof papers / sizeof papers[0])

static const char *const placeholders[] = {"title", "page", "pages"};
#define NPLACEHOLDERS (sizeof placeholders / sizeof placeholders[0])

/* ---- messages ---- */

static void report(loader *L, uint32_t line, uint32_t col, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));

static void report(loader *L, uint32_t line, uint32_t col, const char *fmt,
                   ...)
{
	L->errors++;
	if (L->errors > MAX_ERRORS)
		return;
	char msg[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (L->errors == MAX_ERRORS)
		mc_error_at(L->diag, L->file, line, col,
		            "%s (too many errors, stopping)", msg);
	else
		mc_error_at(L->diag, L->file, line, col, "%s", msg);
}

/* Report at a node (libyaml marks are 0-based). */
#define node_error(L, n, ...)                                              \
	report((L), (uint32_t)(n)->start_mark.line + 1,                    \
	       (uint32_t)(n)->start_mark.column + 1, __VA_ARGS__)

/* Append s to buf (size bytes, used so far), cut to fit; the cheap
 * snprintf(buf + used, size - used, "%s", s) that every key of every
 * theme layer goes through. */
static size_t put_cut(char *buf, size_t size, size_t used, const char *s)
{
	if (used >= size)
		return used;
	size_t n = strlen(s), room = size - used - 1;
	if (n > room)
		n = room;
	memcpy(buf + used, s, n);
	buf[used + n] = '\0';
	return used + n;
}

static void path_str(const char *const *key, int depth, char *buf,
                     size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < depth && used + 1 < size; i++) {
		if (i)
			used = put_cut(buf, size, used, ".");
		used = put_cut(buf, size, used, key[i]);
	}
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a scalar";
	}
}

static bool is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *v = (const char *)n->data.scalar.value;
	return !strcmp(v, "") || !strcmp(v, "~") || !strcmp(v, "null") ||
	       !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* ---- the schema ---- */

static void add(loader *L, const char *k0, const char *k1, const char *k2,
                ftype type, size_t off, double min, double max)
{
	if (L->nfields >= MAX_FIELDS)
		return; /* caught by the completeness check of the base */
	field *f = &L->fields[L->nfields++];
	memset(f, 0, sizeof *f);
	f->key[0] = k0;
	f->key[1] = k1;
	f->key[2] = k2;
	f->depth = k2 ? 3 : k1 ? 2 : 1;
	f->type = type;
	f->off = off;
	f->min = min;
	f->max = max;
}

#define OFF(member) offsetof(mc_theme, member)

static void build_schema(loader *L)
{
	static const char *const hl[MC_THEME_HIGHLIGHTS] = {
		"highlight1", "highlight2", "highlight3"};
	const double pagemax = 200 * PT_PER_IN; /* PDF's largest page */

	L->i_size = L->nfields;
	add(L, "page", "size", NULL, T_PAGE_SIZE, OFF(page.size), 0, 0);
	L->i_orient = L->nfields;
	add(L, "page", "orientation", NULL, T_ORIENTATION,
	    OFF(page.landscape), 0, 0);
	L->i_width = L->nfields;
	add(L, "page", "width", NULL, T_LENGTH, OFF(page.width), PT_PER_IN,
	    pagemax);
	L->i_height = L->nfields;
	add(L, "page", "height", NULL, T_LENGTH, OFF(page.height), PT_PER_IN,
	    pagemax);
	int first_margin = L->nfields;
	add(L, "page", "margins", "top", T_LENGTH, OFF(page.margins.top), 0,
	    5 * PT_PER_IN);
	add(L, "page", "margins", "right", T_LENGTH, OFF(page.margins.right),
	    0, 5 * PT_PER_IN);
	add(L, "page", "margins", "bottom", T_LENGTH,
	    OFF(page.margins.bottom), 0, 5 * PT_PER_IN);
	add(L, "page", "margins", "left", T_LENGTH, OFF(page.margins.left), 0,
	    5 * PT_PER_IN);
	for (int i = first_margin; i < L->nfields; i++)
		L->fields[i].shorthand = true;

	add(L, "fonts", "body", NULL, T_FAMILY, OFF(fonts.body), 0, 0);
	add(L, "fonts", "heading", NULL, T_FAMILY, OFF(fonts.heading), 0, 0);
	add(L, "fonts", "mono", NULL, T_FAMILY, OFF(fonts.mono), 0, 0);
	add(L, "fonts", "fallback", NULL, T_FAMILIES, OFF(fonts.fallback), 0,
	    MAX_FALLBACK);

	add(L, "sizes", "body", NULL, T_FONT_SIZE, OFF(sizes.body), 4, 72);
	add(L, "sizes", "small", NULL, T_FONT_SIZE, OFF(sizes.small), 4, 72);
	add(L, "sizes", "code", NULL, T_FONT_SIZE, OFF(sizes.code), 4, 72);
	add(L, "sizes", "h1", NULL, T_FONT_SIZE, OFF(sizes.heading[0]), 4, 144);
	add(L, "sizes", "h2", NULL, T_FONT_SIZE, OFF(sizes.heading[1]), 4, 144);
	add(L, "sizes", "h3", NULL, T_FONT_SIZE, OFF(sizes.heading[2]), 4, 144);
	add(L, "sizes", "h4", NULL, T_FONT_SIZE, OFF(sizes.heading[3]), 4, 144);
	add(L, "sizes", "h5", NULL, T_FONT_SIZE, OFF(sizes.heading[4]), 4, 144);
	add(L, "sizes", "h6", NULL, T_FONT_SIZE, OFF(sizes.heading[5]), 4, 144);
	add(L, "sizes", "title", NULL, T_FONT_SIZE, OFF(sizes.title), 4, 200);

	add(L, "line_height", NULL, NULL, T_NUMBER, OFF(line_height), 0.8, 4);

	add(L, "colors", "text", NULL, T_COLOR, OFF(colors.text), 0, 0);
	add(L, "colors", "muted", NULL, T_COLOR, OFF(colors.muted), 0, 0);
	add(L, "colors", "link", NULL, T_COLOR, OFF(colors.link), 0, 0);
	add(L, "colors", "rule", NULL, T_COLOR, OFF(colors.rule), 0, 0);
	add(L, "colors", "code_background", NULL, T_COLOR,
	    OFF(colors.code_background), 0, 0);
	add(L, "colors", "table_border", NULL, T_COLOR,
	    OFF(colors.table_border), 0, 0);
	add(L, "colors", "table_header_background", NULL, T_COLOR,
	    OFF(colors.table_header_background), 0, 0);
	add(L, "colors", "quote_rule", NULL, T_COLOR, OFF(colors.quote_rule),
	    0, 0);

	for (int k = 0; k < MC_CALLOUT_HIGHLIGHT; k++) {
		const char *name = mc_callout_kind_name((mc_callout_kind)k);
		size_t base = OFF(callouts) + (size_t)k * sizeof(mc_callout_style);
		add(L, "callouts", name, "label", T_TEXT,
		    base + offsetof(mc_callout_style, label), 0, 0);
		add(L, "callouts", name, "background", T_COLOR,
		    base + offsetof(mc_callout_style, background), 0, 0);
		add(L, "callouts", name, "rule", T_COLOR,
		    base + offsetof(mc_callout_style, rule), 0, 0);
	}
	for (int v = 0; v < MC_THEME_HIGHLIGHTS; v++) {
		size_t base =
			OFF(highlights) + (size_t)v * sizeof(mc_callout_style);
		add(L, "callouts", hl[v], "label", T_TEXT,
		    base + offsetof(mc_callout_style, label), 0, 0);
		add(L, "callouts", hl[v], "background", T_COLOR,
		    base + offsetof(mc_callout_style, background), 0, 0);
		add(L, "callouts", hl[v], "rule", T_COLOR,
		    base + offsetof(mc_callout_style, rule), 0, 0);
	}

	add(L, "answer", "lines", NULL, T_INT, OFF(answer.lines), 1, 40);
	add(L, "answer", "line_spacing", NULL, T_LENGTH,
	    OFF(answer.line_spacing), 6, PT_PER_IN);
	add(L, "answer", "min_line_spacing", NULL, T_LENGTH,
	    OFF(answer.min_line_spacing), 4 * PT_PER_MM, PT_PER_IN);
	add(L, "answer", "rule", NULL, T_COLOR, OFF(answer.rule), 0, 0);
	add(L, "answer", "rule_width", NULL, T_LENGTH, OFF(answer.rule_width),
	    0.1, 3);
	add(L, "fields", "border", NULL, T_COLOR_OPT, OFF(fields.border), 0,
	    0);
	add(L, "fields", "border_width", NULL, T_LENGTH,
	    OFF(fields.border_width), 0, 3);
	add(L, "fields", "background", NULL, T_COLOR_OPT,
	    OFF(fields.background), 0, 0);
	add(L, "answer", "placeholder", NULL, T_TEXT, OFF(answer.placeholder),
	    0, 0);
	add(L, "answer", "fields", NULL, T_BOOL, OFF(answer.fields), 0, 0);
	add(L, "worksheet", "name_label", NULL, T_TEXT,
	    OFF(worksheet.name_label), 0, 0);
	add(L, "worksheet", "date_label", NULL, T_TEXT,
	    OFF(worksheet.date_label), 0, 0);
	add(L, "worksheet", "label", NULL, T_TEXT, OFF(worksheet.label), 0, 0);
	add(L, "worksheet", "notes_label", NULL, T_TEXT,
	    OFF(worksheet.notes_label), 0, 0);

	add(L, "embed", "qr_size", NULL, T_LENGTH, OFF(embed.qr_size),
	    10 * PT_PER_MM, 100 * PT_PER_MM);
	for (int k = 0; k < MC_EMBED_KIND__MAX; k++)
		add(L, "embed", "labels", mc_embed_kind_name((mc_embed_kind)k),
		    T_TEXT, OFF(embed.label) + (size_t)k * sizeof(const char *),
		    0, 0);

	add(L, "toc", "title", NULL, T_TEXT, OFF(toc.title), 0, 0);
	add(L, "toc", "leader", NULL, T_TEXT, OFF(toc.leader), 0, 0);
	add(L, "toc", "indent", NULL, T_LENGTH, OFF(toc.indent), 0,
	    2 * PT_PER_IN);

	add(L, "header", NULL, NULL, T_TEMPLATE, OFF(header), 0, 0);
	add(L, "footer", NULL, NULL, T_TEMPLATE, OFF(footer), 0, 0);
}

static bool prefix_is(const field *f, const char *const *prefix, int depth)
{
	for (int i = 0; i < depth; i++)
		if (strcmp(f->key[i], prefix[i]))
			return false;
	return true;
}

/* The field whose whole path is prefix[0..depth), or -1. */
static int find_leaf(const loader *L, const char *const *prefix, int depth)
{
	for (int i = 0; i < L->nfields; i++)
		if (L->fields[i].depth == depth &&
		    prefix_is(&L->fields[i], prefix, depth))
			return i;
	return -1;
}

/* The distinct keys allowed below prefix[0..depth), in schema order. */
static int child_keys(const loader *L, const char *const *prefix, int depth,
                      const char **keys)
{
	int n = 0;
	for (int i = 0; i < L->nfields; i++) {
		const field *f = &L->fields[i];
		if (f->depth <= depth || !prefix_is(f, prefix, depth))
			continue;
		int j = 0;
		while (j < n && strcmp(keys[j], f->key[depth]))
			j++;
		if (j == n)
			keys[n++] = f->key[depth];
	}
	return n;
}

static void join_keys(const char **keys, int n, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && used + 1 < size; i++) {
		if (i)
			used = put_cut(buf, size, used, ", ");
		used = put_cut(buf, size, used, keys[i]);
	}
}

/* ---- value parsers ---- */

/* [+-]digits[.digits] or [+-].digits; returns the length read, 0 if none. */
static size_t parse_decimal(const char *s, double *out)
{
	size_t i = 0;
	double sign = 1, v = 0;
	bool digits = false;
	if (s[i] == '+' || s[i] == '-')
		sign = s[i++] == '-' ? -1 : 1;
	while (s[i] >= '0' && s[i] <= '9') {
		v = v * 10 + (s[i++] - '0');
		digits = true;
	}
	if (s[i] == '.') {
		double scale = 0.1;
		size_t dot = i++;
		bool frac = false;
		while (s[i] >= '0' && s[i] <= '9') {
			v += (s[i++] - '0') * scale;
			scale /= 10;
			frac = true;
		}
		if (!frac)
			i = dot + (digits ? 1 : 0); /* "3." is 3; "." is nothing */
		digits = digits || frac;
	}
	if (!digits)
		return 0;
	*out = sign * v;
	return i;
}

static bool parse_number(const char *s, double *out)
{
	size_t n = parse_decimal(s, out);
	return n && s[n] == '\0';
}

/* A length in points.  Returns NULL, or why it is bad. */
static const char *parse_length(const char *s, bool unit_required,
                                double *out)
{
	static const struct {
		const char *name;
		double pt;
	} units[] = {
		{"pt", 1}, {"mm", PT_PER_MM}, {"cm", 10 * PT_PER_MM},
		{"in", PT_PER_IN},
	};
	double v;
	size_t n = parse_decimal(s, &v);
	if (!n)
		return "not a number";
	const char *u = s + n;
	while (*u == ' ')
		u++;
	if (*u == '\0') {
		if (unit_required && v != 0)
			return "needs a unit (pt, mm, cm or in)";
		*out = v;
		return NULL;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (!strcasecmp(u, units[i].name)) {
			*out = v * units[i].pt;
			return NULL;
		}
	return "unknown unit (use pt, mm, cm or in)";
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_color(const char *s, uint32_t *out)
{
	if (s[0] != '#' || strlen(s) != 7)
		return false;
	uint32_t v = 0;
	for (int i = 1; i < 7; i++) {
		int h = hexval(s[i]);
		if (h < 0)
			return false;
		v = v << 4 | (uint32_t)h;
	}
	*out = v;
	return true;
}

/* Checks {word} placeholders.  Returns NULL, or the first unknown one
 * (pointing at its '{'; its length in *len). */
static const char *bad_placeholder(const char *s, size_t *len)
{
	for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
		size_t n = 1;
		while ((p[n] >= 'a' && p[n] <= 'z') || p[n] == '_')
			n++;
		if (n == 1 || p[n] != '}')
			continue; /* not a placeholder: a literal brace */
		bool known = false;
		for (size_t i = 0; i < NPLACEHOLDERS; i++)
			if (strlen(placeholders[i]) == n - 1 &&
			    !strncmp(placeholders[i], p + 1, n - 1))
				known = true;
		if (!known) {
			*len = n + 1;
			return p;
		}
	}
	return NULL;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* ---- storing ---- */

#define SLOT(L, f, type) ((type *)(void *)((char *)(L)->t + (f)->off))

static void note_set(loader *L, int i, const yaml_node_t *n)
{
	fstate *s = &L->st[i];
	s->set = true;
	s->given = true;
	s->file = L->file;
	s->line = (uint32_t)n->start_mark.line + 1;
	s->col = (uint32_t)n->start_mark.column + 1;
	s->seq = ++L->seq;
}

static int set_string(loader *L, const char **slot, const char *v)
{
	char *copy = strdup(v);
	if (!copy) {
		report(L, 0, 0, "out of memory");
		return -1;
	}
	free((char *)*slot);
	*slot = copy;
	return 0;
}

static void free_list(const char **list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		free((char *)list[i]);
	free(list);
}

static bool check_family(loader *L, const char *path, const char *v,
                         const yaml_node_t *n)
{
	if (!*v) {
		node_error(L, n, "%s: a font family name must not be empty",
		           path);
		return false;
	}
	if (has_control(v)) {
		node_error(L, n, "%s: control character in font family name",
		           path);
		return false;
	}
	return true;
}

/* fonts.fallback: a list of families (a single name is a list of one). */
static void set_families(loader *L, int i, const yaml_node_t *v,
                         const char *path)
{
	const field *f = &L->fields[i];
	const yaml_node_t *items[MAX_FALLBACK];
	size_t n = 0;
	if (v->type == YAML_SCALAR_NODE && !is_null(v)) {
		items[n++] = v;
	} else if (v->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			if (n >= (size_t)f->max) {
				node_error(L, v, "%s: more than %d families",
				           path, (int)f->max);
				return;
			}
			yaml_node_t *item =
				yaml_document_get_node(L->doc, *it);
			if (!item)
				continue;
			if (item->type != YAML_SCALAR_NODE || is_null(item)) {
				node_error(L, item,
				           "%s: expected a font family name, got "
				           "%s",
				           path, is_null(item) ? "an empty value"
				                               : node_kind(item));
				return;
			}
			items[n++] = item;
		}
	} else {
		node_error(L, v, "%s: expected a list of font family names, "
		                 "got %s",
		           path, is_null(v) ? "an empty value (write [] for "
		                              "none)"
		                            : node_kind(v));
		return;
	}
	for (size_t k = 0; k < n; k++)
		if (!check_family(L, path,
		                  (const char *)items[k]->data.scalar.value,
		                  items[k]))
			return;

	const char **list = calloc(n + 1, sizeof *list);
	if (!list) {
		node_error(L, v, "out of memory");
		return;
	}
	for (size_t k = 0; k < n; k++) {
		list[k] = strdup((const char *)items[k]->data.scalar.value);
		if (!list[k]) {
			free_list(list, k);
			node_error(L, v, "out of memory");
			return;
		}
	}
	free_list(L->t->fonts.fallback, L->t->fonts.nfallback);
	L->t->fonts.fallback = list;
	L->t->fonts.nfallback = n;
	note_set(L, i, v);
}

static bool in_range(loader *L, const field *f, const char *path, double v,
                     const char *text, const char *unit,
                     const yaml_node_t *n)
{
	if (v < 0) {
		node_error(L, n, "%s: %s must not be negative", path, text);
		return false;
	}
	if (v < f->min || v > f->max) {
		node_error(L, n, "%s: %s is out of range (%g%s to %g%s)", path,
		           text, f->min, unit, f->max, unit);
		return false;
	}
	return true;
}

static const char *type_desc(ftype type)
{
	switch (type) {
	case T_PAGE_SIZE:
		return "a paper size (letter, a4, ...)";
	case T_ORIENTATION:
		return "portrait or landscape";
	case T_LENGTH:
		return "a length (e.g. 72pt, 25mm, 2.5cm, 1in)";
	case T_FONT_SIZE:
		return "a font size in points";
	case T_NUMBER:
		return "a number";
	case T_INT:
		return "a whole number";
	case T_COLOR:
		return "a colour \"#rrggbb\"";
	case T_COLOR_OPT:
		return "a colour \"#rrggbb\" or \"none\"";
	case T_FAMILY:
		return "a font family name";
	case T_FAMILIES:
		return "a list of font family names";
	case T_TEXT:
		return "text";
	case T_TEMPLATE:
		return "a text template";
	case T_BOOL:
		return "true or false";
	}
	return "a value";
}

static void set_field(loader *L, int i, const yaml_node_t *v)
{
	const field *f = &L->fields[i];
	char path[128];
	path_str(f->key, f->depth, path, sizeof path);

	if (f->type == T_FAMILIES) {
		set_families(L, i, v, path);
		return;
	}
	if (v->type != YAML_SCALAR_NODE) {
		node_error(L, v, "%s: expected %s, got %s", path,
		           type_desc(f->type), node_kind(v));
		return;
	}
	const char *s = (const char *)v->data.scalar.value;
	if (is_null(v)) {
		if (f->type == T_COLOR)
			node_error(L, v, "%s: missing colour (write it quoted, "
			                 "e.g. \"#1a1a1a\": an unquoted # starts "
			                 "a YAML comment)",
			           path);
		else if (f->type == T_TEXT || f->type == T_TEMPLATE)
			node_error(L, v, "%s: missing value (write \"\" for "
			                 "none)",
			           path);
		else
			node_error(L, v, "%s: missing value", path);
		return;
	}

	switch (f->type) {
	case T_PAGE_SIZE: {
		const struct paper *p = NULL;
		for (size_t k = 0; k < NPAPERS; k++)
			if (!strcasecmp(s, papers[k].name))
				p = &papers[k];
		if (!p) {
			char known[128];
			const char *names[NPAPERS];
			for (size_t k = 0; k < NPAPERS; k++)
				names[k] = papers[k].name;
			join_keys(names, (int)NPAPERS, known, sizeof known);
			node_error(L, v, "%s: unknown page size \"%s\" (known: "
			                 "%s; or give page.width and "
			                 "page.height)",
			           path, s, known);
			return;
		}
		if (set_string(L, SLOT(L, f, const char *), p->name))
			return;
		L->t->page.width = p->width;
		L->t->page.height = p->height;
		note_set(L, i, v);
		/* width and height now have values, but were not written */
		for (int k = 0; k < 2; k++) {
			fstate *st = &L->st[k ? L->i_height : L->i_width];
			st->set = true;
			st->file = L->file;
			st->line = L->st[i].line;
			st->col = L->st[i].col;
			st->seq = L->st[i].seq;
		}
		return;
	}
	case T_ORIENTATION:
		if (!strcmp(s, "portrait"))
			*SLOT(L, f, bool) = false;
		else if (!strcmp(s, "landscape"))
			*SLOT(L, f, bool) = true;
		else {
			node_error(L, v, "%s: expected portrait or landscape, "
			                 "got \"%s\"",
			           path, s);
			return;
		}
		break;
	case T_LENGTH:
	case T_FONT_SIZE: {
		double pt;
		const char *why = parse_length(s, f->type == T_LENGTH, &pt);
		if (why) {
			node_error(L, v, "%s: bad %s \"%s\": %s", path,
			           f->type == T_LENGTH ? "length" : "font size",
			           s, why);
			return;
		}
		if (!in_range(L, f, path, pt, s, "pt", v))
			return;
		*SLOT(L, f, double) = pt;
		break;
	}
	case T_NUMBER: {
		double d;
		if (!parse_number(s, &d)) {
			node_error(L, v, "%s: expected a number, got \"%s\"",
			           path, s);
			return;
		}
		if (!in_range(L, f, path, d, s, "", v))
			return;
		*SLOT(L, f, double) = d;
		break;
	}
	case T_INT: {
		double d;
		if (!parse_number(s, &d) || strchr(s, '.')) {
			node_error(L, v, "%s: expected a whole number, got "
			                 "\"%s\"",
			           path, s);
			return;
		}
		if (!in_range(L, f, path, d, s, "", v))
			return;
		*SLOT(L, f, int) = (int)d;
		break;
	}
	case T_COLOR_OPT:
		if (!*s || !strcmp(s, "none")) {
			*SLOT(L, f, uint32_t) = MC_COLOR_NONE;
			break;
		}
		/* fall through */
	case T_COLOR: {
		uint32_t c;
		if (!parse_color(s, &c)) {
			node_error(L, v, "%s: bad colour \"%s\" (expected "
			                 "\"#rrggbb\", e.g. \"#1a5fb4\"%s)",
			           path, s,
			           f->type == T_COLOR_OPT ? ", or \"none\""
			                                  : "");
			return;
		}
		*SLOT(L, f, uint32_t) = c;
		break;
	}
	case T_FAMILY:
		if (!check_family(L, path, s, v) ||
		    set_string(L, SLOT(L, f, const char *), s))
			return;
		break;
	case T_TEMPLATE: {
		size_t len;
		const char *bad = bad_placeholder(s, &len);
		if (bad) {
			node_error(L, v, "%s: unknown placeholder \"%.*s\" "
			                 "(known: {title}, {page}, {pages})",
			           path, (int)len, bad);
			return;
		}
	}
		/* fall through */
	case T_TEXT:
		if (set_string(L, SLOT(L, f, const char *), s))
			return;
		break;
	case T_BOOL:
		if (!strcmp(s, "true") || !strcmp(s, "yes"))
			*SLOT(L, f, bool) = true;
		else if (!strcmp(s, "false") || !strcmp(s, "no"))
			*SLOT(L, f, bool) = false;
		else {
			node_error(L, v, "%s: expected true or false, got \"%s\"",
			           path, s);
			return;
		}
		break;
	case T_FAMILIES:
		break; /* handled above */
	}
	note_set(L, i, v);
}

/* ---- walking a document ---- */

static void walk_mapping(loader *L, const yaml_node_t *map,
                         const char **prefix, int depth)
{
	const char *keys[MAX_FIELDS];
	bool seen[MAX_FIELDS] = {false};
	int nkeys = child_keys(L, prefix, depth, keys);
	char where[128], allowed[700];
	path_str(prefix, depth, where, sizeof where);
	join_keys(keys, nkeys, allowed, sizeof allowed);

	for (yaml_node_pair_t *pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(L->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(L->doc, pair->value);
		if (!k || !v)
			continue;
		if (k->type != YAML_SCALAR_NODE) {
			node_error(L, k, "%s%sexpected a key (one of: %s), got "
			                 "%s",
			           where, depth ? ": " : "", allowed,
			           node_kind(k));
			continue;
		}
		const char *name = (const char *)k->data.scalar.value;
		int j = 0;
		while (j < nkeys && strcmp(keys[j], name))
			j++;
		if (j == nkeys) {
			if (depth)
				node_error(L, k, "unknown key \"%s\" in %s "
				                 "(allowed: %s)",
				           name, where, allowed);
			else
				node_error(L, k, "unknown key \"%s\" (allowed: "
				                 "%s)",
				           name, allowed);
			continue;
		}
		prefix[depth] = keys[j];
		char full[128];
		path_str(prefix, depth + 1, full, sizeof full);
		if (seen[j]) {
			node_error(L, k, "duplicate key %s", full);
			continue;
		}
		seen[j] = true;

		int leaf = find_leaf(L, prefix, depth + 1);
		if (leaf >= 0) {
			set_field(L, leaf, v);
			continue;
		}
		if (v->type == YAML_MAPPING_NODE) {
			walk_mapping(L, v, prefix, depth + 1);
			continue;
		}
		if (is_null(v))
			continue; /* an empty section changes nothing */
		/* a scalar for a section of shorthand fields sets them all */
		bool shorthand = v->type == YAML_SCALAR_NODE;
		bool any = false;
		for (int i = 0; i < L->nfields && shorthand; i++)
			if (L->fields[i].depth == depth + 2 &&
			    prefix_is(&L->fields[i], prefix, depth + 1)) {
				any = true;
				shorthand = L->fields[i].shorthand;
			}
		if (shorthand && any) {
			int before = L->errors;
			for (int i = 0; i < L->nfields && L->errors == before;
			     i++)
				if (L->fields[i].depth == depth + 2 &&
				    prefix_is(&L->fields[i], prefix, depth + 1))
					set_field(L, i, v);
			continue;
		}
		const char *sub[MAX_FIELDS];
		char subkeys[700];
		join_keys(sub, child_keys(L, prefix, depth + 1, sub), subkeys,
		          sizeof subkeys);
		node_error(L, v, "%s: expected a mapping (keys: %s), got %s",
		           full, subkeys, node_kind(v));
	}
}

/* Line and column (1-based) of a byte offset, for reader errors. */
static void offset_pos(const char *text, size_t len, size_t off,
                       uint32_t *line, uint32_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

static void parser_error(loader *L, const yaml_parser_t *p, const char *text,
                         size_t len)
{
	const char *problem = p->problem ? p->problem : "unknown error";
	uint32_t line, col;
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		report(L, 0, 0, "out of memory while reading YAML");
		return;
	case YAML_READER_ERROR:
		offset_pos(text, len, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			report(L, line, col, "%s (byte 0x%02x)", problem,
			       (unsigned)p->problem_value & 0xff);
		else
			report(L, line, col, "%s", problem);
		return;
	default:
		line = (uint32_t)p->problem_mark.line + 1;
		col = (uint32_t)p->problem_mark.column + 1;
		if (p->context)
			report(L, line, col,
			       "YAML syntax error: %s (%s at line %u, column "
			       "%u)",
			       problem, p->context,
			       (unsigned)p->context_mark.line + 1,
			       (unsigned)p->context_mark.column + 1);
		else
			report(L, line, col, "YAML syntax error: %s", problem);
		return;
	}
}

/* Lay one YAML text (named `file` in messages) over the theme. */
static int load_layer(loader *L, const char *file, const char *text,
                      size_t len)
{
	L->file = file;
	L->errors = 0;
	for (int i = 0; i < L->nfields; i++)
		L->st[i].given = false;

	yaml_parser_t p;
	if (!yaml_parser_initialize(&p)) {
		report(L, 0, 0, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	yaml_document_t doc;
	if (!yaml_parser_load(&p, &doc)) {
		parser_error(L, &p, text, len);
		yaml_parser_delete(&p);
		return -1;
	}
	L->doc = &doc;
	const yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (root && root->type == YAML_MAPPING_NODE) {
		const char *prefix[MAX_DEPTH + 1];
		walk_mapping(L, root, prefix, 0);
	} else if (root && !is_null(root)) {
		node_error(L, root, "a theme is a mapping of sections (page, "
		                    "fonts, colors, ...), not %s",
		           node_kind(root));
	}
	/* (an empty file or a lone "---" is an empty theme) */
	if (root) {
		yaml_document_t next;
		if (!yaml_parser_load(&p, &next)) {
			parser_error(L, &p, text, len);
		} else {
			const yaml_node_t *r2 =
				yaml_document_get_root_node(&next);
			if (r2)
				node_error(L, r2, "a theme file holds one YAML "
				                  "document; found a second one");
			yaml_document_delete(&next);
		}
	}
	L->doc = NULL;
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	if (L->errors)
		return -1;

	/* page.size versus page.width/height, within this layer */
	fstate *sz = &L->st[L->i_size], *w = &L->st[L->i_width],
	       *h = &L->st[L->i_height];
	if (sz->given && (w->given || h->given)) {
		fstate *c = w->given ? w : h;
		report(L, c->line, c->col,
		       "page.%s conflicts with page.size (give a named size "
		       "or width and height, not both)",
		       c == w ? "width" : "height");
		return -1;
	}
	if (w->given || h->given) {
		/* explicit dimensions: a custom size, shaped as given unless
		 * this layer also says which way round */
		if (set_string(L, &L->t->page.size, "custom"))
			return -1;
		if (!L->st[L->i_orient].given)
			L->t->page.landscape =
				L->t->page.width > L->t->page.height;
	}
	return 0;
}

/* ---- files and names ---- */

static const char *errstr(int e, char *buf, size_t size)
{
	if (strerror_r(e, buf, size) != 0)
		snprintf(buf, size, "error %d", e);
	return buf;
}

/* Read a whole theme file (at most MC_THEME_MAX_BYTES).  Reports and
 * returns NULL on failure. */
static char *read_file(loader *L, const char *path, size_t *len)
{
	char eb[128];
	L->file = path;
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		report(L, 0, 0, "cannot open theme: %s",
		       errstr(errno, eb, sizeof eb));
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		report(L, 0, 0, "is a directory, not a theme file");
		fclose(fp);
		return NULL;
	}
	char *buf = malloc((size_t)MC_THEME_MAX_BYTES + 1);
	if (!buf) {
		report(L, 0, 0, "out of memory");
		fclose(fp);
		return NULL;
	}
	size_t n = fread(buf, 1, (size_t)MC_THEME_MAX_BYTES + 1, fp);
	int rerr = ferror(fp) ? errno : 0;
	fclose(fp);
	if (rerr) {
		report(L, 0, 0, "cannot read theme: %s",
		       errstr(rerr, eb, sizeof eb));
		free(buf);
		return NULL;
	}
	if (n > (size_t)MC_THEME_MAX_BYTES) {
		report(L, 0, 0, "theme file is larger than %ld KiB",
		       MC_THEME_MAX_BYTES / 1024);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

static bool is_path(const char *s)
{
	return strchr(s, '/') || ends_with(s, ".yaml") || ends_with(s, ".yml");
}

static char *join3(const char *dir, const char *name, const char *ext)
{
	size_t n = strlen(dir) + 1 + strlen(name) + strlen(ext) + 1;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s/%s%s", dir, name, ext);
	return s;
}

/* Find theme NAME: NAME.yaml in <binary's dir>/styles, then MC_STYLEDIR.
 * Returns a malloc'd path, or NULL after reporting. */
static char *find_theme(loader *L, const char *name)
{
	L->file = name;
	if (!*name) {
		report(L, 0, 0, "empty theme name");
		return NULL;
	}
	char *cand[2] = {NULL, NULL};
	int ncand = 0;
	char exe[PATH_MAX + 8];
	ssize_t n = readlink("/proc/self/exe", exe, PATH_MAX);
	if (n > 0 && n < PATH_MAX) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			strcpy(slash, "/styles");
			if (!(cand[ncand++] = join3(exe, name, ".yaml")))
				goto oom;
		}
	}
	if (!(cand[ncand++] = join3(MC_STYLEDIR, name, ".yaml")))
		goto oom;
	for (int i = 0; i < ncand; i++)
		if (access(cand[i], F_OK) == 0) {
			char *found = cand[i];
			for (int j = 0; j < ncand; j++)
				if (j != i)
					free(cand[j]);
			return found;
		}
	if (ncand == 2)
		report(L, 0, 0, "unknown theme \"%s\" (looked for %s and %s)",
		       name, cand[0], cand[1]);
	else
		report(L, 0, 0, "unknown theme \"%s\" (looked for %s)", name,
		       cand[0]);
	for (int i = 0; i < ncand; i++)
		free(cand[i]);
	return NULL;
oom:
	for (int i = 0; i < ncand; i++)
		free(cand[i]);
	report(L, 0, 0, "out of memory");
	return NULL;
}

/* ---- after all layers ---- */

/* Which of fields a, b, c was written last. */
static const fstate *latest(const loader *L, int a, int b, int c)
{
	const fstate *s = &L->st[a];
	if (L->st[b].seq > s->seq)
		s = &L->st[b];
	if (L->st[c].seq > s->seq)
		s = &L->st[c];
	return s;
}

static int field_index(const loader *L, size_t off)
{
	for (int i = 0; i < L->nfields; i++)
		if (L->fields[i].off == off)
			return i;
	return 0;
}

static int finish(loader *L)
{
	mc_theme *t = L->t;
	if (t->page.landscape != (t->page.width > t->page.height)) {
		double w = t->page.width;
		t->page.width = t->page.height;
		t->page.height = w;
	}
	static const struct {
		const char *what;
		size_t dim, m1, m2;
	} checks[] = {
		{"width", OFF(page.width), OFF(page.margins.left),
		 OFF(page.margins.right)},
		{"height", OFF(page.height), OFF(page.margins.top),
		 OFF(page.margins.bottom)},
	};
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		double dim = *(const double *)(const void *)((const char *)t +
		                                            checks[i].dim);
		double m1 = *(const double *)(const void *)((const char *)t +
		                                           checks[i].m1);
		double m2 = *(const double *)(const void *)((const char *)t +
		                                           checks[i].m2);
		double room = dim - m1 - m2;
		if (room >= PT_PER_IN)
			continue;
		/* blame whichever was written last (a named size counts as
		 * writing the width and height) */
		const fstate *s = latest(L, field_index(L, checks[i].dim),
		                         field_index(L, checks[i].m1),
		                         field_index(L, checks[i].m2));
		L->file = s->file;
		report(L, s->line, s->col,
		       "the margins leave %.4gpt of the page %s (%.4gpt) for "
		       "text; at least %gpt is needed",
		       room, checks[i].what, dim, PT_PER_IN);
		return -1;
	}
	return 0;
}

/* ---- contrast ---- */

#define PAGE_COLOR 0xFFFFFFu /* every backend prints on white */
#define NO_OFF ((size_t)-1)  /* a background with no key: the page */

/* The keys' places in mc_theme of one pair, for the loader's messages. */
typedef struct pair_off {
	size_t fg, bg; /* bg NO_OFF: the page */
} pair_off;

typedef struct pairs {
	mc_theme_contrast *out;
	pair_off *off; /* may be NULL */
	size_t cap, n;
} pairs;

static double luminance(uint32_t rgb)
{
	return 0.2126 * mc_srgb_linear((rgb >> 16) & 0xFF) +
	       0.7152 * mc_srgb_linear((rgb >> 8) & 0xFF) +
	       0.0722 * mc_srgb_linear(rgb & 0xFF);
}

double mc_contrast_ratio(uint32_t a, uint32_t b)
{
	double la = luminance(a), lb = luminance(b);
	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* WCAG's large text: 18pt, or 14pt bold. */
static double min_ratio(double size, bool bold)
{
	return size >= 18 || (bold && size >= 14) ? 3.0 : 4.5;
}

static void put_pair(pairs *P, const char *fg_key, uint32_t fg,
                     size_t fg_off, const char *bg_key, uint32_t bg,
                     size_t bg_off, double size, bool bold)
{
	size_t i = P->n++;
	if (i >= P->cap)
		return;
	mc_theme_contrast *c = &P->out[i];
	snprintf(c->fg_key, sizeof c->fg_key, "%s", fg_key);
	snprintf(c->bg_key, sizeof c->bg_key, "%s", bg_key);
	c->fg = fg;
	c->bg = bg;
	c->ratio = mc_contrast_ratio(fg, bg);
	c->min = min_ratio(size, bold);
	if (P->off) {
		P->off[i].fg = fg_off;
		P->off[i].bg = bg_off;
	}
}

static double min2(double a, double b)
{
	return a < b ? a : b;
}

/* Which colour is drawn on which background, as the backends use them:
 * body text, muted text (captions, attributions, header and footer) and
 * links on the page, in code blocks, in table header cells and in every
 * kind of box; a box's label (bold, the small size) in its rule colour on
 * the box and, on a video card outside a box, on the page. */
static size_t contrast_pairs(const mc_theme *t, mc_theme_contrast *out,
                             pair_off *off, size_t cap)
{
	enum { NBG = 3 + MC_CALLOUT_HIGHLIGHT + MC_THEME_HIGHLIGHTS };
	struct {
		char key[48];
		uint32_t color;
		size_t off;
	} bg[NBG];
	struct {
		char rule_key[48];
		const mc_callout_style *style;
		size_t rule_off;
	} box[MC_CALLOUT_HIGHLIGHT + MC_THEME_HIGHLIGHTS];
	int nbg = 0;
	snprintf(bg[nbg].key, sizeof bg[nbg].key, "the page (#%06x)",
	         PAGE_COLOR);
	bg[nbg].color = PAGE_COLOR;
	bg[nbg++].off = NO_OFF;
	snprintf(bg[nbg].key, sizeof bg[nbg].key, "colors.code_background");
	bg[nbg].color = t->colors.code_background;
	bg[nbg++].off = OFF(colors.code_background);
	snprintf(bg[nbg].key, sizeof bg[nbg].key,
	         "colors.table_header_background");
	bg[nbg].color = t->colors.table_header_background;
	bg[nbg++].off = OFF(colors.table_header_background);
	for (int k = 0; k < MC_CALLOUT_HIGHLIGHT + MC_THEME_HIGHLIGHTS; k++) {
		char name[24];
		const mc_callout_style *cs;
		size_t base;
		if (k < MC_CALLOUT_HIGHLIGHT) {
			snprintf(name, sizeof name, "%s",
			         mc_callout_kind_name((mc_callout_kind)k));
			cs = &t->callouts[k];
			base = OFF(callouts) + (size_t)k * sizeof *cs;
		} else {
			int v = k - MC_CALLOUT_HIGHLIGHT;
			snprintf(name, sizeof name, "highlight%d", v + 1);
			cs = &t->highlights[v];
			base = OFF(highlights) + (size_t)v * sizeof *cs;
		}
		snprintf(bg[nbg].key, sizeof bg[nbg].key, "callouts.%s.background",
		         name);
		bg[nbg].color = cs->background;
		bg[nbg++].off = base + offsetof(mc_callout_style, background);
		snprintf(box[k].rule_key, sizeof box[k].rule_key,
		         "callouts.%s.rule", name);
		box[k].style = cs;
		box[k].rule_off = base + offsetof(mc_callout_style, rule);
	}

	const double body = t->sizes.body, small = t->sizes.small;
	const struct {
		const char *key;
		uint32_t color;
		size_t off;
		double size; /* the smallest it is set at */
	} fg[] = {
		{"colors.text", t->colors.text, OFF(colors.text),
		 min2(min2(body, small), t->sizes.code)},
		{"colors.muted", t->colors.muted, OFF(colors.muted), small},
		{"colors.link", t->colors.link, OFF(colors.link),
		 min2(body, small)},
	};
	pairs P = {out, off, cap, 0};
	for (size_t f = 0; f < sizeof fg / sizeof fg[0]; f++)
		for (int b = 0; b < nbg; b++)
			put_pair(&P, fg[f].key, fg[f].color, fg[f].off,
			         bg[b].key, bg[b].color, bg[b].off, fg[f].size,
			         false);
	for (int k = 0; k < MC_CALLOUT_HIGHLIGHT + MC_THEME_HIGHLIGHTS; k++) {
		const mc_callout_style *cs = box[k].style;
		put_pair(&P, box[k].rule_key, cs->rule, box[k].rule_off,
		         bg[3 + k].key, cs->background, bg[3 + k].off,
		         min2(body, small), true);
		put_pair(&P, box[k].rule_key, cs->rule, box[k].rule_off,
		         bg[0].key, PAGE_COLOR, NO_OFF, min2(body, small), true);
	}
	return P.n;
}

size_t mc_theme_contrasts(const mc_theme *t, mc_theme_contrast *out,
                          size_t cap)
{
	return contrast_pairs(t, out, NULL, cap);
}

/* A warning per text colour / background pair below WCAG's ratio, at the
 * key of the two written last (the user's, when the user wrote one). */
static void check_contrast(loader *L)
{
	mc_theme_contrast c[MC_THEME_CONTRASTS];
	pair_off off[MC_THEME_CONTRASTS];
	size_t n = contrast_pairs(L->t, c, off, MC_THEME_CONTRASTS);
	if (n > MC_THEME_CONTRASTS)
		n = MC_THEME_CONTRASTS;
	for (size_t i = 0; i < n; i++) {
		if (c[i].ratio >= c[i].min)
			continue;
		const fstate *s = &L->st[field_index(L, off[i].fg)];
		if (off[i].bg != NO_OFF) {
			const fstate *b = &L->st[field_index(L, off[i].bg)];
			if (b->seq > s->seq)
				s = b;
		}
		/* cut, not rounded: 4.496 is not "4.50:1, less than 4.5:1" */
		double cut = mc_floor(c[i].ratio * 100.0) / 100.0;
		mc_warn_at(L->diag, s->file ? s->file : L->file, s->line, s->col,
		           "%s on %s is %.2f:1, less than %g:1 for %s",
		           c[i].fg_key, c[i].bg_key, cut, c[i].min,
		           c[i].min < 4.5 ? "large text" : "text");
	}
}

/* ---- public ---- */

void mc_theme_free(mc_theme *t)
{
	if (!t)
		return;
	free((char *)t->page.size);
	free((char *)t->fonts.body);
	free((char *)t->fonts.heading);
	free((char *)t->fonts.mono);
	free_list(t->fonts.fallback, t->fonts.nfallback);
	for (int i = 0; i < MC_CALLOUT_HIGHLIGHT; i++)
		free((char *)t->callouts[i].label);
	for (int i = 0; i < MC_THEME_HIGHLIGHTS; i++)
		free((char *)t->highlights[i].label);
	free((char *)t->answer.placeholder);
	free((char *)t->worksheet.name_label);
	free((char *)t->worksheet.date_label);
	free((char *)t->worksheet.label);
	free((char *)t->worksheet.notes_label);
	for (int i = 0; i < MC_EMBED_KIND__MAX; i++)
		free((char *)t->embed.label[i]);
	free((char *)t->toc.title);
	free((char *)t->toc.leader);
	free((char *)t->header);
	free((char *)t->footer);
	free((char *)t->file);
	free(t);
}

/* Lay YAML text `base` (named base_file) over the zeroed theme: it must
 * set every key. */
static int base_yaml(loader *L, const char *base, size_t len,
                     const char *base_file)
{
	if (load_layer(L, base_file, base, len))
		return -1;
	L->file = base_file;
	for (int i = 0; i < L->nfields; i++)
		if (!L->st[i].set) {
			char p[128];
			path_str(L->fields[i].key, L->fields[i].depth, p,
			         sizeof p);
			report(L, 0, 0, "missing key %s (the default theme must "
			                "set every key)",
			       p);
		}
	return L->errors ? -1 : 0;
}

#ifndef MC_THEME_GEN
static const char **copy_list(const char *const *list, size_t n)
{
	const char **copy = calloc(n + 1, sizeof *copy);
	if (!copy)
		return NULL;
	for (size_t k = 0; k < n; k++)
		if (!(copy[k] = strdup(list[k]))) {
			free_list(copy, k);
			return NULL;
		}
	return copy;
}

/* Set the theme to the default read at build time (default.h), as
 * base_yaml() of styles/default.yaml would: the same values, and every
 * field marked as set where the file sets it. */
static int base_prebuilt(loader *L)
{
	L->file = DEFAULT_FILE;
	if (mc_default_nfields != L->nfields) {
		report(L, 0, 0, "the built-in default theme has %d keys, the "
		                "schema %d: rebuild",
		       mc_default_nfields, L->nfields);
		return -1;
	}
	for (int i = 0; i < L->nfields; i++) {
		const field *f = &L->fields[i];
		const mc_default_field *d = &mc_default_fields[i];
		switch (f->type) {
		case T_PAGE_SIZE:
		case T_FAMILY:
		case T_TEXT:
		case T_TEMPLATE:
			if (set_string(L, SLOT(L, f, const char *), d->v.s))
				return -1;
			break;
		case T_ORIENTATION:
		case T_BOOL:
			*SLOT(L, f, bool) = d->v.b;
			break;
		case T_LENGTH:
		case T_FONT_SIZE:
		case T_NUMBER:
			*SLOT(L, f, double) = d->v.d;
			break;
		case T_INT:
			*SLOT(L, f, int) = d->v.i;
			break;
		case T_COLOR:
		case T_COLOR_OPT:
			*SLOT(L, f, uint32_t) = d->v.u;
			break;
		case T_FAMILIES: {
			const char **list = copy_list(d->v.list, d->n);
			if (!list) {
				report(L, 0, 0, "out of memory");
				return -1;
			}
			L->t->fonts.fallback = list;
			L->t->fonts.nfallback = d->n;
			break;
		}
		}
		fstate *s = &L->st[i];
		s->set = true;
		s->file = DEFAULT_FILE;
		s->line = d->line;
		s->col = d->col;
		s->seq = d->seq;
	}
	L->seq = mc_default_seq;
	return 0;
}
#else
/* tools/themegen.c, which makes the prebuilt default, has none */
static int base_prebuilt(loader *L)
{
	report(L, 0, 0, "no prebuilt default theme in the generator");
	return -1;
}
#endif

/* Load a theme: base (len bytes of YAML named base_file), or the
 * prebuilt default when base is NULL, then name_or_file over it. */
static int load_theme(const char *base, size_t len, const char *base_file,
                      const char *name_or_file, mc_theme **out,
                      mc_diag *diag)
{
	*out = NULL;
	loader *L = calloc(1, sizeof *L);
	mc_theme *t = calloc(1, sizeof *t);
	char *path = NULL, *text = NULL;
	int rc = -1;
	if (!L || !t) {
		mc_error_at(diag, base_file, 0, 0,
		            "out of memory loading the theme");
		goto done;
	}
	L->diag = diag;
	L->t = t;
	build_schema(L);

	if (base ? base_yaml(L, base, len, base_file) : base_prebuilt(L))
		goto done;

	if (name_or_file) {
		if (is_path(name_or_file)) {
			path = strdup(name_or_file);
			if (!path) {
				mc_error_at(diag, name_or_file, 0, 0,
				            "out of memory");
				goto done;
			}
		} else if (!(path = find_theme(L, name_or_file))) {
			goto done;
		}
		size_t tlen;
		if (!(text = read_file(L, path, &tlen)))
			goto done;
		if (load_layer(L, path, text, tlen))
			goto done;
	}
	if (finish(L))
		goto done;
	/* the prebuilt default's contrast was checked when it was built */
	if (base || name_or_file)
		check_contrast(L);
	t->file = path; /* the theme owns it now */
	path = NULL;
	*out = t;
	t = NULL;
	rc = 0;
done:
	mc_theme_free(t);
	free(text);
	free(path);
	free(L);
	return rc;
}

int mc_theme_load_with_base(const char *base, size_t len,
                            const char *base_file, const char *name_or_file,
                            mc_theme **out, mc_diag *diag)
{
	return load_theme(base ? base : "", base ? len : 0, base_file,
	                  name_or_file, out, diag);
}

int mc_theme_set_paper(mc_theme *t, const char *name)
{
	for (size_t k = 0; k < NPAPERS; k++)
		if (!strcasecmp(name, papers[k].name)) {
			char *n = strdup(papers[k].name);
			if (!n)
				return -1;
			free((char *)t->page.size);
			t->page.size = n;
			bool land = t->page.landscape;
			t->page.width = land ? papers[k].height : papers[k].width;
			t->page.height = land ? papers[k].width : papers[k].height;
			return 0;
		}
	return -1;
}

#ifndef MC_THEME_GEN
int mc_theme_load(const char *name_or_file, mc_theme **out, mc_diag *diag)
{
	return load_theme(NULL, 0, DEFAULT_FILE, name_or_file, out, diag);
}
#endif
