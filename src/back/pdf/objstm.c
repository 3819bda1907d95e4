/*
 * objstm.c - object streams and a cross-reference stream over the bytes
 * libharu wrote (see objstm.h).
 *
 * The input is read the way a strict reader would: the header's version,
 * `startxref`, the classic table it points to, the trailer (only /Root,
 * /Info, /ID and /Size; anything else, /Encrypt or /Prev, leaves the file
 * alone), then every object the table lists, tokenized properly (literal
 * strings with escapes and nested parentheses, hex strings, names,
 * dictionaries, arrays, comments) from its `N G obj` to its `endobj`.
 * An object is the bytes from its offset to the next object's (or the
 * table's): a stream object (one whose value is followed by `stream`) is
 * copied as it is, any other is packed, its value's bytes unchanged, into
 * an object stream of at most PDF_OBJSTM_MAX objects.  On any surprise
 * the input is left unchanged: never a broken PDF.
 *
 * The output: the input's header, the stream objects in their order, the
 * object streams (numbered from the old /Size up), and the /Type /XRef
 * stream (last number; /W as narrow as the numbers allow, rows filtered
 * with the PNG Up predictor, as qpdf writes them) with /Root, /Info and
 * /ID copied from the trailer.  Compressed at PDF_FLATE_LEVEL (flate.h):
 * zlib's level 9 made the course's PDF 0.1% smaller and its packing 60%
 * slower.
 */
#include "objstm.h"
#include "flate.h"

#include "../../util/arena.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tokens ---- */

static bool is_ws(uint8_t c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' ||
	       c == ' ';
}

static bool is_delim(uint8_t c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' ||
	       c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

static bool is_hex(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

pdf_tok pdf_tok_next(const uint8_t *s, size_t len, size_t *pos)
{
	size_t i = *pos;
	pdf_tok t = {PT_EOF, len, len};
	for (;;) {
		while (i < len && is_ws(s[i]))
			i++;
		if (i < len && s[i] == '%') {
			while (i < len && s[i] != '\n' && s[i] != '\r')
				i++;
			continue;
		}
		break;
	}
	if (i >= len) {
		*pos = len;
		return t;
	}
	t.start = i;
	uint8_t c = s[i];
	if (c == '(') {
		int depth = 0;
		t.kind = PT_ERROR;
		while (i < len) {
			if (s[i] == '\\') {
				i += 2;
				continue;
			}
			if (s[i] == '(')
				depth++;
			else if (s[i] == ')' && --depth == 0) {
				t.kind = PT_STRING;
				i++;
				break;
			}
			i++;
		}
		if (i > len)
			i = len;
	} else if (c == '<' && i + 1 < len && s[i + 1] == '<') {
		t.kind = PT_DICT_OPEN;
		i += 2;
	} else if (c == '<') {
		t.kind = PT_ERROR;
		for (i++; i < len; i++) {
			if (s[i] == '>') {
				t.kind = PT_HEX;
				i++;
				break;
			}
			if (!is_hex(s[i]) && !is_ws(s[i]))
				break;
		}
	} else if (c == '>') {
		if (i + 1 < len && s[i + 1] == '>') {
			t.kind = PT_DICT_CLOSE;
			i += 2;
		} else {
			t.kind = PT_ERROR;
			i++;
		}
	} else if (c == '[') {
		t.kind = PT_ARR_OPEN;
		i++;
	} else if (c == ']') {
		t.kind = PT_ARR_CLOSE;
		i++;
	} else if (c == ')') {
		t.kind = PT_ERROR;
		i++;
	} else if (c == '{' || c == '}') {
		t.kind = PT_WORD; /* PostScript calculator braces */
		i++;
	} else if (c == '/') {
		t.kind = PT_NAME;
		for (i++; i < len && !is_ws(s[i]) && !is_delim(s[i]); i++)
			;
	} else {
		t.kind = PT_WORD;
		while (i < len && !is_ws(s[i]) && !is_delim(s[i]))
			i++;
	}
	t.end = i;
	*pos = i;
	return t;
}

static bool tok_is(const uint8_t *s, pdf_tok t, const char *w)
{
	size_t n = strlen(w);
	return t.kind == PT_WORD && t.end - t.start == n &&
	       !memcmp(s + t.start, w, n);
}

static bool name_is(const uint8_t *s, pdf_tok t, const char *w)
{
	size_t n = strlen(w);
	return t.kind == PT_NAME && t.end - t.start == n &&
	       !memcmp(s + t.start, w, n);
}

/* A non-negative integer token (at most 18 digits); -1 if not one. */
static long long tok_uint(const uint8_t *s, pdf_tok t)
{
	if (t.kind != PT_WORD || t.end == t.start || t.end - t.start > 18)
		return -1;
	long long v = 0;
	for (size_t i = t.start; i < t.end; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Skip one value starting with token t (an `N G R` reference counts as
 * one); *pos is past t.  Returns the end of the value or (size_t)-1. */
static size_t skip_value(const uint8_t *s, size_t len, size_t *pos,
                         pdf_tok t, int depth)
{
	if (depth > 64)
		return (size_t)-1;
	switch (t.kind) {
	case PT_STRING:
	case PT_HEX:
	case PT_NAME:
		return t.end;
	case PT_DICT_OPEN:
	case PT_ARR_OPEN: {
		pdf_tok_kind close = t.kind == PT_DICT_OPEN ? PT_DICT_CLOSE
		                                            : PT_ARR_CLOSE;
		for (;;) {
			pdf_tok u = pdf_tok_next(s, len, pos);
			if (u.kind == close)
				return u.end;
			if (skip_value(s, len, pos, u, depth + 1) == (size_t)-1)
				return (size_t)-1;
		}
	}
	case PT_WORD:
		if (tok_uint(s, t) >= 0) {
			size_t p = *pos;
			pdf_tok g = pdf_tok_next(s, len, &p);
			if (tok_uint(s, g) >= 0) {
				pdf_tok r = pdf_tok_next(s, len, &p);
				if (tok_is(s, r, "R")) {
					*pos = p;
					return r.end;
				}
			}
		}
		if (tok_is(s, t, "obj") || tok_is(s, t, "endobj") ||
		    tok_is(s, t, "stream") || tok_is(s, t, "endstream") ||
		    tok_is(s, t, "R") || tok_is(s, t, "xref") ||
		    tok_is(s, t, "trailer") || tok_is(s, t, "startxref"))
			return (size_t)-1;
		return t.end;
	default:
		return (size_t)-1;
	}
}

/* ---- the input ---- */

typedef struct obj {
	size_t num;
	size_t off, end;  /* its bytes in the input */
	size_t body, bend;/* its value (a non-stream object) */
	bool stream;
	/* in the output */
	size_t noff;      /* a stream object: its offset */
	size_t stm, idx;  /* a packed one: its object stream, index there */
} obj;

typedef struct xent {
	char type;        /* 'n', 'f', or 0: not in the table */
	size_t a, gen;    /* offset or next free; generation */
	obj *o;
} xent;

static int cmp_off(const void *a, const void *b)
{
	const obj *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Read the table at s[at...): entries into x[0, size).  0 or -1. */
static int read_table(const uint8_t *s, size_t len, size_t at, xent *x,
                      size_t size, size_t *trailer)
{
	size_t p = at;
	pdf_tok t = pdf_tok_next(s, len, &p);
	if (!tok_is(s, t, "xref"))
		return -1;
	for (;;) {
		t = pdf_tok_next(s, len, &p);
		if (tok_is(s, t, "trailer")) {
			*trailer = p;
			return 0;
		}
		long long first = tok_uint(s, t);
		long long count = tok_uint(s, pdf_tok_next(s, len, &p));
		if (first < 0 || count < 0 || (size_t)first > size ||
		    (size_t)count > size - (size_t)first)
			return -1;
		while (p < len && is_ws(s[p]))
			p++;
		for (long long k = 0; k < count; k++) {
			/* oooooooooo ggggg n EOL: 20 bytes */
			if (p + 20 > len || s[p + 10] != ' ' || s[p + 16] != ' ' ||
			    (s[p + 17] != 'n' && s[p + 17] != 'f') ||
			    !is_ws(s[p + 18]) || !is_ws(s[p + 19]))
				return -1;
			size_t a = 0, g = 0;
			for (int i = 0; i < 10; i++) {
				if (s[p + i] < '0' || s[p + i] > '9')
					return -1;
				a = a * 10 + (s[p + i] - '0');
			}
			for (int i = 11; i < 16; i++) {
				if (s[p + i] < '0' || s[p + i] > '9')
					return -1;
				g = g * 10 + (s[p + i] - '0');
			}
			xent *e = &x[first + k];
			if (e->type)
				return -1; /* listed twice */
			e->type = (char)s[p + 17];
			e->a = a;
			e->gen = g;
			p += 20;
		}
	}
}

/* The object o: `num gen obj`, its value, then `endobj` or a stream. */
static int read_obj(const uint8_t *s, obj *o)
{
	size_t len = o->end, p = o->off;
	if (tok_uint(s, pdf_tok_next(s, len, &p)) != (long long)o->num ||
	    tok_uint(s, pdf_tok_next(s, len, &p)) != 0 ||
	    !tok_is(s, pdf_tok_next(s, len, &p), "obj"))
		return -1;
	pdf_tok t = pdf_tok_next(s, len, &p);
	o->body = t.start;
	size_t e = skip_value(s, len, &p, t, 0);
	if (e == (size_t)-1)
		return -1;
	o->bend = e;
	t = pdf_tok_next(s, len, &p);
	if (tok_is(s, t, "endobj")) {
		/* nothing but blanks up to the next object */
		if (pdf_tok_next(s, len, &p).kind != PT_EOF)
			return -1;
		return 0;
	}
	if (!tok_is(s, t, "stream"))
		return -1;
	/* a stream object is kept whole: it must end `endstream endobj` */
	size_t q = o->end;
	while (q > p && is_ws(s[q - 1]))
		q--;
	if (q - p < 16 || memcmp(s + q - 6, "endobj", 6))
		return -1;
	q -= 6;
	while (q > p && is_ws(s[q - 1]))
		q--;
	if (q - p < 9 || memcmp(s + q - 9, "endstream", 9))
		return -1;
	o->stream = true;
	return 0;
}

/* The number of bytes v needs (at least 1). */
static int width(size_t v)
{
	int w = 1;
	while (w < 8 && (v >> (8 * w)))
		w++;
	return w;
}

typedef struct trailer_vals {
	size_t root, rootend, info, infoend, id, idend;
	long long size;
} trailer_vals;

static int read_trailer(const uint8_t *s, size_t len, size_t p,
                        trailer_vals *tv)
{
	memset(tv, 0, sizeof *tv);
	tv->size = -1;
	if (pdf_tok_next(s, len, &p).kind != PT_DICT_OPEN)
		return -1;
	for (;;) {
		pdf_tok k = pdf_tok_next(s, len, &p);
		if (k.kind == PT_DICT_CLOSE)
			break;
		if (k.kind != PT_NAME)
			return -1;
		pdf_tok v = pdf_tok_next(s, len, &p);
		size_t e = skip_value(s, len, &p, v, 0);
		if (e == (size_t)-1)
			return -1;
		if (name_is(s, k, "/Root")) {
			tv->root = v.start;
			tv->rootend = e;
		} else if (name_is(s, k, "/Info")) {
			tv->info = v.start;
			tv->infoend = e;
		} else if (name_is(s, k, "/ID")) {
			tv->id = v.start;
			tv->idend = e;
		} else if (name_is(s, k, "/Size")) {
			tv->size = tok_uint(s, v);
		} else {
			return -1; /* /Encrypt, /Prev, /XRefStm... */
		}
	}
	if (!tv->root || tv->size < 1 || tv->size > (1 << 23))
		return -1;
	/* then startxref: an update after this trailer is not ours */
	if (!tok_is(s, pdf_tok_next(s, len, &p), "startxref"))
		return -1;
	return 0;
}

/* Pack the PDF in s[0, len): the stream objects are moved down in s
 * itself (each only ever moves towards the start, never over an object
 * not read yet), the object streams and the cross-reference stream built
 * in *tail; the result is s[0, *keep) followed by *tail.  0, or -1 (s
 * untouched) when the input is not as expected. */
static int pack(uint8_t *s, size_t len, size_t *keep, mc_buf *tail,
                pdf_flate *z)
{
	/* the header: %PDF-1.5 or later */
	if (len < 32 || memcmp(s, "%PDF-1.", 7) || s[7] < '5' || s[7] > '9')
		return -1;
	/* startxref near the end, then %%EOF */
	size_t sx = (size_t)-1;
	for (size_t i = len - 9; i + 1024 > len && i > 8; i--)
		if (!memcmp(s + i, "startxref", 9)) {
			sx = i;
			break;
		}
	if (sx == (size_t)-1)
		return -1;
	size_t p = sx + 9;
	long long xoff = tok_uint(s, pdf_tok_next(s, len, &p));
	while (p < len && is_ws(s[p]))
		p++;
	if (xoff < 16 || (size_t)xoff >= sx || p + 5 > len ||
	    memcmp(s + p, "%%EOF", 5))
		return -1;
	for (p += 5; p < len; p++)
		if (!is_ws(s[p]))
			return -1;
	/* the trailer (found past the table) */
	size_t q = (size_t)xoff;
	if (!tok_is(s, pdf_tok_next(s, len, &q), "xref"))
		return -1;
	const uint8_t *tr = NULL;
	for (size_t i = (size_t)xoff; i + 7 <= sx; i++)
		if (!memcmp(s + i, "trailer", 7)) {
			tr = s + i;
			break;
		}
	if (!tr)
		return -1;
	trailer_vals tv;
	if (read_trailer(s, len, (size_t)(tr - s) + 7, &tv))
		return -1;
	size_t size = (size_t)tv.size;

	int rc = -1;
	xent *x = mc_xcalloc(size, sizeof *x);
	obj *objs = mc_xcalloc(size, sizeof *objs);
	size_t nobj = 0;
	mc_buf stm = MC_BUF_INIT, body = MC_BUF_INIT, xs = MC_BUF_INIT;
	size_t *stmoff = NULL;
	size_t trailer_at;
	if (read_table(s, len, (size_t)xoff, x, size, &trailer_at) ||
	    s + trailer_at != tr + 7)
		goto out;
	for (size_t i = 1; i < size; i++) {
		if (x[i].type != 'n')
			continue;
		if (x[i].gen != 0 || x[i].a < 9 || x[i].a >= (size_t)xoff)
			goto out;
		objs[nobj].num = i;
		objs[nobj].off = x[i].a;
		nobj++;
	}
	if (!nobj || x[0].type != 'f')
		goto out;
	qsort(objs, nobj, sizeof *objs, cmp_off);
	for (size_t i = 0; i < nobj; i++) {
		if (i + 1 < nobj && objs[i + 1].off == objs[i].off)
			goto out;
		objs[i].end = i + 1 < nobj ? objs[i + 1].off : (size_t)xoff;
		if (read_obj(s, &objs[i]))
			goto out;
		x[objs[i].num].o = &objs[i];
	}

	/* where the stream objects go: after the header, in their order,
	 * each ending with an end of line */
	size_t pos = objs[0].off;
	for (size_t i = 0; i < nobj; i++) {
		obj *o = &objs[i];
		if (!o->stream)
			continue;
		bool eol = s[o->end - 1] == '\n' || s[o->end - 1] == '\r';
		o->noff = pos;
		pos += o->end - o->off + !eol;
		/* (an end of line added must not land on the next object
		 * before it moves; libharu ends its objects with one) */
		if (o->noff > o->off || (!eol && o->noff == o->off))
			goto out;
	}
	size_t base = pos; /* where *tail starts in the output */
	/* the others packed, in number order */
	size_t npacked = 0;
	for (size_t i = 1; i < size; i++)
		if (x[i].o && !x[i].o->stream)
			npacked++;
	size_t nstm = (npacked + PDF_OBJSTM_MAX - 1) / PDF_OBJSTM_MAX;
	stmoff = mc_xcalloc(nstm + 1, sizeof *stmoff);
	size_t k = 1;
	for (size_t si = 0; si < nstm; si++) {
		mc_buf_clear(&stm);
		mc_buf_clear(&body);
		size_t n = 0;
		for (; k < size && n < PDF_OBJSTM_MAX; k++) {
			obj *o = x[k].o;
			if (!o || o->stream)
				continue;
			o->stm = size + si;
			o->idx = n++;
			mc_buf_printf(&stm, "%zu %zu ", o->num, body.len);
			mc_buf_put(&body, s + o->body, o->bend - o->body);
			mc_buf_putc(&body, '\n');
		}
		stm.data[stm.len - 1] = '\n';
		size_t first = stm.len;
		mc_buf_put(&stm, body.data, body.len);
		mc_buf_clear(&body);
		if (pdf_flate_put(z, PDF_FLATE_LEVEL, stm.data, stm.len, &body))
			goto out;
		stmoff[si] = base + tail->len;
		mc_buf_printf(tail,
		              "%zu 0 obj\n<< /Type /ObjStm /N %zu /First %zu "
		              "/Filter /FlateDecode /Length %zu >>\nstream\n",
		              size + si, n, first, body.len);
		mc_buf_put(tail, body.data, body.len);
		mc_buf_puts(tail, "\nendstream\nendobj\n");
	}

	/* the cross-reference stream */
	size_t xnum = size + nstm, nsize = xnum + 1;
	size_t xpos = base + tail->len;
	size_t max2 = xpos > nsize ? xpos : nsize, max3 = 0;
	for (size_t i = 0; i < size; i++) {
		if (x[i].type == 'f') {
			if (x[i].a > max2)
				max2 = x[i].a;
			if (x[i].gen > max3)
				max3 = x[i].gen;
		} else if (x[i].o && !x[i].o->stream && x[i].o->idx > max3) {
			max3 = x[i].o->idx;
		}
	}
	int w2 = width(max2), w3 = width(max3), cols = 1 + w2 + w3;
	uint8_t *prev = mc_xcalloc((size_t)cols, 1);
	uint8_t row[1 + 8 + 8];
	mc_buf_grow(&xs, nsize * (size_t)(cols + 1));
	for (size_t i = 0; i < nsize; i++) {
		size_t f1 = 0, f2 = 0, f3 = 0;
		if (i >= size) {
			f1 = 1;
			f2 = i == xnum ? xpos : stmoff[i - size];
		} else if (x[i].type == 'f') {
			f2 = x[i].a;
			f3 = x[i].gen;
		} else if (x[i].o && x[i].o->stream) {
			f1 = 1;
			f2 = x[i].o->noff;
		} else if (x[i].o) {
			f1 = 2;
			f2 = x[i].o->stm;
			f3 = x[i].o->idx;
		}
		row[0] = (uint8_t)f1;
		for (int b = 0; b < w2; b++)
			row[1 + b] = (uint8_t)(f2 >> (8 * (w2 - 1 - b)));
		for (int b = 0; b < w3; b++)
			row[1 + w2 + b] = (uint8_t)(f3 >> (8 * (w3 - 1 - b)));
		/* PNG Up: each byte less the one above it */
		mc_buf_putc(&xs, 2);
		for (int b = 0; b < cols; b++) {
			mc_buf_putc(&xs, (char)(uint8_t)(row[b] - prev[b]));
			prev[b] = row[b];
		}
	}
	free(prev);
	mc_buf_clear(&body);
	if (pdf_flate_put(z, PDF_FLATE_LEVEL, xs.data, xs.len, &body))
		goto out;
	mc_buf_printf(tail,
	              "%zu 0 obj\n<< /Type /XRef /Size %zu /Index [0 %zu] "
	              "/W [1 %d %d] /Root ",
	              xnum, nsize, nsize, w2, w3);
	mc_buf_put(tail, s + tv.root, tv.rootend - tv.root);
	if (tv.info) {
		mc_buf_puts(tail, " /Info ");
		mc_buf_put(tail, s + tv.info, tv.infoend - tv.info);
	}
	if (tv.id) {
		mc_buf_puts(tail, " /ID ");
		mc_buf_put(tail, s + tv.id, tv.idend - tv.id);
	}
	mc_buf_printf(tail,
	              " /Filter /FlateDecode /DecodeParms << /Columns %d "
	              "/Predictor 12 >> /Length %zu >>\nstream\n",
	              cols, body.len);
	mc_buf_put(tail, body.data, body.len);
	mc_buf_printf(tail, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n",
	              xpos);

	/* everything is read: the stream objects moved down, in order
	 * (each to at most where it was, after those moved before it) */
	for (size_t i = 0; i < nobj; i++) {
		obj *o = &objs[i];
		if (!o->stream)
			continue;
		size_t n = o->end - o->off;
		memmove(s + o->noff, s + o->off, n);
		if (s[o->noff + n - 1] != '\n' && s[o->noff + n - 1] != '\r')
			s[o->noff + n] = '\n';
	}
	*keep = base;
	rc = 0;
out:
	free(x);
	free(objs);
	free(stmoff);
	mc_buf_free(&stm);
	mc_buf_free(&body);
	mc_buf_free(&xs);
	return rc;
}

int pdf_objstm_pack(mc_buf *pdf, size_t from, pdf_flate *z)
{
	if (!pdf->data || from > pdf->len || pdf->len - from < 32)
		return 1;
	mc_buf tail = MC_BUF_INIT;
	size_t keep = 0;
	pdf_flate own = {0};
	int r = pack((uint8_t *)pdf->data + from, pdf->len - from, &keep,
	             &tail, z ? z : &own);
	pdf_flate_free(&own);
	if (r) {
		mc_buf_free(&tail);
		return 1;
	}
	pdf->len = from + keep;
	mc_buf_put(pdf, tail.data, tail.len);
	mc_buf_free(&tail);
	return 0;
}
