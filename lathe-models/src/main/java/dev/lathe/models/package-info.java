/**
 * Language models on the Lathe engine: weight formats (safetensors, GGUF, llama2.c, ONNX import),
 * model families (Llama/Mistral/Qwen2/SmolLM/TinyLlama, GPT-2, BERT), tokenizers and chat templates,
 * the KV cache, sampling and generation, and the Hugging Face hub cache.
 *
 * <p>Tensor names are exactly as Hugging Face spells them, one mapping per family; family
 * differences are configuration, not copied code.
 */
package dev.lathe.models;
