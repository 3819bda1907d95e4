/*
 * lost.c - nothing lost silently.
 *
 * What the front-end leaves out of the model (elements a document cannot
 * show: <script>, <style>, <meta>, drawings and plug-ins; the fallback
 * text of an embed) is recorded as it goes, by kind, and told once per
 * kind at the end of the parse with a count and the number of words of
 * visible text that went with it: a page with forty <style> elements gets
 * one warning, not forty.
 *
 * Last, the words of the page body (outside markup) are compared with the
 * words the model holds: a page whose model keeps under a fifth of them
 * (and has at least MIN_WORDS to lose) gets one warning saying so.  The
 * source count leaves out whatever a page's words could not be: HTML tags
 * and comments, <script>/<style> content, Liquid tags, kramdown attribute
 * lists and link destinations, so ordinary pages (whose every word is
 * kept) stay far above the line.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "../util/grow.h"

#define MIN_WORDS 40

/* isalnum() of the C locale (the program never sets another), spelt
 * out: this runs for every byte of the page, twice */
static bool wordy(unsigned char c)
{
	unsigned char l = c | 0x20;
	return c >= 0x80 || (c >= '0' && c <= '9') || (l >= 'a' && l <= 'z');
}

long mc_count_words(const char *s, size_t n)
{
	long words = 0;
	bool in = false, letter = false;
	for (size_t i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)s[i] : ' ';
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f' || c == '\0') {
			if (in && letter)
				words++;
			in = letter = false;
			continue;
		}
		in = true;
		letter |= wordy(c);
	}
	return words;
}

void mc_fe_drop(mc_fe *fe, const char *what, mc_drop_kind kind,
                uint32_t line, uint32_t col, long words)
{
	for (size_t i = 0; i < fe->ndrops; i++) {
		mc_drop *d = &fe->drops[i];
		if (d->kind == kind && strcmp(d->what, what) == 0) {
			d->count++;
			d->words += words;
			return;
		}
	}
	MC_GROW(fe->drops, fe->ndrops, fe->capdrops, 8);
	mc_drop *d = &fe->drops[fe->ndrops++];
	memset(d, 0, sizeof *d);
	snprintf(d->what, sizeof d->what, "%s", what);
	d->kind = kind;
	d->line = line;
	d->col = col;
	d->count = 1;
	d->words = words;
}

static const char *plural(long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* ---- words of the source ---- */

/* Case-insensitive search for needle in [p, end); end if absent. */
static const char *find_ci(const char *p, const char *end, const char *needle)
{
	size_t k = strlen(needle);
	if (!k)
		return p;
	/* the first byte compared here, as strncasecmp would */
	int first = tolower((unsigned char)needle[0]);
	for (; p + k <= end; p++)
		if (tolower((unsigned char)*p) == first &&
		    strncasecmp(p, needle, k) == 0)
			return p;
	return end;
}

/* Past the end of `close` from p, or end. */
static const char *skip_to(const char *p, const char *end, const char *close)
{
	const char *q = find_ci(p, end, close);
	return q < end ? q + strlen(close) : end;
}

/* One token of the source (p..q): a word unless it is a URL, a link's
 * destination or a reference definition's label. */
static bool source_word(const char *p, const char *q)
{
	bool letter = false;
	for (const char *s = p; s < q; s++) {
		if (s + 3 <= q && memcmp(s, "://", 3) == 0)
			return false;
		if (s + 2 <= q && s[0] == ']' && (s[1] == '(' || s[1] == ':'))
			return false;
		letter |= wordy((unsigned char)*s);
	}
	return letter;
}

long mc_fe_source_words(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	long words = 0;
	const char *tok = NULL; /* start of the token being read */
	while (p < end) {
		const char *skip = NULL;
		if (*p == '<' && p + 1 < end) {
			if (end - p >= 4 && memcmp(p, "<!--", 4) == 0)
				skip = skip_to(p + 4, end, "-->");
			else if ((size_t)(end - p) >= 7 &&
			         strncasecmp(p, "<script", 7) == 0)
				skip = skip_to(p, end, "</script>");
			else if ((size_t)(end - p) >= 6 &&
			         strncasecmp(p, "<style", 6) == 0)
				skip = skip_to(p, end, "</style>");
			else if (isalpha((unsigned char)p[1]) || p[1] == '/' ||
			         p[1] == '!' || p[1] == '?')
				skip = skip_to(p, end, ">");
		} else if (*p == '{' && p + 1 < end) {
			if (p[1] == '%')
				skip = skip_to(p + 2, end, "%}");
			else if (p[1] == '{')
				skip = skip_to(p + 2, end, "}}");
			else if (p[1] == ':' || p[1] == '#')
				skip = skip_to(p + 2, end, "}");
		}
		if (skip) {
			/* markup ends a token, as a space would */
			if (tok && source_word(tok, p))
				words++;
			tok = NULL;
			p = skip;
			continue;
		}
		bool space = *p == ' ' || *p == '\t' || *p == '\n' ||
		             *p == '\r' || *p == '\f';
		if (space) {
			if (tok && source_word(tok, p))
				words++;
			tok = NULL;
		} else if (!tok) {
			tok = p;
		}
		p++;
	}
	if (tok && source_word(tok, end))
		words++;
	return words;
}

/* Words of text the model holds. */
static long model_words(const mc_node *root)
{
	long words = 0;
	mc_iter it;
	mc_iter_init(&it, (mc_node *)root);
	mc_event ev;
	while ((ev = mc_iter_next(&it)) != MC_EVENT_DONE) {
		if (ev != MC_EVENT_ENTER)
			continue;
		const mc_node *n = it.cur;
		const char *t = NULL;
		switch (n->type) {
		case MC_TEXT:
		case MC_CODE:
			t = n->as.text.text;
			break;
		case MC_CODE_BLOCK:
			t = n->as.code.text;
			break;
		case MC_CONTROL:
			t = n->as.control.text;
			break;
		case MC_IMAGE:
		case MC_FIGURE:
			t = n->as.image.alt;
			break;
		case MC_EMBED:
			t = n->as.embed.title;
			break;
		default:
			break;
		}
		if (t)
			words += mc_count_words(t, strlen(t));
	}
	return words;
}

void mc_fe_lost_report(mc_fe *fe)
{
	for (size_t i = 0; i < fe->ndrops; i++) {
		const mc_drop *d = &fe->drops[i];
		const char *el = plural(d->count, "element", "elements");
		const char *first = d->count > 1 ? "; the first is here" : "";
		if (d->kind == MC_DROP_HANDLER)
			mc_warn(fe->diag, d->line, d->col,
			        "left out %ld event handler %s '%s' (scripts do "
			        "not run in a document)%s",
			        d->count, plural(d->count, "attribute",
			                         "attributes"),
			        d->what, first);
		else if (d->kind == MC_DROP_FALLBACK)
			mc_warn(fe->diag, d->line, d->col,
			        "left out the fallback text of %ld <%s> %s "
			        "(%ld %s; the %s itself is kept)%s",
			        d->count, d->what, el, d->words,
			        plural(d->words, "word", "words"), d->what,
			        first);
		else if (d->words > 0)
			mc_warn(fe->diag, d->line, d->col,
			        "left out %ld <%s> %s and the %ld %s of text in "
			        "%s%s",
			        d->count, d->what, el, d->words,
			        plural(d->words, "word", "words"),
			        plural(d->count, "it", "them"), first);
		else
			mc_warn(fe->diag, d->line, d->col,
			        "left out %ld <%s> %s (not shown in a "
			        "document)%s",
			        d->count, d->what, el, first);
	}
	if (!fe->doc || !fe->doc->root)
		return;
	long src = fe->body ? mc_fe_source_words(fe->body, fe->bodylen)
	                    : fe->body_words;
	if (src < MIN_WORDS)
		return;
	long kept = model_words(fe->doc->root);
	if (kept * 5 < src)
		mc_warn(fe->diag, fe->body_line ? fe->body_line : 1, 1,
		        "the document keeps only %ld of the %ld words of its "
		        "page's text: most of the page was left out (see the "
		        "warnings above)",
		        kept, src);
}
