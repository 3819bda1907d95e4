#!/usr/bin/env bash
# group_scripts.sh BINARY SHARED TMPDIR SANITIZED - every script printed
# as its readers write it (shaping, right-to-left, CJK, emoji, symbols).
#
# Run by tests/run.sh from the repo root.  On fixtures/scripts-mixed.md
# (a heading and a paragraph each in Spanish, German, French, Russian,
# Greek, Chinese, Japanese, Arabic, Hebrew and Hindi, emoji sequences and
# maths symbols) and on one page per language made from its paragraphs
# (tests/check_scripts.py pages):
#   - the fixture converts to PDF, EPUB and DOCX with exit 0, and the EPUB
#     and DOCX keep the emoji sequences and symbols (epubcheck runs on it
#     with every fixture in group_epub.sh);
#   - pdffonts: every font of its PDF embedded, with a ToUnicode map;
#   - no .notdef glyph (CID 0) drawn in its PDF, when every character of
#     it has an installed font (characters none has are left out of the
#     page checked, and named); the checker must find a CID 0 planted
#     with qpdf, so that it cannot pass for want of looking;
#   - the PDF's text layer (pdftotext) gives each page's words back, and
#     the mixed page's emoji and symbols (beyond the BMP too);
#   - right to left: pdftotext -layout gives the Arabic and Hebrew words
#     in their logical order (poppler turns visual order back into it);
#   - OCR (release build only: the pages are the same bytes under ASan,
#     which still converts them): each page rendered at 300 dpi with
#     pdftoppm and read by tesseract in its language; word recall (CJK:
#     character recall) against the paragraph at least MIN_RECALL.
set -u
BIN=$1 T=$3 SANITIZED=$4
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
PY=/usr/bin/python3 # python3-pypdf is Debian's: not another python3 on PATH
CHECK=tests/check_scripts.py
TMO=${MC_TEST_TIMEOUT:-60}
FIX=fixtures/scripts-mixed.md
MIN_RECALL=0.8  # OCR
MIN_TEXT=0.95   # the text layer: the characters themselves, no reading
mkdir -p "$T"
[ "$SANITIZED" = 1 ] || SANITIZED=0

. tests/lib_group.sh

export SOURCE_DATE_EPOCH=1700000000

# conv IN OUT [OPTION...]: convert; status in RC (86 for a sanitizer
# report), stderr in OUT.err
conv() { conv_to "$2.err" "$@"; }

# ---- the fixture in every format -------------------------------------------
for fmt in pdf epub docx; do
	conv "$FIX" "$T/mixed.$fmt"
	if [ $RC -eq 0 ] && [ -s "$T/mixed.$fmt" ]; then
		pass "scripts: $FIX converts to $fmt (exit 0)"
	else
		fail "scripts: $FIX converts to $fmt (exit $RC)" "$(head -n 12 "$T/mixed.$fmt.err")"
	fi
done

# the EPUB's and DOCX's text holds every sequence whole
cat >"$T/seq.py" <<'PY'
import re, sys, zipfile
path = sys.argv[1]
z = zipfile.ZipFile(path)
if path.endswith('.epub'):
    xml = ''.join(z.read(n).decode('utf-8') for n in sorted(z.namelist())
                  if n.endswith('.xhtml') and not n.endswith('nav.xhtml'))
else:
    xml = z.read('word/document.xml').decode('utf-8')
# the text: tags out (DOCX runs may split a line), entities left alone
text = re.sub(r'<[^>]*>', '', xml)
want = ['\U0001F1E9\U0001F1EA', '\U0001F1EF\U0001F1F5',
        '\U0001F44B\U0001F3FD', '\U0001F469\u200d\U0001F469\u200d\U0001F467',
        '1\ufe0f\u20e3', '\u2200', '\u2211', '\u221a2', '\u2264', '\u221e',
        '\u222b', 'Ελληνικά', '好的导师', '良い指導者',
        'المرشد الجيد', 'מנטור טוב', 'मार्गदर्शक']
missing = [w for w in want if w not in text]
if missing:
    print('missing: ' + ' '.join(ascii(w) for w in missing))
    sys.exit(1)
print('%d sequences' % len(want))
PY
for fmt in epub docx; do
	[ -s "$T/mixed.$fmt" ] || continue
	if out=$("$PY" "$T/seq.py" "$T/mixed.$fmt" 2>&1); then
		pass "scripts: the $fmt keeps the flags, skin tone, ZWJ family, keycap, maths symbols and each script's words whole ($out)"
	else
		fail "scripts: the $fmt keeps the emoji sequences, symbols and words" "$out"
	fi
done

# ---- fonts of the mixed PDF ------------------------------------------------
if ! command -v pdffonts >/dev/null 2>&1; then
	skip "scripts: pdffonts (poppler-utils not installed: make deps)"
elif [ -s "$T/mixed.pdf" ]; then
	pdffonts "$T/mixed.pdf" >"$T/fonts.txt" 2>&1
	# name type... emb sub uni object ID: emb, sub and uni are the 5th to
	# 3rd fields from the end ("CID TrueType" has a space)
	bad=$(awk 'NR > 2 && ($(NF-4) != "yes" || $(NF-2) != "yes") { print }' "$T/fonts.txt")
	n=$(awk 'NR > 2' "$T/fonts.txt" | grep -c .)
	if [ "$n" -gt 0 ] && [ -z "$bad" ]; then
		pass "scripts: pdffonts: all $n font(s) of the mixed PDF embedded, with ToUnicode"
	else
		fail "scripts: pdffonts: every font embedded, with ToUnicode ($n fonts)" \
			"${bad:-no font at all}" "$(cat "$T/fonts.txt")"
	fi
fi

# ---- no .notdef glyph --------------------------------------------------------
if ! "$PY" -c 'import pypdf' 2>/dev/null; then
	skip "scripts: no .notdef glyph in the mixed PDF (python3-pypdf not installed: make deps)"
elif ! command -v fc-list >/dev/null 2>&1; then
	skip "scripts: no .notdef glyph in the mixed PDF (fc-list not installed)"
elif [ -s "$T/mixed.pdf" ]; then
	cov=$("$PY" "$CHECK" coverage "$FIX" "$T/covered.md" 2>&1)
	case $cov in
	covered)
		what="every character has an installed font"
		pdf=$T/mixed.pdf RC=0
		;;
	"left out"*)
		what="$cov, that no installed font has"
		conv "$T/covered.md" "$T/covered.pdf"
		pdf=$T/covered.pdf
		;;
	*)
		what="coverage: $cov"
		pdf="" RC=1
		;;
	esac
	if [ -z "$pdf" ] || [ $RC -ne 0 ]; then
		fail "scripts: no .notdef glyph in the mixed PDF ($what)" "exit $RC" \
			"$(head -n 8 "$pdf.err" 2>/dev/null)"
	elif out=$("$PY" "$CHECK" notdef "$pdf" "$T/covered.md" 2>&1); then
		pass "scripts: no .notdef glyph in the mixed PDF ($what; $(head -n 1 <<<"$out"))"
	else
		fail "scripts: no .notdef glyph in the mixed PDF ($what)" "$out" \
			"$(grep -i warning "$pdf.err")"
	fi

	# the checker itself: a CID 0 planted in the first string shown
	if ! command -v fix-qdf >/dev/null 2>&1; then
		skip "scripts: the .notdef check finds a planted CID 0 (qpdf not installed: make deps)"
	else
		qpdf --qdf --object-streams=disable "$T/mixed.pdf" "$T/plant.qdf" 2>/dev/null
		LC_ALL=C sed -E '0,/<[0-9A-Fa-f]{4}.*T[Jj]$/s/<[0-9A-Fa-f]{4}(.*T[Jj])$/<0000\1/' \
			"$T/plant.qdf" >"$T/plant2.qdf"
		fix-qdf "$T/plant2.qdf" >"$T/plant.pdf" 2>/dev/null
		out=$("$PY" "$CHECK" notdef "$T/plant.pdf" "$FIX" 2>&1)
		rc=$?
		if cmp -s "$T/plant.qdf" "$T/plant2.qdf"; then
			fail "scripts: the .notdef check finds a planted CID 0" "no <XXXX> string shown in the PDF to plant it in"
		elif [ $rc -ne 0 ] && grep -q '[1-9][0-9]* of them CID 0' <<<"$out"; then
			pass "scripts: the .notdef check finds a planted CID 0"
		else
			fail "scripts: the .notdef check finds a planted CID 0 (exit $rc)" "$out"
		fi
	fi
fi

# ---- one page per language ---------------------------------------------------
cat >"$T/page.yaml" <<'YAML'
sizes:
  body: 14
header: ""
footer: ""
YAML
mkdir -p "$T/p"
if ! "$PY" "$CHECK" pages "$FIX" "$T/p" >"$T/langs" 2>"$T/langs.err"; then
	fail "scripts: one page per language from $FIX" "$(cat "$T/langs.err")"
fi
ok_pages=()
text_bad="" text_got=""
have_pdftotext=1
command -v pdftotext >/dev/null 2>&1 || have_pdftotext=0
while read -r lang tess mode; do
	conv "$T/p/$lang.md" "$T/p/$lang.pdf" --style "$T/page.yaml"
	if [ $RC -ne 0 ]; then
		fail "scripts: the $lang page converts (exit $RC)" "$(head -n 8 "$T/p/$lang.pdf.err")"
		continue
	fi
	ok_pages+=("$lang $tess $mode")
	[ $have_pdftotext = 1 ] || continue
	pdftotext -enc UTF-8 "$T/p/$lang.pdf" "$T/p/$lang.layer.txt" 2>/dev/null
	out=$("$PY" "$CHECK" recall "$mode" "$T/p/$lang.txt" "$T/p/$lang.layer.txt" "$MIN_TEXT" 2>&1) ||
		text_bad+="$lang: $(head -n 2 <<<"$out" | paste -sd ' ' -)"$'\n'
	r=$(sed -n '1s/^recall \([0-9.]*\).*/\1/p' <<<"$out")
	text_got+=" $lang ${r:-?}"
done <"$T/langs"

if [ $have_pdftotext = 0 ]; then
	skip "scripts: text layer and right-to-left order (pdftotext not installed: make deps)"
elif [ ${#ok_pages[@]} -gt 0 ]; then
	if [ -z "$text_bad" ]; then
		pass "scripts: pdftotext gives each page's words back (recall:$text_got)"
	else
		fail "scripts: pdftotext gives each page's words back, recall >= $MIN_TEXT (recall:$text_got)" "${text_bad%$'\n'}"
	fi
fi
if [ $have_pdftotext = 1 ] && [ -s "$T/mixed.pdf" ]; then
	pdftotext -enc UTF-8 "$T/mixed.pdf" "$T/mixed.txt" 2>/dev/null
	if out=$("$PY" "$CHECK" symbols "$FIX" "$T/mixed.txt" 2>&1); then
		pass "scripts: pdftotext gives the mixed PDF's emoji and maths symbols back ($out)"
	else
		fail "scripts: pdftotext gives the mixed PDF's emoji and maths symbols back" "$out"
	fi
fi
if [ $have_pdftotext = 1 ] && [ ${#ok_pages[@]} -gt 0 ]; then
	for lang in ar he; do
		[ -s "$T/p/$lang.pdf" ] || continue
		pdftotext -layout -enc UTF-8 "$T/p/$lang.pdf" "$T/p/$lang.layout.txt" 2>/dev/null
		if out=$("$PY" "$CHECK" order "$T/p/$lang.txt" "$T/p/$lang.layout.txt" 2>&1); then
			pass "scripts: right to left: pdftotext -layout reads the $lang words in logical order ($out)"
		else
			fail "scripts: right to left: the $lang words in logical order" "$out"
		fi
	done
fi

# ---- OCR ---------------------------------------------------------------------
if [ $SANITIZED = 1 ]; then
	echo "# scripts: OCR runs on the release build only"
elif ! command -v tesseract >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
	skip "scripts: OCR (tesseract or pdftoppm not installed: make deps)"
else
	have=$(tesseract --list-langs 2>/dev/null)
	for p in "${ok_pages[@]}"; do
		read -r lang tess mode <<<"$p"
		if ! grep -qx "$tess" <<<"$have"; then
			skip "scripts: OCR $lang (tesseract-ocr-${tess//_/-} not installed: make deps)"
			continue
		fi
		rm -f "$T/p/$lang"-*.png
		pdftoppm -r 300 -png "$T/p/$lang.pdf" "$T/p/$lang" 2>/dev/null
		: >"$T/p/$lang.ocr.txt"
		for png in "$T/p/$lang"-*.png; do
			[ -f "$png" ] || continue
			timeout 120 tesseract "$png" - -l "$tess" 2>/dev/null >>"$T/p/$lang.ocr.txt"
		done
		if out=$("$PY" "$CHECK" recall "$mode" "$T/p/$lang.txt" "$T/p/$lang.ocr.txt" "$MIN_RECALL" 2>&1); then
			pass "scripts: OCR $lang ($tess): $(head -n 1 <<<"$out") >= $MIN_RECALL"
		else
			fail "scripts: OCR $lang ($tess): $(head -n 1 <<<"$out"), want >= $MIN_RECALL" \
				"$(tail -n +2 <<<"$out")" "$(grep -i warning "$T/p/$lang.pdf.err")"
		fi
	done
fi
exit 0
