package dev.lathe.engine.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import dev.lathe.engine.op.Arithmetic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GradClipTest {

    static List<Golden.Case> clipCases() {
        return OptimGolden.cases("clip_");
    }

    @ParameterizedTest
    @MethodSource("clipCases")
    void clippingMatchesTorchClipGradNorm(Golden.Case c) {
        List<Tensor> params = new ArrayList<>();
        List<String> withGrad = new ArrayList<>();
        for (String n : OptimGolden.names(c)) {
            Tensor p = Tensor.zeros(c.has("grad/" + n) ? c.tensor("grad/" + n).shape() : new int[] {1})
                    .requiresGrad(true);
            if (c.has("grad/" + n)) {
                p.setGrad(c.tensor("grad/" + n));
                withGrad.add(n);
            }
            params.add(p);
        }
        double norm = GradClip.clipGradNorm(params, c.param("max_norm"));
        Tensor expectedNorm = c.tensor("total_norm");
        Golden.assertClose(c + " total norm", Tensor.of(new float[] {(float) norm}, 1), expectedNorm, 1e-5);
        double worst = Golden.maxRelativeDifference(Tensor.of(new float[] {(float) norm}, 1), expectedNorm);
        int i = 0;
        for (String n : OptimGolden.names(c)) {
            Tensor p = params.get(i++);
            if (withGrad.contains(n)) {
                Golden.assertClose(c + " clipped " + n, p.grad(), c.tensor("clipped/" + n), 1e-5);
                worst = Math.max(worst, Golden.maxRelativeDifference(p.grad(), c.tensor("clipped/" + n)));
            } else {
                assertThat(p.grad()).isNull();
            }
        }
        System.out.printf("golden %s: max relative difference %.3g%n", c, worst);
    }

    @Test
    void aNonFiniteNormThrowsWhenAskedAndIsOtherwiseReturnedWithGradientsUntouched() {
        Tensor p = Tensor.zeros(3).requiresGrad(true);
        p.setGrad(Tensor.of(new float[] {1, Float.NaN, 2}, 3));
        assertThatThrownBy(() -> GradClip.clipGradNorm(List.of(p), 1.0, true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("NaN");
        p.setGrad(Tensor.of(new float[] {1, Float.POSITIVE_INFINITY, 2}, 3));
        double norm = GradClip.clipGradNorm(List.of(p), 1.0);
        assertThat(norm).isInfinite();
        assertThat(p.grad().toFloatArray()).containsExactly(1, Float.POSITIVE_INFINITY, 2);
    }

    @Test
    void noGradientsMeansANormOfZero() {
        assertThat(GradClip.clipGradNorm(List.of(Tensor.zeros(2).requiresGrad(true)), 1.0)).isZero();
    }

    /** Two parameters with gradients large enough to be clipped (sizes past a vector's width, with tails). */
    private static Map<String, Tensor> clippedParams(long seed) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        int[][] shapes = {{37, 5}, {131}};
        for (int i = 0; i < shapes.length; i++) {
            Tensor p = Tensor.randn(seed + i, shapes[i]).requiresGrad(true);
            p.setGrad(Arithmetic.scale(Tensor.randn(seed + 10 + i, shapes[i]), 3f));
            params.put("p" + i, p);
        }
        return params;
    }

    private static List<Optimizer> optimizers(Map<String, Tensor> params) {
        return List.of(new AdamW(params, AdamW.Config.defaults().withLr(0.05)),
                new Sgd(params, Sgd.Config.of(0.1).withMomentum(0.9).withWeightDecay(0.01)));
    }

    @Test
    void steppingWithTheMeasuredScaleGivesTheBitsOfClippingInPlaceThenSteppingAndLeavesGradientsAlone() {
        for (int which = 0; which < 2; which++) {
            Map<String, Tensor> inPlace = clippedParams(7);
            Map<String, Tensor> folded = clippedParams(7);
            Optimizer a = optimizers(inPlace).get(which);
            Optimizer b = optimizers(folded).get(which);
            for (int step = 0; step < 3; step++) {
                double normInPlace = GradClip.clipGradNorm(a, 1.0, true);
                a.step();
                Map<String, float[]> gradsBefore = new LinkedHashMap<>();
                folded.forEach((n, t) -> gradsBefore.put(n, t.grad().toFloatArray()));
                GradClip.Clip clip = GradClip.measure(b, 1.0, true);
                assertThat(clip.scale()).isLessThan(1f);
                assertThat(clip.norm()).isEqualTo(normInPlace);
                b.step(clip.scale());
                for (String n : inPlace.keySet()) {
                    String what = a.getClass().getSimpleName() + " step " + step + " " + n;
                    assertThat(folded.get(n).toFloatArray()).as(what).isEqualTo(inPlace.get(n).toFloatArray());
                    assertThat(folded.get(n).grad().toFloatArray()).as(what).isEqualTo(gradsBefore.get(n));
                }
                for (Map<String, Tensor> ps : List.of(inPlace, folded)) { // the same fresh gradients again
                    Map<String, Tensor> fresh = clippedParams(100 + step);
                    ps.forEach((n, t) -> t.setGrad(fresh.get(n).grad()));
                }
            }
        }
    }

    @Test
    void measuringANormUnderTheLimitGivesScaleOneAndANonFiniteNormThrowsWhenAsked() {
        Map<String, Tensor> params = clippedParams(3);
        AdamW opt = new AdamW(params, AdamW.Config.defaults());
        GradClip.Clip loose = GradClip.measure(opt, 1e9, true);
        assertThat(loose.scale()).isEqualTo(1f);
        assertThat(loose.norm()).isEqualTo(GradClip.totalNorm(params.values()));
        params.get("p0").setGrad(Tensor.full(Float.NaN, 37, 5));
        assertThatThrownBy(() -> GradClip.measure(opt, 1.0, true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NaN");
        assertThat(GradClip.measure(opt, 1.0, false).scale()).isEqualTo(1f);
        assertThatThrownBy(() -> opt.step(Float.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gradScale");
    }
}
