package dev.lathe.engine.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.op.Views;
import dev.lathe.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AutogradTest {

    @Test
    void noGradRecordsNothing() {
        Tensor w = Tensor.randn(1, 2, 3).requiresGrad(true);
        Tensor y = Autograd.noGrad(() -> Views.transpose(w, 0, 1));
        assertThat(y.gradFn()).isNull();
        assertThat(y.requiresGrad()).isFalse();
    }

    @Test
    void leafGradientsAccumulateAcrossBackwardCalls() {
        Tensor w = Tensor.randn(1, 2, 3).requiresGrad(true);
        Tensor ones = Tensor.full(1f, 3, 2);
        Autograd.backward(Views.transpose(w, 0, 1), ones);
        Autograd.backward(Views.transpose(w, 0, 1), ones);
        assertThat(w.grad().toFloatArray()).containsOnly(2f);
        w.zeroGrad();
        assertThat(w.grad()).isNull();
    }

    @Test
    void aSecondBackwardThroughAFreedGraphFailsClearly() {
        Tensor w = Tensor.randn(1, 2, 3).requiresGrad(true);
        Tensor y = Views.transpose(w, 0, 1);
        Autograd.backward(y, Tensor.full(1f, 3, 2));
        assertThatThrownBy(() -> Autograd.backward(y, Tensor.full(1f, 3, 2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already freed");
    }

    @Test
    void backwardOfANonScalarNeedsAnExplicitGradient() {
        Tensor w = Tensor.randn(1, 2, 3).requiresGrad(true);
        assertThatThrownBy(() -> Autograd.backward(Views.transpose(w, 0, 1)))
                .hasMessageContaining("one-element");
    }
}
