/*
 * ids.c - anchor ids: kramdown's automatic heading ids and a hash set that
 * keeps ids unique in a document (one page's rules, and the merging of
 * several pages into a module or course).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

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

/* kramdown's automatic header id (basic_generate_id): leading
 * non-letters dropped, then every character but ASCII letters, digits,
 * spaces and '-' dropped, spaces to '-', lower case; "section" if
 * nothing is left.  Same ids as the course's web pages, so their
 * "#anchor" links keep working. */
const char *mc_id_slug(mc_doc *doc, const char *text)
{
	size_t n = strlen(text);
	if (n > 1000)
		n = 1000;
	char *s = mc_arena_alloc(doc->arena, n + 16);
	size_t k = 0;
	bool letter = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (!letter && !isalpha(c))
			continue;
		letter = true;
		/* kramdown reads the text as written: an en or em dash made
		 * of "--" or "---" is that many dashes (the 3 bytes of the
		 * dash leave room for them) */
		if (c == 0xE2 && i + 2 < n && (unsigned char)text[i + 1] == 0x80 &&
		    ((unsigned char)text[i + 2] == 0x93 ||
		     (unsigned char)text[i + 2] == 0x94)) {
			int d = (unsigned char)text[i + 2] == 0x93 ? 2 : 3;
			while (d--)
				s[k++] = '-';
			i += 2;
			continue;
		}
		if (isalnum(c) || c == '-')
			s[k++] = (char)tolower(c);
		else if (c == ' ')
			s[k++] = '-';
	}
	s[k] = '\0';
	if (!k)
		strcpy(s, "section");
	return s;
}
