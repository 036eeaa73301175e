package dev.lathe.engine.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import dev.lathe.engine.testing.GradCheck;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RopeTest {
    private static final RopeConfig.Scaling[] SCALINGS = {
        new RopeConfig.None(),
        new RopeConfig.Linear(2.5),
        new RopeConfig.Llama3(8, 1, 4, 32), // small original length: all three bands at D <= 16
    };

    @Test
    void matchesPyTorchForBothLayoutsAndAllScalings() {
        List<Golden.Case> cases = Golden.load("rope.json");
        assertThat(cases).hasSize(12);
        double worstOut = 0;
        double worstGrad = 0;
        double worstFreq = 0;
        for (Golden.Case c : cases) {
            RopeConfig config = configOf(c);
            RopeTable table = RopeTable.create(config, 512);
            int[] positions = ints(c.required("positions"));

            Tensor expectedFreq = c.tensor("inv_freq");
            Tensor freq = Tensor.of(config.inverseFrequencies(), expectedFreq.shape());
            Golden.assertClose(c + " inv_freq", freq, expectedFreq, 1e-7);
            worstFreq = Math.max(worstFreq, maxDiff(freq, expectedFreq));

            Tensor x = c.tensor("x").requiresGrad(true);
            Tensor out = Rope.apply(x, table, positions);
            Golden.assertClose(c + " out", out, c.tensor("out"), 1e-5);
            Autograd.backward(out, c.tensor("R"));
            Golden.assertClose(c + " dX", x.grad(), c.tensor("dX"), 1e-5);
            worstOut = Math.max(worstOut, maxDiff(out, c.tensor("out")));
            worstGrad = Math.max(worstGrad, maxDiff(x.grad(), c.tensor("dX")));
        }
        System.out.printf("rope vs PyTorch: max |diff| out %.3g, dX %.3g, inv_freq %.3g%n", worstOut, worstGrad,
                worstFreq);
    }

    @Test
    void llama3ScalingKeepsHighFrequenciesDividesLowOnesAndBlendsTheBandBetween() {
        RopeConfig plain = new RopeConfig(16, 10000);
        float[] base = plain.inverseFrequencies();
        float[] scaled = plain.withScaling(new RopeConfig.Llama3(8, 1, 4, 64)).inverseFrequencies();
        int kept = 0;
        int divided = 0;
        int blended = 0;
        for (int i = 0; i < base.length; i++) {
            double wavelen = 2 * Math.PI / base[i];
            if (wavelen < 16) {
                assertThat(scaled[i]).isEqualTo(base[i]);
                kept++;
            } else if (wavelen > 64) {
                assertThat(scaled[i]).isEqualTo(base[i] / 8);
                divided++;
            } else {
                assertThat(scaled[i]).isBetween(base[i] / 8, base[i]);
                blended++;
            }
        }
        assertThat(kept).isPositive();
        assertThat(divided).isPositive();
        assertThat(blended).isPositive();
    }

    @Property(tries = 40)
    void backwardMatchesFiniteDifferences(@ForAll @IntRange(min = 1, max = 2) int b,
            @ForAll @IntRange(min = 1, max = 3) int h, @ForAll @IntRange(min = 1, max = 4) int t,
            @ForAll @IntRange(min = 1, max = 4) int halfD, @ForAll boolean interleaved,
            @ForAll @IntRange(min = 0, max = 2) int scaling, @ForAll @IntRange(min = 0, max = 60) int start,
            @ForAll boolean transposedInput) {
        RopeConfig config = new RopeConfig(2 * halfD, scaling == 1 ? 500000 : 10000, SCALINGS[scaling],
                interleaved ? RopeConfig.Layout.INTERLEAVED : RopeConfig.Layout.HALF);
        RopeTable table = RopeTable.create(config, 64);
        long seed = 31L * b + 7L * h + t + 131L * halfD + start;
        if (transposedInput) { // (B, T, H, D) as projections produce it, viewed as (B, H, T, D)
            GradCheck.create().check(in -> Rope.apply(Views.transpose(in[0], 1, 2), table, start),
                    Tensor.randn(seed, b, t, h, 2 * halfD));
        } else {
            GradCheck.create().check(in -> Rope.apply(in[0], table, start), Tensor.randn(seed, b, h, t, 2 * halfD));
        }
    }

    @Test
    void aDecodeStepAtPositionPMatchesRowPOfTheFullSequence() {
        for (RopeConfig.Layout layout : RopeConfig.Layout.values()) {
            RopeTable table = RopeTable.create(new RopeConfig(10, 10000).withLayout(layout), 32);
            Tensor x = Tensor.randn(5, 2, 3, 9, 10);
            Tensor full = Rope.apply(x, table, 0);
            for (int p : new int[] {0, 4, 8}) {
                Tensor step = Rope.apply(Views.slice(x, 2, p, p + 1), table, p);
                assertThat(step.toFloatArray()).containsExactly(Views.slice(full, 2, p, p + 1).toFloatArray());
            }
        }
    }

    @Test
    void rotatedDotProductsDependOnlyOnTheRelativePosition() {
        RopeTable table = RopeTable.create(new RopeConfig(8, 10000).withLayout(RopeConfig.Layout.INTERLEAVED), 64);
        Tensor q = Tensor.randn(1, 1, 1, 1, 8);
        Tensor k = Tensor.randn(2, 1, 1, 1, 8);
        double near = dot(Rope.apply(q, table, 12), Rope.apply(k, table, 9));
        double far = dot(Rope.apply(q, table, 43), Rope.apply(k, table, 40));
        assertThat(far).isCloseTo(near, org.assertj.core.data.Offset.offset(1e-4));
        // and the rotation keeps lengths
        assertThat(dot(Rope.apply(q, table, 17), Rope.apply(q, table, 17)))
                .isCloseTo(dot(q, q), org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void rejectsBadShapesPositionsAndConfigsWithClearMessages() {
        RopeTable table = RopeTable.create(new RopeConfig(4, 10000), 8);
        assertThatThrownBy(() -> Rope.apply(Tensor.zeros(1, 2, 3, 6), table, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("D = 4").hasMessageContaining("[1, 2, 3, 6]");
        assertThatThrownBy(() -> Rope.apply(Tensor.zeros(1, 1, 3, 4), table, 6))
                .hasMessageContaining("position 8").hasMessageContaining("[0, 8)");
        assertThatThrownBy(() -> Rope.apply(Tensor.zeros(1, 1, 3, 4), table, new int[] {0, 1}))
                .hasMessageContaining("T = 3");
        assertThatThrownBy(() -> new RopeConfig(5, 10000)).hasMessageContaining("even");
        assertThatThrownBy(() -> new RopeConfig.Llama3(8, 4, 1, 8192)).hasMessageContaining("lowFreqFactor");
    }

    private static RopeConfig configOf(Golden.Case c) {
        JsonNode s = c.required("scaling");
        RopeConfig.Scaling scaling = switch (s.get("type").asText()) {
            case "none" -> new RopeConfig.None();
            case "linear" -> new RopeConfig.Linear(s.get("factor").asDouble());
            case "llama3" -> new RopeConfig.Llama3(s.get("factor").asDouble(), s.get("low_freq_factor").asDouble(),
                    s.get("high_freq_factor").asDouble(), s.get("original_max_position_embeddings").asInt());
            default -> throw new IllegalArgumentException("unknown scaling " + s);
        };
        RopeConfig.Layout layout = c.stringParam("layout").equals("half")
                ? RopeConfig.Layout.HALF : RopeConfig.Layout.INTERLEAVED;
        return new RopeConfig(c.intParam("headDim"), c.param("theta"), scaling, layout);
    }

    private static int[] ints(JsonNode array) {
        int[] v = new int[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asInt();
        }
        return v;
    }

    private static double dot(Tensor a, Tensor b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (double) x[i] * y[i];
        }
        return s;
    }

    static double maxDiff(Tensor a, Tensor b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs((double) x[i] - y[i]));
        }
        return worst;
    }
}
