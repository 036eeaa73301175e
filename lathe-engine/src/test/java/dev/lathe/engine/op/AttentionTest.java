package dev.lathe.engine.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import dev.lathe.engine.testing.GradCheck;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AttentionTest {

    @Test
    void matchesPyTorchForwardAndGradientsWithGqaCausalPaddingAndDecodeShapes() {
        List<Golden.Case> cases = Golden.load("attention.json");
        assertThat(cases).hasSize(8);
        double worstOut = 0;
        double worstGrad = 0;
        for (Golden.Case c : cases) {
            Tensor q = c.tensor("q").requiresGrad(true);
            Tensor k = c.tensor("k").requiresGrad(true);
            Tensor v = c.tensor("v").requiresGrad(true);
            Tensor mask = c.has("keyMask") ? c.tensor("keyMask") : null;
            boolean causal = c.boolParam("causal");
            Tensor out = c.boolParam("defaultScale")
                    ? Attention.scaledDotProductAttention(q, k, v, causal, mask)
                    : Attention.scaledDotProductAttention(q, k, v, causal, mask, (float) c.param("scale"));
            Golden.assertClose(c + " out", out, c.tensor("out"), 1e-5);
            Autograd.backward(out, c.tensor("R"));
            Golden.assertClose(c + " dQ", q.grad(), c.tensor("dQ"), 1e-5);
            Golden.assertClose(c + " dK", k.grad(), c.tensor("dK"), 1e-5);
            Golden.assertClose(c + " dV", v.grad(), c.tensor("dV"), 1e-5);
            worstOut = Math.max(worstOut, RopeTest.maxDiff(out, c.tensor("out")));
            for (String g : new String[] {"dQ", "dK", "dV"}) {
                Tensor grad = switch (g) {
                    case "dQ" -> q.grad();
                    case "dK" -> k.grad();
                    default -> v.grad();
                };
                worstGrad = Math.max(worstGrad, RopeTest.maxDiff(grad, c.tensor(g)));
            }
        }
        System.out.printf("attention vs PyTorch: max |diff| out %.3g, dQ/dK/dV %.3g%n", worstOut, worstGrad);
    }

    @Property(tries = 40)
    void backwardMatchesFiniteDifferences(@ForAll @IntRange(min = 1, max = 2) int b,
            @ForAll @IntRange(min = 1, max = 2) int kvh, @ForAll @IntRange(min = 1, max = 3) int group,
            @ForAll @IntRange(min = 1, max = 3) int t, @ForAll @IntRange(min = 0, max = 2) int extraKeys,
            @ForAll @IntRange(min = 1, max = 5) int d, @ForAll boolean causal, @ForAll boolean padded,
            @ForAll boolean transposedQuery) {
        int h = kvh * group;
        int s = t + extraKeys;
        long seed = 1009L * b + 101L * kvh + 31L * group + 7L * t + 3L * s + d;
        Tensor mask = null;
        if (padded) { // batch 0 pads its first key (left padding), the last batch its last key
            mask = Tensor.full(1f, b, s);
            mask.set(0f, 0, 0);
            if (s > 1) {
                mask.set(0f, b - 1, s - 1);
            }
        }
        Tensor m = mask;
        Tensor q = transposedQuery ? Tensor.randn(seed, b, t, h, d) : Tensor.randn(seed, b, h, t, d);
        GradCheck.create().check(in -> Attention.scaledDotProductAttention(
                        transposedQuery ? Views.transpose(in[0], 1, 2) : in[0], in[1], in[2], causal, m),
                q, Tensor.randn(seed + 1, b, kvh, s, d), Tensor.randn(seed + 2, b, kvh, s, d));
    }

    @Test
    void groupedQueryAttentionEqualsMultiHeadAttentionWithRepeatedKvHeads() {
        int b = 2, h = 6, kvh = 2, t = 4, s = 5, d = 7;
        Tensor q = Tensor.randn(1, b, h, t, d);
        Tensor k = Tensor.randn(2, b, kvh, s, d);
        Tensor v = Tensor.randn(3, b, kvh, s, d);
        Tensor kRep = Tensor.zeros(b, h, s, d);
        Tensor vRep = Tensor.zeros(b, h, s, d);
        for (int bi = 0; bi < b; bi++) {
            for (int hi = 0; hi < h; hi++) {
                for (int si = 0; si < s; si++) {
                    for (int di = 0; di < d; di++) {
                        kRep.set(k.get(bi, hi / 3, si, di), bi, hi, si, di);
                        vRep.set(v.get(bi, hi / 3, si, di), bi, hi, si, di);
                    }
                }
            }
        }
        assertThat(Attention.scaledDotProductAttention(q, k, v, true).toFloatArray())
                .containsExactly(Attention.scaledDotProductAttention(q, kRep, vRep, true).toFloatArray());
    }

    @Test
    void aDecodeStepOverTheCacheEqualsTheLastRowOfFullCausalAttention() {
        int s = 9;
        Tensor q = Tensor.randn(4, 1, 4, s, 8);
        Tensor k = Tensor.randn(5, 1, 2, s, 8);
        Tensor v = Tensor.randn(6, 1, 2, s, 8);
        Tensor full = Attention.scaledDotProductAttention(q, k, v, true);
        Tensor step = Attention.scaledDotProductAttention(Views.slice(q, 2, s - 1, s), k, v, true);
        assertThat(step.toFloatArray()).containsExactly(Views.slice(full, 2, s - 1, s).toFloatArray());
        // a prefix of the cache: query 3 sees keys 0..3 only, whatever comes after
        Tensor prefix = Attention.scaledDotProductAttention(Views.slice(q, 2, 3, 4), Views.slice(k, 2, 0, 4),
                Views.slice(v, 2, 0, 4), true);
        assertThat(prefix.toFloatArray()).containsExactly(Views.slice(full, 2, 3, 4).toFloatArray());
    }

    @Test
    void aQueryWithNoVisibleKeyOutputsZerosAndPassesNoGradientInsteadOfNaN() {
        Tensor q = Tensor.randn(7, 1, 2, 3, 4).requiresGrad(true);
        Tensor k = Tensor.randn(8, 1, 1, 3, 4).requiresGrad(true);
        Tensor v = Tensor.randn(9, 1, 1, 3, 4).requiresGrad(true);
        Tensor mask = Tensor.of(new float[] {0, 1, 1}, 1, 3); // left padding: query 0 sees only key 0
        Tensor out = Attention.scaledDotProductAttention(q, k, v, true, mask);
        float[] o = out.toFloatArray();
        assertThat(o).doesNotContain(Float.NaN);
        for (int hi = 0; hi < 2; hi++) {
            assertThat(Views.slice(Views.slice(out, 1, hi, hi + 1), 2, 0, 1).toFloatArray()).containsOnly(0f);
            assertThat(Views.slice(Views.slice(out, 1, hi, hi + 1), 2, 1, 2).toFloatArray()).doesNotContain(0f);
        }
        Autograd.backward(out, Tensor.full(1f, out.shape()));
        assertThat(Views.slice(q.grad(), 2, 0, 1).toFloatArray()).containsOnly(0f);
        assertThat(Views.slice(k.grad(), 2, 0, 1).toFloatArray()).containsOnly(0f); // padded key: no gradient
        assertThat(v.grad().toFloatArray()).doesNotContain(Float.NaN);
    }

    @Test
    void withoutGradientsNothingIsRecorded() {
        Tensor q = Tensor.randn(1, 1, 2, 3, 4).requiresGrad(true);
        Tensor out = Autograd.noGrad(() -> Attention.scaledDotProductAttention(q, q, q, true));
        assertThat(out.isLeaf()).isTrue();
        assertThat(out.requiresGrad()).isFalse();
    }

    @Test
    void rejectsMismatchedShapesWithMessagesNamingThem() {
        Tensor q = Tensor.zeros(1, 4, 3, 8);
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, Tensor.zeros(1, 3, 5, 8),
                Tensor.zeros(1, 3, 5, 8), false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("H = 4").hasMessageContaining("KVH = 3");
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, Tensor.zeros(1, 2, 5, 8),
                Tensor.zeros(1, 2, 4, 8), false)).hasMessageContaining("same shape");
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, Tensor.zeros(1, 2, 5, 7),
                Tensor.zeros(1, 2, 5, 7), false)).hasMessageContaining("D = 8");
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, Tensor.zeros(1, 2, 2, 8),
                Tensor.zeros(1, 2, 2, 8), true)).hasMessageContaining("T <= S");
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, Tensor.zeros(1, 2, 5, 8),
                Tensor.zeros(1, 2, 5, 8), false, Tensor.zeros(1, 4))).hasMessageContaining("keyMask")
                .hasMessageContaining("[1, 5]");
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(Tensor.zeros(4, 3, 8), q, q, false))
                .hasMessageContaining("attention q must be rank 4");
    }
}
