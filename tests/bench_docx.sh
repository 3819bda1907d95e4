#!/usr/bin/env bash
# bench_docx.sh BINARY BENCHDIR SHARED - DOCX figures for `make bench`.
#
# Milliseconds per corpus page for `mentorconv PAGE -o PAGE.docx` (the
# whole command: start, parse, render, write; best of 3 passes over every
# page), beside `pandoc -s PAGE -o PAGE.docx` on the same pages (one pass),
# and the ratio.  Prints figures and judges nothing.
set -u
BIN=$1 B=$2 SHARED=$3
out=$B/docx
mkdir -p "$out"
pages=()
if [ -d "$SHARED/corpus" ]; then
	while IFS= read -r f; do pages+=("$f"); done < <(find "$SHARED/corpus" -name '*.md' -type f | sort)
fi
[ -f "$SHARED/seed/what-is-mentoring.md" ] && pages+=("$SHARED/seed/what-is-mentoring.md")
if [ ${#pages[@]} -eq 0 ]; then
	echo "docx: no corpus pages in $SHARED (skipped)"
	exit 0
fi
n=${#pages[@]}

best=
for pass in 1 2 3; do
	t0=$(date +%s%N)
	i=0
	for f in "${pages[@]}"; do
		i=$((i + 1))
		"$BIN" -q "$f" -o "$out/m$i.docx" 2>/dev/null || {
			echo "bench_docx: $f failed" >&2
			exit 1
		}
	done
	t1=$(date +%s%N)
	us=$(((t1 - t0) / 1000))
	[ -z "$best" ] || [ "$us" -lt "$best" ] && best=$us
done
mc_us=$((best / n))

row() { printf '  %-44s %14s  %s\n' "$1" "$2" "$3"; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f ms", u / 1000 }'; }
# the same pages to /dev/null: no file, no fsync (the CLI makes every
# output file durable before renaming it into place)
best=
for pass in 1 2 3; do
	t0=$(date +%s%N)
	for f in "${pages[@]}"; do
		"$BIN" -q "$f" -t docx -o /dev/null 2>/dev/null
	done
	t1=$(date +%s%N)
	us=$(((t1 - t0) / 1000))
	[ -z "$best" ] || [ "$us" -lt "$best" ] && best=$us
done
null_us=$((best / n))
# what starting any process costs here, for scale
t0=$(date +%s%N)
for f in "${pages[@]}"; do /bin/true "$f"; done
t1=$(date +%s%N)
spawn_us=$(((t1 - t0) / 1000 / n))
inproc=
if make -s build/rel/tests/unit_docx >/dev/null 2>&1; then
	inproc=$(build/rel/tests/unit_docx --bench "${pages[@]}" 2>/dev/null)
fi

echo "DOCX ($n corpus pages)"
row "mentorconv PAGE -o PAGE.docx (best of 3)" "$(ms "$mc_us")" "mean per page, whole command"
row "mentorconv PAGE -t docx -o /dev/null" "$(ms "$null_us")" "mean per page, no file written"
row "/bin/true PAGE (starting a process)" "$(ms "$spawn_us")" "mean, for scale"
if [ -n "$inproc" ]; then
	row "in process: parse + DOCX render (best of 5)" "${inproc%% *} ms" "mean per page"
	row "in process: DOCX render alone" "${inproc##* } ms" "mean per page"
fi
if command -v pandoc >/dev/null 2>&1; then
	t0=$(date +%s%N)
	i=0
	for f in "${pages[@]}"; do
		i=$((i + 1))
		pandoc -s "$f" -o "$out/p$i.docx" 2>/dev/null </dev/null ||
			echo "bench_docx: pandoc failed on $f" >&2
	done
	t1=$(date +%s%N)
	pd_us=$(((t1 - t0) / 1000 / n))
	echo "$pd_us" >"$B/pandoc_docx.us" # for bench_batch.sh
	row "pandoc -s PAGE -o PAGE.docx (one pass)" "$(ms "$pd_us")" "mean per page"
	ratio() { awk -v a="$pd_us" -v b="$1" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'; }
	row "pandoc / mentorconv (whole command, to file)" "" "$(ratio "$mc_us")"
	row "pandoc / mentorconv (whole command, no file)" "" "$(ratio "$null_us")"
	if [ -n "$inproc" ]; then
		inproc_us=$(awk -v m="${inproc%% *}" 'BEGIN { printf "%d", m * 1000 }')
		row "pandoc / mentorconv (in process)" "" "$(ratio "$inproc_us")"
	fi
else
	row "pandoc" "n/a" "(not installed)"
fi
