/*
 * answers.h - `mentorconv collect`: reading filled worksheets back (PDF
 * form fields through qpdf, DOCX content controls and legacy form
 * fields through libzip and expat) into one table, CSV or JSON.
 *
 * A reader gives the fields of one file, in document order; the driver
 * (answers.c) makes a row of each answer field with the file's learner
 * name and date.  Nothing here keeps global state: files may be read on
 * any thread.
 */
#ifndef MC_ANSWERS_H
#define MC_ANSWERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../util/buf.h"

/* One field read back.  Strings are malloc'd UTF-8, never NULL. */
typedef struct mc_field {
	char *group;  /* the worksheet's title ("" if unknown) */
	char *role;   /* "name", "date" (the learner's), else "" */
	char *prompt; /* the field's title: the prompt it answers */
	char *value;  /* the answer, "" when not filled in */
} mc_field;

typedef struct mc_fields {
	mc_field *v;
	size_t n, cap;
} mc_fields;

/* Add a field (the strings are copied, invalid UTF-8 repaired, white
 * space at the value's ends trimmed).  NULL strings count as "". */
void mc_fields_add(mc_fields *f, const char *group, const char *role,
                   const char *prompt, const char *value);
void mc_fields_free(mc_fields *f);

/* Readers: 0, or -1 with a message (no file name) in err. */
int mc_answers_pdf(const char *path, mc_fields *out, char *err,
                   size_t errsz);
int mc_answers_docx(const char *path, mc_fields *out, char *err,
                    size_t errsz);

/* RFC 4180: s as one CSV field (quoted when it holds a comma, a quote,
 * CR or LF; quotes doubled). */
void mc_csv_field(mc_buf *b, const char *s);

/* `mentorconv collect ARGS...` (argv[0] is "collect"): the exit status
 * (0 all read, 1 a file could not be read, 2 usage). */
int mc_collect_main(int argc, char **argv, mode_t mask);

#endif
