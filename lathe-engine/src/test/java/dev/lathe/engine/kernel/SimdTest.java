package dev.lathe.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The deterministic vector helpers: accurate, equal to their scalar twins bit for bit. */
class SimdTest {

    @Test
    void expIsWithinTwoUlpOfMathExpAndEqualsItsScalarTwinBitForBit() {
        SplittableRandom random = new SplittableRandom(1);
        float[] x = new float[Simd.F.length()];
        float[] y = new float[x.length];
        double worstUlps = 0;
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextDouble() * 176 - 88);
            }
            Simd.exp(FloatVector.fromArray(Simd.F, x, 0)).intoArray(y, 0);
            for (int i = 0; i < x.length; i++) {
                assertThat(Float.floatToRawIntBits(y[i])).as("exp(%s)", x[i])
                        .isEqualTo(Float.floatToRawIntBits(Simd.exp(x[i])));
                double exact = Math.exp(x[i]);
                if (exact > Float.MIN_NORMAL && exact < Float.MAX_VALUE) {
                    worstUlps = Math.max(worstUlps, Math.abs(y[i] - exact) / Math.ulp((float) exact));
                }
            }
        }
        assertThat(worstUlps).as("max error in ulps").isLessThanOrEqualTo(2.0);
    }

    @Test
    void expHandlesTheEdgesLikeMathExp() {
        assertThat(Simd.exp(0f)).isEqualTo(1f);
        assertThat(Simd.exp(-200f)).isEqualTo(0f);
        assertThat(Simd.exp(200f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Simd.exp(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(Simd.exp(Float.NaN)).isNaN();
        float[] edge = new float[Simd.F.length()];
        edge[0] = Float.NaN;
        edge[1 % edge.length] = -1000f;
        float[] out = new float[edge.length];
        Simd.exp(FloatVector.fromArray(Simd.F, edge, 0)).intoArray(out, 0);
        assertThat(out[0]).isNaN();
    }

    @Test
    void tanhIsAccurateAndOdd() {
        for (float x = -9f; x <= 9f; x += 0.001f) {
            assertThat((double) Simd.tanh(x)).isCloseTo(Math.tanh(x), org.assertj.core.api.Assertions.within(2e-7));
            assertThat(Simd.tanh(-x)).isEqualTo(-Simd.tanh(x));
        }
    }

    @Test
    void sumAddsTheLanesInAFixedOrder() {
        float[] x = new float[Simd.F.length()];
        SplittableRandom random = new SplittableRandom(2);
        double exact = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
            exact += x[i];
        }
        float once = Simd.sum(FloatVector.fromArray(Simd.F, x, 0));
        for (int i = 0; i < 10_000; i++) { // through the interpreter, C1 and C2: always the same bits
            assertThat(Simd.sum(FloatVector.fromArray(Simd.F, x, 0))).isEqualTo(once);
        }
        assertThat((double) once).isCloseTo(exact, org.assertj.core.api.Assertions.within(1e-5));
    }
}
