#!/usr/bin/env bash
# build-course.sh [options] SITE OUTDIR - convert a whole course site: the
# steps of the CI recipes (github-workflow.yml, gitlab-ci.yml), in one
# script that also runs by hand.
#
# SITE is a course site root (holding modules/*/_posts/*.md and, for the
# course book, _data/course.yml).  Into OUTDIR (created if missing) go:
#   pages       every page to each format:  OUTDIR/<module>/<page>.<ext>
#   book        the whole course as one EPUB and one PDF:
#               OUTDIR/course.epub, OUTDIR/course.pdf
#   worksheets  a worksheet pack per module that has activities:
#               OUTDIR/<module>-worksheets.pdf (a module without an
#               activity is skipped with a note, not an error)
#
# Options:
#   --only LIST       what to make, comma-separated: pages, book, worksheets
#                     (default: all three)
#   --formats LIST    page formats (default: pdf,epub,docx)
#   --shard I/N       pages: only the I-th of N shares (parallel CI jobs)
#   --report FILE     pages: mentorconv's JSON report of the page conversions
#   -j, --jobs N      pages: conversions at once (default: the cores)
#   --style NAME|FILE the theme, for every conversion
#   --all-modules     the book: also the modules course.yml leaves out
#   -q, --quiet       no warnings from mentorconv (errors are still shown)
#   -h, --help        show this help
#
# mentorconv is $MENTORCONV if set, else `mentorconv` on the PATH, else
# the one built in the repository this script belongs to.  Every path is
# quoted: spaces and accents in folder, module and page names are fine.
# Exit status: 0 all made, 1 some conversion failed (the others are still
# made), 2 usage error.
set -euo pipefail

me=build-course
usage() {
	awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
}
die_usage() {
	echo "$me: $1 (try --help)" >&2
	exit 2
}

only=pages,book,worksheets
formats=pdf,epub,docx
shard='' report='' jobs='' style='' all_modules='' quiet=''
while [ $# -gt 0 ]; do
	case $1 in
	--only) [ $# -ge 2 ] || die_usage "--only needs a value"; only=$2; shift 2 ;;
	--only=*) only=${1#*=}; shift ;;
	--formats) [ $# -ge 2 ] || die_usage "--formats needs a value"; formats=$2; shift 2 ;;
	--formats=*) formats=${1#*=}; shift ;;
	--shard) [ $# -ge 2 ] || die_usage "--shard needs a value"; shard=$2; shift 2 ;;
	--shard=*) shard=${1#*=}; shift ;;
	--report) [ $# -ge 2 ] || die_usage "--report needs a value"; report=$2; shift 2 ;;
	--report=*) report=${1#*=}; shift ;;
	-j | --jobs) [ $# -ge 2 ] || die_usage "$1 needs a value"; jobs=$2; shift 2 ;;
	--jobs=*) jobs=${1#*=}; shift ;;
	-j[0-9]*) jobs=${1#-j}; shift ;;
	--style) [ $# -ge 2 ] || die_usage "--style needs a value"; style=$2; shift 2 ;;
	--style=*) style=${1#*=}; shift ;;
	--all-modules) all_modules=1; shift ;;
	-q | --quiet) quiet=1; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	-?*) die_usage "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || die_usage "needs SITE and OUTDIR"
site=$1 out=$2

do_pages=0 do_book=0 do_sheets=0
IFS=, read -r -a parts <<<"$only"
[ ${#parts[@]} -gt 0 ] || die_usage "--only is empty"
for p in "${parts[@]}"; do
	case $p in
	pages) do_pages=1 ;;
	book) do_book=1 ;;
	worksheets) do_sheets=1 ;;
	*) die_usage "--only: unknown part '$p' (pages, book, worksheets)" ;;
	esac
done

# mentorconv: $MENTORCONV, the PATH, or this repository's build
if [ -n "${MENTORCONV:-}" ]; then
	mc=$MENTORCONV
elif command -v mentorconv >/dev/null 2>&1; then
	mc=$(command -v mentorconv)
else
	mc="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/mentorconv"
fi
if [ ! -x "$mc" ] && ! command -v "$mc" >/dev/null 2>&1; then
	echo "$me: no mentorconv: set MENTORCONV, put it on the PATH or build it (make)" >&2
	exit 2
fi

if [ ! -d "$site" ]; then
	echo "$me: $site: not a folder" >&2
	exit 2
fi
site=${site%/}
[ -n "$site" ] || site=/
if ! mkdir -p -- "$out"; then
	echo "$me: cannot make the output folder $out" >&2
	exit 1
fi

common=()
[ -n "$quiet" ] && common+=(-q)
[ -n "$style" ] && common+=(--style "$style")

shopt -s nullglob
pages=("$site"/modules/*/_posts/*.md)
modules=()
for d in "$site"/modules/*/_posts; do
	modules+=("$(basename "$(dirname "$d")")")
done
shopt -u nullglob

rc=0
failed() { # WHAT: note a failure, go on
	echo "$me: FAILED: $1" >&2
	rc=1
}

if [ $do_pages -eq 1 ]; then
	if [ ${#pages[@]} -eq 0 ]; then
		failed "no pages: $site/modules/*/_posts/*.md matches nothing"
	else
		args=("${common[@]}" -d "$out" -t "$formats")
		[ -n "$jobs" ] && args+=(-j "$jobs")
		[ -n "$shard" ] && args+=(--shard "$shard")
		[ -n "$report" ] && args+=(--report "$report")
		echo "$me: pages: ${#pages[@]} pages${shard:+ (share $shard)} to $formats in $out/<module>/"
		"$mc" "${args[@]}" -- "${pages[@]}" || failed "pages (see the messages above)"
	fi
fi

if [ $do_book -eq 1 ]; then
	if [ ! -f "$site/_data/course.yml" ]; then
		echo "$me: book: $site has no _data/course.yml: no course book"
	else
		args=("${common[@]}")
		[ -n "$all_modules" ] && args+=(--all-modules)
		for ext in epub pdf; do
			echo "$me: book: $out/course.$ext"
			"$mc" "${args[@]}" -o "$out/course.$ext" -- "$site" || failed "book $out/course.$ext"
		done
	fi
fi

if [ $do_sheets -eq 1 ]; then
	err=$(mktemp)
	trap 'rm -f "$err"' EXIT
	for m in "${modules[@]}"; do
		dest="$out/$m-worksheets.pdf"
		if "$mc" "${common[@]}" --worksheets -o "$dest" -- "$site/modules/$m" 2>"$err"; then
			cat "$err" >&2
			echo "$me: worksheets: $dest"
		elif grep -q 'no activity to make a worksheet of' "$err"; then
			echo "$me: worksheets: module $m has no activity: no pack"
		else
			cat "$err" >&2
			failed "worksheets $dest"
		fi
	done
fi

exit $rc
