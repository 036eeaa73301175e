package dev.lathe.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RopeKernelsTest {

    /** Both paths compute the same products and sums without FMA, so they must agree exactly. */
    @ParameterizedTest
    @ValueSource(ints = {2, 6, 14, 26, 206, 702})
    void simdAndScalarPathsAgreeExactlyOnAwkwardHeadDims(int d) {
        int rows = 3;
        int t = 5;
        int positions = 9;
        int[] pos = {8, 0, 3, 3, 7};
        Tensor x = Tensor.randn(d, rows, t, d);
        Tensor cos = Tensor.randn(d + 1, positions, d);
        Tensor sin = Tensor.randn(d + 2, positions, d);
        Tensor dOut = Tensor.randn(d + 3, rows, t, d);
        for (boolean interleaved : new boolean[] {false, true}) {
            Tensor simd = Tensor.zeros(rows, t, d);
            Tensor scalar = Tensor.zeros(rows, t, d);
            RopeKernels.forward(simd.data(), x.data(), cos.data(), sin.data(), pos, rows, t, d, interleaved);
            RopeKernels.forwardScalar(scalar.data(), x.data(), cos.data(), sin.data(), pos, rows, t, d, interleaved);
            assertSame("forward interleaved=" + interleaved + " D=" + d, simd, scalar);

            Tensor dSimd = Tensor.full(0.5f, rows, t, d); // backward accumulates onto what is there
            Tensor dScalar = Tensor.full(0.5f, rows, t, d);
            RopeKernels.backward(dSimd.data(), dOut.data(), cos.data(), sin.data(), pos, rows, t, d, interleaved);
            RopeKernels.backwardScalar(dScalar.data(), dOut.data(), cos.data(), sin.data(), pos, rows, t, d,
                    interleaved);
            assertSame("backward interleaved=" + interleaved + " D=" + d, dSimd, dScalar);
        }
    }

    private static void assertSame(String what, Tensor simd, Tensor scalar) {
        float[] a = simd.toFloatArray();
        float[] b = scalar.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                throw new AssertionError(what + ": element " + i + " (row " + i / (a.length / 15) + ") simd " + a[i]
                        + " scalar " + b[i]);
            }
        }
    }
}
