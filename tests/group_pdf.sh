#!/usr/bin/env bash
# group_pdf.sh BINARY SHARED TMPDIR SANITIZED - the PDF backend's tests.
#
# Run by tests/run.sh from the repo root.  Prints `PASS name`, `FAIL name`
# (detail lines start with a space) or `SKIP name`.  PDFs are checked by
# what real tools read from them: qpdf (structure, outline, form fields),
# poppler's pdffonts (embedding), pdftotext (words, markup, geometry) and
# pdfinfo (pages, dates).  On a sanitizer build only a few conversions run.
set -u
BIN=$1 SHARED=$2 T=$3 SANITIZED=$4
PY=${PYTHON:-python3}
TMO=${MC_TEST_TIMEOUT:-60}
SEED=$SHARED/seed/what-is-mentoring.md
DEMO=examples/demo-site/modules/demo/_posts/2000-01-01-welcome.md
CHECK=tests/check_pdf.py

. tests/lib_group.sh

for tool in qpdf pdffonts pdftotext pdfinfo; do
	if ! command -v $tool >/dev/null 2>&1; then
		skip "pdf checks ($tool not installed: make deps)"
		exit 0
	fi
done

# conv IN OUT [ARGS...]: convert; status in RC, stderr in $T/err
conv() {
	local in=$1 out=$2
	shift 2
	timeout "$TMO" "$BIN" "$in" -o "$out" "$@" </dev/null >/dev/null 2>"$T/err"
	RC=$?
	if grep -qE 'Sanitizer|runtime error:' "$T/err"; then
		RC=86
	fi
}

# ---- the inputs ---------------------------------------------------------
inputs=()
[ -f "$DEMO" ] && inputs+=("$DEMO")
[ -f "$SEED" ] && inputs+=("$SEED")
if [ -d "$SHARED/corpus" ]; then
	while IFS= read -r f; do inputs+=("$f"); done < <(find "$SHARED/corpus" -name '*.md' -type f | sort)
fi
if [ "$SANITIZED" = 1 ]; then # a few, to keep the sanitizer run short
	few=("$DEMO")
	[ -f "$SEED" ] && few+=("$SEED")
	if [ -d "$SHARED/corpus" ]; then
		while IFS= read -r f; do few+=("$f"); done < <(find "$SHARED/corpus" -name '*.md' -type f -printf '%s %p\n' | sort -k1,1nr | head -n 3 | cut -d' ' -f2-)
	fi
	inputs=("${few[@]}")
fi
[ -d "$SHARED/corpus" ] || skip "corpus PDFs ($SHARED/corpus not found)"

# name for an input's outputs
oname() { local n=${1#"$SHARED"/}; n=${n//\//_}; echo "$T/${n%.md}"; }

# ---- every input converts ------------------------------------------------
bad=()
ok=()
for f in "${inputs[@]}"; do
	o=$(oname "$f")
	conv "$f" "$o.pdf" -q
	if [ $RC -ne 0 ] || [ ! -s "$o.pdf" ]; then
		bad+=("$f: exit $RC $(head -n 3 "$T/err")")
	else
		ok+=("$f")
	fi
done
if [ ${#bad[@]} -eq 0 ]; then
	pass "every input converts to PDF (${#ok[@]} files)"
else
	fail "every input converts to PDF (${#bad[@]} of ${#inputs[@]} failed)" "${bad[@]}"
fi

# ---- structure: qpdf --check, fonts, pages ----------------------------------
bad=()
for f in "${ok[@]}"; do
	o=$(oname "$f")
	out=$(qpdf --check "$o.pdf" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] || grep -qi 'warning' <<<"$out"; then
		bad+=("$f: qpdf exit $rc: $(grep -i -m 3 'warn\|error' <<<"$out")")
	fi
done
[ ${#bad[@]} -eq 0 ] && pass "qpdf --check: no errors or warnings (${#ok[@]} files)" ||
	fail "qpdf --check: no errors or warnings" "${bad[@]}"

bad=()
for f in "${ok[@]}"; do
	o=$(oname "$f")
	pdffonts "$o.pdf" >"$o.fonts" 2>/dev/null
	# columns from the right: emb sub uni objnum gen
	b=$(awk 'NR > 2 { if ($(NF-4) != "yes" || $0 ~ /Type 3/) print }' "$o.fonts")
	n=$(awk 'NR > 2' "$o.fonts" | wc -l)
	[ -n "$b" ] && bad+=("$f: $b")
	[ "$n" -eq 0 ] && bad+=("$f: no fonts at all")
done
[ ${#bad[@]} -eq 0 ] && pass "pdffonts: every font embedded, none Type 3" ||
	fail "pdffonts: every font embedded, none Type 3" "${bad[@]}"

bad=()
for f in "${ok[@]}"; do
	o=$(oname "$f")
	pages=$(pdfinfo "$o.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
	size=$(wc -c <"$f")
	max=$((2 + size / 800))
	if [ -z "$pages" ] || [ "$pages" -lt 1 ] || [ "$pages" -gt "$max" ]; then
		bad+=("$f: ${pages:-no} pages for $size bytes (allowed 1..$max)")
	fi
done
[ ${#bad[@]} -eq 0 ] && pass "page counts sane (1 .. 2 + bytes/800)" ||
	fail "page counts sane" "${bad[@]}"

# ---- text: words, markup, geometry -------------------------------------
bad=()
sum=0 n=0 min=100 minf=
for f in "${ok[@]}"; do
	o=$(oname "$f")
	pdftotext -enc UTF-8 "$o.pdf" "$o.txt" 2>/dev/null
	out=$("$PY" "$CHECK" words "$f" "$o.txt" --min 97)
	rc=$?
	pct=$(head -n 1 <<<"$out")
	[ $rc -ne 0 ] && bad+=("$f: $out")
	sum=$(awk -v s="$sum" -v p="$pct" 'BEGIN { print s + p }')
	n=$((n + 1))
	if awk -v p="$pct" -v m="$min" 'BEGIN { exit !(p < m) }'; then
		min=$pct minf=$f
	fi
done
avg=$(awk -v s="$sum" -v n="$n" 'BEGIN { printf "%.2f", n ? s / n : 0 }')
if awk -v a="$avg" 'BEGIN { exit !(a < 99) }'; then
	bad+=("average $avg% < 99%")
fi
[ ${#bad[@]} -eq 0 ] && pass "pdftotext has the source's words: average $avg%, lowest $min% (${minf#"$SHARED"/})" ||
	fail "pdftotext has the source's words (average $avg%, lowest $min%)" "${bad[@]}"

bad=()
for f in "${ok[@]}"; do
	o=$(oname "$f")
	out=$("$PY" "$CHECK" markup "$o.txt" "$f") || bad+=("$f:$out")
done
[ ${#bad[@]} -eq 0 ] && pass "no raw markup, U+FFFD or stray '?' in the text" ||
	fail "no raw markup, U+FFFD or stray '?' in the text" "${bad[@]}"

bad=()
for f in "${ok[@]}"; do
	o=$(oname "$f")
	pdftotext -bbox "$o.pdf" "$o.html" 2>/dev/null
	out=$("$PY" "$CHECK" bbox "$o.html" --margins 72,72,72,72) || bad+=("$f:$out")
done
[ ${#bad[@]} -eq 0 ] && pass "every word box inside the text block (letter, 1in margins)" ||
	fail "every word box inside the text block" "${bad[@]}"

bad=()
for f in "${ok[@]}"; do
	o=$(oname "$f")
	out=$("$PY" "$CHECK" headings "$o.html") || bad+=("$f:$out")
done
[ ${#bad[@]} -eq 0 ] && pass "no page ends with a heading" ||
	fail "no page ends with a heading" "${bad[@]}"

# ---- the seed -----------------------------------------------------------
if [ -f "$SEED" ]; then
	o=$(oname "$SEED")
	qpdf --json "$o.pdf" >"$T/seed.json" 2>/dev/null
	why=$("$PY" - "$T/seed.json" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
a = d.get("acroform", {})
fields = [f for f in a.get("fields", []) if f.get("fieldtype") == "/Tx"]
names = {f.get("fullname") for f in fields}
if not a.get("hasacroform") or len(fields) != 7 or len(names) != 7:
    print("%d text fields (%d names), want 7 unique" % (len(fields), len(names)))
    sys.exit(1)
EOF
)
	[ $? -eq 0 ] && pass "seed: 7 fillable text fields with unique names" ||
		fail "seed: 7 fillable text fields with unique names" "$why"
	why=$("$PY" - "$T/seed.json" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
titles = []
def walk(items):
    for o in items:
        titles.append(o.get("title"))
        walk(o.get("kids", []))
walk(d.get("outlines", []))
want = ["What is Mentoring?", "Worksheet #2: Your Experiences"]
miss = [w for w in want if w not in titles]
if miss:
    print("outline %r lacks %r" % (titles, miss))
    sys.exit(1)
EOF
)
	[ $? -eq 0 ] && pass "seed: outline lists the title and the worksheet" ||
		fail "seed: outline lists the title and the worksheet" "$why"
	why=""
	grep -q "Video · 2:54" "$o.txt" || why="no 'Video · 2:54' in the text"
	grep -q "https://youtu.be/1t0_D7UcfgU" "$o.txt" || why="$why; no short watch URL"
	qpdf --qdf --object-streams=disable "$o.pdf" "$T/seed-qdf.pdf" 2>/dev/null
	grep -aq "/URI (https://youtu.be/1t0_D7UcfgU)" "$T/seed-qdf.pdf" || why="$why; no link annotation to the video"
	grep -aq "/URI (https://www.oycp.com/MentorTraining/3/m3.html)" "$T/seed-qdf.pdf" || why="$why; no link annotation for the quotation's source"
	[ -z "$why" ] && pass "seed: video card (kind, duration, short URL, links)" ||
		fail "seed: video card (kind, duration, short URL, links)" "$why"
	if command -v zbarimg >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then
		pdftoppm -r 150 -png "$o.pdf" "$T/seedpage"
		qr=$(zbarimg -q --raw "$T"/seedpage*.png 2>/dev/null)
		grep -q "1t0_D7UcfgU" <<<"$qr" && pass "seed: QR code decodes to the video ($qr)" ||
			fail "seed: QR code decodes to the video" "zbarimg read: ${qr:-nothing}"
	else
		skip "seed: QR code decodes (zbarimg, from zbar-tools, not installed)"
	fi
fi

# print-only: a theme with answer.fields: false makes no form
if [ -f "$SEED" ]; then
	printf 'answer:\n  fields: false\n' >"$T/print.yaml"
	conv "$SEED" "$T/print.pdf" -q --style "$T/print.yaml"
	why=""
	[ $RC -ne 0 ] && why="exit $RC: $(head -n 3 "$T/err")"
	grep -aq "/AcroForm" "$T/print.pdf" && why="$why; the PDF still has an /AcroForm"
	[ -z "$why" ] && pass "answer.fields: false gives a print-only PDF" ||
		fail "answer.fields: false gives a print-only PDF" "$why"
fi

# ---- determinism, dates -------------------------------------------------
for f in "$SEED" "${ok[2]:-}"; do
	[ -n "$f" ] && [ -f "$f" ] || continue
	SOURCE_DATE_EPOCH=1700000000 conv "$f" "$T/det1.pdf" -q
	r1=$RC
	SOURCE_DATE_EPOCH=1700000000 conv "$f" "$T/det2.pdf" -q
	why=""
	[ $r1 -ne 0 ] || [ $RC -ne 0 ] && why="exit $r1/$RC"
	[ -z "$why" ] && ! cmp -s "$T/det1.pdf" "$T/det2.pdf" && why="the two PDFs differ: $(cmp "$T/det1.pdf" "$T/det2.pdf" 2>&1)"
	[ -z "$why" ] && pass "two runs give byte-identical PDFs (${f#"$SHARED"/})" ||
		fail "two runs give byte-identical PDFs (${f#"$SHARED"/})" "$why"
done
if [ -f "$SEED" ]; then
	SOURCE_DATE_EPOCH=1700000000 conv "$SEED" "$T/date.pdf" -q
	why=""
	grep -aq "D:20231114221320Z" "$T/date.pdf" || why="no CreationDate D:20231114221320Z"
	info=$(pdfinfo "$T/date.pdf" 2>/dev/null)
	grep -q "^Creator: *mentorconv " <<<"$info" || why="$why; Creator is not mentorconv VERSION"
	grep -q "^Title: *What is Mentoring?" <<<"$info" || why="$why; no Title"
	grep -q "^Keywords: *sectionHead" <<<"$info" || why="$why; no Keywords from tags"
	[ -z "$why" ] && pass "document info: SOURCE_DATE_EPOCH dates, Title, Keywords, Creator" ||
		fail "document info: SOURCE_DATE_EPOCH dates, Title, Keywords, Creator" "$why" "$info"
	# another locale must not change a byte (printf %f and friends)
	loc=$(locale -a 2>/dev/null | grep -m 1 -iE '^(de_DE|fr_FR|ru_RU|nl_NL)')
	if [ -n "$loc" ]; then
		LC_ALL=$loc SOURCE_DATE_EPOCH=1700000000 conv "$SEED" "$T/loc.pdf" -q
		cmp -s "$T/date.pdf" "$T/loc.pdf" && pass "same PDF under LC_ALL=$loc" ||
			fail "same PDF under LC_ALL=$loc" "exit $RC; $(cmp "$T/date.pdf" "$T/loc.pdf" 2>&1)"
	else
		skip "same PDF under another locale (none with a decimal comma installed)"
	fi
fi

# ---- constructed inputs --------------------------------------------------
mkdir -p "$T/site/img"
echo "title: Test site" >"$T/site/_config.yml"
# a table longer than a page: header repeated, rows whole
{
	printf -- '---\ntitle: Long table\n---\n\n| Step | What to do |\n|---|---|\n'
	for i in $(seq 1 90); do
		printf '| %d | Row %d: ask the mentee what went well this week and write it down |\n' "$i" "$i"
	done
} >"$T/site/table.md"
conv "$T/site/table.md" "$T/table.pdf" -q
why=""
[ $RC -ne 0 ] && why="exit $RC: $(head -n 3 "$T/err")"
if [ -z "$why" ]; then
	pages=$(pdfinfo "$T/table.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
	heads=$(pdftotext "$T/table.pdf" - 2>/dev/null | grep -c "^What to do$")
	[ "${pages:-0}" -lt 2 ] && why="only ${pages:-0} page(s)"
	[ -z "$why" ] && [ "$heads" -ne "$pages" ] && why="header row printed $heads times on $pages pages"
	for i in 1 45 90; do
		pdftotext "$T/table.pdf" - 2>/dev/null | grep -q "Row $i:" || why="$why; row $i missing"
	done
fi
[ -z "$why" ] && pass "a long table breaks between rows and repeats its header row" ||
	fail "a long table breaks between rows and repeats its header row" "$why"

# a row taller than a page: printed cell by cell, nothing off the page
"$PY" -c '
print("---\ntitle: Tall row\n---\n")
print("| Topic | Notes |"); print("|---|---|")
print("| Tall | " + " ".join("word%d" % i for i in range(2500)) + " |")
print("| Short | fine |")' >"$T/site/tall.md"
conv "$T/site/tall.md" "$T/tall.pdf" -q
why=""
[ $RC -ne 0 ] && why="exit $RC: $(head -n 3 "$T/err")"
pdftotext -bbox "$T/tall.pdf" "$T/tall.html" 2>/dev/null
out=$("$PY" "$CHECK" bbox "$T/tall.html" --margins 72,72,72,72) || why="$why$out"
pdftotext "$T/tall.pdf" - 2>/dev/null | grep -q "word2499" || why="$why; the end of the tall cell is missing"
[ -z "$why" ] && pass "a table row taller than a page stays on the pages" ||
	fail "a table row taller than a page stays on the pages" "$why"

# a missing image: alt text in a frame and a warning
printf -- '---\ntitle: Images\n---\n\n![A ladder of participation](/img/nope.png)\n\n![Remote diagram](https://example.org/x.png)\n' >"$T/site/img.md"
conv "$T/site/img.md" "$T/img.pdf"
why=""
[ $RC -ne 0 ] && why="exit $RC: $(head -n 3 "$T/err")"
txt=$(pdftotext "$T/img.pdf" - 2>/dev/null)
grep -q "ladder of participation" <<<"$txt" || why="$why; alt text not printed"
grep -q "Remote diagram" <<<"$txt" || why="$why; remote image's alt text not printed"
grep -q "warning" "$T/err" || why="$why; no warning"
[ -z "$why" ] && pass "missing and remote images print their alt text, with a warning" ||
	fail "missing and remote images print their alt text, with a warning" "$why"

# a long URL and a long word break instead of overflowing
printf -- '---\ntitle: Long words\n---\n\nSee https://docs.google.com/document/d/1MN0NPnxHub2tFqB4HR8EkBLgRkUU6Y-pYUmuyCF6fe0/edit#heading=h.4hwqn6no1hlk_and_some_more_path/segments/that/keep/going for details, or Pneumonoultramicroscopicsilicovolcanoconiosis-Pneumonoultramicroscopicsilicovolcanoconiosis.\n\n```\nthis_is_a_very_long_code_line_that_goes_on_and_on_and_on_without_any_break_at_all_for_quite_a_while_longer_than_the_page()\n```\n\n- [ ] a task\n- [x] a done task\n' >"$T/site/long.md"
conv "$T/site/long.md" "$T/long.pdf" -q
why=""
[ $RC -ne 0 ] && why="exit $RC: $(head -n 3 "$T/err")"
pdftotext -bbox "$T/long.pdf" "$T/long.html" 2>/dev/null
out=$("$PY" "$CHECK" bbox "$T/long.html" --margins 72,72,72,72) || why="$why$out"
pdftotext "$T/long.pdf" - 2>/dev/null | grep -q "↪" || why="$why; no continuation mark on the wrapped code line"
[ -z "$why" ] && pass "long URLs, words and code lines stay inside the text block" ||
	fail "long URLs, words and code lines stay inside the text block" "$why"

# spans, in-document links, characters the body face lacks
cat >"$T/site/spans.md" <<'MD'
---
title: Spans
---

## Plan {#plan}

<table>
<tr><th colspan="2">Morning and afternoon</th><th>Evening</th></tr>
<tr><td rowspan="2">Warm-up spanning two rows</td><td>Session one</td><td>Review</td></tr>
<tr><td>Session two</td><td>Rest</td></tr>
</table>

Go back to [the plan](#plan). Arrows → ✓ ★ ≠ and “quotes” — dashes … café.
MD
conv "$T/site/spans.md" "$T/spans.pdf" -q
why=""
[ $RC -ne 0 ] && why="exit $RC: $(head -n 3 "$T/err")"
txt=$(pdftotext "$T/spans.pdf" - 2>/dev/null)
for w in "Morning and afternoon" "Warm-up spanning" "Session two" "Rest" "→ ✓ ★ ≠" "“quotes” — dashes … café"; do
	grep -qF "$w" <<<"$txt" || why="$why; '$w' missing"
done
pdftotext -bbox "$T/spans.pdf" "$T/spans.html" 2>/dev/null
out=$("$PY" "$CHECK" bbox "$T/spans.html" --margins 72,72,72,72) || why="$why$out"
qpdf --qdf --object-streams=disable "$T/spans.pdf" "$T/spans-qdf.pdf" 2>/dev/null
grep -aq "/Subtype /Link" "$T/spans-qdf.pdf" && grep -aq "/Dest " "$T/spans-qdf.pdf" ||
	why="$why; no link annotation with a destination for #plan"
nfonts=$(pdffonts "$T/spans.pdf" 2>/dev/null | awk 'NR > 2' | wc -l)
[ "$nfonts" -lt 3 ] && why="$why; no fallback face embedded for ✓ ★ ($nfonts fonts)"
[ -z "$why" ] && pass "colspan/rowspan tables, #anchor links, fallback glyphs" ||
	fail "colspan/rowspan tables, #anchor links, fallback glyphs" "$why"

# the a4 theme: page size and margins
if [ -f styles/a4.yaml ] && [ -f "$SEED" ]; then
	conv "$SEED" "$T/a4.pdf" -q --style styles/a4.yaml
	why=""
	[ $RC -ne 0 ] && why="exit $RC: $(head -n 3 "$T/err")"
	pdfinfo "$T/a4.pdf" 2>/dev/null | grep -q "Page size: *595.27[0-9]* x 841.8[0-9]* pts" || why="$why; not A4: $(pdfinfo "$T/a4.pdf" 2>/dev/null | grep 'Page size')"
	pdftotext -bbox "$T/a4.pdf" "$T/a4.html" 2>/dev/null
	out=$("$PY" "$CHECK" bbox "$T/a4.html" --margins 70.87,56.69,70.87,56.69) || why="$why$out"
	[ -z "$why" ] && pass "--style a4: A4 pages, text inside its margins" ||
		fail "--style a4: A4 pages, text inside its margins" "$why"
fi

# pathological nesting must neither crash nor take long
if [ "$SANITIZED" != 1 ]; then
	"$PY" -c 'import sys; sys.stdout.write("> " * 100000 + "deep\n")' >"$T/site/deepq.md"
	"$PY" -c 'import sys; sys.stdout.write("".join("  " * i + "- item\n" for i in range(3000)))' >"$T/site/deepl.md"
	"$PY" -c 'import sys; sys.stdout.write("*a " * 20000 + "x" + " b*" * 20000 + "\n")' >"$T/site/deepe.md"
	"$PY" -c 'import sys; sys.stdout.write("<div class=\"callout activity\" markdown=\"1\">\n\n" * 80 + "deep text\n" + "\n</div>\n" * 80)' >"$T/site/deepc.md"
	for d in deepq deepl deepe deepc; do
		start=$(date +%s%N)
		conv "$T/site/$d.md" "$T/$d.pdf" -q
		ms=$((($(date +%s%N) - start) / 1000000))
		why=""
		[ $RC -ne 0 ] && why="exit $RC: $(tail -n 3 "$T/err")"
		[ -z "$why" ] && ! qpdf --check "$T/$d.pdf" >/dev/null 2>&1 && why="qpdf --check fails"
		[ -z "$why" ] && [ $ms -gt 20000 ] && why="took $ms ms"
		if [ -z "$why" ]; then
			pdftotext -bbox "$T/$d.pdf" "$T/$d.html" 2>/dev/null
			why=$("$PY" "$CHECK" bbox "$T/$d.html" --margins 72,72,72,72)
		fi
		[ -z "$why" ] && pass "pathological nesting ($d.md) converts in $ms ms" ||
			fail "pathological nesting ($d.md)" "$why"
	done
fi

# memory: the seed's PDF under valgrind (release build only)
if [ "$SANITIZED" != 1 ] && [ -f "$SEED" ]; then
	if command -v valgrind >/dev/null 2>&1; then
		timeout $((TMO * 5)) valgrind -q --leak-check=full \
			--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
			"$BIN" -q "$SEED" -o "$T/vg.pdf" >/dev/null 2>"$T/vg.err" </dev/null
		rc=$?
		[ $rc -eq 0 ] && pass "valgrind: the seed's PDF (no errors, no leaks)" ||
			fail "valgrind: the seed's PDF (exit $rc)" "$(grep -m 12 -E '==[0-9]+== ' "$T/vg.err")"
	else
		skip "valgrind: the seed's PDF (valgrind not installed)"
	fi
fi
# ---- --no-fields: print-only output ----------------------------------
DEMO=examples/demo-site/modules/demo/_posts/2000-01-01-welcome.md
nf() { qpdf --json --json-key=acroform "$1" 2>/dev/null |
	python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("acroform",{}).get("fields",[])))' 2>/dev/null; }
if "$BIN" "$DEMO" -o "$T/nf-on.pdf" 2>/dev/null && "$BIN" "$DEMO" -o "$T/nf-off.pdf" --no-fields 2>/dev/null; then
	on=$(nf "$T/nf-on.pdf") off=$(nf "$T/nf-off.pdf")
	if [ -n "$on" ] && [ "$on" -gt 0 ] && [ "$off" = 0 ]; then
		pass "pdf: --no-fields drops the form fields ($on -> 0)"
	else
		fail "pdf: --no-fields" "fields with: '$on', without: '$off'"
	fi
else
	fail "pdf: --no-fields conversion"
fi
"$BIN" "$DEMO" -o "$T/nf.epub" --no-fields >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ]; then pass "pdf: --no-fields for another format is a usage error"; else fail "pdf: --no-fields for epub exited $rc, not 2"; fi

# ---- PNG kinds: every colour type and depth, tRNS, interlacing, and
# damaged files (src/back/pdf/png.c); pixels checked through pdfimages
if command -v pdfimages >/dev/null 2>&1; then
	pk=$T/pngkinds
	python3 tests/check_png.py make "$pk"
	timeout "$TMO" "$BIN" "$pk/page.md" -o "$pk/page.pdf" 2>"$pk/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "pdf: page of PNG kinds converts (exit $rc)" "$(head -n 5 "$pk/err")"
	else
		n=$(grep -c 'bad-.*not a readable PNG' "$pk/err")
		[ "$n" = 2 ] && pass "pdf: truncated and damaged PNGs: a warning each, alt text, no crash" ||
			fail "pdf: truncated and damaged PNGs" "$(cat "$pk/err")"
		(cd "$pk" && pdfimages page.pdf x)
		python3 tests/check_png.py check "$pk"
	fi
else
	skip "pdf: PNG kinds (no pdfimages)"
fi
exit 0
