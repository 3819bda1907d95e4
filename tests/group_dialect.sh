#!/usr/bin/env bash
# group_dialect.sh BINARY SHARED TMPDIR SANITIZED - the Jekyll/kramdown
# dialect set (issue 15): every fixtures/dialect/NAME.md, with what it must
# give in fixtures/dialect/NAME.expect, in every format.
#
# Run by tests/run.sh from the repo root.  Each fixture is converted to
# JSON, PDF, EPUB and DOCX; then each directive of its .expect (one a line,
# `#` starts a comment) is checked in every format, one PASS/FAIL line per
# fixture and directive (a FAIL names the formats that failed):
#   text: PHRASE    PHRASE (whitespace normalised, case kept) is in the text
#                   of every format: the model's text nodes (JSON), the
#                   PDF's pdftotext (line-end hyphens joined), the EPUB's
#                   XHTML content documents, the DOCX's w:t runs
#   code: LINE      LINE is in code in every format: model code_block /
#                   code text, EPUB <pre>/<code>, DOCX runs in a code style
#                   (a style named like "code"/"source"/"verbatim" or a
#                   monospace font), PDF text (pdftotext cannot tell fonts)
#   absent: STRING  STRING is in no format's text
#   images: N       N image placements: model image+figure nodes, EPUB
#                   <img> elements, DOCX <w:drawing> elements, PDF
#                   `pdfimages -list` rows of type image (pdfimages lists
#                   an image drawn twice on a page once)
#   warn: SUBSTR    stderr of the conversions holds SUBSTR
#   nowarn          the conversions print nothing on stderr
# Then, per fixture: epubcheck (0 fatal, 0 errors, 0 warnings; one JVM for
# all books), `qpdf --check` and tests/check_pdfua.py on the PDF.  A
# fixture without .expect is a FAIL.  SANITIZED=1 (a sanitizer build):
# only the exit codes and sanitizer reports of the conversions.
set -u
BIN=$1 T=$3 SANITIZED=$4
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
TMO=${MC_TEST_TIMEOUT:-60}
EPUBCHECK=${EPUBCHECK_JAR:-/usr/share/java/epubcheck.jar}
DIR=${MC_DIALECT_DIR:-fixtures/dialect}
mkdir -p "$T"

. tests/lib_group.sh

export SOURCE_DATE_EPOCH=1700000000
PY=$(py_with pypdf)
[ -n "$PY" ] || PY=${PYTHON:-python3}

shopt -s nullglob
mds=("$DIR"/*.md)
if [ ${#mds[@]} -eq 0 ]; then
	fail "dialect: no fixtures in $DIR"
	exit 0
fi

FORMATS=(json pdf epub docx)
epubs=()
names=()
for md in "${mds[@]}"; do
	name=$(basename "${md%.md}")
	exp=${md%.md}.expect
	if [ ! -f "$exp" ]; then
		fail "dialect $name: no $name.expect beside $name.md"
		continue
	fi
	bad=()
	for fmt in "${FORMATS[@]}"; do
		conv_to "$T/$name.$fmt.err" "$md" "$T/$name.$fmt" -t "$fmt"
		if [ "$RC" -eq 86 ]; then
			bad+=("$fmt: sanitizer report: $(grep -m 4 -E 'Sanitizer|runtime error' "$T/$name.$fmt.err")")
		elif [ "$RC" -ne 0 ]; then
			bad+=("$fmt: exit $RC: $(tail -n 3 "$T/$name.$fmt.err")")
		elif [ ! -s "$T/$name.$fmt" ]; then
			bad+=("$fmt: no output")
		fi
	done
	if [ ${#bad[@]} -gt 0 ]; then
		fail "dialect $name: converts to ${FORMATS[*]}" "${bad[@]}"
		continue
	fi
	pass "dialect $name: converts to ${FORMATS[*]}"
	names+=("$name")
	epubs+=("$T/$name.epub")
done

if [ "$SANITIZED" = 1 ]; then
	echo "# dialect: sanitizer build: exit codes and reports only"
	exit 0
fi

# ---- the directives ---------------------------------------------------------
cat >"$T/check_dialect.py" <<'PYEOF'
"""check_dialect.py EXPECT BASE: the directives of EXPECT against BASE.json,
BASE.pdf, BASE.epub, BASE.docx and BASE.FMT.err; one PASS/FAIL line each."""
import json, re, subprocess, sys, zipfile
import xml.etree.ElementTree as ET

expect, base = sys.argv[1], sys.argv[2]
name = base.rsplit('/', 1)[-1]
FMTS = ('json', 'pdf', 'epub', 'docx')
XH = '{http://www.w3.org/1999/xhtml}'
W = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'


def norm(s):
    return ' '.join(s.split())


# ---- text of each format ----
INLINE = ('text', 'code', 'softbreak', 'linebreak', 'image', 'emph',
          'strong', 'strike', 'sup', 'sub', 'span', 'link', 'blank',
          'footnote_ref', 'control')
XBLOCK = set(XH + t for t in (
    'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'dt', 'dd', 'div', 'pre',
    'blockquote', 'td', 'th', 'figcaption', 'section', 'aside', 'summary',
    'figure', 'table', 'tr', 'ul', 'ol', 'dl', 'details', 'header', 'br'))


def xtext(e, out):
    """e's text, a newline after each block element."""
    if e.text:
        out.append(e.text)
    for k in e:
        if k.tag in XBLOCK:
            out.append('\n')
        xtext(k, out)
        if k.tag in XBLOCK:
            out.append('\n')
        if k.tail:
            out.append(k.tail)


def model_text():
    doc = json.load(open(base + '.json', encoding='utf-8'))
    texts, codes, nimg = [], [], 0

    def walk(n, in_block):
        nonlocal nimg
        if not isinstance(n, dict):
            return
        t = n.get('type')
        if t in ('image', 'figure'):
            nimg += 1
        if t == 'code_block':
            texts.append(n.get('text', ''))
            codes.append(n.get('text', ''))
        elif t == 'code':
            texts.append(n.get('text', ''))
            codes.append(n.get('text', ''))
        elif t == 'text':
            texts.append(n.get('text', ''))
        elif t == 'control':
            texts.append(' ' + n.get('text', '') + ' ')
        elif t in ('softbreak', 'linebreak'):
            texts.append(' ')
        for c in n.get('children', []):
            walk(c, in_block)
        if t not in INLINE:
            texts.append('\n')
    for b in doc.get('body', []):
        walk(b, False)
    return ''.join(texts), '\n'.join(codes), nimg


def pdf_text():
    out = subprocess.run(['pdftotext', '-enc', 'UTF-8', base + '.pdf', '-'],
                         capture_output=True, check=True).stdout.decode(
                             'utf-8', 'replace')
    # a hyphen (or soft hyphen) ending a line joins the word
    out = re.sub(r'[-\u00ad\u2010]\n(?=\w)', '', out)
    lst = subprocess.run(['pdfimages', '-list', base + '.pdf'],
                         capture_output=True, check=True).stdout.decode(
                             'utf-8', 'replace').splitlines()
    nimg = sum(1 for l in lst[2:] if len(l.split()) > 2 and
               l.split()[2] == 'image')
    return out, out, nimg


def epub_text():
    z = zipfile.ZipFile(base + '.epub')
    texts, codes, nimg = [], [], 0
    for n in sorted(z.namelist()):
        if not n.endswith('.xhtml') or n.endswith('nav.xhtml'):
            continue
        root = ET.fromstring(z.read(n))
        body = root.find(XH + 'body')
        if body is None:
            continue
        out = []
        xtext(body, out)
        texts.append(''.join(out))
        for e in body.iter():
            if e.tag in (XH + 'pre', XH + 'code'):
                codes.append(''.join(e.itertext()))
            if e.tag == XH + 'img':
                nimg += 1
    return '\n'.join(texts), '\n'.join(codes), nimg


def docx_text():
    z = zipfile.ZipFile(base + '.docx')
    root = ET.fromstring(z.read('word/document.xml'))
    code_styles = set()
    if 'word/styles.xml' in z.namelist():
        st = ET.fromstring(z.read('word/styles.xml'))
        for s in st.iter(W + 'style'):
            sid = s.get(W + 'styleId') or ''
            nm = s.find(W + 'name')
            label = (sid + ' ' + (nm.get(W + 'val') if nm is not None
                                  else '')).lower()
            if re.search(r'code|source|verbatim|mono|preformat', label):
                code_styles.add(sid)
    paras, codes = [], []
    for p in root.iter(W + 'p'):
        ppr = p.find(W + 'pPr')
        pst = ppr.find(W + 'pStyle') if ppr is not None else None
        pcode = pst is not None and pst.get(W + 'val') in code_styles
        line, cline = [], []
        for r in p.iter(W + 'r'):
            t = ''.join(x.text or '' for x in r.iter(W + 't'))
            if r.find(W + 'br') is not None or r.find(W + 'tab') is not None:
                t = ' ' + t
            line.append(t)
            rpr = r.find(W + 'rPr')
            rst = rpr.find(W + 'rStyle') if rpr is not None else None
            fonts = rpr.find(W + 'rFonts') if rpr is not None else None
            mono = fonts is not None and re.search(
                r'mono|courier|consol', (fonts.get(W + 'ascii') or '').lower())
            if pcode or mono or (rst is not None and
                                 rst.get(W + 'val') in code_styles):
                cline.append(t)
        paras.append(''.join(line))
        if cline:
            codes.append(''.join(cline))
    # (an embed card's QR code is the output's own picture, not the page's)
    WPD = '{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}'
    nimg = sum(1 for d in root.iter(W + 'drawing')
               if not any((p.get('descr') or '').startswith('QR code for ')
                          for p in d.iter(WPD + 'docPr')))
    return '\n'.join(paras), '\n'.join(codes), nimg


got = {}
for fmt, fn in (('json', model_text), ('pdf', pdf_text), ('epub', epub_text),
                ('docx', docx_text)):
    try:
        got[fmt] = fn()
    except Exception as e:  # noqa: BLE001 - reported as a failure
        got[fmt] = e
errs = ''
for fmt in FMTS:
    try:
        errs += open('%s.%s.err' % (base, fmt), encoding='utf-8',
                     errors='replace').read()
    except OSError:
        pass


def report(label, bad):
    if bad:
        print('FAIL dialect %s: %s' % (name, label))
        for b in bad[:12]:
            print(' ' + b)
    else:
        print('PASS dialect %s: %s' % (name, label))


def each_format(label, test):
    bad = []
    for fmt in FMTS:
        g = got[fmt]
        if isinstance(g, Exception):
            bad.append('%s: cannot read the output: %s' % (fmt, g))
            continue
        why = test(fmt, *g)
        if why:
            bad.append('%s: %s' % (fmt, why))
    report(label, bad)


def show(s, phrase):
    """A short excerpt of s for a failure, near phrase's first word."""
    s = norm(s)
    w = phrase.split()[0] if phrase.split() else ''
    i = s.find(w) if w else -1
    i = max(0, i - 60) if i >= 0 else 0
    return repr(s[i:i + 160])


n = 0
for lineno, raw in enumerate(open(expect, encoding='utf-8'), 1):
    line = raw.rstrip('\n')
    if not line.strip() or line.lstrip().startswith('#'):
        continue
    n += 1
    key, sep, arg = line.partition(':')
    key = key.strip()
    arg = arg.strip()
    if key == 'nowarn' and not sep:
        report('no warning', ['stderr: ' + l for l in errs.splitlines()])
    elif key == 'text':
        ph = norm(arg)
        each_format('text "%s"' % arg, lambda f, t, c, i: None
                    if ph in norm(t) else 'not in the text: ' + show(t, ph))
    elif key == 'code':
        ph = norm(arg)
        each_format('code "%s"' % arg, lambda f, t, c, i: None
                    if ph in norm(c) else 'not in code: ' + show(c, ph))
    elif key == 'absent':
        each_format('absent "%s"' % arg, lambda f, t, c, i: None
                    if arg not in t and norm(arg) not in norm(t)
                    else 'present: ' + show(t[t.find(arg):] if arg in t
                                            else t, arg))
    elif key == 'images' and arg.isdigit():
        want = int(arg)
        each_format('%d images' % want, lambda f, t, c, i: None
                    if i == want else '%d images' % i)
    elif key == 'warn':
        report('warning "%s"' % arg, [] if arg in errs else
               ['not on stderr; it said: ' + (errs.strip()[:600] or
                                               '(nothing)')])
    else:
        report('%s line %d' % (expect.rsplit('/', 1)[-1], lineno),
               ['unknown directive: ' + line])
if n == 0:
    report('directives', ['%s holds no directive' % expect])
PYEOF

for name in "${names[@]}"; do
	"$PY" "$T/check_dialect.py" "$DIR/$name.expect" "$T/$name" 2>&1 ||
		fail "dialect $name: the checker failed"
done

# ---- PDF: qpdf --check and the PDF/UA structure check ------------------------
for name in "${names[@]}"; do
	pdf=$T/$name.pdf
	if command -v qpdf >/dev/null 2>&1; then
		out=$(qpdf --check "$pdf" 2>&1)
		rc=$?
		if [ $rc -eq 0 ] && ! grep -qi '^warning' <<<"$out" &&
			grep -q 'No syntax or stream encoding errors' <<<"$out"; then
			pass "dialect $name: qpdf --check"
		else
			fail "dialect $name: qpdf --check" "exit $rc: $(grep -i -m 4 '^warn\|error' <<<"$out")"
		fi
	else
		skip "dialect $name: qpdf --check (qpdf not installed)"
	fi
	if "$PY" -c 'import pypdf' 2>/dev/null; then
		out=$("$PY" tests/check_pdfua.py "$pdf" --model "$T/$name.json" 2>&1)
		rc=$?
		if [ $rc -eq 0 ]; then
			pass "dialect $name: check_pdfua.py"
		else
			fail "dialect $name: check_pdfua.py" "$(grep -m 8 FAIL <<<"$out")" "$(tail -n 2 <<<"$out")"
		fi
	else
		skip "dialect $name: check_pdfua.py (no pypdf)"
	fi
done

# ---- epubcheck: one JVM for all the books -----------------------------------
if [ ${#epubs[@]} -eq 0 ]; then
	:
elif ! command -v java >/dev/null 2>&1 || [ ! -f "$EPUBCHECK" ]; then
	skip "dialect: epubcheck (java or $EPUBCHECK not installed)"
else
	mkdir -p "$T/ec"
	cat >"$T/ec/EpubBatch.java" <<'JEOF'
import com.adobe.epubcheck.tool.EpubChecker;
public class EpubBatch {
    public static void main(String[] args) {
        for (String f : args) {
            System.out.println("@@@ BEGIN " + f);
            int rc = new EpubChecker().run(new String[] { f });
            System.out.println("@@@ END " + f + " rc=" + rc);
        }
    }
}
JEOF
	timeout 900 java -cp "$EPUBCHECK" "$T/ec/EpubBatch.java" "${epubs[@]}" >"$T/ec/out" 2>&1
	if ! grep -q '^@@@ END ' "$T/ec/out"; then
		for e in "${epubs[@]}"; do
			out=$(timeout 300 java -jar "$EPUBCHECK" "$e" 2>&1)
			printf '@@@ BEGIN %s\n%s\n@@@ END %s rc=%s\n' "$e" "$out" "$e" $?
		done >"$T/ec/out"
	fi
	cat >"$T/ec/verdict.py" <<'PYEOF'
import re, sys
out = open(sys.argv[1], encoding='utf-8', errors='replace').read()
blocks = dict((m.group(1), m.group(2)) for m in re.finditer(
    r'^@@@ BEGIN (.*)\n(.*?)^@@@ END \1 rc=\d+$', out, re.S | re.M))
for b in sys.argv[2:]:
    name = b.rsplit('/', 1)[-1][:-len('.epub')]
    text = blocks.get(b)
    label = 'dialect %s: epubcheck 0 fatal, 0 errors, 0 warnings' % name
    if text is None:
        print('FAIL ' + label + '\n not checked')
        continue
    m = re.search(r'Messages: (\d+) fatals? / (\d+) errors? / (\d+) warnings?',
                  text)
    msgs = [l for l in text.splitlines() if re.match(r'(FATAL|ERROR|WARNING)', l)]
    if (m and m.group(1, 2, 3) != ('0', '0', '0')) or msgs or \
            'No errors or warnings detected' not in text:
        print('FAIL ' + label)
        print(' ' + (m.group(0) if m else 'no summary'))
        for l in msgs[:6]:
            print('  ' + l.replace(b, name + '.epub'))
    else:
        print('PASS ' + label)
PYEOF
	"$PY" "$T/ec/verdict.py" "$T/ec/out" "${epubs[@]}"
fi
exit 0
