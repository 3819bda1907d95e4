/* util.c - helpers of the EPUB backend: ids, URLs,
 * name-based UUIDs and dates.  See epub.h. */
#include "epub.h"
#include "../../util/bytes.h"
#include "../../util/utc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- strings ---- */

char *ep_strdup(ep_ctx *c, const char *s)
{
	return mc_arena_strndup(c->arena, s, strlen(s));
}

char *ep_printf(ep_ctx *c, const char *fmt, ...)
{
	mc_buf b = MC_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	mc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	char *r = mc_arena_strndup(c->arena, b.data ? b.data : "", b.len);
	mc_buf_free(&b);
	return r;
}

void ep_text(ep_ctx *c, mc_xml *x, const char *s)
{
	(void)c; /* the model's strings are valid UTF-8 already */
	if (s && *s)
		mc_xml_text(x, s);
}

void ep_attr(ep_ctx *c, mc_xml *x, const char *name, const char *value)
{
	(void)c;
	mc_xml_attr(x, name, value ? value : "");
}

/* ---- ids ---- */

static bool is_alpha(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool is_digit(unsigned char ch)
{
	return ch >= '0' && ch <= '9';
}

const char *ep_unique_id(ep_ctx *c, const char *s)
{
	/* ASCII letters, digits, '-', '_', '.'; a letter or '_' first; runs
	 * of anything else become one '-' (also valid where epubcheck reads
	 * ids as xsd:ID) */
	mc_buf b = MC_BUF_INIT;
	bool dash = false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (is_alpha(*p) || is_digit(*p) || *p == '_' || *p == '.' ||
		    *p == '-') {
			if (b.len == 0 && !is_alpha(*p) && *p != '_')
				mc_buf_puts(&b, "id-");
			mc_buf_putc(&b, (char)*p);
			dash = false;
		} else if (!dash && b.len) {
			mc_buf_putc(&b, '-');
			dash = true;
		}
	}
	while (b.len && b.data[b.len - 1] == '-')
		b.data[--b.len] = '\0';
	if (!b.len)
		mc_buf_puts(&b, "id");
	size_t base = b.len;
	for (unsigned k = 2; mc_hashset_get(&c->used, b.data); k++) {
		b.len = base;
		mc_buf_printf(&b, "-%u", k);
	}
	char *r = mc_arena_strndup(c->arena, b.data, b.len);
	mc_buf_free(&b);
	mc_hashset_put(&c->used, r, r);
	return r;
}

void ep_id_in_file(ep_ctx *c, const char *id, size_t file)
{
	mc_hashset_put(&c->idfile, id, (void *)(uintptr_t)(file + 1));
}

const char *ep_id_href(ep_ctx *c, const char *id)
{
	uintptr_t f = (uintptr_t)mc_hashset_get(&c->idfile, id);
	if (f && f - 1 != c->cur_file && f - 1 < c->nfiles)
		return ep_printf(c, "%s#%s", c->files[f - 1].name, id);
	return ep_printf(c, "#%s", id);
}

/* ---- URLs ---- */

static bool is_hex(unsigned char ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* Characters that may stand as they are in a URI (RFC 3986). */
static bool uri_char(unsigned char ch)
{
	return is_alpha(ch) || is_digit(ch) || strchr("-._~:/?#[]@!$&'()*+,;=", ch);
}

/* Next code point of valid UTF-8 at *p (before end), or -1. */
static long next_cp(const unsigned char **p, const unsigned char *end)
{
	size_t k = mc_utf8_len(*p, (size_t)(end - *p));
	if (!k)
		return -1;
	long cp = k == 1 ? **p : k == 2 ? **p & 0x1f : k == 3 ? **p & 0x0f : **p & 0x07;
	for (size_t i = 1; i < k; i++)
		cp = (cp << 6) | ((*p)[i] & 0x3f);
	*p += k;
	return cp;
}

/* One label in punycode (RFC 3492), without the xn-- prefix. */
static int punycode(mc_buf *b, const long *cp, size_t n)
{
	const long base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
	long nn = 128, delta = 0, bias = 72;
	size_t h = 0;
	for (size_t i = 0; i < n; i++)
		if (cp[i] < 0x80) {
			mc_buf_putc(b, (char)(cp[i] >= 'A' && cp[i] <= 'Z' ? cp[i] + 32 : cp[i]));
			h++;
		}
	size_t basic = h;
	if (basic)
		mc_buf_putc(b, '-');
	while (h < n) {
		long m = 0x7fffffff;
		for (size_t i = 0; i < n; i++)
			if (cp[i] >= nn && cp[i] < m)
				m = cp[i];
		if ((m - nn) > (0x7fffffff - delta) / (long)(h + 1))
			return -1;
		delta += (m - nn) * (long)(h + 1);
		nn = m;
		for (size_t i = 0; i < n; i++) {
			if (cp[i] < nn && ++delta == 0x7fffffff)
				return -1;
			if (cp[i] != nn)
				continue;
			long q = delta;
			for (long k = base;; k += base) {
				long t = k <= bias ? tmin : k >= bias + tmax ? tmax : k - bias;
				if (q < t)
					break;
				long d = t + (q - t) % (base - t);
				mc_buf_putc(b, (char)(d < 26 ? 'a' + d : '0' + d - 26));
				q = (q - t) / (base - t);
			}
			mc_buf_putc(b, (char)(q < 26 ? 'a' + q : '0' + q - 26));
			/* adapt the bias */
			long dd = h == basic ? delta / damp : delta / 2;
			dd += dd / (long)(h + 1);
			long k = 0;
			while (dd > ((base - tmin) * tmax) / 2) {
				dd /= base - tmin;
				k += base;
			}
			bias = k + (base - tmin + 1) * dd / (dd + skew);
			delta = 0;
			h++;
		}
		delta++;
		nn++;
	}
	return 0;
}

/* A host with non-ASCII labels, each such label as xn--punycode (no
 * Unicode normalisation: hosts in course pages are written plainly). */
static int idna_host(mc_buf *b, const char *h, size_t n)
{
	const unsigned char *p = (const unsigned char *)h, *end = p + n;
	long *cps = mc_xmalloc((n + 1) * sizeof *cps);
	int rc = 0;
	while (p <= end && rc == 0) {
		const unsigned char *dot = p;
		while (dot < end && *dot != '.' && *dot != ':')
			dot++;
		size_t k = 0;
		bool ascii = true;
		const unsigned char *q = p;
		while (q < dot) {
			long cp = next_cp(&q, dot);
			if (cp < 0) {
				rc = -1;
				break;
			}
			ascii = ascii && cp < 0x80;
			cps[k++] = cp;
		}
		if (rc)
			break;
		if (ascii) {
			mc_buf_put(b, p, (size_t)(dot - p));
		} else {
			mc_buf_puts(b, "xn--");
			rc = punycode(b, cps, k);
		}
		if (dot == end)
			break;
		if (*dot == ':') { /* the port */
			mc_buf_put(b, dot, (size_t)(end - dot));
			break;
		}
		mc_buf_putc(b, '.');
		p = dot + 1;
	}
	free(cps);
	return rc;
}

static const char *encode_url(ep_ctx *c, const char *u)
{
	mc_buf b = MC_BUF_INIT;
	bool hash = false;
	/* an internationalized host is written in punycode: %-escapes are
	 * not allowed there */
	const char *host = strstr(u, "://"), *host_end = NULL;
	if (host) {
		host += 3;
		host_end = host + strcspn(host, "/?#");
		bool ascii = true;
		for (const char *q = host; q < host_end; q++)
			ascii = ascii && !((unsigned char)*q & 0x80);
		if (!ascii) {
			mc_buf_put(&b, u, (size_t)(host - u));
			if (idna_host(&b, host, (size_t)(host_end - host)) != 0) {
				mc_buf_free(&b);
				return NULL;
			}
			u = host_end;
		}
	}
	for (const unsigned char *p = (const unsigned char *)u; *p; p++) {
		if (*p == '%' && is_hex(p[1]) && is_hex(p[2]))
			mc_buf_putc(&b, '%');
		else if (*p == '#' && hash)
			mc_buf_puts(&b, "%23"); /* only one fragment */
		else if (*p != '%' && uri_char(*p) && (*p != '[' && *p != ']'))
			mc_buf_putc(&b, (char)*p);
		else
			mc_buf_printf(&b, "%%%02X", *p);
		if (*p == '#')
			hash = true;
	}
	char *r = mc_arena_strndup(c->arena, b.data ? b.data : "", b.len);
	mc_buf_free(&b);
	return r;
}

const char *ep_href(ep_ctx *c, const char *url)
{
	if (!url)
		return NULL;
	while (*url == ' ' || *url == '\t' || *url == '\n')
		url++;
	if (!*url)
		return NULL;
	if (url[0] == '#') {
		const char *id = mc_hashset_get(&c->anchors, url + 1);
		return id ? ep_id_href(c, id) : NULL;
	}
	if (url[0] == '/' && url[1] == '/') /* protocol-relative */
		return encode_url(c, ep_printf(c, "https:%s", url));
	size_t k = 0;
	if (is_alpha((unsigned char)url[0]))
		while (is_alpha((unsigned char)url[k]) || is_digit((unsigned char)url[k]) ||
		       url[k] == '+' || url[k] == '.' || url[k] == '-')
			k++;
	if (k && url[k] == ':') {
		bool web = (k == 4 && strncasecmp(url, "http", 4) == 0) ||
		           (k == 5 && strncasecmp(url, "https", 5) == 0) ||
		           (k == 3 && strncasecmp(url, "ftp", 3) == 0);
		bool other = (k == 6 && strncasecmp(url, "mailto", 6) == 0) ||
		             (k == 3 && strncasecmp(url, "tel", 3) == 0);
		if (web) { /* scheme://host... */
			if (strncmp(url + k, "://", 3) != 0 || !url[k + 3] ||
			    url[k + 3] == '/')
				return NULL;
			return encode_url(c, url);
		}
		if (other && url[k + 1])
			return encode_url(c, url);
		return NULL;
	}
	/* a site-absolute path, when the site's own address is known */
	const char *site = c->doc->meta.site.url;
	if (url[0] == '/' && site && (strncmp(site, "http://", 7) == 0 ||
	                              strncmp(site, "https://", 8) == 0)) {
		size_t sl = strlen(site);
		while (sl && site[sl - 1] == '/')
			sl--;
		return encode_url(c, ep_printf(c, "%.*s%s", (int)sl, site, url));
	}
	return NULL; /* another page of the site: not in this book */
}

/* ---- SHA-1 (FIPS 180-4), for name-based UUIDs only ---- */

typedef struct sha1 {
	uint32_t h[5];
	uint64_t len;
	unsigned char blk[64];
	size_t n;
} sha1;

static uint32_t rol(uint32_t v, int s)
{
	return (v << s) | (v >> (32 - s));
}

static void sha1_block(sha1 *s, const unsigned char *p)
{
	uint32_t w[80];
	for (int i = 0; i < 16; i++)
		w[i] = mc_be32(p + 4 * i);
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20)
			f = (b & c) | (~b & d), k = 0x5A827999;
		else if (i < 40)
			f = b ^ c ^ d, k = 0x6ED9EBA1;
		else if (i < 60)
			f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
		else
			f = b ^ c ^ d, k = 0xCA62C1D6;
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	s->h[0] += a;
	s->h[1] += b;
	s->h[2] += c;
	s->h[3] += d;
	s->h[4] += e;
}

static void sha1_put(sha1 *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	s->len += n;
	while (n) {
		size_t k = 64 - s->n < n ? 64 - s->n : n;
		memcpy(s->blk + s->n, p, k);
		s->n += k;
		p += k;
		n -= k;
		if (s->n == 64) {
			sha1_block(s, s->blk);
			s->n = 0;
		}
	}
}

static void sha1_digest(const void *data, size_t n, const void *data2,
                        size_t n2, unsigned char out[20])
{
	sha1 s = {{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0},
	          0, {0}, 0};
	sha1_put(&s, data, n);
	sha1_put(&s, data2, n2);
	uint64_t bits = s.len * 8;
	unsigned char pad = 0x80, zero = 0;
	sha1_put(&s, &pad, 1);
	while (s.n != 56)
		sha1_put(&s, &zero, 1);
	unsigned char lb[8];
	for (int i = 0; i < 8; i++)
		lb[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_put(&s, lb, 8);
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (unsigned char)(s.h[i] >> (24 - 8 * j));
}

void ep_uuid5(const char *name, char out[37])
{
	/* RFC 4122 4.3 with the URL namespace 6ba7b811-9dad-11d1-80b4-
	 * 00c04fd430c8 */
	static const unsigned char ns[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad,
	                                     0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0,
	                                     0x4f, 0xd4, 0x30, 0xc8};
	unsigned char h[20];
	sha1_digest(ns, sizeof ns, name, strlen(name), h);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x50);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	char *o = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		o += sprintf(o, "%02x", h[i]);
	}
	*o = '\0';
}

void ep_iso_date(int64_t t, char out[32])
{
	mc_utc_iso8601(t, out);
}

/* ---- plain text and language ---- */

const char *ep_plain(ep_ctx *c, const mc_node *n)
{
	mc_buf b = MC_BUF_INIT;
	mc_iter it;
	mc_iter_init(&it, (mc_node *)n);
	mc_event ev;
	bool space = false;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		if (ev != MC_EVENT_ENTER)
			continue;
		const mc_node *m = it.cur;
		const char *s = NULL;
		if (m->type == MC_TEXT || m->type == MC_CODE)
			s = m->as.text.text;
		else if (m->type == MC_IMAGE || m->type == MC_FIGURE)
			s = m->as.image.alt;
		else if (m->type == MC_SOFTBREAK || m->type == MC_LINEBREAK)
			space = true;
		for (; s && *s; s++) {
			if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
				space = true;
				continue;
			}
			if (space && b.len)
				mc_buf_putc(&b, ' ');
			space = false;
			mc_buf_putc(&b, *s);
		}
	}
	char *r = mc_arena_strndup(c->arena, b.data ? b.data : "", b.len);
	mc_buf_free(&b);
	return r;
}

const char *ep_lang(ep_ctx *c, const char *s)
{
	/* language (2-8 letters), then subtags of 1-8 letters or digits;
	 * '_' is taken for '-' (en_US) */
	if (!s)
		return "en";
	char *t = ep_strdup(c, s);
	size_t run = 0, i = 0;
	bool first = true;
	for (char *p = t;; p++, i++) {
		if (*p == '_')
			*p = '-';
		if (*p == '-' || !*p) {
			if (run < (first ? 2u : 1u) || run > 8)
				return "en";
			first = false;
			run = 0;
			if (!*p)
				break;
			continue;
		}
		if (!(is_alpha((unsigned char)*p) ||
		      (!first && is_digit((unsigned char)*p))))
			return "en";
		run++;
	}
	(void)i;
	return t;
}

void ep_xhtml_start(ep_ctx *c, mc_xml *x, mc_buf *out)
{
	mc_xml_init(x, out);
	mc_xml_decl(x);
	mc_xml_raw(x, "<!DOCTYPE html>\n");
	mc_xml_open(x, "html");
	mc_xml_attr(x, "xmlns", "http://www.w3.org/1999/xhtml");
	mc_xml_attr(x, "xmlns:epub", "http://www.idpf.org/2007/ops");
	mc_xml_attr(x, "lang", c->lang);
	mc_xml_attr(x, "xml:lang", c->lang);
	if (c->doc->meta.dir == MC_DIR_RTL)
		mc_xml_attr(x, "dir", "rtl");
	mc_xml_nl(x);
	mc_xml_open(x, "head");
}

void ep_xhtml_body(mc_xml *x)
{
	mc_xml_empty(x, "link",
		     "rel", "stylesheet",
		     "type", "text/css",
		     "href", EP_CSS,
		     NULL);
	mc_xml_close(x);
	mc_xml_nl(x);
	mc_xml_open(x, "body");
}
