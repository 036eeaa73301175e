package dev.lathe.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked microkernel of {@link Gemm}: an MR x NR tile of C (NR = 2 vectors of
 * {@link Simd#F}) accumulated over a packed A micro-panel and a packed B micro-panel with one
 * broadcast and two FMAs per row and step of K. MR = 12 where vectors are 512-bit (AVX-512 has 32
 * vector registers: 24 accumulators, two B vectors and a broadcast), else 6 (12 accumulators fit
 * the 16 registers of AVX2). More rows per B load means fewer loads per FMA, and more independent
 * FMA chains than the FMA latency needs.
 *
 * <p>The accumulators go to a small tile buffer. A full tile with alpha = 1 and beta = 0 or 1 (the
 * usual cases: the first K slice, then the others adding to it) is merged into C by the lean
 * {@link #store}; edge tiles and other alpha/beta by {@link #writeBack}, with masks.
 * Each kernel is a few hundred bytecodes, so C2 compiles and unrolls it; the panel indices are
 * affine in the loop counter so the array bounds checks are hoisted out of the K loop.
 */
final class GemmMicro {
    static final VectorSpecies<Float> S = Simd.F;
    static final int L = S.length();
    /** Rows of the C tile. */
    static final int MR = L >= 16 ? 12 : 6;
    /** Columns of the C tile: two vectors. */
    static final int NR = 2 * L;

    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private GemmMicro() {}

    /**
     * AB(MR, NR) = sum over p < kc of ap[ai + p*MR + i] * bp[bi + p*NR + j]; the panels are
     * zero-padded, so the full tile is always computed; it goes to {@code tile} (MR x NR,
     * row-major), then {@link #store} or {@link #writeBack} merges it into C. (Storing into C from
     * the registers measured no faster, and made the method too large for C1, which then left it
     * running unoptimised for seconds before C2 took over.)
     */
    static void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile) {
        if (MR == 12) {
            kernel12(kc, ap, ai, bp, bi, tile);
        } else {
            kernel6(kc, ap, ai, bp, bi, tile);
        }
    }

    /** The 12 x 2-vector kernel; see {@link #kernel}. */
    private static void kernel12(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = c0_0;
        FloatVector c1_0 = c0_0;
        FloatVector c1_1 = c0_0;
        FloatVector c2_0 = c0_0;
        FloatVector c2_1 = c0_0;
        FloatVector c3_0 = c0_0;
        FloatVector c3_1 = c0_0;
        FloatVector c4_0 = c0_0;
        FloatVector c4_1 = c0_0;
        FloatVector c5_0 = c0_0;
        FloatVector c5_1 = c0_0;
        FloatVector c6_0 = c0_0;
        FloatVector c6_1 = c0_0;
        FloatVector c7_0 = c0_0;
        FloatVector c7_1 = c0_0;
        FloatVector c8_0 = c0_0;
        FloatVector c8_1 = c0_0;
        FloatVector c9_0 = c0_0;
        FloatVector c9_1 = c0_0;
        FloatVector c10_0 = c0_0;
        FloatVector c10_1 = c0_0;
        FloatVector c11_0 = c0_0;
        FloatVector c11_1 = c0_0;
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * 12; // index arithmetic in p lets C2 hoist the bounds checks out of the loop
            int pb = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector a = FloatVector.broadcast(S, ap[pa]);
            c0_0 = a.fma(b0, c0_0);
            c0_1 = a.fma(b1, c0_1);
            a = FloatVector.broadcast(S, ap[pa + 1]);
            c1_0 = a.fma(b0, c1_0);
            c1_1 = a.fma(b1, c1_1);
            a = FloatVector.broadcast(S, ap[pa + 2]);
            c2_0 = a.fma(b0, c2_0);
            c2_1 = a.fma(b1, c2_1);
            a = FloatVector.broadcast(S, ap[pa + 3]);
            c3_0 = a.fma(b0, c3_0);
            c3_1 = a.fma(b1, c3_1);
            a = FloatVector.broadcast(S, ap[pa + 4]);
            c4_0 = a.fma(b0, c4_0);
            c4_1 = a.fma(b1, c4_1);
            a = FloatVector.broadcast(S, ap[pa + 5]);
            c5_0 = a.fma(b0, c5_0);
            c5_1 = a.fma(b1, c5_1);
            a = FloatVector.broadcast(S, ap[pa + 6]);
            c6_0 = a.fma(b0, c6_0);
            c6_1 = a.fma(b1, c6_1);
            a = FloatVector.broadcast(S, ap[pa + 7]);
            c7_0 = a.fma(b0, c7_0);
            c7_1 = a.fma(b1, c7_1);
            a = FloatVector.broadcast(S, ap[pa + 8]);
            c8_0 = a.fma(b0, c8_0);
            c8_1 = a.fma(b1, c8_1);
            a = FloatVector.broadcast(S, ap[pa + 9]);
            c9_0 = a.fma(b0, c9_0);
            c9_1 = a.fma(b1, c9_1);
            a = FloatVector.broadcast(S, ap[pa + 10]);
            c10_0 = a.fma(b0, c10_0);
            c10_1 = a.fma(b1, c10_1);
            a = FloatVector.broadcast(S, ap[pa + 11]);
            c11_0 = a.fma(b0, c11_0);
            c11_1 = a.fma(b1, c11_1);
        }
        c0_0.intoArray(tile, 0);
        c0_1.intoArray(tile, L);
        c1_0.intoArray(tile, 1 * NR);
        c1_1.intoArray(tile, 1 * NR + L);
        c2_0.intoArray(tile, 2 * NR);
        c2_1.intoArray(tile, 2 * NR + L);
        c3_0.intoArray(tile, 3 * NR);
        c3_1.intoArray(tile, 3 * NR + L);
        c4_0.intoArray(tile, 4 * NR);
        c4_1.intoArray(tile, 4 * NR + L);
        c5_0.intoArray(tile, 5 * NR);
        c5_1.intoArray(tile, 5 * NR + L);
        c6_0.intoArray(tile, 6 * NR);
        c6_1.intoArray(tile, 6 * NR + L);
        c7_0.intoArray(tile, 7 * NR);
        c7_1.intoArray(tile, 7 * NR + L);
        c8_0.intoArray(tile, 8 * NR);
        c8_1.intoArray(tile, 8 * NR + L);
        c9_0.intoArray(tile, 9 * NR);
        c9_1.intoArray(tile, 9 * NR + L);
        c10_0.intoArray(tile, 10 * NR);
        c10_1.intoArray(tile, 10 * NR + L);
        c11_0.intoArray(tile, 11 * NR);
        c11_1.intoArray(tile, 11 * NR + L);
    }

    /** The 6 x 2-vector kernel; see {@link #kernel}. */
    private static void kernel6(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = c0_0;
        FloatVector c1_0 = c0_0;
        FloatVector c1_1 = c0_0;
        FloatVector c2_0 = c0_0;
        FloatVector c2_1 = c0_0;
        FloatVector c3_0 = c0_0;
        FloatVector c3_1 = c0_0;
        FloatVector c4_0 = c0_0;
        FloatVector c4_1 = c0_0;
        FloatVector c5_0 = c0_0;
        FloatVector c5_1 = c0_0;
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * 6; // index arithmetic in p lets C2 hoist the bounds checks out of the loop
            int pb = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector a = FloatVector.broadcast(S, ap[pa]);
            c0_0 = a.fma(b0, c0_0);
            c0_1 = a.fma(b1, c0_1);
            a = FloatVector.broadcast(S, ap[pa + 1]);
            c1_0 = a.fma(b0, c1_0);
            c1_1 = a.fma(b1, c1_1);
            a = FloatVector.broadcast(S, ap[pa + 2]);
            c2_0 = a.fma(b0, c2_0);
            c2_1 = a.fma(b1, c2_1);
            a = FloatVector.broadcast(S, ap[pa + 3]);
            c3_0 = a.fma(b0, c3_0);
            c3_1 = a.fma(b1, c3_1);
            a = FloatVector.broadcast(S, ap[pa + 4]);
            c4_0 = a.fma(b0, c4_0);
            c4_1 = a.fma(b1, c4_1);
            a = FloatVector.broadcast(S, ap[pa + 5]);
            c5_0 = a.fma(b0, c5_0);
            c5_1 = a.fma(b1, c5_1);
        }
        c0_0.intoArray(tile, 0);
        c0_1.intoArray(tile, L);
        c1_0.intoArray(tile, 1 * NR);
        c1_1.intoArray(tile, 1 * NR + L);
        c2_0.intoArray(tile, 2 * NR);
        c2_1.intoArray(tile, 2 * NR + L);
        c3_0.intoArray(tile, 3 * NR);
        c3_1.intoArray(tile, 3 * NR + L);
        c4_0.intoArray(tile, 4 * NR);
        c4_1.intoArray(tile, 4 * NR + L);
        c5_0.intoArray(tile, 5 * NR);
        c5_1.intoArray(tile, 5 * NR + L);
    }

    /** C = tile (beta == 0, C not read) or C += tile (beta == 1) for a full MR x NR tile at element cAt. */
    static void store(float[] tile, float beta, MemorySegment c, long cAt, long ldc) {
        for (int i = 0; i < MR; i++) {
            long at = (cAt + i * ldc) * 4;
            FloatVector x0 = FloatVector.fromArray(S, tile, i * NR);
            FloatVector x1 = FloatVector.fromArray(S, tile, i * NR + L);
            if (beta != 0f) {
                x0 = x0.add(FloatVector.fromMemorySegment(S, c, at, NATIVE));
                x1 = x1.add(FloatVector.fromMemorySegment(S, c, at + 4L * L, NATIVE));
            }
            x0.intoMemorySegment(c, at, NATIVE);
            x1.intoMemorySegment(c, at + 4L * L, NATIVE);
        }
    }

    /**
     * C[i, j] = alpha * tile[i, j] + beta * C[i, j] for i < mr, j < nr, with C's element (0, 0) at
     * element {@code cAt} and rows {@code ldc} apart. beta == 0 does not read C (it may hold garbage).
     */
    static void writeBack(float[] tile, int mr, int nr, float alpha, float beta, MemorySegment c, long cAt,
            long ldc) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (int i = 0; i < mr; i++) {
            long rowByte = (cAt + i * ldc) * 4;
            for (int j = 0; j < nr; j += L) {
                FloatVector t = FloatVector.fromArray(S, tile, i * NR + j);
                long at = rowByte + j * 4L;
                if (j + L <= nr) {
                    FloatVector out = beta == 0f ? t.mul(va)
                            : t.fma(va, FloatVector.fromMemorySegment(S, c, at, NATIVE).mul(beta));
                    out.intoMemorySegment(c, at, NATIVE);
                } else {
                    VectorMask<Float> m = S.indexInRange(j, nr);
                    FloatVector out = beta == 0f ? t.mul(va)
                            : t.fma(va, FloatVector.fromMemorySegment(S, c, at, NATIVE, m).mul(beta));
                    out.intoMemorySegment(c, at, NATIVE, m);
                }
            }
        }
    }
}
