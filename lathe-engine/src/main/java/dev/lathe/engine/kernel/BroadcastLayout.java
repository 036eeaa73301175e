package dev.lathe.engine.kernel;

import java.util.Arrays;

/**
 * The iteration layout shared by broadcasting kernels: one logical shape walked in row-major order,
 * with one stride vector per operand (0 on dimensions an operand is broadcast along). Dimensions of
 * size 1 are dropped and neighbours merged wherever every operand steps through them as one run, so
 * a same-shape operation becomes a single run of n elements and a row broadcast (R, N) op (N) becomes
 * R runs of N. Kernels then walk the layout run by run: the innermost dimension is the run, its
 * stride in every operand is 0 or 1 for contiguous operands, and the outer dimensions are an odometer.
 */
final class BroadcastLayout {
    final int[] shape;      // collapsed shape, rank >= 1
    final long[][] strides; // per operand, per collapsed dimension
    final int inner;        // length of one run (the last collapsed dimension)
    final long rows;        // number of runs

    private BroadcastLayout(int[] shape, long[][] strides) {
        this.shape = shape;
        this.strides = strides;
        this.inner = shape[shape.length - 1];
        this.rows = inner == 0 ? 0 : numel(shape) / inner;
    }

    static BroadcastLayout of(int[] shape, long[]... strides) {
        int k = strides.length;
        for (long[] s : strides) {
            if (s.length != shape.length) {
                throw new IllegalArgumentException("strides " + Arrays.toString(s) + " do not match shape "
                        + Arrays.toString(shape));
            }
        }
        int[] outShape = new int[shape.length];
        long[][] out = new long[k][shape.length];
        int r = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                continue; // contributes no movement
            }
            if (r > 0 && mergeable(strides, d, out, r - 1, shape[d])) {
                outShape[r - 1] *= shape[d];
                for (int o = 0; o < k; o++) {
                    out[o][r - 1] = strides[o][d];
                }
                continue;
            }
            outShape[r] = shape[d];
            for (int o = 0; o < k; o++) {
                out[o][r] = strides[o][d];
            }
            r++;
        }
        if (r == 0) { // a single element
            long[][] one = new long[k][1];
            return new BroadcastLayout(new int[] {1}, one);
        }
        long[][] trimmed = new long[k][];
        for (int o = 0; o < k; o++) {
            trimmed[o] = Arrays.copyOf(out[o], r);
        }
        return new BroadcastLayout(Arrays.copyOf(outShape, r), trimmed);
    }

    /** Whether dimension d (size n) continues collapsed dimension prev as one run in every operand. */
    private static boolean mergeable(long[][] strides, int d, long[][] out, int prev, int n) {
        for (int o = 0; o < strides.length; o++) {
            if (out[o][prev] != strides[o][d] * n) {
                return false;
            }
        }
        return true;
    }

    private static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** Stride of operand {@code o} along the run (0 or, for contiguous operands, 1). */
    long step(int o) {
        return strides[o][shape.length - 1];
    }

    /** Whether no two runs write the same place of operand {@code o} (no outer stride is 0). */
    boolean outerDistinct(int o) {
        for (int d = 0; d < shape.length - 1; d++) {
            if (strides[o][d] == 0) {
                return false;
            }
        }
        return true;
    }

    /** One run: the element offsets of each operand at its start. */
    @FunctionalInterface
    interface RunBody {
        void run(long[] at);
    }

    /**
     * Calls {@code body} for every run, in parallel chunks of runs when {@code parallel}; the array
     * passed holds each operand's start offset and is reused between calls of one chunk.
     */
    void forEachRun(boolean parallel, RunBody body) {
        if (rows == 0) {
            return;
        }
        if (rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many rows for one kernel call: " + rows);
        }
        int grain = Math.max(1, (1 << 14) / Math.max(1, inner)); // ~16K elements per task
        Parallel.RangeBody chunk = (start, end) -> {
            int outer = shape.length - 1;
            int k = strides.length;
            int[] idx = new int[outer];
            long[] at = new long[k];
            long rest = start;
            for (int d = outer - 1; d >= 0; d--) {
                idx[d] = (int) (rest % shape[d]);
                rest /= shape[d];
                for (int o = 0; o < k; o++) {
                    at[o] += idx[d] * strides[o][d];
                }
            }
            long[] view = new long[k];
            for (int row = start; row < end; row++) {
                System.arraycopy(at, 0, view, 0, k);
                body.run(view);
                for (int d = outer - 1; d >= 0; d--) {
                    idx[d]++;
                    for (int o = 0; o < k; o++) {
                        at[o] += strides[o][d];
                    }
                    if (idx[d] < shape[d]) {
                        break;
                    }
                    for (int o = 0; o < k; o++) {
                        at[o] -= strides[o][d] * shape[d];
                    }
                    idx[d] = 0;
                }
            }
        };
        if (parallel) {
            Parallel.forRange((int) rows, grain, chunk);
        } else {
            chunk.run(0, (int) rows);
        }
    }
}
