"""The whole `sweep embed` job in PyTorch, for `make bench`'s side-by-side figure.

usage: torch_embed.py IMAGE_LIST OUT.npy [--threads N] [--workers N] [--batch N]
                      [--layout channels_last|nchw] [--mode frozen|eager] [--timing FILE]

Reads image paths (one a line) from IMAGE_LIST, runs the notebook's preprocessing (PIL decode,
Resize((224, 224)), ToTensor, Normalize, in the notebook's Dataset shape) and torchvision's
resnet50 trunk (random weights: the speed does not depend on them; fc replaced by Identity),
fp32, eval mode, under inference_mode, and writes the features as float32 .npy to OUT.npy.
Prints one line: `images seconds setup`, timed from the first image read to the last feature
written (building and freezing the model is before the clock starts; the first batch, where
oneDNN creates its primitives, is inside it).

The defaults are the fastest setup measured on this 2-core machine (README, "Trunk speed past
the GEMM limit"): the model traced and frozen with torch.jit.optimize_for_inference (batch norm
folded into the convolutions, oneDNN weights prepacked), channels_last, batch 32, torch threads =
all cores, decoding in one DataLoader worker process (pin_memory off).
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torchvision
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms

TRANSFORM = transforms.Compose([transforms.Resize((224, 224)), transforms.ToTensor(),
                                transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])


class Images(Dataset):
    """The notebook's SceneDataset without labels: PIL decode, convert("RGB"), the transforms."""

    def __init__(self, paths):
        super().__init__()
        self.paths = paths

    def __getitem__(self, idx):
        return TRANSFORM(Image.open(self.paths[idx]).convert("RGB"))

    def __len__(self):
        return len(self.paths)


def build_model(layout, mode):
    """resnet50 without fc, eval mode; frozen = traced + torch.jit.optimize_for_inference."""
    model = torchvision.models.resnet50()
    model.fc = torch.nn.Identity()
    model.eval()
    example = torch.randn(1, 3, 224, 224)  # the traced graph takes any batch size
    if layout == "channels_last":
        model = model.to(memory_format=torch.channels_last)
        example = example.contiguous(memory_format=torch.channels_last)
    if mode == "frozen":
        with torch.no_grad():
            model = torch.jit.optimize_for_inference(torch.jit.trace(model, example))
    return model


def main():
    p = argparse.ArgumentParser()
    p.add_argument("images")
    p.add_argument("out")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--layout", choices=["channels_last", "nchw"], default="channels_last")
    p.add_argument("--mode", choices=["frozen", "eager"], default="frozen")
    p.add_argument("--timing", help="also write the `images seconds setup` line to this file")
    a = p.parse_args()
    paths = [line for line in open(a.images).read().split("\n") if line]
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    model = build_model(a.layout, a.mode)
    setup = time.perf_counter() - t0
    loader = DataLoader(Images(paths), batch_size=a.batch, shuffle=False, num_workers=a.workers,
                        pin_memory=False)
    start = time.perf_counter()
    features = []
    with torch.inference_mode():
        for batch in loader:
            if a.layout == "channels_last":
                batch = batch.contiguous(memory_format=torch.channels_last)
            features.append(model(batch).numpy())
    np.save(a.out, np.concatenate(features).astype(np.float32))
    line = f"{len(paths)} {time.perf_counter() - start} {setup}"
    print(line)
    if a.timing:
        with open(a.timing, "w") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    sys.exit(main())
