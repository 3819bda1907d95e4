/*
 * diag.h - diagnostics: `file:line:col: warning|error: message`.
 *
 * One mc_diag per conversion (no global state).  Messages go to `out`
 * (stderr in the CLI) unless `quiet` hides warnings.  With `strict`, every
 * warning counts as an error.  Callers decide success by mc_diag_failed().
 */
#ifndef MC_DIAG_H
#define MC_DIAG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct mc_diag {
	FILE *out;        /* where messages go; NULL to only count them */
	const char *file; /* default file name for messages */
	bool strict;      /* warnings are errors */
	bool quiet;       /* do not print warnings */
	bool verbose;     /* print notes (-v): what was left out, and why */
	int nwarnings, nerrors;
	char first_error[512]; /* the first error, as printed (for reports) */
	/* If set, given every warning and error as printed (without the
	 * line end), shown or not: for reports that list them. */
	void (*sink)(void *ctx, bool error, const char *msg);
	void *sink_ctx;
} mc_diag;

void mc_diag_init(mc_diag *d, FILE *out, const char *file);
void mc_warn(mc_diag *d, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void mc_error(mc_diag *d, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Same, for a file other than d->file (e.g. a theme or _config.yml). */
void mc_error_at(mc_diag *d, const char *file, uint32_t line, uint32_t col,
                 const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void mc_warn_at(mc_diag *d, const char *file, uint32_t line, uint32_t col,
                const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* A note, printed only when verbose (and not quiet), as
 * "FILE: note: message"; it counts as nothing. */
void mc_note_at(mc_diag *d, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* True if any error was reported (or any warning, when strict). */
bool mc_diag_failed(const mc_diag *d);

#endif
