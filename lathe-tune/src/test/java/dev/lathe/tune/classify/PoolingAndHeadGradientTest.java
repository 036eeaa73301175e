package dev.lathe.tune.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.op.Losses;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.GradCheck;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Mean and last-token pooling followed by the linear head and cross-entropy: analytic gradients vs finite differences. */
class PoolingAndHeadGradientTest {
    static final int[] MASK = {1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0}; // (B=3, T=4): lengths 4, 2, 1
    static final int[] LABELS = {2, 0, 1};

    static Tensor random(SplittableRandom rng, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return Tensor.of(v, shape);
    }

    double check(Pooling pooling) {
        SplittableRandom rng = new SplittableRandom(5);
        Tensor hidden = random(rng, 3, 4, 5); // (B, T, C)
        Tensor weight = random(rng, 3, 5);    // (K, C)
        Tensor bias = random(rng, 3);         // (K)
        return GradCheck.create().check(in -> {
            ClassificationHead head = new ClassificationHead("classifier", in[1], in[2], 0f);
            return Losses.crossEntropy(head.logits(pooling.pool(in[0], MASK), false, 0), LABELS);
        }, hidden, weight, bias);
    }

    @Test
    void meanPoolingAndTheHeadHaveFiniteDifferenceGradients() {
        assertThat(check(Pooling.MEAN)).isLessThan(2e-3);
    }

    @Test
    void lastTokenPoolingAndTheHeadHaveFiniteDifferenceGradients() {
        assertThat(check(Pooling.LAST_TOKEN)).isLessThan(2e-3);
    }

    @Test
    void lastTokenPoolingPicksEachRowsLastRealTokenAndIgnoresPadding() {
        Tensor hidden = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 4, 1);
        assertThat(Pooling.LAST_TOKEN.pool(hidden, MASK).toFloatArray()).containsExactly(4f, 6f, 9f);
        assertThat(Pooling.MEAN.pool(hidden, MASK).toFloatArray()).containsExactly(2.5f, 5.5f, 9f);
    }
}
