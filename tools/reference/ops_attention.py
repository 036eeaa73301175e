"""Golden vectors for RoPE (golden/rope.json) and scaled dot-product attention (golden/attention.json).

RoPE is written in plain PyTorch the way Hugging Face transformers does it (inv_freq from
modeling_rope_utils: default / linear / llama3 rules; cos/sin of cat(freqs, freqs); x*cos + rotate_half(x)*sin)
and the way Meta's original Llama code does it (view_as_complex over adjacent pairs times polar(1, freqs)).
Attention is explicit math (torch 1.13 has no F.scaled_dot_product_attention): kv heads repeated with
repeat_interleave for GQA, causal mask aligned to the end of the keys (tril with diagonal S - T), key
padding mask, rows with no visible key set to zero. Gradients come from autograd on loss = (out * R).sum().

Run: /usr/bin/python3 tools/reference/ops_attention.py
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden import case, randn, save, seeded  # noqa: E402

torch.set_num_threads(1)


# ---------------------------------------------------------------- RoPE

def inv_freq_default(dim, base):
    return 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))


def inv_freq_for(dim, base, scaling):
    inv_freq = inv_freq_default(dim, base)
    if scaling["type"] == "none":
        return inv_freq
    if scaling["type"] == "linear":
        return inv_freq / scaling["factor"]
    # llama3 (transformers' _compute_llama3_parameters)
    factor = scaling["factor"]
    low_freq_factor = scaling["low_freq_factor"]
    high_freq_factor = scaling["high_freq_factor"]
    old_context_len = scaling["original_max_position_embeddings"]
    low_freq_wavelen = old_context_len / low_freq_factor
    high_freq_wavelen = old_context_len / high_freq_factor
    wavelen = 2 * math.pi / inv_freq
    inv_freq_llama = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
    smooth_factor = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
    smoothed_inv_freq = (1 - smooth_factor) * inv_freq_llama / factor + smooth_factor * inv_freq_llama
    is_medium_freq = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
    return torch.where(is_medium_freq, smoothed_inv_freq, inv_freq_llama)


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rope_half(x, inv_freq, positions):
    """HF: x (B, H, T, D); cos/sin (T, D) broadcast over B and H."""
    freqs = torch.outer(positions.float(), inv_freq)  # (T, D/2)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    return x * cos + rotate_half(x) * sin


def rope_interleaved(x, inv_freq, positions):
    """Meta's apply_rotary_emb on (B, T, H, D): pairs (2i, 2i+1) as complex numbers."""
    xt = x.transpose(1, 2)  # (B, T, H, D)
    freqs = torch.outer(positions.float(), inv_freq).float()
    freqs_cis = torch.polar(torch.ones_like(freqs), freqs)  # (T, D/2) complex
    x_ = torch.view_as_complex(xt.float().reshape(*xt.shape[:-1], -1, 2))
    freqs_cis = freqs_cis.view(1, xt.shape[1], 1, x_.shape[-1])
    out = torch.view_as_real(x_ * freqs_cis).flatten(3)
    return out.transpose(1, 2)  # back to (B, H, T, D)


def rope_cases():
    g = seeded(20240601)
    cases = []
    llama3_8192 = {"type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                   "original_max_position_embeddings": 8192}
    llama3_small = {"type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                    "original_max_position_embeddings": 64}
    configs = [
        ("theta10000", 16, 10000.0, {"type": "none"}),
        ("theta500000", 16, 500000.0, {"type": "none"}),
        ("linear4", 16, 10000.0, {"type": "linear", "factor": 4.0}),
        ("linear2.5", 8, 10000.0, {"type": "linear", "factor": 2.5}),
        ("llama3_orig8192", 16, 500000.0, llama3_8192),
        ("llama3_orig64", 16, 10000.0, llama3_small),
    ]
    positions = torch.tensor([0, 1, 7, 33, 100, 255, 311, 400], dtype=torch.int64)
    for name, dim, base, scaling in configs:
        inv = inv_freq_for(dim, base, scaling)
        wavelen = 2 * math.pi / inv_freq_default(dim, base)  # bands are judged before scaling
        for layout, fn in (("half", rope_half), ("interleaved", rope_interleaved)):
            b, h, t = 1, 1, len(positions)  # small: the files stay < 150 KB
            x = randn(g, b, h, t, dim).requires_grad_(True)
            r = randn(g, b, h, t, dim)
            out = fn(x, inv, positions)
            (out * r).sum().backward()
            params = {"layout": layout, "theta": base, "headDim": dim, "scaling": scaling,
                      "positions": positions.tolist()}
            if scaling["type"] == "llama3":
                old = scaling["original_max_position_embeddings"]
                params["bands"] = {"high": int((wavelen < old / 4.0).sum()),
                                   "low": int((wavelen > old / 1.0).sum())}
            cases.append(case(f"{name}_{layout}", params, x=x, out=out, R=r, dX=x.grad, inv_freq=inv))
    return cases


# ---------------------------------------------------------------- attention

def attention(q, k, v, causal, key_mask, scale):
    b, h, t, d = q.shape
    kvh, s = k.shape[1], k.shape[2]
    k = k.repeat_interleave(h // kvh, dim=1)
    v = v.repeat_interleave(h // kvh, dim=1)
    scores = (q @ k.transpose(-2, -1)) * scale  # (B, H, T, S)
    allowed = torch.ones(b, 1, t, s, dtype=torch.bool)
    if causal:
        allowed = allowed & torch.ones(t, s, dtype=torch.bool).tril(diagonal=s - t)
    if key_mask is not None:
        allowed = allowed & (key_mask != 0)[:, None, None, :]
    allowed = allowed.expand(b, h, t, s)
    live = allowed.any(dim=-1, keepdim=True)
    scores = scores.masked_fill(~allowed, float("-inf")).masked_fill(~live, 0.0)
    p = torch.softmax(scores, dim=-1) * allowed  # rows with no visible key -> 0, no NaN
    return p @ v


def attention_cases():
    g = seeded(7)
    specs = [
        # name, B, H, KVH, T, S, D, causal, mask (list of per-batch key masks or None), scale
        ("mha_full", 1, 2, 2, 4, 4, 8, False, None, None),
        ("gqa_causal", 1, 4, 2, 5, 5, 6, True, None, None),
        ("mqa_causal_T_lt_S", 1, 4, 1, 3, 9, 8, True, None, None),
        ("padding_noncausal", 2, 2, 1, 3, 6, 5, False, [[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]], None),
        ("left_padding_causal_scale", 2, 2, 1, 4, 6, 5, True, [[0, 0, 0, 1, 1, 1], [1, 1, 1, 1, 1, 1]], 0.3),
        ("decode_step_gqa_masked", 2, 4, 2, 1, 7, 8, True, [[1, 1, 1, 1, 1, 1, 1], [0, 1, 1, 1, 1, 1, 1]], None),
        ("gqa3_odd_d", 1, 6, 2, 4, 6, 7, True, None, None),
        ("head32", 1, 2, 1, 2, 4, 32, True, None, None),
    ]
    cases = []
    for name, b, h, kvh, t, s, d, causal, mask, scale in specs:
        q = randn(g, b, h, t, d).requires_grad_(True)
        k = randn(g, b, kvh, s, d).requires_grad_(True)
        v = randn(g, b, kvh, s, d).requires_grad_(True)
        r = randn(g, b, h, t, d)
        key_mask = None if mask is None else torch.tensor(mask, dtype=torch.float32)
        sc = scale if scale is not None else 1.0 / math.sqrt(d)
        out = attention(q, k, v, causal, key_mask, sc)
        (out * r).sum().backward()
        params = {"causal": causal, "scale": sc, "defaultScale": scale is None}
        tensors = dict(q=q, k=k, v=v, R=r, out=out, dQ=q.grad, dK=k.grad, dV=v.grad)
        if key_mask is not None:
            tensors["keyMask"] = key_mask
        cases.append(case(name, params, **tensors))
    return cases


if __name__ == "__main__":
    save("rope.json", rope_cases(), "tools/reference/ops_attention.py")
    save("attention.json", attention_cases(), "tools/reference/ops_attention.py")
