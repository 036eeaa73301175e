"""Measures PyTorch training tokens/s for the model and batch of `lathe bench train`, for comparison.

The model is a Llama with llama2.c's stories110M shape (hidden 768, 12 layers, 12 heads, intermediate
2048, vocab 32000, tied embeddings: 109,529,856 parameters) with uniform random weights of std 0.02,
written as plain PyTorch (no transformers), like `lathe bench train` builds it in Java. One training step
is what Lathe's Trainer does: forward over a batch of 4 x 256 random token ids, mean cross-entropy of the
next token, backward, global gradient-norm clipping at 1.0, AdamW (lr 1e-4, weight decay 0), zero_grad.
Methods: `lora` (r 8, alpha 16, no dropout, on q_proj and v_proj; the base frozen, B initialised to 0 as
PEFT does) and `full` (every parameter trained).

Each method and thread count runs in its own child process (so the peak RSS is that configuration's,
and OpenBLAS's own pool gets OPENBLAS_NUM_THREADS: torch.set_num_threads does not reach it): a few
warm-up steps, then timed steps; tokens/s is B*T over the median step time. Writes
tools/reference/results/torch-train.json, which `lathe bench train` prints next to its own figures.

Debian's torch 1.13 is a BLAS_INFO=generic build: run with OpenBLAS installed
(libopenblas0-pthread) and OPENBLAS_CORETYPE=SkylakeX on AVX-512 machines, else OpenBLAS picks a
Prescott (SSE3) kernel (see docs/benchmarks.md).

Run: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 tools/reference/bench_train.py [--steps 10] [--warmup 3]
"""
import argparse
import datetime
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_matmul import blas_info, cpu_model  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, "tools", "reference", "results", "torch-train.json")
HIDDEN, LAYERS, HEADS, INTER, VOCAB = 768, 12, 12, 2048, 32000
EPS, THETA = 1e-5, 10000.0


def uniform(g, *shape):
    a = 0.02 * math.sqrt(3)  # uniform(-a, a) has std 0.02
    return (torch.rand(*shape, generator=g) * 2 - 1) * a


class Llama(torch.nn.Module):
    """A plain Llama decoder (RMSNorm, RoPE, causal attention, SwiGLU, tied head) over nn.Parameters."""

    def __init__(self, seed):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        P = torch.nn.Parameter
        self.embed = P(uniform(g, VOCAB, HIDDEN))
        self.norm = P(torch.ones(HIDDEN))
        self.layers = torch.nn.ModuleList()
        for _ in range(LAYERS):
            layer = torch.nn.Module()
            layer.attn_norm = P(torch.ones(HIDDEN))
            layer.mlp_norm = P(torch.ones(HIDDEN))
            for name in ("q", "k", "v", "o"):
                setattr(layer, name, P(uniform(g, HIDDEN, HIDDEN)))
            layer.gate = P(uniform(g, INTER, HIDDEN))
            layer.up = P(uniform(g, INTER, HIDDEN))
            layer.down = P(uniform(g, HIDDEN, INTER))
            self.layers.append(layer)
        self.lora = None

    def add_lora(self, r, alpha, seed):
        """LoRA on q and v: A (r, in) Kaiming-uniform as PEFT initialises it, B (out, r) zero."""
        g = torch.Generator().manual_seed(seed)
        for p in self.parameters():
            p.requires_grad_(False)
        self.scaling = alpha / r
        self.lora = torch.nn.ParameterList()
        bound = 1.0 / math.sqrt(HIDDEN)
        for _ in range(LAYERS):
            for _proj in ("q", "v"):
                self.lora.append(torch.nn.Parameter((torch.rand(r, HIDDEN, generator=g) * 2 - 1) * bound))
                self.lora.append(torch.nn.Parameter(torch.zeros(HIDDEN, r)))

    def proj(self, x, w, layer, which):
        y = F.linear(x, w)
        if self.lora is not None and which is not None:
            i = (layer * 2 + which) * 2
            y = y + F.linear(F.linear(x, self.lora[i]), self.lora[i + 1]) * self.scaling
        return y

    def forward(self, ids):
        b, t = ids.shape
        d = HIDDEN // HEADS
        inv = 1.0 / (THETA ** (torch.arange(0, d, 2, dtype=torch.float32) / d))
        ang = torch.outer(torch.arange(t, dtype=torch.float32), inv)
        cos = torch.cat([ang.cos(), ang.cos()], -1)
        sin = torch.cat([ang.sin(), ang.sin()], -1)
        causal = torch.full((t, t), float("-inf")).triu(1)

        def rope(x):
            x1, x2 = x[..., : d // 2], x[..., d // 2:]
            return x * cos + torch.cat([-x2, x1], -1) * sin

        def rms(x, w):
            return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * w

        h = F.embedding(ids, self.embed)
        for i, L in enumerate(self.layers):
            x = rms(h, L.attn_norm)
            q = self.proj(x, L.q, i, 0).view(b, t, HEADS, d).transpose(1, 2)
            k = F.linear(x, L.k).view(b, t, HEADS, d).transpose(1, 2)
            v = self.proj(x, L.v, i, 1).view(b, t, HEADS, d).transpose(1, 2)
            q, k = rope(q), rope(k)
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + causal, -1)
            a = (att @ v).transpose(1, 2).reshape(b, t, HIDDEN)
            h = h + F.linear(a, L.o)
            x = rms(h, L.mlp_norm)
            h = h + F.linear(F.silu(F.linear(x, L.gate)) * F.linear(x, L.up), L.down)
        return F.linear(rms(h, self.norm), self.embed)


def measure(method, threads, args):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = Llama(seed=1)
    if method == "lora":
        model.add_lora(8, 16, seed=2)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
    g = torch.Generator().manual_seed(42)
    ids = torch.randint(3, VOCAB, (args.batch, args.time + 1), generator=g)
    inputs, targets = ids[:, :-1].contiguous(), ids[:, 1:].contiguous()
    times, losses = [], []
    for s in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        logits = model(inputs)
        loss = F.cross_entropy(logits.view(-1, VOCAB), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        dt = time.perf_counter() - t0
        losses.append(loss.item())
        if s >= args.warmup:
            times.append(dt)
        print(f"{method} threads={threads} step {s + 1}: {dt * 1000:.0f} ms, loss {loss.item():.4f}",
              file=sys.stderr, flush=True)
    median = statistics.median(times)
    return {"method": method, "threads": threads, "batch": args.batch, "time": args.time,
            "trainable_parameters": sum(p.numel() for p in params), "warmup": args.warmup,
            "steps": args.steps, "median_step_s": median, "tokens_per_s": args.batch * args.time / median,
            "step_s": times, "first_loss": losses[0],
            "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--time", type=int, default=256)
    parser.add_argument("--methods", default="lora,full")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        method, threads = args.child.split(":")
        json.dump(measure(method, int(threads), args), sys.stdout)
        return

    results = []
    for threads in [int(t) for t in args.threads.split(",")]:
        for method in args.methods.split(","):
            env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
                       MKL_NUM_THREADS=str(threads))
            child = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", f"{method}:{threads}",
                                    "--steps", str(args.steps), "--warmup", str(args.warmup),
                                    "--batch", str(args.batch), "--time", str(args.time)],
                                   env=env, stdout=subprocess.PIPE, check=True, text=True)
            r = json.loads(child.stdout)
            print(f"{method} threads={threads}: {r['tokens_per_s']:.1f} tok/s (median step "
                  f"{r['median_step_s']:.3f} s), peak RSS {r['peak_rss_bytes'] / 2**20:.0f} MiB", file=sys.stderr)
            results.append(r)
    doc = {
        "source": "tools/reference/bench_train.py",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "torch": torch.__version__,
        "blas": blas_info(),
        "env": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE",) if k in os.environ},
        "model": {"hidden": HIDDEN, "layers": LAYERS, "heads": HEADS, "intermediate": INTER, "vocab": VOCAB,
                  "tied_embeddings": True},
        "note": "one step = forward, mean cross-entropy, backward, clip_grad_norm_(1.0), AdamW, zero_grad; "
                "tokens/s = batch*time / median step time after warm-up; each method and thread count in "
                "its own process with OPENBLAS/OMP/MKL_NUM_THREADS set to the thread count; lora = r 8, "
                "alpha 16 on q_proj and v_proj",
        "results": results,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.relpath(args.out, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
