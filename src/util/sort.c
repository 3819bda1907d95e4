/* sort.c - an in-place introsort; see sort.h. */
#include "sort.h"

#include <stdint.h>
#include <string.h>

typedef int (*cmp_fn)(const void *, const void *);

static void swap(unsigned char *a, unsigned char *b, size_t size)
{
	unsigned char t[64];
	while (size) {
		size_t k = size < sizeof t ? size : sizeof t;
		memcpy(t, a, k);
		memcpy(a, b, k);
		memcpy(b, t, k);
		a += k;
		b += k;
		size -= k;
	}
}

#define AT(i) (base + (i) * size)

static void insertion(unsigned char *base, size_t n, size_t size, cmp_fn cmp)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp(AT(j - 1), AT(j)) > 0; j--)
			swap(AT(j - 1), AT(j), size);
}

/* Sift element i down the max-heap of the first n elements. */
static void sift(unsigned char *base, size_t i, size_t n, size_t size,
                 cmp_fn cmp)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && cmp(AT(l), AT(m)) > 0)
			m = l;
		if (l + 1 < n && cmp(AT(l + 1), AT(m)) > 0)
			m = l + 1;
		if (m == i)
			return;
		swap(AT(i), AT(m), size);
		i = m;
	}
}

static void heapsort_(unsigned char *base, size_t n, size_t size, cmp_fn cmp)
{
	for (size_t i = n / 2; i-- > 0;)
		sift(base, i, n, size, cmp);
	for (size_t end = n; end-- > 1;) {
		swap(AT(0), AT(end), size);
		sift(base, 0, end, size, cmp);
	}
}

static void intro(unsigned char *base, size_t n, size_t size, cmp_fn cmp,
                  unsigned depth)
{
	while (n > 16) {
		if (depth-- == 0) {
			heapsort_(base, n, size, cmp);
			return;
		}
		/* the median of the first, middle and last to the front, as
		 * the pivot */
		size_t mid = n / 2, last = n - 1;
		if (cmp(AT(mid), AT(0)) < 0)
			swap(AT(mid), AT(0), size);
		if (cmp(AT(last), AT(mid)) < 0) {
			swap(AT(last), AT(mid), size);
			if (cmp(AT(mid), AT(0)) < 0)
				swap(AT(mid), AT(0), size);
		}
		swap(AT(0), AT(mid), size);
		/* Hoare's partition around base[0]:
		 * [1, j] <= pivot <= [j + 1, n) */
		size_t i = 0, j = n;
		for (;;) {
			do
				i++;
			while (i < n && cmp(AT(i), AT(0)) < 0);
			do
				j--;
			while (cmp(AT(j), AT(0)) > 0);
			if (i >= j)
				break;
			swap(AT(i), AT(j), size);
		}
		swap(AT(0), AT(j), size); /* the pivot in its place, j */
		/* the smaller side by recursion, the larger by the loop */
		size_t nl = j, nr = n - j - 1;
		if (nl < nr) {
			intro(base, nl, size, cmp, depth);
			base = AT(j + 1);
			n = nr;
		} else {
			intro(AT(j + 1), nr, size, cmp, depth);
			n = nl;
		}
	}
	insertion(base, n, size, cmp);
}

void mc_sort(void *base, size_t n, size_t size, cmp_fn cmp)
{
	if (n < 2 || !size)
		return;
	unsigned depth = 0;
	for (size_t m = n; m; m >>= 1)
		depth += 2;
	intro(base, n, size, cmp, depth);
}
