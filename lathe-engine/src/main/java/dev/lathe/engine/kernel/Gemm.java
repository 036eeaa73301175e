package dev.lathe.engine.kernel;

import static dev.lathe.engine.kernel.GemmMicro.MR;
import static dev.lathe.engine.kernel.GemmMicro.NR;

import dev.lathe.engine.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Matrix multiply: {@code C(M,N) = alpha * op(A) op(B) + beta * C}, op = identity or transpose,
 * row-major storage with any leading dimension and an element offset into each segment, so
 * transposed views and batch slices are used in place. B may be stored as F16 or BF16 (weights as
 * shipped or memory-mapped); it is converted while packing. A and C are F32.
 *
 * <p>Design (GotoBLAS/BLIS): loop over NC-wide column blocks of C and KC-deep slices of K; pack
 * the B block into NR-wide micro-panels, then for each MC-tall block of A pack it into MR-tall
 * micro-panels and sweep the {@link GemmMicro} microkernel (12 x 2 vectors on AVX-512, 6 x 2
 * elsewhere) over the MR x NR tiles. The packed B block stays in L2/L3, a B micro-panel in L1,
 * and the kernel streams both with unit stride.
 * Packing buffers are per thread and allocated once. Tails are zero-padded in the panels and
 * stored with masks. Threads split the columns of C, or its rows when C is taller than wide (or
 * narrow): each thread packs all of the operand it does not split, so the split repeats the smaller
 * packing. Each thread runs the whole blocked loop on its part, so there is no synchronisation inside.
 *
 * <p>M == 1 (decode) and N == 1 take {@link Gemv}; 2 to 4 rows times F32 weights stored (N, K) (a small
 * batched decode step) take {@link GemmSkinny}. beta == 0 overwrites C without reading it.
 * {@link #gemmScalar} is the naive triple loop: the scalar twin and the benchmark's baseline.
 */
public final class Gemm {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Depth of a K slice: a B micro-panel (KC x NR) is 32 KiB at 16 lanes. */
    static final int KC = 256;
    /** Rows of a packed A block (multiple of MR): 144 x KC floats, 144 KiB, sits in L2. */
    static final int MC = (144 / MR) * MR;
    /** Columns of a packed B block (multiple of NR). */
    static final int NC = Math.max(NR, (2048 / NR) * NR);
    /** Below this many multiply-adds a product runs on the calling thread. */
    private static final long PARALLEL_MIN_WORK = 1L << 18;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Per-thread packing buffers, allocated once per thread. */
    private static final class Scratch {
        final float[] ap = new float[MC * KC];
        final float[] bp = new float[KC * NC];
        final float[] rowBuf = new float[Math.max(Math.max(NC, MC), Math.max(MR, NR) * GemmPack.STAGE)];
        final float[] tile = new float[MR * NR];
    }

    private Gemm() {}

    /** F32 product on all kernel threads; see the full overload below for the argument conventions. */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
            MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
            float beta, MemorySegment c, long cOff, int ldc) {
        gemm(Parallel.threads(), transA, transB, m, n, k, alpha, a, aOff, lda, b, DType.F32, bOff, ldb, beta, c,
                cOff, ldc);
    }

    /**
     * {@code C = alpha * op(A) op(B) + beta * C} on at most {@code threads} threads (1 = the calling
     * thread only). Element (i, p) of op(A) is {@code a[aOff + i*lda + p]}, or {@code a[aOff + p*lda + i]}
     * when {@code transA} (A stored (K, M)); likewise op(B) (K, N) from B stored (K, N), or (N, K) when
     * {@code transB}; C (M, N) at {@code c[cOff + i*ldc + j]}. Offsets and leading dimensions are in
     * elements.
     */
    public static void gemm(int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
            MemorySegment a, long aOff, int lda, MemorySegment b, DType bType, long bOff, int ldb,
            float beta, MemorySegment c, long cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bType, bOff, ldb, c, cOff, ldc);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (!Simd.ENABLED) {
            gemmScalar(transA, transB, m, n, k, alpha, a, aOff, lda, b, bType, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (m == 1) { // y(N) = op(B)^T x: op(B) stored (N, K) is the row-dot form
            Gemv.gemv(threads, !transB, n, k, alpha, a, DType.F32, aOff, transA ? lda : 1, b, bType, bOff, ldb,
                    beta, c, cOff, 1);
            return;
        }
        if (n == 1) { // y(M) = op(A) x, with x the single column of op(B)
            Gemv.gemv(threads, transA, m, k, alpha, b, bType, bOff, transB ? 1 : ldb, a, DType.F32, aOff, lda,
                    beta, c, cOff, ldc);
            return;
        }
        if (m <= GemmSkinny.MAX_M && !transA && transB && bType == DType.F32) { // a batched decode step
            GemmSkinny.gemm(threads, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        long work = (long) m * n * k;
        int t = work < PARALLEL_MIN_WORK ? 1 : Math.min(threads, Parallel.threads());
        int colTiles = (n + NR - 1) / NR;
        int rowTiles = (m + MR - 1) / MR;
        // Each thread packs all of the operand it does not split: columns repeat A's packing (M x K) on
        // every thread, rows repeat B's (K x N). So a taller than wide C with rows to spare splits rows.
        boolean splitRows = m > n && rowTiles >= 4 * t;
        if (t == 1) {
            blocked(transA, transB, k, alpha, a, aOff, lda, b, bType, bOff, ldb, beta, c, cOff, ldc, 0, m, 0, n);
        } else if (!splitRows && (colTiles >= 4 * t || colTiles >= rowTiles)) {
            Parallel.forRange(colTiles, 1, t, (s, e) -> blocked(transA, transB, k, alpha, a, aOff, lda, b, bType,
                    bOff, ldb, beta, c, cOff, ldc, 0, m, s * NR, Math.min(n, e * NR)));
        } else {
            Parallel.forRange(rowTiles, 1, t, (s, e) -> blocked(transA, transB, k, alpha, a, aOff, lda, b, bType,
                    bOff, ldb, beta, c, cOff, ldc, s * MR, Math.min(m, e * MR), 0, n));
        }
    }

    /** {@link #gemm} on the calling thread only (benchmarks, and callers that parallelise outside). */
    public static void gemmSingleThreaded(boolean transA, boolean transB, int m, int n, int k, float alpha,
            MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
            float beta, MemorySegment c, long cOff, int ldc) {
        gemm(1, transA, transB, m, n, k, alpha, a, aOff, lda, b, DType.F32, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * A batch of products with per-item element offsets (broadcast batch dims repeat an offset).
     * Items run in parallel, each single-threaded, when they are small and write distinct C blocks;
     * otherwise one after another, each on all threads (so repeated C offsets accumulate safely
     * with beta = 1).
     */
    public static void gemmBatched(int threads, int batch, boolean transA, boolean transB, int m, int n, int k,
            float alpha, MemorySegment a, long[] aOffs, int lda, MemorySegment b, DType bType, long[] bOffs,
            int ldb, float beta, MemorySegment c, long[] cOffs, int ldc) {
        if (aOffs.length < batch || bOffs.length < batch || cOffs.length < batch) {
            throw new IllegalArgumentException("offset arrays shorter than batch " + batch);
        }
        long work = (long) m * n * k;
        boolean parallelItems = threads > 1 && batch >= 2 && work < (1L << 22) && distinct(cOffs, batch);
        if (parallelItems) {
            Parallel.forRange(batch, 1, threads, (s, e) -> {
                for (int i = s; i < e; i++) {
                    gemm(1, transA, transB, m, n, k, alpha, a, aOffs[i], lda, b, bType, bOffs[i], ldb, beta, c,
                            cOffs[i], ldc);
                }
            });
        } else {
            for (int i = 0; i < batch; i++) {
                gemm(threads, transA, transB, m, n, k, alpha, a, aOffs[i], lda, b, bType, bOffs[i], ldb, beta, c,
                        cOffs[i], ldc);
            }
        }
    }

    private static boolean distinct(long[] offs, int n) {
        long[] sorted = Arrays.copyOf(offs, n);
        Arrays.sort(sorted);
        for (int i = 1; i < n; i++) {
            if (sorted[i] == sorted[i - 1]) {
                return false;
            }
        }
        return true;
    }

    /** The blocked product for rows [i0, i1) and columns [j0, j1) of C, on this thread. */
    private static void blocked(boolean transA, boolean transB, int k, float alpha, MemorySegment a, long aOff,
            int lda, MemorySegment b, DType bType, long bOff, int ldb, float beta, MemorySegment c, long cOff,
            int ldc, int i0, int i1, int j0, int j1) {
        Scratch s = SCRATCH.get();
        float[] ap = s.ap;
        float[] bp = s.bp;
        float[] tile = s.tile;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                GemmPack.packB(transB, b, bType, bOff, ldb, pc, kc, jc, nc, NR, bp, s.rowBuf);
                float betaNow = pc == 0 ? beta : 1f; // later K slices add to what the first wrote
                boolean direct = alpha == 1f && (betaNow == 0f || betaNow == 1f);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    GemmPack.packA(transA, a, aOff, lda, ic, mc, pc, kc, MR, ap, s.rowBuf);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int bi = (jr / NR) * kc * NR;
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            long cAt = cOff + (long) (ic + ir) * ldc + jc + jr;
                            GemmMicro.kernel(kc, ap, (ir / MR) * kc * MR, bp, bi, tile);
                            if (direct && nr == NR && ir + MR <= mc) {
                                GemmMicro.store(tile, betaNow, c, cAt, ldc);
                            } else {
                                GemmMicro.writeBack(tile, Math.min(MR, mc - ir), nr, alpha, betaNow, c, cAt, ldc);
                            }
                        }
                    }
                }
            }
        }
    }

    /** C = beta * C (beta == 0 writes zeros without reading). */
    static void scale(int m, int n, float beta, MemorySegment c, long cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            long row = cOff + (long) i * ldc;
            for (int j = 0; j < n; j++) {
                c.setAtIndex(F32, row + j, beta == 0f ? 0f : beta * c.getAtIndex(F32, row + j));
            }
        }
    }

    /** The naive triple loop over the same arguments, F32 B: the scalar twin and benchmark baseline. */
    public static void gemmScalar(boolean transA, boolean transB, int m, int n, int k, float alpha,
            MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
            float beta, MemorySegment c, long cOff, int ldc) {
        gemmScalar(transA, transB, m, n, k, alpha, a, aOff, lda, b, DType.F32, bOff, ldb, beta, c, cOff, ldc);
    }

    /** The naive triple loop, any B storage type. */
    public static void gemmScalar(boolean transA, boolean transB, int m, int n, int k, float alpha,
            MemorySegment a, long aOff, int lda, MemorySegment b, DType bType, long bOff, int ldb,
            float beta, MemorySegment c, long cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bType, bOff, ldb, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float av = a.getAtIndex(F32, transA ? aOff + (long) p * lda + i : aOff + (long) i * lda + p);
                    float bv = bType == DType.F32
                            ? b.getAtIndex(F32, transB ? bOff + (long) j * ldb + p : bOff + (long) p * ldb + j)
                            : Convert.load(b, bType, transB ? bOff + (long) j * ldb + p : bOff + (long) p * ldb + j);
                    sum += av * bv;
                }
                long at = cOff + (long) i * ldc + j;
                c.setAtIndex(F32, at, beta == 0f ? alpha * sum : alpha * sum + beta * c.getAtIndex(F32, at));
            }
        }
    }

    static void check(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, long aOff, int lda,
            MemorySegment b, DType bType, long bOff, int ldb, MemorySegment c, long cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm dimensions must be >= 0, got M=" + m + " N=" + n + " K=" + k);
        }
        requireFits("A", a, DType.F32, aOff, transA ? k : m, transA ? m : k, lda);
        requireFits("B", b, bType, bOff, transB ? n : k, transB ? k : n, ldb);
        requireFits("C", c, DType.F32, cOff, m, n, ldc);
    }

    /** Checks that a rows x cols row-major matrix at {@code off} with leading dimension ld fits the segment. */
    static void requireFits(String name, MemorySegment seg, DType type, long off, int rows, int cols, int ld) {
        if (rows == 0 || cols == 0) {
            return;
        }
        if (off < 0 || (rows > 1 && ld < cols)) {
            throw new IllegalArgumentException(name + ": offset " + off + " / leading dimension " + ld
                    + " invalid for a stored (" + rows + ", " + cols + ") matrix (need offset >= 0, ld >= " + cols
                    + ")");
        }
        long last = off + (long) (rows - 1) * ld + cols - 1;
        if ((last + 1) * type.byteSize() > seg.byteSize()) {
            throw new IllegalArgumentException(name + ": a stored (" + rows + ", " + cols + ") " + type
                    + " matrix at offset " + off + " with leading dimension " + ld + " needs " + (last + 1)
                    + " elements, the segment holds " + seg.byteSize() / type.byteSize());
        }
    }
}
