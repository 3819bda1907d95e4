/*
 * query.c - what the backends ask of a loaded theme (theme.h).  Apart
 * from the loader (theme.c): the PDF module links these, and with the
 * loader it would load libyaml too.
 */
#include "theme.h"

const mc_callout_style *mc_theme_callout(const mc_theme *t,
                                         mc_callout_kind kind, int variant)
{
	if (kind == MC_CALLOUT_HIGHLIGHT) {
		if (variant < 1 || variant > MC_THEME_HIGHLIGHTS)
			variant = 1;
		return &t->highlights[variant - 1];
	}
	if ((unsigned)kind >= MC_CALLOUT_HIGHLIGHT)
		kind = MC_CALLOUT_INFO;
	return &t->callouts[kind];
}

double mc_theme_heading_size(const mc_theme *t, int level)
{
	if (level < 1)
		level = 1;
	if (level > 6)
		level = 6;
	return t->sizes.heading[level - 1];
}

const char *mc_theme_embed_label(const mc_theme *t, mc_embed_kind kind)
{
	if ((unsigned)kind >= MC_EMBED_KIND__MAX)
		return "";
	return t->embed.label[kind];
}

double mc_theme_text_width(const mc_theme *t)
{
	return t->page.width - t->page.margins.left - t->page.margins.right;
}

double mc_theme_text_height(const mc_theme *t)
{
	return t->page.height - t->page.margins.top - t->page.margins.bottom;
}
