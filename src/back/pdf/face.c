/*
 * face.c - OpenType faces read and subset by HarfBuzz (see face.h).
 *
 * The file is mapped once (hb_blob_create_from_file_or_fail); the font
 * descriptor's values come from HarfBuzz's metrics and from the head,
 * post and OS/2 tables (bounds checked: a table too short counts as
 * absent); a CFF face's charset from cff.c.  Subsets come from
 * hb-subset: the glyphs drawn and .notdef, without hinting and without
 * the layout tables (the text is shaped before it is drawn), and for CFF
 * faces only the 'CFF ' table is kept.
 */
#include "face.h"

#include <hb-ot.h>
#include <hb-subset.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../util/arena.h"
#include "../../util/bytes.h"

static unsigned u16(const uint8_t *p) { return mc_be16(p); }
static int s16(const uint8_t *p) { return (int16_t)u16(p); }
static uint32_t u32(const uint8_t *p) { return mc_be32(p); }

#define TAG_CFF HB_TAG('C', 'F', 'F', ' ')

/* A table of the face: its blob (to destroy) and bytes, NULL if it is
 * absent or shorter than min. */
static const uint8_t *table(hb_face_t *face, hb_tag_t tag, unsigned min,
                            hb_blob_t **blob, unsigned *len)
{
	*blob = hb_face_reference_table(face, tag);
	unsigned l = 0;
	const char *d = hb_blob_get_data(*blob, &l);
	if (len)
		*len = l;
	return d && l >= min ? (const uint8_t *)d : NULL;
}

static bool has_table(hb_face_t *face, hb_tag_t tag)
{
	hb_blob_t *b = hb_face_reference_table(face, tag);
	bool has = hb_blob_get_length(b) > 0;
	hb_blob_destroy(b);
	return has;
}

/* One value in font units scaled to 1000ths of an em. */
static int em(const pdf_face *t, long v)
{
	return (int)(v * 1000 / (long)t->upem);
}

/* The PostScript name (name ID 6) as a PDF name may hold it. */
static void read_psname(pdf_face *t)
{
	char s[sizeof t->psname * 4];
	unsigned len = sizeof s;
	t->psname[0] = 0;
	if (!hb_ot_name_get_utf8(t->face, HB_OT_NAME_ID_POSTSCRIPT_NAME,
	                         hb_language_from_string("en", -1), &len, s))
		return;
	size_t k = 0;
	for (unsigned j = 0; j < len && s[j] && k + 1 < sizeof t->psname;
	     j++) {
		unsigned char ch = (unsigned char)s[j];
		/* printable ASCII, no delimiters */
		if (ch > 0x20 && ch < 0x7F && !strchr("()<>[]{}/%#", ch))
			t->psname[k++] = (char)ch;
	}
	t->psname[k] = 0;
}

static void descriptor(pdf_face *t)
{
	hb_blob_t *hb_head, *hb_post, *hb_os2;
	const uint8_t *head = table(t->face, HB_TAG('h', 'e', 'a', 'd'), 54,
	                            &hb_head, NULL);
	const uint8_t *post = table(t->face, HB_TAG('p', 'o', 's', 't'), 16,
	                            &hb_post, NULL);
	unsigned os2len = 0;
	const uint8_t *os2 = table(t->face, HB_TAG('O', 'S', '/', '2'), 68,
	                           &hb_os2, &os2len);
	unsigned mac = 0;
	if (head) {
		for (int i = 0; i < 4; i++)
			t->bbox[i] = em(t, s16(head + 36 + 2 * i));
		mac = u16(head + 44);
	}
	hb_position_t asc = 0, desc = 0, cap = 0;
	if (!hb_ot_metrics_get_position(t->hb,
	                                HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER,
	                                &asc))
		asc = (hb_position_t)t->upem * 4 / 5;
	if (!hb_ot_metrics_get_position(t->hb,
	                                HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER,
	                                &desc))
		desc = -(hb_position_t)t->upem / 5;
	t->ascent = em(t, asc);
	t->descent = em(t, desc);
	bool fixed = false;
	t->italic = 0;
	if (post) {
		t->italic = (int32_t)u32(post + 4) / 65536.0;
		fixed = u32(post + 12) != 0;
	}
	unsigned weight = mac & 1 ? 700 : 400;
	bool serif = false;
	if (os2) {
		weight = u16(os2 + 4);
		unsigned cls = os2[30];
		serif = (cls >= 1 && cls <= 5) || cls == 7;
	}
	if (hb_ot_metrics_get_position(t->hb, HB_OT_METRICS_TAG_CAP_HEIGHT,
	                               &cap) &&
	    cap > 0) {
		t->capheight = em(t, cap);
	} else {
		/* the top of 'H' */
		hb_glyph_extents_t ext;
		unsigned g = pdf_face_glyph(t, 'H');
		if (g && hb_font_get_glyph_extents(t->hb, g, &ext))
			t->capheight = em(t, ext.y_bearing);
		else
			t->capheight = t->ascent;
	}
	if (weight < 100)
		weight = 100;
	if (weight > 1000)
		weight = 1000;
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
	hb_blob_destroy(hb_head);
	hb_blob_destroy(hb_post);
	hb_blob_destroy(hb_os2);
}

void pdf_face_close(pdf_face *t)
{
	hb_font_destroy(t->hb);
	hb_face_destroy(t->face);
	hb_blob_destroy(t->blob);
	pdf_cff_free(&t->cffinfo);
	memset(t, 0, sizeof *t);
}

int pdf_face_open(pdf_face *t, const char *path, int index)
{
	memset(t, 0, sizeof *t);
	if (index < 0)
		return -1;
	t->blob = hb_blob_create_from_file_or_fail(path);
	if (!t->blob)
		return -1;
	if ((unsigned)index >= hb_face_count(t->blob))
		goto bad;
	t->face = hb_face_create(t->blob, (unsigned)index);
	t->nglyphs = hb_face_get_glyph_count(t->face);
	t->upem = hb_face_get_upem(t->face);
	hb_blob_t *hb_head;
	bool head = table(t->face, HB_TAG('h', 'e', 'a', 'd'), 54, &hb_head,
	                  NULL) != NULL;
	hb_blob_destroy(hb_head);
	if (!head || t->nglyphs == 0 || t->nglyphs > 0xFFFF || t->upem < 16 ||
	    t->upem > 16384 || !has_table(t->face, HB_TAG('c', 'm', 'a', 'p')) ||
	    !has_table(t->face, HB_TAG('h', 'm', 't', 'x')))
		goto bad;
	if (has_table(t->face, HB_TAG('g', 'l', 'y', 'f'))) {
		if (!has_table(t->face, HB_TAG('l', 'o', 'c', 'a')))
			goto bad;
	} else {
		/* CFF outlines (not CFF2: variable) */
		hb_blob_t *b;
		unsigned len = 0;
		const uint8_t *d = table(t->face, TAG_CFF, 4, &b, &len);
		int rc = d ? pdf_cff_read(d, len, &t->cffinfo) : -1;
		hb_blob_destroy(b);
		if (rc || t->cffinfo.nglyphs != t->nglyphs)
			goto bad;
		t->cff = true;
	}
	t->hb = hb_font_create(t->face);
	hb_font_make_immutable(t->hb);
	read_psname(t);
	if (!t->psname[0])
		snprintf(t->psname, sizeof t->psname, "Font");
	descriptor(t);
	return 0;
bad:
	pdf_face_close(t);
	return -1;
}

unsigned pdf_face_glyph(const pdf_face *t, uint32_t cp)
{
	hb_codepoint_t g = 0;
	if (!hb_font_get_nominal_glyph(t->hb, cp, &g) || g >= t->nglyphs)
		return 0;
	return g;
}

int pdf_face_width(const pdf_face *t, unsigned g)
{
	if (g >= t->nglyphs)
		g = 0;
	hb_position_t a = hb_font_get_glyph_h_advance(t->hb, g);
	return (int)lround(a * 1000.0 / t->upem);
}

unsigned pdf_face_cid(const pdf_face *t, unsigned g)
{
	if (!t->cff || g >= t->nglyphs)
		return 0;
	return t->cffinfo.cid_keyed ? t->cffinfo.cid[g] : g;
}

void pdf_subset_free(pdf_subset *s)
{
	mc_buf_free(&s->data);
	free(s->newgid);
	s->newgid = NULL;
}

/* Tables a PDF font does not use: layout (the text is shaped already),
 * vertical metrics, variations, colour and bitmaps, the cmap (CIDs pick
 * the glyphs), device metrics and signatures. */
static const char drop_tags[][5] = {
	"GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern", "morx",
	"mort", "kerx", "feat", "trak", "ankr", "opbd", "prop", "bsln",
	"just", "lcar", "cmap", "vhea", "vmtx", "VORG", "DSIG", "gasp",
	"hdmx", "LTSH", "VDMX", "PCLT", "meta", "STAT", "fvar", "avar",
	"gvar", "cvar", "HVAR", "VVAR", "MVAR", "COLR", "CPAL", "CBDT",
	"CBLC", "EBDT", "EBLC", "EBSC", "sbix", "SVG ", "Glat", "Gloc",
	"Silf", "Sill"};
/* and for CFF faces, all but the CFF table */
static const char drop_cff_tags[][5] = {"hmtx", "hhea", "OS/2", "name",
                                        "post", "maxp"};

static hb_tag_t tag_of(const char *s)
{
	return HB_TAG(s[0], s[1], s[2], s[3]);
}

/* The subset's CFF shows each glyph at the CID pdf_face_cid gave it. */
static int check_cff(const pdf_face *t, const uint8_t *d, size_t len,
                     const uint16_t *gids, size_t n, const uint32_t *newgid,
                     const char **why)
{
	pdf_cff s;
	if (pdf_cff_read(d, len, &s)) {
		*why = "HarfBuzz made a CFF table this cannot read";
		return -1;
	}
	int rc = 0;
	if (s.cid_keyed != t->cffinfo.cid_keyed) {
		*why = "the subset's CFF is not keyed as the font's";
		rc = -1;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		unsigned want = pdf_face_cid(t, gids[i]);
		unsigned g = newgid[i];
		bool ok = s.cid_keyed ? g < s.nglyphs && s.cid[g] == want
		                      : g == want && g < s.nglyphs;
		if (!ok) {
			*why = "the subset's CFF does not show the glyphs at the "
			       "CIDs written in the pages";
			rc = -1;
		}
	}
	pdf_cff_free(&s);
	return rc;
}

/* hb-subset's plan (HarfBuzz 6), given glyph ids, walks the face's whole
 * cmap into a hash map to find every code point of the kept glyphs (for
 * the subset's OS/2): most of a subset's time.  Given instead no glyphs
 * and the code points, it looks up only those, keeping the same glyphs
 * and code points if every kept glyph but .notdef is the cmap's glyph of
 * one of them and they are exactly the code points whose glyph is kept.
 * keep_unicodes() finds them by reading the cmap subtable HarfBuzz reads
 * (its order of preference), walking it as its collect_mapping() does,
 * into `out`; it returns false, for the plan's own walk, wherever that
 * could differ: a symbol, Mac or other format of subtable, overlapping
 * or unsorted segments or records, a glyph out of range, a format 4
 * segment with both an idRangeOffset and an idDelta (collect_mapping
 * leaves the delta out, the lookup does not), a kept glyph no code
 * point maps to, or a code point HarfBuzz's own lookup maps elsewhere. */
typedef struct cmap_walk {
	const pdf_face *t;
	const uint8_t *keep;  /* bitmap of the kept glyphs */
	uint8_t *hit;         /* of those some code point maps to */
	size_t nhit;
	hb_set_t *out;
	bool ok;
} cmap_walk;

static void walk_map(cmap_walk *w, uint32_t cp, uint32_t g)
{
	if (g >= w->t->nglyphs) {
		w->ok = false;
		return;
	}
	if (!(w->keep[g >> 3] & (1u << (g & 7))))
		return;
	if (pdf_face_glyph(w->t, cp) != g) {
		w->ok = false;
		return;
	}
	hb_set_add(w->out, cp);
	if (!(w->hit[g >> 3] & (1u << (g & 7)))) {
		w->hit[g >> 3] |= (uint8_t)(1u << (g & 7));
		w->nhit++;
	}
}

static void walk_format4(cmap_walk *w, const unsigned char *d, size_t len)
{
	if (len < 14) {
		w->ok = false;
		return;
	}
	size_t sl = mc_be16(d + 2);
	if (sl < len)
		len = sl;
	size_t segs = mc_be16(d + 6) / 2;
	if (16 + 8 * segs > len) {
		w->ok = false;
		return;
	}
	const unsigned char *endc = d + 14, *startc = endc + 2 * segs + 2,
	                    *delta = startc + 2 * segs,
	                    *range = delta + 2 * segs, *ids = range + 2 * segs;
	size_t nids = (len - 16 - 8 * segs) / 2;
	size_t count = segs;
	if (count && mc_be16(startc + 2 * (count - 1)) == 0xFFFF)
		count--; /* the sentinel */
	uint32_t prev_end = 0;
	for (size_t i = 0; i < count && w->ok; i++) {
		uint32_t start = mc_be16(startc + 2 * i),
		         end = mc_be16(endc + 2 * i),
		         dl = mc_be16(delta + 2 * i),
		         ro = mc_be16(range + 2 * i);
		if (end < start || (i && start <= prev_end) ||
		    (ro && dl)) {
			w->ok = false;
			break;
		}
		prev_end = end;
		for (uint32_t cp = start; cp <= end && w->ok; cp++) {
			uint32_t g;
			if (!ro) {
				g = (cp + dl) & 0xFFFF;
			} else {
				size_t k = ro / 2 + (cp - start) + i - segs;
				if (k >= nids)
					break;
				g = mc_be16(ids + 2 * k);
			}
			if (g)
				walk_map(w, cp, g);
		}
	}
}

static void walk_format12(cmap_walk *w, const unsigned char *d, size_t len)
{
	if (len < 16 || (size_t)mc_be32(d + 4) > len) {
		w->ok = false;
		return;
	}
	len = mc_be32(d + 4);
	size_t ng = mc_be32(d + 12);
	if (ng > (len - 16) / 12) {
		w->ok = false;
		return;
	}
	for (size_t i = 0; i < ng && w->ok; i++) {
		const unsigned char *r = d + 16 + 12 * i;
		uint32_t start = mc_be32(r), end = mc_be32(r + 4),
		         g = mc_be32(r + 8);
		if (end < start || end > 0x10FFFF || !g ||
		    (i && start <= mc_be32(r - 12 + 4)) ||
		    (uint64_t)g + (end - start) >= w->t->nglyphs) {
			w->ok = false;
			break;
		}
		for (uint32_t cp = start; cp <= end && w->ok; cp++)
			walk_map(w, cp, g + (cp - start));
	}
}

static bool keep_unicodes(const pdf_face *t, const uint8_t *keep,
                          size_t nkeep, hb_set_t *out)
{
	hb_blob_t *b = hb_face_reference_table(t->face, HB_TAG('c','m','a','p'));
	unsigned blen = 0;
	const unsigned char *d =
		(const unsigned char *)hb_blob_get_data(b, &blen);
	cmap_walk w = {t, keep, NULL, 0, out, false};
	size_t nrec = d && blen >= 4 ? mc_be16(d + 2) : 0;
	if (!nrec || 4 + 8 * nrec > blen)
		goto out;
	/* HarfBuzz's preference; a symbol (3,0) subtable comes first */
	static const uint16_t pref[][2] = {{3, 0}, {3, 10}, {0, 6}, {0, 4},
	                                   {3, 1}, {0, 3}, {0, 2}, {0, 1},
	                                   {0, 0}};
	size_t off = 0, pi = 0;
	uint32_t last = 0;
	for (size_t i = 0; i < nrec; i++) { /* sorted, each once */
		uint32_t key = mc_be32(d + 4 + 8 * i) ;
		if (i && key <= last)
			goto out;
		last = key;
	}
	for (pi = 0; pi < sizeof pref / sizeof *pref && !off; pi++)
		for (size_t i = 0; i < nrec; i++)
			if (mc_be16(d + 4 + 8 * i) == pref[pi][0] &&
			    mc_be16(d + 6 + 8 * i) == pref[pi][1])
				off = mc_be32(d + 8 + 8 * i);
	if (!off || pi == 1 || off + 4 > blen)
		goto out; /* none, or symbol */
	w.hit = mc_xcalloc(t->nglyphs / 8 + 1, 1);
	w.ok = true;
	unsigned fmt = mc_be16(d + off);
	if (fmt == 4)
		walk_format4(&w, d + off, blen - off);
	else if (fmt == 12)
		walk_format12(&w, d + off, blen - off);
	else
		w.ok = false;
	w.ok = w.ok && w.nhit == nkeep &&
	       hb_set_get_population(out) < t->nglyphs;
out:
	free(w.hit);
	hb_blob_destroy(b);
	return w.ok;
}

int pdf_face_subset(const pdf_face *t, const uint16_t *gids, size_t n,
                    pdf_subset *out, const char **why)
{
	memset(out, 0, sizeof *out);
	out->newgid = mc_xcalloc(n ? n : 1, sizeof *out->newgid);
	*why = "HarfBuzz could not subset it";
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	hb_subset_plan_t *plan = NULL;
	hb_face_t *sub = NULL;
	hb_blob_t *blob = NULL;
	uint8_t *keep = NULL;
	int rc = -1;
	if (!in)
		goto out;
	keep = mc_xcalloc(t->nglyphs / 8 + 1, 1);
	size_t nkeep = 0; /* but .notdef */
	for (size_t i = 0; i < n; i++) {
		unsigned g = gids[i];
		if (g >= t->nglyphs) {
			*why = "a glyph number is out of range";
			goto out;
		}
		if (g && !(keep[g >> 3] & (1u << (g & 7)))) {
			keep[g >> 3] |= (uint8_t)(1u << (g & 7));
			nkeep++;
		}
	}
	hb_set_t *us = hb_subset_input_unicode_set(in);
	/* (a whole face, the form fields' font, has glyphs no code point
	 * maps to: not worth the walk) */
	if (nkeep + 1 >= t->nglyphs || !keep_unicodes(t, keep, nkeep, us)) {
		hb_set_clear(us);
		hb_set_t *gs = hb_subset_input_glyph_set(in);
		hb_set_add(gs, 0);
		for (size_t i = 0; i < n; i++)
			hb_set_add(gs, gids[i]);
	}
	hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
	for (size_t i = 0; i < sizeof drop_tags / sizeof *drop_tags; i++)
		hb_set_add(drop, tag_of(drop_tags[i]));
	unsigned flags = HB_SUBSET_FLAGS_NO_HINTING;
	if (t->cff) {
		for (size_t i = 0;
		     i < sizeof drop_cff_tags / sizeof *drop_cff_tags; i++)
			hb_set_add(drop, tag_of(drop_cff_tags[i]));
		/* charstrings without subroutines deflate better: Noto
		 * Sans CJK JP subsets of 20, 300 and 3000 glyphs came out
		 * 2, 4 and 6% smaller in the PDF than with the subroutines
		 * hb-subset keeps */
		flags |= HB_SUBSET_FLAGS_DESUBROUTINIZE;
		/* a name-keyed CFF is shown by glyph number: keep them */
		if (!t->cffinfo.cid_keyed)
			flags |= HB_SUBSET_FLAGS_RETAIN_GIDS;
	}
	hb_subset_input_set_flags(in, flags);
	plan = hb_subset_plan_create_or_fail(t->face, in);
	if (!plan)
		goto out;
	const hb_map_t *map = hb_subset_plan_old_to_new_glyph_mapping(plan);
	for (size_t i = 0; i < n; i++) {
		hb_codepoint_t g = hb_map_get(map, gids[i]);
		if (g == HB_MAP_VALUE_INVALID || g > 0xFFFF) {
			*why = "HarfBuzz left out a glyph";
			goto out;
		}
		out->newgid[i] = g;
	}
	sub = hb_subset_plan_execute_or_fail(plan);
	if (!sub)
		goto out;
	blob = hb_face_reference_blob(sub);
	if (t->cff) {
		hb_blob_destroy(blob);
		blob = hb_face_reference_table(sub, TAG_CFF);
	}
	unsigned len = 0;
	const char *d = hb_blob_get_data(blob, &len);
	if (!d || len < 4)
		goto out;
	if (t->cff && check_cff(t, (const uint8_t *)d, len, gids, n,
	                        out->newgid, why))
		goto out;
	mc_buf_put(&out->data, d, len);
	rc = 0;
out:
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	hb_subset_plan_destroy(plan);
	hb_subset_input_destroy(in);
	free(keep);
	return rc;
}
