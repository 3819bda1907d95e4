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
# git diff tests/golden shows what the change did).  Then, that each
# comparison can fail: an output with one byte of its content changed
# must give other parts.
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

# Each comparison can fail: a copy of an output with one byte of its
# content changed (a digit of a PDF content stream, a letter of the
# EPUB's and the DOCX's body text) must give other parts than the output.
name=cm-lists
for fmt in pdf epub docx; do
	test="golden: one byte changed in the $fmt shows in its parts"
	if [ $fmt = pdf ] && ! command -v fix-qdf >/dev/null 2>&1; then
		skip "$test (no qpdf)"
		continue
	fi
	o=$T/mut/$name.$fmt
	mkdir -p "$T/mut"
	if ! SOURCE_DATE_EPOCH=1700000000 timeout "${MC_TEST_TIMEOUT:-60}" "$BIN" -q \
		"fixtures/$name.md" -o "$o" </dev/null 2>"$T/mut/err"; then
		fail "$test" "$(cat "$T/mut/err")"
		continue
	fi
	why=$("$PY" - "$o" "$o.mut.$fmt" <<'PYEOF'
import re, subprocess, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
if src.endswith('.pdf'):
    # uncompressed (qpdf --qdf), the first text position's digit changed,
    # the lengths fixed again
    subprocess.run(['qpdf', '--qdf', '--normalize-content=n',
                    '--object-streams=disable', src,
                    dst + '.qdf'], check=True)
    b = open(dst + '.qdf', 'rb').read()
    m = re.search(rb'\n(\d)[\d.]* [-\d.]+ Td\n', b)
    if not m:
        sys.exit('no Td in the content stream')
    i = m.start(1)
    b = b[:i] + (b'8' if b[i:i + 1] != b'8' else b'9') + b[i + 1:]
    open(dst + '.qdf', 'wb').write(b)
    subprocess.run(['fix-qdf', dst + '.qdf'], stdout=open(dst, 'wb'),
                   check=True)
else:
    body = 'EPUB/content.xhtml' if src.endswith('.epub') else 'word/document.xml'
    zin = zipfile.ZipFile(src)
    with zipfile.ZipFile(dst, 'w') as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == body:
                data = data.replace(b'step', b'stEp', 1)
            zout.writestr(info, data)
PYEOF
	) || { fail "$test" "could not make the changed copy: $why"; continue; }
	rm -rf "$T/mut/a" "$T/mut/b"
	"$PY" tests/golden_parts.py "$o" "$T/mut/a" && "$PY" tests/golden_parts.py "$o.mut.$fmt" "$T/mut/b"
	d=$(diff -r "$T/mut/a" "$T/mut/b" | grep -E '^[<>]')
	if [ -n "$d" ]; then
		pass "$test"
	else
		fail "$test" "the parts of the changed copy are the same as the output's"
	fi
done
exit 0
