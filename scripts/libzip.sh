#!/usr/bin/env bash
# libzip.sh fetch DIR | build TARBALL DIR - libzip as the program links it.
#
# EPUB and DOCX are written with libzip.  Debian's libzip.so is built with
# WinZip AES encryption (libcrypto) and bzip2: loading it maps and
# relocates libcrypto (3,000 PLT and 17,000 relative relocations) in every
# EPUB or DOCX run, about 0.9 ms of a one-line page's 2.4, for features
# mentorconv never uses.  So the program links a static libzip built from
# Debian's own source of the same release, with deflate only (zlib), and
# the system's libzip.so is only the fallback (src/util/zip.c, dlopen)
# when that source is not there.
#
#   fetch DIR          download Debian's libzip source tarball into DIR
#                      and check its SHA-256 (scripts/deps.sh runs it;
#                      nothing to do, and no network, when it is there)
#   build TARBALL DIR  unpack and build it into DIR/lib/libzip.a and
#                      DIR/include (the Makefile runs it; CC and CFLAGS
#                      from the environment, so the hardening flags of
#                      the program apply to it too)
set -euo pipefail

# Debian bookworm's libzip (1.7.3-1): the tarball's name and the SHA-256
# its .dsc gives.
VERSION=1.7.3
TARBALL=libzip_$VERSION.orig.tar.xz
SHA256=a60473ffdb7b4260c08bfa19c2ccea0438edac11193c3afbbb1f17fbcf6c6132
URL=${MC_DEBIAN_MIRROR:-https://deb.debian.org/debian}/pool/main/libz/libzip/$TARBALL

sum_ok() {
	[ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$SHA256" ]
}

fetch() {
	local dir=$1
	mkdir -p "$dir"
	if sum_ok "$dir/$TARBALL"; then
		echo "libzip.sh: $dir/$TARBALL is there"
		return 0
	fi
	echo "libzip.sh: fetching $URL"
	local tmp
	tmp=$(mktemp "$dir/.fetch.XXXXXX")
	if ! curl -fsSL --retry 3 -o "$tmp" "$URL"; then
		rm -f "$tmp"
		echo "libzip.sh: cannot download $URL; EPUB and DOCX will use the system's libzip.so (slower start)" >&2
		return 1
	fi
	if ! sum_ok "$tmp"; then
		rm -f "$tmp"
		echo "libzip.sh: $URL does not have the SHA-256 $SHA256; not used" >&2
		return 1
	fi
	chmod 644 "$tmp"
	mv "$tmp" "$dir/$TARBALL"
}

build() {
	local tarball=$1 dir=$2
	sum_ok "$tarball" || {
		echo "libzip.sh: $tarball: not libzip $VERSION (SHA-256)" >&2
		exit 1
	}
	command -v cmake >/dev/null 2>&1 || {
		echo "libzip.sh: cmake not found (scripts/deps.sh --runtime installs it)" >&2
		exit 1
	}
	local work=$dir.work
	rm -rf "$work" "$dir"
	mkdir -p "$work" "$dir"
	dir=$(cd "$dir" && pwd)
	tar -xJf "$tarball" -C "$work"
	# deflate (zlib) only: no encryption backend, no bzip2, xz or zstd;
	# no tools, tests, examples or manuals
	(cd "$work" && cmake -S "libzip-$VERSION" -B b \
		-DCMAKE_BUILD_TYPE=None \
		-DCMAKE_C_COMPILER="${CC:-cc}" \
		-DCMAKE_C_FLAGS="${CFLAGS:--O2}" \
		-DCMAKE_POSITION_INDEPENDENT_CODE=ON \
		-DCMAKE_INSTALL_PREFIX="$dir" \
		-DCMAKE_INSTALL_LIBDIR=lib \
		-DBUILD_SHARED_LIBS=OFF \
		-DENABLE_COMMONCRYPTO=OFF -DENABLE_GNUTLS=OFF -DENABLE_MBEDTLS=OFF \
		-DENABLE_OPENSSL=OFF -DENABLE_WINDOWS_CRYPTO=OFF \
		-DENABLE_BZIP2=OFF -DENABLE_LZMA=OFF -DENABLE_ZSTD=OFF \
		-DBUILD_TOOLS=OFF -DBUILD_REGRESS=OFF -DBUILD_EXAMPLES=OFF \
		-DBUILD_DOC=OFF >cmake.log 2>&1 &&
		cmake --build b --target zip -j "$(nproc)" >build.log 2>&1 &&
		cmake --install b >install.log 2>&1) || {
		echo "libzip.sh: building libzip failed; see $work/*.log" >&2
		rm -rf "$dir"
		exit 1
	}
	rm -rf "$work"
}

case ${1:-} in
fetch) [ $# -eq 2 ] || { echo "usage: libzip.sh fetch DIR" >&2; exit 2; }; fetch "$2" ;;
build) [ $# -eq 3 ] || { echo "usage: libzip.sh build TARBALL DIR" >&2; exit 2; }; build "$2" "$3" ;;
*) echo "usage: libzip.sh fetch DIR | build TARBALL DIR" >&2; exit 2 ;;
esac
