#!/usr/bin/env python3
"""Reference values for the built-in metric and loss plugins (Tests/SweepPluginTests).

Run by hand with a Python that has them (e.g. /work/venv/bin/python) (numpy, scikit-learn, torch, torchvision); CI never runs it,
the outputs are committed:
  plugins/metrics.json  every metric's scikit-learn value on several cases (random scores, tied
                        scores with cells exactly at the threshold, single-label rows, a row and a
                        label with no positive, another threshold, rows with nothing true nor
                        predicted). null = undefined: sklearn returns NaN with a
                        warning (1.9) or raises (older versions); we return NaN.
  plugins/losses.json   each loss's mean value and d(mean)/d(logits) from torch autograd in float64
                        on float32-representable logits: focal from torchvision.ops.sigmoid_focal_loss,
                        asl from the paper's reference formula written in torch (Alibaba-MIIL/ASL
                        AsymmetricLoss, disable_torch_grad_focal_loss=True) divided by N*C,
                        cross_entropy from torch.nn.functional.cross_entropy on class indices.
"""
import json
import os
import warnings

import numpy as np
import torch
import torchvision
from sklearn import metrics as skm

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "plugins")


def sk_or_none(f):
    """The value, or None (JSON null, NaN for us) where sklearn raises or returns NaN."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            v = float(f())
    except ValueError:
        return None
    return None if np.isnan(v) else v


def one_error(y, s):
    top = np.argmax(s, axis=1)  # ties: first column
    return float(np.mean(y[np.arange(len(y)), top] == 0))


def metric_values(y, s, threshold):
    p = (s > threshold).astype(int)
    return {
        "f1_samples": sk_or_none(lambda: skm.f1_score(y, p, average="samples")),
        "f1_micro": sk_or_none(lambda: skm.f1_score(y, p, average="micro")),
        "f1_macro": sk_or_none(lambda: skm.f1_score(y, p, average="macro")),
        "roc_auc_samples": sk_or_none(lambda: skm.roc_auc_score(y, s, average="samples")),
        "roc_auc_macro": sk_or_none(lambda: skm.roc_auc_score(y, s, average="macro")),
        "map": sk_or_none(lambda: skm.average_precision_score(y, s, average="macro")),
        "hamming_loss": sk_or_none(lambda: skm.hamming_loss(y, p)),
        "subset_accuracy": sk_or_none(lambda: skm.accuracy_score(y, p)),
        "lrap": sk_or_none(lambda: skm.label_ranking_average_precision_score(y, s)),
        "coverage": sk_or_none(lambda: skm.coverage_error(y, s)),
        "ranking_loss": sk_or_none(lambda: skm.label_ranking_loss(y, s)),
        "one_error": one_error(y, s),
    }


def label_rows(rng, n, c, lo, hi):
    y = np.zeros((n, c), dtype=int)
    for i in range(n):
        k = rng.integers(lo, hi + 1)
        y[i, rng.choice(c, size=k, replace=False)] = 1
    return y


def metric_cases():
    rng = np.random.default_rng(20240601)
    cases = []
    # random scores, 1 to 3 labels per row (as the MIML scenes)
    y = label_rows(rng, 40, 5, 1, 3)
    s = np.clip(0.6 * y + rng.normal(0.2, 0.25, size=y.shape), 0, 1)
    cases.append(("random", y, s, 0.5))
    # ties: scores on a grid of 5 values, some exactly at the threshold 0.5
    y = label_rows(rng, 24, 4, 1, 2)
    s = rng.integers(0, 5, size=y.shape) / 4.0
    cases.append(("ties", y, s, 0.5))
    # single-label rows with softmax scores
    y = label_rows(rng, 18, 3, 1, 1)
    z = rng.normal(size=y.shape) + 1.5 * y
    s = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    cases.append(("single_label", y, s, 0.5))
    # a row with no positive label and a label with no positive: some metrics undefined
    y = label_rows(rng, 12, 4, 1, 2)
    y[:, 3] = 0
    y[5, :] = 0
    s = rng.uniform(size=y.shape)
    cases.append(("no_positive", y, s, 0.5))
    # another threshold
    y = label_rows(rng, 15, 6, 1, 3)
    s = rng.uniform(size=y.shape)
    cases.append(("threshold_0_3", y, s, 0.3))
    # rows with nothing true and nothing predicted (F1's zero_division: 0), beside normal rows
    y = label_rows(rng, 10, 4, 1, 2)
    s = np.clip(0.5 * y + rng.uniform(0, 0.45, size=y.shape), 0, 1)
    y[[2, 7], :] = 0
    s[[2, 7], :] = rng.uniform(0, 0.4, size=(2, 4))
    cases.append(("empty_rows", y, s, 0.5))
    out = []
    for name, y, s, t in cases:
        out.append({
            "name": name, "rows": int(y.shape[0]), "columns": int(y.shape[1]), "threshold": t,
            "scores": [float(v) for v in s.ravel()], "targets": [int(v) for v in y.ravel()],
            "expected": metric_values(y, s, t),
        })
    return out


def asl_reference(x, y, gamma_neg=4.0, gamma_pos=1.0, clip=0.05, eps=1e-8):
    """AsymmetricLoss.forward of Alibaba-MIIL/ASL (disable_torch_grad_focal_loss=True), -sum / (N*C)."""
    x_sigmoid = torch.sigmoid(x)
    xs_pos = x_sigmoid
    xs_neg = 1 - x_sigmoid
    if clip is not None and clip > 0:
        xs_neg = (xs_neg + clip).clamp(max=1)
    los_pos = y * torch.log(xs_pos.clamp(min=eps))
    los_neg = (1 - y) * torch.log(xs_neg.clamp(min=eps))
    loss = los_pos + los_neg
    if gamma_neg > 0 or gamma_pos > 0:
        with torch.no_grad():
            pt = xs_pos * y + xs_neg * (1 - y)
            one_sided_gamma = gamma_pos * y + gamma_neg * (1 - y)
            one_sided_w = torch.pow(1 - pt, one_sided_gamma)
        loss = loss * one_sided_w
    return -loss.sum() / x.numel()


def loss_value_and_grad(name, params, logits, targets):
    x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(targets, dtype=torch.float64)
    if name == "focal":
        v = torchvision.ops.sigmoid_focal_loss(x, y, alpha=params.get("alpha", 0.25),
                                               gamma=params.get("gamma", 2.0), reduction="mean")
    elif name == "asl":
        v = asl_reference(x, y, **params)
    elif name == "cross_entropy":
        v = torch.nn.functional.cross_entropy(x, y.argmax(dim=1))
    else:
        raise ValueError(name)
    v.backward()
    return v.item(), [float(g) for g in x.grad.ravel()]


def loss_cases():
    rng = np.random.default_rng(7)
    multi = label_rows(rng, 6, 4, 0, 3).astype(float)
    single = label_rows(rng, 7, 5, 1, 1).astype(float)
    small = rng.uniform(-4, 4, size=multi.shape).astype(np.float32)
    large = (rng.choice([-1, 1], size=multi.shape) * rng.uniform(10, 60, size=multi.shape)).astype(np.float32)
    near_clip = (np.log(0.05 / 0.95) + rng.uniform(-0.3, 0.3, size=multi.shape)).astype(np.float32)
    ce_logits = rng.uniform(-5, 5, size=single.shape).astype(np.float32)
    ce_large = rng.uniform(-80, 80, size=single.shape).astype(np.float32)
    plan = [
        ("focal", {}, small, multi),
        ("focal", {"alpha": -1.0, "gamma": 0.5}, small, multi),
        ("focal", {"alpha": 0.6, "gamma": 0.0}, small, multi),
        ("focal", {}, large, multi),
        ("asl", {}, small, multi),
        ("asl", {}, near_clip, multi),
        ("asl", {"gamma_neg": 2.0, "gamma_pos": 0.0, "clip": 0.0}, small, multi),
        ("asl", {}, large, multi),
        ("cross_entropy", {}, ce_logits, single),
        ("cross_entropy", {}, ce_large, single),
    ]
    out = []
    for name, params, x, y in plan:
        value, grad = loss_value_and_grad(name, params, x.astype(np.float64), y)
        out.append({
            "loss": name, "parameters": params, "rows": int(y.shape[0]), "columns": int(y.shape[1]),
            "logits": [float(v) for v in x.ravel()], "targets": [float(v) for v in y.ravel()],
            "value": value, "gradient": grad,
        })
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for fname, data in [("metrics.json", metric_cases()), ("losses.json", loss_cases())]:
        with open(os.path.join(OUT, fname), "w") as f:
            json.dump(data, f, indent=1, allow_nan=False)
            f.write("\n")
        print("wrote", os.path.join(OUT, fname))


if __name__ == "__main__":
    main()
