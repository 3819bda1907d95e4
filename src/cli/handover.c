/*
 * handover.c - the light program hands a run to the full one (cli.h).
 *
 * `make` builds mentorconv twice when it can (Makefile, "the light
 * program"): a static program, with musl, for DOCX, EPUB and JSON, which
 * starts in a tenth of the time a glibc program takes on a virtual
 * machine; and the full program, with glibc, which loads the PDF module
 * and, for `collect`, libqpdf and expat.  A static program cannot load a
 * module, so the light one, once it has read the command line and before
 * it reads any input or writes anything, gives a run that needs one to
 * the full program: execv() with the same arguments and environment, so
 * the run is the full program's from its first byte (standard input
 * unread, the same exit status, the same messages).
 *
 * The full program is found where the PDF module is: beside this
 * program (mentorconv-full, in the build tree), then in the library
 * folder `make install` fills.
 */
#include "cli.h"
#include "../util/dl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FULL_NAME "mentorconv-full"

int mc_handover(char **argv, const char *what)
{
	char path[PATH_MAX + sizeof FULL_NAME + 1];
	int first_err = 0;
	if (mc_beside_self(FULL_NAME, path, sizeof path) == 0) {
		execv(path, argv);
		first_err = errno;
	}
	execv(MC_PDF_MODULE_DIR "/" FULL_NAME, argv);
	/* the first failure says more unless it was only "not there" */
	int e = first_err && first_err != ENOENT ? first_err : errno;
	fprintf(stderr,
	        "mentorconv: %s needs the full program, %s, beside this one "
	        "or in %s: %s (install mentorconv with `make install`)\n",
	        what, FULL_NAME, MC_PDF_MODULE_DIR, strerror(e));
	return 1;
}
