/*
 * utc.h - a time as a UTC calendar date, without the C library's time
 * zone.
 *
 * gmtime_r() and strftime() in glibc set up the local time zone on their
 * first call (reading /etc/localtime, or the file $TZ names), although a
 * UTC date needs none: a file read at every run for the documents' dates.
 * These are pure arithmetic (the proleptic Gregorian calendar), the same
 * fields as gmtime_r's for every time it accepts, and no state.
 */
#ifndef MC_UTC_H
#define MC_UTC_H

#include <stdint.h>
#include <time.h>

/* t (seconds since 1970-01-01T00:00:00Z) as gmtime_r would fill *tm:
 * tm_year (since 1900), tm_mon (0-11), tm_mday, tm_hour, tm_min, tm_sec,
 * tm_wday, tm_yday; tm_isdst 0.  Returns 0, or -1 when the year does not
 * fit tm_year. */
int mc_utc_tm(int64_t t, struct tm *tm);

/* t as "YYYY-MM-DDTHH:MM:SSZ" into out (21 bytes with the NUL), the
 * form EPUB's dcterms:modified, DOCX's core properties and XMP take; a
 * time before 1970 or past 9999-12-31T23:59:59Z is written as
 * 1970-01-01T00:00:00Z (those formats take four-digit years). */
void mc_utc_iso8601(int64_t t, char out[21]);

#endif
