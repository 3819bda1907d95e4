#!/usr/bin/env bash
# bench_epub.sh BINARY BENCHDIR SHARED - EPUB figures for `make bench`.
#
# Milliseconds per corpus page for `mentorconv PAGE -o PAGE.epub` (each
# page converted 5 times, the mean), beside `pandoc -s PAGE -o PAGE.epub`
# on the same pages in the same run (once each: it is slow), and the
# ratio.  Prints figures and judges nothing.
set -u
BIN=$1 B=$2 SHARED=$3
out=$(cd "$B" && pwd)/epub
mkdir -p "$out"
pages=()
if [ -d "$SHARED/corpus" ]; then
	while IFS= read -r f; do pages+=("$f"); done \
		< <(find "$SHARED/corpus" -name '*.md' -type f -path '*/_posts/*' | LC_ALL=C sort)
fi
[ -f "$SHARED/seed/what-is-mentoring.md" ] && pages+=("$SHARED/seed/what-is-mentoring.md")
if [ ${#pages[@]} -eq 0 ]; then
	echo "  epub: no corpus pages ($SHARED/corpus not found)"
	exit 0
fi
row() { printf '  %-44s %14s  %s\n' "$1" "$2" "$3"; }
reps=5
: >"$out/mc.err"
t0=$(date +%s%N)
for r in $(seq $reps); do
	for f in "${pages[@]}"; do
		"$BIN" "$f" -o "$out/mc.epub" 2>>"$out/mc.err" || {
			echo "bench_epub: $f failed" >&2
			exit 1
		}
	done
done
t1=$(date +%s%N)
mc_us=$(((t1 - t0) / 1000 / (reps * ${#pages[@]})))
fmt_ms() { awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'; }
row "EPUB: mentorconv PAGE -o PAGE.epub" "$(fmt_ms "$mc_us")" "mean of ${#pages[@]} pages x $reps (whole process)"
t0=$(date +%s%N)
for r in $(seq $reps); do
	for f in "${pages[@]}"; do
		"$BIN" "$f" -t epub >"$out/mc-stdout.epub" 2>>"$out/mc.err" || exit 1
	done
done
t1=$(date +%s%N)
so_us=$(((t1 - t0) / 1000 / (reps * ${#pages[@]})))
row "EPUB: mentorconv PAGE -t epub > PAGE.epub" "$(fmt_ms "$so_us")" "the same, to standard output (no fsync)"
# in-process: parse + render only, without process start-up and the
# CLI's fsync of the output file
if make -s build/rel/tests/unit_epub >/dev/null 2>&1 &&
	r=$(build/rel/tests/unit_epub --bench "${pages[@]}" 2>/dev/null); then
	read -r parse_ms render_ms nruns <<<"$r"
	row "EPUB: in process, parse + render" \
		"$(awk -v a="$parse_ms" -v b="$render_ms" 'BEGIN { printf "%.2f ms", a + b }')" \
		"mean of $nruns runs: front-end $parse_ms ms, EPUB backend $render_ms ms"
fi
if command -v pandoc >/dev/null 2>&1; then
	t0=$(date +%s%N)
	nok=0
	for f in "${pages[@]}"; do
		# pandoc resolves images relative to the working directory
		(cd "$(dirname "$f")" && pandoc -s "$(basename "$f")" -o "$out/pd.epub") \
			>/dev/null 2>&1 && nok=$((nok + 1))
	done
	t1=$(date +%s%N)
	pd_us=$(((t1 - t0) / 1000 / ${#pages[@]}))
	echo "$pd_us" >"$B/pandoc_epub.us" # for bench_batch.sh
	row "EPUB: pandoc -s PAGE -o PAGE.epub" "$(fmt_ms "$pd_us")" "mean of ${#pages[@]} pages x 1 ($nok exit 0)"
	row "EPUB: pandoc time / mentorconv time" "" \
		"$(awk -v a="$pd_us" -v b="$mc_us" 'BEGIN { if (b > 0) printf "%.0fx", a / b; else print "n/a" }') (whole process, -o)"
	row "EPUB: pandoc time / mentorconv to stdout" "" \
		"$(awk -v a="$pd_us" -v b="$so_us" 'BEGIN { if (b > 0) printf "%.0fx", a / b; else print "n/a" }') (whole process, no fsync)"
	if [ -n "${parse_ms:-}" ]; then
		row "EPUB: pandoc time / in-process time" "" \
			"$(awk -v a="$pd_us" -v p="$parse_ms" -v r="$render_ms" 'BEGIN { printf "%.0fx", a / 1000 / (p + r) }')"
	fi
else
	row "EPUB: pandoc" "n/a" "(not installed: make deps)"
fi
