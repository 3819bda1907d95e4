/* utc.c - UTC calendar dates by arithmetic; see utc.h. */
#include "utc.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* The civil date of day z since 1970-01-01 (H. Hinnant's
 * civil_from_days: eras of 400 years, years starting in March). */
static void civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);               /* [0, 146096] */
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);    /* [0, 365] */
	unsigned mp = (5 * doy + 2) / 153;                          /* [0, 11] */
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int mc_utc_tm(int64_t t, struct tm *tm)
{
	int64_t days = t / 86400, secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	int64_t y;
	unsigned m, d;
	civil(days, &y, &m, &d);
	if (y - 1900 > INT_MAX || y - 1900 < INT_MIN)
		return -1;
	static const unsigned short before[12] = {0,   31,  59,  90,
	                                          120, 151, 181, 212,
	                                          243, 273, 304, 334};
	memset(tm, 0, sizeof *tm);
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = (int)m - 1;
	tm->tm_mday = (int)d;
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_sec = (int)(secs % 60);
	/* 1970-01-01 was a Thursday */
	int64_t wd = (days + 4) % 7;
	tm->tm_wday = (int)(wd < 0 ? wd + 7 : wd);
	tm->tm_yday = (int)(before[m - 1] + d - 1 + (m > 2 && leap(y)));
	return 0;
}

void mc_utc_iso8601(int64_t t, char out[21])
{
	struct tm tm;
	if (t < 0 || t > INT64_C(253402300799) || mc_utc_tm(t, &tm))
		mc_utc_tm(0, &tm);
	char b[64]; /* (as wide as the compiler reckons the fields may be) */
	snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	         tm.tm_min, tm.tm_sec);
	memcpy(out, b, 20);
	out[20] = '\0';
}
