/*
 * dl.h - a library loaded at run time, only by the code that needs it.
 *
 * `mentorconv collect` reads filled-in PDFs with libqpdf (C++, with
 * gnutls, libjpeg and libstdc++ behind it) and DOCX with libzip and
 * expat; no conversion does.  Linked into the program, they would be
 * loaded and relocated at every start; loaded here, they cost only the
 * runs that read answers.
 *
 * A user declares its functions once as an X-macro list and gets a table
 * of pointers, filled on first use and read-only afterwards:
 *
 *     #define MY_FUNCS(X) X(qpdf_init) X(qpdf_read)
 *     MC_DL_TABLE(my_api, MY_FUNCS)
 *     ...
 *     const my_api *A = mc_dl_get(&lib, err, errsz);
 *
 * The pointers keep the declared functions' types (__typeof__, which
 * GCC and Clang give in C11 mode).
 */
#ifndef MC_DL_H
#define MC_DL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#define MC_DL_FIELD_(f) __typeof__(&f) f;
#define MC_DL_NAME_(f) #f,
/* typedef struct NAME { pointer per function } NAME; alone (a table a
 * program linked with the library fills with the functions' addresses) */
#define MC_DL_TYPE(name, LIST)                                      \
	typedef struct name {                                       \
		LIST(MC_DL_FIELD_)                                  \
	} name;
/* A library linked into the program instead: the type, a table filled
 * with the functions' addresses at compile time, and `const NAME
 * *get(char *err, size_t errsz)` returning it, in the place of a
 * function that would return mc_dl_get's */
#define MC_DL_ADDR_(f) .f = f,
#define MC_DL_LINKED(name, LIST, get)                               \
	MC_DL_TYPE(name, LIST)                                      \
	static const name name##_linked = {LIST(MC_DL_ADDR_)};      \
	static const name *get(char *err, size_t errsz)             \
	{                                                           \
		(void)err;                                          \
		(void)errsz;                                        \
		return &name##_linked;                              \
	}
/* the type, and NAME_syms[], the names mc_dl_get looks up */
#define MC_DL_TABLE(name, LIST)                                     \
	MC_DL_TYPE(name, LIST)                                      \
	static const char *const name##_syms[] = {LIST(MC_DL_NAME_)};

/* One library: what to try, and the table once it is loaded.  Define
 * it static with MC_DL_LIB; it is filled once per process (under its
 * mutex) and never changed afterwards, so threads may share it.  Once it
 * is loaded, mc_dl_get takes no lock (ok is read with acquire order, set
 * with release order after the table): a caller may fetch the table at
 * every call (src/back/pdf/fc.h's FC()). */
typedef struct mc_dl_lib {
	const char *const *sonames; /* tried in order, NULL-ended */
	const char *package;        /* the Debian package that has it */
	const char *const *syms;
	size_t nsyms;
	void **table;               /* nsyms pointers */
	pthread_mutex_t mu;         /* held while loading */
	_Atomic int ok;             /* 0 not yet, 1 loaded, -1 failed */
	char why[256];              /* the failure, when ok is -1 */
} mc_dl_lib;

#define MC_DL_LIB(var, name, table_var, package_, ...)                     \
	static name table_var;                                              \
	static const char *const var##_sonames[] = {__VA_ARGS__, NULL};     \
	static mc_dl_lib var = {                                            \
		var##_sonames, package_, name##_syms,                       \
		sizeof name##_syms / sizeof name##_syms[0],                 \
		(void **)&table_var, PTHREAD_MUTEX_INITIALIZER, 0, {0}}

/* Load lib (the first call; later ones return the first's result).
 * Returns its table, or NULL with a message in err: which library could
 * not be loaded or lacks a function, and the package that has it. */
const void *mc_dl_get(mc_dl_lib *lib, char *err, size_t errsz);

/* Where `make install` puts the PDF module and the full program (the
 * Makefile gives $(PREFIX)/lib/mentorconv). */
#ifndef MC_PDF_MODULE_DIR
#define MC_PDF_MODULE_DIR "/usr/local/lib/mentorconv"
#endif

/* The path of the file `name` in this program's own folder (where
 * `make` leaves the PDF module and the full program), into path[size]:
 * 0, or -1 when /proc/self/exe cannot be read or the path is too long. */
int mc_beside_self(const char *name, char *path, size_t size);

#endif
