/**
 * LoRA as Hugging Face PEFT defines it: {@link dev.lathe.tune.peft.lora.LoraConfig} (PEFT's fields and
 * {@code adapter_config.json}), {@link dev.lathe.tune.peft.lora.LoraLinear} (one wrapped module:
 * {@code base(x) + dropout(x) A^T B^T * scaling}, merge and unmerge), {@link dev.lathe.tune.peft.lora.LoraModel}
 * (adapters on a decoder through its {@link dev.lathe.models.family.LinearHook}) and
 * {@link dev.lathe.tune.peft.lora.LoraAdapters} (PEFT's adapter folder, saved and loaded).
 */
package dev.lathe.tune.peft.lora;
