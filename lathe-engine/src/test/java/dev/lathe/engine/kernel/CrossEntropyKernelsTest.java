package dev.lathe.engine.kernel;

import static dev.lathe.engine.testing.Golden.assertClose;

import dev.lathe.engine.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fused SIMD cross-entropy kernels agree with their scalar twins on awkward vocabulary sizes. */
class CrossEntropyKernelsTest {
    private static final double TOL = 1e-5;

    @ParameterizedTest(name = "rows {0}, V {1}, smoothing {2}, scale {3}")
    @CsvSource({"5, 1, 0, 1", "5, 7, 0.1, 1", "5, 13, 0, 10", "4, 207, 0.1, 1", "4, 702, 0, 1", "4, 702, 0.1, 100",
            "64, 702, 0.1, 3", "700, 13, 0, 1"})
    void fusedCrossEntropySimdMatchesScalar(int rows, int v, float smoothing, float scale) {
        Tensor x = SoftmaxKernelsTest.scaled(Tensor.randn(21, rows, v), scale);
        int[] targets = new int[rows];
        SplittableRandom random = new SplittableRandom(22);
        for (int i = 0; i < rows; i++) {
            targets[i] = i % 3 == 1 ? -100 : random.nextInt(v);
        }
        Tensor loss1 = Tensor.zeros(rows);
        Tensor loss2 = Tensor.zeros(rows);
        Tensor lse1 = Tensor.zeros(rows, 2);
        Tensor lse2 = Tensor.zeros(rows, 2);
        CrossEntropyKernels.forward(loss1.data(), lse1.data(), x.data(), targets, rows, v, -100, smoothing);
        CrossEntropyKernels.forwardScalar(loss2.data(), lse2.data(), x.data(), targets, rows, v, -100, smoothing);
        assertClose("row loss", loss1, loss2, TOL);
        assertClose("row max and log-sum-exp", lse1, lse2, TOL);

        Tensor dLoss = Tensor.randn(23, rows);
        Tensor dX1 = Tensor.full(0.5f, rows, v);
        Tensor dX2 = Tensor.full(0.5f, rows, v);
        CrossEntropyKernels.backward(dX1.data(), dLoss.data(), x.data(), lse2.data(), targets, rows, v, -100, smoothing);
        CrossEntropyKernels.backwardScalar(dX2.data(), dLoss.data(), x.data(), lse2.data(), targets, rows, v, -100,
                smoothing);
        assertClose("dX", dX1, dX2, TOL);
    }
}
