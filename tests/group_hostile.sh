#!/usr/bin/env bash
# group_hostile.sh BINARY SHARED TMPDIR SANITIZED - pathological inputs,
# in every format this build has.  tests/hostile_gen.py writes a site of
# hostile pages (100,000-deep nesting, 10 MB lines and paragraphs, huge
# tables, broken encodings, YAML bombs, unsafe URLs, broken, huge and
# escaping images); each is converted under a time limit and (except in
# sanitizer builds, which need a vast address space) a memory limit, and
# must end with exit 0 and a valid document (tests/check_hostile.py), or
# exit 1 with a `file:line:col: error:` or `mentorconv:` message and no
# output file; never a crash, a sanitizer report, a hang, or a temporary
# file left behind.  The unsafe-URL page must give no live
# javascript:/vbscript:/data: link in any format, the image page no line
# of /etc/passwd.  On the release build, valgrind then runs over a
# representative subset, scaled down (HOSTILE_SCALE=20), in every format.
# Prints PASS/FAIL/SKIP lines (see tests/run.sh); each PASS of a
# conversion carries its time.
set -u
BIN=$1
T=$3
SAN=${4:-0}
. "$(dirname "$0")/lib_group.sh"
PY=${PYTHON:-python3}
HERE=$(cd "$(dirname "$0")" && pwd)
TL=${MC_HOSTILE_TIMEOUT:-$([ "$SAN" = 1 ] && echo 240 || echo 60)} # seconds
MEM_KB=${MC_HOSTILE_MEM_KB:-3145728} # 3 GiB of address space
export SOURCE_DATE_EPOCH=1700000000

formats=$(formats_of "$BIN")

# ---- the checker finds what it looks for (so a PASS below means something)
mkdir -p "$T/self"
(
	cd "$T/self" || exit 1
	printf '%%PDF-1.4\n1 0 obj << /A << /S /URI /URI (javascript:alert(1)) >> >>\n%%%%EOF\n' >bad.pdf
	"$PY" -c 'import zipfile
z = zipfile.ZipFile("bad.epub", "w")
z.writestr("mimetype", "application/epub+zip")
z.writestr("c.xhtml", "<html xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\" JavaScript:x\">x</a></html>")
z.close()'
	head -n 1 /etc/passwd >leak.json
	printf '{"body": [{"type": "link", "href": "data:text/html,x"}]}' >bad.json
) >/dev/null 2>&1
sc=0
"$PY" "$HERE/check_hostile.py" pdf "$T/self/bad.pdf" --no-unsafe-urls >/dev/null || sc=$((sc + 1))
"$PY" "$HERE/check_hostile.py" epub "$T/self/bad.epub" --no-unsafe-urls >/dev/null || sc=$((sc + 1))
"$PY" "$HERE/check_hostile.py" json "$T/self/bad.json" --no-unsafe-urls >/dev/null || sc=$((sc + 1))
"$PY" "$HERE/check_hostile.py" json "$T/self/leak.json" --no-passwd >/dev/null || sc=$((sc + 1))
if [ $sc -eq 4 ]; then pass "hostile: check_hostile.py catches unsafe links and /etc/passwd"
else fail "hostile: check_hostile.py caught only $sc of 4 planted problems"; fi

# ---- inputs -----------------------------------------------------------
site=$T/site
if ! cases=$("$PY" "$HERE/hostile_gen.py" "$site"); then
	fail "hostile: generating the inputs"
	exit 0
fi
posts=$site/modules/h/_posts
before=$(tree_sums "$site")

# conv_case NAME IN FMT OUTDIR [CHECK-OPTION...]: one conversion, checked
conv_case() {
	local name=$1 in=$2 fmt=$3 od=$4
	shift 4
	local out=$od/$name.$fmt
	mkdir -p "$od"
	rm -f "$out"
	local t0 t1 rc why=""
	t0=$(date +%s%N)
	if [ "$SAN" = 1 ]; then
		timeout -k 5 "$TL" "$BIN" "$in" -t "$fmt" -o "$out" >"$od/$name.$fmt.stdout" 2>"$od/$name.$fmt.err" </dev/null
		rc=$?
	else
		(ulimit -v "$MEM_KB" && exec timeout -k 5 "$TL" "$BIN" "$in" -t "$fmt" -o "$out") \
			>"$od/$name.$fmt.stdout" 2>"$od/$name.$fmt.err" </dev/null
		rc=$?
	fi
	t1=$(date +%s%N)
	local secs
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
	local err=$od/$name.$fmt.err
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|Sanitizer:' "$err"; then
		why="sanitizer report (exit $rc): $(grep -m 6 -E 'Sanitizer|runtime error|#[0-9] ' "$err")"
	elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		why="hung: killed after ${TL}s"
	elif [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
		why="exit $rc (crash or abort): $(tail -n 5 "$err")"
	elif [ $rc -eq 1 ]; then
		if ! grep -qE '(:[0-9]+:[0-9]+: error:|^[^ ]+: error: |^mentorconv: )' "$err"; then
			why="exit 1 without a file:line:col: error: or mentorconv: message: $(head -n 3 "$err")"
		elif [ -e "$out" ]; then
			why="exit 1 but $out exists"
		fi
	elif [ ! -s "$out" ]; then
		why="exit 0 but no output"
	else
		why=$("$PY" "$HERE/check_hostile.py" "$fmt" "$out" "$@" 2>&1)
	fi
	local tmp
	tmp=$(find "$od" -name ".$name.$fmt.*" | head -n 3)
	[ -z "$why" ] && [ -n "$tmp" ] && why="temporary file left: $tmp"
	local res="exit $rc, ${secs}s"
	if [ -z "$why" ]; then pass "hostile: $fmt $name ($res)"
	else fail "hostile: $fmt $name ($res)" "$why"; fi
	rm -f "$out" # keep the disk use small: some outputs are large
}

for name in $cases; do
	in=$posts/2000-01-01-$name.md
	extra=()
	case $name in
	urls | remote) extra=(--no-unsafe-urls) ;;
	images) extra=(--no-passwd --no-unsafe-urls) ;;
	esac
	for fmt in $formats; do
		conv_case "$name" "$in" "$fmt" "$T/out/$name" "${extra[@]}"
	done
done

# the input size limit (256 MiB): a sparse file, so cheap to make and read
big=$T/oversize.md
truncate -s 257M "$big" 2>/dev/null
if [ -f "$big" ]; then
	for fmt in $formats; do
		conv_case oversize "$big" "$fmt" "$T/out/oversize"
		e=$T/out/oversize/oversize.$fmt.err
		if grep -q 'error: input is larger than the 256 MiB limit' "$e"; then
			pass "hostile: $fmt 257 MiB input: the size limit is the error"
		else fail "hostile: $fmt 257 MiB input: no size-limit error" "$(head -n 3 "$e")"; fi
	done
	rm -f "$big"
fi

# limits are said, not silent: too deep nesting, too many columns, too
# many pixels (a PNG and a JPEG header claiming far more than 64 Mpx)
for fmt in $formats; do
	e=$T/out/images/images.$fmt.err
	if [ "$fmt" = json ]; then :
	elif [ "$(grep -cE '(huge\.png|huge\.jpg).*more than the limit of 64 megapixels' "$e")" -ge 2 ]; then
		pass "hostile: $fmt images: the pixel limit is named for the huge PNG and JPEG"
	else fail "hostile: $fmt images: no warning naming the pixel limit" "$(grep huge "$e" | head -n 3)"; fi
	e=$T/out/nest-quote/nest-quote.$fmt.err
	if grep -q 'nesting deeper than [0-9]* levels is flattened' "$e"; then
		pass "hostile: $fmt nest-quote warns that nesting is flattened"
	else fail "hostile: $fmt nest-quote: no warning about the nesting limit" "$(head -n 3 "$e")"; fi
	case $fmt in pdf | docx) ;; *) continue ;; esac
	e=$T/out/table-cols/table-cols.$fmt.err
	if grep -q 'a table of [0-9]* columns: only the first' "$e"; then
		pass "hostile: $fmt table-cols warns that columns are cut"
	else fail "hostile: $fmt table-cols: no warning that columns are cut" "$(head -n 3 "$e")"; fi
done

# a whole module of them, as one document, through -d (batch)
for fmt in $formats; do
	case $fmt in json | epub) ;; *) continue ;; esac
	rm -rf "$T/batch"
	t0=$(date +%s%N)
	if [ "$SAN" = 1 ]; then
		timeout -k 5 $((TL * 2)) "$BIN" -j 2 -d "$T/batch" -t "$fmt" "$posts"/*.md >/dev/null 2>"$T/batch.err" </dev/null
	else
		(ulimit -v "$MEM_KB" && exec timeout -k 5 $((TL * 2)) "$BIN" -j 2 -d "$T/batch" -t "$fmt" "$posts"/*.md) \
			>/dev/null 2>"$T/batch.err" </dev/null
	fi
	rc=$?
	secs=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
	n=$(find "$T/batch" -type f -name "*.$fmt" 2>/dev/null | wc -l)
	ntmp=$(find "$T/batch" -name '.*.??????' 2>/dev/null | wc -l)
	nin=$(printf '%s\n' $cases | wc -l)
	nbad=$(grep -c 'error:' "$T/batch.err")
	if [ $rc -le 1 ] && [ "$ntmp" -eq 0 ] && [ $((n + nbad)) -ge "$nin" ] && [ "$n" -gt 0 ]; then
		pass "hostile: -d batch of every page to $fmt ($n outputs, exit $rc, ${secs}s)"
	else
		fail "hostile: -d batch of every page to $fmt (exit $rc, $n outputs, $nbad errors, $ntmp temporary files)" \
			"$(grep -v warning "$T/batch.err" | tail -n 5)"
	fi
	rm -rf "$T/batch"
done

after=$(tree_sums "$site")
if [ "$before" = "$after" ]; then pass "hostile: inputs unchanged (sha256 before and after)"
else fail "hostile: inputs changed" "$(diff <(echo "$before") <(echo "$after") | head -n 5)"; fi

# ---- valgrind (release build): a representative subset, scaled down ----
VG_CASES="nest-quote div-unclosed table-cols bad-utf8 utf16le-bom binary yaml-bomb-title urls images"
if [ "$SAN" = 1 ]; then
	:
elif ! command -v valgrind >/dev/null 2>&1; then
	skip "hostile: valgrind (not installed)"
else
	small=$T/small
	HOSTILE_SCALE=20 "$PY" "$HERE/hostile_gen.py" "$small" >/dev/null
	for name in $VG_CASES; do
		for fmt in $formats; do
			t0=$(date +%s%N)
			timeout -k 5 300 valgrind -q --leak-check=full \
				--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
				"$VG_BIN" "$small/modules/h/_posts/2000-01-01-$name.md" -t "$fmt" -o "$T/vg.$fmt" \
				>/dev/null 2>"$T/vg.err" </dev/null
			rc=$?
			secs=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
			if [ $rc -le 1 ]; then
				pass "hostile: valgrind $fmt $name (1/20 size, exit $rc, ${secs}s)"
			elif [ $rc -eq 99 ]; then
				fail "hostile: valgrind $fmt $name (memory errors or leaks)" "$(grep -m 12 -E '==[0-9]+== ' "$T/vg.err")"
			else
				fail "hostile: valgrind $fmt $name (exit $rc)" "$(tail -n 8 "$T/vg.err")"
			fi
			rm -f "$T/vg.$fmt"
		done
	done
fi
exit 0
