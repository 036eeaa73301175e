package dev.lathe.engine.kernel;

import static dev.lathe.engine.testing.Golden.assertClose;

import dev.lathe.engine.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SIMD (and parallel, blocked) norm kernels agree with their scalar twins on awkward sizes. */
class NormKernelsTest {
    private static final double TOL = 2e-5;

    @ParameterizedTest(name = "rows {0}, N {1}")
    @CsvSource({"3, 1", "3, 7", "3, 13", "2, 207", "2, 702", "64, 702", "700, 13"})
    void rmsNormSimdMatchesScalarForwardAndBackward(int rows, int n) {
        Tensor x = Tensor.randn(1, rows, n);
        Tensor w = Tensor.randn(2, n);
        Tensor dY = Tensor.randn(3, rows, n);
        Tensor y1 = Tensor.zeros(rows, n);
        Tensor y2 = Tensor.zeros(rows, n);
        Tensor inv1 = Tensor.zeros(rows);
        Tensor inv2 = Tensor.zeros(rows);
        NormKernels.rmsNormForward(y1.data(), inv1.data(), x.data(), w.data(), rows, n, 1e-5f);
        NormKernels.rmsNormForwardScalar(y2.data(), inv2.data(), x.data(), w.data(), rows, n, 1e-5f);
        assertClose("y", y1, y2, TOL);
        assertClose("invRms", inv1, inv2, TOL);

        Tensor dX1 = Tensor.full(0.5f, rows, n); // backward accumulates: start from non-zero
        Tensor dX2 = Tensor.full(0.5f, rows, n);
        Tensor dW1 = Tensor.full(0.25f, n);
        Tensor dW2 = Tensor.full(0.25f, n);
        NormKernels.rmsNormBackward(dX1.data(), dW1.data(), dY.data(), x.data(), w.data(), inv2.data(), rows, n);
        NormKernels.rmsNormBackwardScalar(dX2.data(), dW2.data(), dY.data(), x.data(), w.data(), inv2.data(), rows, n);
        assertClose("dX", dX1, dX2, TOL);
        assertClose("dW", dW1, dW2, TOL * Math.sqrt(rows));

        Tensor dXOnly = Tensor.full(0.5f, rows, n); // dW not needed
        NormKernels.rmsNormBackward(dXOnly.data(), null, dY.data(), x.data(), w.data(), inv2.data(), rows, n);
        assertClose("dX without dW", dXOnly, dX2, TOL);
    }

    @ParameterizedTest(name = "rows {0}, N {1}, affine {2}")
    @CsvSource({"3, 1, true", "3, 7, false", "3, 13, true", "2, 207, true", "2, 702, false", "64, 702, true",
            "700, 13, true"})
    void layerNormSimdMatchesScalarForwardAndBackward(int rows, int n, boolean affine) {
        Tensor x = Tensor.randn(4, rows, n);
        Tensor w = affine ? Tensor.randn(5, n) : null;
        Tensor b = affine ? Tensor.randn(6, n) : null;
        Tensor dY = Tensor.randn(7, rows, n);
        Tensor y1 = Tensor.zeros(rows, n);
        Tensor y2 = Tensor.zeros(rows, n);
        Tensor mean1 = Tensor.zeros(rows);
        Tensor mean2 = Tensor.zeros(rows);
        Tensor rstd1 = Tensor.zeros(rows);
        Tensor rstd2 = Tensor.zeros(rows);
        NormKernels.layerNormForward(y1.data(), mean1.data(), rstd1.data(), x.data(), data(w), data(b), rows, n, 1e-5f);
        NormKernels.layerNormForwardScalar(y2.data(), mean2.data(), rstd2.data(), x.data(), data(w), data(b), rows, n,
                1e-5f);
        assertClose("y", y1, y2, TOL);
        assertClose("mean", mean1, mean2, TOL);
        assertClose("rstd", rstd1, rstd2, TOL);

        Tensor dX1 = Tensor.full(0.5f, rows, n);
        Tensor dX2 = Tensor.full(0.5f, rows, n);
        Tensor dW1 = Tensor.full(0.25f, n);
        Tensor dW2 = Tensor.full(0.25f, n);
        Tensor dB1 = Tensor.full(-0.25f, n);
        Tensor dB2 = Tensor.full(-0.25f, n);
        NormKernels.layerNormBackward(dX1.data(), dW1.data(), dB1.data(), dY.data(), x.data(), data(w), mean2.data(),
                rstd2.data(), rows, n);
        NormKernels.layerNormBackwardScalar(dX2.data(), dW2.data(), dB2.data(), dY.data(), x.data(), data(w),
                mean2.data(), rstd2.data(), rows, n);
        assertClose("dX", dX1, dX2, TOL);
        assertClose("dW", dW1, dW2, TOL * Math.sqrt(rows));
        assertClose("dB", dB1, dB2, TOL * Math.sqrt(rows));

        Tensor dBOnly = Tensor.full(-0.25f, n); // only the bias gradient wanted
        NormKernels.layerNormBackward(null, null, dBOnly.data(), dY.data(), x.data(), data(w), mean2.data(),
                rstd2.data(), rows, n);
        assertClose("dB alone", dBOnly, dB2, TOL * Math.sqrt(rows));
    }

    private static java.lang.foreign.MemorySegment data(Tensor t) {
        return t == null ? null : t.data();
    }
}
