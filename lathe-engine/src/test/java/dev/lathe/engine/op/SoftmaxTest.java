package dev.lathe.engine.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import dev.lathe.engine.testing.GradCheck;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SoftmaxTest {

    @Property(tries = 30)
    void softmaxAndLogSoftmaxGradientsMatchFiniteDifferences(@ForAll @IntRange(min = 1, max = 3) int a,
            @ForAll @IntRange(min = 1, max = 4) int b, @ForAll @IntRange(min = 1, max = 9) int n,
            @ForAll @IntRange(min = -3, max = 2) int axis, @ForAll boolean log,
            @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        GradCheck.create().check(in -> log ? Softmax.logSoftmax(in[0], axis) : Softmax.softmax(in[0], axis),
                Tensor.randn(seed, a, b, n));
    }

    @Property(tries = 15)
    void gradientsFlowThroughATransposedInput(@ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 9) int n, @ForAll boolean log,
            @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        GradCheck.create().check(in -> {
            Tensor x = Views.transpose(in[0], 0, 1);
            return log ? Softmax.logSoftmax(x) : Softmax.softmax(x);
        }, Tensor.randn(seed, n, rows));
    }

    @Test
    void softmaxAndLogSoftmaxMatchTorchGoldenVectors() {
        double out = 0;
        double grad = 0;
        for (String op : new String[] {"softmax", "log_softmax"}) {
            for (Golden.Case c : NnGolden.cases(op)) {
                Tensor x = NnGolden.leaf(c, "x");
                int axis = c.intParam("axis");
                Tensor y = op.equals("softmax") ? Softmax.softmax(x, axis) : Softmax.logSoftmax(x, axis);
                out = Math.max(out, NnGolden.compare(c, "out", y, c.tensor("out")));
                NnGolden.backward(c, y);
                grad = Math.max(grad, NnGolden.compare(c, "dx", x.grad(), c.tensor("dx")));
            }
        }
        NnGolden.report("softmax/logSoftmax", out, grad);
    }

    @Test
    void hugeLogitsNeitherOverflowNorUnderflowToNaN() {
        Tensor x = Tensor.of(new float[] {1e30f, 1e30f, -1e30f, 88f, 89f, 90f}, 2, 3);
        float[] p = Softmax.softmax(x).toFloatArray();
        assertThat(p[0]).isCloseTo(0.5f, within(1e-7f));
        assertThat(p[1]).isCloseTo(0.5f, within(1e-7f));
        assertThat(p[2]).isZero();
        assertThat(p[3] + p[4] + p[5]).isCloseTo(1f, within(1e-6f));
        float[] lp = Softmax.logSoftmax(x).toFloatArray();
        assertThat(lp[0]).isCloseTo((float) -Math.log(2), within(1e-6f));
        assertThat(lp[2]).isEqualTo(-2e30f);
    }

    @Test
    void softmaxOverAnInnerAxisReturnsAContiguousTensorSummingToOneAlongIt() {
        Tensor y = Softmax.softmax(Tensor.randn(3, 2, 5, 3), 1);
        assertThat(y.isContiguous()).isTrue();
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 3; k++) {
                float s = 0;
                for (int j = 0; j < 5; j++) {
                    s += y.get(i, j, k);
                }
                assertThat(s).isCloseTo(1f, within(1e-6f));
            }
        }
    }
}
