#!/usr/bin/env python3
"""check_hostile.py FORMAT FILE [--no-unsafe-urls] [--no-passwd]

Checks one output of tests/group_hostile.sh: that it is a valid document
of FORMAT (json: parses, has a body; pdf: %PDF- header, %%EOF trailer,
`qpdf --check` when installed; epub/docx: a sound zip whose XML parts all
parse, EPUB's mimetype first), and optionally
  --no-unsafe-urls  no javascript:/vbscript:/data: URL is a live target:
                    EPUB href/src attributes, DOCX relationship targets
                    and HYPERLINK fields, PDF /URI actions (and no
                    /JavaScript, /JS or /Launch action at all), JSON link
                    targets and image paths;
  --no-passwd       no line of /etc/passwd appears in the bytes, the zip
                    members or the inflated PDF streams.
Prints one line per problem; exits 1 if any, else 0."""
import json
import re
import shutil
import subprocess
import sys
import zipfile
import zlib
import xml.etree.ElementTree as ET

sys.setrecursionlimit(20000)  # the model nests up to ~900 levels
fmt, path = sys.argv[1], sys.argv[2]
opts = set(sys.argv[3:])
problems = []
UNSAFE = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.I)
data = open(path, "rb").read()
blobs = [data]  # every byte sequence to search for /etc/passwd


def bad(msg):
    problems.append(msg)


def check_attrs(name, root):
    for el in root.iter():
        for k, v in el.attrib.items():
            local = k.rsplit("}", 1)[-1]
            if local in ("href", "src", "Target", "data", "poster") and UNSAFE.match(v):
                bad("%s: <%s %s=%r> is a live unsafe URL" % (name, el.tag, local, v[:60]))
        if el.tag.endswith("}instrText") and el.text and \
                re.search(r'HYPERLINK\s+"\s*(javascript|vbscript|data):', el.text, re.I):
            bad("%s: HYPERLINK field to an unsafe URL" % name)


if fmt == "json":
    try:
        d = json.loads(data)
        if "body" not in d:
            bad("json: no body")
        def walk(n):
            if isinstance(n, dict):
                for k in ("href", "url", "target"):
                    v = n.get(k)
                    if isinstance(v, str) and UNSAFE.match(v):
                        bad("json: %s %s=%r" % (n.get("type"), k, v[:60]))
                if n.get("type") in ("image", "figure") and n.get("path") is not None \
                        and UNSAFE.match(str(n.get("src", ""))):
                    bad("json: image with an unsafe src has a path")
                for v in n.values():
                    walk(v)
            elif isinstance(n, list):
                for v in n:
                    walk(v)
        if "--no-unsafe-urls" in opts:
            walk(d)
    except ValueError as e:
        bad("json: does not parse: %s" % e)
elif fmt == "pdf":
    if not data.startswith(b"%PDF-"):
        bad("pdf: no %PDF- header")
    if b"%%EOF" not in data[-64:]:
        bad("pdf: no %%EOF at the end")
    m = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data[-128:])
    if not m:
        bad("pdf: no startxref at the end")
    else:
        # a classic table or a cross-reference stream (object streams)
        at = data[int(m.group(1)):int(m.group(1)) + 200]
        if not at.startswith(b"xref") and \
                not re.match(rb"\d+ 0 obj\s*<<[^>]*/Type\s*/XRef\b", at):
            bad("pdf: startxref points at neither an xref table nor an xref stream")
    if shutil.which("qpdf") and len(data) < 2_000_000:  # slow on big files
        r = subprocess.run(["qpdf", "--check", path], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=300)
        if r.returncode not in (0, 3):  # 3: warnings only
            bad("pdf: qpdf --check exit %d: %s" % (r.returncode, r.stdout[-300:]))
    # the objects packed into object streams are only seen inflated:
    # every stream's data, inflated, is searched as the raw bytes are
    for m in re.finditer(rb"stream\r?\n", data):
        try:
            blobs.append(zlib.decompressobj().decompress(data[m.end():m.end() + 50_000_000]))
        except zlib.error:
            pass
    if len(blobs) < 2 and b"/ObjStm" in data:
        bad("pdf: object streams that do not inflate")
    if "--no-unsafe-urls" in opts:
        for blob in blobs:
            for m in re.finditer(rb"/URI\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)", blob):
                s = m.group(1)
                if s.startswith(b"<"):
                    s = bytes.fromhex(re.sub(rb"\s", b"", s[1:-1]).decode())
                else:
                    s = s[1:-1]
                if UNSAFE.match(s.decode("latin-1")):
                    bad("pdf: /URI action to %r" % s[:60])
        for key in (rb"/JavaScript", rb"/JS\s*[(<]", rb"/Launch"):
            if any(re.search(key, blob) for blob in blobs):
                bad("pdf: has a %s action" % key.decode())
elif fmt in ("epub", "docx"):
    try:
        z = zipfile.ZipFile(path)
        if z.testzip() is not None:
            bad("%s: corrupt zip member" % fmt)
        names = z.namelist()
        if fmt == "epub" and (not names or names[0] != "mimetype"):
            bad("epub: mimetype is not the first entry")
        for n in names:
            b = z.read(n)
            blobs.append(b)
            if re.search(r"\.(xml|rels|opf|ncx|xhtml|html)$", n):
                try:
                    root = ET.fromstring(b)
                except ET.ParseError as e:
                    bad("%s: %s is not well-formed: %s" % (fmt, n, e))
                    continue
                if "--no-unsafe-urls" in opts:
                    check_attrs(n, root)
    except zipfile.BadZipFile as e:
        bad("%s: not a zip: %s" % (fmt, e))
else:
    bad("unknown format %s" % fmt)

if "--no-passwd" in opts:
    lines = [l.encode() for l in open("/etc/passwd").read().splitlines() if ":" in l]
    for b in blobs:
        for l in lines:
            if l in b:
                bad("%s: holds a line of /etc/passwd: %r" % (fmt, l[:40]))
                break
for p in problems[:12]:
    print(p)
sys.exit(1 if problems else 0)
