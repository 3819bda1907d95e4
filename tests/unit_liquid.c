/* unit_liquid.c - the Liquid interpreter (src/front/liquid.c) on small
 * templates, checked against what Liquid and Jekyll render.
 *
 * Each case runs mc_fe_liquid() on a body alone (no Markdown after it),
 * so the exact text Liquid produced is compared, white space included;
 * its warnings are captured and checked too.  A small site (_config.yml,
 * _data/, _includes/, a file outside it reached by a symbolic link) is
 * made in a temporary folder and removed at the end. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "front/internal.h"
#include "model/model.h"
#include "util/buf.h"
#include "util/diag.h"

static int npass, nfail;

static void check(bool ok, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void check(bool ok, const char *what, const char *fmt, ...)
{
	if (ok) {
		printf("PASS: %s\n", what);
		npass++;
		return;
	}
	char detail[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	printf("FAIL: %s (%s)\n", what, detail);
	nfail++;
}

/* ---- the test site ---------------------------------------------------- */

static char site[256], outside[300];
static char made[64][512]; /* created paths, removed in reverse */
static int nmade;

static void remember(const char *path)
{
	if (nmade < 64)
		snprintf(made[nmade++], sizeof made[0], "%s", path);
}

static void put(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", site, rel);
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
	remember(path);
}

static void dir(const char *rel)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", site, rel);
	if (mkdir(path, 0755) != 0) {
		perror(path);
		exit(2);
	}
	remember(path);
}

static void make_site(void)
{
	const char *tmp = getenv("TMPDIR");
	char t[256];
	snprintf(t, sizeof t, "%s/unit_liquid.XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(t)) {
		perror("mkdtemp");
		exit(2);
	}
	char *real = realpath(t, NULL);
	snprintf(site, sizeof site, "%s", real ? real : t);
	free(real);
	/* a file outside the site, next to it */
	snprintf(outside, sizeof outside, "%s.secret", site);
	FILE *f = fopen(outside, "wb");
	if (f) {
		fputs("SECRET TEXT\n", f);
		fclose(f);
	}
	put("_config.yml", "title: Liquid Site\nbaseurl: /course\n"
	                   "url: https://example.org\nnested:\n  k: v\n");
	dir("_data");
	put("_data/course.yml",
	    "title: C\nagenda:\n  module3:\n    sub_modules:\n      x:\n"
	    "        slide: slide-x.pdf\n");
	put("_data/dates.json",
	    "{\"m1\": [\"2024-01-01\", \"2024-02-03\"], \"n\": 3}");
	put("_data/people.csv", "name,role\nAnn,\"lead, main\"\nBob,helper\n");
	dir("_data/sub");
	put("_data/sub/deep.yml", "answer: 42\nflag: yes\nnothing: ~\n");
	put("_data/bad.yml", "a: [unclosed\n");
	dir("_includes");
	put("_includes/hello.md",
	    "Hello {{ include.who | default: \"nobody\" }}.\n");
	put("_includes/two.md", "line one\nline two\n");
	put("_includes/self.md", "x{% include self.md %}");
	put("_includes/setter.md", "{% assign leaked = \"yes\" %}");
	put("rel.md", "relative {{ include.n }}");
	/* a big mapping: 20000 keys */
	char bpath[512];
	snprintf(bpath, sizeof bpath, "%s/_data/big.yml", site);
	FILE *bf = fopen(bpath, "wb");
	if (bf) {
		for (int i = 0; i < 20000; i++)
			fprintf(bf, "k%d: v%d\n", i, i);
		fputs("k7: again\n", bf); /* a repeated key: the last wins */
		fclose(bf);
		remember(bpath);
	}
	char link[512];
	snprintf(link, sizeof link, "%s/_includes/evil.md", site);
	if (symlink(outside, link) == 0)
		remember(link);
}

static void remove_site(void)
{
	for (int i = nmade - 1; i >= 0; i--) {
		struct stat st;
		if (lstat(made[i], &st) == 0 && S_ISDIR(st.st_mode))
			rmdir(made[i]);
		else
			unlink(made[i]);
	}
	unlink(outside);
	rmdir(site);
}

/* ---- running a template ----------------------------------------------- */

typedef struct out {
	char *text;  /* what Liquid produced */
	char *warns; /* the messages, one a line */
	int nwarn;
	uint32_t lines[64]; /* source line of each output line */
	size_t nlines;
} out;

static out run_fm(const char *fm, const char *body)
{
	out o;
	memset(&o, 0, sizeof o);
	mc_fe fe;
	memset(&fe, 0, sizeof fe);
	fe.doc = mc_doc_new();
	fe.doc->meta.title = "";
	fe.doc->meta.source = "page.md";
	char *wbuf = NULL;
	size_t wlen = 0;
	FILE *mf = open_memstream(&wbuf, &wlen);
	mc_diag d;
	mc_diag_init(&d, mf, "page.md");
	fe.diag = &d;
	fe.root = site;
	fe.dir = site;
	fe.body = body;
	fe.bodylen = strlen(body);
	fe.body_line = fm ? 4 : 1; /* "---", one line of YAML, "---" */
	mc_fe_liquid(&fe, fm, fm ? strlen(fm) : 0, 2);
	fclose(mf);
	o.text = strndup(fe.body, fe.bodylen);
	o.warns = wbuf ? wbuf : strdup("");
	o.nwarn = d.nwarnings;
	for (size_t i = 0; i < fe.nliq && i < 64; i++)
		o.lines[o.nlines++] = fe.liq_line[i];
	free(fe.liquid_body);
	free(fe.liq_line);
	free(fe.liq_col);
	mc_doc_free(fe.doc);
	return o;
}

static out run(const char *body)
{
	return run_fm(NULL, body);
}

static void done(out *o)
{
	free(o->text);
	free(o->warns);
}

/* The output of body is want, with no warning. */
static void is(const char *what, const char *body, const char *want)
{
	out o = run(body);
	check(strcmp(o.text, want) == 0 && o.nwarn == 0, what,
	      "got \"%s\", want \"%s\"; %d warnings: %s", o.text, want,
	      o.nwarn, o.warns);
	done(&o);
}

/* The output is want, and a warning holds `warn`. */
static void warns(const char *what, const char *body, const char *want,
                  const char *warn)
{
	out o = run(body);
	check((!want || strcmp(o.text, want) == 0) && strstr(o.warns, warn),
	      what, "got \"%s\", want \"%s\"; warnings (want \"%s\"): %s",
	      o.text, want ? want : "(any)", warn, o.warns);
	done(&o);
}

/* ---- the cases -------------------------------------------------------- */

static void test_truthiness(void)
{
	is("empty string is truthy", "{% if \"\" %}y{% endif %}", "y");
	is("0 is truthy", "{% if 0 %}y{% endif %}", "y");
	is("nil is falsy", "{% if nil %}y{% else %}n{% endif %}", "n");
	is("false is falsy", "{% if false %}y{% else %}n{% endif %}", "n");
	is("an undefined variable is falsy, quietly",
	   "{% if no_such %}y{% else %}n{% endif %}", "n");
	is("empty array is truthy",
	   "{% assign a = \"\" | split: \",\" %}{% if a %}y{% endif %}", "y");
	is("== empty", "{% assign s = \"\" %}{% if s == empty %}e{% endif %}",
	   "e");
	is("blank", "{% assign s = \"  \" %}{% if s == blank %}b{% endif %}",
	   "b");
	is("unless", "{% unless false %}u{% endunless %}", "u");
	is("unless with else", "{% unless true %}u{% else %}e{% endunless %}",
	   "e");
	is("elsif", "{% if false %}a{% elsif 1 == 1 %}b{% else %}c{% endif %}",
	   "b");
}

static void test_operators(void)
{
	is("and/or from the right: false and false or true",
	   "{% if false and false or true %}y{% else %}n{% endif %}", "n");
	is("and/or from the right: true or false and false",
	   "{% if true or false and false %}y{% else %}n{% endif %}", "y");
	is("contains in a string",
	   "{% if \"hello\" contains \"ell\" %}y{% endif %}", "y");
	is("contains in an array",
	   "{% assign a = \"x,y\" | split: \",\" %}"
	   "{% if a contains \"y\" %}y{% endif %}",
	   "y");
	is("1 == 1.0", "{% if 1 == 1.0 %}y{% endif %}", "y");
	is("\"1\" != 1", "{% if \"1\" == 1 %}y{% else %}n{% endif %}", "n");
	is("<, >=, <>", "{% if 1 < 2 %}a{% endif %}{% if 2 >= 2 %}b{% endif %}"
	                "{% if 1 <> 2 %}c{% endif %}",
	   "abc");
	is("string order", "{% if \"abc\" < \"abd\" %}y{% endif %}", "y");
	warns("comparing a string with a number warns, is false",
	      "{% if \"a\" < 1 %}y{% else %}n{% endif %}", "n",
	      "cannot compare string with integer");
}

static void test_whitespace(void)
{
	is("{%- -%} strips newlines on both sides",
	   "a \n {%- if true -%} \n b \n {%- endif -%} \n c", "abc");
	is("{{- -}} strips", "x \n{{- 'y' -}}\n z", "xyz");
	is("plain tags keep white space", "a {% if true %} b {% endif %} c",
	   "a  b  c");
	is("{%- assign -%} leaves no line",
	   "one\n{%- assign v = 1 -%}\ntwo", "onetwo");
}

static void test_for(void)
{
	is("forloop.index and first",
	   "{% for i in (1..3) %}{{ forloop.index }}{{ forloop.first }} "
	   "{% endfor %}",
	   "1true 2false 3false ");
	is("forloop.last, length, rindex",
	   "{% for i in (1..3) %}{{ forloop.rindex }}/{{ forloop.length }}"
	   "{% if forloop.last %}!{% endif %}{% endfor %}",
	   "3/32/31/3!");
	is("limit and offset", "{% for i in (1..10) limit:3 offset:2 %}{{ i }}"
	                       "{% endfor %}",
	   "345");
	is("reversed after limit and offset",
	   "{% for i in (1..10) limit:3 offset:2 reversed %}{{ i }}{% endfor %}",
	   "543");
	is("range with a variable",
	   "{% assign n = 3 %}{% for i in (1..n) %}{{ i }}{% endfor %}", "123");
	warns("for over an undefined variable: else, and a warning",
	      "{% for i in nothing %}x{% else %}none{% endfor %}", "none",
	      "over 'nothing', which is not defined");
	is("for over an empty list: else, quietly",
	   "{% assign e = \"\" | split: \",\" %}"
	   "{% for i in e %}x{% else %}none{% endfor %}",
	   "none");
	is("break and continue",
	   "{% for i in (1..5) %}{% if i == 2 %}{% continue %}{% endif %}"
	   "{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}",
	   "13");
	is("parentloop",
	   "{% for a in (1..2) %}{% for b in (1..2) %}"
	   "{{ forloop.parentloop.index }}{{ b }} {% endfor %}{% endfor %}",
	   "11 12 21 22 ");
	is("for over a hash: key and value",
	   "{% for p in site.nested %}{{ p[0] }}={{ p[1] }}{% endfor %}", "k=v");
	is("for over CSV rows from _data",
	   "{% for p in site.data.people %}{{ p.name }}({{ p.role }}) "
	   "{% endfor %}",
	   "Ann(lead, main) Bob(helper) ");
	is("the loop variable is gone after the loop",
	   "{% for i in (1..2) %}{% endfor %}{% if i %}y{% else %}n{% endif %}",
	   "n");
	is("assign inside a loop is seen after it",
	   "{% for i in (1..2) %}{% assign last = i %}{% endfor %}{{ last }}",
	   "2");
	is("cycle", "{% for i in (1..4) %}{% cycle 'a', 'b' %}{% endfor %}",
	   "abab");
	is("increment and decrement",
	   "{% increment c %}{% increment c %}{% decrement d %}", "01-1");
}

static void test_lookups(void)
{
	is("bracket look-ups in _data",
	   "{{ site.data.course.agenda['module3'].sub_modules['x'].slide }}",
	   "slide-x.pdf");
	out o = run_fm("module: m1\n",
	               "{{ site.data.dates[page.module][1] }}");
	check(strcmp(o.text, "2024-02-03") == 0 && o.nwarn == 0,
	      "a[var][1]: a look-up by a page variable, then an index",
	      "got \"%s\": %s", o.text, o.warns);
	done(&o);
	is("size, first, last",
	   "{{ site.data.dates.m1.size }} {{ site.data.dates.m1.first }} "
	   "{{ site.data.dates.m1.last }}",
	   "2 2024-01-01 2024-02-03");
	is("negative index", "{{ site.data.dates.m1[-1] }}", "2024-02-03");
	is("JSON numbers stay numbers", "{{ site.data.dates.n | plus: 1 }}",
	   "4");
	is("a subfolder of _data nests; yes is true, ~ is nil",
	   "{{ site.data.sub.deep.answer }} {{ site.data.sub.deep.flag }}"
	   "{% if site.data.sub.deep.nothing == nil %} nil{% endif %}",
	   "42 true nil");
	is("string size counts characters", "{{ \"h\xC3\xA9\" | size }}", "2");
	is("site.* from _config.yml", "{{ site.title }} {{ site.baseurl }}",
	   "Liquid Site /course");
	o = run_fm("title: Page T\ntags: [a, b]\n",
	           "{{ page.title }} {{ page.tags | join: \"+\" }} {{ page.url }}");
	check(strcmp(o.text, "Page T a+b /page.html") == 0 && o.nwarn == 0,
	      "page.* from the front matter, page.url from the path",
	      "got \"%s\": %s", o.text, o.warns);
	done(&o);
	warns("an undefined variable printed: empty, and named",
	      "[{{ page.nope.deeper }}]", "[]", "'page.nope.deeper'");
	is("default: no warning", "{{ nope | default: \"d\" }}", "d");
	is("default \"\": no warning either", "[{{ nope | default: \"\" }}]",
	   "[]");
	time_t t0 = time(NULL);
	is("a mapping of 20000 keys: look-ups, size, a repeated key",
	   "{% for i in (1..3000) %}{% assign k = \"k\" | append: i %}"
	   "{% assign v = site.data.big[k] %}{% endfor %}{{ v }} "
	   "{{ site.data.big.size }} {{ site.data.big.k7 }}",
	   "v3000 20000 again");
	check(time(NULL) - t0 < 10, "a mapping of 20000 keys is quick",
	      "%ld s", (long)(time(NULL) - t0));
	warns("invalid YAML in _data: a warning, the rest still there",
	      "{{ site.data.bad }}{{ site.data.course.title }}", "C",
	      "bad.yml");
}

static void test_filters(void)
{
	is("relative_url", "{{ \"/img/a.png\" | relative_url }} "
	                   "{{ \"b.html\" | relative_url }}",
	   "/course/img/a.png /course/b.html");
	is("absolute_url", "{{ \"/x\" | absolute_url }}",
	   "https://example.org/course/x");
	is("relative_url keeps a full URL",
	   "{{ \"https://a.org/x\" | relative_url }}", "https://a.org/x");
	is("date", "{{ \"2024-03-05 14:07:09\" | date: \"%b %-d, %Y %H:%M\" }}",
	   "Mar 5, 2024 14:07");
	is("date: %A %B %e %j", "{{ \"2024-03-05\" | date: \"%A %B %e %j\" }}",
	   "Tuesday March  5 065");
	is("date_to_xmlschema", "{{ \"2024-03-05\" | date_to_xmlschema }}",
	   "2024-03-05T00:00:00+00:00");
	is("escape", "{{ \"<a href='x'>&</a>\" | escape }}",
	   "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
	is("downcase upcase capitalize",
	   "{{ \"AbC\" | downcase }} {{ \"AbC\" | upcase }} "
	   "{{ \"hELLO world\" | capitalize }}",
	   "abc ABC Hello world");
	is("split join reverse", "{{ \"a,b,c\" | split: \",\" | reverse | "
	                         "join: \"-\" }}",
	   "c-b-a");
	is("split on a space splits on runs", "{{ \" a  b \" | split: \" \" | "
	                                      "size }}",
	   "2");
	is("where", "{{ site.data.people | where: \"name\", \"Bob\" | map: "
	            "\"role\" | first }}",
	   "helper");
	is("where_exp", "{{ site.data.people | where_exp: \"p\", "
	                "\"p.role contains 'lead'\" | map: \"name\" | join }}",
	   "Ann");
	is("sort and map", "{{ site.data.people | sort: \"role\" | map: "
	                   "\"name\" | join: \",\" }}",
	   "Bob,Ann");
	is("sort numbers", "{{ \"10,9,100\" | split: \",\" | sort | join: \" \" }}",
	   "10 100 9");
	is("append prepend", "{{ \"b\" | append: \"c\" | prepend: \"a\" }}",
	   "abc");
	is("replace remove", "{{ \"a-b-c\" | replace: \"-\", \"+\" }} "
	                     "{{ \"a-b-c\" | remove: \"-\" }} "
	                     "{{ \"a-b-c\" | replace_first: \"-\", \"+\" }}",
	   "a+b+c abc a+b-c");
	is("strip strip_newlines", "[{{ \"  x \" | strip }}]"
	                           "[{{ \"a\nb\" | strip_newlines }}]",
	   "[x][ab]");
	is("strip_html", "{{ \"<p>Hi <b>you</b></p><script>x()</script>\" | "
	                 "strip_html }}",
	   "Hi you");
	is("truncate", "{{ \"Ground control to Major Tom.\" | truncate: 20 }}",
	   "Ground control to...");
	is("truncate, own ellipsis",
	   "{{ \"Ground control to Major Tom.\" | truncate: 25, \", and so on\" }}",
	   "Ground control, and so on");
	is("truncatewords", "{{ \"one two three four\" | truncatewords: 2 }}",
	   "one two...");
	is("plus minus times", "{{ 4 | plus: 2 }} {{ 4 | minus: 6 }} "
	                       "{{ 3 | times: 1.5 }} {{ \"3\" | times: 2 }}",
	   "6 -2 4.5 6");
	is("divided_by: integers floor", "{{ 10 | divided_by: 3 }} "
	                                 "{{ 10.0 | divided_by: 4 }} "
	                                 "{{ -7 | divided_by: 2 }}",
	   "3 2.5 -4");
	warns("divided_by: 0 warns", "{{ 1 | divided_by: 0 }}", "",
	      "division by zero");
	is("slugify", "{{ \"Hello, World! 2\" | slugify }}", "hello-world-2");
	is("markdownify: the Markdown itself",
	   "{{ \"**bold**\" | markdownify }}", "**bold**");
	is("jsonify", "{{ site.data.dates.m1 | jsonify }}",
	   "[\"2024-01-01\",\"2024-02-03\"]");
	is("xml_escape", "{{ \"a<b\" | xml_escape }}", "a&lt;b");
	is("uri_escape", "{{ \"a b/c?d=é\" | uri_escape }}",
	   "a%20b/c?d=%C3%A9");
	is("size first last filters",
	   "{{ \"x,y,z\" | split: \",\" | size }}"
	   "{{ \"x,y,z\" | split: \",\" | first }}"
	   "{{ \"x,y,z\" | split: \",\" | last }}",
	   "3xz");
	is("first and last of a string: nothing (Liquid 4)",
	   "[{{ \"abc\" | first }}{{ \"abc\" | last }}]", "[]");
	is("default on empty and false",
	   "{{ \"\" | default: \"d\" }}{{ false | default: \"f\" }}"
	   "{{ 0 | default: \"z\" }}",
	   "df0");
	out o = run("{{ \"x\" | frobnicate }} {{ \"y\" | frobnicate }}");
	check(strcmp(o.text, "x y") == 0 && o.nwarn == 1 &&
	              strstr(o.warns, "'frobnicate'"),
	      "an unknown filter: the value passes, one warning naming it",
	      "got \"%s\", %d warnings: %s", o.text, o.nwarn, o.warns);
	done(&o);
	is("array output joins", "{{ site.data.dates.m1 }}",
	   "2024-01-012024-02-03");
	is("float output", "{{ 2.0 }} {{ 0.1 | plus: 0.2 | round: 2 }}",
	   "2.0 0.3");
}

static void test_tags(void)
{
	is("assign with filters", "{% assign x = \"hi\" | upcase %}{{ x }}",
	   "HI");
	is("capture keeps newlines",
	   "{% capture c %}a\nb{% endcapture %}[{{ c }}]", "[a\nb]");
	is("case/when with a list and else",
	   "{% case 2 %}{% when 1 %}one{% when 2, 3 %}two{% else %}other"
	   "{% endcase %}{% case 9 %}{% when 1 %}one{% else %}other"
	   "{% endcase %}",
	   "twoother");
	is("case/when with or", "{% case \"b\" %}{% when \"a\" or \"b\" %}ab"
	                        "{% endcase %}",
	   "ab");
	is("comment", "a{% comment %}gone {% if %}{% endcomment %}b", "ab");
	is("raw", "{% raw %}{{ kept }} {% if %}{% endraw %}", "{{ kept }} {% if %}");
	is("inline comment", "a{% # a note %}b", "ab");
	is("empty output", "a{{ }}b{{}}c", "abc");
	is("highlight: a fenced code block with the language",
	   "{% highlight html linenos %}\n<h1>T</h1>\n{% endhighlight %}\n",
	   "```html linenos\n<h1>T</h1>\n```\n");
	is("highlight: fence longer than backticks inside, raw inside kept",
	   "{% highlight md %}\n```\n{% raw %}{{ x }}{% endraw %}\n"
	   "{% endhighlight %}\n",
	   "````md\n```\n{{ x }}\n````\n");
	is("highlight: Liquid inside is rendered (as Jekyll does)",
	   "{% highlight text %}\n{{ 1 | plus: 1 }}\n{% endhighlight %}\n",
	   "```text\n2\n```\n");
	is("highlight: at the tag's indentation in a list",
	   "1. item\n\n   {% highlight ruby %}\n   def a\n   end\n"
	   "   {% endhighlight %}\n",
	   "1. item\n\n   ```ruby\n   def a\n   end\n   ```\n");
	is("highlight after text on a line starts a new line",
	   "see {% highlight js %}x(){% endhighlight %} then",
	   "see \n```js\nx()\n```\n then");
	is("link", "{% link rel.md %}", "/course/rel.html");
	is("post_url", "{% post_url 2010-07-21-name %}",
	   "/course/2010/07/21/name.html");
	out o = run("A {% seo %} B");
	check(strcmp(o.text, "A  B") == 0 && strstr(o.warns, "page.md:1:3:") &&
	              strstr(o.warns, "'{% seo %}' is not supported"),
	      "an unknown tag: warned at its line:col, left out",
	      "got \"%s\": %s", o.text, o.warns);
	done(&o);
	o = run("{% for i in (1..5) %}{{ page.gone }}{% endfor %}");
	check(o.nwarn == 1, "a warning in a loop is given once",
	      "%d warnings: %s", o.nwarn, o.warns);
	done(&o);
	warns("an unknown block: its words counted",
	      "{% mything x %}one two three{% endmything %}after", "after",
	      "3 words left out");
}

static void test_includes(void)
{
	is("include with a parameter", "{% include hello.md who=\"Jo\" %}",
	   "Hello Jo.\n");
	is("include with a variable parameter",
	   "{% assign n = \"Al\" %}{% include hello.md who=n %}", "Hello Al.\n");
	is("include without the parameter",
	   "{% include hello.md %}", "Hello nobody.\n");
	out o = run_fm("inc: hello.md\n", "{% include {{ page.inc }} who='V' %}");
	check(strcmp(o.text, "Hello V.\n") == 0 && o.nwarn == 0,
	      "include with the file name in a variable", "got \"%s\": %s",
	      o.text, o.warns);
	done(&o);
	is("include_relative", "{% include_relative rel.md n=2 %}",
	   "relative 2");
	is("an assign inside an include is seen after it",
	   "{% include setter.md %}{{ leaked }}", "yes");
	warns("an include of itself stops at the depth limit",
	      "{% include self.md %}", "xxxxxxxxxx", "nested deeper than 10");
	warns("include ../: refused, nothing included",
	      "a{% include ../x.md %}b", "ab", "not a file name");
	warns("include through a symbolic link outside the root: refused",
	      "a{% include evil.md %}b", "ab", "outside the site root");
	o = run("a{% include evil.md %}b");
	check(!strstr(o.text, "SECRET"), "nothing of the outside file is used",
	      "got \"%s\"", o.text);
	done(&o);
	warns("a missing include: a warning", "a{% include nope.md %}b", "ab",
	      "not found");
	/* the line map: included lines map to the include tag's line */
	o = run("a\n{% include two.md %}b\nc\n");
	check(strcmp(o.text, "a\nline one\nline two\nb\nc\n") == 0 &&
	              o.nlines == 5 && o.lines[0] == 1 && o.lines[1] == 2 &&
	              o.lines[2] == 2 && o.lines[3] == 2 && o.lines[4] == 3,
	      "line map: included lines map to the include's line",
	      "got \"%s\", %zu lines: %u %u %u %u %u", o.text, o.nlines,
	      o.lines[0], o.lines[1], o.lines[2], o.lines[3], o.lines[4]);
	done(&o);
	o = run("{% capture c %}\n\n\n{% endcapture %}x\n{%- if true -%}\n\ny"
	        "\n");
	check(strcmp(o.text, "xy\n") == 0 && o.nlines == 1 && o.lines[0] == 4,
	      "line map: lines removed by capture and trimming",
	      "got \"%s\", %zu lines, first %u", o.text, o.nlines, o.lines[0]);
	done(&o);
	o = run_fm("k: v\n", "one\n{% for i in (1..3) %}\nrow {{ i }}{% endfor "
	                     "%}\nlast\n");
	check(o.nlines == 6 && o.lines[0] == 4 && o.lines[1] == 5 &&
	              o.lines[2] == 6 && o.lines[4] == 6 && o.lines[5] == 7,
	      "line map: loop lines map to the body's lines, after the "
	      "front matter",
	      "%zu lines: %u %u %u %u %u %u; \"%s\"", o.nlines, o.lines[0],
	      o.lines[1], o.lines[2], o.lines[3], o.lines[4], o.lines[5],
	      o.text);
	done(&o);
}

static void test_errors(void)
{
	warns("an unclosed if: warned, its content kept",
	      "{% if false %}kept\nmore", "kept\nmore", "page.md:1:1:");
	warns("an unclosed if says so", "{% if true %}x", "x",
	      "'{% if %}' is never closed");
	warns("endfor without for: warned, ignored", "a{% endfor %}b", "ab",
	      "without an open '{% for %}'");
	warns("endif closing an inner for: both warned",
	      "{% if true %}{% for i in (1..2) %}a{% endif %}b", "ab",
	      "'{% for %}' is never closed");
	warns("else outside a block", "a{% else %}b", "ab", "outside the block");
	warns("break outside a loop: ignored, the page goes on",
	      "a{% break %}b", "ab", "outside a for loop");
	is("break inside a capture inside a loop",
	   "{% for i in (1..3) %}{% capture c %}x{{ i }}{% break %}y"
	   "{% endcapture %}[{{ c }}]{% endfor %}{{ c }}",
	   "x1");
	warns("an unclosed {{ is kept as text", "a {{ b", "a {{ b",
	      "never closed by '}}'");
	warns("an unclosed raw", "{% raw %}x {{ y }}", "x {{ y }}",
	      "'{% raw %}' is never closed");
	warns("a syntax error in a condition",
	      "{% if 1 == %}y{% else %}n{% endif %}", NULL, "syntax error");
	warns("for without in", "{% for x %}y{% endfor %}", "", "syntax error");
	warns("a comment never closed", "a{% comment %}b", "a",
	      "'{% comment %}' is never closed");
}

static void test_limits(void)
{
	time_t t0 = time(NULL);
	out o = run("{% for i in (1..100000) %}{% for j in (1..100000) %}x"
	            "{% endfor %}{% endfor %}");
	check(strstr(o.warns, "Liquid stopped") && time(NULL) - t0 < 30,
	      "a runaway loop stops with a warning", "%zu bytes, %s",
	      strlen(o.text), o.warns);
	done(&o);
	t0 = time(NULL);
	o = run("{% assign s = \"xxxxxxxxxxxxxxxx\" %}{% for i in (1..60) %}"
	        "{% assign s = s | append: s %}{% endfor %}{{ s | size }}");
	check(strstr(o.warns, "Liquid stopped") && time(NULL) - t0 < 30,
	      "a string doubling in a loop stops at the output cap", "%s",
	      o.warns);
	done(&o);
	/* deep brackets and many blocks: no crash */
	size_t n = 200000;
	char *deep = malloc(3 * n + 16);
	strcpy(deep, "{{ a");
	size_t k = strlen(deep);
	for (size_t i = 0; i < n; i++)
		deep[k++] = '[';
	strcpy(deep + k, " }}");
	o = run(deep);
	check(o.nwarn >= 1, "200000 nested brackets: a warning, no crash",
	      "%d warnings", o.nwarn);
	done(&o);
	k = 0;
	for (size_t i = 0; i < 20000; i++) {
		memcpy(deep + k, "{% if true %}", 13);
		k += 13;
		if (k + 16 > 3 * n)
			break;
	}
	deep[k] = '\0';
	o = run(deep);
	check(strstr(o.warns, "nested deeper than 100") != NULL,
	      "blocks nested 20000 deep: a warning, no crash", "%.200s",
	      o.warns);
	done(&o);
	free(deep);
	/* YAML aliases: a billion leaves behind nine levels of nine */
	mc_buf fm = MC_BUF_INIT;
	mc_buf_puts(&fm, "a: &a [\"\", \"\", \"\", \"\", \"\", \"\", "
	                 "\"\", \"\", \"\"]\n");
	for (char ch = 'b'; ch <= 'j'; ch++) {
		mc_buf_printf(&fm, "%c: &%c [", ch, ch);
		for (int i = 0; i < 9; i++)
			mc_buf_printf(&fm, "%s*%c", i ? ", " : "", ch - 1);
		mc_buf_puts(&fm, "]\n");
	}
	t0 = time(NULL);
	o = run_fm(fm.data, "[{{ page.j }}]{% if page.j == page.j %}eq{% endif %}"
	                    "{{ page.j | jsonify | size }}");
	check(strstr(o.warns, "Liquid stopped") && time(NULL) - t0 < 30,
	      "an alias bomb in the front matter stops with a warning",
	      "%ld s: %s", (long)(time(NULL) - t0), o.warns);
	done(&o);
	mc_buf_free(&fm);
	o = run("{{ (1..100000000) | size }}");
	check(strstr(o.warns, "Liquid stopped") != NULL,
	      "a huge range stops with a warning", "%s", o.warns);
	done(&o);
}

int main(void)
{
	unsetenv("SOURCE_DATE_EPOCH");
	make_site();
	test_truthiness();
	test_operators();
	test_whitespace();
	test_for();
	test_lookups();
	test_filters();
	test_tags();
	test_includes();
	test_errors();
	test_limits();
	out o = run("{{ \"now\" | date: \"%Y\" }} {{ site.time | date: \"%Y\" }}");
	check(strcmp(o.text, "2000 2000") == 0,
	      "now without SOURCE_DATE_EPOCH: a fixed date", "got \"%s\"",
	      o.text);
	done(&o);
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	o = run("{{ \"now\" | date: \"%Y-%m-%d\" }}");
	check(strcmp(o.text, "2023-11-14") == 0,
	      "now from SOURCE_DATE_EPOCH", "got \"%s\"", o.text);
	done(&o);
	unsetenv("SOURCE_DATE_EPOCH");
	remove_site();
	fprintf(stderr, "unit_liquid: %d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
