#!/usr/bin/env python3
"""PNG fixtures for SweepVisionTests: PNGs of every colour type and bit depth, and what
Pillow's `Image.open(path).convert("RGB")` makes of each.

Run by hand (never by CI) from the repository root:

    /work/venv/bin/python Tests/Fixtures/make_png_fixtures.py

Pillow cannot write every kind of PNG (16-bit colour, 2- and 4-bit gray, Adam7 interlacing),
so the files are written by the small encoder below (zlib + CRC, filter type chosen per row
to exercise all five filters); Pillow only reads them. Writes into Tests/Fixtures/vision/:
  png_<name>.png          the PNG (11 x 7 pixels, or 13 x 9 for the interlaced ones)
  png_<name>.rgb.npy      uint8 (H, W, 3): np.asarray(Image.open(png).convert("RGB"))
  png_manifest.txt        one line per file: name, Pillow's mode on open, notes
"""
import os
import struct
import zlib

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vision")


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(samples, bit_depth):
    """One scanline's samples (already flattened over channels) as bytes at `bit_depth`."""
    if bit_depth == 16:
        return b"".join(struct.pack(">H", int(s)) for s in samples)
    if bit_depth == 8:
        return bytes(int(s) for s in samples)
    per_byte = 8 // bit_depth
    out = bytearray()
    for i in range(0, len(samples), per_byte):
        byte = 0
        group = list(samples[i:i + per_byte]) + [0] * (per_byte - len(samples[i:i + per_byte]))
        for s in group:
            byte = (byte << bit_depth) | int(s)
        out.append(byte)
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_rows(rows, bpp):
    """Filters each row with type (row index % 5): None, Sub, Up, Average, Paeth."""
    out = bytearray()
    previous = bytes(len(rows[0])) if rows else b""
    for y, row in enumerate(rows):
        kind = y % 5
        f = bytearray()
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            f.append((x - pred) & 0xFF)
        out.append(kind)
        out += f
        previous = row
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def encode_png(pixels, color_type, bit_depth, palette=None, trns=None, interlace=False):
    """pixels: (H, W, channels) integer array of raw sample values."""
    h, w, ch = pixels.shape
    bpp = max(1, ch * bit_depth // 8)

    def image_rows(img):
        return [pack_row(img[y].reshape(-1), bit_depth) for y in range(img.shape[0])]

    if interlace:
        data = b""
        for x0, y0, dx, dy in ADAM7:
            sub = pixels[y0::dy, x0::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            data += filter_rows(image_rows(sub), bpp)
    else:
        data = filter_rows(image_rows(pixels), bpp)
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlace else 0))
    if palette is not None:
        png += chunk(b"PLTE", bytes(int(v) for rgb in palette for v in rgb))
    if trns is not None:
        png += chunk(b"tRNS", trns)
    png += chunk(b"IDAT", zlib.compress(data, 9))
    png += chunk(b"IEND", b"")
    return png


def main():
    rng = np.random.default_rng(13)
    w, h = 11, 7
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
    cases = []
    for bits in (1, 2, 4, 8, 16):
        cases.append((f"gray{bits}", 0, bits, {}))
    for bits in (8, 16):
        cases.append((f"rgb{bits}", 2, bits, {}))
        cases.append((f"graya{bits}", 4, bits, {}))
        cases.append((f"rgba{bits}", 6, bits, {}))
    for bits in (1, 2, 4, 8):
        cases.append((f"palette{bits}", 3, bits, {}))
    cases.append(("palette8_trns", 3, 8, {"trns": True}))
    cases.append(("gray8_trns", 0, 8, {"trns": True}))
    cases.append(("rgb8_trns", 2, 8, {"trns": True}))
    cases.append(("rgb8_interlaced", 2, 8, {"interlace": True, "size": (13, 9)}))
    cases.append(("palette4_interlaced", 3, 4, {"interlace": True, "size": (13, 9)}))
    cases.append(("gray16_interlaced", 0, 16, {"interlace": True, "size": (13, 9)}))

    manifest = ["# name  pillow-mode-on-open  notes"]
    for name, color_type, bits, opts in cases:
        cw, chh = opts.get("size", (w, h))
        ch = channels[color_type]
        top = (1 << bits) - 1
        if color_type == 3:
            entries = min(1 << bits, 256)
            palette = rng.integers(0, 256, size=(entries, 3))
            pixels = rng.integers(0, entries, size=(chh, cw, 1))
            trns = bytes(rng.integers(0, 256, size=min(entries, 5)).tolist()) if opts.get("trns") else None
        else:
            palette = None
            pixels = rng.integers(0, top + 1, size=(chh, cw, ch))
            if bits == 16:
                # Some small values too, so that Pillow's 16-bit gray clipping (v > 255 -> 255) shows.
                pixels[0, :, :] = rng.integers(0, 300, size=(cw, ch))
            trns = None
            if opts.get("trns"):
                trns = struct.pack(">H", int(pixels[0, 0, 0])) if color_type == 0 else struct.pack(">HHH", *[int(v) for v in pixels[0, 0, :3]])
        data = encode_png(pixels, color_type, bits, palette=palette, trns=trns, interlace=opts.get("interlace", False))
        path = os.path.join(OUT, f"png_{name}.png")
        with open(path, "wb") as f:
            f.write(data)
        im = Image.open(path)
        mode = im.mode
        rgb = np.asarray(im.convert("RGB"), dtype=np.uint8)
        assert rgb.shape == (chh, cw, 3), (name, rgb.shape)
        np.save(os.path.join(OUT, f"png_{name}.rgb.npy"), rgb)
        notes = "interlaced" if opts.get("interlace") else ""
        if opts.get("trns"):
            notes = (notes + " tRNS").strip()
        manifest.append(f"{name} {mode} {notes}".rstrip())
        print(name, mode, rgb.shape)

    # A 24 x 16 RGBA PNG written by Pillow itself, to check a real encoder's output too.
    y, x = np.mgrid[0:16, 0:24]
    rgba = np.stack([x * 10, y * 15, (x + y) * 6, 255 - x * 5], axis=-1).astype(np.uint8)
    path = os.path.join(OUT, "png_pillow_rgba.png")
    Image.fromarray(rgba, "RGBA").save(path)
    np.save(os.path.join(OUT, "png_pillow_rgba.rgb.npy"), np.asarray(Image.open(path).convert("RGB"), dtype=np.uint8))
    manifest.append("pillow_rgba RGBA written-by-pillow")
    with open(os.path.join(OUT, "png_manifest.txt"), "w") as f:
        f.write("\n".join(manifest) + "\n")


if __name__ == "__main__":
    main()
