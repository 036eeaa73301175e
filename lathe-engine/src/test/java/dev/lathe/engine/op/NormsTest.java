package dev.lathe.engine.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import dev.lathe.engine.testing.GradCheck;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class NormsTest {
    /** A larger eps than models use keeps the finite differences well conditioned when a row is near 0. */
    private static final float CHECK_EPS = 0.1f;

    @Property(tries = 25)
    void rmsNormGradientsMatchFiniteDifferences(@ForAll @IntRange(min = 1, max = 3) int b,
            @ForAll @IntRange(min = 1, max = 4) int t, @ForAll @IntRange(min = 1, max = 9) int c,
            @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        GradCheck.create().check(in -> Norms.rmsNorm(in[0], in[1], CHECK_EPS),
                Tensor.randn(seed, b, t, c), Tensor.randn(seed + 1, c));
    }

    @Property(tries = 15)
    void rmsNormGradientsFlowThroughATransposedInput(@ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 9) int c, @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        GradCheck.create().check(in -> Norms.rmsNorm(Views.transpose(in[0], 0, 1), in[1], CHECK_EPS),
                Tensor.randn(seed, c, rows), Tensor.randn(seed + 1, c));
    }

    @Property(tries = 25)
    void layerNormGradientsMatchFiniteDifferences(@ForAll @IntRange(min = 1, max = 3) int b,
            @ForAll @IntRange(min = 1, max = 4) int t, @ForAll @IntRange(min = 1, max = 9) int c,
            @ForAll @IntRange(min = 0, max = 3) int affine, @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        Tensor w = (affine & 1) != 0 ? Tensor.randn(seed + 1, c) : null;
        Tensor bias = (affine & 2) != 0 ? Tensor.randn(seed + 2, c) : null;
        GradCheck.create().check(in -> Norms.layerNorm(in[0], in[1], in[2], CHECK_EPS),
                Tensor.randn(seed, b, t, c), w, bias);
    }

    @Property(tries = 15)
    void layerNormGradientsFlowThroughATransposedInput(@ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 9) int c, @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        GradCheck.create().check(in -> Norms.layerNorm(Views.transpose(in[0], 0, 1), in[1], in[2], CHECK_EPS),
                Tensor.randn(seed, c, rows), Tensor.randn(seed + 1, c), Tensor.randn(seed + 2, c));
    }

    @Test
    void rmsNormMatchesHuggingFaceLlamaRmsNormGoldenVectors() {
        double out = 0;
        double grad = 0;
        for (Golden.Case c : NnGolden.cases("rms_norm")) {
            Tensor x = NnGolden.leaf(c, "x");
            Tensor w = NnGolden.leaf(c, "weight");
            Tensor y = Norms.rmsNorm(x, w, (float) c.param("eps"));
            out = Math.max(out, NnGolden.compare(c, "out", y, c.tensor("out")));
            NnGolden.backward(c, y);
            grad = Math.max(grad, NnGolden.compare(c, "dx", x.grad(), c.tensor("dx")));
            grad = Math.max(grad, NnGolden.compare(c, "dweight", w.grad(), c.tensor("dweight")));
        }
        NnGolden.report("rmsNorm", out, grad);
    }

    @Test
    void layerNormMatchesTorchLayerNormGoldenVectors() {
        double out = 0;
        double grad = 0;
        for (Golden.Case c : NnGolden.cases("layer_norm")) {
            Tensor x = NnGolden.leaf(c, "x");
            Tensor w = c.has("weight") ? NnGolden.leaf(c, "weight") : null;
            Tensor b = c.has("bias") ? NnGolden.leaf(c, "bias") : null;
            Tensor y = Norms.layerNorm(x, w, b, (float) c.param("eps"));
            out = Math.max(out, NnGolden.compare(c, "out", y, c.tensor("out")));
            NnGolden.backward(c, y);
            grad = Math.max(grad, NnGolden.compare(c, "dx", x.grad(), c.tensor("dx")));
            if (w != null) {
                grad = Math.max(grad, NnGolden.compare(c, "dweight", w.grad(), c.tensor("dweight")));
            }
            if (b != null) {
                grad = Math.max(grad, NnGolden.compare(c, "dbias", b.grad(), c.tensor("dbias")));
            }
        }
        NnGolden.report("layerNorm", out, grad);
    }

    @Test
    void onlyTheWeightGetsAGradientWhenTheInputIsConstant() {
        Tensor x = Tensor.randn(1, 4, 6);
        Tensor w = Tensor.randn(2, 6).requiresGrad(true);
        Autograd.backward(Norms.rmsNorm(x, w, 1e-6f), Tensor.full(1f, 4, 6));
        assertThat(x.grad()).isNull();
        assertThat(w.grad()).isNotNull();
    }

    @Test
    void noGradRecordsNothing() {
        Tensor x = Tensor.randn(1, 4, 6).requiresGrad(true);
        Tensor y = Autograd.noGrad(() -> Norms.layerNorm(x, null, null, 1e-5f));
        assertThat(y.requiresGrad()).isFalse();
    }

    @Test
    void aWeightOfTheWrongShapeIsRejectedNamingBothShapes() {
        assertThatThrownBy(() -> Norms.rmsNorm(Tensor.zeros(2, 5), Tensor.zeros(4), 1e-6f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight").hasMessageContaining("[5]").hasMessageContaining("[4]");
        assertThatThrownBy(() -> Norms.layerNorm(Tensor.zeros(2, 5), null, Tensor.zeros(5, 1), 1e-5f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bias").hasMessageContaining("[5, 1]");
        assertThatThrownBy(() -> Norms.rmsNorm(Tensor.zeros(2, 5), Tensor.zeros(5), -1f))
                .hasMessageContaining("eps");
    }
}
