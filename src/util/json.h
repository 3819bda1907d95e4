/*
 * json.h - JSON string literals, the one writer every JSON output uses:
 * the json backend (the model), the batch report (--report), collect's
 * --format json table and Liquid's jsonify filter.
 *
 * Always: '"' and '\' are escaped as \" and \\, a newline as \n, any
 * other control byte below 0x20 as \u00XX (lower-case hex).  The flags
 * add what one output needs besides, so each keeps its bytes:
 *
 *   MC_JSON_SHORT_TR  a tab and a carriage return as \t and \r (else
 *                     \u0009 and \u000d)
 *   MC_JSON_DEL       DEL (0x7F) as \u007f (else as is)
 *   MC_JSON_UTF8      the output is valid UTF-8: a byte that starts no
 *                     valid sequence becomes \ufffd (else bytes from
 *                     0x80 are copied as they are)
 *
 * The json backend uses all three (MC_JSON_MODEL); the report, collect
 * and jsonify copy what they were given (collect with MC_JSON_SHORT_TR).
 */
#ifndef MC_JSON_H
#define MC_JSON_H

#include <stddef.h>

#include "buf.h"

enum {
	MC_JSON_SHORT_TR = 1,
	MC_JSON_DEL = 2,
	MC_JSON_UTF8 = 4,
	MC_JSON_MODEL = MC_JSON_SHORT_TR | MC_JSON_DEL | MC_JSON_UTF8,
};

/* s[0..n) (which may hold NUL bytes) as a quoted JSON string. */
void mc_json_str(mc_buf *b, const char *s, size_t n, unsigned flags);
/* The NUL-terminated s as a quoted JSON string; NULL as null. */
void mc_json_cstr(mc_buf *b, const char *s, unsigned flags);

#endif
