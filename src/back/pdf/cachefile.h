/*
 * cachefile.h - the PDF backend's files kept between runs (the answers
 * fontconfig gave, fontcache.c; the hyphenation patterns as parsed,
 * hyph.c): where they live, how they are framed and written, and the
 * fields they are made of.
 *
 * Where: one directory per user.  $MC_FONT_CACHE names the font cache's
 * file ("0" turns every cache off), and the other files go beside it;
 * else $XDG_CACHE_HOME/mentorconv/, else $HOME/.cache/mentorconv/.
 *
 * A file holds the payloads of up to PCF_KEEP keys (the program that
 * wrote each and what it depends on: a release and a sanitizer build, or
 * two versions compared, each keep theirs instead of undoing each
 * other's), the newest first: an 8-byte magic, the format's version,
 * the number of entries, the length and checksum (FNV-1a's steps on
 * 64-bit words) of the table, then the table (each entry's key, and its
 * payload's place, length and checksum), then the payloads.  A file is
 * written to a temporary file renamed into place (a reader never sees
 * half of one).  Fields: 32- and 64-bit little-endian integers, and
 * strings as a 32-bit length then the bytes.  A file's dependencies are
 * recorded as a path and its stat() (mtime, ctime, size, inode, device,
 * or "missing").
 *
 * Everything here is best-effort and silent: a file missing, unreadable,
 * corrupt or stale is ignored, and one that cannot be written only costs
 * time.  Nothing is kept between calls.
 */
#ifndef MC_PDF_CACHEFILE_H
#define MC_PDF_CACHEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../util/buf.h"

/* The font cache's name (pcf_path) */
#define PCF_FONTS "fonts.cache"
/* Keys a file keeps payloads for */
#define PCF_KEEP 4

/* The path of the cache file `name` into out (n bytes).  Returns 0, or -1
 * when there is none (turned off, no home, too long). */
int pcf_path(const char *name, char *out, size_t n);

/* ---- fields ---- */
void pcf_put_u32(mc_buf *b, uint32_t v);
void pcf_put_u64(mc_buf *b, uint64_t v);
void pcf_put_bytes(mc_buf *b, const void *p, size_t n);
void pcf_put_str(mc_buf *b, const char *s);
/* path and its status now (one dependency record) */
void pcf_put_dep(mc_buf *b, const char *path);

/* A reader: fails, and stays failed (bad), at the end of its bytes. */
typedef struct pcf_rd {
	const unsigned char *p;
	size_t n;
	bool bad;
} pcf_rd;
uint32_t pcf_get_u32(pcf_rd *r);
uint64_t pcf_get_u64(pcf_rd *r);
/* A string's bytes (not NUL-terminated) and length; NULL at the end. */
const unsigned char *pcf_get_bytes(pcf_rd *r, size_t *len);
/* A copy of a string (no NUL inside), or NULL. */
char *pcf_get_str(pcf_rd *r);
/* Read n dependency records: true if each path has the status it had
 * (r->bad if they do not parse). */
bool pcf_check_deps(pcf_rd *r, uint32_t n);

/* ---- files ---- */
/* The payload of key in the file at path, framed with magic (8 bytes)
 * and format: 0, with *buf the payload (malloc'ed: the caller frees it)
 * and *payload a reader over it, checked; -1 (nothing to free) if the
 * file is missing, unreadable or damaged, or has no entry for key. */
int pcf_load(const char *path, const char *magic, uint32_t format,
             const mc_buf *key, unsigned char **buf, pcf_rd *payload);
/* Write payload as key's entry of the file at path (its directory made
 * if need be), the first, before the file's entries for other keys that
 * are whole (PCF_KEEP in all at most, the oldest left out).  Returns 0
 * or -1. */
int pcf_save(const char *path, const char *magic, uint32_t format,
             const mc_buf *key, const mc_buf *payload);

#endif
