/*
 * answers_pdf.c - the form fields of a filled PDF, read through qpdf's C
 * API (a mature parser: damaged files are repaired or refused by it,
 * encryption is handled, reference loops are its problem as much as
 * ours).
 *
 * The field tree is walked from the catalog's /AcroForm /Fields through
 * /Kids, each object once (a loop or a shared kid is not followed twice)
 * and at most MAX_DEPTH deep.  A terminal field gives one mc_field:
 *
 *   group   its parent's /TU (mentorconv names a worksheet's parent
 *           field with its title), else the parent's /T;
 *   role    "name" or "date" when its partial name says so;
 *   prompt  its /TU, else its partial name;
 *   value   /V of the field, else of its first widget; a checkbox's
 *           state as "true"/"false"; a text field with no /V whose
 *           widget's normal appearance draws text: that text (literal
 *           strings as PDFDocEncoding, hex strings through the font's
 *           /ToUnicode map when it has one).
 */
#include "answers.h"

#include <qpdf/qpdf-c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"
#include "../util/dl.h"
#include "../util/utf8.h"

/* libqpdf is loaded when a PDF is read (util/dl.h), not at every start;
 * the Makefile passes its soname, read from the library built against */
#ifndef MC_QPDF_SONAME
#define MC_QPDF_SONAME "libqpdf.so.29"
#endif
#define QPDF_FUNCS(X) \
	X(qpdf_cleanup) \
	X(qpdf_get_error) \
	X(qpdf_get_error_message_detail) \
	X(qpdf_get_root) \
	X(qpdf_has_error) \
	X(qpdf_init) \
	X(qpdf_oh_begin_dict_key_iter) \
	X(qpdf_oh_dict_more_keys) \
	X(qpdf_oh_dict_next_key) \
	X(qpdf_oh_get_array_item) \
	X(qpdf_oh_get_array_n_items) \
	X(qpdf_oh_get_binary_utf8_value) \
	X(qpdf_oh_get_dict) \
	X(qpdf_oh_get_key) \
	X(qpdf_oh_get_key_if_dict) \
	X(qpdf_oh_get_name) \
	X(qpdf_oh_get_object_id) \
	X(qpdf_oh_get_stream_data) \
	X(qpdf_oh_has_key) \
	X(qpdf_oh_is_array) \
	X(qpdf_oh_is_dictionary) \
	X(qpdf_oh_is_name) \
	X(qpdf_oh_is_stream) \
	X(qpdf_oh_is_string) \
	X(qpdf_oh_release) \
	X(qpdf_read) \
	X(qpdf_set_suppress_warnings) \
	X(qpdf_silence_errors)
MC_DL_TABLE(qpdf_api, QPDF_FUNCS)
MC_DL_LIB(qpdf_lib, qpdf_api, QPDF, "libqpdf29", MC_QPDF_SONAME, "libqpdf.so");

#define MAX_DEPTH 32
#define MAX_FIELDS 100000
#define MAX_SEEN 400000

typedef struct walk {
	qpdf_data q;
	mc_fields *out;
	/* object ids seen, sorted: no object is walked twice */
	int *seen;
	size_t nseen, capseen;
	size_t nfields;
} walk;

/* Whether id was seen; marks it. */
static bool seen(walk *w, int id)
{
	if (id <= 0)
		return false; /* direct objects cannot loop */
	size_t lo = 0, hi = w->nseen;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (w->seen[mid] == id)
			return true;
		if (w->seen[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (w->nseen >= MAX_SEEN)
		return true;
	if (w->nseen == w->capseen) {
		w->capseen = w->capseen ? w->capseen * 2 : 64;
		w->seen = mc_xrealloc(w->seen, w->capseen * sizeof *w->seen);
	}
	memmove(w->seen + lo + 1, w->seen + lo,
	        (w->nseen - lo) * sizeof *w->seen);
	w->seen[lo] = id;
	w->nseen++;
	return false;
}

/* A text string entry of dict as malloc'd UTF-8, or NULL. */
static char *text_of(qpdf_data q, qpdf_oh dict, const char *key)
{
	if (!QPDF.qpdf_oh_is_dictionary(q, dict) || !QPDF.qpdf_oh_has_key(q, dict, key))
		return NULL;
	qpdf_oh v = QPDF.qpdf_oh_get_key(q, dict, key);
	char *s = NULL;
	if (QPDF.qpdf_oh_is_string(q, v)) {
		size_t n = 0;
		const char *p = QPDF.qpdf_oh_get_binary_utf8_value(q, v, &n);
		if (p) {
			s = mc_xmalloc(n + 1);
			memcpy(s, p, n);
			s[n] = '\0';
			/* a NUL inside ends the text */
		}
	}
	QPDF.qpdf_oh_release(q, v);
	return s;
}

/* ---- text shown by an appearance stream ---- */

/* A font's /ToUnicode: code -> UTF-8 pairs from bfchar and bfrange
 * (two-byte or one-byte codes), sorted by code once read (umap_sort) for
 * a binary search; at most UMAP_MAX pairs. */
#define UMAP_MAX (1u << 17)

typedef struct upair {
	uint32_t code;
	char text[5];
} upair;

typedef struct umap {
	upair *v;
	size_t n, cap;
	int bytes; /* code length: 1 or 2 */
} umap;

static void umap_add(umap *m, uint32_t code, uint32_t cp)
{
	if (m->n >= UMAP_MAX)
		return;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->v = mc_xrealloc(m->v, m->cap * sizeof *m->v);
	}
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	upair *u = &m->v[m->n++];
	memset(u->text, 0, sizeof u->text);
	mc_utf8_put(cp, u->text);
	u->code = code;
}

static int upair_cmp(const void *a, const void *b)
{
	uint32_t x = ((const upair *)a)->code, y = ((const upair *)b)->code;
	return x < y ? -1 : x > y;
}

static void umap_sort(umap *m)
{
	if (m->n > 1)
		qsort(m->v, m->n, sizeof *m->v, upair_cmp);
}

static void umap_free(umap *m)
{
	free(m->v);
}

/* The next <hex> token at *p (before end): its value and digit count. */
static bool hex_token(const char **p, const char *end, uint32_t *v, int *nd)
{
	const char *s = *p;
	while (s < end && *s != '<')
		s++;
	if (s >= end)
		return false;
	s++;
	uint32_t x = 0;
	int n = 0;
	while (s < end && *s != '>') {
		char c = *s++;
		int d = c >= '0' && c <= '9'   ? c - '0'
		        : c >= 'a' && c <= 'f' ? c - 'a' + 10
		        : c >= 'A' && c <= 'F' ? c - 'A' + 10
		                               : -1;
		if (d < 0)
			continue;
		if (n < 8)
			x = x << 4 | (uint32_t)d;
		n++;
	}
	*p = s < end ? s + 1 : s;
	*v = x;
	*nd = n;
	return true;
}

/* UTF-16BE value of a ToUnicode destination (one code point; a pair of
 * surrogates when 8 digits). */
static uint32_t dest_cp(uint32_t v, int nd)
{
	if (nd == 8) {
		uint32_t hi = v >> 16, lo = v & 0xFFFF;
		if (hi >= 0xD800 && hi <= 0xDBFF && lo >= 0xDC00 && lo <= 0xDFFF)
			return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
		return hi;
	}
	return v;
}

static void parse_cmap(const char *s, size_t len, umap *m)
{
	const char *end = s + len;
	m->bytes = 2;
	for (const char *p = s; p < end;) {
		const char *bc = NULL, *br = NULL;
		for (const char *t = p; t + 11 <= end; t++) {
			if (!memcmp(t, "beginbfchar", 11)) {
				bc = t;
				break;
			}
			if (t + 12 <= end && !memcmp(t, "beginbfrange", 12)) {
				br = t;
				break;
			}
		}
		if (!bc && !br)
			break;
		const char *t = bc ? bc + 11 : br + 12;
		const char *stop = t;
		const char *word = bc ? "endbfchar" : "endbfrange";
		size_t wl = strlen(word);
		while (stop + wl <= end && memcmp(stop, word, wl))
			stop++;
		if (stop + wl > end)
			break;
		while (t < stop) {
			uint32_t a, b, c;
			int na, nb, nc;
			if (!hex_token(&t, stop, &a, &na))
				break;
			m->bytes = na <= 2 ? 1 : 2;
			if (bc) {
				if (!hex_token(&t, stop, &b, &nb))
					break;
				umap_add(m, a, dest_cp(b, nb));
			} else {
				if (!hex_token(&t, stop, &b, &nb))
					break;
				/* the destination: <hex> (arrays not read) */
				const char *u = t;
				while (u < stop && (*u == ' ' || *u == '\n' ||
				                    *u == '\r' || *u == '\t'))
					u++;
				if (u >= stop || *u != '<')
					break;
				if (!hex_token(&t, stop, &c, &nc))
					break;
				uint32_t base = dest_cp(c, nc);
				for (uint32_t k = a; k <= b && k - a < 65536; k++)
					umap_add(m, k, base + (k - a));
			}
		}
		p = stop + wl;
	}
}

static const char *umap_get(const umap *m, uint32_t code)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->v[mid].code == code)
			return m->v[mid].text;
		if (m->v[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The ToUnicode map of the first font in the appearance's or the form's
 * resources. */
static void load_font_map(qpdf_data q, qpdf_oh res, umap *m)
{
	qpdf_oh fonts = QPDF.qpdf_oh_get_key_if_dict(q, res, "/Font");
	if (!QPDF.qpdf_oh_is_dictionary(q, fonts))
		return;
	QPDF.qpdf_oh_begin_dict_key_iter(q, fonts);
	char key[128] = "";
	if (QPDF.qpdf_oh_dict_more_keys(q))
		snprintf(key, sizeof key, "%s", QPDF.qpdf_oh_dict_next_key(q));
	if (!*key)
		return;
	qpdf_oh font = QPDF.qpdf_oh_get_key(q, fonts, key);
	qpdf_oh tu = QPDF.qpdf_oh_get_key_if_dict(q, font, "/ToUnicode");
	if (QPDF.qpdf_oh_is_stream(q, tu)) {
		unsigned char *data = NULL;
		size_t len = 0;
		if (QPDF.qpdf_oh_get_stream_data(q, tu, qpdf_dl_generalized, NULL,
		                            &data, &len) == QPDF_SUCCESS &&
		    data && len < (8u << 20)) {
			parse_cmap((const char *)data, len, m);
			umap_sort(m);
		}
		free(data);
	}
}

/* PDFDocEncoding byte -> UTF-8 (the printable Latin-1 range as is; the
 * rest as Latin-1 too, which is what simple fonts give in practice). */
static void put_byte(mc_buf *b, unsigned char c)
{
	char u[5];
	size_t n = mc_utf8_put(c, u);
	mc_buf_put(b, u, n);
}

/* The text a content stream shows: strings of Tj, TJ, ' and ".  Strings
 * in <hex> go through the map when there is one; a new line (Td, TD, T*,
 * ' or ") that follows text starts a new line of the result. */
static void stream_text(const unsigned char *s, size_t len, const umap *m,
                        mc_buf *out)
{
	bool in_text = false, pending_nl = false;
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		if (c == '(') {
			int depth = 1;
			i++;
			if (pending_nl && out->len)
				mc_buf_putc(out, '\n');
			pending_nl = false;
			while (i < len && depth > 0) {
				c = s[i++];
				if (c == '\\' && i < len) {
					c = s[i++];
					if (c >= '0' && c <= '7') {
						int v = c - '0';
						for (int k = 0; k < 2 && i < len &&
						                s[i] >= '0' && s[i] <= '7';
						     k++)
							v = v * 8 + (s[i++] - '0');
						put_byte(out, (unsigned char)v);
					} else if (c == 'n') {
						mc_buf_putc(out, '\n');
					} else if (c == 'r' || c == 't' || c == 'b' ||
					           c == 'f') {
						mc_buf_putc(out, ' ');
					} else if (c != '\n' && c != '\r') {
						put_byte(out, c);
					}
					continue;
				}
				if (c == '(')
					depth++;
				else if (c == ')' && --depth == 0)
					break;
				put_byte(out, c);
			}
			in_text = true;
		} else if (c == '<' && i + 1 < len && s[i + 1] == '<') {
			i += 2; /* a dictionary (inline image, marked content) */
		} else if (c == '<') {
			i++;
			uint32_t code = 0;
			int nd = 0, per = m && m->n ? m->bytes * 2 : 4;
			if (pending_nl && out->len)
				mc_buf_putc(out, '\n');
			pending_nl = false;
			while (i < len && s[i] != '>') {
				unsigned char h = s[i++];
				int d = h >= '0' && h <= '9'   ? h - '0'
				        : h >= 'a' && h <= 'f' ? h - 'a' + 10
				        : h >= 'A' && h <= 'F' ? h - 'A' + 10
				                               : -1;
				if (d < 0)
					continue;
				code = code << 4 | (uint32_t)d;
				if (++nd == per) {
					const char *t = m ? umap_get(m, code) : NULL;
					if (t)
						mc_buf_puts(out, t);
					else if (!m || !m->n)
						put_byte(out, (unsigned char)
						         (code & 0xFF));
					code = 0;
					nd = 0;
				}
			}
			i++;
			in_text = true;
		} else if (c == '%') {
			while (i < len && s[i] != '\n' && s[i] != '\r')
				i++;
		} else if ((c == 'T' && i + 1 < len &&
		            (s[i + 1] == 'd' || s[i + 1] == 'D' ||
		             s[i + 1] == '*')) ||
		           c == '\'' || c == '"') {
			if (in_text)
				pending_nl = true;
			i += c == 'T' ? 2 : 1;
		} else {
			i++;
		}
	}
}

/* The text the widget's normal appearance draws, into out. */
static void appearance_text(qpdf_data q, qpdf_oh widget, qpdf_oh dr,
                            mc_buf *out)
{
	qpdf_oh ap = QPDF.qpdf_oh_get_key_if_dict(q, widget, "/AP");
	qpdf_oh n = QPDF.qpdf_oh_get_key_if_dict(q, ap, "/N");
	if (!QPDF.qpdf_oh_is_stream(q, n))
		return;
	unsigned char *data = NULL;
	size_t len = 0;
	if (QPDF.qpdf_oh_get_stream_data(q, n, qpdf_dl_generalized, NULL, &data,
	                            &len) != QPDF_SUCCESS ||
	    !data || len > (16u << 20)) {
		free(data);
		return;
	}
	umap m = {0};
	qpdf_oh dict = QPDF.qpdf_oh_get_dict(q, n);
	qpdf_oh res = QPDF.qpdf_oh_get_key_if_dict(q, dict, "/Resources");
	load_font_map(q, res, &m);
	if (!m.n)
		load_font_map(q, dr, &m);
	stream_text(data, len, &m, out);
	umap_free(&m);
	free(data);
}

/* ---- the field tree ---- */

/* A terminal field's value into out. */
static void field_value(walk *w, qpdf_oh field, const char *ft,
                        qpdf_oh widget, qpdf_oh dr, mc_buf *out)
{
	qpdf_data q = w->q;
	if (!strcmp(ft, "/Btn")) {
		qpdf_oh v = QPDF.qpdf_oh_get_key_if_dict(q, field, "/V");
		if (!QPDF.qpdf_oh_is_name(q, v))
			v = QPDF.qpdf_oh_get_key_if_dict(q, widget, "/V");
		if (!QPDF.qpdf_oh_is_name(q, v))
			v = QPDF.qpdf_oh_get_key_if_dict(q, widget, "/AS");
		const char *name = QPDF.qpdf_oh_is_name(q, v) ? QPDF.qpdf_oh_get_name(q, v)
		                                        : "/Off";
		mc_buf_puts(out, strcmp(name, "/Off") ? "true" : "false");
		return;
	}
	char *v = text_of(q, field, "/V");
	if (!v || !*v) {
		free(v);
		v = text_of(q, widget, "/V");
	}
	if (v && *v) {
		mc_buf_puts(out, v);
		free(v);
		return;
	}
	free(v);
	if (!strcmp(ft, "/Tx"))
		appearance_text(q, widget, dr, out);
}

/* Walk a field and its kids; group is the enclosing worksheet's title. */
static void walk_field(walk *w, qpdf_oh f, const char *group,
                       const char *ft_in, qpdf_oh dr, int depth)
{
	qpdf_data q = w->q;
	if (depth > MAX_DEPTH || w->nfields >= MAX_FIELDS ||
	    !QPDF.qpdf_oh_is_dictionary(q, f) || seen(w, QPDF.qpdf_oh_get_object_id(q, f)))
		return;
	char ft[16];
	snprintf(ft, sizeof ft, "%s", ft_in);
	qpdf_oh fto = QPDF.qpdf_oh_get_key_if_dict(q, f, "/FT");
	if (QPDF.qpdf_oh_is_name(q, fto))
		snprintf(ft, sizeof ft, "%s", QPDF.qpdf_oh_get_name(q, fto));
	char *t = text_of(q, f, "/T");
	char *tu = text_of(q, f, "/TU");
	qpdf_oh kids = QPDF.qpdf_oh_get_key_if_dict(q, f, "/Kids");
	int nk = QPDF.qpdf_oh_is_array(q, kids) ? QPDF.qpdf_oh_get_array_n_items(q, kids)
	                                   : 0;
	/* kids with a /T are fields; kids without are this one's widgets */
	bool has_field_kids = false;
	for (int i = 0; i < nk && !has_field_kids; i++) {
		qpdf_oh k = QPDF.qpdf_oh_get_array_item(q, kids, i);
		has_field_kids = QPDF.qpdf_oh_is_dictionary(q, k) &&
		                 QPDF.qpdf_oh_has_key(q, k, "/T");
		QPDF.qpdf_oh_release(q, k);
	}
	if (has_field_kids) {
		const char *g = tu && *tu ? tu : t && *t ? t : group;
		for (int i = 0; i < nk && w->nfields < MAX_FIELDS; i++) {
			qpdf_oh k = QPDF.qpdf_oh_get_array_item(q, kids, i);
			walk_field(w, k, g, ft, dr, depth + 1);
			QPDF.qpdf_oh_release(q, k);
		}
	} else if (*ft && strcmp(ft, "/Sig")) {
		qpdf_oh widget = f;
		if (nk > 0)
			widget = QPDF.qpdf_oh_get_array_item(q, kids, 0);
		mc_buf v = MC_BUF_INIT;
		field_value(w, f, ft, widget, dr, &v);
		mc_buf_putc(&v, '\0');
		/* "name", "date" (and "name-2"... after the first) */
		const char *role = "";
		if (t && (!strncmp(t, "name", 4) || !strncmp(t, "date", 4)) &&
		    (!t[4] || t[4] == '-'))
			role = t[0] == 'n' ? "name" : "date";
		const char *prompt = tu && *tu ? tu : t ? t : "";
		mc_fields_add(w->out, group, role, prompt, v.data);
		mc_buf_free(&v);
		w->nfields++;
	}
	free(t);
	free(tu);
}

int mc_answers_pdf(const char *path, mc_fields *out, char *err,
                   size_t errsz)
{
	if (!mc_dl_get(&qpdf_lib, err, errsz))
		return -1;
	qpdf_data q = QPDF.qpdf_init();
	if (!q) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	QPDF.qpdf_silence_errors(q);
	QPDF.qpdf_set_suppress_warnings(q, QPDF_TRUE);
	int rc = -1;
	if (QPDF.qpdf_read(q, path, NULL) & QPDF_ERRORS) {
		const char *why = "";
		if (QPDF.qpdf_has_error(q))
			why = QPDF.qpdf_get_error_message_detail(q, QPDF.qpdf_get_error(q));
		if (why && strstr(why, "password"))
			snprintf(err, errsz, "encrypted: cannot be read without "
			                     "its password");
		else
			snprintf(err, errsz, "damaged PDF: %s",
			         why && *why ? why : "cannot be read");
		QPDF.qpdf_cleanup(&q);
		return -1;
	}
	walk w = {.q = q, .out = out};
	qpdf_oh root = QPDF.qpdf_get_root(q);
	qpdf_oh acro = QPDF.qpdf_oh_get_key_if_dict(q, root, "/AcroForm");
	qpdf_oh fields = QPDF.qpdf_oh_get_key_if_dict(q, acro, "/Fields");
	qpdf_oh dr = QPDF.qpdf_oh_get_key_if_dict(q, acro, "/DR");
	if (!QPDF.qpdf_oh_is_array(q, fields)) {
		snprintf(err, errsz, "no form fields: not a filled-in "
		                     "worksheet");
	} else {
		int n = QPDF.qpdf_oh_get_array_n_items(q, fields);
		for (int i = 0; i < n && w.nfields < MAX_FIELDS; i++) {
			qpdf_oh f = QPDF.qpdf_oh_get_array_item(q, fields, i);
			walk_field(&w, f, "", "", dr, 0);
			QPDF.qpdf_oh_release(q, f);
		}
		if (QPDF.qpdf_has_error(q)) {
			snprintf(err, errsz, "damaged PDF: %s",
			         QPDF.qpdf_get_error_message_detail(
			                 q, QPDF.qpdf_get_error(q)));
		} else {
			rc = 0;
		}
	}
	free(w.seen);
	QPDF.qpdf_cleanup(&q);
	return rc;
}
