"""A LoRA sequence-classification adapter written by the real Hugging Face PEFT, and its logits.

Needs the real Hugging Face stack (not Debian's torch 1.13): run with
    /work/venv-peft/bin/python tools/reference/peft_seq_cls.py
(to recreate the venv: python3 -m venv V && V/bin/pip install --no-index --find-links /opt/wheels
 --find-links /opt/pypi/files torch==2.13.0+cpu transformers==5.17.0 peft==0.21.0 safetensors numpy).

Loads the tiny random GQA Llama of models.py (lathe-tune/src/test/resources/tiny-models/llama-gqa) as a
transformers LlamaForSequenceClassification with 3 labels (pad_token_id 0; its new `score` head drawn by
transformers from torch.manual_seed(0)), wraps it with peft.get_peft_model(LoraConfig(task_type=SEQ_CLS,
r=4, lora_alpha=8, target_modules=[q_proj, v_proj], init_lora_weights=False)) so that B is not zero, and
writes with PeftModel.save_pretrained into lathe-tune/src/test/resources/peft-seq-cls/llama-lora/:
adapter_config.json and adapter_model.safetensors exactly as PEFT writes them (no config.json: a
PEFT-trained classifier's labels live in the base model's config, which a user passes separately).
Then logits.json holds a right-padded batch (ids, attention mask) and PEFT's logits for it in eval
mode, and saved_keys the tensor names PEFT saved. dev.lathe.tune.classify.PeftSeqClsInteropTest loads
the folder into Lathe and compares the logits.

The same for the tiny random BERT of bert.py (tiny-models/bert-tiny) as a BertForSequenceClassification
(3 labels, `classifier` head with bias) into peft-seq-cls/bert-lora/, targets query and value: names,
values and config only, no logits, since transformers pools BERT through its pooler on [CLS] while
Lathe's classifier pools by the mean (the sentence-transformers way; see ClassifierFiles).
"""
import json
import os

import torch
import peft
import transformers
from peft import LoraConfig, TaskType, get_peft_model
from safetensors import safe_open
from transformers import BertForSequenceClassification, LlamaForSequenceClassification

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASE = os.path.join(ROOT, "lathe-tune/src/test/resources/tiny-models/llama-gqa")
OUT = os.path.join(ROOT, "lathe-tune/src/test/resources/peft-seq-cls/llama-lora")
BERT = os.path.join(ROOT, "lathe-tune/src/test/resources/tiny-models/bert-tiny")
BERT_OUT = os.path.join(ROOT, "lathe-tune/src/test/resources/peft-seq-cls/bert-lora")


def bert():
    torch.manual_seed(0)
    model = BertForSequenceClassification.from_pretrained(BERT, num_labels=3, torch_dtype=torch.float32)
    model.name_or_path = "tiny-models/bert-tiny"
    config = LoraConfig(task_type=TaskType.SEQ_CLS, r=4, lora_alpha=8, lora_dropout=0.0,
                        target_modules=["query", "value"], init_lora_weights=False)
    model = get_peft_model(model, config)
    os.makedirs(BERT_OUT, exist_ok=True)
    model.save_pretrained(BERT_OUT)
    os.remove(os.path.join(BERT_OUT, "README.md"))


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = LlamaForSequenceClassification.from_pretrained(BASE, num_labels=3, pad_token_id=0,
                                                           torch_dtype=torch.float32)
    config = LoraConfig(task_type=TaskType.SEQ_CLS, r=4, lora_alpha=8, lora_dropout=0.0,
                        target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    model.name_or_path = "tiny-models/llama-gqa"  # what PEFT records as base_model_name_or_path
    model = get_peft_model(model, config)
    model.eval()
    os.makedirs(OUT, exist_ok=True)
    model.save_pretrained(OUT)
    os.remove(os.path.join(OUT, "README.md"))  # PEFT's model card template: not needed

    # Right-padded rows (pad id 0, never a real token here), lengths 5, 3 and 1.
    rows = [[1, 7, 12, 30, 3], [1, 9, 3], [1]]
    t = max(len(r) for r in rows)
    ids = torch.tensor([r + [0] * (t - len(r)) for r in rows])
    mask = torch.tensor([[1] * len(r) + [0] * (t - len(r)) for r in rows])
    with torch.no_grad():
        logits = model(input_ids=ids, attention_mask=mask).logits
    with safe_open(os.path.join(OUT, "adapter_model.safetensors"), "pt") as f:
        keys = sorted(f.keys())
    with open(os.path.join(OUT, "logits.json"), "w") as f:
        json.dump({"source": "tools/reference/peft_seq_cls.py (transformers %s, peft %s, torch %s)"
                             % (transformers.__version__, peft.__version__, torch.__version__),
                   "ids": ids.flatten().tolist(), "mask": mask.flatten().tolist(), "batch": len(rows), "time": t,
                   "logits": [round(float(x), 8) for x in logits.flatten()], "labels": 3,
                   "saved_keys": keys}, f, indent=1)
        f.write("\n")
    print("wrote", OUT, "keys:", keys)
    print("logits", logits)
    bert()


if __name__ == "__main__":
    main()
