/**
 * Hugging Face tokenizers: {@link dev.lathe.models.tokenizer.Tokenizer} runs a {@code tokenizer.json}
 * with HF's own Rust library (exact ids and text), {@link dev.lathe.models.tokenizer.TokenizerConfig}
 * reads what {@code tokenizer_config.json} adds, and {@link dev.lathe.models.tokenizer.StreamingDecoder}
 * turns generated ids into text as it becomes final.
 */
package dev.lathe.models.tokenizer;
