#!/usr/bin/env python3
"""check_recall.py - how much of a page's visible source text an output holds.

    check_recall.py SOURCE.md OUTPUT...   (OUTPUT: .pdf, .epub, .docx, .txt)

Prints one line per output: `RECALL <fraction> <found>/<words> <output>`
then, with --missing, the source words not found (at most 20); and, when
the page has code samples (Liquid `highlight` blocks and fenced code), a
line `CODE <found>/<lines> <output>` counting the samples' non-blank lines
found in the output (whitespace ignored; a PDF code line wrapped with the
continuation mark U+21AA read as one line), with --missing the lines lost.

The source's visible words are taken from the Markdown the way a reader of
the rendered web page would see them, independently of mentorconv's own
parser: front matter, code fences' info strings (the language, not
shown), comments (HTML, Liquid, kramdown), Liquid tags and output, HTML
tags and their attributes, style/script bodies, link and image targets,
image alt texts (an attribute, not page text), reference definitions,
kramdown IALs/ALDs and abbreviation definitions are removed.  Words are
runs of letters and digits (Unicode), compared case-folded, as a
multiset: a word written five times must be found five times.

Exit status 0; the caller sets the threshold.
"""
import collections
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser

WORD = re.compile(r"[^\W_]+", re.UNICODE)


def source_text(md):
    t = md.replace("\r\n", "\n")
    if t.startswith("---\n"):
        end = t.find("\n---", 4)
        if end < 0:
            end = t.find("\n...", 4)
        if end >= 0:
            t = t[t.find("\n", end + 1) + 1:] if t.find("\n", end + 1) >= 0 else ""
    # a fence's info string (the language) is not shown
    t = re.sub(r"(?m)^( {0,3})(`{3,}|~{3,})[^\n`]*$", r"\1\2", t)
    # comments of every kind
    t = re.sub(r"<!--.*?-->", " ", t, flags=re.S)
    t = re.sub(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", " ", t,
               flags=re.S)
    t = re.sub(r"\{::comment\}.*?\{:/comment\}", " ", t, flags=re.S)
    t = re.sub(r"\{::comment\s*/\}", " ", t)
    t = re.sub(r"\{::options[^}]*\}", " ", t)
    # raw: keep the text between the tags
    t = re.sub(r"\{%-?\s*(?:end)?raw\s*-?%\}", " ", t)
    # Liquid output that starts a link target (`]({{ site.baseurl }}/x)`)
    # is part of the target, removed below
    t = re.sub(r"\]\(\s*\{\{.*?\}\}", "](", t)
    # Liquid tags and output (their values are not in the source)
    t = re.sub(r"\{%.*?%\}", " ", t, flags=re.S)
    t = re.sub(r"\{\{.*?\}\}", " ", t, flags=re.S)
    # invisible HTML element bodies
    t = re.sub(r"<(style|script|noscript|title)\b.*?</\1\s*>", " ", t,
               flags=re.S | re.I)
    # a closed <select> shows its selected option (else its first) only
    def shown(m):
        opts = re.findall(r"<option\b([^>]*)>(.*?)(?=<option\b|</select)",
                          m.group(0), flags=re.S | re.I)
        pick = [o for o in opts if re.search(r"\bselected\b", o[0], re.I)]
        return " " + ((pick or opts or [("", "")])[0][1]) + " "
    t = re.sub(r"<select\b.*?</select\s*>", shown, t, flags=re.S | re.I)
    # images (alt is an attribute), link targets, autolinks, bare URLs
    t = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", t)
    t = re.sub(r"!\[[^\]]*\]\[[^\]]*\]", " ", t)
    t = re.sub(r"\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)", "] ", t)
    t = re.sub(r"<(?:https?|mailto|ftp):[^>]*>", " ", t)
    # definitions: link references, footnote labels, abbreviations, ALDs
    t = re.sub(r"(?m)^ {0,3}\[[^\]^]+\]:\s*\S+.*$", " ", t)
    t = re.sub(r"(?m)^ {0,3}\*\[[^\]]+\]:.*$", " ", t)
    t = re.sub(r"(?m)^ {0,3}\{:[\w-]+:[^}]*\}\s*$", " ", t)
    t = re.sub(r"\[\^[^\]]+\]:?", " ", t)
    # IALs and header ids
    t = re.sub(r"\{:[^}\n]*\}", " ", t)
    t = re.sub(r"\{#[\w-]+\}", " ", t)
    # HTML tags with their attributes
    t = re.sub(r"<[A-Za-z/!][^>]*>", " ", t)
    t = re.sub(r"\b(?:https?|ftp)://\S+", " ", t)
    t = re.sub(r"\bwww\.\S+", " ", t)
    # ordered list numbers (the output numbers its lists itself)
    t = re.sub(r"(?m)^[ \t>]*\d{1,9}[.)](?=[ \t])", " ", t)
    # entities
    t = re.sub(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);", " ", t)
    return t


def code_lines(md):
    """The non-blank lines of the page's code samples, as a reader sees
    them: Liquid `raw` tags removed, lines still holding Liquid skipped."""
    out = []
    t = md.replace("\r\n", "\n")
    blocks = re.findall(r"\{%-?\s*highlight\b[^%]*%\}(.*?)\{%-?\s*endhighlight\s*-?%\}",
                        t, flags=re.S)
    blocks += [m[2] for m in re.findall(
        r"(?m)^( {0,3})(`{3,}|~{3,})[^\n]*\n(.*?)^ {0,3}\2[`~]*[ \t]*$", t,
        flags=re.S)]
    for b in blocks:
        b = re.sub(r"\{%-?\s*(?:end)?raw\s*-?%\}", "", b)
        for line in b.split("\n"):
            if line.strip() and "{%" not in line and "{{" not in line:
                out.append(re.sub(r"\s+", "", line))
    return out


def words(text):
    return [w.casefold() for w in WORD.findall(text)]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "head"):
            self.skip += 1
        self.out.append(" ")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "head") and self.skip:
            self.skip -= 1
        self.out.append(" ")

    def handle_data(self, d):
        if not self.skip:
            self.out.append(d)


def output_text(path):
    if path.endswith(".pdf"):
        r = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", path, "-"],
                           capture_output=True, check=True)
        t = r.stdout.decode("utf-8", "replace")
        # a code line too long for the page goes on after a line break
        # and the continuation mark U+21AA: one line
        t = re.sub(r"[ \t]*\n[ \t]*\u21aa[ \t]?", "", t)
        # a word broken at a line end after a hyphen: one word if the
        # hyphen was the break's, two if it was the word's own
        return re.sub(r"(\w+)[-\u00ad\u2010]\s*\n\s*(\w+)", r"\1\2 \1 \2", t)
    if path.endswith(".epub") or path.endswith(".docx"):
        parts = []
        with zipfile.ZipFile(path) as z:
            for n in sorted(z.namelist()):
                if path.endswith(".epub") and n.endswith(".xhtml") \
                        and not n.endswith("nav.xhtml"):
                    p = _Text()  # it decodes the references itself
                    p.feed(z.read(n).decode("utf-8"))
                    parts.append("".join(p.out))
                elif path.endswith(".docx") and n in (
                        "word/document.xml", "word/footnotes.xml"):
                    x = z.read(n).decode("utf-8")
                    x = re.sub(r"</w:p>|<w:tab/>|<w:br/>", " \n", x)
                    # a paragraph's runs are read as one text
                    import html as _h
                    parts.append(_h.unescape("\n".join(
                        "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p))
                        for p in x.split(" \n"))))
        return "\n".join(parts)
    with open(path, encoding="utf-8") as f:
        return f.read()


def recall(src_words, out_words):
    have = collections.Counter(out_words)
    need = collections.Counter(src_words)
    found = sum(min(c, have[w]) for w, c in need.items())
    missing = sorted(w for w, c in need.items() if have[w] < c)
    total = sum(need.values())
    return found, total, missing


def main(argv):
    show = "--missing" in argv
    args = [a for a in argv[1:] if a != "--missing"]
    if len(args) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8", errors="replace") as f:
        md = f.read()
    src = words(source_text(md))
    code = code_lines(md)
    for out in args[1:]:
        text = output_text(out)
        found, total, missing = recall(src, words(text))
        frac = found / total if total else 1.0
        print(f"RECALL {frac:.4f} {found}/{total} {out}")
        if show and missing:
            print("  missing: " + " ".join(missing[:20]))
        if code:
            flat = re.sub(r"\s+", "", text)
            lost = [c for c in code if c not in flat]
            print(f"CODE {len(code) - len(lost)}/{len(code)} {out}")
            if show and lost:
                print("  lost: " + " | ".join(lost[:8]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
