#!/usr/bin/env python3
"""Writes Tests/Fixtures/data/torch_random_split.json: what PyTorch itself returns for
torch.utils.data.random_split(range(n), [n - int(n*f), int(n*f)],
generator=torch.Generator().manual_seed(seed)) for several (n, f, seed), the notebook's case
(2000, 0.3, 0) among them, plus one pos_weight computed the notebook's way on a seeded random
target matrix with its split's training rows (SweepTrainTests checks the `bce` plugin's
`pos_weight: auto` against it). Run by hand (CI has no Python):

    /opt/venv/bin/python Tests/Fixtures/make_split_fixtures.py
"""
import json
import os

import numpy as np
import torch
from torch.utils.data import random_split

CASES = [
    (2000, 0.3, 0),          # the notebook
    (2000, 0.3, 1),
    (2000, 0.2, 42),
    (10, 0.3, 0),
    (7, 0.5, 3),
    (2, 0.5, 5),
    (333, 0.1, 12345),
    (1000, 0.25, 2**32 + 5),  # torch keeps the low 32 bits of the seed for mt19937
    (1000, 0.25, 5),
]


def split(n, f, seed):
    k = int(n * f)
    train, val = random_split(range(n), [n - k, k], generator=torch.Generator().manual_seed(seed))
    return list(train.indices), list(val.indices)


def main():
    out = {"torch": torch.__version__, "splits": [], "pos_weight": None}
    for n, f, seed in CASES:
        train, val = split(n, f, seed)
        out["splits"].append({"n": n, "fraction": f, "seed": seed, "train": train, "validation": val})

    # pos_weight as the notebook computes it, on a seeded random (N, C) 0/1 matrix.
    rng = np.random.default_rng(7)
    n, c = 60, 5
    targets = (rng.random((n, c)) < np.array([0.2, 0.25, 0.3, 0.23, 0.28])).astype(np.uint8)
    targets[0] = 1  # every class has a positive somewhere
    train, _ = split(n, 0.3, 0)
    weights = []
    for cls in range(c):
        positive = float(sum(targets[i, cls] == 1 for i in train))
        negative = float(sum(targets[i, cls] == 0 for i in train))
        weights.append(negative / positive)
    out["pos_weight"] = {
        "n": n, "classes": c, "fraction": 0.3, "seed": 0,
        "train": train,  # the training rows of random_split(60, 0.3, seed 0)
        "targets": targets.reshape(-1).tolist(),  # (N, C) row-major
        "weights": torch.FloatTensor(weights).tolist(),
    }

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "torch_random_split.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
