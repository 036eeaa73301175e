package dev.lathe.engine.kernel;

import dev.lathe.engine.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Packing for {@link Gemm}: copies a block of op(A) into MR-row micro-panels and a block of op(B)
 * into NR-column micro-panels, so the microkernel streams both with unit stride whatever the source
 * layout (transposed or not, any leading dimension, F16/BF16 weights converted here). Panels past
 * the edge of the matrix are zero-padded, so the microkernel never needs a tail case.
 *
 * <p>Layouts (all float[], row index p along K):
 * A block (mc x kc) → panel r holds rows [r*MR, r*MR+MR): element (i, p) at {@code r*kc*MR + p*MR + i}.
 * B block (kc x nc) → panel q holds cols [q*NR, q*NR+NR): element (p, j) at {@code q*kc*NR + p*NR + j}.
 */
final class GemmPack {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort S16 = ValueLayout.JAVA_SHORT_UNALIGNED;

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
     * max(kc, mc) floats.
     */
    static void packA(boolean transA, MemorySegment a, long aOff, int lda, int i0, int mc, int p0, int kc,
            int mr, float[] ap, float[] rowBuf) {
        int panels = (mc + mr - 1) / mr;
        if (!transA) {
            // A stored (M, K): each source row is contiguous along K; scatter it with stride MR.
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
     * {@code rowBuf} holds at least max(kc, nc) floats.
     */
    static void packB(boolean transB, MemorySegment b, DType bType, long bOff, int ldb, int p0, int kc, int j0,
            int nc, int nr, float[] bp, float[] rowBuf) {
        int panels = (nc + nr - 1) / nr;
        if (!transB) {
            // B stored (K, N): row p is contiguous along N; copy NR-wide pieces into each panel.
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
            // B stored (N, K) (nn.Linear weights): row j is contiguous along K; scatter with stride NR.
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
}
