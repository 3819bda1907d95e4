/*
 * slug.h - every rule that makes a name from a text, in one place.
 *
 * Three rules, kept apart on purpose: each must match something outside
 * this program, so they cannot be one.
 *
 *   mc_slug_kramdown  heading ids: kramdown's automatic header ids, so a
 *                     "#anchor" that works on the course's web pages
 *                     works in the documents.  Non-ASCII is dropped.
 *   mc_slug_jekyll    Liquid's slugify filter: Jekyll's Utils.slugify
 *                     and its modes, as the site's templates expect.
 *                     Non-ASCII is kept.
 *   mc_field_slug     a worksheet's form field names (PDF fields, DOCX
 *                     content control tags), which `mentorconv collect`
 *                     reads back: a bounded length, never a '.', never
 *                     empty.
 *
 * Every function appends to out (never touching what is there) and works
 * on bytes: only ASCII letters change case.
 */
#ifndef MC_SLUG_H
#define MC_SLUG_H

#include <stddef.h>

#include "buf.h"

/* kramdown's automatic header id (basic_generate_id) of text[0..n):
 * leading non-letters dropped, then every character but ASCII letters,
 * digits, spaces and '-' dropped, spaces to '-', lower case; an en or em
 * dash written as one character counts as the "--" or "---" it was
 * typed as; "section" if nothing is left. */
void mc_slug_kramdown(mc_buf *out, const char *text, size_t n);

/* Jekyll's slugify of s[0..n) in `mode` (NULL or any other name: the
 * default): the characters kept are ASCII letters and digits and every
 * byte from 0x80, plus with "pretty" ._~!$&'()+,;=@, with "raw" all but
 * white space, with "none" everything; every run of others is one '-',
 * none at either end; ASCII lower-cased. */
void mc_slug_jekyll(mc_buf *out, const char *s, size_t n, const char *mode);

/* A field name part made from a title: letters and digits kept (ASCII
 * ones lower-cased, other characters as they are), every run of anything
 * else (General Punctuation, U+2000..U+207F, included) as one '-', none
 * at either end, at most `max` bytes cut at a character boundary;
 * "worksheet" when nothing is left.  Never holds '.', which separates a
 * PDF field's name parts.  title may be NULL (as ""). */
void mc_field_slug(const char *title, mc_buf *out, size_t max);

#endif
