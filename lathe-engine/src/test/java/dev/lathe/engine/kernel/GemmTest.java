package dev.lathe.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The blocked SIMD GEMM and GEMV against their naive scalar twins on awkward sizes (tails in every
 * dimension, the M == 1 and N == 1 GEMV paths), all four transpose combinations, alpha/beta,
 * element offsets and padded leading dimensions. Tolerance: |diff| <= 2e-6 * (K + 1) + 1e-5 * |ref|,
 * which covers F32 summation in a different order over K products of N(0, 1) values.
 */
class GemmTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** (M, K, N) triples. */
    static Stream<int[]> sizes() {
        return Stream.of(new int[] {1, 1, 1}, new int[] {7, 13, 1}, new int[] {1, 702, 13}, new int[] {13, 7, 207},
                new int[] {65, 33, 129}, new int[] {207, 13, 702}, new int[] {702, 1, 7}, new int[] {7, 702, 13},
                new int[] {1, 207, 702}, new int[] {702, 207, 1}, new int[] {207, 207, 207},
                new int[] {13, 702, 65}, new int[] {2, 300, 3}, new int[] {6, 256, 32}, new int[] {150, 520, 70},
                new int[] {300, 40, 260}); // the last: taller than wide with columns to spare (threads split rows)
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        sizes().forEach(s -> {
            for (int t = 0; t < 4; t++) {
                out.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
            }
        });
        return out.stream();
    }

    static MemorySegment random(long n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1) * 1.7f;
        }
        return MemorySegment.ofArray(v);
    }

    static MemorySegment copy(MemorySegment s) {
        return MemorySegment.ofArray(s.toArray(ValueLayout.JAVA_FLOAT));
    }

    static void assertClose(String what, MemorySegment actual, MemorySegment expected, int k) {
        float[] a = actual.toArray(ValueLayout.JAVA_FLOAT);
        float[] e = expected.toArray(ValueLayout.JAVA_FLOAT);
        for (int i = 0; i < a.length; i++) {
            double tol = 2e-6 * (k + 1) + 1e-5 * Math.abs(e[i]);
            if (!(Math.abs(a[i] - e[i]) <= tol)) {
                throw new AssertionError(what + ": element " + i + " is " + a[i] + ", scalar twin gives " + e[i]
                        + " (tolerance " + tol + ")");
            }
        }
    }

    @ParameterizedTest(name = "M={0} K={1} N={2} transA={3} transB={4}")
    @MethodSource("cases")
    void blockedGemmMatchesTheScalarTwinWithOffsetsPaddingAlphaAndBeta(int m, int k, int n, boolean transA,
            boolean transB) {
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 5;
        int ldc = n + 2;
        long aOff = 11;
        long bOff = 7;
        long cOff = 5;
        MemorySegment a = random(aOff + (long) (transA ? k : m) * lda, 1);
        MemorySegment b = random(bOff + (long) (transB ? n : k) * ldb, 2);
        MemorySegment c0 = random(cOff + (long) m * ldc, 3);
        // alpha 1 with beta 0 or 1 takes the microkernel's direct stores into C; the others the tile path.
        for (float[] ab : new float[][] {{0.7f, 0f}, {0.7f, 0.3f}, {1f, 0f}, {1f, 1f}}) {
            float alpha = ab[0];
            float beta = ab[1];
            MemorySegment expected = copy(c0);
            Gemm.gemmScalar(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
            MemorySegment single = copy(c0);
            Gemm.gemm(1, transA, transB, m, n, k, alpha, a, aOff, lda, b, DType.F32, bOff, ldb, beta, single, cOff,
                    ldc);
            assertClose("single-threaded, alpha " + alpha + ", beta " + beta, single, expected, k);
            MemorySegment multi = copy(c0);
            Gemm.gemm(4, transA, transB, m, n, k, alpha, a, aOff, lda, b, DType.F32, bOff, ldb, beta, multi, cOff,
                    ldc);
            // Threads split C into whole tiles, so each element sees the same operations in the same order.
            assertThat(multi.mismatch(single)).as("first byte where multi-threaded differs").isEqualTo(-1L);
        }
    }

    @Test
    void betaZeroOverwritesCWithoutReadingIt() {
        int m = 9;
        int n = 40;
        int k = 17;
        MemorySegment a = random(m * k, 4);
        MemorySegment b = random(k * n, 5);
        MemorySegment c = MemorySegment.ofArray(new float[m * n]);
        for (long i = 0; i < m * n; i++) {
            c.setAtIndex(F32, i, Float.NaN);
        }
        Gemm.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        MemorySegment expected = MemorySegment.ofArray(new float[m * n]);
        Gemm.gemmScalar(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        assertClose("beta 0 over NaN", c, expected, k);
    }

    @Test
    void kZeroScalesCByBeta() {
        MemorySegment c = MemorySegment.ofArray(new float[] {1, 2, 3, 4});
        MemorySegment empty = MemorySegment.ofArray(new float[0]);
        Gemm.gemm(false, false, 2, 2, 0, 1f, empty, 0, 0, empty, 0, 2, 0.5f, c, 0, 2);
        assertThat(c.toArray(ValueLayout.JAVA_FLOAT)).containsExactly(0.5f, 1f, 1.5f, 2f);
    }

    @ParameterizedTest(name = "M={0} K={1} N={2} transA={3} transB={4}")
    @MethodSource("cases")
    void halfPrecisionBIsConvertedWhilePacking(int m, int k, int n, boolean transA, boolean transB) {
        if ((long) m * n * k > 3_000_000) {
            return; // the scalar twin converts per element; the big shapes add nothing here
        }
        for (DType type : new DType[] {DType.BF16, DType.F16}) {
            int lda = transA ? m : k;
            int ldb = transB ? k : n;
            MemorySegment a = random((long) m * k, 6);
            MemorySegment bF32 = random((long) n * k, 7);
            MemorySegment b = MemorySegment.ofArray(new short[n * k]);
            Convert.convert(bF32, DType.F32, b, type, (long) n * k);
            MemorySegment expected = MemorySegment.ofArray(new float[m * n]);
            Gemm.gemmScalar(transA, transB, m, n, k, 1f, a, 0, lda, b, type, 0, ldb, 0f, expected, 0, n);
            MemorySegment actual = MemorySegment.ofArray(new float[m * n]);
            Gemm.gemm(2, transA, transB, m, n, k, 1f, a, 0, lda, b, type, 0, ldb, 0f, actual, 0, n);
            assertClose(type + " B", actual, expected, k);
        }
    }

    @ParameterizedTest(name = "N={0} K={1}")
    @MethodSource("gemvSizes")
    void gemvMatchesItsScalarTwinInBothLayoutsWithStrides(int n, int k) {
        // N = 2304, K = 77 and the like take the threaded paths; all sizes hit vector tails.
        for (boolean transW : new boolean[] {false, true}) {
            for (DType wType : new DType[] {DType.F32, DType.BF16, DType.F16}) {
                int ldw = (transW ? n : k) + 3;
                long rows = transW ? k : n;
                MemorySegment wF32 = random(rows * ldw + 4, 8);
                MemorySegment w = wF32;
                if (wType != DType.F32) {
                    w = MemorySegment.ofArray(new short[(int) (rows * ldw + 4)]);
                    Convert.convert(wF32, DType.F32, w, wType, rows * ldw + 4);
                }
                for (int inc : new int[] {1, 3}) {
                    MemorySegment x = random(2 + (long) k * inc, 9);
                    MemorySegment y0 = random(1 + (long) n * inc, 10);
                    MemorySegment expected = copy(y0);
                    Gemv.gemvScalar(transW, n, k, 1.3f, x, DType.F32, 2, inc, w, wType, 4, ldw, 0.5f, expected, 1,
                            inc);
                    MemorySegment actual = copy(y0);
                    Gemv.gemv(2, transW, n, k, 1.3f, x, DType.F32, 2, inc, w, wType, 4, ldw, 0.5f, actual, 1, inc);
                    assertClose("gemv transW=" + transW + " " + wType + " inc " + inc, actual, expected, k);
                }
            }
        }
    }

    static Stream<Arguments> gemvSizes() {
        return Stream.of(Arguments.of(1, 1), Arguments.of(7, 13), Arguments.of(13, 702), Arguments.of(207, 7),
                Arguments.of(702, 207), Arguments.of(2304, 77), Arguments.of(64, 64));
    }

    @Test
    void batchedProductsMatchOneAtATimeIncludingRepeatedOutputsThatAccumulate() {
        int m = 13;
        int k = 9;
        int n = 35;
        int batch = 5;
        MemorySegment a = random((long) batch * m * k, 11);
        MemorySegment b = random((long) k * n, 12); // broadcast: every item uses the same B
        long[] aOffs = new long[batch];
        long[] bOffs = new long[batch];
        long[] distinct = new long[batch];
        long[] same = new long[batch];
        for (int i = 0; i < batch; i++) {
            aOffs[i] = (long) i * m * k;
            distinct[i] = (long) i * m * n;
        }
        MemorySegment expected = MemorySegment.ofArray(new float[batch * m * n]);
        MemorySegment expectedSum = MemorySegment.ofArray(new float[m * n]);
        for (int i = 0; i < batch; i++) {
            Gemm.gemmScalar(false, false, m, n, k, 1f, a, aOffs[i], k, b, 0, n, 0f, expected, distinct[i], n);
            Gemm.gemmScalar(false, false, m, n, k, 1f, a, aOffs[i], k, b, 0, n, 1f, expectedSum, 0, n);
        }
        MemorySegment actual = MemorySegment.ofArray(new float[batch * m * n]);
        Gemm.gemmBatched(2, batch, false, false, m, n, k, 1f, a, aOffs, k, b, DType.F32, bOffs, n, 0f, actual,
                distinct, n);
        assertClose("batched", actual, expected, k);
        MemorySegment sum = MemorySegment.ofArray(new float[m * n]);
        Gemm.gemmBatched(2, batch, false, false, m, n, k, 1f, a, aOffs, k, b, DType.F32, bOffs, n, 1f, sum, same, n);
        assertClose("batched into one C", sum, expectedSum, k * batch);
    }

    @Test
    void argumentsThatDoNotFitTheSegmentsAreRejectedNamingTheMatrix() {
        MemorySegment small = MemorySegment.ofArray(new float[10]);
        MemorySegment big = MemorySegment.ofArray(new float[100]);
        assertThatThrownBy(() -> Gemm.gemm(false, false, 4, 4, 4, 1f, small, 0, 4, big, 0, 4, 0f, big, 0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A:");
        assertThatThrownBy(() -> Gemm.gemm(false, false, 4, 4, 4, 1f, big, 0, 3, big, 0, 4, 0f, big, 0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leading dimension 3");
    }
}
