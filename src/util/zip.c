/* zip.c - in-memory ZIP writing with libzip; see zip.h.
 *
 * libzip (and libcrypto and libbz2 behind it) is loaded when the first
 * archive is written (dl.h), not at every start: a JSON or PDF run, or
 * --version, never maps it.  The Makefile passes its soname. */
#include "zip.h"
#include "grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "arena.h"
#include "dl.h"

#ifndef MC_ZIP_SONAME
#define MC_ZIP_SONAME "libzip.so.4"
#endif
#define ZIPW_FUNCS(X) \
	X(zip_close) \
	X(zip_discard) \
	X(zip_error_fini) \
	X(zip_error_init) \
	X(zip_error_strerror) \
	X(zip_file_add) \
	X(zip_file_set_dostime) \
	X(zip_file_set_external_attributes) \
	X(zip_get_error) \
	X(zip_open_from_source) \
	X(zip_set_file_compression) \
	X(zip_source_buffer) \
	X(zip_source_buffer_create) \
	X(zip_source_close) \
	X(zip_source_error) \
	X(zip_source_free) \
	X(zip_source_keep) \
	X(zip_source_open) \
	X(zip_source_read) \
	X(zip_source_seek) \
	X(zip_source_tell)
MC_DL_TABLE(zipw_api, ZIPW_FUNCS)
MC_DL_LIB(zipw_lib, zipw_api, ZIPW, "libzip4", MC_ZIP_SONAME, "libzip.so");

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
};

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

static int fail(const zipw_api *Z, char *err, size_t errsz, const char *what,
                zip_error_t *ze)
{
	snprintf(err, errsz, "%s: %s", what,
	         ze ? Z->zip_error_strerror(ze) : "failed");
	return -1;
}

int mc_zip_finish(mc_zip *z, time_t mtime, mc_buf *out, char *err,
                  size_t errsz)
{
	/* MS-DOS date and time of mtime in UTC: zip_file_set_mtime would go
	 * through localtime, and the bytes would depend on the time zone */
	struct tm tm;
	if (mtime < 315532800) /* DOS dates start in 1980 */
		mtime = 315532800;
	gmtime_r(&mtime, &tm);
	zip_uint16_t dtime = (zip_uint16_t)((tm.tm_hour << 11) |
	                                    (tm.tm_min << 5) | (tm.tm_sec / 2));
	zip_uint16_t ddate = (zip_uint16_t)(((tm.tm_year - 80) << 9) |
	                                    ((tm.tm_mon + 1) << 5) | tm.tm_mday);
	const zipw_api *Z = mc_dl_get(&zipw_lib, err, errsz);
	if (!Z) {
		mc_zip_free(z);
		return -1;
	}
	zip_error_t ze;
	Z->zip_error_init(&ze);
	int rc = -1;
	zip_t *za = NULL;
	zip_source_t *src = Z->zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src) {
		fail(Z, err, errsz, "cannot create zip buffer", &ze);
		goto done;
	}
	Z->zip_source_keep(src); /* read it back after zip_close */
	za = Z->zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	if (!za) {
		fail(Z, err, errsz, "cannot open zip archive", &ze);
		goto done;
	}
	for (size_t i = 0; i < z->n; i++) {
		entry *e = &z->v[i];
		/* libzip frees the data when it is done with it */
		zip_source_t *s = Z->zip_source_buffer(za, e->data, e->len, 1);
		if (!s) {
			fail(Z, err, errsz, "cannot add zip entry",
			     Z->zip_get_error(za));
			goto done;
		}
		e->data = NULL; /* owned by libzip now */
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
			    e->compress ? 6 : 0) != 0 ||
		    Z->zip_file_set_dostime(za, ix, dtime, ddate, 0) != 0 ||
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
	if (Z->zip_source_open(src) != 0 ||
	    Z->zip_source_seek(src, 0, SEEK_END) != 0) {
		fail(Z, err, errsz, "cannot read zip archive",
		     Z->zip_source_error(src));
		goto done;
	}
	zip_int64_t size = Z->zip_source_tell(src);
	if (size < 0 || Z->zip_source_seek(src, 0, SEEK_SET) != 0) {
		Z->zip_source_close(src);
		fail(Z, err, errsz, "cannot read zip archive",
		     Z->zip_source_error(src));
		goto done;
	}
	mc_buf_grow(out, (size_t)size);
	zip_int64_t got = Z->zip_source_read(src, out->data + out->len,
	                                     (zip_uint64_t)size);
	Z->zip_source_close(src);
	if (got != size) {
		fail(Z, err, errsz, "cannot read zip archive", NULL);
		goto done;
	}
	out->len += (size_t)size;
	out->data[out->len] = '\0';
	rc = 0;
done:
	if (za)
		Z->zip_discard(za);
	if (src)
		Z->zip_source_free(src);
	Z->zip_error_fini(&ze);
	mc_zip_free(z);
	return rc;
}
