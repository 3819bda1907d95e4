/*
 * theme.h - themes: page, fonts, colours, callout looks, answer fields.
 *
 * A theme is YAML (styles/*.yaml) read with libyaml.  The default theme is
 * styles/default.yaml, embedded into the binary at build time: it is the
 * one source of truth for every default.  A user theme is laid over the
 * default, so it need only name what it changes.  Unknown keys and bad
 * values are errors reported as file:line:col.
 *
 * (Struct fields are filled in by the theme module; see below.)
 */
#ifndef MC_THEME_H
#define MC_THEME_H

#include "../util/diag.h"

typedef struct mc_theme mc_theme;

/* Load the default theme, then lay `name_or_file` over it: NULL for the
 * default alone, a file path (anything containing '/' or ending in
 * .yaml/.yml), or a theme name looked up in the installed styles folder.
 * Returns 0 and sets *out, or -1 after reporting through diag. */
int mc_theme_load(const char *name_or_file, mc_theme **out, mc_diag *diag);
void mc_theme_free(mc_theme *t);

#endif
