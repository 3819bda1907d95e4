#!/usr/bin/env python3
"""check_png.py - PNG kinds in PDF handouts (src/back/pdf/png.c).

  check_png.py make DIR     writes DIR/k-*.png (every colour type, bit
                            depth, tRNS, interlacing) and DIR/page.md
                            showing them all, plus damaged files
  check_png.py check DIR    reads the images pdfimages extracted from the
                            handout (DIR/x-NNN.ppm/.pgm/.pbm, in page
                            order) and compares their pixels with what
                            each PNG holds
  check_png.py make-big DIR, check-big DIR
                            the same for two images too big for png.c to
                            inflate whole (over its PNG_WHOLE_MAX, 32 MiB
                            inflated: read a row at a time with zlib): an
                            RGBA one with an alpha channel opaque in its
                            first rows only, and an opaque RGB one that
                            goes in as it is

Prints one PASS/FAIL line per image kind.
"""
import os
import struct
import sys
import zlib

W, H = 13, 7  # odd sizes: partial bytes, partial Adam7 passes

# (name, colour type, bit depth, tRNS, interlaced)
KINDS = [
    ("g1", 0, 1, None, 0), ("g2", 0, 2, None, 0), ("g4", 0, 4, None, 0),
    ("g8", 0, 8, None, 0), ("g16", 0, 16, None, 0),
    ("rgb8", 2, 8, None, 0), ("rgb16", 2, 16, None, 0),
    ("p1", 3, 1, None, 0), ("p4", 3, 4, None, 0), ("p8", 3, 8, None, 0),
    ("p8t", 3, 8, "pal", 0), ("g8t", 0, 8, "grey", 0),
    ("rgb8t", 2, 8, "rgb", 0), ("ga8", 4, 8, None, 0), ("ga16", 4, 16, None, 0),
    ("rgba8", 6, 8, None, 0), ("rgba16", 6, 16, None, 0),
    ("rgba8i", 6, 8, None, 1), ("g2i", 0, 2, None, 1), ("p8i", 3, 8, None, 1),
    # an alpha channel all opaque (no soft mask), and one opaque in its
    # first rows only (png.c holds their alpha back until a pixel is not)
    ("rgba8op", 6, 8, None, 0), ("rgba8opi", 6, 8, None, 1),
    ("rgba8late", 6, 8, None, 0), ("ga8late", 4, 8, None, 0),
    ("rgba16late", 6, 16, None, 0),
]
PALETTE = [(255, 0, 0), (0, 128, 0), (0, 0, 255), (200, 200, 50)]


def sample(kind, x, y):
    """The samples of pixel (x, y) as stored in the file."""
    name, ct, d, trns, il = kind
    m = (1 << d) - 1
    v = (x * 7 + y * 3) % (m + 1) if d < 8 else (x * 37 + y * 91) % 256
    if ct == 3:
        return [(x + 2 * y) % min(len(PALETTE), m + 1)]
    if d == 16:
        v = (x * 4099 + y * 2711) % 65536
    if ct == 0:
        return [v]
    if ct == 2:
        return [v, (v * 3) % (m + 1 if d < 16 else 65536), (x * y * 5) % (256 if d == 8 else 65536)]
    a = (x * 20 + y * 30) % (256 if d == 8 else 65536)
    if name.endswith("op") or name.endswith("opi") or (name.endswith("late") and y < 4):
        a = m
    if ct == 4:
        return [v, a]
    return [v, (v * 3) % (256 if d == 8 else 65536), (x * y * 5) % (256 if d == 8 else 65536), a]


def expected(kind, x, y):
    """(colour tuple at 8 bits, alpha at 8 bits)."""
    name, ct, d, trns, il = kind
    s = sample(kind, x, y)
    if ct == 3:
        a = 255
        if trns == "pal" and s[0] == 1:
            a = 0
        return PALETTE[s[0]], a
    to8 = (lambda v: v >> 8) if d == 16 else (lambda v: v * 255 // ((1 << d) - 1))
    if ct in (0, 2):
        col = tuple(to8(v) for v in s)
        a = 255
        if trns and s == trns_value(kind):
            a = 0
        return col, a
    return tuple(to8(v) for v in s[:-1]), to8(s[-1])


def trns_value(kind):
    return sample(kind, 2, 1)


def rows(kind, w, h, x0=0, y0=0, dx=1, dy=1):
    name, ct, d, trns, il = kind
    out = b""
    for j in range(h):
        bits = []
        for i in range(w):
            for v in sample(kind, x0 + i * dx, y0 + j * dy):
                bits.append(v)
        if d >= 8:
            raw = b"".join(v.to_bytes(d // 8, "big") for v in bits)
        else:
            n = 0
            acc = 0
            raw = bytearray()
            for v in bits:
                acc = (acc << d) | v
                n += d
                if n == 8:
                    raw.append(acc)
                    acc = n = 0
            if n:
                raw.append(acc << (8 - n))
            raw = bytes(raw)
        # a different filter on each row, to exercise every one
        ft = j % 5
        out += bytes([ft]) + filt(ft, raw, prev_row(out, len(raw)), max(1, (len(sample(kind, 0, 0)) * d) // 8))
    return out


def prev_row(out, n):
    return rows.prev if hasattr(rows, "prev") else bytes(n)


def filt(ft, raw, prev, bpp):
    res = bytearray()
    for i, v in enumerate(raw):
        a = raw[i - bpp] if i >= bpp else 0
        b = prev[i] if i < len(prev) else 0
        c = prev[i - bpp] if i >= bpp and i - bpp < len(prev) else 0
        if ft == 0:
            p = 0
        elif ft == 1:
            p = a
        elif ft == 2:
            p = b
        elif ft == 3:
            p = (a + b) // 2
        else:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        res.append((v - p) & 255)
    rows.prev = raw
    return bytes(res)


A7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png(kind):
    name, ct, d, trns, il = kind
    data = b""
    if il:
        for x0, y0, dx, dy in A7:
            pw = (W - x0 + dx - 1) // dx if W > x0 else 0
            ph = (H - y0 + dy - 1) // dy if H > y0 else 0
            if pw and ph:
                rows.prev = b""
                data += rows(kind, pw, ph, x0, y0, dx, dy)
    else:
        rows.prev = b""
        data = rows(kind, W, H)

    def chunk(t, b):
        return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xFFFFFFFF)

    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, d, ct, 0, 0, il))
    if ct == 3:
        out += chunk(b"PLTE", b"".join(bytes(p) for p in PALETTE))
        if trns == "pal":
            out += chunk(b"tRNS", bytes([255, 0]))
    elif trns:
        out += chunk(b"tRNS", b"".join(v.to_bytes(2, "big") for v in trns_value(kind)))
    out += chunk(b"IDAT", zlib.compress(data)) + chunk(b"IEND", b"")
    return out


def make(d):
    os.makedirs(d, exist_ok=True)
    md = ["---", "title: PNG kinds", "---", ""]
    for k in KINDS:
        open(os.path.join(d, "k-%s.png" % k[0]), "wb").write(png(k))
        md += ["![%s](k-%s.png)" % (k[0], k[0]), ""]
    good = png(KINDS[15])
    open(os.path.join(d, "bad-trunc.png"), "wb").write(good[: len(good) // 2])
    bad = bytearray(good)
    bad[-20] ^= 0xFF  # in the IDAT: the CRC no longer matches
    open(os.path.join(d, "bad-crc.png"), "wb").write(bytes(bad))
    md += ["![bad-trunc](bad-trunc.png)", "", "![bad-crc](bad-crc.png)", ""]
    open(os.path.join(d, "page.md"), "w").write("\n".join(md))


def pnm_header(b):
    """The header's fields of a binary PNM (kind, width, height and, but
    for P4, the maximum), and where its pixels start."""
    parts = []
    i = 0
    while len(parts) < (3 if b[:2] == b"P4" else 4):
        while b[i:i + 1].isspace():
            i += 1
        j = i
        while not b[j:j + 1].isspace():
            j += 1
        parts.append(b[i:j])
        i = j
    return parts, i + 1


def read_pnm(path):
    b = open(path, "rb").read()
    parts, i = pnm_header(b)
    kind, w, h = parts[0], int(parts[1]), int(parts[2])
    px = []
    if kind == b"P4":
        stride = (w + 7) // 8
        for y in range(h):
            for x in range(w):
                bit = (b[i + y * stride + x // 8] >> (7 - x % 8)) & 1
                px.append((0 if bit else 255,))
    elif kind == b"P5":
        px = [(v,) for v in b[i:i + w * h]]
    else:
        d = b[i:i + 3 * w * h]
        px = [tuple(d[k:k + 3]) for k in range(0, len(d), 3)]
    return w, h, px


def check(d):
    files = sorted(f for f in os.listdir(d) if f.startswith("x-"))
    bad = 0
    fi = 0
    for k in KINDS:
        name = k[0]
        exp = [expected(k, x, y) for y in range(H) for x in range(W)]
        has_mask = any(a != 255 for _, a in exp)
        if fi >= len(files):
            print("FAIL png %s: not in the PDF" % name)
            bad += 1
            continue
        w, h, px = read_pnm(os.path.join(d, files[fi]))
        fi += 1
        errs = []
        if (w, h) != (W, H):
            errs.append("size %dx%d" % (w, h))
        else:
            for (col, a), got in zip(exp, px):
                want = col if len(got) == len(col) else (col * 3 if len(col) == 1 else col)
                if any(abs(p - q) > 1 for p, q in zip(got, want)):
                    errs.append("pixel %r, want %r" % (got, want))
                    break
        if has_mask:
            if fi >= len(files):
                errs.append("no soft mask")
            else:
                mw, mh, mpx = read_pnm(os.path.join(d, files[fi]))
                fi += 1
                if [p[0] for p in mpx] != [a for _, a in exp]:
                    errs.append("mask differs")
        if errs:
            bad += 1
            print("FAIL png %s: %s" % (name, "; ".join(errs[:3])))
        else:
            print("PASS png %s (%s)" % (name, "with soft mask" if has_mask else "opaque"))
    if fi != len(files):
        print("FAIL png: %d extra images in the PDF (damaged files embedded?)" % (len(files) - fi))
        bad += 1
    return bad


# the big images: BW x BH
BW, BH = 3400, 3400  # inflated: RGBA 46,243,400 bytes, RGB 34,683,400


def big_px(x, y):
    """((r, g, b), alpha) of big pixel (x, y)."""
    return ((x * 7) % 256, (y * 3) % 256, (x + y) % 256), (255 if y < 40 else (x + 2 * y) % 256)


def big_png(alpha):
    ch = 4 if alpha else 3
    r = bytes((x * 7) % 256 for x in range(BW))
    ramp = bytes(v % 256 for v in range(BW + 256))
    data = bytearray()
    for y in range(BH):
        row = bytearray(BW * ch)
        row[0::ch] = r
        row[1::ch] = bytes([(y * 3) % 256]) * BW
        row[2::ch] = ramp[y % 256:y % 256 + BW]
        if alpha:
            row[3::ch] = (bytes([255]) * BW if y < 40 else
                          ramp[(2 * y) % 256:(2 * y) % 256 + BW])
        data.append(0)  # (no filter: the small kinds above try every one)
        data += row

    def chunk(t, b):
        return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", BW, BH, 8, 6 if alpha else 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(bytes(data), 1)) + chunk(b"IEND", b""))


def make_big(d):
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "big-rgba.png"), "wb").write(big_png(True))
    open(os.path.join(d, "big-rgb.png"), "wb").write(big_png(False))
    open(os.path.join(d, "page.md"), "w").write(
        "---\ntitle: Big PNGs\n---\n\n![big rgba](big-rgba.png)\n\n![big rgb](big-rgb.png)\n")


def read_raw_pnm(path):
    """(w, h, channels, pixel bytes) of a binary PPM or PGM."""
    b = open(path, "rb").read()
    parts, i = pnm_header(b)
    return int(parts[1]), int(parts[2]), 3 if parts[0] == b"P6" else 1, b[i:]


def check_big(d):
    files = sorted(f for f in os.listdir(d) if f.startswith("x-"))
    want = [("big rgba", True), ("big rgb", False)]
    names = files
    if len(names) != 3:
        print("FAIL png big: %d images extracted, not 3 (%s)" % (len(names), " ".join(names)))
        return 1
    bad = 0
    fi = 0
    for name, alpha in want:
        w, h, ch, px = read_raw_pnm(os.path.join(d, names[fi]))
        fi += 1
        errs = []
        if (w, h, ch) != (BW, BH, 3):
            errs.append("size %dx%d, %d channels" % (w, h, ch))
        mask = None
        if alpha:
            # (pdfimages writes a grey soft mask as PGM or as PPM)
            mw, mh, mch, mask = read_raw_pnm(os.path.join(d, names[fi]))
            fi += 1
            if (mw, mh) != (BW, BH):
                errs.append("soft mask %dx%d" % (mw, mh))
                mask = None
        # every 7th row and column, and the corners
        pts = [(x, y) for y in list(range(0, BH, 7)) + [BH - 1]
               for x in list(range(0, BW, 7)) + [BW - 1]]
        for x, y in pts if not errs else []:
            col, a = big_px(x, y)
            k = (y * BW + x) * 3
            if tuple(px[k:k + 3]) != col:
                errs.append("pixel (%d, %d) %r, want %r" % (x, y, tuple(px[k:k + 3]), col))
                break
            if mask is not None and mask[(y * BW + x) * mch] != a:
                errs.append("alpha (%d, %d) %d, want %d" % (x, y, mask[(y * BW + x) * mch], a))
                break
        if errs:
            bad += 1
            print("FAIL png %s: %s" % (name, "; ".join(errs[:3])))
        else:
            print("PASS png %s, %dx%d, past png.c's whole-image size (%s)" %
                  (name, BW, BH, "with soft mask" if alpha else "opaque, as it is"))
    return bad


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "make-big":
        make_big(sys.argv[2])
    elif sys.argv[1] == "check-big":
        sys.exit(1 if check_big(sys.argv[2]) else 0)
    else:
        sys.exit(1 if check(sys.argv[2]) else 0)
