/*
 * batch.c - converting inputs to formats, one or many, on N threads.
 *
 * Each input (a page, a module folder or a site root) is parsed once and
 * rendered to every format asked for; its outputs are written through a
 * temporary file renamed into place.  Inputs are handed to the threads one
 * at a time; a failing input is reported and the others go on.  Messages
 * of one input are gathered and printed together when it is done, so the
 * messages of several threads never interleave.  Outputs never depend on
 * the number of threads: each input is converted on its own, and the
 * caches the backends share hold nothing that depends on a document.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../model/model.h"
#include "../util/grow.h"
#include "../util/json.h"
#include "../theme/theme.h"
#include "../util/arena.h"
#include "../util/confine.h"
#include "../util/diag.h"
#include "../util/utf8.h"
#include "cli.h"

/* a worker thread's stack (see mc_run_batch) */
#define WORKER_STACK ((size_t)8 << 20)

typedef struct job_out {
	char *path;      /* NULL: standard output */
	int status;      /* 0 written, 1 failed, -1 not attempted */
	int warnings;    /* warnings while rendering it */
	size_t msg0, msg1; /* their texts: job.msgs[msg0, msg1) */
	size_t bytes;
	double ms;       /* render and write */
} job_out;

typedef struct job {
	const char *input;
	mc_input_kind kind;
	job_out *outs;   /* one per format */
	char *log;       /* messages, printed when done */
	size_t loglen;
	int warnings;    /* while parsing */
	char **msgs;     /* the text of every warning, in order */
	size_t nmsgs, capmsgs;
	size_t parse_msgs; /* msgs[0, parse_msgs) are the parse's */
	int errors;      /* errors reported, and failures (at least one for
	                    a failed input) */
	double parse_ms;
	char error[512]; /* the first error, for the report */
	char **deps;     /* files the outputs depend on */
	size_t ndeps;
} job;

typedef struct shared {
	const mc_run *r;
	const mc_theme *theme;
	void **caches; /* per format */
	job *jobs;
	size_t njobs, next, done;
	pthread_mutex_t mu;
	bool utf8;      /* the terminal takes UTF-8 (from the locale) */
	bool bar_shown; /* a progress line is on the terminal; guarded by mu */
} shared;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char *xstrdup(const char *s)
{
	return strcpy(mc_xmalloc(strlen(s) + 1), s);
}

/* ---- output paths ---- */

static const char *base_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* The name of a path's folder (for "a/b/c.md": "b"), or "" at the top. */
static void parent_name(const char *real, char *out, size_t n)
{
	out[0] = '\0';
	const char *s = strrchr(real, '/');
	if (!s || s == real)
		return;
	const char *e = s;
	const char *b = e - 1;
	while (b > real && *b != '/')
		b--;
	if (*b == '/')
		b++;
	snprintf(out, n, "%.*s", (int)(e - b), b);
}

/* Where -d puts the output of `input` in format `ext`:
 *   a page       OUTDIR/<module>/<name>.<ext>, <module> the folder above
 *                _posts (else the page's folder)
 *   a module     OUTDIR/<module>.<ext>
 *   a site root  OUTDIR/<folder name>.<ext> */
static char *out_path(const mc_run *r, const char *input, mc_input_kind k,
                      const char *ext)
{
	/* names as written: a link is never followed to name an output */
	char *real = mc_path_absolute(input);
	const char *p = real ? real : input;
	char name[512], dir[512];
	dir[0] = '\0';
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	char *trim = strcpy(mc_xmalloc(n + 1), p);
	trim[n] = '\0';
	if (k == MC_INPUT_PAGE) {
		const char *b = base_of(trim);
		size_t bl = strlen(b);
		if (bl > 3 && !strcmp(b + bl - 3, ".md"))
			bl -= 3;
		else if (bl > 9 && !strcmp(b + bl - 9, ".markdown"))
			bl -= 9;
		snprintf(name, sizeof name, "%.*s", (int)bl, b);
		parent_name(trim, dir, sizeof dir);
		if (!strcmp(dir, "_posts")) {
			char *up = strrchr(trim, '/');
			if (up)
				*up = '\0';
			parent_name(trim, dir, sizeof dir);
		}
	} else {
		if (k == MC_INPUT_MODULE && !strcmp(base_of(trim), "_posts")) {
			char *up = strrchr(trim, '/');
			if (up && up != trim)
				*up = '\0';
		}
		snprintf(name, sizeof name, "%s", base_of(trim));
		if (!name[0] || !strcmp(name, "."))
			snprintf(name, sizeof name, "course");
	}
	mc_buf b = MC_BUF_INIT;
	mc_buf_puts(&b, r->outdir);
	if (b.len && b.data[b.len - 1] != '/')
		mc_buf_putc(&b, '/');
	if (dir[0])
		mc_buf_printf(&b, "%s/", dir);
	mc_buf_printf(&b, "%s.%s", name, ext);
	char *s = xstrdup(b.data);
	mc_buf_free(&b);
	free(trim);
	free(real);
	return s;
}

/* ---- dependencies ---- */

static void add_dep(job *j, const char *path)
{
	for (size_t i = 0; i < j->ndeps; i++)
		if (!strcmp(j->deps[i], path))
			return;
	j->deps = mc_xrealloc(j->deps, (j->ndeps + 1) * sizeof *j->deps);
	j->deps[j->ndeps++] = xstrdup(path);
}

/* The files a document was made from: its pages (and their _posts
 * folders, so a new section triggers a rebuild), images, site files and
 * the theme file. */
static void collect_deps(job *j, const mc_doc *doc, const mc_theme *theme)
{
	if (strcmp(j->input, "-") != 0 && j->kind == MC_INPUT_PAGE)
		add_dep(j, j->input);
	mc_iter it;
	mc_iter_init(&it, doc->root);
	while (mc_iter_next(&it) != MC_EVENT_DONE) {
		const mc_node *n = it.cur;
		if (it.ev != MC_EVENT_ENTER)
			continue;
		if (n->type == MC_SECTION) {
			const char *src = n->as.section.source;
			struct stat st;
			if (stat(src, &st) == 0 && S_ISREG(st.st_mode)) {
				add_dep(j, src);
				char *d = xstrdup(src);
				char *s = strrchr(d, '/');
				if (s) {
					*s = '\0';
					add_dep(j, d);
				}
				free(d);
			}
		} else if ((n->type == MC_IMAGE || n->type == MC_FIGURE) &&
		           n->as.image.path) {
			add_dep(j, n->as.image.path);
		}
	}
	for (size_t i = 0; i < doc->meta.ndeps; i++)
		add_dep(j, doc->meta.deps[i]);
	if (theme->file) /* --style FILE, or the file --style NAME found */
		add_dep(j, theme->file);
}

/* A path as make reads it: spaces, '#' and '$' escaped. */
static void put_make_path(mc_buf *b, const char *p)
{
	for (; *p; p++) {
		if (*p == ' ' || *p == '#' || *p == '\\')
			mc_buf_putc(b, '\\');
		if (*p == '$')
			mc_buf_putc(b, '$');
		mc_buf_putc(b, *p);
	}
}

/* Whether folder dep is where an output of j (or the depfile) is
 * written: such a folder changes whenever the output is renamed into
 * place, so as a prerequisite it would make the output always stale.
 * (Folders are listed for files looked for and not found.) */
static bool written_in(const char *dep, const job *j, const mc_run *r)
{
	struct stat st;
	if (stat(dep, &st) != 0 || !S_ISDIR(st.st_mode))
		return false;
	for (size_t f = 0; f <= r->nformats; f++) {
		const char *o = f < r->nformats ? j->outs[f].path : r->depfile;
		if (!o)
			continue;
		char *d = xstrdup(o);
		char *slash = strrchr(d, '/');
		if (slash)
			*(slash == d ? slash + 1 : slash) = '\0';
		struct stat sd;
		bool same = stat(slash ? d : ".", &sd) == 0 &&
		            sd.st_dev == st.st_dev && sd.st_ino == st.st_ino;
		free(d);
		if (same)
			return true;
	}
	return false;
}

static int write_depfile(const shared *s)
{
	const mc_run *r = s->r;
	mc_buf b = MC_BUF_INIT;
	char **all = NULL;
	size_t nall = 0;
	for (size_t i = 0; i < s->njobs; i++) {
		const job *j = &s->jobs[i];
		for (size_t f = 0; f < r->nformats; f++) {
			const job_out *o = &j->outs[f];
			if (o->status != 0 || !o->path)
				continue;
			put_make_path(&b, o->path);
			mc_buf_putc(&b, ':');
			for (size_t k = 0; k < j->ndeps; k++) {
				if (written_in(j->deps[k], j, r))
					continue;
				mc_buf_puts(&b, " \\\n  ");
				put_make_path(&b, j->deps[k]);
			}
			mc_buf_putc(&b, '\n');
		}
		for (size_t k = 0; k < j->ndeps; k++) {
			bool seen = false;
			for (size_t m = 0; m < nall && !seen; m++)
				seen = !strcmp(all[m], j->deps[k]);
			if (!seen) {
				all = mc_xrealloc(all, (nall + 1) * sizeof *all);
				all[nall++] = j->deps[k];
			}
		}
	}
	/* a rule per dependency, so a deleted file does not stop make */
	for (size_t m = 0; m < nall; m++) {
		mc_buf_putc(&b, '\n');
		put_make_path(&b, all[m]);
		mc_buf_puts(&b, ":\n");
	}
	free(all);
	int rc = mc_write_file(r->depfile, &b, r->umask, stderr, r->tmps);
	mc_buf_free(&b);
	return rc;
}

/* ---- the report ---- */

/* msgs[from, to) as a JSON array of strings. */
static void json_strs(mc_buf *b, char *const *msgs, size_t from, size_t to)
{
	mc_buf_putc(b, '[');
	for (size_t i = from; i < to; i++) {
		if (i > from)
			mc_buf_puts(b, ", ");
		mc_json_cstr(b, msgs[i], 0);
	}
	mc_buf_putc(b, ']');
}

static int write_report(const shared *s, double total_ms, int failed)
{
	const mc_run *r = s->r;
	mc_buf b = MC_BUF_INIT;
	size_t nok = 0, nfail = 0;
	mc_buf_puts(&b, "{\n  \"inputs\": [");
	for (size_t i = 0; i < s->njobs; i++) {
		const job *j = &s->jobs[i];
		mc_buf_puts(&b, i ? ",\n    {" : "\n    {");
		mc_buf_puts(&b, "\"input\": ");
		mc_json_cstr(&b, j->input, 0);
		mc_buf_printf(&b, ", \"parse_ms\": %.2f, \"warnings\": %d,",
		              j->parse_ms, j->warnings);
		mc_buf_puts(&b, " \"warning_texts\": ");
		json_strs(&b, j->msgs, 0, j->parse_msgs);
		mc_buf_putc(&b, ',');
		mc_buf_puts(&b, " \"error\": ");
		mc_json_cstr(&b, j->error[0] ? j->error : NULL, 0);
		mc_buf_puts(&b, ",\n     \"outputs\": [");
		for (size_t f = 0; f < r->nformats; f++) {
			const job_out *o = &j->outs[f];
			const char *st = o->status == 0   ? "ok"
			                 : o->status > 0 ? "failed"
			                                 : "skipped";
			if (o->status == 0)
				nok++;
			else
				nfail++;
			mc_buf_puts(&b, f ? ",\n       {" : "\n       {");
			mc_buf_puts(&b, "\"format\": ");
			mc_json_cstr(&b, r->formats[f]->name, 0);
			mc_buf_puts(&b, ", \"status\": ");
			mc_json_cstr(&b, st, 0);
			mc_buf_puts(&b, ", \"output\": ");
			mc_json_cstr(&b, o->path ? o->path : "-", 0);
			mc_buf_printf(&b, ", \"warnings\": %d, \"bytes\": %zu, "
			                  "\"ms\": %.2f, \"warning_texts\": ",
			              o->warnings, o->bytes, o->ms);
			json_strs(&b, j->msgs, o->msg0, o->msg1);
			mc_buf_putc(&b, '}');
		}
		mc_buf_puts(&b, "]}");
	}
	mc_buf_printf(&b, "\n  ],\n  \"jobs\": %d,\n  \"outputs_ok\": %zu,\n"
	                  "  \"outputs_failed\": %zu,\n  \"failed\": %s,\n"
	                  "  \"ms\": %.1f\n}\n",
	              r->jobs, nok, nfail, failed ? "true" : "false", total_ms);
	int rc = mc_write_file(r->report, &b, r->umask, stderr, r->tmps);
	mc_buf_free(&b);
	return rc;
}

/* ---- outputs that are inputs ---- */

/* Whether some output of the run is one of the input files on the
 * command line (any shard's): reported, before any work, as a refusal
 * (the rule: mc_output_is_input). */
static bool outputs_hit_inputs(const shared *s)
{
	const mc_run *r = s->r;
	mc_input_set *in = mc_input_set_new(r->inputs, r->ninputs);
	if (!in) {
		fprintf(stderr, "mentorconv: out of memory\n");
		return true;
	}
	bool hit = false;
	for (size_t j = 0; j < s->njobs && !hit; j++)
		for (size_t f = 0; f < r->nformats && !hit; f++)
			hit = mc_output_is_input(in, s->jobs[j].outs[f].path,
			                         "mentorconv", stderr);
	mc_input_set_free(in);
	return hit;
}

/* ---- one input ---- */

/* Whether out is one of the files doc was made from (its input and
 * its dependencies): if so, refused on msg. */
static bool is_a_source(const job *j, const char *out, FILE *msg)
{
	const char **src = mc_xcalloc(j->ndeps + 1, sizeof *src);
	src[0] = j->input;
	for (size_t i = 0; i < j->ndeps; i++)
		src[i + 1] = j->deps[i];
	int rc = mc_output_in(out, src, j->ndeps + 1, "mentorconv", msg);
	free(src);
	return rc != 0;
}

/* diag's sink: keep the text of each warning for the report. */
static void keep_msg(void *ctx, bool error, const char *msg)
{
	job *j = ctx;
	if (error)
		return; /* the first error has a field of its own */
	MC_GROW(j->msgs, j->nmsgs, j->capmsgs, 16);
	j->msgs[j->nmsgs++] = xstrdup(msg);
}

/* mc_render_opts.doc_done for a job's last render: the document freed
 * (arg: the job's mc_doc *, set to NULL). */
static void release_doc(void *arg)
{
	mc_doc **doc = arg;
	mc_doc_free(*doc);
	*doc = NULL;
}

static void run_job(shared *s, job *j)
{
	const mc_run *r = s->r;
	FILE *log = open_memstream(&j->log, &j->loglen);
	FILE *msg = log ? log : stderr;
	const char *shown = strcmp(j->input, "-") == 0 ? "<stdin>" : j->input;
	mc_diag d;
	mc_diag_init(&d, msg, shown);
	d.strict = r->strict;
	d.quiet = r->quiet;
	d.verbose = r->verbose;
	if (r->report) {
		d.sink = keep_msg;
		d.sink_ctx = j;
	}

	mc_front_opts fo = r->front;
	fo.answer_lines = s->theme->answer.lines;
	fo.name_label = s->theme->worksheet.name_label;
	fo.date_label = s->theme->worksheet.date_label;
	fo.worksheets_label = s->theme->worksheet.label;
	fo.notes_label = s->theme->worksheet.notes_label;
	mc_doc *doc = NULL;
	int unreported = 0; /* failures that are not a diagnostic error */
	double t0 = now_ms();
	if (strcmp(j->input, "-") != 0 && access(j->input, R_OK) != 0) {
		fprintf(msg, "mentorconv: cannot open %s: %s\n", j->input,
		        strerror(errno));
		snprintf(j->error, sizeof j->error, "cannot open %s: %s",
		         j->input, strerror(errno));
		unreported++;
	} else if (mc_front_parse_path(j->input, &fo, &d, &doc) != 0 ||
	           !doc || mc_diag_failed(&d)) {
		snprintf(j->error, sizeof j->error, "%s", d.first_error);
		mc_doc_free(doc);
		doc = NULL;
		unreported += d.nerrors == 0;
	}
	j->parse_ms = now_ms() - t0;
	j->warnings = d.nwarnings;
	j->parse_msgs = j->nmsgs;
	if (doc) {
		if (r->date >= 0)
			doc->meta.date = r->date;
		collect_deps(j, doc, s->theme);
	}
	bool parsed = doc != NULL;
	for (size_t f = 0; f < r->nformats && doc; f++) {
		const mc_backend *be = r->formats[f];
		job_out *o = &j->outs[f];
		double t1 = now_ms();
		int w0 = d.nwarnings, e0 = d.nerrors;
		o->msg0 = j->nmsgs;
		mc_render_opts ro = r->ropts;
		ro.cache = s->caches[f];
		if (f + 1 == r->nformats) { /* its last render: freed early */
			ro.doc_done = release_doc;
			ro.doc_done_arg = &doc;
		}
		mc_buf out = MC_BUF_INIT;
		int rc = be->render(doc, s->theme, &ro, &out, &d);
		o->warnings = d.nwarnings - w0;
		o->msg1 = j->nmsgs;
		if (rc != 0 || d.nerrors > e0 ||
		    (r->strict && d.nwarnings > w0)) {
			o->status = 1;
			if (!j->error[0])
				snprintf(j->error, sizeof j->error, "%s",
				         d.first_error);
		} else if (o->path && is_a_source(j, o->path, msg)) {
			o->status = 1;
		} else if (o->path) {
			o->status = (r->outdir &&
			             mc_make_parent_dirs(o->path, r->umask, msg)) ||
			            mc_write_file(o->path, &out, r->umask, msg,
			                          r->tmps);
		} else {
			o->status = mc_write_stdout(&out);
		}
		if (o->status == 0)
			o->bytes = out.len;
		else if (d.nerrors == e0)
			unreported++; /* refused, not written, or --strict */
		if (o->status != 0 && !j->error[0])
			snprintf(j->error, sizeof j->error, "cannot write %s",
			         o->path ? o->path : "standard output");
		mc_buf_free(&out);
		o->ms = now_ms() - t1;
	}
	if (!parsed)
		for (size_t f = 0; f < r->nformats; f++)
			j->outs[f].status = 1;
	j->errors = d.nerrors + unreported;
	mc_doc_free(doc);
	if (log)
		fclose(log);
}

/* ---- the terminal: a progress line, a summary line ---- */

/* The columns of the terminal on fd: its window size, else $COLUMNS,
 * else 80.  Read again at every redraw, so a resize is followed. */
static int term_width(int fd)
{
	struct winsize ws;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	if (c && *c) {
		char *end;
		long v = strtol(c, &end, 10);
		if (!*end && v > 0 && v <= 10000)
			return (int)v;
	}
	return 80;
}

/* Whether the locale's characters are UTF-8 (LC_ALL, LC_CTYPE, LANG,
 * the first one set, as setlocale would read them); if not, a name is
 * shown in ASCII, so that its width stays known. */
static bool locale_is_utf8(void)
{
	const char *names[] = {"LC_ALL", "LC_CTYPE", "LANG"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		const char *v = getenv(names[i]);
		if (!v || !*v)
			continue;
		for (; *v; v++)
			if (!strncasecmp(v, "utf-8", 5) ||
			    !strncasecmp(v, "utf8", 4))
				return true;
		return false;
	}
	return false;
}

/* The columns a code point takes: 0 for a combining mark or a
 * zero-width one, 2 for the wide East Asian ranges, else 1. */
static int cp_cols(uint32_t c)
{
	if ((c >= 0x300 && c <= 0x36F) || (c >= 0x200B && c <= 0x200F) ||
	    (c >= 0xFE00 && c <= 0xFE0F))
		return 0;
	if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
	    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
	    (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD))
		return 2;
	return 1;
}

/* Append the name s to b in at most `cols` columns: a control character
 * or an invalid byte (or, unless utf8, any non-ASCII character) as '?';
 * a name too long keeps its start and its end around an ellipsis ("…",
 * or "..." without utf8), never cut inside a character.  The columns
 * used. */
static int put_fitted(mc_buf *b, const char *s, int cols, bool utf8)
{
	mc_buf clean = MC_BUF_INIT;
	int total = 0;
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t c = 0;
		size_t len = mc_utf8_decode(p + i, n - i, &c);
		if (!len || c < 0x20 || (c >= 0x7F && c < 0xA0) ||
		    (!utf8 && c >= 0x80)) {
			mc_buf_putc(&clean, '?');
			total++;
			/* one '?' a character: skip a whole valid one */
			i += len ? len : 1;
			continue;
		}
		mc_buf_put(&clean, (const char *)p + i, len);
		total += cp_cols(c);
		i += len;
	}
	int used = 0;
	const char *ell = utf8 ? "\xE2\x80\xA6" : "...";
	int ellw = utf8 ? 1 : 3;
	if (total <= cols) {
		mc_buf_put(b, clean.data ? clean.data : "", clean.len);
		used = total;
	} else if (cols >= ellw) {
		/* the head, then the tail in the columns left */
		const unsigned char *q = (const unsigned char *)clean.data;
		int room = cols - ellw, hw = 0, tw = 0;
		size_t head = 0, tail = clean.len;
		while (head < clean.len) {
			uint32_t c = 0;
			size_t k = mc_utf8_decode(q + head, clean.len - head, &c);
			if (hw + cp_cols(c) > room - room / 2)
				break;
			hw += cp_cols(c);
			head += k;
		}
		while (tail > head) {
			size_t k = tail - 1;
			while (k > head && (q[k] & 0xC0) == 0x80)
				k--;
			uint32_t c = 0;
			mc_utf8_decode(q + k, tail - k, &c);
			if (hw + tw + cp_cols(c) > room)
				break;
			tw += cp_cols(c);
			tail = k;
		}
		mc_buf_put(b, clean.data, head);
		mc_buf_puts(b, ell);
		mc_buf_put(b, clean.data + tail, clean.len - tail);
		used = hw + ellw + tw;
	}
	mc_buf_free(&clean);
	return used;
}

/* The name an input is shown by: its last path component. */
static const char *shown_name(const char *input)
{
	if (!strcmp(input, "-"))
		return "<stdin>";
	size_t n = strlen(input);
	while (n > 1 && input[n - 1] == '/')
		n--;
	size_t b = n;
	while (b > 0 && input[b - 1] != '/')
		b--;
	return input + b; /* may end in '/': trimmed by the caller */
}

/* Redraw the progress line in place (s->mu held): "[###...] 3/12 name",
 * never wider than the terminal less one column, so it never wraps; the
 * bar and the name give way first on a narrow terminal.  name may be
 * NULL.  Written with one write, so the line never flickers. */
static void progress_draw(shared *s, const char *input)
{
	int w = term_width(STDERR_FILENO) - 1;
	mc_buf b = MC_BUF_INIT;
	mc_buf_putc(&b, '\r');
	char count[64];
	int clen = snprintf(count, sizeof count, "%zu/%zu", s->done, s->njobs);
	int barw = w / 4 > 30 ? 30 : w / 4;
	if (barw < 5 || barw + 3 + clen > w)
		barw = 0;
	int used = 0;
	if (barw) {
		int fill = s->njobs ? (int)((double)s->done * barw /
		                            (double)s->njobs)
		                    : barw;
		mc_buf_putc(&b, '[');
		for (int i = 0; i < barw; i++)
			mc_buf_putc(&b, i < fill ? '#' : '.');
		mc_buf_puts(&b, "] ");
		used = barw + 3;
	}
	if (used + clen <= w) {
		mc_buf_puts(&b, count);
		used += clen;
		if (input && used + 2 <= w) {
			const char *name = shown_name(input);
			size_t nl = strlen(name);
			char *trim = strcpy(mc_xmalloc(nl + 1), name);
			while (nl > 1 && trim[nl - 1] == '/')
				trim[--nl] = '\0';
			mc_buf_putc(&b, ' ');
			used++;
			used += put_fitted(&b, trim, w - used, s->utf8);
			free(trim);
		}
	}
	mc_buf_puts(&b, "\033[K");
	fwrite(b.data, 1, b.len, stderr);
	fflush(stderr);
	mc_buf_free(&b);
	s->bar_shown = true;
}

/* Clear the progress line, if one is shown (s->mu held). */
static void progress_clear(shared *s)
{
	if (s->bar_shown) {
		fputs("\r\033[K", stderr);
		s->bar_shown = false;
	}
}

static const char *plural(long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* The summary line, in the form `level` (0 the longest; each level
 * shorter than the one before; 3 the shortest), without a newline. */
static void summary_text(mc_buf *b, int level, size_t written,
                         size_t total, size_t ninputs, size_t nformats,
                         size_t nfailed, long warnings, long errors,
                         double ms)
{
	if (level < 2)
		mc_buf_puts(b, "mentorconv: ");
	if (level < 3) {
		if (written != total)
			mc_buf_printf(b, "%zu of ", written);
		mc_buf_printf(b, "%zu %s written", total,
		              plural((long)total, "output", "outputs"));
	} else if (written != total) {
		mc_buf_printf(b, "%zu of %zu written", written, total);
	} else {
		mc_buf_printf(b, "%zu written", written);
	}
	if (level == 0) {
		mc_buf_printf(b, " (%zu %s x %zu %s", ninputs,
		              plural((long)ninputs, "input", "inputs"), nformats,
		              plural((long)nformats, "format", "formats"));
		if (nfailed)
			mc_buf_printf(b, "; %zu %s failed", nfailed,
			              plural((long)nfailed, "input", "inputs"));
		mc_buf_putc(b, ')');
	}
	mc_buf_printf(b, ", %ld %s, %ld %s%s%.1f s", warnings,
	              plural(warnings, "warning", "warnings"), errors,
	              plural(errors, "error", "errors"),
	              level < 3 ? " in " : ", ", ms / 1000.0);
}

/* The one line that ends a batch: outputs written, warnings, errors and
 * time.  On a terminal it replaces the progress line and is made short
 * enough for its width; elsewhere it is the longest form. */
static void print_summary(shared *s, double ms, size_t nfailed)
{
	const mc_run *r = s->r;
	size_t written = 0;
	long warnings = 0, errors = 0;
	for (size_t i = 0; i < s->njobs; i++) {
		const job *j = &s->jobs[i];
		warnings += j->warnings;
		errors += j->errors;
		for (size_t f = 0; f < r->nformats; f++) {
			warnings += j->outs[f].warnings;
			written += j->outs[f].status == 0;
		}
	}
	size_t total = s->njobs * r->nformats;
	mc_buf b = MC_BUF_INIT;
	if (!r->progress) {
		summary_text(&b, 0, written, total, s->njobs, r->nformats,
		             nfailed, warnings, errors, ms);
	} else {
		int w = term_width(STDERR_FILENO) - 1;
		for (int level = 0; level <= 3; level++) {
			mc_buf_clear(&b);
			summary_text(&b, level, written, total, s->njobs,
			             r->nformats, nfailed, warnings, errors, ms);
			if ((int)b.len <= w)
				break;
		}
		if ((int)b.len > w) { /* a very narrow terminal */
			char *line = xstrdup(b.data);
			mc_buf_clear(&b);
			put_fitted(&b, line, w, s->utf8);
			free(line);
		}
	}
	pthread_mutex_lock(&s->mu);
	progress_clear(s);
	fprintf(stderr, "%.*s\n", (int)b.len, b.len ? b.data : "");
	pthread_mutex_unlock(&s->mu);
	mc_buf_free(&b);
}

/* ---- threads ---- */

static void *worker(void *arg)
{
	shared *s = arg;
	for (;;) {
		pthread_mutex_lock(&s->mu);
		size_t i = s->next++;
		pthread_mutex_unlock(&s->mu);
		if (i >= s->njobs)
			break;
		job *j = &s->jobs[i];
		run_job(s, j);
		pthread_mutex_lock(&s->mu);
		s->done++;
		if (j->loglen) {
			/* the messages on clean lines, the bar after them */
			progress_clear(s);
			fwrite(j->log, 1, j->loglen, stderr);
		}
		if (s->r->progress)
			progress_draw(s, j->input);
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct pathref {
	const char *path;
	size_t job;
} pathref;

static int cmp_ref(const void *a, const void *b)
{
	return strcmp(((const pathref *)a)->path, ((const pathref *)b)->path);
}

int mc_run_batch(const mc_run *r)
{
	/* this shard's inputs: every N-th of them in name order */
	const char **inputs = mc_xmalloc((r->ninputs + 1) * sizeof *inputs);
	size_t n = 0;
	if (r->nshards > 0) {
		memcpy(inputs, r->inputs, r->ninputs * sizeof *inputs);
		qsort(inputs, r->ninputs, sizeof *inputs, cmp_str);
		for (size_t i = 0; i < r->ninputs; i++)
			if ((int)(i % (size_t)r->nshards) == r->shard - 1)
				inputs[n++] = inputs[i];
	} else {
		memcpy(inputs, r->inputs, r->ninputs * sizeof *inputs);
		n = r->ninputs;
	}

	mc_diag td;
	mc_diag_init(&td, stderr, r->style ? r->style : "<theme>");
	td.quiet = r->quiet;
	td.strict = r->strict;
	mc_theme *theme = NULL;
	if (mc_theme_load(r->style, &theme, &td) != 0 || !theme ||
	    mc_diag_failed(&td) ||
	    (r->paper && mc_theme_set_paper(theme, r->paper) != 0)) {
		if (theme)
			mc_theme_free(theme);
		free(inputs);
		return 1;
	}

	shared s;
	memset(&s, 0, sizeof s);
	s.r = r;
	s.theme = theme;
	s.njobs = n;
	s.jobs = mc_xcalloc(n ? n : 1, sizeof *s.jobs);
	s.caches = mc_xcalloc(r->nformats, sizeof *s.caches);
	s.utf8 = locale_is_utf8();
	int merr = pthread_mutex_init(&s.mu, NULL);
	if (merr != 0) {
		fprintf(stderr, "mentorconv: cannot start: %s\n",
		        strerror(merr));
		free(s.jobs);
		free(s.caches);
		free(inputs);
		mc_theme_free(theme);
		return 1;
	}
	int status = 0;

	/* outputs decided up front: two inputs may not share one */
	pathref *refs = mc_xmalloc((n * r->nformats + 1) * sizeof *refs);
	size_t nrefs = 0;
	for (size_t i = 0; i < n; i++) {
		job *j = &s.jobs[i];
		j->input = inputs[i];
		j->kind = mc_front_input_kind(j->input);
		j->outs = mc_xcalloc(r->nformats, sizeof *j->outs);
		for (size_t f = 0; f < r->nformats; f++) {
			job_out *o = &j->outs[f];
			o->status = -1;
			if (r->outdir)
				o->path = out_path(r, j->input, j->kind,
				                   r->formats[f]->ext);
			else if (r->output)
				o->path = xstrdup(r->output);
			if (o->path) {
				refs[nrefs].path = o->path;
				refs[nrefs++].job = i;
			}
		}
	}
	qsort(refs, nrefs, sizeof *refs, cmp_ref);
	for (size_t i = 1; i < nrefs; i++) {
		if (strcmp(refs[i - 1].path, refs[i].path) == 0) {
			fprintf(stderr, "mentorconv: %s and %s would both be "
			                "written to %s; convert them into "
			                "different folders\n",
			        s.jobs[refs[i - 1].job].input,
			        s.jobs[refs[i].job].input, refs[i].path);
			status = 2;
			break;
		}
	}
	free(refs);
	if (status == 0 && outputs_hit_inputs(&s))
		status = 1;

	if (status == 0 && r->outdir) {
		/* a clear error for an unusable output folder, before any
		 * work */
		char *probe = mc_xmalloc(strlen(r->outdir) + 4);
		sprintf(probe, "%s/x", r->outdir);
		struct stat st;
		if (mc_make_parent_dirs(probe, r->umask, stderr) != 0) {
			status = 1;
		} else if (stat(r->outdir, &st) != 0 || !S_ISDIR(st.st_mode) ||
		           access(r->outdir, W_OK | X_OK) != 0) {
			fprintf(stderr, "mentorconv: cannot write into the "
			                "output folder %s: %s\n",
			        r->outdir, strerror(errno ? errno : EACCES));
			status = 1;
		}
		free(probe);
	}

	double t0 = now_ms();
	if (status == 0) {
		for (size_t f = 0; f < r->nformats; f++)
			if (r->formats[f]->cache_new)
				s.caches[f] = r->formats[f]->cache_new(theme);
		int nthreads = r->jobs < 1 ? 1 : r->jobs;
		if ((size_t)nthreads > n)
			nthreads = n ? (int)n : 1;
		pthread_t *tids = mc_xcalloc((size_t)nthreads, sizeof *tids);
		int started = 0;
		if (r->progress && n) {
			pthread_mutex_lock(&s.mu);
			progress_draw(&s, NULL);
			pthread_mutex_unlock(&s.mu);
		}
		/* more than one thread: the signals go to a watcher from
		 * now on (tmpreg.c); if it cannot start, one thread works */
		if (nthreads > 1 && mc_tmpreg_threads(r->tmps) != 0)
			nthreads = 1;
		/* the main thread's stack for every worker: glibc gives a
		 * thread RLIMIT_STACK (8 MiB here), musl 128 KiB, too little
		 * for the parsers' and the model's recursion on deep nesting
		 * (reserved address space: only the pages used are touched) */
		pthread_attr_t attr;
		bool attr_ok = pthread_attr_init(&attr) == 0;
		if (attr_ok)
			(void)pthread_attr_setstacksize(&attr, WORKER_STACK);
		for (int t = 1; t < nthreads; t++) {
			if (pthread_create(&tids[t], attr_ok ? &attr : NULL, worker,
			                   &s) != 0)
				break; /* fewer threads: the work still gets done */
			started = t;
		}
		if (attr_ok)
			pthread_attr_destroy(&attr);
		worker(&s);
		for (int t = 1; t <= started; t++)
			pthread_join(tids[t], NULL);
		free(tids);
		double ms = now_ms() - t0;
		for (size_t f = 0; f < r->nformats; f++)
			if (s.caches[f] && r->formats[f]->cache_free)
				r->formats[f]->cache_free(s.caches[f]);
		size_t nfailed = 0;
		for (size_t i = 0; i < n; i++) {
			bool bad = false;
			for (size_t f = 0; f < r->nformats; f++)
				bad = bad || s.jobs[i].outs[f].status != 0;
			nfailed += bad;
		}
		if (nfailed)
			status = 1;
		if (r->summary) {
			print_summary(&s, ms, nfailed);
		} else {
			progress_clear(&s);
			if (n > 1 && nfailed) /* -q: the failures still told */
				fprintf(stderr, "mentorconv: %zu of %zu inputs "
				                "failed\n", nfailed, n);
		}
		if (r->depfile && write_depfile(&s) != 0)
			status = 1;
		if (r->report && write_report(&s, now_ms() - t0, status) != 0)
			status = 1;
	}

	for (size_t i = 0; i < n; i++) {
		job *j = &s.jobs[i];
		for (size_t f = 0; f < r->nformats; f++)
			free(j->outs[f].path);
		free(j->outs);
		free(j->log);
		for (size_t k = 0; k < j->nmsgs; k++)
			free(j->msgs[k]);
		free(j->msgs);
		for (size_t k = 0; k < j->ndeps; k++)
			free(j->deps[k]);
		free(j->deps);
	}
	pthread_mutex_destroy(&s.mu);
	free(s.jobs);
	free(s.caches);
	free(inputs);
	mc_theme_free(theme);
	return status;
}
