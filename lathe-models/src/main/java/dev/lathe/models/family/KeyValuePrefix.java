package dev.lathe.models.family;

import dev.lathe.engine.tensor.Tensor;

/**
 * An optional capability of a {@link LinearHook}: per-layer keys and values of P virtual positions that
 * every attention layer places before its own (prefix tuning, Li and Liang 2021,
 * https://arxiv.org/abs/2101.00190, as Hugging Face PEFT passes them in {@code past_key_values}). Every
 * query attends to all P prefix positions and, as usual, to the real tokens (causally in a decoder). As
 * with a cache of P earlier positions in transformers, the real tokens take positions P, P+1, ... (RoPE
 * angles or learned position embeddings), the prefix keys are used as given (not rotated again) and the
 * attention mask is extended with ones for them. Hidden states and logits cover the real tokens only.
 */
public interface KeyValuePrefix {
    /** P, the number of prefix positions (>= 1). */
    int prefixLength();

    /** The prefix keys of block {@code layer}: (KVH, P, D), F32. */
    Tensor keyPrefix(int layer);

    /** The prefix values of block {@code layer}: (KVH, P, D), F32. */
    Tensor valuePrefix(int layer);
}
