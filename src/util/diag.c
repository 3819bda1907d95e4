/* diag.c - diagnostics; see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <string.h>

void mc_diag_init(mc_diag *d, FILE *out, const char *file)
{
	memset(d, 0, sizeof *d);
	d->out = out;
	d->file = file ? file : "<input>";
}

static void emit(mc_diag *d, const char *file, bool error, uint32_t line,
                 uint32_t col, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	char full[1400];
	if (line)
		snprintf(full, sizeof full, "%s:%u:%u: %s: %s", file,
		         (unsigned)line, (unsigned)(col ? col : 1),
		         error ? "error" : "warning", msg);
	else
		snprintf(full, sizeof full, "%s: %s: %s", file,
		         error ? "error" : "warning", msg);
	if (error) {
		if (d->nerrors == 0) {
			size_t n = strlen(full);
			if (n >= sizeof d->first_error)
				n = sizeof d->first_error - 1;
			memcpy(d->first_error, full, n);
			d->first_error[n] = '\0';
		}
		d->nerrors++;
	} else {
		d->nwarnings++;
	}
	if (d->sink)
		d->sink(d->sink_ctx, error, full);
	if (d->out && (error || !d->quiet || d->strict))
		fprintf(d->out, "%s\n", full);
}

void mc_warn(mc_diag *d, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(d, d->file, d->strict, line, col, fmt, ap);
	va_end(ap);
}

void mc_error(mc_diag *d, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(d, d->file, true, line, col, fmt, ap);
	va_end(ap);
}

void mc_error_at(mc_diag *d, const char *file, uint32_t line, uint32_t col,
                 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(d, file, true, line, col, fmt, ap);
	va_end(ap);
}

void mc_warn_at(mc_diag *d, const char *file, uint32_t line, uint32_t col,
                const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(d, file, d->strict, line, col, fmt, ap);
	va_end(ap);
}

void mc_note_at(mc_diag *d, const char *file, const char *fmt, ...)
{
	if (!d->out || !d->verbose || d->quiet)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(d->out, "%s: note: %s\n", file ? file : d->file, msg);
}

bool mc_diag_failed(const mc_diag *d)
{
	return d->nerrors > 0;
}
