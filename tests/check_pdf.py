#!/usr/bin/env python3
"""check_pdf.py - content checks on mentorconv's PDF output (tests/group_pdf.sh).

  check_pdf.py words SOURCE.md OUT.txt       word coverage of the source in
                                             `pdftotext` output; prints the
                                             percentage, exits 1 below --min
  check_pdf.py markup OUT.txt SOURCE.md      no raw markup, no U+FFFD, no
                                             more '?' than the source has
  check_pdf.py headings OUT.html             no page but the last ends
                                             with a heading
  check_pdf.py bbox OUT.html [--margins T,R,B,L]
                                             every word box of `pdftotext
                                             -bbox` inside the text block

The source's words are what a reader would see on the web page: the front
matter title, then the Markdown with front matter, HTML tags and comments,
scripts, Liquid tags, kramdown IALs, URLs and image alt texts removed.
Words broken at a line end with a hyphen count whether the hyphen is kept
(socio-cultural) or not (develop-ment).
"""
import html
import re
import sys
from collections import Counter

WORD = re.compile(r"[^\W_]+")


def source_text(path):
    with open(path, encoding="utf-8") as f:
        s = f.read()
    title = ""
    m = re.match(r"---\s*\n(.*?)\n---\s*\n", s, re.S)
    if m:
        fm = m.group(1)
        s = s[m.end():]
        t = re.search(r"^title:\s*(.*)$", fm, re.M)
        if t:
            title = t.group(1).strip().strip("'\"")
    s = re.sub(r"<!--.*?-->", " ", s, flags=re.S)
    s = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", s, flags=re.S | re.I)
    s = re.sub(r"\{%.*?%\}", " ", s, flags=re.S)
    s = re.sub(r"\{\{.*?\}\}", " ", s, flags=re.S)
    s = re.sub(r"\{:[^}]*\}", " ", s)                 # kramdown IALs
    s = re.sub(r"\{#[^}]*\}", " ", s)
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", s)       # images
    s = re.sub(r"\]\([^)]*\)", "] ", s)               # link targets
    s = re.sub(r"^\s*\[[^\]]+\]:\s*\S+.*$", " ", s, flags=re.M)
    s = re.sub(r"\[\^[^\]]*\]:?", " ", s)             # footnote labels
    s = re.sub(r"<[^>]*>", " ", s, flags=re.S)        # HTML tags
    s = re.sub(r"(https?|ftp)://\S+", " ", s)
    s = re.sub(r"www\.\S+", " ", s)
    s = html.unescape(s)
    return title + "\n" + s


def tokens(s):
    s = s.replace("\u00ad", "")
    return [w.lower() for w in WORD.findall(s)]


def pdf_counts(txt):
    joined = re.sub(r"-\s*\n\s*", "", txt)
    spaced = re.sub(r"-\s*\n\s*", " ", txt)
    a, b = Counter(tokens(joined)), Counter(tokens(spaced))
    for k, v in b.items():
        if v > a[k]:
            a[k] = v
    return a


def words(src, out, minimum):
    with open(out, encoding="utf-8", errors="replace") as f:
        txt = f.read()
    want = Counter(tokens(source_text(src)))
    have = pdf_counts(txt)
    # pdftotext joins a word broken after a hyphen at a line end, so a
    # compound like youth-centered may come out as youthcentered
    for t, n in list(have.items()):
        if t in want:
            continue
        for i in range(2, len(t) - 1):
            if t[:i] in want and t[i:] in want:
                have[t[:i]] += n
                have[t[i:]] += n
                break
    total = sum(want.values())
    found = sum(min(n, have[w]) for w, n in want.items())
    pct = 100.0 * found / total if total else 100.0
    missing = [w for w, n in want.items() if have[w] < n]
    print("%.2f" % pct)
    if pct < minimum:
        print(" missing: " + " ".join(sorted(missing)[:40]))
        return 1
    return 0


def markup(out, src):
    with open(out, encoding="utf-8", errors="replace") as f:
        txt = f.read()
    with open(src, encoding="utf-8") as f:
        raw = f.read()
    # the running header repeats the title on every page
    m = re.search(r"^title:\s*(.*)$", raw.split("\n---", 1)[0], re.M)
    if m:
        title = m.group(1).strip().strip("'\"")
        txt = "\n".join(l for l in txt.split("\n") if l.strip() != title)
        raw += "\n" + title
    bad = [m for m in ("{:", "markdown=", "<div", "{{", "target=") if m in txt]
    if "\ufffd" in txt:
        bad.append("U+FFFD")
    # a '?' must come from the source, not stand for a missing glyph: the
    # word around each one must be in the source with its '?'
    joined = raw.replace("-", "")
    for m in re.finditer(r"[^\s?]*\?+[^\s?]*", txt):
        if "://" in m.group(0) or m.group(0).startswith("youtu"):
            continue  # a printed URL's query string
        core = re.search(r"[^\W\d_]*\?", m.group(0))
        if core and core.group(0) not in raw and core.group(0) not in joined:
            bad.append("'%s' has a '?' the source does not" % m.group(0))
            break
    if bad:
        print(" found: " + ", ".join(bad))
        return 1
    return 0


def bbox(out, margins):
    t, r, b, l = margins
    with open(out, encoding="utf-8", errors="replace") as f:
        doc = f.read()
    bad = []
    for pm in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', doc, re.S):
        pw, ph = float(pm.group(1)), float(pm.group(2))
        for wm in re.finditer(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', pm.group(3)):
            x0, y0, x1, y1 = (float(wm.group(i)) for i in range(1, 5))
            eps = 0.6
            if x0 < l - eps or x1 > pw - r + eps or y0 < t - eps or y1 > ph - b + eps:
                bad.append("%s (%.1f,%.1f)-(%.1f,%.1f)" % (wm.group(5), x0, y0, x1, y1))
    if bad:
        print(" %d word(s) outside the text block, e.g. %s" % (len(bad), "; ".join(bad[:5])))
        return 1
    return 0


def headings(out, bottom_margin=72.0, band=24.0, body=11.0):
    """No page but the last ends with a heading: the lowest line of the
    body (above the footer band) is not set larger than the body text."""
    with open(out, encoding="utf-8", errors="replace") as f:
        doc = f.read()
    pages = list(re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', doc, re.S))
    bad = []
    for n, pm in enumerate(pages[:-1], 1):
        ph = float(pm.group(2))
        words = []
        for wm in re.finditer(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', pm.group(3)):
            y0, y1 = float(wm.group(2)), float(wm.group(4))
            if y0 < ph - bottom_margin - band:
                words.append((y1, y1 - y0, wm.group(5)))
        if not words:
            continue
        low = max(w[0] for w in words)
        line = [w for w in words if abs(w[0] - low) < 2]
        if max(w[1] for w in line) > body * 1.45:
            bad.append("page %d ends with %r" % (n, " ".join(w[2] for w in line)))
    if bad:
        print(" " + "; ".join(bad[:5]))
        return 1
    return 0


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    cmd = argv[1]
    if cmd == "words":
        minimum = 97.0
        if "--min" in argv:
            minimum = float(argv[argv.index("--min") + 1])
        return words(argv[2], argv[3], minimum)
    if cmd == "markup":
        return markup(argv[2], argv[3])
    if cmd == "bbox":
        m = (72.0, 72.0, 72.0, 72.0)
        if "--margins" in argv:
            m = tuple(float(x) for x in argv[argv.index("--margins") + 1].split(","))
        return bbox(argv[2], m)
    if cmd == "headings":
        return headings(argv[2])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
