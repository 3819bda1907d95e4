/* unit_answers.c - the pure parts of `mentorconv collect`: CSV quoting
 * (RFC 4180), JSON strings, the fields' cleaning (trimmed ends, Word's
 * empty legacy field, invalid UTF-8) and the field name slugs. */
#include <stdlib.h>
#include <string.h>

#include "cli/answers.h"
#include "model/model.h"
#include "util/buf.h"
#include "util/json.h"

#include "unit.h"

#undef CHECK
#define CHECK(cond, what) CHECK_IN("answers", cond, what)

static bool csv_is(const char *in, const char *want)
{
	mc_buf b = MC_BUF_INIT;
	mc_csv_field(&b, in);
	mc_buf_putc(&b, '\0');
	bool ok = !strcmp(b.data, want);
	mc_buf_free(&b);
	return ok;
}

static bool json_is(const char *in, const char *want)
{
	mc_buf b = MC_BUF_INIT;
	mc_json_cstr(&b, in, MC_JSON_SHORT_TR); /* as collect writes */
	mc_buf_putc(&b, '\0');
	bool ok = !strcmp(b.data, want);
	mc_buf_free(&b);
	return ok;
}

static bool slug_is(const char *in, size_t max, const char *want)
{
	mc_buf b = MC_BUF_INIT;
	mc_field_slug(in, &b, max);
	mc_buf_putc(&b, '\0');
	bool ok = !strcmp(b.data, want);
	mc_buf_free(&b);
	return ok;
}

int main(void)
{
	CHECK(csv_is("plain", "plain"), "csv: a plain field is not quoted");
	CHECK(csv_is("", ""), "csv: an empty field is empty");
	CHECK(csv_is("a,b", "\"a,b\""), "csv: a comma is quoted");
	CHECK(csv_is("say \"hi\"", "\"say \"\"hi\"\"\""),
	      "csv: quotes are doubled inside quotes");
	CHECK(csv_is("one\ntwo", "\"one\ntwo\""), "csv: a line break is quoted");
	CHECK(csv_is("cr\r", "\"cr\r\""), "csv: a CR is quoted");
	CHECK(csv_is("Привет", "Привет"), "csv: UTF-8 as is");
	CHECK(json_is("a\"b\\c\nd\x01", "\"a\\\"b\\\\c\\nd\\u0001\""),
	      "json: quotes, backslashes, newlines, controls escaped");
	CHECK(json_is("مرحبا", "\"مرحبا\""), "json: UTF-8 as is");

	mc_fields f = {0};
	mc_fields_add(&f, " W ", "", "P", "\xe2\x80\x82\xe2\x80\x82 x \n");
	mc_fields_add(&f, NULL, NULL, NULL, "\xe2\x80\x82\xe2\x80\x82");
	mc_fields_add(&f, "", "", "", "bad \xff byte");
	CHECK(f.n == 3 && !strcmp(f.v[0].value, "x") &&
	      !strcmp(f.v[0].group, "W"),
	      "fields: white space and en spaces trimmed at the ends");
	CHECK(!strcmp(f.v[1].value, "") && !strcmp(f.v[1].group, ""),
	      "fields: Word's empty legacy result is empty; NULL is \"\"");
	CHECK(!strcmp(f.v[2].value, "bad \xef\xbf\xbd byte"),
	      "fields: invalid UTF-8 repaired");
	mc_fields_free(&f);
	CHECK(f.n == 0 && !f.v, "fields: freed");

	CHECK(slug_is("Worksheet #2: Your Experiences", 60,
	              "worksheet-2-your-experiences"),
	      "slug: lower case, runs of punctuation one '-'");
	CHECK(slug_is("When I was a mentee…", 60, "when-i-was-a-mentee"),
	      "slug: an ellipsis is a separator, none at the end");
	CHECK(slug_is("Что такое наставничество?", 60,
	              "Что-такое-наставничество"),
	      "slug: other scripts kept");
	CHECK(slug_is("a.b", 60, "a-b"), "slug: never a '.'");
	CHECK(slug_is("?!", 60, "worksheet"), "slug: empty gives worksheet");
	CHECK(slug_is("Пример", 5, "Пр"),
	      "slug: cut at a character boundary");
	return unit_done(stdout, "unit_answers");
}
