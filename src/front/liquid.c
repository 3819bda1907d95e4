/*
 * liquid.c - Liquid as Jekyll runs it, on the page body (step 1 of
 * internal.h, before the pre-pass).
 *
 * No C Liquid library of quality exists, so this is a small interpreter:
 *   values   nil, bool, int, float, string, array, hash (lv), built from
 *            the front matter (page.*), _config.yml (site.*) and the
 *            files of _data/ (site.data.*, read only when a template
 *            looks there);
 *   tokens   text, {{ output }} and {% tag %}, with whitespace control;
 *   tree     the tags' blocks (if, for, case, capture, highlight, ...)
 *            parsed with a stack; a block never closed keeps its body;
 *   render   into a sink that remembers, for each output line, the
 *            source line (and column) it came from: the line map the
 *            pre-pass uses, so that diagnostics and model lines point at
 *            the page even after includes, captures and loops.
 *
 * Nothing is lost silently: an unknown tag or filter, an undefined
 * variable printed, a syntax error is a warning at its file:line:col.
 * Hostile input is bounded: output size, loop iterations, render steps,
 * block nesting and include depth are capped, each with a warning.
 *
 * All state lives in one lq per call: nothing global, nothing mutable
 * shared between conversions.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "../util/arena.h"
#include "../util/grow.h"
#include "../util/json.h"
#include "../util/slug.h"
#include "../util/fmath.h"
#include "../util/utc.h"
#include "../util/confine.h"
#include "../util/utf8.h"
#include "internal.h"

#define LQ_MAX_NEST 100          /* open blocks in one template */
#define LQ_MAX_INCLUDE 10        /* include depth */
#define LQ_MAX_ITER 1000000u     /* loop iterations, all loops */
#define LQ_MAX_STEPS 20000000u   /* nodes rendered and filters applied */
#define LQ_MAX_OUT (64u * 1024 * 1024) /* bytes produced, all strings */
#define LQ_MAX_MEM (128u * 1024 * 1024) /* values made */
#define LQ_MAX_RANGE 100000      /* elements of a range made into a list */
#define LQ_MAX_WARN 200          /* Liquid warnings per page */
#define LQ_MAX_DATA_FILES 4096
#define LQ_MAX_FILE (4u * 1024 * 1024)
/* "now" when SOURCE_DATE_EPOCH is not set: a fixed time (2000-01-01),
 * so that output never depends on when it was made */
#define LQ_FIXED_NOW 946684800

/* ---------------------------------------------------------------- */
/* values                                                            */

typedef enum lk {
	LV_NIL,
	LV_BOOL,
	LV_INT,
	LV_FLOAT,
	LV_STR,
	LV_ARR,
	LV_HASH,
	LV_LAZY,  /* site.data, its folders and files: read on first
	             look-up (s: the path, i: a LAZY_ kind) */
	LV_EMPTY, /* the literal `empty` */
	LV_BLANK  /* the literal `blank` */
} lk;

enum { LAZY_DATA, LAZY_DIR, LAZY_YAML, LAZY_CSV };

typedef struct lv lv;
struct lv {
	lk k;
	bool b;
	long long i;
	double f;
	const char *s; /* string bytes (NUL-terminated) */
	size_t n;      /* string length; array/hash count */
	size_t cap;
	lv **items;        /* array items, hash values */
	const char **keys; /* hash keys */
	size_t *tab;       /* a big hash's index: key slot -> item + 1 */
	size_t tabcap, tabn; /* its size (a power of 2); items indexed */
};

/* ---------------------------------------------------------------- */
/* the tree                                                          */

typedef enum nk {
	N_TEXT,
	N_OUT,
	N_IF,
	N_UNLESS,
	N_CASE,
	N_FOR,
	N_ASSIGN,
	N_CAPTURE,
	N_INCLUDE,
	N_HIGHLIGHT,
	N_BREAK,
	N_CONTINUE,
	N_INCREMENT,
	N_DECREMENT,
	N_CYCLE,
	N_LINK,
	N_POST_URL,
	N_UNKNOWN,       /* a tag we do not know: warned, left out */
	N_UNKNOWN_BLOCK, /* the same with a body up to its end tag */
	N_SPLICE,        /* a block never closed: its bodies, in order */
	N_NOTHING        /* comment */
} nk;

typedef struct ln ln;

typedef struct lbr {
	const char *m; /* markup (condition, when values), NULL for else */
	size_t mn;
	bool is_else;
	uint32_t line, col;
	ln *body;
	ln **tail;
} lbr;

struct ln {
	nk k;
	const char *name; /* tag name */
	size_t namelen;
	const char *s; /* text, or the tag's markup after its name */
	size_t n;
	uint32_t line, col;
	const char *file; /* for messages: NULL, the page */
	lbr *br;
	size_t nbr, capbr;
	ln *next;
	uint32_t endline; /* line of the end tag (blocks) */
};

/* ---------------------------------------------------------------- */
/* output                                                            */

/* Where rendered text goes.  A mapped sink records for each line it
 * holds the source position of the line's first byte. */
typedef struct sink {
	mc_buf b;
	bool mapped;
	bool at_start; /* the next byte starts a line */
	uint32_t *ml, *mc;
	size_t nm, cap;
} sink;

typedef struct lq {
	mc_fe *fe;
	mc_arena *A;
	lv *nil;
	lv *env;    /* assigned variables (Liquid's outermost scope) */
	lv *scopes[LQ_MAX_NEST * 2 + LQ_MAX_INCLUDE + 8];
	int nscopes;
	lv *counters; /* increment / decrement */
	lv *cycles;
	lv *site, *page;
	sink *out;
	/* included text: every byte maps to the outermost include tag */
	int include_depth;
	uint32_t ovr_line, ovr_col;
	bool need_nl; /* a newline before the next byte (after a fence) */
	/* budgets */
	size_t iters, steps, bytes, mem;
	lv *yes, *no; /* true and false (values are never changed) */
	bool stop, warned_stop;
	int brk;   /* 1 break, 2 continue */
	int loops; /* for loops being rendered */
	/* a failed look-up in the last expression (for the warning) */
	const char *missing;
	int nwarn;
	size_t seen[LQ_MAX_WARN]; /* hashes of the warnings given: a loop
	                             repeats none */
	const char **warned; /* filter names warned about */
	size_t nwarned;
	long long now;
	size_t ndata; /* data files read */
} lq;

static size_t key_hash(const char *s, size_t n);
static void lwarn(lq *c, const char *file, uint32_t line, uint32_t col,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void lwarn(lq *c, const char *file, uint32_t line, uint32_t col,
                  const char *fmt, ...)
{
	if (c->nwarn > LQ_MAX_WARN)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	size_t h = key_hash(msg, strlen(msg)) ^ (size_t)line * 31 ^
	           (size_t)col * 1009 ^
	           (file ? key_hash(file, strlen(file)) : 0);
	for (int i = 0; i < c->nwarn && i < LQ_MAX_WARN; i++)
		if (c->seen[i] == h)
			return; /* the same warning at the same place */
	if (c->nwarn < LQ_MAX_WARN)
		c->seen[c->nwarn] = h;
	if (++c->nwarn > LQ_MAX_WARN)
		snprintf(msg, sizeof msg, "more than %d Liquid warnings; the "
		         "rest are not shown", LQ_MAX_WARN);
	if (file)
		mc_warn_at(c->fe->diag, file, line, col, "%s", msg);
	else
		mc_warn(c->fe->diag, line, col, "%s", msg);
}

/* Count bytes produced; false (and stop) past the budget. */
static bool budget(lq *c, size_t n)
{
	c->bytes += n;
	if (c->bytes > LQ_MAX_OUT || c->iters > LQ_MAX_ITER ||
	    c->steps > LQ_MAX_STEPS || c->mem > LQ_MAX_MEM) {
		c->stop = true;
		return false;
	}
	return true;
}

/* memmem without _GNU_SOURCE; linear time (Knuth-Morris-Pratt) for a
 * long needle, so that "aaa...ab" in "aaa...a" cannot take hours. */
static const char *find_mem(const char *s, size_t n, const char *t,
                            size_t tn)
{
	if (tn == 0)
		return s;
	if (tn > 16 && n >= tn) {
		size_t *fail = mc_xmalloc(tn * sizeof *fail);
		fail[0] = 0;
		for (size_t i = 1, k = 0; i < tn; i++) {
			while (k && t[i] != t[k])
				k = fail[k - 1];
			if (t[i] == t[k])
				k++;
			fail[i] = k;
		}
		const char *r = NULL;
		for (size_t i = 0, k = 0; i < n; i++) {
			while (k && s[i] != t[k])
				k = fail[k - 1];
			if (s[i] == t[k])
				k++;
			if (k == tn) {
				r = s + i + 1 - tn;
				break;
			}
		}
		free(fail);
		return r;
	}
	for (const char *p = s; n >= tn;) {
		const char *q = memchr(p, t[0], n - tn + 1);
		if (!q)
			return NULL;
		if (memcmp(q, t, tn) == 0)
			return q;
		n -= (size_t)(q + 1 - p);
		p = q + 1;
	}
	return NULL;
}

static lv *lv_new(lq *c, lk k)
{
	lv *v = mc_arena_alloc(c->A, sizeof *v);
	v->k = k;
	c->mem += sizeof *v;
	return v;
}

static lv *lv_strn(lq *c, const char *s, size_t n)
{
	lv *v = lv_new(c, LV_STR);
	budget(c, n);
	v->s = mc_arena_strndup(c->A, s ? s : "", s ? n : 0);
	v->n = s ? n : 0;
	return v;
}

static lv *lv_str(lq *c, const char *s)
{
	return lv_strn(c, s, s ? strlen(s) : 0);
}

static lv *lv_buf(lq *c, mc_buf *b)
{
	lv *v = lv_strn(c, b->data ? b->data : "", b->len);
	mc_buf_free(b);
	return v;
}

static lv *lv_int(lq *c, long long i)
{
	lv *v = lv_new(c, LV_INT);
	v->i = i;
	return v;
}

static lv *lv_float(lq *c, double f)
{
	lv *v = lv_new(c, LV_FLOAT);
	v->f = f;
	return v;
}

static lv *lv_bool(lq *c, bool b)
{
	return b ? c->yes : c->no;
}

static void arr_push(lq *c, lv *a, lv *x)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4;
		c->mem += cap * (sizeof(lv *) + (a->k == LV_HASH ? sizeof(char *)
		                                                 : 0));
		lv **v = mc_arena_alloc(c->A, cap * sizeof *v);
		const char **k = a->k == LV_HASH
		                         ? mc_arena_alloc(c->A, cap * sizeof *k)
		                         : NULL;
		if (a->n) {
			memcpy(v, a->items, a->n * sizeof *v);
			if (k)
				memcpy(k, a->keys, a->n * sizeof *k);
		}
		a->items = v;
		a->keys = k;
		a->cap = cap;
	}
	a->items[a->n++] = x ? x : c->nil;
}

static void load_data(lq *c, lv *v);

static size_t key_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return (size_t)h;
}

static bool key_is(const char *k, const char *s, size_t n)
{
	return strlen(k) == n && memcmp(k, s, n) == 0;
}

static void tab_insert(lv *h, size_t i)
{
	size_t m = h->tabcap - 1;
	for (size_t j = key_hash(h->keys[i], strlen(h->keys[i])) & m;;
	     j = (j + 1) & m)
		if (!h->tab[j]) {
			h->tab[j] = i + 1;
			return;
		}
}

static void tab_build(lq *c, lv *h)
{
	size_t cap = 64;
	while (cap < 2 * h->n + 2)
		cap *= 2;
	h->tab = mc_arena_alloc(c->A, cap * sizeof *h->tab);
	c->mem += cap * sizeof *h->tab;
	h->tabcap = cap;
	for (size_t i = 0; i < h->n; i++)
		tab_insert(h, i);
	h->tabn = h->n;
}

/* The position of key (n bytes) in hash h, or -1: a linear search in a
 * small hash, the index (made on demand) in a big one. */
static long hash_find(lq *c, lv *h, const char *key, size_t n)
{
	if (h->n < 16) {
		for (size_t i = h->n; i-- > 0;)
			if (key_is(h->keys[i], key, n))
				return (long)i;
		return -1;
	}
	if (!h->tab || h->tabn != h->n)
		tab_build(c, h);
	size_t m = h->tabcap - 1;
	for (size_t j = key_hash(key, n) & m; h->tab[j]; j = (j + 1) & m)
		if (key_is(h->keys[h->tab[j] - 1], key, n))
			return (long)(h->tab[j] - 1);
	return -1;
}

/* A hash's value for key (n bytes), or NULL. */
static lv *hash_get(lq *c, lv *h, const char *key, size_t n)
{
	if (!h || h->k != LV_HASH)
		return NULL;
	long i = hash_find(c, h, key, n);
	if (i < 0)
		return NULL;
	lv *v = h->items[i];
	if (v->k == LV_LAZY)
		load_data(c, v);
	return v;
}

static void hash_set(lq *c, lv *h, const char *key, size_t n, lv *x)
{
	long i = hash_find(c, h, key, n);
	if (i >= 0) {
		h->items[i] = x ? x : c->nil;
		return;
	}
	arr_push(c, h, x);
	h->keys[h->n - 1] = mc_arena_strndup(c->A, key, n);
	if (h->tab && h->tabn == h->n - 1) { /* keep the index up to date */
		if (2 * h->n + 2 > h->tabcap) {
			tab_build(c, h);
		} else {
			tab_insert(h, h->n - 1);
			h->tabn = h->n;
		}
	}
}

static bool truthy(const lv *v)
{
	return v && v->k != LV_NIL && !(v->k == LV_BOOL && !v->b);
}

static bool is_num(const lv *v)
{
	return v->k == LV_INT || v->k == LV_FLOAT;
}

static double num_of(const lv *v)
{
	return v->k == LV_INT ? (double)v->i : v->f;
}

/* Append the value as Liquid prints it. */
static void put_value(lq *c, mc_buf *b, const lv *v, int depth)
{
	c->steps++; /* shared values (YAML aliases) can make this long */
	if (depth > 32 || !budget(c, 0))
		return;
	switch (v->k) {
	case LV_NIL:
	case LV_LAZY:
	case LV_EMPTY:
	case LV_BLANK:
		break;
	case LV_BOOL:
		mc_buf_puts(b, v->b ? "true" : "false");
		break;
	case LV_INT:
		mc_buf_printf(b, "%lld", v->i);
		break;
	case LV_FLOAT: {
		char t[64];
		if (isnan(v->f) || isinf(v->f)) {
			mc_buf_puts(b, isnan(v->f) ? "NaN"
			                           : v->f > 0 ? "Infinity"
			                                      : "-Infinity");
			break;
		}
		snprintf(t, sizeof t, "%.15g", v->f);
		mc_buf_puts(b, t);
		if (!strpbrk(t, ".e"))
			mc_buf_puts(b, ".0");
		break;
	}
	case LV_STR:
		mc_buf_put(b, v->s, v->n);
		break;
	case LV_ARR: /* Ruby's Array#join: no separator */
		for (size_t i = 0; i < v->n && !c->stop; i++) {
			put_value(c, b, v->items[i], depth + 1);
			if (!budget(c, 0) || b->len > LQ_MAX_OUT)
				c->stop = true;
		}
		break;
	case LV_HASH: /* Ruby's Hash#to_s */
		mc_buf_putc(b, '{');
		for (size_t i = 0; i < v->n && !c->stop; i++) {
			mc_buf_printf(b, "%s\"%s\"=>", i ? ", " : "", v->keys[i]);
			const lv *x = v->items[i];
			if (x->k == LV_STR)
				mc_buf_printf(b, "\"%s\"", x->s);
			else if (x->k == LV_NIL)
				mc_buf_puts(b, "nil");
			else
				put_value(c, b, x, depth + 1);
			if (b->len > LQ_MAX_OUT)
				c->stop = true;
		}
		mc_buf_putc(b, '}');
		break;
	}
}

/* The value as a string (the string itself for a string). */
static const char *str_of(lq *c, const lv *v, size_t *n)
{
	if (v->k == LV_STR) {
		*n = v->n;
		return v->s;
	}
	mc_buf b = MC_BUF_INIT;
	put_value(c, &b, v, 0);
	const char *s = mc_arena_strndup(c->A, b.data ? b.data : "", b.len);
	*n = b.len;
	budget(c, b.len);
	mc_buf_free(&b);
	return s;
}

static const char *cstr(lq *c, const lv *v)
{
	size_t n;
	return str_of(c, v, &n);
}

static bool is_empty(const lv *v)
{
	return (v->k == LV_STR || v->k == LV_ARR || v->k == LV_HASH) &&
	       v->n == 0;
}

static bool is_blank(const lv *v)
{
	if (!truthy(v) || is_empty(v))
		return true;
	if (v->k != LV_STR)
		return false;
	for (size_t i = 0; i < v->n; i++)
		if (!isspace((unsigned char)v->s[i]))
			return false;
	return true;
}

static bool lv_eq(lq *c, const lv *a, const lv *b, int depth)
{
	c->steps++; /* shared values (YAML aliases) can make this long */
	if (depth > 32 || !budget(c, 0))
		return false;
	if (a->k == LV_EMPTY || b->k == LV_EMPTY)
		return is_empty(a->k == LV_EMPTY ? b : a) ||
		       (a->k == LV_EMPTY && b->k == LV_EMPTY);
	if (a->k == LV_BLANK || b->k == LV_BLANK)
		return is_blank(a->k == LV_BLANK ? b : a);
	if (is_num(a) && is_num(b))
		return num_of(a) == num_of(b);
	if (a->k != b->k)
		return false;
	switch (a->k) {
	case LV_NIL:
		return true;
	case LV_BOOL:
		return a->b == b->b;
	case LV_STR:
		return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
	case LV_ARR:
	case LV_HASH:
		if (a->n != b->n)
			return false;
		for (size_t i = 0; i < a->n; i++) {
			if (a->k == LV_HASH && strcmp(a->keys[i], b->keys[i]))
				return false;
			if (!lv_eq(c, a->items[i], b->items[i], depth + 1))
				return false;
		}
		return true;
	default:
		return false;
	}
}

/* Order of two values: -1, 0, 1, or 2 when they do not compare. */
static int lv_cmp(const lv *a, const lv *b)
{
	if (is_num(a) && is_num(b)) {
		double x = num_of(a), y = num_of(b);
		return x < y ? -1 : x > y;
	}
	if (a->k == LV_STR && b->k == LV_STR) {
		size_t n = a->n < b->n ? a->n : b->n;
		int r = memcmp(a->s, b->s, n);
		if (r)
			return r < 0 ? -1 : 1;
		return a->n < b->n ? -1 : a->n > b->n;
	}
	return 2;
}

static const char *kind_name(const lv *v)
{
	static const char *const names[] = {"nil",   "boolean", "integer",
	                                    "float", "string",  "array",
	                                    "hash",  "hash",    "empty",
	                                    "blank"};
	return names[v->k];
}

/* ---------------------------------------------------------------- */
/* YAML, JSON and CSV into values                                    */

typedef struct ymemo {
	lv **v;
	unsigned char *busy;
	size_t n;
} ymemo;

static bool plain_is(const char *s, size_t n, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
			return true;
	return false;
}

/* A YAML 1.1 plain scalar as Psych (Jekyll's loader) reads it. */
static lv *yaml_scalar(lq *c, yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;
	size_t len = n->data.scalar.length;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return lv_strn(c, s, len);
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL",
	                                    NULL};
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes",
	                                  "YES",  "on",   "On",   "ON",  NULL};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No",
	                                 "NO",    "off",   "Off",   "OFF", NULL};
	if (plain_is(s, len, nulls))
		return c->nil;
	if (plain_is(s, len, yes))
		return lv_bool(c, true);
	if (plain_is(s, len, no))
		return lv_bool(c, false);
	size_t i = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	size_t d0 = i;
	while (i < len && isdigit((unsigned char)s[i]))
		i++;
	if (i == len && i > d0 && len < 19)
		return lv_int(c, strtoll(s, NULL, 10));
	if (i < len && s[i] == '.' && len < 64) {
		size_t j = i + 1;
		while (j < len && isdigit((unsigned char)s[j]))
			j++;
		if (j < len && (s[j] == 'e' || s[j] == 'E')) {
			j++;
			if (j < len && (s[j] == '-' || s[j] == '+'))
				j++;
			while (j < len && isdigit((unsigned char)s[j]))
				j++;
		}
		if (j == len && j > d0 + 1)
			return lv_float(c, strtod(s, NULL));
	}
	return lv_strn(c, s, len);
}

static lv *yaml_value(lq *c, yaml_document_t *d, int id, ymemo *m, int depth)
{
	yaml_node_t *n = yaml_document_get_node(d, id);
	if (!n || depth > 64 || id < 1 || (size_t)id > m->n)
		return c->nil;
	if (m->v[id - 1])
		return m->v[id - 1]; /* an alias: the same value, once */
	if (m->busy[id - 1])
		return c->nil; /* an alias inside its own anchor */
	m->busy[id - 1] = 1;
	lv *v;
	switch (n->type) {
	case YAML_SCALAR_NODE:
		v = yaml_scalar(c, n);
		break;
	case YAML_SEQUENCE_NODE:
		v = lv_new(c, LV_ARR);
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++)
			arr_push(c, v, yaml_value(c, d, *it, m, depth + 1));
		break;
	case YAML_MAPPING_NODE:
		v = lv_new(c, LV_HASH);
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(d, p->key);
			if (!k || k->type != YAML_SCALAR_NODE)
				continue;
			hash_set(c, v, (const char *)k->data.scalar.value,
			         k->data.scalar.length,
			         yaml_value(c, d, p->value, m, depth + 1));
		}
		break;
	default:
		v = c->nil;
	}
	m->v[id - 1] = v;
	return v;
}

/* YAML (or JSON) text to a value; nil (with a warning) when invalid. */
static lv *yaml_text(lq *c, const char *file, const char *text, size_t len,
                     uint32_t line0)
{
	yaml_document_t d;
	if (mc_fe_load_yaml(c->fe, file, text, len, line0, true, &d) != 0)
		return c->nil;
	size_t n = (size_t)(d.nodes.top - d.nodes.start);
	ymemo m = {mc_xcalloc(n + 1, sizeof(lv *)), mc_xcalloc(n + 1, 1), n};
	lv *v = yaml_document_get_root_node(&d) ? yaml_value(c, &d, 1, &m, 0)
	                                        : c->nil;
	free(m.v);
	free(m.busy);
	yaml_document_delete(&d);
	return v;
}

/* One CSV field at *p (RFC 4180: quotes, doubled quotes). */
static lv *csv_field(lq *c, const char **p, const char *end)
{
	mc_buf b = MC_BUF_INIT;
	const char *q = *p;
	if (q < end && *q == '"') {
		q++;
		while (q < end) {
			if (*q == '"') {
				if (q + 1 < end && q[1] == '"') {
					mc_buf_putc(&b, '"');
					q += 2;
					continue;
				}
				q++;
				break;
			}
			mc_buf_putc(&b, *q++);
		}
	}
	while (q < end && *q != ',' && *q != '\n' && *q != '\r')
		mc_buf_putc(&b, *q++);
	*p = q;
	return lv_buf(c, &b);
}

/* CSV with a header row: an array of hashes (Jekyll's site.data). */
static lv *csv_text(lq *c, const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	lv *rows = lv_new(c, LV_ARR), *head = NULL;
	while (p < end && !c->stop) {
		lv *row = lv_new(c, LV_ARR);
		for (;;) {
			arr_push(c, row, csv_field(c, &p, end));
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			break;
		}
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
		if (!head) {
			head = row;
			continue;
		}
		if (row->n == 1 && row->items[0]->n == 0)
			continue; /* a blank line */
		lv *h = lv_new(c, LV_HASH);
		for (size_t i = 0; i < head->n; i++)
			hash_set(c, h, head->items[i]->s, head->items[i]->n,
			         i < row->n ? row->items[i] : c->nil);
		arr_push(c, rows, h);
	}
	return rows;
}

/* Repair text read from a site file: valid UTF-8, no NUL, no CR, none of
 * our sentinels.  malloc'd. */
static char *clean_text(const char *s, size_t n, size_t *outn)
{
	mc_buf b = MC_BUF_INIT;
	mc_buf_grow(&b, n + 1);
	for (size_t i = 0; i < n;) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x80) {
			mc_buf_putc(&b, (char)ch);
			i++;
			continue;
		}
		if (ch == '\r') {
			mc_buf_putc(&b, '\n');
			i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
			continue;
		}
		uint32_t cp;
		size_t k = ch ? mc_utf8_decode((const unsigned char *)s + i,
		                               n - i, &cp)
		              : 0;
		if (k == 0 || (cp >= 0x10FFF0 && cp <= 0x10FFF2)) {
			mc_buf_puts(&b, "\xEF\xBF\xBD");
			i += k ? k : 1;
			continue;
		}
		mc_buf_put(&b, s + i, k);
		i += k;
	}
	return mc_buf_detach(&b, outn);
}

/* Read a file for Liquid (an include, a data file), confined to the site
 * root.  NULL after a warning (at file/line/col) when it is missing,
 * leads outside the root or is too big. */
static char *read_confined(lq *c, const char *path, size_t *len,
                           const char *file, uint32_t line, uint32_t col,
                           const char *what)
{
	const char *lost = strcmp(what, "data file") ? "nothing included"
	                                             : "not read";
	struct stat st;
	if (lstat(path, &st) != 0) {
		mc_fe_dep_absent(c->fe, path);
		lwarn(c, file, line, col, "%s %s not found; %s", what, path,
		      lost);
		return NULL;
	}
	char why[PATH_MAX * 3];
	int fd = mc_confine_open(c->fe->root, path, NULL, why, sizeof why);
	if (fd < 0) {
		lwarn(c, file, line, col, "%s %s %s%s%s", what, path, why,
		      strstr(why, "not read") ? "" : "; ",
		      strstr(why, "not read") ? "" : lost);
		return NULL;
	}
	mc_fe_dep(c->fe, path);
	if (fstat(fd, &st) != 0 || st.st_size > (off_t)LQ_MAX_FILE) {
		close(fd);
		lwarn(c, file, line, col, "%s %s is larger than 4 MiB; %s",
		      what, path, lost);
		return NULL;
	}
	size_t n = (size_t)st.st_size;
	char *raw = mc_xmalloc(n + 1);
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, raw + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			lwarn(c, file, line, col, "%s %s cannot be read: %s; %s",
			      what, path, strerror(errno), lost);
			close(fd);
			free(raw);
			return NULL;
		}
		if (r == 0)
			break; /* it shrank meanwhile: what is there */
		got += (size_t)r;
	}
	close(fd);
	char *text = clean_text(raw, got, len);
	free(raw);
	return text;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a _data folder into hash h, each a lazy value read on
 * first use (so a broken file matters only to the page that reads it);
 * names in byte order so that the result never depends on the file
 * system. */
static void list_data_dir(lq *c, lv *h, const char *dir)
{
	char *real = NULL;
	char why[PATH_MAX * 3];
	if (mc_confine(c->fe->root, dir, &real, why, sizeof why) != 0) {
		lwarn(c, NULL, 0, 0, "data folder %s %s; not read", dir, why);
		return;
	}
	free(real);
	mc_fe_dep(c->fe, dir);
	DIR *d = opendir(dir);
	if (!d) {
		lwarn(c, NULL, 0, 0, "data folder %s cannot be read: %s", dir,
		      strerror(errno));
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || n >= LQ_MAX_DATA_FILES)
			continue;
		MC_GROW(names, n, cap, 16);
		names[n++] = strdup(e->d_name);
		if (!names[n - 1])
			n--;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		size_t plen = strlen(dir) + strlen(names[i]) + 2;
		char *path = mc_xmalloc(plen);
		snprintf(path, plen, "%s/%s", dir, names[i]);
		struct stat st;
		const char *nm = names[i];
		const char *dot = strrchr(nm, '.');
		size_t base = dot ? (size_t)(dot - nm) : strlen(nm);
		lv *v = NULL;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			v = lv_new(c, LV_LAZY);
			v->i = LAZY_DIR;
			base = strlen(nm);
		} else if (ends_with(nm, ".yml") || ends_with(nm, ".yaml") ||
		           ends_with(nm, ".json") || ends_with(nm, ".csv")) {
			v = lv_new(c, LV_LAZY);
			v->i = ends_with(nm, ".csv") ? LAZY_CSV : LAZY_YAML;
		}
		if (v) {
			v->s = mc_arena_strndup(c->A, path, strlen(path));
			hash_set(c, h, nm, base, v);
		}
		free(path);
		free(names[i]);
	}
	free(names);
}

/* Read a lazy value (site.data, one of its folders or files) in place. */
static void load_data(lq *c, lv *v)
{
	int kind = (int)v->i;
	const char *path = v->s;
	v->k = LV_HASH; /* also while loading: never read twice */
	v->s = NULL;
	v->i = 0;
	if (kind == LAZY_DATA) {
		size_t n = strlen(c->fe->root) + 8;
		char *dir = mc_xmalloc(n);
		snprintf(dir, n, "%s/_data", c->fe->root);
		struct stat st;
		if (lstat(dir, &st) != 0)
			mc_fe_dep_absent(c->fe, dir);
		else
			list_data_dir(c, v, dir);
		free(dir);
		return;
	}
	if (kind == LAZY_DIR) {
		list_data_dir(c, v, path);
		return;
	}
	if (++c->ndata > LQ_MAX_DATA_FILES || c->stop)
		return;
	size_t len;
	char *text = read_confined(c, path, &len, NULL, 0, 0, "data file");
	if (!text)
		return;
	lv *r = kind == LAZY_CSV ? csv_text(c, text, len)
	                         : yaml_text(c, path, text, len, 1);
	free(text);
	*v = *r;
}

/* A value, read first if it is lazy. */
static lv *force(lq *c, lv *v)
{
	if (v && v->k == LV_LAZY)
		load_data(c, v);
	return v;
}

/* ---------------------------------------------------------------- */
/* the sink and the line map                                          */

static void sink_map(sink *o, uint32_t line, uint32_t col)
{
	if (o->nm == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 256;
		o->ml = mc_xrealloc(o->ml, o->cap * sizeof *o->ml);
		o->mc = mc_xrealloc(o->mc, o->cap * sizeof *o->mc);
	}
	o->ml[o->nm] = line;
	o->mc[o->nm] = col;
	o->nm++;
}

static void sink_free(sink *o)
{
	mc_buf_free(&o->b);
	free(o->ml);
	free(o->mc);
}

/* Write s to the current sink; its bytes come from line/col (literal:
 * and advance through s's newlines; else all from line/col). */
static void emit(lq *c, const char *s, size_t n, uint32_t line, uint32_t col,
                 bool literal)
{
	if (c->stop || n == 0 || !budget(c, n))
		return;
	sink *o = c->out;
	if (c->include_depth) {
		line = c->ovr_line;
		col = c->ovr_col;
		literal = false;
	}
	if (c->need_nl) {
		c->need_nl = false;
		if (*s != '\n')
			emit(c, "\n", 1, line, col, false);
	}
	if (!o->mapped) {
		mc_buf_put(&o->b, s, n);
		return;
	}
	const char *p = s, *end = s + n;
	while (p < end) {
		if (o->at_start) {
			sink_map(o, line, col);
			o->at_start = false;
		}
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl + 1 : end;
		mc_buf_put(&o->b, p, (size_t)(e - p));
		if (literal)
			col += (uint32_t)(e - p);
		if (nl) {
			o->at_start = true;
			if (literal)
				line++, col = 1;
		}
		p = e;
	}
}

/* ---------------------------------------------------------------- */
/* tokens                                                            */

typedef enum tk { T_TEXT, T_RAW, T_OUT, T_TAG } tk;

typedef struct tok {
	tk k;
	const char *s; /* text, or the markup inside the delimiters */
	size_t n;
	uint32_t line, col;
	bool ltrim, rtrim;
	const char *name; /* tags */
	size_t namelen;
	const char *args;
	size_t argslen;
} tok;

typedef struct toks {
	tok *v;
	size_t n, cap;
} toks;

static void tok_push(toks *t, const tok *x)
{
	MC_GROW(t->v, t->n, t->cap, 64);
	t->v[t->n++] = *x;
}

static bool lq_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	       ch == '\f' || ch == '\v';
}

/* A cached search for a two-byte closer ("}}" or "%}"). */
typedef struct finder {
	const char *pos; /* last found, NULL: none at or after `from` */
	const char *from;
	char a, b;
} finder;

static const char *find2(finder *f, const char *p, const char *end)
{
	if (f->from && p >= f->from && (!f->pos || f->pos >= p))
		return f->pos;
	f->from = p;
	f->pos = NULL;
	for (const char *q = p; q + 1 < end; q++) {
		q = memchr(q, f->a, (size_t)(end - q - 1));
		if (!q)
			break;
		if (q[1] == f->b) {
			f->pos = q;
			break;
		}
	}
	return f->pos;
}

/* Advance line/col over [a, b). */
static void advance(const char *a, const char *b, uint32_t *line,
                    uint32_t *col)
{
	while (a < b) {
		const char *nl = memchr(a, '\n', (size_t)(b - a));
		if (!nl) {
			*col += (uint32_t)(b - a);
			return;
		}
		(*line)++;
		*col = 1;
		a = nl + 1;
	}
}

static void trim_span(const char **s, const char **e)
{
	while (*s < *e && lq_space(**s))
		(*s)++;
	while (*e > *s && lq_space((*e)[-1]))
		(*e)--;
}

/* The tag at p ("{%"), closing at close ("%}"): fill t. */
static void tag_parts(tok *t, const char *p, const char *close)
{
	const char *s = p + 2, *e = close;
	if (s < e && *s == '-')
		t->ltrim = true, s++;
	if (e > s && e[-1] == '-')
		t->rtrim = true, e--;
	trim_span(&s, &e);
	t->s = s;
	t->n = (size_t)(e - s);
	const char *w = s;
	if (w < e && *w == '#') { /* an inline comment (Liquid 5) */
		w++;
	} else {
		while (w < e && (isalnum((unsigned char)*w) || *w == '_'))
			w++;
	}
	t->name = s;
	t->namelen = (size_t)(w - s);
	const char *a = w;
	trim_span(&a, &e);
	t->args = a;
	t->argslen = (size_t)(e - a);
}

static bool name_eq(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* Split a template into tokens; {% raw %} bodies are one T_RAW. */
static void tokenize(lq *c, const char *src, size_t len, uint32_t line0,
                     const char *file, toks *out)
{
	const char *p = src, *end = src + len, *text = src;
	uint32_t line = line0, col = 1;     /* at p */
	uint32_t tline = line0, tcol = 1;   /* at text */
	finder fo = {NULL, NULL, '}', '}'}, ft = {NULL, NULL, '%', '}'};
	bool warned_open = false;
	while (p < end) {
		const char *b = memchr(p, '{', (size_t)(end - p));
		if (!b || b + 1 >= end)
			break;
		if (b[1] != '{' && b[1] != '%') {
			advance(p, b + 1, &line, &col);
			p = b + 1;
			continue;
		}
		advance(p, b, &line, &col);
		p = b;
		bool is_out = b[1] == '{';
		const char *close = find2(is_out ? &fo : &ft, b + 2, end);
		if (!close) {
			if (!warned_open)
				lwarn(c, file, line, col,
				      "'%s' is never closed by '%s'; kept as text",
				      is_out ? "{{" : "{%", is_out ? "}}" : "%}");
			warned_open = true;
			advance(p, b + 2, &line, &col);
			p = b + 2;
			continue;
		}
		if (b > text) {
			tok t = {T_TEXT, text, (size_t)(b - text), tline, tcol};
			tok_push(out, &t);
		}
		tok t;
		memset(&t, 0, sizeof t);
		t.line = line;
		t.col = col;
		if (is_out) {
			t.k = T_OUT;
			const char *s = b + 2, *e = close;
			if (s < e && *s == '-')
				t.ltrim = true, s++;
			if (e > s && e[-1] == '-')
				t.rtrim = true, e--;
			trim_span(&s, &e);
			t.s = s;
			t.n = (size_t)(e - s);
		} else {
			t.k = T_TAG;
			tag_parts(&t, b, close);
		}
		advance(b, close + 2, &line, &col);
		p = close + 2;
		tok_push(out, &t);
		if (t.k == T_TAG && name_eq(t.name, t.namelen, "raw")) {
			/* up to {% endraw %}, taken literally */
			const char *q = p, *body = p;
			uint32_t bl = line, bc = col;
			const char *rend = NULL, *rclose = NULL;
			while (q + 1 < end) {
				const char *o = memchr(q, '{', (size_t)(end - q - 1));
				if (!o)
					break;
				if (o[1] == '%') {
					const char *cl = find2(&ft, o + 2, end);
					if (!cl)
						break;
					tok u;
					memset(&u, 0, sizeof u);
					tag_parts(&u, o, cl);
					if (name_eq(u.name, u.namelen, "endraw")) {
						rend = o;
						rclose = cl;
						break;
					}
				}
				q = o + 1;
			}
			if (!rend) {
				lwarn(c, file, t.line, t.col,
				      "'{%% raw %%}' is never closed by "
				      "'{%% endraw %%}'; the rest is taken "
				      "literally");
				rend = rclose = end;
			}
			if (rend > body) {
				tok r = {T_RAW, body, (size_t)(rend - body), bl, bc};
				tok_push(out, &r);
			}
			advance(p, rclose < end ? rclose + 2 : end, &line, &col);
			p = rclose < end ? rclose + 2 : end;
		}
		text = p;
		tline = line;
		tcol = col;
	}
	if (end > text) {
		tok t = {T_TEXT, text, (size_t)(end - text), tline, tcol};
		tok_push(out, &t);
	}
	/* whitespace control: {%- and {{- strip the text before, -%} and -}}
	 * the text after, newlines included */
	for (size_t i = 0; i < out->n; i++) {
		tok *t = &out->v[i];
		if (t->k != T_OUT && t->k != T_TAG)
			continue;
		if (t->ltrim && i > 0 && out->v[i - 1].k == T_TEXT) {
			tok *x = &out->v[i - 1];
			while (x->n && lq_space(x->s[x->n - 1]))
				x->n--;
		}
		if (t->rtrim && i + 1 < out->n && out->v[i + 1].k == T_TEXT) {
			tok *x = &out->v[i + 1];
			const char *s = x->s, *e = x->s + x->n;
			const char *q = s;
			while (q < e && lq_space(*q))
				q++;
			advance(s, q, &x->line, &x->col);
			x->s = q;
			x->n = (size_t)(e - q);
		}
	}
}

/* ---------------------------------------------------------------- */
/* parsing tokens into the tree                                      */

typedef struct frame {
	ln *node;
	ln **tail;
} frame;

typedef struct tmpl {
	ln *root;
	const char *file;
} tmpl;

static ln *node_new(lq *c, nk k, const tok *t, const char *file)
{
	ln *n = mc_arena_alloc(c->A, sizeof *n);
	n->k = k;
	n->line = t->line;
	n->col = t->col;
	n->file = file;
	if (t->k == T_TAG) {
		n->name = t->name;
		n->namelen = t->namelen;
		n->s = t->args;
		n->n = t->argslen;
	} else {
		n->s = t->s;
		n->n = t->n;
	}
	return n;
}

static lbr *add_branch(lq *c, ln *n, const char *m, size_t mn, bool is_else,
                       uint32_t line, uint32_t col)
{
	if (n->nbr == n->capbr) {
		size_t cap = n->capbr ? n->capbr * 2 : 2;
		lbr *v = mc_arena_alloc(c->A, cap * sizeof *v);
		if (n->nbr)
			memcpy(v, n->br, n->nbr * sizeof *v);
		for (size_t i = 0; i < n->nbr; i++)
			if (n->br[i].tail == &n->br[i].body)
				v[i].tail = &v[i].body;
		n->br = v;
		n->capbr = cap;
	}
	lbr *b = &n->br[n->nbr++];
	memset(b, 0, sizeof *b);
	b->m = m;
	b->mn = mn;
	b->is_else = is_else;
	b->line = line;
	b->col = col;
	b->tail = &b->body;
	return b;
}

static const char *const block_names[] = {
	"if", "unless", "case", "for", "capture", "highlight", "comment",
	"tablerow", NULL};

static bool is_block(const char *s, size_t n)
{
	return plain_is(s, n, block_names);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A block never closed: warn, and keep the bodies of its branches. */
static void unclosed(lq *c, ln *n, const char *how)
{
	lwarn(c, n->file, n->line, n->col,
	      "'{%% %.*s %%}' is never closed (%s); the tag is ignored and "
	      "its content kept", (int)n->namelen, n->name, how);
	n->k = N_SPLICE;
}

static nk simple_kind(const char *s, size_t n)
{
	static const struct {
		const char *name;
		nk k;
	} tab[] = {{"assign", N_ASSIGN},       {"include", N_INCLUDE},
	           {"include_relative", N_INCLUDE},
	           {"include_cached", N_INCLUDE},
	           {"break", N_BREAK},         {"continue", N_CONTINUE},
	           {"increment", N_INCREMENT}, {"decrement", N_DECREMENT},
	           {"cycle", N_CYCLE},         {"link", N_LINK},
	           {"post_url", N_POST_URL},   {"#", N_NOTHING}};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (name_eq(s, n, tab[i].name))
			return tab[i].k;
	return N_UNKNOWN;
}

static void parse_tokens(lq *c, toks *ts, const char *file, tmpl *out)
{
	/* names that have an end tag somewhere: an unknown tag NAME with
	 * an "endNAME" is a block whose body is left out */
	char **ends = NULL;
	size_t nends = 0;
	for (size_t i = 0; i < ts->n; i++) {
		const tok *t = &ts->v[i];
		if (t->k == T_TAG && t->namelen > 3 &&
		    memcmp(t->name, "end", 3) == 0) {
			ends = mc_xrealloc(ends, (nends + 1) * sizeof *ends);
			ends[nends++] = mc_arena_strndup(c->A, t->name + 3,
			                                 t->namelen - 3);
		}
	}
	if (nends)
		qsort(ends, nends, sizeof *ends, cmp_str);

	frame stack[LQ_MAX_NEST];
	int depth = 0;
	out->root = NULL;
	out->file = file;
	ln **root_tail = &out->root;
	int comment = 0; /* inside {% comment %}: its nesting */
	for (size_t i = 0; i < ts->n; i++) {
		const tok *t = &ts->v[i];
		ln **tail = depth ? stack[depth - 1].tail : root_tail;
		if (comment) {
			if (t->k != T_TAG)
				continue;
			if (name_eq(t->name, t->namelen, "comment"))
				comment++;
			else if (name_eq(t->name, t->namelen, "endcomment"))
				comment--;
			continue;
		}
		if (t->k == T_TEXT || t->k == T_RAW || t->k == T_OUT) {
			if (t->k != T_OUT && t->n == 0)
				continue;
			ln *n = node_new(c, t->k == T_OUT ? N_OUT : N_TEXT, t, file);
			*tail = n;
			if (depth)
				stack[depth - 1].tail = &n->next;
			else
				root_tail = &n->next;
			continue;
		}
		const char *nm = t->name;
		size_t nn = t->namelen;
		if (name_eq(nm, nn, "raw") || name_eq(nm, nn, "endraw"))
			continue;
		if (name_eq(nm, nn, "comment")) {
			comment = 1;
			continue;
		}
		if (nn == 0) {
			lwarn(c, file, t->line, t->col,
			      "'{%% %.*s %%}' is not a Liquid tag; left out",
			      (int)t->n, t->s);
			continue;
		}
		/* branches of the open block */
		if (name_eq(nm, nn, "else") || name_eq(nm, nn, "elsif") ||
		    name_eq(nm, nn, "when")) {
			ln *top = depth ? stack[depth - 1].node : NULL;
			bool ok = false;
			if (top && (top->k == N_IF || top->k == N_UNLESS))
				ok = !name_eq(nm, nn, "when") &&
				     !top->br[top->nbr - 1].is_else;
			else if (top && top->k == N_CASE)
				ok = !name_eq(nm, nn, "elsif") &&
				     !top->br[top->nbr - 1].is_else;
			else if (top && top->k == N_FOR)
				ok = name_eq(nm, nn, "else") && top->nbr == 1;
			else if (top && top->k == N_UNKNOWN_BLOCK)
				continue; /* part of a body left out */
			if (!ok) {
				lwarn(c, file, t->line, t->col,
				      "'{%% %.*s %%}' outside the block it belongs "
				      "to; ignored", (int)nn, nm);
				continue;
			}
			bool is_else = name_eq(nm, nn, "else");
			lbr *b = add_branch(c, top, is_else ? NULL : t->args,
			                    is_else ? 0 : t->argslen, is_else,
			                    t->line, t->col);
			stack[depth - 1].tail = b->tail;
			continue;
		}
		if (nn > 3 && memcmp(nm, "end", 3) == 0) {
			int k;
			for (k = depth - 1; k >= 0; k--)
				if (stack[k].node->namelen == nn - 3 &&
				    memcmp(stack[k].node->name, nm + 3, nn - 3) == 0)
					break;
			if (k < 0) {
				lwarn(c, file, t->line, t->col,
				      "'{%% %.*s %%}' without an open '{%% %.*s "
				      "%%}'; ignored",
				      (int)nn, nm, (int)(nn - 3), nm + 3);
				continue;
			}
			while (depth - 1 > k) {
				char how[64];
				snprintf(how, sizeof how, "'{%% %.*s %%}' came first",
				         (int)(nn > 40 ? 40 : nn), nm);
				unclosed(c, stack[depth - 1].node, how);
				depth--;
			}
			stack[k].node->endline = t->line;
			depth--;
			continue;
		}
		bool unknown_block = false;
		if (!is_block(nm, nn) && simple_kind(nm, nn) == N_UNKNOWN &&
		    nends) {
			char key[128];
			snprintf(key, sizeof key, "%.*s", (int)(nn > 120 ? 120 : nn),
			         nm);
			const char *kp = key;
			unknown_block = bsearch(&kp, ends, nends, sizeof *ends,
			                        cmp_str) != NULL;
		}
		if (is_block(nm, nn) || unknown_block) {
			if (depth == LQ_MAX_NEST) {
				lwarn(c, file, t->line, t->col,
				      "Liquid blocks nested deeper than %d; "
				      "'{%% %.*s %%}' ignored",
				      LQ_MAX_NEST, (int)nn, nm);
				continue;
			}
			nk k = unknown_block                  ? N_UNKNOWN_BLOCK
			       : name_eq(nm, nn, "if")        ? N_IF
			       : name_eq(nm, nn, "unless")    ? N_UNLESS
			       : name_eq(nm, nn, "case")      ? N_CASE
			       : name_eq(nm, nn, "for")       ? N_FOR
			       : name_eq(nm, nn, "capture")   ? N_CAPTURE
			       : name_eq(nm, nn, "highlight") ? N_HIGHLIGHT
			                                      : N_UNKNOWN_BLOCK;
			ln *n = node_new(c, k, t, file);
			*tail = n;
			if (depth)
				stack[depth - 1].tail = &n->next;
			else
				root_tail = &n->next;
			/* a case's first branch holds what precedes the
			 * first when: ignored */
			lbr *b = add_branch(c, n, k == N_CASE ? NULL : t->args,
			                    k == N_CASE ? 0 : t->argslen, false,
			                    t->line, t->col);
			stack[depth].node = n;
			stack[depth].tail = b->tail;
			depth++;
			continue;
		}
		ln *n = node_new(c, simple_kind(nm, nn), t, file);
		*tail = n;
		if (depth)
			stack[depth - 1].tail = &n->next;
		else
			root_tail = &n->next;
	}
	if (comment)
		lwarn(c, file, 0, 0, "'{%% comment %%}' is never closed; the "
		      "rest of the file is left out");
	while (depth > 0) {
		unclosed(c, stack[depth - 1].node, "the file ends first");
		depth--;
	}
	free(ends);
}

/* ---------------------------------------------------------------- */
/* expressions                                                       */

typedef struct xp xp;
struct xp {
	lq *c;
	const char *p, *e;
	const ln *at; /* for messages */
	bool bad;
	int depth; /* brackets and parentheses open */
};

static void xws(xp *x)
{
	while (x->p < x->e && lq_space(*x->p))
		x->p++;
}

static bool word_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '-' ||
	       (unsigned char)ch >= 0x80;
}

/* The next word (identifier) at p, without consuming it. */
static size_t peek_word(const xp *x)
{
	const char *q = x->p;
	if (q < x->e && (isalpha((unsigned char)*q) || *q == '_' ||
	                 (unsigned char)*q >= 0x80)) {
		while (q < x->e && word_char(*q))
			q++;
		if (q < x->e && *q == '?')
			q++;
	}
	return (size_t)(q - x->p);
}

static bool accept(xp *x, const char *s)
{
	xws(x);
	size_t n = strlen(s);
	if ((size_t)(x->e - x->p) >= n && memcmp(x->p, s, n) == 0) {
		x->p += n;
		return true;
	}
	return false;
}

static bool accept_word(xp *x, const char *w)
{
	xws(x);
	size_t n = peek_word(x);
	if (name_eq(x->p, n, w)) {
		x->p += n;
		return true;
	}
	return false;
}

static lv *lookup_root(lq *c, const char *s, size_t n)
{
	for (int i = c->nscopes - 1; i >= 0; i--) {
		lv *v = hash_get(c, c->scopes[i], s, n);
		if (v)
			return v;
	}
	lv *v = hash_get(c, c->env, s, n);
	if (v)
		return v;
	if (name_eq(s, n, "site"))
		return c->site;
	if (name_eq(s, n, "page"))
		return c->page;
	return NULL;
}

/* v[key] as Liquid looks it up: hash keys, array indexes, and the
 * commands size, first and last. */
static lv *lookup_key(lq *c, lv *v, const lv *key)
{
	if (!v)
		return NULL;
	if (v->k == LV_HASH) {
		size_t n;
		const char *k = str_of(c, key, &n);
		lv *r = hash_get(c, v, k, n);
		if (r)
			return r;
		if (name_eq(k, n, "size"))
			return lv_int(c, (long long)v->n);
		return NULL;
	}
	if (v->k == LV_ARR) {
		if (key->k == LV_INT || key->k == LV_FLOAT) {
			long long i = key->k == LV_INT ? key->i
			                               : (long long)key->f;
			if (i < 0)
				i += (long long)v->n;
			return i >= 0 && (size_t)i < v->n ? v->items[i] : NULL;
		}
		if (key->k == LV_STR) {
			if (name_eq(key->s, key->n, "size"))
				return lv_int(c, (long long)v->n);
			if (name_eq(key->s, key->n, "first"))
				return v->n ? v->items[0] : NULL;
			if (name_eq(key->s, key->n, "last"))
				return v->n ? v->items[v->n - 1] : NULL;
		}
		return NULL;
	}
	if (v->k == LV_STR && key->k == LV_STR &&
	    name_eq(key->s, key->n, "size")) {
		long long chars = 0;
		for (size_t i = 0; i < v->n; i++)
			chars += ((unsigned char)v->s[i] & 0xC0) != 0x80;
		return lv_int(c, chars);
	}
	return NULL;
}

static lv *x_expr(xp *x);

static lv *parse_number(xp *x)
{
	const char *s = x->p;
	const char *q = s;
	if (q < x->e && (*q == '-' || *q == '+'))
		q++;
	while (q < x->e && isdigit((unsigned char)*q))
		q++;
	bool flt = false;
	if (q + 1 < x->e && *q == '.' && isdigit((unsigned char)q[1])) {
		flt = true;
		q++;
		while (q < x->e && isdigit((unsigned char)*q))
			q++;
	}
	char buf[64];
	size_t n = (size_t)(q - s) < sizeof buf - 1 ? (size_t)(q - s)
	                                            : sizeof buf - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	x->p = q;
	if (flt)
		return lv_float(x->c, strtod(buf, NULL));
	return lv_int(x->c, strtoll(buf, NULL, 10));
}

static lv *make_range(lq *c, const lv *a, const lv *b)
{
	long long lo = a->k == LV_INT ? a->i : a->k == LV_FLOAT ? (long long)a->f
	                                      : a->k == LV_STR ? atoll(a->s) : 0;
	long long hi = b->k == LV_INT ? b->i : b->k == LV_FLOAT ? (long long)b->f
	                                      : b->k == LV_STR ? atoll(b->s) : 0;
	lv *r = lv_new(c, LV_ARR);
	for (long long i = lo; i <= hi; i++) {
		if (r->n >= LQ_MAX_RANGE) {
			c->iters = LQ_MAX_ITER + 1; /* stop: too big */
			budget(c, 0);
			break;
		}
		arr_push(c, r, lv_int(c, i));
	}
	return r;
}

/* A literal, range or variable look-up. */
static lv *x_primary(xp *x)
{
	lq *c = x->c;
	xws(x);
	if (x->p >= x->e) {
		x->bad = true;
		return c->nil;
	}
	char ch = *x->p;
	if (ch == '"' || ch == '\'') {
		const char *s = ++x->p;
		while (x->p < x->e && *x->p != ch)
			x->p++;
		lv *v = lv_strn(c, s, (size_t)(x->p - s));
		if (x->p < x->e)
			x->p++;
		else
			x->bad = true;
		return v;
	}
	if (isdigit((unsigned char)ch) ||
	    ((ch == '-' || ch == '+') && x->p + 1 < x->e &&
	     isdigit((unsigned char)x->p[1])))
		return parse_number(x);
	if ((ch == '(' || ch == '[') && x->depth >= 32) {
		x->bad = true;
		x->p = x->e;
		return c->nil;
	}
	if (ch == '(') {
		x->p++;
		x->depth++;
		lv *a = x_primary(x);
		if (!accept(x, "..")) {
			x->bad = true;
			return c->nil;
		}
		lv *b = x_primary(x);
		if (!accept(x, ")"))
			x->bad = true;
		x->depth--;
		return make_range(c, a, b);
	}
	lv *v = NULL;
	const char *path = x->p;
	if (ch == '[') { /* ["name"]: a variable by a computed name */
		x->p++;
		x->depth++;
		lv *key = x_expr(x);
		if (!accept(x, "]"))
			x->bad = true;
		x->depth--;
		size_t kn;
		const char *ks = str_of(c, key, &kn);
		v = lookup_root(c, ks, kn);
	} else {
		size_t n = peek_word(x);
		if (n == 0) {
			x->bad = true;
			x->p++;
			return c->nil;
		}
		const char *w = x->p;
		x->p += n;
		if (name_eq(w, n, "true") || name_eq(w, n, "false"))
			return lv_bool(c, *w == 't');
		if (name_eq(w, n, "nil") || name_eq(w, n, "null"))
			return c->nil;
		if (name_eq(w, n, "empty"))
			return lv_new(c, LV_EMPTY);
		if (name_eq(w, n, "blank"))
			return lv_new(c, LV_BLANK);
		v = lookup_root(c, w, n);
	}
	bool missing = v == NULL;
	for (;;) {
		if (x->p < x->e && *x->p == '.' &&
		    !(x->p + 1 < x->e && x->p[1] == '.')) {
			x->p++;
			size_t n = peek_word(x);
			if (n == 0) {
				x->bad = true;
				break;
			}
			lv key;
			memset(&key, 0, sizeof key);
			key.k = LV_STR;
			key.s = mc_arena_strndup(c->A, x->p, n);
			key.n = n;
			x->p += n;
			v = missing ? NULL : lookup_key(c, v, &key);
			missing = missing || v == NULL;
			continue;
		}
		if (x->p < x->e && *x->p == '[') {
			if (x->depth >= 32) {
				x->bad = true;
				x->p = x->e;
				break;
			}
			x->p++;
			x->depth++;
			lv *key = x_expr(x);
			if (!accept(x, "]"))
				x->bad = true;
			x->depth--;
			v = missing ? NULL : lookup_key(c, v, key);
			missing = missing || v == NULL;
			continue;
		}
		break;
	}
	if (missing) {
		c->missing = mc_arena_strndup(c->A, path, (size_t)(x->p - path));
		return c->nil;
	}
	return v;
}

static lv *x_expr(xp *x)
{
	return x_primary(x);
}

/* ---------------------------------------------------------------- */
/* filters                                                           */

static lv *to_number(lq *c, const lv *v)
{
	if (is_num(v))
		return (lv *)v;
	if (v->k == LV_STR) {
		const char *s = v->s;
		char *e;
		while (*s == ' ')
			s++;
		if (strchr(s, '.')) {
			double f = strtod(s, &e);
			if (e != s)
				return lv_float(c, f);
		}
		return lv_int(c, strtoll(s, NULL, 10));
	}
	return lv_int(c, 0);
}

static long long to_int(lq *c, const lv *v)
{
	lv *x = to_number(c, v);
	if (x->k == LV_INT)
		return x->i;
	return isfinite(x->f) && fabs(x->f) < 9e18 ? (long long)x->f : 0;
}

static lv *arith(lq *c, const lv *a0, const lv *b0, char op)
{
	lv *a = to_number(c, a0), *b = to_number(c, b0);
	if (a->k == LV_INT && b->k == LV_INT) {
		long long x = a->i, y = b->i, r = 0;
		bool ovf = false;
		switch (op) {
		case '+':
			ovf = __builtin_add_overflow(x, y, &r);
			break;
		case '-':
			ovf = __builtin_sub_overflow(x, y, &r);
			break;
		case '*':
			ovf = __builtin_mul_overflow(x, y, &r);
			break;
		case '/':
		case '%':
			if (y == 0 || (x == LLONG_MIN && y == -1))
				return c->nil;
			if (op == '/') { /* Ruby floors */
				r = x / y;
				if ((x % y != 0) && ((x < 0) != (y < 0)))
					r--;
			} else {
				r = x % y;
				if (r != 0 && ((r < 0) != (y < 0)))
					r += y;
			}
			break;
		}
		if (!ovf)
			return lv_int(c, r);
	}
	double x = num_of(a), y = num_of(b);
	switch (op) {
	case '+':
		return lv_float(c, x + y);
	case '-':
		return lv_float(c, x - y);
	case '*':
		return lv_float(c, x * y);
	case '/':
		return y == 0 ? c->nil : lv_float(c, x / y);
	default:
		return y == 0 ? c->nil : lv_float(c, mc_fmod(x, y));
	}
}

/* Property `key` of an item (a hash's value), or NULL. */
static lv *prop(lq *c, lv *item, const lv *key)
{
	if (!key)
		return item;
	if (item->k != LV_HASH)
		return NULL;
	size_t n;
	const char *k = str_of(c, key, &n);
	return hash_get(c, item, k, n);
}

static lv *as_array(lq *c, lv *v)
{
	force(c, v);
	if (v->k == LV_ARR)
		return v;
	lv *a = lv_new(c, LV_ARR);
	if (v->k == LV_HASH) {
		for (size_t i = 0; i < v->n; i++) {
			lv *pair = lv_new(c, LV_ARR);
			arr_push(c, pair, lv_str(c, v->keys[i]));
			arr_push(c, pair, force(c, v->items[i]));
			arr_push(c, a, pair);
		}
	} else if (v->k != LV_NIL) {
		arr_push(c, a, v);
	}
	return a;
}

typedef struct sort_ctx {
	lq *c;
	const lv *key;
	bool ci;
} sort_ctx;

typedef struct sort_item {
	lv *v, *k;
	size_t i;
	sort_ctx *sc;
} sort_item;

static int sort_cmp(const void *a, const void *b)
{
	const sort_item *x = a, *y = b;
	const lv *p = x->k, *q = y->k;
	bool pn = !p || p->k == LV_NIL, qn = !q || q->k == LV_NIL;
	if (pn || qn) /* nil last */
		return pn && qn ? (x->i > y->i) - (x->i < y->i) : pn ? 1 : -1;
	int r;
	if (x->sc->ci && p->k == LV_STR && q->k == LV_STR) {
		r = strcasecmp(p->s, q->s);
		r = r < 0 ? -1 : r > 0;
	} else {
		r = lv_cmp(p, q);
		if (r == 2) /* mixed kinds: by kind, as strings */
			r = (int)p->k - (int)q->k;
	}
	return r ? r : (x->i > y->i) - (x->i < y->i);
}

static lv *sort_values(lq *c, lv *in, const lv *key, bool ci)
{
	lv *a = as_array(c, in);
	sort_item *v = mc_xcalloc(a->n + 1, sizeof *v);
	sort_ctx sc = {c, key, ci};
	for (size_t i = 0; i < a->n; i++) {
		v[i].v = a->items[i];
		v[i].k = prop(c, a->items[i], key);
		v[i].i = i;
		v[i].sc = &sc;
	}
	qsort(v, a->n, sizeof *v, sort_cmp);
	lv *r = lv_new(c, LV_ARR);
	for (size_t i = 0; i < a->n; i++)
		arr_push(c, r, v[i].v);
	free(v);
	return r;
}

static void put_escaped(mc_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			mc_buf_puts(b, "&amp;");
			break;
		case '<':
			mc_buf_puts(b, "&lt;");
			break;
		case '>':
			mc_buf_puts(b, "&gt;");
			break;
		case '"':
			mc_buf_puts(b, "&quot;");
			break;
		case '\'':
			mc_buf_puts(b, "&#39;");
			break;
		default:
			mc_buf_putc(b, s[i]);
		}
	}
}

static void put_json(lq *c, mc_buf *b, const lv *v, int depth)
{
	c->steps++;
	if (depth > 32 || !budget(c, 0)) {
		mc_buf_puts(b, "null");
		return;
	}
	switch (v->k) {
	case LV_STR:
		mc_json_str(b, v->s, v->n, 0);
		break;
	case LV_ARR:
		mc_buf_putc(b, '[');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				mc_buf_putc(b, ',');
			put_json(c, b, v->items[i], depth + 1);
		}
		mc_buf_putc(b, ']');
		break;
	case LV_HASH:
		mc_buf_putc(b, '{');
		for (size_t i = 0; i < v->n; i++) {
			lv k = {LV_STR, 0, 0, 0, v->keys[i], strlen(v->keys[i]),
			        0, NULL, NULL};
			if (i)
				mc_buf_putc(b, ',');
			put_json(c, b, &k, depth + 1);
			mc_buf_putc(b, ':');
			put_json(c, b, v->items[i], depth + 1);
		}
		mc_buf_putc(b, '}');
		break;
	case LV_INT:
	case LV_FLOAT:
	case LV_BOOL:
		put_value(c, b, v, depth);
		break;
	default:
		mc_buf_puts(b, "null");
	}
	if (b->len > LQ_MAX_OUT)
		c->stop = true;
}

/* ---- dates ---- */

static bool parse_date(lq *c, const lv *v, long long *t)
{
	if (v->k == LV_INT) {
		*t = v->i;
		return true;
	}
	if (v->k != LV_STR)
		return false;
	const char *s = v->s;
	while (*s == ' ')
		s++;
	if (!strcmp(s, "now") || !strcmp(s, "today")) {
		*t = c->now;
		return true;
	}
	bool digits = *s != '\0';
	for (const char *q = s; *q; q++)
		digits = digits && isdigit((unsigned char)*q);
	if (digits && strlen(s) < 16) {
		*t = atoll(s);
		return true;
	}
	int Y, M, D, h = 0, m = 0, sec = 0, used = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &Y, &M, &D, &used) != 3)
		return false;
	const char *q = s + used;
	if (*q == 'T' || *q == ' ') {
		int u2 = 0;
		if (sscanf(q + 1, "%2d:%2d%n", &h, &m, &u2) == 2) {
			q += 1 + u2;
			if (*q == ':') {
				int u3 = 0;
				if (sscanf(q + 1, "%2d%n", &sec, &u3) == 1)
					q += 1 + u3;
			}
			while (*q == '.' || isdigit((unsigned char)*q))
				q++;
		}
	}
	while (*q == ' ')
		q++;
	long off = 0;
	if ((*q == '+' || *q == '-') && isdigit((unsigned char)q[1])) {
		int oh = 0, om = 0;
		if (sscanf(q + 1, "%2d:%2d", &oh, &om) == 2 ||
		    sscanf(q + 1, "%2d%2d", &oh, &om) >= 1)
			off = (oh * 3600L + om * 60L) * (*q == '-' ? -1 : 1);
	}
	if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
		return false;
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = Y - 1900;
	tm.tm_mon = M - 1;
	tm.tm_mday = D;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	*t = (long long)timegm(&tm) - off;
	return true;
}

static void put_date(mc_buf *b, long long t, const char *fmt)
{
	static const char *const mon[] = {"January", "February", "March",
	                                  "April",   "May",      "June",
	                                  "July",    "August",   "September",
	                                  "October", "November", "December"};
	static const char *const day[] = {"Sunday",   "Monday", "Tuesday",
	                                  "Wednesday", "Thursday", "Friday",
	                                  "Saturday"};
	struct tm tm;
	if (mc_utc_tm(t, &tm)) {
		mc_buf_puts(b, fmt);
		return;
	}
	for (const char *p = fmt; *p; p++) {
		if (*p != '%' || !p[1]) {
			mc_buf_putc(b, *p);
			continue;
		}
		p++;
		bool nopad = false;
		if (*p == '-' && p[1]) {
			nopad = true;
			p++;
		}
		const char *d2 = nopad ? "%d" : "%02d";
		switch (*p) {
		case 'Y':
			mc_buf_printf(b, "%d", tm.tm_year + 1900);
			break;
		case 'y':
			mc_buf_printf(b, "%02d", tm.tm_year % 100);
			break;
		case 'm':
			mc_buf_printf(b, d2, tm.tm_mon + 1);
			break;
		case 'd':
			mc_buf_printf(b, d2, tm.tm_mday);
			break;
		case 'e':
			mc_buf_printf(b, nopad ? "%d" : "%2d", tm.tm_mday);
			break;
		case 'j':
			mc_buf_printf(b, nopad ? "%d" : "%03d", tm.tm_yday + 1);
			break;
		case 'H':
			mc_buf_printf(b, d2, tm.tm_hour);
			break;
		case 'I':
		case 'l':
			mc_buf_printf(b, *p == 'l' || nopad ? "%d" : "%02d",
			              tm.tm_hour % 12 ? tm.tm_hour % 12 : 12);
			break;
		case 'M':
			mc_buf_printf(b, d2, tm.tm_min);
			break;
		case 'S':
			mc_buf_printf(b, d2, tm.tm_sec);
			break;
		case 'p':
			mc_buf_puts(b, tm.tm_hour < 12 ? "AM" : "PM");
			break;
		case 'P':
			mc_buf_puts(b, tm.tm_hour < 12 ? "am" : "pm");
			break;
		case 'b':
		case 'h':
			mc_buf_printf(b, "%.3s", mon[tm.tm_mon]);
			break;
		case 'B':
			mc_buf_puts(b, mon[tm.tm_mon]);
			break;
		case 'a':
			mc_buf_printf(b, "%.3s", day[tm.tm_wday]);
			break;
		case 'A':
			mc_buf_puts(b, day[tm.tm_wday]);
			break;
		case 'u':
			mc_buf_printf(b, "%d", tm.tm_wday ? tm.tm_wday : 7);
			break;
		case 'w':
			mc_buf_printf(b, "%d", tm.tm_wday);
			break;
		case 'Z':
			mc_buf_puts(b, "UTC");
			break;
		case 'z':
			mc_buf_puts(b, "+0000");
			break;
		case 's':
			mc_buf_printf(b, "%lld", t);
			break;
		case 'F':
			mc_buf_printf(b, "%d-%02d-%02d", tm.tm_year + 1900,
			              tm.tm_mon + 1, tm.tm_mday);
			break;
		case 'T':
			mc_buf_printf(b, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
			              tm.tm_sec);
			break;
		case 'D':
			mc_buf_printf(b, "%02d/%02d/%02d", tm.tm_mon + 1,
			              tm.tm_mday, tm.tm_year % 100);
			break;
		case '%':
			mc_buf_putc(b, '%');
			break;
		default:
			mc_buf_putc(b, '%');
			if (nopad)
				mc_buf_putc(b, '-');
			mc_buf_putc(b, *p);
		}
	}
}

/* ---- URLs ---- */

static bool has_scheme(const char *s)
{
	const char *p = s;
	if (!isalpha((unsigned char)*p))
		return false;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	       *p == '.')
		p++;
	return *p == ':';
}

static const char *site_str(lq *c, const char *key)
{
	lv *v = hash_get(c, c->site, key, strlen(key));
	return v && v->k == LV_STR ? v->s : "";
}

/* Jekyll's relative_url: the baseurl before a path, one slash between. */
static void put_relative(lq *c, mc_buf *b, const char *in)
{
	if (has_scheme(in) || (in[0] == '/' && in[1] == '/')) {
		mc_buf_puts(b, in);
		return;
	}
	const char *base = site_str(c, "baseurl");
	size_t bn = strlen(base);
	while (bn && base[bn - 1] == '/')
		bn--;
	if (bn && base[0] != '/')
		mc_buf_putc(b, '/');
	mc_buf_put(b, base, bn);
	if (in[0] != '/')
		mc_buf_putc(b, '/');
	mc_buf_puts(b, in);
}

static void put_uri_escaped(mc_buf *b, const char *s, size_t n, bool form)
{
	static const char keep[] = "-_.~!*'();:@&=+$,/?#[]";
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (isalnum(ch) || (form ? strchr("-_.*", ch) != NULL && ch
		                         : strchr(keep, ch) != NULL && ch))
			mc_buf_putc(b, (char)ch);
		else if (form && ch == ' ')
			mc_buf_putc(b, '+');
		else
			mc_buf_printf(b, "%%%02X", ch);
	}
}

static size_t utf8_chars(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/* Byte length of the first `chars` characters of s. */
static size_t utf8_prefix(const char *s, size_t n, size_t chars)
{
	size_t i = 0;
	while (i < n && chars) {
		i++;
		while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars--;
	}
	return i;
}

static void strip_html(mc_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (s[i] == '<') {
			static const char *const skip[] = {"<script", "<style",
			                                   "<!--", NULL};
			static const char *const close[] = {"</script>", "</style>",
			                                    "-->"};
			size_t k;
			for (k = 0; skip[k]; k++)
				if (n - i >= strlen(skip[k]) &&
				    strncasecmp(s + i, skip[k], strlen(skip[k])) == 0)
					break;
			if (skip[k]) {
				const char *e = NULL;
				for (size_t j = i; j + strlen(close[k]) <= n; j++)
					if (strncasecmp(s + j, close[k],
					                strlen(close[k])) == 0) {
						e = s + j + strlen(close[k]);
						break;
					}
				i = e ? (size_t)(e - s) : n;
				continue;
			}
			const char *gt = memchr(s + i, '>', n - i);
			if (gt) {
				i = (size_t)(gt - s) + 1;
				continue;
			}
		}
		mc_buf_putc(b, s[i++]);
	}
}

/* Split s by sep as Ruby's String#split: " " splits on runs of white
 * space; trailing empty fields dropped. */
static lv *split_str(lq *c, const char *s, size_t n, const char *sep,
                     size_t sn)
{
	lv *a = lv_new(c, LV_ARR);
	if (sn == 1 && sep[0] == ' ') {
		size_t i = 0;
		while (i < n) {
			while (i < n && lq_space(s[i]))
				i++;
			size_t w = i;
			while (i < n && !lq_space(s[i]))
				i++;
			if (i > w)
				arr_push(c, a, lv_strn(c, s + w, i - w));
		}
		return a;
	}
	if (sn == 0) {
		for (size_t i = 0; i < n;) {
			size_t k = utf8_prefix(s + i, n - i, 1);
			arr_push(c, a, lv_strn(c, s + i, k));
			i += k;
		}
		return a;
	}
	size_t w = 0;
	while (w <= n && !c->stop) {
		const char *hit = find_mem(s + w, n - w, sep, sn);
		if (!hit)
			break;
		arr_push(c, a, lv_strn(c, s + w, (size_t)(hit - (s + w))));
		w = (size_t)(hit - s) + sn;
	}
	arr_push(c, a, lv_strn(c, s + w, n - w));
	while (a->n && a->items[a->n - 1]->n == 0)
		a->n--;
	return a;
}

static void replace_str(mc_buf *b, const char *s, size_t n, const char *f,
                        size_t fn, const char *r, size_t rn, bool first)
{
	size_t i = 0;
	bool done = false;
	if (fn == 0) {
		mc_buf_put(b, r, rn);
		mc_buf_put(b, s, n);
		return;
	}
	while (i < n && !done) {
		const char *hit = find_mem(s + i, n - i, f, fn);
		if (!hit)
			break;
		mc_buf_put(b, s + i, (size_t)(hit - (s + i)));
		mc_buf_put(b, r, rn);
		i = (size_t)(hit - s) + fn;
		done = first;
		if (b->len > LQ_MAX_OUT)
			return;
	}
	mc_buf_put(b, s + i, n - i);
}

static bool x_condition(xp *x);
static void xp_init(xp *x, lq *c, const char *s, size_t n, const ln *at);
static void push_scope(lq *c, lv *h);
static void pop_scope(lq *c);

/* Apply one filter. */
static lv *filter(lq *c, const ln *at, const char *name, size_t nn, lv *in,
                  lv **args, size_t na)
{
	c->steps++;
	if (!budget(c, 0))
		return c->nil;
#define IS(w) name_eq(name, nn, w)
#define ARG(i) ((i) < na ? args[i] : c->nil)
	size_t n;
	const char *s;
	mc_buf b = MC_BUF_INIT;
	if (IS("relative_url") || IS("absolute_url")) {
		if (in->k == LV_NIL)
			return in;
		s = cstr(c, in);
		if (IS("absolute_url") && !has_scheme(s)) {
			const char *url = site_str(c, "url");
			size_t un = strlen(url);
			while (un && url[un - 1] == '/')
				un--;
			mc_buf_put(&b, url, un);
		}
		put_relative(c, &b, s);
		return lv_buf(c, &b);
	}
	if (IS("default")) {
		c->missing = NULL; /* a default given: undefined is expected */
		bool allow_false = false;
		for (size_t i = 1; i < na; i++)
			allow_false = allow_false || truthy(args[i]);
		bool use = allow_false ? in->k == LV_NIL
		                       : !truthy(in) || is_empty(in);
		return use ? ARG(0) : in;
	}
	if (IS("date") || IS("date_to_xmlschema") || IS("date_to_string") ||
	    IS("date_to_long_string") || IS("date_to_rfc822")) {
		long long t;
		if (!parse_date(c, in, &t))
			return in;
		const char *fmt = IS("date")                ? cstr(c, ARG(0))
		                  : IS("date_to_xmlschema") ? "%Y-%m-%dT%H:%M:%S+00:00"
		                  : IS("date_to_string")    ? "%d %b %Y"
		                  : IS("date_to_rfc822")
		                          ? "%a, %d %b %Y %H:%M:%S +0000"
		                          : "%d %B %Y";
		if (IS("date") && !*fmt)
			return in;
		put_date(&b, t, fmt);
		return lv_buf(c, &b);
	}
	if (IS("escape") || IS("xml_escape") || IS("escape_once") ||
	    IS("h")) {
		if (in->k == LV_NIL)
			return in;
		s = str_of(c, in, &n);
		put_escaped(&b, s, n);
		return lv_buf(c, &b);
	}
	if (IS("downcase") || IS("upcase") || IS("capitalize")) {
		s = str_of(c, in, &n);
		char *r = mc_arena_strndup(c->A, s, n);
		for (size_t i = 0; i < n; i++)
			r[i] = (char)(IS("upcase") ? toupper((unsigned char)r[i])
			                           : tolower((unsigned char)r[i]));
		if (IS("capitalize") && n)
			r[0] = (char)toupper((unsigned char)r[0]);
		return lv_strn(c, r, n);
	}
	if (IS("size")) {
		if (in->k == LV_STR)
			return lv_int(c, (long long)utf8_chars(in->s, in->n));
		if (in->k == LV_ARR || in->k == LV_HASH)
			return lv_int(c, (long long)in->n);
		return lv_int(c, 0);
	}
	if (IS("first") || IS("last")) {
		/* of a list (Liquid 4: a string has no first or last) */
		if (in->k != LV_ARR || !in->n)
			return c->nil;
		return IS("first") ? in->items[0] : in->items[in->n - 1];
	}
	if (IS("join")) {
		if (in->k != LV_ARR)
			return in;
		const char *sep = na ? cstr(c, args[0]) : " ";
		for (size_t i = 0; i < in->n && b.len <= LQ_MAX_OUT; i++) {
			if (i)
				mc_buf_puts(&b, sep);
			put_value(c, &b, in->items[i], 1);
		}
		return lv_buf(c, &b);
	}
	if (IS("split")) {
		s = str_of(c, in, &n);
		size_t sn;
		const char *sep = str_of(c, ARG(0), &sn);
		return split_str(c, s, n, sep, sn);
	}
	if (IS("where") || IS("where_exp_simple")) {
		lv *a = as_array(c, in), *r = lv_new(c, LV_ARR);
		const char *want = na > 1 ? cstr(c, args[1]) : NULL;
		for (size_t i = 0; i < a->n; i++) {
			lv *p = prop(c, a->items[i], ARG(0));
			if (!p)
				continue;
			bool hit;
			if (!want) {
				hit = truthy(p);
			} else if (p->k == LV_ARR) {
				hit = false;
				for (size_t j = 0; j < p->n && !hit; j++)
					hit = !strcmp(cstr(c, p->items[j]), want);
			} else {
				hit = !strcmp(cstr(c, p), want);
			}
			if (hit)
				arr_push(c, r, a->items[i]);
		}
		return r;
	}
	if (IS("where_exp")) {
		lv *a = as_array(c, in), *r = lv_new(c, LV_ARR);
		size_t vn, en;
		const char *var = str_of(c, ARG(0), &vn);
		const char *ex = str_of(c, ARG(1), &en);
		lv *scope = lv_new(c, LV_HASH);
		push_scope(c, scope);
		for (size_t i = 0; i < a->n && !c->stop; i++) {
			hash_set(c, scope, var, vn, a->items[i]);
			xp x;
			xp_init(&x, c, ex, en, at);
			if (x_condition(&x))
				arr_push(c, r, a->items[i]);
			c->steps++;
		}
		pop_scope(c);
		return r;
	}
	if (IS("sort") || IS("sort_natural"))
		return sort_values(c, in, na ? args[0] : NULL, IS("sort_natural"));
	if (IS("map")) {
		lv *a = as_array(c, in), *r = lv_new(c, LV_ARR);
		for (size_t i = 0; i < a->n; i++) {
			lv *p = prop(c, a->items[i], ARG(0));
			arr_push(c, r, p ? p : c->nil);
		}
		return r;
	}
	if (IS("uniq") || IS("reverse") || IS("compact")) {
		lv *a = as_array(c, in), *r = lv_new(c, LV_ARR);
		for (size_t i = 0; i < a->n; i++) {
			lv *x = a->items[IS("reverse") ? a->n - 1 - i : i];
			bool seen = IS("compact") && x->k == LV_NIL;
			if (IS("uniq")) {
				c->steps += r->n; /* quadratic: counted */
				if (!budget(c, 0))
					break;
			}
			for (size_t j = 0; IS("uniq") && j < r->n && !seen; j++)
				seen = lv_eq(c, r->items[j], x, 0);
			if (!seen)
				arr_push(c, r, x);
		}
		return r;
	}
	if (IS("concat") || IS("push")) {
		lv *a = as_array(c, in), *r = lv_new(c, LV_ARR);
		for (size_t i = 0; i < a->n; i++)
			arr_push(c, r, a->items[i]);
		if (IS("push")) {
			arr_push(c, r, ARG(0));
		} else {
			lv *x = as_array(c, ARG(0));
			for (size_t i = 0; i < x->n; i++)
				arr_push(c, r, x->items[i]);
		}
		return r;
	}
	if (IS("append") || IS("prepend")) {
		size_t an;
		s = str_of(c, in, &n);
		const char *a = str_of(c, ARG(0), &an);
		if (IS("prepend"))
			mc_buf_put(&b, a, an);
		mc_buf_put(&b, s, n);
		if (IS("append"))
			mc_buf_put(&b, a, an);
		return lv_buf(c, &b);
	}
	if (IS("replace") || IS("replace_first") || IS("remove") ||
	    IS("remove_first")) {
		size_t fn, rn = 0;
		s = str_of(c, in, &n);
		const char *f = str_of(c, ARG(0), &fn);
		const char *r = IS("replace") || IS("replace_first")
		                        ? str_of(c, ARG(1), &rn)
		                        : "";
		replace_str(&b, s, n, f, fn, r, rn,
		            IS("replace_first") || IS("remove_first"));
		return lv_buf(c, &b);
	}
	if (IS("strip") || IS("lstrip") || IS("rstrip")) {
		s = str_of(c, in, &n);
		const char *e = s + n;
		if (!IS("rstrip"))
			while (s < e && lq_space(*s))
				s++;
		if (!IS("lstrip"))
			while (e > s && lq_space(e[-1]))
				e--;
		return lv_strn(c, s, (size_t)(e - s));
	}
	if (IS("strip_html")) {
		s = str_of(c, in, &n);
		strip_html(&b, s, n);
		return lv_buf(c, &b);
	}
	if (IS("strip_newlines") || IS("newline_to_br")) {
		s = str_of(c, in, &n);
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '\r')
				continue;
			if (s[i] == '\n' && IS("newline_to_br"))
				mc_buf_puts(&b, "<br />\n");
			else if (s[i] != '\n')
				mc_buf_putc(&b, s[i]);
		}
		return lv_buf(c, &b);
	}
	if (IS("truncate")) {
		s = str_of(c, in, &n);
		long long len = na ? to_int(c, args[0]) : 50;
		size_t en;
		const char *ell = na > 1 ? str_of(c, args[1], &en) : "...";
		if (na <= 1)
			en = 3;
		if (len < 0)
			len = 0;
		if (utf8_chars(s, n) <= (size_t)len)
			return in;
		size_t ec = utf8_chars(ell, en);
		size_t keep = (size_t)len > ec ? (size_t)len - ec : 0;
		mc_buf_put(&b, s, utf8_prefix(s, n, keep));
		mc_buf_put(&b, ell, en);
		return lv_buf(c, &b);
	}
	if (IS("truncatewords")) {
		s = str_of(c, in, &n);
		long long words = na ? to_int(c, args[0]) : 15;
		const char *ell = na > 1 ? cstr(c, args[1]) : "...";
		if (words < 1)
			words = 1;
		lv *w = split_str(c, s, n, " ", 1);
		if (w->n <= (size_t)words)
			return in;
		for (long long i = 0; i < words; i++) {
			if (i)
				mc_buf_putc(&b, ' ');
			mc_buf_put(&b, w->items[i]->s, w->items[i]->n);
		}
		mc_buf_puts(&b, ell);
		return lv_buf(c, &b);
	}
	if (IS("plus") || IS("minus") || IS("times") || IS("divided_by") ||
	    IS("modulo")) {
		char op = IS("plus")    ? '+'
		          : IS("minus") ? '-'
		          : IS("times") ? '*'
		          : IS("modulo") ? '%'
		                         : '/';
		lv *r = arith(c, in, ARG(0), op);
		if (r->k == LV_NIL)
			lwarn(c, at->file, at->line, at->col,
			      "Liquid: division by zero in '%.*s'", (int)nn, name);
		return r;
	}
	if (IS("abs") || IS("round") || IS("ceil") || IS("floor")) {
		lv *x = to_number(c, in);
		if (x->k == LV_INT)
			return lv_int(c, IS("abs") && x->i < 0 && x->i != LLONG_MIN
			                         ? -x->i
			                         : x->i);
		double f = x->f;
		if (IS("abs"))
			return lv_float(c, fabs(f));
		if (IS("round") && na) {
			/* digits clamped to -22..22: 10^22 is the largest
			 * power of ten a double holds exactly */
			long long digits = to_int(c, args[0]);
			double p = mc_pow10(digits > 22    ? 22
			                    : digits < -22 ? -22
			                                   : (int)digits);
			return lv_float(c, mc_round(f * p) / p);
		}
		double r = IS("round") ? mc_round(f)
		           : IS("ceil") ? mc_ceil(f)
		                        : mc_floor(f);
		if (fabs(r) < 9e18)
			return lv_int(c, (long long)r);
		return lv_float(c, r);
	}
	if (IS("slugify")) {
		s = str_of(c, in, &n);
		mc_slug_jekyll(&b, s, n, na ? cstr(c, args[0]) : NULL);
		return lv_buf(c, &b);
	}
	if (IS("markdownify") || IS("smartify") || IS("to_s") ||
	    IS("normalize_whitespace") || IS("number_of_words")) {
		/* markdownify: the result is read as Markdown anyway */
		s = str_of(c, in, &n);
		if (IS("number_of_words"))
			return lv_int(c, (long long)split_str(c, s, n, " ", 1)->n);
		if (IS("normalize_whitespace")) {
			lv *w = split_str(c, s, n, " ", 1);
			for (size_t i = 0; i < w->n; i++) {
				if (i)
					mc_buf_putc(&b, ' ');
				mc_buf_put(&b, w->items[i]->s, w->items[i]->n);
			}
			return lv_buf(c, &b);
		}
		return lv_strn(c, s, n);
	}
	if (IS("jsonify")) {
		put_json(c, &b, in, 0);
		return lv_buf(c, &b);
	}
	if (IS("uri_escape") || IS("url_encode") || IS("cgi_escape") ||
	    IS("url_escape")) {
		s = str_of(c, in, &n);
		put_uri_escaped(&b, s, n, !IS("uri_escape") && !IS("url_escape"));
		return lv_buf(c, &b);
	}
	if (IS("array_to_sentence_string")) {
		lv *a = as_array(c, in);
		const char *conn = na ? cstr(c, args[0]) : "and";
		for (size_t i = 0; i < a->n; i++) {
			if (i)
				mc_buf_puts(&b, a->n == 2 ? " " : ", ");
			if (i && i == a->n - 1)
				mc_buf_printf(&b, "%s ", conn);
			put_value(c, &b, a->items[i], 1);
		}
		return lv_buf(c, &b);
	}
	if (IS("slice")) {
		long long from = to_int(c, ARG(0));
		long long len = na > 1 ? to_number(c, args[1])->i : 1;
		if (in->k == LV_ARR) {
			lv *r = lv_new(c, LV_ARR);
			if (from < 0)
				from += (long long)in->n;
			for (long long i = from; i >= 0 && i < from + len &&
			                         (size_t)i < in->n;
			     i++)
				arr_push(c, r, in->items[i]);
			return r;
		}
		s = str_of(c, in, &n);
		long long chars = (long long)utf8_chars(s, n);
		if (from < 0)
			from += chars;
		if (from < 0 || from >= chars || len <= 0)
			return lv_str(c, "");
		size_t a = utf8_prefix(s, n, (size_t)from);
		size_t k = utf8_prefix(s + a, n - a, (size_t)len);
		return lv_strn(c, s + a, k);
	}
	/* unknown: passed through, one warning per filter name */
	for (size_t i = 0; i < c->nwarned; i++)
		if (name_eq(name, nn, c->warned[i]))
			return in;
	c->warned = mc_xrealloc(c->warned, (c->nwarned + 1) * sizeof(char *));
	c->warned[c->nwarned++] = mc_arena_strndup(c->A, name, nn);
	lwarn(c, at->file, at->line, at->col,
	      "unknown Liquid filter '%.*s'; the value is passed through "
	      "unchanged", (int)nn, name);
	return in;
#undef IS
#undef ARG
}

/* An expression with filters: `a.b | f: x, y | g`. */
static lv *x_filtered(xp *x)
{
	lv *v = x_expr(x);
	while (!x->bad && accept(x, "|")) {
		xws(x);
		size_t nn = peek_word(x);
		if (nn == 0) {
			x->bad = true;
			break;
		}
		const char *name = x->p;
		x->p += nn;
		lv *args[8];
		size_t na = 0;
		if (accept(x, ":")) {
			do {
				xws(x);
				/* a named argument (key: value): its value */
				size_t w = peek_word(x);
				if (w && x->p + w < x->e && x->p[w] == ':' &&
				    !(x->p + w + 1 < x->e && x->p[w + 1] == ':'))
					x->p += w + 1;
				lv *a = x_expr(x);
				if (na < 8)
					args[na++] = a;
			} while (!x->bad && accept(x, ","));
		}
		v = filter(x->c, x->at, name, nn, v, args, na);
	}
	return v;
}

/* One comparison: `a`, `a == b`, `a contains b`... */
static bool x_compare(xp *x)
{
	lq *c = x->c;
	lv *a = x_expr(x);
	xws(x);
	static const char *const ops[] = {"==", "!=", "<>", "<=", ">=", "<",
	                                  ">",  NULL};
	const char *op = NULL;
	for (size_t i = 0; ops[i]; i++)
		if (accept(x, ops[i])) {
			op = ops[i];
			break;
		}
	if (!op && accept_word(x, "contains"))
		op = "contains";
	if (!op)
		return truthy(a);
	lv *b = x_expr(x);
	if (!strcmp(op, "=="))
		return lv_eq(c, a, b, 0);
	if (!strcmp(op, "!=") || !strcmp(op, "<>"))
		return !lv_eq(c, a, b, 0);
	if (!strcmp(op, "contains")) {
		if (a->k == LV_STR) {
			size_t bn;
			const char *bs = str_of(c, b, &bn);
			return find_mem(a->s, a->n, bs, bn) != NULL;
		}
		if (a->k == LV_ARR) {
			for (size_t i = 0; i < a->n; i++)
				if (lv_eq(c, a->items[i], b, 0))
					return true;
			return false;
		}
		if (a->k == LV_HASH) {
			size_t bn;
			const char *bs = str_of(c, b, &bn);
			return hash_get(c, a, bs, bn) != NULL;
		}
		return false;
	}
	int r = lv_cmp(a, b);
	if (r == 2) {
		if (a->k != LV_NIL && b->k != LV_NIL)
			lwarn(c, x->at->file, x->at->line, x->at->col,
			      "Liquid: cannot compare %s with %s; the "
			      "condition is false",
			      kind_name(a), kind_name(b));
		return false;
	}
	if (!strcmp(op, "<"))
		return r < 0;
	if (!strcmp(op, ">"))
		return r > 0;
	if (!strcmp(op, "<="))
		return r <= 0;
	return r >= 0;
}

/* A condition: comparisons joined by and/or, grouped from the right as
 * Liquid does (`a and b or c` is `a and (b or c)`). */
static bool x_condition(xp *x)
{
	bool vals[64];
	char ops[64];
	size_t n = 0;
	for (;;) {
		bool v = x_compare(x);
		if (n < 64)
			vals[n] = v;
		char op = 0;
		if (accept_word(x, "and"))
			op = 'a';
		else if (accept_word(x, "or"))
			op = 'o';
		if (n < 64)
			ops[n] = op;
		n++;
		if (!op || x->bad)
			break;
	}
	if (n > 64)
		n = 64;
	bool r = vals[n - 1];
	for (size_t i = n - 1; i-- > 0;)
		r = ops[i] == 'a' ? vals[i] && r : vals[i] || r;
	return r;
}

static void xp_init(xp *x, lq *c, const char *s, size_t n, const ln *at)
{
	x->c = c;
	x->p = s;
	x->e = s + n;
	x->at = at;
	x->bad = false;
	x->depth = 0;
}

/* Warn when markup was not all understood. */
static void xp_check(xp *x, const char *what)
{
	xws(x);
	if (x->bad || x->p < x->e) {
		const ln *at = x->at;
		lwarn(x->c, at->file, at->line, at->col,
		      "Liquid syntax error in %s '%.*s'", what,
		      (int)(at->n > 80 ? 80 : at->n), at->s);
	}
}

/* ---------------------------------------------------------------- */
/* rendering                                                         */

static void render(lq *c, const ln *n);

static void render_list(lq *c, const ln *n)
{
	for (; n && !c->stop && !c->brk; n = n->next)
		render(c, n);
}

static void push_scope(lq *c, lv *h)
{
	if (c->nscopes < (int)(sizeof c->scopes / sizeof *c->scopes))
		c->scopes[c->nscopes] = h;
	c->nscopes++;
}

static void pop_scope(lq *c)
{
	c->nscopes--;
}

/* Render a list into a string (capture, highlight body, file names). */
static void render_to(lq *c, const ln *body, sink *o)
{
	sink *saved = c->out;
	bool nl = c->need_nl;
	c->need_nl = false;
	c->out = o;
	render_list(c, body);
	c->out = saved;
	c->need_nl = nl;
}

/* Count the words of a body left out (its text, tags not counted). */
static size_t count_words(const ln *n, int depth)
{
	size_t w = 0;
	for (; n && depth < LQ_MAX_NEST + 2; n = n->next) {
		if (n->k == N_TEXT) {
			bool in = false;
			for (size_t i = 0; i < n->n; i++) {
				bool sp = lq_space(n->s[i]);
				if (!sp && !in)
					w++;
				in = !sp;
			}
		}
		for (size_t i = 0; i < n->nbr; i++)
			w += count_words(n->br[i].body, depth + 1);
	}
	return w;
}

static void render_text(lq *c, const ln *n)
{
	emit(c, n->s, n->n, n->line, n->col, true);
}

static void render_out(lq *c, const ln *n)
{
	if (n->n == 0)
		return; /* {{ }}: nothing, as in Liquid */
	xp x;
	xp_init(&x, c, n->s, n->n, n);
	c->missing = NULL;
	lv *v = x_filtered(&x);
	xp_check(&x, "output");
	mc_buf b = MC_BUF_INIT;
	put_value(c, &b, v, 0);
	if (b.len == 0 && c->missing) {
		static const char *const quiet[] = {
			"site.baseurl", "site.url", "site.title", "site.description",
			"page.title",   "page.permalink", NULL};
		if (!plain_is(c->missing, strlen(c->missing), quiet))
			lwarn(c, n->file, n->line, n->col,
			      "undefined Liquid variable '%s' in '{{ %.*s }}'; "
			      "left out",
			      c->missing, (int)(n->n > 80 ? 80 : n->n), n->s);
	}
	/* "{{ site.baseurl }}/img" with baseurl "/": one slash, not two */
	if (b.len && b.data[b.len - 1] == '/' && n->next &&
	    n->next->k == N_TEXT && n->next->n && n->next->s[0] == '/')
		b.len--;
	emit(c, b.data, b.len, n->line, n->col, false);
	mc_buf_free(&b);
}

static void render_assign(lq *c, const ln *n)
{
	const char *eq = memchr(n->s, '=', n->n);
	const char *ne = eq, *ns = n->s;
	if (eq)
		trim_span(&ns, &ne);
	if (!eq || ne == ns) {
		lwarn(c, n->file, n->line, n->col,
		      "Liquid syntax error in '{%% assign %.*s %%}'; ignored",
		      (int)(n->n > 80 ? 80 : n->n), n->s);
		return;
	}
	xp x;
	xp_init(&x, c, eq + 1, (size_t)(n->s + n->n - eq - 1), n);
	lv *v = x_filtered(&x);
	xp_check(&x, "assign");
	hash_set(c, c->env, ns, (size_t)(ne - ns), v);
}

static void render_capture(lq *c, const ln *n)
{
	const char *s = n->s, *e = n->s + n->n;
	trim_span(&s, &e);
	if (e > s && (*s == '"' || *s == '\'') && e[-1] == *s && e - s >= 2)
		s++, e--;
	sink o = {MC_BUF_INIT, false, true, NULL, NULL, 0, 0};
	render_to(c, n->br[0].body, &o);
	if (s == e)
		lwarn(c, n->file, n->line, n->col,
		      "'{%% capture %%}' without a variable name; ignored");
	else
		hash_set(c, c->env, s, (size_t)(e - s), lv_buf(c, &o.b));
	sink_free(&o);
}

static void render_if(lq *c, const ln *n)
{
	for (size_t i = 0; i < n->nbr; i++) {
		const lbr *b = &n->br[i];
		bool hit = b->is_else;
		if (!hit) {
			ln at = *n;
			at.s = b->m;
			at.n = b->mn;
			at.line = b->line;
			at.col = b->col;
			xp x;
			xp_init(&x, c, b->m, b->mn, &at);
			hit = x_condition(&x);
			xp_check(&x, "condition");
			if (n->k == N_UNLESS && i == 0)
				hit = !hit;
		}
		if (hit) {
			render_list(c, b->body);
			return;
		}
	}
}

static void render_case(lq *c, const ln *n)
{
	xp x;
	xp_init(&x, c, n->s, n->n, n);
	lv *v = x_expr(&x);
	xp_check(&x, "case");
	bool any = false;
	for (size_t i = 1; i < n->nbr; i++) {
		const lbr *b = &n->br[i];
		if (b->is_else) {
			if (!any)
				render_list(c, b->body);
			continue;
		}
		ln at = *n;
		at.s = b->m;
		at.n = b->mn;
		at.line = b->line;
		xp_init(&x, c, b->m, b->mn, &at);
		bool hit = false;
		do {
			lv *w = x_expr(&x);
			hit = hit || lv_eq(c, v, w, 0);
		} while (!x.bad && (accept(&x, ",") || accept_word(&x, "or")));
		xp_check(&x, "when");
		if (hit) { /* every matching when renders (Liquid) */
			any = true;
			render_list(c, b->body);
		}
		if (c->stop || c->brk)
			return;
	}
}

static void render_for(lq *c, const ln *n)
{
	xp x;
	xp_init(&x, c, n->s, n->n, n);
	xws(&x);
	size_t vn = peek_word(&x);
	const char *var = x.p;
	x.p += vn;
	if (vn == 0 || !accept_word(&x, "in")) {
		lwarn(c, n->file, n->line, n->col,
		      "Liquid syntax error in '{%% for %.*s %%}'; left out",
		      (int)(n->n > 80 ? 80 : n->n), n->s);
		return;
	}
	c->missing = NULL;
	lv *coll = x_expr(&x);
	if (c->missing && coll->k == LV_NIL)
		lwarn(c, n->file, n->line, n->col,
		      "'{%% for %%}' over '%s', which is not defined here; "
		      "nothing repeated",
		      c->missing);
	long long limit = -1, offset = 0;
	bool reversed = false;
	for (;;) {
		if (accept_word(&x, "reversed")) {
			reversed = true;
		} else if (accept_word(&x, "limit")) {
			if (accept(&x, ":"))
				limit = to_int(c, x_expr(&x));
		} else if (accept_word(&x, "offset")) {
			if (accept(&x, ":")) {
				if (!accept_word(&x, "continue"))
					offset = to_int(c, x_expr(&x));
			}
		} else if (accept(&x, ",")) {
			continue;
		} else {
			break;
		}
	}
	xp_check(&x, "for");
	lv *a;
	if (coll->k == LV_STR)
		a = coll->n ? as_array(c, coll) : lv_new(c, LV_ARR);
	else
		a = as_array(c, coll);
	/* offset and limit first, then reversed (Liquid) */
	size_t from = offset > 0 ? (size_t)offset : 0;
	if (from > a->n)
		from = a->n;
	size_t to = a->n;
	if (limit >= 0 && from + (size_t)limit < to)
		to = from + (size_t)limit;
	size_t len = to - from;
	if (len == 0) {
		if (n->nbr > 1)
			render_list(c, n->br[1].body);
		return;
	}
	lv *scope = lv_new(c, LV_HASH);
	lv *loop = lv_new(c, LV_HASH);
	lv *parent = lookup_root(c, "forloop", 7);
	if (parent)
		hash_set(c, loop, "parentloop", 10, parent);
	hash_set(c, loop, "length", 6, lv_int(c, (long long)len));
	hash_set(c, scope, "forloop", 7, loop);
	push_scope(c, scope);
	c->loops++;
	for (size_t k = 0; k < len && !c->stop; k++) {
		c->iters++;
		if (!budget(c, 0))
			break;
		size_t i = reversed ? to - 1 - k : from + k;
		hash_set(c, scope, var, vn, a->items[i]);
		hash_set(c, loop, "index", 5, lv_int(c, (long long)k + 1));
		hash_set(c, loop, "index0", 6, lv_int(c, (long long)k));
		hash_set(c, loop, "rindex", 6, lv_int(c, (long long)(len - k)));
		hash_set(c, loop, "rindex0", 7,
		         lv_int(c, (long long)(len - k - 1)));
		hash_set(c, loop, "first", 5, lv_bool(c, k == 0));
		hash_set(c, loop, "last", 4, lv_bool(c, k == len - 1));
		render_list(c, n->br[0].body);
		int brk = c->brk;
		c->brk = 0;
		if (brk == 1)
			break;
	}
	c->loops--;
	pop_scope(c);
}

static void render_counter(lq *c, const ln *n, int delta)
{
	const char *s = n->s, *e = n->s + n->n;
	trim_span(&s, &e);
	lv *v = hash_get(c, c->counters, s, (size_t)(e - s));
	long long val = v && v->k == LV_INT ? v->i : 0;
	if (delta < 0)
		val--;
	char t[32];
	snprintf(t, sizeof t, "%lld", val);
	emit(c, t, strlen(t), n->line, n->col, false);
	if (delta > 0)
		val++;
	hash_set(c, c->counters, s, (size_t)(e - s), lv_int(c, val));
}

static void render_cycle(lq *c, const ln *n)
{
	xp x;
	xp_init(&x, c, n->s, n->n, n);
	/* a group name ("name": a, b) or the values themselves */
	const char *key = n->s;
	size_t keyn = n->n;
	const char *colon = NULL;
	{
		char q = 0;
		for (const char *p = n->s; p < n->s + n->n; p++) {
			if (q) {
				if (*p == q)
					q = 0;
			} else if (*p == '"' || *p == '\'') {
				q = *p;
			} else if (*p == ':') {
				colon = p;
				break;
			}
		}
	}
	if (colon) {
		key = n->s;
		keyn = (size_t)(colon - n->s);
		x.p = colon + 1;
	}
	lv *vals[64];
	size_t nv = 0;
	do {
		lv *v = x_expr(&x);
		if (nv < 64)
			vals[nv++] = v;
	} while (!x.bad && accept(&x, ","));
	xp_check(&x, "cycle");
	if (!nv)
		return;
	lv *cur = hash_get(c, c->cycles, key, keyn);
	long long i = cur ? cur->i : 0;
	size_t sn;
	const char *s = str_of(c, vals[(size_t)i % nv], &sn);
	emit(c, s, sn, n->line, n->col, false);
	hash_set(c, c->cycles, key, keyn, lv_int(c, (i + 1) % (long long)nv));
}

/* Liquid inside a tag's markup ({% include {{ page.x }} %}): rendered. */
static const char *render_markup(lq *c, const ln *n, const char *s,
                                 size_t len, size_t *outn)
{
	if (!find_mem(s, len, "{{", 2)) {
		*outn = len;
		return s;
	}
	toks ts = {NULL, 0, 0};
	tokenize(c, s, len, n->line, n->file, &ts);
	tmpl t;
	parse_tokens(c, &ts, n->file, &t);
	free(ts.v);
	sink o = {MC_BUF_INIT, false, true, NULL, NULL, 0, 0};
	render_to(c, t.root, &o);
	const char *r = mc_arena_strndup(c->A, o.b.data ? o.b.data : "",
	                                 o.b.len);
	*outn = o.b.len;
	sink_free(&o);
	return r;
}

static void render_file(lq *c, const char *src, size_t len, const char *file);

/* Whether a file name is one Jekyll accepts (no "..", "./", "//"). */
static bool valid_include_name(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (!(isalnum(ch) || ch == '_' || ch == '/' || ch == '.' ||
		      ch == '-' || ch >= 0x80))
			return false;
		if (i + 1 < n && (ch == '.' || ch == '/') &&
		    (s[i + 1] == '.' || s[i + 1] == '/'))
			return false;
	}
	return s[0] != '/';
}

static void render_include(lq *c, const ln *n)
{
	bool relative = name_eq(n->name, n->namelen, "include_relative");
	/* the file name: up to white space outside {{ }} */
	const char *p = n->s, *e = n->s + n->n;
	const char *q = p;
	while (q < e && !lq_space(*q)) {
		if (q + 1 < e && q[0] == '{' && q[1] == '{') {
			const char *cl = find_mem(q, (size_t)(e - q), "}}", 2);
			q = cl ? cl + 2 : e;
			continue;
		}
		q++;
	}
	size_t fn;
	const char *fname = render_markup(c, n, p, (size_t)(q - p), &fn);
	const char *shown = mc_arena_strndup(c->A, fname, fn);
	if (!valid_include_name(fname, fn)) {
		lwarn(c, n->file, n->line, n->col,
		      "'{%% %.*s %s %%}': not a file name Jekyll accepts (no "
		      "\"..\", \"./\" or leading \"/\"); nothing included",
		      (int)n->namelen, n->name, shown);
		return;
	}
	if (c->include_depth >= LQ_MAX_INCLUDE) {
		lwarn(c, n->file, n->line, n->col,
		      "includes nested deeper than %d (an include that "
		      "includes itself?); '%s' not included",
		      LQ_MAX_INCLUDE, shown);
		return;
	}
	/* parameters: key="v" key='v' key=variable */
	lv *params = lv_new(c, LV_HASH);
	xp x;
	xp_init(&x, c, q, (size_t)(e - q), n);
	for (;;) {
		xws(&x);
		size_t kn = peek_word(&x);
		if (kn == 0)
			break;
		const char *k = x.p;
		x.p += kn;
		if (!accept(&x, "=")) {
			x.bad = true;
			break;
		}
		xws(&x);
		lv *v;
		if (x.p < x.e && (*x.p == '"' || *x.p == '\'')) {
			lv *lit = x_primary(&x);
			size_t vn;
			const char *vs = render_markup(c, n, lit->s, lit->n, &vn);
			v = lv_strn(c, vs, vn);
		} else {
			v = x_expr(&x);
		}
		hash_set(c, params, k, kn, v);
	}
	xp_check(&x, "include parameters");
	/* where the file is: _includes/, or (include_relative) the
	 * page's folder, as in Jekyll even inside an included file */
	const char *dir = relative ? c->fe->dir : c->fe->root;
	size_t pl = strlen(dir) + fn + 16;
	char *path = mc_xmalloc(pl);
	snprintf(path, pl, "%s/%s%.*s", dir, relative ? "" : "_includes/",
	         (int)fn, fname);
	size_t len;
	char *text = read_confined(c, path, &len, n->file, n->line, n->col,
	                           relative ? "included file" : "include");
	if (!text) {
		free(path);
		return;
	}
	const char *file = mc_arena_strndup(c->A, path, strlen(path));
	free(path);
	lv *scope = lv_new(c, LV_HASH);
	hash_set(c, scope, "include", 7, params);
	push_scope(c, scope);
	if (c->include_depth++ == 0) {
		c->ovr_line = n->line;
		c->ovr_col = n->col;
	}
	render_file(c, text, len, file);
	c->include_depth--;
	pop_scope(c);
	free(text);
}

/* {% highlight LANG [linenos] %}: a fenced code block, LANG its info
 * string; the body's lines keep their source lines. */
static void render_highlight(lq *c, const ln *n)
{
	const char *s = n->s, *e = n->s + n->n;
	const char *le = s;
	while (le < e && (isalnum((unsigned char)*le) || strchr(".+#_-", *le)))
		le++;
	if (le == s || (le < e && !lq_space(*le)))
		lwarn(c, n->file, n->line, n->col,
		      "'{%% highlight %.*s %%}': no language Jekyll accepts; "
		      "a code block without one",
		      (int)(n->n > 80 ? 80 : n->n), n->s);
	bool lang_ok = le > s && (le == e || lq_space(*le));
	size_t langn = lang_ok ? (size_t)(le - s) : 0;
	const char *opts = lang_ok ? le : s;
	bool linenos = find_mem(opts, (size_t)(e - opts), "linenos", 7) != NULL;
	sink o = {MC_BUF_INIT, c->out->mapped, true, NULL, NULL, 0, 0};
	render_to(c, n->br[0].body, &o);
	/* Jekyll drops the line ends at both ends; so are lines of
	 * nothing but blanks there (the indentation of the end tag) */
	const char *b = o.b.data ? o.b.data : "", *be = b + o.b.len;
	const char *all_end = be;
	size_t first_line = 0;
	for (const char *q = b; q < be && lq_space(*q); q++)
		if (*q == '\n') {
			b = q + 1;
			first_line++;
		}
	while (be > b && lq_space(be[-1]))
		be--;
	while (be < all_end && *be != '\n')
		be++; /* the last line's own trailing blanks are kept */
	/* fence: longer than any backtick run inside */
	size_t run = 0, longest = 0, minind = SIZE_MAX;
	bool at_start = true;
	size_t ind = 0;
	for (const char *p = b; p < be; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
		if (at_start) {
			if (*p == ' ') {
				ind++;
				continue;
			}
			if (*p != '\n' && ind < minind)
				minind = ind;
			at_start = false;
		}
		if (*p == '\n') {
			at_start = true;
			ind = 0;
		}
	}
	size_t flen = longest >= 3 ? longest + 1 : 3;
	/* at the tag line's indentation; on a line of its own */
	const mc_buf *ob = &c->out->b;
	size_t ls = ob->len;
	while (ls > 0 && ob->data[ls - 1] != '\n')
		ls--;
	size_t indent = 0;
	bool blank = true;
	for (size_t i = ls; i < ob->len; i++) {
		if (ob->data[i] == ' ')
			indent++;
		else if (ob->data[i] == '\t')
			indent += 4 - indent % 4;
		else
			blank = false;
	}
	if (!blank) {
		emit(c, "\n", 1, n->line, n->col, false);
		indent = 0;
	} else if (ob->len > ls) {
		/* the indentation is written again below, with the fence */
		c->out->b.len = ls;
		if (c->out->mapped && !c->out->at_start && c->out->nm)
			c->out->nm--;
		c->out->at_start = true;
	}
	if (indent > 64)
		indent = 64;
	char pad[65];
	memset(pad, ' ', indent);
	pad[indent] = '\0';
	mc_buf head = MC_BUF_INIT;
	mc_buf_puts(&head, pad);
	for (size_t i = 0; i < flen; i++)
		mc_buf_putc(&head, '`');
	mc_buf_put(&head, s, langn);
	if (linenos)
		mc_buf_puts(&head, langn ? " linenos" : "text linenos");
	mc_buf_putc(&head, '\n');
	emit(c, head.data, head.len, n->line, n->col, false);
	mc_buf_free(&head);
	/* the body, line by line, each from its own source line */
	bool prefix = indent && minind != SIZE_MAX && minind < indent;
	size_t li = first_line;
	for (const char *p = b; p < be && !c->stop;) {
		const char *nl = memchr(p, '\n', (size_t)(be - p));
		const char *q = nl ? nl + 1 : be;
		uint32_t sl = n->line, sc = 1;
		if (o.mapped && li < o.nm) {
			sl = o.ml[li];
			sc = o.mc[li];
		}
		if (prefix)
			emit(c, pad, indent, sl, sc, false);
		emit(c, p, (size_t)(q - p), sl, sc, false);
		if (!nl)
			emit(c, "\n", 1, sl, sc, false);
		li++;
		p = q;
	}
	mc_buf tail = MC_BUF_INIT;
	mc_buf_puts(&tail, pad);
	for (size_t i = 0; i < flen; i++)
		mc_buf_putc(&tail, '`');
	uint32_t el = n->endline ? n->endline : n->line;
	emit(c, tail.data, tail.len, el, 1, false);
	mc_buf_free(&tail);
	c->need_nl = true;
	sink_free(&o);
}

static void render_link(lq *c, const ln *n, bool post)
{
	size_t len;
	const char *s0 = n->s, *e0 = n->s + n->n;
	trim_span(&s0, &e0);
	const char *s = render_markup(c, n, s0, (size_t)(e0 - s0), &len);
	mc_buf url = MC_BUF_INIT;
	if (post) {
		/* 2010-07-21-name -> /2010/07/21/name.html (the default
		 * permalink); the post itself is not looked for */
		int Y, M, D, used = 0;
		char t[512];
		snprintf(t, sizeof t, "%.*s", (int)len, s);
		const char *slash = strrchr(t, '/');
		const char *nm = slash ? slash + 1 : t;
		if (sscanf(nm, "%4d-%2d-%2d-%n", &Y, &M, &D, &used) == 3 && used) {
			char p[600];
			snprintf(p, sizeof p, "/%04d/%02d/%02d/%s.html", Y, M, D,
			         nm + used);
			put_relative(c, &url, p);
		} else {
			lwarn(c, n->file, n->line, n->col,
			      "'{%% post_url %s %%}': not a post name "
			      "(YYYY-MM-DD-title); left out", t);
		}
	} else {
		char t[600];
		snprintf(t, sizeof t, "%.*s", (int)len, s);
		size_t pl = strlen(c->fe->root) + strlen(t) + 2;
		char *path = mc_xmalloc(pl);
		snprintf(path, pl, "%s/%s", c->fe->root, t);
		char *real = NULL;
		char why[PATH_MAX * 3];
		if (!valid_include_name(t, strlen(t)) ||
		    mc_confine(c->fe->root, path, &real, why, sizeof why) != 0)
			lwarn(c, n->file, n->line, n->col,
			      "'{%% link %s %%}': no such file in the site; the "
			      "link may not lead anywhere", t);
		else
			mc_fe_dep(c->fe, path);
		free(real);
		free(path);
		char *dot = strrchr(t, '.');
		if (dot && (!strcmp(dot, ".md") || !strcmp(dot, ".markdown")))
			strcpy(dot, ".html");
		put_relative(c, &url, t);
	}
	emit(c, url.data ? url.data : "", url.len, n->line, n->col, false);
	mc_buf_free(&url);
}

static void render(lq *c, const ln *n)
{
	c->steps++;
	if (!budget(c, 0))
		return;
	switch (n->k) {
	case N_TEXT:
		render_text(c, n);
		break;
	case N_OUT:
		render_out(c, n);
		break;
	case N_IF:
	case N_UNLESS:
		render_if(c, n);
		break;
	case N_CASE:
		render_case(c, n);
		break;
	case N_FOR:
		render_for(c, n);
		break;
	case N_ASSIGN:
		render_assign(c, n);
		break;
	case N_CAPTURE:
		render_capture(c, n);
		break;
	case N_INCLUDE:
		render_include(c, n);
		break;
	case N_HIGHLIGHT:
		render_highlight(c, n);
		break;
	case N_BREAK:
	case N_CONTINUE:
		if (c->loops == 0) /* Liquid would end the page here */
			lwarn(c, n->file, n->line, n->col,
			      "'{%% %s %%}' outside a for loop; ignored",
			      n->k == N_BREAK ? "break" : "continue");
		else
			c->brk = n->k == N_BREAK ? 1 : 2;
		break;
	case N_INCREMENT:
	case N_DECREMENT:
		render_counter(c, n, n->k == N_INCREMENT ? 1 : -1);
		break;
	case N_CYCLE:
		render_cycle(c, n);
		break;
	case N_LINK:
	case N_POST_URL:
		render_link(c, n, n->k == N_POST_URL);
		break;
	case N_UNKNOWN:
		lwarn(c, n->file, n->line, n->col,
		      "Liquid tag '{%% %.*s%s%.*s %%}' is not supported; left out",
		      (int)(n->namelen > 60 ? 60 : n->namelen), n->name,
		      n->n ? " " : "", (int)(n->n > 80 ? 80 : n->n), n->s);
		break;
	case N_UNKNOWN_BLOCK:
		lwarn(c, n->file, n->line, n->col,
		      "Liquid block '{%% %.*s %%}' is not supported; left out "
		      "with its body up to '{%% end%.*s %%}'; %zu words left out",
		      (int)n->namelen, n->name, (int)n->namelen, n->name,
		      count_words(n->br[0].body, 0));
		break;
	case N_SPLICE:
		for (size_t i = 0; i < n->nbr && !c->stop; i++)
			render_list(c, n->br[i].body);
		break;
	case N_NOTHING:
		break;
	}
}

/* Tokenize, parse and render a template into the current sink. */
static void render_file(lq *c, const char *src, size_t len, const char *file)
{
	toks ts = {NULL, 0, 0};
	tokenize(c, src, len, 1, file, &ts);
	tmpl t;
	parse_tokens(c, &ts, file, &t);
	free(ts.v);
	render_list(c, t.root);
	c->brk = 0;
}

/* ---------------------------------------------------------------- */
/* the page                                                          */

static void page_value(lq *c, const char *fm, size_t fmlen, uint32_t fmline)
{
	mc_fe *fe = c->fe;
	const mc_meta *m = &fe->doc->meta;
	lv *page = fm && fmlen ? yaml_text(c, fe->diag->file, fm, fmlen, fmline)
	                       : c->nil;
	if (page->k != LV_HASH)
		page = lv_new(c, LV_HASH);
	if (!hash_get(c, page, "title", 5))
		hash_set(c, page, "title", 5, lv_str(c, m->title ? m->title : ""));
	/* path and url, from the page's place in the site */
	const char *src = m->source ? m->source : "-";
	const char *slash = strrchr(src, '/');
	const char *name = slash ? slash + 1 : src;
	mc_buf path = MC_BUF_INIT;
	size_t rl = strlen(fe->root);
	if (strncmp(fe->dir, fe->root, rl) == 0 &&
	    (fe->dir[rl] == '/' || fe->dir[rl] == '\0')) {
		const char *rel = fe->dir + rl + (fe->dir[rl] == '/');
		if (*rel)
			mc_buf_printf(&path, "%s/", rel);
	}
	mc_buf_puts(&path, name);
	if (!hash_get(c, page, "path", 4))
		hash_set(c, page, "path", 4, lv_strn(c, path.data, path.len));
	hash_set(c, page, "name", 4, lv_str(c, name));
	int y, mo, d, used = 0;
	if (!hash_get(c, page, "date", 4) &&
	    sscanf(name, "%4d-%2d-%2d-%n", &y, &mo, &d, &used) == 3 && used) {
		char t[16];
		snprintf(t, sizeof t, "%04d-%02d-%02d", y, mo, d);
		hash_set(c, page, "date", 4, lv_str(c, t)); /* a post's date */
	}
	if (!hash_get(c, page, "url", 3)) {
		mc_buf url = MC_BUF_INIT;
		if (m->permalink && *m->permalink) {
			mc_buf_puts(&url, m->permalink);
		} else {
			mc_buf_putc(&url, '/');
			mc_buf_put(&url, path.data, path.len);
			char *dot = strrchr(url.data, '.');
			if (dot && !strchr(dot, '/')) {
				url.len = (size_t)(dot - url.data);
				mc_buf_puts(&url, ".html");
			}
		}
		hash_set(c, page, "url", 3, lv_buf(c, &url));
	}
	mc_buf_free(&path);
	c->page = page;
}

static void site_value(lq *c)
{
	mc_fe *fe = c->fe;
	size_t len;
	char *text = mc_fe_read_site_file(fe, "_config.yml", &len);
	lv *site = c->nil;
	if (text) {
		size_t n = strlen(fe->root) + 16;
		char *name = mc_xmalloc(n);
		snprintf(name, n, "%s/_config.yml", fe->root);
		site = yaml_text(c, name, text, len, 1);
		free(name);
		free(text);
	}
	if (site->k != LV_HASH)
		site = lv_new(c, LV_HASH);
	lv *data = lv_new(c, LV_LAZY);
	data->i = LAZY_DATA;
	hash_set(c, site, "data", 4, data);
	mc_buf t = MC_BUF_INIT;
	put_date(&t, c->now, "%Y-%m-%d %H:%M:%S +0000");
	hash_set(c, site, "time", 4, lv_buf(c, &t));
	if (!hash_get(c, site, "baseurl", 7))
		hash_set(c, site, "baseurl", 7, lv_str(c, ""));
	c->site = site;
}

void mc_fe_liquid_pos(const mc_fe *fe, uint32_t line, uint32_t col,
                      uint32_t *sline, uint32_t *scol)
{
	if (!fe->liq_line || fe->nliq == 0 || line < fe->body_line) {
		*sline = line;
		*scol = col;
		return;
	}
	size_t i = line - fe->body_line;
	if (i >= fe->nliq) {
		/* past the last mapped line: after the last one */
		*sline = fe->liq_line[fe->nliq - 1] +
		         (uint32_t)(i - (fe->nliq - 1));
		*scol = col;
		return;
	}
	uint32_t c0 = fe->liq_col[i];
	*sline = fe->liq_line[i];
	*scol = col == 0 ? 0 : c0 > 1 ? c0 + col - 1 : col;
}

int mc_fe_liquid(mc_fe *fe, const char *fm, size_t fmlen, uint32_t fmline)
{
	if (!find_mem(fe->body, fe->bodylen, "{{", 2) &&
	    !find_mem(fe->body, fe->bodylen, "{%", 2))
		return 0;
	lq c;
	memset(&c, 0, sizeof c);
	c.fe = fe;
	c.A = mc_arena_new();
	c.nil = mc_arena_alloc(c.A, sizeof(lv)); /* zeroed: LV_NIL */
	c.env = lv_new(&c, LV_HASH);
	c.counters = lv_new(&c, LV_HASH);
	c.cycles = lv_new(&c, LV_HASH);
	c.yes = lv_new(&c, LV_BOOL);
	c.yes->b = true;
	c.no = lv_new(&c, LV_BOOL);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	c.now = sde && *sde ? atoll(sde) : LQ_FIXED_NOW;
	page_value(&c, fm, fmlen, fmline);
	site_value(&c);

	sink out = {MC_BUF_INIT, true, true, NULL, NULL, 0, 0};
	mc_buf_reserve(&out.b, fe->bodylen + 16);
	c.out = &out;
	toks ts = {NULL, 0, 0};
	tokenize(&c, fe->body, fe->bodylen, fe->body_line, NULL, &ts);
	tmpl t;
	parse_tokens(&c, &ts, NULL, &t);
	free(ts.v);
	render_list(&c, t.root);
	if (c.stop) {
		const char *why = c.bytes > LQ_MAX_OUT ? "64 MiB of output"
		                  : c.mem > LQ_MAX_MEM ? "128 MiB of values"
		                  : c.iters > LQ_MAX_ITER
		                          ? "a million loop iterations"
		                          : "twenty million steps";
		mc_warn(fe->diag, fe->body_line, 1,
		        "Liquid stopped after %s (a runaway loop or include?); "
		        "the rest of the page is left out", why);
	}
	if (out.b.len && out.b.data[out.b.len - 1] != '\n' && fe->bodylen &&
	    fe->body[fe->bodylen - 1] == '\n')
		mc_buf_putc(&out.b, '\n');
	free(c.warned);
	mc_arena_free(c.A);

	free(fe->liquid_body);
	mc_buf_fit(&out.b);
	fe->liquid_body = mc_buf_detach(&out.b, &fe->bodylen);
	if (!fe->liquid_body)
		fe->liquid_body = mc_xcalloc(1, 1);
	fe->body = fe->liquid_body;
	free(fe->liq_line);
	free(fe->liq_col);
	fe->liq_line = out.ml;
	fe->liq_col = out.mc;
	fe->nliq = out.nm;
	free(fe->src); /* the front matter was read before this */
	fe->src = NULL;
	return 0;
}
