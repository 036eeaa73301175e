"""Expected perplexities of the tiny reference models, computed as Hugging Face's guide does.

Run with Debian's PyTorch: /usr/bin/python3 tools/reference/perplexity.py
Writes lathe-eval/src/test/resources/perplexity/expected.json.

The models are the tiny random-weight decoders of tools/reference/models.py (read back from their
safetensors files under lathe-models/src/test/resources/tiny-models/); their logits come from that
script's plain-PyTorch forward passes (llama_logits, gpt2_logits), which follow the HF modeling code.

The sliding window follows "Perplexity of fixed-length models" (transformers docs, perplexity.md):
for begin in range(0, n, stride): end = min(begin + window, n); trg_len = end - prev_end; the input is
ids[begin:end], the labels are the same ids with all but the last trg_len set to -100, and the model's
loss shifts the labels left by one, so the window's first token is never scored. Each case records
the exact token-weighted figures (sum of per-token NLL over every scored token / their count), which
is what Lathe reports, and, for reference, the guide's own accumulation (each window's mean loss
weighted by its valid labels minus one, which differs from the exact sum when windows overlap).
Log-softmax is taken in float64 over float32 logits.
"""
import json
import math
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402  (tools/reference/models.py: the tiny models' forward passes)

ROOT = models.ROOT
TINY = models.OUT
OUT = os.path.join(ROOT, "lathe-eval", "src", "test", "resources", "perplexity")
TORCH_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    """The tensors of a safetensors file, widened to float32 (as Lathe reads them)."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    for name, h in header.items():
        if name == "__metadata__":
            continue
        b, e = h["data_offsets"]
        dt = TORCH_DTYPES[h["dtype"]]
        buf = bytearray(raw[base + b:base + e])
        if dt == torch.bfloat16:
            t = torch.frombuffer(buf, dtype=torch.int16).view(torch.bfloat16)
        else:
            t = torch.frombuffer(buf, dtype=dt)
        out[name] = t.reshape(h["shape"]).to(torch.float32)
    return out


def load(name):
    folder = os.path.join(TINY, name)
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    w = read_safetensors(os.path.join(folder, "model.safetensors"))
    fn = models.gpt2_logits if cfg["model_type"] == "gpt2" else models.llama_logits
    return cfg, (lambda ids: fn(cfg, w, ids))


def context(cfg):
    return cfg.get("max_position_embeddings", cfg.get("n_positions"))


def sliding(logits_fn, ids, window, stride):
    """HF's loop for one sequence: exact NLL sum and count, the guide's accumulation, the windows."""
    n = len(ids)
    nll_sum = 0.0
    count = 0
    guide_sum = 0.0
    guide_count = 0
    windows = []
    prev_end = 0
    for begin in range(0, n, stride):
        end = min(begin + window, n)
        trg_len = end - prev_end
        input_ids = torch.tensor(ids[begin:end])
        target = input_ids.clone()
        target[:-trg_len] = -100
        with torch.no_grad():
            logits = logits_fn(ids[begin:end]).to(torch.float64)  # (T, V)
        labels = target[1:]  # the model's internal shift
        logp = torch.log_softmax(logits[:-1], dim=-1)
        valid = labels != -100
        tok_nll = -logp[valid].gather(1, labels[valid].unsqueeze(1)).squeeze(1)
        w_sum = float(tok_nll.sum())
        w_count = int(valid.sum())
        nll_sum += w_sum
        count += w_count
        if w_count > 0:
            num_loss = int((target != -100).sum()) - 1  # the guide's num_valid_tokens - batch_size
            guide_sum += (w_sum / w_count) * num_loss
            guide_count += num_loss
        windows.append({"begin": begin, "end": end, "scored": w_count, "nll": w_sum})
        prev_end = end
        if end == n:
            break
    return nll_sum, count, guide_sum, guide_count, windows


def case(name, model, ids_list, window=None, stride=None):
    cfg, fn = load(model)
    window = window or context(cfg)
    stride = stride or window
    texts = []
    total = 0.0
    count = 0
    for ids in ids_list:
        s, c, gs, gc, windows = sliding(fn, ids, window, stride)
        texts.append({"ids": ids, "tokens_scored": c, "total_nll": s,
                      "perplexity": math.exp(s / c) if c else None,
                      "guide_perplexity": math.exp(gs / gc) if gc else None, "windows": windows})
        total += s
        count += c
    print(f"{name}: {count} tokens, ppl {math.exp(total / count):.6f}", file=sys.stderr)
    return {"name": name, "model": model, "window": window, "stride": stride, "tokens_scored": count,
            "total_nll": total, "mean_nll": total / count, "perplexity": math.exp(total / count),
            "bits_per_token": total / count / math.log(2), "texts": texts}


def main():
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(4242)

    def rand_ids(n, vocab, bos):
        return [bos] + torch.randint(0, vocab, (n - 1,), generator=g).tolist()

    short_llama = rand_ids(20, 61, 1)
    long_llama = rand_ids(45, 61, 1)
    short_gpt2 = rand_ids(20, 67, 50)
    long_gpt2 = rand_ids(41, 67, 50)
    extra = [rand_ids(7, 61, 1), [1, 5], [1], rand_ids(29, 61, 1)]
    cases = [
        case("llama-gqa short text, default window", "llama-gqa", [short_llama]),
        case("llama-gqa long text, window 16 stride 8", "llama-gqa", [long_llama], 16, 8),
        case("llama-gqa long text, window 16 stride 16", "llama-gqa", [long_llama], 16, 16),
        case("llama-gqa long text, window 16 stride 5", "llama-gqa", [long_llama], 16, 5),
        case("gpt2 short text, default window", "gpt2", [short_gpt2]),
        case("gpt2 long text, window 16 stride 8", "gpt2", [long_gpt2], 16, 8),
        case("llama-gqa dataset, window 16 stride 8", "llama-gqa", [short_llama, long_llama] + extra, 16, 8),
        case("llama3-rope-bf16 long text, window 16 stride 8", "llama3-rope-bf16", [long_llama], 16, 8),
    ]
    os.makedirs(OUT, exist_ok=True)
    doc = {"source": "tools/reference/perplexity.py", "torch": torch.__version__, "cases": cases}
    path = os.path.join(OUT, "expected.json")
    with open(path + ".tmp", "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(path + ".tmp", path)
    print(f"wrote {os.path.relpath(path, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
