package dev.lathe.models.family;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.op.Arithmetic;
import dev.lathe.engine.op.MatMul;
import dev.lathe.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The autograd forward calls its {@link LinearHook} once per projection, and the plain hook changes nothing. */
class LinearHookTest {
    private static final int[] IDS = {1, 5, 9, 3, 7};

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa", "gpt2"})
    void aDelegatingHookIsCalledForEveryProjectionAndGivesTheSameLogits(String name) {
        try (TinyModels.Loaded m = TinyModels.load(name)) {
            List<String> calls = new ArrayList<>();
            LinearHook recording = (layer, p, x, l) -> {
                calls.add(layer + "." + p);
                return LinearHook.plain(x, l);
            };
            float[] plain = m.model().logits(IDS, 1, IDS.length, null).toFloatArray();
            float[] hooked = m.model().logits(IDS, 1, IDS.length, null, recording).toFloatArray();
            assertThat(hooked).containsExactly(plain);
            boolean gated = m.model().weights().layers().get(0).gate() != null;
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < m.model().weights().layers().size(); i++) {
                for (LinearHook.Projection p : LinearHook.Projection.values()) {
                    if (p != LinearHook.Projection.GATE || gated) {
                        expected.add(i + "." + p);
                    }
                }
            }
            assertThat(calls).containsExactlyElementsOf(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa"})
    void aHookThatChangesOneProjectionChangesTheLogits(String name) {
        try (TinyModels.Loaded m = TinyModels.load(name)) {
            LinearHook doubledV = (layer, p, x, l) -> layer == 1 && p == LinearHook.Projection.V
                    ? Arithmetic.scale(LinearHook.plain(x, l), 2f) : LinearHook.plain(x, l);
            float[] plain = m.model().logits(IDS, 1, IDS.length, null).toFloatArray();
            Tensor hooked = m.model().logits(IDS, 1, IDS.length, null, doubledV);
            assertThat(hooked.toFloatArray()).isNotEqualTo(plain);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa", "gpt2"})
    void hiddenStatesAreTheLogitsBeforeTheLanguageModelHead(String name) {
        try (TinyModels.Loaded m = TinyModels.load(name)) {
            Tensor hidden = m.model().hiddenStates(IDS, 1, IDS.length, null, LinearHook.PLAIN);
            assertThat(hidden.shape()).containsExactly(1, IDS.length, m.model().config().hiddenSize());
            float[] viaHidden = MatMul.linear(hidden, m.model().weights().lmHead(), null).toFloatArray();
            assertThat(viaHidden).containsExactly(m.model().logits(IDS, 1, IDS.length, null).toFloatArray());
        }
    }
}
