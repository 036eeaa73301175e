package dev.lathe.engine.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.GradCheck;
import org.junit.jupiter.api.Test;

class ViewsTest {

    @Test
    void transposeIsAViewSharingStorage() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor t = Views.transpose(x, 0, 1);
        assertThat(t.shape()).containsExactly(3, 2);
        assertThat(t.storage()).isSameAs(x.storage());
        assertThat(t.isContiguous()).isFalse();
        assertThat(t.toFloatArray()).containsExactly(1, 4, 2, 5, 3, 6);
    }

    @Test
    void reshapeOfAContiguousTensorDoesNotCopy() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor r = Views.reshape(x, 3, -1);
        assertThat(r.shape()).containsExactly(3, 2);
        assertThat(r.storage()).isSameAs(x.storage());
    }

    @Test
    void reshapeRejectsAnIncompatibleShapeNamingBoth() {
        Tensor x = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> Views.reshape(x, 4, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 3]").hasMessageContaining("[4, 2]");
    }

    @Test
    void sliceSelectsARangeWithoutCopying() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4);
        Tensor s = Views.slice(x, 1, 1, 3);
        assertThat(s.toFloatArray()).containsExactly(1, 2, 5, 6, 9, 10);
        assertThat(s.storage()).isSameAs(x.storage());
        assertThatThrownBy(() -> Views.slice(x, 0, 2, 5)).hasMessageContaining("out of range");
    }

    @Test
    void gradientsFlowBackThroughViewsToTheRightElements() {
        GradCheck.create().check(in -> Views.contiguous(Views.slice(Views.transpose(in[0], 0, 2), 1, 1, 3)),
                Tensor.randn(1, 2, 3, 4));
        GradCheck.create().check(in -> Views.reshape(Views.transpose(in[0], 0, 1), 6, 2),
                Tensor.randn(2, 3, 4));
    }
}
