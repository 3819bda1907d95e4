/* fields.c - worksheet fields: answer content controls, checkboxes,
 * legacy FORMTEXT/FORMCHECKBOX fields and inline blanks.
 *
 * Worksheet fields: a prompt's MC_ANSWER becomes a block-level plain-text
 * content control (w:sdt with w:text w:multiLine="1"), which LibreOffice
 * 7.4 imports as an input field and Word as a fillable control; a
 * checkbox becomes a w14:checkbox control; an inline blank an inline
 * plain-text control.  With opts.legacy_fields they are FORMTEXT and
 * FORMCHECKBOX fields instead, for readers older than Word 2010.  Each
 * field has a title a screen reader announces: a control's w:alias, a
 * legacy field's help and status text (its prompt, else "Answer 3"). */
#include "docx_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- worksheet fields ---- */

/* At most n bytes of s, cut at a UTF-8 character boundary. */
static size_t utf8_cut(const char *s, size_t n)
{
	size_t len = strlen(s);
	if (len <= n)
		return len;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* The title a screen reader announces for a field: its prompt or task
 * text, else "Answer 3", "Task 2", "Blank 5" (into buf). */
static const char *field_title(const char *tag, const char *label,
                               int number, char *buf, size_t n)
{
	if (label && *label)
		return label;
	const char *kind = !strcmp(tag, "task")    ? "Task"
	                   : !strcmp(tag, "blank") ? "Blank"
	                                           : "Answer";
	snprintf(buf, n, "%s %d", kind, number);
	return buf;
}

/* A content control's title (w:alias) and tag (w:tag) are ST_String in
 * ECMA-376, with no length limit, and MS-OI29500 notes none for them;
 * Word's Content Control Properties take at most 64 characters for
 * each, so the writer keeps to that (counted in UTF-16 units, as Word
 * counts). */
#define SDT_NAME_MAX 64

/* s cut to at most max UTF-16 units (not bytes), at a word boundary
 * when it is longer, with "…" after the cut; appended to out. */
static void cut_at_word(mc_buf *out, const char *s, size_t max)
{
	size_t units = 0, i = 0, len = strlen(s);
	while (i < len) {
		/* a 4-byte sequence is a surrogate pair: two units */
		size_t u = ((unsigned char)s[i] >= 0xF0) ? 2 : 1;
		if (units + u > max)
			break;
		units += u;
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
	}
	if (i >= len) {
		mc_buf_put(out, s, len);
		return;
	}
	/* room for the ellipsis: back one character, then to a space */
	size_t end = i;
	do
		end--;
	while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80);
	size_t sp = end;
	while (sp > 0 && s[sp] != ' ')
		sp--;
	if (sp > 0)
		end = sp;
	while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == ',' ||
	                   s[end - 1] == ';' || s[end - 1] == ':'))
		end--;
	mc_buf_put(out, s, end);
	mc_buf_puts(out, "\xe2\x80\xa6");
}

/* A field's tag: "worksheet-slug/KIND-N" (the worksheet's title as a
 * slug, mc_field_slug) when the field is in a worksheet, else "KIND-N";
 * a Name or Date blank of a worksheet: "worksheet-slug/name". */
static void field_tag(dx *d, const mc_node *n, const char *kind,
                      int number, mc_buf *tag)
{
	mc_buf g = MC_BUF_INIT;
	const char *role = n && n->type == MC_BLANK
	                   ? mc_blank_role(n, d->theme->worksheet.name_label,
	                                   d->theme->worksheet.date_label)
	                   : NULL;
	if (n && mc_field_worksheet(n, &g)) {
		mc_buf_putc(&g, '\0');
		mc_field_slug(g.data, tag, 40);
		mc_buf_putc(tag, '/');
	}
	mc_buf_free(&g);
	if (role)
		mc_buf_puts(tag, role);
	else
		mc_buf_printf(tag, "%s-%d", kind, number);
	mc_buf_putc(tag, '\0');
}

/* A content control's title (w:alias: what Word shows on the control
 * and screen readers announce: the prompt, cut at a word), tag
 * (field_tag, for `mentorconv collect` and other scripts reading the
 * answers back) and id.  n is the field's node (NULL: a task-list box). */
static void sdt_names(dx *d, const char *tag, const char *label,
                      int number, const mc_node *n)
{
	mc_xml *x = &d->x;
	char fallback[48];
	const char *role = n && n->type == MC_BLANK
	                   ? mc_blank_role(n, d->theme->worksheet.name_label,
	                                   d->theme->worksheet.date_label)
	                   : NULL;
	const char *a = role ? (!strcmp(role, "name")
	                                ? d->theme->worksheet.name_label
	                                : d->theme->worksheet.date_label)
	                     : field_title(tag, label, number, fallback,
	                                   sizeof fallback);
	mc_buf alias = MC_BUF_INIT;
	cut_at_word(&alias, a, SDT_NAME_MAX);
	mc_buf_putc(&alias, '\0');
	mc_xml_empty(x, "w:alias", "w:val", alias.data, NULL);
	mc_buf_free(&alias);
	mc_buf t = MC_BUF_INIT;
	field_tag(d, n, tag, number, &t);
	mc_xml_empty(x, "w:tag", "w:val", t.data, NULL);
	mc_buf_free(&t);
	mc_xml_open(x, "w:id");
	mc_xml_attrf(x, "w:val", "%d", d->next_field++);
	mc_xml_close(x);
}

/* A legacy form field's w:ffData up to its type: the bookmark name
 * (PREFIX + number), then the title as help text (F1, which screen
 * readers read for a legacy field) and status bar text. */
static void ff_names(dx *d, const char *prefix, const char *tag,
                     int number, const char *label)
{
	mc_xml *x = &d->x;
	mc_xml_open(x, "w:name");
	if (number < 0) /* the worksheet's Name and Date: no number */
		mc_xml_attr(x, "w:val", prefix);
	else
		mc_xml_attrf(x, "w:val", "%s%d", prefix, number);
	mc_xml_close(x);
	mc_xml_empty(x, "w:enabled", NULL);
	dx_val(x, "w:calcOnExit", "0");
	char fallback[48];
	const char *t = field_title(tag, label, number, fallback,
	                            sizeof fallback);
	mc_buf h = MC_BUF_INIT;
	/* ST_FFStatusTextVal: at most 140 characters (help text: 256) */
	mc_buf_put(&h, t, utf8_cut(t, 138));
	mc_xml_empty(x, "w:helpText", "w:type", "text", "w:val", h.data,
		     NULL);
	mc_xml_empty(x, "w:statusText", "w:type", "text", "w:val", h.data,
		     NULL);
	mc_buf_free(&h);
}

/* The runs of a content control's placeholder text. */
static void placeholder_run(dx *d, const char *text)
{
	rp r = {0};
	r.placeholder = true;
	dx_run(d, text, &r);
}

/* An answer control's hint ("Type your answer here"), shown while
 * w:showingPlcHdr says the control holds no answer.  Word shows it in the
 * PlaceholderText style and drops it at the first keystroke; LibreOffice
 * (7.4) instead imports a plain-text control as an input field whose
 * content is whatever the control holds, so it would print the hint on
 * every answer and keep it as the answer.  The hint is therefore the
 * Choice of a markup-compatibility block that requires the Word 2013
 * namespace (w15), which Word 2013 and later take; a consumer that does
 * not know w15, LibreOffice among them, takes the empty Fallback and sees
 * an empty field.  (Word 2010 shows an empty control titled with the
 * prompt.) */
/* End the field's begin (its w:fldChar and run), then write the run of
 * its instruction. */
static void instr_run(mc_xml *x, const char *instr)
{
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_open(x, "w:r");
	mc_xml_open(x, "w:instrText");
	mc_xml_attr(x, "xml:space", "preserve");
	mc_xml_text(x, instr);
	mc_xml_close(x);
	mc_xml_close(x);
}

static void answer_hint(dx *d, const char *text)
{
	mc_xml *x = &d->x;
	mc_xml_open(x, "mc:AlternateContent");
	mc_xml_open(x, "mc:Choice");
	mc_xml_attr(x, "Requires", "w15");
	placeholder_run(d, text);
	mc_xml_close(x);
	mc_xml_empty(x, "mc:Fallback", NULL);
	mc_xml_close(x);
}

void dx_checkbox_sdt(dx *d, const char *tag, bool checked,
                     const char *label, int number, const mc_node *n)
{
	mc_xml *x = &d->x;
	if (d->opts.legacy_fields) {
		mc_xml_open(x, "w:r");
		mc_xml_open(x, "w:fldChar");
		mc_xml_attr(x, "w:fldCharType", "begin");
		mc_xml_open(x, "w:ffData");
		ff_names(d, "Check", tag, number, label);
		mc_xml_open(x, "w:checkBox");
		mc_xml_empty(x, "w:sizeAuto", NULL);
		dx_val(x, "w:default", checked ? "1" : "0");
		mc_xml_close(x);
		mc_xml_close(x);
		instr_run(x, " FORMCHECKBOX ");
		mc_xml_open(x, "w:r");
		mc_xml_empty(x, "w:fldChar", "w:fldCharType", "end", NULL);
		mc_xml_close(x);
	} else {
		mc_xml_open(x, "w:sdt");
		mc_xml_open(x, "w:sdtPr");
		sdt_names(d, tag, label, number, n);
		mc_xml_open(x, "w14:checkbox");
		mc_xml_empty(x, "w14:checked",
			     "w14:val", checked ? "1" : "0",
			     NULL);
		mc_xml_empty(x, "w14:checkedState",
			     "w14:val", "2612",
			     "w14:font", "MS Gothic",
			     NULL);
		mc_xml_empty(x, "w14:uncheckedState",
			     "w14:val", "2610",
			     "w14:font", "MS Gothic",
			     NULL);
		mc_xml_close(x);
		mc_xml_close(x); /* sdtPr */
		mc_xml_open(x, "w:sdtContent");
		mc_xml_open(x, "w:r");
		mc_xml_open(x, "w:rPr");
		mc_xml_empty(x, "w:rFonts",
			     "w:ascii", "MS Gothic",
			     "w:eastAsia", "MS Gothic",
			     "w:hAnsi", "MS Gothic",
			     NULL);
		mc_xml_close(x);
		mc_xml_open(x, "w:t");
		mc_xml_text(x, checked ? "\xe2\x98\x92" : "\xe2\x98\x90");
		mc_xml_close(x);
		mc_xml_close(x);
		mc_xml_close(x);
		mc_xml_close(x);
	}
	dx_run(d, " ", NULL);
}

/* A legacy FORMTEXT field; its result is Word's five en spaces. */
static void formtext(dx *d, const char *prefix, const char *tag, int number,
                     const char *label)
{
	mc_xml *x = &d->x;
	mc_xml_open(x, "w:r");
	mc_xml_open(x, "w:fldChar");
	mc_xml_attr(x, "w:fldCharType", "begin");
	mc_xml_open(x, "w:ffData");
	ff_names(d, prefix, tag, number, label);
	mc_xml_empty(x, "w:textInput", NULL);
	mc_xml_close(x);
	instr_run(x, " FORMTEXT ");
	mc_xml_open(x, "w:r");
	mc_xml_empty(x, "w:fldChar", "w:fldCharType", "separate", NULL);
	mc_xml_close(x);
	mc_xml_open(x, "w:r");
	mc_xml_open(x, "w:rPr");
	mc_xml_empty(x, "w:noProof", NULL);
	mc_xml_close(x);
	mc_xml_open(x, "w:t");
	mc_xml_text(x, "\xe2\x80\x82\xe2\x80\x82\xe2\x80\x82\xe2\x80\x82"
	               "\xe2\x80\x82");
	mc_xml_close(x);
	mc_xml_close(x);
	mc_xml_open(x, "w:r");
	mc_xml_empty(x, "w:fldChar", "w:fldCharType", "end", NULL);
	mc_xml_close(x);
}

/* An inline fill-in blank: a run-level plain-text control. */
void dx_blank(dx *d, const mc_node *n)
{
	if (d->opts.legacy_fields) {
		const char *role = mc_blank_role(n, d->theme->worksheet.name_label,
		                                 d->theme->worksheet.date_label);
		++d->nblanks;
		if (role)
			formtext(d, !strcmp(role, "name") ? "Name" : "Date", "blank",
			         -1, !strcmp(role, "name")
			                 ? d->theme->worksheet.name_label
			                 : d->theme->worksheet.date_label);
		else
			formtext(d, "Blank", "blank", d->nblanks, "");
		return;
	}
	mc_xml *x = &d->x;
	int w = n->as.blank.width;
	if (w < 5)
		w = 5;
	if (w > 40)
		w = 40;
	char under[48];
	memset(under, '_', (size_t)w);
	under[w] = '\0';
	mc_xml_open(x, "w:sdt");
	mc_xml_open(x, "w:sdtPr");
	sdt_names(d, "blank", NULL, ++d->nblanks, n);
	mc_xml_empty(x, "w:showingPlcHdr", NULL);
	mc_xml_empty(x, "w:text", NULL);
	mc_xml_close(x);
	mc_xml_open(x, "w:sdtContent");
	placeholder_run(d, under);
	mc_xml_close(x);
	mc_xml_close(x);
}


void dx_answer(dx *d, ctx *c, const mc_node *n)
{
	mc_xml *x = &d->x;
	const mc_theme *t = d->theme;
	long ind = d->list_level >= 0 ? dx_level_indent(d->list_level) : -1;
	if (n->as.answer.kind == MC_ANSWER_CHECKBOX) {
		para p = {NULL, false, ind, -1, NULL};
		dx_p_open(d, c, &p);
		dx_checkbox_sdt(d, "answer", n->as.answer.checked,
		                n->as.answer.label,
		                n->as.answer.number, n);
		dx_p_close(d);
		return;
	}
	int lines = n->as.answer.kind == MC_ANSWER_LINES
	            ? (n->as.answer.lines > 0 ? n->as.answer.lines
	                                      : t->answer.lines)
	            : 1;
	if (lines < 1)
		lines = 1;
	if (lines > 40)
		lines = 40;
	/* The answer's writing lines, as many as the source (or the theme's
	 * answer.lines) gives: the field's own paragraph, then an empty ruled
	 * paragraph for each further line, all `answer.line_spacing` apart.
	 * Typed text starts on the first line and pushes the empty ones down.
	 * Neighbouring paragraphs with identical borders are drawn as one box
	 * (one bottom rule) by Word and LibreOffice: the rules' distance from
	 * the text alternates between 1 and 2 points, and the indent by one
	 * twip (LibreOffice compares only indents), so that each line keeps
	 * its own. */
	para p = {"Answer", lines > 1, ind, lines > 1 ? 0 : -1, NULL, 0};
	p.rule = 1;
	if (d->opts.legacy_fields) {
		dx_p_open(d, c, &p);
		formtext(d, "Answer", "answer", n->as.answer.number,
		         n->as.answer.label);
		dx_p_close(d);
	} else {
		mc_xml_open(x, "w:sdt");
		mc_xml_open(x, "w:sdtPr");
		sdt_names(d, "answer", n->as.answer.label, n->as.answer.number,
		          n);
		mc_xml_empty(x, "w:showingPlcHdr", NULL);
		mc_xml_open(x, "w:text");
		if (lines > 1 || n->as.answer.kind == MC_ANSWER_LINES)
			mc_xml_attr(x, "w:multiLine", "1");
		mc_xml_close(x);
		mc_xml_close(x);
		mc_xml_open(x, "w:sdtContent");
		dx_p_open(d, c, &p);
		answer_hint(d, *t->answer.placeholder ? t->answer.placeholder
		                                      : " ");
		dx_p_close(d);
		mc_xml_close(x);
		mc_xml_close(x);
	}
	/* the Answer style's indent is 720 twips */
	long base = ind >= 0 ? ind : 720;
	for (int k = 2; k <= lines; k++) {
		para e = {"Answer", k < lines, base + (k % 2 ? 0 : 1),
		          k < lines ? 0 : -1, NULL, 0};
		e.rule = k % 2 ? 1 : 2;
		dx_p_open(d, c, &e);
		dx_p_close(d);
	}
}

