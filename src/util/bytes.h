/*
 * bytes.h - reading integers stored big- or little-endian in a byte
 * string (PNG, JPEG, TrueType/OpenType and CFF tables, GIF, SHA-1 words, ZIP
 * headers, the PDF font cache's file), and writing them in place (a PNG's
 * chunk lengths and CRCs, a ZIP header's dates).
 * The caller checks the bounds: p must hold 2 or 4 bytes.
 */
#ifndef MC_BYTES_H
#define MC_BYTES_H

#include <stdint.h>

static inline uint32_t mc_be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t mc_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t mc_le16(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8;
}

static inline uint32_t mc_le32(const unsigned char *p)
{
	return mc_le16(p) | mc_le16(p + 2) << 16;
}

static inline void mc_put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static inline void mc_put_le16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

#endif
