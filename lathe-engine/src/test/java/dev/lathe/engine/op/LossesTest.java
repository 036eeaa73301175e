package dev.lathe.engine.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Losses.Reduction;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import dev.lathe.engine.testing.GradCheck;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LossesTest {

    @Property(tries = 40)
    void crossEntropyGradientsMatchFiniteDifferences(@ForAll @IntRange(min = 1, max = 6) int n,
            @ForAll @IntRange(min = 1, max = 9) int v, @ForAll Reduction reduction, @ForAll boolean smooth,
            @ForAll boolean transposed, @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        int[] targets = targets(seed, n, v);
        float smoothing = smooth ? 0.1f : 0f;
        if (transposed) {
            GradCheck.create().check(in -> Losses.crossEntropy(Views.transpose(in[0], 0, 1), targets, -100, smoothing,
                    reduction), Tensor.randn(seed, v, n));
        } else {
            GradCheck.create().check(in -> Losses.crossEntropy(in[0], targets, -100, smoothing, reduction),
                    Tensor.randn(seed, n, v));
        }
    }

    @Property(tries = 10)
    void crossEntropyOverBatchAndTimeGivesPerTokenLossesWithoutReduction(@ForAll @IntRange(min = 1, max = 3) int b,
            @ForAll @IntRange(min = 1, max = 4) int t, @ForAll @IntRange(min = 2, max = 7) int v,
            @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        int[] targets = targets(seed, b * t, v);
        Tensor out = Losses.crossEntropy(Tensor.randn(seed, b, t, v), targets, -100, 0.1f, Reduction.NONE);
        assertThat(out.shape()).containsExactly(b, t);
        GradCheck.create().check(in -> Losses.crossEntropy(in[0], targets, -100, 0.1f, Reduction.NONE),
                Tensor.randn(seed, b, t, v));
    }

    @Test
    void crossEntropyMatchesTorchGoldenVectors() {
        double out = 0;
        double grad = 0;
        for (Golden.Case c : NnGolden.cases("cross_entropy")) {
            int[] targets = new int[c.required("targets").size()];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = c.required("targets").get(i).asInt();
            }
            Tensor x = NnGolden.leaf(c, "x");
            Tensor y = Losses.crossEntropy(x, targets, c.intParam("ignore_index"), (float) c.param("label_smoothing"),
                    Reduction.valueOf(c.stringParam("reduction").toUpperCase(java.util.Locale.ROOT)));
            out = Math.max(out, NnGolden.compare(c, "out", y, c.tensor("out")));
            NnGolden.backward(c, y);
            grad = Math.max(grad, NnGolden.compare(c, "dx", x.grad(), c.tensor("dx")));
        }
        NnGolden.report("crossEntropy", out, grad);
    }

    @Test
    void anAllIgnoredBatchHasANaNMeanAZeroSumAndZeroGradientsAsInTorch() {
        int[] ignored = {-100, -100, -100};
        Tensor x = Tensor.randn(1, 3, 5).requiresGrad(true);
        Tensor mean = Losses.crossEntropy(x, ignored, -100, 0.1f, Reduction.MEAN);
        assertThat(mean.item()).isNaN();
        Autograd.backward(mean);
        assertThat(x.grad().toFloatArray()).containsOnly(0f);
        assertThat(Losses.crossEntropy(x, ignored, -100, 0f, Reduction.SUM).item()).isZero();
        assertThat(Losses.crossEntropy(x, ignored, -100, 0f, Reduction.NONE).toFloatArray()).containsOnly(0f);
    }

    @Test
    void aTargetOutOfRangeIsRejectedNamingItsPositionValueAndV() {
        Tensor x = Tensor.randn(1, 3, 5);
        assertThatThrownBy(() -> Losses.crossEntropy(x, new int[] {0, 5, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("targets[1] = 5").hasMessageContaining("V = 5");
        assertThatThrownBy(() -> Losses.crossEntropy(x, new int[] {0, 1, -1}))
                .hasMessageContaining("targets[2] = -1");
        assertThatThrownBy(() -> Losses.crossEntropy(x, new int[] {0, 1}))
                .hasMessageContaining("expected 3 targets");
    }

    @Test
    void uniformLogitsCostLogV() {
        float loss = Losses.crossEntropy(Tensor.zeros(4, 10), new int[] {1, 2, 3, 4}).item();
        assertThat(loss).isCloseTo((float) Math.log(10), within(1e-6f));
    }

    @Test
    void largeLogitsStayFinite() {
        Tensor x = Tensor.of(new float[] {1e4f, -1e4f, 0f, 3e4f, 3e4f, -3e4f}, 2, 3).requiresGrad(true);
        Tensor loss = Losses.crossEntropy(x, new int[] {1, 0}, -100, 0.1f, Reduction.SUM);
        assertThat(loss.item()).isFinite();
        Autograd.backward(loss);
        for (float g : x.grad().toFloatArray()) {
            assertThat(g).isFinite();
        }
    }

    /** Random targets with about one in four ignored (-100), but never the first (a mean needs one). */
    private static int[] targets(long seed, int n, int v) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = i > 0 && random.nextInt(4) == 0 ? -100 : random.nextInt(v);
        }
        return t;
    }
}
