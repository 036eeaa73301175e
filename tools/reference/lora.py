"""LoRA parity vectors for lathe-tune: Hugging Face PEFT's LoRA math in plain PyTorch on a tiny Llama.

Run with Debian's PyTorch: /usr/bin/python3 tools/reference/lora.py
Base model: lathe-models/src/test/resources/tiny-models/llama-gqa (written by tools/reference/models.py).
Every projection named in TARGETS gets a LoRA adapter, computed as PEFT's lora.Linear.forward does:
    result = base(x) + lora_B(lora_A(dropout(x))) * scaling,   scaling = lora_alpha / r
with lora_A.weight (r, in) and lora_B.weight (out, r). A and B start from fixed random values (B is not
zero, so both get gradients) that are saved in the vector file. The file holds, for a batch of two
sequences: the logits, the next-token cross-entropy loss (mean over T-1 positions per row), the gradient
of every lora_A/lora_B (keys as PEFT saves them: base_model.model.<module>.lora_X.weight), and every
LoRA weight after 3 AdamW steps (torch.optim.AdamW, lr 1e-2, default betas/eps, weight_decay 0.01).
"""
import json
import math
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import llama_logits  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASE = os.path.join(ROOT, "lathe-models", "src", "test", "resources", "tiny-models", "llama-gqa")
OUT = os.path.join(ROOT, "lathe-tune", "src", "test", "resources", "lora", "llama-gqa-lora.json")
R, ALPHA = 2, 4
TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
IDS = [[1, 5, 9, 13, 40, 22, 7], [1, 60, 2, 33, 17, 8, 30]]
STEPS, LR, WD = 3, 1e-2, 0.01


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32"
        b, e = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[b:e]), dtype=torch.float32).reshape(info["shape"])
    return out


def module_of(weight_name):
    return weight_name[: -len(".weight")]


def forward(cfg, w, lora, scaling, ids):
    """Logits (B, T, V) of LlamaForCausalLM with LoRA on every module in `lora` (name -> (A, B))."""

    def delta(name, a):  # PEFT lora.Linear: base(x) + lora_B(lora_A(dropout(x))) * scaling, dropout p = 0
        if name not in lora:
            return None
        la, lb = lora[name]
        return (a @ la.T) @ lb.T * scaling

    return torch.stack([llama_logits(cfg, w, row.tolist(), delta) for row in ids])


def loss_of(logits, ids):
    v = logits.shape[-1]
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, v), ids[:, 1:].reshape(-1))


def tensor(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def main():
    torch.set_num_threads(1)
    with open(os.path.join(BASE, "config.json")) as f:
        cfg = json.load(f)
    w = read_safetensors(os.path.join(BASE, "model.safetensors"))
    g = torch.Generator().manual_seed(4242)
    lora = {}
    for name in w:
        mod = module_of(name)
        if name.endswith(".weight") and mod.split(".")[-1] in TARGETS:
            out_f, in_f = w[name].shape
            bound = 1 / math.sqrt(in_f)  # kaiming_uniform_(a=sqrt(5)) as nn.Linear / PEFT's lora_A
            a = ((torch.rand(R, in_f, generator=g) * 2 - 1) * bound).requires_grad_(True)
            b = (torch.randn(out_f, R, generator=g) * 0.1).requires_grad_(True)  # nonzero: A gets a gradient
            lora[mod] = (a, b)
    scaling = ALPHA / R
    ids = torch.tensor(IDS)
    tensors = {}
    for mod, (a, b) in lora.items():
        tensors[f"init.base_model.model.{mod}.lora_A.weight"] = tensor(a)
        tensors[f"init.base_model.model.{mod}.lora_B.weight"] = tensor(b)
    logits = forward(cfg, w, lora, scaling, ids)
    loss = loss_of(logits, ids)
    loss.backward()
    tensors["logits"] = tensor(logits)
    tensors["loss"] = tensor(loss.reshape(1))
    for mod, (a, b) in lora.items():
        tensors[f"grad.base_model.model.{mod}.lora_A.weight"] = tensor(a.grad)
        tensors[f"grad.base_model.model.{mod}.lora_B.weight"] = tensor(b.grad)
    params = [p for pair in lora.values() for p in pair]
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=WD)
    losses = []
    for step in range(STEPS):
        opt.zero_grad()
        step_loss = loss_of(forward(cfg, w, lora, scaling, ids), ids)
        losses.append(float(step_loss))
        step_loss.backward()
        opt.step()
    tensors["step_losses"] = tensor(torch.tensor(losses))
    for mod, (a, b) in lora.items():
        tensors[f"trained.base_model.model.{mod}.lora_A.weight"] = tensor(a)
        tensors[f"trained.base_model.model.{mod}.lora_B.weight"] = tensor(b)
    doc = {"source": "tools/reference/lora.py", "torch": torch.__version__, "base": "tiny-models/llama-gqa",
           "r": R, "lora_alpha": ALPHA, "target_modules": TARGETS, "ids": IDS,
           "adamw": {"lr": LR, "weight_decay": WD, "steps": STEPS}, "tensors": tensors}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
