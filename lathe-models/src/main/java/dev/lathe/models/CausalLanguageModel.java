package dev.lathe.models;

/**
 * A decoder-only language model ready for inference: prompt prefill and token-by-token decoding
 * over a per-sequence {@link KvCache}, one sequence or several advanced together (the server batches
 * with {@link #decodeBatch}). Runs without recording gradients.
 */
public interface CausalLanguageModel {
    /** Size of the output distribution. */
    int vocabSize();

    /** The most positions the model was trained for (config {@code max_position_embeddings}). */
    int contextLength();

    /** A new, empty cache able to hold {@code capacity} tokens (at most {@link #contextLength()}). */
    KvCache newCache(int capacity);

    /**
     * Feeds {@code tokens} at the cache's next positions (a batched prefill when there are several),
     * appends their keys and values to the cache, and returns the logits (V) that follow the last one.
     *
     * @throws ContextLengthExceededException when the cache cannot hold the tokens
     */
    float[] forward(int[] tokens, KvCache cache);

    /**
     * One decode step for several sequences at once: {@code tokens[i]} extends {@code caches[i]} and
     * its next-token logits (V) are written into {@code logits[i]}.
     *
     * @throws ContextLengthExceededException when a cache is full
     */
    void decodeBatch(int[] tokens, KvCache[] caches, float[][] logits);
}
