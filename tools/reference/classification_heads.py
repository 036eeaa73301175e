"""Parity vectors for lathe-tune's sequence-classification heads (dev.lathe.tune.classify).

Run with Debian's PyTorch: /usr/bin/python3 tools/reference/classification_heads.py
Writes lathe-tune/src/test/resources/golden/classification_heads.json (Golden format, see golden.py).

Two cases, each a padded batch with labels through encoder -> pooling -> linear head -> mean
cross-entropy, with the loss's gradient of the head and of a selection of encoder weights (the full
fine-tuning path) and of the pooled vectors:
  bert   the tiny BERT of bert.py (tiny-models/bert-tiny), mean pooling over non-padding tokens as
         sentence-transformers, head classifier.weight/classifier.bias (BertForSequenceClassification
         names; transformers would pool through the pooler instead).
  llama  the tiny GQA Llama of models.py (tiny-models/llama-gqa), the final hidden state (after the final
         norm) at the last non-padding token, as transformers' LlamaForSequenceClassification, head
         score.weight without bias. Rows are right-padded; causal attention makes a row's real tokens
         independent of its padding, so each row is computed unpadded here.
Dropout before the head is off (p = 0) so the numbers are deterministic.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bert as bert_ref  # noqa: E402
from lora import read_safetensors  # noqa: E402
from models import llama_logits  # noqa: E402
from golden import tensor  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, "lathe-tune", "src", "test", "resources", "tiny-models")
OUT = os.path.join(ROOT, "lathe-tune", "src", "test", "resources", "golden", "classification_heads.json")

BERT_IDS = [[2, 17, 5, 33, 9, 3, 3], [2, 8, 39, 3, 0, 0, 0], [2, 11, 3, 0, 0, 0, 0]]
BERT_MASK = [[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 0, 0, 0, 0]]
BERT_LABELS = [2, 0, 1]
BERT_GRADS = ["embeddings.word_embeddings.weight", "embeddings.LayerNorm.weight",
              "encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.self.query.bias",
              "encoder.layer.1.intermediate.dense.weight", "encoder.layer.1.output.dense.bias",
              "encoder.layer.1.output.LayerNorm.bias"]

LLAMA_IDS = [[1, 5, 9, 13, 40, 22, 7], [1, 60, 2, 33, 0, 0, 0], [1, 17, 0, 0, 0, 0, 0]]
LLAMA_LENGTHS = [7, 4, 2]
LLAMA_LABELS = [3, 0, 1]
LLAMA_GRADS = ["model.embed_tokens.weight", "model.norm.weight", "model.layers.0.self_attn.q_proj.weight",
               "model.layers.1.self_attn.v_proj.weight", "model.layers.1.mlp.down_proj.weight"]


def bert_case(g):
    w = {k[len("bert."):]: v for k, v in read_safetensors(os.path.join(MODELS, "bert-tiny", "model.safetensors")).items()
         if not k.startswith("bert.pooler")}
    for t in w.values():
        t.requires_grad_(True)
    ids, mask = torch.tensor(BERT_IDS), torch.tensor(BERT_MASK)
    c, k = bert_ref.CONFIG["hidden_size"], 3
    head_w = (torch.randn(k, c, generator=g) * 0.3).requires_grad_(True)
    head_b = (torch.randn(k, generator=g) * 0.1).requires_grad_(True)
    hidden = bert_ref.bert(w, ids, mask, torch.zeros_like(ids))
    m = mask[:, :, None].float()
    pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)  # sentence-transformers mean pooling
    pooled.retain_grad()
    logits = torch.nn.functional.linear(pooled, head_w, head_b)
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(BERT_LABELS))
    loss.backward()
    tensors = {"head.classifier.weight": head_w, "head.classifier.bias": head_b, "pooled": pooled,
               "logits": logits, "loss": loss.reshape(1), "grad.classifier.weight": head_w.grad,
               "grad.classifier.bias": head_b.grad, "grad.pooled": pooled.grad}
    for name in BERT_GRADS:
        tensors["grad.bert." + name] = w[name].grad
    return {"name": "bert", "params": {"ids": BERT_IDS, "mask": BERT_MASK, "labels": BERT_LABELS},
            "tensors": {n: tensor(t) for n, t in tensors.items()}}


def llama_case(g):
    folder = os.path.join(MODELS, "llama-gqa")
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    w = read_safetensors(os.path.join(folder, "model.safetensors"))
    for t in w.values():
        t.requires_grad_(True)
    c, k = cfg["hidden_size"], 4
    score = (torch.randn(k, c, generator=g) * 0.3).requires_grad_(True)
    hw = dict(w)
    hw["lm_head.weight"] = torch.eye(c)  # llama_logits then returns the final hidden states
    pooled = torch.stack([llama_logits(cfg, hw, row[:n])[n - 1] for row, n in zip(LLAMA_IDS, LLAMA_LENGTHS)])
    pooled.retain_grad()
    logits = pooled @ score.T
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(LLAMA_LABELS))
    loss.backward()
    tensors = {"head.score.weight": score, "pooled": pooled, "logits": logits, "loss": loss.reshape(1),
               "grad.score.weight": score.grad, "grad.pooled": pooled.grad}
    for name in LLAMA_GRADS:
        tensors["grad." + name] = w[name].grad
    mask = [[1] * n + [0] * (len(row) - n) for row, n in zip(LLAMA_IDS, LLAMA_LENGTHS)]
    return {"name": "llama", "params": {"ids": LLAMA_IDS, "mask": mask, "labels": LLAMA_LABELS},
            "tensors": {n: tensor(t) for n, t in tensors.items()}}


def main():
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(77)
    doc = {"source": "tools/reference/classification_heads.py", "torch": torch.__version__,
           "cases": [bert_case(g), llama_case(g)]}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, OUT)
    print(f"wrote {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
