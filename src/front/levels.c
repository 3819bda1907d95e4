/*
 * levels.c - headings that never skip a level (run once on the finished
 * document, by mc_front_parse_path, so a page, a module, a course and a
 * worksheet pack alike).
 *
 * A reader of an EPUB, a tagged PDF or a DOCX moves by headings; a jump
 * from h2 to h4 says that a level is missing (WCAG 1.3.1, and Ace's
 * "heading-order").  Each heading (and callout title written with a level)
 * is put one level below the nearest heading before it that is shallower
 * *as written*: "## A, #### B, ##### C, #### D" becomes h2, h3, h4, h3 -
 * the relations between headings stay, only the missing levels close up.
 * A document without sections opens with its title, which every backend
 * prints as the h1; a section's title is its first heading, at the level
 * collect.c gave it, and counts like any other.  A heading that skips
 * nothing keeps its level.  One warning per document names where the
 * first renumbered heading was written (file:line) and what was done.
 */
#include <stdio.h>

#include "internal.h"

/* An open heading: its level as written and the level it now has. */
typedef struct open_level {
	int was, now;
} open_level;

/* The file a node was read from: its nearest section's, else the
 * document's. */
static const char *source_of(const mc_doc *doc, const mc_node *n)
{
	for (const mc_node *p = n->parent; p; p = p->parent)
		if (p->type == MC_SECTION && p->as.section.source &&
		    *p->as.section.source)
			return p->as.section.source;
	return doc->meta.source;
}

static bool has_sections(const mc_doc *doc)
{
	for (const mc_node *n = doc->root->first; n; n = n->next)
		if (n->type == MC_SECTION)
			return true;
	return false;
}

void mc_fe_heading_levels(mc_doc *doc, mc_diag *diag)
{
	/* stack[0] is the title: level 1 for a page (printed above its
	 * content), none (0) for a document of sections */
	open_level stack[8];
	int depth = 1;
	stack[0].was = stack[0].now = has_sections(doc) ? 0 : 1;
	const mc_node *first = NULL;
	int first_was = 0, first_now = 0, first_after = 0;
	size_t changed = 0;
	mc_node *root = doc->root;
	for (mc_node *n = root; n; n = mc_node_next(n, root)) {
		if (n->type != MC_HEADING && n->type != MC_CALLOUT_TITLE)
			continue;
		int was = n->as.heading.level;
		if (was < 1) /* a callout title without a level: the
		                backends place it */
			continue;
		if (was > 6)
			was = 6;
		while (depth > 1 && stack[depth - 1].was >= was)
			depth--;
		int now = was;
		if (was > stack[0].was) {
			int under = stack[depth - 1].now;
			if (was > under + 1)
				now = under + 1;
		} else {
			depth = 1; /* at or above the title: starts afresh */
		}
		if (now != n->as.heading.level) {
			if (!first) {
				first = n;
				first_was = was;
				first_now = now;
				first_after = stack[depth - 1].now;
			}
			changed++;
			n->as.heading.level = now;
		}
		if (depth < (int)(sizeof stack / sizeof *stack))
			stack[depth++] = (open_level){was, now};
	}
	if (!first)
		return;
	const char *text = mc_node_plain_text(doc, first);
	char after[16] = "title";
	if (first_after > 0)
		snprintf(after, sizeof after, "h%d", first_after);
	mc_warn_at(diag, source_of(doc, first), first->line, first->col,
	           "heading \"%s\" skips a level (h%d after the %s): made "
	           "h%d; %zu heading%s renumbered so that no level is skipped",
	           text, first_was, after, first_now, changed,
	           changed == 1 ? "" : "s");
}
