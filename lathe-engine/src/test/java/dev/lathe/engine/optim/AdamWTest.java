package dev.lathe.engine.optim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.tensor.TensorArena;
import dev.lathe.engine.testing.Golden;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AdamWTest {

    static List<Golden.Case> adamwCases() {
        return OptimGolden.cases("adamw_");
    }

    @ParameterizedTest
    @MethodSource("adamwCases")
    void everyStepMatchesTorchAdamW(Golden.Case c) {
        OptimGolden.Result r = OptimGolden.replay(c);
        for (String n : OptimGolden.names(c)) {
            Golden.assertClose(c + " exp_avg " + n, r.optimizer().buffer(n, "exp_avg"), c.tensor("exp_avg/" + n),
                    OptimGolden.RTOL);
            Golden.assertClose(c + " exp_avg_sq " + n, r.optimizer().buffer(n, "exp_avg_sq"),
                    c.tensor("exp_avg_sq/" + n), OptimGolden.RTOL);
        }
        System.out.printf("golden %s: max relative difference %.3g over %d steps%n", c, r.worst(),
                c.intParam("steps"));
    }

    @Test
    void defaultsAreTorchDefaults() {
        AdamW.Config d = AdamW.Config.defaults();
        assertThat(d).isEqualTo(new AdamW.Config(1e-3, 0.9, 0.999, 1e-8, 1e-2));
    }

    @Test
    void parametersWithoutAGradientAreSkippedAndKeepTheirOwnStepCount() {
        Tensor a = Tensor.randn(1, 3).requiresGrad(true);
        Tensor b = Tensor.randn(2, 4).requiresGrad(true);
        float[] bBefore = b.toFloatArray();
        AdamW opt = new AdamW(Map.of("a", a, "b", b));
        a.setGrad(Tensor.randn(3, 3));
        opt.step();
        assertThat(b.toFloatArray()).isEqualTo(bBefore);
        assertThat(opt.buffer("b", "exp_avg")).isNull();
        assertThat(opt.parameterSteps("a")).isEqualTo(1);
        assertThat(opt.parameterSteps("b")).isZero();
        assertThat(opt.stepCount()).isEqualTo(1);
    }

    @Test
    void savingAfterThreeStepsAndResumingInAFreshOptimizerEqualsSixStepsBitForBit(@TempDir Path dir)
            throws IOException {
        Schedule schedule = new Schedule.CosineWithWarmup(2, 6);
        Map<String, Tensor> straight = parameters();
        AdamW uninterrupted = new AdamW(straight, AdamW.Config.defaults().withLr(0.05));
        for (int s = 0; s < 6; s++) {
            train(uninterrupted, straight, schedule, s);
        }

        Map<String, Tensor> first = parameters();
        AdamW before = new AdamW(first, AdamW.Config.defaults().withLr(0.05));
        for (int s = 0; s < 3; s++) {
            train(before, first, schedule, s);
        }
        Path file = dir.resolve("optim.lopt");
        before.saveState(file);

        Map<String, Tensor> resumedParams = new LinkedHashMap<>();
        first.forEach((n, t) -> resumedParams.put(n, Tensor.of(t.toFloatArray(), t.shape()).requiresGrad(true)));
        AdamW resumed = new AdamW(resumedParams, AdamW.Config.defaults().withLr(0.05));
        resumed.loadState(file);
        assertThat(resumed.stepCount()).isEqualTo(3);
        for (int s = 3; s < 6; s++) {
            train(resumed, resumedParams, schedule, (int) resumed.stepCount());
        }
        for (String n : straight.keySet()) {
            assertThat(resumedParams.get(n).toFloatArray()).as(n).isEqualTo(straight.get(n).toFloatArray());
            assertThat(resumed.parameterSteps(n)).isEqualTo(uninterrupted.parameterSteps(n));
            for (String b : List.of("exp_avg", "exp_avg_sq")) {
                Tensor want = uninterrupted.buffer(n, b);
                Tensor got = resumed.buffer(n, b);
                assertThat(got == null ? null : got.toFloatArray()).as(n + " " + b)
                        .isEqualTo(want == null ? null : want.toFloatArray());
            }
        }
    }

    @Test
    void stateSurvivesTheTrainingStepArenaItWasCreatedIn() throws IOException {
        Tensor w = Tensor.randn(5, 4, 4).requiresGrad(true);
        AdamW opt = new AdamW(Map.of("w", w));
        try (TensorArena arena = TensorArena.open()) {
            arena.run(() -> {
                w.setGrad(Tensor.randn(6, 4, 4));
                opt.step();
            });
        }
        float[] m = opt.buffer("w", "exp_avg").toFloatArray(); // would fail if the arena owned it
        assertThat(m).isNotEmpty();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        opt.saveState(bytes);
        AdamW other = new AdamW(Map.of("w", Tensor.zeros(4, 4).requiresGrad(true)));
        other.loadState(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(other.buffer("w", "exp_avg").toFloatArray()).isEqualTo(m);
    }

    private static Map<String, Tensor> parameters() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("embed", Tensor.randn(10, 6, 5).requiresGrad(true));
        p.put("bias", Tensor.randn(11, 7).requiresGrad(true));
        p.put("unused", Tensor.randn(12, 3).requiresGrad(true)); // never gets a gradient
        return p;
    }

    /** One step with a gradient that depends only on the step number, so two runs see the same ones. */
    private static void train(Optimizer opt, Map<String, Tensor> params, Schedule schedule, int step) {
        params.get("embed").setGrad(Tensor.randn(100 + step, 6, 5));
        params.get("bias").setGrad(step == 4 ? null : Tensor.randn(200 + step, 7));
        schedule.apply(opt, 0.05);
        opt.step();
    }
}
