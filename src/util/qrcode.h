/*
 * qrcode.h - QR codes with libqrencode, loaded when the first one is made.
 *
 * A DOCX or PDF page draws a QR code for each embedded video; most pages
 * have none, and every other format never does.  Linked into the program,
 * libqrencode (and libpthread.so.0, which it needs) would be mapped and
 * relocated at every start, about 50 us of a 1.3 ms one-line page; loaded
 * here (dl.h), only a page with a video pays it.  The program and the PDF
 * module each load it through their own copy of this file: the second
 * dlopen() finds it loaded.
 */
#ifndef MC_QRCODE_H
#define MC_QRCODE_H

#include <qrencode.h>
#include <stddef.h>

/* The QR code of text (8-bit mode, level M, the smallest version that
 * holds it), to free with mc_qr_free.  NULL with why in err: too long
 * for a QR code, out of memory, or libqrencode cannot be loaded. */
QRcode *mc_qr_encode(const char *text, char *err, size_t errsz);

void mc_qr_free(QRcode *q);

#endif
