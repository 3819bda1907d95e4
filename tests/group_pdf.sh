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
conv() { conv_to "$T/err" "$@"; }

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
	# the QR code is one path (a rectangle per run of dark modules in a
	# row) filled once
	n=$(awk '/ re$/ { r++; next } /^f$/ { if (r > m) m = r } { r = 0 } END { print m + 0 }' "$T/seed-qdf.pdf")
	[ "$n" -ge 50 ] && pass "seed: the QR code is one path filled once ($n rectangles)" ||
		fail "seed: the QR code is one path filled once" "at most $n rectangles in a fill"
	# object streams and a cross-reference stream, read back by pypdf
	# (strict) object by object against qpdf's uncompressed view
	PYPDF=$(py_with pypdf)
	why=$("${PYPDF:-$PY}" - "$o.pdf" "$T/seed-qdf.pdf" 2>&1 <<'EOF'
import re, sys
import pypdf
raw = open(sys.argv[1], "rb").read()
qdf = open(sys.argv[2], "rb").read()
m = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", raw)
if not m or not re.match(rb"\d+ 0 obj\s*<<[^>]*/Type /XRef\b", raw[int(m.group(1)):]):
    print("startxref does not point at a cross-reference stream")
    sys.exit(1)
if b"/Type /ObjStm" not in raw or b"/Type /Catalog" in raw:
    print("the objects are not packed into object streams")
    sys.exit(1)
r = pypdf.PdfReader(sys.argv[1], strict=True)
n = 0
size = int(re.search(rb"/Type /XRef /Size (\d+)", raw).group(1))
for num in range(1, size):
    try:
        o = r.get_object(num)
    except Exception as e:
        print("object %d: %s" % (num, e))
        sys.exit(1)
    if o is not None:
        n += 1
# qpdf's view holds the objects less the object streams and the xref
# stream (and any unreferenced object: none here)
want = len(re.findall(rb"(?m)^\d+ 0 obj\b", qdf))
if n < want:
    print("pypdf read %d objects, qpdf's view has %d" % (n, want))
    sys.exit(1)
if r.trailer["/Root"].get("/Type") != "/Catalog" or len(r.pages) < 1:
    print("no catalog or no pages")
    sys.exit(1)
if "What is Mentoring?" not in "".join(p.extract_text() for p in r.pages):
    print("pypdf reads no title text")
    sys.exit(1)
EOF
)
	[ $? -eq 0 ] && pass "seed: object streams and an xref stream, every object read back (pypdf, strict)" ||
		fail "seed: object streams and an xref stream, every object read back (pypdf, strict)" "$why"
fi

# print-only: a theme with answer.fields: false makes no form
if [ -f "$SEED" ]; then
	printf 'answer:\n  fields: false\n' >"$T/print.yaml"
	conv "$SEED" "$T/print.pdf" -q --style "$T/print.yaml"
	why=""
	[ $RC -ne 0 ] && why="exit $RC: $(head -n 3 "$T/err")"
	# objects are packed into compressed object streams: look at an
	# uncompressed view, and make sure there is one
	if qpdf --qdf --object-streams=disable "$T/print.pdf" "$T/print-qdf.pdf" 2>/dev/null &&
		grep -aq "/Type /Catalog" "$T/print-qdf.pdf"; then
		grep -aq "/AcroForm" "$T/print-qdf.pdf" && why="$why; the PDF still has an /AcroForm"
	else
		why="$why; qpdf could not give an uncompressed view of the PDF"
	fi
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
	qpdf --qdf --object-streams=disable "$T/date.pdf" - 2>/dev/null | grep -aq "D:20231114221320Z" ||
		why="no CreationDate D:20231114221320Z"
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
			"$VG_BIN" -q "$SEED" -o "$T/vg.pdf" >/dev/null 2>"$T/vg.err" </dev/null
		rc=$?
		[ $rc -eq 0 ] && pass "valgrind: the seed's PDF (no errors, no leaks)" ||
			fail "valgrind: the seed's PDF (exit $rc)" "$(grep -m 12 -E '==[0-9]+== ' "$T/vg.err")"
	else
		skip "valgrind: the seed's PDF (valgrind not installed)"
	fi
fi
# ---- documents built from several inputs: modules, courses, worksheets ----
# sections.py PDF KIND TITLE (KIND module, course or worksheets) checks what
# a reader relies on: for a module or course, a title page and a printed
# table of contents whose page numbers are the pages the headings land on
# (each line a link there); every part, chapter and worksheet at the top
# of its own page; the outline nesting parts > chapters > headings; the
# running header (TITLE) and "Page N of M" on every page.
cat >"$T/sections.py" <<'EOF'
import json, re, subprocess, sys

pdf, kind, title = sys.argv[1], sys.argv[2], sys.argv[3]
bad = []


def run(*a):
    return subprocess.run(a, capture_output=True, text=True, check=True).stdout


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


info = json.loads(run("qpdf", "--json", "--json-key=outlines", "--json-key=pages",
                      "--json-key=qpdf", pdf))
pages = info["pages"]
npages = len(pages)
pageno = {p["object"]: p["pageposfrom1"] for p in pages}
objs = info["qpdf"][1]

flat = []  # the outline: (depth, title, page, number of kids), in order


def walk(items, depth):
    for o in items:
        flat.append((depth, norm(o.get("title", "")), o.get("destpageposfrom1"),
                     len(o.get("kids", []))))
        walk(o.get("kids", []), depth + 1)


walk(info["outlines"], 0)
text = run("pdftotext", "-enc", "UTF-8", "-layout", pdf, "-").split("\f")[:npages]
lines = [[l.strip() for l in t.split("\n") if l.strip()] for t in text]
for i, ls in enumerate(lines, 1):
    foot = "Page %d of %d" % (i, npages)
    if not ls or ls[-1] != foot:
        bad.append("page %d: last line %r, not %r" % (i, ls[-1] if ls else "", foot))
    if i > 1 and (not ls or ls[0] != title):
        bad.append("page %d: running header %r, not %r" % (i, ls[0] if ls else "", title))
if norm(title) not in norm(text[0]):
    bad.append("page 1 lacks the title")


def starts_page(t, p, skip=1):
    head = norm(" ".join(lines[p - 1][skip:skip + 6]))
    return head.startswith(t[:60])


if kind == "worksheets":
    ws = [(t, p) for d, t, p, k in flat if d == 0][1:]  # after the title
    if len(ws) < 2:
        bad.append("only %d worksheets in the outline" % len(ws))
    for i, (t, p) in enumerate(ws):
        if i and p <= ws[i - 1][1]:
            bad.append("worksheet %r shares page %d with the one before" % (t, p))
        if i and not starts_page(t, p):
            bad.append("page %d does not start with worksheet %r" % (p, t))
    print("%d worksheets on %d pages" % (len(ws), npages))
    if bad:
        print("\n".join(bad[:10]))
        sys.exit(1)
    sys.exit(0)

top = [f for f in flat if f[0] == 0]
if not top or any(p is None or p < 3 for d, t, p, k in top):
    bad.append("the outline's top level is not the parts or chapters alone: %r"
               % [(t, p) for d, t, p, k in top[:3]])
first_body = min([p for d, t, p, k in top if p] or [npages + 1])

# the printed contents, page 2 up to the first section: (indent, title,
# number); a course's parts are the least indented lines
entries, cur, ind = [], "", None
for pg in range(2, first_body):
    raw = [l for l in text[pg - 1].split("\n") if l.strip()][1:-1]
    for l in raw:
        if l.strip() == "Contents":
            continue
        if ind is None:
            ind = len(l) - len(l.lstrip())
        m = re.match(r"^(.*?)[\s.]*?\s(\d+)$", l.strip())
        if m and re.search(r"(\. ?){3}", l):
            t = norm(re.sub(r"( ?\.)+\s*$", "", norm(cur + " " + m.group(1))))
            entries.append((ind, t, int(m.group(2))))
            cur, ind = "", None
        else:
            cur += " " + l.strip()
if cur.strip():
    bad.append("contents: text without a page number: %r" % cur.strip())
if not entries:
    bad.append("no contents entries on pages 2..%d" % (first_body - 1))
low = min((i for i, t, n in entries), default=0)

# each line is a part or chapter in the outline, in order, nested right,
# on the page printed; each starts its page
j = 0
kids = False
prev = None  # the entry before, (indent, title, page)
for i, t, n in entries:
    depth = 0 if kind == "module" or i == low else 1
    while j < len(flat) and not (flat[j][0] == depth and flat[j][1] == t):
        j += 1
    if j == len(flat):
        bad.append("contents line %r (page %d) is not at outline level %d" % (t, n, depth + 1))
        break
    d, ot, op, k = flat[j]
    kids = kids or k > 0 and (kind == "module" or depth == 1)
    if op != n:
        bad.append("contents line %r says page %d, the heading is on page %s" % (t, n, op))
    # a chapter starts its page, or follows right after the heading of a
    # part that has no intro
    under = depth == 1 and prev and prev[0] == low and prev[2] == n
    if not starts_page(t, n) and not (under and starts_page(prev[1] + " " + t, n)):
        bad.append("page %d does not start with %r" % (n, t))
    prev = (i, t, n)
    j += 1
if kind == "course" and not any(i > low for i, t, n in entries):
    bad.append("no chapter lines (indented) in a course's contents")
if not kids:
    bad.append("no chapter has headings under it in the outline")
# every part or chapter in the outline is in the contents
listed = {t for i, t, n in entries}
for d, t, p, k in flat:
    if d == 0 and t not in listed:
        bad.append("outline entry %r is not in the contents" % t)
got = [(t, n) for i, t, n in entries]

# each contents line links to its heading's page
links = []
for pg in range(2, first_body):
    annots = objs["obj:" + pages[pg - 1]["object"]]["value"].get("/Annots", [])
    if isinstance(annots, str):
        annots = objs["obj:" + annots]["value"]
    for a in annots:
        v = objs["obj:" + a]["value"]
        dest = v.get("/Dest")
        if isinstance(dest, str):
            dest = objs["obj:" + dest]["value"]
        if v.get("/Subtype") == "/Link" and dest:
            links.append((pg, -v["/Rect"][3], pageno.get(dest[0])))
lp = [p for _, _, p in sorted(links)]
if lp != [n for t, n in got]:
    bad.append("contents links go to pages %r, the printed numbers are %r"
               % (lp[:12], [n for t, n in got][:12]))

print("%d contents lines on %d page(s), %d pages" % (len(entries), first_body - 2, npages))
if bad:
    print("\n".join(bad[:10]))
    sys.exit(1)
EOF

# outline.py PDF: the outline's dictionaries as pypdf (strict) reads
# them: every entry's /Parent, /Prev, /Next, /First and /Last agree, each
# /Count is the number of its descendants (all open) and the root's the
# number of entries, each /Dest is [page /FitH top] on a page of the
# document, and each /Title is a text string; prints the count.
cat >"$T/outline.py" <<'EOF'
import sys
import pypdf
from pypdf.generic import IndirectObject

r = pypdf.PdfReader(sys.argv[1], strict=True)
pages = {p.indirect_reference.idnum for p in r.pages}
root = r.trailer.raw_get("/Root").get_object().raw_get("/Outlines")
bad, n = [], 0


def ref(d, k):
    v = d.get_object().raw_get(k) if k in d.get_object() else None
    return v.idnum if isinstance(v, IndirectObject) else None


def kids(node):
    """node's children, checked; the number of its descendants."""
    global n
    out, prev, last = 0, None, None
    cur = node.get_object().raw_get("/First") if "/First" in node.get_object() else None
    seen = set()
    while cur is not None:
        if cur.idnum in seen:
            bad.append("a loop among the siblings at %d" % cur.idnum)
            break
        seen.add(cur.idnum)
        e = cur.get_object()
        n += 1
        if ref(e, "/Parent") != node.idnum:
            bad.append("entry %d: /Parent %s, not %d" % (cur.idnum, ref(e, "/Parent"), node.idnum))
        if ref(e, "/Prev") != prev:
            bad.append("entry %d: /Prev %s, not %s" % (cur.idnum, ref(e, "/Prev"), prev))
        if not isinstance(e.get("/Title"), str):
            bad.append("entry %d: no text string /Title" % cur.idnum)
        d = e.get("/Dest")
        if (d is None or len(d) != 3 or d[1] != "/FitH" or
                not isinstance(d.raw_get(0) if hasattr(d, "raw_get") else d[0], IndirectObject)
                or (d.raw_get(0) if hasattr(d, "raw_get") else d[0]).idnum not in pages):
            bad.append("entry %d: /Dest %r" % (cur.idnum, d))
        below = kids(cur)
        if below:
            if e.get("/Count") != below:
                bad.append("entry %d: /Count %r, %d below it" % (cur.idnum, e.get("/Count"), below))
        elif "/Count" in e or "/First" in e:
            bad.append("entry %d: /Count or /First without kids" % cur.idnum)
        out += 1 + below
        prev, last = cur.idnum, cur.idnum
        cur = e.raw_get("/Next") if "/Next" in e else None
    if ref(node, "/Last") != last:
        bad.append("node %d: /Last %s, not %s" % (node.idnum, ref(node, "/Last"), last))
    return out


total = kids(root)
if root.get_object().get("/Count") != total:
    bad.append("root: /Count %r, %d entries" % (root.get_object().get("/Count"), total))
print("%d outline entries" % n)
if bad:
    print("\n".join(bad[:10]))
    sys.exit(1)
EOF

# secpdf NAME PDF KIND TITLE: the checks every multi-input PDF gets
secpdf() {
	local name=$1 pdf=$2 kind=$3 title=$4 why out
	why=$("$PY" "$T/sections.py" "$pdf" "$kind" "$title" 2>&1)
	[ $? -eq 0 ] && pass "$name: pages, contents and outline ($(head -n 1 <<<"$why"))" ||
		fail "$name: pages, contents and outline" "$why"
	local pp
	pp=$(py_with pypdf)
	if [ -n "$pp" ]; then
		why=$("$pp" "$T/outline.py" "$pdf" 2>&1)
		[ $? -eq 0 ] && pass "$name: outline dictionaries consistent, read by pypdf ($(head -n 1 <<<"$why"))" ||
			fail "$name: outline dictionaries (pypdf)" "$why"
	else
		skip "$name: outline dictionaries (no pypdf)"
	fi
	why=""
	out=$(qpdf --check "$pdf" 2>&1) || why="qpdf exit $?"
	grep -qi 'warning' <<<"$out" && why="$why $(grep -i -m 3 'warn' <<<"$out")"
	pdftotext -bbox "$pdf" "$T/sec.html" 2>/dev/null
	out=$("$PY" "$CHECK" bbox "$T/sec.html" --margins 72,72,72,72) || why="$why$out"
	out=$("$PY" "$CHECK" headings "$T/sec.html") || why="$why$out"
	[ -z "$why" ] && pass "$name: qpdf --check clean, words inside the text block, no page ends with a heading" ||
		fail "$name: qpdf --check, geometry, headings" "$why"
}

# sectest NAME KIND TITLE IN [ARGS...]: convert twice, check, compare
sectest() {
	local name=$1 kind=$2 title=$3 in=$4
	shift 4
	SOURCE_DATE_EPOCH=1700000000 conv "$in" "$T/$name.pdf" -q "$@"
	if [ $RC -ne 0 ]; then
		fail "$name: converts" "exit $RC: $(head -n 3 "$T/err")"
		return
	fi
	secpdf "$name" "$T/$name.pdf" "$kind" "$title"
	SOURCE_DATE_EPOCH=1700000000 conv "$in" "$T/$name-2.pdf" -q "$@"
	cmp -s "$T/$name.pdf" "$T/$name-2.pdf" && pass "$name: two runs give byte-identical PDFs" ||
		fail "$name: two runs give byte-identical PDFs" "exit $RC; $(cmp "$T/$name.pdf" "$T/$name-2.pdf" 2>&1)"
}

# a constructed course: two modules, chapters long enough to span pages
CS=$T/course-site
mkdir -p "$CS/_data" "$CS/modules/alpha/_posts" "$CS/modules/beta/_posts" "$CS/modules/gamma/_posts"
printf 'title: Test site\n' >"$CS/_config.yml"
printf 'title: Test Course\ndescription: A course built for the tests\nmodules: [alpha, beta, gamma]\n' >"$CS/_data/course.yml"
para() { for i in $(seq 1 "$1"); do printf 'Paragraph %d of this section. Mentors listen first, ask open questions and let the mentee set the pace; a good session ends with one small step the mentee chose and a time to talk about how it went.\n\n' "$i"; done; }
for m in alpha beta gamma; do
	M=$(tr a-z A-Z <<<"${m:0:1}")${m:1}
	# gamma's overview has no intro text: its part heading alone
	{ printf -- "---\ntitle: Module %s\ntags: ['sectionHead']\npermalink: /modules/%s/\n---\n\n" "$M" "$m"; [ $m = gamma ] || para 2; } >"$CS/modules/$m/_posts/2000-01-01-overview.md"
	for s in 1 2 3; do
		{
			printf -- "---\ntitle: %s section %d\n---\n\n" "$M" "$s"
			para $((s * 4))
			printf '## Things to try in %s %d\n\n' "$M" "$s"
			para 3
			printf '<div class="callout activity" markdown="1">\n\n## Worksheet %s %d\n\nWhat would you ask?\n\n* When I was a mentee...\n* I learned...\n\n</div>\n\n' "$M" "$s"
		} >"$CS/modules/$m/_posts/2001-0$s-01-section-$s.md"
	done
done
sectest "constructed module" module "Module Alpha" "$CS/modules/alpha"
sectest "constructed course" course "Test Course" "$CS"
sectest "constructed worksheets" worksheets "Module Alpha – Worksheets" "$CS/modules/alpha" --worksheets
if [ "$SANITIZED" != 1 ] && command -v valgrind >/dev/null 2>&1; then
	timeout $((TMO * 5)) valgrind -q --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		"$VG_BIN" -q "$CS" -o "$T/vg-course.pdf" >/dev/null 2>"$T/vg.err" </dev/null
	rc=$?
	[ $rc -eq 0 ] && pass "valgrind: the constructed course's PDF (no errors, no leaks)" ||
		fail "valgrind: the constructed course's PDF (exit $rc)" "$(grep -m 12 -E '==[0-9]+== ' "$T/vg.err")"
fi

CL=$SHARED/corpus/connectedlib
if [ -d "$CL/modules/mentoring" ]; then
	sectest "corpus module (mentoring)" module "Mentoring" "$CL/modules/mentoring"
	sectest "corpus worksheets (mentoring)" worksheets "Mentoring – Worksheets" "$CL/modules/mentoring" --worksheets
	if [ "$SANITIZED" != 1 ]; then
		sectest "corpus course" course "ConnectedLib Toolkit" "$CL"
	fi
else
	skip "corpus module, course and worksheets ($CL not found)"
fi

# a single page is not a section: no title page, no contents
if [ -f "$SEED" ]; then
	conv "$SEED" "$T/single.pdf" -q
	txt=$(pdftotext -f 1 -l 1 "$T/single.pdf" - 2>/dev/null)
	n=$(grep -c . <<<"$txt")
	[ $RC -eq 0 ] && [ "$n" -gt 12 ] && ! grep -qx "Contents" <<<"$txt" &&
		pass "a single page gets no title page or contents (page 1: $n lines)" ||
		fail "a single page gets no title page or contents" "exit $RC, page 1: $n lines"
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
		n=$(grep -c 'bad-.*cannot be used (a damaged or unsupported PNG' "$pk/err")
		[ "$n" = 2 ] && pass "pdf: truncated and damaged PNGs: a warning each, alt text, no crash" ||
			fail "pdf: truncated and damaged PNGs" "$(cat "$pk/err")"
		(cd "$pk" && pdfimages page.pdf x)
		python3 tests/check_png.py check "$pk"
	fi
else
	skip "pdf: PNG kinds (no pdfimages)"
fi

# ---- PNGs too big to inflate whole (png.c's PNG_WHOLE_MAX, 32 MiB):
# read a row at a time; pixels through pdfimages, and the peak RSS far
# below the 46 MB one of them inflates to (not under the sanitizers,
# whose memory is their own)
if command -v pdfimages >/dev/null 2>&1; then
	bp=$T/pngbig
	python3 tests/check_png.py make-big "$bp"
	timeout "$TMO" /usr/bin/time -f '@@ %M' -o "$bp/time" "$BIN" -q "$bp/page.md" -o "$bp/page.pdf" 2>"$bp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "pdf: page of big PNGs converts (exit $rc)" "$(head -n 5 "$bp/err")"
	else
		(cd "$bp" && pdfimages page.pdf x)
		python3 tests/check_png.py check-big "$bp"
		rm -f "$bp"/x-*
		kb=$(awk '/^@@/ {print $2}' "$bp/time")
		if [ "$SANITIZED" = 1 ]; then
			skip "pdf: big PNGs' peak RSS (sanitizer build)"
		elif [ -n "$kb" ] && [ "$kb" -lt 32768 ]; then
			pass "pdf: big PNGs a row at a time: peak RSS $kb KiB (< 32 MiB; one inflates to 46 MB)"
		else
			fail "pdf: big PNGs' peak RSS" "${kb:-?} KiB, not < 32768"
		fi
	fi
else
	skip "pdf: big PNGs (no pdfimages)"
fi

# ---- a worksheet a little longer than a page is fitted onto one --------
wf=$T/wsfit
mkdir -p "$wf"
{
	printf -- '---\ntitle: Five prompts\n---\n<div class="callout activity" markdown="1">\n## Reflect\n\n'
	for i in 1 2 3 4 5; do printf '* Prompt number %d: what did you notice...\n' "$i"; done
	printf '</div>\n'
} >"$wf/page.md"
timeout "$TMO" "$BIN" -q --worksheets "$wf/page.md" -o "$wf/ws.pdf" 2>"$wf/err"
rc=$?
pages=$(pdfinfo "$wf/ws.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
fields=$(qpdf --json --json-key=acroform "$wf/ws.pdf" 2>/dev/null |
	python3 -c 'import json,sys; print(len([f for f in json.load(sys.stdin)["acroform"]["fields"] if f.get("partialname", "").startswith("answer-")]))' 2>/dev/null)
timeout "$TMO" "$BIN" -q "$wf/page.md" -o "$wf/page.pdf" 2>/dev/null
# the height of the first answer field, in points
fh() { qpdf --json --json-key=acroform --json-key=qpdf "$1" 2>/dev/null | python3 -c '
import json, sys
j = json.load(sys.stdin)
o = [f for f in j["acroform"]["fields"] if f.get("partialname", "").startswith("answer-")][0]["object"]
r = j["qpdf"][1]["obj:" + o]["value"]["/Rect"]
print(round(r[3] - r[1]))' 2>/dev/null; }
hw=$(fh "$wf/ws.pdf") hp=$(fh "$wf/page.pdf")
# the worksheet (heading, Name/Date line, then the box) is too long for
# the room under the title with full writing lines: they are drawn closer
if [ $rc -eq 0 ] && [ "$pages" = 1 ] && [ "$fields" = 5 ] && [ -n "$hw" ] && [ -n "$hp" ] && [ "$hw" -lt "$hp" ]; then
	pass "pdf: a worksheet a little over its room is fitted onto one page (answer fields ${hp}pt -> ${hw}pt high, all 5 kept)"
else
	fail "pdf: worksheet fitted onto one page" "exit $rc; the worksheet: $pages pages, $fields fields, field height $hw (page: $hp)"
fi

# ---- every fixture (but the expected failures) to PDF, in one batch run;
# each passes qpdf --check.  Under the sanitizers too: the fixtures hold
# what fuzzing found (fixtures/fuzz-*.md).
fx=()
for f in fixtures/*.md; do [ -e "${f%.md}.err" ] || fx+=("$f"); done
rm -rf "$T/fx"
timeout $((TMO * 5)) "$BIN" -q -j 2 -d "$T/fx" -t pdf "${fx[@]}" </dev/null >/dev/null 2>"$T/fx.err"
rc=$?
why=""
grep -qE 'Sanitizer|runtime error:' "$T/fx.err" && why="sanitizer: $(grep -m 5 -E 'Sanitizer|runtime error|#[0-9] ' "$T/fx.err")"
[ $rc -ne 0 ] && why="$why; exit $rc: $(tail -n 3 "$T/fx.err")"
n=0
while IFS= read -r pdf; do
	n=$((n + 1))
	qpdf --check "$pdf" >/dev/null 2>&1 || why="$why; qpdf --check fails on $pdf"
done < <(find "$T/fx" -name '*.pdf' 2>/dev/null)
[ "$n" -eq ${#fx[@]} ] || why="$why; $n PDFs for ${#fx[@]} fixtures"
if [ -z "$why" ]; then pass "pdf: all ${#fx[@]} fixtures convert in one run, each passing qpdf --check"
else fail "pdf: fixtures to PDF" "$why"; fi
rm -rf "$T/fx"

# ---- a theme label with U+FFFF (libunibreak's end-of-text mark) --------
nc=$T/nonchar
mkdir -p "$nc"
sed 's/label: Activity/label: "Acti\\uFFFFvity"/' styles/default.yaml >"$nc/theme.yaml"
printf -- '---\ntitle: Nonchar\n---\n<div class="callout activity" markdown="1">\nDo it.\n</div>\n' >"$nc/page.md"
conv "$nc/page.md" "$nc/page.pdf" --style "$nc/theme.yaml"
if ! grep -q 'uFFFF' "$nc/theme.yaml"; then fail "pdf: theme label with U+FFFF" "the test could not plant it"
elif [ $RC -eq 0 ] && qpdf --check "$nc/page.pdf" >/dev/null 2>&1; then pass "pdf: a theme label holding U+FFFF converts (no libunibreak abort)"
else fail "pdf: theme label with U+FFFF (exit $RC)" "$(head -n 3 "$T/err")"; fi

# ---- JPEGs: damaged ones are refused before libharu copies them in ----
jk=$T/jpegs
mkdir -p "$jk"
printf '\377\330\377\300\000\021\010\377\377\377\377\003\001\042\000' >"$jk/bomb.jpg"
printf '\377\330\377\340\000\020JFIF' >"$jk/trunc.jpg"
printf -- '---\ntitle: JPEGs\n---\n![bomb](bomb.jpg)\n\n![trunc](trunc.jpg)\n' >"$jk/page.md"
real=$(find "$SHARED/corpus" -name '*.jpg' 2>/dev/null | head -n 1)
[ -n "$real" ] && cp "$real" "$jk/real.jpg" && printf '\n![real](real.jpg)\n' >>"$jk/page.md"
timeout "$TMO" "$BIN" "$jk/page.md" -o "$jk/page.pdf" 2>"$jk/err"
rc=$?
why=""
[ $rc -ne 0 ] && why="exit $rc"
grep -q 'bomb.jpg.*65535 x 65535 pixels, more than the limit of 64 megapixels' "$jk/err" &&
	grep -q 'trunc.jpg.*cannot be used (a JPEG file without a frame header)' "$jk/err" ||
	why="$why; warnings: $(cat "$jk/err")"
qpdf --check "$jk/page.pdf" >"$jk/qc" 2>&1 || why="$why; qpdf: $(grep -m 3 -E 'WARNING|ERROR' "$jk/qc")"
if [ -n "$real" ] && command -v pdfimages >/dev/null 2>&1; then
	[ "$(pdfimages -list "$jk/page.pdf" | tail -n +3 | wc -l)" = 1 ] || why="$why; the real JPEG is not embedded"
fi
if [ -z "$why" ]; then pass "pdf: a JPEG bomb and a truncated JPEG: a warning each, alt text, a clean PDF"; else fail "pdf: damaged JPEGs" "$why"; fi
# ---- text strings past U+FFFF, and ones longer than a PDF string --------
# The title, a bookmark, an image's /Alt and a field's /TU as pypdf reads
# them: characters beyond the Basic Multilingual Plane whole (libharu's
# UTF-8 encoder wrote each as a space), and a 20,000-character title cut
# at PDF's 32,767-byte string limit with a warning, not a failed PDF.
ts=$T/textstr
mkdir -p "$ts"
cp fixtures/img/pic.png "$ts/pic.png"
cat >"$ts/page.md" <<'MD'
---
title: "Maths 𝔸 and 🌱 seeds"
---
# Heading 𝔸🌱

![Alt 𝔸 🌱 text](pic.png)

<div class="callout activity" markdown="1">

## Worksheet 𝔸

* The seed 🌱 I plant first is...

</div>
MD
PYPDF=$(py_with pypdf)
conv "$ts/page.md" "$ts/page.pdf"
why=""
[ $RC -ne 0 ] && why="exit $RC: $(head -n 3 "$T/err")"
if [ -z "$why" ] && [ -n "$PYPDF" ]; then
	why=$("$PYPDF" - "$ts/page.pdf" <<'PY'
import sys, pypdf
r = pypdf.PdfReader(sys.argv[1], strict=True)
bad = []
if r.metadata.title != "Maths 𝔸 and 🌱 seeds":
    bad.append("title %r" % r.metadata.title)
def walk(o):
    for x in o:
        if isinstance(x, list): yield from walk(x)
        else: yield x.title
ol = list(walk(r.outline))
if "Heading 𝔸🌱" not in ol:
    bad.append("bookmarks %r" % ol)
alts = []
def elems(e, seen):
    e = e.get_object()
    if id(e) in seen or not hasattr(e, "get"): return
    seen.add(id(e))
    if "/Alt" in e: alts.append(str(e["/Alt"]))
    k = e.get("/K")
    if k is None: return
    k = k.get_object()
    for x in (k if isinstance(k, list) else [k]):
        if hasattr(x, "get_object") and hasattr(x.get_object(), "get"):
            elems(x, seen)
elems(r.trailer["/Root"]["/StructTreeRoot"], set())
if "Alt 𝔸 🌱 text" not in alts:
    bad.append("/Alt %r" % alts)
tus = [str(f.get("/TU")) for f in r.get_fields().values()]
if not any("The seed 🌱 I plant first is" in t for t in tus):
    bad.append("/TU %r" % tus)
print("; ".join(bad))
PY
)
fi
if [ -z "$PYPDF" ]; then skip "pdf: text strings past U+FFFF (no pypdf)"
elif [ -z "$why" ]; then pass "pdf: title, bookmark, /Alt and /TU keep characters past U+FFFF (pypdf)"
else fail "pdf: text strings past U+FFFF" "$why"; fi
"$PY" -c 'import sys; print("---\ntitle: \"" + "ab " * 20000 + "\"\n---\nBody.")' >"$ts/long.md"
conv "$ts/long.md" "$ts/long.pdf"
why=""
[ $RC -ne 0 ] && why="exit $RC: $(head -n 3 "$T/err")"
grep -q 'warning: the title is longer than a PDF string may be (32767 bytes): cut after 16382 characters' "$T/err" ||
	why="$why; no warning: $(head -n 3 "$T/err")"
qpdf --check "$ts/long.pdf" >/dev/null 2>&1 || why="$why; qpdf --check fails"
if [ -z "$why" ] && [ -n "$PYPDF" ]; then
	n=$("$PYPDF" -c 'import sys, pypdf; print(len(pypdf.PdfReader(sys.argv[1]).metadata.title))' "$ts/long.pdf")
	[ "$n" = 16382 ] || why="title of $n characters, not 16382"
fi
if [ -z "$why" ]; then pass "pdf: a 60,000-byte title: a warning and a PDF titled with its first 16,382 characters"
else fail "pdf: a title longer than a PDF string" "$why"; fi
exit 0
