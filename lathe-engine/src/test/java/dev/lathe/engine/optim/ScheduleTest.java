package dev.lathe.engine.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScheduleTest {

    static List<Golden.Case> scheduleCases() {
        return OptimGolden.cases("schedule_");
    }

    @ParameterizedTest
    @MethodSource("scheduleCases")
    void multipliersMatchHuggingFaceAtEveryStep(Golden.Case c) {
        Schedule schedule = OptimGolden.schedule(c);
        int n = c.intParam("steps");
        float[] got = new float[n];
        for (int s = 0; s < n; s++) {
            got[s] = (float) schedule.multiplier(s);
        }
        Tensor expected = c.tensor("multipliers");
        Golden.assertClose(c.name(), Tensor.of(got, n), expected, 1e-6);
        System.out.printf("golden %s: max difference %.3g%n", c, Golden.maxRelativeDifference(Tensor.of(got, n), expected));
    }

    @Test
    void cosineDefaultsAreHalfACycleDownToZero() {
        var cosine = new Schedule.CosineWithWarmup(5, 20);
        assertThat(cosine.numCycles()).isEqualTo(0.5);
        assertThat(cosine.multiplier(5)).isEqualTo(1.0);
        assertThat(cosine.multiplier(20)).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(new Schedule.LinearWithWarmup(5, 20).multiplier(30)).isZero();
    }

    @Test
    void applySetsTheLearningRateForTheOptimizersNextStep() {
        Tensor w = Tensor.zeros(3).requiresGrad(true);
        AdamW opt = new AdamW(Map.of("w", w));
        Schedule warmup = new Schedule.ConstantWithWarmup(4);
        warmup.apply(opt, 0.1);
        assertThat(opt.lr()).isZero();
        w.setGrad(Tensor.full(1f, 3));
        opt.step();
        opt.step();
        warmup.apply(opt, 0.1);
        assertThat(opt.lr()).isEqualTo(0.1 * 2 / 4);
    }

    @Test
    void invalidArgumentsAreRejectedByName() {
        assertThatThrownBy(() -> new Schedule.LinearWithWarmup(-1, 10)).hasMessageContaining("warmupSteps");
        assertThatThrownBy(() -> new Schedule.CosineWithWarmup(1, 10, 0.5, 1.5)).hasMessageContaining("minLrRatio");
    }
}
