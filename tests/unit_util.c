/* unit_util.c - checks of the shared XML writer, ZIP wrapper, UTF-8
 * helpers, JSON strings, slugs, the hash set and image header probe. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>
#include <libdeflate.h>
#include <math.h>
#include <zlib.h>

#include "util/bytes.h"
#include "util/confine.h"
#include "util/fmath.h"
#include "util/hashset.h"
#include "util/image.h"
#include "util/json.h"
#include "util/slug.h"
#include "util/sort.h"
#include "util/utc.h"
#include "util/utf8.h"
#include "util/xml.h"
#include "util/zip.h"

#include "unit.h"

static void xml_tests(void)
{
	mc_buf b = MC_BUF_INIT;
	mc_xml x;
	mc_xml_init(&x, &b);
	mc_xml_open(&x, "a");
	mc_xml_attr(&x, "t", "x\"<&>\n");
	mc_xml_open(&x, "b");
	mc_xml_close(&x);
	mc_xml_text(&x, "1 < 2 & \x01 ok \xEF\xBF\xBE]]>");
	mc_xml_leaf(&x, "c", "");
	mc_xml_close(&x);
	CHECK(mc_xml_finish(&x) == 0, "xml: balanced document finishes");
	CHECK(strcmp(b.data, "<a t=\"x&quot;&lt;&amp;&gt;&#10;\"><b/>1 &lt; 2 "
	                     "&amp;  ok ]]&gt;<c/></a>") == 0,
	      "xml: escaping, forbidden characters dropped, empty elements");
	mc_buf_free(&b);

	mc_xml_init(&x, &b);
	mc_xml_open(&x, "a");
	CHECK(mc_xml_finish(&x) == -1, "xml: an open element is an error");
	mc_buf_free(&b);

	mc_xml_init(&x, &b);
	mc_xml_open(&x, "a");
	mc_xml_text(&x, "t");
	mc_xml_attr(&x, "late", "1");
	mc_xml_close(&x);
	CHECK(mc_xml_finish(&x) == -1, "xml: attribute after content is an error");
	mc_buf_free(&b);
}

static int make_at(mc_buf *out, time_t mtime);

static int make(mc_buf *out)
{
	return make_at(out, 1700000000);
}

static int make_at(mc_buf *out, time_t mtime)
{
	char err[256];
	mc_zip *z = mc_zip_new(err, sizeof err);
	if (!z)
		return -1;
	const char *big = "repeat repeat repeat repeat repeat repeat repeat";
	if (mc_zip_add(z, "mimetype", "application/epub+zip", 20, false, err,
	               sizeof err) != 0 ||
	    mc_zip_add(z, "a/b.txt", big, strlen(big), true, err, sizeof err) != 0) {
		mc_zip_free(z);
		return -1;
	}
	return mc_zip_finish(z, mtime, out, err, sizeof err);
}

/* An archive of a deflated entry that is in no memo, then every memo
 * part in reverse order (so each follows a reset stream), the memo used
 * or not. */
static int make_memo(mc_buf *out, bool use)
{
	char err[256];
	mc_zip *z = mc_zip_new(err, sizeof err);
	if (!z)
		return -1;
	mc_zip_use_memo(z, use);
	const char *first = "not a fixed part, not a fixed part";
	if (mc_zip_add(z, "first.txt", first, strlen(first), true, err,
	               sizeof err) != 0) {
		mc_zip_free(z);
		return -1;
	}
	for (size_t i = mc_zip_nmemos; i-- > 0;) {
		char name[32];
		snprintf(name, sizeof name, "m%zu", i);
		if (mc_zip_add(z, name, mc_zip_memos[i].data,
		               mc_zip_memos[i].len, true, err,
		               sizeof err) != 0) {
			mc_zip_free(z);
			return -1;
		}
	}
	return mc_zip_finish(z, 1700000000, out, err, sizeof err);
}

/* The build's memo of deflated parts (build/gen/predeflate.c) holds what
 * this libdeflate makes of them: one that deflates differently fails
 * here rather than changing the archives.  (Their CRC-32 is checked with
 * libdeflate's, not the writer's zlib.) */
static void memo_tests(void)
{
	CHECK(mc_zip_nmemos >= 10, "zip memo: the build memoized the fixed "
	                           "DOCX and EPUB parts");
	bool styles = false, css = false;
	for (size_t i = 0; i < mc_zip_nmemos; i++) {
		const mc_zip_memo *m = &mc_zip_memos[i];
		styles |= strcmp(m->name, "word/styles.xml") == 0;
		css |= strcmp(m->name, "EPUB/style.css") == 0;
		mc_buf z = MC_BUF_INIT;
		char err[256];
		int rc = mc_zip_deflate(m->data, m->len, &z, err, sizeof err);
		char what[128];
		snprintf(what, sizeof what, "zip memo: %s deflates at run time "
		         "to the stored bytes", m->name);
		CHECK(rc == 0 && z.len == m->zlen &&
		              memcmp(z.data, m->z, z.len) == 0 &&
		              libdeflate_crc32(0, m->data, m->len) == m->crc,
		      what);
		mc_buf_free(&z);
	}
	CHECK(styles && css, "zip memo: styles.xml and style.css are in it");
	mc_buf a = MC_BUF_INIT, b = MC_BUF_INIT;
	CHECK(make_memo(&a, true) == 0 && make_memo(&b, false) == 0 &&
	              a.len < b.len,
	      "zip memo: an archive is smaller with it (its parts at the "
	      "smallest level, not the run time's)");
	/* and both read back as the parts (libzip checks each CRC-32) */
	bool same = true;
	for (int k = 0; k < 2; k++) {
		const mc_buf *ar = k ? &b : &a;
		char err[256];
		mc_unzip *u = mc_unzip_open_mem(ar->data, ar->len, err,
		                                sizeof err);
		same &= u && mc_unzip_count(u) == mc_zip_nmemos + 1;
		for (size_t i = 0; same && i < mc_zip_nmemos; i++) {
			char name[32];
			snprintf(name, sizeof name, "m%zu", i);
			mc_unzip_file *f =
				mc_unzip_fopen(u, name, err, sizeof err);
			mc_buf got = MC_BUF_INIT;
			char chunk[4096];
			size_t n = 0;
			while (f && mc_unzip_fread(f, chunk, sizeof chunk, &n,
			                           err, sizeof err) == 0 &&
			       n > 0)
				mc_buf_put(&got, chunk, n);
			same = f && got.len == mc_zip_memos[i].len &&
			       memcmp(got.data, mc_zip_memos[i].data,
			              got.len) == 0;
			mc_unzip_fclose(f);
			mc_buf_free(&got);
		}
		mc_unzip_close(u);
	}
	CHECK(same, "zip memo: its parts read back as they were, with the "
	            "memo and without");
	mc_buf_free(&a);
	mc_buf_free(&b);
}

static void zip_tests(void)
{
	mc_buf a = MC_BUF_INIT, b = MC_BUF_INIT;
	setenv("TZ", "UTC", 1);
	tzset();
	CHECK(make(&a) == 0, "zip: archives are written");
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	CHECK(make(&b) == 0, "zip: archives are written in another time zone");
	CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
	      "zip: same entries give identical bytes in any time zone");
	/* 2026-03-08 02:30 UTC: New York's clocks skip 02:00-03:00 local
	 * that day, and libzip's mktime/localtime would make it 03:30 */
	mc_buf g1 = MC_BUF_INIT, g2 = MC_BUF_INIT;
	setenv("TZ", "UTC", 1);
	tzset();
	int r1 = make_at(&g1, 1772937000);
	setenv("TZ", "America/New_York", 1);
	tzset();
	int r2 = make_at(&g2, 1772937000);
	const unsigned char *g = (const unsigned char *)g1.data;
	CHECK(r1 == 0 && r2 == 0 && g1.len == g2.len &&
	              memcmp(g1.data, g2.data, g1.len) == 0 &&
	              (g[10] | g[11] << 8) == (2u << 11 | 30u << 5),
	      "zip: a time in a daylight saving gap stays as it is in UTC");
	mc_buf_free(&g1);
	mc_buf_free(&g2);
	/* 1700000000 is 2023-11-14 22:13:20 UTC: DOS time and date */
	const unsigned char *h = (const unsigned char *)a.data;
	unsigned dt = h[10] | h[11] << 8, dd = h[12] | h[13] << 8;
	CHECK(a.len > 14 && dt == (22u << 11 | 13u << 5 | 10u) &&
	              dd == ((2023u - 1980u) << 9 | 11u << 5 | 14u),
	      "zip: entries are dated in UTC");
	/* the first local header: stored "mimetype", no extra field */
	const unsigned char *p = (const unsigned char *)a.data;
	CHECK(a.len > 38 && memcmp(p, "PK\3\4", 4) == 0 && p[8] == 0 &&
	              p[9] == 0 && p[26] == 8 && p[27] == 0 && p[28] == 0 &&
	              p[29] == 0 && memcmp(p + 30, "mimetype", 8) == 0 &&
	              memcmp(p + 38, "application/epub+zip", 20) == 0,
	      "zip: mimetype first, stored, no extra field, readable at 38");

	/* the archive goes after what the buffer holds (libzip writes it
	 * there itself) */
	mc_buf pre = MC_BUF_INIT;
	mc_buf_puts(&pre, "before");
	setenv("TZ", "UTC", 1);
	tzset();
	CHECK(make(&pre) == 0 && pre.len == 6 + a.len &&
	              memcmp(pre.data, "before", 6) == 0 &&
	              memcmp(pre.data + 6, a.data, a.len) == 0 &&
	              pre.data[pre.len] == '\0',
	      "zip: an archive is appended to the buffer, the same bytes");
	mc_buf_free(&pre);

	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(a.data, a.len, 0, &ze);
	zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	CHECK(za && zip_get_num_entries(za, 0) == 2, "zip: libzip reads 2 entries");
	if (za) {
		zip_stat_t st;
		zip_stat_init(&st);
		CHECK(zip_stat_index(za, 1, 0, &st) == 0 &&
		              strcmp(st.name, "a/b.txt") == 0 &&
		              st.comp_method == ZIP_CM_DEFLATE &&
		              st.mtime != (time_t)-1,
		      "zip: second entry deflated with its name");
		char buf[64] = {0};
		zip_file_t *f = zip_fopen_index(za, 1, 0);
		zip_int64_t n = f ? zip_fread(f, buf, sizeof buf - 1) : -1;
		if (f)
			zip_fclose(f);
		CHECK(n == 48 && strncmp(buf, "repeat", 6) == 0,
		      "zip: content reads back");
		zip_close(za);
	} else if (src) {
		zip_source_free(src);
	}
	zip_error_fini(&ze);

	/* the reader (collect's): the same archive through util/zip.h */
	char err[256];
	mc_unzip *u = mc_unzip_open_mem(a.data, a.len, err, sizeof err);
	CHECK(u && mc_unzip_count(u) == 2 &&
	              strcmp(mc_unzip_name(u, 0), "mimetype") == 0 &&
	              strcmp(mc_unzip_name(u, 1), "a/b.txt") == 0 &&
	              mc_unzip_name(u, 2) == NULL,
	      "unzip: entries listed in order, with their names");
	if (u) {
		mc_buf got = MC_BUF_INIT;
		mc_unzip_file *f = mc_unzip_fopen(u, "a/b.txt", err, sizeof err);
		int rc = f ? 0 : -1;
		for (size_t n = 1; rc == 0 && n;) {
			char small[5]; /* several reads */
			rc = mc_unzip_fread(f, small, sizeof small, &n, err,
			                    sizeof err);
			mc_buf_put(&got, small, n);
		}
		mc_unzip_fclose(f);
		CHECK(rc == 0 && got.len == 48 &&
		              memcmp(got.data, "repeat repeat", 13) == 0,
		      "unzip: a deflated entry reads back in pieces");
		mc_buf_free(&got);
		err[0] = '\0';
		CHECK(mc_unzip_fopen(u, "no/such", err, sizeof err) == NULL &&
		              err[0],
		      "unzip: a missing entry is an error with a message");
		mc_unzip_close(u);
	}
	err[0] = '\0';
	CHECK(mc_unzip_open_mem("not a zip", 9, err, sizeof err) == NULL &&
	              err[0],
	      "unzip: bytes that are no archive are an error with a message");
	err[0] = '\0';
	CHECK(mc_unzip_open("no/such/archive.zip", err, sizeof err) == NULL &&
	              err[0],
	      "unzip: a missing file is an error with a message");
	mc_unzip_fclose(NULL);
	mc_unzip_close(NULL);

	mc_zip *z = mc_zip_new(err, sizeof err);
	mc_zip_add(z, "x", "1", 1, true, err, sizeof err);
	CHECK(mc_zip_add(z, "x", "2", 1, true, err, sizeof err) == -1,
	      "zip: a name added twice is an error");
	mc_zip_free(z);
	mc_buf_free(&a);
	mc_buf_free(&b);
}

/* mc_json_str(s[0..n), flags) is exactly want. */
static bool json_is(const char *s, size_t n, unsigned flags,
                    const char *want)
{
	mc_buf b = MC_BUF_INIT;
	mc_json_str(&b, s, n, flags);
	bool ok = b.data && b.len == strlen(want) && !memcmp(b.data, want, b.len);
	if (!ok)
		printf("  got %s\n", b.data ? b.data : "(nothing)");
	mc_buf_free(&b);
	return ok;
}

static void json_tests(void)
{
	/* the bytes every flag treats alike */
	const char all[] = "a\"b\\c/d\ne\x01\x1f\x00z";
	const size_t n = sizeof all - 1; /* the NUL inside counts */
	CHECK(json_is(all, n, 0, "\"a\\\"b\\\\c/d\\ne\\u0001\\u001f"
	                         "\\u0000z\""),
	      "json: quote, backslash, newline, other controls as \\u00XX "
	      "(a NUL too), '/' as is");
	CHECK(json_is(all, n, MC_JSON_MODEL,
	              "\"a\\\"b\\\\c/d\\ne\\u0001\\u001f\\u0000z\""),
	      "json: the flags change nothing else");
	CHECK(json_is("\t\r", 2, 0, "\"\\u0009\\u000d\"") &&
	              json_is("\t\r", 2, MC_JSON_SHORT_TR, "\"\\t\\r\""),
	      "json: tab and CR as \\u0009/\\u000d, or \\t/\\r with "
	      "MC_JSON_SHORT_TR");
	CHECK(json_is("\x7f", 1, 0, "\"\x7f\"") &&
	              json_is("\x7f", 1, MC_JSON_DEL, "\"\\u007f\""),
	      "json: DEL as is, or \\u007f with MC_JSON_DEL");
	/* é, an overlong '/', a lone continuation byte, a cut sequence */
	const char u[] = "\xC3\xA9\xC0\xAF\x80\xE2\x80";
	CHECK(json_is(u, sizeof u - 1, 0, "\"\xC3\xA9\xC0\xAF\x80\xE2\x80\""),
	      "json: bytes from 0x80 copied as they are without MC_JSON_UTF8");
	CHECK(json_is(u, sizeof u - 1, MC_JSON_UTF8,
	              "\"\xC3\xA9\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\""),
	      "json: valid UTF-8 kept, each invalid byte \\ufffd with "
	      "MC_JSON_UTF8");
	CHECK(json_is("", 0, MC_JSON_MODEL, "\"\""), "json: the empty string");
	mc_buf b = MC_BUF_INIT;
	mc_json_cstr(&b, NULL, 0);
	mc_json_cstr(&b, "x\ty", MC_JSON_SHORT_TR);
	CHECK(b.data && !strcmp(b.data, "null\"x\\ty\""),
	      "json: mc_json_cstr: NULL as null, a C string up to its NUL");
	mc_buf_free(&b);
}

/* The slug rule `which` (k kramdown, j jekyll with mode, f field with
 * max) of s appended after "x" is exactly "x" want. */
static bool slug_is(char which, const char *s, const char *mode, size_t max,
                    const char *want)
{
	mc_buf b = MC_BUF_INIT;
	mc_buf_putc(&b, 'x'); /* appended: what is there stays */
	if (which == 'k')
		mc_slug_kramdown(&b, s, strlen(s));
	else if (which == 'j')
		mc_slug_jekyll(&b, s, strlen(s), mode);
	else
		mc_field_slug(s, &b, max);
	bool ok = b.data && b.data[0] == 'x' && !strcmp(b.data + 1, want);
	if (!ok)
		printf("  got %s\n", b.data ? b.data + 1 : "(nothing)");
	mc_buf_free(&b);
	return ok;
}

static void slug_tests(void)
{
	CHECK(slug_is('k', "1. Hello, World \xE2\x80\x94 Again", NULL, 0,
	              "hello-world-----again"),
	      "slug: kramdown drops leading non-letters and punctuation, "
	      "an em dash is ---");
	CHECK(slug_is('k', "A \xE2\x80\x93 B_c", NULL, 0, "a----bc") &&
	              slug_is('k', "Caf\xC3\xA9 au lait", NULL, 0,
	                      "caf-au-lait"),
	      "slug: kramdown: an en dash is --, '_' and non-ASCII dropped");
	CHECK(slug_is('k', "", NULL, 0, "section") &&
	              slug_is('k', "2024!", NULL, 0, "section"),
	      "slug: kramdown: \"section\" when nothing is left");
	CHECK(slug_is('j', " Hello, World! ", NULL, 0, "hello-world") &&
	              slug_is('j', "Hello, World!", "nonsense", 0,
	                      "hello-world"),
	      "slug: Jekyll's default mode (also for an unknown mode)");
	CHECK(slug_is('j', "Hello, World!", "pretty", 0, "hello,-world!") &&
	              slug_is('j', "a/b c", "raw", 0, "a/b-c") &&
	              slug_is('j', "A b", "none", 0, "a b"),
	      "slug: Jekyll's pretty, raw and none modes");
	CHECK(slug_is('j', "Caf\xC3\xA9 Cr\xC3\xA8me", NULL, 0,
	              "caf\xC3\xA9-cr\xC3\xA8me"),
	      "slug: Jekyll keeps non-ASCII");
	CHECK(slug_is('f', "Worksheet 2: Your goals\xE2\x80\xA6", NULL, 60,
	              "worksheet-2-your-goals") &&
	              slug_is('f', "a.b", NULL, 60, "a-b"),
	      "slug: field names: an ellipsis is a separator, no '.'");
	CHECK(slug_is('f', "abc def", NULL, 5, "abc-d") &&
	              slug_is('f', NULL, NULL, 40, "worksheet") &&
	              slug_is('f', "!!", NULL, 40, "worksheet"),
	      "slug: field names: cut at max, \"worksheet\" when empty");
}

static void hashset_tests(void)
{
	mc_hashset s;
	mc_hashset_init(&s, false);
	CHECK(!mc_hashset_get(&s, "a") && !mc_hashset_ref(&s, "a"),
	      "hashset: an empty set has nothing");
	static char keys[1000][16];
	for (int i = 0; i < 1000; i++) {
		snprintf(keys[i], sizeof keys[i], "k%d", i);
		mc_hashset_put(&s, keys[i], (void *)(uintptr_t)(i + 1));
	}
	bool all = s.n == 1000 && s.cap >= 2000;
	for (int i = 0; i < 1000 && all; i++) {
		char k[16]; /* another copy: string keys compare by content */
		snprintf(k, sizeof k, "k%d", i);
		all = (uintptr_t)mc_hashset_get(&s, k) == (uintptr_t)(i + 1);
	}
	CHECK(all && !mc_hashset_get(&s, "k1000"),
	      "hashset: 1000 string keys found by content through growth, "
	      "at most half full");
	mc_hashset_put(&s, "k7", (void *)(uintptr_t)70);
	void **v = mc_hashset_ref(&s, "k8");
	if (v)
		*v = (void *)(uintptr_t)80;
	CHECK(s.n == 1000 && (uintptr_t)mc_hashset_get(&s, "k7") == 70 &&
	              (uintptr_t)mc_hashset_get(&s, "k8") == 80,
	      "hashset: put replaces a value, ref changes it in place");
	mc_hashset_free(&s);
	CHECK(!s.cap && !s.n && !mc_hashset_get(&s, "k1"),
	      "hashset: freed, empty again");

	mc_hashset_init(&s, true);
	char a[] = "same", b[] = "same";
	mc_hashset_put(&s, a, a);
	CHECK(mc_hashset_get(&s, a) == a && !mc_hashset_get(&s, b),
	      "hashset: pointer keys compare by address");
	mc_hashset_free(&s);
	CHECK(s.ptr_keys, "hashset: free keeps the kind of keys");
}

static void utf8_tests(void)
{
	static const struct {
		const char *s;
		size_t len;
	} seqs[] = {
		{"a", 1}, {"\xC3\xA9", 2}, {"\xE2\x80\x94", 3},
		{"\xF4\x8F\xBF\xBF", 4},       /* U+10FFFF */
		{"\xC0\xAF", 0},                 /* overlong */
		{"\xE0\x80\xAF", 0},            /* overlong */
		{"\xED\xA0\x80", 0},            /* surrogate */
		{"\xF4\x90\x80\x80", 0},       /* past U+10FFFF */
		{"\xEF\xBF", 0},                 /* cut short */
		{"\x80", 0}, {"\xFF", 0},
	};
	int ok = 1;
	for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++)
		ok &= mc_utf8_len((const unsigned char *)seqs[i].s,
		                  strlen(seqs[i].s)) == seqs[i].len;
	CHECK(ok, "utf8: valid, overlong, surrogate, too large and cut "
	          "sequences");
	uint32_t cp = 0;
	CHECK(mc_utf8_decode((const unsigned char *)"\xF0\x9F\x98\x80", 4,
	                     &cp) == 4 && cp == 0x1F600,
	      "utf8: decodes a 4-byte character");
	mc_buf b = MC_BUF_INIT;
	mc_utf8_repair(&b, "a\xEF\xBF]\xC3\xA9", 6);
	CHECK(b.len == 10 && memcmp(b.data, "a\xEF\xBF\xBD\xEF\xBF\xBD]"
	                                    "\xC3\xA9", 10) == 0,
	      "utf8: each invalid byte becomes U+FFFD");
	char nc[] = "a\xEF\xBF\xBF b\xEF\xBF\xBE\xEF\xBF\xBD";
	CHECK(mc_utf8_has_nonchar(nc, strlen(nc)) &&
	              !mc_utf8_has_nonchar("a\xEF\xBF\xBD", 4),
	      "utf8: U+FFFE and U+FFFF are found, U+FFFD is not");
	mc_utf8_replace_nonchars(nc, strlen(nc));
	CHECK(strcmp(nc, "a\xEF\xBF\xBD b\xEF\xBF\xBD\xEF\xBF\xBD") == 0,
	      "utf8: U+FFFE and U+FFFF are overwritten with U+FFFD in place");
	uint16_t u[2] = {0, 0};
	CHECK(mc_utf16_put(0x41, u) == 1 && u[0] == 0x41 &&
	              mc_utf16_put(0xFFFD, u) == 1 && u[0] == 0xFFFD &&
	              mc_utf16_put(0x1F331, u) == 2 && u[0] == 0xD83C &&
	              u[1] == 0xDF31 && mc_utf16_put(0x10FFFF, u) == 2 &&
	              u[0] == 0xDBFF && u[1] == 0xDFFF &&
	              mc_utf16_put(0xD800, u) == 1 && u[0] == 0xFFFD &&
	              mc_utf16_put(0x110000, u) == 1 && u[0] == 0xFFFD,
	      "utf16: one unit in the BMP, a surrogate pair past it, U+FFFD "
	      "for a surrogate or past U+10FFFF");
	mc_buf_clear(&b);
	/* the XML writer too: a character cut in two is never written */
	mc_xml_escape(&b, "x\xEF]\xF4\x8F\xBF\xB1<", 8, false);
	CHECK(strcmp(b.data, "x\xEF\xBF\xBD]\xF4\x8F\xBF\xB1&lt;") == 0,
	      "xml: an invalid byte is written as U+FFFD");
	mc_buf_cut(&b, 1);
	CHECK(b.len == 1 && strcmp(b.data, "x") == 0,
	      "buf: cut back to its first bytes, still NUL-terminated");
	mc_buf_free(&b);
	mc_buf_cut(&b, 0); /* an empty buffer, with no data */
	CHECK(b.len == 0 && !b.data, "buf: an empty buffer cut to nothing");
	unsigned char w[4];
	mc_put_be32(w, 0x01020304u);
	CHECK(mc_be32(w) == 0x01020304u && w[0] == 1,
	      "bytes: a big-endian 32-bit number written reads back");
	mc_put_le16(w, 0xBEEFu);
	CHECK(mc_le16(w) == 0xBEEFu && w[0] == 0xEF,
	      "bytes: a little-endian 16-bit number written reads back");
}

static void image_tests(void)
{
	mc_image_info in;
	mc_image_why why;
	static const unsigned char png[] =
		"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\x01\x86\xa0\0\x01\x86\xa0"
		"\x08\x02\0\0\0";
	CHECK(mc_image_probe(png, sizeof png - 1, &in, &why) == -1 &&
	              in.kind == MC_IMAGE_PNG &&
	              strstr(why.text, "100000 x 100000 pixels, more than the "
	                               "limit of 64 megapixels"),
	      "image: a PNG header over the pixel limit names the limit");
	static const unsigned char jpg[] =
		"\xff\xd8\xff\xe0\0\x04xx\xff\xc0\0\x11\x08\x01\x00\x02\x00"
		"\x03\x01\x22\0\x02\x11\x01\x03\x11\x01";
	CHECK(mc_image_probe(jpg, sizeof jpg - 1, &in, &why) == 0 &&
	              in.kind == MC_IMAGE_JPEG && in.w == 512 && in.h == 256,
	      "image: a JPEG's size from its frame header");
	static const unsigned char gif[] = "GIF89a\x10\0\x08\0\0\0\0";
	CHECK(mc_image_probe(gif, sizeof gif - 1, &in, &why) == 0 &&
	              in.kind == MC_IMAGE_GIF && in.w == 16 && in.h == 8,
	      "image: a GIF's size from its screen descriptor");
	CHECK(mc_image_probe((const unsigned char *)"<html>", 6, &in, &why) ==
	                      -1 && in.kind == 0,
	      "image: HTML is not an image");
	mc_buf b = MC_BUF_INIT;
	CHECK(mc_image_read("/nonexistent/x.png", &b, &why) == -1 &&
	              b.len == 0 && why.text[0],
	      "image: a missing file is a reason, not a crash");
	CHECK(mc_image_read(".", &b, &why) == -1 &&
	              strcmp(why.text, "not a regular file") == 0,
	      "image: a directory is refused");
	mc_buf_free(&b);
}

static bool abs_is(const char *in, const char *want)
{
	char *a = mc_path_absolute(in);
	bool ok = a && strcmp(a, want) == 0;
	free(a);
	return ok;
}

static void confine_tests(void)
{
	CHECK(abs_is("/a/./b//c/../d/", "/a/b/d") && abs_is("/..", "/") &&
	              abs_is("/", "/") && abs_is("/a/b/../../..", "/"),
	      "confine: absolute paths are folded as cd folds them");
	char *cwd = getcwd(NULL, 0);
	char *a = mc_path_absolute("x/../y");
	size_t n = cwd ? strlen(cwd) : 0;
	CHECK(cwd && a && strncmp(a, cwd, n) == 0 &&
	              strcmp(a + n, "/y") == 0,
	      "confine: a relative path is put under the current folder");
	free(a);
	free(cwd);
	CHECK(mc_path_inside("/srv/site", "/srv/site") &&
	              mc_path_inside("/srv/site", "/srv/site/a/b") &&
	              !mc_path_inside("/srv/site", "/srv/site2/a") &&
	              !mc_path_inside("/srv/site", "/srv") &&
	              mc_path_inside("/", "/etc/passwd"),
	      "confine: inside means the root or under it, not a sibling "
	      "with the same prefix");
	char *real = NULL;
	char why[512];
	CHECK(mc_confine("/usr", "/etc/passwd", &real, why, sizeof why) ==
	                      -1 && !real &&
	              strstr(why, "outside the site root /usr"),
	      "confine: a file outside the root is refused with a reason");
	CHECK(mc_confine_open("/dev", "/dev/null", NULL, why, sizeof why) ==
	                      -1 && strstr(why, "not a regular file"),
	      "confine: a device inside the root is refused without "
	      "reading it");
	int fd = mc_confine_open("/etc", "/etc/passwd", &real, why,
	                         sizeof why);
	CHECK(fd >= 0 && real && strcmp(real, "/etc/passwd") == 0,
	      "confine: a regular file inside the root is opened");
	if (fd >= 0)
		close(fd);
	free(real);
}

/* mc_utc_tm against the C library's gmtime_r: every field, on every
 * day from 1600 to 2400 at a varying time, the era and leap-year edges,
 * and before 1970; mc_utc_iso8601's form and its clamping. */
static void utc_tests(void)
{
	static const int64_t edges[] = {
		0, -1, 86399, 86400, 951782400 /* 2000-02-29 */,
		951868800 /* 2000-03-01 */, 4107542400 /* 2100-03-01 */,
		-2208988800 /* 1900-01-01 */, -11676096000 /* 1600-01-01 */,
		253402300799 /* 9999-12-31T23:59:59 */, 1700000000};
	int bad = 0;
	int64_t first_bad = 0;
	for (size_t i = 0; i < sizeof edges / sizeof *edges + 292200; i++) {
		int64_t t = i < sizeof edges / sizeof *edges
		                    ? edges[i]
		                    : INT64_C(-11676096000) +
		                          (int64_t)(i - 11) * 86400 +
		                          (int64_t)(i * 7919 % 86400);
		time_t tt = (time_t)t;
		struct tm a, b;
		memset(&b, 0, sizeof b);
		if (!gmtime_r(&tt, &b) || mc_utc_tm(t, &a) != 0 ||
		    a.tm_year != b.tm_year || a.tm_mon != b.tm_mon ||
		    a.tm_mday != b.tm_mday || a.tm_hour != b.tm_hour ||
		    a.tm_min != b.tm_min || a.tm_sec != b.tm_sec ||
		    a.tm_wday != b.tm_wday || a.tm_yday != b.tm_yday ||
		    a.tm_isdst != 0) {
			if (!bad++)
				first_bad = t;
		}
	}
	if (bad)
		fprintf(stderr, "utc: %d differ, the first at %lld\n", bad,
		        (long long)first_bad);
	CHECK(bad == 0, "utc: mc_utc_tm gives gmtime_r's fields from 1600 "
	                "to 2400, at the era and leap-day edges");
	char d[21];
	mc_utc_iso8601(1700000000, d);
	CHECK(strcmp(d, "2023-11-14T22:13:20Z") == 0,
	      "utc: ISO 8601 form of SOURCE_DATE_EPOCH=1700000000");
	mc_utc_iso8601(-5, d);
	CHECK(strcmp(d, "1970-01-01T00:00:00Z") == 0,
	      "utc: a time before 1970 is written as the epoch");
	mc_utc_iso8601(INT64_C(253402300800), d);
	CHECK(strcmp(d, "1970-01-01T00:00:00Z") == 0,
	      "utc: a time past year 9999 is written as the epoch");
	mc_utc_iso8601(INT64_C(253402300799), d);
	CHECK(strcmp(d, "9999-12-31T23:59:59Z") == 0,
	      "utc: the last second of year 9999 is kept");
}

typedef struct sort_el {
	uint32_t key, seq;
	char pad[17]; /* (an odd size: swapped in pieces) */
} sort_el;

static int cmp_sort_el(const void *a, const void *b)
{
	const sort_el *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_sort_key(const void *a, const void *b)
{
	const sort_el *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* mc_sort against qsort: random keys (many equal), sorted and reversed
 * runs, sizes around the insertion-sort cut; with a total order the same
 * array as qsort's, with ties a sorted permutation. */
static void sort_tests(void)
{
	static const size_t sizes[] = {0, 1, 2, 3, 15, 16, 17, 100, 1000, 50000};
	uint32_t r = 12345;
	int bad_total = 0, bad_ties = 0;
	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
		size_t n = sizes[si];
		for (int shape = 0; shape < 4; shape++) {
			sort_el *a = calloc(n ? n : 1, sizeof *a);
			sort_el *b = calloc(n ? n : 1, sizeof *b);
			for (size_t i = 0; i < n; i++) {
				r = r * 1103515245u + 12345u;
				uint32_t k = shape == 0   ? (r >> 8) % 97
				             : shape == 1 ? (uint32_t)i
				             : shape == 2 ? (uint32_t)(n - i)
				                          : (uint32_t)(i % 7);
				a[i].key = k;
				a[i].seq = (uint32_t)i;
				a[i].pad[16] = (char)(i & 0x7f);
			}
			memcpy(b, a, n * sizeof *a);
			mc_sort(a, n, sizeof *a, cmp_sort_el);
			qsort(b, n, sizeof *b, cmp_sort_el);
			bad_total += n && memcmp(a, b, n * sizeof *a) != 0;
			/* ties: sorted by key, every seq once (from qsort's
			 * order shuffled) */
			memcpy(a, b, n * sizeof *a);
			for (size_t i = 0; i + 1 < n; i++) {
				size_t j = (i * 7919 + 13) % n;
				sort_el t = a[i];
				a[i] = a[j];
				a[j] = t;
			}
			mc_sort(a, n, sizeof *a, cmp_sort_key);
			unsigned char *seen = calloc(n ? n : 1, 1);
			for (size_t i = 0; i < n; i++) {
				if (i && a[i - 1].key > a[i].key)
					bad_ties++;
				if (a[i].seq >= n || seen[a[i].seq]++)
					bad_ties++;
			}
			free(seen);
			free(a);
			free(b);
		}
	}
	CHECK(bad_total == 0, "sort: mc_sort gives qsort's order for a total "
	                      "order (random, sorted, reversed, few keys; 0 to "
	                      "50,000 elements of 28 bytes)");
	CHECK(bad_ties == 0, "sort: with ties, a sorted permutation of the "
	                     "elements");
}

/* The same double, bit for bit (NaN: any NaN). */
static bool same_double(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return memcmp(&a, &b, sizeof a) == 0;
}

/* A double of random bits (any sign, exponent and fraction). */
static double random_double(uint64_t *st)
{
	*st = *st * 6364136223846793005ull + 1442695040888963407ull;
	uint64_t u = *st ^ (*st >> 29);
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

/* util/fmath.h gives libm's results, bit for bit. */
static void fmath_tests(void)
{
	static const double edge[] = {
		0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994,
		-0.49999999999999994, 1.0, -1.0, 0x1p52, -0x1p52, 0x1p52 + 1,
		0x1p52 - 0.5, -0x1p52 + 0.5, 0x1p53, 0x1p63, 1e300, -1e300,
		4.9e-324, -4.9e-324, 2.2250738585072014e-308, INFINITY, -INFINITY,
		NAN, 123456.5, -123456.5, 0.1, 2.675, 1e-7};
	size_t ne = sizeof edge / sizeof *edge;
	uint64_t st = 42;
	long bad_fr = 0, bad_l = 0, bad_mod = 0, n_fr = 0, n_mod = 0;
	for (long i = 0; i < 400000; i++) {
		double x = (size_t)i < ne ? edge[i]
		           : i % 2 ? random_double(&st)
		                   : (random_double(&st) > 0 ? 1 : -1) *
		                             (double)(i % 1000003) / 64.0;
		n_fr++;
		if (!same_double(mc_floor(x), floor(x)) ||
		    !same_double(mc_ceil(x), ceil(x)) ||
		    !same_double(mc_round(x), round(x)))
			bad_fr++;
		if (fabs(x) < 1e15 && mc_lround(x) != lround(x))
			bad_l++;
		for (size_t k = 0; k < 3; k++) {
			double y = k < 2 && (size_t)i < ne ? edge[(i + 7 * k + 3) % ne]
			           : k == 0 ? random_double(&st)
			           : k == 1 ? 3.0 + (double)(i % 97) / 8.0
			                    : x / 3.0 * (k == 2 ? 1e-200 : 1.0);
			n_mod++;
			if (!same_double(mc_fmod(x, y), fmod(x, y)))
				bad_mod++;
		}
	}
	char what[160];
	snprintf(what, sizeof what, "fmath: floor, ceil and round are libm's "
	         "on %ld doubles (edges, random bits, halves)", n_fr);
	CHECK(bad_fr == 0, what);
	CHECK(bad_l == 0, "fmath: lround is libm's");
	snprintf(what, sizeof what, "fmath: fmod is libm's on %ld pairs "
	         "(%ld differ)", n_mod, bad_mod);
	CHECK(bad_mod == 0, what);
	bool p10 = true;
	for (int n = -22; n <= 22; n++)
		p10 &= same_double(mc_pow10(n), pow(10, n));
	CHECK(p10, "fmath: 10^n is libm's pow(10, n) for n in -22..22");
	CHECK(mc_pow10(400) == 1e22 && mc_pow10(-400) == 1e-22,
	      "fmath: 10^n clamps n to -22..22");
	bool lin = true;
	for (unsigned v = 0; v < 256; v++) {
		double c = v / 255.0;
		double want = c <= 0.04045 ? c / 12.92
		                           : pow((c + 0.055) / 1.055, 2.4);
		lin &= same_double(mc_srgb_linear(v), want);
	}
	CHECK(lin, "fmath: the sRGB table is libm's pow for every 8-bit value");
}

/* Archives made at once on several threads as the process's first ones
 * (as a -j 2 batch does): libzip's zip_open_from_source set its statics
 * unlocked on its first call, and a thread in between failed with
 * "Read-only archive" (zip.c makes that first call once, before any). */
#define ZIP_THREADS 8
static pthread_barrier_t zip_start;

static void *zip_thread(void *arg)
{
	mc_buf *out = arg;
	pthread_barrier_wait(&zip_start);
	return (void *)(intptr_t)make(out);
}

static void zip_threads_tests(void)
{
	pthread_t th[ZIP_THREADS];
	mc_buf out[ZIP_THREADS];
	int ok = 0, started = 0;
	pthread_barrier_init(&zip_start, NULL, ZIP_THREADS);
	for (int i = 0; i < ZIP_THREADS; i++) {
		out[i] = (mc_buf)MC_BUF_INIT;
		started += pthread_create(&th[i], NULL, zip_thread, &out[i]) == 0;
	}
	bool done[ZIP_THREADS] = {false};
	for (int i = 0; i < started; i++) {
		void *rc = NULL;
		pthread_join(th[i], &rc);
		done[i] = rc == NULL && out[i].len > 0;
	}
	for (int i = 0; i < started; i++)
		ok += done[i] && out[i].len == out[0].len &&
		      memcmp(out[i].data, out[0].data, out[0].len) == 0;
	for (int i = 0; i < ZIP_THREADS; i++)
		mc_buf_free(&out[i]);
	pthread_barrier_destroy(&zip_start);
	CHECK(started == ZIP_THREADS && ok == ZIP_THREADS,
	      "zip: the process's first archives, made on 8 threads at once, "
	      "are all written, the same bytes");
}

int main(void)
{
	zip_threads_tests();
	fmath_tests();
	sort_tests();
	utc_tests();
	confine_tests();
	xml_tests();
	utf8_tests();
	json_tests();
	slug_tests();
	hashset_tests();
	image_tests();
	zip_tests();
	memo_tests();
	return unit_done(stdout, "unit_util");
}
