/*
 * qrcode.c - QR codes with libqrencode, loaded when first used (qrcode.h).
 */
#include "qrcode.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dl.h"

#ifndef MC_QRENCODE_SONAME
#define MC_QRENCODE_SONAME "libqrencode.so.4"
#endif
#define QRENCODE_FUNCS(X) \
	X(QRcode_encodeString) \
	X(QRcode_free)
#ifdef MC_QRENCODE_STATIC
/* linked into the program (the musl build: no dlopen there) */
MC_DL_LINKED(qrencode_api, QRENCODE_FUNCS, qrencode_table)
#else
MC_DL_TABLE(qrencode_api, QRENCODE_FUNCS)
MC_DL_LIB(qrencode_lib, qrencode_api, QRENCODE, "libqrencode4",
          MC_QRENCODE_SONAME, "libqrencode.so");

static const qrencode_api *qrencode_table(char *err, size_t errsz)
{
	return mc_dl_get(&qrencode_lib, err, errsz);
}
#endif

QRcode *mc_qr_encode(const char *text, char *err, size_t errsz)
{
	const qrencode_api *Q = qrencode_table(err, errsz);
	if (!Q)
		return NULL;
	errno = 0;
	QRcode *q = Q->QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		snprintf(err, errsz, "%s",
		         errno == ERANGE ? "too long for a QR code"
		                         : strerror(errno ? errno : ENOMEM));
	return q;
}

void mc_qr_free(QRcode *q)
{
	if (!q)
		return;
	/* a code exists only once the library is loaded */
	char err[8];
	const qrencode_api *Q = qrencode_table(err, sizeof err);
	if (Q)
		Q->QRcode_free(q);
}
