#!/usr/bin/env bash
# bench_pdf.sh BINARY BENCHDIR SHARED - PDF figures for `make bench`.
#
# Prints the mean milliseconds per corpus page for `mentorconv PAGE -o
# PAGE.pdf` (best of 3 passes over the corpus), the slowest page, and the
# same pages through `pandoc -s PAGE -o PAGE.pdf --pdf-engine=weasyprint`
# side by side when pandoc and weasyprint are installed.
set -u
BIN=$1 B=$2 SHARED=$3
mkdir -p "$B/pdf"
pages=()
if [ -d "$SHARED/corpus" ]; then
	while IFS= read -r f; do pages+=("$f"); done < <(find "$SHARED/corpus" -path '*/_posts/*.md' -type f | sort)
fi
if [ ${#pages[@]} -eq 0 ]; then
	echo "  pdf: no corpus pages under $SHARED/corpus"
	exit 0
fi
row() { printf '  %-44s %14s  %s\n' "$1" "$2" "$3"; }
now() { date +%s%N; }

# mean_us BIN [OPTION...]: "BEST SLOW SLOWEST-PAGE BYTES": the best of 3
# passes' mean microseconds per page, the slowest page of the first pass,
# and the bytes of all the pages' PDFs
mean_us() {
	local bin=$1 best=0 pass t0 s e t slow=0 slowf='' bytes=0
	shift
	for pass in 1 2 3; do
		t0=$(now)
		for f in "${pages[@]}"; do
			s=$(now)
			"$bin" -q "$@" "$f" -o "$B/pdf/out.pdf" || { echo "bench: $f failed" >&2; exit 1; }
			if [ $pass -eq 1 ]; then bytes=$((bytes + $(stat -c %s "$B/pdf/out.pdf"))); fi
			e=$((($(now) - s) / 1000))
			if [ $pass -eq 1 ] && [ $e -gt $slow ]; then slow=$e slowf=$f; fi
		done
		t=$((($(now) - t0) / 1000 / ${#pages[@]}))
		if [ $best -eq 0 ] || [ $t -lt $best ]; then best=$t; fi
	done
	echo "$best $slow $bytes $slowf"
}
read -r best slow bytes slowf < <(mean_us "$BIN")
read -r untagged _ ubytes _ < <(mean_us "$BIN" --no-tags)
ms() { awk -v u="$1" 'BEGIN { printf "%.1f ms", u / 1000 }'; }
echo "PDF (${#pages[@]} corpus pages)"
row "mentorconv -o PAGE.pdf, mean (best of 3)" "$(ms "$best")" "per page"
row "slowest page" "$(ms "$slow")" "${slowf#"$SHARED"/}"
# what tagging (PDF/UA) costs: the same pages with --no-tags
row "the same, --no-tags (untagged)" "$(ms "$untagged")" "per page"
row "tagged / untagged: time, bytes" "" "$(awk -v a="$best" -v b="$untagged" -v x="$bytes" -v y="$ubytes" 'BEGIN { printf "%.2fx, %.2fx (%d / %d bytes)", b ? a / b : 0, y ? x / y : 0, x, y }')"
# side by side with a previous build (bench.sh's BASELINE=REV)
if [ -n "${MC_BENCH_BASELINE:-}" ] && [ -x "$MC_BENCH_BASELINE" ]; then
	read -r base _ < <(mean_us "$MC_BENCH_BASELINE")
	row "the same with build ${MC_BENCH_BASELINE_REV:-baseline}" "$(ms "$base")" "per page"
	row "this build's time / ${MC_BENCH_BASELINE_REV:-baseline}'s" "" "$(awk -v a="$best" -v b="$base" 'BEGIN { printf "%.2fx", b ? a / b : 0 }')"
fi
if command -v pandoc >/dev/null 2>&1 && command -v weasyprint >/dev/null 2>&1; then
	t0=$(now)
	for f in "${pages[@]}"; do
		pandoc -s "$f" -o "$B/pdf/pandoc.pdf" --pdf-engine=weasyprint \
			>/dev/null 2>&1 || echo "bench: pandoc failed on $f" >&2
	done
	pu=$((($(now) - t0) / 1000 / ${#pages[@]}))
	echo "$pu" >"$B/pandoc_pdf.us" # for bench_batch.sh
	row "pandoc --pdf-engine=weasyprint, mean" "$(ms $pu)" "per page"
	row "pandoc+weasyprint time / mentorconv's" "" "$(awk -v a="$pu" -v b="$best" 'BEGIN { printf "%.1fx", b ? a / b : 0 }')"
else
	miss=""
	command -v pandoc >/dev/null 2>&1 || miss="pandoc"
	command -v weasyprint >/dev/null 2>&1 || miss="${miss:+$miss and }weasyprint"
	row "pandoc --pdf-engine=weasyprint" "n/a" "($miss not installed)"
fi
