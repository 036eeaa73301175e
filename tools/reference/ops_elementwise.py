"""Golden vectors for element-wise ops, reductions, activations and embedding (Lathe's
Arithmetic, Reductions, Activations, Embedding). Each case holds the inputs, a fixed random
weighting R, the forward output and the gradients of loss = (out * R).sum() for every input.
Dropout is not here: its RNG differs from PyTorch's, so its tests are statistical.

    /usr/bin/python3 tools/reference/ops_elementwise.py   -> golden/elementwise.json
"""
import torch
import torch.nn.functional as F

from golden import case, save, seeded, randn

torch.set_num_threads(1)


def grads_case(name, params, fn, g, **inputs):
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    out = fn(**leaves)
    r = randn(g, *out.shape) if out.dim() > 0 else randn(g, 1).reshape(())
    (out * r).sum().backward()
    tensors = dict(inputs)
    tensors["R"] = r
    tensors["out"] = out
    for k, v in leaves.items():
        tensors["d" + k] = v.grad
    return case(name, params, **tensors)


def away_from_zero(g, *shape):
    x = randn(g, *shape)
    return torch.where(x >= 0, x + 0.5, x - 0.5)


def main():
    g = seeded(1234)
    cases = []
    binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}
    shapes = [
        ("same", (3, 4), (3, 4)),
        ("row", (2, 3, 5), (5,)),
        ("rowReversed", (5,), (2, 3, 5)),
        ("outer", (3, 1), (1, 4)),
        ("mixed", (2, 1, 4), (3, 1)),
        ("scalarLike", (1,), (2, 3)),
        ("column", (4, 6), (4, 1)),
    ]
    for op, fn in binary.items():
        for label, sa, sb in shapes:
            a = randn(g, *sa)
            b = away_from_zero(g, *sb) if op == "div" else randn(g, *sb)
            cases.append(grads_case(f"{op}_{label}", {"op": op}, lambda a, b, fn=fn: fn(a, b), g, a=a, b=b))

    for op in ("sum", "mean"):
        x = randn(g, 3, 4, 5)
        for axes in ([1], [0, 2], [-1], [0, 1, 2]):
            for keep in (False, True):
                fn = (lambda x, axes=axes, keep=keep, op=op:
                      getattr(torch, op)(x, dim=axes, keepdim=keep))
                cases.append(grads_case(f"{op}_axes{'_'.join(map(str, axes))}_keep{keep}",
                                        {"op": op, "axes": axes, "keepDim": keep}, fn, g, x=x))
        cases.append(grads_case(f"{op}_all", {"op": op, "axes": None, "keepDim": False},
                                lambda x, op=op: getattr(torch, op)(x), g, x=x))

    x = torch.cat([randn(g, 60) * 3, torch.tensor([-12.0, -6.0, -3.5, 0.0, 1e-4, 3.5, 6.0, 12.0])]).reshape(4, 17)
    acts = {
        "silu": F.silu,
        "gelu": lambda x: F.gelu(x, approximate="none"),
        "geluTanh": lambda x: F.gelu(x, approximate="tanh"),
    }
    for name, fn in acts.items():
        cases.append(grads_case(name, {"op": name}, lambda x, fn=fn: fn(x), g, x=x))
    gate = randn(g, 3, 11) * 2
    up = randn(g, 3, 11)
    cases.append(grads_case("swiglu", {"op": "swiglu"}, lambda gate, up: F.silu(gate) * up, g, gate=gate, up=up))

    weight = randn(g, 7, 5)
    ids = torch.tensor([[1, 3, 3, 0], [6, 1, 1, 1]])
    c = grads_case("embedding_repeated", {"op": "embedding", "ids": ids.reshape(-1).tolist(),
                                          "idsShape": list(ids.shape)},
                   lambda weight: F.embedding(ids, weight), g, weight=weight)
    cases.append(c)

    # erf reference: float64 erf of float32 grid points (rounded to float32 when written).
    grid = torch.linspace(-6, 6, 401, dtype=torch.float32)
    cases.append(case("erf", {"op": "erf"}, x=grid, erf=torch.erf(grid.double())))

    save("elementwise.json", cases, "tools/reference/ops_elementwise.py")


if __name__ == "__main__":
    main()
