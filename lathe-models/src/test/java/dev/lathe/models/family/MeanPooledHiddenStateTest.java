package dev.lathe.models.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.models.ContextLengthExceededException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoder sentence embedding (final hidden states averaged over positions) checked against
 * PyTorch: the output head is linear without bias, so the mean of PyTorch's logits over positions
 * must equal the mean hidden state times the head, {@code mean_t(logits) = mean_t(h) W^T}.
 */
class MeanPooledHiddenStateTest {
    private static final double TOLERANCE = 2e-4;

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa", "qwen2-bias", "gpt2", "mistral-head-dim"})
    void meanHiddenStateTimesTheHeadIsPyTorchsMeanLogits(String name) {
        try (TinyModels.Loaded m = TinyModels.load(name)) {
            float[] head = m.model().weights().lmHead().toFloatArray(); // (V, C)
            int v = m.model().vocabSize();
            for (TinyModels.Sequence seq : m.sequences()) {
                float[] mean = m.model().meanPooledHiddenState(seq.ids()); // (C)
                int c = mean.length;
                assertThat(c).isEqualTo(head.length / v);
                double worst = 0;
                for (int j = 0; j < v; j++) {
                    double ours = 0;
                    for (int k = 0; k < c; k++) {
                        ours += (double) mean[k] * head[j * c + k];
                    }
                    double torch = 0;
                    for (float[] row : seq.logits()) {
                        torch += row[j];
                    }
                    torch /= seq.logits().length;
                    worst = Math.max(worst, Math.abs(ours - torch));
                }
                System.out.printf("%s: mean hidden state x head vs PyTorch mean logits, max |diff| %.2e%n", name,
                        worst);
                assertThat(worst).isLessThan(TOLERANCE);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa"})
    void emptyAndTooLongInputsAreRejected(String name) {
        try (TinyModels.Loaded m = TinyModels.load(name)) {
            assertThatThrownBy(() -> m.model().meanPooledHiddenState(new int[0]))
                    .hasMessageContaining("at least one token");
            assertThatThrownBy(() -> m.model().meanPooledHiddenState(new int[m.model().contextLength() + 1]))
                    .isInstanceOf(ContextLengthExceededException.class);
        }
    }
}
