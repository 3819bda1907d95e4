"""check_scripts.py - the checks of tests/group_scripts.sh (every script
printed as its readers write it).  Run with /usr/bin/python3 (pypdf).

  pages FIXTURE OUTDIR
      one Markdown page per language section of FIXTURE (## heading, then
      its paragraph), OUTDIR/<lang>.md, and the paragraph alone in
      OUTDIR/<lang>.txt; prints "<lang> <tesseract languages> <mode>" per
      page, mode "words" or "chars" (CJK: recall over CJK characters).
  recall MODE SOURCE.txt GOT.txt [MIN]
      how much of SOURCE is in GOT (OCR or pdftotext output): words
      (NFC, case folded, punctuation and symbols stripped, Arabic and
      Hebrew marks too, lam-alef and alef-lam taken as one (pdftotext), compared as a bag: order does not count; a word
      hyphenated at a line end in GOT is joined) or CJK characters.  Prints "recall 0.93 (40/43)" and the words missed;
      exit 1 below MIN (default 0.8).
  order SOURCE.txt GOT.txt
      the words of SOURCE come in GOT in their logical order (for right-
      to-left text: pdftotext gives logical order when the glyphs are in
      visual order): at least 80% of the source words found, the first
      found before the last found, and at least 80% of the pairs of
      neighbouring source words found in order.
  symbols FILE.md GOT.txt
      every emoji and symbol character of FILE.md beyond ASCII (So, Sm,
      Sk: flags' regional letters, skin tones, keycaps, maths) is in GOT
      (pdftotext of its PDF): the text layer keeps characters beyond
      the BMP.
  coverage FILE.md OUT.md
      OUT.md is FILE.md without the characters no installed font has
      (fontconfig's charsets, from one `fc-list` call); prints
      "covered" or "left out N: U+XXXX ..." (format characters such as
      ZWJ and variation selectors are not drawn and not asked for).
  notdef PDF MD
      the glyphs shown by Tj/TJ/'/" in every page's content stream (and
      the form XObjects it draws): in a Type0 font (what mentorconv
      writes), 2-byte codes (CIDs); fails if any is CID 0 (.notdef, a
      blank box), or if fewer glyphs are drawn than half the letters of
      MD (so that an empty page cannot pass).  In a simple font (other
      tools' PDFs, to try the check), 1-byte codes, code 0 counted as
      .notdef.
"""
import collections
import re
import subprocess
import sys
import unicodedata

# heading of a section in fixtures/scripts-mixed.md -> (lang, tesseract, mode)
SECTIONS = {
    'Español': ('es', 'spa', 'words'),
    'Deutsch': ('de', 'deu', 'words'),
    'Français': ('fr', 'fra', 'words'),
    'Русский': ('ru', 'rus', 'words'),
    'Ελληνικά': ('el', 'ell', 'words'),
    '中文': ('zh', 'chi_sim', 'chars'),
    '日本語': ('ja', 'jpn', 'chars'),
    'العربية': ('ar', 'ara', 'words'),
    'עברית': ('he', 'heb', 'words'),
    'हिन्दी': ('hi', 'hin', 'words'),
}
LAM_ALEF = re.compile('\u0644([\u0627\u0623\u0625\u0622])')


def sections(path):
    """[(heading, paragraph)] of the ## sections of a Markdown page."""
    out, head, para = [], None, []
    for line in open(path, encoding='utf-8').read().split('\n'):
        if line.startswith('## '):
            if head is not None:
                out.append((head, ' '.join(para)))
            head, para = line[3:].strip(), []
        elif head is not None and line.strip() and not line.startswith('{:'):
            para.append(line.strip())
    if head is not None:
        out.append((head, ' '.join(para)))
    return out


def cmd_pages(fixture, outdir):
    n = 0
    for head, para in sections(fixture):
        if head not in SECTIONS:
            continue
        lang, tess, mode = SECTIONS[head]
        with open('%s/%s.md' % (outdir, lang), 'w', encoding='utf-8') as f:
            f.write('---\ntitle: Page\nlang: %s\n---\n\n%s\n' % (lang, para))
        with open('%s/%s.txt' % (outdir, lang), 'w', encoding='utf-8') as f:
            f.write(para + '\n')
        print(lang, tess, mode)
        n += 1
    if n != len(SECTIONS):
        print('only %d of the %d language sections found in %s' %
              (n, len(SECTIONS), fixture), file=sys.stderr)
        return 1
    return 0


def is_cjk(c):
    o = ord(c)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or
            0x3040 <= o <= 0x30FF or 0xF900 <= o <= 0xFAFF or
            0x20000 <= o <= 0x2FFFF)


def words(text, strip_marks):
    """The words of text: NFC, case folded, every punctuation or symbol
    character a space; with strip_marks, combining marks (Arabic harakat,
    Hebrew points) and the Arabic tatweel dropped."""
    text = unicodedata.normalize('NFC', text).casefold()
    out = []
    for c in text:
        cat = unicodedata.category(c)
        if cat[0] in 'PSZC':
            out.append(' ')
        elif strip_marks and (cat == 'Mn' or c == '\u0640'):
            continue
        else:
            out.append(c)
    text = unicodedata.normalize('NFC', ''.join(out))
    if strip_marks:
        # pdftotext (poppler), turning right-to-left text into logical
        # order, writes the two letters of a lam-alef ligature's ToUnicode
        # entry reversed (الآخرين as اآلخرين): take both orders as one
        text = LAM_ALEF.sub(r'\1' + '\u0644', text)
    return text.split()


def units(text, mode, strip_marks):
    if mode == 'chars':
        return [c for c in unicodedata.normalize('NFC', text) if is_cjk(c)]
    return words(text, strip_marks)


def cmd_recall(mode, src, got, least=0.8):
    s = open(src, encoding='utf-8').read()
    g = open(got, encoding='utf-8', errors='replace').read()
    g = re.sub(r'(\w)-\n\s*(\w)', r'\1\2', g)  # words hyphenated at line ends
    marks = any('\u0590' <= c <= '\u06ff' for c in s)
    want = units(s, mode, marks)
    have = collections.Counter(units(g, mode, marks))
    if not want:
        print('no %s in %s' % (mode, src))
        return 1
    hit, missed = 0, []
    for w in want:
        if have[w] > 0:
            have[w] -= 1
            hit += 1
        else:
            missed.append(w)
    r = hit / len(want)
    print('recall %.2f (%d/%d %s)' % (r, hit, len(want), mode))
    if missed:
        print('missed: ' + ' '.join(missed[:40]))
    if r < least:
        got_units = units(g, mode, marks)
        print('read: ' + (' '.join(got_units[:40]) if got_units else '(nothing)'))
    return 0 if r >= least else 1


def cmd_order(src, got):
    s = open(src, encoding='utf-8').read()
    g = open(got, encoding='utf-8', errors='replace').read()
    want = words(s, True)
    have = words(g, True)
    pos = {}
    for i, w in enumerate(have):
        pos.setdefault(w, []).append(i)
    # the place of each source word: its first occurrence after the
    # previous word's, else its first at all
    places, last = [], -1
    for w in want:
        p = pos.get(w)
        if not p:
            places.append(None)
            continue
        after = [i for i in p if i > last]
        places.append(after[0] if after else p[0])
        last = places[-1]
    pairs = [(a, b) for a, b in zip(places, places[1:])
             if a is not None and b is not None]
    good = sum(1 for a, b in pairs if a < b)
    found = [p for p in places if p is not None]
    print('%d of %d source words found, %d of %d neighbouring pairs in '
          'order, first found word at %s, last at %s' %
          (len(found), len(want), good, len(pairs),
           found[0] if found else '-', found[-1] if found else '-'))
    ok = (len(want) > 1 and len(found) >= 0.8 * len(want) and
          found[0] < found[-1] and good >= 0.8 * len(pairs))
    if not ok:
        print('source:    ' + ' '.join(want))
        print('extracted: ' + ' '.join(have[:60]))
    return 0 if ok else 1


def fc_coverage():
    """The code points some installed font has (fontconfig's charsets)."""
    out = subprocess.run(['fc-list', '--format', '%{charset}\n'],
                         capture_output=True, text=True, check=True).stdout
    ranges = set()
    for line in out.split('\n'):
        for r in line.split():
            a, _, b = r.partition('-')
            try:
                ranges.add((int(a, 16), int(b or a, 16)))
            except ValueError:
                pass
    merged = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return merged


def covered(merged, cp):
    lo, hi = 0, len(merged)
    while lo < hi:
        mid = (lo + hi) // 2
        if merged[mid][1] < cp:
            lo = mid + 1
        else:
            hi = mid
    return lo < len(merged) and merged[lo][0] <= cp


def drawn(c):
    """Whether c is a character that prints (not a format character,
    variation selector, control or space)."""
    cat = unicodedata.category(c)
    if cat in ('Cf', 'Cc', 'Zs', 'Zl', 'Zp'):
        return False
    o = ord(c)
    return not (0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF)


def cmd_coverage(md, out):
    text = open(md, encoding='utf-8').read()
    merged = fc_coverage()
    if not merged:
        print('fc-list gave no charset')
        return 1
    missing = sorted({c for c in text if drawn(c) and
                      not covered(merged, ord(c))})
    kept = ''.join(c for c in text if c not in missing)
    open(out, 'w', encoding='utf-8').write(kept)
    if missing:
        print('left out %d: %s' % (len(missing), ' '.join(
            'U+%04X' % ord(c) for c in missing)))
    else:
        print('covered')
    return 0


def cmd_notdef(pdf, md):
    from pypdf import PdfReader
    from pypdf.generic import ContentStream, IndirectObject

    def raw(s):
        # the string's bytes as written (pypdf decodes some as text)
        if isinstance(s, bytes):
            return bytes(s)
        if hasattr(s, 'get_original_bytes'):
            return s.get_original_bytes()
        return s.original_bytes

    def res(o):
        return o.get_object() if isinstance(o, IndirectObject) else o

    reader = PdfReader(pdf)
    shown = 0
    zero = collections.Counter()   # font name -> CID 0 glyphs drawn
    other = set()                  # fonts that are not Type0
    seen = set()

    def walk(content, resources):
        nonlocal shown
        resources = res(resources) or {}
        fonts = res(resources.get('/Font')) or {}
        xobjects = res(resources.get('/XObject')) or {}
        font = None
        ops = ContentStream(content, reader).operations
        for operands, op in ops:
            if op == b'Tf':
                f = res(fonts.get(operands[0]))
                font = (str(operands[0]), f)
            elif op in (b'Tj', b"'", b'"', b'TJ'):
                if op == b'TJ':
                    strings = [s for s in operands[0]
                               if isinstance(s, (bytes, str))]
                else:
                    strings = [operands[-1]]
                if font is None:
                    continue
                name, f = font
                base = str(f.get('/BaseFont', name)) if f else name
                # Type0 (Identity-H): 2-byte CIDs; a simple font: 1-byte
                # codes, code 0 being where subsetters put .notdef
                width = 2 if f and f.get('/Subtype') == '/Type0' else 1
                if width == 1:
                    other.add(base)
                for s in strings:
                    b = raw(s)
                    for i in range(0, len(b) - width + 1, width):
                        shown += 1
                        if not any(b[i:i + width]):
                            zero[base] += 1
            elif op == b'Do':
                x = res(xobjects.get(operands[0]))
                if (x is not None and x.get('/Subtype') == '/Form' and
                        id(x) not in seen):
                    seen.add(id(x))
                    walk(x, x.get('/Resources') or resources)

    for page in reader.pages:
        c = page.get_contents()
        if c is not None:
            walk(c, page.get('/Resources'))
    text = open(md, encoding='utf-8').read().split('---', 2)[-1]
    letters = sum(1 for c in text if unicodedata.category(c)[0] in 'LN' or
                  (ord(c) > 0x2000 and drawn(c)))
    print('%d glyphs drawn (%d letters, digits and symbols in the page), '
          '%d of them CID 0' % (shown, letters, sum(zero.values())))
    for base, n in sorted(zero.items()):
        print('  %s: %d .notdef glyphs' % (base, n))
    if other:
        print('  simple fonts (1-byte codes, code 0 taken as .notdef): ' +
              ', '.join(sorted(other)))
    if shown * 2 < letters:
        print('  fewer glyphs drawn than half the letters: text is missing')
    return 0 if not zero and shown * 2 >= letters else 1


def cmd_symbols(md, got):
    text = open(md, encoding='utf-8').read().split('---', 2)[-1]
    want = sorted({c for c in text if unicodedata.category(c) in
                   ('So', 'Sm', 'Sk') and ord(c) > 0x7F})
    g = open(got, encoding='utf-8', errors='replace').read()
    missing = [c for c in want if c not in g]
    print('%d of %d symbols in the text layer' %
          (len(want) - len(missing), len(want)))
    if missing:
        print('missing: ' + ' '.join('U+%04X %s' % (ord(c), c)
                                     for c in missing))
    return 1 if missing or not want else 0


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == 'pages':
        return cmd_pages(*args)
    if cmd == 'recall':
        least = float(args[3]) if len(args) > 3 else 0.8
        return cmd_recall(args[0], args[1], args[2], least)
    if cmd == 'order':
        return cmd_order(*args)
    if cmd == 'symbols':
        return cmd_symbols(*args)
    if cmd == 'coverage':
        return cmd_coverage(*args)
    if cmd == 'notdef':
        return cmd_notdef(*args)
    print('unknown command ' + cmd, file=sys.stderr)
    return 2


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv))
    except Exception as e:  # a broken file is a failure, not a crash
        print('%s: %s' % (type(e).__name__, e))
        sys.exit(1)
