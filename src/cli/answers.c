/*
 * answers.c - `mentorconv collect`: the command line, the table, and
 * the helpers its readers share.
 *
 *   mentorconv collect [-o FILE] [--format csv|json] FILE...
 *
 * Each FILE is a filled worksheet, PDF or DOCX (told by its first bytes,
 * not its name).  The table has a row per answer field, in each file's
 * order and the files in the order given: file, name, date, worksheet,
 * prompt, answer.  The learner's name and date are the worksheet's Name
 * and Date fields (the same worksheet's, else the file's first), not rows
 * of their own.  A file that cannot be read is reported as
 * `FILE: error: ...` and left out; the others are still collected and the
 * exit status is 1.
 */
#include "answers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"
#include "../util/json.h"
#include "../util/utf8.h"
#include "cli.h"

/* ---- fields ---- */

static char *dup_clean(const char *s, bool trim)
{
	if (!s)
		s = "";
	size_t n = strlen(s);
	if (trim) {
		/* white space, no-break and en spaces (Word's empty legacy
		 * field is five en spaces) at either end */
		for (;;) {
			if (n && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' ||
			          s[0] == '\r')) {
				s++, n--;
			} else if (n >= 2 && !memcmp(s, "\xc2\xa0", 2)) {
				s += 2, n -= 2;
			} else if (n >= 3 && !memcmp(s, "\xe2\x80\x82", 3)) {
				s += 3, n -= 3;
			} else {
				break;
			}
		}
		for (;;) {
			char c = n ? s[n - 1] : 0;
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
				n--;
			else if (n >= 2 && !memcmp(s + n - 2, "\xc2\xa0", 2))
				n -= 2;
			else if (n >= 3 && !memcmp(s + n - 3, "\xe2\x80\x82", 3))
				n -= 3;
			else
				break;
		}
	}
	mc_buf b = MC_BUF_INIT;
	mc_utf8_repair(&b, s, n);
	mc_buf_putc(&b, '\0');
	return mc_buf_detach(&b, NULL);
}

void mc_fields_add(mc_fields *f, const char *group, const char *role,
                   const char *prompt, const char *value)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->v = mc_xrealloc(f->v, f->cap * sizeof *f->v);
	}
	mc_field *x = &f->v[f->n++];
	x->group = dup_clean(group, true);
	x->role = dup_clean(role, false);
	x->prompt = dup_clean(prompt, true);
	x->value = dup_clean(value, true);
}

void mc_fields_free(mc_fields *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].group);
		free(f->v[i].role);
		free(f->v[i].prompt);
		free(f->v[i].value);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

/* ---- output ---- */

void mc_csv_field(mc_buf *b, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n")) {
		mc_buf_puts(b, s);
		return;
	}
	mc_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			mc_buf_putc(b, '"');
		mc_buf_putc(b, *s);
	}
	mc_buf_putc(b, '"');
}

static const char *const COLUMNS[] = {"file", "name", "date", "worksheet",
                                      "prompt", "answer"};
#define NCOLS (sizeof COLUMNS / sizeof *COLUMNS)

/* The file's learner field `role` ("name", "date"): the one of the same
 * worksheet, else the file's first. */
static const char *learner(const mc_fields *f, const char *group,
                           const char *role)
{
	const char *first = NULL;
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].role, role))
			continue;
		if (!strcmp(f->v[i].group, group))
			return f->v[i].value;
		if (!first)
			first = f->v[i].value;
	}
	return first ? first : "";
}

/* The rows of one file into out. */
static void rows(mc_buf *out, bool json, const char *file,
                 const mc_fields *f, size_t *nrows)
{
	for (size_t i = 0; i < f->n; i++) {
		const mc_field *x = &f->v[i];
		if (*x->role)
			continue;
		const char *cell[NCOLS] = {
			file, learner(f, x->group, "name"),
			learner(f, x->group, "date"), x->group, x->prompt,
			x->value};
		if (json) {
			mc_buf_puts(out, *nrows ? ",\n  {" : "\n  {");
			for (size_t k = 0; k < NCOLS; k++) {
				mc_buf_puts(out, k ? ", \"" : "\"");
				mc_buf_puts(out, COLUMNS[k]);
				mc_buf_puts(out, "\": ");
				mc_json_cstr(out, cell[k] ? cell[k] : "",
				             MC_JSON_SHORT_TR);
			}
			mc_buf_putc(out, '}');
		} else {
			for (size_t k = 0; k < NCOLS; k++) {
				if (k)
					mc_buf_putc(out, ',');
				mc_csv_field(out, cell[k]);
			}
			mc_buf_puts(out, "\r\n");
		}
		(*nrows)++;
	}
}

/* What the first bytes say the file is: 'p' PDF, 'z' a ZIP (DOCX),
 * 0 neither (err set). */
static int sniff(const char *path, char *err, size_t errsz)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(err, errsz, "cannot open: %s", strerror(errno));
		return 0;
	}
	unsigned char head[1024];
	size_t n = fread(head, 1, sizeof head, fp);
	fclose(fp);
	if (n >= 4 && !memcmp(head, "PK\x03\x04", 4))
		return 'z';
	/* a PDF's header may follow some bytes of junk (the first 1024) */
	for (size_t i = 0; i + 5 <= n; i++)
		if (!memcmp(head + i, "%PDF-", 5))
			return 'p';
	snprintf(err, errsz, "not a PDF or DOCX worksheet");
	return 0;
}

static int usage(FILE *to, int status)
{
	fputs("usage: mentorconv collect [-o FILE] [--format csv|json] "
	      "FILE...\n"
	      "Read the answers of filled worksheets (PDF form fields, DOCX "
	      "content\ncontrols or legacy form fields) into one table: a row "
	      "per answer with\nfile, name, date, worksheet, prompt, answer.\n"
	      "  -o FILE          write the table to FILE (default: standard "
	      "output)\n"
	      "  --format FORMAT  csv (default: RFC 4180, UTF-8, a header "
	      "row) or json\n"
	      "                   (an array of objects)\n",
	      to);
	return status;
}

int mc_collect_main(int argc, char **argv, mode_t mask)
{
	const char *output = NULL, *format = "csv";
	const char **files = mc_xcalloc((size_t)argc + 1, sizeof *files);
	size_t nfiles = 0;
	bool opts = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (opts && !strcmp(a, "--")) {
			opts = false;
		} else if (opts && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
			free(files);
			return usage(stdout, 0);
		} else if (opts && (!strcmp(a, "-o") || !strcmp(a, "--output") ||
		                    !strcmp(a, "--format"))) {
			if (i + 1 >= argc) {
				fprintf(stderr, "mentorconv collect: %s needs a "
				                "value\n", a);
				free(files);
				return usage(stderr, 2);
			}
			if (!strcmp(a, "--format"))
				format = argv[++i];
			else
				output = argv[++i];
		} else if (opts && !strncmp(a, "--format=", 9)) {
			format = a + 9;
		} else if (opts && !strncmp(a, "--output=", 9)) {
			output = a + 9;
		} else if (opts && a[0] == '-' && a[1]) {
			fprintf(stderr, "mentorconv collect: unknown option "
			                "'%s'\n", a);
			free(files);
			return usage(stderr, 2);
		} else {
			files[nfiles++] = a;
		}
	}
	if (strcmp(format, "csv") && strcmp(format, "json")) {
		fprintf(stderr, "mentorconv collect: unknown format '%s' "
		                "(csv or json)\n", format);
		free(files);
		return 2;
	}
	if (!nfiles) {
		fprintf(stderr, "mentorconv collect: no input files\n");
		free(files);
		return usage(stderr, 2);
	}
	/* the table never overwrites a worksheet it reads */
	if (output && mc_output_in(output, files, nfiles,
	                           "mentorconv collect", stderr) != 0) {
		free(files);
		return 2;
	}
	bool json = !strcmp(format, "json");
	mc_buf out = MC_BUF_INIT;
	if (json) {
		mc_buf_putc(&out, '[');
	} else {
		for (size_t k = 0; k < NCOLS; k++) {
			if (k)
				mc_buf_putc(&out, ',');
			mc_buf_puts(&out, COLUMNS[k]);
		}
		mc_buf_puts(&out, "\r\n");
	}
	int status = 0;
	size_t nrows = 0;
	for (size_t i = 0; i < nfiles; i++) {
		char err[512] = "";
		mc_fields f = {0};
		int kind = sniff(files[i], err, sizeof err);
		int rc = kind == 'p'   ? mc_answers_pdf(files[i], &f, err,
		                                        sizeof err)
		         : kind == 'z' ? mc_answers_docx(files[i], &f, err,
		                                         sizeof err)
		                       : -1;
		if (rc == 0 && f.n == 0) {
			snprintf(err, sizeof err, "no worksheet fields in this "
			                          "%s", kind == 'p' ? "PDF"
			                                            : "DOCX");
			rc = -1;
		}
		if (rc != 0) {
			fprintf(stderr, "%s: error: %s\n", files[i],
			        *err ? err : "cannot be read");
			status = 1;
		} else {
			rows(&out, json, files[i], &f, &nrows);
		}
		mc_fields_free(&f);
	}
	if (json)
		mc_buf_puts(&out, nrows ? "\n]\n" : "]\n");
	int wrc = output ? mc_write_file(output, &out, mask, stderr, NULL)
	                 : mc_write_stdout(&out);
	mc_buf_free(&out);
	free(files);
	return wrc ? 1 : status;
}
