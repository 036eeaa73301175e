package dev.lathe.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-wise normalisation kernels over {@code (R, N)} row-major F32 segments: RMSNorm (as Hugging Face
 * {@code LlamaRMSNorm} computes it in float32) and LayerNorm (as {@code torch.nn.functional.layer_norm},
 * biased variance). Each row is normalised in one fused pass over memory after its statistics; rows
 * run in parallel for large inputs. Forwards save per-row statistics (inverse RMS; mean and rstd) for
 * the backwards, which accumulate into dX and into the per-column parameter gradients.
 *
 * <p>Parameter gradients sum over rows; to stay deterministic whatever the thread count, rows are cut
 * into a fixed number of blocks (a function of R only), each block sums into its own partial row, and
 * the partials are added in block order.
 */
public final class NormKernels {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> S = Simd.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Elements of work below which a kernel stays on the calling thread. */
    private static final int PARALLEL_ELEMENTS = 1 << 15;
    /** Most blocks the parameter-gradient reduction is cut into (bounds the partial buffers to 16 rows). */
    private static final int MAX_BLOCKS = 16;

    private NormKernels() {}

    // ---------------------------------------------------------------- RMSNorm

    /**
     * {@code y[r] = w * (x[r] * inv[r])} with {@code inv[r] = 1 / sqrt(mean(x[r]^2) + eps)}.
     * x, y: (R, N); w: (N); invRms: (R) or null when backward will not run.
     */
    public static void rmsNormForward(MemorySegment y, MemorySegment invRms, MemorySegment x, MemorySegment w,
            int rows, int n, float eps) {
        Parallel.forRange(rows, rowGrain(n), (start, end) -> {
            for (int r = start; r < end; r++) {
                long base = (long) r * n;
                float inv = Simd.ENABLED ? rmsRow(y, x, w, base, n, eps) : rmsRowScalar(y, x, w, base, n, eps);
                if (invRms != null) {
                    invRms.setAtIndex(F32, r, inv);
                }
            }
        });
    }

    public static void rmsNormForwardScalar(MemorySegment y, MemorySegment invRms, MemorySegment x,
            MemorySegment w, int rows, int n, float eps) {
        for (int r = 0; r < rows; r++) {
            float inv = rmsRowScalar(y, x, w, (long) r * n, n, eps);
            if (invRms != null) {
                invRms.setAtIndex(F32, r, inv);
            }
        }
    }

    private static float rmsRow(MemorySegment y, MemorySegment x, MemorySegment w, long base, int n, float eps) {
        long bb = base * 4;
        int upper = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < upper; i += S.length()) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, bb + i * 4L, NATIVE);
            acc = v.fma(v, acc);
        }
        float ss = Simd.sum(acc);
        for (; i < n; i++) {
            float v = x.getAtIndex(F32, base + i);
            ss = Math.fma(v, v, ss);
        }
        float inv = invRms(ss, n, eps);
        i = 0;
        for (; i < upper; i += S.length()) {
            FloatVector.fromMemorySegment(S, x, bb + i * 4L, NATIVE).mul(inv)
                    .mul(FloatVector.fromMemorySegment(S, w, i * 4L, NATIVE))
                    .intoMemorySegment(y, bb + i * 4L, NATIVE);
        }
        for (; i < n; i++) {
            y.setAtIndex(F32, base + i, x.getAtIndex(F32, base + i) * inv * w.getAtIndex(F32, i));
        }
        return inv;
    }

    private static float rmsRowScalar(MemorySegment y, MemorySegment x, MemorySegment w, long base, int n,
            float eps) {
        float ss = 0;
        for (int i = 0; i < n; i++) {
            float v = x.getAtIndex(F32, base + i);
            ss = Math.fma(v, v, ss);
        }
        float inv = invRms(ss, n, eps);
        for (int i = 0; i < n; i++) {
            y.setAtIndex(F32, base + i, x.getAtIndex(F32, base + i) * inv * w.getAtIndex(F32, i));
        }
        return inv;
    }

    /** As HF in float32: variance = mean(x^2) rounded to float, then rsqrt(variance + eps). */
    private static float invRms(float sumSquares, int n, float eps) {
        float variance = sumSquares / n;
        return (float) (1.0 / Math.sqrt(variance + eps));
    }

    /*
     * RMSNorm backward. With r = (m + eps)^(-1/2), m = (1/N) sum_j x_j^2, y_i = w_i x_i r:
     *   dr/dx_j = -(1/2)(m + eps)^(-3/2) * 2 x_j / N = -r^3 x_j / N, so with g_i = dy_i w_i,
     *   dx_j = sum_i g_i (delta_ij r + x_i dr/dx_j) = r * (g_j - x_j * r^2 * dot(g, x) / N),
     *   dw_i = sum over rows of dy_i x_i r.
     */

    /**
     * Accumulates the RMSNorm gradients. dX (R, N) and dW (N) may each be null (not needed);
     * dY, x: (R, N); w: (N); invRms: (R) as saved by the forward.
     */
    public static void rmsNormBackward(MemorySegment dX, MemorySegment dW, MemorySegment dY, MemorySegment x,
            MemorySegment w, MemorySegment invRms, int rows, int n) {
        backwardInBlocks(rows, n, dW == null ? 0 : 1, dW, null, (partial, start, end) -> {
            for (int r = start; r < end; r++) {
                long base = (long) r * n;
                float inv = invRms.getAtIndex(F32, r);
                if (Simd.ENABLED) {
                    rmsBackwardRow(dX, partial, dY, x, w, inv, base, n);
                } else {
                    rmsBackwardRowScalar(dX, partial, dY, x, w, inv, base, n);
                }
            }
        });
    }

    public static void rmsNormBackwardScalar(MemorySegment dX, MemorySegment dW, MemorySegment dY,
            MemorySegment x, MemorySegment w, MemorySegment invRms, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            rmsBackwardRowScalar(dX, dW, dY, x, w, invRms.getAtIndex(F32, r), (long) r * n, n);
        }
    }

    private static void rmsBackwardRow(MemorySegment dX, MemorySegment dW, MemorySegment dY, MemorySegment x,
            MemorySegment w, float inv, long base, int n) {
        long bb = base * 4;
        int upper = S.loopBound(n);
        int i = 0;
        if (dX != null) {
            FloatVector acc = FloatVector.zero(S);
            for (; i < upper; i += S.length()) {
                FloatVector g = FloatVector.fromMemorySegment(S, dY, bb + i * 4L, NATIVE)
                        .mul(FloatVector.fromMemorySegment(S, w, i * 4L, NATIVE));
                acc = g.fma(FloatVector.fromMemorySegment(S, x, bb + i * 4L, NATIVE), acc);
            }
            float dot = Simd.sum(acc);
            for (; i < n; i++) {
                dot = Math.fma(dY.getAtIndex(F32, base + i) * w.getAtIndex(F32, i), x.getAtIndex(F32, base + i), dot);
            }
            float c = -inv * inv * dot / n;
            FloatVector cv = FloatVector.broadcast(S, c);
            i = 0;
            for (; i < upper; i += S.length()) {
                long at = bb + i * 4L;
                FloatVector g = FloatVector.fromMemorySegment(S, dY, at, NATIVE)
                        .mul(FloatVector.fromMemorySegment(S, w, i * 4L, NATIVE));
                FloatVector xv = FloatVector.fromMemorySegment(S, x, at, NATIVE);
                xv.fma(cv, g).mul(inv).add(FloatVector.fromMemorySegment(S, dX, at, NATIVE))
                        .intoMemorySegment(dX, at, NATIVE);
            }
            for (; i < n; i++) {
                float g = dY.getAtIndex(F32, base + i) * w.getAtIndex(F32, i);
                float v = Math.fma(x.getAtIndex(F32, base + i), c, g) * inv;
                dX.setAtIndex(F32, base + i, dX.getAtIndex(F32, base + i) + v);
            }
        }
        if (dW != null) {
            i = 0;
            for (; i < upper; i += S.length()) {
                long at = bb + i * 4L;
                FloatVector.fromMemorySegment(S, x, at, NATIVE).mul(inv)
                        .fma(FloatVector.fromMemorySegment(S, dY, at, NATIVE),
                                FloatVector.fromMemorySegment(S, dW, i * 4L, NATIVE))
                        .intoMemorySegment(dW, i * 4L, NATIVE);
            }
            for (; i < n; i++) {
                dW.setAtIndex(F32, i, Math.fma(x.getAtIndex(F32, base + i) * inv, dY.getAtIndex(F32, base + i),
                        dW.getAtIndex(F32, i)));
            }
        }
    }

    private static void rmsBackwardRowScalar(MemorySegment dX, MemorySegment dW, MemorySegment dY,
            MemorySegment x, MemorySegment w, float inv, long base, int n) {
        if (dX != null) {
            float dot = 0;
            for (int i = 0; i < n; i++) {
                dot = Math.fma(dY.getAtIndex(F32, base + i) * w.getAtIndex(F32, i), x.getAtIndex(F32, base + i), dot);
            }
            float c = -inv * inv * dot / n;
            for (int i = 0; i < n; i++) {
                float g = dY.getAtIndex(F32, base + i) * w.getAtIndex(F32, i);
                float v = Math.fma(x.getAtIndex(F32, base + i), c, g) * inv;
                dX.setAtIndex(F32, base + i, dX.getAtIndex(F32, base + i) + v);
            }
        }
        if (dW != null) {
            for (int i = 0; i < n; i++) {
                dW.setAtIndex(F32, i, Math.fma(x.getAtIndex(F32, base + i) * inv, dY.getAtIndex(F32, base + i),
                        dW.getAtIndex(F32, i)));
            }
        }
    }

    // ---------------------------------------------------------------- LayerNorm

    /**
     * {@code y[r] = (x[r] - mean[r]) * rstd[r] * w + b} with the biased variance. x, y: (R, N);
     * w, b: (N) or null (1 and 0); mean, rstd: (R) or null when backward will not run.
     */
    public static void layerNormForward(MemorySegment y, MemorySegment mean, MemorySegment rstd, MemorySegment x,
            MemorySegment w, MemorySegment b, int rows, int n, float eps) {
        Parallel.forRange(rows, rowGrain(n), (start, end) -> {
            for (int r = start; r < end; r++) {
                if (Simd.ENABLED) {
                    layerNormRow(y, mean, rstd, x, w, b, r, n, eps);
                } else {
                    layerNormRowScalar(y, mean, rstd, x, w, b, r, n, eps);
                }
            }
        });
    }

    public static void layerNormForwardScalar(MemorySegment y, MemorySegment mean, MemorySegment rstd,
            MemorySegment x, MemorySegment w, MemorySegment b, int rows, int n, float eps) {
        for (int r = 0; r < rows; r++) {
            layerNormRowScalar(y, mean, rstd, x, w, b, r, n, eps);
        }
    }

    private static void layerNormRow(MemorySegment y, MemorySegment mean, MemorySegment rstd, MemorySegment x,
            MemorySegment w, MemorySegment b, int r, int n, float eps) {
        long base = (long) r * n;
        long bb = base * 4;
        int upper = S.loopBound(n);
        // Two passes for the statistics (mean, then squared deviations): one pass of sum and sum of
        // squares loses everything to cancellation when |mean| >> std.
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < upper; i += S.length()) {
            acc = acc.add(FloatVector.fromMemorySegment(S, x, bb + i * 4L, NATIVE));
        }
        float sum = Simd.sum(acc);
        for (; i < n; i++) {
            sum += x.getAtIndex(F32, base + i);
        }
        float mu = sum / n;
        acc = FloatVector.zero(S);
        i = 0;
        for (; i < upper; i += S.length()) {
            FloatVector d = FloatVector.fromMemorySegment(S, x, bb + i * 4L, NATIVE).sub(mu);
            acc = d.fma(d, acc);
        }
        float ss = Simd.sum(acc);
        for (; i < n; i++) {
            float d = x.getAtIndex(F32, base + i) - mu;
            ss = Math.fma(d, d, ss);
        }
        float rs = (float) (1.0 / Math.sqrt(ss / n + eps));
        i = 0;
        for (; i < upper; i += S.length()) {
            long at = bb + i * 4L;
            FloatVector v = FloatVector.fromMemorySegment(S, x, at, NATIVE).sub(mu).mul(rs);
            if (w != null) {
                v = v.mul(FloatVector.fromMemorySegment(S, w, i * 4L, NATIVE));
            }
            if (b != null) {
                v = v.add(FloatVector.fromMemorySegment(S, b, i * 4L, NATIVE));
            }
            v.intoMemorySegment(y, at, NATIVE);
        }
        for (; i < n; i++) {
            y.setAtIndex(F32, base + i, affine((x.getAtIndex(F32, base + i) - mu) * rs, w, b, i));
        }
        if (mean != null) {
            mean.setAtIndex(F32, r, mu);
            rstd.setAtIndex(F32, r, rs);
        }
    }

    private static void layerNormRowScalar(MemorySegment y, MemorySegment mean, MemorySegment rstd,
            MemorySegment x, MemorySegment w, MemorySegment b, int r, int n, float eps) {
        long base = (long) r * n;
        float sum = 0;
        for (int i = 0; i < n; i++) {
            sum += x.getAtIndex(F32, base + i);
        }
        float mu = sum / n;
        float ss = 0;
        for (int i = 0; i < n; i++) {
            float d = x.getAtIndex(F32, base + i) - mu;
            ss = Math.fma(d, d, ss);
        }
        float rs = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) {
            y.setAtIndex(F32, base + i, affine((x.getAtIndex(F32, base + i) - mu) * rs, w, b, i));
        }
        if (mean != null) {
            mean.setAtIndex(F32, r, mu);
            rstd.setAtIndex(F32, r, rs);
        }
    }

    private static float affine(float xhat, MemorySegment w, MemorySegment b, int i) {
        float v = w == null ? xhat : xhat * w.getAtIndex(F32, i);
        return b == null ? v : v + b.getAtIndex(F32, i);
    }

    /*
     * LayerNorm backward. With xhat = (x - mu) * s, s = (var + eps)^(-1/2), y = xhat * w + b and
     * g = dy * w: d mu/dx_j = 1/N and d var/dx_j = 2 (x_j - mu) / N, which give
     *   dx = s * (g - mean(g) - xhat * mean(g * xhat)),
     *   dw = sum over rows of dy * xhat,  db = sum over rows of dy.
     */

    /**
     * Accumulates the LayerNorm gradients. dX (R, N), dW (N), dB (N) may each be null; w may be null
     * (identity scale); mean, rstd: (R) as saved by the forward.
     */
    public static void layerNormBackward(MemorySegment dX, MemorySegment dW, MemorySegment dB, MemorySegment dY,
            MemorySegment x, MemorySegment w, MemorySegment mean, MemorySegment rstd, int rows, int n) {
        int params = (dW == null ? 0 : 1) + (dB == null ? 0 : 1);
        backwardInBlocks(rows, n, params, dW, dB, (partial, start, end) -> {
            MemorySegment pW = dW == null ? null : partial;
            MemorySegment pB = dB == null ? null : dW == null ? partial : partial.asSlice(n * 4L);
            for (int r = start; r < end; r++) {
                if (Simd.ENABLED) {
                    layerNormBackwardRow(dX, pW, pB, dY, x, w, mean, rstd, r, n);
                } else {
                    layerNormBackwardRowScalar(dX, pW, pB, dY, x, w, mean, rstd, r, n);
                }
            }
        });
    }

    public static void layerNormBackwardScalar(MemorySegment dX, MemorySegment dW, MemorySegment dB,
            MemorySegment dY, MemorySegment x, MemorySegment w, MemorySegment mean, MemorySegment rstd, int rows,
            int n) {
        for (int r = 0; r < rows; r++) {
            layerNormBackwardRowScalar(dX, dW, dB, dY, x, w, mean, rstd, r, n);
        }
    }

    private static void layerNormBackwardRow(MemorySegment dX, MemorySegment dW, MemorySegment dB,
            MemorySegment dY, MemorySegment x, MemorySegment w, MemorySegment mean, MemorySegment rstd, int r,
            int n) {
        long base = (long) r * n;
        long bb = base * 4;
        float mu = mean.getAtIndex(F32, r);
        float rs = rstd.getAtIndex(F32, r);
        int upper = S.loopBound(n);
        int i;
        if (dX != null) {
            FloatVector sg = FloatVector.zero(S);
            FloatVector sgx = FloatVector.zero(S);
            for (i = 0; i < upper; i += S.length()) {
                long at = bb + i * 4L;
                FloatVector g = FloatVector.fromMemorySegment(S, dY, at, NATIVE);
                if (w != null) {
                    g = g.mul(FloatVector.fromMemorySegment(S, w, i * 4L, NATIVE));
                }
                FloatVector xhat = FloatVector.fromMemorySegment(S, x, at, NATIVE).sub(mu).mul(rs);
                sg = sg.add(g);
                sgx = g.fma(xhat, sgx);
            }
            float sumG = Simd.sum(sg);
            float sumGx = Simd.sum(sgx);
            for (; i < n; i++) {
                float g = grad(dY, w, base, i);
                sumG += g;
                sumGx = Math.fma(g, (x.getAtIndex(F32, base + i) - mu) * rs, sumGx);
            }
            float meanG = sumG / n;
            float meanGx = sumGx / n;
            for (i = 0; i < upper; i += S.length()) {
                long at = bb + i * 4L;
                FloatVector g = FloatVector.fromMemorySegment(S, dY, at, NATIVE);
                if (w != null) {
                    g = g.mul(FloatVector.fromMemorySegment(S, w, i * 4L, NATIVE));
                }
                FloatVector xhat = FloatVector.fromMemorySegment(S, x, at, NATIVE).sub(mu).mul(rs);
                g.sub(meanG).sub(xhat.mul(meanGx)).mul(rs)
                        .add(FloatVector.fromMemorySegment(S, dX, at, NATIVE))
                        .intoMemorySegment(dX, at, NATIVE);
            }
            for (; i < n; i++) {
                float xhat = (x.getAtIndex(F32, base + i) - mu) * rs;
                float v = (grad(dY, w, base, i) - meanG - xhat * meanGx) * rs;
                dX.setAtIndex(F32, base + i, dX.getAtIndex(F32, base + i) + v);
            }
        }
        for (i = 0; i < upper; i += S.length()) {
            long at = bb + i * 4L;
            FloatVector dy = FloatVector.fromMemorySegment(S, dY, at, NATIVE);
            if (dW != null) {
                FloatVector xhat = FloatVector.fromMemorySegment(S, x, at, NATIVE).sub(mu).mul(rs);
                dy.fma(xhat, FloatVector.fromMemorySegment(S, dW, i * 4L, NATIVE))
                        .intoMemorySegment(dW, i * 4L, NATIVE);
            }
            if (dB != null) {
                dy.add(FloatVector.fromMemorySegment(S, dB, i * 4L, NATIVE)).intoMemorySegment(dB, i * 4L, NATIVE);
            }
        }
        paramTail(dW, dB, dY, x, mu, rs, base, upper, n);
    }

    private static void layerNormBackwardRowScalar(MemorySegment dX, MemorySegment dW, MemorySegment dB,
            MemorySegment dY, MemorySegment x, MemorySegment w, MemorySegment mean, MemorySegment rstd, int r,
            int n) {
        long base = (long) r * n;
        float mu = mean.getAtIndex(F32, r);
        float rs = rstd.getAtIndex(F32, r);
        if (dX != null) {
            float sumG = 0;
            float sumGx = 0;
            for (int i = 0; i < n; i++) {
                float g = grad(dY, w, base, i);
                sumG += g;
                sumGx = Math.fma(g, (x.getAtIndex(F32, base + i) - mu) * rs, sumGx);
            }
            float meanG = sumG / n;
            float meanGx = sumGx / n;
            for (int i = 0; i < n; i++) {
                float xhat = (x.getAtIndex(F32, base + i) - mu) * rs;
                float v = (grad(dY, w, base, i) - meanG - xhat * meanGx) * rs;
                dX.setAtIndex(F32, base + i, dX.getAtIndex(F32, base + i) + v);
            }
        }
        paramTail(dW, dB, dY, x, mu, rs, base, 0, n);
    }

    /** Parameter gradients of columns {@code [from, n)} of one row. */
    private static void paramTail(MemorySegment dW, MemorySegment dB, MemorySegment dY, MemorySegment x, float mu,
            float rs, long base, int from, int n) {
        for (int i = from; i < n; i++) {
            float dy = dY.getAtIndex(F32, base + i);
            if (dW != null) {
                float xhat = (x.getAtIndex(F32, base + i) - mu) * rs;
                dW.setAtIndex(F32, i, Math.fma(dy, xhat, dW.getAtIndex(F32, i)));
            }
            if (dB != null) {
                dB.setAtIndex(F32, i, dB.getAtIndex(F32, i) + dy);
            }
        }
    }

    private static float grad(MemorySegment dY, MemorySegment w, long base, int i) {
        float dy = dY.getAtIndex(F32, base + i);
        return w == null ? dy : dy * w.getAtIndex(F32, i);
    }

    // ---------------------------------------------------------------- shared

    /** Rows per parallel chunk so that a chunk has at least {@link #PARALLEL_ELEMENTS} elements. */
    static int rowGrain(int n) {
        return Math.max(1, PARALLEL_ELEMENTS / Math.max(1, n));
    }

    @FunctionalInterface
    private interface BlockBody {
        /** Processes rows [start, end), adding parameter gradients into {@code partial} (null if none). */
        void run(MemorySegment partial, int start, int end);
    }

    /**
     * Runs {@code body} over the rows in a fixed number of blocks. With {@code params} parameter
     * gradients (0, 1 or 2, each N long), each block gets its own zeroed partial buffer of
     * {@code params * N} floats; afterwards the partials are added into {@code p0} and {@code p1}
     * in block order (deterministic).
     */
    private static void backwardInBlocks(int rows, int n, int params, MemorySegment p0, MemorySegment p1,
            BlockBody body) {
        if (rows == 0) {
            return;
        }
        if (params == 0) {
            Parallel.forRange(rows, rowGrain(n), (s, e) -> body.run(null, s, e));
            return;
        }
        int blocks = (long) rows * n < PARALLEL_ELEMENTS ? 1 : Math.min(MAX_BLOCKS, rows);
        int width = params * n;
        MemorySegment partials = MemorySegment.ofArray(new float[blocks * width]);
        Parallel.forRange(blocks, 1, (bs, be) -> {
            for (int blk = bs; blk < be; blk++) {
                int start = (int) ((long) rows * blk / blocks);
                int end = (int) ((long) rows * (blk + 1) / blocks);
                body.run(partials.asSlice((long) blk * width * 4, width * 4L), start, end);
            }
        });
        for (int blk = 0; blk < blocks; blk++) {
            MemorySegment part = partials.asSlice((long) blk * width * 4, width * 4L);
            if (p0 != null) {
                Elementwise.addInto(p0, part, n);
            }
            if (p1 != null) {
                Elementwise.addInto(p1, p0 == null ? part : part.asSlice(n * 4L), n);
            }
        }
    }
}
