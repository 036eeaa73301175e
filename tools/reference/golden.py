"""Shared writer for Lathe's golden test vectors.

Run the generators with Debian's PyTorch (apt-get install -y python3-torch python3-numpy):
    /usr/bin/python3 tools/reference/<generator>.py
Each writes JSON files under lathe-engine/src/test/resources/golden/, which are committed; the Java
tests read them and never run Python.

File format (read by dev.lathe.engine.testing.Golden):
    {"source": "...", "torch": "1.13.0", "cases": [
        {"name": "...", "params": {...}, "tensors": {"x": {"shape": [2, 3], "data": [...]}, ...}}]}
Tensors are float32, row-major; values are written exactly (float32 -> shortest repr of the double).
"""
import json
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "lathe-engine", "src", "test", "resources", "golden")


def tensor(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def case(name, params=None, **tensors):
    return {"name": name, "params": params or {},
            "tensors": {k: tensor(v) for k, v in tensors.items()}}


def save(filename, cases, source):
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, filename)
    doc = {"source": source, "torch": torch.__version__, "cases": cases}
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, path)
    print(f"wrote {os.path.relpath(path, ROOT)} ({len(cases)} cases)", file=sys.stderr)


def seeded(seed):
    g = torch.Generator().manual_seed(seed)
    return g


def randn(g, *shape):
    return torch.randn(*shape, generator=g, dtype=torch.float32)
