#!/usr/bin/env bash
# group_epub.sh BINARY SHARED TMPDIR SANITIZED - the EPUB backend's tests.
#
# Run by tests/run.sh from the repo root.  Prints `PASS name`, `FAIL name`
# (detail lines start with a space), `SKIP name`, and `# ...` notes.
#   - every corpus page, the seed, every fixture and a made-up page that
#     has what the corpus lacks (footnotes, internal links, images with
#     and without alt text, tasks, blanks, spans) convert with exit 0;
#   - each EPUB is checked here without epubcheck: mimetype first and
#     stored, well-formed XHTML, unique ids, every internal link resolves,
#     no <iframe>, no leaked markup, the words of the source in the spine;
#   - the seed's quotation, video card and worksheet;
#   - determinism and SOURCE_DATE_EPOCH;
#   - documents of sections (a module folder, the course at the site root,
#     a --worksheets pack): one spine file per section in order, each
#     opening with its title, links across files resolve, the toc nests
#     parts -> chapters -> headings, the words of every source are in the
#     book, two runs give the same bytes;
#   - on the release build only (SANITIZED=0): epubcheck on every EPUB, in
#     two JVMs that check many books each (one JVM start-up per book would
#     take ten seconds each).
set -u
BIN=$1 SHARED=$2 T=$3 SANITIZED=$4
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
PY=${PYTHON:-python3}
TMO=${MC_TEST_TIMEOUT:-60}
EPUBCHECK=${EPUBCHECK_JAR:-/usr/share/java/epubcheck.jar}
SEED=$SHARED/seed/what-is-mentoring.md
mkdir -p "$T"

. tests/lib_group.sh
t() { if [ -z "$2" ]; then pass "$1"; else fail "$1" "$2"; fi; }

# ---- the checker (python3, standard library only) ----------------------
cat >"$T/check_epub.py" <<'PYEOF'
"""check_epub.py - checks on EPUBs made by mentorconv, without epubcheck.

  check_epub.py container EPUB...      mimetype first/stored/no extra field,
                                       container -> OPF -> spine, well-formed
                                       XHTML, unique ids, links resolve,
                                       no <iframe>, no remote resources
  check_epub.py words MIN AVG (MD EPUB)...   word coverage of the spine
  check_epub.py leaks EPUB...          no raw markup in the spine's text
  check_epub.py sections JSON EPUB     a document of sections (its JSON
                                       dump): one spine file per section,
                                       named c001.xhtml..., each starting
                                       with its section's title; the toc
                                       nests parts -> chapters -> headings
Prints one line per problem; exit 1 if any."""
import collections, html, re, struct, sys, zipfile
import xml.etree.ElementTree as ET

XH = '{http://www.w3.org/1999/xhtml}'
OPF = '{http://www.idpf.org/2007/opf}'
EPNS = '{http://www.idpf.org/2007/ops}'


def mimetype_problem(path):
    with open(path, 'rb') as f:
        head = f.read(30 + 8 + 20)
    if len(head) < 30 or head[:4] != b'PK\x03\x04':
        return 'not a ZIP file'
    method, = struct.unpack('<H', head[8:10])
    nlen, xlen = struct.unpack('<HH', head[26:30])
    name = head[30:30 + nlen]
    if name != b'mimetype':
        return 'first entry is %r, not mimetype' % name
    if method != 0:
        return 'mimetype is compressed (method %d)' % method
    if xlen != 0:
        return 'mimetype has an extra field (%d bytes)' % xlen
    with open(path, 'rb') as f:
        f.seek(30 + nlen)
        if f.read(20) != b'application/epub+zip':
            return 'mimetype content is wrong'
    return None


def spine(z):
    """[(name, linear)] of the spine's documents, and the OPF tree."""
    c = ET.fromstring(z.read('META-INF/container.xml'))
    rf = c.find('.//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile')
    opf_path = rf.get('full-path')
    base = opf_path.rsplit('/', 1)[0] + '/' if '/' in opf_path else ''
    opf = ET.fromstring(z.read(opf_path))
    items = {i.get('id'): i for i in opf.iter(OPF + 'item')}
    out = []
    for ir in opf.iter(OPF + 'itemref'):
        out.append((base + items[ir.get('idref')].get('href'),
                    ir.get('linear', 'yes') != 'no'))
    return out, opf, base, items


def text_of(el, skip_code=False):
    """Text of an XHTML element: text nodes plus img alt, block-separated."""
    parts = []

    def walk(e):
        tag = e.tag.replace(XH, '')
        if skip_code and tag in ('code', 'pre'):
            if e.tail:
                parts.append(e.tail)
            return
        if tag == 'img':
            parts.append(' ' + (e.get('alt') or '') + ' ')
        sep = tag in ('sup', 'sub') or 'image-missing' in (e.get('class') or '')
        if sep:  # the source has a tag (so a space) here
            parts.append(' ')
        if e.text:
            parts.append(e.text)
        for ch in e:
            walk(ch)
        if sep or tag in ('p', 'li', 'div', 'td', 'th', 'h1', 'h2', 'h3', 'h4',
                          'h5', 'h6', 'br', 'figcaption', 'summary', 'aside',
                          'figure', 'blockquote', 'pre', 'section', 'details'):
            parts.append(' ')
        if e.tail:
            parts.append(e.tail)
    walk(el)
    return ''.join(parts)


def check_container(path):
    probs = []
    p = mimetype_problem(path)
    if p:
        probs.append(p)
    z = zipfile.ZipFile(path)
    names = set(z.namelist())
    docs, opf, base, items = spine(z)
    for i in items.values():
        if base + i.get('href') not in names:
            probs.append('manifest item %s is not in the container' % i.get('href'))
    ids_by_doc = {}
    trees = {}
    for n in sorted(names):
        if not n.endswith('.xhtml'):
            continue
        try:
            root = ET.fromstring(z.read(n))
        except ET.ParseError as e:
            probs.append('%s is not well-formed: %s' % (n, e))
            continue
        trees[n] = root
        seen = collections.Counter(e.get('id') for e in root.iter() if e.get('id') is not None)
        for i, k in seen.items():
            if k > 1:
                probs.append('%s: id %r used %d times' % (n, i, k))
            if not re.match(r'^[A-Za-z_][A-Za-z0-9_.-]*$', i):
                probs.append('%s: id %r is not an XML name' % (n, i))
        ids_by_doc[n] = set(seen)
    for n, root in trees.items():
        d = n.rsplit('/', 1)[0] + '/' if '/' in n else ''
        for e in root.iter():
            tag = e.tag.replace(XH, '')
            if tag in ('iframe', 'script', 'object', 'embed', 'form', 'input'):
                probs.append('%s: <%s> element' % (n, tag))
            for attr in ('src', 'href'):
                u = e.get(attr)
                if u is None:
                    continue
                if re.match(r'^[a-zA-Z][a-zA-Z0-9+.-]*:', u):
                    if attr == 'src' or tag == 'link':
                        probs.append('%s: remote resource %s' % (n, u))
                    elif not re.match(r'^(https?|mailto|ftp|tel):', u):
                        probs.append('%s: link with scheme %s' % (n, u))
                    continue
                target, _, frag = u.partition('#')
                tgt = d + target if target else n
                if tgt not in names:
                    probs.append('%s: %s="%s" points to no file' % (n, attr, u))
                elif frag and frag not in ids_by_doc.get(tgt, set()):
                    probs.append('%s: %s="%s": no such id' % (n, attr, u))
    # the nav: toc present, no empty <ol>
    for n, root in trees.items():
        for nav in root.iter(XH + 'nav'):
            if nav.get(EPNS + 'type') == 'toc':
                ol = nav.find(XH + 'ol')
                if ol is None or not list(ol):
                    probs.append('%s: the toc has no entries' % n)
                for o in nav.iter(XH + 'ol'):
                    if not list(o):
                        probs.append('%s: empty <ol> in the toc' % n)
    if not any(root.find('.//' + XH + 'nav') is not None for root in trees.values()):
        probs.append('no navigation document')
    return ['%s: %s' % (path, p) for p in probs]


def source_words(md):
    s = md
    s = re.sub(r'\A\ufeff', '', s)
    s = re.sub(r'\A---\s*\n.*?\n(---|\.\.\.)\s*\n', '', s, flags=re.S)
    s = re.sub(r'<!--.*?-->', ' ', s, flags=re.S)
    s = re.sub(r'<(script|style)\b.*?</\1\s*>', ' ', s, flags=re.S | re.I)
    s = re.sub(r'\{\{.*?\}\}|\{%.*?%\}', ' ', s, flags=re.S)      # Liquid
    s = re.sub(r'\{:[^}]*\}|\{#[^}]*\}', ' ', s)                 # IALs
    s = re.sub(r'<[^>]*>', ' ', s)                               # tags
    s = re.sub(r'^(\s*)\d+[.)](?=\s)', r'\1', s, flags=re.M)       # list numbers
    s = re.sub(r'^\s*\[[^\]]+\]:\s*\S+.*$', ' ', s, flags=re.M)   # link defs
    s = re.sub(r'\[\^[^\]]*\]:?', ' ', s)                        # footnote labels
    s = re.sub(r'\]\([^)\s]*(\s+"[^"]*")?\)', '] ', s)           # link targets
    s = re.sub(r'(https?|ftp)://\S+|www\.\S+|mailto:\S+', ' ', s)  # bare URLs
    s = html.unescape(s)
    return words(s)


def words(s):
    return [w.lower() for w in re.findall(r'[^\W_]+', s)]


def spine_text(path, skip_code=False):
    z = zipfile.ZipFile(path)
    docs, _, _, _ = spine(z)
    out = []
    for name, linear in docs:
        if not linear:
            continue
        root = ET.fromstring(z.read(name))
        body = root.find(XH + 'body')
        out.append(text_of(body, skip_code))
    return ' '.join(out)


def check_words(mn, avg, pairs):
    probs, covs = [], []
    for md, ep in pairs:
        src = collections.Counter(source_words(open(md, encoding='utf-8', errors='replace').read()))
        got = collections.Counter(words(spine_text(ep)))
        total = sum(src.values())
        if not total:
            continue
        hit = sum(min(k, got[w]) for w, k in src.items())
        cov = 100.0 * hit / total
        covs.append((cov, md))
        if cov < mn:
            missing = sorted(w for w in src if got[w] < src[w])[:20]
            probs.append('%s: %.1f%% of its words (< %g%%); missing e.g. %s'
                         % (md, cov, mn, ' '.join(missing)))
    if covs:
        mean = sum(c for c, _ in covs) / len(covs)
        print('# words: %d files with text, average %.2f%%, lowest %.2f%% (%s)'
              % (len(covs), mean, min(covs)[0], min(covs)[1].rsplit('/', 1)[-1]))
        if mean < avg:
            probs.append('average word coverage %.2f%% < %g%%' % (mean, avg))
    return probs


def check_leaks(paths):
    probs = []
    for p in paths:
        t = spine_text(p, skip_code=True)
        for bad in ('{:', 'markdown=', '<div', '{{', 'target=', '</', '&nbsp;'):
            i = t.find(bad)
            if i >= 0:
                probs.append('%s: %r in the text: ...%s...' % (p, bad, t[max(0, i - 30):i + 30]))
    return probs


def json_text(node):
    if node.get('type') in ('text', 'code'):
        return node.get('text', '')
    if node.get('type') in ('softbreak', 'linebreak'):
        return ' '
    return ''.join(json_text(c) for c in node.get('children', []))


def check_sections(jpath, epath):
    """The EPUB of a document of sections against its JSON dump."""
    import json
    probs = []
    doc = json.load(open(jpath, encoding='utf-8'))
    # the files the book must have, in reading order: [title words or
    # None, the indexes of a part's chapter files, kind, top level]
    want = []

    def plan(nodes, top):
        run = False
        for n in nodes:
            t = n.get('type')
            if t == 'footnote_def':
                run = False
                continue
            if t == 'section':
                run = False
                title = words(json_text(n['children'][0]))
                if top and n.get('kind') == 'part':
                    w = [title, [], 'part', True]
                    want.append(w)
                    rest = n['children']
                    i = 0
                    while i < len(rest) and rest[i].get('type') != 'section':
                        i += 1
                    before = len(want)
                    plan(rest[i:], False)
                    w[1] = [k for k in range(before, len(want)) if want[k][0] is not None]
                else:
                    want.append([title, [], n.get('kind'), top])
            elif not run:
                want.append([None, [], None, top])
                run = True
    plan(doc['body'], True)
    nsec = sum(1 for w in want if w[0] is not None)
    if not nsec:
        return ['%s: the JSON has no sections' % jpath]
    z = zipfile.ZipFile(epath)
    docs, _, base, _ = spine(z)
    lin = [d for d, l in docs if l]
    names = ['%sc%03d.xhtml' % (base, i + 1) for i in range(len(want))]
    if lin != names:
        probs.append('spine has %d files %s..., expected %d (%d sections): %s...'
                     % (len(lin), lin[:3], len(want), nsec, names[:3]))
        return probs
    for (title, kids, kind, top), name in zip(want, names):
        root = ET.fromstring(z.read(name))
        body = root.find(XH + 'body')
        if title is None:
            continue
        h = next((e for e in body.iter() if re.match(r'^h[1-6]$', e.tag.replace(XH, ''))), None)
        got = words(text_of(h)) if h is not None else None
        if got != title:
            probs.append('%s starts with %r, expected the section title %r' % (name, got, title))
        sec = body.find(XH + 'section')
        if sec is None or sec.get(EPNS + 'type') != ('part' if kind == 'part' else 'chapter'):
            probs.append('%s: no <section epub:type=%s>' % (name, 'part' if kind == 'part' else 'chapter'))
    # the toc: its top level lists the top-level sections' files in order,
    # a part's entry lists its chapters' files
    nav = ET.fromstring(z.read(base + 'nav.xhtml'))
    toc = next(n for n in nav.iter(XH + 'nav') if n.get(EPNS + 'type') == 'toc')

    def entries(ol):
        out = []
        for li in ol.findall(XH + 'li'):
            a = li.find(XH + 'a')
            sub = li.find(XH + 'ol')
            out.append((base + a.get('href').split('#')[0], sub))
        return out
    top = entries(toc.find(XH + 'ol'))
    want_top = [n for w, n in zip(want, names) if w[0] is not None and w[3]]
    got_top = [f for f, _ in top if f in want_top]
    if got_top != want_top:
        probs.append('toc top level lists %s, expected %s' % (got_top[:6], want_top[:6]))
    for w, name in zip(want, names):
        if w[2] != 'part':
            continue
        ent = next((sub for f, sub in top if f == name), None)
        wk = [names[k] for k in w[1]]
        gk = [f for f, _ in entries(ent)] if ent is not None else []
        gk = [f for f in gk if f != name and f in names]
        if gk != wk:
            probs.append('toc entry of part %s lists %s, expected its chapters %s' % (name, gk[:5], wk[:5]))
    print('# sections: %s: %d files, %d sections, %d top-level toc entries'
          % (epath.rsplit('/', 1)[-1], len(lin), nsec, len(top)))
    return ['%s: %s' % (epath, p) for p in probs]


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'container':
        probs = [p for a in args for p in check_container(a)]
    elif cmd == 'words':
        mn, avg = float(args[0]), float(args[1])
        rest = args[2:]
        probs = check_words(mn, avg, list(zip(rest[0::2], rest[1::2])))
    elif cmd == 'leaks':
        probs = check_leaks(args)
    elif cmd == 'sections':
        probs = check_sections(args[0], args[1])
    elif cmd == 'mimetype':  # for the negative control
        probs = [p for p in (mimetype_problem(a) for a in args) if p]
    else:
        sys.exit('unknown command ' + cmd)
    for p in probs:
        print(p)
    sys.exit(1 if probs else 0)


main()
PYEOF

CHECK=("$PY" "$T/check_epub.py")
conv() { timeout "$TMO" "$BIN" "$@" </dev/null >"$T/stdout" 2>"$T/stderr"; }
sanitizer_report() { grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T/stderr"; }

# ---- inputs -------------------------------------------------------------
corpus=()
if [ -d "$SHARED/corpus" ]; then
	while IFS= read -r f; do corpus+=("$f"); done \
		< <(find "$SHARED/corpus" -name '*.md' -type f | LC_ALL=C sort)
fi
[ -f "$SEED" ] && corpus+=("$SEED")

# A made-up site page with what the corpus lacks.
site=$T/site
mkdir -p "$site/_posts" "$site/img"
printf 'title: Test Site\nbaseurl: /\n' >"$site/_config.yml"
"$PY" - "$site/img" <<'PYEOF'
import struct, sys, zlib
def png(w, h):
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    raw = b''.join(b'\x00' + b'\xff\x80\x00' * w for _ in range(h))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
open(sys.argv[1] + '/dot.png', 'wb').write(png(4, 3))
open(sys.argv[1] + '/fake.png', 'wb').write(b'this is not an image')
PYEOF
cat >"$site/_posts/2000-01-01-extras.md" <<'EOF'
---
title: Extras & <Edge> "Cases"
lang: en-GB
author: Ann & Bo
---
Intro with a footnote[^a], another[^b] and the first again[^a].
See [the table](#table-time), a [dangling link](#nowhere), a
[relative page](/basics/intro/) and [mail](mailto:someone@example.org).

### Deep heading first

## Table time

| Name | Value |
|:-----|------:|
| one  | 1     |

<table>
<tr><th colspan="2">Wide header</th></tr>
<tr><td rowspan="2">tall</td><td>right</td></tr>
<tr><td>below</td></tr>
</table>

# Top level

- [ ] open task
- [x] done task

Fill in: the answer is ____ and ______.

![A dot]({{ site.baseurl }}/img/dot.png)

Inline ![](/img/dot.png) without alt, ![remote](https://example.org/r.png)
and ![not an image](/img/fake.png).

<details><summary>More</summary>

Hidden text here.

</details>

<div class="callout activity" markdown="1">
## Worksheet #1: Try it

* What would you do?
* I think...
</div>

[^a]: Note A with *emphasis*.
[^b]: Note B.
EOF

# A page of odd constructs: id clashes with generated ids, links inside
# links, notes inside links, images in headings, tables without rows or
# with late header rows, nested callouts and details, unusual URL schemes,
# an internationalized host, answers with absurd line counts, embeds in
# table cells, images without alt text.
cat >"$site/_posts/2000-01-02-odd.md" <<'EOF'
---
title: Torture "test" & <friends>
lang: fr_CA
---
# Same {#title}

## Footnote id clash {#fn-1}

Paragraph with an id.
{: #para-id}

See [the para](#para-id), [clash](#fn-1), [title](#title), [toc](#toc), [odd](#1:foo).

### Odd id {#1:foo}

Link with note inside: [text[^1]](http://example.org/a) and ![img **alt** "q"](/img/dot.png "A title") in text.

<a href="http://x.org"><a href="http://y.org">nested</a></a>

## ![Only an image](/img/dot.png)

## [Linked heading](#para-id)

###### Six

<table></table>

<table>
<tr><td>body first</td></tr>
<tr><th>header later</th></tr>
</table>

<table><thead><tr><th>A</th><th>B</th></tr></thead>
<tr><td><ul><li>one</li><li>two<ul><li>deep</li></ul></li></ul></td><td><b>bold</b><br/>x</td></tr></table>

0. zero start
1. next

-3. not a list

```py {linenos="a<b>"}
code <with> & "quotes"
```

<div class="callout info" markdown="1">
Outer
<div class="callout case-study" markdown="1">
### Inner title
Inner text
***
</div>
</div>

<div markdown="1" class="colorhighlight color2">
Highlighted [link](../other.md) [file](file:///etc/passwd) [data](data:text/plain,hi) [tel](tel:+123) [ftp](ftp://host/f) [uni](https://例え.jp/パス) [sp](<http://a.b/c d>) <foo@bar.com>
</div>

<details><summary>Outer <b>bold</b></summary>

<details><summary>Inner</summary>

- item in inner details
</details>

</details>

- list item
  <details><summary>In list</summary>Text</details>

<div class="callout activity" markdown="1">
## Worksheet #9: All kinds

* Question one?
* [ ] a task
* Starter...

A paragraph answer.
{: .answer lines="100"}

Blank: ___ and ____________________________________________________________________________ long.
</div>

<iframe src="https://player.vimeo.com/video/12345" title="A &quot;quoted&quot; title"></iframe>
<iframe></iframe>
<iframe src="https://unknown.example.com/embed/x"></iframe>

| <iframe src="https://www.youtube.com/embed/abc"></iframe> | cell |
|---|---|
| x | y |

Emoji 😀, RTL שלום, CJK 漢字, ZWJ 👨‍👩‍👧, LS here, NEL here, FF here.

<img src="/img/dot.png" width="50%" height="10" alt="pct">
<img src="/img/missing.png">

Undefined [^nope] ref. Sup<sup>2</sup> sub<sub>x</sub> ~~strike~~ `code`.

[^1]: First note.

    Second paragraph with a list:

    - a
    - b
EOF

# ---- conversions ------------------------------------------------------------
fx=()
for f in fixtures/*.md; do
	[ -e "${f%.md}.err" ] && continue # expected failures: not a document
	fx+=("$f")
done
demo=examples/demo-site/modules/demo/_posts/2000-01-01-welcome.md
[ -f "$demo" ] && fx+=("$demo")
all=("${corpus[@]}" "${fx[@]}" "$site/_posts/2000-01-01-extras.md" "$site/_posts/2000-01-02-odd.md")
mkdir -p "$T/out"
declare -A epub_of=()
why=
n=0
for f in "${all[@]}"; do
	n=$((n + 1))
	out=$T/out/$(printf '%03d' $n)-$(basename "$f" .md).epub
	conv "$f" -o "$out"
	rc=$?
	if sanitizer_report; then
		why+="$f: sanitizer report"$'\n'"$(grep -m 5 -E 'Sanitizer|runtime error' "$T/stderr")"$'\n'
	elif [ $rc -ne 0 ] || [ ! -s "$out" ]; then
		why+="$f: exit $rc: $(head -n 3 "$T/stderr")"$'\n'
	else
		epub_of[$f]=$out
	fi
	[ "$f" = "$site/_posts/2000-01-01-extras.md" ] && cp "$T/stderr" "$T/extras.err"
done
if [ ${#corpus[@]} -eq 0 ]; then
	echo "# notice: $SHARED/corpus not found: only fixtures and the made-up page"
	skip "epub corpus conversions ($SHARED/corpus not found)"
fi
t "epub: ${#all[@]} pages convert with exit 0 (corpus, seed, fixtures, demo, made-up pages)" "$why"

epubs=()
for f in "${all[@]}"; do [ -n "${epub_of[$f]:-}" ] && epubs+=("${epub_of[$f]}"); done

# ---- documents of sections: a module, the course, a worksheet pack ----------
CL=$SHARED/corpus/connectedlib
MOD=$CL/modules/mentoring
declare -A sec_epub=() sec_json=()
if [ ! -d "$MOD" ] || [ ! -f "$CL/_config.yml" ]; then
	skip "epub sections: module, course and worksheet pack ($CL not found)"
else
	why=
	for spec in "module|$MOD|" "course|$CL|" "worksheets|$MOD|--worksheets"; do
		IFS='|' read -r name in opt <<<"$spec"
		for fmt in epub json; do
			SOURCE_DATE_EPOCH=1700000000 conv $opt "$in" -o "$T/sec-$name.$fmt"
			rc=$?
			if sanitizer_report; then
				why+="$name ($fmt): sanitizer report"$'\n'"$(grep -m 5 -E 'Sanitizer|runtime error' "$T/stderr")"$'\n'
			elif [ $rc -ne 0 ] || [ ! -s "$T/sec-$name.$fmt" ]; then
				why+="$name ($fmt): exit $rc: $(head -n 3 "$T/stderr")"$'\n'
			elif [ $fmt = epub ]; then
				sec_epub[$name]=$T/sec-$name.epub
			else
				sec_json[$name]=$T/sec-$name.json
			fi
		done
	done
	t "epub sections: a module folder, the course and a --worksheets pack convert with exit 0" "$why"

	why=
	for name in module course worksheets; do
		[ -n "${sec_epub[$name]:-}" ] && [ -n "${sec_json[$name]:-}" ] || continue
		epubs+=("${sec_epub[$name]}") # for the package checks and epubcheck
		out=$("${CHECK[@]}" sections "${sec_json[$name]}" "${sec_epub[$name]}" 2>&1)
		grep '^# ' <<<"$out"
		why+=$(grep -v '^# ' <<<"$out")
	done
	t "epub sections: one spine file per section (c001.xhtml ...) opening with its title; toc nests parts -> chapters" "$why"

	# the check can fail: the module's book is not the course's
	if [ -n "${sec_epub[module]:-}" ] && [ -n "${sec_json[course]:-}" ] &&
		"${CHECK[@]}" sections "${sec_json[course]}" "${sec_epub[module]}" >/dev/null 2>&1; then
		fail "epub sections: the section check rejects the module's book as the course's"
	else
		pass "epub sections: the section check rejects the module's book as the course's"
	fi

	# every word of every source file in the book
	why=
	for name in module course; do
		[ -n "${sec_epub[$name]:-}" ] && [ -n "${sec_json[$name]:-}" ] || continue
		pairs=()
		while IFS= read -r src; do
			[ -f "$src" ] && pairs+=("$src" "${sec_epub[$name]}")
		done < <("$PY" -c '
import json, sys
def walk(n):
    src = str(n.get("source", ""))
    if n.get("type") == "section" and src.endswith(".md"):
        # a path under the site root is written "<root>/..."
        if src.startswith("<root>/"):
            src = sys.argv[2] + src[len("<root>"):]
        print(src)
    for c in n.get("children", []):
        walk(c)
for n in json.load(open(sys.argv[1]))["body"]:
    walk(n)' "${sec_json[$name]}" "$CL")
		if [ ${#pairs[@]} -eq 0 ]; then
			why+="$name: no section sources in its JSON"$'\n'
			continue
		fi
		"${CHECK[@]}" words 97 99 "${pairs[@]}" >"$T/secwords.out" 2>&1 ||
			why+="$name: $(grep -v '^# ' "$T/secwords.out")"$'\n'
		echo "# $name: $((${#pairs[@]} / 2)) sources: $(grep '^# ' "$T/secwords.out" | sed 's/^# //')"
	done
	t "epub sections: the words of every source of the module and the course are in its book (>= 97% each)" "$why"

	why=
	if [ -n "${sec_epub[course]:-}" ]; then
		SOURCE_DATE_EPOCH=1700000000 conv "$CL" -o "$T/sec-course2.epub" &&
			cmp -s "$T/sec-course2.epub" "${sec_epub[course]}" ||
			why="two runs on the course differ"
	else
		why="no course book"
	fi
	t "epub sections: two runs on the course give byte-identical books" "$why"
fi

# the made-up pages as a module (their folder holds _posts/): one file per
# chapter, each ending with its own notes; needs no corpus
why=
for fmt in epub json; do
	SOURCE_DATE_EPOCH=1700000000 conv "$site" -o "$T/sec-site.$fmt" || why+="$fmt: exit $?: $(head -n 3 "$T/stderr")"$'\n'
	sanitizer_report && why+="$fmt: sanitizer report"$'\n'
done
if [ -z "$why" ]; then
	epubs+=("$T/sec-site.epub")
	why=$("${CHECK[@]}" sections "$T/sec-site.json" "$T/sec-site.epub" 2>&1 | grep -v '^# ')
	why+=$("$PY" - "$T/sec-site.epub" <<'PYEOF'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
nrefs = 0
for n in ('EPUB/c001.xhtml', 'EPUB/c002.xhtml'):
    c = z.read(n).decode()
    # (the second page's only reference is inside a link: no <a> there)
    refs = re.findall(r'epub:type="noteref"[^>]*href="([^"]*)"', c)
    nrefs += len(refs)
    for h in refs:
        # a note's first reference is in the file that holds the note
        if h.startswith('#') and 'id="%s"' % h[1:] not in c:
            print('%s: note %s not in the file' % (n, h))
    if '<section class="footnotes">' not in c:
        print('%s: does not end with its notes' % n)
if nrefs < 3:
    print('%d note references, expected 3' % nrefs)
PYEOF
)
fi
t "epub sections: the made-up pages as a module: a file per chapter, each ending with its notes" "$why"

# ---- the package, without epubcheck -----------------------------------------
why=$("${CHECK[@]}" container "${epubs[@]}" 2>&1)
t "epub: mimetype first and stored, well-formed XHTML, unique ids, links resolve, no iframe (${#epubs[@]} books)" "$why"

# the checks above can fail: a mimetype that is compressed, or not first
"$PY" - "$T/bad1.epub" "$T/bad2.epub" <<'PYEOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('mimetype', 'application/epub+zip')
with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_STORED) as z:
    z.writestr('META-INF/container.xml', '<x/>')
    z.writestr('mimetype', 'application/epub+zip')
PYEOF
why=
for b in bad1 bad2; do
	"${CHECK[@]}" mimetype "$T/$b.epub" >/dev/null 2>&1 && why+="the mimetype check accepts $b.epub"$'\n'
done
t "epub: the mimetype check rejects a compressed or late mimetype" "$why"

# ---- words and leaks ----------------------------------------------------------
if [ ${#corpus[@]} -gt 0 ]; then
	pairs=()
	for f in "${corpus[@]}"; do [ -n "${epub_of[$f]:-}" ] && pairs+=("$f" "${epub_of[$f]}"); done
	"${CHECK[@]}" words 97 99 "${pairs[@]}" >"$T/words.out" 2>&1
	rc=$?
	grep '^# ' "$T/words.out"
	why=$(grep -v '^# ' "$T/words.out")
	[ $rc -ne 0 ] && [ -z "$why" ] && why="checker exit $rc"
	t "epub: the words of each corpus page are in its spine (>= 97% each, >= 99% on average)" "$why"

	# the word check can fail: the seed against a book of another page
	other=${epub_of[${corpus[0]}]:-}
	if [ -n "${epub_of[$SEED]:-}" ] && [ -n "$other" ] &&
		"${CHECK[@]}" words 97 99 "$SEED" "$other" >/dev/null 2>&1; then
		fail "epub: the word check rejects a book of another page"
	else
		pass "epub: the word check rejects a book of another page"
	fi

	leaks=()
	for f in "${corpus[@]}"; do [ -n "${epub_of[$f]:-}" ] && leaks+=("${epub_of[$f]}"); done
	why=$("${CHECK[@]}" leaks "${leaks[@]}" 2>&1)
	t "epub: no raw markup ({:, markdown=, <div, {{, target=) in the corpus books' text" "$why"
fi

# ---- the seed ---------------------------------------------------------------------
if [ -n "${epub_of[$SEED]:-}" ]; then
	why=$("$PY" - "${epub_of[$SEED]}" <<'PYEOF'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
c = z.read('EPUB/content.xhtml').decode()
opf = z.read('EPUB/package.opf').decode()
nav = z.read('EPUB/nav.xhtml').decode()
need = [
    (c, r'<h1 class="title" id="title">What is Mentoring\?</h1>', 'the title heading'),
    (c, r'<figure class="quote"><blockquote>.*?</blockquote><figcaption class="attribution">— <a href="https://www.oycp.com/MentorTraining/3/m3.html">Oregon Youth Challenge Program Mentor Training</a></figcaption></figure>', 'the attributed quotation'),
    (c, r'<aside class="callout videos" role="note"><p class="callout-label">Watch</p>\s*<div class="embed embed-video"><p class="embed-kind">Video · <span class="embed-duration">2:54</span></p><p class="embed-title">[^<]+</p><p class="embed-link"><span class="embed-provider">YouTube</span>: <a href="https://www.youtube.com/watch\?v=1t0_D7UcfgU">', 'the video card'),
    (c, r'<aside class="callout activity" role="note"><p class="callout-label">Activity</p>\s*<h2 class="callout-title" id="worksheet-2-your-experiences"><a href="https://docs.google.com/[^"]+">Worksheet #2: Your Experiences</a></h2>', 'the worksheet title with its link'),
    (opf, r'<dc:identifier id="uid">urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}</dc:identifier>', 'a name-based urn:uuid identifier'),
    (opf, r'<dc:language>en</dc:language>', 'dc:language'),
    (opf, r'<meta property="schema:accessibilityHazard">none</meta>', 'accessibilityHazard'),
    (opf, r'<meta property="schema:accessibilitySummary">[^<]{40,}</meta>', 'accessibilitySummary'),
    (opf, r'<meta property="schema:accessModeSufficient">textual</meta>', 'accessModeSufficient'),
    (nav, r'<nav epub:type="toc" id="toc"[^>]*>.*<ol><li><a href="content.xhtml#title">What is Mentoring\?</a>\s*<ol><li><a href="content.xhtml#worksheet-2-your-experiences">', 'the nested toc'),
    (nav, r'<nav epub:type="landmarks"', 'the landmarks'),
]
for text, rx, what in need:
    if not re.search(rx, text, re.S):
        print('missing: ' + what)
prompts = re.findall(r'<li class="prompt"><p class="prompt">([^<]*)</p><div class="answer answer-lines" title="Answer space">((?:<div class="rule"/>)+)</div></li>', c)
if len(prompts) != 7 or any(r.count('rule') != 3 for _, r in prompts):
    print('expected 7 prompts with 3 ruled lines each, found %d' % len(prompts))
if '<iframe' in c:
    print('an iframe')
PYEOF
)
	t "epub seed: title, quotation, video card (2:54, watch URL), worksheet with 7 ruled answers, metadata, nested toc" "$why"
fi

# ---- the made-up page -------------------------------------------------------
ex=${epub_of[$site/_posts/2000-01-01-extras.md]:-}
if [ -n "$ex" ]; then
	why=$("$PY" - "$ex" "$T/extras.err" <<'PYEOF'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
err = open(sys.argv[2]).read()
c = z.read('EPUB/content.xhtml').decode()
opf = z.read('EPUB/package.opf').decode()
nav = z.read('EPUB/nav.xhtml').decode()
need = [
    (c, r'<title>Extras &amp; &lt;Edge&gt; "Cases"</title>', 'the escaped title'),
    (c, r'<a epub:type="noteref" role="doc-noteref" id="fnref-1" href="#fn-1">1</a>', 'the first note reference'),
    (c, r'id="fnref-1-2" href="#fn-1">1</a>', 'the second reference to note 1'),
    (c, r'<aside epub:type="footnote" role="doc-footnote" class="footnote" id="fn-1"><p class="footnote-number"><a href="#fnref-1"', 'note 1 with its back link'),
    (c, r'<a href="#table-time">the table</a>', 'the internal link'),
    (c, r'<span class="link">dangling link</span>', 'the dangling link as text'),
    (c, r'<span class="link">relative page</span>', 'the link to another page as text'),
    (c, r'<a href="mailto:someone@example.org">', 'the mailto link'),
    (c, r'<th scope="col" colspan="2">Wide header</th>', 'colspan'),
    (c, r'<td rowspan="2">tall</td>', 'rowspan'),
    (c, r'class="align-right"', 'column alignment'),
    (c, r'<li class="task"><span class="checkbox">☐</span> open task', 'an open task box'),
    (c, r'<li class="task"><span class="checkbox checked">☑</span> done task', 'a ticked task box'),
    (c, r'<span class="blank" title="blank">(\u00a0){3,}</span>', 'an inline blank'),
    (c, r'<img src="images/img-1.png" alt="A dot"/>', 'the packaged image'),
    (c, r'<img src="images/img-1.png" alt=""/>', 'the same image again, not packaged twice'),
    (c, r'<span class="image-missing">remote</span>', 'the remote image as its alt text'),
    (c, r'<span class="image-missing">not an image</span>', 'the non-image as its alt text'),
    (c, r'<details open="open"><summary>More</summary>', 'details kept open'),
    (c, r'<p class="prompt">What would you do\?</p><div class="answer', 'a worksheet prompt'),
    (c, r'lang="en-GB" xml:lang="en-GB"', 'the language'),
    (opf, r'<meta property="schema:accessMode">visual</meta>', 'accessMode visual'),
    (opf, r'<dc:creator>Ann &amp; Bo</dc:creator>', 'dc:creator from the front matter'),
    (opf, r'<item id="img-1" href="images/img-1.png" media-type="image/png"/>', 'the image in the manifest'),
    (nav, r'<ol><li><a href="content.xhtml#title">[^<]*</a>\s*<ol><li><a href="content.xhtml#deep-heading-first">Deep heading first</a></li>\s*<li><a href="content.xhtml#table-time">Table time</a></li>\s*<li><a href="content.xhtml#top-level">Top level</a>', 'toc levels that go up past the first'),
]
for text, rx, what in need:
    if not re.search(rx, text, re.S):
        print('missing: ' + what)
if 'alternativeText' in opf:
    print('claims alternativeText although an image has none')
if 'images/img-2' in c or len([n for n in z.namelist() if n.startswith('EPUB/images/')]) != 1:
    print('expected exactly one packaged image')
if not re.search(r'warning: image /img/dot.png has no alt text', err):
    print('no warning for the image without alt text; stderr: ' + err[:300])
if not re.search(r'warning: image "/img/fake.png" cannot be used', err):
    print('no warning for the unusable image')
PYEOF
)
	t "epub extras: footnotes, internal and dangling links, spans, tasks, blanks, images, details, toc levels, alt warnings" "$why"
fi

odd=${epub_of[$site/_posts/2000-01-02-odd.md]:-}
if [ -n "$odd" ]; then
	why=$("$PY" - "$odd" <<'PYEOF'
import re, sys, zipfile
c = zipfile.ZipFile(sys.argv[1]).read('EPUB/content.xhtml').decode()
need = [
    (r'<h1 class="title" id="title-2">', 'the generated title id gives way to the page\'s own'),
    (r'<a href="#title">title</a>', 'a link to the page\'s own #title'),
    (r'<a href="#id-1-foo">odd</a>', 'a link to an id made valid'),
    (r'<span class="link">toc</span>', 'a link to an id that is not in the text'),
    (r'<a href="http://example.org/a">text<sup id="fnref-1">1</sup></a>', 'a note inside a link, not a link inside a link'),
    (r'<a href="https://xn--r8jz45g.jp/%E3%83%91%E3%82%B9">', 'the internationalized host'),
    (r'<a href="http://a.b/c%20d">', 'a space in a URL'),
    (r'<ol start="0">', 'a list starting at 0'),
]
for rx, what in need:
    if not re.search(rx, c):
        print('missing: ' + what)
if re.search(r'<a [^>]*>(?:(?!</a>).)*<a ', c):
    print('a link inside a link')
if c.count('<div class="rule"/>') > 3 * 3 + 40:
    print('more answer lines than the cap')
PYEOF
)
	t "epub odd constructs: id clashes, nested links, note in link, IDN host, list start 0, answer cap" "$why"
fi

# ---- determinism and dates ------------------------------------------------------------
det=("$site/_posts/2000-01-01-extras.md")
[ -f "$SEED" ] && det+=("$SEED")
why=
for f in "${det[@]}"; do
	conv "$f" -o "$T/a.epub" && conv "$f" -o "$T/b.epub" ||
		why+="$f: conversion failed"$'\n'
	cmp -s "$T/a.epub" "$T/b.epub" || why+="$f: two runs differ"$'\n'
done
t "epub: two runs give byte-identical books" "$why"

src=$T/dated.md
cp "$site/_posts/2000-01-01-extras.md" "$src"
why=$(cd "$T" && for sde in 1700000000 1500000000; do
	SOURCE_DATE_EPOCH=$sde timeout "$TMO" "$BIN" "$src" -o "$T/sde-$sde.epub" 2>/dev/null ||
		echo "exit $? with SOURCE_DATE_EPOCH=$sde"
done
touch -d @1600000000 "$src"
env -u SOURCE_DATE_EPOCH timeout "$TMO" "$BIN" "$src" -o "$T/mtime.epub" 2>/dev/null ||
	echo "exit $? without SOURCE_DATE_EPOCH"
"$PY" - "$T" <<'PYEOF'
import re, sys, time, zipfile
T = sys.argv[1]
for name, t in (('sde-1700000000', 1700000000), ('sde-1500000000', 1500000000), ('mtime', 1600000000)):
    z = zipfile.ZipFile('%s/%s.epub' % (T, name))
    opf = z.read('EPUB/package.opf').decode()
    want = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))
    m = re.search(r'<meta property="dcterms:modified">([^<]*)</meta>', opf)
    if not m or m.group(1) != want:
        print('%s: dcterms:modified %s, expected %s' % (name, m and m.group(1), want))
    lt = time.localtime(t)  # ZIP dates are local time, 2-second steps
    for i in z.infolist():
        if i.date_time[:5] != lt[:5] or abs(i.date_time[5] - lt[5]) > 1:
            print('%s: %s dated %s, expected %s' % (name, i.filename, i.date_time, lt[:6]))
            break
PYEOF
)
t "epub: dcterms:modified and ZIP dates from SOURCE_DATE_EPOCH, else the input's mtime" "$why"

# ---- valgrind -----------------------------------------------------------------
if [ "$SANITIZED" -eq 1 ]; then
	echo "# valgrind (epub): not run on a sanitizer build"
elif ! command -v valgrind >/dev/null 2>&1; then
	skip "valgrind epub (not installed)"
else
	vg=("$site/_posts/2000-01-01-extras.md")
	[ -f "$SEED" ] && vg+=("$SEED")
	img=$(grep -l 'img/capacity' "${corpus[@]}" /dev/null 2>/dev/null | head -n 1)
	[ -n "$img" ] && vg+=("$img")
	[ -d "$MOD" ] && vg+=("$MOD") # a module: one file per chapter
	why=
	for f in "${vg[@]}"; do
		timeout $((TMO * 5)) valgrind -q --leak-check=full \
			--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
			"$VG_BIN" "$f" -o "$T/vg.epub" >/dev/null 2>"$T/vg.err" </dev/null
		rc=$?
		[ $rc -ne 0 ] && why+="$f: exit $rc"$'\n'"$(grep -m 8 -E '==[0-9]+== ' "$T/vg.err")"$'\n'
	done
	t "valgrind epub: no memory errors or leaks (${#vg[@]} inputs, images and a module included)" "$why"
fi

# ---- epubcheck ---------------------------------------------------------------------
if [ "$SANITIZED" -eq 1 ]; then
	echo "# epubcheck: run on the release build only"
elif ! command -v java >/dev/null 2>&1 || [ ! -f "$EPUBCHECK" ]; then
	skip "epubcheck (java or $EPUBCHECK not installed: make deps)"
elif [ ${#epubs[@]} -eq 0 ]; then
	fail "epubcheck: no EPUB to check"
else
	# One JVM checks many books through epubcheck's own command-line class
	# (the same checks and messages as `java -jar epubcheck.jar BOOK`).
	mkdir -p "$T/ec"
	cat >"$T/ec/EpubBatch.java" <<'JEOF'
import com.adobe.epubcheck.tool.EpubChecker;
public class EpubBatch {
    public static void main(String[] args) {
        for (String f : args) {
            System.out.println("@@@ BEGIN " + f);
            int rc = new EpubChecker().run(new String[] { f });
            System.out.println("@@@ END " + f + " rc=" + rc);
        }
    }
}
JEOF
	# two JVMs, each with half of the books and its own output
	half=$(((${#epubs[@]} + 1) / 2))
	t0=$(date +%s)
	timeout 900 java -cp "$EPUBCHECK" "$T/ec/EpubBatch.java" "${epubs[@]:0:half}" \
		>"$T/ec/out1" 2>&1 &
	p1=$!
	if [ ${#epubs[@]} -gt "$half" ]; then
		timeout 900 java -cp "$EPUBCHECK" "$T/ec/EpubBatch.java" "${epubs[@]:half}" \
			>"$T/ec/out2" 2>&1
	fi
	wait $p1
	cat "$T/ec/out1" "$T/ec/out2" >"$T/ec/out" 2>/dev/null
	if ! grep -q '^@@@ END ' "$T/ec/out"; then
		# no source launcher here: one JVM per book, two at a time
		echo "# epubcheck: batch runner unavailable ($(head -n 1 "$T/ec/out")); one JVM per book"
		printf '%s\0' "${epubs[@]}" |
			xargs -0 -P 2 -I{} sh -c 'out=$(timeout 300 java -jar "$1" "$2" 2>&1); rc=$?; printf "@@@ BEGIN %s\n%s\n@@@ END %s rc=%s\n" "$2" "$out" "$2" "$rc" >"$2.ec"' _ "$EPUBCHECK" {}
		for e in "${epubs[@]}"; do cat "$e.ec"; done >"$T/ec/out" 2>/dev/null
	fi
	t1=$(date +%s)
	echo "# epubcheck: ${#epubs[@]} books in $((t1 - t0)) s"
	cat >"$T/ec/verdict.py" <<'PYEOF'
import re, sys
out = open(sys.argv[1], encoding='utf-8', errors='replace').read()
books = sys.argv[2:]
blocks = dict((m.group(1), m.group(2)) for m in re.finditer(r'^@@@ BEGIN (.*)\n(.*?)^@@@ END \1 rc=\d+$', out, re.S | re.M))
bad = 0
for b in books:
    text = blocks.get(b)
    name = b.rsplit('/', 1)[-1]
    if text is None:
        print('%s: not checked' % name); bad += 1; continue
    m = re.search(r'Messages: (\d+) fatals? / (\d+) errors? / (\d+) warnings?', text)
    msgs = [l for l in text.splitlines() if re.match(r'(FATAL|ERROR|WARNING)', l)]
    if not m or m.group(1, 2, 3) != ('0', '0', '0') or msgs or 'No errors or warnings detected' not in text:
        bad += 1
        print('%s: %s' % (name, m.group(0) if m else 'no summary'))
        for l in msgs[:4]:
            print('  ' + l.replace(b, name))
if bad:
    print('%d of %d books fail epubcheck' % (bad, len(books)))
PYEOF
	why=$("$PY" "$T/ec/verdict.py" "$T/ec/out" "${epubs[@]}")
	t "epubcheck: 0 fatal, 0 errors, 0 warnings on all ${#epubs[@]} books (corpus, seed, fixtures, demo, made-up pages, sections)" "$why"
	if [ ${#sec_epub[@]} -gt 0 ]; then
		why=$("$PY" "$T/ec/verdict.py" "$T/ec/out" "${sec_epub[@]}")
		[ ${#sec_epub[@]} -eq 3 ] || why+="only ${#sec_epub[@]} of 3 books made"
		t "epubcheck: 0 fatal, 0 errors, 0 warnings on the module, the course and the worksheet pack" "$why"
	fi
fi
exit 0
