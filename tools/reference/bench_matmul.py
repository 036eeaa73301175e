"""Measures torch.matmul GFLOP/s for the shapes of `lathe bench engine`, for comparison.

For each shape (M x K x N: a (M, K) @ b (K, N), both contiguous float32) and each thread count
(1 and all cores, via torch.set_num_threads) it runs one warm-up product, then times `--runs`
products (fewer when one product is slow: at most --budget seconds per shape and thread count, at
least 2 runs) and records the median. Writes tools/reference/results/torch-matmul.json, which
`lathe bench engine` prints next to its own figures, with the CPU model, torch version and BLAS,
and the date, so the comparison says where and when the figures were taken.

Run: /usr/bin/python3 tools/reference/bench_matmul.py [--runs 5] [--budget 60] [--sizes 512,256x768x3072]
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, "tools", "reference", "results", "torch-matmul.json")
DEFAULT_SIZES = "512,1024,2048,4096,1x768x2304,256x768x3072"


def parse_sizes(text):
    shapes = []
    for item in text.split(","):
        parts = [int(p) for p in item.strip().lower().split("x")]
        shapes.append(tuple(parts * 3) if len(parts) == 1 else tuple(parts))
    return shapes


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def blas_info():
    """torch's build-time BLAS, and for a 'generic' build the library libblas.so.3 resolves to now."""
    built = "unknown"
    for part in torch.__config__.show().replace(",", "\n").splitlines():
        if "BLAS_INFO" in part:
            built = part.split("=", 1)[1].strip()
    if built == "generic":
        for lib in ("/usr/lib/x86_64-linux-gnu/libblas.so.3", "/usr/lib/aarch64-linux-gnu/libblas.so.3"):
            if os.path.exists(lib):
                return f"generic -> {os.path.realpath(lib)}"
    return built


def measure(m, k, n, runs, budget):
    g = torch.Generator().manual_seed(0)
    a = torch.randn(m, k, generator=g)
    b = torch.randn(k, n, generator=g)
    t0 = time.perf_counter()
    torch.matmul(a, b)  # warm-up
    first = time.perf_counter() - t0
    runs = max(2, min(runs, int(budget / max(first, 1e-9))))
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        torch.matmul(a, b)
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    return {"m": m, "k": k, "n": n, "runs": runs, "median_s": median, "gflops": 2.0 * m * n * k / median / 1e9}


def measure_threads(threads, args):
    """Times every shape with `threads` threads in this process (BLAS thread count already set)."""
    torch.set_num_threads(threads)
    results = []
    for m, k, n in parse_sizes(args.sizes):
        r = measure(m, k, n, args.runs, args.budget)
        r["threads"] = threads
        results.append(r)
        print(f"{m}x{k}x{n} threads={threads}: {r['gflops']:.2f} GFLOP/s (median of {r['runs']})",
              file=sys.stderr, flush=True)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per shape and thread count")
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--child-threads", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_threads:
        json.dump(measure_threads(args.child_threads, args), sys.stdout)
        return

    # torch.set_num_threads does not reach an OpenBLAS pthread build's own pool: each thread count
    # runs in a child process whose BLAS thread variables say the same number.
    all_threads = os.cpu_count() or 1
    results = []
    for threads in sorted({1, all_threads}):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
                   MKL_NUM_THREADS=str(threads))
        child = subprocess.run([sys.executable, os.path.abspath(__file__), "--child-threads", str(threads),
                                "--runs", str(args.runs), "--budget", str(args.budget), "--sizes", args.sizes],
                               env=env, stdout=subprocess.PIPE, check=True, text=True)
        results.extend(json.loads(child.stdout))
    doc = {
        "source": "tools/reference/bench_matmul.py",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpu": cpu_model(),
        "cores": all_threads,
        "torch": torch.__version__,
        "blas": blas_info(),
        "env": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE",) if k in os.environ},
        "note": "a (M, K) @ b (K, N), float32, contiguous; median of timed runs after one warm-up; "
                "each thread count in its own process with OPENBLAS/OMP/MKL_NUM_THREADS set to it",
        "results": results,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.relpath(args.out, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
