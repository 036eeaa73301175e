/**
 * GGUF (llama.cpp's model format): a validating memory-mapped reader ({@link dev.lathe.models.format.gguf.GgufFile}),
 * a writer ({@link dev.lathe.models.format.gguf.GgufWriter}), Q8_0/Q4_0 block quantization, and conversion to and
 * from Hugging Face form (config.json, tensor names, tokenizer.json) through one table per family
 * ({@link dev.lathe.models.format.gguf.GgufFamily}).
 */
package dev.lathe.models.format.gguf;
