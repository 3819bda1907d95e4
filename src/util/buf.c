/* buf.c - growable byte buffer; see buf.h. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

void mc_buf_grow(mc_buf *b, size_t extra)
{
	if (b->cap - b->len > extra)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len <= extra) {
		if (cap > ((size_t)-1) / 2)
			cap = b->len + extra + 1;
		else
			cap *= 2;
	}
	b->data = mc_xrealloc(b->data, cap);
	b->cap = cap;
}

void mc_buf_reserve(mc_buf *b, size_t extra)
{
	if (b->cap - b->len > extra)
		return;
	/* a size that does not fit is taken for exhaustion (arena.h) */
	size_t cap = extra < ((size_t)-1) - b->len ? b->len + extra + 1 : 0;
	b->data = cap ? mc_xrealloc(b->data, cap)
	              : mc_xreallocarray(b->data, (size_t)-1, 2);
	b->cap = cap;
	b->data[b->len] = '\0';
}

void mc_buf_fit(mc_buf *b)
{
	if (!b->data || b->cap == b->len + 1)
		return;
	b->data = mc_xrealloc(b->data, b->len + 1);
	b->cap = b->len + 1;
}

void mc_buf_vprintf(mc_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char tmp[256];
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		mc_buf_put(b, tmp, (size_t)n);
		return;
	}
	mc_buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void mc_buf_printf(mc_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mc_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void mc_buf_clear(mc_buf *b)
{
	mc_buf_cut(b, 0);
}

void mc_buf_cut(mc_buf *b, size_t len)
{
	b->len = len;
	if (b->data)
		b->data[len] = '\0';
}

void mc_buf_free(mc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *mc_buf_detach(mc_buf *b, size_t *len)
{
	if (!b->data)
		mc_buf_grow(b, 0), b->data[0] = '\0';
	char *d = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}
