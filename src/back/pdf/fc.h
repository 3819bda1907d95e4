/*
 * fc.h - fontconfig, loaded when the first question needs it (cache.c,
 * fontcache.c).
 *
 * A PDF whose fonts the per-user file answers (fontcache.h) asks
 * fontconfig nothing; linked into the module, fontconfig and expat were
 * still loaded and relocated at every PDF's start (0.13 ms of a one-line
 * page's 3.4).  So the module does not link them: they are loaded (util/
 * dl.h) with the first question that file cannot answer.  FC(f) is
 * fontconfig's function f; use it only once pdf_fc() has returned
 * non-NULL in this process (every fontconfig object comes from a
 * configuration made after that).
 */
#ifndef MC_PDF_FC_H
#define MC_PDF_FC_H

#include <fontconfig/fontconfig.h>

#include "../../util/dl.h"

#define PDF_FC_FUNCS(X)                                                     \
	X(FcInitLoadConfigAndFonts) X(FcConfigDestroy)                      \
	X(FcConfigGetConfigFiles) X(FcConfigGetFontDirs)                    \
	X(FcConfigSubstitute) X(FcDefaultSubstitute) X(FcFontMatch)         \
	X(FcFontSort) X(FcFontSetDestroy) X(FcPatternCreate)                \
	X(FcPatternDestroy) X(FcPatternAddString) X(FcPatternAddInteger)    \
	X(FcPatternAddBool) X(FcPatternAddCharSet) X(FcPatternGetString)    \
	X(FcPatternGetInteger) X(FcPatternGetBool) X(FcPatternGetCharSet)   \
	X(FcCharSetCreate) X(FcCharSetDestroy) X(FcCharSetAddChar)          \
	X(FcCharSetHasChar) X(FcCharSetFirstPage) X(FcCharSetNextPage)      \
	X(FcStrListNext) X(FcStrListDone)

typedef struct pdf_fc_api {
	PDF_FC_FUNCS(MC_DL_FIELD_)
} pdf_fc_api;

/* fontconfig's functions, loaded on the first call (later calls return
 * the first's answer); NULL if it cannot be loaded. */
const pdf_fc_api *pdf_fc(void);
/* The real path of the fontconfig library loaded into out (n bytes), ""
 * if none is: what the font cache depends on (fontcache.c). */
void pdf_fc_path(char *out, size_t n);

#define FC(f) (pdf_fc()->f)

#endif
