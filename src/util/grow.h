/*
 * grow.h - growing an array by doubling: the one way the code base grows
 * its arrays (was PDF_GROW and some forty hand-written copies).
 *
 *   MC_GROW(arr, n, cap, first);
 *
 * makes room for element arr[n]: when n has reached cap, cap doubles
 * (first when it is 0) and arr is reallocated.  Like mc_xrealloc() it
 * never fails: out of memory, or a size that does not fit in size_t,
 * ends the process (arena.h).  n and cap may be of any unsigned or
 * non-negative integer type; arr is evaluated several times, so it must
 * be an lvalue without side effects.
 *
 *   MC_FIT(arr, n, cap, want);
 *
 * sets the room to `want` elements (at least n, the ones in use) when it
 * is more: the slack of the doubling given back once the final count is
 * known (a long PDF's second layout pass makes as many slices and
 * structure elements as its first did).
 */
#ifndef MC_GROW_H
#define MC_GROW_H

#include <stddef.h>

#include "arena.h"

#define MC_GROW(arr, n, cap, first)                                        \
	do {                                                               \
		if ((size_t)(n) >= (size_t)(cap)) {                        \
			(cap) = (cap) ? (cap) * 2 : (first);               \
			(arr) = mc_xreallocarray((arr), (size_t)(cap),     \
			                         sizeof *(arr));           \
		}                                                          \
	} while (0)

#define MC_FIT(arr, n, cap, want)                                          \
	do {                                                               \
		size_t fit_ = (size_t)(want) > (size_t)(n) ? (size_t)(want)  \
		                                           : (size_t)(n);    \
		if (fit_ && fit_ < (size_t)(cap)) {                        \
			(arr) = mc_xreallocarray((arr), fit_, sizeof *(arr));  \
			(cap) = fit_;                                      \
		}                                                          \
	} while (0)

#endif
