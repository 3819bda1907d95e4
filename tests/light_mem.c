/* light_mem.c - checks of the light program's memcpy and memmove
 * (src/light/mem.c), linked with them and musl as the light program is
 * (the Makefile builds it as UNITDIR/unit_light_mem when it builds the
 * light program).  Every length from 0 to 300, at every alignment of
 * source and destination, apart and overlapping either way, against a
 * byte-at-a-time copy. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

enum { MAXN = 300, PAD = 64, SPAN = MAXN + 2 * PAD };

/* through volatile pointers: the compiler may not expand the calls */
static void *(*volatile copy_fn)(void *restrict, const void *restrict, size_t) = memcpy;
static void *(*volatile move_fn)(void *, const void *, size_t) = memmove;

static void fill(unsigned char *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(seed * 131u + i * 7u + (i >> 3));
}

/* b = a, a byte at a time (a loop the compiler would make a memcpy
 * call of, were the stores not volatile) */
static void same(unsigned char *b, const unsigned char *a)
{
	for (size_t i = 0; i < SPAN; i++)
		((volatile unsigned char *)b)[i] = a[i];
}

/* what memmove(buf + d, buf + s, n) must leave in buf */
static void reference(unsigned char *buf, size_t d, size_t s, size_t n)
{
	unsigned char tmp[MAXN];
	for (size_t i = 0; i < n; i++)
		tmp[i] = buf[s + i];
	for (size_t i = 0; i < n; i++)
		((volatile unsigned char *)buf)[d + i] = tmp[i];
}

int main(void)
{
	static unsigned char a[SPAN], b[SPAN], src[SPAN];
	int apart = 1, ret = 1, fwd = 1, back = 1;
	for (size_t n = 0; n <= MAXN; n++) {
		for (size_t so = 0; so < 16; so++) {
			for (size_t dof = 0; dof < 16; dof++) {
				/* apart: memcpy; nothing outside the copy changes */
				fill(src, SPAN, (unsigned)n);
				fill(a, SPAN, 99u);
				same(b, a);
				void *r = copy_fn(a + PAD + dof, src + so, n);
				ret = ret && r == a + PAD + dof;
				for (size_t i = 0; i < n; i++)
					b[PAD + dof + i] = src[so + i];
				apart = apart && memcmp(a, b, SPAN) == 0;
			}
		}
		/* overlapping: every shift from -40 to 40 */
		for (int k = -40; k <= 40; k++) {
			size_t s = PAD + 8, d = (size_t)((int)s + k);
			fill(a, SPAN, (unsigned)n + 7u);
			same(b, a);
			void *r = move_fn(a + d, a + s, n);
			ret = ret && r == a + d;
			reference(b, d, s, n);
			if (memcmp(a, b, SPAN) != 0) {
				if (k > 0)
					back = 0;
				else
					fwd = 0;
			}
		}
	}
	CHECK(apart, "memcpy: lengths 0-300, every alignment of either side, nothing else written");
	CHECK(fwd, "memmove: destination before its source, overlapping (lengths 0-300)");
	CHECK(back, "memmove: destination inside its source (backwards; lengths 0-300)");
	CHECK(ret, "memcpy and memmove return their destination");
	return unit_done(stdout, "light_mem");
}
