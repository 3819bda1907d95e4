/*
 * zip.h - writing a ZIP archive in memory, for EPUB and DOCX (zlib).
 *
 * Entries are written in the order added, each with the same fixed
 * modification time and file attributes, so the same content gives the
 * same bytes.  An entry added with compress=false is stored: that is how
 * EPUB's first entry, `mimetype`, must be written (stored, first, no extra
 * field).
 */
#ifndef MC_ZIP_H
#define MC_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"

typedef struct mc_zip mc_zip;

/* A new empty archive, or NULL (with a message in err) on failure. */
mc_zip *mc_zip_new(char *err, size_t errsz);
/* Add an entry; the data is copied.  Returns 0, or -1 with a message in
 * err (the archive is then unusable: free it). */
int mc_zip_add(mc_zip *z, const char *name, const void *data, size_t len,
               bool compress, char *err, size_t errsz);
/* Write the archive into out with every entry dated `mtime` (as UTC;
 * times before 1980, which ZIP cannot hold, become 1980-01-01) and free the
 * archive.  Returns 0, or -1 with a message in err. */
int mc_zip_finish(mc_zip *z, time_t mtime, mc_buf *out, char *err,
                  size_t errsz);
/* Free an archive that will not be finished.  NULL is allowed. */
void mc_zip_free(mc_zip *z);

#endif
