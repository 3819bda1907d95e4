#!/usr/bin/env bash
# group_recall.sh BINARY SHARED TMPDIR SANITIZED - nothing lost on the way.
#
# Run by tests/run.sh from the repo root.  Prints `PASS name`, `FAIL name`
# (detail lines start with a space) or `SKIP name`.  Every page of the
# course corpus ($SHARED/corpus), the seed, and the test sites under
# fixtures/sites/ (one written in the dialect of other course authors:
# Liquid data look-ups, includes, highlight blocks, form demos, inline
# images) is converted to PDF, EPUB and DOCX, and tests/check_recall.py
# measures, independently of the converter's own parser, how many of the
# words a reader of the web page sees are in each output (pdftotext, the
# XHTML text, the DOCX runs), and how many lines of its code samples:
#   - mean word recall >= 0.98, and no page below 0.90 in any format;
#   - every line of every code sample in every format;
#   - the checker itself: an output with a third of its words cut, and one
#     with a code line cut, are caught (so the checks above can fail).
# A sanitizer build converts only the fixture sites (it is slow) and
# checks exit statuses and reports.
set -u
BIN=$1 SHARED=$2 T=$3 SANITIZED=$4
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
PY=${PYTHON:-python3}
TMO=${MC_TEST_TIMEOUT:-60}
mkdir -p "$T"

. tests/lib_group.sh

export SOURCE_DATE_EPOCH=1700000000

if ! command -v pdftotext >/dev/null || ! "$PY" -c 'import html.parser' 2>/dev/null; then
	skip "recall: pdftotext or python3 missing"
	exit 0
fi

pages=()
while IFS= read -r -d '' f; do pages+=("$f"); done < <(find fixtures/sites -name '*.md' -path '*/_posts/*' -print0 | LC_ALL=C sort -z)
nfix=${#pages[@]}
if [ "$SANITIZED" != 1 ]; then
	if [ -f "$SHARED/seed/what-is-mentoring.md" ]; then
		pages+=("$SHARED/seed/what-is-mentoring.md")
	fi
	if [ -d "$SHARED/corpus" ]; then
		while IFS= read -r -d '' f; do pages+=("$f"); done < <(find "$SHARED/corpus" -name '*.md' -path '*/_posts/*' -print0 | LC_ALL=C sort -z)
	else
		echo "# notice: $SHARED/corpus not found: only the fixture sites"
	fi
fi

# convert every page to the three formats; exit status and sanitizer
# reports checked for each
bad=()
: >"$T/recall.out"
i=0
for f in "${pages[@]}"; do
	i=$((i + 1))
	outs=()
	for fmt in pdf epub docx; do
		o="$T/p$i.$fmt"
		conv_to "$T/p$i.$fmt.err" "$f" "$o" -q
		if [ "$RC" -ne 0 ] || [ ! -s "$o" ]; then
			bad+=("$f -> $fmt: exit $RC $(head -c 300 "$T/p$i.$fmt.err")")
		else
			outs+=("$o")
		fi
	done
	[ ${#outs[@]} -gt 0 ] || continue
	"$PY" tests/check_recall.py --missing "$f" "${outs[@]}" |
		sed "s|^|$f\t|" >>"$T/recall.out"
done
if [ ${#bad[@]} -eq 0 ]; then
	pass "recall: ${#pages[@]} pages convert to PDF, EPUB and DOCX ($nfix from the fixture sites)"
else
	fail "recall: ${#bad[@]} conversions fail" "${bad[@]}"
fi

[ "$SANITIZED" = 1 ] && exit 0

# word recall: the mean, and the worst page
summary=$(awk -F'\t' '$2 ~ /^RECALL / {
	split($2, a, " "); n++; s += a[2]
	if (a[2] < 0.90) { low++; print "low: " $1 " " a[2] " " a[4] }
} END { if (n) printf "mean %.4f over %d outputs, %d below 0.90\n", s / n, n, low }' "$T/recall.out")
mean=$(printf '%s\n' "$summary" | awk '/^mean/ {print $2}')
nlow=$(printf '%s\n' "$summary" | awk '/^mean/ {print $6}')
if [ -z "$mean" ]; then
	fail "recall: no recall figures" "$(head -5 "$T/recall.out")"
elif awk -v m="$mean" 'BEGIN { exit !(m >= 0.98) }' && [ "$nlow" = 0 ]; then
	pass "recall: words of the source in the outputs, $(printf '%s\n' "$summary" | grep '^mean')"
else
	fail "recall: words of the source in the outputs (mean >= 0.98, none below 0.90)" \
		"$summary" "$(grep -A1 -P '\tRECALL 0\.[0-8]' "$T/recall.out" | grep missing | head -8)"
fi

# code samples: every line, every format
lost=$(awk -F'\t' '$2 ~ /^CODE / { split($2, a, " "); split(a[2], b, "/"); if (b[1] != b[2]) print $1 " " $2 }' "$T/recall.out")
ncode=$(awk -F'\t' '$2 ~ /^CODE / { split($2, a, " "); split(a[2], b, "/"); n += b[2] } END { print n + 0 }' "$T/recall.out")
if [ "$ncode" -eq 0 ]; then
	fail "recall: code samples (none found: the fixture sites have some)"
elif [ -z "$lost" ]; then
	pass "recall: all $ncode code-sample lines (all formats) are in the outputs"
else
	fail "recall: code-sample lines lost" "$lost" "$(grep -A1 -P '\tCODE' "$T/recall.out" | grep 'lost:' | head -6)"
fi

# the checker can fail: cut a third of a page's words, then one code line
src=""
for f in "${pages[@]}"; do
	grep -q 'highlight' "$f" && { src=$f; break; }
done
if [ -z "$src" ]; then
	fail "recall: the checker catches cuts (no page with a code sample)"
else
	"$BIN" -q "$src" -t epub -o "$T/self.epub" </dev/null 2>/dev/null
	"$PY" - "$src" "$T/self.epub" "$T/self" <<'PYEOF'
import sys, re
sys.path.insert(0, "tests")
import check_recall as c
text = c.output_text(sys.argv[2])
ws = text.split()
with open(sys.argv[3] + "-cut.txt", "w", encoding="utf-8") as f:
    f.write(" ".join(ws[: len(ws) * 2 // 3]))
# drop the output line holding the page's last code-sample line (or all
# of the text, if the sample never made it: then the check fails anyway)
with open(sys.argv[1], encoding="utf-8") as f:
    last = c.code_lines(f.read())[-1]
lines = text.split("\n")
keep = [l for l in lines if last not in re.sub(r"\s+", "", l)]
with open(sys.argv[3] + "-code.txt", "w", encoding="utf-8") as f:
    f.write("\n".join(keep))
PYEOF
	r1=$("$PY" tests/check_recall.py "$src" "$T/self.epub" "$T/self-cut.txt" "$T/self-code.txt")
	full=$(printf '%s\n' "$r1" | awk -v f="$T/self.epub" '$1=="RECALL" && $4==f {print $2}')
	cut=$(printf '%s\n' "$r1" | awk -v f="$T/self-cut.txt" '$1=="RECALL" && $4==f {print $2}')
	code=$(printf '%s\n' "$r1" | awk -v f="$T/self-code.txt" '$1=="CODE" && $3==f {split($2,b,"/"); print (b[1] < b[2]) ? "caught" : "missed"}')
	if [ -n "$full" ] && [ -n "$cut" ] && awk -v a="$full" -v b="$cut" 'BEGIN { exit !(b < a - 0.15) }' && [ "$code" = caught ]; then
		pass "recall: the checker catches a third of the words cut ($full -> $cut) and a code line cut"
	else
		fail "recall: the checker catches cuts" "$r1"
	fi
fi
