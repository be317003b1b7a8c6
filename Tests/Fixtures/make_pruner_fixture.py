"""Optuna's MedianPruner and SuccessiveHalvingPruner (ASHA) on recorded learning curves, for
Tests/SweepSearchTests/PrunerFixtureTests.swift: the Swift pruners, fed the same curves in the
same order, must stop the same trials at the same epochs.

Curves: 40 trials x 16 epochs (steps 1..16), value_t = a (1 - exp(-t / tau)) + N(0, 0.01),
a ~ U(0.3, 0.9), tau ~ U(1, 6) (a validation score that rises and saturates), seed 7.
Trials run one after another (n_jobs=1); each reports every epoch and stops when pruned.

Writes Tests/Fixtures/search/pruner_reference.json:
  {"curves": [[v_1..v_16] per trial],
   "cases": [{"pruner": "median"|"asha", "direction": "maximize"|"minimize", settings...,
              "pruned_at": [epoch or null per trial]}]}
For "minimize" the curves are negated before they are reported.

Run by hand (CI never needs Python):  /work/venv/bin/python Tests/Fixtures/make_pruner_fixture.py
"""
import json
import os

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)
TRIALS, EPOCHS = 40, 16
curves = []
for _ in range(TRIALS):
    a, tau = rng.uniform(0.3, 0.9), rng.uniform(1, 6)
    curves.append([round(float(a * (1 - np.exp(-t / tau)) + rng.normal(0, 0.01)), 6) for t in range(1, EPOCHS + 1)])

CASES = [
    {"pruner": "median", "direction": "maximize", "n_startup_trials": 5, "n_warmup_steps": 0, "interval_steps": 1},
    {"pruner": "median", "direction": "maximize", "n_startup_trials": 3, "n_warmup_steps": 4, "interval_steps": 3},
    {"pruner": "median", "direction": "minimize", "n_startup_trials": 5, "n_warmup_steps": 2, "interval_steps": 2},
    {"pruner": "asha", "direction": "maximize", "min_resource": 1, "reduction_factor": 3, "min_early_stopping_rate": 0},
    {"pruner": "asha", "direction": "maximize", "min_resource": 2, "reduction_factor": 2, "min_early_stopping_rate": 0},
    {"pruner": "asha", "direction": "minimize", "min_resource": 1, "reduction_factor": 4, "min_early_stopping_rate": 1},
]


def make(case):
    if case["pruner"] == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=case["n_startup_trials"],
                                           n_warmup_steps=case["n_warmup_steps"],
                                           interval_steps=case["interval_steps"])
    return optuna.pruners.SuccessiveHalvingPruner(min_resource=case["min_resource"],
                                                  reduction_factor=case["reduction_factor"],
                                                  min_early_stopping_rate=case["min_early_stopping_rate"])


for case in CASES:
    sign = 1.0 if case["direction"] == "maximize" else -1.0
    pruned_at = []

    def objective(trial):
        curve = curves[trial.number]
        for epoch, value in enumerate(curve, start=1):
            trial.report(sign * value, epoch)
            if trial.should_prune():
                pruned_at.append(epoch)
                raise optuna.TrialPruned()
        pruned_at.append(None)
        return sign * curve[-1]

    study = optuna.create_study(direction=case["direction"], pruner=make(case),
                                sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=TRIALS)
    case["pruned_at"] = pruned_at
    print(case["pruner"], case["direction"], sum(p is not None for p in pruned_at), "pruned")

os.makedirs(os.path.join(here, "search"), exist_ok=True)
with open(os.path.join(here, "search", "pruner_reference.json"), "w") as f:
    json.dump({"optuna": optuna.__version__, "curves": curves, "cases": CASES}, f)
    f.write("\n")
