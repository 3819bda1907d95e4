#!/usr/bin/env python3
"""compare.py BASE_BIN NEW_BIN OUTDIR - what a change does to every output.

Run by tests/compare.sh (`make compare BASE=<rev>`) from the repo root.
Converts every input (below) into every format with both binaries, one
process per input and format, SOURCE_DATE_EPOCH fixed and the same
relative paths, into OUTDIR/base and OUTDIR/new, then prints per format
how many outputs are byte-identical and, for the others, what differs:

  json        the first lines of the diff
  pdf         pages, the text (pdftotext) and the parts of
              tests/golden_parts.py (content streams, fonts, structure
              tree, document objects) that differ, with the first diff lines
  epub, docx  the zip entries and XML parts that differ (pretty-printed by
              tests/golden_parts.py), with the first diff lines
  warnings    standard error of each conversion (warnings and errors)

Outputs that differ only in their bytes (every part and the text the
same: object streams, compression, object order) are counted together.
Every diff in full goes to OUTDIR/diffs/.  It shows; it judges nothing:
exit 0 unless it cannot run.

Inputs: every corpus page (../shared/corpus/**/_posts/*.md), the seed
(../shared/seed/what-is-mentoring.md), a module (the corpus's mentoring
module) and the course, each with --worksheets too, when ../shared is
there; every fixture (fixtures/*.md, fixtures/dialect/*.md) and each
sample site (fixtures/sites/*, as a course and with --worksheets).

Environment: MC_COMPARE_JOBS (conversions at once, default 2),
MC_COMPARE_SHOW (outputs shown in detail per format, default 8),
MC_COMPARE_LINES (diff lines shown for each, default 8).
"""
import difflib
import glob
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_parts  # noqa: E402

FORMATS = ('json', 'pdf', 'epub', 'docx')
SHARED = '../shared'
TMO = int(os.environ.get('MC_TEST_TIMEOUT', '120'))
JOBS = max(1, int(os.environ.get('MC_COMPARE_JOBS', '2')))
SHOW = int(os.environ.get('MC_COMPARE_SHOW', '8'))
LINES = int(os.environ.get('MC_COMPARE_LINES', '8'))


def inputs():
    """[(id, input path, extra args)] in a fixed order."""
    jobs = []
    corpus = os.path.join(SHARED, 'corpus')
    if os.path.isdir(corpus):
        for p in sorted(glob.glob(os.path.join(corpus, '**', '_posts', '*.md'),
                                  recursive=True)):
            jobs.append(('corpus/' + os.path.relpath(p, corpus)[:-3], p, []))
        course = os.path.join(corpus, 'connectedlib')
        module = os.path.join(course, 'modules', 'mentoring')
        if os.path.isdir(module):
            jobs.append(('module/mentoring', module, []))
            jobs.append(('worksheets/mentoring', module, ['--worksheets']))
        if os.path.isdir(course):
            jobs.append(('course/connectedlib', course, []))
            jobs.append(('worksheets/connectedlib', course, ['--worksheets']))
    seed = os.path.join(SHARED, 'seed', 'what-is-mentoring.md')
    if os.path.isfile(seed):
        jobs.append(('seed/what-is-mentoring', seed, []))
    for p in sorted(glob.glob('fixtures/*.md')):
        jobs.append(('fixtures/' + os.path.basename(p)[:-3], p, []))
    for p in sorted(glob.glob('fixtures/dialect/*.md')):
        jobs.append(('fixtures/dialect/' + os.path.basename(p)[:-3], p, []))
    for p in sorted(glob.glob('fixtures/sites/*')):
        if os.path.isdir(p):
            name = os.path.basename(p)
            jobs.append(('sites/' + name, p, []))
            jobs.append(('sites-worksheets/' + name, p, ['--worksheets']))
    return jobs


def convert(binary, side_dir, job, fmt):
    ident, path, args = job
    out = os.path.join(side_dir, ident + '.' + fmt)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    env = dict(os.environ, SOURCE_DATE_EPOCH='1700000000')
    try:
        r = subprocess.run([binary] + args + [path, '-t', fmt, '-o', out],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, env=env, timeout=TMO)
        rc, err = r.returncode, r.stderr
    except subprocess.TimeoutExpired:
        rc, err = 124, b'timed out\n'
    with open(out + '.err', 'wb') as f:
        f.write(err)
    if rc != 0 and os.path.exists(out):
        os.unlink(out)
    return rc


def read(p):
    try:
        with open(p, 'rb') as f:
            return f.read()
    except OSError:
        return None


def udiff(a, b, na, nb):
    return list(difflib.unified_diff(a.splitlines(), b.splitlines(), na, nb,
                                     n=1, lineterm=''))


def pdf_text(path):
    try:
        r = subprocess.run(['pdftotext', '-q', path, '-'], capture_output=True,
                           timeout=TMO)
        return r.stdout.decode('utf-8', 'replace')
    except (OSError, subprocess.TimeoutExpired):
        return None


def parts_or_error(path):
    try:
        return golden_parts.parts_of(path)
    except Exception as e:  # a broken output is itself what differs
        return {'(unreadable)': '%s\n' % e}


def explain(fmt, a_path, b_path, ident):
    """(one-line summary, diff lines) of two differing outputs."""
    if fmt == 'json':
        a = read(a_path).decode('utf-8', 'replace')
        b = read(b_path).decode('utf-8', 'replace')
        d = udiff(a, b, 'base/' + ident, 'new/' + ident)
        nd = sum(1 for x in d if x[:1] in '+-' and x[:3] not in ('+++', '---'))
        return '%d lines differ' % nd, d
    pa, pb = parts_or_error(a_path), parts_or_error(b_path)
    diff_lines = []
    bits = []
    if fmt == 'pdf':
        na = sum(1 for k in pa if k.startswith('page-'))
        nb = sum(1 for k in pb if k.startswith('page-'))
        bits.append('pages %d' % na if na == nb else 'pages %d -> %d' % (na, nb))
        ta, tb = pdf_text(a_path), pdf_text(b_path)
        if ta is not None and tb is not None:
            if ta == tb:
                bits.append('text same')
            else:
                d = udiff(ta, tb, 'base text', 'new text')
                bits.append('text differs')
                diff_lines += d
    changed = sorted(k for k in set(pa) | set(pb) if pa.get(k) != pb.get(k))
    if fmt == 'pdf':
        pages = [k for k in changed if k.startswith('page-')]
        other = [k for k in changed if not k.startswith('page-')]
        if pages:
            bits.append('content streams differ on %d page(s) (%s)' % (
                len(pages), ', '.join(p[5:8].lstrip('0') for p in pages[:8])
                + (' ...' if len(pages) > 8 else '')))
        else:
            bits.append('content streams same')
        if other:
            bits.append('differ: ' + ', '.join(other))
    else:
        # _parts.txt (the zip's entries, sizes, CRCs) names what changed
        # beyond the readable parts: pictures, fonts, entry order
        names = [k for k in changed if k != '_parts.txt']
        if '_parts.txt' in changed:
            def entries(t):
                return dict(x.split(' ', 1) for x in t.splitlines() if ' ' in x)
            ea, eb = entries(pa.get('_parts.txt', '')), \
                entries(pb.get('_parts.txt', ''))
            for n in sorted(set(ea) | set(eb)):
                if ea.get(n) != eb.get(n) and n not in changed:
                    names.append(n + (' (added)' if n not in ea else
                                      ' (removed)' if n not in eb else
                                      ' (binary)'))
            if list(ea) != list(eb) and set(ea) == set(eb):
                names.append('entry order')
            changed = [k for k in changed if k != '_parts.txt'] + ['_parts.txt']
        if names:
            bits.append('parts differ: ' + ', '.join(names[:8])
                        + (' ...' if len(names) > 8 else ''))
    for k in changed:
        diff_lines += udiff(pa.get(k, ''), pb.get(k, ''), 'base/' + k,
                            'new/' + k)
    if not changed and not any(b == 'text differs' for b in bits):
        bits.append('only the bytes differ (every part the same)')
        return None, bits
    return '; '.join(bits), diff_lines


def main(argv):
    if len(argv) != 4:
        sys.stderr.write('usage: compare.py BASE_BIN NEW_BIN OUTDIR\n')
        return 2
    base_bin, new_bin, outdir = (os.path.abspath(a) for a in argv[1:])
    base_dir = os.path.join(outdir, 'base')
    new_dir = os.path.join(outdir, 'new')
    diff_dir = os.path.join(outdir, 'diffs')
    for d in (base_dir, new_dir, diff_dir):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    jobs = inputs()
    if not os.path.isdir(os.path.join(SHARED, 'corpus')):
        print('note: %s/corpus not found: fixtures and sample sites only'
              % SHARED)
    tasks = [(b, d, j, f) for j in jobs for f in FORMATS
             for b, d in ((base_bin, base_dir), (new_bin, new_dir))]
    with ThreadPoolExecutor(JOBS) as ex:
        rcs = list(ex.map(lambda t: convert(*t), tasks))
    rc = {}
    for t, r in zip(tasks, rcs):
        rc[(t[1], t[2][0], t[3])] = r

    print('%d inputs x %d formats, each with both binaries'
          % (len(jobs), len(FORMATS)))
    warn_diff = {}  # (input, base stderr, new stderr): formats
    for fmt in FORMATS:
        same = bytes_only = 0
        failed_both = []
        failed = []
        differ = []
        for ident, _, _ in jobs:
            a_path = os.path.join(base_dir, ident + '.' + fmt)
            b_path = os.path.join(new_dir, ident + '.' + fmt)
            ea, eb = read(a_path + '.err'), read(b_path + '.err')
            if ea != eb:
                key = (ident, ea or b'', eb or b'')
                if key not in warn_diff:
                    warn_diff[key] = []
                warn_diff[key].append(fmt)
            ra, rb = rc[(base_dir, ident, fmt)], rc[(new_dir, ident, fmt)]
            if ra != 0 or rb != 0:
                if ra != 0 and rb != 0:
                    failed_both.append(ident)
                else:
                    failed.append('%s: exit %d -> %d' % (ident, ra, rb))
                continue
            a, b = read(a_path), read(b_path)
            if a == b:
                same += 1
                continue
            summary, lines = explain(fmt, a_path, b_path, ident)
            if summary is None:
                bytes_only += 1
                continue
            name = ident.replace('/', '__') + '.' + fmt + '.diff'
            with open(os.path.join(diff_dir, name), 'w',
                      encoding='utf-8') as f:
                f.write('\n'.join(lines) + '\n')
            differ.append((ident, summary, lines, name))
        total = same + bytes_only + len(differ) + len(failed) + len(failed_both)
        print('\n== %s: %d outputs: %d byte-identical, %d differ only in bytes'
              ' (same parts and text), %d differ, %d fail in one build, '
              '%d fail in both' % (fmt, total, same, bytes_only, len(differ),
                                   len(failed), len(failed_both)))
        if failed_both:
            print('  fail in both: ' + ', '.join(failed_both[:6])
                  + (' ...' if len(failed_both) > 6 else ''))
        for s in failed:
            print('  fails: ' + s)
        for i, (ident, summary, lines, name) in enumerate(differ):
            print('  %s: %s' % (ident, summary))
            if i < SHOW:
                for x in lines[:LINES]:
                    print('      ' + x)
                if len(lines) > LINES:
                    print('      ... (%d more lines: diffs/%s)'
                          % (len(lines) - LINES, name))
    print('\n== warnings: %d inputs print something else on standard error'
          % len(warn_diff))
    for i, ((ident, ea, eb), fmts) in enumerate(warn_diff.items()):
        d = udiff(ea.decode('utf-8', 'replace'), eb.decode('utf-8', 'replace'),
                  'base', 'new')
        print('  %s (%s)' % (ident, ', '.join(fmts)))
        if i < SHOW:
            for x in d[2:2 + LINES]:
                print('      ' + x)
    print('\nfull diffs: %s/' % os.path.relpath(diff_dir))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
