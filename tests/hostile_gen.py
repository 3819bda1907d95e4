#!/usr/bin/env python3
"""hostile_gen.py DIR - write the pathological inputs of
tests/group_hostile.sh into DIR (a site root: _config.yml, img/, and the
pages in modules/h/_posts/).  Prints one case name per line, in the order
the group runs them.  Deterministic: no randomness without a fixed seed.
Sizes can be scaled down with HOSTILE_SCALE (a divisor, default 1)."""
import os
import random
import struct
import sys
import zlib

root = sys.argv[1]
scale = int(os.environ.get("HOSTILE_SCALE", "1"))
posts = os.path.join(root, "modules", "h", "_posts")
img = os.path.join(root, "img")
os.makedirs(posts, exist_ok=True)
os.makedirs(img, exist_ok=True)
with open(os.path.join(root, "_config.yml"), "w") as f:
    f.write("title: Hostile\nbaseurl: /\n")

N = 100000 // scale
MB10 = 10 * 1024 * 1024 // scale
names = []


def page(name, data, fm=True):
    """A page: bytes as given (fm=False) or with a small front matter."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if fm:
        data = b"---\ntitle: " + name.encode() + b"\n---\n" + data
    with open(os.path.join(posts, "2000-01-01-%s.md" % name), "wb") as f:
        f.write(data)
    names.append(name)


# ---- nesting -----------------------------------------------------------
page("nest-quote", "> " * N + "deep\n")
page("nest-list", "- " * N + "deep\n")
page("nest-olist", "1. " * N + "deep\n")
page("nest-emph", "*" * N + "deep" + "*" * N + "\n")
page("nest-emph-mixed", "*_" * (N // 2) + "deep" + "_*" * (N // 2) + "\n")
page("nest-link", "[" * N + "x" + "](u)" * N + "\n")
page("div-deep", '<div markdown="1">\n\n' * (N // 10) + "deep\n\n"
     + "</div>\n\n" * (N // 10))
page("div-unclosed", ('<div markdown="1">\n\ntext *a\n\n' * 1000)
     + '<div class="callout activity" markdown="1">\n## Open\n')
page("html-deep", "<div>" * N + "x" + "\n")

# ---- size --------------------------------------------------------------
words = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do "
         "eiusmod tempor ").encode()
line = (words * (MB10 // len(words) + 1))[:MB10]
page("long-line", line + b"\n")
para = bytearray()
while len(para) < MB10:
    para += words[:79] + b"\n"
page("long-para", bytes(para))
page("long-word", b"x" * (MB10 // 10) + b"\n")
cols = 5000 // max(1, scale // 10 or 1)
page("table-cols", "|" + "|".join("h%d" % i for i in range(cols)) + "|\n"
     + "|" + "---|" * cols + "\n"
     + "|" + "|".join("c%d" % i for i in range(cols)) + "|\n")
page("table-rows", "| a | b | c |\n|---|:-:|--:|\n"
     + "".join("| r%d | *x* | `y` |\n" % i for i in range(N)))

# ---- encodings -----------------------------------------------------------
text = "# Title é ü ☃\n\nSome text, a [link](http://example.com/) and *more*.\n"
page("bad-utf8", b"ok \xff\xfe\xc3\x28 \xe2\x82 \xf0\x28\x8c\xbc \xc0\xaf "
     b"\xed\xa0\x80 end\n\n# H \x80\x81\n")
page("nul-bytes", b"a\x00b\n\n# \x00head\x00\n\n*\x00*\n\x00")
page("utf16le-bom", b"\xff\xfe" + ("---\ntitle: U16\n---\n" + text)
     .encode("utf-16-le"), fm=False)
page("utf16be-bom", b"\xfe\xff" + ("---\ntitle: U16\n---\n" + text)
     .encode("utf-16-be"), fm=False)
page("utf8-bom", b"\xef\xbb\xbf" + ("---\ntitle: U8\n---\n" + text)
     .encode(), fm=False)
page("crlf", ("---\r\ntitle: CRLF\r\n---\r\n" + text.replace("\n", "\r\n")
              + "| a | b |\r\n|---|---|\r\n| 1 | 2 |\r\n").encode(), fm=False)
page("lone-cr", ("---\rtitle: CR\r---\r" + text.replace("\n", "\r")).encode(),
     fm=False)
page("empty", b"", fm=False)
rnd = random.Random(7)
page("binary", bytes(rnd.getrandbits(8) for _ in range(65536 // scale)), fm=False)
page("controls", "".join(chr(c) for c in range(1, 32)) + "\x7f text\n")

# ---- front matter --------------------------------------------------------
bomb = ['lol0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
for i in range(1, 10):
    bomb.append("lol%d: &a%d [%s]" % (i, i, ",".join(["*a%d" % (i - 1)] * 9)))
page("yaml-bomb", "---\ntitle: Laughs\n" + "\n".join(bomb)
     + "\ndescription: *a9\n---\nbody\n", fm=False)
page("yaml-bomb-title", "---\n" + "\n".join(bomb) + "\ntitle: *a9\n---\nbody\n",
     fm=False)
page("yaml-tabs", "---\ntitle:\tTabbed\n\tkey: value\n---\nbody\n", fm=False)
page("yaml-dupkeys", "---\ntitle: One\ntitle: Two\ntitle: Three\n---\nbody\n",
     fm=False)
big = "".join("key%d: %s\n" % (i, "v" * 90) for i in range(1024 * 1024 // scale // 100))
page("yaml-1mb", "---\ntitle: Big\n" + big + "---\nbody\n", fm=False)
# many short keys, one repeated (the duplicate check was quadratic)
page("yaml-keys", "---\ntitle: Keys\n" + "".join("k%x: 1\n" % i for i in range(150000 // scale))
     + "k1: again\n---\nbody\n", fm=False)
page("yaml-unclosed", "---\ntitle: Never closed\n" + "k: v\n" * 1000, fm=False)
page("yaml-deep", "---\ntitle: Deep\nx: " + "[" * 10000 + "]" * 10000
     + "\n---\nbody\n", fm=False)

# ---- URLs ----------------------------------------------------------------
page("urls", """
[js](javascript:alert(1)) [JS](JaVaScRiPt:alert(2)) [sp]( javascript:alert(3))
[ent](&#106;avascript:alert(4)) [tab](java\tscript:alert(5))
[vb](vbscript:msgbox(6)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==)
<javascript:alert(8)> <data:text/html,<script>alert(9)</script>>

[ref][r1] [ref2][r2]

[r1]: javascript:alert(10)
[r2]: data:text/html,x

![img](javascript:alert(11)) ![d](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==)

<a href="javascript:alert(12)">raw</a> <a href="JAVASCRIPT:alert(13)">raw2</a>
<a href=" data:text/html,x">raw3</a> <img src="javascript:alert(14)" alt="i1">
<img src="data:image/svg+xml,<svg onload=alert(15)>" alt="i2">
<iframe src="javascript:alert(16)"></iframe>
<a href="&#x6A;avascript:alert(17)">ent</a>
""")


# ---- images ----------------------------------------------------------------
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))


sig = b"\x89PNG\r\n\x1a\n"
good = sig + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(b"\x00" + b"\xff\x00\x00" * 2 + b"\x00" + b"\x00\xff\x00" * 2)) \
    + chunk(b"IEND", b"")
huge = sig + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")
# a decompression bomb: a modest header, an IDAT that inflates to 1 GB
# claims only 8000x8000 (64 Mpx: at the limit) but the data is short
zbomb = sig + chunk(b"IHDR", struct.pack(">IIBBBBB", 8000, 8000, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(b"\x00" * (8 * 1024 * 1024))) + chunk(b"IEND", b"")
files = {
    "good.png": good,
    "trunc.png": good[:40],
    "header-only.png": sig,
    "huge.png": huge,
    "zbomb.png": zbomb,
    "badcrc.png": good[:20] + b"\x00" + good[21:],
    "trunc.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xc0\x00\x11",
    "huge.jpg": b"\xff\xd8\xff\xc0\x00\x11\x08\xff\xff\xff\xff\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
                + b"\xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00" + b"\x00" * 64 + b"\xff\xd9",
    "notimage.png": b"<html><script>alert(1)</script></html>\n",
    "empty.png": b"",
}
for n, d in files.items():
    with open(os.path.join(img, n), "wb") as f:
        f.write(d)
for n, target in (("passwd.png", "/etc/passwd"), ("loop.png", "loop.png"),
                  ("dir.png", "/etc"), ("dev.png", "/dev/zero")):
    p = os.path.join(img, n)
    if not os.path.lexists(p):
        os.symlink(target, p)
page("images", "".join("![%s](/img/%s)\n\n" % (n, n) for n in sorted(files))
     + """![passwd link](/img/passwd.png)

![loop](/img/loop.png) ![dir](/img/dir.png) ![devzero](/img/dev.png)

![up](../../../etc/passwd) ![up2](../../../../../../../../../etc/passwd)

![abs](/etc/passwd) ![fifo](/img/)

<img src="../../../etc/passwd" alt="raw up"> <img src="/img/huge.png" alt="raw huge">

[![linked](/img/trunc.jpg)](/img/huge.png)
""")
page("remote", """
![remote](http://127.0.0.1:9/x.png) ![remote2](https://example.invalid/y.jpg)

<img src="http://127.0.0.1:9/z.png" alt="raw remote">

<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" width="560" height="315"></iframe>

<iframe src="http://127.0.0.1:9/frame"></iframe>

<video src="http://127.0.0.1:9/v.mp4"></video>

[a link](http://127.0.0.1:9/page)
""")
print("\n".join(names))
