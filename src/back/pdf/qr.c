/*
 * qr.c - QR codes as vector squares (libqrencode).
 *
 * The symbol is drawn as one path filled once: a rectangle per run of
 * dark modules in a row (ops joined by PDF_FILL_CONT / PDF_FILL_MORE),
 * inside a white square whose margin is the 4-module quiet zone the
 * standard asks for, so a phone can read it from paper at any print size.
 */
#include "pdf_int.h"

#include "../../util/qrcode.h"

int pdf_qr(pdf_ctx *c, const char *text, double x, double y, double size)
{
	char why[300];
	QRcode *q = mc_qr_encode(text, why, sizeof why);
	if (!q) {
		mc_warn(c->diag, 0, 0, "could not make a QR code for %s: %s",
		        text, why);
		return -1;
	}
	int w = q->width;
	double m = size / (w + 8); /* module size, 4-module quiet zone */
	size_t last = 0; /* the last run's op + 1 (ops may move as they grow) */
	for (int r = 0; r < w; r++) {
		int col = 0;
		while (col < w) {
			if (!(q->data[r * w + col] & 1)) {
				col++;
				continue;
			}
			int end = col;
			while (end < w && (q->data[r * w + end] & 1))
				end++;
			if (last)
				pdf_op_at(c, last - 1)->aux |= PDF_FILL_MORE;
			pdf_op *o = pdf_op_add(c, OP_FILL);
			o->aux = last ? PDF_FILL_CONT : 0;
			last = c->nops;
			o->x = x + (4 + col) * m;
			o->y = y + (4 + r) * m;
			o->w = (end - col) * m;
			o->h = m;
			o->color = 0x000000;
			o->layer = 1;
			col = end;
		}
	}
	mc_qr_free(q);
	return 0;
}
