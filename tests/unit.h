/* unit.h - what every unit test program prints: a `PASS: what` or
 * `FAIL: what` line per check (tests/run.sh counts them), and a closing
 * `NAME: N passed, N failed` line.  Included once, by the program's one
 * source file; the counts are the program's own (single-threaded). */
#ifndef MC_TEST_UNIT_H
#define MC_TEST_UNIT_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, what) unit_check((cond) ? 1 : 0, "", what)
/* CHECK with a prefix before the description ("docx: ..."). */
#define CHECK_IN(area, cond, what) unit_check((cond) ? 1 : 0, area ": ", what)

static inline void unit_check(int ok, const char *prefix, const char *what)
{
	printf("%s: %s%s\n", ok ? "PASS" : "FAIL", prefix, what);
	if (ok)
		passed++;
	else
		failed++;
}

/* The closing line; the exit status (1 if any check failed). */
static inline int unit_done(FILE *to, const char *name)
{
	fprintf(to, "%s: %d passed, %d failed\n", name, passed, failed);
	return failed ? 1 : 0;
}

#endif
