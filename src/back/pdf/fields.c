/*
 * fields.c - fillable AcroForm fields over the ruled answer lines.
 * (Placeholder: fields are added in a later step.)
 */
#include "pdf_int.h"

int pdf_field_text(pdf_ctx *c, HPDF_Page page, const pdf_op *op, double y0)
{
	(void)c;
	(void)page;
	(void)op;
	(void)y0;
	return 0;
}

int pdf_field_checkbox(pdf_ctx *c, HPDF_Page page, const pdf_op *op,
                       double y0)
{
	(void)c;
	(void)page;
	(void)op;
	(void)y0;
	return 0;
}

int pdf_fields_finish(pdf_ctx *c)
{
	(void)c;
	return 0;
}
