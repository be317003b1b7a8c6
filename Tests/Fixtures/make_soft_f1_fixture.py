#!/work/venv/bin/python
"""Reference values for the example plugin plugins/example_soft_f1 (soft macro F1 loss over a batch).

Run by hand with /work/venv/bin/python (numpy, torch); CI never runs it, the output is committed:
  plugins/soft_f1.json  the loss 1 - mean_c 2 TP_c / (2 TP_c + FP_c + FN_c + eps), with
                        p = sigmoid(logits), TP = sum_rows p y, FP = sum_rows p (1 - y),
                        FN = sum_rows (1 - p) y, written in torch in its textbook form and
                        differentiated by autograd in float64 on float32-representable logits
                        (value and d loss/d logits), on random batches, a class without
                        positives, saturated logits, a single row and epsilon = 1.
Same case format as plugins/losses.json (Tests/SweepPluginTests/FixtureSupport.swift, LossCase).
"""
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "plugins", "soft_f1.json")


def soft_f1(x, y, eps):
    p = torch.sigmoid(x)
    tp = (p * y).sum(dim=0)
    fp = (p * (1 - y)).sum(dim=0)
    fn = ((1 - p) * y).sum(dim=0)
    f1 = 2 * tp / (2 * tp + fp + fn + eps)
    return 1 - f1.mean()


def case(logits, targets, params):
    x = torch.tensor(logits.astype(np.float64), requires_grad=True)
    y = torch.tensor(targets, dtype=torch.float64)
    v = soft_f1(x, y, params.get("epsilon", 1e-7))
    v.backward()
    return {
        "loss": "soft_f1", "parameters": params, "rows": int(y.shape[0]), "columns": int(y.shape[1]),
        "logits": [float(a) for a in logits.ravel()], "targets": [float(a) for a in targets.ravel()],
        "value": v.item(), "gradient": [float(g) for g in x.grad.ravel()],
    }


def main():
    rng = np.random.default_rng(12)
    y = (rng.uniform(size=(6, 4)) < 0.4).astype(float)
    y[0, 0] = 1
    small = rng.uniform(-4, 4, size=y.shape).astype(np.float32)
    no_positive = y.copy()
    no_positive[:, 2] = 0                                        # class 2 has no positive in the batch
    large = (rng.choice([-1, 1], size=y.shape) * rng.uniform(10, 60, size=y.shape)).astype(np.float32)
    big_y = (rng.uniform(size=(32, 5)) < 0.3).astype(float)
    big = rng.normal(0, 2, size=big_y.shape).astype(np.float32)
    one_row = np.array([[1.0, 0.0, 1.0]])
    one_row_logits = np.array([[0.5, -1.25, 2.0]], dtype=np.float32)
    cases = [
        case(small, y, {}),
        case(small, no_positive, {}),
        case(large, y, {}),
        case(big, big_y, {}),
        case(one_row_logits, one_row, {}),
        case(small, y, {"epsilon": 1.0}),
    ]
    with open(OUT, "w") as f:
        json.dump(cases, f, indent=1, allow_nan=False)
        f.write("\n")
    print("wrote", OUT, "with", len(cases), "cases")


if __name__ == "__main__":
    main()
