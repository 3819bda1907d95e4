#!/usr/bin/env python3
"""corpus_x.py OUT K PATH... - one long Markdown document for memory and
speed measurements: the bodies (front matter stripped) of the pages given
(a directory stands for every *.md under it, sorted), joined by blank
lines, repeated K times, under a front matter titled "Corpus Kx".  Used by
tests/bench_headline.py (peak RSS at 1x, 16x, 64x) and
tests/group_stream.sh, so that both measure the same document."""
import os
import sys


def bodies(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            found = []
            for d, _, fs in os.walk(p):
                found += [os.path.join(d, f) for f in fs if f.endswith(".md")]
            files += sorted(found)
        else:
            files.append(p)
    out = []
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as fh:
            t = fh.read()
        if t.startswith("---"):
            end = t.find("\n---", 3)
            if end >= 0:
                t = t[t.find("\n", end + 1) + 1:]
        out.append(t)
    return "\n\n".join(out) + "\n\n"


def write(out, k, paths):
    one = bodies(paths)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("---\ntitle: Corpus %dx\n---\n" % k)
        for _ in range(k):
            fh.write(one)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: corpus_x.py OUT K PATH...")
    write(sys.argv[1], int(sys.argv[2]), sys.argv[3:])
