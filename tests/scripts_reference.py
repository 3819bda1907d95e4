#!/usr/bin/python3
"""scripts_reference.py IN -o OUT [--style FILE] [-q] - a stand-in for
mentorconv that makes its PDFs with LibreOffice (which shapes with
HarfBuzz), to try tests/group_scripts.sh's checks on PDFs whose scripts
are known to print right:

    bash tests/group_scripts.sh tests/scripts_reference.py ../shared /tmp/ref 0

Markdown -> HTML with pandoc (kramdown IAL lines dropped; dir="rtl" on
the blocks whose first letter is Arabic or Hebrew; the body size of
--style's `sizes: body:` if given), then `soffice --convert-to pdf`.
EPUB, DOCX and the rest are handed to the real converter ($MC_REAL_BIN,
default ./mentorconv)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def first_strong_rtl(html):
    for c in re.sub(r'<[^>]*>', '', html):
        if '\u0590' <= c <= '\u08ff' or '\ufb1d' <= c <= '\ufdff':
            return True
        if c.isalpha():
            return False
    return False


def main(argv):
    args, out, style = [], None, None
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == '-o':
            out, i = argv[i + 1], i + 2
        elif a == '--style':
            style, i = argv[i + 1], i + 2
        elif a == '-q':
            i += 1
        else:
            args.append(a)
            i += 1
    if not out or not out.endswith('.pdf'):
        real = os.environ.get('MC_REAL_BIN', './mentorconv')
        return subprocess.call([real] + argv[1:])
    src = open(args[0], encoding='utf-8').read()
    lang = 'en'
    m = re.match(r'---\n(.*?)\n---\n', src, re.S)
    if m:
        lm = re.search(r'^lang:\s*(\S+)', m.group(1), re.M)
        lang = lm.group(1) if lm else lang
        src = src[m.end():]
    src = '\n'.join(l for l in src.split('\n') if not l.startswith('{:'))
    size = 11
    if style:
        sm = re.search(r'^\s+body:\s*([0-9.]+)', open(style).read(), re.M)
        size = float(sm.group(1)) if sm else size
    body = subprocess.run(['pandoc', '-f', 'markdown', '-t', 'html'],
                          input=src, capture_output=True, text=True,
                          check=True).stdout

    def block(mt):
        tag, rest = mt.group(1), mt.group(2)
        d = ' dir="rtl"' if first_strong_rtl(rest) else ''
        if tag in ('p', 'li'):
            d += ' style="font-size: %gpt"' % size
        return '<%s%s>%s' % (tag, d, rest)
    body = re.sub(r'<(p|h[1-6]|li)>(.*)', block, body)
    html = ('<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8">'
            '<title>Page</title></head><body>%s</body></html>\n' % (lang, body))
    tmp = tempfile.mkdtemp()
    try:
        with open(os.path.join(tmp, 'page.html'), 'w', encoding='utf-8') as f:
            f.write(html)
        subprocess.run(['soffice', '-env:UserInstallation=file://' + tmp + '/profile',
                        '--headless', '--infilter=HTML (StarWriter)',
                        '--convert-to', 'pdf', '--outdir', tmp,
                        os.path.join(tmp, 'page.html')],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
        shutil.copyfile(os.path.join(tmp, 'page.pdf'), out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
