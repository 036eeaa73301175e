package dev.lathe.engine.kernel;

import dev.lathe.engine.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packing for {@link Gemm}: copies a block of op(A) into MR-row micro-panels and a block of op(B)
 * into NR-column micro-panels, so the microkernel streams both with unit stride whatever the source
 * layout (transposed or not, any leading dimension, F16/BF16 weights converted here). Panels past
 * the edge of the matrix are zero-padded, so the microkernel never needs a tail case.
 *
 * <p>Layouts (all float[], row index p along K):
 * A block (mc x kc) → panel r holds rows [r*MR, r*MR+MR): element (i, p) at {@code r*kc*MR + p*MR + i}.
 * B block (kc x nc) → panel q holds cols [q*NR, q*NR+NR): element (p, j) at {@code q*kc*NR + p*NR + j}.
 *
 * <p>Where a panel's rows run across the source's contiguous direction (A stored (M, K), B stored
 * (N, K)) packing is a small transpose: the panel's source rows are staged {@link #STAGE} floats
 * apart in a row buffer, then each output vector is one gather from it (indices precomputed per
 * panel width), so the panel is written whole vectors at a time rather than one float at a stride.
 */
final class GemmPack {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort S16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Stride of the staged source rows in the row buffer: the deepest K slice. */
    static final int STAGE = Gemm.KC;
    /** Gather indices for A panels (MR rows) and B panels (NR columns); see {@link #gatherMaps}. */
    private static final int[][] MAPS_A = gatherMaps(GemmMicro.MR);
    private static final int[][] MAPS_B = gatherMaps(GemmMicro.NR);

    private GemmPack() {}

    /** Copies {@code n} contiguous elements of type {@code type} starting at element {@code at} into {@code dst}. */
    static void loadRow(MemorySegment src, DType type, long at, int n, float[] dst, int dstOff) {
        switch (type) {
            case F32 -> MemorySegment.copy(src, F32, at * 4, dst, dstOff, n);
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = Float.intBitsToFloat((src.getAtIndex(S16, at + i) & 0xFFFF) << 16);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = Float.float16ToFloat(src.getAtIndex(S16, at + i));
                }
            }
        }
    }

    /**
     * Packs rows [i0, i0+mc) and columns [p0, p0+kc) of op(A) (F32). {@code rowBuf} holds at least
     * max(kc, mc, MR * STAGE) floats.
     */
    static void packA(boolean transA, MemorySegment a, long aOff, int lda, int i0, int mc, int p0, int kc,
            int mr, float[] ap, float[] rowBuf) {
        int panels = (mc + mr - 1) / mr;
        if (!transA) {
            // A stored (M, K): each source row is contiguous along K; transpose MR rows at a time.
            if (mr == GemmMicro.MR && kc <= STAGE) {
                for (int r = 0; r < panels; r++) {
                    int rows = Math.min(mr, mc - r * mr);
                    for (int i = 0; i < rows; i++) {
                        loadRow(a, DType.F32, aOff + (long) (i0 + r * mr + i) * lda + p0, kc, rowBuf, i * STAGE);
                    }
                    for (int i = rows; i < mr; i++) {
                        Arrays.fill(rowBuf, i * STAGE, i * STAGE + kc, 0f);
                    }
                    transposeStaged(rowBuf, kc, mr, MAPS_A, ap, r * kc * mr);
                }
                return;
            }
            for (int i = 0; i < panels * mr; i++) {
                int base = (i / mr) * kc * mr + (i % mr);
                if (i < mc) {
                    loadRow(a, DType.F32, aOff + (long) (i0 + i) * lda + p0, kc, rowBuf, 0);
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * mr] = rowBuf[p];
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * mr] = 0f;
                    }
                }
            }
        } else {
            // A stored (K, M): each source row p is contiguous along M; copy MR-wide pieces.
            for (int p = 0; p < kc; p++) {
                loadRow(a, DType.F32, aOff + (long) (p0 + p) * lda + i0, mc, rowBuf, 0);
                for (int r = 0; r < panels; r++) {
                    int dst = r * kc * mr + p * mr;
                    int len = Math.min(mr, mc - r * mr);
                    System.arraycopy(rowBuf, r * mr, ap, dst, len);
                    if (len < mr) {
                        Arrays.fill(ap, dst + len, dst + mr, 0f);
                    }
                }
            }
        }
    }

    /**
     * Packs rows [p0, p0+kc) and columns [j0, j0+nc) of op(B), converting from {@code bType}.
     * {@code rowBuf} holds at least max(kc, nc, NR * STAGE) floats.
     */
    static void packB(boolean transB, MemorySegment b, DType bType, long bOff, int ldb, int p0, int kc, int j0,
            int nc, int nr, float[] bp, float[] rowBuf) {
        int panels = (nc + nr - 1) / nr;
        if (!transB) {
            // B stored (K, N): row p is contiguous along N; copy NR-wide pieces into each panel.
            if (bType == DType.F32 && nr % L == 0) {
                for (int p = 0; p < kc; p++) {
                    copyRowF32(b, (bOff + (long) (p0 + p) * ldb + j0) * 4, nc, nr, bp, p * nr, kc * nr);
                }
                return;
            }
            for (int p = 0; p < kc; p++) {
                loadRow(b, bType, bOff + (long) (p0 + p) * ldb + j0, nc, rowBuf, 0);
                for (int q = 0; q < panels; q++) {
                    int dst = q * kc * nr + p * nr;
                    int len = Math.min(nr, nc - q * nr);
                    System.arraycopy(rowBuf, q * nr, bp, dst, len);
                    if (len < nr) {
                        Arrays.fill(bp, dst + len, dst + nr, 0f);
                    }
                }
            }
        } else {
            // B stored (N, K) (nn.Linear weights): row j is contiguous along K; transpose NR rows at a time.
            if (nr == GemmMicro.NR && kc <= STAGE) {
                for (int q = 0; q < panels; q++) {
                    int cols = Math.min(nr, nc - q * nr);
                    for (int j = 0; j < cols; j++) {
                        loadRow(b, bType, bOff + (long) (j0 + q * nr + j) * ldb + p0, kc, rowBuf, j * STAGE);
                    }
                    for (int j = cols; j < nr; j++) {
                        Arrays.fill(rowBuf, j * STAGE, j * STAGE + kc, 0f);
                    }
                    transposeStaged(rowBuf, kc, nr, MAPS_B, bp, q * kc * nr);
                }
                return;
            }
            for (int j = 0; j < panels * nr; j++) {
                int base = (j / nr) * kc * nr + (j % nr);
                if (j < nc) {
                    loadRow(b, bType, bOff + (long) (j0 + j) * ldb + p0, kc, rowBuf, 0);
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * nr] = rowBuf[p];
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * nr] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Copies one F32 source row of nc floats (at byte {@code src}) into consecutive NR-wide panels,
     * {@code panelStride} floats apart from {@code dst} on; the last panel's tail is zero-filled.
     */
    private static void copyRowF32(MemorySegment b, long src, int nc, int nr, float[] bp, int dst, int panelStride) {
        int j = 0;
        for (; j + L <= nc; j += L) {
            FloatVector.fromMemorySegment(S, b, src + 4L * j, NATIVE)
                    .intoArray(bp, dst + (j / nr) * panelStride + j % nr);
        }
        int padded = (nc + nr - 1) / nr * nr;
        for (; j < padded; j += L) {
            FloatVector.fromMemorySegment(S, b, src + 4L * j, NATIVE, S.indexInRange(j, nc))
                    .intoArray(bp, dst + (j / nr) * panelStride + j % nr);
        }
    }

    /**
     * Writes a panel of w-wide K steps: out[dst + p*w + i] = staged[i*STAGE + p] for p < kc, i < w,
     * a vector at a time. Every lcm(L, w) outputs cover lcm/w steps of p and the source indices
     * repeat shifted by that many p, so {@code maps} holds one index vector per output vector.
     */
    private static void transposeStaged(float[] staged, int kc, int w, int[][] maps, float[] out, int dst) {
        int vecs = maps.length;
        int steps = vecs * L / w;
        int p = 0;
        for (; p + steps <= kc; p += steps) {
            for (int t = 0; t < vecs; t++) {
                FloatVector.fromArray(S, staged, p, maps[t], 0).intoArray(out, dst + p * w + t * L);
            }
        }
        for (; p < kc; p++) {
            for (int i = 0; i < w; i++) {
                out[dst + p * w + i] = staged[i * STAGE + p];
            }
        }
    }

    /** For panel width w: output element e of a group of lcm(L, w) reads staged[(e % w) * STAGE + e / w]. */
    static int[][] gatherMaps(int w) {
        int g = L;
        for (int h = w; h != 0; ) {
            int t = g % h;
            g = h;
            h = t;
        }
        int lcm = L / g * w;
        int[][] maps = new int[lcm / L][L];
        for (int e = 0; e < lcm; e++) {
            maps[e / L][e % L] = (e % w) * STAGE + e / w;
        }
        return maps;
    }
}
