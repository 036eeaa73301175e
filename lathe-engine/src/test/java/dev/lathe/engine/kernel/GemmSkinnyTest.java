package dev.lathe.engine.kernel;

import static dev.lathe.engine.kernel.GemmTest.assertClose;
import static dev.lathe.engine.kernel.GemmTest.copy;
import static dev.lathe.engine.kernel.GemmTest.random;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.tensor.DType;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The few-rows product of a batched decode step ({@link GemmSkinny}, reached through {@link Gemm} for
 * 2..16 rows times weights stored (N, K)) against the scalar twin on awkward sizes, and bitwise against
 * {@link Gemv} row by row: a sequence must get the same logits in a batch as alone.
 */
class GemmSkinnyTest {

    @ParameterizedTest(name = "K={0}")
    @ValueSource(ints = {1, 7, 13, 64, 207, 768})
    void everyRowCountMatchesTheScalarTwinWithOffsetsPaddingAlphaAndBeta(int k) {
        for (int n : new int[] {1, 3, 4, 7, 13, 65}) {
            for (int m = 2; m <= GemmSkinny.MAX_M; m++) {
                int lda = k + 3;
                int ldw = k + 5;
                int ldc = n + 2;
                MemorySegment a = random(11 + (long) m * lda, 1);
                MemorySegment w = random(7 + (long) n * ldw, 2);
                MemorySegment c0 = random(5 + (long) m * ldc, 3);
                for (float[] ab : new float[][] {{1f, 0f}, {0.7f, 0.3f}}) {
                    MemorySegment expected = copy(c0);
                    Gemm.gemmScalar(false, true, m, n, k, ab[0], a, 11, lda, w, 7, ldw, ab[1], expected, 5, ldc);
                    MemorySegment actual = copy(c0);
                    Gemm.gemm(2, false, true, m, n, k, ab[0], a, 11, lda, w, DType.F32, 7, ldw, ab[1], actual, 5, ldc);
                    assertClose("M=" + m + " N=" + n + " K=" + k + " alpha " + ab[0], actual, expected, k);
                }
            }
        }
    }

    @ParameterizedTest(name = "K={0}")
    @ValueSource(ints = {13, 768})
    void eachRowEqualsGemvOfThatRowAloneBitForBit(int k) {
        int n = 67;
        int m = 11;
        MemorySegment a = random((long) m * k, 4);
        MemorySegment w = random((long) n * k, 5);
        MemorySegment batched = MemorySegment.ofArray(new float[m * n]);
        Gemm.gemm(2, false, true, m, n, k, 1f, a, 0, k, w, DType.F32, 0, k, 0f, batched, 0, n);
        for (int i = 0; i < m; i++) {
            MemorySegment alone = MemorySegment.ofArray(new float[n]);
            Gemm.gemm(2, false, true, 1, n, k, 1f, a, (long) i * k, k, w, DType.F32, 0, k, 0f, alone, 0, n);
            assertThat(batched.asSlice((long) i * n * 4, (long) n * 4).mismatch(alone)).as("row " + i).isEqualTo(-1L);
        }
    }
}
