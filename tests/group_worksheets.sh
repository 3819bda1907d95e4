#!/usr/bin/env bash
# group_worksheets.sh BINARY SHARED TMPDIR SANITIZED - worksheet packs
# that work on paper and on screen (issue 16).
#
# Run by tests/run.sh from the repo root.
#   - the mentoring module's pack (SHARED/corpus/connectedlib/modules/
#     mentoring, --worksheets): every page has answer space (a text field
#     or drawn writing lines), and every page whose activity links an
#     online document carries a QR code that zbarimg decodes to it; it
#     passes the PDF/UA checker and qpdf --check;
#   - a one-worksheet pack is one sheet (no title-only page), a
#     three-worksheet pack three;
#   - --duplex: each worksheet starts on an odd page;
#   - --paper a4 / letter: the page sizes (pdfinfo);
#   - --style print (styles/print.yaml): no pale fill on any page
#     (pdftoppm);
#   - fields filled with pypdf, the value alone (as server-side tools
#     do): rendered with pdftoppm -r 150, each field shows its answer,
#     and no writing line strikes the typed text through
#     (tests/check_worksheets.py); again with the filler setting
#     /NeedAppearances (as pypdf's filling does).  The old build fails
#     both: no answer shows, and with /NeedAppearances the second typed
#     line is struck through.
set -u
BIN=$1 SHARED=$2 T=$3
TMO=${MC_TEST_TIMEOUT:-120}
CHECK=tests/check_worksheets.py

. tests/lib_group.sh

PY=$(py_with pypdf)
if [ -z "$PY" ] || ! "$PY" -c "import PIL" 2>/dev/null; then
	skip "worksheets: packs on paper and on screen (python3-pypdf and python3-pil not installed)"
	exit 0
fi
for tool in pdfinfo pdftoppm pdftotext qpdf; do
	if ! command -v $tool >/dev/null 2>&1; then
		skip "worksheets: packs on paper and on screen ($tool not installed: make deps)"
		exit 0
	fi
done

pages_of() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }

# ---- small packs ----------------------------------------------------------
cat >"$T/one.md" <<'EOF'
---
title: One worksheet
---
Some text that is not an activity.

<div class="callout activity" markdown="1">

## Worksheet #1: Planning

Answer the prompts below.

EOF
# six prompts: too long to share the title's page at full size (which
# once gave a title-only first sheet)
for i in 1 2 3 4 5 6; do
	echo "* Prompt number $i: what will you plant first, and where will it grow best in your plot?"
done >>"$T/one.md"
printf '\n</div>\n' >>"$T/one.md"
cat >"$T/three.md" <<'EOF'
---
title: Three worksheets
---
<div class="callout activity" markdown="1">

## Worksheet #1: Prompts

* What did you learn?
* What would you tell a friend?

</div>

Between the activities.

<div class="callout activity" markdown="1">

## [Worksheet #2: Fill in the document](https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdef/edit)

Use this worksheet to plan your week.

</div>

<div class="callout activity" markdown="1">

## Worksheet #3: Discussion

Talk with your group about what went well.

</div>
EOF

conv_to "$T/err" "$T/one.md" "$T/one.pdf" --worksheets
if [ $RC -ne 0 ]; then
	fail "worksheets: a one-worksheet pack converts" "exit $RC" "$(head -n 8 "$T/err")"
else
	n=$(pages_of "$T/one.pdf")
	[ "$n" = 1 ] && pass "worksheets: a one-worksheet pack is one sheet (the title on the worksheet's page)" ||
		fail "worksheets: a one-worksheet pack is one sheet" "pages: $n"
fi

conv_to "$T/err" "$T/three.md" "$T/three.pdf" --worksheets
if [ $RC -ne 0 ]; then
	fail "worksheets: a three-worksheet pack converts" "exit $RC" "$(head -n 8 "$T/err")"
	exit 0
fi
n=$(pages_of "$T/three.pdf")
[ "$n" = 3 ] && pass "worksheets: a three-worksheet pack is three sheets" ||
	fail "worksheets: a three-worksheet pack is three sheets" "pages: $n"

why=$("$PY" $CHECK space "$T/three.pdf" "$T/r-three" 2>&1)
[ $? -eq 0 ] && pass "worksheets: activities without prompts (a document, a discussion) get a notes area" ||
	fail "worksheets: activities without prompts get a notes area" "$why"

# the notes area is in the model: EPUB and DOCX have it too
"$BIN" "$T/three.md" --worksheets -t json -o "$T/three.json" 2>/dev/null
if "$PY" - "$T/three.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
secs = [n for n in d["body"] if n["type"] == "section"]
def walk(n):
    yield n
    for k in n.get("children", []):
        yield from walk(k)
ok = len(secs) == 3
for s in secs:
    nodes = list(walk(s))
    ok &= any(n["type"] == "answer" for n in nodes)
ok &= any(n["type"] == "embed" and n.get("kind") == "document"
          for n in walk(secs[1]))
sys.exit(0 if ok else 1)
EOF
then
	pass "worksheets: the model gives every worksheet an answer, the linked document an embed of kind document"
else
	fail "worksheets: the model gives every worksheet an answer, the linked document an embed" "$(head -c 600 "$T/three.json")"
fi

# ---- --duplex ---------------------------------------------------------------
conv_to "$T/err" "$T/three.md" "$T/duplex.pdf" --worksheets --duplex
if [ $RC -ne 0 ]; then
	fail "worksheets: --duplex converts" "exit $RC" "$(head -n 8 "$T/err")"
else
	starts=""
	n=$(pages_of "$T/duplex.pdf")
	for p in $(seq 1 "$n"); do
		w=$(pdftotext -f "$p" -l "$p" "$T/duplex.pdf" - 2>/dev/null | grep -o 'Worksheet #[0-9]' | head -n 1)
		[ -n "$w" ] && starts="$starts $p"
	done
	[ "$starts" = " 1 3 5" ] && pass "worksheets: --duplex starts each worksheet on an odd page (pages$starts)" ||
		fail "worksheets: --duplex starts each worksheet on an odd page" "worksheets start on pages:$starts (of $n)"
	why=$("$PY" tests/check_pdfua.py "$T/duplex.pdf" 2>&1)
	[ $? -eq 0 ] && pass "worksheets: the --duplex pack (blank pages) passes the PDF/UA checker" ||
		fail "worksheets: the --duplex pack passes the PDF/UA checker" "$(printf '%s\n' "$why" | grep -v '^ok' | head -n 8)"
fi

# ---- --paper ----------------------------------------------------------------
for paper in a4 letter; do
	conv_to "$T/err" "$T/one.md" "$T/$paper.pdf" --worksheets --paper $paper
	size=$(pdfinfo "$T/$paper.pdf" 2>/dev/null | awk '/^Page size:/ {print $3 "x" $5}')
	case $paper in
	a4) want=595.276x841.89 ;;
	letter) want=612x792 ;;
	esac
	[ $RC -eq 0 ] && [ "$size" = "$want" ] && pass "worksheets: --paper $paper gives $want pt pages" ||
		fail "worksheets: --paper $paper gives $want pt pages" "exit $RC, size $size" "$(head -n 4 "$T/err")"
done
conv_to "$T/err" "$T/one.md" "$T/a4l.pdf" --worksheets --style styles/a4.yaml --paper letter
size=$(pdfinfo "$T/a4l.pdf" 2>/dev/null | awk '/^Page size:/ {print $3 "x" $5}')
[ "$size" = 612x792 ] && pass "worksheets: --paper letter overrides the a4 theme's page size" ||
	fail "worksheets: --paper letter overrides the a4 theme's page size" "size $size"

# ---- --style print ------------------------------------------------------------
conv_to "$T/err" "$T/three.md" "$T/print.pdf" --worksheets --style styles/print.yaml
if [ $RC -ne 0 ]; then
	fail "worksheets: --style print converts" "exit $RC" "$(head -n 8 "$T/err")"
else
	why=$("$PY" $CHECK white "$T/print.pdf" "$T/r-print" 2>&1)
	[ $? -eq 0 ] && pass "worksheets: --style print has no page or box fill (pdftoppm: no pale fill)" ||
		fail "worksheets: --style print has no page or box fill" "$why"
	why=$("$PY" $CHECK white "$T/three.pdf" "$T/r-white-default" 2>&1)
	[ $? -ne 0 ] && pass "worksheets: the fill check sees the default theme's activity fill" ||
		fail "worksheets: the fill check sees the default theme's activity fill" "$why"
fi

# ---- filled fields, on screen ---------------------------------------------
why=$("$PY" $CHECK fill "$T/three.pdf" "$T/filled.pdf" 2>&1)
if [ $? -ne 0 ]; then
	fail "worksheets: pypdf fills the fields (the value alone)" "$why"
else
	pass "worksheets: pypdf fills the fields (the value alone)"
	why=$("$PY" $CHECK answers "$T/filled.pdf" "$T/r-filled" 2>&1)
	[ $? -eq 0 ] && pass "worksheets: each filled answer shows in poppler's rendering, not struck through by a writing line" ||
		fail "worksheets: each filled answer shows, not struck through by a writing line" "$why"
fi
# as pypdf's own filling does: the filler asks the viewer to draw the
# fields (/NeedAppearances); the typed lines still sit on the writing lines
why=$("$PY" $CHECK fill "$T/three.pdf" "$T/filled-na.pdf" --need-appearances 2>&1) &&
	why=$("$PY" $CHECK answers "$T/filled-na.pdf" "$T/r-filled-na" 2>&1)
[ $? -eq 0 ] && pass "worksheets: filled with /NeedAppearances set by the filler, no writing line strikes an answer through" ||
	fail "worksheets: filled with /NeedAppearances set by the filler, no writing line strikes an answer through" "$why"

# ---- the mentoring module's pack --------------------------------------------
M=$SHARED/corpus/connectedlib/modules/mentoring
if [ ! -d "$M/_posts" ]; then
	skip "worksheets: the mentoring module's pack (no corpus at $M)"
	exit 0
fi
conv_to "$T/err" "$M" "$T/mentoring.pdf" --worksheets
if [ $RC -ne 0 ]; then
	fail "worksheets: the mentoring pack converts" "exit $RC" "$(head -n 8 "$T/err")"
	exit 0
fi
n=$(pages_of "$T/mentoring.pdf")
[ "$n" = 6 ] && pass "worksheets: the mentoring pack is 6 sheets for its 6 worksheets" ||
	fail "worksheets: the mentoring pack is 6 sheets for its 6 worksheets" "pages: $n"
why=$("$PY" $CHECK space "$T/mentoring.pdf" "$T/r-space" 2>&1)
[ $? -eq 0 ] && pass "worksheets: every page of the mentoring pack has answer space (fields or writing lines)" ||
	fail "worksheets: every page of the mentoring pack has answer space" "$why"
if command -v zbarimg >/dev/null 2>&1; then
	why=$("$PY" $CHECK qr "$T/mentoring.pdf" "$T/r-qr" 2>&1)
	[ $? -eq 0 ] && pass "worksheets: each page linking an online document carries a QR code zbarimg decodes to it ($(printf '%s\n' "$why" | grep -c '^page') pages)" ||
		fail "worksheets: each page linking an online document carries a QR code decoding to it" "$why"
else
	skip "worksheets: QR codes of the online documents (zbarimg not installed: zbar-tools)"
fi
why=$("$PY" tests/check_pdfua.py "$T/mentoring.pdf" 2>&1)
[ $? -eq 0 ] && pass "worksheets: the mentoring pack passes the PDF/UA checker" ||
	fail "worksheets: the mentoring pack passes the PDF/UA checker" "$(printf '%s\n' "$why" | grep -v '^ok' | head -n 8)"
why=$(qpdf --check "$T/mentoring.pdf" 2>&1)
[ $? -eq 0 ] && pass "worksheets: the mentoring pack passes qpdf --check" ||
	fail "worksheets: the mentoring pack passes qpdf --check" "$why"
why=$("$PY" $CHECK fill "$T/mentoring.pdf" "$T/m-filled.pdf" 2>&1) &&
	why=$("$PY" $CHECK answers "$T/m-filled.pdf" "$T/r-mfilled" 2>&1)
[ $? -eq 0 ] && pass "worksheets: the mentoring pack's filled answers show, not struck through" ||
	fail "worksheets: the mentoring pack's filled answers show, not struck through" "$why"
exit 0
