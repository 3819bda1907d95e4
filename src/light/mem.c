/*
 * mem.c - memcpy and memmove for the light program (Makefile: static,
 * with musl).
 *
 * musl's x86-64 memcpy moves 8 bytes at a time with `rep movsq` and
 * fixes up the ends a byte at a time: sound for long copies, slow for
 * the thousands of short ones a conversion makes (the XML writer's
 * pieces, printf's output, the parsers' strings): 10-12% of a corpus
 * DOCX's time in the static program, against 1.2% for glibc's.  Here a
 * copy of up to 32 bytes is two overlapping loads and two stores, and a
 * longer one a single `rep movsb` (fast on every x86-64 of the last
 * decade: ERMS).  Both handle overlap (memmove): every short copy loads
 * before it stores, and a long one copies backwards when its
 * destination starts inside its source.  Other machines keep musl's.
 */
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
typedef uint64_t u64u __attribute__((may_alias, aligned(1)));
typedef uint32_t u32u __attribute__((may_alias, aligned(1)));
typedef char v16u __attribute__((vector_size(16), may_alias, aligned(1)));

void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);

static inline void *copy(void *d, const void *s, size_t n)
{
	unsigned char *dd = d;
	const unsigned char *ss = s;
	if (n <= 16) {
		if (n >= 8) {
			u64u a = *(const u64u *)ss;
			u64u b = *(const u64u *)(ss + n - 8);
			*(u64u *)dd = a;
			*(u64u *)(dd + n - 8) = b;
		} else if (n >= 4) {
			u32u a = *(const u32u *)ss;
			u32u b = *(const u32u *)(ss + n - 4);
			*(u32u *)dd = a;
			*(u32u *)(dd + n - 4) = b;
		} else if (n) {
			unsigned char a = ss[0], b = ss[n / 2], c = ss[n - 1];
			dd[0] = a;
			dd[n / 2] = b;
			dd[n - 1] = c;
		}
		return d;
	}
	if (n <= 32) {
		v16u a = *(const v16u *)ss;
		v16u b = *(const v16u *)(ss + n - 16);
		*(v16u *)dd = a;
		*(v16u *)(dd + n - 16) = b;
		return d;
	}
	if ((uintptr_t)dd - (uintptr_t)ss >= n) {
		/* the destination does not start inside the source */
		__asm__ volatile("rep movsb"
		                 : "+D"(dd), "+S"(ss), "+c"(n)
		                 :
		                 : "memory");
	} else {
		dd += n - 1;
		ss += n - 1;
		__asm__ volatile("std\n\trep movsb\n\tcld"
		                 : "+D"(dd), "+S"(ss), "+c"(n)
		                 :
		                 : "memory");
	}
	return d;
}

void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
	return copy(d, s, n);
}

void *memmove(void *d, const void *s, size_t n)
{
	return copy(d, s, n);
}
#else
/* ISO C forbids an empty translation unit */
typedef int mc_light_mem_unused;
#endif
