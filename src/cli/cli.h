/*
 * cli.h - the command line's own modules: safe output (output.c) and
 * batch conversion (batch.c).  Only main.c and these files use it.
 */
#ifndef MC_CLI_H
#define MC_CLI_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "../back/backend.h"
#include "../front/front.h"
#include "../util/buf.h"

/* ---- tmpreg.c ---- */

/* The temporary files being written, so that SIGINT, SIGTERM or SIGHUP
 * never leaves one behind (design: tmpreg.c).  Owned by main(); the
 * fields are private to tmpreg.c. */
typedef struct mc_tmpreg {
	pthread_mutex_t mu;
	char **paths; /* guarded by mu */
	size_t n, cap;
	bool stopping; /* guarded by mu */
	bool ready;    /* mc_tmpreg_start done */
	bool started;  /* the watcher thread runs */
	unsigned held; /* one thread: temporary files in flight, signals
	                  held back while there are any */
	sigset_t set, old, held_old;
	pthread_t thread;
} mc_tmpreg;

/* Note which signals to act on (those the parent did not set to be
 * ignored); nothing is blocked and no thread starts yet: a run of one
 * thread holds the signals back only while a temporary file exists.
 * 0, or -1. */
int mc_tmpreg_start(mc_tmpreg *r);
/* Before a second thread starts: block the signals in the calling thread
 * (which the threads it starts inherit) and start the watcher thread,
 * which removes the temporary files in flight when one comes.  0, or -1
 * (then nothing was changed: start no other thread). */
int mc_tmpreg_threads(mc_tmpreg *r);
/* End the watcher, if any, and restore the signal mask. */
void mc_tmpreg_stop(mc_tmpreg *r);
/* mkstemp(templ), the file registered (r NULL or not started: plain
 * mkstemp).  The fd, or -1 with errno set. */
int mc_tmpreg_mkstemp(mc_tmpreg *r, char *templ);
/* The file at path is renamed or removed: forget it. */
void mc_tmpreg_done(mc_tmpreg *r, const char *path);

/* ---- handover.c ---- */

/* The light program (built with MC_LIGHT: static, without the modules)
 * runs the full program in its place, with the same argv, for `what`
 * ("the pdf format", "collect": named in the message should it fail);
 * returns only on failure: 1, after a message on stderr. */
int mc_handover(char **argv, const char *what);

/* ---- output.c ---- */

/* The one rule for an output that would overwrite a file it is made
 * from (the single file's -o, every output of a batch, a job's outputs
 * against its dependencies, collect's table): the output and an input
 * are the same existing file, by device and inode (another spelling of
 * the path or a link is caught; "-", standard input or output, never
 * is).  The refusal always reads
 *   WHO: the output OUT is the input file IN; refusing to overwrite it
 * An mc_input_set holds the inputs' (device, inode), sorted: one stat
 * per input and per output, not inputs x outputs, so a batch of
 * thousands of pages stays cheap. */
typedef struct mc_input_set mc_input_set;
/* The set of paths[0..n) (borrowed: they must outlive the set; those
 * that do not exist are left out); NULL if out of memory. */
mc_input_set *mc_input_set_new(const char *const *paths, size_t n);
void mc_input_set_free(mc_input_set *s);
/* Whether output is one of the set's files: if so, the refusal is
 * written on err with `who` ("mentorconv", "mentorconv collect"). */
bool mc_output_is_input(const mc_input_set *s, const char *output,
                        const char *who, FILE *err);
/* The same for a few inputs at once: 1 (refused, said on err), 0, or -1
 * if out of memory (said on err). */
int mc_output_in(const char *output, const char *const *inputs, size_t n,
                 const char *who, FILE *err);
/* Write b to standard output; 0, or 1 after a message on stderr. */
int mc_write_stdout(const mc_buf *b);
/* Write b to path through a temporary file in the same folder renamed
 * into place (an existing device or pipe is written in place); the
 * temporary file is registered in tmps (may be NULL) while it exists.
 * 0, or 1 after a "mentorconv: cannot write ..." message on err. */
int mc_write_file(const char *path, const mc_buf *b, mode_t mask,
                  FILE *err, mc_tmpreg *tmps);
/* Make the folder of `path` (and its parents).  0, or 1 after a
 * message on err. */
int mc_make_parent_dirs(const char *path, mode_t mask, FILE *err);

/* ---- batch.c ---- */

/* What one run converts: the run's options, which main.c's argv parser
 * fills directly (the command line's own bits, -t's list and the storage
 * of the format options, stay in main.c). */
typedef struct mc_run {
	const char **inputs;  /* files, module folders or site roots */
	size_t ninputs;
	const mc_backend **formats; /* one or more */
	size_t nformats;
	const char *outdir;   /* -d: outputs mirrored under it; NULL: output */
	const char *output;   /* -o (one input, one format); NULL: stdout */
	const char *style;    /* --style */
	const char *paper;    /* --paper a4|letter|...: the theme's page size
	                         overridden, or NULL */
	const char *report;   /* --report FILE.json, or NULL */
	const char *depfile;  /* --depfile FILE, or NULL */
	int jobs;             /* -j; >= 1 */
	int shard, nshards;   /* --shard I/N (1-based); 0/0: all */
	bool strict, quiet;
	bool verbose;         /* -v: notes too */
	bool progress;        /* a progress line on stderr (a terminal) */
	bool summary;         /* a summary line on stderr at the end */
	int64_t date;         /* SOURCE_DATE_EPOCH, or -1 */
	mc_front_opts front;  /* root, all_modules, worksheets */
	mc_render_opts ropts;
	mode_t umask;
	mc_tmpreg *tmps;      /* temporary outputs in flight, or NULL */
} mc_run;

/* Convert every input (of this shard) to every format.  Returns the exit
 * status: 0 if all succeeded, 1 if any failed. */
int mc_run_batch(const mc_run *r);

#endif
