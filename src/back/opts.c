/* opts.c - reading a render's options (backend.h).  On its own, apart
 * from the table of formats (backends.c): the PDF module reads its
 * options too, and linking the table would bring every backend, and
 * their libraries, into the module. */
#include "backend.h"

#include <string.h>

const char *mc_render_opt(const mc_render_opts *opts, const char *name)
{
	const char *r = NULL;
	size_t n = strlen(name);
	for (size_t i = 0; opts && i < opts->ngiven; i++) {
		const char *g = opts->given[i];
		if (strncmp(g, name, n) == 0 && (g[n] == '\0' || g[n] == '='))
			r = g[n] ? g + n + 1 : "";
	}
	return r;
}
