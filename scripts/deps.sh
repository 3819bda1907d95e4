#!/usr/bin/env bash
# deps.sh [--runtime] [--list | --dry-run] - install the Debian packages
# that mentorconv needs, and only those that are missing.  Safe to run
# again: when everything is installed it touches nothing and needs no
# network.
#
#   scripts/deps.sh            build + test: everything `make check`,
#                              `make bench` and `make fuzz` use (`make deps`)
#   scripts/deps.sh --runtime  only what building mentorconv from source and
#                              converting need: the compiler, pkg-config, the
#                              libraries with their headers, the fonts and the
#                              hyphenation patterns; no checker, LibreOffice,
#                              Java, pandoc, valgrind or clang
#                              (`make deps-runtime`; the CI recipes use it)
#   --list                     print the packages of the chosen set, one a
#                              line, and install nothing
#   --dry-run                  print the packages that are missing, one a
#                              line, and install nothing
#   --ace                      only the Ace step below (tests/group_ace.sh
#                              runs it when Ace is missing)
#
# The full set also installs Ace by DAISY, the EPUB accessibility checker
# of tests/group_ace.sh, when npm is there (Node.js >= 20): the command
# line @daisy/ace-cli at the version pinned in tests/ace/package.json and
# package-lock.json, with `npm ci` into build/ace (never committed; no
# browser download: it drives Debian's chromium, in the package list).
# It costs about 80 MB in build/ace and 15 s on a warm network; chromium
# adds 68 packages and 424 MiB installed to a fresh Debian (tools/deps-size.sh:
# the full set went from 473 packages, 2353 MiB to 541, 2777 MiB; cmake and
# curl, for libzip's source, took it to 551, 2826 MiB).  Without
# npm it is left out with a note, and the Ace tests are skipped.
#
# `make check` and `make demo` run it (the full set) whenever this file
# changes.  tools/deps-size.sh measures what each set adds to a fresh
# Debian bookworm.
set -euo pipefail

# The two lists; the full set is both.
#
# RUNTIME: the build (compiler, make, pkg-config) and the libraries with
# their -dev packages: the front-end's parsers (cmark-gfm, gumbo, libyaml);
# libharu, fontconfig, HarfBuzz (shaping and hb-subset), FriBidi (the
# Unicode bidirectional algorithm), libhyphen, libunibreak, libqrencode,
# libpng, zlib and libdeflate for PDF, qpdf and expat for `mentorconv collect`
# (reading filled PDF and DOCX worksheets back), with the hyphenation patterns of English (US and GB),
# Spanish, German, French, Portuguese (Portugal and Brazil), Italian and
# Dutch (converting a page in one of these languages reads them); libzip
# for EPUB and DOCX; and the fonts the default theme uses: DejaVu, with
# Noto for the scripts it lacks (Noto core: Arabic, Hebrew, Devanagari,
# Thai...; Noto CJK: Chinese, Japanese, Korean) and Symbola for emoji in
# one colour (the colour emoji font cannot be printed in a PDF).  cmake,
# curl and xz-utils fetch and build libzip, HarfBuzz and libharu from
# Debian's source of the same releases (scripts/third_party.sh: linked in,
# so that a run does not load libcrypto, FreeType, GLib and the rest
# behind Debian's shared builds of them).  musl-tools: the static program
# that makes DOCX, EPUB and JSON is built with musl (the Makefile says
# why), bzip2 unpacks qrencode's source for it.
RUNTIME_PACKAGES="build-essential pkg-config cmake curl ca-certificates xz-utils bzip2 musl-tools libcmark-gfm-dev libcmark-gfm-extensions-dev
libgumbo-dev libyaml-dev libzip-dev libhpdf-dev libfontconfig-dev
libharfbuzz-dev libfribidi-dev libhyphen-dev hyphen-en-us hyphen-en-gb hyphen-es hyphen-de hyphen-fr
hyphen-pt-pt hyphen-pt-br hyphen-it hyphen-nl
libunibreak-dev libqrencode-dev libpng-dev zlib1g-dev libdeflate-dev libqpdf-dev libexpat1-dev
fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-symbola"
# TEST: the independent checkers (qpdf, poppler's pdffonts/pdftotext,
# zbarimg for QR codes, epubcheck on a Java runtime, python3-docx,
# python3-pyphen for the hyphenation points, python3-pypdf for the glyphs
# drawn in a PDF, LibreOffice), valgrind, time and strace (the confinement and
# failure-safety tests), unzip (the DOCX tests read its parts), tmux (the
# progress line on a real terminal) and the linter of the CI scripts
# (shellcheck), tesseract with the data of the scripts the OCR test
# reads back from the rendered page, python3-pil (the worksheet tests read
# pixels of the rendered page), and chromium, the headless browser
# Ace by DAISY checks the EPUBs' content documents in.  clang and libxml2 build the libFuzzer targets
# (`make fuzz`).  cmark-gfm (the command), pandoc and weasyprint are only
# for `make bench`'s comparisons.
TEST_PACKAGES="python3 valgrind time strace clang libxml2-dev qpdf poppler-utils
epubcheck default-jre-headless python3-docx python3-pyphen python3-pypdf python3-pil libreoffice-writer-nogui zbar-tools
cmark-gfm pandoc weasyprint unzip tmux shellcheck
tesseract-ocr tesseract-ocr-ara tesseract-ocr-heb tesseract-ocr-chi-sim
tesseract-ocr-jpn tesseract-ocr-hin tesseract-ocr-rus tesseract-ocr-ell
tesseract-ocr-spa tesseract-ocr-deu tesseract-ocr-fra chromium"

usage() {
	awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ACE_DIR=$ROOT/build/ace

# install_ace: Ace by DAISY into build/ace, as pinned (npm ci); nothing
# when that very lock file is installed already.  Returns 1 when npm is
# missing or the install fails.
install_ace() {
	local lock=$ROOT/tests/ace/package-lock.json
	if ! command -v npm >/dev/null 2>&1; then
		echo "deps.sh: npm not found: Ace by DAISY left out (its tests are skipped)"
		return 1
	fi
	if [ -x "$ACE_DIR/node_modules/.bin/ace-cli" ] &&
		cmp -s "$lock" "$ACE_DIR/package-lock.json"; then
		echo "deps.sh: Ace by DAISY is installed ($ACE_DIR)"
		return 0
	fi
	echo "deps.sh: installing Ace by DAISY into $ACE_DIR (npm ci)"
	rm -rf "$ACE_DIR"
	mkdir -p "$ACE_DIR"
	cp "$ROOT/tests/ace/package.json" "$lock" "$ACE_DIR/"
	# no browser download (Debian's chromium is used), no install scripts
	if ! (cd "$ACE_DIR" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts \
		--no-audit --no-fund --loglevel=error </dev/null); then
		echo "deps.sh: npm ci failed: Ace by DAISY not installed" >&2
		rm -rf "$ACE_DIR"
		return 1
	fi
}

# fetch_third_party: Debian's source of libzip, HarfBuzz, libharu,
# qrencode and mimalloc into
# build/third_party (nothing for one that is there).  Without one the
# build uses the system's shared library: a note, not a failure.
fetch_third_party() {
	bash "$ROOT/scripts/third_party.sh" fetch "$ROOT/build/third_party" || true
}

set_name="build and test"
packages="$RUNTIME_PACKAGES $TEST_PACKAGES"
mode=install
ace=yes
for arg in "$@"; do
	case $arg in
	--runtime) set_name="runtime"; packages=$RUNTIME_PACKAGES; ace=no ;;
	--list) mode=list ;;
	--dry-run) mode=dry-run ;;
	--ace) mode=ace ;;
	-h | --help) usage; exit 0 ;;
	*) echo "deps.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
	esac
done
packages=${packages//$'\n'/ }

if [ "$mode" = ace ]; then
	install_ace
	exit
fi

if [ "$mode" = list ]; then
	printf '%s\n' $packages
	exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps.sh: not a Debian-like system (no dpkg-query); install the equivalents of:" >&2
	echo "  $packages" >&2
	exit 1
fi

missing=()
for p in $packages; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ "$mode" = dry-run ]; then
	[ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}"
	exit 0
fi

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps.sh: all $set_name packages are installed"
	fetch_third_party
	if [ $ace = yes ]; then
		# a failed install fails deps.sh; no npm is only a note
		install_ace || ! command -v npm >/dev/null 2>&1
	fi
	exit
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
fetch_third_party
if [ $ace = yes ]; then
	install_ace || ! command -v npm >/dev/null 2>&1
fi
