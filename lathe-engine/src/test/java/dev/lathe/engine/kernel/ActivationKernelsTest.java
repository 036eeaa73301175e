package dev.lathe.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.kernel.ActivationKernels.Kind;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * Activation kernels against their scalar twins on awkward sizes (the SIMD paths use the Vector
 * API's exp/tanh, the scalar ones Math's, so they agree to a few F32 ulps: 2e-6 relative), and
 * the erf approximation against float64 erf from PyTorch.
 */
class ActivationKernelsTest {
    private static final int[] SIZES = {1, 7, 13, 207, 702, 20_000}; // the last one runs on several threads
    private static final double TWIN_RTOL = 2e-6;

    @Test
    void forwardAndBackwardMatchTheirScalarTwinsForEveryActivation() {
        for (int n : SIZES) {
            Tensor x = Tensor.randn(n, n);
            x.set(-30f, 0); // a saturated tail
            Tensor d = Tensor.randn(n + 7, n);
            for (Kind kind : Kind.values()) {
                Tensor simd = Tensor.zeros(n);
                Tensor scalar = Tensor.zeros(n);
                ActivationKernels.forward(kind, simd.data(), x.data(), n);
                ActivationKernels.forwardScalar(kind, scalar.data(), x.data(), n);
                ArithmeticKernelsTest.assertClose(simd.toFloatArray(), scalar.toFloatArray(), TWIN_RTOL,
                        kind + " forward n " + n);
                Tensor dSimd = Tensor.full(0.25f, n);
                Tensor dScalar = Tensor.full(0.25f, n);
                ActivationKernels.backward(kind, dSimd.data(), d.data(), x.data(), n);
                ActivationKernels.backwardScalar(kind, dScalar.data(), d.data(), x.data(), n);
                ArithmeticKernelsTest.assertClose(dSimd.toFloatArray(), dScalar.toFloatArray(), TWIN_RTOL,
                        kind + " backward n " + n);
            }
        }
    }

    @Test
    void swigluForwardAndBackwardMatchTheirScalarTwins() {
        for (int n : SIZES) {
            Tensor gate = Tensor.randn(n, n);
            Tensor up = Tensor.randn(n + 1, n);
            Tensor d = Tensor.randn(n + 2, n);
            Tensor simd = Tensor.zeros(n);
            Tensor scalar = Tensor.zeros(n);
            ActivationKernels.swigluForward(simd.data(), gate.data(), up.data(), n);
            ActivationKernels.swigluForwardScalar(scalar.data(), gate.data(), up.data(), n);
            ArithmeticKernelsTest.assertClose(simd.toFloatArray(), scalar.toFloatArray(), TWIN_RTOL, "swiglu n " + n);
            Tensor[] gs = {Tensor.full(1f, n), Tensor.full(1f, n), Tensor.full(1f, n), Tensor.full(1f, n)};
            ActivationKernels.swigluBackward(gs[0].data(), gs[1].data(), d.data(), gate.data(), up.data(), n);
            ActivationKernels.swigluBackwardScalar(gs[2].data(), gs[3].data(), d.data(), gate.data(), up.data(), n);
            ArithmeticKernelsTest.assertClose(gs[0].toFloatArray(), gs[2].toFloatArray(), TWIN_RTOL, "dGate n " + n);
            ArithmeticKernelsTest.assertClose(gs[1].toFloatArray(), gs[3].toFloatArray(), TWIN_RTOL, "dUp n " + n);
            // Either gradient alone gives the same values as both together.
            Tensor onlyUp = Tensor.full(1f, n);
            ActivationKernels.swigluBackward(null, onlyUp.data(), d.data(), gate.data(), up.data(), n);
            assertThat(onlyUp.toFloatArray()).containsExactly(gs[1].toFloatArray());
        }
    }

    @Test
    void swigluBackwardOverwriteWritesWhatAccumulatingIntoZerosGives() {
        for (int n : SIZES) {
            Tensor gate = Tensor.randn(n, n);
            Tensor up = Tensor.randn(n + 1, n);
            Tensor d = Tensor.randn(n + 2, n);
            Tensor dGate = Tensor.zeros(n);
            Tensor dUp = Tensor.zeros(n);
            ActivationKernels.swigluBackward(dGate.data(), dUp.data(), d.data(), gate.data(), up.data(), n);
            Tensor[] simd = {Tensor.full(Float.NaN, n), Tensor.full(Float.NaN, n)}; // old contents must not matter
            Tensor[] scalar = {Tensor.full(Float.NaN, n), Tensor.full(Float.NaN, n)};
            ActivationKernels.swigluBackward(simd[0].data(), true, simd[1].data(), true, d.data(), gate.data(),
                    up.data(), n);
            ActivationKernels.swigluBackwardScalar(scalar[0].data(), true, scalar[1].data(), true, d.data(),
                    gate.data(), up.data(), n);
            assertThat(simd[0].toFloatArray()).as("dGate n %d", n).isEqualTo(dGate.toFloatArray());
            assertThat(simd[1].toFloatArray()).as("dUp n %d", n).isEqualTo(dUp.toFloatArray());
            ArithmeticKernelsTest.assertClose(scalar[0].toFloatArray(), dGate.toFloatArray(), TWIN_RTOL,
                    "dGate n " + n);
            ArithmeticKernelsTest.assertClose(scalar[1].toFloatArray(), dUp.toFloatArray(), TWIN_RTOL, "dUp n " + n);
            // One buffer may be written and the other added to in the same pass.
            Tensor added = Tensor.full(1f, n);
            Tensor written = Tensor.full(Float.NaN, n);
            ActivationKernels.swigluBackward(written.data(), true, added.data(), false, d.data(), gate.data(),
                    up.data(), n);
            assertThat(written.toFloatArray()).isEqualTo(dGate.toFloatArray());
            Tensor expectedUp = Tensor.full(1f, n);
            ActivationKernels.swigluBackward(null, expectedUp.data(), d.data(), gate.data(), up.data(), n);
            assertThat(added.toFloatArray()).isEqualTo(expectedUp.toFloatArray());
        }
    }

    @Test
    void erfIsWithin1_5e7OfFloat64ErfOnMinus6To6BothScalarAndVector() {
        Golden.Case c = Golden.load("elementwise.json").stream().filter(k -> k.name().equals("erf")).findFirst()
                .orElseThrow();
        float[] x = c.tensor("x").toFloatArray();
        float[] ref = c.tensor("erf").toFloatArray(); // float64 erf rounded to F32 (<= 3e-8 more)
        double worstScalar = 0;
        for (int i = 0; i < x.length; i++) {
            worstScalar = Math.max(worstScalar, Math.abs(ActivationKernels.erf(x[i]) - (double) ref[i]));
        }
        double worstVector = 0;
        int lanes = Simd.F.length();
        MemorySegment seg = Tensor.of(x, x.length).data();
        for (int i = 0; i + lanes <= x.length; i += lanes) {
            float[] v = ActivationKernels.erf(FloatVector.fromMemorySegment(Simd.F, seg, i * 4L, ByteOrder.nativeOrder()))
                    .toArray();
            for (int j = 0; j < lanes; j++) {
                worstVector = Math.max(worstVector, Math.abs(v[j] - (double) ref[i + j]));
            }
        }
        System.out.printf("erf max abs error: scalar %.3g, vector %.3g%n", worstScalar, worstVector);
        assertThat(worstScalar).isLessThan(1.5e-7);
        assertThat(worstVector).isLessThan(1.5e-7);
        assertThat(ActivationKernels.erf(0f)).isEqualTo(0f, org.assertj.core.data.Offset.offset(1e-7f));
        assertThat(ActivationKernels.erf(10f)).isEqualTo(1f);
        assertThat(ActivationKernels.erf(-10f)).isEqualTo(-1f);
    }
}
