#!/usr/bin/env python3
"""break_pdf.py - make a tagged PDF wrong in one known way, to show that
tests/check_pdfua.py catches it (a check that cannot fail is no check).

  break_pdf.py IN.pdf OUT.pdf KIND     (KIND: one of the names below)
  break_pdf.py --kinds                 the kinds, "KIND CHECK" a line

IN is rewritten with `qpdf --qdf --object-streams=disable` (streams
uncompressed, one object each), one object is edited as text, and
`fix-qdf` (qpdf's) sets the stream lengths and the xref again.  Exits 3
when IN has nothing to break that way (no Figure, no heading...).
"""
import re
import subprocess
import sys
import tempfile

# kind -> (the check that must fail, what is done)
KINDS = {
    "text-outside": ("content_marked", "a BT..ET with a Tj outside marked content at the start of page 1"),
    "bt-cuts-mc": ("content_marked", "a BDC opened inside a BT..ET left open past its ET"),
    "no-mcid": ("content_marked", "a /Span BDC without an MCID around text"),
    "dup-mcid": ("mcid_unique", "page 1's second MCID renumbered to its first"),
    "figure-no-alt": ("figure_alt", "a Figure's /Alt renamed"),
    "no-tabs": ("page_tabs", "page 1's /Tabs renamed"),
    "no-structparents": ("page_struct_parents", "page 1's /StructParents renamed"),
    "markinfo-false": ("markinfo", "/MarkInfo /Marked false"),
    "no-lang": ("lang", "the catalog's /Lang removed"),
    "bad-lang": ("lang", "the catalog's /Lang made (en_US!)"),
    "no-displaytitle": ("display_doc_title", "/DisplayDocTitle false"),
    "xmp-no-pdfuaid": ("xmp_metadata", "pdfuaid:part 1 made 2"),
    "xmp-title": ("xmp_metadata", "dc:title changed so it differs from /Info /Title"),
    "bad-type": ("struct_types", "a P made /Para (not standard, no RoleMap)"),
    "heading-skip": ("heading_levels", "an H2 made H4, or the first heading made H3"),
    "link-no-contents": ("link_contents", "a Link annotation's /Contents removed"),
    "widget-no-tu": ("widget_tu", "a widget's /TU removed"),
    "annot-no-structparent": ("annot_struct", "a Link annotation's /StructParent removed"),
    "wrong-parent-tree": ("parent_tree", "a page's ParentTree array shortened by one"),
    "bad-p": ("struct_parent_links", "an element's /P pointed at the element itself"),
    "orphan-elem": ("struct_reachable", "an element cut out of its parent's /K"),
    "li-kid": ("list_structure", "an LBody made /P"),
    "no-tounicode": ("fonts_tounicode", "a Type0 font's /ToUnicode removed"),
    "no-fontfile": ("fonts_embedded", "a font descriptor's /FontFile2 removed"),
    "old-version": ("header_version", "the header made %PDF-1.4"),
    "swap-kids": ("reading_order", "the Document's first and last element kids swapped (with --model)"),
    "title-not-heading": ("title_heading", "the heading holding the title made /P"),
}


def objects(qdf):
    """(start, end, number) of every 'N 0 obj ... endobj' in a QDF file."""
    out = []
    for m in re.finditer(rb"(?m)^(\d+) 0 obj\n", qdf):
        end = qdf.index(b"\nendobj", m.end())
        out.append((m.start(), end, int(m.group(1))))
    return out


def find_obj(qdf, pattern, nth=0):
    """The nth object whose text matches pattern (bytes regex)."""
    hits = [o for o in objects(qdf) if re.search(pattern, qdf[o[0]:o[1]], re.S)]
    return hits[nth] if len(hits) > nth else None


def edit_obj(qdf, o, fn):
    body = qdf[o[0]:o[1]]
    new = fn(body)
    if new == body:
        raise LookupError("no change")
    return qdf[:o[0]] + new + qdf[o[1]:]


def page_content(qdf, n):
    """The object of page n's (from 1) first content stream."""
    pages = [o for o in objects(qdf) if re.search(rb"/Type /Page\b(?!s)", qdf[o[0]:o[1]])]
    pg = qdf[pages[n - 1][0]:pages[n - 1][1]]
    m = re.search(rb"/Contents (\d+) 0 R", pg) or re.search(rb"/Contents \[\s*(\d+) 0 R", pg)
    num = int(m.group(1))
    return pages[n - 1], next(o for o in objects(qdf) if o[2] == num)


def first_font_name(stream):
    m = re.search(rb"(/[A-Za-z0-9_.+-]+) [0-9.]+ Tf", stream)
    return m.group(1) if m else b"/F1"


def sub1(pat, rep):
    return lambda b: re.sub(pat, rep, b, count=1, flags=re.S)


def brk(qdf, kind):
    if kind == "text-outside":
        _, c = page_content(qdf, 1)

        def f(b):
            i = b.index(b"stream\n") + len(b"stream\n")
            font = first_font_name(b)
            return b[:i] + b"BT " + font + b" 11 Tf 72 40 Td <0001> Tj ET\n" + b[i:]
        return edit_obj(qdf, c, f)
    if kind == "bt-cuts-mc":
        _, c = page_content(qdf, 1)
        # the first ET: a sequence opened before it, closed after it
        return edit_obj(qdf, c, sub1(rb"\nET\n", b"\n/Span <</MCID 9999>> BDC\nET\nEMC\n"))
    if kind == "no-mcid":
        _, c = page_content(qdf, 1)

        def f(b):
            m = re.search(rb"\n(\[[^\n]*\] TJ)\n", b)
            return b[:m.start()] + b"\n/Span <</Lang (en)>> BDC " + m.group(1) + b" EMC\n" + b[m.end():]
        return edit_obj(qdf, c, f)
    if kind == "dup-mcid":
        _, c = page_content(qdf, 1)

        def f(b):
            ms = re.findall(rb"/MCID (\d+)", b)
            return re.sub(rb"/MCID " + ms[1] + rb"\b", b"/MCID " + ms[0], b, count=1)
        return edit_obj(qdf, c, f)
    if kind == "figure-no-alt":
        o = find_obj(qdf, rb"/S /Figure\b.*?/Alt|/Alt.*?/S /Figure\b")
        return edit_obj(qdf, o, sub1(rb"/Alt\b", b"/Xlt"))
    if kind == "no-tabs":
        p, _ = page_content(qdf, 1)
        return edit_obj(qdf, p, sub1(rb"/Tabs\b", b"/Tabz"))
    if kind == "no-structparents":
        p, _ = page_content(qdf, 1)
        return edit_obj(qdf, p, sub1(rb"/StructParents\b", b"/StructParentz"))
    if kind == "markinfo-false":
        o = find_obj(qdf, rb"/Type /Catalog")
        return edit_obj(qdf, o, sub1(rb"/Marked true", b"/Marked false"))
    if kind == "no-lang":
        o = find_obj(qdf, rb"/Type /Catalog")
        return edit_obj(qdf, o, sub1(rb"/Lang\b", b"/Lanx"))
    if kind == "bad-lang":
        o = find_obj(qdf, rb"/Type /Catalog")
        return edit_obj(qdf, o, sub1(rb"/Lang (\([^)]*\)|<[^>]*>)", b"/Lang (en_US!)"))
    if kind == "no-displaytitle":
        o = find_obj(qdf, rb"/Type /Catalog")
        return edit_obj(qdf, o, sub1(rb"/DisplayDocTitle true", b"/DisplayDocTitle false"))
    if kind == "xmp-no-pdfuaid":
        o = find_obj(qdf, rb"<pdfuaid:part>1<")
        return edit_obj(qdf, o, sub1(rb"<pdfuaid:part>1<", b"<pdfuaid:part>2<"))
    if kind == "xmp-title":
        o = find_obj(qdf, rb"<dc:title>")
        return edit_obj(qdf, o, sub1(rb"(<dc:title><rdf:Alt><rdf:li[^>]*>)", rb"\1X"))
    if kind == "bad-type":
        o = find_obj(qdf, rb"/S /P\b")
        return edit_obj(qdf, o, sub1(rb"/S /P\b", b"/S /Para"))
    if kind == "heading-skip":
        o = find_obj(qdf, rb"/S /H2\b")
        if o is not None:
            return edit_obj(qdf, o, sub1(rb"/S /H2\b", b"/S /H4"))
        o = find_obj(qdf, rb"/S /H1\b")
        return edit_obj(qdf, o, sub1(rb"/S /H1\b", b"/S /H3"))
    if kind == "link-no-contents":
        o = find_obj(qdf, rb"/Subtype /Link\b.*?/Contents|/Contents.*?/Subtype /Link\b")
        return edit_obj(qdf, o, sub1(rb"/Contents\b", b"/Contentz"))
    if kind == "widget-no-tu":
        o = find_obj(qdf, rb"/Subtype /Widget\b.*?/TU|/TU.*?/Subtype /Widget\b")
        return edit_obj(qdf, o, sub1(rb"/TU\b", b"/TX"))
    if kind == "annot-no-structparent":
        o = find_obj(qdf, rb"/Subtype /Link\b.*?/StructParent\b|/StructParent\b.*?/Subtype /Link\b")
        return edit_obj(qdf, o, sub1(rb"/StructParent\b", b"/StructParenx"))
    if kind == "wrong-parent-tree":
        # the ParentTree's first array: drop its last entry
        o = find_obj(qdf, rb"/Nums")
        body = qdf[o[0]:o[1]]
        m = re.search(rb"/Nums \[\s*\d+\s+(\d+) 0 R", body)
        if m:  # the arrays are objects of their own
            arr = next(x for x in objects(qdf) if x[2] == int(m.group(1)))
            return edit_obj(qdf, arr, sub1(rb"\s*\d+ 0 R\s*\]", b"\n]"))
        return edit_obj(qdf, o, sub1(rb"(/Nums \[\s*\d+\s+\[[^\]]*?)\s*\d+ 0 R\s*\]", rb"\1 ]"))
    if kind == "bad-p":
        o = find_obj(qdf, rb"/S /P\b.*?/P \d+ 0 R|/P \d+ 0 R.*?/S /P\b", 1) \
            or find_obj(qdf, rb"/S /P\b.*?/P \d+ 0 R|/P \d+ 0 R.*?/S /P\b")
        return edit_obj(qdf, o, sub1(rb"/P \d+ 0 R", b"/P %d 0 R" % o[2]))
    if kind == "orphan-elem":
        # the Document's last element kid dropped from its /K
        o = find_obj(qdf, rb"/S /Document\b")
        return edit_obj(qdf, o, sub1(rb"(/K \[.*?)\s*\d+ 0 R(\s*\])", rb"\1\2"))
    if kind == "li-kid":
        o = find_obj(qdf, rb"/S /LBody\b")
        return edit_obj(qdf, o, sub1(rb"/S /LBody\b", b"/S /P"))
    if kind == "no-tounicode":
        o = find_obj(qdf, rb"/Subtype /Type0\b")
        return edit_obj(qdf, o, sub1(rb"/ToUnicode\b", b"/ToUnicodx"))
    if kind == "no-fontfile":
        o = find_obj(qdf, rb"/FontFile2?\b.*?/Type /FontDescriptor|/Type /FontDescriptor.*?/FontFile")
        return edit_obj(qdf, o, sub1(rb"/FontFile(2|3)?\b", b"/FontFilx"))
    if kind == "swap-kids":
        o = find_obj(qdf, rb"/S /Document\b")

        def f(b):
            m = re.search(rb"/K \[(.*?)\]", b, re.S)
            refs = list(re.finditer(rb"\d+ 0 R", m.group(1)))
            a, z = refs[0], refs[-1]
            k = m.group(1)
            k = k[:a.start()] + z.group(0) + k[a.end():z.start()] + a.group(0) + k[z.end():]
            return b[:m.start(1)] + k + b[m.end(1):]
        return edit_obj(qdf, o, f)
    if kind == "title-not-heading":
        o = find_obj(qdf, rb"/S /H1\b")
        return edit_obj(qdf, o, sub1(rb"/S /H1\b", b"/S /P"))
    if kind == "old-version":
        return re.sub(rb"^%PDF-1\.\d", b"%PDF-1.4", qdf, count=1)
    raise KeyError(kind)


def main(argv):
    if argv[1:] == ["--kinds"]:
        for k, (check, what) in KINDS.items():
            print(k, check)
        return 0
    if len(argv) != 4 or argv[3] not in KINDS:
        print(__doc__, file=sys.stderr)
        return 2
    src, dst, kind = argv[1:]
    with tempfile.TemporaryDirectory() as t:
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", src, t + "/q.pdf"],
                       check=False)
        qdf = open(t + "/q.pdf", "rb").read()
        try:
            qdf = brk(qdf, kind)
        except (LookupError, AttributeError, TypeError, IndexError, StopIteration):
            print("nothing to break for %s in %s" % (kind, src), file=sys.stderr)
            return 3
        open(t + "/b.pdf", "wb").write(qdf)
        r = subprocess.run(["fix-qdf", t + "/b.pdf"], stdout=open(dst, "wb"))
        if r.returncode != 0:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
