package dev.lathe.serve.structured;

import dev.lathe.models.CausalLanguageModel;
import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.models.KvCache;
import java.util.SplittableRandom;

/**
 * A tiny random language model for sampling tests: the next-token logits are seeded Gaussian noise
 * drawn from a hash of the whole sequence so far, plus a fixed per-token {@code bias} (tests favour
 * closing quotes and brackets so random output terminates quickly). A real cache holds the ids.
 */
public final class RandomLogitsModel implements CausalLanguageModel {
    private final int vocab;
    private final long seed;
    private final float[] bias;

    public RandomLogitsModel(int vocab, long seed, float[] bias) {
        this.vocab = vocab;
        this.seed = seed;
        this.bias = bias;
    }

    static final class Cache implements KvCache {
        private final long[] hashes;
        private int length;

        Cache(int capacity) {
            hashes = new long[capacity];
        }

        void append(int token) {
            if (length == hashes.length) {
                throw new ContextLengthExceededException(length + 1, hashes.length);
            }
            long previous = length == 0 ? 0x9E3779B97F4A7C15L : hashes[length - 1];
            hashes[length++] = previous * 0x100000001B3L + token + 1;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public int capacity() {
            return hashes.length;
        }

        @Override
        public void truncate(int newLength) {
            length = newLength;
        }
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int contextLength() {
        return 1 << 16;
    }

    @Override
    public KvCache newCache(int capacity) {
        return new Cache(capacity);
    }

    @Override
    public float[] forward(int[] tokens, KvCache cache) {
        Cache c = (Cache) cache;
        for (int t : tokens) {
            c.append(t);
        }
        float[] out = new float[vocab];
        logits(c, out);
        return out;
    }

    @Override
    public void decodeBatch(int[] tokens, KvCache[] caches, float[][] logits) {
        for (int i = 0; i < tokens.length; i++) {
            Cache c = (Cache) caches[i];
            c.append(tokens[i]);
            logits(c, logits[i]);
        }
    }

    private void logits(Cache c, float[] out) {
        SplittableRandom r = new SplittableRandom(seed ^ c.hashes[c.length - 1]);
        for (int v = 0; v < vocab; v++) {
            out[v] = (float) (r.nextGaussian() * 1.5) + bias[v];
        }
    }
}
