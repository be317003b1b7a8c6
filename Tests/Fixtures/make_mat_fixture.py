"""Writes Tests/Fixtures/data/scipy_miml.mat: a small MIML-layout .mat written by scipy.io.savemat
(compressed), so that sweep's MIML reader is tested on a file it did not write itself, and
scipy_miml.json with what scipy's own loadmat reads back from it.

Layout as the real `miml data.mat`: class_name a (5, 1) cell of char arrays, targets (5, N)
float64 of +1/-1 (column j = image j+1), bags an (N, 1) cell of (9, 15) float64 instance features.

Run by hand (CI never needs Python):  /work/venv/bin/python Tests/Fixtures/make_mat_fixture.py
"""
import json
import os

import numpy as np
import scipy
import scipy.io

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data")
names = ["desert", "mountains", "sea", "sunset", "trees"]
# label sets of 7 images: singles, pairs, a triple, and every class at least once
labels = [[0], [1, 4], [2], [3], [2, 3], [1, 2, 4], [4]]
n = len(labels)

class_name = np.empty((5, 1), dtype=object)
for i, name in enumerate(names):
    class_name[i, 0] = np.array([name])
targets = -np.ones((5, n), dtype=np.float64)
for j, ls in enumerate(labels):
    for c in ls:
        targets[c, j] = 1.0
rng = np.random.default_rng(0)
bags = np.empty((n, 1), dtype=object)
for j in range(n):
    bags[j, 0] = rng.random((9, 15))

path = os.path.join(out, "scipy_miml.mat")
scipy.io.savemat(path, {"class_name": class_name, "targets": targets, "bags": bags},
                 do_compression=True, format="5")

back = scipy.io.loadmat(path)
read_names = [str(back["class_name"][i, 0][0]) for i in range(back["class_name"].shape[0])]
assert read_names == names, read_names
expected = {
    "scipy": scipy.__version__,
    "class_names": read_names,
    "targets_shape": list(back["targets"].shape),
    "targets": back["targets"].astype(int).tolist(),
    "bags_shape": list(back["bags"].shape),
    "bag_shape": list(back["bags"][0, 0].shape),
    "bag0_row0": back["bags"][0, 0][0].tolist(),
}
with open(os.path.join(out, "scipy_miml.json"), "w") as f:
    json.dump(expected, f, indent=1)
print("wrote", path, os.path.getsize(path), "bytes")
