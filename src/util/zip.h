/*
 * zip.h - writing a ZIP archive in memory, for EPUB and DOCX, and reading
 * one, for `collect` (libzip: this is the only interface to it).
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
#include <stdint.h>
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

/* Whether z's entries may take their compressed bytes from the memo
 * below (the default: yes).  Without it they are deflated at the
 * run-time level, bigger: the parts read back the same either way; the
 * tests turn it off to check that. */
void mc_zip_use_memo(mc_zip *z, bool use);
/* Deflate the len bytes at data as the memo's parts are (raw deflate,
 * libdeflate at the memo's level, its smallest) into out (appended).
 * Returns 0, or -1 with a message in err. */
int mc_zip_deflate(const void *data, size_t len, mc_buf *out, char *err,
                   size_t errsz);

/* ---- the memo of fixed parts ----
 * The parts the default theme makes for most documents (DOCX styles.xml,
 * settings.xml..., EPUB's style.css...), deflated at build time by
 * tools/predeflate.c into build/gen/predeflate.c, at the smallest level
 * (no run pays for it).  An entry whose length, CRC-32 and bytes equal
 * one of these is written with its stored compressed bytes instead of
 * being deflated again (tests/unit_util.c deflates each with
 * mc_zip_deflate at run time and compares). */
typedef struct mc_zip_memo {
	const char *name;          /* the part it was made as (for tests) */
	size_t len;                /* uncompressed */
	uint32_t crc;              /* CRC-32 of the uncompressed bytes */
	const unsigned char *data; /* the uncompressed bytes */
	size_t zlen;
	const unsigned char *z;    /* the raw deflate stream */
} mc_zip_memo;
extern const mc_zip_memo mc_zip_memos[];
extern const size_t mc_zip_nmemos;

/* ---- reading ---- */

typedef struct mc_unzip mc_unzip;           /* an archive being read */
typedef struct mc_unzip_file mc_unzip_file; /* one entry being read */

/* Load libzip now (it is loaded by the first archive otherwise), to tell
 * a missing library from a damaged archive.  Returns 0, or -1 with a
 * message in err: the library that could not be loaded and its package. */
int mc_unzip_load(char *err, size_t errsz);
/* Open the archive in the file at path, or the len bytes at data (not
 * copied: they must outlive the archive), for reading.  NULL with
 * libzip's message in err (why the archive cannot be read) on failure. */
mc_unzip *mc_unzip_open(const char *path, char *err, size_t errsz);
mc_unzip *mc_unzip_open_mem(const void *data, size_t len, char *err,
                            size_t errsz);
/* The number of entries, and the name of the i-th (NULL if it has
 * none or i is out of range). */
size_t mc_unzip_count(const mc_unzip *u);
const char *mc_unzip_name(const mc_unzip *u, size_t i);
/* Open the entry named name for reading, its data inflated.  NULL with
 * libzip's message in err (no such entry...) on failure. */
mc_unzip_file *mc_unzip_fopen(mc_unzip *u, const char *name, char *err,
                              size_t errsz);
/* Read up to n bytes of f into buf; *got is how many (0 at its end).
 * Returns 0, or -1 with libzip's message in err (damaged data...). */
int mc_unzip_fread(mc_unzip_file *f, void *buf, size_t n, size_t *got,
                   char *err, size_t errsz);
/* Close an entry, then the archive (the entries first).  NULL is
 * allowed. */
void mc_unzip_fclose(mc_unzip_file *f);
void mc_unzip_close(mc_unzip *u);

#endif
