/*
 * ids.c - anchor ids: kramdown's automatic heading ids and a set that
 * keeps ids unique in a document (one page's rules, and the merging of
 * several pages into a module or course).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/hashset.h"
#include "../util/slug.h"
#include "internal.h"

bool mc_idset_find(const mc_idset *s, const char *id)
{
	return mc_hashset_get(&s->set, id) != NULL;
}

void mc_idset_add(mc_idset *s, const char *id)
{
	if (!mc_hashset_get(&s->set, id))
		mc_hashset_put(&s->set, id, (void *)(uintptr_t)1);
}

const char *mc_idset_unique(mc_idset *s, mc_doc *doc, const char *base)
{
	void **b = mc_hashset_ref(&s->set, base);
	if (!b) {
		const char *id = mc_strdup(doc, base);
		mc_idset_add(s, id);
		return id;
	}
	mc_buf buf = MC_BUF_INIT;
	uintptr_t k = (uintptr_t)*b; /* the next suffix to try */
	do {
		mc_buf_clear(&buf);
		mc_buf_printf(&buf, "%s-%d", base, (int)k++);
	} while (mc_idset_find(s, buf.data));
	*b = (void *)k; /* b is still valid: nothing was added since */
	const char *id = mc_strdup(doc, buf.data);
	mc_buf_free(&buf);
	mc_idset_add(s, id);
	return id;
}

void mc_idset_free(mc_idset *s)
{
	mc_hashset_free(&s->set);
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
