"""Interoperability fixtures between Lathe's PEFT adapters and the REAL Hugging Face PEFT.

Needs the real stack (not Debian's torch 1.13): torch 2.13.0+cpu, transformers 5.17.0, peft 0.21.0, safetensors.
Recreate the venv with
    python3 -m venv V && V/bin/pip install --no-index --find-links /opt/wheels --find-links /opt/pypi/files \
        torch==2.13.0+cpu transformers==5.17.0 peft==0.21.0 safetensors numpy
and run from anywhere:
    V/bin/python tools/reference/peft_interop.py peft    # PEFT -> Lathe: write adapters with PEFT
    V/bin/python tools/reference/peft_interop.py lathe   # Lathe -> PEFT: load Lathe's adapters into PEFT

Fixtures live in lathe-tune/src/test/resources/peft-interop/ (see the README there); the bases are the tiny
random models already under lathe-tune/src/test/resources/tiny-models (llama-gqa: 4 query / 2 key-value heads;
qwen2-bias: biases on q, k, v; gpt2: fused Conv1D c_attn; bert-tiny loaded as a bare BertModel), which transformers loads with from_pretrained.

"peft": for each case, get_peft_model(base, config) with the real PEFT, then every adapter tensor is overwritten
with seeded random values (LoRA B nonzero, IA3 scales near 1: an untrained adapter would be the identity and
prove nothing), save_pretrained(safe_serialization=True) into peft/<case>/, and expected.json records PEFT's
output of the adapted model for fixed inputs (decoders: logits of all positions, virtual ones included; BERT:
last_hidden_state).

"lathe": for each lathe/<case>/ folder (written by Lathe's PeftInteropTest with -Dpeft.interop.write=true),
PeftModel.from_pretrained(base, folder) loads it, peft-output.json records PEFT's output for the same inputs,
and PEFT saves the loaded adapter again: its adapter_config.json goes into peft-resaved-config.json (what PEFT
0.21 writes for that configuration) and the script checks that the re-saved tensors equal Lathe's exactly and that PEFT warned of no missing or
unexpected keys while loading.
"""
import json
import os
import sys
import tempfile
import warnings

import torch
import transformers
import peft
from peft import (IA3Config, LoraConfig, PeftModel, PrefixTuningConfig, PromptTuningConfig, TaskType,
                  get_peft_model)
from safetensors.torch import load_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESOURCES = os.path.join(ROOT, "lathe-tune", "src", "test", "resources")
OUT = os.path.join(RESOURCES, "peft-interop")

# The inputs of lathe-tune's PeftRows (right padding in the second row).
DECODER_IDS = [[1, 5, 9, 13, 40, 22, 7], [1, 60, 2, 33, 17, 8, 30]]
DECODER_MASK = [[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 0]]
BERT_IDS = [[2, 17, 5, 33, 9, 3, 3], [2, 8, 39, 3, 0, 0, 0]]
BERT_MASK = [[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0, 0]]
BERT_TYPES = [[0, 0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 0, 0, 0]]

BASES = {"llama": "llama-gqa", "qwen2": "qwen2-bias", "gpt2": "gpt2", "bert": "bert-tiny"}


def cases():
    """(name, family, PEFT config) of every PEFT -> Lathe case."""
    causal, feat = TaskType.CAUSAL_LM, TaskType.FEATURE_EXTRACTION
    return [
        ("llama-lora-qv", "llama", LoraConfig(task_type=causal, r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"])),
        ("llama-lora-all-rslora", "llama", LoraConfig(task_type=causal, r=4, lora_alpha=6, lora_dropout=0.05,
                                                      target_modules="all-linear", use_rslora=True)),
        ("llama-lora-regex", "llama", LoraConfig(task_type=causal, r=2, lora_alpha=4,
                                                 target_modules=r".*\.layers\.1\.self_attn\.(q_proj|o_proj)")),
        ("llama-prompt", "llama", PromptTuningConfig(task_type=causal, num_virtual_tokens=3)),
        ("llama-prefix", "llama", PrefixTuningConfig(task_type=causal, num_virtual_tokens=3)),
        ("llama-ia3", "llama", IA3Config(task_type=causal, target_modules=["k_proj", "v_proj", "down_proj"],
                                         feedforward_modules=["down_proj"])),
        ("qwen2-lora", "qwen2", LoraConfig(task_type=causal, r=4, lora_alpha=8,
                                           target_modules=["q_proj", "k_proj", "v_proj"])),
        ("qwen2-ia3", "qwen2", IA3Config(task_type=causal, target_modules=["k_proj", "v_proj", "down_proj"],
                                         feedforward_modules=["down_proj"])),
        ("gpt2-lora", "gpt2", LoraConfig(task_type=causal, r=4, lora_alpha=8, fan_in_fan_out=True,
                                         target_modules=["c_attn", "c_proj", "c_fc"])),
        ("gpt2-prompt", "gpt2", PromptTuningConfig(task_type=causal, num_virtual_tokens=3)),
        ("gpt2-prefix", "gpt2", PrefixTuningConfig(task_type=causal, num_virtual_tokens=3)),
        ("gpt2-ia3", "gpt2", IA3Config(task_type=causal, target_modules=["c_attn", "mlp.c_proj"],
                                       feedforward_modules=["mlp.c_proj"], fan_in_fan_out=True)),
        ("bert-lora", "bert", LoraConfig(task_type=feat, r=4, lora_alpha=8, target_modules=["query", "value"])),
        ("bert-prompt", "bert", PromptTuningConfig(task_type=feat, num_virtual_tokens=3)),
        ("bert-prefix", "bert", PrefixTuningConfig(task_type=feat, num_virtual_tokens=3)),
        ("bert-ia3", "bert", IA3Config(task_type=feat)),  # PEFT's defaults for bert
        # Saved in bfloat16 (as from bf16 training); PEFT -> Lathe only.
        ("llama-lora-bf16", "llama", LoraConfig(task_type=causal, r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"])),
        ("llama-prompt-bf16", "llama", PromptTuningConfig(task_type=causal, num_virtual_tokens=3)),
    ]


def load_base(family):
    # A relative path, so base_model_name_or_path in the configs is the same on every machine.
    os.chdir(RESOURCES)
    path = "tiny-models/" + BASES[family]
    if family == "bert":
        model = transformers.BertModel.from_pretrained(path)
    else:
        model = transformers.AutoModelForCausalLM.from_pretrained(path)
    return model.eval()


def bert_types(config):
    """The token types the model sees: PEFT's FEATURE_EXTRACTION drops token_type_ids for prompt and prefix
    tuning (PeftModel._adjust_prompt_learning_kwargs warns "Token type ids are not supported ..."), so BERT
    uses type 0 everywhere; Lathe is given those same zeros."""
    if config.is_prompt_learning and config.task_type == TaskType.FEATURE_EXTRACTION:
        return [[0] * len(row) for row in BERT_TYPES]
    return BERT_TYPES


def output(model, family, config):
    with torch.no_grad():
        if family == "bert":
            out = model(input_ids=torch.tensor(BERT_IDS), attention_mask=torch.tensor(BERT_MASK),
                        token_type_ids=None if bert_types(config) != BERT_TYPES else torch.tensor(BERT_TYPES))
            return out.last_hidden_state
        out = model(input_ids=torch.tensor(DECODER_IDS), attention_mask=torch.tensor(DECODER_MASK))
        return out.logits


def tensor(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def inputs(family, config):
    if family == "bert":
        return {"ids": BERT_IDS, "mask": BERT_MASK, "types": bert_types(config)}
    return {"ids": DECODER_IDS, "mask": DECODER_MASK}


def write_json(path, doc):
    with open(path + ".tmp", "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    os.replace(path + ".tmp", path)


def versions():
    return {"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__}


def perturb(model, seed):
    """Seeded values for every adapter tensor: LoRA A/B, IA3 scales near 1, prompt/prefix embeddings."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if not p.requires_grad:
                continue
            noise = torch.randn(p.shape, generator=g)
            if "ia3_l" in name:
                p.copy_(1 + 0.3 * noise)
            elif "lora_" in name:
                p.copy_(0.3 * noise)
            else:
                p.copy_(noise)


def write_peft_cases():
    for i, (name, family, config) in enumerate(cases()):
        torch.manual_seed(1000 + i)
        base = load_base(family)
        base_out = output(base, family, LoraConfig())
        model = get_peft_model(base, config)
        perturb(model, 2000 + i)
        model.eval()
        bf16 = name.endswith("-bf16")
        trainable = [p for p in model.parameters() if p.requires_grad]
        if bf16:  # values a bfloat16 file holds exactly; the output is computed in float32 from them
            for p in trainable:
                p.data = p.data.to(torch.bfloat16).to(torch.float32)
        adapted = output(model, family, config)
        folder = os.path.join(OUT, "peft", name)
        os.makedirs(folder, exist_ok=True)
        if bf16:
            for p in trainable:
                p.data = p.data.to(torch.bfloat16)
        model.save_pretrained(folder, safe_serialization=True)
        for extra in ("README.md",):  # PEFT writes a model card; the fixture needs only the adapter
            if os.path.exists(os.path.join(folder, extra)):
                os.remove(os.path.join(folder, extra))
        write_json(os.path.join(folder, "expected.json"), {
            "source": "tools/reference/peft_interop.py peft", "versions": versions(), "family": family,
            "inputs": inputs(family, config), "output": tensor(adapted)})
        diff = (adapted[..., -base_out.shape[1]:, :] - base_out).abs().max().item()
        print(f"{name}: {list(adapted.shape)}, max |adapted - base| {diff:.3g}")


def write_config_sample():
    """The adapter_config.json PEFT 0.21 writes for the LoRA settings of the PEFT 0.19.1 sample in
    lathe-tune/src/test/resources/peft/qwen2.5-3b-lora (no model needed: PeftConfig.save_pretrained)."""
    config = LoraConfig(task_type=TaskType.CAUSAL_LM, r=16, lora_alpha=16, lora_dropout=0.05,
                        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
                        base_model_name_or_path="Qwen/Qwen2.5-3B-Instruct", inference_mode=True)
    folder = os.path.join(RESOURCES, "peft", "qwen2.5-3b-lora-peft0.21")
    os.makedirs(folder, exist_ok=True)
    config.save_pretrained(folder)
    print(f"wrote {folder}/adapter_config.json")
    # Prompt tuning initialised from text (the fields PEFT needs a tokenizer for at creation, not at loading),
    # with the tiny Llama's sizes as PEFT derives them.
    config = PromptTuningConfig(task_type=TaskType.CAUSAL_LM, num_virtual_tokens=8, token_dim=32, num_layers=2,
                                num_attention_heads=4, num_transformer_submodules=1, prompt_tuning_init="TEXT", prompt_tuning_init_text="Classify:",
                                tokenizer_name_or_path="tiny/tokenizer")
    folder = os.path.join(OUT, "configs", "llama-prompt-text-init")
    os.makedirs(folder, exist_ok=True)
    config.save_pretrained(folder)
    print(f"wrote {folder}/adapter_config.json")


def check_lathe_cases():
    root = os.path.join(OUT, "lathe")
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        if not os.path.isdir(folder):
            continue
        family = name.split("-")[0]
        torch.manual_seed(0)
        base = load_base(family)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = PeftModel.from_pretrained(base, folder).eval()
        for w in caught:  # PEFT reports tensors it did not find or did not use as warnings, not errors
            if "missing" in str(w.message).lower() or "unexpected" in str(w.message).lower():
                raise SystemExit(f"{name}: PEFT warned while loading Lathe's adapter: {w.message}")
        config = model.active_peft_config
        out = output(model, family, config)
        with tempfile.TemporaryDirectory() as tmp:
            model.save_pretrained(tmp, safe_serialization=True)
            with open(os.path.join(tmp, "adapter_config.json")) as f:
                resaved_config = json.load(f)
            resaved = load_file(os.path.join(tmp, "adapter_model.safetensors"))
        written = load_file(os.path.join(folder, "adapter_model.safetensors"))
        if sorted(resaved) != sorted(written) or any(not torch.equal(resaved[k], written[k]) for k in written):
            raise SystemExit(f"{name}: PEFT re-saves different tensors than Lathe wrote: {sorted(resaved)} vs "
                             f"{sorted(written)}")
        write_json(os.path.join(folder, "peft-output.json"), {
            "source": "tools/reference/peft_interop.py lathe", "versions": versions(), "family": family,
            "inputs": inputs(family, config), "output": tensor(out)})
        with open(os.path.join(folder, "peft-resaved-config.json"), "w") as f:
            json.dump(resaved_config, f, indent=2, sort_keys=True)
        print(f"{name}: PEFT loaded Lathe's adapter, output {list(out.shape)}")


def main():
    torch.set_num_threads(1)
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what == "peft":
        write_peft_cases()
        write_config_sample()
    elif what == "lathe":
        check_lathe_cases()
    else:
        raise SystemExit("usage: peft_interop.py peft|lathe")


if __name__ == "__main__":
    main()
