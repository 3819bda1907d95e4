/*
 * ttf.c - TrueType fonts read directly (OpenType spec, 'glyf' outlines):
 * the table directory, cmap formats 4 and 12, hmtx advances, the values a
 * PDF font descriptor needs, and subsetting: a new font holding only the
 * glyphs a document draws, renumbered in the order given, with the glyphs
 * that composite glyphs are built from appended.
 *
 * Everything read from the file is bounds checked: a damaged font makes
 * pdf_ttf_open() or pdf_ttf_subset() fail, never read outside the file.
 */
#include "ttf.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../util/arena.h"

static unsigned u16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static int s16(const uint8_t *p) { return (int16_t)u16(p); }
static uint32_t u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static const char tags[TT_NTAB][5] = {"head", "hhea", "maxp", "hmtx",
                                      "loca", "glyf", "cvt ", "fpgm",
                                      "prep", "cmap", "post", "OS/2",
                                      "name"};

/* Does [off, off + len) lie inside the file? */
static bool inside(const pdf_ttf *t, uint64_t off, uint64_t len)
{
	return off <= t->n && len <= t->n - off;
}

static int load_file(pdf_ttf *t, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) || st.st_size < 12 ||
	    (uint64_t)st.st_size > (uint64_t)1 << 30) {
		close(fd);
		return -1;
	}
	t->n = (size_t)st.st_size;
	void *m = mmap(NULL, t->n, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m != MAP_FAILED) {
		t->map = m;
		t->d = m;
		close(fd);
		return 0;
	}
	/* no mmap (unusual file system): read it */
	t->heap = mc_xmalloc(t->n);
	size_t got = 0;
	while (got < t->n) {
		ssize_t r = read(fd, t->heap + got, t->n - got);
		if (r <= 0) {
			close(fd);
			free(t->heap);
			t->heap = NULL;
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	t->d = t->heap;
	return 0;
}

void pdf_ttf_close(pdf_ttf *t)
{
	hb_font_destroy(t->hb);
	hb_face_destroy(t->hbface);
	hb_blob_destroy(t->hbblob);
	if (t->map)
		munmap(t->map, t->n);
	free(t->heap);
	memset(t, 0, sizeof *t);
}

/* The cmap subtables we use: Windows/Unicode BMP (format 4) and full
 * repertoire (format 12), or the Unicode platform's equivalents. */
static void find_cmaps(pdf_ttf *t)
{
	uint32_t base = t->off[TT_CMAP], tl = t->len[TT_CMAP];
	if (tl < 4)
		return;
	unsigned nsub = u16(t->d + base + 2);
	int best4 = -1, best12 = -1;
	for (unsigned i = 0; i < nsub && 4 + 8 * (i + 1) <= tl; i++) {
		const uint8_t *r = t->d + base + 4 + 8 * i;
		unsigned plat = u16(r), enc = u16(r + 2);
		uint32_t so = u32(r + 4);
		if (so >= tl || tl - so < 8)
			continue;
		const uint8_t *s = t->d + base + so;
		unsigned fmt = u16(s);
		int rank = plat == 3 ? 2 : plat == 0 ? 1 : 0;
		if (!rank || (plat == 3 && enc != 1 && enc != 10))
			continue;
		if (fmt == 4 && rank > best4) {
			uint32_t l = u16(s + 2);
			if (l > tl - so)
				l = tl - so;
			if (l < 16)
				continue;
			best4 = rank;
			t->cmap4 = s;
			t->cmap4len = l;
		} else if (fmt == 12 && rank > best12 && tl - so >= 16) {
			uint32_t l = u32(s + 4);
			if (l > tl - so)
				l = tl - so;
			uint32_t ng = u32(s + 12);
			if (ng > (l - 16) / 12)
				continue;
			best12 = rank;
			t->cmap12 = s;
			t->cmap12len = l;
		}
	}
}

static unsigned glyph4(const pdf_ttf *t, uint32_t cp)
{
	const uint8_t *s = t->cmap4;
	uint32_t len = t->cmap4len;
	unsigned seg = u16(s + 6) / 2;
	if (16 + 8 * (uint64_t)seg > len)
		return 0;
	const uint8_t *end = s + 14, *start = s + 16 + 2 * seg,
	              *delta = s + 16 + 4 * seg, *ro = s + 16 + 6 * seg;
	unsigned lo = 0, hi = seg;
	while (lo < hi) { /* first segment whose end >= cp */
		unsigned mid = (lo + hi) / 2;
		if (u16(end + 2 * mid) < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= seg || u16(start + 2 * lo) > cp)
		return 0;
	unsigned r = u16(ro + 2 * lo), d = u16(delta + 2 * lo);
	if (r == 0)
		return (cp + d) & 0xFFFF;
	uint64_t at = (uint64_t)(ro + 2 * lo - s) + r +
	              2 * (uint64_t)(cp - u16(start + 2 * lo));
	if (at + 2 > len)
		return 0;
	unsigned g = u16(s + at);
	return g ? (g + d) & 0xFFFF : 0;
}

static unsigned glyph12(const pdf_ttf *t, uint32_t cp)
{
	const uint8_t *s = t->cmap12;
	uint32_t ng = u32(s + 12), lo = 0, hi = ng;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const uint8_t *g = s + 16 + 12 * (size_t)mid;
		if (u32(g + 4) < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= ng)
		return 0;
	const uint8_t *g = s + 16 + 12 * (size_t)lo;
	if (u32(g) > cp)
		return 0;
	uint64_t v = (uint64_t)u32(g + 8) + (cp - u32(g));
	return v > 0xFFFF ? 0 : (unsigned)v;
}

unsigned pdf_ttf_glyph(const pdf_ttf *t, uint32_t cp)
{
	unsigned g = 0;
	if (cp <= 0xFFFF && t->cmap4)
		g = glyph4(t, cp);
	else if (t->cmap12)
		g = glyph12(t, cp);
	return g < t->nglyphs ? g : 0;
}

static unsigned advance(const pdf_ttf *t, unsigned g)
{
	if (g >= t->nhm)
		g = t->nhm - 1;
	return u16(t->d + t->off[TT_HMTX] + 4 * g);
}

static int lsb(const pdf_ttf *t, unsigned g)
{
	if (g < t->nhm)
		return s16(t->d + t->off[TT_HMTX] + 4 * g + 2);
	return s16(t->d + t->off[TT_HMTX] + 4 * t->nhm + 2 * (g - t->nhm));
}

int pdf_ttf_width(const pdf_ttf *t, unsigned g)
{
	if (g >= t->nglyphs)
		g = 0;
	return (int)(advance(t, g) * 1000u / t->upem);
}

/* Glyph g's outline data in 'glyf': returns 0 and sets *p, *len (0 for
 * an empty glyph), or -1 if loca points outside the table. */
static int glyph_data(const pdf_ttf *t, unsigned g, const uint8_t **p,
                      uint32_t *len)
{
	const uint8_t *loca = t->d + t->off[TT_LOCA];
	uint32_t a, b;
	if (t->loca32) {
		a = u32(loca + 4 * g);
		b = u32(loca + 4 * g + 4);
	} else {
		a = 2 * u16(loca + 2 * g);
		b = 2 * u16(loca + 2 * g + 2);
	}
	if (b < a || b > t->len[TT_GLYF])
		return -1;
	*p = t->d + t->off[TT_GLYF] + a;
	*len = b - a;
	return 0;
}

/* One in-font unit value scaled to 1000ths of an em (as libharu did). */
static int em(const pdf_ttf *t, int v)
{
	return (int)((long)v * 1000 / (long)t->upem);
}

static void read_name(pdf_ttf *t)
{
	uint32_t base = t->off[TT_NAME], tl = t->len[TT_NAME];
	if (tl < 6)
		return;
	unsigned cnt = u16(t->d + base + 2), so = u16(t->d + base + 4);
	for (int want = 3; want >= 1; want -= 2) {
		for (unsigned i = 0; i < cnt && 6 + 12 * (i + 1) <= tl; i++) {
			const uint8_t *r = t->d + base + 6 + 12 * i;
			if (u16(r) != (unsigned)want || u16(r + 6) != 6)
				continue;
			unsigned l = u16(r + 8), o = u16(r + 10);
			if ((uint64_t)so + o + l > tl)
				continue;
			const uint8_t *s = t->d + base + so + o;
			size_t k = 0;
			unsigned step = want == 3 ? 2 : 1;
			for (unsigned j = 0; j + step <= l &&
			                     k + 1 < sizeof t->psname;
			     j += step) {
				unsigned ch = step == 2 ? u16(s + j) : s[j];
				/* PDF name: printable ASCII, no delimiters */
				if (ch > 0x20 && ch < 0x7F &&
				    !strchr("()<>[]{}/%#", (int)ch))
					t->psname[k++] = (char)ch;
			}
			t->psname[k] = 0;
			if (k)
				return;
		}
	}
}

static void descriptor(pdf_ttf *t)
{
	const uint8_t *head = t->d + t->off[TT_HEAD];
	const uint8_t *hhea = t->d + t->off[TT_HHEA];
	for (int i = 0; i < 4; i++)
		t->bbox[i] = em(t, s16(head + 36 + 2 * i));
	t->ascent = em(t, s16(hhea + 4));
	t->descent = em(t, s16(hhea + 6));
	unsigned mac = u16(head + 44);
	bool fixed = false;
	t->italic = 0;
	if (t->len[TT_POST] >= 16) {
		const uint8_t *post = t->d + t->off[TT_POST];
		t->italic = (int32_t)u32(post + 4) / 65536.0;
		fixed = u32(post + 12) != 0;
	}
	unsigned weight = mac & 1 ? 700 : 400;
	int capheight = 0;
	bool serif = false;
	if (t->len[TT_OS2] >= 68) {
		const uint8_t *os2 = t->d + t->off[TT_OS2];
		weight = u16(os2 + 4);
		unsigned cls = os2[30];
		serif = (cls >= 1 && cls <= 5) || cls == 7;
		if (u16(os2) >= 2 && t->len[TT_OS2] >= 90)
			capheight = em(t, s16(os2 + 88));
	}
	if (capheight <= 0) {
		/* the top of 'H' */
		unsigned g = pdf_ttf_glyph(t, 'H');
		const uint8_t *p;
		uint32_t l;
		if (g && !glyph_data(t, g, &p, &l) && l >= 10)
			capheight = em(t, s16(p + 8));
		else
			capheight = t->ascent;
	}
	t->capheight = capheight;
	if (weight < 100)
		weight = 100;
	t->stemv = 10 + (int)(220 * (weight - 50) / 900);
	t->flags = 32; /* nonsymbolic */
	if (fixed)
		t->flags |= 1;
	if (serif)
		t->flags |= 2;
	if (t->italic != 0 || (mac & 2))
		t->flags |= 64;
	if (mac & 1)
		t->flags |= 1 << 18; /* ForceBold */
}

int pdf_ttf_open(pdf_ttf *t, const char *path, int index)
{
	memset(t, 0, sizeof *t);
	if (load_file(t, path))
		return -1;
	uint32_t at = 0;
	if (!memcmp(t->d, "ttcf", 4)) {
		uint32_t nf = u32(t->d + 8);
		if (index < 0 || (uint32_t)index >= nf ||
		    !inside(t, 12 + 4 * (uint64_t)index, 4))
			goto bad;
		at = u32(t->d + 12 + 4 * index);
	} else if (index != 0) {
		goto bad;
	}
	if (!inside(t, at, 12))
		goto bad;
	uint32_t ver = u32(t->d + at);
	if (ver != 0x00010000 && memcmp(t->d + at, "true", 4))
		goto bad; /* 'OTTO': CFF outlines */
	unsigned nt = u16(t->d + at + 4);
	if (!inside(t, at + 12, 16 * (uint64_t)nt))
		goto bad;
	for (unsigned i = 0; i < nt; i++) {
		const uint8_t *r = t->d + at + 12 + 16 * i;
		for (int k = 0; k < TT_NTAB; k++) {
			if (memcmp(r, tags[k], 4))
				continue;
			uint32_t o = u32(r + 8), l = u32(r + 12);
			if (!inside(t, o, l))
				goto bad;
			t->off[k] = o;
			t->len[k] = l;
		}
	}
	if (t->len[TT_HEAD] < 54 || t->len[TT_HHEA] < 36 ||
	    t->len[TT_MAXP] < 6 || !t->len[TT_LOCA] || !t->len[TT_HMTX])
		goto bad;
	t->upem = u16(t->d + t->off[TT_HEAD] + 18);
	t->loca32 = s16(t->d + t->off[TT_HEAD] + 50) == 1;
	t->nglyphs = u16(t->d + t->off[TT_MAXP] + 4);
	t->nhm = u16(t->d + t->off[TT_HHEA] + 34);
	if (t->upem < 16 || !t->nglyphs || !t->nhm || t->nhm > t->nglyphs ||
	    (uint64_t)t->len[TT_LOCA] <
	            (uint64_t)(t->nglyphs + 1) * (t->loca32 ? 4 : 2) ||
	    (uint64_t)t->len[TT_HMTX] <
	            4 * (uint64_t)t->nhm + 2 * (uint64_t)(t->nglyphs - t->nhm))
		goto bad;
	find_cmaps(t);
	if (!t->cmap4 && !t->cmap12)
		goto bad;
	read_name(t);
	if (!t->psname[0])
		snprintf(t->psname, sizeof t->psname, "Font");
	descriptor(t);
	/* HarfBuzz reads the same bytes (shaping, text.c) */
	t->hbblob = hb_blob_create((const char *)t->d, (unsigned)t->n,
	                           HB_MEMORY_MODE_READONLY, NULL, NULL);
	t->hbface = hb_face_create(t->hbblob, (unsigned)index);
	t->hb = hb_font_create(t->hbface);
	if (!t->hb || hb_face_get_glyph_count(t->hbface) == 0)
		goto bad;
	hb_font_make_immutable(t->hb);
	return 0;
bad:
	pdf_ttf_close(t);
	return -1;
}

/* ---- subsetting ---- */

/* composite glyph flags */
#define CG_WORDS 0x0001
#define CG_SCALE 0x0008
#define CG_MORE 0x0020
#define CG_XY 0x0040
#define CG_2X2 0x0080

/* Walk a composite glyph's components: calls back with the offset of
 * each component's glyph index.  Returns 0, or -1 if it is truncated. */
typedef int (*comp_fn)(void *u, const uint8_t *p, uint32_t at);
static int components(const uint8_t *p, uint32_t len, comp_fn fn, void *u)
{
	uint32_t at = 10;
	for (;;) {
		if (at + 4 > len)
			return -1;
		unsigned fl = u16(p + at);
		if (fn(u, p, at + 2))
			return -1;
		at += 4 + (fl & CG_WORDS ? 4 : 2);
		if (fl & CG_SCALE)
			at += 2;
		else if (fl & CG_XY)
			at += 4;
		else if (fl & CG_2X2)
			at += 8;
		if (at > len)
			return -1;
		if (!(fl & CG_MORE))
			return 0;
	}
}

typedef struct sub_state {
	const pdf_ttf *t;
	uint16_t *list; /* new glyph -> old glyph */
	size_t n, cap;
	uint32_t *newid; /* old glyph -> new glyph + 1 (0: not yet) */
	uint8_t *out;    /* rewriting: the copy being patched */
} sub_state;

static int add_comp(void *u, const uint8_t *p, uint32_t at)
{
	sub_state *S = u;
	unsigned g = u16(p + at);
	if (g >= S->t->nglyphs)
		return -1;
	if (S->newid[g])
		return 0;
	if (S->n >= 0xFFFF)
		return -1;
	if (S->n >= S->cap) {
		S->cap *= 2;
		S->list = mc_xrealloc(S->list, S->cap * sizeof *S->list);
	}
	S->list[S->n] = (uint16_t)g;
	S->newid[g] = (uint32_t)++S->n;
	return 0;
}

static int patch_comp(void *u, const uint8_t *p, uint32_t at)
{
	sub_state *S = u;
	put16(S->out + at, S->newid[u16(p + at)] - 1);
	return 0;
}

static uint32_t checksum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i = 0;
	for (; i + 4 <= len; i += 4)
		s += u32(p + i);
	if (i < len) {
		uint8_t last[4] = {0};
		memcpy(last, p + i, len - i);
		s += u32(last);
	}
	return s;
}

/* Pad b to a multiple of 4 bytes from offset base. */
static void pad4(mc_buf *b, size_t base)
{
	static const char z[4] = {0};
	size_t l = b->len - base;
	if (l & 3)
		mc_buf_put(b, z, 4 - (l & 3));
}

int pdf_ttf_subset(const pdf_ttf *t, const uint16_t *gids, size_t n,
                   mc_buf *out)
{
	if (!n || n > 0xFFFF)
		return -1;
	sub_state S = {0};
	S.t = t;
	S.cap = n + 16;
	S.list = mc_xmalloc(S.cap * sizeof *S.list);
	S.newid = mc_xcalloc(t->nglyphs, sizeof *S.newid);
	int rc = -1;
	mc_buf glyf = MC_BUF_INIT, loca = MC_BUF_INIT, hmtx = MC_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		unsigned g = gids[i] < t->nglyphs ? gids[i] : 0;
		S.list[i] = (uint16_t)g;
		if (!S.newid[g])
			S.newid[g] = (uint32_t)i + 1;
	}
	S.n = n;
	/* the components of composites (and theirs), appended */
	for (size_t i = 0; i < S.n; i++) {
		const uint8_t *p;
		uint32_t len;
		if (glyph_data(t, S.list[i], &p, &len))
			goto out;
		if (len >= 10 && s16(p) < 0 && components(p, len, add_comp, &S))
			goto out;
	}
	for (size_t i = 0; i < S.n; i++) {
		const uint8_t *p;
		uint32_t len;
		uint8_t o[4];
		put32(o, (uint32_t)glyf.len);
		mc_buf_put(&loca, o, 4);
		if (glyph_data(t, S.list[i], &p, &len))
			goto out;
		if (len) {
			size_t at = glyf.len;
			mc_buf_put(&glyf, p, len);
			if (len >= 10 && s16(p) < 0) {
				S.out = (uint8_t *)glyf.data + at;
				if (components(p, len, patch_comp, &S))
					goto out;
			}
			pad4(&glyf, 0);
		}
		put16(o, advance(t, S.list[i]));
		put16(o + 2, (unsigned)lsb(t, S.list[i]) & 0xFFFF);
		mc_buf_put(&hmtx, o, 4);
	}
	{
		uint8_t o[4];
		put32(o, (uint32_t)glyf.len);
		mc_buf_put(&loca, o, 4);
	}
	if (!glyf.len) /* an empty glyf table is not allowed */
		mc_buf_put(&glyf, "\0\0\0\0", 4);

	/* the tables, in tag order */
	enum { NT = 9 };
	static const int order[NT] = {TT_CVT, TT_FPGM, TT_GLYF, TT_HEAD,
	                              TT_HHEA, TT_HMTX, TT_LOCA, TT_MAXP,
	                              TT_PREP};
	const uint8_t *data[NT];
	size_t len[NT];
	uint8_t head[54], hhea[36], maxp[32];
	int nt = 0;
	for (int k = 0; k < NT; k++) {
		int tab = order[k];
		switch (tab) {
		case TT_GLYF:
			data[k] = (const uint8_t *)glyf.data;
			len[k] = glyf.len;
			break;
		case TT_LOCA:
			data[k] = (const uint8_t *)loca.data;
			len[k] = loca.len;
			break;
		case TT_HMTX:
			data[k] = (const uint8_t *)hmtx.data;
			len[k] = hmtx.len;
			break;
		case TT_HEAD:
			memcpy(head, t->d + t->off[TT_HEAD], 54);
			put32(head + 8, 0); /* checkSumAdjustment, below */
			put16(head + 50, 1); /* long loca */
			data[k] = head;
			len[k] = 54;
			break;
		case TT_HHEA:
			memcpy(hhea, t->d + t->off[TT_HHEA], 36);
			put16(hhea + 34, (unsigned)S.n);
			data[k] = hhea;
			len[k] = 36;
			break;
		case TT_MAXP:
			len[k] = t->len[TT_MAXP] < 32 ? t->len[TT_MAXP] : 32;
			memcpy(maxp, t->d + t->off[TT_MAXP], len[k]);
			put16(maxp + 4, (unsigned)S.n);
			data[k] = maxp;
			break;
		default:
			data[k] = t->d + t->off[tab];
			len[k] = t->len[tab];
			break;
		}
		if (len[k])
			nt++;
	}
	size_t base = out->len;
	uint8_t dir[12 + 16 * NT];
	memset(dir, 0, sizeof dir);
	put32(dir, 0x00010000);
	put16(dir + 4, (unsigned)nt);
	unsigned es = 0;
	while ((2u << es) <= (unsigned)nt)
		es++;
	put16(dir + 6, 16u << es);
	put16(dir + 8, es);
	put16(dir + 10, 16u * (unsigned)nt - (16u << es));
	size_t dirlen = 12 + 16 * (size_t)nt;
	size_t off = dirlen;
	int j = 0;
	size_t headat = 0;
	for (int k = 0; k < NT; k++) {
		if (!len[k])
			continue;
		uint8_t *r = dir + 12 + 16 * j++;
		memcpy(r, tags[order[k]], 4);
		put32(r + 4, checksum(data[k], len[k]));
		put32(r + 8, (uint32_t)off);
		put32(r + 12, (uint32_t)len[k]);
		if (order[k] == TT_HEAD)
			headat = off;
		off += (len[k] + 3) & ~(size_t)3;
	}
	mc_buf_put(out, dir, dirlen);
	for (int k = 0; k < NT; k++) {
		if (!len[k])
			continue;
		mc_buf_put(out, data[k], len[k]);
		pad4(out, base);
	}
	/* whole-font checksum into head.checkSumAdjustment */
	uint8_t *f = (uint8_t *)out->data + base;
	put32(f + headat + 8,
	      0xB1B0AFBAu - checksum(f, out->len - base));
	rc = 0;
out:
	free(S.list);
	free(S.newid);
	mc_buf_free(&glyf);
	mc_buf_free(&loca);
	mc_buf_free(&hmtx);
	return rc;
}
