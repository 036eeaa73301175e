package dev.lathe.models.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Picks the tokens of one sequence: applies its logit processors in the HF/vLLM order (bias, repetition
 * penalty, frequency/presence penalties, temperature, top-k, top-p, min-p) and draws from what is left
 * with the request's own seeded {@link SplittableRandom}. Holds the per-sequence state the penalties
 * need (which ids were seen, how often each was generated); the V-sized work arrays come from a shared
 * {@link SamplingScratch}.
 */
final class Sampler {
    private final SamplingParams params;
    private final int vocab;
    private final SplittableRandom rng;
    private final int[] biasIds;
    private final float[] biasValues;
    // Repetition penalty: distinct ids of prompt + output (null when the penalty is off).
    private final boolean[] seen; // (V)
    private final int[] seenList;
    private int seenCount;
    // Frequency/presence penalties: counts of generated ids (null when both are off).
    private final int[] counts; // (V)
    private final int[] generatedList;
    private int generatedCount;

    /**
     * @param prompt the prompt ids, which the repetition penalty counts as seen
     * @param maxTokens how many tokens this sequence may generate
     */
    Sampler(SamplingParams params, int vocab, int[] prompt, int maxTokens) {
        this.params = params;
        this.vocab = vocab;
        this.rng = params.seed() != null ? new SplittableRandom(params.seed()) : new SplittableRandom();
        this.biasIds = new int[params.logitBias().size()];
        this.biasValues = new float[biasIds.length];
        int i = 0;
        for (Map.Entry<Integer, Float> e : params.logitBias().entrySet()) {
            if (e.getKey() >= vocab) {
                throw new IllegalArgumentException("logitBias names token id " + e.getKey()
                        + " outside the vocabulary [0, " + vocab + ")");
            }
            biasIds[i] = e.getKey();
            biasValues[i++] = e.getValue();
        }
        if (params.repetitionPenalty() != 1f) {
            seen = new boolean[vocab];
            seenList = new int[Math.min(vocab, prompt.length + maxTokens)];
            for (int t : prompt) {
                markSeen(t);
            }
        } else {
            seen = null;
            seenList = null;
        }
        if (params.frequencyPenalty() != 0f || params.presencePenalty() != 0f) {
            counts = new int[vocab];
            generatedList = new int[Math.min(vocab, maxTokens)];
        } else {
            counts = null;
            generatedList = null;
        }
    }

    /**
     * Processes {@code logits} (V) in place (bias and penalties; temperature and truncation go to the
     * scratch weights), picks the next token and records it for the penalties. On return {@code logits}
     * holds the processed values that {@link #logprobs} reports on.
     */
    int sample(float[] logits, SamplingScratch scratch) {
        applyPenalties(logits);
        int token;
        if (params.temperature() == 0f) {
            token = LogitProcessors.argmax(logits, vocab);
        } else {
            int n = candidates(logits, scratch);
            double total = LogitProcessors.total(scratch.weights, scratch.idx, n);
            token = LogitProcessors.draw(scratch.weights, scratch.idx, n, total, rng.nextDouble());
        }
        record(token);
        return token;
    }

    /**
     * The sampled token's logprob and the top alternatives under the log-softmax of the processed
     * {@code logits} (after bias and penalties, before temperature and truncation).
     */
    TokenLogprobs logprobs(float[] logits, int token, SamplingScratch scratch) {
        double lse = LogitProcessors.logSumExp(logits, vocab);
        int k = Math.min(params.topLogprobs(), vocab);
        List<Logprob> top = new ArrayList<>(k);
        if (k > 0) {
            LogitProcessors.topN(logits, vocab, k, scratch.topIds, scratch.topValues);
            for (int i = 0; i < k; i++) {
                if (scratch.topValues[i] == Float.NEGATIVE_INFINITY) {
                    break; // masked by a TokenConstraint: impossible, not an alternative (and not JSON-writable)
                }
                top.add(new Logprob(scratch.topIds[i], (float) (scratch.topValues[i] - lse)));
            }
        }
        return new TokenLogprobs(token, (float) (logits[token] - lse), top);
    }

    /**
     * The distribution {@link #sample} would draw from for these logits, as probabilities (V) with zeros
     * for filtered tokens (one-hot for greedy). Leaves {@code logits} and the sequence state untouched;
     * for tests and diagnostics.
     */
    float[] distribution(float[] logits, SamplingScratch scratch) {
        float[] x = logits.clone();
        applyPenalties(x);
        float[] p = new float[vocab];
        if (params.temperature() == 0f) {
            p[LogitProcessors.argmax(x, vocab)] = 1f;
            return p;
        }
        int n = candidates(x, scratch);
        double total = LogitProcessors.total(scratch.weights, scratch.idx, n);
        for (int i = 0; i < n; i++) {
            int t = scratch.idx[i];
            p[t] = (float) (scratch.weights[t] / total);
        }
        return p;
    }

    private void applyPenalties(float[] logits) {
        LogitProcessors.applyBias(logits, biasIds, biasValues);
        if (seen != null) {
            LogitProcessors.applyRepetitionPenalty(logits, seenList, seenCount, params.repetitionPenalty());
        }
        if (counts != null) {
            LogitProcessors.applyFrequencyPresence(logits, counts, generatedList, generatedCount,
                    params.frequencyPenalty(), params.presencePenalty());
        }
    }

    /** Temperature, top-k, top-p and min-p: leaves the candidates in scratch.idx[0..n) with their weights. */
    private int candidates(float[] logits, SamplingScratch scratch) {
        int[] idx = scratch.idx;
        float[] w = scratch.weights;
        int n = vocab;
        int k = params.topK();
        if (k > 0 && k < n) {
            // Ranking by logit equals ranking by probability at any positive temperature.
            LogitProcessors.topK(logits, idx, n, k);
            n = k;
        } else {
            for (int t = 0; t < n; t++) {
                idx[t] = t;
            }
        }
        double total = LogitProcessors.softmaxWeights(logits, params.temperature(), idx, n, w);
        if (params.topP() < 1f) {
            n = LogitProcessors.selectNucleus(w, idx, n, total, params.topP());
        }
        if (params.minP() > 0f) {
            n = LogitProcessors.filterMinP(w, idx, n, params.minP());
        }
        return n;
    }

    private void record(int token) {
        if (seen != null) {
            markSeen(token);
        }
        if (counts != null) {
            if (counts[token]++ == 0) {
                generatedList[generatedCount++] = token;
            }
        }
    }

    private void markSeen(int token) {
        if (!seen[token]) {
            seen[token] = true;
            seenList[seenCount++] = token;
        }
    }
}
