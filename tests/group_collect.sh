#!/usr/bin/env bash
# group_collect.sh BINARY SHARED TMPDIR SANITIZED - `mentorconv collect`
# reads filled worksheets back.
#
# The seed page's worksheet pack is written as PDF, DOCX (content
# controls) and DOCX --fields=legacy; each is filled as a learner's
# software would: the PDF with pypdf, the DOCX by editing its XML (the
# placeholder run replaced, w:showingPlcHdr dropped; a legacy field's
# result runs replaced), with answers in English, Russian and Arabic, one
# of them on two lines.  Then collect, as CSV and as JSON (parsed with
# Python's csv and json), must give back every answer exactly, with its
# worksheet and prompt, the learner's name where the sheet has a Name
# and date from the sheet's Name and Date fields, and empty answers
# (never the placeholder) for the fields left blank.  A file that is not a worksheet, a truncated PDF, a PDF whose
# field tree loops and a DOCX whose document.xml inflates past the limit
# are each an error while the other files are still collected (exit 1),
# with no crash.  LibreOffice renders the unfilled DOCX without the
# placeholder and the filled one with its answers.
set -u
BIN=$1 SHARED=$2 T=$3
TMO=${MC_TEST_TIMEOUT:-120}

. tests/lib_group.sh

SEED=$SHARED/seed/what-is-mentoring.md
PY=$(py_with pypdf)
if [ -z "$PY" ]; then
	skip "collect: filled worksheets back (pypdf not installed: python3-pypdf)"
	exit 0
fi
if [ ! -f "$SEED" ]; then
	skip "collect: filled worksheets back (no seed page in SHARED)"
	exit 0
fi

EN='When I was 12, my teacher "Mr. Smith" helped me'
RU='Привет, мир: наставник помог мне'
AR='مرحبا بالعالم، تعلمت الكثير'
EN2='First line
second line'
NAME='Анна Ли'
DATE='3 May 2026'

made=1
for v in pdf docx legacy; do
	case $v in
	pdf) args=(-o "$T/ws.pdf") ;;
	docx) args=(-o "$T/ws.docx") ;;
	legacy) args=(-o "$T/ws-legacy.docx" --fields=legacy) ;;
	esac
	timeout "$TMO" "$BIN" "$SEED" --worksheets "${args[@]}" </dev/null >/dev/null 2>"$T/err.$v" || made=0
done
if [ $made -eq 1 ]; then
	pass "collect: the seed's pack as PDF, DOCX and legacy DOCX"
else
	fail "collect: the seed's pack as PDF, DOCX and legacy DOCX" "$(cat "$T"/err.* | head -n 8)"
	exit 0
fi

# ---- fill them ----------------------------------------------------------------
why=$("$PY" tests/check_fields.py fill "$T/ws.pdf" "$T/filled.pdf" \
	"name=$NAME" "date=$DATE" "answer-1=$EN" "answer-2=$RU" "answer-3=$AR" "answer-4=$EN2" 2>&1) || true
[ -s "$T/filled.pdf" ] && pass "collect: pypdf fills the PDF's fields" ||
	fail "collect: pypdf fills the PDF's fields" "$why"

why=$(EN="$EN" RU="$RU" AR="$AR" EN2="$EN2" NAME="$NAME" DATE="$DATE" "$PY" - "$T/ws.docx" "$T/filled.docx" "$T/ws-legacy.docx" "$T/filled-legacy.docx" <<'EOF' 2>&1
import os, re, sys, zipfile
from xml.sax.saxutils import escape
ans = {"answer-1": os.environ["EN"], "answer-2": os.environ["RU"],
       "answer-3": os.environ["AR"], "answer-4": os.environ["EN2"],
       "name": os.environ["NAME"], "date": os.environ["DATE"]}

def runs(text):
    return text.split("\n")

def fill_sdt(m):
    sdt = m.group(0)
    tag = re.search(r'<w:tag w:val="([^"]*)"', sdt)
    leaf = tag.group(1).rsplit("/", 1)[-1] if tag else ""
    if leaf not in ans:
        return sdt
    lines = runs(ans[leaf])
    sdt = sdt.replace("<w:showingPlcHdr/>", "")
    # the hint is wrapped for Word 2013+ only (mc:Choice Requires="w15"):
    # a filler puts the answer in its place
    sdt = re.sub(r"<mc:AlternateContent><mc:Choice[^>]*>(.*?)</mc:Choice>"
                 r"<mc:Fallback/></mc:AlternateContent>", r"\1", sdt, flags=re.S)
    sdt = re.sub(r'<w:rStyle w:val="PlaceholderText"/>', "", sdt)
    def one(t):  # a text element
        return '<w:t xml:space="preserve">%s</w:t>' % escape(t)
    # replace the placeholder's text; extra lines as new paragraphs
    m2 = re.search(r"<w:t[^>]*>[^<]*</w:t>", sdt)
    # a multi-line plain-text control holds line breaks (what Word's
    # Enter key gives in one)
    sdt = sdt[:m2.start()] + "<w:br/>".join(one(l) for l in lines) + sdt[m2.end():]
    return sdt

def rewrite(src, dst, fn):
    zin = zipfile.ZipFile(src)
    zout = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
    for i in zin.infolist():
        data = zin.read(i.filename)
        if i.filename == "word/document.xml":
            data = fn(data.decode("utf-8")).encode("utf-8")
        zout.writestr(i, data)
    zout.close()

rewrite(sys.argv[1], sys.argv[2],
        lambda s: re.sub(r"<w:sdt>(?:(?!<w:sdt>).)*?</w:sdt>", fill_sdt, s, flags=re.S))

def fill_legacy(s):
    # each FORMTEXT's result (between separate and end) by its w:name
    out, pos = [], 0
    for m in re.finditer(r'<w:name w:val="([^"]*)"/>', s):
        name = m.group(1)
        key = {"Name": "name", "Date": "date"}.get(name, re.sub(r"^Answer(\d+)$", r"answer-\1", name))
        if key not in ans:
            continue
        sep = s.find('w:fldCharType="separate"', m.end())
        t0 = s.find("<w:t", sep)
        t0 = s.find(">", t0) + 1
        t1 = s.find("</w:t>", t0)
        out.append(s[pos:t0]); out.append(escape(ans[key].replace("\n", " ")))
        pos = t1
    out.append(s[pos:])
    return "".join(out)

rewrite(sys.argv[3], sys.argv[4], fill_legacy)
EOF
)
[ -s "$T/filled.docx" ] && [ -s "$T/filled-legacy.docx" ] &&
	pass "collect: the DOCX filled by editing its XML" ||
	fail "collect: the DOCX filled by editing its XML" "$why"

# ---- collect them, with files that are not worksheets among them -------------
printf 'just some text\n' >"$T/notes.txt"
head -c 3000 "$T/ws.pdf" >"$T/truncated.pdf"
"$PY" - "$T/loop.pdf" "$T/bomb.docx" <<'EOF'
import sys, zipfile
# a form whose field is its own kid
objs = [b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /T (loop) /Kids [3 0 R 4 0 R] >>",
        b"<< /T (inner) /Parent 3 0 R /Kids [3 0 R] /FT /Tx /V (x) >>"]
out = bytearray(b"%PDF-1.7\n")
offs = []
for i, o in enumerate(objs):
    offs.append(len(out))
    out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
x = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
open(sys.argv[1], "wb").write(out)
# document.xml inflating to 300 MiB
z = zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED)
with z.open("word/document.xml", "w", force_zip64=True) as f:
    f.write(b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body>')
    chunk = b" " * (1 << 20)
    for _ in range(300):
        f.write(chunk)
    f.write(b"</w:body></w:document>")
z.close()
EOF

# an answer only in the appearance stream, as some server-side fillers do
"$PY" - "$T/ws.pdf" "$T/ap.pdf" <<'EOF'
import re, sys
from pypdf import PdfReader, PdfWriter
r = PdfReader(sys.argv[1])
# the field font's glyph codes, read back from its /ToUnicode ranges
font = r.trailer["/Root"]["/AcroForm"]["/DR"]["/Font"]["/MCF"].get_object()
cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
rng = [tuple(int(x, 16) for x in t) for blk in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S)
       for t in re.findall(r"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>", blk)]
def code(ch):
    u = ord(ch)
    return next("%04X" % (a + u - c) for a, b, c in rng if c <= u <= c + b - a)
hexs = "".join(code(ch) for ch in "Привет мир")
w = PdfWriter()
w.clone_reader_document_root(r)
for page in w.pages:
    for a in page.get("/Annots") or []:
        a = a.get_object()
        if a.get("/T") == "answer-6":
            # glyph codes of the Identity-H field font, as a filler draws them
            a["/AP"]["/N"].get_object().set_data(
                ("/Tx BMC BT /MCF 10 Tf 2 4 Td <%s> Tj ET EMC" % hexs).encode())
        if a.get("/T") == "answer-5":
            a["/AP"]["/N"].get_object().set_data(
                b"/Tx BMC q BT /MCF 10 Tf 2 20 Td (Seen only in the appearance) Tj"
                b" T* (and a \\(second\\) line) Tj ET Q EMC")
            if "/V" in a:
                del a["/V"]
w.write(sys.argv[2])
EOF
enc=0
if command -v qpdf >/dev/null 2>&1 &&
	qpdf --encrypt learner owner 256 -- "$T/filled.pdf" "$T/encrypted.pdf" 2>/dev/null; then
	enc=1
fi

files=("$T/filled.pdf" "$T/notes.txt" "$T/filled.docx" "$T/truncated.pdf" "$T/filled-legacy.docx" "$T/loop.pdf" "$T/bomb.docx" "$T/ws.docx" "$T/ap.pdf")
[ $enc -eq 1 ] && files+=("$T/encrypted.pdf")
for fmt in csv json; do
	timeout "$TMO" "$BIN" collect --format $fmt -o "$T/out.$fmt" "${files[@]}" </dev/null >/dev/null 2>"$T/cerr.$fmt"
	echo $? >"$T/rc.$fmt"
done
rc=$(cat "$T/rc.csv")
if [ "$rc" = 1 ] && ! grep -qE 'Sanitizer|runtime error:|LeakSanitizer' "$T/cerr.csv" "$T/cerr.json" &&
	[ "$(grep -c ': error: ' "$T/cerr.csv")" = $((4 + enc)) ]; then
	pass "collect: $((4 + enc)) bad files are each an error, exit 1"
else
	fail "collect: $((4 + enc)) bad files are each an error, exit 1" "exit $rc" "$(head -n 12 "$T/cerr.csv")"
fi
bad=(notes.txt truncated.pdf loop.pdf bomb.docx)
[ $enc -eq 1 ] && bad+=(encrypted.pdf)
for f in "${bad[@]}"; do
	if grep -q "^$T/$f: error: " "$T/cerr.csv"; then
		pass "collect: $f is reported as FILE: error: ($(grep "^$T/$f: error: " "$T/cerr.csv" | head -n 1 | cut -c1-100 | sed "s|^$T/||"))"
	else
		fail "collect: $f is reported as FILE: error:" "$(cat "$T/cerr.csv")"
	fi
done

for fmt in csv json; do
	why=$(EN="$EN" RU="$RU" AR="$AR" EN2="$EN2" NAME="$NAME" DATE="$DATE" TDIR="$T" "$PY" - "$T/out.$fmt" $fmt <<'EOF' 2>&1
import csv, io, json, os, sys
path, fmt = sys.argv[1], sys.argv[2]
raw = open(path, "rb").read().decode("utf-8")
if fmt == "csv":
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
else:
    rows = json.loads(raw)
T = os.environ["TDIR"]
prompts = ["When I was a mentee…", "I learned…",
           "One thing that could have improved my experiences as a mentee was…",
           "When I was a mentor…", "I learned…", "My mentee learned…",
           "One thing that could have improved my experiences as a mentor was…"]
want = {0: os.environ["EN"], 1: os.environ["RU"], 2: os.environ["AR"], 3: os.environ["EN2"]}
bad = []
for f in ["filled.pdf", "filled.docx", "filled-legacy.docx", "ws.docx"]:
    mine = [r for r in rows if r["file"] == T + "/" + f]
    if len(mine) != 7:
        bad.append("%s: %d rows, not 7" % (f, len(mine)))
        continue
    for i, r in enumerate(mine):
        exp = "" if f == "ws.docx" else want.get(i, "")
        if f == "filled-legacy.docx":
            exp = exp.replace("\n", " ")
        if r["answer"] != exp:
            bad.append("%s row %d: answer %r, not %r" % (f, i + 1, r["answer"], exp))
        if r["prompt"] != prompts[i]:
            bad.append("%s row %d: prompt %r" % (f, i + 1, r["prompt"]))
        if r["worksheet"] != "Worksheet #2: Your Experiences":
            bad.append("%s row %d: worksheet %r" % (f, i + 1, r["worksheet"]))
        filled = f != "ws.docx"
        if r["name"] != (os.environ["NAME"] if filled else ""):
            bad.append("%s row %d: name %r" % (f, i + 1, r["name"]))
        if r["date"] != (os.environ["DATE"] if filled else ""):
            bad.append("%s row %d: date %r" % (f, i + 1, r["date"]))
        if "Type your answer" in r["answer"]:
            bad.append("%s row %d: the placeholder as an answer" % (f, i + 1))
ap = [r for r in rows if r["file"] == T + "/ap.pdf"]
if len(ap) != 7 or ap[4]["answer"] != "Seen only in the appearance\nand a (second) line":
    bad.append("ap.pdf: the appearance-only answer reads %r" % (ap[4]["answer"] if len(ap) > 4 else None,))
if len(ap) != 7 or ap[5]["answer"] != "Привет мир":
    bad.append("ap.pdf: the appearance-only answer in glyph codes reads %r" % (ap[5]["answer"] if len(ap) > 5 else None,))
if fmt == "csv" and list(csv.reader(io.StringIO(raw, newline="")))[0] != \
        ["file", "name", "date", "worksheet", "prompt", "answer"]:
    bad.append("no header row")
print("\n".join(bad[:12]))
EOF
)
	[ -z "$why" ] && pass "collect: $fmt gives back every answer (English, Russian, Arabic, two lines), worksheet, prompt, name and date; blank fields empty" ||
		fail "collect: $fmt gives back every answer, worksheet, prompt, name and date" "$why"
done

# ---- LibreOffice: the placeholder is not printed, the answer is --------------
if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
	mkdir -p "$T/lo"
	timeout 180 soffice --headless "-env:UserInstallation=file://$T/lo/profile" \
		--convert-to pdf --outdir "$T/lo" "$T/ws.docx" "$T/filled.docx" >/dev/null 2>&1
	if [ -s "$T/lo/ws.pdf" ] && [ -s "$T/lo/filled.pdf" ]; then
		pdftotext "$T/lo/ws.pdf" "$T/lo/ws.txt"
		pdftotext "$T/lo/filled.pdf" "$T/lo/filled.txt"
		if grep -q "Type your answer here" "$T/lo/ws.txt"; then
			fail "collect: LibreOffice does not print the DOCX placeholder" \
				"$(grep -c "Type your answer here" "$T/lo/ws.txt") placeholders printed"
		else
			pass "collect: LibreOffice does not print the DOCX placeholder"
		fi
		if grep -qF "mentor" "$T/lo/filled.txt" && grep -qF "Mr. Smith" "$T/lo/filled.txt"; then
			pass "collect: LibreOffice prints the filled DOCX's answers"
		else
			fail "collect: LibreOffice prints the filled DOCX's answers" "$(head -n 20 "$T/lo/filled.txt")"
		fi
		# a learner who fills the sheet in LibreOffice saves it with
		# LibreOffice's DOCX export, which drops the controls' tags
		# (their titles stay) and w:showingPlcHdr
		mkdir -p "$T/lo/rt"
		timeout 180 soffice --headless "-env:UserInstallation=file://$T/lo/profile" \
			--convert-to "docx:MS Word 2007 XML" --outdir "$T/lo/rt" "$T/filled.docx" "$T/ws.docx" >/dev/null 2>&1
		timeout "$TMO" "$BIN" collect --format json -o "$T/lo/rt.json" "$T/lo/rt/filled.docx" "$T/lo/rt/ws.docx" 2>"$T/lo/rt.err"
		why=$(EN="$EN" RU="$RU" EN2="$EN2" NAME="$NAME" DATE="$DATE" "$PY" - "$T/lo/rt.json" <<'EOF' 2>&1
import json, os, sys
rows = json.load(open(sys.argv[1]))
f = [r for r in rows if r["file"].endswith("/filled.docx")]
u = [r for r in rows if r["file"].endswith("/ws.docx")]
bad = []
byp = {}
for r in f:
    byp.setdefault(r["prompt"], r["answer"])
# (LibreOffice 7.4 itself loses a line break inside a control, and
# repeats a control holding right-to-left text: those are not checked)
want = {"When I was a mentee…": os.environ["EN"], "I learned…": os.environ["RU"]}
for p, a in want.items():
    if byp.get(p) != a:
        bad.append("%r: %r, not %r" % (p, byp.get(p), a))
if not f or f[0]["name"] != os.environ["NAME"] or f[0]["date"] != os.environ["DATE"]:
    bad.append("name/date %r" % ((f[0]["name"], f[0]["date"]) if f else None,))
if len(u) != 7 or any(r["answer"] or r["name"] or r["date"] for r in u):
    bad.append("unfilled sheet: %r" % u[:2])
print("\n".join(bad))
EOF
)
		[ -z "$why" ] && pass "collect: answers, name and date survive a LibreOffice save; its unfilled sheet stays empty" ||
			fail "collect: answers survive a LibreOffice save" "$why" "$(head -n 3 "$T/lo/rt.err")"
	else
		fail "collect: LibreOffice renders the DOCX" "no PDF"
	fi
else
	skip "collect: LibreOffice renders (soffice or pdftotext not installed)"
fi

# ---- checkboxes: the task list of a page, as true/false ------------------------
TASKS=fixtures/gfm-task-list.md
if [ -f "$TASKS" ]; then
	"$BIN" "$TASKS" -o "$T/tasks.pdf" 2>/dev/null
	"$BIN" "$TASKS" -o "$T/tasks.docx" 2>/dev/null
	"$BIN" "$TASKS" --fields=legacy -o "$T/tasks-legacy.docx" 2>/dev/null
	# ticked on screen: the first box of each
	"$PY" - "$T/tasks.pdf" "$T/tasks-ticked.pdf" "$T/tasks.docx" "$T/tasks-ticked.docx" <<'EOF'
import re, sys, zipfile
from pypdf import PdfReader, PdfWriter
w = PdfWriter()
w.clone_reader_document_root(PdfReader(sys.argv[1]))
for page in w.pages:
    w.update_page_form_field_values(page, {"task-1": "/Yes"})
w.write(sys.argv[2])
zin = zipfile.ZipFile(sys.argv[3])
zout = zipfile.ZipFile(sys.argv[4], "w", zipfile.ZIP_DEFLATED)
for i in zin.infolist():
    data = zin.read(i.filename)
    if i.filename == "word/document.xml":
        data = data.replace(b'<w14:checked w14:val="0"/>', b'<w14:checked w14:val="1"/>', 1)
    zout.writestr(i, data)
zout.close()
EOF
	timeout "$TMO" "$BIN" collect --format json -o "$T/tasks.json" "$T/tasks.pdf" "$T/tasks.docx" \
		"$T/tasks-legacy.docx" "$T/tasks-ticked.pdf" "$T/tasks-ticked.docx" 2>"$T/tasks.err"
	why=$("$PY" - "$T/tasks.json" <<'EOF' 2>&1
import json, sys
rows = json.load(open(sys.argv[1]))
want = {"tasks.pdf": ["false", "true", "true"], "tasks.docx": ["false", "true", "true"],
        "tasks-legacy.docx": ["false", "true", "true"],
        "tasks-ticked.pdf": ["true", "true", "true"], "tasks-ticked.docx": ["true", "true", "true"]}
bad = []
for f, v in want.items():
    got = [r["answer"] for r in rows if r["file"].endswith("/" + f)]
    if got != v:
        bad.append("%s: %r, not %r" % (f, got, v))
print("; ".join(bad))
EOF
)
	[ -z "$why" ] && pass "collect: checkboxes read as true/false (PDF, DOCX, legacy DOCX; ticked with pypdf and in the XML)" ||
		fail "collect: checkboxes read as true/false" "$why" "$(head -n 3 "$T/tasks.err")"
else
	skip "collect: checkboxes ($TASKS missing)"
fi

# ---- the command line ---------------------------------------------------------
cp "$T/filled.pdf" "$T/same.pdf"
sum0=$(sha256sum <"$T/same.pdf")
"$BIN" collect -o "$T/same.pdf" "$T/same.pdf" >/dev/null 2>"$T/same.err"; r1=$?
"$BIN" collect --format xml "$T/filled.pdf" >/dev/null 2>&1; r2=$?
"$BIN" collect >/dev/null 2>&1; r3=$?
"$BIN" collect --bogus "$T/filled.pdf" >/dev/null 2>&1; r4=$?
"$BIN" collect --help >"$T/help.out" 2>&1; r5=$?
if [ $r1 = 2 ] && [ "$(sha256sum <"$T/same.pdf")" = "$sum0" ] && [ $r2 = 2 ] && [ $r3 = 2 ] &&
	[ $r4 = 2 ] && [ $r5 = 0 ] && grep -q -- "--format" "$T/help.out"; then
	pass "collect: usage errors exit 2 (an output that is an input is refused, untouched); --help"
else
	fail "collect: the command line" "same-file $r1, format $r2, no input $r3, bad option $r4, help $r5" "$(cat "$T/same.err")"
fi
