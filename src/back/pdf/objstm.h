/*
 * objstm.h - object streams and a cross-reference stream over a finished
 * PDF (objstm.c).
 *
 * libharu writes every object uncompressed but for stream data, and a
 * classic cross-reference table.  pdf_objstm_pack() rewrites its bytes:
 * stream objects as they are, every other object packed into
 * Flate-compressed /Type /ObjStm streams, and a /Type /XRef stream in
 * place of the table (PDF 1.5).  Deterministic; no global state.
 */
#ifndef MC_PDF_OBJSTM_H
#define MC_PDF_OBJSTM_H

#include <stddef.h>
#include <stdint.h>

#include "../../util/buf.h"
#include "flate.h"

/* Objects packed into one object stream at most. */
#define PDF_OBJSTM_MAX 200

/* A token of PDF syntax (ISO 32000-1 7.2, 7.3). */
typedef enum pdf_tok_kind {
	PT_EOF,       /* end of input */
	PT_ERROR,     /* malformed (an unclosed string, a stray '>') */
	PT_STRING,    /* (literal), escapes and balanced parentheses */
	PT_HEX,       /* <hex string> */
	PT_NAME,      /* /Name */
	PT_DICT_OPEN, /* << */
	PT_DICT_CLOSE,/* >> */
	PT_ARR_OPEN,  /* [ */
	PT_ARR_CLOSE, /* ] */
	PT_WORD       /* a number, a keyword (obj, R, true, stream...) */
} pdf_tok_kind;

typedef struct pdf_tok {
	pdf_tok_kind kind;
	size_t start, end; /* its bytes [start, end) */
} pdf_tok;

/* The token at or after *pos in s[0, len) (whitespace and comments
 * skipped); *pos moves past it. */
pdf_tok pdf_tok_next(const uint8_t *s, size_t len, size_t *pos);

/* Rewrite the PDF in bytes [from, len) of *pdf with object streams and a cross-reference
 * stream.  Returns 0 when rewritten, 1 when *pdf is left as it was
 * because something in it was not as expected (not libharu's plain
 * layout: a cross-reference stream or an update already, encryption,
 * a version below 1.5, an object not where the table says).  The
 * streams are compressed with z (its compressors kept for the caller),
 * or with compressors of its own when z is NULL. */
int pdf_objstm_pack(mc_buf *pdf, size_t from, pdf_flate *z);

#endif
