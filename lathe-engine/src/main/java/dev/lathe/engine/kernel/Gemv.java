package dev.lathe.engine.kernel;

import dev.lathe.engine.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix-vector product {@code y(N) = alpha * W x + beta * y}: the M == 1 (decode) and N == 1 cases
 * of {@link Gemm}, where packing would cost as much as the product. Memory bound, so the aim is to
 * stream W once with full vectors, split over threads along N.
 *
 * <p>Two layouts of the stored matrix W: <b>row-dot</b> ({@code transW == false}) W stored (N, K),
 * element (j, p) at {@code w[wOff + j*ldw + p]} — Hugging Face nn.Linear weights, so each output is a
 * dot product of a contiguous row with x; and <b>axpy</b> ({@code transW == true}) W stored (K, N),
 * element (j, p) at {@code w[wOff + p*ldw + j]}, so a block of outputs accumulates scaled rows.
 * W may be F16/BF16 storage (converted row by row in the row-dot form).
 */
public final class Gemv {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Columns per register block in the axpy form. */
    private static final int AXPY_BLOCK = 4 * L;
    private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);

    private Gemv() {}

    /**
     * {@code y[j*incY] = alpha * sum_p W(j, p) x[p*incX] + beta * y[j*incY]} for j < n, on at most
     * {@code threads} threads; offsets, strides and leading dimensions in elements.
     */
    public static void gemv(int threads, boolean transW, int n, int k, float alpha, MemorySegment x, DType xType,
            long xOff, int incX, MemorySegment w, DType wType, long wOff, int ldw, float beta, MemorySegment y,
            long yOff, int incY) {
        if (n <= 0) {
            return;
        }
        if (!Simd.ENABLED) {
            gemvScalar(transW, n, k, alpha, x, xType, xOff, incX, w, wType, wOff, ldw, beta, y, yOff, incY);
            return;
        }
        // x contiguous F32 in a segment: use it in place, else gather (once per call, K floats).
        MemorySegment xs = x;
        long xBase = xOff;
        if (xType != DType.F32 || incX != 1) {
            float[] gathered = new float[k];
            for (int p = 0; p < k; p++) {
                gathered[p] = Convert.load(x, xType, xOff + (long) p * incX);
            }
            xs = MemorySegment.ofArray(gathered);
            xBase = 0;
        }
        MemorySegment xv = xs;
        long xb = xBase;
        int t = (long) n * k < (1L << 17) ? 1 : threads;
        if (!transW) {
            int grain = Math.max(4, (1 << 16) / Math.max(1, k));
            Parallel.forRange(n, grain, t, (s, e) -> rowDot(s, e, k, alpha, xv, xb, w, wType, wOff, ldw, beta, y,
                    yOff, incY));
        } else if (wType == DType.F32) {
            int blocks = (n + AXPY_BLOCK - 1) / AXPY_BLOCK;
            int grain = Math.max(1, (1 << 16) / Math.max(1, k * AXPY_BLOCK));
            Parallel.forRange(blocks, grain, t, (s, e) -> axpy(s * AXPY_BLOCK, Math.min(n, e * AXPY_BLOCK), k,
                    alpha, xv, xb, w, wOff, ldw, beta, y, yOff, incY));
        } else { // (K, N) half-precision W is rare (weights ship as (N, K)); keep it simple
            gemvScalar(transW, n, k, alpha, xv, DType.F32, xb, 1, w, wType, wOff, ldw, beta, y, yOff, incY);
        }
    }

    /** Outputs [j0, j1) of the row-dot form; four rows at a time share each load of x. */
    private static void rowDot(int j0, int j1, int k, float alpha, MemorySegment x, long xOff, MemorySegment w,
            DType wType, long wOff, int ldw, float beta, MemorySegment y, long yOff, int incY) {
        MemorySegment ws = w;
        long xByte = xOff * 4;
        int kBody = k - k % L;
        VectorMask<Float> tail = S.indexInRange(kBody, k);
        int j = j0;
        if (wType == DType.F32) {
            for (; j + 4 <= j1; j += 4) {
                long r0 = (wOff + (long) j * ldw) * 4;
                long r1 = r0 + (long) ldw * 4;
                long r2 = r1 + (long) ldw * 4;
                long r3 = r2 + (long) ldw * 4;
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                for (int p = 0; p < kBody; p += L) {
                    long pb = p * 4L;
                    FloatVector xv = FloatVector.fromMemorySegment(S, x, xByte + pb, NATIVE);
                    a0 = FloatVector.fromMemorySegment(S, ws, r0 + pb, NATIVE).fma(xv, a0);
                    a1 = FloatVector.fromMemorySegment(S, ws, r1 + pb, NATIVE).fma(xv, a1);
                    a2 = FloatVector.fromMemorySegment(S, ws, r2 + pb, NATIVE).fma(xv, a2);
                    a3 = FloatVector.fromMemorySegment(S, ws, r3 + pb, NATIVE).fma(xv, a3);
                }
                if (kBody < k) {
                    long pb = kBody * 4L;
                    FloatVector xv = FloatVector.fromMemorySegment(S, x, xByte + pb, NATIVE, tail);
                    a0 = FloatVector.fromMemorySegment(S, ws, r0 + pb, NATIVE, tail).fma(xv, a0);
                    a1 = FloatVector.fromMemorySegment(S, ws, r1 + pb, NATIVE, tail).fma(xv, a1);
                    a2 = FloatVector.fromMemorySegment(S, ws, r2 + pb, NATIVE, tail).fma(xv, a2);
                    a3 = FloatVector.fromMemorySegment(S, ws, r3 + pb, NATIVE, tail).fma(xv, a3);
                }
                store(y, yOff + (long) j * incY, alpha * Simd.sum(a0), beta);
                store(y, yOff + (long) (j + 1) * incY, alpha * Simd.sum(a1), beta);
                store(y, yOff + (long) (j + 2) * incY, alpha * Simd.sum(a2), beta);
                store(y, yOff + (long) (j + 3) * incY, alpha * Simd.sum(a3), beta);
            }
        } else {
            // Half-precision rows: convert one row into a per-thread buffer, then dot from there.
            float[][] holder = ROW.get();
            if (holder[0].length < k) {
                holder[0] = new float[k];
            }
            ws = MemorySegment.ofArray(holder[0]);
        }
        for (; j < j1; j++) {
            long rowByte;
            if (wType == DType.F32) {
                rowByte = (wOff + (long) j * ldw) * 4;
            } else {
                GemmPack.loadRow(w, wType, wOff + (long) j * ldw, k, ROW.get()[0], 0);
                rowByte = 0;
            }
            FloatVector acc = FloatVector.zero(S);
            for (int p = 0; p < kBody; p += L) {
                long pb = p * 4L;
                acc = FloatVector.fromMemorySegment(S, ws, rowByte + pb, NATIVE)
                        .fma(FloatVector.fromMemorySegment(S, x, xByte + pb, NATIVE), acc);
            }
            if (kBody < k) {
                long pb = kBody * 4L;
                acc = FloatVector.fromMemorySegment(S, ws, rowByte + pb, NATIVE, tail)
                        .fma(FloatVector.fromMemorySegment(S, x, xByte + pb, NATIVE, tail), acc);
            }
            store(y, yOff + (long) j * incY, alpha * Simd.sum(acc), beta);
        }
    }

    private static void store(MemorySegment y, long at, float value, float beta) {
        y.setAtIndex(F32, at, beta == 0f ? value : value + beta * y.getAtIndex(F32, at));
    }

    /** Outputs [j0, j1) of the axpy form (F32 W): blocks of four vectors accumulate over all of K. */
    private static void axpy(int j0, int j1, int k, float alpha, MemorySegment x, long xOff, MemorySegment w,
            long wOff, int ldw, float beta, MemorySegment y, long yOff, int incY) {
        for (int jb = j0; jb < j1; jb += AXPY_BLOCK) {
            int width = Math.min(AXPY_BLOCK, j1 - jb);
            if (width == AXPY_BLOCK) {
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                for (int p = 0; p < k; p++) {
                    FloatVector xp = FloatVector.broadcast(S, x.getAtIndex(F32, xOff + p));
                    long row = (wOff + (long) p * ldw + jb) * 4;
                    a0 = FloatVector.fromMemorySegment(S, w, row, NATIVE).fma(xp, a0);
                    a1 = FloatVector.fromMemorySegment(S, w, row + 4L * L, NATIVE).fma(xp, a1);
                    a2 = FloatVector.fromMemorySegment(S, w, row + 8L * L, NATIVE).fma(xp, a2);
                    a3 = FloatVector.fromMemorySegment(S, w, row + 12L * L, NATIVE).fma(xp, a3);
                }
                storeVector(a0, jb, L, alpha, beta, y, yOff, incY);
                storeVector(a1, jb + L, L, alpha, beta, y, yOff, incY);
                storeVector(a2, jb + 2 * L, L, alpha, beta, y, yOff, incY);
                storeVector(a3, jb + 3 * L, L, alpha, beta, y, yOff, incY);
            } else {
                for (int jv = jb; jv < jb + width; jv += L) {
                    int lanes = Math.min(L, jb + width - jv);
                    VectorMask<Float> m = S.indexInRange(0, lanes);
                    FloatVector acc = FloatVector.zero(S);
                    for (int p = 0; p < k; p++) {
                        FloatVector xp = FloatVector.broadcast(S, x.getAtIndex(F32, xOff + p));
                        acc = FloatVector.fromMemorySegment(S, w, (wOff + (long) p * ldw + jv) * 4, NATIVE, m)
                                .fma(xp, acc);
                    }
                    storeVector(acc, jv, lanes, alpha, beta, y, yOff, incY);
                }
            }
        }
    }

    /** y[j..j+lanes) (stride incY) = alpha * acc + beta * y. */
    private static void storeVector(FloatVector acc, int j, int lanes, float alpha, float beta, MemorySegment y,
            long yOff, int incY) {
        if (incY == 1) {
            VectorMask<Float> m = S.indexInRange(0, lanes);
            long at = (yOff + j) * 4;
            FloatVector out = acc.mul(alpha);
            if (beta != 0f) {
                out = FloatVector.fromMemorySegment(S, y, at, NATIVE, m).mul(beta).add(out);
            }
            out.intoMemorySegment(y, at, NATIVE, m);
        } else {
            for (int l = 0; l < lanes; l++) {
                store(y, yOff + (long) (j + l) * incY, alpha * acc.lane(l), beta);
            }
        }
    }

    /** The scalar twin of {@link #gemv}. */
    public static void gemvScalar(boolean transW, int n, int k, float alpha, MemorySegment x, DType xType,
            long xOff, int incX, MemorySegment w, DType wType, long wOff, int ldw, float beta, MemorySegment y,
            long yOff, int incY) {
        for (int j = 0; j < n; j++) {
            float sum = 0f;
            for (int p = 0; p < k; p++) {
                long wi = transW ? wOff + (long) p * ldw + j : wOff + (long) j * ldw + p;
                sum += Convert.load(w, wType, wi) * Convert.load(x, xType, xOff + (long) p * incX);
            }
            store(y, yOff + (long) j * incY, alpha * sum, beta);
        }
    }
}
