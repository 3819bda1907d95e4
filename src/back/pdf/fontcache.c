/*
 * fontcache.c - fontconfig's answers kept between runs (see fontcache.h).
 *
 * The file (framed as cachefile.h says) holds:
 *   key     the bytes of what fontconfig reads besides files: its
 *           version, the program name and the environment (key_of)
 *   deps    paths with their stat() (or "missing"): configuration files,
 *           font directories, user configuration that could exist, and
 *           the font files answered
 *   faces   path, index and coverage (charset pages) of each face
 *   matches family, style -> face, exact
 *   searches code point, language -> face
 * Nothing here is kept between calls: every call works on its own
 * buffers.
 */
#include "fontcache.h"
#include "cachefile.h"
#include "fc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../util/arena.h"
#include "../../util/bytes.h"

#define MAGIC "MCFONTC\n"
#define FORMAT 5 /* 3: cachefile.c's entries per key; 4: the library file
                  * a dependency, not FcGetVersion in the key; 5: CRC-32
                  * sums */
#define MAX_SEARCHES 65536u /* answers per code point written at most */

/* ---- the key: what fontconfig reads besides files ---- */

static const char *const env_names[] = {
	"FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT",
	"HOME",            "XDG_CONFIG_HOME", "XDG_DATA_HOME",
	"XDG_DATA_DIRS",   "FC_LANG",         "LC_ALL",
	"LC_CTYPE",        "LANG",            "LD_LIBRARY_PATH",
};

static void key_of(mc_buf *b)
{
	/* (fontconfig's version: its library file, a dependency, and the
	 * variables that choose which one is loaded) */
	/* configurations may test the program's name (fontconfig takes it
	 * from /proc/self/exe) */
	char exe[4096];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
	pcf_put_bytes(b, exe, l > 0 ? (size_t)l : 0);
	for (size_t i = 0; i < sizeof env_names / sizeof *env_names; i++) {
		const char *v = getenv(env_names[i]);
		pcf_put_u32(b, v ? 1 : 0);
		pcf_put_str(b, v ? v : "");
	}
}

/* ---- dependencies: paths and their status ---- */

/* path's dependency record, counted in *n */
static void put_dep(mc_buf *b, const char *path, uint32_t *n)
{
	pcf_put_dep(b, path);
	(*n)++;
}

static void put_list(mc_buf *b, FcStrList *l, uint32_t *n)
{
	if (!l)
		return;
	FcChar8 *s;
	while ((s = FC(FcStrListNext)(l)))
		put_dep(b, (const char *)s, n);
	FC(FcStrListDone)(l);
}

/* dir/name into out (n bytes), or "" if it does not fit or dir is
 * unset. */
static void join(char *out, size_t n, const char *dir, const char *name)
{
	out[0] = 0;
	if (!dir || !dir[0])
		return;
	int w = snprintf(out, n, "%s/%s", dir, name);
	if (w < 0 || (size_t)w >= n)
		out[0] = 0;
}

/* The user's configuration fontconfig reads when it exists (its
 * fonts.conf includes these, ignoring them when missing, so they are not
 * in its list of files read): their creation must show. */
static void put_user_conf(mc_buf *b, uint32_t *n)
{
	const char *home = getenv("HOME");
	const char *xc = getenv("XDG_CONFIG_HOME");
	char cfg[4096], p[4096];
	if (xc && xc[0])
		join(cfg, sizeof cfg, xc, "fontconfig");
	else
		join(cfg, sizeof cfg, home, ".config/fontconfig");
	static const char *const under_cfg[] = {"", "fonts.conf", "conf.d"};
	if (cfg[0])
		for (size_t i = 0; i < 3; i++) {
			if (under_cfg[i][0])
				join(p, sizeof p, cfg, under_cfg[i]);
			else
				snprintf(p, sizeof p, "%s", cfg);
			if (p[0])
				put_dep(b, p, n);
		}
	static const char *const under_home[] = {".fonts.conf",
	                                         ".fonts.conf.d"};
	for (size_t i = 0; i < 2; i++) {
		join(p, sizeof p, home, under_home[i]);
		if (p[0])
			put_dep(b, p, n);
	}
}

/* ---- the path ---- */

int pdf_fontcache_path(char *out, size_t n)
{
	return pcf_path(PCF_FONTS, out, n);
}

/* ---- load ---- */

void pdf_fontcache_free(pfc_data *d)
{
	for (size_t i = 0; i < d->nfaces; i++) {
		free(d->faces[i].path);
		free(d->faces[i].pages);
	}
	free(d->faces);
	for (size_t i = 0; i < d->nmatches; i++)
		free(d->matches[i].family);
	free(d->matches);
	free(d->searches);
	pdf_fontcache_deps_free(&d->deps);
	memset(d, 0, sizeof *d);
}

#define PAGE_BYTES PFC_PAGE

/* A face's coverage pages, checked and copied into f. */
static void get_pages(pcf_rd *r, pfc_face *f)
{
	uint32_t np = pcf_get_u32(r);
	if (r->bad || np > r->n / PAGE_BYTES) {
		r->bad = true;
		return;
	}
	size_t len = (size_t)np * PAGE_BYTES;
	for (uint32_t i = 0; i < np; i++) { /* (increasing: searched) */
		uint32_t base = mc_le32(r->p + (size_t)i * PAGE_BYTES);
		if (base & 0xff || base > 0x10ff00 ||
		    (i && base <= mc_le32(r->p + (size_t)(i - 1) * PAGE_BYTES)))
			r->bad = true;
	}
	if (r->bad)
		return;
	f->pages = mc_xmalloc(len ? len : 1);
	memcpy(f->pages, r->p, len);
	f->npages = np;
	r->p += len;
	r->n -= len;
}

bool pdf_cover_has(const pdf_cover *cover, uint32_t cp)
{
	uint32_t base = cp & ~0xffu, lo = 0, hi = cover->npages;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const unsigned char *p = cover->pages + (size_t)mid * PAGE_BYTES;
		uint32_t b = mc_le32(p);
		if (b == base)
			return mc_le32(p + 4 + 4 * ((cp & 0xff) >> 5)) >>
			               (cp & 31) & 1;
		if (b < base)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

void pdf_fontcache_pages(const FcCharSet *cs, unsigned char **pages,
                         uint32_t *npages)
{
	mc_buf b = MC_BUF_INIT;
	uint32_t np = 0;
	FcChar32 map[FC_CHARSET_MAP_SIZE], next;
	for (FcChar32 base = FC(FcCharSetFirstPage)(cs, map, &next);
	     base != FC_CHARSET_DONE;
	     base = FC(FcCharSetNextPage)(cs, map, &next)) {
		pcf_put_u32(&b, base);
		for (int w = 0; w < FC_CHARSET_MAP_SIZE; w++)
			pcf_put_u32(&b, map[w]);
		np++;
	}
	*pages = b.data ? (unsigned char *)b.data : mc_xmalloc(1);
	*npages = np;
}

bool pdf_fontcache_deps_valid(const pfc_deps *deps)
{
	pcf_rd r = {(const unsigned char *)deps->recs.data, deps->recs.len, false};
	return pcf_check_deps(&r, deps->n) && r.n == 0;
}

void pdf_fontcache_deps_free(pfc_deps *deps)
{
	mc_buf_free(&deps->recs);
	deps->n = 0;
}

void pdf_fontcache_config_deps(FcConfig *cfg, pfc_deps *out)
{
	mc_buf_clear(&out->recs);
	out->n = 0;
	put_list(&out->recs, FC(FcConfigGetConfigFiles)(cfg), &out->n);
	put_list(&out->recs, FC(FcConfigGetFontDirs)(cfg), &out->n);
	put_user_conf(&out->recs, &out->n);
	/* the library that answered (fc.h): another version, another file */
	char lib[4096];
	pdf_fc_path(lib, sizeof lib);
	if (lib[0])
		put_dep(&out->recs, lib, &out->n);
}

static int parse(pcf_rd *r, pfc_data *d)
{
	/* the key */
	mc_buf key = MC_BUF_INIT;
	key_of(&key);
	size_t kl = 0;
	const unsigned char *k = pcf_get_bytes(r, &kl);
	bool same = k && kl == key.len && !memcmp(k, key.data, kl);
	mc_buf_free(&key);
	if (!same)
		return -1;
	/* the files it depends on, as they were */
	uint32_t nd = pcf_get_u32(r);
	const unsigned char *at = r->p;
	if (r->bad || !pcf_check_deps(r, nd))
		return -1;
	mc_buf_put(&d->deps.recs, at, (size_t)(r->p - at));
	d->deps.n = nd;
	/* the answers */
	uint32_t nf = pcf_get_u32(r);
	if (r->bad || nf > r->n / 12)
		return -1;
	d->faces = mc_xcalloc(nf ? nf : 1, sizeof *d->faces);
	for (uint32_t i = 0; i < nf && !r->bad; i++) {
		pfc_face *f = &d->faces[d->nfaces++];
		f->path = pcf_get_str(r);
		f->index = (int)pcf_get_u32(r);
		get_pages(r, f);
	}
	uint32_t nm = pcf_get_u32(r);
	if (r->bad || nm > r->n / 12)
		return -1;
	d->matches = mc_xcalloc(nm ? nm : 1, sizeof *d->matches);
	for (uint32_t i = 0; i < nm && !r->bad; i++) {
		pfc_match *m = &d->matches[d->nmatches++];
		m->family = pcf_get_str(r);
		uint32_t fl = pcf_get_u32(r);
		m->bold = fl & 1;
		m->italic = fl & 2;
		m->exact = fl & 4;
		m->face = (int)pcf_get_u32(r);
		if (m->face < -1 || m->face >= (int)nf)
			r->bad = true;
	}
	uint32_t ns = pcf_get_u32(r);
	if (r->bad || ns > r->n / 12)
		return -1;
	d->searches = mc_xcalloc(ns ? ns : 1, sizeof *d->searches);
	for (uint32_t i = 0; i < ns && !r->bad; i++) {
		pfc_search *s = &d->searches[d->nsearches++];
		s->cp = pcf_get_u32(r);
		size_t ll = 0;
		const unsigned char *lang = pcf_get_bytes(r, &ll);
		if (!lang || ll >= sizeof s->lang || memchr(lang, 0, ll)) {
			r->bad = true;
			break;
		}
		memcpy(s->lang, lang, ll);
		s->lang[ll] = 0;
		s->face = (int)pcf_get_u32(r);
		if (s->face < -1 || s->face >= (int)nf)
			r->bad = true;
	}
	return r->bad || r->n ? -1 : 0;
}

int pdf_fontcache_load(const char *path, pfc_data *d)
{
	memset(d, 0, sizeof *d);
	unsigned char *buf = NULL;
	pcf_rd r;
	mc_buf key = MC_BUF_INIT;
	key_of(&key);
	int rc = pcf_load(path, MAGIC, FORMAT, &key, &buf, &r);
	mc_buf_free(&key);
	if (rc)
		return -1;
	rc = parse(&r, d);
	free(buf);
	if (rc)
		pdf_fontcache_free(d);
	return rc;
}

/* ---- save ---- */

static void put_charset(mc_buf *b, const pfc_face *f)
{
	pcf_put_u32(b, f->npages);
	mc_buf_put(b, f->pages, (size_t)f->npages * PAGE_BYTES);
}

int pdf_fontcache_save(const char *path, const pfc_deps *cfgdeps,
                       const pfc_data *d)
{
	mc_buf b = MC_BUF_INIT;
	mc_buf key = MC_BUF_INIT;
	key_of(&key);
	pcf_put_bytes(&b, key.data, key.len);
	size_t at = b.len;
	uint32_t nd = cfgdeps->n;
	pcf_put_u32(&b, 0); /* the number of dependencies, filled in below */
	mc_buf_put(&b, cfgdeps->recs.data, cfgdeps->recs.len);
	for (size_t i = 0; i < d->nfaces; i++)
		put_dep(&b, d->faces[i].path, &nd);
	for (int i = 0; i < 4; i++)
		b.data[at + (size_t)i] = (char)(nd >> (8 * i));
	pcf_put_u32(&b, (uint32_t)d->nfaces);
	for (size_t i = 0; i < d->nfaces; i++) {
		pcf_put_str(&b, d->faces[i].path);
		pcf_put_u32(&b, (uint32_t)d->faces[i].index);
		put_charset(&b, &d->faces[i]);
	}
	pcf_put_u32(&b, (uint32_t)d->nmatches);
	for (size_t i = 0; i < d->nmatches; i++) {
		const pfc_match *m = &d->matches[i];
		pcf_put_str(&b, m->family);
		pcf_put_u32(&b, (m->bold ? 1u : 0) | (m->italic ? 2u : 0) |
		                (m->exact ? 4u : 0));
		pcf_put_u32(&b, (uint32_t)m->face);
	}
	size_t ns = d->nsearches < MAX_SEARCHES ? d->nsearches : MAX_SEARCHES;
	pcf_put_u32(&b, (uint32_t)ns);
	for (size_t i = 0; i < ns; i++) {
		pcf_put_u32(&b, d->searches[i].cp);
		pcf_put_str(&b, d->searches[i].lang);
		pcf_put_u32(&b, (uint32_t)d->searches[i].face);
	}
	int rc = pcf_save(path, MAGIC, FORMAT, &key, &b);
	mc_buf_free(&key);
	mc_buf_free(&b);
	return rc;
}
