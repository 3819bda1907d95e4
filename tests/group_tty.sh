#!/usr/bin/env bash
# group_tty.sh BINARY SHARED TMPDIR SANITIZED - batch conversion on a
# terminal: the progress line (redrawn in place, never wider than the
# terminal, long names cut with an ellipsis), the one summary line that
# replaces it, silence with -q, no escape codes when standard error is a
# file, and binary formats refused on a terminal's standard output.
# Terminals are made with tmux (panes of 80 and 50 columns, read back
# with capture-pane) and script(1) (the raw bytes, with `stty cols`).
# Prints PASS/FAIL/SKIP lines (see tests/run.sh).
set -u
BIN=$1
SHARED=$2
T=$3
SAN=${4:-0}
. "$(dirname "$0")/lib_group.sh"
PY=${PYTHON:-python3}
TMO=${MC_TEST_TIMEOUT:-120}
C=$SHARED/corpus/connectedlib
export SOURCE_DATE_EPOCH=1700000000
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset COLUMNS
mkdir -p "$T"
T=$(cd "$T" && pwd)

formats=$(formats_of "$BIN")
has() { printf '%s\n' "$formats" | grep -qx "$1"; }
fl=$(printf '%s\n' $formats | grep -x -e json -e epub -e docx | paste -sd, -)
nf=$(printf '%s\n' "$fl" | tr , '\n' | grep -c .)

# ---- a module of 12 pages with long, accented names; one page with two
# warnings and one that fails, for the second set ------------------------
mod="$T/site/modules/introducción/_posts"
mkdir -p "$mod"
printf 'title: Site\n' >"$T/site/_config.yml"
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
	printf -- '---\ntitle: Página %s\n---\nTexto de la página %s: introducción, mentoría.\n' "$i" "$i" \
		>"$mod/2001-01-$i-introducción-a-la-mentoría-página-número-$i-con-un-nombre-muy-largo-para-la-barra.md"
done
clean=("$mod"/2001-01-*.md)
printf -- '---\ntitle: Aviso\n---\n![missing](no-such-image.png)\n\n<iframe src="javascript:alert(1)"></iframe>\n' \
	>"$T/extra-aviso.md"
printf -- '---\ntitle: [oops\n---\nx\n' >"$T/extra-roto.md"
mixed=("${clean[@]}" "$T/extra-aviso.md" "$T/extra-roto.md")

# q ARGS...: the arguments, quoted for a shell command line
q() { printf '%q ' "$@"; }

# check.py MODE FILE WIDTH ...: what is wrong with a capture (empty: fine)
cat >"$T/check.py" <<'PY'
import re, sys, unicodedata

def cols(s):
    n = 0
    for ch in s:
        if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\u200e\u200f":
            continue
        n += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return n

BAR = re.compile(r"^(\[[#.]+\] )?\d+/\d+( |$)")
SUMS = [
    re.compile(r"^(?:mentorconv: )?(?:(\d+) of )?(\d+) outputs? written"
               r"(?: \((\d+) inputs? x (\d+) formats?(?:; (\d+) inputs? failed)?\))?"
               r", (\d+) warnings?, (\d+) errors? in \d+\.\d s$"),
    re.compile(r"^(?:(\d+) of )?(\d+) written, (\d+) warnings?, (\d+) errors?, \d+\.\d s$"),
]

def summary(line):
    """(written, total, warnings, errors) of a summary line, or None."""
    m = SUMS[0].match(line)
    if m:
        tot = int(m.group(2))
        return (int(m.group(1)) if m.group(1) else tot, tot, int(m.group(6)), int(m.group(7)))
    m = SUMS[1].match(line)
    if m:
        tot = int(m.group(2))
        return (int(m.group(1)) if m.group(1) else tot, tot, int(m.group(3)), int(m.group(4)))
    return None

def want(args):
    return tuple(int(x) for x in args)

mode, path = sys.argv[1], sys.argv[2]
raw = open(path, "rb").read()
err = []
try:
    text = raw.decode("utf-8")
except UnicodeDecodeError as e:
    print("not UTF-8 (a name cut inside a character?): %s" % e)
    sys.exit(0)
if re.search(r"Sanitizer|runtime error:", text):
    print("sanitizer report: " + text[:300])
    sys.exit(0)

if mode == "raw":
    # script(1) bytes: every redraw of the bar, and the summary, fit in
    # WIDTH-1 columns; names cut show an ellipsis; counts are right
    width, ell = int(sys.argv[3]), sys.argv[4]
    exp = want(sys.argv[5:9])
    segs = [s.replace("\x1b[K", "") for s in re.split(r"[\r\n]", text)]
    bars = [s for s in segs if BAR.match(s)]
    sums = [s for s in segs if summary(s)]
    # the summary: the last line before RC=N; on a terminal too narrow
    # for its shortest form (44 columns with these counts), cut with an
    # ellipsis
    tail = [s for s in segs if s.strip() and not s.startswith("RC=")]
    last = tail[-1] if tail else ""
    if not sums and width - 1 < 44 and ell in last and re.match(r"^\d+ of \d+ w", last):
        sums = [last]
        exp = None
    elif last not in sums:
        err.append("the last line is not a summary: %r" % last)
    if not bars:
        err.append("no progress line drawn")
    for s in bars + sums:
        if cols(s) > width - 1:
            err.append("%d columns (> %d): %r" % (cols(s), width - 1, s))
    if not any(ell in s for s in bars):
        err.append("no long name cut with %r: %r" % (ell, bars[-1:]))
    if ell == "..." and any(ord(c) > 127 for s in bars for c in s):
        err.append("non-ASCII in a bar outside a UTF-8 locale: %r" % [s for s in bars if any(ord(c) > 127 for c in s)][:1])
    if len(sums) != 1:
        err.append("%d summary lines: %r" % (len(sums), sums))
    elif exp is not None and summary(sums[0]) != exp:
        err.append("summary %r: counts %r, expected %r" % (sums[0], summary(sums[0]), exp))
    stray = [s for s in segs if "\x1b" in s]
    if stray:
        err.append("escape codes other than ESC[K: %r" % stray[:2])
elif mode == "pane":
    # tmux capture-pane (-J: wrapped lines joined): diagnostics, then one
    # summary line of the expected counts, then the DONE marker; no bar
    # left over; no row wider than the pane
    width, rc = int(sys.argv[3]), sys.argv[4]
    exp = want(sys.argv[5:9])
    rows = [r.rstrip() for r in open(sys.argv[9], encoding="utf-8").read().split("\n")]
    lines = [l.rstrip() for l in text.split("\n") if l.strip()]
    for r in rows:
        if cols(r) > width:
            err.append("a row of %d columns in a pane of %d: %r" % (cols(r), width, r))
        if BAR.match(r) or re.search(r"\[[#.]{3,}\]", r):
            err.append("a progress line left on screen: %r" % r)
    if not lines or lines[-1] != "DONE-" + rc:
        err.append("does not end with DONE-%s: %r" % (rc, lines[-3:]))
    else:
        lines = lines[:-1]
    msgs = [l for l in lines if re.search(r": (warning|error): ", l)]
    other = [l for l in lines if l not in msgs]
    if len(other) != 1:
        err.append("%d lines other than messages (want one summary): %r" % (len(other), other))
    elif summary(other[0]) is None:
        err.append("not a summary line: %r" % other[0])
    elif summary(other[0]) != exp:
        err.append("summary %r: counts %r, expected %r" % (other[0], summary(other[0]), exp))
    elif lines[-1] != other[0]:
        err.append("the summary is not the last line: %r" % lines[-2:])
    elif other[0] not in rows:
        err.append("the summary line wrapped: %r" % other[0])
    nw = sum(1 for l in msgs if ": warning: " in l)
    if nw != exp[2]:
        err.append("%d warning lines shown, the summary says %d" % (nw, exp[2]))
elif mode == "file":
    # standard error a file: no \r, no escape codes; the messages, then the
    # long summary line with the expected counts
    exp = want(sys.argv[3:7])
    if "\r" in text or "\x1b" in text:
        err.append("carriage returns or escape codes: %r" % text[:120])
    lines = text.splitlines()
    msgs = [l for l in lines if re.search(r": (warning|error): ", l)]
    other = [l for l in lines if l not in msgs]
    if len(other) != 1 or not other[0].startswith("mentorconv: ") or summary(other[0]) is None:
        err.append("want one 'mentorconv: ...' summary line besides messages: %r" % other[:3])
    elif summary(other[0]) != exp:
        err.append("summary %r: counts %r, expected %r" % (other[0], summary(other[0]), exp))
    elif not re.search(r"\(\d+ inputs? x \d+ formats?", other[0]):
        err.append("not the long form: %r" % other[0])
    elif lines[-1] != other[0]:
        err.append("the summary is not the last line")
    nw = sum(1 for l in msgs if ": warning: " in l)
    if nw != exp[2]:
        err.append("%d warning lines, the summary says %d" % (nw, exp[2]))
print("; ".join(err[:4]))
PY

# ---- script(1): the raw bytes of the progress line -------------------
# scr OUT COMMAND: run COMMAND (a shell line) on a pseudo-terminal; its
# bytes into OUT, exit status in RC (from an RC=N line it ends with)
scr() {
	local out=$1
	shift
	timeout "$TMO" script -qec "$1; echo RC=\$?" /dev/null >"$out" 2>&1 </dev/null
	RC=$(tr -d '\r' <"$out" | sed -n 's/^RC=\([0-9]*\)$/\1/p' | tail -n 1)
	RC=${RC:-none}
}

n12=${#clean[@]}
nmix=${#mixed[@]}
if ! command -v script >/dev/null; then
	skip "tty: script(1) not installed"
else
	for w in 80 50 30; do
		rm -rf "$T/raw$w"
		scr "$T/raw$w.txt" "stty cols $w rows 40; $(q "$BIN") -j 2 -d $(q "$T/raw$w") -t $fl $(q "${mixed[@]}")"
		why=$("$PY" "$T/check.py" raw "$T/raw$w.txt" "$w" "…" $((nmix * nf - nf)) $((nmix * nf)) 2 1)
		[ "$RC" != 1 ] && why="exit $RC, expected 1; $why"
		if [ -z "$why" ]; then pass "tty: $w columns: every redraw of the bar and the summary fit in $((w - 1)) columns, names cut at a character with …"
		else fail "tty: $w columns: bar and summary within the width" "$why"; fi
	done
	# the width from $COLUMNS when the terminal does not tell (stty cols 0)
	rm -rf "$T/rawc"
	scr "$T/rawc.txt" "stty cols 0 rows 0; COLUMNS=40 $(q "$BIN") -j 2 -d $(q "$T/rawc") -t json $(q "${clean[@]}")"
	why=$("$PY" "$T/check.py" raw "$T/rawc.txt" 40 "…" "$n12" "$n12" 0 0)
	[ "$RC" != 0 ] && why="exit $RC, expected 0; $why"
	if [ -z "$why" ]; then pass "tty: no window size: \$COLUMNS=40 is the width"
	else fail "tty: no window size: \$COLUMNS=40 is the width" "$why"; fi
	# outside a UTF-8 locale: ASCII only ("..." and '?')
	rm -rf "$T/rawa"
	scr "$T/rawa.txt" "stty cols 50 rows 40; LC_ALL=C LANG=C $(q "$BIN") -j 2 -d $(q "$T/rawa") -t json $(q "${clean[@]}")"
	why=$("$PY" "$T/check.py" raw "$T/rawa.txt" 50 "..." "$n12" "$n12" 0 0)
	[ "$RC" != 0 ] && why="exit $RC, expected 0; $why"
	if [ -z "$why" ]; then pass "tty: LANG=C: the bar is ASCII, names cut with ..."
	else fail "tty: LANG=C: the bar is ASCII" "$why"; fi

	# -q: no progress line, no summary
	rm -rf "$T/rawq"
	scr "$T/rawq.txt" "stty cols 80 rows 40; $(q "$BIN") -q -j 2 -d $(q "$T/rawq") -t $fl $(q "${clean[@]}")"
	why=""
	[ "$RC" != 0 ] && why="exit $RC: $(head -c 300 "$T/rawq.txt")"
	body=$(grep -av '^RC=' "$T/rawq.txt" | tr -d '\r\n')
	[ -z "$why" ] && [ -n "$body" ] && why="printed: $(printf '%s' "$body" | head -c 200 | od -c | head -n 4)"
	n=$(find "$T/rawq" -type f | wc -l)
	[ -z "$why" ] && [ "$n" -ne $((n12 * nf)) ] && why="$n outputs, expected $((n12 * nf))"
	if [ -z "$why" ]; then pass "tty: -q on a terminal: no progress line, no summary, nothing at all"
	else fail "tty: -q on a terminal: silent" "$why"; fi

	# binary formats are not written to a terminal; JSON is
	page=${clean[0]}
	for fmt in pdf epub docx; do
		has "$fmt" || continue
		up=$(printf '%s' "$fmt" | tr a-z A-Z)
		for o in "" "-o -"; do
			scr "$T/bin.txt" "$(q "$BIN") $(q "$page") -t $fmt $o"
			why=""
			[ "$RC" != 2 ] && why="exit $RC, expected 2"
			grep -aq "mentorconv: will not write $up to a terminal; use -o FILE or redirect standard output" "$T/bin.txt" ||
				why="$why; no refusal message: $(head -c 200 "$T/bin.txt")"
			[ "$(wc -c <"$T/bin.txt")" -gt 300 ] && why="$why; $(wc -c <"$T/bin.txt") bytes on the terminal"
			grep -aq -e '%PDF' -e 'PK' "$T/bin.txt" && why="$why; binary data on the terminal"
			if [ -z "$why" ]; then pass "tty: -t $fmt ${o:+$o }on a terminal: exit 2, refused, nothing written"
			else fail "tty: -t $fmt ${o:+$o }on a terminal: refused" "$why"; fi
		done
	done
	if has pdf; then
		rm -f "$T/tty.pdf" "$T/pipe.pdf"
		scr "$T/bin.txt" "$(q "$BIN") -q $(q "$page") -t pdf > $(q "$T/tty.pdf")"
		why=""
		[ "$RC" != 0 ] && why="to a file: exit $RC: $(head -c 200 "$T/bin.txt")"
		[ "$(head -c 5 "$T/tty.pdf" 2>/dev/null)" != "%PDF-" ] && why="$why; the file is not a PDF"
		scr "$T/bin.txt" "$(q "$BIN") -q $(q "$page") -t pdf | cat > $(q "$T/pipe.pdf")"
		[ "$RC" != 0 ] && why="$why; to a pipe: exit $RC: $(head -c 200 "$T/bin.txt")"
		[ "$(head -c 5 "$T/pipe.pdf" 2>/dev/null)" != "%PDF-" ] && why="$why; the piped bytes are not a PDF"
		if [ -z "$why" ]; then pass "tty: -t pdf with standard output a file or a pipe (stderr a terminal) still writes the PDF"
		else fail "tty: -t pdf redirected" "$why"; fi
	fi
	scr "$T/json.txt" "$(q "$BIN") -q $(q "$page") -t json"
	why=""
	[ "$RC" != 0 ] && why="exit $RC"
	grep -aq '"type"' "$T/json.txt" || why="$why; no JSON on the terminal: $(head -c 200 "$T/json.txt")"
	if [ -z "$why" ]; then pass "tty: -t json on a terminal is written (text)"
	else fail "tty: -t json on a terminal" "$why"; fi
fi

# ---- standard error a file: no bar, one summary line (none with -q) ----
rm -rf "$T/f1"
timeout "$TMO" "$BIN" -j 2 -d "$T/f1" -t "$fl" "${mixed[@]}" >/dev/null 2>"$T/f1.err" </dev/null
rc=$?
why=$("$PY" "$T/check.py" file "$T/f1.err" $((nmix * nf - nf)) $((nmix * nf)) 2 1)
[ $rc -ne 1 ] && why="exit $rc, expected 1; $why"
grep -q "($nmix inputs x $nf formats; 1 input failed)" "$T/f1.err" || why="$why; no '($nmix inputs x $nf formats; 1 input failed)'"
if [ -z "$why" ]; then pass "tty: stderr a file: no \\r nor escape codes, the messages and one long summary line"
else fail "tty: stderr a file" "$why"; fi
rm -rf "$T/f2"
timeout "$TMO" "$BIN" -q -j 2 -d "$T/f2" -t "$fl" "${clean[@]}" >/dev/null 2>"$T/f2.err" </dev/null
rc=$?
why=""
[ $rc -ne 0 ] && why="exit $rc"
[ -s "$T/f2.err" ] && why="$why; stderr: $(head -c 200 "$T/f2.err")"
if [ -z "$why" ]; then pass "tty: -q, stderr a file: nothing on stderr"
else fail "tty: -q, stderr a file: silent" "$why"; fi

# ---- tmux: what stays on the screen ------------------------------------
if ! command -v tmux >/dev/null; then
	skip "tty: tmux not installed (panes of 80 and 50 columns)"
else
	sock="mc-tty-$$"
	tm() { tmux -L "$sock" -f /dev/null "$@"; }
	trap 'tmux -L "$sock" kill-server >/dev/null 2>&1' EXIT
	# pane NAME WIDTH COMMAND: run COMMAND in a pane WIDTH columns wide
	# (60 rows, and the history); when DONE-<status> shows, capture it into
	# $T/NAME.pane (wrapped lines joined) and $T/NAME.rows (as shown)
	pane() {
		local name=$1 w=$2 cmd=$3
		printf '%s\necho DONE-$?\nsleep 600\n' "$cmd" >"$T/$name.sh"
		tm new-session -d -x "$w" -y 60 -s "$name" "sh $(q "$T/$name.sh")" || return 1
		local i
		for i in $(seq $((TMO * 10))); do
			tm capture-pane -p -t "$name" | grep -q '^DONE-' && break
			sleep 0.1
		done
		PANEW=$(tm display -p -t "$name" '#{pane_width}')
		tm capture-pane -p -J -S - -t "$name" >"$T/$name.pane"
		tm capture-pane -p -S - -t "$name" >"$T/$name.rows"
		tm kill-session -t "$name"
	}
	# 80 columns: the 12 pages, no message: one summary line alone
	rm -rf "$T/p80"
	pane p80 80 "$(q "$BIN") -j 2 -d $(q "$T/p80") -t $fl $(q "${clean[@]}")"
	why=$("$PY" "$T/check.py" pane "$T/p80.pane" 80 0 $((n12 * nf)) $((n12 * nf)) 0 0 "$T/p80.rows")
	[ "$PANEW" != 80 ] && why="the pane is $PANEW columns, not 80; $why"
	if [ -z "$why" ]; then pass "tty: tmux, 80 columns: $n12 pages to $fl leave one line, the summary ($((n12 * nf)) outputs, 0 warnings, 0 errors)"
	else fail "tty: tmux, 80 columns: one summary line" "$why" "$(cat "$T/p80.rows" | grep . | head -n 6)"; fi
	# 50 columns: with a warning page and a failing page: the messages,
	# then the summary, no bar left over
	rm -rf "$T/p50"
	pane p50 50 "$(q "$BIN") -j 2 -d $(q "$T/p50") -t $fl $(q "${mixed[@]}")"
	why=$("$PY" "$T/check.py" pane "$T/p50.pane" 50 1 $((nmix * nf - nf)) $((nmix * nf)) 2 1 "$T/p50.rows")
	[ "$PANEW" != 50 ] && why="the pane is $PANEW columns, not 50; $why"
	if [ -z "$why" ]; then pass "tty: tmux, 50 columns: 3 messages, then one summary line ($((nmix * nf - nf)) of $((nmix * nf)) written, 2 warnings, 1 error), no residue"
	else fail "tty: tmux, 50 columns: messages and one summary line" "$why" "$(cat "$T/p50.rows" | grep . | head -n 8)"; fi
	# the real course: every page, its warnings counted as they are shown
	if [ -d "$C/modules" ]; then
		real=("$C"/modules/*/_posts/*.md)
		nreal=${#real[@]}
		# the count to expect, from the messages alone
		timeout "$TMO" "$BIN" -j 2 -d "$T/rf" -t json "${real[@]}" >/dev/null 2>"$T/rf.err" </dev/null
		rrc=$?
		nw=$(grep -c ': warning: ' "$T/rf.err")
		ne=$(grep -c ': error: ' "$T/rf.err")
		nok=$(find "$T/rf" -type f -name '*.json' | wc -l)
		for w in 80 50; do
			rm -rf "$T/rc$w"
			pane "rc$w" "$w" "$(q "$BIN") -j 2 -d $(q "$T/rc$w") -t json $(q "${real[@]}")"
			why=$("$PY" "$T/check.py" pane "$T/rc$w.pane" "$w" "$rrc" "$nok" "$nreal" "$nw" "$ne" "$T/rc$w.rows")
			if [ -z "$why" ]; then pass "tty: tmux, $w columns: the course's $nreal pages, one summary line ($nok written, $nw warnings, $ne errors)"
			else fail "tty: tmux, $w columns: the course's pages" "$why" "$(grep . "$T/rc$w.rows" | tail -n 5)"; fi
		done
	else
		skip "tty: the real course ($C not found)"
	fi
	tm kill-server >/dev/null 2>&1 || true # gone with its last session
fi
exit 0
