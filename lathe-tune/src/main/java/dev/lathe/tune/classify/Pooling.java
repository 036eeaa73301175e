package dev.lathe.tune.classify;

import dev.lathe.engine.op.Arithmetic;
import dev.lathe.engine.op.Reductions;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.bert.BertModel;

/**
 * How a sequence's hidden states {@code (B, T, C)} become one vector {@code (B, C)}: the mean over
 * non-padding tokens (sentence-transformers, for encoders) or the last non-padding token (transformers'
 * {@code *ForSequenceClassification} for decoders, whose last token is the only one that has seen the
 * whole text). Both are a weighted sum over T with fixed weights from the mask, so they are differentiable
 * ops and their backward is the engine's.
 */
public enum Pooling {
    /** Mean over the positions whose mask is 1. */
    MEAN,
    /** The hidden state at the last position whose mask is 1. */
    LAST_TOKEN;

    /** {@code hidden (B, T, C)} pooled to {@code (B, C)}; {@code mask} is (B*T) row-major, 1 = token, 0 = padding. */
    public Tensor pool(Tensor hidden, int[] mask) {
        int b = hidden.dim(0);
        int t = hidden.dim(1);
        if (mask.length != b * t) {
            throw new IllegalArgumentException("mask has " + mask.length + " entries, expected B*T = " + b * t);
        }
        return switch (this) {
            case MEAN -> BertModel.meanPool(hidden, rows(mask, b, t));
            case LAST_TOKEN -> lastToken(hidden, mask, b, t);
        };
    }

    private static Tensor lastToken(Tensor hidden, int[] mask, int b, int t) {
        float[] oneHot = new float[b * t]; // (B, T): 1 at each row's last token
        for (int i = 0; i < b; i++) {
            int last = -1;
            for (int j = 0; j < t; j++) {
                if (mask[i * t + j] != 0) {
                    last = j;
                }
            }
            if (last < 0) {
                throw new IllegalArgumentException("row " + i + " of the batch is all padding; it has no last token");
            }
            oneHot[i * t + last] = 1f;
        }
        return Reductions.sum(Arithmetic.mul(hidden, Tensor.of(oneHot, b, t, 1)), 1, false); // (B, C)
    }

    static int[][] rows(int[] flat, int b, int t) {
        int[][] out = new int[b][t];
        for (int i = 0; i < b; i++) {
            System.arraycopy(flat, i * t, out[i], 0, t);
        }
        return out;
    }
}
