/*
 * arena.h - a bump allocator: one per document, freed in one call.
 *
 * Allocation never returns NULL: on exhaustion of memory the process
 * prints "mentorconv: out of memory" and exits with status 1 (the CLI
 * writes outputs atomically, so no half-written file is left behind).
 */
#ifndef MC_ARENA_H
#define MC_ARENA_H

#include <stddef.h>

typedef struct mc_arena mc_arena;

mc_arena *mc_arena_new(void);
void mc_arena_free(mc_arena *a);
/* n bytes, zeroed, aligned for any object. */
void *mc_arena_alloc(mc_arena *a, size_t n);
/* n bytes, zeroed, at an address that is a multiple of align (a power
 * of two; at most 16, larger is taken for 16): small objects that need
 * less than alignment for any object pack tighter. */
void *mc_arena_alloc_align(mc_arena *a, size_t n, size_t align);
/* Copy of n bytes of s plus a terminating NUL (not aligned: strings are
 * packed). */
char *mc_arena_strndup(mc_arena *a, const char *s, size_t n);
/* Move everything src holds into dst and free src: what was allocated
 * from src lives until dst is freed. */
void mc_arena_absorb(mc_arena *dst, mc_arena *src);
/* Total bytes reserved from the system (for `make bench`). */
size_t mc_arena_bytes(const mc_arena *a);

/* malloc/realloc that never return NULL (same exit as above). */
void *mc_xmalloc(size_t n);
void *mc_xcalloc(size_t n, size_t m);
void *mc_xrealloc(void *p, size_t n);
/* realloc to n elements of size bytes; n * size overflowing size_t is
 * taken for exhaustion (same exit). */
void *mc_xreallocarray(void *p, size_t n, size_t size);

#endif
