package dev.lathe.engine.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.GradCheck;
import java.util.Arrays;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ReductionsTest {

    @Property(tries = 60)
    void sumAndMeanOverAnySetOfAxesHaveFiniteDifferenceGradients(@ForAll @IntRange(min = 1, max = 7) int axisMask,
            @ForAll boolean keepDim, @ForAll boolean mean, @ForAll boolean transposed,
            @ForAll @IntRange(min = 1, max = 3) int a, @ForAll @IntRange(min = 1, max = 4) int b,
            @ForAll @IntRange(min = 1, max = 5) int c) {
        int[] axes = IntStream.range(0, 3).filter(d -> (axisMask & (1 << d)) != 0).toArray();
        Tensor x = Tensor.randn(a * 100L + b * 10L + c, a, b, c);
        GradCheck.create().check(in -> {
            Tensor v = transposed ? Views.transpose(in[0], 0, 2) : in[0];
            return mean ? Reductions.mean(v, axes, keepDim) : Reductions.sum(v, axes, keepDim);
        }, x);
    }

    @Test
    void sumKeepsOrDropsReducedAxesAndAddsTheRightElements() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(Reductions.sum(x, 0, false).toFloatArray()).containsExactly(5, 7, 9);
        assertThat(Reductions.sum(x, -1, true).shape()).containsExactly(2, 1);
        assertThat(Reductions.sum(x, -1, true).toFloatArray()).containsExactly(6, 15);
        assertThat(Reductions.mean(x, new int[] {0, 1}, true).shape()).containsExactly(1, 1);
        assertThat(Reductions.mean(x).item()).isEqualTo(3.5f);
        assertThat(Reductions.sum(x).shape()).isEmpty();
        assertThat(Reductions.sum(x).item()).isEqualTo(21f);
        assertThat(Reductions.sum(Views.transpose(x, 0, 1), 1, false).toFloatArray()).containsExactly(5, 7, 9);
    }

    @Test
    void wholeTensorSumAndMeanHaveGradients() {
        GradCheck.create().check(in -> Reductions.mean(in[0]), Tensor.randn(4, 3, 5));
        GradCheck.create().check(in -> Reductions.sum(Views.transpose(in[0], 0, 1)), Tensor.randn(5, 2, 7));
    }

    @Test
    void aLongSumIsAccurate() {
        int n = 1_000_003;
        Tensor x = Tensor.full(0.1f, n);
        assertThat((double) Reductions.sum(x).item()).isCloseTo(n * (double) 0.1f,
                org.assertj.core.data.Offset.offset(n * 1e-6));
    }

    @Test
    void badAxesAreRejectedClearly() {
        Tensor x = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> Reductions.sum(x, new int[] {1, -1}, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> Reductions.sum(x, 2, false)).hasMessageContaining("axis 2");
        assertThatThrownBy(() -> Reductions.mean(x, new int[0], false)).hasMessageContaining("at least one axis");
        assertThat(Arrays.toString(Reductions.sum(Tensor.scalar(2f)).shape())).isEqualTo("[]");
    }
}
