/**
 * Import of Andrej Karpathy's llama2.c checkpoints (legacy version-0 {@code .bin} and {@code tokenizer.bin})
 * as Hugging Face Llama folders.
 */
package dev.lathe.models.format.llama2c;
