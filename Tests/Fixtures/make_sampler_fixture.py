"""Optuna's TPESampler and RandomSampler on three test functions, for the side-by-side table of
`make bench` (Sources/sweep-bench/SearchBench.swift) and the README.

Functions (all minimised; the Swift side defines the same ones in SearchBench.swift):
  branin     2-d, x1 in [-5, 10], x2 in [0, 15]; minimum 0.397887
  hartmann6  6-d, [0, 1]^6; minimum -3.32237
  noisy      an ML-like space: lr log-uniform [1e-5, 1], dropout uniform [0, 0.9], depth int [0, 3],
             width log-int [16, 1024], batch int [16, 256] step 16, optimizer choice (adam, sgd,
             rmsprop); observed value = true value + N(0, 0.1) noise; the recorded "best" is the
             TRUE value of the trial with the best OBSERVED value (what a user would pick)

Writes Tests/Fixtures/search/sampler_reference.json:
  {"optuna": version, "trials": 100, "seeds": [...],
   "results": {function: {"tpe"|"random": {"best50": [per seed], "best100": [per seed]}}}}

TPESampler and RandomSampler with Optuna's defaults (TPE: 10 startup trials, 24 EI candidates,
gamma min(ceil(0.1 n), 25), prior weight 1, magic clip; Optuna 4+/5 uses the multivariate TPE
for a single objective). One process, n_jobs=1.

Run by hand (CI never needs Python):  /work/venv/bin/python Tests/Fixtures/make_sampler_fixture.py
"""
import json
import math
import os

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
here = os.path.dirname(os.path.abspath(__file__))
SEEDS = list(range(32))
TRIALS = 100


def branin(x1, x2):
    a, b, c = 1.0, 5.1 / (4 * math.pi ** 2), 5 / math.pi
    r, s, t = 6.0, 10.0, 1 / (8 * math.pi)
    return a * (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - t) * math.cos(x1) + s


H_ALPHA = [1.0, 1.2, 3.0, 3.2]
H_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
       [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
H_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
       [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def hartmann6(x):
    total = 0.0
    for i in range(4):
        inner = sum(H_A[i][j] * (x[j] - H_P[i][j] * 1e-4) ** 2 for j in range(6))
        total -= H_ALPHA[i] * math.exp(-inner)
    return total


OPT_COST = {"adam": 0.0, "sgd": 0.3, "rmsprop": 0.15}


def noisy_true(lr, dropout, depth, width, batch, opt):
    return (0.3 * (math.log10(lr) + 2.5) ** 2 + 2.0 * (dropout - 0.35) ** 2 + 0.15 * abs(depth - 2)
            + 0.025 * (math.log2(width) - 8) ** 2 + 0.2 * ((batch - 64) / 192) ** 2 + OPT_COST[opt])


def run(function, sampler, seed):
    noise = np.random.default_rng(10_000 + seed)
    truth = {}

    def objective(trial):
        if function == "branin":
            return branin(trial.suggest_float("x1", -5, 10), trial.suggest_float("x2", 0, 15))
        if function == "hartmann6":
            return hartmann6([trial.suggest_float(f"x{i}", 0, 1) for i in range(6)])
        v = noisy_true(trial.suggest_float("lr", 1e-5, 1, log=True), trial.suggest_float("dropout", 0, 0.9),
                       trial.suggest_int("depth", 0, 3), trial.suggest_int("width", 16, 1024, log=True),
                       trial.suggest_int("batch", 16, 256, step=16),
                       trial.suggest_categorical("optimizer", ["adam", "sgd", "rmsprop"]))
        truth[trial.number] = v
        return v + float(noise.normal(0, 0.1))

    s = optuna.samplers.TPESampler(seed=seed) if sampler == "tpe" else optuna.samplers.RandomSampler(seed=seed)
    study = optuna.create_study(direction="minimize", sampler=s)
    study.optimize(objective, n_trials=TRIALS)
    observed = [t.value for t in study.trials]
    out = {}
    for n in (50, 100):
        if function == "noisy":
            best = min(range(n), key=lambda i: observed[i])
            out[f"best{n}"] = truth[best]
        else:
            out[f"best{n}"] = min(observed[:n])
    return out


results = {}
for function in ("branin", "hartmann6", "noisy"):
    results[function] = {}
    for sampler in ("tpe", "random"):
        runs = [run(function, sampler, seed) for seed in SEEDS]
        results[function][sampler] = {k: [round(r[k], 6) for r in runs] for k in ("best50", "best100")}
        print(function, sampler, {k: float(np.median(v)) for k, v in results[function][sampler].items()}, flush=True)

os.makedirs(os.path.join(here, "search"), exist_ok=True)
with open(os.path.join(here, "search", "sampler_reference.json"), "w") as f:
    json.dump({"optuna": optuna.__version__, "trials": TRIALS, "seeds": SEEDS, "results": results}, f, indent=1)
    f.write("\n")
