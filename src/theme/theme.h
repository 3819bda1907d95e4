/*
 * theme.h - themes: page, fonts, colours, callout looks, answer fields.
 *
 * A theme is YAML (styles/NAME.yaml) read with libyaml.  The default theme is
 * styles/default.yaml, read at build time into the binary's data (see
 * default.h): it is the one source of truth for every default.  A user theme is laid over the
 * default, so it need only name what it changes.  Unknown keys and bad
 * values are errors reported as file:line:col; a text colour with too
 * little contrast on a background it is drawn on (WCAG 2.1, see
 * mc_theme_contrasts()) is a warning there.
 *
 * Units: every length is in PostScript points (1/72 in), as a double.  In
 * YAML a length is written with a unit: `72pt`, `25mm`, `2.5cm`, `1in`
 * (a bare 0 is allowed); font sizes may also be a bare number of points.
 * Colours are 0xRRGGBB (written "#rrggbb" in YAML).  Strings are UTF-8,
 * never NULL, owned by the theme and freed by mc_theme_free().
 *
 * A loaded theme is never modified: backends only read it, so one theme
 * may be shared by several threads.
 */
#ifndef MC_THEME_H
#define MC_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../model/model.h"
#include "../util/diag.h"

/* Number of `colorhighlight colorN` variants a theme styles (N = 1..3). */
#define MC_THEME_HIGHLIGHTS 3

/* How one kind of callout box looks. */
typedef struct mc_callout_style {
	const char *label;   /* heading printed on the box ("Activity"), or
	                        "" for none */
	uint32_t background; /* box fill */
	uint32_t rule;       /* the box's left rule / border, and label colour */
} mc_callout_style;

typedef struct mc_theme mc_theme;

/* A colour key set to "none" (fields.border, fields.background). */
#define MC_COLOR_NONE 0xFFFFFFFFu

struct mc_theme {
	struct {
		const char *size;   /* "letter", "legal", "a3", "a4", "a5", or
		                       "custom" when width/height were given */
		bool landscape;     /* width > height */
		double width;       /* of the sheet, orientation applied */
		double height;
		struct {
			double top, right, bottom, left;
		} margins;          /* text area = sheet less these */
	} page;

	struct {
		const char *body;     /* fontconfig family names */
		const char *heading;
		const char *mono;
		const char **fallback; /* tried in order for missing glyphs */
		size_t nfallback;      /* may be 0 (fallback is then non-NULL
		                          but empty) */
	} fonts;

	struct {
		double body;       /* running text */
		double small;      /* captions, footnotes, header/footer */
		double code;       /* code blocks and inline code */
		double heading[6]; /* h1..h6: heading[level - 1] */
		double title;      /* the document title */
	} sizes;

	double line_height; /* baseline distance as a multiple of font size */

	struct {
		uint32_t text;
		uint32_t muted;                   /* captions, attributions */
		uint32_t link;
		uint32_t rule;                    /* thematic breaks */
		uint32_t code_background;
		uint32_t table_border;
		uint32_t table_header_background;
		uint32_t quote_rule;              /* blockquote left rule */
	} colors;

	/* Indexed by mc_callout_kind, for every kind before
	 * MC_CALLOUT_HIGHLIGHT (YAML key: mc_callout_kind_name()). */
	mc_callout_style callouts[MC_CALLOUT_HIGHLIGHT];
	/* MC_CALLOUT_HIGHLIGHT variants 1..3 (YAML: highlight1..highlight3),
	 * at index variant - 1. */
	mc_callout_style highlights[MC_THEME_HIGHLIGHTS];

	/* Worksheet answer fields (MC_ANSWER). */
	struct {
		int lines;           /* suggested lines for a prompt's answer */
		double line_spacing; /* distance between writing lines */
		double min_line_spacing; /* a worksheet squeezed onto its
		                            page never goes below this */
		uint32_t rule;       /* colour of the writing lines */
		double rule_width;   /* their width */
		const char *placeholder; /* hint in fillable fields, may be "" */
		bool fields;         /* fillable form fields over the lines
		                        (PDF); false: print-only */
	} answer;

	/* PDF form fields, as a viewer shows them on screen (and prints
	 * them): a border and a fill, each MC_COLOR_NONE for none. */
	struct {
		uint32_t border;
		double border_width; /* 0: no border */
		uint32_t background;
	} fields;

	/* --worksheets packs: the line heading each worksheet. */
	struct {
		const char *name_label; /* "Name" */
		const char *date_label; /* "Date" */
		const char *notes_label; /* "Notes": an activity without
		                            prompts gets a notes area */
		const char *label;      /* "Worksheets": the pack's title is
		                           "<title> - <label>" */
	} worksheet;

	/* Embedded videos / interactives / collections (MC_EMBED). */
	struct {
		double qr_size;  /* side of the printed QR code */
		const char *label[MC_EMBED_KIND__MAX]; /* by mc_embed_kind
		                                          ("Video", ...) */
	} embed;

	/* The printed table of contents of a module or course (PDF). */
	struct {
		const char *title;  /* its heading, e.g. "Contents" */
		const char *leader; /* repeated between an entry and its page
		                       number; "" for none */
		double indent;      /* of a course's chapters under their part */
	} toc;

	/* Running header and footer templates, may be "".  Placeholders:
	 * {title} the document title, {page} the page number, {pages} the
	 * page count.  Any other {word} is rejected when the theme loads. */
	const char *header;
	const char *footer;

	/* The theme file laid over the default (as found for --style), or
	 * NULL for the default alone: a dependency of every output. */
	const char *file;
};

/* Load the default theme, then lay `name_or_file` over it: NULL for the
 * default alone, a file path (anything containing '/' or ending in
 * .yaml/.yml), or a theme name looked up in the installed styles folder.
 * Returns 0 and sets *out, or -1 after reporting through diag. */
int mc_theme_load(const char *name_or_file, mc_theme **out, mc_diag *diag);
/* Set the page to a named paper size (letter, legal, a3, a4, a5), keeping
 * the orientation (--paper).  Returns -1 if the name is unknown. */
int mc_theme_set_paper(mc_theme *t, const char *name);
void mc_theme_free(mc_theme *t);

/* Same as mc_theme_load(), but with `base` (len bytes of YAML, named
 * `base_file` in messages) in place of the built-in default.  The base must
 * set every key.  For tests and tools. */
int mc_theme_load_with_base(const char *base, size_t len,
                            const char *base_file, const char *name_or_file,
                            mc_theme **out, mc_diag *diag);

/* A theme name NAME is looked up as NAME.yaml in, in order:
 *   1. the `styles` folder next to the running binary (so ./mentorconv in
 *      the source tree finds ./styles/a4.yaml);
 *   2. MC_STYLEDIR, the installed styles folder (set by the Makefile from
 *      PREFIX).
 * An unknown name is an error that lists both places. */

/* Theme files larger than this are refused. */
#define MC_THEME_MAX_BYTES (1024L * 1024L)

/* ---- accessors ---- */

/* The look of a callout.  `variant` is used only for MC_CALLOUT_HIGHLIGHT
 * (1..3; anything else means 1).  An out-of-range kind gives the info
 * style.  Never NULL. */
const mc_callout_style *mc_theme_callout(const mc_theme *t,
                                         mc_callout_kind kind, int variant);
/* Font size of a heading; level is clamped to 1..6. */
double mc_theme_heading_size(const mc_theme *t, int level);
/* Label of an embed kind ("Video", ...); "" for an out-of-range kind. */
const char *mc_theme_embed_label(const mc_theme *t, mc_embed_kind kind);
/* Size of the text area (page less margins), in points. */
double mc_theme_text_width(const mc_theme *t);
double mc_theme_text_height(const mc_theme *t);

/* ---- contrast (WCAG 2.1, success criterion 1.4.3) ---- */

/* The contrast ratio of two colours 0xRRGGBB, from 1 to 21:
 * (L1 + 0.05) / (L2 + 0.05), L1 the lighter colour's relative luminance
 * (sRGB channels linearised, weighted 0.2126 R + 0.7152 G + 0.0722 B). */
double mc_contrast_ratio(uint32_t a, uint32_t b);

/* One text colour of a theme and a background the backends draw it on. */
typedef struct mc_theme_contrast {
	char fg_key[48];   /* the text colour's key: "colors.muted",
	                      "callouts.activity.rule" (the box's label) */
	char bg_key[48];   /* the background's key:
	                      "callouts.activity.background", or "the page
	                      (#ffffff)" (pages are white) */
	uint32_t fg, bg;   /* the colours */
	double ratio;      /* mc_contrast_ratio(fg, bg) */
	double min;        /* what WCAG asks: 4.5, or 3 for large text (the
	                      smallest size the colour is set at is 18pt, or
	                      14pt bold) */
} mc_theme_contrast;

/* How many pairs mc_theme_contrasts() gives: colors.text, .muted and
 * .link on the page, the code background, the table header background and
 * every callout background; each callout's rule (its label colour) on its
 * own background and on the page. */
#define MC_THEME_CONTRASTS                                                 \
	(3 * (3 + MC_CALLOUT_HIGHLIGHT + MC_THEME_HIGHLIGHTS) +            \
	 2 * (MC_CALLOUT_HIGHLIGHT + MC_THEME_HIGHLIGHTS))

/* Every text colour / background pair of theme t, into out (room for
 * cap), in a fixed order.  Returns MC_THEME_CONTRASTS (pairs beyond cap
 * are not written).  mc_theme_load() warns once per pair whose ratio is
 * below its min, at the key written last:
 *   my.yaml:4:11: warning: callouts.activity.rule on
 *   callouts.activity.background is 2.46:1, less than 4.5:1 for text
 * (the ratio is cut, not rounded, to two decimals). */
size_t mc_theme_contrasts(const mc_theme *t, mc_theme_contrast *out,
                          size_t cap);

#endif
