package dev.lathe.engine.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import dev.lathe.engine.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The many-query case of {@link AttentionKernels} (prefill and training), computed with {@link Gemm}
 * products over blocks of query rows instead of one dot product or axpy per (query, key) pair: per
 * (batch, head) and block of {@link #BLOCK} queries, the scores {@code Q K^T} of the keys the block may
 * see, a row softmax, and {@code P V}; backward forms {@code dP = dO V^T} the same way, turns it into
 * the score gradient {@code dZ = scale * P (dP - rowsum(P dP))}, and accumulates {@code dV += P^T dO},
 * {@code dQ += dZ K}, {@code dK += dZ^T Q}. Under the causal mask a block multiplies only the keys its
 * last query sees, which skips about half of the work at T = S.
 *
 * <p>Same layouts, masking rules and results (up to float rounding) as {@link AttentionKernels}, whose
 * scalar twin checks this class. Work is split across the kernel pool by (batch, head) in forward and by
 * (batch, kv head) in backward, so a kv head's dK/dV sums stay on one thread; every product runs on its
 * worker thread alone.
 */
final class AttentionBlocked {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> SP = Simd.F;
    /** Query rows per block: the M of the products (a multiple of the microkernel's 12 and 6 rows). */
    static final int BLOCK = 48;
    /** Fewer queries than this go to the per-row path (decode steps and tiny prompts). */
    static final int MIN_QUERIES = 8;

    private AttentionBlocked() {}

    static void forward(MemorySegment out, MemorySegment probs, MemorySegment q, MemorySegment k, MemorySegment v,
            MemorySegment keyMask, AttentionKernels.Dims dims, float scale, boolean causal) {
        int tq = dims.queries();
        int s = dims.keys();
        int d = dims.headDim();
        Parallel.forRange(dims.batch() * dims.heads(), 1, (start, end) -> {
            try (Arena arena = Arena.ofConfined()) {
                // Scores then probabilities of one block, (BLOCK, S), unless probs keeps them anyway.
                MemorySegment scratch = probs == null ? arena.allocate((long) BLOCK * s * 4, 64) : null;
                for (int bh = start; bh < end; bh++) {
                    int b = bh / dims.heads();
                    long kvAt = (long) (b * dims.kvHeads() + (bh % dims.heads()) / dims.group()) * s * d;
                    for (int t0 = 0; t0 < tq; t0 += BLOCK) {
                        int rows = Math.min(BLOCK, tq - t0);
                        int seen = dims.keyLimit(t0 + rows - 1, causal); // keys the block's last query sees
                        long qAt = ((long) bh * tq + t0) * d;
                        MemorySegment p = probs != null ? probs : scratch;
                        long pAt = probs != null ? ((long) bh * tq + t0) * s : 0;
                        if (seen == 0) {
                            zeroRows(out, qAt, rows, d, d);
                            zeroRows(p, pAt, rows, s, s);
                            continue;
                        }
                        Gemm.gemm(1, false, true, rows, seen, d, scale, q, qAt, d, k, DType.F32,
                                kvAt, d, 0f, p, pAt, s);
                        for (int r = 0; r < rows; r++) {
                            softmaxRow(p, pAt + (long) r * s, dims.keyLimit(t0 + r, causal), seen, s, keyMask,
                                    (long) b * s);
                        }
                        Gemm.gemm(1, false, false, rows, d, seen, 1f, p, pAt, s, v, DType.F32,
                                kvAt, d, 0f, out, qAt, d);
                    }
                }
            }
        });
    }

    /**
     * Softmax in place over {@code [0, limit)} of a row of scores (masked keys and those past
     * {@code limit} become 0, up to {@code width}); a row with nothing to attend to becomes all zeros.
     */
    private static void softmaxRow(MemorySegment p, long at, int limit, int computed, int width,
            MemorySegment keyMask, long maskAt) {
        float max = Float.NEGATIVE_INFINITY;
        if (keyMask == null) {
            max = SoftmaxKernels.rowMax(p, at, limit); // the usual training case: one vector pass
        } else {
            for (int j = 0; j < limit; j++) {
                if (keyMask.getAtIndex(F32, maskAt + j) == 0f) {
                    p.setAtIndex(F32, at + j, Float.NEGATIVE_INFINITY);
                    continue;
                }
                max = Math.max(max, p.getAtIndex(F32, at + j));
            }
        }
        if (max == Float.NEGATIVE_INFINITY) {
            limit = 0;
        }
        // exp(x - max): masked keys hold -inf and come out 0. Summed in float lanes; a row is at most a few
        // thousand terms in (0, 1], well within float's precision for a normaliser.
        int j = 0;
        int upper = limit - limit % SP.length();
        FloatVector acc = FloatVector.zero(SP);
        for (; j < upper; j += SP.length()) {
            FloatVector e = Simd.exp(load(p, at + j).sub(max));
            e.intoMemorySegment(p, (at + j) * 4, java.nio.ByteOrder.nativeOrder());
            acc = acc.add(e);
        }
        double sum = upper > 0 ? Simd.sum(acc) : 0;
        for (; j < limit; j++) {
            float e = Simd.exp(p.getAtIndex(F32, at + j) - max);
            p.setAtIndex(F32, at + j, e);
            sum += e;
        }
        float inv = limit > 0 ? (float) (1 / sum) : 0f;
        scaleRange(p, at, limit, inv);
        if (limit < width) {
            p.asSlice((at + limit) * 4, (long) (width - limit) * 4).fill((byte) 0);
        }
    }

    static void backward(MemorySegment dQ, MemorySegment dK, MemorySegment dV, MemorySegment dOut, MemorySegment q,
            MemorySegment k, MemorySegment v, MemorySegment probs, AttentionKernels.Dims dims, float scale,
            boolean causal) {
        int tq = dims.queries();
        int s = dims.keys();
        int d = dims.headDim();
        DType f32 = DType.F32;
        Parallel.forRange(dims.batch() * dims.kvHeads(), 1, (start, end) -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment dz = arena.allocate((long) BLOCK * s * 4, 64); // dP, then dZ, of one block
                for (int bg = start; bg < end; bg++) {
                    int b = bg / dims.kvHeads();
                    int g = bg % dims.kvHeads();
                    long kvAt = (long) bg * s * d;
                    for (int h = g * dims.group(); h < (g + 1) * dims.group(); h++) {
                        long bh = (long) b * dims.heads() + h;
                        for (int t0 = 0; t0 < tq; t0 += BLOCK) {
                            int rows = Math.min(BLOCK, tq - t0);
                            int seen = dims.keyLimit(t0 + rows - 1, causal);
                            if (seen == 0) {
                                continue;
                            }
                            long rowAt = (bh * tq + t0) * d; // q, dQ and dOut rows of the block
                            long pAt = (bh * tq + t0) * s;
                            if (dV != null) { // dV (seen, D) += P^T (seen, rows) dO (rows, D)
                                Gemm.gemm(1, true, false, seen, d, rows, 1f, probs, pAt, s, dOut, f32, rowAt, d, 1f,
                                        dV, kvAt, d);
                            }
                            if (dQ == null && dK == null) {
                                continue;
                            }
                            // dP (rows, seen) = dO (rows, D) V^T (D, seen)
                            Gemm.gemm(1, false, true, rows, seen, d, 1f, dOut, rowAt, d, v, f32, kvAt, d, 0f, dz, 0,
                                    seen);
                            for (int r = 0; r < rows; r++) {
                                scoreGradient(dz, (long) r * seen, probs, pAt + (long) r * s, seen, scale);
                            }
                            if (dQ != null) { // dQ (rows, D) += dZ (rows, seen) K (seen, D)
                                Gemm.gemm(1, false, false, rows, d, seen, 1f, dz, 0, seen, k, f32, kvAt, d, 1f, dQ,
                                        rowAt, d);
                            }
                            if (dK != null) { // dK (seen, D) += dZ^T (seen, rows) Q (rows, D)
                                Gemm.gemm(1, true, false, seen, d, rows, 1f, dz, 0, seen, q, f32, rowAt, d, 1f, dK,
                                        kvAt, d);
                            }
                        }
                    }
                }
            }
        });
    }

    /** {@code dz[j] = scale * p[j] * (dp[j] - sum_i p[i] dp[i])} in place over {@code n} entries (dz holds dp). */
    private static void scoreGradient(MemorySegment dz, long dzAt, MemorySegment p, long pAt, int n, float scale) {
        int i = 0;
        float delta = 0;
        int upper = n - n % SP.length();
        if (upper > 0) {
            FloatVector acc = FloatVector.zero(SP);
            for (; i < upper; i += SP.length()) {
                acc = load(p, pAt + i).fma(load(dz, dzAt + i), acc);
            }
            delta = Simd.sum(acc);
        }
        for (; i < n; i++) {
            delta = Math.fma(p.getAtIndex(F32, pAt + i), dz.getAtIndex(F32, dzAt + i), delta);
        }
        FloatVector dl = FloatVector.broadcast(SP, delta);
        FloatVector sc = FloatVector.broadcast(SP, scale);
        for (i = 0; i < upper; i += SP.length()) {
            load(p, pAt + i).mul(sc).mul(load(dz, dzAt + i).sub(dl))
                    .intoMemorySegment(dz, (dzAt + i) * 4, java.nio.ByteOrder.nativeOrder());
        }
        for (; i < n; i++) {
            dz.setAtIndex(F32, dzAt + i, scale * p.getAtIndex(F32, pAt + i) * (dz.getAtIndex(F32, dzAt + i) - delta));
        }
    }

    private static FloatVector load(MemorySegment m, long index) {
        return FloatVector.fromMemorySegment(SP, m, index * 4, java.nio.ByteOrder.nativeOrder());
    }

    private static void scaleRange(MemorySegment p, long at, int n, float factor) {
        int i = 0;
        int upper = n - n % SP.length();
        for (; i < upper; i += SP.length()) {
            load(p, at + i).mul(factor).intoMemorySegment(p, (at + i) * 4, java.nio.ByteOrder.nativeOrder());
        }
        for (; i < n; i++) {
            p.setAtIndex(F32, at + i, p.getAtIndex(F32, at + i) * factor);
        }
    }

    private static void zeroRows(MemorySegment m, long at, int rows, int width, int ld) {
        for (int r = 0; r < rows; r++) {
            m.asSlice((at + (long) r * ld) * 4, (long) width * 4).fill((byte) 0);
        }
    }
}
