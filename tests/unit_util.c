/* unit_util.c - checks of the shared XML writer and ZIP wrapper. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "util/xml.h"
#include "util/zip.h"

static int failed, passed;

#define CHECK(cond, what)                                                  \
	do {                                                               \
		if (cond) {                                                \
			printf("PASS: %s\n", what);                        \
			passed++;                                          \
		} else {                                                   \
			printf("FAIL: %s\n", what);                        \
			failed++;                                          \
		}                                                          \
	} while (0)

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

static int make(mc_buf *out)
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
	return mc_zip_finish(z, 1700000000, out, err, sizeof err);
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

	char err[256];
	mc_zip *z = mc_zip_new(err, sizeof err);
	mc_zip_add(z, "x", "1", 1, true, err, sizeof err);
	CHECK(mc_zip_add(z, "x", "2", 1, true, err, sizeof err) == -1,
	      "zip: a name added twice is an error");
	mc_zip_free(z);
	mc_buf_free(&a);
	mc_buf_free(&b);
}

int main(void)
{
	xml_tests();
	zip_tests();
	printf("unit_util: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
