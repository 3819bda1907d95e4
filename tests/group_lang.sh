#!/usr/bin/env bash
# group_lang.sh BINARY SHARED TMPDIR SANITIZED - languages and directions.
#
# Run by tests/run.sh from the repo root.  Prints `PASS name`, `FAIL name`
# (detail lines start with a space) or `SKIP name`.  On fixtures/lang-
# mixed.md (an English page with Arabic, Hebrew, Chinese, Japanese and
# Russian text, <p lang="es">, <span lang="fr" dir="ltr">, an IAL
# {: lang="de"}) and fixtures/lang-arabic-doc.md (lang: ar):
#   - EPUB: <html lang>, and dir="rtl" for the Arabic document; lang,
#     xml:lang and dir on the elements in another language; none on the
#     English paragraphs; the spine's page-progression-direction; the
#     OPF's dc:language; epubcheck (release build, when java is there);
#   - DOCX: <w:bidi/> in the pPr of right-to-left paragraphs, <w:rtl/>
#     and <w:lang w:bidi=..> in their runs, w:eastAsia for Chinese and
#     Japanese, w:lang w:val for the others, none on English runs; the
#     document's language in styles.xml's docDefaults; python-docx opens
#     both (when it is installed).
set -u
BIN=$1 T=$3 SANITIZED=$4
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
PY=${PYTHON:-python3}
TMO=${MC_TEST_TIMEOUT:-60}
EPUBCHECK=${EPUBCHECK_JAR:-/usr/share/java/epubcheck.jar}
mkdir -p "$T"

. tests/lib_group.sh

export SOURCE_DATE_EPOCH=1700000000
MIX=fixtures/lang-mixed.md
AR=fixtures/lang-arabic-doc.md
ok=1
for f in "$MIX" "$AR"; do
	b=$(basename "${f%.md}")
	for fmt in epub docx; do
		if timeout "$TMO" "$BIN" -q "$f" -t $fmt -o "$T/$b.$fmt" \
			2>"$T/$b.$fmt.err" </dev/null; then
			:
		else
			fail "lang: $b converts to $fmt" "$(cat "$T/$b.$fmt.err")"
			ok=0
		fi
	done
done
[ $ok = 1 ] && pass "lang: both fixtures convert to EPUB and DOCX"

cat >"$T/check_lang.py" <<'PYEOF'
"""check_lang.py KIND FILE: checks of languages in an EPUB or a DOCX made
from fixtures/lang-*.md; one line per problem, exit 1 if any.
KIND: epub-mixed, epub-ar, docx-mixed, docx-ar."""
import sys, zipfile
import xml.etree.ElementTree as ET

XH = '{http://www.w3.org/1999/xhtml}'
XL = '{http://www.w3.org/XML/1998/namespace}lang'
W = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'
OPF = '{http://www.idpf.org/2007/opf}'
DC = '{http://purl.org/dc/elements/1.1/}'
problems = []


def need(cond, what):
    if not cond:
        problems.append(what)


def text(e):
    return ''.join(e.itertext())


def xhtml_root(z):
    names = [n for n in z.namelist() if n.endswith('.xhtml') and
             not n.endswith('nav.xhtml')]
    return [ET.fromstring(z.read(n)) for n in sorted(names)]


def epub(path, kind):
    z = zipfile.ZipFile(path)
    roots = xhtml_root(z)
    opf = ET.fromstring(z.read([n for n in z.namelist()
                                if n.endswith('.opf')][0]))
    lang = opf.find('.//' + DC + 'language')
    spine = opf.find('.//' + OPF + 'spine')
    html = roots[0]
    if kind == 'epub-mixed':
        need(html.get('lang') == 'en' and html.get(XL) == 'en',
             'html element: lang/xml:lang "en" expected, got %r' %
             html.get('lang'))
        need(html.get('dir') is None, 'html element: no dir expected')
        need(lang is not None and lang.text == 'en', 'dc:language not en')
        need(spine.get('page-progression-direction') is None,
             'spine: no page-progression-direction expected')
        want = [('الإرشاد علاقة', 'p', 'ar', 'rtl'),
                ('המנטור מקשיב', 'li', 'he', 'rtl'),
                ('导师制', 'p', 'zh', None),
                ('メンタリング', 'p', 'ja', None),
                ('Наставничество', 'p', 'ru', None),
                ('La mentoría', 'p', 'es', None),
                ('un mentor ou une', 'span', 'fr', None),
                ('grazie mille', 'em', 'it', None),
                ('Ein Mentor', 'p', 'de', None),
                ('عن الإرشاد', 'h2', 'ar', 'rtl'),
                ('Mentoring is a relationship', 'p', None, None),
                ('In French, a mentor', 'p', None, None),
                ('Numbers and punctuation', 'p', None, None),
                ('A mentor listens.', 'li', None, None)]
    else:
        need(html.get('lang') == 'ar' and html.get(XL) == 'ar' and
             html.get('dir') == 'rtl',
             'html element: lang/xml:lang "ar" and dir="rtl" expected, '
             'got %r %r' % (html.get('lang'), html.get('dir')))
        need(lang is not None and lang.text == 'ar', 'dc:language not ar')
        need(spine.get('page-progression-direction') == 'rtl',
             'spine: page-progression-direction="rtl" expected')
        want = [('الإرشاد علاقة', 'p', None, None),
                ('Mentoring is a relationship', 'p', None, 'ltr'),
                ('An English paragraph', 'p', 'en', 'ltr'),
                ('שלום', 'p', 'he', None)]
    for words, tag, lg, d in want:
        e = None
        for r in roots:
            for x in r.iter():
                if x.text and words in x.text:
                    e = x
                    break
            if e is not None:
                break
        if e is None:
            problems.append('no element starts with %r' % words)
            continue
        need(e.tag == XH + tag, '%r: <%s> expected, got %s' %
             (words, tag, e.tag))
        need(e.get('lang') == lg and e.get(XL) == lg,
             '%r: lang/xml:lang %r expected, got %r/%r' %
             (words, lg, e.get('lang'), e.get(XL)))
        need(e.get('dir') == d, '%r: dir %r expected, got %r' %
             (words, d, e.get('dir')))


def runs_of(body, words):
    """(pPr, [rPr...]) of the paragraph whose text holds words: the rPr
    of its runs that hold their start."""
    for p in body.iter(W + 'p'):
        if words in text(p):
            rs = [r for r in p.iter(W + 'r') if words[:6] in text(r)]
            return p.find(W + 'pPr'), [r.find(W + 'rPr') for r in rs]
    return None, None


def lang_of(rpr):
    el = rpr.find(W + 'lang') if rpr is not None else None
    return {} if el is None else {k[len(W):]: v for k, v in el.attrib.items()}


def docx(path, kind):
    z = zipfile.ZipFile(path)
    body = ET.fromstring(z.read('word/document.xml'))
    styles = ET.fromstring(z.read('word/styles.xml'))
    dl = styles.find('./' + W + 'docDefaults/' + W + 'rPrDefault/' +
                     W + 'rPr/' + W + 'lang')
    dla = {} if dl is None else {k[len(W):]: v for k, v in dl.attrib.items()}
    if kind == 'docx-mixed':
        need(dla == {'val': 'en'}, 'docDefaults w:lang: %r' % dla)
        want = [('الإرشاد علاقة', True, {'val': 'ar', 'bidi': 'ar'}),
                ('המנטור מקשיב', True, {'val': 'he', 'bidi': 'he'}),
                ('导师制', False, {'val': 'zh', 'eastAsia': 'zh'}),
                ('メンタリング', False, {'val': 'ja', 'eastAsia': 'ja'}),
                ('Наставничество', False, {'val': 'ru'}),
                ('La mentoría', False, {'val': 'es'}),
                ('un mentor ou une', False, {'val': 'fr'}),
                ('grazie mille', False, {'val': 'it'}),
                ('Ein Mentor', False, {'val': 'de'}),
                ('Mentoring is a relationship', False, {})]
    else:
        need(dla == {'val': 'ar', 'bidi': 'ar'},
             'docDefaults w:lang: %r' % dla)
        want = [('الإرشاد علاقة', True, {}),
                ('Mentoring is a relationship', False, {}),
                ('An English paragraph', False, {'val': 'en'}),
                ('שלום', True, {'val': 'he', 'bidi': 'he'})]
    for words, rtl, lg in want:
        ppr, rprs = runs_of(body, words)
        if ppr is None:
            problems.append('no paragraph holds %r' % words)
            continue
        need((ppr.find(W + 'bidi') is not None) == rtl,
             '%r: w:bidi in pPr %s' % (words, 'missing' if rtl else
                                       'not expected'))
        if not rprs:
            problems.append('%r: no run' % words)
            continue
        for rpr in rprs:
            has_rtl = rpr is not None and rpr.find(W + 'rtl') is not None
            need(has_rtl == rtl, '%r: w:rtl in rPr %s' %
                 (words, 'missing' if rtl else 'not expected'))
            need(lang_of(rpr) == lg, '%r: w:lang %r expected, got %r' %
                 (words, lg, lang_of(rpr)))


kind, path = sys.argv[1], sys.argv[2]
try:
    (epub if kind.startswith('epub') else docx)(path, kind)
except Exception as e:  # a broken file is a failure, not a crash
    problems.append('%s: %s' % (type(e).__name__, e))
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PYEOF

chk() { # NAME KIND FILE
	if [ ! -s "$3" ]; then
		fail "$1" "no output $3"
	elif "$PY" "$T/check_lang.py" "$2" "$3" >"$T/chk.out" 2>&1; then
		pass "$1"
	else
		fail "$1" "$(cat "$T/chk.out")"
	fi
}
chk "lang: EPUB of an English page marks its Arabic, Hebrew, CJK, Russian, es, fr span, de (IAL) elements, not its English ones" \
	epub-mixed "$T/lang-mixed.epub"
chk "lang: EPUB of an Arabic document: html dir=rtl, page-progression-direction rtl, ltr/lang on its English paragraphs" \
	epub-ar "$T/lang-arabic-doc.epub"
chk "lang: DOCX of an English page: w:bidi, w:rtl, w:lang w:bidi/w:eastAsia/w:val on the runs in other languages, docDefaults en" \
	docx-mixed "$T/lang-mixed.docx"
chk "lang: DOCX of an Arabic document: docDefaults ar, w:bidi on its paragraphs, none on English ones" \
	docx-ar "$T/lang-arabic-doc.docx"

# the JSON: the document's direction, only for a right-to-left document
if timeout "$TMO" "$BIN" -q "$AR" -t json -o "$T/ar.json" </dev/null &&
	timeout "$TMO" "$BIN" -q "$MIX" -t json -o "$T/mix.json" </dev/null &&
	"$PY" -c 'import json,sys
a=json.load(open(sys.argv[1]))["meta"]; m=json.load(open(sys.argv[2]))["meta"]
sys.exit(0 if a.get("dir")=="rtl" and "dir" not in m else 1)' "$T/ar.json" "$T/mix.json"; then
	pass "lang: JSON meta.dir is rtl for an Arabic document only"
else
	fail "lang: JSON meta.dir is rtl for an Arabic document only"
fi

# python-docx opens both
PYD=
for p in "$PY" /usr/bin/python3; do
	if "$p" -c 'import docx' 2>/dev/null; then PYD=$p; break; fi
done
if [ -n "$PYD" ]; then
	if "$PYD" -c 'import docx,sys
for f in sys.argv[1:]:
    d = docx.Document(f)
    assert len(d.paragraphs) > 3, f' "$T/lang-mixed.docx" "$T/lang-arabic-doc.docx" >"$T/pd.out" 2>&1; then
		pass "lang: python-docx opens both DOCX files"
	else
		fail "lang: python-docx opens both DOCX files" "$(cat "$T/pd.out")"
	fi
else
	skip "lang: python-docx opens both DOCX files (python-docx not installed)"
fi

# PDF: characters no installed font has are named in one warning (not
# one per character): 20 of a BMP script that fontconfig says no font
# here has (Vai, Bamum, Yi, ... whichever is missing)
nofont=""
for base in A500 A6A0 A000 1C50 1B80 A4D0 AA00; do
	if [ -z "$(fc-list ":charset=$base" 2>/dev/null)" ] &&
		[ -z "$(fc-list ":charset=$(printf '%X' $((0x$base + 19)))" 2>/dev/null)" ]; then
		nofont=$base
		break
	fi
done
if [ -z "$nofont" ] || ! command -v fc-list >/dev/null 2>&1; then
	skip "lang: one warning for the characters no font has (every candidate script has a font here)"
else
	python3 -c 'import sys; b = int(sys.argv[1], 16); print("---\ntitle: Missing\n---\n" + " ".join(chr(b + i) for i in range(20)) + "\n\n" + "".join(chr(b + i) for i in range(20)))' "$nofont" >"$T/nofont.md"
	timeout "$TMO" "$BIN" "$T/nofont.md" -o "$T/nofont.pdf" </dev/null 2>"$T/nofont.err"
	rc=$?
	n=$(grep -c 'no installed font has' "$T/nofont.err")
	if [ $rc -eq 0 ] && [ "$n" -eq 1 ] &&
		grep -q "no installed font has these characters U+$nofont .* and 12 more; they print as blank boxes" "$T/nofont.err"; then
		pass "lang: characters no font has are named in one warning (20 characters from U+$nofont, 8 shown)"
	else
		fail "lang: one warning for the characters no font has (exit $rc, $n warnings)" "$(cat "$T/nofont.err")"
	fi
fi
# characters beyond the BMP print like any other (the glyph runs have no
# BMP limit): an emoji from a font in one colour, and plane-15 private
# use characters, which no font has, named in the one warning
python3 -c 'print("---\ntitle: Astral\n---\nSmile \U0001F600 and " + " ".join(chr(0xF0001 + i) for i in range(19)))' >"$T/astral.md"
timeout "$TMO" "$BIN" "$T/astral.md" -o "$T/astral.pdf" </dev/null 2>"$T/astral.err"
rc=$?
n=$(grep -c 'warning' "$T/astral.err")
if ! fc-list ':charset=1f600' family | grep -q .; then
	skip "lang: characters beyond the BMP (no installed font has U+1F600)"
elif [ $rc -eq 0 ] && [ "$n" -eq 1 ] &&
	grep -q "U+F0001 .* and 11 more; they print as blank boxes" "$T/astral.err" &&
	! grep -q "U+1F600" "$T/astral.err" &&
	pdftotext "$T/astral.pdf" - 2>/dev/null | grep -q "Smile $(printf '\360\237\230\200')"; then
	pass "lang: characters beyond the BMP print (U+1F600 drawn, read back); the 19 no font has are named in one warning"
else
	fail "lang: characters beyond the BMP (exit $rc, $n warnings)" "$(cat "$T/astral.err")"
fi

# PDF: the catalog's /Lang is the document's language
if command -v qpdf >/dev/null 2>&1; then
	got=""
	for b in lang-mixed lang-arabic-doc; do
		timeout "$TMO" "$BIN" -q "fixtures/$b.md" -o "$T/$b.pdf" </dev/null
		got="$got $(qpdf --qdf --object-streams=disable "$T/$b.pdf" - 2>/dev/null | grep -a -o '/Lang ([^)]*)' | head -n 1)"
	done
	if [ "$got" = " /Lang (en) /Lang (ar)" ]; then
		pass "lang: the PDF catalog's /Lang is the document's language (en, ar)"
	else
		fail "lang: the PDF catalog's /Lang" "got:$got"
	fi
else
	skip "lang: PDF /Lang (qpdf not installed)"
fi

# epubcheck: slow (a JVM), so on the release build only
if [ "$SANITIZED" != 0 ]; then
	echo "# lang: epubcheck runs on the release build only"
elif ! command -v java >/dev/null 2>&1 || [ ! -f "$EPUBCHECK" ]; then
	skip "lang: epubcheck (java or epubcheck.jar not installed)"
else
	for b in lang-mixed lang-arabic-doc; do
		timeout 300 java -jar "$EPUBCHECK" "$T/$b.epub" >"$T/ec.out" 2>&1
		if grep -q "0 fatals / 0 errors / 0 warnings" "$T/ec.out"; then
			pass "lang: epubcheck $b.epub: 0 errors, 0 warnings"
		else
			fail "lang: epubcheck $b.epub" "$(grep -E 'ERROR|WARNING|FATAL|Messages' "$T/ec.out")"
		fi
	done
fi
exit 0
