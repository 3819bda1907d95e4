/* hashset.c - an open-addressing hash set with values; see hashset.h. */
#include "hashset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

void mc_hashset_init(mc_hashset *s, bool ptr_keys)
{
	memset(s, 0, sizeof *s);
	s->ptr_keys = ptr_keys;
}

void mc_hashset_free(mc_hashset *s)
{
	bool ptr_keys = s->ptr_keys;
	free(s->keys);
	free(s->vals);
	mc_hashset_init(s, ptr_keys);
}

/* FNV-1a (with the offset basis these tables have always used: any
 * fixed value does) of the string, or of the pointer's bytes. */
static uint64_t hash_key(const mc_hashset *s, const void *key)
{
	uint64_t h = 1469598103934665603ULL;
	if (s->ptr_keys) {
		uintptr_t p = (uintptr_t)key;
		for (size_t i = 0; i < sizeof p; i++)
			h = (h ^ ((p >> (8 * i)) & 0xff)) * 1099511628211ULL;
		return h;
	}
	for (const unsigned char *k = key; *k; k++)
		h = (h ^ *k) * 1099511628211ULL;
	return h;
}

static bool same_key(const mc_hashset *s, const void *a, const void *b)
{
	return s->ptr_keys ? a == b : strcmp(a, b) == 0;
}

/* key's slot, or the empty slot where it would go (cap > 0). */
static size_t find_slot(const mc_hashset *s, const void *key)
{
	size_t i = (size_t)hash_key(s, key) & (s->cap - 1);
	while (s->keys[i] && !same_key(s, s->keys[i], key))
		i = (i + 1) & (s->cap - 1);
	return i;
}

void *mc_hashset_get(const mc_hashset *s, const void *key)
{
	if (!s->cap)
		return NULL;
	size_t i = find_slot(s, key);
	return s->keys[i] ? s->vals[i] : NULL;
}

void **mc_hashset_ref(mc_hashset *s, const void *key)
{
	if (!s->cap)
		return NULL;
	size_t i = find_slot(s, key);
	return s->keys[i] ? &s->vals[i] : NULL;
}

void mc_hashset_put(mc_hashset *s, const void *key, void *val)
{
	if ((s->n + 1) * 2 > s->cap) {
		mc_hashset old = *s;
		s->cap = old.cap ? old.cap * 2 : 64;
		s->keys = mc_xcalloc(s->cap, sizeof *s->keys);
		s->vals = mc_xcalloc(s->cap, sizeof *s->vals);
		s->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i]) {
				size_t j = find_slot(s, old.keys[i]);
				s->keys[j] = old.keys[i];
				s->vals[j] = old.vals[i];
				s->n++;
			}
		free(old.keys);
		free(old.vals);
	}
	size_t i = find_slot(s, key);
	if (!s->keys[i]) {
		s->keys[i] = key;
		s->n++;
	}
	s->vals[i] = val;
}
