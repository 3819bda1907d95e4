#!/usr/bin/env bash
# group_docx_a11y.sh BINARY SHARED TMPDIR SANITIZED - accessible DOCX.
#
# Run by tests/run.sh from the repo root, on the release build only.
# Converts every corpus page, the seed, the bundled example page and every
# fixture (and, with ../shared, the mentoring module and the whole course)
# to DOCX and to the JSON dump of the model, the worksheets also with
# --fields=legacy, then checks each DOCX against its model
# (tests/check_docx_a11y.py): pictures described by their alt text, header
# rows marked to repeat, dc:title and dc:language in the core properties,
# headings as outline levels in order, and a title and tag on every answer
# field.  Then each check is shown to fail on a copy with the thing taken
# out.
set -u
BIN=$1 SHARED=$2 T=$3 SANITIZED=$4
PY=${PYTHON:-python3}
TMO=${MC_TEST_TIMEOUT:-60}

. tests/lib_group.sh

# the output is the same bytes from either build, and group_docx.sh runs
# these inputs under the sanitizers already
if [ "$SANITIZED" != 0 ]; then
	skip "docx a11y: checked on the release build (the same bytes)"
	exit 0
fi

if ! "$BIN" --help 2>/dev/null | grep -q 'docx'; then
	skip "docx a11y: this build has no DOCX backend"
	exit 0
fi

# name|input|options...
jobs=()
if [ -d "$SHARED/corpus" ]; then
	k=0 # pages of several modules share a name
	while IFS= read -r f; do
		k=$((k + 1))
		jobs+=("$(printf '%03d' $k)-$(basename "${f%.md}")|$f|")
	done < <(find "$SHARED/corpus" -name '*.md' -type f | sort)
fi
SEED=$SHARED/seed/what-is-mentoring.md
[ -f "$SEED" ] && jobs+=("seed|$SEED|" "seed-legacy|$SEED|--fields=legacy")
jobs+=("demo|examples/demo-site/modules/demo/_posts/2000-01-01-welcome.md|")
for md in fixtures/*.md; do
	[ -e "${md%.md}.err" ] && continue
	b=$(basename "${md%.md}")
	jobs+=("fx-$b|$md|")
	case $b in
	worksheet-* | gfm-task-list) jobs+=("fx-$b-legacy|$md|--fields=legacy") ;;
	esac
done
CL=$SHARED/corpus/connectedlib
if [ -d "$CL/modules/mentoring" ] && [ -f "$CL/_data/course.yml" ]; then
	jobs+=("cl-module|$CL/modules/mentoring|" "cl-course|$CL|")
fi

mkdir -p "$T/a11y"
pairs=()
bad=()
for j in "${jobs[@]}"; do
	IFS='|' read -r name in opt <<<"$j"
	ok=1
	for ext in docx json; do
		o="$T/a11y/$name.$ext"
		# the options apply to the DOCX (the model is the same)
		[ $ext = json ] && opt=
		if ! timeout $((TMO * 3)) "$BIN" -q "$in" ${opt:+"$opt"} -o "$o" \
			>/dev/null 2>"$T/a11y/$name.err" </dev/null ||
			grep -qE 'Sanitizer|runtime error' "$T/a11y/$name.err"; then
			bad+=("$name.$ext: $(head -n 3 "$T/a11y/$name.err")")
			ok=0
		fi
	done
	[ $ok = 1 ] && pairs+=("$T/a11y/$name.docx" "$T/a11y/$name.json")
done
if [ ${#bad[@]} -eq 0 ]; then
	pass "docx a11y: ${#jobs[@]} inputs convert to DOCX and JSON"
else
	fail "docx a11y: ${#bad[@]} conversions fail" "${bad[@]}"
fi
if [ ${#pairs[@]} -eq 0 ]; then
	fail "docx a11y: nothing to check"
	exit 0
fi

a11y() {
	local what=$1 title=$2
	if "$PY" tests/check_docx_a11y.py "$what" "${pairs[@]}" >"$T/a11y.out" 2>&1; then
		pass "docx a11y: $title ($(tail -n 1 "$T/a11y.out"))"
	else
		fail "docx a11y: $title" "$(cat "$T/a11y.out")"
	fi
}
a11y images "every picture has a description, the image's alt text"
a11y tables "header rows are marked to repeat (w:tblHeader)"
a11y core "core.xml has dc:title and dc:language, styles.xml the language"
a11y headings "headings have outline levels, the model's, in order"
a11y fields "every answer field has a title and a tag"

# the checks must be able to fail: the first file that has the thing,
# with it taken out of word/document.xml
# must_fail WHAT GREP-PATTERN PYTHON-REGEX REPLACEMENT DESCRIPTION
must_fail() {
	local what=$1 pat=$2 re=$3 repl=$4 desc=$5 src= model= k
	for ((k = 0; k < ${#pairs[@]}; k += 2)); do
		if unzip -p "${pairs[$k]}" word/document.xml 2>/dev/null | grep -q "$pat"; then
			src=${pairs[$k]} model=${pairs[$((k + 1))]}
			break
		fi
	done
	if [ -z "$src" ]; then
		skip "docx a11y: the $what check rejects $desc (no file to try)"
	elif ! "$PY" - "$src" "$T/mutant.docx" "$re" "$repl" <<'PYEOF'
import re, sys, zipfile
src, dst, pat, repl = sys.argv[1:5]
with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w") as b:
    for i in a.infolist():
        data = a.read(i)
        if i.filename == "word/document.xml":
            data = re.sub(pat.encode(), repl.encode(), data)
        b.writestr(i, data)
PYEOF
	then
		fail "docx a11y: cannot write a copy of $src without $desc"
	elif "$PY" tests/check_docx_a11y.py "$what" "$T/mutant.docx" "$model" >/dev/null 2>&1; then
		fail "docx a11y: the $what check accepts $desc"
	else
		pass "docx a11y: the $what check rejects $desc"
	fi
}
must_fail images 'descr="[^"Q]' 'descr="[^"]*"' 'descr=""' "pictures without descr"
must_fail tables '<w:tblHeader/>' '<w:trPr><w:tblHeader/></w:trPr>' '' "header rows not marked"
must_fail headings '<w:outlineLvl w:val="0"/>' '<w:outlineLvl w:val="0"/>' '' "a title without its outline level"
must_fail fields '<w:alias ' '<w:alias w:val="[^"]*"/>' '' "controls without a title"
must_fail fields '<w:helpText ' '<w:helpText [^>]*/>' '' "legacy fields without help text"
exit 0
