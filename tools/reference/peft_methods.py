"""Parity vectors for lathe-tune's PEFT methods: prompt tuning, prefix tuning and IA3 on a tiny Llama and a
tiny BERT, and LoRA on the tiny BERT, in plain PyTorch following Hugging Face PEFT and transformers.

Run with Debian's PyTorch: /usr/bin/python3 tools/reference/peft_methods.py
Bases: lathe-tune/src/test/resources/tiny-models/llama-gqa (tools/reference/models.py; 2 layers, 4 query and
2 key/value heads, D 8) and tiny-models/bert-tiny (tools/reference/bert.py; 2 layers, 4 heads, D 4).

What each method computes, as PEFT 0.19 does it:
- prompt tuning (PeftModelForCausalLM / ...FeatureExtraction forward): P virtual-token embeddings are
  concatenated before the token embeddings, the attention mask gets P leading ones, the sequence runs from
  position 0 (so the real tokens sit at positions P..); for BERT the virtual tokens get token type 0 (SEQ_CLS
  prepends zeros). The causal-LM loss skips the virtual positions (PEFT labels them -100).
- prefix tuning without projection (PrefixEncoder + get_prompt): embedding.weight (P, L*2*KVH*D) viewed as
  (P, 2L, KVH, D) and permuted to per-layer keys (index 2l) and values (2l+1), passed as past_key_values:
  every layer puts (KVH, P, D) before its keys and values; the real tokens' positions start at P (cache
  position / BertEmbeddings' past_key_values_length), the prefix keys are not rotated; mask gets P leading ones.
- IA3 (ia3.Linear): vector ia3_l (out, 1) scales the output of a target module (bias included), or (1, in)
  its input when the module is a feedforward module. Targets match as PEFT does (name equal or path ends
  with "." + name); feedforward modules by plain suffix. The BERT case uses PEFT's default lists for bert,
  target ["key", "value", "output.dense"], feedforward ["output.dense"], so attention.output.dense is a
  feedforward target too (it ends with "output.dense"), as in PEFT.
- LoRA (lora.Linear): base(x) + (x A^T) B^T * alpha / r on query and value.
Every case starts from saved random values (IA3 near 1, LoRA B nonzero) so every tensor gets a gradient, and
records: the loss, the gradient of every adapter tensor (keys as PEFT saves them), 3 AdamW steps (lr 1e-2,
weight_decay 0.01): their losses and the adapter after them. Llama's loss: next-token cross entropy over the
real tokens, padding ignored. BERT's: cross entropy of a fixed random head (5, C) over every real token's last
hidden state against fixed labels, padding ignored.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lora import read_safetensors, tensor  # noqa: E402
from models import inv_freq, rms_norm, rotate_half  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, "lathe-tune", "src", "test", "resources", "tiny-models")
OUT = os.path.join(ROOT, "lathe-tune", "src", "test", "resources", "peft-methods")
STEPS, LR, WD = 3, 1e-2, 0.01
IGNORE = -100

LLAMA_IDS = [[1, 5, 9, 13, 40, 22, 7], [1, 60, 2, 33, 17, 8, 30]]
LLAMA_MASK = [[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 0]]
BERT_IDS = [[2, 17, 5, 33, 9, 3, 3], [2, 8, 39, 3, 0, 0, 0]]
BERT_MASK = [[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0, 0]]
BERT_TYPES = [[0, 0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 0, 0, 0]]
BERT_LABELS = [[0, 3, 1, 4, 2, 2, 0], [1, 4, 0, 3, IGNORE, IGNORE, IGNORE]]
BERT_CLASSES = 5


def matches_target(path, names):  # PEFT's check_target_module_exists for a list
    return any(path == n or path.endswith("." + n) for n in names)


def matches_feedforward(path, names):  # PEFT's IA3 _check_target_module_feedforward for a list
    return any(path.endswith(n) for n in names)


class Adapter:
    """What a case adds to the base forward: prompt (P, C), prefix (per layer (k, v) as (KVH, P, D)),
    and per-module projections (name -> callable(a, base_out_fn))."""

    def __init__(self, prompt=None, prefix=None, linear=None):
        self.prompt = prompt
        self.prefix = prefix
        self.linear = linear or {}

    def lin(self, name, a, w):
        def base(x):
            out = x @ w[name + ".weight"].T
            return out + w[name + ".bias"] if name + ".bias" in w else out
        f = self.linear.get(name)
        return base(a) if f is None else f(a, base)


def attend(q, k, v, keep):
    """q (B, H, T, D), k/v (B, KVH, S, D), keep (B, T, S) bool; softmax(q k^T / sqrt(D)) v over kept keys."""
    g = q.shape[1] // k.shape[1]
    k = k.repeat_interleave(g, dim=1)
    v = v.repeat_interleave(g, dim=1)
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(~keep[:, None], float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def llama_forward(cfg, w, ids, mask, ad):
    """Logits (B, P + T, V) of LlamaForCausalLM under adapter `ad` (prompt positions first)."""
    c, h_, kvh = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    d = c // h_
    eps = cfg["rms_norm_eps"]
    b = ids.shape[0]
    x = w["model.embed_tokens.weight"][ids]
    if ad.prompt is not None:
        x = torch.cat([ad.prompt[None].expand(b, -1, -1), x], dim=1)
        mask = torch.cat([torch.ones(b, ad.prompt.shape[0], dtype=mask.dtype), mask], dim=1)
    past = 0 if ad.prefix is None else ad.prefix[0][0].shape[1]
    if past:
        mask = torch.cat([torch.ones(b, past, dtype=mask.dtype), mask], dim=1)
    t = x.shape[1]
    pos = torch.arange(past, past + t).float()
    freqs = pos[:, None] * inv_freq(cfg, d)[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    causal = torch.arange(past + t)[None, :] <= (torch.arange(t)[:, None] + past)  # (T, S)
    keep = causal[None] & mask[:, None, :].bool()                                 # (B, T, S)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        a = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = ad.lin(p + "self_attn.q_proj", a, w).view(b, t, h_, d).transpose(1, 2)
        k = ad.lin(p + "self_attn.k_proj", a, w).view(b, t, kvh, d).transpose(1, 2)
        v = ad.lin(p + "self_attn.v_proj", a, w).view(b, t, kvh, d).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past:
            pk, pv = ad.prefix[i]
            k = torch.cat([pk[None].expand(b, -1, -1, -1), k], dim=2)
            v = torch.cat([pv[None].expand(b, -1, -1, -1), v], dim=2)
        o = attend(q, k, v, keep).transpose(1, 2).reshape(b, t, h_ * d)
        x = x + ad.lin(p + "self_attn.o_proj", o, w)
        a = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        m = torch.nn.functional.silu(ad.lin(p + "mlp.gate_proj", a, w)) * ad.lin(p + "mlp.up_proj", a, w)
        x = x + ad.lin(p + "mlp.down_proj", m, w)
    x = rms_norm(x, w["model.norm.weight"], eps)
    return x @ w["lm_head.weight"].T


def bert_forward(cfg, w, ids, mask, types, ad):
    """Last hidden state (B, P + T, C) of BertModel under adapter `ad` (prompt positions first)."""
    c, h = cfg["hidden_size"], cfg["num_attention_heads"]
    d = c // h
    eps = cfg["layer_norm_eps"]
    ln = torch.nn.functional.layer_norm
    b = ids.shape[0]
    x = w["embeddings.word_embeddings.weight"][ids]
    if ad.prompt is not None:
        n = ad.prompt.shape[0]
        x = torch.cat([ad.prompt[None].expand(b, -1, -1), x], dim=1)
        mask = torch.cat([torch.ones(b, n, dtype=mask.dtype), mask], dim=1)
        types = torch.cat([torch.zeros(b, n, dtype=types.dtype), types], dim=1)
    past = 0 if ad.prefix is None else ad.prefix[0][0].shape[1]
    if past:
        mask = torch.cat([torch.ones(b, past, dtype=mask.dtype), mask], dim=1)
    t = x.shape[1]
    x = x + w["embeddings.token_type_embeddings.weight"][types]
    x = x + w["embeddings.position_embeddings.weight"][torch.arange(past, past + t)]
    x = ln(x, (c,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    keep = mask[:, None, :].bool().expand(b, t, past + t)
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def proj(name):
            return ad.lin(p + f"attention.self.{name}", x, w).view(b, t, h, d).transpose(1, 2)

        q, k, v = proj("query"), proj("key"), proj("value")
        if past:
            pk, pv = ad.prefix[i]
            k = torch.cat([pk[None].expand(b, -1, -1, -1), k], dim=2)
            v = torch.cat([pv[None].expand(b, -1, -1, -1), v], dim=2)
        ctx = attend(q, k, v, keep).transpose(1, 2).reshape(b, t, c)
        a = ad.lin(p + "attention.output.dense", ctx, w)
        x = ln(a + x, (c,), w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
        inner = torch.nn.functional.gelu(ad.lin(p + "intermediate.dense", x, w))
        o = ad.lin(p + "output.dense", inner, w)
        x = ln(o + x, (c,), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    return x


# ---------------------------------------------------------------- adapters (name -> tensor, as PEFT saves them)

def prompt_adapter(params, n_layers, kvh, d):
    return Adapter(prompt=params["prompt_embeddings"])


def prefix_adapter(params, n_layers, kvh, d):
    e = params["prompt_embeddings"]  # (P, L*2*KVH*D)
    p = e.shape[0]
    kv = e.view(p, n_layers * 2, kvh, d).permute(1, 2, 0, 3)  # (2L, KVH, P, D) as get_prompt's permute/split
    return Adapter(prefix=[(kv[2 * i], kv[2 * i + 1]) for i in range(n_layers)])


def ia3_adapter(params, n_layers, kvh, d):
    linear = {}
    for key, vec in params.items():
        module = key[len("base_model.model."):-len(".ia3_l")]
        ff = vec.shape[0] == 1

        def f(a, base, vec=vec, ff=ff):
            return base(a * vec.flatten()) if ff else base(a) * vec.flatten()
        linear[module] = f
    return Adapter(linear=linear)


def lora_adapter(params, n_layers, kvh, d, scaling):
    linear = {}
    for key in params:
        if key.endswith(".lora_A.weight"):
            module = key[len("base_model.model."):-len(".lora_A.weight")]
            la, lb = params[key], params[f"base_model.model.{module}.lora_B.weight"]

            def f(a, base, la=la, lb=lb):
                return base(a) + (a @ la.T) @ lb.T * scaling
            linear[module] = f
    return Adapter(linear=linear)


def init_params(case, w, cfg, g, modules):
    c = cfg["hidden_size"]
    n_layers = cfg["num_hidden_layers"]
    kvh = cfg.get("num_key_value_heads", cfg["num_attention_heads"])
    d = c // cfg["num_attention_heads"]
    method = case["method"]
    if method == "prompt":  # nn.Embedding's init: standard normal
        return {"prompt_embeddings": torch.randn(case["num_virtual_tokens"], c, generator=g)}
    if method == "prefix":
        return {"prompt_embeddings": torch.randn(case["num_virtual_tokens"], n_layers * 2 * kvh * d, generator=g)}
    if method == "ia3":
        out = {}
        for m in modules:
            if matches_target(m, case["target_modules"]):
                wt = w[m + ".weight"]
                ff = matches_feedforward(m, case["feedforward_modules"])
                shape = (1, wt.shape[1]) if ff else (wt.shape[0], 1)
                out[f"base_model.model.{m}.ia3_l"] = 1 + 0.2 * torch.randn(*shape, generator=g)
        return out
    assert method == "lora"
    out = {}
    for m in modules:
        if matches_target(m, case["target_modules"]):
            out_f, in_f = w[m + ".weight"].shape
            bound = 1 / math.sqrt(in_f)
            out[f"base_model.model.{m}.lora_A.weight"] = (torch.rand(case["r"], in_f, generator=g) * 2 - 1) * bound
            out[f"base_model.model.{m}.lora_B.weight"] = torch.randn(out_f, case["r"], generator=g) * 0.1
    return out


def run(case):
    family = case["family"]
    base = os.path.join(MODELS, "llama-gqa" if family == "llama" else "bert-tiny")
    with open(os.path.join(base, "config.json")) as f:
        cfg = json.load(f)
    w = read_safetensors(os.path.join(base, "model.safetensors"))
    w = {k[len("bert."):] if k.startswith("bert.") else k: v for k, v in w.items()}
    modules = sorted({k[: -len(".weight")] for k in w if k.endswith(".weight") and w[k].dim() == 2
                      and ("layers." in k or "encoder.layer." in k)})
    g = torch.Generator().manual_seed(case["seed"])
    params = init_params(case, w, cfg, g, modules)
    for p in params.values():
        p.requires_grad_(True)
    n_layers = cfg["num_hidden_layers"]
    kvh = cfg.get("num_key_value_heads", cfg["num_attention_heads"])
    d = cfg["hidden_size"] // cfg["num_attention_heads"]
    make = {"prompt": prompt_adapter, "prefix": prefix_adapter, "ia3": ia3_adapter,
            "lora": lambda p, *a: lora_adapter(p, *a, case.get("lora_alpha", 1) / case.get("r", 1))}[case["method"]]
    virtual = case["num_virtual_tokens"] if case["method"] == "prompt" else 0
    head = torch.randn(BERT_CLASSES, cfg["hidden_size"], generator=g) if family == "bert" else None

    def loss_fn():
        ad = make(params, n_layers, kvh, d)
        if family == "llama":
            ids, mask = torch.tensor(LLAMA_IDS), torch.tensor(LLAMA_MASK)
            logits = llama_forward(cfg, w, ids, mask, ad)[:, virtual:]  # the real tokens' logits
            targets = torch.full_like(ids, IGNORE)
            targets[:, :-1] = ids[:, 1:]
            targets[:, :-1][mask[:, 1:] == 0] = IGNORE  # no loss on predicting padding
            return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        ids, mask, types = torch.tensor(BERT_IDS), torch.tensor(BERT_MASK), torch.tensor(BERT_TYPES)
        hidden = bert_forward(cfg, w, ids, mask, types, ad)[:, virtual:]
        scores = hidden @ head.T
        return torch.nn.functional.cross_entropy(scores.reshape(-1, BERT_CLASSES), torch.tensor(BERT_LABELS).reshape(-1))

    tensors = {f"init.{k}": tensor(v) for k, v in params.items()}
    if head is not None:
        tensors["head"] = tensor(head)
    loss = loss_fn()
    loss.backward()
    tensors["loss"] = tensor(loss.reshape(1))
    for k, v in params.items():
        tensors[f"grad.{k}"] = tensor(v.grad)
    opt = torch.optim.AdamW(list(params.values()), lr=LR, weight_decay=WD)
    losses = []
    for _ in range(STEPS):
        opt.zero_grad()
        step_loss = loss_fn()
        losses.append(float(step_loss))
        step_loss.backward()
        opt.step()
    tensors["step_losses"] = tensor(torch.tensor(losses))
    for k, v in params.items():
        tensors[f"trained.{k}"] = tensor(v)
    doc = {"source": "tools/reference/peft_methods.py", "torch": torch.__version__, **case,
           "adamw": {"lr": LR, "weight_decay": WD, "steps": STEPS}, "tensors": tensors}
    if family == "llama":
        doc.update({"ids": LLAMA_IDS, "attention_mask": LLAMA_MASK})
    else:
        doc.update({"ids": BERT_IDS, "attention_mask": BERT_MASK, "token_type_ids": BERT_TYPES, "labels": BERT_LABELS})
    path = os.path.join(OUT, f"{family}-{case['method']}.json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes), loss {float(loss):.6f}",
          file=sys.stderr)


CASES = [
    {"family": "llama", "method": "prompt", "num_virtual_tokens": 3, "seed": 101},
    {"family": "llama", "method": "prefix", "num_virtual_tokens": 2, "seed": 102},
    {"family": "llama", "method": "ia3", "target_modules": ["k_proj", "v_proj", "down_proj"],
     "feedforward_modules": ["down_proj"], "seed": 103},
    {"family": "bert", "method": "prompt", "num_virtual_tokens": 3, "seed": 201},
    {"family": "bert", "method": "prefix", "num_virtual_tokens": 2, "seed": 202},
    {"family": "bert", "method": "ia3", "target_modules": ["key", "value", "output.dense"],
     "feedforward_modules": ["output.dense"], "seed": 203},
    {"family": "bert", "method": "lora", "target_modules": ["query", "value"], "r": 2, "lora_alpha": 4, "seed": 204},
]


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    for case in CASES:
        run(case)


if __name__ == "__main__":
    main()
