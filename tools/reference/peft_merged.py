"""Merged checkpoints against the REAL Hugging Face PEFT and transformers (MergedCheckpointsTest).

Needs the same venv as peft_interop.py (torch 2.13.0+cpu, transformers 5.17.0, peft 0.21.0, safetensors; see its
docstring for how to create it). Fixtures go to lathe-tune/src/test/resources/peft-interop/merged/<case>/.

    V/bin/python tools/reference/peft_merged.py peft    # PEFT's merge_and_unload of the PEFT-written adapters
    V/bin/python tools/reference/peft_merged.py lathe   # transformers loads the merged folders Lathe wrote

"peft": for each case, PeftModel.from_pretrained(base, peft-interop/peft/<case>) loads the adapter PEFT wrote
(peft_interop.py peft), merge_and_unload() folds it into the base, save_pretrained(safe_serialization=True) writes
the merged model, and the model loaded back from that folder with from_pretrained gives the output recorded in
peft-merged.json (same inputs as peft_interop.py), with the sum and largest magnitude of every merged tensor that
differs from the base's (under PEFT's names).

"lathe": for each folder lathe-tune/target/peft-interop-merged/<case>/ (written by MergedCheckpointsTest with
-Dpeft.interop.write=true: Lathe loads the same PEFT adapter, merges it and saves the merged model), transformers
loads it with from_pretrained (AutoModelForCausalLM; BertModel for BERT), must report no missing or unexpected
tensors, and its output goes into transformers-on-lathe.json with the SHA-256 of Lathe's model.safetensors, so
the test can require that Lathe still writes exactly the file transformers was shown.
"""
import hashlib
import json
import os
import sys
import tempfile

import torch
import transformers
from peft import LoraConfig, PeftModel
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peft_interop as pi  # noqa: E402

CASES = ["llama-lora-qv", "llama-lora-all-rslora", "qwen2-lora", "gpt2-lora", "bert-lora",
         "llama-ia3", "qwen2-ia3", "gpt2-ia3", "bert-ia3"]
MERGED = os.path.join(pi.OUT, "merged")
LATHE_WRITTEN = os.path.join(pi.ROOT, "lathe-tune", "target", "peft-interop-merged")
PLAIN = LoraConfig()  # not prompt learning: BERT keeps its token types


def load_folder(family, folder):
    cls = transformers.BertModel if family == "bert" else transformers.AutoModelForCausalLM
    model, info = cls.from_pretrained(folder, output_loading_info=True)
    bad = {k: v for k, v in info.items() if k in ("missing_keys", "unexpected_keys", "mismatched_keys") and v}
    if bad:
        raise SystemExit(f"{folder}: transformers reported {bad}")
    return model.eval()


def peft_merged():
    for name in CASES:
        family = name.split("-")[0]
        torch.manual_seed(0)
        base_state = {k: v.clone() for k, v in pi.load_base(family).state_dict().items()}
        model = PeftModel.from_pretrained(pi.load_base(family), os.path.join(pi.OUT, "peft", name)).eval()
        adapted = pi.output(model, family, PLAIN)
        merged = model.merge_and_unload()
        with tempfile.TemporaryDirectory() as tmp:
            merged.save_pretrained(tmp, safe_serialization=True)
            saved = load_file(os.path.join(tmp, "model.safetensors"))
            if any("lora_" in k or "ia3_" in k for k in saved):
                raise SystemExit(f"{name}: PEFT's merged checkpoint still has adapter tensors")
            out = pi.output(load_folder(family, tmp), family, PLAIN)
        changed = {}
        for k, v in sorted(saved.items()):
            b = base_state.get(k)
            if b is None or not torch.equal(b, v):
                changed[k] = {"shape": list(v.shape), "sum": float(v.double().sum()),
                              "max_abs": float(v.abs().max())}
        folder = os.path.join(MERGED, name)
        os.makedirs(folder, exist_ok=True)
        pi.write_json(os.path.join(folder, "peft-merged.json"), {
            "source": "tools/reference/peft_merged.py peft", "versions": pi.versions(), "family": family,
            "inputs": pi.inputs(family, PLAIN), "output": pi.tensor(out), "merged_tensors": changed})
        print(f"{name}: {len(changed)} merged tensors, max |merged - adapted| "
              f"{(out - adapted).abs().max().item():.3g}")


def lathe_merged():
    for name in CASES:
        family = name.split("-")[0]
        folder = os.path.join(LATHE_WRITTEN, name)
        torch.manual_seed(0)
        saved = load_file(os.path.join(folder, "model.safetensors"))
        if any("lora_" in k or "ia3_" in k for k in saved):
            raise SystemExit(f"{name}: Lathe's merged checkpoint has adapter tensors")
        os.chdir(pi.RESOURCES)
        out = pi.output(load_folder(family, folder), family, PLAIN)
        with open(os.path.join(folder, "model.safetensors"), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        pi.write_json(os.path.join(MERGED, name, "transformers-on-lathe.json"), {
            "source": "tools/reference/peft_merged.py lathe", "versions": pi.versions(), "family": family,
            "model_safetensors_sha256": digest, "inputs": pi.inputs(family, PLAIN), "output": pi.tensor(out)})
        with open(os.path.join(MERGED, name, "peft-merged.json")) as f:
            peft_out = torch.tensor(json.load(f)["output"]["data"]).reshape(out.shape)
        print(f"{name}: transformers loaded Lathe's merged folder, output {list(out.shape)}, max |transformers on "
              f"Lathe's - PEFT's merged| {(out - peft_out).abs().max().item():.3g}")


def main():
    torch.set_num_threads(1)
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what == "peft":
        peft_merged()
    elif what == "lathe":
        lathe_merged()
    else:
        raise SystemExit("usage: peft_merged.py peft|lathe")


if __name__ == "__main__":
    main()
