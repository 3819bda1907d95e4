#!/usr/bin/env bash
# group_golden.sh BINARY SHARED TMPDIR SANITIZED - golden outputs.
#
# Run by tests/run.sh from the repo root.  Prints `PASS name`, `FAIL name`
# (detail lines start with a space) or `SKIP name`.  For each golden
# fixture (tests/golden.sh --list) and each of PDF, EPUB and DOCX, the
# output's readable parts (tests/golden_parts.py: the XML parts of the
# EPUB and DOCX pretty-printed, the list of their zip entries with sizes
# and CRCs, the PDF's decompressed content streams with the text they
# show, its fonts, structure tree and document-level objects) must equal
# tests/golden/<name>/<format>/ line for line; a FAIL shows the start of
# the diff.  After an intended change, `make golden` rewrites them (and
# git diff tests/golden shows what the change did).
set -u
BIN=$1 T=$3
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
mkdir -p "$T"

. tests/lib_group.sh

PY=$(py_with pypdf)
if [ -z "$PY" ]; then
	skip "golden: no Python with pypdf"
	exit 0
fi
export PYTHON=$PY

for name in $(bash tests/golden.sh --list); do
	for fmt in pdf epub docx; do
		test="golden: $name $fmt"
		want=tests/golden/$name/$fmt
		got=$T/golden/$name/$fmt
		if [ ! -d "$want" ]; then
			fail "$test" "no $want (make golden)"
			continue
		fi
		if ! err=$(bash tests/golden.sh "$BIN" "$T/golden" "$name" "$fmt" 2>&1); then
			fail "$test" "$err"
			continue
		fi
		if d=$(diff -ru "$want" "$got" 2>&1); then
			pass "$test"
		else
			fail "$test" "$(printf '%s\n' "$d" | grep -vE '^(diff -ru|Only in)' \
				| head -n 11; printf '%s\n' "$d" | grep -E '^Only in' | head -n 3)"
		fi
	done
done
exit 0
