#!/usr/bin/env bash
# third_party.sh fetch DIR | build NAME TARBALL DIR - the libraries the
# program and its PDF module link statically, built from Debian's own
# source of the release the system has.
#
# Every mapped shared library costs a run its loading and relocation, and
# some of Debian's bring more behind them, for features mentorconv never
# uses:
#   libzip    Debian's libzip.so loads libcrypto (WinZip AES: 3,000 PLT and
#             17,000 relative relocations) and libbz2: about 0.9 ms of a
#             one-line EPUB or DOCX's 2.4.  Built with deflate only (zlib);
#             the program links it.
#   harfbuzz  Debian's libharfbuzz.so loads FreeType (with libpng and
#             brotli), GLib (with PCRE2) and Graphite2: 0.40 of the 0.46 ms
#             it takes to load.  mentorconv shapes and subsets with
#             HarfBuzz's own OpenType functions and Unicode data, so it is
#             built with none of them (the amalgamated harfbuzz-subset.cc:
#             shaping and hb-subset in one object); the PDF module links it.
#   libharu   libhpdf.so loads libpng (never used: images are embedded by
#             src/back/pdf, not by libharu) and its own zlib: 0.2 ms.
#             Built without libpng; the PDF module links it, with zlib.
# and, for the static program built with musl (the Makefile's light
# build: glibc's start alone costs 0.5 ms of CPU in a virtual machine,
# musl's 0.04; see the Makefile):
#   libzip    again, compiled with musl-gcc;
#   qrencode  QR codes (Debian ships no static archive of it, and a static
#             program cannot load libqrencode.so);
#   mimalloc  the allocator of the static program: musl's own maps and
#             unmaps every block of 128 KiB or more (50 mmap and 45
#             munmap calls a corpus DOCX) and made the program's own work
#             take 1.9 times as long as with glibc's malloc.
# Without a tarball (no network) the build links the system's library as
# before: slower to start, the same output.
#
#   fetch DIR          download each library's source tarball into DIR
#                      and check its SHA-256 (scripts/deps.sh runs it;
#                      nothing to do, and no network, for one that is
#                      there); one that cannot be fetched is a note
#   build NAME TARBALL DIR
#                      unpack and build NAME into DIR/lib/*.a and
#                      DIR/include (the Makefile runs it; CC, CXX and
#                      CFLAGS from the environment, so the hardening flags
#                      of the program apply to it too)
set -euo pipefail

NAMES="libzip harfbuzz libharu qrencode mimalloc"
MIRROR=${MC_DEBIAN_MIRROR:-https://deb.debian.org/debian}

# info NAME: Debian bookworm's release of NAME: VERSION, the TARBALL's name
# and the SHA-256 its .dsc gives, and its folder in the pool.
info() {
	case $1 in
	libzip) # 1.7.3-1
		VERSION=1.7.3 TARBALL=libzip_1.7.3.orig.tar.xz POOL=libz/libzip
		SHA256=a60473ffdb7b4260c08bfa19c2ccea0438edac11193c3afbbb1f17fbcf6c6132 ;;
	harfbuzz) # 6.0.0+dfsg-3 (its one patch is to the tests)
		VERSION=6.0.0 TARBALL=harfbuzz_6.0.0+dfsg.orig.tar.xz POOL=h/harfbuzz
		SHA256=89266cb363e49b6aa999eda04ca25b0d234a69ad9304679631371f4697652368 ;;
	libharu) # 2.3.0+dfsg-1 (its one patch: the version, below)
		VERSION=2.3.0 TARBALL=libharu_2.3.0+dfsg.orig.tar.xz POOL=libh/libharu
		SHA256=87e8269d4b1b333a6e44168b4209bc6442ae3a11557cc8dc386fed65400bd34e ;;
	qrencode) # 4.1.1-1
		VERSION=4.1.1 TARBALL=qrencode_4.1.1.orig.tar.bz2 POOL=q/qrencode
		SHA256=e455d9732f8041cf5b9c388e345a641fd15707860f928e94507b1961256a6923 ;;
	mimalloc) # 2.0.9+ds-2 (no patches to the library)
		VERSION=2.0.9 TARBALL=mimalloc_2.0.9+ds.orig.tar.xz POOL=m/mimalloc
		SHA256=cbc9d207ff105ad1f0cb739c378076143a6452b8d0624309cea0abfb040e972b ;;
	*) echo "third_party.sh: unknown library '$1' (one of: $NAMES)" >&2; exit 2 ;;
	esac
	URL=$MIRROR/pool/main/$POOL/$TARBALL
}

sum_ok() {
	[ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$SHA256" ]
}

# fetch_one NAME DIR
fetch_one() {
	local dir=$2 tmp
	info "$1"
	if sum_ok "$dir/$TARBALL"; then
		echo "third_party.sh: $dir/$TARBALL is there"
		return 0
	fi
	echo "third_party.sh: fetching $URL"
	tmp=$(mktemp "$dir/.fetch.XXXXXX")
	if ! curl -fsSL --retry 3 -o "$tmp" "$URL"; then
		rm -f "$tmp"
		echo "third_party.sh: cannot download $URL; the build will load the system's $1 (slower start)" >&2
		return 1
	fi
	if ! sum_ok "$tmp"; then
		rm -f "$tmp"
		echo "third_party.sh: $URL does not have the SHA-256 $SHA256; not used" >&2
		return 1
	fi
	chmod 644 "$tmp"
	mv "$tmp" "$dir/$TARBALL"
}

fetch() {
	local dir=$1 name rc=0
	mkdir -p "$dir"
	for name in $NAMES; do
		fetch_one "$name" "$dir" || rc=1
	done
	return $rc
}

# deflate (zlib) only: no encryption backend, no bzip2, xz or zstd; no
# tools, tests, examples or manuals
build_libzip() {
	local src=$1 out=$2
	command -v cmake >/dev/null 2>&1 || {
		echo "third_party.sh: cmake not found (scripts/deps.sh --runtime installs it)" >&2
		return 1
	}
	cmake -S "$src" -B b \
		-DCMAKE_BUILD_TYPE=None \
		-DCMAKE_C_COMPILER="${CC:-cc}" \
		-DCMAKE_C_FLAGS="${CFLAGS:--O2}" \
		-DCMAKE_POSITION_INDEPENDENT_CODE=ON \
		-DCMAKE_INSTALL_PREFIX="$out" \
		-DCMAKE_INSTALL_LIBDIR=lib \
		-DBUILD_SHARED_LIBS=OFF \
		-DENABLE_COMMONCRYPTO=OFF -DENABLE_GNUTLS=OFF -DENABLE_MBEDTLS=OFF \
		-DENABLE_OPENSSL=OFF -DENABLE_WINDOWS_CRYPTO=OFF \
		-DENABLE_BZIP2=OFF -DENABLE_LZMA=OFF -DENABLE_ZSTD=OFF \
		-DBUILD_TOOLS=OFF -DBUILD_REGRESS=OFF -DBUILD_EXAMPLES=OFF \
		-DBUILD_DOC=OFF ${ZLIB_A:+-DZLIB_LIBRARY="$ZLIB_A"} \
		${ZLIB_INC:+-DZLIB_INCLUDE_DIR="$ZLIB_INC"} >cmake.log 2>&1 &&
		cmake --build b --target zip -j "$(nproc)" >build.log 2>&1 &&
		cmake --install b >install.log 2>&1
}

# One object from the amalgamated source, with the flags and the
# configuration HarfBuzz's meson build gives on glibc (no exceptions, RTTI
# or thread-safe statics: it needs no libstdc++), and no FreeType, GLib,
# ICU, Graphite2 or Cairo: its own font functions and Unicode data (hb-ucd).
build_harfbuzz() {
	local src=$1 out=$2
	mkdir -p "$out/lib" "$out/include/harfbuzz"
	# shellcheck disable=SC2086 # CFLAGS is a list of flags
	"${CXX:-c++}" ${CFLAGS:--O2} -std=c++11 -fno-exceptions -fno-rtti \
		-fno-threadsafe-statics -fvisibility-inlines-hidden \
		-DHAVE_PTHREAD=1 -DHAVE_UNISTD_H=1 -DHAVE_SYS_MMAN_H=1 \
		-DHAVE_STDBOOL_H=1 -DHAVE_ATEXIT=1 -DHAVE_MPROTECT=1 \
		-DHAVE_SYSCONF=1 -DHAVE_GETPAGESIZE=1 -DHAVE_MMAP=1 -DHAVE_ISATTY=1 \
		-DHAVE_USELOCALE=1 -DHAVE_NEWLOCALE=1 \
		-c "$src/src/harfbuzz-subset.cc" -o harfbuzz.o >build.log 2>&1 &&
		ar rcs "$out/lib/libharfbuzz.a" harfbuzz.o &&
		cp "$src"/src/hb*.h "$out/include/harfbuzz/"
}

# Every source file of libhpdf, with the configuration Debian's build
# finds (hpdf_config.h) less libpng: LIBHPDF_HAVE_NOPNGLIB leaves out
# libharu's PNG loading, which mentorconv never calls.
build_libharu() {
	local src=$1 out=$2 f
	mkdir -p "$out/lib" "$out/include" o
	cp "$src"/include/*.h "$out/include/"
	# Debian's one patch (fix-version.diff): the release is 2.3.0, not
	# 2.3.0RC2, as its PDFs' /Producer says
	sed -i -e 's/^#define HPDF_EXTRA_VERSION "RC2"$/#define HPDF_EXTRA_VERSION ""/' \
		-e 's/^#define HPDF_VERSION_TEXT "2.3.0RC2"$/#define HPDF_VERSION_TEXT "2.3.0"/' \
		"$out/include/hpdf_version.h"
	grep -q '^#define HPDF_VERSION_TEXT "2.3.0"$' "$out/include/hpdf_version.h"
	cat >"$out/include/hpdf_config.h" <<'CFG'
/* libharu's configuration for mentorconv (scripts/third_party.sh) */
#ifndef _INCLUDE_HPDF_CONFIG_H
#define _INCLUDE_HPDF_CONFIG_H 1
#define LIBHPDF_HAVE_DLFCN_H 1
#define LIBHPDF_HAVE_INTTYPES_H 1
#define LIBHPDF_HAVE_LIBZ 1
#define LIBHPDF_HAVE_MEMORY_H 1
#define LIBHPDF_HAVE_STDINT_H 1
#define LIBHPDF_HAVE_STDLIB_H 1
#define LIBHPDF_HAVE_STRINGS_H 1
#define LIBHPDF_HAVE_STRING_H 1
#define LIBHPDF_HAVE_SYS_STAT_H 1
#define LIBHPDF_HAVE_SYS_TYPES_H 1
#define LIBHPDF_HAVE_UNISTD_H 1
#define LIBHPDF_HAVE_NOPNGLIB 1
#define HPDF_NOPNGLIB 1
#endif
CFG
	for f in "$src"/src/*.c; do
		# shellcheck disable=SC2086 # CFLAGS is a list of flags
		"${CC:-cc}" ${CFLAGS:--O2} -I"$out/include" -c "$f" \
			-o "o/$(basename "$f" .c).o" >>build.log 2>&1 || return 1
	done
	ar rcs "$out/lib/libhpdf.a" o/*.o
}

# The library's sources, as Debian's build compiles them (its
# Makefile.am's libqrencode_la_SOURCES), with the configuration its
# configure finds on Linux: thread-safe Reed-Solomon tables (pthread).
build_qrencode() {
	local src=$1 out=$2 f
	mkdir -p "$out/lib" "$out/include" o
	for f in bitstream mask mmask mqrspec qrencode qrinput qrspec rsecc split; do
		# shellcheck disable=SC2086 # CFLAGS is a list of flags
		"${CC:-cc}" ${CFLAGS:--O2} -DSTATIC_IN_RELEASE=static \
			-DHAVE_LIBPTHREAD=1 -DHAVE_STRDUP=1 -DMAJOR_VERSION=4 \
			-DMINOR_VERSION=1 -DMICRO_VERSION=1 -DVERSION='"4.1.1"' \
			-c "$src/$f.c" -o "o/$f.o" >>build.log 2>&1 || return 1
	done
	ar rcs "$out/lib/libqrencode.a" o/*.o
	cp "$src/qrencode.h" "$out/include/"
}

# One object (its own src/static.c) that defines malloc, free & co.
# (MI_MALLOC_OVERRIDE): linked into a static program, it is the
# program's allocator and libc's, and musl's is left out.
build_mimalloc() {
	local src=$1 out=$2
	mkdir -p "$out/lib"
	# shellcheck disable=SC2086 # CFLAGS is a list of flags
	"${CC:-cc}" ${CFLAGS:--O2} -DNDEBUG -DMI_MALLOC_OVERRIDE \
		-I"$src/include" -c "$src/src/static.c" \
		-o "$out/lib/mimalloc.o" >build.log 2>&1
}

build() {
	local name=$1 tarball=$2 dir=$3 work top
	info "$name"
	sum_ok "$tarball" || {
		echo "third_party.sh: $tarball: not $name $VERSION (SHA-256)" >&2
		exit 1
	}
	# libzip's zlib, for the light program (the Makefile): its headers'
	# folder, from where the build is run
	if [ -n "${ZLIB_INC:-}" ]; then
		ZLIB_INC=$(cd "$ZLIB_INC" && pwd)
	fi
	work=$dir.work
	rm -rf "$work" "$dir"
	mkdir -p "$work" "$dir"
	dir=$(cd "$dir" && pwd)
	tar -xf "$tarball" -C "$work"
	top=$(cd "$work" && find . -mindepth 1 -maxdepth 1 -type d | head -n 1)
	(cd "$work" && "build_$name" "$(pwd)/$top" "$dir") || {
		echo "third_party.sh: building $name failed; see $work/*.log" >&2
		rm -rf "$dir"
		exit 1
	}
	rm -rf "$work"
}

case ${1:-} in
fetch) [ $# -eq 2 ] || { echo "usage: third_party.sh fetch DIR" >&2; exit 2; }; fetch "$2" ;;
build) [ $# -eq 4 ] || { echo "usage: third_party.sh build NAME TARBALL DIR" >&2; exit 2; }; build "$2" "$3" "$4" ;;
*) echo "usage: third_party.sh fetch DIR | build NAME TARBALL DIR" >&2; exit 2 ;;
esac
