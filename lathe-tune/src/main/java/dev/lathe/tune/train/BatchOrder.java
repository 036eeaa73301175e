package dev.lathe.tune.train;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * The batches of one epoch, as training-example indices: a seeded Fisher-Yates shuffle cut into batches,
 * or, with length bucketing, Hugging Face's {@code LengthGroupedSampler} idea: the shuffle cut into
 * mega-batches of {@value #MEGA_BATCHES} batches, each sorted by length (longest first) and cut into
 * batches of similar lengths, whose order is then shuffled. Either way the result is a function of the
 * seed and the epoch number only, so a resumed run finds the same batches.
 */
final class BatchOrder {
    /** Batches per mega-batch (Hugging Face's {@code mega_batch_mult} default). */
    static final int MEGA_BATCHES = 50;

    private BatchOrder() {}

    /**
     * @param lengths token count of example i, or null for no bucketing
     * @return ceil(size / batchSize) batches; only the last may be short (without bucketing), or the last
     *         of the last mega-batch (with it, wherever that batch lands after the shuffle)
     */
    static int[][] epoch(long seed, int epoch, int size, int batchSize, IntUnaryOperator lengths) {
        int[] perm = shuffled(new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1L))), size);
        if (lengths != null) {
            int mega = batchSize * MEGA_BATCHES;
            for (int from = 0; from < size; from += mega) {
                int to = Math.min(size, from + mega);
                Integer[] part = new Integer[to - from];
                for (int i = from; i < to; i++) {
                    part[i - from] = perm[i];
                }
                // Stable: equal lengths keep their shuffled order.
                Arrays.sort(part, (a, b) -> Integer.compare(lengths.applyAsInt(b), lengths.applyAsInt(a)));
                for (int i = from; i < to; i++) {
                    perm[i] = part[i - from];
                }
            }
        }
        int[][] batches = new int[(size + batchSize - 1) / batchSize][];
        for (int k = 0; k < batches.length; k++) {
            batches[k] = Arrays.copyOfRange(perm, k * batchSize, Math.min(size, (k + 1) * batchSize));
        }
        if (lengths != null) {
            // Otherwise every epoch would start with its longest batch; the order of batches is seeded too.
            int[] batchOrder = shuffled(new SplittableRandom(seed ^ (0xC2B2AE3D27D4EB4FL * (epoch + 1L))),
                    batches.length);
            int[][] shuffledBatches = new int[batches.length][];
            for (int k = 0; k < batches.length; k++) {
                shuffledBatches[k] = batches[batchOrder[k]];
            }
            batches = shuffledBatches;
        }
        return batches;
    }

    private static int[] shuffled(SplittableRandom rng, int size) {
        int[] p = new int[size];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        for (int i = p.length - 1; i > 0; i--) { // Fisher-Yates
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
