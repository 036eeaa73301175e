"""Expected values for dev.lathe.eval.metrics.classification, computed with Debian's scikit-learn.

Run with Debian's Python (python3-sklearn 1.2.1):
    /usr/bin/python3 tools/reference/classification.py
Writes lathe-eval/src/test/resources/classification/sklearn.json. Labels are written as strings (the
Java API takes strings); cases marked "ints" are given to sklearn as Python ints, so its numeric label
sort is what the Java side must reproduce. zero_division=NaN needs sklearn >= 1.3 and is not here
(the Java tests derive those values by hand).
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, classification_report, confusion_matrix,
                             precision_recall_fscore_support)

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "lathe-eval", "src", "test", "resources",
                   "classification", "sklearn.json")


def case(name, y_true, y_pred, *, labels=None, ints=False, zero_division=("warn", 0, 1), beta=1.0,
         pos_label=None, origin="own"):
    return dict(name=name, y_true=y_true, y_pred=y_pred, labels=labels, ints=ints,
                zero_division=list(zero_division), beta=beta, pos_label=pos_label, origin=origin)


CASES = [
    case("sklearn docstring: cat/dog/pig", ["cat", "dog", "pig", "cat", "dog", "pig"],
         ["cat", "pig", "dog", "cat", "cat", "dog"],
         origin="scikit-learn precision_recall_fscore_support docstring example"),
    case("sklearn docstring: f1_score 0/1/2", [0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], ints=True,
         origin="scikit-learn f1_score docstring example"),
    case("sklearn docstring: classification_report", [0, 1, 2, 2, 2], [0, 0, 2, 2, 1], ints=True,
         origin="scikit-learn classification_report docstring example"),
    case("sklearn docstring: report with labels 1,2,3", [1, 1, 1], [1, 1, 0], labels=[1, 2, 3],
         ints=True, origin="scikit-learn classification_report docstring example (labels=[1, 2, 3])"),
    case("binary ints, pos_label 1", [0, 1, 1, 0, 1, 1, 0, 0, 1], [0, 1, 0, 0, 1, 1, 1, 0, 0],
         ints=True, pos_label=1),
    case("binary strings, pos_label spam", ["spam", "ham", "spam", "ham", "ham"],
         ["spam", "spam", "ham", "ham", "ham"], pos_label="spam"),
    case("class never predicted", ["a", "b", "c", "a", "b", "c", "c"],
         ["a", "b", "a", "a", "b", "b", "a"]),
    case("class never true", ["a", "b", "a", "b", "a"], ["a", "b", "c", "c", "a"]),
    case("labels with an absent class", ["x", "y", "x", "y"], ["x", "x", "x", "y"],
         labels=["x", "y", "z"]),
    case("labels subset", ["a", "b", "c", "d", "a", "b", "c", "d"],
         ["a", "c", "c", "a", "a", "b", "d", "d"], labels=["d", "a"]),
    case("single class", ["only", "only", "only"], ["only", "only", "only"]),
    case("single class, binary with absent pos_label", [0, 0, 0], [0, 0, 0], ints=True, pos_label=1),
    case("integer labels sort numerically", [10, 2, 1, 10, 2, 1, 10], [10, 1, 1, 2, 2, 10, 10],
         ints=True),
    case("strings sort by code point", ["é", "z", "ä", "😀", "～", "Z", "é"],
         ["é", "z", "😀", "😀", "～", "z", "ä"]),
    case("F-beta 0.5", ["a", "b", "c", "a", "b", "c", "a"], ["a", "a", "c", "c", "b", "c", "a"],
         beta=0.5),
    case("F-beta 2", ["a", "b", "c", "a", "b", "c", "a"], ["a", "a", "c", "c", "b", "c", "a"],
         beta=2.0),
    case("all wrong", ["a", "b", "a", "b"], ["b", "a", "b", "a"], pos_label="a"),
]


def prf(c, yt, yp, labels, average, zd):
    pos = c["pos_label"] if c["pos_label"] is not None else 1
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            p, r, f, s = precision_recall_fscore_support(yt, yp, labels=labels, average=average,
                                                         beta=c["beta"], zero_division=zd,
                                                         pos_label=pos)
        except ValueError as e:
            return {"error": str(e)}
    out = {"warnings": sorted({str(x.message) for x in w
                               if x.category.__name__ == "UndefinedMetricWarning"})}
    if average is None:
        out.update(precision=p.tolist(), recall=r.tolist(), fscore=f.tolist(),
                   support=[int(v) for v in s])
    else:
        out.update(precision=float(p), recall=float(r), fscore=float(f))
    return out


def run(c):
    conv = (lambda v: v) if c["ints"] else str
    yt, yp = [conv(v) for v in c["y_true"]], [conv(v) for v in c["y_pred"]]
    labels = None if c["labels"] is None else [conv(v) for v in c["labels"]]
    res = {"accuracy": float(accuracy_score(yt, yp)), "by_zero_division": {}}
    cm_labels = labels if labels is not None else sorted(set(yt) | set(yp))
    try:
        res["confusion_matrix"] = {"labels": [str(v) for v in cm_labels],
                                   "matrix": confusion_matrix(yt, yp, labels=labels).tolist()}
    except ValueError as e:
        res["confusion_matrix"] = {"error": str(e)}
    for zd in c["zero_division"]:
        block = {}
        per_class = prf(c, yt, yp, labels, None, zd)
        for average in ["micro", "macro", "weighted", "binary", None]:
            if average == "weighted" and sum(per_class["support"]) == 0:
                # sklearn 1.2 returns special values here; >= 1.3 averages unweighted. Not a golden.
                continue
            block[str(average).lower()] = prf(c, yt, yp, labels, average, zd)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if c["beta"] == 1.0:
                block["report"] = classification_report(yt, yp, labels=labels, zero_division=zd,
                                                        output_dict=True)
                block["report_text"] = classification_report(yt, yp, labels=labels,
                                                              zero_division=zd, digits=4)
        res["by_zero_division"][str(zd)] = block
    return res


def main():
    out = {"generator": "tools/reference/classification.py", "sklearn": sklearn.__version__,
           "numpy": np.__version__, "cases": []}
    for c in CASES:
        entry = dict(c)
        entry["y_true"] = [str(v) for v in c["y_true"]]
        entry["y_pred"] = [str(v) for v in c["y_pred"]]
        entry["labels"] = None if c["labels"] is None else [str(v) for v in c["labels"]]
        entry["pos_label"] = "1" if c["pos_label"] is None else str(c["pos_label"])
        entry["zero_division"] = [str(z) for z in c["zero_division"]]
        entry["expected"] = run(c)
        out["cases"].append(entry)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", os.path.normpath(OUT), len(out["cases"]), "cases")


if __name__ == "__main__":
    main()
