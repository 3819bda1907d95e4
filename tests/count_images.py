#!/usr/bin/env python3
"""count_images.py - how many image placements each output format holds.

  count_images.py model MODEL.json IN.md
                                       images the model places that a PDF
                                       can show: MC_IMAGE and MC_FIGURE
                                       nodes with a local path to a PNG or
                                       JPEG file (printed: the count); the
                                       model's "<root>/" is the site root
                                       of IN.md (the nearest folder at or
                                       above it holding _config.yml)
  count_images.py where MODEL.json IN.md
                                       the same, one line each: where it
                                       is (its parents) and its file
  count_images.py pdf X.pdf            `pdfimages -list` rows of type image
  count_images.py epub X.epub          <img> elements in its XHTML
  count_images.py docx X.docx          <w:drawing> elements in its body
                                       (less the QR codes of embed cards);
                                       exits 1 if python-docx cannot open
                                       it or an inline picture has no descr

Counts are printed alone on a line, for the test group to compare.
"""
import json
import os
import re
import subprocess
import sys
import zipfile


def usable(path):
    """A local PNG or JPEG file (what every format can embed)."""
    if not path:
        return False
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return False
    return head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")


def site_root(md):
    """The front end's site root of an input: the nearest folder at or
    above it holding _config.yml, else its own folder."""
    d = os.path.dirname(os.path.abspath(md))
    start = d
    while True:
        if os.path.isfile(os.path.join(d, "_config.yml")):
            return d
        up = os.path.dirname(d)
        if up == d:
            return start
        d = up


def model_images(model, root):
    out = []

    def walk(n, up):
        if isinstance(n, list):
            for x in n:
                walk(x, up)
            return
        if not isinstance(n, dict):
            return
        t = n.get("type")
        path = n.get("path")
        if path and path.startswith("<root>/"):
            path = os.path.join(root, path[len("<root>/"):])
        if t in ("image", "figure") and usable(path):
            out.append(("/".join(up[-3:] + [t]), path))
        walk(n.get("children") or [], up + [t])

    walk(model.get("body") or [], [])
    return out


def pdf_images(path):
    r = subprocess.run(["pdfimages", "-list", path], capture_output=True,
                       text=True, check=True)
    rows = r.stdout.splitlines()[2:]
    return sum(1 for row in rows if len(row.split()) > 2 and row.split()[2] == "image")


def epub_images(path):
    n = 0
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xhtml", ".html")) and not name.endswith("nav.xhtml"):
                n += len(re.findall(rb"<img\b", z.read(name)))
    return n


def docx_images(path):
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml")
    n = len(re.findall(rb"<w:drawing>", body))
    # an embed's card (a video) carries a QR code of its link: a picture
    # of the output's own, not one of the page's
    qr = len(re.findall(rb'<wp:docPr\b[^>]*\bdescr="QR code for ', body))
    problems = []
    for m in re.finditer(rb"<wp:docPr\b[^>]*>", body):
        tag = m.group(0)
        if b"descr=" not in tag:
            problems.append("a picture without descr: %s" % tag[:80])
    if n != len(re.findall(rb"<wp:inline\b", body)):
        problems.append("%d drawings, not all inline" % n)
    try:
        import docx  # python-docx
        doc = docx.Document(path)
        # (its inline_shapes skips pictures inside hyperlinks: count the
        # inline pictures of the tree it read, with their image parts)
        inl = doc.element.body.xpath(".//w:drawing/wp:inline")
        for i in inl:
            for rid in i.xpath(".//a:blip/@r:embed"):
                part = doc.part.related_parts.get(rid)
                if part is None or not part.blob:
                    problems.append("a picture's image part %s is missing" % rid)
        if len(inl) != n:
            problems.append("python-docx reads %d inline pictures, the XML has %d drawings" % (len(inl), n))
    except ImportError:
        pass
    except Exception as e:  # a file Word would refuse
        problems.append("python-docx cannot open it: %s" % e)
    return n - qr, problems


def main(argv):
    if len(argv) != (4 if argv[1:2] in (["model"], ["where"]) else 3):
        print(__doc__, file=sys.stderr)
        return 2
    what, path = argv[1], argv[2]
    if what in ("model", "where"):
        imgs = model_images(json.load(open(path, encoding="utf-8")),
                            site_root(argv[3]))
        if what == "where":
            for w, p in imgs:
                print(w, p)
        else:
            print(len(imgs))
    elif what == "pdf":
        print(pdf_images(path))
    elif what == "epub":
        print(epub_images(path))
    elif what == "docx":
        n, problems = docx_images(path)
        print(n)
        for p in problems:
            print(p)
        return 1 if problems else 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
