/*
 * fuzz_back.c - libFuzzer target for one output format: bytes -> front-end
 * -> model -> FUZZ_FORMAT ("pdf", "epub" or "docx"), all in memory.  Built
 * once per format by `make fuzz` (-DFUZZ_FORMAT='"pdf"' -> fuzz_pdf, ...).
 *
 * Besides the sanitizers' own checks it aborts when a backend fails on a
 * document the front-end accepted, when a PDF does not start with %PDF- and
 * end with %%EOF, and, for the zip formats, when the container cannot be
 * opened (libzip, in memory) or any of its XML parts (*.xml, *.rels,
 * *.opf, *.ncx, *.xhtml) is not well-formed XML (libxml2, no network, no
 * entity expansion).
 *
 * The theme and the backend's cache are made once, on the first input,
 * and kept for the process (reachable, so not reported as leaks).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <zip.h>

#include "back/backend.h"
#include "front/front.h"
#include "model/model.h"
#include "theme/theme.h"

#ifndef FUZZ_FORMAT
#error "build with -DFUZZ_FORMAT='\"pdf\"' (or epub, docx)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

typedef struct fuzz_env {
	const mc_backend *be;
	mc_theme *theme;
	void *cache;
} fuzz_env;

static void quiet_xml(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static fuzz_env *env(void)
{
	static fuzz_env e; /* the harness's own: made once, read after */
	static int ready;
	if (ready)
		return &e;
	ready = 1;
	e.be = mc_backend_by_name(FUZZ_FORMAT);
	if (!e.be || !e.be->render) {
		fprintf(stderr, "fuzz: no backend %s in this build\n",
		        FUZZ_FORMAT);
		abort();
	}
	mc_diag d;
	mc_diag_init(&d, stderr, "theme");
	if (mc_theme_load(NULL, &e.theme, &d) != 0 || !e.theme) {
		fprintf(stderr, "fuzz: cannot load the default theme\n");
		abort();
	}
	if (e.be->cache_new)
		e.cache = e.be->cache_new(e.theme);
	return &e;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, quiet_xml);
	env();
	return 0;
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

static int is_xml_part(const char *name)
{
	return ends_with(name, ".xml") || ends_with(name, ".rels") ||
	       ends_with(name, ".opf") || ends_with(name, ".ncx") ||
	       ends_with(name, ".xhtml") || ends_with(name, ".html");
}

/* Every XML part of the zip in out must be well-formed; aborts if not. */
static void check_zip(const mc_buf *out)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(out->data, out->len, 0, &ze);
	if (!src) {
		fprintf(stderr, "fuzz: zip_source_buffer_create failed\n");
		abort();
	}
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!z) {
		fprintf(stderr, "fuzz: the %s output is not a valid zip: %s\n",
		        FUZZ_FORMAT, zip_error_strerror(&ze));
		abort();
	}
	zip_int64_t n = zip_get_num_entries(z, 0);
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0) {
			fprintf(stderr, "fuzz: zip entry %lld unreadable\n",
			        (long long)i);
			abort();
		}
		if (!is_xml_part(st.name))
			continue;
		char *buf = malloc(st.size ? st.size : 1);
		zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
		if (!buf || !f ||
		    zip_fread(f, buf, st.size) != (zip_int64_t)st.size) {
			fprintf(stderr, "fuzz: cannot read zip entry %s\n",
			        st.name);
			abort();
		}
		zip_fclose(f);
		xmlDocPtr x = xmlReadMemory(buf, (int)st.size, st.name, NULL,
		                            XML_PARSE_NONET | XML_PARSE_NOERROR |
		                                    XML_PARSE_NOWARNING |
		                                    XML_PARSE_HUGE);
		if (!x) {
			const xmlError *e = xmlGetLastError();
			fprintf(stderr, "fuzz: %s part %s is not well-formed: "
			                "%d:%d %s\n",
			        FUZZ_FORMAT, st.name, e ? e->line : 0,
			        e ? e->int2 : 0, e && e->message ? e->message : "");
			fwrite(buf, 1, st.size > 4000 ? 4000 : st.size, stderr);
			abort();
		}
		xmlFreeDoc(x);
		free(buf);
	}
	zip_close(z); /* read-only: nothing written */
}

static void check_pdf(const mc_buf *out)
{
	if (out->len < 16 || memcmp(out->data, "%PDF-", 5) != 0) {
		fprintf(stderr, "fuzz: the PDF does not start with %%PDF-\n");
		abort();
	}
	size_t tail = out->len > 64 ? 64 : out->len;
	const char *t = out->data + out->len - tail;
	int found = 0;
	for (size_t i = 0; i + 5 <= tail && !found; i++)
		found = memcmp(t + i, "%%EOF", 5) == 0;
	if (!found) {
		fprintf(stderr, "fuzz: the PDF does not end with %%%%EOF\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_env *e = env();
	mc_diag d;
	mc_diag_init(&d, NULL, "fuzz.md");
	mc_front_opts opts = {NULL, 3};
	mc_doc *doc = NULL;
	if (mc_front_parse_buffer((const char *)data, size, "fuzz.md", NULL,
	                          &opts, &d, &doc) != 0 || !doc ||
	    mc_diag_failed(&d)) {
		mc_doc_free(doc);
		return 0;
	}
	mc_render_opts ro = {0};
	ro.cache = e->cache;
	mc_buf out = MC_BUF_INIT;
	int rc = e->be->render(doc, e->theme, &ro, &out, &d);
	if (rc != 0) {
		fprintf(stderr, "fuzz: the %s backend failed on a valid "
		                "document: %s\n", FUZZ_FORMAT, d.first_error);
		abort();
	}
	if (strcmp(FUZZ_FORMAT, "pdf") == 0)
		check_pdf(&out);
	else
		check_zip(&out);
	mc_buf_free(&out);
	mc_doc_free(doc);
	return 0;
}
