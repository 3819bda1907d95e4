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

void *mc_arena_alloc(mc_arena *a, size_t n)
{
	n = (n + MC_ARENA_ALIGN - 1) & ~(size_t)(MC_ARENA_ALIGN - 1);
	if (n == 0)
		n = MC_ARENA_ALIGN;
	chunk *c = a->head;
	if (!c || c->size - c->used < n) {
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
	}
	void *p = (char *)c + hdr_size() + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *mc_arena_strndup(mc_arena *a, const char *s, size_t n)
{
	char *d = mc_arena_alloc(a, n + 1);
	if (n)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

size_t mc_arena_bytes(const mc_arena *a)
{
	return a ? a->total : 0;
}
