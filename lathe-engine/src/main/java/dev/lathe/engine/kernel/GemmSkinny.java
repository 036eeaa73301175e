package dev.lathe.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C(M,N) = alpha * A(M,K) W(N,K)^T + beta * C} for a few rows of A (2 &lt;= M &lt;=
 * {@link #MAX_M}) and F32 W stored (N, K): a batched decode step, one row per sequence, through an
 * nn.Linear weight. The blocked {@link Gemm} would pack (and transpose) all of W for every call,
 * which costs more than the product when M is small; this streams W once, unpacked, like {@link Gemv}
 * does for M == 1. Each 4-row block of W (a few KiB, stays in L1) is multiplied with the rows of A two
 * at a time (8 accumulators: 4 W rows x 2 A rows share every load), so A is read from cache and W
 * from memory only once. Threads split N.
 *
 * <p>Every output is the dot product Gemv computes (lane-wise FMAs over K, masked tail, then one
 * horizontal sum), so a row gives bitwise the same result here as alone through Gemv: a sequence
 * decodes to the same logits in a batch as on its own.
 */
final class GemmSkinny {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Most rows of A taken here; measured on AVX-512 at the 110M Llama's shapes: 1.6-1.9x faster than packing at 16 rows, 4-6x at 4. */
    static final int MAX_M = 16;

    private GemmSkinny() {}

    /** Offsets and leading dimensions in elements; A (M, K) row-major, W (N, K) row-major, C (M, N). */
    static void gemm(int threads, int m, int n, int k, float alpha, MemorySegment a, long aOff, int lda,
            MemorySegment w, long wOff, int ldw, float beta, MemorySegment c, long cOff, int ldc) {
        int blocks = (n + 3) / 4;
        int t = (long) m * n * k < (1L << 17) ? 1 : threads;
        int grain = Math.max(1, (1 << 16) / Math.max(1, 4 * k));
        Parallel.forRange(blocks, grain, t, (s, e) -> rows(s * 4, Math.min(n, e * 4), m, k, alpha, a, aOff, lda,
                w, wOff, ldw, beta, c, cOff, ldc));
    }

    /** Outputs in columns [j0, j1) for every row of A. */
    private static void rows(int j0, int j1, int m, int k, float alpha, MemorySegment a, long aOff, int lda,
            MemorySegment w, long wOff, int ldw, float beta, MemorySegment c, long cOff, int ldc) {
        int kBody = k - k % L;
        VectorMask<Float> tail = S.indexInRange(kBody, k);
        long wRow = (long) ldw * 4;
        float[] tile = new float[8 * L];
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
            long w0 = (wOff + (long) j * ldw) * 4;
            int i = 0;
            for (; kBody == k && i + 2 <= m; i += 2) {
                tile2x4(k, a, (aOff + (long) i * lda) * 4, (long) lda * 4, w, w0, wRow, tile);
                storeTile(tile, 2, alpha, beta, c, cOff + (long) i * ldc + j, ldc);
            }
            for (; i < m; i++) {
                tile1x4(k, kBody, tail, a, (aOff + (long) i * lda) * 4, w, w0, wRow, tile);
                storeTile(tile, 1, alpha, beta, c, cOff + (long) i * ldc + j, ldc);
            }
        }
        for (; j < j1; j++) { // the last N % 4 columns: one dot product each
            long wj = (wOff + (long) j * ldw) * 4;
            for (int i = 0; i < m; i++) {
                long x = (aOff + (long) i * lda) * 4;
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < kBody; p += L) {
                    long pb = p * 4L;
                    acc = FloatVector.fromMemorySegment(S, w, wj + pb, NATIVE)
                            .fma(FloatVector.fromMemorySegment(S, a, x + pb, NATIVE), acc);
                }
                if (kBody < k) {
                    long pb = kBody * 4L;
                    acc = FloatVector.fromMemorySegment(S, w, wj + pb, NATIVE, tail)
                            .fma(FloatVector.fromMemorySegment(S, a, x + pb, NATIVE, tail), acc);
                }
                store(c, cOff + (long) i * ldc + j, alpha * Simd.sum(acc), beta);
            }
        }
    }

    /**
     * The 8 accumulators of A rows [i, i+2) against W rows [j, j+4) for K a multiple of the vector length
     * (every transformer width), from A at byte {@code x0} (stride
     * {@code xRow}) and W at byte {@code w0} (stride {@code wRow}), into {@code tile} (A row, W row) for
     * {@link #storeTile} to sum. Kept this small on purpose (no masked tail, 8 accumulators): when C1
     * runs out of virtual registers on a larger method, the method stays interpreted-speed (boxed vectors,
     * 30-100x slower) for many seconds until C2 gets to it.
     */
    private static void tile2x4(int k, MemorySegment a, long x0, long xRow, MemorySegment w, long w0, long wRow,
            float[] tile) {
        long x1 = x0 + xRow;
        long w1 = w0 + wRow;
        long w2 = w1 + wRow;
        long w3 = w2 + wRow;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        for (int p = 0; p < k; p += L) {
            long pb = p * 4L;
            FloatVector v0 = FloatVector.fromMemorySegment(S, w, w0 + pb, NATIVE);
            FloatVector v1 = FloatVector.fromMemorySegment(S, w, w1 + pb, NATIVE);
            FloatVector v2 = FloatVector.fromMemorySegment(S, w, w2 + pb, NATIVE);
            FloatVector v3 = FloatVector.fromMemorySegment(S, w, w3 + pb, NATIVE);
            FloatVector x = FloatVector.fromMemorySegment(S, a, x0 + pb, NATIVE);
            c00 = v0.fma(x, c00);
            c01 = v1.fma(x, c01);
            c02 = v2.fma(x, c02);
            c03 = v3.fma(x, c03);
            x = FloatVector.fromMemorySegment(S, a, x1 + pb, NATIVE);
            c10 = v0.fma(x, c10);
            c11 = v1.fma(x, c11);
            c12 = v2.fma(x, c12);
            c13 = v3.fma(x, c13);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c02.intoArray(tile, 2 * L);
        c03.intoArray(tile, 3 * L);
        c10.intoArray(tile, 4 * L);
        c11.intoArray(tile, 5 * L);
        c12.intoArray(tile, 6 * L);
        c13.intoArray(tile, 7 * L);
    }

    /** C[i..i+rows)[j..j+4) from the accumulators a tile method left, each summed as Gemv sums. */
    private static void storeTile(float[] tile, int rows, float alpha, float beta, MemorySegment c, long c0,
            int ldc) {
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < 4; q++) {
                float sum = Simd.sum(FloatVector.fromArray(S, tile, (r * 4 + q) * L));
                store(c, c0 + (long) r * ldc + q, alpha * sum, beta);
            }
        }
    }

    /** C[i][j..j+4) from one A row at byte {@code x} and four W rows: Gemv's row-dot block. */
    private static void tile1x4(int k, int kBody, VectorMask<Float> tail, MemorySegment a, long x,
            MemorySegment w, long w0, long wRow, float[] tile) {
        long w1 = w0 + wRow;
        long w2 = w1 + wRow;
        long w3 = w2 + wRow;
        FloatVector c0v = FloatVector.zero(S), c1v = c0v, c2v = c0v, c3v = c0v;
        for (int p = 0; p < kBody; p += L) {
            long pb = p * 4L;
            FloatVector xv = FloatVector.fromMemorySegment(S, a, x + pb, NATIVE);
            c0v = FloatVector.fromMemorySegment(S, w, w0 + pb, NATIVE).fma(xv, c0v);
            c1v = FloatVector.fromMemorySegment(S, w, w1 + pb, NATIVE).fma(xv, c1v);
            c2v = FloatVector.fromMemorySegment(S, w, w2 + pb, NATIVE).fma(xv, c2v);
            c3v = FloatVector.fromMemorySegment(S, w, w3 + pb, NATIVE).fma(xv, c3v);
        }
        if (kBody < k) {
            long pb = kBody * 4L;
            FloatVector xv = FloatVector.fromMemorySegment(S, a, x + pb, NATIVE, tail);
            c0v = FloatVector.fromMemorySegment(S, w, w0 + pb, NATIVE, tail).fma(xv, c0v);
            c1v = FloatVector.fromMemorySegment(S, w, w1 + pb, NATIVE, tail).fma(xv, c1v);
            c2v = FloatVector.fromMemorySegment(S, w, w2 + pb, NATIVE, tail).fma(xv, c2v);
            c3v = FloatVector.fromMemorySegment(S, w, w3 + pb, NATIVE, tail).fma(xv, c3v);
        }
        c0v.intoArray(tile, 0);
        c1v.intoArray(tile, L);
        c2v.intoArray(tile, 2 * L);
        c3v.intoArray(tile, 3 * L);
    }

    private static void store(MemorySegment c, long at, float value, float beta) {
        c.setAtIndex(F32, at, beta == 0f ? value : value + beta * c.getAtIndex(F32, at));
    }
}
