"""A head saved the way sweep saves one, and PyTorch's predictions with it, for the test that
`sweep predict` reproduces them (Tests/SweepCLITests/PredictFixtureTests.swift).

Writes Tests/Fixtures/predict/:
  head/head.safetensors  the state_dict of an nn.Sequential head (Linear-BN-ReLU-Dropout x 2, Linear),
                         as torch holds it (num_batches_tracked int64), BatchNorm running statistics set
  head/model.json        a sweep model card (format sweep-head-v1) for it: 16 inputs, 3 classes,
                         threshold 0.6, random:0 trunk weights
  features.npy           (12, 16) float32 inputs, as `sweep embed --out x.npy` writes trunk features
  expected.json          torch's probabilities (sigmoid of the eval-mode logits, float32 then float64)
                         and the labels whose probability is > the threshold

Run by hand (CI never needs Python):  /work/venv/bin/python Tests/Fixtures/make_predict_fixture.py
"""
import json
import os

import numpy as np
import torch
from safetensors.torch import save_file

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "predict")
os.makedirs(os.path.join(out, "head"), exist_ok=True)
torch.manual_seed(3)
inputs, classes, threshold = 16, 3, 0.6
names = ["alpha", "beta", "gamma, with a comma"]
head = torch.nn.Sequential(
    torch.nn.Linear(16, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Dropout(0.3),
    torch.nn.Linear(8, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Dropout(0.3),
    torch.nn.Linear(4, classes),
)
with torch.no_grad():
    for bn in (head[1], head[5]):
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
        bn.running_mean.uniform_(-0.3, 0.3)
        bn.running_var.uniform_(0.5, 2.0)
        bn.num_batches_tracked.fill_(7)
    head[8].weight.mul_(4)                     # probabilities spread over (0, 1), not all near 0.5
head.eval()
save_file({k: v.contiguous() for k, v in head.state_dict().items()}, os.path.join(out, "head", "head.safetensors"),
          metadata={"format": "sweep-head-v1"})

card = {
    "classNames": names,
    "format": "sweep-head-v1",
    "head": {"classes": classes, "depth": 2, "dropout": 0.3, "inputWidth": inputs},
    "preprocessing": {"mean": [0.485, 0.456, 0.406], "size": 224, "std": [0.229, 0.224, 0.225]},
    "scores": "sigmoid",
    "threshold": threshold,
    "trial": {"bestEpoch": 3, "data": "make_predict_fixture.py", "id": "0123456789ab", "parameters": {},
              "sweep": "fixture", "validation": {}},
    "trunk": {"identity": "random:0 init-v1", "name": "resnet50", "weights": "random:0"},
}
with open(os.path.join(out, "head", "model.json"), "w") as f:
    json.dump(card, f, indent=2, sort_keys=True)

x = torch.randn(12, inputs) * 1.5
np.save(os.path.join(out, "features.npy"), x.numpy().astype(np.float32))
with torch.no_grad():
    p = torch.sigmoid(head(x)).double().numpy()
labels = [[names[c] for c in range(classes) if p[i, c] > threshold] for i in range(len(p))]
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump({"torch": torch.__version__, "threshold": threshold, "classes": names,
               "probabilities": p.tolist(), "labels": labels}, f, indent=1)
os.chmod(os.path.join(out, "head", "head.safetensors"), 0o644)
print("rows with labels:", sum(1 for l in labels if l), "of", len(labels), "; counts", [sum(n in l for l in labels) for n in names])
