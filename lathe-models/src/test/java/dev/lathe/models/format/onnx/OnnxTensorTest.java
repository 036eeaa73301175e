package dev.lathe.models.format.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Element counts of ONNX tensors from untrusted files: exact, or a clear error. */
class OnnxTensorTest {

    private static OnnxTensor tensor(long... dims) {
        return new OnnxTensor("w", OnnxTensor.FLOAT, dims, MemorySegment.ofArray(new byte[0]));
    }

    @Test
    void theElementCountIsTheProductOfTheDims() {
        assertThat(tensor(2, 3, 4).numel()).isEqualTo(24);
        assertThat(tensor().numel()).isEqualTo(1);
        assertThat(tensor(1L << 31, 1L << 31).numel()).isEqualTo(1L << 62);
    }

    @Test
    void dimsWhoseProductOverflowsALongFailClearlyInsteadOfWrappingAround() {
        // 2^32 * 2^32 wraps to 0 with plain multiplication
        assertThatThrownBy(() -> tensor(1L << 32, 1L << 32).numel())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("w").hasMessageContaining("[4294967296, 4294967296]");
        assertThatThrownBy(() -> tensor(3, Long.MAX_VALUE / 2).toTensor())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNegativeDimIsRejected() {
        assertThatThrownBy(() -> tensor(2, -3).numel())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }
}
