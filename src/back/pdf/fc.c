/*
 * fc.c - fontconfig loaded when needed (fc.h).
 */
#define _GNU_SOURCE /* dladdr */
#include "fc.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MC_FONTCONFIG_SONAME
#define MC_FONTCONFIG_SONAME "libfontconfig.so.1"
#endif

static const char *const pdf_fc_api_syms[] = {PDF_FC_FUNCS(MC_DL_NAME_)};
MC_DL_LIB(fc_lib, pdf_fc_api, fc_table, "libfontconfig1",
          MC_FONTCONFIG_SONAME);

const pdf_fc_api *pdf_fc(void)
{
	char err[300];
	return mc_dl_get(&fc_lib, err, sizeof err);
}

void pdf_fc_path(char *out, size_t n)
{
	out[0] = 0;
	const pdf_fc_api *F = pdf_fc();
	Dl_info di;
	void *p;
	if (!F)
		return;
	memcpy(&p, &F->FcInitLoadConfigAndFonts, sizeof p);
	char *rp = NULL;
	if (dladdr(p, &di) && di.dli_fname &&
	    (rp = realpath(di.dli_fname, NULL)) != NULL) {
		snprintf(out, n, "%s", rp);
		free(rp);
	}
}
