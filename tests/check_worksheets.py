#!/usr/bin/env python3
"""check_worksheets.py - checks of a worksheet pack PDF (tests/group_worksheets.sh).

  fill IN OUT [--need-appearances]
      Fill every text field of IN with an answer, writing the value (/V)
      alone, as server-side tools do: no appearance stream is made.  A
      multi-line field gets three lines of text, a one-line field one.
      --need-appearances also sets the form's /NeedAppearances (as
      pypdf's own filling does), for a PDF that lacks it.

  answers FILLED.pdf DIR
      Render FILLED.pdf with pdftoppm -r 150 into DIR and, inside every
      text field's box: the answer shows (dark pixels), and no writing
      line strikes it through: no row of the box that is a continuous
      horizontal line lies inside the core (x-height) band of a line of
      typed text.

  space PDF DIR
      Every page has answer space: a text field, or ruled lines (a
      drawn writing line: a long thin horizontal rule, found in the
      rendering).  Prints the pages that have none.

  qr PDF DIR
      For every page, the URLs of the online-document links on it (link
      annotations to docs.google.com and the like) and what zbarimg
      decodes from the page's rendering: each page with such a link must
      carry a QR code decoding to one of its links.

  white PDF DIR
      The page background is white: at most 3% of each page rendered is
      a pale fill (no page fill, no box fills).

Exit status 0 if the check holds, 1 (with reasons on stdout) if not.
"""
import os
import re
import subprocess
import sys

from pypdf import PdfReader, PdfWriter
from pypdf.generic import BooleanObject, NameObject, TextStringObject

DPI = 150
ANSWER_MULTI = "Mentors listen first\nand ask good questions\nevery single week"
ANSWER_ONE = "Learning together"

DOC_HOSTS = ("docs.google.com", "drive.google.com", "onedrive.live.com",
             "1drv.ms", "sharepoint.com", "dropbox.com")


def text_widgets(page):
    out = []
    for a in page.get("/Annots") or []:
        a = a.get_object()
        if a.get("/Subtype") != "/Widget" or a.get("/FT") != "/Tx":
            continue
        out.append(a)
    return out


def fill(src, dst, need):
    r = PdfReader(src)
    try:
        w = PdfWriter(clone_from=r)
    except TypeError:  # pypdf before 3.5
        w = PdfWriter()
        w.clone_reader_document_root(r)
    n = 0
    for page in w.pages:
        for a in text_widgets(page):
            multi = int(a.get("/Ff", 0)) & 4096
            a[NameObject("/V")] = TextStringObject(ANSWER_MULTI if multi
                                                   else ANSWER_ONE)
            n += 1
    if need:
        acro = w._root_object["/AcroForm"]
        acro[NameObject("/NeedAppearances")] = BooleanObject(True)
    with open(dst, "wb") as f:
        w.write(f)
    print("filled %d fields" % n)
    return 0 if n else 1


def render(pdf, d, gray=True):
    os.makedirs(d, exist_ok=True)
    base = os.path.join(d, "p")
    args = ["pdftoppm", "-r", str(DPI), "-png"]
    if gray:
        args.append("-gray")
    subprocess.run(args + [pdf, base], check=True)
    files = sorted((f for f in os.listdir(d) if f.startswith("p-")),
                   key=lambda f: int(re.findall(r"\d+", f)[-1]))
    return [os.path.join(d, f) for f in files]


def load(path):
    from PIL import Image
    im = Image.open(path).convert("L")
    return im, im.load()


def box_px(rect, ph):
    k = DPI / 72.0
    x0, y0, x1, y1 = [float(v) for v in rect]
    return (int(x0 * k), int((ph - y1) * k), int(x1 * k), int((ph - y0) * k))


def answers(pdf, d):
    r = PdfReader(pdf)
    pngs = render(pdf, d)
    bad = []
    nfields = 0
    for pi, page in enumerate(r.pages):
        ph = float(page.mediabox.height)
        im, px = load(pngs[pi])
        W, H = im.size
        for a in text_widgets(page):
            nfields += 1
            name = str(a.get("/T"))
            X0, Y0, X1, Y1 = box_px(a["/Rect"], ph)
            # inside the border
            X0, Y0, X1, Y1 = X0 + 3, Y0 + 3, min(X1 - 3, W), min(Y1 - 3, H)
            w = X1 - X0
            if w < 20 or Y1 - Y0 < 5:
                continue
            dark = [sum(1 for x in range(X0, X1) if px[x, y] < 110)
                    for y in range(Y0, Y1)]
            # a line row: a continuous rule across the box (gray or
            # darker where text covers it)
            line = [sum(1 for x in range(X0, X1) if px[x, y] < 215) >= 0.97 * w
                    for y in range(Y0, Y1)]
            if sum(dark) < 30:
                bad.append("%s (page %d): the answer does not show (%d dark "
                           "pixels in the field)" % (name, pi + 1, sum(dark)))
                continue
            # bands of typed text: runs of rows with dark pixels that are
            # not line rows
            rows = [dark[i] > 0 and not line[i] for i in range(len(dark))]
            i = 0
            while i < len(rows):
                if not rows[i]:
                    i += 1
                    continue
                j = i
                while j < len(rows) and (rows[j] or (line[j] and j + 1 <
                                         len(rows) and rows[j + 1])):
                    j += 1
                band = dark[i:j]
                peak = max(band)
                core = [i + k for k, v in enumerate(band) if v >= 0.3 * peak]
                if core and peak >= 8:
                    c0, c1 = core[0], core[-1]
                    hit = [y for y in range(c0 + 1, c1) if line[y]]
                    if hit:
                        bad.append("%s (page %d): a writing line strikes the "
                                   "typed text (rule at row %d inside the "
                                   "glyph band %d-%d of the field)"
                                   % (name, pi + 1, hit[0], c0, c1))
                i = j
    for b in bad:
        print(b)
    if not nfields:
        print("no text fields")
        return 1
    print("%d fields checked" % nfields)
    return 1 if bad else 0


def rules_on(px, W, H):
    """Rows holding a long thin horizontal rule (a writing line)."""
    n = 0
    for y in range(H):
        run = best = 0
        for x in range(0, W):
            if px[x, y] < 215:
                run += 1
                best = max(best, run)
            else:
                run = 0
        if best >= W * 0.35:
            n += 1
    return n


def space(pdf, d):
    r = PdfReader(pdf)
    pngs = render(pdf, d)
    bad = []
    for pi, page in enumerate(r.pages):
        if text_widgets(page):
            continue
        im, px = load(pngs[pi])
        if rules_on(px, *im.size) < 3:
            bad.append("page %d: no answer field and no writing lines"
                       % (pi + 1))
    for b in bad:
        print(b)
    print("%d pages" % len(r.pages))
    return 1 if bad else 0


def qr(pdf, d):
    r = PdfReader(pdf)
    pngs = render(pdf, d, gray=False)
    bad = []
    nlinked = 0
    for pi, page in enumerate(r.pages):
        urls = set()
        for a in page.get("/Annots") or []:
            a = a.get_object()
            act = a.get("/A")
            if a.get("/Subtype") == "/Link" and act and "/URI" in act:
                u = str(act["/URI"])
                if any(h in u for h in DOC_HOSTS):
                    urls.add(u)
        if not urls:
            continue
        nlinked += 1
        z = subprocess.run(["zbarimg", "-q", "--raw", pngs[pi]],
                           capture_output=True, text=True)
        codes = set(l for l in z.stdout.splitlines() if l)
        if not codes & urls:
            bad.append("page %d links %s but its QR codes decode to %s"
                       % (pi + 1, sorted(urls)[0], sorted(codes) or "nothing"))
        else:
            print("page %d: QR %s" % (pi + 1, sorted(codes & urls)[0]))
    for b in bad:
        print(b)
    if not nlinked:
        print("no page links an online document")
        return 1
    return 1 if bad else 0


def white(pdf, d):
    pngs = render(pdf, d, gray=False)
    bad = []
    for pi, f in enumerate(pngs):
        from PIL import Image
        im = Image.open(f).convert("RGB")
        W, H = im.size
        px = im.load()
        # the page's background: a light fill (a box's, a page's) is
        # pale but not white; text, rules and pictures are darker
        n = tint = 0
        for y in range(0, H, 3):
            for x in range(0, W, 3):
                n += 1
                lo = min(px[x, y])
                if 200 <= lo < 250:
                    tint += 1
        share = tint / n
        if share > 0.03:
            bad.append("page %d: %.0f%% of it is a pale fill (not white)"
                       % (pi + 1, share * 100))
    for b in bad:
        print(b)
    print("%d pages" % len(pngs))
    return 1 if bad else 0


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    cmd = argv[1]
    if cmd == "fill":
        return fill(argv[2], argv[3], "--need-appearances" in argv[4:])
    if cmd == "answers":
        return answers(argv[2], argv[3])
    if cmd == "space":
        return space(argv[2], argv[3])
    if cmd == "qr":
        return qr(argv[2], argv[3])
    if cmd == "white":
        return white(argv[2], argv[3])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
