/*
 * buf.h - a growable byte buffer.  Outputs are rendered into one in
 * memory and written to disk by the CLI only when complete.
 */
#ifndef MC_BUF_H
#define MC_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct mc_buf {
	char *data; /* NUL-terminated when non-NULL */
	size_t len, cap;
} mc_buf;

#define MC_BUF_INIT {NULL, 0, 0}

void mc_buf_grow(mc_buf *b, size_t extra);
/* Room for exactly `extra` more bytes (and the NUL) when there is less:
 * for a buffer whose final size is known, where mc_buf_grow's doubling
 * could reserve twice what is needed. */
void mc_buf_reserve(mc_buf *b, size_t extra);
/* Give back the room beyond len (and the NUL): for a buffer kept. */
void mc_buf_fit(mc_buf *b);
/* Appending (the data stays NUL-terminated).  Inline: the XML writers
 * call them for every few bytes, and a literal's length is known where
 * it is written; only growing is a call. */
static inline void mc_buf_put(mc_buf *b, const void *p, size_t n)
{
	if (b->cap - b->len <= n)
		mc_buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void mc_buf_puts(mc_buf *b, const char *s)
{
	mc_buf_put(b, s, strlen(s));
}

static inline void mc_buf_putc(mc_buf *b, char c)
{
	if (b->cap - b->len <= 1)
		mc_buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
void mc_buf_printf(mc_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mc_buf_vprintf(mc_buf *b, const char *fmt, va_list ap);
void mc_buf_clear(mc_buf *b);
/* Back to its first len bytes (len <= b->len): what was written after
 * them undone. */
void mc_buf_cut(mc_buf *b, size_t len);
void mc_buf_free(mc_buf *b);
/* Hand the data to the caller (who frees it) and reset the buffer. */
char *mc_buf_detach(mc_buf *b, size_t *len);

#endif
