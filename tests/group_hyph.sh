#!/usr/bin/env bash
# group_hyph.sh BINARY SHARED TMPDIR SANITIZED - hyphenation by language.
#
# Run by tests/run.sh from the repo root.  Pages in Spanish, German and
# English, set narrow so that many lines end hyphenated, are converted to
# PDF; pdftotext gives the lines back, and every word split at a line end
# ("experien-" + "cia") must be split at a hyphenation point of that
# language's Debian dictionary, as pyphen (python3-pyphen) reads the same
# file; at least MIN_HYPH splits per page, so the check cannot pass on a
# page that happens to need none.  A page in Chinese and one in a
# language without a dictionary (Klingon, tlh) must have no line ending
# in an inserted hyphen.
set -u
BIN=$1 T=$3 SANITIZED=$4
PY=/usr/bin/python3
TMO=${MC_TEST_TIMEOUT:-60}
HYPH=/usr/share/hyphen
MIN_HYPH=5

. tests/lib_group.sh

if ! command -v pdftotext >/dev/null 2>&1; then
	skip "hyph (pdftotext not installed: make deps)"
	exit 0
fi
have_pyphen=0
if [ -x "$PY" ] && "$PY" -c 'import pyphen' 2>/dev/null; then
	have_pyphen=1
fi
[ "$SANITIZED" = 1 ] || SANITIZED=0

# A small page, big margins and type: lines of about 30 characters.
cat >"$T/narrow.yaml" <<'YAML'
page:
  size: a5
  margins: 2.5cm
sizes:
  body: 12
YAML

# page NAME LANG TEXT...: a Markdown page, one paragraph per TEXT
page() {
	local name=$1 lang=$2
	shift 2
	{
		printf -- '---\ntitle: Hyph %s\nlang: %s\n---\n\n' "$name" "$lang"
		for p in "$@"; do printf '%s\n\n' "$p"; done
	} >"$T/$name.md"
}

ES1="La experiencia institucional de las bibliotecas universitarias demuestra que la participación comunitaria, la comunicación intergeneracional y la responsabilidad compartida transforman profundamente las oportunidades educativas de los adolescentes."
ES2="Los profesionales especializados desarrollan metodologías interdisciplinarias, herramientas tecnológicas y estrategias organizativas extraordinariamente innovadoras para fortalecer las competencias informacionales y la alfabetización mediática de sus comunidades."
ES3="Las instituciones educativas latinoamericanas reconocen la importancia fundamental de la colaboración entre bibliotecarios, investigadores y administradores para garantizar experiencias significativas, inclusivas y transformadoras."
DE1="Die Öffentlichkeitsarbeit der Bibliotheksmitarbeiterinnen ermöglicht Jugendlichen vielfältige Weiterbildungsmöglichkeiten und außergewöhnliche Erfahrungen."
DE2="Die Zusammenarbeit zwischen Bildungseinrichtungen, Kultureinrichtungen und Jugendorganisationen verbessert nachhaltig die Medienkompetenz und die Informationsverarbeitung der Schülerinnen und Schüler."
DE3="Verantwortungsbewusste Bibliothekarinnen entwickeln gemeinsam mit Lehrkräften zukunftsorientierte Veranstaltungsreihen, Leseförderungsprogramme und Beratungsangebote für Mentorinnen."
EN1="Mentoring relationships in contemporary libraries demonstrate extraordinary opportunities for intergenerational communication, professional development and unprecedented collaboration between administrators, researchers and adolescents."
EN2="Responsibilities shared between institutional representatives, technological specialists and community organizations strengthen information literacy, accessibility and understanding across neighbourhoods."
EN3="Interdisciplinary programmes encourage participants to investigate complicated questions, document observations systematically and communicate conclusions convincingly to multigenerational audiences."
ZH1="图书馆的导师计划为青少年提供了丰富的学习机会和社区参与的经验，帮助他们发展信息素养、批判性思维和沟通能力，同时促进了图书馆员、教师和家长之间的长期合作与相互理解。"

page es es "$ES1" "$ES2" "$ES3"
page de de "$DE1" "$DE2" "$DE3"
page en en "$EN1" "$EN2" "$EN3"
page zh zh "$ZH1" "$ZH1"
page tlh tlh "$ES1" "$ES2" "$ES3"

# conv NAME: NAME.md into NAME.pdf and NAME.txt (pdftotext -raw); status
# in RC
conv() {
	timeout "$TMO" "$BIN" "$T/$1.md" -o "$T/$1.pdf" --style "$T/narrow.yaml" \
		</dev/null >/dev/null 2>"$T/$1.err"
	RC=$?
	if grep -qE 'Sanitizer|runtime error:' "$T/$1.err"; then
		RC=86
	fi
	[ $RC -eq 0 ] && pdftotext -raw -enc UTF-8 "$T/$1.pdf" "$T/$1.txt" 2>/dev/null
}

# The checker: for each line ending in letter + "-", the word split there
# (the line's last word and the next line's first) and the split point;
# it fails unless pyphen, on the same .dic, allows that point, or unless
# there are at least MIN splits.  Prints a summary or the bad splits.
cat >"$T/check_hyph.py" <<'PY'
import re, sys
import pyphen

txt, dic, least = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = [l.strip() for l in open(txt, encoding='utf-8').read().split('\n')]
hyph = pyphen.Pyphen(filename=dic)
word_end = re.compile(r'(\w+)-$')
word_start = re.compile(r'^(\w+)')
splits, bad = [], []
for i, line in enumerate(lines[:-1]):
    m = word_end.search(line)
    n = word_start.match(lines[i + 1])
    if not m or not n or m.group(1).isdigit():
        continue
    head, tail = m.group(1), n.group(1)
    word = head + tail
    ok = len(head) in hyph.positions(word)
    splits.append('%s-%s' % (head, tail))
    if not ok:
        bad.append('%s-%s (%s allows: %s)' % (head, tail, dic.rsplit('/', 1)[-1],
                                               hyph.inserted(word)))
if bad:
    print('%d of %d hyphenated line ends are not hyphenation points:' %
          (len(bad), len(splits)))
    print('\n'.join(bad))
    sys.exit(1)
if len(splits) < least:
    print('only %d hyphenated line ends (%s), want at least %d' %
          (len(splits), ' '.join(splits), least))
    sys.exit(1)
print('%d hyphenated line ends, all valid: %s' % (len(splits), ' '.join(splits)))
PY

# valid NAME DIC: every hyphenated line end of NAME is a point of DIC
valid() {
	local name=$1 dic=$HYPH/$2
	if [ ! -f "$dic" ]; then
		skip "hyph $name: line ends are $2 points ($dic not installed: make deps)"
		return
	fi
	if [ $have_pyphen = 0 ]; then
		skip "hyph $name: line ends are $2 points (python3-pyphen not installed: make deps)"
		return
	fi
	conv "$name"
	if [ $RC -ne 0 ]; then
		fail "hyph $name: converts" "exit status $RC" "$(cat "$T/$name.err")"
		return
	fi
	local out
	if out=$("$PY" "$T/check_hyph.py" "$T/$name.txt" "$dic" "$MIN_HYPH" 2>&1); then
		pass "hyph $name: $out"
	else
		fail "hyph $name: line ends are $2 points" "$out"
	fi
}

valid es hyph_es_ES.dic
valid de hyph_de_DE.dic
valid en hyph_en_US.dic

# unhyphenated NAME WHAT: no line of NAME ends in a hyphen after a
# character (the texts have no hyphens of their own), and the text runs
# over several lines
unhyphenated() {
	local name=$1 what=$2
	conv "$name"
	if [ $RC -ne 0 ]; then
		fail "hyph $name: converts" "exit status $RC" "$(cat "$T/$name.err")"
		return
	fi
	local ends lines
	ends=$(grep -cE '[^[:space:]-]-$' "$T/$name.txt")
	lines=$(grep -c . "$T/$name.txt")
	if [ "$ends" -ne 0 ]; then
		fail "hyph $name: $what" "$ends line(s) end in a hyphen:" \
			"$(grep -E -- '-$' "$T/$name.txt")"
	elif [ "$lines" -lt 8 ]; then
		fail "hyph $name: $what" "only $lines lines: the text was not broken into lines"
	else
		pass "hyph $name: $what ($lines lines, none ends in a hyphen)"
	fi
}

unhyphenated tlh "a language without a dictionary is not hyphenated (never with English patterns)"
unhyphenated zh "Chinese: lines break between characters, never hyphenated"

# The Chinese lines break between characters: every character of the
# paragraph is there once, in order (no hyphen or other character
# added), over several lines (the glyphs may print as blank boxes when no
# CJK font is installed; pdftotext still reads the characters).
if [ -s "$T/zh.txt" ]; then
	if "$PY" - "$T/zh.txt" "$ZH1" <<'PY'; then
import sys
lines = [l.strip() for l in open(sys.argv[1], encoding='utf-8')]
want = sys.argv[2]
body = [l for l in lines if l and any('\u4e00' <= c <= '\u9fff' for c in l)
        and not l.startswith('Hyph')]
joined = ''.join(body)
ok = joined == want + want and len(body) >= 4
if not ok:
    print('lines:', body)
sys.exit(0 if ok else 1)
PY
		pass "hyph zh: the text is all there, broken between characters"
	else
		fail "hyph zh: the text is all there, broken between characters"
	fi
fi
