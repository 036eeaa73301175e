"""Tiny random-weight decoder models and their logits, the parity reference for lathe-models' families.

Run with Debian's PyTorch (no transformers/safetensors there): /usr/bin/python3 tools/reference/models.py
For each model it writes lathe-models/src/test/resources/tiny-models/<name>/ with config.json,
model.safetensors (written by hand below) and expected.json: three token sequences of different
lengths and the logits (T, V) PyTorch computes for each, following the Hugging Face modeling code
step by step (LlamaForCausalLM / MistralForCausalLM / Qwen2ForCausalLM, GPT2LMHeadModel), in float32.
A model stored in bfloat16 is evaluated with its bfloat16 weights widened to float32.
"""
import json
import math
import os
import struct
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "lathe-models", "src", "test", "resources", "tiny-models")
DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}


def write_safetensors(path, tensors, metadata=None):
    """8-byte little-endian header length, JSON header, raw little-endian data (safetensors format)."""
    header = {"__metadata__": metadata or {"format": "pt"}}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        if t.dtype == torch.bfloat16:
            raw = t.view(torch.int16).numpy().tobytes()
        else:
            raw = t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


# ---------------------------------------------------------------- Llama / Mistral / Qwen2

def rms_norm(x, w, eps):
    var = x.pow(2).mean(-1, keepdim=True)
    return w * (x * torch.rsqrt(var + eps))


def inv_freq(cfg, dim):
    base = cfg.get("rope_theta", 10000.0)
    inv = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    rs = cfg.get("rope_scaling")
    if not rs:
        return inv
    kind = rs.get("rope_type", rs.get("type"))
    if kind == "linear":
        return inv / rs["factor"]
    assert kind == "llama3"
    factor, low, high = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
    old = rs["original_max_position_embeddings"]
    low_wl, high_wl = old / low, old / high
    wavelen = 2 * math.pi / inv
    inv_l = torch.where(wavelen > low_wl, inv / factor, inv)
    smooth = (old / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * inv_l / factor + smooth * inv_l
    medium = ~(wavelen < high_wl) * ~(wavelen > low_wl)
    return torch.where(medium, smoothed, inv_l)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def causal_attention(q, k, v, d):
    # q (H, T, D), k/v (KVH, T, D); repeat_kv then softmax(q k^T / sqrt(D) + causal) v
    g = q.shape[0] // k.shape[0]
    k = k.repeat_interleave(g, dim=0)
    v = v.repeat_interleave(g, dim=0)
    t = q.shape[1]
    scores = q @ k.transpose(1, 2) / math.sqrt(d)
    mask = torch.full((t, t), float("-inf")).triu(1)
    p = torch.softmax(scores + mask, dim=-1, dtype=torch.float32)
    return p @ v


def llama_logits(cfg, w, ids, delta=None):
    """Logits (T, V) of LlamaForCausalLM; `delta(name, a)`, when given, adds an adapter's output
    (e.g. LoRA) to the projection `name` applied to `a`, or returns None to leave it alone."""
    c = cfg["hidden_size"]
    h_ = cfg["num_attention_heads"]
    kvh = cfg.get("num_key_value_heads", h_)
    d = cfg.get("head_dim") or c // h_
    eps = cfg["rms_norm_eps"]
    t = len(ids)
    embed = w.get("model.embed_tokens.weight", w.get("lm_head.weight"))
    x = embed[torch.tensor(ids)]
    pos = torch.arange(t).float()
    freqs = pos[:, None] * inv_freq(cfg, d)[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()

    def lin(name, a):
        out = a @ w[name + ".weight"].T
        if name + ".bias" in w:
            out = out + w[name + ".bias"]
        extra = delta(name, a) if delta else None
        return out if extra is None else out + extra

    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        a = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = lin(p + "self_attn.q_proj", a).view(t, h_, d).transpose(0, 1)
        k = lin(p + "self_attn.k_proj", a).view(t, kvh, d).transpose(0, 1)
        v = lin(p + "self_attn.v_proj", a).view(t, kvh, d).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        o = causal_attention(q, k, v, d).transpose(0, 1).reshape(t, h_ * d)
        x = x + lin(p + "self_attn.o_proj", o)
        a = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        m = torch.nn.functional.silu(lin(p + "mlp.gate_proj", a)) * lin(p + "mlp.up_proj", a)
        x = x + lin(p + "mlp.down_proj", m)
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w.get("lm_head.weight", embed)
    return x @ head.T


def llama_weights(cfg, g, store_embed=True, store_head=None):
    c = cfg["hidden_size"]
    h_ = cfg["num_attention_heads"]
    kvh = cfg.get("num_key_value_heads", h_)
    d = cfg.get("head_dim") or c // h_
    inter = cfg["intermediate_size"]
    v = cfg["vocab_size"]
    qkv_bias = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)
    o_bias = cfg["model_type"] != "qwen2" and cfg.get("attention_bias", False)
    tied = cfg.get("tie_word_embeddings", False)
    if store_head is None:
        store_head = not tied

    def rnd(*shape, s=0.3):
        return torch.randn(*shape, generator=g) * s

    w = {}
    table = rnd(v, c, s=1.0)
    if store_embed:
        w["model.embed_tokens.weight"] = table
    if store_head:
        w["lm_head.weight"] = table if tied else rnd(v, c, s=0.3)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = 1 + rnd(c, s=0.1)
        w[p + "self_attn.q_proj.weight"] = rnd(h_ * d, c)
        w[p + "self_attn.k_proj.weight"] = rnd(kvh * d, c)
        w[p + "self_attn.v_proj.weight"] = rnd(kvh * d, c)
        w[p + "self_attn.o_proj.weight"] = rnd(c, h_ * d)
        if qkv_bias:
            w[p + "self_attn.q_proj.bias"] = rnd(h_ * d, s=0.1)
            w[p + "self_attn.k_proj.bias"] = rnd(kvh * d, s=0.1)
            w[p + "self_attn.v_proj.bias"] = rnd(kvh * d, s=0.1)
        if o_bias:
            w[p + "self_attn.o_proj.bias"] = rnd(c, s=0.1)
        w[p + "post_attention_layernorm.weight"] = 1 + rnd(c, s=0.1)
        w[p + "mlp.gate_proj.weight"] = rnd(inter, c)
        w[p + "mlp.up_proj.weight"] = rnd(inter, c)
        w[p + "mlp.down_proj.weight"] = rnd(c, inter)
    w["model.norm.weight"] = 1 + rnd(c, s=0.1)
    return w


# ---------------------------------------------------------------- GPT-2

def layer_norm(x, w, b, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, eps)


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def gpt2_logits(cfg, w, ids):
    c, h_ = cfg["n_embd"], cfg["n_head"]
    d = c // h_
    eps = cfg["layer_norm_epsilon"]
    t = len(ids)
    x = w["wte.weight"][torch.tensor(ids)] + w["wpe.weight"][torch.arange(t)]
    for i in range(cfg["n_layer"]):
        p = f"h.{i}."
        a = layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = a @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]  # Conv1D: x W + b, W (in, out)
        q, k, v = qkv.split(c, dim=-1)
        q, k, v = (z.view(t, h_, d).transpose(0, 1) for z in (q, k, v))
        o = causal_attention(q, k, v, d).transpose(0, 1).reshape(t, c)
        x = x + o @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        a = layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        m = gelu_new(a @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        x = x + m @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    x = layer_norm(x, w["ln_f.weight"], w["ln_f.bias"], eps)
    return x @ w["wte.weight"].T


def gpt2_weights(cfg, g):
    c, v, n = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"]
    inter = cfg.get("n_inner") or 4 * c

    def rnd(*shape, s=0.3):
        return torch.randn(*shape, generator=g) * s

    w = {"wte.weight": rnd(v, c, s=1.0), "wpe.weight": rnd(n, c, s=0.5)}
    for i in range(cfg["n_layer"]):
        p = f"h.{i}."
        w[p + "ln_1.weight"] = 1 + rnd(c, s=0.1)
        w[p + "ln_1.bias"] = rnd(c, s=0.1)
        w[p + "attn.c_attn.weight"] = rnd(c, 3 * c)
        w[p + "attn.c_attn.bias"] = rnd(3 * c, s=0.1)
        w[p + "attn.c_proj.weight"] = rnd(c, c)
        w[p + "attn.c_proj.bias"] = rnd(c, s=0.1)
        w[p + "ln_2.weight"] = 1 + rnd(c, s=0.1)
        w[p + "ln_2.bias"] = rnd(c, s=0.1)
        w[p + "mlp.c_fc.weight"] = rnd(c, inter)
        w[p + "mlp.c_fc.bias"] = rnd(inter, s=0.1)
        w[p + "mlp.c_proj.weight"] = rnd(inter, c)
        w[p + "mlp.c_proj.bias"] = rnd(c, s=0.1)
    w["ln_f.weight"] = 1 + rnd(c, s=0.1)
    w["ln_f.bias"] = rnd(c, s=0.1)
    return w


# ---------------------------------------------------------------- models

def llama_cfg(**kw):
    cfg = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 61, "hidden_size": 32,
           "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 4,
           "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "rope_scaling": None,
           "hidden_act": "silu", "attention_bias": False, "tie_word_embeddings": False, "bos_token_id": 1,
           "eos_token_id": 2, "torch_dtype": "float32"}
    cfg.update(kw)
    return cfg


MODELS = [
    # name, config, weight options, stored dtype
    ("llama-gqa", llama_cfg(num_key_value_heads=2), {}, torch.float32),
    ("llama-tied", llama_cfg(tie_word_embeddings=True, rms_norm_eps=1e-6), {}, torch.float32),
    ("llama-tied-head-only", llama_cfg(tie_word_embeddings=True, num_key_value_heads=1),
     {"store_embed": False, "store_head": True}, torch.float32),
    ("qwen2-bias", llama_cfg(architectures=["Qwen2ForCausalLM"], model_type="qwen2", num_key_value_heads=2,
                             rope_theta=1000000.0, rms_norm_eps=1e-6, tie_word_embeddings=True,
                             eos_token_id=[2, 3]), {}, torch.float32),
    ("llama3-rope-bf16", llama_cfg(hidden_size=64, num_attention_heads=4, num_key_value_heads=2,
                                   max_position_embeddings=128, rope_theta=500000.0, torch_dtype="bfloat16",
                                   rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                                 "high_freq_factor": 4.0,
                                                 "original_max_position_embeddings": 16}), {}, torch.bfloat16),
    ("mistral-head-dim", llama_cfg(architectures=["MistralForCausalLM"], model_type="mistral", head_dim=12,
                                   num_key_value_heads=2, rope_scaling={"type": "linear", "factor": 2.0}),
     {}, torch.float32),
]

GPT2_CFG = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": 67, "n_embd": 32,
            "n_layer": 2, "n_head": 4, "n_positions": 64, "n_ctx": 64, "n_inner": None,
            "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "bos_token_id": 50, "eos_token_id": 50,
            "tie_word_embeddings": True, "torch_dtype": "float32"}

SEQUENCES = [[1, 5, 9, 13, 40, 22, 7, 7, 30], [1, 60, 2, 33, 17, 8], [1, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]]


def emit(name, cfg, weights, logits_fn, dtype):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    stored = {k: v.to(dtype) for k, v in weights.items()}
    write_safetensors(os.path.join(folder, "model.safetensors"), stored)
    used = {k: v.to(torch.float32) for k, v in stored.items()}  # what Lathe reads, widened
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    cases = []
    for ids in SEQUENCES:
        with torch.no_grad():
            logits = logits_fn(cfg, used, ids)
        cases.append({"ids": ids, "shape": list(logits.shape),
                      "logits": [float(x) for x in logits.reshape(-1).tolist()]})
    doc = {"source": "tools/reference/models.py", "torch": torch.__version__, "model": name, "sequences": cases}
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(folder, ROOT)}", file=sys.stderr)


def main():
    torch.set_num_threads(1)
    for i, (name, cfg, opts, dtype) in enumerate(MODELS):
        g = torch.Generator().manual_seed(1000 + i)
        emit(name, cfg, llama_weights(cfg, g, **opts), llama_logits, dtype)
    g = torch.Generator().manual_seed(2000)
    emit("gpt2", GPT2_CFG, gpt2_weights(GPT2_CFG, g), gpt2_logits, torch.float32)


if __name__ == "__main__":
    main()
