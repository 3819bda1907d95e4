#!/usr/bin/env bash
# run.sh BINARY UNITDIR - the mentorconv test harness.
#
# Runs, against one build of the converter (BINARY) and its unit test
# programs (UNITDIR/unit_*):
#   unit      every unit test program; each PASS:/FAIL: line it prints is a test
#   fixtures  fixtures/X.md -> JSON, byte for byte against fixtures/X.json
#             (or, with fixtures/X.err, an expected failure and message)
#   examples  the bundled example course page, with acceptance checks
#   corpus    every *.md under ../shared/corpus and the seed convert, with
#             no markup leaked into the text (tests/check_json.py)
#   seed      acceptance checks on ../shared/seed/what-is-mentoring.md
#   cli       options, exit codes, diagnostics, refusals, determinism, stdin
#   valgrind  (not for sanitizer builds) leak and memory errors
#   formats   tests/group_<fmt>.sh, one script per output format
# One line per test, `PASS name` or `FAIL name` (with some detail), then
# `N passed, N failed[, N skipped]`.  Exits 1 if anything failed.
# With MC_RESULTS=FILE, also writes "PASSED FAILED SKIPPED" into FILE.
set -u

if [ $# -ne 2 ]; then
	echo "usage: tests/run.sh BINARY UNITDIR" >&2
	exit 2
fi
abspath() { (cd "$(dirname "$1")" 2>/dev/null && echo "$(pwd)/$(basename "$1")"); }
BIN=$(abspath "$1")
UNITDIR=$(abspath "$2")
RESULTS=${MC_RESULTS:+$(abspath "$MC_RESULTS")}
cd "$(dirname "$0")/.." || exit 2 # the repo root: paths below are relative to it
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
	echo "run.sh: no executable $1" >&2
	exit 2
fi

SHARED=../shared
# LIGHT, FULL and VG_BIN (the light program: valgrind runs the full one)
. tests/lib_light.sh
SEED=$SHARED/seed/what-is-mentoring.md
DEMO=examples/demo-site/modules/demo/_posts/2000-01-01-welcome.md
TMO=${MC_TEST_TIMEOUT:-60} # seconds for one conversion
PY=${PYTHON:-python3}

# Sanitizer builds: a report must fail a test even where a non-zero exit is
# expected, so give sanitizer deaths their own exit code and look for
# reports on stderr too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=86:print_stacktrace=1}
SANITIZED=0
grep -qa __asan_init "$BIN" && SANITIZED=1

T=$(mktemp -d "${TMPDIR:-/tmp}/mentorconv-test.XXXXXX") || exit 2
# the PDF backend's font cache (src/back/pdf/fontcache.h): a private one,
# not the user's
export MC_FONT_CACHE=$T/fonts.cache
trap 'rm -rf "$T"' EXIT

npass=0 nfail=0 nskip=0
pass() { npass=$((npass + 1)); echo "PASS $1"; }
skip() { nskip=$((nskip + 1)); echo "SKIP $1"; }
# fail NAME [DETAIL...]: each DETAIL is text (first 12 lines shown)
fail() {
	nfail=$((nfail + 1))
	echo "FAIL $1"
	shift
	for d in "$@"; do
		[ -n "$d" ] || continue
		printf '%s\n' "$d" | head -n 12 | sed 's/^/    /'
	done
}

# conv ARGS...: run the converter; stdout, stderr in $T/stdout, $T/stderr,
# exit status in RC.  Standard input is $STDIN (default /dev/null).
conv() {
	timeout "$TMO" "$BIN" "$@" <"${STDIN:-/dev/null}" >"$T/stdout" 2>"$T/stderr"
	RC=$?
}

# problem EXPECTED-RC: empty if the last conv exited EXPECTED-RC ("nonzero"
# for any failure) with no sanitizer report; else says what went wrong.
problem() {
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|Sanitizer:' "$T/stderr"; then
		echo "sanitizer report (exit $RC):"
		grep -m 8 -E 'Sanitizer|runtime error|#[0-9] ' "$T/stderr"
	elif [ "$RC" -eq 86 ]; then
		echo "sanitizer exit (86):"
		tail -n 8 "$T/stderr"
	elif [ "$RC" -eq 124 ]; then
		echo "timed out after ${TMO}s"
	elif [ "$1" = nonzero ] && [ "$RC" -ne 0 ] && [ "$RC" -lt 124 ]; then
		:
	elif [ "$1" != nonzero ] && [ "$RC" -eq "$1" ]; then
		:
	else
		echo "exit $RC, expected $1; stderr:"
		head -n 8 "$T/stderr"
	fi
}

# PASS:/FAIL: lines of a test program's output (file $2) as tests named
# "$1: ...".  Returns the number of FAIL lines seen (at most 255).
count_lines() {
	local prefix=$1 file=$2 line nf=0 np=0
	while IFS= read -r line; do
		case $line in
		PASS:*) pass "$prefix: ${line#PASS: }"; np=$((np + 1)) ;;
		FAIL:*) fail "$prefix: ${line#FAIL: }"; nf=$((nf + 1)) ;;
		esac
	done <"$file"
	LINES_SEEN=$((np + nf))
	return $((nf > 255 ? 255 : nf))
}

# ---- unit -------------------------------------------------------------
echo "# unit: $UNITDIR"
units=()
for u in "$UNITDIR"/unit_*; do
	[ -f "$u" ] && [ -x "$u" ] && units+=("$u")
done
if [ ${#units[@]} -eq 0 ]; then
	skip "unit (no unit test programs in $2)"
fi
for u in "${units[@]}"; do
	name=$(basename "$u")
	timeout "$TMO" "$u" >"$T/unit.out" 2>"$T/unit.err" </dev/null
	rc=$?
	count_lines "$name" "$T/unit.out"
	nf=$?
	if [ $rc -ne 0 ] && [ $nf -eq 0 ]; then
		fail "$name (exit $rc without a FAIL line)" "$(tail -n 12 "$T/unit.err")"
	elif [ $rc -eq 0 ] && [ "$LINES_SEEN" -eq 0 ]; then
		fail "$name (printed no PASS:/FAIL: line)" "$(tail -n 12 "$T/unit.err")"
	elif [ $nf -gt 0 ] && [ -s "$T/unit.err" ]; then
		echo "    $name stderr:"; tail -n 12 "$T/unit.err" | sed 's/^/    /'
	fi
done

# ---- fixtures ---------------------------------------------------------
echo "# fixtures"
shopt -s nullglob
fixtures=(fixtures/*.md)
shopt -u nullglob
[ ${#fixtures[@]} -eq 0 ] && skip "fixtures (none yet)"
for md in "${fixtures[@]}"; do
	base=${md%.md}
	name="fixture $(basename "$base")"
	rm -f "$T/fix.json"
	conv "$md" -t json -o "$T/fix.json"
	if [ -f "$base.err" ]; then
		want=$(cat "$base.err")
		why=$(problem nonzero)
		if [ -z "$why" ] && [[ $(cat "$T/stderr") != *"$want"* ]]; then
			why="stderr does not contain: $want"$'\n'"stderr: $(head -n 5 "$T/stderr")"
		fi
		if [ -z "$why" ] && [ -e "$T/fix.json" ]; then
			why="an output file was written despite the failure"
		fi
	elif [ -f "$base.json" ]; then
		why=$(problem 0)
		if [ -z "$why" ] && ! cmp -s "$base.json" "$T/fix.json"; then
			why="output differs from $base.json (make golden regenerates):"$'\n'
			why+=$(diff -u "$base.json" "$T/fix.json" | head -n 30)
		fi
	else
		why="neither $base.json nor $base.err exists (make golden)"
	fi
	if [ -z "$why" ]; then pass "$name"; else fail "$name" "$why"; fi
done

# ---- examples ---------------------------------------------------------
echo "# examples"
conv "$DEMO" -t json -o "$T/demo.json"
why=$(problem 0)
if [ -n "$why" ]; then
	fail "demo converts" "$why"
else
	pass "demo converts"
	"$PY" tests/check_json.py --demo "$T/demo.json" >"$T/check.out" 2>&1
	rc=$?
	count_lines "demo" "$T/check.out"
	if [ $rc -ne 0 ] && [ "$LINES_SEEN" -eq 0 ]; then
		fail "demo: check_json.py (exit $rc)" "$(tail -n 8 "$T/check.out")"
	fi
fi

# ---- corpus -----------------------------------------------------------
echo "# corpus"
corpus=()
if [ -d "$SHARED/corpus" ]; then
	while IFS= read -r f; do corpus+=("$f"); done \
		< <(find "$SHARED/corpus" -name '*.md' -type f | LC_ALL=C sort)
	[ -f "$SEED" ] && corpus+=("$SEED")
fi
if [ ${#corpus[@]} -eq 0 ]; then
	echo "# notice: $SHARED/corpus not found: the real-input tests cannot run"
	skip "corpus ($SHARED/corpus not found)"
fi
for f in "${corpus[@]}"; do
	name="corpus ${f#"$SHARED"/}"
	rm -f "$T/c.json"
	conv "$f" -t json -o "$T/c.json"
	why=$(problem 0)
	if [ -z "$why" ]; then
		"$PY" tests/check_json.py "$T/c.json" >"$T/check.out" 2>&1 ||
			why="tests/check_json.py: $(cat "$T/check.out")"
	fi
	if [ -z "$why" ]; then pass "$name"; else fail "$name" "$why"; fi
done

# ---- seed -------------------------------------------------------------
echo "# seed"
if [ ! -f "$SEED" ]; then
	skip "seed ($SEED not found)"
else
	conv "$SEED" -t json -o "$T/seed.json"
	why=$(problem 0)
	if [ -n "$why" ]; then
		fail "seed converts" "$why"
	else
		"$PY" tests/check_json.py --seed "$T/seed.json" >"$T/check.out" 2>&1
		rc=$?
		count_lines "seed" "$T/check.out"
		if [ $rc -ne 0 ] && [ "$LINES_SEEN" -eq 0 ]; then
			fail "seed: check_json.py (exit $rc)" "$(tail -n 8 "$T/check.out")"
		fi
	fi
fi

# ---- cli --------------------------------------------------------------
echo "# cli"
# t NAME WHY: record a CLI test from the reason it failed (empty: passed)
t() { if [ -z "$2" ]; then pass "cli: $1"; else fail "cli: $1" "$2"; fi; }

conv --version
why=$(problem 0)
[ -z "$why" ] && ! grep -qE '[0-9]+\.[0-9]+' "$T/stdout" && why="no version number on stdout"
t "--version exits 0 and prints a version" "$why"

conv --help
why=$(problem 0)
[ -z "$why" ] && ! { grep -q -- '-t' "$T/stdout" && grep -q json "$T/stdout"; } &&
	why="stdout does not describe -t and the json format: $(head -n 5 "$T/stdout")"
t "--help exits 0 and lists the formats" "$why"

conv --no-such-option "$DEMO"
why=$(problem 2)
[ -z "$why" ] && [ ! -s "$T/stderr" ] && why="no message on stderr"
t "unknown option exits 2" "$why"

# A format listed in src/back/backends.c without a render function (pdf
# until its backend lands) must be refused clearly.
na=$(sed -n 's/^[[:space:]]*{"\([a-z0-9]*\)",.*, NULL},[[:space:]]*$/\1/p' src/back/backends.c)
na1=$(printf '%s\n' "$na" | grep -x pdf || printf '%s\n' "$na" | head -n 1)
if [ -z "$na1" ]; then
	skip "cli: unbuilt format refused (every format is built)"
else
	conv "$DEMO" -t "$na1" -o "$T/x.$na1"
	why=$(problem 2)
	[ -z "$why" ] && ! grep -q "not available" "$T/stderr" &&
		why="stderr lacks 'not available': $(head -n 3 "$T/stderr")"
	[ -z "$why" ] && [ -e "$T/x.$na1" ] && why="wrote $T/x.$na1 anyway"
	t "-t $na1 (not built yet) exits 2, 'not available'" "$why"
fi

conv "$T/no-such-file.md" -t json -o "$T/missing.json"
why=$(problem 1)
[ -z "$why" ] && ! grep -q "mentorconv:" "$T/stderr" &&
	why="stderr lacks 'mentorconv:': $(head -n 3 "$T/stderr")"
[ -z "$why" ] && [ -e "$T/missing.json" ] && why="wrote an output file"
t "missing input exits 1 with a mentorconv: message" "$why"

printf -- '---\ntitle: [oops\n---\ntext\n' >"$T/bad.md"
conv "$T/bad.md" -t json -o "$T/bad.json"
why=$(problem 1)
[ -z "$why" ] && ! grep -qE ':[0-9]+:[0-9]+: error:' "$T/stderr" &&
	why="no FILE:LINE:COL: error: on stderr: $(head -n 3 "$T/stderr")"
[ -z "$why" ] && [ -e "$T/bad.json" ] && why="the output file exists after the failure"
t "malformed front matter: exit 1, FILE:LINE:COL: error:, no output" "$why"

cp "$DEMO" "$T/in.md"
for out in "$T/in.md" "$T/./in.md"; do
	conv "$T/in.md" -t json -o "$out"
	why=$(problem nonzero)
	[ -z "$why" ] && ! cmp -s "$DEMO" "$T/in.md" && why="the input file was changed"
	t "output = input (-o ${out#"$T"/}) refused, input unchanged" "$why"
	cp "$DEMO" "$T/in.md"
done

for f in "$DEMO" "$SEED"; do
	[ -f "$f" ] || continue
	conv "$f" -t json -o "$T/run1.json"
	why=$(problem 0)
	if [ -z "$why" ]; then
		cp "$T/stderr" "$T/run1.err"
		conv "$f" -t json -o "$T/run2.json"
		why=$(problem 0)
	fi
	if [ -z "$why" ] && ! cmp -s "$T/run1.json" "$T/run2.json"; then
		why=$(diff -u "$T/run1.json" "$T/run2.json" | head -n 20)
	fi
	t "two runs give identical JSON ($(basename "$f"))" "$why"
done

STDIN=$DEMO conv - -t json -o "$T/stdin.json"
why=$(problem 0)
if [ -z "$why" ]; then
	"$PY" tests/check_json.py --demo "$T/stdin.json" >"$T/check.out" 2>&1 ||
		why="$(grep -v '^PASS' "$T/check.out")"
fi
t "input - reads standard input" "$why"

# headings that skip a level: renumbered, with one warning naming the first
conv fixtures/heading-skip.md -t json -o "$T/skip.json"
why=$(problem 0)
n=$(grep -c 'skips a level' "$T/stderr")
[ -z "$why" ] && [ "$n" != 1 ] && why="$n warnings, not 1: $(head -n 3 "$T/stderr")"
[ -z "$why" ] && ! grep -q '^fixtures/heading-skip.md:11:1: warning: heading "Four, made three" skips a level (h4 after the h2): made h3; 6 headings renumbered' "$T/stderr" &&
	why="no warning naming heading-skip.md:11: $(head -n 3 "$T/stderr")"
conv fixtures/heading-skip.md -t json -o "$T/skip.json" --strict
[ -z "$why" ] && [ "$RC" != 1 ] && why="--strict: exit $RC, not 1"
t "a heading that skips a level is renumbered, one warning naming FILE:LINE (an error with --strict)" "$why"

conv "$DEMO" -t json -o "$T/no-such-dir/out.json"
why=$(problem 1)
[ -z "$why" ] && [ -e "$T/no-such-dir" ] && why="$T/no-such-dir was created"
t "output into a missing directory: exit 1, no file" "$why"

# ---- valgrind ---------------------------------------------------------
if [ $SANITIZED -eq 1 ]; then
	echo "# valgrind: not run on a sanitizer build"
elif ! command -v valgrind >/dev/null 2>&1; then
	echo "# valgrind"
	skip "valgrind (not installed)"
else
	echo "# valgrind"
	[ "$LIGHT" = 1 ] && echo "# valgrind runs the full program, $(basename "$VG_BIN") (tests/lib_light.sh)"
	vg=("$DEMO")
	[ -f "$SEED" ] && vg+=("$SEED")
	if [ -d "$SHARED/corpus" ]; then # the three largest corpus files
		while IFS= read -r f; do vg+=("$f"); done < <(find "$SHARED/corpus" \
			-name '*.md' -type f -printf '%s %p\n' | sort -k1,1nr -k2 | head -n 3 | cut -d' ' -f2-)
	fi
	for f in "${vg[@]}"; do
		name="valgrind ${f#"$SHARED"/}"
		timeout $((TMO * 5)) valgrind -q --leak-check=full \
			--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
			"$VG_BIN" "$f" -t json -o "$T/vg.json" >/dev/null 2>"$T/vg.err" </dev/null
		rc=$?
		if [ $rc -eq 0 ]; then
			pass "$name"
		elif [ $rc -eq 99 ]; then
			fail "$name (memory errors or leaks)" "$(grep -m 12 -E '==[0-9]+== ' "$T/vg.err")"
		else
			fail "$name (exit $rc)" "$(tail -n 8 "$T/vg.err")"
		fi
	done
	# every corpus page, the seed and every fixture (but the expected
	# failures) to every format, in one process (batch mode, one thread)
	all=()
	if [ -d "$SHARED/corpus" ]; then
		while IFS= read -r f; do all+=("$f"); done < <(find "$SHARED/corpus" -name '*.md' -type f | LC_ALL=C sort)
	fi
	[ -f "$SEED" ] && all+=("$SEED")
	ncorpus=${#all[@]}
	for f in fixtures/*.md; do [ -e "${f%.md}.err" ] || all+=("$f"); done
	if [ ${#all[@]} -gt 0 ]; then
		fmts=$("$BIN" --help | awk '/^Formats:/{f=1;next} f && /^  [a-z]/ && !/not available/ {print $1}' | paste -sd, -)
		timeout $((TMO * 20)) valgrind -q --leak-check=full \
			--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
			"$VG_BIN" -q -j 1 -d "$T/vgall" -t "$fmts" "${all[@]}" >/dev/null 2>"$T/vg.err" </dev/null
		rc=$?
		n=$(find "$T/vgall" -type f 2>/dev/null | wc -l)
		name="valgrind: $ncorpus corpus pages and the seed, $((${#all[@]} - ncorpus)) fixtures, to $fmts in one run ($n files)"
		if [ $rc -eq 0 ] && [ "$n" -gt 0 ]; then
			pass "$name"
		elif [ $rc -eq 99 ]; then
			fail "$name (memory errors or leaks)" "$(grep -m 12 -E '==[0-9]+== ' "$T/vg.err")"
		else
			fail "$name (exit $rc)" "$(tail -n 8 "$T/vg.err")"
		fi
		rm -rf "$T/vgall"
	fi
fi

# ---- format groups: tests/group_<fmt>.sh, one per backend --------------
# Each is run as `bash tests/group_X.sh BINARY SHARED TMPDIR SANITIZED`
# from the repo root and prints `PASS name`, `FAIL name` (detail lines
# after it start with a space) or `SKIP name`; any other line is shown.
for g in tests/group_*.sh; do
	[ -f "$g" ] || continue
	gname=$(basename "$g" .sh)
	gname=${gname#group_}
	echo "# $gname"
	mkdir -p "$T/$gname"
	bash "$g" "$BIN" "$SHARED" "$T/$gname" "$SANITIZED" >"$T/group.out" 2>&1 </dev/null
	grc=$?
	seen=0
	while IFS= read -r l; do
		case $l in
		"PASS "*) npass=$((npass + 1)); seen=1; echo "$l" ;;
		"FAIL "*) nfail=$((nfail + 1)); seen=1; echo "$l" ;;
		"SKIP "*) nskip=$((nskip + 1)); seen=1; echo "$l" ;;
		*) echo "$l" ;;
		esac
	done <"$T/group.out"
	if [ $grc -ne 0 ] && ! grep -q '^FAIL ' "$T/group.out"; then
		fail "$gname group exited $grc without a FAIL line"
	elif [ $seen -eq 0 ]; then
		fail "$gname group ran no test"
	fi
done

# ---- summary ----------------------------------------------------------
[ -n "$RESULTS" ] && echo "$npass $nfail $nskip" >"$RESULTS"
if [ $nskip -gt 0 ]; then
	echo "$npass passed, $nfail failed, $nskip skipped"
else
	echo "$npass passed, $nfail failed"
fi
[ $nfail -eq 0 ]
