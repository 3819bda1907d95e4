/* main.c - the mentorconv command line.
 *
 *   mentorconv [options] INPUT -o OUTPUT
 *   mentorconv [options] -d OUTDIR -t FORMAT[,FORMAT...] INPUT...
 *
 * Reads the options, picks the backends (by -t or by OUTPUT's extension)
 * and hands the work to batch.c, which parses each INPUT (a page, a module
 * folder or a site root) into the document model, renders it and writes
 * every output atomically (a temporary file in the same folder, renamed
 * into place), so a failed run never leaves a half-written file.  Exit
 * status: 0 success, 1 conversion or write failure, 2 usage error. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "back/backend.h"
#include "cli/answers.h"
#include "cli/cli.h"
#include "front/front.h"
#include "model/model.h"
#include "theme/theme.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/diag.h"

#ifndef MC_VERSION
#define MC_VERSION "unknown"
#endif

enum { EXIT_USAGE = 2 };

/* What the command line gives that is not the run's: parse_args()
 * fills these and the run's options (mc_run) directly. */
typedef struct cli_only {
	const char *format; /* -t (maybe a comma list), or NULL */
	/* the storage of the run's format options (mc_run.ropts.given:
	 * "duplex", "fields=legacy"; one entry per name, the last given) */
	const char *fopts[8];
} cli_only;

static void usage(FILE *f)
{
	fputs("Usage: mentorconv [options] INPUT -o OUTPUT\n"
	      "       mentorconv [options] INPUT -t FORMAT [-o OUTPUT]\n"
	      "       mentorconv [options] -d OUTDIR -t FORMAT[,...] INPUT...\n"
	      "       mentorconv collect [-o FILE] [--format csv|json] FILE...\n"
	      "\n"
	      "Convert course Markdown into handouts, books and worksheets.\n"
	      "INPUT is a Markdown page, a module folder (holding _posts/) or\n"
	      "a site root (holding _data/course.yml): a module or a course\n"
	      "becomes one document.  The format is taken from OUTPUT's\n"
	      "extension unless -t is given.  INPUT '-' reads standard input;\n"
	      "OUTPUT '-' (or -t without -o) writes standard output (a PDF,\n"
	      "EPUB or DOCX never onto a terminal).  With -d, a progress line\n"
	      "(on a terminal) and a summary line go to standard error.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output FILE    write to FILE\n"
	      "  -t, --format FORMAT  output format (see below); with -d, a\n"
	      "                       comma-separated list (pdf,epub,docx)\n"
	      "  -d, --outdir DIR     convert every INPUT into DIR, mirrored:\n"
	      "                       DIR/<module>/<page>.<ext>, DIR/<module>.<ext>\n"
	      "  -j, --jobs N         convert N inputs at once (default: the\n"
	      "                       number of cores); output is the same\n"
	      "      --report FILE    write a JSON summary of every output\n"
	      "      --depfile FILE   write make rules: each output and the\n"
	      "                       files it was made from\n"
	      "      --shard I/N      convert only the I-th of N shares of the\n"
	      "                       inputs (1 <= I <= N), for parallel CI jobs\n"
	      "      --all-modules    a course: also the modules course.yml\n"
	      "                       leaves out\n"
	      "      --worksheets     only the activities, one worksheet a\n"
	      "                       page, with a Name / Date line\n"
	      "      --lang TAG       the language (en, es, pt-BR...) of a page\n"
	      "                       whose front matter and _config.yml name\n"
	      "                       none (default: en)\n"
	      "      --root DIR       site root (default: the nearest folder\n"
	      "                       upward holding _config.yml)\n"
	      "      --paper SIZE     page size a4, letter (legal, a3, a5),\n"
	      "                       over the theme's\n"
	      "      --duplex         PDF: each worksheet starts on an odd\n"
	      "                       page, for two-sided printing\n"
	      "      --style NAME|FILE  theme: an installed style name or a\n"
	      "                       YAML file\n"
	      "      --strict         treat warnings as errors\n"
	      "      --no-fields      PDF: print-only, no fillable form fields\n"
	      "      --no-tags        PDF: untagged (no structure tree for screen readers)\n"
	      "      --passes N       PDF: lay the document out once (1) or twice\n"
	      "                       (2: less memory, half as much time again;\n"
	      "                       default: 2 from 12 MiB of text)\n"
	      "      --protect        DOCX: only the answer fields can be edited\n"
	      "      --fields KIND    DOCX answer fields: content-controls\n"
	      "                       (default; Word 2010+, LibreOffice 7.4+) or\n"
	      "                       legacy (FORMTEXT/FORMCHECKBOX form fields,\n"
	      "                       for older word processors; the document\n"
	      "                       is protected for forms)\n"
	      "  -q, --quiet          do not print warnings, nor the progress\n"
	      "                       and summary lines\n"
	      "  -v, --verbose        also print notes: the posts left out,\n"
	      "                       and why\n"
	      "  -h, --help           show this help and exit\n"
	      "      --version        show the version and exit\n"
	      "\n"
	      "Formats:\n",
	      f);
	for (const mc_backend *b = mc_backends; b->name; b++)
		fprintf(f, "  %-6s .%-6s %s%s\n", b->name, b->ext, b->summary,
		        b->render ? "" : " [not available in this build yet]");
	fputs("\ncollect reads filled worksheets (PDF form fields, DOCX "
	      "content controls\nor legacy fields) back into one CSV or JSON "
	      "table, a row per answer\n(mentorconv collect --help).\n",
	      f);
	fputs("\nExit status: 0 success, 1 conversion failed, "
	      "2 usage error.\n",
	      f);
}

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Print "mentorconv: MESSAGE" and the --help hint; the usage status. */
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("mentorconv: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\nTry 'mentorconv --help'.\n", stderr);
	va_end(ap);
	return EXIT_USAGE;
}

/* Whether getopt's complaint is about a short option (optopt) rather than
 * the long option in `arg`. */
static bool is_short(int opt, const char *arg)
{
	return opt > 0 && opt < 256 && strncmp(arg, "--", 2) != 0;
}

/* Whether s has the shape of a BCP 47 language tag: a 2-8 letter
 * language, then subtags of 1-8 letters or digits, joined by '-'. */
static bool lang_tag_ok(const char *s)
{
	size_t n = 0;
	while (isalpha((unsigned char)s[n]))
		n++;
	if (n < 2 || n > 8)
		return false;
	while (s[n] == '-') {
		size_t k = ++n;
		while (isalnum((unsigned char)s[n]))
			n++;
		if (n == k || n - k > 8)
			return false;
	}
	return s[n] == '\0';
}

/* Note a format option ("duplex", "fields=legacy") in r->ropts (stored
 * in c->fopts): a name given again replaces its earlier entry, so the
 * list stays within c->fopts. */
/* The entry of `choices` (NULL-ended) that is v, or whose value after
 * its '=' is v ("passes=2" for "2"); NULL if none. */
static const char *one_of(const char *const *choices, const char *v)
{
	for (; *choices; choices++) {
		const char *eq = strchr(*choices, '=');
		if (!strcmp(eq ? eq + 1 : *choices, v))
			return *choices;
	}
	return NULL;
}

static void give(mc_run *r, cli_only *c, const char *opt)
{
	size_t n = strcspn(opt, "=");
	size_t i = 0;
	while (i < r->ropts.ngiven &&
	       !(strncmp(c->fopts[i], opt, n) == 0 &&
	         (c->fopts[i][n] == '\0' || c->fopts[i][n] == '=')))
		i++;
	if (i == r->ropts.ngiven) {
		if (r->ropts.ngiven == sizeof c->fopts / sizeof *c->fopts)
			return; /* cannot happen: six names */
		r->ropts.ngiven++;
	}
	c->fopts[i] = opt;
	r->ropts.given = c->fopts;
}

/* Give the entry of `choices` that v names (one_of); else a usage error,
 * "TAKES, not 'v'".  0, or EXIT_USAGE (reported). */
static int give_one_of(mc_run *r, cli_only *c, const char *const *choices,
                       const char *v, const char *takes)
{
	const char *o = one_of(choices, v);
	if (!o)
		return usage_error("%s, not '%s'", takes, v);
	give(r, c, o);
	return 0;
}

/* Parse argv into the run's options r (r->jobs 0: the number of cores)
 * and the command line's own c.  Returns -1 to go on, else an exit
 * status. */
static int parse_args(int argc, char **argv, mc_run *r, cli_only *c)
{
	enum {
		OPT_ROOT = 256,
		OPT_STYLE,
		OPT_STRICT,
		OPT_VERSION,
		OPT_PROTECT,
		OPT_FIELDS,
		OPT_NO_FIELDS,
		OPT_NO_TAGS,
		OPT_REPORT,
		OPT_DEPFILE,
		OPT_SHARD,
		OPT_ALL_MODULES,
		OPT_WORKSHEETS,
		OPT_LANG,
		OPT_PAPER,
		OPT_DUPLEX,
		OPT_PASSES
	};
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 't'},
		{"root", required_argument, NULL, OPT_ROOT},
		{"style", required_argument, NULL, OPT_STYLE},
		{"strict", no_argument, NULL, OPT_STRICT},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},
		{"protect", no_argument, NULL, OPT_PROTECT},
		{"fields", required_argument, NULL, OPT_FIELDS},
		{"no-fields", no_argument, NULL, OPT_NO_FIELDS},
		{"no-tags", no_argument, NULL, OPT_NO_TAGS},
		{"outdir", required_argument, NULL, 'd'},
		{"jobs", required_argument, NULL, 'j'},
		{"report", required_argument, NULL, OPT_REPORT},
		{"depfile", required_argument, NULL, OPT_DEPFILE},
		{"shard", required_argument, NULL, OPT_SHARD},
		{"all-modules", no_argument, NULL, OPT_ALL_MODULES},
		{"worksheets", no_argument, NULL, OPT_WORKSHEETS},
		{"lang", required_argument, NULL, OPT_LANG},
		{"paper", required_argument, NULL, OPT_PAPER},
		{"duplex", no_argument, NULL, OPT_DUPLEX},
		{"passes", required_argument, NULL, OPT_PASSES},
		{NULL, 0, NULL, 0},
	};
	opterr = 0; /* our own messages, always prefixed "mentorconv:" */
	int opt;
	while ((opt = getopt_long(argc, argv, ":o:t:d:j:qvh", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'o':
			r->output = optarg;
			break;
		case 't':
			c->format = optarg;
			break;
		case OPT_ROOT:
			r->front.root = optarg;
			break;
		case 'd':
			if (!optarg[0])
				return usage_error("the output folder name is "
				                   "empty");
			r->outdir = optarg;
			break;
		case 'j': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 1024)
				return usage_error("-j takes a number of jobs "
				                   "from 1 to 1024, not '%s'",
				                   optarg);
			r->jobs = (int)v;
			break;
		}
		case OPT_REPORT:
			r->report = optarg;
			break;
		case OPT_DEPFILE:
			r->depfile = optarg;
			break;
		case OPT_SHARD: {
			int i, n, k = 0;
			if (sscanf(optarg, "%d/%d%n", &i, &n, &k) != 2 ||
			    optarg[k] || n < 1 || i < 1 || i > n)
				return usage_error("--shard takes I/N with 1 <= I "
				                   "<= N, not '%s'", optarg);
			r->shard = i;
			r->nshards = n;
			break;
		}
		case OPT_ALL_MODULES:
			r->front.all_modules = true;
			break;
		case OPT_LANG:
			if (!lang_tag_ok(optarg))
				return usage_error("--lang takes a language tag "
				                   "such as en, es or pt-BR, not "
				                   "'%s'", optarg);
			r->front.lang = optarg;
			break;
		case OPT_WORKSHEETS:
			r->front.worksheets = true;
			break;
		case OPT_STYLE:
			r->style = optarg;
			break;
		case OPT_PAPER: {
			static const char *const papers[] = {
				"a4", "letter", "legal", "a3", "a5", NULL};
			if (!(r->paper = one_of(papers, optarg)))
				return usage_error("--paper takes a4, letter, "
				                   "legal, a3 or a5, not '%s'",
				                   optarg);
			break;
		}
		case OPT_DUPLEX:
			give(r, c, "duplex");
			break;
		case OPT_STRICT:
			r->strict = true;
			break;
		case OPT_PROTECT:
			give(r, c, "protect");
			break;
		case OPT_NO_FIELDS:
			give(r, c, "no-fields");
			break;
		case OPT_NO_TAGS:
			give(r, c, "no-tags");
			break;
		case OPT_PASSES: {
			static const char *const passes[] = {"passes=1",
			                                     "passes=2", NULL};
			if (give_one_of(r, c, passes, optarg,
			                "--passes takes 1 or 2"))
				return EXIT_USAGE;
			break;
		}
		case OPT_FIELDS: {
			static const char *const kinds[] = {
				"fields=legacy", "fields=content-controls", NULL};
			if (give_one_of(r, c, kinds, optarg,
			                "--fields takes 'content-controls' or "
			                "'legacy'"))
				return EXIT_USAGE;
			break;
		}
		case 'q':
			r->quiet = true;
			break;
		case 'v':
			r->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
		case OPT_VERSION:
			printf("mentorconv %s\n", MC_VERSION);
			return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
		case ':':
			if (is_short(optopt, argv[optind - 1]))
				return usage_error(
					"option '-%c' needs an argument",
					optopt);
			return usage_error("option '%s' needs an argument",
			                   argv[optind - 1]);
		default:
			if (is_short(optopt, argv[optind - 1]))
				return usage_error("unknown option '-%c'",
				                   optopt);
			return usage_error("unknown or ambiguous option '%s'",
			                   argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("no input file");
	r->inputs = (const char **)(argv + optind);
	r->ninputs = (size_t)(argc - optind);
	for (size_t i = 0; i < r->ninputs; i++)
		if (!r->inputs[i][0])
			return usage_error("the input file name is empty");
	if (r->outdir) {
		if (r->output)
			return usage_error("give -o OUTPUT or -d OUTDIR, not both");
		if (!c->format)
			return usage_error("-d OUTDIR needs -t FORMAT[,FORMAT...]");
		for (size_t i = 0; i < r->ninputs; i++)
			if (!strcmp(r->inputs[i], "-"))
				return usage_error("-d cannot read standard input");
		return -1;
	}
	if (r->ninputs > 1)
		return usage_error("unexpected argument '%s' (several inputs "
		                   "need -d OUTDIR)",
		                   r->inputs[1]);
	if (c->format && strchr(c->format, ','))
		return usage_error("several formats need -d OUTDIR");
	if (r->shard)
		return usage_error("--shard needs -d OUTDIR");
	if (r->output && !r->output[0])
		return usage_error("the output file name is empty");
	if (r->output && strcmp(r->output, "-") == 0)
		r->output = NULL; /* stdout */
	else if (!r->output && !c->format)
		return usage_error("no output: give -o OUTPUT or -t FORMAT");
	return -1;
}

/* The backend for the command line, or NULL after a usage message (with
 * *status set). */
static const mc_backend *pick_backend(const mc_run *r, const char *format,
                                      int *status)
{
	const mc_backend *b;
	const char *name;
	*status = EXIT_USAGE;
	if (format) {
		name = format;
		b = mc_backend_by_name(name);
		if (!b) {
			usage_error("unknown format '%s'", name);
			return NULL;
		}
	} else {
		if (!r->output) {
			usage_error("writing to standard output needs -t FORMAT");
			return NULL;
		}
		const char *base = strrchr(r->output, '/');
		base = base ? base + 1 : r->output;
		const char *dot = strrchr(base, '.');
		if (!dot || dot == base || !dot[1]) {
			usage_error("cannot tell the format of '%s' from its "
			            "extension; use -t FORMAT",
			            r->output);
			return NULL;
		}
		name = dot + 1;
		b = mc_backend_by_ext(name);
		if (!b) {
			usage_error("unknown format '%s' (from the output's "
			            "extension); use -t FORMAT",
			            name);
			return NULL;
		}
	}
	if (!b->render) {
		fprintf(stderr,
		        "mentorconv: format '%s' is not available in this build "
		        "yet\nTry 'mentorconv --help'.\n",
		        b->name);
		return NULL;
	}
	for (size_t i = 0; i < r->ropts.ngiven; i++) {
		const char *g = r->ropts.given[i];
		size_t n = strcspn(g, "=");
		bool takes = false;
		for (const char *const *o = b->options; o && *o && !takes; o++)
			takes = strlen(*o) == n && strncmp(*o, g, n) == 0;
		if (!takes) {
			*status = usage_error("--%.*s is not an option of the "
			                      "'%s' format", (int)n, g, b->name);
			return NULL;
		}
	}
	return b;
}

/* The run's formats into formats[0..*n) (at most 16): -t's list, or
 * the output's extension.  -1, or the exit status of a usage error
 * (said on stderr). */
static int pick_formats(const mc_run *r, const cli_only *c,
                        const mc_backend *formats[16], size_t *n)
{
	int status = -1;
	size_t nformats = 0;
	char list[256];
	snprintf(list, sizeof list, "%s", c->format ? c->format : "");
	char *save = NULL;
	for (char *name = c->format ? strtok_r(list, ",", &save) : NULL;
	     c->format ? name != NULL : nformats == 0;
	     name = c->format ? strtok_r(NULL, ",", &save) : NULL) {
		const mc_backend *be = pick_backend(r, name, &status);
		if (!be)
			return status;
		bool dup = false;
		for (size_t i = 0; i < nformats; i++)
			dup = dup || formats[i] == be;
		if (dup)
			continue;
		if (nformats == 16)
			return usage_error("too many formats");
		formats[nformats++] = be;
		if (!c->format)
			break;
	}
	if (nformats == 0)
		return usage_error("no format in '%s'", c->format);
	*n = nformats;
	return -1;
}

int main(int argc, char **argv)
{
	mc_run r;
	memset(&r, 0, sizeof r);
	cli_only c;
	memset(&c, 0, sizeof c);
#ifdef M_MMAP_THRESHOLD
	/* glibc maps a block of its mmap threshold or more on its own, and
	 * raises that threshold to the size of any such block freed: after
	 * the front end frees an input's text (megabytes), the model's arena
	 * and the output buffers would grow in the heap, where what they
	 * leave behind when they grow is not given back.  Set here, once, by
	 * the process's owner (a library must not change malloc's settings),
	 * the threshold stays where it is put.  512 KiB: at glibc's first
	 * 128 KiB the PDF backend's blocks of 256 to 384 KiB, allocated and
	 * freed again page after page, would each be mapped afresh (the
	 * 64-times corpus as PDF: 7% less peak memory, but 45% more page
	 * faults and 5% more time).  Only a setting of memory use: should it
	 * be refused, the run goes on as it would have. */
	(void)mallopt(M_MMAP_THRESHOLD, 512 * 1024);
#endif
#ifdef M_TRIM_THRESHOLD
	/* and glibc gives the top of the heap back to the system when 128 KiB
	 * or more of it is free: the ZIP compressor's tables (about 200 KiB)
	 * freed at an archive's end were given back (the sbrk: 0.9% of a
	 * corpus DOCX's time), and in a batch the next document's blocks
	 * were faulted in and zeroed again.  4 MiB: a process keeps at most
	 * that much free at the top, a batch's next document reuses it, and
	 * peak memory is what it was. */
	(void)mallopt(M_TRIM_THRESHOLD, 4 * 1024 * 1024);
#endif
	/* the umask can only be read by setting it: done here, once, so
	 * no other code ever changes process state */
	r.umask = umask(022);
	umask(r.umask);
	/* `mentorconv collect FILE...`: filled worksheets back to a table */
	if (argc > 1 && !strcmp(argv[1], "collect")) {
#ifdef MC_LIGHT
		/* reading PDFs and DOCX back loads libqpdf and expat */
		return mc_handover(argv, "collect");
#else
		return mc_collect_main(argc - 1, argv + 1, r.umask);
#endif
	}
#ifdef MC_LIGHT
	/* getopt_long reorders argv: the full program is given the command
	 * line as it was typed (a copy of the pointers, made before) */
	char **typed = malloc(((size_t)argc + 1) * sizeof *typed);
	if (!typed) {
		fprintf(stderr, "mentorconv: out of memory\n");
		return 1;
	}
	memcpy(typed, argv, ((size_t)argc + 1) * sizeof *typed);
#endif
	int status = parse_args(argc, argv, &r, &c);
	if (status >= 0) {
#ifdef MC_LIGHT
		free(typed);
#endif
		return status;
	}

	/* the formats: -t's list, or the output's extension */
	const mc_backend *formats[16];
	size_t nformats = 0;
	status = pick_formats(&r, &c, formats, &nformats);
#ifdef MC_LIGHT
	/* the command line is good; nothing is read or written yet: a run
	 * with a format that is a module is the full program's */
	for (size_t i = 0; status < 0 && i < nformats; i++)
		if (formats[i]->module) {
			char what[40];
			snprintf(what, sizeof what, "the %s format",
			         formats[i]->name);
			status = mc_handover(typed, what);
		}
	free(typed);
#endif
	if (status >= 0)
		return status;
	/* like pandoc: no PDF, EPUB or DOCX bytes onto a terminal */
	if (!r.outdir && !r.output && formats[0]->binary &&
	    isatty(STDOUT_FILENO)) {
		char name[32];
		size_t i = 0;
		for (; formats[0]->name[i] && i + 1 < sizeof name; i++)
			name[i] = (char)toupper((unsigned char)formats[0]->name[i]);
		name[i] = '\0';
		fprintf(stderr, "mentorconv: will not write %s to a terminal; "
		                "use -o FILE or redirect standard output\n",
		        name);
		return EXIT_USAGE;
	}
	if (!r.outdir && mc_output_in(r.output, r.inputs, 1, "mentorconv",
	                              stderr) != 0)
		return 1;

	r.formats = formats;
	r.nformats = nformats;
	if (!r.jobs) {
		/* the CPUs this process may run on (taskset, a CI runner's
		 * cpuset), not every CPU online; one system call, where
		 * sysconf() reads a file in /sys */
		cpu_set_t cpus;
		long cores = sched_getaffinity(0, sizeof cpus, &cpus) == 0
		                     ? CPU_COUNT(&cpus)
		                     : sysconf(_SC_NPROCESSORS_ONLN);
		r.jobs = cores > 0 ? (int)cores : 1;
	}
	/* -d: a progress line while a terminal watches, and one summary
	 * line at the end (on a terminal or not); -q: neither */
	r.progress = r.outdir && !r.quiet && isatty(STDERR_FILENO);
	r.summary = r.outdir && !r.quiet;

	/* reproducible builds: SOURCE_DATE_EPOCH dates every output */
	r.date = -1;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);
		if (*end || v < 0) {
			fprintf(stderr, "mentorconv: SOURCE_DATE_EPOCH=%s is not a "
			                "number of seconds\n", sde);
			return 1;
		}
		r.date = (int64_t)v;
	}
	/* A file size limit (ulimit -f) must make write() fail with EFBIG,
	 * reported and cleaned up, rather than kill the process midway. */
	signal(SIGXFSZ, SIG_IGN);
	/* SIGINT/SIGTERM/SIGHUP never leave a temporary output behind
	 * (tmpreg.c; a watcher thread only once the batch starts workers) */
	mc_tmpreg tmps;
	if (mc_tmpreg_start(&tmps) != 0) {
		fprintf(stderr, "mentorconv: cannot set up signal handling\n");
		return 1;
	}
	r.tmps = &tmps;
	int rc = mc_run_batch(&r);
	mc_tmpreg_stop(&tmps);
	return rc;
}
