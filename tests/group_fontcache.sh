#!/usr/bin/env bash
# group_fontcache.sh BINARY SHARED TMPDIR SANITIZED - the PDF backend's
# per-user file of fontconfig's answers (src/back/pdf/fontcache.h).
#
# With a private XDG_CACHE_HOME:
#   - the seed, a right-to-left page, the mixed-scripts page (CJK,
#     Arabic, Hebrew, ... through fallback faces) and the seed with a
#     theme naming other families: cold cache, warm cache and no cache
#     (MC_FONT_CACHE=0) give the same PDF bytes and the same messages;
#   - a warm run opens no fontconfig configuration file (strace);
#   - with a private FONTCONFIG_FILE over a private font directory: a font
#     added there that wins the match, a font directory's mtime touched,
#     and another FONTCONFIG_FILE each make the cache stale, and the PDF
#     then follows fontconfig's new answer (= the PDF made without the
#     cache), and the file is rewritten;
#   - a truncated, corrupt or foreign cache file is ignored and rewritten,
#     silently; an unwritable cache location or no home at all gives no
#     message and the same PDF.
# Prints PASS/FAIL/SKIP lines (see tests/run.sh).
set -u
BIN=$1
SHARED=$2
T=$3
SAN=${4:-0}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
. "$(dirname "$0")/lib_group.sh"
TMO=${MC_TEST_TIMEOUT:-120}
export SOURCE_DATE_EPOCH=1700000000
unset MC_FONT_CACHE
mkdir -p "$T"

if ! formats_of "$BIN" | grep -qx pdf; then
	skip "fontcache: this build makes no PDF"
	exit 0
fi

SEED=$SHARED/seed/what-is-mentoring.md
[ -f "$SEED" ] || SEED=fixtures/cm-headings.md
X=$T/xdg
CF=$X/mentorconv/fonts.cache
export XDG_CACHE_HOME=$X

# conv NAME IN OUT [ARGS...]: convert (status in RC, stderr in OUT.err)
conv() {
	local in=$2 out=$3
	shift 3
	conv_to "$out.err" "$in" "$out" "$@"
}

# same3 NAME IN [ARGS...]: cold, warm and no cache give the same PDF and
# messages
same3() {
	local name=$1 in=$2 d=$T/$1
	shift 2
	mkdir -p "$d"
	rm -rf "$X"
	conv "$name" "$in" "$d/cold.pdf" "$@"
	local r1=$RC
	if [ ! -s "$CF" ]; then
		fail "fontcache: $name: a cold run writes the cache ($CF)" "exit $r1" "$(cat "$d/cold.pdf.err")"
		return
	fi
	conv "$name" "$in" "$d/warm.pdf" "$@"
	local r2=$RC
	MC_FONT_CACHE=0 conv "$name" "$in" "$d/none.pdf" "$@"
	local r3=$RC
	if [ "$r1$r2$r3" = 000 ] && cmp -s "$d/cold.pdf" "$d/warm.pdf" &&
		cmp -s "$d/cold.pdf" "$d/none.pdf" &&
		cmp -s "$d/cold.pdf.err" "$d/warm.pdf.err" &&
		cmp -s "$d/cold.pdf.err" "$d/none.pdf.err"; then
		pass "fontcache: $name: cold, warm and no cache give the same PDF and messages"
	else
		fail "fontcache: $name: cold, warm and no cache differ" "exits $r1 $r2 $r3" \
			"$(cmp "$d/cold.pdf" "$d/warm.pdf" 2>&1; cmp "$d/cold.pdf" "$d/none.pdf" 2>&1)" \
			"$(diff "$d/cold.pdf.err" "$d/warm.pdf.err")"
	fi
	# a warm run reads no fontconfig configuration
	if command -v strace >/dev/null 2>&1 && [ "$SAN" != 1 ]; then
		strace -f -e trace=open,openat -o "$d/trace" "$BIN" "$in" -o "$d/traced.pdf" "$@" \
			</dev/null >/dev/null 2>&1
		if grep -q 'fonts\.conf\|/conf\.d/\|fontconfig.*\.cache-' "$d/trace"; then
			fail "fontcache: $name: a warm run opens fontconfig's configuration" \
				"$(grep 'fonts\.conf\|conf\.d\|fontconfig' "$d/trace" | head -n 5)"
		elif ! cmp -s "$d/traced.pdf" "$d/cold.pdf"; then
			fail "fontcache: $name: the traced warm run made another PDF"
		else
			pass "fontcache: $name: a warm run opens no fontconfig file"
		fi
	fi
}

same3 seed "$SEED"
same3 rtl fixtures/lang-arabic-doc.md
same3 scripts fixtures/scripts-mixed.md
cat >"$T/other.yaml" <<'Y'
fonts:
  body: Noto Sans
  heading: Noto Serif
  mono: DejaVu Sans Mono
Y
same3 style "$SEED" --style "$T/other.yaml"

# several documents in one process (-j 2) share one cache: cold, warm and
# no cache give the same PDFs
B=$T/batch
rm -rf "$X" "$B"
bat() { # bat DIR
	timeout "$TMO" "$BIN" -q -d "$B/$1" -t pdf -j 2 "$SEED" fixtures/scripts-mixed.md \
		fixtures/lang-arabic-doc.md </dev/null >/dev/null 2>"$B.$1.err"
}
mkdir -p "$B"
bat cold
r1=$?
bat warm
r2=$?
MC_FONT_CACHE=0 bat none
r3=$?
if [ "$r1$r2$r3" = 000 ] && [ -s "$CF" ] && diff -r "$B/cold" "$B/warm" >/dev/null &&
	diff -r "$B/cold" "$B/none" >/dev/null && ! grep -qE 'Sanitizer|runtime error:' "$B".*.err; then
	pass "fontcache: a batch of three (-j 2): cold, warm and no cache give the same PDFs"
else
	fail "fontcache: batch: cold, warm and no cache differ" "exits $r1 $r2 $r3" \
		"$(diff -rq "$B/cold" "$B/warm"; diff -rq "$B/cold" "$B/none")" "$(cat "$B".*.err)"
fi

# ---- staleness, with a private fontconfig set-up ---------------------------
FC_SANS=$(fc-match -f '%{file}' 'DejaVu Sans:style=Book' 2>/dev/null)
FC_SERIF=$(fc-match -f '%{file}' 'DejaVu Serif:style=Book' 2>/dev/null)
case "$FC_SANS$FC_SERIF" in *DejaVuSans.ttf*DejaVuSerif.ttf) ok=1 ;; *) ok=0 ;; esac
if [ $ok = 0 ]; then
	skip "fontcache: staleness (DejaVu Sans and Serif files not found with fc-match)"
	exit 0
fi
P=$T/priv
mkdir -p "$P/fonts" "$P/cache" "$P/fonts2" "$P/cache2"
cp "$FC_SANS" "$P/fonts/a.ttf"
mkconf() { # mkconf FILE FONTDIR CACHEDIR
	cat >"$1" <<C
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><dir>$2</dir><cachedir>$3</cachedir></fontconfig>
C
}
mkconf "$P/fonts.conf" "$P/fonts" "$P/cache"
export FONTCONFIG_FILE=$P/fonts.conf
printf 'fonts:\n  body: DejaVu Serif\n  heading: DejaVu Serif\n  mono: DejaVu Serif\n' >"$T/serif.yaml"
IN=fixtures/cm-headings.md
ino() { stat -c '%i %s %Y' "$CF" 2>/dev/null; }
# follows NAME STEP: the PDF (and messages) equal those made without the
# cache in this set-up, and the cache was rewritten
follows() {
	local name=$1 d=$T/priv-$1 before=$2
	mkdir -p "$d"
	conv "$name" "$IN" "$d/c.pdf" --style "$T/serif.yaml"
	local r1=$RC
	MC_FONT_CACHE=0 conv "$name" "$IN" "$d/n.pdf" --style "$T/serif.yaml"
	if [ "$r1$RC" = 00 ] && cmp -s "$d/c.pdf" "$d/n.pdf" && cmp -s "$d/c.pdf.err" "$d/n.pdf.err" &&
		[ "$(ino)" != "$before" ]; then
		pass "fontcache: $name: the PDF follows fontconfig's answer, the cache rewritten"
	else
		fail "fontcache: $name: stale cache not noticed" "exits $r1 $RC" \
			"$(cmp "$d/c.pdf" "$d/n.pdf" 2>&1)" "cache $before -> $(ino)" "$(diff "$d/c.pdf.err" "$d/n.pdf.err")"
	fi
}
rm -rf "$X"
mkdir -p "$T/priv-0"
conv sub "$IN" "$T/priv-0/c.pdf" --style "$T/serif.yaml" # cold: DejaVu Sans substitutes
conv sub "$IN" "$T/priv-0/w.pdf" --style "$T/serif.yaml" # warm
if grep -q 'not installed' "$T/priv-0/w.pdf.err" && cmp -s "$T/priv-0/c.pdf" "$T/priv-0/w.pdf" &&
	cmp -s "$T/priv-0/c.pdf.err" "$T/priv-0/w.pdf.err"; then
	pass "fontcache: private set-up: a substitute face and its warning, warm as cold"
else
	fail "fontcache: private set-up: warm differs from cold" "$(cat "$T/priv-0/w.pdf.err")"
fi
# a warm run does not rewrite an unchanged cache
b=$(ino)
sleep 1.1
conv sub "$IN" "$T/priv-0/w2.pdf" --style "$T/serif.yaml"
if [ "$(ino)" = "$b" ]; then
	pass "fontcache: a warm run leaves a valid cache as it is"
else
	fail "fontcache: a warm run rewrote a valid cache" "$b -> $(ino)"
fi

# the font directory's mtime touched (nothing else changed)
b=$(ino)
touch -d '2001-01-01' "$P/fonts"
follows touched-dir "$b"
# a font added that wins the match (DejaVu Serif asked for)
b=$(ino)
cp "$FC_SERIF" "$P/fonts/b.ttf"
follows added-font "$b"
if cmp -s "$T/priv-0/c.pdf" "$T/priv-added-font/c.pdf" || grep -q 'not installed' "$T/priv-added-font/c.pdf.err"; then
	fail "fontcache: added-font: the new font was not used"
else
	pass "fontcache: added-font: the added font prints, no substitute warning"
fi
# another FONTCONFIG_FILE (only DejaVu Sans again, elsewhere)
cp "$FC_SANS" "$P/fonts2/a.ttf"
mkconf "$P/fonts2.conf" "$P/fonts2" "$P/cache2"
b=$(ino)
FONTCONFIG_FILE=$P/fonts2.conf follows other-config "$b"
if FONTCONFIG_FILE=$P/fonts2.conf cmp -s "$T/priv-0/c.pdf" "$T/priv-other-config/c.pdf" &&
	grep -q 'not installed' "$T/priv-other-config/c.pdf.err"; then
	pass "fontcache: other-config: back to the substitute"
else
	fail "fontcache: other-config: not the substitute's PDF"
fi
# the font answered replaced in place (same name, other contents)
conv warm "$IN" "$T/priv-0/x.pdf" --style "$T/serif.yaml"
b=$(ino)
cp "$FC_SANS" "$P/fonts/b.ttf"
follows replaced-font "$b"
unset FONTCONFIG_FILE

# ---- a damaged cache is ignored and rewritten -----------------------------
rm -rf "$X"
D=$T/damage
mkdir -p "$D"
conv ref "$SEED" "$D/ref.pdf"
size=$(stat -c %s "$CF")
damage() { # damage NAME: CF has been damaged
	conv "$1" "$SEED" "$D/$1.pdf"
	if [ $RC = 0 ] && cmp -s "$D/ref.pdf" "$D/$1.pdf" && [ ! -s "$D/$1.pdf.err" ] &&
		[ "$(stat -c %s "$CF")" = "$size" ]; then
		pass "fontcache: cache file $1: ignored, silently, and rewritten"
	else
		fail "fontcache: cache file $1" "exit $RC" "$(cat "$D/$1.pdf.err")" \
			"size $size -> $(stat -c %s "$CF")"
	fi
}
head -c $((size / 2)) "$CF" >"$D/t" && mv "$D/t" "$CF"
damage truncated
printf '\x5a' | dd of="$CF" bs=1 seek=$((size - 3)) conv=notrunc 2>/dev/null
damage corrupt
head -c "$size" /dev/urandom >"$CF"
damage random
: >"$CF"
damage empty

# ---- nowhere to write --------------------------------------------------
: >"$T/afile"
MC_FONT_CACHE=$T/afile/sub/fonts.cache conv unwritable "$SEED" "$D/unw.pdf"
r1=$RC
XDG_CACHE_HOME=$T/afile conv unwritable2 "$SEED" "$D/unw2.pdf"
r2=$RC
env -u HOME -u XDG_CACHE_HOME "$BIN" "$SEED" -o "$D/nohome.pdf" </dev/null >/dev/null 2>"$D/nohome.pdf.err"
r3=$?
if [ "$r1$r2$r3" = 000 ] && cmp -s "$D/ref.pdf" "$D/unw.pdf" && cmp -s "$D/ref.pdf" "$D/unw2.pdf" &&
	cmp -s "$D/ref.pdf" "$D/nohome.pdf" && [ ! -s "$D/unw.pdf.err" ] && [ ! -s "$D/unw2.pdf.err" ] &&
	[ ! -s "$D/nohome.pdf.err" ]; then
	pass "fontcache: an unwritable cache location or no home: same PDF, no message"
else
	fail "fontcache: unwritable cache location" "exits $r1 $r2 $r3" \
		"$(cat "$D/unw.pdf.err" "$D/unw2.pdf.err" "$D/nohome.pdf.err")"
fi
# and no temporary file left behind
if ls "$X/mentorconv" | grep -qv '^fonts\.cache$'; then
	fail "fontcache: files left in the cache directory" "$(ls "$X/mentorconv")"
else
	pass "fontcache: only the cache file in its directory"
fi
exit 0
