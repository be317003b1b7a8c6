#!/usr/bin/env python3
"""Writes Tests/Fixtures/selection/runs.csv and aggregates.csv: a seeded set of run results
(configuration, repeat, objective, val_loss, best_epoch; some NaN, one configuration with a
single run) and what pandas and scipy compute from them per configuration: n, mean, std
(ddof=1) and the 95% t interval scipy.stats.t.interval(0.95, n - 1, mean, sd / sqrt(n)), the
mean val_loss (NaN skipped) and mean best epoch. SweepSelectionTests checks
`ConfigurationBoard` against them, and `StudentT.quantile` against t_quantiles.csv
(scipy.stats.t.ppf). Run by hand (CI has no Python):

    /work/venv/bin/python Tests/Fixtures/make_selection_fixture.py
"""
import os

import numpy as np
import pandas as pd
from scipy import stats

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "selection")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(8)
rows = []
for c, n in enumerate([2, 3, 5, 10, 1, 4]):
    base = rng.uniform(0.3, 0.8)
    for r in range(n):
        rows.append(dict(config=f"c{c}", repeat=r, objective=base + rng.normal(0, 0.05),
                         val_loss=(np.nan if (c == 3 and r == 2) else rng.uniform(0.1, 1.0)),
                         best_epoch=int(rng.integers(0, 10))))
runs = pd.DataFrame(rows)
runs.to_csv(os.path.join(out, "runs.csv"), index=False, float_format="%.17g")

g = runs.groupby("config", sort=False)
agg = pd.DataFrame({"n": g["objective"].count(), "mean": g["objective"].mean(), "sd": g["objective"].std(ddof=1),
                    "val_loss_mean": g["val_loss"].mean(), "best_epoch_mean": g["best_epoch"].mean()})
low, high = [], []
for cfg, row in agg.iterrows():
    if row["n"] > 1:
        lo, hi = stats.t.interval(0.95, row["n"] - 1, loc=row["mean"], scale=row["sd"] / np.sqrt(row["n"]))
    else:
        lo, hi = np.nan, np.nan
    low.append(lo)
    high.append(hi)
agg["ci_low"], agg["ci_high"] = low, high
agg.to_csv(os.path.join(out, "aggregates.csv"), float_format="%.17g")

q = [(p, df, stats.t.ppf(p, df)) for df in [1, 2, 3, 4, 5, 9, 14, 29, 99, 1000] for p in [0.975, 0.9, 0.6, 0.025, 0.999]]
pd.DataFrame(q, columns=["p", "df", "t"]).to_csv(os.path.join(out, "t_quantiles.csv"), index=False, float_format="%.17g")
