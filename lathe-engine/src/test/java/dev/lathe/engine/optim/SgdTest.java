package dev.lathe.engine.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SgdTest {

    static List<Golden.Case> sgdCases() {
        return OptimGolden.cases("sgd_");
    }

    @ParameterizedTest
    @MethodSource("sgdCases")
    void everyStepMatchesTorchSgd(Golden.Case c) {
        OptimGolden.Result r = OptimGolden.replay(c);
        System.out.printf("golden %s: max relative difference %.3g over %d steps%n", c, r.worst(),
                c.intParam("steps"));
    }

    @Test
    void nesterovNeedsMomentumAndNoDampening() {
        assertThatThrownBy(() -> Sgd.Config.of(0.1).withNesterov(true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nesterov");
        assertThatThrownBy(() -> Sgd.Config.of(0.1).withMomentum(0.9).withDampening(0.1).withNesterov(true))
                .hasMessageContaining("dampening 0.1");
    }

    @Test
    void plainSgdKeepsNoStateAndMomentumStateRoundTrips() throws IOException {
        Tensor w = Tensor.randn(1, 6).requiresGrad(true);
        Sgd plain = new Sgd(Map.of("w", w), Sgd.Config.of(0.1));
        w.setGrad(Tensor.randn(2, 6));
        plain.step();
        assertThat(plain.bufferNames()).isEmpty();

        Sgd momentum = new Sgd(Map.of("w", w), Sgd.Config.of(0.1).withMomentum(0.9));
        momentum.step();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        momentum.saveState(bytes);
        Sgd other = new Sgd(Map.of("w", Tensor.zeros(6).requiresGrad(true)), Sgd.Config.of(0.1).withMomentum(0.9));
        other.loadState(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(other.buffer("w", "momentum_buffer").toFloatArray())
                .isEqualTo(momentum.buffer("w", "momentum_buffer").toFloatArray());
    }
}
