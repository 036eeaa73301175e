package dev.lathe.eval.perplexity;

import dev.lathe.models.family.DecoderModel;

/**
 * What perplexity needs from a model: the negative log-likelihood of tokens given the ones before
 * them within one window. {@link #of(DecoderModel)} adapts Lathe's decoders; another model (or a fake
 * in tests) can implement it directly.
 */
public interface TokenScorer {
    /** The most tokens one window may hold. */
    int contextLength();

    /** Size of the model's output distribution: valid ids are {@code 0..vocabSize()-1}. */
    int vocabSize();

    /**
     * For a window of ids (T, at most {@link #contextLength()}) at positions 0..T-1, the negative natural
     * log-probability of {@code ids[j]} given {@code ids[0..j-1]}, for each {@code j} in {@code [from, T)}
     * ({@code from >= 1}): element {@code j - from} of the result.
     */
    double[] nll(int[] ids, int from);

    /** A scorer over a decoder's full-sequence logits (computed without recording gradients). */
    static TokenScorer of(DecoderModel model) {
        return new DecoderScorer(model);
    }
}
