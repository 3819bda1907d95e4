#!/usr/bin/env python3
"""check_docx.py - content checks of mentorconv's DOCX output.

  check_docx.py parts FILE.docx...      every XML part well-formed, the
                                        required parts present, no raw
                                        markup in the text outside code
  check_docx.py parts --xml-only F...   the same without the markup check
                                        (fixtures show markup on purpose)
  check_docx.py order FILE.docx...      children of pPr, rPr, sdtPr, tblPr,
                                        tcPr, sectPr, style, lvl, settings...
                                        in ECMA-376 order
  check_docx.py pydocx FILE.docx...     python-docx opens each file
  check_docx.py answers FILE.docx N     exactly N answer content controls,
                                        each right after a Prompt paragraph
  check_docx.py core FILE.docx DATE     docProps/core.xml created/modified
  check_docx.py odt FILE.odt N [checkboxes]
                                        LibreOffice's ODT has >= N fields
                                        (or checkbox content controls)
  check_docx.py words AVG MIN MD PDF... the words of each Markdown source in
                                        its PDF's text (pdftotext): average
                                        and per-file minimum coverage in %;
                                        MD may be a folder (its .md files,
                                        a site root: its course's modules)
  check_docx.py toc FILE.docx MIN       a TOC \\o "1-2" \\h \\z \\u field whose
                                        cached result links every Heading 1/2
                                        paragraph, in order (at least MIN),
                                        settings ask for a field update,
                                        Heading 1/2 have outline levels
  check_docx.py breaks FILE.docx N|MODEL.json
                                        exactly N page breaks (or as many as
                                        the JSON dump of the same input has
                                        sections that start a page), each a
                                        pageBreakBefore on a heading, none
                                        before the first body block
  check_docx.py links FILE.docx MODEL.json
                                        every internal link of the JSON dump
                                        whose id exists is a link to a
                                        bookmark (TOC and footnotes aside)
  check_docx.py fields FILE.docx MODEL.json
                                        as many answer and blank content
                                        controls as the JSON dump has answers
                                        and blanks (prints the total)

Prints one line per problem and exits 1 if there is any; prints a summary
line and exits 0 otherwise.
"""
import collections
import html
import re
import subprocess
import sys
import unicodedata
import xml.dom.minidom
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LEAKS = ["{:", "markdown=", "<div", "</", "{{", "target=", "&nbsp;", "{%"]
REQUIRED = ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml",
            "docProps/app.xml", "word/document.xml",
            "word/_rels/document.xml.rels", "word/styles.xml",
            "word/numbering.xml", "word/settings.xml", "word/fontTable.xml",
            "word/header1.xml", "word/footer1.xml"]


def q(tag):
    return "{%s}%s" % (W, tag)


R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def references(f, root, rels, names):
    """Ids Word wants unique, and references that must resolve."""
    bad = 0
    relid = {}
    for r in rels:
        relid[r.get("Id")] = r
        if r.get("TargetMode") != "External":
            if "word/" + r.get("Target") not in names:
                print("%s: relationship %s: no part %s" % (
                    f, r.get("Id"), r.get("Target")))
                bad += 1
    marks = [b.get(q("name")) for b in root.iter(q("bookmarkStart"))]
    for m in set(marks):
        if marks.count(m) > 1:
            print("%s: bookmark %s written %d times" % (f, m, marks.count(m)))
            bad += 1
        if len(m) > 40:
            print("%s: bookmark name %s longer than 40" % (f, m))
            bad += 1
    for h in root.iter(q("hyperlink")):
        a = h.get(q("anchor"))
        rid = h.get("{%s}id" % R)
        if a is not None and a not in marks:
            print("%s: link to a missing bookmark %s" % (f, a))
            bad += 1
        if rid is not None and rid not in relid:
            print("%s: link to a missing relationship %s" % (f, rid))
            bad += 1
        if a is None and rid is None:
            print("%s: hyperlink without a target" % f)
            bad += 1
    for b in root.iter("{%s}blip" % A):
        rid = b.get("{%s}embed" % R)
        if rid not in relid:
            print("%s: image of a missing relationship %s" % (f, rid))
            bad += 1
    for what, ids in (
            ("content control id", [i.get(q("val")) for p in root.iter(q("sdtPr"))
                                    for i in p.findall(q("id"))]),
            ("drawing id", [d.get("id") for d in root.iter("{%s}docPr" % WP)]),
            ("form field name", [n.get(q("val")) for p in root.iter(q("ffData"))
                                 for n in p.findall(q("name"))])):
        for i in set(ids):
            if ids.count(i) > 1:
                print("%s: %s %s used %d times" % (f, what, i, ids.count(i)))
                bad += 1
    return bad


def parts(files, leaks=True):
    import xml.etree.ElementTree as ET
    bad = 0
    nparts = 0
    for f in files:
        try:
            z = zipfile.ZipFile(f)
        except Exception as e:  # noqa: BLE001
            print("%s: not a zip: %s" % (f, e))
            bad += 1
            continue
        names = z.namelist()
        for r in REQUIRED:
            if r not in names:
                print("%s: missing part %s" % (f, r))
                bad += 1
        if names and names[0] != "[Content_Types].xml":
            print("%s: first entry is %s" % (f, names[0]))
            bad += 1
        try:
            ct = ET.fromstring(z.read("[Content_Types].xml"))
            CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
            dflt = {e.get("Extension").lower() for e in ct.iter(CT + "Default")}
            over = {e.get("PartName") for e in ct.iter(CT + "Override")}
            for n in names:
                if n == "[Content_Types].xml":
                    continue
                if "/" + n not in over and n.rsplit(".", 1)[-1].lower() not in dflt:
                    print("%s: part %s has no content type" % (f, n))
                    bad += 1
            for o in over:
                if o[1:] not in names:
                    print("%s: content type for a missing part %s" % (f, o))
                    bad += 1
        except Exception as e:  # noqa: BLE001
            print("%s: [Content_Types].xml: %s" % (f, e))
            bad += 1
        for n in names:
            if not (n.endswith(".xml") or n.endswith(".rels")):
                continue
            nparts += 1
            try:
                xml.dom.minidom.parseString(z.read(n))
            except Exception as e:  # noqa: BLE001
                print("%s: %s not well-formed: %s" % (f, n, e))
                bad += 1
        try:
            root = ET.fromstring(z.read("word/document.xml"))
            rels = ET.fromstring(z.read("word/_rels/document.xml.rels"))
        except Exception:  # noqa: BLE001
            continue
        bad += references(f, root, rels, names)
        if not leaks:
            continue
        for p in root.iter(q("p")):
            st = p.find("%s/%s" % (q("pPr"), q("pStyle")))
            if st is not None and st.get(q("val")) == "Code":
                continue
            text = ""
            for r in p.iter(q("r")):
                rs = r.find("%s/%s" % (q("rPr"), q("rStyle")))
                if rs is not None and rs.get(q("val")) == "VerbatimChar":
                    continue
                text += "".join(t.text or "" for t in r.iter(q("t")))
            for leak in LEAKS:
                if leak in text:
                    print("%s: raw markup %r in: %s" % (f, leak, text[:120]))
                    bad += 1
    if bad:
        return 1
    print("%d files, %d XML parts well-formed, content types and "
          "references complete%s" % (len(files), nparts,
                                     ", no markup leaked" if leaks else ""))
    return 0


# Child order that ECMA-376 Part 1 prescribes (xsd:sequence) for the
# containers the backend writes; Word refuses a part that breaks it.
ORDER = {
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr",
            "widowControl", "numPr", "suppressLineNumbers", "pBdr", "shd",
            "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
            "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
            "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
            "textDirection", "textAlignment", "textboxTightWrap",
            "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"],
    "rPr": ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps",
            "strike", "dstrike", "outline", "shadow", "emboss", "imprint",
            "noProof", "snapToGrid", "vanish", "webHidden", "color",
            "spacing", "w", "kern", "position", "sz", "szCs", "highlight",
            "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
            "em", "lang", "eastAsianLayout", "specVanish", "oMath"],
    "sdtPr": ["rPr", "alias", "tag", "id", "lock", "placeholder",
              "temporary", "showingPlcHdr", "dataBinding", "label",
              "tabIndex", "*"],
    "sectPr": ["headerReference", "footerReference", "footnotePr",
               "endnotePr", "type", "pgSz", "pgMar", "paperSrc", "pgBorders",
               "lnNumType", "pgNumType", "cols", "formProt", "vAlign",
               "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter",
               "docGrid", "printerSettings", "sectPrChange"],
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual",
              "tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc",
              "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout",
              "tblCellMar", "tblLook"],
    "tcPr": ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders",
             "shd", "noWrap", "tcMar", "textDirection", "tcFitText",
             "vAlign", "hideMark"],
    "tbl": ["tblPr", "tblGrid", "tr"],
    "ffData": ["name", "label", "tabIndex", "enabled", "calcOnExit",
               "entryMacro", "exitMacro", "helpText", "statusText",
               "checkBox", "ddList", "textInput"],
    "tc": ["tcPr", "*"],
    "pBdr": ["top", "left", "bottom", "right", "between", "bar"],
    "tblBorders": ["top", "left", "bottom", "right", "insideH", "insideV"],
    "style": ["name", "aliases", "basedOn", "next", "link", "autoRedefine",
              "hidden", "uiPriority", "semiHidden", "unhideWhenUsed",
              "qFormat", "locked", "personal", "personalCompose",
              "personalReply", "rsid", "pPr", "rPr", "tblPr", "trPr", "tcPr",
              "tblStylePr"],
    "lvl": ["start", "numFmt", "lvlRestart", "pStyle", "isLgl", "suff",
            "lvlText", "lvlPicBulletId", "legacy", "lvlJc", "pPr", "rPr"],
    "numbering": ["numPicBullet", "abstractNum", "num", "numIdMacAtCleanup"],
    "settings": ["writeProtection", "view", "zoom", "removePersonalInformation",
                 "removeDateAndTime", "doNotDisplayPageBoundaries",
                 "displayBackgroundShape", "printPostScriptOverText",
                 "printFractionalCharacterWidth", "printFormsData",
                 "embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts",
                 "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
                 "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter",
                 "gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors",
                 "activeWritingStyle", "proofState", "formsDesign",
                 "attachedTemplate", "linkStyles", "stylePaneFormatFilter",
                 "stylePaneSortMethod", "documentType", "mailMerge",
                 "revisionView", "trackRevisions", "doNotTrackMoves",
                 "doNotTrackFormatting", "documentProtection",
                 "autoFormatOverride", "styleLockTheme", "styleLockQFSet",
                 "defaultTabStop", "autoHyphenation",
                 "consecutiveHyphenLimit", "hyphenationZone",
                 "doNotHyphenateCaps", "showEnvelope", "summaryLength",
                 "clickAndTypeStyle", "defaultTableStyle", "evenAndOddHeaders",
                 "bookFoldRevPrinting", "bookFoldPrinting",
                 "bookFoldPrintingSheets", "drawingGridHorizontalSpacing",
                 "drawingGridVerticalSpacing",
                 "displayHorizontalDrawingGridEvery",
                 "displayVerticalDrawingGridEvery",
                 "doNotUseMarginsForDrawingGridOrigin",
                 "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin",
                 "doNotShadeFormData", "noPunctuationKerning",
                 "characterSpacingControl", "updateFields", "compat", "*"],
}


def order(files):
    import xml.etree.ElementTree as ET
    bad = 0
    n = 0
    for f in files:
        z = zipfile.ZipFile(f)
        for part in ("word/document.xml", "word/styles.xml",
                     "word/numbering.xml", "word/settings.xml",
                     "word/header1.xml", "word/footer1.xml"):
            root = ET.fromstring(z.read(part))
            for el in root.iter():
                if not el.tag.startswith("{%s}" % W):
                    continue
                seq = ORDER.get(el.tag.split("}")[1])
                if not seq:
                    continue
                n += 1
                last = -1
                for k in el:
                    name = k.tag.split("}")[1] if k.tag.startswith(
                        "{%s}" % W) else "*"
                    pos = seq.index(name) if name in seq else (
                        seq.index("*") if "*" in seq else -2)
                    if pos == -2 or pos < last:
                        print("%s: %s: <w:%s> child <%s> %s" % (
                            f, part, el.tag.split("}")[1], name,
                            "not allowed" if pos == -2 else "out of order"))
                        bad += 1
                        break
                    last = pos
    if bad:
        return 1
    print("%d containers in schema order" % n)
    return 0


def pydocx(files):
    import docx  # noqa: F401  (python3-docx)
    bad = 0
    for f in files:
        try:
            d = docx.Document(f)
            _ = [p.text for p in d.paragraphs]
            _ = [s.name for s in d.styles]
        except Exception as e:  # noqa: BLE001
            print("%s: python-docx: %s" % (f, e))
            bad += 1
    if bad:
        return 1
    print("python-docx opened %d files" % len(files))
    return 0


def answers(f, n):
    import xml.etree.ElementTree as ET
    root = ET.fromstring(zipfile.ZipFile(f).read("word/document.xml"))
    body = root.find(q("body"))
    found = 0
    bad = 0

    def walk(parent):
        nonlocal found, bad
        kids = list(parent)
        for i, el in enumerate(kids):
            if el.tag == q("sdt"):
                pr = el.find(q("sdtPr"))
                tag = pr.find(q("tag")) if pr is not None else None
                txt = pr.find(q("text")) if pr is not None else None
                # "worksheet-slug/answer-3" (or "answer-3")
                if tag is not None and tag.get(q("val"), "").rsplit(
                        "/", 1)[-1].startswith("answer-") and txt is not None:
                    found += 1
                    if txt.get(q("multiLine")) != "1":
                        print("answer %s is not multi-line" % tag.get(q("val")))
                        bad += 1
                    alias = pr.find(q("alias"))
                    if alias is None or not alias.get(q("val")):
                        print("answer %s has no alias" % tag.get(q("val")))
                        bad += 1
                    prev = kids[i - 1] if i else None
                    st = prev.find("%s/%s" % (q("pPr"), q("pStyle"))) \
                        if prev is not None and prev.tag == q("p") else None
                    if st is None or st.get(q("val")) != "Prompt":
                        print("answer %s does not follow a Prompt paragraph"
                              % tag.get(q("val")))
                        bad += 1
            walk(el)

    walk(body)
    if found != n:
        print("%s: %d answer content controls, expected %d" % (f, found, n))
        return 1
    if bad:
        return 1
    print("%d answer content controls, each after its prompt" % found)
    return 0


def core(f, date):
    c = zipfile.ZipFile(f).read("docProps/core.xml").decode()
    bad = 0
    for el in ("dcterms:created", "dcterms:modified"):
        m = re.search(r"<%s[^>]*>([^<]*)</%s>" % (el, el), c)
        if not m or m.group(1) != date:
            print("%s: %s is %s, expected %s" %
                  (f, el, m.group(1) if m else "missing", date))
            bad += 1
    if bad:
        return 1
    print("core.xml dated %s" % date)
    return 0


def odt(f, n, kind="fields"):
    """Fields LibreOffice made of the answers (text inputs, content
    controls, form-field marks), or with kind "checkboxes" its checkbox
    content controls (loext: in LibreOffice 7.4, text: later)."""
    c = zipfile.ZipFile(f).read("content.xml").decode()
    if kind == "checkboxes":
        k = len(re.findall(r"<(?:loext|text):content-control\b[^>]*"
                           r"checkbox=\"true\"", c))
    else:
        k = len(re.findall(
            r"<(?:text:text-input|text:content-control|loext:content-control|"
            r"field:fieldmark-start|field:fieldmark)[\s/>]", c))
    if k < n:
        print("%s: %d %s, expected at least %d" % (f, k, kind, n))
        return 1
    print("LibreOffice sees %d %s" % (k, kind))
    return 0


# ---- words ----

def norm(s):
    return unicodedata.normalize("NFKC", s).lower()


WORD = re.compile(r"[^\W_]+", re.UNICODE)


def source_words(md):
    s = md
    if s.startswith("---"):
        end = re.search(r"^---\s*$", s[3:], re.M)
        if end:
            s = s[3 + end.end():]
    s = re.sub(r"<!--.*?-->", " ", s, flags=re.S)
    s = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", s, flags=re.S | re.I)
    s = re.sub(r"\{%.*?%\}", " ", s, flags=re.S)
    s = re.sub(r"\{\{.*?\}\}", " ", s, flags=re.S)
    s = re.sub(r"\{:[^}]*\}", " ", s)          # IALs
    s = re.sub(r"\{#[^}\s]*\}", " ", s)        # heading ids
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", s)    # images
    s = re.sub(r"\]\((?:<[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\)", "] ", s)  # link URLs
    s = re.sub(r"^\s*\[[^\]]+\]:\s*\S+.*$", " ", s, flags=re.M)   # ref defs
    s = re.sub(r"\[\^[^\]]*\]:?", " ", s)      # footnote labels
    s = re.sub(r"<[A-Za-z/!][^>]*>", " ", s)   # HTML tags
    s = re.sub(r"https?://\S+", " ", s)        # bare URLs
    s = html.unescape(s)
    return WORD.findall(norm(s))


def sources(md):
    """The Markdown files of a source: a file, a folder's .md files, or a
    site root's course modules (_data/course.yml `modules`, in order)."""
    import os
    if not os.path.isdir(md):
        return [md]
    dirs = [md]
    course = os.path.join(md, "_data", "course.yml")
    if os.path.isfile(course):
        m = re.search(r"^modules:\s*\[([^\]]*)\]", open(course).read(), re.M)
        if m:
            dirs = [os.path.join(md, "modules", x.strip().strip("'\""))
                    for x in m.group(1).split(",") if x.strip()]
    out = []
    for d in dirs:
        for base, _, files in sorted(os.walk(d)):
            out += sorted(os.path.join(base, x) for x in files
                          if x.endswith(".md"))
    return out


def words(avg_min, file_min, pairs):
    covs = []
    bad = 0
    for md, pdf in pairs:
        try:
            src = []
            for one in sources(md):
                src += source_words(open(one, encoding="utf-8").read())
            # -layout: without it pdftotext joins "self-" at a line end
            # with the next line's "management" into one word
            txt = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", pdf, "-"],
                                 capture_output=True, check=True).stdout
        except Exception as e:  # noqa: BLE001
            print("%s: %s" % (pdf, e))
            bad += 1
            continue
        out = collections.Counter(WORD.findall(norm(txt.decode("utf-8", "replace"))))
        need = collections.Counter(src)
        total = sum(need.values())
        if not total:
            continue
        got = sum(min(c, out[w]) for w, c in need.items())
        cov = 100.0 * got / total
        covs.append((cov, md))
        if cov < file_min:
            missing = [w for w, c in need.items() if out[w] < c][:15]
            print("%s: %.1f%% of its words in the PDF (< %g%%); missing "
                  "e.g. %s" % (md, cov, file_min, " ".join(missing)))
            bad += 1
    if not covs:
        print("no files measured")
        return 1
    avg = sum(c for c, _ in covs) / len(covs)
    lo = min(covs)
    if avg < avg_min:
        print("average coverage %.2f%% < %g%%" % (avg, avg_min))
        bad += 1
    if bad:
        return 1
    print("word coverage: %d files, average %.2f%%, minimum %.2f%% (%s)" %
          (len(covs), avg, lo[0], lo[1]))
    return 0


# ---- documents of several inputs ----

TOC_INSTR = re.compile(r'^\s*TOC \\o "1-2" \\h \\z \\u\s*$')


def pstyle(p):
    st = p.find("%s/%s" % (q("pPr"), q("pStyle")))
    return st.get(q("val")) if st is not None else None


def ptext(p):
    return "".join(t.text or "" for t in p.iter(q("t")))


def toc(f, nmin):
    import xml.etree.ElementTree as ET
    z = zipfile.ZipFile(f)
    root = ET.fromstring(z.read("word/document.xml"))
    body = root.find(q("body"))
    paras = [p for p in body.iter(q("p"))]
    bad = 0
    # the field: from the paragraph of its instruction to its end
    start = None
    for i, p in enumerate(paras):
        if any(TOC_INSTR.match(t.text or "") for t in p.iter(q("instrText"))):
            if start is not None:
                print("%s: more than one TOC field" % f)
                bad += 1
            start = i
    if start is None:
        print("%s: no TOC \\o \"1-2\" \\h \\z \\u field" % f)
        return 1
    depth = 0
    seen = []
    end = None
    for i in range(start, len(paras)):
        for el in paras[i].iter():
            if el.tag == q("fldChar"):
                t = el.get(q("fldCharType"))
                seen.append(t)
                depth += 1 if t == "begin" else -1 if t == "end" else 0
                if depth == 0:
                    end = i
                    break
        if end is not None:
            break
    if end is None or seen[:2] != ["begin", "separate"]:
        print("%s: the TOC field is not begin/separate/.../end: %s" %
              (f, " ".join(seen[:8])))
        return 1
    entries = []
    for p in paras[start:end + 1]:
        for h in p.iter(q("hyperlink")):
            entries.append((h.get(q("anchor")),
                            "".join(t.text or "" for t in h.iter(q("t")))))
    # the headings Word would list: Heading 1/2 paragraphs after the field
    heads = []
    for p in paras[end + 1:]:
        if pstyle(p) in ("Heading1", "Heading2"):
            names = [b.get(q("name")) for b in p.iter(q("bookmarkStart"))]
            heads.append((names, ptext(p)))
    if len(entries) != len(heads):
        print("%s: the TOC lists %d entries, the document has %d level-1/2 "
              "headings" % (f, len(entries), len(heads)))
        bad += 1
    for (anchor, text), (names, htext) in zip(entries, heads):
        if anchor not in names:
            print("%s: TOC entry %r links %s, not its heading %r (%s)" %
                  (f, text, anchor, htext, " ".join(names)))
            bad += 1
            break
        if not text.startswith(htext):
            print("%s: TOC entry %r for heading %r" % (f, text, htext))
            bad += 1
            break
    if len(entries) < nmin:
        print("%s: %d TOC entries, expected at least %d" %
              (f, len(entries), nmin))
        bad += 1
    settings = z.read("word/settings.xml").decode()
    if not re.search(r'<w:updateFields w:val="(true|1)"/>', settings):
        print("%s: settings.xml does not ask for a field update" % f)
        bad += 1
    styles = ET.fromstring(z.read("word/styles.xml"))
    for st in styles.iter(q("style")):
        sid = st.get(q("styleId"))
        if sid in ("Heading1", "Heading2"):
            ol = st.find("%s/%s" % (q("pPr"), q("outlineLvl")))
            if ol is None or ol.get(q("val")) != str(int(sid[-1]) - 1):
                print("%s: style %s has no outline level %d" %
                      (f, sid, int(sid[-1]) - 1))
                bad += 1
    if bad:
        return 1
    print("TOC field with %d entries, each linking its heading" % len(entries))
    return 0


def model_nodes(path):
    """Every node of a JSON dump (mentorconv -o X.json), with its parent
    and previous sibling."""
    import json
    out = []

    def walk(kids, parent):
        prev = None
        for k in kids:
            out.append((k, parent, prev))
            walk(k.get("children", []), k)
            prev = k
    walk(json.load(open(path, encoding="utf-8"))["body"], None)
    return out


def model_breaks(path):
    """Sections that start a page: all but the document's first block and
    a part's first chapter right after the part's title."""
    n = 0
    for k, parent, prev in model_nodes(path):
        if k["type"] != "section" or prev is None:
            continue
        if parent is not None and parent["type"] == "section" and \
                prev is parent["children"][0] and prev["type"] == "heading":
            continue
        n += 1
    return n


def links(f, model):
    import xml.etree.ElementTree as ET
    root = ET.fromstring(zipfile.ZipFile(f).read("word/document.xml"))
    marks = {b.get(q("name")) for b in root.iter(q("bookmarkStart"))}
    got = 0
    for p in root.iter(q("p")):
        if pstyle(p) in ("TOC1", "TOC2"):
            continue
        for h in p.iter(q("hyperlink")):
            a = h.get(q("anchor"))
            if a and not a.startswith("fn_") and a in marks:
                got += 1
    nodes = model_nodes(model)
    ids = {n.get("id") for n, _, _ in nodes if n.get("id")}
    want = sum(1 for n, _, _ in nodes if n["type"] == "link" and
               n.get("url", "").startswith("#") and n["url"][1:] in ids)
    if got != want:
        print("%s: %d links to bookmarks, the model has %d internal links"
              % (f, got, want))
        return 1
    print("%d internal links, each to a bookmark" % got)
    return 0


def fields(f, model):
    import xml.etree.ElementTree as ET
    root = ET.fromstring(zipfile.ZipFile(f).read("word/document.xml"))
    # tags are "worksheet-slug/answer-3", "worksheet-slug/name", "blank-2"...
    tags = [t.get(q("val"), "").rsplit("/", 1)[-1]
            for p in root.iter(q("sdtPr")) for t in p.findall(q("tag"))]
    tags = ["blank-" if t in ("name", "date") else t for t in tags]
    got = {k: sum(1 for t in tags if t.startswith(k + "-"))
           for k in ("answer", "blank")}
    nodes = model_nodes(model)
    want = {k: sum(1 for n, _, _ in nodes if n["type"] == k)
            for k in ("answer", "blank")}
    if got != want or not sum(want.values()):
        print("%s: content controls %s, the model has %s" % (f, got, want))
        return 1
    print("%d" % (want["answer"] + want["blank"]))
    return 0


def breaks(f, n):
    import xml.etree.ElementTree as ET
    root = ET.fromstring(zipfile.ZipFile(f).read("word/document.xml"))
    body = root.find(q("body"))
    bad = 0
    nbr = 0
    first = True  # before the first body block (title, TOC)
    for p in body.iter(q("p")):
        st = pstyle(p)
        brk = p.find("%s/%s" % (q("pPr"), q("pageBreakBefore"))) is not None
        for br in p.iter(q("br")):
            if br.get(q("type")) == "page":
                print("%s: a w:br page break (sections use pageBreakBefore)"
                      % f)
                bad += 1
        if brk:
            nbr += 1
            if not (st or "").startswith("Heading"):
                print("%s: page break before a %s paragraph %r" %
                      (f, st, ptext(p)[:60]))
                bad += 1
            if first:
                print("%s: page break before the first body block %r" %
                      (f, ptext(p)[:60]))
                bad += 1
        if st not in ("Title", "Subtitle", "TOC1", "TOC2") and \
                not (st is None and p.find(q("r")) is not None and
                     p.find("%s/%s" % (q("r"), q("fldChar"))) is not None):
            first = False
    if nbr != n:
        print("%s: %d page breaks, expected %d" % (f, nbr, n))
        bad += 1
    if bad:
        return 1
    print("%d page breaks, each before a section's heading" % nbr)
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "parts":
        if args and args[0] == "--xml-only":
            return parts(args[1:], leaks=False)
        return parts(args)
    if cmd == "order":
        return order(args)
    if cmd == "pydocx":
        return pydocx(args)
    if cmd == "answers":
        return answers(args[0], int(args[1]))
    if cmd == "core":
        return core(args[0], args[1])
    if cmd == "odt":
        return odt(args[0], int(args[1]), *args[2:3])
    if cmd == "toc":
        return toc(args[0], int(args[1]))
    if cmd == "breaks":
        n = args[1]
        return breaks(args[0], int(n) if n.isdigit() else model_breaks(n))
    if cmd == "links":
        return links(args[0], args[1])
    if cmd == "fields":
        return fields(args[0], args[1])
    if cmd == "words":
        rest = args[2:]
        return words(float(args[0]), float(args[1]),
                     list(zip(rest[0::2], rest[1::2])))
    print("unknown command %s" % cmd)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
