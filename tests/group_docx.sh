#!/usr/bin/env bash
# group_docx.sh BINARY SHARED TMPDIR SANITIZED - the DOCX backend's tests.
#
# Run by tests/run.sh from the repo root.  Prints PASS/FAIL/SKIP lines
# (details after a FAIL start with a space).  Checks: every corpus page and
# the seed convert; every XML part is well-formed and no markup leaks
# (tests/check_docx.py); python-docx opens each file; the seed holds 7
# answer controls; two runs are byte-identical; SOURCE_DATE_EPOCH dates
# core.xml.  On the release build only (SANITIZED=0), LibreOffice converts
# every file to PDF in one run (the words of each source must be in its
# PDF) and the seed, plus its legacy-field variant, to ODT (LibreOffice
# must see the answer fields as fields).
# Documents of several inputs: a module, a course and a worksheet pack built
# by unit_docx --sections, and (with ../shared) the corpus's mentoring module,
# its whole course and the module's --worksheets pack: TOC field and its
# entries, page breaks before sections (counted from the JSON dump of the
# same input), internal links, answer/blank controls, a byte-identical
# rerun; on the release build LibreOffice converts them (a page per section,
# the sources' words in the module's and course's PDFs, the pack's fields in
# its ODT) in the same soffice runs as the single pages.
set -u
BIN=$1 SHARED=$2 T=$3 SANITIZED=$4
PY=${PYTHON:-python3}
SEED=$SHARED/seed/what-is-mentoring.md
TMO=${MC_TEST_TIMEOUT:-60}

. tests/lib_group.sh
check() { "$PY" tests/check_docx.py "$@" >"$T/check.out" 2>&1; }

# A python that has python-docx (Debian's python3-docx is for /usr/bin).
PYDOCX=
for p in "$PY" python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import docx' 2>/dev/null; then
		PYDOCX=$p
		break
	fi
done

# ---- the inputs --------------------------------------------------------
srcs=()
if [ -d "$SHARED/corpus" ]; then
	while IFS= read -r f; do srcs+=("$f"); done < <(find "$SHARED/corpus" -name '*.md' -type f | sort)
fi
[ -f "$SEED" ] && srcs+=("$SEED")
# and the bundled example page, which needs nothing from ../shared
DEMO=examples/demo-site/modules/demo/_posts/2000-01-01-welcome.md
[ -f "$DEMO" ] && srcs+=("$DEMO")

mkdir -p "$T/out"
outs=()
osrc=() # the source of each output, index for index
bad=()
i=0
for f in "${srcs[@]}"; do
	i=$((i + 1))
	o="$T/out/$(printf '%03d' $i)-$(basename "${f%.md}").docx"
	if timeout "$TMO" "$BIN" -q "$f" -o "$o" >"$T/conv.out" 2>"$T/conv.err" </dev/null &&
		[ -s "$o" ] && ! grep -qE 'Sanitizer|runtime error' "$T/conv.err"; then
		outs+=("$o")
		osrc+=("$f")
	else
		bad+=("$f: exit $? $(head -n 3 "$T/conv.err")")
	fi
done
if [ ${#bad[@]} -eq 0 ]; then
	pass "docx: ${#srcs[@]} pages convert with exit 0"
else
	fail "docx: ${#bad[@]} of ${#srcs[@]} pages fail to convert" "${bad[@]}"
fi

if [ ${#outs[@]} -eq 0 ]; then
	fail "docx: no output to check"
	exit 0
fi

if check parts "${outs[@]}"; then
	pass "docx: every XML part well-formed, no raw markup ($(tail -n 1 "$T/check.out"))"
else
	fail "docx: XML parts or markup leaks" "$(cat "$T/check.out")"
fi

if check order "${outs[@]}"; then
	pass "docx: children in ECMA-376 order ($(tail -n 1 "$T/check.out"))"
else
	fail "docx: children out of ECMA-376 order" "$(cat "$T/check.out")"
fi

if [ -z "$PYDOCX" ]; then
	skip "docx: python-docx opens each file (python3-docx not installed)"
elif PY=$PYDOCX check pydocx "${outs[@]}"; then
	pass "docx: python-docx opens each file"
else
	fail "docx: python-docx cannot open some files" "$(cat "$T/check.out")"
fi

# every fixture through the backend too (house style: every input through
# every backend), and a pathological nesting, under a time limit
fx=()
for md in fixtures/*.md; do
	[ -e "$md" ] && [ ! -e "${md%.md}.err" ] && fx+=("$md")
done
fouts=()
fbad=()
for md in "${fx[@]}"; do
	o="$T/fx-$(basename "${md%.md}").docx"
	if timeout "$TMO" "$BIN" -q "$md" -o "$o" >/dev/null 2>"$T/fx.err" </dev/null &&
		! grep -qE 'Sanitizer|runtime error' "$T/fx.err"; then
		fouts+=("$o")
	else
		fbad+=("$md: $(head -n 3 "$T/fx.err")")
	fi
done
if [ ${#fx[@]} -eq 0 ]; then
	skip "docx: fixtures (none)"
elif [ ${#fbad[@]} -ne 0 ]; then
	fail "docx: ${#fbad[@]} of ${#fx[@]} fixtures fail to convert" "${fbad[@]}"
elif check parts --xml-only "${fouts[@]}"; then
	pass "docx: ${#fx[@]} fixtures convert, every XML part well-formed"
else
	fail "docx: fixtures' XML parts or markup leaks" "$(cat "$T/check.out")"
fi

{
	for _ in $(seq 150); do printf '> '; done
	echo 'deep quote'
	echo
	for i in $(seq 0 60); do printf '%*s- level %d\n' $((i * 2)) '' "$i"; done
	echo
	for _ in $(seq 100); do printf '<div class="callout info" markdown="1">\n\n'; done
	echo 'inside ____ boxes'
	for _ in $(seq 100); do printf '\n</div>\n'; done
	# a long table whose first cell spans down past its end and whose
	# columns outnumber Word's 63
	printf '\n<table><tr><td rowspan="100000">tall</td><td colspan="500">wide</td></tr>\n'
	for i in $(seq 3000); do printf '<tr><td>%d</td><td>b</td></tr>\n' "$i"; done
	printf '</table>\n'

} >"$T/deep.md"
if timeout 20 "$BIN" -q "$T/deep.md" -o "$T/deep.docx" >/dev/null 2>"$T/deep.err" </dev/null &&
	! grep -qE 'Sanitizer|runtime error' "$T/deep.err" && check parts "$T/deep.docx"; then
	pass "docx: pathological nesting converts to well-formed XML in time"
else
	fail "docx: pathological nesting" "$(head -n 5 "$T/deep.err")" "$(cat "$T/check.out")"
fi

# ---- the seed ----------------------------------------------------------
if [ ! -f "$SEED" ]; then
	skip "docx: seed checks (no $SEED)"
else
	"$BIN" -q "$SEED" -o "$T/seed1.docx" </dev/null 2>"$T/seed.err"
	rc1=$?
	"$BIN" -q "$SEED" -o "$T/seed2.docx" </dev/null 2>>"$T/seed.err"
	rc2=$?
	if [ $rc1 -ne 0 ] || [ $rc2 -ne 0 ]; then
		fail "docx: seed converts" "$(cat "$T/seed.err")"
	else
		if check answers "$T/seed1.docx" 7; then
			pass "docx: seed has 7 answer content controls, one after each prompt"
		else
			fail "docx: seed answer content controls" "$(cat "$T/check.out")"
		fi
		if cmp -s "$T/seed1.docx" "$T/seed2.docx"; then
			pass "docx: two runs give byte-identical files (seed)"
		else
			fail "docx: two runs differ (seed)" "$(cmp "$T/seed1.docx" "$T/seed2.docx")"
		fi
	fi
	# the video's QR code (a PNG written by media.c) decodes to its link
	vid=$(grep -o 'youtube\.com/embed/[A-Za-z0-9_-]*' "$SEED" | head -n 1 | sed 's|.*/||')
	if ! command -v zbarimg >/dev/null 2>&1 || ! command -v unzip >/dev/null 2>&1; then
		skip "docx: the seed's QR code decodes (zbarimg or unzip not installed)"
	elif [ -z "$vid" ]; then
		fail "docx: the seed's QR code" "no YouTube video found in $SEED"
	else
		rm -rf "$T/qr" && mkdir -p "$T/qr"
		unzip -q -o "$T/seed1.docx" 'word/media/*.png' -d "$T/qr" 2>/dev/null
		qr=$(zbarimg -q --raw "$T"/qr/word/media/*.png 2>/dev/null)
		if printf '%s\n' "$qr" | grep -qx "https://youtu\.be/$vid\(?.*\)\?"; then
			pass "docx: the seed's QR code (a PNG in word/media) decodes to its video, $qr"
		else
			fail "docx: the seed's QR code decodes to its video" \
				"zbarimg read: ${qr:-nothing} (want https://youtu.be/$vid)"
		fi
	fi
	SOURCE_DATE_EPOCH=1700000000 TZ=UTC "$BIN" -q "$SEED" -o "$T/sde.docx" </dev/null 2>"$T/sde.err"
	SOURCE_DATE_EPOCH=1600000000 "$BIN" -q "$SEED" -o "$T/sde2.docx" </dev/null 2>>"$T/sde.err"
	SOURCE_DATE_EPOCH=1700000000 TZ=Pacific/Kiritimati "$BIN" -q "$SEED" -o "$T/sde-tz.docx" </dev/null 2>>"$T/sde.err"
	if cmp -s "$T/sde.docx" "$T/sde-tz.docx"; then
		pass "docx: the same bytes in another time zone"
	else
		fail "docx: the bytes depend on the time zone" "$(cmp "$T/sde.docx" "$T/sde-tz.docx")"
	fi
	if ! check core "$T/sde.docx" 2023-11-14T22:13:20Z; then
		fail "docx: SOURCE_DATE_EPOCH dates core.xml" "$(cat "$T/check.out")" "$(cat "$T/sde.err")"
	elif ! check core "$T/sde2.docx" 2020-09-13T12:26:40Z; then
		fail "docx: SOURCE_DATE_EPOCH dates core.xml" "$(cat "$T/check.out")"
	else
		pass "docx: SOURCE_DATE_EPOCH dates core.xml"
	fi
fi

# a corpus page with images and tables: determinism with media
big=-1 bigsz=0
for k in "${!outs[@]}"; do
	sz=$(stat -c %s "${outs[$k]}")
	[ "$sz" -gt "$bigsz" ] && big=$k bigsz=$sz
done
if [ "$big" -ge 0 ]; then
	src=${osrc[$big]}
	if "$BIN" -q "$src" -o "$T/again.docx" </dev/null 2>/dev/null &&
		cmp -s "${outs[$big]}" "$T/again.docx"; then
		pass "docx: two runs give byte-identical files (${src#"$SHARED"/}, the largest output)"
	else
		fail "docx: two runs differ (${src#"$SHARED"/})"
	fi
fi

# ---- the command line's --protect and --fields ------------------------
DEMO=examples/demo-site/modules/demo/_posts/2000-01-01-welcome.md
if "$BIN" "$DEMO" -o "$T/cli-p.docx" --protect --fields=legacy 2>/dev/null &&
	unzip -p "$T/cli-p.docx" word/settings.xml | grep -q 'w:documentProtection w:edit="forms"' &&
	unzip -p "$T/cli-p.docx" word/document.xml | grep -q 'FORMTEXT' &&
	! unzip -p "$T/cli-p.docx" word/document.xml | grep -q '<w:sdt>'; then
	pass "docx: --protect --fields=legacy protect the form and write legacy fields"
else
	fail "docx: --protect --fields=legacy"
fi
if "$BIN" "$DEMO" -o "$T/cli-d.docx" 2>/dev/null &&
	! unzip -p "$T/cli-d.docx" word/settings.xml | grep -q documentProtection &&
	unzip -p "$T/cli-d.docx" word/document.xml | grep -q '<w:sdt>'; then
	pass "docx: by default no protection and content controls"
else
	fail "docx: default fields and protection"
fi
"$BIN" "$DEMO" -o "$T/cli.epub" --protect >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ]; then pass "docx: --protect for another format is a usage error"; else fail "docx: --protect for epub exited $rc, not 2"; fi
"$BIN" "$DEMO" -o "$T/cli-x.docx" --fields=bogus >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ] && [ ! -e "$T/cli-x.docx" ]; then pass "docx: a bad --fields value is a usage error"; else fail "docx: --fields=bogus exited $rc"; fi

# ---- documents of several inputs: sections, TOC, page breaks -----------
# Built by hand (unit_docx --sections: a module, a course, a worksheet
# pack), and from the corpus: a module folder, the site root (the course)
# and the module's --worksheets pack, each checked against the JSON dump
# of the same input.
UNITB=build/rel/tests/unit_docx
[ "$SANITIZED" != 0 ] && UNITB=build/asan/tests/unit_docx
multi=() # files for LibreOffice below
mpairs=() # source and docx for the word check
if [ ! -x "$UNITB" ]; then
	skip "docx: built module, course and worksheet documents (no $UNITB)"
elif mkdir -p "$T/sec" && "$UNITB" --sections "$T/sec" >/dev/null 2>"$T/sec.err" &&
	! grep -qE 'Sanitizer|runtime error' "$T/sec.err"; then
	S=("$T/sec/module.docx" "$T/sec/course.docx" "$T/sec/worksheets.docx")
	if check parts "${S[@]}" && check order "${S[@]}"; then
		pass "docx: built module, course and worksheets well-formed, in schema order"
	else
		fail "docx: built module, course or worksheets" "$(cat "$T/check.out")"
	fi
	if ! check toc "${S[0]}" 4 || ! check toc "${S[1]}" 5; then
		fail "docx: TOC field of the built module and course" "$(cat "$T/check.out")"
	elif check toc "${S[2]}" 0; then
		fail "docx: the built worksheet pack has a TOC field"
	else
		pass "docx: TOC field in the built module (4 entries) and course (5), none in worksheets"
	fi
	if check breaks "${S[0]}" 1 && check breaks "${S[1]}" 3 && check breaks "${S[2]}" 2; then
		pass "docx: page breaks before the built documents' sections (1, 3, 2)"
	else
		fail "docx: page breaks of the built documents" "$(cat "$T/check.out")"
	fi
	if [ -n "$PYDOCX" ] && ! PY=$PYDOCX check pydocx "${S[@]}"; then
		fail "docx: python-docx cannot open the built documents" "$(cat "$T/check.out")"
	fi
	multi+=("${S[@]}")
else
	fail "docx: unit_docx --sections" "$(head -n 5 "$T/sec.err")"
fi

CL=$SHARED/corpus/connectedlib
MOD=$CL/modules/mentoring
if [ ! -d "$MOD" ] || [ ! -f "$CL/_data/course.yml" ]; then
	skip "docx: a module, the course and a worksheet pack ($CL absent)"
else
	# name: input and options; the JSON dump of the same next to it
	mbad=()
	for job in "cl-module|$MOD" "cl-course|$CL" "cl-worksheets|$MOD|--worksheets"; do
		IFS='|' read -r name in opt <<<"$job"
		for ext in docx json; do
			if ! SOURCE_DATE_EPOCH=1700000000 timeout $((TMO * 3)) "$BIN" -q "$in" ${opt:+"$opt"} \
				-o "$T/$name.$ext" >/dev/null 2>"$T/$name.err" </dev/null ||
				grep -qE 'Sanitizer|runtime error' "$T/$name.err"; then
				mbad+=("$name.$ext: $(head -n 3 "$T/$name.err")")
			fi
		done
	done
	R=("$T/cl-module.docx" "$T/cl-course.docx" "$T/cl-worksheets.docx")
	if [ ${#mbad[@]} -ne 0 ]; then
		fail "docx: a module, the course and a worksheet pack convert" "${mbad[@]}"
	else
		pass "docx: a module, the course and a worksheet pack convert"
		if check parts "${R[@]}" && check order "${R[@]}"; then
			pass "docx: module, course and worksheets well-formed, in schema order"
		else
			fail "docx: module, course or worksheets XML" "$(cat "$T/check.out")"
		fi
		if [ -n "$PYDOCX" ] && ! PY=$PYDOCX check pydocx "${R[@]}"; then
			fail "docx: python-docx cannot open module, course or worksheets" "$(cat "$T/check.out")"
		fi
		nmod=$(find "$MOD" -name '*.md' | wc -l)
		if check toc "${R[0]}" "$nmod" && m1=$(tail -n 1 "$T/check.out") &&
			check toc "${R[1]}" 12 && m2=$(tail -n 1 "$T/check.out"); then
			pass "docx: TOC field of the module ($m1) and the course ($m2)"
		else
			fail "docx: TOC field of the module or course" "$(cat "$T/check.out")"
		fi
		okb=1 msg=
		for name in cl-module cl-course cl-worksheets; do
			if check breaks "$T/$name.docx" "$T/$name.json"; then
				msg+=" ${name#cl-}: $(tail -n 1 "$T/check.out" | cut -d' ' -f1)"
			else
				okb=0
				break
			fi
		done
		if [ $okb = 1 ]; then
			pass "docx: page breaks before the sections (as in the model):$msg"
		else
			fail "docx: page breaks before the sections" "$(cat "$T/check.out")"
		fi
		if check links "${R[0]}" "$T/cl-module.json" && l1=$(tail -n 1 "$T/check.out") &&
			check links "${R[1]}" "$T/cl-course.json"; then
			pass "docx: internal links reach bookmarks (module: $l1; course: $(tail -n 1 "$T/check.out"))"
		else
			fail "docx: internal links between sections" "$(cat "$T/check.out")"
		fi
		if check fields "${R[2]}" "$T/cl-worksheets.json"; then
			nfields=$(tail -n 1 "$T/check.out")
			pass "docx: the worksheet pack has its $nfields answer and blank content controls"
		else
			nfields=
			fail "docx: worksheet pack content controls" "$(cat "$T/check.out")"
		fi
		if SOURCE_DATE_EPOCH=1700000000 "$BIN" -q "$CL" -o "$T/cl-course2.docx" </dev/null 2>/dev/null &&
			cmp -s "${R[1]}" "$T/cl-course2.docx"; then
			pass "docx: two runs give byte-identical files (the course)"
		else
			fail "docx: two runs differ (the course)"
		fi
		multi+=("${R[@]}")
		mpairs=("$MOD" "cl-module" "$CL" "cl-course")
	fi
fi

# ---- LibreOffice (release build only: slow, and not about our memory) ---
if [ "$SANITIZED" != 0 ]; then
	echo "# docx: LibreOffice checks run on the release build only"
	exit 0
fi
if ! command -v soffice >/dev/null 2>&1; then
	skip "docx: LibreOffice converts each file (soffice not installed)"
	exit 0
fi
if ! command -v valgrind >/dev/null 2>&1; then
	skip "docx: valgrind (not installed)"
else
	vg=()
	[ -f "$SEED" ] && vg+=("$SEED")
	[ "$big" -ge 0 ] && vg+=("${osrc[$big]}")
	[ -s "$T/cl-module.docx" ] && vg+=("$MOD")
	for f in "${vg[@]}"; do
		timeout $((TMO * 5)) valgrind -q --leak-check=full \
			--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
			"$VG_BIN" -q "$f" -o "$T/vg.docx" >/dev/null 2>"$T/vg.err" </dev/null
		rc=$?
		if [ $rc -eq 0 ]; then
			pass "docx: valgrind ${f#"$SHARED"/}"
		else
			fail "docx: valgrind ${f#"$SHARED"/} (exit $rc)" "$(grep -m 12 -E '==[0-9]+== ' "$T/vg.err")"
		fi
	done
fi

UNIT=build/rel/tests/unit_docx
variants=()
if [ -f "$SEED" ] && [ -x "$UNIT" ] && mkdir -p "$T/var" &&
	"$UNIT" --write "$SEED" "$T/var" >/dev/null 2>"$T/var.err"; then
	variants=("$T/var/legacy.docx" "$T/var/protect.docx")
	if check order "${variants[@]}" && check parts "${variants[@]}"; then
		pass "docx: legacy-field and protected variants well-formed, in schema order"
	else
		fail "docx: legacy-field or protected variant" "$(cat "$T/check.out")"
	fi
fi
mkdir -p "$T/pdf" "$T/odt"
lo() {
	timeout 300 soffice -env:UserInstallation="file://$(cd "$T" && pwd)/lo" --headless \
		--norestore "$@" >>"$T/lo.out" 2>&1 </dev/null
}
lo --convert-to pdf --outdir "$T/pdf" "${outs[@]}" "${variants[@]}" "${multi[@]}"
missing=()
for o in "${outs[@]}"; do
	b=$(basename "${o%.docx}")
	[ -s "$T/pdf/$b.pdf" ] || missing+=("$o")
done
if [ ${#missing[@]} -eq 0 ]; then
	pass "docx: LibreOffice converts all ${#outs[@]} files to PDF"
else
	fail "docx: LibreOffice could not convert ${#missing[@]} files" "${missing[@]}" "$(tail -n 5 "$T/lo.out")"
fi

pairs=()
for k in "${!outs[@]}"; do
	b=$(basename "${outs[$k]%.docx}")
	[ -s "$T/pdf/$b.pdf" ] && pairs+=("${osrc[$k]}" "$T/pdf/$b.pdf")
done
if [ ${#pairs[@]} -gt 0 ] && check words 99 97 "${pairs[@]}"; then
	pass "docx: words of each source in its PDF ($(tail -n 1 "$T/check.out"))"
else
	fail "docx: words missing from the PDFs" "$(cat "$T/check.out")"
fi
# the checker must be able to fail: the seed's words are not in another page
if [ -f "$SEED" ] && [ ${#pairs[@]} -ge 4 ] && [ "${pairs[0]}" != "$SEED" ]; then
	if check words 99 97 "$SEED" "${pairs[1]}"; then
		fail "docx: the word checker accepts a wrong PDF"
	else
		pass "docx: the word checker rejects a wrong PDF"
	fi
fi

# documents of several inputs: a PDF each, with at least one page per
# page break; the words of the module's and the course's sources in theirs
mmiss=()
for o in "${multi[@]}"; do
	p=$T/pdf/$(basename "${o%.docx}").pdf
	nbr=$(unzip -p "$o" word/document.xml | grep -o '<w:pageBreakBefore/>' | wc -l)
	pages=$(pdfinfo "$p" 2>/dev/null | sed -n 's/^Pages: *//p')
	if [ ! -s "$p" ] || [ "${pages:-0}" -le "$nbr" ]; then
		mmiss+=("$o: ${pages:-no} pages for $nbr page breaks")
	fi
done
if [ ${#multi[@]} -eq 0 ]; then
	:
elif [ ${#mmiss[@]} -eq 0 ]; then
	pass "docx: LibreOffice converts the ${#multi[@]} module, course and worksheet files, a page per section"
else
	fail "docx: LibreOffice and the documents of several inputs" "${mmiss[@]}"
fi
if [ ${#mpairs[@]} -gt 0 ]; then
	wp=()
	for ((k = 0; k < ${#mpairs[@]}; k += 2)); do
		wp+=("${mpairs[$k]}" "$T/pdf/${mpairs[$((k + 1))]}.pdf")
	done
	if check words 99 97 "${wp[@]}"; then
		pass "docx: words of the module's and the course's sources in their PDFs ($(tail -n 1 "$T/check.out"))"
	else
		fail "docx: words missing from the module's or course's PDF" "$(cat "$T/check.out")"
	fi
fi

if [ -s "$T/cl-worksheets.docx" ] && [ -n "${nfields:-}" ]; then
	cp "$T/cl-worksheets.docx" "$T/odt/worksheets.docx"
fi
if [ -f "$SEED" ] && [ -s "$T/seed1.docx" ]; then
	cp "$T/seed1.docx" "$T/odt/seed.docx"
	[ ${#variants[@]} -gt 0 ] && cp "$T/var/legacy.docx" "$T/odt/legacy.docx"
	[ -s "$T/fx-gfm-task-list.docx" ] && cp "$T/fx-gfm-task-list.docx" "$T/odt/tasks.docx"
	lo --convert-to odt --outdir "$T/odt" "$T/odt/"*.docx
	if [ -s "$T/odt/seed.odt" ] && check odt "$T/odt/seed.odt" 7; then
		pass "docx: LibreOffice sees the seed's answers as fields ($(tail -n 1 "$T/check.out"))"
	else
		fail "docx: LibreOffice does not see the seed's answer fields" "$(cat "$T/check.out" 2>/dev/null)"
	fi
	if [ ! -s "$T/odt/tasks.docx" ]; then
		skip "docx: task checkboxes in LibreOffice (no fixtures/gfm-task-list.md)"
	else
		ntask=$(grep -ciE '^[[:space:]]*[-*+] \[[ x]\]' fixtures/gfm-task-list.md)
		if [ -s "$T/odt/tasks.odt" ] && check odt "$T/odt/tasks.odt" "$ntask" checkboxes; then
			pass "docx: LibreOffice sees task items as checkboxes ($(tail -n 1 "$T/check.out"))"
		else
			fail "docx: LibreOffice does not see the task checkboxes" "$(cat "$T/check.out" 2>/dev/null)"
		fi
	fi
	if [ -s "$T/odt/worksheets.docx" ]; then
		if check odt "$T/odt/worksheets.odt" "$nfields"; then
			pass "docx: LibreOffice sees the worksheet pack's $nfields fields ($(tail -n 1 "$T/check.out"))"
		else
			fail "docx: LibreOffice does not see the worksheet pack's fields" "$(cat "$T/check.out" 2>/dev/null)"
		fi
	fi
	if [ ${#variants[@]} -eq 0 ]; then
		skip "docx: legacy form fields in LibreOffice (no $UNIT)"
	elif [ -s "$T/odt/legacy.odt" ] && check odt "$T/odt/legacy.odt" 7; then
		pass "docx: LibreOffice sees the legacy FORMTEXT fields ($(tail -n 1 "$T/check.out"))"
	else
		fail "docx: LibreOffice does not see the legacy fields" "$(cat "$T/check.out" 2>/dev/null)"
	fi
fi

exit 0
