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

    /** One run (or piece of one): each operand's element offset at its start, and its length. */
    @FunctionalInterface
    interface RunBody {
        void run(long[] at, int len);
    }

    /** Elements per piece when long runs are split across threads (a multiple of any vector length). */
    private static final int PIECE = 1 << 14;

    /**
     * Calls {@code body} for every run, in parallel chunks of runs when {@code parallel}; with
     * {@code splitRuns}, runs longer than two pieces are cut into pieces that may go to different
     * threads (so one long same-shape run still uses every core). Only split when no two pieces of a
     * run write the same element. The offsets array is reused between calls of one chunk.
     */
    void forEachRun(boolean parallel, boolean splitRuns, RunBody body) {
        if (rows == 0) {
            return;
        }
        int pieces = splitRuns && inner > 2 * PIECE ? (inner + PIECE - 1) / PIECE : 1;
        int pieceLen = pieces == 1 ? inner : PIECE;
        long items = rows * pieces;
        if (items > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many runs for one kernel call: " + items);
        }
        int k = strides.length;
        long[] steps = new long[k];
        for (int o = 0; o < k; o++) {
            steps[o] = step(o);
        }
        int grain = Math.max(1, PIECE / Math.max(1, pieceLen)); // ~16K elements per task
        Parallel.RangeBody chunk = (start, end) -> {
            int outer = shape.length - 1;
            int[] idx = new int[outer];
            long[] at = new long[k];
            long rest = start / pieces;
            int piece = start % pieces;
            for (int d = outer - 1; d >= 0; d--) {
                idx[d] = (int) (rest % shape[d]);
                rest /= shape[d];
                for (int o = 0; o < k; o++) {
                    at[o] += idx[d] * strides[o][d];
                }
            }
            long[] view = new long[k];
            for (int item = start; item < end; item++) {
                long from = (long) piece * pieceLen;
                for (int o = 0; o < k; o++) {
                    view[o] = at[o] + from * steps[o];
                }
                body.run(view, (int) Math.min(pieceLen, inner - from));
                if (++piece < pieces) {
                    continue;
                }
                piece = 0;
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
            Parallel.forRange((int) items, grain, chunk);
        } else {
            chunk.run(0, (int) items);
        }
    }

    /**
     * Splits the run dimension into column blocks, one per thread, each walking every run over its
     * columns in order: the race-free parallel form of a reduction whose outer dimensions collapse
     * onto the same elements (a bias gradient summed over rows). Needs every run step to be 1.
     */
    void forEachColumnBlock(RunBody body) {
        if (rows == 0) {
            return;
        }
        int threads = Parallel.threads();
        int block = Math.max(64, ((inner + threads - 1) / threads + 15) / 16 * 16);
        int blocks = (inner + block - 1) / block;
        Parallel.forRange(blocks, 1, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int from = b * block;
                int len = Math.min(block, inner - from);
                forEachRun(false, false, (at, ignored) -> {
                    for (int o = 0; o < at.length; o++) {
                        at[o] += from; // step 1 in every operand
                    }
                    body.run(at, len);
                });
            }
        });
    }
}
