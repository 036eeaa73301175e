"""Tiny random models built with the REAL Hugging Face transformers, and what transformers computes with them.

Needs the Hugging Face stack (not Debian's torch): run with a venv holding torch 2.13.0+cpu and
transformers 5.17.0, e.g. /work/venv-peft/bin/python tools/reference/hf_logits.py. Recreate one with
    python3 -m venv V && V/bin/pip install --no-index --find-links /opt/wheels --find-links /opt/pypi/files \
        torch==2.13.0+cpu transformers==5.17.0 peft==0.21.0 safetensors numpy

Unlike models.py and bert.py (plain-PyTorch re-implementations), every model here is transformers' own
class (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, GPT2LMHeadModel, BertModel) built from its
own config class, written with save_pretrained (config.json in transformers 5's format, e.g. RoPE settings
under "rope_parameters", generation_config.json, model.safetensors), and run by transformers itself.
For each family it writes lathe-models/src/test/resources/hf-tiny/<name>/ with those files and
expected.json:
  decoders  "batch":  three rows of different lengths, right-padded with an attention mask, and the
                      logits (B, T, V) at every position (only unmasked positions are meaningful);
            "cache":  a prompt's logits, then one-token steps continuing from the model's KV cache;
            "greedy": model.generate(do_sample=False) from a prompt: the new tokens.
            "training.json" (TRAINING models only): loss and gradients of one causal-LM step.
  llama3-rope-legacy-config: a llama3-RoPE model with config.json in transformers 4's layout.
  BERT      "batch":  ids, attention mask, token type ids, last_hidden_state (B, T, C) and the
                      attention-masked mean of it (sentence-transformers pooling; Lathe has no BERT pooler).
Weights are drawn from a seeded generator with a spread that gives distinct logits (transformers' own
init, std 0.02, gives near-uniform logits and greedy ties). A model stored in bfloat16/float16 is run by
transformers in float32 on exactly the stored (widened) weights, as Lathe computes.
"""
import json
import os
import shutil
import sys

import torch
import transformers
from transformers import (BertConfig, BertModel, GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM,
                          MistralConfig, MistralForCausalLM, Qwen2Config, Qwen2ForCausalLM)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "lathe-models", "src", "test", "resources", "hf-tiny")
VOCAB = 128
ROWS = [[1, 5, 9, 13, 40, 22, 7, 7, 30, 101], [1, 60, 3, 33, 17, 8, 99], [1, 11, 12, 127]]
PROMPT = [1, 17, 42, 9, 64]
NEW_TOKENS = 8
CACHE_PROMPT = 4  # the "cache" case prefills ROWS[0][:4], then steps through the rest of ROWS[0]


def llama_like(**kw):
    base = dict(vocab_size=VOCAB, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                num_key_value_heads=2, max_position_embeddings=64, rms_norm_eps=1e-5, bos_token_id=1,
                eos_token_id=2, tie_word_embeddings=False)
    base.update(kw)
    return base


# name, model class, config class, config kwargs, stored dtype
DECODERS = [
    ("llama-gqa", LlamaForCausalLM, LlamaConfig, llama_like(), torch.float32),
    ("llama-tied-biases", LlamaForCausalLM, LlamaConfig,
     llama_like(tie_word_embeddings=True, attention_bias=True, mlp_bias=True, num_key_value_heads=4,
                rms_norm_eps=1e-6), torch.float32),
    ("llama3-rope-bf16", LlamaForCausalLM, LlamaConfig,
     llama_like(hidden_size=64, max_position_embeddings=128,
                rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0,
                                 "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                 "original_max_position_embeddings": 16}), torch.bfloat16),
    ("llama-linear-rope", LlamaForCausalLM, LlamaConfig,
     llama_like(num_key_value_heads=1, rope_parameters={"rope_type": "linear", "rope_theta": 20000.0,
                                                        "factor": 4.0}), torch.float32),
    ("mistral-sliding-f16", MistralForCausalLM, MistralConfig,
     llama_like(head_dim=12, sliding_window=16, max_position_embeddings=64,
                rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}), torch.float16),
    ("qwen2", Qwen2ForCausalLM, Qwen2Config,
     llama_like(tie_word_embeddings=True, rms_norm_eps=1e-6, eos_token_id=[2, 3],
                rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}), torch.float32),
    ("gpt2", GPT2LMHeadModel, GPT2Config,
     dict(vocab_size=VOCAB, n_embd=32, n_layer=2, n_head=4, n_positions=64, activation_function="gelu_new",
          layer_norm_epsilon=1e-5, bos_token_id=0, eos_token_id=2), torch.float32),
    ("gpt2-untied-gelu", GPT2LMHeadModel, GPT2Config,
     dict(vocab_size=VOCAB, n_embd=32, n_layer=2, n_head=2, n_positions=32, n_inner=48, activation_function="gelu",
          layer_norm_epsilon=1e-6, bos_token_id=0, eos_token_id=2, tie_word_embeddings=False), torch.float32),
]

# decoders whose training loss and gradients are recorded too (training.json): tied embeddings with every
# bias, Qwen2's q/k/v biases with GQA, GPT-2's Conv1D layout and fused q/k/v
TRAINING = {"llama-tied-biases", "qwen2", "gpt2"}

# Written by save_pretrained in transformers 5's layout, then config.json rewritten in transformers 4's
# (top-level rope_theta and rope_scaling, torch_dtype), as most Hub checkpoints still are; transformers
# itself reads the rewritten file back for the reference.
LEGACY_CONFIG = [
    ("llama3-rope-legacy-config", LlamaForCausalLM, LlamaConfig,
     llama_like(rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0,
                                 "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                 "original_max_position_embeddings": 16}), torch.float32),
]

BERT = ("bert", dict(vocab_size=VOCAB, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                     num_attention_heads=4, max_position_embeddings=32, type_vocab_size=2, layer_norm_eps=1e-12,
                     hidden_act="gelu", pad_token_id=0))


def randomise(model, g):
    """Every parameter redrawn: norm weights near 1, biases small, matrices scaled by 1/sqrt(fan-in)."""
    tied = getattr(model.config, "tie_word_embeddings", False)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1:
                is_norm_weight = name.endswith("weight")
                base = 1.0 if is_norm_weight else 0.0
                p.copy_(base + 0.1 * torch.randn(p.shape, generator=g))
            elif "embed" in name or name.endswith(("wte.weight", "wpe.weight")) or "embeddings" in name:
                # a tied head scores each token by its own embedding's norm: smaller rows keep greedy decoding
                # from repeating one token
                p.copy_(torch.randn(p.shape, generator=g) * (0.4 if tied else 1.0))
            else:
                # nn.Linear is (out, in); GPT-2's Conv1D is (in, out): scale by the input width either way
                fan_in = p.shape[0] if "transformer.h." in name else p.shape[1]
                p.copy_(torch.randn(p.shape, generator=g) * (1.5 / fan_in ** 0.5))


def floats(t):
    return [float(f"{v:.9g}") for v in t.detach().to(torch.float32).reshape(-1).tolist()]


def padded_batch():
    t = max(len(r) for r in ROWS)
    ids = [r + [0] * (t - len(r)) for r in ROWS]
    mask = [[1] * len(r) + [0] * (t - len(r)) for r in ROWS]
    return ids, mask


def save(model, folder, dtype, rewrite=None):
    """Writes the model in `dtype`, then loads the folder back in float32 the way a user would: the
    reference runs on exactly the stored weights, widened, with buffers such as RoPE's inverse
    frequencies computed afresh in float32 (converting the module instead would round them too)."""
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    model.to(dtype).save_pretrained(folder, safe_serialization=True)
    if rewrite:
        rewrite(folder)
    return type(model).from_pretrained(folder, dtype=torch.float32, attn_implementation="eager")


def legacy_config(folder):
    """Rewrites folder/config.json the way transformers 4 wrote it."""
    path = os.path.join(folder, "config.json")
    with open(path) as f:
        cfg = json.load(f)
    rope = dict(cfg.pop("rope_parameters"))
    cfg["rope_theta"] = rope.pop("rope_theta")
    cfg["rope_scaling"] = None if rope["rope_type"] == "default" else rope
    cfg["torch_dtype"] = cfg.pop("dtype")
    cfg["transformers_version"] = "4.46.0"
    with open(path, "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")


def decoder(name, model_cls, config_cls, kw, dtype, seed, legacy=False):
    config = config_cls(**kw)
    config._attn_implementation = "eager"
    torch.manual_seed(seed)
    model = model_cls(config).eval()
    randomise(model, torch.Generator().manual_seed(seed))
    folder = os.path.join(OUT, name)
    model = save(model, folder, dtype, legacy_config if legacy else None).eval()
    ids, mask = padded_batch()
    with torch.no_grad():
        logits = model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask)).logits
        row = torch.tensor([ROWS[0]])
        out = model(input_ids=row[:, :CACHE_PROMPT], use_cache=True)
        steps = [out.logits[0, -1]]
        cache = out.past_key_values
        for t in range(CACHE_PROMPT, len(ROWS[0])):
            out = model(input_ids=row[:, t:t + 1], past_key_values=cache, use_cache=True)
            cache = out.past_key_values
            steps.append(out.logits[0, -1])
        generated = model.generate(torch.tensor([PROMPT]), attention_mask=torch.ones(1, len(PROMPT), dtype=torch.long),
                                   max_new_tokens=NEW_TOKENS, do_sample=False)[0, len(PROMPT):].tolist()
        # the smallest top-1/top-2 logit gap along the greedy path: a tie would make the comparison fragile
        full = model(input_ids=torch.tensor([PROMPT + generated])).logits[0, len(PROMPT) - 1:-1]
        top2 = full.topk(2, dim=-1).values
        gap = float((top2[:, 0] - top2[:, 1]).min())
    doc = {"source": "tools/reference/hf_logits.py", "transformers": transformers.__version__,
           "torch": torch.__version__, "model": name, "class": model_cls.__name__,
           "stored_dtype": str(dtype).removeprefix("torch."), "vocab": VOCAB,
           "batch": {"ids": ids, "attention_mask": mask, "shape": list(logits.shape), "logits": floats(logits)},
           "cache": {"ids": ROWS[0], "prompt": CACHE_PROMPT, "logits": floats(torch.stack(steps))},
           "greedy": {"prompt": PROMPT, "max_new_tokens": NEW_TOKENS, "tokens": generated,
                      "eos_token_id": kw.get("eos_token_id"), "min_top2_gap": gap}}
    write_json(os.path.join(folder, "expected.json"), doc)
    print(f"{name}: greedy {generated} (min top-2 gap {gap:.3g})", file=sys.stderr)
    if name in TRAINING:
        training(model, folder)


def training(model, folder):
    """The causal-LM loss transformers computes with labels = input ids (shifted inside, mean over T - 1
    predictions) on ROWS[0], and its gradients (7 significant digits, to keep the file small): every vector,
    layer 0's attention matrices and the embedding table (tied to the head where the model ties them), with
    dropout off (eval mode)."""
    model.zero_grad()
    ids = torch.tensor([ROWS[0]])
    loss = model(input_ids=ids, labels=ids).loss
    loss.backward()
    def kept(n, p):  # every vector; layer 0's attention matrices (GPT-2's fused c_attn too); the embedding
        return (p.dim() == 1 or n.endswith(("embed_tokens.weight", "wte.weight"))
                or (".0." in n and ("self_attn" in n or ".attn." in n)))

    grads = {n: {"shape": list(p.grad.shape), "data": [float(f"{v:.7g}") for v in p.grad.reshape(-1).tolist()]}
             for n, p in model.named_parameters() if kept(n, p)}
    doc = {"source": "tools/reference/hf_logits.py", "transformers": transformers.__version__,
           "torch": torch.__version__, "ids": ROWS[0], "loss": float(loss), "gradients": grads}
    write_json(os.path.join(folder, "training.json"), doc)


def bert(seed):
    name, kw = BERT
    config = BertConfig(**kw)
    config._attn_implementation = "eager"
    torch.manual_seed(seed)
    model = BertModel(config).eval()
    randomise(model, torch.Generator().manual_seed(seed))
    folder = os.path.join(OUT, name)
    model = save(model, folder, torch.float32).eval()
    ids, mask = padded_batch()
    types = [[0] * 3 + [1] * (len(r) - 3) for r in ids]
    with torch.no_grad():
        out = model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask), token_type_ids=torch.tensor(types))
    hidden = out.last_hidden_state
    m = torch.tensor(mask, dtype=torch.float32)[:, :, None]
    mean = (hidden * m).sum(1) / m.sum(1)
    doc = {"source": "tools/reference/hf_logits.py", "transformers": transformers.__version__,
           "torch": torch.__version__, "model": name, "class": "BertModel", "stored_dtype": "float32",
           "batch": {"ids": ids, "attention_mask": mask, "token_type_ids": types, "shape": list(hidden.shape),
                     "last_hidden_state": floats(hidden), "mean_pooled": floats(mean)}}
    write_json(os.path.join(folder, "expected.json"), doc)
    print(f"{name}: written", file=sys.stderr)


def write_json(path, doc):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, path)


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    for i, (name, cls, cfg_cls, kw, dtype) in enumerate(DECODERS):
        decoder(name, cls, cfg_cls, kw, dtype, 3000 + i)
    for j, (name, cls, cfg_cls, kw, dtype) in enumerate(LEGACY_CONFIG):
        decoder(name, cls, cfg_cls, kw, dtype, 3050 + j, legacy=True)
    bert(3100)


if __name__ == "__main__":
    main()
