package dev.lathe.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product attention over contiguous F32 buffers, with grouped-query heads:
 * {@code q, out (B, H, T, D)}, {@code k, v (B, KVH, S, D)}, probabilities {@code (B, H, T, S)},
 * optional key mask {@code (B, S)} (0 = padding, anything else = attend). Query head {@code h} reads
 * kv head {@code h / (H / KVH)}.
 *
 * <p>Causal attention aligns the query block with the end of the keys: query {@code t} sees keys
 * {@code s <= t + (S - T)}, so a decode step ({@code T = 1}) sees the whole cache. A query that may
 * attend no key at all (for example a left-padded row under the causal mask) gets an all-zero
 * probability row and output, and no gradient, rather than NaN.
 *
 * <p>In training (probabilities kept for backward) with {@link AttentionBlocked#MIN_QUERIES} queries or
 * more, the SIMD path is {@link AttentionBlocked}: GEMM products over blocks of queries. Inference
 * (no probabilities kept) and short blocks take the per-row loops, so a decode step reproduces the
 * last row of its prefill bit for bit; they use this class's own SIMD dot/axpy over
 * {@code D}, with a softmax per row with the maximum subtracted. {@code ...Scalar} twins run the per-row algorithm without SIMD and check both.
 */
public final class AttentionKernels {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> SP = Simd.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private AttentionKernels() {}

    /** The problem's sizes: B, H, KVH (dividing H), T query positions, S key positions, D head dim. */
    public record Dims(int batch, int heads, int kvHeads, int queries, int keys, int headDim) {
        public Dims {
            if (batch < 1 || heads < 1 || kvHeads < 1 || queries < 1 || keys < 1 || headDim < 1
                    || heads % kvHeads != 0) {
                throw new IllegalArgumentException("attention dims must be positive with KVH dividing H, got B="
                        + batch + " H=" + heads + " KVH=" + kvHeads + " T=" + queries + " S=" + keys + " D=" + headDim);
            }
        }

        int group() {
            return heads / kvHeads;
        }

        /** Keys {@code [0, limit)} that query {@code t} may see before the padding mask. */
        int keyLimit(int t, boolean causal) {
            return causal ? Math.max(0, Math.min(keys, t + keys - queries + 1)) : keys;
        }
    }

    /**
     * Writes {@code out} and, when {@code probs} is non-null, the softmax probabilities backward needs.
     * {@code keyMask} may be null (no padding).
     */
    public static void forward(MemorySegment out, MemorySegment probs, MemorySegment q, MemorySegment k,
            MemorySegment v, MemorySegment keyMask, Dims dims, float scale, boolean causal) {
        forward(out, probs, q, k, v, keyMask, dims, scale, causal, Simd.ENABLED);
    }

    public static void forwardScalar(MemorySegment out, MemorySegment probs, MemorySegment q, MemorySegment k,
            MemorySegment v, MemorySegment keyMask, Dims dims, float scale, boolean causal) {
        forward(out, probs, q, k, v, keyMask, dims, scale, causal, false);
    }

    private static void forward(MemorySegment out, MemorySegment probs, MemorySegment q, MemorySegment k,
            MemorySegment v, MemorySegment keyMask, Dims dims, float scale, boolean causal, boolean simd) {
        // Training only: inference keeps the per-row path, so a decode step stays bit-identical to the last
        // row of the prefill that filled its cache.
        if (simd && probs != null && dims.queries() >= AttentionBlocked.MIN_QUERIES) {
            AttentionBlocked.forward(out, probs, q, k, v, keyMask, dims, scale, causal);
            return;
        }
        int tq = dims.queries();
        int s = dims.keys();
        int d = dims.headDim();
        int rows = dims.batch() * dims.heads() * tq; // one work item per query vector
        long work = (long) s * d + 1;
        Parallel.forRange(rows, (int) Math.max(1, 32768 / work), (start, end) -> {
            float[] p = new float[s]; // scores, then probabilities, of the current row
            for (int row = start; row < end; row++) {
                int t = row % tq;
                int bh = row / tq;
                int b = bh / dims.heads();
                int kvBase = (b * dims.kvHeads() + (bh % dims.heads()) / dims.group()) * s; // first key row
                long qAt = (long) row * d * 4;
                long outAt = (long) row * d;
                int limit = dims.keyLimit(t, causal);
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < limit; j++) {
                    if (keyMask != null && keyMask.getAtIndex(F32, (long) b * s + j) == 0f) {
                        p[j] = Float.NEGATIVE_INFINITY;
                        continue;
                    }
                    float score = scale * dot(q, qAt, k, (long) (kvBase + j) * d * 4, d, simd);
                    p[j] = score;
                    max = Math.max(max, score);
                }
                for (int i = 0; i < d; i++) {
                    out.setAtIndex(F32, outAt + i, 0f);
                }
                if (max == Float.NEGATIVE_INFINITY) { // nothing to attend to: zeros, not 0/0
                    Arrays.fill(p, 0, limit, 0f);
                    limit = 0;
                }
                double sum = 0; // double: long rows of small terms stay accurate
                for (int j = 0; j < limit; j++) {
                    float e = (float) Math.exp(p[j] - max); // masked keys: exp(-inf) = 0
                    p[j] = e;
                    sum += e;
                }
                float inv = limit > 0 ? (float) (1 / sum) : 0f;
                for (int j = 0; j < limit; j++) {
                    float pj = p[j] * inv;
                    p[j] = pj;
                    if (pj != 0f) {
                        axpy(out, outAt * 4, pj, v, (long) (kvBase + j) * d * 4, d, simd);
                    }
                }
                if (probs != null) {
                    long pAt = (long) row * s;
                    for (int j = 0; j < s; j++) {
                        probs.setAtIndex(F32, pAt + j, j < limit ? p[j] : 0f);
                    }
                }
            }
        });
    }

    /**
     * Accumulates {@code dQ, dK, dV} (each may be null when not wanted) from {@code dOut (B, H, T, D)} and
     * the forward's {@code probs}.
     *
     * <p>Derivation, per query row with {@code z_j = scale * q.k_j}, {@code p = softmax(z)},
     * {@code o = sum_j p_j v_j}: {@code dv_j += p_j dO}; {@code dp_j = dO.v_j}; the softmax Jacobian gives
     * {@code dz_j = p_j (dp_j - sum_i p_i dp_i)}; then {@code dq += scale * sum_j dz_j k_j} and
     * {@code dk_j += scale * dz_j q}. Masked keys have {@code p_j = 0} and so receive nothing. A kv head's
     * dK/dV sum over the H/KVH query heads that read it, so work is split by (b, kv head) to keep
     * those sums race-free.
     */
    public static void backward(MemorySegment dQ, MemorySegment dK, MemorySegment dV, MemorySegment dOut,
            MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment probs, Dims dims, float scale,
            boolean causal) {
        backward(dQ, dK, dV, dOut, q, k, v, probs, dims, scale, causal, Simd.ENABLED);
    }

    public static void backwardScalar(MemorySegment dQ, MemorySegment dK, MemorySegment dV, MemorySegment dOut,
            MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment probs, Dims dims, float scale,
            boolean causal) {
        backward(dQ, dK, dV, dOut, q, k, v, probs, dims, scale, causal, false);
    }

    private static void backward(MemorySegment dQ, MemorySegment dK, MemorySegment dV, MemorySegment dOut,
            MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment probs, Dims dims, float scale,
            boolean causal, boolean simd) {
        if (simd && dims.queries() >= AttentionBlocked.MIN_QUERIES) {
            AttentionBlocked.backward(dQ, dK, dV, dOut, q, k, v, probs, dims, scale, causal);
            return;
        }
        int tq = dims.queries();
        int s = dims.keys();
        int d = dims.headDim();
        int group = dims.group();
        Parallel.forRange(dims.batch() * dims.kvHeads(), 1, (start, end) -> {
            float[] dp = new float[s];
            for (int bg = start; bg < end; bg++) {
                int b = bg / dims.kvHeads();
                int g = bg % dims.kvHeads();
                long kvBase = (long) bg * s; // first key row of (b, g)
                for (int h = g * group; h < (g + 1) * group; h++) {
                    for (int t = 0; t < tq; t++) {
                        long row = ((long) b * dims.heads() + h) * tq + t;
                        long vecAt = row * d * 4; // q, dQ and dOut row, in bytes
                        long pAt = row * s;
                        int limit = dims.keyLimit(t, causal);
                        float delta = 0; // sum_j p_j dp_j
                        for (int j = 0; j < limit; j++) {
                            float pj = probs.getAtIndex(F32, pAt + j);
                            if (pj != 0f) {
                                float dpj = dot(dOut, vecAt, v, (kvBase + j) * d * 4, d, simd);
                                dp[j] = dpj;
                                delta += pj * dpj;
                            }
                        }
                        for (int j = 0; j < limit; j++) {
                            float pj = probs.getAtIndex(F32, pAt + j);
                            if (pj == 0f) {
                                continue;
                            }
                            long kvAt = (kvBase + j) * d * 4;
                            if (dV != null) {
                                axpy(dV, kvAt, pj, dOut, vecAt, d, simd);
                            }
                            float dz = scale * (pj * (dp[j] - delta));
                            if (dQ != null) {
                                axpy(dQ, vecAt, dz, k, kvAt, d, simd);
                            }
                            if (dK != null) {
                                axpy(dK, kvAt, dz, q, vecAt, d, simd);
                            }
                        }
                    }
                }
            }
        });
    }

    /** {@code sum_i a[i] b[i]} over {@code n} floats at byte offsets {@code aAt}, {@code bAt}. */
    static float dot(MemorySegment a, long aAt, MemorySegment b, long bAt, int n, boolean simd) {
        int i = 0;
        float sum = 0;
        if (simd && n >= SP.length()) {
            FloatVector acc = FloatVector.zero(SP);
            int upper = n - n % SP.length();
            for (; i < upper; i += SP.length()) {
                long off = (long) i * 4;
                acc = FloatVector.fromMemorySegment(SP, a, aAt + off, NATIVE)
                        .fma(FloatVector.fromMemorySegment(SP, b, bAt + off, NATIVE), acc);
            }
            sum = Simd.sum(acc);
        }
        for (; i < n; i++) {
            long off = (long) i * 4;
            sum = Math.fma(a.get(F32, aAt + off), b.get(F32, bAt + off), sum);
        }
        return sum;
    }

    /** {@code acc[i] += alpha * x[i]} over {@code n} floats at byte offsets {@code accAt}, {@code xAt}. */
    static void axpy(MemorySegment acc, long accAt, float alpha, MemorySegment x, long xAt, int n, boolean simd) {
        int i = 0;
        if (simd) {
            FloatVector a = FloatVector.broadcast(SP, alpha);
            int upper = n - n % SP.length();
            for (; i < upper; i += SP.length()) {
                long off = (long) i * 4;
                FloatVector.fromMemorySegment(SP, x, xAt + off, NATIVE)
                        .fma(a, FloatVector.fromMemorySegment(SP, acc, accAt + off, NATIVE))
                        .intoMemorySegment(acc, accAt + off, NATIVE);
            }
        }
        for (; i < n; i++) {
            long off = (long) i * 4;
            acc.set(F32, accAt + off, Math.fma(alpha, x.get(F32, xAt + off), acc.get(F32, accAt + off)));
        }
    }
}
