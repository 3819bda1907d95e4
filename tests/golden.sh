#!/usr/bin/env bash
# golden.sh BINARY OUTROOT [FIXTURE FORMAT] - the golden outputs' parts.
#
# Converts each golden fixture (the list below) to PDF, EPUB and DOCX
# with BINARY (SOURCE_DATE_EPOCH fixed, from the repo root) and writes
# the readable parts of each output (tests/golden_parts.py) under
# OUTROOT/<name>/<format>/: what tests/golden/ holds.  With FIXTURE and
# FORMAT (a name as listed by `golden.sh --list`), only that one.
#   `make golden`          golden.sh ./mentorconv tests/golden
#   tests/group_golden.sh  golden.sh into a temporary folder, then diff
# The goldens hold only the repo's files: no page of ../shared.
# Exits 1 if a conversion or an extraction fails.
set -u
cd "$(dirname "$0")/.." || exit 2

# name path: the golden fixtures.  A few, each showing other parts of the
# backends: lists, a table, callouts, many languages and directions, form
# controls, worksheet answer fields, links, pictures (PNG and JPEG).
FIXTURES='
cm-lists fixtures/cm-lists.md
gfm-table fixtures/gfm-table.md
callout-kinds fixtures/callout-kinds.md
lang-mixed fixtures/lang-mixed.md
html-form-controls fixtures/html-form-controls.md
worksheet-prompts fixtures/worksheet-prompts.md
ial-link-target fixtures/ial-link-target.md
dialect-img-mixed fixtures/dialect/img-mixed.md
'
FORMATS='pdf epub docx'

if [ "${1:-}" = --list ]; then
	printf '%s\n' "$FIXTURES" | awk 'NF == 2 { print $1 }'
	exit 0
fi
if [ $# -ne 2 ] && [ $# -ne 4 ]; then
	echo "usage: tests/golden.sh BINARY OUTROOT [NAME FORMAT] | --list" >&2
	exit 2
fi
BIN=$1 OUT=$2 ONLY_NAME=${3:-} ONLY_FMT=${4:-}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
TMO=${MC_TEST_TIMEOUT:-60}
export SOURCE_DATE_EPOCH=1700000000

PY=
for p in ${PYTHON:-} python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import pypdf' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	echo "golden.sh: no Python with pypdf (apt-get install python3-pypdf)" >&2
	exit 1
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/mc-golden.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
rc=0
while read -r name path; do
	[ -n "$name" ] || continue
	[ -z "$ONLY_NAME" ] || [ "$name" = "$ONLY_NAME" ] || continue
	for fmt in $FORMATS; do
		[ -z "$ONLY_FMT" ] || [ "$fmt" = "$ONLY_FMT" ] || continue
		out=$W/$name.$fmt
		if ! timeout "$TMO" "$BIN" -q "$path" -o "$out" </dev/null 2>"$W/err"; then
			echo "golden.sh: $path to $fmt failed:" >&2
			head -n 5 "$W/err" >&2
			rc=1
			continue
		fi
		if grep -qE 'Sanitizer|runtime error:' "$W/err"; then
			echo "golden.sh: $path to $fmt: sanitizer report:" >&2
			head -n 12 "$W/err" >&2
			rc=1
		fi
		rm -rf "${OUT:?}/$name/$fmt"
		mkdir -p "$OUT/$name/$fmt"
		if ! "$PY" tests/golden_parts.py "$out" "$OUT/$name/$fmt"; then
			rc=1
		fi
	done
done <<<"$FIXTURES"
exit $rc
