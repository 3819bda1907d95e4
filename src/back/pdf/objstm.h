/*
 * objstm.h - the document saved with object streams and a
 * cross-reference stream (objstm.c).
 *
 * libharu's own save (HPDF_SaveToStream) writes every object uncompressed
 * but for stream data, and a classic cross-reference table.
 * pdf_objstm_save() writes the same objects, with libharu's own writer
 * for each, straight into the packed layout of PDF 1.5: stream objects as
 * they are, every other object in Flate-compressed /Type /ObjStm streams,
 * and a /Type /XRef stream in place of the table.  There is no classic
 * file in between (at 64 times the corpus it was 69 MB, twice the packed
 * one, held with the whole document).  Deterministic; no global state.
 */
#ifndef MC_PDF_OBJSTM_H
#define MC_PDF_OBJSTM_H

#include <hpdf.h>
#include <stddef.h>

#include "../../util/buf.h"
#include "flate.h"

/* Objects packed into one object stream at most. */
#define PDF_OBJSTM_MAX 200

/* The write function of a libharu callback stream whose attr is an
 * mc_buf: what the stream writes is appended to it. */
HPDF_STATUS pdf_put_buf(HPDF_Stream st, const HPDF_BYTE *p, HPDF_UINT n);

/* Objects of the caller's own, not libharu's: n of them, numbered from
 * libharu's /Size up (after the sets before this one) and packed after
 * libharu's.  first() is told the first one's number before anything is
 * written (libharu's write_fns may refer to them); put() appends object
 * k's value (k < n, each once, in order): 0 or -1. */
typedef struct pdf_objstm_extra {
	size_t n;
	void (*first)(void *arg, size_t num);
	int (*put)(void *arg, size_t k, mc_buf *out);
	void *arg;
} pdf_objstm_extra;

/* Append the document, and the objects of the nextra sets at extra, to
 * out, its streams compressed with z.  Each stream object's data is freed
 * once written (the document is only freed after this, never saved
 * again).  0, or -1 if libharu or a put() failed (libharu's error is the
 * document's) or the document is not one this writes (encrypted, or with
 * an update). */
int pdf_objstm_save(HPDF_Doc pdf, mc_buf *out, pdf_flate *z,
                    const pdf_objstm_extra *extra, size_t nextra);

#endif
