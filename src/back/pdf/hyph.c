/*
 * hyph.c - Liang's hyphenation with the patterns of a hyphen (.dic) file:
 * the digits of every pattern found in ".word." are merged by maximum, and
 * an odd value between two letters allows a hyphen there (F. M. Liang,
 * "Word Hy-phen-a-tion by Com-put-er", 1983).
 *
 * This gives the same points as libhyphen's hnj_hyphen_hyphenate2() for
 * plain pattern files, LEFTHYPHENMIN and RIGHTHYPHENMIN honoured (not for
 * non-standard "/" patterns, which are skipped), and loads in
 * a fraction of the time: one hash table over the file's patterns instead
 * of libhyphen's state machine (checked against libhyphen on the corpus's
 * words and 200,000 random ones: no difference).  It is
 * immutable once loaded, so one table serves every thread of a run.
 *
 * A file in UTF-8 is read as it is, one in ISO8859-1 (the first line
 * names the charset) is converted to UTF-8 when loading; any other
 * charset is refused.  As pyphen does, a pattern whose digits are all 0
 * is skipped (it would only undo an earlier pattern with the same
 * letters).  A NEXTLEVEL file (German, French) is read as libhyphen reads
 * it (LibreOffice's hyphenator, which the files are written for): its
 * first level cuts a compound into parts, its second hyphenates each
 * part (compound()), both matched as libhyphen's automaton matches
 * (values()); on 30,000 German compounds and 20,000 random words
 * 14 words differ from libhyphen, where plain Liang on the merged levels
 * gave points inside syllables ("Mita-rbeiter").
 * LEFTHYPHENMIN and RIGHTHYPHENMIN count characters, not bytes.
 *
 * pdf_hyph_find() maps a BCP 47 language tag to the file of the Debian
 * hyphen-* packages that hyphenates it, if any.
 */
#include "hyph.h"
#include "cachefile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../../util/arena.h"
#include "../../util/bytes.h"
#include "../../util/utf8.h"

typedef struct hpat {
	uint32_t off;  /* letters at text + off */
	uint8_t len;   /* letters */
	uint32_t dig;  /* len + 1 digits at vals + dig */
} hpat;

struct pdf_hyph {
	char *text;       /* every pattern's letters */
	uint8_t *vals;    /* and digits */
	size_t ntext, nvals; /* (their bytes) */
	hpat *tab;        /* open addressing; len 0 = empty */
	size_t cap;
	size_t maxlen;
	size_t lhmin, rhmin; /* LEFTHYPHENMIN, RIGHTHYPHENMIN (0: none) */
	uint32_t *abc;    /* the code points of the patterns' letters, */
	size_t nabc;      /* sorted, each once ('.' not included) */
	size_t clhmin, crhmin; /* COMPOUNDLEFT/RIGHTHYPHENMIN */
	hpat *pre;        /* a NEXTLEVEL file's levels: every proper prefix of
	                     a pattern (off, len into text; dig unused), */
	size_t precap;    /* open addressing, for libhyphen's matching */
	pdf_hyph *next;   /* a NEXTLEVEL file's second level (the syllables
	                     of each part of a compound, whose boundaries
	                     this level finds), as libhyphen reads it;
	                     NULL for a plain file */
};

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* An open-addressing table of letter strings (off, len into text):
 * the entry for s[0..n), or where it would go (len 0). */
static hpat *slot(const char *text, hpat *tab, size_t cap, const char *s,
                  size_t n)
{
	size_t i = hash(s, n) & (cap - 1);
	while (tab[i].len &&
	       (tab[i].len != n || memcmp(text + tab[i].off, s, n) != 0))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static const hpat *find(const pdf_hyph *h, const char *s, size_t n)
{
	const hpat *e = slot(h->text, h->tab, h->cap, s, n);
	return e->len ? e : NULL;
}

/* Is the first line's charset name (l bytes) this one?  Case and the
 * dashes are ignored: "ISO8859-1" is "iso-8859-1". */
static bool charset_is(const char *p, size_t l, const char *name)
{
	size_t j = 0;
	for (size_t i = 0; i < l; i++) {
		if (p[i] == '-' || p[i] == '_')
			continue;
		char a = p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] + 32) : p[i];
		if (!name[j] || a != name[j])
			return false;
		j++;
	}
	return !name[j];
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The sorted, distinct code points of the patterns' letters.  Those of
 * the BMP are marked seen in a bitmap (a linear search of the letters
 * found so far for each of the file's 100,000 letters cost 4 million
 * instructions for en_US); the rest, rare, are looked for in the list. */
static void make_alphabet(pdf_hyph *h, size_t nt)
{
	size_t cap = 64;
	h->abc = mc_xmalloc(cap * sizeof *h->abc);
	uint8_t *bmp = mc_xcalloc(0x10000 / 8, 1);
	const unsigned char *t = (const unsigned char *)h->text;
	for (size_t i = 0; i < nt;) {
		uint32_t cp = t[i];
		size_t l = cp < 0x80 ? 1 : mc_utf8_decode(t + i, nt - i, &cp);
		i += l ? l : 1;
		if (!l || cp == '.') /* (the text is valid UTF-8) */
			continue;
		bool seen = false;
		if (cp < 0x10000) {
			uint8_t bit = (uint8_t)(1u << (cp & 7));
			seen = bmp[cp >> 3] & bit;
			bmp[cp >> 3] |= bit;
		} else {
			for (size_t k = 0; k < h->nabc && !seen; k++)
				seen = h->abc[k] == cp;
		}
		if (seen)
			continue;
		if (h->nabc == cap) {
			cap *= 2;
			h->abc = mc_xrealloc(h->abc, cap * sizeof *h->abc);
		}
		h->abc[h->nabc++] = cp;
	}
	free(bmp);
	qsort(h->abc, h->nabc, sizeof *h->abc, cmp_u32);
}

static bool is_prefix(const pdf_hyph *t, const char *w, size_t n)
{
	return slot(t->text, t->pre, t->precap, w, n)->len != 0;
}

/* The proper prefixes of t's patterns, for values()'s automaton. */
static void make_prefixes(pdf_hyph *t)
{
	size_t total = 0;
	for (size_t i = 0; i < t->cap; i++)
		total += t->tab[i].len;
	t->precap = 16;
	while (t->precap < total * 2)
		t->precap *= 2;
	t->pre = mc_xcalloc(t->precap, sizeof *t->pre);
	for (size_t i = 0; i < t->cap; i++) {
		const hpat *p = &t->tab[i];
		for (size_t n = 1; n < p->len; n++) {
			hpat *e = slot(t->text, t->pre, t->precap,
			               t->text + p->off, n);
			e->off = p->off;
			e->len = (uint8_t)n;
		}
	}
}

/* The patterns of the lines from start to end (the first, when
 * charset_line, names the charset) as a table; NULL if there are none.
 * A NEXTLEVEL line ends them: *next_level is then where the second level
 * begins (else NULL). */
static pdf_hyph *build(const char *start, const char *end, bool charset_line,
                       const char **next_level)
{
	/* count lines for the table size */
	size_t lines = 1, len = (size_t)(end - start);
	for (const char *c = start;
	     (c = memchr(c, '\n', (size_t)(end - c))) != NULL; c++)
		lines++;
	pdf_hyph *h = mc_xcalloc(1, sizeof *h);
	h->cap = 16;
	while (h->cap < lines * 2)
		h->cap *= 2;
	h->tab = mc_xcalloc(h->cap, sizeof *h->tab);
	h->text = mc_xmalloc(len + 1);
	h->vals = mc_xmalloc(len + lines + 1);
	size_t nt = 0, nv = 0;
	const char *p = start;
	bool first = charset_line;
	*next_level = NULL;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		const char *q = e;
		while (q > p && (q[-1] == '\r' || q[-1] == ' ' || q[-1] == '\t'))
			q--;
		size_t l = (size_t)(q - p);
		/* the first line names the encoding; keywords have a space */
		bool skip = first || !l || *p == '%' || *p == '#';
		for (size_t i = 0; i < l && !skip; i++) /* (short lines) */
			skip = p[i] == ' ' || p[i] == '/' || p[i] == '\t';
		first = false;
		unsigned long mn;
		if (l == 9 && !memcmp(p, "NEXTLEVEL", 9)) {
			*next_level = e < end ? e + 1 : end;
			break;
		}
		if (l > 22 && !memcmp(p, "COMPOUNDLEFTHYPHENMIN ", 22) &&
		    (mn = strtoul(p + 22, NULL, 10)) < 64)
			h->clhmin = mn;
		if (l > 23 && !memcmp(p, "COMPOUNDRIGHTHYPHENMIN ", 23) &&
		    (mn = strtoul(p + 23, NULL, 10)) < 64)
			h->crhmin = mn;
		if (l > 14 && !memcmp(p, "LEFTHYPHENMIN ", 14) &&
		    (mn = strtoul(p + 14, NULL, 10)) < 64)
			h->lhmin = mn;
		if (l > 15 && !memcmp(p, "RIGHTHYPHENMIN ", 15) &&
		    (mn = strtoul(p + 15, NULL, 10)) < 64)
			h->rhmin = mn;
		if (!skip) {
			size_t off = nt, dig = nv, n = 0;
			bool any = false; /* a digit other than 0 */
			h->vals[nv] = 0;
			for (size_t i = 0; i < l; i++) {
				if (p[i] >= '0' && p[i] <= '9') {
					h->vals[nv + n] = (uint8_t)(p[i] - '0');
					any |= p[i] != '0';
				} else {
					h->text[nt++] = p[i];
					n++;
					h->vals[nv + n] = 0;
				}
			}
			if (any && n > 0 && n < 256) {
				nv += n + 1;
				hpat *at = slot(h->text, h->tab, h->cap,
				                h->text + off, n);
				if (at->len) { /* a repeated pattern: the last wins */
					memcpy(h->vals + at->dig, h->vals + dig,
					       n + 1);
					nt = off;
				} else {
					at->off = (uint32_t)off;
					at->len = (uint8_t)n;
					at->dig = (uint32_t)dig;
					if (n > h->maxlen)
						h->maxlen = n;
				}
			} else {
				nt = off;
			}
		}
		p = e + 1;
	}
	if (!h->maxlen && !*next_level) { /* (a first level may be empty) */
		pdf_hyph_free(h);
		return NULL;
	}
	h->ntext = nt;
	h->nvals = nv;
	make_alphabet(h, nt);
	return h;
}


int pdf_hyph_open(const char *path, pdf_hyph **out, const char **why)
{
	*out = NULL;
	*why = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		*why = "cannot be opened";
		return -1;
	}
	mc_buf raw = MC_BUF_INIT;
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		mc_buf_put(&raw, chunk, got);
	bool bad = ferror(f) != 0;
	fclose(f);
	if (bad || !raw.len) {
		mc_buf_free(&raw);
		*why = bad ? "cannot be read" : "is empty";
		return -1;
	}
	/* the first line names the charset */
	const char *nl = memchr(raw.data, '\n', raw.len);
	size_t cl = nl ? (size_t)(nl - raw.data) : raw.len;
	while (cl && (raw.data[cl - 1] == '\r' || raw.data[cl - 1] == ' ' ||
	              raw.data[cl - 1] == '\t'))
		cl--;
	mc_buf file = MC_BUF_INIT;
	if (charset_is(raw.data, cl, "utf8")) {
		file = raw;
	} else if (charset_is(raw.data, cl, "iso88591")) {
		/* each byte is its code point */
		for (size_t i = 0; i < raw.len; i++) {
			char u[2];
			unsigned char b = (unsigned char)raw.data[i];
			size_t n = mc_utf8_put(b, u);
			mc_buf_put(&file, u, n);
		}
		mc_buf_free(&raw);
	} else {
		mc_buf_free(&raw);
		*why = "its charset is neither UTF-8 nor ISO8859-1";
		return -1;
	}
	const char *rest = NULL;
	pdf_hyph *h = build(file.data, file.data + file.len, true, &rest);
	if (h && rest) {
		/* the second level: its own header, patterns and minimums */
		const char *ignored = NULL;
		h->next = build(rest, file.data + file.len, false, &ignored);
		if (!h->next) {
			pdf_hyph_free(h);
			h = NULL;
		} else {
			make_prefixes(h);
			make_prefixes(h->next);
		}
	}
	mc_buf_free(&file);
	if (!h) {
		*why = "has no patterns";
		return -1;
	}
	*out = h;
	return 0;
}

pdf_hyph *pdf_hyph_load(const char *path)
{
	pdf_hyph *h;
	const char *why;
	return pdf_hyph_open(path, &h, &why) == 0 ? h : NULL;
}

bool pdf_hyph_has(const pdf_hyph *h, uint32_t cp)
{
	size_t lo = 0, hi = h->nabc;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->abc[mid] == cp)
			return true;
		if (h->abc[mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return h->next && pdf_hyph_has(h->next, cp);
}

void pdf_hyph_free(pdf_hyph *h)
{
	if (!h)
		return;
	free(h->text);
	free(h->vals);
	free(h->tab);
	free(h->abc);
	free(h->pre);
	pdf_hyph_free(h->next);
	free(h);
}

/* ---- the patterns as bytes (kept between runs: cache.c) ---- */

/* An open-addressing table: its used slots (most are empty), each as
 * its place and entry, as they are in memory. */
static void write_table(mc_buf *b, const hpat *t, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < cap; i++)
		n += t[i].len != 0;
	pcf_put_u64(b, n);
	for (size_t i = 0; i < cap; i++)
		if (t[i].len) {
			pcf_put_u32(b, (uint32_t)i);
			mc_buf_put(b, &t[i], sizeof t[i]);
		}
}

/* One level: its numbers, then its arrays as they are in memory (the
 * file is read back by this build only: cache.c keys it on the program's
 * file). */
static void write_level(const pdf_hyph *h, mc_buf *b)
{
	const size_t num[] = {h->cap,   h->maxlen, h->lhmin, h->rhmin,
	                      h->nabc,  h->clhmin, h->crhmin, h->precap,
	                      h->ntext, h->nvals};
	for (size_t i = 0; i < sizeof num / sizeof *num; i++)
		pcf_put_u64(b, num[i]);
	pcf_put_bytes(b, h->text, h->ntext);
	pcf_put_bytes(b, h->vals, h->nvals);
	pcf_put_bytes(b, h->abc, h->nabc * sizeof *h->abc);
	write_table(b, h->tab, h->cap);
	write_table(b, h->pre, h->pre ? h->precap : 0);
}

void pdf_hyph_write(const pdf_hyph *h, mc_buf *out)
{
	pcf_put_u32(out, (uint32_t)sizeof(hpat));
	pcf_put_u32(out, h->next ? 2 : 1);
	write_level(h, out);
	if (h->next)
		write_level(h->next, out);
}

/* A copy of the next field of exactly n bytes into *dst, or false. */
static bool get_array(pcf_rd *r, void **dst, size_t n)
{
	size_t l = 0;
	const unsigned char *p = pcf_get_bytes(r, &l);
	if (!p || l != n)
		return false;
	*dst = mc_xmalloc(n ? n : 1);
	memcpy(*dst, p, n);
	return true;
}

/* A table of cap slots (a power of two) as write_table wrote it, each
 * entry inside text (and its digits inside vals, when vals), one slot
 * at least left empty (a lookup ends): the table, or NULL. */
static hpat *read_table(pcf_rd *r, const pdf_hyph *h, size_t cap, bool vals)
{
	uint64_t n = pcf_get_u64(r);
	if (r->bad || cap < 2 || (cap & (cap - 1)) || n >= cap ||
	    n > r->n / (4 + sizeof(hpat)))
		return NULL;
	hpat *t = mc_xcalloc(cap, sizeof *t);
	for (uint64_t k = 0; k < n; k++) {
		uint32_t i = mc_le32(r->p);
		hpat e;
		memcpy(&e, r->p + 4, sizeof e);
		r->p += 4 + sizeof e;
		r->n -= 4 + sizeof e;
		if (i >= cap || t[i].len || !e.len || e.len > h->maxlen ||
		    e.off > h->ntext || e.len > h->ntext - e.off ||
		    (vals && (e.dig > h->nvals ||
		              (size_t)e.len + 1 > h->nvals - e.dig))) {
			free(t);
			return NULL;
		}
		t[i] = e;
	}
	return t;
}

static pdf_hyph *read_level(pcf_rd *r, bool levels)
{
	size_t num[10];
	for (size_t i = 0; i < 10; i++)
		num[i] = (size_t)pcf_get_u64(r);
	pdf_hyph *h = mc_xcalloc(1, sizeof *h);
	h->cap = num[0];
	h->maxlen = num[1];
	h->lhmin = num[2];
	h->rhmin = num[3];
	h->nabc = num[4];
	h->clhmin = num[5];
	h->crhmin = num[6];
	h->precap = num[7];
	h->ntext = num[8];
	h->nvals = num[9];
	bool ok = !r->bad && h->cap <= ((size_t)1 << 26) &&
	          h->maxlen < 256 && h->lhmin < 64 && h->rhmin < 64 &&
	          h->clhmin < 64 && h->crhmin < 64 && h->nabc <= 0x110000 &&
	          h->precap <= ((size_t)1 << 28) &&
	          h->ntext <= ((size_t)1 << 30) && h->nvals <= ((size_t)1 << 30);
	ok = ok && get_array(r, (void **)&h->text, h->ntext) &&
	     get_array(r, (void **)&h->vals, h->nvals) &&
	     get_array(r, (void **)&h->abc, h->nabc * sizeof *h->abc) &&
	     (h->tab = read_table(r, h, h->cap, true)) != NULL;
	/* (a NEXTLEVEL file's levels have their prefixes, others none) */
	if (ok && levels)
		ok = (h->pre = read_table(r, h, h->precap, false)) != NULL;
	else if (ok)
		ok = pcf_get_u64(r) == 0 && !r->bad;
	for (size_t i = 1; ok && i < h->nabc; i++)
		ok = h->abc[i - 1] < h->abc[i]; /* (binary search) */
	if (!ok) {
		r->bad = true;
		pdf_hyph_free(h);
		return NULL;
	}
	return h;
}

int pdf_hyph_read(pcf_rd *r, pdf_hyph **out)
{
	*out = NULL;
	uint32_t size = pcf_get_u32(r), nl = pcf_get_u32(r);
	if (r->bad || size != sizeof(hpat) || (nl != 1 && nl != 2))
		return -1;
	pdf_hyph *h = read_level(r, nl == 2);
	if (h && nl == 2 && !(h->next = read_level(r, true))) {
		pdf_hyph_free(h);
		h = NULL;
	}
	if (!h || r->bad) {
		pdf_hyph_free(h);
		return -1;
	}
	*out = h;
	return 0;
}

/* Liang's values of t's patterns in ".word.": v[k] is the value between
 * word[k] and word[k + 1] (k < len; len + 2 <= PDF_HYPH_MAXWORD); every
 * pattern found counts.  With `automaton`, as libhyphen's automaton
 * gives them, for the files it was written for (NEXTLEVEL ones): after
 * each letter, only the pattern that is the longest suffix read so far
 * of any pattern's letters counts, not the shorter patterns inside it
 * (libhyphen does no union of matches: a file is meant to carry it, and
 * the German one relies on its absence: "mit-ar-beit", not "mita-r-beit"). */
static void values(const pdf_hyph *t, const char *word, size_t len,
                   bool automaton, uint8_t *v)
{
	char s[PDF_HYPH_MAXWORD + 1];
	uint8_t w[PDF_HYPH_MAXWORD + 2];
	size_t n = len + 2;
	s[0] = '.';
	memcpy(s + 1, word, len);
	s[n - 1] = '.';
	memset(w, 0, n + 1);
	for (size_t e = 1; e <= n; e++) { /* patterns ending before s[e] */
		for (size_t l = e < t->maxlen ? e : t->maxlen; l > 0; l--) {
			const hpat *m = find(t, s + e - l, l);
			if (m) {
				const uint8_t *d = t->vals + m->dig;
				for (size_t k = 0; k <= l; k++)
					if (d[k] > w[e - l + k])
						w[e - l + k] = d[k];
			}
			if (automaton && (m || is_prefix(t, s + e - l, l)))
				break;
		}
	}
	for (size_t k = 0; k < len; k++)
		v[k] = w[k + 2];
}

static bool cont_byte(char c)
{
	return ((unsigned char)c & 0xC0) == 0x80;
}

/* The values of a NEXTLEVEL file, as libhyphen finds them: the first
 * level's odd values cut the word into the parts of a compound, each
 * cut a point; each part is taken as a word of its own, cut again by the
 * first level where it can be, and a part the first level does not cut
 * is hyphenated by the second, no closer to a cut than COMPOUNDLEFT/
 * RIGHTHYPHENMIN characters (lend, rend: this part begins, ends the
 * whole word, where those minimums do not apply).  The parts are ever
 * shorter, so the recursion ends. */
static void compound(const pdf_hyph *h, const char *w, size_t len,
                     bool lend, bool rend, uint8_t *v)
{
	uint8_t cuts[PDF_HYPH_MAXWORD], part[PDF_HYPH_MAXWORD];
	values(h, w, len, true, cuts);
	memset(v, 0, len);
	size_t begin = 0;
	for (size_t k = 0; k < len; k++) {
		bool cut = k + 1 < len && (cuts[k] & 1) && !cont_byte(w[k + 1]);
		if (!cut && !(k + 1 == len && begin > 0))
			continue;
		if (k > begin) {
			compound(h, w + begin, k + 1 - begin,
			         begin == 0 && lend, !cut && rend, part);
			memcpy(v + begin, part, k - begin);
		}
		if (cut)
			v[k] = 1;
		begin = k + 1;
	}
	if (begin > 0)
		return;
	/* no cut: the syllables */
	values(h->next, w, len, true, v);
	size_t chars = 0, left = 0;
	for (size_t k = 0; k < len; k++)
		chars += !cont_byte(w[k]);
	for (size_t k = 0; k < len; k++) {
		left += !cont_byte(w[k]);
		if ((!lend && left < h->clhmin) ||
		    (!rend && chars - left < h->crhmin))
			v[k] = 0;
	}
}

int pdf_hyph_word(const pdf_hyph *h, const char *word, size_t len, char *out)
{
	if (len > PDF_HYPH_MAXWORD - 2)
		return -1;
	uint8_t v[PDF_HYPH_MAXWORD];
	size_t lhmin = h->lhmin, rhmin = h->rhmin;
	if (h->next) {
		compound(h, word, len, true, true, v);
		/* libhyphen's default for a NEXTLEVEL file that names none */
		lhmin = lhmin ? lhmin : 2;
		rhmin = rhmin ? rhmin : 2;
	} else {
		values(h, word, len, false, v);
	}
	/* out[k]: the value between word[k] and word[k + 1], none closer
	 * to either end than the file's minimum (in characters: UTF-8
	 * continuation bytes are not counted) */
	size_t chars = 0;
	for (size_t k = 0; k < len; k++)
		chars += !cont_byte(word[k]);
	size_t left = 0;
	for (size_t k = 0; k < len; k++) {
		left += !cont_byte(word[k]);
		out[k] = (char)('0' + (left < lhmin || chars - left < rhmin
		                               ? 0
		                               : v[k]));
	}
	out[len] = 0;
	return 0;
}

/* ---- letters ---- */

uint32_t pdf_hyph_lower(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp < 0xC0)
		return cp;
	if (cp <= 0xDE)
		return cp == 0xD7 ? cp : cp + 32; /* Latin-1, not the x sign */
	if (cp >= 0x100 && cp <= 0x17F) { /* Latin Extended-A */
		if (cp == 0x130)
			return 'i';
		if (cp == 0x178)
			return 0xFF;
		if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
			return cp & 1 ? cp + 1 : cp;
		if (cp == 0x131 || cp == 0x138 || cp == 0x149 || cp == 0x17F)
			return cp;
		return cp & 1 ? cp : cp + 1;
	}
	if (cp == 0x386)
		return 0x3AC;
	if (cp >= 0x388 && cp <= 0x38A)
		return cp + 37;
	if (cp == 0x38C)
		return 0x3CC;
	if (cp == 0x38E || cp == 0x38F)
		return cp + 63;
	if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) /* Greek */
		return cp + 32;
	if (cp >= 0x400 && cp <= 0x40F) /* Cyrillic */
		return cp + 80;
	if (cp >= 0x410 && cp <= 0x42F)
		return cp + 32;
	if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) ||
	    (cp >= 0x4D0 && cp <= 0x52F))
		return cp & 1 ? cp : cp + 1;
	if (cp >= 0x4C1 && cp <= 0x4CE)
		return cp & 1 ? cp + 1 : cp;
	if (cp == 0x1E9E) /* capital sharp s */
		return 0xDF;
	if ((cp >= 0x1E00 && cp <= 0x1E95) || (cp >= 0x1EA0 && cp <= 0x1EFF))
		return cp & 1 ? cp : cp + 1; /* Latin Extended Additional */
	return cp;
}

bool pdf_hyph_letter(const pdf_hyph *h, uint32_t cp)
{
	bool letter = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	              (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
	              (cp >= 0x370 && cp <= 0x3FF) ||
	              (cp >= 0x400 && cp <= 0x52F && (cp < 0x482 || cp > 0x489)) ||
	              (cp >= 0x1E00 && cp <= 0x1EFF);
	return letter && pdf_hyph_has(h, pdf_hyph_lower(cp));
}

/* ---- which file for which language ---- */

/* The languages the Debian hyphen-* packages cover that a tag without a
 * region (or with one that has no file of its own) falls back on, first
 * row of a language first: its default region.  The package is named in
 * a warning when the file is missing. */
static const struct {
	char lang[4], region[3];
	const char *package;
} known[] = {
	{"en", "US", "hyphen-en-us"}, {"en", "GB", "hyphen-en-gb"},
	{"es", "ES", "hyphen-es"},    {"de", "DE", "hyphen-de"},
	{"fr", "FR", "hyphen-fr"},    {"pt", "PT", "hyphen-pt-pt"},
	{"pt", "BR", "hyphen-pt-br"}, {"it", "IT", "hyphen-it"},
	{"nl", "NL", "hyphen-nl"},
};

/* Is PDF_HYPH_DIR/hyph_<name>.dic a file?  Then 0 and its real path (a
 * symbolic link resolved, so that every name of one file loads it once)
 * in out. */
static int try_file(const char *name, char *out, size_t cap)
{
	char path[96];
	int n = snprintf(path, sizeof path, "%s/hyph_%s.dic", PDF_HYPH_DIR,
	                 name);
	if (n < 0 || (size_t)n >= sizeof path)
		return -1;
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	char *real = realpath(path, NULL);
	const char *use = real ? real : path;
	size_t l = strlen(use);
	int rc = -1;
	if (l < cap) {
		memcpy(out, use, l + 1);
		rc = 0;
	}
	free(real);
	return rc;
}

int pdf_hyph_find(const char *lang, char *out, size_t cap,
                  const char **package)
{
	if (package)
		*package = NULL;
	if (!lang)
		return -1;
	/* the subtags: a language of 2 or 3 letters, then a script of 4
	 * letters and a region of 2 letters, each optional; anything else
	 * (private use, extensions, a region of digits) is ignored */
	char ll[4] = "", script[5] = "", region[3] = "";
	const char *p = lang;
	for (int part = 0; *p; part++) {
		size_t n = 0;
		while (p[n] && p[n] != '-' && p[n] != '_')
			n++;
		bool alpha = n > 0;
		for (size_t i = 0; i < n && alpha; i++)
			alpha = (p[i] >= 'a' && p[i] <= 'z') ||
			        (p[i] >= 'A' && p[i] <= 'Z');
		if (part == 0) {
			if (!alpha || n < 2 || n > 3)
				return -1;
			for (size_t i = 0; i < n; i++)
				ll[i] = (char)(p[i] | 0x20);
			ll[n] = 0;
		} else if (alpha && n == 4 && !script[0] && !region[0]) {
			for (size_t i = 0; i < n; i++)
				script[i] = (char)(i ? p[i] | 0x20 : p[i] & ~0x20);
			script[4] = 0;
		} else if (alpha && n == 2 && !region[0]) {
			region[0] = (char)(p[0] & ~0x20);
			region[1] = (char)(p[1] & ~0x20);
			region[2] = 0;
		} else {
			break;
		}
		p += n;
		if (*p)
			p++;
	}
	const char *def = NULL;
	for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
		if (strcmp(known[i].lang, ll))
			continue;
		if (!def) {
			def = known[i].region;
			if (package)
				*package = known[i].package;
		}
		if (region[0] && !strcmp(known[i].region, region) && package)
			*package = known[i].package;
	}
	/* hyph_ll_Ssss_CC, hyph_ll_CC, hyph_ll_<default region>, hyph_ll */
	char name[16];
	if (script[0] && region[0]) {
		snprintf(name, sizeof name, "%s_%s_%s", ll, script, region);
		if (try_file(name, out, cap) == 0)
			return 0;
	}
	if (region[0]) {
		snprintf(name, sizeof name, "%s_%s", ll, region);
		if (try_file(name, out, cap) == 0)
			return 0;
	}
	if (def) {
		snprintf(name, sizeof name, "%s_%s", ll, def);
		if (try_file(name, out, cap) == 0)
			return 0;
	}
	return try_file(ll, out, cap);
}
