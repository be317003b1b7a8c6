#!/work/venv/bin/python
"""Reference values for the report's chosen-model numbers (Tests/SweepReportTests).

Run by hand with /work/venv/bin/python (numpy, scikit-learn); CI never runs it, the outputs are
committed:
  report/chosen.json  scores (rows, C) with ties and scores exactly at the thresholds, targets with
                      a class that has no positive and a row with no label, per-class thresholds;
                      sklearn's precision_recall_fscore_support (zero_division=0) at score > threshold,
                      precision_recall_curve and average_precision_score per class.
  report/f4.npy, report/f8.npy, report/i8.npy   small arrays written by numpy.save (2-D float32,
                      2-D float64, 1-D int64), and their values in chosen.json under "npy".
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn import metrics as skm

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "report")
os.makedirs(OUT, exist_ok=True)

rng = np.random.default_rng(11)
rows, classes = 40, 4
scores = np.round(rng.random((rows, classes)), 1)          # many ties
scores[0, :] = [0.5, 0.3, 0.7, 0.5]                         # exactly at some thresholds
targets = (rng.random((rows, classes)) < 0.4).astype(np.uint8)
targets[:, 3] = 0                                           # a class with no positive
targets[5, :] = 0                                           # a row with no label
thresholds = [0.5, 0.3, 0.6, 0.5]

predicted = (scores > np.array(thresholds)).astype(np.uint8)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    p, r, f, s = skm.precision_recall_fscore_support(targets, predicted, average=None, zero_division=0)
curves = []
for c in range(classes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if targets[:, c].sum() == 0:
            curves.append(None)                             # sklearn: recall undefined (nan)
            continue
        prec, rec, _ = skm.precision_recall_curve(targets[:, c], scores[:, c])
        ap = skm.average_precision_score(targets[:, c], scores[:, c])
    # sklearn lists points from the lowest threshold (recall 1) to (recall 0, precision 1)
    curves.append({"recall": rec[::-1].tolist(), "precision": prec[::-1].tolist(), "ap": float(ap)})

f4 = np.array([[0.1, -2.5, 3.0], [1e-8, 7.0, -0.0]], dtype=np.float32)
f8 = np.array([[0.1, 1 / 3], [np.pi, -1e300]], dtype=np.float64)
i8 = np.array([0, 5, 1999, -3, 2**40], dtype=np.int64)
np.save(os.path.join(OUT, "f4.npy"), f4)
np.save(os.path.join(OUT, "f8.npy"), f8)
np.save(os.path.join(OUT, "i8.npy"), i8)

json.dump({
    "sklearn": sklearn.__version__, "numpy": np.__version__,
    "rows": rows, "classes": classes, "thresholds": thresholds,
    "scores": scores.ravel().tolist(), "targets": targets.ravel().tolist(),
    "precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": s.tolist(),
    "curves": curves,
    "npy": {"f4": [float(x) for x in f4.ravel()], "f8": f8.ravel().tolist(), "i8": i8.tolist()},
}, open(os.path.join(OUT, "chosen.json"), "w"), indent=1)
print("wrote", OUT)
