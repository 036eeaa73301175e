package dev.lathe.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused log-softmax + negative log-likelihood (with optional label smoothing) over the rows of
 * {@code (R, V)} logits, as {@code torch.nn.functional.cross_entropy} defines it per row:
 * {@code loss = (1 - eps) * (-log p[target]) + eps * mean_c(-log p[c])}; rows whose target is the
 * ignore index lose 0. The log-probabilities are never materialised: the forward keeps two
 * statistics per row (the maximum and the log-sum-exp relative to it), from which the backward
 * rebuilds the softmax as {@code exp((x - max) - logZ)}; one absolute log-sum-exp in float would
 * lose the small digits for large logits.
 *
 * <p>Stable for large logits: everything is computed relative to the row maximum, including the
 * smoothing term {@code V * log(sum exp(x - max)) - sum(x - max)}, which avoids the cancellation of
 * {@code V * lse - sum(x)}. Targets must already be validated (in range or the ignore index).
 */
public final class CrossEntropyKernels {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> S = Simd.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private CrossEntropyKernels() {}

    /**
     * Writes each row's loss into {@code rowLoss} (R) and, when {@code stats} (R, 2) is not null, the
     * row's maximum and log-sum-exp relative to it, for the backward. logits: (R, V); targets: R entries.
     */
    public static void forward(MemorySegment rowLoss, MemorySegment stats, MemorySegment logits, int[] targets,
            int rows, int v, int ignoreIndex, float smoothing) {
        Parallel.forRange(rows, NormKernels.rowGrain(v), (start, end) -> {
            for (int r = start; r < end; r++) {
                row(rowLoss, stats, logits, targets, r, v, ignoreIndex, smoothing, Simd.ENABLED);
            }
        });
    }

    public static void forwardScalar(MemorySegment rowLoss, MemorySegment stats, MemorySegment logits, int[] targets,
            int rows, int v, int ignoreIndex, float smoothing) {
        for (int r = 0; r < rows; r++) {
            row(rowLoss, stats, logits, targets, r, v, ignoreIndex, smoothing, false);
        }
    }

    private static void row(MemorySegment rowLoss, MemorySegment stats, MemorySegment logits, int[] targets, int r,
            int v, int ignoreIndex, float smoothing, boolean simd) {
        int t = targets[r];
        if (t == ignoreIndex) {
            rowLoss.setAtIndex(F32, r, 0f);
            if (stats != null) {
                stats.setAtIndex(F32, 2L * r, 0f);
                stats.setAtIndex(F32, 2L * r + 1, 0f);
            }
            return;
        }
        long base = (long) r * v;
        float max = simd ? SoftmaxKernels.rowMax(logits, base, v) : SoftmaxKernels.rowMaxScalar(logits, base, v);
        float sumExp = 0;
        float sumShifted = 0; // sum of (x - max), for the smoothing term
        int i = 0;
        if (simd) {
            long bb = base * 4;
            int upper = S.loopBound(v);
            FloatVector e = FloatVector.zero(S);
            FloatVector d = FloatVector.zero(S);
            for (; i < upper; i += S.length()) {
                FloatVector shifted = FloatVector.fromMemorySegment(S, logits, bb + i * 4L, NATIVE).sub(max);
                e = e.add(Simd.exp(shifted));
                d = d.add(shifted);
            }
            sumExp = Simd.sum(e);
            sumShifted = Simd.sum(d);
        }
        for (; i < v; i++) {
            float shifted = logits.getAtIndex(F32, base + i) - max;
            sumExp += (float) Math.exp(shifted);
            sumShifted += shifted;
        }
        double logZ = Math.log(sumExp); // log-sum-exp relative to max
        double nll = logZ - (logits.getAtIndex(F32, base + t) - max);
        double loss = nll;
        if (smoothing != 0f) {
            double smooth = logZ - (double) sumShifted / v; // mean over classes of -log p
            loss = (1.0 - smoothing) * nll + smoothing * smooth;
        }
        rowLoss.setAtIndex(F32, r, (float) loss);
        if (stats != null) {
            stats.setAtIndex(F32, 2L * r, max);
            stats.setAtIndex(F32, 2L * r + 1, (float) logZ);
        }
    }

    /*
     * Backward: d(-log p_t)/dx_c = p_c - [c == t] and d(mean_k -log p_k)/dx_c = p_c - 1/V, so
     * d loss_r / dx_c = p_c - (1 - eps) [c == t] - eps / V, scaled by the row's incoming gradient.
     */

    /**
     * {@code dX[r] += dLoss[r] * (softmax(x[r]) - (1 - eps) * onehot(t[r]) - eps / V)} for rows whose
     * target is not ignored. dLoss: (R) per-row gradient (already divided by the count for a mean);
     * stats: (R, 2) from the forward.
     */
    public static void backward(MemorySegment dX, MemorySegment dLoss, MemorySegment logits, MemorySegment stats,
            int[] targets, int rows, int v, int ignoreIndex, float smoothing) {
        backward(dX, dLoss, logits, stats, targets, rows, v, ignoreIndex, smoothing, false);
    }

    /**
     * As {@link #backward(MemorySegment, MemorySegment, MemorySegment, MemorySegment, int[], int, int, int,
     * float)}, or with {@code overwrite} {@code dX[r] = ...} (ignored rows written as zeros), so dX
     * need not be cleared first: the logits' gradient is the largest tensor of a step.
     */
    public static void backward(MemorySegment dX, MemorySegment dLoss, MemorySegment logits, MemorySegment stats,
            int[] targets, int rows, int v, int ignoreIndex, float smoothing, boolean overwrite) {
        Parallel.forRange(rows, NormKernels.rowGrain(v), (start, end) -> {
            for (int r = start; r < end; r++) {
                backwardRow(dX, dLoss, logits, stats, targets, r, v, ignoreIndex, smoothing, Simd.ENABLED, overwrite);
            }
        });
    }

    public static void backwardScalar(MemorySegment dX, MemorySegment dLoss, MemorySegment logits, MemorySegment stats,
            int[] targets, int rows, int v, int ignoreIndex, float smoothing) {
        for (int r = 0; r < rows; r++) {
            backwardRow(dX, dLoss, logits, stats, targets, r, v, ignoreIndex, smoothing, false, false);
        }
    }

    private static void backwardRow(MemorySegment dX, MemorySegment dLoss, MemorySegment logits, MemorySegment stats,
            int[] targets, int r, int v, int ignoreIndex, float smoothing, boolean simd, boolean overwrite) {
        int t = targets[r];
        float s = dLoss.getAtIndex(F32, r);
        if (t == ignoreIndex || s == 0f) {
            if (overwrite) {
                dX.asSlice((long) r * v * 4, (long) v * 4).fill((byte) 0);
            }
            return;
        }
        long base = (long) r * v;
        float max = stats.getAtIndex(F32, 2L * r);
        float logZ = stats.getAtIndex(F32, 2L * r + 1);
        float uniform = smoothing / v;
        int i = 0;
        if (simd) {
            long bb = base * 4;
            int upper = S.loopBound(v);
            for (; i < upper; i += S.length()) {
                long at = bb + i * 4L;
                FloatVector g = Simd.exp(FloatVector.fromMemorySegment(S, logits, at, NATIVE).sub(max).sub(logZ))
                        .sub(uniform).mul(s);
                if (!overwrite) {
                    g = g.add(FloatVector.fromMemorySegment(S, dX, at, NATIVE));
                }
                g.intoMemorySegment(dX, at, NATIVE);
            }
        }
        for (; i < v; i++) {
            float p = (float) Math.exp(logits.getAtIndex(F32, base + i) - max - logZ);
            float prior = overwrite ? 0f : dX.getAtIndex(F32, base + i);
            dX.setAtIndex(F32, base + i, prior + (p - uniform) * s);
        }
        long at = base + t;
        dX.setAtIndex(F32, at, dX.getAtIndex(F32, at) - (1f - smoothing) * s);
    }
}
