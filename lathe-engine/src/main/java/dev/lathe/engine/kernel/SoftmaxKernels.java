package dev.lathe.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax and log-softmax over the rows of an {@code (R, N)} row-major F32 segment. Numerically
 * stable: each row's maximum is subtracted before exponentiating, so large logits neither overflow
 * nor lose the small terms. Each row is three fused passes (max; exp and sum; scale or shift); rows
 * run in parallel for large inputs. Backwards take the saved output and accumulate into dX.
 */
public final class SoftmaxKernels {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> S = Simd.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private SoftmaxKernels() {}

    /** {@code y[r] = exp(x[r] - max) / sum(exp(x[r] - max))}; x, y: (R, N). */
    public static void softmaxForward(MemorySegment y, MemorySegment x, int rows, int n) {
        Parallel.forRange(rows, NormKernels.rowGrain(n), (start, end) -> {
            for (int r = start; r < end; r++) {
                if (Simd.ENABLED) {
                    softmaxRow(y, x, (long) r * n, n, false);
                } else {
                    softmaxRowScalar(y, x, (long) r * n, n, false);
                }
            }
        });
    }

    public static void softmaxForwardScalar(MemorySegment y, MemorySegment x, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            softmaxRowScalar(y, x, (long) r * n, n, false);
        }
    }

    /** {@code y[r] = (x[r] - max) - log(sum(exp(x[r] - max)))}; x, y: (R, N). */
    public static void logSoftmaxForward(MemorySegment y, MemorySegment x, int rows, int n) {
        Parallel.forRange(rows, NormKernels.rowGrain(n), (start, end) -> {
            for (int r = start; r < end; r++) {
                if (Simd.ENABLED) {
                    softmaxRow(y, x, (long) r * n, n, true);
                } else {
                    softmaxRowScalar(y, x, (long) r * n, n, true);
                }
            }
        });
    }

    public static void logSoftmaxForwardScalar(MemorySegment y, MemorySegment x, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            softmaxRowScalar(y, x, (long) r * n, n, true);
        }
    }

    /** Maximum of a row (SIMD); -inf for an empty row. */
    static float rowMax(MemorySegment x, long base, int n) {
        long bb = base * 4;
        int upper = S.loopBound(n);
        int i = 0;
        float max = Float.NEGATIVE_INFINITY;
        if (upper > 0) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i < upper; i += S.length()) {
                m = m.max(FloatVector.fromMemorySegment(S, x, bb + i * 4L, NATIVE));
            }
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            max = Math.max(max, x.getAtIndex(F32, base + i));
        }
        return max;
    }

    static float rowMaxScalar(MemorySegment x, long base, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x.getAtIndex(F32, base + i));
        }
        return max;
    }

    private static void softmaxRow(MemorySegment y, MemorySegment x, long base, int n, boolean log) {
        long bb = base * 4;
        int upper = S.loopBound(n);
        float max = rowMax(x, base, n);
        // exp(x - max) into y (softmax keeps it; log-softmax only needs the sum).
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < upper; i += S.length()) {
            FloatVector e = Simd.exp(FloatVector.fromMemorySegment(S, x, bb + i * 4L, NATIVE).sub(max));
            if (!log) {
                e.intoMemorySegment(y, bb + i * 4L, NATIVE);
            }
            acc = acc.add(e);
        }
        float sum = Simd.sum(acc);
        for (; i < n; i++) {
            float e = (float) Math.exp(x.getAtIndex(F32, base + i) - max);
            if (!log) {
                y.setAtIndex(F32, base + i, e);
            }
            sum += e;
        }
        if (log) {
            // (x - max) - log(sum), not x - (max + log(sum)): for huge max the latter rounds log(sum) away.
            float logSum = (float) Math.log(sum);
            for (i = 0; i < upper; i += S.length()) {
                FloatVector.fromMemorySegment(S, x, bb + i * 4L, NATIVE).sub(max).sub(logSum)
                        .intoMemorySegment(y, bb + i * 4L, NATIVE);
            }
            for (; i < n; i++) {
                y.setAtIndex(F32, base + i, x.getAtIndex(F32, base + i) - max - logSum);
            }
        } else {
            float inv = 1f / sum;
            for (i = 0; i < upper; i += S.length()) {
                FloatVector.fromMemorySegment(S, y, bb + i * 4L, NATIVE).mul(inv)
                        .intoMemorySegment(y, bb + i * 4L, NATIVE);
            }
            for (; i < n; i++) {
                y.setAtIndex(F32, base + i, y.getAtIndex(F32, base + i) * inv);
            }
        }
    }

    private static void softmaxRowScalar(MemorySegment y, MemorySegment x, long base, int n, boolean log) {
        float max = rowMaxScalar(x, base, n);
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x.getAtIndex(F32, base + i) - max);
            if (!log) {
                y.setAtIndex(F32, base + i, e);
            }
            sum += e;
        }
        if (log) {
            float logSum = (float) Math.log(sum);
            for (int i = 0; i < n; i++) {
                y.setAtIndex(F32, base + i, x.getAtIndex(F32, base + i) - max - logSum);
            }
        } else {
            float inv = 1f / sum;
            for (int i = 0; i < n; i++) {
                y.setAtIndex(F32, base + i, y.getAtIndex(F32, base + i) * inv);
            }
        }
    }

    /*
     * Softmax backward: dy_i/dx_j = y_i (delta_ij - y_j), so dx_j = y_j (dy_j - sum_i dy_i y_i).
     * Log-softmax backward: d(log y_i)/dx_j = delta_ij - y_j (y = softmax), so
     * dx_j = dy_j - softmax_j * sum_i dy_i, with softmax_j = exp(logSoftmax_j).
     */

    /** {@code dX[r] += y[r] * (dY[r] - dot(dY[r], y[r]))} with y the saved softmax; (R, N). */
    public static void softmaxBackward(MemorySegment dX, MemorySegment dY, MemorySegment y, int rows, int n) {
        Parallel.forRange(rows, NormKernels.rowGrain(n), (start, end) -> {
            for (int r = start; r < end; r++) {
                if (Simd.ENABLED) {
                    backwardRow(dX, dY, y, (long) r * n, n, false);
                } else {
                    backwardRowScalar(dX, dY, y, (long) r * n, n, false);
                }
            }
        });
    }

    public static void softmaxBackwardScalar(MemorySegment dX, MemorySegment dY, MemorySegment y, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            backwardRowScalar(dX, dY, y, (long) r * n, n, false);
        }
    }

    /** {@code dX[r] += dY[r] - exp(y[r]) * sum(dY[r])} with y the saved log-softmax; (R, N). */
    public static void logSoftmaxBackward(MemorySegment dX, MemorySegment dY, MemorySegment y, int rows, int n) {
        Parallel.forRange(rows, NormKernels.rowGrain(n), (start, end) -> {
            for (int r = start; r < end; r++) {
                if (Simd.ENABLED) {
                    backwardRow(dX, dY, y, (long) r * n, n, true);
                } else {
                    backwardRowScalar(dX, dY, y, (long) r * n, n, true);
                }
            }
        });
    }

    public static void logSoftmaxBackwardScalar(MemorySegment dX, MemorySegment dY, MemorySegment y, int rows,
            int n) {
        for (int r = 0; r < rows; r++) {
            backwardRowScalar(dX, dY, y, (long) r * n, n, true);
        }
    }

    private static void backwardRow(MemorySegment dX, MemorySegment dY, MemorySegment y, long base, int n,
            boolean log) {
        long bb = base * 4;
        int upper = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < upper; i += S.length()) {
            FloatVector dy = FloatVector.fromMemorySegment(S, dY, bb + i * 4L, NATIVE);
            acc = log ? acc.add(dy) : dy.fma(FloatVector.fromMemorySegment(S, y, bb + i * 4L, NATIVE), acc);
        }
        float s = Simd.sum(acc);
        for (; i < n; i++) {
            float dy = dY.getAtIndex(F32, base + i);
            s = log ? s + dy : Math.fma(dy, y.getAtIndex(F32, base + i), s);
        }
        for (i = 0; i < upper; i += S.length()) {
            long at = bb + i * 4L;
            FloatVector dy = FloatVector.fromMemorySegment(S, dY, at, NATIVE);
            FloatVector yv = FloatVector.fromMemorySegment(S, y, at, NATIVE);
            FloatVector g = log ? Simd.exp(yv).mul(-s).add(dy) : dy.sub(s).mul(yv);
            g.add(FloatVector.fromMemorySegment(S, dX, at, NATIVE)).intoMemorySegment(dX, at, NATIVE);
        }
        for (; i < n; i++) {
            dX.setAtIndex(F32, base + i, dX.getAtIndex(F32, base + i) + backwardElement(dY, y, base + i, s, log));
        }
    }

    private static void backwardRowScalar(MemorySegment dX, MemorySegment dY, MemorySegment y, long base, int n,
            boolean log) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            float dy = dY.getAtIndex(F32, base + i);
            s = log ? s + dy : Math.fma(dy, y.getAtIndex(F32, base + i), s);
        }
        for (int i = 0; i < n; i++) {
            dX.setAtIndex(F32, base + i, dX.getAtIndex(F32, base + i) + backwardElement(dY, y, base + i, s, log));
        }
    }

    private static float backwardElement(MemorySegment dY, MemorySegment y, long at, float s, boolean log) {
        float dy = dY.getAtIndex(F32, at);
        float yv = y.getAtIndex(F32, at);
        return log ? dy - (float) Math.exp(yv) * s : (dy - s) * yv;
    }
}
