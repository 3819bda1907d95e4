#!/usr/bin/env bash
# group_scale.sh BINARY SHARED TMPDIR SANITIZED - growth with the input.
# A page that is one single line of words is converted to PDF at two
# sizes, SMALL and 4 x SMALL (512 KiB and 2 MiB), and its cost must grow
# linearly: the CPU time (user + sys, best of two runs) at 4 x the size at
# most 6 x (quadratic growth would be about 16 x), and the peak resident
# memory at most MAX_SLOPE bytes more per byte of input, and under MAX_RSS
# at the larger size.  (The 10 MiB page of tests/group_hostile.sh, set in
# one piece, took 70 bytes of memory a byte of input; windows of text, in
# src/back/pdf/linebreak.c, make it under 30.)  Every word must come out
# once, in order (pdftotext), whatever the windows.  Sanitizer builds only
# check that both sizes convert: their time and memory say nothing.
# Prints PASS/FAIL/SKIP lines (see tests/run.sh).
set -u
BIN=$1
T=$3
SAN=${4:-0}
. "$(dirname "$0")/lib_group.sh"
PY=${PYTHON:-python3}
SMALL_KB=${MC_SCALE_SMALL_KB:-512}
MAX_RATIO=${MC_SCALE_MAX_RATIO:-6}   # CPU time at 4 x the input
MAX_SLOPE=${MC_SCALE_MAX_SLOPE:-40}  # bytes of peak RSS per byte of input
MAX_RSS_KB=${MC_SCALE_MAX_RSS_KB:-102400}
TL=${MC_SCALE_TIMEOUT:-$([ "$SAN" = 1 ] && echo 300 || echo 60)}
export SOURCE_DATE_EPOCH=1700000000

if ! formats_of "$BIN" | grep -qx pdf; then
	skip "scale: PDF (not in this build)"
	exit 0
fi
mkdir -p "$T"

# page KB FILE: one line of words, KB KiB long, and a title without the
# letter x (the words have none either: tests strip it out of the text)
page() {
	"$PY" - "$1" "$2" <<'EOF'
import sys
n = int(sys.argv[1]) * 1024
w = (b"lorem ipsum dolor sit amet consectetur adipiscing elit sed do "
     b"eiusmod tempor ")
with open(sys.argv[2], "wb") as f:
    f.write(b"---\ntitle: Scale\n---\n" + (w * (n // len(w) + 1))[:n] + b"\n")
EOF
}

# measure FILE OUT: "CPU-SECONDS PEAK-RSS-KB" of one conversion, or a
# line starting with "error" (then the reason)
measure() {
	local rc
	if [ "$SAN" = 1 ] || [ ! -x /usr/bin/time ]; then
		timeout -k 5 "$TL" "$BIN" "$1" -o "$2" >/dev/null 2>"$2.err" </dev/null
		rc=$?
		[ $rc -eq 0 ] && echo "0 0" || echo "error: exit $rc: $(head -n 5 "$2.err")"
		return
	fi
	timeout -k 5 "$TL" /usr/bin/time -f '@@ %U %S %M' -o "$2.time" \
		"$BIN" "$1" -o "$2" >/dev/null 2>"$2.err" </dev/null
	rc=$?
	if [ $rc -ne 0 ] || grep -qE 'Sanitizer|runtime error' "$2.err"; then
		echo "error: exit $rc: $(head -n 5 "$2.err")"
		return
	fi
	awk '/^@@/ { printf "%.2f %d\n", $2 + $3, $4 }' "$2.time"
}

# words FILE: the text without blanks, hyphens and page furniture
words() {
	pdftotext "$1" - 2>/dev/null | tr -d ' \n\f-' |
		sed -E 's/Page[0-9]+of[0-9]+//g; s/Scale//g'
}

declare -A cpu rss
bad=""
for kb in "$SMALL_KB" $((SMALL_KB * 4)); do
	in=$T/line-$kb.md
	out=$T/line-$kb.pdf
	page "$kb" "$in"
	best=""
	for run in 1 2; do
		m=$(measure "$in" "$out")
		case $m in error*) bad="$kb KiB: $m"; break 2 ;; esac
		set -- $m
		if [ -z "$best" ] || awk -v a="$1" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$1
		fi
		rss[$kb]=$2
		[ "$SAN" = 1 ] && break
	done
	cpu[$kb]=$best
	why=$("$PY" "$(dirname "$0")/check_hostile.py" pdf "$out" 2>&1)
	if [ -n "$why" ]; then
		bad="$kb KiB: $why"
		break
	fi
	if ! command -v pdftotext >/dev/null 2>&1; then
		skip "scale: every word of the $kb KiB line once, in order (no pdftotext)"
	elif [ "$(words "$out" | sha256sum)" = "$(tail -n +4 "$in" | tr -d ' \n-' | sha256sum)" ]; then
		pass "scale: every word of the $kb KiB line once, in order"
	else
		fail "scale: the words of the $kb KiB line differ in the PDF"
	fi
done
if [ -n "$bad" ]; then
	fail "scale: a single line of $SMALL_KB and $((SMALL_KB * 4)) KiB to PDF" "$bad"
	exit 0
fi
pass "scale: a single line of $SMALL_KB and $((SMALL_KB * 4)) KiB to PDF"
if [ "$SAN" = 1 ]; then
	skip "scale: time and memory growth (not measured in a sanitizer build)"
	exit 0
elif [ ! -x /usr/bin/time ]; then
	skip "scale: time and memory growth (no /usr/bin/time)"
	exit 0
fi

s=$SMALL_KB l=$((SMALL_KB * 4))
msg="CPU ${cpu[$s]} s -> ${cpu[$l]} s, peak RSS ${rss[$s]} -> ${rss[$l]} KiB"
# a floor of 0.05 s under the small time keeps timer granularity out
if awk -v a="${cpu[$s]}" -v b="${cpu[$l]}" -v r="$MAX_RATIO" \
	'BEGIN { if (a < 0.05) a = 0.05; exit !(b <= r * a) }'; then
	pass "scale: CPU time at 4 x the input at most ${MAX_RATIO} x ($msg)"
else
	fail "scale: CPU time at 4 x the input more than ${MAX_RATIO} x" "$msg"
fi
slope=$(( (rss[$l] - rss[$s]) / (l - s) )) # KiB per KiB: bytes per byte
if [ "$slope" -le "$MAX_SLOPE" ]; then
	pass "scale: peak RSS grows $slope bytes a byte of input, at most $MAX_SLOPE ($msg)"
else
	fail "scale: peak RSS grows $slope bytes a byte of input, more than $MAX_SLOPE" "$msg"
fi
if [ "${rss[$l]}" -le "$MAX_RSS_KB" ]; then
	pass "scale: peak RSS at $l KiB at most $MAX_RSS_KB KiB ($msg)"
else
	fail "scale: peak RSS at $l KiB over $MAX_RSS_KB KiB" "$msg"
fi
