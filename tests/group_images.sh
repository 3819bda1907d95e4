#!/usr/bin/env bash
# group_images.sh BINARY SHARED TMPDIR SANITIZED - images wherever kramdown
# puts them, in every format.
#
# Run by tests/run.sh from the repo root.  Prints `PASS name`, `FAIL name`
# (detail lines start with a space) or `SKIP name`.  For the fixtures
# fixtures/dialect/img-*.md (an image after a text line, between list
# items, on consecutive lines, in table cells, inside links, inline icons,
# all of them mixed) and for every page of the corpus, the seed and the
# sample sites (fixtures/sites/*/.../_posts/*.md), the
# images the model places (MC_IMAGE and MC_FIGURE with a local PNG or
# JPEG: tests/count_images.py) are counted in each output: `pdfimages
# -list` rows of the PDF, <img> of the EPUB, <w:drawing> of the DOCX and
# `pdfimages -list` of LibreOffice's rendering of the DOCX.  None may be
# dropped.  The fixtures' PDFs must also pass the PDF/UA checker (each
# image a Figure with /Alt) and the EPUBs epubcheck.
set -u
BIN=$1 SHARED=$2 T=$3 SANITIZED=$4
TMO=${MC_TEST_TIMEOUT:-60}
SEED=$SHARED/seed/what-is-mentoring.md
COUNT=tests/count_images.py

. tests/lib_group.sh

mkdir -p "$T"
for tool in pdfimages qpdf; do
	if ! command -v $tool >/dev/null 2>&1; then
		skip "images ($tool not installed: make deps)"
		exit 0
	fi
done
PY=$(py_with zipfile)
if [ -z "$PY" ]; then
	skip "images (no python3)"
	exit 0
fi
PYPDF=$(py_with pypdf)
PYDOCX=$(py_with docx)
FORMATS=$(formats_of "$BIN")
has() { grep -qx "$1" <<<"$FORMATS"; }

# conv IN OUT [ARGS...]: convert; status in RC, stderr in $T/err
conv() { conv_to "$T/err" "$@"; }

fixtures=(fixtures/dialect/img-*.md)
if [ ! -f "${fixtures[0]}" ]; then
	skip "images (no fixtures/dialect/img-*.md)"
	exit 0
fi
if [ "$SANITIZED" = 1 ]; then # a few, to keep the sanitizer run short
	fixtures=(fixtures/dialect/img-mixed.md fixtures/dialect/img-table-cell.md)
fi

# name for an input's outputs
oname() { local n=${1#"$SHARED"/}; n=${n//\//_}; echo "$T/${n%.md}"; }

# model IN: the model's usable image count in $M (empty on failure)
model() {
	local o
	o=$(oname "$1")
	M=
	conv "$1" "$o.json" -t json -q
	[ $RC -eq 0 ] && M=$("$PY" "$COUNT" model "$o.json" "$1")
}

# ---- the fixtures: the model agrees with the .expect ---------------------
bad=()
total=0
for f in "${fixtures[@]}"; do
	model "$f"
	want=$(sed -n 's/^images: *\([0-9][0-9]*\).*/\1/p' "${f%.md}.expect" 2>/dev/null | head -n 1)
	if [ -z "$M" ]; then
		bad+=("$f: no model (exit $RC): $(head -n 3 "$T/err")")
	elif [ -n "$want" ] && [ "$M" != "$want" ]; then
		bad+=("$f: the model places $M images, the .expect says $want")
	fi
	total=$((total + ${M:-0}))
done
[ ${#bad[@]} -eq 0 ] && pass "images: the model places each fixture's images (${#fixtures[@]} fixtures, $total images)" ||
	fail "images: the model places each fixture's images" "${bad[@]}"

# ---- PDF -----------------------------------------------------------------
if has pdf; then
	bad=() ua=() bq=()
	for f in "${fixtures[@]}"; do
		o=$(oname "$f")
		model "$f"
		conv "$f" "$o.pdf"
		if [ $RC -ne 0 ] || [ ! -s "$o.pdf" ]; then
			bad+=("$f: exit $RC $(head -n 3 "$T/err")")
			continue
		fi
		n=$("$PY" "$COUNT" pdf "$o.pdf")
		[ "$n" = "$M" ] || bad+=("$f: the PDF draws $n images, the model places $M" "$("$PY" "$COUNT" where "$o.json" "$f")")
		out=$(qpdf --check "$o.pdf" 2>&1) || bq+=("$f: $(grep -i -m 3 'warn\|error' <<<"$out")")
		grep -qi 'warning' <<<"$out" && bq+=("$f: $(grep -i -m 3 'warn' <<<"$out")")
		if [ -n "$PYPDF" ]; then
			out=$("$PYPDF" tests/check_pdfua.py "$o.pdf" --model "$o.json" 2>&1) ||
				ua+=("$f: $(grep -E '^FAIL' <<<"$out" | head -n 4)")
		fi
	done
	[ ${#bad[@]} -eq 0 ] && pass "images: PDF draws every image of the fixtures (pdfimages)" ||
		fail "images: PDF draws every image of the fixtures (pdfimages)" "${bad[@]}"
	[ ${#bq[@]} -eq 0 ] && pass "images: qpdf --check clean on the fixtures' PDFs" ||
		fail "images: qpdf --check clean on the fixtures' PDFs" "${bq[@]}"
	if [ -z "$PYPDF" ]; then
		skip "images: PDF/UA check (no pypdf)"
	else
		[ ${#ua[@]} -eq 0 ] && pass "images: the fixtures' PDFs pass check_pdfua (each image a Figure with /Alt)" ||
			fail "images: the fixtures' PDFs pass check_pdfua" "${ua[@]}"
	fi
else
	skip "images: PDF (this build has no PDF)"
fi

# ---- EPUB ----------------------------------------------------------------
if has epub; then
	bad=() ec=()
	for f in "${fixtures[@]}"; do
		o=$(oname "$f")
		model "$f"
		conv "$f" "$o.epub"
		if [ $RC -ne 0 ] || [ ! -s "$o.epub" ]; then
			bad+=("$f: exit $RC $(head -n 3 "$T/err")")
			continue
		fi
		n=$("$PY" "$COUNT" epub "$o.epub")
		[ "$n" = "$M" ] || bad+=("$f: the EPUB has $n <img>, the model places $M")
		if [ "$SANITIZED" = 0 ] && [ -f /usr/share/java/epubcheck.jar ] && command -v java >/dev/null 2>&1; then
			java -jar /usr/share/java/epubcheck.jar "$o.epub" >"$T/ec.out" 2>&1
			grep -q 'No errors or warnings detected' "$T/ec.out" ||
				ec+=("$f: $(grep -E 'ERROR|WARNING|FATAL' "$T/ec.out" | head -n 4)")
		fi
	done
	[ ${#bad[@]} -eq 0 ] && pass "images: EPUB holds every image of the fixtures" ||
		fail "images: EPUB holds every image of the fixtures" "${bad[@]}"
	if [ "$SANITIZED" != 0 ] || [ ! -f /usr/share/java/epubcheck.jar ]; then
		skip "images: epubcheck (sanitizer build or no epubcheck)"
	else
		[ ${#ec[@]} -eq 0 ] && pass "images: the fixtures' EPUBs pass epubcheck (0 errors, 0 warnings)" ||
			fail "images: the fixtures' EPUBs pass epubcheck" "${ec[@]}"
	fi
else
	skip "images: EPUB (this build has no EPUB)"
fi

# ---- DOCX, and LibreOffice's rendering of it -------------------------------
if has docx; then
	bad=() docs=() want=()
	for f in "${fixtures[@]}"; do
		o=$(oname "$f")
		model "$f"
		conv "$f" "$o.docx"
		if [ $RC -ne 0 ] || [ ! -s "$o.docx" ]; then
			bad+=("$f: exit $RC $(head -n 3 "$T/err")")
			continue
		fi
		out=$("${PYDOCX:-$PY}" "$COUNT" docx "$o.docx")
		rc=$?
		n=$(head -n 1 <<<"$out")
		[ "$n" = "$M" ] || bad+=("$f: the DOCX has $n drawings, the model places $M")
		[ $rc -eq 0 ] || bad+=("$f: $(tail -n +2 <<<"$out")")
		docs+=("$o.docx")
		want+=("$M")
	done
	[ ${#bad[@]} -eq 0 ] && pass "images: DOCX embeds every image of the fixtures inline (wp:inline with descr${PYDOCX:+, python-docx opens it})" ||
		fail "images: DOCX embeds every image of the fixtures inline" "${bad[@]}"
	if [ "$SANITIZED" != 0 ] || ! command -v soffice >/dev/null 2>&1; then
		skip "images: LibreOffice renders the DOCX images (sanitizer build or no soffice)"
	elif [ ${#docs[@]} -gt 0 ]; then
		mkdir -p "$T/lopdf"
		timeout 300 soffice -env:UserInstallation="file://$(cd "$T" && pwd)/lo" --headless \
			--norestore --convert-to pdf --outdir "$T/lopdf" "${docs[@]}" >"$T/lo.out" 2>&1 </dev/null
		bad=()
		for k in "${!docs[@]}"; do
			p="$T/lopdf/$(basename "${docs[$k]%.docx}").pdf"
			if [ ! -s "$p" ]; then
				bad+=("${docs[$k]}: LibreOffice made no PDF: $(tail -n 2 "$T/lo.out")")
				continue
			fi
			n=$("$PY" "$COUNT" pdf "$p")
			[ "$n" = "${want[$k]}" ] || bad+=("${docs[$k]}: LibreOffice shows $n images, the model places ${want[$k]}")
		done
		[ ${#bad[@]} -eq 0 ] && pass "images: LibreOffice shows every image of the fixtures' DOCX" ||
			fail "images: LibreOffice shows every image of the fixtures' DOCX" "${bad[@]}"
	fi
else
	skip "images: DOCX (this build has no DOCX)"
fi

# ---- the corpus, the seed and the sample sites: no image dropped in the PDF
if has pdf; then
	inputs=()
	[ -f "$SEED" ] && inputs+=("$SEED")
	if [ -d "$SHARED/corpus/connectedlib" ]; then
		while IFS= read -r f; do inputs+=("$f"); done < <(find "$SHARED/corpus/connectedlib" -name '*.md' -type f | LC_ALL=C sort)
	fi
	# the sample sites written the way other authors write (their
	# pages, not their includes)
	if [ -d fixtures/sites ]; then
		while IFS= read -r f; do inputs+=("$f"); done < <(find fixtures/sites -path '*/_posts/*.md' -type f | LC_ALL=C sort)
	fi
	if [ "$SANITIZED" = 1 ]; then
		inputs=($(grep -lE '!\[|<img' "${inputs[@]}" 2>/dev/null | head -n 3))
	fi
	if [ ${#inputs[@]} -eq 0 ]; then
		skip "images: corpus pages ($SHARED/corpus not found)"
	else
		bad=()
		imgs=0
		for f in "${inputs[@]}"; do
			o=$(oname "$f")
			model "$f"
			if [ -z "$M" ]; then
				bad+=("$f: no model (exit $RC)")
				continue
			fi
			conv "$f" "$o.pdf" -q
			if [ $RC -ne 0 ] || [ ! -s "$o.pdf" ]; then
				bad+=("$f: exit $RC $(head -n 3 "$T/err")")
				continue
			fi
			n=$("$PY" "$COUNT" pdf "$o.pdf")
			[ "$n" = "$M" ] || bad+=("${f#"$SHARED"/}: the PDF draws $n images, the model places $M")
			imgs=$((imgs + M))
		done
		[ ${#bad[@]} -eq 0 ] && pass "images: corpus, seed and sample-site PDFs drop no image (${#inputs[@]} pages, $imgs images)" ||
			fail "images: corpus, seed and sample-site PDFs drop no image (${#bad[@]} of ${#inputs[@]} pages)" "${bad[@]}"
	fi
fi
