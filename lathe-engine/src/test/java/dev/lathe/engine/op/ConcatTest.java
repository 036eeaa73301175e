package dev.lathe.engine.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.GradCheck;
import org.junit.jupiter.api.Test;

class ConcatTest {

    @Test
    void prependSharedPutsTheSameBlockBeforeEveryBatchRow() {
        Tensor shared = Tensor.of(new float[] {1, 2}, 1, 2);           // (P=1, C=2)
        Tensor x = Tensor.of(new float[] {3, 4, 5, 6, 7, 8, 9, 10}, 2, 2, 2); // (B=2, T=2, C=2)
        Tensor out = Concat.prependShared(shared, x, 1);
        assertThat(out.shape()).containsExactly(2, 3, 2);
        assertThat(out.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6, 1, 2, 7, 8, 9, 10);
    }

    @Test
    void prependSharedWorksOnAnInnerAxisOfAStridedView() {
        Tensor shared = Tensor.of(new float[] {-1, -2, -3, -4}, 2, 1, 2);         // (H=2, P=1, D=2)
        Tensor x = Views.transpose(Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 1, 2, 2, 2), 1, 2); // (1, 2, 2, 2)
        Tensor out = Concat.prependShared(shared, x, 2);
        assertThat(out.shape()).containsExactly(1, 2, 3, 2);
        assertThat(out.toFloatArray()).containsExactly(-1, -2, 0, 1, 4, 5, -3, -4, 2, 3, 6, 7);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        GradCheck.create().check(in -> Concat.prependShared(in[0], in[1], 1), Tensor.randn(3, 4, 5),
                Tensor.randn(7, 2, 4, 5));
        GradCheck.create().check(in -> Concat.prependShared(in[0], Views.transpose(in[1], 1, 2), 2),
                Tensor.randn(8, 3, 2, 4), Tensor.randn(9, 2, 5, 3, 4));
    }

    @Test
    void mismatchedShapesAreRejectedNamingBoth() {
        assertThatThrownBy(() -> Concat.prependShared(Tensor.zeros(2, 3), Tensor.zeros(1, 4, 4), 1))
                .hasMessageContaining("[2, 3]").hasMessageContaining("[1, 4, 4]");
        assertThatThrownBy(() -> Concat.prependShared(Tensor.zeros(2, 3), Tensor.zeros(1, 4, 3), 0))
                .hasMessageContaining("axis");
    }
}
