#!/usr/bin/env python3
"""check_pdfua.py - a structural PDF/UA-1 check of a tagged PDF.

  check_pdfua.py PDF [--model MODEL.json] [--quiet]

Checks what a PDF/UA-1 validator (ISO 14289-1, the Matterhorn protocol)
checks of the structure that matters for mentorconv's PDFs, each
requirement a named check printed as `ok NAME (counts)` or
`FAIL NAME: N problems: detail; detail...`; exits 1 if any fails, 2 if the
file cannot be read.  The last line, `counts pages=.. elements=..
mcids=..`, is for the test group's PASS lines.

  catalog      header_version markinfo struct_tree_root lang
               display_doc_title xmp_metadata
  pages        page_tabs page_struct_parents
  content      content_marked (no Tj TJ ' " Do outside marked content,
               BT/ET never cut a marked content sequence, every sequence
               /Artifact or with an MCID), mcid_unique, parent_tree (each
               page's MCIDs are its ParentTree array, each entry the
               element whose /K holds that MCID on that page)
  tree         struct_types struct_parent_links struct_reachable
               heading_levels figure_alt table_structure th_scope
               list_structure
  annotations  annot_struct (Link and Widget annotations: /StructParent,
               ParentTree -> a Link / Form element with an OBJR to it)
               link_contents widget_tu
  fonts        fonts_embedded fonts_tounicode
  text         word_breaks (Tagged PDF, ISO 32000-1 14.8.2.5: words are
               separated by space characters in the text, not only by
               positioning), reading_order (with --model: each model
               block's first words appear in the structure tree's text in
               the model's order; letters and digits only, so line-end
               hyphens and missing spaces do not matter)

Needs pypdf (3.x or later).
"""
import json
import re
import sys
import unicodedata

try:
    from pypdf import PdfReader
    from pypdf.generic import (ArrayObject, ContentStream, DictionaryObject,
                               IndirectObject, NameObject, NullObject)
except ImportError:
    print("check_pdfua.py: pypdf is not installed", file=sys.stderr)
    sys.exit(3)

STANDARD = set("""Document Part Sect Div Art BlockQuote Caption TOC TOCI Index
P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span
Quote Note Reference Code Link Annot Figure Formula Form NonStruct Private
BibEntry Ruby RB RT RP Warichu WT WP""".split())
# NonStruct, Private, BibEntry, Ruby and Warichu are standard in ISO 32000-1
# too; the brief's list is the rest
INLINE = {"Span", "Quote", "Note", "Reference", "Code", "Link", "Annot",
          "BibEntry", "Ruby", "Warichu", "Form"}
TEXT_OPS = {b"Tj", b"TJ", b"'", b'"'}
BCP47 = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?$|^[xX](?:-[A-Za-z0-9]{1,8})+$")
BLOCK_TYPES = {"paragraph", "heading", "callout_title", "table_cell",
               "caption", "summary", "attribution"}


def _resolving_get(self, key, default=None):
    v = dict.get(self, key, default)
    return v.get_object() if isinstance(v, IndirectObject) else v


# d.get(key) resolves an indirect reference, as d[key] does (pypdf 3.x
# gives the reference itself)
DictionaryObject.get = _resolving_get


def raw(d, key, default=None):
    """d[key] without resolving an indirect reference."""
    return dict.get(d, key, default)


def res(o):
    return o.get_object() if isinstance(o, IndirectObject) else o


def ref_id(o):
    return o.idnum if isinstance(o, IndirectObject) else None


def num_tree(node, out, seen=None):
    """A number tree's (key, raw value) pairs."""
    seen = seen if seen is not None else set()
    node = res(node)
    if not isinstance(node, DictionaryObject) or id(node) in seen:
        return out
    seen.add(id(node))
    nums = raw(node, "/Nums")
    if nums is not None:
        nums = res(nums)
        for i in range(0, len(nums) - 1, 2):
            out[int(res(nums[i]))] = nums[i + 1]
    kids = raw(node, "/Kids")
    if kids is not None:
        for k in res(kids):
            num_tree(k, out, seen)
    return out


def norm(s):
    """Letters and digits only, lower case: robust to spacing, hyphens and
    punctuation that typesetting changes."""
    s = unicodedata.normalize("NFKC", s)
    return "".join(c for c in s.lower() if c.isalnum())


def cmap_of(stream):
    """A ToUnicode CMap: (code -> text, code width in bytes)."""
    data = stream.get_data().decode("latin-1")
    m = {}
    width = 1

    def text(hexs):
        b = bytes.fromhex(hexs)
        return b.decode("utf-16-be", "replace")

    for blk in re.findall(r"begincodespacerange(.*?)endcodespacerange", data, re.S):
        for lo in re.findall(r"<([0-9A-Fa-f]+)>", blk):
            width = max(width, len(lo) // 2)
    for blk in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", blk):
            m[int(src, 16)] = text(dst)
    for blk in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, rest in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", blk):
            lo, hi = int(lo, 16), int(hi, 16)
            if rest.startswith("["):
                for k, h in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", rest)):
                    m[lo + k] = text(h)
            else:
                d = bytes.fromhex(rest[1:-1])
                base = d[:-2] if len(d) > 2 else b""
                last = int.from_bytes(d[-2:], "big")
                for k in range(hi - lo + 1):
                    m[lo + k] = base.decode("utf-16-be", "replace") + chr(last + k)
    return m, width


class Font:
    def __init__(self, fd):
        self.fd = fd
        self.type0 = fd.get("/Subtype") == "/Type0"
        self.map, self.width = {}, 2 if self.type0 else 1
        tu = fd.get("/ToUnicode")
        if tu is not None and hasattr(tu, "get_data"):
            self.map, w = cmap_of(tu)
            if self.type0:
                self.width = max(w, 2)
        self.widths, self.dw = {}, 1000.0
        try:
            if self.type0:
                df = fd.get("/DescendantFonts")
                cf = res(df[0]) if df else DictionaryObject()
                self.dw = float(cf.get("/DW", 1000))
                arr = list(cf.get("/W") or [])
                i = 0
                while i < len(arr):
                    first = int(res(arr[i]))
                    nxt = res(arr[i + 1])
                    if isinstance(nxt, ArrayObject):
                        for k, v in enumerate(nxt):
                            self.widths[first + k] = float(res(v))
                        i += 2
                    else:
                        for c in range(first, int(nxt) + 1):
                            self.widths[c] = float(res(arr[i + 2]))
                        i += 3
            else:
                fc = int(fd.get("/FirstChar", 0))
                for k, v in enumerate(fd.get("/Widths") or []):
                    self.widths[fc + k] = float(res(v))
                desc = fd.get("/FontDescriptor")
                self.dw = float(desc.get("/MissingWidth", 0)) if desc is not None else 0.0
        except (TypeError, ValueError, IndexError):
            pass

    def codes(self, b):
        b = bytes(b)
        w = self.width
        return [int.from_bytes(b[i:i + w], "big") for i in range(0, len(b) - w + 1, w)]

    def advance(self, b, fs, tc, tw, th):
        """The width of showing string b, in text space units."""
        x = 0.0
        for code in self.codes(b):
            x += self.widths.get(code, self.dw) / 1000.0 * fs + tc
            if code == 32 and self.width == 1:
                x += tw
        return x * th

    def decode(self, b):
        b = bytes(b)
        out = []
        w = self.width
        for i in range(0, len(b) - w + 1, w):
            code = int.from_bytes(b[i:i + w], "big")
            if code in self.map:
                out.append(self.map[code])
            elif not self.type0:
                out.append(chr(code))
            else:
                out.append("\ufffd")
        return "".join(out)


class Checker:
    def __init__(self, path, model=None):
        self.path = path
        self.r = PdfReader(path)
        self.model = model
        self.results = []  # (name, problems list, note)
        self.counts = {}

    # ---- reporting -------------------------------------------------------
    def report(self, name, problems, note=""):
        self.results.append((name, problems, note))

    def print(self, out=sys.stdout):
        bad = 0
        for name, problems, note in self.results:
            if problems:
                bad += 1
                shown = "; ".join(problems[:6])
                more = " (and %d more)" % (len(problems) - 6) if len(problems) > 6 else ""
                print("FAIL %s: %d problem%s: %s%s" % (
                    name, len(problems), "" if len(problems) == 1 else "s", shown, more), file=out)
            else:
                print("ok %s%s" % (name, " (%s)" % note if note else ""), file=out)
        print("counts " + " ".join("%s=%d" % kv for kv in self.counts.items()), file=out)
        return bad

    # ---- the whole run ---------------------------------------------------
    def run(self):
        r = self.r
        self.root = r.trailer["/Root"]
        self.pages = list(r.pages)
        self.page_index = {}
        for i, p in enumerate(self.pages):
            ref = getattr(p, "indirect_reference", None) or getattr(p, "indirect_ref", None)
            if ref is not None:
                self.page_index[ref.idnum] = i
        self.counts["pages"] = len(self.pages)
        self.check_catalog()
        self.read_tree()
        self.check_pages_and_content()
        self.check_parent_tree()
        self.check_tree()
        self.check_annots()
        self.check_fonts()
        self.check_text()
        return self

    # ---- catalog ---------------------------------------------------------
    def check_catalog(self):
        root = self.root
        with open(self.path, "rb") as f:
            head = f.read(16)
        m = re.match(rb"%PDF-(\d+)\.(\d+)", head)
        ver = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        cv = root.get("/Version")
        if cv is not None:
            mm = re.match(r"(\d+)\.(\d+)", str(cv)[1:] if str(cv).startswith("/") else str(cv))
            if mm:
                ver = max(ver, (int(mm.group(1)), int(mm.group(2))))
        self.report("header_version", [] if ver >= (1, 7) else
                    ["PDF %d.%d < 1.7" % ver], "%d.%d" % ver)

        mi = root.get("/MarkInfo")
        p = []
        if mi is None:
            p.append("no /MarkInfo")
        elif not is_true(mi.get("/Marked")):
            p.append("/MarkInfo /Marked is %r" % (mi.get("/Marked"),))
        if mi is not None and is_true(mi.get("/Suspects")):
            p.append("/MarkInfo /Suspects true")
        self.report("markinfo", p)

        p = []
        st = root.get("/StructTreeRoot")
        if st is None:
            p.append("no /StructTreeRoot")
        else:
            if st.get("/Type") not in (None, "/StructTreeRoot"):
                p.append("/Type %s" % st.get("/Type"))
            if st.get("/ParentTree") is None:
                p.append("no /ParentTree")
            if st.get("/ParentTreeNextKey") is None:
                p.append("no /ParentTreeNextKey")
            if st.get("/K") is None:
                p.append("no /K (empty tree)")
        self.report("struct_tree_root", p)

        lang = root.get("/Lang")
        p = []
        if lang is None:
            p.append("no /Lang in the catalog")
        elif not BCP47.match(str(lang)):
            p.append("/Lang (%s) is not a BCP 47 tag" % lang)
        self.report("lang", p, str(lang) if lang is not None else "")
        self.lang = str(lang) if lang is not None else None

        vp = root.get("/ViewerPreferences")
        p = []
        if vp is None or not is_true(vp.get("/DisplayDocTitle")):
            p.append("/ViewerPreferences /DisplayDocTitle is not true")
        self.report("display_doc_title", p)

        p = []
        self.title = None
        info = self.r.trailer.get("/Info")
        info = res(info) if info is not None else None
        itit = str(info.get("/Title")) if info is not None and info.get("/Title") is not None else None
        md = root.get("/Metadata")
        if md is None or not hasattr(md, "get_data"):
            p.append("no /Metadata stream")
        else:
            x = md.get_data().decode("utf-8", "replace")
            t = re.search(r"<dc:title>\s*<rdf:Alt>\s*<rdf:li[^>]*>(.*?)</rdf:li>", x, re.S)
            title = xml_unescape(t.group(1)).strip() if t else None
            self.title = title
            if not title:
                p.append("no non-empty dc:title")
            elif itit is None:
                p.append("no /Info /Title to match dc:title (%r)" % title)
            elif itit != title:
                p.append("dc:title %r != /Info /Title %r" % (title, itit))
            if not re.search(r"<dc:language>\s*<rdf:Bag>\s*<rdf:li[^>]*>\s*\S", x, re.S):
                p.append("no dc:language")
            pm = re.search(r"<pdfuaid:part>\s*(\d+)\s*</pdfuaid:part>|pdfuaid:part=\"(\d+)\"", x)
            if not pm or (pm.group(1) or pm.group(2)) != "1":
                p.append("no pdfuaid:part = 1")
            elif "http://www.aiim.org/pdfua/ns/id/" not in x:
                p.append("pdfuaid prefix not bound to http://www.aiim.org/pdfua/ns/id/")
        self.report("xmp_metadata", p)

    # ---- the structure tree ----------------------------------------------
    def read_tree(self):
        """Every element reachable from the root, in tree order, with its
        parent; every MCR and OBJR."""
        self.elems = {}        # key -> dict
        self.order = []        # keys in tree (reading) order
        self.parent_of = {}    # key -> parent key (None: the root)
        self.kids_of = {}      # key -> [kid keys]
        self.mcrs = []         # (elem key, page id, mcid)
        self.objrs = []        # (elem key, obj id, page id)
        self.tree_problems = []
        self.cycles = []
        st = self.root.get("/StructTreeRoot")
        self.st = st
        if st is None:
            return
        self.root_key = ("root",)
        seen_stack = set()

        def key_of(o):
            return ref_id(o) if isinstance(o, IndirectObject) else ("direct", id(res(o)))

        def walk(kids_raw, parent_key, parent_pg, depth):
            if kids_raw is None:
                return
            kr = res(kids_raw)
            items = list(kr) if isinstance(kr, ArrayObject) else [kids_raw]
            for k in items:
                ko = res(k)
                if isinstance(ko, int) and not isinstance(ko, bool):
                    if parent_key == self.root_key:
                        self.tree_problems.append("an MCID directly under the StructTreeRoot")
                        continue
                    self.mcrs.append((parent_key, parent_pg, int(ko)))
                elif isinstance(ko, DictionaryObject):
                    t = ko.get("/Type")
                    if t == "/MCR":
                        pg = raw(ko, "/Pg")
                        pg = ref_id(pg) if pg is not None else parent_pg
                        if raw(ko, "/Stm") is not None:
                            self.tree_problems.append("an MCR with /Stm (not checked)")
                        self.mcrs.append((parent_key, pg, int(ko.get("/MCID", -1))))
                    elif t == "/OBJR":
                        pg = raw(ko, "/Pg")
                        pg = ref_id(pg) if pg is not None else parent_pg
                        self.objrs.append((parent_key, ref_id(raw(ko, "/Obj")), pg))
                    elif "/S" in ko:
                        kk = key_of(k)
                        if kk in seen_stack:
                            self.cycles.append("element %s is its own ancestor" % (kk,))
                            continue
                        if kk in self.elems:
                            self.tree_problems.append("element %s is a kid twice" % (kk,))
                            continue
                        self.elems[kk] = ko
                        self.order.append(kk)
                        self.parent_of[kk] = parent_key
                        self.kids_of.setdefault(parent_key, []).append(kk)
                        self.kids_of.setdefault(kk, [])
                        pg = raw(ko, "/Pg")
                        pg = ref_id(pg) if pg is not None else None
                        seen_stack.add(kk)
                        self.kid_raw = k
                        walk(raw(ko, "/K"), kk, pg, depth + 1)
                        seen_stack.discard(kk)
                        self.elem_raw[kk] = k
                    else:
                        self.tree_problems.append("a kid that is no element, MCR or OBJR")
        self.elem_raw = {}
        walk(raw(st, "/K"), self.root_key, None, 0)
        self.counts["elements"] = len(self.elems)

    def elem_name(self, k):
        e = self.elems.get(k)
        s = str(e.get("/S"))[1:] if e is not None else "?"
        return "%s %s" % (s, k if not isinstance(k, tuple) else "(direct)")

    # ---- pages and their content -----------------------------------------
    def resources(self, page):
        node = page
        while node is not None:
            rs = node.get("/Resources")
            if rs is not None:
                return rs
            node = node.get("/Parent")
        return DictionaryObject()

    def check_pages_and_content(self):
        tabs, sp = [], []
        marked, uniq = [], []
        self.page_mcids = {}   # page id -> list of mcids in content order
        self.mcid_text = {}    # (page id, mcid) -> text
        self.missing_breaks = []  # (page, mcid, mcid, text before, text after)
        self.artifact_text = []
        self.fonts_used = {}   # font object key -> (font dict, page no)
        nmcid = 0
        for i, page in enumerate(self.pages):
            pid = page.indirect_reference.idnum
            if page.get("/Tabs") != "/S":
                tabs.append("page %d: /Tabs %s" % (i + 1, page.get("/Tabs")))
            if page.get("/StructParents") is None:
                sp.append("page %d: no /StructParents" % (i + 1))
            rs = self.resources(page)
            fonts = {}
            fr = rs.get("/Font") or {}
            for name in fr:
                fo = raw(fr, name)
                fd = res(fo)
                fonts[name] = Font(fd)
                self.fonts_used[ref_id(fo) or id(fd)] = (fd, i + 1, name)
            self.forms_fonts(rs, i + 1, set())
            # the fonts of annotations' appearances (a field's text)
            for a in page.get("/Annots") or []:
                ap = res(a).get("/AP")
                for n in (ap.get("/N"),) if ap is not None else ():
                    streams = [n] if hasattr(n, "get_data") else [res(v) for v in (n or {}).values()]
                    for x in streams:
                        if not hasattr(x, "get_data"):
                            continue
                        xr = x.get("/Resources") or DictionaryObject()
                        for fname in xr.get("/Font") or {}:
                            fo = raw(xr.get("/Font"), fname)
                            self.fonts_used[ref_id(fo) or id(res(fo))] = (res(fo), i + 1, fname)
                        self.forms_fonts(xr, i + 1, set())
            c = page.get("/Contents")
            if c is None:
                self.page_mcids[pid] = []
                continue
            ops = ContentStream(c, self.r).operations
            mcids = self.scan_content(ops, fonts, i + 1, pid, marked)
            seen = set()
            for m in mcids:
                if m in seen:
                    uniq.append("page %d: MCID %d used twice" % (i + 1, m))
                seen.add(m)
            self.page_mcids[pid] = mcids
            nmcid += len(mcids)
        self.counts["mcids"] = nmcid
        self.report("page_tabs", tabs)
        self.report("page_struct_parents", sp)
        self.report("content_marked", marked)
        self.report("mcid_unique", uniq)

    def forms_fonts(self, rs, pno, seen):
        xo = rs.get("/XObject") or {}
        for name in xo:
            x = res(raw(xo, name))
            if id(x) in seen or x.get("/Subtype") != "/Form":
                continue
            seen.add(id(x))
            xr = x.get("/Resources") or DictionaryObject()
            fr = xr.get("/Font") or {}
            for fname in fr:
                fo = raw(fr, fname)
                self.fonts_used[ref_id(fo) or id(res(fo))] = (res(fo), pno, fname)
            self.forms_fonts(xr, pno, seen)

    def scan_content(self, ops, fonts, pno, pid, problems):
        stack = []      # ("artifact"|"mcid"|"other", mcid or None)
        bt_depth = None
        font = None
        fs, tc, tw, th = 0.0, 0.0, 0.0, 1.0
        adv = 0.0       # the pen's x from the line's start, text space
        mcids = []
        pieces = []     # ("t", mcid, text) / ("gap",) / ("nl",), page order
        n_outside = 0

        def in_artifact():
            return any(s[0] == "artifact" for s in stack)

        def cur_mcid():
            for s in reversed(stack):
                if s[0] == "mcid":
                    return s[1]
            return None

        def add_text(t):
            if in_artifact():
                self.artifact_text.append(t)
            elif t:
                pieces.append(("t", cur_mcid(), t))

        def as_bytes(x):
            if hasattr(x, "original_bytes"):
                return x.original_bytes
            return x if isinstance(x, bytes) else str(x).encode("latin-1")

        for operands, op in ops:
            if op in (b"BMC", b"BDC"):
                tag = str(operands[0]) if operands else "?"
                props = operands[1] if op == b"BDC" and len(operands) > 1 else None
                if isinstance(props, NameObject):
                    props = None  # a named property list: no MCID inline
                props = res(props) if props is not None else None
                mcid = props.get("/MCID") if isinstance(props, DictionaryObject) else None
                if tag == "/Artifact":
                    stack.append(("artifact", None))
                elif mcid is not None:
                    stack.append(("mcid", int(mcid)))
                    mcids.append(int(mcid))
                else:
                    if not in_artifact():
                        problems.append("page %d: a marked content sequence %s without MCID, not /Artifact" % (pno, tag))
                    stack.append(("other", None))
            elif op == b"EMC":
                if not stack:
                    problems.append("page %d: EMC without BMC/BDC" % pno)
                else:
                    stack.pop()
                if bt_depth is not None and len(stack) < bt_depth:
                    problems.append("page %d: EMC inside BT..ET closes a sequence opened before BT" % pno)
                    bt_depth = len(stack)
            elif op == b"BT":
                bt_depth = len(stack)
                adv = 0.0
                pieces.append(("nl",))
            elif op == b"ET":
                if bt_depth is not None and len(stack) != bt_depth:
                    problems.append("page %d: ET with a marked content sequence opened inside BT still open" % pno)
                bt_depth = None
            elif op == b"Tf":
                font = fonts.get(operands[0]) if operands else None
                fs = float(operands[1]) if len(operands) > 1 else fs
            elif op == b"Tc" and operands:
                tc = float(operands[0])
            elif op == b"Tw" and operands:
                tw = float(operands[0])
            elif op == b"Tz" and operands:
                th = float(operands[0]) / 100.0
            elif op in (b"Td", b"TD") and len(operands) == 2:
                tx, ty = float(operands[0]), float(operands[1])
                if abs(ty) < 0.01 and tx - adv > 0.2 * fs:
                    pieces.append(("gap",))
                elif abs(ty) >= 0.01:
                    pieces.append(("nl",))
                adv = 0.0
            elif op in (b"T*", b"Tm"):
                pieces.append(("nl",))
                adv = 0.0
            if op in TEXT_OPS or op == b"Do" or op == b"INLINE IMAGE":
                if not stack:
                    n_outside += 1
                    if n_outside <= 3:
                        what = op.decode("latin-1")
                        if op in TEXT_OPS and font is not None:
                            what += " %r" % self.show_text(op, operands, font)[:30]
                        elif op == b"Do" and operands:
                            what += " " + str(operands[0])
                        problems.append("page %d: %s outside marked content" % (pno, what))
                if op in TEXT_OPS and font is not None:
                    if op in (b"'", b'"'):
                        pieces.append(("nl",))
                        adv = 0.0
                    if op == b"TJ":
                        for x in operands[0]:
                            if isinstance(x, (bytes, str)) or hasattr(x, "original_bytes"):
                                b = as_bytes(x)
                                add_text(font.decode(b))
                                adv += font.advance(b, fs, tc, tw, th)
                            else:
                                try:
                                    n = float(x)
                                except (TypeError, ValueError):
                                    continue
                                adv -= n / 1000.0 * fs * th
                                if -n / 1000.0 > 0.2:
                                    pieces.append(("gap",))
                    else:
                        b = as_bytes(operands[-1])
                        add_text(font.decode(b))
                        adv += font.advance(b, fs, tc, tw, th)
        if n_outside > 3:
            problems.append("page %d: %d text/image operators outside marked content in all" % (pno, n_outside))
        if stack:
            problems.append("page %d: %d marked content sequences left open at the end" % (pno, len(stack)))
        texts = {}
        for i, pc in enumerate(pieces):
            if pc[0] == "t" and pc[1] is not None:
                texts[pc[1]] = texts.get(pc[1], "") + pc[2]
            elif pc[0] == "gap":
                # a word gap made by positioning only: a space must be there
                # too, at the end of the text before it or the start of the
                # text after it (on this line)
                before = next((q for q in reversed(pieces[:i]) if q[0] != "gap"), None)
                after = next((q for q in pieces[i + 1:] if q[0] != "gap"), None)
                if before and after and before[0] == "t" and after[0] == "t" \
                        and not before[2][-1:].isspace() and not after[2][:1].isspace():
                    j = i
                    left = "".join(q[2] for q in pieces[max(0, j - 12):j] if q[0] == "t")[-20:]
                    right = "".join(q[2] for q in pieces[j + 1:j + 13] if q[0] == "t")[:20]
                    self.missing_breaks.append((pno, pid, before[1], after[1], left, right))
        for m, t in texts.items():
            self.mcid_text[(pid, m)] = t
        return mcids

    def show_text(self, op, operands, font):
        if op == b"TJ":
            return "".join(font.decode(getattr(x, "original_bytes", x)) for x in operands[0]
                           if isinstance(x, bytes) or hasattr(x, "original_bytes"))
        s = operands[-1]
        return font.decode(getattr(s, "original_bytes", s if isinstance(s, bytes) else str(s).encode("latin-1")))

    # ---- the parent tree ---------------------------------------------------
    def check_parent_tree(self):
        p = []
        st = self.st
        if st is None:
            self.report("parent_tree", ["no StructTreeRoot"])
            self.ptree = {}
            return
        pt = st.get("/ParentTree")
        self.ptree = num_tree(pt, {}) if pt is not None else {}
        nk = st.get("/ParentTreeNextKey")
        if self.ptree and nk is not None and int(nk) <= max(self.ptree):
            p.append("/ParentTreeNextKey %d <= the largest key %d" % (int(nk), max(self.ptree)))
        # where the tree says each MCID is
        owner = {}
        for ek, pg, m in self.mcrs:
            if pg is None:
                p.append("%s: MCID %d with no /Pg" % (self.elem_name(ek), m))
                continue
            if (pg, m) in owner:
                p.append("page %s MCID %d: in two elements" % (self.pno(pg), m))
            owner[(pg, m)] = ek
        used_keys = {}
        for i, page in enumerate(self.pages):
            pid = page.indirect_reference.idnum
            mc = self.page_mcids.get(pid, [])
            sp = page.get("/StructParents")
            if sp is None:
                if mc:
                    p.append("page %d: MCIDs but no /StructParents" % (i + 1))
                continue
            sp = int(sp)
            used_keys[sp] = "page %d" % (i + 1)
            arr = self.ptree.get(sp)
            arr = res(arr) if arr is not None else None
            if arr is None:
                if mc:
                    p.append("page %d: no ParentTree entry %d" % (i + 1, sp))
                continue
            if not isinstance(arr, ArrayObject):
                p.append("page %d: ParentTree entry %d is not an array" % (i + 1, sp))
                continue
            listed = {j for j, e in enumerate(arr) if not isinstance(res(e), NullObject) and res(e) is not None}
            if set(mc) != listed:
                extra = sorted(listed - set(mc))
                miss = sorted(set(mc) - listed)
                p.append("page %d: ParentTree array (%d entries) != the content's MCIDs (%d)%s%s" % (
                    i + 1, len(listed), len(set(mc)),
                    ", not in content: %s" % extra[:8] if extra else "",
                    ", not in the array: %s" % miss[:8] if miss else ""))
            for m in sorted(set(mc)):
                if m >= len(arr):
                    continue
                e = arr[m]
                ek = ref_id(e)
                own = owner.get((pid, m))
                if own is None:
                    p.append("page %d MCID %d: no element's /K holds it" % (i + 1, m))
                elif ek != own:
                    p.append("page %d MCID %d: ParentTree -> %s, but /K of %s holds it" % (
                        i + 1, m, self.elem_name(ek) if ek in self.elems else ek, self.elem_name(own)))
        # MCRs that point at nothing
        have = {(pid, m) for pid, ms in self.page_mcids.items() for m in ms}
        dangling = [(ek, pg, m) for ek, pg, m in self.mcrs if pg is not None and (pg, m) not in have]
        for ek, pg, m in dangling[:4]:
            p.append("%s: MCID %d on page %s is in no content stream" % (self.elem_name(ek), m, self.pno(pg)))
        if len(dangling) > 4:
            p.append("%d MCRs in all point at no marked content" % len(dangling))
        for a in self.annots():
            sp = a[2].get("/StructParent")
            if sp is not None:
                if int(sp) in used_keys:
                    p.append("annotation %s: /StructParent %d is also %s's key" % (a[1], int(sp), used_keys[int(sp)]))
                used_keys[int(sp)] = "annotation %s" % a[1]
        self.report("parent_tree", p, "%d keys" % len(self.ptree))

    def pno(self, pid):
        i = self.page_index.get(pid)
        return str(i + 1) if i is not None else "obj %s" % pid

    # ---- the tree's elements -------------------------------------------
    def check_tree(self):
        types, plinks, reach, heads, alt, table, th, lists = [], [], [], [], [], [], [], []
        reach.extend(self.tree_problems)
        reach.extend(self.cycles)
        if self.st is not None:
            # every StructElem in the file is in the tree
            for oid in self.all_object_ids():
                try:
                    o = self.r.get_object(IndirectObject(oid, 0, self.r))
                except Exception:
                    continue
                # (/Type /StructElem is optional: an element is a dict
                # with /S and /P and no other /Type)
                is_elem = isinstance(o, DictionaryObject) and (
                    o.get("/Type") == "/StructElem" or
                    (o.get("/Type") is None and "/S" in o and "/P" in o and "/Subtype" not in o))
                if is_elem and oid not in self.elems:
                    reach.append("StructElem obj %d (%s) is not reachable from the root" % (oid, o.get("/S")))
        rolemap = (self.st.get("/RoleMap") if self.st is not None else None) or {}
        last_level = None
        for k in self.order:
            e = self.elems[k]
            s = str(e.get("/S"))[1:]
            if s not in STANDARD:
                mapped = rolemap.get("/" + s)
                if mapped is None or str(mapped)[1:] not in STANDARD:
                    types.append("%s: /S /%s is not a standard type (nor role-mapped to one)" % (self.elem_name(k), s))
            parent = self.parent_of[k]
            praw = raw(e, "/P")
            if praw is None:
                plinks.append("%s: no /P" % self.elem_name(k))
            else:
                want = self.st_ref_id() if parent == self.root_key else parent
                got = ref_id(praw)
                if want is not None and got != want:
                    plinks.append("%s: /P is obj %s, its parent is %s" % (
                        self.elem_name(k), got, "the StructTreeRoot" if parent == self.root_key else self.elem_name(parent)))
            m = re.match(r"^H([1-6])$", s)
            if m:
                lv = int(m.group(1))
                txt = self.elem_text(k)[:40]
                if last_level is None and lv > 2:
                    heads.append("the first heading is H%d (%r)" % (lv, txt))
                elif last_level is not None and lv > last_level + 1:
                    heads.append("H%d then H%d (%r)" % (last_level, lv, txt))
                last_level = lv
            if s in ("Figure", "Formula"):
                a = e.get("/Alt")
                at = e.get("/ActualText")
                if not (a is not None and str(a).strip()) and not (at is not None and str(at).strip()):
                    alt.append("%s on page %s: no /Alt or /ActualText" % (self.elem_name(k), self.elem_page(k)))
            kids = [str(self.elems[c].get("/S"))[1:] for c in self.kids_of.get(k, [])]
            if s == "Table":
                bad = [x for x in kids if x not in ("TR", "THead", "TBody", "TFoot", "Caption")]
                if bad or not kids:
                    table.append("%s: kids %s" % (self.elem_name(k), kids[:8]))
            elif s in ("THead", "TBody", "TFoot"):
                bad = [x for x in kids if x != "TR"]
                if bad or self.parent_type(k) != "Table":
                    table.append("%s in %s: kids %s" % (self.elem_name(k), self.parent_type(k), kids[:8]))
            elif s == "TR":
                bad = [x for x in kids if x not in ("TH", "TD")]
                if bad or not kids or self.parent_type(k) not in ("Table", "THead", "TBody", "TFoot"):
                    table.append("%s in %s: kids %s" % (self.elem_name(k), self.parent_type(k), kids[:8]))
            elif s in ("TH", "TD"):
                if self.parent_type(k) != "TR":
                    table.append("%s in %s" % (self.elem_name(k), self.parent_type(k)))
                if s == "TH":
                    row = self.parent_of[k]
                    cells = [str(self.elems[c].get("/S"))[1:] for c in self.kids_of.get(row, [])] if row in self.elems else []
                    header_row = (cells and all(c == "TH" for c in cells)) or self.parent_type(row) == "THead"
                    if not self.has_scope(e) and not header_row:
                        th.append("%s (%r): no /Scope and not in a header row" % (self.elem_name(k), self.elem_text(k)[:30]))
                    elif self.has_scope(e) is False:
                        th.append("%s: a bad /Scope" % self.elem_name(k))
            elif s == "L":
                bad = [x for x in kids if x not in ("LI", "Caption")]
                if bad:
                    lists.append("%s: kids %s" % (self.elem_name(k), kids[:8]))
            elif s == "LI":
                bad = [x for x in kids if x not in ("Lbl", "LBody")]
                if bad or self.parent_type(k) != "L":
                    lists.append("%s in %s: kids %s" % (self.elem_name(k), self.parent_type(k), kids[:8]))
            elif s in ("Lbl", "LBody") and self.parent_type(k) != "LI":
                lists.append("%s in %s" % (self.elem_name(k), self.parent_type(k)))
        n = {t: sum(1 for k in self.order if str(self.elems[k].get("/S")) == "/" + t) for t in ("Figure", "Table", "L")}
        nh = sum(1 for k in self.order if re.match(r"^/H[1-6]$", str(self.elems[k].get("/S"))))
        self.report("struct_types", types, "%d elements" % len(self.elems))
        self.report("struct_parent_links", plinks)
        self.report("struct_reachable", reach)
        self.report("heading_levels", heads, "%d headings" % nh)
        self.report("title_heading", self.title_problems())
        self.report("figure_alt", alt, "%d figures" % n["Figure"])
        self.report("table_structure", table, "%d tables" % n["Table"])
        self.report("th_scope", th)
        self.report("list_structure", lists, "%d lists" % n["L"])

    def title_problems(self):
        """The title printed at the top is a heading (H1..H6 or H), not
        text straight in a grouping element."""
        if not self.title or self.st is None:
            return []
        want = norm(self.title)[:24]
        for k in self.order:
            seg = []
            self.collect_own_text(k, seg)
            if want and want in norm("".join(seg)):
                s = str(self.elems[k].get("/S"))[1:]
                if re.match(r"^H[1-6]?$", s):
                    return []
                return ["the title %r is marked content straight in %s, not in a heading element" % (
                    self.title[:40], self.elem_name(k))]
        return ["the title %r is in no element's text" % self.title[:40]]

    def collect_own_text(self, k, out):
        """An element's own MCIDs' text, without its element kids'."""
        self.collect_text(k, out, deep=False)

    def block_of(self, k):
        """The nearest ancestor-or-self of element k that is not inline."""
        while k is not None and k in self.elems:
            s = str(self.elems[k].get("/S"))[1:]
            if s not in INLINE:
                return k
            k = self.parent_of.get(k)
        return k

    def st_ref_id(self):
        return ref_id(raw(self.root, "/StructTreeRoot"))

    def parent_type(self, k):
        p = self.parent_of.get(k)
        if p is None or p == self.root_key:
            return "StructTreeRoot"
        return str(self.elems[p].get("/S"))[1:]

    def has_scope(self, e):
        a = e.get("/A")
        if a is None:
            return None
        attrs = list(a) if isinstance(a, ArrayObject) else [a]
        for x in attrs:
            x = res(x)
            if isinstance(x, DictionaryObject) and x.get("/Scope") is not None:
                return str(x.get("/Scope")) in ("/Row", "/Column", "/Both")
        return None

    def elem_page(self, k):
        e = self.elems[k]
        pg = raw(e, "/Pg")
        if pg is not None:
            return self.pno(ref_id(pg))
        for ek, pgid, m in self.mcrs:
            if ek == k and pgid is not None:
                return self.pno(pgid)
        return "?"

    def elem_text(self, k):
        """The text of an element's MCIDs and its descendants', tree order."""
        out = []
        self.collect_text(k, out)
        return "".join(out)

    def collect_text(self, k, out, deep=True):
        """The text of element k's MCIDs, in /K order, and (deep) that of
        its element kids in their places."""
        e = self.elems[k]
        pg0 = raw(e, "/Pg")
        pg0 = ref_id(pg0) if pg0 is not None else None
        kr = raw(e, "/K")
        if kr is None:
            return
        kro = res(kr)
        items = list(kro) if isinstance(kro, ArrayObject) else [kr]
        for x in items:
            xo = res(x)
            if isinstance(xo, int) and not isinstance(xo, bool):
                out.append(self.mcid_text.get((pg0, int(xo)), ""))
            elif isinstance(xo, DictionaryObject):
                if xo.get("/Type") == "/MCR":
                    pg = raw(xo, "/Pg")
                    pg = ref_id(pg) if pg is not None else pg0
                    out.append(self.mcid_text.get((pg, int(xo.get("/MCID", -1))), ""))
                elif deep and "/S" in xo:
                    kk = ref_id(x) if isinstance(x, IndirectObject) else ("direct", id(xo))
                    if kk in self.elems and self.parent_of.get(kk) == k:
                        self.collect_text(kk, out)

    def all_object_ids(self):
        ids = set()
        for gen, tab in self.r.xref.items():
            ids.update(tab.keys())
        ids.update(getattr(self.r, "xref_objStm", {}).keys())
        ids.discard(0)
        return sorted(ids)

    # ---- annotations ---------------------------------------------------
    def annots(self):
        out = []
        for i, page in enumerate(self.pages):
            for a in page.get("/Annots") or []:
                out.append((i + 1, ref_id(a), res(a)))
        return out

    def check_annots(self):
        st, contents, tu = [], [], []
        objr_owner = {}
        for ek, oid, pg in self.objrs:
            objr_owner.setdefault(oid, []).append(ek)
        nl = nw = 0
        for pno, oid, a in self.annots():
            sub = a.get("/Subtype")
            if sub not in ("/Link", "/Widget"):
                continue
            if sub == "/Link":
                nl += 1
            else:
                nw += 1
            what = "page %d %s annotation obj %s" % (pno, sub[1:], oid)
            want = "Link" if sub == "/Link" else "Form"
            sp = a.get("/StructParent")
            if sp is None:
                st.append("%s: no /StructParent" % what)
            else:
                e = self.ptree.get(int(sp))
                ek = ref_id(e) if e is not None else None
                if e is None:
                    st.append("%s: /StructParent %d not in the ParentTree" % (what, int(sp)))
                elif ek not in self.elems:
                    st.append("%s: ParentTree %d -> obj %s, no element in the tree" % (what, int(sp), ek))
                else:
                    s = str(self.elems[ek].get("/S"))[1:]
                    if ek not in objr_owner.get(oid, []):
                        st.append("%s: ParentTree -> %s, which has no OBJR to it" % (what, self.elem_name(ek)))
                    if s != want:
                        st.append("%s: its element is %s, not %s" % (what, s, want))
            if oid not in objr_owner:
                st.append("%s: no OBJR in the tree references it" % what)
            if sub == "/Link":
                c = a.get("/Contents")
                if c is None or not str(c).strip():
                    contents.append("%s (%s): no /Contents" % (what, self.uri_of(a)))
            else:
                # a widget that is a field (it has a /T) has its own
                # /TU; only a pure widget takes its field's (a parent
                # field's /TU names that field, e.g. a worksheet)
                f = a
                t = None
                while f is not None and t is None:
                    t = f.get("/TU")
                    f = f.get("/Parent") if "/T" not in f else None
                if t is None or not str(t).strip():
                    tu.append("%s (%s): no /TU" % (what, a.get("/T")))
        self.counts["annots"] = nl + nw
        self.report("annot_struct", st, "%d links, %d widgets" % (nl, nw))
        self.report("link_contents", contents)
        self.report("widget_tu", tu)

    def uri_of(self, a):
        act = a.get("/A")
        if act is not None and act.get("/URI") is not None:
            return str(act.get("/URI"))[:50]
        if a.get("/Dest") is not None or (act is not None and act.get("/D") is not None):
            return "internal"
        return "?"

    # ---- fonts -------------------------------------------------------------
    def check_fonts(self):
        emb, tu = [], []
        for key, (fd, pno, name) in sorted(self.fonts_used.items(), key=lambda x: str(x[0])):
            sub = fd.get("/Subtype")
            base = str(fd.get("/BaseFont"))
            what = "page %d %s %s (%s)" % (pno, name, base, sub)
            if sub == "/Type3":
                continue  # glyphs are content streams: nothing to embed
            desc = None
            if sub == "/Type0":
                df = fd.get("/DescendantFonts")
                if df:
                    desc = res(df[0]).get("/FontDescriptor")
                if fd.get("/ToUnicode") is None:
                    tu.append("%s: no /ToUnicode" % what)
            else:
                desc = fd.get("/FontDescriptor")
                enc = fd.get("/Encoding")
                if fd.get("/ToUnicode") is None and enc not in ("/WinAnsiEncoding", "/MacRomanEncoding", "/StandardEncoding") \
                        and not (isinstance(enc, DictionaryObject) and enc.get("/BaseEncoding") is not None):
                    tu.append("%s: no /ToUnicode and no known encoding" % what)
            if desc is None or not any(desc.get(x) is not None for x in ("/FontFile", "/FontFile2", "/FontFile3")):
                emb.append("%s: not embedded" % what)
        self.report("fonts_embedded", emb, "%d fonts" % len(self.fonts_used))
        self.report("fonts_tounicode", tu)

    # ---- text ---------------------------------------------------------------
    def tree_text(self):
        out = []
        if self.st is None:
            return out
        for k in self.kids_of.get(self.root_key, []):
            seg = []
            self.collect_text(k, seg)
            out.extend(seg)
        return out

    def check_text(self):
        p = []
        owner = {(pg, m): ek for ek, pg, m in self.mcrs}
        breaks = [b for b in self.missing_breaks
                  if b[2] == b[3] or self.block_of(owner.get((b[1], b[2]))) == self.block_of(owner.get((b[1], b[3])))]
        for pno, pid, m1, m2, a, b in breaks[:5]:
            p.append("page %d MCID %s%s: %r" % (pno, m1, "" if m1 == m2 else "/%s" % m2, a + "|" + b))
        if len(breaks) > 5:
            p.append("%d word gaps in all made by positioning only, with no space character" % len(breaks))
        self.report("word_breaks", p)
        if self.model is None:
            return
        blocks = model_blocks(self.model)
        text = norm("".join(self.tree_text()))
        art = norm("".join(self.artifact_text))
        p = []
        pos = 0
        found = 0
        for b in blocks:
            key = block_key(b)
            if not key:
                continue
            i = text.find(key, pos)
            if i >= 0:
                pos = i + len(key)
                found += 1
                continue
            j = text.find(key)
            if j >= 0:
                p.append("%r is out of order (found before the previous block)" % b[:40])
            elif key in art:
                p.append("%r is marked as an /Artifact, not in the tree" % b[:40])
            else:
                p.append("%r is not in the structure tree's text" % b[:40])
        self.report("reading_order", p, "%d model blocks in order" % found)


def block_key(text):
    """The first few words of a block, letters and digits only."""
    words = text.split()
    key = norm(" ".join(words[:4]))
    return key[:24]


def inline_text(n):
    if isinstance(n, list):
        return "".join(inline_text(x) for x in n)
    if not isinstance(n, dict):
        return ""
    t = n.get("type")
    if t in ("text", "code"):
        return n.get("text") or ""
    if t == "control":  # a form control shows its text, set apart
        return " " + (n.get("text") or "") + " "
    if t in ("softbreak", "linebreak"):
        return " "
    if t == "image" and not n.get("path"):
        # a remote or missing image: the PDF prints its alt text
        return "[%s]" % (n.get("alt") or "image")
    return inline_text(n.get("children") or [])


def model_blocks(model):
    """The model's block-level texts in document order, the title first."""
    out = []
    title = (model.get("meta") or {}).get("title")
    if title:
        out.append(title)

    def walk(n):
        if isinstance(n, list):
            for x in n:
                walk(x)
            return
        if not isinstance(n, dict):
            return
        t = n.get("type")
        if t in BLOCK_TYPES:
            s = inline_text(n.get("children") or []).strip()
            if s:
                out.append(s)
            return
        if t == "figure":
            for c in n.get("children") or []:
                walk(c)
            return
        walk(n.get("children") or [])
    walk(model.get("body") or [])
    return out


def is_true(v):
    return v is True or (hasattr(v, "value") and v.value is True) or str(v).lower() == "true"


def xml_unescape(s):
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def main(argv):
    args = argv[1:]
    model = None
    if "--model" in args:
        i = args.index("--model")
        with open(args[i + 1], encoding="utf-8") as f:
            model = json.load(f)
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        c = Checker(args[0], model).run()
    except Exception as e:  # a file pypdf cannot read: say so, exit 2
        import traceback
        traceback.print_exc()
        print("FAIL readable: %s: %s" % (type(e).__name__, e))
        return 2
    return 1 if c.print() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
