/*
 * utf8.h - UTF-8 validity, shared by the front-end (which cleans its
 * input), the XML writer and the JSON backend (which never emit an
 * invalid sequence, whatever reaches them).
 *
 * Valid means the Unicode definition: no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing past U+10FFFF.  An invalid byte is replaced
 * by U+FFFD, one replacement per byte.
 */
#ifndef MC_UTF8_H
#define MC_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Length (1..4) of the valid sequence at s (n >= 1 bytes left), or 0. */
size_t mc_utf8_len(const unsigned char *s, size_t n);

/* The same, and the code point into *cp when valid. */
size_t mc_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Write the code point cp (at most U+10FFFF) as UTF-8 to out (room for
 * 4 bytes); the bytes written. */
size_t mc_utf8_put(uint32_t cp, char *out);

/* Write the code point cp as UTF-16 to out: one unit, or a surrogate
 * pair beyond U+FFFF; anything that is not a Unicode scalar value (a
 * surrogate, past U+10FFFF) as U+FFFD.  The units written (1 or 2). */
size_t mc_utf16_put(uint32_t cp, uint16_t out[2]);

/* Bytes of the longest valid prefix of s[0..n): n when all of it is. */
size_t mc_utf8_valid_prefix(const char *s, size_t n);

/* Append s[0..n) to b, each invalid byte replaced by U+FFFD. */
void mc_utf8_repair(mc_buf *b, const char *s, size_t n);

/* Whether s[0..n) holds U+FFFE or U+FFFF: valid UTF-8, but XML forbids
 * them and libunibreak takes U+FFFF for the end of its text. */
bool mc_utf8_has_nonchar(const char *s, size_t n);
/* Overwrite each U+FFFE and U+FFFF in s[0..n) with U+FFFD (the same
 * length, so offsets into s stay true). */
void mc_utf8_replace_nonchars(char *s, size_t n);

#endif
