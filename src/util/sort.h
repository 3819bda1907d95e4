/*
 * sort.h - sorting an array in place, with no memory of its own.
 *
 * glibc's qsort() is a merge sort that mallocs a copy of the array when
 * it can (the whole array: a long PDF's 440,000 structure kids, 10 MB,
 * at the peak of its memory).  mc_sort() takes no memory: an introsort
 * (quicksort, median of three; heapsort past 2 log2 n levels, so never
 * quadratic; insertion sort below 16 elements).  It is not stable: give
 * it a comparison that orders every pair of distinct elements (a last
 * key such as the order recorded), and the result is the one order
 * there is, as with any sort.  Elements of any size; no global state.
 */
#ifndef MC_SORT_H
#define MC_SORT_H

#include <stddef.h>

void mc_sort(void *base, size_t n, size_t size,
             int (*cmp)(const void *, const void *));

#endif
