package dev.lathe.models.generate;

/**
 * The logit processors of one sampling step as plain static functions over caller-owned arrays, so a
 * step allocates nothing. {@link Sampler} applies them in the HF/vLLM order: bias, repetition penalty,
 * frequency/presence, then (temperature folded into the softmax weights) top-k, top-p, min-p.
 *
 * <p>Candidate sets are index arrays {@code idx[0..n)} of token ids that the truncations reorder in
 * place. Ranking is a total order, higher value first and the lower id on ties, so results never
 * depend on the selection algorithm. Top-k keeps a k-heap in one sequential pass (quickselect for
 * large k); top-p drops a provably excluded tail in one pass, then partitions quickselect-style
 * (expected O(V)), sorting only the last small block of the nucleus, never the whole vocabulary.
 */
final class LogitProcessors {
    /** Below this many candidates, the nucleus search sorts instead of partitioning. */
    private static final int SMALL = 16;
    /** Up to this k, top-k keeps a heap in one pass instead of quickselect. */
    private static final int HEAP_K = 1024;

    private LogitProcessors() {}

    /** Adds {@code bias[i]} to the logit of token {@code ids[i]}. */
    static void applyBias(float[] logits, int[] ids, float[] bias) {
        for (int i = 0; i < ids.length; i++) {
            logits[ids[i]] += bias[i];
        }
    }

    /**
     * HF/CTRL repetition penalty over the distinct ids {@code seen[0..count)}: positive logits are
     * divided by {@code penalty}, negative ones multiplied, so a penalty above 1 always lowers them.
     */
    static void applyRepetitionPenalty(float[] logits, int[] seen, int count, float penalty) {
        for (int i = 0; i < count; i++) {
            int t = seen[i];
            float x = logits[t];
            logits[t] = x > 0 ? x / penalty : x * penalty;
        }
    }

    /**
     * OpenAI penalties over the distinct generated ids {@code distinct[0..n)}, whose occurrence counts
     * are {@code counts[id]}: {@code logit -= frequency * count + presence}.
     */
    static void applyFrequencyPresence(float[] logits, int[] counts, int[] distinct, int n, float frequency,
            float presence) {
        for (int i = 0; i < n; i++) {
            int t = distinct[i];
            logits[t] -= frequency * counts[t] + presence;
        }
    }

    /** The id of the largest logit, the lowest such id on ties. */
    static int argmax(float[] logits, int v) {
        int best = 0;
        for (int i = 1; i < v; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** True when token a ranks before token b: a larger key, or an equal key and a lower id. */
    static boolean before(float[] key, int a, int b) {
        float ka = key[a];
        float kb = key[b];
        return ka > kb || (ka == kb && a < b);
    }

    /**
     * Top-k over the whole vocabulary {@code 0..n)}: writes the k top-ranked ids into {@code idx[0..k)}, in
     * no set order. Small k takes one sequential pass with a k-heap (most tokens cost one compare);
     * large k a quickselect.
     */
    static void topK(float[] key, int[] idx, int n, int k) {
        if (k <= HEAP_K) {
            selectTopHeap(key, idx, n, k);
        } else {
            for (int t = 0; t < n; t++) {
                idx[t] = t;
            }
            selectTop(key, idx, n, k);
        }
    }

    /** Writes the k top-ranked ids of {@code 0..n)} into {@code idx[0..k)} with a heap, worst at the root. */
    static void selectTopHeap(float[] key, int[] idx, int n, int k) {
        for (int t = 0; t < k; t++) {
            idx[t] = t;
        }
        for (int i = k / 2 - 1; i >= 0; i--) {
            siftDown(key, idx, k, i);
        }
        float worst = key[idx[0]];
        for (int t = k; t < n; t++) {
            // t's id is above every kept id, so it ranks before the root only with a larger key.
            if (key[t] > worst) {
                idx[0] = t;
                siftDown(key, idx, k, 0);
                worst = key[idx[0]];
            }
        }
    }

    /** Restores the heap (worst-ranked at the root) below position i. */
    private static void siftDown(float[] key, int[] heap, int size, int i) {
        int t = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(key, heap[child], heap[child + 1])) {
                child++; // the worse of the two children
            }
            if (!before(key, t, heap[child])) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = t;
    }

    /** Reorders {@code idx[0..n)} so that {@code idx[0..k)} holds the k top-ranked ids, in no set order. */
    static void selectTop(float[] key, int[] idx, int n, int k) {
        int lo = 0;
        int hi = n;
        // Invariant: idx[0..lo) are in the top k, idx[hi..n) are not, lo <= k <= hi.
        while (lo < k && k < hi) {
            int q = partition(key, idx, lo, hi);
            if (q < k) {
                lo = q + 1;
            } else {
                hi = q;
            }
        }
    }

    /**
     * Top-p: reorders {@code idx[0..n)} and returns m such that {@code idx[0..m)} is the nucleus, the
     * smallest top-ranked set whose weights sum to at least {@code p * total}. Weights are summed in blocks,
     * top block first; returns all remaining candidates when rounding leaves the target unmet.
     *
     * <p>First a sequential pass drops every weight below {@code (1 - p) * total / n}: together those
     * weigh less than {@code (1 - p) * total}, so they all lie in the tail the nucleus leaves out, and the
     * partitioning then runs on the (usually far fewer) survivors.
     */
    static int selectNucleus(float[] weights, int[] idx, int n, double total, double p) {
        double target = p * total;
        float floor = (float) ((total - target) / n);
        int hi = 0;
        for (int i = 0; i < n; i++) {
            int t = idx[i];
            if (weights[t] >= floor) {
                idx[hi++] = t;
            }
        }
        int lo = 0;
        double acc = 0; // weight of idx[0..lo), all in the nucleus; acc < target
        while (hi - lo > SMALL) {
            int q = partition(weights, idx, lo, hi);
            double upper = 0;
            for (int i = lo; i < q; i++) {
                upper += weights[idx[i]];
            }
            if (acc + upper >= target) {
                hi = q; // the nucleus ends inside idx[lo..q)
            } else {
                acc += upper + weights[idx[q]];
                if (acc >= target) {
                    return q + 1;
                }
                lo = q + 1;
            }
        }
        sortRanked(weights, idx, lo, hi);
        for (int i = lo; i < hi; i++) {
            acc += weights[idx[i]];
            if (acc >= target) {
                return i + 1;
            }
        }
        return hi;
    }

    /**
     * Min-p: keeps, in order, the candidates whose weight is at least {@code minP} times the largest
     * candidate weight, and returns how many remain (at least one).
     */
    static int filterMinP(float[] weights, int[] idx, int n, float minP) {
        float max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, weights[idx[i]]);
        }
        float threshold = minP * max;
        int m = 0;
        for (int i = 0; i < n; i++) {
            int t = idx[i];
            if (weights[t] >= threshold) {
                idx[m++] = t;
            }
        }
        return m;
    }

    /**
     * Softmax weights with temperature: {@code weights[t] = exp((logits[t] - max) / temperature)} for the
     * candidates, max taken over them; returns their sum. Unnormalised so min-p and the draw need no
     * second pass.
     */
    static double softmaxWeights(float[] logits, float temperature, int[] idx, int n, float[] weights) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[idx[i]]);
        }
        double inv = 1.0 / temperature;
        double total = 0;
        for (int i = 0; i < n; i++) {
            int t = idx[i];
            float w = (float) Math.exp((logits[t] - max) * inv);
            weights[t] = w;
            total += w;
        }
        return total;
    }

    /** Sum of the candidates' weights. */
    static double total(float[] weights, int[] idx, int n) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += weights[idx[i]];
        }
        return total;
    }

    /** Draws a candidate with probability weight/total; {@code u} is uniform in [0, 1). */
    static int draw(float[] weights, int[] idx, int n, double total, double u) {
        double r = u * total;
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += weights[idx[i]];
            if (r < acc) {
                return idx[i];
            }
        }
        // Rounding left r at the very top: the last candidate with a positive weight.
        for (int i = n - 1; i > 0; i--) {
            if (weights[idx[i]] > 0) {
                return idx[i];
            }
        }
        return idx[0];
    }

    /**
     * Writes the {@code k} top-ranked logits into {@code topIds}/{@code topValues}, best first, by
     * bounded insertion (k is small: at most {@link SamplingParams#MAX_TOP_LOGPROBS}).
     */
    static void topN(float[] logits, int v, int k, int[] topIds, float[] topValues) {
        int size = 0;
        for (int t = 0; t < v; t++) {
            float x = logits[t];
            // Ids arrive ascending, so an equal value ranks after those already kept.
            if (size == k && !(x > topValues[k - 1])) {
                continue;
            }
            int pos = size == k ? k - 1 : size++;
            while (pos > 0 && x > topValues[pos - 1]) {
                topValues[pos] = topValues[pos - 1];
                topIds[pos] = topIds[pos - 1];
                pos--;
            }
            topValues[pos] = x;
            topIds[pos] = t;
        }
    }

    /** log(sum(exp(logits))) over the whole vocabulary, in double. */
    static double logSumExp(float[] logits, int v) {
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < v; t++) {
            max = Math.max(max, logits[t]);
        }
        double sum = 0;
        for (int t = 0; t < v; t++) {
            sum += Math.exp(logits[t] - max);
        }
        return max + Math.log(sum);
    }

    /** Lomuto partition of idx[lo..hi) around a median-of-three pivot; returns the pivot's final index. */
    private static int partition(float[] key, int[] idx, int lo, int hi) {
        int last = hi - 1;
        int mid = (lo + hi) >>> 1;
        int a = idx[lo];
        int b = idx[mid];
        int c = idx[last];
        int m;
        if (before(key, a, b)) {
            m = before(key, b, c) ? mid : before(key, a, c) ? last : lo;
        } else {
            m = before(key, a, c) ? lo : before(key, b, c) ? last : mid;
        }
        swap(idx, m, last);
        int pivot = idx[last];
        int store = lo;
        for (int i = lo; i < last; i++) {
            if (before(key, idx[i], pivot)) {
                swap(idx, i, store++);
            }
        }
        swap(idx, store, last);
        return store;
    }

    /** Insertion sort of a small block, best ranked first. */
    private static void sortRanked(float[] key, int[] idx, int lo, int hi) {
        for (int i = lo + 1; i < hi; i++) {
            int t = idx[i];
            int j = i - 1;
            while (j >= lo && before(key, t, idx[j])) {
                idx[j + 1] = idx[j];
                j--;
            }
            idx[j + 1] = t;
        }
    }

    private static void swap(int[] idx, int i, int j) {
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}
