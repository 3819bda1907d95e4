/*
 * hashset.h - a small open-addressing hash set of keys, each with a value
 * (so also a map): the anchor ids of the front-end (front/ids.c) and the
 * EPUB backend's maps (node -> facts, id -> file, label -> note...).
 *
 * Keys are strings (compared by content) or pointers (compared by
 * address); neither is copied, so a key must outlive the set.  Linear
 * probing in a power-of-two table kept at most half full.  Lookups only:
 * there is no iteration, so neither the hash nor (for pointer keys) the
 * addresses can decide any output order.
 *
 * Hash tables left as they are (different shapes): Liquid's index of a
 * hash's keys (front/liquid.c: length-delimited keys, an index into the
 * value's own arrays, in the run's arena, rebuilt when the hash grows),
 * and the PDF backend's glyph cache and hyphenation patterns
 * (back/pdf/fonts.c, hyph.c: integer or length-delimited keys with
 * values inline in the table).
 */
#ifndef MC_HASHSET_H
#define MC_HASHSET_H

#include <stdbool.h>
#include <stddef.h>

typedef struct mc_hashset {
	const void **keys;
	void **vals;
	size_t cap, n;
	bool ptr_keys;
} mc_hashset;

/* An empty set; all zero is an empty set with string keys. */
void mc_hashset_init(mc_hashset *s, bool ptr_keys);
void mc_hashset_free(mc_hashset *s);
/* The value stored under key, or NULL (absent, or a NULL value). */
void *mc_hashset_get(const mc_hashset *s, const void *key);
/* Where key's value is stored, or NULL if key is absent: valid until the
 * next mc_hashset_put. */
void **mc_hashset_ref(mc_hashset *s, const void *key);
/* Store val under key, replacing any value it had. */
void mc_hashset_put(mc_hashset *s, const void *key, void *val);

#endif
