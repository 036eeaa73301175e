package dev.lathe.engine.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.GradCheck;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ArithmeticTest {
    private static final String[] NAMES = {"add", "sub", "mul", "div"};

    private static BinaryOperator<Tensor> op(int i) {
        return switch (i) {
            case 0 -> Arithmetic::add;
            case 1 -> Arithmetic::sub;
            case 2 -> Arithmetic::mul;
            default -> Arithmetic::div;
        };
    }

    /** Random values of magnitude in [0.5, 1.5] and random sign: safe denominators for div. */
    static Tensor awayFromZero(long seed, int... shape) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        float[] v = new float[(int) t.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((0.5 + random.nextDouble()) * (random.nextBoolean() ? 1 : -1));
        }
        return Tensor.of(v, shape);
    }

    /** The shape b takes against a (r, c, k) a in each broadcast pattern. */
    private static int[] smallShape(int pattern, int r, int c, int k) {
        return switch (pattern) {
            case 0 -> new int[] {r, c, k};   // same shape
            case 1 -> new int[] {k};         // row broadcast
            case 2 -> new int[] {c, 1};      // column broadcast
            case 3 -> new int[] {r, 1, k};   // middle dimension
            case 4 -> new int[] {1};         // scalar-like
            default -> new int[] {};         // rank 0
        };
    }

    @Property(tries = 60)
    void backwardMatchesFiniteDifferencesWhenEitherSideBroadcasts(@ForAll @IntRange(min = 0, max = 3) int op,
            @ForAll @IntRange(min = 0, max = 5) int pattern, @ForAll boolean smallOnLeft,
            @ForAll @IntRange(min = 1, max = 3) int r, @ForAll @IntRange(min = 1, max = 3) int c,
            @ForAll @IntRange(min = 1, max = 4) int k) {
        Tensor big = op == 3 && smallOnLeft ? awayFromZero(r + c, r, c, k) : Tensor.randn(r * 31L + k, r, c, k);
        int[] small = smallShape(pattern, r, c, k);
        Tensor little = op == 3 && !smallOnLeft ? awayFromZero(k, small) : Tensor.randn(c * 17L, small);
        BinaryOperator<Tensor> f = op(op);
        if (smallOnLeft) {
            GradCheck.create().check(in -> f.apply(in[0], in[1]), little, big);
        } else {
            GradCheck.create().check(in -> f.apply(in[0], in[1]), big, little);
        }
    }

    @Property(tries = 30)
    void transposedViewsAreReadThroughTheirStrides(@ForAll @IntRange(min = 0, max = 3) int op,
            @ForAll @IntRange(min = 1, max = 4) int r, @ForAll @IntRange(min = 1, max = 4) int c,
            @ForAll boolean broadcastB) {
        BinaryOperator<Tensor> f = op(op);
        Tensor a = Tensor.randn(r + 10L * c, c, r);          // seen as (r, c) after the transpose
        Tensor b = broadcastB ? awayFromZero(r, c) : awayFromZero(c, c, r);
        GradCheck.create().check(in -> f.apply(Views.transpose(in[0], 0, 1),
                broadcastB ? in[1] : Views.transpose(in[1], 0, 1)), a, b);
    }

    @Test
    void broadcastingFollowsNumPyRulesForTheOutputShape() {
        assertThat(Arithmetic.add(Tensor.zeros(2, 1, 4), Tensor.zeros(3, 1)).shape()).containsExactly(2, 3, 4);
        assertThat(Arithmetic.mul(Tensor.zeros(5), Tensor.zeros(2, 3, 5)).shape()).containsExactly(2, 3, 5);
        assertThat(Arithmetic.sub(Tensor.scalar(1), Tensor.zeros(2)).shape()).containsExactly(2);
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor bias = Tensor.of(new float[] {10, 20, 30}, 3);
        assertThat(Arithmetic.add(x, bias).toFloatArray()).containsExactly(11, 22, 33, 14, 25, 36);
        assertThat(Arithmetic.div(bias, x).toFloatArray()).containsExactly(10, 10, 10, 2.5f, 4, 5);
    }

    @Test
    void incompatibleShapesAreRejectedNamingBoth() {
        assertThatThrownBy(() -> Arithmetic.add(Tensor.zeros(2, 3), Tensor.zeros(4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 3]").hasMessageContaining("[4]");
    }

    @Test
    void storageTypeInputsAreRejectedNamingTheOpAndArgument() {
        Tensor bf16 = Tensor.zeros(2, 3).to(dev.lathe.engine.tensor.DType.BF16);
        assertThatThrownBy(() -> Arithmetic.mul(Tensor.zeros(2, 3), bf16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mul: b [2, 3] is BF16, expected F32");
        assertThatThrownBy(() -> Activations.gelu(bf16)).hasMessageContaining("gelu: x");
        assertThatThrownBy(() -> Reductions.sum(bf16)).hasMessageContaining("sum: x");
    }

    @Test
    void aTensorUsedOnBothSidesGetsBothContributions() {
        Tensor x = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
        Autograd.backward(Reductions.sum(Arithmetic.mul(x, x)));
        assertThat(x.grad().toFloatArray()).containsExactly(2, -4, 6);
        GradCheck.create().check(in -> Arithmetic.sub(in[0], in[0]), Tensor.randn(3, 4));
    }

    @Test
    void scaleAndAddScalarHaveTheirGradients() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        assertThat(Arithmetic.scale(x, -2f).toFloatArray()).containsExactly(-2, -4, -6);
        assertThat(Arithmetic.addScalar(x, 0.5f).toFloatArray()).containsExactly(1.5f, 2.5f, 3.5f);
        GradCheck.create().check(in -> Arithmetic.scale(Views.transpose(in[0], 0, 1), 3f), Tensor.randn(1, 2, 3));
        GradCheck.create().check(in -> Arithmetic.addScalar(in[0], -1f), Tensor.randn(2, 4, 3));
    }

    @Test
    void underNoGradNothingIsRecorded() {
        Tensor a = Tensor.randn(1, 2, 3).requiresGrad(true);
        for (int i = 0; i < NAMES.length; i++) {
            BinaryOperator<Tensor> f = op(i);
            Tensor out = Autograd.noGrad(() -> f.apply(a, a));
            assertThat(out.requiresGrad()).as(NAMES[i]).isFalse();
        }
        assertThat(Arithmetic.add(a, a).gradFn().op()).isEqualTo("add");
    }

    @Test
    void largeRowBroadcastGradientsSumOverRows() {
        int rows = 300;
        int n = 257; // several threads, awkward width
        Tensor x = Tensor.randn(1, rows, n).requiresGrad(true);
        Tensor bias = Tensor.randn(2, n).requiresGrad(true);
        Tensor out = Arithmetic.mul(x, bias);
        Tensor d = Tensor.randn(3, rows, n);
        Autograd.backward(out, d);
        float[] xv = x.toFloatArray();
        float[] dv = d.toFloatArray();
        float[] db = bias.grad().toFloatArray();
        for (int j = 0; j < n; j += 16) {
            double expected = 0;
            for (int i = 0; i < rows; i++) {
                expected += (double) dv[i * n + j] * xv[i * n + j];
            }
            assertThat((double) db[j]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-3));
        }
    }
}
