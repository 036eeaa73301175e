/** Llama, Mistral and Qwen2 (LlamaForCausalLM-style) weight mapping onto the shared decoder. */
package dev.lathe.models.family.llama;
