/*
 * compat.c - glibc's checked entry points, for the light program.
 *
 * The light program (Makefile: static, with musl) links Debian's own
 * static archives of cmark-gfm, gumbo, libyaml, libdeflate and zlib.
 * Debian compiles them against glibc with _FORTIFY_SOURCE, so some of
 * their calls go to glibc's checked variants (__snprintf_chk & co.),
 * which musl does not have.  Each is given here with glibc's meaning:
 * the call is made, unless the destination is smaller than the length
 * given, which ends the process (glibc's __chk_fail: "buffer overflow
 * detected"), as the checked build meant.  The link names any other
 * that a newer archive needs, rather than running without it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the prototypes, for -Wmissing-prototypes; nothing else calls these */
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...);
int __printf_chk(int flag, const char *fmt, ...);
int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...);
int __snprintf_chk(char *s, size_t n, int flag, size_t slen,
                   const char *fmt, ...);
int __vsnprintf_chk(char *s, size_t n, int flag, size_t slen,
                    const char *fmt, va_list ap);
void *__memset_chk(void *d, int c, size_t n, size_t dlen);

static _Noreturn void chk_fail(void)
{
	static const char msg[] = "*** buffer overflow detected ***: terminated\n";
	(void)!write(STDERR_FILENO, msg, sizeof msg - 1);
	abort();
}

int __fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
	(void)flag;
	va_list ap;
	va_start(ap, fmt);
	int r = vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

int __printf_chk(int flag, const char *fmt, ...)
{
	(void)flag;
	va_list ap;
	va_start(ap, fmt);
	int r = vprintf(fmt, ap);
	va_end(ap);
	return r;
}

int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...)
{
	(void)flag;
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(s, slen, fmt, ap);
	va_end(ap);
	if (r >= 0 && (size_t)r >= slen)
		chk_fail();
	return r;
}

int __vsnprintf_chk(char *s, size_t n, int flag, size_t slen,
                    const char *fmt, va_list ap)
{
	(void)flag;
	if (n > slen)
		chk_fail();
	return vsnprintf(s, n, fmt, ap);
}

int __snprintf_chk(char *s, size_t n, int flag, size_t slen,
                   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = __vsnprintf_chk(s, n, flag, slen, fmt, ap);
	va_end(ap);
	return r;
}

void *__memset_chk(void *d, int c, size_t n, size_t dlen)
{
	if (n > dlen)
		chk_fail();
	return memset(d, c, n);
}
