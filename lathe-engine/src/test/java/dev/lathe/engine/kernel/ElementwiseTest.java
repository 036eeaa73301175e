package dev.lathe.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lathe.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SIMD paths of the basic element-wise kernels against their scalar twins (exact: same ops per element). */
class ElementwiseTest {

    private static float[] values(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_FLOAT);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207, 702})
    void addIntoAxpyAndScaleMatchTheirScalarTwins(int n) {
        float[] x = Tensor.randn(1, n).toFloatArray();
        float[] acc = Tensor.randn(2, n).toFloatArray();

        MemorySegment a = MemorySegment.ofArray(acc.clone());
        MemorySegment b = MemorySegment.ofArray(acc.clone());
        Elementwise.addInto(a, MemorySegment.ofArray(x), n);
        Elementwise.addIntoScalar(b, MemorySegment.ofArray(x), n);
        assertThat(values(a)).containsExactly(values(b));

        a = MemorySegment.ofArray(acc.clone());
        b = MemorySegment.ofArray(acc.clone());
        Elementwise.axpy(a, -0.37f, MemorySegment.ofArray(x), n);
        Elementwise.axpyScalar(b, -0.37f, MemorySegment.ofArray(x), n);
        assertThat(values(a)).containsExactly(values(b));

        a = MemorySegment.ofArray(new float[n]);
        b = MemorySegment.ofArray(new float[n]);
        Elementwise.scale(a, MemorySegment.ofArray(x), 3.5f, n);
        Elementwise.scaleScalar(b, MemorySegment.ofArray(x), 3.5f, n);
        assertThat(values(a)).containsExactly(values(b));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207, 702, 100_003})
    void sumOfSquaresMatchesTheScalarTwinToFloatRounding(int n) {
        MemorySegment x = Tensor.randn(5, n).data();
        double simd = Elementwise.sumOfSquares(x, n);
        double scalar = Elementwise.sumOfSquaresScalar(x, n);
        assertThat(simd).isCloseTo(scalar, within(scalar * 1e-6));
    }
}
