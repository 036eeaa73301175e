package dev.lathe.engine.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.GradCheck;
import java.util.function.UnaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ActivationsTest {

    private static UnaryOperator<Tensor> activation(int i) {
        return switch (i) {
            case 0 -> Activations::silu;
            case 1 -> Activations::gelu;
            default -> x -> Activations.gelu(x, true);
        };
    }

    @Property(tries = 45)
    void activationGradientsMatchFiniteDifferences(@ForAll @IntRange(min = 0, max = 2) int which,
            @ForAll @IntRange(min = 1, max = 4) int r, @ForAll @IntRange(min = 1, max = 9) int c,
            @ForAll boolean transposed) {
        UnaryOperator<Tensor> f = activation(which);
        Tensor x = Arithmetic.scale(Tensor.randn(r * 13L + c, r, c), 2f); // reach the curved region
        GradCheck.create().check(in -> f.apply(transposed ? Views.transpose(in[0], 0, 1) : in[0]), x);
    }

    @Property(tries = 20)
    void swigluGradientsReachBothGateAndUp(@ForAll @IntRange(min = 1, max = 3) int b,
            @ForAll @IntRange(min = 1, max = 11) int c, @ForAll boolean transposedGate) {
        Tensor gate = Tensor.randn(b * 7L + c, c, b);
        Tensor up = Tensor.randn(c, b, c);
        GradCheck.create().check(in -> Activations.swiglu(
                transposedGate ? Views.transpose(in[0], 0, 1) : Views.reshape(in[0], b, c), in[1]), gate, up);
    }

    @Test
    void swigluIsSiluOfGateTimesUp() {
        Tensor gate = Tensor.randn(1, 2, 5);
        Tensor up = Tensor.randn(2, 2, 5);
        float[] expected = Arithmetic.mul(Activations.silu(gate), up).toFloatArray();
        assertThat(Activations.swiglu(gate, up).toFloatArray()).containsExactly(expected);
        assertThatThrownBy(() -> Activations.swiglu(gate, Tensor.zeros(5, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 5]").hasMessageContaining("[5, 2]");
    }

    @Test
    void knownValuesAndSaturatedTails() {
        Tensor x = Tensor.of(new float[] {0f, 1f, -1f, -40f, 40f}, 5);
        float[] gelu = Activations.gelu(x).toFloatArray();
        assertThat(gelu[0]).isEqualTo(0f);
        assertThat(gelu[1]).isCloseTo(0.8413447f, org.assertj.core.data.Offset.offset(2e-7f));
        assertThat(gelu[2]).isCloseTo(-0.15865526f, org.assertj.core.data.Offset.offset(2e-7f));
        assertThat(gelu[3]).isEqualTo(-0f);
        assertThat(gelu[4]).isEqualTo(40f);
        float[] silu = Activations.silu(x).toFloatArray();
        assertThat(silu[1]).isCloseTo(0.7310586f, org.assertj.core.data.Offset.offset(1e-7f));
        assertThat(silu[3]).isCloseTo(0f, org.assertj.core.data.Offset.offset(1e-15f));
        assertThat(silu[4]).isEqualTo(40f);
        assertThat(Activations.geluTanh(x).toFloatArray()[4]).isEqualTo(40f);
    }
}
