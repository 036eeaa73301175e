package dev.lathe.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.op.Attention;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.GradCheck;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The blocked (GEMM) training path of attention, which runs from {@link AttentionBlocked#MIN_QUERIES}
 * queries up, through the autograd op: its gradients against finite differences (its agreement with
 * the per-row scalar twin is in {@link AttentionKernelsTest}).
 */
class AttentionBlockedTest {

    @ParameterizedTest(name = "T={0} extra keys={1} causal={2} padded={3}")
    @CsvSource({"9, 0, true, true", "10, 3, true, false", "8, 2, false, true"})
    void gradientsOfTheBlockedPathMatchFiniteDifferences(int t, int extraKeys, boolean causal, boolean padded) {
        assertThat(t).isGreaterThanOrEqualTo(AttentionBlocked.MIN_QUERIES);
        int b = 2;
        int kvh = 1;
        int h = 2; // two query heads share the kv head: dK/dV sum over both
        int d = 3;
        int s = t + extraKeys;
        Tensor mask = null;
        if (padded) { // batch 0 pads its first key (left padding), batch 1 its last key
            mask = Tensor.full(1f, b, s);
            mask.set(0f, 0, 0);
            mask.set(0f, 1, s - 1);
        }
        Tensor m = mask;
        long seed = 31L * t + extraKeys;
        GradCheck.create().check(in -> Attention.scaledDotProductAttention(in[0], in[1], in[2], causal, m),
                Tensor.randn(seed, b, h, t, d), Tensor.randn(seed + 1, b, kvh, s, d), Tensor.randn(seed + 2, b, kvh, s, d));
    }
}
