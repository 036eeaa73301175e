package dev.lathe.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConvertTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 16, 207, 702})
    void simdBf16WideningEqualsTheScalarTwinExactly(int n) {
        Tensor bf16 = Tensor.randn(n, n).to(DType.BF16);
        MemorySegment simd = MemorySegment.ofArray(new float[n]);
        MemorySegment scalar = MemorySegment.ofArray(new float[n]);
        Convert.bf16ToF32(bf16.data(), simd, n);
        Convert.bf16ToF32Scalar(bf16.data(), scalar, n);
        assertThat(simd.toArray(ValueLayout.JAVA_FLOAT)).containsExactly(scalar.toArray(ValueLayout.JAVA_FLOAT));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207, 702})
    void bf16AndF16AreWithinTheirPrecisionOfTheF32Value(int n) {
        float[] x = Tensor.randn(3, n).toFloatArray();
        float[] viaBf16 = Tensor.of(x, n).to(DType.BF16).toFloatArray();
        float[] viaF16 = Tensor.of(x, n).to(DType.F16).toFloatArray();
        for (int i = 0; i < n; i++) {
            assertThat(Math.abs(viaBf16[i] - x[i])).isLessThanOrEqualTo(Math.abs(x[i]) * 0x1p-8f);
            assertThat(Math.abs(viaF16[i] - x[i])).isLessThanOrEqualTo(Math.max(Math.abs(x[i]) * 0x1p-11f, 0x1p-25f));
        }
    }
}
