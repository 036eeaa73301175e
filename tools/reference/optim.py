"""Golden vectors for dev.lathe.engine.optim: AdamW, SGD, LR schedules, clip_grad_norm_.

    /usr/bin/python3 tools/reference/optim.py   ->  lathe-engine/src/test/resources/golden/optim.json

Optimizer cases: params {"kind", hyperparameters, "names", "steps"}; tensors "init/<name>" (initial
parameter), "grad/<s>/<name>" (gradient fed before step s, 0-based; absent = grad is None that step),
"param/<s>/<name>" (parameter after step s) and, for AdamW, "exp_avg/<name>", "exp_avg_sq/<name>"
after the last step. A case with "schedule" drives lr through LambdaLR with the HF multiplier.

Schedule cases: params {"schedule", "warmup", "total", ...}; tensor "multipliers" for steps 0..N-1.
The multipliers re-implement Hugging Face transformers' lambdas (transformers is not installed here).

Clip cases: tensors "grad/<name>" (None = absent), "clipped/<name>", "total_norm"; params max_norm.
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden import case, save, seeded, randn  # noqa: E402

torch.set_num_threads(1)

SHAPES = {"w": (3, 4), "b": (5,), "e": (2, 3)}
STEPS = 10


# ---- Hugging Face schedule multipliers (transformers.optimization), re-implemented ----

def hf_constant(step):
    return 1.0


def hf_constant_warmup(step, warmup):
    if step < warmup:
        return float(step) / float(max(1.0, warmup))
    return 1.0


def hf_linear_warmup(step, warmup, total):
    if step < warmup:
        return float(step) / float(max(1, warmup))
    return max(0.0, float(total - step) / float(max(1, total - warmup)))


def hf_cosine_warmup(step, warmup, total, num_cycles=0.5, min_lr_rate=0.0):
    if step < warmup:
        return float(step) / float(max(1, warmup))
    progress = float(step - warmup) / float(max(1, total - warmup))
    factor = 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))
    factor = factor * (1 - min_lr_rate) + min_lr_rate
    return max(0.0, factor)


def schedule_fn(spec):
    kind = spec["schedule"]
    if kind == "constant":
        return hf_constant
    if kind == "constant_warmup":
        return lambda s: hf_constant_warmup(s, spec["warmup"])
    if kind == "linear_warmup":
        return lambda s: hf_linear_warmup(s, spec["warmup"], spec["total"])
    if kind == "cosine_warmup":
        return lambda s: hf_cosine_warmup(s, spec["warmup"], spec["total"], spec["num_cycles"], spec["min_lr_rate"])
    raise ValueError(kind)


# ---- optimizers ----

def run_optimizer(name, seed, kind, hyper, none_grads=(), schedule=None):
    g = seeded(seed)
    params = {n: torch.nn.Parameter(randn(g, *s)) for n, s in SHAPES.items()}
    tensors = {f"init/{n}": p.detach().clone() for n, p in params.items()}
    plist = list(params.values())
    if kind == "adamw":
        opt = torch.optim.AdamW(plist, lr=hyper["lr"], betas=(hyper["beta1"], hyper["beta2"]),
                                eps=hyper["eps"], weight_decay=hyper["weight_decay"], foreach=False)
    else:
        opt = torch.optim.SGD(plist, lr=hyper["lr"], momentum=hyper["momentum"], dampening=hyper["dampening"],
                              weight_decay=hyper["weight_decay"], nesterov=hyper["nesterov"], foreach=False)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule_fn(schedule)) if schedule else None
    for s in range(STEPS):
        for n, p in params.items():
            if (s, n) in none_grads:
                p.grad = None
            else:
                grad = randn(g, *p.shape) * (0.1 + s * 0.3)  # growing scale exercises the moments
                p.grad = grad
                tensors[f"grad/{s}/{n}"] = grad.clone()
        opt.step()
        if sched:
            sched.step()
        for n, p in params.items():
            tensors[f"param/{s}/{n}"] = p.detach().clone()
    if kind == "adamw":
        for n, p in params.items():
            tensors[f"exp_avg/{n}"] = opt.state[p]["exp_avg"]
            tensors[f"exp_avg_sq/{n}"] = opt.state[p]["exp_avg_sq"]
    meta = dict(hyper, kind=kind, names=list(SHAPES), steps=STEPS)
    if schedule:
        meta.update(schedule)
    return case(name, meta, **tensors)


def adamw(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)


def sgd(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    return dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)


def clip_case(name, seed, max_norm, scale=1.0, none=()):
    g = seeded(seed)
    params = {n: torch.nn.Parameter(torch.zeros(*s)) for n, s in SHAPES.items()}
    tensors = {}
    for n, p in params.items():
        if n in none:
            continue
        p.grad = randn(g, *p.shape) * scale
        tensors[f"grad/{n}"] = p.grad.clone()
    total = torch.nn.utils.clip_grad_norm_(params.values(), max_norm)
    for n, p in params.items():
        if p.grad is not None:
            tensors[f"clipped/{n}"] = p.grad.clone()
    return case(name, {"max_norm": max_norm, "names": list(SHAPES)}, total_norm=total.reshape(1), **tensors)


def main():
    cases = [
        run_optimizer("adamw_defaults", 1, "adamw", adamw()),
        run_optimizer("adamw_custom", 2, "adamw", adamw(lr=3e-2, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1)),
        run_optimizer("adamw_no_weight_decay_some_grads_none", 3, "adamw", adamw(lr=1e-2, weight_decay=0.0),
                      none_grads={(0, "b"), (3, "e"), (4, "e"), (7, "w")}),
        run_optimizer("adamw_cosine_schedule", 4, "adamw", adamw(lr=5e-2),
                      schedule=dict(schedule="cosine_warmup", warmup=3, total=10, num_cycles=0.5, min_lr_rate=0.0)),
        run_optimizer("adamw_linear_schedule", 5, "adamw", adamw(lr=5e-2, weight_decay=0.05),
                      schedule=dict(schedule="linear_warmup", warmup=2, total=8)),
        run_optimizer("sgd_plain", 6, "sgd", sgd(lr=0.1)),
        run_optimizer("sgd_momentum_dampening_decay", 7, "sgd",
                      sgd(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01),
                      none_grads={(2, "w")}),
        run_optimizer("sgd_nesterov", 8, "sgd", sgd(lr=0.05, momentum=0.9, weight_decay=0.05, nesterov=True)),
    ]
    n = 25  # 20 training steps with 5 warmup, and 5 past the end
    for spec in [dict(schedule="constant"),
                 dict(schedule="constant_warmup", warmup=5),
                 dict(schedule="linear_warmup", warmup=5, total=20),
                 dict(schedule="cosine_warmup", warmup=5, total=20, num_cycles=0.5, min_lr_rate=0.0),
                 dict(schedule="cosine_warmup", warmup=5, total=20, num_cycles=0.5, min_lr_rate=0.1),
                 dict(schedule="cosine_warmup", warmup=0, total=20, num_cycles=1.5, min_lr_rate=0.0)]:
        f = schedule_fn(spec)
        mult = torch.tensor([f(s) for s in range(n)], dtype=torch.float64)
        label = "_".join(str(v) for v in spec.values())
        cases.append(case("schedule_" + label, dict(spec, steps=n), multipliers=mult))
    cases += [
        clip_case("clip_scales_down", 11, max_norm=1.0),
        clip_case("clip_leaves_small_norm", 12, max_norm=100.0),
        clip_case("clip_skips_missing_grad", 13, max_norm=0.5, scale=3.0, none=("b",)),
    ]
    save("optim.json", cases, "tools/reference/optim.py")


if __name__ == "__main__":
    main()
