"""Parity vectors for the BERT encoder (dev.lathe.models.family.bert.BertModel).

A tiny random BERT, computed with plain PyTorch following Hugging Face's modeling_bert.BertModel
(no transformers package needed): embeddings (word + token type + absolute position) and LayerNorm,
post-LayerNorm layers of bidirectional self-attention with the additive padding mask
(1 - mask) * finfo.min, GELU (erf) feed-forward. Writes into lathe-models/src/test/resources/models/bert-tiny/:
  model.safetensors  weights, hand-written safetensors, with the "bert." prefix of BertFor* checkpoints
                     and pooler/cls tensors the encoder must ignore
  config.json        the Hugging Face config
  expected.json      inputs, last_hidden_state and sentence embeddings (mean pooling + L2 normalisation)
Run: /usr/bin/python3 tools/reference/bert.py
"""
import json
import math
import os
import struct

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "lathe-models", "src", "test", "resources", "models", "bert-tiny")

CONFIG = {
    "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu", "hidden_size": 16,
    "intermediate_size": 24, "layer_norm_eps": 1e-12, "max_position_embeddings": 12, "num_attention_heads": 4,
    "num_hidden_layers": 2, "pad_token_id": 0, "position_embedding_type": "absolute", "type_vocab_size": 2,
    "vocab_size": 40,
}


def weights(g):
    c, f = CONFIG["hidden_size"], CONFIG["intermediate_size"]
    w = {}

    def rn(*shape, scale=1.0):
        return torch.randn(*shape, generator=g) * scale

    w["embeddings.word_embeddings.weight"] = rn(CONFIG["vocab_size"], c)
    w["embeddings.position_embeddings.weight"] = rn(CONFIG["max_position_embeddings"], c, scale=0.5)
    w["embeddings.token_type_embeddings.weight"] = rn(CONFIG["type_vocab_size"], c, scale=0.5)
    w["embeddings.LayerNorm.weight"] = 1 + rn(c, scale=0.1)
    w["embeddings.LayerNorm.bias"] = rn(c, scale=0.1)
    for i in range(CONFIG["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        for name in ("query", "key", "value"):
            w[p + f"attention.self.{name}.weight"] = rn(c, c, scale=1 / math.sqrt(c))
            w[p + f"attention.self.{name}.bias"] = rn(c, scale=0.1)
        w[p + "attention.output.dense.weight"] = rn(c, c, scale=1 / math.sqrt(c))
        w[p + "attention.output.dense.bias"] = rn(c, scale=0.1)
        w[p + "attention.output.LayerNorm.weight"] = 1 + rn(c, scale=0.1)
        w[p + "attention.output.LayerNorm.bias"] = rn(c, scale=0.1)
        w[p + "intermediate.dense.weight"] = rn(f, c, scale=1 / math.sqrt(c))
        w[p + "intermediate.dense.bias"] = rn(f, scale=0.1)
        w[p + "output.dense.weight"] = rn(c, f, scale=1 / math.sqrt(f))
        w[p + "output.dense.bias"] = rn(c, scale=0.1)
        w[p + "output.LayerNorm.weight"] = 1 + rn(c, scale=0.1)
        w[p + "output.LayerNorm.bias"] = rn(c, scale=0.1)
    return w


def bert(w, ids, mask, types):
    c, h = CONFIG["hidden_size"], CONFIG["num_attention_heads"]
    d = c // h
    eps = CONFIG["layer_norm_eps"]
    ln = torch.nn.functional.layer_norm
    b, t = ids.shape
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.token_type_embeddings.weight"][types]
    x = x + w["embeddings.position_embeddings.weight"][torch.arange(t)]
    x = ln(x, (c,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    lin = torch.nn.functional.linear
    for i in range(CONFIG["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def proj(name):
            y = lin(x, w[p + f"attention.self.{name}.weight"], w[p + f"attention.self.{name}.bias"])
            return y.view(b, t, h, d).permute(0, 2, 1, 3)

        q, k, v = proj("query"), proj("key"), proj("value")
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + additive
        ctx = (scores.softmax(-1) @ v).permute(0, 2, 1, 3).reshape(b, t, c)
        a = lin(ctx, w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"])
        x = ln(a + x, (c,), w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
        inner = torch.nn.functional.gelu(lin(x, w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"]))
        o = lin(inner, w[p + "output.dense.weight"], w[p + "output.dense.bias"])
        x = ln(o + x, (c,), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    return x


def sentence_embeddings(hidden, mask):
    m = mask[:, :, None].float()
    pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


def write_safetensors(path, tensors):
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name in sorted(tensors):
        data = tensors[name].contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def main():
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(20240611)
    w = weights(g)
    ids = torch.tensor([[2, 17, 5, 33, 9, 3, 3], [2, 8, 39, 3, 0, 0, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0, 0]])
    types = torch.tensor([[0, 0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 0, 0, 0]])
    with torch.no_grad():
        hidden = bert(w, ids, mask, types)
        single = bert(w, ids[1:, :4], mask[1:, :4], types[1:, :4])
        emb = sentence_embeddings(hidden, mask)
    os.makedirs(OUT, exist_ok=True)
    stored = {"bert." + k: v for k, v in w.items()}
    stored["bert.pooler.dense.weight"] = torch.randn(16, 16, generator=g)  # not part of BertModel's encoder
    stored["bert.pooler.dense.bias"] = torch.randn(16, generator=g)
    write_safetensors(os.path.join(OUT, "model.safetensors"), stored)
    with open(os.path.join(OUT, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")
    expected = {
        "source": "tools/reference/bert.py", "torch": torch.__version__,
        "ids": ids.tolist(), "attention_mask": mask.tolist(), "token_type_ids": types.tolist(),
        "last_hidden_state": {"shape": list(hidden.shape), "data": flat(hidden)},
        "unpadded_second": {"shape": list(single.shape), "data": flat(single)},
        "sentence_embeddings": {"shape": list(emb.shape), "data": flat(emb)},
    }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()
