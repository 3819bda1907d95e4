/*
 * fmath.h - the few functions of <math.h> the program needs, so that it
 * does not load libm.so.6.
 *
 * Mapping and relocating libm at start-up costs about 40 us of a 1.2 ms
 * one-line DOCX run, for floor, ceil, round, lround, fmod and pow of a
 * colour channel.  Each of these is exact (the true result is a double,
 * or, for the sRGB transfer function, libm's results are the table
 * mc_srgb_linear reads), so these give libm's results bit for bit;
 * tests/unit_util.c checks them against libm's.  The PDF module keeps
 * libm: HarfBuzz and FreeType load it anyway.
 */
#ifndef MC_FMATH_H
#define MC_FMATH_H

#include <stdint.h>

/* 2^52: every double at least this large is an integer */
#define MC_FM_INT 4503599627370496.0

static inline double mc_fm_trunc(double x)
{
	/* NaN, infinities and large values are their own integer part */
	if (!(__builtin_fabs(x) < MC_FM_INT))
		return x;
	return __builtin_copysign((double)(int64_t)x, x);
}

static inline double mc_floor(double x)
{
	double t = mc_fm_trunc(x);
	return t > x ? t - 1.0 : t;
}

static inline double mc_ceil(double x)
{
	double t = mc_fm_trunc(x);
	return t < x ? __builtin_copysign(t + 1.0, x) : t;
}

/* Halves away from zero, as round(). */
static inline double mc_round(double x)
{
	double a = __builtin_fabs(x);
	if (!(a < MC_FM_INT))
		return x;
	double t = (double)(int64_t)a;
	/* a - t is exact: the fraction of a double below 2^52 */
	if (a - t >= 0.5)
		t += 1.0;
	return __builtin_copysign(t, x);
}

/* round() as a long; x must be within long's range, as for lround(). */
static inline long mc_lround(double x)
{
	return (long)mc_round(x);
}

/* The remainder of x / y with x's sign, exact, as fmod(). */
double mc_fmod(double x, double y);

/* 10^n for |n| <= 22: exact (every such power is a double) or, for n < 0,
 * 1 / 10^-n correctly rounded.  n is clamped to that range. */
double mc_pow10(int n);

/* The linear value of an sRGB channel 0-255 (WCAG 2.1's relative
 * luminance: c / 12.92, or ((c + 0.055) / 1.055)^2.4). */
double mc_srgb_linear(unsigned v);

#endif
