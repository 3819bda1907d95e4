/*
 * pdfmod.c - loading the PDF backend on first use; see pdfmod.h.
 */
#include "pdfmod.h"
#include "../util/dl.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MODULE_NAME "mentorconv-pdf.so"

/* Defined when src/back/pdf/ is linked into the program; else NULL. */
#pragma weak mc_pdf_module_v1

/* Filled once per process under the mutex, never changed afterwards. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static const mc_pdf_module *loaded;
static int state; /* 0 not tried, 1 loaded, -1 failed */
static char why[PATH_MAX + 256];

/* Try one file: 0 and *m set, or -1 with the reason in why (the first
 * reason is kept: a missing file later in the list says less). */
static int try_file(const char *path, const mc_pdf_module **m)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		if (!why[0]) {
			const char *e = dlerror();
			snprintf(why, sizeof why, "%s", e ? e : path);
		}
		return -1;
	}
	const mc_pdf_module *t = dlsym(h, "mc_pdf_module_v1");
	if (!t || t->abi != MC_PDF_MODULE_ABI) {
		snprintf(why, sizeof why,
		         "%s is not this mentorconv's PDF backend (%s)", path,
		         t ? "another version" : "no mc_pdf_module_v1");
		dlclose(h);
		return -1;
	}
	*m = t; /* kept open for the rest of the process */
	return 0;
}

static void load(void)
{
	const mc_pdf_module *m = NULL;
	/* tests point at a module of their own */
	const char *env = getenv("MENTORCONV_PDF_MODULE");
	if (env && *env) {
		if (try_file(env, &m) == 0)
			goto done;
		state = -1;
		return;
	}
	char exe[PATH_MAX + sizeof MODULE_NAME + 1];
	if (mc_beside_self(MODULE_NAME, exe, sizeof exe) == 0 &&
	    access(exe, F_OK) == 0 && try_file(exe, &m) == 0)
		goto done;
	if (try_file(MC_PDF_MODULE_DIR "/" MODULE_NAME, &m) == 0)
		goto done;
	state = -1;
	return;
done:
	loaded = m;
	state = 1;
}

static const mc_pdf_module *module(const char **reason)
{
	if (&mc_pdf_module_v1 != NULL)
		return &mc_pdf_module_v1;
	pthread_mutex_lock(&mu);
	if (state == 0)
		load();
	const mc_pdf_module *m = state == 1 ? loaded : NULL;
	pthread_mutex_unlock(&mu);
	*reason = why;
	return m;
}

static void cannot(mc_diag *diag, const char *reason)
{
	mc_error(diag, 0, 0,
	         "cannot load the PDF backend %s (install mentorconv with "
	         "`make install`, or set MENTORCONV_PDF_MODULE): %s",
	         MODULE_NAME, reason);
}

int mc_pdfmod_render(const mc_doc *doc, const mc_theme *theme,
                     const mc_render_opts *opts, mc_buf *out, mc_diag *diag)
{
	const char *reason = "";
	const mc_pdf_module *m = module(&reason);
	if (!m) {
		cannot(diag, reason);
		return -1;
	}
	return m->render(doc, theme, opts, out, diag);
}

void *mc_pdfmod_cache_new(const mc_theme *theme)
{
	const char *reason = "";
	const mc_pdf_module *m = module(&reason);
	return m ? m->cache_new(theme) : NULL;
}

void mc_pdfmod_cache_free(void *cache)
{
	const char *reason = "";
	const mc_pdf_module *m = cache ? module(&reason) : NULL;
	if (m)
		m->cache_free(cache);
}
