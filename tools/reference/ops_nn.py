"""Golden vectors for normalisation, softmax and loss ops (Norms, Softmax, Losses).

    /usr/bin/python3 tools/reference/ops_nn.py   ->   lathe-engine/src/test/resources/golden/nn.json

Every case saves its inputs, a fixed random output weighting R, the forward output and the
gradients of (out * R).sum() with respect to every differentiable input.
RMSNorm follows Hugging Face LlamaRMSNorm in float32 (written out here: variance = mean(x^2);
x * rsqrt(variance + eps); weight * that), the rest are torch.nn.functional.
"""
import torch
import torch.nn.functional as F

from golden import case, save, seeded, randn

torch.set_num_threads(1)


def llama_rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    hidden = x * torch.rsqrt(variance + eps)
    return weight * hidden


def rand_like_out(g, y):
    # a 0-d output (mean/sum) gets a 0-d weighting
    return randn(g, *y.shape) if y.dim() > 0 else randn(g, 1).reshape(())


def leaf(t):
    return t.clone().requires_grad_(True)


def rms_cases(g):
    out = []
    for name, shape, eps, scale in [("rms_norm_4x16", (4, 16), 1e-6, 1.0),
                                    ("rms_norm_2x2x29", (2, 2, 29), 1e-5, 1.0),
                                    ("rms_norm_small_values_3x9", (3, 9), 1e-5, 1e-2)]:
        x = leaf(randn(g, *shape) * scale)
        w = leaf(1.0 + 0.5 * randn(g, shape[-1]))
        y = llama_rms_norm(x, w, eps)
        r = rand_like_out(g, y)
        (y * r).sum().backward()
        out.append(case(name, {"op": "rms_norm", "eps": eps}, x=x, weight=w, R=r, out=y, dx=x.grad, dweight=w.grad))
    return out


def layer_norm_cases(g):
    out = []
    for name, shape, eps, affine, bias, shift in [("layer_norm_4x16", (4, 16), 1e-5, True, True, 0.0),
                                                  ("layer_norm_offset_2x2x29", (2, 2, 29), 1e-5, True, True, 5.0),
                                                  ("layer_norm_weight_only_3x10", (3, 10), 1e-6, True, False, 0.0),
                                                  ("layer_norm_no_affine_3x10", (3, 10), 1e-5, False, False, 0.0)]:
        x = leaf(randn(g, *shape) * 2.0 + shift)
        c = shape[-1]
        w = leaf(1.0 + 0.5 * randn(g, c)) if affine else None
        b = leaf(0.3 * randn(g, c)) if bias else None
        y = F.layer_norm(x, (c,), w, b, eps)
        r = rand_like_out(g, y)
        (y * r).sum().backward()
        tensors = dict(x=x, R=r, out=y, dx=x.grad)
        if w is not None:
            tensors.update(weight=w, dweight=w.grad)
        if b is not None:
            tensors.update(bias=b, dbias=b.grad)
        out.append(case(name, {"op": "layer_norm", "eps": eps}, **tensors))
    return out


def softmax_cases(g):
    out = []
    for fn in ["softmax", "log_softmax"]:
        for name, shape, dim, scale in [("4x16", (4, 16), -1, 1.0),
                                        ("2x2x29", (2, 2, 29), -1, 3.0),
                                        ("3x4x5_dim1", (3, 4, 5), 1, 1.0),
                                        ("large_2x20", (2, 20), -1, 100.0)]:
            x = leaf(randn(g, *shape) * scale)
            y = getattr(F, fn)(x, dim=dim)
            r = rand_like_out(g, y)
            (y * r).sum().backward()
            out.append(case(fn + "_" + name, {"op": fn, "axis": dim}, x=x, R=r, out=y, dx=x.grad))
    return out


def cross_entropy_cases(g):
    out = []
    n, v = 8, 11
    logits = randn(g, n, v) * 2.0
    targets = torch.randint(0, v, (n,), generator=g)
    targets[2] = -100
    targets[5] = -100
    for ls in [0.0, 0.1]:
        for red in ["mean", "sum", "none"]:
            x = leaf(logits)
            y = F.cross_entropy(x, targets, ignore_index=-100, label_smoothing=ls, reduction=red)
            r = rand_like_out(g, y)
            (y * r).sum().backward()
            out.append(case(f"cross_entropy_{red}_ls{ls}",
                            {"op": "cross_entropy", "targets": targets.tolist(), "ignore_index": -100,
                             "label_smoothing": ls, "reduction": red},
                            x=x, R=r, out=y, dx=x.grad))
    # (B, T, V) logits of large magnitude, a custom ignore index, smoothing.
    b, t, v = 2, 4, 13
    for ls, red in [(0.0, "mean"), (0.1, "mean"), (0.1, "none")]:
        x = leaf(randn(seeded(7), b, t, v) * 60.0)
        targets = torch.randint(0, v, (b, t), generator=seeded(8))
        targets[1, 2] = 0  # ignored below
        y = F.cross_entropy(x.reshape(-1, v), targets.reshape(-1), ignore_index=0, label_smoothing=ls,
                            reduction=red)
        if red == "none":
            y = y.reshape(b, t)
        r = rand_like_out(g, y)
        (y * r).sum().backward()
        out.append(case(f"cross_entropy_large_btv_{red}_ls{ls}",
                        {"op": "cross_entropy", "targets": targets.reshape(-1).tolist(), "ignore_index": 0,
                         "label_smoothing": ls, "reduction": red},
                        x=x, R=r, out=y, dx=x.grad))
    return out


def main():
    g = seeded(20240601)
    cases = rms_cases(g) + layer_norm_cases(g) + softmax_cases(g) + cross_entropy_cases(g)
    save("nn.json", cases, "tools/reference/ops_nn.py")


if __name__ == "__main__":
    main()
