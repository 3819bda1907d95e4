#!/usr/bin/env bash
# group_tags.sh BINARY SHARED TMPDIR SANITIZED - the tagged PDF, checked as
# a PDF/UA-1 validator would check its structure (tests/check_pdfua.py).
#
# Run by tests/run.sh from the repo root.  Prints `PASS name`, `FAIL name`
# (detail lines start with a space) or `SKIP name`.
#   - the checker itself: PDFs broken one way each (tests/break_pdf.py:
#     text outside marked content, a Figure without /Alt, a page without
#     /Tabs, ...) must each fail the check meant to catch it;
#   - the seed, every corpus page (each converted alone, checked with its
#     model from -t json), the mentoring module and the whole course: every
#     check of tests/check_pdfua.py; the corpus gets a line per check;
#   - --no-tags gives an untagged PDF, with the same pdftotext text;
#   - the fields of a tagged PDF still fill with pypdf, and stay tagged.
set -u
BIN=$1 SHARED=$2 T=$3 SANITIZED=$4
TMO=${MC_TEST_TIMEOUT:-60}
SEED=$SHARED/seed/what-is-mentoring.md
COURSE=$SHARED/corpus/connectedlib
MODULE=$COURSE/modules/mentoring
CHECK=tests/check_pdfua.py
BREAK=tests/break_pdf.py

. tests/lib_group.sh

# a Python with pypdf: $PYTHON, python3, or the system's
PY=$(py_with pypdf)
if [ -z "$PY" ]; then
	skip "tags: PDF/UA checks (pypdf not installed: python3-pypdf)"
	exit 0
fi
for tool in qpdf fix-qdf pdftotext pdfinfo; do
	if ! command -v $tool >/dev/null 2>&1; then
		skip "tags: PDF/UA checks ($tool not installed: make deps)"
		exit 0
	fi
done

# conv IN OUT [ARGS...]: convert; status in RC, stderr in $T/err
conv() { conv_to "$T/err" "$@"; }

# counts FILE: "pages=.. elements=.. mcids=.." from a checker's output
counts() { sed -n 's/^counts //p' "$1" | sed 's/ annots=[0-9]*//'; }

# ua NAME PDF [MODEL]: one PASS/FAIL line for all the checks of one PDF
ua() {
	local name=$1 pdf=$2 model=${3:-} out=$T/ua.out
	if [ -n "$model" ]; then
		"$PY" $CHECK "$pdf" --model "$model" >"$out" 2>&1
	else
		"$PY" $CHECK "$pdf" >"$out" 2>&1
	fi
	local rc=$? n
	n=$(grep -c '^ok ' "$out")
	if [ $rc -eq 0 ]; then
		pass "tags: $name: $n PDF/UA checks pass ($(counts "$out"))"
	else
		fail "tags: $name: $(grep -c '^FAIL' "$out") of $((n + $(grep -c '^FAIL' "$out"))) PDF/UA checks fail ($(counts "$out"))" \
			"$(grep '^FAIL' "$out" | cut -c1-400)"
	fi
}

# ---- the checker catches what it is meant to -------------------------------
cat >"$T/base.md" <<'EOF'
---
title: Checker base
lang: en
---
An opening paragraph with a [link](https://example.org/) in it.

## First section

Some text under the first section.

### A subsection

- one item
- another item

| Name | Role |
|---|---|
| Ada | mentor |
| Ben | mentee |

## Second section

The last paragraph.

<div class="callout activity" markdown="1">

## Worksheet

* What did you learn?

</div>
EOF
conv "$T/base.md" "$T/base.pdf" -q
rb=$RC
conv "$T/base.md" "$T/base.json" -q -t json
if [ $rb -ne 0 ] || [ $RC -ne 0 ]; then
	fail "tags: checker self-test: the base page converts" "exit $rb/$RC: $(head -n 3 "$T/err")"
else
	bases=("$T/base.pdf")
	if [ -f "$SEED" ]; then
		conv "$SEED" "$T/seedbase.pdf" -q
		[ $RC -eq 0 ] && bases+=("$T/seedbase.pdf")
	fi
	caught=() missed=() untried=()
	while read -r kind want; do
		done_=0
		for b in "${bases[@]}"; do
			"$PY" $BREAK "$b" "$T/broken.pdf" "$kind" 2>/dev/null
			r=$?
			[ $r -eq 3 ] && continue
			if [ $r -ne 0 ]; then
				missed+=("$kind: break_pdf.py failed (exit $r)")
				done_=1
				break
			fi
			m=()
			[ "$b" = "$T/base.pdf" ] && m=(--model "$T/base.json")
			"$PY" $CHECK "$b" "${m[@]}" >"$T/orig.out" 2>&1
			"$PY" $CHECK "$T/broken.pdf" "${m[@]}" >"$T/broken.out" 2>&1
			# caught: the check fails now and passed before, or fails
			# with more problems than before
			nb=$(sed -n "s/^FAIL $want: \([0-9]*\) problem.*/\1/p" "$T/broken.out")
			no=$(sed -n "s/^FAIL $want: \([0-9]*\) problem.*/\1/p" "$T/orig.out")
			if [ -n "$nb" ] && { [ -z "$no" ] || [ "$nb" -gt "$no" ]; }; then
				caught+=("$kind")
			else
				missed+=("$kind (${b##*/}): $want ${nb:-ok} after, ${no:-ok} before: $(grep -m 3 '^FAIL' "$T/broken.out" | cut -c1-160 | tr '\n' ' ')")
			fi
			done_=1
			break
		done
		[ $done_ -eq 0 ] && untried+=("$kind")
	done < <("$PY" $BREAK --kinds)
	note=""
	[ ${#untried[@]} -gt 0 ] && note="; nothing to break in these PDFs for: ${untried[*]}"
	if [ ${#missed[@]} -eq 0 ] && [ ${#caught[@]} -gt 0 ]; then
		pass "tags: checker self-test: ${#caught[@]} PDFs broken one way each, each caught by its check$note"
	else
		fail "tags: checker self-test: ${#missed[@]} of $((${#caught[@]} + ${#missed[@]})) broken PDFs not caught$note" "${missed[@]}"
	fi
fi

# ---- the seed ---------------------------------------------------------------
if [ -f "$SEED" ]; then
	conv "$SEED" "$T/seed.pdf" -q
	r1=$RC
	conv "$SEED" "$T/seed.json" -q -t json
	if [ $r1 -ne 0 ] || [ $RC -ne 0 ]; then
		fail "tags: seed converts" "exit $r1/$RC: $(head -n 3 "$T/err")"
	else
		ua "seed" "$T/seed.pdf" "$T/seed.json"
	fi
else
	skip "tags: seed ($SEED not found)"
fi

# ---- every corpus page, alone, with its model: a line per check ------------
if [ -d "$SHARED/corpus" ]; then
	pages=()
	while IFS= read -r f; do pages+=("$f"); done < <(find "$SHARED/corpus" -name '*.md' -type f | LC_ALL=C sort)
	if [ "$SANITIZED" = 1 ]; then
		pages=("${pages[@]:0:3}")
	fi
	rm -rf "$T/corpus"
	timeout $((TMO * 5)) "$BIN" -q -d "$T/corpus" -t pdf,json "${pages[@]}" </dev/null >/dev/null 2>"$T/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "tags: corpus pages convert (${#pages[@]} pages)" "exit $rc: $(head -n 3 "$T/err")"
	fi
	: >"$T/corpus.all"
	np=0 tp=0 te=0 tm=0
	while IFS= read -r pdf; do
		rel=${pdf#"$T/corpus/"}
		"$PY" $CHECK "$pdf" --model "${pdf%.pdf}.json" >"$T/page.out" 2>&1
		sed "s|^|${rel%.pdf}\t|" "$T/page.out" >>"$T/corpus.all"
		np=$((np + 1))
		read -r _ a _ b _ c < <(counts "$T/page.out" | tr '=' ' ')
		[ -n "${c:-}" ] && tp=$((tp + a)) te=$((te + b)) tm=$((tm + c))
	done < <(find "$T/corpus" -name '*.pdf' | LC_ALL=C sort)
	if [ $np -eq 0 ]; then
		fail "tags: corpus pages: no PDF made"
	else
		# the checks in the order the checker prints them
		while IFS= read -r c; do
			bad=$(awk -F'\t' -v c="$c" '$2 ~ "^FAIL " c ":" { print $1 ": " substr($2, 6 + length(c) + 2, 300) }' "$T/corpus.all")
			nb=$(grep -c . <<<"$bad")
			[ -z "$bad" ] && nb=0
			if [ $nb -eq 0 ]; then
				pass "tags: corpus: $c, $np pages ($tp pages, $te elements, $tm MCIDs)"
			else
				fail "tags: corpus: $c fails on $nb of $np pages" "$bad"
			fi
		done < <(awk -F'\t' '{ split($2, a, /[ :]/); if (a[1] == "ok" || a[1] == "FAIL") print a[2] }' "$T/corpus.all" | awk '!seen[$0]++')
		if grep -qP '\tFAIL readable' "$T/corpus.all"; then
			fail "tags: corpus: every PDF reads" "$(grep -P '\tFAIL readable' "$T/corpus.all")"
		fi
	fi
else
	skip "tags: corpus ($SHARED/corpus not found)"
fi

# ---- the mentoring module and the whole course ------------------------------
if [ "$SANITIZED" != 1 ] && [ -d "$MODULE" ]; then
	timeout $((TMO * 3)) "$BIN" -q "$MODULE" -o "$T/module.pdf" </dev/null >/dev/null 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] && ua "the mentoring module" "$T/module.pdf" ||
		fail "tags: the mentoring module converts" "exit $rc: $(head -n 3 "$T/err")"
	timeout $((TMO * 5)) "$BIN" -q "$COURSE" -o "$T/course.pdf" </dev/null >/dev/null 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] && ua "the whole course" "$T/course.pdf" ||
		fail "tags: the whole course converts" "exit $rc: $(head -n 3 "$T/err")"
fi

# ---- --no-tags: untagged, the same text -------------------------------------
notags() {
	"$PY" - "$1" <<'EOF'
import re, sys
from pypdf import PdfReader
r = PdfReader(sys.argv[1])
root = r.trailer["/Root"]
bad = []
if "/StructTreeRoot" in root:
    bad.append("a /StructTreeRoot")
mi = root.get("/MarkInfo")
if mi is not None and str(mi.get_object().get("/Marked")).lower() == "true":
    bad.append("/MarkInfo /Marked true")
n = 0
for p in r.pages:
    if "/StructParents" in p:
        bad.append("a page with /StructParents")
        break
for p in r.pages:
    c = p.get_contents()
    if c is not None and re.search(rb"/MCID\b", c.get_data()):
        bad.append("MCIDs in a content stream")
        break
print("; ".join(bad))
sys.exit(1 if bad else 0)
EOF
}
if [ -f "$SEED" ]; then
	conv "$SEED" "$T/seed-untagged.pdf" -q --no-tags
	if [ $RC -ne 0 ]; then
		fail "tags: --no-tags converts" "exit $RC: $(head -n 3 "$T/err")"
	else
		why=$(notags "$T/seed-untagged.pdf" 2>&1)
		[ $? -eq 0 ] && pass "tags: --no-tags gives an untagged PDF (no StructTreeRoot, MarkInfo, StructParents or MCIDs)" ||
			fail "tags: --no-tags gives an untagged PDF" "$why"
	fi
fi
same=() differ=()
for f in "$SEED" "$MODULE"; do
	[ -e "$f" ] || continue
	[ "$SANITIZED" = 1 ] && [ -d "$f" ] && continue
	n=$(basename "$f" .md)
	SOURCE_DATE_EPOCH=1700000000 conv "$f" "$T/$n-t.pdf" -q
	r1=$RC
	SOURCE_DATE_EPOCH=1700000000 conv "$f" "$T/$n-u.pdf" -q --no-tags
	if [ $r1 -ne 0 ] || [ $RC -ne 0 ]; then
		differ+=("$n: exit $r1/$RC")
		continue
	fi
	pdftotext -enc UTF-8 "$T/$n-t.pdf" "$T/$n-t.txt" 2>/dev/null
	pdftotext -enc UTF-8 "$T/$n-u.pdf" "$T/$n-u.txt" 2>/dev/null
	if cmp -s "$T/$n-t.txt" "$T/$n-u.txt"; then
		same+=("$n")
	else
		differ+=("$n: $(diff "$T/$n-t.txt" "$T/$n-u.txt" | head -n 8)")
	fi
done
if [ ${#differ[@]} -eq 0 ] && [ ${#same[@]} -gt 0 ]; then
	pass "tags: pdftotext text the same tagged and with --no-tags (${same[*]})"
elif [ ${#same[@]} -gt 0 ] || [ ${#differ[@]} -gt 0 ]; then
	fail "tags: pdftotext text the same tagged and with --no-tags" "${differ[@]}"
fi

# ---- a long document: tagged, whatever its Document holds -----------------
# 33,000 paragraphs: a Document with more kids than libharu's arrays hold
# (32767), written tagged all the same (tags.c writes the /K arrays); on
# small pages (three paragraphs each), over 8191 pages: a page tree of
# more than one level (pdf.c).  Valid, and the first and last paragraphs
# read back.
LONG=$T/long.md
{
	printf -- '---\ntitle: Many paragraphs\nlang: en\n---\n\n'
	seq 1 33000 | sed 's/.*/Paragraph &.\n/'
} >"$LONG"
printf 'page:\n  width: 3in\n  height: 1.8in\n  margins: 0.1in\n' >"$T/small.yaml"
conv "$LONG" "$T/long.pdf" -q --style "$T/small.yaml"
if [ $RC -ne 0 ] || grep -q untagged "$T/err"; then
	fail "tags: a long document (33,000 paragraphs) converts, tagged" "exit $RC: $(head -n 3 "$T/err")"
else
	why=""
	info=$(pdfinfo "$T/long.pdf" 2>/dev/null)
	grep -q '^Tagged: *yes' <<<"$info" || why="pdfinfo: not tagged"
	np=$(sed -n 's/^Pages: *//p' <<<"$info")
	[ "${np:-0}" -gt 8191 ] || why="$why only ${np:-no} pages (8192 or more meant)"
	q=$(qpdf --check "$T/long.pdf" 2>&1) || why="$why qpdf --check: $(tail -n 3 <<<"$q")"
	txt=$(pdftotext -enc UTF-8 "$T/long.pdf" - 2>/dev/null)
	grep -qx 'Paragraph 1\.' <<<"$txt" && grep -qx 'Paragraph 33000\.' <<<"$txt" ||
		why="$why pdftotext: first or last paragraph missing"
	"$PY" $CHECK "$T/long.pdf" >"$T/long.out" 2>&1 ||
		why="$why $(grep '^FAIL' "$T/long.out" | cut -c1-300)"
	grep -q '^ok markinfo' "$T/long.out" && grep -q '^ok struct_tree_root' "$T/long.out" ||
		why="$why no markinfo/struct_tree_root check passed"
	[ -z "$why" ] && pass "tags: a long document (33,000 paragraphs: a Document of more than 32767 kids, $np pages) is tagged, passes qpdf --check and the PDF/UA checks ($(counts "$T/long.out")), and reads" ||
		fail "tags: a long document (33,000 paragraphs) is tagged and valid" "$why"
fi

# ---- every PDF packed: --no-tags too ---------------------------------------
# object streams and a cross-reference stream (objstm.c, PDF 1.5 and
# later) whether tagged or not
if [ -f "$T/seed-untagged.pdf" ]; then
	why=""
	head -c 8 "$T/seed-untagged.pdf" | grep -q '%PDF-1\.7' || why="header $(head -c 8 "$T/seed-untagged.pdf" | tr -dc '[:print:]')"
	x=$(qpdf --show-xref "$T/seed-untagged.pdf" 2>&1)
	grep -q 'compressed; stream' <<<"$x" || why="$why no object in an object stream"
	grep -aq '/Type /XRef' "$T/seed-untagged.pdf" || why="$why no cross-reference stream"
	q=$(qpdf --check "$T/seed-untagged.pdf" 2>&1) || why="$why qpdf --check: $(tail -n 3 <<<"$q")"
	[ -z "$why" ] && pass "tags: a --no-tags PDF is packed too (PDF 1.7, /ObjStm, /Type /XRef) and passes qpdf --check" ||
		fail "tags: a --no-tags PDF is packed too" "$why"
fi

# ---- the fields of a tagged PDF fill with pypdf -------------------------------
if [ -f "$T/base.pdf" ]; then
	how=$("$PY" tests/check_fields.py fill "$T/base.pdf" "$T/filled.pdf" "answer-1=Привет, Élan" 2>&1)
	rc=$?
	why=""
	[ $rc -ne 0 ] || [ ! -s "$T/filled.pdf" ] && why="check_fields.py fill: exit $rc: $how"
	if [ -z "$why" ]; then
		why=$("$PY" - "$T/filled.pdf" <<'EOF'
import sys
from pypdf import PdfReader
f = PdfReader(sys.argv[1]).get_fields() or {}
# answer-1 is a kid of its worksheet's field: "worksheet-slug.answer-1"
v = next((x.get("/V") for k, x in f.items() if k.split(".")[-1] == "answer-1"), None)
if v != "Привет, Élan":
    print("answer-1 reads back %r" % (v,))
EOF
)
	fi
	if [ -z "$why" ]; then
		"$PY" $CHECK "$T/filled.pdf" >"$T/filled.out" 2>&1
		why=$(grep -E '^FAIL (struct_tree_root|markinfo|annot_struct|widget_tu|parent_tree|readable)' "$T/filled.out")
	fi
	[ -z "$why" ] && pass "tags: a tagged PDF's fields fill with pypdf and stay tagged (widgets in Form elements; filler: $how)" ||
		fail "tags: a tagged PDF's fields fill with pypdf and stay tagged" "$why"
fi
exit 0
