package dev.lathe.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked microkernel of {@link Gemm}: an MR x NR tile of C (MR = 6 rows, NR = 2
 * vectors of {@link Simd#F}) accumulated over a packed A micro-panel and a packed B micro-panel with
 * one broadcast and two FMAs per row and step of K. Twelve accumulators plus two B vectors and one
 * broadcast fit the 16 vector registers of the narrowest SIMD ISAs we target, and twelve independent
 * FMA chains cover the FMA latency.
 *
 * <p>The accumulators go to a small tile buffer, and {@link #writeBack} merges the tile into C
 * ({@code C = alpha * tile + beta * C}) with masked stores on the right/bottom edges.
 */
final class GemmMicro {
    static final VectorSpecies<Float> S = Simd.F;
    static final int L = S.length();
    /** Rows of the C tile. */
    static final int MR = 6;
    /** Columns of the C tile: two vectors. */
    static final int NR = 2 * L;

    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private GemmMicro() {}

    /**
     * tile(MR, NR) = sum over p < kc of ap[ai + p*MR + i] * bp[bi + p*NR + j]. The panels are
     * zero-padded, so the full tile is always computed.
     */
    static void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            ai += MR;
            bi += NR;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
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
