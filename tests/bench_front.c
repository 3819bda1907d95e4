/* bench_front.c - time the front-end alone (Markdown -> document model).
 *
 *   bench_front FILE [RUNS]
 *
 * Reads FILE once, then parses it RUNS times (default 5) with
 * mc_front_parse_buffer, freeing each document, and prints one line of
 * key=value figures for tests/bench.sh: input bytes, best and mean time,
 * throughput of the best run in MB/s (10^6 bytes), peak RSS in KiB and
 * peak RSS / input size.  The peak RSS includes the input buffer itself.
 * Diagnostics are counted, not printed.  Exit 1 if a parse fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "front/front.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The whole file in a malloc'ed buffer (*len bytes), or NULL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *data = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			char *p = realloc(data, cap);
			if (!p) {
				free(data);
				fclose(f);
				return NULL;
			}
			data = p;
		}
		size_t k = fread(data + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(data);
		return NULL;
	}
	*len = n;
	return data;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench_front FILE [RUNS]\n");
		return 2;
	}
	int runs = argc == 3 ? atoi(argv[2]) : 5;
	if (runs < 1)
		runs = 1;
	size_t len = 0;
	char *data = slurp(argv[1], &len);
	if (!data) {
		perror(argv[1]);
		return 1;
	}
	/* relative paths in the input resolve against the file's folder */
	char *dir = strdup(argv[1]);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	if (slash && slash != dir)
		*slash = '\0';
	else if (slash)
		slash[1] = '\0'; /* "/file": the root folder */
	const char *dirarg = slash ? dir : ".";

	mc_front_opts opts = {NULL, 0};
	double best = 0, total = 0;
	int warnings = 0;
	for (int i = 0; i < runs; i++) {
		mc_diag d;
		mc_diag_init(&d, NULL, argv[1]);
		mc_doc *doc = NULL;
		double t0 = now_ms();
		int rc = mc_front_parse_buffer(data, len, argv[1], dirarg,
		                               &opts, &d, &doc);
		mc_doc_free(doc);
		double t = now_ms() - t0;
		if (rc != 0) {
			fprintf(stderr, "bench_front: parse failed: %s\n",
			        d.first_error);
			free(dir);
			free(data);
			return 1;
		}
		warnings = d.nwarnings;
		total += t;
		if (i == 0 || t < best)
			best = t;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	long rss_kb = ru.ru_maxrss; /* KiB on Linux */
	printf("bytes=%zu runs=%d best_ms=%.1f mean_ms=%.1f mbps=%.1f "
	       "rss_kb=%ld rss_ratio=%.2f warnings=%d\n",
	       len, runs, best, total / runs,
	       best > 0 ? len / 1e6 / (best / 1e3) : 0.0, rss_kb,
	       len ? rss_kb * 1024.0 / len : 0.0, warnings);
	free(dir);
	free(data);
	return 0;
}
