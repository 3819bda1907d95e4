#!/usr/bin/env python3
"""golden_parts.py - an output file as readable text parts, for goldens.

    golden_parts.py FILE OUTDIR   write FILE's parts under OUTDIR

FILE is a PDF, EPUB or DOCX (told by its extension).  Each part is text,
one thing a line, so that a diff between two versions says what changed:

EPUB, DOCX  every XML part (.xml .xhtml .opf .rels .ncx) pretty-printed
            (an element holding only elements is broken out, one child a
            line, indented; an element holding text keeps its content on
            one line, exactly as written), text parts (.css, mimetype) as
            they are, and _parts.txt: every entry of the zip in its order
            with its size and CRC-32 (so a change to a font or a picture
            shows too).
PDF         page-NNN.txt: each page's content stream, decompressed, each
            text-showing line followed by the text it shows (read through
            the font's ToUnicode map); fonts.txt: the fonts of each page by
            resource name (base font, type, embedded file, ToUnicode);
            struct.txt: the structure tree as an indented outline (roles,
            attributes, marked content by page, annotations); doc.txt: the
            catalog, the information dictionary, each page's size, images,
            form XObjects and annotations, the outline and the form;
            metadata.xml: the XMP metadata, pretty-printed.
            No object number appears anywhere, so the parts do not change
            when only the file's layout does (object streams,
            cross-reference streams, the order of objects).

Used by tests/group_golden.sh and `make golden` (through tests/golden.sh)
and by tests/compare.py (`make compare`).  Needs pypdf for PDFs.
"""
import os
import re
import sys
import zipfile
import xml.dom.minidom

XML_EXT = ('.xml', '.xhtml', '.opf', '.rels', '.ncx', '.svg')
TEXT_EXT = ('.css', '.txt')


# ---- XML ----

def _esc_text(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


def _esc_attr(s):
    return (_esc_text(s).replace('"', '&quot;').replace('\t', '&#9;')
            .replace('\n', '&#10;').replace('\r', '&#13;'))


def _start_tag(el):
    parts = [el.tagName]
    attrs = el.attributes
    for i in range(attrs.length):
        a = attrs.item(i)
        parts.append('%s="%s"' % (a.name, _esc_attr(a.value)))
    return '<' + ' '.join(parts)


def _inline(node):
    """NODE serialised on one line, exactly (its text kept as it is)."""
    t = node.nodeType
    if t == node.TEXT_NODE:
        return _esc_text(node.data)
    if t == node.CDATA_SECTION_NODE:
        return '<![CDATA[' + node.data + ']]>'
    if t == node.COMMENT_NODE:
        return '<!--' + node.data + '-->'
    if t == node.PROCESSING_INSTRUCTION_NODE:
        return '<?%s %s?>' % (node.target, node.data)
    if t != node.ELEMENT_NODE:
        return ''
    inner = ''.join(_inline(c) for c in node.childNodes)
    if not inner:
        return _start_tag(node) + '/>'
    return _start_tag(node) + '>' + inner + '</' + node.tagName + '>'


def _ignorable(node):
    """Whitespace between elements that only lays the file out: a text
    node of white space with a line break in it."""
    return (node.nodeType == node.TEXT_NODE and not node.data.strip()
            and '\n' in node.data)


def _pretty(node, depth, out):
    ind = '  ' * depth
    if node.nodeType != node.ELEMENT_NODE:
        out.append(ind + _inline(node))
        return
    kids = [c for c in node.childNodes if not _ignorable(c)]
    text_inside = any(c.nodeType in (c.TEXT_NODE, c.CDATA_SECTION_NODE)
                      for c in kids)
    if not kids or text_inside:
        out.append(ind + _inline(node))
        return
    out.append(ind + _start_tag(node) + '>')
    for c in kids:
        _pretty(c, depth + 1, out)
    out.append(ind + '</' + node.tagName + '>')


def pretty_xml(data):
    """DATA (bytes of an XML document) pretty-printed; the XML declaration
    and doctype as they are; an unparsable document as an error line and
    its text."""
    try:
        doc = xml.dom.minidom.parseString(data)
    except Exception as e:  # malformed XML is itself a finding
        return 'NOT WELL-FORMED: %s\n%s' % (e, data.decode('utf-8', 'replace'))
    out = []
    m = re.match(rb'\s*(<\?xml[^>]*\?>)', data)
    if m:
        out.append(m.group(1).decode('utf-8', 'replace'))
    if doc.doctype is not None:
        out.append(doc.doctype.toxml())
    for c in doc.childNodes:
        if c.nodeType == c.DOCUMENT_TYPE_NODE:
            continue
        _pretty(c, 0, out)
    return '\n'.join(out) + '\n'


def zip_parts(path):
    parts = {}
    listing = []
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            name = info.filename
            listing.append('%s %d %08x %s' % (
                name, info.file_size, info.CRC,
                'stored' if info.compress_type == zipfile.ZIP_STORED
                else 'deflated'))
            if name.endswith('/'):
                continue
            data = z.read(info)
            low = name.lower()
            if low.endswith(XML_EXT):
                parts[name] = pretty_xml(data)
            elif low.endswith(TEXT_EXT) or name == 'mimetype':
                parts[name] = data.decode('utf-8', 'replace')
    parts['_parts.txt'] = '\n'.join(listing) + '\n'
    return parts


# ---- PDF ----

# the page numbers of the PDF being read, by object number (set by
# pdf_parts; pages are shown by number, not by their object)
_PAGE_NO = {}


def _num(x):
    if isinstance(x, int):
        return str(x)
    s = '%.4f' % float(x)
    s = s.rstrip('0').rstrip('.')
    return '0' if s in ('-0', '') else s


def pdf_obj(o, depth=0, seen=None):
    """A PDF object as text, indirect references followed (to DEPTH 3;
    pages and parents by name only), no object numbers."""
    from pypdf import generic as g
    if seen is None:
        seen = set()
    if isinstance(o, g.IndirectObject):
        key = (o.idnum, o.generation)
        target = o.get_object()
        if isinstance(target, g.DictionaryObject) and \
                target.get('/Type') == '/Page':
            return '<page %s>' % _PAGE_NO.get(o.idnum, '?')
        if key in seen or depth > 3:
            if isinstance(target, g.DictionaryObject):
                return '<%s>' % target.get('/Type', 'dict')
            return '<ref>'
        return pdf_obj(target, depth, seen | {key})
    if isinstance(o, g.BooleanObject):
        return 'true' if o else 'false'
    if isinstance(o, (g.NumberObject, g.FloatObject, int, float)):
        return _num(o)
    if isinstance(o, g.NameObject):
        return str(o)
    if isinstance(o, (g.TextStringObject, g.ByteStringObject, str, bytes)):
        if isinstance(o, bytes):
            return '<' + o.hex() + '>'
        return '(' + str(o).encode('unicode_escape').decode('ascii') + ')'
    if isinstance(o, g.ArrayObject):
        return '[' + ' '.join(pdf_obj(x, depth + 1, seen) for x in o) + ']'
    if isinstance(o, g.DictionaryObject):
        items = []
        stream = isinstance(o, g.StreamObject)
        for k in sorted(o.keys()):
            if stream and k in ('/Filter', '/DecodeParms', '/Length1',
                                '/Length2', '/Length3', '/DL'):
                continue  # how it is stored; its decoded size is shown
            if k in ('/Parent', '/P', '/Pg', '/Contents', '/Length',
                     '/StructParent', '/StructParents', '/ParentTree'):
                # links up, or numbers the layout gives; said elsewhere
                if k in ('/StructParent', '/StructParents'):
                    items.append('%s %s' % (k, _num(o[k])))
                continue
            items.append('%s %s' % (k, pdf_obj(o.raw_get(k), depth + 1, seen)))
        s = '<<' + ' '.join(items) + '>>'
        if stream:
            s += ' stream(%d bytes decoded)' % len(_stream_data(o))
        return s
    if o is None or isinstance(o, g.NullObject):
        return 'null'
    return str(o)


def _stream_data(s):
    try:
        return s.get_data()
    except Exception as e:
        return ('<undecodable stream: %s>' % e).encode()


def _xobject_data(x):
    """What an XObject's data is, briefly: a JPEG's bytes (passed through
    as they are) or the Flate-decoded bytes (before PNG predictors are
    undone), by size and the start of their SHA-256."""
    import hashlib
    import zlib
    f = x.get('/Filter')
    filters = [str(v) for v in f] if isinstance(f, list) else \
        ([str(f)] if f is not None else [])
    raw = x._data
    try:
        if filters == ['/FlateDecode']:
            raw, what = zlib.decompress(raw), 'flate-decoded'
        elif filters == ['/DCTDecode']:
            what = 'jpeg'
        elif not filters:
            what = 'data'
        else:
            raw, what = _stream_data(x), 'decoded'
    except Exception as e:
        return 'undecodable (%s)' % e
    return '%s %d bytes sha256 %s' % (what, len(raw),
                                      hashlib.sha256(raw).hexdigest()[:16])


def _parse_cmap(data):
    """ToUnicode CMap DATA: {code (int): text}."""
    m = {}
    text = data.decode('latin-1')

    def u16(h):
        b = bytes.fromhex(h)
        try:
            return b.decode('utf-16-be')
        except UnicodeDecodeError:
            return '\ufffd'
    for block in re.findall(r'beginbfchar(.*?)endbfchar', text, re.S):
        for src, dst in re.findall(r'<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>', block):
            m[int(src, 16)] = u16(dst)
    for block in re.findall(r'beginbfrange(.*?)endbfrange', text, re.S):
        for lo, hi, dst in re.findall(
                r'<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])',
                block):
            lo, hi = int(lo, 16), int(hi, 16)
            if hi - lo > 65536:
                continue
            if dst.startswith('['):
                for i, d in enumerate(re.findall(r'<([0-9A-Fa-f]*)>', dst)):
                    m[lo + i] = u16(d)
            else:
                d = bytes.fromhex(dst[1:-1])
                for i in range(hi - lo + 1):
                    v = int.from_bytes(d, 'big') + i if d else 0
                    try:
                        m[lo + i] = v.to_bytes(len(d), 'big').decode('utf-16-be')
                    except (UnicodeDecodeError, OverflowError):
                        m[lo + i] = '\ufffd'
    return m


class _Font:
    def __init__(self, fobj):
        self.two_byte = fobj.get('/Subtype') == '/Type0'
        self.map = {}
        tu = fobj.get('/ToUnicode')
        if tu is not None:
            self.map = _parse_cmap(_stream_data(tu.get_object()))

    def decode(self, raw):
        out = []
        step = 2 if self.two_byte else 1
        for i in range(0, len(raw) - step + 1, step):
            code = int.from_bytes(raw[i:i + step], 'big')
            if code in self.map:
                out.append(self.map[code])
            elif not self.two_byte and 32 <= code < 127:
                out.append(chr(code))
            else:
                out.append('\ufffd')
        return ''.join(out)


_STR_RE = re.compile(rb'<([0-9A-Fa-f\s]*)>|\(((?:\\.|[^\\)])*)\)', re.S)


def _literal(b):
    out = bytearray()
    i = 0
    esc = {ord('n'): 10, ord('r'): 13, ord('t'): 9, ord('b'): 8, ord('f'): 12}
    while i < len(b):
        c = b[i]
        if c == 0x5c and i + 1 < len(b):
            n = b[i + 1]
            if n in esc:
                out.append(esc[n])
                i += 2
            elif 0x30 <= n <= 0x37:
                j = i + 1
                while j < len(b) and j < i + 4 and 0x30 <= b[j] <= 0x37:
                    j += 1
                out.append(int(b[i + 1:j], 8) & 0xff)
                i = j
            else:
                out.append(n)
                i += 2
        else:
            out.append(c)
            i += 1
    return bytes(out)


def _shown(line, font):
    """The text a Tj/TJ/'/" line shows, through FONT."""
    raw = b''
    for m in _STR_RE.finditer(line):
        if m.group(1) is not None:
            h = re.sub(rb'\s', b'', m.group(1))
            if len(h) % 2:
                h += b'0'
            raw += bytes.fromhex(h.decode())
        else:
            raw += _literal(m.group(2))
    return font.decode(raw) if font else raw.decode('latin-1')


def page_text(page, fonts):
    """PAGE's content as lines, each text-showing line followed by the
    text it shows."""
    c = page.get_contents()
    data = _stream_data(c) if c is not None else b''
    out = []
    cur = None
    for line in data.split(b'\n'):
        s = line.decode('latin-1').rstrip('\r')
        out.append(s)
        m = re.search(r'/(\S+)\s+[-\d.]+\s+Tf\s*$', s)
        if m:
            cur = fonts.get('/' + m.group(1))
        if re.search(r"(Tj|TJ|'|\")\s*$", s) and not s.startswith('%'):
            t = _shown(line, cur)
            out.append('%% %s' % t.encode('unicode_escape').decode('ascii')
                       if any(ord(ch) < 32 for ch in t) else '%% %s' % t)
    return '\n'.join(out) + '\n'


def _font_line(name, f):
    desc = f.get('/FontDescriptor')
    sub = f.get('/Subtype')
    bits = [name, str(f.get('/BaseFont')), str(sub)]
    if sub == '/Type0':
        dfs = f.get('/DescendantFonts')
        d = dfs[0].get_object() if dfs else {}
        bits.append(str(d.get('/Subtype')))
        bits.append(str(f.get('/Encoding')))
        desc = d.get('/FontDescriptor')
    elif f.get('/Encoding') is not None:
        bits.append(pdf_obj(f.get('/Encoding')))
    if desc is not None:
        desc = desc.get_object()
        emb = [k[1:] for k in ('/FontFile', '/FontFile2', '/FontFile3')
               if k in desc]
        bits.append('embedded ' + ','.join(emb) if emb else 'not-embedded')
    else:
        bits.append('no-descriptor')
    bits.append('ToUnicode' if '/ToUnicode' in f else 'no-ToUnicode')
    return ' '.join(bits)


def _resources(page):
    r = page.get('/Resources')
    return r.get_object() if r is not None else {}


def pdf_parts(path):
    from pypdf import PdfReader
    from pypdf import generic as g
    r = PdfReader(path)
    parts = {}
    pages = list(r.pages)
    page_no = {}
    for i, p in enumerate(pages):
        if p.indirect_reference is not None:
            page_no[p.indirect_reference.idnum] = i + 1
    _PAGE_NO.clear()
    _PAGE_NO.update(page_no)

    fonts_txt = []
    doc = []
    root = r.trailer['/Root']
    doc.append('version %s' % r.pdf_header.replace('%PDF-', ''))
    doc.append('pages %d' % len(pages))
    for k in sorted(root.keys()):
        if k in ('/Type', '/Pages', '/StructTreeRoot', '/Outlines',
                 '/AcroForm', '/Metadata'):
            continue
        doc.append('catalog %s %s' % (k, pdf_obj(root.raw_get(k))))
    if '/Metadata' in root:
        parts['metadata.xml'] = pretty_xml(_stream_data(root['/Metadata']))
    info = r.trailer.get('/Info')
    if info is not None:
        info = info.get_object()
        for k in sorted(info.keys()):
            doc.append('info %s %s' % (k, pdf_obj(info.raw_get(k))))

    for i, p in enumerate(pages):
        n = i + 1
        res = _resources(p)
        fonts = {}
        fd = res.get('/Font')
        if fd is not None:
            fd = fd.get_object()
            for name in sorted(fd.keys()):
                fobj = fd[name].get_object()
                fonts[name] = _Font(fobj)
                fonts_txt.append('page %d %s' % (n, _font_line(name, fobj)))
        parts['page-%03d.txt' % n] = page_text(p, fonts)
        doc.append('page %d /MediaBox %s' % (n, pdf_obj(p.get('/MediaBox'))))
        for k in ('/CropBox', '/Rotate', '/Tabs', '/StructParents'):
            if k in p:
                doc.append('page %d %s %s' % (n, k, pdf_obj(p.raw_get(k))))
        xo = res.get('/XObject')
        if xo is not None:
            xo = xo.get_object()
            for name in sorted(xo.keys()):
                x = xo[name].get_object()
                keys = ('/Subtype', '/Width', '/Height', '/BitsPerComponent',
                        '/ColorSpace', '/Filter', '/DecodeParms', '/BBox',
                        '/SMask', '/Interpolate')
                desc = ' '.join('%s %s' % (k, pdf_obj(x.raw_get(k)))
                                for k in keys if k in x and k != '/SMask')
                doc.append('page %d xobject %s %s %s'
                           % (n, name, desc, _xobject_data(x)))
                if '/SMask' in x:
                    m = x['/SMask'].get_object()
                    desc = ' '.join('%s %s' % (k, pdf_obj(m.raw_get(k)))
                                    for k in keys if k in m)
                    doc.append('page %d xobject %s /SMask %s %s'
                               % (n, name, desc, _xobject_data(m)))
        for a in p.get('/Annots') or []:
            doc.append('page %d annot %s' % (n, pdf_obj(a)))

    outl = root.get('/Outlines')
    if outl is not None:
        def walk(item, depth):
            seen = 0
            while item is not None and seen < 10000:
                item = item.get_object()
                dest = item.get('/Dest')
                if isinstance(dest, g.IndirectObject):
                    dest = dest.get_object()
                where = ''
                if isinstance(dest, g.ArrayObject) and len(dest):
                    raw = list(list.__iter__(dest))
                    pn = page_no.get(getattr(raw[0], 'idnum', None), '?')
                    where = ' -> page %s %s' % (
                        pn, ' '.join(pdf_obj(x) for x in raw[1:]))
                elif dest is not None:
                    where = ' -> ' + pdf_obj(dest)
                if '/A' in item:
                    where += ' action ' + pdf_obj(item.raw_get('/A'))
                doc.append('outline ' + '  ' * depth + pdf_obj(item.get('/Title'))
                           + where)
                if '/First' in item:
                    walk(item['/First'], depth + 1)
                item = item.get('/Next')
                seen += 1
        walk(outl.get_object().get('/First'), 0)
    form = root.get('/AcroForm')
    if form is not None:
        form = form.get_object()
        for k in sorted(form.keys()):
            if k == '/Fields':
                for fl in form['/Fields']:
                    fl = fl.get_object()
                    doc.append('form field %s %s %s' % (
                        pdf_obj(fl.get('/T')), pdf_obj(fl.get('/FT')),
                        pdf_obj(fl.get('/TU'))))
            else:
                doc.append('form %s %s' % (k, pdf_obj(form.raw_get(k))))

    parts['doc.txt'] = '\n'.join(doc) + '\n'
    parts['fonts.txt'] = '\n'.join(fonts_txt) + '\n'
    parts['struct.txt'] = struct_outline(root, page_no)
    return parts


def struct_outline(root, page_no):
    from pypdf import generic as g
    st = root.get('/StructTreeRoot')
    if st is None:
        return 'no structure tree\n'
    st = st.get_object()
    out = []
    rm = st.get('/RoleMap')
    if rm is not None:
        rm = rm.get_object()
        for k in sorted(rm.keys()):
            out.append('rolemap %s -> %s' % (k, rm[k]))

    def pg_of(d, inherited):
        ref = d.raw_get('/Pg') if '/Pg' in d else None
        if ref is not None and hasattr(ref, 'idnum'):
            return page_no.get(ref.idnum, '?')
        return inherited

    count = [0]

    def walk(k, depth, pg):
        count[0] += 1
        if count[0] > 200000:
            return
        ind = '  ' * depth
        if isinstance(k, g.IndirectObject):
            k = k.get_object()
        if isinstance(k, (g.NumberObject, int)):
            out.append('%smcid %d page %s' % (ind, int(k), pg))
            return
        if isinstance(k, g.ArrayObject):
            for x in k:
                walk(x, depth, pg)
            return
        if not isinstance(k, g.DictionaryObject):
            out.append(ind + pdf_obj(k))
            return
        t = k.get('/Type')
        p = pg_of(k, pg)
        if t == '/MCR':
            out.append('%smcid %s page %s' % (ind, k.get('/MCID'), p))
            return
        if t == '/OBJR':
            o = k.get('/Obj')
            o = o.get_object() if o is not None else {}
            if p is None and hasattr(o, 'raw_get') and '/P' in o:
                p = page_no.get(getattr(o.raw_get('/P'), 'idnum', None), '?')
            out.append('%sobjr %s %s page %s' % (
                ind, o.get('/Subtype'), pdf_obj(o.get('/T', o.get('/Contents', ''))),
                p))
            return
        attrs = []
        for a in ('/T', '/Lang', '/Alt', '/ActualText', '/E', '/ID', '/A',
                  '/C', '/R'):
            if a in k:
                attrs.append('%s %s' % (a, pdf_obj(k.raw_get(a))))
        out.append('%s%s%s' % (ind, k.get('/S'),
                               (' ' + ' '.join(attrs)) if attrs else ''))
        if '/K' in k:
            walk(k.raw_get('/K'), depth + 1, p)

    if '/K' in st:
        walk(st.raw_get('/K'), 0, None)
    return '\n'.join(out) + '\n'


def parts_of(path):
    low = path.lower()
    if low.endswith('.pdf'):
        return pdf_parts(path)
    if low.endswith(('.epub', '.docx', '.zip')):
        return zip_parts(path)
    raise ValueError('%s: not a PDF, EPUB or DOCX' % path)


def write_parts(parts, outdir):
    for name, text in sorted(parts.items()):
        dest = os.path.join(outdir, *name.split('/'))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, 'w', encoding='utf-8', newline='\n') as f:
            f.write(text)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: golden_parts.py FILE OUTDIR\n')
        return 2
    try:
        parts = parts_of(argv[1])
    except Exception as e:
        sys.stderr.write('golden_parts.py: %s: %s\n' % (argv[1], e))
        return 1
    write_parts(parts, argv[2])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
