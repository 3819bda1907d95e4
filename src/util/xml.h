/*
 * xml.h - a small XML writer shared by the EPUB and DOCX backends.
 *
 * It keeps the stack of open elements, escapes every text and attribute
 * value, drops characters XML 1.0 forbids (C0 controls but tab, newline
 * and carriage return; U+FFFE, U+FFFF), and writes `<x/>` for elements
 * left empty.  Output goes to an mc_buf; nothing can fail until
 * mc_xml_finish(), which reports elements left open.  Deterministic:
 * attributes are written in the order given.
 */
#ifndef MC_XML_H
#define MC_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

typedef struct mc_xml {
	mc_buf *out;
	const char **stack; /* names of open elements (not copied: callers
	                       pass string literals or long-lived strings) */
	size_t depth, cap;
	bool open_tag;      /* "<name attr..." written, '>' not yet */
	bool failed;        /* a misuse (attribute after content, close with
	                       nothing open) */
} mc_xml;

void mc_xml_init(mc_xml *x, mc_buf *out);
/* <?xml version="1.0" encoding="UTF-8" standalone="yes"?> and a newline. */
void mc_xml_decl(mc_xml *x);
/* Start element `name`; attributes may follow until content is added. */
void mc_xml_open(mc_xml *x, const char *name);
void mc_xml_attr(mc_xml *x, const char *name, const char *value);
void mc_xml_attrf(mc_xml *x, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Escaped text content (NULL is ignored). */
void mc_xml_text(mc_xml *x, const char *s);
void mc_xml_textn(mc_xml *x, const char *s, size_t n);
/* Markup the caller vouches for, written as is. */
void mc_xml_raw(mc_xml *x, const char *s);
/* Close the innermost open element. */
void mc_xml_close(mc_xml *x);
/* A newline between elements, for readable parts (not inside text). */
void mc_xml_nl(mc_xml *x);
/* An empty element with attributes, given as name, value pairs ended by
 * NULL: mc_xml_empty(x, "w:top", "w:w", "57", "w:type", "dxa", NULL). */
void mc_xml_empty(mc_xml *x, const char *name, ...)
	__attribute__((sentinel));
/* An element with only text: <name>text</name>. */
void mc_xml_leaf(mc_xml *x, const char *name, const char *text);
/* Returns 0, or -1 if elements are still open or the writer was misused.
 * Frees the stack either way. */
int mc_xml_finish(mc_xml *x);

/* Escape s into b as XML text (quot=true also escapes '"').  Characters
 * XML 1.0 forbids are dropped and invalid UTF-8 bytes become U+FFFD, so
 * the output is well-formed whatever s holds. */
void mc_xml_escape(mc_buf *b, const char *s, size_t n, bool quot);

#endif
