/* arena.c - bump allocator in growing chunks; see arena.h. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MC_ARENA_ALIGN 16
#define MC_ARENA_MIN_CHUNK (64 * 1024)

typedef struct chunk {
	struct chunk *prev;
	size_t size, used;
	/* data follows, aligned */
} chunk;

struct mc_arena {
	chunk *head;
	size_t total;
};

static void die_oom(void)
{
	fputs("mentorconv: out of memory\n", stderr);
	exit(1);
}

void *mc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *mc_xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		die_oom();
	return p;
}

void *mc_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom();
	return q;
}

void *mc_xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		die_oom();
	return mc_xrealloc(p, n * size);
}

mc_arena *mc_arena_new(void)
{
	return mc_xcalloc(1, sizeof(mc_arena));
}

void mc_arena_free(mc_arena *a)
{
	if (!a)
		return;
	chunk *c = a->head;
	while (c) {
		chunk *p = c->prev;
		free(c);
		c = p;
	}
	free(a);
}

void mc_arena_absorb(mc_arena *dst, mc_arena *src)
{
	if (!src)
		return;
	if (src->head) {
		/* src's chunks go behind dst's current one, which stays the
		 * one allocations bump from */
		chunk *oldest = src->head;
		while (oldest->prev)
			oldest = oldest->prev;
		if (dst->head) {
			oldest->prev = dst->head->prev;
			dst->head->prev = src->head;
		} else {
			dst->head = src->head;
		}
		dst->total += src->total;
	}
	free(src);
}

static size_t hdr_size(void)
{
	return (sizeof(chunk) + MC_ARENA_ALIGN - 1) & ~(size_t)(MC_ARENA_ALIGN - 1);
}

#ifdef MC_ARENA_DEBUG
/* Every allocation a chunk of its own, exactly as large as asked for:
 * AddressSanitizer then sees a read past an object's end (a node read
 * as a larger kind, a string past its NUL). */
static void *alloc_aligned(mc_arena *a, size_t n, size_t align)
{
	(void)align;
	if (n > SIZE_MAX - hdr_size())
		die_oom();
	chunk *c = mc_xmalloc(hdr_size() + n);
	c->prev = a->head;
	c->size = c->used = n;
	a->head = c;
	a->total += n;
	void *p = (char *)c + hdr_size();
	memset(p, 0, n);
	return p;
}
#else
/* n bytes at an offset that is a multiple of align (a power of two at
 * most MC_ARENA_ALIGN): strings are packed with no gap between them. */
static void *alloc_aligned(mc_arena *a, size_t n, size_t align)
{
	chunk *c = a->head;
	size_t off = c ? (c->used + align - 1) & ~(align - 1) : 0;
	if (!c || off > c->size || c->size - off < n) {
		size_t size = MC_ARENA_MIN_CHUNK;
		/* grow chunks with the arena so big documents need few */
		if (a->total / 4 > size)
			size = a->total / 4;
		if (size > 16u * 1024 * 1024)
			size = 16u * 1024 * 1024;
		if (size < n)
			size = n;
		if (size > SIZE_MAX - hdr_size())
			die_oom();
		c = mc_xmalloc(hdr_size() + size);
		c->prev = a->head;
		c->size = size;
		c->used = 0;
		a->head = c;
		a->total += size;
		off = 0;
	}
	void *p = (char *)c + hdr_size() + off;
	c->used = off + n;
	memset(p, 0, n);
	return p;
}
#endif

void *mc_arena_alloc(mc_arena *a, size_t n)
{
	return alloc_aligned(a, n ? n : 1, MC_ARENA_ALIGN);
}

void *mc_arena_alloc_align(mc_arena *a, size_t n, size_t align)
{
	if (align > MC_ARENA_ALIGN || (align & (align - 1)) != 0)
		align = MC_ARENA_ALIGN;
	return alloc_aligned(a, n ? n : 1, align ? align : 1);
}

char *mc_arena_strndup(mc_arena *a, const char *s, size_t n)
{
	if (n == SIZE_MAX)
		die_oom();
	char *d = alloc_aligned(a, n + 1, 1);
	if (n)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

size_t mc_arena_bytes(const mc_arena *a)
{
	return a ? a->total : 0;
}
