package dev.lathe.eval.perplexity;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.tensor.TensorArena;
import dev.lathe.models.family.DecoderModel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Scores a window with one forward pass of {@link DecoderModel#logits}: every position's logits at
 * once (the inference path over a KV cache only returns the last position's). It runs under
 * {@link Autograd#noGrad} in a {@link TensorArena} closed after the window, so activations are freed at
 * once. Log-softmax is taken in double over the F32 logits: the NLL of a token is
 * {@code logsumexp(row) - row[target]}, with the row's maximum subtracted before exponentiating.
 */
final class DecoderScorer implements TokenScorer {
    private final DecoderModel model;

    DecoderScorer(DecoderModel model) {
        this.model = model;
    }

    @Override
    public int contextLength() {
        return model.contextLength();
    }

    @Override
    public int vocabSize() {
        return model.vocabSize();
    }

    @Override
    public double[] nll(int[] ids, int from) {
        int t = ids.length;
        if (from < 1 || from > t) {
            throw new IllegalArgumentException("from must be in 1.." + t + " for a window of " + t + " ids, got " + from);
        }
        try (TensorArena arena = TensorArena.open()) {
            return arena.call(() -> Autograd.noGrad(() -> {
                Tensor logits = model.logits(new int[][] {ids}); // (1, T, V)
                if (!logits.isContiguous()) {
                    logits = logits.copyContiguous();
                }
                return rowNll(logits.data(), model.vocabSize(), ids, from);
            }));
        }
    }

    /** NLL of ids[j] under the distribution of logits row j-1, for j in [from, T). */
    static double[] rowNll(MemorySegment logits, int v, int[] ids, int from) {
        double[] out = new double[ids.length - from];
        for (int j = from; j < ids.length; j++) {
            long base = (long) (j - 1) * v;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < v; k++) {
                max = Math.max(max, logits.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, base + k));
            }
            double sum = 0;
            for (int k = 0; k < v; k++) {
                sum += Math.exp(logits.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, base + k) - max);
            }
            double target = logits.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, base + ids[j]);
            out[j - from] = max + Math.log(sum) - target;
        }
        return out;
    }
}
