#!/usr/bin/env python3
"""check_docx_a11y.py - accessibility checks of mentorconv's DOCX output.

  check_docx_a11y.py WHAT DOCX MODEL.json [DOCX MODEL.json...]

Each DOCX is checked against the JSON dump of the same input (mentorconv
-t json), WHAT being one of:

  images    every picture (wp:docPr, and pic:cNvPr alike) has a non-empty
            descr, or is marked decorative; a picture of the model's is
            described by its alt text (else its title, else its caption)
            and titled by its title; the pictures come in the model's order
  tables    the first row of every data table (Table Grid) repeats as a
            header row (w:tblHeader in its w:trPr) when, and only when,
            the model's first row is a header row (or all header cells)
  core      docProps/core.xml has a non-empty dc:title (the model's title
            when it has one) and dc:language (the model's language), and
            styles.xml's docDefaults carry the language
  headings  the paragraphs with an outline level (a Heading N style, or
            w:outlineLvl) are the model's headings, level for level, after
            a one-page document's Title at level 1, and never skip a level
            but where the model does (those files are named in the summary)
  fields    every content control has a non-empty w:alias (its title, which
            screen readers announce) and w:tag; every legacy form field
            (FORMTEXT, FORMCHECKBOX) a w:name, w:helpText and w:statusText

Prints one line per problem and exits 1 if there is any; prints a summary
line and exits 0 otherwise.
"""
import json
import sys
import xml.etree.ElementTree as ET
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
DC = "http://purl.org/dc/elements/1.1/"
ADEC = "http://schemas.microsoft.com/office/drawing/2017/decorative"


def q(tag, ns=W):
    return "{%s}%s" % (ns, tag)


def wval(el, tag):
    k = el.find(q(tag)) if el is not None else None
    return k.get(q("val")) if k is not None else None


def model(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def nodes(doc):
    """The model's nodes in document order (pre-order); a node inside a
    link gets the link's URL as "_link"."""
    out = []

    def walk(kids, link):
        for k in kids:
            if link:
                k["_link"] = link
            out.append(k)
            walk(k.get("children", []),
                 k.get("url") if k["type"] == "link" and k.get("url")
                 else link)
    walk(doc["body"], None)
    return out


def plain(n):
    if n.get("type") in ("text", "code"):
        return n.get("text", "")
    if n.get("type") in ("softbreak", "linebreak"):
        return " "
    return "".join(plain(k) for k in n.get("children", []))


def xml(z, part):
    return ET.fromstring(z.read(part))


# ---- images ----

def expected_descr(n):
    """alt, else title, else caption, else where the image links to."""
    if n.get("alt"):
        return n["alt"]
    if n.get("title"):
        return n["title"]
    for k in n.get("children", []):
        if k.get("type") == "caption" and plain(k).strip():
            return plain(k)
    return n.get("href") or n.get("_link") or ""


def images(f, doc):
    bad = []
    root = xml(zipfile.ZipFile(f), "word/document.xml")
    want = [n for n in nodes(doc) if n["type"] in ("image", "figure")
            and n.get("path")]
    k = 0
    npic = 0
    for inline in root.iter(q("inline", WP)):
        npic += 1
        dp = inline.find(q("docPr", WP))
        descr = dp.get("descr", "")
        deco = any(e.get("val") in ("1", "true")
                   for e in dp.iter(q("decorative", ADEC)))
        cnv = inline.find(".//%s" % q("cNvPr", PIC))
        if cnv is None or cnv.get("descr", "") != descr:
            bad.append("%s: picture %s: pic:cNvPr descr differs from "
                       "wp:docPr's" % (f, dp.get("id")))
        if not descr.strip() and not deco:
            bad.append("%s: picture %s (%s) has no description and is not "
                       "marked decorative" % (f, dp.get("id"),
                                              dp.get("name")))
        if descr.startswith("QR code for "):
            continue
        # the next model image it can be (unreadable ones are left out)
        j = k
        while j < len(want) and expected_descr(want[j]) != descr:
            j += 1
        if j == len(want):
            bad.append("%s: picture %s: descr %r is no image's alt text "
                       "(next expected %r)" % (
                           f, dp.get("id"), descr,
                           expected_descr(want[k]) if k < len(want)
                           else None))
            continue
        if not descr and not deco:
            bad.append("%s: picture %s: an image without alt text, title "
                       "or caption is not marked decorative" %
                       (f, dp.get("id")))
        title = want[j].get("title")
        if title and dp.get("title") != title:
            bad.append("%s: picture %s: title %r, the model's %r" % (
                f, dp.get("id"), dp.get("title"), title))
        k = j + 1
    return bad, npic


# ---- tables ----

def header_row(row):
    cells = [c for c in row.get("children", [])
             if c.get("type") == "table_cell"]
    return bool(row.get("header")) or (
        bool(cells) and all(c.get("header") for c in cells))


def tables(f, doc):
    bad = []
    root = xml(zipfile.ZipFile(f), "word/document.xml")
    got = [t for t in root.iter(q("tbl"))
           if wval(t.find(q("tblPr")), "tblStyle") == "TableGrid"]
    want = [n for n in nodes(doc) if n["type"] == "table"
            and n.get("children")]
    if len(got) != len(want):
        bad.append("%s: %d data tables, the model has %d" %
                   (f, len(got), len(want)))
        return bad, 0
    for i, (t, m) in enumerate(zip(got, want)):
        rows = t.findall(q("tr"))
        first = rows[0] if rows else None
        hdr = first is not None and \
            first.find("%s/%s" % (q("trPr"), q("tblHeader"))) is not None
        mh = header_row(m["children"][0])
        if hdr != mh:
            bad.append("%s: table %d (line %s): first row %s, the model's "
                       "%s" % (f, i + 1, m.get("line"),
                               "repeats as a header" if hdr
                               else "is not marked a header row (tblHeader)",
                               "is a header row" if mh else "is not"))
    return bad, len(got)


# ---- core properties and language ----

def core(f, doc):
    bad = []
    z = zipfile.ZipFile(f)
    c = xml(z, "docProps/core.xml")
    meta = doc["meta"]
    title = c.find(q("title", DC))
    t = title.text if title is not None and title.text else ""
    if not t.strip():
        bad.append("%s: core.xml has no dc:title" % f)
    elif meta.get("title") and t != meta["title"]:
        bad.append("%s: dc:title %r, the model's title %r" %
                   (f, t, meta["title"]))
    lang = c.find(q("language", DC))
    lv = lang.text if lang is not None and lang.text else ""
    want = meta.get("lang") or "en"
    if lv != want:
        bad.append("%s: dc:language %r, the model's language %r" %
                   (f, lv or None, want))
    s = xml(z, "word/styles.xml")
    dl = s.find("%s/%s/%s/%s" % (q("docDefaults"), q("rPrDefault"),
                                 q("rPr"), q("lang")))
    if dl is None or dl.get(q("val")) != want:
        bad.append("%s: styles.xml docDefaults language %r, expected %r" %
                   (f, dl.get(q("val")) if dl is not None else None, want))
    return bad, 1


# ---- headings ----

def style_levels(z):
    """styleId -> outline level (0-based) of paragraph styles, basedOn
    followed."""
    s = xml(z, "word/styles.xml")
    own, based = {}, {}
    for st in s.iter(q("style")):
        sid = st.get(q("styleId"))
        lv = wval(st.find(q("pPr")), "outlineLvl")
        if lv is not None:
            own[sid] = int(lv)
        b = wval(st, "basedOn")
        if b:
            based[sid] = b

    def level(sid, seen=()):
        if sid in own:
            return own[sid]
        if sid in based and sid not in seen:
            return level(based[sid], seen + (sid,))
        return None
    return {sid: level(sid) for sid in set(own) | set(based)}


def headings(f, doc):
    bad = []
    z = zipfile.ZipFile(f)
    levels = style_levels(z)
    root = xml(z, "word/document.xml")
    got = []
    for p in root.find(q("body")).iter(q("p")):
        ppr = p.find(q("pPr"))
        st = wval(ppr, "pStyle")
        lv = wval(ppr, "outlineLvl")
        lv = int(lv) if lv is not None else levels.get(st)
        if lv is None or lv > 8:  # 9: body text
            continue
        text = "".join(t.text or "" for t in p.iter(q("t")))
        if st and st.startswith("Heading") and st != "Heading%d" % (lv + 1):
            bad.append("%s: a %s paragraph at outline level %d: %r" %
                       (f, st, lv + 1, text[:50]))
        got.append(lv + 1)
    meta = doc["meta"]
    want = [n.get("level") for n in nodes(doc) if n["type"] == "heading"]
    if meta.get("kind", "page") == "page" and meta.get("title"):
        want = [1] + want
    if got != want:
        bad.append("%s: outline levels %s, the model's headings %s" %
                   (f, got[:24], want[:24]))
    prev = 0
    for lv in got:
        if lv > prev + 1:
            # the DOCX may not skip a level; one the model skips already
            # (a page without a title that starts at ##) is the front
            # end's to mend, and only counted
            if got == want:
                SKIPS_IN_MODEL.append(f)
            else:
                bad.append("%s: heading level %d after %d (skips a level)"
                           % (f, lv, prev))
            break
        prev = lv
    return bad, len(got)


SKIPS_IN_MODEL = []


# ---- answer fields ----

def fields(f, doc):
    bad = []
    root = xml(zipfile.ZipFile(f), "word/document.xml")
    n = 0
    for sdt in root.iter(q("sdt")):
        pr = sdt.find(q("sdtPr"))
        n += 1
        alias, tag = wval(pr, "alias"), wval(pr, "tag")
        if not (alias or "").strip() or not (tag or "").strip():
            bad.append("%s: content control %s: alias %r, tag %r" %
                       (f, wval(pr, "id"), alias, tag))
    for ff in root.iter(q("ffData")):
        n += 1
        name = wval(ff, "name")
        miss = [k for k in ("helpText", "statusText")
                if not (wval(ff, k) or "").strip()]
        if not (name or "").strip():
            miss.insert(0, "name")
        if miss:
            bad.append("%s: form field %r has no %s" %
                       (f, name, ", ".join(miss)))
    return bad, n


CHECKS = {"images": images, "tables": tables, "core": core,
          "headings": headings, "fields": fields}


def main(argv):
    if len(argv) < 4 or argv[1] not in CHECKS or len(argv) % 2:
        print(__doc__)
        return 2
    fn = CHECKS[argv[1]]
    bad, total, files = [], 0, 0
    for f, m in zip(argv[2::2], argv[3::2]):
        b, n = fn(f, model(m))
        bad += b
        total += n
        files += 1
    for line in bad:
        print(line)
    if bad:
        print("%d problems in %d files" % (len(bad), files))
        return 1
    note = ""
    if SKIPS_IN_MODEL:
        note = "; %d whose model skips a level: %s" % (
            len(SKIPS_IN_MODEL),
            ", ".join(x.rsplit("/", 1)[-1] for x in SKIPS_IN_MODEL))
    print("%d %s in %d files%s" % (total, argv[1], files, note))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
