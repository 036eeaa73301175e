package dev.lathe.tune.train;

import dev.lathe.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * A padded micro-batch: ids (B*T, row-major) padded to the longest example with {@code padId}, the
 * attention mask (B, T) with 0 on padding, and the shifted targets (B*T) the logits are scored against
 * ({@code labels[t + 1]}, -100 on the last position and on padding).
 */
record Batch(int[] ids, float[] mask, int[] targets, int batch, int time, int targetTokens, int inputTokens) {

    static Batch collate(List<TokenizedExample> examples, int padId) {
        int b = examples.size();
        int t = 0;
        for (TokenizedExample e : examples) {
            t = Math.max(t, e.length());
        }
        int[] ids = new int[b * t];
        float[] mask = new float[b * t];
        int[] targets = new int[b * t];
        Arrays.fill(ids, padId);
        Arrays.fill(targets, TokenizedExample.IGNORE);
        int count = 0;
        int inputs = 0;
        for (int i = 0; i < b; i++) {
            int[] in = examples.get(i).inputIds();
            int[] labels = examples.get(i).labels();
            System.arraycopy(in, 0, ids, i * t, in.length);
            Arrays.fill(mask, i * t, i * t + in.length, 1f);
            inputs += in.length;
            for (int p = 0; p + 1 < in.length; p++) {
                targets[i * t + p] = labels[p + 1];
                if (labels[p + 1] != TokenizedExample.IGNORE) {
                    count++;
                }
            }
        }
        return new Batch(ids, mask, targets, b, t, count, inputs);
    }

    /** The mask as a (B, T) tensor, or null when nothing is padded (all rows full length). */
    Tensor maskTensor() {
        for (float m : mask) {
            if (m == 0f) {
                return Tensor.of(mask.clone(), batch, time);
            }
        }
        return null;
    }
}
