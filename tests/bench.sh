#!/usr/bin/env bash
# bench.sh - `make bench`: how fast is mentorconv, next to cmark-gfm?
#
# Builds ./mentorconv and build/rel/tests/bench_front, makes a big input
# (the bodies of every corpus page, front matter stripped, repeated to at
# least 10 MB) in build/bench/big.md, and prints a table:
#   - the front-end alone (mc_front_parse_buffer, best of 5): MB/s, peak
#     RSS and RSS / input size;
#   - cmark-gfm with the GFM extensions on the same file (best of 3), and
#     our throughput as a fraction of its;
#   - the whole command line, `mentorconv big.md -t json` (best of 3);
#   - the mean time per corpus page for `-t json`;
#   - then each format (tests/bench_<fmt>.sh), batches
#     (tests/bench_batch.sh) and the headline ratios against pandoc,
#     WeasyPrint, Typst and cmark-gfm (tests/bench_headline.py).
# It prints figures; it passes or fails nothing (only a build or a
# conversion error stops it).
#
# BASELINE=REV (`make bench BASELINE=a92f484`) also builds that commit
# (git archive into build/baseline/REV, once) and prints the PDF figures
# of both builds side by side, with the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=../shared
B=build/bench
MIN_BYTES=$((10 * 1024 * 1024))

make --no-print-directory mentorconv build/rel/tests/bench_front >/dev/null
mkdir -p "$B"

# the previous build to compare with, if asked for
export MC_BENCH_BASELINE=""
if [ -n "${BASELINE:-}" ]; then
	rev=$(git rev-parse --short "$BASELINE")
	bd=$(bash tests/baseline.sh "$rev")
	MC_BENCH_BASELINE="$bd/mentorconv"
	MC_BENCH_BASELINE_REV=$rev
	export MC_BENCH_BASELINE_REV
fi

pages=()
if [ -d "$SHARED/corpus" ]; then
	while IFS= read -r f; do pages+=("$f"); done \
		< <(find "$SHARED/corpus" -name '*.md' -type f | LC_ALL=C sort)
fi
if [ ${#pages[@]} -eq 0 ]; then
	echo "note: $SHARED/corpus not found; using the bundled example page"
	pages=(examples/demo-site/modules/demo/_posts/2000-01-01-welcome.md)
fi

# (a) the big input: each page's body (front matter dropped), repeated
for f in "${pages[@]}"; do
	awk 'NR == 1 && /^---[ \t]*$/ { fm = 1; next }
	     fm && /^(---|\.\.\.)[ \t]*$/ { fm = 0; next }
	     !fm' "$f"
	echo
done >"$B/bodies.md"
: >"$B/big.md"
reps=0
while [ "$(stat -c %s "$B/big.md")" -lt $MIN_BYTES ]; do
	cat "$B/bodies.md" >>"$B/big.md"
	reps=$((reps + 1))
done
bytes=$(stat -c %s "$B/big.md")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e6 }')

# best_us CMD...: best wall time of 3 runs, in microseconds (stdout of
# CMD discarded, stderr to $B/last.err)
best_us() {
	local best=0 t0 t1 us i
	for i in 1 2 3; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>"$B/last.err"
		t1=$(date +%s%N)
		us=$(((t1 - t0) / 1000))
		if [ $i -eq 1 ] || [ $us -lt $best ]; then best=$us; fi
	done
	echo $best
}
ms() { awk -v u="$1" 'BEGIN { printf "%.1f ms", u / 1e3 }'; }
mbps() { awk -v u="$1" -v b="$bytes" 'BEGIN { printf "%.1f MB/s", b / u }'; }

# (b) the front-end alone
front=$(build/rel/tests/bench_front "$B/big.md" 5)
get() { printf '%s\n' "$front" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
front_mbps=$(get mbps)

# (c) cmark-gfm on the same input
if command -v cmark-gfm >/dev/null 2>&1; then
	cm_us=$(best_us cmark-gfm -e table -e strikethrough -e autolink \
		-e tasklist -e tagfilter --unsafe --smart "$B/big.md")
	cm_mbps=$(awk -v u="$cm_us" -v b="$bytes" 'BEGIN { printf "%.1f", b / u }')
	ratio=$(awk -v a="$front_mbps" -v c="$cm_mbps" 'BEGIN { printf "%.2fx", a / c }')
else
	cm_us=""
fi

# (d) the whole CLI.  Standard output, not `-o /dev/null`: -o writes a
# temporary file beside the output and renames it into place.
cli_us=$(best_us ./mentorconv "$B/big.md" -t json)
cli_warn=$(grep -c ': warning:' "$B/last.err" || true)

# (e) every corpus page, one run each
: >"$B/pages.err"
t0=$(date +%s%N)
for f in "${pages[@]}"; do
	./mentorconv "$f" -t json >/dev/null 2>>"$B/pages.err" || {
		echo "bench: $f failed:" >&2
		tail -n 3 "$B/pages.err" >&2
		exit 1
	}
done
t1=$(date +%s%N)
per_page_us=$(((t1 - t0) / 1000 / ${#pages[@]}))

row() { printf '  %-44s %14s  %s\n' "$1" "$2" "$3"; }
echo
echo "mentorconv benchmark: $B/big.md, $mb MB ($reps x ${#pages[@]} page bodies)"
echo
row "what" "time" "figure"
row "----" "----" "------"
row "front-end (mc_front_parse_buffer, best of 5)" "$(get best_ms) ms" "$front_mbps MB/s"
row "front-end peak RSS" "$(get rss_kb) KiB" "$(get rss_ratio)x the input"
if [ -n "$cm_us" ]; then
	row "cmark-gfm + GFM extensions (best of 3)" "$(ms "$cm_us")" "$cm_mbps MB/s"
	row "front-end throughput / cmark-gfm's" "" "$ratio"
else
	row "cmark-gfm" "n/a" "(not installed: make deps)"
fi
row "mentorconv big.md -t json (best of 3)" "$(ms "$cli_us")" "$(mbps "$cli_us"), $cli_warn warnings"
row "-t json per corpus page (${#pages[@]} pages)" "$(ms "$per_page_us")" "mean"

# Per-format figures: tests/bench_<fmt>.sh, one per backend, run as
# `bash tests/bench_X.sh BINARY BENCHDIR SHARED` from the repo root; each
# prints its own rows (milliseconds per corpus page, and the same pages
# through pandoc side by side when it is installed).
rm -f "$B"/pandoc_*.us
for b in tests/bench_*.sh; do
	[ -f "$b" ] || continue
	[ "$b" = tests/bench_batch.sh ] && continue
	echo
	bash "$b" ./mentorconv "$B" ../shared || echo "bench: $b failed" >&2
done
# Last: many pages in one process, whole modules and courses, and the
# 10 MB document in every format (it reads the pandoc figures above).
echo
bash tests/bench_batch.sh ./mentorconv "$B" ../shared || echo "bench: tests/bench_batch.sh failed" >&2
# The headline: per-process CPU time against pandoc, pandoc + WeasyPrint
# and Typst, start-up against cmark-gfm, batch throughput, peak RSS at 1x,
# 16x and 64x the corpus, PDF bytes per page.
echo
"${PYTHON:-python3}" tests/bench_headline.py ./mentorconv "$B" "$SHARED" || echo "bench: tests/bench_headline.py failed" >&2
