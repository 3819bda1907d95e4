/* zip.c - in-memory ZIP writing, and reading, with libzip; see zip.h.
 *
 * libzip is linked into the program when the build has its own (the
 * Makefile's MC_ZIP_STATIC: scripts/third_party.sh builds Debian's source
 * with deflate only).  Otherwise the system's libzip.so (and libcrypto and
 * libbz2 behind it) is loaded when the first archive is written or read
 * (dl.h), not at every start: a JSON or PDF run, or --version, never maps
 * it.  The Makefile passes its soname.  This is the only file that sees
 * libzip.
 *
 * Entries are deflated here, with libdeflate (one compressor for the
 * archive, at ZIP_LEVEL), and handed to libzip already compressed (a
 * source that says so in its stat): libzip would deflate with zlib and
 * set up (and fault in) a fresh 400 KiB deflate state for every entry.
 * libdeflate compresses a whole buffer at once, 2.5-3 times as fast as
 * zlib at the same level and a little smaller (src/back/pdf/flate.h).
 *
 * The fixed parts most documents share (zip.h: the memo) are not deflated
 * at all: their compressed bytes were made at build time, with this same
 * code (tools/predeflate.c calls mc_zip_deflate), and are taken when an
 * entry's length, CRC-32 and bytes are the memo's. */
#include "zip.h"
#include "utc.h"
#include "grow.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>
#include <libdeflate.h>
#include <zlib.h>

#include "arena.h"
#include "bytes.h"
#include "dl.h"

/* The level entries are deflated at when the program runs: libdeflate's
 * fastest.  What is deflated then is small (a few KB of XML a document),
 * and level 1 makes it 1.05 times as big as level 6 (271,364 against
 * 258,783 bytes for the corpus pages' DOCX parts, +170 bytes a file) in
 * 0.63 of the time, with 2/3 of the tables to fault in and clear for each
 * entry (level 6's are 192 KiB). */
#define ZIP_LEVEL 1
/* The memo's level (mc_zip_deflate, at build time): the smallest, since
 * no run pays for it. */
#define ZIP_MEMO_LEVEL 12
/* Deflate's "compression option" general purpose flags for a level
 * (APPNOTE 4.4.4, bits 1-2), informational, as libzip's own deflate sets
 * them (an empty entry goes through it): 10 fast, 01 maximum, 00
 * normal. */
#define ZIP_LEVEL_FLAGS(level)                                            \
	((level) < 3 ? 2u << 1 : (level) > 7 ? 1u << 1 : 0u)

#ifndef MC_ZIP_SONAME
#define MC_ZIP_SONAME "libzip.so.4"
#endif
/* one table for the writer and the reader */
#define LIBZIP_FUNCS(X) \
	X(zip_close) \
	X(zip_discard) \
	X(zip_error_fini) \
	X(zip_error_init) \
	X(zip_error_init_with_code) \
	X(zip_error_set) \
	X(zip_error_strerror) \
	X(zip_error_to_data) \
	X(zip_fclose) \
	X(zip_file_add) \
	X(zip_file_set_dostime) \
	X(zip_file_set_external_attributes) \
	X(zip_file_strerror) \
	X(zip_fopen) \
	X(zip_fread) \
	X(zip_get_error) \
	X(zip_get_name) \
	X(zip_get_num_entries) \
	X(zip_open) \
	X(zip_open_from_source) \
	X(zip_set_file_compression) \
	X(zip_source_buffer) \
	X(zip_source_buffer_create) \
	X(zip_source_free) \
	X(zip_source_function) \
	X(zip_source_function_create) \
	X(zip_source_seek_compute_offset) \
	X(zip_strerror)
#ifdef MC_ZIP_STATIC
MC_DL_LINKED(libzip_api, LIBZIP_FUNCS, libzip_table)
#else
MC_DL_TABLE(libzip_api, LIBZIP_FUNCS)
MC_DL_LIB(libzip_lib, libzip_api, LIBZIP, "libzip4", MC_ZIP_SONAME,
          "libzip.so");

static const libzip_api *libzip_table(char *err, size_t errsz)
{
	return mc_dl_get(&libzip_lib, err, errsz);
}
#endif

/* libzip's zip_open_from_source sets two static masks of the operations
 * a source must support on its first call, one after the other, unlocked:
 * a thread that comes in between reads the second still unset and takes
 * a writable buffer for a read-only one ("Read-only archive"; seen in a
 * -j 2 batch).  So its first call is made here, once per process, before
 * any archive: pthread_once orders it before every later call. */
static pthread_once_t libzip_once = PTHREAD_ONCE_INIT;

static void libzip_first_open(void)
{
	char err[8];
	const libzip_api *Z = libzip_table(err, sizeof err);
	if (!Z)
		return;
	zip_error_t ze;
	Z->zip_error_init(&ze);
	zip_source_t *src = Z->zip_source_buffer_create(NULL, 0, 0, &ze);
	if (src) {
		zip_t *za = Z->zip_open_from_source(src, ZIP_TRUNCATE, &ze);
		if (za)
			Z->zip_discard(za); /* frees src too */
		else
			Z->zip_source_free(src);
	}
	Z->zip_error_fini(&ze);
}

/* libzip's table, or NULL with why in err */
static const libzip_api *libzip(char *err, size_t errsz)
{
	const libzip_api *Z = libzip_table(err, errsz);
	if (Z)
		pthread_once(&libzip_once, libzip_first_open);
	return Z;
}

typedef struct entry {
	char *name;
	void *data;
	size_t len;
	bool compress;
} entry;

/* Entries are collected and handed to libzip only at the end, so the
 * archive's order and dates are decided in one place. */
struct mc_zip {
	entry *v;
	size_t n, cap;
	bool no_memo; /* mc_zip_use_memo(z, false) */
};

void mc_zip_use_memo(mc_zip *z, bool use)
{
	z->no_memo = !use;
}

mc_zip *mc_zip_new(char *err, size_t errsz)
{
	(void)err;
	(void)errsz;
	return mc_xcalloc(1, sizeof(mc_zip));
}

int mc_zip_add(mc_zip *z, const char *name, const void *data, size_t len,
               bool compress, char *err, size_t errsz)
{
	for (size_t i = 0; i < z->n; i++)
		if (strcmp(z->v[i].name, name) == 0) {
			snprintf(err, errsz, "zip entry %s added twice", name);
			return -1;
		}
	MC_GROW(z->v, z->n, z->cap, 16);
	entry *e = &z->v[z->n++];
	e->name = mc_xmalloc(strlen(name) + 1);
	strcpy(e->name, name);
	e->data = mc_xmalloc(len ? len : 1);
	if (len)
		memcpy(e->data, data, len);
	e->len = len;
	e->compress = compress;
	return 0;
}

void mc_zip_free(mc_zip *z)
{
	if (!z)
		return;
	for (size_t i = 0; i < z->n; i++) {
		free(z->v[i].name);
		free(z->v[i].data);
	}
	free(z->v);
	free(z);
}

/* ---- an entry deflated here ---- */

/* The general purpose flags a source says it decides: all of them.
 * libzip takes from a source only the flags it lets sources decide (the
 * mask its own deflate source reports: its private
 * ZIP_FILE_ATTRIBUTES_GENERAL_PURPOSE_BIT_FLAGS_ALLOWED_MASK), so this
 * gives the headers libzip's deflate would, without copying that
 * private value. */
#define GPBF_MASK_ALL 0xffffu
/* "version needed to extract" of deflated data */
#define DEFLATE_VERSION_NEEDED 20

typedef struct deflated {
	const libzip_api *Z;
	const unsigned char *data; /* the raw deflate stream: own, or a
	                              memo's */
	unsigned char *own;        /* what to free (NULL: a memo's) */
	size_t len, pos;
	size_t size;         /* uncompressed */
	uint32_t crc;
	unsigned flags;      /* ZIP_LEVEL_FLAGS of its level */
	zip_error_t error;
} deflated;

static zip_int64_t deflated_cb(void *ud, void *data, zip_uint64_t len,
                               zip_source_cmd_t cmd)
{
	deflated *d = ud;
	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		d->pos = 0;
		return 0;
	case ZIP_SOURCE_READ: {
		size_t n = d->len - d->pos;
		if (n > len)
			n = (size_t)len;
		memcpy(data, d->data + d->pos, n);
		d->pos += n;
		return (zip_int64_t)n;
	}
	case ZIP_SOURCE_CLOSE:
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;
		if (len < sizeof *st)
			return -1;
		st->size = d->size;
		st->comp_size = d->len;
		st->crc = d->crc;
		st->comp_method = ZIP_CM_DEFLATE;
		st->encryption_method = ZIP_EM_NONE;
		st->valid |= ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_CRC |
		             ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
		return (zip_int64_t)sizeof *st;
	}
	case ZIP_SOURCE_GET_FILE_ATTRIBUTES: {
		zip_file_attributes_t *a = data;
		if (len < sizeof *a)
			return -1;
		a->valid |= ZIP_FILE_ATTRIBUTES_VERSION_NEEDED |
		            ZIP_FILE_ATTRIBUTES_GENERAL_PURPOSE_BIT_FLAGS;
		a->version_needed = DEFLATE_VERSION_NEEDED;
		a->general_purpose_bit_mask = GPBF_MASK_ALL;
		a->general_purpose_bit_flags = (zip_uint16_t)d->flags;
		return (zip_int64_t)sizeof *a;
	}
	case ZIP_SOURCE_ERROR:
		return d->Z->zip_error_to_data(&d->error, data, len);
	case ZIP_SOURCE_FREE:
		free(d->own);
		d->Z->zip_error_fini(&d->error);
		free(d);
		return 0;
	case ZIP_SOURCE_SUPPORTS:
		return ZIP_SOURCE_SUPPORTS_READABLE |
		       ZIP_SOURCE_MAKE_COMMAND_BITMASK(
			       ZIP_SOURCE_GET_FILE_ATTRIBUTES);
	default:
		return -1;
	}
}

/* One compressor per archive (or per mc_zip_deflate call), at level,
 * made when the first entry needs it: *c, or NULL with a message in
 * err. */
static struct libdeflate_compressor *compressor(
	struct libdeflate_compressor **c, int level, char *err, size_t errsz)
{
	if (!*c && !(*c = libdeflate_alloc_compressor(level)))
		snprintf(err, errsz, "cannot start the compressor: "
		                     "out of memory");
	return *c;
}

/* Deflate len bytes at data with c into a new malloc'd *out of *outlen
 * bytes.  Returns 0, or -1 (*out is then NULL: libdeflate found no room,
 * which its bound rules out). */
static int zrun(struct libdeflate_compressor *c, const void *data,
                size_t len, unsigned char **out, size_t *outlen)
{
	size_t cap = libdeflate_deflate_compress_bound(c, len);
	unsigned char *buf = mc_xmalloc(cap);
	size_t got = libdeflate_deflate_compress(c, data, len, buf, cap);
	if (got == 0) {
		free(buf);
		*out = NULL;
		return -1;
	}
	*out = buf;
	*outlen = got;
	return 0;
}

int mc_zip_deflate(const void *data, size_t len, mc_buf *out, char *err,
                   size_t errsz)
{
	struct libdeflate_compressor *c = NULL;
	if (!compressor(&c, ZIP_MEMO_LEVEL, err, errsz))
		return -1;
	unsigned char *z;
	size_t zlen = 0;
	int zr = zrun(c, data, len, &z, &zlen);
	libdeflate_free_compressor(c);
	if (zr != 0) {
		snprintf(err, errsz, "cannot compress %zu bytes", len);
		return -1;
	}
	mc_buf_put(out, z, zlen);
	free(z);
	return 0;
}

/* The memo's entry of the len bytes at data, or NULL: the same length
 * and bytes (a memcmp is a fraction of a CRC-32's time, and the memo has
 * its CRC-32). */
static const mc_zip_memo *memo_of(const void *data, size_t len)
{
	for (size_t i = 0; i < mc_zip_nmemos; i++) {
		const mc_zip_memo *m = &mc_zip_memos[i];
		if (m->len == len && memcmp(m->data, data, len) == 0)
			return m;
	}
	return NULL;
}

/* A new source of e's data, already deflated: the memo's bytes m, or
 * deflated with *c (made here if need be).  e->data is freed.  Returns
 * NULL with a message in err. */
static zip_source_t *deflate_entry(const libzip_api *Z, zip_t *za,
                                   struct libdeflate_compressor **c,
                                   const mc_zip_memo *m, uint32_t crc,
                                   entry *e, char *err, size_t errsz)
{
	deflated *d = mc_xcalloc(1, sizeof *d);
	d->Z = Z;
	Z->zip_error_init(&d->error);
	d->size = e->len;
	d->crc = crc;
	if (m) {
		d->data = m->z;
		d->len = m->zlen;
		d->flags = ZIP_LEVEL_FLAGS(ZIP_MEMO_LEVEL);
	} else {
		d->flags = ZIP_LEVEL_FLAGS(ZIP_LEVEL);
		if (!compressor(c, ZIP_LEVEL, err, errsz) ||
		    zrun(*c, e->data, e->len, &d->own, &d->len) != 0) {
			if (*c)
				snprintf(err, errsz,
				         "cannot compress zip entry %s",
				         e->name);
			free(e->data);
			e->data = NULL;
			deflated_cb(d, NULL, 0, ZIP_SOURCE_FREE);
			return NULL;
		}
		d->data = d->own;
	}
	free(e->data);
	e->data = NULL;
	zip_source_t *s = Z->zip_source_function(za, deflated_cb, d);
	if (!s) {
		snprintf(err, errsz, "cannot add zip entry: %s",
		         Z->zip_error_strerror(Z->zip_get_error(za)));
		deflated_cb(d, NULL, 0, ZIP_SOURCE_FREE);
	}
	return s;
}

static int fail(const libzip_api *Z, char *err, size_t errsz, const char *what,
                zip_error_t *ze)
{
	snprintf(err, errsz, "%s: %s", what,
	         ze ? Z->zip_error_strerror(ze) : "failed");
	return -1;
}

/* Every entry's MS-DOS time and date, in its local header and in the
 * central directory, set to dtime and ddate in the archive a (len
 * bytes).  libzip keeps what zip_file_set_dostime is given as a time_t
 * (through mktime) and writes it back through localtime: the same
 * fields, except for a time that falls in a daylight saving gap of the
 * local time zone (02:30 on the day New York's clocks go forward
 * becomes 03:30), where the bytes would depend on TZ.  So libzip is not
 * given the time at all (each mktime re-reads the time zone: a stat of
 * /etc/localtime per entry) unless the archive may need ZIP64
 * (may_zip64()), which keeps libzip's fields.  Returns 0, or -1 when
 * the archive is not laid out as libzip writes it. */
static int redate(unsigned char *a, size_t len, unsigned dtime, unsigned ddate)
{
	/* the end of central directory record, with no comment */
	if (len < 22)
		return -1;
	const unsigned char *end = a + len - 22;
	if (memcmp(end, "PK\5\6", 4) != 0)
		return -1;
	unsigned n = mc_le16(end + 10);
	uint32_t cd = mc_le32(end + 16);
	if (n == 0xFFFF || cd == 0xFFFFFFFFu)
		return 0; /* ZIP64 */
	size_t at = cd, stop = len - 22;
	for (unsigned i = 0; i < n; i++) {
		if (at > stop || stop - at < 46 ||
		    memcmp(a + at, "PK\1\2", 4) != 0)
			return -1;
		unsigned char *c = a + at;
		uint32_t local = mc_le32(c + 42);
		if (local == 0xFFFFFFFFu)
			return 0; /* ZIP64 */
		if (local > cd || cd - local < 30 ||
		    memcmp(a + local, "PK\3\4", 4) != 0)
			return -1;
		mc_put_le16(c + 12, dtime);
		mc_put_le16(c + 14, ddate);
		mc_put_le16(a + local + 10, dtime);
		mc_put_le16(a + local + 12, ddate);
		at += 46 + (size_t)mc_le16(c + 28) + mc_le16(c + 30) +
		      mc_le16(c + 32);
	}
	return 0;
}

/* Where libzip writes the archive: straight into the caller's buffer,
 * from out->len on.  (libzip's buffer source copied every byte into
 * fragments of its own, 64 KiB at first, which were then read back out:
 * 2.5% of a corpus DOCX's time.)  It is only ever written: it says there
 * is no archive yet, so zip_open_from_source (ZIP_CREATE) makes a new one
 * and never reads it; zip_close begins, writes, tells, seeks back to
 * finish a local header, and commits or rolls back. */
typedef struct sink {
	const libzip_api *Z;
	mc_buf *out;
	size_t base; /* out->len when the archive began */
	size_t pos;  /* where the next write goes, from base */
	zip_error_t err;
} sink;

static zip_int64_t sink_cb(void *ud, void *data, zip_uint64_t len,
                           zip_source_cmd_t cmd)
{
	sink *k = ud;
	const libzip_api *Z = k->Z;
	switch (cmd) {
	case ZIP_SOURCE_STAT:
		/* libzip's "no such file": a new archive */
		Z->zip_error_set(&k->err, ZIP_ER_READ, ENOENT);
		return -1;
	case ZIP_SOURCE_BEGIN_WRITE:
	case ZIP_SOURCE_ROLLBACK_WRITE:
	case ZIP_SOURCE_REMOVE:
		mc_buf_cut(k->out, k->base);
		k->pos = 0;
		return 0;
	case ZIP_SOURCE_WRITE: {
		if (!len)
			return 0;
		size_t at = k->base + k->pos;
		if (len > (size_t)-1 - at - 1 || len > ZIP_INT64_MAX) {
			Z->zip_error_set(&k->err, ZIP_ER_MEMORY, 0);
			return -1;
		}
		size_t end = at + (size_t)len;
		if (end > k->out->len) {
			mc_buf_grow(k->out, end - k->out->len);
			memcpy(k->out->data + at, data, (size_t)len);
			mc_buf_cut(k->out, end);
		} else { /* over a header written before */
			memcpy(k->out->data + at, data, (size_t)len);
		}
		k->pos += (size_t)len;
		return (zip_int64_t)len;
	}
	case ZIP_SOURCE_TELL_WRITE:
		return (zip_int64_t)k->pos;
	case ZIP_SOURCE_SEEK_WRITE: {
		zip_int64_t at = Z->zip_source_seek_compute_offset(
			k->pos, k->out->len - k->base, data, len, &k->err);
		if (at < 0)
			return -1;
		k->pos = (size_t)at;
		return 0;
	}
	case ZIP_SOURCE_COMMIT_WRITE:
	case ZIP_SOURCE_FREE:
		return 0;
	case ZIP_SOURCE_ERROR:
		return Z->zip_error_to_data(&k->err, data, len);
	case ZIP_SOURCE_SUPPORTS:
		return ZIP_SOURCE_SUPPORTS_WRITABLE;
	default:
		/* reading: there is nothing to read */
		Z->zip_error_set(&k->err, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

/* Whether z's archive may need ZIP64 (65535 entries or more, or 4 GiB):
 * every entry's bytes, stored, with generous headers, bound its size. */
static bool may_zip64(const mc_zip *z)
{
	if (z->n >= 0xFFFF)
		return true;
	uint64_t size = 22;
	for (size_t i = 0; i < z->n; i++)
		size += (uint64_t)z->v[i].len + 2 * strlen(z->v[i].name) + 256;
	return size >= 0xFFFFFFFFu;
}

int mc_zip_finish(mc_zip *z, time_t mtime, mc_buf *out, char *err,
                  size_t errsz)
{
	/* MS-DOS date and time of mtime in UTC: zip_file_set_mtime would go
	 * through localtime, and the bytes would depend on the time zone
	 * (zip_file_set_dostime too, in a daylight saving gap: redate()
	 * writes these fields into the archive once libzip is done) */
	struct tm tm;
	if (mtime < 315532800) /* DOS dates start in 1980 */
		mtime = 315532800;
	mc_utc_tm((int64_t)mtime, &tm);
	zip_uint16_t dtime = (zip_uint16_t)((tm.tm_hour << 11) |
	                                    (tm.tm_min << 5) | (tm.tm_sec / 2));
	zip_uint16_t ddate = (zip_uint16_t)(((tm.tm_year - 80) << 9) |
	                                    ((tm.tm_mon + 1) << 5) | tm.tm_mday);
	const libzip_api *Z = libzip(err, errsz);
	if (!Z) {
		mc_zip_free(z);
		return -1;
	}
	zip_error_t ze;
	Z->zip_error_init(&ze);
	struct libdeflate_compressor *c = NULL;
	bool zip64 = may_zip64(z);
	int rc = -1;
	zip_t *za = NULL;
	sink k = {.Z = Z, .out = out, .base = out->len};
	Z->zip_error_init(&k.err);
	zip_source_t *src = Z->zip_source_function_create(sink_cb, &k, &ze);
	if (!src) {
		fail(Z, err, errsz, "cannot create zip buffer", &ze);
		goto done;
	}
	za = Z->zip_open_from_source(src, ZIP_CREATE | ZIP_TRUNCATE, &ze);
	if (!za) {
		fail(Z, err, errsz, "cannot open zip archive", &ze);
		goto done;
	}
	src = NULL; /* the archive's now: zip_close or zip_discard frees it */
	for (size_t i = 0; i < z->n; i++) {
		entry *e = &z->v[i];
		zip_source_t *s;
		/* (an empty entry goes through libzip's own deflate, as
		 * before: a size-0 source may take another path there) */
		bool here = e->compress && e->len > 0 && e->len <= UINT_MAX;
		if (here) {
			/* a memo'd part's CRC-32 is in the memo; another's is
			 * zlib's, not libdeflate's: that one first asks the
			 * CPU what it has (cpuid: 25 us in a VM), which
			 * libdeflate's deflate alone never does */
			const mc_zip_memo *m =
				z->no_memo ? NULL : memo_of(e->data, e->len);
			uint32_t crc = m ? m->crc
			                 : (uint32_t)crc32(0L, e->data,
			                                   (uInt)e->len);
			s = deflate_entry(Z, za, &c, m, crc, e, err, errsz);
			if (!s)
				goto done;
		} else {
			/* libzip frees the data when it is done with it */
			s = Z->zip_source_buffer(za, e->data, e->len, 1);
			if (!s) {
				fail(Z, err, errsz, "cannot add zip entry",
				     Z->zip_get_error(za));
				goto done;
			}
			e->data = NULL; /* owned by libzip now */
		}
		zip_int64_t idx =
			Z->zip_file_add(za, e->name, s, ZIP_FL_ENC_UTF_8);
		if (idx < 0) {
			Z->zip_source_free(s);
			fail(Z, err, errsz, "cannot add zip entry",
			     Z->zip_get_error(za));
			goto done;
		}
		zip_uint64_t ix = (zip_uint64_t)idx;
		if (Z->zip_set_file_compression(
			    za, ix, e->compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE,
			    e->compress ? ZIP_LEVEL : 0) != 0 ||
		    (zip64 &&
		     Z->zip_file_set_dostime(za, ix, dtime, ddate, 0) != 0) ||
		    Z->zip_file_set_external_attributes(
			    za, ix, 0, ZIP_OPSYS_UNIX,
			    (zip_uint32_t)0100644 << 16) != 0) {
			fail(Z, err, errsz, "cannot set zip entry attributes",
			     Z->zip_get_error(za));
			goto done;
		}
	}
	if (Z->zip_close(za) != 0) {
		fail(Z, err, errsz, "cannot write zip archive",
		     Z->zip_get_error(za));
		Z->zip_discard(za);
		za = NULL;
		goto done;
	}
	za = NULL;
	size_t size = out->len - k.base;
	if (redate((unsigned char *)out->data + k.base, size, dtime, ddate) !=
	    0) {
		snprintf(err, errsz, "cannot date zip entries: the archive "
		                     "libzip wrote has an unexpected layout");
		goto done;
	}
	rc = 0;
done:
	libdeflate_free_compressor(c);
	if (za)
		Z->zip_discard(za);
	if (src)
		Z->zip_source_free(src);
	if (rc != 0) /* nothing of a failed archive stays in out */
		mc_buf_cut(out, k.base);
	Z->zip_error_fini(&k.err);
	Z->zip_error_fini(&ze);
	mc_zip_free(z);
	return rc;
}

/* ---- reading ---- */

struct mc_unzip {
	const libzip_api *Z;
	zip_t *za;
};

struct mc_unzip_file {
	const libzip_api *Z;
	zip_file_t *zf;
};

int mc_unzip_load(char *err, size_t errsz)
{
	return libzip(err, errsz) ? 0 : -1;
}

mc_unzip *mc_unzip_open(const char *path, char *err, size_t errsz)
{
	const libzip_api *Z = libzip(err, errsz);
	if (!Z)
		return NULL;
	int zerr = 0;
	zip_t *za = Z->zip_open(path, ZIP_RDONLY, &zerr);
	if (!za) {
		zip_error_t ze;
		Z->zip_error_init_with_code(&ze, zerr);
		snprintf(err, errsz, "%s", Z->zip_error_strerror(&ze));
		Z->zip_error_fini(&ze);
		return NULL;
	}
	mc_unzip *u = mc_xmalloc(sizeof *u);
	u->Z = Z;
	u->za = za;
	return u;
}

mc_unzip *mc_unzip_open_mem(const void *data, size_t len, char *err,
                            size_t errsz)
{
	const libzip_api *Z = libzip(err, errsz);
	if (!Z)
		return NULL;
	zip_error_t ze;
	Z->zip_error_init(&ze);
	zip_t *za = NULL;
	zip_source_t *src = Z->zip_source_buffer_create(data, len, 0, &ze);
	if (src) {
		za = Z->zip_open_from_source(src, ZIP_RDONLY, &ze);
		if (!za)
			Z->zip_source_free(src); /* else the archive's */
	}
	if (!za) {
		snprintf(err, errsz, "%s", Z->zip_error_strerror(&ze));
		Z->zip_error_fini(&ze);
		return NULL;
	}
	Z->zip_error_fini(&ze);
	mc_unzip *u = mc_xmalloc(sizeof *u);
	u->Z = Z;
	u->za = za;
	return u;
}

size_t mc_unzip_count(const mc_unzip *u)
{
	zip_int64_t n = u->Z->zip_get_num_entries(u->za, 0);
	return n > 0 ? (size_t)n : 0;
}

const char *mc_unzip_name(const mc_unzip *u, size_t i)
{
	return u->Z->zip_get_name(u->za, (zip_uint64_t)i, 0);
}

mc_unzip_file *mc_unzip_fopen(mc_unzip *u, const char *name, char *err,
                              size_t errsz)
{
	zip_file_t *zf = u->Z->zip_fopen(u->za, name, 0);
	if (!zf) {
		snprintf(err, errsz, "%s", u->Z->zip_strerror(u->za));
		return NULL;
	}
	mc_unzip_file *f = mc_xmalloc(sizeof *f);
	f->Z = u->Z;
	f->zf = zf;
	return f;
}

int mc_unzip_fread(mc_unzip_file *f, void *buf, size_t n, size_t *got,
                   char *err, size_t errsz)
{
	zip_int64_t r = f->Z->zip_fread(f->zf, buf, (zip_uint64_t)n);
	if (r < 0) {
		*got = 0;
		snprintf(err, errsz, "%s", f->Z->zip_file_strerror(f->zf));
		return -1;
	}
	*got = (size_t)r;
	return 0;
}

void mc_unzip_fclose(mc_unzip_file *f)
{
	if (!f)
		return;
	f->Z->zip_fclose(f->zf);
	free(f);
}

void mc_unzip_close(mc_unzip *u)
{
	if (!u)
		return;
	u->Z->zip_discard(u->za);
	free(u);
}
