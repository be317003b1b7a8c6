#!/usr/bin/env python3
"""Fixtures for SweepVisionTests: real-looking JPEGs and what torchvision makes of them.

Run by hand (never by CI) from the repository root:

    /opt/venv/bin/python Tests/Fixtures/make_vision_fixtures.py

Writes into Tests/Fixtures/vision/:
  <name>.jpg                 synthetic photographs (gradients + texture + shapes + noise),
                             saved by PIL with the subsampling / progressive / mode named below
  <name>.resized.npy         uint8 (224, 224, 3): np.asarray(Resize((224, 224))(img)) where
                             img = Image.open(path).convert("RGB")  (torchvision on PIL)
  <name>.decoded.npy         uint8 (H, W, 3): np.asarray(img) before resizing (only for the
                             CMYK image, to check the colour conversion exactly)
  <name>.normalized.npy      float32 (224, 224, 3), NHWC: the CHW tensor of
                             Compose([Resize((224, 224)), ToTensor(), Normalize(mean, std)])
                             permuted to HWC (only for the first image)
  manifest.txt               one line per image: name width height mode notes
  noise_source.npy           uint8 (60, 120, 3) random pixels, and for each (w, h) in RESIZES
  noise_to_<w>x<h>.npy       uint8 (h, w, 3): Image.fromarray(source).resize((w, h), BILINEAR),
                             covering both pass orders of Pillow 13 (vertical first when the
                             height shrinks by more than twice as many pixels as the width),
                             the tie, upscaling and one unchanged axis
"""
import os

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision import transforms

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vision")
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def synthetic_photo(width, height, seed):
    """A smooth, textured, noisy RGB image (height, width, 3) uint8 that JPEG-compresses like a photo."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    u, v = x / width, y / height
    img = np.zeros((height, width, 3))
    for c in range(3):
        a, b, ph = rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(0, 2 * np.pi)
        img[..., c] = 110 + 70 * (a * u + b * v) + 40 * np.sin(2 * np.pi * (1.3 * u + 0.7 * v) + ph)
    # low-frequency blobs: bilinearly upsampled coarse noise
    coarse = rng.normal(0, 30, (height // 16 + 2, width // 16 + 2, 3))
    cy, cx = y / 16, x / 16
    y0, x0 = cy.astype(int), cx.astype(int)
    fy, fx = (cy - y0)[..., None], (cx - x0)[..., None]
    img += ((1 - fy) * (1 - fx) * coarse[y0, x0] + (1 - fy) * fx * coarse[y0, x0 + 1]
            + fy * (1 - fx) * coarse[y0 + 1, x0] + fy * fx * coarse[y0 + 1, x0 + 1])
    # texture: fine oriented stripes and a checker-like pattern
    img += 18 * np.sin(x * 0.9 + 0.4 * y)[..., None] * np.array([1.0, 0.6, 0.3])
    img += 10 * np.sign(np.sin(x * 0.35) * np.sin(y * 0.27))[..., None]
    # a few hard-edged shapes
    for _ in range(4):
        cxr, cyr, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(8, min(width, height) / 3)
        mask = (x - cxr) ** 2 + (y - cyr) ** 2 < r * r
        img[mask] = 0.4 * img[mask] + 0.6 * rng.uniform(0, 255, 3)
    img += rng.normal(0, 6, img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def cmyk_image(width, height, seed):
    """A CMYK image with a varying K plane (PIL's RGB->CMYK would leave K at 0)."""
    rgb = synthetic_photo(width, height, seed).astype(np.int32)
    k = np.min(255 - rgb, axis=2) * 2 // 3
    cmy = np.clip(255 - rgb - k[..., None], 0, 255)
    cmyk = np.concatenate([cmy, k[..., None]], axis=2).astype(np.uint8)
    return Image.fromarray(cmyk, mode="CMYK")


# name, (width, height), mode, save options, what it exercises
IMAGES = [
    ("rgb_517x343_420", (517, 343), "RGB", dict(quality=90, subsampling=2), "baseline 4:2:0, odd sizes, downscale"),
    ("rgb_333x500_444", (333, 500), "RGB", dict(quality=85, subsampling=0), "baseline 4:4:4, portrait (Pillow 13 resizes vertically first)"),
    ("rgb_640x150_422", (640, 150), "RGB", dict(quality=88, subsampling=1), "4:2:2, height below 224 (upscale one axis)"),
    ("rgb_97x211_small", (97, 211), "RGB", dict(quality=90, subsampling=2), "below 224 in both axes"),
    ("progressive_500x375", (500, 375), "RGB", dict(quality=85, subsampling=2, progressive=True), "progressive 4:2:0"),
    ("gray_401x299", (401, 299), "L", dict(quality=90), "grayscale"),
    ("cmyk_180x130", (180, 130), "CMYK", dict(quality=92), "CMYK (Adobe, inverted), upscale"),
]


# Targets for the 120x60 noise image: (w, h)  dx = 120 - w, dy = 60 - h
RESIZES = [
    (30, 40),    # dy 20 < 2 * 90: horizontal first
    (110, 30),   # dy 30 > 2 * 10: vertical first
    (105, 30),   # dy 30 == 2 * 15: tie, horizontal first
    (106, 30),   # dy 30 > 2 * 14: vertical first
    (160, 40),   # width up, height down: vertical first
    (140, 75),   # both up: horizontal first
    (120, 25),   # width unchanged
    (45, 60),    # height unchanged
]


def main():
    os.makedirs(OUT, exist_ok=True)
    resize = transforms.Resize((224, 224))
    full = transforms.Compose([resize, transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    manifest = []
    for i, (name, (w, h), mode, opts, note) in enumerate(IMAGES):
        if mode == "CMYK":
            im = cmyk_image(w, h, seed=100 + i)
        elif mode == "L":
            im = Image.fromarray(synthetic_photo(w, h, seed=100 + i)).convert("L")
        else:
            im = Image.fromarray(synthetic_photo(w, h, seed=100 + i))
        path = os.path.join(OUT, name + ".jpg")
        im.save(path, "JPEG", **opts)

        img = Image.open(path)
        assert img.mode == mode, (name, img.mode)
        img = img.convert("RGB")
        resized = np.asarray(resize(img))
        assert resized.shape == (224, 224, 3) and resized.dtype == np.uint8
        np.save(os.path.join(OUT, name + ".resized.npy"), resized)
        if mode == "CMYK":
            np.save(os.path.join(OUT, name + ".decoded.npy"), np.asarray(img))
        if i == 0:
            tensor = full(img)  # (3, 224, 224) float32
            np.save(os.path.join(OUT, name + ".normalized.npy"),
                    np.ascontiguousarray(tensor.permute(1, 2, 0).numpy().astype("<f4")))
        manifest.append(f"{name} {w} {h} {mode} {note}")
    noise = np.random.default_rng(7).integers(0, 256, (60, 120, 3), dtype=np.uint8)
    np.save(os.path.join(OUT, "noise_source.npy"), noise)
    for w, h in RESIZES:
        out = np.asarray(Image.fromarray(noise).resize((w, h), Image.BILINEAR))
        np.save(os.path.join(OUT, f"noise_to_{w}x{h}.npy"), out)
    with open(os.path.join(OUT, "manifest.txt"), "w") as f:
        f.write(f"# torch {torch.__version__}, torchvision {torchvision.__version__}, "
                f"Pillow {Image.__version__}\n")
        f.write("\n".join(manifest) + "\n")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total / 1e6:.2f} MB, into {OUT}")


if __name__ == "__main__":
    main()
