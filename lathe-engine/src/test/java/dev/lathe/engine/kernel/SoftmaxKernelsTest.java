package dev.lathe.engine.kernel;

import static dev.lathe.engine.testing.Golden.assertClose;

import dev.lathe.engine.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SIMD softmax kernels agree with their scalar twins on awkward row lengths and large logits. */
class SoftmaxKernelsTest {
    private static final double TOL = 1e-5;
    /** Backward row sums of up to 702 terms are added in a different order by lanes than sequentially. */
    private static final double BACKWARD_TOL = 3e-5;

    @ParameterizedTest(name = "rows {0}, N {1}, scale {2}")
    @CsvSource({"3, 1, 1", "3, 7, 1", "3, 13, 10", "2, 207, 1", "2, 702, 1", "2, 702, 100", "64, 702, 3",
            "700, 13, 1"})
    void softmaxAndLogSoftmaxSimdMatchScalar(int rows, int n, float scale) {
        Tensor x = scaled(Tensor.randn(11, rows, n), scale);
        Tensor dY = Tensor.randn(12, rows, n);
        for (boolean log : new boolean[] {false, true}) {
            Tensor y1 = Tensor.zeros(rows, n);
            Tensor y2 = Tensor.zeros(rows, n);
            Tensor dX1 = Tensor.full(0.5f, rows, n);
            Tensor dX2 = Tensor.full(0.5f, rows, n);
            if (log) {
                SoftmaxKernels.logSoftmaxForward(y1.data(), x.data(), rows, n);
                SoftmaxKernels.logSoftmaxForwardScalar(y2.data(), x.data(), rows, n);
                SoftmaxKernels.logSoftmaxBackward(dX1.data(), dY.data(), y2.data(), rows, n);
                SoftmaxKernels.logSoftmaxBackwardScalar(dX2.data(), dY.data(), y2.data(), rows, n);
            } else {
                SoftmaxKernels.softmaxForward(y1.data(), x.data(), rows, n);
                SoftmaxKernels.softmaxForwardScalar(y2.data(), x.data(), rows, n);
                SoftmaxKernels.softmaxBackward(dX1.data(), dY.data(), y2.data(), rows, n);
                SoftmaxKernels.softmaxBackwardScalar(dX2.data(), dY.data(), y2.data(), rows, n);
            }
            String what = log ? "logSoftmax" : "softmax";
            assertClose(what + " y", y1, y2, TOL);
            assertClose(what + " dX", dX1, dX2, BACKWARD_TOL);
        }
    }

    static Tensor scaled(Tensor t, float scale) {
        float[] v = t.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return Tensor.of(v, t.shape());
    }
}
