"""Fixtures for Tests/SweepTrainTests: PyTorch reference runs of small heads.

Run by hand (CI has no Python):  /opt/venv/bin/python Tests/Fixtures/make_train_fixtures.py
Writes Tests/Fixtures/train/*.json. Every float is an fp32 value written as the repr of the
equal double, so it parses back exactly.

Data: 100 samples x 64 features, 5 classes (multi-label, every class with positives).
Heads as the notebook's `_create_head` with 64 input features (64 -> 32 -> 16 -> 8 -> 5),
dropout 0. Each run dumps the initial state dict (so the Swift head starts from torch's
init), the batches (index lists, torch.randperm per epoch, batch 24 -> 24,24,24,24,4), the
pos_weight, the loss of every step, the gradients of the first step, the per-step values of
the Linear biases that feed a BatchNorm (see the Swift tests for why), the final state dict
and the eval-mode logits of the final head on all samples.
"""
import json
import math
import os

import torch
from torch import nn

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "train")
N, D, C, BATCH = 100, 64, 5, 24


def floats(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def tensor_json(t):
    return {"shape": list(t.shape), "data": floats(t.float())}


def state_json(model):
    return {k: tensor_json(v) for k, v in model.state_dict().items()}


def make_head(depth, dropout=0.0):
    widths = [D] + [D >> (i + 1) for i in range(depth)]
    layers = []
    for i in range(depth):
        layers += [nn.Linear(widths[i], widths[i + 1]), nn.BatchNorm1d(widths[i + 1]), nn.ReLU()]
        if dropout != 0:
            layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(widths[-1], C))
    return nn.Sequential(*layers)


def make_data():
    g = torch.Generator().manual_seed(1234)
    x = torch.randn(N, D, generator=g)
    mix = torch.randn(D, C, generator=g) / math.sqrt(D)
    score = x @ mix + 0.5 * torch.randn(N, C, generator=g)
    y = (score > torch.tensor([0.6, 0.3, 0.0, 0.4, 0.2])).float()
    pos = y.sum(0)
    assert (pos > 0).all()
    # as the notebook: float(negatives) / float(positives), then a FloatTensor
    pos_weight = torch.FloatTensor([float(N - p) / float(p) for p in pos.tolist()])
    return x, y, pos_weight


def batches(steps, seed):
    g = torch.Generator().manual_seed(seed)
    out = []
    while len(out) < steps:
        perm = torch.randperm(N, generator=g).tolist()
        out += [perm[i:i + BATCH] for i in range(0, N, BATCH)]
    return out[:steps]


def run(name, depth, make_opt, make_sched, steps, x, y, pos_weight, init_seed):
    torch.manual_seed(init_seed)
    model = make_head(depth)
    initial = state_json(model)
    opt = make_opt(model.parameters())
    sched = make_sched(opt)
    crit = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    order = batches(steps, seed=init_seed + 100)
    pre_bn = [i for i, m in enumerate(model) if isinstance(m, nn.Linear) and i + 1 < len(model)
              and isinstance(model[i + 1], nn.BatchNorm1d)]
    losses, lrs, first_grads = [], [], None
    bias_trajectory = {f"{i}.bias": [] for i in pre_bn}
    model.train()
    for step, idx in enumerate(order):
        for i in pre_bn:
            bias_trajectory[f"{i}.bias"].append(floats(model[i].bias))
        lrs.append(opt.param_groups[0]["lr"])
        out = model(x[idx])
        loss = crit(out, y[idx])
        opt.zero_grad()
        loss.backward()
        if step == 0:
            first_grads = {k: tensor_json(p.grad) for k, p in model.named_parameters()}
        opt.step()
        sched.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        eval_logits = model(x)
    doc = {
        "depth": depth, "input_width": D, "classes": C, "steps": steps,
        "initial_state": initial, "batches": order, "lrs": lrs, "losses": losses,
        "first_gradients": first_grads, "pre_bn_bias_trajectory": bias_trajectory,
        "final_state": state_json(model), "eval_logits": floats(eval_logits),
    }
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump(doc, f)
    print(name, "first/last loss", losses[0], losses[-1])


def lr_sequences():
    def seq(base, make, steps):
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=base)
        sched = make(opt)
        out = [opt.param_groups[0]["lr"]]
        for _ in range(steps):
            opt.step()
            sched.step()
            out.append(opt.param_groups[0]["lr"])
        return out
    cos = torch.optim.lr_scheduler.CosineAnnealingLR
    step = torch.optim.lr_scheduler.StepLR
    doc = [
        {"kind": "cosine", "base": 1e-3, "t_max": 5, "eta_min": 5e-3, "steps": 40,
         "lrs": seq(1e-3, lambda o: cos(o, T_max=5, eta_min=5e-3), 40)},
        {"kind": "cosine", "base": 0.1, "t_max": 3, "eta_min": 0.0, "steps": 20,
         "lrs": seq(0.1, lambda o: cos(o, T_max=3, eta_min=0.0), 20)},
        {"kind": "cosine", "base": 0.01, "t_max": 7, "eta_min": 1e-4, "steps": 60,
         "lrs": seq(0.01, lambda o: cos(o, T_max=7, eta_min=1e-4), 60)},
        {"kind": "step", "base": 0.1, "step_size": 3, "gamma": 0.5, "steps": 20,
         "lrs": seq(0.1, lambda o: step(o, step_size=3, gamma=0.5), 20)},
    ]
    with open(os.path.join(OUT, "lr_sequences.json"), "w") as f:
        json.dump(doc, f)


def optimizer_steps():
    """Optimisers alone, on given gradients (no GEMM in the loop): 512 parameters, 5 steps of
    random gradients (some tiny, some zero), lr from CosineAnnealingLR(T_max=5, eta_min=5e-3)."""
    g = torch.Generator().manual_seed(99)
    p0 = torch.randn(512, generator=g)
    grads = []
    for k in range(5):
        gr = torch.randn(512, generator=g) * (10.0 ** torch.randint(-9, 1, (512,), generator=g).float())
        gr[k::7] = 0
        grads.append(gr)
    cases = {
        "adam": lambda ps: torch.optim.Adam(ps, lr=1e-3, foreach=False),
        "adam_l2": lambda ps: torch.optim.Adam(ps, lr=1e-3, weight_decay=1e-2, foreach=False),
        "adamw": lambda ps: torch.optim.AdamW(ps, lr=1e-3, weight_decay=1e-2, foreach=False),
        "sgd_nesterov": lambda ps: torch.optim.SGD(ps, lr=1e-3, momentum=0.9, nesterov=True, weight_decay=1e-3, foreach=False),
        "sgd_momentum": lambda ps: torch.optim.SGD(ps, lr=1e-3, momentum=0.9, foreach=False),
        "sgd": lambda ps: torch.optim.SGD(ps, lr=1e-3, foreach=False),
    }
    doc = {"initial": floats(p0), "gradients": [floats(gr) for gr in grads], "runs": {}}
    for name, make in cases.items():
        p = torch.nn.Parameter(p0.clone())
        opt = make([p])
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=5, eta_min=5e-3)
        after = []
        for gr in grads:
            p.grad = gr.clone()
            opt.step()
            sched.step()
            after.append(floats(p))
        doc["runs"][name] = after
    with open(os.path.join(OUT, "optimizer_steps.json"), "w") as f:
        json.dump(doc, f)


def main():
    os.makedirs(OUT, exist_ok=True)
    x, y, pos_weight = make_data()
    with open(os.path.join(OUT, "data.json"), "w") as f:
        json.dump({"samples": N, "features": D, "classes": C, "x": floats(x),
                   "y": [int(v) for v in y.reshape(-1).tolist()], "pos_weight": floats(pos_weight)}, f)
    cosine = lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=5e-3)
    constant = lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda _: 1.0)
    for depth in (0, 2, 3):
        run(f"adam_depth{depth}", depth, lambda p: torch.optim.Adam(p, lr=1e-3, foreach=False),
            cosine, 50, x, y, pos_weight, init_seed=depth)
    run("adamw_depth2", 2, lambda p: torch.optim.AdamW(p, lr=1e-3, weight_decay=1e-2, foreach=False),
        constant, 10, x, y, pos_weight, init_seed=20)
    run("sgd_nesterov_depth2", 2,
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3, foreach=False),
        lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 10, x, y, pos_weight, init_seed=21)
    run("sgd_momentum_depth3", 3, lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9, foreach=False),
        cosine, 10, x, y, pos_weight, init_seed=22)
    lr_sequences()
    optimizer_steps()


if __name__ == "__main__":
    main()
