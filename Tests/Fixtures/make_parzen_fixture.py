"""Optuna's Parzen estimator on fixed observations, for Tests/SweepSearchTests/ParzenFixtureTests.swift:
the Swift estimator must give the same log densities (the bandwidth rule, magic clip, prior kernel,
weights ramp, categorical kernels, log and step handling all show in them).

Space: x uniform [-5, 10], lr log-uniform [1e-5, 1], n int [16, 256] step 16, w log-int [16, 1024],
opt choice of 3. Observations: the first n of 40 seeded random points, for n in (0, 1, 2, 3, 30, 40);
queries: 25 seeded random points. Optuna's _ParzenEstimator with TPESampler's defaults
(prior_weight 1, magic clip, no endpoints, default_weights).

Writes Tests/Fixtures/search/parzen_reference.json:
  {"observations": [[x, lr, n, w, opt] x 40], "queries": [[...] x 25],
   "cases": [{"n": n, "log_pdf": [per query]}]}

Run by hand (CI never needs Python):  /work/venv/bin/python Tests/Fixtures/make_parzen_fixture.py
"""
import json
import os

import numpy as np
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights

# Equal observations (common for integers and choices) get their bandwidths in sorted order; numpy's
# default argsort orders ties arbitrarily (introsort, or SIMD sorts on some CPUs), so the fixture runs
# Optuna's estimator with a stable argsort, the order the Swift estimator uses (ties by trial order).
import types
import optuna.samplers._tpe.parzen_estimator as _pe
_stable_np = types.SimpleNamespace(**{k: getattr(np, k) for k in dir(np) if not k.startswith("__")})
_stable_np.argsort = lambda a, *args, **kw: np.argsort(a, kind="stable")
_pe.np = _stable_np

here = os.path.dirname(os.path.abspath(__file__))
space = {"x": FloatDistribution(-5, 10), "lr": FloatDistribution(1e-5, 1, log=True),
         "n": IntDistribution(16, 256, step=16), "w": IntDistribution(16, 1024, log=True),
         "opt": CategoricalDistribution(["adam", "sgd", "rmsprop"])}
rng = np.random.default_rng(11)


def point():
    return [float(rng.uniform(-5, 10)), float(np.exp(rng.uniform(np.log(1e-5), 0))),
            float(16 * rng.integers(1, 17)), float(rng.integers(16, 1025)), float(rng.integers(0, 3))]


observations = [point() for _ in range(40)]
# a repeated point and a point on a bound, as real histories have them
observations[5] = list(observations[2])
observations[7][0] = -5.0
queries = [point() for _ in range(25)]
params = _ParzenEstimatorParameters(prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False,
                                    weights=default_weights, multivariate=True)
names = list(space)
cases = []
for n in (0, 1, 2, 3, 30, 40):
    obs = {name: np.array([o[i] for o in observations[:n]], dtype=float) for i, name in enumerate(names)}
    pe = _ParzenEstimator(obs, space, params)
    q = {name: np.array([p[i] for p in queries], dtype=float) for i, name in enumerate(names)}
    cases.append({"n": n, "log_pdf": [float(v) for v in pe.log_pdf(q)]})

os.makedirs(os.path.join(here, "search"), exist_ok=True)
with open(os.path.join(here, "search", "parzen_reference.json"), "w") as f:
    json.dump({"observations": observations, "queries": queries, "cases": cases}, f)
    f.write("\n")
print("ok", [c["log_pdf"][0] for c in cases])
