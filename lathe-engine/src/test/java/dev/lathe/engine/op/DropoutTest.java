package dev.lathe.engine.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.kernel.DropoutKernels;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.GradCheck;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Dropout's RNG is not PyTorch's, so it is tested by its properties rather than golden vectors. */
class DropoutTest {

    @Test
    void withoutTrainingOrWithPZeroTheInputComesBackUnchanged() {
        Tensor x = Tensor.randn(1, 4, 4);
        assertThat(Dropout.apply(x, 0.5f, 7L, false)).isSameAs(x);
        assertThat(Dropout.apply(x, 0f, 7L, true)).isSameAs(x);
    }

    @Test
    void theSameSeedDropsTheSameElementsAndAnotherSeedOthers() {
        Tensor x = Tensor.full(1f, 1000);
        float[] first = Dropout.apply(x, 0.5f, 42L, true).toFloatArray();
        assertThat(Dropout.apply(x, 0.5f, 42L, true).toFloatArray()).containsExactly(first);
        assertThat(Dropout.apply(x, 0.5f, 43L, true).toFloatArray()).isNotEqualTo(first);
        SplittableRandom r1 = new SplittableRandom(5);
        SplittableRandom r2 = new SplittableRandom(5);
        float[] a = Dropout.apply(x, 0.5f, r1, true).toFloatArray();
        assertThat(Dropout.apply(x, 0.5f, r2, true).toFloatArray()).containsExactly(a);
        assertThat(Dropout.apply(x, 0.5f, r1, true).toFloatArray()).isNotEqualTo(a); // the source advanced
    }

    @Property(tries = 8)
    void aboutPOfTheElementsDropAndTheRestAreScaledSoTheMeanIsKept(
            @ForAll @FloatRange(min = 0.05f, max = 0.9f) float p, @ForAll long seed) {
        int n = 200_000; // several threads
        Tensor x = Tensor.uniform(seed, 0.5f, 1.5f, n);
        float[] xv = x.toFloatArray();
        float[] out = Dropout.apply(x, p, seed, true).toFloatArray();
        int dropped = 0;
        double sumIn = 0;
        double sumOut = 0;
        float scale = 1f / (1f - p);
        int wrong = -1; // first element whose value or mask is off (plain checks: 200K assertThat calls are slow)
        for (int i = 0; i < n; i++) {
            boolean isDropped = out[i] == 0f;
            dropped += isDropped ? 1 : 0;
            boolean valueOk = isDropped || out[i] == xv[i] * scale;
            boolean maskOk = isDropped == !DropoutKernels.keep(seed, i, p); // independent of the thread split
            if (wrong < 0 && !(valueOk && maskOk)) {
                wrong = i;
            }
            sumIn += xv[i];
            sumOut += out[i];
        }
        assertThat(wrong).as("first element off (value %s)", wrong < 0 ? "" : out[wrong]).isEqualTo(-1);
        double sigma = Math.sqrt(p * (1 - p) / n);
        assertThat((double) dropped / n).isBetween(p - 5 * sigma, p + 5 * sigma);
        // Each output is x·B/(1-p) with B ~ Bernoulli(1-p): relative spread of the total √(p/(1-p)·E[x²]/n)/E[x].
        double ratioSigma = Math.sqrt(p / (1 - p) * 1.09 / n);
        assertThat(sumOut / sumIn).isBetween(1 - 5 * ratioSigma, 1 + 5 * ratioSigma);
    }

    @Test
    void theMaskIsUncorrelatedWithValuesDrawnFromTheSameSeed() {
        int n = 200_000;
        Tensor x = Tensor.uniform(11, 0f, 1f, n); // SplittableRandom(11), the same seed as the mask
        float[] xv = x.toFloatArray();
        double keptSum = 0;
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (DropoutKernels.keep(11, i, 0.5f)) {
                keptSum += xv[i];
                kept++;
            }
        }
        // Mean of the kept values is that of U(0, 1): 0.5 ± 5 σ, σ = √(1/12 / kept).
        assertThat(keptSum / kept).isBetween(0.5 - 5 * Math.sqrt(1.0 / 12 / kept), 0.5 + 5 * Math.sqrt(1.0 / 12 / kept));
    }

    @Test
    void neighbouringElementsAndSeedsAreUncorrelated() {
        int n = 100_000;
        int both = 0;
        int acrossSeeds = 0;
        for (int i = 0; i < n; i++) {
            boolean k = DropoutKernels.keep(1, i, 0.5f);
            both += k && DropoutKernels.keep(1, i + 1, 0.5f) ? 1 : 0;
            acrossSeeds += k && DropoutKernels.keep(2, i, 0.5f) ? 1 : 0;
        }
        double sigma = Math.sqrt(0.25 * 0.75 / n);
        assertThat((double) both / n).isBetween(0.25 - 5 * sigma, 0.25 + 5 * sigma);
        assertThat((double) acrossSeeds / n).isBetween(0.25 - 5 * sigma, 0.25 + 5 * sigma);
    }

    @Test
    void backwardUsesTheForwardMask() {
        Tensor x = Tensor.uniform(3, 1f, 2f, 37, 29).requiresGrad(true); // no zeros, so out == 0 marks drops
        Tensor out = Dropout.apply(x, 0.3f, 99L, true);
        Tensor d = Tensor.randn(4, 37, 29);
        Autograd.backward(out, d);
        float[] o = out.toFloatArray();
        float[] dv = d.toFloatArray();
        float[] g = x.grad().toFloatArray();
        for (int i = 0; i < o.length; i++) {
            assertThat(g[i]).isEqualTo(o[i] == 0f ? 0f : dv[i] * (1f / 0.7f));
        }
        GradCheck.create().check(in -> Dropout.apply(Views.transpose(in[0], 0, 1), 0.4f, 5L, true),
                Tensor.randn(6, 5, 6));
    }

    @Test
    void pOfOneDropsEverythingAndInvalidPIsRejected() {
        assertThat(Dropout.apply(Tensor.full(3f, 10), 1f, 1L, true).toFloatArray()).containsOnly(0f);
        assertThatThrownBy(() -> Dropout.apply(Tensor.zeros(2), 1.5f, 1L, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
        assertThatThrownBy(() -> Dropout.apply(Tensor.zeros(2), Float.NaN, 1L, true))
                .hasMessageContaining("NaN");
    }

    @Property(tries = 5)
    void smallShapesWork(@ForAll @IntRange(min = 1, max = 9) int n) {
        assertThat(Dropout.apply(Tensor.full(1f, n), 0.5f, n, true).shape()).containsExactly(n);
    }
}
