/*
 * fontcache.c - fontconfig's answers kept between runs (see fontcache.h).
 *
 * The file: an 8-byte magic, the format version, the payload's length and
 * its FNV-1a 64 checksum (all little-endian), then the payload:
 *   key     the bytes of what fontconfig reads besides files: its
 *           version, the program name and the environment (key_of)
 *   deps    paths with their stat() (or "missing"): configuration files,
 *           font directories, user configuration that could exist, and
 *           the font files answered
 *   faces   path, index and coverage (charset pages) of each face
 *   matches family, style -> face, exact
 *   searches code point, language -> face
 * Strings are a 32-bit length then the bytes.  Nothing here is kept
 * between calls: every call works on its own buffers.
 */
#include "fontcache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../util/arena.h"
#include "../../util/bytes.h"

#define MAGIC "MCFONTC\n"
#define FORMAT 1
#define HEAD 24             /* magic, version, length, checksum */
#define MAX_FILE (64u << 20) /* a bigger file is not ours */
#define MAX_SEARCHES 65536u /* answers per code point written at most */

/* ---- writing ---- */

static void put_u32(mc_buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8),
	                      (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 24)};
	mc_buf_put(b, x, 4);
}

static void put_u64(mc_buf *b, uint64_t v)
{
	put_u32(b, (uint32_t)v);
	put_u32(b, (uint32_t)(v >> 32));
}

static void put_bytes(mc_buf *b, const void *p, size_t n)
{
	put_u32(b, (uint32_t)n);
	mc_buf_put(b, p, n);
}

static void put_str(mc_buf *b, const char *s)
{
	put_bytes(b, s, strlen(s));
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3u;
	}
	return h;
}

/* ---- reading: a cursor that fails (and stays failed) at the end ---- */

typedef struct rd {
	const unsigned char *p;
	size_t n;
	bool bad;
} rd;

static uint32_t get_u32(rd *r)
{
	if (r->bad || r->n < 4) {
		r->bad = true;
		return 0;
	}
	uint32_t v = mc_le32(r->p);
	r->p += 4;
	r->n -= 4;
	return v;
}

static uint64_t get_u64(rd *r)
{
	uint64_t lo = get_u32(r);
	return lo | (uint64_t)get_u32(r) << 32;
}

/* A string's bytes (not NUL-terminated) and length; NULL at the end. */
static const unsigned char *get_bytes(rd *r, size_t *len)
{
	uint32_t l = get_u32(r);
	if (r->bad || l > r->n) {
		r->bad = true;
		return NULL;
	}
	const unsigned char *s = r->p;
	r->p += l;
	r->n -= l;
	*len = l;
	return s;
}

/* A copy of a string (no NUL inside), or NULL. */
static char *get_str(rd *r)
{
	size_t l = 0;
	const unsigned char *s = get_bytes(r, &l);
	if (!s || memchr(s, 0, l)) {
		r->bad = true;
		return NULL;
	}
	char *d = mc_xmalloc(l + 1);
	memcpy(d, s, l);
	d[l] = 0;
	return d;
}

/* ---- the key: what fontconfig reads besides files ---- */

static const char *const env_names[] = {
	"FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT",
	"HOME",            "XDG_CONFIG_HOME", "XDG_DATA_HOME",
	"XDG_DATA_DIRS",   "FC_LANG",         "LC_ALL",
	"LC_CTYPE",        "LANG",
};

static void key_of(mc_buf *b)
{
	put_u32(b, (uint32_t)FcGetVersion());
	/* configurations may test the program's name (fontconfig takes it
	 * from /proc/self/exe) */
	char exe[4096];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
	put_bytes(b, exe, l > 0 ? (size_t)l : 0);
	for (size_t i = 0; i < sizeof env_names / sizeof *env_names; i++) {
		const char *v = getenv(env_names[i]);
		put_u32(b, v ? 1 : 0);
		put_str(b, v ? v : "");
	}
}

/* ---- dependencies: paths and their status ---- */

typedef struct fstat_rec {
	uint64_t exists, mts, mtn, cts, ctn, size, ino, dev;
} fstat_rec;

static void stat_of(const char *path, fstat_rec *s)
{
	struct stat st;
	memset(s, 0, sizeof *s);
	if (stat(path, &st) != 0)
		return;
	s->exists = 1;
	s->mts = (uint64_t)st.st_mtim.tv_sec;
	s->mtn = (uint64_t)st.st_mtim.tv_nsec;
	s->cts = (uint64_t)st.st_ctim.tv_sec;
	s->ctn = (uint64_t)st.st_ctim.tv_nsec;
	s->size = (uint64_t)st.st_size;
	s->ino = (uint64_t)st.st_ino;
	s->dev = (uint64_t)st.st_dev;
}

static void put_dep(mc_buf *b, const char *path, uint32_t *n)
{
	fstat_rec s;
	stat_of(path, &s);
	put_str(b, path);
	put_u64(b, s.exists);
	put_u64(b, s.mts);
	put_u64(b, s.mtn);
	put_u64(b, s.cts);
	put_u64(b, s.ctn);
	put_u64(b, s.size);
	put_u64(b, s.ino);
	put_u64(b, s.dev);
	(*n)++;
}

static void put_list(mc_buf *b, FcStrList *l, uint32_t *n)
{
	if (!l)
		return;
	FcChar8 *s;
	while ((s = FcStrListNext(l)))
		put_dep(b, (const char *)s, n);
	FcStrListDone(l);
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
	const char *e = getenv("MC_FONT_CACHE");
	int w;
	if (e && e[0]) {
		if (!strcmp(e, "0"))
			return -1;
		w = snprintf(out, n, "%s", e);
	} else {
		const char *xc = getenv("XDG_CACHE_HOME");
		const char *home = getenv("HOME");
		if (xc && xc[0] == '/')
			w = snprintf(out, n, "%s/mentorconv/fonts.cache", xc);
		else if (home && home[0])
			w = snprintf(out, n, "%s/.cache/mentorconv/fonts.cache",
			             home);
		else
			return -1;
	}
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* ---- load ---- */

void pdf_fontcache_free(pfc_data *d)
{
	for (size_t i = 0; i < d->nfaces; i++) {
		free(d->faces[i].path);
		free(d->faces[i].pages);
		if (d->faces[i].cs)
			FcCharSetDestroy(d->faces[i].cs);
	}
	free(d->faces);
	for (size_t i = 0; i < d->nmatches; i++)
		free(d->matches[i].family);
	free(d->matches);
	free(d->searches);
	pdf_fontcache_deps_free(&d->deps);
	memset(d, 0, sizeof *d);
}

/* The whole file into *buf (malloc'ed), or -1. */
static int read_all(const char *path, unsigned char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < HEAD ||
	    (uint64_t)st.st_size > MAX_FILE) {
		close(fd);
		return -1;
	}
	size_t n = (size_t)st.st_size, got = 0;
	unsigned char *b = mc_xmalloc(n);
	while (got < n) {
		ssize_t r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != n) {
		free(b);
		return -1;
	}
	*buf = b;
	*len = n;
	return 0;
}

#define PAGE_BYTES (4 * (FC_CHARSET_MAP_SIZE + 1))

/* A face's coverage pages, checked and copied into f (the charset is
 * made when first needed: most faces of the file are not). */
static void get_pages(rd *r, pfc_face *f)
{
	uint32_t np = get_u32(r);
	if (r->bad || np > r->n / PAGE_BYTES) {
		r->bad = true;
		return;
	}
	size_t len = (size_t)np * PAGE_BYTES;
	for (uint32_t i = 0; i < np; i++) {
		uint32_t base = mc_le32(r->p + (size_t)i * PAGE_BYTES);
		if (base & 0xff || base > 0x10ff00)
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

FcCharSet *pdf_fontcache_charset(const unsigned char *pages,
                                 uint32_t npages)
{
	FcCharSet *cs = FcCharSetCreate();
	if (!cs)
		return NULL;
	for (uint32_t i = 0; i < npages; i++) {
		const unsigned char *p = pages + (size_t)i * PAGE_BYTES;
		uint32_t base = mc_le32(p);
		for (uint32_t w = 0; w < FC_CHARSET_MAP_SIZE; w++) {
			uint32_t m = mc_le32(p + 4 + 4 * w);
			for (uint32_t bit = 0; m; bit++, m >>= 1)
				if ((m & 1) &&
				    !FcCharSetAddChar(cs, base + w * 32 + bit)) {
					FcCharSetDestroy(cs);
					return NULL;
				}
		}
	}
	return cs;
}

/* Read n dependency records: true if each path has the status it had
 * (r->bad if they do not parse). */
static bool check_deps(rd *r, uint32_t n)
{
	for (uint32_t i = 0; i < n && !r->bad; i++) {
		size_t pl = 0;
		const unsigned char *p = get_bytes(r, &pl);
		fstat_rec was, now;
		was.exists = get_u64(r);
		was.mts = get_u64(r);
		was.mtn = get_u64(r);
		was.cts = get_u64(r);
		was.ctn = get_u64(r);
		was.size = get_u64(r);
		was.ino = get_u64(r);
		was.dev = get_u64(r);
		if (r->bad || pl >= 4096 || memchr(p, 0, pl)) {
			r->bad = true;
			return false;
		}
		char path[4096];
		memcpy(path, p, pl);
		path[pl] = 0;
		stat_of(path, &now);
		if (memcmp(&was, &now, sizeof was) != 0)
			return false; /* stale */
	}
	return !r->bad;
}

bool pdf_fontcache_deps_valid(const pfc_deps *deps)
{
	rd r = {(const unsigned char *)deps->recs.data, deps->recs.len, false};
	return check_deps(&r, deps->n) && r.n == 0;
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
	put_list(&out->recs, FcConfigGetConfigFiles(cfg), &out->n);
	put_list(&out->recs, FcConfigGetFontDirs(cfg), &out->n);
	put_user_conf(&out->recs, &out->n);
}

static int parse(rd *r, pfc_data *d)
{
	/* the key */
	mc_buf key = MC_BUF_INIT;
	key_of(&key);
	size_t kl = 0;
	const unsigned char *k = get_bytes(r, &kl);
	bool same = k && kl == key.len && !memcmp(k, key.data, kl);
	mc_buf_free(&key);
	if (!same)
		return -1;
	/* the files it depends on, as they were */
	uint32_t nd = get_u32(r);
	const unsigned char *at = r->p;
	if (r->bad || !check_deps(r, nd))
		return -1;
	mc_buf_put(&d->deps.recs, at, (size_t)(r->p - at));
	d->deps.n = nd;
	/* the answers */
	uint32_t nf = get_u32(r);
	if (r->bad || nf > r->n / 12)
		return -1;
	d->faces = mc_xcalloc(nf ? nf : 1, sizeof *d->faces);
	for (uint32_t i = 0; i < nf && !r->bad; i++) {
		pfc_face *f = &d->faces[d->nfaces++];
		f->path = get_str(r);
		f->index = (int)get_u32(r);
		get_pages(r, f);
	}
	uint32_t nm = get_u32(r);
	if (r->bad || nm > r->n / 12)
		return -1;
	d->matches = mc_xcalloc(nm ? nm : 1, sizeof *d->matches);
	for (uint32_t i = 0; i < nm && !r->bad; i++) {
		pfc_match *m = &d->matches[d->nmatches++];
		m->family = get_str(r);
		uint32_t fl = get_u32(r);
		m->bold = fl & 1;
		m->italic = fl & 2;
		m->exact = fl & 4;
		m->face = (int)get_u32(r);
		if (m->face < -1 || m->face >= (int)nf)
			r->bad = true;
	}
	uint32_t ns = get_u32(r);
	if (r->bad || ns > r->n / 12)
		return -1;
	d->searches = mc_xcalloc(ns ? ns : 1, sizeof *d->searches);
	for (uint32_t i = 0; i < ns && !r->bad; i++) {
		pfc_search *s = &d->searches[d->nsearches++];
		s->cp = get_u32(r);
		size_t ll = 0;
		const unsigned char *lang = get_bytes(r, &ll);
		if (!lang || ll >= sizeof s->lang || memchr(lang, 0, ll)) {
			r->bad = true;
			break;
		}
		memcpy(s->lang, lang, ll);
		s->lang[ll] = 0;
		s->face = (int)get_u32(r);
		if (s->face < -1 || s->face >= (int)nf)
			r->bad = true;
	}
	return r->bad || r->n ? -1 : 0;
}

int pdf_fontcache_load(const char *path, pfc_data *d)
{
	memset(d, 0, sizeof *d);
	unsigned char *buf = NULL;
	size_t len = 0;
	if (read_all(path, &buf, &len))
		return -1;
	rd h = {buf + 8, HEAD - 8, false};
	int rc = -1;
	if (!memcmp(buf, MAGIC, 8) && get_u32(&h) == FORMAT) {
		uint32_t pl = get_u32(&h);
		uint64_t sum = get_u64(&h);
		if (pl == len - HEAD && fnv1a(buf + HEAD, pl) == sum) {
			rd r = {buf + HEAD, pl, false};
			rc = parse(&r, d);
		}
	}
	free(buf);
	if (rc)
		pdf_fontcache_free(d);
	return rc;
}

/* ---- save ---- */

static void put_charset(mc_buf *b, const pfc_face *f)
{
	const FcCharSet *cs = f->cs;
	if (!cs) { /* still as read */
		put_u32(b, f->npages);
		mc_buf_put(b, f->pages, (size_t)f->npages * PAGE_BYTES);
		return;
	}
	size_t at = b->len;
	put_u32(b, 0); /* the number of pages, filled in below */
	uint32_t np = 0;
	FcChar32 map[FC_CHARSET_MAP_SIZE], next;
	for (FcChar32 base = FcCharSetFirstPage(cs, map, &next);
		     base != FC_CHARSET_DONE;
	     base = FcCharSetNextPage(cs, map, &next)) {
		put_u32(b, base);
		for (int w = 0; w < FC_CHARSET_MAP_SIZE; w++)
			put_u32(b, map[w]);
		np++;
	}
	for (int i = 0; i < 4; i++)
		b->data[at + (size_t)i] = (char)(np >> (8 * i));
}

/* mkdir -p of path's directory (mode 0700 for what is made). */
static void make_dir_of(const char *path)
{
	char d[4096];
	size_t l = strlen(path);
	if (l >= sizeof d)
		return;
	memcpy(d, path, l + 1);
	char *slash = strrchr(d, '/');
	if (!slash || slash == d)
		return;
	*slash = 0;
	for (char *p = d + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(d, 0700);
			*p = '/';
		}
	mkdir(d, 0700);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int pdf_fontcache_save(const char *path, const pfc_deps *cfgdeps,
                       const pfc_data *d)
{
	mc_buf b = MC_BUF_INIT;
	mc_buf key = MC_BUF_INIT;
	key_of(&key);
	put_bytes(&b, key.data, key.len);
	mc_buf_free(&key);
	size_t at = b.len;
	uint32_t nd = cfgdeps->n;
	put_u32(&b, 0); /* the number of dependencies, filled in below */
	mc_buf_put(&b, cfgdeps->recs.data, cfgdeps->recs.len);
	for (size_t i = 0; i < d->nfaces; i++)
		put_dep(&b, d->faces[i].path, &nd);
	for (int i = 0; i < 4; i++)
		b.data[at + (size_t)i] = (char)(nd >> (8 * i));
	put_u32(&b, (uint32_t)d->nfaces);
	for (size_t i = 0; i < d->nfaces; i++) {
		put_str(&b, d->faces[i].path);
		put_u32(&b, (uint32_t)d->faces[i].index);
		put_charset(&b, &d->faces[i]);
	}
	put_u32(&b, (uint32_t)d->nmatches);
	for (size_t i = 0; i < d->nmatches; i++) {
		const pfc_match *m = &d->matches[i];
		put_str(&b, m->family);
		put_u32(&b, (m->bold ? 1u : 0) | (m->italic ? 2u : 0) |
		                (m->exact ? 4u : 0));
		put_u32(&b, (uint32_t)m->face);
	}
	size_t ns = d->nsearches < MAX_SEARCHES ? d->nsearches : MAX_SEARCHES;
	put_u32(&b, (uint32_t)ns);
	for (size_t i = 0; i < ns; i++) {
		put_u32(&b, d->searches[i].cp);
		put_str(&b, d->searches[i].lang);
		put_u32(&b, (uint32_t)d->searches[i].face);
	}
	mc_buf h = MC_BUF_INIT;
	mc_buf_put(&h, MAGIC, 8);
	put_u32(&h, FORMAT);
	put_u32(&h, (uint32_t)b.len);
	put_u64(&h, fnv1a((const unsigned char *)b.data, b.len));

	int rc = -1;
	char tmp[4096 + 16];
	int w = snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
	if (w > 0 && (size_t)w < sizeof tmp && b.len <= MAX_FILE - HEAD) {
		make_dir_of(path);
		int fd = mkstemp(tmp);
		if (fd >= 0) {
			(void)fcntl(fd, F_SETFD, FD_CLOEXEC); /* best-effort */
			bool ok = !write_all(fd, h.data, h.len) &&
			          !write_all(fd, b.data, b.len);
			ok = !close(fd) && ok;
			if (ok && !rename(tmp, path))
				rc = 0;
			else
				unlink(tmp);
		}
	}
	mc_buf_free(&h);
	mc_buf_free(&b);
	return rc;
}
