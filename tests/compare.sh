#!/bin/bash
# compare.sh - convert the same inputs with two builds and compare the
# outputs byte for byte: what a change does to every output.
#
#   tests/compare.sh BASE_BIN NEW_BIN SHARED [OUTDIR]
#
# BASE_BIN and NEW_BIN are two mentorconv binaries; SHARED is the folder
# holding seed/ and corpus/ (the course).  Converts, to json, pdf, epub
# and docx: the seed page, every corpus page, the mentoring module, the
# course root, the module's --worksheets (also with each format option,
# and two refused), and every fixtures/*.md and fixtures/dialect/*.md
# (run from the repository root).  Exit status 0
# when every output (and every exit status) is identical; otherwise the
# differing outputs are listed and kept in OUTDIR/{base,new}.
set -u
if [ $# -lt 3 ]; then
	echo "usage: $0 BASE_BIN NEW_BIN SHARED [OUTDIR]" >&2
	exit 2
fi
base=$1 new=$2 shared=$3
out=${4:-$(mktemp -d)}
mkdir -p "$out/base" "$out/new"
export SOURCE_DATE_EPOCH=1700000000
course=$shared/corpus/connectedlib
module=$course/modules/mentoring

inputs=("$shared/seed/what-is-mentoring.md")
inputs+=("$course"/modules/*/_posts/*.md)
inputs+=("$module" "$course")
inputs+=(fixtures/*.md fixtures/dialect/*.md)

n=0 bad=0
# one conversion with both binaries: $1 a name for the outputs, $2 the
# format, then the arguments
one() {
	local name=$1 fmt=$2
	shift 2
	local b=$out/base/$name.$fmt w=$out/new/$name.$fmt rb rw
	"$base" "$@" -t "$fmt" -o "$b" >"$b.err" 2>&1
	rb=$?
	"$new" "$@" -t "$fmt" -o "$w" >"$w.err" 2>&1
	rw=$?
	n=$((n + 1))
	if [ $rb -ne $rw ]; then
		echo "DIFF $name.$fmt: exit $rb vs $rw"
		bad=$((bad + 1))
	elif ! cmp -s "$b" "$w" 2>/dev/null && [ -e "$b" -o -e "$w" ]; then
		echo "DIFF $name.$fmt"
		bad=$((bad + 1))
	elif ! cmp -s "$b.err" "$w.err"; then
		echo "DIFF $name.$fmt: messages differ"
		bad=$((bad + 1))
	else
		rm -f "$b" "$w" "$b.err" "$w.err"
	fi
}

for f in "${inputs[@]}"; do
	name=$(printf '%s' "$f" | sed 's|^\.*/*||; s|[/ ]|_|g')
	for fmt in json pdf epub docx; do
		one "$name" "$fmt" "$f"
	done
done
for fmt in json pdf epub docx; do
	one "worksheets_mentoring" "$fmt" --worksheets "$module"
done
# the format options, and one refused
one "ws_duplex" pdf --worksheets --duplex "$module"
one "ws_no_fields" pdf --worksheets --no-fields "$module"
one "ws_no_tags" pdf --no-tags "$module"
one "ws_protect" docx --worksheets --protect "$module"
one "ws_legacy" docx --worksheets --fields=legacy "$module"
one "ws_legacy_protect" docx --fields=content-controls --protect \
	--fields=legacy "$module"
one "refused_protect" pdf --protect "$module"
one "refused_duplex" epub --duplex "$module"

if [ $bad -eq 0 ]; then
	echo "compare: $n outputs, all identical"
	rm -rf "$out"
	exit 0
fi
echo "compare: $n outputs, $bad differ (kept in $out)"
exit 1
