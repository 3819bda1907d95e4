/*
 * cache.c - the PDF backend's run cache (see cache.h).
 *
 * Entries are added, never changed or removed until pdf_cache_destroy(),
 * and each is allocated on its own, so a pointer handed out stays valid
 * while other threads add more.  One mutex guards the lists and every
 * fontconfig call (its configuration is shared).
 *
 * fontconfig is initialised only when a question has no answer yet: the
 * answers of earlier runs come from the file fontcache.c keeps (read when
 * the cache is made, if still valid), and the file is rewritten when the
 * cache is destroyed if fontconfig had to answer anything new.
 */
#define _GNU_SOURCE /* dladdr */
#include "cache.h"
#include "../backend.h"
#include "cachefile.h"
#include "fc.h"
#include "fontcache.h"
#include "hyph.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../../theme/theme.h"
#include "../../util/arena.h"

typedef struct face {
	size_t id; /* its place in pdf_cache.faces */
	char *path;
	int index;
	unsigned char *pages; /* its coverage (pdf_cover, fontcache.h) */
	uint32_t npages;
	bool parsed, ok; /* file read (ok: successfully) */
	pdf_face face;
	/* bytes derived from it (pdf_cache_derived): one kind, dkind */
	const char *dkind;
	mc_buf derived;
	bool dtried;
	int drc;
	const char *dwhy;
} face;

typedef struct match_ent {
	char *family;
	bool bold, italic, exact;
	face *f; /* NULL: no usable face */
} match_ent;

/* A pattern file, loaded the first time a language needs it. */
typedef struct hyph_file {
	char *path;
	bool tried;
	pdf_hyph *h;      /* NULL: it could not be loaded, */
	const char *why;  /* because of this */
} hyph_file;

/* What a language tag (as written) hyphenates with. */
typedef struct hyph_lang {
	char *lang;
	hyph_file *f;        /* NULL: no file for it */
	const char *package; /* then: the package that has it, or NULL */
} hyph_lang;

typedef struct search_ent {
	uint32_t cp;
	char lang[16]; /* fontconfig's form of the language asked for */
	face *f; /* NULL: none */
} search_ent;

struct pdf_cache {
	pthread_mutex_t mu;
	FcConfig *cfg;    /* NULL until a question needs fontconfig */
	bool fc_tried;    /* it was initialised (cfg NULL: that failed) */
	bool dirty;       /* fontconfig answered something new */
	char *store;      /* the file of answers (fontcache.h), or NULL */
	pfc_deps loaded;  /* what the answers read from it were valid
	                     against (n == 0: none were read) */
	pfc_deps cfgdeps; /* what fontconfig read, when it was initialised */
	face **faces;
	size_t nfaces, capfaces;
	match_ent *matches;
	size_t nmatches, capmatches;
	search_ent *searches;
	size_t nsearches, capsearches;
	hyph_file **hfiles;
	size_t nhfiles, caphfiles;
	hyph_lang *hlangs;
	size_t nhlangs, caphlangs;
};

#define GROW(arr, n, cap)                                                  \
	do {                                                               \
		if ((n) >= (cap)) {                                        \
			(cap) = (cap) ? (cap) * 2 : 16;                    \
			(arr) = mc_xrealloc((arr), (cap) * sizeof *(arr)); \
		}                                                          \
	} while (0)

static char *dup_str(const char *s)
{
	size_t l = strlen(s);
	char *d = mc_xmalloc(l + 1);
	memcpy(d, s, l + 1);
	return d;
}

/* The face records of the answers in d. */
static face **faces_of(pdf_cache *k, pfc_data *d)
{
	face **fs = mc_xcalloc(d->nfaces ? d->nfaces : 1, sizeof *fs);
	for (size_t i = 0; i < d->nfaces; i++) {
		face *f = mc_xcalloc(1, sizeof *f);
		f->id = k->nfaces;
		f->path = d->faces[i].path;
		f->index = d->faces[i].index;
		f->pages = d->faces[i].pages;
		f->npages = d->faces[i].npages;
		d->faces[i].path = NULL;
		d->faces[i].pages = NULL;
		GROW(k->faces, k->nfaces, k->capfaces);
		k->faces[k->nfaces++] = f;
		fs[i] = f;
	}
	return fs;
}

/* Take the answers of earlier runs from the store, if it is valid. */
static void load_store(pdf_cache *k)
{
	char path[4096];
	if (pdf_fontcache_path(path, sizeof path))
		return;
	k->store = dup_str(path);
	pfc_data d;
	if (pdf_fontcache_load(path, &d))
		return;
	face **fs = faces_of(k, &d);
	for (size_t i = 0; i < d.nmatches; i++) {
		GROW(k->matches, k->nmatches, k->capmatches);
		match_ent *e = &k->matches[k->nmatches++];
		e->family = d.matches[i].family;
		d.matches[i].family = NULL;
		e->bold = d.matches[i].bold;
		e->italic = d.matches[i].italic;
		e->exact = d.matches[i].exact;
		e->f = d.matches[i].face < 0 ? NULL : fs[d.matches[i].face];
	}
	for (size_t i = 0; i < d.nsearches; i++) {
		GROW(k->searches, k->nsearches, k->capsearches);
		search_ent *e = &k->searches[k->nsearches++];
		e->cp = d.searches[i].cp;
		memcpy(e->lang, d.searches[i].lang, sizeof e->lang);
		e->f = d.searches[i].face < 0 ? NULL : fs[d.searches[i].face];
	}
	free(fs);
	k->loaded = d.deps;
	memset(&d.deps, 0, sizeof d.deps);
	pdf_fontcache_free(&d);
}

/* Write the answers to the store (best-effort, silent): unless a file
 * they depend on changed since they were given (fontconfig's answers
 * would then be of an older set-up than the file's key; the next run
 * finds the stored file stale and asks again). */
static void save_store(pdf_cache *k)
{
	if ((k->loaded.n && !pdf_fontcache_deps_valid(&k->loaded)) ||
	    !pdf_fontcache_deps_valid(&k->cfgdeps))
		return;
	pfc_data d = {0};
	d.faces = mc_xcalloc(k->nfaces ? k->nfaces : 1, sizeof *d.faces);
	for (size_t i = 0; i < k->nfaces; i++) {
		d.faces[i].path = k->faces[i]->path;
		d.faces[i].index = k->faces[i]->index;
		d.faces[i].pages = k->faces[i]->pages;
		d.faces[i].npages = k->faces[i]->npages;
	}
	d.nfaces = k->nfaces;
	d.matches = mc_xcalloc(k->nmatches ? k->nmatches : 1,
	                       sizeof *d.matches);
	for (size_t i = 0; i < k->nmatches; i++) {
		const match_ent *e = &k->matches[i];
		d.matches[i] = (pfc_match){e->family, e->bold, e->italic,
		                           e->exact, e->f ? (int)e->f->id : -1};
	}
	d.nmatches = k->nmatches;
	d.searches = mc_xcalloc(k->nsearches ? k->nsearches : 1,
	                        sizeof *d.searches);
	for (size_t i = 0; i < k->nsearches; i++) {
		const search_ent *e = &k->searches[i];
		d.searches[i].cp = e->cp;
		memcpy(d.searches[i].lang, e->lang, sizeof e->lang);
		d.searches[i].face = e->f ? (int)e->f->id : -1;
	}
	d.nsearches = k->nsearches;
	(void)pdf_fontcache_save(k->store, &k->cfgdeps, &d); /* best-effort */
	free(d.faces);
	free(d.matches);
	free(d.searches);
}

pdf_cache *pdf_cache_create(void)
{
	pdf_cache *k = mc_xcalloc(1, sizeof *k);
	if (pthread_mutex_init(&k->mu, NULL)) {
		free(k);
		return NULL;
	}
	load_store(k);
	return k;
}

/* fontconfig, initialised the first time a question needs it (lock
 * held); NULL if it cannot be. */
static FcConfig *config(pdf_cache *k)
{
	if (!k->fc_tried) {
		k->fc_tried = true;
		/* a configuration of our own, not fontconfig's global one */
		k->cfg = pdf_fc() ? FC(FcInitLoadConfigAndFonts)() : NULL;
		if (k->cfg && k->store)
			pdf_fontcache_config_deps(k->cfg, &k->cfgdeps);
	}
	return k->cfg;
}

bool pdf_cache_failed(pdf_cache *k)
{
	pthread_mutex_lock(&k->mu);
	bool failed = k->fc_tried && !k->cfg;
	pthread_mutex_unlock(&k->mu);
	return failed;
}

void pdf_cache_destroy(pdf_cache *k)
{
	if (!k)
		return;
	if (k->dirty && k->cfg && k->store)
		save_store(k);
	free(k->store);
	pdf_fontcache_deps_free(&k->loaded);
	pdf_fontcache_deps_free(&k->cfgdeps);
	for (size_t i = 0; i < k->nfaces; i++) {
		face *f = k->faces[i];
		if (f->ok)
			pdf_face_close(&f->face);
		free(f->pages);
		free(f->path);
		mc_buf_free(&f->derived);
		free(f);
	}
	free(k->faces);
	for (size_t i = 0; i < k->nmatches; i++)
		free(k->matches[i].family);
	free(k->matches);
	free(k->searches);
	for (size_t i = 0; i < k->nhfiles; i++) {
		pdf_hyph_free(k->hfiles[i]->h);
		free(k->hfiles[i]->path);
		free(k->hfiles[i]);
	}
	free(k->hfiles);
	for (size_t i = 0; i < k->nhlangs; i++)
		free(k->hlangs[i].lang);
	free(k->hlangs);
	if (k->cfg)
		FC(FcConfigDestroy)(k->cfg);
	pthread_mutex_destroy(&k->mu);
	free(k);
}

/* Is this face one we can embed?  OpenType with TrueType or CFF
 * outlines, not colour, and not a variable CFF (CFF2). */
static bool usable(FcPattern *p)
{
	FcChar8 *fmt = NULL, *file = NULL;
	FcBool b = FcFalse;
	if (FC(FcPatternGetString)(p, FC_FILE, 0, &file) != FcResultMatch)
		return false;
	bool cff = false;
	if (FC(FcPatternGetString)(p, FC_FONTFORMAT, 0, &fmt) == FcResultMatch) {
		cff = !strcmp((const char *)fmt, "CFF");
		if (!cff && strcmp((const char *)fmt, "TrueType") != 0)
			return false;
	}
	if (FC(FcPatternGetBool)(p, FC_COLOR, 0, &b) == FcResultMatch && b)
		return false;
	if (cff && FC(FcPatternGetBool)(p, FC_VARIABLE, 0, &b) == FcResultMatch &&
	    b)
		return false;
	const char *dot = strrchr((const char *)file, '.');
	return dot && (!strcasecmp(dot, ".ttf") || !strcasecmp(dot, ".ttc") ||
	               !strcasecmp(dot, ".otf") || !strcasecmp(dot, ".otc"));
}

/* The face record of a matched pattern (lock held). */
static face *face_of(pdf_cache *k, FcPattern *p)
{
	FcChar8 *file = NULL;
	int index = 0;
	FC(FcPatternGetString)(p, FC_FILE, 0, &file);
	FC(FcPatternGetInteger)(p, FC_INDEX, 0, &index);
	for (size_t i = 0; i < k->nfaces; i++)
		if (k->faces[i]->index == index &&
		    !strcmp(k->faces[i]->path, (const char *)file))
			return k->faces[i];
	face *f = mc_xcalloc(1, sizeof *f);
	f->id = k->nfaces;
	size_t l = strlen((const char *)file);
	f->path = mc_xmalloc(l + 1);
	memcpy(f->path, file, l + 1);
	f->index = index;
	FcCharSet *cs = NULL;
	if (FC(FcPatternGetCharSet)(p, FC_CHARSET, 0, &cs) == FcResultMatch)
		pdf_fontcache_pages(cs, &f->pages, &f->npages);
	else
		f->pages = mc_xmalloc(1); /* (no coverage) */
	GROW(k->faces, k->nfaces, k->capfaces);
	k->faces[k->nfaces++] = f;
	return f;
}

/* (lock held) */
static void ref_of(face *f, pdf_face_ref *out)
{
	out->path = f->path;
	out->index = f->index;
	out->cover = (pdf_cover){f->pages, f->npages};
}

/* fontconfig's match (lock held); *exact as in pdf_cache_match. */
static face *do_match(pdf_cache *k, const char *family, bool bold,
                      bool italic, bool *exact)
{
	*exact = false;
	if (!config(k))
		return NULL;
	k->dirty = true;
	FcPattern *pat = FC(FcPatternCreate)();
	if (!pat)
		return NULL;
	FC(FcPatternAddString)(pat, FC_FAMILY, (const FcChar8 *)family);
	FC(FcPatternAddInteger)(pat, FC_WEIGHT,
	                    bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
	FC(FcPatternAddInteger)(pat, FC_SLANT,
	                    italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
	FC(FcPatternAddBool)(pat, FC_SCALABLE, FcTrue);
	FC(FcConfigSubstitute)(k->cfg, pat, FcMatchPattern);
	FC(FcDefaultSubstitute)(pat);
	FcResult res;
	FcPattern *m = FC(FcFontMatch)(k->cfg, pat, &res);
	FC(FcPatternDestroy)(pat);
	if (!m)
		return NULL;
	FcChar8 *got = NULL;
	*exact = false;
	for (int i = 0; FC(FcPatternGetString)(m, FC_FAMILY, i, &got) ==
	                FcResultMatch; i++)
		if (!strcasecmp((const char *)got, family))
			*exact = true;
	face *f = usable(m) ? face_of(k, m) : NULL;
	FC(FcPatternDestroy)(m);
	return f;
}

int pdf_cache_match(pdf_cache *k, const char *family, bool bold,
                    bool italic, pdf_face_ref *out, bool *exact)
{
	pthread_mutex_lock(&k->mu);
	match_ent *e = NULL;
	for (size_t i = 0; i < k->nmatches && !e; i++)
		if (k->matches[i].bold == bold &&
		    k->matches[i].italic == italic &&
		    !strcmp(k->matches[i].family, family))
			e = &k->matches[i];
	if (!e) {
		GROW(k->matches, k->nmatches, k->capmatches);
		e = &k->matches[k->nmatches++];
		memset(e, 0, sizeof *e);
		size_t l = strlen(family);
		e->family = mc_xmalloc(l + 1);
		memcpy(e->family, family, l + 1);
		e->bold = bold;
		e->italic = italic;
		e->f = do_match(k, family, bold, italic, &e->exact);
	}
	int rc = -1;
	if (e->f) {
		ref_of(e->f, out);
		*exact = e->exact;
		rc = 0;
	}
	pthread_mutex_unlock(&k->mu);
	return rc;
}

/* A BCP 47 tag as fontconfig names languages, into out (16 bytes): the
 * primary subtag in lower case, and for Chinese the orthography
 * fontconfig tells apart (zh-cn, zh-tw, zh-hk, ...); "" for none. */
static void fc_lang(const char *tag, char out[16])
{
	char t[32];
	size_t n = 0;
	out[0] = 0;
	if (!tag)
		return;
	for (; tag[n] && n + 1 < sizeof t; n++) {
		char ch = tag[n];
		t[n] = ch == '_' ? '-' : (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32)
		                                                   : ch;
	}
	t[n] = 0;
	size_t p = strcspn(t, "-");
	if (p == 0 || p > 8)
		return;
	if (p == 2 && !strncmp(t, "zh", 2)) {
		const char *v = "zh-cn";
		if (strstr(t, "-hk") || strstr(t, "-mo"))
			v = "zh-hk";
		else if (strstr(t, "-hant") || strstr(t, "-tw"))
			v = "zh-tw";
		else if (strstr(t, "-sg"))
			v = "zh-sg";
		memcpy(out, v, strlen(v) + 1);
		return;
	}
	memcpy(out, t, p);
	out[p] = 0;
}

/* fontconfig's ranking of faces for cp in language lang (fontconfig's
 * form, "" for none; lock held). */
static face *do_search(pdf_cache *k, uint32_t cp, const char *lang)
{
	if (!config(k))
		return NULL;
	k->dirty = true;
	FcPattern *pat = FC(FcPatternCreate)();
	FcCharSet *cs = FC(FcCharSetCreate)();
	face *found = NULL;
	if (!pat || !cs)
		goto out;
	FC(FcCharSetAddChar)(cs, cp);
	FC(FcPatternAddCharSet)(pat, FC_CHARSET, cs);
	FC(FcPatternAddBool)(pat, FC_SCALABLE, FcTrue);
	FC(FcPatternAddString)(pat, FC_FAMILY, (const FcChar8 *)"sans-serif");
	if (lang[0])
		FC(FcPatternAddString)(pat, FC_LANG, (const FcChar8 *)lang);
	FC(FcConfigSubstitute)(k->cfg, pat, FcMatchPattern);
	FC(FcDefaultSubstitute)(pat);
	FcResult res;
	FcFontSet *set = FC(FcFontSort)(k->cfg, pat, FcFalse, NULL, &res);
	if (set) {
		for (int i = 0; i < set->nfont && !found; i++) {
			FcPattern *m = set->fonts[i];
			FcCharSet *mcs = NULL;
			if (FC(FcPatternGetCharSet)(m, FC_CHARSET, 0, &mcs) !=
			            FcResultMatch ||
			    !FC(FcCharSetHasChar)(mcs, cp) || !usable(m))
				continue;
			found = face_of(k, m);
		}
		FC(FcFontSetDestroy)(set);
	}
out:
	if (pat)
		FC(FcPatternDestroy)(pat);
	if (cs)
		FC(FcCharSetDestroy)(cs);
	return found;
}

int pdf_cache_search(pdf_cache *k, uint32_t cp, const char *lang,
                     pdf_face_ref *out)
{
	char fl[16];
	fc_lang(lang, fl);
	pthread_mutex_lock(&k->mu);
	search_ent *e = NULL;
	for (size_t i = 0; i < k->nsearches && !e; i++)
		if (k->searches[i].cp == cp && !strcmp(k->searches[i].lang, fl))
			e = &k->searches[i];
	if (!e) {
		GROW(k->searches, k->nsearches, k->capsearches);
		e = &k->searches[k->nsearches++];
		e->cp = cp;
		memcpy(e->lang, fl, sizeof fl);
		e->f = do_search(k, cp, fl);
	}
	int rc = -1;
	if (e->f) {
		ref_of(e->f, out);
		rc = 0;
	}
	pthread_mutex_unlock(&k->mu);
	return rc;
}

/* The face of the file at path, index (lock held), or NULL. */
static face *face_at(pdf_cache *k, const char *path, int index)
{
	for (size_t i = 0; i < k->nfaces; i++)
		if (k->faces[i]->index == index &&
		    !strcmp(k->faces[i]->path, path))
			return k->faces[i];
	return NULL;
}

const pdf_face *pdf_cache_face(pdf_cache *k, const char *path, int index)
{
	pthread_mutex_lock(&k->mu);
	face *f = face_at(k, path, index);
	const pdf_face *t = NULL;
	if (f) {
		if (!f->parsed) {
			f->parsed = true;
			f->ok = pdf_face_open(&f->face, f->path, f->index) == 0;
		}
		if (f->ok)
			t = &f->face;
	}
	pthread_mutex_unlock(&k->mu);
	return t;
}

/* The entry of a language tag, looking its file up the first time (lock
 * held). */
static hyph_lang *hyph_lang_of(pdf_cache *k, const char *lang)
{
	for (size_t i = 0; i < k->nhlangs; i++)
		if (!strcmp(k->hlangs[i].lang, lang))
			return &k->hlangs[i];
	char path[512];
	const char *package = NULL;
	hyph_file *f = NULL;
	if (pdf_hyph_find(lang, path, sizeof path, &package) == 0) {
		for (size_t i = 0; i < k->nhfiles && !f; i++)
			if (!strcmp(k->hfiles[i]->path, path))
				f = k->hfiles[i];
		if (!f) {
			f = mc_xcalloc(1, sizeof *f);
			f->path = dup_str(path);
			GROW(k->hfiles, k->nhfiles, k->caphfiles);
			k->hfiles[k->nhfiles++] = f;
		}
	}
	GROW(k->hlangs, k->nhlangs, k->caphlangs);
	hyph_lang *e = &k->hlangs[k->nhlangs++];
	e->lang = dup_str(lang);
	e->f = f;
	e->package = f ? NULL : package;
	return e;
}

/* ---- hyphenation patterns kept between runs ---- */

#define HYPH_MAGIC "MCHYPHC\n"
#define HYPH_FORMAT 3 /* 2: cachefile.c's entries per key; 3: CRC-32 sums */

/* The file the patterns of the pattern file dic are kept in: its name,
 * .dic replaced by .cache, in the cache directory (cachefile.h). */
static int hyph_cache_path(const char *dic, char *out, size_t n)
{
	const char *b = strrchr(dic, '/');
	b = b ? b + 1 : dic;
	size_t l = strlen(b);
	if (l > 4 && !strcmp(b + l - 4, ".dic"))
		l -= 4;
	char name[256];
	int w = snprintf(name, sizeof name, "%.*s.cache", (int)l, b);
	if (w < 0 || (size_t)w >= sizeof name || l == 0)
		return -1;
	return pcf_path(name, out, n);
}

/* The program file that parses patterns (this module, or the program it
 * is linked into), whose layout the kept patterns are in. */
static void self_path(char *out, size_t n)
{
	Dl_info di;
	char *rp = NULL;
	out[0] = 0;
	/* (a module loaded by a relative path is resolved; a name without
	 * a slash is the program's argv[0], found on PATH: /proc/self/exe) */
	if (dladdr((void *)&pdf_cache_hyph, &di) && di.dli_fname &&
	    strchr(di.dli_fname, '/') &&
	    (rp = realpath(di.dli_fname, NULL)) != NULL) {
		snprintf(out, n, "%s", rp);
		free(rp);
	} else {
		ssize_t l = readlink("/proc/self/exe", out, n - 1);
		out[l > 0 ? l : 0] = 0;
	}
}

/* The kept patterns' key: the pattern file's path and the program's. */
static void hyph_key(mc_buf *b, const char *dic, const char *self)
{
	pcf_put_str(b, dic);
	pcf_put_str(b, self);
}

/* What they depend on: both files (their status when the pattern file
 * was read), counted. */
#define HYPH_NDEPS 2
static void hyph_deps(mc_buf *b, const char *dic, const char *self)
{
	pcf_put_u32(b, HYPH_NDEPS);
	pcf_put_dep(b, dic);
	pcf_put_dep(b, self);
}

/* pdf_hyph_open, through the file of an earlier run when it is still
 * valid; a pattern file parsed here is kept for the next.  The status of
 * what it depends on is taken before the file is read: a file changed
 * meanwhile is parsed again next time. */
static int hyph_open(const char *dic, pdf_hyph **out, const char **why)
{
	char path[4096];
	if (hyph_cache_path(dic, path, sizeof path))
		return pdf_hyph_open(dic, out, why);
	char self[4096];
	self_path(self, sizeof self);
	mc_buf key = MC_BUF_INIT;
	hyph_key(&key, dic, self);
	unsigned char *buf = NULL;
	pcf_rd r;
	if (!pcf_load(path, HYPH_MAGIC, HYPH_FORMAT, &key, &buf, &r)) {
		uint32_t nd = pcf_get_u32(&r);
		bool ok = nd == HYPH_NDEPS && pcf_check_deps(&r, nd) &&
		          !pdf_hyph_read(&r, out);
		if (ok && r.n) { /* (trailing bytes: not ours) */
			pdf_hyph_free(*out);
			ok = false;
		}
		free(buf);
		if (ok) {
			mc_buf_free(&key);
			return 0;
		}
		*out = NULL;
	}
	mc_buf b = MC_BUF_INIT;
	hyph_deps(&b, dic, self);
	int rc = pdf_hyph_open(dic, out, why);
	if (!rc) {
		pdf_hyph_write(*out, &b);
		(void)pcf_save(path, HYPH_MAGIC, HYPH_FORMAT, &key, &b);
	}
	mc_buf_free(&b);
	mc_buf_free(&key);
	return rc;
}

int pdf_cache_hyph(pdf_cache *k, const char *lang, pdf_hyph_ref *out)
{
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&k->mu);
	const hyph_lang *e = hyph_lang_of(k, lang ? lang : "");
	hyph_file *f = e->f;
	if (f && !f->tried) {
		f->tried = true;
		if (hyph_open(f->path, &f->h, &f->why) != 0)
			f->h = NULL;
	}
	if (f) {
		out->h = f->h;
		out->path = f->path;
		out->why = f->why;
	} else {
		out->package = e->package;
	}
	pthread_mutex_unlock(&k->mu);
	return out->h ? 0 : -1;
}

/* ---- bytes derived from a face, kept between runs ----
 *
 * One file per face and kind beside the font cache ("fieldfont-DejaVuSans
 * -0.cache"), keyed on the face file's path and index and on the program
 * file (self_path), depending on both files' status when the face was
 * read. */
#define DERIVED_MAGIC "MCDERIV\n"
#define DERIVED_FORMAT 2 /* 2: CRC-32 sums */

static int derived_path(const char *path, int index, const char *kind,
                        char *out, size_t n)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t l = strlen(b);
	const char *dot = strrchr(b, '.');
	if (dot && dot != b)
		l = (size_t)(dot - b);
	char name[256];
	int w = snprintf(name, sizeof name, "%s-%.*s-%d.cache", kind, (int)l,
	                 b, index);
	if (w < 0 || (size_t)w >= sizeof name || l == 0)
		return -1;
	return pcf_path(name, out, n);
}

/* Make f's derived bytes, through the file of an earlier run when it is
 * still valid (lock held). */
static int derive(face *f, const char *kind, pdf_derive_fn make,
                  const char **why)
{
	char path[4096], self[4096];
	if (derived_path(f->path, f->index, kind, path, sizeof path))
		return make(&f->face, &f->derived, why);
	self_path(self, sizeof self);
	mc_buf key = MC_BUF_INIT;
	pcf_put_str(&key, kind);
	pcf_put_str(&key, f->path);
	pcf_put_u32(&key, (uint32_t)f->index);
	pcf_put_str(&key, self);
	unsigned char *buf = NULL;
	pcf_rd r;
	if (!pcf_load(path, DERIVED_MAGIC, DERIVED_FORMAT, &key, &buf, &r)) {
		size_t n = 0;
		const unsigned char *d = NULL;
		bool ok = pcf_get_u32(&r) == 2 && pcf_check_deps(&r, 2) &&
		          (d = pcf_get_bytes(&r, &n)) != NULL && !r.n;
		if (ok)
			mc_buf_put(&f->derived, d, n);
		free(buf);
		if (ok) {
			mc_buf_free(&key);
			return 0;
		}
	}
	mc_buf b = MC_BUF_INIT;
	pcf_put_u32(&b, 2);
	pcf_put_dep(&b, f->path);
	pcf_put_dep(&b, self);
	int rc = make(&f->face, &f->derived, why);
	if (!rc) {
		pcf_put_bytes(&b, f->derived.data, f->derived.len);
		(void)pcf_save(path, DERIVED_MAGIC, DERIVED_FORMAT, &key, &b);
	}
	mc_buf_free(&b);
	mc_buf_free(&key);
	return rc;
}

int pdf_cache_derived(pdf_cache *k, const char *path, int index,
                      const char *kind, pdf_derive_fn make,
                      const unsigned char **data, size_t *len,
                      const char **why)
{
	pthread_mutex_lock(&k->mu);
	face *f = face_at(k, path, index);
	int rc = -1;
	*why = "the font was not read";
	if (f && f->parsed && f->ok) {
		if (!f->dtried) {
			f->dtried = true;
			f->dkind = kind;
			f->dwhy = NULL;
			f->drc = derive(f, kind, make, &f->dwhy);
			if (f->drc)
				mc_buf_free(&f->derived);
		}
		if (strcmp(f->dkind, kind)) {
			*why = "another kind was derived from it";
		} else {
			rc = f->drc;
			*why = f->dwhy;
			*data = (const unsigned char *)f->derived.data;
			*len = f->derived.len;
		}
	}
	pthread_mutex_unlock(&k->mu);
	return rc;
}

/* The backend table's hooks (backend.h): the cache depends on nothing in
 * the theme (fonts are matched by name as documents ask). */
void *mc_pdf_cache_new(const mc_theme *theme)
{
	(void)theme;
	return pdf_cache_create();
}

void mc_pdf_cache_free(void *cache)
{
	pdf_cache_destroy(cache);
}
