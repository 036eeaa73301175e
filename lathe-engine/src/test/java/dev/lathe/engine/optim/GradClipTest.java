package dev.lathe.engine.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import java.util.ArrayList;
import java.util.List;
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
}
