#!/usr/bin/env bash
# deps.sh - install the Debian packages that building and testing mentorconv
# need, and only those that are missing.  Safe to run again: when everything
# is installed it touches nothing and needs no network.  `make deps` runs it;
# `make check` and `make demo` run it only when pkg-config cannot find the
# libraries.
set -euo pipefail

# One list.  Build: the front-end's parsers; libharu, fontconfig, libhyphen
# with US English patterns, libunibreak, libqrencode, libpng and fonts for
# PDF; libzip for EPUB and DOCX.  Tests: the independent checkers (qpdf,
# poppler's pdffonts/pdftotext, zbarimg for QR codes, epubcheck on a Java
# runtime, python3-docx, LibreOffice), valgrind, time and strace (the
# confinement and failure-safety tests).  clang and libxml2 build the
# libFuzzer targets (`make fuzz`).  cmark-gfm (the command), pandoc and
# weasyprint are only for `make bench`'s comparisons.
PACKAGES="build-essential pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev
libgumbo-dev libyaml-dev libzip-dev libhpdf-dev libfontconfig-dev
libhyphen-dev hyphen-en-us libunibreak-dev libqrencode-dev libpng-dev zlib1g-dev
fonts-dejavu-core
python3 valgrind time strace clang libxml2-dev qpdf poppler-utils epubcheck default-jre-headless
python3-docx libreoffice-writer-nogui zbar-tools cmark-gfm pandoc weasyprint"

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps.sh: not a Debian-like system (no dpkg-query); install the equivalents of:" >&2
	echo "  ${PACKAGES//$'\n'/ }" >&2
	exit 1
fi

missing=()
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps.sh: all build and test packages are installed"
	exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo=(sudo)
	else
		echo "deps.sh: not root and no sudo; as root run:" >&2
		echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
fi

echo "deps.sh: installing ${missing[*]}"
# env, not export: sudo would drop an exported variable.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update </dev/null
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
