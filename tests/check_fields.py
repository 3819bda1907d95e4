#!/usr/bin/env python3
"""check_fields.py - the PDF's fillable fields, as a form filler sees them.

  check_fields.py fill IN.pdf OUT.pdf NAME=TEXT...
      fill the text fields named with pypdf, as a user's form filler would
      (PdfWriter(clone_from=...) or clone_reader_document_root, then
      update_page_form_field_values, with appearance generation where the
      installed pypdf has it); prints what the filler left: "appearances"
      (it drew them) or "viewer" (NeedAppearances: the viewer draws them)
  check_fields.py font IN.pdf TEXT...
      every text field's /DA names a font of the AcroForm's /DR that is an
      embedded Unicode font (Type0, Identity-H, CIDFontType2 with a
      FontFile2 and a ToUnicode map), and each TEXT encodes in it
      through its ToUnicode map read backwards, to glyphs that have a
      width, and decodes back to itself; the fields' own appearance
      streams name that font too
  check_fields.py drawn FILLED.pdf NAME=TEXT...
      where the filler drew a field's appearance: its text is shown in the
      /DR font, and its codes map back through ToUnicode to TEXT
  check_fields.py rects IN.pdf DPI NAME...
      "PAGE X Y W H" for each field: its page (from 1) and its rectangle
      in pixels at DPI (for pdftoppm -x -y -W -H), inside its border

Prints nothing and exits 0 when all is well; else one line per problem
and exits 1.
"""
import re
import sys

try:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ContentStream
except ImportError:  # the group skips these tests without pypdf
    sys.exit(3)


def fields_by_name(reader):
    """name -> (page index, widget) of the text fields."""
    out = {}
    for i, page in enumerate(reader.pages):
        for a in page.get("/Annots") or []:
            a = a.get_object()
            if a.get("/FT") == "/Tx" and "/T" in a:
                out[str(a["/T"])] = (i, a)
    return out


def cmap_of(stream):
    """A ToUnicode CMap: code (int) -> text."""
    data = stream.get_data().decode("latin-1")
    m = {}

    def text(hexs):
        b = bytes.fromhex(hexs)
        return b.decode("utf-16-be", "replace")

    for blk in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", blk):
            m[int(src, 16)] = text(dst)
    for blk in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", blk):
            lo, hi, d = int(lo, 16), int(hi, 16), int(dst, 16)
            for k in range(hi - lo + 1):
                m[lo + k] = chr(d + k)
    return m


def widths_of(cidfont):
    """CID -> width from a /W array."""
    w = {}
    arr = list(cidfont.get("/W") or [])
    i = 0
    while i < len(arr):
        first = int(arr[i])
        nxt = arr[i + 1].get_object() if hasattr(arr[i + 1], "get_object") else arr[i + 1]
        if isinstance(nxt, list):
            for k, v in enumerate(nxt):
                w[first + k] = float(v)
            i += 2
        else:
            for cid in range(first, int(nxt) + 1):
                w[cid] = float(arr[i + 2])
            i += 3
    return w


def da_font(da):
    m = re.search(r"/([^\s/]+)\s+[\d.]+\s+Tf", da or "")
    return m.group(1) if m else None


class UFont:
    """The /DR font a field types in, if it is a usable Unicode font."""

    def __init__(self, font):
        self.problems = []
        self.font = font
        f = font
        if f.get("/Subtype") != "/Type0" or f.get("/Encoding") != "/Identity-H":
            self.problems.append("font %s is %s %s, not a Type0 Identity-H font"
                                 % (f.get("/BaseFont"), f.get("/Subtype"),
                                    f.get("/Encoding")))
            return
        cid = f["/DescendantFonts"][0].get_object()
        desc = cid.get("/FontDescriptor")
        desc = desc.get_object() if desc is not None else {}
        if cid.get("/Subtype") != "/CIDFontType2" or "/FontFile2" not in desc:
            self.problems.append("font %s: not an embedded CIDFontType2"
                                 % f.get("/BaseFont"))
        if "/ToUnicode" not in f:
            self.problems.append("font %s: no ToUnicode" % f.get("/BaseFont"))
            return
        self.map = cmap_of(f["/ToUnicode"].get_object())
        self.rev = {}
        for code in sorted(self.map):
            self.rev.setdefault(self.map[code], code)
        self.w = widths_of(cid)

    def encode(self, text):
        """The CIDs a filler writes for text (reversing ToUnicode), and the
        characters it cannot."""
        cids, missing = [], []
        for ch in text:
            if ch in self.rev:
                cids.append(self.rev[ch])
            else:
                missing.append(ch)
        return cids, missing


def dr_font(reader, name):
    acro = reader.trailer["/Root"].get("/AcroForm")
    acro = acro.get_object() if acro is not None else {}
    dr = acro.get("/DR")
    fonts = dr.get_object().get("/Font") if dr is not None else None
    fonts = fonts.get_object() if fonts is not None else {}
    f = fonts.get("/" + name) if name else None
    return f.get_object() if f is not None else None


def cmd_font(path, texts):
    r = PdfReader(path)
    fields = fields_by_name(r)
    probs = []
    if not fields:
        return ["no text fields"]
    acro = r.trailer["/Root"]["/AcroForm"].get_object()
    seen = set()
    for name, (_, w) in sorted(fields.items()):
        fname = da_font(w.get("/DA") or acro.get("/DA"))
        font = dr_font(r, fname)
        if font is None:
            probs.append("%s: /DA font %s is not in /DR" % (name, fname))
            continue
        # the empty field's own appearance names the same font
        ap = w.get("/AP")
        n = ap.get_object().get("/N") if ap is not None else None
        if n is not None:
            n = n.get_object()
            res = n.get("/Resources")
            afonts = res.get_object().get("/Font") if res is not None else None
            af = afonts.get_object().get("/" + fname) if afonts is not None else None
            if af is None or af.get_object().indirect_reference != font.indirect_reference:
                probs.append("%s: its appearance stream does not name the /DR font /%s"
                             % (name, fname))
        if fname in seen:
            continue
        seen.add(fname)
        u = UFont(font)
        probs += u.problems
        if u.problems:
            continue
        for t in texts:
            cids, missing = u.encode(t)
            if missing:
                probs.append("/%s cannot encode %s of %r" % (fname, "".join(missing), t))
                continue
            back = "".join(u.map[c] for c in cids)
            if back != t:
                probs.append("/%s: %r encodes and decodes to %r" % (fname, t, back))
            nowidth = [t[i] for i, c in enumerate(cids)
                       if u.w.get(c, 0) <= 0 and not t[i].isspace()]
            if nowidth:
                probs.append("/%s: no glyph width for %s" % (fname, "".join(nowidth)))
    return probs


def cmd_fill(src, dst, pairs):
    values = dict(p.split("=", 1) for p in pairs)
    r = PdfReader(src)
    try:
        w = PdfWriter(clone_from=r)
    except TypeError:  # pypdf before 3.5
        w = PdfWriter()
        w.clone_reader_document_root(r)
    for page in w.pages:
        names = set()
        for a in page.get("/Annots") or []:
            a = a.get_object()
            if str(a.get("/T")) in values:
                names.add(str(a["/T"]))
        if not names:
            continue
        sub = {k: values[k] for k in names}
        try:
            w.update_page_form_field_values(page, sub, auto_regenerate=False)
        except TypeError:  # pypdf before 3.12: no appearance generation
            w.update_page_form_field_values(page, sub)
    with open(dst, "wb") as f:
        w.write(f)
    drew = drawn_texts(PdfReader(dst), values)
    print("appearances" if any(drew.values()) else "viewer")
    return []


def drawn_texts(reader, values):
    """name -> [(font name, bytes shown), ...] in the field's appearance."""
    out = {}
    for name, (_, w) in fields_by_name(reader).items():
        if name not in values:
            continue
        out[name] = []
        ap = w.get("/AP")
        n = ap.get_object().get("/N") if ap is not None else None
        if n is None:
            continue
        n = n.get_object()
        font = None
        for operands, op in ContentStream(n, reader).operations:
            if op == b"Tf":
                font = str(operands[0]).lstrip("/")
            elif op in (b"Tj", b"'", b'"'):
                s = operands[-1]
                data = s.original_bytes if hasattr(s, "original_bytes") else bytes(s)
                if data:
                    out[name].append((font, data))
            elif op == b"TJ":
                for s in operands[0]:
                    if not isinstance(s, (int, float)) and hasattr(s, "original_bytes"):
                        if s.original_bytes:
                            out[name].append((font, s.original_bytes))
    return out


def cmd_drawn(path, pairs):
    values = dict(p.split("=", 1) for p in pairs)
    r = PdfReader(path)
    probs = []
    for name, shows in sorted(drawn_texts(r, values).items()):
        if not shows:
            continue  # left to the viewer
        text = ""
        for fname, data in shows:
            font = dr_font(r, fname)
            if font is None:
                probs.append("%s: drawn in /%s, not a /DR font" % (name, fname))
                continue
            u = UFont(font)
            if u.problems:
                probs += ["%s: drawn in %s" % (name, p) for p in u.problems]
                continue
            codes = [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2)]
            text += "".join(u.map.get(c, "\ufffd") for c in codes)
        if text.replace("\n", " ").strip() != values[name].strip():
            probs.append("%s: its appearance shows %r, not %r" % (name, text, values[name]))
    return probs


def cmd_rects(path, dpi, names):
    r = PdfReader(path)
    fields = fields_by_name(r)
    k = float(dpi) / 72
    for name in names:
        if name not in fields:
            return ["no field %s" % name]
        pi, w = fields[name]
        mb = r.pages[pi].mediabox
        x0, y0, x1, y1 = [float(v) for v in w["/Rect"]]
        # inside the field's border (a box OCR would read as text)
        bs = w.get("/BS")
        inset = (float(bs.get("/W", 0)) if bs else 0) + 1.5
        x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
        top = float(mb.top) - y1
        print(pi + 1, int(x0 * k), int(top * k), int((x1 - x0) * k) + 1,
              int((y1 - y0) * k) + 1)
    return []


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, path, rest = argv[1], argv[2], argv[3:]
    if cmd == "font":
        probs = cmd_font(path, rest)
    elif cmd == "fill":
        probs = cmd_fill(path, rest[0], rest[1:])
    elif cmd == "drawn":
        probs = cmd_drawn(path, rest)
    elif cmd == "rects":
        probs = cmd_rects(path, rest[0], rest[1:])
    else:
        print("unknown command " + cmd, file=sys.stderr)
        return 2
    for p in probs:
        print(p)
    return 1 if probs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
