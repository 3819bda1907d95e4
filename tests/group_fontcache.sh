#!/usr/bin/env bash
# group_fontcache.sh BINARY SHARED TMPDIR SANITIZED - the PDF backend's
# per-user file of fontconfig's answers (src/back/pdf/fontcache.h).
#
# With a private XDG_CACHE_HOME:
#   - the seed, a right-to-left page, the mixed-scripts page (CJK,
#     Arabic, Hebrew, ... through fallback faces) and the seed with a
#     theme naming other families: cold cache, warm cache and no cache
#     (MC_FONT_CACHE=0) give the same PDF bytes and the same messages;
#   - a warm run opens no fontconfig configuration file, and does not
#     load fontconfig's library (strace; src/back/pdf/fc.h);
#   - with a private FONTCONFIG_FILE over a private font directory: a font
#     added there that wins the match, a font directory's mtime touched,
#     and another FONTCONFIG_FILE each make the cache stale, and the PDF
#     then follows fontconfig's new answer (= the PDF made without the
#     cache), and the file is rewritten;
#   - a truncated, corrupt or foreign cache file is ignored and rewritten,
#     silently; an unwritable cache location or no home at all gives no
#     message and the same PDF;
#   - hyphenation patterns kept the same way, parsed (cache.c): English
#     and German (a NEXTLEVEL file) pages give the same PDF cold, warm and
#     without caches; a warm run reads the kept file, not the .dic; the
#     program's file changed, or the kept file damaged, and the .dic is
#     parsed again (same PDF, no message) and the file rewritten;
#   - two programs (the same bytes at two paths) keep an entry each: one's
#     runs do not undo the other's (neither font nor pattern file);
#   - the form fields' font (every glyph of the body face, compressed)
#     kept the same way (fieldfont.c, cache.c's pdf_cache_derived): a
#     worksheet's PDF the same cold, warm and without caches; a warm run
#     reads the file and makes nothing; a damaged file or another or
#     touched program file and it is made again (same PDF, no message).
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
		if grep -q 'fonts\.conf\|/conf\.d/\|fontconfig.*\.cache-\|libfontconfig' "$d/trace"; then
			fail "fontcache: $name: a warm run opens fontconfig's configuration or library" \
				"$(grep 'fonts\.conf\|conf\.d\|fontconfig' "$d/trace" | head -n 5)"
		elif ! cmp -s "$d/traced.pdf" "$d/cold.pdf"; then
			fail "fontcache: $name: the traced warm run made another PDF"
		else
			pass "fontcache: $name: a warm run opens no fontconfig file, nor loads its library (fc.h)"
		fi
	fi
}

# damage HOW FILE SIZE: FILE (SIZE bytes) cut to a third (truncated), or
# two bytes in its middle changed (corrupt)
damage() {
	if [ "$1" = truncated ]; then head -c $(($3 / 3)) "$2" >"$2.t" && mv "$2.t" "$2"
	else printf '\x5a\x5a' | dd of="$2" bs=1 seek=$(($3 / 2)) conv=notrunc 2>/dev/null; fi
}

# copy_the_program DIR: BIN as DIR/mentorconv, with its PDF module and,
# beside the light program, the full program it hands PDFs to
copy_the_program() {
	cp "$BIN" "$1/mentorconv"
	[ "$LIGHT" = 1 ] && cp "$FULL" "$1/"
	[ -f "$(dirname "$BIN")/mentorconv-pdf.so" ] && cp "$(dirname "$BIN")/mentorconv-pdf.so" "$1/"
	return 0
}

# copy_runs DIR TRACE: a copy of the program (and its PDF module) in
# DIR/prog, run by TRACE (a function: NAME BINARY) twice (prog1, prog2),
# once more after its file ($self) is touched (prog3), then the first
# program again (back)
copy_runs() {
	local pg=$1/prog tr=$2 mod
	mkdir -p "$pg"
	copy_the_program "$pg"
	mod=$(dirname "$BIN")/mentorconv-pdf.so
	self=$pg/mentorconv
	[ "$LIGHT" = 1 ] && self=$pg/mentorconv-full
	if [ -f "$mod" ]; then self=$pg/mentorconv-pdf.so; fi
	$tr prog1 "$pg/mentorconv"
	$tr prog2 "$pg/mentorconv"
	touch -d '2001-01-01' "$self"
	$tr prog3 "$pg/mentorconv"
	$tr back "$BIN"
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

# two programs each keep their answers: one's runs leave the other's
if command -v strace >/dev/null 2>&1 && [ "$SAN" != 1 ]; then
	TP=$T/twoprog
	mkdir -p "$TP/prog"
	copy_the_program "$TP/prog"
	rm -rf "$X"
	conv a1 "$SEED" "$TP/a1.pdf"
	"$TP/prog/mentorconv" "$SEED" -o "$TP/b1.pdf" </dev/null >/dev/null 2>&1
	strace -f -e trace=open,openat -o "$TP/a2.trace" "$BIN" "$SEED" -o "$TP/a2.pdf" </dev/null >/dev/null 2>&1
	strace -f -e trace=open,openat -o "$TP/b2.trace" "$TP/prog/mentorconv" "$SEED" -o "$TP/b2.pdf" </dev/null >/dev/null 2>&1
	why=""
	for r in a2 b2; do
		grep -q 'fonts\.conf\|/conf\.d/' "$TP/$r.trace" && why="$why; $r read fontconfig's configuration"
		cmp -s "$TP/$r.pdf" "$TP/a1.pdf" || why="$why; $r: another PDF"
	done
	if [ -z "$why" ]; then pass "fontcache: two programs in turn: each run after the first is warm (an entry each)"
	else fail "fontcache: two programs undo each other's cache" "$why"; fi
fi

# ---- hyphenation patterns kept between runs (cache.c, hyph.c) ----------
HY=$T/hyph
mkdir -p "$HY"
{
	printf -- '---\ntitle: Lesen\nlang: de\n---\n\n'
	for i in 1 2 3 4 5 6; do
		printf 'Die Bibliotheksmitarbeiterinnen organisieren die Zusammenarbeit mit Jugendorganisationen, die Öffentlichkeitsarbeit der Leseförderungsprogramme und Fortbildungen zur Medienkompetenz für Erwachsenenbildungseinrichtungen. '
	done
	printf '\n'
} >"$HY/de.md"
HDIR=/usr/share/hyphen
hyph_langs=()
[ -f $HDIR/hyph_en_US.dic ] && hyph_langs+=("en:$SEED:hyph_en_US")
[ -f $HDIR/hyph_de_DE.dic ] && hyph_langs+=("de:$HY/de.md:hyph_de_DE")
[ ${#hyph_langs[@]} = 0 ] && skip "fontcache: hyphenation patterns ($HDIR has neither hyph_en_US.dic nor hyph_de_DE.dic)"
for hl in "${hyph_langs[@]}"; do
	IFS=: read -r lg in dic <<<"$hl"
	same3 "hyph-$lg" "$in"
	if [ -s "$X/mentorconv/$dic.cache" ]; then
		pass "fontcache: hyph-$lg: the patterns of $dic.dic are kept ($(stat -c %s "$X/mentorconv/$dic.cache") bytes)"
	else
		fail "fontcache: hyph-$lg: no $dic.cache written" "$(ls "$X/mentorconv")"
		continue
	fi
	[ "$SAN" = 1 ] && continue
	command -v strace >/dev/null 2>&1 || { skip "fontcache: hyph-$lg: no strace"; continue; }
	d=$T/hyph-$lg
	# traced NAME BIN: run BIN on in under strace, the opened files in d/NAME.trace
	traced() {
		strace -f -e trace=open,openat -o "$d/$1.trace" "$2" "$in" -o "$d/$1.pdf" </dev/null >/dev/null 2>"$d/$1.err"
	}
	traced warm2 "$BIN"
	if grep -q "/$dic\.cache\"" "$d/warm2.trace" && ! grep -q "$dic\.dic" "$d/warm2.trace" &&
		cmp -s "$d/warm2.pdf" "$d/cold.pdf"; then
		pass "fontcache: hyph-$lg: a warm run reads $dic.cache, not $dic.dic"
	else
		fail "fontcache: hyph-$lg: a warm run parsed the patterns again" "$(grep hyph "$d/warm2.trace" | head -n 4)"
	fi
	# kept file damaged: ignored, silently, and rewritten
	hc=$X/mentorconv/$dic.cache
	hs=$(stat -c %s "$hc")
	why=""
	for how in truncated corrupt; do
		damage $how "$hc" "$hs"
		traced $how "$BIN"
		grep -q "$dic\.dic" "$d/$how.trace" || why="$why; $how: the .dic was not read again"
		cmp -s "$d/$how.pdf" "$d/cold.pdf" || why="$why; $how: another PDF"
		[ -s "$d/$how.err" ] && why="$why; $how: $(head -n 2 "$d/$how.err")"
		[ "$(stat -c %s "$hc")" = "$hs" ] || why="$why; $how: not rewritten ($(stat -c %s "$hc") bytes)"
	done
	if [ -z "$why" ]; then pass "fontcache: hyph-$lg: a truncated or corrupt $dic.cache is ignored, silently, and rewritten"
	else fail "fontcache: hyph-$lg: damaged kept patterns" "$why"; fi
	# the program's file changed (its layout may have): parsed again;
	# the first program's entry is still there after the copy's runs
	copy_runs "$d" traced
	why=""
	grep -q "$dic\.dic" "$d/back.trace" && why="$why; the first program parsed the .dic again after the copy's runs"
	cmp -s "$d/back.pdf" "$d/cold.pdf" || why="$why; the first program's PDF differs"
	grep -q "$dic\.dic" "$d/prog1.trace" || why="$why; a copy of the program used the kept file of another"
	grep -q "$dic\.dic" "$d/prog2.trace" && why="$why; the copy's second run parsed the .dic again"
	grep -q "$dic\.dic" "$d/prog3.trace" || why="$why; $(basename "$self") touched: the kept file still used"
	for k in 1 2 3; do cmp -s "$d/prog$k.pdf" "$d/cold.pdf" || why="$why; run $k: another PDF"; done
	if [ -z "$why" ]; then pass "fontcache: hyph-$lg: kept patterns are tied to the program file that parsed them ($(basename "$self")), and two programs keep theirs"
	else fail "fontcache: hyph-$lg: kept patterns and the program's file" "$why"; fi
done

# ---- the form fields' font kept between runs (fieldfont.c, cache.c) ------
# Its subset (every glyph of the body face) and ToUnicode map, compressed,
# and its widths, in fieldfont-FACE-INDEX.cache: a worksheet's PDF is the
# same cold, warm and without caches; a warm run reads the file and does
# not make it again (no rename onto it: pcf_save writes a temporary file
# renamed into place); a damaged file is made again, silently; a copy of
# the program makes its own, and a touched program file makes it again.
WS=fixtures/worksheet-prompts.md
same3 fieldfont "$WS"
ffc=$(ls "$X"/mentorconv/fieldfont-*.cache 2>/dev/null | head -n 1)
if [ -n "$ffc" ] && [ -s "$ffc" ]; then
	pass "fontcache: fieldfont: the fields' font is kept ($(basename "$ffc"), $(stat -c %s "$ffc") bytes)"
else
	fail "fontcache: fieldfont: no fieldfont-*.cache written" "$(ls "$X/mentorconv")"
fi
if [ -n "$ffc" ] && command -v strace >/dev/null 2>&1 && [ "$SAN" != 1 ]; then
	d=$T/fieldfont
	# ftraced NAME BIN: BIN on the worksheet under strace (opens, renames)
	ftraced() {
		strace -f -e trace=open,openat,rename,renameat,renameat2 -o "$d/$1.trace" "$2" "$WS" -o "$d/$1.pdf" \
			</dev/null >/dev/null 2>"$d/$1.err"
	}
	# made: the kept file renamed into place; read: opened
	made() { grep -q "rename.*fieldfont-.*\.cache\"" "$d/$1.trace"; }
	read_it() { grep -q "open.*fieldfont-.*\.cache\".*O_RDONLY" "$d/$1.trace"; }
	ftraced warm2 "$BIN"
	if read_it warm2 && ! made warm2 && cmp -s "$d/warm2.pdf" "$d/cold.pdf"; then
		pass "fontcache: fieldfont: a warm run reads the kept font and makes none"
	else
		fail "fontcache: fieldfont: a warm run made the fields' font again" "$(grep fieldfont "$d/warm2.trace" | head -n 4)"
	fi
	fs=$(stat -c %s "$ffc")
	why=""
	for how in truncated corrupt; do
		damage $how "$ffc" "$fs"
		ftraced $how "$BIN"
		made $how || why="$why; $how: not made again"
		cmp -s "$d/$how.pdf" "$d/cold.pdf" || why="$why; $how: another PDF"
		[ -s "$d/$how.err" ] && why="$why; $how: $(head -n 2 "$d/$how.err")"
		[ "$(stat -c %s "$ffc")" = "$fs" ] || why="$why; $how: not rewritten ($(stat -c %s "$ffc") bytes)"
	done
	if [ -z "$why" ]; then pass "fontcache: fieldfont: a truncated or corrupt kept font is ignored, silently, and made again"
	else fail "fontcache: fieldfont: damaged kept font" "$why"; fi
	copy_runs "$d" ftraced
	why=""
	made prog1 || why="$why; a copy of the program used the other's kept font"
	made prog2 && why="$why; the copy's second run made it again"
	made prog3 || why="$why; $(basename "$self") touched: the kept font still used"
	made back && why="$why; the first program made it again after the copy's runs"
	for k in prog1 prog2 prog3 back; do cmp -s "$d/$k.pdf" "$d/cold.pdf" || why="$why; $k: another PDF"; done
	if [ -z "$why" ]; then pass "fontcache: fieldfont: the kept font is tied to the program file that made it ($(basename "$self")), and two programs keep theirs"
	else fail "fontcache: fieldfont: kept font and the program's file" "$why"; fi
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
if ls "$X/mentorconv" | grep -qvE '^(fonts|hyph_[A-Za-z_]+|fieldfont-[A-Za-z0-9_.+-]+-[0-9]+)\.cache$'; then
	fail "fontcache: files left in the cache directory" "$(ls "$X/mentorconv")"
else
	pass "fontcache: only the cache files in their directory"
fi
exit 0
