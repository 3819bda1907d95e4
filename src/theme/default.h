/*
 * default.h - the default theme, read at build time (internal to theme.c).
 *
 * styles/default.yaml is the one source of truth for every default.  The
 * build runs tools/themegen.c (theme.c's own loader) over it and writes
 * build/gen/default_theme.c: the value of every schema field, in schema
 * order, and where in styles/default.yaml it was set.  mc_theme_load()
 * copies these into a fresh theme, so a run parses no YAML for the
 * default and checks its contrast only when a user theme changes it (the
 * generator fails the build on any error or contrast warning of the
 * default).
 */
#ifndef MC_THEME_DEFAULT_H
#define MC_THEME_DEFAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One field of the schema (theme.c's build_schema()), as the default
 * sets it. */
typedef struct mc_default_field {
	const char *path; /* "page.margins.top", for the reader */
	union {
		double d;                 /* lengths, sizes, numbers */
		uint32_t u;               /* colours */
		int i;                    /* whole numbers */
		bool b;                   /* orientation, booleans */
		const char *s;            /* strings */
		const char *const *list;  /* fonts.fallback */
	} v;
	size_t n;          /* the list's length */
	uint32_t line, col; /* where styles/default.yaml sets it */
	unsigned long seq;  /* the order it was set in */
} mc_default_field;

extern const mc_default_field mc_default_fields[];
extern const int mc_default_nfields;
extern const unsigned long mc_default_seq; /* the last seq used */

#endif
