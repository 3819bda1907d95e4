#!/usr/bin/env bash
# group_ace.sh BINARY SHARED TMPDIR SANITIZED - Ace by DAISY on the EPUBs.
#
# Run by tests/run.sh from the repo root.  Prints `PASS name`, `FAIL name`
# (detail lines start with a space), `SKIP name`, and `# ...` notes.
# Ace (https://daisy.github.io/ace, the EPUB accessibility checker: axe-core
# in headless Chromium plus its own EPUB checks) must report 0 violations
# of any impact (critical, serious, moderate, minor) on:
#   - the seed page;
#   - every corpus page, each converted alone;
#   - the whole course book (the site root converted to one EPUB);
#   - the seed and the course book again with tests/ace/contrast.yaml, a
#     theme whose one low-contrast colour is darkened: what Ace finds
#     besides the theme's colours (roles, headings, language, metadata);
# and the package claims EPUB Accessibility 1.1 - WCAG 2.1 AA exactly when
# its colours contrast enough (no claim with a pale theme).
# Each line says the counts per impact.  Release build only (SANITIZED=0),
# as epubcheck: Chromium takes about two seconds a book.  Ace is the
# pinned tests/ace/package-lock.json in build/ace (scripts/deps.sh installs
# it; this group runs `scripts/deps.sh --ace` when it is missing); the
# group is skipped, saying why, only where npm or Chromium cannot be had.
set -u
BIN=$1 SHARED=$2 T=$3 SANITIZED=$4
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
PY=${PYTHON:-python3}
TMO=${MC_TEST_TIMEOUT:-60}
SEED=$SHARED/seed/what-is-mentoring.md
SITE=$SHARED/corpus/connectedlib
ACE_DIR=${MC_ACE_DIR:-$(pwd)/build/ace}
CHROMIUM=${PUPPETEER_EXECUTABLE_PATH:-/usr/bin/chromium}
mkdir -p "$T"

. tests/lib_group.sh
t() { if [ -z "$2" ]; then pass "$1"; else fail "$1" "$2"; fi; }

if [ "$SANITIZED" -eq 1 ]; then
	skip "ace: run on the release build only (Chromium reading the EPUBs tests them, not the build)"
	exit 0
fi
if ! "$BIN" --help 2>/dev/null | grep -q '^  epub'; then
	skip "ace (this build has no EPUB backend)"
	exit 0
fi
if [ ! -x "$CHROMIUM" ]; then
	skip "ace (no Chromium at $CHROMIUM: scripts/deps.sh installs Debian's chromium)"
	exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	skip "ace (no Node.js/npm to run Ace by DAISY with)"
	exit 0
fi
if [ ! -x "$ACE_DIR/node_modules/.bin/ace-cli" ]; then
	echo "# ace: not installed in $ACE_DIR; scripts/deps.sh --ace"
	if ! bash scripts/deps.sh --ace >"$T/install.out" 2>&1; then
		skip "ace (Ace by DAISY cannot be installed: $(tail -n 3 "$T/install.out" | tr '\n' ' '))"
		exit 0
	fi
fi

# ---- the books ------------------------------------------------------------
B=$T/books
mkdir -p "$B/plain" "$B/contrast"
corpus=()
while IFS= read -r -d '' f; do corpus+=("$f"); done < <(
	find "$SITE/modules" -path '*/_posts/*.md' -print0 2>/dev/null | LC_ALL=C sort -z)
why=
conv() { # conv OUT IN [ARGS...]
	local out=$1 in=$2
	shift 2
	timeout "$TMO" "$BIN" "$in" -o "$out" "$@" </dev/null >/dev/null 2>"$out.err" ||
		why+="$in: exit $? $(head -n 3 "$out.err")"$'\n'
}
[ -f "$SEED" ] && conv "$B/plain/seed.epub" "$SEED"
[ -f "$SEED" ] && conv "$B/contrast/seed.epub" "$SEED" --style tests/ace/contrast.yaml
if [ -d "$SITE/_data" ]; then
	conv "$B/plain/course.epub" "$SITE"
	conv "$B/contrast/course.epub" "$SITE" --style tests/ace/contrast.yaml
fi
pages=()
for f in "${corpus[@]}"; do
	m=${f%/_posts/*}
	m=${m##*/}
	p=${f##*/}
	out="$B/plain/page--$m--${p%.md}.epub"
	conv "$out" "$f"
	pages+=("$out")
done
if [ -n "$why" ]; then
	fail "ace: the books convert" "$why"
fi
books=()
for b in "$B"/plain/*.epub "$B"/contrast/*.epub; do [ -f "$b" ] && books+=("$b"); done
if [ ${#books[@]} -eq 0 ]; then
	skip "ace (no seed or corpus under $SHARED)"
	exit 0
fi

# ---- Ace, in two Node processes (two cores), each on half of the books ---
run_ace() { # run_ace OUT BOOK...
	local out=$1
	shift
	(cd "$T" && NODE_PATH="$ACE_DIR/node_modules" PUPPETEER_EXECUTABLE_PATH="$CHROMIUM" \
		timeout 1800 node "$OLDPWD/tests/ace/ace-counts.js" "$T/reports" "$@" \
		>"$out" 2>&1 </dev/null)
}
half=$(((${#books[@]} + 1) / 2))
t0=$(date +%s)
run_ace "$T/ace1.out" "${books[@]:0:half}" &
p1=$!
[ ${#books[@]} -gt "$half" ] && run_ace "$T/ace2.out" "${books[@]:half}"
wait $p1
cat "$T/ace1.out" "$T/ace2.out" >"$T/ace.out" 2>/dev/null
echo "# ace: ${#books[@]} books in $(($(date +%s) - t0)) s; reports in $T/reports"

# verdict NAME BOOK...: one line for these books, with the counts summed
verdict() {
	local name=$1 line
	shift
	line=$("$PY" - "$T/ace.out" "$@" <<'PYEOF'
import re, sys
out = open(sys.argv[1], encoding='utf-8', errors='replace').read().splitlines()
books = sys.argv[2:]
impacts = ('critical', 'serious', 'moderate', 'minor')
per, detail, errors = {}, {}, []
cur = None
for l in out:
    m = re.match(r'COUNTS (\S+) (.*)$', l)
    if m:
        cur = m.group(1)
        per[cur] = dict(kv.split('=') for kv in m.group(2).split())
        detail[cur] = []
    elif l.startswith('ERROR '):
        errors.append(l); cur = None
    elif l.startswith('  ') and cur:
        detail[cur].append(l.strip())
tot = dict((i, 0) for i in impacts)
bad = []
for b in books:
    name = b.rsplit('/', 2)[-2] + '/' + b.rsplit('/', 1)[-1]
    if b not in per:
        bad.append('%s: not checked %s' % (name, ' '.join(e for e in errors if b in e)[:300]))
        continue
    n = 0
    for i in impacts:
        tot[i] += int(per[b].get(i, 0)); n += int(per[b].get(i, 0))
    if n:
        bad.append('%s: %s' % (name, ' '.join('%s=%s' % (i, per[b][i]) for i in impacts)))
        bad.extend('  ' + d[:220] for d in detail[b][:3])
print(', '.join('%s %d' % (i, tot[i]) for i in impacts))
for l in bad:
    print(l)
PYEOF
)
	local counts=${line%%$'\n'*} rest=
	[ "$line" != "$counts" ] && rest=${line#*$'\n'}
	t "$name: 0 violations ($counts)" "$rest"
}
[ -f "$B/plain/seed.epub" ] && verdict "ace: the seed" "$B/plain/seed.epub"
[ ${#pages[@]} -gt 0 ] && verdict "ace: ${#pages[@]} corpus pages, each alone" "${pages[@]}"
[ -f "$B/plain/course.epub" ] && verdict "ace: the whole course book" "$B/plain/course.epub"
cb=()
for b in "$B"/contrast/*.epub; do [ -f "$b" ] && cb+=("$b"); done
[ ${#cb[@]} -gt 0 ] && verdict "ace: the seed and the course book with the Activity label darkened (tests/ace/contrast.yaml)" "${cb[@]}"

# ---- the conformance claim: made where it holds, and only there ----------
why=
claims() { unzip -p "$1" EPUB/package.opf 2>/dev/null | grep -c 'property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.1 Level AA<'; }
if [ -f "$SEED" ]; then
	printf 'colors:\n  text: "#999999"\n' >"$T/pale.yaml"
	conv "$T/pale.epub" "$SEED" --style "$T/pale.yaml"
	[ "$(claims "$T/pale.epub")" = 0 ] || why+="a pale theme (#999999 text, 2.8:1) still claims WCAG 2.1 AA"$'\n'
	[ "$(claims "$B/contrast/seed.epub")" = 1 ] || why+="the seed with tests/ace/contrast.yaml makes no conformance claim"$'\n'
	"$PY" -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit("dcterms:conformsTo" not in r["a11y-metadata"]["present"])' \
		"$T/reports/contrast-seed/report.json" 2>/dev/null ||
		why+="Ace does not find the claim in the seed made with contrast.yaml"$'\n'
	t "ace: dcterms:conformsTo EPUB Accessibility 1.1 - WCAG 2.1 AA where the colours contrast enough, not with a pale theme" "$why"
fi
exit 0
