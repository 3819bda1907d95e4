/* main.c - the mentorconv command line.
 *
 *   mentorconv [options] INPUT -o OUTPUT
 *
 * Parses INPUT into the document model, renders it with the backend
 * chosen by -t or by OUTPUT's extension, and writes OUTPUT atomically
 * (a temporary file in the same folder, renamed into place), so a failed
 * run never leaves a half-written file.  Exit status: 0 success,
 * 1 conversion or write failure, 2 usage error. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "back/backend.h"
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

typedef struct cli {
	const char *input;
	const char *output; /* NULL: stdout (only with -t) */
	const char *format; /* -t, or NULL */
	const char *root;
	const char *style;
	bool strict, quiet;
	unsigned ropts_given; /* MC_ROPT_* options given */
	mc_render_opts ropts;
	mode_t umask; /* read once at start, before any work */
} cli;

static void usage(FILE *f)
{
	fputs("Usage: mentorconv [options] INPUT -o OUTPUT\n"
	      "       mentorconv [options] INPUT -t FORMAT [-o OUTPUT]\n"
	      "\n"
	      "Convert a course Markdown page into a handout or book.  The\n"
	      "format is taken from OUTPUT's extension unless -t is given.\n"
	      "INPUT '-' reads standard input; OUTPUT '-' (or -t without -o)\n"
	      "writes standard output.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output FILE    write to FILE\n"
	      "  -t, --format FORMAT  output format (see below)\n"
	      "      --root DIR       site root (default: the nearest folder\n"
	      "                       upward holding _config.yml)\n"
	      "      --style NAME|FILE  theme: an installed style name or a\n"
	      "                       YAML file\n"
	      "      --strict         treat warnings as errors\n"
	      "      --no-fields      PDF: print-only, no fillable form fields\n"
	      "      --protect        DOCX: only the answer fields can be edited\n"
	      "      --fields KIND    DOCX answer fields: content-controls\n"
	      "                       (default; Word 2010+, LibreOffice 7.4+) or\n"
	      "                       legacy (FORMTEXT/FORMCHECKBOX form fields,\n"
	      "                       for older word processors)\n"
	      "  -q, --quiet          do not print warnings\n"
	      "  -h, --help           show this help and exit\n"
	      "      --version        show the version and exit\n"
	      "\n"
	      "Formats:\n",
	      f);
	for (const mc_backend *b = mc_backends; b->name; b++)
		fprintf(f, "  %-6s .%-6s %s%s\n", b->name, b->ext, b->summary,
		        b->render ? "" : " [not available in this build yet]");
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

/* Parse argv into c.  Returns -1 to go on, else an exit status. */
static int parse_args(int argc, char **argv, cli *c)
{
	enum {
		OPT_ROOT = 256,
		OPT_STYLE,
		OPT_STRICT,
		OPT_VERSION,
		OPT_PROTECT,
		OPT_FIELDS,
		OPT_NO_FIELDS
	};
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 't'},
		{"root", required_argument, NULL, OPT_ROOT},
		{"style", required_argument, NULL, OPT_STYLE},
		{"strict", no_argument, NULL, OPT_STRICT},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},
		{"protect", no_argument, NULL, OPT_PROTECT},
		{"fields", required_argument, NULL, OPT_FIELDS},
		{"no-fields", no_argument, NULL, OPT_NO_FIELDS},
		{NULL, 0, NULL, 0},
	};
	opterr = 0; /* our own messages, always prefixed "mentorconv:" */
	int opt;
	while ((opt = getopt_long(argc, argv, ":o:t:qh", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'o':
			c->output = optarg;
			break;
		case 't':
			c->format = optarg;
			break;
		case OPT_ROOT:
			c->root = optarg;
			break;
		case OPT_STYLE:
			c->style = optarg;
			break;
		case OPT_STRICT:
			c->strict = true;
			break;
		case OPT_PROTECT:
			c->ropts.protect = true;
			c->ropts_given |= MC_ROPT_PROTECT;
			break;
		case OPT_NO_FIELDS:
			c->ropts.no_fields = true;
			c->ropts_given |= MC_ROPT_NO_FIELDS;
			break;
		case OPT_FIELDS:
			if (strcmp(optarg, "legacy") == 0)
				c->ropts.legacy_fields = true;
			else if (strcmp(optarg, "content-controls") == 0)
				c->ropts.legacy_fields = false;
			else
				return usage_error("--fields takes 'content-controls' "
				                   "or 'legacy', not '%s'", optarg);
			c->ropts_given |= MC_ROPT_FIELDS;
			break;
		case 'q':
			c->quiet = true;
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
	if (argc - optind > 1)
		return usage_error("unexpected argument '%s' (only one INPUT)",
		                   argv[optind + 1]);
	c->input = argv[optind];
	if (!c->input[0])
		return usage_error("the input file name is empty");
	if (c->output && !c->output[0])
		return usage_error("the output file name is empty");
	if (c->output && strcmp(c->output, "-") == 0)
		c->output = NULL; /* stdout */
	else if (!c->output && !c->format)
		return usage_error("no output: give -o OUTPUT or -t FORMAT");
	return -1;
}

/* The backend for the command line, or NULL after a usage message (with
 * *status set). */
static const mc_backend *pick_backend(const cli *c, int *status)
{
	const mc_backend *b;
	const char *name;
	*status = EXIT_USAGE;
	if (c->format) {
		name = c->format;
		b = mc_backend_by_name(name);
		if (!b) {
			usage_error("unknown format '%s'", name);
			return NULL;
		}
	} else {
		if (!c->output) {
			usage_error("writing to standard output needs -t FORMAT");
			return NULL;
		}
		const char *base = strrchr(c->output, '/');
		base = base ? base + 1 : c->output;
		const char *dot = strrchr(base, '.');
		if (!dot || dot == base || !dot[1]) {
			usage_error("cannot tell the format of '%s' from its "
			            "extension; use -t FORMAT",
			            c->output);
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
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {{MC_ROPT_PROTECT, "--protect"},
	             {MC_ROPT_FIELDS, "--fields"},
	             {MC_ROPT_NO_FIELDS, "--no-fields"}};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if ((c->ropts_given & names[i].bit) &&
		    !(b->options & names[i].bit)) {
			*status = usage_error("%s is not an option of the '%s' "
			                      "format", names[i].name, b->name);
			return NULL;
		}
	return b;
}

/* Whether INPUT and OUTPUT name the same existing file. */
static bool same_file(const char *input, const char *output)
{
	if (!output || strcmp(input, "-") == 0)
		return false;
	struct stat si, so;
	if (stat(input, &si) != 0 || stat(output, &so) != 0)
		return false;
	return si.st_dev == so.st_dev && si.st_ino == so.st_ino;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0) {
			errno = EIO;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int write_stdout(const mc_buf *b)
{
	size_t n = b->len;
	if (n && fwrite(b->data, 1, n, stdout) != n)
		goto fail;
	if (fflush(stdout) != 0 || ferror(stdout))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "mentorconv: cannot write standard output: %s\n",
	        strerror(errno));
	return 1;
}

/* Write b to an existing output that is not a regular file (/dev/null,
 * a pipe, a terminal): in place, since renaming a file over it would
 * replace the device. */
static int write_special(const char *path, const mc_buf *b)
{
	int fd = open(path, O_WRONLY | O_APPEND);
	if (fd < 0 || write_all(fd, b->data ? b->data : "", b->len) != 0) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "mentorconv: cannot write %s: %s\n", path,
		        strerror(err));
		return 1;
	}
	if (close(fd) != 0) {
		fprintf(stderr, "mentorconv: cannot write %s: %s\n", path,
		        strerror(errno));
		return 1;
	}
	return 0;
}

/* Write b to path through a temporary file renamed into place. */
static int write_file(const char *path, const mc_buf *b, mode_t mask)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "mentorconv: cannot write %s: it is a "
		                "directory\n", path);
		return 1;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return write_special(path, b);

	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dirlen;
	mc_buf tmp = MC_BUF_INIT;
	mc_buf_put(&tmp, path, dirlen);
	mc_buf_printf(&tmp, ".%s.XXXXXX", base);

	int err = 0;
	int fd = mkstemp(tmp.data);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	/* no fsync: the rename makes the output appear whole or not at all,
	 * and a sync per file would cost more than the conversion */
	if (write_all(fd, b->data ? b->data : "", b->len) != 0 ||
	    fchmod(fd, 0666 & ~mask) != 0) {
		err = errno;
		close(fd);
		unlink(tmp.data);
		goto out;
	}
	if (close(fd) != 0) {
		err = errno;
		unlink(tmp.data);
		goto out;
	}
	if (rename(tmp.data, path) != 0) {
		err = errno;
		unlink(tmp.data);
		goto out;
	}
out:
	mc_buf_free(&tmp);
	if (err) {
		fprintf(stderr, "mentorconv: cannot write %s: %s\n", path,
		        strerror(err));
		return 1;
	}
	return 0;
}

static int convert(const cli *c, const mc_backend *be)
{
	const char *shown = strcmp(c->input, "-") == 0 ? "<stdin>" : c->input;
	mc_diag d;
	mc_diag_init(&d, stderr, shown);
	d.strict = c->strict;
	d.quiet = c->quiet;

	mc_theme *theme = NULL;
	mc_doc *doc = NULL;
	mc_buf out = MC_BUF_INIT;
	int status = 1;

	if (mc_theme_load(c->style, &theme, &d) != 0 || !theme ||
	    mc_diag_failed(&d))
		goto done;

	if (strcmp(c->input, "-") != 0 && access(c->input, R_OK) != 0) {
		fprintf(stderr, "mentorconv: cannot open %s: %s\n", c->input,
		        strerror(errno));
		goto done;
	}

	mc_front_opts fo = {c->root, theme->answer.lines};
	if (mc_front_parse_file(c->input, &fo, &d, &doc) != 0 || !doc ||
	    mc_diag_failed(&d))
		goto done;

	/* reproducible builds: SOURCE_DATE_EPOCH dates every output */
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);
		if (*end || v < 0) {
			fprintf(stderr, "mentorconv: SOURCE_DATE_EPOCH=%s is not a "
			                "number of seconds\n", sde);
			goto done;
		}
		doc->meta.date = (int64_t)v;
	}

	int rrc = be->render_opts ? be->render_opts(doc, theme, &c->ropts, &out,
	                                            &d)
	                          : be->render(doc, theme, &out, &d);
	if (rrc != 0 || mc_diag_failed(&d))
		goto done;

	status = c->output ? write_file(c->output, &out, c->umask)
	                   : write_stdout(&out);
done:
	mc_buf_free(&out);
	mc_doc_free(doc);
	if (theme)
		mc_theme_free(theme);
	return status;
}

int main(int argc, char **argv)
{
	cli c = {0};
	/* the umask can only be read by setting it: done here, once, so
	 * no other code ever changes process state */
	c.umask = umask(022);
	umask(c.umask);
	int status = parse_args(argc, argv, &c);
	if (status >= 0)
		return status;
	const mc_backend *be = pick_backend(&c, &status);
	if (!be)
		return status;
	if (same_file(c.input, c.output)) {
		fprintf(stderr,
		        "mentorconv: the output %s is the input file; refusing "
		        "to overwrite it\n",
		        c.output);
		return 1;
	}
	return convert(&c, be);
}
