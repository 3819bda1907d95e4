#!/usr/bin/env bash
# bench_batch.sh BINARY BENCHDIR SHARED - batch and whole-course figures for
# `make bench` (run last by tests/bench.sh).
#
#   1. every corpus page to each format in one process (-d, -j 1 and -j 2):
#      total, milliseconds per page, input MB/s, peak RSS; and next to it
#      pandoc's mean per page (measured by bench_<fmt>.sh in the same run,
#      left in BENCHDIR/pandoc_<fmt>.us) with the ratio;
#   2. every corpus page to all three formats at once, -j 2;
#   3. the whole course as one document, per format: time and peak RSS;
#   4. the corpus bodies as one document, once and repeated to 10 MB and
#      more (BENCHDIR/big.md from bench.sh): time, MB/s, peak RSS, and how
#      the time grows with 10x the input.
# Prints figures and judges nothing.
set -u
BIN=$1 B=$2 SHARED=$3
C=$SHARED/corpus/connectedlib
row() { printf '  %-44s %14s  %s\n' "$1" "$2" "$3"; }
if [ ! -d "$C" ]; then
	echo "batch: no course at $C (skipped)"
	exit 0
fi
TIME=/usr/bin/time
[ -x "$TIME" ] || TIME=""
pages=()
while IFS= read -r f; do pages+=("$f"); done < <(find "$SHARED/corpus" -path '*/_posts/*.md' -type f | LC_ALL=C sort)
n=${#pages[@]}
in_bytes=$(cat "${pages[@]}" | wc -c)
export SOURCE_DATE_EPOCH=1700000000

# run OUT_PREFIX CMD...: time CMD (wall, microseconds) into $us and its
# peak RSS (KiB) into $kb
run() {
	local t0 t1
	rm -rf "$B/batch-out"
	t0=$(date +%s%N)
	if [ -n "$TIME" ]; then
		"$TIME" -f %M -o "$B/rss" "$@" >/dev/null 2>"$B/batch.err" || { echo "bench_batch: $* failed" >&2; tail -n 3 "$B/batch.err" >&2; }
		kb=$(tail -n 1 "$B/rss")
	else
		"$@" >/dev/null 2>"$B/batch.err"
		kb="n/a"
	fi
	t1=$(date +%s%N)
	us=$(((t1 - t0) / 1000))
}
# best3 CMD...: the best of 3 runs
best3() {
	local b=0 bk=0 i
	for i in 1 2 3; do
		run "$@"
		if [ $i -eq 1 ] || [ $us -lt $b ]; then b=$us bk=$kb; fi
	done
	us=$b kb=$bk
}
ms() { awk -v u="$1" 'BEGIN { printf "%.1f ms", u / 1000 }'; }
mbs() { awk -v u="$1" -v b="$2" 'BEGIN { printf "%.2f MB/s", b / u }'; }
mib() { awk -v k="$1" 'BEGIN { if (k == "n/a") print k; else printf "%.1f MiB", k / 1024 }'; }

echo "Batch: $n corpus pages ($(awk -v b="$in_bytes" 'BEGIN { printf "%.2f", b / 1e6 }') MB) in one process"
for fmt in pdf epub docx; do
	for j in 1 2; do
		best3 "$BIN" -q -d "$B/batch-out" -t $fmt -j $j "${pages[@]}"
		per=$((us / n))
		row "$fmt: -d OUT -t $fmt -j $j, $n pages" "$(ms $us)" "$(ms $per) per page, $(mbs $us "$in_bytes"), peak RSS $(mib "$kb")"
		if [ $j -eq 1 ]; then per1=$per; fi
	done
	if [ -s "$B/pandoc_$fmt.us" ]; then
		pd=$(cat "$B/pandoc_$fmt.us")
		what="pandoc"
		[ $fmt = pdf ] && what="pandoc+weasyprint"
		row "$fmt: $what per page / ours (-j 1, -j 2)" "$(ms "$pd")" \
			"$(awk -v a="$pd" -v b="$per1" -v c="$per" 'BEGIN { printf "%.1fx, %.1fx", a / b, a / c }')"
	fi
done
best3 "$BIN" -q -d "$B/batch-out" -t pdf,epub,docx -j 2 "${pages[@]}"
row "all three formats, -j 2, $n pages" "$(ms $us)" "$(ms $((us / n))) per page, peak RSS $(mib "$kb")"

echo
echo "Whole course ($C) as one document"
for fmt in pdf epub docx; do
	best3 "$BIN" -q "$C" -o "$B/course.$fmt"
	row "course -> $fmt" "$(ms $us)" "peak RSS $(mib "$kb"), $(stat -c %s "$B/course.$fmt") bytes"
done
best3 "$BIN" -q "$C/modules/mentoring" -o "$B/mentoring.pdf"
row "mentoring module -> pdf" "$(ms $us)" "peak RSS $(mib "$kb")"

if [ -f "$B/big.md" ] && [ -f "$B/bodies.md" ]; then
	big=$(stat -c %s "$B/big.md")
	one=$(stat -c %s "$B/bodies.md")
	# ten copies of the bodies, to compare with one copy at equal shape
	for i in 1 2 3 4 5 6 7 8 9 10; do cat "$B/bodies.md"; done >"$B/ten.md"
	ten=$(stat -c %s "$B/ten.md")
	echo
	echo "One big document: corpus bodies x1 ($(awk -v b="$one" 'BEGIN { printf "%.2f", b / 1e6 }') MB), x10 ($(awk -v b="$ten" 'BEGIN { printf "%.2f", b / 1e6 }') MB), big.md ($(awk -v b="$big" 'BEGIN { printf "%.2f", b / 1e6 }') MB)"
	for fmt in pdf epub docx; do
		run "$BIN" -q "$B/bodies.md" -o "$B/one.$fmt"
		u1=$us
		run "$BIN" -q "$B/ten.md" -o "$B/ten.$fmt"
		u10=$us k10=$kb
		run "$BIN" -q "$B/big.md" -o "$B/big.$fmt"
		row "$fmt: big.md" "$(ms $us)" "$(mbs $us "$big"), peak RSS $(mib "$kb")"
		row "$fmt: x10 time / x1 time" "$(ms $u10)" "$(awk -v a="$u10" -v b="$u1" 'BEGIN { printf "%.2fx for 10x the input", a / b }'), peak RSS $(mib "$k10")"
	done
fi
rm -rf "$B/batch-out"
