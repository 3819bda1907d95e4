/*
 * cff.c - a CFF table's header, Top DICT and charset (see cff.h).
 *
 * Every read is bounds checked against the table: a damaged table makes
 * pdf_cff_read() fail, never read outside it.
 */
#include "cff.h"

#include <stdlib.h>
#include <string.h>

#include "../../util/arena.h"
#include "../../util/bytes.h"

typedef struct rd {
	const uint8_t *d;
	size_t n;
} rd;

static unsigned u16(const uint8_t *p) { return mc_be16(p); }

/* An offset of `size` (1..4) bytes. */
static uint32_t off_n(const uint8_t *p, unsigned size)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v = v << 8 | p[i];
	return v;
}

/* An INDEX at *at: its count and where item i's bytes are, through
 * index_item; *at moves past it.  Returns 0 or -1. */
typedef struct cff_index {
	unsigned count, offsize;
	size_t offs;  /* where the offset array starts */
	size_t data;  /* the byte before the data (offsets count from 1) */
	size_t end;   /* just past the INDEX */
} cff_index;

static int index_read(const rd *r, size_t at, cff_index *x)
{
	memset(x, 0, sizeof *x);
	if (at > r->n || r->n - at < 2)
		return -1;
	x->count = u16(r->d + at);
	if (!x->count) {
		x->end = at + 2;
		return 0;
	}
	if (r->n - at < 3)
		return -1;
	x->offsize = r->d[at + 2];
	if (x->offsize < 1 || x->offsize > 4)
		return -1;
	x->offs = at + 3;
	size_t arr = ((size_t)x->count + 1) * x->offsize;
	if (arr > r->n - x->offs)
		return -1;
	x->data = x->offs + arr - 1;
	uint32_t last = off_n(r->d + x->offs + (size_t)x->count * x->offsize,
	                      x->offsize);
	if (last < 1 || last > r->n - x->data)
		return -1;
	x->end = x->data + last;
	return 0;
}

/* Item i of an INDEX: [*a, *b) in the table.  Returns 0 or -1. */
static int index_item(const rd *r, const cff_index *x, unsigned i, size_t *a,
                      size_t *b)
{
	if (i >= x->count)
		return -1;
	uint32_t o0 = off_n(r->d + x->offs + (size_t)i * x->offsize,
	                    x->offsize);
	uint32_t o1 = off_n(r->d + x->offs + (size_t)(i + 1) * x->offsize,
	                    x->offsize);
	if (o0 < 1 || o1 < o0 || x->data + o1 > x->end)
		return -1;
	*a = x->data + o0;
	*b = x->data + o1;
	return 0;
}

/* The Top DICT's values this needs. */
typedef struct top {
	long charset, charstrings;
	bool ros;
	long reg, ord, sup;
} top;

/* Parse a DICT in [a, b).  Returns 0 or -1. */
static int dict_read(const rd *r, size_t a, size_t b, top *t)
{
	enum { MAXOPS = 48 };
	long ops[MAXOPS];
	int nops = 0;
	size_t p = a;
	while (p < b) {
		unsigned b0 = r->d[p++];
		long v;
		if (b0 <= 21) { /* an operator */
			unsigned op = b0;
			if (b0 == 12) {
				if (p >= b)
					return -1;
				op = 1200 + r->d[p++];
			}
			if (op == 15 && nops >= 1)
				t->charset = ops[nops - 1];
			else if (op == 17 && nops >= 1)
				t->charstrings = ops[nops - 1];
			else if (op == 1230 && nops >= 3) {
				t->ros = true;
				t->reg = ops[nops - 3];
				t->ord = ops[nops - 2];
				t->sup = ops[nops - 1];
			}
			nops = 0;
			continue;
		}
		if (b0 >= 32 && b0 <= 246) {
			v = (long)b0 - 139;
		} else if (b0 >= 247 && b0 <= 250) {
			if (p >= b)
				return -1;
			v = ((long)b0 - 247) * 256 + r->d[p++] + 108;
		} else if (b0 >= 251 && b0 <= 254) {
			if (p >= b)
				return -1;
			v = -((long)b0 - 251) * 256 - r->d[p++] - 108;
		} else if (b0 == 28) {
			if (b - p < 2)
				return -1;
			v = (int16_t)u16(r->d + p);
			p += 2;
		} else if (b0 == 29) {
			if (b - p < 4)
				return -1;
			v = (int32_t)off_n(r->d + p, 4);
			p += 4;
		} else if (b0 == 30) { /* a real: skipped (none is needed) */
			for (;;) {
				if (p >= b)
					return -1;
				unsigned x = r->d[p++];
				if ((x & 0x0F) == 0x0F || (x >> 4) == 0x0F)
					break;
			}
			v = 0;
		} else {
			return -1; /* reserved */
		}
		if (nops == MAXOPS)
			return -1;
		ops[nops++] = v;
	}
	return 0;
}

/* String SID as printable ASCII into out (size 32): "" for a standard
 * string or one that cannot be read. */
static void sid_string(const rd *r, const cff_index *strings, long sid,
                       char out[32])
{
	out[0] = 0;
	size_t a, b;
	if (sid < 391 || sid - 391 > 0xFFFF ||
	    index_item(r, strings, (unsigned)(sid - 391), &a, &b) ||
	    b - a > 31)
		return;
	size_t k = 0;
	for (size_t i = a; i < b; i++) {
		unsigned ch = r->d[i];
		if (ch < 0x20 || ch > 0x7E || ch == '(' || ch == ')' ||
		    ch == '\\')
			return;
		out[k++] = (char)ch;
	}
	out[k] = 0;
}

/* The charset at `at` into c->cid.  Returns 0 or -1. */
static int charset_read(const rd *r, long at, pdf_cff *c)
{
	if (at <= 2 || (unsigned long)at >= r->n)
		return -1; /* a CID-keyed font has its own charset */
	c->cid = mc_xcalloc(c->nglyphs, sizeof *c->cid);
	size_t p = (size_t)at;
	unsigned fmt = r->d[p++];
	unsigned g = 1;
	while (g < c->nglyphs) {
		if (fmt == 0) {
			if (r->n - p < 2)
				return -1;
			c->cid[g++] = (uint16_t)u16(r->d + p);
			p += 2;
		} else if (fmt == 1 || fmt == 2) {
			size_t need = fmt == 1 ? 3 : 4;
			if (r->n - p < need)
				return -1;
			unsigned first = u16(r->d + p);
			unsigned left = fmt == 1 ? r->d[p + 2] : u16(r->d + p + 2);
			p += need;
			if (first + left > 0xFFFF)
				return -1;
			for (unsigned i = 0; i <= left && g < c->nglyphs; i++)
				c->cid[g++] = (uint16_t)(first + i);
		} else {
			return -1;
		}
	}
	/* every glyph its own CID (0 is .notdef's alone) */
	uint8_t *seen = mc_xcalloc(0x10000 / 8, 1);
	int rc = 0;
	seen[0] = 1;
	for (unsigned i = 1; i < c->nglyphs && !rc; i++) {
		unsigned v = c->cid[i];
		if (seen[v >> 3] & (1u << (v & 7)))
			rc = -1;
		seen[v >> 3] |= (uint8_t)(1u << (v & 7));
	}
	free(seen);
	return rc;
}

int pdf_cff_read(const uint8_t *d, size_t len, pdf_cff *out)
{
	memset(out, 0, sizeof *out);
	rd r = {d, len};
	if (len < 4 || d[0] != 1 || d[2] < 4)
		return -1;
	cff_index names, tops, strings, cs;
	size_t a, b;
	top t = {.charset = 0, .charstrings = -1};
	if (index_read(&r, d[2], &names) || names.count != 1 ||
	    index_read(&r, names.end, &tops) || tops.count != 1 ||
	    index_read(&r, tops.end, &strings) ||
	    index_item(&r, &tops, 0, &a, &b) || dict_read(&r, a, b, &t))
		return -1;
	if (t.charstrings <= 0 || (unsigned long)t.charstrings >= len ||
	    index_read(&r, (size_t)t.charstrings, &cs) || !cs.count)
		return -1;
	out->nglyphs = cs.count;
	out->cid_keyed = t.ros;
	if (t.ros) {
		sid_string(&r, &strings, t.reg, out->registry);
		sid_string(&r, &strings, t.ord, out->ordering);
		out->supplement = t.sup >= 0 && t.sup < 1000000 ? (int)t.sup : 0;
		if (charset_read(&r, t.charset, out)) {
			pdf_cff_free(out);
			return -1;
		}
	}
	return 0;
}

void pdf_cff_free(pdf_cff *c)
{
	free(c->cid);
	memset(c, 0, sizeof *c);
}
