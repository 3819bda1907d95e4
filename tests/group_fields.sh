#!/usr/bin/env bash
# group_fields.sh BINARY SHARED TMPDIR SANITIZED - the PDF's fillable
# fields take answers in any script.
#
# Run by tests/run.sh from the repo root.  A page with three worksheet
# prompts is converted; its fields are filled with pypdf (as a learner's
# form filler would) in Cyrillic, Greek and accented Latin; then:
#   - every field's /DA font is a /DR font that is embedded whole, Type0
#     Identity-H, and encodes each answer through its ToUnicode map read
#     backwards (tests/check_fields.py font), its appearances name it too;
#   - where pypdf drew the appearance, it shows the answer in that font;
#   - poppler (which draws the fields of a form that needs appearances)
#     shows each answer: flattened with pdftocairo its text reads back
#     with pdftotext, and OCR (tesseract, the script's language) reads it
#     from the field's area rendered with pdftoppm;
#   - qpdf --check is clean and pdffonts lists the field font, embedded,
#     not a subset; the same input gives the same bytes.
set -u
BIN=$1 T=$3
TMO=${MC_TEST_TIMEOUT:-60}
CHECK=tests/check_fields.py

. tests/lib_group.sh

# a Python with pypdf: $PYTHON, python3, or the system's
PY=$(py_with pypdf)
if [ -z "$PY" ]; then
	skip "fields: answers in every script (pypdf not installed: python3-pypdf)"
	exit 0
fi
for tool in qpdf pdffonts pdftoppm pdftocairo pdftotext; do
	if ! command -v $tool >/dev/null 2>&1; then
		skip "fields: answers in every script ($tool not installed: make deps)"
		exit 0
	fi
done

RU="Привет, мир"
EL="Καλημέρα"
LA="Élan café, naïve"

cat >"$T/page.md" <<'EOF'
---
title: Answers in every script
---
<div class="callout activity" markdown="1">

## Worksheet

* What did you learn?
* What would you tell a friend?
* What comes next?

</div>
EOF

timeout "$TMO" "$BIN" "$T/page.md" -o "$T/page.pdf" </dev/null >/dev/null 2>"$T/err"
rc=$?
if [ $rc -ne 0 ] || grep -qE 'Sanitizer|runtime error:' "$T/err"; then
	fail "fields: a page with prompts converts" "exit $rc" "$(head -n 8 "$T/err")"
	exit 0
fi
pass "fields: a page with prompts converts"

# ---- the font the fields type in -----------------------------------------
why=$("$PY" $CHECK font "$T/page.pdf" "$RU" "$EL" "$LA" "Łódź Dvořák" 2>&1)
[ $? -eq 0 ] && pass "fields: /DA names a /DR Unicode font (Type0, Identity-H, whole ToUnicode) that encodes Cyrillic, Greek and accented Latin" ||
	fail "fields: /DA names a /DR Unicode font that encodes every script" "$why"

fonts=$(pdffonts "$T/page.pdf" 2>&1)
# name, type (2 words), encoding, emb, sub, uni: the field font is not a subset
if printf '%s\n' "$fonts" | awk 'NR > 2 && $2 == "CID" && $3 == "TrueType" && $4 == "Identity-H" && $5 == "yes" && $6 == "no" && $7 == "yes" { ok = 1 } END { exit !ok }'; then
	pass "fields: pdffonts lists the field font whole and embedded (emb yes, sub no, uni yes)"
else
	fail "fields: pdffonts lists the field font whole and embedded" "$fonts"
fi

why=$(qpdf --check "$T/page.pdf" 2>&1)
[ $? -eq 0 ] && pass "fields: qpdf --check" || fail "fields: qpdf --check" "$why"

timeout "$TMO" "$BIN" "$T/page.md" -o "$T/again.pdf" </dev/null >/dev/null 2>&1
if cmp -s "$T/page.pdf" "$T/again.pdf"; then
	pass "fields: the same page gives the same bytes"
else
	fail "fields: the same page gives the same bytes" "$(cmp "$T/page.pdf" "$T/again.pdf" 2>&1)"
fi

# ---- filled in, as a learner would ---------------------------------------
how=$("$PY" $CHECK fill "$T/page.pdf" "$T/filled.pdf" "answer-1=$RU" "answer-2=$EL" "answer-3=$LA" 2>&1)
if [ $? -ne 0 ] || [ ! -s "$T/filled.pdf" ]; then
	fail "fields: pypdf fills the fields" "$how"
	exit 0
fi
pass "fields: pypdf fills the fields (appearances drawn by: $how)"

if [ "$how" = appearances ]; then
	why=$("$PY" $CHECK drawn "$T/filled.pdf" "answer-1=$RU" "answer-2=$EL" "answer-3=$LA" 2>&1)
	[ $? -eq 0 ] && pass "fields: pypdf's appearances show the answers in the /DR font" ||
		fail "fields: pypdf's appearances show the answers in the /DR font" "$why"
fi

why=$(qpdf --check "$T/filled.pdf" 2>&1)
[ $? -eq 0 ] && pass "fields: the filled PDF passes qpdf --check" || fail "fields: the filled PDF passes qpdf --check" "$why"

# poppler draws the filled fields: flattened, their text reads back
pdftocairo -pdf "$T/filled.pdf" "$T/flat.pdf" 2>"$T/cairo.err"
flat=$(pdftotext "$T/flat.pdf" - 2>/dev/null)
miss=()
for s in "$RU" "$EL" "$LA"; do
	printf '%s\n' "$flat" | grep -qF "$s" || miss+=("$s")
done
if [ ${#miss[@]} -eq 0 ]; then
	pass "fields: poppler draws the answers (flattened, pdftotext reads them back)"
else
	fail "fields: poppler draws the answers" "missing: ${miss[*]}" "$(head -n 4 "$T/cairo.err")" "$(printf '%s\n' "$flat" | grep -v '^\s*$' | head -n 6)"
fi

# and OCR reads them from the rendered page, each field's area alone
if ! command -v tesseract >/dev/null 2>&1; then
	skip "fields: OCR of the filled answers (tesseract not installed)"
	exit 0
fi
rects=$("$PY" $CHECK rects "$T/filled.pdf" 200 answer-1 answer-2 answer-3 2>&1)
i=0
for want in "rus:$RU" "ell:$EL" "fra:$LA"; do
	i=$((i + 1))
	lang=${want%%:*} text=${want#*:}
	if ! tesseract --list-langs 2>/dev/null | grep -qx "$lang"; then
		skip "fields: OCR of the $lang answer (tesseract-ocr-$lang not installed)"
		continue
	fi
	read -r p x y w h < <(printf '%s\n' "$rects" | sed -n "${i}p")
	pdftoppm -r 200 -f "$p" -l "$p" -x "$x" -y "$y" -W "$w" -H "$h" -png -singlefile \
		"$T/filled.pdf" "$T/ocr$i" 2>/dev/null
	got=$(tesseract "$T/ocr$i.png" - -l "$lang" --psm 6 2>/dev/null | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
	if [ "$got" = "$text" ]; then
		pass "fields: OCR ($lang) reads \"$text\" in the filled field"
	else
		fail "fields: OCR ($lang) reads \"$text\" in the filled field" "OCR read: \"$got\""
	fi
done
