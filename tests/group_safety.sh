#!/usr/bin/env bash
# group_safety.sh BINARY SHARED TMPDIR SANITIZED - what a run may touch and
# how it fails.  Confinement: a page with remote images, iframes and video
# converts with no network (under `unshare -rn`) and opens no socket, runs
# no other program, and opens for writing (or renames, removes, makes)
# nothing outside its output's folder (strace).  Failure safety: an output
# that is an input (-o and -d), an output folder under a regular file or
# read-only, a full device, a file size limit (ulimit -f), and SIGTERM or
# SIGINT during a conversion or while an output is being written: exit 1
# (or death by the signal) with a message, no partial, empty or temporary
# output, inputs unchanged.  The hardened release binary (PIE, full RELRO,
# BIND_NOW, stack protector, fortified calls) is checked with readelf.
# Prints PASS/FAIL/SKIP lines (see tests/run.sh).
set -u
BIN=$1
T=$3
SAN=${4:-0}
. "$(dirname "$0")/lib_group.sh"
PY=${PYTHON:-python3}
HERE=$(cd "$(dirname "$0")" && pwd)
TMO=${MC_TEST_TIMEOUT:-120}
formats=$(formats_of "$BIN")
# the one file a run may write outside its output's folder: the PDF
# backend's font cache (src/back/pdf/fontcache.h), here a private one
FCDIR=$T/fontcache
export MC_FONT_CACHE=$FCDIR/fonts.cache

site=$T/site
posts=$site/modules/h/_posts
mkdir -p "$posts" "$site/img"
printf 'title: Safety\nbaseurl: /\n' >"$site/_config.yml"
cat >"$posts/2000-01-01-remote.md" <<'MD'
---
title: Remote things
---
![remote](http://127.0.0.1:9/x.png) ![remote2](https://example.invalid/y.jpg)

<img src="http://127.0.0.1:9/z.png" alt="raw remote">

<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" width="560" height="315"></iframe>

<iframe src="http://127.0.0.1:9/frame"></iframe>

<video src="http://127.0.0.1:9/v.mp4"></video>

[a link](http://127.0.0.1:9/page) and *text*.
MD
remote=$posts/2000-01-01-remote.md
# a page long enough to take a while in PDF (seconds, more under ASan)
"$PY" -c 'import sys; sys.stdout.write("---\ntitle: Long\n---\n" + ("lorem ipsum dolor sit amet " * 12 + "\n") * 40000)' \
	>"$posts/2000-01-01-long.md"
long=$posts/2000-01-01-long.md
before=$(tree_sums "$site")

# ok_fail NAME RC ERRFILE OUT: exit 1, a mentorconv: message, no OUT, no
# temporary file beside it; prints why not (empty: fine)
why_fail() {
	local rc=$1 err=$2 out=$3
	if grep -qE 'Sanitizer|runtime error:' "$err"; then
		echo "sanitizer report: $(grep -m 5 -E 'Sanitizer|runtime error|#[0-9] ' "$err")"
	elif [ "$rc" -ne 1 ]; then
		echo "exit $rc, expected 1: $(head -n 3 "$err")"
	elif ! grep -q '^mentorconv: ' "$err"; then
		echo "no mentorconv: message: $(head -n 3 "$err")"
	elif [ -e "$out" ]; then
		echo "$out exists ($(stat -c %s "$out") bytes)"
	elif [ -d "$(dirname "$out")" ] && [ -n "$(find "$(dirname "$out")" -maxdepth 1 -name ".$(basename "$out").*")" ]; then
		echo "a temporary file is left: $(find "$(dirname "$out")" -maxdepth 1 -name ".$(basename "$out").*")"
	fi
}
t() { if [ -z "$2" ]; then pass "safety: $1"; else fail "safety: $1" "$2"; fi; }

# ---- no network -------------------------------------------------------
if command -v unshare >/dev/null 2>&1 && unshare -rn true 2>/dev/null; then
	for fmt in $formats; do
		rm -f "$T/net.$fmt"
		timeout "$TMO" unshare -rn "$BIN" "$remote" -t "$fmt" -o "$T/net.$fmt" >/dev/null 2>"$T/net.err" </dev/null
		rc=$?
		why=""
		[ $rc -ne 0 ] && why="exit $rc: $(head -n 3 "$T/net.err")"
		[ -z "$why" ] && [ ! -s "$T/net.$fmt" ] && why="no output"
		t "$fmt: remote images and iframes convert with no network (unshare -rn)" "$why"
	done
else
	skip "safety: no-network run (unshare -rn not available)"
fi

# ---- strace: sockets, programs, writes ---------------------------------
if ! command -v strace >/dev/null 2>&1 || ! strace -f -qq -o /dev/null true 2>/dev/null; then
	skip "safety: strace checks (strace not installed or not permitted)"
else
	for fmt in $formats; do
		od=$T/st-$fmt
		rm -rf "$od" "$FCDIR" && mkdir -p "$od" # a cold font cache: written
		# LeakSanitizer cannot run under ptrace: leaks are checked elsewhere
		ASAN_OPTIONS=exitcode=86:detect_leaks=0 timeout $((TMO * 3)) strace -f -qq -o "$T/st.$fmt.log" \
			-e trace=%network,execve,execveat,fork,vfork,open,openat,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,rmdir,truncate,link,linkat,symlink,symlinkat,chmod,fchmodat \
			"$BIN" "$remote" -t "$fmt" -o "$od/out.$fmt" >/dev/null 2>"$T/st.err" </dev/null
		rc=$?
		if [ $rc -ne 0 ]; then
			t "$fmt under strace" "exit $rc: $(head -n 3 "$T/st.err")"
			continue
		fi
		why=$(grep -E '\b(socket|connect|sendto|sendmsg|bind|socketpair)\(' "$T/st.$fmt.log" | grep -v 'AF_UNIX' | head -n 3)
		# a Unix socket would be fontconfig or a logger: none is expected either
		[ -z "$why" ] && why=$(grep -E '\b(socket|connect)\(' "$T/st.$fmt.log" | head -n 3)
		t "$fmt: no socket is opened (strace -e trace=%network)" "$why"
		execs=$(grep -E '\bexecve(at)?\(' "$T/st.$fmt.log")
		n=$(printf '%s\n' "$execs" | grep -c .)
		# the light program hands a PDF to the full program, in place
		# (src/cli/handover.c): that one execve more, of that program,
		# with the arguments as typed (getopt_long reorders argv)
		want=1 what="one execve"
		if [ "$LIGHT" = 1 ] && [ "$fmt" = pdf ]; then
			want=2 what="the program, then the full program in its place"
		fi
		why=""
		[ "$n" -ne "$want" ] && why="$n execve calls: $(grep -E '\bexecve(at)?\(|v?fork\(' "$T/st.$fmt.log" | head -n 4)"
		if [ -z "$why" ] && [ "$want" = 2 ]; then
			first=$(printf '%s\n' "$execs" | sed -n 1p) second=$(printf '%s\n' "$execs" | sed -n 2p)
			[ "$(printf '%s\n' "$second" | grep -oE '"[^"]*"' | head -n 1 | tr -d '"')" != "$FULL" ] &&
				why="the second execve is not of $FULL: $second"
			[ "$(printf '%s\n' "$first" | grep -oE '\[[^]]*\]' | head -n 1)" != \
				"$(printf '%s\n' "$second" | grep -oE '\[[^]]*\]' | head -n 1)" ] &&
				why+="the full program is given other arguments: $execs"
		fi
		[ -z "$why" ] && grep -qE '\b(v?fork)\(' "$T/st.$fmt.log" && why="forked: $(grep -E 'fork\(' "$T/st.$fmt.log" | head -n 2)"
		t "$fmt: nothing executed ($what, no fork)" "$why"
		# every write-open, creation, rename, removal: inside $od only
		why=$("$PY" - "$T/st.$fmt.log" "$od" "$FCDIR" <<'PY'
import re, sys, os
log, od = sys.argv[1], os.path.realpath(sys.argv[2])
fc = os.path.realpath(sys.argv[3])
bad = []
for line in open(log, errors="replace"):
    m = re.search(r"\b(open|openat|creat|rename|renameat2?|unlink|unlinkat|mkdir|mkdirat|rmdir|truncate|linkat?|symlinkat?|chmod|fchmodat)\((.*)", line)
    if not m or "= -1" in line:
        continue
    call, args = m.group(1), m.group(2)
    if call in ("open", "openat") and not re.search(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC", args):
        continue
    for p in re.findall(r'"((?:[^"\\]|\\.)*)"', args):
        rp = os.path.realpath(p)
        if rp == fc or rp.startswith(fc + "/"):
            continue  # the PDF's caches (fonts, hyphenation; temporary files)
        if not (rp == od or rp.startswith(od + "/")):
            bad.append(line.strip()[:160])
print("\n".join(bad[:5]))
PY
)
		t "$fmt: writes, renames and removals only in the output's folder" "$why"
		left=$(find "$od" -mindepth 1 ! -name "out.$fmt")
		t "$fmt: the output folder holds the output alone" "$left"
	done
fi

# ---- output = input ---------------------------------------------------
cp "$remote" "$T/in.md"
h0=$(sha256sum <"$T/in.md")
"$BIN" "$T/in.md" -t json -o "$T/in.md" >/dev/null 2>"$T/e" </dev/null
rc=$?
why=""
[ $rc -ne 1 ] && why="exit $rc"
[ "$(sha256sum <"$T/in.md")" != "$h0" ] && why="the input was changed"
t "-o the input itself: refused, input unchanged" "$why"

rm -rf "$T/dsame" && mkdir -p "$T/dsame/h"
cp "$remote" "$T/dsame/h/2000-01-01-remote.json" # an input named as an output
h0=$(sha256sum <"$T/dsame/h/2000-01-01-remote.json")
"$BIN" -d "$T/dsame" -t json "$remote" "$T/dsame/h/2000-01-01-remote.json" >/dev/null 2>"$T/e" </dev/null
rc=$?
why=""
[ $rc -ne 1 ] && why="exit $rc: $(head -n 3 "$T/e")"
[ -z "$why" ] && ! grep -q 'refusing to overwrite' "$T/e" && why="no refusal message: $(head -n 3 "$T/e")"
[ "$(sha256sum <"$T/dsame/h/2000-01-01-remote.json")" != "$h0" ] && why="the input was overwritten"
t "-d batch whose output is another input: refused, input unchanged" "$why"

# ---- unusable output folders --------------------------------------------
printf 'x\n' >"$T/afile"
"$BIN" "$remote" -t json -o "$T/afile/out.json" >/dev/null 2>"$T/e" </dev/null
t "-o under a regular file: exit 1, message, no output" "$(why_fail $? "$T/e" "$T/afile/out.json")"
"$BIN" -d "$T/afile/sub" -t json "$remote" >/dev/null 2>"$T/e" </dev/null
rc=$?
why=$(why_fail $rc "$T/e" "$T/afile/sub")
t "-d under a regular file: exit 1, message, nothing made" "$why"
[ "$(cat "$T/afile")" = x ] || fail "safety: the regular file in the way was changed"

if [ "$(id -u)" -eq 0 ]; then
	skip "safety: read-only output folder (running as root, which may write anyway)"
else
	mkdir -p "$T/ro" && chmod 555 "$T/ro"
	"$BIN" "$remote" -t json -o "$T/ro/out.json" >/dev/null 2>"$T/e" </dev/null
	t "-o into a read-only folder: exit 1, message, no output" "$(why_fail $? "$T/e" "$T/ro/out.json")"
	"$BIN" -d "$T/ro" -t json "$remote" >/dev/null 2>"$T/e" </dev/null
	rc=$?
	why=""
	[ $rc -ne 1 ] && why="exit $rc"
	[ -n "$(find "$T/ro" -mindepth 1)" ] && why="wrote $(find "$T/ro" -mindepth 1 | head -n 2)"
	t "-d into a read-only folder: exit 1, nothing written" "$why"
	chmod 755 "$T/ro"
fi

if [ -w /dev/full ]; then
	"$BIN" "$remote" -t json -o /dev/full >/dev/null 2>"$T/e" </dev/null
	rc=$?
	why=""
	[ $rc -ne 1 ] && why="exit $rc"
	[ -z "$why" ] && ! grep -q '^mentorconv: cannot write /dev/full' "$T/e" && why="message: $(head -n 2 "$T/e")"
	t "-o /dev/full (a full device): exit 1, 'cannot write'" "$why"
	"$BIN" "$remote" -t json >/dev/full 2>"$T/e" </dev/null
	rc=$?
	why=""
	[ $rc -ne 1 ] && why="exit $rc"
	[ -z "$why" ] && ! grep -q '^mentorconv: cannot write standard output' "$T/e" && why="message: $(head -n 2 "$T/e")"
	t "standard output on a full device: exit 1, 'cannot write'" "$why"
fi

# ---- file size limit (a disk that fills up) ---------------------------------
for fmt in $formats; do
	od=$T/fsz-$fmt
	rm -rf "$od" && mkdir -p "$od"
	(ulimit -f 4 && exec "$BIN" "$long" -t "$fmt" -o "$od/out.$fmt") >/dev/null 2>"$T/e" </dev/null
	rc=$?
	why=$(why_fail $rc "$T/e" "$od/out.$fmt")
	[ -z "$why" ] && ! grep -q 'cannot write.*too large' "$T/e" && why="message: $(head -n 2 "$T/e")"
	[ -z "$why" ] && [ -n "$(find "$od" -mindepth 1)" ] && why="left: $(find "$od" -mindepth 1 | head -n 3)"
	t "$fmt: ulimit -f 4 (4 KiB): exit 1, 'File too large', nothing left" "$why"
done
od=$T/fsz-d
rm -rf "$od"
(ulimit -f 4 && exec "$BIN" -j 2 -d "$od" -t "$(echo $formats | tr ' ' ,)" "$remote" "$long") >/dev/null 2>"$T/e" </dev/null
rc=$?
why=""
[ $rc -ne 1 ] && why="exit $rc: $(tail -n 3 "$T/e")"
[ -z "$why" ] && tmp=$(find "$od" -name '.*.??????') && [ -n "$tmp" ] && why="temporary files left: $tmp"
[ -z "$why" ] && empty=$(find "$od" -type f -size -1) && [ -n "$empty" ] && why="empty files: $empty"
[ -z "$why" ] && ! grep -q 'cannot write' "$T/e" && why="no 'cannot write' message: $(tail -n 3 "$T/e")"
t "-d batch, -j 2, ulimit -f 4: exit 1, only whole outputs, no temporary file" "$why"

# ---- signals ------------------------------------------------------------------
# during the conversion: the process ends, nothing is written.  (A
# background job starts with SIGINT ignored: env gives it back.)
DFL=()
env --default-signal=INT true 2>/dev/null && DFL=(env --default-signal=INT,TERM,HUP)
for sig in TERM INT HUP; do
	od=$T/sig-$sig
	rm -rf "$od" && mkdir -p "$od"
	"${DFL[@]}" "$BIN" "$long" -t pdf -o "$od/out.pdf" >/dev/null 2>"$T/e" </dev/null &
	pid=$!
	sleep 1
	kill -s "$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	why=""
	[ $rc -eq 0 ] && why="finished before the signal (exit 0): make the page longer"
	[ -z "$why" ] && [ $rc -ne $((128 + $(kill -l "$sig"))) ] && why="exit $rc, expected death by SIG$sig: $(tail -n 3 "$T/e")"
	[ -z "$why" ] && [ -n "$(find "$od" -mindepth 1)" ] && why="left: $(find "$od" -mindepth 1)"
	t "SIG$sig during a PDF conversion: killed, nothing written" "$why"
done
# a signal ignored by the parent (nohup) stays ignored: the run completes
if env --ignore-signal=HUP true 2>/dev/null; then
	od=$T/sig-nohup
	rm -rf "$od" && mkdir -p "$od"
	env --ignore-signal=HUP "$BIN" "$long" -t pdf -o "$od/out.pdf" >/dev/null 2>"$T/e" </dev/null &
	pid=$!
	sleep 1
	kill -s HUP "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	why=""
	[ $rc -ne 0 ] && why="exit $rc: $(tail -n 3 "$T/e")"
	[ -z "$why" ] && ! head -c 5 "$od/out.pdf" 2>/dev/null | grep -q '%PDF-' && why="no whole output"
	t "SIGHUP ignored by the parent (nohup): still ignored, the run completes" "$why"
fi
# while the output is being written: each write() is held 3 s by strace,
# the signal comes when the temporary file exists
if command -v strace >/dev/null 2>&1 && strace -f -qq -o /dev/null -e inject=write:delay_enter=1 true 2>/dev/null; then
	for mode in "TERM -o" "INT -o" "HUP -o" "TERM -d"; do
		sig=${mode% *}
		how=${mode#* }
		od=$T/sigw-$sig$how
		rm -rf "$od" && mkdir -p "$od"
		if [ "$how" = -o ]; then
			args=("$remote" -t pdf -o "$od/out.pdf")
		else
			args=(-j 2 -d "$od" -t json,epub "$remote" "$T/in.md")
		fi
		ASAN_OPTIONS=exitcode=86:detect_leaks=0 "${DFL[@]}" strace -f -qq -o /dev/null -e trace=write -e inject=write:delay_enter=3000000 \
			"$BIN" "${args[@]}" >/dev/null 2>"$T/e" </dev/null &
		spid=$!
		seen=""
		for _ in $(seq 300); do
			seen=$(find "$od" -name '.*.??????' | head -n 1)
			[ -n "$seen" ] && break
			sleep 0.1
		done
		pid=$(pgrep -P "$spid" | head -n 1)
		if [ -z "$seen" ] || [ -z "$pid" ]; then
			kill "$spid" 2>/dev/null
			wait "$spid" 2>/dev/null
			fail "safety: SIG$sig while writing ($how): no temporary file appeared to interrupt"
			continue
		fi
		kill -s "$sig" "$pid"
		wait "$spid" 2>/dev/null
		rc=$?
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		why=""
		left=$(find "$od" -name '.*.??????')
		[ -n "$left" ] && why="temporary files left: $left"
		[ -z "$why" ] && [ -e "$seen" ] && why="$seen still exists"
		# the run ends as the signal asked (strace passes the death on),
		# and an output that is there is whole: with one thread the
		# signal is held back until the output is renamed into place
		[ -z "$why" ] && [ $rc -ne $((128 + $(kill -l "$sig"))) ] && why="exit $rc, expected death by SIG$sig"
		if [ -z "$why" ] && [ -e "$od/out.pdf" ]; then
			tail -c 6 "$od/out.pdf" | grep -q '%%EOF' || why="out.pdf is not whole"
			[ -z "$why" ] && command -v qpdf >/dev/null 2>&1 && ! qpdf --check "$od/out.pdf" >/dev/null 2>&1 && why="out.pdf fails qpdf --check"
		fi
		t "SIG$sig while writing ($how): temporary files removed, killed by it, outputs whole" "$why"
	done
else
	skip "safety: signal while writing (strace with fault injection not available)"
fi

# one input (one thread): no watcher thread is started, the signals are
# held back only while the output is written (tmpreg.c); -j 2 over two
# inputs starts the watcher and a worker.  (The sanitizers' leak check
# starts a thread of its own.)
if [ "$SAN" = 1 ]; then
	skip "safety: threads started (the sanitizer build starts its own)"
elif command -v strace >/dev/null 2>&1; then
	od=$T/threads
	rm -rf "$od" && mkdir -p "$od"
	strace -f -qq -o "$T/st1" -e trace=clone,clone3 "$BIN" "$T/in.md" -t pdf -o "$od/one.pdf" >/dev/null 2>&1 </dev/null
	n1=$(grep -cE '^[0-9]+ +clone3?\(' "$T/st1")
	strace -f -qq -o "$T/st2" -e trace=clone,clone3 "$BIN" -j 2 -d "$od/two" -t json "$T/in.md" "$remote" >/dev/null 2>&1 </dev/null
	n2=$(grep -cE '^[0-9]+ +clone3?\(' "$T/st2")
	why=""
	[ "$n1" -ne 0 ] && why="one input started $n1 thread(s)"
	[ -z "$why" ] && [ "$n2" -ne 2 ] && why="-j 2 over two inputs started $n2 thread(s), expected 2 (the watcher and a worker)"
	[ -z "$why" ] && [ ! -s "$od/one.pdf" ] && why="no output"
	t "one input: no thread started; -j 2: the signal watcher and one worker" "$why"
fi

# EPUB, DOCX and JSON load no library at run time: libzip is linked in
# (built from Debian's source with deflate only, scripts/third_party.sh), so
# neither Debian's libzip.so nor libcrypto and libbz2 behind it are
# opened, nor anything of the PDF module's (fontconfig, HarfBuzz...); and
# libqrencode only when a page has a video to draw a QR code for
# (util/qrcode.h).  A build made without libzip's source (no network for
# scripts/deps.sh) loads the system's libzip.so instead: skipped, and said.
if [ "$SAN" = 1 ]; then
	skip "safety: libraries opened by EPUB and DOCX (the sanitizer build links them as the tests do)"
elif ! command -v strace >/dev/null 2>&1 || ! command -v nm >/dev/null 2>&1; then
	skip "safety: libraries opened by EPUB and DOCX (no strace or nm)"
elif ! nm "$BIN" 2>/dev/null | grep -q ' T zip_open$'; then
	skip "safety: libraries opened by EPUB and DOCX: this build loads the system's libzip.so (scripts/deps.sh did not fetch libzip's source)"
else
	# opened IN FMT NAME: the shared libraries the program opens after
	# its start (ld.so opens its own first, then main() reads IN)
	opened() {
		strace -f -qq -o "$T/so.$3" -e trace=open,openat "$BIN" "$1" -t "$2" -o "$T/so.$3.out" \
			>/dev/null 2>&1 </dev/null || echo "exit $?"
		[ -s "$T/so.$3.out" ] || echo "no output"
		sed -n "/$(basename "$1" | sed 's/\./\\./g')\"/,\$p" "$T/so.$3" |
			grep -oE '"[^"]*\.so(\.[0-9.]+)?"' | sort -u | tr '\n' ' '
	}
	printf '# A page\n\nNo video here.\n' >"$T/plain.md"
	why=""
	for f in epub docx json; do
		o=$(opened "$T/plain.md" "$f" "plain.$f")
		[ -n "$o" ] && why+="$f of a page without a video opens: $o"$'\n'
	done
	o=$(opened "$T/in.md" epub video.epub)
	[ -n "$o" ] && why+="EPUB of a page with a video opens: $o"$'\n'
	o=$(opened "$T/in.md" docx video.docx)
	# the full program loads libqrencode for the QR code; the light
	# program has it linked in, and loads nothing
	if [ "$LIGHT" != 1 ]; then
		printf '%s\n' "$o" | grep -q 'libqrencode' ||
			why+="DOCX of a page with a video does not load libqrencode: $o"$'\n'
		o=$(printf '%s\n' "$o" | tr ' ' '\n' | grep -v 'libqrencode\|libpthread\|^$')
	fi
	[ -n "$o" ] && why+="DOCX of a page with a video opens: $o"$'\n'
	grep -hoE '"[^"]*(libzip|libcrypto|libbz2|libfontconfig|mentorconv-pdf)[^"]*"' "$T"/so.plain.* "$T"/so.video.* 2>/dev/null | sort -u >"$T/so.bad"
	[ -s "$T/so.bad" ] && why+="opened: $(tr '\n' ' ' <"$T/so.bad")"$'\n'
	if [ "$LIGHT" = 1 ]; then
		t "EPUB, DOCX, JSON open no shared library (the light program: static, libzip and libqrencode linked in)" "$why"
	else
		t "EPUB, DOCX, JSON open no shared library (libzip linked in; no libcrypto, libbz2, PDF module); libqrencode only for a QR code" "$why"
	fi
fi

# A PDF opens its module and, behind it, only libunibreak and libm: HarfBuzz
# (with hb-subset) and libharu are linked into the module, built from
# Debian's source without FreeType, GLib, Graphite2 or libpng
# (scripts/third_party.sh), and FriBidi, zlib and libdeflate from static
# archives.  The second run is the one measured: the first may build the
# font cache, which asks fontconfig.  A module linked with the system's
# HarfBuzz or libharu (no source fetched) is skipped, and said.
MOD=$(dirname "$BIN")/mentorconv-pdf.so
if [ "$SAN" = 1 ]; then
	skip "safety: libraries opened by a PDF (the sanitizer build links the PDF backend in)"
elif ! command -v strace >/dev/null 2>&1 || ! command -v readelf >/dev/null 2>&1; then
	skip "safety: libraries opened by a PDF (no strace or readelf)"
elif [ ! -f "$MOD" ]; then
	skip "safety: libraries opened by a PDF: no $MOD beside the program"
elif readelf -dW "$MOD" | grep -qE 'NEEDED.*(libharfbuzz|libhpdf)'; then
	skip "safety: libraries opened by a PDF: this module links the system's HarfBuzz or libharu (scripts/deps.sh did not fetch their source)"
else
	"$BIN" "$T/plain.md" -o "$T/so.warm.pdf" >/dev/null 2>&1 </dev/null || true
	why=""
	strace -f -qq -o "$T/so.pdf" -e trace=open,openat "$BIN" "$T/plain.md" -t pdf -o "$T/so.pdf.out" \
		>/dev/null 2>&1 </dev/null || why="exit $?; "
	[ -s "$T/so.pdf.out" ] || why+="no output; "
	# every shared library opened but libc, the program's own (the module
	# is loaded at start when the output is a PDF)
	got=$(grep -oE '"[^"]*\.so(\.[0-9.]+)?"' "$T/so.pdf" | tr -d '"' | grep -v '/libc\.so\.6$' |
		sed 's|.*/||' | sort -u | tr '\n' ' ')
	[ "$got" = "libm.so.6 libunibreak.so.1 mentorconv-pdf.so " ] ||
		why+="a PDF of a page without a video opens: $got(expected the module, libm and libunibreak)"
	t "PDF opens its module, libm and libunibreak only (HarfBuzz, libharu linked in: no FreeType, GLib, Graphite2, libpng)" "$why"
fi

# The light program alone (copied without the full program): a PDF and
# collect fail at once with a message that names what is missing; DOCX
# still converts
if [ "$LIGHT" = 1 ]; then
	mkdir -p "$T/alone"
	cp "$BIN" "$T/alone/mentorconv"
	printf '# A page\n\nText.\n' >"$T/alone/in.md"
	why=""
	"$T/alone/mentorconv" "$T/alone/in.md" -o "$T/alone/x.pdf" >/dev/null 2>"$T/alone.err" </dev/null
	rc=$?
	[ $rc -eq 1 ] || why="PDF: exit $rc; "
	[ -e "$T/alone/x.pdf" ] && why+="PDF: an output was written; "
	grep -q "the pdf format needs the full program, mentorconv-full" "$T/alone.err" || why+="PDF: $(head -n 2 "$T/alone.err"); "
	"$T/alone/mentorconv" collect "$T/alone/none.docx" >/dev/null 2>"$T/alone.err" </dev/null
	rc=$?
	[ $rc -eq 1 ] || why+="collect: exit $rc; "
	grep -q "collect needs the full program" "$T/alone.err" || why+="collect: $(head -n 2 "$T/alone.err"); "
	"$T/alone/mentorconv" "$T/alone/in.md" -o "$T/alone/x.docx" >/dev/null 2>&1 </dev/null || why+="DOCX failed alone"
	t "the light program without the full program: PDF and collect exit 1 naming it, DOCX converts" "$why"
fi

after=$(tree_sums "$site")
[ "$before" = "$after" ] && pass "safety: inputs unchanged (sha256)" ||
	fail "safety: inputs changed" "$(diff <(echo "$before") <(echo "$after") | head -n 5)"

# ---- the hardened release build --------------------------------------------
if [ "$SAN" = 1 ]; then
	: # the sanitizer build is not hardened (and need not be)
elif ! command -v readelf >/dev/null 2>&1; then
	skip "safety: hardening (no readelf)"
else
	# both programs when the light one hands PDFs to the full one
	progs=("$BIN")
	[ "$LIGHT" = 1 ] && progs+=("$FULL")
	for P in "${progs[@]}"; do
		on=""
		[ "$P" = "$BIN" ] || on="$(basename "$P"): "
		why=""
		readelf -h "$P" | grep -q 'Type:.*DYN' || why="not a position-independent executable (Type is not DYN)"
		t "build: ${on}PIE (ELF type DYN)" "$why"
		why=""
		readelf -lW "$P" | grep -q GNU_RELRO || why="no GNU_RELRO segment"
		t "build: ${on}RELRO segment" "$why"
		why=""
		readelf -dW "$P" | grep -qE 'BIND_NOW|FLAGS.*\bNOW\b' || why="no BIND_NOW (lazy binding: partial RELRO only)"
		t "build: ${on}BIND_NOW (full RELRO)" "$why"
		why=""
		readelf -sW --dyn-syms "$P" | grep -q '__stack_chk_fail' || why="no __stack_chk_fail: no stack protector"
		t "build: ${on}stack protector" "$why"
		if readelf -n "$P" 2>/dev/null | grep -q 'x86 feature: IBT'; then
			pass "build: ${on}CET (IBT, SHSTK) marked"
		elif [ "$(uname -m)" = x86_64 ]; then
			skip "safety: build: ${on}CET not marked (a library linked in lacks it, musl's libc among them, or the compiler has no -fcf-protection)"
		fi
	done
	# musl has no _FORTIFY_SOURCE: the light program's calls are not
	# fortified (its overflows are sought by the ASan+UBSan run of this
	# suite and the fuzzers); the glibc program's are, and it is checked
	FORT=${progs[-1]}
	why=""
	readelf -sW --dyn-syms "$FORT" | grep -qE '__[a-z]+_chk@' || why="no __*_chk calls: not built with _FORTIFY_SOURCE"
	t "build: _FORTIFY_SOURCE ($(basename "$FORT"))" "$why"
	if [ "$LIGHT" = 1 ]; then
		why=""
		readelf -lW "$BIN" | grep -q INTERP && why="the light program has a program interpreter: "$(readelf -lW "$BIN" | grep -A1 INTERP | tail -n 1)
		readelf -dW "$BIN" | grep -q NEEDED && why+="the light program needs shared libraries: "$(readelf -dW "$BIN" | grep NEEDED | tr '\n' ' ')
		t "build: the light program is static (no loader, no shared library)" "$why"
	fi
	if command -v hardening-check >/dev/null 2>&1; then
		hardening-check "$FORT" >"$T/hc" 2>&1
		t "build: hardening-check ($(basename "$FORT"))" "$(grep -E ': no' "$T/hc")"
	fi
fi
exit 0
