/*
 * ids.c - anchor ids: kramdown's automatic heading ids and a hash set that
 * keeps ids unique in a document (one page's rules, and the merging of
 * several pages into a module or course).
 */
#include <stdlib.h>
#include <string.h>

#include "../util/slug.h"
#include "internal.h"

static size_t hash(const char *s)
{
	size_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

mc_idslot *mc_idset_find(const mc_idset *s, const char *id)
{
	if (!s->cap)
		return NULL;
	for (size_t i = hash(id) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (!s->v[i].id)
			return NULL;
		if (strcmp(s->v[i].id, id) == 0)
			return &s->v[i];
	}
}

mc_idslot *mc_idset_add(mc_idset *s, const char *id)
{
	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		mc_idslot *nv = mc_xcalloc(ncap, sizeof(mc_idslot));
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->v[i].id)
				continue;
			size_t j = hash(s->v[i].id) & (ncap - 1);
			while (nv[j].id)
				j = (j + 1) & (ncap - 1);
			nv[j] = s->v[i];
		}
		free(s->v);
		s->v = nv;
		s->cap = ncap;
	}
	size_t j = hash(id) & (s->cap - 1);
	while (s->v[j].id) {
		if (strcmp(s->v[j].id, id) == 0)
			return &s->v[j];
		j = (j + 1) & (s->cap - 1);
	}
	s->v[j].id = id;
	s->v[j].next = 1;
	s->n++;
	return &s->v[j];
}

const char *mc_idset_unique(mc_idset *s, mc_doc *doc, const char *base)
{
	mc_idslot *b = mc_idset_find(s, base);
	if (!b) {
		const char *id = mc_strdup(doc, base);
		mc_idset_add(s, id);
		return id;
	}
	mc_buf buf = MC_BUF_INIT;
	int k = b->next;
	do {
		mc_buf_clear(&buf);
		mc_buf_printf(&buf, "%s-%d", base, k++);
	} while (mc_idset_find(s, buf.data));
	b->next = k; /* b is still valid: nothing was added since */
	const char *id = mc_strdup(doc, buf.data);
	mc_buf_free(&buf);
	mc_idset_add(s, id);
	return id;
}

void mc_idset_free(mc_idset *s)
{
	free(s->v);
	s->v = NULL;
	s->cap = s->n = 0;
}

/* kramdown's automatic header id (util/slug.h): the same ids as the
 * course's web pages, so their "#anchor" links keep working. */
const char *mc_id_slug(mc_doc *doc, const char *text)
{
	size_t n = strlen(text);
	if (n > 1000)
		n = 1000;
	mc_buf b = MC_BUF_INIT;
	mc_slug_kramdown(&b, text, n);
	const char *id = mc_strdup(doc, b.data);
	mc_buf_free(&b);
	return id;
}
